//! Integration tests against a real PostgreSQL (`DATABASE_URL`); `sqlx::test` creates a fresh
//! database per test and applies the workspace migrations.

use std::net::IpAddr;
use std::time::Duration;

use accounts::{
    AccountsError, InitialAdmin, ThrottlePolicy, change_password, count_admins, create_admin,
    ensure_initial_admin, find_admin, list_admins, password, set_password, sign_in,
};
use sqlx::PgPool;

const PW: &str = "correct horse battery";
const OTHER_PW: &str = "another good password";

fn ip(s: &str) -> IpAddr {
    s.parse().expect("valid IP address")
}

async fn account_failures(pool: &PgPool, key: &str) -> Option<i32> {
    sqlx::query_scalar("SELECT failures FROM signin_failures WHERE scope = 'account' AND key = $1")
        .bind(key)
        .fetch_optional(pool)
        .await
        .expect("query signin_failures")
}

async fn fail_n(pool: &PgPool, policy: &ThrottlePolicy, username: &str, n: usize, client: IpAddr) {
    for i in 0..n {
        let r = sign_in(pool, policy, username, "wrong password!", client).await;
        assert!(
            matches!(r, Err(AccountsError::InvalidCredentials)),
            "attempt {i} for {username}: {r:?}"
        );
    }
}

#[tokio::test]
async fn hash_is_argon2id_and_verifies() {
    let phc = password::hash(PW).await.expect("hash");
    assert!(phc.starts_with("$argon2id$v=19$"), "{phc}");
    assert!(password::verify(PW, &phc).await);
    assert!(!password::verify("correct horse batterY", &phc).await);
    assert!(!password::verify("", &phc).await);
    assert!(!password::verify(PW, "not a phc string").await);
    // Salted: the same password hashes differently each time.
    let again = password::hash(PW).await.expect("hash");
    assert_ne!(phc, again);
    assert!(password::verify(PW, &again).await);
}

#[tokio::test]
async fn concurrent_hashes_all_complete() {
    let tasks: Vec<_> = (0..12)
        .map(|i| tokio::spawn(async move { password::hash(&format!("password number {i}")).await }))
        .collect();
    for (i, t) in tasks.into_iter().enumerate() {
        let phc = t.await.expect("join").expect("hash");
        assert!(password::verify(&format!("password number {i}"), &phc).await);
    }
}

#[test]
fn policy_errors_are_specific() {
    let reason = |p: &str| match password::check_policy(p) {
        Err(AccountsError::WeakPassword(r)) => r,
        other => panic!("expected WeakPassword for {p:?}, got {other:?}"),
    };
    assert!(reason("short").contains("at least 10"));
    assert!(reason("").contains("at least 10"));
    assert!(reason(&"ab".repeat(129)).contains("at most 256"));
    assert!(reason("zzzzzzzzzzzzzz").contains("single repeated character"));
    assert!(password::check_policy("abcdefghij").is_ok());
    assert!(password::check_policy(&"ab".repeat(128)).is_ok());
    assert!(password::check_policy(PW).is_ok());
    // The error message is the reason itself.
    let e = password::check_policy("short").expect_err("too short");
    assert!(e.to_string().contains("at least 10"));
    assert!(e.is_user_error());
}

#[sqlx::test(migrations = "../migrations")]
async fn create_list_find(pool: PgPool) {
    assert_eq!(count_admins(&pool).await.expect("count"), 0);
    assert!(list_admins(&pool).await.expect("list").is_empty());

    let zed = create_admin(&pool, "  Zed.Ops ", PW)
        .await
        .expect("create zed");
    assert_eq!(zed.username, "zed.ops");
    let amy = create_admin(&pool, "amy_1-x", OTHER_PW)
        .await
        .expect("create amy");

    assert_eq!(count_admins(&pool).await.expect("count"), 2);
    let list = list_admins(&pool).await.expect("list");
    assert_eq!(list, vec![amy.clone(), zed.clone()]);

    assert_eq!(
        find_admin(&pool, zed.id).await.expect("find"),
        Some(zed.clone())
    );
    assert_eq!(
        find_admin(&pool, uuid::Uuid::new_v4()).await.expect("find"),
        None
    );

    // The stored hash is argon2id and is never part of Admin.
    let stored: String = sqlx::query_scalar("SELECT password_hash FROM admins WHERE id = $1")
        .bind(amy.id)
        .fetch_one(&pool)
        .await
        .expect("hash");
    assert!(stored.starts_with("$argon2id$"));
    // Serialized without the hash, with an RFC 3339 timestamp, and round-trips.
    let json = serde_json::to_value(&zed).expect("serialize");
    assert_eq!(json.as_object().map(|o| o.len()), Some(3), "{json}");
    let created = json["created_at"].as_str().expect("created_at is a string");
    assert!(created.contains('T'), "{created}");
    let back: accounts::Admin = serde_json::from_value(json).expect("deserialize");
    assert_eq!(back, zed);
}

#[sqlx::test(migrations = "../migrations")]
async fn duplicate_username_is_taken_case_insensitively(pool: PgPool) {
    let first = create_admin(&pool, "Alice", PW).await.expect("create");
    let dup = create_admin(&pool, "aLICE ", OTHER_PW).await;
    assert!(matches!(dup, Err(AccountsError::UsernameTaken)), "{dup:?}");
    assert_eq!(
        dup.expect_err("dup").to_string(),
        "An administrator with that username already exists."
    );
    assert_eq!(list_admins(&pool).await.expect("list"), vec![first.clone()]);
    // The first admin's password is unchanged.
    let p = ThrottlePolicy::default();
    let me = sign_in(&pool, &p, "alice", PW, ip("10.0.0.1"))
        .await
        .expect("sign in");
    assert_eq!(me, first);
    let r = sign_in(&pool, &p, "alice", OTHER_PW, ip("10.0.0.1")).await;
    assert!(matches!(r, Err(AccountsError::InvalidCredentials)), "{r:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn invalid_usernames_and_weak_passwords_are_rejected(pool: PgPool) {
    for bad in [
        "ab",
        "  ab  ",
        "has space",
        "semi;colon",
        "ünïcode",
        "",
        &"a".repeat(65),
    ] {
        let r = create_admin(&pool, bad, PW).await;
        match r {
            Err(AccountsError::InvalidUsername(msg)) => assert!(msg.contains("3-64"), "{msg}"),
            other => panic!("{bad:?}: expected InvalidUsername, got {other:?}"),
        }
    }
    let r = create_admin(&pool, "validname", "short").await;
    assert!(matches!(r, Err(AccountsError::WeakPassword(_))), "{r:?}");
    assert!(create_admin(&pool, &"a".repeat(64), PW).await.is_ok());
    assert_eq!(count_admins(&pool).await.expect("count"), 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn sign_in_right_and_wrong_password(pool: PgPool) {
    let p = ThrottlePolicy::default();
    let admin = create_admin(&pool, "root.ops", PW).await.expect("create");
    let me = sign_in(&pool, &p, " ROOT.ops ", PW, ip("192.0.2.1"))
        .await
        .expect("sign in");
    assert_eq!(me, admin);
    let r = sign_in(
        &pool,
        &p,
        "root.ops",
        "correct horse batterY",
        ip("192.0.2.1"),
    )
    .await;
    assert!(matches!(r, Err(AccountsError::InvalidCredentials)), "{r:?}");
    assert_eq!(account_failures(&pool, "root.ops").await, Some(1));
}

#[sqlx::test(migrations = "../migrations")]
async fn unknown_user_gets_the_same_error_as_wrong_password(pool: PgPool) {
    let p = ThrottlePolicy::default();
    create_admin(&pool, "known", PW).await.expect("create");
    let wrong = sign_in(&pool, &p, "known", "nope nope nope", ip("192.0.2.2"))
        .await
        .expect_err("wrong password");
    let unknown = sign_in(&pool, &p, "unknown", PW, ip("192.0.2.2"))
        .await
        .expect_err("unknown user");
    let invalid = sign_in(&pool, &p, "x", PW, ip("192.0.2.2"))
        .await
        .expect_err("invalid username");
    assert!(matches!(wrong, AccountsError::InvalidCredentials));
    assert!(matches!(unknown, AccountsError::InvalidCredentials));
    assert!(matches!(invalid, AccountsError::InvalidCredentials));
    assert_eq!(wrong.to_string(), unknown.to_string());
    assert_eq!(wrong.to_string(), "Incorrect username or password.");
    // Failures are counted for unknown names too.
    assert_eq!(account_failures(&pool, "unknown").await, Some(1));
}

#[sqlx::test(migrations = "../migrations")]
async fn account_is_throttled_after_five_failures(pool: PgPool) {
    let p = ThrottlePolicy::default();
    let admin = create_admin(&pool, "target", PW).await.expect("create");
    fail_n(&pool, &p, "target", 5, ip("198.51.100.1")).await;

    // Even the right password is refused now, from any address.
    for client in ["198.51.100.1", "203.0.113.9"] {
        let r = sign_in(&pool, &p, "Target", PW, ip(client)).await;
        match r {
            Err(AccountsError::Throttled { retry_after_secs }) => {
                assert!(
                    (880..=900).contains(&retry_after_secs),
                    "{retry_after_secs}"
                );
                let msg = AccountsError::Throttled { retry_after_secs }.to_string();
                assert_eq!(
                    msg,
                    "Too many failed sign-in attempts. Try again in 15 minutes."
                );
            }
            other => panic!("expected Throttled from {client}, got {other:?}"),
        }
    }
    // Throttled attempts are not counted.
    assert_eq!(account_failures(&pool, "target").await, Some(5));
    // Other accounts are unaffected.
    create_admin(&pool, "bystander", PW).await.expect("create");
    sign_in(&pool, &p, "bystander", PW, ip("198.51.100.1"))
        .await
        .expect("sign in");
    let _ = admin;
}

#[sqlx::test(migrations = "../migrations")]
async fn address_is_throttled_after_twenty_failures(pool: PgPool) {
    let p = ThrottlePolicy::default();
    let admin = create_admin(&pool, "victim", PW).await.expect("create");
    let attacker = ip("2001:db8::1");
    for i in 0..19 {
        fail_n(&pool, &p, &format!("guess{i}"), 1, attacker).await;
    }
    // 19 failures: still allowed.
    assert_eq!(
        sign_in(&pool, &p, "victim", PW, attacker)
            .await
            .expect("19 < 20"),
        admin
    );
    fail_n(&pool, &p, "guess19", 1, attacker).await;
    let r = sign_in(&pool, &p, "victim", PW, attacker).await;
    assert!(matches!(r, Err(AccountsError::Throttled { .. })), "{r:?}");
    let r = sign_in(&pool, &p, "someone.new", PW, attacker).await;
    assert!(matches!(r, Err(AccountsError::Throttled { .. })), "{r:?}");
    // Another address is unaffected.
    assert_eq!(
        sign_in(&pool, &p, "victim", PW, ip("2001:db8::2"))
            .await
            .expect("other address"),
        admin
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn unknown_username_is_throttled_like_a_known_one(pool: PgPool) {
    let p = ThrottlePolicy::default();
    create_admin(&pool, "known.user", PW).await.expect("create");
    let mut outcomes = Vec::new();
    for name in ["known.user", "ghost.user"] {
        let mut seq = Vec::new();
        for _ in 0..7 {
            let r = sign_in(&pool, &p, name, "wrong password!", ip("192.0.2.50")).await;
            seq.push(match r {
                Err(AccountsError::Throttled { retry_after_secs }) => {
                    assert!((880..=900).contains(&retry_after_secs));
                    "throttled".to_owned()
                }
                Err(e) => e.to_string(),
                Ok(a) => panic!("signed in as {a:?}"),
            });
        }
        outcomes.push(seq);
    }
    assert_eq!(outcomes[0], outcomes[1]);
    assert_eq!(outcomes[0][4], "Incorrect username or password.");
    assert_eq!(outcomes[0][5], "throttled");
    assert_eq!(account_failures(&pool, "known.user").await, Some(5));
    assert_eq!(account_failures(&pool, "ghost.user").await, Some(5));
}

#[sqlx::test(migrations = "../migrations")]
async fn window_expiry_resets_the_counter(pool: PgPool) {
    // Few failures and a 2 s window, so that slow hashing on a loaded machine cannot let the
    // window run out before the throttling is observed.
    let p = ThrottlePolicy {
        max_failures_per_account: 3,
        window: Duration::from_secs(2),
        ..ThrottlePolicy::default()
    };
    let admin = create_admin(&pool, "sleepy", PW).await.expect("create");
    fail_n(&pool, &p, "sleepy", 3, ip("192.0.2.60")).await;
    let r = sign_in(&pool, &p, "sleepy", PW, ip("192.0.2.60")).await;
    match r {
        Err(AccountsError::Throttled { retry_after_secs }) => {
            assert!((1..=2).contains(&retry_after_secs), "{retry_after_secs}");
        }
        other => panic!("expected Throttled, got {other:?}"),
    }
    tokio::time::sleep(Duration::from_millis(2100)).await;
    // A failure after expiry starts a new window at 1.
    fail_n(&pool, &p, "sleepy", 1, ip("192.0.2.60")).await;
    assert_eq!(account_failures(&pool, "sleepy").await, Some(1));
    assert_eq!(
        sign_in(&pool, &p, "sleepy", PW, ip("192.0.2.60"))
            .await
            .expect("window expired"),
        admin
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn success_clears_the_account_counter(pool: PgPool) {
    let p = ThrottlePolicy::default();
    let admin = create_admin(&pool, "forgetful", PW).await.expect("create");
    fail_n(&pool, &p, "forgetful", 4, ip("192.0.2.70")).await;
    assert_eq!(account_failures(&pool, "forgetful").await, Some(4));
    assert_eq!(
        sign_in(&pool, &p, "FORGETFUL", PW, ip("192.0.2.70"))
            .await
            .expect("sign in"),
        admin
    );
    assert_eq!(account_failures(&pool, "forgetful").await, None);
    // Four more failures are allowed again, then the fifth one throttles.
    fail_n(&pool, &p, "forgetful", 4, ip("192.0.2.70")).await;
    sign_in(&pool, &p, "forgetful", PW, ip("192.0.2.70"))
        .await
        .expect("sign in again");
    fail_n(&pool, &p, "forgetful", 5, ip("192.0.2.70")).await;
    let r = sign_in(&pool, &p, "forgetful", PW, ip("192.0.2.70")).await;
    assert!(matches!(r, Err(AccountsError::Throttled { .. })), "{r:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn change_password_requires_the_current_one(pool: PgPool) {
    let p = ThrottlePolicy::default();
    let admin = create_admin(&pool, "changer", PW).await.expect("create");

    let r = change_password(&pool, admin.id, "not my password", OTHER_PW).await;
    assert!(
        matches!(r, Err(AccountsError::CurrentPasswordWrong)),
        "{r:?}"
    );
    assert_eq!(
        r.expect_err("wrong current").to_string(),
        "Your current password is incorrect."
    );
    sign_in(&pool, &p, "changer", PW, ip("192.0.2.80"))
        .await
        .expect("old still works");

    let r = change_password(&pool, admin.id, PW, "tiny").await;
    assert!(matches!(r, Err(AccountsError::WeakPassword(_))), "{r:?}");
    sign_in(&pool, &p, "changer", PW, ip("192.0.2.80"))
        .await
        .expect("old still works");

    let r = change_password(&pool, uuid::Uuid::new_v4(), PW, OTHER_PW).await;
    assert!(matches!(r, Err(AccountsError::AdminNotFound)), "{r:?}");

    change_password(&pool, admin.id, PW, OTHER_PW)
        .await
        .expect("change");
    sign_in(&pool, &p, "changer", OTHER_PW, ip("192.0.2.80"))
        .await
        .expect("new works");
    let r = sign_in(&pool, &p, "changer", PW, ip("192.0.2.80")).await;
    assert!(matches!(r, Err(AccountsError::InvalidCredentials)), "{r:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn set_password_resets_or_reports_not_found(pool: PgPool) {
    let p = ThrottlePolicy::default();
    let r = set_password(&pool, "nobody", OTHER_PW).await;
    assert!(matches!(r, Err(AccountsError::AdminNotFound)), "{r:?}");

    let admin = create_admin(&pool, "locked.out", PW).await.expect("create");
    let r = set_password(&pool, "locked.out", "weak").await;
    assert!(matches!(r, Err(AccountsError::WeakPassword(_))), "{r:?}");

    let updated = set_password(&pool, " Locked.Out ", OTHER_PW)
        .await
        .expect("reset");
    assert_eq!(updated, admin);
    sign_in(&pool, &p, "locked.out", OTHER_PW, ip("192.0.2.90"))
        .await
        .expect("new works");
    let r = sign_in(&pool, &p, "locked.out", PW, ip("192.0.2.90")).await;
    assert!(matches!(r, Err(AccountsError::InvalidCredentials)), "{r:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn ensure_initial_admin_generates_once(pool: PgPool) {
    let p = ThrottlePolicy::default();
    let generated = match ensure_initial_admin(&pool, None).await.expect("first") {
        InitialAdmin::CreatedWithGeneratedPassword(pw) => pw,
        other => panic!("expected a generated password, got {other:?}"),
    };
    assert_eq!(generated.len(), 20);
    assert!(generated.chars().all(|c| c.is_ascii_alphanumeric()));
    assert_eq!(count_admins(&pool).await.expect("count"), 1);

    assert_eq!(
        ensure_initial_admin(&pool, None).await.expect("second"),
        InitialAdmin::AlreadyPresent
    );
    assert_eq!(
        ensure_initial_admin(&pool, Some(PW)).await.expect("third"),
        InitialAdmin::AlreadyPresent
    );
    assert_eq!(count_admins(&pool).await.expect("count"), 1);

    let admin = sign_in(&pool, &p, "admin", &generated, ip("127.0.0.1"))
        .await
        .expect("sign in");
    assert_eq!(admin.username, "admin");
    // The Debug output does not show the password.
    let shown = format!(
        "{:?}",
        InitialAdmin::CreatedWithGeneratedPassword(generated.clone())
    );
    assert!(!shown.contains(&generated));
}

#[sqlx::test(migrations = "../migrations")]
async fn ensure_initial_admin_with_given_password(pool: PgPool) {
    let p = ThrottlePolicy::default();
    let r = ensure_initial_admin(&pool, Some("weak")).await;
    assert!(matches!(r, Err(AccountsError::WeakPassword(_))), "{r:?}");
    assert_eq!(count_admins(&pool).await.expect("count"), 0);

    assert_eq!(
        ensure_initial_admin(&pool, Some(PW)).await.expect("create"),
        InitialAdmin::CreatedWithGivenPassword
    );
    sign_in(&pool, &p, "admin", PW, ip("127.0.0.1"))
        .await
        .expect("sign in");
    assert_eq!(
        ensure_initial_admin(&pool, None).await.expect("again"),
        InitialAdmin::AlreadyPresent
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn ensure_initial_admin_is_safe_when_nodes_race(pool: PgPool) {
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let pool = pool.clone();
            tokio::spawn(async move { ensure_initial_admin(&pool, None).await })
        })
        .collect();
    let mut created = 0;
    for t in tasks {
        match t.await.expect("join").expect("ensure") {
            InitialAdmin::CreatedWithGeneratedPassword(_) => created += 1,
            InitialAdmin::AlreadyPresent => {}
            InitialAdmin::CreatedWithGivenPassword => panic!("no password was given"),
        }
    }
    assert_eq!(created, 1);
    assert_eq!(count_admins(&pool).await.expect("count"), 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn existing_admin_other_than_admin_counts_as_present(pool: PgPool) {
    create_admin(&pool, "someone", PW).await.expect("create");
    assert_eq!(
        ensure_initial_admin(&pool, None).await.expect("ensure"),
        InitialAdmin::AlreadyPresent
    );
    assert_eq!(count_admins(&pool).await.expect("count"), 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn parallel_guesses_verify_at_most_the_limit(pool: PgPool) {
    let p = ThrottlePolicy::default();
    create_admin(&pool, "racer", PW).await.expect("create");
    let guesses: Vec<_> = (0..40)
        .map(|i| {
            let pool = pool.clone();
            tokio::spawn(async move {
                sign_in(
                    &pool,
                    &p,
                    "racer",
                    &format!("wrong guess {i}"),
                    ip("192.0.2.70"),
                )
                .await
            })
        })
        .collect();
    let (mut verified, mut throttled) = (0, 0);
    for guess in guesses {
        match guess.await.expect("task") {
            Err(AccountsError::InvalidCredentials) => verified += 1,
            Err(AccountsError::Throttled { .. }) => throttled += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert!(verified <= 5, "{verified} guesses were verified");
    assert_eq!(verified + throttled, 40);
    assert_eq!(account_failures(&pool, "racer").await, Some(5));
    // A successful sign-in gives its address count back.
    create_admin(&pool, "other", PW).await.expect("create");
    let before: i32 = sqlx::query_scalar(
        "SELECT failures FROM signin_failures WHERE scope = 'address' AND key = '192.0.2.70'",
    )
    .fetch_one(&pool)
    .await
    .expect("address row");
    sign_in(&pool, &p, "other", PW, ip("192.0.2.70"))
        .await
        .expect("sign in");
    let after: i32 = sqlx::query_scalar(
        "SELECT failures FROM signin_failures WHERE scope = 'address' AND key = '192.0.2.70'",
    )
    .fetch_one(&pool)
    .await
    .expect("address row");
    assert_eq!(after, before);
}

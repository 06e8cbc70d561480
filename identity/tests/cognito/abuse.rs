//! Abuse limits: wrong codes and issued codes capped across re-issued codes, password guesses
//! counted before they are verified (also in parallel), and answers that do not tell whether a
//! user exists (PreventUserExistenceErrors, the default for Gatehouse clients).

use std::sync::Arc;

use crate::common::*;
use serde_json::{Value, json};
use sqlx::PgPool;

const LIMIT: &str = "LimitExceededException";

/// The answer's type, or "ok".
async fn answer(id: &Api, action: &str, body: Value) -> String {
    match call(id, action, body).await {
        Ok(_) => "ok".to_owned(),
        Err(e) => e.kind,
    }
}

/// A code that is not the newest one sent to `username` (if any was).
async fn wrong_code(id: &Api, pool_id: &str, username: &str) -> &'static str {
    let newest = id
        .list_outbox(pool_id, 100)
        .await
        .expect("outbox")
        .into_iter()
        .find(|m| m.username == username)
        .map(|m| m.code);
    if newest.as_deref() == Some("000000") {
        "000001"
    } else {
        "000000"
    }
}

/// The issue's reproduction: `rounds` times, ask for a new code, then send 5 wrong ones.
/// Returns every answer, in order.
async fn guess_rounds(
    id: &Api,
    (pool_id, username): (&str, &str),
    issue: (&str, &dyn Fn() -> Value),
    confirm: (&str, &dyn Fn(&str) -> Value),
    rounds: usize,
) -> Vec<String> {
    let mut answers = Vec::new();
    for _ in 0..rounds {
        answers.push(answer(id, issue.0, issue.1()).await);
        let wrong = wrong_code(id, pool_id, username).await;
        for _ in 0..5 {
            answers.push(answer(id, confirm.0, confirm.1(wrong)).await);
        }
    }
    answers
}

fn expected_rounds() -> Vec<String> {
    let mismatch = "CodeMismatchException";
    let mut expected = Vec::new();
    // Two codes: four mismatches, the fifth wrong code kills the code.
    for _ in 0..2 {
        expected.push("ok");
        expected.extend([mismatch; 4]);
        expected.push(LIMIT);
    }
    // Ten wrong codes in the hour: new codes are sent, but every code is refused.
    for _ in 0..2 {
        expected.push("ok");
        expected.extend([LIMIT; 5]);
    }
    expected.into_iter().map(str::to_owned).collect()
}

async fn age_code_limits(db: &PgPool) {
    sqlx::query(
        "UPDATE user_pool_code_limits SET wrong_window_start = now() - interval '61 minutes', \
            issue_window_start = now() - interval '61 minutes'",
    )
    .execute(db)
    .await
    .expect("age the windows");
}

#[sqlx::test(migrations = "../migrations")]
async fn reset_codes_are_capped_across_reissued_codes(db: PgPool) {
    let id = api(db.clone()).await;
    let pool_id = create_pool(&id, json!({})).await;
    let client_id = password_client(&id, &pool_id).await;
    let client = client_id.as_str();
    confirmed_user(
        &id,
        &pool_id,
        "jack",
        json!([{"Name": "email", "Value": "jack@example.com"},
               {"Name": "email_verified", "Value": "true"}]),
    )
    .await;
    let forgot = |name: &'static str| move || json!({"ClientId": client, "Username": name});
    let confirm = |name: &'static str| {
        move |code: &str| {
            json!({"ClientId": client, "Username": name, "ConfirmationCode": code,
                   "Password": "Reset-Pass-1"})
        }
    };
    // The test guesses "000000"; make sure that is not jack's code by accident.
    let (f, c) = (forgot("jack"), confirm("jack"));
    let answers = guess_rounds(
        &id,
        (&pool_id, "jack"),
        ("ForgotPassword", &f),
        ("ConfirmForgotPassword", &c),
        4,
    )
    .await;
    assert_eq!(answers, expected_rounds());
    // Even the right code is refused until the hour is over.
    let code = latest_code(&id, &pool_id, "jack").await;
    assert_eq!(
        fail(&id, "ConfirmForgotPassword", c(&code)).await,
        err(LIMIT, "Attempt limit exceeded, please try after some time.")
    );
    // Codes are issued at most 5 times an hour.
    assert_eq!(answer(&id, "ForgotPassword", f()).await, "ok");
    assert_eq!(
        fail(&id, "ForgotPassword", f()).await,
        err(LIMIT, "Attempt limit exceeded, please try after some time.")
    );

    // A name that matches no user gets exactly the same answers.
    let (fu, cu) = (forgot("nobody"), confirm("nobody"));
    let unknown = guess_rounds(
        &id,
        (&pool_id, "nobody"),
        ("ForgotPassword", &fu),
        ("ConfirmForgotPassword", &cu),
        4,
    )
    .await;
    assert_eq!(unknown, expected_rounds());
    assert_eq!(answer(&id, "ForgotPassword", fu()).await, "ok");
    assert_eq!(answer(&id, "ForgotPassword", fu()).await, LIMIT);

    // After the hour, a new code works.
    age_code_limits(&db).await;
    ok(&id, "ForgotPassword", f()).await;
    let code = latest_code(&id, &pool_id, "jack").await;
    ok(&id, "ConfirmForgotPassword", c(&code)).await;
    sign_in(&id, client, "jack", "Reset-Pass-1").await;
}

#[sqlx::test(migrations = "../migrations")]
async fn confirmation_codes_are_capped_across_reissued_codes(db: PgPool) {
    let id = api(db.clone()).await;
    let pool_id = create_pool(&id, json!({"AutoVerifiedAttributes": ["email"]})).await;
    let client_id = password_client(&id, &pool_id).await;
    let client = client_id.as_str();
    ok(
        &id,
        "SignUp",
        json!({"ClientId": client, "Username": "una", "Password": PASSWORD,
               "UserAttributes": [{"Name": "email", "Value": "una@example.com"}]}),
    )
    .await;
    let resend = |name: &'static str| move || json!({"ClientId": client, "Username": name});
    let confirm = |name: &'static str| move |code: &str| json!({"ClientId": client, "Username": name, "ConfirmationCode": code});
    let (r, c) = (resend("una"), confirm("una"));
    let answers = guess_rounds(
        &id,
        (&pool_id, "una"),
        ("ResendConfirmationCode", &r),
        ("ConfirmSignUp", &c),
        4,
    )
    .await;
    assert_eq!(answers, expected_rounds());
    let code = latest_code(&id, &pool_id, "una").await;
    assert_eq!(answer(&id, "ConfirmSignUp", c(&code)).await, LIMIT);
    assert_eq!(answer(&id, "ResendConfirmationCode", r()).await, "ok");
    assert_eq!(answer(&id, "ResendConfirmationCode", r()).await, LIMIT);

    let (ru, cu) = (resend("ghost"), confirm("ghost"));
    let unknown = guess_rounds(
        &id,
        (&pool_id, "ghost"),
        ("ResendConfirmationCode", &ru),
        ("ConfirmSignUp", &cu),
        4,
    )
    .await;
    assert_eq!(unknown, expected_rounds());

    age_code_limits(&db).await;
    ok(&id, "ResendConfirmationCode", r()).await;
    let code = latest_code(&id, &pool_id, "una").await;
    ok(&id, "ConfirmSignUp", c(&code)).await;
    sign_in(&id, client, "una", PASSWORD).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn parallel_password_guesses_are_counted_before_verifying(db: PgPool) {
    let id = Arc::new(api(db.clone()).await);
    let pool_id = create_pool(&id, json!({})).await;
    let client = password_client(&id, &pool_id).await;
    confirmed_user(&id, &pool_id, "vic", json!([])).await;
    let guesses: Vec<_> = (0..40)
        .map(|i| {
            let id = Arc::clone(&id);
            let body = json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client,
                "AuthParameters": {"USERNAME": "vic", "PASSWORD": format!("Wrong-Pass-{i}")}});
            tokio::spawn(async move { fail(&id, "InitiateAuth", body).await })
        })
        .collect();
    let mut incorrect = 0;
    let mut exceeded = 0;
    for guess in guesses {
        let (kind, message) = guess.await.expect("task");
        assert_eq!(kind, "NotAuthorizedException", "{message}");
        match message.as_str() {
            "Incorrect username or password." => incorrect += 1,
            "Password attempts exceeded" => exceeded += 1,
            other => panic!("unexpected answer {other}"),
        }
    }
    assert!(incorrect <= 5, "{incorrect} guesses were verified");
    assert_eq!(incorrect + exceeded, 40);
    // The right password is refused too, until the window is over.
    assert_eq!(
        fail(
            &id,
            "InitiateAuth",
            json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client,
                   "AuthParameters": {"USERNAME": "vic", "PASSWORD": PASSWORD}})
        )
        .await,
        err("NotAuthorizedException", "Password attempts exceeded")
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn answers_do_not_tell_whether_a_user_exists(db: PgPool) {
    let id = api(db.clone()).await;
    let pool_id = create_pool(&id, json!({"AutoVerifiedAttributes": ["email"]})).await;
    let client = password_client(&id, &pool_id).await;
    confirmed_user(
        &id,
        &pool_id,
        "jack",
        json!([{"Name": "email", "Value": "jack@example.com"},
               {"Name": "email_verified", "Value": "true"}]),
    )
    .await;
    let both = |action: &'static str, body: &dyn Fn(&str) -> Value| {
        let (known, unknown) = (body("jack"), body("jill"));
        let id = &id;
        async move {
            (
                call(id, action, known).await,
                call(id, action, unknown).await,
            )
        }
    };

    // ResendConfirmationCode for an already confirmed user: the simulated "code sent".
    let (known, unknown) = both(
        "ResendConfirmationCode",
        &|name| json!({"ClientId": client, "Username": name}),
    )
    .await;
    assert_eq!(known, unknown);
    assert!(known.is_ok(), "{known:?}");

    // ConfirmForgotPassword with a wrong code and a weak password: the code is checked first.
    let forgot = |name: &str| json!({"ClientId": client, "Username": name});
    ok(&id, "ForgotPassword", forgot("jack")).await;
    ok(&id, "ForgotPassword", forgot("jill")).await;
    let code = latest_code(&id, &pool_id, "jack").await;
    let wrong = if code == "000000" { "000001" } else { "000000" };
    let (known, unknown) = both("ConfirmForgotPassword", &|name| {
        json!({"ClientId": client, "Username": name, "ConfirmationCode": wrong,
               "Password": "weak"})
    })
    .await;
    assert_eq!(known, unknown);
    assert_eq!(
        known.expect_err("a wrong code").kind,
        "CodeMismatchException"
    );

    // ForgotPassword for a disabled user: the simulated "code sent".
    ok(
        &id,
        "AdminDisableUser",
        json!({"UserPoolId": pool_id, "Username": "jack"}),
    )
    .await;
    let (known, unknown) = both("ForgotPassword", &forgot).await;
    assert_eq!(known, unknown);
    assert!(known.is_ok(), "{known:?}");
}

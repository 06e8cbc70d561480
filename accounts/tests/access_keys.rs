//! Access keys against a real PostgreSQL (`DATABASE_URL`); `sqlx::test` creates a fresh
//! database per test and applies the workspace migrations.

#![allow(clippy::unwrap_used)]

use accounts::access_keys::{ENSURED_KEY_DESCRIPTION, validate_access_key_id};
use accounts::{
    AccessKeyError, EnsuredAccessKey, create_access_key, delete_access_key, ensure_access_key,
    find_access_key, list_access_keys, record_key_use, secret_for,
};
use master_key::MasterKey;
use sqlx::PgPool;

const ENV_ID: &str = "GATEHOUSEENVKEY01";
const ENV_SECRET: &str = "env-secret/0123456789+abcdefABCDEF";

async fn sealed_column(pool: &PgPool, id: &str) -> Vec<u8> {
    sqlx::query_scalar("SELECT secret_sealed FROM access_keys WHERE access_key_id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn last_used(pool: &PgPool, id: &str) -> Option<time::OffsetDateTime> {
    find_access_key(pool, id)
        .await
        .unwrap()
        .unwrap()
        .last_used_at
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[sqlx::test(migrations = "../migrations")]
async fn create_generates_aws_shaped_keys(pool: PgPool) {
    let master = MasterKey::generate();
    let new = create_access_key(&pool, &master, "  CI deploys  ", "alice")
        .await
        .unwrap();
    let id = &new.key.access_key_id;
    assert_eq!(id.len(), 20);
    assert!(id.starts_with("AKIA"));
    assert!(
        id.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    );
    assert!(validate_access_key_id(id).is_ok());
    let secret = &new.secret_access_key;
    assert_eq!(secret.len(), 40);
    assert!(
        secret
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
    );
    assert_eq!(new.key.description, "CI deploys");
    assert_eq!(new.key.created_by, "alice");
    assert_eq!(new.key.last_used_at, None);
    assert!(!format!("{new:?}").contains(secret.as_str()));

    let other = create_access_key(&pool, &master, "", "alice")
        .await
        .unwrap();
    assert_ne!(other.key.access_key_id, new.key.access_key_id);
    assert_ne!(other.secret_access_key, new.secret_access_key);

    let err = create_access_key(&pool, &master, "bad\ndescription", "alice")
        .await
        .unwrap_err();
    assert!(matches!(err, AccessKeyError::Invalid(_)), "{err:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn list_returns_keys_without_secrets(pool: PgPool) {
    let master = MasterKey::generate();
    assert!(list_access_keys(&pool).await.unwrap().is_empty());
    let a = create_access_key(&pool, &master, "first", "alice")
        .await
        .unwrap();
    let b = create_access_key(&pool, &master, "second", "bob")
        .await
        .unwrap();
    let listed = list_access_keys(&pool).await.unwrap();
    assert_eq!(listed.len(), 2);
    let ids: Vec<_> = listed.iter().map(|k| k.access_key_id.as_str()).collect();
    assert!(ids.contains(&a.key.access_key_id.as_str()));
    assert!(ids.contains(&b.key.access_key_id.as_str()));
    let json = serde_json::to_string(&listed).unwrap();
    assert!(!json.contains(&a.secret_access_key));
    assert!(!json.contains(&b.secret_access_key));
    assert_eq!(
        find_access_key(&pool, &a.key.access_key_id).await.unwrap(),
        Some(a.key.clone())
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn secret_round_trip_and_last_used(pool: PgPool) {
    let master = MasterKey::generate();
    let new = create_access_key(&pool, &master, "", "alice")
        .await
        .unwrap();
    let id = &new.key.access_key_id;
    assert_eq!(last_used(&pool, id).await, None);

    let secret = secret_for(&pool, &master, id).await.unwrap();
    assert_eq!(secret.as_deref(), Some(new.secret_access_key.as_str()));
    // Looking the secret up is not a use: the signature may yet be wrong.
    assert_eq!(last_used(&pool, id).await, None);
    record_key_use(&pool, id).await.unwrap();
    let first_use = last_used(&pool, id).await.unwrap();

    // Within a minute the timestamp is not rewritten.
    record_key_use(&pool, id).await.unwrap();
    assert_eq!(last_used(&pool, id).await, Some(first_use));

    // Older than a minute: rewritten.
    sqlx::query(
        "UPDATE access_keys SET last_used_at = now() - interval '2 minutes' \
         WHERE access_key_id = $1",
    )
    .bind(id)
    .execute(&pool)
    .await
    .unwrap();
    record_key_use(&pool, id).await.unwrap();
    assert!(last_used(&pool, id).await.unwrap() >= first_use);

    // Unknown and malformed ids.
    assert_eq!(
        secret_for(&pool, &master, "AKIAAAAAAAAAAAAAAAAA")
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        secret_for(&pool, &master, "' OR 1=1 --").await.unwrap(),
        None
    );
    assert_eq!(secret_for(&pool, &master, "").await.unwrap(), None);
}

#[sqlx::test(migrations = "../migrations")]
async fn sealed_column_does_not_contain_the_secret(pool: PgPool) {
    let master = MasterKey::generate();
    let new = create_access_key(&pool, &master, "", "alice")
        .await
        .unwrap();
    let sealed = sealed_column(&pool, &new.key.access_key_id).await;
    assert!(!contains(&sealed, new.secret_access_key.as_bytes()));
    assert!(!contains(&sealed, &new.secret_access_key.as_bytes()[..8]));
    // Version byte, key id, nonce, 40 bytes of ciphertext, 16 bytes of tag.
    assert_eq!(sealed.len(), 1 + 8 + 12 + 40 + 16);

    ensure_access_key(&pool, &master, ENV_ID, ENV_SECRET, "environment")
        .await
        .unwrap();
    let sealed = sealed_column(&pool, ENV_ID).await;
    assert!(!contains(&sealed, ENV_SECRET.as_bytes()));

    // Nothing in the whole table, as text, reveals either secret.
    let dump: String = sqlx::query_scalar("SELECT string_agg(t::text, '\n') FROM access_keys t")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(!dump.contains(&new.secret_access_key));
    assert!(!dump.contains(ENV_SECRET));
}

#[sqlx::test(migrations = "../migrations")]
async fn sealed_secret_is_bound_to_its_row(pool: PgPool) {
    let master = MasterKey::generate();
    let a = create_access_key(&pool, &master, "", "alice")
        .await
        .unwrap();
    let b = create_access_key(&pool, &master, "", "alice")
        .await
        .unwrap();
    // Copy a's sealed secret onto b: it must not open as b's.
    sqlx::query(
        "UPDATE access_keys SET secret_sealed = \
         (SELECT secret_sealed FROM access_keys WHERE access_key_id = $1) \
         WHERE access_key_id = $2",
    )
    .bind(&a.key.access_key_id)
    .bind(&b.key.access_key_id)
    .execute(&pool)
    .await
    .unwrap();
    let err = secret_for(&pool, &master, &b.key.access_key_id)
        .await
        .unwrap_err();
    assert!(matches!(err, AccessKeyError::Sealing(_)), "{err:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn delete_removes_the_key(pool: PgPool) {
    let master = MasterKey::generate();
    let new = create_access_key(&pool, &master, "", "alice")
        .await
        .unwrap();
    let id = new.key.access_key_id.clone();
    delete_access_key(&pool, &id).await.unwrap();
    assert_eq!(secret_for(&pool, &master, &id).await.unwrap(), None);
    assert!(list_access_keys(&pool).await.unwrap().is_empty());
    let err = delete_access_key(&pool, &id).await.unwrap_err();
    assert!(matches!(err, AccessKeyError::NotFound), "{err:?}");
    assert!(err.is_user_error());
}

#[sqlx::test(migrations = "../migrations")]
async fn ensure_is_idempotent_and_replaces_a_changed_secret(pool: PgPool) {
    let master = MasterKey::generate();
    assert_eq!(
        ensure_access_key(&pool, &master, ENV_ID, ENV_SECRET, "environment")
            .await
            .unwrap(),
        EnsuredAccessKey::Created
    );
    let key = find_access_key(&pool, ENV_ID).await.unwrap().unwrap();
    assert_eq!(key.created_by, "environment");
    assert_eq!(key.description, ENSURED_KEY_DESCRIPTION);
    let sealed_before = sealed_column(&pool, ENV_ID).await;

    assert_eq!(
        ensure_access_key(&pool, &master, ENV_ID, ENV_SECRET, "environment")
            .await
            .unwrap(),
        EnsuredAccessKey::Unchanged
    );
    // Unchanged means untouched (not re-sealed with a new nonce).
    assert_eq!(sealed_column(&pool, ENV_ID).await, sealed_before);
    assert_eq!(list_access_keys(&pool).await.unwrap().len(), 1);

    let new_secret = "rotated-secret-0123456789";
    assert_eq!(
        ensure_access_key(&pool, &master, ENV_ID, new_secret, "someone-else")
            .await
            .unwrap(),
        EnsuredAccessKey::SecretReplaced
    );
    assert_eq!(
        secret_for(&pool, &master, ENV_ID).await.unwrap().as_deref(),
        Some(new_secret)
    );
    let after = find_access_key(&pool, ENV_ID).await.unwrap().unwrap();
    assert_eq!(after.created_by, "environment", "only the secret changes");
    assert_eq!(after.created_at, key.created_at);
}

#[sqlx::test(migrations = "../migrations")]
async fn ensure_validates_its_input(pool: PgPool) {
    let master = MasterKey::generate();
    for (id, secret) in [
        ("short", ENV_SECRET),
        ("lowercase0123456789", ENV_SECRET),
        ("GATEHOUSE-ENV-KEY-1", ENV_SECRET),
        (ENV_ID, "too-short"),
        (ENV_ID, "has a space in the middle"),
        (ENV_ID, "trailing-newline-0123456789\n"),
    ] {
        let err = ensure_access_key(&pool, &master, id, secret, "environment")
            .await
            .unwrap_err();
        assert!(matches!(err, AccessKeyError::Invalid(_)), "{id:?} {err:?}");
        assert!(
            !err.to_string().contains(secret),
            "message echoes the secret"
        );
    }
    assert!(list_access_keys(&pool).await.unwrap().is_empty());
}

#[sqlx::test(migrations = "../migrations")]
async fn wrong_master_key_is_an_error_not_a_panic(pool: PgPool) {
    let master = MasterKey::generate();
    let other = MasterKey::generate();
    let new = create_access_key(&pool, &master, "", "alice")
        .await
        .unwrap();
    let err = secret_for(&pool, &other, &new.key.access_key_id)
        .await
        .unwrap_err();
    assert!(matches!(err, AccessKeyError::Sealing(_)), "{err:?}");
    assert!(!err.is_user_error());
    assert_eq!(err.to_string(), "secret sealing error");

    // Damaged data, too.
    sqlx::query("UPDATE access_keys SET secret_sealed = '\\x00'::bytea")
        .execute(&pool)
        .await
        .unwrap();
    let err = secret_for(&pool, &master, &new.key.access_key_id)
        .await
        .unwrap_err();
    assert!(matches!(err, AccessKeyError::Sealing(_)), "{err:?}");

    // ensure_access_key with a new master key re-seals the configured secret.
    ensure_access_key(&pool, &master, ENV_ID, ENV_SECRET, "environment")
        .await
        .unwrap();
    assert_eq!(
        ensure_access_key(&pool, &other, ENV_ID, ENV_SECRET, "environment")
            .await
            .unwrap(),
        EnsuredAccessKey::SecretReplaced
    );
    assert_eq!(
        secret_for(&pool, &other, ENV_ID).await.unwrap().as_deref(),
        Some(ENV_SECRET)
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn concurrent_ensure_creates_one_key(pool: PgPool) {
    let master = MasterKey::generate();
    let runs = (0..4).map(|_| {
        let (pool, master) = (pool.clone(), master.clone());
        tokio::spawn(async move {
            ensure_access_key(&pool, &master, ENV_ID, ENV_SECRET, "environment").await
        })
    });
    let mut outcomes = Vec::new();
    for run in runs.collect::<Vec<_>>() {
        outcomes.push(run.await.unwrap().unwrap());
    }
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| **o == EnsuredAccessKey::Created)
            .count(),
        1,
        "{outcomes:?}"
    );
    assert!(
        outcomes
            .iter()
            .all(|o| *o != EnsuredAccessKey::SecretReplaced)
    );
    assert_eq!(list_access_keys(&pool).await.unwrap().len(), 1);
}

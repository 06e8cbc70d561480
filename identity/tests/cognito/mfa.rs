//! Software token MFA, the cases an attacker would try: one code raced over many sessions,
//! a session answered for another user, guessed sessions. The authenticator half below is
//! RFC 6238 as the RFC states it; pyotp proves compatibility in
//! `tests/python/test_cognito_totp.py`.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha1::Sha1;
use sqlx::PgPool;

use crate::common::*;

fn base32_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let (mut out, mut buffer, mut bits) = (Vec::new(), 0u32, 0u32);
    for c in text.chars() {
        buffer = (buffer << 5) | ALPHABET.find(c).expect("base32") as u32;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    out
}

/// The code of the time step `offset` steps from now.
fn code(secret: &[u8], offset: i64) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("time")
        .as_secs() as i64;
    let step = now / 30 + offset;
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).expect("key");
    mac.update(&step.to_be_bytes());
    let d = mac.finalize().into_bytes();
    let o = usize::from(d[19] & 0x0f);
    let bin = u32::from_be_bytes([d[o] & 0x7f, d[o + 1], d[o + 2], d[o + 3]]);
    format!("{:06}", bin % 1_000_000)
}

/// A pool with software token MFA (OPTIONAL), a password client, and a user with a verified
/// authenticator; returns (pool, client, secret).
async fn enrolled(id: &Api, username: &str) -> (String, String, Vec<u8>) {
    let pool_id = create_pool(id, json!({})).await;
    ok(
        id,
        "SetUserPoolMfaConfig",
        json!({"UserPoolId": pool_id, "SoftwareTokenMfaConfiguration": {"Enabled": true},
               "MfaConfiguration": "OPTIONAL"}),
    )
    .await;
    let client = password_client(id, &pool_id).await;
    confirmed_user(id, &pool_id, username, json!([])).await;
    let access = sign_in(id, &client, username, PASSWORD).await["AccessToken"].clone();
    let secret =
        ok(id, "AssociateSoftwareToken", json!({"AccessToken": access})).await["SecretCode"]
            .as_str()
            .expect("secret")
            .to_owned();
    let secret = base32_decode(&secret);
    assert_eq!(secret.len(), 20);
    let verified = ok(
        id,
        "VerifySoftwareToken",
        json!({"AccessToken": access, "UserCode": code(&secret, 0)}),
    )
    .await;
    assert_eq!(verified["Status"], "SUCCESS");
    (pool_id, client, secret)
}

async fn mfa_session(id: &Api, client: &str, username: &str) -> String {
    let out = ok(
        id,
        "InitiateAuth",
        json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client,
               "AuthParameters": {"USERNAME": username, "PASSWORD": PASSWORD}}),
    )
    .await;
    assert_eq!(out["ChallengeName"], "SOFTWARE_TOKEN_MFA", "{out}");
    out["Session"].as_str().expect("session").to_owned()
}

fn answer(client: &str, session: &str, username: &str, code: &str) -> Value {
    json!({"ChallengeName": "SOFTWARE_TOKEN_MFA", "ClientId": client, "Session": session,
           "ChallengeResponses": {"USERNAME": username, "SOFTWARE_TOKEN_MFA_CODE": code}})
}

#[sqlx::test(migrations = "../migrations")]
async fn one_code_raced_over_many_sessions_signs_in_once(db: PgPool) {
    let id = Arc::new(api(db).await);
    let (_, client, secret) = enrolled(&id, "tia").await;
    let mut sessions = Vec::new();
    for _ in 0..6 {
        sessions.push(mfa_session(&id, &client, "tia").await);
    }
    let next = code(&secret, 1);
    let tries: Vec<_> = sessions
        .iter()
        .map(|s| {
            let (id, body) = (Arc::clone(&id), answer(&client, s, "tia", &next));
            tokio::spawn(async move { call(&id, "RespondToAuthChallenge", body).await })
        })
        .collect();
    let mut signed_in = 0;
    for t in tries {
        match t.await.expect("task") {
            Ok(out) => {
                assert!(out["AuthenticationResult"]["IdToken"].is_string());
                signed_in += 1;
            }
            Err(e) => assert_eq!(e.type_name(), "CodeMismatchException", "{e}"),
        }
    }
    assert_eq!(signed_in, 1, "a code must sign in once");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_session_cannot_be_answered_for_another_user_or_guessed(db: PgPool) {
    let id = api(db).await;
    let (pool_id, client, secret) = enrolled(&id, "uma").await;
    confirmed_user(&id, &pool_id, "vik", json!([])).await;
    let session = mfa_session(&id, &client, "uma").await;
    // The session is uma's: a code answered in vik's name gets nothing.
    assert_eq!(
        fail(
            &id,
            "RespondToAuthChallenge",
            answer(&client, &session, "vik", &code(&secret, 1))
        )
        .await,
        err("NotAuthorizedException", "Invalid session for the user.")
    );
    assert_eq!(
        fail(
            &id,
            "RespondToAuthChallenge",
            answer(&client, "guessed-session", "uma", &code(&secret, 1))
        )
        .await,
        err("NotAuthorizedException", "Invalid session for the user.")
    );
    // Nor may a NEW_PASSWORD_REQUIRED answer ride on an MFA session.
    let (kind, _) = fail(
        &id,
        "RespondToAuthChallenge",
        json!({"ChallengeName": "NEW_PASSWORD_REQUIRED", "ClientId": client, "Session": session,
               "ChallengeResponses": {"USERNAME": "uma", "NEW_PASSWORD": "Another-Pass-7"}}),
    )
    .await;
    assert_eq!(kind, "NotAuthorizedException");
    // The session still works for its own user.
    let out = ok(
        &id,
        "RespondToAuthChallenge",
        answer(&client, &session, "uma", &code(&secret, 1)),
    )
    .await;
    assert!(out["AuthenticationResult"]["AccessToken"].is_string());
}

#[sqlx::test(migrations = "../migrations")]
async fn the_authenticator_secret_is_sealed_at_rest(db: PgPool) {
    let id = api(db.clone()).await;
    let (_, _, secret) = enrolled(&id, "wes").await;
    let (stored,): (Vec<u8>,) =
        sqlx::query_as("SELECT totp_secret_sealed FROM user_pool_users WHERE username = 'wes'")
            .fetch_one(&db)
            .await
            .expect("row");
    assert!(!stored.windows(secret.len()).any(|w| w == secret.as_slice()));
}

//! Abuse limits of the identity provider and the console sign-in, over real HTTP: no code or
//! temporary password in the logs, outbox rows that expire, password guesses counted before
//! they are verified (console), public sign-ins on hashing slots of their own that refuse at
//! once when full, and a per-address rate on public Cognito actions.

use std::io::Write;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use reqwest::StatusCode;
use serde_json::{Value, json};
use server::address_rate::AddressRate;

use crate::helpers::{
    ADMIN_PASSWORD, TestApp, identity_of, idp_call, spawn_app, spawn_app_with, test_settings,
};

/// One unsigned (public) Cognito call over HTTP: (status, body).
async fn public_call(
    client: &reqwest::Client,
    app: &TestApp,
    action: &str,
    body: &Value,
) -> (StatusCode, Value) {
    let res = client
        .post(app.url("/cognito-idp/"))
        .header("content-type", "application/x-amz-json-1.1")
        .header(
            "x-amz-target",
            format!("AWSCognitoIdentityProviderService.{action}"),
        )
        .body(body.to_string())
        .send()
        .await
        .expect("request completes");
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// A pool with a verified-email user `jack` (password `Correct-Horse-9`) and a password client;
/// (pool id, client id).
async fn pool_with_jack(idp: &identity::Identity) -> (String, String) {
    let pool = idp_call(
        idp,
        "CreateUserPool",
        json!({"PoolName": "abuse", "AutoVerifiedAttributes": ["email"]}),
    )
    .await;
    let pool_id = pool["UserPool"]["Id"].as_str().expect("id").to_owned();
    let client = idp_call(
        idp,
        "CreateUserPoolClient",
        json!({"UserPoolId": pool_id, "ClientName": "web",
               "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH"]}),
    )
    .await;
    let client_id = client["UserPoolClient"]["ClientId"]
        .as_str()
        .expect("client id")
        .to_owned();
    idp_call(
        idp,
        "AdminCreateUser",
        json!({"UserPoolId": pool_id, "Username": "jack", "MessageAction": "SUPPRESS",
               "UserAttributes": [{"Name": "email", "Value": "jack@example.com"},
                                  {"Name": "email_verified", "Value": "true"}]}),
    )
    .await;
    idp_call(
        idp,
        "AdminSetUserPassword",
        json!({"UserPoolId": pool_id, "Username": "jack", "Password": "Correct-Horse-9",
               "Permanent": true}),
    )
    .await;
    (pool_id, client_id)
}

/// Collects formatted log output in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Whether `needle` occurs in `haystack` as a whole token (not inside a longer run of letters
/// or digits, such as a timestamp's fraction).
fn contains_token(haystack: &str, needle: &str) -> bool {
    haystack.match_indices(needle).any(|(at, _)| {
        let before = haystack[..at].chars().next_back();
        let after = haystack[at + needle.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphanumeric())
            && !after.is_some_and(|c| c.is_ascii_alphanumeric())
    })
}

#[tokio::test]
async fn codes_and_temporary_passwords_never_reach_the_logs() {
    // The test runtime is single-threaded, so the server's tasks log through this subscriber
    // (see gateway_logs.rs for why a second dispatcher is kept alive).
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let _second = tracing::Dispatch::new(tracing_subscriber::registry());

    let app = spawn_app().await;
    let idp = identity_of(&app);
    let (pool_id, client_id) = pool_with_jack(&idp).await;
    let http = reqwest::Client::new();
    let calls = [
        (
            "SignUp",
            json!({"ClientId": client_id, "Username": "kim", "Password": "Correct-Horse-9",
                   "UserAttributes": [{"Name": "email", "Value": "kim@example.com"}]}),
        ),
        (
            "ResendConfirmationCode",
            json!({"ClientId": client_id, "Username": "kim"}),
        ),
        (
            "ForgotPassword",
            json!({"ClientId": client_id, "Username": "jack"}),
        ),
    ];
    for (action, body) in &calls {
        let (status, answer) = public_call(&http, &app, action, body).await;
        assert_eq!(status, StatusCode::OK, "{action}: {answer}");
    }
    // An invitation with a generated temporary password.
    idp_call(
        &idp,
        "AdminCreateUser",
        json!({"UserPoolId": pool_id, "Username": "lee",
               "UserAttributes": [{"Name": "email", "Value": "lee@example.com"}]}),
    )
    .await;

    let secrets: Vec<String> = sqlx::query_scalar("SELECT code FROM user_pool_outbox")
        .fetch_all(&app.pool)
        .await
        .expect("outbox");
    assert_eq!(secrets.len(), 4, "three codes and one temporary password");
    let logs = String::from_utf8_lossy(&captured.0.lock().expect("lock")).into_owned();
    assert!(
        logs.contains("verification code queued in the outbox"),
        "the capture sees the outbox's log lines: {logs}"
    );
    for secret in &secrets {
        assert!(
            !contains_token(&logs, secret),
            "{secret} appears in the logs: {logs}"
        );
    }
}

#[tokio::test]
async fn outbox_rows_expire_after_a_day() {
    let app = spawn_app().await;
    let idp = identity_of(&app);
    let (pool_id, client_id) = pool_with_jack(&idp).await;
    let http = reqwest::Client::new();
    let forgot = json!({"ClientId": client_id, "Username": "jack"});
    let (status, _) = public_call(&http, &app, "ForgotPassword", &forgot).await;
    assert_eq!(status, StatusCode::OK);
    // A day and a bit old: no longer listed, and deleted by the next write.
    sqlx::query("UPDATE user_pool_outbox SET created_at = now() - interval '25 hours'")
        .execute(&app.pool)
        .await
        .expect("backdate");
    assert!(
        idp.list_outbox(&pool_id, 100)
            .await
            .expect("outbox")
            .is_empty()
    );
    let (status, _) = public_call(&http, &app, "ForgotPassword", &forgot).await;
    assert_eq!(status, StatusCode::OK);
    let ages: Vec<bool> =
        sqlx::query_scalar("SELECT created_at > now() - interval '1 hour' FROM user_pool_outbox")
            .fetch_all(&app.pool)
            .await
            .expect("outbox");
    assert_eq!(ages, vec![true], "only the new message is left");
    assert_eq!(
        idp.list_outbox(&pool_id, 100).await.expect("outbox").len(),
        1
    );
}

#[tokio::test]
async fn parallel_console_sign_in_guesses_verify_at_most_the_limit() {
    let app = spawn_app().await;
    let guesses: Vec<_> = (0..40)
        .map(|i| {
            let (client, url) = (reqwest::Client::new(), app.url("/api/login"));
            tokio::spawn(async move {
                let res = client
                    .post(url)
                    .header("Accept", "application/json")
                    .form(&[
                        ("username", "admin".to_owned()),
                        ("password", format!("wrong-password-{i}")),
                    ])
                    .send()
                    .await
                    .expect("request");
                (res.status(), res.text().await.expect("body"))
            })
        })
        .collect();
    let (mut incorrect, mut throttled) = (0, 0);
    for guess in guesses {
        let (status, body) = guess.await.expect("task");
        match status {
            StatusCode::BAD_REQUEST => {
                assert!(body.contains("Incorrect username or password."), "{body}");
                incorrect += 1;
            }
            StatusCode::TOO_MANY_REQUESTS => throttled += 1,
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert!(incorrect <= 5, "{incorrect} guesses were verified");
    assert_eq!(incorrect + throttled, 40);
    let res = app.sign_in("admin", ADMIN_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_flood_of_public_sign_ins_does_not_starve_the_administrator() {
    const FLOOD: usize = 200;
    let app = Arc::new(spawn_app().await);
    let idp = identity_of(&app);
    let (_, client_id) = pool_with_jack(&idp).await;
    let evaluated = Arc::new(AtomicUsize::new(0));
    let refused = Arc::new(AtomicUsize::new(0));
    let first = Arc::new(tokio::sync::Notify::new());
    let http = reqwest::Client::new();
    let flood: Vec<_> = (0..FLOOD)
        .map(|i| {
            let (app, http) = (Arc::clone(&app), http.clone());
            let (evaluated, refused, first) = (
                Arc::clone(&evaluated),
                Arc::clone(&refused),
                Arc::clone(&first),
            );
            let body = json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client_id,
                "AuthParameters": {"USERNAME": format!("random-{i}-{}", uuid::Uuid::new_v4()),
                                   "PASSWORD": "Guess-Pass-1"}});
            tokio::spawn(async move {
                let (status, answer) = public_call(&http, &app, "InitiateAuth", &body).await;
                assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
                match (answer["__type"].as_str(), answer["message"].as_str()) {
                    (Some("NotAuthorizedException"), Some("Incorrect username or password.")) => {
                        evaluated.fetch_add(1, Ordering::SeqCst);
                    }
                    (Some("TooManyRequestsException"), Some("Too many requests")) => {
                        refused.fetch_add(1, Ordering::SeqCst);
                    }
                    _ => panic!("unexpected answer {answer}"),
                }
                first.notify_one();
            })
        })
        .collect();
    // Once the flood has begun to be answered, every request of it has long been queued.
    first.notified().await;
    let res = app.sign_in("admin", ADMIN_PASSWORD).await;
    let evaluated_before_admin = evaluated.load(Ordering::SeqCst);
    assert_eq!(res.status(), StatusCode::OK);
    for f in flood {
        f.await.expect("flood task");
    }
    let refused = refused.load(Ordering::SeqCst);
    assert!(refused > 0, "a full queue answers at once");
    assert!(
        evaluated_before_admin < FLOOD / 2,
        "the administrator waited for {evaluated_before_admin} public sign-ins"
    );
}

#[tokio::test]
async fn public_cognito_calls_are_rate_limited_per_address() {
    let mut settings = test_settings();
    // A burst of 5 and (practically) no refill during the test.
    settings.cognito_rate = AddressRate {
        per_second: 0.001,
        burst: 5,
    };
    let app = spawn_app_with(settings).await;
    let body = json!({"ClientId": "nosuchclient", "Username": "kim"});
    let http = reqwest::Client::new();
    for _ in 0..5 {
        let (status, answer) = public_call(&http, &app, "ForgotPassword", &body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(answer["__type"], "ResourceNotFoundException");
    }
    let (status, answer) = public_call(&http, &app, "ForgotPassword", &body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        answer,
        json!({"__type": "TooManyRequestsException", "message": "Too many requests"})
    );
    // Another address has its own bucket.
    let other = reqwest::Client::builder()
        .local_address("127.0.0.2".parse::<IpAddr>().expect("ip"))
        .build()
        .expect("client");
    let (status, answer) = public_call(&other, &app, "ForgotPassword", &body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["__type"], "ResourceNotFoundException");
}

//! The HTTP transport for the identity crate's Cognito suite: the same `Api` methods as
//! `identity/tests/cognito/common/mod.rs`, but every wire call goes over real HTTP to a server
//! spawned on the test's database.
#![allow(dead_code)]

/// The console integration tests' harness (`spawn_app_on`, `test_settings`, ...).
#[path = "../api/helpers.rs"]
mod harness;
#[path = "../../../identity/tests/cognito/common/helpers.rs"]
mod helpers;

pub use helpers::*;

use harness::{ADMIN_PASSWORD, TestApp, spawn_app_on, test_settings};
use identity::{Identity, IdentityConfig, Jwk, OutboxMessage, SigningKeyInfo};
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::PgPool;
use time::OffsetDateTime;

const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";
const CONTENT_TYPE: &str = "application/x-amz-json-1.1";
const SIGNED_HEADERS: [&str; 4] = ["host", "x-amz-date", "content-type", "x-amz-target"];

/// The service under test, reached over HTTP.
pub struct Api {
    app: TestApp,
    region: String,
    access_key_id: String,
    secret_access_key: String,
    /// For the console-only reads (outbox, signing-key list), which have no wire action: the
    /// service on the same database and master key as the server. The server keeps no state
    /// of its own that these read (the outbox and the keys are rows in the shared database),
    /// so this reads exactly what the console of the spawned server would.
    console: Identity,
    /// Set once an administrator has signed in to the console (for key rotation).
    admin_session: tokio::sync::OnceCell<()>,
}

/// The handle every test starts from: the server spawned on the test's fresh database, and an
/// access key to sign admin calls with.
pub async fn api(db: PgPool) -> Api {
    let mut settings = test_settings();
    settings.account_id = ACCOUNT_ID.to_owned();
    let region = settings.region.clone();
    let app = spawn_app_on(settings, db.clone()).await;
    let key = accounts::create_access_key(&db, &app.master_key, "cognito http tests", "tests")
        .await
        .expect("access key");
    let console = Identity::new(
        db,
        app.master_key.clone(),
        IdentityConfig {
            issuer_base: app.url(""),
            account_id: ACCOUNT_ID.to_owned(),
        },
    )
    .with_region(region.clone());
    Api {
        region,
        access_key_id: key.key.access_key_id,
        secret_access_key: key.secret_access_key,
        console,
        app,
        admin_session: tokio::sync::OnceCell::new(),
    }
}

/// `X-Amz-Date`: `20260102T030405Z`.
fn amz_date(at: OffsetDateTime) -> String {
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

impl Api {
    /// The spawned server's URL: the base of every pool's issuer.
    pub fn issuer_base(&self) -> String {
        self.app.url("")
    }

    /// `{server}/cognito-idp/{pool_id}`: where a client expects the issuer's documents.
    pub fn issuer(&self, pool_id: &str) -> String {
        format!("{}/cognito-idp/{pool_id}", self.issuer_base())
    }

    /// One wire call: `POST /cognito-idp/` with `body` verbatim, SigV4-signed with a valid
    /// access key when `signed`, without any `Authorization` otherwise.
    pub async fn dispatch(
        &self,
        action: &str,
        body: &[u8],
        signed: bool,
    ) -> Result<Value, ApiError> {
        let target = format!("{TARGET_PREFIX}{action}");
        let mut request = self
            .app
            .client
            .post(self.app.url("/cognito-idp/"))
            .header("content-type", CONTENT_TYPE)
            .header("x-amz-target", &target)
            .body(body.to_vec());
        if signed {
            let date = amz_date(OffsetDateTime::now_utc());
            let headers = [
                ("host".to_owned(), self.app.addr.to_string()),
                ("x-amz-date".to_owned(), date.clone()),
                ("content-type".to_owned(), CONTENT_TYPE.to_owned()),
                ("x-amz-target".to_owned(), target.clone()),
            ];
            let authorization = sigv4::sign(
                &sigv4::Request {
                    method: "POST",
                    path: "/cognito-idp/",
                    query: "",
                    headers: &headers,
                    body,
                },
                &self.access_key_id,
                &self.secret_access_key,
                &self.region,
                "cognito-idp",
                &SIGNED_HEADERS,
            )
            .expect("sign");
            request = request
                .header("x-amz-date", date)
                .header("authorization", authorization);
        }
        let response = request.send().await.expect("request completes");
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("response body");
        // Every answer, success or error, is the JSON protocol's.
        assert_eq!(
            headers.get("content-type").and_then(|v| v.to_str().ok()),
            Some(CONTENT_TYPE),
            "{action}: {status} {text}"
        );
        assert!(headers.contains_key("x-amzn-requestid"), "{action}");
        let value: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{action}: body is not JSON ({e}): {text}"));
        let error_type = headers
            .get("x-amzn-errortype")
            .and_then(|v| v.to_str().ok());
        if status == StatusCode::OK {
            assert_eq!(error_type, None, "{action}: a success names no error");
            return Ok(value);
        }
        let kind = value["__type"]
            .as_str()
            .unwrap_or_else(|| panic!("{action}: {status} without __type: {text}"))
            .to_owned();
        assert_eq!(
            error_type,
            Some(format!("{kind}:").as_str()),
            "{action}: X-Amzn-ErrorType"
        );
        Err(ApiError {
            status: status.as_u16(),
            kind,
            message: value["message"].as_str().unwrap_or_default().to_owned(),
        })
    }

    /// `GET {issuer}/.well-known/{name}`. An unknown pool is a plain 404 with a `message` (these
    /// documents are not part of the JSON protocol, so carry no `__type`); it is reported as the
    /// `ResourceNotFoundException` the in-process call gives.
    async fn document(&self, pool_id: &str, name: &str) -> Result<Value, ApiError> {
        let response = self
            .app
            .client
            .get(format!("{}/.well-known/{name}", self.issuer(pool_id)))
            .send()
            .await
            .expect("request completes");
        let status = response.status();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let text = response.text().await.expect("response body");
        assert_eq!(
            content_type.as_deref(),
            Some("application/json"),
            "{name}: {status} {text}"
        );
        let value: Value = serde_json::from_str(&text).expect("JSON document");
        match status {
            StatusCode::OK => Ok(value),
            StatusCode::NOT_FOUND => Err(ApiError {
                status: status.as_u16(),
                kind: "ResourceNotFoundException".to_owned(),
                message: value["message"].as_str().unwrap_or_default().to_owned(),
            }),
            other => panic!("{name}: unexpected {other}: {text}"),
        }
    }

    /// The JWKS, fetched from `{issuer}/.well-known/jwks.json`.
    pub async fn jwks(&self, pool_id: &str) -> Result<Value, ApiError> {
        self.document(pool_id, "jwks.json").await
    }

    /// The discovery document, fetched from `{issuer}/.well-known/openid-configuration`.
    pub async fn openid_configuration(&self, pool_id: &str) -> Result<Value, ApiError> {
        self.document(pool_id, "openid-configuration").await
    }

    /// The keys of the JWKS served over HTTP, typed.
    pub async fn public_jwks(&self, pool_id: &str) -> Result<Vec<Jwk>, ApiError> {
        let jwks = self.jwks(pool_id).await?;
        Ok(serde_json::from_value(jwks["keys"].clone()).expect("JWKS keys"))
    }

    /// Console only (no wire action): read from the shared database (see `Api::console`).
    pub async fn list_outbox(
        &self,
        pool_id: &str,
        limit: i64,
    ) -> Result<Vec<OutboxMessage>, ApiError> {
        self.console
            .list_outbox(pool_id, limit)
            .await
            .map_err(ApiError::from)
    }

    /// Console only (no wire action): read from the shared database (see `Api::console`).
    pub async fn list_signing_keys(&self, pool_id: &str) -> Result<Vec<SigningKeyInfo>, ApiError> {
        self.console
            .list_signing_keys(pool_id)
            .await
            .map_err(ApiError::from)
    }

    /// Console only (no wire action): rotated through the spawned server's console (its
    /// `rotate_signing_keys` server function, as a signed-in administrator), not through a
    /// second `Identity`. A server caches its pool's signing keys for up to a minute, and only
    /// a rotation in the same process drops that cache; rotating from another process would
    /// leave the server signing new tokens with the rotated-out keys for that minute.
    pub async fn rotate_signing_keys(&self, pool_id: &str) -> Result<(), ApiError> {
        self.admin_session
            .get_or_init(|| async {
                accounts::ensure_initial_admin(&self.app.pool, Some(ADMIN_PASSWORD))
                    .await
                    .expect("first admin");
                self.app.sign_in_as_admin().await;
            })
            .await;
        let response = self
            .app
            .call("rotate_signing_keys", &[("pool_id", pool_id)])
            .await;
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        assert_ne!(
            status,
            StatusCode::NOT_FOUND,
            "the console has no rotate_signing_keys server function: {text}"
        );
        if status.is_success() {
            Ok(())
        } else {
            Err(ApiError {
                status: status.as_u16(),
                kind: "ConsoleError".to_owned(),
                message: text,
            })
        }
    }
}

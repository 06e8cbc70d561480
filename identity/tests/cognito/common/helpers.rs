//! Transport-neutral helpers, shared by the in-process suite (`identity/tests/cognito`) and the
//! HTTP one (`server/tests/cognito_http.rs`, which includes this file by path). They reach the
//! service only through `super::Api`, which each transport defines with the same methods.

use identity::{CognitoError, compute_secret_hash};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Value, json};

use super::Api;

pub const PASSWORD: &str = "Correct-Horse-9";
/// The account in pool ARNs, in both transports.
pub const ACCOUNT_ID: &str = "123456789012";

/// A Cognito error as a client sees it: the HTTP status and the `{"__type", "message"}` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    /// `__type`, e.g. `NotAuthorizedException`.
    pub kind: String,
    pub message: String,
}

impl ApiError {
    pub fn type_name(&self) -> &str {
        &self.kind
    }

    pub fn status(&self) -> u16 {
        self.status
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.kind, self.status, self.message)
    }
}

impl From<CognitoError> for ApiError {
    fn from(e: CognitoError) -> ApiError {
        ApiError {
            status: e.status(),
            kind: e.type_name().to_owned(),
            message: e.message,
        }
    }
}

/// A call as an SDK makes it (admin actions signed, public ones not); the raw result.
pub async fn call(id: &Api, action: &str, body: Value) -> Result<Value, ApiError> {
    let signed = identity::Identity::requires_signature(action).unwrap_or(false);
    id.dispatch(action, body.to_string().as_bytes(), signed)
        .await
}

/// A call that must succeed.
pub async fn ok(id: &Api, action: &str, body: Value) -> Value {
    match call(id, action, body).await {
        Ok(v) => v,
        Err(e) => panic!("{action} failed: {e}"),
    }
}

/// A call that must fail with a 400; returns (`__type`, message).
pub async fn fail(id: &Api, action: &str, body: Value) -> (String, String) {
    match call(id, action, body).await {
        Ok(v) => panic!("{action} unexpectedly succeeded: {v}"),
        Err(e) => {
            assert_eq!(e.status, 400, "{e}");
            (e.kind, e.message)
        }
    }
}

pub fn err(kind: &str, message: &str) -> (String, String) {
    (kind.to_owned(), message.to_owned())
}

/// Creates a pool; returns its id.
pub async fn create_pool(id: &Api, extra: Value) -> String {
    let mut body = json!({"PoolName": "test-pool"});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    let out = ok(id, "CreateUserPool", body).await;
    out["UserPool"]["Id"].as_str().expect("pool id").to_owned()
}

/// Creates an app client; returns (client id, secret if generated).
pub async fn create_client(id: &Api, pool_id: &str, extra: Value) -> (String, Option<String>) {
    let mut body = json!({"UserPoolId": pool_id, "ClientName": "app"});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    let out = ok(id, "CreateUserPoolClient", body).await;
    let c = &out["UserPoolClient"];
    (
        c["ClientId"].as_str().expect("client id").to_owned(),
        c["ClientSecret"].as_str().map(str::to_owned),
    )
}

/// A client allowing password and refresh sign-in, without a secret.
pub async fn password_client(id: &Api, pool_id: &str) -> String {
    create_client(
        id,
        pool_id,
        json!({"ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH"]}),
    )
    .await
    .0
}

pub fn secret_hash(secret: &str, username: &str, client_id: &str) -> String {
    compute_secret_hash(secret, username, client_id)
}

/// Creates a CONFIRMED user with `PASSWORD` via AdminCreateUser + AdminSetUserPassword.
pub async fn confirmed_user(id: &Api, pool_id: &str, username: &str, attrs: Value) -> Value {
    let created = ok(
        id,
        "AdminCreateUser",
        json!({"UserPoolId": pool_id, "Username": username, "UserAttributes": attrs, "MessageAction": "SUPPRESS"}),
    )
    .await;
    ok(
        id,
        "AdminSetUserPassword",
        json!({"UserPoolId": pool_id, "Username": username, "Password": PASSWORD, "Permanent": true}),
    )
    .await;
    created["User"].clone()
}

/// USER_PASSWORD_AUTH sign-in; returns `AuthenticationResult`.
pub async fn sign_in(id: &Api, client_id: &str, username: &str, password: &str) -> Value {
    let out = ok(
        id,
        "InitiateAuth",
        json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client_id,
               "AuthParameters": {"USERNAME": username, "PASSWORD": password}}),
    )
    .await;
    out["AuthenticationResult"].clone()
}

/// The newest outbox code for `username` (Username as stored).
pub async fn latest_code(id: &Api, pool_id: &str, username: &str) -> String {
    id.list_outbox(pool_id, 100)
        .await
        .expect("outbox")
        .into_iter()
        .find(|m| m.username == username)
        .map(|m| m.code)
        .expect("a message for the user")
}

/// The claims of a JWT without verifying it.
pub fn claims(token: &str) -> Value {
    use base64::Engine;
    let payload = token.split('.').nth(1).expect("payload");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("json")
}

pub fn header(token: &str) -> jsonwebtoken::Header {
    jsonwebtoken::decode_header(token).expect("header")
}

/// Verifies a token as an API would: kid looked up in the pool's JWKS (`Api::jwks`: over HTTP,
/// fetched from `{issuer}/.well-known/jwks.json`), RS256 only, issuer, and `aud` (ID token) or
/// `client_id` (access token), `token_use`. Returns the claims.
pub async fn verify(
    id: &Api,
    pool_id: &str,
    token: &str,
    client_id: &str,
    token_use: &str,
) -> Result<Value, String> {
    let jwks = id.jwks(pool_id).await.map_err(|e| e.to_string())?;
    let kid = header(token).kid.ok_or("no kid")?;
    let jwk = jwks["keys"]
        .as_array()
        .ok_or("no keys")?
        .iter()
        .find(|k| k["kid"] == kid.as_str())
        .ok_or_else(|| format!("kid {kid} not in the JWKS"))?;
    assert_eq!(jwk["alg"], "RS256");
    assert_eq!(jwk["kty"], "RSA");
    assert_eq!(jwk["use"], "sig");
    let key = DecodingKey::from_rsa_components(
        jwk["n"].as_str().ok_or("n")?,
        jwk["e"].as_str().ok_or("e")?,
    )
    .map_err(|e| e.to_string())?;
    let mut v = Validation::new(Algorithm::RS256);
    v.set_issuer(&[id.issuer(pool_id)]);
    if token_use == "id" {
        v.set_audience(&[client_id]);
    } else {
        v.validate_aud = false;
    }
    let data = jsonwebtoken::decode::<Value>(token, &key, &v).map_err(|e| e.to_string())?;
    let c = data.claims;
    if c["token_use"] != token_use {
        return Err(format!("token_use {}", c["token_use"]));
    }
    if token_use == "access" && c["client_id"] != client_id {
        return Err("client_id".into());
    }
    Ok(c)
}

//! The Cognito wire protocol over real HTTP: transport, SigV4, errors, CORS, JWKS.
//! (Each action's semantics are tested in depth in `identity/tests`.)

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::macros::format_description;

use crate::helpers::{TestApp, spawn_app};

const TARGET: &str = "AWSCognitoIdentityProviderService.";

struct Key {
    id: String,
    secret: String,
}

async fn access_key(app: &TestApp) -> Key {
    let created = accounts::create_access_key(&app.pool, &app.master_key, "tests", "tests")
        .await
        .expect("access key");
    Key {
        id: created.key.access_key_id,
        secret: created.secret_access_key,
    }
}

fn amz_date(at: OffsetDateTime) -> String {
    at.format(format_description!(
        "[year][month][day]T[hour][minute][second]Z"
    ))
    .expect("format")
}

/// Sends a signed request; `sent_body` lets a test send something other than what it signed.
async fn signed_with(
    app: &TestApp,
    action: &str,
    signed_body: &Value,
    sent_body: &Value,
    key: &Key,
    secret: &str,
    at: OffsetDateTime,
) -> reqwest::Response {
    let host = app.addr.to_string();
    let date = amz_date(at);
    let target = format!("{TARGET}{action}");
    let body = signed_body.to_string();
    let headers = vec![
        ("host".to_string(), host.clone()),
        ("x-amz-date".to_string(), date.clone()),
        (
            "content-type".to_string(),
            "application/x-amz-json-1.1".to_string(),
        ),
        ("x-amz-target".to_string(), target.clone()),
    ];
    let req = sigv4::Request {
        method: "POST",
        path: "/cognito-idp/",
        query: "",
        headers: &headers,
        body: body.as_bytes(),
    };
    let authorization = sigv4::sign(
        &req,
        &key.id,
        secret,
        "us-east-1",
        "cognito-idp",
        &["host", "x-amz-date", "content-type", "x-amz-target"],
    )
    .expect("sign");
    app.client
        .post(app.url("/cognito-idp/"))
        .header("x-amz-date", date)
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", target)
        .header("authorization", authorization)
        .body(sent_body.to_string())
        .send()
        .await
        .expect("request")
}

async fn signed(app: &TestApp, action: &str, body: Value, key: &Key) -> reqwest::Response {
    signed_with(
        app,
        action,
        &body,
        &body,
        key,
        &key.secret.clone(),
        OffsetDateTime::now_utc(),
    )
    .await
}

async fn public(app: &TestApp, action: &str, body: Value) -> reqwest::Response {
    app.client
        .post(app.url("/cognito-idp/"))
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", format!("{TARGET}{action}"))
        .body(body.to_string())
        .send()
        .await
        .expect("request")
}

async fn error_of(res: reqwest::Response) -> (StatusCode, String, String, String) {
    let status = res.status();
    let header = res
        .headers()
        .get("x-amzn-errortype")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body: Value = res.json().await.expect("json error body");
    (
        status,
        header,
        body["__type"].as_str().unwrap_or("").to_string(),
        body["message"].as_str().unwrap_or("").to_string(),
    )
}

async fn pool_count(app: &TestApp, key: &Key) -> usize {
    let res = signed(app, "ListUserPools", json!({"MaxResults": 60}), key).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.expect("json");
    body["UserPools"].as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn admin_actions_require_a_valid_signature() {
    let app = spawn_app().await;
    let key = access_key(&app).await;
    let create = json!({"PoolName": "signed"});

    let res = signed(&app, "CreateUserPool", create.clone(), &key).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/x-amz-json-1.1");
    assert!(res.headers().contains_key("x-amzn-requestid"));
    let body: Value = res.json().await.expect("json");
    assert!(
        body["UserPool"]["Id"]
            .as_str()
            .expect("id")
            .starts_with("us-east-1_")
    );
    assert!(
        body["UserPool"]["CreationDate"].is_number(),
        "timestamps are epoch numbers"
    );

    let now = OffsetDateTime::now_utc();
    let wrong_secret = signed_with(
        &app,
        "CreateUserPool",
        &create,
        &create,
        &key,
        "not-the-secret-at-all",
        now,
    )
    .await;
    let (status, header, kind, message) = error_of(wrong_secret).await;
    assert_eq!(
        (status, kind.as_str()),
        (StatusCode::BAD_REQUEST, "InvalidSignatureException")
    );
    assert_eq!(header, "InvalidSignatureException:");
    assert!(
        message.contains("signature we calculated does not match"),
        "{message}"
    );

    let unknown = Key {
        id: "AKIAUNKNOWNUNKNOWN00".into(),
        secret: key.secret.clone(),
    };
    let (_, _, kind, message) =
        error_of(signed(&app, "CreateUserPool", create.clone(), &unknown).await).await;
    assert_eq!(kind, "UnrecognizedClientException");
    assert_eq!(
        message,
        "The security token included in the request is invalid."
    );

    let stale = now - time::Duration::minutes(20);
    let (_, _, kind, message) = error_of(
        signed_with(
            &app,
            "CreateUserPool",
            &create,
            &create,
            &key,
            &key.secret,
            stale,
        )
        .await,
    )
    .await;
    assert_eq!(kind, "InvalidSignatureException");
    assert!(message.starts_with("Signature expired"), "{message}");

    let tampered = json!({"PoolName": "tampered"});
    let (_, _, kind, _) = error_of(
        signed_with(
            &app,
            "CreateUserPool",
            &create,
            &tampered,
            &key,
            &key.secret,
            now,
        )
        .await,
    )
    .await;
    assert_eq!(kind, "InvalidSignatureException");

    let (_, _, kind, _) = error_of(public(&app, "CreateUserPool", create.clone()).await).await;
    assert_eq!(kind, "MissingAuthenticationTokenException");

    // Only the properly signed request created anything.
    assert_eq!(pool_count(&app, &key).await, 1);
}

#[tokio::test]
async fn issued_tokens_verify_against_the_jwks_served_under_the_issuer() {
    let app = spawn_app().await;
    let key = access_key(&app).await;
    let pool: Value = signed(&app, "CreateUserPool", json!({"PoolName": "web"}), &key)
        .await
        .json()
        .await
        .expect("json");
    let pool_id = pool["UserPool"]["Id"].as_str().expect("id").to_string();
    let client: Value = signed(
        &app,
        "CreateUserPoolClient",
        json!({"UserPoolId": pool_id, "ClientName": "spa", "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}),
        &key,
    )
    .await
    .json()
    .await
    .expect("json");
    let client_id = client["UserPoolClient"]["ClientId"]
        .as_str()
        .expect("client id")
        .to_string();

    // Public calls need no signature, and work cross-origin (browser SDKs).
    let res = app
        .client
        .post(app.url("/cognito-idp"))
        .header("origin", "http://spa.example")
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", format!("{TARGET}SignUp"))
        .body(json!({"ClientId": client_id, "Username": "bob", "Password": "Sup3r-secret!", "UserAttributes": [{"Name": "email", "Value": "bob@example.com"}]}).to_string())
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["access-control-allow-origin"], "*");
    let res = signed(
        &app,
        "AdminConfirmSignUp",
        json!({"UserPoolId": pool_id, "Username": "bob"}),
        &key,
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let auth: Value = public(
        &app,
        "InitiateAuth",
        json!({"ClientId": client_id, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": "bob", "PASSWORD": "Sup3r-secret!"}}),
    )
    .await
    .json()
    .await
    .expect("json");
    let id_token = auth["AuthenticationResult"]["IdToken"]
        .as_str()
        .expect("id token");
    let access_token = auth["AuthenticationResult"]["AccessToken"]
        .as_str()
        .expect("access token");

    let iss = format!("http://{}/cognito-idp/{pool_id}", app.addr);
    let discovery: Value = app
        .client
        .get(format!("{iss}/.well-known/openid-configuration"))
        .send()
        .await
        .expect("req")
        .json()
        .await
        .expect("json");
    assert_eq!(discovery["issuer"], iss.as_str());
    assert_eq!(
        discovery["jwks_uri"],
        format!("{iss}/.well-known/jwks.json")
    );
    let jwks: Value = app
        .client
        .get(format!("{iss}/.well-known/jwks.json"))
        .send()
        .await
        .expect("req")
        .json()
        .await
        .expect("json");

    let verify = |token: &str, aud: Option<&str>| -> Value {
        let header = jsonwebtoken::decode_header(token).expect("header");
        assert_eq!(header.alg, Algorithm::RS256);
        let kid = header.kid.expect("kid");
        let jwk = jwks["keys"]
            .as_array()
            .expect("keys")
            .iter()
            .find(|k| k["kid"] == kid.as_str())
            .expect("kid in JWKS");
        let key = DecodingKey::from_rsa_components(
            jwk["n"].as_str().expect("n"),
            jwk["e"].as_str().expect("e"),
        )
        .expect("key");
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[&iss]);
        match aud {
            Some(aud) => validation.set_audience(&[aud]),
            None => validation.validate_aud = false,
        }
        jsonwebtoken::decode::<Value>(token, &key, &validation)
            .expect("token verifies")
            .claims
    };
    let id = verify(id_token, Some(&client_id));
    assert_eq!(id["token_use"], "id");
    assert_eq!(id["cognito:username"], "bob");
    assert_eq!(id["email"], "bob@example.com");
    let access = verify(access_token, None);
    assert_eq!(access["token_use"], "access");
    assert_eq!(access["client_id"], client_id.as_str());
    assert!(access.get("aud").is_none());
}

#[tokio::test]
async fn transport_errors_are_aws_shaped() {
    let app = spawn_app().await;
    let (status, header, kind, _) = error_of(public(&app, "NoSuchThing", json!({})).await).await;
    assert_eq!(
        (status, kind.as_str()),
        (StatusCode::BAD_REQUEST, "UnknownOperationException")
    );
    assert_eq!(header, "UnknownOperationException:");

    let res = app
        .client
        .post(app.url("/cognito-idp/"))
        .header("x-amz-target", format!("{TARGET}SignUp"))
        .body("{not json")
        .send()
        .await
        .expect("request");
    let (status, _, kind, _) = error_of(res).await;
    assert_eq!(
        (status, kind.as_str()),
        (StatusCode::BAD_REQUEST, "SerializationException")
    );

    let res = app
        .client
        .post(app.url("/cognito-idp/"))
        .body("{}")
        .send()
        .await
        .expect("request");
    assert_eq!(error_of(res).await.2, "UnknownOperationException");

    let res = app
        .client
        .get(app.url("/cognito-idp/us-east-1_doesnotex/.well-known/jwks.json"))
        .send()
        .await
        .expect("req");
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn cors_preflight_is_answered() {
    let app = spawn_app().await;
    let res = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/cognito-idp/"))
        .header("origin", "http://spa.example")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type,x-amz-target,x-amz-user-agent",
        )
        .send()
        .await
        .expect("request");
    assert!(res.status().is_success(), "{}", res.status());
    assert_eq!(res.headers()["access-control-allow-origin"], "*");
    let allowed = res.headers()["access-control-allow-headers"]
        .to_str()
        .expect("ascii")
        .to_ascii_lowercase();
    assert!(
        allowed.contains("x-amz-target") || allowed == "*",
        "{allowed}"
    );
}

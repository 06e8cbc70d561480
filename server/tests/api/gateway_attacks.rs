//! A JWT attack suite against the running gateway: a deployed stage whose GET / is guarded by a
//! COGNITO_USER_POOLS authorizer (MOCK integration), served by the real gateway listener over
//! HTTP. Every forged, altered, foreign, expired or malformed token must be refused with a 401
//! (`x-amzn-errortype: UnauthorizedException`, `{"message":"Unauthorized"}` — or
//! `{"message":"The incoming token has expired"}` for a genuinely expired token) and never with
//! a 5xx. A real ID token is the positive control (200).

use std::time::Duration;

use apis::model::{AuthorizerSettings, HttpMethod, IntegrationResponseSettings};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::StatusCode;
use rsa::pkcs1::{EncodeRsaPrivateKey, EncodeRsaPublicKey, LineEnding};
use rsa::pkcs8::EncodePublicKey;
use rsa::{BigUint, RsaPrivateKey, RsaPublicKey};
use serde_json::{Map, Value, json};

use crate::helpers::{identity_of, mock_get_on_root, spawn_app, start_gateway};

const UNAUTHORIZED: &str = "Unauthorized";
const EXPIRED: &str = "The incoming token has expired";

async fn call(idp: &identity::Identity, action: &str, body: Value) -> Value {
    idp.dispatch(action, body.to_string().as_bytes(), true)
        .await
        .unwrap_or_else(|e| panic!("{action}: {e:?}"))
}

/// A confirmed user signed in through `client_id`: `(id token, access token)`.
async fn sign_in(
    idp: &identity::Identity,
    pool_id: &str,
    client_id: &str,
    username: &str,
) -> (String, String) {
    let password = "Seed-Passw0rd!";
    call(
        idp,
        "SignUp",
        json!({"ClientId": client_id, "Username": username, "Password": password}),
    )
    .await;
    call(
        idp,
        "AdminConfirmSignUp",
        json!({"UserPoolId": pool_id, "Username": username}),
    )
    .await;
    tokens(idp, client_id, username).await
}

async fn tokens(idp: &identity::Identity, client_id: &str, username: &str) -> (String, String) {
    let auth = call(
        idp,
        "InitiateAuth",
        json!({"ClientId": client_id, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": username, "PASSWORD": "Seed-Passw0rd!"}}),
    )
    .await;
    let result = &auth["AuthenticationResult"];
    (
        result["IdToken"].as_str().expect("id token").to_string(),
        result["AccessToken"]
            .as_str()
            .expect("access token")
            .to_string(),
    )
}

async fn create_client(idp: &identity::Identity, pool_id: &str, extra: Value) -> String {
    let mut body = json!({"UserPoolId": pool_id, "ClientName": "web", "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]});
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    let client = call(idp, "CreateUserPoolClient", body).await;
    client["UserPoolClient"]["ClientId"]
        .as_str()
        .expect("client")
        .to_string()
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn decode_part(part: &str) -> Map<String, Value> {
    let bytes = URL_SAFE_NO_PAD.decode(part).expect("base64url");
    serde_json::from_slice(&bytes).expect("json object")
}

fn encode_part(value: &Map<String, Value>) -> String {
    b64(serde_json::to_string(value).expect("json").as_bytes())
}

fn split(token: &str) -> (String, String, String) {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "a JWT: {token}");
    (
        parts[0].to_string(),
        parts[1].to_string(),
        parts[2].to_string(),
    )
}

/// An HMAC-"signed" token (the classic RS256→HS256 key-confusion forgery).
fn hmac_forgery(alg: Algorithm, kid: &str, claims: &Map<String, Value>, secret: &[u8]) -> String {
    let mut header = Header::new(alg);
    header.kid = Some(kid.to_string());
    jsonwebtoken::encode(&header, claims, &EncodingKey::from_secret(secret)).expect("hs sign")
}

/// An RS256 token signed by a key of our own (not one the pool publishes).
fn rs256_forgery(private: &RsaPrivateKey, kid: &str, claims: &Map<String, Value>) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.to_string());
    let der = private.to_pkcs1_der().expect("der");
    jsonwebtoken::encode(&header, claims, &EncodingKey::from_rsa_der(der.as_bytes()))
        .expect("rs sign")
}

#[tokio::test]
async fn the_gateway_refuses_forged_altered_foreign_expired_and_malformed_tokens() {
    let app = spawn_app().await;
    let console = format!("http://{}", app.addr);
    let idp = identity_of(&app);

    // The authorizer's pool, a normal client and a client whose ID tokens live one second.
    let pool = call(&idp, "CreateUserPool", json!({"PoolName": "guarded"})).await;
    let pool_id = pool["UserPool"]["Id"].as_str().expect("id").to_string();
    let arn = pool["UserPool"]["Arn"].as_str().expect("arn").to_string();
    let client_id = create_client(&idp, &pool_id, json!({})).await;
    let short_client_id = create_client(
        &idp,
        &pool_id,
        json!({"IdTokenValidity": 1, "TokenValidityUnits": {"IdToken": "seconds"}}),
    )
    .await;
    let (id_token, access_token) = sign_in(&idp, &pool_id, &client_id, "carol").await;
    let (short_id_token, _) = tokens(&idp, &short_client_id, "carol").await;
    let expired_at = tokio::time::Instant::now();

    // A second pool the authorizer does not list, with a perfectly valid token of its own.
    let other = call(&idp, "CreateUserPool", json!({"PoolName": "foreign"})).await;
    let other_pool_id = other["UserPool"]["Id"].as_str().expect("id").to_string();
    let other_client_id = create_client(&idp, &other_pool_id, json!({})).await;
    let (foreign_id_token, _) = sign_in(&idp, &other_pool_id, &other_client_id, "mallory").await;

    // The API: GET / guarded by the first pool only, MOCK integration, deployed to prod.
    let api = apis::store::create_rest_api(&app.pool, "Guarded", "")
        .await
        .expect("api");
    let root = api.root_resource_id.clone();
    let authorizer = AuthorizerSettings::new("GuardedPool", &[&arn]);
    let authorizer = apis::store::create_authorizer(&app.pool, &api.id, &authorizer)
        .await
        .expect("authorizer");
    mock_get_on_root(&app.pool, &api.id, &root, Some(&authorizer.id)).await;
    let mut templates = std::collections::BTreeMap::new();
    templates.insert(
        "application/json".to_string(),
        r#"{"user": "$context.authorizer.claims['cognito:username']"}"#.to_string(),
    );
    apis::store::put_integration_response(
        &app.pool,
        &api.id,
        &root,
        HttpMethod::Get,
        "200",
        &IntegrationResponseSettings {
            response_templates: templates,
            ..Default::default()
        },
    )
    .await
    .expect("integration response");
    apis::store::create_deployment(
        &app.pool,
        &api.id,
        "test",
        Some(&apis::StageName::new("prod")),
        None,
    )
    .await
    .expect("deploy");

    let gateway_addr = start_gateway(&app.pool, idp.clone(), &console).await;
    let url = format!("http://{}/{}/prod/", gateway_addr, api.id);
    let http = reqwest::Client::new();

    // The pool's published key, rebuilt from the JWKS (n, e) as an attacker would.
    let jwks: Value = http
        .get(format!(
            "{console}/cognito-idp/{pool_id}/.well-known/jwks.json"
        ))
        .send()
        .await
        .expect("jwks request")
        .json()
        .await
        .expect("jwks json");
    let (header_b64, payload_b64, signature_b64) = split(&id_token);
    let header = decode_part(&header_b64);
    let claims = decode_part(&payload_b64);
    let kid = header["kid"].as_str().expect("kid").to_string();
    let jwk = jwks["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .find(|k| k["kid"] == kid.as_str())
        .unwrap_or_else(|| panic!("the ID token's kid {kid} is in the JWKS: {jwks}"));
    let component = |name: &str| {
        BigUint::from_bytes_be(
            &URL_SAFE_NO_PAD
                .decode(jwk[name].as_str().expect("jwk component"))
                .expect("base64url"),
        )
    };
    let public = RsaPublicKey::new(component("n"), component("e")).expect("rsa public key");
    let pkcs1_pem = public.to_pkcs1_pem(LineEnding::LF).expect("pkcs1 pem");
    let pkcs1_der = public.to_pkcs1_der().expect("pkcs1 der");
    let spki_pem = public.to_public_key_pem(LineEnding::LF).expect("spki pem");
    let spki_der = public.to_public_key_der().expect("spki der");

    // The foreign pool's token really is signed by a key the authorizer's pool does not have.
    let foreign_kid = decode_part(&split(&foreign_id_token).0)["kid"]
        .as_str()
        .expect("kid")
        .to_string();
    assert_ne!(foreign_kid, kid, "each pool signs with its own key");

    // A key of our own, which no pool publishes.
    let attacker_key = tokio::task::spawn_blocking(|| {
        RsaPrivateKey::new(&mut rand::thread_rng(), 2048).expect("rsa key")
    })
    .await
    .expect("keygen");

    let mut cases: Vec<(String, String, &str)> = Vec::new();
    let mut case = |name: &str, value: String, message: &'static str| {
        cases.push((name.to_string(), value, message));
    };

    // alg none, with the real kid and the real payload, empty signature.
    for alg in ["none", "None", "NONE"] {
        let forged_header = json!({"alg": alg, "kid": kid, "typ": "JWT"});
        let forged_header = encode_part(forged_header.as_object().expect("object"));
        case(
            &format!("alg {alg}, real kid, empty signature"),
            format!("{forged_header}.{payload_b64}."),
            UNAUTHORIZED,
        );
        case(
            &format!("alg {alg}, real kid, original signature kept"),
            format!("{forged_header}.{payload_b64}.{signature_b64}"),
            UNAUTHORIZED,
        );
    }

    // RS256 → HS* key confusion: the pool's public key (every encoding) as the HMAC secret.
    let secrets: [(&str, &[u8]); 4] = [
        ("PKCS#1 PEM", pkcs1_pem.as_bytes()),
        ("PKCS#1 DER", pkcs1_der.as_bytes()),
        ("SPKI PEM", spki_pem.as_bytes()),
        ("SPKI DER", spki_der.as_bytes()),
    ];
    for (form, secret) in secrets {
        for alg in [Algorithm::HS256, Algorithm::HS512] {
            case(
                &format!("{alg:?} signed with the pool's public key ({form})"),
                hmac_forgery(alg, &kid, &claims, secret),
                UNAUTHORIZED,
            );
        }
    }

    // Unknown kid: only the header's kid changes; the real signature is kept.
    let mut unknown = header.clone();
    unknown.insert("kid".into(), json!("attacker-kid-1"));
    case(
        "unknown kid, real signature kept",
        format!("{}.{payload_b64}.{signature_b64}", encode_part(&unknown)),
        UNAUTHORIZED,
    );
    let mut no_kid = header.clone();
    no_kid.remove("kid");
    case(
        "no kid, real signature kept",
        format!("{}.{payload_b64}.{signature_b64}", encode_part(&no_kid)),
        UNAUTHORIZED,
    );

    // A valid token from a pool the authorizer does not list.
    case(
        "valid ID token of another pool",
        foreign_id_token.clone(),
        UNAUTHORIZED,
    );
    case(
        "valid ID token of another pool, Bearer",
        format!("Bearer {foreign_id_token}"),
        UNAUTHORIZED,
    );

    // nbf in the future / wrong iss / expired, signed with our own key. The pool's private key
    // is out of reach, so these can only carry our kid (refused at the kid check, which precedes
    // the iss/exp/nbf checks) or the pool's kid (refused at the signature check). The nbf and iss
    // checks with a registered key are covered by the unit tests in `apis/src/authorizer_tests.rs`.
    let now = chrono_now();
    let mut nbf_claims = claims.clone();
    nbf_claims.insert("nbf".into(), json!(now + 3600));
    let mut iss_claims = claims.clone();
    iss_claims.insert(
        "iss".into(),
        json!(format!("{console}/cognito-idp/us-east-1_Evil00000")),
    );
    let mut exp_claims = claims.clone();
    exp_claims.insert("exp".into(), json!(now - 60));
    let mut fresh_claims = claims.clone();
    fresh_claims.insert("exp".into(), json!(now + 3600));
    for (what, forged) in [
        ("nbf in the future", &nbf_claims),
        ("wrong iss", &iss_claims),
        ("expired", &exp_claims),
        ("otherwise valid claims", &fresh_claims),
    ] {
        case(
            &format!("{what}, signed by our key with our kid"),
            rs256_forgery(&attacker_key, "attacker-kid-2", forged),
            UNAUTHORIZED,
        );
        case(
            &format!("{what}, signed by our key with the pool's kid"),
            rs256_forgery(&attacker_key, &kid, forged),
            UNAUTHORIZED,
        );
    }

    // A real access token on a method without scopes.
    case(
        "real access token on an unscoped method",
        access_token.clone(),
        UNAUTHORIZED,
    );
    case(
        "real access token on an unscoped method, Bearer",
        format!("Bearer {access_token}"),
        UNAUTHORIZED,
    );

    // Tampered payloads, signature kept.
    for (claim, value) in [
        ("cognito:username", json!("admin")),
        ("sub", json!("00000000-0000-0000-0000-000000000000")),
        ("exp", json!(now + 86_400 * 365)),
        ("token_use", json!("access")),
        ("email_verified", json!(true)),
    ] {
        let mut tampered = claims.clone();
        tampered.insert(claim.into(), value.clone());
        let tampered = encode_part(&tampered);
        assert_ne!(tampered, payload_b64, "{claim} really changes the payload");
        case(
            &format!("payload tampered ({claim} = {value}), signature kept"),
            format!("{header_b64}.{tampered}.{signature_b64}"),
            UNAUTHORIZED,
        );
    }
    let mut flipped = payload_b64.clone().into_bytes();
    let mid = flipped.len() / 2;
    flipped[mid] = if flipped[mid] == b'A' { b'B' } else { b'A' };
    case(
        "payload with one base64 character flipped",
        format!(
            "{header_b64}.{}.{signature_b64}",
            String::from_utf8(flipped).expect("ascii")
        ),
        UNAUTHORIZED,
    );
    let mut sig = signature_b64.clone().into_bytes();
    let mid = sig.len() / 2;
    sig[mid] = if sig[mid] == b'A' { b'B' } else { b'A' };
    case(
        "signature with one base64 character flipped",
        format!(
            "{header_b64}.{payload_b64}.{}",
            String::from_utf8(sig).expect("ascii")
        ),
        UNAUTHORIZED,
    );

    // Truncated and malformed.
    case(
        "truncated (last 10 characters dropped)",
        id_token[..id_token.len() - 10].to_string(),
        UNAUTHORIZED,
    );
    case(
        "only two segments",
        format!("{header_b64}.{payload_b64}"),
        UNAUTHORIZED,
    );
    case(
        "only two segments, trailing dot",
        format!("{header_b64}.{payload_b64}."),
        UNAUTHORIZED,
    );
    case(
        "four segments",
        format!("{id_token}.{signature_b64}"),
        UNAUTHORIZED,
    );
    case(
        "signature without its payload",
        format!("{header_b64}..{signature_b64}"),
        UNAUTHORIZED,
    );
    case(
        "non-base64 segments",
        "!!!.@@@.###".to_string(),
        UNAUTHORIZED,
    );
    let garbage: String = "x7#%&'*+-.^_`|~!$(){}[]<>/?=,;:"
        .chars()
        .cycle()
        .take(10 * 1024)
        .collect();
    case("10 KB garbage header value", garbage.clone(), UNAUTHORIZED);
    case(
        "Bearer + 10 KB garbage",
        format!("Bearer {garbage}"),
        UNAUTHORIZED,
    );
    case("10 KB of dots", ".".repeat(10 * 1024), UNAUTHORIZED);
    case("empty Authorization", String::new(), UNAUTHORIZED);
    case("only spaces", "   ".to_string(), UNAUTHORIZED);
    case(
        "Bearer with nothing after it",
        "Bearer".to_string(),
        UNAUTHORIZED,
    );
    case("Bearer and a space", "Bearer ".to_string(), UNAUTHORIZED);
    case("Bearer Bearer", "Bearer Bearer".to_string(), UNAUTHORIZED);
    let (left, right) = id_token.split_at(id_token.len() / 2);
    case(
        "token with a space inside",
        format!("{left} {right}"),
        UNAUTHORIZED,
    );
    case(
        "token with a tab inside",
        format!("{left}\t{right}"),
        UNAUTHORIZED,
    );
    case(
        "Bearer token with a space inside",
        format!("Bearer {left} {right}"),
        UNAUTHORIZED,
    );

    // Genuinely expired: a real token of the one-second client, presented ≥ 2 s later.
    tokio::time::sleep_until(expired_at + Duration::from_millis(2100)).await;
    case("expired real ID token", short_id_token.clone(), EXPIRED);
    case(
        "expired real ID token, Bearer",
        format!("Bearer {short_id_token}"),
        EXPIRED,
    );

    let mut failures = Vec::new();
    for (name, value, message) in &cases {
        let res = http
            .get(&url)
            .header("Authorization", value.as_str())
            .send()
            .await
            .unwrap_or_else(|e| panic!("{name}: request failed: {e}"));
        let status = res.status();
        let errortype = res
            .headers()
            .get("x-amzn-errortype")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = res.text().await.unwrap_or_default();
        let body_json: Option<Value> = serde_json::from_str(&body).ok();
        let ok = status == StatusCode::UNAUTHORIZED
            && errortype.as_deref() == Some("UnauthorizedException")
            && body_json == Some(json!({"message": message}));
        eprintln!(
            "[{}] {name}: {status} {errortype:?} {body}",
            if ok { "ok" } else { "FAIL" }
        );
        assert!(
            !status.is_server_error(),
            "{name}: a 5xx ({status}): {body}"
        );
        if !ok {
            failures.push(format!("{name}: {status} {errortype:?} {body}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} attacks were not refused as expected:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );

    // The positive control: the real ID token (bare and Bearer) is accepted.
    for value in [id_token.clone(), format!("Bearer {id_token}")] {
        let res = http
            .get(&url)
            .header("Authorization", value)
            .send()
            .await
            .expect("request");
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(
            res.json::<Value>().await.expect("json"),
            json!({"user": "carol"})
        );
    }
}

fn chrono_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64
}

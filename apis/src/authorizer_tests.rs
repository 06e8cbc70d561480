//! Unit tests of [`super::authorize`] with real RS256 keys (generated once per test binary).
#![allow(clippy::unwrap_used)]

use std::sync::OnceLock;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rsa::RsaPrivateKey;
use rsa::pkcs1::LineEnding;
use rsa::pkcs1::{EncodeRsaPrivateKey, EncodeRsaPublicKey};
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};

use super::*;
use crate::model::{AuthorizerType, DEFAULT_IDENTITY_SOURCE};

const POOL: &str = "us-east-1_AbC123xyz";
const OTHER_POOL: &str = "us-east-1_Other9999";
const ISSUER: &str = "http://127.0.0.1:3000/cognito-idp/us-east-1_AbC123xyz";
const OTHER_ISSUER: &str = "http://127.0.0.1:3000/cognito-idp/us-east-1_Other9999";
const CLIENT: &str = "5gha7s6vka4qapfa8pe5i9resj";
/// 2026-11-26 10:00:00 UTC.
const NOW: i64 = 1_795_687_200;

struct TestKey {
    kid: &'static str,
    private: RsaPrivateKey,
}

impl TestKey {
    fn encoding(&self) -> EncodingKey {
        EncodingKey::from_rsa_der(self.private.to_pkcs1_der().unwrap().as_bytes())
    }

    fn public(&self) -> PublicKey {
        let public = self.private.to_public_key();
        PublicKey {
            kid: self.kid.to_owned(),
            n: URL_SAFE_NO_PAD.encode(public.n().to_bytes_be()),
            e: URL_SAFE_NO_PAD.encode(public.e().to_bytes_be()),
        }
    }

    fn public_pem(&self) -> String {
        self.private
            .to_public_key()
            .to_pkcs1_pem(LineEnding::LF)
            .unwrap()
    }
}

/// [pool key, other pool's key, a key nobody publishes].
fn keys() -> &'static [TestKey; 3] {
    static KEYS: OnceLock<[TestKey; 3]> = OnceLock::new();
    KEYS.get_or_init(|| {
        let gen_key = |kid| TestKey {
            kid,
            private: RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap(),
        };
        [
            gen_key("pool-key-1"),
            gen_key("other-key-1"),
            gen_key("stray-key-1"),
        ]
    })
}

fn pool_key() -> &'static TestKey {
    &keys()[0]
}

fn pools() -> Vec<PoolKeys> {
    vec![PoolKeys {
        provider: format!("arn:aws:cognito-idp:us-east-1:000000000000:userpool/{POOL}"),
        pool_id: POOL.to_owned(),
        issuer: ISSUER.to_owned(),
        keys: vec![pool_key().public()],
    }]
}

fn authorizer(expr: Option<&str>) -> Authorizer {
    Authorizer {
        id: crate::ids::AuthorizerId::new("abc123"),
        name: "cognito".to_owned(),
        kind: AuthorizerType::CognitoUserPools,
        provider_arns: vec![format!(
            "arn:aws:cognito-idp:us-east-1:000000000000:userpool/{POOL}"
        )],
        identity_source: DEFAULT_IDENTITY_SOURCE.to_owned(),
        identity_validation_expression: expr.map(str::to_owned),
        authorizer_result_ttl_in_seconds: 300,
        version: 1,
    }
}

fn id_claims() -> Value {
    json!({
        "sub": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
        "cognito:groups": ["admins", "staff"],
        "email_verified": true,
        "iss": ISSUER,
        "cognito:username": "alice",
        "aud": CLIENT,
        "token_use": "id",
        "auth_time": NOW - 600,
        "iat": NOW - 600,
        "exp": NOW + 3000,
        "email": "alice@example.com",
    })
}

fn access_claims(scope: &str) -> Value {
    json!({
        "sub": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
        "iss": ISSUER,
        "client_id": CLIENT,
        "token_use": "access",
        "scope": scope,
        "auth_time": NOW - 600,
        "iat": NOW - 600,
        "exp": NOW + 3000,
        "username": "alice",
        "version": 2,
    })
}

fn with(mut claims: Value, key: &str, value: Value) -> Value {
    claims[key] = value;
    claims
}

fn sign_with(key: &TestKey, claims: &Value) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(key.kid.to_owned());
    jsonwebtoken::encode(&header, claims, &key.encoding()).unwrap()
}

fn sign(claims: &Value) -> String {
    sign_with(pool_key(), claims)
}

fn run_with(
    authorizer: &Authorizer,
    scopes: &[&str],
    headers: &[(&str, &str)],
) -> AuthorizerOutcome {
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let scopes: Vec<String> = scopes.iter().map(|s| (*s).to_owned()).collect();
    let pools = pools();
    authorize(&AuthorizerInput {
        authorizer,
        method_scopes: &scopes,
        headers: &headers,
        pools: &pools,
        now: NOW,
    })
}

fn run(token: &str, scopes: &[&str]) -> AuthorizerOutcome {
    run_with(&authorizer(None), scopes, &[("Authorization", token)])
}

/// Asserts a Deny with `message` whose failing step is `check`; returns the step's detail.
fn assert_denied(outcome: &AuthorizerOutcome, check: Check, message: &str) -> String {
    assert_eq!(
        outcome.decision,
        Decision::Deny {
            status: 401,
            message: message.to_owned()
        },
        "trace: {:#?}",
        outcome.trace
    );
    let step = outcome.failed_step().expect("a failed step");
    assert_eq!(step.check, check, "trace: {:#?}", outcome.trace);
    assert!(
        outcome.trace[..outcome.trace.len() - 1]
            .iter()
            .all(|s| s.passed),
        "only the last step fails"
    );
    step.detail.clone()
}

fn assert_allowed(outcome: &AuthorizerOutcome) -> &Map<String, Value> {
    match &outcome.decision {
        Decision::Allow { claims } => {
            assert!(
                outcome.trace.iter().all(|s| s.passed),
                "{:#?}",
                outcome.trace
            );
            claims
        }
        Decision::Deny { .. } => panic!("denied: {:#?}", outcome.trace),
    }
}

fn checks(outcome: &AuthorizerOutcome) -> Vec<Check> {
    outcome.trace.iter().map(|s| s.check).collect()
}

#[test]
fn valid_id_token_is_allowed_with_stringified_claims() {
    let outcome = run(&sign(&id_claims()), &[]);
    let claims = assert_allowed(&outcome);
    assert_eq!(claims["sub"], "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
    assert_eq!(claims["email_verified"], "true");
    assert_eq!(claims["cognito:groups"], "admins,staff");
    assert_eq!(claims["auth_time"], (NOW - 600).to_string());
    assert_eq!(claims["exp"], "Thu Nov 26 10:50:00 UTC 2026");
    assert_eq!(claims["iat"], "Thu Nov 26 09:50:00 UTC 2026");
    assert!(claims.values().all(Value::is_string));
    // Every check ran, in order (no Scope step: the method has no scopes).
    let expected: Vec<Check> = Check::ALL
        .iter()
        .copied()
        .filter(|c| *c != Check::Scope)
        .collect();
    assert_eq!(checks(&outcome), expected);
    assert_eq!(outcome.pool_id.as_deref(), Some(POOL));
    assert_eq!(outcome.expires_at, Some(NOW + 3000));
    assert_eq!(outcome.cache_seconds(300, NOW), 300);
    assert_eq!(outcome.cache_seconds(3600, NOW), 3000);
    let step = |c: Check| {
        outcome
            .trace
            .iter()
            .find(|s| s.check == c)
            .map(|s| s.detail.clone())
            .unwrap()
    };
    assert_eq!(
        step(Check::Expiry),
        "valid for another 50 min (exp 2026-11-26 10:50:00 UTC)"
    );
    assert_eq!(
        step(Check::IssuedAt),
        "issued 10 min ago (2026-11-26 09:50:00 UTC)"
    );
}

#[test]
fn expired_token_gets_the_expired_message() {
    let token = sign(&with(id_claims(), "exp", json!(NOW - 240)));
    let outcome = run(&token, &[]);
    let detail = assert_denied(&outcome, Check::Expiry, TOKEN_EXPIRED);
    assert_eq!(detail, "expired 4 min ago (exp 2026-11-26 09:56:00 UTC)");
    assert_eq!(outcome.cache_seconds(300, NOW), 0);
}

#[test]
fn token_expiring_exactly_now_is_expired() {
    let token = sign(&with(id_claims(), "exp", json!(NOW)));
    assert_denied(&run(&token, &[]), Check::Expiry, TOKEN_EXPIRED);
}

#[test]
fn missing_exp_is_unauthorized() {
    let mut claims = id_claims();
    claims.as_object_mut().unwrap().remove("exp");
    let detail = assert_denied(&run(&sign(&claims), &[]), Check::Expiry, UNAUTHORIZED);
    assert!(detail.contains("no exp"), "{detail}");
}

#[test]
fn tampered_payload_fails_the_signature() {
    let token = sign(&id_claims());
    let parts: Vec<&str> = token.split('.').collect();
    let forged = with(id_claims(), "cognito:groups", json!(["superusers"]));
    let forged_payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&forged).unwrap());
    let tampered = format!("{}.{}.{}", parts[0], forged_payload, parts[2]);
    let outcome = run(&tampered, &[]);
    let detail = assert_denied(&outcome, Check::Signature, UNAUTHORIZED);
    assert!(detail.contains("changed after it was signed"), "{detail}");
    // The decoded (untrusted) token is still shown.
    let token = outcome.token.expect("decoded");
    assert_eq!(token.payload["cognito:groups"], json!(["superusers"]));
}

#[test]
fn alg_none_is_refused() {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT","kid":"pool-key-1"}"#);
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&id_claims()).unwrap());
    let detail = assert_denied(
        &run(&format!("{header}.{payload}."), &[]),
        Check::Algorithm,
        UNAUTHORIZED,
    );
    assert!(detail.contains("unsigned"), "{detail}");
}

#[test]
fn hs256_signed_with_the_public_key_is_refused() {
    let pem = pool_key().public_pem();
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some(pool_key().kid.to_owned());
    let token = jsonwebtoken::encode(
        &header,
        &id_claims(),
        &EncodingKey::from_secret(pem.as_bytes()),
    )
    .unwrap();
    let detail = assert_denied(&run(&token, &[]), Check::Algorithm, UNAUTHORIZED);
    assert!(detail.contains("HS256"), "{detail}");
    assert!(detail.contains("forgery"), "{detail}");
}

#[test]
fn other_algorithms_are_refused() {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS512","kid":"pool-key-1"}"#);
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&id_claims()).unwrap());
    let detail = assert_denied(
        &run(&format!("{header}.{payload}.c2ln"), &[]),
        Check::Algorithm,
        UNAUTHORIZED,
    );
    assert_eq!(detail, "alg is RS512; user pools sign with RS256 only");
}

#[test]
fn unknown_kid_names_the_pool() {
    let token = sign_with(&keys()[2], &id_claims());
    let detail = assert_denied(&run(&token, &[]), Check::KeyId, UNAUTHORIZED);
    assert!(
        detail.starts_with(
            "signed by key kid=stray-key-1 which is not in pool us-east-1_AbC123xyz (did you \
             paste a token from another pool?)"
        ),
        "{detail}"
    );
}

#[test]
fn token_of_another_pool_fails_on_its_key() {
    let claims = with(id_claims(), "iss", json!(OTHER_ISSUER));
    let token = sign_with(&keys()[1], &claims);
    let detail = assert_denied(&run(&token, &[]), Check::KeyId, UNAUTHORIZED);
    assert!(detail.contains(OTHER_ISSUER), "{detail}");
}

#[test]
fn valid_signature_with_foreign_issuer_fails_the_issuer_check() {
    let token = sign(&with(id_claims(), "iss", json!(OTHER_ISSUER)));
    let detail = assert_denied(&run(&token, &[]), Check::Issuer, UNAUTHORIZED);
    assert_eq!(
        detail,
        format!("iss is {OTHER_ISSUER}, which is not one of the authorizer's pools ({ISSUER})")
    );
}

#[test]
fn issuer_of_another_configured_pool_must_match_the_signing_key() {
    let token = sign(&with(id_claims(), "iss", json!(OTHER_ISSUER)));
    let mut pools = pools();
    pools.push(PoolKeys {
        provider: OTHER_ISSUER.to_owned(),
        pool_id: OTHER_POOL.to_owned(),
        issuer: OTHER_ISSUER.to_owned(),
        keys: vec![keys()[1].public()],
    });
    let headers = vec![("Authorization".to_owned(), token)];
    let outcome = authorize(&AuthorizerInput {
        authorizer: &authorizer(None),
        method_scopes: &[],
        headers: &headers,
        pools: &pools,
        now: NOW,
    });
    let detail = assert_denied(&outcome, Check::Issuer, UNAUTHORIZED);
    assert!(
        detail.contains("signed with a key of pool us-east-1_AbC123xyz"),
        "{detail}"
    );
}

#[test]
fn second_pool_of_the_authorizer_is_accepted() {
    let token = sign_with(&keys()[1], &with(id_claims(), "iss", json!(OTHER_ISSUER)));
    let mut pools = pools();
    pools.push(PoolKeys {
        provider: OTHER_ISSUER.to_owned(),
        pool_id: OTHER_POOL.to_owned(),
        issuer: OTHER_ISSUER.to_owned(),
        keys: vec![keys()[1].public()],
    });
    let headers = vec![("Authorization".to_owned(), token)];
    let outcome = authorize(&AuthorizerInput {
        authorizer: &authorizer(None),
        method_scopes: &[],
        headers: &headers,
        pools: &pools,
        now: NOW,
    });
    assert_allowed(&outcome);
    assert_eq!(outcome.pool_id.as_deref(), Some(OTHER_POOL));
}

#[test]
fn access_token_on_a_method_without_scopes_is_refused() {
    let token = sign(&access_claims("aws.cognito.signin.user.admin"));
    let detail = assert_denied(&run(&token, &[]), Check::TokenUse, UNAUTHORIZED);
    assert_eq!(
        detail,
        "this is an access token; methods without OAuth scopes need an ID token"
    );
}

#[test]
fn access_token_with_a_matching_scope_is_allowed_on_a_scoped_method() {
    let token = sign(&access_claims("openid pets/read email"));
    let outcome = run(&token, &["pets/write", "pets/read"]);
    let claims = assert_allowed(&outcome);
    assert_eq!(claims["scope"], "openid pets/read email");
    assert_eq!(claims["version"], "2");
    let scope = outcome
        .trace
        .iter()
        .find(|s| s.check == Check::Scope)
        .unwrap();
    assert_eq!(scope.detail, "the token has the scope pets/read");
}

#[test]
fn access_token_without_the_scope_is_refused() {
    let token = sign(&access_claims("aws.cognito.signin.user.admin"));
    let detail = assert_denied(&run(&token, &["pets/read"]), Check::Scope, UNAUTHORIZED);
    assert_eq!(
        detail,
        "the token's scopes (aws.cognito.signin.user.admin) include none of the method's \
         (pets/read)"
    );
}

#[test]
fn id_token_on_a_scoped_method_is_refused() {
    let detail = assert_denied(
        &run(&sign(&id_claims()), &["pets/read"]),
        Check::TokenUse,
        UNAUTHORIZED,
    );
    assert!(detail.starts_with("this is an ID token"), "{detail}");
    assert!(detail.contains("pets/read"), "{detail}");
}

#[test]
fn validation_expression_not_matching_aud_is_refused() {
    let outcome = run_with(
        &authorizer(Some("^abc.*")),
        &[],
        &[("Authorization", &sign(&id_claims()))],
    );
    let detail = assert_denied(&outcome, Check::ValidationExpression, UNAUTHORIZED);
    assert_eq!(
        detail,
        format!("aud {CLIENT} does not match the token validation expression ^abc.*")
    );
}

#[test]
fn validation_expression_matching_aud_is_allowed() {
    let outcome = run_with(
        &authorizer(Some("5gha7s6vka.*")),
        &[],
        &[("Authorization", &sign(&id_claims()))],
    );
    assert_allowed(&outcome);
    let last = outcome.trace.last().unwrap();
    assert_eq!(last.check, Check::ValidationExpression);
    assert_eq!(last.detail, format!("aud {CLIENT} matches 5gha7s6vka.*"));
}

#[test]
fn validation_expression_is_a_whole_match() {
    // "5gha7s6vka" alone would be found inside the aud, but must match all of it.
    let outcome = run_with(
        &authorizer(Some("5gha7s6vka")),
        &[],
        &[("Authorization", &sign(&id_claims()))],
    );
    assert_denied(&outcome, Check::ValidationExpression, UNAUTHORIZED);
}

#[test]
fn validation_expression_refuses_access_tokens_as_aws_does() {
    let token = sign(&access_claims("pets/read"));
    // Without an expression, the access token passes on a scoped method.
    assert_allowed(&run_with(
        &authorizer(None),
        &["pets/read"],
        &[("Authorization", &token)],
    ));
    // With one, even a pattern its client_id would match refuses it: access tokens have no aud.
    let outcome = run_with(
        &authorizer(Some("5gha.*")),
        &["pets/read"],
        &[("Authorization", &token)],
    );
    let detail = assert_denied(&outcome, Check::ValidationExpression, UNAUTHORIZED);
    assert!(detail.starts_with("this is an access token"), "{detail}");
}

#[test]
fn missing_header_is_unauthorized() {
    let outcome = run_with(&authorizer(None), &[], &[("Accept", "application/json")]);
    let detail = assert_denied(&outcome, Check::IdentitySource, UNAUTHORIZED);
    assert_eq!(detail, "the request has no Authorization header");
    assert!(outcome.token.is_none());
    let outcome = run_with(&authorizer(None), &[], &[("Authorization", "  ")]);
    assert_denied(&outcome, Check::IdentitySource, UNAUTHORIZED);
}

#[test]
fn header_name_is_case_insensitive() {
    let token = sign(&id_claims());
    assert_allowed(&run_with(
        &authorizer(None),
        &[],
        &[("authorization", &token)],
    ));
    let mut custom = authorizer(None);
    custom.identity_source = "method.request.header.X-Id-Token".to_owned();
    assert_allowed(&run_with(&custom, &[], &[("x-id-token", &token)]));
    assert_denied(
        &run_with(&custom, &[], &[("Authorization", &token)]),
        Check::IdentitySource,
        UNAUTHORIZED,
    );
}

#[test]
fn bearer_prefix_is_accepted() {
    let token = sign(&id_claims());
    for value in [format!("Bearer {token}"), format!("bearer {token}")] {
        let outcome = run(&value, &[]);
        assert_allowed(&outcome);
        assert_eq!(outcome.trace[1].check, Check::BearerPrefix);
        assert_eq!(outcome.trace[1].detail, "removed the \"Bearer \" prefix");
    }
}

#[test]
fn nbf_in_the_future_is_refused() {
    let token = sign(&with(id_claims(), "nbf", json!(NOW + 180)));
    let detail = assert_denied(&run(&token, &[]), Check::NotBefore, UNAUTHORIZED);
    assert_eq!(
        detail,
        "not valid yet: valid from 2026-11-26 10:03:00 UTC (in 3 min)"
    );
}

#[test]
fn iat_far_in_the_future_is_refused() {
    let token = sign(&with(id_claims(), "iat", json!(NOW + 3600)));
    assert_denied(&run(&token, &[]), Check::IssuedAt, UNAUTHORIZED);
    // Small skew is tolerated.
    let token = sign(&with(id_claims(), "iat", json!(NOW + 30)));
    assert_allowed(&run(&token, &[]));
}

#[test]
fn malformed_tokens_fail_the_shape_check() {
    for (token, expected) in [
        (
            "not-a-jwt",
            "expected 3 dot-separated parts (header.payload.signature), found 1",
        ),
        (
            "a.b",
            "expected 3 dot-separated parts (header.payload.signature), found 2",
        ),
        (
            "a.b.c.d",
            "expected 3 dot-separated parts (header.payload.signature), found 4",
        ),
        ("!!.e30.sig", "the header is not valid base64url"),
        (
            "e30.bm90IGpzb24.sig",
            "the payload is not JSON: expected ident at line 1 column 2",
        ),
        ("WzFd.e30.sig", "the header is JSON but not an object"),
    ] {
        let detail = assert_denied(&run(token, &[]), Check::JwtShape, UNAUTHORIZED);
        assert_eq!(detail, expected, "{token}");
    }
    let token = sign(&id_claims());
    let broken = format!("{}\n{}", &token[..20], &token[20..]);
    let detail = assert_denied(&run(&broken, &[]), Check::JwtShape, UNAUTHORIZED);
    assert!(detail.contains("whitespace"), "{detail}");
}

#[test]
fn missing_token_use_is_refused() {
    let mut claims = id_claims();
    claims.as_object_mut().unwrap().remove("token_use");
    assert_denied(&run(&sign(&claims), &[]), Check::TokenUse, UNAUTHORIZED);
}

#[test]
fn java_date_and_durations() {
    assert_eq!(
        java_date(1_513_495_692).as_deref(),
        Some("Sun Dec 17 07:28:12 UTC 2017")
    );
    assert_eq!(human_duration(45), "45 s");
    assert_eq!(human_duration(240), "4 min");
    assert_eq!(human_duration(7500), "2 h 5 min");
    assert_eq!(human_duration(7200), "2 h");
    assert_eq!(human_duration(86_400), "1 day");
    assert_eq!(human_duration(3 * 86_400 + 5), "3 days");
}

#[test]
fn claims_stringification() {
    let payload = json!({
        "address": {"street": "1 Main St"},
        "n": 1.5,
        "gone": null,
        "list": [1, "a", true],
    });
    let claims = stringify_claims(payload.as_object().unwrap());
    assert_eq!(claims["address"], r#"{"street":"1 Main St"}"#);
    assert_eq!(claims["n"], "1.5");
    assert_eq!(claims["list"], "1,a,true");
    assert!(!claims.contains_key("gone"));
}

#[test]
fn pasted_value_and_aud_lists() {
    let mut custom = authorizer(Some("other|5gha7s6vka4qapfa8pe5i9resj"));
    custom.identity_source = "method.request.header.X-Token".to_owned();
    let headers = identity_headers(
        &custom,
        &format!(
            "Bearer {}",
            sign(&with(id_claims(), "aud", json!(["x", CLIENT])))
        ),
    );
    assert_eq!(headers[0].0, "X-Token");
    let pools = pools();
    let outcome = authorize(&AuthorizerInput {
        authorizer: &custom,
        method_scopes: &[],
        headers: &headers,
        pools: &pools,
        now: NOW,
    });
    assert_allowed(&outcome);
}

//! The execution log (console Method Test), the request summary (access log, Stage → Logs)
//! and the recent-requests ring buffer.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use apis::authorizer::{PoolKeys, PublicKey};
use apis::model::{
    AuthorizationType, Authorizer, AuthorizerType, DEFAULT_IDENTITY_SOURCE, DeploymentSnapshot,
    HttpMethod, Integration, IntegrationResponse, IntegrationType, Method, MethodResponse,
    PassthroughBehavior, Resource, RestApi,
};
use apis::{AuthorizerId, DeploymentId, ResourceId, RestApiId, StageName};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bytes::Bytes;
use gateway::{
    AuthOutcome, Gateway, KeySource, RecentRequest, RecentRequests, Runtime, StageInput,
    TestRequest, test_invoke,
};
use http::Request;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rsa::RsaPrivateKey;
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::traits::PublicKeyParts;
use serde_json::json;
use time::OffsetDateTime;

const API: &str = "a1b2c3d4e5";
const POOL: &str = "us-east-1_AbC123xyz";
const ISSUER: &str = "http://127.0.0.1:3000/cognito-idp/us-east-1_AbC123xyz";
const CLIENT: &str = "5gha7s6vka4qapfa8pe5i9resj";
const KID: &str = "pool-key-1";
const SUB: &str = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

fn pool_key() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap())
}

/// A key the pool never published: what a forger signs with.
fn forger_key() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap())
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn id_token(key: &RsaPrivateKey, sub: &str) -> String {
    let n = now();
    let claims = json!({
        "sub": sub,
        "iss": ISSUER,
        "cognito:username": "alice",
        "aud": CLIENT,
        "token_use": "id",
        "auth_time": n - 60,
        "iat": n - 60,
        "exp": n + 3600,
    });
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(KID.to_owned());
    let key = EncodingKey::from_rsa_der(key.to_pkcs1_der().unwrap().as_bytes());
    jsonwebtoken::encode(&header, &claims, &key).unwrap()
}

struct Keys;

impl KeySource for Keys {
    async fn pools_for(
        &self,
        _authorizer: &Authorizer,
        _token: &str,
    ) -> std::sync::Arc<[PoolKeys]> {
        let public = pool_key().to_public_key();
        vec![PoolKeys {
            provider: format!("arn:aws:cognito-idp:us-east-1:000000000000:userpool/{POOL}"),
            pool_id: POOL.to_owned(),
            issuer: ISSUER.to_owned(),
            keys: vec![PublicKey {
                kid: KID.to_owned(),
                n: URL_SAFE_NO_PAD.encode(public.n().to_bytes_be()),
                e: URL_SAFE_NO_PAD.encode(public.e().to_bytes_be()),
            }],
        }]
        .into()
    }
}

fn mock(request_template: &str, response_template: &str) -> Integration {
    Integration {
        kind: IntegrationType::Mock,
        http_method: None,
        uri: None,
        request_parameters: BTreeMap::new(),
        request_templates: [("application/json".to_owned(), request_template.to_owned())].into(),
        passthrough_behavior: PassthroughBehavior::WhenNoMatch,
        timeout_in_millis: 29_000,
        integration_responses: [(
            "200".to_owned(),
            IntegrationResponse {
                status_code: "200".to_owned(),
                selection_pattern: None,
                response_parameters: BTreeMap::new(),
                response_templates: [("application/json".to_owned(), response_template.to_owned())]
                    .into(),
            },
        )]
        .into(),
        version: 1,
    }
}

fn method(auth: bool, integration: Integration) -> Method {
    Method {
        http_method: HttpMethod::Get,
        authorization_type: if auth {
            AuthorizationType::CognitoUserPools
        } else {
            AuthorizationType::None
        },
        authorizer_id: auth.then(|| AuthorizerId::new("auth01")),
        authorization_scopes: Vec::new(),
        api_key_required: false,
        request_parameters: BTreeMap::new(),
        method_responses: [(
            "200".to_owned(),
            MethodResponse {
                status_code: "200".to_owned(),
                response_parameters: BTreeMap::new(),
                response_models: BTreeMap::new(),
            },
        )]
        .into(),
        method_integration: Some(integration),
        version: 1,
    }
}

fn resource(id: &str, path: &str, methods: Vec<Method>) -> Resource {
    Resource {
        id: ResourceId::new(id),
        parent_id: None,
        path_part: None,
        path: path.to_owned(),
        resource_methods: methods.into_iter().map(|m| (m.http_method, m)).collect(),
    }
}

fn snapshot() -> DeploymentSnapshot {
    DeploymentSnapshot {
        format_version: DeploymentSnapshot::FORMAT_VERSION,
        deployment_id: DeploymentId::new("working"),
        description: String::new(),
        created_date: OffsetDateTime::UNIX_EPOCH,
        api: RestApi {
            id: RestApiId::new(API),
            name: "test".to_owned(),
            description: String::new(),
            created_date: OffsetDateTime::UNIX_EPOCH,
            root_resource_id: ResourceId::new("root01"),
        },
        resources: vec![
            resource("root01", "/", vec![]),
            resource(
                "me0001",
                "/me",
                vec![method(
                    true,
                    mock(
                        r#"{"statusCode": 200}"#,
                        r#"{"sub": "$context.authorizer.claims.sub", "stage": "$context.stage", "q": "$input.params('q')"}"#,
                    ),
                )],
            ),
            resource(
                "pets01",
                "/pets/{id}",
                vec![method(
                    false,
                    mock(
                        r#"{"statusCode": 200, "id": "$input.params('id')"}"#,
                        r#"{"pet": "$input.params('id')"}"#,
                    ),
                )],
            ),
            resource(
                "broke1",
                "/broken",
                vec![method(false, mock("{\n  #if($x\n}", "{}"))],
            ),
        ],
        authorizers: vec![Authorizer {
            id: AuthorizerId::new("auth01"),
            name: "pool-authorizer".to_owned(),
            kind: AuthorizerType::CognitoUserPools,
            provider_arns: vec![format!(
                "arn:aws:cognito-idp:us-east-1:000000000000:userpool/{POOL}"
            )],
            identity_source: DEFAULT_IDENTITY_SOURCE.to_owned(),
            identity_validation_expression: None,
            authorizer_result_ttl_in_seconds: 300,
            version: 1,
        }],
    }
}

fn test_request(path: &str, query: &str, headers: &[(&str, &str)]) -> TestRequest {
    TestRequest {
        method: HttpMethod::Get,
        path: path.to_owned(),
        query: query.to_owned(),
        headers: headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        body: String::new(),
    }
}

fn texts(log: &gateway::ExecutionLog) -> Vec<String> {
    log.lines.iter().map(|l| l.text.clone()).collect()
}

#[tokio::test]
async fn test_invoke_with_a_valid_token_logs_every_phase() {
    let token = id_token(pool_key(), SUB);
    let run = test_invoke(
        snapshot(),
        BTreeMap::new(),
        test_request("/me", "q=hello", &[("Authorization", &token)]),
        &Keys,
        now(),
    )
    .await
    .unwrap();

    assert_eq!(run.response.status, 200);
    let body: serde_json::Value = serde_json::from_str(&run.response.body).unwrap();
    assert_eq!(
        body,
        json!({"sub": SUB, "stage": "test-invoke-stage", "q": "hello"})
    );
    assert!(
        run.response
            .headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("x-amzn-requestid"))
    );

    let log = &run.log;
    let authorizer = log.authorizer.as_ref().unwrap();
    assert_eq!(authorizer.authorizer_name, "pool-authorizer");
    let outcome = authorizer.outcome.as_ref().unwrap();
    assert!(outcome.is_allowed());
    assert!(outcome.trace.iter().all(|s| s.passed));
    assert!(outcome.trace.len() >= 8, "{:?}", outcome.trace);
    assert!(
        authorizer
            .claims
            .contains(&("sub".to_owned(), SUB.to_owned()))
    );

    let ireq = log.integration_request.as_ref().unwrap();
    assert_eq!(ireq.integration, "MOCK");
    assert_eq!(ireq.body, r#"{"statusCode": 200}"#);
    assert_eq!(log.integration_response.as_ref().unwrap().status, 200);
    let final_response = log.response.as_ref().unwrap();
    assert_eq!(final_response.status, 200);
    assert_eq!(final_response.body, run.response.body);
    assert!(log.latency > std::time::Duration::ZERO);

    let lines = texts(log);
    assert!(lines[0].starts_with("Starting execution for request: "));
    assert!(lines.contains(&"HTTP Method: GET, Resource Path: /me".to_owned()));
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("Authorizer pool-authorizer: allowed, ")),
        "{lines:#?}"
    );
    assert_eq!(lines.last().unwrap(), "Method completed with status: 200");
    assert_eq!(run.summary.auth.principal(), Some(SUB));
    assert_eq!(run.summary.resource.as_deref(), Some("/me"));
}

#[tokio::test]
async fn test_invoke_without_a_token_stops_at_the_authorizer() {
    let run = test_invoke(
        snapshot(),
        BTreeMap::new(),
        test_request("/me", "", &[]),
        &Keys,
        now(),
    )
    .await
    .unwrap();
    assert_eq!(run.response.status, 401);
    assert_eq!(run.response.body, r#"{"message":"Unauthorized"}"#);
    let outcome = run.log.authorizer.unwrap().outcome.unwrap();
    assert!(!outcome.is_allowed());
    assert_eq!(
        outcome.failed_step().unwrap().check,
        apis::authorizer::Check::IdentitySource
    );
    assert!(run.log.integration_request.is_none());
    assert!(
        matches!(&run.summary.auth, AuthOutcome::Denied { reason } if reason.starts_with("identity_source: ")),
        "{:?}",
        run.summary.auth
    );
}

#[tokio::test]
async fn test_invoke_fills_path_parameters_and_reports_template_errors_with_line_and_column() {
    let run = test_invoke(
        snapshot(),
        BTreeMap::new(),
        test_request("/pets/42", "", &[]),
        &Keys,
        now(),
    )
    .await
    .unwrap();
    assert_eq!(run.response.status, 200);
    assert_eq!(run.response.body, r#"{"pet": "42"}"#);
    assert_eq!(run.summary.resource.as_deref(), Some("/pets/{id}"));
    assert_eq!(run.summary.auth, AuthOutcome::NotRequired);

    let broken = test_invoke(
        snapshot(),
        BTreeMap::new(),
        test_request("/broken", "", &[]),
        &Keys,
        now(),
    )
    .await
    .unwrap();
    assert_eq!(broken.response.status, 500);
    let lines = texts(&broken.log);
    let failure = lines
        .iter()
        .find(|l| l.starts_with("Execution failed due to configuration errors: "))
        .unwrap();
    assert!(failure.contains("request template"), "{failure}");
    assert!(failure.ends_with(" at 3:1"), "{failure}");
}

#[tokio::test]
async fn test_invoke_refuses_what_cannot_be_sent() {
    let bad_path = test_invoke(
        snapshot(),
        BTreeMap::new(),
        test_request("me", "", &[]),
        &Keys,
        now(),
    )
    .await
    .unwrap_err();
    assert_eq!(bad_path.field, "path");
    let bad_header = test_invoke(
        snapshot(),
        BTreeMap::new(),
        test_request("/me", "", &[("bad header", "x")]),
        &Keys,
        now(),
    )
    .await
    .unwrap_err();
    assert_eq!(bad_header.field, "headers");
    let unknown = test_invoke(
        snapshot(),
        BTreeMap::new(),
        test_request("/nowhere", "", &[]),
        &Keys,
        now(),
    )
    .await
    .unwrap();
    assert_eq!(unknown.response.status, 403);
    assert!(
        texts(&unknown.log)
            .iter()
            .any(|l| l.contains("Missing Authentication Token"))
    );
}

fn runtime() -> Runtime {
    Runtime::new(Gateway::compile([StageInput {
        rest_api_id: RestApiId::new(API),
        stage_name: StageName::new("prod"),
        variables: BTreeMap::new(),
        snapshot: snapshot(),
    }]))
}

fn get_me(token: &str) -> Request<Bytes> {
    Request::builder()
        .method("GET")
        .uri(format!("/{API}/prod/me"))
        .header("Authorization", token)
        .body(Bytes::new())
        .unwrap()
}

#[tokio::test]
async fn principal_comes_only_from_verified_claims() {
    let rt = runtime();
    // Same kid, same claims shape, but signed with a key the pool never published.
    let forged = id_token(forger_key(), "attacker-sub");
    let (resp, summary) = rt.serve(get_me(&forged), &Keys).await;
    assert_eq!(resp.status(), 401);
    assert_eq!(summary.auth.principal(), None);
    assert!(
        matches!(&summary.auth, AuthOutcome::Denied { reason } if reason.starts_with("signature: ")),
        "{:?}",
        summary.auth
    );
    assert_eq!(summary.api_id(), Some(API));
    assert_eq!(summary.stage_name(), Some("prod"));
    assert_eq!(summary.resource.as_deref(), Some("/me"));

    let token = id_token(pool_key(), SUB);
    let (resp, summary) = rt.serve(get_me(&token), &Keys).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(
        summary.auth,
        AuthOutcome::Allowed {
            principal: Some(SUB.into()),
            cached: false
        }
    );
    // The cached decision keeps the verified principal.
    let (_, again) = rt.serve(get_me(&token), &Keys).await;
    assert_eq!(
        again.auth,
        AuthOutcome::Allowed {
            principal: Some(SUB.into()),
            cached: true
        }
    );
    // A forged token that reuses the cached token's header but a different payload is a
    // different token: never a cache hit.
    let mut parts: Vec<&str> = token.split('.').collect();
    let forged_payload = URL_SAFE_NO_PAD.encode(
        json!({"sub": "attacker-sub", "iss": ISSUER, "aud": CLIENT, "token_use": "id", "exp": now() + 60})
            .to_string(),
    );
    parts[1] = &forged_payload;
    let (resp, summary) = rt.serve(get_me(&parts.join(".")), &Keys).await;
    assert_eq!(resp.status(), 401);
    assert_eq!(summary.auth.principal(), None);
}

#[tokio::test]
async fn serving_without_a_trace_still_summarises() {
    let rt = runtime();
    let req = Request::builder()
        .method("GET")
        .uri("/nope/prod/me")
        .body(Bytes::new())
        .unwrap();
    let (resp, summary) = rt.serve(req, &Keys).await;
    assert_eq!(resp.status(), 403);
    assert!(summary.stage.is_none());
    let id = summary.request_id.as_str();
    assert_eq!(uuid::Uuid::parse_str(id).unwrap().get_version_num(), 4);
    assert_eq!(
        resp.headers()
            .get("x-amzn-RequestId")
            .unwrap()
            .to_str()
            .unwrap(),
        id
    );
    let (_, other) = rt
        .serve(
            Request::builder()
                .uri("/nope/prod/me")
                .body(Bytes::new())
                .unwrap(),
            &Keys,
        )
        .await;
    assert_ne!(other.request_id, summary.request_id);
}

fn entry(n: u16) -> RecentRequest {
    RecentRequest {
        time_ms: i64::from(n),
        request_id: gateway::RequestId::random(),
        method: http::Method::GET,
        path: "/me".to_owned(),
        resource: Some("/me".into()),
        status: 200,
        latency_ms: 1.0,
        auth: AuthOutcome::NotRequired,
    }
}

#[test]
fn recent_requests_are_bounded_per_stage_and_newest_first() {
    let recent = RecentRequests::with_capacity(3);
    let api = RestApiId::new(API);
    let stage_name = |name: &str| StageName::new(name);
    for n in 1..=5 {
        recent.record(&api, &stage_name("prod"), entry(n));
    }
    recent.record(&api, &stage_name("dev"), entry(9));
    let times: Vec<i64> = recent
        .list(&api, &stage_name("prod"))
        .into_iter()
        .map(|r| r.time_ms)
        .collect();
    assert_eq!(times, [5, 4, 3]);
    assert_eq!(recent.list(&api, &stage_name("dev")).len(), 1);
    assert!(recent.list(&api, &stage_name("other")).is_empty());
    recent.forget(&api, &stage_name("prod"));
    assert!(recent.list(&api, &stage_name("prod")).is_empty());
    recent.record(&api, &stage_name("prod"), entry(7));
    recent.retain(|_, stage| stage == "prod");
    assert_eq!(recent.list(&api, &stage_name("prod")).len(), 1);
    assert!(recent.list(&api, &stage_name("dev")).is_empty());
    assert_eq!(gateway::recent::PER_STAGE, 200);
}

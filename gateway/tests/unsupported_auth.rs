//! Methods whose authorization Gatehouse cannot enforce (AWS_IAM, CUSTOM: kept as imported)
//! fail closed: every request is refused, whatever it carries, as AWS refuses a request that
//! is not signed (IAM) or that its Lambda authorizer rejects (CUSTOM).
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use apis::authorizer::PoolKeys;
use apis::model::{
    AuthorizationType, Authorizer, DeploymentSnapshot, HttpMethod, Integration,
    IntegrationResponse, IntegrationType, Method, MethodResponse, PassthroughBehavior, Resource,
    RestApi,
};
use apis::{DeploymentId, ResourceId, RestApiId, StageName};
use bytes::Bytes;
use gateway::{AuthOutcome, Gateway, KeySource, Runtime, StageInput};
use http::{Request, Response};
use serde_json::json;
use time::OffsetDateTime;

const API: &str = "f1e2d3c4b5";

/// No pool keys: no authorizer may even be consulted for these methods.
#[derive(Default)]
struct NoKeys {
    calls: AtomicUsize,
}

impl KeySource for NoKeys {
    async fn pools_for(
        &self,
        _authorizer: &Authorizer,
        _token: &str,
    ) -> std::sync::Arc<[PoolKeys]> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        std::sync::Arc::default()
    }
}

/// A MOCK method answering 200 `{"open": true}`, so a request that got through would show.
fn method(verb: HttpMethod, authorization_type: AuthorizationType) -> Method {
    Method {
        http_method: verb,
        authorization_type,
        authorizer_id: None,
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
        method_integration: Some(Integration {
            kind: IntegrationType::Mock,
            http_method: None,
            uri: None,
            request_parameters: BTreeMap::new(),
            request_templates: [(
                "application/json".to_owned(),
                r#"{"statusCode": 200}"#.to_owned(),
            )]
            .into(),
            passthrough_behavior: PassthroughBehavior::WhenNoMatch,
            timeout_in_millis: 29_000,
            integration_responses: [(
                "200".to_owned(),
                IntegrationResponse {
                    status_code: "200".to_owned(),
                    selection_pattern: None,
                    response_parameters: BTreeMap::new(),
                    response_templates: [(
                        "application/json".to_owned(),
                        r#"{"open": true}"#.to_owned(),
                    )]
                    .into(),
                },
            )]
            .into(),
            version: 1,
        }),
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

fn runtime() -> Runtime {
    Runtime::new(Gateway::compile([StageInput {
        rest_api_id: RestApiId::new(API),
        stage_name: StageName::new("prod"),
        variables: BTreeMap::new(),
        snapshot: snapshot(),
    }]))
}

fn snapshot() -> DeploymentSnapshot {
    DeploymentSnapshot {
        format_version: DeploymentSnapshot::FORMAT_VERSION,
        deployment_id: DeploymentId::new("dep001"),
        description: String::new(),
        created_date: OffsetDateTime::UNIX_EPOCH,
        api: RestApi {
            id: RestApiId::new(API),
            name: "imported".to_owned(),
            description: String::new(),
            created_date: OffsetDateTime::UNIX_EPOCH,
            root_resource_id: ResourceId::new("root01"),
        },
        resources: vec![
            resource("root01", "/", vec![]),
            resource(
                "iam001",
                "/iam",
                vec![
                    method(HttpMethod::Get, AuthorizationType::AwsIam),
                    method(HttpMethod::Any, AuthorizationType::AwsIam),
                ],
            ),
            resource(
                "lambda",
                "/lambda",
                vec![method(HttpMethod::Get, AuthorizationType::Custom)],
            ),
            resource(
                "open01",
                "/open",
                vec![method(HttpMethod::Get, AuthorizationType::None)],
            ),
            resource(
                "keyed1",
                "/keyed",
                vec![Method {
                    api_key_required: true,
                    ..method(HttpMethod::Get, AuthorizationType::None)
                }],
            ),
        ],
        authorizers: Vec::new(),
    }
}

/// Requests with and without anything that looks like credentials.
fn requests(verb: &str, path: &str) -> Vec<Request<Bytes>> {
    let uri = format!("/{API}/prod{path}");
    vec![
        Request::builder()
            .method(verb)
            .uri(&uri)
            .body(Bytes::new())
            .unwrap(),
        Request::builder()
            .method(verb)
            .uri(&uri)
            .header(
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/us-east-1/execute-api/aws4_request, \
                 SignedHeaders=host;x-amz-date, Signature=0000",
            )
            .header("X-Amz-Date", "20261126T100000Z")
            .header("Content-Type", "application/json")
            .body(Bytes::from_static(b"{}"))
            .unwrap(),
        Request::builder()
            .method(verb)
            .uri(&uri)
            .header("Authorization", "Bearer allow")
            .body(Bytes::new())
            .unwrap(),
    ]
}

fn body(resp: &Response<Bytes>) -> serde_json::Value {
    serde_json::from_slice(resp.body()).unwrap()
}

fn header<'r>(resp: &'r Response<Bytes>, name: &str) -> Option<&'r str> {
    resp.headers().get(name).and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn aws_iam_method_refuses_every_request_with_missing_authentication_token() {
    let rt = runtime();
    let keys = NoKeys::default();
    // GET is the explicit method; POST falls to the ANY method, also AWS_IAM.
    for verb in ["GET", "POST"] {
        for req in requests(verb, "/iam") {
            let (resp, summary) = rt.serve(req, &keys).await;
            assert_eq!(resp.status(), 403, "{verb} /iam");
            assert_eq!(
                body(&resp),
                json!({"message": "Missing Authentication Token"})
            );
            assert_eq!(
                header(&resp, "x-amzn-ErrorType"),
                Some("MissingAuthenticationTokenException")
            );
            assert_eq!(header(&resp, "content-type"), Some("application/json"));
            assert!(header(&resp, "x-amzn-RequestId").is_some());
            assert_eq!(summary.resource.as_deref(), Some("/iam"));
            assert_eq!(
                summary.auth,
                AuthOutcome::Denied {
                    reason: "authorization type AWS_IAM is not supported by Gatehouse".to_owned()
                }
            );
        }
    }
    assert_eq!(keys.calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn custom_method_refuses_every_request_with_unauthorized() {
    let rt = runtime();
    let keys = NoKeys::default();
    for req in requests("GET", "/lambda") {
        let (resp, summary) = rt.serve(req, &keys).await;
        assert_eq!(resp.status(), 401);
        assert_eq!(body(&resp), json!({"message": "Unauthorized"}));
        assert_eq!(
            header(&resp, "x-amzn-ErrorType"),
            Some("UnauthorizedException")
        );
        assert_eq!(
            summary.auth,
            AuthOutcome::Denied {
                reason: "authorization type CUSTOM is not supported by Gatehouse".to_owned()
            }
        );
    }
    assert_eq!(keys.calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn the_execution_log_says_why() {
    let rt = runtime();
    let keys = NoKeys::default();
    let req = requests("GET", "/lambda").remove(0);
    let (resp, _, log) = rt.trace_at(req, &keys, 1_800_000_000).await;
    assert_eq!(resp.status(), 401);
    assert!(
        log.lines
            .iter()
            .any(|l| l.text == "Authorization: CUSTOM is not supported by Gatehouse: refused"),
        "{:?}",
        log.lines
    );
}

/// The control: the same MOCK behind NONE answers.
#[tokio::test]
async fn a_none_method_of_the_same_api_still_answers() {
    let rt = runtime();
    let keys = NoKeys::default();
    for req in requests("GET", "/open") {
        let resp = rt.handle(req, &keys).await;
        assert_eq!(resp.status(), 200);
        assert_eq!(body(&resp), json!({"open": true}));
    }
}

/// Until API keys exist, no request can carry a valid one: 403 Forbidden, as AWS answers a
/// request without a valid key, whatever headers it sends; the console's Test says so too.
#[tokio::test]
async fn api_key_required_method_refuses_every_request_with_forbidden() {
    let rt = runtime();
    let keys = NoKeys::default();
    let mut with_key = requests("GET", "/keyed");
    with_key.push(
        Request::builder()
            .uri(format!("/{API}/prod/keyed"))
            .header("x-api-key", "a-key-that-looks-fine-1234567890")
            .body(Bytes::new())
            .unwrap(),
    );
    for req in with_key {
        let (resp, summary) = rt.serve(req, &keys).await;
        assert_eq!(resp.status(), 403);
        assert_eq!(body(&resp), json!({"message": "Forbidden"}));
        assert_eq!(
            header(&resp, "x-amzn-ErrorType"),
            Some("ForbiddenException")
        );
        assert!(matches!(summary.auth, AuthOutcome::Denied { .. }));
    }
    assert_eq!(keys.calls.load(Ordering::SeqCst), 0);

    let test = gateway::test_invoke(
        snapshot(),
        BTreeMap::new(),
        gateway::TestRequest {
            method: HttpMethod::Get,
            path: "/keyed".to_owned(),
            query: String::new(),
            headers: vec![("x-api-key".to_owned(), "k".to_owned())],
            body: String::new(),
        },
        &keys,
        1_800_000_000,
    )
    .await
    .unwrap();
    assert_eq!(test.response.status, 403);
    assert_eq!(test.response.body, r#"{"message":"Forbidden"}"#);
    assert!(
        test.log
            .lines
            .iter()
            .any(|l| l.text.contains("API key required")),
        "{:?}",
        test.log.lines
    );
}

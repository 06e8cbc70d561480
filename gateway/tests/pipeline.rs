//! End-to-end pipeline tests over an in-memory deployment snapshot, with ID tokens signed by a
//! test RSA key.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
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
use gateway::{Gateway, KeySource, Runtime, StageInput};
use http::{Request, Response};
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

fn private_key() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap())
}

fn pool_keys() -> PoolKeys {
    let public = private_key().to_public_key();
    PoolKeys {
        provider: format!("arn:aws:cognito-idp:us-east-1:000000000000:userpool/{POOL}"),
        pool_id: POOL.to_owned(),
        issuer: ISSUER.to_owned(),
        keys: vec![PublicKey {
            kid: KID.to_owned(),
            n: URL_SAFE_NO_PAD.encode(public.n().to_bytes_be()),
            e: URL_SAFE_NO_PAD.encode(public.e().to_bytes_be()),
        }],
    }
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn id_token(exp: i64) -> String {
    let n = now();
    let claims = json!({
        "sub": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
        "custom:role": "admin",
        "iss": ISSUER,
        "cognito:username": "alice",
        "aud": CLIENT,
        "token_use": "id",
        "auth_time": n - 600,
        "iat": n - 600,
        "exp": exp,
    });
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(KID.to_owned());
    let key = EncodingKey::from_rsa_der(private_key().to_pkcs1_der().unwrap().as_bytes());
    jsonwebtoken::encode(&header, &claims, &key).unwrap()
}

/// Counts how often the pipeline asks for keys.
#[derive(Default)]
struct CountingKeys {
    calls: AtomicUsize,
}

impl KeySource for CountingKeys {
    async fn pools_for(
        &self,
        _authorizer: &Authorizer,
        _token: &str,
    ) -> std::sync::Arc<[PoolKeys]> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        vec![pool_keys()].into()
    }
}

fn mock(
    request_templates: &[(&str, &str)],
    passthrough: PassthroughBehavior,
    responses: Vec<IntegrationResponse>,
) -> Integration {
    Integration {
        kind: IntegrationType::Mock,
        http_method: None,
        uri: None,
        request_parameters: BTreeMap::new(),
        request_templates: request_templates
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        passthrough_behavior: passthrough,
        timeout_in_millis: 29_000,
        integration_responses: responses
            .into_iter()
            .map(|r| (r.status_code.clone(), r))
            .collect(),
        version: 1,
    }
}

fn int_response(
    status: &str,
    pattern: Option<&str>,
    templates: &[(&str, &str)],
) -> IntegrationResponse {
    IntegrationResponse {
        status_code: status.to_owned(),
        selection_pattern: pattern.map(str::to_owned),
        response_parameters: BTreeMap::new(),
        response_templates: templates
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    }
}

fn method(verb: HttpMethod, auth: bool, integration: Integration, statuses: &[&str]) -> Method {
    Method {
        http_method: verb,
        authorization_type: if auth {
            AuthorizationType::CognitoUserPools
        } else {
            AuthorizationType::None
        },
        authorizer_id: auth.then(|| AuthorizerId::new("auth01")),
        authorization_scopes: Vec::new(),
        api_key_required: false,
        request_parameters: BTreeMap::new(),
        method_responses: statuses
            .iter()
            .map(|s| {
                (
                    (*s).to_owned(),
                    MethodResponse {
                        status_code: (*s).to_owned(),
                        response_parameters: [("method.response.header.X-Role".to_owned(), false)]
                            .into(),
                        response_models: BTreeMap::new(),
                    },
                )
            })
            .collect(),
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

const OK_TEMPLATE: &str = r#"{"statusCode": 200}"#;

fn snapshot() -> DeploymentSnapshot {
    let me_response = int_response(
        "200",
        None,
        &[(
            "application/json",
            r#"{"sub": "$context.authorizer.claims.sub", "role": "$context.authorizer.claims['custom:role']", "stage": "$stageVariables.env", "path": "$context.path"}"#,
        )],
    );
    let mut me_response_with_header = me_response.clone();
    me_response_with_header.response_parameters.insert(
        "method.response.header.X-Role".to_owned(),
        "'static-role'".to_owned(),
    );
    let pets = mock(
        &[(
            "application/json",
            r#"{"statusCode": $input.params('code')}"#,
        )],
        PassthroughBehavior::WhenNoMatch,
        vec![
            int_response(
                "200",
                None,
                &[("application/json", r#"{"id": "$input.params('id')"}"#)],
            ),
            int_response(
                "400",
                Some(r"4\d{2}"),
                &[("application/json", r#"{"error": "bad"}"#)],
            ),
        ],
    );
    DeploymentSnapshot {
        format_version: DeploymentSnapshot::FORMAT_VERSION,
        deployment_id: DeploymentId::new("dep001"),
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
                    HttpMethod::Get,
                    true,
                    mock(
                        &[("application/json", OK_TEMPLATE)],
                        PassthroughBehavior::WhenNoMatch,
                        vec![me_response_with_header],
                    ),
                    &["200"],
                )],
            ),
            resource(
                "pets01",
                "/pets/{id}",
                vec![method(HttpMethod::Get, false, pets, &["200", "400"])],
            ),
            resource(
                "never1",
                "/never",
                vec![method(
                    HttpMethod::Post,
                    false,
                    mock(
                        &[("application/json", OK_TEMPLATE)],
                        PassthroughBehavior::Never,
                        vec![int_response("200", None, &[])],
                    ),
                    &["200"],
                )],
            ),
            resource(
                "loop01",
                "/loop",
                vec![method(
                    HttpMethod::Get,
                    false,
                    mock(
                        &[("application/json", OK_TEMPLATE)],
                        PassthroughBehavior::WhenNoMatch,
                        vec![int_response(
                            "200",
                            None,
                            &[("application/json", "#foreach($i in [1..5000])x#end")],
                        )],
                    ),
                    &["200"],
                )],
            ),
            resource(
                "broke1",
                "/broken",
                vec![method(
                    HttpMethod::Get,
                    false,
                    mock(
                        &[("application/json", "{\n  #if($x\n}")],
                        PassthroughBehavior::WhenNoMatch,
                        vec![int_response("200", None, &[])],
                    ),
                    &["200"],
                )],
            ),
        ],
        authorizers: vec![Authorizer {
            id: AuthorizerId::new("auth01"),
            name: "cognito".to_owned(),
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

fn runtime() -> Runtime {
    Runtime::new(Gateway::compile([StageInput {
        rest_api_id: RestApiId::new(API),
        stage_name: StageName::new("prod"),
        variables: [("env".to_owned(), "production".to_owned())].into(),
        snapshot: snapshot(),
    }]))
}

fn get(path: &str) -> http::request::Builder {
    Request::builder().method("GET").uri(path)
}

fn body(resp: &Response<Bytes>) -> serde_json::Value {
    serde_json::from_slice(resp.body()).unwrap()
}

fn header<'r>(resp: &'r Response<Bytes>, name: &str) -> Option<&'r str> {
    resp.headers().get(name).and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn no_token_is_401_unauthorized() {
    let rt = runtime();
    let keys = CountingKeys::default();
    let resp = rt
        .handle(
            get(&format!("/{API}/prod/me")).body(Bytes::new()).unwrap(),
            &keys,
        )
        .await;
    assert_eq!(resp.status(), 401);
    assert_eq!(body(&resp), json!({"message": "Unauthorized"}));
    assert_eq!(
        header(&resp, "x-amzn-ErrorType"),
        Some("UnauthorizedException")
    );
    assert!(header(&resp, "x-amzn-RequestId").is_some());
}

#[tokio::test]
async fn expired_token_is_401_expired() {
    let rt = runtime();
    let keys = CountingKeys::default();
    let token = id_token(now() - 60);
    let resp = rt
        .handle(
            get(&format!("/{API}/prod/me"))
                .header("Authorization", token)
                .body(Bytes::new())
                .unwrap(),
            &keys,
        )
        .await;
    assert_eq!(resp.status(), 401);
    assert_eq!(
        body(&resp),
        json!({"message": "The incoming token has expired"})
    );
}

#[tokio::test]
async fn valid_token_renders_claims_and_is_cached() {
    let rt = runtime();
    let keys = CountingKeys::default();
    let token = id_token(now() + 3600);
    for round in 0..2 {
        let resp = rt
            .handle(
                get(&format!("/{API}/prod/me/"))
                    .header("Authorization", format!("Bearer {token}"))
                    .body(Bytes::new())
                    .unwrap(),
                &keys,
            )
            .await;
        assert_eq!(resp.status(), 200, "round {round}: {:?}", resp.body());
        assert_eq!(
            body(&resp),
            json!({
                "sub": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
                "role": "admin",
                "stage": "production",
                "path": "/prod/me/",
            })
        );
        assert_eq!(header(&resp, "content-type"), Some("application/json"));
        assert_eq!(header(&resp, "x-role"), Some("static-role"));
        assert!(header(&resp, "x-amzn-RequestId").is_some());
    }
    assert_eq!(
        keys.calls.load(Ordering::SeqCst),
        1,
        "second call hit the cache"
    );
}

#[tokio::test]
async fn cache_entry_expires_with_ttl() {
    let rt = runtime();
    let keys = CountingKeys::default();
    let token = id_token(now() + 3600);
    let req = || {
        get(&format!("/{API}/prod/me"))
            .header("Authorization", token.clone())
            .body(Bytes::new())
            .unwrap()
    };
    assert_eq!(rt.handle_at(req(), &keys, now()).await.status(), 200);
    assert_eq!(rt.handle_at(req(), &keys, now() + 10).await.status(), 200);
    assert_eq!(keys.calls.load(Ordering::SeqCst), 1);
    // Past the authorizer's 300 s TTL: the keys are asked again.
    assert_eq!(rt.handle_at(req(), &keys, now() + 301).await.status(), 200);
    assert_eq!(keys.calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn unknown_path_api_stage_or_method_is_403() {
    let rt = runtime();
    let keys = CountingKeys::default();
    for (verb, path) in [
        ("GET", format!("/{API}/prod/nothing")),
        ("GET", format!("/{API}/beta/me")),
        ("GET", "/zzzzzzzzzz/prod/me".to_owned()),
        ("DELETE", format!("/{API}/prod/me")),
        ("GET", format!("/{API}/prod")),
        ("GET", "/".to_owned()),
    ] {
        let resp = rt
            .handle(
                Request::builder()
                    .method(verb)
                    .uri(&path)
                    .body(Bytes::new())
                    .unwrap(),
                &keys,
            )
            .await;
        assert_eq!(resp.status(), 403, "{verb} {path}");
        assert_eq!(
            body(&resp),
            json!({"message": "Missing Authentication Token"})
        );
        assert_eq!(
            header(&resp, "x-amzn-ErrorType"),
            Some("MissingAuthenticationTokenException")
        );
        assert!(header(&resp, "x-amzn-RequestId").is_some());
    }
}

#[tokio::test]
async fn never_passthrough_with_unmatched_content_type_is_415() {
    let rt = runtime();
    let keys = CountingKeys::default();
    let post = |ct: &str| {
        Request::builder()
            .method("POST")
            .uri(format!("/{API}/prod/never"))
            .header("Content-Type", ct)
            .body(Bytes::from_static(b"<a/>"))
            .unwrap()
    };
    let resp = rt.handle(post("application/xml"), &keys).await;
    assert_eq!(resp.status(), 415);
    assert_eq!(body(&resp), json!({"message": "Unsupported Media Type"}));
    let resp = rt
        .handle(post("application/json; charset=UTF-8"), &keys)
        .await;
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn template_over_loop_limit_is_500() {
    let rt = runtime();
    let keys = CountingKeys::default();
    let resp = rt
        .handle(
            get(&format!("/{API}/prod/loop"))
                .body(Bytes::new())
                .unwrap(),
            &keys,
        )
        .await;
    assert_eq!(resp.status(), 500);
    assert_eq!(body(&resp), json!({"message": "Internal server error"}));
}

#[tokio::test]
async fn template_parse_error_is_500_for_that_method_only() {
    let rt = runtime();
    let errors = rt.current().errors();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("/broken"), "{errors:?}");
    assert!(errors[0].contains("at 3:1"), "{errors:?}");
    let keys = CountingKeys::default();
    let resp = rt
        .handle(
            get(&format!("/{API}/prod/broken"))
                .body(Bytes::new())
                .unwrap(),
            &keys,
        )
        .await;
    assert_eq!(resp.status(), 500);
    let resp = rt
        .handle(
            get(&format!("/{API}/prod/pets/7?code=200"))
                .body(Bytes::new())
                .unwrap(),
            &keys,
        )
        .await;
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn mock_status_selects_integration_response() {
    let rt = runtime();
    let keys = CountingKeys::default();
    let call = |code: &str| {
        get(&format!("/{API}/prod/pets/a%20b?code={code}"))
            .body(Bytes::new())
            .unwrap()
    };
    let resp = rt.handle(call("200"), &keys).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(body(&resp), json!({"id": "a b"}));
    let resp = rt.handle(call("404"), &keys).await;
    assert_eq!(resp.status(), 400);
    assert_eq!(body(&resp), json!({"error": "bad"}));
    // 201 matches no pattern: the default (200) response.
    let resp = rt.handle(call("201"), &keys).await;
    assert_eq!(resp.status(), 200);
    // No statusCode at all: 500.
    let resp = rt.handle(call("x"), &keys).await;
    assert_eq!(resp.status(), 500);
}

#[tokio::test]
async fn swap_replaces_the_table() {
    let rt = runtime();
    let keys = CountingKeys::default();
    let req = || {
        get(&format!("/{API}/prod/pets/1?code=200"))
            .body(Bytes::new())
            .unwrap()
    };
    assert_eq!(rt.handle(req(), &keys).await.status(), 200);
    let old = rt.swap(Gateway::default());
    assert_eq!(old.len(), 1);
    assert_eq!(rt.handle(req(), &keys).await.status(), 403);
}

// ----- HTTP and HTTP_PROXY against a local backend ------------------------------------------

/// A tiny HTTP/1.1 backend: echoes the request as JSON; `/slow` answers after 2 s,
/// `/items/missing` is a 404.
async fn backend() -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                let head_end = loop {
                    let n = sock.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        break i + 4;
                    }
                };
                let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
                let mut lines = head.split("\r\n");
                let mut first = lines.next().unwrap_or("").split(' ');
                let method = first.next().unwrap_or("").to_owned();
                let target = first.next().unwrap_or("").to_owned();
                let headers: Vec<(String, String)> = lines
                    .filter_map(|l| l.split_once(':'))
                    .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
                    .collect();
                let len: usize = headers
                    .iter()
                    .find(|(k, _)| k == "content-length")
                    .and_then(|(_, v)| v.parse().ok())
                    .unwrap_or(0);
                while buf.len() < head_end + len {
                    let n = sock.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        break;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                }
                let body = String::from_utf8_lossy(&buf[head_end..]).into_owned();
                if target.starts_with("/slow") {
                    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
                }
                let status = if target.contains("missing") {
                    "404 Not Found"
                } else {
                    "200 OK"
                };
                let get = |n: &str| headers.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
                let out = json!({
                    "method": method,
                    "target": target,
                    "x_test": get("x-test"),
                    "x_client": get("x-client"),
                    "body": body,
                })
                .to_string();
                let resp = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nX-Backend: yes\r\nWWW-Authenticate: Basic\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{out}",
                    out.len()
                );
                let _ = sock.write_all(resp.as_bytes()).await;
            });
        }
    });
    port
}

fn http_integration(kind: IntegrationType, uri: &str, timeout: i32) -> Integration {
    let mut i = mock(&[], PassthroughBehavior::WhenNoMatch, vec![]);
    i.kind = kind;
    i.uri = Some(uri.to_owned());
    i.timeout_in_millis = timeout;
    i
}

fn http_runtime(port: u16) -> Runtime {
    let mut snap = snapshot();
    let mut proxy = http_integration(
        IntegrationType::HttpProxy,
        "http://${stageVariables.backend}/{proxy}",
        29_000,
    );
    proxy.http_method = Some(HttpMethod::Any);
    snap.resources.push(resource(
        "prox01",
        "/proxy/{proxy+}",
        vec![method(HttpMethod::Any, false, proxy, &[])],
    ));
    let mut slow = http_integration(
        IntegrationType::HttpProxy,
        "http://${stageVariables.backend}/slow",
        100,
    );
    slow.http_method = Some(HttpMethod::Get);
    snap.resources.push(resource(
        "slow01",
        "/slow",
        vec![method(HttpMethod::Get, false, slow, &[])],
    ));
    let mut http = http_integration(
        IntegrationType::Http,
        "http://${stageVariables.backend}/items/{itemId}",
        29_000,
    );
    http.http_method = Some(HttpMethod::Post);
    http.request_parameters = [
        (
            "integration.request.path.itemId".to_owned(),
            "method.request.path.id".to_owned(),
        ),
        (
            "integration.request.header.X-Test".to_owned(),
            "'mapped'".to_owned(),
        ),
        (
            "integration.request.querystring.q".to_owned(),
            "method.request.querystring.search".to_owned(),
        ),
    ]
    .into();
    http.request_templates = [(
        "application/json".to_owned(),
        r#"{"wrapped": $input.json('$')}"#.to_owned(),
    )]
    .into();
    let mut ok = int_response(
        "200",
        None,
        &[(
            "application/json",
            "#set($b = $input.path('$'))\n{\"target\": \"$b.target\", \"method\": \"$b.method\", \"sent\": $b.body, \"x_test\": \"$b.x_test\"}",
        )],
    );
    ok.response_parameters.insert(
        "method.response.header.X-Role".to_owned(),
        "integration.response.header.X-Backend".to_owned(),
    );
    http.integration_responses = [
        ("200".to_owned(), ok),
        (
            "404".to_owned(),
            int_response(
                "404",
                Some("404"),
                &[("application/json", r#"{"message": "no such item"}"#)],
            ),
        ),
    ]
    .into();
    snap.resources.push(resource(
        "http01",
        "/http/{id}",
        vec![method(HttpMethod::Get, false, http, &["200", "404"])],
    ));
    Runtime::new(Gateway::compile([StageInput {
        rest_api_id: RestApiId::new(API),
        stage_name: StageName::new("prod"),
        variables: [("backend".to_owned(), format!("127.0.0.1:{port}"))].into(),
        snapshot: snap,
    }]))
}

#[tokio::test]
async fn http_proxy_passes_everything_through() {
    let port = backend().await;
    let rt = http_runtime(port);
    let keys = CountingKeys::default();
    let resp = rt
        .handle(
            Request::builder()
                .method("PUT")
                .uri(format!("/{API}/prod/proxy/a%20b/c?x=1&y=two"))
                .header("X-Client", "hello")
                .body(Bytes::from_static(b"raw body"))
                .unwrap(),
            &keys,
        )
        .await;
    assert_eq!(resp.status(), 200, "{:?}", resp.body());
    let b = body(&resp);
    assert_eq!(b["method"], "PUT");
    assert_eq!(b["target"], "/a%20b/c?x=1&y=two");
    assert_eq!(b["x_client"], "hello");
    assert_eq!(b["body"], "raw body");
    assert_eq!(header(&resp, "x-backend"), Some("yes"));
    assert_eq!(
        header(&resp, "x-amzn-remapped-www-authenticate"),
        Some("Basic")
    );
    assert!(header(&resp, "www-authenticate").is_none());
    assert!(header(&resp, "x-amzn-RequestId").is_some());
}

#[tokio::test]
async fn http_proxy_timeout_is_504() {
    let port = backend().await;
    let rt = http_runtime(port);
    let keys = CountingKeys::default();
    let started = std::time::Instant::now();
    let resp = rt
        .handle(
            get(&format!("/{API}/prod/slow"))
                .body(Bytes::new())
                .unwrap(),
            &keys,
        )
        .await;
    assert_eq!(resp.status(), 504);
    assert_eq!(
        body(&resp),
        json!({"message": "Endpoint request timed out"})
    );
    assert!(started.elapsed() < std::time::Duration::from_millis(1500));
}

#[tokio::test]
async fn http_integration_maps_request_and_response() {
    let port = backend().await;
    let rt = http_runtime(port);
    let keys = CountingKeys::default();
    let resp = rt
        .handle(
            get(&format!("/{API}/prod/http/42?search=cats"))
                .header("Content-Type", "application/json")
                .body(Bytes::from_static(br#"{"a":1}"#))
                .unwrap(),
            &keys,
        )
        .await;
    assert_eq!(resp.status(), 200, "{:?}", resp.body());
    assert_eq!(
        body(&resp),
        json!({
            "target": "/items/42?q=cats",
            "method": "POST",
            "sent": {"wrapped": {"a": 1}},
            "x_test": "mapped",
        })
    );
    assert_eq!(header(&resp, "x-role"), Some("yes"));
    let resp = rt
        .handle(
            get(&format!("/{API}/prod/http/missing"))
                .body(Bytes::new())
                .unwrap(),
            &keys,
        )
        .await;
    assert_eq!(resp.status(), 404);
    assert_eq!(body(&resp), json!({"message": "no such item"}));
}

#[tokio::test]
async fn unreachable_backend_is_500() {
    // Bind then drop: nothing listens on the port any more.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let rt = http_runtime(port);
    let keys = CountingKeys::default();
    let resp = rt
        .handle(
            get(&format!("/{API}/prod/proxy/x"))
                .body(Bytes::new())
                .unwrap(),
            &keys,
        )
        .await;
    assert_eq!(resp.status(), 500);
    assert_eq!(body(&resp), json!({"message": "Internal server error"}));
}

/// A keep-alive HTTP/1.1 backend over raw TCP: answers every request with the request's head,
/// as received, for body, and counts the connections it accepted. `/chunked` answers with a
/// chunked body and a trailer; `/rude` closes the connection after its answer without saying
/// so (as a backend whose keep-alive timeout ran out would).
async fn keep_alive_backend() -> (u16, std::sync::Arc<AtomicUsize>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = std::sync::Arc::new(AtomicUsize::new(0));
    let counter = std::sync::Arc::clone(&accepted);
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let head_end = loop {
                        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                            break i + 4;
                        }
                        let n = sock.read(&mut chunk).await.unwrap_or(0);
                        if n == 0 {
                            return;
                        }
                        buf.extend_from_slice(&chunk[..n]);
                    };
                    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
                    let len: usize = head
                        .lines()
                        .filter_map(|l| l.split_once(':'))
                        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                        .and_then(|(_, v)| v.trim().parse().ok())
                        .unwrap_or(0);
                    while buf.len() < head_end + len {
                        let n = sock.read(&mut chunk).await.unwrap_or(0);
                        if n == 0 {
                            return;
                        }
                        buf.extend_from_slice(&chunk[..n]);
                    }
                    buf.drain(..head_end + len);
                    let target = head.split(' ').nth(1).unwrap_or("").to_owned();
                    let common = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n";
                    let resp = if target.starts_with("/chunked") {
                        let (first, rest) = head.split_at(head.len() / 2);
                        format!(
                            "{common}Transfer-Encoding: chunked\r\n\r\n{:x}\r\n{first}\r\n{:x};ext=1\r\n{rest}\r\n0\r\nX-Trailer: t\r\n\r\n",
                            first.len(),
                            rest.len()
                        )
                    } else {
                        format!("{common}Content-Length: {}\r\n\r\n{head}", head.len())
                    };
                    if sock.write_all(resp.as_bytes()).await.is_err() {
                        return;
                    }
                    if target.starts_with("/rude") {
                        return;
                    }
                }
            });
        }
    });
    (port, accepted)
}

#[tokio::test]
async fn http_proxy_forwards_end_to_end_headers_only_and_reuses_its_connection() {
    let (port, accepted) = keep_alive_backend().await;
    let rt = http_runtime(port);
    let keys = CountingKeys::default();
    for i in 0..5 {
        let resp = rt
            .handle(
                Request::builder()
                    .method(if i % 2 == 0 { "GET" } else { "POST" })
                    .uri(format!("/{API}/prod/proxy/echo/{i}"))
                    .header("Host", "client.example")
                    .header("X-Multi", "one")
                    .header("X-Multi", "two")
                    .header("Connection", "keep-alive")
                    .header("Keep-Alive", "timeout=9")
                    .header("Proxy-Authorization", "Basic c2VjcmV0")
                    .header("TE", "trailers")
                    .header("Upgrade", "websocket")
                    .header("Transfer-Encoding", "chunked")
                    .body(Bytes::from_static(b"payload"))
                    .unwrap(),
                &keys,
            )
            .await;
        assert_eq!(resp.status(), 200, "{:?}", resp.body());
        let head = String::from_utf8(resp.body().to_vec()).unwrap();
        let lower = head.to_ascii_lowercase();
        let method = if i % 2 == 0 { "GET" } else { "POST" };
        assert!(
            head.starts_with(&format!("{method} /echo/{i} HTTP/1.1\r\n")),
            "{head}"
        );
        assert!(
            lower.contains(&format!("\r\nhost: 127.0.0.1:{port}\r\n")),
            "{head}"
        );
        assert!(
            lower.contains("\r\nx-multi: one\r\n") && lower.contains("\r\nx-multi: two\r\n"),
            "every value of a multi-value header: {head}"
        );
        assert!(lower.contains(&format!(
            "\r\nx-amzn-apigateway-api-id: {}\r\n",
            API.to_ascii_lowercase()
        )));
        assert!(lower.contains("\r\ncontent-length: 7\r\n"), "{head}");
        for hop in [
            "connection:",
            "keep-alive:",
            "proxy-authorization:",
            "te:",
            "upgrade:",
            "transfer-encoding:",
        ] {
            assert!(
                !lower.contains(&format!("\r\n{hop}")),
                "{hop} forwarded: {head}"
            );
        }
        // The response: every value of a multi-value header; hop-by-hop headers dropped.
        let cookies: Vec<&str> = resp
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect();
        assert_eq!(cookies, ["a=1", "b=2"]);
        assert_eq!(header(&resp, "content-type"), Some("text/plain"));
        assert!(header(&resp, "connection").is_none());
        assert!(header(&resp, "keep-alive").is_none());
    }
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        1,
        "one keep-alive connection"
    );
}

#[tokio::test]
async fn http_proxy_reads_chunked_responses_and_survives_closed_connections() {
    let (port, accepted) = keep_alive_backend().await;
    let rt = http_runtime(port);
    let keys = CountingKeys::default();
    let call = |method: &'static str, path: &'static str| {
        let rt = &rt;
        let keys = &keys;
        async move {
            rt.handle(
                Request::builder()
                    .method(method)
                    .uri(format!("/{API}/prod/proxy{path}"))
                    .body(Bytes::new())
                    .unwrap(),
                keys,
            )
            .await
        }
    };
    let resp = call("GET", "/chunked").await;
    assert_eq!(resp.status(), 200);
    let text = String::from_utf8(resp.body().to_vec()).unwrap();
    assert!(
        text.starts_with("GET /chunked HTTP/1.1\r\n") && text.ends_with("\r\n\r\n"),
        "{text}"
    );
    assert!(header(&resp, "transfer-encoding").is_none());
    // The chunked answer left the connection reusable.
    assert_eq!(call("GET", "/again").await.status(), 200);
    assert_eq!(accepted.load(Ordering::SeqCst), 1);

    // The backend closes behind the answer: a GET right after goes again on a fresh connection.
    assert_eq!(call("GET", "/rude").await.status(), 200);
    assert_eq!(call("GET", "/after-rude").await.status(), 200);
    assert_eq!(accepted.load(Ordering::SeqCst), 2);
    // Once the close has been seen, the pooled connection is not used even for a POST.
    assert_eq!(call("GET", "/rude").await.status(), 200);
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let resp = call("POST", "/after-rude").await;
    assert_eq!(resp.status(), 200, "{:?}", resp.body());
    assert_eq!(accepted.load(Ordering::SeqCst), 3);
}

#[test]
fn handle_future_is_send() {
    fn assert_send<T: Send>(_: T) {}
    let rt = runtime();
    let keys = CountingKeys::default();
    assert_send(rt.handle(get("/x/y").body(Bytes::new()).unwrap(), &keys));
}

#[tokio::test]
async fn request_template_overrides_reach_the_response() {
    let mut snap = snapshot();
    snap.resources.push(resource(
        "ovr001",
        "/override",
        vec![method(
            HttpMethod::Get,
            false,
            mock(
                &[(
                    "application/json",
                    "#set($context.responseOverride.status = 444)\n#set($context.responseOverride.header.X-Extra = 'yes')\n{\"statusCode\": 200}",
                )],
                PassthroughBehavior::WhenNoMatch,
                vec![int_response(
                    "200",
                    None,
                    &[("application/json", r#"{"seen": "$context.responseOverride.status"}"#)],
                )],
            ),
            &["200"],
        )],
    ));
    let rt = Runtime::new(Gateway::compile([StageInput {
        rest_api_id: RestApiId::new(API),
        stage_name: StageName::new("prod"),
        variables: BTreeMap::new(),
        snapshot: snap,
    }]));
    let keys = CountingKeys::default();
    let resp = rt
        .handle(
            get(&format!("/{API}/prod/override"))
                .body(Bytes::new())
                .unwrap(),
            &keys,
        )
        .await;
    assert_eq!(resp.status(), 444, "{:?}", resp.body());
    assert_eq!(body(&resp), json!({"seen": "444"}));
    assert_eq!(header(&resp, "x-extra"), Some("yes"));
}

/// A straight-line template is rendered by substitution from the request, without the VTL
/// engine; the same template made to run in full (a leading `#set`, whose line it swallows)
/// must give the same bytes, for every `$context` entry the substitution knows.
#[tokio::test]
async fn straight_line_templates_render_as_the_full_engine_does() {
    let mut sources: Vec<String> = vtl::CONTEXT_LEAVES
        .iter()
        .map(|k| format!("$context.{k}"))
        .chain(
            vtl::IDENTITY_LEAVES
                .iter()
                .map(|k| format!("$!{{context.identity.{k}}}")),
        )
        .collect();
    sources.extend(
        [
            "$context.authorizer.claims.sub",
            "$context.authorizer.claims['custom:role']",
            "$context.authorizer.claims.email_verified",
            "$context.authorizer.claims.nope",
            "$context.authorizer.principalId",
            "$stageVariables.env",
            "$stageVariables['missing']",
        ]
        .map(str::to_owned),
    );
    let straight = sources
        .iter()
        .map(|s| format!("{}=[{s}]", s.trim_start_matches(['$', '!'])))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        vtl::Template::parse(&straight)
            .unwrap()
            .straight()
            .is_some()
    );
    let full = format!("#set($unused = 1)\n{straight}");
    assert!(vtl::Template::parse(&full).unwrap().straight().is_none());

    let mut snap = snapshot();
    for (id, path, template) in [
        ("str01", "/straight/{id}", &straight),
        ("ful01", "/full/{id}", &full),
    ] {
        snap.resources.push(resource(
            id,
            path,
            vec![method(
                HttpMethod::Post,
                true,
                mock(
                    &[("application/json", OK_TEMPLATE)],
                    PassthroughBehavior::WhenNoMatch,
                    vec![int_response("200", None, &[("application/json", template)])],
                ),
                &["200"],
            )],
        ));
    }
    let keys = CountingKeys::default();
    let token = id_token(now() + 3600);
    let call = |prefix: &'static str| {
        get(&format!("/{API}/prod/{prefix}/7?q=1"))
            .method("POST")
            .header("Authorization", token.as_str())
            .header("User-Agent", "curl/8.5")
            .header("X-Forwarded-For", "203.0.113.9, 10.0.0.1")
            .body(Bytes::from_static(b"{}"))
            .unwrap()
    };
    let rt = Runtime::new(Gateway::compile([StageInput {
        rest_api_id: RestApiId::new(API),
        stage_name: StageName::new("prod"),
        variables: [("env".to_owned(), "production".to_owned())].into(),
        snapshot: snap,
    }]));
    let now = now();
    let a = rt.handle_at(call("straight"), &keys, now).await;
    let b = rt.handle_at(call("full"), &keys, now).await;
    assert_eq!(a.status(), 200, "{:?}", a.body());
    assert_eq!(b.status(), 200, "{:?}", b.body());
    // Each request has its own id; everything else must match byte for byte.
    let text = |resp: &Response<Bytes>| {
        let id = header(resp, "x-amzn-RequestId").unwrap().to_owned();
        String::from_utf8(resp.body().to_vec())
            .unwrap()
            .replace(&id, "<id>")
            .replace("/straight", "/<p>")
            .replace("/full", "/<p>")
            .replace("str01", "<r>")
            .replace("ful01", "<r>")
    };
    let (a, b) = (text(&a), text(&b));
    assert_eq!(a, b);
    for expected in [
        "context.stage=[prod]",
        "context.httpMethod=[POST]",
        "context.path=[/prod/<p>/7]",
        "context.requestId=[<id>]",
        "context.resourcePath=[/<p>/{id}]",
        "context.protocol=[HTTP/1.1]",
        "{context.identity.sourceIp}=[203.0.113.9]",
        "{context.identity.userAgent}=[curl/8.5]",
        "context.authorizer.claims.sub=[aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee]",
        "context.authorizer.claims['custom:role']=[admin]",
        "context.authorizer.principalId=[aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee]",
        "stageVariables.env=[production]",
        "stageVariables['missing']=[]",
        &format!("context.requestTimeEpoch=[{}]", now * 1000),
    ] {
        assert!(a.contains(expected), "{expected} missing from:\n{a}");
    }
    let time = a
        .lines()
        .find_map(|l| l.strip_prefix("context.requestTime=["))
        .unwrap();
    // `26/Nov/2026:12:00:00 +0000`
    assert_eq!(time.len(), "26/Nov/2026:12:00:00 +0000]".len(), "{time}");
    assert!(time.ends_with(" +0000]"), "{time}");
}

/// A backend answering more than API Gateway's 10 MB payload limit fails the call (500) before
/// the gateway has buffered it all, however the body is delimited; exactly 10 MB goes through.
#[tokio::test]
async fn backend_bodies_over_10_mb_are_refused() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    const LIMIT: usize = 10 * 1024 * 1024;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    if sock.read(&mut byte).await.unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                let target = head.split(' ').nth(1).unwrap_or("").to_owned();
                let block = vec![b'x'; 64 * 1024];
                // Stop writing as soon as the gateway hangs up.
                let mut send = async |bytes: &[u8]| sock.write_all(bytes).await.is_ok();
                match target.as_str() {
                    "/exact" | "/length" => {
                        let n = if target == "/exact" { LIMIT } else { LIMIT + 1 };
                        let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {n}\r\n\r\n");
                        if !send(head.as_bytes()).await {
                            return;
                        }
                        let mut left = n;
                        while left > 0 {
                            let k = left.min(block.len());
                            if !send(&block[..k]).await {
                                return;
                            }
                            left -= k;
                        }
                    }
                    "/chunked" => {
                        if !send(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n").await {
                            return;
                        }
                        for _ in 0..=LIMIT / block.len() {
                            let chunk = format!("{:x}\r\n", block.len());
                            if !(send(chunk.as_bytes()).await
                                && send(&block).await
                                && send(b"\r\n").await)
                            {
                                return;
                            }
                        }
                        send(b"0\r\n\r\n").await;
                    }
                    _ => {
                        // No length: the body ends when the connection closes.
                        if !send(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n").await {
                            return;
                        }
                        for _ in 0..=LIMIT / block.len() {
                            if !send(&block).await {
                                return;
                            }
                        }
                    }
                }
            });
        }
    });
    let rt = http_runtime(port);
    let keys = CountingKeys::default();
    for (path, status) in [
        ("exact", 200),
        ("length", 500),
        ("chunked", 500),
        ("close", 500),
    ] {
        let resp = rt
            .handle(
                get(&format!("/{API}/prod/proxy/{path}"))
                    .body(Bytes::new())
                    .unwrap(),
                &keys,
            )
            .await;
        assert_eq!(resp.status(), status, "{path}");
        if status == 200 {
            assert_eq!(resp.body().len(), LIMIT);
        } else {
            assert_eq!(body(&resp), json!({"message": "Internal server error"}));
        }
    }
}

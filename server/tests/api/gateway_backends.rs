//! HTTP and HTTP_PROXY integrations through the running gateway listener, against a real axum
//! backend spawned inside the test on 127.0.0.1:0: templates both ways, parameter mappings
//! (claims, static values, query strings, headers, paths), `{proxy}` / `{param}` substitution,
//! stage variables in URIs, timeouts, an unreachable backend, 5 MB and binary bodies.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use apis::model::{
    AuthorizationType, AuthorizerSettings, HttpMethod, IntegrationResponseSettings,
    IntegrationSettings, IntegrationType, MethodResponseSettings, MethodSettings,
};
use apis::{AuthorizerId, ResourceId, RestApiId, StageName};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Query};
use axum::http::{HeaderMap, Method, StatusCode as AxumStatus, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, identity_of, resource, spawn_app, start_gateway};

// ----- the backend ---------------------------------------------------------------------------

/// A real axum backend: `/echo/*` describes the request as JSON (404 when the path says
/// `missing`), `/raw/*` sends the body back byte for byte with what it saw in `x-echo-*`
/// headers, `/slow` answers after 3 s.
async fn backend() -> SocketAddr {
    let app = Router::new()
        .route("/echo/{*rest}", any(echo))
        .route("/raw/{*rest}", any(raw))
        .route("/slow", any(slow))
        .layer(DefaultBodyLimit::max(16 * 1024 * 1024));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("backend binds");
    let addr = listener.local_addr().expect("backend address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

fn header(headers: &HeaderMap, name: &str) -> Value {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map_or(Value::Null, |v| Value::String(v.to_owned()))
}

async fn echo(
    method: Method,
    uri: Uri,
    Query(query): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let sent = serde_json::from_slice::<Value>(&body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned()));
    let status = if uri.path().contains("missing") {
        AxumStatus::NOT_FOUND
    } else {
        AxumStatus::OK
    };
    let described = json!({
        "method": method.as_str(),
        "path": uri.path(),
        "query": query,
        "tenant": header(&headers, "x-tenant"),
        "version": header(&headers, "x-api-version"),
        "trace": header(&headers, "x-trace"),
        "agent": header(&headers, "user-agent"),
        "contentType": header(&headers, "content-type"),
        "body": sent,
    });
    (
        status,
        [("content-type", "application/json"), ("x-backend", "echo")],
        described.to_string(),
    )
        .into_response()
}

async fn raw(method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let status = headers
        .get("x-want-status")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u16>().ok())
        .and_then(|s| AxumStatus::from_u16(s).ok())
        .unwrap_or(AxumStatus::OK);
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    let mut resp = (status, body).into_response();
    let out = resp.headers_mut();
    let pairs = [
        ("content-type", text("content-type")),
        ("x-echo-method", method.to_string()),
        ("x-echo-target", uri.to_string()),
        ("x-echo-sub", text("x-user-sub")),
        ("x-echo-version", text("x-api-version")),
        ("x-echo-custom", text("x-custom")),
        ("www-authenticate", "Basic realm=\"backend\"".to_owned()),
    ];
    for (name, value) in pairs {
        if let Ok(v) = value.parse() {
            out.insert(name, v);
        }
    }
    resp
}

async fn slow() -> &'static str {
    tokio::time::sleep(Duration::from_secs(3)).await;
    "too late"
}

// ----- the API -------------------------------------------------------------------------------

struct Fixture {
    /// Kept alive: the gateway's database.
    _app: TestApp,
    api_id: String,
    /// `http://{gateway}/{api}/prod`
    base: String,
    id_token: String,
    /// The `sub` claim of `id_token`.
    sub: String,
    http: reqwest::Client,
}

async fn call(idp: &identity::Identity, action: &str, body: Value) -> Value {
    idp.dispatch(action, body.to_string().as_bytes(), true)
        .await
        .unwrap_or_else(|e| panic!("{action}: {e:?}"))
}

/// A pool user `dana` (custom:tenant = acme) and their ID token; returns (pool arn, client id,
/// token).
async fn user(idp: &identity::Identity) -> (String, String, String) {
    let pool = call(
        idp,
        "CreateUserPool",
        json!({"PoolName": "backends", "Schema": [{"Name": "tenant", "AttributeDataType": "String", "Mutable": true}]}),
    )
    .await;
    let pool_id = pool["UserPool"]["Id"].as_str().expect("id").to_owned();
    let arn = pool["UserPool"]["Arn"].as_str().expect("arn").to_owned();
    let client = call(
        idp,
        "CreateUserPoolClient",
        json!({"UserPoolId": pool_id, "ClientName": "web", "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}),
    )
    .await;
    let client_id = client["UserPoolClient"]["ClientId"]
        .as_str()
        .expect("client")
        .to_owned();
    call(
        idp,
        "SignUp",
        json!({"ClientId": client_id, "Username": "dana", "Password": "Backend-Passw0rd!", "UserAttributes": [{"Name": "custom:tenant", "Value": "acme"}]}),
    )
    .await;
    call(
        idp,
        "AdminConfirmSignUp",
        json!({"UserPoolId": pool_id, "Username": "dana"}),
    )
    .await;
    let auth = call(
        idp,
        "InitiateAuth",
        json!({"ClientId": client_id, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": "dana", "PASSWORD": "Backend-Passw0rd!"}}),
    )
    .await;
    let token = auth["AuthenticationResult"]["IdToken"]
        .as_str()
        .expect("id token")
        .to_owned();
    (arn, client_id, token)
}

/// An integration and method response: (status, selection pattern, template, response
/// parameters).
type ResponseSpec<'a> = (
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
    &'a [(&'a str, &'a str)],
);

/// One method with its integration; `responses` are (status, selection pattern, template,
/// response parameters) for integration and method responses alike.
#[allow(clippy::too_many_arguments)]
async fn method(
    pool: &sqlx::PgPool,
    api_id: &RestApiId,
    resource_id: &ResourceId,
    verb: HttpMethod,
    authorizer: Option<&AuthorizerId>,
    integration: IntegrationSettings,
    responses: &[ResponseSpec<'_>],
) {
    let mut settings = match authorizer {
        Some(id) => MethodSettings {
            authorization_type: AuthorizationType::CognitoUserPools,
            authorizer_id: Some(id.clone()),
            ..Default::default()
        },
        None => MethodSettings::default(),
    };
    // As on AWS, a mapping may only read the request parameters the method declares.
    settings.request_parameters = integration
        .request_parameters
        .values()
        .filter(|v| v.starts_with("method.request."))
        .map(|v| (v.clone(), v.starts_with("method.request.path.")))
        .collect();
    apis::store::put_method(pool, api_id, resource_id, verb, &settings)
        .await
        .expect("method");
    apis::store::put_integration(pool, api_id, resource_id, verb, &integration)
        .await
        .expect("integration");
    for (status, pattern, template, params) in responses {
        apis::store::put_method_response(
            pool,
            api_id,
            resource_id,
            verb,
            status,
            &MethodResponseSettings {
                response_parameters: params
                    .iter()
                    .map(|(k, _)| ((*k).to_owned(), false))
                    .collect(),
                ..Default::default()
            },
        )
        .await
        .expect("method response");
        apis::store::put_integration_response(
            pool,
            api_id,
            resource_id,
            verb,
            status,
            &IntegrationResponseSettings {
                selection_pattern: pattern.map(str::to_owned),
                response_parameters: params
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect(),
                response_templates: template
                    .map(|t| [("application/json".to_owned(), t.to_owned())].into())
                    .unwrap_or_default(),
            },
        )
        .await
        .expect("integration response");
    }
}

fn integration(
    kind: IntegrationType,
    verb: HttpMethod,
    uri: &str,
    parameters: &[(&str, &str)],
) -> IntegrationSettings {
    let mut i = IntegrationSettings::http(kind, verb, uri);
    i.request_parameters = parameters
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    i
}

/// The order backend's response, rendered by the 200 integration response.
const ORDER_RESPONSE: &str = r#"#set($b = $input.path('$'))
{"stage": "$context.stage", "method": "$b.method", "path": "$b.path", "query": $input.json('$.query'), "tenant": "$b.tenant", "version": "$b.version", "trace": "$b.trace", "agent": "$b.agent", "sent": $input.json('$.body')}"#;

const ORDER_REQUEST: &str = r#"{"order": "$input.params('id')", "qty": $input.json('$.qty'), "by": "$context.authorizer.claims['cognito:username']"}"#;

/// An API deployed to `prod` (stage variables `backend` and `down`) and served by a gateway
/// listener of its own:
/// - `POST /orders/{id}`: HTTP with templates both ways and parameter mappings (authorizer);
/// - `ANY /files/{proxy+}`: HTTP_PROXY to `/raw/{proxy}` (authorizer, claim and static headers);
/// - `GET /items/{id}`: HTTP_PROXY to `/raw/items/{id}/detail`;
/// - `POST /blob`: HTTP without templates (passthrough both ways);
/// - `GET /slow`, `GET /slow-proxy`: 300 ms timeouts against a 3 s backend;
/// - `GET /down`, `GET /down-proxy`: a port nobody listens on.
async fn fixture() -> Fixture {
    let app = spawn_app().await;
    let console = format!("http://{}", app.addr);
    let idp = identity_of(&app);
    let (arn, client_id, id_token) = user(&idp).await;
    let backend = backend().await;
    // A port that was free a moment ago: connections to it are refused.
    let down = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port");

    let db = &app.pool;
    let api = apis::store::create_rest_api(db, "Backends", "")
        .await
        .expect("api");
    let root = api.root_resource_id.clone();
    let mut settings = AuthorizerSettings::new("Pool", &[&arn]);
    settings.identity_validation_expression = Some(client_id);
    let authorizer = apis::store::create_authorizer(db, &api.id, &settings)
        .await
        .expect("authorizer");
    let auth = Some(&authorizer.id);

    let mut orders = integration(
        IntegrationType::Http,
        HttpMethod::Post,
        "http://${stageVariables.backend}/echo/orders/{orderId}",
        &[
            ("integration.request.path.orderId", "method.request.path.id"),
            (
                "integration.request.querystring.q",
                "method.request.querystring.search",
            ),
            (
                "integration.request.querystring.user",
                "context.authorizer.claims.cognito:username",
            ),
            (
                "integration.request.header.X-Tenant",
                "context.authorizer.claims.custom:tenant",
            ),
            ("integration.request.header.X-Api-Version", "'v1'"),
            (
                "integration.request.header.X-Trace",
                "method.request.header.X-Trace-Id",
            ),
        ],
    );
    orders
        .request_templates
        .insert("application/json".into(), ORDER_REQUEST.into());
    let id = resource(db, &api.id, &root, "/orders/{id}").await;
    method(
        db,
        &api.id,
        &id,
        HttpMethod::Post,
        auth,
        orders,
        &[
            (
                "200",
                None,
                Some(ORDER_RESPONSE),
                &[(
                    "method.response.header.X-Backend",
                    "integration.response.header.X-Backend",
                )],
            ),
            (
                "404",
                Some("404"),
                Some(r#"{"message": "no order $input.params('id')"}"#),
                &[],
            ),
        ],
    )
    .await;

    let files = integration(
        IntegrationType::HttpProxy,
        HttpMethod::Any,
        "http://${stageVariables.backend}/raw/{proxy}",
        &[
            (
                "integration.request.header.X-User-Sub",
                "context.authorizer.claims.sub",
            ),
            ("integration.request.header.X-Api-Version", "'v2'"),
        ],
    );
    let id = resource(db, &api.id, &root, "/files/{proxy+}").await;
    method(db, &api.id, &id, HttpMethod::Any, auth, files, &[]).await;

    let items = integration(
        IntegrationType::HttpProxy,
        HttpMethod::Get,
        "http://${stageVariables.backend}/raw/items/{id}/detail",
        &[("integration.request.path.id", "method.request.path.id")],
    );
    let id = resource(db, &api.id, &root, "/items/{id}").await;
    method(db, &api.id, &id, HttpMethod::Get, None, items, &[]).await;

    let blob = integration(
        IntegrationType::Http,
        HttpMethod::Post,
        "http://${stageVariables.backend}/raw/blob",
        &[],
    );
    let id = resource(db, &api.id, &root, "/blob").await;
    let ok: &[ResponseSpec<'_>] = &[("200", None, None, &[])];
    method(db, &api.id, &id, HttpMethod::Post, None, blob, ok).await;

    for (path, kind, uri) in [
        (
            "/slow",
            IntegrationType::Http,
            "http://${stageVariables.backend}/slow",
        ),
        (
            "/slow-proxy",
            IntegrationType::HttpProxy,
            "http://${stageVariables.backend}/slow",
        ),
        (
            "/down",
            IntegrationType::Http,
            "http://${stageVariables.down}/anything",
        ),
        (
            "/down-proxy",
            IntegrationType::HttpProxy,
            "http://${stageVariables.down}/anything",
        ),
    ] {
        let mut i = integration(kind, HttpMethod::Get, uri, &[]);
        i.timeout_in_millis = Some(300);
        let id = resource(db, &api.id, &root, path).await;
        let responses = if kind == IntegrationType::Http {
            ok
        } else {
            &[]
        };
        method(db, &api.id, &id, HttpMethod::Get, None, i, responses).await;
    }

    apis::store::create_deployment(db, &api.id, "backends", Some(&StageName::new("prod")), None)
        .await
        .expect("deploy");
    let variables: BTreeMap<String, String> = [
        ("backend".to_owned(), backend.to_string()),
        ("down".to_owned(), down.to_string()),
    ]
    .into();
    apis::store::update_stage(db, &api.id, &StageName::new("prod"), "", &variables)
        .await
        .expect("stage variables");

    let gateway_addr = start_gateway(db, idp, &console).await;
    let base = format!("http://{}/{}/prod", gateway_addr, api.id);
    let sub = token_claim(&id_token, "sub");
    Fixture {
        _app: app,
        api_id: api.id.into(),
        base,
        id_token,
        sub,
        http: reqwest::Client::new(),
    }
}

fn token_claim(token: &str, claim: &str) -> String {
    use base64::Engine;
    let payload = token.split('.').nth(1).expect("a JWT");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url");
    let claims: Value = serde_json::from_slice(&bytes).expect("claims");
    claims[claim].as_str().expect("claim").to_owned()
}

/// Bytes that are not UTF-8 anywhere: every byte value, lone continuation bytes, truncated
/// sequences and 0xFF, repeated to `len`.
fn binary(len: usize) -> Vec<u8> {
    let pattern: Vec<u8> = (0..=255u8)
        .chain([0x80, 0xBF, 0xC3, 0x28, 0xE2, 0x82, 0xFF, 0xFE, 0x00])
        .collect();
    pattern.iter().copied().cycle().take(len).collect()
}

// ----- the tests -----------------------------------------------------------------------------

#[tokio::test]
async fn http_integration_renders_templates_both_ways_with_parameter_mappings() {
    let f = fixture().await;
    let res = f
        .http
        .post(format!("{}/orders/42?search=red%20shoes", f.base))
        .header("Authorization", &f.id_token)
        .header("X-Trace-Id", "trace-1")
        .header("Content-Type", "application/json")
        .body(r#"{"qty": 3, "note": "dropped by the template"}"#)
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["x-backend"],
        "echo",
        "a mapped response header"
    );
    assert!(res.headers().contains_key("x-amzn-requestid"));
    let body: Value = res.json().await.expect("json");
    assert_eq!(
        body,
        json!({
            "stage": "prod",
            "method": "POST",
            // {orderId} from the path parameter; the host from the stage variable.
            "path": "/echo/orders/42",
            // A query string mapping and a claim mapping.
            "query": {"q": "red shoes", "user": "dana"},
            // A custom-attribute claim, a static value and a request header.
            "tenant": "acme",
            "version": "v1",
            "trace": "trace-1",
            "agent": format!("AmazonAPIGateway_{}", f.api_id),
            // What the request template made of the client's body.
            "sent": {"order": "42", "qty": 3, "by": "dana"},
        })
    );

    // The backend's 404 selects the 404 integration response and its template.
    let res = f
        .http
        .post(format!("{}/orders/missing", f.base))
        .header("Authorization", &f.id_token)
        .header("Content-Type", "application/json")
        .body(r#"{"qty": 1}"#)
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        res.json::<Value>().await.expect("json"),
        json!({"message": "no order missing"})
    );

    // The authorizer still guards the HTTP integration.
    let res = f
        .http
        .post(format!("{}/orders/42", f.base))
        .header("Content-Type", "application/json")
        .body(r#"{"qty": 1}"#)
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn http_proxy_substitutes_the_path_and_passes_the_request_and_response_through() {
    let f = fixture().await;
    let res = f
        .http
        .put(format!("{}/files/a/b%20c/report.txt?x=1&y=two", f.base))
        .header("Authorization", &f.id_token)
        .header("X-Custom", "kept")
        .header("X-Want-Status", "201")
        .header("Content-Type", "text/plain")
        .body("hello backend")
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::CREATED, "the backend's status");
    let h = res.headers().clone();
    assert_eq!(h["x-echo-method"], "PUT");
    // {proxy} spans segments and keeps its encoding; the query string passes through.
    assert_eq!(h["x-echo-target"], "/raw/a/b%20c/report.txt?x=1&y=two");
    assert_eq!(h["x-echo-custom"], "kept", "client headers pass through");
    assert_eq!(
        h["x-echo-sub"],
        f.sub.as_str(),
        "a claim mapped to a header"
    );
    assert_eq!(
        h["x-echo-version"], "v2",
        "a static value mapped to a header"
    );
    assert_eq!(h["content-type"], "text/plain");
    // As on AWS, the backend's WWW-Authenticate is remapped, not passed as it is.
    assert!(!h.contains_key("www-authenticate"));
    assert_eq!(
        h["x-amzn-remapped-www-authenticate"],
        "Basic realm=\"backend\""
    );
    assert!(h.contains_key("x-amzn-requestid"));
    assert_eq!(res.text().await.expect("body"), "hello backend");

    // A named {param} in the integration URI.
    let res = f
        .http
        .get(format!("{}/items/sku-7", f.base))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["x-echo-target"], "/raw/items/sku-7/detail");
    assert_eq!(res.headers()["x-echo-method"], "GET");

    // Backend errors come back as they are.
    let res = f
        .http
        .get(format!("{}/items/gone", f.base))
        .header("X-Want-Status", "503")
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);

    let res = f
        .http
        .get(format!("{}/files/x", f.base))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "no token");
}

#[tokio::test]
async fn a_slow_backend_times_out_with_504_and_a_dead_one_is_a_500() {
    let f = fixture().await;
    for path in ["/slow", "/slow-proxy"] {
        let res = f
            .http
            .get(format!("{}{path}", f.base))
            .send()
            .await
            .expect("request");
        assert_eq!(res.status(), StatusCode::GATEWAY_TIMEOUT, "{path}");
        assert_eq!(
            res.headers()["x-amzn-errortype"],
            "InternalServerErrorException"
        );
        assert!(res.headers().contains_key("x-amzn-requestid"));
        assert_eq!(
            res.json::<Value>().await.expect("json"),
            json!({"message": "Endpoint request timed out"}),
            "{path}"
        );
    }
    // Connection refused: API Gateway's configuration-error answer (reference §1.12,
    // API_CONFIGURATION_ERROR / INTEGRATION_FAILURE as the gateway crate maps it).
    for path in ["/down", "/down-proxy"] {
        let res = f
            .http
            .get(format!("{}{path}", f.base))
            .send()
            .await
            .expect("request");
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR, "{path}");
        assert_eq!(
            res.headers()["x-amzn-errortype"],
            "InternalServerErrorException"
        );
        assert_eq!(
            res.json::<Value>().await.expect("json"),
            json!({"message": "Internal server error"}),
            "{path}"
        );
    }
}

#[tokio::test]
async fn five_megabyte_and_binary_bodies_arrive_intact_both_ways() {
    let f = fixture().await;

    // Binary (not UTF-8) through HTTP_PROXY, small and 5 MB.
    for len in [1024, 5 * 1024 * 1024] {
        let sent = binary(len);
        let res = f
            .http
            .post(format!("{}/files/upload.bin", f.base))
            .header("Authorization", &f.id_token)
            .header("Content-Type", "application/octet-stream")
            .body(sent.clone())
            .send()
            .await
            .expect("request");
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["content-type"], "application/octet-stream");
        let got = res.bytes().await.expect("body");
        assert_eq!(got.len(), sent.len(), "{len} bytes");
        assert!(got[..] == sent[..], "the {len} bytes came back changed");
    }

    // 5 MB of JSON through an HTTP integration without templates (passthrough both ways).
    let item = r#"{"id":12345,"name":"gatehouse","tags":["a","b","c"]},"#;
    let mut sent = String::from("[");
    while sent.len() < 5 * 1024 * 1024 {
        sent.push_str(item);
    }
    sent.push_str("null]");
    let res = f
        .http
        .post(format!("{}/blob", f.base))
        .header("Content-Type", "application/json")
        .body(sent.clone())
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::OK);
    let got = res.text().await.expect("body");
    assert_eq!(got.len(), sent.len());
    assert!(got == sent, "the 5 MB JSON came back changed");
}

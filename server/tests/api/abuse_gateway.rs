//! The gateway tried as an attacker would (issue 12), over real HTTP against the running
//! gateway listener and an in-process backend that records every request it receives:
//! path parameters that try to walk out of the integration's path, methods that require an
//! API key, the console's session cookie, the authorizer cache's bound, and slow templates.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use apis::model::{
    AuthorizationType, AuthorizerSettings, HttpMethod, IntegrationResponseSettings,
    IntegrationSettings, IntegrationType, MethodSettings,
};
use apis::{RestApiId, StageName};
use axum::Router;
use axum::http::{HeaderMap, Uri};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{
    ADMIN_PASSWORD, TestApp, identity_of, idp_call, pool_user, resource, session_cookie, spawn_app,
    start_gateway,
};

// ----- the recording backend -----------------------------------------------------------------

/// What the backend received: the request target as sent and its `Cookie` headers.
#[derive(Debug, Clone)]
struct Seen {
    target: String,
    cookies: Vec<String>,
}

type Log = Arc<Mutex<Vec<Seen>>>;

/// A backend answering 200 `{"target": ...}` to anything, recording what it saw.
async fn recording_backend() -> (SocketAddr, Log) {
    let log: Log = Arc::default();
    let seen = Arc::clone(&log);
    let app = Router::new().fallback(move |uri: Uri, headers: HeaderMap| {
        let seen = Arc::clone(&seen);
        async move {
            let cookies = headers
                .get_all("cookie")
                .iter()
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .collect();
            let target = uri.to_string();
            seen.lock().expect("log").push(Seen {
                target: target.clone(),
                cookies,
            });
            axum::Json(json!({ "target": target }))
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("backend binds");
    let addr = listener.local_addr().expect("backend address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (addr, log)
}

fn targets(log: &Log) -> Vec<String> {
    log.lock()
        .expect("log")
        .iter()
        .map(|s| s.target.clone())
        .collect()
}

/// One request written by hand, so that no client normalizes `..` or `%2e%2e` away first:
/// (status, body).
async fn raw_get(addr: SocketAddr, target: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let mut request = format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).await.expect("read");
    let reply = String::from_utf8_lossy(&reply).into_owned();
    let status = reply
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {reply:?}"));
    let body = reply
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

// ----- building the API ----------------------------------------------------------------------

/// A method at `path` with `integration`; a 200 method and integration response (with
/// `response_template`, if any) unless it is a proxy.
async fn method(
    app: &TestApp,
    api_id: &RestApiId,
    path: &str,
    mut settings: MethodSettings,
    integration: IntegrationSettings,
    response_template: Option<&str>,
) {
    let db = &app.pool;
    let root = apis::store::get_rest_api(db, api_id)
        .await
        .expect("api")
        .root_resource_id;
    let id = resource(db, api_id, &root, path).await;
    // As on AWS, a mapping may only read the request parameters the method declares.
    settings.request_parameters = integration
        .request_parameters
        .values()
        .filter(|v| v.starts_with("method.request."))
        .map(|v| (v.clone(), v.starts_with("method.request.path.")))
        .collect();
    let verb = HttpMethod::Get;
    let proxy = integration.kind == IntegrationType::HttpProxy;
    apis::store::put_method(db, api_id, &id, verb, &settings)
        .await
        .expect("method");
    apis::store::put_integration(db, api_id, &id, verb, &integration)
        .await
        .expect("integration");
    if proxy {
        return;
    }
    apis::store::put_method_response(db, api_id, &id, verb, "200", &Default::default())
        .await
        .expect("method response");
    let templates = response_template
        .map(|t| [("application/json".to_owned(), t.to_owned())].into())
        .unwrap_or_default();
    apis::store::put_integration_response(
        db,
        api_id,
        &id,
        verb,
        "200",
        &IntegrationResponseSettings {
            response_templates: templates,
            ..Default::default()
        },
    )
    .await
    .expect("integration response");
}

fn http(kind: IntegrationType, uri: &str, parameters: &[(&str, &str)]) -> IntegrationSettings {
    let mut i = IntegrationSettings::http(kind, HttpMethod::Get, uri);
    i.request_parameters = parameters
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    i
}

fn mock() -> IntegrationSettings {
    let mut i = IntegrationSettings::mock();
    i.request_templates
        .insert("application/json".into(), r#"{"statusCode": 200}"#.into());
    i
}

/// Deploys `api_id` to `prod` with `variables`; returns the gateway's base URL for it.
async fn deploy(
    app: &TestApp,
    api_id: &RestApiId,
    variables: &[(&str, &str)],
) -> (SocketAddr, String) {
    apis::store::create_deployment(
        &app.pool,
        api_id,
        "abuse",
        Some(&StageName::new("prod")),
        None,
    )
    .await
    .expect("deploy");
    let variables: BTreeMap<String, String> = variables
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    apis::store::update_stage(&app.pool, api_id, &StageName::new("prod"), "", &variables)
        .await
        .expect("stage variables");
    let console = format!("http://{}", app.addr);
    let addr = start_gateway(&app.pool, identity_of(app), &console).await;
    (addr, format!("/{api_id}/prod"))
}

async fn new_api(app: &TestApp) -> RestApiId {
    apis::store::create_rest_api(&app.pool, "Abuse", "")
        .await
        .expect("api")
        .id
}

// ----- 1. path parameters stay inside the integration's path ---------------------------------

/// `text` with `%XX` escapes decoded once (bytes as Latin-1: only dots matter here).
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(char::from(b));
                i += 3;
            }
            (b, _) => {
                out.push(char::from(b));
                i += 1;
            }
        }
    }
    out
}

/// Every path the backend received lies under one of `prefixes`, and none of its segments is
/// `.` or `..`, as sent or decoded once.
fn assert_contained(log: &Log, prefixes: &[&str]) {
    for target in targets(log) {
        let path = target.split('?').next().unwrap_or("");
        assert!(
            prefixes.iter().any(|p| path.starts_with(p)),
            "the backend was reached outside the integration's path: {target}"
        );
        for segment in path.split('/') {
            let decoded = percent_decoded(segment);
            assert!(
                !matches!(decoded.as_str(), "." | ".."),
                "a dot segment reached the backend: {target}"
            );
        }
    }
}

#[tokio::test]
async fn path_parameters_never_leave_the_integration_path() {
    let app = spawn_app().await;
    let (backend, log) = recording_backend().await;
    let api = new_api(&app).await;
    let none = MethodSettings::default;
    let by_id = [("integration.request.path.id", "method.request.path.id")];
    method(
        &app,
        &api,
        "/users/{id}",
        none(),
        http(
            IntegrationType::HttpProxy,
            &format!("http://{backend}/public/users/{{id}}"),
            &by_id,
        ),
        None,
    )
    .await;
    method(
        &app,
        &api,
        "/orders/{id}",
        none(),
        http(
            IntegrationType::Http,
            &format!("http://{backend}/public/orders/{{id}}"),
            &by_id,
        ),
        None,
    )
    .await;
    // Greedy, substituted leniently (no mapping), as AWS's `{proxy+}` examples do.
    method(
        &app,
        &api,
        "/files/{proxy+}",
        none(),
        http(
            IntegrationType::HttpProxy,
            &format!("http://{backend}/public/files/{{proxy}}"),
            &[],
        ),
        None,
    )
    .await;
    // Stage variables in the URI: segments are fine, a dot segment is not.
    for (path, variable) in [("/staged/{id}", "good"), ("/escaping/{id}", "bad")] {
        let uri =
            format!("http://${{stageVariables.backend}}/${{stageVariables.{variable}}}/{{id}}");
        method(
            &app,
            &api,
            path,
            none(),
            http(IntegrationType::HttpProxy, &uri, &by_id),
            None,
        )
        .await;
    }
    let backend_text = backend.to_string();
    let (gateway, base) = deploy(
        &app,
        &api,
        &[
            ("backend", &backend_text),
            ("good", "public/v1"),
            ("bad", "public/../../admin"),
        ],
    )
    .await;

    // (request path below the stage, status, what the backend receives).
    let cases: &[(&str, u16, Option<&str>)] = &[
        // The issue's reproduction: one segment, passed on encoded.
        (
            "/users/..%2F..%2Fadmin",
            200,
            Some("/public/users/..%2F..%2Fadmin"),
        ),
        (
            "/users/%2e%2e%2f%2e%2e%2fadmin",
            200,
            Some("/public/users/..%2F..%2Fadmin"),
        ),
        (
            "/users/..%5C..%5Cadmin",
            200,
            Some("/public/users/..%5C..%5Cadmin"),
        ),
        // Double encoding stays double encoded: one decoding gives no dot segment.
        (
            "/users/%252e%252e%252fadmin",
            200,
            Some("/public/users/%252e%252e%252fadmin"),
        ),
        // A value that is itself a dot segment is refused.
        ("/users/..", 400, None),
        ("/users/%2e%2e", 400, None),
        ("/users/%2E", 400, None),
        ("/users/..;jsessionid=x", 400, None),
        (
            "/orders/..%2F..%2Fadmin",
            200,
            Some("/public/orders/..%2F..%2Fadmin"),
        ),
        ("/orders/%2e%2e", 400, None),
        // Greedy values keep their slashes; any dot segment is refused.
        ("/files/a/b/c.txt", 200, Some("/public/files/a/b/c.txt")),
        ("/files/a/../../x", 400, None),
        ("/files/a/%2e%2e/%2e%2e/x", 400, None),
        ("/files/a%2F..%2F..%2Fx", 400, None),
        ("/files/a%5C..%5C..%5Cx", 400, None),
        ("/files/..", 400, None),
        ("/files/a/./b", 400, None),
        (
            "/files/a/%252e%252e/x",
            200,
            Some("/public/files/a/%252e%252e/x"),
        ),
        // Stage variables.
        ("/staged/7", 200, Some("/public/v1/7")),
        ("/escaping/7", 500, None),
    ];
    for (path, status, reached) in cases {
        let before = targets(&log).len();
        let (got, body) = raw_get(gateway, &format!("{base}{path}"), &[]).await;
        assert_eq!(got, *status, "{path}: {body}");
        let after = targets(&log);
        match reached {
            Some(target) => {
                assert_eq!(after.len(), before + 1, "{path}");
                assert_eq!(after[before], *target, "{path}");
            }
            None => assert_eq!(after.len(), before, "{path} reached the backend"),
        }
        if *status == 400 {
            assert_eq!(
                serde_json::from_str::<Value>(&body).expect("json"),
                json!({"message": "Invalid request path parameter"}),
                "{path}"
            );
        }
    }
    assert_contained(
        &log,
        &[
            "/public/users/",
            "/public/orders/",
            "/public/files/",
            "/public/v1/",
        ],
    );
}

// ----- 2. API keys -----------------------------------------------------------------------------

#[tokio::test]
async fn a_method_that_requires_an_api_key_is_refused_with_403_forbidden() {
    let app = spawn_app().await;
    let (backend, log) = recording_backend().await;
    let api = new_api(&app).await;
    let keyed = || MethodSettings {
        api_key_required: true,
        ..Default::default()
    };
    method(
        &app,
        &api,
        "/mock",
        keyed(),
        mock(),
        Some(r#"{"served": true}"#),
    )
    .await;
    method(
        &app,
        &api,
        "/proxy",
        keyed(),
        http(
            IntegrationType::HttpProxy,
            &format!("http://{backend}/secret"),
            &[],
        ),
        None,
    )
    .await;
    method(
        &app,
        &api,
        "/open",
        MethodSettings::default(),
        mock(),
        Some(r#"{"served": true}"#),
    )
    .await;
    let (gateway, base) = deploy(&app, &api, &[]).await;
    let client = reqwest::Client::new();
    for path in ["/mock", "/proxy"] {
        for key in [None, Some("any-key-at-all")] {
            let mut req = client.get(format!("http://{gateway}{base}{path}"));
            if let Some(key) = key {
                req = req.header("x-api-key", key);
            }
            let res = req.send().await.expect("request");
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path} {key:?}");
            assert_eq!(res.headers()["x-amzn-errortype"], "ForbiddenException");
            assert!(res.headers().contains_key("x-amzn-requestid"));
            assert_eq!(
                res.json::<Value>().await.expect("json"),
                json!({"message": "Forbidden"})
            );
        }
    }
    assert!(targets(&log).is_empty(), "the backend was reached");
    let res = client
        .get(format!("http://{gateway}{base}/open"))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.json::<Value>().await.expect("json"),
        json!({"served": true})
    );
}

// ----- 3. the console's session cookie -------------------------------------------------------

#[tokio::test]
async fn the_console_session_cookie_never_reaches_a_backend() {
    let app = spawn_app().await;
    // A real console session, as a signed-in administrator's browser would send it to the
    // gateway on the same host.
    let res = app.sign_in("admin", ADMIN_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::OK);
    let set_cookie = session_cookie(&res).expect("a session cookie");
    let session = set_cookie.split(';').next().expect("name=value").to_owned();
    assert!(session.starts_with(&format!("{}=", gateway::CONSOLE_SESSION_COOKIE)));

    let (backend, log) = recording_backend().await;
    let api = new_api(&app).await;
    method(
        &app,
        &api,
        "/proxy",
        MethodSettings::default(),
        http(
            IntegrationType::HttpProxy,
            &format!("http://{backend}/proxied"),
            &[],
        ),
        None,
    )
    .await;
    // An HTTP integration that maps the caller's Cookie header on explicitly.
    method(
        &app,
        &api,
        "/mapped",
        MethodSettings::default(),
        http(
            IntegrationType::Http,
            &format!("http://{backend}/mapped"),
            &[(
                "integration.request.header.Cookie",
                "method.request.header.Cookie",
            )],
        ),
        None,
    )
    .await;
    let (gateway, base) = deploy(&app, &api, &[]).await;

    let cases: &[(&str, &[&str], &[&str])] = &[
        (
            "/proxy",
            &["theme=dark; SESSION; lang=en"],
            &["theme=dark; lang=en"],
        ),
        ("/proxy", &["SESSION"], &[]),
        ("/proxy", &["a=1", "SESSION; b=2"], &["a=1", "b=2"]),
        ("/proxy", &["theme=dark"], &["theme=dark"]),
        ("/mapped", &["theme=dark; SESSION"], &["theme=dark"]),
        ("/mapped", &["SESSION"], &[]),
    ];
    for (path, sent, expected) in cases {
        let headers: Vec<(&str, String)> = sent
            .iter()
            .map(|v| ("Cookie", v.replace("SESSION", &session)))
            .collect();
        let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let before = targets(&log).len();
        let (status, body) = raw_get(gateway, &format!("{base}{path}"), &headers).await;
        assert_eq!(status, 200, "{path}: {body}");
        let seen = log.lock().expect("log")[before].clone();
        assert_eq!(seen.cookies, *expected, "{path} {sent:?}");
    }
    let secret = session.split_once('=').expect("a value").1;
    for seen in log.lock().expect("log").iter() {
        assert!(!seen.cookies.iter().any(|c| c.contains(secret)), "{seen:?}");
    }
}

// ----- 4. the authorizer cache is bounded ----------------------------------------------------

#[tokio::test]
async fn the_authorizer_cache_stays_within_its_bound_however_many_tokens_are_minted() {
    let app = spawn_app().await;
    let idp = identity_of(&app);
    let user = pool_user(
        &idp,
        json!({"PoolName": "bounded"}),
        "eve",
        "Bounded-Passw0rd!",
        json!([]),
    )
    .await;
    let auth = idp_call(
        &idp,
        "InitiateAuth",
        json!({"ClientId": user.client_id, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": "eve", "PASSWORD": "Bounded-Passw0rd!"}}),
    )
    .await;
    let refresh = auth["AuthenticationResult"]["RefreshToken"]
        .as_str()
        .expect("refresh token")
        .to_owned();

    let api = new_api(&app).await;
    let authorizer = apis::store::create_authorizer(
        &app.pool,
        &api,
        &AuthorizerSettings::new("Pool", &[&user.arn]),
    )
    .await
    .expect("authorizer");
    let guarded = MethodSettings {
        authorization_type: AuthorizationType::CognitoUserPools,
        authorizer_id: Some(authorizer.id.clone()),
        ..Default::default()
    };
    method(
        &app,
        &api,
        "/me",
        guarded,
        mock(),
        Some(r#"{"sub": "$context.authorizer.claims.sub"}"#),
    )
    .await;
    apis::store::create_deployment(
        &app.pool,
        &api,
        "abuse",
        Some(&StageName::new("prod")),
        None,
    )
    .await
    .expect("deploy");
    let console = format!("http://{}", app.addr);
    let server = server::gateway_server::GatewayServer::build(
        "127.0.0.1:0".parse().expect("addr"),
        app.pool.clone(),
        idp.clone(),
        &console,
    )
    .await
    .expect("gateway");
    let runtime = server.runtime();
    let gateway = server.local_addr();
    tokio::spawn(server.run_until(std::future::pending()));
    let bound = 4;
    runtime.authorizer_cache().set_bounds(gateway::CacheBounds {
        max_entries: bound,
        max_bytes: 1 << 20,
    });

    let client = reqwest::Client::new();
    let url = format!("http://{gateway}/{api}/prod/me");
    let mut tokens = vec![user.id_token.clone()];
    for i in 0..4 * bound {
        // Every refresh mints a new valid ID token (a new jti).
        let minted = idp_call(
            &idp,
            "InitiateAuth",
            json!({"ClientId": user.client_id, "AuthFlow": "REFRESH_TOKEN_AUTH", "AuthParameters": {"REFRESH_TOKEN": refresh}}),
        )
        .await;
        let token = minted["AuthenticationResult"]["IdToken"]
            .as_str()
            .expect("id token")
            .to_owned();
        assert!(!tokens.contains(&token), "token {i} is not new");
        tokens.push(token);
    }
    for (i, token) in tokens.iter().enumerate() {
        let res = client
            .get(&url)
            .header("Authorization", token)
            .send()
            .await
            .expect("request");
        assert_eq!(res.status(), StatusCode::OK, "token {i}");
        let (entries, bytes) = runtime.authorizer_cache().usage();
        assert!(
            entries <= bound,
            "{entries} cached results after {} tokens (bound {bound})",
            i + 1
        );
        assert!(bytes <= 1 << 20);
        assert!(entries >= 1);
    }
    // An evicted token is simply verified again.
    let res = client
        .get(&url)
        .header("Authorization", &tokens[0])
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::OK);
    assert!(runtime.authorizer_cache().usage().0 <= bound);
}

// ----- 5. a slow template does not stall the gateway -----------------------------------------

/// Two million steps: it ends at the render's step or time budget, whichever comes first.
const SLOW_TEMPLATE: &str =
    "#foreach($a in [1..1000])#foreach($b in [1..1000])#set($x = $b)#end#end{\"done\": true}";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_templates_in_flight_do_not_stall_a_fast_method() {
    let app = spawn_app().await;
    let api = new_api(&app).await;
    method(
        &app,
        &api,
        "/slow",
        MethodSettings::default(),
        mock(),
        Some(SLOW_TEMPLATE),
    )
    .await;
    method(
        &app,
        &api,
        "/fast",
        MethodSettings::default(),
        mock(),
        Some(r#"{"fast": true}"#),
    )
    .await;
    let (gateway, base) = deploy(&app, &api, &[]).await;
    let client = reqwest::Client::new();

    // More slow renders than the runtime has workers.
    let slow_in_flight = 4;
    let done = Arc::new(AtomicUsize::new(0));
    let mut slow = Vec::new();
    for _ in 0..slow_in_flight {
        let (client, done) = (client.clone(), Arc::clone(&done));
        let url = format!("http://{gateway}{base}/slow");
        slow.push(tokio::spawn(async move {
            let res = client.get(url).send().await.expect("request");
            let status = res.status();
            let body: Value = res.json().await.expect("json");
            done.fetch_add(1, Ordering::SeqCst);
            (status, body)
        }));
    }
    // Let them reach their templates (each runs for its whole budget of 1 s, or its steps).
    tokio::time::sleep(Duration::from_millis(300)).await;
    let sent = Instant::now();
    let res = client
        .get(format!("http://{gateway}{base}/fast"))
        .send()
        .await
        .expect("request");
    let waited = sent.elapsed();
    let finished_first = done.load(Ordering::SeqCst);
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.json::<Value>().await.expect("json"),
        json!({"fast": true})
    );
    assert_eq!(
        finished_first, 0,
        "the fast method waited for slow renders to finish"
    );
    // Generous: the slow renders hold their threads for a second; the fast one needs
    // milliseconds, however busy the machine.
    assert!(
        waited < Duration::from_millis(700),
        "the fast method took {waited:?} behind {slow_in_flight} slow renders"
    );

    for handle in slow {
        let (status, body) = handle.await.expect("slow request");
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(body, json!({"message": "Internal server error"}));
    }
}

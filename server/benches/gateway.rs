//! Throughput and latency of the gateway runtime, each path against its baseline, in one run on
//! loopback with one load generator and the same connection counts (16, 64, 256):
//! - a bare axum "hello" handler in this binary: the ceiling;
//! - the gateway: MOCK + Cognito authorizer + a claims template, with a repeated token (the
//!   authorizer cache hits), and with a fresh token per request: the connections take turns
//!   through 1000 distinct ID tokens of the pool (minted by refreshes before measuring), and
//!   that authorizer's result TTL is 0 (at these rates a token comes round again within
//!   milliseconds, which a cache would answer), so every request runs the full check — key
//!   lookup, RS256 signature, iss/aud/exp/token_use;
//! - HTTP_PROXY to a local axum backend vs. that backend called directly;
//! - where Debian's nginx is installed, nginx proxying to the same backend.
//!
//! `cargo bench -p server --bench gateway` (uses DATABASE_URL, creating a database of its own
//! there, or an embedded PostgreSQL in a temp dir). Not a test: it prints req/s, p50, p99 and
//! ratios; it asserts nothing about speed.
//!
//! The split of the 2 cores: the bare handler and the gateway run on one current-thread
//! runtime (one OS thread), the HTTP backend on a second, the load generator on a third.
//! nginx, when present, runs as its own process with one worker. So a proxy (gateway or nginx)
//! shares the 2 cores with its backend and the load generator alike.

use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use apis::model::{
    AuthorizationType, AuthorizerSettings, HttpMethod, IntegrationResponseSettings,
    IntegrationSettings, IntegrationType, MethodResponseSettings, MethodSettings,
};
use apis::{AuthorizerId, ResourceId, RestApiId};
use axum::Router;
use axum::routing::get;
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use server::gateway_server::GatewayServer;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool};

const CONNECTIONS: [usize; 3] = [16, 64, 256];
/// Each point is measured in [`ROUNDS`] rounds, the baseline and its paths taking turns, so
/// that a drift of the machine (another process, the CPU's clock) hits them alike; each round
/// warms up its connections first.
const ROUNDS: usize = 3;
const WARM_UP: Duration = Duration::from_millis(300);
const MEASURE: Duration = Duration::from_secs(1);

/// How long each round is measured: [`MEASURE`], or GATEHOUSE_BENCH_SECS (for profiling).
fn measure_for() -> Duration {
    std::env::var("GATEHOUSE_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .map_or(MEASURE, Duration::from_secs)
}
/// The backend's answer (a small JSON document, as an API would return).
const ITEM: &str = r#"{"id":"sku-7","name":"gatehouse","price":12.5,"tags":["a","b","c"]}"#;

/// Where the load goes.
#[derive(Clone)]
struct Target {
    name: &'static str,
    addr: SocketAddr,
    path: String,
    headers: Vec<(&'static str, String)>,
    /// Authorization values taken in turn, one per request (the uncached row).
    tokens: Option<std::sync::Arc<[String]>>,
}

struct Servers {
    bare: SocketAddr,
    backend: SocketAddr,
    gateway: SocketAddr,
    api_id: String,
    token: String,
    fresh_tokens: std::sync::Arc<[String]>,
}

// ----- servers -------------------------------------------------------------------------------

async fn serve(router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, router).await });
    addr
}

/// A database of our own: a fresh one on DATABASE_URL's server, or an embedded PostgreSQL.
async fn database(dir: &std::path::Path) -> (PgPool, Option<embedded_pg::EmbeddedPg>) {
    match std::env::var("DATABASE_URL") {
        Ok(url) => {
            let base = PgConnectOptions::from_str(&url).expect("DATABASE_URL parses");
            let name = format!("gatehouse_bench_{}", uuid::Uuid::new_v4().simple());
            let mut conn = PgConnection::connect_with(&base).await.expect("connect");
            // The name is ours (a UUID), not input.
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut conn)
                .await
                .expect("create database");
            let pool = PgPoolOptions::new()
                .max_connections(5)
                .connect_with(base.database(&name))
                .await
                .expect("connect to the bench database");
            (pool, None)
        }
        Err(_) => {
            let mut options = embedded_pg::Options::new(dir.join("data"));
            options.fast_init = true;
            let pg = embedded_pg::EmbeddedPg::start(options)
                .await
                .expect("embedded PostgreSQL starts");
            let pool = PgPool::connect_with(pg.connect_options())
                .await
                .expect("connects");
            (pool, Some(pg))
        }
    }
}

async fn call(idp: &identity::Identity, action: &str, body: Value) -> Value {
    idp.dispatch(action, body.to_string().as_bytes(), true)
        .await
        .unwrap_or_else(|e| panic!("{action}: {e:?}"))
}

/// A pool, a client and a confirmed user; returns (pool ARN, client id, ID token).
/// Distinct ID tokens for the uncached row, so that every request brings a token the gateway
/// has not just seen (each from a refresh, so each with its own `jti`, `iat` and signature).
const FRESH_TOKENS: usize = 1000;

/// A pool, a client and a confirmed user; returns (pool ARN, client id, ID token, and
/// [`FRESH_TOKENS`] more ID tokens of that user).
async fn user(idp: &identity::Identity) -> (String, String, String, Vec<String>) {
    let pool = call(idp, "CreateUserPool", json!({"PoolName": "bench"})).await;
    let pool_id = pool["UserPool"]["Id"].as_str().expect("id").to_owned();
    let arn = pool["UserPool"]["Arn"].as_str().expect("arn").to_owned();
    let client = call(
        idp,
        "CreateUserPoolClient",
        json!({"UserPoolId": pool_id, "ClientName": "bench", "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}),
    )
    .await;
    let client_id = client["UserPoolClient"]["ClientId"]
        .as_str()
        .expect("client")
        .to_owned();
    call(
        idp,
        "SignUp",
        json!({"ClientId": client_id, "Username": "bench", "Password": "Bench-Passw0rd!"}),
    )
    .await;
    call(
        idp,
        "AdminConfirmSignUp",
        json!({"UserPoolId": pool_id, "Username": "bench"}),
    )
    .await;
    let auth = call(
        idp,
        "InitiateAuth",
        json!({"ClientId": client_id, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": "bench", "PASSWORD": "Bench-Passw0rd!"}}),
    )
    .await;
    let token = auth["AuthenticationResult"]["IdToken"]
        .as_str()
        .expect("id token")
        .to_owned();
    let refresh = auth["AuthenticationResult"]["RefreshToken"]
        .as_str()
        .expect("refresh token")
        .to_owned();
    let mut fresh = Vec::with_capacity(FRESH_TOKENS);
    while fresh.len() < FRESH_TOKENS {
        let auth = call(
            idp,
            "InitiateAuth",
            json!({"ClientId": client_id, "AuthFlow": "REFRESH_TOKEN_AUTH", "AuthParameters": {"REFRESH_TOKEN": refresh}}),
        )
        .await;
        let t = auth["AuthenticationResult"]["IdToken"]
            .as_str()
            .expect("id token");
        // Tokens minted within the same second could only differ by jti: make sure they do.
        if t != token && fresh.last().is_none_or(|l: &String| l != t) {
            fresh.push(t.to_owned());
        }
    }
    (arn, client_id, token, fresh)
}

async fn resource(db: &PgPool, api: &RestApiId, parent: &ResourceId, part: &str) -> ResourceId {
    apis::store::create_resource(db, api, parent, part)
        .await
        .expect("resource")
        .id
}

/// `GET` on `resource` with `integration`, guarded by `authorizer` if given, with a 200
/// response rendering `template` (if any).
async fn method(
    db: &PgPool,
    api: &RestApiId,
    resource: &ResourceId,
    authorizer: Option<&AuthorizerId>,
    integration: &IntegrationSettings,
    template: Option<&str>,
) {
    let settings = MethodSettings {
        authorization_type: if authorizer.is_some() {
            AuthorizationType::CognitoUserPools
        } else {
            AuthorizationType::None
        },
        authorizer_id: authorizer.cloned(),
        ..Default::default()
    };
    apis::store::put_method(db, api, resource, HttpMethod::Get, &settings)
        .await
        .expect("method");
    apis::store::put_integration(db, api, resource, HttpMethod::Get, integration)
        .await
        .expect("integration");
    if integration.kind.is_proxy() {
        return;
    }
    apis::store::put_method_response(
        db,
        api,
        resource,
        HttpMethod::Get,
        "200",
        &MethodResponseSettings::default(),
    )
    .await
    .expect("method response");
    apis::store::put_integration_response(
        db,
        api,
        resource,
        HttpMethod::Get,
        "200",
        &IntegrationResponseSettings {
            response_templates: template
                .map(|t| [("application/json".to_owned(), t.to_owned())].into())
                .unwrap_or_default(),
            ..Default::default()
        },
    )
    .await
    .expect("integration response");
}

/// Starts every server on the current (single-threaded) runtime.
async fn start_servers(
    dir: &std::path::Path,
    backend: SocketAddr,
) -> (Servers, Option<embedded_pg::EmbeddedPg>) {
    let bare = serve(Router::new().route("/hello", get(|| async { "hello" }))).await;

    let (db, pg) = database(dir).await;
    server::MIGRATOR.run(&db).await.expect("migrations");
    let issuer_base = "http://127.0.0.1:3000";
    let idp = identity::Identity::new(
        db.clone(),
        master_key::MasterKey::generate(),
        identity::IdentityConfig {
            issuer_base: issuer_base.to_owned(),
            account_id: "000000000000".into(),
        },
    );
    let (arn, client_id, token, fresh_tokens) = user(&idp).await;

    let api = apis::store::create_rest_api(&db, "Bench", "")
        .await
        .expect("api");
    let root = api.root_resource_id.clone();
    let mut cached = AuthorizerSettings::new("Cached", &[&arn]);
    cached.identity_validation_expression = Some(client_id.clone());
    let cached = apis::store::create_authorizer(&db, &api.id, &cached)
        .await
        .expect("authorizer");
    let mut uncached = AuthorizerSettings::new("Uncached", &[&arn]);
    uncached.identity_validation_expression = Some(client_id);
    uncached.authorizer_result_ttl_in_seconds = Some(0);
    let uncached = apis::store::create_authorizer(&db, &api.id, &uncached)
        .await
        .expect("authorizer");

    let mut mock = IntegrationSettings::mock();
    mock.request_templates
        .insert("application/json".into(), r#"{"statusCode": 200}"#.into());
    let claims = r#"{"sub": "$context.authorizer.claims.sub", "user": "$context.authorizer.claims['cognito:username']", "stage": "$context.stage"}"#;
    let id = resource(&db, &api.id, &root, "claims").await;
    method(&db, &api.id, &id, Some(&cached.id), &mock, Some(claims)).await;
    let id = resource(&db, &api.id, &root, "uncached").await;
    method(&db, &api.id, &id, Some(&uncached.id), &mock, Some(claims)).await;
    let proxy = IntegrationSettings::http(
        IntegrationType::HttpProxy,
        HttpMethod::Get,
        &format!("http://{backend}/{{proxy}}"),
    );
    let id = resource(&db, &api.id, &root, "proxy").await;
    let id = resource(&db, &api.id, &id, "{proxy+}").await;
    method(&db, &api.id, &id, None, &proxy, None).await;
    apis::store::create_deployment(
        &db,
        &api.id,
        "bench",
        Some(&apis::StageName::new("bench")),
        None,
    )
    .await
    .expect("deploy");

    let gateway = GatewayServer::build("127.0.0.1:0".parse().expect("addr"), db, idp, issuer_base)
        .await
        .expect("gateway");
    let gateway_addr = gateway.local_addr();
    tokio::spawn(gateway.run_until(std::future::pending()));
    (
        Servers {
            bare,
            backend,
            gateway: gateway_addr,
            api_id: api.id.into(),
            token,
            fresh_tokens: fresh_tokens.into(),
        },
        pg,
    )
}

// ----- nginx ---------------------------------------------------------------------------------

/// A running nginx; stopped (master and worker) when dropped.
struct Nginx {
    child: std::process::Child,
    addr: SocketAddr,
    bin: &'static str,
    prefix: std::path::PathBuf,
    conf: std::path::PathBuf,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // `-s stop` signals the master, which takes its worker down (a SIGKILL of the master
        // alone would orphan the worker).
        let _ = std::process::Command::new(self.bin)
            .arg("-p")
            .arg(&self.prefix)
            .arg("-c")
            .arg(&self.conf)
            .args(["-s", "stop"])
            .status();
        let _ = self.child.wait();
    }
}

/// nginx (one worker, keep-alive upstream) proxying to `backend`, if nginx is installed.
fn start_nginx(dir: &std::path::Path, backend: SocketAddr) -> Option<Nginx> {
    let nginx = ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .ok()?
        .port();
    let prefix = dir.join("nginx");
    std::fs::create_dir_all(prefix.join("logs")).ok()?;
    let conf = format!(
        "worker_processes 1;\nerror_log {prefix}/logs/error.log;\npid {prefix}/nginx.pid;\n\
         events {{ worker_connections 4096; }}\n\
         http {{\n  access_log off;\n  client_body_temp_path {prefix}/body;\n  proxy_temp_path {prefix}/proxy;\n\
           fastcgi_temp_path {prefix}/fastcgi;\n  uwsgi_temp_path {prefix}/uwsgi;\n  scgi_temp_path {prefix}/scgi;\n\
           keepalive_requests 1000000;\n\
           upstream backend {{ server {backend}; keepalive 256; }}\n\
           server {{\n    listen 127.0.0.1:{port};\n    location / {{\n      proxy_pass http://backend;\n\
               proxy_http_version 1.1;\n      proxy_set_header Connection \"\";\n    }}\n  }}\n}}\n",
        prefix = prefix.display()
    );
    let conf_path = prefix.join("nginx.conf");
    std::fs::write(&conf_path, conf).ok()?;
    let child = std::process::Command::new(nginx)
        .arg("-p")
        .arg(&prefix)
        .arg("-c")
        .arg(&conf_path)
        .args(["-g", "daemon off;"])
        .spawn()
        .ok()?;
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().ok()?;
    let nginx = Nginx {
        child,
        addr,
        bin: nginx,
        prefix,
        conf: conf_path,
    };
    let deadline = Instant::now() + Duration::from_secs(5);
    while std::net::TcpStream::connect(addr).is_err() {
        if Instant::now() > deadline {
            eprintln!(
                "nginx did not start; see {}/logs/error.log",
                nginx.prefix.display()
            );
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Some(nginx)
}

// ----- the load generator --------------------------------------------------------------------

/// One round against one target.
struct Round {
    rps: f64,
    /// Microseconds.
    latencies: Vec<u32>,
    errors: u64,
}

/// A target's rounds at one connection count: the median round's req/s, latency percentiles
/// over every request of every round.
struct Point {
    rps: f64,
    rounds: Vec<f64>,
    p50: Duration,
    p99: Duration,
    errors: u64,
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

impl Point {
    fn of(rounds: Vec<Round>) -> Point {
        let rps: Vec<f64> = rounds.iter().map(|r| r.rps).collect();
        let errors = rounds.iter().map(|r| r.errors).sum();
        let mut all: Vec<u32> = rounds.into_iter().flat_map(|r| r.latencies).collect();
        all.sort_unstable();
        let pick = |q: f64| {
            let i = ((all.len() as f64 * q) as usize).min(all.len().saturating_sub(1));
            Duration::from_micros(all.get(i).copied().map_or(0, u64::from))
        };
        Point {
            rps: median(rps.clone()),
            rounds: rps,
            p50: pick(0.50),
            p99: pick(0.99),
            errors,
        }
    }

    /// The median over rounds of this point's req/s over the baseline's in the same round.
    fn ratio(&self, base: &Point) -> f64 {
        median(
            self.rounds
                .iter()
                .zip(&base.rounds)
                .filter(|(_, b)| **b > 0.0)
                .map(|(p, b)| p / b)
                .collect(),
        )
    }
}

/// One keep-alive connection sending requests back to back until `end`; latencies of the
/// requests started after `measure_from`, in microseconds.
async fn connection(
    target: Target,
    index: usize,
    connections: usize,
    measure_from: Instant,
    end: Instant,
) -> (Vec<u32>, u64) {
    let mut latencies = Vec::new();
    // Connections take turns through the fresh tokens, so none repeats soon.
    let mut next_token = index;
    let mut errors = 0u64;
    let Ok(stream) = tokio::net::TcpStream::connect(target.addr).await else {
        return (latencies, 1);
    };
    let _ = stream.set_nodelay(true);
    let Ok((mut sender, conn)) =
        hyper::client::conn::http1::handshake::<_, Empty<Bytes>>(TokioIo::new(stream)).await
    else {
        return (latencies, 1);
    };
    tokio::spawn(conn);
    loop {
        let started = Instant::now();
        if started >= end {
            break;
        }
        let mut req = hyper::Request::builder()
            .uri(target.path.as_str())
            .header("host", "127.0.0.1");
        for (k, v) in &target.headers {
            req = req.header(*k, v.as_str());
        }
        if let Some(tokens) = &target.tokens {
            req = req.header("authorization", tokens[next_token % tokens.len()].as_str());
            next_token += connections;
        }
        let Ok(req) = req.body(Empty::new()) else {
            return (latencies, errors + 1);
        };
        if sender.ready().await.is_err() {
            return (latencies, errors + 1);
        }
        let ok = match sender.send_request(req).await {
            Ok(resp) => {
                let status = resp.status();
                resp.into_body().collect().await.is_ok() && status == 200
            }
            Err(_) => return (latencies, errors + 1),
        };
        if started >= measure_from {
            if ok {
                let micros = started.elapsed().as_micros();
                latencies.push(u32::try_from(micros).unwrap_or(u32::MAX));
            } else {
                errors += 1;
            }
        }
    }
    (latencies, errors)
}

async fn measure(target: &Target, connections: usize) -> Round {
    let measure_from = Instant::now() + WARM_UP;
    let end = measure_from + measure_for();
    let tasks: Vec<_> = (0..connections)
        .map(|i| {
            tokio::spawn(connection(
                target.clone(),
                i,
                connections,
                measure_from,
                end,
            ))
        })
        .collect();
    let mut latencies = Vec::new();
    let mut errors = 0;
    for t in tasks {
        if let Ok((l, e)) = t.await {
            latencies.extend(l);
            errors += e;
        }
    }
    Round {
        rps: latencies.len() as f64 / measure_for().as_secs_f64(),
        latencies,
        errors,
    }
}

/// One answer from `target`, to check the setup before measuring.
async fn probe(target: &Target) -> (u16, String) {
    let stream = tokio::net::TcpStream::connect(target.addr)
        .await
        .expect("connect");
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake::<_, Empty<Bytes>>(TokioIo::new(stream))
            .await
            .expect("handshake");
    tokio::spawn(conn);
    let mut req = hyper::Request::builder()
        .uri(target.path.as_str())
        .header("host", "127.0.0.1");
    for (k, v) in &target.headers {
        req = req.header(*k, v.as_str());
    }
    if let Some(token) = target.tokens.as_deref().and_then(<[String]>::first) {
        req = req.header("authorization", token.as_str());
    }
    let resp = sender
        .send_request(req.body(Empty::new()).expect("request"))
        .await
        .expect("response");
    let status = resp.status().as_u16();
    let body = resp.into_body().collect().await.expect("body").to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let dir = tempfile::Builder::new()
        .prefix("gatehouse-bench-")
        .tempdir_in("/tmp")
        .expect("tempdir");
    std::fs::set_permissions(
        dir.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o711),
    )
    .expect("chmod");

    // The backend: a thread and current-thread runtime of its own, as nginx's upstream would
    // be its own process.
    let (ready, backend) = mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("backend runtime");
        rt.block_on(async move {
            let router = Router::new().route(
                "/item",
                get(|| async { ([("content-type", "application/json")], ITEM) }),
            );
            let _ = ready.send(serve(router).await);
            std::future::pending::<()>().await;
        });
    });
    let backend: SocketAddr = backend.recv().expect("backend starts");

    // The servers measured: one thread, one current-thread runtime, for as long as the process.
    let (ready, servers) = mpsc::channel();
    let server_dir = dir.path().to_owned();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("server runtime");
        rt.block_on(async move {
            let (servers, pg) = start_servers(&server_dir, backend).await;
            let _keep = pg;
            let _ = ready.send(servers);
            std::future::pending::<()>().await;
        });
    });
    let servers: Servers = servers.recv().expect("servers start");
    let nginx = start_nginx(dir.path(), servers.backend);

    let stage = format!("/{}/bench", servers.api_id);
    let auth = vec![("authorization", servers.token.clone())];
    let target = |name, addr, path: String, headers: Vec<(&'static str, String)>| Target {
        name,
        addr,
        path,
        headers,
        tokens: None,
    };
    let bare = target(
        "bare axum hello (ceiling)",
        servers.bare,
        "/hello".into(),
        vec![],
    );
    let cached = target(
        "gateway MOCK + authorizer (cached) + claims template",
        servers.gateway,
        format!("{stage}/claims"),
        auth.clone(),
    );
    let uncached = Target {
        tokens: Some(std::sync::Arc::clone(&servers.fresh_tokens)),
        ..target(
            "gateway MOCK + authorizer (fresh token per request, full RS256) + claims template",
            servers.gateway,
            format!("{stage}/uncached"),
            vec![],
        )
    };
    let direct = target("backend direct", servers.backend, "/item".into(), vec![]);
    let proxied = target(
        "gateway HTTP_PROXY to the backend",
        servers.gateway,
        format!("{stage}/proxy/item"),
        vec![],
    );
    let via_nginx = nginx
        .as_ref()
        .map(|n| target("nginx proxy to the backend", n.addr, "/item".into(), vec![]));

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("load runtime");
    rt.block_on(async {
        for t in [&bare, &cached, &uncached, &direct, &proxied]
            .into_iter()
            .chain(via_nginx.as_ref())
        {
            let (status, body) = probe(t).await;
            assert_eq!(status, 200, "{}: {body}", t.name);
        }
        println!(
            "gateway benchmark: {ROUNDS} rounds per point (baseline and paths in turn), each {} ms warm-up + {} s; loopback, servers on 1 thread, load generator on 1 thread{}",
            WARM_UP.as_millis(),
            measure_for().as_secs(),
            if nginx.is_some() { ", nginx 1 worker" } else { "" }
        );
        println!(
            "{:<68} {:>5} {:>9} {:>8} {:>8}  {:>6} {:>9}",
            "path", "conns", "req/s", "p50 ms", "p99 ms", "ratio", "p99 ratio"
        );
        let groups: Vec<(&Target, Vec<&Target>)> = vec![
            (&bare, vec![&cached, &uncached]),
            (&direct, std::iter::once(&proxied).chain(via_nginx.as_ref()).collect()),
        ];
        // GATEHOUSE_BENCH_ONLY=substring (any case) measures only the rows whose name holds it (and
        // their baselines), GATEHOUSE_BENCH_CONNS=64 one connection count: for profiling.
        let only = std::env::var("GATEHOUSE_BENCH_ONLY")
            .unwrap_or_default()
            .to_lowercase();
        let conns_only: Option<usize> = std::env::var("GATEHOUSE_BENCH_CONNS")
            .ok()
            .and_then(|c| c.parse().ok());
        for (baseline, paths) in groups {
            let paths: Vec<&Target> = paths
                .into_iter()
                .filter(|t| t.name.to_lowercase().contains(only.as_str()))
                .collect();
            if paths.is_empty() {
                continue;
            }
            for conns in CONNECTIONS {
                if conns_only.is_some_and(|c| c != conns) {
                    continue;
                }
                let targets: Vec<&Target> =
                    std::iter::once(baseline).chain(paths.iter().copied()).collect();
                let mut rounds: Vec<Vec<Round>> = targets.iter().map(|_| Vec::new()).collect();
                for _ in 0..ROUNDS {
                    for (t, r) in targets.iter().zip(rounds.iter_mut()) {
                        r.push(measure(t, conns).await);
                    }
                }
                let mut points = rounds.into_iter().map(Point::of);
                let Some(base) = points.next() else { continue };
                print_point(baseline, conns, &base, None);
                for (t, p) in paths.iter().zip(points) {
                    print_point(t, conns, &p, Some(&base));
                }
            }
        }
    });

    drop(nginx);
}

fn print_point(t: &Target, conns: usize, p: &Point, base: Option<&Point>) {
    let (ratio, p99_ratio) = match base {
        Some(b) if b.rps > 0.0 && !b.p99.is_zero() => (
            format!("{:.2}", p.ratio(b)),
            format!("{:.2}", p.p99.as_secs_f64() / b.p99.as_secs_f64()),
        ),
        _ => ("base".to_owned(), String::new()),
    };
    let errors = if p.errors > 0 {
        format!("  ({} errors)", p.errors)
    } else {
        String::new()
    };
    println!(
        "{:<68} {:>5} {:>9.0} {:>8.2} {:>8.2}  {:>6} {:>9}{errors}",
        t.name,
        conns,
        p.rps,
        ms(p.p50),
        ms(p.p99),
        ratio,
        p99_ratio
    );
}

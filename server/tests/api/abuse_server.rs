//! Abuse of the listeners and the console, tried as an attacker would, over real TCP/HTTP:
//! stalled bodies, silent and idle connections, connection floods and body-byte floods on both
//! listeners; console security headers; open redirects after sign-in; session storage and
//! lifetimes; the generated admin password in logs; SigV4 `UNSIGNED-PAYLOAD` and key-use
//! records; plain-http external issuers.

use std::net::SocketAddr;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use server::listener::Limits;
use time::OffsetDateTime;
use time::macros::format_description;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::apigateway::{Key, access_key, call, error_of};
use crate::helpers::{
    ADMIN_PASSWORD, TestApp, client, fresh_database, identity_of, session_cookie, spawn_app,
    spawn_app_on, spawn_app_with, test_settings,
};

/// Short deadlines for the tests (the defaults are tens of seconds).
fn short_limits() -> Limits {
    Limits {
        header_timeout: Duration::from_secs(1),
        body_timeout: Duration::from_secs(1),
        idle_timeout: Duration::from_secs(1),
        ..Limits::default()
    }
}

/// How long a test waits for something that the limits above make happen in a few seconds
/// (generous: a loaded machine is slow, and a broken server never does it at all).
const PATIENCE: Duration = Duration::from_secs(15);

async fn gateway_with(app: &TestApp, limits: Limits) -> SocketAddr {
    let gateway = server::gateway_server::GatewayServer::build(
        "127.0.0.1:0".parse().expect("addr"),
        app.pool.clone(),
        identity_of(app),
        &format!("http://{}", app.addr),
    )
    .await
    .expect("gateway")
    .with_limits(limits);
    let addr = gateway.local_addr();
    tokio::spawn(gateway.run_until(std::future::pending()));
    addr
}

async fn console_with(limits: Limits) -> TestApp {
    let mut settings = test_settings();
    settings.limits = limits;
    spawn_app_with(settings).await
}

/// Everything the server sends until it closes the connection; `None` if it has not closed
/// within `wait`.
async fn until_closed(stream: &mut TcpStream, wait: Duration) -> Option<String> {
    let mut received = Vec::new();
    let read = tokio::time::timeout(wait, async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => received.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    read.ok()
        .map(|()| String::from_utf8_lossy(&received).into_owned())
}

/// A request declaring a body of a million bytes, of which only 100 are sent.
async fn stalled_post(addr: SocketAddr, path: &str) -> TcpStream {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-amz-json-1.1\r\n\
         X-Amz-Target: AWSCognitoIdentityProviderService.ListUserPools\r\n\
         Content-Length: 1000000\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.expect("head");
    stream.write_all(&[b'x'; 100]).await.expect("some body");
    stream
}

#[tokio::test]
async fn a_stalled_body_is_answered_408_and_closed_on_the_gateway() {
    let app = spawn_app().await;
    let gateway = gateway_with(&app, short_limits()).await;
    let mut stream = stalled_post(gateway, "/abcdef1234/prod/things").await;
    let answer = until_closed(&mut stream, PATIENCE)
        .await
        .expect("the gateway closes a stalled connection");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        answer.contains(r#"{"message":"Request Timeout"}"#),
        "{answer}"
    );
}

#[tokio::test]
async fn a_stalled_body_is_answered_408_and_closed_on_the_console() {
    let app = console_with(short_limits()).await;
    for path in ["/cognito-idp/", "/apigateway/restapis", "/api/login"] {
        let mut stream = stalled_post(app.addr, path).await;
        let answer = until_closed(&mut stream, PATIENCE)
            .await
            .unwrap_or_else(|| panic!("{path}: the console closes a stalled connection"));
        assert!(answer.starts_with("HTTP/1.1 408"), "{path}: {answer}");
    }
}

#[tokio::test]
async fn silent_and_idle_connections_are_closed() {
    let app = console_with(short_limits()).await;
    let gateway = gateway_with(&app, short_limits()).await;
    for addr in [app.addr, gateway] {
        // Never a byte.
        let mut silent = TcpStream::connect(addr).await.expect("connect");
        assert_eq!(
            until_closed(&mut silent, PATIENCE).await.as_deref(),
            Some(""),
            "{addr}: a silent connection is closed"
        );
        // Headers started, never finished.
        let mut dribbling = TcpStream::connect(addr).await.expect("connect");
        dribbling
            .write_all(b"GET /healthz HTTP/1.1\r\nHo")
            .await
            .expect("part");
        assert!(
            until_closed(&mut dribbling, PATIENCE).await.is_some(),
            "{addr}: unfinished headers close the connection"
        );
        // One request, then nothing: the keep-alive connection is closed once idle.
        let mut idle = TcpStream::connect(addr).await.expect("connect");
        idle.write_all(format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes())
            .await
            .expect("request");
        let answer = until_closed(&mut idle, PATIENCE)
            .await
            .unwrap_or_else(|| panic!("{addr}: an idle keep-alive connection is closed"));
        assert!(answer.starts_with("HTTP/1.1 "), "{addr}: {answer}");
    }
}

/// Headers sent a byte every 100 ms never complete a request: the connection is closed after
/// the header deadline although bytes keep arriving.
#[tokio::test]
async fn headers_dribbled_a_byte_at_a_time_are_cut_off() {
    let app = console_with(short_limits()).await;
    let gateway = gateway_with(&app, short_limits()).await;
    for addr in [app.addr, gateway] {
        let stream = TcpStream::connect(addr).await.expect("connect");
        let (mut reader, mut writer) = stream.into_split();
        let dribble = tokio::spawn(async move {
            let head = format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\nX-Padding: ");
            for byte in head.bytes().chain(std::iter::repeat(b'a')) {
                if writer.write_all(&[byte]).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        });
        let started = std::time::Instant::now();
        let closed = tokio::time::timeout(PATIENCE, async {
            let mut buf = [0u8; 256];
            loop {
                match reader.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
            }
        })
        .await;
        dribble.abort();
        assert!(
            closed.is_ok(),
            "{addr}: still open after {:?} of dribbled headers",
            started.elapsed()
        );
    }
}

#[tokio::test]
async fn connections_beyond_the_cap_wait_for_a_free_slot() {
    let app = spawn_app().await;
    let limits = Limits {
        max_connections: 1,
        ..Limits::default()
    };
    let gateway = gateway_with(&app, limits.clone()).await;
    let mut settings = test_settings();
    settings.limits = limits;
    let console = spawn_app_on(settings, fresh_database().await.0).await;
    for addr in [gateway, console.addr] {
        let holder = TcpStream::connect(addr).await.expect("connect");
        tokio::time::sleep(Duration::from_millis(200)).await;
        let mut waiting = TcpStream::connect(addr)
            .await
            .expect("queued in the backlog");
        waiting
            .write_all(
                format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")
                    .as_bytes(),
            )
            .await
            .expect("request");
        assert_eq!(
            until_closed(&mut waiting, Duration::from_millis(700)).await,
            None,
            "{addr}: a second connection is not served while the first holds the only slot"
        );
        drop(holder);
        let answer = until_closed(&mut waiting, PATIENCE)
            .await
            .expect("served once the slot is free");
        assert!(answer.starts_with("HTTP/1.1 "), "{addr}: {answer}");
    }
}

#[tokio::test]
async fn body_bytes_in_flight_are_capped() {
    let app = spawn_app().await;
    let limits = Limits {
        max_body_bytes_in_flight: 1000,
        ..Limits::default()
    };
    let gateway = gateway_with(&app, limits.clone()).await;
    let console = console_with(limits).await;
    for addr in [gateway, console.addr] {
        let post = |length: usize, sent: usize| {
            format!(
                "POST /cognito-idp/ HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
                 Content-Type: application/x-amz-json-1.1\r\nContent-Length: {length}\r\n\r\n{}",
                "x".repeat(sent)
            )
        };
        // 600 bytes announced, 10 sent: the body holds 600 of the 1000 until it completes.
        let mut slow = TcpStream::connect(addr).await.expect("connect");
        slow.write_all(post(600, 10).as_bytes())
            .await
            .expect("slow");
        tokio::time::sleep(Duration::from_millis(300)).await;
        let mut second = TcpStream::connect(addr).await.expect("connect");
        second
            .write_all(post(600, 600).as_bytes())
            .await
            .expect("second");
        let answer = until_closed(&mut second, PATIENCE).await.expect("answered");
        assert!(answer.starts_with("HTTP/1.1 503"), "{addr}: {answer}");
        drop(slow);
        tokio::time::sleep(Duration::from_millis(300)).await;
        let mut third = TcpStream::connect(addr).await.expect("connect");
        third
            .write_all(post(600, 600).as_bytes())
            .await
            .expect("third");
        let answer = until_closed(&mut third, PATIENCE).await.expect("answered");
        assert!(
            answer.starts_with("HTTP/1.1 ") && !answer.starts_with("HTTP/1.1 503"),
            "{addr}: the budget is returned when a body is done: {answer}"
        );
    }
}

/// The page's CSP nonce, after checking the security headers.
fn checked_headers(res: &reqwest::Response, page: &str) -> String {
    let header = |name: &str| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("{page}: no {name}"))
            .to_string()
    };
    assert_eq!(header("x-frame-options"), "DENY", "{page}");
    assert_eq!(header("x-content-type-options"), "nosniff", "{page}");
    assert_eq!(header("referrer-policy"), "same-origin", "{page}");
    let csp = header("content-security-policy");
    for directive in [
        "default-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'none'",
    ] {
        assert!(csp.contains(directive), "{page}: {csp}");
    }
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap_or_else(|| panic!("{page}: no nonce in {csp}"))
        .to_string();
    assert!(
        csp.contains(&format!(
            "script-src 'self' 'wasm-unsafe-eval' 'nonce-{nonce}';"
        )),
        "{page}: {csp}"
    );
    assert!(!csp.contains("'unsafe-eval'"), "{page}: {csp}");
    nonce
}

/// Every `<script>` of `html` carries `nonce`, and no element has an inline event handler.
fn scripts_carry(html: &str, nonce: &str, page: &str) -> usize {
    let mut scripts = 0;
    for (at, _) in html.match_indices("<script") {
        let tag = &html[at..at + html[at..].find('>').expect("tag ends")];
        assert!(
            tag.contains(&format!("nonce=\"{nonce}\"")),
            "{page}: a script without the nonce: {tag}"
        );
        scripts += 1;
    }
    for handler in [" onclick=", " onload=", " onerror=", " onsubmit="] {
        assert!(!html.contains(handler), "{page}: inline handler {handler}");
    }
    scripts
}

#[tokio::test]
async fn console_pages_carry_security_headers_and_nonced_scripts() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/login"))
        .send()
        .await
        .expect("login page");
    assert_eq!(res.status(), StatusCode::OK);
    let nonce = checked_headers(&res, "/login");
    let html = res.text().await.expect("html");
    // The theme script and the hydration script at least.
    assert!(scripts_carry(&html, &nonce, "/login") >= 2, "{html}");

    app.sign_in_as_admin().await;
    let mut nonces = vec![nonce];
    for page in ["/", "/apis", "/user-pools", "/settings", "/no-such-page"] {
        let res = app.client.get(app.url(page)).send().await.expect("page");
        let nonce = checked_headers(&res, page);
        let html = res.text().await.expect("html");
        scripts_carry(&html, &nonce, page);
        nonces.push(nonce);
    }
    let distinct: std::collections::HashSet<_> = nonces.iter().collect();
    assert_eq!(distinct.len(), nonces.len(), "a fresh nonce per response");

    // The machine APIs and server functions get the same framing and sniffing rules.
    let res = app.call("current_admin", &[]).await;
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn sign_in_redirects_only_to_a_path_on_this_site() {
    let app = spawn_app().await;
    for next in [
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example",
        "/ /evil.example",
        " /evil.example",
        "/%09/evil.example",
        "/%0A/evil.example",
        "/%2F/evil.example",
        "/%2f%2fevil.example",
        "/%5Cevil.example",
        "/%5C%5Cevil.example",
        "/a\\b",
        "\t//evil.example",
        "/\u{a0}/evil.example",
    ] {
        let res = app
            .call(
                "login",
                &[
                    ("username", "admin"),
                    ("password", ADMIN_PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(res.headers()["location"], "/", "next={next:?}");
    }
    // A NUL is refused before sign-in even runs (hostile-input check): no redirect at all.
    let res = app
        .call(
            "login",
            &[
                ("username", "admin"),
                ("password", ADMIN_PASSWORD),
                ("next", "/\u{0}/evil.example"),
            ],
        )
        .await;
    assert_eq!(res.status(), 400);
    assert!(res.headers().get("location").is_none());
    for next in ["/settings", "/apis?tab=stages", "/apis/abc/resources"] {
        let res = app
            .call(
                "login",
                &[
                    ("username", "admin"),
                    ("password", ADMIN_PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(res.headers()["location"], next);
    }
}

/// The session id in a `Set-Cookie` value.
fn cookie_id(set_cookie: &str) -> String {
    set_cookie
        .split(';')
        .next()
        .and_then(|pair| pair.split_once('='))
        .map(|(_, id)| id.to_string())
        .expect("a session cookie")
}

#[tokio::test]
async fn session_ids_are_stored_only_as_digests() {
    let app = spawn_app().await;
    let res = app.sign_in("admin", ADMIN_PASSWORD).await;
    let id = cookie_id(&session_cookie(&res).expect("cookie"));
    let stored: Vec<String> = sqlx::query_scalar("SELECT id FROM console_sessions")
        .fetch_all(&app.pool)
        .await
        .expect("rows");
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0], id, "the id itself is not stored");
    let digest: String = sqlx::query_scalar("SELECT encode(sha256(convert_to($1, 'UTF8')), 'hex')")
        .bind(&id)
        .fetch_one(&app.pool)
        .await
        .expect("digest");
    assert_eq!(stored[0], digest);
    // And the stored value is not a cookie: presenting it signs nobody in.
    let thief = client();
    let res = thief
        .post(app.url("/api/current_admin"))
        .header("accept", "application/json")
        .header("cookie", format!("gatehouse_session={}", stored[0]))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // The real cookie still works.
    assert_eq!(
        app.call("current_admin", &[]).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn sessions_end_after_their_absolute_lifetime() {
    let mut settings = test_settings();
    settings.session_max_age = Duration::from_secs(3600);
    let app = spawn_app_with(settings).await;
    app.sign_in_as_admin().await;
    assert_eq!(
        app.call("current_admin", &[]).await.status(),
        StatusCode::OK
    );
    // Busy all along (the inactivity expiry is fresh), but signed in more than an hour ago.
    sqlx::query(
        "UPDATE console_sessions SET created_at = now() - interval '61 minutes', \
         expiry_date = now() + interval '1 hour'",
    )
    .execute(&app.pool)
    .await
    .expect("age the session");
    assert_eq!(
        app.call("current_admin", &[]).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_password_change_ends_the_other_sessions_only() {
    let app = spawn_app().await;
    app.sign_in_as_admin().await;
    let other = client();
    let res = app
        .call_with(
            &other,
            "login",
            &[("username", "admin"), ("password", ADMIN_PASSWORD)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        app.call_with(&other, "current_admin", &[]).await.status(),
        StatusCode::OK
    );
    let res = app
        .call(
            "change_password",
            &[
                ("current_password", ADMIN_PASSWORD),
                ("new_password", "a-new-password-123"),
                ("confirm_password", "a-new-password-123"),
            ],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap_or_default()
    );
    assert_eq!(
        app.call("current_admin", &[]).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.call_with(&other, "current_admin", &[]).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_late_save_does_not_bring_back_a_signed_out_session() {
    use tower_sessions::SessionStore;
    use tower_sessions::session::{Id, Record};

    let (pool, _) = fresh_database().await;
    let store = server::session_store::PgSessionStore::new(pool.clone(), Duration::from_secs(3600));
    let mut record = Record {
        id: Id::default(),
        data: [(
            "admin_id".to_string(),
            json!("00000000-0000-0000-0000-000000000001"),
        )]
        .into_iter()
        .collect(),
        expiry_date: OffsetDateTime::now_utc() + time::Duration::hours(1),
    };
    store.create(&mut record).await.expect("create");
    assert!(store.load(&record.id).await.expect("load").is_some());
    // Sign-out deletes the record; a request that had loaded it before saves it afterwards.
    store.delete(&record.id).await.expect("delete");
    store.save(&record).await.expect("save");
    assert!(store.load(&record.id).await.expect("load").is_none());
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM console_sessions")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(rows, 0);

    // Over HTTP: after sign-out the old cookie is refused and leaves no row behind.
    let app = spawn_app().await;
    let res = app.sign_in("admin", ADMIN_PASSWORD).await;
    let cookie = cookie_id(&session_cookie(&res).expect("cookie"));
    assert_eq!(app.call("logout", &[]).await.status(), StatusCode::OK);
    let res = client()
        .post(app.url("/api/current_admin"))
        .header("accept", "application/json")
        .header("cookie", format!("gatehouse_session={cookie}"))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM console_sessions")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(rows, 0);
}

#[tokio::test]
async fn expired_sessions_are_swept() {
    let (pool, _) = fresh_database().await;
    accounts::ensure_initial_admin(&pool, Some(ADMIN_PASSWORD))
        .await
        .expect("admin");
    sqlx::query(
        "INSERT INTO console_sessions (id, data, expiry_date, created_at) VALUES \
         ('inactive', '{}', now() - interval '1 minute', now() - interval '2 hours'), \
         ('too-old', '{}', now() + interval '1 hour', now() - interval '25 hours'), \
         ('alive', '{}', now() + interval '1 hour', now())",
    )
    .execute(&pool)
    .await
    .expect("sessions");
    let _app = spawn_app_on(test_settings(), pool.clone()).await;
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let left: Vec<String> = sqlx::query_scalar("SELECT id FROM console_sessions ORDER BY id")
            .fetch_all(&pool)
            .await
            .expect("rows");
        if left == ["alive"] {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "expired sessions were not swept: {left:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

const BIN: &str = env!("CARGO_BIN_EXE_gatehouse");

/// A `DATABASE_URL` for the database `name` on the test server.
fn database_url(name: &str) -> String {
    let base = crate::helpers::base_url();
    let (head, query) = base.split_once('?').unwrap_or((base.as_str(), ""));
    let root = head.rsplit_once('/').map_or(head, |(r, _)| r);
    if query.is_empty() {
        format!("{root}/{name}")
    } else {
        format!("{root}/{name}?{query}")
    }
}

#[tokio::test]
async fn the_generated_admin_password_reaches_the_terminal_but_not_the_log() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let (_pool, name) = fresh_database().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let data_dir = tempfile::tempdir().expect("data dir");
    let mut child = Command::new(BIN)
        .arg("serve")
        .env("GATEHOUSE_DATA_DIR", data_dir.path())
        .env(
            "GATEHOUSE_MASTER_KEY",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        )
        .env("DATABASE_URL", database_url(&name))
        .env_remove("GATEHOUSE_ADMIN_PASSWORD")
        .env("GATEHOUSE_LISTEN", format!("127.0.0.1:{port}"))
        .env("GATEHOUSE_GATEWAY_LISTEN", "127.0.0.1:0")
        .env("GATEHOUSE_LOG_FORMAT", "json")
        .env("RUST_LOG", "debug")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("gatehouse starts");
    let stderr = child.stderr.take().expect("stderr");
    // Read until the console is listening (or the process ends).
    let lines = tokio::task::spawn_blocking(move || {
        let mut lines = Vec::new();
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            let done = line.contains("console listening");
            lines.push(line);
            if done {
                break;
            }
        }
        lines
    });
    let lines = tokio::time::timeout(Duration::from_secs(60), lines)
        .await
        .expect("gatehouse starts within a minute")
        .expect("reader");
    let _ = child.kill();
    let _ = child.wait();

    let (log, terminal): (Vec<&String>, Vec<&String>) = lines
        .iter()
        .partition(|line| serde_json::from_str::<Value>(line).is_ok());
    let password = terminal
        .iter()
        .find_map(|line| {
            line.split("generated password for administrator 'admin': ")
                .nth(1)
        })
        .unwrap_or_else(|| panic!("the password is printed to the terminal: {lines:#?}"))
        .trim()
        .to_string();
    assert!(password.len() >= 16, "{password}");
    assert!(!log.is_empty(), "the structured log was captured");
    for line in log {
        assert!(
            !line.contains(&password),
            "the log carries the password: {line}"
        );
    }
}

/// Sends `body` to `path` signed for `service`, with `x-amz-content-sha256: UNSIGNED-PAYLOAD`
/// among the signed headers (as an S3 client signs).
async fn unsigned_payload(
    app: &TestApp,
    key: &Key,
    service: &str,
    path: &str,
    extra: &[(&str, &str)],
    body: &str,
) -> reqwest::Response {
    signed_with_payload(
        app,
        key,
        service,
        path,
        extra,
        body,
        Some("UNSIGNED-PAYLOAD"),
    )
    .await
}

/// A SigV4-signed POST; `content_sha256` is the `X-Amz-Content-SHA256` header sent and signed
/// (none: the body's hash is signed, as botocore does for these services).
async fn signed_with_payload(
    app: &TestApp,
    key: &Key,
    service: &str,
    path: &str,
    extra: &[(&str, &str)],
    body: &str,
    content_sha256: Option<&str>,
) -> reqwest::Response {
    let date = OffsetDateTime::now_utc()
        .format(format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .expect("date");
    let mut headers = vec![
        ("host".to_string(), app.addr.to_string()),
        ("x-amz-date".to_string(), date),
    ];
    if let Some(hash) = content_sha256 {
        headers.push(("x-amz-content-sha256".to_string(), hash.to_string()));
    }
    for (name, value) in extra {
        headers.push(((*name).to_string(), (*value).to_string()));
    }
    let names: Vec<String> = headers.iter().map(|(n, _)| n.clone()).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let request = sigv4::Request {
        method: "POST",
        path,
        query: "",
        headers: &headers,
        body: body.as_bytes(),
    };
    let authorization =
        sigv4::sign(&request, &key.id, &key.secret, "us-east-1", service, &names).expect("sign");
    let mut builder = app.client.post(app.url(path));
    for (name, value) in &headers {
        if name != "host" {
            builder = builder.header(name, value);
        }
    }
    builder
        .header("authorization", authorization)
        .body(body.to_string())
        .send()
        .await
        .expect("request")
}

#[tokio::test]
async fn unsigned_payloads_are_refused_as_aws_refuses_them() {
    let app = spawn_app().await;
    let key = access_key(&app).await;
    let mismatch = "The request signature we calculated does not match the signature you \
                    provided. Check your AWS Secret Access Key and signing method. Consult the \
                    service documentation for details.";
    // The same requests with the body signed go through: what is refused below is the
    // unsigned payload, not the way these tests sign.
    let cognito_headers = [
        ("content-type", "application/x-amz-json-1.1"),
        (
            "x-amz-target",
            "AWSCognitoIdentityProviderService.ListUserPools",
        ),
    ];
    let res = signed_with_payload(
        &app,
        &key,
        "cognito-idp",
        "/cognito-idp/",
        &cognito_headers,
        r#"{"MaxResults":10}"#,
        None,
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = signed_with_payload(
        &app,
        &key,
        "apigateway",
        "/apigateway/restapis",
        &[("content-type", "application/json")],
        r#"{"name":"signed"}"#,
        None,
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);

    let res = unsigned_payload(
        &app,
        &key,
        "cognito-idp",
        "/cognito-idp/",
        &cognito_headers,
        r#"{"MaxResults":10}"#,
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["__type"], "InvalidSignatureException", "{body}");
    assert_eq!(body["message"], mismatch);

    let res = unsigned_payload(
        &app,
        &key,
        "apigateway",
        "/apigateway/restapis",
        &[("content-type", "application/json")],
        r#"{"name":"unsigned"}"#,
    )
    .await;
    let (status, code, message) = error_of(res).await;
    assert_eq!(
        (status, code.as_str(), message.as_str()),
        (StatusCode::FORBIDDEN, "InvalidSignatureException", mismatch)
    );
    let names: Vec<String> = sqlx::query_scalar("SELECT name FROM rest_apis")
        .fetch_all(&app.pool)
        .await
        .expect("names");
    assert_eq!(names, ["signed"], "only the signed request created an API");
}

#[tokio::test]
async fn a_key_is_marked_used_only_by_a_verified_request() {
    let app = spawn_app().await;
    let key = access_key(&app).await;
    let last_used = || async {
        sqlx::query_scalar::<_, Option<OffsetDateTime>>(
            "SELECT last_used_at FROM access_keys WHERE access_key_id = $1",
        )
        .bind(&key.id)
        .fetch_one(&app.pool)
        .await
        .expect("key row")
    };
    // Someone who read the key id somewhere, without the secret.
    let forged = Key {
        id: key.id.clone(),
        secret: "not-the-secret-0123456789012345678901".into(),
    };
    let res = call(&app, &forged, reqwest::Method::GET, "/restapis", None).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(last_used().await, None, "a forged request leaves no trace");
    let res = call(&app, &key, reqwest::Method::GET, "/restapis", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(last_used().await.is_some());
}

#[tokio::test]
async fn external_issuers_must_use_https() {
    let app = spawn_app().await;
    let key = access_key(&app).await;
    let (_, api) = crate::apigateway::json_of(
        call(
            &app,
            &key,
            reqwest::Method::POST,
            "/restapis",
            Some(json!({"name": "issuers"})),
        )
        .await,
    )
    .await;
    let api_id = api["id"].as_str().expect("api id").to_string();
    let authorizers = format!("/restapis/{api_id}/authorizers");
    let create = |provider: String| {
        let body = json!({"name": format!("a{}", provider.len()), "type": "COGNITO_USER_POOLS", "providerARNs": [provider]});
        let (app, key, path) = (&app, &key, authorizers.clone());
        async move { call(app, key, reqwest::Method::POST, &path, Some(body)).await }
    };

    let res = create("http://idp.example/us-east-1_AbCdEf123".into()).await;
    let (status, code, message) = error_of(res).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(code, "BadRequestException");
    assert!(message.contains("https://"), "{message}");
    // Looks like a Gatehouse issuer, but no such pool here.
    let res = create("http://idp.example/cognito-idp/us-east-1_AbCdEf123".into()).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);

    let res = create("https://idp.example/us-east-1_AbCdEf123".into()).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let (_, created) = crate::apigateway::json_of(res).await;
    // This Gatehouse's own pools are fine over http (their keys never leave the process).
    let pool = crate::helpers::idp_call(
        &identity_of(&app),
        "CreateUserPool",
        json!({"PoolName": "own"}),
    )
    .await;
    let pool_id = pool["UserPool"]["Id"].as_str().expect("pool id");
    let res = create(format!("http://{}/cognito-idp/{pool_id}", app.addr)).await;
    assert_eq!(res.status(), StatusCode::CREATED);

    // An update that adds a plain-http issuer is refused too.
    let res = call(
        &app,
        &key,
        reqwest::Method::PATCH,
        &format!("{authorizers}/{}", created["id"].as_str().expect("id")),
        Some(json!({"patchOperations": [{"op": "add", "path": "/providerARNs", "value": "http://idp.example/us-east-1_Other1"}]})),
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);

    // And so is an import naming one.
    let document = json!({
        "swagger": "2.0", "info": {"title": "imported", "version": "1"},
        "paths": {"/a": {"get": {"security": [{"Pool": []}],
            "x-amazon-apigateway-integration": {"type": "mock"}}}},
        "securityDefinitions": {"Pool": {"type": "apiKey", "name": "Authorization", "in": "header",
            "x-amazon-apigateway-authtype": "cognito_user_pools",
            "x-amazon-apigateway-authorizer": {"type": "cognito_user_pools",
                "providerARNs": ["http://idp.example/us-east-1_AbCdEf123"]}}}
    });
    let res = call(
        &app,
        &key,
        reqwest::Method::POST,
        "/restapis?mode=import",
        Some(document),
    )
    .await;
    let (status, code, message) = error_of(res).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_REQUEST, "BadRequestException"),
        "{message}"
    );
    let apis: i64 = sqlx::query_scalar("SELECT count(*) FROM rest_apis")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(apis, 1, "the import created nothing");
}

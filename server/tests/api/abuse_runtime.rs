//! The runtime under abuse: deployments are read-your-writes on the node that took them (a
//! script that deploys and then calls never sees the old snapshot or a 403), and the embedded
//! PostgreSQL comes back by itself after a kill -9.

use std::net::SocketAddr;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::apigateway::{Key, access_key, call, json_of};
use crate::helpers::{ADMIN_PASSWORD, TestApp, client, fresh_database, test_settings};

/// The console and a gateway in one process, wired as `gatehouse serve` wires them.
async fn spawn_node() -> (TestApp, SocketAddr) {
    let (pool, _) = fresh_database().await;
    accounts::ensure_initial_admin(&pool, Some(ADMIN_PASSWORD))
        .await
        .expect("first admin");
    let master_key = master_key::MasterKey::generate();
    let app = server::startup::Application::build(
        &test_settings(),
        pool.clone(),
        "test database".into(),
        master_key.clone(),
    )
    .await
    .expect("app builds");
    let addr = app.local_addr();
    let gateway = server::gateway_server::GatewayServer::bind(
        "127.0.0.1:0".parse().expect("addr"),
        app.services(),
    )
    .await
    .expect("gateway");
    let gateway_addr = gateway.local_addr();
    tokio::spawn(gateway.run_until(std::future::pending()));
    tokio::spawn(app.run_until(std::future::pending()));
    let app = TestApp {
        addr,
        pool,
        client: client(),
        master_key,
    };
    (app, gateway_addr)
}

/// One management call that must succeed; its body.
async fn ok(app: &TestApp, key: &Key, method: Method, path: &str, body: Option<Value>) -> Value {
    let what = format!("{method} {path}");
    let (status, body) = json_of(call(app, key, method, path, body).await).await;
    assert!(status.is_success(), "{what}: {status} {body}");
    body
}

/// `GET /` of a new API: MOCK, 200, its response template set by [`set_body`]. The API's id and
/// the integration response's path.
async fn mock_api(app: &TestApp, key: &Key) -> (String, String) {
    let api = ok(
        app,
        key,
        Method::POST,
        "/restapis",
        Some(json!({"name": "read-your-writes"})),
    )
    .await;
    let api_id = api["id"].as_str().expect("id").to_owned();
    let root = api["rootResourceId"].as_str().expect("root");
    let method = format!("/restapis/{api_id}/resources/{root}/methods/GET");
    ok(
        app,
        key,
        Method::PUT,
        &method,
        Some(json!({"authorizationType": "NONE"})),
    )
    .await;
    ok(
        app,
        key,
        Method::PUT,
        &format!("{method}/integration"),
        Some(json!({"type": "MOCK", "requestTemplates": {"application/json": "{\"statusCode\": 200}"}})),
    )
    .await;
    ok(
        app,
        key,
        Method::PUT,
        &format!("{method}/responses/200"),
        Some(json!({})),
    )
    .await;
    (api_id, format!("{method}/integration/responses/200"))
}

/// What the MOCK answers once deployed: `{"n":"<n>","v":"<stage variable v>"}`.
async fn set_body(app: &TestApp, key: &Key, response: &str, n: &str) {
    let template = format!(r#"{{"n":"{n}","v":"$stageVariables.v"}}"#);
    ok(
        app,
        key,
        Method::PUT,
        response,
        Some(json!({"selectionPattern": "", "responseTemplates": {"application/json": template}})),
    )
    .await;
}

fn expected(n: &str, v: &str) -> String {
    format!(r#"{{"n":"{n}","v":"{v}"}}"#)
}

/// One call to the stage, right away: status and body.
async fn invoke(gateway: SocketAddr, api_id: &str, stage: &str) -> (StatusCode, String) {
    let res = reqwest::get(format!("http://{gateway}/{api_id}/{stage}/"))
        .await
        .expect("gateway answers");
    let status = res.status();
    (status, res.text().await.expect("body"))
}

#[tokio::test]
async fn management_api_deploys_and_stage_changes_are_served_when_they_answer() {
    let (app, gateway) = spawn_node().await;
    let key = access_key(&app).await;
    let (api_id, response) = mock_api(&app, &key).await;
    let deployments = format!("/restapis/{api_id}/deployments");
    let mut earlier = None;

    // 20 deploys, alternating a new stage and a redeploy of `prod`, each with a new body: the
    // call right after CreateDeployment answers gets the new body, never the old one or a 403.
    for i in 0..20 {
        let n = i.to_string();
        set_body(&app, &key, &response, &n).await;
        let stage = if i % 2 == 0 {
            format!("s{i}")
        } else {
            "prod".to_owned()
        };
        let deployment = ok(
            &app,
            &key,
            Method::POST,
            &deployments,
            Some(json!({"stageName": stage})),
        )
        .await;
        assert_eq!(
            invoke(gateway, &api_id, &stage).await,
            (StatusCode::OK, expected(&n, "")),
            "deploy {i} to {stage}"
        );
        if i == 1 {
            earlier = Some(deployment["id"].as_str().expect("id").to_owned());
        }
    }
    let earlier = earlier.expect("deployment 1");
    let prod = format!("/restapis/{api_id}/stages/prod");

    // UpdateStage: a variable, then a rollback to deployment 1, each served when it answers.
    for v in ["blue", "green"] {
        ok(
            &app,
            &key,
            Method::PATCH,
            &prod,
            Some(
                json!({"patchOperations": [{"op": "replace", "path": "/variables/v", "value": v}]}),
            ),
        )
        .await;
        assert_eq!(
            invoke(gateway, &api_id, "prod").await,
            (StatusCode::OK, expected("19", v))
        );
    }
    ok(
        &app,
        &key,
        Method::PATCH,
        &prod,
        Some(json!({"patchOperations": [{"op": "replace", "path": "/deploymentId", "value": earlier}]})),
    )
    .await;
    assert_eq!(
        invoke(gateway, &api_id, "prod").await,
        (StatusCode::OK, expected("1", "green"))
    );

    // CreateStage and DeleteStage.
    ok(
        &app,
        &key,
        Method::POST,
        &format!("/restapis/{api_id}/stages"),
        Some(json!({"stageName": "canary", "deploymentId": earlier, "variables": {"v": "new"}})),
    )
    .await;
    assert_eq!(
        invoke(gateway, &api_id, "canary").await,
        (StatusCode::OK, expected("1", "new"))
    );
    let res = call(
        &app,
        &key,
        Method::DELETE,
        &format!("/restapis/{api_id}/stages/canary"),
        None,
    )
    .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    assert_eq!(
        invoke(gateway, &api_id, "canary").await.0,
        StatusCode::FORBIDDEN,
        "a deleted stage is gone when DeleteStage answers"
    );
}

/// The Deploy form's stage choice meaning "a new stage" (`app`'s `NEW_STAGE`).
const NEW_STAGE: &str = "__new__";

/// A console server function with a JSON body.
async fn console_json(app: &TestApp, function: &str, body: Value) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/{function}")))
        .header("Accept", "application/json")
        .json(&body)
        .send()
        .await
        .expect("request completes")
}

#[tokio::test]
async fn console_deploys_settings_and_rollbacks_are_served_when_they_answer() {
    let (app, gateway) = spawn_node().await;
    app.sign_in_as_admin().await;
    let key = access_key(&app).await;
    let (api_id, response) = mock_api(&app, &key).await;
    let mut first = None;

    for i in 0..20 {
        let n = i.to_string();
        set_body(&app, &key, &response, &n).await;
        // A new stage each even time; `prod` (made by the first odd one) redeployed otherwise.
        let (choice, stage) = match i {
            1 => (NEW_STAGE, "prod".to_owned()),
            i if i % 2 == 1 => ("prod", "prod".to_owned()),
            i => (NEW_STAGE, format!("c{i}")),
        };
        let res = app
            .call(
                "deploy_rest_api",
                &[
                    ("api_id", &api_id),
                    ("stage", choice),
                    ("stage_name", &stage),
                    ("description", &format!("deploy {i}")),
                ],
            )
            .await;
        let (status, deployed) = json_of(res).await;
        assert_eq!(status, StatusCode::OK, "deploy {i}: {deployed}");
        assert_eq!(
            invoke(gateway, &api_id, &stage).await,
            (StatusCode::OK, expected(&n, "")),
            "console deploy {i} to {stage}"
        );
        if i == 1 {
            first = Some(deployed["deployment_id"].as_str().expect("id").to_owned());
        }
    }

    // Stage settings (variables) saved in the console.
    let res = console_json(
        &app,
        "update_api_stage",
        json!({"api_id": api_id, "stage_name": "prod", "description": "", "names": ["v"], "values": ["saved"]}),
    )
    .await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap_or_default()
    );
    assert_eq!(
        invoke(gateway, &api_id, "prod").await,
        (StatusCode::OK, expected("19", "saved"))
    );

    // Roll back from the history.
    let first = first.expect("deployment 1");
    let res = app
        .call(
            "point_api_stage",
            &[
                ("api_id", &api_id),
                ("stage_name", "prod"),
                ("deployment_id", &first),
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
        invoke(gateway, &api_id, "prod").await,
        (StatusCode::OK, expected("1", "saved"))
    );
}

const BIN: &str = env!("CARGO_BIN_EXE_gatehouse");
const KEY_ID: &str = "AKIAGATEHOUSERUNTIME";
const SECRET: &str = "runtime-test-secret-access-key-0123456789";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// `gatehouse serve` on its embedded PostgreSQL; killed (and its cluster with it) when dropped.
struct Serve {
    child: std::process::Child,
    log: std::path::PathBuf,
}

impl Serve {
    fn start(dir: &std::path::Path, port: u16, gateway_port: u16) -> Serve {
        let log = dir.join("gatehouse.log");
        let child = std::process::Command::new(BIN)
            .arg("serve")
            .env_remove("DATABASE_URL")
            .env("GATEHOUSE_DATA_DIR", dir.join("data"))
            .env("GATEHOUSE_LISTEN", format!("127.0.0.1:{port}"))
            .env(
                "GATEHOUSE_GATEWAY_LISTEN",
                format!("127.0.0.1:{gateway_port}"),
            )
            .env("GATEHOUSE_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("GATEHOUSE_ACCESS_KEY_ID", KEY_ID)
            .env("GATEHOUSE_SECRET_ACCESS_KEY", SECRET)
            .env("RUST_LOG", "info")
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(&log).expect("log file"))
            .spawn()
            .expect("gatehouse starts");
        Serve { child, log }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn postmaster_pid(dir: &std::path::Path) -> Option<u32> {
    let text = std::fs::read_to_string(dir.join("data/pg/postmaster.pid")).ok()?;
    text.lines().next()?.trim().parse().ok()
}

/// Polls (bounded) until `/healthz` answers 200 while the postmaster is not `dead`.
async fn wait_healthy(serve: &mut Serve, dir: &std::path::Path, port: u16, dead: Option<u32>) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        if let Ok(Some(status)) = serve.child.try_wait() {
            panic!("gatehouse exited with {status}: {}", serve.log());
        }
        let pid = postmaster_pid(dir);
        if pid.is_some()
            && pid != dead
            && let Ok(res) = reqwest::get(format!("http://127.0.0.1:{port}/healthz")).await
            && res.status() == StatusCode::OK
        {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "gatehouse did not become healthy (postmaster {pid:?}, killed {dead:?}): {}",
            serve.log()
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn serve_restarts_its_embedded_postgres_after_kill_9() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::Builder::new()
        .prefix("gatehouse-runtime-")
        .tempdir_in("/tmp")
        .expect("tempdir");
    // As root, PostgreSQL runs as an unprivileged user that must be able to enter it.
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o711)).expect("chmod");
    let (port, gateway_port) = (free_port(), free_port());
    let mut serve = Serve::start(dir.path(), port, gateway_port);
    wait_healthy(&mut serve, dir.path(), port, None).await;
    let gateway: SocketAddr = format!("127.0.0.1:{gateway_port}").parse().expect("addr");

    // The test's own way in to the cluster (the private socket), for the LISTEN check below.
    let options = sqlx::postgres::PgConnectOptions::new_without_pgpass()
        .socket(dir.path().join("data/pg-socket"))
        .port(5432)
        .username("gatehouse")
        .database("gatehouse")
        .ssl_mode(sqlx::postgres::PgSslMode::Disable);
    let app = TestApp {
        addr: format!("127.0.0.1:{port}").parse().expect("addr"),
        pool: sqlx::postgres::PgPoolOptions::new()
            .max_connections(2)
            .acquire_timeout(std::time::Duration::from_secs(5))
            .connect_lazy_with(options),
        client: client(),
        master_key: master_key::MasterKey::generate(),
    };
    let key = Key {
        id: KEY_ID.to_owned(),
        secret: SECRET.to_owned(),
    };

    // Written before the crash: an API deployed to `before`.
    let (api_id, response) = mock_api(&app, &key).await;
    set_body(&app, &key, &response, "before").await;
    ok(
        &app,
        &key,
        Method::POST,
        &format!("/restapis/{api_id}/deployments"),
        Some(json!({"stageName": "before"})),
    )
    .await;
    assert_eq!(
        invoke(gateway, &api_id, "before").await,
        (StatusCode::OK, expected("before", ""))
    );

    let pid = postmaster_pid(dir.path()).expect("postmaster.pid");
    let killed = std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    wait_healthy(&mut serve, dir.path(), port, Some(pid)).await;

    // The console and the management API write again, and what was written before is there.
    app.sign_in_as_admin().await;
    let created = call(
        &app,
        &key,
        Method::POST,
        "/restapis",
        Some(json!({"name": "after-the-crash"})),
    )
    .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let listed = ok(&app, &key, Method::GET, "/restapis", None).await;
    let names: Vec<&str> = listed["item"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|api| api["name"].as_str())
        .collect();
    assert_eq!(names.len(), 2, "{listed}");
    assert!(names.contains(&"read-your-writes") && names.contains(&"after-the-crash"));

    // The gateway LISTENs again: a deployment written by another node (here, straight into
    // the database) is served well before the 30 s periodic reload.
    set_body(&app, &key, &response, "listened").await;
    apis::store::create_deployment(
        &app.pool,
        &apis::RestApiId::new(&api_id),
        "",
        Some(&apis::StageName::new("listened")),
        None,
    )
    .await
    .expect("deploy from elsewhere");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let got = invoke(gateway, &api_id, "listened").await;
        if got == (StatusCode::OK, expected("listened", "")) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the gateway did not pick up a deployment notified after the restart: {got:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    app.pool.close().await;
    let pid = postmaster_pid(dir.path()).expect("postmaster.pid");
    let stopped = std::process::Command::new("kill")
        .args(["-TERM", &serve.child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(stopped.success());
    let status = serve.child.wait().expect("wait");
    assert!(status.success(), "{status}: {}", serve.log());
    assert!(
        !std::path::Path::new(&format!("/proc/{pid}")).exists()
            || std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .is_ok_and(|s| s.contains(") Z")),
        "PostgreSQL stopped with gatehouse"
    );
}

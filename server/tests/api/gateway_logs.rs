//! What the gateway says about who called: the access log's `principal` and the Stage → Logs
//! entries take the `sub` of the claims the authorizer verified, never of a token it refused.

use std::io::Write;
use std::sync::{Arc, Mutex};

use apis::StageName;
use apis::model::{AuthorizerSettings, HttpMethod};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use server::gateway_server::GatewayServer;

use crate::helpers::{PoolUser, identity_of, mock_get_on_root, pool_user, spawn_app};

/// Collects formatted log output in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn access_lines(&self) -> Vec<Value> {
        let bytes = self.0.lock().expect("lock").clone();
        String::from_utf8_lossy(&bytes)
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter(|v| v["target"] == "gatehouse::access")
            .collect()
    }
}

#[tokio::test]
async fn a_forged_tokens_sub_is_never_the_principal() {
    // The test runtime is single-threaded, so the gateway's tasks log through this subscriber.
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_max_level(tracing::Level::INFO)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    // With a single (thread-local) dispatcher, tracing caches each call site's interest from the
    // first thread that reaches it; another test's thread, which has no subscriber, would switch
    // the access log off for this one too. A second live dispatcher makes call sites re-ask.
    let _second = tracing::Dispatch::new(tracing_subscriber::registry());

    let app = spawn_app().await;
    let console = format!("http://{}", app.addr);
    let idp = identity_of(&app);
    let PoolUser { arn, id_token, .. } = pool_user(
        &idp,
        json!({"PoolName": "logs"}),
        "dora",
        "Logs-Passw0rd!",
        json!([]),
    )
    .await;

    let api = apis::store::create_rest_api(&app.pool, "Logs", "")
        .await
        .expect("api");
    let root = api.root_resource_id.clone();
    let authorizer = apis::store::create_authorizer(
        &app.pool,
        &api.id,
        &AuthorizerSettings::new("pool", &[&arn]),
    )
    .await
    .expect("authorizer");
    mock_get_on_root(&app.pool, &api.id, &root, Some(&authorizer.id)).await;
    apis::store::put_integration_response(
        &app.pool,
        &api.id,
        &root,
        HttpMethod::Get,
        "200",
        &Default::default(),
    )
    .await
    .expect("integration response");
    apis::store::create_deployment(&app.pool, &api.id, "", Some(&StageName::new("prod")), None)
        .await
        .expect("deploy");

    let gateway = GatewayServer::build(
        "127.0.0.1:0".parse().expect("addr"),
        app.pool.clone(),
        idp.clone(),
        &console,
    )
    .await
    .expect("gateway");
    let recent = gateway.recent_requests();
    let base = format!("http://{}/{}/prod", gateway.local_addr(), api.id);
    tokio::spawn(gateway.run_until(std::future::pending()));
    let http = reqwest::Client::new();

    // The real token's header and signature around a payload naming someone else.
    let mut parts: Vec<String> = id_token.split('.').map(str::to_string).collect();
    let mut payload: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(&parts[1])
            .expect("payload is base64url"),
    )
    .expect("payload is JSON");
    let real_sub = payload["sub"].as_str().expect("sub").to_string();
    payload["sub"] = json!("forged-principal");
    parts[1] = URL_SAFE_NO_PAD.encode(payload.to_string());
    let forged = parts.join(".");

    for token in [forged.as_str(), id_token.as_str()] {
        http.get(format!("{base}/"))
            .header("Authorization", token)
            .send()
            .await
            .expect("request");
    }

    let statuses: Vec<u16> = recent
        .list(&api.id, &StageName::new("prod"))
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [200, 401], "newest first");
    let entries = recent.list(&api.id, &StageName::new("prod"));
    assert_eq!(entries[0].auth.principal(), Some(real_sub.as_str()));
    assert_eq!(entries[1].auth.principal(), None);
    assert!(
        matches!(&entries[1].auth, gateway::AuthOutcome::Denied { reason } if reason.starts_with("signature: ")),
        "{:?}",
        entries[1].auth
    );
    assert_eq!(entries[1].resource.as_deref(), Some("/"));

    let lines = captured.access_lines();
    let principals: Vec<(u64, String)> = lines
        .iter()
        .map(|l| {
            (
                l["fields"]["status"].as_u64().unwrap_or_default(),
                l["fields"]["principal"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect();
    assert_eq!(
        principals,
        [(401, String::new()), (200, real_sub.clone())],
        "{lines:#?}"
    );
    let all = String::from_utf8_lossy(&captured.0.lock().expect("lock")).into_owned();
    assert!(!all.contains("forged-principal"), "{all}");

    // Deleting the stage drops its requests once the gateway reloads (NOTIFY, within a second).
    apis::store::delete_stage(&app.pool, &api.id, &StageName::new("prod"))
        .await
        .expect("delete stage");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !recent.list(&api.id, &StageName::new("prod")).is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "the deleted stage's requests are still listed"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

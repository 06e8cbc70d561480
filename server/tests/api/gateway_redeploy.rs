//! Redeploying under load: concurrent clients call a stage for 10 s while it is redeployed 20
//! times, alternating two MOCK templates. Not one request may fail, and every answer must be
//! one of the two deployments' bodies (in-flight requests finish on the snapshot they started
//! with; the swap is atomic).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use apis::model::{HttpMethod, IntegrationResponseSettings};
use apis::{ResourceId, RestApiId, StageName};

use crate::helpers::{identity_of, mock_get_on_root, spawn_app, start_gateway};

const A: &str = r#"{"deployment":"A"}"#;
const B: &str = r#"{"deployment":"B"}"#;
const CLIENTS: usize = 8;
const LOAD_FOR: Duration = Duration::from_secs(10);
const REDEPLOYS: u32 = 20;

/// Sets the 200 template to `body` and deploys the API to `prod`.
async fn deploy(pool: &sqlx::PgPool, api_id: &RestApiId, root: &ResourceId, body: &str) {
    let templates: BTreeMap<String, String> =
        [("application/json".to_owned(), body.to_owned())].into();
    apis::store::put_integration_response(
        pool,
        api_id,
        root,
        HttpMethod::Get,
        "200",
        &IntegrationResponseSettings {
            response_templates: templates,
            ..Default::default()
        },
    )
    .await
    .expect("integration response");
    apis::store::create_deployment(
        pool,
        api_id,
        "redeploy",
        Some(&StageName::new("prod")),
        None,
    )
    .await
    .expect("deploy");
}

#[derive(Default)]
struct Tally {
    a: u64,
    b: u64,
    failures: Vec<String>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redeploying_twenty_times_under_load_fails_no_request() {
    let app = spawn_app().await;
    let console = format!("http://{}", app.addr);
    let idp = identity_of(&app);
    let db = &app.pool;
    let api = apis::store::create_rest_api(db, "Redeploy", "")
        .await
        .expect("api");
    let root = api.root_resource_id.clone();
    mock_get_on_root(db, &api.id, &root, None).await;
    deploy(db, &api.id, &root, A).await;

    let gateway_addr = start_gateway(db, idp, &console).await;
    let url = format!("http://{}/{}/prod/", gateway_addr, api.id);

    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut clients = Vec::new();
    for _ in 0..CLIENTS {
        let (url, stop) = (url.clone(), Arc::clone(&stop));
        clients.push(tokio::spawn(async move {
            // One keep-alive connection per client, as a real caller would hold.
            let http = reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .build()
                .expect("client");
            let mut tally = Tally::default();
            while !stop.load(Ordering::Relaxed) {
                match http.get(&url).send().await {
                    Ok(res) => {
                        let status = res.status();
                        match res.text().await {
                            Ok(body) if status == 200 && body == A => tally.a += 1,
                            Ok(body) if status == 200 && body == B => tally.b += 1,
                            Ok(body) => tally.failures.push(format!("{status} {body}")),
                            Err(e) => tally.failures.push(format!("{status} body: {e}")),
                        }
                    }
                    Err(e) => tally.failures.push(format!("request: {e}")),
                }
            }
            tally
        }));
    }

    // 20 redeploys spread over the load window, alternating B, A, B, ...
    let every = LOAD_FOR / (REDEPLOYS + 1);
    let mut last = A;
    for i in 0..REDEPLOYS {
        tokio::time::sleep(every).await;
        last = if i % 2 == 0 { B } else { A };
        deploy(db, &api.id, &root, last).await;
    }
    tokio::time::sleep(LOAD_FOR.saturating_sub(started.elapsed())).await;
    stop.store(true, Ordering::Relaxed);

    let mut total = Tally::default();
    for client in clients {
        let t = client.await.expect("client task");
        total.a += t.a;
        total.b += t.b;
        total.failures.extend(t.failures);
    }
    assert!(
        total.failures.is_empty(),
        "{} of {} requests failed, first: {:?}",
        total.failures.len(),
        total.a + total.b + total.failures.len() as u64,
        total.failures.first()
    );
    assert!(
        total.a > 0 && total.b > 0,
        "both deployments served: A {} B {}",
        total.a,
        total.b
    );

    // The last deployment is the one in force once the dust settles.
    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let body = http
            .get(&url)
            .send()
            .await
            .expect("request")
            .text()
            .await
            .expect("body");
        if body == last {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "still serving {body} instead of {last}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

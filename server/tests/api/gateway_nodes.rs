//! Several Gatehouse nodes on one database: a deployment made through one is served by every
//! node within a second (the `api_stages` trigger notifies, each gateway LISTENs and reloads).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use apis::model::{HttpMethod, IntegrationResponseSettings};
use apis::{ResourceId, RestApiId, StageName};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{identity_of, mock_get_on_root, spawn_app, start_gateway};

/// Sets the MOCK integration's 200 response template and deploys to `prod`.
async fn deploy(pool: &sqlx::PgPool, api_id: &RestApiId, root: &ResourceId, template: &str) {
    let mut templates = BTreeMap::new();
    templates.insert("application/json".to_string(), template.to_string());
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
    apis::store::create_deployment(pool, api_id, "nodes", Some(&StageName::new("prod")), None)
        .await
        .expect("deploy");
}

/// Polls `url` until it answers 200 with `want`; the delay since `since`, or a panic once
/// `since` + 1 s has passed.
async fn served_within_a_second(
    http: &reqwest::Client,
    node: &str,
    url: &str,
    want: &Value,
    since: Instant,
) -> Duration {
    let deadline = since + Duration::from_secs(1);
    loop {
        let res = http.get(url).send().await.expect("request");
        let status = res.status();
        let body: Option<Value> = res.json().await.ok();
        if status == StatusCode::OK && body.as_ref() == Some(want) {
            return since.elapsed();
        }
        assert!(
            Instant::now() < deadline,
            "{node} did not serve {want} within 1 s of the deployment: {status} {body:?}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deployment_reaches_every_node_within_a_second() {
    let app = spawn_app().await;
    let console = format!("http://{}", app.addr);
    let idp = identity_of(&app);

    // Two nodes on the same database, started before anything is deployed.
    let mut bases = Vec::new();
    for _ in 0..2 {
        let node_addr = start_gateway(&app.pool, idp.clone(), &console).await;
        bases.push(format!("http://{}", node_addr));
    }
    // Let both subscribe (a deployment before that is caught by the post-subscribe reload,
    // but the point here is the notification path).
    tokio::time::sleep(Duration::from_millis(200)).await;

    let api = apis::store::create_rest_api(&app.pool, "Nodes", "")
        .await
        .expect("api");
    let root = api.root_resource_id.clone();
    mock_get_on_root(&app.pool, &api.id, &root, None).await;

    let http = reqwest::Client::new();
    let urls: Vec<String> = bases
        .iter()
        .map(|b| format!("{b}/{}/prod/", api.id))
        .collect();

    // Nothing deployed yet: both nodes answer 403 Missing Authentication Token.
    for url in &urls {
        let res = http.get(url).send().await.expect("request");
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
    }

    deploy(&app.pool, &api.id, &root, r#"{"version": "one"}"#).await;
    let deployed = Instant::now();
    let want = json!({"version": "one"});
    let second = served_within_a_second(&http, "node 2", &urls[1], &want, deployed).await;
    let first = served_within_a_second(&http, "node 1", &urls[0], &want, deployed).await;
    println!("first deployment: node 2 after {second:?}, node 1 after {first:?}");

    deploy(&app.pool, &api.id, &root, r#"{"version": "two"}"#).await;
    let redeployed = Instant::now();
    let want = json!({"version": "two"});
    let (first, second) = tokio::join!(
        served_within_a_second(&http, "node 1", &urls[0], &want, redeployed),
        served_within_a_second(&http, "node 2", &urls[1], &want, redeployed),
    );
    println!("redeployment: node 1 after {first:?}, node 2 after {second:?}");
}

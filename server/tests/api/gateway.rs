//! The seed's workflow end to end over real HTTP: a user pool and a confirmed user, an API whose
//! GET is guarded by a Cognito authorizer with a MOCK integration rendering claims, deployed
//! to `prod`, served by the gateway listener — 401 without a token, 200 with claims with one,
//! and a redeploy picked up without a restart.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use apis::model::{
    AuthorizerSettings, HttpMethod, IntegrationResponseSettings, IntegrationSettings,
    MethodResponseSettings, MethodSettings,
};
use apis::{ResourceId, RestApiId, StageName};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{
    PoolUser, identity_of, mock_get_on_root, pool_user, spawn_app, start_gateway,
};

async fn deploy_template(
    pool: &sqlx::PgPool,
    api_id: &RestApiId,
    root: &ResourceId,
    template: &str,
) {
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
    apis::store::create_deployment(pool, api_id, "test", Some(&StageName::new("prod")), None)
        .await
        .expect("deploy");
}

#[tokio::test]
async fn a_deployed_stage_enforces_its_cognito_authorizer_and_renders_claims() {
    let app = spawn_app().await;
    let console = format!("http://{}", app.addr);
    let idp = identity_of(&app);
    let PoolUser {
        arn, client_id, id_token, access_token, ..
    } = pool_user(
        &idp,
        json!({"PoolName": "seed", "Schema": [{"Name": "role", "AttributeDataType": "String", "Mutable": true}]}),
        "carol",
        "Seed-Passw0rd!",
        json!([{"Name": "custom:role", "Value": "admin"}]),
    )
    .await;

    let api = apis::store::create_rest_api(&app.pool, "PetStore", "")
        .await
        .expect("api");
    let root = api.root_resource_id.clone();
    let mut authorizer = AuthorizerSettings::new("MyUserPool", &[&arn]);
    authorizer.identity_validation_expression = Some(client_id.clone());
    let authorizer = apis::store::create_authorizer(&app.pool, &api.id, &authorizer)
        .await
        .expect("authorizer");
    mock_get_on_root(&app.pool, &api.id, &root, Some(&authorizer.id)).await;
    deploy_template(
        &app.pool,
        &api.id,
        &root,
        r#"{ "context" : { "sub" : "$context.authorizer.claims.sub", "role" : "$context.authorizer.claims['custom:role']" } }"#,
    )
    .await;

    let gateway_addr = start_gateway(&app.pool, idp.clone(), &console).await;
    let base = format!("http://{}/{}/prod", gateway_addr, api.id);
    let http = reqwest::Client::new();

    let res = http.get(format!("{base}/")).send().await.expect("request");
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(res.headers()["x-amzn-errortype"], "UnauthorizedException");
    assert!(res.headers().contains_key("x-amzn-requestid"));
    assert_eq!(
        res.json::<Value>().await.expect("json"),
        json!({"message": "Unauthorized"})
    );

    let res = http
        .get(format!("{base}/"))
        .header("Authorization", &id_token)
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.expect("json");
    let sub = body["context"]["sub"].as_str().expect("sub");
    assert_eq!(sub.len(), 36, "a UUID sub: {body}");
    assert_eq!(body["context"]["role"], "admin");

    // An access token is refused on a method without scopes (and by the validation expression).
    let res = http
        .get(format!("{base}/"))
        .header("Authorization", format!("Bearer {access_token}"))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // A tampered token is refused.
    let mut parts: Vec<String> = id_token.split('.').map(str::to_string).collect();
    parts[1] = format!("{}A", &parts[1][..parts[1].len() - 1]);
    let res = http
        .get(format!("{base}/"))
        .header("Authorization", parts.join("."))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    let res = http
        .get(format!("{base}/nowhere"))
        .header("Authorization", &id_token)
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        res.json::<Value>().await.expect("json"),
        json!({"message": "Missing Authentication Token"})
    );

    // Redeploying changes what the running gateway serves, without a restart.
    deploy_template(
        &app.pool,
        &api.id,
        &root,
        r#"{"hello": "$context.authorizer.claims['cognito:username']"}"#,
    )
    .await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let res = http
            .get(format!("{base}/"))
            .header("Authorization", &id_token)
            .send()
            .await
            .expect("request");
        let body: Value = res.json().await.expect("json");
        if body == json!({"hello": "carol"}) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the new deployment was not picked up: {body}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// `$context.identity.sourceIp` is the address of the TCP connection (as API Gateway reports
/// it): an X-Forwarded-For header a client adds cannot change it. A body over the 10 MB payload
/// limit is refused with 413 before the pipeline runs.
#[tokio::test]
async fn source_ip_is_the_peer_and_oversized_bodies_are_refused() {
    let app = spawn_app().await;
    let api = apis::store::create_rest_api(&app.pool, "Echo", "")
        .await
        .expect("api");
    let root = api.root_resource_id.clone();
    for verb in [HttpMethod::Get, HttpMethod::Post] {
        apis::store::put_method(&app.pool, &api.id, &root, verb, &MethodSettings::default())
            .await
            .expect("method");
        let mut mock = IntegrationSettings::mock();
        mock.request_templates
            .insert("application/json".into(), r#"{"statusCode": 200}"#.into());
        apis::store::put_integration(&app.pool, &api.id, &root, verb, &mock)
            .await
            .expect("integration");
        apis::store::put_method_response(
            &app.pool,
            &api.id,
            &root,
            verb,
            "200",
            &MethodResponseSettings::default(),
        )
        .await
        .expect("method response");
    }
    apis::store::put_integration_response(
        &app.pool,
        &api.id,
        &root,
        HttpMethod::Post,
        "200",
        &IntegrationResponseSettings::default(),
    )
    .await
    .expect("integration response");
    deploy_template(
        &app.pool,
        &api.id,
        &root,
        r#"{"ip": "$context.identity.sourceIp", "agent": "$context.identity.userAgent"}"#,
    )
    .await;
    let gateway_addr = start_gateway(
        &app.pool,
        identity_of(&app),
        &format!("http://{}", app.addr),
    )
    .await;
    let base = format!("http://{}/{}/prod", gateway_addr, api.id);
    let http = reqwest::Client::new();

    let res = http
        .get(format!("{base}/"))
        .header("X-Forwarded-For", "203.0.113.9")
        .header("User-Agent", "probe/1")
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.json::<Value>().await.expect("json"),
        json!({"ip": "127.0.0.1", "agent": "probe/1"})
    );

    let res = http
        .post(format!("{base}/"))
        .header("content-type", "application/json")
        .body(vec![b' '; 10 * 1024 * 1024 + 1])
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        res.json::<Value>().await.expect("json"),
        json!({"message": "Request Too Long"})
    );
    // At the limit, the request goes through.
    let res = http
        .post(format!("{base}/"))
        .header("content-type", "application/json")
        .body(vec![b' '; 10 * 1024 * 1024])
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::OK);
}

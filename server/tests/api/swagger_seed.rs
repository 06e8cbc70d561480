//! The seed's second way to enable a user pool authorizer, end to end over real HTTP: its
//! Swagger example (trailing comma removed, this Gatehouse's pool ARN) imported with the
//! `openapi` crate gives the `MyUserPool` authorizer on `GET /` with a MOCK integration;
//! deployed, the gateway answers 401 without a token and 200 with a pool user's ID token.
//! Verbatim, the example is refused at its stray comma. An imported AWS integration is
//! stored, and the gateway answers it with 500 rather than failing.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{PoolUser, identity_of, pool_user, spawn_app, start_gateway};

const SEED: &str = include_str!("../../../openapi/tests/data/seed-cognito-user-pool.json");
const PETSTORE: &str = include_str!("../../../openapi/tests/data/aws-export-petstore.json");

fn ctx() -> openapi::ImportContext {
    openapi::ImportContext {
        account_id: "000000000000".into(),
        region: "us-east-1".into(),
    }
}

#[tokio::test]
async fn the_seed_swagger_example_imports_deploys_and_guards_get_root() {
    let app = spawn_app().await;
    let console = format!("http://{}", app.addr);
    let idp = identity_of(&app);
    let PoolUser { arn, id_token, .. } = pool_user(
        &idp,
        json!({"PoolName": "seed"}),
        "dana",
        "Seed-Passw0rd!",
        json!([{"Name": "email", "Value": "dana@example.com"}]),
    )
    .await;

    // Verbatim: refused at the stray comma, nothing stored.
    let err = openapi::import(&app.pool, &ctx(), None, openapi::ImportMode::New, SEED)
        .await
        .expect_err("the trailing comma");
    assert!(
        matches!(&err, openapi::OpenApiError::Syntax { message, .. } if message.starts_with("trailing comma")),
        "{err:?}"
    );
    assert!(
        apis::store::list_rest_apis(&app.pool)
            .await
            .expect("list")
            .is_empty()
    );

    let fixed = SEED
        .replacen(
            "</html>\"\n              },\n",
            "</html>\"\n              }\n",
            1,
        )
        .replace(
            "arn:aws:cognito-idp:{region}:{account_id}:userpool/{user_pool_id}",
            &arn,
        );
    let imported = openapi::import(&app.pool, &ctx(), None, openapi::ImportMode::New, &fixed)
        .await
        .expect("import");
    assert!(
        imported.preview.warnings.is_empty(),
        "the pool is this Gatehouse's: {:?}",
        imported.preview.warnings
    );
    let api_id = imported.api_id;
    let authorizers = apis::store::list_authorizers(&app.pool, &api_id)
        .await
        .expect("authorizers");
    assert_eq!(authorizers.len(), 1);
    assert_eq!(authorizers[0].name, "MyUserPool");
    let resources = apis::store::list_resources(&app.pool, &api_id)
        .await
        .expect("resources");
    let get = &resources[0].resource_methods[&apis::HttpMethod::Get];
    assert_eq!(
        get.authorizer_id.as_deref(),
        Some(authorizers[0].id.as_str())
    );
    assert_eq!(
        get.method_integration.as_ref().expect("integration").kind,
        apis::IntegrationType::Mock
    );

    apis::store::create_deployment(
        &app.pool,
        &api_id,
        "imported",
        Some(&apis::StageName::new("test")),
        None,
    )
    .await
    .expect("deploy");
    let petstore = openapi::import(&app.pool, &ctx(), None, openapi::ImportMode::New, PETSTORE)
        .await
        .expect("petstore");
    apis::store::create_deployment(
        &app.pool,
        &petstore.api_id,
        "",
        Some(&apis::StageName::new("prod")),
        None,
    )
    .await
    .expect("deploy petstore");

    let addr = start_gateway(&app.pool, idp.clone(), &console).await;
    let http = reqwest::Client::new();
    let url = format!("http://{addr}/{api_id}/test/");

    let res = http.get(&url).send().await.expect("request");
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        res.json::<Value>().await.expect("json"),
        json!({"message": "Unauthorized"})
    );

    let res = http
        .get(&url)
        .header("Authorization", &id_token)
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "text/html");
    let body = res.text().await.expect("body");
    assert_eq!(
        body,
        "<html><body><h1>Hello, dana@example.com</h1></body></html>"
    );

    // The imported AWS (Lambda) integration is stored but cannot run here: 500, no panic.
    let res = http
        .get(format!(
            "http://{addr}/{}/prod/calc?operand1=1&operand2=2&operator=add",
            petstore.api_id
        ))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        res.json::<Value>().await.expect("json"),
        json!({"message": "Internal server error"})
    );
}

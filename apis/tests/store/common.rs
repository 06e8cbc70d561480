use apis::{
    ApisError, HttpMethod, IntegrationSettings, MethodSettings, Resource, ResourceId, RestApi,
    store,
};
use sqlx::PgPool;

pub const POOL_ARN: &str =
    "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_AbC123xyz";

pub async fn new_api(db: &PgPool) -> RestApi {
    store::create_rest_api(db, "Pets", "The pet store")
        .await
        .unwrap()
}

pub async fn child(db: &PgPool, api: &RestApi, parent_id: &ResourceId, part: &str) -> Resource {
    store::create_resource(db, &api.id, parent_id, part)
        .await
        .unwrap()
}

/// A method with a MOCK integration.
pub async fn mock_method(db: &PgPool, api: &RestApi, resource_id: &ResourceId, verb: HttpMethod) {
    store::put_method(db, &api.id, resource_id, verb, &MethodSettings::default())
        .await
        .unwrap();
    store::put_integration(db, &api.id, resource_id, verb, &IntegrationSettings::mock())
        .await
        .unwrap();
}

/// Asserts a validation error on `field` with exactly `message`.
pub fn assert_invalid(err: ApisError, field: &str, message: &str) {
    match err {
        ApisError::Invalid {
            field: f,
            message: m,
        } => {
            assert_eq!(f, field, "field of {m:?}");
            assert_eq!(m, message);
        }
        other => panic!("expected Invalid on {field}, got {other:?}"),
    }
}

/// Asserts a validation error on `field` (any message); returns the message.
pub fn assert_invalid_field(err: ApisError, field: &str) -> String {
    match err {
        ApisError::Invalid { field: f, message } => {
            assert_eq!(f, field, "field of {message:?}");
            message
        }
        other => panic!("expected Invalid on {field}, got {other:?}"),
    }
}

pub async fn count(db: &PgPool, table: &str) -> i64 {
    // Test-only dynamic table name from a fixed list.
    let sql = match table {
        "rest_apis" => "SELECT count(*) FROM rest_apis",
        "api_resources" => "SELECT count(*) FROM api_resources",
        "api_methods" => "SELECT count(*) FROM api_methods",
        "api_integrations" => "SELECT count(*) FROM api_integrations",
        "api_integration_responses" => "SELECT count(*) FROM api_integration_responses",
        "api_method_responses" => "SELECT count(*) FROM api_method_responses",
        "api_authorizers" => "SELECT count(*) FROM api_authorizers",
        "api_deployments" => "SELECT count(*) FROM api_deployments",
        "api_stages" => "SELECT count(*) FROM api_stages",
        other => panic!("unknown table {other}"),
    };
    sqlx::query_scalar(sql).fetch_one(db).await.unwrap()
}

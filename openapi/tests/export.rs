//! Export against PostgreSQL: AWS's shape, the extension switches, stage vs working copy, and
//! round trips (export → import as a new API → export gives the same document, modulo ids and
//! the export time) for every test document, both specs and both formats.
#![allow(clippy::unwrap_used)]

use apis::store;
use apis::{RestApiId, StageName};
use openapi::{
    ExportOptions, Extensions, Format, ImportMode, Spec, content_type, export_api, export_stage,
    file_name, import, parse,
};
use serde_json::{Value, json};
use sqlx::PgPool;

mod common;
use common::*;

const ALL_SPECS: [Spec; 2] = [Spec::Swagger2, Spec::OpenApi3];
const ALL_FORMATS: [Format; 2] = [Format::Json, Format::Yaml];

fn opts(spec: Spec, format: Format, extensions: Extensions) -> ExportOptions {
    ExportOptions {
        spec,
        format,
        extensions,
    }
}

fn documents() -> Vec<(&'static str, String)> {
    vec![
        ("seed", seed_fixed(POOL_ARN)),
        ("petstore", data("aws-export-petstore.json")),
        ("oas30", data("oas30-cognito.yaml")),
        ("proxy", data("proxy-any.json")),
        ("iam", data("iam-and-lambda.json")),
    ]
}

#[sqlx::test(migrations = "../migrations")]
async fn round_trips_give_the_same_document(db: PgPool) {
    embedded_pool(&db, POOL_ID).await;
    for (name, text) in documents() {
        let first = import(&db, &ctx(), None, ImportMode::New, &text)
            .await
            .unwrap();
        for spec in ALL_SPECS {
            for format in ALL_FORMATS {
                let o = opts(spec, format, Extensions::Both);
                let exported = export_api(&db, &ctx(), &first.api_id, &o).await.unwrap();
                let again = import(&db, &ctx(), None, ImportMode::New, &exported)
                    .await
                    .unwrap_or_else(|e| panic!("{name} {spec:?} {format:?}: {e}\n{exported}"));
                let reexported = export_api(&db, &ctx(), &again.api_id, &o).await.unwrap();
                assert_eq!(
                    without_version(&exported),
                    without_version(&reexported),
                    "{name} {spec:?} {format:?}"
                );
                // The stored APIs are the same too (ids and versions aside).
                let (a, va) = store::working_copy(&db, &first.api_id).await.unwrap();
                let (b, vb) = store::working_copy(&db, &again.api_id).await.unwrap();
                assert_eq!(
                    apis::store::ApiDefinition::from_snapshot(&a, &va),
                    apis::store::ApiDefinition::from_snapshot(&b, &vb),
                    "{name} {spec:?} {format:?}"
                );
                assert_eq!(
                    again
                        .preview
                        .warnings
                        .iter()
                        .filter(|w| w.contains("not one of"))
                        .count(),
                    first
                        .preview
                        .warnings
                        .iter()
                        .filter(|w| w.contains("not one of"))
                        .count(),
                );
            }
        }
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_export_has_aws_shape(db: PgPool) {
    embedded_pool(&db, POOL_ID).await;
    let api = import(&db, &ctx(), None, ImportMode::New, &seed_fixed(POOL_ARN))
        .await
        .unwrap();
    let text = export_api(
        &db,
        &ctx(),
        &api.api_id,
        &opts(Spec::Swagger2, Format::Json, Extensions::Both),
    )
    .await
    .unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["swagger"], "2.0");
    assert_eq!(doc["info"]["title"], "cognito-user-pool-auth-api");
    let get = &doc["paths"]["/"]["get"];
    // Derived as AWS does (and as the seed's own example has them).
    assert_eq!(get["consumes"], serde_json::json!(["application/json"]));
    assert_eq!(get["produces"], serde_json::json!(["text/html"]));
    assert_eq!(get["security"], serde_json::json!([{"MyUserPool": []}]));
    assert_eq!(get["responses"]["200"]["description"], "200 response");
    assert_eq!(
        get["responses"]["200"]["headers"]["Content-Type"]["type"],
        "string"
    );
    let integration = &get["x-amazon-apigateway-integration"];
    assert_eq!(integration["type"], "mock");
    assert_eq!(integration["passthroughBehavior"], "when_no_match");
    assert_eq!(
        integration["responses"]["default"]["statusCode"], "200",
        "the default response is keyed `default`"
    );
    let scheme = &doc["securityDefinitions"]["MyUserPool"];
    assert_eq!(scheme["type"], "apiKey");
    assert_eq!(scheme["name"], "Authorization");
    assert_eq!(scheme["in"], "header");
    assert_eq!(scheme["x-amazon-apigateway-authtype"], "cognito_user_pools");
    assert_eq!(
        scheme["x-amazon-apigateway-authorizer"],
        serde_json::json!({"type": "cognito_user_pools", "providerARNs": [POOL_ARN]})
    );
    // Keys in AWS's order, not sorted.
    let swagger_at = text.find("\"swagger\"").unwrap();
    let info_at = text.find("\"info\"").unwrap();
    let paths_at = text.find("\"paths\"").unwrap();
    assert!(swagger_at < info_at && info_at < paths_at);

    // OpenAPI 3: components.securitySchemes, schema-typed headers.
    let text = export_api(
        &db,
        &ctx(),
        &api.api_id,
        &opts(Spec::OpenApi3, Format::Yaml, Extensions::Both),
    )
    .await
    .unwrap();
    let parsed = parse(&text).unwrap();
    assert_eq!(parsed.spec, Spec::OpenApi3);
    assert_eq!(parsed.format, Format::Yaml);
    assert_eq!(parsed.root["openapi"], "3.0.1");
    assert_eq!(
        parsed.root["components"]["securitySchemes"]["MyUserPool"]["x-amazon-apigateway-authtype"],
        "cognito_user_pools"
    );
    assert_eq!(
        parsed.root["paths"]["/"]["get"]["responses"]["200"]["headers"]["Content-Type"]["schema"]["type"],
        "string"
    );
}

/// AWS_IAM methods reference an `awsSigv4` scheme, as AWS exports them; CUSTOM ones a scheme
/// marking a Lambda token authorizer (whose details were never imported), so that both import
/// back as they were instead of as NONE.
#[sqlx::test(migrations = "../migrations")]
async fn iam_and_custom_methods_export_with_their_schemes(db: PgPool) {
    let api = import(
        &db,
        &ctx(),
        None,
        ImportMode::New,
        &data("iam-and-lambda.json"),
    )
    .await
    .unwrap();
    let export = |extensions| {
        let db = db.clone();
        let id = api.api_id.clone();
        async move {
            let text = export_api(
                &db,
                &ctx(),
                &id,
                &opts(Spec::Swagger2, Format::Json, extensions),
            )
            .await
            .unwrap();
            serde_json::from_str::<Value>(&text).unwrap()
        }
    };
    let doc = export(Extensions::Both).await;
    let paths = &doc["paths"];
    assert_eq!(paths["/signed"]["get"]["security"], json!([{"sigv4": []}]));
    assert_eq!(
        paths["/operation-iam"]["get"]["security"],
        json!([{"sigv4": []}])
    );
    assert_eq!(
        paths["/lambda"]["post"]["security"],
        json!([{"custom_authorizer": []}])
    );
    assert!(paths["/open"]["get"].get("security").is_none());
    assert_eq!(
        doc["securityDefinitions"],
        json!({
            "sigv4": {"type": "apiKey", "name": "Authorization", "in": "header",
                "x-amazon-apigateway-authtype": "awsSigv4"},
            "custom_authorizer": {"type": "apiKey", "name": "Authorization", "in": "header",
                "x-amazon-apigateway-authtype": "custom",
                "x-amazon-apigateway-authorizer": {"type": "token"}}
        })
    );
    // Without the authorizer extensions, no x-amazon-* keys (as AWS).
    let doc = export(Extensions::None).await;
    assert_eq!(
        doc["securityDefinitions"],
        json!({
            "sigv4": {"type": "apiKey", "name": "Authorization", "in": "header"},
            "custom_authorizer": {"type": "apiKey", "name": "Authorization", "in": "header"}
        })
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn extension_switches(db: PgPool) {
    embedded_pool(&db, POOL_ID).await;
    let api = import(
        &db,
        &ctx(),
        None,
        ImportMode::New,
        &data("aws-export-petstore.json"),
    )
    .await
    .unwrap();
    let api2 = import(&db, &ctx(), None, ImportMode::New, &seed_fixed(POOL_ARN))
        .await
        .unwrap();
    for spec in ALL_SPECS {
        let export = |id: RestApiId, e: Extensions| {
            let db = db.clone();
            async move {
                export_api(&db, &ctx(), &id, &opts(spec, Format::Json, e))
                    .await
                    .unwrap()
            }
        };
        let none = export(api.api_id.clone(), Extensions::None).await;
        assert!(!none.contains("x-amazon-apigateway"), "{none}");
        let integrations = export(api.api_id.clone(), Extensions::Integrations).await;
        assert!(integrations.contains("x-amazon-apigateway-integration"));
        assert!(integrations.contains("x-amazon-apigateway-request-validators"));
        assert!(integrations.contains("\"type\": \"aws\""));
        let seed_none = export(api2.api_id.clone(), Extensions::None).await;
        assert!(seed_none.contains("\"MyUserPool\""), "schemes stay, plain");
        assert!(!seed_none.contains("x-amazon-apigateway"));
        let seed_auth = export(api2.api_id.clone(), Extensions::Authorizers).await;
        assert!(seed_auth.contains("x-amazon-apigateway-authorizer"));
        assert!(!seed_auth.contains("x-amazon-apigateway-integration"));
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_stage_exports_its_deployment_not_the_working_copy(db: PgPool) {
    embedded_pool(&db, POOL_ID).await;
    let api = import(&db, &ctx(), None, ImportMode::New, &seed_fixed(POOL_ARN))
        .await
        .unwrap();
    let deployment =
        store::create_deployment(&db, &api.api_id, "v1", Some(&StageName::new("prod")), None)
            .await
            .unwrap();
    // The working copy moves on.
    let merged = r#"{"swagger": "2.0", "info": {"title": "x"}, "paths": {"/later": {"get": {"x-amazon-apigateway-integration": {"type": "mock"}}}}}"#;
    import(&db, &ctx(), Some(&api.api_id), ImportMode::Merge, merged)
        .await
        .unwrap();
    let o = opts(Spec::Swagger2, Format::Json, Extensions::Both);
    let stage = export_stage(&db, &ctx(), &api.api_id, &StageName::new("prod"), &o)
        .await
        .unwrap();
    let working = export_api(&db, &ctx(), &api.api_id, &o).await.unwrap();
    assert!(!stage.contains("/later"));
    assert!(working.contains("/later"));
    let doc: Value = serde_json::from_str(&stage).unwrap();
    assert_eq!(doc["basePath"], "/prod");
    let when = deployment
        .created_date
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    assert_eq!(
        doc["info"]["version"],
        when.as_str(),
        "the deployment's time"
    );
    let o3 = opts(Spec::OpenApi3, Format::Json, Extensions::None);
    let stage3 = export_stage(&db, &ctx(), &api.api_id, &StageName::new("prod"), &o3)
        .await
        .unwrap();
    let doc: Value = serde_json::from_str(&stage3).unwrap();
    assert_eq!(
        doc["servers"][0]["variables"]["basePath"]["default"],
        "prod"
    );

    let err = export_stage(&db, &ctx(), &api.api_id, &StageName::new("nope"), &o)
        .await
        .unwrap_err();
    assert_eq!(err.status(), 404);
}

#[test]
fn file_names_and_content_types() {
    let o = opts(Spec::Swagger2, Format::Json, Extensions::Both);
    assert_eq!(
        file_name("Pet Store", Some(&StageName::new("prod")), &o),
        "Pet-Store-prod-swagger.json"
    );
    assert_eq!(content_type(&o), "application/json");
    let o = opts(Spec::OpenApi3, Format::Yaml, Extensions::None);
    assert_eq!(file_name("orders", None, &o), "orders-oas30.yaml");
    assert_eq!(content_type(&o), "application/yaml");
    assert_eq!(file_name("../..", None, &o), "api-oas30.yaml");
}

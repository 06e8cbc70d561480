//! Importing against PostgreSQL (`DATABASE_URL`): what each mode stores, the preview, pool
//! matching, and that a refused import stores nothing.
#![allow(clippy::unwrap_used)]

use apis::{AuthorizationType, HttpMethod, IntegrationType, store};
use openapi::{Change, ChangeKind, ImportMode, OpenApiError, import, preview_import};
use sqlx::PgPool;

mod common;
use common::*;

fn changes(list: &[Change]) -> Vec<String> {
    list.iter()
        .map(|c| {
            let kind = match c.kind {
                ChangeKind::Create => "create",
                ChangeKind::Update => "update",
                ChangeKind::Delete => "delete",
            };
            format!("{kind} {} {}", c.entity, c.what)
        })
        .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_seed_imports_with_the_embedded_pool(db: PgPool) {
    embedded_pool(&db, POOL_ID).await;
    let text = seed_fixed(POOL_ARN);
    let before = row_counts(&db).await;
    let preview = preview_import(&db, &ctx(), None, ImportMode::New, &text)
        .await
        .unwrap();
    assert_eq!(row_counts(&db).await, before, "a preview writes nothing");
    assert_eq!(preview.api_name, "cognito-user-pool-auth-api");
    assert_eq!(
        changes(&preview.changes),
        [
            "create api cognito-user-pool-auth-api",
            "create authorizer MyUserPool",
            "create method GET /",
        ]
    );
    assert!(preview.warnings.is_empty(), "{:?}", preview.warnings);

    let imported = import(&db, &ctx(), None, ImportMode::New, &text)
        .await
        .unwrap();
    assert_eq!(imported.preview, preview);
    let authorizers = store::list_authorizers(&db, &imported.api_id)
        .await
        .unwrap();
    assert_eq!(authorizers.len(), 1);
    assert_eq!(authorizers[0].name, "MyUserPool");
    assert_eq!(authorizers[0].provider_arns, [POOL_ARN]);
    let resources = store::list_resources(&db, &imported.api_id).await.unwrap();
    assert_eq!(resources.len(), 1);
    let get = &resources[0].resource_methods[&HttpMethod::Get];
    assert_eq!(get.authorization_type, AuthorizationType::CognitoUserPools);
    assert_eq!(
        get.authorizer_id.as_deref(),
        Some(authorizers[0].id.as_str())
    );
    let integration = get.method_integration.as_ref().unwrap();
    assert_eq!(integration.kind, IntegrationType::Mock);
    assert_eq!(
        integration.integration_responses["200"].response_parameters["method.response.header.Content-Type"],
        "'text/html'"
    );
    // Deployable as it is.
    store::create_deployment(
        &db,
        &imported.api_id,
        "",
        Some(&apis::StageName::new("test")),
        None,
    )
    .await
    .unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn a_pool_that_is_not_here_is_kept_as_external_with_a_warning(db: PgPool) {
    let text = seed_fixed("arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Far4way");
    let imported = import(&db, &ctx(), None, ImportMode::New, &text)
        .await
        .unwrap();
    assert_eq!(
        imported.preview.warnings,
        [
            "Authorizer MyUserPool: arn:aws:cognito-idp:eu-west-1:123456789012:userpool/\
          eu-west-1_Far4way is not one of this Gatehouse's user pools; it is kept as an external \
          pool (tokens are checked against that pool's published keys)."
        ]
    );
    let a = store::list_authorizers(&db, &imported.api_id)
        .await
        .unwrap();
    assert_eq!(
        a[0].provider_arns,
        ["arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Far4way"]
    );
    // Right account and region, but no such pool here: also external.
    let text =
        seed_fixed("arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_Gone12345");
    let preview = preview_import(&db, &ctx(), None, ImportMode::New, &text)
        .await
        .unwrap();
    assert_eq!(preview.warnings.len(), 1);
    // As the gateway decides: a pool of this Gatehouse, named by an ARN of another account or
    // by its issuer URL here, is embedded.
    embedded_pool(&db, POOL_ID).await;
    for provider in [
        "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbC123xyz",
        "http://127.0.0.1:3000/cognito-idp/us-east-1_AbC123xyz",
    ] {
        let preview = preview_import(&db, &ctx(), None, ImportMode::New, &seed_fixed(provider))
            .await
            .unwrap();
        assert!(
            preview.warnings.is_empty(),
            "{provider}: {:?}",
            preview.warnings
        );
    }
}

/// API Gateway's documented example: B has GET /a (200, 206) and POST /a; A has GET /a
/// (200, 400).
const B: &str = r#"{"swagger": "2.0", "info": {"title": "B"}, "paths": {
  "/a": {
    "get": {"responses": {"200": {"description": "ok"}, "206": {"description": "partial"}},
            "x-amazon-apigateway-integration": {"type": "mock"}},
    "post": {"responses": {"200": {"description": "ok"}},
             "x-amazon-apigateway-integration": {"type": "mock"}}
  },
  "/b": {"get": {"security": [{"Pool": []}], "x-amazon-apigateway-integration": {"type": "mock"}}}
},
"securityDefinitions": {"Pool": {"type": "apiKey", "name": "Authorization", "in": "header",
  "x-amazon-apigateway-authtype": "cognito_user_pools",
  "x-amazon-apigateway-authorizer": {"type": "cognito_user_pools",
    "providerARNs": ["arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_AbC123xyz"]}}}}"#;

const A: &str = r#"{"swagger": "2.0", "info": {"title": "A"}, "paths": {
  "/a": {
    "get": {"responses": {"200": {"description": "ok"}, "400": {"description": "bad"}},
            "x-amazon-apigateway-integration": {"type": "mock"}}
  }
}}"#;

fn statuses(resources: &[apis::Resource], path: &str, verb: HttpMethod) -> Option<Vec<String>> {
    resources
        .iter()
        .find(|r| r.path == path)
        .and_then(|r| r.resource_methods.get(&verb))
        .map(|m| m.method_responses.keys().cloned().collect())
}

#[sqlx::test(migrations = "../migrations")]
async fn merge_adds_and_replaces_methods_and_keeps_the_rest(db: PgPool) {
    embedded_pool(&db, POOL_ID).await;
    let b = import(&db, &ctx(), None, ImportMode::New, B).await.unwrap();
    let before = store::list_resources(&db, &b.api_id).await.unwrap();
    let preview = preview_import(&db, &ctx(), Some(&b.api_id), ImportMode::Merge, A)
        .await
        .unwrap();
    assert_eq!(changes(&preview.changes), ["update method GET /a"]);
    assert_eq!(preview.api_name, "B", "a merge keeps the API's name");

    import(&db, &ctx(), Some(&b.api_id), ImportMode::Merge, A)
        .await
        .unwrap();
    let after = store::list_resources(&db, &b.api_id).await.unwrap();
    assert_eq!(
        statuses(&after, "/a", HttpMethod::Get).unwrap(),
        ["200", "400"],
        "the incoming method replaces the old one as a whole"
    );
    assert_eq!(statuses(&after, "/a", HttpMethod::Post).unwrap(), ["200"]);
    assert!(statuses(&after, "/b", HttpMethod::Get).is_some());
    assert_eq!(
        store::list_authorizers(&db, &b.api_id).await.unwrap().len(),
        1
    );
    // Resources keep their ids; the replaced method moved past its old version.
    let id_of =
        |rs: &[apis::Resource], p: &str| rs.iter().find(|r| r.path == p).unwrap().id.clone();
    assert_eq!(id_of(&before, "/a"), id_of(&after, "/a"));
    let version = |rs: &[apis::Resource]| {
        rs.iter().find(|r| r.path == "/a").unwrap().resource_methods[&HttpMethod::Get].version
    };
    assert!(version(&after) > version(&before));
    let api = store::get_rest_api(&db, &b.api_id).await.unwrap();
    assert_eq!(api.name, "B");
}

#[sqlx::test(migrations = "../migrations")]
async fn overwrite_makes_the_api_exactly_the_document(db: PgPool) {
    embedded_pool(&db, POOL_ID).await;
    let b = import(&db, &ctx(), None, ImportMode::New, B).await.unwrap();
    let before = store::list_resources(&db, &b.api_id).await.unwrap();
    let preview = preview_import(&db, &ctx(), Some(&b.api_id), ImportMode::Overwrite, A)
        .await
        .unwrap();
    assert_eq!(
        changes(&preview.changes),
        [
            "update api A",
            "delete authorizer Pool",
            "delete resource /b",
            "update method GET /a",
            "delete method POST /a",
            "delete method GET /b",
        ]
    );
    import(&db, &ctx(), Some(&b.api_id), ImportMode::Overwrite, A)
        .await
        .unwrap();
    let after = store::list_resources(&db, &b.api_id).await.unwrap();
    let paths: Vec<&str> = after.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(paths, ["/", "/a"]);
    assert_eq!(
        statuses(&after, "/a", HttpMethod::Get).unwrap(),
        ["200", "400"]
    );
    assert!(statuses(&after, "/a", HttpMethod::Post).is_none());
    assert!(
        store::list_authorizers(&db, &b.api_id)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store::get_rest_api(&db, &b.api_id).await.unwrap().name, "A");
    assert_eq!(before[0].id, after[0].id, "the root keeps its id");
    // Importing the same document again changes nothing.
    let again = preview_import(&db, &ctx(), Some(&b.api_id), ImportMode::Overwrite, A)
        .await
        .unwrap();
    assert!(again.changes.is_empty(), "{:?}", again.changes);
}

#[sqlx::test(migrations = "../migrations")]
async fn authorizers_keep_their_ids_across_a_reimport(db: PgPool) {
    embedded_pool(&db, POOL_ID).await;
    let text = seed_fixed(POOL_ARN);
    let api = import(&db, &ctx(), None, ImportMode::New, &text)
        .await
        .unwrap();
    let first = store::list_authorizers(&db, &api.api_id).await.unwrap();
    let changed = text.replace(
        "\"type\": \"cognito_user_pools\",",
        "\"type\": \"cognito_user_pools\", \"authorizerResultTtlInSeconds\": 30,",
    );
    let preview = preview_import(
        &db,
        &ctx(),
        Some(&api.api_id),
        ImportMode::Overwrite,
        &changed,
    )
    .await
    .unwrap();
    assert_eq!(changes(&preview.changes), ["update authorizer MyUserPool"]);
    import(
        &db,
        &ctx(),
        Some(&api.api_id),
        ImportMode::Overwrite,
        &changed,
    )
    .await
    .unwrap();
    let second = store::list_authorizers(&db, &api.api_id).await.unwrap();
    assert_eq!(first[0].id, second[0].id);
    assert_eq!(second[0].authorizer_result_ttl_in_seconds, 30);
    assert!(second[0].version > first[0].version);
}

#[sqlx::test(migrations = "../migrations")]
async fn every_test_document_imports(db: PgPool) {
    for (name, methods) in [
        ("aws-export-petstore.json", 5),
        ("oas30-cognito.yaml", 5),
        ("proxy-any.json", 3),
        ("iam-and-lambda.json", 4),
    ] {
        let imported = import(&db, &ctx(), None, ImportMode::New, &data(name))
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let resources = store::list_resources(&db, &imported.api_id).await.unwrap();
        let count: usize = resources.iter().map(|r| r.resource_methods.len()).sum();
        assert_eq!(count, methods, "{name}");
        assert!(
            imported
                .preview
                .changes
                .iter()
                .filter(|c| c.entity == "method")
                .count()
                == methods,
            "{name}"
        );
    }
    // The AWS integration is stored as it was, flagged as not runnable.
    let apis = store::list_rest_apis(&db).await.unwrap();
    let petstore = apis.iter().find(|a| a.name == "PetStore").unwrap();
    let (snapshot, validators) = store::working_copy(&db, &petstore.id).await.unwrap();
    assert_eq!(snapshot.unrunnable_methods(), ["GET /calc"]);
    assert_eq!(validators.methods["POST /pets"], "Validate body");

    // IAM and Lambda-authorizer methods are stored as AWS_IAM and CUSTOM, never NONE.
    let iam = apis.iter().find(|a| a.name == "iam-and-lambda").unwrap();
    let (snapshot, _) = store::working_copy(&db, &iam.id).await.unwrap();
    let kind = |path: &str, verb: HttpMethod| {
        let r = snapshot.resources.iter().find(|r| r.path == path).unwrap();
        let m = &r.resource_methods[&verb];
        assert_eq!(m.authorizer_id, None, "{verb} {path}");
        m.authorization_type
    };
    assert_eq!(kind("/signed", HttpMethod::Get), AuthorizationType::AwsIam);
    assert_eq!(
        kind("/operation-iam", HttpMethod::Get),
        AuthorizationType::AwsIam
    );
    assert_eq!(kind("/lambda", HttpMethod::Post), AuthorizationType::Custom);
    assert_eq!(kind("/open", HttpMethod::Get), AuthorizationType::None);
    assert!(snapshot.authorizers.is_empty());
}

#[sqlx::test(migrations = "../migrations")]
async fn a_refused_import_stores_nothing(db: PgPool) {
    embedded_pool(&db, POOL_ID).await;
    let b = import(&db, &ctx(), None, ImportMode::New, B).await.unwrap();
    let (before, _) = store::working_copy(&db, &b.api_id).await.unwrap();
    let counts = row_counts(&db).await;
    let bad = [
        data("seed-cognito-user-pool.json"),
        B.replace("\"type\": \"mock\"}}", "\"type\": \"lambda\"}}"),
        B.replace("[{\"Pool\": []}]", "[{\"Nope\": []}]"),
        // Two variable children of one parent: caught before the first write.
        B.replace("\"/b\":", "\"/{x}\": {\"get\": {}}, \"/{y}\":"),
    ];
    for text in &bad {
        for mode in [ImportMode::New, ImportMode::Overwrite, ImportMode::Merge] {
            let err = import(&db, &ctx(), Some(&b.api_id), mode, text).await;
            assert!(err.is_err(), "{mode:?} {text}");
        }
    }
    assert_eq!(row_counts(&db).await, counts);
    let (after, _) = store::working_copy(&db, &b.api_id).await.unwrap();
    assert_eq!(before.resources, after.resources);
    assert_eq!(before.authorizers, after.authorizers);
}

#[sqlx::test(migrations = "../migrations")]
async fn overwrite_and_merge_need_an_existing_api(db: PgPool) {
    let err = import(&db, &ctx(), None, ImportMode::Merge, A)
        .await
        .unwrap_err();
    assert!(matches!(err, OpenApiError::Structure { .. }), "{err:?}");
    let err = import(
        &db,
        &ctx(),
        Some(&apis::RestApiId::new("abcdefghij")),
        ImportMode::Overwrite,
        A,
    )
    .await
    .unwrap_err();
    assert!(matches!(&err, OpenApiError::Apis(e) if e.kind() == apis::ErrorKind::NotFound));
    assert_eq!(err.status(), 404);
}

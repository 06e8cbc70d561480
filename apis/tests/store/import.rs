//! `apply_definition`: a whole API in one transaction (what Swagger import stores).

use std::collections::BTreeMap;

use apis::store::{
    ApiDefinition, IntegrationDefinition, MethodDefinition, RequestValidator, apply_definition,
    working_copy,
};
use apis::{
    ApisError, AuthorizationType, AuthorizerSettings, HttpMethod, IntegrationSettings,
    MethodSettings, store,
};
use sqlx::PgPool;

use crate::common::*;

fn mock_method() -> MethodDefinition {
    MethodDefinition {
        authorization_type: AuthorizationType::None,
        authorizer: None,
        authorization_scopes: Vec::new(),
        api_key_required: false,
        request_parameters: BTreeMap::new(),
        method_responses: BTreeMap::new(),
        integration: Some(IntegrationDefinition {
            settings: IntegrationSettings::mock(),
            responses: BTreeMap::new(),
        }),
    }
}

fn definition() -> ApiDefinition {
    let mut def = ApiDefinition::new("Imported");
    def.authorizers
        .insert("Pool".into(), AuthorizerSettings::new("Pool", &[POOL_ARN]));
    let mut guarded = mock_method();
    guarded.authorization_type = AuthorizationType::CognitoUserPools;
    guarded.authorizer = Some("Pool".into());
    def.resources
        .entry("/pets/{id}".into())
        .or_default()
        .insert(HttpMethod::Get, guarded);
    def.request_validators.validators.insert(
        "body".into(),
        RequestValidator {
            validate_request_body: true,
            validate_request_parameters: false,
        },
    );
    def.request_validators
        .methods
        .insert("GET /pets/{id}".into(), "body".into());
    def
}

#[sqlx::test(migrations = "../migrations")]
async fn a_new_api_with_intermediate_resources_and_validators(db: PgPool) {
    let api = apply_definition(&db, None, &definition()).await.unwrap();
    assert_eq!(api.name, "Imported");
    let resources = store::list_resources(&db, &api.id).await.unwrap();
    let paths: Vec<&str> = resources.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(paths, ["/", "/pets", "/pets/{id}"]);
    let pets = &resources[1];
    assert_eq!(resources[2].parent_id.as_deref(), Some(pets.id.as_str()));
    let (snapshot, validators) = working_copy(&db, &api.id).await.unwrap();
    assert_eq!(validators, definition().request_validators);
    assert_eq!(
        ApiDefinition::from_snapshot(&snapshot, &validators)
            .resources
            .get("/pets/{id}")
            .and_then(|m| m.get(&HttpMethod::Get))
            .and_then(|m| m.authorizer.as_deref()),
        Some("Pool")
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn replacing_keeps_ids_and_makes_open_forms_stale(db: PgPool) {
    let api = apply_definition(&db, None, &definition()).await.unwrap();
    let before = store::list_resources(&db, &api.id).await.unwrap();
    let method = &before[2].resource_methods[&HttpMethod::Get];
    let authorizer = store::list_authorizers(&db, &api.id).await.unwrap();

    let mut def = definition();
    def.description = "second".into();
    apply_definition(&db, Some(&api.id), &def).await.unwrap();
    let after = store::list_resources(&db, &api.id).await.unwrap();
    assert_eq!(
        before.iter().map(|r| &r.id).collect::<Vec<_>>(),
        after.iter().map(|r| &r.id).collect::<Vec<_>>()
    );
    assert_eq!(
        store::list_authorizers(&db, &api.id).await.unwrap()[0].id,
        authorizer[0].id
    );
    // A form opened before the import is refused.
    let err = store::update_method(
        &db,
        &api.id,
        &after[2].id,
        HttpMethod::Get,
        method.version,
        &MethodSettings::default(),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, ApisError::StaleVersion { .. }), "{err:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_refused_definition_changes_nothing(db: PgPool) {
    let api = apply_definition(&db, None, &definition()).await.unwrap();
    let tables = [
        "rest_apis",
        "api_resources",
        "api_methods",
        "api_integrations",
        "api_authorizers",
    ];
    let mut counts = Vec::new();
    for t in tables {
        counts.push(count(&db, t).await);
    }

    let mut unknown_authorizer = definition();
    unknown_authorizer.authorizers.clear();
    let err = apply_definition(&db, Some(&api.id), &unknown_authorizer)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "GET /pets/{id}: there is no authorizer named Pool"
    );

    let mut two_variables = definition();
    two_variables
        .resources
        .insert("/pets/{name}".into(), BTreeMap::new());
    let err = apply_definition(&db, Some(&api.id), &two_variables)
        .await
        .unwrap_err();
    assert_invalid_field(err, "pathPart");

    let mut bad_uri = definition();
    let mut http = mock_method();
    http.integration = Some(IntegrationDefinition {
        settings: IntegrationSettings::http(
            apis::IntegrationType::Http,
            HttpMethod::Get,
            "ftp://x",
        ),
        responses: BTreeMap::new(),
    });
    bad_uri
        .resources
        .insert("/x".into(), BTreeMap::from([(HttpMethod::Get, http)]));
    let err = apply_definition(&db, Some(&api.id), &bad_uri)
        .await
        .unwrap_err();
    assert_invalid(
        err,
        "uri",
        "GET /x: Invalid HTTP endpoint specified for URI",
    );

    let mut greedy_parent = definition();
    greedy_parent
        .resources
        .insert("/{proxy+}/child".into(), BTreeMap::new());
    let err = apply_definition(&db, None, &greedy_parent)
        .await
        .unwrap_err();
    assert_invalid_field(err, "pathPart");

    let mut after = Vec::new();
    for t in tables {
        after.push(count(&db, t).await);
    }
    assert_eq!(counts, after);
}

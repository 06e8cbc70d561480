use std::collections::BTreeMap;

use apis::error::msg;
use apis::{
    ApisError, DeploymentId, Entity, HttpMethod, IntegrationSettings, IntegrationType,
    MethodSettings, StageName, StageSettings, store,
};
use sqlx::PgPool;

use crate::common::*;

fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn deploying_needs_methods_with_integrations(db: PgPool) {
    let api = new_api(&db).await;
    let err = store::create_deployment(&db, &api.id, "", Some(&StageName::new("prod")), None)
        .await
        .unwrap_err();
    assert_invalid(err, "resourceMethods", msg::NO_METHODS);
    let pets = child(&db, &api, &api.root_resource_id, "pets").await;
    store::put_method(
        &db,
        &api.id,
        &pets.id,
        HttpMethod::Get,
        &MethodSettings::default(),
    )
    .await
    .unwrap();
    let err = store::create_deployment(&db, &api.id, "", Some(&StageName::new("prod")), None)
        .await
        .unwrap_err();
    assert_invalid(
        err,
        "methodIntegration",
        "No integration defined for method: GET /pets",
    );
    let err = store::create_deployment(&db, &api.id, "", Some(&StageName::new("prod/1")), None)
        .await
        .unwrap_err();
    assert_invalid(err, "stageName", msg::STAGE_NAME);
    assert_eq!(count(&db, "api_deployments").await, 0);
    assert_eq!(count(&db, "api_stages").await, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_deployment_snapshot_does_not_change_with_the_api(db: PgPool) {
    let api = new_api(&db).await;
    let pets = child(&db, &api, &api.root_resource_id, "pets").await;
    mock_method(&db, &api, &pets.id, HttpMethod::Get).await;
    let auth = store::create_authorizer(
        &db,
        &api.id,
        &apis::AuthorizerSettings::new("cognito", &[POOL_ARN]),
    )
    .await
    .unwrap();
    let first = store::create_deployment(
        &db,
        &api.id,
        "v1",
        Some(&StageName::new("prod")),
        Some("Production"),
    )
    .await
    .unwrap();
    assert_eq!(first.format_version, 1);
    assert_eq!(first.api, api);
    assert_eq!(first.resources.len(), 2);
    assert_eq!(first.authorizers, std::slice::from_ref(&auth));
    assert_eq!(
        store::get_deployment_snapshot(&db, &api.id, &first.deployment_id)
            .await
            .unwrap(),
        first
    );

    // Change the API in every way after deploying.
    store::update_integration(
        &db,
        &api.id,
        &pets.id,
        HttpMethod::Get,
        1,
        &IntegrationSettings::http(
            IntegrationType::Http,
            HttpMethod::Get,
            "https://backend.example",
        ),
    )
    .await
    .unwrap();
    let owners = child(&db, &api, &api.root_resource_id, "owners").await;
    mock_method(&db, &api, &owners.id, HttpMethod::Post).await;
    store::update_rest_api(&db, &api.id, "Renamed", "")
        .await
        .unwrap();
    store::update_authorizer(
        &db,
        &api.id,
        &auth.id,
        auth.version,
        &apis::AuthorizerSettings::new("renamed", &[POOL_ARN]),
    )
    .await
    .unwrap();

    let stored = store::get_deployment_snapshot(&db, &api.id, &first.deployment_id)
        .await
        .unwrap();
    assert_eq!(stored, first, "the snapshot is frozen");
    let get = &stored.resources[1].resource_methods[&HttpMethod::Get];
    assert_eq!(
        get.method_integration.as_ref().unwrap().kind,
        IntegrationType::Mock
    );

    // A new deployment sees the changes.
    let second = store::create_deployment(&db, &api.id, "v2", None, None)
        .await
        .unwrap();
    assert_eq!(second.api.name, "Renamed");
    assert_eq!(second.resources.len(), 3);
    assert_eq!(second.authorizers[0].name, "renamed");
    assert_ne!(second.deployment_id, first.deployment_id);
    // Deploying without a stage leaves stages alone.
    let prod = store::get_stage(&db, &api.id, &StageName::new("prod"))
        .await
        .unwrap();
    assert_eq!(prod.deployment_id, first.deployment_id);
    assert_eq!(prod.description, "Production");

    // The database refuses to rewrite a snapshot, even by hand.
    let err = sqlx::query("UPDATE api_deployments SET snapshot = '{}'::jsonb WHERE id = $1")
        .bind(&first.deployment_id)
        .execute(&db)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("immutable"), "{err}");
    // Its description may change.
    sqlx::query("UPDATE api_deployments SET description = 'first' WHERE id = $1")
        .bind(&first.deployment_id)
        .execute(&db)
        .await
        .unwrap();

    let list = store::list_deployments(&db, &api.id).await.unwrap();
    assert_eq!(list.len(), 2);
    let first_row = list.iter().find(|d| d.id == first.deployment_id).unwrap();
    assert_eq!(first_row.stage_names, ["prod"]);
    assert_eq!(first_row.description, "first");
}

#[sqlx::test(migrations = "../migrations")]
async fn redeploy_and_rollback_only_move_the_pointer(db: PgPool) {
    let api = new_api(&db).await;
    let pets = child(&db, &api, &api.root_resource_id, "pets").await;
    mock_method(&db, &api, &pets.id, HttpMethod::Get).await;
    let v1 = store::create_deployment(
        &db,
        &api.id,
        "v1",
        Some(&StageName::new("prod")),
        Some("Production"),
    )
    .await
    .unwrap();
    let stage = store::update_stage(
        &db,
        &api.id,
        &StageName::new("prod"),
        "Live traffic",
        &vars(&[("backend", "api.example.com"), ("lambdaAlias", "live")]),
    )
    .await
    .unwrap();
    assert_eq!(stage.deployment_id, v1.deployment_id);

    // Redeploy to the same stage: the stage keeps its description and variables.
    mock_method(&db, &api, &pets.id, HttpMethod::Post).await;
    let v2 = store::create_deployment(
        &db,
        &api.id,
        "v2",
        Some(&StageName::new("prod")),
        Some("ignored"),
    )
    .await
    .unwrap();
    let after_redeploy = store::get_stage(&db, &api.id, &StageName::new("prod"))
        .await
        .unwrap();
    assert_eq!(after_redeploy.deployment_id, v2.deployment_id);
    assert_eq!(after_redeploy.description, "Live traffic");
    assert_eq!(after_redeploy.variables, stage.variables);
    assert_eq!(after_redeploy.created_date, stage.created_date);

    // Roll back.
    let rolled = store::point_stage(&db, &api.id, &StageName::new("prod"), &v1.deployment_id)
        .await
        .unwrap();
    assert_eq!(rolled.deployment_id, v1.deployment_id);
    assert_eq!(rolled.description, "Live traffic");
    assert_eq!(rolled.variables, stage.variables);
    let (served_stage, served) = store::stage_snapshot(&db, &api.id, &StageName::new("prod"))
        .await
        .unwrap();
    assert_eq!(served_stage, rolled);
    assert_eq!(served, v1);
    assert_eq!(served.resources[1].resource_methods.len(), 1);
    // Both deployments are untouched.
    assert_eq!(
        store::get_deployment_snapshot(&db, &api.id, &v2.deployment_id)
            .await
            .unwrap(),
        v2
    );
    assert_eq!(count(&db, "api_deployments").await, 2);

    let err = store::point_stage(
        &db,
        &api.id,
        &StageName::new("prod"),
        &DeploymentId::new("nope00"),
    )
    .await
    .unwrap_err();
    assert!(err.is_not_found(Entity::Deployment));
    assert_eq!(err.to_string(), "Invalid Deployment identifier specified");
    let err = store::point_stage(&db, &api.id, &StageName::new("beta"), &v1.deployment_id)
        .await
        .unwrap_err();
    assert!(err.is_not_found(Entity::Stage));
    assert_eq!(
        store::get_stage(&db, &api.id, &StageName::new("prod"))
            .await
            .unwrap(),
        rolled
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn stages_rules(db: PgPool) {
    let api = new_api(&db).await;
    let pets = child(&db, &api, &api.root_resource_id, "pets").await;
    mock_method(&db, &api, &pets.id, HttpMethod::Get).await;
    let d = store::create_deployment(&db, &api.id, "", None, None)
        .await
        .unwrap();
    let settings = |name: &str, variables: BTreeMap<String, String>| StageSettings {
        stage_name: StageName::new(name),
        deployment_id: d.deployment_id.clone(),
        description: String::new(),
        variables,
    };
    let stage = store::create_stage(&db, &api.id, &settings("dev", vars(&[("v", "1")])))
        .await
        .unwrap();
    let json = serde_json::to_value(&stage).unwrap();
    assert_eq!(json["stageName"], "dev");
    assert_eq!(json["deploymentId"], d.deployment_id.as_str());
    assert_eq!(json["variables"]["v"], "1");
    let err = store::create_stage(&db, &api.id, &settings("dev", BTreeMap::new()))
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        ApisError::Conflict {
            field: Some("stageName"),
            ..
        }
    ));
    assert_eq!(err.to_string(), msg::STAGE_EXISTS);
    for bad in ["", "my stage", "a.b", &"x".repeat(129)] {
        let err = store::create_stage(&db, &api.id, &settings(bad, BTreeMap::new()))
            .await
            .unwrap_err();
        assert_invalid(err, "stageName", msg::STAGE_NAME);
    }
    for bad in [
        vars(&[("bad-name", "x")]),
        vars(&[("ok", "has space")]),
        vars(&[("ok", "")]),
    ] {
        let err = store::create_stage(&db, &api.id, &settings("qa", bad.clone()))
            .await
            .unwrap_err();
        assert_invalid_field(err, "variables");
        let err = store::update_stage(&db, &api.id, &StageName::new("dev"), "", &bad)
            .await
            .unwrap_err();
        assert_invalid_field(err, "variables");
    }
    let too_many: BTreeMap<String, String> = (0..101)
        .map(|i| (format!("v{i}"), "x".to_owned()))
        .collect();
    let err = store::update_stage(&db, &api.id, &StageName::new("dev"), "", &too_many)
        .await
        .unwrap_err();
    assert_invalid_field(err, "variables");
    assert_eq!(
        store::get_stage(&db, &api.id, &StageName::new("dev"))
            .await
            .unwrap(),
        stage
    );
    let mut missing = settings("qa", BTreeMap::new());
    missing.deployment_id = DeploymentId::new("nope00");
    let err = store::create_stage(&db, &api.id, &missing)
        .await
        .unwrap_err();
    assert!(err.is_not_found(Entity::Deployment));

    // A deployment a stage uses cannot be deleted.
    let err = store::delete_deployment(&db, &api.id, &d.deployment_id)
        .await
        .unwrap_err();
    assert!(matches!(&err, ApisError::DeploymentInUse { stages } if stages == &["dev"]));
    assert_eq!(err.to_string(), msg::DEPLOYMENT_IN_USE);
    store::delete_stage(&db, &api.id, &StageName::new("dev"))
        .await
        .unwrap();
    let err = store::delete_stage(&db, &api.id, &StageName::new("dev"))
        .await
        .unwrap_err();
    assert!(err.is_not_found(Entity::Stage));
    assert_eq!(err.to_string(), "Invalid Stage identifier specified");
    store::delete_deployment(&db, &api.id, &d.deployment_id)
        .await
        .unwrap();
    assert!(store::list_stages(&db, &api.id).await.unwrap().is_empty());
    assert!(
        store::list_deployments(&db, &api.id)
            .await
            .unwrap()
            .is_empty()
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn snapshot_flags_unrunnable_integrations(db: PgPool) {
    let api = new_api(&db).await;
    let pets = child(&db, &api, &api.root_resource_id, "pets").await;
    store::put_method(
        &db,
        &api.id,
        &pets.id,
        HttpMethod::Any,
        &MethodSettings::default(),
    )
    .await
    .unwrap();
    store::put_integration(
        &db,
        &api.id,
        &pets.id,
        HttpMethod::Any,
        &IntegrationSettings::http(
            IntegrationType::Aws,
            HttpMethod::Post,
            "arn:aws:apigateway:us-east-1:sqs:path/123456789012/queue",
        ),
    )
    .await
    .unwrap();
    let snapshot = store::create_deployment(&db, &api.id, "", None, None)
        .await
        .unwrap();
    assert_eq!(snapshot.unrunnable_methods(), ["ANY /pets"]);
}

use apis::error::msg;
use apis::{ApisError, Entity, HttpMethod, ResourceId, RestApiId, StageName, store};
use sqlx::PgPool;

use crate::common::*;

#[sqlx::test(migrations = "../migrations")]
async fn new_api_has_a_root_and_paths_are_computed(db: PgPool) {
    let api = new_api(&db).await;
    assert_eq!(api.id.len(), 10);
    assert!(apis::ids::is_rest_api_id(&api.id));
    assert_eq!(api.name, "Pets");
    let pets = child(&db, &api, &api.root_resource_id, "pets").await;
    assert_eq!(pets.path, "/pets");
    assert_eq!(
        pets.parent_id.as_deref(),
        Some(api.root_resource_id.as_str())
    );
    let id = child(&db, &api, &pets.id, "{petId}").await;
    assert_eq!(id.path, "/pets/{petId}");
    let proxy = child(&db, &api, &id.id, "{proxy+}").await;
    assert_eq!(proxy.path, "/pets/{petId}/{proxy+}");
    mock_method(&db, &api, &pets.id, HttpMethod::Get).await;

    let resources = store::list_resources(&db, &api.id).await.unwrap();
    let paths: Vec<&str> = resources.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(
        paths,
        ["/", "/pets", "/pets/{petId}", "/pets/{petId}/{proxy+}"]
    );
    assert_eq!(resources[0].path_part, None);
    assert_eq!(resources[0].parent_id, None);
    let get = &resources[1].resource_methods[&HttpMethod::Get];
    assert!(get.method_integration.is_some());

    // AWS's JSON shape.
    let json = serde_json::to_value(&resources[1]).unwrap();
    assert_eq!(json["pathPart"], "pets");
    assert_eq!(json["parentId"], api.root_resource_id.as_str());
    assert_eq!(json["resourceMethods"]["GET"]["authorizationType"], "NONE");
    assert_eq!(
        json["resourceMethods"]["GET"]["methodIntegration"]["type"],
        "MOCK"
    );
    assert_eq!(
        json["resourceMethods"]["GET"]["methodIntegration"]["timeoutInMillis"],
        29000
    );
    let back: apis::Resource = serde_json::from_value(json).unwrap();
    assert_eq!(back, resources[1]);
}

#[sqlx::test(migrations = "../migrations")]
async fn duplicate_path_part_is_refused(db: PgPool) {
    let api = new_api(&db).await;
    child(&db, &api, &api.root_resource_id, "pets").await;
    let err = store::create_resource(&db, &api.id, &api.root_resource_id, "pets")
        .await
        .unwrap_err();
    assert!(matches!(
        &err,
        ApisError::Conflict {
            field: Some("pathPart"),
            ..
        }
    ));
    assert_eq!(
        err.to_string(),
        "Another resource with the same parent already has this name: pets"
    );
    assert_eq!(err.kind(), apis::ErrorKind::Conflict);
    // The same part under another parent is fine.
    let other = child(&db, &api, &api.root_resource_id, "owners").await;
    child(&db, &api, &other.id, "pets").await;
    assert_eq!(count(&db, "api_resources").await, 4);
}

#[sqlx::test(migrations = "../migrations")]
async fn second_variable_child_is_refused(db: PgPool) {
    let api = new_api(&db).await;
    let pets = child(&db, &api, &api.root_resource_id, "pets").await;
    child(&db, &api, &pets.id, "{petId}").await;
    for part in ["{name}", "{proxy+}"] {
        let err = store::create_resource(&db, &api.id, &pets.id, part)
            .await
            .unwrap_err();
        assert_invalid(
            err,
            "pathPart",
            "A sibling ({petId}) of this resource already has a variable path part -- only one \
             is allowed",
        );
    }
    // Same variable twice is a duplicate.
    let err = store::create_resource(&db, &api.id, &pets.id, "{petId}")
        .await
        .unwrap_err();
    assert!(matches!(err, ApisError::Conflict { .. }), "{err:?}");
    // Literal siblings are fine.
    child(&db, &api, &pets.id, "search").await;
    assert_eq!(count(&db, "api_resources").await, 4);
}

#[sqlx::test(migrations = "../migrations")]
async fn no_child_under_a_greedy_resource(db: PgPool) {
    let api = new_api(&db).await;
    let proxy = child(&db, &api, &api.root_resource_id, "{proxy+}").await;
    for part in ["child", "{child}", "{more+}"] {
        let err = store::create_resource(&db, &api.id, &proxy.id, part)
            .await
            .unwrap_err();
        assert_invalid(
            err,
            "pathPart",
            "Cannot create a child of a resource with a greedy path variable: {proxy+}",
        );
    }
    // Allowed shapes.
    let parent = child(&db, &api, &api.root_resource_id, "parent").await;
    child(&db, &api, &parent.id, "{proxy+}").await;
    let other = child(&db, &api, &api.root_resource_id, "other").await;
    let c = child(&db, &api, &other.id, "{child}").await;
    let g = child(&db, &api, &c.id, "{proxy+}").await;
    assert_eq!(g.path, "/other/{child}/{proxy+}");
}

#[sqlx::test(migrations = "../migrations")]
async fn path_part_syntax_and_repeated_parameters(db: PgPool) {
    let api = new_api(&db).await;
    for bad in ["", "a/b", "{id", "pets{id}", "$metadata", "a b"] {
        let err = store::create_resource(&db, &api.id, &api.root_resource_id, bad)
            .await
            .unwrap_err();
        assert_invalid(err, "pathPart", msg::PATH_PART);
    }
    let id = child(&db, &api, &api.root_resource_id, "{id}").await;
    let err = store::create_resource(&db, &api.id, &id.id, "{id}")
        .await
        .unwrap_err();
    let message = assert_invalid_field(err, "pathPart");
    assert!(message.contains("already used"), "{message}");
    assert_eq!(count(&db, "api_resources").await, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn unknown_api_and_parent(db: PgPool) {
    let err = store::create_resource(
        &db,
        &RestApiId::new("nosuchapi0"),
        &ResourceId::new("x"),
        "pets",
    )
    .await
    .unwrap_err();
    assert!(err.is_not_found(Entity::RestApi));
    assert_eq!(
        err.to_string(),
        "Invalid API identifier specified nosuchapi0"
    );
    let api = new_api(&db).await;
    let err = store::create_resource(&db, &api.id, &ResourceId::new("nosuchres0"), "pets")
        .await
        .unwrap_err();
    assert!(err.is_not_found(Entity::Resource));
    assert_eq!(err.to_string(), "Invalid Resource identifier specified");
    assert_eq!(err.kind().status(), 404);
    // A resource of another API is not a valid parent.
    let other = store::create_rest_api(&db, "Other", "").await.unwrap();
    let err = store::create_resource(&db, &api.id, &other.root_resource_id, "pets")
        .await
        .unwrap_err();
    assert!(err.is_not_found(Entity::Resource));
}

#[sqlx::test(migrations = "../migrations")]
async fn deleting_a_resource_removes_its_subtree(db: PgPool) {
    let api = new_api(&db).await;
    let pets = child(&db, &api, &api.root_resource_id, "pets").await;
    let id = child(&db, &api, &pets.id, "{petId}").await;
    let photos = child(&db, &api, &id.id, "photos").await;
    let owners = child(&db, &api, &api.root_resource_id, "owners").await;
    mock_method(&db, &api, &pets.id, HttpMethod::Get).await;
    mock_method(&db, &api, &pets.id, HttpMethod::Post).await;
    mock_method(&db, &api, &photos.id, HttpMethod::Get).await;
    mock_method(&db, &api, &owners.id, HttpMethod::Get).await;

    let deleted = store::delete_resource(&db, &api.id, &pets.id)
        .await
        .unwrap();
    assert_eq!(deleted.resources, 3);
    assert_eq!(deleted.methods, 3);
    let paths: Vec<String> = store::list_resources(&db, &api.id)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.path)
        .collect();
    assert_eq!(paths, ["/", "/owners"]);
    assert_eq!(count(&db, "api_methods").await, 1);
    assert_eq!(count(&db, "api_integrations").await, 1);

    let err = store::delete_resource(&db, &api.id, &api.root_resource_id)
        .await
        .unwrap_err();
    assert_invalid(err, "resourceId", msg::ROOT_DELETE);
    let err = store::delete_resource(&db, &api.id, &pets.id)
        .await
        .unwrap_err();
    assert!(err.is_not_found(Entity::Resource));
}

#[sqlx::test(migrations = "../migrations")]
async fn deleting_an_api_cascades_and_preview_counts(db: PgPool) {
    let api = new_api(&db).await;
    let keep = store::create_rest_api(&db, "Keep", "").await.unwrap();
    let pets = child(&db, &api, &api.root_resource_id, "pets").await;
    let id = child(&db, &api, &pets.id, "{petId}").await;
    mock_method(&db, &api, &pets.id, HttpMethod::Get).await;
    mock_method(&db, &api, &id.id, HttpMethod::Get).await;
    store::put_method_response(
        &db,
        &api.id,
        &pets.id,
        HttpMethod::Get,
        "200",
        &Default::default(),
    )
    .await
    .unwrap();
    store::put_integration_response(
        &db,
        &api.id,
        &pets.id,
        HttpMethod::Get,
        "200",
        &Default::default(),
    )
    .await
    .unwrap();
    store::create_authorizer(
        &db,
        &api.id,
        &apis::AuthorizerSettings::new("cognito", &[POOL_ARN]),
    )
    .await
    .unwrap();
    let d1 = store::create_deployment(&db, &api.id, "first", Some(&StageName::new("prod")), None)
        .await
        .unwrap();
    store::create_deployment(&db, &api.id, "second", Some(&StageName::new("beta")), None)
        .await
        .unwrap();
    store::create_stage(
        &db,
        &api.id,
        &apis::StageSettings {
            stage_name: StageName::new("old"),
            deployment_id: d1.deployment_id.clone(),
            description: String::new(),
            variables: Default::default(),
        },
    )
    .await
    .unwrap();

    let preview = store::delete_preview(&db, &api.id).await.unwrap();
    assert_eq!(preview.api, api);
    assert_eq!(preview.resources, 3);
    assert_eq!(preview.methods, 2);
    assert_eq!(preview.authorizers, 1);
    assert_eq!(preview.deployments, 2);
    assert_eq!(preview.stages, 3);
    assert_eq!(preview.stage_names, ["beta", "old", "prod"]);

    store::delete_rest_api(&db, &api.id).await.unwrap();
    for table in [
        "api_methods",
        "api_integrations",
        "api_integration_responses",
        "api_method_responses",
        "api_authorizers",
        "api_deployments",
        "api_stages",
    ] {
        assert_eq!(count(&db, table).await, 0, "{table}");
    }
    // Only the other API (and its root) is left.
    assert_eq!(count(&db, "rest_apis").await, 1);
    assert_eq!(count(&db, "api_resources").await, 1);
    assert_eq!(store::list_rest_apis(&db).await.unwrap(), [keep]);
    let err = store::get_rest_api(&db, &api.id).await.unwrap_err();
    assert!(err.is_not_found(Entity::RestApi));
    let err = store::delete_rest_api(&db, &api.id).await.unwrap_err();
    assert!(err.is_not_found(Entity::RestApi));
}

#[sqlx::test(migrations = "../migrations")]
async fn api_names_and_updates(db: PgPool) {
    let err = store::create_rest_api(&db, "  ", "").await.unwrap_err();
    assert_invalid_field(err, "name");
    let api = store::create_rest_api(&db, " Pets ", "").await.unwrap();
    assert_eq!(api.name, "Pets");
    let renamed = store::update_rest_api(&db, &api.id, "Pet store", "v2")
        .await
        .unwrap();
    assert_eq!(renamed.name, "Pet store");
    assert_eq!(renamed.description, "v2");
    assert_eq!(renamed.root_resource_id, api.root_resource_id);
    let json = serde_json::to_value(&renamed).unwrap();
    assert_eq!(json["rootResourceId"], api.root_resource_id.as_str());
    assert!(json["createdDate"].is_i64());
}

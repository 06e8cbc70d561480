use std::collections::BTreeMap;

use apis::error::msg;
use apis::{
    ApisError, AuthorizationType, AuthorizerSettings, Entity, HttpMethod,
    IntegrationResponseSettings, IntegrationSettings, IntegrationType, MethodResponseSettings,
    MethodSettings, PassthroughBehavior, store,
};
use sqlx::PgPool;

use crate::common::*;

const STALE_METHOD: &str =
    "This method was changed by someone else since you opened it. Reload to see their changes.";

#[sqlx::test(migrations = "../migrations")]
async fn put_get_and_duplicate_method(db: PgPool) {
    let api = new_api(&db).await;
    let pets = child(&db, &api, &api.root_resource_id, "pets").await;
    let settings = MethodSettings {
        api_key_required: true,
        request_parameters: BTreeMap::from([
            ("method.request.querystring.limit".to_owned(), false),
            ("method.request.header.X-Trace".to_owned(), true),
        ]),
        ..MethodSettings::default()
    };
    let method = store::put_method(&db, &api.id, &pets.id, HttpMethod::Get, &settings)
        .await
        .unwrap();
    assert_eq!(method.version, 1);
    assert!(method.api_key_required);
    assert_eq!(method.request_parameters, settings.request_parameters);
    assert_eq!(
        store::get_method(&db, &api.id, &pets.id, HttpMethod::Get)
            .await
            .unwrap(),
        method
    );
    let err = store::put_method(&db, &api.id, &pets.id, HttpMethod::Get, &settings)
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        ApisError::Conflict {
            field: Some("httpMethod"),
            ..
        }
    ));
    assert_eq!(err.to_string(), msg::METHOD_EXISTS);
    let err = store::get_method(&db, &api.id, &pets.id, HttpMethod::Post)
        .await
        .unwrap_err();
    assert!(err.is_not_found(Entity::Method));
    assert_eq!(err.to_string(), "Invalid Method identifier specified");

    let bad = MethodSettings {
        request_parameters: BTreeMap::from([("querystring.limit".to_owned(), false)]),
        ..MethodSettings::default()
    };
    let err = store::put_method(&db, &api.id, &pets.id, HttpMethod::Post, &bad)
        .await
        .unwrap_err();
    assert_invalid_field(err, "requestParameters");
    assert_eq!(count(&db, "api_methods").await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn cognito_methods_need_an_existing_authorizer(db: PgPool) {
    let api = new_api(&db).await;
    let pets = child(&db, &api, &api.root_resource_id, "pets").await;
    let mut settings = MethodSettings {
        authorization_type: AuthorizationType::CognitoUserPools,
        ..MethodSettings::default()
    };
    let err = store::put_method(&db, &api.id, &pets.id, HttpMethod::Get, &settings)
        .await
        .unwrap_err();
    assert_invalid_field(err, "authorizerId");
    settings.authorizer_id = Some(apis::AuthorizerId::new("nope00"));
    let err = store::put_method(&db, &api.id, &pets.id, HttpMethod::Get, &settings)
        .await
        .unwrap_err();
    assert_invalid(
        err,
        "authorizerId",
        "Invalid authorizer ID specified. Setting the authorization type to COGNITO_USER_POOLS \
         requires a valid authorizer.",
    );
    // An authorizer of another API does not count.
    let other = store::create_rest_api(&db, "Other", "").await.unwrap();
    let foreign =
        store::create_authorizer(&db, &other.id, &AuthorizerSettings::new("c", &[POOL_ARN]))
            .await
            .unwrap();
    settings.authorizer_id = Some(foreign.id);
    let err = store::put_method(&db, &api.id, &pets.id, HttpMethod::Get, &settings)
        .await
        .unwrap_err();
    assert_invalid_field(err, "authorizerId");

    let auth = store::create_authorizer(&db, &api.id, &AuthorizerSettings::new("c", &[POOL_ARN]))
        .await
        .unwrap();
    settings.authorizer_id = Some(auth.id.clone());
    settings.authorization_scopes = vec!["pets/read".into()];
    let method = store::put_method(&db, &api.id, &pets.id, HttpMethod::Get, &settings)
        .await
        .unwrap();
    assert_eq!(method.authorizer_id.as_deref(), Some(auth.id.as_str()));
    assert_eq!(method.authorization_scopes, ["pets/read"]);

    // Scopes or an authorizer with NONE are refused.
    let none_with_scopes = MethodSettings {
        authorization_scopes: vec!["pets/read".into()],
        ..MethodSettings::default()
    };
    let err = store::put_method(&db, &api.id, &pets.id, HttpMethod::Post, &none_with_scopes)
        .await
        .unwrap_err();
    assert_invalid_field(err, "authorizationScopes");
}

/// AWS_IAM and CUSTOM are stored as imported (the gateway refuses their requests), with no
/// authorizer id and no scopes.
#[sqlx::test(migrations = "../migrations")]
async fn iam_and_custom_methods_are_stored_without_an_authorizer(db: PgPool) {
    let api = new_api(&db).await;
    let pets = child(&db, &api, &api.root_resource_id, "pets").await;
    let auth = store::create_authorizer(&db, &api.id, &AuthorizerSettings::new("c", &[POOL_ARN]))
        .await
        .unwrap();
    for (verb, kind) in [
        (HttpMethod::Get, AuthorizationType::AwsIam),
        (HttpMethod::Post, AuthorizationType::Custom),
    ] {
        let settings = MethodSettings {
            authorization_type: kind,
            ..MethodSettings::default()
        };
        let method = store::put_method(&db, &api.id, &pets.id, verb, &settings)
            .await
            .unwrap();
        assert_eq!(method.authorization_type, kind);
        assert_eq!(method.authorizer_id, None);
        let loaded = store::get_method(&db, &api.id, &pets.id, verb)
            .await
            .unwrap();
        assert_eq!(loaded.authorization_type, kind);

        let with_authorizer = MethodSettings {
            authorizer_id: Some(auth.id.clone()),
            ..settings.clone()
        };
        let err = store::put_method(&db, &api.id, &pets.id, HttpMethod::Put, &with_authorizer)
            .await
            .unwrap_err();
        assert_invalid_field(err, "authorizerId");
        let with_scopes = MethodSettings {
            authorization_scopes: vec!["pets/read".into()],
            ..settings
        };
        let err = store::put_method(&db, &api.id, &pets.id, HttpMethod::Put, &with_scopes)
            .await
            .unwrap_err();
        assert_invalid_field(err, "authorizationScopes");
    }
    let err = store::put_method(
        &db,
        &api.id,
        &pets.id,
        HttpMethod::Put,
        &MethodSettings {
            authorization_type: AuthorizationType::Custom,
            authorizer_id: Some(auth.id),
            ..MethodSettings::default()
        },
    )
    .await
    .unwrap_err();
    assert_invalid(
        err,
        "authorizerId",
        "Gatehouse has no Lambda authorizers: a CUSTOM method is stored without one (and \
         refuses every request).",
    );
    assert_eq!(count(&db, "api_methods").await, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn stale_method_update_is_refused_and_changes_nothing(db: PgPool) {
    let api = new_api(&db).await;
    let pets = child(&db, &api, &api.root_resource_id, "pets").await;
    let loaded = store::put_method(
        &db,
        &api.id,
        &pets.id,
        HttpMethod::Get,
        &MethodSettings::default(),
    )
    .await
    .unwrap();
    // Someone else saves first.
    let theirs = MethodSettings {
        api_key_required: true,
        ..MethodSettings::default()
    };
    let saved = store::update_method(
        &db,
        &api.id,
        &pets.id,
        HttpMethod::Get,
        loaded.version,
        &theirs,
    )
    .await
    .unwrap();
    assert_eq!(saved.version, loaded.version + 1);
    assert!(saved.api_key_required);
    // Our save, from the form loaded before theirs, is refused.
    let ours = MethodSettings {
        request_parameters: BTreeMap::from([("method.request.querystring.q".to_owned(), true)]),
        ..MethodSettings::default()
    };
    let err = store::update_method(
        &db,
        &api.id,
        &pets.id,
        HttpMethod::Get,
        loaded.version,
        &ours,
    )
    .await
    .unwrap_err();
    assert!(matches!(
        err,
        ApisError::StaleVersion {
            entity: "method",
            expected: 1,
            current: 2
        }
    ));
    assert_eq!(err.to_string(), STALE_METHOD);
    assert_eq!(err.kind().status(), 409);
    let now = store::get_method(&db, &api.id, &pets.id, HttpMethod::Get)
        .await
        .unwrap();
    assert_eq!(now, saved);
    // Reloading and saving again works.
    let again = store::update_method(&db, &api.id, &pets.id, HttpMethod::Get, now.version, &ours)
        .await
        .unwrap();
    assert_eq!(again.version, 3);
    assert_eq!(again.request_parameters, ours.request_parameters);
    assert!(!again.api_key_required);
}

#[sqlx::test(migrations = "../migrations")]
async fn integration_defaults_and_types(db: PgPool) {
    let api = new_api(&db).await;
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
    let err = store::get_integration(&db, &api.id, &pets.id, HttpMethod::Get)
        .await
        .unwrap_err();
    assert!(err.is_not_found(Entity::Integration));
    let integration = store::put_integration(
        &db,
        &api.id,
        &pets.id,
        HttpMethod::Get,
        &IntegrationSettings::http(
            IntegrationType::HttpProxy,
            HttpMethod::Any,
            "https://${stageVariables.backend}/pets",
        ),
    )
    .await
    .unwrap();
    assert_eq!(integration.timeout_in_millis, 29_000);
    assert_eq!(
        integration.passthrough_behavior,
        PassthroughBehavior::WhenNoMatch
    );
    assert_eq!(integration.version, 1);
    assert!(integration.is_runnable());

    let lambda = IntegrationSettings::http(
        IntegrationType::AwsProxy,
        HttpMethod::Post,
        "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:pets/invocations",
    );
    let stored = store::put_integration(&db, &api.id, &pets.id, HttpMethod::Get, &lambda)
        .await
        .unwrap();
    assert_eq!(stored.kind, IntegrationType::AwsProxy);
    assert!(!stored.is_runnable(), "AWS_PROXY is stored but flagged");
    assert_eq!(stored.version, 2);
    let json = serde_json::to_value(&stored).unwrap();
    assert_eq!(json["type"], "AWS_PROXY");
    assert_eq!(json["httpMethod"], "POST");
    assert_eq!(json["passthroughBehavior"], "WHEN_NO_MATCH");
}

#[sqlx::test(migrations = "../migrations")]
async fn integration_validation_errors_change_nothing(db: PgPool) {
    let api = new_api(&db).await;
    let pets = child(&db, &api, &api.root_resource_id, "pets").await;
    mock_method(&db, &api, &pets.id, HttpMethod::Get).await;
    let before = store::get_integration(&db, &api.id, &pets.id, HttpMethod::Get)
        .await
        .unwrap();

    let put = |s: IntegrationSettings| {
        let db = db.clone();
        let api_id = api.id.clone();
        let rid = pets.id.clone();
        async move { store::put_integration(&db, &api_id, &rid, HttpMethod::Get, &s).await }
    };
    // Malformed URLs.
    for uri in [
        "example.com/pets",
        "ftp://example.com",
        "https://",
        "http://exa mple.com",
    ] {
        let err = put(IntegrationSettings::http(
            IntegrationType::Http,
            HttpMethod::Get,
            uri,
        ))
        .await
        .unwrap_err();
        assert_invalid(err, "uri", "Invalid HTTP endpoint specified for URI");
    }
    // Missing verb for HTTP.
    let mut s = IntegrationSettings::http(IntegrationType::Http, HttpMethod::Get, "https://x.io");
    s.http_method = None;
    assert_invalid(
        put(s).await.unwrap_err(),
        "httpMethod",
        msg::EMPTY_HTTP_METHOD,
    );
    // Timeout out of range.
    for t in [49, 29_001, 0, -1] {
        let mut s = IntegrationSettings::mock();
        s.timeout_in_millis = Some(t);
        assert_invalid(put(s).await.unwrap_err(), "timeoutInMillis", msg::TIMEOUT);
    }
    // Template over 300 KB.
    let mut s = IntegrationSettings::mock();
    s.request_templates
        .insert("application/json".into(), "x".repeat(300 * 1024 + 1));
    let message = assert_invalid_field(put(s).await.unwrap_err(), "requestTemplates");
    assert!(message.contains("300 KB"), "{message}");
    // Exactly 300 KB is fine (checked on a clone of the method below).
    // Undeclared method parameter.
    let mut s = IntegrationSettings::mock();
    s.request_parameters.insert(
        "integration.request.querystring.q".into(),
        "method.request.querystring.q".into(),
    );
    let message = assert_invalid_field(put(s).await.unwrap_err(), "requestParameters");
    assert!(
        message.contains("method.request.querystring.q"),
        "{message}"
    );
    // Bad passthrough/ARN.
    let s = IntegrationSettings::http(IntegrationType::Aws, HttpMethod::Post, "not-an-arn");
    assert_invalid(put(s).await.unwrap_err(), "uri", msg::INVALID_ARN);

    let after = store::get_integration(&db, &api.id, &pets.id, HttpMethod::Get)
        .await
        .unwrap();
    assert_eq!(after, before);

    let mut s = IntegrationSettings::mock();
    s.request_templates
        .insert("application/json".into(), "x".repeat(300 * 1024));
    s.timeout_in_millis = Some(50);
    let saved = put(s).await.unwrap();
    assert_eq!(saved.timeout_in_millis, 50);
}

#[sqlx::test(migrations = "../migrations")]
async fn stale_integration_update_is_refused(db: PgPool) {
    let api = new_api(&db).await;
    let pets = child(&db, &api, &api.root_resource_id, "pets").await;
    mock_method(&db, &api, &pets.id, HttpMethod::Get).await;
    let loaded = store::get_integration(&db, &api.id, &pets.id, HttpMethod::Get)
        .await
        .unwrap();
    let mut theirs = IntegrationSettings::mock();
    theirs.timeout_in_millis = Some(1000);
    let saved = store::update_integration(
        &db,
        &api.id,
        &pets.id,
        HttpMethod::Get,
        loaded.version,
        &theirs,
    )
    .await
    .unwrap();
    assert_eq!(saved.version, loaded.version + 1);
    let ours = IntegrationSettings::http(IntegrationType::Http, HttpMethod::Get, "https://x.io");
    let err = store::update_integration(
        &db,
        &api.id,
        &pets.id,
        HttpMethod::Get,
        loaded.version,
        &ours,
    )
    .await
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "This integration was changed by someone else since you opened it. Reload to see their \
         changes."
    );
    assert_eq!(
        store::get_integration(&db, &api.id, &pets.id, HttpMethod::Get)
            .await
            .unwrap(),
        saved
    );
    // Updating a method with no integration.
    store::put_method(
        &db,
        &api.id,
        &pets.id,
        HttpMethod::Post,
        &MethodSettings::default(),
    )
    .await
    .unwrap();
    let err = store::update_integration(&db, &api.id, &pets.id, HttpMethod::Post, 1, &ours)
        .await
        .unwrap_err();
    assert!(err.is_not_found(Entity::Integration));
}

#[sqlx::test(migrations = "../migrations")]
async fn integration_and_method_responses(db: PgPool) {
    let api = new_api(&db).await;
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
    let ir = IntegrationResponseSettings {
        selection_pattern: Some("4\\d{2}".into()),
        ..Default::default()
    };
    // No integration yet.
    let err = store::put_integration_response(&db, &api.id, &pets.id, HttpMethod::Get, "400", &ir)
        .await
        .unwrap_err();
    assert!(err.is_not_found(Entity::Integration));
    store::put_integration(
        &db,
        &api.id,
        &pets.id,
        HttpMethod::Get,
        &IntegrationSettings::mock(),
    )
    .await
    .unwrap();
    // No method response for 400 yet.
    let err = store::put_integration_response(&db, &api.id, &pets.id, HttpMethod::Get, "400", &ir)
        .await
        .unwrap_err();
    assert!(err.is_not_found(Entity::MethodResponse));
    assert!(
        err.to_string()
            .starts_with("Invalid Response status code specified")
    );

    // Status codes out of range.
    for bad in ["99", "600", "20x", "2000"] {
        let err = store::put_method_response(
            &db,
            &api.id,
            &pets.id,
            HttpMethod::Get,
            bad,
            &MethodResponseSettings::default(),
        )
        .await
        .unwrap_err();
        assert_invalid_field(err, "statusCode");
        let err =
            store::put_integration_response(&db, &api.id, &pets.id, HttpMethod::Get, bad, &ir)
                .await
                .unwrap_err();
        assert_invalid_field(err, "statusCode");
    }
    let mr = MethodResponseSettings {
        response_parameters: BTreeMap::from([(
            "method.response.header.Access-Control-Allow-Origin".to_owned(),
            false,
        )]),
        ..Default::default()
    };
    store::put_method_response(&db, &api.id, &pets.id, HttpMethod::Get, "400", &mr)
        .await
        .unwrap();
    store::put_method_response(
        &db,
        &api.id,
        &pets.id,
        HttpMethod::Get,
        "200",
        &MethodResponseSettings::default(),
    )
    .await
    .unwrap();
    // Invalid regex.
    let bad_regex = IntegrationResponseSettings {
        selection_pattern: Some("4\\d{2".into()),
        ..Default::default()
    };
    let err =
        store::put_integration_response(&db, &api.id, &pets.id, HttpMethod::Get, "400", &bad_regex)
            .await
            .unwrap_err();
    let message = assert_invalid_field(err, "selectionPattern");
    assert!(
        message.starts_with("Invalid regular expression '4\\d{2'"),
        "{message}"
    );
    // A header the method response does not declare.
    let undeclared = IntegrationResponseSettings {
        response_parameters: BTreeMap::from([(
            "method.response.header.X-Other".to_owned(),
            "'x'".to_owned(),
        )]),
        ..Default::default()
    };
    let err = store::put_integration_response(
        &db,
        &api.id,
        &pets.id,
        HttpMethod::Get,
        "400",
        &undeclared,
    )
    .await
    .unwrap_err();
    assert_invalid_field(err, "responseParameters");
    // Template too large.
    let big = IntegrationResponseSettings {
        response_templates: BTreeMap::from([(
            "application/json".to_owned(),
            "y".repeat(300 * 1024 + 1),
        )]),
        ..Default::default()
    };
    let err = store::put_integration_response(&db, &api.id, &pets.id, HttpMethod::Get, "200", &big)
        .await
        .unwrap_err();
    assert_invalid_field(err, "responseTemplates");
    assert_eq!(count(&db, "api_integration_responses").await, 0);

    let good = IntegrationResponseSettings {
        selection_pattern: Some("4\\d{2}".into()),
        response_parameters: BTreeMap::from([(
            "method.response.header.Access-Control-Allow-Origin".to_owned(),
            "'*'".to_owned(),
        )]),
        response_templates: BTreeMap::from([(
            "application/json".to_owned(),
            "{\"error\": \"$input.path('$.message')\"}".to_owned(),
        )]),
    };
    store::put_integration_response(&db, &api.id, &pets.id, HttpMethod::Get, "400", &good)
        .await
        .unwrap();
    let default = IntegrationResponseSettings {
        selection_pattern: Some(String::new()),
        ..Default::default()
    };
    let d =
        store::put_integration_response(&db, &api.id, &pets.id, HttpMethod::Get, "200", &default)
            .await
            .unwrap();
    assert_eq!(
        d.selection_pattern, None,
        "an empty pattern is the default response"
    );
    let method = store::get_method(&db, &api.id, &pets.id, HttpMethod::Get)
        .await
        .unwrap();
    assert_eq!(method.method_responses.len(), 2);
    let integration = method.method_integration.unwrap();
    assert_eq!(
        integration.integration_responses["400"]
            .selection_pattern
            .as_deref(),
        Some("4\\d{2}")
    );
    let json = serde_json::to_value(&integration).unwrap();
    assert_eq!(
        json["integrationResponses"]["400"]["responseParameters"]["method.response.header.Access-Control-Allow-Origin"],
        "'*'"
    );
    assert_eq!(
        json["integrationResponses"]["400"]["selectionPattern"],
        "4\\d{2}"
    );

    store::delete_integration_response(&db, &api.id, &pets.id, HttpMethod::Get, "400")
        .await
        .unwrap();
    store::delete_method_response(&db, &api.id, &pets.id, HttpMethod::Get, "400")
        .await
        .unwrap();
    // Deleting the method takes the integration and responses with it.
    store::delete_method(&db, &api.id, &pets.id, HttpMethod::Get)
        .await
        .unwrap();
    for table in [
        "api_methods",
        "api_integrations",
        "api_integration_responses",
        "api_method_responses",
    ] {
        assert_eq!(count(&db, table).await, 0, "{table}");
    }
}

use apis::{
    ApisError, AuthorizationType, AuthorizerSettings, Entity, HttpMethod, MethodSettings, store,
};
use sqlx::PgPool;

use crate::common::*;

fn cognito_method(authorizer_id: &str) -> MethodSettings {
    MethodSettings {
        authorization_type: AuthorizationType::CognitoUserPools,
        authorizer_id: Some(apis::AuthorizerId::new(authorizer_id)),
        ..MethodSettings::default()
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn create_with_defaults_and_aws_json(db: PgPool) {
    let api = new_api(&db).await;
    let settings = AuthorizerSettings::new(
        " cognito ",
        &[
            POOL_ARN,
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Ext123",
        ],
    );
    let a = store::create_authorizer(&db, &api.id, &settings)
        .await
        .unwrap();
    assert_eq!(a.id.len(), 6);
    assert_eq!(a.name, "cognito");
    assert_eq!(a.identity_source, "method.request.header.Authorization");
    assert_eq!(a.authorizer_result_ttl_in_seconds, 300);
    assert_eq!(a.identity_validation_expression, None);
    assert_eq!(a.version, 1);
    let json = serde_json::to_value(&a).unwrap();
    assert_eq!(json["type"], "COGNITO_USER_POOLS");
    assert_eq!(json["providerARNs"][0], POOL_ARN);
    assert_eq!(
        json["identitySource"],
        "method.request.header.Authorization"
    );
    assert_eq!(json["authorizerResultTtlInSeconds"], 300);
    assert_eq!(
        store::list_authorizers(&db, &api.id).await.unwrap(),
        std::slice::from_ref(&a)
    );
    assert_eq!(store::get_authorizer(&db, &api.id, &a.id).await.unwrap(), a);
    let err = store::get_authorizer(&db, &api.id, &apis::AuthorizerId::new("nope00"))
        .await
        .unwrap_err();
    assert!(err.is_not_found(Entity::Authorizer));
    assert_eq!(err.to_string(), "Invalid Authorizer identifier specified");
}

#[sqlx::test(migrations = "../migrations")]
async fn authorizer_validation_errors(db: PgPool) {
    let api = new_api(&db).await;
    let base = AuthorizerSettings::new("cognito", &[POOL_ARN]);
    store::create_authorizer(&db, &api.id, &base).await.unwrap();

    // Name clash (another API may reuse the name).
    let err = store::create_authorizer(&db, &api.id, &base)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ApisError::Conflict {
                field: Some("name"),
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "Authorizer name must be unique. Authorizer cognito already exists in this RestApi."
    );
    let other = store::create_rest_api(&db, "Other", "").await.unwrap();
    store::create_authorizer(&db, &other.id, &base)
        .await
        .unwrap();

    let named = |name: &str| AuthorizerSettings {
        name: name.to_owned(),
        ..base.clone()
    };
    for ttl in [-1, 3601] {
        let s = AuthorizerSettings {
            authorizer_result_ttl_in_seconds: Some(ttl),
            ..named("ttl")
        };
        let err = store::create_authorizer(&db, &api.id, &s)
            .await
            .unwrap_err();
        assert_invalid_field(err, "authorizerResultTtlInSeconds");
    }
    let s = AuthorizerSettings {
        identity_validation_expression: Some("[a-z".into()),
        ..named("regex")
    };
    let err = store::create_authorizer(&db, &api.id, &s)
        .await
        .unwrap_err();
    let message = assert_invalid_field(err, "identityValidationExpression");
    assert!(
        message.starts_with("Invalid regular expression '[a-z'"),
        "{message}"
    );
    for source in [
        "Authorization",
        "method.request.querystring.token",
        "method.request.header.",
    ] {
        let s = AuthorizerSettings {
            identity_source: Some(source.into()),
            ..named("source")
        };
        let err = store::create_authorizer(&db, &api.id, &s)
            .await
            .unwrap_err();
        assert_invalid_field(err, "identitySource");
    }
    for providers in [
        vec![],
        vec!["us-east-1_AbC123xyz".to_owned()],
        vec![POOL_ARN.to_owned(), POOL_ARN.to_owned()],
    ] {
        let s = AuthorizerSettings {
            provider_arns: providers,
            ..named("pools")
        };
        let err = store::create_authorizer(&db, &api.id, &s)
            .await
            .unwrap_err();
        assert_invalid_field(err, "providerARNs");
    }
    let err = store::create_authorizer(&db, &api.id, &named(" "))
        .await
        .unwrap_err();
    assert_invalid_field(err, "name");
    assert_eq!(
        store::list_authorizers(&db, &api.id).await.unwrap().len(),
        1
    );

    // Boundaries are accepted.
    let s = AuthorizerSettings {
        authorizer_result_ttl_in_seconds: Some(0),
        identity_source: Some("method.request.header.X-Id-Token".into()),
        identity_validation_expression: Some("^[a-z0-9]{26}$".into()),
        ..named("edge")
    };
    let a = store::create_authorizer(&db, &api.id, &s).await.unwrap();
    assert_eq!(a.authorizer_result_ttl_in_seconds, 0);
    assert_eq!(a.identity_header(), Some("X-Id-Token"));
}

#[sqlx::test(migrations = "../migrations")]
async fn deleting_an_authorizer_in_use_is_refused_naming_the_methods(db: PgPool) {
    let api = new_api(&db).await;
    let a = store::create_authorizer(
        &db,
        &api.id,
        &AuthorizerSettings::new("cognito", &[POOL_ARN]),
    )
    .await
    .unwrap();
    let pets = child(&db, &api, &api.root_resource_id, "pets").await;
    let id = child(&db, &api, &pets.id, "{id}").await;
    for (rid, verb) in [
        (&pets.id, HttpMethod::Post),
        (&pets.id, HttpMethod::Get),
        (&id.id, HttpMethod::Delete),
    ] {
        store::put_method(&db, &api.id, rid, verb, &cognito_method(&a.id))
            .await
            .unwrap();
    }
    store::put_method(
        &db,
        &api.id,
        &id.id,
        HttpMethod::Get,
        &MethodSettings::default(),
    )
    .await
    .unwrap();

    let err = store::delete_authorizer(&db, &api.id, &a.id)
        .await
        .unwrap_err();
    assert!(matches!(err, ApisError::AuthorizerInUse { .. }));
    assert_eq!(
        err.to_string(),
        "Authorizer is in use by GET /pets, POST /pets, DELETE /pets/{id}"
    );
    assert_eq!(
        store::authorizer_usage(&db, &api.id, &a.id).await.unwrap(),
        ["GET /pets", "POST /pets", "DELETE /pets/{id}"]
    );
    assert_eq!(count(&db, "api_authorizers").await, 1);

    // Once no method uses it, it goes.
    store::delete_resource(&db, &api.id, &id.id).await.unwrap();
    for verb in [HttpMethod::Get, HttpMethod::Post] {
        let m = store::get_method(&db, &api.id, &pets.id, verb)
            .await
            .unwrap();
        store::update_method(
            &db,
            &api.id,
            &pets.id,
            verb,
            m.version,
            &MethodSettings::default(),
        )
        .await
        .unwrap();
    }
    store::delete_authorizer(&db, &api.id, &a.id).await.unwrap();
    let err = store::delete_authorizer(&db, &api.id, &a.id)
        .await
        .unwrap_err();
    assert!(err.is_not_found(Entity::Authorizer));
}

#[sqlx::test(migrations = "../migrations")]
async fn stale_authorizer_update_is_refused(db: PgPool) {
    let api = new_api(&db).await;
    let loaded = store::create_authorizer(
        &db,
        &api.id,
        &AuthorizerSettings::new("cognito", &[POOL_ARN]),
    )
    .await
    .unwrap();
    store::create_authorizer(&db, &api.id, &AuthorizerSettings::new("taken", &[POOL_ARN]))
        .await
        .unwrap();
    let theirs = AuthorizerSettings {
        authorizer_result_ttl_in_seconds: Some(60),
        ..AuthorizerSettings::new("cognito", &[POOL_ARN])
    };
    let saved = store::update_authorizer(&db, &api.id, &loaded.id, loaded.version, &theirs)
        .await
        .unwrap();
    assert_eq!(saved.version, 2);
    assert_eq!(saved.authorizer_result_ttl_in_seconds, 60);
    let ours = AuthorizerSettings::new("renamed", &[POOL_ARN]);
    let err = store::update_authorizer(&db, &api.id, &loaded.id, loaded.version, &ours)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "This authorizer was changed by someone else since you opened it. Reload to see their \
         changes."
    );
    assert_eq!(
        store::get_authorizer(&db, &api.id, &loaded.id)
            .await
            .unwrap(),
        saved
    );
    // Renaming onto another authorizer's name clashes.
    let err = store::update_authorizer(
        &db,
        &api.id,
        &loaded.id,
        saved.version,
        &AuthorizerSettings::new("taken", &[POOL_ARN]),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            err,
            ApisError::Conflict {
                field: Some("name"),
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        store::get_authorizer(&db, &api.id, &loaded.id)
            .await
            .unwrap(),
        saved
    );
}

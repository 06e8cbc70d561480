//! Pools and app clients through `dispatch`, plus protocol-level errors.

use crate::common::*;
use identity::Identity;
use serde_json::json;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn create_describe_list_update_delete_pool(db: PgPool) {
    let id = api(db.clone()).await;
    let created = ok(
        &id,
        "CreateUserPool",
        json!({
            "PoolName": "my pool",
            "Schema": [
                {"Name": "role", "AttributeDataType": "String", "Mutable": true},
                {"Name": "age", "AttributeDataType": "Number", "Mutable": false},
                {"Name": "email", "Required": true}
            ],
            "UserPoolTags": {"team": "blue"}
        }),
    )
    .await;
    let pool = &created["UserPool"];
    let pool_id = pool["Id"].as_str().expect("id").to_owned();
    let (region, suffix) = pool_id.split_once('_').expect("underscore");
    assert_eq!(region, "us-east-1");
    assert_eq!(suffix.len(), 9);
    assert!(suffix.chars().all(|c| c.is_ascii_alphanumeric()));
    assert_eq!(
        pool["Arn"],
        format!("arn:aws:cognito-idp:us-east-1:123456789012:userpool/{pool_id}")
    );
    assert_eq!(pool["Name"], "my pool");
    assert!(pool["CreationDate"].is_number(), "timestamps are numbers");
    assert!(pool["LastModifiedDate"].is_number());
    let policy = &pool["Policies"]["PasswordPolicy"];
    assert_eq!(
        policy,
        &json!({"MinimumLength": 8, "RequireUppercase": true, "RequireLowercase": true,
                "RequireNumbers": true, "RequireSymbols": true, "TemporaryPasswordValidityDays": 7})
    );
    assert_eq!(pool["MfaConfiguration"], "OFF");
    assert_eq!(pool["EstimatedNumberOfUsers"], 0);
    assert_eq!(pool["UserPoolTags"], json!({"team": "blue"}));
    let schema = pool["SchemaAttributes"].as_array().expect("schema");
    let attr = |name: &str| {
        schema
            .iter()
            .find(|a| a["Name"] == name)
            .unwrap_or_else(|| panic!("{name} in schema"))
            .clone()
    };
    for std in [
        "sub",
        "email",
        "email_verified",
        "name",
        "given_name",
        "family_name",
        "phone_number",
    ] {
        attr(std);
    }
    assert_eq!(attr("custom:role")["AttributeDataType"], "String");
    assert_eq!(attr("custom:role")["Mutable"], true);
    assert_eq!(attr("custom:age")["AttributeDataType"], "Number");
    assert_eq!(attr("custom:age")["Mutable"], false);
    assert_eq!(attr("email")["Required"], true);
    assert_eq!(attr("email_verified")["AttributeDataType"], "Boolean");

    let described = ok(&id, "DescribeUserPool", json!({"UserPoolId": pool_id})).await;
    assert_eq!(described["UserPool"]["Id"], pool_id.as_str());
    assert_eq!(described["UserPool"]["CreationDate"], pool["CreationDate"]);

    let other = create_pool(&id, json!({"PoolName": "second"})).await;
    let page1 = ok(&id, "ListUserPools", json!({"MaxResults": 1})).await;
    assert_eq!(page1["UserPools"].as_array().expect("list").len(), 1);
    let token = page1["NextToken"].as_str().expect("next token");
    let page2 = ok(
        &id,
        "ListUserPools",
        json!({"MaxResults": 1, "NextToken": token}),
    )
    .await;
    assert_eq!(page2["UserPools"].as_array().expect("list").len(), 1);
    assert!(page2.get("NextToken").is_none());
    let mut ids = vec![
        page1["UserPools"][0]["Id"].as_str().expect("id").to_owned(),
        page2["UserPools"][0]["Id"].as_str().expect("id").to_owned(),
    ];
    ids.sort();
    let mut expected = vec![pool_id.clone(), other.clone()];
    expected.sort();
    assert_eq!(ids, expected);
    assert!(page1["UserPools"][0]["CreationDate"].is_number());
    assert_eq!(
        fail(&id, "ListUserPools", json!({})).await,
        err(
            "InvalidParameterException",
            "1 validation error detected: Value null at 'maxResults' failed to satisfy constraint: Member must not be null"
        )
    );

    ok(
        &id,
        "UpdateUserPool",
        json!({"UserPoolId": pool_id, "Policies": {"PasswordPolicy": {"MinimumLength": 12, "RequireSymbols": false}},
               "AutoVerifiedAttributes": ["email"], "DeletionProtection": "ACTIVE"}),
    )
    .await;
    let updated = ok(&id, "DescribeUserPool", json!({"UserPoolId": pool_id})).await;
    let p = &updated["UserPool"];
    assert_eq!(p["Policies"]["PasswordPolicy"]["MinimumLength"], 12);
    assert_eq!(p["Policies"]["PasswordPolicy"]["RequireSymbols"], false);
    assert_eq!(p["AutoVerifiedAttributes"], json!(["email"]));
    assert_eq!(
        p["UserPoolTags"],
        json!({"team": "blue"}),
        "tags survive updates"
    );

    // Deletion protection, then delete (cascades).
    assert_eq!(
        fail(&id, "DeleteUserPool", json!({"UserPoolId": pool_id}))
            .await
            .0,
        "InvalidParameterException"
    );
    ok(&id, "UpdateUserPool", json!({"UserPoolId": pool_id})).await;
    let client = password_client(&id, &pool_id).await;
    confirmed_user(
        &id,
        &pool_id,
        "alice",
        json!([{"Name": "email", "Value": "a@example.com"}]),
    )
    .await;
    sign_in(&id, &client, "alice", PASSWORD).await;
    ok(
        &id,
        "CreateGroup",
        json!({"UserPoolId": pool_id, "GroupName": "g"}),
    )
    .await;
    ok(
        &id,
        "AdminAddUserToGroup",
        json!({"UserPoolId": pool_id, "Username": "alice", "GroupName": "g"}),
    )
    .await;
    ok(&id, "DeleteUserPool", json!({"UserPoolId": pool_id})).await;
    assert_eq!(
        fail(&id, "DescribeUserPool", json!({"UserPoolId": pool_id})).await,
        err(
            "ResourceNotFoundException",
            &format!("User pool {pool_id} does not exist.")
        )
    );
    for table in [
        "user_pool_clients",
        "user_pool_users",
        "user_pool_groups",
        "user_pool_group_members",
        "user_pool_refresh_tokens",
        "user_pool_signing_keys",
        "user_pool_outbox",
        "user_pool_custom_attributes",
    ] {
        let sql = format!("SELECT count(*) FROM {table}");
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .fetch_one(&db)
            .await
            .expect("count");
        assert_eq!(n, 0, "{table} emptied by the cascade");
    }
    // The other pool is untouched.
    ok(&id, "DescribeUserPool", json!({"UserPoolId": other})).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn pool_validation(db: PgPool) {
    let id = api(db).await;
    assert_eq!(
        fail(&id, "DescribeUserPool", json!({"UserPoolId": "not a pool"})).await,
        err(
            "InvalidParameterException",
            "1 validation error detected: Value 'not a pool' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+"
        )
    );
    assert_eq!(
        fail(
            &id,
            "DescribeUserPool",
            json!({"UserPoolId": "us-east-1_missing12"})
        )
        .await,
        err(
            "ResourceNotFoundException",
            "User pool us-east-1_missing12 does not exist."
        )
    );
    assert_eq!(
        fail(&id, "CreateUserPool", json!({})).await,
        err(
            "InvalidParameterException",
            "1 validation error detected: Value null at 'poolName' failed to satisfy constraint: Member must not be null"
        )
    );
    assert_eq!(
        fail(
            &id,
            "CreateUserPool",
            json!({"PoolName": "p", "Policies": {"PasswordPolicy": {"MinimumLength": 3}}})
        )
        .await
        .0,
        "InvalidParameterException"
    );
    assert_eq!(
        fail(
            &id,
            "CreateUserPool",
            json!({"PoolName": "p", "Schema": [{"Name": "x", "AttributeDataType": "Blob"}]})
        )
        .await
        .0,
        "InvalidParameterException"
    );
    assert_eq!(
        fail(
            &id,
            "CreateUserPool",
            json!({"PoolName": "p", "UsernameAttributes": ["email"], "AliasAttributes": ["email"]})
        )
        .await
        .0,
        "InvalidParameterException"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn protocol_errors(db: PgPool) {
    let id = api(db).await;
    // Unknown action.
    let e = id
        .dispatch("FlyToTheMoon", b"{}", true)
        .await
        .expect_err("unknown");
    assert_eq!(e.type_name(), "UnknownOperationException");
    assert_eq!(e.message, "Unknown operation FlyToTheMoon");
    assert_eq!(e.status(), 400);
    // Admin actions must be signed; public ones need not be.
    let pool_id = create_pool(&id, json!({})).await;
    for action in [
        "CreateUserPool",
        "DescribeUserPool",
        "AdminCreateUser",
        "AdminInitiateAuth",
        "ListUsers",
    ] {
        let e = id
            .dispatch(
                action,
                json!({"UserPoolId": pool_id}).to_string().as_bytes(),
                false,
            )
            .await
            .expect_err("unsigned admin call");
        assert_eq!(
            e.type_name(),
            "MissingAuthenticationTokenException",
            "{action}"
        );
        assert_eq!(e.message, "Missing Authentication Token");
    }
    let unsigned = id
        .dispatch(
            "DescribeUserPool",
            json!({"UserPoolId": pool_id}).to_string().as_bytes(),
            true,
        )
        .await;
    assert!(unsigned.is_ok());
    assert_eq!(Identity::requires_signature("SignUp"), Some(false));
    assert_eq!(Identity::requires_signature("GetUser"), Some(false));
    assert_eq!(Identity::requires_signature("AdminGetUser"), Some(true));
    assert_eq!(Identity::requires_signature("Bogus"), None);
    // Malformed JSON and wrong types.
    let e = id
        .dispatch("DescribeUserPool", b"{nope", true)
        .await
        .expect_err("bad json");
    assert_eq!(e.type_name(), "SerializationException");
    let e = id
        .dispatch("DescribeUserPool", br#"{"UserPoolId": 42}"#, true)
        .await
        .expect_err("wrong type");
    assert_eq!(e.type_name(), "SerializationException");
    let e = id
        .dispatch("SignUp", b"[]", false)
        .await
        .expect_err("not an object");
    assert_eq!(e.type_name(), "SerializationException");
    // Missing required member.
    assert_eq!(
        fail(
            &id,
            "SignUp",
            json!({"Username": "x", "Password": PASSWORD})
        )
        .await,
        err(
            "InvalidParameterException",
            "1 validation error detected: Value null at 'clientId' failed to satisfy constraint: Member must not be null"
        )
    );
    // An unknown client.
    assert_eq!(
        fail(
            &id,
            "SignUp",
            json!({"ClientId": "nosuchclient", "Username": "x", "Password": PASSWORD})
        )
        .await,
        err(
            "ResourceNotFoundException",
            "User pool client nosuchclient does not exist."
        )
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn app_clients(db: PgPool) {
    let id = api(db.clone()).await;
    let pool_id = create_pool(
        &id,
        json!({"Schema": [{"Name": "role", "AttributeDataType": "String"}]}),
    )
    .await;
    // Defaults.
    let created = ok(
        &id,
        "CreateUserPoolClient",
        json!({"UserPoolId": pool_id, "ClientName": "web"}),
    )
    .await;
    let c = &created["UserPoolClient"];
    let client_id = c["ClientId"].as_str().expect("id");
    assert_eq!(client_id.len(), 26);
    assert!(
        client_id
            .chars()
            .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit())
    );
    assert!(c.get("ClientSecret").is_none());
    assert_eq!(
        c["ExplicitAuthFlows"],
        json!([
            "ALLOW_REFRESH_TOKEN_AUTH",
            "ALLOW_USER_SRP_AUTH",
            "ALLOW_CUSTOM_AUTH"
        ])
    );
    assert_eq!(c["PreventUserExistenceErrors"], "ENABLED");
    assert_eq!(c["AccessTokenValidity"], 60);
    assert_eq!(c["IdTokenValidity"], 60);
    assert_eq!(c["RefreshTokenValidity"], 30);
    assert_eq!(
        c["TokenValidityUnits"],
        json!({"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "days"})
    );
    assert_eq!(c["EnableTokenRevocation"], true);
    assert_eq!(c["AuthSessionValidity"], 3);
    assert!(c["CreationDate"].is_number());

    // A secret, overrides, attribute permissions.
    let created = ok(
        &id,
        "CreateUserPoolClient",
        json!({"UserPoolId": pool_id, "ClientName": "server", "GenerateSecret": true,
               "ExplicitAuthFlows": ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
               "AccessTokenValidity": 2, "IdTokenValidity": 30, "RefreshTokenValidity": 7,
               "TokenValidityUnits": {"IdToken": "minutes"},
               "ReadAttributes": ["email", "custom:role"], "WriteAttributes": ["email"],
               "PreventUserExistenceErrors": "LEGACY"}),
    )
    .await;
    let s = &created["UserPoolClient"];
    let secret = s["ClientSecret"].as_str().expect("secret");
    assert!(secret.len() >= 24 && secret.len() <= 64);
    assert_eq!(s["AccessTokenValidity"], 2);
    assert_eq!(
        s["TokenValidityUnits"]["AccessToken"], "hours",
        "no unit means hours"
    );
    assert_eq!(s["IdTokenValidity"], 30);
    assert_eq!(s["TokenValidityUnits"]["IdToken"], "minutes");
    assert_eq!(s["RefreshTokenValidity"], 7);
    assert_eq!(s["TokenValidityUnits"]["RefreshToken"], "days");
    assert_eq!(s["ReadAttributes"], json!(["email", "custom:role"]));
    assert_eq!(s["PreventUserExistenceErrors"], "LEGACY");
    let server_id = s["ClientId"].as_str().expect("id").to_owned();

    // The secret is sealed at rest.
    let sealed: Vec<u8> =
        sqlx::query_scalar("SELECT secret_sealed FROM user_pool_clients WHERE id = $1")
            .bind(&server_id)
            .fetch_one(&db)
            .await
            .expect("row");
    assert!(!sealed.windows(secret.len()).any(|w| w == secret.as_bytes()));

    let described = ok(
        &id,
        "DescribeUserPoolClient",
        json!({"UserPoolId": pool_id, "ClientId": server_id}),
    )
    .await;
    assert_eq!(described["UserPoolClient"]["ClientSecret"], secret);
    assert_eq!(described["UserPoolClient"]["ClientName"], "server");

    let listed = ok(
        &id,
        "ListUserPoolClients",
        json!({"UserPoolId": pool_id, "MaxResults": 1}),
    )
    .await;
    assert_eq!(listed["UserPoolClients"].as_array().expect("list").len(), 1);
    let next = listed["NextToken"].as_str().expect("next");
    let rest = ok(
        &id,
        "ListUserPoolClients",
        json!({"UserPoolId": pool_id, "NextToken": next}),
    )
    .await;
    assert_eq!(rest["UserPoolClients"].as_array().expect("list").len(), 1);
    assert!(rest["UserPoolClients"][0].get("ClientSecret").is_none());

    // Validation.
    for bad in [
        json!({"UserPoolId": pool_id, "ClientName": "x", "ExplicitAuthFlows": ["ALLOW_EVERYTHING"]}),
        json!({"UserPoolId": pool_id, "ClientName": "x", "AccessTokenValidity": 2, "TokenValidityUnits": {"AccessToken": "days"}}),
        json!({"UserPoolId": pool_id, "ClientName": "x", "RefreshTokenValidity": 10, "TokenValidityUnits": {"RefreshToken": "minutes"}}),
        json!({"UserPoolId": pool_id, "ClientName": "x", "ReadAttributes": ["custom:nope"]}),
        json!({"UserPoolId": pool_id, "ClientName": "x", "PreventUserExistenceErrors": "MAYBE"}),
    ] {
        assert_eq!(
            fail(&id, "CreateUserPoolClient", bad.clone()).await.0,
            "InvalidParameterException",
            "{bad}"
        );
    }
    assert_eq!(
        fail(&id, "CreateUserPoolClient", json!({"UserPoolId": pool_id, "ClientName": "x", "AccessTokenValidity": 2, "TokenValidityUnits": {"AccessToken": "days"}})).await.1,
        "Invalid range for token validity."
    );

    ok(
        &id,
        "DeleteUserPoolClient",
        json!({"UserPoolId": pool_id, "ClientId": server_id}),
    )
    .await;
    assert_eq!(
        fail(
            &id,
            "DescribeUserPoolClient",
            json!({"UserPoolId": pool_id, "ClientId": server_id})
        )
        .await,
        err(
            "ResourceNotFoundException",
            &format!("User pool client {server_id} does not exist.")
        )
    );
    assert_eq!(
        fail(
            &id,
            "DeleteUserPoolClient",
            json!({"UserPoolId": pool_id, "ClientId": server_id})
        )
        .await
        .0,
        "ResourceNotFoundException"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn update_user_pool_client_is_a_full_replacement(db: PgPool) {
    let id = api(db).await;
    let pool_id = create_pool(&id, json!({})).await;
    let created = ok(
        &id,
        "CreateUserPoolClient",
        json!({"UserPoolId": pool_id, "ClientName": "web", "GenerateSecret": true,
               "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
               "AccessTokenValidity": 10, "TokenValidityUnits": {"AccessToken": "minutes"},
               "ReadAttributes": ["email"], "CallbackURLs": ["https://app.example/cb"],
               "PreventUserExistenceErrors": "LEGACY", "EnableTokenRevocation": false}),
    )
    .await["UserPoolClient"]
        .clone();
    let client_id = created["ClientId"].as_str().expect("id").to_owned();
    let updated = ok(
        &id,
        "UpdateUserPoolClient",
        json!({"UserPoolId": pool_id, "ClientId": client_id,
               "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
               "LogoutURLs": ["https://app.example/bye"]}),
    )
    .await["UserPoolClient"]
        .clone();
    // What was given is set; what was left out is back to its default; the name, id, secret
    // and creation date stay.
    assert_eq!(
        updated["ExplicitAuthFlows"],
        json!(["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    );
    assert_eq!(updated["LogoutURLs"], json!(["https://app.example/bye"]));
    assert_eq!(updated["ClientName"], "web");
    assert_eq!(updated["ClientId"], created["ClientId"]);
    assert_eq!(updated["ClientSecret"], created["ClientSecret"]);
    assert_eq!(updated["CreationDate"], created["CreationDate"]);
    assert_eq!(updated["AccessTokenValidity"], 60);
    assert_eq!(updated["TokenValidityUnits"]["AccessToken"], "minutes");
    assert!(updated.get("CallbackURLs").is_none(), "{updated}");
    assert!(updated.get("ReadAttributes").is_none(), "{updated}");
    assert_eq!(updated["PreventUserExistenceErrors"], "ENABLED");
    assert_eq!(updated["EnableTokenRevocation"], true);
    // A second read returns exactly what the update answered.
    let read = ok(
        &id,
        "DescribeUserPoolClient",
        json!({"UserPoolId": pool_id, "ClientId": client_id}),
    )
    .await["UserPoolClient"]
        .clone();
    assert_eq!(read, updated);
    // The new flows apply at once: password sign-in is no longer allowed.
    confirmed_user(&id, &pool_id, "ned", json!([])).await;
    let hash = secret_hash(
        created["ClientSecret"].as_str().expect("secret"),
        "ned",
        &client_id,
    );
    let (kind, _) = fail(
        &id,
        "InitiateAuth",
        json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client_id,
               "AuthParameters": {"USERNAME": "ned", "PASSWORD": PASSWORD, "SECRET_HASH": hash}}),
    )
    .await;
    assert_eq!(kind, "InvalidParameterException");
    // Unknown clients, bad values.
    assert_eq!(
        fail(
            &id,
            "UpdateUserPoolClient",
            json!({"UserPoolId": pool_id, "ClientId": "nope"})
        )
        .await,
        err(
            "ResourceNotFoundException",
            "User pool client nope does not exist."
        )
    );
    let (kind, _) = fail(
        &id,
        "UpdateUserPoolClient",
        json!({"UserPoolId": pool_id, "ClientId": client_id, "ExplicitAuthFlows": ["FLY"]}),
    )
    .await;
    assert_eq!(kind, "InvalidParameterException");
    // A failed update changed nothing.
    let again = ok(
        &id,
        "DescribeUserPoolClient",
        json!({"UserPoolId": pool_id, "ClientId": client_id}),
    )
    .await["UserPoolClient"]
        .clone();
    assert_eq!(again, read);
}

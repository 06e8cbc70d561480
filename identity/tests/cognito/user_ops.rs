//! The user operations SDKs and IaC tools call every day: attribute updates and deletions
//! (admin and self), AdminResetUserPassword, AdminUserGlobalSignOut, DeleteUser,
//! AdminRespondToAuthChallenge and GetTokensFromRefreshToken.

use serde_json::{Value, json};
use sqlx::PgPool;

use crate::common::*;

async fn attrs_of(id: &Api, pool_id: &str, username: &str) -> Value {
    let user = ok(
        id,
        "AdminGetUser",
        json!({"UserPoolId": pool_id, "Username": username}),
    )
    .await;
    let mut map = serde_json::Map::new();
    for a in user["UserAttributes"].as_array().expect("attributes") {
        map.insert(
            a["Name"].as_str().expect("name").to_owned(),
            a["Value"].clone(),
        );
    }
    Value::Object(map)
}

#[sqlx::test(migrations = "../migrations")]
async fn attributes_are_updated_and_deleted_by_admins_and_users(db: PgPool) {
    let id = api(db).await;
    let pool_id = create_pool(
        &id,
        json!({"Schema": [
            {"Name": "team", "AttributeDataType": "String", "Mutable": true},
            {"Name": "badge", "AttributeDataType": "String", "Mutable": false}]}),
    )
    .await;
    let client = password_client(&id, &pool_id).await;
    confirmed_user(
        &id,
        &pool_id,
        "ola",
        json!([{"Name": "email", "Value": "ola@example.com"}, {"Name": "email_verified", "Value": "true"},
               {"Name": "custom:badge", "Value": "b1"}]),
    )
    .await;
    let admin_update =
        |attrs: Value| json!({"UserPoolId": pool_id, "Username": "ola", "UserAttributes": attrs});
    // A new email becomes unverified...
    ok(
        &id,
        "AdminUpdateUserAttributes",
        admin_update(json!([
        {"Name": "email", "Value": "ola@new.example"}, {"Name": "custom:team", "Value": "red"}])),
    )
    .await;
    let a = attrs_of(&id, &pool_id, "ola").await;
    assert_eq!(
        (a["email"].as_str(), a["email_verified"].as_str()),
        (Some("ola@new.example"), Some("false"))
    );
    assert_eq!(a["custom:team"], "red");
    // ...unless the administrator verifies it in the same call.
    ok(&id, "AdminUpdateUserAttributes", admin_update(json!([
        {"Name": "email", "Value": "ola@third.example"}, {"Name": "email_verified", "Value": "true"}]))).await;
    assert_eq!(
        attrs_of(&id, &pool_id, "ola").await["email_verified"],
        "true"
    );
    // Immutable and unknown attributes are refused, and nothing changes.
    let before = attrs_of(&id, &pool_id, "ola").await;
    for bad in [
        json!([{"Name": "custom:badge", "Value": "b2"}]),
        json!([{"Name": "custom:nope", "Value": "x"}]),
        json!([{"Name": "custom:team", "Value": "blue"}, {"Name": "sub", "Value": "x"}]),
    ] {
        let (kind, _) = fail(&id, "AdminUpdateUserAttributes", admin_update(bad)).await;
        assert_eq!(kind, "InvalidParameterException");
    }
    assert_eq!(attrs_of(&id, &pool_id, "ola").await, before);
    assert_eq!(
        fail(
            &id,
            "AdminUpdateUserAttributes",
            json!({"UserPoolId": pool_id, "Username": "nobody", "UserAttributes": []})
        )
        .await,
        err("UserNotFoundException", "User does not exist.")
    );
    // Deletions: by the administrator, then by the user with an access token.
    ok(
        &id,
        "AdminDeleteUserAttributes",
        json!({"UserPoolId": pool_id, "Username": "ola", "UserAttributeNames": ["custom:team"]}),
    )
    .await;
    assert!(
        attrs_of(&id, &pool_id, "ola")
            .await
            .get("custom:team")
            .is_none()
    );
    ok(
        &id,
        "AdminUpdateUserAttributes",
        admin_update(json!([{"Name": "name", "Value": "Ola"}])),
    )
    .await;
    let access = sign_in(&id, &client, "ola", PASSWORD).await["AccessToken"].clone();
    ok(
        &id,
        "DeleteUserAttributes",
        json!({"AccessToken": access, "UserAttributeNames": ["name"]}),
    )
    .await;
    assert!(attrs_of(&id, &pool_id, "ola").await.get("name").is_none());
    let (kind, _) = fail(
        &id,
        "DeleteUserAttributes",
        json!({"AccessToken": "not-a-token", "UserAttributeNames": ["email"]}),
    )
    .await;
    assert_eq!(kind, "NotAuthorizedException");
}

#[sqlx::test(migrations = "../migrations")]
async fn admin_reset_user_password_requires_the_emailed_code(db: PgPool) {
    let id = api(db).await;
    let pool_id = create_pool(&id, json!({})).await;
    let client = password_client(&id, &pool_id).await;
    confirmed_user(&id, &pool_id, "pia",
        json!([{"Name": "email", "Value": "pia@example.com"}, {"Name": "email_verified", "Value": "true"}])).await;
    confirmed_user(&id, &pool_id, "noemail", json!([])).await;
    ok(
        &id,
        "AdminResetUserPassword",
        json!({"UserPoolId": pool_id, "Username": "pia"}),
    )
    .await;
    let sign_in_body = |name: &str, password: &str| {
        json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client,
               "AuthParameters": {"USERNAME": name, "PASSWORD": password}})
    };
    let (kind, _) = fail(&id, "InitiateAuth", sign_in_body("pia", PASSWORD)).await;
    assert_eq!(kind, "PasswordResetRequiredException");
    let code = latest_code(&id, &pool_id, "pia").await;
    ok(
        &id,
        "ConfirmForgotPassword",
        json!({"ClientId": client, "Username": "pia",
        "ConfirmationCode": code, "Password": "Brand-New-Pass-1"}),
    )
    .await;
    ok(&id, "InitiateAuth", sign_in_body("pia", "Brand-New-Pass-1")).await;
    // Nowhere to send a code: refused, and the password keeps working.
    let (kind, _) = fail(
        &id,
        "AdminResetUserPassword",
        json!({"UserPoolId": pool_id, "Username": "noemail"}),
    )
    .await;
    assert_eq!(kind, "InvalidParameterException");
    ok(&id, "InitiateAuth", sign_in_body("noemail", PASSWORD)).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn admin_global_sign_out_and_delete_user_end_every_token(db: PgPool) {
    let id = api(db).await;
    let pool_id = create_pool(&id, json!({})).await;
    let client = password_client(&id, &pool_id).await;
    confirmed_user(&id, &pool_id, "quin", json!([])).await;
    let tokens = sign_in(&id, &client, "quin", PASSWORD).await;
    ok(
        &id,
        "AdminUserGlobalSignOut",
        json!({"UserPoolId": pool_id, "Username": "quin"}),
    )
    .await;
    let (kind, _) = fail(
        &id,
        "GetUser",
        json!({"AccessToken": tokens["AccessToken"]}),
    )
    .await;
    assert_eq!(kind, "NotAuthorizedException");
    let (kind, _) = fail(
        &id,
        "InitiateAuth",
        json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": client,
        "AuthParameters": {"REFRESH_TOKEN": tokens["RefreshToken"]}}),
    )
    .await;
    assert_eq!(kind, "NotAuthorizedException");
    // DeleteUser: the user ends their own account.
    let tokens = sign_in(&id, &client, "quin", PASSWORD).await;
    ok(
        &id,
        "DeleteUser",
        json!({"AccessToken": tokens["AccessToken"]}),
    )
    .await;
    assert_eq!(
        fail(
            &id,
            "AdminGetUser",
            json!({"UserPoolId": pool_id, "Username": "quin"})
        )
        .await,
        err("UserNotFoundException", "User does not exist.")
    );
    let (kind, _) = fail(
        &id,
        "DeleteUser",
        json!({"AccessToken": tokens["AccessToken"]}),
    )
    .await;
    assert_eq!(kind, "NotAuthorizedException");
}

#[sqlx::test(migrations = "../migrations")]
async fn admin_respond_to_auth_challenge_and_get_tokens_from_refresh_token(db: PgPool) {
    let id = api(db).await;
    let pool_id = create_pool(&id, json!({})).await;
    let (client, secret) = create_client(
        &id,
        &pool_id,
        json!({"GenerateSecret": true,
        "ExplicitAuthFlows": ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}),
    )
    .await;
    let secret = secret.expect("secret");
    ok(
        &id,
        "AdminCreateUser",
        json!({"UserPoolId": pool_id, "Username": "rui",
        "TemporaryPassword": "Temp-Pass-123", "MessageAction": "SUPPRESS"}),
    )
    .await;
    let hash = secret_hash(&secret, "rui", &client);
    let challenge = ok(
        &id,
        "AdminInitiateAuth",
        json!({"UserPoolId": pool_id, "ClientId": client,
        "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": "rui", "PASSWORD": "Temp-Pass-123", "SECRET_HASH": hash}}),
    )
    .await;
    assert_eq!(challenge["ChallengeName"], "NEW_PASSWORD_REQUIRED");
    let out = ok(
        &id,
        "AdminRespondToAuthChallenge",
        json!({"UserPoolId": pool_id, "ClientId": client,
        "ChallengeName": "NEW_PASSWORD_REQUIRED", "Session": challenge["Session"],
        "ChallengeResponses": {"USERNAME": "rui", "NEW_PASSWORD": PASSWORD, "SECRET_HASH": hash}}),
    )
    .await;
    let refresh = out["AuthenticationResult"]["RefreshToken"]
        .as_str()
        .expect("refresh")
        .to_owned();
    // The pool in the request must be the client's.
    let other_pool = create_pool(&id, json!({})).await;
    let (kind, _) = fail(&id, "AdminRespondToAuthChallenge", json!({"UserPoolId": other_pool, "ClientId": client,
        "ChallengeName": "NEW_PASSWORD_REQUIRED", "Session": "x", "ChallengeResponses": {"USERNAME": "rui"}})).await;
    assert_eq!(kind, "ResourceNotFoundException");
    // GetTokensFromRefreshToken: the client's secret itself, compared exactly.
    let (kind, _) = fail(
        &id,
        "GetTokensFromRefreshToken",
        json!({"ClientId": client, "RefreshToken": refresh,
        "ClientSecret": format!("{secret}x")}),
    )
    .await;
    assert_eq!(kind, "NotAuthorizedException");
    let (kind, _) = fail(
        &id,
        "GetTokensFromRefreshToken",
        json!({"ClientId": client, "RefreshToken": refresh}),
    )
    .await;
    assert_eq!(kind, "NotAuthorizedException");
    let fresh = ok(
        &id,
        "GetTokensFromRefreshToken",
        json!({"ClientId": client, "RefreshToken": refresh,
        "ClientSecret": secret}),
    )
    .await;
    let access = fresh["AuthenticationResult"]["AccessToken"]
        .as_str()
        .expect("access token");
    assert_eq!(claims(access)["username"], "rui");
    let (kind, _) = fail(
        &id,
        "GetTokensFromRefreshToken",
        json!({"ClientId": client,
        "RefreshToken": "not-a-refresh-token", "ClientSecret": secret}),
    )
    .await;
    assert_eq!(kind, "NotAuthorizedException");
}

#[sqlx::test(migrations = "../migrations")]
async fn attributes_are_verified_with_a_code_for_their_current_value(db: PgPool) {
    let id = api(db).await;
    let pool_id = create_pool(&id, json!({})).await;
    let client = password_client(&id, &pool_id).await;
    confirmed_user(
        &id,
        &pool_id,
        "sal",
        json!([{"Name": "email", "Value": "sal@example.com"}]),
    )
    .await;
    let access = sign_in(&id, &client, "sal", PASSWORD).await["AccessToken"].clone();
    let ask = |name: &str| json!({"AccessToken": access, "AttributeName": name});
    let sent = ok(&id, "GetUserAttributeVerificationCode", ask("email")).await;
    assert_eq!(sent["CodeDeliveryDetails"]["AttributeName"], "email");
    assert_eq!(sent["CodeDeliveryDetails"]["DeliveryMedium"], "EMAIL");
    let code = latest_code(&id, &pool_id, "sal").await;
    let verify =
        |code: &str| json!({"AccessToken": access, "AttributeName": "email", "Code": code});
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let (kind, _) = fail(&id, "VerifyUserAttribute", verify(wrong)).await;
    assert_eq!(kind, "CodeMismatchException");
    assert_eq!(
        attrs_of(&id, &pool_id, "sal").await["email_verified"],
        "false"
    );
    ok(&id, "VerifyUserAttribute", verify(&code)).await;
    assert_eq!(
        attrs_of(&id, &pool_id, "sal").await["email_verified"],
        "true"
    );
    // Used once.
    let (kind, _) = fail(&id, "VerifyUserAttribute", verify(&code)).await;
    assert_eq!(kind, "ExpiredCodeException");
    // A code sent for an address dies when the address changes.
    ok(&id, "GetUserAttributeVerificationCode", ask("email")).await;
    let code = latest_code(&id, &pool_id, "sal").await;
    ok(
        &id,
        "UpdateUserAttributes",
        json!({"AccessToken": access,
        "UserAttributes": [{"Name": "email", "Value": "sal@elsewhere.example"}]}),
    )
    .await;
    let (kind, _) = fail(&id, "VerifyUserAttribute", verify(&code)).await;
    assert_eq!(kind, "ExpiredCodeException");
    assert_eq!(
        attrs_of(&id, &pool_id, "sal").await["email_verified"],
        "false"
    );
    // Only addresses can be verified, and only ones the user has.
    let (kind, _) = fail(&id, "GetUserAttributeVerificationCode", ask("name")).await;
    assert_eq!(kind, "InvalidParameterException");
    let (kind, _) = fail(&id, "GetUserAttributeVerificationCode", ask("phone_number")).await;
    assert_eq!(kind, "InvalidParameterException");
}

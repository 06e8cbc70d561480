//! Sign-in flows, throttling, refresh, revocation, token-authorized calls, the
//! NEW_PASSWORD_REQUIRED challenge and password recovery.

use std::time::Duration;

use crate::common::*;
use serde_json::{Value, json};
use sqlx::PgPool;

fn password_auth(client: &str, username: &str, password: &str) -> Value {
    json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client,
           "AuthParameters": {"USERNAME": username, "PASSWORD": password}})
}

fn refresh_auth(client: &str, token: &Value) -> Value {
    json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": client,
           "AuthParameters": {"REFRESH_TOKEN": token}})
}

#[sqlx::test(migrations = "../migrations")]
async fn password_sign_in_errors_and_throttling(db: PgPool) {
    let id = api(db.clone()).await;
    let pool_id = create_pool(&id, json!({})).await;
    let client = password_client(&id, &pool_id).await;
    let (default_client, _) = create_client(&id, &pool_id, json!({})).await;
    let (legacy, _) = create_client(
        &id,
        &pool_id,
        json!({"ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH"], "PreventUserExistenceErrors": "LEGACY"}),
    )
    .await;
    confirmed_user(&id, &pool_id, "dave", json!([])).await;
    confirmed_user(&id, &pool_id, "erin", json!([])).await;
    let incorrect = err("NotAuthorizedException", "Incorrect username or password.");

    assert_eq!(
        fail(
            &id,
            "InitiateAuth",
            password_auth(&default_client, "dave", PASSWORD)
        )
        .await,
        err(
            "InvalidParameterException",
            "USER_PASSWORD_AUTH flow not enabled for this client"
        )
    );
    assert_eq!(
        fail(
            &id,
            "InitiateAuth",
            json!({"AuthFlow": "ADMIN_USER_PASSWORD_AUTH", "ClientId": client,
            "AuthParameters": {"USERNAME": "dave", "PASSWORD": PASSWORD}})
        )
        .await,
        err(
            "InvalidParameterException",
            "Initiate Auth method not supported."
        )
    );
    assert_eq!(
        fail(
            &id,
            "AdminInitiateAuth",
            json!({"UserPoolId": pool_id, "AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client,
            "AuthParameters": {"USERNAME": "dave", "PASSWORD": PASSWORD}})
        )
        .await,
        err(
            "InvalidParameterException",
            "Initiate Auth method not supported."
        )
    );
    assert_eq!(
        fail(
            &id,
            "InitiateAuth",
            json!({"AuthFlow": "MAGIC", "ClientId": client})
        )
        .await
        .0,
        "InvalidParameterException"
    );
    assert_eq!(
        fail(
            &id,
            "InitiateAuth",
            json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client,
            "AuthParameters": {"PASSWORD": PASSWORD}})
        )
        .await,
        err(
            "InvalidParameterException",
            "Missing required parameter USERNAME"
        )
    );

    // Wrong password and unknown user: the same answer (ENABLED); LEGACY tells.
    assert_eq!(
        fail(
            &id,
            "InitiateAuth",
            password_auth(&client, "dave", "Wrong-Pass-1")
        )
        .await,
        incorrect
    );
    assert_eq!(
        fail(
            &id,
            "InitiateAuth",
            password_auth(&client, "nobody", PASSWORD)
        )
        .await,
        incorrect
    );
    assert_eq!(
        fail(
            &id,
            "InitiateAuth",
            password_auth(&legacy, "nobody", PASSWORD)
        )
        .await,
        err("UserNotFoundException", "User does not exist.")
    );

    // Disabled.
    ok(
        &id,
        "AdminDisableUser",
        json!({"UserPoolId": pool_id, "Username": "dave"}),
    )
    .await;
    assert_eq!(
        fail(
            &id,
            "InitiateAuth",
            password_auth(&client, "dave", PASSWORD)
        )
        .await,
        err("NotAuthorizedException", "User is disabled.")
    );
    assert_eq!(
        ok(
            &id,
            "AdminGetUser",
            json!({"UserPoolId": pool_id, "Username": "dave"})
        )
        .await["Enabled"],
        false
    );
    ok(
        &id,
        "AdminEnableUser",
        json!({"UserPoolId": pool_id, "Username": "dave"}),
    )
    .await;
    sign_in(&id, &client, "dave", PASSWORD).await;

    // Five failures lock the account, even for the right password; others are unaffected.
    for _ in 0..5 {
        assert_eq!(
            fail(
                &id,
                "InitiateAuth",
                password_auth(&client, "dave", "Wrong-Pass-1")
            )
            .await,
            incorrect
        );
    }
    let exceeded = err("NotAuthorizedException", "Password attempts exceeded");
    assert_eq!(
        fail(
            &id,
            "InitiateAuth",
            password_auth(&client, "dave", PASSWORD)
        )
        .await,
        exceeded
    );
    sign_in(&id, &client, "erin", PASSWORD).await;
    // Unknown names are throttled the same way (no enumeration through the lockout).
    for _ in 0..5 {
        assert_eq!(
            fail(
                &id,
                "InitiateAuth",
                password_auth(&client, "ghost", "Wrong-Pass-1")
            )
            .await,
            incorrect
        );
    }
    assert_eq!(
        fail(
            &id,
            "InitiateAuth",
            password_auth(&client, "ghost", PASSWORD)
        )
        .await,
        exceeded
    );
    // After the 15-minute window the account works again.
    sqlx::query(
        "UPDATE user_pool_signin_failures SET window_start = now() - interval '16 minutes'",
    )
    .execute(&db)
    .await
    .expect("age the window");
    sign_in(&id, &client, "dave", PASSWORD).await;

    // AdminInitiateAuth.
    let admin = |flow: &str, c: &str| {
        json!({"UserPoolId": pool_id, "ClientId": c, "AuthFlow": flow,
               "AuthParameters": {"USERNAME": "erin", "PASSWORD": PASSWORD}})
    };
    assert_eq!(
        fail(
            &id,
            "AdminInitiateAuth",
            admin("ADMIN_USER_PASSWORD_AUTH", &default_client)
        )
        .await,
        err(
            "InvalidParameterException",
            "Auth flow not enabled for this client"
        )
    );
    for flow in ["ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"] {
        let out = ok(&id, "AdminInitiateAuth", admin(flow, &client)).await;
        assert_eq!(out["AuthenticationResult"]["TokenType"], "Bearer");
        assert_eq!(out["ChallengeParameters"], json!({}));
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn refresh_and_revocation(db: PgPool) {
    let id = api(db.clone()).await;
    let pool_id = create_pool(&id, json!({})).await;
    let client = password_client(&id, &pool_id).await;
    let other_client = password_client(&id, &pool_id).await;
    let (no_refresh, _) = create_client(
        &id,
        &pool_id,
        json!({"ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH"]}),
    )
    .await;
    confirmed_user(&id, &pool_id, "fred", json!([])).await;

    let first = sign_in(&id, &client, "fred", PASSWORD).await;
    assert_eq!(first["ExpiresIn"], 3600);
    let refresh_token = first["RefreshToken"].clone();
    let token_text = refresh_token.as_str().expect("refresh token");
    assert!(!token_text.contains('.'), "refresh tokens are opaque");
    // Only a hash is stored.
    let hashes: Vec<Vec<u8>> =
        sqlx::query_scalar("SELECT token_hash FROM user_pool_refresh_tokens")
            .fetch_all(&db)
            .await
            .expect("rows");
    assert_eq!(hashes.len(), 1);
    assert_eq!(hashes[0].len(), 32);
    assert_ne!(hashes[0], token_text.as_bytes());

    tokio::time::sleep(Duration::from_millis(1100)).await;
    let refreshed = ok(&id, "InitiateAuth", refresh_auth(&client, &refresh_token)).await;
    let result = &refreshed["AuthenticationResult"];
    assert!(result.get("RefreshToken").is_none(), "no new refresh token");
    assert_eq!(result["TokenType"], "Bearer");
    let before = claims(first["IdToken"].as_str().expect("id"));
    let after = claims(result["IdToken"].as_str().expect("id"));
    assert_eq!(
        after["auth_time"], before["auth_time"],
        "auth_time stays the original"
    );
    assert!(after["iat"].as_i64() > before["iat"].as_i64());
    assert_eq!(after["origin_jti"], before["origin_jti"]);
    assert_ne!(after["jti"], before["jti"]);
    let access_after = claims(result["AccessToken"].as_str().expect("access"));
    assert_eq!(access_after["origin_jti"], before["origin_jti"]);
    // Also through AdminInitiateAuth.
    ok(
        &id,
        "AdminInitiateAuth",
        json!({"UserPoolId": pool_id, "ClientId": client, "AuthFlow": "REFRESH_TOKEN",
        "AuthParameters": {"REFRESH_TOKEN": refresh_token}}),
    )
    .await;

    let invalid = err("NotAuthorizedException", "Invalid Refresh Token.");
    assert_eq!(
        fail(
            &id,
            "InitiateAuth",
            refresh_auth(&client, &json!("garbage"))
        )
        .await,
        invalid
    );
    assert_eq!(
        fail(
            &id,
            "InitiateAuth",
            refresh_auth(&other_client, &refresh_token)
        )
        .await,
        invalid
    );
    assert_eq!(
        fail(
            &id,
            "InitiateAuth",
            refresh_auth(&no_refresh, &refresh_token)
        )
        .await,
        err(
            "InvalidParameterException",
            "REFRESH_TOKEN_AUTH flow not enabled for this client"
        )
    );

    // RevokeToken revokes the family: refresh and the family's access tokens.
    let second = sign_in(&id, &client, "fred", PASSWORD).await;
    assert_eq!(
        fail(
            &id,
            "RevokeToken",
            json!({"ClientId": client, "Token": second["AccessToken"]})
        )
        .await
        .0,
        "UnsupportedTokenTypeException"
    );
    ok(
        &id,
        "RevokeToken",
        json!({"ClientId": client, "Token": "not-a-token-we-know"}),
    )
    .await;
    ok(
        &id,
        "GetUser",
        json!({"AccessToken": result["AccessToken"]}),
    )
    .await;
    ok(
        &id,
        "RevokeToken",
        json!({"ClientId": client, "Token": refresh_token}),
    )
    .await;
    assert_eq!(
        fail(&id, "InitiateAuth", refresh_auth(&client, &refresh_token)).await,
        err("NotAuthorizedException", "Refresh Token has been revoked")
    );
    let revoked = err("NotAuthorizedException", "Access Token has been revoked");
    assert_eq!(
        fail(
            &id,
            "GetUser",
            json!({"AccessToken": result["AccessToken"]})
        )
        .await,
        revoked
    );
    assert_eq!(
        fail(&id, "GetUser", json!({"AccessToken": first["AccessToken"]})).await,
        revoked
    );
    // The other family is unaffected.
    ok(
        &id,
        "GetUser",
        json!({"AccessToken": second["AccessToken"]}),
    )
    .await;
    ok(
        &id,
        "InitiateAuth",
        refresh_auth(&client, &second["RefreshToken"]),
    )
    .await;

    // Expired refresh tokens.
    let third = sign_in(&id, &client, "fred", PASSWORD).await;
    sqlx::query("UPDATE user_pool_refresh_tokens SET expires_at = now() - interval '1 second' WHERE revoked_at IS NULL")
        .execute(&db)
        .await
        .expect("expire");
    assert_eq!(
        fail(
            &id,
            "InitiateAuth",
            refresh_auth(&client, &third["RefreshToken"])
        )
        .await,
        err("NotAuthorizedException", "Refresh Token has expired")
    );
    sqlx::query("UPDATE user_pool_refresh_tokens SET expires_at = now() + interval '1 day'")
        .execute(&db)
        .await
        .expect("unexpire");

    // GlobalSignOut revokes every family of the user.
    let other = sign_in(&id, &other_client, "fred", PASSWORD).await;
    ok(
        &id,
        "GlobalSignOut",
        json!({"AccessToken": third["AccessToken"]}),
    )
    .await;
    assert_eq!(
        fail(&id, "GetUser", json!({"AccessToken": third["AccessToken"]})).await,
        revoked
    );
    assert_eq!(
        fail(&id, "GetUser", json!({"AccessToken": other["AccessToken"]})).await,
        revoked
    );
    assert_eq!(
        fail(
            &id,
            "GetUser",
            json!({"AccessToken": second["AccessToken"]})
        )
        .await,
        revoked
    );
    assert_eq!(
        fail(
            &id,
            "InitiateAuth",
            refresh_auth(&other_client, &other["RefreshToken"])
        )
        .await,
        err("NotAuthorizedException", "Refresh Token has been revoked")
    );
    // Signing in again works.
    let fresh = sign_in(&id, &client, "fred", PASSWORD).await;
    ok(&id, "GetUser", json!({"AccessToken": fresh["AccessToken"]})).await;

    // A disabled user cannot refresh.
    ok(
        &id,
        "AdminDisableUser",
        json!({"UserPoolId": pool_id, "Username": "fred"}),
    )
    .await;
    assert_eq!(
        fail(
            &id,
            "InitiateAuth",
            refresh_auth(&client, &fresh["RefreshToken"])
        )
        .await,
        err("NotAuthorizedException", "User is disabled.")
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn token_authorized_calls(db: PgPool) {
    let id = api(db.clone()).await;
    let pool_id = create_pool(
        &id,
        json!({"Schema": [{"Name": "role", "AttributeDataType": "String", "Mutable": true},
                          {"Name": "tier", "AttributeDataType": "Number", "Mutable": false}]}),
    )
    .await;
    let client = password_client(&id, &pool_id).await;
    let (short, _) = create_client(
        &id,
        &pool_id,
        json!({"ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH"], "AccessTokenValidity": 1,
               "TokenValidityUnits": {"AccessToken": "seconds"}, "WriteAttributes": ["given_name"]}),
    )
    .await;
    confirmed_user(
        &id,
        &pool_id,
        "gina",
        json!([{"Name": "email", "Value": "gina@example.com"}, {"Name": "email_verified", "Value": "true"},
               {"Name": "custom:tier", "Value": "3"}]),
    )
    .await;
    let tokens = sign_in(&id, &client, "gina", PASSWORD).await;
    let access = tokens["AccessToken"].as_str().expect("access").to_owned();

    let me = ok(&id, "GetUser", json!({"AccessToken": access})).await;
    assert_eq!(me["Username"], "gina");
    let attrs = me["UserAttributes"].as_array().expect("attrs");
    assert_eq!(attrs[0]["Name"], "sub");
    let value = |attrs: &[Value], name: &str| {
        attrs
            .iter()
            .find(|a| a["Name"] == name)
            .map(|a| a["Value"].clone())
    };
    assert_eq!(value(attrs, "email_verified"), Some(json!("true")));
    assert_eq!(value(attrs, "custom:tier"), Some(json!("3")));

    // Invalid tokens.
    let invalid = err("NotAuthorizedException", "Invalid Access Token");
    assert_eq!(
        fail(&id, "GetUser", json!({"AccessToken": "garbage"})).await,
        invalid
    );
    assert_eq!(
        fail(&id, "GetUser", json!({"AccessToken": tokens["IdToken"]})).await,
        invalid,
        "an ID token"
    );
    let mut tampered = access.clone();
    let last = tampered.pop().expect("char");
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    assert_eq!(
        fail(&id, "GetUser", json!({"AccessToken": tampered})).await,
        invalid
    );
    let parts: Vec<&str> = access.split('.').collect();
    let forged_payload = {
        use base64::Engine;
        let mut c = claims(&access);
        c["username"] = json!("root");
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(c.to_string())
    };
    let forged = format!("{}.{}.{}", parts[0], forged_payload, parts[2]);
    assert_eq!(
        fail(&id, "GetUser", json!({"AccessToken": forged})).await,
        invalid
    );
    let alg_none = {
        use base64::Engine;
        let h =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(r#"{"alg":"none","kid":"x"}"#);
        format!("{h}.{}.", parts[1])
    };
    assert_eq!(
        fail(&id, "GetUser", json!({"AccessToken": alg_none})).await,
        invalid
    );

    // Expired (1-second access token).
    let short_tokens = sign_in(&id, &short, "gina", PASSWORD).await;
    assert_eq!(short_tokens["ExpiresIn"], 1);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(
        fail(
            &id,
            "GetUser",
            json!({"AccessToken": short_tokens["AccessToken"]})
        )
        .await,
        err("NotAuthorizedException", "Access Token has expired")
    );

    // UpdateUserAttributes.
    ok(
        &id,
        "UpdateUserAttributes",
        json!({"AccessToken": access, "UserAttributes": [
        {"Name": "given_name", "Value": "Gina"}, {"Name": "custom:role", "Value": "ops"},
        {"Name": "email", "Value": "gina@new.example.com"}]}),
    )
    .await;
    let me = ok(&id, "GetUser", json!({"AccessToken": access})).await;
    let attrs = me["UserAttributes"].as_array().expect("attrs");
    assert_eq!(value(attrs, "given_name"), Some(json!("Gina")));
    assert_eq!(value(attrs, "custom:role"), Some(json!("ops")));
    assert_eq!(value(attrs, "email"), Some(json!("gina@new.example.com")));
    assert_eq!(
        value(attrs, "email_verified"),
        Some(json!("false")),
        "a new email is unverified"
    );
    assert_eq!(
        fail(&id, "UpdateUserAttributes", json!({"AccessToken": access, "UserAttributes": [{"Name": "custom:tier", "Value": "9"}]})).await.0,
        "InvalidParameterException",
        "immutable custom attribute"
    );
    assert_eq!(
        fail(&id, "UpdateUserAttributes", json!({"AccessToken": access, "UserAttributes": [{"Name": "email_verified", "Value": "true"}]})).await,
        err("NotAuthorizedException", "A client attempted to write unauthorized attribute")
    );
    let short_fresh = sign_in(&id, &short, "gina", PASSWORD).await;
    assert_eq!(
        fail(&id, "UpdateUserAttributes", json!({"AccessToken": short_fresh["AccessToken"], "UserAttributes": [{"Name": "family_name", "Value": "X"}]})).await,
        err("NotAuthorizedException", "A client attempted to write unauthorized attribute"),
        "the client's WriteAttributes"
    );
    assert_eq!(
        fail(
            &id,
            "UpdateUserAttributes",
            json!({"AccessToken": "garbage", "UserAttributes": []})
        )
        .await,
        invalid
    );

    // ChangePassword.
    assert_eq!(
        fail(&id, "ChangePassword", json!({"AccessToken": access, "PreviousPassword": "Wrong-Pass-1", "ProposedPassword": "New-Pass-22"})).await,
        err("NotAuthorizedException", "Incorrect username or password.")
    );
    assert_eq!(
        fail(
            &id,
            "ChangePassword",
            json!({"AccessToken": access, "PreviousPassword": PASSWORD, "ProposedPassword": "weak"})
        )
        .await
        .0,
        "InvalidPasswordException"
    );
    ok(&id, "ChangePassword", json!({"AccessToken": access, "PreviousPassword": PASSWORD, "ProposedPassword": "New-Pass-22"})).await;
    assert_eq!(
        fail(
            &id,
            "InitiateAuth",
            password_auth(&client, "gina", PASSWORD)
        )
        .await
        .0,
        "NotAuthorizedException"
    );
    sign_in(&id, &client, "gina", "New-Pass-22").await;

    // Disabled and deleted users.
    ok(
        &id,
        "AdminDisableUser",
        json!({"UserPoolId": pool_id, "Username": "gina"}),
    )
    .await;
    assert_eq!(
        fail(&id, "GetUser", json!({"AccessToken": access})).await,
        err("NotAuthorizedException", "User is disabled.")
    );
    ok(
        &id,
        "AdminEnableUser",
        json!({"UserPoolId": pool_id, "Username": "gina"}),
    )
    .await;
    ok(&id, "GetUser", json!({"AccessToken": access})).await;
    ok(
        &id,
        "AdminDeleteUser",
        json!({"UserPoolId": pool_id, "Username": "gina"}),
    )
    .await;
    assert_eq!(
        fail(&id, "GetUser", json!({"AccessToken": access})).await,
        err("NotAuthorizedException", "Access Token has been revoked")
    );
    assert_eq!(
        fail(
            &id,
            "AdminGetUser",
            json!({"UserPoolId": pool_id, "Username": "gina"})
        )
        .await,
        err("UserNotFoundException", "User does not exist.")
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn new_password_required_challenge(db: PgPool) {
    let id = api(db.clone()).await;
    let pool_id = create_pool(&id, json!({})).await;
    let client = password_client(&id, &pool_id).await;
    let created = ok(&id, "AdminCreateUser", json!({"UserPoolId": pool_id, "Username": "hank",
        "TemporaryPassword": "Temp-Pass-1", "UserAttributes": [{"Name": "email", "Value": "hank@example.com"}]})).await;
    assert_eq!(created["User"]["UserStatus"], "FORCE_CHANGE_PASSWORD");
    assert_eq!(created["User"]["Enabled"], true);
    assert!(created["User"]["UserCreateDate"].is_number());

    let challenge = ok(
        &id,
        "InitiateAuth",
        password_auth(&client, "hank", "Temp-Pass-1"),
    )
    .await;
    assert_eq!(challenge["ChallengeName"], "NEW_PASSWORD_REQUIRED");
    assert!(challenge.get("AuthenticationResult").is_none());
    let session = challenge["Session"].as_str().expect("session").to_owned();
    assert!(session.len() >= 20);
    let params = &challenge["ChallengeParameters"];
    assert_eq!(params["USER_ID_FOR_SRP"], "hank");
    assert_eq!(params["requiredAttributes"], "[]");
    let user_attrs: Value =
        serde_json::from_str(params["userAttributes"].as_str().expect("json string"))
            .expect("json");
    assert_eq!(user_attrs["email"], "hank@example.com");

    let respond = |session: &str, password: &str| {
        json!({"ClientId": client, "ChallengeName": "NEW_PASSWORD_REQUIRED", "Session": session,
               "ChallengeResponses": {"USERNAME": "hank", "NEW_PASSWORD": password, "userAttributes.given_name": "Hank"}})
    };
    let invalid_session = err("NotAuthorizedException", "Invalid session for the user.");
    assert_eq!(
        fail(
            &id,
            "RespondToAuthChallenge",
            respond("bogus-session-value-000000", "Final-Pass-1")
        )
        .await,
        invalid_session
    );
    assert_eq!(
        fail(&id, "RespondToAuthChallenge", respond(&session, "weak"))
            .await
            .0,
        "InvalidPasswordException"
    );
    let done = ok(
        &id,
        "RespondToAuthChallenge",
        respond(&session, "Final-Pass-1"),
    )
    .await;
    let result = &done["AuthenticationResult"];
    assert!(result["RefreshToken"].is_string());
    assert_eq!(
        claims(result["IdToken"].as_str().expect("id"))["given_name"],
        "Hank"
    );
    // The session cannot be replayed.
    assert_eq!(
        fail(
            &id,
            "RespondToAuthChallenge",
            respond(&session, "Other-Pass-1")
        )
        .await,
        invalid_session
    );
    let user = ok(
        &id,
        "AdminGetUser",
        json!({"UserPoolId": pool_id, "Username": "hank"}),
    )
    .await;
    assert_eq!(user["UserStatus"], "CONFIRMED");
    assert_eq!(
        fail(
            &id,
            "InitiateAuth",
            password_auth(&client, "hank", "Temp-Pass-1")
        )
        .await
        .0,
        "NotAuthorizedException"
    );
    sign_in(&id, &client, "hank", "Final-Pass-1").await;

    // A generated temporary password goes to the outbox; an expired session is refused.
    ok(
        &id,
        "AdminCreateUser",
        json!({"UserPoolId": pool_id, "Username": "ivy",
        "UserAttributes": [{"Name": "email", "Value": "ivy@example.com"}]}),
    )
    .await;
    let invite = id.list_outbox(&pool_id, 10).await.expect("outbox");
    let invite = invite
        .iter()
        .find(|m| m.username == "ivy")
        .expect("invitation");
    assert_eq!(invite.purpose, identity::OutboxPurpose::AdminCreateUser);
    assert_eq!(invite.destination.as_deref(), Some("ivy@example.com"));
    let temp = invite.code.clone();
    let challenge = ok(&id, "InitiateAuth", password_auth(&client, "ivy", &temp)).await;
    let session = challenge["Session"].as_str().expect("session").to_owned();
    sqlx::query("UPDATE user_pool_auth_sessions SET expires_at = now() - interval '1 second'")
        .execute(&db)
        .await
        .expect("expire session");
    assert_eq!(
        fail(
            &id,
            "RespondToAuthChallenge",
            json!({"ClientId": client, "ChallengeName": "NEW_PASSWORD_REQUIRED", "Session": session,
            "ChallengeResponses": {"USERNAME": "ivy", "NEW_PASSWORD": "Final-Pass-1"}})
        )
        .await,
        err(
            "NotAuthorizedException",
            "Invalid session for the user, session is expired."
        )
    );
    // Expired temporary password.
    sqlx::query("UPDATE user_pool_users SET password_expires_at = now() - interval '1 second' WHERE username = 'ivy'")
        .execute(&db)
        .await
        .expect("expire temporary password");
    assert_eq!(
        fail(&id, "InitiateAuth", password_auth(&client, "ivy", &temp)).await,
        err(
            "NotAuthorizedException",
            "Temporary password has expired and must be reset by an administrator."
        )
    );
    // RESEND issues a new temporary password.
    ok(
        &id,
        "AdminCreateUser",
        json!({"UserPoolId": pool_id, "Username": "ivy", "MessageAction": "RESEND"}),
    )
    .await;
    let temp2 = latest_code(&id, &pool_id, "ivy").await;
    assert_eq!(
        ok(&id, "InitiateAuth", password_auth(&client, "ivy", &temp2)).await["ChallengeName"],
        "NEW_PASSWORD_REQUIRED"
    );
    assert_eq!(
        fail(
            &id,
            "AdminCreateUser",
            json!({"UserPoolId": pool_id, "Username": "hank", "MessageAction": "RESEND"})
        )
        .await
        .0,
        "UnsupportedUserStateException"
    );
    assert_eq!(
        fail(
            &id,
            "RespondToAuthChallenge",
            json!({"ClientId": client, "ChallengeName": "SMS_MFA", "Session": "x"})
        )
        .await
        .0,
        "InvalidParameterException"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn forgot_password(db: PgPool) {
    let id = api(db.clone()).await;
    let pool_id = create_pool(&id, json!({})).await;
    let client = password_client(&id, &pool_id).await;
    let (legacy, _) = create_client(
        &id,
        &pool_id,
        json!({"PreventUserExistenceErrors": "LEGACY"}),
    )
    .await;
    confirmed_user(
        &id,
        &pool_id,
        "jack",
        json!([{"Name": "email", "Value": "jack@example.com"},
                                                 {"Name": "email_verified", "Value": "true"}]),
    )
    .await;
    confirmed_user(
        &id,
        &pool_id,
        "kate",
        json!([{"Name": "email", "Value": "kate@example.com"}]),
    )
    .await;

    let out = ok(
        &id,
        "ForgotPassword",
        json!({"ClientId": client, "Username": "jack"}),
    )
    .await;
    assert_eq!(
        out["CodeDeliveryDetails"],
        json!({"Destination": "j***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"})
    );
    let outbox = id.list_outbox(&pool_id, 1).await.expect("outbox");
    assert_eq!(outbox[0].purpose, identity::OutboxPurpose::ForgotPassword);
    let code = outbox[0].code.clone();
    let wrong = if code == "000000" { "000001" } else { "000000" };
    let confirm = |code: &str, password: &str| json!({"ClientId": client, "Username": "jack", "ConfirmationCode": code, "Password": password});
    assert_eq!(
        fail(&id, "ConfirmForgotPassword", confirm(wrong, "Reset-Pass-1"))
            .await
            .0,
        "CodeMismatchException"
    );
    assert_eq!(
        fail(&id, "ConfirmForgotPassword", confirm(&code, "weak"))
            .await
            .0,
        "InvalidPasswordException"
    );
    ok(&id, "ConfirmForgotPassword", confirm(&code, "Reset-Pass-1")).await;
    assert_eq!(
        fail(&id, "ConfirmForgotPassword", confirm(&code, "Reset-Pass-2"))
            .await
            .0,
        "ExpiredCodeException",
        "codes are single use"
    );
    sign_in(&id, &client, "jack", "Reset-Pass-1").await;

    // Expired reset code.
    ok(
        &id,
        "ForgotPassword",
        json!({"ClientId": client, "Username": "jack"}),
    )
    .await;
    let code = latest_code(&id, &pool_id, "jack").await;
    sqlx::query("UPDATE user_pool_codes SET expires_at = now() - interval '1 second'")
        .execute(&db)
        .await
        .expect("expire");
    assert_eq!(
        fail(&id, "ConfirmForgotPassword", confirm(&code, "Reset-Pass-2")).await,
        err(
            "ExpiredCodeException",
            "Invalid code provided, please request a code again."
        )
    );

    // Unknown users: simulated success (ENABLED), UserNotFound (LEGACY).
    let fake = ok(
        &id,
        "ForgotPassword",
        json!({"ClientId": client, "Username": "nobody"}),
    )
    .await;
    assert_eq!(fake["CodeDeliveryDetails"]["DeliveryMedium"], "EMAIL");
    assert_eq!(
        fail(&id, "ConfirmForgotPassword", json!({"ClientId": client, "Username": "nobody", "ConfirmationCode": "123456", "Password": "Reset-Pass-1"})).await.0,
        "CodeMismatchException"
    );
    assert_eq!(
        fail(
            &id,
            "ForgotPassword",
            json!({"ClientId": legacy, "Username": "nobody"})
        )
        .await,
        err("UserNotFoundException", "User does not exist.")
    );
    // No verified email or phone.
    assert_eq!(
        fail(
            &id,
            "ForgotPassword",
            json!({"ClientId": client, "Username": "kate"})
        )
        .await,
        err(
            "InvalidParameterException",
            "Cannot reset password for the user as there is no registered/verified email or phone_number"
        )
    );
}

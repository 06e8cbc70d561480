//! SignUp, ConfirmSignUp, ResendConfirmationCode, SecretHash enforcement and
//! email-as-username pools.

use crate::common::*;
use serde_json::json;
use sqlx::PgPool;

async fn count_users(db: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM user_pool_users")
        .fetch_one(db)
        .await
        .expect("count")
}

#[sqlx::test(migrations = "../migrations")]
async fn sign_up_and_confirm(db: PgPool) {
    let id = api(db.clone()).await;
    let pool_id = create_pool(
        &id,
        json!({"AutoVerifiedAttributes": ["email"],
               "Schema": [{"Name": "role", "AttributeDataType": "String", "Mutable": true}]}),
    )
    .await;
    let client = password_client(&id, &pool_id).await;

    let out = ok(
        &id,
        "SignUp",
        json!({"ClientId": client, "Username": "alice", "Password": PASSWORD,
               "UserAttributes": [{"Name": "email", "Value": "alice@example.com"},
                                  {"Name": "custom:role", "Value": "admin"}]}),
    )
    .await;
    assert_eq!(out["UserConfirmed"], false);
    let sub = out["UserSub"].as_str().expect("sub");
    assert!(uuid::Uuid::parse_str(sub).is_ok());
    assert_eq!(
        out["CodeDeliveryDetails"],
        json!({"Destination": "a***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"})
    );

    // The code is in the outbox (and only its hash in the codes table).
    let outbox = id.list_outbox(&pool_id, 10).await.expect("outbox");
    assert_eq!(outbox.len(), 1);
    let msg = &outbox[0];
    assert_eq!(msg.username, "alice");
    assert_eq!(msg.destination.as_deref(), Some("alice@example.com"));
    assert_eq!(msg.delivery_medium.as_deref(), Some("EMAIL"));
    assert_eq!(msg.purpose, identity::OutboxPurpose::SignUp);
    assert_eq!(msg.code.len(), 6);
    assert!(msg.code.bytes().all(|b| b.is_ascii_digit()));
    let stored: Vec<u8> = sqlx::query_scalar("SELECT code_hash FROM user_pool_codes")
        .fetch_one(&db)
        .await
        .expect("code row");
    assert_eq!(stored.len(), 32);
    assert_ne!(stored, msg.code.as_bytes());
    assert!(
        !format!("{msg:?}").contains(&msg.code),
        "Debug redacts the code"
    );
    let first_code = msg.code.clone();

    // Unconfirmed users cannot sign in (with the right password).
    assert_eq!(
        fail(
            &id,
            "InitiateAuth",
            json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client,
            "AuthParameters": {"USERNAME": "alice", "PASSWORD": PASSWORD}})
        )
        .await,
        err("UserNotConfirmedException", "User is not confirmed.")
    );

    // A wrong code, then a resend invalidates the first code.
    let wrong = if first_code == "000000" {
        "111111"
    } else {
        "000000"
    };
    assert_eq!(
        fail(
            &id,
            "ConfirmSignUp",
            json!({"ClientId": client, "Username": "alice", "ConfirmationCode": wrong})
        )
        .await,
        err(
            "CodeMismatchException",
            "Invalid verification code provided, please try again."
        )
    );
    let resent = ok(
        &id,
        "ResendConfirmationCode",
        json!({"ClientId": client, "Username": "alice"}),
    )
    .await;
    assert_eq!(resent["CodeDeliveryDetails"]["Destination"], "a***@e***");
    let outbox = id.list_outbox(&pool_id, 10).await.expect("outbox");
    assert_eq!(outbox.len(), 2);
    assert_eq!(outbox[0].purpose, identity::OutboxPurpose::Resend);
    let second_code = outbox[0].code.clone();
    if second_code != first_code {
        assert_eq!(
            fail(
                &id,
                "ConfirmSignUp",
                json!({"ClientId": client, "Username": "alice", "ConfirmationCode": first_code})
            )
            .await
            .0,
            "CodeMismatchException"
        );
    }
    ok(
        &id,
        "ConfirmSignUp",
        json!({"ClientId": client, "Username": "alice", "ConfirmationCode": second_code}),
    )
    .await;
    assert_eq!(
        fail(
            &id,
            "ConfirmSignUp",
            json!({"ClientId": client, "Username": "alice", "ConfirmationCode": second_code})
        )
        .await,
        err(
            "NotAuthorizedException",
            "User cannot be confirmed. Current status is CONFIRMED"
        )
    );
    // Already confirmed: answered like an unknown user (PreventUserExistenceErrors).
    assert_eq!(
        ok(
            &id,
            "ResendConfirmationCode",
            json!({"ClientId": client, "Username": "alice"})
        )
        .await,
        ok(
            &id,
            "ResendConfirmationCode",
            json!({"ClientId": client, "Username": "amy"})
        )
        .await
    );

    let user = ok(
        &id,
        "AdminGetUser",
        json!({"UserPoolId": pool_id, "Username": "alice"}),
    )
    .await;
    assert_eq!(user["UserStatus"], "CONFIRMED");
    assert_eq!(user["Enabled"], true);
    let attrs: std::collections::HashMap<String, String> = user["UserAttributes"]
        .as_array()
        .expect("attrs")
        .iter()
        .map(|a| {
            (
                a["Name"].as_str().expect("n").to_owned(),
                a["Value"].as_str().expect("v").to_owned(),
            )
        })
        .collect();
    assert_eq!(attrs["sub"], sub);
    assert_eq!(attrs["email"], "alice@example.com");
    assert_eq!(
        attrs["email_verified"], "true",
        "the code's destination is now verified"
    );
    assert_eq!(attrs["custom:role"], "admin");

    let tokens = sign_in(&id, &client, "alice", PASSWORD).await;
    assert!(tokens["IdToken"].is_string());

    // Duplicates, password policy, attribute validation.
    assert_eq!(
        fail(
            &id,
            "SignUp",
            json!({"ClientId": client, "Username": "ALICE", "Password": PASSWORD})
        )
        .await,
        err("UsernameExistsException", "User already exists")
    );
    for (password, why) in [
        ("Aa1!", "Password not long enough"),
        ("lowercase1!", "Password must have uppercase characters"),
        ("UPPERCASE1!", "Password must have lowercase characters"),
        ("NoDigits!!", "Password must have numeric characters"),
        ("NoSymbols11", "Password must have symbol characters"),
    ] {
        assert_eq!(
            fail(
                &id,
                "SignUp",
                json!({"ClientId": client, "Username": "bob", "Password": password})
            )
            .await,
            err(
                "InvalidPasswordException",
                &format!("Password did not conform with policy: {why}")
            )
        );
    }
    assert_eq!(
        fail(
            &id,
            "SignUp",
            json!({"ClientId": client, "Username": "bob", "Password": PASSWORD,
            "UserAttributes": [{"Name": "custom:nope", "Value": "x"}]})
        )
        .await
        .0,
        "InvalidParameterException"
    );
    assert_eq!(
        fail(
            &id,
            "SignUp",
            json!({"ClientId": client, "Username": "bob", "Password": PASSWORD,
            "UserAttributes": [{"Name": "email", "Value": "not-an-email"}]})
        )
        .await,
        err("InvalidParameterException", "Invalid email address format.")
    );
    assert_eq!(
        fail(
            &id,
            "SignUp",
            json!({"ClientId": client, "Username": "bob", "Password": PASSWORD,
            "UserAttributes": [{"Name": "email_verified", "Value": "true"}]})
        )
        .await,
        err(
            "NotAuthorizedException",
            "A client attempted to write unauthorized attribute"
        )
    );
    assert_eq!(count_users(&db).await, 1, "failed sign-ups create nothing");
}

#[sqlx::test(migrations = "../migrations")]
async fn codes_expire_and_have_limited_attempts(db: PgPool) {
    let id = api(db.clone()).await;
    let pool_id = create_pool(&id, json!({"AutoVerifiedAttributes": ["email"]})).await;
    let client = password_client(&id, &pool_id).await;
    for name in ["exp", "att"] {
        ok(
            &id,
            "SignUp",
            json!({"ClientId": client, "Username": name, "Password": PASSWORD,
            "UserAttributes": [{"Name": "email", "Value": format!("{name}@example.com")}]}),
        )
        .await;
    }

    // Expired.
    let code = latest_code(&id, &pool_id, "exp").await;
    sqlx::query(
        "UPDATE user_pool_codes SET expires_at = now() - interval '1 minute' \
         WHERE user_sub = (SELECT sub FROM user_pool_users WHERE username = 'exp')",
    )
    .execute(&db)
    .await
    .expect("expire");
    assert_eq!(
        fail(
            &id,
            "ConfirmSignUp",
            json!({"ClientId": client, "Username": "exp", "ConfirmationCode": code})
        )
        .await,
        err(
            "ExpiredCodeException",
            "Invalid code provided, please request a code again."
        )
    );

    // Attempts: four mismatches, the fifth kills the code.
    let code = latest_code(&id, &pool_id, "att").await;
    let wrong = if code == "999999" { "999998" } else { "999999" };
    for _ in 0..4 {
        assert_eq!(
            fail(
                &id,
                "ConfirmSignUp",
                json!({"ClientId": client, "Username": "att", "ConfirmationCode": wrong})
            )
            .await
            .0,
            "CodeMismatchException"
        );
    }
    assert_eq!(
        fail(
            &id,
            "ConfirmSignUp",
            json!({"ClientId": client, "Username": "att", "ConfirmationCode": wrong})
        )
        .await,
        err(
            "LimitExceededException",
            "Attempt limit exceeded, please try after some time."
        )
    );
    assert_eq!(
        fail(
            &id,
            "ConfirmSignUp",
            json!({"ClientId": client, "Username": "att", "ConfirmationCode": code})
        )
        .await
        .0,
        "ExpiredCodeException",
        "the right code no longer works"
    );
    // A new code works.
    ok(
        &id,
        "ResendConfirmationCode",
        json!({"ClientId": client, "Username": "att"}),
    )
    .await;
    let code = latest_code(&id, &pool_id, "att").await;
    ok(
        &id,
        "ConfirmSignUp",
        json!({"ClientId": client, "Username": "att", "ConfirmationCode": code}),
    )
    .await;

    // Unknown users: a mismatch (ENABLED) or UserNotFound (LEGACY); resend pretends.
    assert_eq!(
        fail(
            &id,
            "ConfirmSignUp",
            json!({"ClientId": client, "Username": "ghost", "ConfirmationCode": "123456"})
        )
        .await
        .0,
        "CodeMismatchException"
    );
    let resent = ok(
        &id,
        "ResendConfirmationCode",
        json!({"ClientId": client, "Username": "ghost"}),
    )
    .await;
    assert!(resent["CodeDeliveryDetails"]["Destination"].is_string());
    let (legacy, _) = create_client(
        &id,
        &pool_id,
        json!({"PreventUserExistenceErrors": "LEGACY", "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH"]}),
    )
    .await;
    assert_eq!(
        fail(
            &id,
            "ConfirmSignUp",
            json!({"ClientId": legacy, "Username": "ghost", "ConfirmationCode": "123456"})
        )
        .await,
        err("UserNotFoundException", "User does not exist.")
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn secret_hash_is_enforced(db: PgPool) {
    let id = api(db.clone()).await;
    let pool_id = create_pool(&id, json!({"AutoVerifiedAttributes": ["email"]})).await;
    let (client, secret) = create_client(
        &id,
        &pool_id,
        json!({"GenerateSecret": true, "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}),
    )
    .await;
    let secret = secret.expect("secret");
    let denied = err(
        "NotAuthorizedException",
        &format!("Unable to verify secret hash for client {client}"),
    );
    let good = secret_hash(&secret, "carol", &client);
    let bad = secret_hash(&secret, "someone-else", &client);
    let attrs = json!([{"Name": "email", "Value": "carol@example.com"}]);

    assert_eq!(
        fail(&id, "SignUp", json!({"ClientId": client, "Username": "carol", "Password": PASSWORD, "UserAttributes": attrs})).await,
        denied
    );
    assert_eq!(
        fail(&id, "SignUp", json!({"ClientId": client, "Username": "carol", "Password": PASSWORD, "UserAttributes": attrs, "SecretHash": bad})).await,
        denied
    );
    assert_eq!(
        count_users(&db).await,
        0,
        "nothing is created without a valid SecretHash"
    );
    assert!(
        id.list_outbox(&pool_id, 10)
            .await
            .expect("outbox")
            .is_empty()
    );

    ok(&id, "SignUp", json!({"ClientId": client, "Username": "carol", "Password": PASSWORD, "UserAttributes": attrs, "SecretHash": good})).await;
    let code = latest_code(&id, &pool_id, "carol").await;
    assert_eq!(
        fail(
            &id,
            "ConfirmSignUp",
            json!({"ClientId": client, "Username": "carol", "ConfirmationCode": code})
        )
        .await,
        denied
    );
    assert_eq!(
        fail(&id, "ConfirmSignUp", json!({"ClientId": client, "Username": "carol", "ConfirmationCode": code, "SecretHash": bad})).await,
        denied
    );
    ok(&id, "ConfirmSignUp", json!({"ClientId": client, "Username": "carol", "ConfirmationCode": code, "SecretHash": good})).await;

    let auth = |hash: Option<&str>| {
        let mut p = json!({"USERNAME": "carol", "PASSWORD": PASSWORD});
        if let Some(h) = hash {
            p["SECRET_HASH"] = json!(h);
        }
        json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client, "AuthParameters": p})
    };
    assert_eq!(fail(&id, "InitiateAuth", auth(None)).await, denied);
    assert_eq!(fail(&id, "InitiateAuth", auth(Some(&bad))).await, denied);
    let tokens = ok(&id, "InitiateAuth", auth(Some(&good))).await["AuthenticationResult"].clone();
    let refresh_token = tokens["RefreshToken"].as_str().expect("refresh");

    let refresh = |hash: Option<&str>| {
        let mut p = json!({"REFRESH_TOKEN": refresh_token});
        if let Some(h) = hash {
            p["SECRET_HASH"] = json!(h);
        }
        json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": client, "AuthParameters": p})
    };
    assert_eq!(fail(&id, "InitiateAuth", refresh(None)).await, denied);
    assert_eq!(fail(&id, "InitiateAuth", refresh(Some(&bad))).await, denied);
    ok(&id, "InitiateAuth", refresh(Some(&good))).await;

    assert_eq!(
        fail(
            &id,
            "ForgotPassword",
            json!({"ClientId": client, "Username": "carol"})
        )
        .await,
        denied
    );
    assert_eq!(
        fail(
            &id,
            "ResendConfirmationCode",
            json!({"ClientId": client, "Username": "carol", "SecretHash": bad})
        )
        .await,
        denied
    );
    // RevokeToken needs the client secret itself.
    assert_eq!(
        fail(
            &id,
            "RevokeToken",
            json!({"ClientId": client, "Token": refresh_token})
        )
        .await
        .0,
        "UnauthorizedException"
    );
    ok(
        &id,
        "RevokeToken",
        json!({"ClientId": client, "Token": refresh_token, "ClientSecret": secret}),
    )
    .await;
    assert_eq!(
        fail(&id, "InitiateAuth", refresh(Some(&good))).await,
        err("NotAuthorizedException", "Refresh Token has been revoked")
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn email_as_username_pool(db: PgPool) {
    let id = api(db).await;
    let pool_id = create_pool(
        &id,
        json!({"UsernameAttributes": ["email"], "AutoVerifiedAttributes": ["email"]}),
    )
    .await;
    let described = ok(&id, "DescribeUserPool", json!({"UserPoolId": pool_id})).await;
    assert_eq!(
        described["UserPool"]["UsernameAttributes"],
        json!(["email"])
    );
    let client = password_client(&id, &pool_id).await;

    assert_eq!(
        fail(
            &id,
            "SignUp",
            json!({"ClientId": client, "Username": "bob", "Password": PASSWORD})
        )
        .await,
        err("InvalidParameterException", "Username should be an email.")
    );
    let out = ok(
        &id,
        "SignUp",
        json!({"ClientId": client, "Username": "Bob@Example.com", "Password": PASSWORD,
        "UserAttributes": [{"Name": "given_name", "Value": "Bob"}]}),
    )
    .await;
    let sub = out["UserSub"].as_str().expect("sub").to_owned();
    assert_eq!(out["CodeDeliveryDetails"]["Destination"], "B***@E***");
    assert_eq!(
        fail(
            &id,
            "SignUp",
            json!({"ClientId": client, "Username": "bob@example.com", "Password": PASSWORD})
        )
        .await,
        err(
            "UsernameExistsException",
            "An account with the given email already exists."
        )
    );

    // The stored Username is the sub; the email is an alias for every call.
    let user = ok(
        &id,
        "AdminGetUser",
        json!({"UserPoolId": pool_id, "Username": "bob@example.com"}),
    )
    .await;
    assert_eq!(user["Username"], sub.as_str());
    let by_sub = ok(
        &id,
        "AdminGetUser",
        json!({"UserPoolId": pool_id, "Username": sub}),
    )
    .await;
    assert_eq!(by_sub["Username"], sub.as_str());
    let code = latest_code(&id, &pool_id, &sub).await;
    ok(
        &id,
        "ConfirmSignUp",
        json!({"ClientId": client, "Username": "bob@example.com", "ConfirmationCode": code}),
    )
    .await;

    let tokens = sign_in(&id, &client, "BOB@example.com", PASSWORD).await;
    let id_claims = claims(tokens["IdToken"].as_str().expect("id token"));
    assert_eq!(id_claims["cognito:username"], sub.as_str());
    assert_eq!(id_claims["sub"], sub.as_str());
    assert_eq!(id_claims["email"], "Bob@Example.com");
    assert_eq!(id_claims["email_verified"], true);
    assert_eq!(id_claims["given_name"], "Bob");
    let access = claims(tokens["AccessToken"].as_str().expect("access token"));
    assert_eq!(access["username"], sub.as_str());

    let me = ok(
        &id,
        "GetUser",
        json!({"AccessToken": tokens["AccessToken"]}),
    )
    .await;
    assert_eq!(me["Username"], sub.as_str());

    let listed = ok(
        &id,
        "ListUsers",
        json!({"UserPoolId": pool_id, "Filter": "email = \"bob@example.com\""}),
    )
    .await;
    assert_eq!(listed["Users"].as_array().expect("users").len(), 1);
    assert_eq!(listed["Users"][0]["Username"], sub.as_str());

    // AdminCreateUser follows the same rule.
    let created = ok(&id, "AdminCreateUser", json!({"UserPoolId": pool_id, "Username": "carol@example.com", "MessageAction": "SUPPRESS"})).await;
    let carol = created["User"]["Username"].as_str().expect("username");
    assert!(uuid::Uuid::parse_str(carol).is_ok());
    assert_eq!(
        fail(
            &id,
            "AdminCreateUser",
            json!({"UserPoolId": pool_id, "Username": "CAROL@example.com"})
        )
        .await
        .0,
        "UsernameExistsException"
    );
}

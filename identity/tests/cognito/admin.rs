//! Administrative user operations, groups and ListUsers.

use crate::common::*;
use serde_json::{Value, json};
use sqlx::PgPool;

fn attr(user: &Value, key: &str, name: &str) -> Option<String> {
    user[key]
        .as_array()?
        .iter()
        .find(|a| a["Name"] == name)
        .and_then(|a| a["Value"].as_str().map(str::to_owned))
}

#[sqlx::test(migrations = "../migrations")]
async fn admin_user_management(db: PgPool) {
    let id = api(db).await;
    let pool_id = create_pool(
        &id,
        json!({"Schema": [{"Name": "role", "AttributeDataType": "String"}]}),
    )
    .await;
    let client = password_client(&id, &pool_id).await;

    let created = ok(&id, "AdminCreateUser", json!({"UserPoolId": pool_id, "Username": "pat",
        "TemporaryPassword": "Temp-Pass-1", "MessageAction": "SUPPRESS",
        "UserAttributes": [{"Name": "email", "Value": "pat@example.com"}, {"Name": "custom:role", "Value": "ops"}]})).await;
    let u = &created["User"];
    assert_eq!(u["Username"], "pat");
    assert_eq!(u["UserStatus"], "FORCE_CHANGE_PASSWORD");
    assert!(
        attr(u, "Attributes", "sub").is_some(),
        "sub is always listed"
    );
    assert_eq!(attr(u, "Attributes", "custom:role").as_deref(), Some("ops"));
    assert_eq!(
        attr(u, "Attributes", "email_verified").as_deref(),
        Some("false")
    );
    assert!(
        id.list_outbox(&pool_id, 10)
            .await
            .expect("outbox")
            .is_empty(),
        "SUPPRESS sends nothing"
    );

    assert_eq!(
        fail(
            &id,
            "AdminCreateUser",
            json!({"UserPoolId": pool_id, "Username": "PAT"})
        )
        .await,
        err("UsernameExistsException", "User already exists")
    );
    assert_eq!(
        fail(
            &id,
            "AdminCreateUser",
            json!({"UserPoolId": pool_id, "Username": "q", "TemporaryPassword": "short"})
        )
        .await
        .0,
        "InvalidPasswordException"
    );
    assert_eq!(
        fail(
            &id,
            "AdminCreateUser",
            json!({"UserPoolId": pool_id, "Username": "q",
            "UserAttributes": [{"Name": "favourite_colour", "Value": "red"}]})
        )
        .await
        .0,
        "InvalidParameterException"
    );
    assert_eq!(
        fail(
            &id,
            "AdminCreateUser",
            json!({"UserPoolId": pool_id, "Username": "has space"})
        )
        .await
        .0,
        "InvalidParameterException"
    );

    let got = ok(
        &id,
        "AdminGetUser",
        json!({"UserPoolId": pool_id, "Username": "Pat"}),
    )
    .await;
    assert_eq!(got["Username"], "pat");
    assert_eq!(got["UserStatus"], "FORCE_CHANGE_PASSWORD");
    assert!(got["UserCreateDate"].is_number() && got["UserLastModifiedDate"].is_number());
    assert_eq!(
        attr(&got, "UserAttributes", "email").as_deref(),
        Some("pat@example.com")
    );

    // AdminSetUserPassword: permanent or temporary.
    ok(
        &id,
        "AdminSetUserPassword",
        json!({"UserPoolId": pool_id, "Username": "pat", "Password": PASSWORD, "Permanent": true}),
    )
    .await;
    assert_eq!(
        ok(
            &id,
            "AdminGetUser",
            json!({"UserPoolId": pool_id, "Username": "pat"})
        )
        .await["UserStatus"],
        "CONFIRMED"
    );
    sign_in(&id, &client, "pat", PASSWORD).await;
    ok(
        &id,
        "AdminSetUserPassword",
        json!({"UserPoolId": pool_id, "Username": "pat", "Password": "Temp-Pass-2"}),
    )
    .await;
    assert_eq!(
        ok(
            &id,
            "AdminGetUser",
            json!({"UserPoolId": pool_id, "Username": "pat"})
        )
        .await["UserStatus"],
        "FORCE_CHANGE_PASSWORD"
    );
    assert_eq!(
        ok(
            &id,
            "InitiateAuth",
            json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client,
            "AuthParameters": {"USERNAME": "pat", "PASSWORD": "Temp-Pass-2"}})
        )
        .await["ChallengeName"],
        "NEW_PASSWORD_REQUIRED"
    );
    assert_eq!(
        fail(
            &id,
            "AdminSetUserPassword",
            json!({"UserPoolId": pool_id, "Username": "pat", "Password": "weak"})
        )
        .await
        .0,
        "InvalidPasswordException"
    );

    // AdminConfirmSignUp.
    ok(
        &id,
        "SignUp",
        json!({"ClientId": client, "Username": "quinn", "Password": PASSWORD}),
    )
    .await;
    assert_eq!(
        ok(
            &id,
            "AdminGetUser",
            json!({"UserPoolId": pool_id, "Username": "quinn"})
        )
        .await["UserStatus"],
        "UNCONFIRMED"
    );
    ok(
        &id,
        "AdminConfirmSignUp",
        json!({"UserPoolId": pool_id, "Username": "quinn"}),
    )
    .await;
    assert_eq!(
        ok(
            &id,
            "AdminGetUser",
            json!({"UserPoolId": pool_id, "Username": "quinn"})
        )
        .await["UserStatus"],
        "CONFIRMED"
    );
    assert_eq!(
        fail(
            &id,
            "AdminConfirmSignUp",
            json!({"UserPoolId": pool_id, "Username": "quinn"})
        )
        .await,
        err(
            "NotAuthorizedException",
            "User cannot be confirmed. Current status is CONFIRMED"
        )
    );
    sign_in(&id, &client, "quinn", PASSWORD).await;

    // Unknown users.
    let not_found = err("UserNotFoundException", "User does not exist.");
    for action in [
        "AdminGetUser",
        "AdminConfirmSignUp",
        "AdminDisableUser",
        "AdminEnableUser",
        "AdminDeleteUser",
    ] {
        assert_eq!(
            fail(
                &id,
                action,
                json!({"UserPoolId": pool_id, "Username": "ghost"})
            )
            .await,
            not_found,
            "{action}"
        );
    }
    assert_eq!(
        fail(
            &id,
            "AdminSetUserPassword",
            json!({"UserPoolId": pool_id, "Username": "ghost", "Password": PASSWORD})
        )
        .await,
        not_found
    );

    // Delete.
    ok(
        &id,
        "AdminDeleteUser",
        json!({"UserPoolId": pool_id, "Username": "quinn"}),
    )
    .await;
    assert_eq!(
        fail(
            &id,
            "AdminGetUser",
            json!({"UserPoolId": pool_id, "Username": "quinn"})
        )
        .await,
        not_found
    );
    assert_eq!(
        fail(
            &id,
            "InitiateAuth",
            json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client,
            "AuthParameters": {"USERNAME": "quinn", "PASSWORD": PASSWORD}})
        )
        .await,
        err("NotAuthorizedException", "Incorrect username or password.")
    );
    let described = ok(&id, "DescribeUserPool", json!({"UserPoolId": pool_id})).await;
    assert_eq!(described["UserPool"]["EstimatedNumberOfUsers"], 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn groups(db: PgPool) {
    let id = api(db).await;
    let pool_id = create_pool(&id, json!({})).await;
    let client = password_client(&id, &pool_id).await;
    confirmed_user(&id, &pool_id, "rosa", json!([])).await;

    let created = ok(
        &id,
        "CreateGroup",
        json!({"UserPoolId": pool_id, "GroupName": "admins",
        "Description": "Administrators", "Precedence": 2}),
    )
    .await;
    let g = &created["Group"];
    assert_eq!(g["GroupName"], "admins");
    assert_eq!(g["UserPoolId"], pool_id.as_str());
    assert_eq!(g["Description"], "Administrators");
    assert_eq!(g["Precedence"], 2);
    assert!(g["CreationDate"].is_number());
    assert_eq!(
        fail(
            &id,
            "CreateGroup",
            json!({"UserPoolId": pool_id, "GroupName": "admins"})
        )
        .await,
        err(
            "GroupExistsException",
            "A group with the name admins already exists."
        )
    );
    for name in ["beta", "gamma"] {
        ok(
            &id,
            "CreateGroup",
            json!({"UserPoolId": pool_id, "GroupName": name}),
        )
        .await;
    }
    let page = ok(
        &id,
        "ListGroups",
        json!({"UserPoolId": pool_id, "Limit": 2}),
    )
    .await;
    let names: Vec<&str> = page["Groups"]
        .as_array()
        .expect("groups")
        .iter()
        .filter_map(|g| g["GroupName"].as_str())
        .collect();
    assert_eq!(names, ["admins", "beta"]);
    let rest = ok(
        &id,
        "ListGroups",
        json!({"UserPoolId": pool_id, "Limit": 2, "NextToken": page["NextToken"]}),
    )
    .await;
    assert_eq!(rest["Groups"][0]["GroupName"], "gamma");
    assert!(rest.get("NextToken").is_none());

    assert_eq!(
        fail(
            &id,
            "AdminAddUserToGroup",
            json!({"UserPoolId": pool_id, "Username": "rosa", "GroupName": "nope"})
        )
        .await,
        err("ResourceNotFoundException", "Group not found.")
    );
    assert_eq!(
        fail(
            &id,
            "AdminAddUserToGroup",
            json!({"UserPoolId": pool_id, "Username": "ghost", "GroupName": "admins"})
        )
        .await
        .0,
        "UserNotFoundException"
    );
    for gname in ["admins", "gamma", "admins"] {
        ok(
            &id,
            "AdminAddUserToGroup",
            json!({"UserPoolId": pool_id, "Username": "rosa", "GroupName": gname}),
        )
        .await;
    }
    let mine = ok(
        &id,
        "AdminListGroupsForUser",
        json!({"UserPoolId": pool_id, "Username": "rosa"}),
    )
    .await;
    let names: Vec<&str> = mine["Groups"]
        .as_array()
        .expect("groups")
        .iter()
        .filter_map(|g| g["GroupName"].as_str())
        .collect();
    assert_eq!(names, ["admins", "gamma"]);
    let tokens = sign_in(&id, &client, "rosa", PASSWORD).await;
    assert_eq!(
        claims(tokens["IdToken"].as_str().expect("id"))["cognito:groups"],
        json!(["admins", "gamma"])
    );

    ok(
        &id,
        "AdminRemoveUserFromGroup",
        json!({"UserPoolId": pool_id, "Username": "rosa", "GroupName": "admins"}),
    )
    .await;
    let mine = ok(
        &id,
        "AdminListGroupsForUser",
        json!({"UserPoolId": pool_id, "Username": "rosa"}),
    )
    .await;
    assert_eq!(mine["Groups"].as_array().expect("groups").len(), 1);
    let tokens = sign_in(&id, &client, "rosa", PASSWORD).await;
    assert_eq!(
        claims(tokens["AccessToken"].as_str().expect("a"))["cognito:groups"],
        json!(["gamma"])
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn list_users_filters_and_pages(db: PgPool) {
    let id = api(db).await;
    let pool_id = create_pool(&id, json!({})).await;
    let client = password_client(&id, &pool_id).await;
    for (name, email, given) in [
        ("abby", "abby@example.com", "Abigail"),
        ("abe", "abe@example.com", "Abraham"),
        ("bob", "bob@example.com", "Robert"),
        ("carl", "Carl@Example.com", "Carl"),
    ] {
        confirmed_user(
            &id,
            &pool_id,
            name,
            json!([{"Name": "email", "Value": email}, {"Name": "given_name", "Value": given}]),
        )
        .await;
    }
    ok(
        &id,
        "SignUp",
        json!({"ClientId": client, "Username": "dora", "Password": PASSWORD}),
    )
    .await;
    ok(
        &id,
        "AdminDisableUser",
        json!({"UserPoolId": pool_id, "Username": "bob"}),
    )
    .await;

    let names = |v: &Value| -> Vec<String> {
        v["Users"]
            .as_array()
            .expect("users")
            .iter()
            .filter_map(|u| u["Username"].as_str().map(str::to_owned))
            .collect()
    };
    let list = |filter: &str| json!({"UserPoolId": pool_id, "Filter": filter});
    assert_eq!(
        names(&ok(&id, "ListUsers", json!({"UserPoolId": pool_id})).await),
        ["abby", "abe", "bob", "carl", "dora"]
    );
    assert_eq!(
        names(&ok(&id, "ListUsers", list(r#"username ^= "ab""#)).await),
        ["abby", "abe"]
    );
    assert_eq!(
        names(&ok(&id, "ListUsers", list(r#"email = "bob@example.com""#)).await),
        ["bob"]
    );
    assert_eq!(
        names(&ok(&id, "ListUsers", list(r#"email = "carl@example.com""#)).await),
        ["carl"]
    );
    assert_eq!(
        names(&ok(&id, "ListUsers", list(r#"email ^= "ab""#)).await),
        ["abby", "abe"]
    );
    assert_eq!(
        names(&ok(&id, "ListUsers", list(r#"given_name = "Robert""#)).await),
        ["bob"]
    );
    assert_eq!(
        names(
            &ok(
                &id,
                "ListUsers",
                list(r#"cognito:user_status = "UNCONFIRMED""#)
            )
            .await
        ),
        ["dora"]
    );
    assert_eq!(
        names(&ok(&id, "ListUsers", list(r#"status = "Disabled""#)).await),
        ["bob"]
    );
    assert!(names(&ok(&id, "ListUsers", list(r#"email = "nobody@example.com""#)).await).is_empty());
    assert_eq!(
        fail(&id, "ListUsers", list("email = bob")).await,
        err("InvalidParameterException", "Error while parsing filter.")
    );
    assert_eq!(
        fail(&id, "ListUsers", list(r#"custom:role = "x""#)).await.0,
        "InvalidParameterException"
    );

    // Pagination.
    let mut seen = Vec::new();
    let mut token: Option<Value> = None;
    loop {
        let mut body = json!({"UserPoolId": pool_id, "Limit": 2});
        if let Some(t) = &token {
            body["PaginationToken"] = t.clone();
        }
        let page = ok(&id, "ListUsers", body).await;
        let got = names(&page);
        assert!(got.len() <= 2);
        seen.extend(got);
        match page.get("PaginationToken") {
            Some(t) => token = Some(t.clone()),
            None => break,
        }
    }
    assert_eq!(seen, ["abby", "abe", "bob", "carl", "dora"]);
    assert_eq!(
        fail(&id, "ListUsers", json!({"UserPoolId": pool_id, "Limit": 0}))
            .await
            .0,
        "InvalidParameterException"
    );

    // AttributesToGet, and the User shape.
    let page = ok(&id, "ListUsers", json!({"UserPoolId": pool_id, "AttributesToGet": ["email"], "Filter": "username = \"abby\""})).await;
    let u = &page["Users"][0];
    assert_eq!(
        u["Attributes"],
        json!([{"Name": "email", "Value": "abby@example.com"}])
    );
    assert_eq!(u["Enabled"], true);
    assert_eq!(u["UserStatus"], "CONFIRMED");
    assert!(u["UserCreateDate"].is_number());
}

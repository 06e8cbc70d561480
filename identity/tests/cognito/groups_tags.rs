//! GetGroup, UpdateGroup, DeleteGroup, ListUsersInGroup, AddCustomAttributes,
//! GetSigningCertificate and the user pool tags (TagResource, UntagResource,
//! ListTagsForResource): each one's answer, its AWS errors, and that a refused call changes
//! nothing.

use crate::common::*;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use identity::KeyUse;
use serde_json::{Value, json};
use sqlx::PgPool;

const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/admins";

fn names(list: &Value, member: &str, key: &str) -> Vec<String> {
    list[member]
        .as_array()
        .unwrap_or_else(|| panic!("{member} in {list}"))
        .iter()
        .filter_map(|item| item[key].as_str().map(str::to_owned))
        .collect()
}

/// A pool id of the same region that no pool has.
fn unknown_pool_id(pool_id: &str) -> String {
    let (region, _) = pool_id.split_once('_').expect("region_suffix");
    format!("{region}_NoSuchPool")
}

async fn get_group(id: &Api, pool_id: &str, name: &str) -> Value {
    ok(
        id,
        "GetGroup",
        json!({"UserPoolId": pool_id, "GroupName": name}),
    )
    .await["Group"]
        .clone()
}

#[sqlx::test(migrations = "../migrations")]
async fn get_update_and_delete_groups(db: PgPool) {
    let id = api(db).await;
    let pool_id = create_pool(&id, json!({})).await;
    let client = password_client(&id, &pool_id).await;
    confirmed_user(&id, &pool_id, "rosa", json!([])).await;
    let created = ok(
        &id,
        "CreateGroup",
        json!({"UserPoolId": pool_id, "GroupName": "admins", "Description": "Administrators",
               "RoleArn": ROLE_ARN, "Precedence": 2}),
    )
    .await["Group"]
        .clone();
    ok(
        &id,
        "CreateGroup",
        json!({"UserPoolId": pool_id, "GroupName": "readers", "Precedence": 5}),
    )
    .await;

    // GetGroup answers the group as CreateGroup did.
    let got = get_group(&id, &pool_id, "admins").await;
    assert_eq!(got, created);
    assert_eq!(got["RoleArn"], ROLE_ARN);
    let not_found = err("ResourceNotFoundException", "Group not found.");
    assert_eq!(
        fail(
            &id,
            "GetGroup",
            json!({"UserPoolId": pool_id, "GroupName": "nope"})
        )
        .await,
        not_found
    );
    let other = unknown_pool_id(&pool_id);
    assert_eq!(
        fail(
            &id,
            "GetGroup",
            json!({"UserPoolId": other, "GroupName": "admins"})
        )
        .await,
        err(
            "ResourceNotFoundException",
            &format!("User pool {other} does not exist.")
        )
    );
    assert_eq!(
        fail(&id, "GetGroup", json!({"UserPoolId": pool_id}))
            .await
            .1,
        "1 validation error detected: Value null at 'groupName' failed to satisfy constraint: \
         Member must not be null"
    );

    // UpdateGroup sets what it is given; the members left out keep their value.
    let updated = ok(
        &id,
        "UpdateGroup",
        json!({"UserPoolId": pool_id, "GroupName": "admins", "Precedence": 0}),
    )
    .await["Group"]
        .clone();
    assert_eq!(updated["Precedence"], 0);
    assert_eq!(updated["Description"], "Administrators");
    assert_eq!(updated["RoleArn"], ROLE_ARN);
    assert_eq!(updated["CreationDate"], created["CreationDate"]);
    assert!(
        updated["LastModifiedDate"].as_f64() >= created["LastModifiedDate"].as_f64(),
        "{updated}"
    );
    let updated = ok(
        &id,
        "UpdateGroup",
        json!({"UserPoolId": pool_id, "GroupName": "admins", "Description": "Root"}),
    )
    .await["Group"]
        .clone();
    assert_eq!(
        (&updated["Description"], &updated["Precedence"]),
        (&json!("Root"), &json!(0))
    );
    assert_eq!(get_group(&id, &pool_id, "admins").await, updated);

    // Refused updates change nothing.
    assert_eq!(
        fail(
            &id,
            "UpdateGroup",
            json!({"UserPoolId": pool_id, "GroupName": "nope", "Description": "x"})
        )
        .await,
        not_found
    );
    assert_eq!(
        fail(
            &id,
            "UpdateGroup",
            json!({"UserPoolId": pool_id, "GroupName": "admins", "Description": "x",
                   "Precedence": -1})
        )
        .await,
        err(
            "InvalidParameterException",
            "1 validation error detected: Value at 'precedence' failed to satisfy constraint: \
             Member must have value greater than or equal to 0"
        )
    );
    let (kind, message) = fail(
        &id,
        "UpdateGroup",
        json!({"UserPoolId": pool_id, "GroupName": "admins", "RoleArn": "role-of-the-administrators"}),
    )
    .await;
    assert_eq!(kind, "InvalidParameterException");
    assert!(
        message.starts_with(
            "1 validation error detected: Value 'role-of-the-administrators' at 'roleArn' failed to \
             satisfy constraint: Member must satisfy regular expression pattern: arn:"
        ),
        "{message}"
    );
    assert_eq!(get_group(&id, &pool_id, "admins").await, updated);

    // A member's tokens carry the group until it is deleted.
    ok(
        &id,
        "AdminAddUserToGroup",
        json!({"UserPoolId": pool_id, "Username": "rosa", "GroupName": "admins"}),
    )
    .await;
    ok(
        &id,
        "AdminAddUserToGroup",
        json!({"UserPoolId": pool_id, "Username": "rosa", "GroupName": "readers"}),
    )
    .await;
    let tokens = sign_in(&id, &client, "rosa", PASSWORD).await;
    assert_eq!(
        claims(tokens["IdToken"].as_str().expect("id"))["cognito:groups"],
        json!(["admins", "readers"])
    );

    assert_eq!(
        fail(
            &id,
            "DeleteGroup",
            json!({"UserPoolId": pool_id, "GroupName": "nope"})
        )
        .await,
        not_found
    );
    assert_eq!(
        fail(
            &id,
            "DeleteGroup",
            json!({"UserPoolId": other, "GroupName": "admins"})
        )
        .await
        .0,
        "ResourceNotFoundException"
    );
    let deleted = ok(
        &id,
        "DeleteGroup",
        json!({"UserPoolId": pool_id, "GroupName": "admins"}),
    )
    .await;
    assert_eq!(deleted, json!({}));
    assert_eq!(
        fail(
            &id,
            "GetGroup",
            json!({"UserPoolId": pool_id, "GroupName": "admins"})
        )
        .await,
        not_found
    );
    assert_eq!(
        fail(
            &id,
            "DeleteGroup",
            json!({"UserPoolId": pool_id, "GroupName": "admins"})
        )
        .await,
        not_found
    );
    let mine = ok(
        &id,
        "AdminListGroupsForUser",
        json!({"UserPoolId": pool_id, "Username": "rosa"}),
    )
    .await;
    assert_eq!(names(&mine, "Groups", "GroupName"), ["readers"]);
    let all = ok(&id, "ListGroups", json!({"UserPoolId": pool_id})).await;
    assert_eq!(names(&all, "Groups", "GroupName"), ["readers"]);
    // The user stays; new tokens (sign-in and refresh) no longer name the group.
    ok(
        &id,
        "AdminGetUser",
        json!({"UserPoolId": pool_id, "Username": "rosa"}),
    )
    .await;
    let fresh = sign_in(&id, &client, "rosa", PASSWORD).await;
    assert_eq!(
        claims(fresh["AccessToken"].as_str().expect("access"))["cognito:groups"],
        json!(["readers"])
    );
    let refreshed = ok(
        &id,
        "InitiateAuth",
        json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": client,
               "AuthParameters": {"REFRESH_TOKEN": tokens["RefreshToken"]}}),
    )
    .await;
    assert_eq!(
        claims(
            refreshed["AuthenticationResult"]["IdToken"]
                .as_str()
                .expect("id")
        )["cognito:groups"],
        json!(["readers"])
    );
    // A group of the same name made again starts empty.
    ok(
        &id,
        "CreateGroup",
        json!({"UserPoolId": pool_id, "GroupName": "admins"}),
    )
    .await;
    let members = ok(
        &id,
        "ListUsersInGroup",
        json!({"UserPoolId": pool_id, "GroupName": "admins"}),
    )
    .await;
    assert_eq!(members["Users"], json!([]));
    assert!(members.get("NextToken").is_none());
}

#[sqlx::test(migrations = "../migrations")]
async fn list_users_in_group_pages(db: PgPool) {
    let id = api(db).await;
    let pool_id = create_pool(&id, json!({})).await;
    for name in ["carl", "abby", "bob", "dora"] {
        confirmed_user(
            &id,
            &pool_id,
            name,
            json!([{"Name": "email", "Value": format!("{name}@example.com")}]),
        )
        .await;
    }
    ok(
        &id,
        "CreateGroup",
        json!({"UserPoolId": pool_id, "GroupName": "staff"}),
    )
    .await;
    for name in ["carl", "abby", "bob"] {
        ok(
            &id,
            "AdminAddUserToGroup",
            json!({"UserPoolId": pool_id, "Username": name, "GroupName": "staff"}),
        )
        .await;
    }
    ok(
        &id,
        "AdminDisableUser",
        json!({"UserPoolId": pool_id, "Username": "bob"}),
    )
    .await;

    let page = ok(
        &id,
        "ListUsersInGroup",
        json!({"UserPoolId": pool_id, "GroupName": "staff", "Limit": 2}),
    )
    .await;
    assert_eq!(names(&page, "Users", "Username"), ["abby", "bob"]);
    let token = page["NextToken"].as_str().expect("a next page").to_owned();
    // Users as ListUsers shows them.
    let listed = ok(
        &id,
        "ListUsers",
        json!({"UserPoolId": pool_id, "Filter": "username = \"abby\""}),
    )
    .await;
    assert_eq!(page["Users"][0], listed["Users"][0]);
    let abby = &page["Users"][0];
    assert_eq!(abby["UserStatus"], "CONFIRMED");
    assert_eq!(abby["Enabled"], true);
    assert!(abby["UserCreateDate"].is_number());
    assert_eq!(page["Users"][1]["Enabled"], false);
    let attrs = names(abby, "Attributes", "Name");
    assert!(attrs.iter().any(|a| a == "sub") && attrs.iter().any(|a| a == "email"));

    let rest = ok(
        &id,
        "ListUsersInGroup",
        json!({"UserPoolId": pool_id, "GroupName": "staff", "Limit": 2, "NextToken": token}),
    )
    .await;
    assert_eq!(names(&rest, "Users", "Username"), ["carl"]);
    assert!(rest.get("NextToken").is_none());
    let all = ok(
        &id,
        "ListUsersInGroup",
        json!({"UserPoolId": pool_id, "GroupName": "staff"}),
    )
    .await;
    assert_eq!(names(&all, "Users", "Username"), ["abby", "bob", "carl"]);

    assert_eq!(
        fail(
            &id,
            "ListUsersInGroup",
            json!({"UserPoolId": pool_id, "GroupName": "nobody"})
        )
        .await,
        err("ResourceNotFoundException", "Group not found.")
    );
    let other = unknown_pool_id(&pool_id);
    assert_eq!(
        fail(
            &id,
            "ListUsersInGroup",
            json!({"UserPoolId": other, "GroupName": "staff"})
        )
        .await
        .0,
        "ResourceNotFoundException"
    );
    assert_eq!(
        fail(
            &id,
            "ListUsersInGroup",
            json!({"UserPoolId": pool_id, "GroupName": "staff", "Limit": 61})
        )
        .await
        .0,
        "InvalidParameterException"
    );
    // A deleted user leaves the group.
    ok(
        &id,
        "AdminDeleteUser",
        json!({"UserPoolId": pool_id, "Username": "abby"}),
    )
    .await;
    let all = ok(
        &id,
        "ListUsersInGroup",
        json!({"UserPoolId": pool_id, "GroupName": "staff"}),
    )
    .await;
    assert_eq!(names(&all, "Users", "Username"), ["bob", "carl"]);
}

/// The custom attributes DescribeUserPool lists, in order.
async fn custom_names(id: &Api, pool_id: &str) -> Vec<String> {
    let pool = ok(id, "DescribeUserPool", json!({"UserPoolId": pool_id})).await;
    names(&pool["UserPool"], "SchemaAttributes", "Name")
        .into_iter()
        .filter(|n| n.starts_with("custom:"))
        .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn add_custom_attributes(db: PgPool) {
    let id = api(db).await;
    let pool_id = create_pool(
        &id,
        json!({"Schema": [{"Name": "role", "AttributeDataType": "String"}]}),
    )
    .await;
    let before = ok(&id, "DescribeUserPool", json!({"UserPoolId": pool_id})).await;

    let added = ok(
        &id,
        "AddCustomAttributes",
        json!({"UserPoolId": pool_id, "CustomAttributes": [
            {"Name": "tier", "AttributeDataType": "String", "Mutable": false,
             "StringAttributeConstraints": {"MaxLength": "8"}},
            {"Name": "age", "AttributeDataType": "Number",
             "NumberAttributeConstraints": {"MinValue": "0", "MaxValue": "150"}}]}),
    )
    .await;
    assert_eq!(added, json!({}));
    assert_eq!(
        custom_names(&id, &pool_id).await,
        ["custom:role", "custom:tier", "custom:age"]
    );
    let pool = ok(&id, "DescribeUserPool", json!({"UserPoolId": pool_id})).await;
    let schema = pool["UserPool"]["SchemaAttributes"]
        .as_array()
        .expect("schema");
    let tier = schema
        .iter()
        .find(|a| a["Name"] == "custom:tier")
        .expect("custom:tier");
    assert_eq!(tier["Mutable"], false);
    assert_eq!(tier["StringAttributeConstraints"]["MaxLength"], "8");
    assert!(
        pool["UserPool"]["LastModifiedDate"].as_f64()
            >= before["UserPool"]["LastModifiedDate"].as_f64()
    );

    // The new attributes are part of the schema users are checked against.
    ok(&id, "AdminCreateUser", json!({"UserPoolId": pool_id, "Username": "kim",
        "MessageAction": "SUPPRESS",
        "UserAttributes": [{"Name": "custom:tier", "Value": "gold"}, {"Name": "custom:age", "Value": "42"}]}))
    .await;
    assert_eq!(
        fail(&id, "AdminCreateUser", json!({"UserPoolId": pool_id, "Username": "lee",
            "MessageAction": "SUPPRESS", "UserAttributes": [{"Name": "custom:age", "Value": "200"}]}))
        .await
        .1,
        "Attributes did not conform to the schema: custom:age: Number is out of the allowed range"
    );

    // An existing name (in the pool or earlier in the request) adds nothing at all.
    let existing = |name: &str| {
        err(
            "InvalidParameterException",
            &format!("custom:{name}: Existing attribute already has name custom:{name}."),
        )
    };
    assert_eq!(
        fail(
            &id,
            "AddCustomAttributes",
            json!({"UserPoolId": pool_id, "CustomAttributes": [{"Name": "role", "AttributeDataType": "String"}]})
        )
        .await,
        existing("role")
    );
    assert_eq!(
        fail(
            &id,
            "AddCustomAttributes",
            json!({"UserPoolId": pool_id, "CustomAttributes": [
                {"Name": "fresh", "AttributeDataType": "String"},
                {"Name": "tier", "AttributeDataType": "Number"}]})
        )
        .await,
        existing("tier")
    );
    assert_eq!(
        fail(
            &id,
            "AddCustomAttributes",
            json!({"UserPoolId": pool_id, "CustomAttributes": [{"Name": "twice"}, {"Name": "twice"}]})
        )
        .await,
        existing("twice")
    );
    // As in CreateUserPool's schema: names of 1-20 characters, known data types.
    for bad in [
        json!({"Name": "n".repeat(21), "AttributeDataType": "String"}),
        json!({"Name": "ok", "AttributeDataType": "Blob"}),
        json!({"Name": "needed", "AttributeDataType": "String", "Required": true}),
    ] {
        assert_eq!(
            fail(
                &id,
                "AddCustomAttributes",
                json!({"UserPoolId": pool_id, "CustomAttributes": [{"Name": "fresh"}, bad]})
            )
            .await
            .0,
            "InvalidParameterException"
        );
    }
    assert_eq!(
        fail(
            &id,
            "AddCustomAttributes",
            json!({"UserPoolId": pool_id, "CustomAttributes": []})
        )
        .await,
        err(
            "InvalidParameterException",
            "1 validation error detected: Value at 'customAttributes' failed to satisfy \
             constraint: Member must have length greater than or equal to 1"
        )
    );
    assert_eq!(
        fail(&id, "AddCustomAttributes", json!({"UserPoolId": pool_id}))
            .await
            .1,
        "1 validation error detected: Value null at 'customAttributes' failed to satisfy \
         constraint: Member must not be null"
    );
    let other = unknown_pool_id(&pool_id);
    assert_eq!(
        fail(
            &id,
            "AddCustomAttributes",
            json!({"UserPoolId": other, "CustomAttributes": [{"Name": "fresh"}]})
        )
        .await,
        err(
            "ResourceNotFoundException",
            &format!("User pool {other} does not exist.")
        )
    );
    assert_eq!(
        custom_names(&id, &pool_id).await,
        ["custom:role", "custom:tier", "custom:age"],
        "refused calls added nothing"
    );

    // At most 25 per call, at most 50 in a pool.
    let batch = |prefix: &str, n: usize| -> Value {
        (0..n)
            .map(|i| json!({"Name": format!("{prefix}{i}"), "AttributeDataType": "String"}))
            .collect()
    };
    assert_eq!(
        fail(
            &id,
            "AddCustomAttributes",
            json!({"UserPoolId": pool_id, "CustomAttributes": batch("c", 26)})
        )
        .await
        .1,
        "1 validation error detected: Value at 'customAttributes' failed to satisfy \
         constraint: Member must have length less than or equal to 25"
    );
    ok(
        &id,
        "AddCustomAttributes",
        json!({"UserPoolId": pool_id, "CustomAttributes": batch("c", 25)}),
    )
    .await;
    assert_eq!(
        fail(
            &id,
            "AddCustomAttributes",
            json!({"UserPoolId": pool_id, "CustomAttributes": batch("d", 23)})
        )
        .await,
        err(
            "InvalidParameterException",
            "A user pool can have at most 50 custom attributes."
        )
    );
    ok(
        &id,
        "AddCustomAttributes",
        json!({"UserPoolId": pool_id, "CustomAttributes": batch("d", 22)}),
    )
    .await;
    let all = custom_names(&id, &pool_id).await;
    assert_eq!(all.len(), 50);
    assert_eq!(all.last().map(String::as_str), Some("custom:d21"));
}

/// The pool's ARN, as DescribeUserPool returns it.
async fn pool_arn(id: &Api, pool_id: &str) -> String {
    let pool = ok(id, "DescribeUserPool", json!({"UserPoolId": pool_id})).await;
    pool["UserPool"]["Arn"].as_str().expect("Arn").to_owned()
}

async fn tags(id: &Api, arn: &str) -> Value {
    ok(id, "ListTagsForResource", json!({"ResourceArn": arn})).await["Tags"].clone()
}

#[sqlx::test(migrations = "../migrations")]
async fn user_pool_tags(db: PgPool) {
    let id = api(db).await;
    let pool_id = create_pool(&id, json!({"UserPoolTags": {"team": "blue"}})).await;
    let arn = pool_arn(&id, &pool_id).await;
    assert_eq!(
        arn.rsplit_once(":userpool/"),
        Some((
            arn.split(":userpool/").next().expect("prefix"),
            pool_id.as_str()
        ))
    );
    assert_eq!(tags(&id, &arn).await, json!({"team": "blue"}));

    // A tag named `Name` is not the `Name` member (at most 32 characters).
    let long = "n".repeat(256);
    let tagged = ok(
        &id,
        "TagResource",
        json!({"ResourceArn": arn, "Tags": {"env": "test", "team": "red", "Name": long}}),
    )
    .await;
    assert_eq!(tagged, json!({}));
    let expected = json!({"env": "test", "team": "red", "Name": long});
    assert_eq!(tags(&id, &arn).await, expected);
    let described = ok(&id, "DescribeUserPool", json!({"UserPoolId": pool_id})).await;
    assert_eq!(described["UserPool"]["UserPoolTags"], expected);

    let untagged = ok(
        &id,
        "UntagResource",
        json!({"ResourceArn": arn, "TagKeys": ["team", "absent"]}),
    )
    .await;
    assert_eq!(untagged, json!({}));
    let expected = json!({"env": "test", "Name": long});
    assert_eq!(tags(&id, &arn).await, expected);

    // UpdateUserPool without UserPoolTags keeps them.
    ok(&id, "UpdateUserPool", json!({"UserPoolId": pool_id})).await;
    assert_eq!(tags(&id, &arn).await, expected);

    // Malformed ARNs, ARNs of something else, and pools that are not there: nothing changes.
    let invalid = |message: &str| err("InvalidParameterException", message);
    let pattern = "arn:[\\w+=/,.@-]+:[\\w+=/,.@-]+:([\\w+=/,.@-]*)?:[0-9]+:[\\w+=/,.@-]+\
                   (:[\\w+=/,.@-]+)?(:[\\w+=/,.@-]+)?";
    let bad = "not-an-arn-at-all-really";
    assert_eq!(
        fail(
            &id,
            "TagResource",
            json!({"ResourceArn": bad, "Tags": {"x": "y"}})
        )
        .await,
        invalid(&format!(
            "1 validation error detected: Value '{bad}' at 'resourceArn' failed to satisfy \
             constraint: Member must satisfy regular expression pattern: {pattern}"
        ))
    );
    assert_eq!(
        fail(
            &id,
            "ListTagsForResource",
            json!({"ResourceArn": "arn:aws"})
        )
        .await,
        invalid(
            "1 validation error detected: Value at 'resourceArn' failed to satisfy \
             constraint: Member must have length greater than or equal to 20"
        )
    );
    let (prefix, _) = arn.split_once(":userpool/").expect("user pool arn");
    let not_a_pool = format!("{prefix}:userpool-client/{pool_id}");
    let (kind, message) = fail(
        &id,
        "UntagResource",
        json!({"ResourceArn": not_a_pool, "TagKeys": ["env"]}),
    )
    .await;
    assert_eq!(kind, "InvalidParameterException");
    assert!(message.contains(&not_a_pool), "{message}");
    let role = fail(&id, "ListTagsForResource", json!({"ResourceArn": ROLE_ARN})).await;
    assert_eq!(role.0, "InvalidParameterException");

    let other = unknown_pool_id(&pool_id);
    let other_arn = format!("{prefix}:userpool/{other}");
    let missing = err(
        "ResourceNotFoundException",
        &format!("User pool {other} does not exist."),
    );
    assert_eq!(
        fail(
            &id,
            "TagResource",
            json!({"ResourceArn": other_arn, "Tags": {"x": "y"}})
        )
        .await,
        missing
    );
    assert_eq!(
        fail(
            &id,
            "UntagResource",
            json!({"ResourceArn": other_arn, "TagKeys": ["env"]})
        )
        .await,
        missing
    );
    assert_eq!(
        fail(
            &id,
            "ListTagsForResource",
            json!({"ResourceArn": other_arn})
        )
        .await,
        missing
    );
    // The pool's own id under another account is not this pool.
    let foreign = arn.replace(&format!(":{ACCOUNT_ID}:"), ":210987654321:");
    assert_eq!(
        fail(&id, "ListTagsForResource", json!({"ResourceArn": foreign}))
            .await
            .0,
        "ResourceNotFoundException"
    );

    // Tag keys of 1-128 characters, values of at most 256, at most 50 tags.
    let (kind, message) = fail(
        &id,
        "TagResource",
        json!({"ResourceArn": arn, "Tags": {"": "empty key"}}),
    )
    .await;
    assert_eq!(kind, "InvalidParameterException");
    assert!(
        message.contains("Map keys must satisfy constraint"),
        "{message}"
    );
    let (kind, message) = fail(
        &id,
        "TagResource",
        json!({"ResourceArn": arn, "Tags": {"ok": "v".repeat(257)}}),
    )
    .await;
    assert_eq!(kind, "InvalidParameterException");
    assert!(
        message.contains("Map value must satisfy constraint"),
        "{message}"
    );
    assert_eq!(
        fail(
            &id,
            "UntagResource",
            json!({"ResourceArn": arn, "TagKeys": ["k".repeat(129)]})
        )
        .await
        .0,
        "InvalidParameterException"
    );
    let many: serde_json::Map<String, Value> =
        (0..49).map(|i| (format!("k{i}"), json!("v"))).collect();
    assert_eq!(
        fail(
            &id,
            "TagResource",
            json!({"ResourceArn": arn, "Tags": many})
        )
        .await,
        invalid("A user pool can have at most 50 tags.")
    );
    assert_eq!(
        tags(&id, &arn).await,
        expected,
        "refused calls changed nothing"
    );
    let fits: serde_json::Map<String, Value> =
        (0..48).map(|i| (format!("k{i}"), json!("v"))).collect();
    ok(
        &id,
        "TagResource",
        json!({"ResourceArn": arn, "Tags": fits}),
    )
    .await;
    assert_eq!(
        tags(&id, &arn).await.as_object().map(serde_json::Map::len),
        Some(50)
    );
    // Removing every tag leaves an empty map.
    let keys: Vec<String> = tags(&id, &arn)
        .await
        .as_object()
        .expect("tags")
        .keys()
        .cloned()
        .collect();
    ok(
        &id,
        "UntagResource",
        json!({"ResourceArn": arn, "TagKeys": keys}),
    )
    .await;
    assert_eq!(tags(&id, &arn).await, json!({}));
}

#[sqlx::test(migrations = "../migrations")]
async fn signing_certificate(db: PgPool) {
    let id = api(db).await;
    let pool_id = create_pool(&id, json!({})).await;
    let certificate = |out: Value| -> Vec<u8> {
        STANDARD
            .decode(out["Certificate"].as_str().expect("Certificate"))
            .expect("standard base64")
    };
    let der = certificate(ok(&id, "GetSigningCertificate", json!({"UserPoolId": pool_id})).await);
    // One DER SEQUENCE (long form length), naming the pool.
    assert_eq!(der[..2], [0x30, 0x82]);
    assert_eq!(
        usize::from(der[2]) << 8 | usize::from(der[3]),
        der.len() - 4
    );
    assert!(der.windows(pool_id.len()).any(|w| w == pool_id.as_bytes()));

    // It certifies the pool's ID-token key, as published in the JWKS.
    let modulus_of = |kid: &str, jwks: &[identity::Jwk]| -> Vec<u8> {
        let jwk = jwks.iter().find(|k| k.kid == kid).expect("kid in JWKS");
        URL_SAFE_NO_PAD.decode(&jwk.n).expect("n")
    };
    let id_kid = |keys: &[identity::SigningKeyInfo]| -> String {
        keys.iter()
            .find(|k| k.token_use == KeyUse::Id && k.status == identity::KeyStatus::Active)
            .expect("active ID key")
            .kid
            .clone()
    };
    let keys = id.list_signing_keys(&pool_id).await.expect("keys");
    let jwks = id.public_jwks(&pool_id).await.expect("jwks");
    let modulus = modulus_of(&id_kid(&keys), &jwks);
    assert!(der.windows(modulus.len()).any(|w| w == modulus.as_slice()));

    // The same key gives the same certificate; a rotated key a new one.
    let again = certificate(ok(&id, "GetSigningCertificate", json!({"UserPoolId": pool_id})).await);
    assert_eq!(again, der);
    id.rotate_signing_keys(&pool_id).await.expect("rotate");
    let rotated =
        certificate(ok(&id, "GetSigningCertificate", json!({"UserPoolId": pool_id})).await);
    assert_ne!(rotated, der);
    let keys = id.list_signing_keys(&pool_id).await.expect("keys");
    let jwks = id.public_jwks(&pool_id).await.expect("jwks");
    let modulus = modulus_of(&id_kid(&keys), &jwks);
    assert!(
        rotated
            .windows(modulus.len())
            .any(|w| w == modulus.as_slice())
    );

    let other = unknown_pool_id(&pool_id);
    assert_eq!(
        fail(&id, "GetSigningCertificate", json!({"UserPoolId": other})).await,
        err(
            "ResourceNotFoundException",
            &format!("User pool {other} does not exist.")
        )
    );
    assert_eq!(
        fail(&id, "GetSigningCertificate", json!({"UserPoolId": "nope"}))
            .await
            .0,
        "InvalidParameterException"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn new_operations_need_a_signature(db: PgPool) {
    let id = api(db).await;
    for action in [
        "GetGroup",
        "UpdateGroup",
        "DeleteGroup",
        "ListUsersInGroup",
        "AddCustomAttributes",
        "GetSigningCertificate",
        "TagResource",
        "UntagResource",
        "ListTagsForResource",
    ] {
        assert_eq!(
            identity::Identity::requires_signature(action),
            Some(true),
            "{action}"
        );
        let e = id.dispatch(action, b"{}", false).await.expect_err(action);
        assert_eq!(
            e.type_name(),
            "MissingAuthenticationTokenException",
            "{action}"
        );
    }
}

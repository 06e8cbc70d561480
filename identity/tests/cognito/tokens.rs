//! Token claims, verification against the JWKS, discovery, key rotation and validity
//! overrides.

use crate::common::*;
use identity::{KeyStatus, KeyUse};
use serde_json::{Value, json};
use sqlx::PgPool;

fn is_uuid(v: &Value) -> bool {
    v.as_str().is_some_and(|s| uuid::Uuid::parse_str(s).is_ok())
}

#[sqlx::test(migrations = "../migrations")]
async fn claims_jwks_and_discovery(db: PgPool) {
    let id = api(db.clone()).await;
    let pool_id = create_pool(
        &id,
        json!({"Schema": [{"Name": "role", "AttributeDataType": "String", "Mutable": true},
                          {"Name": "age", "AttributeDataType": "Number", "Mutable": true}]}),
    )
    .await;
    let client = password_client(&id, &pool_id).await;
    let (narrow, _) = create_client(
        &id,
        &pool_id,
        json!({"ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH"], "ReadAttributes": ["email"]}),
    )
    .await;
    let user = confirmed_user(
        &id,
        &pool_id,
        "lena",
        json!([
            {"Name": "email", "Value": "lena@example.com"}, {"Name": "email_verified", "Value": "true"},
            {"Name": "name", "Value": "Lena Smith"}, {"Name": "given_name", "Value": "Lena"},
            {"Name": "family_name", "Value": "Smith"}, {"Name": "phone_number", "Value": "+15551234567"},
            {"Name": "custom:role", "Value": "admin"}, {"Name": "custom:age", "Value": "42"}
        ]),
    )
    .await;
    let sub = user["Attributes"]
        .as_array()
        .expect("attrs")
        .iter()
        .find(|a| a["Name"] == "sub")
        .and_then(|a| a["Value"].as_str())
        .expect("sub")
        .to_owned();
    ok(
        &id,
        "CreateGroup",
        json!({"UserPoolId": pool_id, "GroupName": "admins", "Precedence": 5}),
    )
    .await;
    ok(
        &id,
        "CreateGroup",
        json!({"UserPoolId": pool_id, "GroupName": "devs", "Precedence": 1}),
    )
    .await;
    for g in ["admins", "devs"] {
        ok(
            &id,
            "AdminAddUserToGroup",
            json!({"UserPoolId": pool_id, "Username": "lena", "GroupName": g}),
        )
        .await;
    }

    let tokens = sign_in(&id, &client, "lena", PASSWORD).await;
    let id_token = tokens["IdToken"].as_str().expect("id token");
    let access_token = tokens["AccessToken"].as_str().expect("access token");
    let iss = format!("{}/cognito-idp/{pool_id}", id.issuer_base());
    assert_eq!(id.issuer(&pool_id), iss);

    // Headers: RS256, and different keys for ID and access tokens.
    let (h_id, h_access) = (header(id_token), header(access_token));
    assert_eq!(h_id.alg, jsonwebtoken::Algorithm::RS256);
    assert_eq!(h_access.alg, jsonwebtoken::Algorithm::RS256);
    let (kid_id, kid_access) = (h_id.kid.expect("kid"), h_access.kid.expect("kid"));
    assert_ne!(kid_id, kid_access);
    assert_eq!(kid_id.len(), 44);

    // ID token claims, with types.
    let c = claims(id_token);
    assert_eq!(c["sub"], sub.as_str());
    assert_eq!(c["iss"], iss.as_str());
    assert_eq!(c["aud"], client.as_str());
    assert_eq!(c["token_use"], "id");
    assert_eq!(c["cognito:username"], "lena");
    assert_eq!(c["email"], "lena@example.com");
    assert_eq!(c["email_verified"], json!(true));
    assert_eq!(c["phone_number"], "+15551234567");
    assert_eq!(c["phone_number_verified"], json!(false));
    assert_eq!(c["name"], "Lena Smith");
    assert_eq!(c["given_name"], "Lena");
    assert_eq!(c["family_name"], "Smith");
    assert_eq!(c["custom:role"], json!("admin"));
    assert_eq!(
        c["custom:age"],
        json!("42"),
        "custom attributes are strings"
    );
    assert_eq!(
        c["cognito:groups"],
        json!(["devs", "admins"]),
        "by precedence"
    );
    for n in ["auth_time", "iat", "exp"] {
        assert!(c[n].is_i64(), "{n} is a number");
    }
    assert_eq!(
        c["exp"].as_i64().expect("exp") - c["iat"].as_i64().expect("iat"),
        3600
    );
    assert!(is_uuid(&c["jti"]) && is_uuid(&c["origin_jti"]) && is_uuid(&c["event_id"]));
    assert!(c.get("client_id").is_none());
    assert!(c.get("sub").is_some());

    // Access token claims.
    let a = claims(access_token);
    assert_eq!(a["sub"], sub.as_str());
    assert_eq!(a["iss"], iss.as_str());
    assert_eq!(a["client_id"], client.as_str());
    assert_eq!(a["token_use"], "access");
    assert_eq!(a["scope"], "aws.cognito.signin.user.admin");
    assert_eq!(a["username"], "lena");
    assert_eq!(a["version"], json!(2));
    assert_eq!(a["cognito:groups"], json!(["devs", "admins"]));
    assert_eq!(a["origin_jti"], c["origin_jti"]);
    assert_eq!(a["event_id"], c["event_id"]);
    assert_eq!(a["auth_time"], c["auth_time"]);
    assert!(a.get("aud").is_none(), "access tokens have no aud");
    assert!(
        a.get("email").is_none(),
        "access tokens carry no attributes"
    );
    assert!(is_uuid(&a["jti"]));
    assert_ne!(a["jti"], c["jti"]);
    assert_eq!(
        a["exp"].as_i64().expect("exp") - a["iat"].as_i64().expect("iat"),
        3600
    );

    // Verified against the JWKS like an API would.
    let verified = verify(&id, &pool_id, id_token, &client, "id")
        .await
        .expect("ID token verifies");
    assert_eq!(verified["sub"], sub.as_str());
    verify(&id, &pool_id, access_token, &client, "access")
        .await
        .expect("access token verifies");
    assert!(
        verify(&id, &pool_id, id_token, &narrow, "id")
            .await
            .is_err(),
        "wrong audience"
    );
    assert!(
        verify(&id, &pool_id, id_token, &client, "access")
            .await
            .is_err(),
        "wrong token_use"
    );
    assert!(
        verify(&id, &pool_id, access_token, &narrow, "access")
            .await
            .is_err(),
        "wrong client_id"
    );
    let other_pool = create_pool(&id, json!({"PoolName": "other"})).await;
    assert!(
        verify(&id, &other_pool, id_token, &client, "id")
            .await
            .is_err(),
        "other pool's JWKS"
    );

    // JWKS and discovery.
    let jwks = id.jwks(&pool_id).await.expect("jwks");
    let keys = jwks["keys"].as_array().expect("keys");
    assert_eq!(keys.len(), 2);
    for k in keys {
        let mut fields: Vec<&str> = k
            .as_object()
            .expect("obj")
            .keys()
            .map(String::as_str)
            .collect();
        fields.sort();
        assert_eq!(fields, ["alg", "e", "kid", "kty", "n", "use"]);
        assert_eq!(k["e"], "AQAB");
        assert_eq!(k["n"].as_str().expect("n").len(), 342, "2048-bit modulus");
    }
    let public = id.public_jwks(&pool_id).await.expect("public keys");
    assert_eq!(public.len(), 2);
    assert!(public.iter().any(|k| k.kid == kid_id) && public.iter().any(|k| k.kid == kid_access));
    public[0].decoding_key().expect("usable decoding key");
    let discovery = id.openid_configuration(&pool_id).await.expect("discovery");
    assert_eq!(discovery["issuer"], iss.as_str());
    assert_eq!(
        discovery["jwks_uri"],
        format!("{iss}/.well-known/jwks.json")
    );
    assert_eq!(
        discovery["id_token_signing_alg_values_supported"],
        json!(["RS256"])
    );
    assert_eq!(discovery["subject_types_supported"], json!(["public"]));
    let missing = id
        .jwks("us-east-1_nopool123")
        .await
        .expect_err("unknown pool");
    assert_eq!(missing.type_name(), "ResourceNotFoundException");
    assert_eq!(
        missing.message,
        "User pool us-east-1_nopool123 does not exist."
    );
    assert_eq!(
        id.openid_configuration("us-east-1_nopool123")
            .await
            .expect_err("unknown")
            .type_name(),
        "ResourceNotFoundException"
    );

    // Private keys are sealed at rest.
    let sealed: Vec<Option<Vec<u8>>> = sqlx::query_scalar(
        "SELECT private_key_sealed FROM user_pool_signing_keys WHERE pool_id = $1",
    )
    .bind(&pool_id)
    .fetch_all(&db)
    .await
    .expect("keys");
    assert_eq!(sealed.len(), 2);
    for s in sealed {
        let s = s.expect("active keys keep their sealed private key");
        assert_eq!(s[0], 1, "master-key sealed format");
        // An unsealed PKCS#1 DER key starts with SEQUENCE (0x30 0x82).
        assert_ne!(&s[..2], &[0x30, 0x82]);
    }

    // ReadAttributes limit what the ID token carries.
    let narrow_tokens = sign_in(&id, &narrow, "lena", PASSWORD).await;
    let n = claims(narrow_tokens["IdToken"].as_str().expect("id"));
    assert_eq!(n["email"], "lena@example.com");
    for hidden in [
        "name",
        "given_name",
        "custom:role",
        "email_verified",
        "phone_number",
    ] {
        assert!(n.get(hidden).is_none(), "{hidden} not readable");
    }
    assert_eq!(n["aud"], narrow.as_str());

    // No groups: no cognito:groups claim.
    confirmed_user(&id, &pool_id, "mike", json!([])).await;
    let m = sign_in(&id, &client, "mike", PASSWORD).await;
    assert!(
        claims(m["IdToken"].as_str().expect("id"))
            .get("cognito:groups")
            .is_none()
    );
    assert!(
        claims(m["AccessToken"].as_str().expect("access"))
            .get("cognito:groups")
            .is_none()
    );
    assert!(
        claims(m["IdToken"].as_str().expect("id"))
            .get("email")
            .is_none()
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn key_rotation(db: PgPool) {
    let id = api(db.clone()).await;
    let pool_id = create_pool(&id, json!({})).await;
    let client = password_client(&id, &pool_id).await;
    confirmed_user(&id, &pool_id, "nora", json!([])).await;
    let old = sign_in(&id, &client, "nora", PASSWORD).await;
    let old_id = old["IdToken"].as_str().expect("id").to_owned();
    let old_access = old["AccessToken"].as_str().expect("access").to_owned();

    let before = id.list_signing_keys(&pool_id).await.expect("keys");
    assert_eq!(before.len(), 2);
    assert!(before.iter().all(|k| k.status == KeyStatus::Active));
    assert!(before.iter().any(|k| k.token_use == KeyUse::Id));
    assert!(before.iter().any(|k| k.token_use == KeyUse::Access));

    id.rotate_signing_keys(&pool_id).await.expect("rotate");
    let after = id.list_signing_keys(&pool_id).await.expect("keys");
    assert_eq!(after.len(), 4);
    let active: Vec<_> = after
        .iter()
        .filter(|k| k.status == KeyStatus::Active)
        .collect();
    assert_eq!(active.len(), 2);
    for k in after.iter().filter(|k| k.status != KeyStatus::Active) {
        assert!(before.iter().any(|b| b.kid == k.kid));
        let KeyStatus::Retiring { retire_after } = k.status else {
            panic!("old key should be retiring: {k:?}");
        };
        let rotated = k.rotated_at.expect("rotated_at");
        assert_eq!(
            (retire_after - rotated).whole_seconds(),
            3600 + 60,
            "longest ID/access validity, plus the minute other nodes may still sign with it"
        );
    }
    let dropped: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM user_pool_signing_keys WHERE rotated_at IS NOT NULL AND private_key_sealed IS NULL",
    )
    .fetch_one(&db)
    .await
    .expect("count");
    assert_eq!(dropped, 2, "rotated keys lose their private half");

    // The JWKS has all four; old tokens still verify; new tokens use the new keys.
    assert_eq!(id.public_jwks(&pool_id).await.expect("jwks").len(), 4);
    verify(&id, &pool_id, &old_id, &client, "id")
        .await
        .expect("old ID token still verifies");
    verify(&id, &pool_id, &old_access, &client, "access")
        .await
        .expect("old access token still verifies");
    ok(&id, "GetUser", json!({"AccessToken": old_access})).await;
    let new = sign_in(&id, &client, "nora", PASSWORD).await;
    let new_id = new["IdToken"].as_str().expect("id");
    let new_kid = header(new_id).kid.expect("kid");
    assert!(
        active
            .iter()
            .any(|k| k.kid == new_kid && k.token_use == KeyUse::Id)
    );
    assert_ne!(header(&old_id).kid.expect("kid"), new_kid);
    verify(&id, &pool_id, new_id, &client, "id")
        .await
        .expect("new token verifies");
    verify(
        &id,
        &pool_id,
        new["AccessToken"].as_str().expect("a"),
        &client,
        "access",
    )
    .await
    .expect("new access verifies");

    // Once retire_after passes, the old keys leave the JWKS.
    sqlx::query("UPDATE user_pool_signing_keys SET retire_after = now() - interval '1 second' WHERE rotated_at IS NOT NULL")
        .execute(&db)
        .await
        .expect("age keys");
    let jwks = id.public_jwks(&pool_id).await.expect("jwks");
    assert_eq!(jwks.len(), 2);
    assert!(verify(&id, &pool_id, &old_id, &client, "id").await.is_err());
    assert!(
        verify(&id, &pool_id, &old_access, &client, "access")
            .await
            .is_err()
    );
    assert_eq!(
        fail(&id, "GetUser", json!({"AccessToken": old_access})).await,
        err("NotAuthorizedException", "Invalid Access Token")
    );
    verify(&id, &pool_id, new_id, &client, "id")
        .await
        .expect("current token still verifies");
    let listed = id.list_signing_keys(&pool_id).await.expect("keys");
    assert_eq!(
        listed
            .iter()
            .filter(|k| matches!(k.status, KeyStatus::Retired { .. }))
            .count(),
        2
    );

    // A client with longer-lived tokens keeps rotated keys published longer.
    create_client(
        &id,
        &pool_id,
        json!({"IdTokenValidity": 1, "TokenValidityUnits": {"IdToken": "days"}}),
    )
    .await;
    id.rotate_signing_keys(&pool_id)
        .await
        .expect("rotate again");
    let keys = id.list_signing_keys(&pool_id).await.expect("keys");
    let retiring: Vec<_> = keys
        .iter()
        .filter_map(|k| match k.status {
            KeyStatus::Retiring { retire_after } => {
                Some((retire_after - k.rotated_at.expect("rotated")).whole_seconds())
            }
            _ => None,
        })
        .collect();
    assert_eq!(retiring, vec![86400 + 60, 86400 + 60]);
    assert_eq!(id.public_jwks(&pool_id).await.expect("jwks").len(), 4);
    assert!(id.rotate_signing_keys("us-east-1_nopool123").await.is_err());
}

#[sqlx::test(migrations = "../migrations")]
async fn client_validity_overrides(db: PgPool) {
    let id = api(db.clone()).await;
    let pool_id = create_pool(&id, json!({})).await;
    let (client, _) = create_client(
        &id,
        &pool_id,
        json!({"ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
               "IdTokenValidity": 2, "AccessTokenValidity": 30, "RefreshTokenValidity": 2,
               "TokenValidityUnits": {"AccessToken": "minutes"}}),
    )
    .await;
    confirmed_user(&id, &pool_id, "olga", json!([])).await;
    let tokens = sign_in(&id, &client, "olga", PASSWORD).await;
    assert_eq!(tokens["ExpiresIn"], 1800);
    let c = claims(tokens["IdToken"].as_str().expect("id"));
    assert_eq!(
        c["exp"].as_i64().expect("exp") - c["iat"].as_i64().expect("iat"),
        7200
    );
    let a = claims(tokens["AccessToken"].as_str().expect("access"));
    assert_eq!(
        a["exp"].as_i64().expect("exp") - a["iat"].as_i64().expect("iat"),
        1800
    );
    let lifetime: f64 = sqlx::query_scalar(
        "SELECT extract(epoch FROM expires_at - auth_time)::float8 FROM user_pool_refresh_tokens",
    )
    .fetch_one(&db)
    .await
    .expect("refresh row");
    assert_eq!(lifetime, 2.0 * 86400.0);
    let refreshed = ok(
        &id,
        "InitiateAuth",
        json!({"AuthFlow": "REFRESH_TOKEN", "ClientId": client,
        "AuthParameters": {"REFRESH_TOKEN": tokens["RefreshToken"]}}),
    )
    .await;
    assert_eq!(refreshed["AuthenticationResult"]["ExpiresIn"], 1800);
}

//! The console's larger forms, posted as the browser posts them (flat field names, checkboxes
//! absent when unticked, lists as `name[key][field]`), into server functions that read them
//! as one typed input struct.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::spawn_app;

#[tokio::test]
async fn the_create_pool_and_app_client_forms_are_read_field_by_field() {
    let app = spawn_app().await;
    app.sign_in_as_admin().await;

    let pool_form = |name: &'static str, min_length: &'static str| {
        vec![
            ("pool_name", name),
            ("sign_in", "username"),
            // Ticked boxes post "on"; unticked ones post nothing.
            ("verify_email", "on"),
            ("require_uppercase", "on"),
            ("require_numbers", "on"),
            ("password_min_length", min_length),
            ("temporary_password_days", "3"),
            ("id_token_minutes", "15"),
            ("access_token_minutes", "30"),
            ("refresh_token_days", "2"),
            ("custom_attributes[r1][key]", "r1"),
            ("custom_attributes[r1][name]", "tenant"),
            ("custom_attributes[r1][data_type]", "String"),
            ("custom_attributes[r1][mutable]", "on"),
        ]
    };

    // A field the form reads is checked by its name.
    let res = app.call("create_user_pool", &pool_form("forms", "5")).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["Invalid"]["field"], "password_min_length", "{body}");

    let res = app
        .call("create_user_pool", &pool_form("forms", "12"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let pool_id: String = res.json().await.expect("the new pool's id");

    let pool: Value = app
        .call("describe_user_pool", &[("pool_id", &pool_id)])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(pool["password_min_length"], 12);
    assert_eq!(pool["require_uppercase"], true);
    assert_eq!(pool["require_lowercase"], false, "unticked box: {pool}");
    assert_eq!(pool["require_symbols"], false);
    assert_eq!(pool["temporary_password_days"], 3);
    assert_eq!(pool["id_token_minutes"], 15);
    assert_eq!(pool["refresh_token_days"], 2);
    assert_eq!(pool["custom_attributes"][0]["name"], "tenant", "{pool}");
    assert_eq!(pool["custom_attributes"][0]["mutable"], true);

    let res = app
        .call(
            "create_app_client",
            &[
                ("pool_id", pool_id.as_str()),
                ("client_name", "web"),
                ("generate_secret", "on"),
                ("allow_user_password", "on"),
                ("id_token_minutes", "10"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let client: Value = res.json().await.expect("json");
    assert_eq!(client["name"], "web");
    assert!(client["secret"].as_str().is_some_and(|s| !s.is_empty()));

    // A form without a field the input struct requires is a 400 naming the call, not a 500.
    let res = app
        .call("create_app_client", &[("pool_id", pool_id.as_str())])
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{ADMIN_PASSWORD, spawn_app};

#[tokio::test]
async fn adding_an_administrator_validates_and_persists() {
    let app = spawn_app().await;
    app.sign_in_as_admin().await;

    let res = app
        .call(
            "add_admin",
            &[("username", "x"), ("new_password", "long-enough-pass")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["Invalid"]["field"], "username");

    let res = app
        .call(
            "add_admin",
            &[("username", "ops"), ("new_password", "short")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["Invalid"]["field"], "new_password");

    let res = app
        .call(
            "add_admin",
            &[("username", "ops"), ("new_password", "ops-password-123")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .call(
            "add_admin",
            &[("username", "OPS"), ("new_password", "ops-password-123")],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::BAD_REQUEST,
        "usernames are unique regardless of case"
    );

    let list: Value = app
        .call("list_admins", &[])
        .await
        .json()
        .await
        .expect("json");
    let names: Vec<&str> = list
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|r| r["username"].as_str())
        .collect();
    assert_eq!(names, ["admin", "ops"]);
    assert_eq!(
        app.sign_in("ops", "ops-password-123").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn changing_the_password_checks_every_field() {
    let app = spawn_app().await;
    app.sign_in_as_admin().await;
    let change = |current: &'static str, new: &'static str, confirm: &'static str| {
        let app = &app;
        async move {
            app.call(
                "change_password",
                &[
                    ("current_password", current),
                    ("new_password", new),
                    ("confirm_password", confirm),
                ],
            )
            .await
        }
    };

    let res = change(ADMIN_PASSWORD, "a-new-password-1", "a-different-one-2").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        res.json::<Value>().await.expect("json")["Invalid"]["field"],
        "confirm_password"
    );

    let res = change(
        "wrong-current-password",
        "a-new-password-1",
        "a-new-password-1",
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        res.json::<Value>().await.expect("json")["Invalid"]["field"],
        "current_password"
    );

    // Nothing changed so far: the old password still works.
    assert_eq!(
        app.sign_in("admin", ADMIN_PASSWORD).await.status(),
        StatusCode::OK
    );

    let res = change(ADMIN_PASSWORD, "a-new-password-1", "a-new-password-1").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        app.sign_in("admin", ADMIN_PASSWORD).await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.sign_in("admin", "a-new-password-1").await.status(),
        StatusCode::OK
    );
}

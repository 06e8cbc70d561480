use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{
    ADMIN_PASSWORD, client, session_cookie, spawn_app, spawn_app_with, test_settings,
};

const PROTECTED_FUNCTIONS: [&str; 5] = [
    "current_admin",
    "system_status",
    "list_admins",
    "add_admin",
    "change_password",
];

#[tokio::test]
async fn server_functions_answer_401_without_a_session() {
    let app = spawn_app().await;
    for function in PROTECTED_FUNCTIONS {
        let res = app.call(function, &[]).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{function}");
        let body: Value = res.json().await.expect("json body");
        assert_eq!(body, serde_json::json!("Unauthorized"), "{function}");
    }
}

#[tokio::test]
async fn pages_without_a_session_redirect_to_sign_in() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/")).send().await.expect("request");
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/login");

    let res = app
        .client
        .get(app.url("/settings?tab=admins"))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        res.headers()["location"],
        "/login?next=/settings%3Ftab%3Dadmins"
    );

    // Unknown URLs too: a visitor without a session learns nothing about which pages exist.
    let res = app
        .client
        .get(app.url("/no/such/page"))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    let res = app
        .client
        .get(app.url("/login"))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn signing_in_opens_the_console_with_a_hardened_cookie() {
    let app = spawn_app().await;
    let res = app.sign_in("admin", ADMIN_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::OK);
    let cookie = session_cookie(&res).expect("a session cookie is set");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "plain http must not set Secure: {cookie}"
    );
    assert_eq!(res.headers()["location"], "/");

    let res = app.call("current_admin", &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let me: Value = res.json().await.expect("json");
    assert_eq!(me["username"], "admin");
    let res = app
        .client
        .get(app.url("/settings"))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::OK);
    // Signed in, the sign-in page sends you to the dashboard.
    let res = app
        .client
        .get(app.url("/login"))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn cookies_are_secure_behind_https() {
    let mut settings = test_settings();
    settings.public_url = Some("https://console.example".into());
    let app = spawn_app_with(settings).await;
    let res = app.sign_in("admin", ADMIN_PASSWORD).await;
    let cookie = session_cookie(&res).expect("a session cookie is set");
    assert!(cookie.contains("Secure"), "{cookie}");
}

#[tokio::test]
async fn the_session_id_is_rotated_on_sign_in() {
    let app = spawn_app().await;
    let first = session_cookie(&app.sign_in("admin", ADMIN_PASSWORD).await).expect("cookie");
    let second = session_cookie(&app.sign_in("admin", ADMIN_PASSWORD).await).expect("cookie");
    let id = |c: &str| c.split(';').next().unwrap_or("").to_string();
    assert_ne!(id(&first), id(&second));

    // The old id no longer opens anything.
    let stale = client();
    let res = stale
        .post(app.url("/api/current_admin"))
        .header("cookie", id(&first))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_the_same_answer() {
    let app = spawn_app().await;
    let wrong = app.sign_in("admin", "not-the-password").await;
    let (s1, b1) = (wrong.status(), wrong.text().await.expect("body"));
    let unknown = app.sign_in("nobody", "not-the-password").await;
    let (s2, b2) = (unknown.status(), unknown.text().await.expect("body"));
    assert_eq!(s1, StatusCode::BAD_REQUEST);
    assert_eq!((s1, &b1), (s2, &b2));
    assert!(b1.contains("Incorrect username or password."), "{b1}");
}

#[tokio::test]
async fn repeated_failures_are_throttled_per_account() {
    let mut settings = test_settings();
    settings.throttle.max_failures_per_account = 3;
    let app = spawn_app_with(settings).await;
    for _ in 0..3 {
        assert_eq!(
            app.sign_in("admin", "wrong-password").await.status(),
            StatusCode::BAD_REQUEST
        );
    }
    // Now even the right password is refused, with a message that says to wait.
    let res = app.sign_in("admin", ADMIN_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        res.text()
            .await
            .expect("body")
            .contains("Too many failed sign-in attempts")
    );
    assert!(session_cookie(&app.sign_in("admin", ADMIN_PASSWORD).await).is_none());
}

#[tokio::test]
async fn repeated_failures_are_throttled_per_client_address() {
    let mut settings = test_settings();
    settings.throttle.max_failures_per_address = 4;
    let app = spawn_app_with(settings).await;
    for i in 0..4 {
        let user = format!("guess{i}");
        assert_eq!(
            app.sign_in(&user, "wrong-password").await.status(),
            StatusCode::BAD_REQUEST
        );
    }
    // A fresh account name from the same address is throttled too.
    let res = app.sign_in("admin", ADMIN_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn empty_fields_get_field_errors() {
    let app = spawn_app().await;
    let res = app.sign_in("", "x").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["Invalid"]["field"], "username");
}

#[tokio::test]
async fn cross_origin_posts_are_refused() {
    let app = spawn_app().await;
    let res = app
        .client
        .post(app.url("/api/login"))
        .header("origin", "http://evil.example")
        .form(&[("username", "admin"), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(session_cookie(&res).is_none());

    let same = app
        .client
        .post(app.url("/api/login"))
        .header("origin", format!("http://{}", app.addr))
        .form(&[("username", "admin"), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .expect("request");
    assert_eq!(same.status(), StatusCode::OK);
}

#[tokio::test]
async fn sign_in_never_redirects_off_site() {
    let app = spawn_app().await;
    for next in [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
    ] {
        let res = app
            .call(
                "login",
                &[
                    ("username", "admin"),
                    ("password", ADMIN_PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(res.headers()["location"], "/", "next={next}");
    }
    let res = app
        .call(
            "login",
            &[
                ("username", "admin"),
                ("password", ADMIN_PASSWORD),
                ("next", "/settings"),
            ],
        )
        .await;
    assert_eq!(res.headers()["location"], "/settings");
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let app = spawn_app().await;
    app.sign_in_as_admin().await;
    assert_eq!(
        app.call("current_admin", &[]).await.status(),
        StatusCode::OK
    );
    assert_eq!(app.call("logout", &[]).await.status(), StatusCode::OK);
    assert_eq!(
        app.call("current_admin", &[]).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM console_sessions")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(
        rows, 0,
        "the session record is deleted, not just the cookie"
    );
}

use reqwest::StatusCode;
use sqlx::postgres::PgPoolOptions;

use crate::helpers::{spawn_app, spawn_app_on, test_settings};

#[tokio::test]
async fn healthz_is_200_when_the_database_answers() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn healthz_is_503_when_the_database_is_unreachable() {
    // Port 1 on loopback: nothing listens there, so every connection attempt fails fast.
    let pool = PgPoolOptions::new()
        .acquire_timeout(std::time::Duration::from_millis(500))
        .connect_lazy("postgres://nobody@127.0.0.1:1/none")
        .expect("lazy pool");
    let app = spawn_app_on(test_settings(), pool).await;
    let res = app
        .client
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn the_stylesheet_is_generated_css() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/pkg/gatehouse.css"))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap_or("")
            .starts_with("text/css")
    );
    let css = res.text().await.expect("body");
    // Utilities used by the app, including variants, must be present and well-formed.
    assert!(css.contains(".bg-indigo-600"), "bg-indigo-600 missing");
    assert!(
        css.contains(".hover\\:bg-indigo-500:hover"),
        "hover variant missing"
    );
    assert!(
        css.contains("html.dark .dark\\:bg-slate-950"),
        "class-based dark variant missing"
    );
    assert!(
        css.contains("@media (width >= 48rem)"),
        "md breakpoint missing"
    );
}

use axum::http::header;
use axum::response::IntoResponse;

/// The console stylesheet, generated from the app's utility classes at build time (build.rs).
pub const STYLESHEET: &str = include_str!(concat!(env!("OUT_DIR"), "/gatehouse.css"));

pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        STYLESHEET,
    )
}

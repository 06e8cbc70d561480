//! Structured logs with `tracing`; RUST_LOG filters, GATEHOUSE_LOG_FORMAT=json switches format.

use tracing_subscriber::EnvFilter;

pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_sessions=warn,tower_http=info"));
    let json = std::env::var("GATEHOUSE_LOG_FORMAT").is_ok_and(|v| v.eq_ignore_ascii_case("json"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // try_init: tests may install a subscriber more than once per process.
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

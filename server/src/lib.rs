//! The `gatehouse` server: configuration, database bring-up, and the axum wiring of the
//! console (Leptos), its session guard, and the plain HTTP routes.

pub mod address_rate;
pub mod aws_auth;
pub mod config;
pub mod database;
pub mod gateway_server;
pub mod guard;
pub mod hostile_input;
pub mod listener;
pub mod routes;
pub mod security_headers;
pub mod services;
pub mod session_store;
pub mod startup;
pub mod telemetry;

/// The SQL migrations in `migrations/`, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

//! Store tests against PostgreSQL (`DATABASE_URL`); each test gets a fresh database with the
//! workspace migrations.
#![allow(clippy::unwrap_used)]

mod authorizers;
mod common;
mod deployments;
mod import;
mod methods;
mod resources;

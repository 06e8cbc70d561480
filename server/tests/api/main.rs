//! HTTP-level integration tests against the real server on a real PostgreSQL.
//! One binary for all of them (faster to link); one module per area.

mod abuse_gateway;
mod abuse_identity;
mod abuse_input;
mod abuse_runtime;
mod abuse_server;
mod apigateway;
mod apigateway_documents;
mod auth;
mod cli;
mod cognito;
mod console_forms;
mod console_import_export;
mod gateway;
mod gateway_attacks;
mod gateway_backends;
mod gateway_logs;
mod gateway_nodes;
mod gateway_redeploy;
mod health;
mod helpers;
mod settings;
mod swagger_seed;

//! Swagger 2.0 / OpenAPI 3.0 import and export of REST APIs, with API Gateway's
//! `x-amazon-apigateway-*` extensions.
//!
//! * [`parse`]: text (JSON or YAML, at most 5 MB) → [`Document`]; syntax errors name the line
//!   and column.
//! * [`read_definition`]: [`Document`] → the API it describes ([`apis::ApiDefinition`]) and the
//!   warnings; structural errors name the JSON path.
//! * [`preview_import`] / [`import`]: what an import would change, and the import itself, applied
//!   in one transaction by [`apis::store::apply_definition`] (all or nothing).
//! * [`export_snapshot`] (pure), [`export_api`] (working copy), [`export_stage`] (deployed).
//!
//! No HTTP server or console code here: callers pass a database pool and the text.

mod error;

pub use error::{MAX_DOCUMENT_BYTES, OpenApiError};

use serde::{Deserialize, Serialize};
use sqlx::PgPool;

/// What an import does to the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportMode {
    /// A new API (ImportRestApi).
    New,
    /// The API becomes exactly the document; anything not in it is deleted (PutRestApi
    /// `mode=overwrite`).
    Overwrite,
    /// What the document names is added or replaced (a method as a whole); the rest is kept
    /// (PutRestApi `mode=merge`).
    Merge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Spec {
    /// `swagger: "2.0"`.
    Swagger2,
    /// `openapi: 3.0.x`.
    OpenApi3,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Format {
    Json,
    Yaml,
}

/// Which `x-amazon-apigateway-*` extensions an export carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Extensions {
    None,
    /// `x-amazon-apigateway-integration` (and the request validators).
    Integrations,
    /// `x-amazon-apigateway-authorizer` on the security schemes.
    Authorizers,
    Both,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportOptions {
    pub spec: Spec,
    pub format: Format,
    pub extensions: Extensions,
}

/// What matching `providerARNs` to this Gatehouse's pools needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportContext {
    /// The 12-digit account id of this Gatehouse's ARNs.
    pub account_id: String,
    pub region: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChangeKind {
    Create,
    Update,
    Delete,
}

/// One line of an import preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub kind: ChangeKind,
    /// `api`, `resource`, `method` or `authorizer` (a `String` so that it deserializes).
    pub entity: String,
    /// `GET /pets`, `/pets/{id}`, `MyUserPool`, the API's name.
    pub what: String,
}

/// What an import would do, before anything is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub api_name: String,
    pub spec: Spec,
    pub changes: Vec<Change>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Imported {
    pub api_id: String,
    pub preview: ImportPreview,
}

fn not_yet() -> OpenApiError {
    OpenApiError::Structure {
        path: String::new(),
        message: "not implemented yet".to_owned(),
    }
}

/// What an import would change, without writing anything. `api_id` is required for
/// [`ImportMode::Overwrite`] and [`ImportMode::Merge`], ignored for [`ImportMode::New`].
pub async fn preview_import(
    db: &PgPool,
    ctx: &ImportContext,
    api_id: Option<&str>,
    mode: ImportMode,
    text: &str,
) -> Result<ImportPreview, OpenApiError> {
    let _ = (db, ctx, api_id, mode, text);
    Err(not_yet())
}

/// Imports the document in one transaction: all of it or nothing.
pub async fn import(
    db: &PgPool,
    ctx: &ImportContext,
    api_id: Option<&str>,
    mode: ImportMode,
    text: &str,
) -> Result<Imported, OpenApiError> {
    let _ = (db, ctx, api_id, mode, text);
    Err(not_yet())
}

/// Exports the API's working copy.
pub async fn export_api(
    db: &PgPool,
    ctx: &ImportContext,
    api_id: &str,
    opts: &ExportOptions,
) -> Result<String, OpenApiError> {
    let _ = (db, ctx, api_id, opts);
    Err(not_yet())
}

/// Exports what a stage serves (its deployment's snapshot).
pub async fn export_stage(
    db: &PgPool,
    ctx: &ImportContext,
    api_id: &str,
    stage: &str,
    opts: &ExportOptions,
) -> Result<String, OpenApiError> {
    let _ = (db, ctx, api_id, stage, opts);
    Err(not_yet())
}

/// The `Content-Type` of an export.
pub fn content_type(opts: &ExportOptions) -> &'static str {
    match opts.format {
        Format::Json => "application/json",
        Format::Yaml => "application/yaml",
    }
}

/// The download's file name: `{api}-{stage}-swagger.json`, `{api}-oas30.yaml`...
pub fn file_name(api_name: &str, stage: Option<&str>, opts: &ExportOptions) -> String {
    let clean = |s: &str| -> String {
        let s: String = s
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' })
            .collect();
        let s = s.trim_matches('-').to_owned();
        if s.is_empty() { "api".to_owned() } else { s }
    };
    let spec = match opts.spec {
        Spec::Swagger2 => "swagger",
        Spec::OpenApi3 => "oas30",
    };
    let ext = match opts.format {
        Format::Json => "json",
        Format::Yaml => "yaml",
    };
    match stage {
        Some(stage) => format!("{}-{}-{spec}.{ext}", clean(api_name), clean(stage)),
        None => format!("{}-{spec}.{ext}", clean(api_name)),
    }
}

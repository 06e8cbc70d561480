//! Swagger 2.0 / OpenAPI 3.0 import and export of REST APIs, with API Gateway's
//! `x-amazon-apigateway-*` extensions.
//!
//! * [`parse`]: text (JSON or YAML, at most 5 MB) → [`Document`]; syntax errors name the line
//!   and column.
//! * [`read_definition`]: [`Document`] → the API it describes ([`apis::store::ApiDefinition`]) and the
//!   warnings; structural errors name the JSON path.
//! * [`preview_import`] / [`import`]: what an import would change, and the import itself, applied
//!   in one transaction by [`apis::store::apply_definition`] (all or nothing).
//! * [`export_snapshot`] (pure), [`export_api`] (working copy), [`export_stage`] (deployed).
//!
//! No HTTP server or console code here: callers pass a database pool and the text.

mod document;
mod error;
mod export;
mod plan;
mod read;

pub use document::{Document, ExpansionBudget, parse, parse_within};
pub use error::{MAX_DOCUMENT_BYTES, OpenApiError};
pub use export::export_snapshot;
pub use read::{Read, read_definition};

use std::collections::BTreeSet;

use apis::store::ApiDefinition;
use apis::{RestApiId, StageName};
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
    pub api_id: RestApiId,
    pub preview: ImportPreview,
}

/// Pools of this Gatehouse among `ids` (the embedded identity provider's `user_pools` table).
async fn local_pools(db: &PgPool, ids: &[String]) -> Result<BTreeSet<String>, OpenApiError> {
    if ids.is_empty() {
        return Ok(BTreeSet::new());
    }
    let found: Vec<String> = sqlx::query_scalar("SELECT id FROM user_pools WHERE id = ANY($1)")
        .bind(ids)
        .fetch_all(db)
        .await?;
    Ok(found.into_iter().collect())
}

/// [`parse`] and [`read_definition`] on a blocking thread: a 5 MB document takes a while to
/// parse and walk, and must not hold up an async worker (and with it other requests).
async fn read_off_workers(
    text: &str,
    ctx: &ImportContext,
) -> Result<(Document, Read), OpenApiError> {
    if text.len() > MAX_DOCUMENT_BYTES {
        // Refused before the text is copied for the blocking thread.
        return Err(OpenApiError::TooLarge {
            size: text.len(),
            limit: MAX_DOCUMENT_BYTES,
        });
    }
    let (text, ctx) = (text.to_owned(), ctx.clone());
    tokio::task::spawn_blocking(move || -> Result<(Document, Read), OpenApiError> {
        let doc = parse(&text)?;
        let read = read_definition(&doc, &ctx)?;
        Ok((doc, read))
    })
    .await
    // A panic while reading stays a panic, as it was on the async worker.
    .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))
}

/// Reads the document and works out the API it makes, without writing.
async fn plan_import(
    db: &PgPool,
    ctx: &ImportContext,
    api_id: Option<&RestApiId>,
    mode: ImportMode,
    text: &str,
) -> Result<(ApiDefinition, ImportPreview, Option<RestApiId>), OpenApiError> {
    let (doc, read) = read_off_workers(text, ctx).await?;
    let mut warnings = read.warnings.clone();

    let local_ids: Vec<String> = read
        .pools
        .iter()
        .filter_map(|p| p.local_pool_id.clone())
        .collect();
    let local = local_pools(db, &local_ids).await?;
    for pool in &read.pools {
        let embedded = pool
            .local_pool_id
            .as_ref()
            .is_some_and(|id| local.contains(id));
        if !embedded {
            warnings.push(format!(
                "Authorizer {}: {} is not one of this Gatehouse's user pools; it is kept as an \
                 external pool (tokens are checked against that pool's published keys).",
                pool.authorizer, pool.provider
            ));
        }
    }

    let target = match mode {
        ImportMode::New => None,
        ImportMode::Overwrite | ImportMode::Merge => {
            let Some(id) = api_id else {
                return Err(OpenApiError::at(
                    "$",
                    "Overwrite and merge need the API to import into",
                ));
            };
            Some(id.to_owned())
        }
    };
    let current = match &target {
        Some(id) => {
            let (snapshot, validators) = apis::store::working_copy(db, id).await?;
            Some(ApiDefinition::from_snapshot(&snapshot, &validators))
        }
        None => None,
    };
    let mut desired = plan::desired(mode, current.as_ref(), &read);
    if mode == ImportMode::Merge
        && let Some(c) = &current
    {
        // A merge keeps the API's own name and description.
        desired.name = c.name.clone();
        desired.description = c.description.clone();
    }
    apis::store::validate_definition(&desired)?;
    let preview = ImportPreview {
        api_name: desired.name.clone(),
        spec: doc.spec,
        changes: plan::changes(current.as_ref(), &desired),
        warnings,
    };
    Ok((desired, preview, target))
}

/// What an import would change, without writing anything. `api_id` is required for
/// [`ImportMode::Overwrite`] and [`ImportMode::Merge`], ignored for [`ImportMode::New`].
pub async fn preview_import(
    db: &PgPool,
    ctx: &ImportContext,
    api_id: Option<&RestApiId>,
    mode: ImportMode,
    text: &str,
) -> Result<ImportPreview, OpenApiError> {
    plan_import(db, ctx, api_id, mode, text)
        .await
        .map(|(_, preview, _)| preview)
}

/// Imports the document in one transaction: all of it or nothing.
pub async fn import(
    db: &PgPool,
    ctx: &ImportContext,
    api_id: Option<&RestApiId>,
    mode: ImportMode,
    text: &str,
) -> Result<Imported, OpenApiError> {
    let (desired, preview, target) = plan_import(db, ctx, api_id, mode, text).await?;
    let api = apis::store::apply_definition(db, target.as_ref(), &desired).await?;
    tracing::info!(
        api_id = %api.id,
        mode = ?mode,
        changes = preview.changes.len(),
        warnings = preview.warnings.len(),
        "imported an API definition"
    );
    Ok(Imported {
        api_id: api.id,
        preview,
    })
}

/// Exports the API's working copy.
pub async fn export_api(
    db: &PgPool,
    ctx: &ImportContext,
    api_id: &RestApiId,
    opts: &ExportOptions,
) -> Result<String, OpenApiError> {
    let _ = ctx;
    let (snapshot, validators) = apis::store::working_copy(db, api_id).await?;
    export_snapshot(&snapshot, &validators, None, opts)
}

/// Exports what a stage serves (its deployment's snapshot). Request validators are not part
/// of snapshots; the API's current ones are exported with it.
pub async fn export_stage(
    db: &PgPool,
    ctx: &ImportContext,
    api_id: &RestApiId,
    stage: &StageName,
    opts: &ExportOptions,
) -> Result<String, OpenApiError> {
    let _ = ctx;
    let (_, snapshot) = apis::store::stage_snapshot(db, api_id, stage).await?;
    let validators = apis::store::request_validators(db, api_id).await?;
    export_snapshot(&snapshot, &validators, Some(stage), opts)
}

/// The `Content-Type` of an export.
pub fn content_type(opts: &ExportOptions) -> &'static str {
    match opts.format {
        Format::Json => "application/json",
        Format::Yaml => "application/yaml",
    }
}

/// The download's file name: `{api}-{stage}-swagger.json`, `{api}-oas30.yaml`...
pub fn file_name(api_name: &str, stage: Option<&StageName>, opts: &ExportOptions) -> String {
    let clean = |s: &str| -> String {
        let s: String = s
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '-'
                }
            })
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

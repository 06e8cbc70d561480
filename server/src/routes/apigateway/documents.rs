//! ImportRestApi, PutRestApi and GetExport: Swagger 2.0 / OpenAPI 3.0 documents through the
//! `openapi` crate (the same import and export as the console's pages).

use openapi::{ExportOptions, Extensions, Format, ImportContext, ImportMode, OpenApiError, Spec};

use super::Call;
use super::wire::{self, AwsError, Outcome, Reply, ReplyBody};

fn context(call: &Call) -> ImportContext {
    let identity = &call.state.identity;
    ImportContext {
        account_id: identity.account_id().to_owned(),
        region: identity.region().to_owned(),
    }
}

fn to_aws(e: OpenApiError) -> AwsError {
    match e {
        OpenApiError::Apis(e) => e.into(),
        other => AwsError::bad_request(other.to_string()),
    }
}

fn document(call: &Call) -> Result<&str, AwsError> {
    std::str::from_utf8(&call.body)
        .map_err(|_| AwsError::bad_request("The document is not UTF-8 text (JSON or YAML)"))
}

/// `failonwarnings=true`: refuse (and write nothing) when the import would warn, as AWS does.
async fn refuse_warnings(
    call: &Call,
    api_id: Option<&apis::RestApiId>,
    mode: ImportMode,
) -> Result<(), AwsError> {
    if !call
        .query("failonwarnings")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    {
        return Ok(());
    }
    let preview = openapi::preview_import(call.db(), &context(call), api_id, mode, document(call)?)
        .await
        .map_err(to_aws)?;
    if preview.warnings.is_empty() {
        Ok(())
    } else {
        Err(AwsError::bad_request(format!(
            "Warnings found during import:\n\t{}",
            preview.warnings.join("\n\t")
        )))
    }
}

async fn imported(
    call: &Call,
    api_id: &apis::RestApiId,
    warnings: Vec<String>,
) -> Result<serde_json::Value, AwsError> {
    let api = apis::store::get_rest_api(call.db(), api_id).await?;
    let mut body = wire::rest_api(&api);
    if !warnings.is_empty() {
        body["warnings"] = serde_json::json!(warnings);
    }
    Ok(body)
}

/// `POST /restapis?mode=import`: a new API from the document (201).
pub(super) async fn import(call: &Call) -> Outcome {
    refuse_warnings(call, None, ImportMode::New).await?;
    let done = openapi::import(
        call.db(),
        &context(call),
        None,
        ImportMode::New,
        document(call)?,
    )
    .await
    .map_err(to_aws)?;
    tracing::info!(api.id = %done.api_id, "API imported through the management API");
    Ok(Reply::created(
        imported(call, &done.api_id, done.preview.warnings).await?,
    ))
}

/// `PUT /restapis/{id}?mode=merge|overwrite` (merge when absent, as on AWS).
pub(super) async fn put(call: &Call) -> Outcome {
    let mode = match call.query("mode") {
        None | Some("merge") => ImportMode::Merge,
        Some("overwrite") => ImportMode::Overwrite,
        Some(other) => {
            return Err(AwsError::bad_request(format!(
                "Invalid mode '{other}': must be merge or overwrite"
            )));
        }
    };
    let api_id = call.api_id();
    apis::store::get_rest_api(call.db(), api_id).await?;
    refuse_warnings(call, Some(api_id), mode).await?;
    let done = openapi::import(
        call.db(),
        &context(call),
        Some(api_id),
        mode,
        document(call)?,
    )
    .await
    .map_err(to_aws)?;
    Ok(Reply::ok(
        imported(call, &done.api_id, done.preview.warnings).await?,
    ))
}

/// `GET /restapis/{id}/stages/{stage}/exports/{swagger|oas30}`, JSON or YAML by `Accept`,
/// `extensions=integrations|apigateway|authorizers` (comma-separated).
pub(super) async fn export(call: &Call) -> Outcome {
    let spec = match call.param("export_type") {
        "swagger" => Spec::Swagger2,
        "oas30" => Spec::OpenApi3,
        other => {
            return Err(AwsError::bad_request(format!(
                "Invalid export type '{other}': must be swagger or oas30"
            )));
        }
    };
    let accept = call
        .headers
        .get("accept")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json");
    let format = if accept.contains("yaml") {
        Format::Yaml
    } else if accept.contains("json") || accept.contains("*/*") {
        Format::Json
    } else {
        return Err(AwsError::bad_request(format!(
            "Invalid Accept '{accept}': must be application/json or application/yaml"
        )));
    };
    let extensions = call.query_all("extensions");
    let integrations = extensions
        .iter()
        .any(|e| *e == "integrations" || *e == "apigateway");
    let authorizers = extensions.contains(&"authorizers");
    let options = ExportOptions {
        spec,
        format,
        extensions: match (integrations, authorizers) {
            (true, true) => Extensions::Both,
            (true, false) => Extensions::Integrations,
            (false, true) => Extensions::Authorizers,
            (false, false) => Extensions::None,
        },
    };
    let (api_id, stage) = (call.api_id(), call.stage_name());
    let text = openapi::export_stage(call.db(), &context(call), api_id, stage, &options)
        .await
        .map_err(to_aws)?;
    let api = apis::store::get_rest_api(call.db(), api_id).await?;
    Ok(Reply {
        status: 200,
        body: ReplyBody::Document {
            content_type: openapi::content_type(&options).to_owned(),
            disposition: format!(
                "attachment; filename=\"{}\"",
                openapi::file_name(&api.name, Some(stage), &options).replace('"', "")
            ),
            text,
        },
    })
}

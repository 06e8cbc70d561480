//! CreateRestApi, GetRestApis, GetRestApi, UpdateRestApi, DeleteRestApi.

use serde::Deserialize;

use super::Call;
use super::wire::{self, AwsError, Outcome, Reply};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateRestApi {
    name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    clone_from: Option<String>,
}

pub(super) async fn create(call: &Call) -> Outcome {
    let input: CreateRestApi = call.json()?;
    let Some(name) = input.name else {
        return Err(AwsError::bad_request(
            "Invalid request body: 'name' is required",
        ));
    };
    if input.clone_from.is_some() {
        return Err(AwsError::bad_request(
            "cloneFrom is not supported by Gatehouse: export the API and import it instead",
        ));
    }
    let api =
        apis::store::create_rest_api(call.db(), &name, input.description.as_deref().unwrap_or(""))
            .await?;
    tracing::info!(api.id = %api.id, "REST API created through the management API");
    Ok(Reply::created(wire::rest_api(&api)))
}

pub(super) async fn list(call: &Call) -> Outcome {
    let apis = apis::store::list_rest_apis(call.db()).await?;
    let items = apis.iter().map(wire::rest_api).collect();
    Ok(Reply::ok(wire::page(
        items,
        call.query("limit"),
        call.query("position"),
    )?))
}

pub(super) async fn get(call: &Call) -> Outcome {
    let api = apis::store::get_rest_api(call.db(), call.api_id()).await?;
    Ok(Reply::ok(wire::rest_api(&api)))
}

/// Patch paths: `/name` (replace), `/description` (replace, add, remove).
pub(super) async fn update(call: &Call) -> Outcome {
    let patches = wire::patch_operations(&call.body)?;
    let api = apis::store::get_rest_api(call.db(), call.api_id()).await?;
    let (mut name, mut description) = (api.name.clone(), api.description.clone());
    for p in &patches {
        match p.path.as_str() {
            "/name" if p.is("replace") => name = p.value()?.to_owned(),
            "/name" => return Err(p.bad_op(&["replace"])),
            "/description" if p.is("replace") || p.is("add") => description = p.value()?.to_owned(),
            "/description" if p.is("remove") => description.clear(),
            "/description" => return Err(p.bad_op(&["add", "remove", "replace"])),
            _ => return Err(p.bad_path(&["/name", "/description"])),
        }
    }
    let api = apis::store::update_rest_api(call.db(), call.api_id(), &name, &description).await?;
    Ok(Reply::ok(wire::rest_api(&api)))
}

pub(super) async fn delete(call: &Call) -> Outcome {
    apis::store::delete_rest_api(call.db(), call.api_id()).await?;
    call.gateway_caught_up().await;
    tracing::info!(api.id = %call.api_id(), "REST API deleted through the management API");
    Ok(Reply::accepted())
}

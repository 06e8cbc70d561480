//! GetResources, GetResource, CreateResource, DeleteResource.

use serde::Deserialize;

use super::Call;
use super::wire::{self, AwsError, Outcome, Reply};

/// `embed=methods` asks for the methods in full (otherwise they are listed as `{}`).
fn embeds_methods(call: &Call) -> bool {
    call.query_all("embed").contains(&"methods")
}

pub(super) async fn list(call: &Call) -> Outcome {
    let embed = embeds_methods(call);
    let resources = apis::store::list_resources(call.db(), call.api_id()).await?;
    let items = resources.iter().map(|r| wire::resource(r, embed)).collect();
    Ok(Reply::ok(wire::page(
        items,
        call.query("limit"),
        call.query("position"),
    )?))
}

pub(super) async fn get(call: &Call) -> Outcome {
    let resource = apis::store::get_resource(call.db(), call.api_id(), call.resource_id()).await?;
    Ok(Reply::ok(wire::resource(&resource, embeds_methods(call))))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateResource {
    path_part: Option<String>,
}

pub(super) async fn create(call: &Call) -> Outcome {
    let input: CreateResource = call.json()?;
    let Some(path_part) = input.path_part else {
        return Err(AwsError::bad_request(
            "Invalid request body: 'pathPart' is required",
        ));
    };
    let resource = apis::store::create_resource(
        call.db(),
        call.api_id(),
        &apis::ResourceId::new(call.param("parent_id")),
        &path_part,
    )
    .await?;
    Ok(Reply::created(wire::resource(&resource, false)))
}

pub(super) async fn delete(call: &Call) -> Outcome {
    apis::store::delete_resource(call.db(), call.api_id(), call.resource_id()).await?;
    Ok(Reply::accepted())
}

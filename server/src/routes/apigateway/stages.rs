//! CreateStage, GetStages, GetStage, UpdateStage, DeleteStage.

use std::collections::BTreeMap;

use apis::{DeploymentId, StageName, StageSettings};
use serde::Deserialize;
use serde_json::json;

use super::Call;
use super::wire::{self, AwsError, Outcome, Reply};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateStage {
    stage_name: Option<StageName>,
    deployment_id: Option<DeploymentId>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    variables: BTreeMap<String, String>,
}

pub(super) async fn create(call: &Call) -> Outcome {
    let input: CreateStage = call.json()?;
    let (Some(stage_name), Some(deployment_id)) = (input.stage_name, input.deployment_id) else {
        return Err(AwsError::bad_request(
            "Invalid request body: 'stageName' and 'deploymentId' are required",
        ));
    };
    let settings = StageSettings {
        stage_name,
        deployment_id,
        description: input.description.unwrap_or_default(),
        variables: input.variables,
    };
    let stage = apis::store::create_stage(call.db(), call.api_id(), &settings).await?;
    call.gateway_caught_up().await;
    Ok(Reply::created(wire::stage(&stage)))
}

/// Not paginated on AWS either; `deploymentId` filters.
pub(super) async fn list(call: &Call) -> Outcome {
    let stages = apis::store::list_stages(call.db(), call.api_id()).await?;
    let deployment = call.query("deploymentId");
    let items: Vec<_> = stages
        .iter()
        .filter(|s| deployment.is_none_or(|d| s.deployment_id == d))
        .map(wire::stage)
        .collect();
    Ok(Reply::ok(json!({ "item": items })))
}

pub(super) async fn get(call: &Call) -> Outcome {
    let stage = apis::store::get_stage(call.db(), call.api_id(), call.stage_name()).await?;
    Ok(Reply::ok(wire::stage(&stage)))
}

const STAGE_PATHS: &[&str] = &["/description", "/deploymentId", "/variables/{name}"];

/// Patch paths: `/description`, `/deploymentId` (replace), `/variables/{name}` (add,
/// replace, remove). Every operation is checked before anything is written.
pub(super) async fn update(call: &Call) -> Outcome {
    let patches = wire::patch_operations(&call.body)?;
    let name = call.stage_name();
    let current = apis::store::get_stage(call.db(), call.api_id(), name).await?;
    let mut description = current.description.clone();
    let mut variables = current.variables.clone();
    let mut deployment = None;
    for p in &patches {
        let segments = p.segments();
        match segments.iter().map(String::as_str).collect::<Vec<_>>()[..] {
            ["description"] if p.is("replace") || p.is("add") => {
                description = p.value()?.to_owned()
            }
            ["description"] if p.is("remove") => description.clear(),
            ["deploymentId"] if p.is("replace") => deployment = Some(DeploymentId::new(p.value()?)),
            ["variables", var] if p.is("replace") || p.is("add") => {
                variables.insert(var.to_owned(), p.value()?.to_owned());
            }
            ["variables", var] if p.is("remove") => {
                variables.remove(var);
            }
            ["description"] | ["variables", _] => {
                return Err(p.bad_op(&["add", "remove", "replace"]));
            }
            ["deploymentId"] => return Err(p.bad_op(&["replace"])),
            _ => return Err(p.bad_path(STAGE_PATHS)),
        }
    }
    let mut stage = current.clone();
    if let Some(deployment_id) = deployment.filter(|d| *d != current.deployment_id) {
        stage = apis::store::point_stage(call.db(), call.api_id(), name, &deployment_id).await?;
    }
    if description != current.description || variables != current.variables {
        stage = apis::store::update_stage(call.db(), call.api_id(), name, &description, &variables)
            .await?;
    }
    if stage != current {
        call.gateway_caught_up().await;
    }
    Ok(Reply::ok(wire::stage(&stage)))
}

pub(super) async fn delete(call: &Call) -> Outcome {
    apis::store::delete_stage(call.db(), call.api_id(), call.stage_name()).await?;
    call.gateway_caught_up().await;
    Ok(Reply::accepted())
}

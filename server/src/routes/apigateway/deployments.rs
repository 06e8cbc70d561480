//! CreateDeployment, GetDeployments, GetDeployment, DeleteDeployment.

use std::collections::BTreeMap;

use apis::StageName;
use serde::Deserialize;

use super::Call;
use super::wire::{self, Outcome, Reply};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateDeployment {
    #[serde(default)]
    stage_name: Option<StageName>,
    #[serde(default)]
    stage_description: Option<String>,
    #[serde(default)]
    description: Option<String>,
    /// Stage variables set on `stageName` (added to the ones it has).
    #[serde(default)]
    variables: BTreeMap<String, String>,
}

pub(super) async fn create(call: &Call) -> Outcome {
    let input: CreateDeployment = call.json()?;
    let stage_name = input.stage_name.filter(|s| !s.is_empty());
    let snapshot = apis::store::create_deployment(
        call.db(),
        call.api_id(),
        input.description.as_deref().unwrap_or(""),
        stage_name.as_ref(),
        input.stage_description.as_deref(),
    )
    .await?;
    if let Some(stage) = stage_name.as_ref()
        && !input.variables.is_empty()
    {
        let current = apis::store::get_stage(call.db(), call.api_id(), stage).await?;
        let mut variables = current.variables;
        variables.extend(input.variables);
        apis::store::update_stage(
            call.db(),
            call.api_id(),
            stage,
            &current.description,
            &variables,
        )
        .await?;
    }
    tracing::info!(api.id = %call.api_id(), deployment.id = %snapshot.deployment_id,
        stage = stage_name.as_deref().unwrap_or(""), "deployed through the management API");
    if stage_name.is_some() {
        call.gateway_caught_up().await;
    }
    Ok(Reply::created(wire::deployment_of(&snapshot)))
}

pub(super) async fn list(call: &Call) -> Outcome {
    let deployments = apis::store::list_deployments(call.db(), call.api_id()).await?;
    let items = deployments.iter().map(wire::deployment).collect();
    Ok(Reply::ok(wire::page(
        items,
        call.query("limit"),
        call.query("position"),
    )?))
}

pub(super) async fn get(call: &Call) -> Outcome {
    let snapshot =
        apis::store::get_deployment_snapshot(call.db(), call.api_id(), call.deployment_id())
            .await?;
    let mut body = wire::deployment_of(&snapshot);
    if call.query_all("embed").contains(&"apisummary") {
        body["apiSummary"] = wire::api_summary(&snapshot);
    }
    Ok(Reply::ok(body))
}

pub(super) async fn delete(call: &Call) -> Outcome {
    apis::store::delete_deployment(call.db(), call.api_id(), call.deployment_id()).await?;
    Ok(Reply::accepted())
}

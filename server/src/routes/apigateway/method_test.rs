//! TestInvokeMethod: runs one request against the API's working copy (as AWS's Test does, no
//! deployment needed) with the gateway's own pipeline, and returns the response and the
//! execution log.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Deserialize;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::macros::format_description;

use super::Call;
use super::wire::{AwsError, Outcome, Reply};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TestInvokeMethod {
    #[serde(default)]
    path_with_query_string: Option<String>,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    #[serde(default)]
    multi_value_headers: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    stage_variables: BTreeMap<String, String>,
}

pub(super) async fn test_invoke(call: &Call) -> Outcome {
    let verb = call.http_method()?;
    let input: TestInvokeMethod = call.json()?;
    // The method must exist (NotFound otherwise), as on AWS.
    let resource = apis::store::get_resource(call.db(), call.api_id(), call.resource_id()).await?;
    apis::store::get_method(call.db(), call.api_id(), call.resource_id(), verb).await?;
    let (snapshot, _) = apis::store::working_copy(call.db(), call.api_id()).await?;

    let target = input
        .path_with_query_string
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| resource.path.clone());
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let mut headers: Vec<(String, String)> = input.headers.into_iter().collect();
    for (name, values) in input.multi_value_headers {
        if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(&name)) {
            headers.extend(values.into_iter().map(|v| (name.clone(), v)));
        }
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default();
    let run = gateway::test_invoke(
        snapshot,
        input.stage_variables,
        gateway::TestRequest {
            method: verb,
            path: path.to_owned(),
            query: query.to_owned(),
            headers,
            body: input.body.unwrap_or_default(),
        },
        call.state.keys.as_ref(),
        now,
    )
    .await
    .map_err(|e| AwsError::bad_request(format!("Invalid test request: {}", e.message)))?;

    let stamp = OffsetDateTime::now_utc()
        .format(format_description!(
            "[weekday repr:short] [month repr:short] [day] [hour]:[minute]:[second] UTC [year]"
        ))
        .unwrap_or_default();
    let mut log = format!("Execution log for request {}\n", run.summary.request_id);
    for line in &run.log.lines {
        log.push_str(&format!("{stamp} : {}\n", line.text));
    }
    let mut single = Map::new();
    let mut multi: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, value) in &run.response.headers {
        single.insert(name.clone(), Value::String(value.clone()));
        multi.entry(name.clone()).or_default().push(value.clone());
    }
    tracing::info!(api.id = %call.api_id(), method = %verb, path = %resource.path,
        status = run.response.status, "TestInvokeMethod");
    Ok(Reply::ok(json!({
        "status": run.response.status,
        "body": run.response.body,
        "headers": single,
        "multiValueHeaders": multi,
        "log": log,
        "latency": run.log.latency.as_millis() as u64,
    })))
}

//! PutIntegration, GetIntegration, UpdateIntegration, DeleteIntegration, and the integration
//! responses.

use std::collections::BTreeMap;

use apis::{
    Entity, HttpMethod, IntegrationResponseSettings, IntegrationSettings, IntegrationType,
    PassthroughBehavior,
};
use serde::Deserialize;
use serde_json::json;

use super::Call;
use super::wire::{self, AwsError, Outcome, Reply};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PutIntegration {
    #[serde(rename = "type")]
    kind: Option<String>,
    /// The integration's own verb (`integrationHttpMethod` in the SDKs).
    #[serde(default)]
    http_method: Option<String>,
    #[serde(default)]
    uri: Option<String>,
    #[serde(default)]
    request_parameters: BTreeMap<String, String>,
    /// A `null` template stands for an empty one, as on AWS.
    #[serde(default)]
    request_templates: BTreeMap<String, Option<String>>,
    #[serde(default)]
    passthrough_behavior: Option<String>,
    #[serde(default)]
    timeout_in_millis: Option<i32>,
}

fn templates(raw: BTreeMap<String, Option<String>>) -> BTreeMap<String, String> {
    raw.into_iter()
        .map(|(k, v)| (k, v.unwrap_or_default()))
        .collect()
}

pub(super) async fn put(call: &Call) -> Outcome {
    let verb = call.http_method()?;
    let input: PutIntegration = call.json()?;
    let Some(kind) = input.kind else {
        return Err(AwsError::bad_request(
            "Invalid request body: 'type' is required",
        ));
    };
    let settings = IntegrationSettings {
        kind: IntegrationType::parse(&kind)?,
        http_method: input
            .http_method
            .filter(|m| !m.is_empty())
            .map(|m| HttpMethod::parse(&m.to_ascii_uppercase()))
            .transpose()?,
        uri: input.uri.filter(|u| !u.is_empty()),
        request_parameters: input.request_parameters,
        request_templates: templates(input.request_templates),
        passthrough_behavior: input
            .passthrough_behavior
            .map(|p| PassthroughBehavior::parse(&p))
            .transpose()?,
        timeout_in_millis: input.timeout_in_millis,
    };
    let integration = apis::store::put_integration(
        call.db(),
        call.api_id(),
        call.resource_id(),
        verb,
        &settings,
    )
    .await?;
    Ok(Reply::created(wire::integration(
        &integration,
        call.resource_id(),
    )))
}

pub(super) async fn get(call: &Call) -> Outcome {
    let verb = call.http_method()?;
    let integration =
        apis::store::get_integration(call.db(), call.api_id(), call.resource_id(), verb).await?;
    Ok(Reply::ok(wire::integration(
        &integration,
        call.resource_id(),
    )))
}

const INTEGRATION_PATHS: &[&str] = &[
    "/type",
    "/httpMethod",
    "/uri",
    "/passthroughBehavior",
    "/timeoutInMillis",
    "/requestTemplates/{contentType}",
    "/requestParameters/{name}",
];

pub(super) async fn update(call: &Call) -> Outcome {
    let verb = call.http_method()?;
    let patches = wire::patch_operations(&call.body)?;
    let current =
        apis::store::get_integration(call.db(), call.api_id(), call.resource_id(), verb).await?;
    let mut s = IntegrationSettings {
        kind: current.kind,
        http_method: current.http_method,
        uri: current.uri.clone(),
        request_parameters: current.request_parameters.clone(),
        request_templates: current.request_templates.clone(),
        passthrough_behavior: Some(current.passthrough_behavior),
        timeout_in_millis: Some(current.timeout_in_millis),
    };
    for p in &patches {
        let segments = p.segments();
        let set = p.is("replace") || p.is("add");
        match segments.iter().map(String::as_str).collect::<Vec<_>>()[..] {
            ["type"] if p.is("replace") => s.kind = IntegrationType::parse(p.value()?)?,
            ["httpMethod"] if p.is("replace") => {
                s.http_method = Some(HttpMethod::parse(&p.value()?.to_ascii_uppercase())?)
            }
            ["uri"] if p.is("replace") => {
                s.uri = Some(p.value()?.to_owned()).filter(|u| !u.is_empty())
            }
            ["passthroughBehavior"] if p.is("replace") => {
                s.passthrough_behavior = Some(PassthroughBehavior::parse(p.value()?)?)
            }
            ["timeoutInMillis"] if p.is("replace") => s.timeout_in_millis = Some(p.int_value()?),
            ["requestTemplates", ct] if set => {
                s.request_templates
                    .insert(ct.to_owned(), p.value.clone().unwrap_or_default());
            }
            ["requestTemplates", ct] if p.is("remove") => {
                s.request_templates.remove(ct);
            }
            ["requestParameters", name] if set => {
                s.request_parameters
                    .insert(name.to_owned(), p.value()?.to_owned());
            }
            ["requestParameters", name] if p.is("remove") => {
                s.request_parameters.remove(name);
            }
            ["type" | "httpMethod" | "uri" | "passthroughBehavior" | "timeoutInMillis"] => {
                return Err(p.bad_op(&["replace"]));
            }
            ["requestTemplates" | "requestParameters", _] => {
                return Err(p.bad_op(&["add", "remove", "replace"]));
            }
            _ => return Err(p.bad_path(INTEGRATION_PATHS)),
        }
    }
    let integration = apis::store::update_integration(
        call.db(),
        call.api_id(),
        call.resource_id(),
        verb,
        current.version,
        &s,
    )
    .await?;
    Ok(Reply::ok(wire::integration(
        &integration,
        call.resource_id(),
    )))
}

pub(super) async fn delete(call: &Call) -> Outcome {
    let verb = call.http_method()?;
    apis::store::delete_integration(call.db(), call.api_id(), call.resource_id(), verb).await?;
    Ok(Reply::no_content())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PutIntegrationResponse {
    #[serde(default)]
    selection_pattern: Option<String>,
    #[serde(default)]
    response_parameters: BTreeMap<String, String>,
    #[serde(default)]
    response_templates: BTreeMap<String, Option<String>>,
}

pub(super) async fn put_response(call: &Call) -> Outcome {
    let verb = call.http_method()?;
    let input: PutIntegrationResponse = call.json()?;
    let settings = IntegrationResponseSettings {
        selection_pattern: input.selection_pattern.filter(|p| !p.is_empty()),
        response_parameters: input.response_parameters,
        response_templates: templates(input.response_templates),
    };
    let response = apis::store::put_integration_response(
        call.db(),
        call.api_id(),
        call.resource_id(),
        verb,
        call.param("status_code"),
        &settings,
    )
    .await?;
    Ok(Reply::created(json!(response)))
}

pub(super) async fn get_response(call: &Call) -> Outcome {
    let verb = call.http_method()?;
    let integration =
        apis::store::get_integration(call.db(), call.api_id(), call.resource_id(), verb).await?;
    let response = wire::declared_response(
        &integration.integration_responses,
        call.param("status_code"),
        Entity::IntegrationResponse,
    )?;
    Ok(Reply::ok(json!(response)))
}

pub(super) async fn delete_response(call: &Call) -> Outcome {
    let verb = call.http_method()?;
    apis::store::delete_integration_response(
        call.db(),
        call.api_id(),
        call.resource_id(),
        verb,
        call.param("status_code"),
    )
    .await?;
    Ok(Reply::no_content())
}

const INTEGRATION_RESPONSE_PATHS: &[&str] = &[
    "/selectionPattern",
    "/responseParameters/{name}",
    "/responseTemplates/{contentType}",
];

pub(super) async fn update_response(call: &Call) -> Outcome {
    let verb = call.http_method()?;
    let status = call.param("status_code");
    let patches = wire::patch_operations(&call.body)?;
    let integration =
        apis::store::get_integration(call.db(), call.api_id(), call.resource_id(), verb).await?;
    let current = wire::declared_response(
        &integration.integration_responses,
        status,
        Entity::IntegrationResponse,
    )?;
    let mut s = IntegrationResponseSettings {
        selection_pattern: current.selection_pattern.clone(),
        response_parameters: current.response_parameters.clone(),
        response_templates: current.response_templates.clone(),
    };
    for p in &patches {
        let segments = p.segments();
        let set = p.is("add") || p.is("replace");
        match segments.iter().map(String::as_str).collect::<Vec<_>>()[..] {
            ["selectionPattern"] if set => {
                s.selection_pattern = Some(p.value()?.to_owned()).filter(|v| !v.is_empty())
            }
            ["selectionPattern"] if p.is("remove") => s.selection_pattern = None,
            ["responseParameters", name] if set => {
                s.response_parameters
                    .insert(name.to_owned(), p.value()?.to_owned());
            }
            ["responseParameters", name] if p.is("remove") => {
                s.response_parameters.remove(name);
            }
            ["responseTemplates", ct] if set => {
                s.response_templates
                    .insert(ct.to_owned(), p.value.clone().unwrap_or_default());
            }
            ["responseTemplates", ct] if p.is("remove") => {
                s.response_templates.remove(ct);
            }
            ["selectionPattern"] | ["responseParameters" | "responseTemplates", _] => {
                return Err(p.bad_op(&["add", "remove", "replace"]));
            }
            _ => return Err(p.bad_path(INTEGRATION_RESPONSE_PATHS)),
        }
    }
    let response = apis::store::put_integration_response(
        call.db(),
        call.api_id(),
        call.resource_id(),
        verb,
        status,
        &s,
    )
    .await?;
    Ok(Reply::ok(json!(response)))
}

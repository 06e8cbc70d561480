//! PutMethod, GetMethod, UpdateMethod, DeleteMethod, and the method responses.

use std::collections::BTreeMap;

use apis::{AuthorizationType, AuthorizerId, Entity, MethodResponseSettings, MethodSettings};
use serde::Deserialize;
use serde_json::json;

use super::Call;
use super::wire::{self, AwsError, Outcome, Reply};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PutMethod {
    authorization_type: Option<String>,
    #[serde(default)]
    authorizer_id: Option<AuthorizerId>,
    #[serde(default)]
    api_key_required: bool,
    #[serde(default)]
    request_parameters: BTreeMap<String, bool>,
    #[serde(default)]
    authorization_scopes: Vec<String>,
}

pub(super) async fn put(call: &Call) -> Outcome {
    let verb = call.http_method()?;
    let input: PutMethod = call.json()?;
    let Some(authorization_type) = input.authorization_type else {
        return Err(AwsError::bad_request(
            "Invalid request body: 'authorizationType' is required",
        ));
    };
    let settings = MethodSettings {
        authorization_type: AuthorizationType::parse(&authorization_type)?,
        authorizer_id: input.authorizer_id.filter(|a| !a.is_empty()),
        authorization_scopes: input.authorization_scopes,
        api_key_required: input.api_key_required,
        request_parameters: input.request_parameters,
    };
    let method = apis::store::put_method(
        call.db(),
        call.api_id(),
        call.resource_id(),
        verb,
        &settings,
    )
    .await?;
    Ok(Reply::created(wire::method(&method, call.resource_id())))
}

pub(super) async fn get(call: &Call) -> Outcome {
    let verb = call.http_method()?;
    let method =
        apis::store::get_method(call.db(), call.api_id(), call.resource_id(), verb).await?;
    Ok(Reply::ok(wire::method(&method, call.resource_id())))
}

const METHOD_PATHS: &[&str] = &[
    "/authorizationType",
    "/authorizerId",
    "/apiKeyRequired",
    "/authorizationScopes",
    "/requestParameters/{name}",
];

pub(super) async fn update(call: &Call) -> Outcome {
    let verb = call.http_method()?;
    let patches = wire::patch_operations(&call.body)?;
    let method =
        apis::store::get_method(call.db(), call.api_id(), call.resource_id(), verb).await?;
    let mut s = MethodSettings {
        authorization_type: method.authorization_type,
        authorizer_id: method.authorizer_id.clone(),
        authorization_scopes: method.authorization_scopes.clone(),
        api_key_required: method.api_key_required,
        request_parameters: method.request_parameters.clone(),
    };
    for p in &patches {
        let segments = p.segments();
        match segments.iter().map(String::as_str).collect::<Vec<_>>()[..] {
            ["authorizationType"] if p.is("replace") => {
                s.authorization_type = AuthorizationType::parse(p.value()?)?;
                // Only Cognito methods name an authorizer and scopes; switching away drops them,
                // as AWS does, rather than refusing the patch.
                if s.authorization_type != AuthorizationType::CognitoUserPools {
                    s.authorizer_id = None;
                    s.authorization_scopes.clear();
                }
            }
            ["authorizerId"] if p.is("replace") => {
                s.authorizer_id = Some(AuthorizerId::new(p.value()?)).filter(|a| !a.is_empty());
            }
            ["authorizerId"] if p.is("remove") => s.authorizer_id = None,
            ["apiKeyRequired"] if p.is("replace") => s.api_key_required = p.bool_value()?,
            ["authorizationScopes"] if p.is("add") => {
                let scope = p.value()?.to_owned();
                if !s.authorization_scopes.contains(&scope) {
                    s.authorization_scopes.push(scope);
                }
            }
            ["authorizationScopes"] if p.is("remove") => match &p.value {
                Some(scope) => s.authorization_scopes.retain(|x| x != scope),
                None => s.authorization_scopes.clear(),
            },
            ["requestParameters", name] if p.is("add") || p.is("replace") => {
                s.request_parameters
                    .insert(name.to_owned(), p.bool_value()?);
            }
            ["requestParameters", name] if p.is("remove") => {
                s.request_parameters.remove(name);
            }
            ["authorizationType" | "authorizerId" | "apiKeyRequired" | "authorizationScopes"]
            | ["requestParameters", _] => {
                return Err(p.bad_op(&["add", "remove", "replace"]));
            }
            _ => return Err(p.bad_path(METHOD_PATHS)),
        }
    }
    let method = apis::store::update_method(
        call.db(),
        call.api_id(),
        call.resource_id(),
        verb,
        method.version,
        &s,
    )
    .await?;
    Ok(Reply::ok(wire::method(&method, call.resource_id())))
}

pub(super) async fn delete(call: &Call) -> Outcome {
    let verb = call.http_method()?;
    apis::store::delete_method(call.db(), call.api_id(), call.resource_id(), verb).await?;
    Ok(Reply::no_content())
}

pub(super) async fn put_response(call: &Call) -> Outcome {
    let verb = call.http_method()?;
    let settings: MethodResponseSettings = call.json()?;
    let response = apis::store::put_method_response(
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
    let method =
        apis::store::get_method(call.db(), call.api_id(), call.resource_id(), verb).await?;
    let response = wire::declared_response(
        &method.method_responses,
        call.param("status_code"),
        Entity::MethodResponse,
    )?;
    Ok(Reply::ok(json!(response)))
}

pub(super) async fn delete_response(call: &Call) -> Outcome {
    let verb = call.http_method()?;
    apis::store::delete_method_response(
        call.db(),
        call.api_id(),
        call.resource_id(),
        verb,
        call.param("status_code"),
    )
    .await?;
    Ok(Reply::no_content())
}

const METHOD_RESPONSE_PATHS: &[&str] = &[
    "/responseParameters/{name}",
    "/responseModels/{contentType}",
];

/// Patch paths: `/responseParameters/{name}` (value `true`/`false`),
/// `/responseModels/{contentType}`. Answers 201, as botocore's model says.
pub(super) async fn update_response(call: &Call) -> Outcome {
    let verb = call.http_method()?;
    let status = call.param("status_code");
    let patches = wire::patch_operations(&call.body)?;
    let method =
        apis::store::get_method(call.db(), call.api_id(), call.resource_id(), verb).await?;
    let current =
        wire::declared_response(&method.method_responses, status, Entity::MethodResponse)?;
    let mut s = MethodResponseSettings {
        response_parameters: current.response_parameters.clone(),
        response_models: current.response_models.clone(),
    };
    for p in &patches {
        let segments = p.segments();
        let set = p.is("add") || p.is("replace");
        match segments.iter().map(String::as_str).collect::<Vec<_>>()[..] {
            ["responseParameters", name] if set => {
                s.response_parameters
                    .insert(name.to_owned(), p.bool_value()?);
            }
            ["responseParameters", name] if p.is("remove") => {
                s.response_parameters.remove(name);
            }
            ["responseModels", ct] if set => {
                s.response_models
                    .insert(ct.to_owned(), p.value()?.to_owned());
            }
            ["responseModels", ct] if p.is("remove") => {
                s.response_models.remove(ct);
            }
            ["responseParameters" | "responseModels", _] => {
                return Err(p.bad_op(&["add", "remove", "replace"]));
            }
            _ => return Err(p.bad_path(METHOD_RESPONSE_PATHS)),
        }
    }
    let response = apis::store::put_method_response(
        call.db(),
        call.api_id(),
        call.resource_id(),
        verb,
        status,
        &s,
    )
    .await?;
    Ok(Reply::created(json!(response)))
}

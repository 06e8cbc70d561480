//! CreateAuthorizer, GetAuthorizers, GetAuthorizer, UpdateAuthorizer, DeleteAuthorizer and
//! TestInvokeAuthorizer (the same `apis::authorize` as the gateway and the console's Test).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Instant;

use apis::authorizer::{Decision, identity_value};
use apis::keys::{KeyOrigin, token_kid};
use apis::{AuthorizerSettings, AuthorizerType};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::macros::format_description;

use super::Call;
use super::wire::{self, AwsError, Outcome, Reply};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateAuthorizer {
    name: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(default, rename = "providerARNs")]
    provider_arns: Vec<String>,
    #[serde(default)]
    identity_source: Option<String>,
    #[serde(default)]
    identity_validation_expression: Option<String>,
    #[serde(default)]
    authorizer_result_ttl_in_seconds: Option<i32>,
}

pub(super) async fn create(call: &Call) -> Outcome {
    let input: CreateAuthorizer = call.json()?;
    let (Some(name), Some(kind)) = (input.name, input.kind) else {
        return Err(AwsError::bad_request(
            "Invalid request body: 'name' and 'type' are required",
        ));
    };
    if kind == "TOKEN" || kind == "REQUEST" {
        return Err(AwsError::bad_request(format!(
            "Authorizers of type {kind} (Lambda) are not supported by Gatehouse: \
             only COGNITO_USER_POOLS"
        )));
    }
    AuthorizerType::parse(&kind)?;
    let settings = AuthorizerSettings {
        name,
        provider_arns: input.provider_arns,
        identity_source: input.identity_source,
        identity_validation_expression: input.identity_validation_expression,
        authorizer_result_ttl_in_seconds: input.authorizer_result_ttl_in_seconds,
    };
    let authorizer = apis::store::create_authorizer(call.db(), call.api_id(), &settings).await?;
    Ok(Reply::created(wire::authorizer(&authorizer)))
}

pub(super) async fn list(call: &Call) -> Outcome {
    let authorizers = apis::store::list_authorizers(call.db(), call.api_id()).await?;
    let items = authorizers.iter().map(wire::authorizer).collect();
    Ok(Reply::ok(wire::page(
        items,
        call.query("limit"),
        call.query("position"),
    )?))
}

pub(super) async fn get(call: &Call) -> Outcome {
    let authorizer =
        apis::store::get_authorizer(call.db(), call.api_id(), call.authorizer_id()).await?;
    Ok(Reply::ok(wire::authorizer(&authorizer)))
}

const AUTHORIZER_PATHS: &[&str] = &[
    "/name",
    "/providerARNs",
    "/identitySource",
    "/identityValidationExpression",
    "/authorizerResultTtlInSeconds",
];

pub(super) async fn update(call: &Call) -> Outcome {
    let patches = wire::patch_operations(&call.body)?;
    let id = call.authorizer_id();
    let current = apis::store::get_authorizer(call.db(), call.api_id(), id).await?;
    let mut s = AuthorizerSettings {
        name: current.name.clone(),
        provider_arns: current.provider_arns.clone(),
        identity_source: Some(current.identity_source.clone()),
        identity_validation_expression: current.identity_validation_expression.clone(),
        authorizer_result_ttl_in_seconds: Some(current.authorizer_result_ttl_in_seconds),
    };
    for p in &patches {
        match p.path.as_str() {
            "/name" if p.is("replace") => s.name = p.value()?.to_owned(),
            "/providerARNs" if p.is("add") => {
                let arn = p.value()?.to_owned();
                if !s.provider_arns.contains(&arn) {
                    s.provider_arns.push(arn);
                }
            }
            "/providerARNs" if p.is("remove") => {
                let arn = p.value()?;
                s.provider_arns.retain(|a| a != arn);
            }
            "/identitySource" if p.is("replace") => s.identity_source = Some(p.value()?.to_owned()),
            "/identityValidationExpression" if p.is("replace") || p.is("add") => {
                s.identity_validation_expression = Some(p.value()?.to_owned())
            }
            "/identityValidationExpression" if p.is("remove") => {
                s.identity_validation_expression = None
            }
            "/authorizerResultTtlInSeconds" if p.is("replace") => {
                s.authorizer_result_ttl_in_seconds = Some(p.int_value()?)
            }
            "/providerARNs" => return Err(p.bad_op(&["add", "remove"])),
            "/name" | "/identitySource" | "/authorizerResultTtlInSeconds" => {
                return Err(p.bad_op(&["replace"]));
            }
            "/identityValidationExpression" => {
                return Err(p.bad_op(&["add", "remove", "replace"]));
            }
            _ => return Err(p.bad_path(AUTHORIZER_PATHS)),
        }
    }
    let authorizer =
        apis::store::update_authorizer(call.db(), call.api_id(), id, current.version, &s).await?;
    Ok(Reply::ok(wire::authorizer(&authorizer)))
}

pub(super) async fn delete(call: &Call) -> Outcome {
    apis::store::delete_authorizer(call.db(), call.api_id(), call.authorizer_id()).await?;
    Ok(Reply::accepted())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TestInvokeAuthorizer {
    #[serde(default)]
    headers: BTreeMap<String, String>,
    #[serde(default)]
    multi_value_headers: BTreeMap<String, Vec<String>>,
}

/// Runs the authorizer on the given headers, as the gateway would. `clientStatus` is 0 when
/// the authorizer allows (AWS's convention), otherwise the status the client would get;
/// `log` holds every check in order; `claims` are what the backend would get.
pub(super) async fn test_invoke(call: &Call) -> Outcome {
    let input: TestInvokeAuthorizer = call.json()?;
    let authorizer =
        apis::store::get_authorizer(call.db(), call.api_id(), call.authorizer_id()).await?;
    let mut headers: Vec<(String, String)> = input.headers.into_iter().collect();
    for (name, values) in input.multi_value_headers {
        if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(&name))
            && let Some(first) = values.into_iter().next()
        {
            headers.push((name, first));
        }
    }
    let started = Instant::now();
    let identity = identity_value(&authorizer, &headers).map(str::to_owned);
    let kid = identity.as_deref().and_then(token_kid);
    let keys = call
        .state
        .keys
        .resolve(&authorizer.provider_arns, kid.as_deref())
        .await;
    let now = OffsetDateTime::now_utc();
    let outcome = apis::authorize(&apis::AuthorizerInput {
        authorizer: &authorizer,
        method_scopes: &[],
        headers: &headers,
        pools: &keys.pools,
        now: now.unix_timestamp(),
    });
    let latency = started.elapsed().as_millis() as u64;

    let stamp = now
        .format(format_description!(
            "[weekday repr:short] [month repr:short] [day] [hour]:[minute]:[second] UTC [year]"
        ))
        .unwrap_or_default();
    let mut log = String::from("Execution log for request test-request\n");
    let mut line = |text: &str| {
        let _ = writeln!(log, "{stamp} : {text}");
    };
    line(&format!(
        "Starting authorizer: {} for request: test-request",
        authorizer.id
    ));
    line(&format!(
        "Incoming identity: {}",
        identity
            .as_deref()
            .map_or_else(|| "(none)".to_owned(), mask)
    ));
    for source in &keys.sources {
        let origin = match source.origin {
            KeyOrigin::Embedded => "this Gatehouse's user pool",
            KeyOrigin::Fetched => "fetched",
            KeyOrigin::Cached => "cached",
            KeyOrigin::Unavailable => "unavailable",
        };
        line(&format!(
            "Keys of {}: {origin} ({} keys)",
            source.provider,
            source.kids.len()
        ));
    }
    for warning in &keys.warnings {
        line(&format!("Warning: {warning}"));
    }
    for step in &outcome.trace {
        let verdict = if step.passed { "passed" } else { "FAILED" };
        line(&format!(
            "{} {verdict}: {}",
            step.check.title(),
            step.detail
        ));
    }
    let mut response = json!({ "latency": latency });
    match &outcome.decision {
        Decision::Allow { claims } => {
            line("Authorizer result: Allow");
            let claims: Map<String, Value> = claims
                .iter()
                .map(|(k, v)| {
                    let text = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                    (k.clone(), Value::String(text))
                })
                .collect();
            response["clientStatus"] = json!(0);
            response["claims"] = Value::Object(claims);
        }
        Decision::Deny { status, message } => {
            line(&format!("Authorizer result: Deny ({status} {message})"));
            response["clientStatus"] = json!(status);
        }
    }
    response["log"] = Value::String(log);
    tracing::info!(api.id = %call.api_id(), authorizer.id = %authorizer.id,
        allowed = outcome.is_allowed(), "TestInvokeAuthorizer");
    Ok(Reply::ok(response))
}

/// The identity as AWS logs it: masked but for its last four characters.
fn mask(value: &str) -> String {
    let tail: String = value
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("****{tail}")
}

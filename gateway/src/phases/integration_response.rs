//! Integration response: selects the integration response for the integration's status,
//! renders its template for the `Accept` type, maps response parameters onto the headers the
//! method response declares, and applies the templates' overrides.

use std::borrow::Cow;
use std::sync::Arc;

use bytes::Bytes;
use http::Response;
use http::header::{CONTENT_TYPE, HeaderValue};
use serde_json::Value;

use super::integrate::IntegrationResult;
use super::integration_request::IntegrationRequest;
use crate::context::RequestCtx;
use crate::context::render::plain_text;
use crate::error::{GatewayError, Phase, PhaseResult, ResponseType};
use crate::response::{append_header, mime, response, set_header};
use crate::snapshot::{CompiledIntegrationResponse, Templates};
use crate::trace::Recorder;

/// Chooses the integration response for a selection value (reference §1.5): the first whose
/// pattern matches the whole value, else the default.
pub fn select_integration_response<'r>(
    responses: &'r [CompiledIntegrationResponse],
    selection_value: &str,
) -> Option<&'r CompiledIntegrationResponse> {
    responses
        .iter()
        .find(|r| {
            r.pattern
                .as_ref()
                .is_some_and(|p| p.is_match(selection_value))
        })
        .or_else(|| {
            responses.iter().find(|r| {
                r.response
                    .selection_pattern
                    .as_deref()
                    .is_none_or(str::is_empty)
            })
        })
}

/// Picks the response template for an `Accept` header: exact match on the first type, then
/// `application/json`, then the first template.
pub fn select_response_template<'t>(
    templates: &'t Templates,
    accept: Option<&str>,
) -> Option<&'t (String, Arc<vtl::Template>)> {
    let wanted = accept
        .and_then(|a| a.split(',').next())
        .map(mime)
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| "application/json".to_owned());
    templates
        .iter()
        .find(|(ct, _)| *ct == wanted)
        .or_else(|| templates.iter().find(|(ct, _)| ct == "application/json"))
        .or_else(|| templates.first())
}

/// Turns the integration's result into the method response.
pub(crate) async fn integration_response(
    ctx: &RequestCtx,
    ireq: &IntegrationRequest,
    result: IntegrationResult,
    rec: &mut Recorder<'_>,
) -> PhaseResult<Response<Bytes>> {
    let Some(method) = ctx.method() else {
        return Err(GatewayError::internal(
            Phase::IntegrationResponse,
            ResponseType::Default5xx,
        ));
    };
    let selection = result.status.to_string();
    let Some(chosen) = select_integration_response(&method.responses, &selection) else {
        tracing::error!(
            "{}: No match for output mapping and no default output mapping configured (integration status {selection})",
            ctx.describe()
        );
        rec.line(|| {
            format!(
                "Execution failed: no integration response matches status {selection} and there is no default"
            )
        });
        return Err(GatewayError::configuration(Phase::IntegrationResponse));
    };
    rec.line(|| {
        format!(
            "Integration response selected: {} (selection value {selection})",
            chosen.response.status_code
        )
    });
    let status_code = &chosen.response.status_code;
    let Some(method_response) = method.method.method_responses.get(status_code) else {
        tracing::error!(
            "{}: integration response {status_code} has no method response",
            ctx.describe()
        );
        rec.line(|| {
            format!("Execution failed: integration response {status_code} has no method response")
        });
        return Err(GatewayError::configuration(Phase::IntegrationResponse));
    };
    let mut status: u16 = status_code.parse().unwrap_or(500);
    let mut content_type = "application/json";
    let mut overrides = ireq.overrides.clone();
    let body = match select_response_template(&chosen.templates, ctx.header_value("accept")) {
        Some((ct, template)) if plain_text(template).is_some() => {
            content_type = ct;
            template.source().to_owned()
        }
        Some((ct, template)) => {
            content_type = ct;
            match ctx.render(template, &result.body, overrides).await {
                Ok(rendered) => {
                    overrides = rendered.overrides;
                    rendered.body
                }
                Err(e) => {
                    tracing::error!("{}: response template failed: {e}", ctx.describe());
                    rec.line(|| format!("Execution failed: the response template failed: {e}"));
                    return Err(GatewayError::configuration(Phase::IntegrationResponse));
                }
            }
        }
        None => result.body.clone(),
    };
    if rec.tracing() {
        let body = body.clone();
        rec.line(|| format!("Method response body after transformations: {body}"));
    }
    let mut resp = response(status, body);
    let content_type = if content_type == "application/json" {
        Ok(HeaderValue::from_static("application/json"))
    } else {
        HeaderValue::from_str(content_type)
    };
    if let Ok(value) = content_type {
        resp.headers_mut().insert(CONTENT_TYPE, value);
    }

    // Response parameters, limited to the headers the method response declares.
    for (target, source) in &chosen.response.response_parameters {
        let Some(name) = target.strip_prefix("method.response.header.") else {
            continue;
        };
        let declared = method_response
            .response_parameters
            .keys()
            .any(|k| k.eq_ignore_ascii_case(target));
        if !declared {
            tracing::warn!(
                "{}: response parameter {target} is not declared by method response {status_code}",
                ctx.describe()
            );
            continue;
        }
        if let Some(value) = response_parameter_value(ctx, &result, source) {
            set_header(&mut resp, name, &value);
        }
    }

    // Overrides are final.
    let response_override = &overrides.response;
    if let Some(s) = response_override.status {
        status = s;
        *resp.status_mut() =
            http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    }
    for (name, values) in &response_override.header {
        if let Ok(n) = http::HeaderName::from_bytes(name.as_bytes()) {
            resp.headers_mut().remove(n);
        }
        for v in values {
            append_header(&mut resp, name, v);
        }
    }
    Ok(resp)
}

/// The value of a `responseParameters` source expression.
fn response_parameter_value(
    ctx: &RequestCtx,
    result: &IntegrationResult,
    source: &str,
) -> Option<String> {
    if let Some(s) = source.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
        return Some(s.to_owned());
    }
    if let Some(name) = source.strip_prefix("integration.response.header.") {
        return result
            .headers
            .iter()
            .rev()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone());
    }
    if let Some(name) = source.strip_prefix("integration.response.multivalueheader.") {
        let values: Vec<&str> = result
            .headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect();
        return (!values.is_empty()).then(|| values.join(","));
    }
    if source == "integration.response.body" {
        return Some(result.body.clone());
    }
    if let Some(path) = source.strip_prefix("integration.response.body.") {
        let json: Value = serde_json::from_str(&result.body).ok()?;
        let mut at = &json;
        for part in path.split('.') {
            at = at.get(part)?;
        }
        return Some(match at {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        });
    }
    if let Some(name) = source.strip_prefix("stageVariables.") {
        return ctx.stage.variables.get(name).cloned();
    }
    if let Some(claim) = source.strip_prefix("context.authorizer.claims.") {
        return ctx.claim(claim).map(str::to_owned);
    }
    ctx.context_value(source.strip_prefix("context.")?)
        .map(Cow::into_owned)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::collections::BTreeMap;

    use apis::model::{
        AuthorizationType, HttpMethod, IntegrationResponse, IntegrationType, PassthroughBehavior,
    };

    use super::*;
    use crate::snapshot::compile_method;

    fn templates(types: &[&str]) -> Templates {
        types
            .iter()
            .map(|t| ((*t).to_owned(), Arc::new(vtl::Template::parse(t).unwrap())))
            .collect()
    }

    fn responses(specs: &[(&str, Option<&str>)]) -> Vec<CompiledIntegrationResponse> {
        let integration = apis::model::Integration {
            kind: IntegrationType::Mock,
            http_method: None,
            uri: None,
            request_parameters: BTreeMap::new(),
            request_templates: BTreeMap::new(),
            passthrough_behavior: PassthroughBehavior::WhenNoMatch,
            timeout_in_millis: 29_000,
            integration_responses: specs
                .iter()
                .map(|(status, pattern)| {
                    (
                        (*status).to_owned(),
                        IntegrationResponse {
                            status_code: (*status).to_owned(),
                            selection_pattern: pattern.map(str::to_owned),
                            response_parameters: BTreeMap::new(),
                            response_templates: BTreeMap::new(),
                        },
                    )
                })
                .collect(),
            version: 1,
        };
        let method = apis::model::Method {
            http_method: HttpMethod::Get,
            authorization_type: AuthorizationType::None,
            authorizer_id: None,
            authorization_scopes: Vec::new(),
            api_key_required: false,
            request_parameters: BTreeMap::new(),
            method_responses: BTreeMap::new(),
            method_integration: Some(integration),
            version: 1,
        };
        compile_method(&method).responses
    }

    fn chosen(rs: &[CompiledIntegrationResponse], value: &str) -> Option<String> {
        select_integration_response(rs, value).map(|r| r.response.status_code.clone())
    }

    #[test]
    fn selection_pattern_full_match_and_default() {
        let rs = responses(&[("200", None), ("400", Some(r"4\d{2}"))]);
        assert_eq!(chosen(&rs, "404").as_deref(), Some("400"));
        assert_eq!(chosen(&rs, "201").as_deref(), Some("200"));
        assert_eq!(chosen(&rs, "4041").as_deref(), Some("200"));
    }

    #[test]
    fn selection_pattern_is_a_whole_string_match() {
        let rs = responses(&[("500", Some("Invalid*")), ("200", Some(""))]);
        assert_eq!(chosen(&rs, "Invalid input").as_deref(), Some("200"));
        assert_eq!(chosen(&rs, "Invaliddd").as_deref(), Some("500"));
    }

    #[test]
    fn no_match_and_no_default_is_none() {
        let rs = responses(&[("400", Some(r"4\d{2}"))]);
        assert_eq!(chosen(&rs, "200"), None);
    }

    #[test]
    fn dot_star_acts_as_default() {
        let rs = responses(&[("202", Some(".*"))]);
        assert_eq!(chosen(&rs, "200").as_deref(), Some("202"));
    }

    #[test]
    fn response_template_by_accept() {
        let t = templates(&["application/xml", "text/html"]);
        let pick = |accept| select_response_template(&t, accept).map(|(ct, _)| ct.as_str());
        assert_eq!(pick(Some("text/html")), Some("text/html"));
        assert_eq!(pick(Some("text/plain")), Some("application/xml"));
        assert_eq!(pick(Some("text/html, application/xml")), Some("text/html"));
        let t = templates(&["application/json", "application/xml"]);
        let pick = |accept| select_response_template(&t, accept).map(|(ct, _)| ct.as_str());
        assert_eq!(pick(None), Some("application/json"));
        assert_eq!(pick(Some("image/png")), Some("application/json"));
        assert_eq!(pick(Some("application/xml;q=0.9")), Some("application/xml"));
        assert!(select_response_template(&templates(&[]), None).is_none());
    }
}

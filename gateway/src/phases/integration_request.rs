//! Integration request: the request template for the body's content type (or passthrough,
//! or 415 Unsupported Media Type), rendered into what the integration receives. Proxy
//! integrations take the request as it is.

use std::sync::Arc;

use apis::model::PassthroughBehavior;

use crate::context::render::plain_text;
use crate::context::{RequestCtx, utf8_lossy};
use crate::error::{GatewayError, Phase, PhaseResult, ResponseType};
use crate::response::mime;
use crate::snapshot::Templates;
use crate::trace::Recorder;

/// What the integration receives after the integration-request phase.
#[derive(Debug)]
pub struct IntegrationRequest {
    /// The rendered (or passed-through) body.
    pub body: String,
    /// Overrides assigned by the request template.
    pub overrides: vtl::Overrides,
}

/// What to do with a request body (reference §1.4, passthrough truth table).
#[derive(Debug)]
pub enum TemplateChoice<'t> {
    Transform(&'t Arc<vtl::Template>),
    Passthrough,
    /// 415 Unsupported Media Type.
    Refuse,
}

/// Picks the request template for a content type (only the MIME type counts; none means
/// `application/json`), applying the passthrough behavior when none matches.
pub fn select_request_template<'t>(
    templates: &'t Templates,
    content_type: Option<&str>,
    behavior: PassthroughBehavior,
) -> TemplateChoice<'t> {
    let wanted = content_type
        .map(mime)
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| "application/json".to_owned());
    if let Some((_, t)) = templates.iter().find(|(ct, _)| *ct == wanted) {
        return TemplateChoice::Transform(t);
    }
    match behavior {
        PassthroughBehavior::WhenNoMatch => TemplateChoice::Passthrough,
        PassthroughBehavior::WhenNoTemplates if templates.is_empty() => TemplateChoice::Passthrough,
        _ => TemplateChoice::Refuse,
    }
}

/// Selects and renders the request template.
pub(crate) async fn integration_request(
    ctx: &RequestCtx,
    rec: &mut Recorder<'_>,
) -> PhaseResult<IntegrationRequest> {
    let Some(method) = ctx.method() else {
        return Err(GatewayError::missing_authentication_token(
            Phase::IntegrationRequest,
        ));
    };
    if !method.errors.is_empty() {
        tracing::error!(
            "{}: method configuration errors: {}",
            ctx.describe(),
            method.errors.join("; ")
        );
        rec.line(|| {
            format!(
                "Execution failed due to configuration errors: {}",
                method.errors.join("; ")
            )
        });
        return Err(GatewayError::configuration(Phase::IntegrationRequest));
    }
    let Some(integration) = method.integration() else {
        tracing::error!("{}: no integration defined for method", ctx.describe());
        rec.line(|| "Execution failed: the method has no integration".to_owned());
        return Err(GatewayError::configuration(Phase::IntegrationRequest));
    };
    if integration.kind.is_proxy() {
        // The body goes to the backend as received (`ctx.body`), bytes and all.
        return Ok(IntegrationRequest {
            body: String::new(),
            overrides: vtl::Overrides::default(),
        });
    }
    let raw = utf8_lossy(&ctx.body);
    let template = match select_request_template(
        &method.request_templates,
        ctx.header_value("content-type"),
        integration.passthrough_behavior,
    ) {
        TemplateChoice::Transform(t) => t,
        TemplateChoice::Passthrough => {
            rec.line(|| "No request template matches: the body passes through".to_owned());
            return Ok(IntegrationRequest {
                body: raw.into_owned(),
                overrides: vtl::Overrides::default(),
            });
        }
        TemplateChoice::Refuse => {
            let behavior = integration.passthrough_behavior;
            rec.line(|| {
                format!(
                    "No request template matches the content type and passthrough is {behavior}: 415 Unsupported Media Type"
                )
            });
            return Err(GatewayError::new(
                Phase::IntegrationRequest,
                ResponseType::UnsupportedMediaType,
                415,
                "Unsupported Media Type",
            ));
        }
    };
    if let Some(text) = plain_text(template) {
        return Ok(IntegrationRequest {
            body: text.to_owned(),
            overrides: vtl::Overrides::default(),
        });
    }
    match ctx.render(template, &raw, vtl::Overrides::default()).await {
        Ok(rendered) => Ok(IntegrationRequest {
            body: rendered.body,
            overrides: rendered.overrides,
        }),
        Err(e) => {
            tracing::error!("{}: request template failed: {e}", ctx.describe());
            rec.line(|| format!("Execution failed: the request template failed: {e}"));
            Err(GatewayError::configuration(Phase::IntegrationRequest))
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn templates(types: &[&str]) -> Templates {
        types
            .iter()
            .map(|t| ((*t).to_owned(), Arc::new(vtl::Template::parse(t).unwrap())))
            .collect()
    }

    #[test]
    fn passthrough_truth_table() {
        use PassthroughBehavior::*;
        let json = templates(&["application/json"]);
        let xml = templates(&["application/xml"]);
        let none = templates(&[]);
        let transform = |t: &Templates, ct: Option<&str>, b| {
            matches!(
                select_request_template(t, ct, b),
                TemplateChoice::Transform(_)
            )
        };
        let pass = |t: &Templates, ct: Option<&str>, b| {
            matches!(
                select_request_template(t, ct, b),
                TemplateChoice::Passthrough
            )
        };
        let refuse = |t: &Templates, ct: Option<&str>, b| {
            matches!(select_request_template(t, ct, b), TemplateChoice::Refuse)
        };
        for b in [WhenNoMatch, WhenNoTemplates, Never] {
            assert!(transform(&json, None, b));
            assert!(transform(&json, Some("application/json; charset=UTF-8"), b));
            assert!(transform(&xml, Some("application/xml"), b));
        }
        assert!(pass(&json, Some("application/xml"), WhenNoMatch));
        assert!(refuse(&json, Some("application/xml"), WhenNoTemplates));
        assert!(refuse(&json, Some("application/xml"), Never));
        assert!(pass(&xml, None, WhenNoMatch));
        assert!(refuse(&xml, Some("application/json"), WhenNoTemplates));
        assert!(refuse(&xml, None, Never));
        assert!(pass(&none, Some("text/plain"), WhenNoMatch));
        assert!(pass(&none, Some("text/plain"), WhenNoTemplates));
        assert!(refuse(&none, Some("text/plain"), Never));
    }
}

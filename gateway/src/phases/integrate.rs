//! Integrate: calls the integration. MOCK answers with the request template's `statusCode`;
//! HTTP and HTTP_PROXY send the backend request ([`backend`]) within
//! the integration's timeout. Other integration types cannot run here (500).

pub mod backend;

use apis::model::IntegrationType;
use bytes::Bytes;
use http::Response;

use self::backend::{BuildError, DotSegment, build_request, proxy_response, send};
use super::integration_request::IntegrationRequest;
use crate::context::{RequestCtx, utf8_lossy};
use crate::error::{GatewayError, Phase, PhaseResult, ResponseType};
use crate::snapshot::CompiledMethod;
use crate::trace::{Recorder, TracedRequest, TracedResponse, aws_map, header_pairs};
use crate::upstream::Upstream;

/// What the integration returned.
#[derive(Debug, Clone, Default)]
pub struct IntegrationResult {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// What the integration phase produced.
#[derive(Debug)]
pub enum Integrated {
    /// Goes through the integration-response phase (MOCK, HTTP).
    Mapped(IntegrationResult),
    /// Returned as it is (HTTP_PROXY).
    Proxied(Response<Bytes>),
}

/// Calls the method's integration with the integration request.
pub(crate) async fn integrate(
    ctx: &RequestCtx,
    ireq: &IntegrationRequest,
    client: &Upstream,
    rec: &mut Recorder<'_>,
) -> PhaseResult<Integrated> {
    let Some(integration) = ctx.method().and_then(CompiledMethod::integration) else {
        return Err(GatewayError::internal(
            Phase::Integrate,
            ResponseType::Default5xx,
        ));
    };
    match integration.kind {
        IntegrationType::Mock => match mock_status(&ireq.body) {
            Some(status) => {
                if rec.tracing() {
                    let body = ireq.body.clone();
                    rec.line(|| format!("Endpoint request body after transformations: {body}"));
                    rec.line(|| format!("MOCK integration: status {status}"));
                    rec.log(|l| {
                        l.integration_request = Some(TracedRequest {
                            integration: "MOCK".to_owned(),
                            body,
                            ..TracedRequest::default()
                        });
                        l.integration_response = Some(TracedResponse {
                            status,
                            ..TracedResponse::default()
                        });
                    });
                }
                Ok(Integrated::Mapped(IntegrationResult {
                    status,
                    headers: Vec::new(),
                    body: String::new(),
                }))
            }
            None => {
                let body = ireq.body.clone();
                rec.line(|| {
                    format!(
                        "Execution failed: MOCK integration: Unable to parse statusCode from the request template output: {body}"
                    )
                });
                tracing::error!(
                    "{}: MOCK integration: Unable to parse statusCode from the request template output",
                    ctx.describe()
                );
                Err(GatewayError::configuration(Phase::Integrate))
            }
        },
        IntegrationType::Http | IntegrationType::HttpProxy => {
            let outbound = match build_request(ctx, integration, ireq) {
                Ok(o) => o,
                Err(BuildError::Config(e)) => {
                    tracing::error!("{}: {e}", ctx.describe());
                    rec.line(|| format!("Execution failed due to configuration error: {e}"));
                    return Err(GatewayError::configuration(Phase::Integrate));
                }
                Err(BuildError::DotSegment(DotSegment { name })) => {
                    tracing::info!(
                        "{}: refused: path value {{{name}}} has a . or .. segment",
                        ctx.describe()
                    );
                    rec.line(|| {
                        format!(
                            "Refused: the value of path placeholder {{{name}}} has a . or .. segment (400)"
                        )
                    });
                    return Err(GatewayError::new(
                        Phase::Integrate,
                        ResponseType::BadRequestParameters,
                        400,
                        "Invalid request path parameter",
                    ));
                }
            };
            if rec.tracing() {
                let traced = TracedRequest {
                    integration: integration.kind.to_string(),
                    method: outbound.method.to_string(),
                    uri: outbound.uri.to_string(),
                    headers: header_pairs(&outbound.headers),
                    body: String::from_utf8_lossy(&outbound.body).into_owned(),
                };
                rec.line(|| format!("Endpoint request URI: {} {}", traced.method, traced.uri));
                rec.line(|| format!("Endpoint request headers: {}", aws_map(&traced.headers)));
                rec.line(|| {
                    format!(
                        "Endpoint request body after transformations: {}",
                        traced.body
                    )
                });
                rec.log(|l| l.integration_request = Some(traced));
            }
            let sent = rec.tracing().then(std::time::Instant::now);
            // Boxed: the HTTP client's future is large, and MOCK requests should not carry it.
            let sending = Box::pin(send(client, ctx, &outbound, integration.timeout_in_millis));
            let inbound = match sending.await {
                Ok(i) => i,
                Err(e) => {
                    let status = e.status;
                    rec.line(|| {
                        format!(
                            "Execution failed: the endpoint request failed or timed out ({status})"
                        )
                    });
                    return Err(e);
                }
            };
            if rec.tracing() {
                let traced = TracedResponse {
                    status: inbound.status,
                    headers: header_pairs(&inbound.headers),
                    body: String::from_utf8_lossy(&inbound.body).into_owned(),
                };
                let ms = sent.map_or(0.0, |s| s.elapsed().as_secs_f64() * 1000.0);
                rec.line(|| {
                    format!(
                        "Received response. Status: {}, Integration latency: {ms:.1} ms",
                        traced.status
                    )
                });
                rec.line(|| {
                    format!(
                        "Endpoint response body before transformations: {}",
                        traced.body
                    )
                });
                rec.log(|l| l.integration_response = Some(traced));
            }
            if integration.kind == IntegrationType::Http {
                return Ok(Integrated::Mapped(IntegrationResult {
                    status: inbound.status,
                    headers: header_pairs(&inbound.headers),
                    body: utf8_lossy(&inbound.body).into_owned(),
                }));
            }
            Ok(Integrated::Proxied(proxy_response(inbound)))
        }
        other => {
            tracing::error!(
                "{}: {other} integrations cannot run on this gateway",
                ctx.describe()
            );
            Err(GatewayError::configuration(Phase::Integrate))
        }
    }
}

/// The `statusCode` of a MOCK request template's output, read leniently (`{statusCode: 200}`,
/// `{"statusCode": "200"}` and `{'statusCode': 200}` all work).
pub fn mock_status(body: &str) -> Option<u16> {
    let at = body.find("statusCode")?;
    let rest = body[at + "statusCode".len()..].trim_start_matches(['"', '\'']);
    let rest = rest.trim_start().strip_prefix(':')?.trim_start();
    let rest = rest.trim_start_matches(['"', '\'']);
    let end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mock_status_is_lenient() {
        assert_eq!(mock_status(r#"{"statusCode": 200}"#), Some(200));
        assert_eq!(mock_status("{statusCode: 404}"), Some(404));
        assert_eq!(mock_status(r#"{"statusCode": "201"}"#), Some(201));
        assert_eq!(mock_status("{'statusCode':500}"), Some(500));
        assert_eq!(mock_status(r#"{"statusCode": }"#), None);
        assert_eq!(mock_status("{}"), None);
        assert_eq!(mock_status(""), None);
    }
}

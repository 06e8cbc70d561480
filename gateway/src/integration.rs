//! HTTP and HTTP_PROXY integrations: building the backend request (URI placeholders, stage
//! variables, parameter mappings, overrides) and calling it with `timeoutInMillis`.

use std::time::Duration;

use apis::model::{HttpMethod, Integration, IntegrationType};
use bytes::Bytes;
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use crate::pipeline::{IntegrationRequest, Phase, RequestCtx};
use crate::response::{INTERNAL_SERVER_ERROR, gateway_error, internal_error};

/// Characters escaped in a substituted path value (`/` is kept: `{proxy}` spans segments).
const PATH_VALUE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// Request headers never forwarded (hop-by-hop, or recomputed by the client).
const HOP_BY_HOP: &[&str] = &[
    "host",
    "connection",
    "keep-alive",
    "content-length",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "proxy-authorization",
    "proxy-connection",
];

/// The backend request, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outbound {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    /// Bytes, not text: an HTTP_PROXY passes binary bodies through unchanged.
    pub body: Bytes,
}

/// What the backend answered.
#[derive(Debug, Clone)]
pub struct Inbound {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

/// Replaces `${stageVariables.NAME}` (missing variables become empty).
pub fn substitute_stage_variables(
    uri: &str,
    variables: &std::collections::BTreeMap<String, String>,
) -> String {
    let mut out = String::with_capacity(uri.len());
    let mut rest = uri;
    while let Some(at) = rest.find("${stageVariables.") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "${stageVariables.".len()..];
        match after.find('}') {
            Some(end) => {
                if let Some(v) = variables.get(&after[..end]) {
                    out.push_str(v);
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[at..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Replaces `{name}` / `{name+}` placeholders with URL-encoded values; unknown ones stay.
pub fn substitute_path(uri: &str, lookup: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(uri.len());
    let mut rest = uri;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let name = after[..close].trim_end_matches('+');
        match lookup(name) {
            Some(v) => out.extend(utf8_percent_encode(&v, PATH_VALUE)),
            None => out.push_str(&rest[open..open + close + 2]),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The value of a request-parameter source expression (reference §1.4).
pub fn request_parameter_value(ctx: &RequestCtx, source: &str) -> Option<String> {
    if let Some(s) = source.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
        return Some(s.to_owned());
    }
    let last = |pairs: &[(String, String)], name: &str, ci: bool| {
        pairs
            .iter()
            .rev()
            .find(|(k, _)| {
                if ci {
                    k.eq_ignore_ascii_case(name)
                } else {
                    k == name
                }
            })
            .map(|(_, v)| v.clone())
    };
    let all = |pairs: &[(String, String)], name: &str, ci: bool| {
        let values: Vec<&str> = pairs
            .iter()
            .filter(|(k, _)| {
                if ci {
                    k.eq_ignore_ascii_case(name)
                } else {
                    k == name
                }
            })
            .map(|(_, v)| v.as_str())
            .collect();
        (!values.is_empty()).then(|| values.join(","))
    };
    if let Some(n) = source.strip_prefix("method.request.path.") {
        return last(&ctx.route.params, n, false);
    }
    if let Some(n) = source.strip_prefix("method.request.querystring.") {
        return last(&ctx.query, n, false);
    }
    if let Some(n) = source.strip_prefix("method.request.multivaluequerystring.") {
        return all(&ctx.query, n, false);
    }
    if let Some(n) = source.strip_prefix("method.request.header.") {
        return last(ctx.header_pairs(), n, true);
    }
    if let Some(n) = source.strip_prefix("method.request.multivalueheader.") {
        return all(ctx.header_pairs(), n, true);
    }
    if source == "method.request.body" {
        return Some(String::from_utf8_lossy(&ctx.body).into_owned());
    }
    if let Some(n) = source.strip_prefix("stageVariables.") {
        return ctx.stage.variables.get(n).cloned();
    }
    if let Some(n) = source.strip_prefix("context.authorizer.claims.") {
        return ctx.claim(n).map(str::to_owned);
    }
    ctx.context_value(source.strip_prefix("context.")?)
        .map(std::borrow::Cow::into_owned)
}

fn set(list: &mut Vec<(String, String)>, name: &str, value: String, ci: bool) {
    list.retain(|(k, _)| {
        if ci {
            !k.eq_ignore_ascii_case(name)
        } else {
            k != name
        }
    });
    list.push((name.to_owned(), value));
}

/// Builds the backend request of an HTTP or HTTP_PROXY integration.
pub fn build_request(
    ctx: &RequestCtx,
    integration: &Integration,
    ireq: &IntegrationRequest,
) -> Result<Outbound, String> {
    let proxy = integration.kind == IntegrationType::HttpProxy;
    let uri = integration
        .uri
        .as_deref()
        .ok_or_else(|| "the integration has no uri".to_owned())?;
    let uri = substitute_stage_variables(uri, &ctx.stage.variables);

    let mut path_values: Vec<(String, String)> = Vec::new();
    let mut query: Vec<(String, String)> = if proxy { ctx.query.clone() } else { Vec::new() };
    let mut headers: Vec<(String, String)> = if proxy {
        ctx.header_pairs()
            .iter()
            .filter(|(k, _)| !HOP_BY_HOP.iter().any(|h| k.eq_ignore_ascii_case(h)))
            .cloned()
            .collect()
    } else {
        let mut h = vec![
            ("Accept".to_owned(), "application/json".to_owned()),
            (
                "User-Agent".to_owned(),
                format!("AmazonAPIGateway_{}", ctx.stage.rest_api_id),
            ),
        ];
        if let Some(ct) = ctx.header_value("content-type") {
            h.push(("Content-Type".to_owned(), ct.to_owned()));
        } else if !ireq.body.is_empty() {
            h.push(("Content-Type".to_owned(), "application/json".to_owned()));
        }
        h
    };
    set(
        &mut headers,
        "x-amzn-apigateway-api-id",
        ctx.stage.rest_api_id.clone(),
        true,
    );

    for (target, source) in &integration.request_parameters {
        let Some(value) = request_parameter_value(ctx, source) else {
            continue;
        };
        if let Some(n) = target.strip_prefix("integration.request.path.") {
            set(&mut path_values, n, value, false);
        } else if let Some(n) = target.strip_prefix("integration.request.querystring.") {
            set(&mut query, n, value, false);
        } else if let Some(n) = target.strip_prefix("integration.request.header.") {
            set(&mut headers, n, value, true);
        }
    }
    let overrides = &ireq.overrides.request;
    for (n, v) in &overrides.path {
        set(&mut path_values, n, v.clone(), false);
    }
    for (n, values) in &overrides.querystring {
        query.retain(|(k, _)| k != n);
        query.extend(values.iter().map(|v| (n.clone(), v.clone())));
    }
    for (n, values) in &overrides.header {
        headers.retain(|(k, _)| !k.eq_ignore_ascii_case(n));
        headers.extend(values.iter().map(|v| (n.clone(), v.clone())));
    }

    let mut url = substitute_path(&uri, |name| {
        path_values
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .or_else(|| {
                // Lenient: an unmapped placeholder takes the method's path parameter.
                ctx.route
                    .params
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.clone())
            })
    });
    if !query.is_empty() {
        let encoded = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(query.iter())
            .finish();
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str(&encoded);
    }
    let method = match integration.http_method {
        None | Some(HttpMethod::Any) => ctx.method.to_string(),
        Some(m) => m.to_string(),
    };
    let body = if proxy {
        ctx.body.clone()
    } else {
        Bytes::from(ireq.body.clone())
    };
    Ok(Outbound {
        method,
        url,
        headers,
        body,
    })
}

/// Sends the request within `timeout_in_millis`: 504 `Endpoint request timed out` when it
/// runs out, 500 when the backend cannot be reached.
pub async fn send(
    client: &reqwest::Client,
    ctx: &RequestCtx,
    outbound: Outbound,
    timeout_in_millis: i32,
) -> Phase<Inbound> {
    let timeout = Duration::from_millis(u64::try_from(timeout_in_millis.max(50)).unwrap_or(29_000));
    let method = reqwest::Method::from_bytes(outbound.method.as_bytes())
        .map_err(|_| Box::new(internal_error()))?;
    let mut rb = client
        .request(method, outbound.url.as_str())
        .timeout(timeout);
    for (k, v) in &outbound.headers {
        rb = rb.header(k.as_str(), v.as_str());
    }
    if !outbound.body.is_empty() {
        rb = rb.body(outbound.body);
    }
    let failed = |e: reqwest::Error| {
        if e.is_timeout() {
            tracing::warn!(
                "{}: integration {} timed out after {timeout:?}",
                ctx.describe(),
                outbound.url
            );
            Box::new(gateway_error(
                504,
                "Endpoint request timed out",
                INTERNAL_SERVER_ERROR,
            ))
        } else {
            tracing::error!(
                "{}: Execution failed due to configuration error: {} {e}",
                ctx.describe(),
                outbound.url
            );
            Box::new(internal_error())
        }
    };
    let resp = rb.send().await.map_err(failed)?;
    let status = resp.status().as_u16();
    let headers = resp
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = resp.bytes().await.map_err(failed)?;
    Ok(Inbound {
        status,
        headers,
        body,
    })
}

/// Response headers an HTTP_PROXY never passes back as they are.
pub fn proxy_response_header(name: &str) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    match lower.as_str() {
        "connection" | "keep-alive" | "transfer-encoding" | "content-length" | "upgrade"
        | "trailer" | "te" => None,
        "www-authenticate" => Some("X-Amzn-Remapped-WWW-Authenticate".to_owned()),
        _ => Some(name.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn stage_variables_in_uri() {
        let vars: BTreeMap<String, String> = [("host".to_owned(), "example.com".to_owned())].into();
        assert_eq!(
            substitute_stage_variables(
                "http://${stageVariables.host}/a?q=${stageVariables.q}",
                &vars
            ),
            "http://example.com/a?q="
        );
        assert_eq!(
            substitute_stage_variables("http://${stageVariables.host", &vars),
            "http://${stageVariables.host"
        );
    }

    #[test]
    fn path_placeholders() {
        let lookup = |n: &str| match n {
            "proxy" => Some("a b/c".to_owned()),
            "id" => Some("7".to_owned()),
            _ => None,
        };
        assert_eq!(
            substitute_path("http://h/{proxy}/x/{id}/{nope}", lookup),
            "http://h/a%20b/c/x/7/{nope}"
        );
        assert_eq!(
            substitute_path("http://h/{proxy+}", lookup),
            "http://h/a%20b/c"
        );
        assert_eq!(substitute_path("http://h/{open", lookup), "http://h/{open");
    }
}

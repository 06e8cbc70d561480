//! Route: find the stage, resource and method for the invoke path and build the
//! [`RequestCtx`]; 403 Missing Authentication Token when nothing matches.

use std::sync::{Arc, OnceLock};

use apis::model::HttpMethod;
use bytes::Bytes;
use http::Request;
use http::header::HeaderValue;

use crate::context::{ClientAddr, RequestCtx};
use crate::error::{GatewayError, Phase, PhaseResult};
use crate::routes::{RouteMatch, split_invoke_path};
use crate::snapshot::{CompiledStage, Gateway};
use crate::trace::{Recorder, RequestId, aws_map};

/// Finds the stage, resource and method, and builds the request's context.
pub(crate) fn route(
    gateway: &Gateway,
    req: Request<Bytes>,
    now: i64,
    request_id: RequestId,
    rec: &mut Recorder<'_>,
) -> PhaseResult<RequestCtx> {
    let (parts, body) = req.into_parts();
    let Some((method, stage, route)) = find(gateway, &parts, rec) else {
        rec.line(|| {
            "No deployed API, stage, resource or method matches the request: 403 Missing Authentication Token".to_owned()
        });
        return Err(GatewayError::missing_authentication_token(Phase::Route));
    };
    let query: Vec<(String, String)> = parts
        .uri
        .query()
        .map(|q| {
            form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default();
    let mut headers = parts.headers;
    strip_console_session(&mut headers);
    let header_pairs = OnceLock::new();
    if rec.tracing() {
        let pairs = header_pairs.get_or_init(|| crate::trace::header_pairs(&headers));
        let resource = stage.resources.get(route.resource).map(|r| &*r.path);
        trace_method_request(method, resource, &route, &query, pairs, &body, rec);
    }
    // Built in place as the result: the context is large, and this runs on every request.
    Ok(RequestCtx {
        request_id,
        now,
        method,
        peer: parts.extensions.get::<ClientAddr>().map(|a| a.0),
        source_ip: OnceLock::new(),
        uri: parts.uri,
        headers,
        header_pairs,
        query,
        body,
        stage,
        route,
        claims: Arc::default(),
    })
}

/// The method request as the execution log shows it.
fn trace_method_request(
    method: HttpMethod,
    resource: Option<&str>,
    route: &RouteMatch,
    query: &[(String, String)],
    headers: &[(String, String)],
    body: &[u8],
    rec: &mut Recorder<'_>,
) {
    let resource = resource.unwrap_or_default().to_owned();
    rec.line(|| format!("HTTP Method: {method}, Resource Path: {resource}"));
    let params = aws_map(&route.params);
    let query = aws_map(query);
    let headers = aws_map(headers);
    let body = String::from_utf8_lossy(body).into_owned();
    rec.line(|| format!("Method request path: {params}"));
    rec.line(|| format!("Method request query string: {query}"));
    rec.line(|| format!("Method request headers: {headers}"));
    rec.line(|| format!("Method request body before transformations: {body}"));
}

/// The method, stage and route the request is for; the summary notes the stage and resource
/// as they are found.
fn find(
    gateway: &Gateway,
    parts: &http::request::Parts,
    rec: &mut Recorder<'_>,
) -> Option<(HttpMethod, Arc<CompiledStage>, RouteMatch)> {
    let method = HttpMethod::parse(parts.method.as_str())
        .ok()
        .filter(|m| *m != HttpMethod::Any)?;
    let (api, stage_name, rest) = split_invoke_path(parts.uri.path())?;
    let stage = gateway.stage(api, stage_name).cloned()?;
    rec.summary.stage = Some(Arc::clone(&stage));
    let route = stage.routes.find(rest, method)?;
    rec.summary.resource = stage
        .resources
        .get(route.resource)
        .map(|r| Arc::clone(&r.path));
    Some((method, stage, route))
}

/// The console's session cookie. The gateway and the console share a host by default, so a
/// browser signed in to the console sends it with every gateway request too.
pub const CONSOLE_SESSION_COOKIE: &str = "gatehouse_session";

/// Takes the console's session cookie out of the request's `Cookie` headers, so that no
/// template, parameter mapping, log or backend ever sees it. The caller's other cookies stay;
/// a `Cookie` header with nothing left goes. Without that cookie, this costs one header lookup.
pub fn strip_console_session(headers: &mut http::HeaderMap) {
    let cookie = http::header::COOKIE;
    if !headers
        .get_all(&cookie)
        .iter()
        .any(|v| cookie_pairs(v.as_bytes()).any(is_console_session))
    {
        return;
    }
    let kept: Vec<HeaderValue> = headers
        .get_all(&cookie)
        .iter()
        .filter_map(|v| {
            let pairs: Vec<&[u8]> = cookie_pairs(v.as_bytes())
                .filter(|p| !p.is_empty() && !is_console_session(p))
                .collect();
            HeaderValue::from_bytes(&pairs.join(&b"; "[..])).ok()
        })
        .filter(|v| !v.is_empty())
        .collect();
    headers.remove(&cookie);
    for v in kept {
        headers.append(&cookie, v);
    }
}

/// The `name=value` pairs of a `Cookie` header value, trimmed.
fn cookie_pairs(value: &[u8]) -> impl Iterator<Item = &[u8]> {
    value.split(|b| *b == b';').map(<[u8]>::trim_ascii)
}

fn is_console_session(pair: &[u8]) -> bool {
    let name = pair.split(|b| *b == b'=').next().unwrap_or(pair);
    name.trim_ascii() == CONSOLE_SESSION_COOKIE.as_bytes()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_console_session_cookie_is_taken_out_and_nothing_else() {
        let strip = |values: &[&str]| {
            let mut h = http::HeaderMap::new();
            for v in values {
                h.append(http::header::COOKIE, HeaderValue::from_str(v).unwrap());
            }
            strip_console_session(&mut h);
            h.get_all(http::header::COOKIE)
                .iter()
                .map(|v| v.to_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(strip(&["a=1; gatehouse_session=s3cr3t; b=2"]), ["a=1; b=2"]);
        assert_eq!(strip(&["gatehouse_session=s3cr3t"]), Vec::<String>::new());
        assert_eq!(
            strip(&["gatehouse_session=x", "theirs=1;gatehouse_session =y"]),
            ["theirs=1"]
        );
        // Look-alikes are the caller's own cookies.
        assert_eq!(
            strip(&["gatehouse_session2=1; my_gatehouse_session=2"]),
            ["gatehouse_session2=1; my_gatehouse_session=2"]
        );
        assert_eq!(strip(&[]), Vec::<String>::new());
    }
}

//! HTTP and HTTP_PROXY integrations: building the backend request (URI placeholders, stage
//! variables, parameter mappings, overrides) and calling it with `timeoutInMillis`.

use std::borrow::Cow;
use std::time::Duration;

use apis::model::{HttpMethod, Integration, IntegrationType};
use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{Method, Uri};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use crate::context::RequestCtx;
use crate::error::{GatewayError, Phase, PhaseResult, ResponseType};
use crate::phases::integration_request::IntegrationRequest;
use crate::upstream::{Failure, Upstream};
pub use crate::upstream::{Inbound, Outbound};

/// Characters escaped in every substituted path value.
const PATH_VALUE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'\\')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// A single-segment value also has its `/` escaped: it can never add a path segment.
const SEGMENT_VALUE: &AsciiSet = &PATH_VALUE.add(b'/');

/// A path value that would add a `.` or `..` segment to the backend URL (refused with 400).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DotSegment {
    /// The placeholder's name.
    pub name: String,
}

/// Why the backend request could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildError {
    /// The integration's configuration (500).
    Config(String),
    /// A path value from the request would leave the integration's path (400).
    DotSegment(DotSegment),
}

impl From<String> for BuildError {
    fn from(e: String) -> Self {
        BuildError::Config(e)
    }
}

/// Whether a decoded path segment is `.` or `..`, also with `;parameters` after it (which
/// servlet containers strip before resolving dot segments).
fn is_dot_segment(segment: &str) -> bool {
    matches!(segment.split(';').next(), Some("." | ".."))
}

/// [`is_dot_segment`] for text that URL parsers will still decode (`%2e` is a dot to the
/// WHATWG parser), with `\` a separator as well as `/`.
fn has_raw_dot_segment(text: &str) -> bool {
    text.split(['/', '\\']).any(|piece| {
        let piece = piece.split(';').next().unwrap_or("").to_ascii_lowercase();
        matches!(piece.replace("%2e", ".").as_str(), "." | "..")
    })
}

/// Request headers never forwarded (hop-by-hop, or recomputed by the client).
const HOP_BY_HOP: [HeaderName; 10] = [
    header::HOST,
    header::CONNECTION,
    HeaderName::from_static("keep-alive"),
    header::CONTENT_LENGTH,
    header::TRANSFER_ENCODING,
    header::TE,
    header::TRAILER,
    header::UPGRADE,
    header::PROXY_AUTHORIZATION,
    HeaderName::from_static("proxy-connection"),
];

/// Replaces `${stageVariables.NAME}` (missing variables become empty). A value may name a
/// host, a port or several path segments, as on API Gateway, but never a `.`/`..` segment:
/// `Err` names the variable.
pub fn substitute_stage_variables(
    uri: &str,
    variables: &std::collections::BTreeMap<String, String>,
) -> Result<String, String> {
    let mut out = String::with_capacity(uri.len());
    let mut rest = uri;
    while let Some(at) = rest.find("${stageVariables.") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "${stageVariables.".len()..];
        match after.find('}') {
            Some(end) => {
                if let Some(v) = variables.get(&after[..end]) {
                    if has_raw_dot_segment(v) {
                        return Err(format!(
                            "stage variable {} would add a dot segment to the integration URI",
                            &after[..end]
                        ));
                    }
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
    Ok(out)
}

/// A value for a path placeholder: its text, and whether it may span segments (the method's
/// greedy `{name+}` parameter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathValue {
    pub text: String,
    pub spans_segments: bool,
}

/// Replaces `{name}` / `{name+}` placeholders with URL-encoded values; unknown ones stay.
///
/// A value never leaves the integration URI's path: a single-segment value has `/` and `\`
/// escaped (as API Gateway passes it on, encoded), a greedy one keeps its `/` separators, and
/// a value with a `.` or `..` segment is refused.
pub fn substitute_path(
    uri: &str,
    lookup: impl Fn(&str) -> Option<PathValue>,
) -> Result<String, DotSegment> {
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
            Some(v) if v.spans_segments => {
                if v.text.split(['/', '\\']).any(is_dot_segment) {
                    return Err(DotSegment {
                        name: name.to_owned(),
                    });
                }
                out.extend(utf8_percent_encode(&v.text, PATH_VALUE));
            }
            Some(v) => {
                if is_dot_segment(&v.text) {
                    return Err(DotSegment {
                        name: name.to_owned(),
                    });
                }
                out.extend(utf8_percent_encode(&v.text, SEGMENT_VALUE));
            }
            None => out.push_str(&rest[open..open + close + 2]),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The value of a request-parameter source expression (reference §1.4).
pub fn request_parameter_value(ctx: &RequestCtx, source: &str) -> Option<String> {
    if let Some(s) = source.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
        return Some(s.to_owned());
    }
    let last = |pairs: &[(String, String)], name: &str| {
        pairs
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let all = |pairs: &[(String, String)], name: &str| {
        let values: Vec<&str> = pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect();
        (!values.is_empty()).then(|| values.join(","))
    };
    if let Some(n) = source.strip_prefix("method.request.path.") {
        return last(&ctx.route.params, n);
    }
    if let Some(n) = source.strip_prefix("method.request.querystring.") {
        return last(&ctx.query, n);
    }
    if let Some(n) = source.strip_prefix("method.request.multivaluequerystring.") {
        return all(&ctx.query, n);
    }
    // Headers are read from the request's header map (any case), not copied into pairs.
    if let Some(n) = source.strip_prefix("method.request.header.") {
        return ctx.header_value(n).map(str::to_owned);
    }
    if let Some(n) = source.strip_prefix("method.request.multivalueheader.") {
        let values: Vec<Cow<'_, str>> = ctx
            .headers
            .get_all(n)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()))
            .collect();
        return (!values.is_empty()).then(|| values.join(","));
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
        .map(Cow::into_owned)
}

fn set(list: &mut Vec<(String, String)>, name: &str, value: String) {
    list.retain(|(k, _)| k != name);
    list.push((name.to_owned(), value));
}

/// A header a mapping or an override sets; `Err` says which one HTTP cannot carry.
fn header_entry(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), String> {
    let n = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| format!("invalid integration request header name {name:?}"))?;
    let v = HeaderValue::from_str(value)
        .map_err(|_| format!("invalid value for integration request header {name}"))?;
    Ok((n, v))
}

/// Builds the backend request of an HTTP or HTTP_PROXY integration.
pub fn build_request(
    ctx: &RequestCtx,
    integration: &Integration,
    ireq: &IntegrationRequest,
) -> Result<Outbound, BuildError> {
    let proxy = integration.kind == IntegrationType::HttpProxy;
    let uri = integration
        .uri
        .as_deref()
        .ok_or_else(|| "the integration has no uri".to_owned())?;
    let uri = if uri.contains("${") {
        Cow::Owned(substitute_stage_variables(uri, &ctx.stage.variables)?)
    } else {
        Cow::Borrowed(uri)
    };

    let greedy = ctx.route.greedy_param();
    let mut path_values: Vec<(String, PathValue)> = Vec::new();
    let mut query: Vec<(String, String)> = if proxy { ctx.query.clone() } else { Vec::new() };
    // The request's own header map (multi-value headers and bytes as received), hop-by-hop
    // headers taken out.
    let mut headers = if proxy {
        let mut h = ctx.headers.clone();
        for name in &HOP_BY_HOP {
            h.remove(name);
        }
        h
    } else {
        let mut h = HeaderMap::with_capacity(4);
        h.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        let agent = format!("AmazonAPIGateway_{}", ctx.stage.rest_api_id);
        h.insert(
            header::USER_AGENT,
            HeaderValue::from_str(&agent).map_err(|_| format!("invalid user agent {agent}"))?,
        );
        if let Some(ct) = ctx.headers.get_all(header::CONTENT_TYPE).iter().next_back() {
            h.insert(header::CONTENT_TYPE, ct.clone());
        } else if !ireq.body.is_empty() {
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
        }
        h
    };
    let api_id = HeaderValue::from_str(&ctx.stage.rest_api_id)
        .map_err(|_| format!("invalid api id {}", ctx.stage.rest_api_id))?;
    headers.insert(API_ID, api_id);

    for (target, source) in &integration.request_parameters {
        let Some(value) = request_parameter_value(ctx, source) else {
            continue;
        };
        if let Some(n) = target.strip_prefix("integration.request.path.") {
            let spans_segments =
                greedy.is_some() && source.strip_prefix("method.request.path.") == greedy;
            let value = PathValue {
                text: value,
                spans_segments,
            };
            path_values.retain(|(k, _)| k != n);
            path_values.push((n.to_owned(), value));
        } else if let Some(n) = target.strip_prefix("integration.request.querystring.") {
            set(&mut query, n, value);
        } else if let Some(n) = target.strip_prefix("integration.request.header.") {
            let (name, value) = header_entry(n, &value)?;
            headers.insert(name, value);
        }
    }
    let overrides = &ireq.overrides.request;
    for (n, v) in &overrides.path {
        path_values.retain(|(k, _)| k != n);
        let value = PathValue {
            text: v.clone(),
            spans_segments: false,
        };
        path_values.push((n.clone(), value));
    }
    for (n, values) in &overrides.querystring {
        query.retain(|(k, _)| k != n);
        query.extend(values.iter().map(|v| (n.clone(), v.clone())));
    }
    for (n, values) in &overrides.header {
        let name = HeaderName::from_bytes(n.as_bytes())
            .map_err(|_| format!("invalid integration request header name {n:?}"))?;
        headers.remove(&name);
        for v in values {
            let (_, value) = header_entry(n, v)?;
            headers.append(name.clone(), value);
        }
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
                    .map(|(k, v)| PathValue {
                        text: v.clone(),
                        spans_segments: greedy == Some(k.as_str()),
                    })
            })
    })
    .map_err(BuildError::DotSegment)?;
    if !query.is_empty() {
        let encoded = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(query.iter())
            .finish();
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str(&encoded);
    }
    let method = match integration.http_method {
        None | Some(HttpMethod::Any) => ctx.method,
        Some(m) => m,
    };
    let method = Method::from_bytes(method.as_str().as_bytes())
        .map_err(|_| format!("invalid integration method {method}"))?;
    let body = if proxy {
        ctx.body.clone()
    } else {
        Bytes::from(ireq.body.clone())
    };
    Ok(Outbound {
        method,
        uri: parse_uri(url)?,
        headers,
        body,
    })
}

/// `x-amzn-apigateway-api-id`, on every backend request.
const API_ID: HeaderName = HeaderName::from_static("x-amzn-apigateway-api-id");

/// The integration URI as sent. A plain one (nothing to percent-encode, no dot segments, no
/// user info, no default port) is taken as it is; anything else goes through the WHATWG URL
/// parser first, so it is normalized exactly as when reqwest sent every request.
pub fn parse_uri(url: String) -> Result<Uri, String> {
    if is_plain(&url) {
        return Uri::try_from(url).map_err(|e| format!("invalid integration URI: {e}"));
    }
    let parsed =
        reqwest::Url::parse(&url).map_err(|e| format!("invalid integration URI {url}: {e}"))?;
    Uri::try_from(parsed.as_str()).map_err(|e| format!("invalid integration URI {url}: {e}"))
}

/// Whether the WHATWG URL parser would leave `url` as it is (conservatively).
fn is_plain(url: &str) -> bool {
    let (rest, default_port) = if let Some(r) = url.strip_prefix("http://") {
        (r, ":80")
    } else if let Some(r) = url.strip_prefix("https://") {
        (r, ":443")
    } else {
        return false;
    };
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    let authority_ok = !authority.is_empty()
        && !authority.ends_with(default_port)
        && authority.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b':')
        });
    let path_ok = path.bytes().all(|b| {
        b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b':'
                    | b'@'
                    | b'/'
                    | b'?'
                    | b'%'
            )
    });
    let dot_segment = path.contains("/.") || path.contains("%2e") || path.contains("%2E");
    authority_ok && path_ok && !dot_segment && path.starts_with('/')
}

/// Sends the request within `timeout_in_millis`: 504 `Endpoint request timed out` when it
/// runs out, 500 when the backend cannot be reached.
pub async fn send(
    client: &Upstream,
    ctx: &RequestCtx,
    outbound: &Outbound,
    timeout_in_millis: i32,
) -> PhaseResult<Inbound> {
    let timeout = Duration::from_millis(u64::try_from(timeout_in_millis.max(50)).unwrap_or(29_000));
    client
        .send(outbound, timeout)
        .await
        .map_err(|failure| match failure {
            Failure::Timeout => {
                tracing::warn!(
                    "{}: integration {} timed out after {timeout:?}",
                    ctx.describe(),
                    outbound.uri
                );
                GatewayError::new(
                    Phase::Integrate,
                    ResponseType::IntegrationTimeout,
                    504,
                    "Endpoint request timed out",
                )
            }
            Failure::Failed(e) => {
                tracing::error!(
                    "{}: Execution failed due to configuration error: {e}",
                    ctx.describe()
                );
                GatewayError::internal(Phase::Integrate, ResponseType::IntegrationFailure)
            }
        })
}

/// `X-Amzn-Remapped-WWW-Authenticate`: where an HTTP_PROXY puts the backend's
/// `WWW-Authenticate`, as API Gateway does.
const REMAPPED_WWW_AUTHENTICATE: HeaderName =
    HeaderName::from_static("x-amzn-remapped-www-authenticate");

/// The backend's response as an HTTP_PROXY returns it: its headers (every value) minus
/// hop-by-hop ones and `Content-Length` (recomputed), `WWW-Authenticate` remapped, and
/// `Content-Type: application/json` when the backend gave none.
pub fn proxy_response(inbound: Inbound) -> http::Response<Bytes> {
    let mut headers = inbound.headers;
    for name in [
        header::CONNECTION,
        HeaderName::from_static("keep-alive"),
        header::TRANSFER_ENCODING,
        header::CONTENT_LENGTH,
        header::UPGRADE,
        header::TRAILER,
        header::TE,
    ] {
        headers.remove(name);
    }
    if headers.contains_key(header::WWW_AUTHENTICATE) {
        let values: Vec<HeaderValue> = headers
            .get_all(header::WWW_AUTHENTICATE)
            .iter()
            .cloned()
            .collect();
        headers.remove(header::WWW_AUTHENTICATE);
        for v in values {
            headers.append(REMAPPED_WWW_AUTHENTICATE, v);
        }
    }
    if !headers.contains_key(header::CONTENT_TYPE) {
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
    }
    let mut resp = crate::response::response(inbound.status, inbound.body);
    *resp.headers_mut() = headers;
    resp
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
            )
            .as_deref(),
            Ok("http://example.com/a?q=")
        );
        assert_eq!(
            substitute_stage_variables("http://${stageVariables.host", &vars).as_deref(),
            Ok("http://${stageVariables.host")
        );
        // A value may hold segments, never a dot segment (however it is spelled).
        for (value, ok) in [
            ("example.com:8080/v1/api", true),
            ("../admin", false),
            ("v1/..", false),
            ("v1\\..\\admin", false),
            ("%2E%2e/admin", false),
            ("v1/.;x/admin", false),
            ("v1/..a/.b", true),
        ] {
            let vars: BTreeMap<String, String> = [("p".to_owned(), value.to_owned())].into();
            let got = substitute_stage_variables("http://h/${stageVariables.p}/x", &vars);
            assert_eq!(got.is_ok(), ok, "{value}: {got:?}");
        }
    }

    #[test]
    fn plain_uris_are_taken_as_they_are_others_normalized() {
        let uri = |s: &str| parse_uri(s.to_owned()).map(|u| u.to_string());
        assert_eq!(
            uri("http://127.0.0.1:8080/a/b%20c?x=1&y=two").as_deref(),
            Ok("http://127.0.0.1:8080/a/b%20c?x=1&y=two")
        );
        // As the WHATWG parser (reqwest) sent them: dot segments resolved, unsafe characters
        // percent-encoded, the default port and upper-case host normalized.
        assert_eq!(
            uri("http://h/api/../admin/./x").as_deref(),
            Ok("http://h/admin/x")
        );
        assert_eq!(
            uri("http://h/a b/{nope}?q=it's").as_deref(),
            Ok("http://h/a%20b/%7Bnope%7D?q=it%27s")
        );
        assert_eq!(
            uri("http://Example.COM:80/x").as_deref(),
            Ok("http://example.com/x")
        );
        assert_eq!(uri("https://h/é").as_deref(), Ok("https://h/%C3%A9"));
        assert!(uri("not a uri").is_err());
        assert!(is_plain("http://h:81/x?y=z"));
        assert!(!is_plain("http://h/.well-known"));
        assert!(!is_plain("http://h/%2E%2E/x"));
        assert!(!is_plain("http://h"));
    }

    #[test]
    fn path_placeholders() {
        let value = |text: &str, spans_segments| PathValue {
            text: text.to_owned(),
            spans_segments,
        };
        let lookup = |n: &str| match n {
            "proxy" => Some(value("a b/c", true)),
            "id" => Some(value("7", false)),
            _ => None,
        };
        assert_eq!(
            substitute_path("http://h/{proxy}/x/{id}/{nope}", lookup).as_deref(),
            Ok("http://h/a%20b/c/x/7/{nope}")
        );
        assert_eq!(
            substitute_path("http://h/{proxy+}", lookup).as_deref(),
            Ok("http://h/a%20b/c")
        );
        assert_eq!(
            substitute_path("http://h/{open", lookup).as_deref(),
            Ok("http://h/{open")
        );
    }

    #[test]
    fn path_values_never_leave_the_integration_path() {
        let at = |text: &str, spans_segments| {
            let v = PathValue {
                text: text.to_owned(),
                spans_segments,
            };
            substitute_path("http://h/public/users/{id}", move |_| Some(v.clone()))
                .map(|url| parse_uri(url).expect("a URI").to_string())
        };
        let refused = |name: &str| {
            Err(DotSegment {
                name: name.to_owned(),
            })
        };
        // One segment: `/` and `\` are escaped, so `..` only ever appears inside a segment.
        assert_eq!(
            at("../../admin", false).as_deref(),
            Ok("http://h/public/users/..%2F..%2Fadmin")
        );
        assert_eq!(
            at("..\\..\\admin", false).as_deref(),
            Ok("http://h/public/users/..%5C..%5Cadmin")
        );
        // Double encoding stays double encoded.
        assert_eq!(
            at("%2e%2e%2fadmin", false).as_deref(),
            Ok("http://h/public/users/%252e%252e%252fadmin")
        );
        assert_eq!(at("..", false), refused("id"));
        assert_eq!(at(".", false), refused("id"));
        assert_eq!(at("..;x", false), refused("id"));
        assert_eq!(at("..a", false).as_deref(), Ok("http://h/public/users/..a"));
        // Greedy: segments kept, dot segments refused.
        assert_eq!(
            at("a/b c/d", true).as_deref(),
            Ok("http://h/public/users/a/b%20c/d")
        );
        for bad in ["a/../../x", "..", "a/.", "./a", "a\\..\\x", "a/..;/x"] {
            assert_eq!(at(bad, true), refused("id"), "{bad}");
        }
        assert_eq!(
            at("a\\b", true).as_deref(),
            Ok("http://h/public/users/a%5Cb")
        );
    }
}

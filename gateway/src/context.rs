//! The request context: everything the phases share about one request, and the values
//! templates and parameter mappings read from it (`$context`, `$input.params()`, claims).
//! [`render`] renders mapping templates against it.

pub mod render;

use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

use apis::model::HttpMethod;
use bytes::Bytes;

use crate::routes::{RouteMatch, split_invoke_path};
use crate::snapshot::{CompiledMethod, CompiledResource, CompiledStage};
use crate::trace::{RequestId, header_pairs};

/// The address of the client's TCP connection, attached to the request by the server
/// (`$context.identity.sourceIp`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub std::net::IpAddr);

/// Everything the phases share about one request.
#[derive(Debug)]
pub struct RequestCtx {
    pub request_id: RequestId,
    /// Epoch seconds.
    pub now: i64,
    pub method: HttpMethod,
    /// The invoke URI (`/{restApiId}/{stage}/rest/of/path?query`).
    pub uri: http::Uri,
    /// The request headers as received (the hot path reads them in place).
    pub headers: http::HeaderMap,
    /// `headers` as text pairs, made on first use (templates that read `$input.params()`,
    /// parameter mappings, HTTP_PROXY). Read through [`RequestCtx::header_pairs`]; the route
    /// phase fills it only for a traced request.
    pub(crate) header_pairs: OnceLock<Vec<(String, String)>>,
    pub query: Vec<(String, String)>,
    pub body: Bytes,
    pub stage: Arc<CompiledStage>,
    pub route: RouteMatch,
    /// `$context.authorizer.claims`, stringified; empty without an authorizer.
    pub claims: Arc<[(String, String)]>,
    /// The client's TCP address, when the request came over a connection.
    pub peer: Option<std::net::IpAddr>,
    /// `$context.identity.sourceIp`, made on first use (read through
    /// [`RequestCtx::identity_value`]).
    pub(crate) source_ip: OnceLock<Option<String>>,
}

impl RequestCtx {
    /// The method serving this request.
    pub fn method(&self) -> Option<&CompiledMethod> {
        self.resource()?.method_for(self.method)
    }

    /// The matched resource.
    pub fn resource(&self) -> Option<&CompiledResource> {
        self.stage.resources.get(self.route.resource)
    }

    /// The headers as `(name, value)` text pairs in arrival order (values that are not UTF-8
    /// are decoded lossily).
    pub fn header_pairs(&self) -> &[(String, String)] {
        self.header_pairs
            .get_or_init(|| header_pairs(&self.headers))
    }

    /// The last value of a request header (any case).
    pub fn header_value(&self, name: &str) -> Option<&str> {
        let value = self.headers.get_all(name).iter().next_back()?;
        match std::str::from_utf8(value.as_bytes()) {
            Ok(text) => Some(text),
            Err(_) => self
                .header_pairs()
                .iter()
                .rev()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str()),
        }
    }

    /// `/{stage}/rest/of/path` (`$context.path`).
    pub fn context_path(&self) -> String {
        let rest = split_invoke_path(self.uri.path()).map_or("/", |(_, _, rest)| rest);
        let rest = if rest == "/" { "" } else { rest };
        format!("/{}{rest}", self.stage.stage_name)
    }

    /// A top-level `$context` string (`stage`, `requestId`, …); `None` for entries the gateway
    /// does not have. The one place the pipeline's `$context` values come from: templates
    /// (rendered in full or straight-line) and parameter mappings (`context.stage`) alike.
    pub fn context_value(&self, key: &str) -> Option<Cow<'_, str>> {
        Some(match key {
            "apiId" => Cow::Borrowed(self.stage.rest_api_id.as_str()),
            "stage" => Cow::Borrowed(self.stage.stage_name.as_str()),
            "httpMethod" => Cow::Borrowed(self.method.as_str()),
            "path" => Cow::Owned(self.context_path()),
            "requestId" | "extendedRequestId" => Cow::Borrowed(self.request_id.as_str()),
            "requestTime" => Cow::Owned(clf_time(self.now)?),
            "requestTimeEpoch" => Cow::Owned(self.now.saturating_mul(1000).to_string()),
            "resourceId" => Cow::Borrowed(self.resource()?.id.as_str()),
            "resourcePath" => Cow::Borrowed(&*self.resource()?.path),
            "protocol" => Cow::Borrowed("HTTP/1.1"),
            _ => return None,
        })
    }

    /// A `$context.identity` string.
    pub fn identity_value(&self, key: &str) -> Option<&str> {
        match key {
            "userAgent" => self.header_value("user-agent"),
            "sourceIp" => self.source_ip.get_or_init(|| self.source_ip()).as_deref(),
            _ => None,
        }
    }

    /// The TCP peer, as API Gateway reports it. A request that came over no connection (the
    /// console's Test, an in-process call) takes the first X-Forwarded-For entry instead.
    fn source_ip(&self) -> Option<String> {
        match self.peer {
            Some(ip) => Some(ip.to_string()),
            None => self
                .header_value("x-forwarded-for")
                .map(|v| v.split(',').next().unwrap_or("").trim().to_owned()),
        }
    }

    /// A verified claim, stringified (`$context.authorizer.claims.<name>`).
    pub fn claim(&self, name: &str) -> Option<&str> {
        self.claims
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// `api/stage VERB /resource (request id)`, for log lines.
    pub fn describe(&self) -> String {
        let path = self.resource().map_or("?", |r| &*r.path);
        format!(
            "{}/{} {} {path} (request {})",
            self.stage.rest_api_id, self.stage.stage_name, self.method, self.request_id
        )
    }
}

/// `26/Nov/2026:12:00:00 +0000`: `$context.requestTime` (Common Log Format, UTC).
fn clf_time(epoch: i64) -> Option<String> {
    time::OffsetDateTime::from_unix_timestamp(epoch)
        .ok()?
        .format(time::macros::format_description!(
            "[day]/[month repr:short]/[year]:[hour]:[minute]:[second] +0000"
        ))
        .ok()
}

/// `String::from_utf8_lossy(bytes)`, checking valid UTF-8 (nearly always) with the faster
/// `str::from_utf8` first: the lossy scan showed in profiles.
pub(crate) fn utf8_lossy(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

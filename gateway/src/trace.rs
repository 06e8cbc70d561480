//! What one request did, for the access log, the Stage → Logs page and the console's Method
//! Test.
//!
//! Every request yields a small [`RequestSummary`] (the matched stage and resource and the
//! authorizer's outcome, taken from the verified claims). Only a traced request (the console's
//! Test) also fills an [`ExecutionLog`]: the phases check `Recorder::tracing` before formatting
//! anything, so the normal path pays for no strings it does not keep.

use std::sync::Arc;
use std::time::{Duration, Instant};

use apis::authorizer::AuthorizerOutcome;

use crate::snapshot::CompiledStage;

/// How the authorizer phase ended.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum AuthOutcome {
    /// The method has no authorizer, or the request never reached it.
    #[default]
    NotRequired,
    /// The token was verified; `principal` is its `sub` claim.
    Allowed {
        principal: Option<Arc<str>>,
        /// The decision came from the authorizer cache.
        cached: bool,
    },
    /// Refused with 401; `reason` is the failed check (`expiry: the token expired ...`).
    Denied { reason: String },
}

impl AuthOutcome {
    /// The verified principal (`sub`), only for allowed requests.
    pub fn principal(&self) -> Option<&str> {
        match self {
            AuthOutcome::Allowed { principal, .. } => principal.as_deref(),
            _ => None,
        }
    }
}

/// A request id: a random (v4) UUID, kept as its 36 characters so that making one, copying it
/// into the summary and the Logs page and writing it as a header allocate nothing.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct RequestId([u8; uuid::fmt::Hyphenated::LENGTH]);

impl RequestId {
    /// A fresh id from the thread-local CSPRNG (`Uuid::new_v4` would make a getrandom system
    /// call per request).
    pub fn random() -> RequestId {
        RequestId::from(uuid::Builder::from_random_bytes(rand::random()).into_uuid())
    }

    pub fn as_str(&self) -> &str {
        // Always the ASCII a hyphenated UUID is made of.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl From<uuid::Uuid> for RequestId {
    fn from(id: uuid::Uuid) -> RequestId {
        let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
        id.hyphenated().encode_lower(&mut text);
        RequestId(text)
    }
}

impl Default for RequestId {
    fn default() -> RequestId {
        RequestId::from(uuid::Uuid::nil())
    }
}

impl std::fmt::Display for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

/// Where a request went and how the authorizer decided; cheap to fill on every request.
#[derive(Debug, Clone, Default)]
pub struct RequestSummary {
    pub request_id: RequestId,
    /// The stage, when the API and stage exist.
    pub stage: Option<Arc<CompiledStage>>,
    /// The matched resource's path (`/pets/{id}`), when one matched.
    pub resource: Option<Arc<str>>,
    pub auth: AuthOutcome,
}

impl RequestSummary {
    pub fn api_id(&self) -> Option<&str> {
        self.stage.as_deref().map(|s| s.rest_api_id.as_str())
    }

    pub fn stage_name(&self) -> Option<&str> {
        self.stage.as_deref().map(|s| s.stage_name.as_str())
    }
}

/// An HTTP request as the execution log shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TracedRequest {
    /// `MOCK`, `HTTP` or `HTTP_PROXY`.
    pub integration: String,
    /// Empty for MOCK.
    pub method: String,
    /// Empty for MOCK.
    pub uri: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// An HTTP response as the execution log shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TracedResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// The authorizer phase as the execution log shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TracedAuthorizer {
    pub authorizer_id: apis::AuthorizerId,
    pub authorizer_name: String,
    /// The full outcome (trace, decoded token, claims); `None` when served from the cache.
    pub outcome: Option<AuthorizerOutcome>,
    /// `$context.authorizer.claims` as the integration got them (allowed requests).
    pub claims: Vec<(String, String)>,
}

/// One line of the execution log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    /// Since the request started.
    pub at: Duration,
    pub text: String,
}

/// Everything a traced request did, like API Gateway's console Test.
#[derive(Debug, Clone, Default)]
pub struct ExecutionLog {
    pub lines: Vec<LogLine>,
    pub authorizer: Option<TracedAuthorizer>,
    /// The integration request after templates and parameter mappings.
    pub integration_request: Option<TracedRequest>,
    /// What the integration answered, before the integration-response phase.
    pub integration_response: Option<TracedResponse>,
    /// What the client got.
    pub response: Option<TracedResponse>,
    pub latency: Duration,
}

/// Collects the summary and, when tracing, the log; threaded through the phases.
pub(crate) struct Recorder<'a> {
    pub summary: RequestSummary,
    log: Option<&'a mut ExecutionLog>,
    /// Set only when tracing (the normal path reads no clock here).
    started: Option<Instant>,
}

impl<'a> Recorder<'a> {
    pub fn new(log: Option<&'a mut ExecutionLog>) -> Recorder<'a> {
        Recorder {
            summary: RequestSummary::default(),
            started: log.as_ref().map(|_| Instant::now()),
            log,
        }
    }

    /// Whether an execution log is being written (check before building anything for it).
    pub fn tracing(&self) -> bool {
        self.log.is_some()
    }

    /// Adds a line; `text` runs only when tracing.
    pub fn line(&mut self, text: impl FnOnce() -> String) {
        if let (Some(log), Some(started)) = (self.log.as_deref_mut(), self.started) {
            log.lines.push(LogLine {
                at: started.elapsed(),
                text: text(),
            });
        }
    }

    /// Changes the log when tracing.
    pub fn log(&mut self, f: impl FnOnce(&mut ExecutionLog)) {
        if let Some(log) = self.log.as_deref_mut() {
            f(log);
        }
    }

    pub fn finish(&mut self) {
        if let (Some(log), Some(started)) = (self.log.as_deref_mut(), self.started) {
            log.latency = started.elapsed();
        }
    }
}

/// Headers of an `http` message as pairs (lossy UTF-8).
pub(crate) fn header_pairs(headers: &http::HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect()
}

/// Pairs as API Gateway's execution log prints them: `{name=value, other=value}`.
pub(crate) fn aws_map(pairs: &[(String, String)]) -> String {
    let inner: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("{{{}}}", inner.join(", "))
}

//! The console's Method Test: runs one request against a configuration that is not deployed
//! (API Gateway's Test runs the working copy), with an execution log.
//!
//! The working copy is compiled into a one-stage gateway of its own, with a fresh authorizer
//! cache, so the authorizer always runs in full and its trace is shown.

use std::collections::BTreeMap;
use std::fmt;

use apis::StageName;
use apis::model::{DeploymentSnapshot, HttpMethod};
use bytes::Bytes;
use http::Request;

use crate::keys::KeySource;
use crate::runtime::Runtime;
use crate::snapshot::{Gateway, StageInput};
use crate::trace::{ExecutionLog, RequestSummary, TracedResponse, header_pairs};

/// The stage name a test runs under (`$context.stage`), as on API Gateway.
pub const TEST_STAGE: &str = "test-invoke-stage";

/// What the console's Test form sends.
#[derive(Debug, Clone)]
pub struct TestRequest {
    pub method: HttpMethod,
    /// The path below the stage with the parameters filled in (`/pets/7`).
    pub path: String,
    /// The query string, without `?` (`a=1&b=2`).
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// A test request that cannot be sent as it is; `field` names the form field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidTestRequest {
    pub field: &'static str,
    pub message: String,
}

impl fmt::Display for InvalidTestRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for InvalidTestRequest {}

/// The outcome of a test.
#[derive(Debug, Clone)]
pub struct TestInvocation {
    pub response: TracedResponse,
    pub summary: RequestSummary,
    pub log: ExecutionLog,
}

/// Runs `request` against `snapshot` (typically the working copy) under [`TEST_STAGE`] with
/// `variables` as stage variables, at `now` (epoch seconds).
pub async fn test_invoke<K: KeySource>(
    snapshot: DeploymentSnapshot,
    variables: BTreeMap<String, String>,
    request: TestRequest,
    keys: &K,
    now: i64,
) -> Result<TestInvocation, InvalidTestRequest> {
    let invalid = |field, message: String| InvalidTestRequest { field, message };
    if !request.path.starts_with('/') {
        return Err(invalid("path", "The path must start with /.".to_owned()));
    }
    if request.method == HttpMethod::Any {
        return Err(invalid(
            "method",
            "Choose a concrete HTTP method to test an ANY method.".to_owned(),
        ));
    }
    let api_id = snapshot.api.id.clone();
    let mut uri = format!("/{api_id}/{TEST_STAGE}{}", request.path);
    let query = request.query.trim().trim_start_matches('?');
    if !query.is_empty() {
        uri.push('?');
        uri.push_str(query);
    }
    let uri: http::Uri = uri.parse().map_err(|_| {
        invalid(
            "path",
            "The path or query string has characters a URL cannot carry; percent-encode them."
                .to_owned(),
        )
    })?;
    let mut builder = Request::builder().method(request.method.as_str()).uri(uri);
    for (name, value) in &request.headers {
        let name = http::HeaderName::from_bytes(name.trim().as_bytes())
            .map_err(|_| invalid("headers", format!("{name:?} is not a valid header name.")))?;
        let value = http::HeaderValue::from_str(value.trim())
            .map_err(|_| invalid("headers", format!("The value of {name} is not valid.")))?;
        builder = builder.header(name, value);
    }
    let req = builder
        .body(Bytes::from(request.body))
        .map_err(|e| invalid("path", e.to_string()))?;
    let runtime = Runtime::new(Gateway::compile([StageInput {
        rest_api_id: api_id,
        stage_name: StageName::new(TEST_STAGE),
        variables,
        snapshot,
    }]));
    let (resp, summary, log) = runtime.trace_at(req, keys, now).await;
    Ok(TestInvocation {
        response: TracedResponse {
            status: resp.status().as_u16(),
            headers: header_pairs(resp.headers()),
            body: String::from_utf8_lossy(resp.body()).into_owned(),
        },
        summary,
        log,
    })
}

//! What the gateway keeps of each request: one structured line on the `gatehouse::access`
//! target, and the last requests per stage for the console's Stage → Logs page.

use axum::body::Bytes;

/// Keeps the request for the console's Stage → Logs page (only requests that reached an
/// existing stage, so the table stays bounded).
pub(super) fn remember(
    recent: &gateway::RecentRequests,
    response: &axum::http::Response<Bytes>,
    summary: gateway::RequestSummary,
    method: axum::http::Method,
    path: &str,
    latency_ms: f64,
) {
    let Some(stage) = summary.stage.as_deref() else {
        return;
    };
    let below_stage = gateway::routes::split_invoke_path(path)
        .map(|(_, _, rest)| rest.to_owned())
        .unwrap_or_default();
    let time_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    recent.record(
        &stage.rest_api_id,
        &stage.stage_name,
        gateway::RecentRequest {
            time_ms,
            request_id: summary.request_id,
            method,
            path: below_stage,
            resource: summary.resource,
            status: response.status().as_u16(),
            latency_ms,
            auth: summary.auth,
        },
    );
}

/// One structured line per request on the `gatehouse::access` target. The principal is the
/// `sub` of the claims the authorizer verified: a token the gateway refused names nobody.
pub(super) fn log(
    response: &axum::http::Response<Bytes>,
    summary: &gateway::RequestSummary,
    method: &axum::http::Method,
    path: &str,
    latency_ms: f64,
) {
    tracing::info!(
        target: "gatehouse::access",
        request_id = %summary.request_id,
        api = summary.api_id().unwrap_or(""),
        stage = summary.stage_name().unwrap_or(""),
        resource = summary.resource.as_deref().unwrap_or(""),
        path,
        method = %method,
        status = response.status().as_u16(),
        latency_ms,
        principal = access_principal(summary).unwrap_or(""),
        "gateway request"
    );
}

/// The access log's `principal` field.
pub fn access_principal(summary: &gateway::RequestSummary) -> Option<&str> {
    summary.auth.principal()
}

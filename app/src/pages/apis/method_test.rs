//! Method **Test** (`?edit=test` on the method execution view), as API Gateway's console has:
//! path parameters, query string, headers and body in; status, headers, body, latency and the
//! execution log out. It runs the gateway's own pipeline on the API's working copy (saved but
//! not yet deployed, as AWS's Test does), under the stage name `test-invoke-stage`, and, unlike
//! AWS's Test, runs the Cognito authorizer too, showing its checks and claims.
use std::collections::BTreeMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::authorizers::test_tool::{StepState, TestStep};
use super::method_view::MethodView;
use super::shared::HTTP_METHODS;
use crate::components::form::{BUTTON_CLASS, FormError, INPUT_CLASS};
use crate::components::style::{CARD, MUTED};
use crate::error::AppError;

/// An HTTP message of the execution log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TracedHttp {
    /// `MOCK`, `HTTP`, `HTTP_PROXY` for requests; empty for responses.
    pub integration: String,
    pub method: String,
    pub uri: String,
    /// For responses.
    pub status: Option<u16>,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TracedAuthorizerView {
    pub name: String,
    pub allowed: bool,
    /// Served from the cache (no checks listed).
    pub cached: bool,
    pub steps: Vec<TestStep>,
    pub claims: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MethodTestResult {
    pub status: u16,
    /// Milliseconds, two decimals.
    pub latency_ms: String,
    pub headers: Vec<(String, String)>,
    /// Pretty-printed when it is JSON.
    pub body: String,
    /// `  0.12 ms  text` lines.
    pub log: Vec<String>,
    pub authorizer: Option<TracedAuthorizerView>,
    pub integration_request: Option<TracedHttp>,
    pub integration_response: Option<TracedHttp>,
}

/// The `{name}` / `{name+}` placeholders of a resource path, in order.
pub fn path_params(path: &str) -> Vec<String> {
    path.split('/')
        .filter_map(|part| part.strip_prefix('{')?.strip_suffix('}'))
        .map(|p| p.trim_end_matches('+').to_owned())
        .collect()
}

/// `Name: value` lines; blank lines are skipped.
pub fn parse_header_lines(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match line.split_once(':') {
            Some((name, value)) if !name.trim().is_empty() => {
                out.push((name.trim().to_owned(), value.trim().to_owned()))
            }
            _ => {
                return Err(format!("Line {}: write each header as Name: value.", n + 1));
            }
        }
    }
    Ok(out)
}

/// `name=value` lines (stage variables); blank lines are skipped.
pub fn parse_variable_lines(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match line.split_once('=') {
            Some((name, value)) if !name.trim().is_empty() => {
                out.insert(name.trim().to_owned(), value.trim().to_owned());
            }
            _ => {
                return Err(format!(
                    "Line {}: write each variable as name=value.",
                    n + 1
                ));
            }
        }
    }
    Ok(out)
}

/// JSON pretty-printed, anything else as it is.
#[cfg(feature = "ssr")]
fn pretty(body: &str) -> String {
    use leptos::serde_json;
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .filter(|v| v.is_object() || v.is_array())
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| body.to_owned())
}

/// The form [`test_api_method`] reads, flattened: the browser posts these fields under their
/// own names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestApiMethodInput {
    pub api_id: String,
    pub resource_id: String,
    pub http_method: String,
    /// For an ANY method: the verb to send.
    #[serde(default)]
    pub test_method: String,
    #[serde(default)]
    pub path_params: BTreeMap<String, String>,
    #[serde(default)]
    pub query: String,
    #[serde(default)]
    pub headers: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub stage_variables: String,
}

#[server(endpoint = "test_api_method")]
pub async fn test_api_method(
    #[server(flatten)] input: TestApiMethodInput,
) -> Result<MethodTestResult, AppError> {
    let TestApiMethodInput {
        api_id,
        resource_id,
        http_method,
        test_method,
        path_params,
        query,
        headers,
        body,
        stage_variables,
    } = input;
    use std::time::{SystemTime, UNIX_EPOCH};

    use super::shared::ssr::{db, invalid, verb};
    use crate::auth::ssr::{require_admin, state};

    require_admin().await?;
    let (api_id, resource_id) = (
        apis::RestApiId::new(api_id),
        apis::ResourceId::new(resource_id),
    );
    let declared = verb(&http_method)?;
    let send = if declared == apis::HttpMethod::Any {
        verb(&test_method).map_err(|_| invalid("test_method", "Choose the method to send."))?
    } else {
        declared
    };
    let resource = apis::store::get_resource(&db(), &api_id, &resource_id).await?;
    let mut path = String::new();
    for part in resource.path.split('/').filter(|p| !p.is_empty()) {
        path.push('/');
        match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
            Some(param) => {
                let name = param.trim_end_matches('+');
                let value = path_params
                    .get(name)
                    .map(|v| v.trim().trim_matches('/'))
                    .unwrap_or_default();
                if value.is_empty() {
                    return Err(invalid(
                        &format!("path_params[{name}]"),
                        format!("Enter a value for {{{name}}}."),
                    ));
                }
                path.push_str(value);
            }
            None => path.push_str(part),
        }
    }
    if path.is_empty() {
        path.push('/');
    }
    let headers = parse_header_lines(&headers).map_err(|m| invalid("headers", m))?;
    let variables =
        parse_variable_lines(&stage_variables).map_err(|m| invalid("stage_variables", m))?;
    let (snapshot, _) = apis::store::working_copy(&db(), &api_id).await?;
    let keys = state().keys;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default();
    let run = gateway::test_invoke(
        snapshot,
        variables,
        gateway::TestRequest {
            method: send,
            path,
            query,
            headers,
            body,
        },
        keys.as_ref(),
        now,
    )
    .await
    .map_err(|e| match e.field {
        "path" => invalid("path_params", e.message),
        field => invalid(field, e.message),
    })?;

    let log = run.log;
    let authorizer = log.authorizer.map(|a| {
        let allowed = matches!(run.summary.auth, gateway::AuthOutcome::Allowed { .. });
        let mut steps: Vec<TestStep> = a
            .outcome
            .as_ref()
            .map(|o| {
                o.trace
                    .iter()
                    .map(|s| TestStep {
                        title: s.check.title().to_owned(),
                        state: if s.passed {
                            StepState::Passed
                        } else {
                            StepState::Failed
                        },
                        detail: s.detail.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        if !allowed {
            let ran = steps.len();
            steps.extend(
                apis::authorizer::Check::ALL
                    .iter()
                    .skip(ran)
                    .map(|c| TestStep {
                        title: c.title().to_owned(),
                        state: StepState::NotRun,
                        detail: "Not run: the gateway stops at the first failed check.".to_owned(),
                    }),
            );
        }
        TracedAuthorizerView {
            name: a.authorizer_name,
            allowed,
            cached: a.outcome.is_none(),
            steps,
            claims: a.claims,
        }
    });
    Ok(MethodTestResult {
        status: run.response.status,
        latency_ms: format!("{:.2}", log.latency.as_secs_f64() * 1000.0),
        headers: run.response.headers,
        body: pretty(&run.response.body),
        log: log
            .lines
            .iter()
            .map(|l| format!("{:>8.2} ms  {}", l.at.as_secs_f64() * 1000.0, l.text))
            .collect(),
        authorizer,
        integration_request: log.integration_request.map(|r| TracedHttp {
            integration: r.integration,
            method: r.method,
            uri: r.uri,
            status: None,
            headers: r.headers,
            body: pretty(&r.body),
        }),
        integration_response: log.integration_response.map(|r| TracedHttp {
            integration: String::new(),
            method: String::new(),
            uri: String::new(),
            status: Some(r.status),
            headers: r.headers,
            body: pretty(&r.body),
        }),
    })
}

const LABEL: &str = "block text-sm font-medium";
const PRE: &str = "max-h-96 overflow-auto whitespace-pre-wrap break-all rounded-md bg-slate-900 p-3 font-mono text-xs leading-relaxed text-slate-100 dark:bg-slate-950";

#[component]
pub fn MethodTestPanel(method: MethodView) -> AnyView {
    let action = ServerAction::<TestApiMethod>::new();
    let error = Signal::derive(move || action.value().get().and_then(|r| r.err()));
    let field_error = move |name: String| move || error.get().and_then(|e| e.for_field(&name));
    let pending = action.pending();
    let params = path_params(&method.resource_path);
    let is_any = method.http_method == "ANY";
    let token_header = method
        .authorizer_id
        .as_ref()
        .filter(|_| method.authorization_type == "COGNITO_USER_POOLS")
        .map(|_| "Authorization");
    let headers_placeholder = match token_header {
        Some(h) => format!("{h}: eyJraWQiOi…\nContent-Type: application/json"),
        None => "Content-Type: application/json\nAccept: application/json".to_owned(),
    };
    view! {
        <div class="space-y-4" data-testid="method-test">
            <p class=format!("max-w-3xl {MUTED}")>
                "Sends one request through the gateway's pipeline with this API's saved configuration, deployed or not (stage name "
                <code class="font-mono text-xs">"test-invoke-stage"</code>
                "). The authorizer runs as on a stage: paste a user's ID token in the Authorization header."
            </p>
            <ActionForm action attr:class="space-y-4" attr:novalidate=true>
                <FormError error />
                <input type="hidden" name="api_id" value=method.api_id.clone() />
                <input type="hidden" name="resource_id" value=method.resource_id.clone() />
                <input type="hidden" name="http_method" value=method.http_method.clone() />
                <div class="grid gap-4 md:grid-cols-2">
                    {is_any.then(|| view! {
                        <div class="space-y-1">
                            <label for="test-method" class=LABEL>"Method"</label>
                            <select id="test-method" name="test_method" class=INPUT_CLASS>
                                {HTTP_METHODS.iter().filter(|m| **m != "ANY").map(|m| view! { <option value=*m selected=*m == "GET">{*m}</option> }).collect_view()}
                            </select>
                        </div>
                    })}
                    <div class="space-y-2">
                        <p class=LABEL>"Path"</p>
                        <p class="break-all font-mono text-sm" data-testid="test-path">{method.resource_path.clone()}</p>
                        {params.into_iter().map(|p| {
                            let id = format!("test-path-{p}");
                            let field = format!("path_params[{p}]");
                            let message = field_error(field.clone());
                            view! {
                                <div class="space-y-1">
                                    <label for=id.clone() class="block text-xs font-medium text-slate-600 dark:text-slate-300">{format!("{{{p}}}")}</label>
                                    <input id=id name=field class=format!("{INPUT_CLASS} font-mono") autocomplete="off" spellcheck="false" />
                                    <p class="text-sm text-red-600 dark:text-red-400">{message}</p>
                                </div>
                            }
                        }).collect_view()}
                        <p class="text-sm text-red-600 dark:text-red-400">{field_error("path_params".to_owned())}</p>
                    </div>
                    <div class="space-y-1">
                        <label for="test-query" class=LABEL>"Query string"</label>
                        <input id="test-query" name="query" class=format!("{INPUT_CLASS} font-mono") placeholder="name=value&other=value" autocomplete="off" spellcheck="false" />
                        <p class="text-sm text-red-600 dark:text-red-400">{field_error("query".to_owned())}</p>
                    </div>
                </div>
                <div class="grid gap-4 md:grid-cols-2">
                    <div class="space-y-1">
                        <label for="test-headers" class=LABEL>"Headers"</label>
                        <textarea id="test-headers" name="headers" rows="5" spellcheck="false" autocomplete="off"
                            class=format!("{INPUT_CLASS} break-all font-mono text-xs") placeholder=headers_placeholder
                            aria-describedby="test-headers-help"></textarea>
                        <p id="test-headers-help" class="text-xs text-slate-500 dark:text-slate-400">"One per line, Name: value."</p>
                        <p class="text-sm text-red-600 dark:text-red-400" data-testid="error-headers">{field_error("headers".to_owned())}</p>
                    </div>
                    <div class="space-y-1">
                        <label for="test-body" class=LABEL>"Request body"</label>
                        <textarea id="test-body" name="body" rows="5" spellcheck="false" autocomplete="off"
                            class=format!("{INPUT_CLASS} font-mono text-xs") placeholder="{\"example\": true}"></textarea>
                    </div>
                    <div class="space-y-1">
                        <label for="test-stage-variables" class=LABEL>"Stage variables"</label>
                        <textarea id="test-stage-variables" name="stage_variables" rows="2" spellcheck="false" autocomplete="off"
                            class=format!("{INPUT_CLASS} font-mono text-xs") placeholder="name=value"
                            aria-describedby="test-stage-variables-help"></textarea>
                        <p id="test-stage-variables-help" class="text-xs text-slate-500 dark:text-slate-400">"One per line, name=value ($stageVariables.name)."</p>
                        <p class="text-sm text-red-600 dark:text-red-400" data-testid="error-stage_variables">{field_error("stage_variables".to_owned())}</p>
                    </div>
                </div>
                <button type="submit" class=BUTTON_CLASS disabled=move || pending.get()>
                    {move || if pending.get() { "Testing…" } else { "Test" }}
                </button>
            </ActionForm>
            {move || action.value().get().and_then(|r| r.ok()).map(|r| view! { <TestOutcome result=r /> })}
        </div>
    }
    .into_any()
}

fn status_class(status: u16) -> &'static str {
    if status < 400 {
        "rounded-md bg-emerald-600 px-2.5 py-1 font-mono text-sm font-semibold text-white"
    } else if status < 500 {
        "rounded-md bg-amber-600 px-2.5 py-1 font-mono text-sm font-semibold text-white"
    } else {
        "rounded-md bg-red-600 px-2.5 py-1 font-mono text-sm font-semibold text-white"
    }
}

fn header_text(headers: &[(String, String)]) -> String {
    headers
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[component]
fn TestOutcome(result: MethodTestResult) -> AnyView {
    let headers = header_text(&result.headers);
    let log = result.log.join("\n");
    view! {
        <div class="space-y-5 border-t border-slate-200 pt-5 dark:border-slate-800" data-testid="method-test-result">
            <div class="flex flex-wrap items-center gap-x-4 gap-y-2" role="status">
                <span class=status_class(result.status) data-testid="method-test-status">{result.status}</span>
                <span class="text-sm">"Latency "<strong data-testid="method-test-latency">{format!("{} ms", result.latency_ms)}</strong></span>
            </div>
            <div class="grid items-start gap-5 xl:grid-cols-2">
                <div class="space-y-2">
                    <h3 class="text-sm font-semibold">"Response body"</h3>
                    <pre class=PRE data-testid="method-test-body">{result.body.clone()}</pre>
                </div>
                <div class="space-y-2">
                    <h3 class="text-sm font-semibold">"Response headers"</h3>
                    <pre class=PRE data-testid="method-test-headers">{headers}</pre>
                </div>
            </div>
            {result.authorizer.clone().map(|a| view! { <AuthorizerSection authorizer=a /> })}
            <div class="grid items-start gap-5 xl:grid-cols-2">
                {result.integration_request.clone().map(|r| view! { <HttpSection title="Integration request (after templates)" message=r testid="method-test-integration-request" /> })}
                {result.integration_response.clone().map(|r| view! { <HttpSection title="Integration response" message=r testid="method-test-integration-response" /> })}
            </div>
            <div class="space-y-2">
                <h3 class="text-sm font-semibold">"Execution log"</h3>
                <pre class=format!("{PRE} whitespace-pre") data-testid="method-test-log">{log}</pre>
            </div>
        </div>
    }
    .into_any()
}

#[component]
fn AuthorizerSection(authorizer: TracedAuthorizerView) -> AnyView {
    let verdict = match (authorizer.allowed, authorizer.cached) {
        (true, true) => "allowed (cached)",
        (true, false) => "allowed",
        (false, _) => "denied",
    };
    let verdict_class = if authorizer.allowed {
        "font-medium text-emerald-700 dark:text-emerald-400"
    } else {
        "font-medium text-red-700 dark:text-red-400"
    };
    view! {
        <div class="space-y-2" data-testid="method-test-authorizer">
            <h3 class="text-sm font-semibold">
                {format!("Authorizer “{}”: ", authorizer.name)}
                <span class=verdict_class data-testid="method-test-authorizer-verdict">{verdict}</span>
            </h3>
            <div class="grid items-start gap-5 xl:grid-cols-2">
                <ol class="divide-y divide-slate-100 rounded-md border border-slate-200 text-sm dark:divide-slate-800 dark:border-slate-700">
                    {authorizer.steps.into_iter().map(|s| {
                        let (mark, mark_class) = match s.state {
                            StepState::Passed => ("✓", "text-emerald-600 dark:text-emerald-400"),
                            StepState::Failed => ("✗", "text-red-600 dark:text-red-400"),
                            StepState::NotRun => ("–", "text-slate-400 dark:text-slate-500"),
                        };
                        view! {
                            <li class="flex gap-3 px-3 py-1.5" data-testid="method-test-check">
                                <span class=format!("w-4 shrink-0 text-center font-bold {mark_class}")>{mark}</span>
                                <span class="min-w-0"><span class="font-medium">{s.title}</span>" "<span class="break-words text-slate-600 dark:text-slate-300">{s.detail}</span></span>
                            </li>
                        }
                    }).collect_view()}
                </ol>
                {(!authorizer.claims.is_empty()).then(|| view! {
                    <table class="w-full rounded-md border border-slate-200 text-left text-sm dark:border-slate-700" data-testid="method-test-claims">
                        <thead class="bg-slate-50 text-xs uppercase text-slate-500 dark:bg-slate-800/50 dark:text-slate-400">
                            <tr><th scope="col" class="px-3 py-2 font-medium">"Claim"</th><th scope="col" class="px-3 py-2 font-medium">"Value"</th></tr>
                        </thead>
                        <tbody class="divide-y divide-slate-100 dark:divide-slate-800">
                            {authorizer.claims.into_iter().map(|(k, v)| view! {
                                <tr><td class="whitespace-nowrap px-3 py-1 font-mono text-xs">{k}</td><td class="break-all px-3 py-1 font-mono text-xs">{v}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                })}
            </div>
        </div>
    }
    .into_any()
}

#[component]
fn HttpSection(title: &'static str, message: TracedHttp, testid: &'static str) -> AnyView {
    let first = match message.status {
        Some(status) => format!("Status {status}"),
        None if message.uri.is_empty() => format!("{} (no backend call)", message.integration),
        None => format!("{} {} {}", message.integration, message.method, message.uri),
    };
    let headers = header_text(&message.headers);
    let body = if message.body.is_empty() {
        "(empty body)".to_owned()
    } else {
        message.body
    };
    view! {
        <div class="space-y-2" data-testid=testid>
            <h3 class="text-sm font-semibold">{title}</h3>
            <p class="break-all font-mono text-xs">{first}</p>
            {(!headers.is_empty()).then(|| view! { <pre class=PRE>{headers}</pre> })}
            <pre class=PRE>{body}</pre>
        </div>
    }
    .into_any()
}

/// Wraps the panel in the method page's card.
#[component]
pub fn MethodTestCard(method: MethodView, close: String) -> AnyView {
    view! {
        <section class=format!("{CARD} scroll-mt-20") aria-labelledby="method-test-heading" data-testid="method-test-panel">
            <div class="flex items-center justify-between gap-3">
                <h2 id="method-test-heading" class="text-lg font-semibold">{format!("Test {} {}", method.http_method, method.resource_path)}</h2>
                <a href=close class="text-sm hover:underline">"Close"</a>
            </div>
            <div class="mt-4"><MethodTestPanel method /></div>
        </section>
    }
    .into_any()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn path_params_in_order() {
        assert_eq!(path_params("/pets/{id}/toys/{toy}"), ["id", "toy"]);
        assert_eq!(path_params("/files/{proxy+}"), ["proxy"]);
        assert!(path_params("/").is_empty());
    }

    #[test]
    fn variable_lines() {
        let vars = parse_variable_lines("env = prod\n\nurl=http://x/?a=b").unwrap();
        assert_eq!(vars.get("env").map(String::as_str), Some("prod"));
        assert_eq!(vars.get("url").map(String::as_str), Some("http://x/?a=b"));
        assert_eq!(
            parse_variable_lines("=x").unwrap_err(),
            "Line 1: write each variable as name=value."
        );
    }

    #[test]
    fn header_lines() {
        assert_eq!(
            parse_header_lines("Authorization: Bearer a:b\n\n X-Y :1").unwrap(),
            [
                ("Authorization".to_owned(), "Bearer a:b".to_owned()),
                ("X-Y".to_owned(), "1".to_owned())
            ]
        );
        assert_eq!(
            parse_header_lines("ok: 1\nbroken").unwrap_err(),
            "Line 2: write each header as Name: value."
        );
    }
}

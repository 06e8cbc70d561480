//! Test authorizer: paste a token (or a whole header value), and see what the gateway would
//! answer, the claims the backend would get, the latency, the keys used and every check in
//! plain words. It runs the gateway's own `apis::authorize` on the authorizer as saved, with
//! keys resolved afresh by the process's `apis::AuthorizerKeys` (its JWKS cache shared with the
//! gateway), so it doubles as a JWT debugger.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::AuthorizerView;
use crate::components::form::{BUTTON_CLASS, Field, FormError, INPUT_CLASS};
use crate::components::style::{CARD, LINK, MUTED};
use crate::error::AppError;

/// How a check of the trace ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StepState {
    Passed,
    Failed,
    /// After a failed check: the gateway stops at the first failure.
    NotRun,
}

impl StepState {
    fn as_str(self) -> &'static str {
        match self {
            StepState::Passed => "passed",
            StepState::Failed => "failed",
            StepState::NotRun => "not-run",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestStep {
    pub title: String,
    pub state: StepState,
    pub detail: String,
}

/// Where one pool's keys came from, in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyLine {
    pub pool: String,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuthorizerTestResult {
    /// What the client would get: 200 (the request goes on to the integration) or 401.
    pub status: u16,
    /// The 401's message (`Unauthorized`, `The incoming token has expired`).
    pub message: Option<String>,
    /// `$context.authorizer.claims` as the backend would get them (every value a string).
    pub claims: Vec<(String, String)>,
    /// Milliseconds, one decimal: the whole check, the key lookup, the checks themselves.
    pub latency_ms: String,
    pub keys_ms: String,
    pub checks_ms: String,
    pub steps: Vec<TestStep>,
    pub warnings: Vec<String>,
    pub keys: Vec<KeyLine>,
    /// The decoded token (not trusted), pretty JSON.
    pub token_header: Option<String>,
    pub token_payload: Option<String>,
    pub header_name: String,
    pub scopes: Vec<String>,
    /// How long the gateway would cache an Allow.
    pub cache_note: Option<String>,
}

/// Splits the scopes field (spaces or commas).
pub fn parse_scopes(raw: &str) -> Vec<String> {
    raw.split(|c: char| c.is_whitespace() || c == ',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

#[server(endpoint = "test_api_authorizer")]
pub async fn test_api_authorizer(
    api_id: String,
    authorizer_id: String,
    token: String,
    scopes: Option<String>,
) -> Result<AuthorizerTestResult, AppError> {
    use std::time::{Instant, SystemTime, UNIX_EPOCH};

    use apis::authorizer::{Check, Decision, human_duration};
    use apis::keys::{KeyOrigin, token_kid};
    use leptos::serde_json;

    use crate::auth::ssr::{require_admin, state};
    use crate::pages::apis::shared::ssr::db;

    let me = require_admin().await?;
    let state = state();
    let (api_id, authorizer_id) = (
        apis::RestApiId::new(api_id),
        apis::AuthorizerId::new(authorizer_id),
    );
    let authorizer = apis::store::get_authorizer(&db(), &api_id, &authorizer_id).await?;
    let method_scopes = parse_scopes(scopes.as_deref().unwrap_or_default());
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default();

    let started = Instant::now();
    let kid = token_kid(&token);
    let keys = state
        .keys
        .resolve(&authorizer.provider_arns, kid.as_deref())
        .await;
    let keys_elapsed = started.elapsed();
    let headers = apis::identity_headers(&authorizer, &token);
    let checks_started = Instant::now();
    let outcome = apis::authorize(&apis::AuthorizerInput {
        authorizer: &authorizer,
        method_scopes: &method_scopes,
        headers: &headers,
        pools: &keys.pools,
        now,
    });
    let checks_elapsed = checks_started.elapsed();
    let total = started.elapsed();

    let mut steps: Vec<TestStep> = outcome
        .trace
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
        .collect();
    if outcome.failed_step().is_some() {
        let ran = outcome.trace.len();
        steps.extend(
            Check::ALL
                .iter()
                .skip(ran)
                .filter(|c| **c != Check::Scope || !method_scopes.is_empty())
                .map(|c| TestStep {
                    title: c.title().to_owned(),
                    state: StepState::NotRun,
                    detail: "not checked: the gateway stops at the first failed check".to_owned(),
                }),
        );
    }
    let (status, message, claims) = match &outcome.decision {
        Decision::Allow { claims } => (
            200,
            None,
            claims
                .iter()
                .map(|(k, v)| {
                    let v = v
                        .as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| v.to_string());
                    (k.clone(), v)
                })
                .collect(),
        ),
        Decision::Deny { status, message } => (*status, Some(message.clone()), Vec::new()),
    };
    let cache_note = outcome.is_allowed().then(|| {
        let ttl = authorizer.authorizer_result_ttl_in_seconds;
        let secs = outcome.cache_seconds(ttl, now);
        if ttl == 0 {
            "Result caching is off: the gateway checks every request.".to_owned()
        } else if i64::from(ttl) > secs {
            format!(
                "The gateway would reuse this Allow for the same token for {} (until the token expires; the TTL is {ttl} s).",
                human_duration(secs)
            )
        } else {
            format!(
                "The gateway would reuse this Allow for the same token for {} (the authorizer's TTL).",
                human_duration(secs)
            )
        }
    });
    let key_lines = keys
        .sources
        .iter()
        .map(|s| {
            let kids = if s.kids.is_empty() {
                "no keys".to_owned()
            } else {
                format!("kid {}", s.kids.join(", "))
            };
            let age = s
                .age_seconds
                .map(|a| human_duration(a as i64))
                .unwrap_or_default();
            let detail = match s.origin {
                KeyOrigin::Embedded => format!("this Gatehouse's user pool: {kids}"),
                KeyOrigin::Fetched => format!("fetched just now from {}: {kids}", s.jwks_url),
                KeyOrigin::Cached => {
                    format!("fetched {age} ago from {} (cached): {kids}", s.jwks_url)
                }
                KeyOrigin::Unavailable => "no keys available (see the warnings)".to_owned(),
            };
            KeyLine {
                pool: if s.pool_id.is_empty() {
                    s.provider.clone()
                } else {
                    s.pool_id.clone()
                },
                detail,
            }
        })
        .collect();
    let pretty = |m: &serde_json::Map<String, serde_json::Value>| {
        serde_json::to_string_pretty(m).unwrap_or_default()
    };
    let ms = |d: std::time::Duration| format!("{:.1}", d.as_secs_f64() * 1000.0);
    tracing::info!(api.id = %api_id, authorizer.id = %authorizer_id, by = %me.username,
        status, check = ?outcome.failed_step().map(|s| s.check), "authorizer tested in the console");
    Ok(AuthorizerTestResult {
        status,
        message,
        claims,
        latency_ms: ms(total),
        keys_ms: ms(keys_elapsed),
        checks_ms: ms(checks_elapsed),
        steps,
        warnings: keys.warnings,
        keys: key_lines,
        token_header: outcome.token.as_ref().map(|t| pretty(&t.header)),
        token_payload: outcome.token.as_ref().map(|t| pretty(&t.payload)),
        header_name: authorizer.identity_header().unwrap_or_default().to_owned(),
        scopes: method_scopes,
        cache_note,
    })
}

#[component]
pub fn TestPanel(
    api_id: String,
    authorizer: AuthorizerView,
    testing: RwSignal<Option<AuthorizerView>>,
) -> AnyView {
    let action = ServerAction::<TestApiAuthorizer>::new();
    let error = Signal::derive(move || action.value().get().and_then(|r| r.err()));
    let pending = action.pending();
    let section = NodeRef::<leptos::html::Section>::new();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(el) = section.get() {
            el.scroll_into_view();
        }
    });
    let header = authorizer.header.clone();
    let local_pools: Vec<(String, String)> = authorizer
        .providers
        .iter()
        .filter_map(|p| p.local_name.clone().map(|n| (p.pool_id.clone(), n)))
        .collect();
    view! {
        <section node_ref=section class=format!("{CARD} scroll-mt-20") aria-labelledby="authorizer-test-heading" data-testid="authorizer-test">
            <div class="flex items-start justify-between gap-3">
                <div class="min-w-0">
                    <h2 id="authorizer-test-heading" class="font-semibold">{format!("Test authorizer “{}”", authorizer.name)}</h2>
                    <p class=format!("mt-1 max-w-3xl {MUTED}")>
                        {format!("Paste a token as a client sends it in the {header} header: the JWT alone or “Bearer eyJ…”. The check is exactly the gateway's, with this authorizer's saved settings and its pools' current keys.")}
                    </p>
                    {(!local_pools.is_empty()).then(|| view! {
                        <p class=format!("mt-1 {MUTED}")>
                            "Get a token on the Get a token tab of "
                            {local_pools.into_iter().enumerate().map(|(i, (id, name))| view! {
                                {(i > 0).then_some(", ")}
                                <a class=LINK href=format!("/user-pools/{id}?tab=token")>{name}</a>
                            }).collect_view()}
                            "."
                        </p>
                    })}
                </div>
                <button type="button" class="text-sm hover:underline" on:click=move |_| testing.set(None)>"Close"</button>
            </div>
            <ActionForm action attr:class="mt-4 space-y-4" attr:novalidate=true>
                <FormError error />
                <input type="hidden" name="api_id" value=api_id />
                <input type="hidden" name="authorizer_id" value=authorizer.id.clone() />
                <div class="space-y-1">
                    <label for="authorizer-test-token" class="block text-sm font-medium">{format!("Token ({} header value)", authorizer.header)}</label>
                    <textarea id="authorizer-test-token" name="token" rows="4" spellcheck="false" autocomplete="off"
                        class=format!("{INPUT_CLASS} break-all font-mono text-xs")
                        placeholder="eyJraWQiOi… or Bearer eyJraWQiOi…"></textarea>
                </div>
                <Field label="OAuth scopes of the method (optional)" name="scopes" autocomplete="off"
                    placeholder="e.g. orders/read orders/write"
                    help="Leave empty to test as a method without OAuth scopes (it takes ID tokens). Enter a method's scopes, separated by spaces, to test as that scoped method (it takes access tokens holding one of them)."
                    error />
                <button type="submit" class=BUTTON_CLASS disabled=move || pending.get()>
                    {move || if pending.get() { "Testing…" } else { "Test" }}
                </button>
            </ActionForm>
            {move || action.value().get().and_then(|r| r.ok()).map(|r| view! { <TestResultView result=r /> })}
        </section>
    }
    .into_any()
}

#[component]
fn TestResultView(result: AuthorizerTestResult) -> AnyView {
    let allowed = result.status == 200;
    let status_class = if allowed {
        "rounded-md bg-emerald-600 px-2.5 py-1 font-mono text-sm font-semibold text-white"
    } else {
        "rounded-md bg-red-600 px-2.5 py-1 font-mono text-sm font-semibold text-white"
    };
    let status_text = if allowed {
        "200 OK".to_owned()
    } else {
        format!("{} Unauthorized", result.status)
    };
    let summary = match &result.message {
        None => "Authorized: the request would go on to the method's integration.".to_owned(),
        Some(m) => format!(
            "The client would get {{\"message\":\"{m}\"}} and the integration would not be called."
        ),
    };
    let scoped = if result.scopes.is_empty() {
        "Tested as a method without OAuth scopes.".to_owned()
    } else {
        format!(
            "Tested as a method with the OAuth scopes {}.",
            result.scopes.join(" ")
        )
    };
    view! {
        <div class="mt-6 space-y-5 border-t border-slate-200 pt-5 dark:border-slate-800" data-testid="test-result">
            <div class="flex flex-wrap items-center gap-x-4 gap-y-2" role="status">
                <span class=status_class data-testid="test-status">{status_text}</span>
                <span class="text-sm" data-testid="test-summary">{summary}</span>
            </div>
            <p class="text-sm text-slate-600 dark:text-slate-300">
                "Latency "
                <strong data-testid="test-latency">{format!("{} ms", result.latency_ms)}</strong>
                {format!(" (keys {} ms, checks {} ms). {scoped}", result.keys_ms, result.checks_ms)}
                {result.cache_note.clone().map(|n| format!(" {n}"))}
            </p>
            <Warnings warnings=result.warnings.clone() />
            <div class="grid items-start gap-5 2xl:grid-cols-2">
                <TraceList steps=result.steps.clone() />
                <div class="space-y-5">
                    <ClaimsTable claims=result.claims.clone() />
                    <KeysList keys=result.keys.clone() />
                    <DecodedToken header=result.token_header.clone() payload=result.token_payload.clone() open=!allowed />
                </div>
            </div>
        </div>
    }
    .into_any()
}

#[component]
fn Warnings(warnings: Vec<String>) -> AnyView {
    if warnings.is_empty() {
        return ().into_any();
    }
    view! {
        <div role="alert" data-testid="test-warnings" class="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
            <p class="font-medium">"Key warnings"</p>
            <ul class="mt-1 list-disc space-y-1 pl-5">
                {warnings.into_iter().map(|w| view! { <li class="break-words">{w}</li> }).collect_view()}
            </ul>
        </div>
    }
    .into_any()
}

#[component]
fn TraceList(steps: Vec<TestStep>) -> AnyView {
    view! {
        <div>
            <h3 class="text-sm font-semibold">"Checks"</h3>
            <ol class="mt-2 divide-y divide-slate-100 rounded-md border border-slate-200 dark:divide-slate-800 dark:border-slate-700" data-testid="test-trace">
                {steps.into_iter().map(|s| view! { <TraceItem step=s /> }).collect_view()}
            </ol>
        </div>
    }
    .into_any()
}

#[component]
fn TraceItem(step: TestStep) -> AnyView {
    let (mark, label, mark_class) = match step.state {
        StepState::Passed => ("✓", "passed", "text-emerald-600 dark:text-emerald-400"),
        StepState::Failed => ("✗", "failed", "text-red-600 dark:text-red-400"),
        StepState::NotRun => ("–", "not run", "text-slate-400 dark:text-slate-500"),
    };
    let row_class = match step.state {
        StepState::Failed => "flex gap-3 bg-red-50 px-3 py-2 text-sm dark:bg-red-950/40",
        StepState::NotRun => "flex gap-3 px-3 py-2 text-sm text-slate-400 dark:text-slate-500",
        StepState::Passed => "flex gap-3 px-3 py-2 text-sm",
    };
    let detail_class = match step.state {
        StepState::NotRun => "block break-words",
        _ => "block break-words text-slate-600 dark:text-slate-300",
    };
    view! {
        <li class=row_class data-testid="trace-step" data-state=step.state.as_str()>
            <span class=format!("w-4 shrink-0 text-center font-bold {mark_class}") role="img" aria-label=label>{mark}</span>
            <span class="min-w-0">
                <span class="font-medium">{step.title}</span>
                <span class=detail_class data-testid="trace-detail">{step.detail}</span>
            </span>
        </li>
    }
    .into_any()
}

#[component]
fn ClaimsTable(claims: Vec<(String, String)>) -> AnyView {
    if claims.is_empty() {
        return ().into_any();
    }
    view! {
        <div>
            <h3 class="text-sm font-semibold">"Claims"</h3>
            <p class="mt-0.5 text-xs text-slate-500 dark:text-slate-400">"As the backend gets them ($context.authorizer.claims): every value a string, exp and iat as dates."</p>
            <div class="mt-2 overflow-x-auto rounded-md border border-slate-200 dark:border-slate-700">
                <table class="w-full text-left text-sm" data-testid="test-claims">
                    <thead class="bg-slate-50 text-xs uppercase text-slate-500 dark:bg-slate-800/50 dark:text-slate-400">
                        <tr><th scope="col" class="px-3 py-2 font-medium">"Claim"</th><th scope="col" class="px-3 py-2 font-medium">"Value"</th></tr>
                    </thead>
                    <tbody class="divide-y divide-slate-100 dark:divide-slate-800">
                        {claims.into_iter().map(|(k, v)| view! {
                            <tr data-testid="claim-row">
                                <td class="whitespace-nowrap px-3 py-1.5 font-mono text-xs">{k}</td>
                                <td class="break-all px-3 py-1.5 font-mono text-xs">{v}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </div>
    }
    .into_any()
}

#[component]
fn KeysList(keys: Vec<KeyLine>) -> AnyView {
    view! {
        <div>
            <h3 class="text-sm font-semibold">"Keys"</h3>
            <ul class="mt-2 space-y-1 text-sm" data-testid="test-keys">
                {keys.into_iter().map(|k| view! {
                    <li class="break-words"><span class="font-mono text-xs">{k.pool}</span>": "{k.detail}</li>
                }).collect_view()}
            </ul>
        </div>
    }
    .into_any()
}

#[component]
fn DecodedToken(header: Option<String>, payload: Option<String>, open: bool) -> AnyView {
    let Some(payload) = payload else {
        return ().into_any();
    };
    view! {
        <details class="rounded-md border border-slate-200 p-3 dark:border-slate-700" open=open>
            <summary class="cursor-pointer text-sm font-semibold">"Decoded token (not verified)"</summary>
            <pre class="mt-2 max-h-40 overflow-auto rounded-md bg-slate-900 p-3 font-mono text-xs leading-relaxed text-slate-100 dark:bg-slate-950" data-testid="test-token-header">{header.unwrap_or_default()}</pre>
            <pre class="mt-2 max-h-96 overflow-auto rounded-md bg-slate-900 p-3 font-mono text-xs leading-relaxed text-slate-100 dark:bg-slate-950" data-testid="test-token-payload">{payload}</pre>
        </details>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_split_on_spaces_and_commas() {
        assert_eq!(
            parse_scopes(" orders/read, orders/write  x "),
            ["orders/read", "orders/write", "x"]
        );
        assert!(parse_scopes("  ").is_empty());
    }
}

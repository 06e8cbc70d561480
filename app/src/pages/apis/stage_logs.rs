//! A stage's Logs: the most recent requests the gateway served on it, newest first, with the
//! authorizer's outcome. Kept in memory by the gateway of this process (the console and the
//! gateway run in one process), the last 200 per stage: other nodes keep their own, and a
//! restart starts afresh.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::components::form::SECONDARY_BUTTON_CLASS;
use crate::components::load_error::Loaded;
use crate::components::style::{EMPTY, MUTED};
use crate::error::AppError;

/// How the authorizer decided, in words for the table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum AuthView {
    /// The method has no authorizer (or the request never reached it).
    None,
    Allowed {
        principal: Option<String>,
        cached: bool,
    },
    Denied {
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestLogView {
    /// UTC, `2026-11-26 09:40:12.345`.
    pub time: String,
    pub request_id: String,
    pub method: String,
    pub path: String,
    pub resource: Option<String>,
    pub status: u16,
    /// Milliseconds, two decimals.
    pub latency_ms: String,
    pub auth: AuthView,
}

#[server(endpoint = "list_stage_requests")]
pub async fn list_stage_requests(
    api_id: String,
    stage: String,
) -> Result<Vec<RequestLogView>, AppError> {
    use crate::auth::ssr::{require_admin, state};
    use sqlx::types::time::OffsetDateTime;

    require_admin().await?;
    let recent = state()
        .recent_requests
        .list(&apis::RestApiId::new(api_id), &apis::StageName::new(stage));
    Ok(recent
        .into_iter()
        .map(|r| {
            let time = OffsetDateTime::from_unix_timestamp_nanos(i128::from(r.time_ms) * 1_000_000)
                .map(|t| {
                    format!(
                        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03}",
                        t.year(),
                        u8::from(t.month()),
                        t.day(),
                        t.hour(),
                        t.minute(),
                        t.second(),
                        t.millisecond()
                    )
                })
                .unwrap_or_default();
            RequestLogView {
                time,
                request_id: r.request_id.to_string(),
                method: r.method.to_string(),
                path: r.path,
                resource: r.resource.map(|p| p.to_string()),
                status: r.status,
                latency_ms: format!("{:.2}", r.latency_ms),
                auth: match r.auth {
                    gateway::AuthOutcome::NotRequired => AuthView::None,
                    gateway::AuthOutcome::Allowed { principal, cached } => AuthView::Allowed {
                        principal: principal.map(|p| p.to_string()),
                        cached,
                    },
                    gateway::AuthOutcome::Denied { reason } => AuthView::Denied { reason },
                },
            }
        })
        .collect())
}

#[component]
pub fn StageLogs(api_id: String, stage: String) -> AnyView {
    let refreshed = RwSignal::new(0u32);
    let key = (api_id, stage);
    let requests = Resource::new(
        move || (key.clone(), refreshed.get()),
        |((api_id, stage), _)| list_stage_requests(api_id, stage),
    );
    view! {
        <div class="mt-3 space-y-3" data-testid="stage-logs">
            <div class="flex flex-wrap items-center justify-between gap-2">
                <p class=MUTED>
                    "The last 200 requests this Gatehouse node served on the stage, newest first (times in UTC). Kept in memory: other nodes keep their own, a restart clears them."
                </p>
                <button type="button" class=SECONDARY_BUTTON_CLASS data-testid="stage-logs-refresh"
                    on:click=move |_| refreshed.update(|n| *n += 1)>"Refresh"</button>
            </div>
            <Loaded loading="Loading requests…">
                {move || Suspend::new(async move {
                    Ok::<_, AppError>(match requests.await? {
                        rows if rows.is_empty() => view! {
                            <div class=EMPTY data-testid="stage-logs-empty">
                                <p class="font-medium text-slate-700 dark:text-slate-200">"No requests yet"</p>
                                <p class="mt-1">"Call the invoke URL, then Refresh."</p>
                            </div>
                        }.into_any(),
                        rows => view! { <LogTable rows /> }.into_any(),
                    })
                })}
            </Loaded>
        </div>
    }
    .into_any()
}

#[component]
fn LogTable(rows: Vec<RequestLogView>) -> AnyView {
    // A list rather than a table: the stage card is a narrow column beside the deploy form.
    view! {
        <ol class="divide-y divide-slate-100 rounded-md border border-slate-200 text-sm dark:divide-slate-800 dark:border-slate-700" data-testid="stage-logs-table">
            {rows.into_iter().map(|r| {
                let status_class = if r.status < 400 {
                    "rounded bg-emerald-100 px-1.5 py-0.5 font-mono text-xs font-semibold text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300"
                } else if r.status < 500 {
                    "rounded bg-amber-100 px-1.5 py-0.5 font-mono text-xs font-semibold text-amber-800 dark:bg-amber-950 dark:text-amber-300"
                } else {
                    "rounded bg-red-100 px-1.5 py-0.5 font-mono text-xs font-semibold text-red-800 dark:bg-red-950 dark:text-red-300"
                };
                let (auth_class, auth_text) = match &r.auth {
                    AuthView::None => ("text-slate-500 dark:text-slate-400", "No authorizer".to_owned()),
                    AuthView::Allowed { principal, cached } => (
                        "text-emerald-700 dark:text-emerald-400",
                        format!(
                            "Allowed{} · sub {}",
                            if *cached { " (cached)" } else { "" },
                            principal.clone().unwrap_or_else(|| "(none)".to_owned())
                        ),
                    ),
                    AuthView::Denied { reason } => {
                        ("text-red-700 dark:text-red-400", format!("Denied · {reason}"))
                    }
                };
                let clock = r.time.split_once(' ').map(|(_, c)| c.to_owned()).unwrap_or_default();
                let full_time = format!("{} UTC", r.time);
                view! {
                    <li class="space-y-1 px-3 py-2" data-testid="stage-log-row" data-status=r.status.to_string()>
                        <div class="flex flex-wrap items-center gap-x-3 gap-y-1">
                            <time class="font-mono text-xs text-slate-500 dark:text-slate-400" title=full_time>{clock}</time>
                            <span class=status_class>{r.status}</span>
                            <span class="min-w-0 break-all font-mono text-xs"><span class="font-semibold">{r.method}</span>" "{r.path}</span>
                            <span class="ml-auto whitespace-nowrap text-xs text-slate-500 dark:text-slate-400">{format!("{} ms", r.latency_ms)}</span>
                        </div>
                        <p class=format!("break-all text-xs {auth_class}") data-testid="stage-log-auth">{auth_text}</p>
                        <p class="break-all text-xs text-slate-500 dark:text-slate-400">
                            {r.resource.map(|p| format!("resource {p} · ")).unwrap_or_default()}
                            "request "<span class="font-mono">{r.request_id}</span>
                        </p>
                    </li>
                }
            }).collect_view()}
        </ol>
    }
    .into_any()
}

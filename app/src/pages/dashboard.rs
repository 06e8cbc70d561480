use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::components::breadcrumbs::Breadcrumbs;
use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusReport {
    pub database: String,
    pub admins: i64,
    pub version: String,
}

#[server(endpoint = "system_status")]
pub async fn system_status() -> Result<StatusReport, AppError> {
    use crate::auth::ssr::{require_admin, state};
    require_admin().await?;
    let state = state();
    let admins = accounts::count_admins(&state.pool).await?;
    Ok(StatusReport {
        database: state.database_label.clone(),
        admins,
        version: env!("CARGO_PKG_VERSION").to_string(),
    })
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let status = Resource::new(|| (), |_| system_status());
    let tips_open = RwSignal::new(true);

    view! {
        <Title text="Dashboard" />
        <Breadcrumbs crumbs=vec![("Console", None)] />
        <h1 class="text-2xl font-semibold tracking-tight">"Dashboard"</h1>
        <p class="mt-1 text-slate-600 dark:text-slate-400">
            "Your self-hosted API gateway and user directory."
        </p>

        <section aria-labelledby="status-heading" class="mt-6">
            <h2 id="status-heading" class="sr-only">"System status"</h2>
            <Transition fallback=|| view! { <p class="text-sm text-slate-500">"Loading status…"</p> }>
                {move || Suspend::new(async move {
                    match status.await {
                        Ok(s) => view! {
                            <dl class="grid gap-4 sm:grid-cols-3">
                                <StatCard label="Database" value=s.database />
                                <StatCard label="Administrators" value=s.admins.to_string() />
                                <StatCard label="Version" value=s.version />
                            </dl>
                        }.into_any(),
                        Err(e) => view! {
                            <p role="alert" class="text-sm text-red-600">{e.to_string()}</p>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>

        <section class="mt-8 rounded-xl border border-slate-200 bg-white p-5 dark:border-slate-800 dark:bg-slate-900">
            <div class="flex items-center justify-between">
                <h2 class="font-semibold">"Getting started"</h2>
                <button
                    type="button"
                    data-testid="tips-toggle"
                    class="text-sm text-indigo-600 hover:underline dark:text-indigo-400"
                    aria-expanded=move || tips_open.get().to_string()
                    aria-controls="tips"
                    on:click=move |_| tips_open.update(|o| *o = !*o)
                >
                    {move || if tips_open.get() { "Hide" } else { "Show" }}
                </button>
            </div>
            <Show when=move || tips_open.get()>
                <ol id="tips" data-testid="tips" class="mt-3 list-decimal space-y-1 pl-5 text-sm text-slate-600 dark:text-slate-300">
                    <li>"Create a user pool and an app client (User pools)."</li>
                    <li>"Create an API, its resources and methods (APIs)."</li>
                    <li>"Add a Cognito authorizer, test it with a token, attach it to a method."</li>
                    <li>"Deploy to a stage and call the invoke URL."</li>
                </ol>
            </Show>
        </section>
    }
}

#[component]
fn StatCard(label: &'static str, value: String) -> impl IntoView {
    view! {
        <div class="min-w-0 rounded-xl border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
            <dt class="text-xs font-medium uppercase tracking-wide text-slate-500 dark:text-slate-400">{label}</dt>
            <dd class="mt-1 truncate text-sm font-semibold" title=value.clone()>{value.clone()}</dd>
        </div>
    }
}

//! The Signing keys tab: the pool's RS256 keys (one signs ID tokens, one access tokens) and
//! rotating them.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::shared::PoolDetails;
use crate::components::form::{DANGER_BUTTON_CLASS, FormError, SECONDARY_BUTTON_CLASS};
use crate::components::load_error::Loaded;
use crate::components::style::{CARD, EMPTY, MUTED, TH};
use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyRow {
    pub kid: String,
    /// `ID tokens` or `Access tokens`.
    pub token_use: String,
    pub created: String,
    /// `active`, `retiring` or `retired`.
    pub status: String,
    /// When a retiring key leaves the JWKS, or when a retired key did.
    pub until: Option<String>,
}

#[server(endpoint = "list_signing_keys")]
pub async fn list_signing_keys(pool_id: String) -> Result<Vec<KeyRow>, AppError> {
    use super::shared::ssr::{fmt_time, identity};
    use crate::auth::ssr::require_admin;
    use identity::{KeyStatus, KeyUse};
    require_admin().await?;
    let keys = identity().list_signing_keys(&pool_id).await?;
    Ok(keys
        .into_iter()
        .map(|k| {
            let (status, until) = match k.status {
                KeyStatus::Active => ("active", None),
                KeyStatus::Retiring { retire_after } => ("retiring", Some(fmt_time(retire_after))),
                KeyStatus::Retired { retired_at } => ("retired", Some(fmt_time(retired_at))),
            };
            KeyRow {
                kid: k.kid,
                token_use: match k.token_use {
                    KeyUse::Id => "ID tokens",
                    KeyUse::Access => "Access tokens",
                }
                .to_string(),
                created: fmt_time(k.created_at),
                status: status.to_string(),
                until,
            }
        })
        .collect())
}

#[server(endpoint = "rotate_signing_keys")]
pub async fn rotate_signing_keys(pool_id: String) -> Result<(), AppError> {
    use crate::auth::ssr::require_admin;
    let me = require_admin().await?;
    super::shared::ssr::identity()
        .rotate_signing_keys(&pool_id)
        .await?;
    tracing::info!(pool.id = %pool_id, by = %me.username, "signing keys rotated in the console");
    Ok(())
}

fn status_class(status: &str) -> &'static str {
    match status {
        "active" => {
            "rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300"
        }
        "retiring" => {
            "rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-800 dark:bg-amber-950 dark:text-amber-300"
        }
        _ => {
            "rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-600 dark:bg-slate-800 dark:text-slate-400"
        }
    }
}

#[component]
pub fn SigningKeysTab(pool: PoolDetails) -> AnyView {
    let rotate = ServerAction::<RotateSigningKeys>::new();
    let pool_id = pool.id.clone();
    let keys = Resource::new(
        move || (pool_id.clone(), rotate.version().get()),
        |(id, _)| list_signing_keys(id),
    );
    let error = Signal::derive(move || rotate.value().get().and_then(|r| r.err()));
    let rotated = move || matches!(rotate.value().get(), Some(Ok(())));
    let pending = rotate.pending();
    let confirming = RwSignal::new(false);
    let pool_id = StoredValue::new(pool.id.clone());
    let jwks_url = pool.jwks_url.clone();
    view! {
        <section class=CARD aria-labelledby="keys-heading">
            <div class="flex flex-wrap items-start justify-between gap-4">
                <div class="max-w-2xl">
                    <h2 id="keys-heading" class="font-semibold">"Signing keys"</h2>
                    <p class=format!("mt-1 {MUTED}")>
                        "RS256 keys: one signs ID tokens, the other access tokens. Verifiers find them by " <code>"kid"</code> " in the "
                        <a class="text-indigo-600 hover:underline dark:text-indigo-400" href=jwks_url target="_blank" rel="noopener">"JWKS"</a> "."
                    </p>
                </div>
                <Show
                    when=move || confirming.get()
                    fallback=move || view! {
                        <button type="button" class=SECONDARY_BUTTON_CLASS on:click=move |_| confirming.set(true)>"Rotate keys…"</button>
                    }
                >
                    <div class="max-w-md rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100" role="group" aria-label="Confirm key rotation">
                        <p>"Two new keys will sign from now on. The current keys stop signing but stay in the JWKS until the tokens they signed have expired."</p>
                        <div class="mt-3 flex gap-2">
                            <button type="button" class=DANGER_BUTTON_CLASS disabled=move || pending.get()
                                on:click=move |_| { rotate.dispatch(RotateSigningKeys { pool_id: pool_id.get_value() }); confirming.set(false); }>
                                "Rotate now"
                            </button>
                            <button type="button" class=SECONDARY_BUTTON_CLASS on:click=move |_| confirming.set(false)>"Cancel"</button>
                        </div>
                    </div>
                </Show>
            </div>
            <div class="mt-3 space-y-2">
                <FormError error />
                <Show when=rotated>
                    <p role="status" data-testid="form-success" class="rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-800 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-200">"Keys rotated."</p>
                </Show>
                <Show when=move || pending.get()>
                    <p class="text-sm text-slate-500">"Generating new keys…"</p>
                </Show>
            </div>
            <Loaded loading="Loading keys (the first visit generates them)…" loading_class="mt-3 text-sm text-slate-500">
                {move || Suspend::new(async move {
                    Ok::<_, AppError>(match keys.await? {
                        rows if rows.is_empty() => view! { <div class=EMPTY>"No signing keys yet."</div> }.into_any(),
                        rows => view! {
                            <div class="mt-3 overflow-x-auto">
                                <table class="w-full text-left text-sm" data-testid="keys-table">
                                    <thead class="text-xs uppercase text-slate-500 dark:text-slate-400">
                                        <tr>
                                            <th scope="col" class=TH>"Key ID (kid)"</th>
                                            <th scope="col" class=TH>"Signs"</th>
                                            <th scope="col" class=TH>"Created"</th>
                                            <th scope="col" class=TH>"Status"</th>
                                        </tr>
                                    </thead>
                                    <tbody class="divide-y divide-slate-100 dark:divide-slate-800">
                                        {rows.into_iter().map(|k| {
                                            let detail = match (k.status.as_str(), &k.until) {
                                                ("retiring", Some(t)) => Some(format!("in the JWKS until {t}")),
                                                ("retired", Some(t)) => Some(format!("left the JWKS {t}")),
                                                _ => None,
                                            };
                                            view! {
                                                <tr data-testid="key-row">
                                                    <td class="py-2 pr-3 font-mono text-xs break-all">{k.kid}</td>
                                                    <td class="py-2 pr-3">{k.token_use}</td>
                                                    <td class="py-2 pr-3 text-slate-500 dark:text-slate-400">{k.created}</td>
                                                    <td class="py-2 pr-3">
                                                        <span class=status_class(&k.status) data-testid="key-status">{k.status.clone()}</span>
                                                        {detail.map(|d| view! { <span class="ml-2 text-xs text-slate-500 dark:text-slate-400">{d}</span> })}
                                                    </td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any(),
                    })
                })}
            </Loaded>
        </section>
    }
    .into_any()
}

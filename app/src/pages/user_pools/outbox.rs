//! The Outbox tab: every code and invitation the pool would have emailed or texted, newest
//! first (Gatehouse has no mail or SMS gateway).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::shared::PoolDetails;
use crate::components::copy_button::CopyButton;
use crate::components::form::SECONDARY_BUTTON_CLASS;
use crate::components::load_error::Loaded;
use crate::components::style::{CARD, EMPTY, MUTED, TH};
use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxRow {
    pub id: i64,
    pub recipient: String,
    pub username: String,
    pub purpose: String,
    pub code_label: String,
    pub code: String,
    pub time: String,
}

#[server(endpoint = "list_outbox")]
pub async fn list_outbox(pool_id: String) -> Result<Vec<OutboxRow>, AppError> {
    use super::shared::ssr::{fmt_time, identity};
    use crate::auth::ssr::require_admin;
    use identity::OutboxPurpose;
    require_admin().await?;
    let messages = identity().list_outbox(&pool_id, 200).await?;
    Ok(messages
        .into_iter()
        .map(|m| {
            let (purpose, code_label) = match m.purpose {
                OutboxPurpose::SignUp => ("Sign-up confirmation", "Code"),
                OutboxPurpose::Resend => ("Confirmation code (resent)", "Code"),
                OutboxPurpose::ForgotPassword => ("Password reset", "Code"),
                OutboxPurpose::AdminCreateUser => ("Invitation", "Temporary password"),
                OutboxPurpose::VerifyAttribute => ("Attribute verification", "Code"),
            };
            let recipient = match (&m.destination, m.delivery_medium.as_deref()) {
                (Some(d), Some("SMS")) => format!("{d} (SMS)"),
                (Some(d), _) => d.clone(),
                (None, _) => "no email or phone (not deliverable)".to_string(),
            };
            OutboxRow {
                id: m.id,
                recipient,
                username: m.username,
                purpose: purpose.to_string(),
                code_label: code_label.to_string(),
                code: m.code,
                time: fmt_time(m.created_at),
            }
        })
        .collect())
}

#[component]
pub fn OutboxTab(pool: PoolDetails) -> AnyView {
    let refresh = RwSignal::new(0u32);
    let pool_id = pool.id.clone();
    let messages = Resource::new(
        move || (pool_id.clone(), refresh.get()),
        |(id, _)| list_outbox(id),
    );
    view! {
        <section class=CARD aria-labelledby="outbox-heading">
            <div class="flex flex-wrap items-start justify-between gap-3">
                <div class="max-w-2xl">
                    <h2 id="outbox-heading" class="font-semibold">"Outbox"</h2>
                    <p class=format!("mt-1 {MUTED}")>
                        "Gatehouse sends no email or SMS: confirmation codes, password-reset codes and invitations land here instead (newest first). Pass them on to the user, or use them in tests."
                    </p>
                </div>
                <button type="button" class=SECONDARY_BUTTON_CLASS on:click=move |_| refresh.update(|n| *n += 1)>"Refresh"</button>
            </div>
            <Loaded loading="Loading the outbox…" loading_class="mt-3 text-sm text-slate-500">
                {move || Suspend::new(async move {
                    Ok::<_, AppError>(match messages.await? {
                        rows if rows.is_empty() => view! {
                            <div class=EMPTY data-testid="outbox-empty">
                                <p class="font-medium text-slate-700 dark:text-slate-200">"Nothing delivered yet"</p>
                                <p class="mt-1">"Codes appear here after a SignUp, ResendConfirmationCode, ForgotPassword or an invitation."</p>
                            </div>
                        }.into_any(),
                        rows => view! {
                            <div class="mt-3 overflow-x-auto">
                                <table class="w-full text-left text-sm" data-testid="outbox-table">
                                    <thead class="text-xs uppercase text-slate-500 dark:text-slate-400">
                                        <tr>
                                            <th scope="col" class=TH>"Time"</th>
                                            <th scope="col" class=TH>"Recipient"</th>
                                            <th scope="col" class=TH>"Purpose"</th>
                                            <th scope="col" class=TH>"Code"</th>
                                        </tr>
                                    </thead>
                                    <tbody class="divide-y divide-slate-100 dark:divide-slate-800">
                                        {rows.into_iter().map(|m| view! {
                                            <tr data-testid="outbox-row">
                                                <td class="py-2 pr-3 whitespace-nowrap text-slate-500 dark:text-slate-400">{m.time}</td>
                                                <td class="py-2 pr-3">
                                                    <span class="block">{m.recipient}</span>
                                                    <span class="block font-mono text-xs text-slate-500 dark:text-slate-400">{m.username}</span>
                                                </td>
                                                <td class="py-2 pr-3">{m.purpose}</td>
                                                <td class="py-2 pr-3">
                                                    <span class="flex items-center gap-2">
                                                        <code class="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-sm dark:bg-slate-800" data-testid="outbox-code" title=m.code_label.clone()>{m.code.clone()}</code>
                                                        <CopyButton text=m.code what=m.code_label.to_lowercase() />
                                                    </span>
                                                </td>
                                            </tr>
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

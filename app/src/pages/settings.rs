use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::form::{BUTTON_CLASS, Field, FormError, FormSuccess};
use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminRow {
    pub username: String,
    pub created_at: String,
    pub is_you: bool,
}

#[server(endpoint = "list_admins")]
pub async fn list_admins() -> Result<Vec<AdminRow>, AppError> {
    use crate::auth::ssr::{require_admin, state};
    let me = require_admin().await?;
    let admins = accounts::list_admins(&state().pool).await?;
    Ok(admins
        .into_iter()
        .map(|a| AdminRow {
            is_you: a.id == me.id,
            created_at: a.created_at.date().to_string(),
            username: a.username,
        })
        .collect())
}

#[server(endpoint = "add_admin")]
pub async fn add_admin(username: String, new_password: String) -> Result<String, AppError> {
    use crate::auth::ssr::{require_admin, state};
    let me = require_admin().await?;
    let admin = accounts::create_admin(&state().pool, &username, &new_password).await?;
    tracing::info!(admin.username = %admin.username, by = %me.username, "administrator added");
    Ok(admin.username)
}

#[server(endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    use crate::auth::ssr::{require_admin, state};
    let me = require_admin().await?;
    if new_password != confirm_password {
        return Err(accounts::AccountsError::PasswordMismatch.into());
    }
    accounts::change_password(&state().pool, me.id, &current_password, &new_password).await?;
    tracing::info!(admin.username = %me.username, "administrator changed password");
    Ok(())
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    view! {
        <Title text="Settings" />
        <Breadcrumbs crumbs=vec![("Console", Some("/")), ("Settings", None)] />
        <h1 class="text-2xl font-semibold tracking-tight">"Settings"</h1>
        <div class="mt-6 grid gap-6 lg:grid-cols-2">
            <ChangePasswordCard />
            <AdminsCard />
        </div>
    }
}

const CARD: &str =
    "rounded-xl border border-slate-200 bg-white p-5 dark:border-slate-800 dark:bg-slate-900";

#[component]
fn ChangePasswordCard() -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    let error = Signal::derive(move || action.value().get().and_then(|r| r.err()));
    let done = Signal::derive(move || matches!(action.value().get(), Some(Ok(()))));
    let pending = action.pending();
    view! {
        <section class=CARD aria-labelledby="pw-heading">
            <h2 id="pw-heading" class="font-semibold">"Change your password"</h2>
            <ActionForm action attr:class="mt-4 space-y-4">
                <FormError error />
                <FormSuccess show=done message="Password changed." />
                <Field label="Current password" name="current_password" kind="password" autocomplete="current-password" required=true error />
                <Field label="New password" name="new_password" kind="password" autocomplete="new-password" required=true help="At least 10 characters." error />
                <Field label="Confirm new password" name="confirm_password" kind="password" autocomplete="new-password" required=true error />
                <button type="submit" class=BUTTON_CLASS disabled=move || pending.get()>
                    {move || if pending.get() { "Saving…" } else { "Change password" }}
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
fn AdminsCard() -> impl IntoView {
    let add = ServerAction::<AddAdmin>::new();
    let admins = Resource::new(move || add.version().get(), |_| list_admins());
    let error = Signal::derive(move || add.value().get().and_then(|r| r.err()));
    let added = move || add.value().get().and_then(|r| r.ok());
    let pending = add.pending();
    view! {
        <section class=CARD aria-labelledby="admins-heading">
            <h2 id="admins-heading" class="font-semibold">"Administrators"</h2>
            <Transition fallback=|| view! { <p class="mt-3 text-sm text-slate-500">"Loading administrators…"</p> }>
                {move || Suspend::new(async move {
                    match admins.await {
                        Ok(rows) => view! {
                            <table class="mt-3 w-full text-left text-sm" data-testid="admins-table">
                                <thead class="text-xs uppercase text-slate-500 dark:text-slate-400">
                                    <tr><th scope="col" class="py-2">"Username"</th><th scope="col" class="py-2">"Added"</th></tr>
                                </thead>
                                <tbody class="divide-y divide-slate-100 dark:divide-slate-800">
                                    {rows.into_iter().map(|r| view! {
                                        <tr>
                                            <td class="py-2 font-medium">
                                                {r.username}
                                                {r.is_you.then(|| view! { <span class="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600 dark:bg-slate-800 dark:text-slate-300">"you"</span> })}
                                            </td>
                                            <td class="py-2 text-slate-500 dark:text-slate-400">{r.created_at}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                        Err(e) => view! { <p role="alert" class="mt-3 text-sm text-red-600">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
            <h3 class="mt-6 text-sm font-semibold">"Add an administrator"</h3>
            <ActionForm action=add attr:class="mt-3 space-y-4">
                <FormError error />
                {move || added().map(|name| view! {
                    <div role="status" data-testid="form-success" class="rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-800 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-200">
                        {format!("Administrator “{name}” added.")}
                    </div>
                })}
                <Field label="Username" name="username" autocomplete="off" required=true error />
                <Field label="Initial password" name="new_password" kind="password" autocomplete="new-password" required=true help="At least 10 characters. Share it with them privately." error />
                <button type="submit" class=BUTTON_CLASS disabled=move || pending.get()>
                    {move || if pending.get() { "Adding…" } else { "Add administrator" }}
                </button>
            </ActionForm>
        </section>
    }
}

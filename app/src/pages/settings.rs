use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::form::{BUTTON_CLASS, Field, FormError, FormSuccess};
use crate::components::load_error::Loaded;
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
    let pool = &state().pool;
    accounts::change_password(pool, me.id, &current_password, &new_password).await?;
    tracing::info!(admin.username = %me.username, "administrator changed password");
    // Whoever else holds a session of this administrator (a stolen cookie, a forgotten
    // browser) is signed out; this one stays.
    let session = crate::auth::ssr::session().await?;
    let current = session.id().map(|id| id.to_string());
    accounts::end_admin_sessions(pool, me.id, current.as_deref()).await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccessKeyRow {
    pub access_key_id: String,
    pub description: String,
    pub created_by: String,
    pub created_at: String,
    pub last_used: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreatedAccessKey {
    pub access_key_id: String,
    pub secret_access_key: String,
}

#[server(endpoint = "list_access_keys")]
pub async fn list_access_keys() -> Result<Vec<AccessKeyRow>, AppError> {
    use crate::auth::ssr::{require_admin, state};
    require_admin().await?;
    let keys = accounts::list_access_keys(&state().pool).await?;
    Ok(keys
        .into_iter()
        .map(|k| AccessKeyRow {
            access_key_id: k.access_key_id,
            description: k.description,
            created_by: k.created_by,
            created_at: k.created_at.date().to_string(),
            last_used: k
                .last_used_at
                .map(|t| t.date().to_string())
                .unwrap_or_else(|| "never".into()),
        })
        .collect())
}

#[server(endpoint = "create_access_key")]
pub async fn create_access_key(description: String) -> Result<CreatedAccessKey, AppError> {
    use crate::auth::ssr::{require_admin, state};
    let me = require_admin().await?;
    let state = state();
    let created =
        accounts::create_access_key(&state.pool, &state.master_key, &description, &me.username)
            .await?;
    tracing::info!(access_key_id = %created.key.access_key_id, by = %me.username, "access key created");
    Ok(CreatedAccessKey {
        access_key_id: created.key.access_key_id,
        secret_access_key: created.secret_access_key,
    })
}

#[server(endpoint = "delete_access_key")]
pub async fn delete_access_key(access_key_id: String) -> Result<(), AppError> {
    use crate::auth::ssr::{require_admin, state};
    let me = require_admin().await?;
    accounts::delete_access_key(&state().pool, &access_key_id).await?;
    tracing::info!(%access_key_id, by = %me.username, "access key deleted");
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
        <div class="mt-6">
            <AccessKeysCard />
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
            <Loaded loading="Loading administrators…" loading_class="mt-3 text-sm text-slate-500">
                {move || Suspend::new(async move {
                    let rows = admins.await?;
                    Ok::<_, AppError>(view! {
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
                    }.into_any())
                })}
            </Loaded>
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

#[component]
fn AccessKeysCard() -> impl IntoView {
    let create = ServerAction::<CreateAccessKey>::new();
    let delete = ServerAction::<DeleteAccessKey>::new();
    let keys = Resource::new(
        move || (create.version().get(), delete.version().get()),
        |_| list_access_keys(),
    );
    let error = Signal::derive(move || create.value().get().and_then(|r| r.err()));
    let delete_error = Signal::derive(move || delete.value().get().and_then(|r| r.err()));
    let pending = create.pending();
    // The id of the key awaiting delete confirmation.
    let confirming = RwSignal::new(None::<String>);

    view! {
        <section class=CARD aria-labelledby="keys-heading">
            <h2 id="keys-heading" class="font-semibold">"Access keys"</h2>
            <p class="mt-1 text-sm text-slate-500 dark:text-slate-400">
                "For AWS SDKs and the AWS CLI: admin calls to the user pool API are signed (Signature V4) with one of these keys."
            </p>
            {move || create.value().get().and_then(|r| r.ok()).map(|k| view! {
                <div role="status" data-testid="new-access-key" class="mt-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
                    <p class="font-medium">"Copy the secret now: it will not be shown again."</p>
                    <dl class="mt-2 grid gap-1 sm:grid-cols-[max-content_1fr] sm:gap-x-3">
                        <dt>"Access key ID"</dt>
                        <dd><code data-testid="new-access-key-id">{k.access_key_id}</code></dd>
                        <dt>"Secret access key"</dt>
                        <dd><code class="break-all" data-testid="new-secret-access-key">{k.secret_access_key}</code></dd>
                    </dl>
                </div>
            })}
            <FormError error=delete_error />
            <Loaded loading="Loading access keys…" loading_class="mt-3 text-sm text-slate-500">
                {move || Suspend::new(async move {
                    Ok::<_, AppError>(match keys.await? {
                        rows if rows.is_empty() => view! {
                            <p class="mt-4 text-sm text-slate-500 dark:text-slate-400" data-testid="access-keys-empty">
                                "No access keys yet. Create one to use the AWS SDKs and CLI."
                            </p>
                        }.into_any(),
                        rows => view! {
                            <div class="mt-3 overflow-x-auto">
                            <table class="w-full text-left text-sm" data-testid="access-keys-table">
                                <thead class="text-xs uppercase text-slate-500 dark:text-slate-400">
                                    <tr>
                                        <th scope="col" class="py-2 pr-3">"Access key ID"</th>
                                        <th scope="col" class="py-2 pr-3">"Description"</th>
                                        <th scope="col" class="py-2 pr-3">"Created"</th>
                                        <th scope="col" class="py-2 pr-3">"Last used"</th>
                                        <th scope="col" class="py-2"><span class="sr-only">"Actions"</span></th>
                                    </tr>
                                </thead>
                                <tbody class="divide-y divide-slate-100 dark:divide-slate-800">
                                    {rows.into_iter().map(|r| {
                                        let id = r.access_key_id.clone();
                                        let id_for_confirm = id.clone();
                                        let id_for_delete = id.clone();
                                        let is_confirming = move || confirming.get().as_deref() == Some(id_for_confirm.as_str());
                                        view! {
                                            <tr>
                                                <td class="py-2 pr-3 font-mono">{r.access_key_id.clone()}</td>
                                                <td class="py-2 pr-3">{r.description}</td>
                                                <td class="py-2 pr-3 text-slate-500 dark:text-slate-400">{format!("{} by {}", r.created_at, r.created_by)}</td>
                                                <td class="py-2 pr-3 text-slate-500 dark:text-slate-400">{r.last_used}</td>
                                                <td class="py-2 text-right">
                                                    <Show
                                                        when=is_confirming.clone()
                                                        fallback=move || {
                                                            let id = id.clone();
                                                            view! {
                                                                <button type="button" class="text-sm text-red-600 hover:underline dark:text-red-400" on:click=move |_| confirming.set(Some(id.clone()))>
                                                                    "Delete"
                                                                </button>
                                                            }
                                                        }
                                                    >
                                                        {
                                                            let id = id_for_delete.clone();
                                                            view! {
                                                                <span class="inline-flex items-center gap-2">
                                                                    <span class="text-xs">"Delete this key? Clients using it will stop working."</span>
                                                                    <button type="button" class="rounded bg-red-600 px-2 py-1 text-xs font-medium text-white hover:bg-red-500"
                                                                        on:click=move |_| { delete.dispatch(DeleteAccessKey { access_key_id: id.clone() }); confirming.set(None); }>
                                                                        "Confirm delete"
                                                                    </button>
                                                                    <button type="button" class="text-xs hover:underline" on:click=move |_| confirming.set(None)>"Cancel"</button>
                                                                </span>
                                                            }
                                                        }
                                                    </Show>
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
            <ActionForm action=create attr:class="mt-4 flex flex-col gap-3 sm:flex-row sm:items-end">
                <div class="flex-1">
                    <Field label="Description" name="description" autocomplete="off" help="What will use this key, e.g. \"CI deploy\"." error />
                </div>
                <button type="submit" class=BUTTON_CLASS disabled=move || pending.get()>
                    {move || if pending.get() { "Creating…" } else { "Create access key" }}
                </button>
            </ActionForm>
            <FormError error />
        </section>
    }
}

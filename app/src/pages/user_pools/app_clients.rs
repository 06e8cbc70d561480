//! The App clients tab: the pool's clients (with their secret behind a reveal button), creating
//! one (secret, auth flows, token validity) and deleting one.
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::shared::PoolDetails;
use crate::components::copy_button::CopyButton;
use crate::components::form::{BUTTON_CLASS, Checkbox, Field, FormError};
use crate::components::load_error::Loaded;
use crate::components::style::{CARD, CODE_BLOCK, EMPTY, LINK, LINK_DANGER, MUTED};
use crate::error::AppError;

/// The explicit auth flows the console offers: (flow, form field, explanation).
pub const AUTH_FLOWS: &[(&str, &str, &str)] = &[
    (
        "ALLOW_USER_PASSWORD_AUTH",
        "allow_user_password",
        "Sign in with a username and password (InitiateAuth USER_PASSWORD_AUTH).",
    ),
    (
        "ALLOW_REFRESH_TOKEN_AUTH",
        "allow_refresh_token",
        "Get new ID and access tokens with the refresh token.",
    ),
    (
        "ALLOW_ADMIN_USER_PASSWORD_AUTH",
        "allow_admin_user_password",
        "Server-side sign-in with administrator credentials (AdminInitiateAuth).",
    ),
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientRow {
    pub id: String,
    pub name: String,
    pub has_secret: bool,
    pub flows: Vec<String>,
    pub id_validity: String,
    pub access_validity: String,
    pub refresh_validity: String,
    pub created: String,
}

impl ClientRow {
    pub fn allows(&self, flow: &str) -> bool {
        self.flows.iter().any(|f| f == flow)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreatedClient {
    pub id: String,
    pub name: String,
    pub secret: Option<String>,
}

/// "60 minutes" from a validity and its unit.
#[cfg(feature = "ssr")]
fn validity(value: i64, unit: Option<&str>) -> String {
    use super::shared::{minutes_label, plural};
    match unit.unwrap_or("hours") {
        "seconds" if value % 60 == 0 => minutes_label(value / 60),
        "seconds" => plural(value, "second"),
        "minutes" => minutes_label(value),
        "hours" => minutes_label(value * 60),
        "days" => plural(value, "day"),
        other => format!("{value} {other}"),
    }
}

#[server(endpoint = "list_app_clients")]
pub async fn list_app_clients(pool_id: String) -> Result<Vec<ClientRow>, AppError> {
    use super::shared::ssr::{fmt_time, identity};
    use crate::auth::ssr::require_admin;
    use identity::wire::{DescribeUserPoolClientRequest, ListUserPoolClientsRequest};
    require_admin().await?;
    let identity = identity();
    let mut ids = Vec::new();
    let mut next_token = None;
    loop {
        let page = identity
            .list_user_pool_clients(ListUserPoolClientsRequest {
                user_pool_id: pool_id.clone(),
                max_results: Some(60),
                next_token,
            })
            .await?;
        ids.extend(page.user_pool_clients.into_iter().map(|c| c.client_id));
        match page.next_token {
            Some(t) => next_token = Some(t),
            None => break,
        }
    }
    let mut rows = Vec::with_capacity(ids.len());
    for client_id in ids {
        let c = identity
            .describe_user_pool_client(DescribeUserPoolClientRequest {
                user_pool_id: pool_id.clone(),
                client_id,
            })
            .await?
            .user_pool_client;
        let units = &c.token_validity_units;
        rows.push((
            c.creation_date,
            ClientRow {
                has_secret: c.client_secret.is_some(),
                flows: c.explicit_auth_flows.clone(),
                id_validity: validity(c.id_token_validity, units.id_token.as_deref()),
                access_validity: validity(c.access_token_validity, units.access_token.as_deref()),
                refresh_validity: validity(
                    c.refresh_token_validity,
                    Some(units.refresh_token.as_deref().unwrap_or("days")),
                ),
                created: fmt_time(c.creation_date),
                id: c.client_id,
                name: c.client_name,
            },
        ));
    }
    rows.sort_by_key(|r| r.0);
    Ok(rows.into_iter().map(|(_, r)| r).collect())
}

/// The form [`create_app_client`] reads, flattened: the browser posts these fields under their
/// own names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateAppClientInput {
    pub pool_id: String,
    pub client_name: String,
    pub generate_secret: Option<String>,
    pub allow_user_password: Option<String>,
    pub allow_refresh_token: Option<String>,
    pub allow_admin_user_password: Option<String>,
    pub id_token_minutes: Option<String>,
    pub access_token_minutes: Option<String>,
    pub refresh_token_days: Option<String>,
}

#[server(endpoint = "create_app_client")]
pub async fn create_app_client(
    #[server(flatten)] input: CreateAppClientInput,
) -> Result<CreatedClient, AppError> {
    let CreateAppClientInput {
        pool_id,
        client_name,
        generate_secret,
        allow_user_password,
        allow_refresh_token,
        allow_admin_user_password,
        id_token_minutes,
        access_token_minutes,
        refresh_token_days,
    } = input;
    use super::shared::ssr::{
        check_resource_name, describe, identity, invalid, on_field, parse_number,
    };
    use crate::auth::ssr::require_admin;
    use identity::wire::{
        CreateUserPoolClientRequest, TokenValidityUnitsType, UserPoolClientSettings,
    };
    let me = require_admin().await?;
    let pool = describe(&pool_id).await?;
    let name = client_name.trim();
    check_resource_name("client_name", name, "app client")?;
    let chosen = [
        &allow_user_password,
        &allow_refresh_token,
        &allow_admin_user_password,
    ];
    let flows: Vec<String> = AUTH_FLOWS
        .iter()
        .zip(chosen)
        .filter(|(_, on)| on.is_some())
        .map(|((flow, _, _), _)| (*flow).to_string())
        .collect();
    if flows.is_empty() {
        return Err(invalid(
            "auth_flows",
            "Choose at least one authentication flow.",
        ));
    }
    let number = |field: &str, raw: &Option<String>, range, what: &str, default: i64| match raw
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(raw) => parse_number(field, raw, range, what),
        None => Ok(default),
    };
    let id_minutes = number(
        "id_token_minutes",
        &id_token_minutes,
        5..=1440,
        "ID token validity (minutes)",
        pool.id_token_minutes,
    )?;
    let access_minutes = number(
        "access_token_minutes",
        &access_token_minutes,
        5..=1440,
        "Access token validity (minutes)",
        pool.access_token_minutes,
    )?;
    let refresh_days = number(
        "refresh_token_days",
        &refresh_token_days,
        1..=3650,
        "Refresh token validity (days)",
        pool.refresh_token_days,
    )?;
    let created = identity()
        .create_user_pool_client(CreateUserPoolClientRequest {
            user_pool_id: pool.id.clone(),
            client_name: name.to_string(),
            generate_secret: Some(generate_secret.is_some()),
            settings: UserPoolClientSettings {
                explicit_auth_flows: Some(flows),
                id_token_validity: Some(id_minutes),
                access_token_validity: Some(access_minutes),
                refresh_token_validity: Some(refresh_days),
                token_validity_units: Some(TokenValidityUnitsType {
                    id_token: Some("minutes".into()),
                    access_token: Some("minutes".into()),
                    refresh_token: Some("days".into()),
                }),
                prevent_user_existence_errors: Some("ENABLED".into()),
                ..Default::default()
            },
        })
        .await
        .map_err(|e| {
            if e.message.contains("clientName") {
                on_field(e, "client_name")
            } else {
                e.into()
            }
        })?
        .user_pool_client;
    tracing::info!(pool.id = %pool.id, client.id = %created.client_id, by = %me.username, "app client created in the console");
    Ok(CreatedClient {
        id: created.client_id,
        name: created.client_name,
        secret: created.client_secret,
    })
}

#[server(endpoint = "reveal_client_secret")]
pub async fn reveal_client_secret(pool_id: String, client_id: String) -> Result<String, AppError> {
    use super::shared::ssr::identity;
    use crate::auth::ssr::require_admin;
    use identity::wire::DescribeUserPoolClientRequest;
    let me = require_admin().await?;
    let client = identity()
        .describe_user_pool_client(DescribeUserPoolClientRequest {
            user_pool_id: pool_id.clone(),
            client_id: client_id.clone(),
        })
        .await?
        .user_pool_client;
    tracing::info!(pool.id = %pool_id, client.id = %client_id, by = %me.username, "app client secret revealed in the console");
    client
        .client_secret
        .ok_or_else(|| AppError::form("This app client has no secret.").with_status())
}

#[server(endpoint = "delete_app_client")]
pub async fn delete_app_client(pool_id: String, client_id: String) -> Result<(), AppError> {
    use super::shared::ssr::identity;
    use crate::auth::ssr::require_admin;
    use identity::wire::DeleteUserPoolClientRequest;
    let me = require_admin().await?;
    identity()
        .delete_user_pool_client(DeleteUserPoolClientRequest {
            user_pool_id: pool_id.clone(),
            client_id: client_id.clone(),
        })
        .await?;
    tracing::info!(pool.id = %pool_id, client.id = %client_id, by = %me.username, "app client deleted in the console");
    Ok(())
}

#[component]
pub fn AppClientsTab(pool: PoolDetails) -> AnyView {
    let create = ServerAction::<CreateAppClient>::new();
    let delete = ServerAction::<DeleteAppClient>::new();
    let pool_id = pool.id.clone();
    let clients = Resource::new(
        move || {
            (
                pool_id.clone(),
                create.version().get(),
                delete.version().get(),
            )
        },
        |(id, _, _)| list_app_clients(id),
    );
    let delete_error = Signal::derive(move || delete.value().get().and_then(|r| r.err()));
    let pool_id = StoredValue::new(pool.id.clone());
    view! {
        <div class="grid items-start gap-6 xl:grid-cols-[1fr_24rem]">
            <section class=CARD aria-labelledby="clients-heading">
                <h2 id="clients-heading" class="font-semibold">"App clients"</h2>
                <p class=format!("mt-1 {MUTED}")>
                    "An app client is how an application talks to this pool: its client ID goes into SignUp and InitiateAuth calls, and into a Cognito authorizer's audience."
                </p>
                <div class="mt-3"><FormError error=delete_error /></div>
                <Loaded loading="Loading app clients…" loading_class="mt-3 text-sm text-slate-500">
                    {move || Suspend::new(async move {
                        Ok::<_, AppError>(match clients.await? {
                            rows if rows.is_empty() => view! {
                                <div class=EMPTY data-testid="app-clients-empty">
                                    <p class="font-medium text-slate-700 dark:text-slate-200">"No app clients yet"</p>
                                    <p class="mt-1">"Create one to let users sign up and sign in."</p>
                                </div>
                            }.into_any(),
                            rows => view! {
                                <ul class="mt-4 divide-y divide-slate-100 dark:divide-slate-800" data-testid="app-clients-list">
                                    {rows.into_iter().map(|r| view! { <ClientItem pool_id=pool_id.get_value() client=r delete /> }).collect_view()}
                                </ul>
                            }.into_any(),
                        })
                    })}
                </Loaded>
            </section>
            <CreateClientCard pool create />
        </div>
    }
    .into_any()
}

#[component]
fn ClientItem(
    pool_id: String,
    client: ClientRow,
    delete: ServerAction<DeleteAppClient>,
) -> AnyView {
    let reveal_ids = (pool_id.clone(), client.id.clone());
    let reveal = Action::new(move |_: &()| {
        let (pool_id, client_id) = reveal_ids.clone();
        reveal_client_secret(pool_id, client_id)
    });
    let shown = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let ids = StoredValue::new((pool_id, client.id.clone()));
    let name = client.name.clone();
    view! {
        <li class="py-4" data-testid="app-client">
            <div class="flex flex-wrap items-start justify-between gap-3">
                <div class="min-w-0">
                    <p class="font-medium">{client.name.clone()}</p>
                    <p class="mt-1 flex items-center gap-2">
                        <code class="font-mono text-xs text-slate-600 dark:text-slate-300" data-testid="client-id">{client.id.clone()}</code>
                        <CopyButton text=client.id.clone() what=format!("client ID of {name}") />
                    </p>
                </div>
                <div class="text-right">
                    <Show
                        when=move || confirming.get()
                        fallback=move || view! {
                            <button type="button" class=LINK_DANGER on:click=move |_| confirming.set(true)>"Delete"</button>
                        }
                    >
                        <span class="inline-flex flex-wrap items-center justify-end gap-2">
                            <span class="text-xs">"Delete this client? Apps using it stop working."</span>
                            <button type="button" class="rounded bg-red-600 px-2 py-1 text-xs font-medium text-white hover:bg-red-500"
                                on:click=move |_| {
                                    let (pool_id, client_id) = ids.get_value();
                                    delete.dispatch(DeleteAppClient { pool_id, client_id });
                                    confirming.set(false);
                                }>
                                "Confirm delete"
                            </button>
                            <button type="button" class="text-xs hover:underline" on:click=move |_| confirming.set(false)>"Cancel"</button>
                        </span>
                    </Show>
                </div>
            </div>
            <dl class="mt-3 grid gap-x-4 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]">
                <dt class="text-slate-500 dark:text-slate-400">"Auth flows"</dt>
                <dd class="flex flex-wrap gap-1.5">
                    {client.flows.iter().map(|f| view! {
                        <span class="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs dark:bg-slate-800">{f.clone()}</span>
                    }).collect_view()}
                </dd>
                <dt class="text-slate-500 dark:text-slate-400">"Token validity"</dt>
                <dd>{format!("ID {} · access {} · refresh {}", client.id_validity, client.access_validity, client.refresh_validity)}</dd>
                <dt class="text-slate-500 dark:text-slate-400">"Client secret"</dt>
                <dd>
                    {if client.has_secret {
                        view! {
                            <Show
                                when=move || shown.get()
                                fallback=move || view! {
                                    <span class="inline-flex items-center gap-2">
                                        <span class="font-mono tracking-widest text-slate-400">"••••••••••••"</span>
                                        <button type="button" class=LINK
                                            on:click=move |_| { reveal.dispatch(()); shown.set(true); }>
                                            "Reveal secret"
                                        </button>
                                    </span>
                                }
                            >
                                {move || match reveal.value().get() {
                                    None => view! { <span class="text-slate-500">"Loading…"</span> }.into_any(),
                                    Some(Ok(secret)) => view! {
                                        <span class="flex items-center gap-2">
                                            <code class=CODE_BLOCK data-testid="client-secret">{secret.clone()}</code>
                                            <CopyButton text=secret what="client secret" />
                                            <button type="button" class=LINK on:click=move |_| shown.set(false)>"Hide"</button>
                                        </span>
                                    }.into_any(),
                                    Some(Err(e)) => view! { <span role="alert" class="text-red-600 dark:text-red-400">{e.to_string()}</span> }.into_any(),
                                }}
                            </Show>
                        }.into_any()
                    } else {
                        view! { <span class="text-slate-500 dark:text-slate-400">"None (public client)"</span> }.into_any()
                    }}
                </dd>
                <dt class="text-slate-500 dark:text-slate-400">"Created"</dt>
                <dd class="text-slate-500 dark:text-slate-400">{client.created.clone()}</dd>
            </dl>
        </li>
    }
    .into_any()
}

#[component]
fn CreateClientCard(pool: PoolDetails, create: ServerAction<CreateAppClient>) -> AnyView {
    let error = Signal::derive(move || create.value().get().and_then(|r| r.err()));
    let pending = create.pending();
    let form_ref = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get()
            && let Some(form) = form_ref.get()
        {
            form.reset();
        }
    });
    let id_default = format!("Pool default: {}", pool.id_token_minutes);
    let access_default = format!("Pool default: {}", pool.access_token_minutes);
    let refresh_default = format!("Pool default: {}", pool.refresh_token_days);
    view! {
        <section class=CARD aria-labelledby="new-client-heading">
            <h2 id="new-client-heading" class="font-semibold">"Create an app client"</h2>
            {move || create.value().get().and_then(|r| r.ok()).map(|c| view! {
                <div role="status" data-testid="new-app-client" class="mt-4 space-y-2 rounded-md border border-emerald-300 bg-emerald-50 p-3 text-sm text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-100">
                    <p class="font-medium">{format!("App client “{}” created.", c.name)}</p>
                    <p class="flex items-center gap-2">
                        <span class="shrink-0">"Client ID"</span>
                        <code class=CODE_BLOCK data-testid="new-client-id">{c.id.clone()}</code>
                        <CopyButton text=c.id.clone() what="new client ID" />
                    </p>
                    {c.secret.clone().map(|s| view! {
                        <p class="flex items-center gap-2">
                            <span class="shrink-0">"Secret"</span>
                            <code class=CODE_BLOCK data-testid="new-client-secret">{s.clone()}</code>
                            <CopyButton text=s what="new client secret" />
                        </p>
                    })}
                </div>
            })}
            <ActionForm action=create node_ref=form_ref attr:class="mt-4 space-y-4" attr:novalidate=true>
                <FormError error />
                <input type="hidden" name="pool_id" value=pool.id.clone() />
                <Field label="App client name" name="client_name" autocomplete="off" required=true help="e.g. “web” or “orders-service”." error />
                <Checkbox label="Generate a client secret" name="generate_secret"
                    help="For server-side apps that can keep a secret; their calls then carry a SecretHash. Leave it off for browser and mobile apps." />
                <fieldset aria-describedby="auth-flows-error">
                    <legend class="text-sm font-medium">"Authentication flows"</legend>
                    <div class="mt-2 space-y-2">
                        {AUTH_FLOWS.iter().map(|(flow, field, help)| view! {
                            <Checkbox label=*flow name=*field checked=*flow != "ALLOW_ADMIN_USER_PASSWORD_AUTH" help=*help />
                        }).collect_view()}
                    </div>
                    <p id="auth-flows-error" class="mt-1 text-sm text-red-600 dark:text-red-400" data-testid="error-auth_flows">
                        {move || error.get().and_then(|e| e.for_field("auth_flows"))}
                    </p>
                </fieldset>
                <details
                    class="rounded-md border border-slate-200 p-3 dark:border-slate-700"
                    open=move || {
                        error.get().is_some_and(|e| {
                            ["id_token_minutes", "access_token_minutes", "refresh_token_days"]
                                .iter()
                                .any(|f| e.for_field(f).is_some())
                        })
                    }
                >
                    <summary class="cursor-pointer text-sm font-medium">"Token validity (optional)"</summary>
                    <p class="mt-2 text-xs text-slate-500 dark:text-slate-400">"Leave blank to use the pool's defaults."</p>
                    <div class="mt-3 space-y-3">
                        <Field label="ID token (minutes)" name="id_token_minutes" kind="number" min="5" max="1440" placeholder=id_default error />
                        <Field label="Access token (minutes)" name="access_token_minutes" kind="number" min="5" max="1440" placeholder=access_default error />
                        <Field label="Refresh token (days)" name="refresh_token_days" kind="number" min="1" max="3650" placeholder=refresh_default error />
                    </div>
                </details>
                <button type="submit" class=BUTTON_CLASS disabled=move || pending.get()>
                    {move || if pending.get() { "Creating…" } else { "Create app client" }}
                </button>
            </ActionForm>
        </section>
    }
    .into_any()
}

//! The Overview tab: identifiers to copy (ID, ARN, issuer, JWKS URL), the pool's settings and
//! deleting the pool.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::shared::describe_user_pool;
use super::shared::{PoolDetails, minutes_label, plural};
use crate::components::copy_button::CopyButton;
use crate::components::form::{
    CHECKBOX_CLASS, DANGER_BUTTON_CLASS, FormError, INPUT_CLASS, SECONDARY_BUTTON_CLASS,
};
use crate::components::load_error::Loaded;
use crate::components::style::{CARD, CODE_BLOCK, MUTED};
use crate::error::AppError;

#[server(endpoint = "delete_user_pool")]
pub async fn delete_user_pool(pool_id: String, confirm_name: String) -> Result<(), AppError> {
    use super::shared::ssr::{describe, identity, invalid};
    use crate::auth::ssr::require_admin;
    use identity::wire::DeleteUserPoolRequest;
    let me = require_admin().await?;
    let pool = describe(&pool_id).await?;
    if confirm_name.trim() != pool.name {
        return Err(invalid(
            "confirm_name",
            format!("Type the pool name, “{}”, exactly to confirm.", pool.name),
        ));
    }
    identity()
        .delete_user_pool(DeleteUserPoolRequest {
            user_pool_id: pool.id.clone(),
        })
        .await?;
    tracing::info!(pool.id = %pool.id, by = %me.username, "user pool deleted in the console");
    Ok(())
}

#[server(endpoint = "set_pool_mfa")]
pub async fn set_pool_mfa(
    pool_id: String,
    mfa: String,
    software_token: Option<String>,
) -> Result<(), AppError> {
    use super::shared::ssr::{identity, on_form};
    use crate::auth::ssr::require_admin;
    use identity::wire::{SetUserPoolMfaConfigRequest, SoftwareTokenMfaConfigType};
    let me = require_admin().await?;
    identity()
        .set_user_pool_mfa_config(SetUserPoolMfaConfigRequest {
            user_pool_id: pool_id.clone(),
            software_token_mfa_configuration: Some(SoftwareTokenMfaConfigType {
                enabled: software_token.is_some(),
            }),
            mfa_configuration: Some(mfa.clone()),
            ..Default::default()
        })
        .await
        .map_err(on_form)?;
    tracing::info!(pool.id = %pool_id, mfa = %mfa, by = %me.username, "pool MFA set in the console");
    Ok(())
}

#[component]
pub fn OverviewTab(pool: PoolDetails) -> AnyView {
    // Fresh on every visit: counts change while the other tabs are used.
    let pool_id = pool.id.clone();
    let details = Resource::new(move || pool_id.clone(), describe_user_pool);
    view! {
        <Loaded loading="Loading overview…">
            {move || Suspend::new(async move {
                let p = details.await?;
                Ok::<_, AppError>(view! {
                    <div class="grid items-start gap-6 xl:grid-cols-2">
                        <IdentifiersCard pool=p.clone() />
                        <SettingsCard pool=p.clone() />
                        <MfaCard pool=p.clone() />
                    </div>
                    <DeletePoolCard pool=p />
                }.into_any())
            })}
        </Loaded>
    }
    .into_any()
}

#[component]
fn IdentifiersCard(pool: PoolDetails) -> AnyView {
    let rows = [
        ("Pool ID", "pool ID", pool.id.clone(), None),
        ("ARN", "ARN", pool.arn.clone(), None),
        (
            "Issuer",
            "issuer",
            pool.issuer.clone(),
            Some("The iss claim of this pool's tokens."),
        ),
        (
            "JWKS URL",
            "JWKS URL",
            pool.jwks_url.clone(),
            Some("The public keys that verify this pool's tokens."),
        ),
    ];
    view! {
        <section class=CARD aria-labelledby="identifiers-heading">
            <h2 id="identifiers-heading" class="font-semibold">"Identifiers"</h2>
            <p class=format!("mt-1 {MUTED}")>"What an authorizer, SDK or JWT library needs to trust this pool."</p>
            <dl class="mt-4 space-y-4">
                {rows.into_iter().map(|(label, what, value, help)| {
                    let testid = format!("pool-{}", what.to_lowercase().replace(' ', "-"));
                    view! {
                        <div>
                            <dt class="text-xs font-medium uppercase tracking-wide text-slate-500 dark:text-slate-400">{label}</dt>
                            <dd class="mt-1 flex items-center gap-2">
                                <code class=CODE_BLOCK data-testid=testid>{value.clone()}</code>
                                <CopyButton text=value what=what />
                            </dd>
                            {help.map(|h| view! { <p class="mt-1 text-xs text-slate-500 dark:text-slate-400">{h}</p> })}
                        </div>
                    }
                }).collect_view()}
            </dl>
        </section>
    }
    .into_any()
}

#[component]
fn SettingsCard(pool: PoolDetails) -> AnyView {
    let custom = if pool.custom_attributes.is_empty() {
        view! { <span class="text-slate-500 dark:text-slate-400">"None"</span> }.into_any()
    } else {
        view! {
            <ul class="flex flex-wrap gap-1.5">
                {pool.custom_attributes.iter().map(|a| view! {
                    <li class="rounded-md bg-slate-100 px-2 py-0.5 font-mono text-xs dark:bg-slate-800">
                        {format!("custom:{}", a.name)}
                        <span class="ml-1 font-sans text-slate-500 dark:text-slate-400">
                            {format!("{}{}", a.data_type, if a.mutable { "" } else { ", immutable" })}
                        </span>
                    </li>
                }).collect_view()}
            </ul>
        }.into_any()
    };
    let sign_in = if pool.email_is_username {
        "Email address (the username is the sub)"
    } else {
        "Username"
    };
    let verification = if pool.auto_verified.iter().any(|a| a == "email") {
        "Email addresses get a confirmation code (outbox)"
    } else {
        "Off: sign-up codes go to the outbox without a recipient"
    };
    let tokens = format!(
        "ID {} · access {} · refresh {}",
        minutes_label(pool.id_token_minutes),
        minutes_label(pool.access_token_minutes),
        plural(pool.refresh_token_days, "day")
    );
    view! {
        <section class=CARD aria-labelledby="settings-heading">
            <h2 id="settings-heading" class="font-semibold">"Settings"</h2>
            <dl class="mt-4 grid gap-x-4 gap-y-3 text-sm sm:grid-cols-[max-content_1fr]" data-testid="pool-settings">
                <dt class="text-slate-500 dark:text-slate-400">"Sign-in"</dt>
                <dd>{sign_in}</dd>
                <dt class="text-slate-500 dark:text-slate-400">"Verification"</dt>
                <dd>{verification}</dd>
                <dt class="text-slate-500 dark:text-slate-400">"Custom attributes"</dt>
                <dd>{custom}</dd>
                <dt class="text-slate-500 dark:text-slate-400">"Password policy"</dt>
                <dd>{pool.password_policy_summary()}</dd>
                <dt class="text-slate-500 dark:text-slate-400">"Temporary passwords"</dt>
                <dd>{format!("Expire after {}", plural(i64::from(pool.temporary_password_days), "day"))}</dd>
                <dt class="text-slate-500 dark:text-slate-400">"Token validity"</dt>
                <dd>{tokens}</dd>
                <dt class="text-slate-500 dark:text-slate-400">"Users"</dt>
                <dd>{pool.estimated_users.to_string()}</dd>
                <dt class="text-slate-500 dark:text-slate-400">"Created"</dt>
                <dd>{pool.created.clone()}</dd>
                <dt class="text-slate-500 dark:text-slate-400">"Last modified"</dt>
                <dd>{pool.last_modified.clone()}</dd>
            </dl>
        </section>
    }
    .into_any()
}

/// Multi-factor authentication: OFF / OPTIONAL / ON with authenticator apps (TOTP).
#[component]
fn MfaCard(pool: PoolDetails) -> AnyView {
    let save = ServerAction::<SetPoolMfa>::new();
    let error = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    let saved = move || matches!(save.value().get(), Some(Ok(())));
    let pending = save.pending();
    let current = pool.mfa_configuration.clone();
    let options = [
        ("OFF", "Off"),
        (
            "OPTIONAL",
            "Optional: users who set up an authenticator are asked for a code",
        ),
        (
            "ON",
            "Required: every user signs in with an authenticator code",
        ),
    ];
    view! {
        <section class=CARD aria-labelledby="mfa-heading">
            <h2 id="mfa-heading" class="font-semibold">"Multi-factor authentication"</h2>
            <p class=format!("mt-1 {MUTED}")>
                "A time-based code from an authenticator app (TOTP) after the password. Required MFA asks users without an app to set one up at sign-in."
            </p>
            <ActionForm action=save attr:class="mt-4 space-y-3" attr:novalidate=true>
                <FormError error />
                <input type="hidden" name="pool_id" value=pool.id.clone() />
                <div class="space-y-1">
                    <label for="pool-mfa" class="block text-sm font-medium">"MFA"</label>
                    <select id="pool-mfa" name="mfa" class=INPUT_CLASS data-testid="pool-mfa">
                        {options.into_iter().map(|(value, label)| view! {
                            <option value=value selected=current == value>{label}</option>
                        }).collect_view()}
                    </select>
                </div>
                <label class="flex items-center gap-2 text-sm">
                    <input type="checkbox" name="software_token" value="on" class=CHECKBOX_CLASS
                        checked=pool.software_token_mfa data-testid="pool-mfa-totp" />
                    "Authenticator apps (TOTP)"
                </label>
                <div class="flex items-center gap-3">
                    <button type="submit" class=SECONDARY_BUTTON_CLASS disabled=move || pending.get()>"Save MFA"</button>
                    <Show when=saved>
                        <span role="status" class="text-sm text-emerald-700 dark:text-emerald-400">"Saved."</span>
                    </Show>
                </div>
            </ActionForm>
        </section>
    }
    .into_any()
}

#[component]
fn DeletePoolCard(pool: PoolDetails) -> AnyView {
    let delete = ServerAction::<DeleteUserPool>::new();
    let error = Signal::derive(move || delete.value().get().and_then(|r| r.err()));
    let pending = delete.pending();
    let confirming = RwSignal::new(false);
    let typed = RwSignal::new(String::new());
    let name = StoredValue::new(pool.name.clone());
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            navigate("/user-pools", Default::default());
        }
    });
    let matches = move || typed.get().trim() == name.get_value();
    let pool_id = StoredValue::new(pool.id.clone());
    view! {
        <section class="mt-6 rounded-xl border border-red-200 bg-white p-5 dark:border-red-900 dark:bg-slate-900" aria-labelledby="danger-heading">
            <h2 id="danger-heading" class="font-semibold text-red-700 dark:text-red-400">"Delete this user pool"</h2>
            <p class=format!("mt-1 {MUTED}")>
                "Deletes every user, group, app client and signing key in it. Tokens it issued stop verifying. This cannot be undone."
            </p>
            <Show
                when=move || confirming.get()
                fallback=move || view! {
                    <button type="button" class=format!("{DANGER_BUTTON_CLASS} mt-4") on:click=move |_| confirming.set(true)>
                        "Delete pool…"
                    </button>
                }
            >
                <ActionForm action=delete attr:class="mt-4 max-w-md space-y-3" attr:novalidate=true>
                    <FormError error />
                    <input type="hidden" name="pool_id" value=pool_id.get_value() />
                    <div class="space-y-1">
                        <label for="confirm-pool-name" class="block text-sm font-medium">
                            "Type " <strong class="font-mono">{name.get_value()}</strong> " to confirm"
                        </label>
                        <input
                            id="confirm-pool-name"
                            name="confirm_name"
                            autocomplete="off"
                            class=INPUT_CLASS
                            on:input=move |ev| typed.set(event_target_value(&ev))
                            aria-describedby="confirm-pool-name-error"
                        />
                        <p id="confirm-pool-name-error" class="text-sm text-red-600 dark:text-red-400" data-testid="error-confirm_name">
                            {move || error.get().and_then(|e| e.for_field("confirm_name"))}
                        </p>
                    </div>
                    <div class="flex items-center gap-3">
                        <button type="submit" class=DANGER_BUTTON_CLASS disabled=move || !matches() || pending.get()>
                            {move || if pending.get() { "Deleting…" } else { "Delete this user pool" }}
                        </button>
                        <button type="button" class=SECONDARY_BUTTON_CLASS on:click=move |_| { confirming.set(false); typed.set(String::new()); }>
                            "Cancel"
                        </button>
                    </div>
                </ActionForm>
            </Show>
        </section>
    }
    .into_any()
}

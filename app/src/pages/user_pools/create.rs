//! `/user-pools/new`: the create-pool form (name, sign-in attribute, custom attributes,
//! password policy, token lifetimes).
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;
use serde::{Deserialize, Serialize};

use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::form::{
    BUTTON_CLASS, CHECKBOX_CLASS, Checkbox, Field, FormError, INPUT_CLASS, SECONDARY_BUTTON_CLASS,
};
use crate::components::style::{CARD, MUTED};
use crate::error::AppError;

/// One custom-attribute row of the form. `key` identifies the row (for its error message).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomAttributeInput {
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub data_type: String,
    /// `on` when ticked.
    #[serde(default)]
    pub mutable: Option<String>,
}

/// The error field of a custom-attribute row.
pub fn custom_attribute_field(key: &str) -> String {
    format!("custom_attributes.{key}")
}

/// The form [`create_user_pool`] reads, flattened: the browser posts these fields under their
/// own names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateUserPoolInput {
    pub pool_name: String,
    pub sign_in: String,
    pub verify_email: Option<String>,
    #[serde(default, deserialize_with = "crate::form_input::rows")]
    pub custom_attributes: Vec<CustomAttributeInput>,
    pub password_min_length: String,
    pub require_uppercase: Option<String>,
    pub require_lowercase: Option<String>,
    pub require_numbers: Option<String>,
    pub require_symbols: Option<String>,
    pub temporary_password_days: String,
    pub id_token_minutes: String,
    pub access_token_minutes: String,
    pub refresh_token_days: String,
}

#[server(endpoint = "create_user_pool")]
pub async fn create_user_pool(
    #[server(flatten)] input: CreateUserPoolInput,
) -> Result<String, AppError> {
    let CreateUserPoolInput {
        pool_name,
        sign_in,
        verify_email,
        custom_attributes,
        password_min_length,
        require_uppercase,
        require_lowercase,
        require_numbers,
        require_symbols,
        temporary_password_days,
        id_token_minutes,
        access_token_minutes,
        refresh_token_days,
    } = input;
    use super::shared::ssr::{
        TAG_ACCESS_MINUTES, TAG_ID_MINUTES, TAG_REFRESH_DAYS, check_resource_name, identity,
        invalid, on_field, parse_number,
    };
    use crate::auth::ssr::require_admin;
    use identity::wire::{
        CreateUserPoolRequest, PasswordPolicyType, SchemaAttributeType, UserPoolPolicyType,
    };
    let me = require_admin().await?;

    let name = pool_name.trim();
    check_resource_name("pool_name", name, "pool")?;
    let email_is_username = match sign_in.as_str() {
        "username" => false,
        "email" => true,
        _ => return Err(invalid("sign_in", "Choose how users sign in.")),
    };

    let mut schema = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for row in &custom_attributes {
        let field = custom_attribute_field(&row.key);
        let attr = row.name.trim();
        let attr = attr.strip_prefix("custom:").unwrap_or(attr);
        if attr.is_empty() {
            return Err(invalid(
                &field,
                "Enter a name for this attribute, or remove the row.",
            ));
        }
        if attr.chars().count() > 20 {
            return Err(invalid(
                &field,
                "Attribute names are at most 20 characters.",
            ));
        }
        if attr
            .chars()
            .any(|c| c == ':' || c.is_whitespace() || c.is_control())
        {
            return Err(invalid(
                &field,
                "Attribute names cannot contain spaces or colons.",
            ));
        }
        if STANDARD_ATTRIBUTES.contains(&attr) {
            return Err(invalid(
                &field,
                format!(
                    "“{attr}” is a standard attribute every pool already has; pick another name."
                ),
            ));
        }
        if seen.iter().any(|s| s == attr) {
            return Err(invalid(
                &field,
                format!("There is already an attribute named “{attr}”."),
            ));
        }
        if !matches!(row.data_type.as_str(), "String" | "Number") {
            return Err(invalid(&field, "Choose String or Number."));
        }
        seen.push(attr.to_string());
        schema.push(SchemaAttributeType {
            name: Some(attr.to_string()),
            attribute_data_type: Some(row.data_type.clone()),
            mutable: Some(row.mutable.is_some()),
            ..Default::default()
        });
    }

    let min_length = parse_number(
        "password_min_length",
        &password_min_length,
        6..=99,
        "Minimum length",
    )?;
    let temp_days = parse_number(
        "temporary_password_days",
        &temporary_password_days,
        0..=365,
        "Temporary password validity",
    )?;
    let id_minutes = parse_number(
        "id_token_minutes",
        &id_token_minutes,
        5..=1440,
        "ID token validity (minutes)",
    )?;
    let access_minutes = parse_number(
        "access_token_minutes",
        &access_token_minutes,
        5..=1440,
        "Access token validity (minutes)",
    )?;
    let refresh_days = parse_number(
        "refresh_token_days",
        &refresh_token_days,
        1..=3650,
        "Refresh token validity (days)",
    )?;

    let tags = [
        (TAG_ID_MINUTES.to_string(), id_minutes.to_string()),
        (TAG_ACCESS_MINUTES.to_string(), access_minutes.to_string()),
        (TAG_REFRESH_DAYS.to_string(), refresh_days.to_string()),
    ]
    .into_iter()
    .collect();
    let request = CreateUserPoolRequest {
        pool_name: name.to_string(),
        policies: Some(UserPoolPolicyType {
            password_policy: Some(PasswordPolicyType {
                minimum_length: i32::try_from(min_length).ok(),
                require_uppercase: Some(require_uppercase.is_some()),
                require_lowercase: Some(require_lowercase.is_some()),
                require_numbers: Some(require_numbers.is_some()),
                require_symbols: Some(require_symbols.is_some()),
                temporary_password_validity_days: i32::try_from(temp_days).ok(),
            }),
        }),
        username_attributes: email_is_username.then(|| vec!["email".to_string()]),
        auto_verified_attributes: verify_email.is_some().then(|| vec!["email".to_string()]),
        schema: (!schema.is_empty()).then_some(schema),
        user_pool_tags: Some(tags),
        ..Default::default()
    };
    let created = identity().create_user_pool(request).await.map_err(|e| {
        let message = e.message.to_ascii_lowercase();
        if message.contains("poolname") {
            on_field(e, "pool_name")
        } else if message.contains("minimumlength") {
            on_field(e, "password_min_length")
        } else if message.contains("temporarypasswordvaliditydays") {
            on_field(e, "temporary_password_days")
        } else {
            e.into()
        }
    })?;
    tracing::info!(pool.id = %created.user_pool.id, by = %me.username, "user pool created in the console");
    Ok(created.user_pool.id)
}

/// The standard attributes (a custom attribute may not reuse their names).
#[cfg(feature = "ssr")]
const STANDARD_ATTRIBUTES: &[&str] = &[
    "sub",
    "name",
    "given_name",
    "family_name",
    "middle_name",
    "nickname",
    "preferred_username",
    "profile",
    "picture",
    "website",
    "email",
    "email_verified",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "phone_number",
    "phone_number_verified",
    "address",
    "updated_at",
];

#[component]
pub fn CreateUserPoolPage() -> impl IntoView {
    let action = ServerAction::<CreateUserPool>::new();
    let error = Signal::derive(move || action.value().get().and_then(|r| r.err()));
    let pending = action.pending();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = action.value().get() {
            navigate(&format!("/user-pools/{id}"), Default::default());
        }
    });

    view! {
        <Title text="Create user pool" />
        <Breadcrumbs crumbs=vec![("Console", Some("/")), ("User pools", Some("/user-pools")), ("Create user pool", None)] />
        <h1 class="text-2xl font-semibold tracking-tight">"Create user pool"</h1>
        <p class="mt-1 text-slate-600 dark:text-slate-400">
            "Sign-in, attributes and password rules are fixed once the pool exists; everything else can be added later."
        </p>
        <ActionForm action attr:class="mt-6 max-w-3xl space-y-6" attr:novalidate=true>
            <FormError error />
            <PoolSection error />
            <CustomAttributesSection error />
            <PasswordPolicySection error />
            <TokenValiditySection error />
            <div class="flex items-center gap-3">
                <button type="submit" class=BUTTON_CLASS disabled=move || pending.get()>
                    {move || if pending.get() { "Creating…" } else { "Create user pool" }}
                </button>
                <a href="/user-pools" class=SECONDARY_BUTTON_CLASS>"Cancel"</a>
            </div>
        </ActionForm>
    }
}

#[component]
fn SignInChoice(
    value: &'static str,
    checked: bool,
    title: &'static str,
    detail: &'static str,
) -> impl IntoView {
    let id = format!("sign-in-{value}");
    let label_for = id.clone();
    view! {
        <label for=label_for class="flex cursor-pointer items-start gap-3 rounded-lg border border-slate-200 p-3 hover:border-indigo-400 dark:border-slate-700 dark:hover:border-indigo-500">
            <input id=id type="radio" name="sign_in" value=value checked=checked class="mt-1 accent-indigo-600" />
            <span>
                <span class="block text-sm font-medium">{title}</span>
                <span class="block text-xs text-slate-500 dark:text-slate-400">{detail}</span>
            </span>
        </label>
    }
}

/// Rows of name + type + mutable, added and removed in the browser; each row's inputs are
/// named `custom_attributes[{key}][...]`.
#[component]
fn CustomAttributesSection(#[prop(into)] error: Signal<Option<AppError>>) -> AnyView {
    let rows = RwSignal::new(Vec::<u32>::new());
    let next = StoredValue::new(0u32);
    let add = move |_| {
        let key = next.get_value();
        next.set_value(key + 1);
        rows.update(|r| r.push(key));
    };
    view! {
        <section class=CARD aria-labelledby="custom-heading">
            <div class="flex flex-wrap items-start justify-between gap-3">
                <div>
                    <h2 id="custom-heading" class="font-semibold">"Custom attributes"</h2>
                    <p class=format!("mt-1 {MUTED}")>
                        "Extra fields on each user, e.g. a role. ID tokens carry them as " <code>"custom:NAME"</code> " (always as strings)."
                    </p>
                </div>
                <button type="button" class=SECONDARY_BUTTON_CLASS on:click=add>"+ Add attribute"</button>
            </div>
            <Show
                when=move || !rows.get().is_empty()
                fallback=|| view! { <p class=format!("mt-4 {MUTED}") data-testid="custom-attributes-empty">"No custom attributes. The standard ones (email, name, phone_number, …) are always there."</p> }
            >
                <ul class="mt-4 space-y-3" aria-label="Custom attributes">
                    <For each=move || rows.get() key=|k| *k let:key>
                        <CustomAttributeRow key error on_remove=move || rows.update(|r| r.retain(|k| *k != key)) />
                    </For>
                </ul>
            </Show>
        </section>
    }
    .into_any()
}

#[component]
fn CustomAttributeRow(
    key: u32,
    #[prop(into)] error: Signal<Option<AppError>>,
    on_remove: impl Fn() + 'static,
) -> AnyView {
    let field = custom_attribute_field(&key.to_string());
    let message = move || error.get().and_then(|e| e.for_field(&field));
    let invalid = message.clone();
    let prefix = format!("custom_attributes[{key}]");
    let name_id = format!("custom-attribute-{key}-name");
    let name_for = name_id.clone();
    let err_id = format!("custom-attribute-{key}-error");
    let err_ref = err_id.clone();
    let type_id = format!("custom-attribute-{key}-type");
    let type_for = type_id.clone();
    view! {
        <li class="rounded-lg border border-slate-200 p-3 dark:border-slate-700">
            <input type="hidden" name=format!("{prefix}[key]") value=key.to_string() />
            <div class="flex flex-wrap items-end gap-3">
                <div class="min-w-48 flex-1 space-y-1">
                    <label for=name_for class="block text-xs font-medium text-slate-600 dark:text-slate-300">"Name"</label>
                    <div class="flex items-center">
                        <span class="rounded-l-md border border-r-0 border-slate-300 bg-slate-100 px-2 py-2 font-mono text-xs text-slate-500 dark:border-slate-700 dark:bg-slate-800 dark:text-slate-400">"custom:"</span>
                        <input
                            id=name_id
                            name=format!("{prefix}[name]")
                            aria-label="Custom attribute name"
                            autocomplete="off"
                            class=format!("{INPUT_CLASS} rounded-l-none")
                            aria-invalid=move || invalid().is_some().to_string()
                            aria-describedby=err_ref
                        />
                    </div>
                </div>
                <div class="space-y-1">
                    <label for=type_for class="block text-xs font-medium text-slate-600 dark:text-slate-300">"Type"</label>
                    <select id=type_id name=format!("{prefix}[data_type]") aria-label="Custom attribute type" class=INPUT_CLASS>
                        <option value="String" selected=true>"String"</option>
                        <option value="Number">"Number"</option>
                    </select>
                </div>
                <label class="flex items-center gap-2 pb-2 text-sm">
                    <input type="checkbox" name=format!("{prefix}[mutable]") checked=true aria-label="Custom attribute mutable" class=CHECKBOX_CLASS />
                    "Mutable"
                </label>
                <button type="button" class="pb-2 text-sm text-red-600 hover:underline dark:text-red-400" on:click=move |_| on_remove()>
                    "Remove"
                </button>
            </div>
            <p id=err_id class="mt-1 text-sm text-red-600 dark:text-red-400" data-testid="error-custom-attribute">{message}</p>
        </li>
    }
    .into_any()
}

#[component]
fn PoolSection(#[prop(into)] error: Signal<Option<AppError>>) -> AnyView {
    view! {
            <section class=CARD aria-labelledby="basics-heading">
                <h2 id="basics-heading" class="font-semibold">"Pool"</h2>
                <div class="mt-4 space-y-4">
                    <Field label="Pool name" name="pool_name" autocomplete="off" required=true
                        help="Letters, numbers, spaces and _ + = , . @ - (up to 128)." error />
                    <fieldset>
                        <legend class="text-sm font-medium">"How users sign in"</legend>
                        <div class="mt-2 grid gap-2 sm:grid-cols-2">
                            <SignInChoice value="username" checked=true title="Username"
                                detail="Users pick a username; an email address is an optional attribute." />
                            <SignInChoice value="email" checked=false title="Email address as username"
                                detail="The email address is the sign-in name; the stored username is the user's sub." />
                        </div>
                        <p class="mt-1 text-sm text-red-600 dark:text-red-400" data-testid="error-sign_in">
                            {move || error.get().and_then(|e| e.for_field("sign_in"))}
                        </p>
                    </fieldset>
                    <Checkbox label="Verify email addresses" name="verify_email" checked=true
                        help="Sign-ups get a confirmation code by email (delivered to this pool's outbox)." />
                </div>
            </section>
    }
    .into_any()
}

#[component]
fn PasswordPolicySection(#[prop(into)] error: Signal<Option<AppError>>) -> AnyView {
    view! {
            <section class=CARD aria-labelledby="password-heading">
                <h2 id="password-heading" class="font-semibold">"Password policy"</h2>
                <div class="mt-4 grid gap-4 sm:grid-cols-2">
                    <Field label="Minimum length" name="password_min_length" kind="number" value="8" min="6" max="99" help="6 to 99 characters." error />
                    <Field label="Temporary passwords expire after (days)" name="temporary_password_days" kind="number" value="7" min="0" max="365" help="For invited users; 0 to 365." error />
                </div>
                <div class="mt-4 grid gap-3 sm:grid-cols-2">
                    <Checkbox label="Require an uppercase letter" name="require_uppercase" checked=true />
                    <Checkbox label="Require a lowercase letter" name="require_lowercase" checked=true />
                    <Checkbox label="Require a number" name="require_numbers" checked=true />
                    <Checkbox label="Require a symbol" name="require_symbols" checked=true />
                </div>
            </section>
    }
    .into_any()
}

#[component]
fn TokenValiditySection(#[prop(into)] error: Signal<Option<AppError>>) -> AnyView {
    view! {
            <section class=CARD aria-labelledby="tokens-heading">
                <h2 id="tokens-heading" class="font-semibold">"Token validity"</h2>
                <p class=format!("mt-1 {MUTED}")>"What app clients created in this console get unless you override it per client."</p>
                <div class="mt-4 grid gap-4 sm:grid-cols-3">
                    <Field label="ID token (minutes)" name="id_token_minutes" kind="number" value="60" min="5" max="1440" help="5 minutes to 1 day." error />
                    <Field label="Access token (minutes)" name="access_token_minutes" kind="number" value="60" min="5" max="1440" help="5 minutes to 1 day." error />
                    <Field label="Refresh token (days)" name="refresh_token_days" kind="number" value="30" min="1" max="3650" help="1 day to 10 years." error />
                </div>
            </section>
    }
    .into_any()
}

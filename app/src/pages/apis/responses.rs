//! The Integration response and Method response editors: one form per status code (and one to
//! add a status code), each saved on its own.
//!
//! * An integration response picks, by its selection regex matched against the backend's
//!   status code (empty: the default), the status code the client gets, maps headers into it
//!   and transforms the body with templates per content type.
//! * A method response declares a status code the method can return and the headers it may
//!   carry.
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::method_view::{IntegrationResponseView, MethodResponseView, MethodView, method_ctx};
use super::rows::{MappingInput, MappingRows, Rows, SectionError, TemplateInput, TemplateRows};
use crate::components::form::{
    BUTTON_CLASS, CHECKBOX_CLASS, DANGER_BUTTON_CLASS, Field, FormError, INPUT_CLASS,
    SECONDARY_BUTTON_CLASS,
};
use crate::components::style::{LINK_DANGER, MUTED};
use crate::error::AppError;

/// A response-header row of a method response as the form sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeaderInput {
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub name: String,
    /// `on` when ticked.
    #[serde(default)]
    pub required: Option<String>,
}

const HEADER_PREFIX: &str = "method.response.header.";

#[cfg(feature = "ssr")]
const RESPONSE_FIELDS: &[(&str, &str)] = &[
    ("statusCode", "status_code"),
    ("selectionPattern", "selection_pattern"),
    ("responseParameters", "response_parameters"),
    ("responseTemplates", "response_templates"),
];

/// The form [`save_integration_response`] reads, flattened: the browser posts these fields under their
/// own names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SaveIntegrationResponseInput {
    pub api_id: String,
    pub resource_id: String,
    pub http_method: String,
    #[serde(default)]
    pub status_code: String,
    pub is_new: Option<String>,
    #[serde(default)]
    pub selection_pattern: String,
    #[serde(default, deserialize_with = "crate::form_input::rows")]
    pub response_parameters: Vec<MappingInput>,
    #[serde(default, deserialize_with = "crate::form_input::rows")]
    pub response_templates: Vec<TemplateInput>,
}

/// Adds or replaces the integration response for `status_code`. With `is_new`, refuses a
/// status code that already has one (the add form must not overwrite).
#[server(endpoint = "save_integration_response")]
pub async fn save_integration_response(
    #[server(flatten)] input: SaveIntegrationResponseInput,
) -> Result<String, AppError> {
    let SaveIntegrationResponseInput {
        api_id,
        resource_id,
        http_method,
        status_code,
        is_new,
        selection_pattern,
        response_parameters,
        response_templates,
    } = input;
    use super::rows::ssr::{mappings, templates};
    use super::shared::ssr::{db, invalid, on_form, verb};
    use crate::auth::ssr::require_admin;
    let me = require_admin().await?;
    let (api_id, resource_id) = (
        apis::RestApiId::new(api_id),
        apis::ResourceId::new(resource_id),
    );
    let verb = verb(&http_method)?;
    let status = status_code.trim();
    if status.is_empty() {
        return Err(invalid("status_code", "Choose a status code."));
    }
    let db = db();
    if is_new.is_some() {
        let method = apis::store::get_method(&db, &api_id, &resource_id, verb)
            .await
            .map_err(|e| on_form(e, RESPONSE_FIELDS))?;
        if method
            .method_integration
            .is_some_and(|i| i.integration_responses.contains_key(status))
        {
            return Err(invalid(
                "status_code",
                format!("There is already an integration response for {status}; edit it above."),
            ));
        }
    }
    let settings = apis::IntegrationResponseSettings {
        selection_pattern: Some(selection_pattern.trim().to_string()).filter(|p| !p.is_empty()),
        response_parameters: mappings("response_parameters", &response_parameters)?,
        response_templates: templates("response_templates", &response_templates)?,
    };
    // After the rows' own checks, so those messages come first.
    super::rows::ssr::check_templates("response_templates", &response_templates)?;
    apis::store::put_integration_response(&db, &api_id, &resource_id, verb, status, &settings)
        .await
        .map_err(|e| on_form(e, RESPONSE_FIELDS))?;
    tracing::info!(api.id = %api_id, resource.id = %resource_id, method = %verb, status, by = %me.username, "integration response saved in the console");
    Ok(status.to_string())
}

#[server(endpoint = "delete_api_integration_response")]
pub async fn delete_api_integration_response(
    api_id: String,
    resource_id: String,
    http_method: String,
    status_code: String,
) -> Result<String, AppError> {
    use super::shared::ssr::{db, on_form, verb};
    use crate::auth::ssr::require_admin;
    let me = require_admin().await?;
    let (api_id, resource_id) = (
        apis::RestApiId::new(api_id),
        apis::ResourceId::new(resource_id),
    );
    let verb = verb(&http_method)?;
    apis::store::delete_integration_response(&db(), &api_id, &resource_id, verb, &status_code)
        .await
        .map_err(|e| on_form(e, &[]))?;
    tracing::info!(api.id = %api_id, resource.id = %resource_id, method = %verb, status = %status_code, by = %me.username, "integration response deleted in the console");
    Ok(status_code)
}

/// Adds or replaces the method response for `status_code` (its response models are kept).
#[server(endpoint = "save_method_response")]
pub async fn save_method_response(
    api_id: String,
    resource_id: String,
    http_method: String,
    #[server(default)] status_code: String,
    is_new: Option<String>,
    #[server(default)] response_headers: Vec<HeaderInput>,
) -> Result<String, AppError> {
    use super::rows::row_field;
    use super::shared::ssr::{db, invalid, on_form, verb};
    use crate::auth::ssr::require_admin;
    use std::collections::BTreeMap;
    let me = require_admin().await?;
    let (api_id, resource_id) = (
        apis::RestApiId::new(api_id),
        apis::ResourceId::new(resource_id),
    );
    let verb = verb(&http_method)?;
    let status = status_code.trim();
    if status.is_empty() {
        return Err(invalid(
            "status_code",
            "Enter a status code, e.g. 200 or 404.",
        ));
    }
    let mut headers = BTreeMap::new();
    for row in &response_headers {
        let field = row_field("response_headers", &row.key);
        let name = row.name.trim();
        let name = name.strip_prefix(HEADER_PREFIX).unwrap_or(name);
        if name.is_empty() {
            return Err(invalid(
                &field,
                "Enter the header's name, or remove the row.",
            ));
        }
        if !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._$-".contains(c))
        {
            return Err(invalid(
                &field,
                "Header names may only contain letters, digits and . _ $ -",
            ));
        }
        if headers
            .insert(format!("{HEADER_PREFIX}{name}"), row.required.is_some())
            .is_some()
        {
            return Err(invalid(&field, format!("{name} is listed twice.")));
        }
    }
    let db = db();
    let method = apis::store::get_method(&db, &api_id, &resource_id, verb)
        .await
        .map_err(|e| on_form(e, &[]))?;
    let existing = method.method_responses.get(status);
    if is_new.is_some() && existing.is_some() {
        return Err(invalid(
            "status_code",
            format!("There is already a method response for {status}; edit it above."),
        ));
    }
    let settings = apis::MethodResponseSettings {
        response_parameters: headers,
        response_models: existing
            .map(|r| r.response_models.clone())
            .unwrap_or_default(),
    };
    apis::store::put_method_response(&db, &api_id, &resource_id, verb, status, &settings)
        .await
        .map_err(|e| {
            on_form(
                e,
                &[
                    ("statusCode", "status_code"),
                    ("responseParameters", "response_headers"),
                ],
            )
        })?;
    tracing::info!(api.id = %api_id, resource.id = %resource_id, method = %verb, status, by = %me.username, "method response saved in the console");
    Ok(status.to_string())
}

#[server(endpoint = "delete_api_method_response")]
pub async fn delete_api_method_response(
    api_id: String,
    resource_id: String,
    http_method: String,
    status_code: String,
) -> Result<String, AppError> {
    use super::shared::ssr::{db, on_form, verb};
    use crate::auth::ssr::require_admin;
    let me = require_admin().await?;
    let (api_id, resource_id) = (
        apis::RestApiId::new(api_id),
        apis::ResourceId::new(resource_id),
    );
    let verb = verb(&http_method)?;
    apis::store::delete_method_response(&db(), &api_id, &resource_id, verb, &status_code)
        .await
        .map_err(|e| on_form(e, &[]))?;
    tracing::info!(api.id = %api_id, resource.id = %resource_id, method = %verb, status = %status_code, by = %me.username, "method response deleted in the console");
    Ok(status_code)
}

/// The hidden inputs naming the method.
#[component]
fn MethodInputs(method: MethodView) -> impl IntoView {
    view! {
        <input type="hidden" name="api_id" value=method.api_id />
        <input type="hidden" name="resource_id" value=method.resource_id />
        <input type="hidden" name="http_method" value=method.http_method />
    }
}

/// A two-step delete button for a response.
#[component]
fn DeleteResponse(
    what: String,
    #[prop(into)] on_confirm: Callback<()>,
    pending: Signal<bool>,
) -> AnyView {
    let confirming = RwSignal::new(false);
    let what = StoredValue::new(what);
    view! {
        <Show
            when=move || confirming.get()
            fallback=move || view! {
                <button type="button" class=LINK_DANGER on:click=move |_| confirming.set(true)>{format!("Delete {}", what.get_value())}</button>
            }
        >
            <span class="inline-flex flex-wrap items-center gap-2" role="group" aria-label="Confirm deletion">
                <span class="text-xs">{format!("Delete {}?", what.get_value())}</span>
                <button type="button" class=DANGER_BUTTON_CLASS disabled=move || pending.get()
                    on:click=move |_| { on_confirm.run(()); confirming.set(false); }>
                    "Confirm delete"
                </button>
                <button type="button" class="text-xs hover:underline" on:click=move |_| confirming.set(false)>"Cancel"</button>
            </span>
        </Show>
    }
    .into_any()
}

#[component]
pub fn IntegrationResponsesEditor(method: MethodView) -> AnyView {
    let Some(integration) = method.integration.clone() else {
        return view! {
            <p class=MUTED>"This method has no integration yet: set one up in the integration request first."</p>
        }
        .into_any();
    };
    let proxy = integration.kind.ends_with("_PROXY");
    let free: Vec<String> = method
        .method_responses
        .iter()
        .map(|r| r.status_code.clone())
        .filter(|s| {
            !integration
                .integration_responses
                .iter()
                .any(|r| &r.status_code == s)
        })
        .collect();
    view! {
        <div class="space-y-6">
            <p class=MUTED>
                "The backend's answer is matched against each response's selection regex (for HTTP and MOCK: the status code, e.g. "
                <code>"4\\d{2}"</code> "); the response without one is the default. The chosen status code must be declared as a method response."
            </p>
            {proxy.then(|| view! {
                <p class="rounded-md border border-sky-200 bg-sky-50 px-3 py-2 text-sm text-sky-900 dark:border-sky-800 dark:bg-sky-950 dark:text-sky-100">
                    "This is a proxy integration: the backend's response is passed through and these responses are not used."
                </p>
            })}
            {integration.integration_responses.iter().map(|r| view! {
                <IntegrationResponseForm method=method.clone() response=Some(r.clone()) free=Vec::new() />
            }).collect_view()}
            <IntegrationResponseForm method=method.clone() response=None free />
        </div>
    }
    .into_any()
}

/// The form of one integration response, or (with `response` None) the add form, offering
/// the method responses' status codes that have no integration response (`free`).
#[component]
fn IntegrationResponseForm(
    method: MethodView,
    response: Option<IntegrationResponseView>,
    free: Vec<String>,
) -> AnyView {
    let ctx = method_ctx();
    let action = ServerAction::<SaveIntegrationResponse>::new();
    let delete = ServerAction::<DeleteApiIntegrationResponse>::new();
    let error = Signal::derive(move || {
        delete
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| action.value().get().and_then(|r| r.err()))
    });
    let pending = action.pending();
    Effect::new(move |_| {
        if let Some(Ok(status)) = action.value().get() {
            ctx.saved(format!("Integration response {status} saved."));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(status)) = delete.value().get() {
            ctx.saved(format!("Integration response {status} deleted."));
        }
    });
    let is_new = response.is_none();
    if is_new && free.is_empty() {
        return view! {
            <section class="rounded-lg border border-dashed border-slate-300 p-4 dark:border-slate-700" data-testid="add-integration-response">
                <h3 class="font-semibold">"Add an integration response"</h3>
                <p class=format!("mt-1 {MUTED}")>"Every method response has an integration response. Add a method response first to map another status code."</p>
            </section>
        }
        .into_any();
    }
    let status = response
        .as_ref()
        .map(|r| r.status_code.clone())
        .unwrap_or_default();
    let pattern = response
        .as_ref()
        .and_then(|r| r.selection_pattern.clone())
        .unwrap_or_default();
    let mappings = response
        .as_ref()
        .map(|r| r.response_parameters.clone())
        .unwrap_or_default();
    let templates = response
        .as_ref()
        .map(|r| r.response_templates.clone())
        .unwrap_or_default();
    let title = if is_new {
        "Add an integration response".to_string()
    } else if pattern.is_empty() {
        format!("{status} (default)")
    } else {
        status.clone()
    };
    let ids = StoredValue::new((method.clone(), status.clone()));
    let testid = if is_new {
        "add-integration-response".to_string()
    } else {
        format!("integration-response-{status}")
    };
    let form_id = format!("ires-{}", if is_new { "new" } else { &status });
    let status_id = format!("{form_id}-status");
    let status_for = status_id.clone();
    let pattern_id = format!("{form_id}-pattern");
    let pattern_for = pattern_id.clone();
    let pattern_message = move || error.get().and_then(|e| e.for_field("selection_pattern"));
    let pattern_invalid = pattern_message;
    view! {
        <section class="rounded-lg border border-slate-200 p-4 dark:border-slate-700" data-testid=testid>
            <div class="flex flex-wrap items-center justify-between gap-2">
                <h3 class="font-semibold">{title}</h3>
                {(!is_new).then(|| view! {
                    <DeleteResponse what=format!("integration response {status}") pending=delete.pending().into()
                        on_confirm=move |_| {
                            let (m, status_code) = ids.get_value();
                            delete.dispatch(DeleteApiIntegrationResponse { api_id: m.api_id, resource_id: m.resource_id, http_method: m.http_method, status_code });
                        } />
                })}
            </div>
            <ActionForm action attr:class="mt-3 space-y-4" attr:novalidate=true>
                <FormError error />
                <MethodInputs method=method.clone() />
                {if is_new {
                    view! {
                        <input type="hidden" name="is_new" value="on" />
                        <div class="max-w-xs space-y-1">
                            <label for=status_for class="block text-sm font-medium">"Method response status code"</label>
                            <select id=status_id name="status_code" class=INPUT_CLASS>
                                {free.iter().map(|s| view! { <option value=s.clone()>{s.clone()}</option> }).collect_view()}
                            </select>
                            <p class="text-sm text-red-600 dark:text-red-400" data-testid="error-status_code">
                                {move || error.get().and_then(|e| e.for_field("status_code"))}
                            </p>
                        </div>
                    }.into_any()
                } else {
                    view! { <input type="hidden" name="status_code" value=status.clone() /> }.into_any()
                }}
                <div class="max-w-md space-y-1">
                    <label for=pattern_for class="block text-sm font-medium">"Selection regex"</label>
                    <input id=pattern_id name="selection_pattern" value=pattern placeholder="empty: the default response"
                        autocomplete="off" spellcheck="false" class=format!("{INPUT_CLASS} font-mono text-xs")
                        aria-invalid=move || pattern_invalid().is_some().to_string() />
                    <p class="text-xs text-slate-500 dark:text-slate-400">
                        "Matched against the whole backend status code (e.g. " <code>"4\\d{2}"</code> "); leave empty for the default response."
                    </p>
                    <p class="text-sm text-red-600 dark:text-red-400" data-testid="error-selection_pattern">{pattern_message}</p>
                </div>
                <fieldset class="space-y-2">
                    <legend class="text-sm font-medium">"Header mappings"</legend>
                    <p class=MUTED>"Set a header declared in the method response from " <code>"integration.response.header.X"</code> ", " <code>"integration.response.body.field"</code> ", a context variable or a " <code>"'static value'"</code> "."</p>
                    <MappingRows section="response_parameters" initial=mappings target_label="Method response header"
                        target_placeholder="method.response.header.Access-Control-Allow-Origin" source_placeholder="'*'"
                        add_label="+ Add header mapping" error />
                </fieldset>
                <fieldset class="space-y-2">
                    <legend class="text-sm font-medium">"Mapping templates"</legend>
                    <p class=MUTED>"Build the response body, chosen by the client's Accept header (none counts as application/json). Without templates the body passes through."</p>
                    <TemplateRows section="response_templates" initial=templates error what="Response template" id_prefix=form_id.clone() />
                </fieldset>
                <button type="submit" class=if is_new { BUTTON_CLASS } else { SECONDARY_BUTTON_CLASS } disabled=move || pending.get()>
                    {move || if pending.get() { "Saving…" } else if is_new { "Add integration response" } else { "Save integration response" }}
                </button>
            </ActionForm>
        </section>
    }
    .into_any()
}

#[component]
pub fn MethodResponsesEditor(method: MethodView) -> AnyView {
    view! {
        <div class="space-y-6">
            <p class=MUTED>
                "The status codes this method can return, with the headers each may carry (declare a header here to map it in the integration response)."
            </p>
            {method.method_responses.iter().map(|r| view! {
                <MethodResponseForm method=method.clone() response=Some(r.clone()) />
            }).collect_view()}
            <MethodResponseForm method=method.clone() response=None />
        </div>
    }
    .into_any()
}

#[component]
fn MethodResponseForm(method: MethodView, response: Option<MethodResponseView>) -> AnyView {
    let ctx = method_ctx();
    let action = ServerAction::<SaveMethodResponse>::new();
    let delete = ServerAction::<DeleteApiMethodResponse>::new();
    let error = Signal::derive(move || {
        delete
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| action.value().get().and_then(|r| r.err()))
    });
    let pending = action.pending();
    Effect::new(move |_| {
        if let Some(Ok(status)) = action.value().get() {
            ctx.saved(format!("Method response {status} saved."));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(status)) = delete.value().get() {
            ctx.saved(format!("Method response {status} deleted."));
        }
    });
    let is_new = response.is_none();
    let status = response
        .as_ref()
        .map(|r| r.status_code.clone())
        .unwrap_or_default();
    let rows = Rows::new(
        response
            .as_ref()
            .map(|r| {
                r.response_parameters
                    .iter()
                    .map(|(h, req)| (h.strip_prefix(HEADER_PREFIX).unwrap_or(h).to_string(), *req))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default(),
    );
    let models = response
        .as_ref()
        .map(|r| {
            r.response_models
                .iter()
                .map(|(c, m)| format!("{c} → {m}"))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    let ids = StoredValue::new((method.clone(), status.clone()));
    let testid = if is_new {
        "add-method-response".to_string()
    } else {
        format!("method-response-{status}")
    };
    view! {
        <section class="rounded-lg border border-slate-200 p-4 dark:border-slate-700" data-testid=testid>
            <div class="flex flex-wrap items-center justify-between gap-2">
                <h3 class="font-semibold">{if is_new { "Add a method response".to_string() } else { status.clone() }}</h3>
                {(!is_new).then(|| view! {
                    <DeleteResponse what=format!("method response {status}") pending=delete.pending().into()
                        on_confirm=move |_| {
                            let (m, status_code) = ids.get_value();
                            delete.dispatch(DeleteApiMethodResponse { api_id: m.api_id, resource_id: m.resource_id, http_method: m.http_method, status_code });
                        } />
                })}
            </div>
            <ActionForm action attr:class="mt-3 space-y-4" attr:novalidate=true>
                <FormError error />
                <MethodInputs method=method.clone() />
                {if is_new {
                    view! {
                        <input type="hidden" name="is_new" value="on" />
                        <div class="max-w-xs">
                            <Field label="HTTP status code" name="status_code" autocomplete="off" placeholder="e.g. 404" help="100 to 599." error />
                        </div>
                    }.into_any()
                } else {
                    view! { <input type="hidden" name="status_code" value=status.clone() /> }.into_any()
                }}
                {(!models.is_empty()).then(|| view! { <p class=MUTED>{format!("Response models: {models}")}</p> })}
                <fieldset class="space-y-2">
                    <legend class="text-sm font-medium">"Response headers"</legend>
                    <Show when=move || rows.is_empty()>
                        <p class="text-sm text-slate-500 dark:text-slate-400">"None."</p>
                    </Show>
                    <ul class="space-y-2" aria-label="Response headers">
                        <For each=move || rows.list() key=|(k, _)| *k let:row>
                            {
                                let (key, (name, required)) = row;
                                let prefix = format!("response_headers[{key}]");
                                let field = super::rows::row_field("response_headers", &key.to_string());
                                view! {
                                    <li>
                                        <input type="hidden" name=format!("{prefix}[key]") value=key.to_string() />
                                        <div class="flex flex-wrap items-center gap-2">
                                            <span class="font-mono text-xs text-slate-500 dark:text-slate-400">{HEADER_PREFIX}</span>
                                            <input name=format!("{prefix}[name]") value=name aria-label="Header name" placeholder="Access-Control-Allow-Origin"
                                                autocomplete="off" spellcheck="false" class=format!("{INPUT_CLASS} w-64 font-mono text-xs") />
                                            <label class="flex items-center gap-2 text-sm">
                                                <input type="checkbox" name=format!("{prefix}[required]") checked=required aria-label="Required" class=CHECKBOX_CLASS />
                                                "Required"
                                            </label>
                                            <button type="button" class="text-sm text-red-600 hover:underline dark:text-red-400" on:click=move |_| rows.remove(key)>"Remove"</button>
                                        </div>
                                        <p class="mt-1 text-sm text-red-600 dark:text-red-400" data-testid="error-row">
                                            {move || error.get().and_then(|e| e.for_field(&field))}
                                        </p>
                                    </li>
                                }
                            }
                        </For>
                    </ul>
                    <SectionError error section="response_headers" />
                    <button type="button" class=SECONDARY_BUTTON_CLASS on:click=move |_| rows.add((String::new(), false))>"+ Add header"</button>
                </fieldset>
                <button type="submit" class=if is_new { BUTTON_CLASS } else { SECONDARY_BUTTON_CLASS } disabled=move || pending.get()>
                    {move || if pending.get() { "Saving…" } else if is_new { "Add method response" } else { "Save method response" }}
                </button>
            </ActionForm>
        </section>
    }
    .into_any()
}

//! The Integration request form: the integration type (MOCK, HTTP, HTTP_PROXY; AWS and
//! AWS_PROXY are kept when stored but cannot run here), endpoint URL and verb, timeout,
//! parameter mappings, mapping templates per content type and the passthrough behaviour.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::method_view::{MethodView, StaleNotice, method_ctx};
use super::rows::{MappingInput, MappingRows, TemplateInput, TemplateRows};
use super::shared::HTTP_METHODS;
use crate::components::form::{BUTTON_CLASS, Field, FormError, INPUT_CLASS};
use crate::components::style::MUTED;
use crate::error::AppError;

/// The passthrough behaviours with AWS's explanations: (value, label, explanation).
pub const PASSTHROUGH: &[(&str, &str, &str)] = &[
    (
        "WHEN_NO_MATCH",
        "When no template matches the request content-type header",
        "A request whose Content-Type has no template goes to the integration unchanged. Requests that do match are transformed.",
    ),
    (
        "WHEN_NO_TEMPLATES",
        "When there are no templates defined (recommended)",
        "Requests pass through unchanged only while no template is defined. Once one is, a request whose Content-Type has no template is refused with 415 Unsupported Media Type.",
    ),
    (
        "NEVER",
        "Never",
        "A request whose Content-Type has no template is refused with 415 Unsupported Media Type, even when no template is defined.",
    ),
];

/// The integration types the form offers; AWS and AWS_PROXY only when already stored.
const RUNNABLE_TYPES: &[(&str, &str)] = &[
    ("MOCK", "Mock: answer from the integration response"),
    ("HTTP", "HTTP: call an endpoint, with mapping"),
    (
        "HTTP_PROXY",
        "HTTP proxy: pass the request and response through",
    ),
];

/// The form [`update_integration_request`] reads, flattened: the browser posts these fields under their
/// own names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpdateIntegrationRequestInput {
    pub api_id: String,
    pub resource_id: String,
    pub http_method: String,
    #[serde(default)]
    pub version: String,
    pub integration_type: String,
    pub uri: Option<String>,
    pub integration_http_method: Option<String>,
    #[serde(default)]
    pub timeout_in_millis: String,
    #[serde(default)]
    pub passthrough_behavior: String,
    #[serde(default, deserialize_with = "crate::form_input::rows")]
    pub request_parameters: Vec<MappingInput>,
    #[serde(default, deserialize_with = "crate::form_input::rows")]
    pub request_templates: Vec<TemplateInput>,
}

#[server(endpoint = "update_integration_request")]
pub async fn update_integration_request(
    #[server(flatten)] input: UpdateIntegrationRequestInput,
) -> Result<(), AppError> {
    let UpdateIntegrationRequestInput {
        api_id,
        resource_id,
        http_method,
        version,
        integration_type,
        uri,
        integration_http_method,
        timeout_in_millis,
        passthrough_behavior,
        request_parameters,
        request_templates,
    } = input;
    use super::rows::ssr::{mappings, templates};
    use super::shared::STALE_FIELD;
    use super::shared::ssr::{db, invalid, on_form, verb};
    use crate::auth::ssr::require_admin;
    use apis::{HttpMethod, IntegrationSettings, IntegrationType, PassthroughBehavior};
    let me = require_admin().await?;
    let (api_id, resource_id) = (
        apis::RestApiId::new(api_id),
        apis::ResourceId::new(resource_id),
    );
    let verb = verb(&http_method)?;
    let fields: &[(&str, &str)] = &[
        ("type", "integration_type"),
        ("httpMethod", "integration_http_method"),
        ("uri", "uri"),
        ("timeoutInMillis", "timeout_in_millis"),
        ("passthroughBehavior", "passthrough_behavior"),
        ("requestParameters", "request_parameters"),
        ("requestTemplates", "request_templates"),
    ];
    let kind = IntegrationType::parse(&integration_type).map_err(|e| on_form(e, fields))?;
    let (uri, integration_verb) = if kind == IntegrationType::Mock {
        (None, None)
    } else {
        let uri = uri.map(|u| u.trim().to_string()).filter(|u| !u.is_empty());
        let integration_verb = match integration_http_method.as_deref().unwrap_or("") {
            "" => None,
            v => Some(HttpMethod::parse(v).map_err(|e| on_form(e, fields))?),
        };
        (uri, integration_verb)
    };
    let timeout = match timeout_in_millis.trim() {
        "" => None,
        raw => Some(raw.parse::<i32>().map_err(|_| {
            invalid(
                "timeout_in_millis",
                "Enter the timeout in whole milliseconds, from 50 to 29000.",
            )
        })?),
    };
    let passthrough = match passthrough_behavior.as_str() {
        "" => None,
        p => Some(PassthroughBehavior::parse(p).map_err(|e| on_form(e, fields))?),
    };
    let settings = IntegrationSettings {
        kind,
        http_method: integration_verb,
        uri,
        request_parameters: mappings("request_parameters", &request_parameters)?,
        request_templates: templates("request_templates", &request_templates)?,
        passthrough_behavior: passthrough,
        timeout_in_millis: timeout,
    };
    // After the rows' own checks, so those messages come first.
    super::rows::ssr::check_templates("request_templates", &request_templates)?;
    let db = db();
    match version.trim() {
        // The form was loaded when the method had no integration.
        "" => {
            match apis::store::get_integration(&db, &api_id, &resource_id, verb).await {
                Ok(_) => {
                    return Err(invalid(
                        STALE_FIELD,
                        "This integration was set up by someone else since you opened it. Reload to see their changes.",
                    ));
                }
                Err(e) if e.is_not_found(apis::Entity::Integration) => {}
                Err(e) => return Err(on_form(e, fields)),
            }
            apis::store::put_integration(&db, &api_id, &resource_id, verb, &settings)
                .await
                .map_err(|e| on_form(e, fields))?;
        }
        raw => {
            let version: i32 = raw.parse().map_err(|_| {
                invalid(
                    STALE_FIELD,
                    "This form is out of date. Reload to see the integration as it is now.",
                )
            })?;
            apis::store::update_integration(&db, &api_id, &resource_id, verb, version, &settings)
                .await
                .map_err(|e| on_form(e, fields))?;
        }
    }
    tracing::info!(api.id = %api_id, resource.id = %resource_id, method = %verb, integration.kind = %kind, by = %me.username, "integration request saved in the console");
    Ok(())
}

#[component]
pub fn IntegrationRequestForm(method: MethodView) -> AnyView {
    let ctx = method_ctx();
    let action = ServerAction::<UpdateIntegrationRequest>::new();
    let error = Signal::derive(move || action.value().get().and_then(|r| r.err()));
    let pending = action.pending();
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            ctx.saved("Integration request saved.");
        }
    });
    let integration = method.integration.clone();
    let stored_kind = integration
        .as_ref()
        .map(|i| i.kind.clone())
        .unwrap_or_else(|| "MOCK".to_string());
    let kind = RwSignal::new(stored_kind.clone());
    let mut types: Vec<(String, String)> = RUNNABLE_TYPES
        .iter()
        .map(|(v, l)| (v.to_string(), l.to_string()))
        .collect();
    if !RUNNABLE_TYPES.iter().any(|(v, _)| *v == stored_kind) {
        types.push((
            stored_kind.clone(),
            format!("{stored_kind} (stored; not runnable here)"),
        ));
    }
    let uri = integration
        .as_ref()
        .and_then(|i| i.uri.clone())
        .unwrap_or_default();
    let verb = integration
        .as_ref()
        .and_then(|i| i.http_method.clone())
        .unwrap_or_else(|| method.http_method.clone());
    let timeout = integration
        .as_ref()
        .map(|i| i.timeout_in_millis)
        .unwrap_or(29_000)
        .to_string();
    let passthrough = integration
        .as_ref()
        .map(|i| i.passthrough_behavior.clone())
        .unwrap_or_else(|| "WHEN_NO_MATCH".to_string());
    let mappings = integration
        .as_ref()
        .map(|i| i.request_parameters.clone())
        .unwrap_or_default();
    let templates = integration
        .as_ref()
        .map(|i| i.request_templates.clone())
        .unwrap_or_default();
    let version = integration
        .as_ref()
        .map(|i| i.version.to_string())
        .unwrap_or_default();
    let field_message =
        move |name: &'static str| move || error.get().and_then(|e| e.for_field(name));
    let is_mock = move || kind.get() == "MOCK";
    let is_proxy = move || kind.get().ends_with("_PROXY");
    let endpoint_label = move || {
        if kind.get().starts_with("AWS") {
            "AWS service ARN"
        } else {
            "Endpoint URL"
        }
    };
    view! {
        <ActionForm action attr:class="space-y-5" attr:novalidate=true attr:data-testid="integration-request-form">
            <StaleNotice error reload=method.edit_href("integration-request") />
            <FormError error />
            <input type="hidden" name="api_id" value=method.api_id.clone() />
            <input type="hidden" name="resource_id" value=method.resource_id.clone() />
            <input type="hidden" name="http_method" value=method.http_method.clone() />
            <input type="hidden" name="version" value=version />

            <div class="space-y-1">
                <label for="integration-type" class="block text-sm font-medium">"Integration type"</label>
                <select id="integration-type" name="integration_type" class=format!("{INPUT_CLASS} max-w-md")
                    on:change=move |ev| kind.set(event_target_value(&ev))
                    aria-describedby="integration-type-error">
                    {types.into_iter().map(|(v, l)| {
                        let selected = v == stored_kind;
                        view! { <option value=v.clone() selected=selected>{l}</option> }
                    }).collect_view()}
                </select>
                <Show when=move || kind.get().starts_with("AWS")>
                    <p class="text-xs text-amber-700 dark:text-amber-400" data-testid="not-runnable">
                        "AWS integrations are stored (for import and export) but this gateway cannot call AWS services: calls to this method fail until you choose another type."
                    </p>
                </Show>
                <p id="integration-type-error" class="text-sm text-red-600 dark:text-red-400" data-testid="error-integration_type">{field_message("integration_type")}</p>
            </div>

            <Show when=move || !is_mock()>
                <div class="grid gap-4 sm:grid-cols-[10rem_1fr]">
                    <div class="space-y-1">
                        <label for="integration-verb" class="block text-sm font-medium">"HTTP method"</label>
                        <select id="integration-verb" name="integration_http_method" class=INPUT_CLASS aria-describedby="integration-verb-error">
                            {HTTP_METHODS.iter().map(|v| view! { <option value=*v selected=verb == *v>{*v}</option> }).collect_view()}
                        </select>
                        <p id="integration-verb-error" class="text-sm text-red-600 dark:text-red-400" data-testid="error-integration_http_method">{field_message("integration_http_method")}</p>
                    </div>
                    <div class="space-y-1">
                        <label for="integration-uri" class="block text-sm font-medium">{endpoint_label}</label>
                        <input id="integration-uri" name="uri" value=uri.clone() autocomplete="off" spellcheck="false"
                            placeholder="https://backend.example.com/pets/{petId}"
                            class=format!("{INPUT_CLASS} font-mono text-xs")
                            aria-invalid=move || field_message("uri")().is_some().to_string()
                            aria-describedby="integration-uri-error integration-uri-help" />
                        <p id="integration-uri-help" class="text-xs text-slate-500 dark:text-slate-400">
                            "An absolute http(s) URL. " <code>"{name}"</code> " in the path is filled from an " <code>"integration.request.path.name"</code> " mapping; " <code>"${stageVariables.host}"</code> " may appear anywhere."
                        </p>
                        <p id="integration-uri-error" class="text-sm text-red-600 dark:text-red-400" data-testid="error-uri">{field_message("uri")}</p>
                    </div>
                </div>
            </Show>

            <div class="max-w-xs">
                <Field label="Timeout (ms)" name="timeout_in_millis" kind="number" min="50" max="29000" value=timeout
                    help="From 50 to 29000 milliseconds." error />
            </div>

            <Show when=is_proxy>
                <p class="rounded-md border border-sky-200 bg-sky-50 px-3 py-2 text-sm text-sky-900 dark:border-sky-800 dark:bg-sky-950 dark:text-sky-100">
                    "Proxy integrations pass the whole request through: the mappings and templates below are kept but not used."
                </p>
            </Show>

            <fieldset class="space-y-2">
                <legend class="text-sm font-medium">"Parameter mappings"</legend>
                <p class=MUTED>
                    "Set " <code>"integration.request.{header|querystring|path}.NAME"</code> " from a declared method parameter ("
                    <code>"method.request.header.X"</code> "), the body (" <code>"method.request.body.field"</code> "), a context variable ("
                    <code>"context.authorizer.claims.sub"</code> "), a stage variable or a " <code>"'static value'"</code> "."
                </p>
                <MappingRows section="request_parameters" initial=mappings target_label="Integration request parameter"
                    target_placeholder="integration.request.header.x-user" source_placeholder="context.authorizer.claims.sub"
                    add_label="+ Add parameter mapping" error />
            </fieldset>

            <fieldset class="space-y-2">
                <legend class="text-sm font-medium">"Mapping templates"</legend>
                <p class=MUTED>
                    "Velocity (VTL) templates that build the integration's request body, chosen by the request's Content-Type (none counts as application/json). Up to 300 KB each."
                </p>
                <TemplateRows section="request_templates" initial=templates error what="Request template" id_prefix="integration" />
            </fieldset>

            <fieldset class="space-y-2">
                <legend class="text-sm font-medium">"Request body passthrough"</legend>
                <p class=MUTED>"What happens to a request whose Content-Type has no mapping template."</p>
                <div class="space-y-2">
                    {PASSTHROUGH.iter().map(|(value, label, help)| {
                        let id = format!("passthrough-{}", value.to_lowercase());
                        let label_for = id.clone();
                        view! {
                            <label for=label_for class="flex cursor-pointer items-start gap-3 rounded-lg border border-slate-200 p-3 hover:border-indigo-400 dark:border-slate-700 dark:hover:border-indigo-500">
                                <input id=id type="radio" name="passthrough_behavior" value=*value checked=passthrough == *value class="mt-1 accent-indigo-600" />
                                <span>
                                    <span class="block text-sm font-medium">{*label}</span>
                                    <span class="block text-xs text-slate-500 dark:text-slate-400">{*help}</span>
                                </span>
                            </label>
                        }
                    }).collect_view()}
                </div>
                <p class="text-sm text-red-600 dark:text-red-400" data-testid="error-passthrough_behavior">{field_message("passthrough_behavior")}</p>
            </fieldset>

            <button type="submit" class=BUTTON_CLASS disabled=move || pending.get()>
                {move || if pending.get() { "Saving…" } else { "Save integration request" }}
            </button>
        </ActionForm>
    }
    .into_any()
}

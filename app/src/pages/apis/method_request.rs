//! The Method request form: authorization (NONE or one of the API's Cognito authorizers; an
//! imported AWS_IAM or CUSTOM is shown, and kept, while the method has it), OAuth scopes, API
//! key required, and the declared request parameters.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::method_view::{MethodView, StaleNotice, method_ctx};
use super::rows::{Rows, SectionError, row_field};
use crate::components::form::{
    BUTTON_CLASS, CHECKBOX_CLASS, FormError, INPUT_CLASS, SECONDARY_BUTTON_CLASS,
};
use crate::components::style::MUTED;
use crate::error::AppError;

/// Where a request parameter is: (location, label).
pub const LOCATIONS: &[(&str, &str)] = &[
    ("querystring", "Query string"),
    ("header", "Header"),
    ("path", "Path"),
];

/// A request-parameter row as the form sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParamInput {
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub location: String,
    #[serde(default)]
    pub name: String,
    /// `on` when ticked.
    #[serde(default)]
    pub required: Option<String>,
}

/// `method.request.header.X` → (`header`, `X`).
fn split_parameter(expr: &str) -> (String, String) {
    let rest = expr.strip_prefix("method.request.").unwrap_or(expr);
    match rest.split_once('.') {
        Some((location, name)) => (location.to_string(), name.to_string()),
        None => ("querystring".to_string(), rest.to_string()),
    }
}

/// The form [`update_method_request`] reads, flattened: the browser posts these fields under their
/// own names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpdateMethodRequestInput {
    pub api_id: String,
    pub resource_id: String,
    pub http_method: String,
    pub version: String,
    pub authorization: String,
    #[serde(default)]
    pub authorization_scopes: String,
    pub api_key_required: Option<String>,
    #[serde(default, deserialize_with = "crate::form_input::rows")]
    pub request_parameters: Vec<ParamInput>,
}

#[server(endpoint = "update_method_request")]
pub async fn update_method_request(
    #[server(flatten)] input: UpdateMethodRequestInput,
) -> Result<(), AppError> {
    let UpdateMethodRequestInput {
        api_id,
        resource_id,
        http_method,
        version,
        authorization,
        authorization_scopes,
        api_key_required,
        request_parameters,
    } = input;
    use super::shared::STALE_FIELD;
    use super::shared::ssr::{db, invalid, on_form, verb};
    use crate::auth::ssr::require_admin;
    use apis::{AuthorizationType, MethodSettings};
    use std::collections::BTreeMap;
    let me = require_admin().await?;
    let (api_id, resource_id) = (
        apis::RestApiId::new(api_id),
        apis::ResourceId::new(resource_id),
    );
    let verb = verb(&http_method)?;
    let version: i32 = version.trim().parse().map_err(|_| {
        invalid(
            STALE_FIELD,
            "This form is out of date. Reload to see the method as it is now.",
        )
    })?;
    let (authorization_type, authorizer_id) = match authorization.as_str() {
        "" | "NONE" => (AuthorizationType::None, None),
        // Offered only to methods that already have them (imported), so saving keeps them.
        "AWS_IAM" => (AuthorizationType::AwsIam, None),
        "CUSTOM" => (AuthorizationType::Custom, None),
        id => (
            AuthorizationType::CognitoUserPools,
            Some(apis::AuthorizerId::new(id)),
        ),
    };
    let scopes: Vec<String> = authorization_scopes
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let mut parameters = BTreeMap::new();
    for row in &request_parameters {
        let field = row_field("request_parameters", &row.key);
        let name = row.name.trim();
        if name.is_empty() {
            return Err(invalid(
                &field,
                "Enter the parameter's name, or remove the row.",
            ));
        }
        if !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._$-".contains(c))
        {
            return Err(invalid(
                &field,
                "Parameter names may only contain letters, digits and . _ $ -",
            ));
        }
        if !LOCATIONS.iter().any(|(l, _)| *l == row.location) {
            return Err(invalid(&field, "Choose where the parameter is."));
        }
        let expr = format!("method.request.{}.{name}", row.location);
        if parameters
            .insert(expr.clone(), row.required.is_some())
            .is_some()
        {
            return Err(invalid(&field, format!("{expr} is declared twice.")));
        }
    }
    let settings = MethodSettings {
        authorization_type,
        authorizer_id,
        authorization_scopes: scopes,
        api_key_required: api_key_required.is_some(),
        request_parameters: parameters,
    };
    apis::store::update_method(&db(), &api_id, &resource_id, verb, version, &settings)
        .await
        .map_err(|e| {
            on_form(
                e,
                &[
                    ("authorizationType", "authorization"),
                    ("authorizerId", "authorization"),
                    ("authorizationScopes", "authorization_scopes"),
                    ("requestParameters", "request_parameters"),
                ],
            )
        })?;
    tracing::info!(api.id = %api_id, resource.id = %resource_id, method = %verb, by = %me.username, "method request saved in the console");
    Ok(())
}

#[component]
pub fn MethodRequestForm(method: MethodView) -> AnyView {
    let ctx = method_ctx();
    let action = ServerAction::<UpdateMethodRequest>::new();
    let error = Signal::derive(move || action.value().get().and_then(|r| r.err()));
    let pending = action.pending();
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            ctx.saved("Method request saved.");
        }
    });
    let rows = Rows::new(
        method
            .request_parameters
            .iter()
            .map(|(expr, required)| {
                let (location, name) = split_parameter(expr);
                (location, name, *required)
            })
            .collect::<Vec<_>>(),
    );
    let current = match method.authorization_type.as_str() {
        "COGNITO_USER_POOLS" => method.authorizer_id.clone().unwrap_or_default(),
        kind @ ("AWS_IAM" | "CUSTOM") => kind.to_string(),
        _ => "NONE".to_string(),
    };
    // AWS_IAM and CUSTOM (imported) are shown while the method has them, never offered.
    let unenforced = matches!(current.as_str(), "AWS_IAM" | "CUSTOM").then(|| current.clone());
    let authorizers_href = format!(
        "{}?tab=authorizers",
        super::shared::api_href(&method.api_id)
    );
    let no_authorizers = method.authorizers.is_empty();
    let field_message =
        move |name: &'static str| move || error.get().and_then(|e| e.for_field(name));
    let scopes_value = method.authorization_scopes.join(", ");
    view! {
        <ActionForm action attr:class="space-y-5" attr:novalidate=true attr:data-testid="method-request-form">
            <StaleNotice error reload=method.edit_href("method-request") />
            <FormError error />
            <input type="hidden" name="api_id" value=method.api_id.clone() />
            <input type="hidden" name="resource_id" value=method.resource_id.clone() />
            <input type="hidden" name="http_method" value=method.http_method.clone() />
            <input type="hidden" name="version" value=method.version.to_string() />

            <div class="space-y-1">
                <label for="method-authorization" class="block text-sm font-medium">"Authorization"</label>
                <select id="method-authorization" name="authorization" class=format!("{INPUT_CLASS} max-w-md")
                    aria-describedby="method-authorization-error method-authorization-help"
                    aria-invalid=move || field_message("authorization")().is_some().to_string()>
                    <option value="NONE" selected=current == "NONE">"NONE"</option>
                    {unenforced.clone().map(|kind| view! {
                        <option value=kind.clone() selected=true data-testid="unenforced-authorization">{format!("{kind} (not enforced by Gatehouse: every request is refused)")}</option>
                    })}
                    {method.authorizers.iter().map(|a| view! {
                        <option value=a.id.clone() selected=current == a.id>{format!("Cognito user pool authorizer: {}", a.name)}</option>
                    }).collect_view()}
                </select>
                <p id="method-authorization-help" class="text-xs text-slate-500 dark:text-slate-400">
                    {unenforced.map(|kind| view! {
                        <span class="block text-amber-700 dark:text-amber-400" data-testid="unenforced-authorization-help">{format!("{kind} authorization was imported but Gatehouse cannot check it: the gateway refuses every request to this method until you choose NONE or a Cognito authorizer.")}</span>
                    })}
                    {if no_authorizers {
                        view! { <span data-testid="no-authorizers">"This API has no authorizers. " <a class="text-indigo-600 hover:underline dark:text-indigo-400" href=authorizers_href>"Create an authorizer on the Authorizers tab"</a> " to require a Cognito token."</span> }.into_any()
                    } else {
                        view! { <span>"With a Cognito authorizer, callers send a token from the user pool in the authorizer's identity header."</span> }.into_any()
                    }}
                </p>
                <p id="method-authorization-error" class="text-sm text-red-600 dark:text-red-400" data-testid="error-authorization">{field_message("authorization")}</p>
            </div>

            <div class="space-y-1">
                <label for="method-scopes" class="block text-sm font-medium">"OAuth scopes"</label>
                <input id="method-scopes" name="authorization_scopes" value=scopes_value autocomplete="off" spellcheck="false"
                    placeholder="e.g. pets/read, pets/write" class=format!("{INPUT_CLASS} max-w-md font-mono text-xs")
                    aria-describedby="method-scopes-error method-scopes-help"
                    aria-invalid=move || field_message("authorization_scopes")().is_some().to_string() />
                <p id="method-scopes-help" class="text-xs text-slate-500 dark:text-slate-400">
                    "Comma or space separated; Cognito authorization only. With scopes, callers need an access token holding one of them; without, an ID token."
                </p>
                <p id="method-scopes-error" class="text-sm text-red-600 dark:text-red-400" data-testid="error-authorization_scopes">{field_message("authorization_scopes")}</p>
            </div>

            <div class="flex items-start gap-2">
                <input id="method-api-key" type="checkbox" name="api_key_required" checked=method.api_key_required class=format!("mt-0.5 {CHECKBOX_CLASS}") />
                <div>
                    <label for="method-api-key" class="text-sm font-medium">"API key required (refuses all requests)"</label>
                    <p class="text-xs text-slate-500 dark:text-slate-400">"Gatehouse has no API keys or usage plans yet: while this is ticked, the gateway refuses every request to this method (403 Forbidden), as API Gateway refuses a request without a valid x-api-key."</p>
                </div>
            </div>

            <fieldset class="space-y-2">
                <legend class="text-sm font-medium">"Request parameters"</legend>
                <p class=MUTED>"Parameters the method takes: " <code>"method.request.{querystring|header|path}.NAME"</code> ". Declared parameters can be mapped in the integration request."</p>
                <Show when=move || rows.is_empty()>
                    <p class="text-sm text-slate-500 dark:text-slate-400" data-testid="request_parameters-empty">"None."</p>
                </Show>
                <ul class="space-y-2" aria-label="Request parameters">
                    <For each=move || rows.list() key=|(k, _)| *k let:row>
                        {
                            let (key, (location, name, required)) = row;
                            let prefix = format!("request_parameters[{key}]");
                            let field = row_field("request_parameters", &key.to_string());
                            let field2 = field.clone();
                            view! {
                                <li data-testid="request_parameters-row">
                                    <input type="hidden" name=format!("{prefix}[key]") value=key.to_string() />
                                    <div class="flex flex-wrap items-center gap-2">
                                        <select name=format!("{prefix}[location]") aria-label="Parameter location" class=format!("{INPUT_CLASS} w-36")>
                                            {LOCATIONS.iter().map(|(l, label)| view! { <option value=*l selected=location == *l>{*label}</option> }).collect_view()}
                                        </select>
                                        <input name=format!("{prefix}[name]") value=name aria-label="Parameter name" placeholder="name"
                                            autocomplete="off" spellcheck="false" class=format!("{INPUT_CLASS} w-56 font-mono text-xs")
                                            aria-invalid=move || error.get().and_then(|e| e.for_field(&field2)).is_some().to_string() />
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
                <SectionError error section="request_parameters" />
                <button type="button" class=SECONDARY_BUTTON_CLASS
                    on:click=move |_| rows.add(("querystring".to_string(), String::new(), false))>
                    "+ Add request parameter"
                </button>
            </fieldset>

            <button type="submit" class=BUTTON_CLASS disabled=move || pending.get()>
                {move || if pending.get() { "Saving…" } else { "Save method request" }}
            </button>
        </ActionForm>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::split_parameter;

    #[test]
    fn parameters_split_into_location_and_name() {
        assert_eq!(
            split_parameter("method.request.header.x-api-version"),
            ("header".into(), "x-api-version".into())
        );
        assert_eq!(
            split_parameter("method.request.querystring.a.b"),
            ("querystring".into(), "a.b".into())
        );
    }
}

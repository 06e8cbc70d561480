//! `/apis/{api_id}/resources/{resource_id}/methods/{http_method}?edit=...`: the method
//! execution view. Four boxes laid out like the AWS console's: the client's request goes
//! through Method Request and Integration Request to the backend, and its answer comes back
//! through Integration Response and Method Response. Each box sums up its settings and opens
//! its edit form (`?edit=method-request|integration-request|integration-response|
//! method-response`) below the diagram.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use super::api_details::{ApiNotFound, api_crumbs};
use super::integration_request::IntegrationRequestForm;
use super::method_request::MethodRequestForm;
use super::method_test::MethodTestCard;
use super::method_view::{MethodCtx, MethodView, method_ctx};
use super::responses::{IntegrationResponsesEditor, MethodResponsesEditor};
use super::shared::{api_href, resource_href, verb_class};
use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::form::{
    BUTTON_CLASS, DANGER_BUTTON_CLASS, FormError, SECONDARY_BUTTON_CLASS,
};
use crate::components::style::{BADGE, CARD, LINK, LINK_DANGER, MUTED};
use crate::error::AppError;

/// Which method (api, resource, http method) and which edit form is open.
type OpenForm = ((String, String, String), Option<&'static str>);

#[server(endpoint = "get_api_method")]
pub async fn get_api_method(
    api_id: String,
    resource_id: String,
    http_method: String,
) -> Result<MethodView, AppError> {
    use super::method_view::{
        AuthorizerOption, IntegrationResponseView, IntegrationView, MethodResponseView,
    };
    use super::shared::ssr::{db, verb};
    use crate::auth::ssr::require_admin;
    require_admin().await?;
    let (api_id, resource_id) = (
        apis::RestApiId::new(api_id),
        apis::ResourceId::new(resource_id),
    );
    let db = db();
    let verb = verb(&http_method)?;
    let api = apis::store::get_rest_api(&db, &api_id).await?;
    let resource = apis::store::get_resource(&db, &api_id, &resource_id).await?;
    let method = apis::store::get_method(&db, &api_id, &resource_id, verb).await?;
    let authorizers = apis::store::list_authorizers(&db, &api_id).await?;
    Ok(MethodView {
        api_id: api.id.into(),
        api_name: api.name,
        resource_id: resource.id.into(),
        resource_path: resource.path,
        http_method: verb.to_string(),
        authorization_type: method.authorization_type.to_string(),
        authorizer_id: method.authorizer_id.map(String::from),
        authorization_scopes: method.authorization_scopes,
        api_key_required: method.api_key_required,
        request_parameters: method.request_parameters.into_iter().collect(),
        version: method.version,
        integration: method.method_integration.map(|i| IntegrationView {
            kind: i.kind.to_string(),
            runnable: i.kind.is_runnable(),
            http_method: i.http_method.map(|m| m.to_string()),
            uri: i.uri,
            request_parameters: i.request_parameters.into_iter().collect(),
            request_templates: i.request_templates.into_iter().collect(),
            passthrough_behavior: i.passthrough_behavior.to_string(),
            timeout_in_millis: i.timeout_in_millis,
            integration_responses: i
                .integration_responses
                .into_values()
                .map(|r| IntegrationResponseView {
                    status_code: r.status_code,
                    selection_pattern: r.selection_pattern,
                    response_parameters: r.response_parameters.into_iter().collect(),
                    response_templates: r.response_templates.into_iter().collect(),
                })
                .collect(),
            version: i.version,
        }),
        method_responses: method
            .method_responses
            .into_values()
            .map(|r| MethodResponseView {
                status_code: r.status_code,
                response_parameters: r.response_parameters.into_iter().collect(),
                response_models: r.response_models.into_iter().collect(),
            })
            .collect(),
        authorizers: authorizers
            .into_iter()
            .map(|a| AuthorizerOption {
                id: a.id.into(),
                name: a.name,
            })
            .collect(),
    })
}

/// Deletes the method with its integration and responses; returns the resource's page.
#[server(endpoint = "delete_api_method")]
pub async fn delete_api_method(
    api_id: String,
    resource_id: String,
    http_method: String,
) -> Result<String, AppError> {
    use super::shared::ssr::{db, on_form, verb};
    use crate::auth::ssr::require_admin;
    let me = require_admin().await?;
    let (api_id, resource_id) = (
        apis::RestApiId::new(api_id),
        apis::ResourceId::new(resource_id),
    );
    let verb = verb(&http_method)?;
    apis::store::delete_method(&db(), &api_id, &resource_id, verb)
        .await
        .map_err(|e| on_form(e, &[]))?;
    tracing::info!(api.id = %api_id, resource.id = %resource_id, method = %verb, by = %me.username, "method deleted in the console");
    Ok(resource_href(&api_id, &resource_id))
}

/// The edit forms: (`?edit=` key, title).
const EDITS: &[(&str, &str)] = &[
    ("method-request", "Method request"),
    ("integration-request", "Integration request"),
    ("integration-response", "Integration response"),
    ("method-response", "Method response"),
    // Not an edit form: the Test panel.
    ("test", "Test"),
];

#[component]
pub fn MethodPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let key = Memo::new(move |_| {
        let p = params.read();
        (
            p.get("api_id").unwrap_or_default(),
            p.get("resource_id").unwrap_or_default(),
            p.get("http_method").unwrap_or_default(),
        )
    });
    let edit = Memo::new(move |_| {
        let wanted = query.read().get("edit");
        EDITS
            .iter()
            .map(|(k, _)| *k)
            .find(|k| Some(*k) == wanted.as_deref())
    });
    let ctx = MethodCtx {
        changes: RwSignal::new(0),
        flash: RwSignal::new(None),
    };
    provide_context(ctx);
    // A message belongs to the form (and method) it was about.
    Effect::new(move |prev: Option<OpenForm>| {
        let now = (key.get(), edit.get());
        if prev.is_some_and(|p| p != now) {
            ctx.clear();
        }
        now
    });
    let method = Resource::new(
        move || (key.get(), ctx.changes.get()),
        |((api_id, resource_id, verb), _)| get_api_method(api_id, resource_id, verb),
    );
    view! {
        <Transition fallback=move || view! {
            <Breadcrumbs crumbs=api_crumbs(vec![(key.get_untracked().0, None)]) />
            <p class="text-sm text-slate-500">"Loading method…"</p>
        }>
            {move || Suspend::new(async move {
                match method.await {
                    Ok(view) => view! { <MethodExecution method=view edit /> }.into_any(),
                    Err(error) => {
                        let (api_id, _, verb) = key.get_untracked();
                        view! { <ApiNotFound error crumb=format!("{api_id} · {verb}") /> }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn MethodExecution(method: MethodView, edit: Memo<Option<&'static str>>) -> AnyView {
    let crumbs = api_crumbs(vec![
        (method.api_name.clone(), Some(api_href(&method.api_id))),
        (
            "Resources".into(),
            Some(resource_href(&method.api_id, &method.resource_id)),
        ),
        (
            format!("{} {}", method.http_method, method.resource_path),
            None,
        ),
    ]);
    let title = format!(
        "{} {} · {}",
        method.http_method, method.resource_path, method.api_name
    );
    let m = StoredValue::new(method.clone());
    view! {
        <Title text=title />
        <Breadcrumbs crumbs />
        <div class="flex items-start justify-between gap-4">
            <div class="min-w-0 flex-1">
                <h1 class="flex flex-wrap items-center gap-3 text-2xl font-semibold tracking-tight">
                    <span class=format!("{} text-base", verb_class(&method.http_method)) data-testid="method-verb">{method.http_method.clone()}</span>
                    <span class="break-all font-mono" data-testid="method-path">{method.resource_path.clone()}</span>
                </h1>
                <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
                    "Method execution: how a request to this method reaches the backend and how its answer comes back. Changes take effect on the next deployment to a stage."
                </p>
            </div>
            <div class="flex shrink-0 items-start gap-4">
                <a href=method.edit_href("test") class=BUTTON_CLASS data-testid="method-test-open">"Test"</a>
                <DeleteMethod method=method.clone() />
            </div>
        </div>
        <Diagram method=method.clone() edit />
        <div class="mt-6">
            {move || {
                let method = m.get_value();
                edit.get().map(|key| {
                    if key == "test" {
                        let close = method.href();
                        return view! { <MethodTestCard method close /> }.into_any();
                    }
                    let title = EDITS.iter().find(|(k, _)| *k == key).map(|(_, t)| *t).unwrap_or_default();
                    view! { <EditPanel method key title /> }.into_any()
                })
            }}
        </div>
    }
    .into_any()
}

#[component]
fn DeleteMethod(method: MethodView) -> AnyView {
    let delete = ServerAction::<DeleteApiMethod>::new();
    let error = Signal::derive(move || delete.value().get().and_then(|r| r.err()));
    let confirming = RwSignal::new(false);
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(href)) = delete.value().get() {
            navigate(&href, Default::default());
        }
    });
    let m = StoredValue::new(method.clone());
    let what = format!("{} {}", method.http_method, method.resource_path);
    view! {
        <div class="shrink-0 text-right">
            <Show
                when=move || confirming.get()
                fallback=move || view! {
                    <button type="button" class=LINK_DANGER on:click=move |_| confirming.set(true)>"Delete method"</button>
                }
            >
                <div class="max-w-sm rounded-lg border border-red-300 bg-red-50 p-3 text-left text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100"
                    role="group" aria-label="Confirm method deletion">
                    <p>{format!("Delete {what} with its integration and responses?")}</p>
                    <div class="mt-3 flex gap-2">
                        <button type="button" class=DANGER_BUTTON_CLASS disabled=move || delete.pending().get()
                            on:click=move |_| {
                                let m = m.get_value();
                                delete.dispatch(DeleteApiMethod { api_id: m.api_id, resource_id: m.resource_id, http_method: m.http_method });
                                confirming.set(false);
                            }>
                            "Delete method"
                        </button>
                        <button type="button" class=SECONDARY_BUTTON_CLASS on:click=move |_| confirming.set(false)>"Cancel"</button>
                    </div>
                </div>
            </Show>
            <div class="mt-2"><FormError error /></div>
        </div>
    }
    .into_any()
}

/// One of the four boxes.
#[component]
fn StepBox(
    title: &'static str,
    key: &'static str,
    href: String,
    edit: Memo<Option<&'static str>>,
    children: Children,
) -> AnyView {
    let open = move || edit.get() == Some(key);
    let heading_id = format!("box-{key}");
    let labelled_by = heading_id.clone();
    view! {
        <section
            aria-labelledby=labelled_by
            data-testid=format!("box-{key}")
            class=move || format!(
                "min-w-0 rounded-xl border bg-white p-4 dark:bg-slate-900 {}",
                if open() { "border-indigo-500 ring-2 ring-indigo-500/30" } else { "border-slate-200 dark:border-slate-800" }
            )
        >
            <div class="flex items-center justify-between gap-2">
                <h2 id=heading_id class="font-semibold">{title}</h2>
                <a href=href class=LINK aria-label=format!("Edit {}", title.to_lowercase())>"Edit"</a>
            </div>
            <div class="mt-2 text-sm">{children()}</div>
        </section>
    }
    .into_any()
}

/// A label and value in a box's summary.
#[component]
fn Summary(label: &'static str, children: Children) -> impl IntoView {
    view! {
        <div class="flex flex-wrap gap-x-2 py-0.5">
            <dt class="text-slate-500 dark:text-slate-400">{label}</dt>
            <dd class="min-w-0 break-words">{children()}</dd>
        </div>
    }
}

fn or_none(items: Vec<String>) -> String {
    if items.is_empty() {
        "None".to_string()
    } else {
        items.join(", ")
    }
}

#[component]
fn Arrow(#[prop(into)] label: String, back: bool) -> impl IntoView {
    view! {
        <div class="hidden items-center justify-center text-slate-400 lg:flex" aria-hidden="true" title=label>
            {if back { "←" } else { "→" }}
        </div>
    }
}

#[component]
fn Diagram(method: MethodView, edit: Memo<Option<&'static str>>) -> AnyView {
    let integration = method.integration.clone();
    let backend = match &integration {
        None => view! {
            <p class="font-medium">"No integration"</p>
            <p class=MUTED>"Set one up in Integration request."</p>
        }
        .into_any(),
        Some(i) if i.kind == "MOCK" => view! {
            <p class="font-medium">"Mock endpoint"</p>
            <p class=MUTED>"Answers from the integration response; no backend is called."</p>
        }
        .into_any(),
        Some(i) if !i.runnable => view! {
            <p class="font-medium">{format!("{} (AWS service)", i.kind)}</p>
            <p class="text-xs text-amber-700 dark:text-amber-400">"Stored, but not runnable here."</p>
        }
        .into_any(),
        Some(i) => view! {
            <p class="font-medium">"HTTP endpoint"</p>
            <p class="break-all font-mono text-xs" data-testid="backend-uri">{i.uri.clone().unwrap_or_default()}</p>
        }
        .into_any(),
    };
    let authorization = method.authorization_label();
    let scopes = or_none(method.authorization_scopes.clone());
    let api_key = if method.api_key_required {
        "Yes: every request is refused (403) until Gatehouse has API keys"
    } else {
        "No"
    };
    let parameters = or_none(
        method
            .request_parameters
            .iter()
            .map(|(n, req)| {
                if *req {
                    format!("{n} (required)")
                } else {
                    n.clone()
                }
            })
            .collect(),
    );
    let method_request = view! {
        <dl>
            <Summary label="Authorization">{authorization}</Summary>
            <Summary label="OAuth scopes">{scopes}</Summary>
            <Summary label="API key required">{api_key}</Summary>
            <Summary label="Request parameters">{parameters}</Summary>
        </dl>
    };
    let integration_request = match integration.clone() {
        None => view! { <p class=MUTED>"No integration yet."</p> }.into_any(),
        Some(i) => {
            let runnable = i.runnable;
            let endpoint = i
                .uri
                .clone()
                .map(|uri| format!("{} {}", i.http_method.clone().unwrap_or_default(), uri));
            let timeout = format!("{} ms", i.timeout_in_millis);
            let mappings = or_none(
                i.request_parameters
                    .iter()
                    .map(|(t, s)| format!("{t} ← {s}"))
                    .collect(),
            );
            let templates = or_none(
                i.request_templates
                    .iter()
                    .map(|(ct, _)| ct.clone())
                    .collect(),
            );
            view! {
                <dl>
                    <Summary label="Type">
                        <span class=BADGE data-testid="integration-type">{i.kind}</span>
                        {(!runnable).then(|| view! { <span class="ml-2 text-xs text-amber-700 dark:text-amber-400">"stored, not runnable here"</span> })}
                    </Summary>
                    {endpoint.map(|endpoint| view! {
                        <Summary label="Endpoint">
                            <span class="font-mono text-xs">{endpoint}</span>
                        </Summary>
                    })}
                    <Summary label="Timeout">{timeout}</Summary>
                    <Summary label="Parameter mappings">{mappings}</Summary>
                    <Summary label="Mapping templates">
                        <span data-testid="request-template-types">{templates}</span>
                    </Summary>
                    <Summary label="Passthrough">{i.passthrough_behavior}</Summary>
                </dl>
            }
            .into_any()
        }
    };
    let integration_response = match &integration {
        None => view! { <p class=MUTED>"No integration yet."</p> }.into_any(),
        Some(i) if i.kind == "HTTP_PROXY" || i.kind == "AWS_PROXY" => {
            view! { <p class=MUTED>"Proxy integration: the backend's response is passed through as is."</p> }.into_any()
        }
        Some(i) if i.integration_responses.is_empty() => {
            view! { <p class=MUTED>"No integration responses: every answer fails with 500."</p> }.into_any()
        }
        Some(i) => view! {
            <ul class="space-y-1">
                {i.integration_responses.iter().map(|r| view! {
                    <li>
                        <span class="font-mono font-medium">{r.status_code.clone()}</span>
                        <span class="text-slate-500 dark:text-slate-400">
                            {match r.selection_pattern.as_deref() {
                                None | Some("") => " · default".to_string(),
                                Some(p) => format!(" · selection {p}"),
                            }}
                            {(!r.response_templates.is_empty()).then(|| format!(" · templates: {}", r.response_templates.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>().join(", ")))}
                        </span>
                    </li>
                }).collect_view()}
            </ul>
        }
        .into_any(),
    };
    let method_response = if method.method_responses.is_empty() {
        view! { <p class=MUTED>"No method responses declared."</p> }.into_any()
    } else {
        view! {
            <ul class="space-y-1">
                {method.method_responses.iter().map(|r| view! {
                    <li>
                        <span class="font-mono font-medium">{r.status_code.clone()}</span>
                        <span class="text-slate-500 dark:text-slate-400">
                            {if r.response_parameters.is_empty() {
                                String::new()
                            } else {
                                format!(" · headers: {}", r.response_parameters.iter().map(|(h, _)| h.trim_start_matches("method.response.header.")).collect::<Vec<_>>().join(", "))
                            }}
                            {(!r.response_models.is_empty()).then(|| format!(" · models: {}", r.response_models.iter().map(|(c, m)| format!("{c} → {m}")).collect::<Vec<_>>().join(", ")))}
                        </span>
                    </li>
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    let endpoint_box = "flex min-w-0 flex-col justify-center rounded-xl border border-dashed border-slate-300 bg-slate-50 p-4 text-center text-sm dark:border-slate-700 dark:bg-slate-900/50";
    view! {
        <div class="mt-6 grid gap-4 lg:grid-cols-[7rem_1.5rem_1fr_1.5rem_1fr_1.5rem_11rem] lg:gap-x-1" data-testid="method-execution">
            <div class=format!("{endpoint_box} lg:row-span-2") data-testid="box-client">
                <p class="font-medium">"Client"</p>
                <p class=MUTED>"Calls the stage URL"</p>
            </div>
            <Arrow label="request" back=false />
            <StepBox title="Method request" key="method-request" href=method.edit_href("method-request") edit>
                {method_request}
            </StepBox>
            <Arrow label="request" back=false />
            <StepBox title="Integration request" key="integration-request" href=method.edit_href("integration-request") edit>
                {integration_request}
            </StepBox>
            <Arrow label="request" back=false />
            <div class=format!("{endpoint_box} lg:row-span-2") data-testid="box-backend">
                {backend}
            </div>
            <Arrow label="response" back=true />
            <StepBox title="Method response" key="method-response" href=method.edit_href("method-response") edit>
                {method_response}
            </StepBox>
            <Arrow label="response" back=true />
            <StepBox title="Integration response" key="integration-response" href=method.edit_href("integration-response") edit>
                {integration_response}
            </StepBox>
            <Arrow label="response" back=true />
        </div>
    }
    .into_any()
}

#[component]
fn EditPanel(method: MethodView, key: &'static str, title: &'static str) -> AnyView {
    let ctx = method_ctx();
    let close = method.href();
    let form = match key {
        "method-request" => view! { <MethodRequestForm method=method.clone() /> }.into_any(),
        "integration-request" => {
            view! { <IntegrationRequestForm method=method.clone() /> }.into_any()
        }
        "integration-response" => {
            view! { <IntegrationResponsesEditor method=method.clone() /> }.into_any()
        }
        _ => view! { <MethodResponsesEditor method=method.clone() /> }.into_any(),
    };
    view! {
        <section class=CARD aria-labelledby="edit-heading" data-testid="edit-panel">
            <div class="flex items-center justify-between gap-3">
                <h2 id="edit-heading" class="text-lg font-semibold">{format!("Edit {}", title.to_lowercase())}</h2>
                <a href=close class=LINK>"Close"</a>
            </div>
            <Show when=move || ctx.flash.get().is_some()>
                <p role="status" data-testid="form-success" class="mt-3 rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-800 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-200">
                    {move || ctx.flash.get()}
                </p>
            </Show>
            <div class="mt-4">{form}</div>
        </section>
    }
    .into_any()
}

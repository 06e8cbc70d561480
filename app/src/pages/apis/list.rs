//! `/apis`: every REST API by name, creating one (then its page opens) and deleting one after a
//! confirmation that lists what goes with it.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;
use serde::{Deserialize, Serialize};

use super::shared::{api_href, count};
use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::form::{
    BUTTON_CLASS, DANGER_BUTTON_CLASS, Field, FormError, SECONDARY_BUTTON_CLASS,
};
use crate::components::load_error::Loaded;
use crate::components::style::{CARD, EMPTY, LINK_DANGER, MUTED, TH};
use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiRow {
    pub id: String,
    pub name: String,
    pub description: String,
    pub created: String,
}

/// What deleting an API takes with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeletePreviewView {
    pub api_id: String,
    pub name: String,
    pub resources: i64,
    pub methods: i64,
    pub authorizers: i64,
    pub stages: i64,
    pub deployments: i64,
    pub stage_names: Vec<String>,
}

impl DeletePreviewView {
    /// "3 resources (with the root /), 2 methods, 1 authorizer, 1 stage (prod), 2 deployments".
    pub fn items(&self) -> Vec<String> {
        let mut items = vec![
            format!(
                "{} (including the root /)",
                count(self.resources, "resource")
            ),
            count(self.methods, "method"),
            count(self.authorizers, "authorizer"),
        ];
        let stages = count(self.stages, "stage");
        items.push(if self.stage_names.is_empty() {
            stages
        } else {
            format!("{stages} ({})", self.stage_names.join(", "))
        });
        items.push(count(self.deployments, "deployment"));
        items
    }
}

#[server(endpoint = "list_rest_apis")]
pub async fn list_rest_apis() -> Result<Vec<ApiRow>, AppError> {
    use super::shared::ssr::{db, fmt_time};
    use crate::auth::ssr::require_admin;
    require_admin().await?;
    let apis = apis::store::list_rest_apis(&db()).await?;
    Ok(apis
        .into_iter()
        .map(|a| ApiRow {
            created: fmt_time(a.created_date),
            id: a.id.into(),
            name: a.name,
            description: a.description,
        })
        .collect())
}

/// Creates an API (with its root resource) and returns its id.
#[server(endpoint = "create_rest_api")]
pub async fn create_rest_api(name: String, description: String) -> Result<String, AppError> {
    use super::shared::ssr::{db, on_form};
    use crate::auth::ssr::require_admin;
    let me = require_admin().await?;
    let api = apis::store::create_rest_api(&db(), &name, description.trim())
        .await
        .map_err(|e| on_form(e, &[("name", "name"), ("description", "description")]))?;
    tracing::info!(api.id = %api.id, by = %me.username, "REST API created in the console");
    Ok(api.id.into())
}

#[server(endpoint = "preview_rest_api_delete")]
pub async fn preview_rest_api_delete(api_id: String) -> Result<DeletePreviewView, AppError> {
    use super::shared::ssr::db;
    use crate::auth::ssr::require_admin;
    require_admin().await?;
    let p = apis::store::delete_preview(&db(), &apis::RestApiId::new(api_id)).await?;
    Ok(DeletePreviewView {
        api_id: p.api.id.into(),
        name: p.api.name,
        resources: p.resources,
        methods: p.methods,
        authorizers: p.authorizers,
        stages: p.stages,
        deployments: p.deployments,
        stage_names: p.stage_names.into_iter().map(String::from).collect(),
    })
}

#[server(endpoint = "delete_rest_api")]
pub async fn delete_rest_api(api_id: String) -> Result<(), AppError> {
    use super::shared::ssr::db;
    use crate::auth::ssr::require_admin;
    let me = require_admin().await?;
    let api_id = apis::RestApiId::new(api_id);
    apis::store::delete_rest_api(&db(), &api_id).await?;
    tracing::info!(api.id = %api_id, by = %me.username, "REST API deleted in the console");
    // Its stages stop being served before the answer.
    crate::auth::ssr::state().gateway_caught_up().await;
    Ok(())
}

#[component]
pub fn ApisPage() -> impl IntoView {
    let create = ServerAction::<CreateRestApi>::new();
    let delete = ServerAction::<DeleteRestApi>::new();
    let apis = Resource::new(move || delete.version().get(), |_| list_rest_apis());
    let delete_error = Signal::derive(move || delete.value().get().and_then(|r| r.err()));
    let deleted = move || matches!(delete.value().get(), Some(Ok(())));
    view! {
        <Title text="APIs" />
        <Breadcrumbs crumbs=vec![("Console", Some("/")), ("APIs", None)] />
        <div class="flex items-start justify-between gap-4">
            <div>
                <h1 class="text-2xl font-semibold tracking-tight">"APIs"</h1>
                <p class="mt-1 text-slate-600 dark:text-slate-400">
                    "REST APIs: a tree of resources whose methods call a backend (or answer with a mock), protected by Cognito authorizers and served once deployed to a stage."
                </p>
            </div>
            <a href="/apis/import" class=format!("{SECONDARY_BUTTON_CLASS} shrink-0")>"Import API"</a>
        </div>
        <div class="mt-6 grid items-start gap-6 xl:grid-cols-[1fr_24rem]">
            <section aria-label="APIs" class="min-w-0 space-y-3">
                <FormError error=delete_error />
                <Show when=deleted>
                    <p role="status" data-testid="api-deleted" class="rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-800 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-200">"API deleted."</p>
                </Show>
                <Loaded loading="Loading APIs…">
                    {move || Suspend::new(async move {
                        Ok::<_, AppError>(match apis.await? {
                            rows if rows.is_empty() => view! {
                                <div class=EMPTY data-testid="apis-empty">
                                    <p class="font-medium text-slate-700 dark:text-slate-200">"No APIs yet"</p>
                                    <p class="mt-1">"Create one with the form: it starts with the root resource /, to which you add resources and methods. Or import a Swagger / OpenAPI definition."</p>
                                </div>
                            }.into_any(),
                            rows => view! { <ApiTable rows delete /> }.into_any(),
                        })
                    })}
                </Loaded>
            </section>
            <CreateApiCard create />
        </div>
    }
}

#[component]
fn ApiTable(rows: Vec<ApiRow>, delete: ServerAction<DeleteRestApi>) -> AnyView {
    view! {
        <div class="overflow-x-auto rounded-xl border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
            <table class="w-full text-left text-sm" data-testid="apis-table">
                <thead class="border-b border-slate-200 bg-slate-50 text-xs uppercase text-slate-500 dark:border-slate-800 dark:bg-slate-900 dark:text-slate-400">
                    <tr>
                        <th scope="col" class=format!("{TH} pl-4")>"Name"</th>
                        <th scope="col" class=TH>"API ID"</th>
                        <th scope="col" class=TH>"Description"</th>
                        <th scope="col" class=TH>"Created"</th>
                        <th scope="col" class=TH><span class="sr-only">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-slate-100 dark:divide-slate-800">
                    {rows.into_iter().map(|r| view! { <ApiTableRow row=r delete /> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn ApiTableRow(row: ApiRow, delete: ServerAction<DeleteRestApi>) -> AnyView {
    let api_id = StoredValue::new(row.id.clone());
    let preview = Action::new(move |_: &()| preview_rest_api_delete(api_id.get_value()));
    let confirming = RwSignal::new(false);
    let name = row.name.clone();
    view! {
        <tr class="align-top hover:bg-slate-50 dark:hover:bg-slate-800/50" data-testid="api-row">
            <td class="py-3 pl-4 pr-3 font-medium">
                <a class="text-indigo-600 hover:underline dark:text-indigo-400" href=api_href(&row.id)>{row.name.clone()}</a>
            </td>
            <td class="py-3 pr-3 font-mono text-xs" data-testid="api-id">{row.id.clone()}</td>
            <td class="py-3 pr-3 text-slate-600 dark:text-slate-300">{row.description.clone()}</td>
            <td class="whitespace-nowrap py-3 pr-3 text-slate-500 dark:text-slate-400">{row.created.clone()}</td>
            <td class="py-3 pr-4 text-right">
                <Show
                    when=move || confirming.get()
                    fallback=move || view! {
                        <button type="button" class=LINK_DANGER aria-label=format!("Delete {name}")
                            on:click=move |_| { preview.dispatch(()); confirming.set(true); }>
                            "Delete"
                        </button>
                    }
                >
                    <div class="ml-auto w-72 rounded-lg border border-red-300 bg-red-50 p-3 text-left text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100"
                        role="group" aria-label="Confirm API deletion" data-testid="delete-api-confirm">
                        {move || match preview.value().get() {
                            None => view! { <p>"Checking what this API holds…"</p> }.into_any(),
                            Some(Err(e)) => view! { <p role="alert">{e.to_string()}</p> }.into_any(),
                            Some(Ok(p)) => view! {
                                <p class="font-medium">{format!("Delete “{}”?", p.name)}</p>
                                <p class="mt-1">"These go with it:"</p>
                                <ul class="mt-1 list-disc pl-5" data-testid="delete-api-items">
                                    {p.items().into_iter().map(|i| view! { <li>{i}</li> }).collect_view()}
                                </ul>
                                {(p.stages > 0).then(|| view! { <p class="mt-1">"Its stages stop serving requests."</p> })}
                            }.into_any(),
                        }}
                        <div class="mt-3 flex gap-2">
                            <button type="button" class=DANGER_BUTTON_CLASS
                                disabled=move || !matches!(preview.value().get(), Some(Ok(_)))
                                on:click=move |_| {
                                    delete.dispatch(DeleteRestApi { api_id: api_id.get_value() });
                                    confirming.set(false);
                                }>
                                "Delete API"
                            </button>
                            <button type="button" class=SECONDARY_BUTTON_CLASS on:click=move |_| confirming.set(false)>"Cancel"</button>
                        </div>
                    </div>
                </Show>
            </td>
        </tr>
    }
    .into_any()
}

#[component]
fn CreateApiCard(create: ServerAction<CreateRestApi>) -> AnyView {
    let error = Signal::derive(move || create.value().get().and_then(|r| r.err()));
    let pending = create.pending();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            navigate(&api_href(&id), Default::default());
        }
    });
    view! {
        <section class=CARD aria-labelledby="new-api-heading">
            <h2 id="new-api-heading" class="font-semibold">"Create an API"</h2>
            <p class=format!("mt-1 {MUTED}")>"A REST API starts with the root resource /; add resources and methods on its page."</p>
            <ActionForm action=create attr:class="mt-4 space-y-4" attr:novalidate=true>
                <FormError error />
                <Field label="API name" name="name" autocomplete="off" required=true help="e.g. Pets" error />
                <Field label="Description" name="description" autocomplete="off" help="Optional." error />
                <button type="submit" class=BUTTON_CLASS disabled=move || pending.get()>
                    {move || if pending.get() { "Creating…" } else { "Create API" }}
                </button>
            </ActionForm>
        </section>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delete_confirmation_names_everything_that_goes() {
        let preview = DeletePreviewView {
            api_id: "abc".into(),
            name: "Pets".into(),
            resources: 3,
            methods: 1,
            authorizers: 0,
            stages: 2,
            deployments: 1,
            stage_names: vec!["dev".into(), "prod".into()],
        };
        assert_eq!(
            preview.items(),
            [
                "3 resources (including the root /)",
                "1 method",
                "0 authorizers",
                "2 stages (dev, prod)",
                "1 deployment",
            ]
        );
    }
}

//! The Resources tab: the API's resource tree beside the selected resource (`?resource=ID`),
//! with its methods, "Create method" (new methods get the AWS console's defaults: no
//! authorization, a MOCK integration answering 200), "Create resource" (a child: `pets`,
//! `{petId}` or `{proxy+}`; AWS's rules come back inline) and deleting it with its subtree.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use serde::{Deserialize, Serialize};

use super::api_details::ApiDetails;
use super::shared::{HTTP_METHODS, count, method_href, resource_href, verb_class};
use crate::components::copy_button::CopyButton;
use crate::components::form::{
    DANGER_BUTTON_CLASS, FormError, INPUT_CLASS, SECONDARY_BUTTON_CLASS,
};
use crate::components::load_error::Loaded;
use crate::components::style::{BADGE, CARD, LINK_DANGER, MUTED};
use crate::error::AppError;

/// A method as the tree and the resource panel show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MethodSummary {
    pub http_method: String,
    /// `NONE` or `COGNITO_USER_POOLS`.
    pub authorization: String,
    /// The integration type, if the method has an integration.
    pub integration: Option<String>,
}

/// A node of the resource tree (the list comes in tree order: each node before its children,
/// siblings by path part).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceNode {
    pub id: String,
    pub parent_id: Option<String>,
    /// Empty for the root.
    pub path_part: String,
    pub path: String,
    /// 0 for the root.
    pub depth: usize,
    pub methods: Vec<MethodSummary>,
}

impl ResourceNode {
    pub fn label(&self) -> &str {
        if self.path_part.is_empty() {
            "/"
        } else {
            &self.path_part
        }
    }
}

/// The resources below `node` (its subtree without itself) in a tree-ordered list.
fn descendants<'a>(nodes: &'a [ResourceNode], node: &ResourceNode) -> Vec<&'a ResourceNode> {
    let prefix = if node.path == "/" {
        "/".to_string()
    } else {
        format!("{}/", node.path)
    };
    nodes
        .iter()
        .filter(|n| n.id != node.id && n.path.starts_with(&prefix))
        .collect()
}

/// Orders resources depth-first (children by path part) and computes their depth.
#[cfg(feature = "ssr")]
fn tree_order(resources: Vec<apis::Resource>) -> Vec<ResourceNode> {
    use std::collections::BTreeMap;
    let mut children: BTreeMap<Option<apis::ResourceId>, Vec<apis::Resource>> = BTreeMap::new();
    for r in resources {
        children.entry(r.parent_id.clone()).or_default().push(r);
    }
    for list in children.values_mut() {
        list.sort_by(|a, b| a.path_part.cmp(&b.path_part));
    }
    let mut out = Vec::new();
    let mut stack: Vec<(apis::Resource, usize)> = children
        .remove(&None)
        .unwrap_or_default()
        .into_iter()
        .rev()
        .map(|r| (r, 0))
        .collect();
    while let Some((r, depth)) = stack.pop() {
        if let Some(kids) = children.remove(&Some(r.id.clone())) {
            stack.extend(kids.into_iter().rev().map(|k| (k, depth + 1)));
        }
        out.push(ResourceNode {
            methods: r
                .resource_methods
                .values()
                .map(|m| MethodSummary {
                    http_method: m.http_method.to_string(),
                    authorization: m.authorization_type.to_string(),
                    integration: m.method_integration.as_ref().map(|i| i.kind.to_string()),
                })
                .collect(),
            id: r.id.into(),
            parent_id: r.parent_id.map(String::from),
            path_part: r.path_part.unwrap_or_default(),
            path: r.path,
            depth,
        });
    }
    out
}

#[server(endpoint = "list_api_resources")]
pub async fn list_api_resources(api_id: String) -> Result<Vec<ResourceNode>, AppError> {
    use super::shared::ssr::db;
    use crate::auth::ssr::require_admin;
    require_admin().await?;
    let api_id = apis::RestApiId::new(api_id);
    let resources = apis::store::list_resources(&db(), &api_id).await?;
    Ok(tree_order(resources))
}

/// Creates a child resource; returns its id.
#[server(endpoint = "create_api_resource")]
pub async fn create_api_resource(
    api_id: String,
    parent_id: String,
    path_part: String,
) -> Result<String, AppError> {
    use super::shared::ssr::{db, invalid, on_form};
    use crate::auth::ssr::require_admin;
    let me = require_admin().await?;
    let (api_id, parent_id) = (
        apis::RestApiId::new(api_id),
        apis::ResourceId::new(parent_id),
    );
    let part = path_part.trim();
    if part.is_empty() {
        return Err(invalid(
            "path_part",
            "Enter a path part: a name (pets), a path parameter ({petId}) or a greedy one ({proxy+}).",
        ));
    }
    let resource = apis::store::create_resource(&db(), &api_id, &parent_id, part)
        .await
        .map_err(|e| on_form(e, &[("pathPart", "path_part")]))?;
    tracing::info!(api.id = %api_id, resource.path = %resource.path, by = %me.username, "resource created in the console");
    Ok(resource.id.into())
}

/// Deletes a resource with its subtree; returns its parent's id (selected next).
#[server(endpoint = "delete_api_resource")]
pub async fn delete_api_resource(api_id: String, resource_id: String) -> Result<String, AppError> {
    use super::shared::ssr::{db, on_form};
    use crate::auth::ssr::require_admin;
    let me = require_admin().await?;
    let (api_id, resource_id) = (
        apis::RestApiId::new(api_id),
        apis::ResourceId::new(resource_id),
    );
    let db = db();
    let resource = apis::store::get_resource(&db, &api_id, &resource_id)
        .await
        .map_err(|e| on_form(e, &[]))?;
    let deleted = apis::store::delete_resource(&db, &api_id, &resource_id)
        .await
        .map_err(|e| on_form(e, &[]))?;
    tracing::info!(api.id = %api_id, resource.path = %resource.path, resources = deleted.resources, methods = deleted.methods, by = %me.username, "resource deleted in the console");
    Ok(resource.parent_id.map(String::from).unwrap_or_default())
}

/// The request template of a new method's MOCK integration (the AWS console's default).
pub const MOCK_REQUEST_TEMPLATE: &str = "{\"statusCode\": 200}";

/// Adds a method with the AWS console's defaults: authorization NONE, a MOCK integration whose
/// `application/json` request template is `{"statusCode": 200}`, and a 200 method response with
/// its 200 integration response, so it can be deployed and called right away. Returns the
/// method execution view's address.
#[server(endpoint = "create_api_method")]
pub async fn create_api_method(
    api_id: String,
    resource_id: String,
    http_method: String,
) -> Result<String, AppError> {
    use super::shared::ssr::{db, invalid, on_form};
    use crate::auth::ssr::require_admin;
    use apis::{
        IntegrationResponseSettings, IntegrationSettings, MethodResponseSettings, MethodSettings,
    };
    let me = require_admin().await?;
    let (api_id, resource_id) = (
        apis::RestApiId::new(api_id),
        apis::ResourceId::new(resource_id),
    );
    let fields = &[("httpMethod", "http_method")];
    if http_method.is_empty() {
        return Err(invalid("http_method", "Choose a method."));
    }
    let verb = apis::HttpMethod::parse(&http_method).map_err(|e| on_form(e, fields))?;
    let db = db();
    apis::store::put_method(&db, &api_id, &resource_id, verb, &MethodSettings::default())
        .await
        .map_err(|e| on_form(e, fields))?;
    let defaults = async {
        let mut integration = IntegrationSettings::mock();
        integration.request_templates.insert(
            "application/json".to_string(),
            MOCK_REQUEST_TEMPLATE.to_string(),
        );
        apis::store::put_integration(&db, &api_id, &resource_id, verb, &integration).await?;
        let mut response = MethodResponseSettings::default();
        response
            .response_models
            .insert("application/json".to_string(), "Empty".to_string());
        apis::store::put_method_response(&db, &api_id, &resource_id, verb, "200", &response)
            .await?;
        apis::store::put_integration_response(
            &db,
            &api_id,
            &resource_id,
            verb,
            "200",
            &IntegrationResponseSettings::default(),
        )
        .await?;
        Ok::<(), apis::ApisError>(())
    };
    if let Err(e) = defaults.await {
        // Leave nothing half-made behind.
        let _ = apis::store::delete_method(&db, &api_id, &resource_id, verb).await;
        return Err(on_form(e, &[]));
    }
    tracing::info!(api.id = %api_id, resource.id = %resource_id, method = %verb, by = %me.username, "method created in the console");
    Ok(method_href(&api_id, &resource_id, verb.as_str()))
}

#[component]
pub fn ResourcesTab(api: ApiDetails) -> AnyView {
    let query = use_query_map();
    let root_id = api.root_resource_id.clone();
    let selected = Memo::new(move |_| {
        query
            .read()
            .get("resource")
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| root_id.clone())
    });
    let create_resource = ServerAction::<CreateApiResource>::new();
    let delete_resource = ServerAction::<DeleteApiResource>::new();
    let create_method = ServerAction::<CreateApiMethod>::new();
    // Reload the tree after changes that went through (a refused form keeps what was typed).
    let changes = RwSignal::new(0u32);
    let api_id = StoredValue::new(api.id.clone());
    let navigate = use_navigate();
    let nav = navigate.clone();
    Effect::new(move |_| {
        if let Some(Ok(id)) = create_resource.value().get() {
            changes.update(|c| *c += 1);
            nav(&resource_href(&api_id.get_value(), &id), Default::default());
        }
    });
    let nav = navigate.clone();
    Effect::new(move |_| {
        if let Some(Ok(parent)) = delete_resource.value().get() {
            changes.update(|c| *c += 1);
            nav(
                &resource_href(&api_id.get_value(), &parent),
                Default::default(),
            );
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(href)) = create_method.value().get() {
            navigate(&href, Default::default());
        }
    });
    let resources = Resource::new(
        move || (api_id.get_value(), changes.get()),
        |(id, _)| list_api_resources(id),
    );
    let actions = TabActions {
        create_resource,
        delete_resource,
        create_method,
    };
    view! {
        <Loaded loading="Loading resources…">
            {move || Suspend::new(async move {
                let nodes = resources.await?;
                Ok::<_, AppError>(view! { <ResourcesView api_id=api_id.get_value() nodes selected actions /> }.into_any())
            })}
        </Loaded>
    }
    .into_any()
}

#[derive(Clone, Copy)]
struct TabActions {
    create_resource: ServerAction<CreateApiResource>,
    delete_resource: ServerAction<DeleteApiResource>,
    create_method: ServerAction<CreateApiMethod>,
}

#[component]
fn ResourcesView(
    api_id: String,
    nodes: Vec<ResourceNode>,
    selected: Memo<String>,
    actions: TabActions,
) -> AnyView {
    let nodes = StoredValue::new(nodes);
    let tree_api = api_id.clone();
    let current = move || {
        let id = selected.get();
        nodes.with_value(|all| {
            all.iter()
                .find(|n| n.id == id)
                .or_else(|| all.first())
                .cloned()
        })
    };
    view! {
        <div class="grid items-start gap-6 lg:grid-cols-[20rem_1fr]">
            <section class=CARD aria-labelledby="tree-heading">
                <h2 id="tree-heading" class="font-semibold">"Resources"</h2>
                <p class=format!("mt-1 {MUTED}")>"Select a resource to add methods or child resources to it."</p>
                <ul class="mt-3 space-y-0.5" role="tree" aria-label="Resource tree" data-testid="resource-tree">
                    {nodes.get_value().into_iter().map(|n| {
                        let id = StoredValue::new(n.id.clone());
                        let is_selected = move || id.with_value(|id| selected.with(|s| s == id));
                        let indent = format!("padding-left: {}rem", 0.5 + n.depth as f32 * 1.25);
                        view! {
                            <li role="treeitem" aria-selected=move || is_selected().to_string()>
                                <a
                                    href=resource_href(&tree_api, &n.id)
                                    style=indent
                                    data-testid="resource-node"
                                    data-path=n.path.clone()
                                    aria-current=move || is_selected().then_some("true")
                                    class=move || if is_selected() {
                                        "block rounded-md bg-indigo-50 py-1.5 pr-2 text-indigo-800 ring-1 ring-indigo-200 dark:bg-indigo-950 dark:text-indigo-200 dark:ring-indigo-800"
                                    } else {
                                        "block rounded-md py-1.5 pr-2 hover:bg-slate-100 dark:hover:bg-slate-800"
                                    }
                                >
                                    <span class="flex items-center gap-1.5">
                                        <span aria-hidden="true" class="text-slate-400">{if n.depth == 0 { "▾" } else { "└" }}</span>
                                        <span class="font-mono text-sm font-medium">{n.label().to_string()}</span>
                                    </span>
                                    {(!n.methods.is_empty()).then(|| view! {
                                        <span class="mt-1 flex flex-wrap gap-1 pl-5">
                                            {n.methods.iter().map(|m| view! { <span class=verb_class(&m.http_method)>{m.http_method.clone()}</span> }).collect_view()}
                                        </span>
                                    })}
                                </a>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
            {move || current().map(|node| {
                let below = nodes.with_value(|all| {
                    let d = descendants(all, &node);
                    (d.len() as i64, d.iter().map(|n| n.methods.len() as i64).sum::<i64>())
                });
                view! { <ResourcePanel api_id=api_id.clone() node below actions /> }
            })}
        </div>
    }
    .into_any()
}

#[component]
fn ResourcePanel(
    api_id: String,
    node: ResourceNode,
    /// Resources and methods below this one.
    below: (i64, i64),
    actions: TabActions,
) -> AnyView {
    let method_error =
        Signal::derive(move || actions.create_method.value().get().and_then(|r| r.err()));
    let resource_error =
        Signal::derive(move || actions.create_resource.value().get().and_then(|r| r.err()));
    let delete_error =
        Signal::derive(move || actions.delete_resource.value().get().and_then(|r| r.err()));
    let method_pending = actions.create_method.pending();
    let resource_pending = actions.create_resource.pending();
    let free_verbs: Vec<&'static str> = HTTP_METHODS
        .iter()
        .copied()
        .filter(|v| !node.methods.iter().any(|m| m.http_method == *v))
        .collect();
    // The verb offered first: the commonest one still missing.
    let suggested = [
        "GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "ANY",
    ]
    .into_iter()
    .find(|v| free_verbs.contains(v))
    .unwrap_or_default();
    let placeholder = if node.parent_id.is_none() {
        "pets"
    } else {
        "{id}"
    };
    let prefix = if node.path == "/" {
        "/".to_string()
    } else {
        format!("{}/", node.path)
    };
    let is_root = node.parent_id.is_none();
    let greedy = node.path_part.ends_with("+}");
    let (method_api, method_resource) = (api_id.clone(), node.id.clone());
    let (resource_api, resource_parent) = (api_id.clone(), node.id.clone());
    view! {
        <section class=CARD aria-labelledby="resource-heading" data-testid="resource-panel">
            <div class="flex flex-wrap items-start justify-between gap-3">
                <div class="min-w-0">
                    <h2 id="resource-heading" class="break-all font-mono text-lg font-semibold" data-testid="resource-path">{node.path.clone()}</h2>
                    <p class="mt-1 flex items-center gap-2 text-sm text-slate-500 dark:text-slate-400">
                        "Resource ID " <code class="font-mono text-xs" data-testid="resource-id">{node.id.clone()}</code>
                        <CopyButton text=node.id.clone() what="resource ID" />
                    </p>
                </div>
                {(!is_root).then(|| view! {
                    <DeleteResource api_id=api_id.clone() node=node.clone() below delete=actions.delete_resource />
                })}
            </div>
            <div class="mt-2"><FormError error=delete_error /></div>

            <h3 class="mt-6 text-sm font-semibold">"Methods"</h3>
            {if node.methods.is_empty() {
                view! { <p class=format!("mt-1 {MUTED}") data-testid="methods-empty">"No methods on this resource yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="mt-2 divide-y divide-slate-100 rounded-lg border border-slate-200 dark:divide-slate-800 dark:border-slate-800" data-testid="methods-list">
                        {node.methods.iter().map(|m| view! {
                            <li class="flex flex-wrap items-center gap-3 px-3 py-2">
                                <a class="flex items-center gap-2 hover:underline" href=method_href(&api_id, &node.id, &m.http_method)
                                    aria-label=format!("{} {}", m.http_method, node.path)>
                                    <span class=verb_class(&m.http_method)>{m.http_method.clone()}</span>
                                </a>
                                <span class="text-xs text-slate-500 dark:text-slate-400">{format!("Authorization: {}", m.authorization)}</span>
                                <span class=BADGE>{m.integration.clone().unwrap_or_else(|| "no integration".into())}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {if free_verbs.is_empty() {
                view! { <p class=format!("mt-3 {MUTED}")>"Every method is defined on this resource."</p> }.into_any()
            } else {
                view! {
                    <ActionForm action=actions.create_method attr:class="mt-3 space-y-2" attr:novalidate=true>
                        <FormError error=method_error />
                        <input type="hidden" name="api_id" value=method_api />
                        <input type="hidden" name="resource_id" value=method_resource />
                        <div class="flex flex-wrap items-end gap-2">
                            <div class="space-y-1">
                                <label for="new-method-verb" class="block text-sm font-medium">"Create method"</label>
                                <select id="new-method-verb" name="http_method" class=format!("{INPUT_CLASS} w-40")
                                    aria-describedby="new-method-error">
                                    {free_verbs.iter().map(|v| view! { <option value=*v selected=*v == suggested>{*v}</option> }).collect_view()}
                                </select>
                            </div>
                            <button type="submit" class=SECONDARY_BUTTON_CLASS disabled=move || method_pending.get()>
                                {move || if method_pending.get() { "Creating…" } else { "Create method" }}
                            </button>
                        </div>
                        <p id="new-method-error" class="text-sm text-red-600 dark:text-red-400" data-testid="error-http_method">
                            {move || method_error.get().and_then(|e| e.for_field("http_method"))}
                        </p>
                        <p class="text-xs text-slate-500 dark:text-slate-400">
                            "New methods start like the AWS console's: no authorization, and a MOCK integration answering 200 (request template "
                            <code>{MOCK_REQUEST_TEMPLATE}</code>"), so they can be deployed and called at once."
                        </p>
                    </ActionForm>
                }.into_any()
            }}

            <h3 class="mt-6 text-sm font-semibold">"Create resource"</h3>
            {if greedy {
                view! { <p class=format!("mt-1 {MUTED}")>"A greedy path parameter ({proxy+}) matches the rest of the path, so it cannot have child resources."</p> }.into_any()
            } else {
                view! {
                    <ActionForm action=actions.create_resource attr:class="mt-2 space-y-2" attr:novalidate=true>
                        <FormError error=resource_error />
                        <input type="hidden" name="api_id" value=resource_api />
                        <input type="hidden" name="parent_id" value=resource_parent />
                        <label for="new-resource-part" class="block text-sm font-medium">"Path part"</label>
                        <div class="flex flex-wrap items-center gap-2">
                            <div class="flex min-w-0 flex-1 items-center">
                                <span class="max-w-[16rem] shrink-0 truncate rounded-l-md border border-r-0 border-slate-300 bg-slate-100 px-2 py-2 font-mono text-xs text-slate-500 dark:border-slate-700 dark:bg-slate-800 dark:text-slate-400" title=prefix.clone()>
                                    {prefix.clone()}
                                </span>
                                <input id="new-resource-part" name="path_part" autocomplete="off" placeholder=placeholder
                                    class=format!("{INPUT_CLASS} rounded-l-none font-mono")
                                    aria-invalid=move || resource_error.get().and_then(|e| e.for_field("path_part")).is_some().to_string()
                                    aria-describedby="new-resource-error new-resource-help" />
                            </div>
                            <button type="submit" class=SECONDARY_BUTTON_CLASS disabled=move || resource_pending.get()>
                                {move || if resource_pending.get() { "Creating…" } else { "Create resource" }}
                            </button>
                        </div>
                        <p id="new-resource-error" class="text-sm text-red-600 dark:text-red-400" data-testid="error-path_part">
                            {move || resource_error.get().and_then(|e| e.for_field("path_part"))}
                        </p>
                        <p id="new-resource-help" class="text-xs text-slate-500 dark:text-slate-400">
                            "A name (" <code>"pets"</code> "), a path parameter matching one segment (" <code>"{petId}"</code>
                            ") or a greedy one matching the rest of the path (" <code>"{proxy+}"</code>
                            "). A resource has at most one parameter child."
                        </p>
                    </ActionForm>
                }.into_any()
            }}
        </section>
    }
    .into_any()
}

#[component]
fn DeleteResource(
    api_id: String,
    node: ResourceNode,
    below: (i64, i64),
    delete: ServerAction<DeleteApiResource>,
) -> AnyView {
    let confirming = RwSignal::new(false);
    let ids = StoredValue::new((api_id, node.id.clone()));
    let (child_resources, child_methods) = below;
    let own_methods = node.methods.len() as i64;
    let mut goes = Vec::new();
    if child_resources > 0 {
        goes.push(count(child_resources, "child resource"));
    }
    if own_methods + child_methods > 0 {
        goes.push(count(own_methods + child_methods, "method"));
    }
    let summary = if goes.is_empty() {
        format!("Delete {}?", node.path)
    } else {
        format!("Delete {} with {}?", node.path, goes.join(" and "))
    };
    view! {
        <Show
            when=move || confirming.get()
            fallback=move || view! {
                <button type="button" class=LINK_DANGER on:click=move |_| confirming.set(true)>"Delete resource"</button>
            }
        >
            <div class="max-w-sm rounded-lg border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100"
                role="group" aria-label="Confirm resource deletion" data-testid="delete-resource-confirm">
                <p>{summary.clone()}</p>
                <p class="mt-1 text-xs">"Deployed stages keep serving their snapshot until the next deployment."</p>
                <div class="mt-3 flex gap-2">
                    <button type="button" class=DANGER_BUTTON_CLASS
                        on:click=move |_| {
                            let (api_id, resource_id) = ids.get_value();
                            delete.dispatch(DeleteApiResource { api_id, resource_id });
                            confirming.set(false);
                        }>
                        "Delete resource"
                    </button>
                    <button type="button" class=SECONDARY_BUTTON_CLASS on:click=move |_| confirming.set(false)>"Cancel"</button>
                </div>
            </div>
        </Show>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: &str, path: &str, methods: usize) -> ResourceNode {
        ResourceNode {
            id: id.into(),
            parent_id: None,
            path_part: path.rsplit('/').next().unwrap_or_default().into(),
            path: path.into(),
            depth: path.matches('/').count(),
            methods: (0..methods)
                .map(|_| MethodSummary {
                    http_method: "GET".into(),
                    authorization: "NONE".into(),
                    integration: Some("MOCK".into()),
                })
                .collect(),
        }
    }

    #[test]
    fn a_subtree_is_its_path_prefix_not_its_name_prefix() {
        let nodes = vec![
            node("r", "/", 0),
            node("a", "/pets", 1),
            node("b", "/pets/{id}", 2),
            node("c", "/pets-archive", 1),
        ];
        let below: Vec<&str> = descendants(&nodes, &nodes[1])
            .iter()
            .map(|n| n.id.as_str())
            .collect();
        assert_eq!(below, ["b"]);
        assert_eq!(descendants(&nodes, &nodes[0]).len(), 3);
        assert_eq!(nodes[0].label(), "/");
        assert_eq!(nodes[2].label(), "{id}");
    }
}

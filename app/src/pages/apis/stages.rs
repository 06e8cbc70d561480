//! The Stages tab of an API: Deploy API (to a new or an existing stage), the stages with their
//! invoke URLs and variables, and the deployment history, from which a stage can be pointed
//! back (rolled back) at an earlier deployment.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::stage_logs::StageLogs;
use crate::components::copy_button::CopyButton;
use crate::components::form::{
    BUTTON_CLASS, Field, FormError, INPUT_CLASS, SECONDARY_BUTTON_CLASS,
};
use crate::components::load_error::Loaded;
use crate::components::style::{BADGE, CARD, CODE_BLOCK, EMPTY, LINK, MUTED, TH};
use crate::error::AppError;

/// The value of the stage select that means "a new stage".
pub const NEW_STAGE: &str = "__new__";
/// Stage variables: at most this many, names and values at most this long (AWS's limits).
pub const MAX_VARIABLES: usize = 100;
pub const MAX_VARIABLE_NAME: usize = 64;
pub const MAX_VARIABLE_VALUE: usize = 512;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageView {
    pub name: String,
    pub description: String,
    pub deployment_id: String,
    pub variables: Vec<(String, String)>,
    pub created: String,
    pub updated: String,
    /// `{gateway_base_url}/{api_id}/{stage}/`.
    pub invoke_url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeploymentView {
    pub id: String,
    pub description: String,
    pub created: String,
    /// Epoch seconds, to tell earlier from later.
    pub created_epoch: i64,
    pub stage_names: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StagesData {
    pub gateway_base_url: String,
    pub stages: Vec<StageView>,
    /// Newest first.
    pub deployments: Vec<DeploymentView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deployed {
    pub deployment_id: String,
    pub stage_name: String,
    pub invoke_url: String,
}

/// Why a stage variable name is refused (AWS's rules), if it is.
pub fn variable_name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("Enter a name.".to_owned());
    }
    if name.chars().count() > MAX_VARIABLE_NAME {
        return Some(format!("Names are at most {MAX_VARIABLE_NAME} characters."));
    }
    name.chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
        .map(|c| format!("“{c}” is not allowed: use letters, digits and _ only."))
}

/// Why a stage variable value is refused (AWS's rules), if it is.
pub fn variable_value_problem(value: &str) -> Option<String> {
    if value.is_empty() {
        return Some("Enter a value.".to_owned());
    }
    if value.chars().count() > MAX_VARIABLE_VALUE {
        return Some(format!(
            "Values are at most {MAX_VARIABLE_VALUE} characters."
        ));
    }
    value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "-._~:/?#&=,".contains(*c)))
        .map(|c| {
            let shown = if c == ' ' {
                "A space".to_owned()
            } else {
                format!("“{c}”")
            };
            format!("{shown} is not allowed: use letters, digits and - . _ ~ : / ? # & = , only.")
        })
}

/// The invoke URL of a stage.
pub fn invoke_url(gateway_base_url: &str, api_id: &str, stage: &str) -> String {
    format!(
        "{}/{api_id}/{stage}/",
        gateway_base_url.trim_end_matches('/')
    )
}

/// "2026-11-26 07:56:03 UTC": deployments made a few seconds apart must be told apart.
#[cfg(feature = "ssr")]
fn fmt_seconds(t: sqlx::types::time::OffsetDateTime) -> String {
    let t = t.to_offset(sqlx::types::time::UtcOffset::UTC);
    format!(
        "{} {:02}:{:02}:{:02} UTC",
        t.date(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[server(endpoint = "list_api_stages")]
pub async fn list_api_stages(api_id: String) -> Result<StagesData, AppError> {
    use super::shared::ssr::{db, fmt_time};
    use crate::auth::ssr::{require_admin, state};
    require_admin().await?;
    let api_id = apis::RestApiId::new(api_id);
    let db = db();
    let base = state().gateway_base_url;
    let stages = apis::store::list_stages(&db, &api_id).await?;
    let deployments = apis::store::list_deployments(&db, &api_id).await?;
    Ok(StagesData {
        stages: stages
            .into_iter()
            .map(|s| StageView {
                invoke_url: invoke_url(&base, &api_id, &s.stage_name),
                name: s.stage_name.into(),
                description: s.description,
                deployment_id: s.deployment_id.into(),
                variables: s.variables.into_iter().collect(),
                created: fmt_time(s.created_date),
                updated: fmt_time(s.last_updated_date),
            })
            .collect(),
        deployments: deployments
            .into_iter()
            .map(|d| DeploymentView {
                id: d.id.into(),
                description: d.description,
                created: fmt_seconds(d.created_date),
                created_epoch: d.created_date.unix_timestamp(),
                stage_names: d.stage_names.into_iter().map(String::from).collect(),
            })
            .collect(),
        gateway_base_url: base,
    })
}

#[server(endpoint = "deploy_rest_api")]
pub async fn deploy_rest_api(
    api_id: String,
    stage: String,
    stage_name: Option<String>,
    stage_description: Option<String>,
    description: Option<String>,
) -> Result<Deployed, AppError> {
    use super::shared::ssr::{db, invalid, on_form};
    use crate::auth::ssr::{require_admin, state};
    let me = require_admin().await?;
    let api_id = apis::RestApiId::new(api_id);
    let db = db();
    let description = description.unwrap_or_default().trim().to_owned();
    apis::validate::validate_description(&description)
        .map_err(|e| invalid("description", e.to_string()))?;
    let (stage, new_description) = if stage == NEW_STAGE {
        let name = stage_name.unwrap_or_default().trim().to_owned();
        if name.is_empty() {
            return Err(invalid("stage_name", "Enter a name for the new stage."));
        }
        apis::validate::validate_stage_name(&name)
            .map_err(|e| invalid("stage_name", e.to_string()))?;
        let d = stage_description.unwrap_or_default().trim().to_owned();
        apis::validate::validate_description(&d)
            .map_err(|e| invalid("stage_description", e.to_string()))?;
        let existing = apis::store::list_stages(&db, &api_id).await?;
        if existing.iter().any(|s| s.stage_name == name) {
            return Err(invalid(
                "stage_name",
                format!(
                    "Stage {name} already exists: choose it in the Stage list to deploy to it."
                ),
            ));
        }
        (apis::StageName::new(name), Some(d))
    } else {
        (apis::StageName::new(stage), None)
    };
    let snapshot = apis::store::create_deployment(
        &db,
        &api_id,
        &description,
        Some(&stage),
        new_description.as_deref(),
    )
    .await
    .map_err(|e| on_form(e, &[("stageName", "stage_name")]))?;
    tracing::info!(api.id = %api_id, deployment.id = %snapshot.deployment_id, stage = %stage,
        by = %me.username, "API deployed in the console");
    let state = state();
    state.gateway_caught_up().await;
    Ok(Deployed {
        invoke_url: invoke_url(&state.gateway_base_url, &api_id, &stage),
        deployment_id: snapshot.deployment_id.into(),
        stage_name: stage.into(),
    })
}

/// Replaces a stage's description and variables (`names[i]` = `values[i]`).
#[server(endpoint = "update_api_stage", input = server_fn::codec::Json)]
pub async fn update_api_stage(
    api_id: String,
    stage_name: String,
    description: String,
    names: Vec<String>,
    values: Vec<String>,
) -> Result<String, AppError> {
    use std::collections::BTreeMap;

    use super::shared::ssr::{db, invalid, on_form};
    use crate::auth::ssr::require_admin;
    let me = require_admin().await?;
    let (api_id, stage_name) = (
        apis::RestApiId::new(api_id),
        apis::StageName::new(stage_name),
    );
    if names.len() != values.len() {
        return Err(AppError::form("Every variable needs a name and a value."));
    }
    if names.len() > MAX_VARIABLES {
        return Err(AppError::form(format!(
            "A stage has at most {MAX_VARIABLES} variables."
        )));
    }
    let description = description.trim().to_owned();
    apis::validate::validate_description(&description)
        .map_err(|e| invalid("stage_description", e.to_string()))?;
    let mut variables = BTreeMap::new();
    for (i, (name, value)) in names.iter().zip(&values).enumerate() {
        let name = name.trim();
        if let Some(p) = variable_name_problem(name) {
            return Err(invalid(&format!("var-{i}-name"), p));
        }
        if let Some(p) = variable_value_problem(value) {
            return Err(invalid(&format!("var-{i}-value"), p));
        }
        if variables.insert(name.to_owned(), value.clone()).is_some() {
            return Err(invalid(
                &format!("var-{i}-name"),
                format!("{name} is already used above: names must be unique."),
            ));
        }
    }
    apis::store::update_stage(&db(), &api_id, &stage_name, &description, &variables)
        .await
        .map_err(|e| on_form(e, &[]))?;
    tracing::info!(api.id = %api_id, stage = %stage_name, by = %me.username, "stage settings saved in the console");
    crate::auth::ssr::state().gateway_caught_up().await;
    Ok(stage_name.into())
}

/// Points a stage at another deployment (roll back / forward).
#[server(endpoint = "point_api_stage")]
pub async fn point_api_stage(
    api_id: String,
    stage_name: String,
    deployment_id: String,
) -> Result<(String, String), AppError> {
    use super::shared::ssr::db;
    use crate::auth::ssr::require_admin;
    let me = require_admin().await?;
    let (api_id, stage_name, deployment_id) = (
        apis::RestApiId::new(api_id),
        apis::StageName::new(stage_name),
        apis::DeploymentId::new(deployment_id),
    );
    let stage = apis::store::point_stage(&db(), &api_id, &stage_name, &deployment_id).await?;
    tracing::info!(api.id = %api_id, stage = %stage_name, deployment.id = %deployment_id,
        by = %me.username, "stage pointed at another deployment in the console");
    crate::auth::ssr::state().gateway_caught_up().await;
    Ok((stage.stage_name.into(), stage.deployment_id.into()))
}

#[component]
pub fn StagesTab(#[prop(into)] api_id: String) -> impl IntoView {
    let deploy = ServerAction::<DeployRestApi>::new();
    let point = ServerAction::<PointApiStage>::new();
    // Bumped by successful changes only, so a refused form keeps what was typed.
    let changed = RwSignal::new(0u32);
    let notice = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(d)) = deploy.value().get() {
            notice.set(Some(format!(
                "Deployed {} to stage {}.",
                d.deployment_id, d.stage_name
            )));
            changed.update(|n| *n += 1);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok((stage, deployment))) = point.value().get() {
            notice.set(Some(format!(
                "Stage {stage} now serves deployment {deployment}."
            )));
            changed.update(|n| *n += 1);
        }
    });
    let key = api_id.clone();
    let data = Resource::new(
        move || (key.clone(), changed.get()),
        |(id, _)| list_api_stages(id),
    );
    let api_id = StoredValue::new(api_id);
    let point_error = Signal::derive(move || point.value().get().and_then(|r| r.err()));
    view! {
        <div class="space-y-6">
            {move || notice.get().map(|n| view! {
                <div role="status" data-testid="stages-notice" class="rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-800 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-200">{n}</div>
            })}
            <Loaded loading="Loading stages…">
                {move || Suspend::new(async move {
                    let d = data.await?;
                    let stage_names: Vec<String> = d.stages.iter().map(|s| s.name.clone()).collect();
                    Ok::<_, AppError>(view! {
                        <div class="grid items-start gap-6 xl:grid-cols-[1fr_24rem]">
                            <div class="min-w-0 space-y-6">
                                <StagesList api_id=api_id.get_value() data=d.clone() changed notice />
                                <History api_id=api_id.get_value() data=d point point_error />
                            </div>
                            <DeployCard api_id=api_id.get_value() stage_names deploy />
                        </div>
                    }.into_any())
                })}
            </Loaded>
        </div>
    }
}

#[component]
fn DeployCard(
    api_id: String,
    stage_names: Vec<String>,
    deploy: ServerAction<DeployRestApi>,
) -> AnyView {
    let error = Signal::derive(move || deploy.value().get().and_then(|r| r.err()));
    let pending = deploy.pending();
    let first = stage_names
        .first()
        .cloned()
        .unwrap_or_else(|| NEW_STAGE.to_owned());
    let chosen = RwSignal::new(first.clone());
    // The tab re-renders in place after a deployment: clear what was typed.
    let form_ref = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = deploy.value().get()
            && let Some(form) = form_ref.get()
        {
            form.reset();
        }
    });
    view! {
        <section class=format!("{CARD} xl:sticky xl:top-20") aria-labelledby="deploy-heading" data-testid="deploy-card">
            <h2 id="deploy-heading" class="font-semibold">"Deploy API"</h2>
            <p class=format!("mt-1 {MUTED}")>
                "A deployment freezes the API as it is now (resources, methods, integrations, authorizers); the stage then serves that snapshot. Later edits reach callers only when deployed."
            </p>
            <ActionForm action=deploy node_ref=form_ref attr:class="mt-4 space-y-4" attr:novalidate=true>
                <FormError error />
                <input type="hidden" name="api_id" value=api_id />
                <div class="space-y-1">
                    <label for="deploy-stage" class="block text-sm font-medium">"Stage"</label>
                    <select id="deploy-stage" name="stage" class=INPUT_CLASS on:change=move |ev| chosen.set(event_target_value(&ev))>
                        {stage_names.iter().map(|s| view! { <option value=s.clone() selected=*s == first>{s.clone()}</option> }).collect_view()}
                        <option value=NEW_STAGE selected=first == NEW_STAGE>"[New Stage]"</option>
                    </select>
                </div>
                <Show when=move || chosen.get() == NEW_STAGE>
                    <Field label="Stage name" name="stage_name" autocomplete="off" required=true
                        help="Letters, digits, - and _ (e.g. prod, dev). It becomes part of the invoke URL." error />
                    <Field label="Stage description" name="stage_description" autocomplete="off" error />
                </Show>
                <Field label="Deployment description" name="description" autocomplete="off"
                    help="Optional; shown in the deployment history." error />
                <button type="submit" class=BUTTON_CLASS disabled=move || pending.get()>
                    {move || if pending.get() { "Deploying…" } else { "Deploy" }}
                </button>
            </ActionForm>
        </section>
    }
    .into_any()
}

#[component]
fn StagesList(
    api_id: String,
    data: StagesData,
    changed: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
) -> AnyView {
    let deployments = StoredValue::new(data.deployments.clone());
    view! {
        <section class=CARD aria-labelledby="stages-heading">
            <h2 id="stages-heading" class="font-semibold">"Stages"</h2>
            <p class=format!("mt-1 {MUTED}")>
                {format!("Each stage serves one deployment at its invoke URL, under the gateway's address {}.", data.gateway_base_url)}
            </p>
            {if data.stages.is_empty() {
                view! {
                    <div class=EMPTY data-testid="stages-empty">
                        <p class="font-medium text-slate-700 dark:text-slate-200">"No stages yet"</p>
                        <p class="mt-1">"Deploy the API to a new stage (e.g. prod) to give it an invoke URL."</p>
                    </div>
                }.into_any()
            } else {
                view! {
                    <ul class="mt-4 space-y-4" data-testid="stages-list">
                        {data.stages.into_iter().map(|s| {
                            let deployment = deployments.get_value().into_iter().find(|d| d.id == s.deployment_id);
                            view! { <StageItem api_id=api_id.clone() stage=s deployment changed notice /> }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
    .into_any()
}

#[component]
fn StageItem(
    api_id: String,
    stage: StageView,
    deployment: Option<DeploymentView>,
    changed: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
) -> AnyView {
    let editing = RwSignal::new(false);
    let logs_open = RwSignal::new(false);
    let logs_for = StoredValue::new((api_id.clone(), stage.name.clone()));
    let url = stage.invoke_url.clone();
    let stage = StoredValue::new(stage);
    let s = stage.get_value();
    view! {
        <li class="rounded-lg border border-slate-200 p-4 dark:border-slate-700" data-testid="stage" data-stage=s.name.clone()>
            <div class="flex flex-wrap items-baseline gap-x-3 gap-y-1">
                <h3 class="font-medium" data-testid="stage-name">{s.name.clone()}</h3>
                <span class="text-sm text-slate-500 dark:text-slate-400">{if s.description.is_empty() { String::new() } else { s.description.clone() }}</span>
                <a class=format!("ml-auto {LINK}") href=format!("/apis/{api_id}/export?stage={}", s.name)>"Export"</a>
            </div>
            <div class="mt-3 space-y-1">
                <p class="text-xs font-medium uppercase text-slate-500 dark:text-slate-400">"Invoke URL"</p>
                <p class="flex items-center gap-2">
                    <code class=CODE_BLOCK data-testid="invoke-url">{url.clone()}</code>
                    <CopyButton text=url what=format!("invoke URL of {}", s.name) />
                </p>
                <p class="text-xs text-slate-500 dark:text-slate-400">
                    "Served by this Gatehouse's gateway (GATEHOUSE_GATEWAY_LISTEN): append the resource path; a deployment or roll back is live within about a second."
                </p>
            </div>
            <dl class="mt-3 grid gap-x-4 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]">
                <dt class="text-slate-500 dark:text-slate-400">"Deployment"</dt>
                <dd data-testid="stage-deployment">
                    <span class="font-mono text-xs">{s.deployment_id.clone()}</span>
                    {deployment.map(|d| format!(" · deployed {}{}", d.created, if d.description.is_empty() { String::new() } else { format!(" · “{}”", d.description) }))}
                </dd>
                <dt class="text-slate-500 dark:text-slate-400">"Last updated"</dt>
                <dd class="text-slate-500 dark:text-slate-400">{s.updated.clone()}</dd>
                <dt class="text-slate-500 dark:text-slate-400">"Stage variables"</dt>
                <dd data-testid="stage-variables">
                    {if s.variables.is_empty() {
                        view! { <span class="text-slate-500 dark:text-slate-400">"None"</span> }.into_any()
                    } else {
                        view! {
                            <span class="flex flex-wrap gap-1.5">
                                {s.variables.iter().map(|(k, v)| view! { <span class=BADGE>{format!("{k} = {v}")}</span> }).collect_view()}
                            </span>
                        }.into_any()
                    }}
                </dd>
            </dl>
            <Show
                when=move || editing.get()
                fallback=move || view! {
                    <button type="button" class=format!("mt-3 {SECONDARY_BUTTON_CLASS}") on:click=move |_| editing.set(true)>"Edit stage settings"</button>
                }
            >
                <StageSettingsForm api_id=api_id.clone() stage=stage.get_value() editing changed notice />
            </Show>
            <div class="mt-4 border-t border-slate-200 pt-3 dark:border-slate-700">
                <button type="button" class=LINK data-testid="stage-logs-toggle"
                    aria-expanded=move || logs_open.get().to_string()
                    on:click=move |_| logs_open.update(|o| *o = !*o)>
                    {move || if logs_open.get() { "Hide logs" } else { "Logs: recent requests" }}
                </button>
                <Show when=move || logs_open.get()>
                    {move || {
                        let (api_id, stage) = logs_for.get_value();
                        view! { <StageLogs api_id stage /> }
                    }}
                </Show>
            </div>
        </li>
    }
    .into_any()
}

/// One row of the variables editor.
#[derive(Clone, Copy)]
struct VarRow {
    key: u32,
    name: RwSignal<String>,
    value: RwSignal<String>,
}

#[component]
fn StageSettingsForm(
    api_id: String,
    stage: StageView,
    editing: RwSignal<bool>,
    changed: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
) -> AnyView {
    let save = ServerAction::<UpdateApiStage>::new();
    let error = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    let pending = save.pending();
    let next_key = StoredValue::new(0u32);
    let new_row = move |name: String, value: String| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        VarRow {
            key,
            name: RwSignal::new(name),
            value: RwSignal::new(value),
        }
    };
    let rows = RwSignal::new(
        stage
            .variables
            .iter()
            .map(|(k, v)| new_row(k.clone(), v.clone()))
            .collect::<Vec<_>>(),
    );
    let description = RwSignal::new(stage.description.clone());
    // A row's problem: typed (client-side rules), or the server's for that row.
    let duplicate = move |row: VarRow| {
        let name = row.name.get();
        !name.is_empty()
            && rows
                .get()
                .iter()
                .take_while(|r| r.key != row.key)
                .any(|r| r.name.get() == name)
    };
    let has_problems = move || {
        rows.get().iter().any(|r| {
            variable_name_problem(r.name.get().trim()).is_some()
                || variable_value_problem(&r.value.get()).is_some()
                || duplicate(*r)
        })
    };
    Effect::new(move |_| {
        if let Some(Ok(stage)) = save.value().get() {
            editing.set(false);
            notice.set(Some(format!("Stage {stage} saved.")));
            changed.update(|n| *n += 1);
        }
    });
    let stage_name = StoredValue::new(stage.name.clone());
    let api_id = StoredValue::new(api_id);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let list = rows.get_untracked();
        save.dispatch(UpdateApiStage {
            api_id: api_id.get_value(),
            stage_name: stage_name.get_value(),
            description: description.get_untracked(),
            names: list
                .iter()
                .map(|r| r.name.get_untracked().trim().to_owned())
                .collect(),
            values: list.iter().map(|r| r.value.get_untracked()).collect(),
        });
    };
    let description_error = move || error.get().and_then(|e| e.for_field("stage_description"));
    let desc_id = format!("stage-{}-description", stage.name);
    view! {
        <form class="mt-4 space-y-4 rounded-md border border-slate-200 p-4 dark:border-slate-700" on:submit=submit novalidate=true data-testid="stage-settings">
            <FormError error />
            <div class="space-y-1">
                <label for=desc_id.clone() class="block text-sm font-medium">"Stage description"</label>
                <input id=desc_id type="text" class=INPUT_CLASS prop:value=move || description.get()
                    on:input=move |ev| description.set(event_target_value(&ev)) />
                <p class="text-sm text-red-600 dark:text-red-400">{description_error}</p>
            </div>
            <fieldset>
                <legend class="text-sm font-medium">"Stage variables"</legend>
                <p class="text-xs text-slate-500 dark:text-slate-400">
                    "Used as ${stageVariables.NAME} in integration URIs and mapping templates. Names: letters, digits and _ (at most 64); values: letters, digits and - . _ ~ : / ? # & = , (at most 512)."
                </p>
                <div class="mt-2 space-y-2">
                    <For each=move || rows.get() key=|r| r.key let:row>
                        {
                            let index = move || rows.get().iter().position(|r| r.key == row.key).unwrap_or_default();
                            let name_problem = move || {
                                let name = row.name.get();
                                let typed = if name.is_empty() { None } else { variable_name_problem(name.trim()) };
                                typed
                                    .or_else(|| duplicate(row).then(|| "This name is already used above: names must be unique.".to_owned()))
                                    .or_else(|| error.get().and_then(|e| e.for_field(&format!("var-{}-name", index()))))
                            };
                            let value_problem = move || {
                                let value = row.value.get();
                                let typed = if value.is_empty() { None } else { variable_value_problem(&value) };
                                typed.or_else(|| error.get().and_then(|e| e.for_field(&format!("var-{}-value", index()))))
                            };
                            let name_invalid = name_problem;
                            let value_invalid = value_problem;
                            view! {
                                <div class="grid gap-2 sm:grid-cols-[1fr_1fr_auto]" data-testid="variable-row">
                                    <div>
                                        <input type="text" class=INPUT_CLASS placeholder="Name" aria-label="Variable name"
                                            aria-invalid=move || name_invalid().is_some().to_string()
                                            prop:value=move || row.name.get()
                                            on:input=move |ev| row.name.set(event_target_value(&ev)) />
                                        <p class="mt-0.5 text-xs text-red-600 dark:text-red-400" data-testid="variable-name-error">{name_problem}</p>
                                    </div>
                                    <div>
                                        <input type="text" class=INPUT_CLASS placeholder="Value" aria-label="Variable value"
                                            aria-invalid=move || value_invalid().is_some().to_string()
                                            prop:value=move || row.value.get()
                                            on:input=move |ev| row.value.set(event_target_value(&ev)) />
                                        <p class="mt-0.5 text-xs text-red-600 dark:text-red-400" data-testid="variable-value-error">{value_problem}</p>
                                    </div>
                                    <div>
                                        <button type="button" class=SECONDARY_BUTTON_CLASS aria-label="Remove variable"
                                            on:click=move |_| rows.update(|list| list.retain(|r| r.key != row.key))>
                                            "Remove"
                                        </button>
                                    </div>
                                </div>
                            }
                        }
                    </For>
                    <Show when=move || rows.get().is_empty()>
                        <p class="text-sm text-slate-500 dark:text-slate-400">"No variables."</p>
                    </Show>
                </div>
                <button type="button" class=format!("mt-2 {LINK}")
                    on:click=move |_| {
                        let row = new_row(String::new(), String::new());
                        rows.update(|list| list.push(row));
                    }>
                    "+ Add variable"
                </button>
            </fieldset>
            <div class="flex flex-wrap items-center gap-3">
                <button type="submit" class=BUTTON_CLASS disabled=move || pending.get() || has_problems()>
                    {move || if pending.get() { "Saving…" } else { "Save stage" }}
                </button>
                <button type="button" class=SECONDARY_BUTTON_CLASS on:click=move |_| editing.set(false)>"Cancel"</button>
            </div>
        </form>
    }
    .into_any()
}

/// A roll back (or forward) waiting for its confirmation.
#[derive(Debug, Clone, PartialEq)]
struct PendingPoint {
    stage: String,
    from: String,
    to: DeploymentView,
    back: bool,
}

#[component]
fn History(
    api_id: String,
    data: StagesData,
    point: ServerAction<PointApiStage>,
    point_error: Signal<Option<AppError>>,
) -> AnyView {
    let confirming = RwSignal::new(None::<PendingPoint>);
    let stages: Vec<(String, String)> = data
        .stages
        .iter()
        .map(|s| (s.name.clone(), s.deployment_id.clone()))
        .collect();
    let epochs: Vec<(String, i64)> = data
        .deployments
        .iter()
        .map(|d| (d.id.clone(), d.created_epoch))
        .collect();
    let epoch_of = move |id: &str| {
        epochs
            .iter()
            .find(|(d, _)| d == id)
            .map(|(_, e)| *e)
            .unwrap_or_default()
    };
    let api_id = StoredValue::new(api_id);
    view! {
        <section class=CARD aria-labelledby="history-heading">
            <h2 id="history-heading" class="font-semibold">"Deployment history"</h2>
            <p class=format!("mt-1 {MUTED}")>
                "Rolling a stage back points it at an earlier deployment: only the stage's pointer changes, no deployment is deleted, and it applies to callers at once."
            </p>
            <div class="mt-3"><FormError error=point_error /></div>
            {move || confirming.get().map(|p| {
                let verb = if p.back { "Roll back" } else { "Move" };
                let text = format!(
                    "{verb} stage {} from deployment {} to deployment {} (deployed {})?",
                    p.stage, p.from, p.to.id, p.to.created
                );
                let dispatch = p.clone();
                view! {
                    <div role="alertdialog" aria-label="Confirm" data-testid="rollback-confirm" class="mt-3 flex flex-wrap items-center justify-between gap-3 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
                        <span>{text}</span>
                        <span class="flex gap-2">
                            <button type="button" class="rounded bg-amber-600 px-2 py-1 text-xs font-medium text-white hover:bg-amber-500"
                                on:click=move |_| {
                                    point.dispatch(PointApiStage {
                                        api_id: api_id.get_value(),
                                        stage_name: dispatch.stage.clone(),
                                        deployment_id: dispatch.to.id.clone(),
                                    });
                                    confirming.set(None);
                                }>
                                {format!("Confirm {}", verb.to_lowercase())}
                            </button>
                            <button type="button" class="text-xs hover:underline" on:click=move |_| confirming.set(None)>"Cancel"</button>
                        </span>
                    </div>
                }
            })}
            {if data.deployments.is_empty() {
                view! { <div class=EMPTY data-testid="deployments-empty">"No deployments yet."</div> }.into_any()
            } else {
                view! {
                    <div class="mt-3 overflow-x-auto">
                        <table class="w-full text-left text-sm" data-testid="deployments-table">
                            <thead class="text-xs uppercase text-slate-500 dark:text-slate-400">
                                <tr>
                                    <th scope="col" class=TH>"Deployment"</th>
                                    <th scope="col" class=TH>"Description"</th>
                                    <th scope="col" class=TH>"Deployed"</th>
                                    <th scope="col" class=format!("{TH} whitespace-nowrap")>"Active in"</th>
                                    <th scope="col" class=TH><span class="sr-only">"Actions"</span></th>
                                </tr>
                            </thead>
                            <tbody class="divide-y divide-slate-100 dark:divide-slate-800">
                                {data.deployments.iter().map(|d| {
                                    let movable: Vec<(String, String, bool)> = stages
                                        .iter()
                                        .filter(|(_, current)| *current != d.id)
                                        // Deployments of the same second count as earlier: rolling back is the usual move.
                                        .map(|(stage, current)| (stage.clone(), current.clone(), epoch_of(current) >= d.created_epoch))
                                        .collect();
                                    let dep = d.clone();
                                    view! {
                                        <tr data-testid="deployment-row" data-deployment=d.id.clone()>
                                            <td class="py-2 pr-3 font-mono text-xs">{d.id.clone()}</td>
                                            <td class="py-2 pr-3">{if d.description.is_empty() { "—".to_owned() } else { d.description.clone() }}</td>
                                            <td class="whitespace-nowrap py-2 pr-3 text-slate-500 dark:text-slate-400">{d.created.clone()}</td>
                                            <td class="py-2 pr-3" data-testid="deployment-stages">
                                                <span class="flex flex-wrap gap-1">
                                                    {d.stage_names.iter().map(|s| view! { <span class=BADGE>{s.clone()}</span> }).collect_view()}
                                                </span>
                                            </td>
                                            <td class="py-2 text-right">
                                                <span class="flex flex-wrap justify-end gap-2">
                                                    {movable.into_iter().map(|(stage, from, back)| {
                                                        let to = dep.clone();
                                                        let label = if back { format!("Roll back {stage} to this") } else { format!("Move {stage} to this") };
                                                        view! {
                                                            <button type="button" class=LINK on:click=move |_| confirming.set(Some(PendingPoint {
                                                                stage: stage.clone(),
                                                                from: from.clone(),
                                                                to: to.clone(),
                                                                back,
                                                            }))>{label}</button>
                                                        }
                                                    }).collect_view()}
                                                </span>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_rules() {
        assert_eq!(variable_name_problem("backend_host"), None);
        assert!(variable_name_problem("back-end").is_some_and(|p| p.contains("“-”")));
        assert!(variable_name_problem("").is_some());
        assert!(variable_name_problem(&"a".repeat(65)).is_some());
        assert_eq!(
            variable_value_problem("https://example.com/a?b=c&d=e,f#g"),
            None
        );
        assert!(variable_value_problem("a b").is_some_and(|p| p.starts_with("A space")));
        assert!(variable_value_problem("").is_some());
    }

    #[test]
    fn invoke_urls() {
        assert_eq!(
            invoke_url("http://127.0.0.1:4000/", "abc123defg", "prod"),
            "http://127.0.0.1:4000/abc123defg/prod/"
        );
    }
}

//! `/apis/{api_id}?tab=resources|authorizers|stages`: an API's header, its tabs and the active
//! tab's panel.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::api_details::{ApiDetails, ApiNotFound, api_crumbs, get_rest_api};
use super::authorizers::AuthorizersTab;
use super::resources::ResourcesTab;
use super::stages::StagesTab;
use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::copy_button::CopyButton;
use crate::components::form::SECONDARY_BUTTON_CLASS;
use crate::components::tabs::{TabLinks, tab_id};

/// The tabs of an API page: (`?tab=` key, label).
pub const TABS: &[(&str, &str)] = &[
    ("resources", "Resources"),
    ("authorizers", "Authorizers"),
    ("stages", "Stages"),
];

pub fn tab_label(key: &str) -> &'static str {
    TABS.iter()
        .find(|(k, _)| *k == key)
        .map(|(_, l)| *l)
        .unwrap_or("Resources")
}

#[component]
pub fn ApiPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let api_id = Memo::new(move |_| params.read().get("api_id").unwrap_or_default());
    let tab = Memo::new(move |_| {
        let wanted = query.read().get("tab");
        TABS.iter()
            .map(|(k, _)| *k)
            .find(|k| Some(*k) == wanted.as_deref())
            .unwrap_or("resources")
    });
    let api = Resource::new(move || api_id.get(), get_rest_api);
    view! {
        <Transition fallback=move || view! {
            <Breadcrumbs crumbs=api_crumbs(vec![(api_id.get_untracked(), None)]) />
            <p class="text-sm text-slate-500">"Loading API…"</p>
        }>
            {move || Suspend::new(async move {
                match api.await {
                    Ok(details) => view! { <ApiView details tab /> }.into_any(),
                    Err(error) => view! { <ApiNotFound error crumb=api_id.get_untracked() /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ApiView(details: ApiDetails, tab: Memo<&'static str>) -> AnyView {
    let base = super::shared::api_href(&details.id);
    let name = details.name.clone();
    let crumbs_base = base.clone();
    let crumbs = move || {
        let crumbs = api_crumbs(vec![
            (name.clone(), Some(crumbs_base.clone())),
            (tab_label(tab.get()).to_string(), None),
        ]);
        view! { <Breadcrumbs crumbs /> }
    };
    let title_name = details.name.clone();
    let panel = details.clone();
    view! {
        <Title text=move || format!("{} · {}", tab_label(tab.get()), title_name) />
        {crumbs}
        <div class="flex flex-wrap items-center gap-x-3 gap-y-1">
            <h1 class="text-2xl font-semibold tracking-tight">{details.name.clone()}</h1>
            <span class="font-mono text-sm text-slate-500 dark:text-slate-400" data-testid="api-id">{details.id.clone()}</span>
            <CopyButton text=details.id.clone() what="API ID" />
            <span class="ml-auto flex gap-2">
                <a href=format!("{base}/import") class=SECONDARY_BUTTON_CLASS>"Import (overwrite / merge)"</a>
                <a href=format!("{base}/export") class=SECONDARY_BUTTON_CLASS>"Export"</a>
            </span>
        </div>
        <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
            {if details.description.is_empty() { "No description".to_string() } else { details.description.clone() }}
            " · Created " {details.created.clone()}
        </p>
        <div class="mt-6">
            <TabLinks tabs=TABS base active=tab label="API sections" />
        </div>
        <div role="tabpanel" id="tab-panel" aria-labelledby=move || tab_id(tab.get()) class="mt-6">
            {move || {
                let api = panel.clone();
                match tab.get() {
                    "authorizers" => view! { <AuthorizersTab api_id=api.id /> }.into_any(),
                    "stages" => view! { <StagesTab api_id=api.id /> }.into_any(),
                    _ => view! { <ResourcesTab api /> }.into_any(),
                }
            }}
        </div>
    }
    .into_any()
}

//! `/user-pools/{pool_id}?tab=...`: a pool's header, its tabs and the active tab's panel.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::app_clients::AppClientsTab;
use super::get_token::GetTokenTab;
use super::groups::GroupsTab;
use super::outbox::OutboxTab;
use super::overview::OverviewTab;
use super::shared::{PoolDetails, describe_user_pool};
use super::signing_keys::SigningKeysTab;
use super::users::UsersTab;
use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::tabs::{TabLinks, tab_id};

/// The tabs of a pool page: (`?tab=` key, label).
pub const TABS: &[(&str, &str)] = &[
    ("overview", "Overview"),
    ("clients", "App clients"),
    ("users", "Users"),
    ("groups", "Groups"),
    ("keys", "Signing keys"),
    ("outbox", "Outbox"),
    ("token", "Get a token"),
];

fn tab_label(key: &str) -> &'static str {
    TABS.iter()
        .find(|(k, _)| *k == key)
        .map(|(_, l)| *l)
        .unwrap_or("Overview")
}

#[component]
pub fn UserPoolPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let pool_id = Memo::new(move |_| params.read().get("pool_id").unwrap_or_default());
    let tab = Memo::new(move |_| {
        let wanted = query.read().get("tab");
        TABS.iter()
            .map(|(k, _)| *k)
            .find(|k| Some(*k) == wanted.as_deref())
            .unwrap_or("overview")
    });
    let pool = Resource::new(move || pool_id.get(), describe_user_pool);

    view! {
        <Transition fallback=move || view! {
            <Breadcrumbs crumbs=vec![
                ("Console".to_string(), Some("/".to_string())),
                ("User pools".to_string(), Some("/user-pools".to_string())),
                (pool_id.get_untracked(), None),
            ] />
            <p class="text-sm text-slate-500">"Loading user pool…"</p>
        }>
            {move || Suspend::new(async move {
                match pool.await {
                    Ok(details) => view! { <PoolView details tab /> }.into_any(),
                    Err(e) => view! {
                        <Title text="User pool not found" />
                        <Breadcrumbs crumbs=vec![
                            ("Console".to_string(), Some("/".to_string())),
                            ("User pools".to_string(), Some("/user-pools".to_string())),
                            (pool_id.get_untracked(), None),
                        ] />
                        <div class="rounded-xl border border-dashed border-slate-300 p-10 text-center dark:border-slate-700">
                            <p role="alert" class="font-medium">{e.to_string()}</p>
                            <a href="/user-pools" class="mt-3 inline-block text-sm text-indigo-600 hover:underline dark:text-indigo-400">"Back to user pools"</a>
                        </div>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn PoolView(details: PoolDetails, tab: Memo<&'static str>) -> AnyView {
    let base = format!("/user-pools/{}", details.id);
    let name = details.name.clone();
    let crumbs_base = base.clone();
    let crumbs = move || {
        let t = tab.get();
        let crumbs: Vec<(String, Option<String>)> = vec![
            ("Console".into(), Some("/".into())),
            ("User pools".into(), Some("/user-pools".into())),
            (name.clone(), Some(crumbs_base.clone())),
            (tab_label(t).into(), None),
        ];
        view! { <Breadcrumbs crumbs /> }
    };
    let title_name = details.name.clone();
    let panel_pool = details.clone();
    view! {
        <Title text=move || format!("{} · {}", tab_label(tab.get()), title_name) />
        {crumbs}
        <div class="flex flex-wrap items-baseline gap-x-3 gap-y-1">
            <h1 class="text-2xl font-semibold tracking-tight">{details.name.clone()}</h1>
            <span class="font-mono text-sm text-slate-500 dark:text-slate-400" data-testid="pool-id">{details.id.clone()}</span>
        </div>
        <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
            {if details.email_is_username { "Users sign in with their email address." } else { "Users sign in with a username." }}
            " Region " {details.region.clone()} "."
        </p>
        <div class="mt-6">
            <TabLinks tabs=TABS base active=tab label="User pool sections" />
        </div>
        <div role="tabpanel" id="tab-panel" aria-labelledby=move || tab_id(tab.get()) class="mt-6">
            {move || {
                let pool = panel_pool.clone();
                match tab.get() {
                    "clients" => view! { <AppClientsTab pool /> }.into_any(),
                    "users" => view! { <UsersTab pool /> }.into_any(),
                    "groups" => view! { <GroupsTab pool /> }.into_any(),
                    "keys" => view! { <SigningKeysTab pool /> }.into_any(),
                    "outbox" => view! { <OutboxTab pool /> }.into_any(),
                    "token" => view! { <GetTokenTab pool /> }.into_any(),
                    _ => view! { <OverviewTab pool /> }.into_any(),
                }
            }}
        </div>
    }
    .into_any()
}

//! `/user-pools`: every pool, newest first, with the way to create one.

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::form::BUTTON_CLASS;
use crate::components::load_error::Loaded;
use crate::components::style::{EMPTY, TH};
use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PoolRow {
    pub id: String,
    pub name: String,
    pub region: String,
    pub created: String,
}

#[server(endpoint = "list_user_pools")]
pub async fn list_user_pools() -> Result<Vec<PoolRow>, AppError> {
    use super::shared::ssr::{fmt_time, identity};
    use crate::auth::ssr::require_admin;
    use identity::wire::ListUserPoolsRequest;
    require_admin().await?;
    let identity = identity();
    let mut pools = Vec::new();
    let mut next_token = None;
    loop {
        let page = identity
            .list_user_pools(ListUserPoolsRequest {
                max_results: 60,
                next_token,
            })
            .await?;
        pools.extend(page.user_pools);
        match page.next_token {
            Some(t) => next_token = Some(t),
            None => break,
        }
    }
    pools.sort_by_key(|p| std::cmp::Reverse(p.creation_date));
    Ok(pools
        .into_iter()
        .map(|p| PoolRow {
            region: p.id.split('_').next().unwrap_or_default().to_string(),
            created: fmt_time(p.creation_date),
            id: p.id,
            name: p.name,
        })
        .collect())
}

#[component]
pub fn UserPoolsPage() -> impl IntoView {
    let pools = Resource::new(|| (), |_| list_user_pools());
    view! {
        <Title text="User pools" />
        <Breadcrumbs crumbs=vec![("Console", Some("/")), ("User pools", None)] />
        <div class="flex flex-wrap items-end justify-between gap-4">
            <div>
                <h1 class="text-2xl font-semibold tracking-tight">"User pools"</h1>
                <p class="mt-1 text-slate-600 dark:text-slate-400">
                    "Directories of your users: they sign up or are invited, sign in through an app client and get JWTs your APIs can check."
                </p>
            </div>
            <a href="/user-pools/new" class=BUTTON_CLASS>"Create user pool"</a>
        </div>
        <section aria-label="User pools" class="mt-6">
            <Loaded loading="Loading user pools…">
                {move || Suspend::new(async move {
                    Ok::<_, AppError>(match pools.await? {
                        rows if rows.is_empty() => view! {
                            <div class=EMPTY data-testid="user-pools-empty">
                                <p class="font-medium text-slate-700 dark:text-slate-200">"No user pools yet"</p>
                                <p class="mt-1">"Create one to sign users in and issue tokens for your APIs' authorizers."</p>
                                <a href="/user-pools/new" class=format!("{BUTTON_CLASS} mt-4")>"Create your first user pool"</a>
                            </div>
                        }.into_any(),
                        rows => view! { <PoolTable rows /> }.into_any(),
                    })
                })}
            </Loaded>
        </section>
    }
}

#[component]
fn PoolTable(rows: Vec<PoolRow>) -> impl IntoView {
    view! {
        <div class="overflow-x-auto rounded-xl border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
            <table class="w-full text-left text-sm" data-testid="user-pools-table">
                <thead class="border-b border-slate-200 bg-slate-50 text-xs uppercase text-slate-500 dark:border-slate-800 dark:bg-slate-900 dark:text-slate-400">
                    <tr>
                        <th scope="col" class=format!("{TH} pl-4")>"Name"</th>
                        <th scope="col" class=TH>"Pool ID"</th>
                        <th scope="col" class=TH>"Region"</th>
                        <th scope="col" class=TH>"Created"</th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-slate-100 dark:divide-slate-800">
                    {rows.into_iter().map(|r| view! {
                        <tr class="hover:bg-slate-50 dark:hover:bg-slate-800/50">
                            <td class="py-3 pl-4 pr-3 font-medium">
                                <a class="text-indigo-600 hover:underline dark:text-indigo-400" href=format!("/user-pools/{}", r.id)>{r.name}</a>
                            </td>
                            <td class="py-3 pr-3 font-mono text-xs">{r.id}</td>
                            <td class="py-3 pr-3 text-slate-600 dark:text-slate-300">{r.region}</td>
                            <td class="py-3 pr-3 text-slate-500 dark:text-slate-400">{r.created}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

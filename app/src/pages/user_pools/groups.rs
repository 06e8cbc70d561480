//! The Groups tab: the pool's groups and creating one. Members' tokens carry their groups in
//! `cognito:groups`.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::shared::PoolDetails;
use crate::components::form::{BUTTON_CLASS, Field, FormError};
use crate::components::load_error::Loaded;
use crate::components::style::{CARD, EMPTY, MUTED, TH};
use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupRow {
    pub name: String,
    pub description: String,
    pub precedence: Option<i32>,
    pub created: String,
}

#[server(endpoint = "list_pool_groups")]
pub async fn list_pool_groups(pool_id: String) -> Result<Vec<GroupRow>, AppError> {
    use super::shared::ssr::{fmt_time, identity};
    use crate::auth::ssr::require_admin;
    use identity::wire::ListGroupsRequest;
    require_admin().await?;
    let identity = identity();
    let mut rows = Vec::new();
    let mut next_token = None;
    loop {
        let page = identity
            .list_groups(ListGroupsRequest {
                user_pool_id: pool_id.clone(),
                limit: Some(60),
                next_token,
            })
            .await?;
        rows.extend(page.groups.into_iter().map(|g| GroupRow {
            name: g.group_name,
            description: g.description.unwrap_or_default(),
            precedence: g.precedence,
            created: fmt_time(g.creation_date),
        }));
        match page.next_token {
            Some(t) => next_token = Some(t),
            None => break,
        }
    }
    Ok(rows)
}

#[server(endpoint = "create_pool_group")]
pub async fn create_pool_group(
    pool_id: String,
    group_name: String,
    description: Option<String>,
    precedence: Option<String>,
) -> Result<String, AppError> {
    use super::shared::ssr::{identity, invalid, on_field, parse_number};
    use crate::auth::ssr::require_admin;
    use identity::wire::CreateGroupRequest;
    let me = require_admin().await?;
    let name = group_name.trim();
    if name.is_empty() {
        return Err(invalid("group_name", "Enter a group name."));
    }
    if name.chars().count() > 128 {
        return Err(invalid(
            "group_name",
            "Group names are at most 128 characters.",
        ));
    }
    if name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid("group_name", "Group names cannot contain spaces."));
    }
    let description = description
        .map(|d| d.trim().to_string())
        .filter(|d| !d.is_empty());
    if description
        .as_deref()
        .is_some_and(|d| d.chars().count() > 2048)
    {
        return Err(invalid(
            "description",
            "Descriptions are at most 2048 characters.",
        ));
    }
    let precedence = match precedence
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        Some(p) => Some(parse_number(
            "precedence",
            p,
            0..=i64::from(i32::MAX),
            "Precedence",
        )?),
        None => None,
    };
    let created = identity()
        .create_group(CreateGroupRequest {
            group_name: name.to_string(),
            user_pool_id: pool_id.clone(),
            description,
            role_arn: None,
            precedence: precedence.and_then(|p| i32::try_from(p).ok()),
        })
        .await
        .map_err(|e| {
            if e.message.contains("groupName") {
                on_field(e, "group_name")
            } else {
                e.into()
            }
        })?
        .group;
    tracing::info!(pool.id = %pool_id, group = %created.group_name, by = %me.username, "group created in the console");
    Ok(created.group_name)
}

#[component]
pub fn GroupsTab(pool: PoolDetails) -> AnyView {
    let create = ServerAction::<CreatePoolGroup>::new();
    let pool_id = pool.id.clone();
    let groups = Resource::new(
        move || (pool_id.clone(), create.version().get()),
        |(id, _)| list_pool_groups(id),
    );
    let error = Signal::derive(move || create.value().get().and_then(|r| r.err()));
    let pending = create.pending();
    let form_ref = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get()
            && let Some(form) = form_ref.get()
        {
            form.reset();
        }
    });
    view! {
        <div class="grid items-start gap-6 xl:grid-cols-[1fr_24rem]">
            <section class=CARD aria-labelledby="groups-heading">
                <h2 id="groups-heading" class="font-semibold">"Groups"</h2>
                <p class=format!("mt-1 {MUTED}")>
                    "A user's groups appear in the " <code>"cognito:groups"</code> " claim of their ID and access tokens (lowest precedence first). Add users to groups on the Users tab."
                </p>
                <Loaded loading="Loading groups…" loading_class="mt-3 text-sm text-slate-500">
                    {move || Suspend::new(async move {
                        Ok::<_, AppError>(match groups.await? {
                            rows if rows.is_empty() => view! {
                                <div class=EMPTY data-testid="groups-empty">
                                    <p class="font-medium text-slate-700 dark:text-slate-200">"No groups yet"</p>
                                    <p class="mt-1">"Groups let an API tell admins from everyone else."</p>
                                </div>
                            }.into_any(),
                            rows => view! {
                                <div class="mt-3 overflow-x-auto">
                                    <table class="w-full text-left text-sm" data-testid="groups-table">
                                        <thead class="text-xs uppercase text-slate-500 dark:text-slate-400">
                                            <tr>
                                                <th scope="col" class=TH>"Name"</th>
                                                <th scope="col" class=TH>"Description"</th>
                                                <th scope="col" class=TH>"Precedence"</th>
                                                <th scope="col" class=TH>"Created"</th>
                                            </tr>
                                        </thead>
                                        <tbody class="divide-y divide-slate-100 dark:divide-slate-800">
                                            {rows.into_iter().map(|g| view! {
                                                <tr>
                                                    <td class="py-2 pr-3 font-medium">{g.name}</td>
                                                    <td class="py-2 pr-3">{g.description}</td>
                                                    <td class="py-2 pr-3 text-slate-500 dark:text-slate-400">{g.precedence.map(|p| p.to_string()).unwrap_or_else(|| "—".into())}</td>
                                                    <td class="py-2 pr-3 text-slate-500 dark:text-slate-400">{g.created}</td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            }.into_any(),
                        })
                    })}
                </Loaded>
            </section>
            <section class=CARD aria-labelledby="new-group-heading">
                <h2 id="new-group-heading" class="font-semibold">"Create a group"</h2>
                {move || create.value().get().and_then(|r| r.ok()).map(|name| view! {
                    <div role="status" data-testid="form-success" class="mt-4 rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-800 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-200">
                        {format!("Group “{name}” created.")}
                    </div>
                })}
                <ActionForm action=create node_ref=form_ref attr:class="mt-4 space-y-4" attr:novalidate=true>
                    <FormError error />
                    <input type="hidden" name="pool_id" value=pool.id.clone() />
                    <Field label="Group name" name="group_name" autocomplete="off" required=true help="e.g. admins" error />
                    <Field label="Description" name="description" autocomplete="off" error />
                    <Field label="Precedence" name="precedence" kind="number" min="0" help="Optional. Lower numbers come first in cognito:groups." error />
                    <button type="submit" class=BUTTON_CLASS disabled=move || pending.get()>
                        {move || if pending.get() { "Creating…" } else { "Create group" }}
                    </button>
                </ActionForm>
            </section>
        </div>
    }
    .into_any()
}

//! The Users tab: search (ListUsers filters), create a user (AdminCreateUser), and per user:
//! attributes, confirm, disable/enable, set a password, groups, delete.

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::shared::PoolDetails;
use crate::components::form::{
    BUTTON_CLASS, Checkbox, Field, FormError, INPUT_CLASS, SECONDARY_BUTTON_CLASS,
};
use crate::components::load_error::Loaded;
use crate::components::style::{CARD, EMPTY, LINK, LINK_DANGER, MUTED, TH};
use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserRow {
    pub username: String,
    pub email: Option<String>,
    pub status: String,
    pub enabled: bool,
    pub created: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserDetail {
    pub username: String,
    pub status: String,
    pub enabled: bool,
    pub created: String,
    pub last_modified: String,
    pub attributes: Vec<(String, String)>,
    pub groups: Vec<String>,
    /// Every group of the pool (for "add to group").
    pub all_groups: Vec<String>,
    /// The user's MFA, in words; `None` without any.
    pub mfa: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreatedUser {
    /// What the user signs in with (the email in email-as-username pools).
    pub sign_in_name: String,
    pub status: String,
    /// The generated temporary password (when none was given).
    pub temporary_password: Option<String>,
}

/// `"a \"b\""` for a ListUsers filter value.
#[cfg(feature = "ssr")]
fn quote(value: &str) -> String {
    let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{escaped}\"")
}

#[server(endpoint = "list_pool_users")]
pub async fn list_pool_users(pool_id: String, search: String) -> Result<Vec<UserRow>, AppError> {
    use super::shared::ssr::{fmt_time, identity};
    use crate::auth::ssr::require_admin;
    use identity::wire::ListUsersRequest;
    require_admin().await?;
    let identity = identity();
    let search = search.trim();
    let filters = if search.is_empty() {
        vec![None]
    } else {
        vec![
            Some(format!("username ^= {}", quote(search))),
            Some(format!("email ^= {}", quote(search))),
        ]
    };
    let mut users = BTreeMap::new();
    for filter in filters {
        let mut token = None;
        // At most 20 pages (1,200 users) per query: the console is not a bulk export.
        for _ in 0..20 {
            let page = identity
                .list_users(ListUsersRequest {
                    user_pool_id: pool_id.clone(),
                    limit: Some(60),
                    pagination_token: token,
                    filter: filter.clone(),
                    ..Default::default()
                })
                .await?;
            for u in page.users {
                let email = u
                    .attributes
                    .iter()
                    .find(|a| a.name == "email")
                    .and_then(|a| a.value.clone());
                users.insert(
                    u.username.clone(),
                    UserRow {
                        username: u.username,
                        email,
                        status: u.user_status,
                        enabled: u.enabled,
                        created: fmt_time(u.user_create_date),
                    },
                );
            }
            match page.pagination_token {
                Some(t) => token = Some(t),
                None => break,
            }
        }
    }
    Ok(users.into_values().collect())
}

#[server(endpoint = "create_pool_user")]
pub async fn create_pool_user(
    pool_id: String,
    username: String,
    email: Option<String>,
    email_verified: Option<String>,
    #[server(default)] custom: BTreeMap<String, String>,
    temporary_password: Option<String>,
) -> Result<CreatedUser, AppError> {
    use super::shared::ssr::{describe, identity, invalid, on_field};
    use crate::auth::ssr::require_admin;
    use identity::ErrorKind;
    use identity::wire::{AdminCreateUserRequest, AttributeType};
    let me = require_admin().await?;
    let pool = describe(&pool_id).await?;
    let username = username.trim().to_string();
    if username.is_empty() {
        let what = if pool.email_is_username {
            "an email address"
        } else {
            "a username"
        };
        return Err(invalid("username", format!("Enter {what}.")));
    }
    if username.chars().any(char::is_whitespace) {
        return Err(invalid("username", "Usernames cannot contain spaces."));
    }
    let email = if pool.email_is_username {
        if !username.contains('@') {
            return Err(invalid(
                "username",
                "Enter an email address: it is this pool's sign-in name.",
            ));
        }
        Some(username.clone())
    } else {
        email
            .map(|e| e.trim().to_string())
            .filter(|e| !e.is_empty())
    };
    let mut attributes = Vec::new();
    if let Some(email) = &email {
        if !pool.email_is_username {
            attributes.push(AttributeType::new("email", email));
        }
        attributes.push(AttributeType::new(
            "email_verified",
            if email_verified.is_some() {
                "true"
            } else {
                "false"
            },
        ));
    }
    for (name, value) in &custom {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let Some(def) = pool.custom_attributes.iter().find(|a| &a.name == name) else {
            return Err(
                AppError::form(format!("The pool has no attribute custom:{name}.")).with_status(),
            );
        };
        if def.data_type == "Number" && value.parse::<f64>().is_err() {
            return Err(invalid(
                &format!("custom[{name}]"),
                format!("custom:{name} is a Number: enter digits."),
            ));
        }
        attributes.push(AttributeType::new(format!("custom:{name}"), value));
    }
    let temporary_password = temporary_password.filter(|p| !p.is_empty());
    let generated = temporary_password.is_none();
    let identity = identity();
    let created = identity
        .admin_create_user(AdminCreateUserRequest {
            user_pool_id: pool.id.clone(),
            username: username.clone(),
            user_attributes: Some(attributes),
            temporary_password,
            ..Default::default()
        })
        .await
        .map_err(|e| {
            let email_field = if pool.email_is_username {
                "username"
            } else {
                "email"
            };
            match e.kind {
                ErrorKind::InvalidPassword => on_field(e, "temporary_password"),
                ErrorKind::InvalidParameter if e.message.contains("email") => {
                    on_field(e, email_field)
                }
                ErrorKind::InvalidParameter if e.message.contains("sername") => {
                    on_field(e, "username")
                }
                ErrorKind::InvalidParameter => match pool
                    .custom_attributes
                    .iter()
                    .find(|a| e.message.contains(&format!("custom:{}", a.name)))
                {
                    Some(a) => on_field(e, &format!("custom[{}]", a.name)),
                    None => e.into(),
                },
                _ => e.into(),
            }
        })?
        .user;
    // A generated temporary password is delivered through the outbox; show it here too.
    let temporary_password = if generated {
        identity
            .list_outbox(&pool.id, 20)
            .await?
            .into_iter()
            .find(|m| {
                m.username == created.username
                    && m.purpose == identity::OutboxPurpose::AdminCreateUser
            })
            .map(|m| m.code)
    } else {
        None
    };
    tracing::info!(pool.id = %pool.id, by = %me.username, "pool user created in the console");
    Ok(CreatedUser {
        sign_in_name: if pool.email_is_username {
            username
        } else {
            created.username
        },
        status: created.user_status,
        temporary_password,
    })
}

#[server(endpoint = "get_pool_user")]
pub async fn get_pool_user(pool_id: String, username: String) -> Result<UserDetail, AppError> {
    use super::shared::ssr::{fmt_time, identity};
    use crate::auth::ssr::require_admin;
    use identity::wire::{AdminListGroupsForUserRequest, AdminUserRequest, ListGroupsRequest};
    require_admin().await?;
    let identity = identity();
    let user = identity
        .admin_get_user(AdminUserRequest {
            user_pool_id: pool_id.clone(),
            username: username.clone(),
            ..Default::default()
        })
        .await?;
    let groups = identity
        .admin_list_groups_for_user(AdminListGroupsForUserRequest {
            username: user.username.clone(),
            user_pool_id: pool_id.clone(),
            limit: Some(60),
            next_token: None,
        })
        .await?
        .groups
        .into_iter()
        .map(|g| g.group_name)
        .collect();
    let all_groups = identity
        .list_groups(ListGroupsRequest {
            user_pool_id: pool_id.clone(),
            limit: Some(60),
            next_token: None,
        })
        .await?
        .groups
        .into_iter()
        .map(|g| g.group_name)
        .collect();
    Ok(UserDetail {
        attributes: user
            .user_attributes
            .into_iter()
            .map(|a| (a.name, a.value.unwrap_or_default()))
            .collect(),
        username: user.username,
        status: user.user_status,
        enabled: user.enabled,
        created: fmt_time(user.user_create_date),
        last_modified: fmt_time(user.user_last_modified_date),
        groups,
        all_groups,
        mfa: user.user_mfa_setting_list.is_some().then(|| {
            if user.preferred_mfa_setting.is_some() {
                "Authenticator app (TOTP), preferred".to_string()
            } else {
                "Authenticator app (TOTP)".to_string()
            }
        }),
    })
}

#[server(endpoint = "reset_pool_user_mfa")]
pub async fn reset_pool_user_mfa(pool_id: String, username: String) -> Result<(), AppError> {
    use crate::auth::ssr::require_admin;
    let me = require_admin().await?;
    super::shared::ssr::identity()
        .admin_reset_user_mfa(&pool_id, &username)
        .await
        .map_err(super::shared::ssr::on_form)?;
    tracing::info!(pool.id = %pool_id, by = %me.username, "pool user MFA reset in the console");
    Ok(())
}

#[cfg(feature = "ssr")]
fn user_request(pool_id: &str, username: &str) -> identity::wire::AdminUserRequest {
    identity::wire::AdminUserRequest {
        user_pool_id: pool_id.to_string(),
        username: username.to_string(),
        ..Default::default()
    }
}

#[server(endpoint = "confirm_pool_user")]
pub async fn confirm_pool_user(pool_id: String, username: String) -> Result<(), AppError> {
    use crate::auth::ssr::require_admin;
    let me = require_admin().await?;
    super::shared::ssr::identity()
        .admin_confirm_sign_up(user_request(&pool_id, &username))
        .await
        .map_err(super::shared::ssr::on_form)?;
    tracing::info!(pool.id = %pool_id, by = %me.username, "pool user confirmed in the console");
    Ok(())
}

#[server(endpoint = "set_pool_user_enabled")]
pub async fn set_pool_user_enabled(
    pool_id: String,
    username: String,
    enabled: bool,
) -> Result<(), AppError> {
    use crate::auth::ssr::require_admin;
    let me = require_admin().await?;
    let identity = super::shared::ssr::identity();
    let req = user_request(&pool_id, &username);
    if enabled {
        identity.admin_enable_user(req).await
    } else {
        identity.admin_disable_user(req).await
    }
    .map_err(super::shared::ssr::on_form)?;
    tracing::info!(pool.id = %pool_id, enabled, by = %me.username, "pool user enabled flag changed in the console");
    Ok(())
}

#[server(endpoint = "set_pool_user_password")]
pub async fn set_pool_user_password(
    pool_id: String,
    username: String,
    password: String,
    permanent: Option<String>,
) -> Result<(), AppError> {
    use super::shared::ssr::{invalid, on_field};
    use crate::auth::ssr::require_admin;
    use identity::wire::AdminSetUserPasswordRequest;
    let me = require_admin().await?;
    if password.is_empty() {
        return Err(invalid("password", "Enter a password."));
    }
    super::shared::ssr::identity()
        .admin_set_user_password(AdminSetUserPasswordRequest {
            user_pool_id: pool_id.clone(),
            username,
            password,
            permanent: Some(permanent.is_some()),
        })
        .await
        .map_err(|e| match e.kind {
            identity::ErrorKind::InvalidPassword => on_field(e, "password"),
            _ => e.into(),
        })?;
    tracing::info!(pool.id = %pool_id, by = %me.username, "pool user password set in the console");
    Ok(())
}

#[server(endpoint = "delete_pool_user")]
pub async fn delete_pool_user(pool_id: String, username: String) -> Result<(), AppError> {
    use crate::auth::ssr::require_admin;
    let me = require_admin().await?;
    super::shared::ssr::identity()
        .admin_delete_user(user_request(&pool_id, &username))
        .await
        .map_err(super::shared::ssr::on_form)?;
    tracing::info!(pool.id = %pool_id, by = %me.username, "pool user deleted in the console");
    Ok(())
}

#[server(endpoint = "add_user_to_group")]
pub async fn add_user_to_group(
    pool_id: String,
    username: String,
    group_name: String,
) -> Result<(), AppError> {
    use super::shared::ssr::invalid;
    use crate::auth::ssr::require_admin;
    use identity::wire::AdminGroupMembershipRequest;
    require_admin().await?;
    if group_name.is_empty() {
        return Err(invalid("group_name", "Choose a group."));
    }
    super::shared::ssr::identity()
        .admin_add_user_to_group(AdminGroupMembershipRequest {
            user_pool_id: pool_id,
            username,
            group_name,
        })
        .await
        .map_err(super::shared::ssr::on_form)?;
    Ok(())
}

#[server(endpoint = "remove_user_from_group")]
pub async fn remove_user_from_group(
    pool_id: String,
    username: String,
    group_name: String,
) -> Result<(), AppError> {
    use crate::auth::ssr::require_admin;
    use identity::wire::AdminGroupMembershipRequest;
    require_admin().await?;
    super::shared::ssr::identity()
        .admin_remove_user_from_group(AdminGroupMembershipRequest {
            user_pool_id: pool_id,
            username,
            group_name,
        })
        .await
        .map_err(super::shared::ssr::on_form)?;
    Ok(())
}

/// The actions of the tab, shared by the list and the open user's panel.
#[derive(Clone, Copy)]
struct UserActions {
    create: ServerAction<CreatePoolUser>,
    confirm: ServerAction<ConfirmPoolUser>,
    enable: ServerAction<SetPoolUserEnabled>,
    password: ServerAction<SetPoolUserPassword>,
    delete: ServerAction<DeletePoolUser>,
    add_group: ServerAction<AddUserToGroup>,
    remove_group: ServerAction<RemoveUserFromGroup>,
    reset_mfa: ServerAction<ResetPoolUserMfa>,
}

impl UserActions {
    /// Changes whenever any action completes (resources key on it).
    fn versions(&self) -> [usize; 8] {
        [
            self.create.version().get(),
            self.confirm.version().get(),
            self.enable.version().get(),
            self.password.version().get(),
            self.delete.version().get(),
            self.add_group.version().get(),
            self.remove_group.version().get(),
            self.reset_mfa.version().get(),
        ]
    }
}

fn status_badge(status: &str) -> &'static str {
    match status {
        "CONFIRMED" => {
            "rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300"
        }
        "UNCONFIRMED" => {
            "rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-800 dark:bg-amber-950 dark:text-amber-300"
        }
        "FORCE_CHANGE_PASSWORD" => {
            "rounded-full bg-sky-100 px-2 py-0.5 text-xs font-medium text-sky-800 dark:bg-sky-950 dark:text-sky-300"
        }
        _ => {
            "rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-700 dark:bg-slate-800 dark:text-slate-300"
        }
    }
}

#[component]
pub fn UsersTab(pool: PoolDetails) -> AnyView {
    let actions = UserActions {
        create: ServerAction::new(),
        confirm: ServerAction::new(),
        enable: ServerAction::new(),
        password: ServerAction::new(),
        delete: ServerAction::new(),
        add_group: ServerAction::new(),
        remove_group: ServerAction::new(),
        reset_mfa: ServerAction::new(),
    };
    let search = RwSignal::new(String::new());
    let draft = RwSignal::new(String::new());
    let open = RwSignal::new(None::<String>);
    let pool_id = pool.id.clone();
    let users = Resource::new(
        move || (pool_id.clone(), search.get(), actions.versions()),
        |(id, q, _)| list_pool_users(id, q),
    );
    Effect::new(move |_| {
        if let Some(Ok(())) = actions.delete.value().get() {
            open.set(None);
        }
    });
    let confirm_error = Signal::derive(move || actions.confirm.value().get().and_then(|r| r.err()));
    let pool_id = StoredValue::new(pool.id.clone());
    let sign_in_label = if pool.email_is_username {
        "Email address"
    } else {
        "Username"
    };

    view! {
        <div class="grid items-start gap-6 2xl:grid-cols-[1fr_24rem]">
            <section class=CARD aria-labelledby="users-heading">
                <h2 id="users-heading" class="font-semibold">"Users"</h2>
                <form
                    role="search"
                    class="mt-3 flex flex-wrap items-end gap-2"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        search.set(draft.get_untracked());
                    }
                >
                    <div class="min-w-48 flex-1">
                        <label for="user-search" class="sr-only">"Search users"</label>
                        <input
                            id="user-search"
                            type="search"
                            placeholder="Username or email starts with…"
                            class=INPUT_CLASS
                            prop:value=move || draft.get()
                            on:input=move |ev| draft.set(event_target_value(&ev))
                        />
                    </div>
                    <button type="submit" class=SECONDARY_BUTTON_CLASS>"Search"</button>
                    <Show when=move || !search.get().is_empty()>
                        <button type="button" class=SECONDARY_BUTTON_CLASS on:click=move |_| { draft.set(String::new()); search.set(String::new()); }>"Clear"</button>
                    </Show>
                </form>
                <div class="mt-3"><FormError error=confirm_error /></div>
                <Loaded loading="Loading users…" loading_class="mt-3 text-sm text-slate-500">
                    {move || Suspend::new(async move {
                        Ok::<_, AppError>(match users.await? {
                            rows if rows.is_empty() && !search.get_untracked().is_empty() => view! {
                                <div class=EMPTY data-testid="users-empty">
                                    {format!("No user's username or email starts with “{}”.", search.get_untracked())}
                                </div>
                            }.into_any(),
                            rows if rows.is_empty() => view! {
                                <div class=EMPTY data-testid="users-empty">
                                    <p class="font-medium text-slate-700 dark:text-slate-200">"No users yet"</p>
                                    <p class="mt-1">"Create one here, or let people sign up through an app client (SignUp)."</p>
                                </div>
                            }.into_any(),
                            rows => view! {
                                <div class="mt-3 overflow-x-auto">
                                    <table class="w-full text-left text-sm" data-testid="users-table">
                                        <thead class="text-xs uppercase text-slate-500 dark:text-slate-400">
                                            <tr>
                                                <th scope="col" class=TH>{sign_in_label}</th>
                                                <th scope="col" class=TH>"Status"</th>
                                                <th scope="col" class=TH>"Created"</th>
                                                <th scope="col" class="py-2 text-right"><span class="sr-only">"Actions"</span></th>
                                            </tr>
                                        </thead>
                                        <tbody class="divide-y divide-slate-100 dark:divide-slate-800">
                                            {rows.into_iter().map(|u| view! { <UserListRow pool_id=pool_id.get_value() user=u actions open /> }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            }.into_any(),
                        })
                    })}
                </Loaded>
            </section>
            <CreateUserCard pool action=actions.create />
        </div>
    }
    .into_any()
}

#[component]
fn UserListRow(
    pool_id: String,
    user: UserRow,
    actions: UserActions,
    open: RwSignal<Option<String>>,
) -> AnyView {
    let username = user.username.clone();
    let key = username.clone();
    let is_open = Memo::new(move |_| open.get().as_deref() == Some(key.as_str()));
    let toggle_name = username.clone();
    let toggle = move |_| {
        let name = toggle_name.clone();
        open.update(|o| {
            *o = if o.as_deref() == Some(name.as_str()) {
                None
            } else {
                Some(name)
            }
        });
    };
    let confirm_ids = (pool_id.clone(), username.clone());
    let unconfirmed = user.status == "UNCONFIRMED";
    let display = match &user.email {
        Some(email) if email != &user.username => view! {
            <span class="block font-medium">{user.username.clone()}</span>
            <span class="block text-xs text-slate-500 dark:text-slate-400">{email.clone()}</span>
        }
        .into_any(),
        _ => view! { <span class="block font-medium">{user.username.clone()}</span> }.into_any(),
    };
    let panel_pool = pool_id.clone();
    let panel_user = username.clone();
    view! {
        <tr data-testid="user-row">
            <td class="py-2 pr-3">{display}</td>
            <td class="py-2 pr-3">
                <span class="inline-flex flex-wrap items-center gap-1">
                    <span class=status_badge(&user.status) data-testid="user-status">{user.status.clone()}</span>
                    {(!user.enabled).then(|| view! {
                        <span class="rounded-full bg-red-100 px-2 py-0.5 text-xs font-medium text-red-800 dark:bg-red-950 dark:text-red-300">"Disabled"</span>
                    })}
                </span>
            </td>
            <td class="py-2 pr-3 whitespace-nowrap text-slate-500 dark:text-slate-400">{user.created.clone()}</td>
            <td class="py-2 text-right whitespace-nowrap">
                {unconfirmed.then(|| view! {
                    <button type="button" class=format!("{LINK} mr-3")
                        on:click=move |_| {
                            let (pool_id, username) = confirm_ids.clone();
                            actions.confirm.dispatch(ConfirmPoolUser { pool_id, username });
                        }>
                        "Confirm"
                    </button>
                })}
                <button type="button" class=LINK aria-expanded=move || is_open.get().to_string() on:click=toggle>
                    {move || if is_open.get() { "Close" } else { "Manage" }}
                </button>
            </td>
        </tr>
        <Show when=move || is_open.get()>
            <tr>
                <td colspan="4" class="bg-slate-50 p-4 dark:bg-slate-950">
                    <UserPanel pool_id=panel_pool.clone() username=panel_user.clone() actions />
                </td>
            </tr>
        </Show>
    }
    .into_any()
}

#[component]
fn UserPanel(pool_id: String, username: String, actions: UserActions) -> AnyView {
    let ids = StoredValue::new((pool_id.clone(), username.clone()));
    let detail = Resource::new(
        move || (ids.get_value(), actions.versions()),
        |((pool_id, username), _)| get_pool_user(pool_id, username),
    );
    let errors = Signal::derive(move || {
        actions
            .enable
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| actions.delete.value().get().and_then(|r| r.err()))
            .or_else(|| actions.remove_group.value().get().and_then(|r| r.err()))
            .or_else(|| actions.reset_mfa.value().get().and_then(|r| r.err()))
    });
    view! {
        <div class="space-y-4" data-testid="user-panel" role="group" aria-label=format!("User {username}")>
            <FormError error=errors />
            <Loaded loading="Loading user…">
                {move || Suspend::new(async move {
                    let d = detail.await?;
                    Ok::<_, AppError>(view! { <UserPanelBody detail=d ids actions /> }.into_any())
                })}
            </Loaded>
        </div>
    }
    .into_any()
}

#[component]
fn UserPanelBody(
    detail: UserDetail,
    ids: StoredValue<(String, String)>,
    actions: UserActions,
) -> AnyView {
    let enabled = detail.enabled;
    let confirming_delete = RwSignal::new(false);
    let addable: Vec<String> = detail
        .all_groups
        .iter()
        .filter(|g| !detail.groups.contains(g))
        .cloned()
        .collect();
    let has_addable = !addable.is_empty();
    let no_groups_at_all = detail.all_groups.is_empty();
    view! {
        <div class="grid gap-4 lg:grid-cols-2">
            <div>
                <h3 class="text-sm font-semibold">"Attributes"</h3>
                <dl class="mt-2 grid grid-cols-[max-content_1fr] gap-x-3 gap-y-1 text-sm" data-testid="user-attributes">
                    {detail.attributes.iter().map(|(k, v)| view! {
                        <dt class="font-mono text-xs leading-5 text-slate-500 dark:text-slate-400">{k.clone()}</dt>
                        <dd class="break-all">{v.clone()}</dd>
                    }).collect_view()}
                </dl>
                <p class="mt-2 text-xs text-slate-500 dark:text-slate-400">
                    {format!("Created {} · modified {}", detail.created, detail.last_modified)}
                </p>
                <h3 class="mt-4 text-sm font-semibold">"MFA"</h3>
                <div class="mt-1 flex flex-wrap items-center gap-3 text-sm" data-testid="user-mfa">
                    {match detail.mfa.clone() {
                        Some(mfa) => view! {
                            <span>{mfa}</span>
                            <button type="button" class=SECONDARY_BUTTON_CLASS
                                on:click=move |_| {
                                    let (pool_id, username) = ids.get_value();
                                    actions.reset_mfa.dispatch(ResetPoolUserMfa { pool_id, username });
                                }>
                                "Reset MFA"
                            </button>
                        }.into_any(),
                        None => view! { <span class=MUTED>"None set up."</span> }.into_any(),
                    }}
                </div>
            </div>
            <div class="space-y-4">
                <div>
                    <h3 class="text-sm font-semibold">"Groups"</h3>
                    {if detail.groups.is_empty() {
                        view! { <p class=format!("mt-1 {MUTED}")>"In no group."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="mt-2 flex flex-wrap gap-2" data-testid="user-groups">
                                {detail.groups.iter().map(|g| {
                                    let group = g.clone();
                                    view! {
                                        <li class="inline-flex items-center gap-1 rounded-full bg-indigo-50 py-0.5 pl-2.5 pr-1 text-xs font-medium text-indigo-800 dark:bg-indigo-950 dark:text-indigo-200">
                                            {g.clone()}
                                            <button type="button" class="rounded-full px-1.5 hover:bg-indigo-100 dark:hover:bg-indigo-900"
                                                aria-label=format!("Remove from {g}")
                                                on:click=move |_| {
                                                    let (pool_id, username) = ids.get_value();
                                                    actions.remove_group.dispatch(RemoveUserFromGroup { pool_id, username, group_name: group.clone() });
                                                }>
                                                "×"
                                            </button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                    {if has_addable {
                        let add_error = Signal::derive(move || actions.add_group.value().get().and_then(|r| r.err()));
                        view! {
                            <ActionForm action=actions.add_group attr:class="mt-2 flex items-end gap-2">
                                <input type="hidden" name="pool_id" value=ids.get_value().0 />
                                <input type="hidden" name="username" value=ids.get_value().1 />
                                <div>
                                    <label for="add-to-group" class="sr-only">"Group"</label>
                                    <select id="add-to-group" name="group_name" class=INPUT_CLASS>
                                        {addable.into_iter().map(|g| view! { <option value=g.clone()>{g.clone()}</option> }).collect_view()}
                                    </select>
                                </div>
                                <button type="submit" class=SECONDARY_BUTTON_CLASS>"Add to group"</button>
                            </ActionForm>
                            <FormError error=add_error />
                        }.into_any()
                    } else if no_groups_at_all {
                        view! { <p class="mt-1 text-xs text-slate-500 dark:text-slate-400">"The pool has no groups yet (Groups tab)."</p> }.into_any()
                    } else {
                        view! { <span></span> }.into_any()
                    }}
                </div>
                <div class="flex flex-wrap items-center gap-2">
                    <button type="button" class=SECONDARY_BUTTON_CLASS
                        on:click=move |_| {
                            let (pool_id, username) = ids.get_value();
                            actions.enable.dispatch(SetPoolUserEnabled { pool_id, username, enabled: !enabled });
                        }>
                        {if enabled { "Disable user" } else { "Enable user" }}
                    </button>
                    <Show
                        when=move || confirming_delete.get()
                        fallback=move || view! {
                            <button type="button" class=LINK_DANGER on:click=move |_| confirming_delete.set(true)>"Delete user"</button>
                        }
                    >
                        <span class="inline-flex items-center gap-2">
                            <span class="text-xs">"Delete this user and their tokens?"</span>
                            <button type="button" class="rounded bg-red-600 px-2 py-1 text-xs font-medium text-white hover:bg-red-500"
                                on:click=move |_| {
                                    let (pool_id, username) = ids.get_value();
                                    actions.delete.dispatch(DeletePoolUser { pool_id, username });
                                    confirming_delete.set(false);
                                }>
                                "Confirm delete"
                            </button>
                            <button type="button" class="text-xs hover:underline" on:click=move |_| confirming_delete.set(false)>"Cancel"</button>
                        </span>
                    </Show>
                </div>
                <SetPasswordForm ids action=actions.password />
            </div>
        </div>
    }
    .into_any()
}

#[component]
fn SetPasswordForm(
    ids: StoredValue<(String, String)>,
    action: ServerAction<SetPoolUserPassword>,
) -> AnyView {
    let error = Signal::derive(move || action.value().get().and_then(|r| r.err()));
    let done = move || matches!(action.value().get(), Some(Ok(())));
    let pending = action.pending();
    view! {
        <ActionForm action attr:class="space-y-3 rounded-lg border border-slate-200 p-3 dark:border-slate-700" attr:novalidate=true>
            <h3 class="text-sm font-semibold">"Set a password"</h3>
            <FormError error />
            <Show when=done>
                <p role="status" class="text-sm text-emerald-700 dark:text-emerald-300">"Password set."</p>
            </Show>
            <input type="hidden" name="pool_id" value=ids.get_value().0 />
            <input type="hidden" name="username" value=ids.get_value().1 />
            <Field label="New password" name="password" kind="password" autocomplete="new-password" error />
            <Checkbox label="Permanent" name="permanent" checked=true
                help="Permanent: the user is CONFIRMED and signs in with it. Otherwise it is temporary and must be changed at the next sign-in (FORCE_CHANGE_PASSWORD)." />
            <button type="submit" class=SECONDARY_BUTTON_CLASS disabled=move || pending.get()>
                {move || if pending.get() { "Saving…" } else { "Set password" }}
            </button>
        </ActionForm>
    }
    .into_any()
}

#[component]
fn CreateUserCard(pool: PoolDetails, action: ServerAction<CreatePoolUser>) -> AnyView {
    let error = Signal::derive(move || action.value().get().and_then(|r| r.err()));
    let pending = action.pending();
    let form_ref = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get()
            && let Some(form) = form_ref.get()
        {
            form.reset();
        }
    });
    let email_is_username = pool.email_is_username;
    view! {
        <section class=format!("{CARD} max-w-2xl 2xl:max-w-none") aria-labelledby="new-user-heading">
            <h2 id="new-user-heading" class="font-semibold">"Create a user"</h2>
            <p class=format!("mt-1 {MUTED}")>
                "The user starts in FORCE_CHANGE_PASSWORD: the first sign-in must choose a new password (or set a permanent one under Manage)."
            </p>
            {move || action.value().get().and_then(|r| r.ok()).map(|u| view! {
                <div role="status" data-testid="new-user" class="mt-4 space-y-1 rounded-md border border-emerald-300 bg-emerald-50 p-3 text-sm text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-100">
                    <p class="font-medium">{format!("User “{}” created ({}).", u.sign_in_name, u.status)}</p>
                    {u.temporary_password.map(|p| view! {
                        <p>"Temporary password: " <code class="font-mono" data-testid="new-user-temporary-password">{p}</code> " (also in the outbox)."</p>
                    })}
                </div>
            })}
            <ActionForm action node_ref=form_ref attr:class="mt-4 space-y-4" attr:novalidate=true>
                <FormError error />
                <input type="hidden" name="pool_id" value=pool.id.clone() />
                {if email_is_username {
                    view! { <Field label="Email address" name="username" kind="email" autocomplete="off" required=true help="This pool signs users in with their email address." error /> }.into_any()
                } else {
                    view! {
                        <Field label="Username" name="username" autocomplete="off" required=true error />
                        <Field label="Email" name="email" kind="email" autocomplete="off" help="Optional; needed for password resets." error />
                    }.into_any()
                }}
                <Checkbox label="Mark the email address as verified" name="email_verified" checked=true />
                {pool.custom_attributes.iter().map(|a| view! {
                    <Field
                        label=format!("custom:{}", a.name)
                        name=format!("custom[{}]", a.name)
                        kind=if a.data_type == "Number" { "number" } else { "text" }
                        autocomplete="off"
                        help=format!("{} · optional", a.data_type)
                        error
                    />
                }).collect_view()}
                <Field label="Temporary password" name="temporary_password" kind="password" autocomplete="new-password"
                    help="Leave blank to generate one; it is shown here and delivered through the outbox." error />
                <button type="submit" class=BUTTON_CLASS disabled=move || pending.get()>
                    {move || if pending.get() { "Creating…" } else { "Create user" }}
                </button>
            </ActionForm>
        </section>
    }
    .into_any()
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    #[test]
    fn filter_values_are_quoted_and_escaped() {
        assert_eq!(super::quote("bo"), "\"bo\"");
        assert_eq!(super::quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
    }
}

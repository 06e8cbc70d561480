//! The Authorizers tab of an API: its Cognito user pool authorizers (list, create, edit,
//! delete) and the Test authorizer tool ([`test_tool`]), which runs the same
//! `apis::authorize` the gateway runs, with keys from the process's one `apis::AuthorizerKeys` (in `AppState`).
pub mod test_tool;

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use self::test_tool::TestPanel;
use super::shared::STALE_FIELD;
use crate::components::form::{
    BUTTON_CLASS, Field, FormError, INPUT_CLASS, SECONDARY_BUTTON_CLASS,
};
use crate::components::load_error::Loaded;
use crate::components::style::{BADGE, CARD, EMPTY, LINK, LINK_DANGER, MUTED};
use crate::error::AppError;

/// `authorizerResultTtlInSeconds` when the form leaves it empty (AWS's default).
pub const DEFAULT_TTL: i32 = 300;
/// The identity-source header when the form leaves it empty.
pub const DEFAULT_HEADER: &str = "Authorization";
const HEADER_PREFIX: &str = "method.request.header.";

/// The regions offered besides those of the local pools (AWS's commercial regions).
#[cfg_attr(not(feature = "ssr"), allow(dead_code))]
const AWS_REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "sa-east-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "me-south-1",
    "me-central-1",
    "il-central-1",
    "af-south-1",
    "ap-east-1",
    "ap-south-1",
    "ap-south-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
];

/// A user pool of this Gatehouse, as the authorizer form offers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LocalPool {
    pub id: String,
    pub name: String,
    pub region: String,
    pub arn: String,
}

/// What the authorizer form needs besides the authorizer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuthorizerFormOptions {
    /// The region new local pools get (GATEHOUSE_REGION).
    pub default_region: String,
    /// The default region first, then the local pools' regions, then AWS's.
    pub regions: Vec<String>,
    pub pools: Vec<LocalPool>,
}

/// One `providerARNs` entry as the console shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderView {
    pub provider: String,
    /// Empty when the entry cannot be parsed.
    pub pool_id: String,
    pub region: String,
    /// The local pool's name, when the entry names a pool of this Gatehouse.
    pub local_name: Option<String>,
}

/// An authorizer as the tab shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuthorizerView {
    pub id: String,
    pub name: String,
    /// The token-source header (`Authorization`).
    pub header: String,
    /// As stored: `method.request.header.Authorization`.
    pub identity_source: String,
    /// Empty: none.
    pub validation_expression: String,
    pub ttl: i32,
    pub version: i32,
    pub providers: Vec<ProviderView>,
    /// The methods using it, as `GET /pets`.
    pub used_by: Vec<String>,
}

impl AuthorizerView {
    /// The region the edit form opens on: that of the first local pool, else of the first
    /// pool.
    pub fn region(&self) -> Option<String> {
        self.providers
            .iter()
            .find(|p| p.local_name.is_some())
            .or_else(|| self.providers.first())
            .map(|p| p.region.clone())
            .filter(|r| !r.is_empty())
    }
}

/// The header name a token-source field names: `Authorization`, or the NAME of a full
/// `method.request.header.NAME`.
pub fn header_of(token_source: &str) -> &str {
    let s = token_source.trim();
    s.strip_prefix(HEADER_PREFIX).unwrap_or(s)
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use apis::provider::{ProviderKind, provider_to_pool};
    use identity::Identity;
    use identity::wire::ListUserPoolsRequest;

    use super::{AuthorizerView, LocalPool, ProviderView, header_of};
    use crate::error::AppError;

    /// The embedded IdP's issuer base (`http://127.0.0.1:3000`): issuers are
    /// `{base}/cognito-idp/{poolId}`.
    pub fn issuer_base(identity: &Identity) -> String {
        let issuer = identity.issuer("");
        issuer
            .strip_suffix("/cognito-idp/")
            .unwrap_or(&issuer)
            .to_owned()
    }

    /// Every local user pool, by region then name.
    pub async fn local_pools(identity: &Identity) -> Result<Vec<LocalPool>, AppError> {
        let mut pools = Vec::new();
        let mut next_token = None;
        loop {
            let page = identity
                .list_user_pools(ListUserPoolsRequest {
                    max_results: 60,
                    next_token,
                })
                .await?;
            pools.extend(page.user_pools.into_iter().map(|p| LocalPool {
                region: p.id.split('_').next().unwrap_or_default().to_owned(),
                arn: identity.pool_arn(&p.id),
                id: p.id,
                name: p.name,
            }));
            match page.next_token {
                Some(t) => next_token = Some(t),
                None => break,
            }
        }
        pools.sort_by(|a, b| (&a.region, &a.name, &a.id).cmp(&(&b.region, &b.name, &b.id)));
        Ok(pools)
    }

    pub fn view(
        authorizer: apis::Authorizer,
        used_by: Vec<String>,
        pools: &[LocalPool],
        base: &str,
    ) -> AuthorizerView {
        let providers = authorizer
            .provider_arns
            .iter()
            .map(|p| match provider_to_pool(p, base) {
                Ok(r) => {
                    let local = match r.kind {
                        ProviderKind::ExternalIssuer => None,
                        _ => pools.iter().find(|l| l.id == r.pool_id),
                    };
                    ProviderView {
                        provider: p.clone(),
                        pool_id: r.pool_id.clone(),
                        region: r.region.clone(),
                        local_name: local.map(|l| l.name.clone()),
                    }
                }
                Err(_) => ProviderView {
                    provider: p.clone(),
                    pool_id: String::new(),
                    region: String::new(),
                    local_name: None,
                },
            })
            .collect();
        AuthorizerView {
            header: header_of(&authorizer.identity_source).to_owned(),
            validation_expression: authorizer
                .identity_validation_expression
                .clone()
                .unwrap_or_default(),
            ttl: authorizer.authorizer_result_ttl_in_seconds,
            version: authorizer.version,
            identity_source: authorizer.identity_source,
            id: authorizer.id.into(),
            name: authorizer.name,
            providers,
            used_by,
        }
    }
}

#[server(endpoint = "load_authorizer_form")]
pub async fn load_authorizer_form() -> Result<AuthorizerFormOptions, AppError> {
    use crate::auth::ssr::{require_admin, state};
    require_admin().await?;
    let identity = state().identity;
    let pools = ssr::local_pools(&identity).await?;
    let default_region = identity.region().to_owned();
    let mut regions = vec![default_region.clone()];
    for r in pools
        .iter()
        .map(|p| p.region.as_str())
        .chain(AWS_REGIONS.iter().copied())
    {
        if !regions.iter().any(|x| x == r) {
            regions.push(r.to_owned());
        }
    }
    Ok(AuthorizerFormOptions {
        default_region,
        regions,
        pools,
    })
}

#[server(endpoint = "list_api_authorizers")]
pub async fn list_api_authorizers(api_id: String) -> Result<Vec<AuthorizerView>, AppError> {
    use super::shared::ssr::db;
    use crate::auth::ssr::{require_admin, state};
    require_admin().await?;
    let db = db();
    let identity = state().identity;
    let api_id = apis::RestApiId::new(api_id);
    let authorizers = apis::store::list_authorizers(&db, &api_id).await?;
    let pools = ssr::local_pools(&identity).await?;
    let base = ssr::issuer_base(&identity);
    let mut views = Vec::with_capacity(authorizers.len());
    for a in authorizers {
        let used_by = apis::store::authorizer_usage(&db, &api_id, &a.id).await?;
        views.push(ssr::view(a, used_by, &pools, &base));
    }
    Ok(views)
}

/// The form [`save_api_authorizer`] reads, flattened: the browser posts these fields under their
/// own names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SaveApiAuthorizerInput {
    pub api_id: String,
    pub authorizer_id: Option<String>,
    pub version: Option<String>,
    pub name: String,
    pub region: String,
    #[serde(default)]
    pub pools: BTreeMap<String, String>,
    pub external_pools: Option<String>,
    pub token_source: Option<String>,
    pub validation_expression: Option<String>,
    pub ttl: Option<String>,
}

/// Creates (no `authorizer_id`) or changes an authorizer; returns its name.
#[server(endpoint = "save_api_authorizer")]
pub async fn save_api_authorizer(
    #[server(flatten)] input: SaveApiAuthorizerInput,
) -> Result<SavedAuthorizer, AppError> {
    let SaveApiAuthorizerInput {
        api_id,
        authorizer_id,
        version,
        name,
        region,
        pools,
        external_pools,
        token_source,
        validation_expression,
        ttl,
    } = input;
    use super::shared::ssr::{db, invalid, on_form};
    use crate::auth::ssr::{require_admin, state};
    use crate::form_input::parse_number;
    let me = require_admin().await?;
    let identity = state().identity;
    let local = ssr::local_pools(&identity).await?;
    let region = region.trim();
    let mut providers = Vec::new();
    for pool_id in pools.keys() {
        let Some(pool) = local.iter().find(|p| &p.id == pool_id) else {
            return Err(invalid(
                "pools",
                format!("User pool {pool_id} does not exist (any more)."),
            ));
        };
        if pool.region != region {
            return Err(invalid(
                "pools",
                format!(
                    "User pool {} ({}) is in {}, not in the region chosen ({region}).",
                    pool.name, pool.id, pool.region
                ),
            ));
        }
        providers.push(pool.arn.clone());
    }
    for entry in external_pools
        .as_deref()
        .unwrap_or_default()
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|s| !s.is_empty())
    {
        apis::provider::validate_provider(entry)
            .map_err(|e| invalid("external_pools", e.to_string()))?;
        providers.push(entry.to_owned());
    }
    let header = header_of(token_source.as_deref().unwrap_or_default());
    let header = if header.is_empty() {
        DEFAULT_HEADER
    } else {
        header
    };
    let ttl = match ttl.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(raw) => parse_number(
            "ttl",
            raw,
            0..=i64::from(apis::validate::MAX_AUTHORIZER_TTL),
            "Authorization caching (TTL)",
        )?,
        None => i64::from(DEFAULT_TTL),
    };
    let settings = apis::AuthorizerSettings {
        name: name.trim().to_owned(),
        provider_arns: providers,
        identity_source: Some(format!("{HEADER_PREFIX}{header}")),
        identity_validation_expression: validation_expression
            .map(|e| e.trim().to_owned())
            .filter(|e| !e.is_empty()),
        authorizer_result_ttl_in_seconds: i32::try_from(ttl).ok(),
    };
    const FIELDS: &[(&str, &str)] = &[
        ("name", "name"),
        ("providerARNs", "pools"),
        ("identitySource", "token_source"),
        ("identityValidationExpression", "validation_expression"),
        ("authorizerResultTtlInSeconds", "ttl"),
    ];
    let db = db();
    let api_id = apis::RestApiId::new(api_id);
    let id = authorizer_id
        .filter(|id| !id.is_empty())
        .map(apis::AuthorizerId::new);
    let saved = match &id {
        None => apis::store::create_authorizer(&db, &api_id, &settings).await,
        Some(authorizer_id) => {
            let version: i32 = version
                .as_deref()
                .and_then(|v| v.trim().parse().ok())
                .ok_or_else(|| AppError::form("The form lost its version; reload the page."))?;
            apis::store::update_authorizer(&db, &api_id, authorizer_id, version, &settings).await
        }
    }
    .map_err(|e| on_form(e, FIELDS))?;
    tracing::info!(api.id = %api_id, authorizer.id = %saved.id, by = %me.username,
        created = id.is_none(), "authorizer saved in the console");
    Ok(SavedAuthorizer {
        id: saved.id.into(),
        name: saved.name,
        created: id.is_none(),
    })
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedAuthorizer {
    pub id: String,
    pub name: String,
    pub created: bool,
}

#[server(endpoint = "delete_api_authorizer")]
pub async fn delete_api_authorizer(
    api_id: String,
    authorizer_id: String,
    name: String,
) -> Result<String, AppError> {
    use super::shared::ssr::db;
    use crate::auth::ssr::require_admin;
    let me = require_admin().await?;
    let (api_id, authorizer_id) = (
        apis::RestApiId::new(api_id),
        apis::AuthorizerId::new(authorizer_id),
    );
    if let Err(e) = apis::store::delete_authorizer(&db(), &api_id, &authorizer_id).await {
        let in_use = match &e {
            apis::ApisError::AuthorizerInUse { methods } => {
                let n = methods.len();
                Some(format!(
                    "Authorizer “{name}” cannot be deleted: {} {} {}. Set {} authorization to \
                     another authorizer or to NONE first.",
                    if n == 1 { "the method" } else { "the methods" },
                    methods.join(", "),
                    if n == 1 { "uses it" } else { "use it" },
                    if n == 1 { "its" } else { "their" },
                ))
            }
            _ => None,
        };
        // The conversion records the status (409 for a refusal).
        let mapped = AppError::from(e);
        return Err(in_use.map(AppError::form).unwrap_or(mapped));
    }
    tracing::info!(api.id = %api_id, authorizer.id = %authorizer_id, by = %me.username, "authorizer deleted in the console");
    Ok(name)
}

/// Which form is open.
#[derive(Debug, Clone, PartialEq)]
enum FormMode {
    Closed,
    Create,
    Edit(AuthorizerView),
}

#[component]
pub fn AuthorizersTab(#[prop(into)] api_id: String) -> impl IntoView {
    let save = ServerAction::<SaveApiAuthorizer>::new();
    let delete = ServerAction::<DeleteApiAuthorizer>::new();
    // Bumped by successful changes only: a refused save keeps the form (and what was typed).
    let changed = RwSignal::new(0u32);
    let mode = RwSignal::new(FormMode::Closed);
    let testing = RwSignal::new(None::<AuthorizerView>);
    // After "Reload" on a stale edit: reopen the edit form with what is stored now.
    // (authorizer id, the version the refused form had): the list must have moved past it.
    let reopen = RwSignal::new(None::<(String, i32)>);
    let notice = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            mode.set(FormMode::Closed);
            notice.set(Some(if saved.created {
                format!("Authorizer “{}” created.", saved.name)
            } else {
                format!("Authorizer “{}” saved.", saved.name)
            }));
            changed.update(|n| *n += 1);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(name)) = delete.value().get() {
            notice.set(Some(format!("Authorizer “{name}” deleted.")));
            testing.set(None);
            changed.update(|n| *n += 1);
        }
    });
    let list_api = api_id.clone();
    let authorizers = Resource::new(
        move || (list_api.clone(), changed.get()),
        |(id, _)| list_api_authorizers(id),
    );
    let options = Resource::new(|| (), |_| load_authorizer_form());
    Effect::new(move |_| {
        let Some((id, stale_version)) = reopen.get() else {
            return;
        };
        if let Some(Ok(list)) = authorizers.get()
            && let Some(a) = list
                .into_iter()
                .find(|a| a.id == id && a.version != stale_version)
        {
            reopen.set(None);
            save.clear();
            mode.set(FormMode::Edit(a));
        }
    });
    let delete_error = Signal::derive(move || delete.value().get().and_then(|r| r.err()));
    let api_id = StoredValue::new(api_id);

    let open_create = move |_| {
        save.clear();
        notice.set(None);
        mode.set(FormMode::Create);
    };

    view! {
        <div class="space-y-6">
            <section class=CARD aria-labelledby="authorizers-heading">
                <div class="flex flex-wrap items-start justify-between gap-3">
                    <div class="min-w-0">
                        <h2 id="authorizers-heading" class="font-semibold">"Authorizers"</h2>
                        <p class=format!("mt-1 max-w-3xl {MUTED}")>
                            "A Cognito authorizer lets a method accept only callers with a valid token from one of its user pools, sent in a request header. Choose it in a method's Method request settings; changes reach callers with the next deployment."
                        </p>
                    </div>
                    <button type="button" class=BUTTON_CLASS on:click=open_create>"Create New Authorizer"</button>
                </div>
                {move || notice.get().map(|n| view! {
                    <div role="status" data-testid="authorizers-notice" class="mt-4 rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-800 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-200">{n}</div>
                })}
                <div class="mt-3"><FormError error=delete_error /></div>
                <Loaded loading="Loading authorizers…" loading_class="mt-3 text-sm text-slate-500">
                    {move || Suspend::new(async move {
                        Ok::<_, AppError>(match authorizers.await? {
                            list if list.is_empty() => view! {
                                <div class=EMPTY data-testid="authorizers-empty">
                                    <p class="font-medium text-slate-700 dark:text-slate-200">"No authorizers yet"</p>
                                    <p class="mt-1">"Create one to protect methods with tokens from a user pool."</p>
                                </div>
                            }.into_any(),
                            list => view! {
                                <ul class="mt-4 space-y-3" data-testid="authorizers-list">
                                    {list.into_iter().map(|a| view! {
                                        <AuthorizerItem api_id=api_id.get_value() authorizer=a mode testing delete save />
                                    }).collect_view()}
                                </ul>
                            }.into_any(),
                        })
                    })}
                </Loaded>
            </section>
            {move || match mode.get() {
                FormMode::Closed => None,
                m => {
                    let editing = match m {
                        FormMode::Edit(a) => Some(a),
                        _ => None,
                    };
                    Some(view! {
                        <Loaded loading="Loading user pools…">
                            {move || {
                                let editing = editing.clone();
                                Suspend::new(async move {
                                    let options = options.await?;
                                    Ok::<_, AppError>(view! {
                                        <AuthorizerForm api_id=api_id.get_value() editing options save mode reopen changed />
                                    }.into_any())
                                })
                            }}
                        </Loaded>
                    })
                }
            }}
            {move || testing.get().map(|a| view! { <TestPanel api_id=api_id.get_value() authorizer=a testing /> })}
        </div>
    }
}

#[component]
fn AuthorizerItem(
    api_id: String,
    authorizer: AuthorizerView,
    mode: RwSignal<FormMode>,
    testing: RwSignal<Option<AuthorizerView>>,
    delete: ServerAction<DeleteApiAuthorizer>,
    save: ServerAction<SaveApiAuthorizer>,
) -> AnyView {
    let confirming = RwSignal::new(false);
    let a = StoredValue::new(authorizer.clone());
    let ids = StoredValue::new((api_id, authorizer.id.clone(), authorizer.name.clone()));
    let ttl = if authorizer.ttl == 0 {
        "off (every request is checked)".to_owned()
    } else {
        format!("{} s", authorizer.ttl)
    };
    view! {
        <li class="rounded-lg border border-slate-200 p-4 dark:border-slate-700" data-testid="authorizer">
            <div class="flex flex-wrap items-start justify-between gap-3">
                <div class="min-w-0">
                    <p class="flex flex-wrap items-center gap-2">
                        <span class="font-medium" data-testid="authorizer-name">{authorizer.name.clone()}</span>
                        <span class=BADGE>"COGNITO_USER_POOLS"</span>
                        <span class="font-mono text-xs text-slate-500 dark:text-slate-400" data-testid="authorizer-id">{authorizer.id.clone()}</span>
                    </p>
                </div>
                <div class="flex flex-wrap items-center gap-3">
                    <button type="button" class=SECONDARY_BUTTON_CLASS
                        on:click=move |_| testing.set(Some(a.get_value()))>
                        "Test"
                    </button>
                    <button type="button" class=LINK on:click=move |_| { save.clear(); mode.set(FormMode::Edit(a.get_value())); }>"Edit"</button>
                    <Show
                        when=move || confirming.get()
                        fallback=move || view! {
                            <button type="button" class=LINK_DANGER on:click=move |_| confirming.set(true)>"Delete"</button>
                        }
                    >
                        <span class="inline-flex flex-wrap items-center gap-2">
                            <span class="text-xs">"Delete this authorizer?"</span>
                            <button type="button" class="rounded bg-red-600 px-2 py-1 text-xs font-medium text-white hover:bg-red-500"
                                on:click=move |_| {
                                    let (api_id, authorizer_id, name) = ids.get_value();
                                    delete.dispatch(DeleteApiAuthorizer { api_id, authorizer_id, name });
                                    confirming.set(false);
                                }>
                                "Confirm delete"
                            </button>
                            <button type="button" class="text-xs hover:underline" on:click=move |_| confirming.set(false)>"Cancel"</button>
                        </span>
                    </Show>
                </div>
            </div>
            <dl class="mt-3 grid gap-x-4 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]">
                <dt class="text-slate-500 dark:text-slate-400">"User pools"</dt>
                <dd class="space-y-1" data-testid="authorizer-pools">
                    {authorizer.providers.iter().map(|p| view! {
                        <p class="min-w-0">
                            {match &p.local_name {
                                Some(name) => view! {
                                    <a class=LINK href=format!("/user-pools/{}", p.pool_id)>{name.clone()}</a>
                                    " "
                                    <span class="font-mono text-xs text-slate-500 dark:text-slate-400">{p.pool_id.clone()}</span>
                                }.into_any(),
                                None => view! {
                                    <span class="break-all font-mono text-xs">{p.provider.clone()}</span>
                                    " "
                                    <span class="text-xs text-slate-500 dark:text-slate-400">"(external: keys fetched from its JWKS)"</span>
                                }.into_any(),
                            }}
                        </p>
                    }).collect_view()}
                </dd>
                <dt class="text-slate-500 dark:text-slate-400">"Token source"</dt>
                <dd><code class="font-mono text-xs" data-testid="authorizer-token-source">{authorizer.identity_source.clone()}</code></dd>
                <dt class="text-slate-500 dark:text-slate-400">"Token validation"</dt>
                <dd data-testid="authorizer-validation">
                    {if authorizer.validation_expression.is_empty() {
                        view! { <span class="text-slate-500 dark:text-slate-400">"None"</span> }.into_any()
                    } else {
                        view! {
                            <code class="font-mono text-xs">{authorizer.validation_expression.clone()}</code>
                            <span class="text-xs text-slate-500 dark:text-slate-400">" (matched against aud)"</span>
                        }.into_any()
                    }}
                </dd>
                <dt class="text-slate-500 dark:text-slate-400">"Result caching"</dt>
                <dd>{ttl}</dd>
                <dt class="text-slate-500 dark:text-slate-400">"Used by"</dt>
                <dd data-testid="authorizer-used-by">
                    {if authorizer.used_by.is_empty() {
                        view! { <span class="text-slate-500 dark:text-slate-400">"No methods yet"</span> }.into_any()
                    } else {
                        view! {
                            <span class="flex flex-wrap gap-1.5">
                                {authorizer.used_by.iter().map(|m| view! { <span class=BADGE>{m.clone()}</span> }).collect_view()}
                            </span>
                        }.into_any()
                    }}
                </dd>
            </dl>
        </li>
    }
    .into_any()
}

#[component]
fn AuthorizerForm(
    api_id: String,
    editing: Option<AuthorizerView>,
    options: AuthorizerFormOptions,
    save: ServerAction<SaveApiAuthorizer>,
    mode: RwSignal<FormMode>,
    reopen: RwSignal<Option<(String, i32)>>,
    changed: RwSignal<u32>,
) -> AnyView {
    let error = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    let pending = save.pending();
    let initial_region = editing
        .as_ref()
        .and_then(AuthorizerView::region)
        .unwrap_or_else(|| options.default_region.clone());
    let region = RwSignal::new(initial_region);
    let checked: Vec<String> = editing
        .as_ref()
        .map(|a| {
            a.providers
                .iter()
                .filter(|p| p.local_name.is_some())
                .map(|p| p.pool_id.clone())
                .collect()
        })
        .unwrap_or_default();
    let external = editing
        .as_ref()
        .map(|a| {
            a.providers
                .iter()
                .filter(|p| p.local_name.is_none())
                .map(|p| p.provider.clone())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default();
    let pools = StoredValue::new(options.pools.clone());
    let checked = StoredValue::new(checked);
    let pools_error = move || error.get().and_then(|e| e.for_field("pools"));
    let stale = move || error.get().and_then(|e| e.for_field(STALE_FIELD));
    let editing_id = editing.as_ref().map(|a| a.id.clone());
    let (heading, submit, submitting) = if editing.is_some() {
        ("Edit authorizer", "Save changes", "Saving…")
    } else {
        ("Create New Authorizer", "Create authorizer", "Creating…")
    };
    let reload_id = editing.as_ref().map(|a| (a.id.clone(), a.version));
    view! {
        <section class=CARD aria-labelledby="authorizer-form-heading" data-testid="authorizer-form">
            <div class="flex items-start justify-between gap-3">
                <h2 id="authorizer-form-heading" class="font-semibold">{heading}</h2>
                <button type="button" class="text-sm hover:underline" on:click=move |_| mode.set(FormMode::Closed)>"Cancel"</button>
            </div>
            <ActionForm action=save attr:class="mt-4 space-y-5" attr:novalidate=true>
                <FormError error />
                {move || stale().map(|message| {
                    let id = reload_id.clone();
                    view! {
                        <div role="alert" data-testid="stale-error" class="flex flex-wrap items-center justify-between gap-3 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
                            <span>{message}" Nothing was saved."</span>
                            <button type="button" class=SECONDARY_BUTTON_CLASS on:click=move |_| {
                                reopen.set(id.clone());
                                mode.set(FormMode::Closed);
                                changed.update(|n| *n += 1);
                            }>"Reload"</button>
                        </div>
                    }
                })}
                <input type="hidden" name="api_id" value=api_id />
                <input type="hidden" name="authorizer_id" value=editing_id.clone().unwrap_or_default() />
                <input type="hidden" name="version" value=editing.as_ref().map(|a| a.version.to_string()).unwrap_or_default() />
                <div class="grid gap-5 lg:grid-cols-2">
                    <Field label="Name" name="name" autocomplete="off" required=true
                        value=editing.as_ref().map(|a| a.name.clone()).unwrap_or_default()
                        help="e.g. orders-users" error />
                    <div class="space-y-1">
                        <label for="authorizer-type" class="block text-sm font-medium">"Type"</label>
                        <select id="authorizer-type" class=INPUT_CLASS disabled=true aria-describedby="authorizer-type-help">
                            <option selected=true>"Cognito"</option>
                        </select>
                        <p id="authorizer-type-help" class="text-xs text-slate-500 dark:text-slate-400">"COGNITO_USER_POOLS: callers send a token issued by one of the user pools. Lambda authorizers are not supported."</p>
                    </div>
                </div>
                <div class="space-y-1">
                    <label for="authorizer-region" class="block text-sm font-medium">"Region"</label>
                    <select id="authorizer-region" name="region" class=format!("{INPUT_CLASS} lg:w-1/2")
                        aria-describedby="authorizer-region-help"
                        on:change=move |ev| region.set(event_target_value(&ev))>
                        {options.regions.iter().map(|r| {
                            let r = r.clone();
                            let selected = r == region.get_untracked();
                            let label = if r == options.default_region { format!("{r} (region of this Gatehouse's pools)") } else { r.clone() };
                            view! { <option value=r selected=selected>{label}</option> }
                        }).collect_view()}
                    </select>
                    <p id="authorizer-region-help" class="text-xs text-slate-500 dark:text-slate-400">"The user pools listed below are this Gatehouse's pools in that region."</p>
                </div>
                <fieldset aria-describedby="authorizer-pools-error">
                    <legend class="text-sm font-medium">"Cognito user pool(s)"</legend>
                    {move || {
                        let r = region.get();
                        let in_region: Vec<LocalPool> = pools.get_value().into_iter().filter(|p| p.region == r).collect();
                        if in_region.is_empty() {
                            view! {
                                <p class="mt-2 rounded-md border border-dashed border-slate-300 p-3 text-sm text-slate-500 dark:border-slate-700 dark:text-slate-400" data-testid="authorizer-no-pools">
                                    {format!("No user pools in {r} here. ")}
                                    <a class=LINK href="/user-pools/new">"Create a user pool"</a>
                                    ", or enter an external pool below."
                                </p>
                            }.into_any()
                        } else {
                            view! {
                                <div class="mt-2 grid gap-2 sm:grid-cols-2" data-testid="authorizer-pool-options">
                                    {in_region.into_iter().map(|p| {
                                        let id = format!("authorizer-pool-{}", p.id);
                                        let is_checked = checked.get_value().contains(&p.id);
                                        view! {
                                            <div class="flex items-start gap-2 rounded-md border border-slate-200 p-2 dark:border-slate-700">
                                                <input id=id.clone() type="checkbox" name=format!("pools[{}]", p.id) value="on" checked=is_checked
                                                    class="mt-0.5 h-4 w-4 rounded border-slate-300 text-indigo-600 accent-indigo-600 focus:ring-indigo-500 dark:border-slate-600" />
                                                <label for=id class="min-w-0 text-sm">
                                                    <span class="font-medium">{p.name.clone()}</span>
                                                    <span class="block font-mono text-xs text-slate-500 dark:text-slate-400">{p.id.clone()}</span>
                                                </label>
                                            </div>
                                        }
                                    }).collect_view()}
                                </div>
                            }.into_any()
                        }
                    }}
                    <p id="authorizer-pools-error" class="mt-1 text-sm text-red-600 dark:text-red-400" data-testid="error-pools">{pools_error}</p>
                </fieldset>
                <Field label="External pool ARN or issuer URL (optional)" name="external_pools" autocomplete="off"
                    value=external
                    placeholder="arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbC123"
                    help="A pool that is not in this Gatehouse, e.g. one on AWS (https://cognito-idp.{region}.amazonaws.com/{poolId}). Its keys are fetched from {issuer}/.well-known/jwks.json. Separate several with spaces."
                    error />
                <div class="grid gap-5 lg:grid-cols-2">
                    <Field label="Token source" name="token_source" autocomplete="off" required=true
                        value=editing.as_ref().map(|a| a.header.clone()).unwrap_or_else(|| DEFAULT_HEADER.to_owned())
                        help="The request header that carries the token (raw or “Bearer …”). Stored as method.request.header.NAME."
                        error />
                    <Field label="Token validation (optional)" name="validation_expression" autocomplete="off"
                        value=editing.as_ref().map(|a| a.validation_expression.clone()).unwrap_or_default()
                        placeholder="e.g. 5gha7s6vka4qapfa8pe5i9resj"
                        help="A regular expression. API Gateway matches this against the ID token's aud claim, i.e. the app client id; access tokens are refused while it is set."
                        error />
                </div>
                <div class="grid gap-5 lg:grid-cols-2">
                <Field label="Authorization caching (TTL, seconds)" name="ttl" kind="number" min="0" max="3600"
                    value=editing.as_ref().map(|a| a.ttl).unwrap_or(DEFAULT_TTL).to_string()
                    help="How long the gateway reuses an Allow for the same token (never past the token's expiry). 0 turns caching off; at most 3600."
                    error />
                </div>
                <div class="flex flex-wrap items-center gap-3">
                    <button type="submit" class=BUTTON_CLASS disabled=move || pending.get()>
                        {move || if pending.get() { submitting } else { submit }}
                    </button>
                    <button type="button" class=SECONDARY_BUTTON_CLASS on:click=move |_| mode.set(FormMode::Closed)>"Cancel"</button>
                </div>
            </ActionForm>
        </section>
    }
    .into_any()
}

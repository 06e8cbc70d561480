//! An API as every page below it loads it: its details, the breadcrumbs under "APIs", and the
//! page shown when it (or something in it) cannot be loaded.

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::components::breadcrumbs::Breadcrumbs;
use crate::error::AppError;

/// An API as its page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiDetails {
    pub id: String,
    pub name: String,
    pub description: String,
    pub created: String,
    pub root_resource_id: String,
}

#[server(endpoint = "get_rest_api")]
pub async fn get_rest_api(api_id: String) -> Result<ApiDetails, AppError> {
    use super::shared::ssr::{db, fmt_time};
    use crate::auth::ssr::require_admin;
    require_admin().await?;
    let api = apis::store::get_rest_api(&db(), &apis::RestApiId::new(api_id)).await?;
    Ok(ApiDetails {
        created: fmt_time(api.created_date),
        id: api.id.into(),
        name: api.name,
        description: api.description,
        root_resource_id: api.root_resource_id.into(),
    })
}

/// The crumbs for a page below the API list.
pub fn api_crumbs(rest: Vec<(String, Option<String>)>) -> Vec<(String, Option<String>)> {
    let mut crumbs = vec![
        ("Console".to_string(), Some("/".to_string())),
        ("APIs".to_string(), Some("/apis".to_string())),
    ];
    crumbs.extend(rest);
    crumbs
}

/// The page shown when an API (or something in it) cannot be loaded.
#[component]
pub fn ApiNotFound(error: AppError, #[prop(into)] crumb: String) -> AnyView {
    view! {
        <Title text="API not found" />
        <Breadcrumbs crumbs=api_crumbs(vec![(crumb, None)]) />
        <div class="rounded-xl border border-dashed border-slate-300 p-10 text-center dark:border-slate-700">
            <p role="alert" class="font-medium">{error.to_string()}</p>
            <a href="/apis" class="mt-3 inline-block text-sm text-indigo-600 hover:underline dark:text-indigo-400">"Back to APIs"</a>
        </div>
    }
    .into_any()
}

//! The API's Cognito authorizers: list, create/edit, delete, and the Test authorizer tool.
//! (Stub: being written.)

use leptos::prelude::*;

#[component]
pub fn AuthorizersTab(#[prop(into)] api_id: String) -> impl IntoView {
    view! { <p class="text-sm text-slate-500">{format!("Authorizers of {api_id} are coming.")}</p> }
}

//! Deploy API, the stage list with invoke URLs, stage variables, history and rollback.
//! (Stub: being written.)

use leptos::prelude::*;

#[component]
pub fn StagesTab(#[prop(into)] api_id: String) -> impl IntoView {
    view! { <p class="text-sm text-slate-500">{format!("Stages of {api_id} are coming.")}</p> }
}

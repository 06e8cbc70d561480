use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::breadcrumbs::Breadcrumbs;

/// An honest empty state for console sections whose issues have not landed yet.
#[component]
pub fn PlaceholderPage(section: &'static str) -> impl IntoView {
    view! {
        <Title text=section />
        <Breadcrumbs crumbs=vec![("Console", Some("/")), (section, None)] />
        <h1 class="text-2xl font-semibold tracking-tight">{section}</h1>
        <div class="mt-6 rounded-xl border border-dashed border-slate-300 p-10 text-center dark:border-slate-700">
            <p class="font-medium">{format!("{section} are not available yet")}</p>
            <p class="mt-1 text-sm text-slate-500 dark:text-slate-400">
                "This part of the console is still being built; the README's feature table says what works today."
            </p>
        </div>
    }
}

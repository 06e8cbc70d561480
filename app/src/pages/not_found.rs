use leptos::prelude::*;
use leptos_meta::Title;

/// The page for any URL the console does not know; answers with HTTP 404 during SSR.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found" />
        <main class="flex min-h-screen items-center justify-center px-4">
            <div class="max-w-md text-center">
                <p class="text-sm font-semibold text-indigo-600 dark:text-indigo-400">"404"</p>
                <h1 class="mt-2 text-2xl font-semibold tracking-tight">"Page not found"</h1>
                <p class="mt-2 text-slate-600 dark:text-slate-400">
                    "There is nothing at this address. It may have been deleted, or the link may be mistyped."
                </p>
                <a href="/" class="mt-6 inline-block rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500">
                    "Back to the dashboard"
                </a>
            </div>
        </main>
    }
}

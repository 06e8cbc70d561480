use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::auth::Login;
use crate::components::form::{BUTTON_CLASS, Field, FormError};
use crate::components::theme::ThemeToggle;

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let query = use_query_map();
    let next = move || query.with(|q| q.get("next")).unwrap_or_default();
    let error = Signal::derive(move || login.value().get().and_then(|r| r.err()));
    let pending = login.pending();

    view! {
        <Title text="Sign in" />
        <main class="flex min-h-screen items-center justify-center px-4">
            <div class="w-full max-w-sm">
                <div class="mb-6 flex items-center justify-between">
                    <span class="flex items-center gap-2 text-xl font-semibold tracking-tight">
                        <span aria-hidden="true" class="inline-block h-7 w-7 rounded bg-indigo-600"></span>
                        "Gatehouse"
                    </span>
                    <ThemeToggle />
                </div>
                <section class="rounded-xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900">
                    <h1 class="mb-1 text-lg font-semibold">"Sign in to the console"</h1>
                    <p class="mb-5 text-sm text-slate-500 dark:text-slate-400">
                        "Use your Gatehouse administrator account."
                    </p>
                    <ActionForm action=login attr:class="space-y-4" attr:aria-label="Sign in">
                        <FormError error />
                        <input type="hidden" name="next" prop:value=next />
                        <Field label="Username" name="username" autocomplete="username" required=true error />
                        <Field label="Password" name="password" kind="password" autocomplete="current-password" required=true error />
                        <button type="submit" class=format!("{BUTTON_CLASS} w-full") disabled=move || pending.get()>
                            {move || if pending.get() { "Signing in…" } else { "Sign in" }}
                        </button>
                    </ActionForm>
                </section>
                <p class="mt-4 text-center text-xs text-slate-500 dark:text-slate-400">
                    "Forgot the password? Run "
                    <code class="rounded bg-slate-100 px-1 dark:bg-slate-800">"gatehouse admin set-password"</code>
                    " on the server."
                </p>
            </div>
        </main>
    }
}

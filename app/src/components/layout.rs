use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::use_location;

use crate::auth::{Logout, current_admin};
use crate::components::theme::ThemeToggle;
use crate::ids;

const NAV: [(&str, &str); 4] = [
    ("Dashboard", ids::DASHBOARD_PATH),
    ("APIs", ids::APIS_PATH),
    ("User pools", ids::USER_POOLS_PATH),
    ("Settings", ids::SETTINGS_PATH),
];

/// The frame every signed-in page sits in: top bar, side navigation and the content area.
#[component]
pub fn ConsoleLayout() -> impl IntoView {
    let admin = Resource::new(|| (), |_| current_admin());
    let logout = ServerAction::<Logout>::new();
    let menu_open = RwSignal::new(false);
    let location = use_location();

    // A session that ended while the page was open: go back to sign-in instead of failing.
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(Err(crate::error::AppError::Unauthorized)) = admin.get()
            && let Some(w) = web_sys::window()
        {
            let _ = w.location().set_href(ids::LOGIN_PATH);
        }
    });

    let nav_links = move || {
        let path = location.pathname.get();
        NAV.iter()
            .map(|(label, href)| {
                let active = if *href == "/" { path == "/" } else { path.starts_with(href) };
                let class = if active {
                    "block rounded-md px-3 py-2 text-sm font-medium bg-indigo-50 text-indigo-700 dark:bg-indigo-950 dark:text-indigo-200"
                } else {
                    "block rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"
                };
                view! {
                    <li>
                        <a href=*href class=class aria-current=active.then_some("page") on:click=move |_| menu_open.set(false)>
                            {*label}
                        </a>
                    </li>
                }
            })
            .collect_view()
    };

    view! {
        <div class="min-h-screen flex flex-col">
            <header class="sticky top-0 z-10 flex h-14 items-center gap-3 border-b border-slate-200 bg-white px-4 dark:border-slate-800 dark:bg-slate-900">
                <button
                    type="button"
                    class="md:hidden rounded-md px-2 py-1 text-sm hover:bg-slate-100 dark:hover:bg-slate-800"
                    aria-controls="side-nav"
                    aria-expanded=move || menu_open.get().to_string()
                    on:click=move |_| menu_open.update(|o| *o = !*o)
                >
                    "☰ Menu"
                </button>
                <a href="/" class="flex items-center gap-2 font-semibold tracking-tight">
                    <span aria-hidden="true" class="inline-block h-6 w-6 rounded bg-indigo-600"></span>
                    "Gatehouse"
                </a>
                <div class="ml-auto flex min-w-0 items-center gap-2 sm:gap-3">
                    <ThemeToggle />
                    <Transition fallback=|| view! { <span class="text-sm text-slate-400">"…"</span> }>
                        {move || Suspend::new(async move {
                            match admin.await {
                                Ok(a) => view! {
                                    <span class="hidden text-sm text-slate-600 sm:inline dark:text-slate-300">
                                        "Signed in as "
                                        <strong data-testid="signed-in-admin">{a.username}</strong>
                                    </span>
                                }.into_any(),
                                Err(_) => view! { <span></span> }.into_any(),
                            }
                        })}
                    </Transition>
                    <ActionForm action=logout>
                        <button
                            type="submit"
                            class="rounded-md border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
                        >
                            "Sign out"
                        </button>
                    </ActionForm>
                </div>
            </header>
            <div class="flex flex-1 flex-col md:flex-row">
                <nav
                    id="side-nav"
                    aria-label="Main"
                    class=move || {
                        let base = "w-full md:w-56 shrink-0 border-b md:border-b-0 md:border-r border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900";
                        if menu_open.get() { base.to_string() } else { format!("{base} hidden md:block") }
                    }
                >
                    <ul class="space-y-1">{nav_links}</ul>
                </nav>
                <main id="content" class="flex-1 p-4 md:p-8">
                    <Outlet />
                </main>
            </div>
        </div>
    }
}

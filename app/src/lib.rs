//! Gatehouse console: the isomorphic Leptos application (pages, components, server functions).
//! Built twice: with `ssr` into the server binary, with `hydrate` into the browser's wasm.

pub mod auth;
pub mod components;
pub mod error;
pub mod form_input;
pub mod ids;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod state;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    ParamSegment, StaticSegment,
    components::{ParentRoute, Route, Router, Routes},
};

use crate::components::layout::ConsoleLayout;
use crate::pages::{
    apis::{ApiPage, ApisPage, ExportApiPage, ImportApiPage, ImportIntoApiPage, MethodPage},
    dashboard::DashboardPage,
    login::LoginPage,
    not_found::NotFound,
    settings::SettingsPage,
    user_pools::{CreateUserPoolPage, UserPoolPage, UserPoolsPage},
};

/// Applies the saved (or system) theme before first paint, so a dark console never flashes white.
const THEME_BOOT_SCRIPT: &str = r#"(function(){try{var t=localStorage.getItem('gatehouse-theme');if(t==='dark'||(!t&&window.matchMedia('(prefers-color-scheme: dark)').matches)){document.documentElement.classList.add('dark');}}catch(e){}})();"#;

/// The HTML document around the app, rendered on the server only.
///
/// Sends the Content-Security-Policy naming this response's nonce, which every inline
/// `<script>` carries: this one, the hydration script and what Leptos streams for `<Suspense>`.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    send_content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
                <script nonce=leptos::nonce::use_nonce() inner_html=THEME_BOOT_SCRIPT></script>
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body class="bg-slate-50 text-slate-900 dark:bg-slate-950 dark:text-slate-100 antialiased">
                <App />
            </body>
        </html>
    }
}

/// Puts the policy with the response's nonce in the response headers (the server's
/// security-headers layer gives responses without one a policy that allows no inline script).
#[cfg(feature = "ssr")]
fn send_content_security_policy() {
    use leptos::nonce::use_nonce;
    if use_nonce().is_none() {
        leptos::nonce::provide_nonce();
    }
    let Some(nonce) = use_nonce() else {
        return;
    };
    let policy = state::content_security_policy(Some(&nonce));
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&policy),
    ) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    mark_hydrated();

    view! {
        <Stylesheet id="leptos" href="/pkg/gatehouse.css" />
        <Title formatter=|page: String| if page.is_empty() { "Gatehouse".to_string() } else { format!("{page} · Gatehouse") } />
        <Router>
            <Routes fallback=NotFound>
                <Route path=StaticSegment("login") view=LoginPage />
                <ParentRoute path=StaticSegment("") view=ConsoleLayout>
                    <Route path=StaticSegment("") view=DashboardPage />
                    <Route path=StaticSegment("apis") view=ApisPage />
                    // "import" before the API-id route, which would take it.
                    <Route path=(StaticSegment("apis"), StaticSegment("import")) view=ImportApiPage />
                    <Route path=(StaticSegment("apis"), ParamSegment("api_id")) view=ApiPage />
                    <Route path=(StaticSegment("apis"), ParamSegment("api_id"), StaticSegment("import")) view=ImportIntoApiPage />
                    <Route path=(StaticSegment("apis"), ParamSegment("api_id"), StaticSegment("export")) view=ExportApiPage />
                    <Route
                        path=(StaticSegment("apis"), ParamSegment("api_id"), StaticSegment("resources"), ParamSegment("resource_id"), StaticSegment("methods"), ParamSegment("http_method"))
                        view=MethodPage
                    />
                    <Route path=StaticSegment("user-pools") view=UserPoolsPage />
                    // "new" before the pool-id route: routes match in order and `:pool_id` would take "new".
                    <Route path=(StaticSegment("user-pools"), StaticSegment("new")) view=CreateUserPoolPage />
                    <Route path=(StaticSegment("user-pools"), ParamSegment("pool_id")) view=UserPoolPage />
                    <Route path=StaticSegment("settings") view=SettingsPage />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// Sets `data-hydrated` on <body> once the wasm has taken over, so browser tests (and curious
/// people) can tell a server-rendered page from a live one.
fn mark_hydrated() {
    #[cfg(feature = "hydrate")]
    Effect::new(|_| {
        if let Some(body) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
        {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

use leptos::prelude::*;

/// Switches between the light and dark themes without a page load and remembers the choice.
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let dark = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            dark.set(root.class_list().contains("dark"));
        }
    });
    let toggle = move |_| {
        let now_dark = !dark.get_untracked();
        dark.set(now_dark);
        #[cfg(feature = "hydrate")]
        {
            let window = web_sys::window();
            if let Some(root) = window
                .as_ref()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element())
            {
                let _ = root.class_list().toggle_with_force("dark", now_dark);
            }
            if let Some(storage) = window.and_then(|w| w.local_storage().ok().flatten()) {
                let _ =
                    storage.set_item("gatehouse-theme", if now_dark { "dark" } else { "light" });
            }
        }
    };
    view! {
        <button
            type="button"
            data-testid="theme-toggle"
            class="rounded-md px-2 py-1 text-sm text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"
            aria-pressed=move || dark.get().to_string()
            on:click=toggle
        >
            <span aria-hidden="true">{move || if dark.get() { "☀" } else { "☾" }}</span>
            <span class="sr-only sm:not-sr-only sm:ml-1">{move || if dark.get() { "Light theme" } else { "Dark theme" }}</span>
        </button>
    }
}

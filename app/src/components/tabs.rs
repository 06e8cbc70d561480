use leptos::prelude::*;

/// A row of tabs that are links (`{base}?tab={key}`), so every tab has its own URL and works
/// with the back button. Pair it with a `role="tabpanel"` whose `aria-labelledby` is
/// [`tab_id`] of the active tab.
#[component]
pub fn TabLinks(
    /// The tabs: (key, label).
    tabs: &'static [(&'static str, &'static str)],
    /// The page the tabs belong to (without a query).
    #[prop(into)]
    base: String,
    #[prop(into)] active: Signal<&'static str>,
    #[prop(into)] label: String,
) -> impl IntoView {
    view! {
        <div role="tablist" aria-label=label class="-mb-px flex gap-1 overflow-x-auto border-b border-slate-200 dark:border-slate-800">
            {tabs
                .iter()
                .map(|(key, text)| {
                    let key = *key;
                    let selected = move || active.get() == key;
                    view! {
                        <a
                            role="tab"
                            id=tab_id(key)
                            href=format!("{base}?tab={key}")
                            aria-selected=move || selected().to_string()
                            aria-controls="tab-panel"
                            class=move || {
                                if selected() {
                                    "whitespace-nowrap border-b-2 border-indigo-600 px-3 py-2 text-sm font-medium text-indigo-700 dark:border-indigo-400 dark:text-indigo-300"
                                } else {
                                    "whitespace-nowrap border-b-2 border-transparent px-3 py-2 text-sm font-medium text-slate-600 hover:border-slate-300 hover:text-slate-900 dark:text-slate-400 dark:hover:border-slate-600 dark:hover:text-slate-100"
                                }
                            }
                        >
                            {*text}
                        </a>
                    }
                })
                .collect_view()}
        </div>
    }
}

/// The element id of a tab (for `aria-labelledby`).
pub fn tab_id(key: &str) -> String {
    format!("tab-{key}")
}

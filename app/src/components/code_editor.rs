use leptos::prelude::*;

/// A monospace `<textarea>` for templates and other code, with line numbers in a gutter that
/// scrolls with it. The text is submitted exactly as typed (no wrapping, no spell-check, no
/// auto-correction).
#[component]
pub fn CodeEditor(
    #[prop(into)] id: String,
    /// The form field name.
    #[prop(into)]
    name: String,
    /// The initial text.
    #[prop(optional, into)]
    value: String,
    /// The accessible name (when no `<label for>` points at `id`).
    #[prop(optional, into)]
    label: Option<String>,
    #[prop(optional, into)] described_by: Option<String>,
    #[prop(optional, into)] invalid: Option<Signal<bool>>,
    #[prop(optional, into)] placeholder: Option<String>,
    #[prop(default = 8)] rows: u32,
) -> impl IntoView {
    let lines = RwSignal::new(line_count(&value));
    let gutter = NodeRef::<leptos::html::Pre>::new();
    let sync_scroll = move |ev: leptos::ev::Event| {
        let area = event_target::<leptos::web_sys::HtmlTextAreaElement>(&ev);
        if let Some(gutter) = gutter.get() {
            gutter.set_scroll_top(area.scroll_top());
        }
    };
    let on_input = move |ev: leptos::ev::Event| {
        lines.set(line_count(&event_target_value(&ev)));
        sync_scroll(ev);
    };
    // A newline right after <textarea> is dropped by HTML parsers, so the server-rendered
    // text starts with one; once hydrated, the value property is set exactly.
    let initial = if value.is_empty() {
        String::new()
    } else {
        format!("\n{value}")
    };
    view! {
        <div class="flex max-h-[32rem] overflow-hidden rounded-md border border-slate-300 bg-white shadow-sm focus-within:border-indigo-500 focus-within:ring-2 focus-within:ring-indigo-500 dark:border-slate-700 dark:bg-slate-900">
            <pre
                node_ref=gutter
                aria-hidden="true"
                data-testid="line-numbers"
                class="m-0 shrink-0 select-none overflow-hidden border-r border-slate-200 bg-slate-50 px-2 py-2 text-right font-mono text-xs leading-5 text-slate-400 dark:border-slate-700 dark:bg-slate-800/60 dark:text-slate-500"
            >
                {move || (1..=lines.get()).map(|n| n.to_string()).collect::<Vec<_>>().join("\n")}
            </pre>
            <textarea
                id=id
                name=name
                rows=rows
                wrap="off"
                spellcheck="false"
                autocomplete="off"
                autocapitalize="off"
                aria-label=label
                aria-describedby=described_by
                aria-invalid=move || invalid.map(|i| i.get()).unwrap_or(false).to_string()
                placeholder=placeholder
                prop:value=value
                on:input=on_input
                on:scroll=sync_scroll
                class="block min-h-[6rem] w-full min-w-0 flex-1 resize-y overflow-auto whitespace-pre border-0 bg-transparent px-3 py-2 font-mono text-xs leading-5 text-slate-900 focus:outline-none focus:ring-0 dark:text-slate-100"
            >
                {initial}
            </textarea>
        </div>
    }
}

/// Lines in `text` (at least one).
pub fn line_count(text: &str) -> usize {
    text.split('\n').count().max(1)
}

#[cfg(test)]
mod tests {
    use super::line_count;

    #[test]
    fn counts_lines() {
        assert_eq!(line_count(""), 1);
        assert_eq!(line_count("{}"), 1);
        assert_eq!(line_count("a\nb"), 2);
        assert_eq!(line_count("a\n"), 2);
    }
}

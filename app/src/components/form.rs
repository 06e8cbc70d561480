use leptos::prelude::*;

use crate::error::AppError;

pub const INPUT_CLASS: &str = "block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500 dark:border-slate-700 dark:bg-slate-900";
pub const BUTTON_CLASS: &str = "inline-flex items-center justify-center gap-2 rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500 focus:ring-offset-2 disabled:cursor-not-allowed disabled:opacity-60 dark:focus:ring-offset-slate-900";
pub const SECONDARY_BUTTON_CLASS: &str = "inline-flex items-center justify-center gap-2 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-200 dark:hover:bg-slate-800";

/// A labelled input with its own inline error, taken from the last submission's error when it
/// names this field.
#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(optional)] help: Option<&'static str>,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    // Two forms on one page may share a field name; the label keeps the id unique.
    let slug: String = label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let id = format!("field-{name}-{slug}");
    let err_id = format!("{id}-error");
    let message = move || error.get().and_then(|e| e.for_field(name));
    let described = err_id.clone();
    view! {
        <div class="space-y-1">
            <label for=id.clone() class="block text-sm font-medium">{label}</label>
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                required=required
                class=INPUT_CLASS
                aria-invalid=move || message().is_some().to_string()
                aria-describedby=described
            />
            {help.map(|h| view! { <p class="text-xs text-slate-500 dark:text-slate-400">{h}</p> })}
            <p id=err_id class="text-sm text-red-600 dark:text-red-400" data-testid=format!("error-{name}")>
                {message}
            </p>
        </div>
    }
}

/// The error of a submission that is not about one field (shown above the form).
#[component]
pub fn FormError(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let message = move || {
        error
            .get()
            .filter(|e| !matches!(e, AppError::Invalid { field: Some(_), .. }))
            .map(|e| e.to_string())
    };
    view! {
        <Show when=move || message().is_some()>
            <div role="alert" data-testid="form-error" class="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
                {message}
            </div>
        </Show>
    }
}

/// A success confirmation that appears after a submission went through.
#[component]
pub fn FormSuccess(#[prop(into)] show: Signal<bool>, message: &'static str) -> impl IntoView {
    view! {
        <Show when=move || show.get()>
            <div role="status" data-testid="form-success" class="rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-800 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-200">
                {message}
            </div>
        </Show>
    }
}

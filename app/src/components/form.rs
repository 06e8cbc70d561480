use leptos::prelude::*;

use crate::error::AppError;

pub const INPUT_CLASS: &str = "block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500 dark:border-slate-700 dark:bg-slate-900";
pub const BUTTON_CLASS: &str = "inline-flex items-center justify-center gap-2 rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500 focus:ring-offset-2 disabled:cursor-not-allowed disabled:opacity-60 dark:focus:ring-offset-slate-900";
pub const SECONDARY_BUTTON_CLASS: &str = "inline-flex items-center justify-center gap-2 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100 disabled:cursor-not-allowed disabled:opacity-60 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-200 dark:hover:bg-slate-800";
pub const DANGER_BUTTON_CLASS: &str = "inline-flex items-center justify-center gap-2 rounded-md bg-red-600 px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-red-500 focus:outline-none focus:ring-2 focus:ring-red-500 focus:ring-offset-2 disabled:cursor-not-allowed disabled:opacity-50 dark:focus:ring-offset-slate-900";
pub const CHECKBOX_CLASS: &str = "h-4 w-4 rounded border-slate-300 text-indigo-600 accent-indigo-600 focus:ring-indigo-500 dark:border-slate-600";

/// An id-safe slug of a label or field name.
fn slug(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// A labelled input with its own inline error, taken from the last submission's error when it
/// names this field.
#[component]
pub fn Field(
    #[prop(into)] label: String,
    #[prop(into)] name: String,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(optional, into)] help: Option<String>,
    /// The initial value.
    #[prop(optional, into)]
    value: Option<String>,
    #[prop(optional, into)] placeholder: Option<String>,
    #[prop(optional)] min: Option<&'static str>,
    #[prop(optional)] max: Option<&'static str>,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    // Two forms on one page may share a field name; the label keeps the id unique.
    let id = format!("field-{}-{}", slug(&name), slug(&label));
    let err_id = format!("{id}-error");
    let help_id = format!("{id}-help");
    let field = name.clone();
    let message = move || error.get().and_then(|e| e.for_field(&field));
    let invalid = message.clone();
    let described = if help.is_some() {
        format!("{err_id} {help_id}")
    } else {
        err_id.clone()
    };
    view! {
        <div class="space-y-1">
            <label for=id.clone() class="block text-sm font-medium">{label}</label>
            <input
                id=id
                name=name.clone()
                type=kind
                autocomplete=autocomplete
                required=required
                aria-required=required.then_some("true")
                value=value
                placeholder=placeholder
                min=min
                max=max
                class=INPUT_CLASS
                aria-invalid=move || invalid().is_some().to_string()
                aria-describedby=described
            />
            {help.map(|h| view! { <p id=help_id class="text-xs text-slate-500 dark:text-slate-400">{h}</p> })}
            <p id=err_id class="text-sm text-red-600 dark:text-red-400" data-testid=format!("error-{name}")>
                {message}
            </p>
        </div>
    }
}

/// A labelled checkbox (submitted as `on` when ticked, absent otherwise).
#[component]
pub fn Checkbox(
    #[prop(into)] label: String,
    #[prop(into)] name: String,
    #[prop(optional)] checked: bool,
    #[prop(optional, into)] help: Option<String>,
    #[prop(optional, into)] value: Option<String>,
) -> impl IntoView {
    let id = format!(
        "check-{}-{}-{}",
        slug(&name),
        slug(value.as_deref().unwrap_or("")),
        slug(&label)
    );
    view! {
        <div class="flex items-start gap-2">
            <input id=id.clone() type="checkbox" name=name value=value checked=checked class=format!("mt-0.5 {CHECKBOX_CLASS}") />
            <div>
                <label for=id class="text-sm font-medium">{label}</label>
                {help.map(|h| view! { <p class="text-xs text-slate-500 dark:text-slate-400">{h}</p> })}
            </div>
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

//! What a page shows where something it loads could not be loaded: the fallback of the
//! `ErrorBoundary` around the loaded part, with each error's message as an alert.

use leptos::prelude::*;

/// A part of a page loaded from the server: `loading` until the first load is done (a reload
/// keeps the last content), then the children — a `Suspend` resolving to a `Result` — or, for
/// an error, its message as an alert.
#[component]
pub fn Loaded(
    /// Shown until the first load is done.
    loading: &'static str,
    /// The classes of that line.
    #[prop(default = "text-sm text-slate-500")]
    loading_class: &'static str,
    children: Children,
) -> impl IntoView {
    view! {
        <Transition fallback=move || view! { <p class=loading_class>{loading}</p> }>
            <ErrorBoundary fallback=load_error>{children()}</ErrorBoundary>
        </Transition>
    }
}

/// `<ErrorBoundary fallback=load_error>`: the messages of the errors caught.
pub fn load_error(errors: ArcRwSignal<Errors>) -> impl IntoView {
    view! {
        <p role="alert" class="mt-3 text-sm text-red-600 dark:text-red-400">
            {move || {
                errors
                    .get()
                    .into_iter()
                    .map(|(_, e)| e.to_string())
                    .collect::<Vec<_>>()
                    .join(" ")
            }}
        </p>
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use leptos::prelude::*;

    use super::load_error;
    use crate::error::AppError;

    fn render(result: Result<&'static str, AppError>) -> String {
        let owner = Owner::new();
        owner.with(|| {
            view! { <ErrorBoundary fallback=load_error>{result}</ErrorBoundary> }.to_html()
        })
    }

    #[test]
    fn a_failed_load_shows_its_message_as_an_alert() {
        let html = render(Err(AppError::form("The pool no longer exists.")));
        assert!(html.contains(r#"role="alert""#), "{html}");
        assert!(html.contains("The pool no longer exists."), "{html}");
    }

    #[test]
    fn a_load_that_worked_shows_no_alert() {
        let html = render(Ok("three pools"));
        assert!(html.contains("three pools"), "{html}");
        assert!(!html.contains("alert"), "{html}");
    }
}

use leptos::prelude::*;

use crate::components::form::SECONDARY_BUTTON_CLASS;

/// What the last click of a copy button did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum CopyState {
    Idle,
    Copied,
    Failed,
}

/// Copies `text` to the clipboard (`navigator.clipboard.writeText`) and says "Copied" for a
/// moment. `what` names the value for screen readers ("Copy pool ID").
#[component]
pub fn CopyButton(#[prop(into)] text: String, #[prop(into)] what: String) -> impl IntoView {
    let state = RwSignal::new(CopyState::Idle);
    let text = StoredValue::new(text);
    let on_click = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let value = text.get_value();
            leptos::task::spawn_local(async move {
                let ok = write_clipboard(&value).await;
                state.set(if ok {
                    CopyState::Copied
                } else {
                    CopyState::Failed
                });
                set_timeout(
                    move || state.set(CopyState::Idle),
                    std::time::Duration::from_millis(2000),
                );
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = text;
    };
    view! {
        <button
            type="button"
            class=format!("{SECONDARY_BUTTON_CLASS} shrink-0")
            aria-label=format!("Copy {what}")
            on:click=on_click
        >
            {move || match state.get() {
                CopyState::Copied => view! {
                    <svg aria-hidden="true" viewBox="0 0 20 20" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" class="h-4 w-4 text-emerald-600 dark:text-emerald-400">
                        <path d="M4 10.5l4 4 8-9" />
                    </svg>
                }.into_any(),
                _ => view! {
                    <svg aria-hidden="true" viewBox="0 0 20 20" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linejoin="round" class="h-4 w-4">
                        <rect x="7" y="7" width="10" height="10" rx="2" />
                        <path d="M13 7V5a2 2 0 0 0-2-2H5a2 2 0 0 0-2 2v6a2 2 0 0 0 2 2h2" />
                    </svg>
                }.into_any(),
            }}
            <span>{move || match state.get() {
                CopyState::Idle => "Copy",
                CopyState::Copied => "Copied",
                CopyState::Failed => "Copy failed",
            }}</span>
        </button>
        <span class="sr-only" role="status">{move || match state.get() {
            CopyState::Copied => format!("{what} copied to the clipboard"),
            CopyState::Failed => format!("Could not copy {what}; select it and copy it by hand"),
            CopyState::Idle => String::new(),
        }}</span>
    }
}

/// `navigator.clipboard.writeText(text)`, awaited. False when the clipboard is unavailable
/// (plain-http origins other than localhost) or the browser refuses.
#[cfg(feature = "hydrate")]
async fn write_clipboard(text: &str) -> bool {
    use leptos::__reexports::wasm_bindgen_futures::{JsFuture, js_sys};
    use leptos::wasm_bindgen::{JsCast, JsValue};

    let Some(window) = web_sys::window() else {
        return false;
    };
    let get = |target: &JsValue, key: &str| {
        js_sys::Reflect::get(target, &JsValue::from_str(key))
            .ok()
            .filter(|v| !v.is_undefined() && !v.is_null())
    };
    let Some(clipboard) = get(window.as_ref(), "navigator").and_then(|n| get(&n, "clipboard"))
    else {
        return false;
    };
    let Some(write) =
        get(&clipboard, "writeText").and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    else {
        return false;
    };
    match write.call1(&clipboard, &JsValue::from_str(text)) {
        Ok(promise) => match promise.dyn_into::<js_sys::Promise>() {
            Ok(promise) => JsFuture::from(promise).await.is_ok(),
            Err(_) => false,
        },
        Err(_) => false,
    }
}

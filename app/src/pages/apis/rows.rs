//! Editable rows shared by the method forms: parameter mappings (target ← source) and mapping
//! templates per content type. Rows are added and removed in the browser; each row's inputs
//! are named `{section}[{key}][...]` and its own error is the field `{section}.{key}`.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::template_preview::TemplatePreview;
use crate::components::code_editor::CodeEditor;
use crate::components::form::{INPUT_CLASS, SECONDARY_BUTTON_CLASS};
use crate::error::AppError;

/// The error field of one row.
pub fn row_field(section: &str, key: &str) -> String {
    format!("{section}.{key}")
}

/// Rows with stable keys (for their inputs' names and their errors).
pub struct Rows<T: Send + Sync + 'static> {
    items: RwSignal<Vec<(u32, T)>>,
    next: StoredValue<u32>,
}

impl<T: Send + Sync + 'static> Clone for Rows<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Rows<T> {}

impl<T: Clone + Send + Sync + 'static> Rows<T> {
    pub fn new(initial: Vec<T>) -> Self {
        let items: Vec<(u32, T)> = initial
            .into_iter()
            .enumerate()
            .map(|(i, t)| (i as u32, t))
            .collect();
        let next = items.len() as u32;
        Rows {
            items: RwSignal::new(items),
            next: StoredValue::new(next),
        }
    }

    pub fn add(self, item: T) {
        let key = self.next.get_value();
        self.next.set_value(key + 1);
        self.items.update(|rows| rows.push((key, item)));
    }

    pub fn remove(self, key: u32) {
        self.items.update(|rows| rows.retain(|(k, _)| *k != key));
    }

    pub fn list(self) -> Vec<(u32, T)> {
        self.items.get()
    }

    pub fn is_empty(self) -> bool {
        self.items.with(Vec::is_empty)
    }
}

/// A mapping row as the form sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MappingInput {
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub target: String,
    #[serde(default)]
    pub source: String,
}

/// A mapping-template row as the form sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateInput {
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub content_type: String,
    #[serde(default)]
    pub template: String,
}

/// A row's own error, or none.
fn row_message(error: Signal<Option<AppError>>, field: String) -> impl Fn() -> Option<String> {
    move || error.get().and_then(|e| e.for_field(&field))
}

/// The error of a whole section (what the `apis` crate reports about the map).
#[component]
pub fn SectionError(
    #[prop(into)] error: Signal<Option<AppError>>,
    section: &'static str,
) -> impl IntoView {
    view! {
        <p id=format!("{section}-error") class="text-sm text-red-600 dark:text-red-400" data-testid=format!("error-{section}")>
            {move || error.get().and_then(|e| e.for_field(section))}
        </p>
    }
}

/// Parameter mappings: `target ← source` rows.
#[component]
pub fn MappingRows(
    /// The form field (`request_parameters`, `response_parameters`).
    section: &'static str,
    initial: Vec<(String, String)>,
    target_label: &'static str,
    target_placeholder: &'static str,
    source_placeholder: &'static str,
    add_label: &'static str,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> AnyView {
    let rows = Rows::new(initial);
    view! {
        <div class="space-y-2">
            <Show when=move || rows.is_empty()>
                <p class="text-sm text-slate-500 dark:text-slate-400" data-testid=format!("{section}-empty")>"None."</p>
            </Show>
            <ul class="space-y-2" aria-label="Mappings">
                <For each=move || rows.list() key=|(k, _)| *k let:row>
                    {
                        let (key, (target, source)) = row;
                        let prefix = format!("{section}[{key}]");
                        let message = row_message(error, row_field(section, &key.to_string()));
                        let message2 = row_message(error, row_field(section, &key.to_string()));
                        view! {
                            <li data-testid=format!("{section}-row")>
                                <input type="hidden" name=format!("{prefix}[key]") value=key.to_string() />
                                <div class="flex flex-wrap items-center gap-2">
                                    <input name=format!("{prefix}[target]") value=target aria-label=target_label
                                        placeholder=target_placeholder autocomplete="off" spellcheck="false"
                                        class=format!("{INPUT_CLASS} min-w-[14rem] flex-1 font-mono text-xs")
                                        aria-invalid=move || message2().is_some().to_string() />
                                    <span aria-hidden="true" class="text-slate-400">"←"</span>
                                    <input name=format!("{prefix}[source]") value=source aria-label="Mapped from"
                                        placeholder=source_placeholder autocomplete="off" spellcheck="false"
                                        class=format!("{INPUT_CLASS} min-w-[14rem] flex-1 font-mono text-xs") />
                                    <button type="button" class="text-sm text-red-600 hover:underline dark:text-red-400"
                                        on:click=move |_| rows.remove(key)>"Remove"</button>
                                </div>
                                <p class="mt-1 text-sm text-red-600 dark:text-red-400" data-testid="error-row">{message}</p>
                            </li>
                        }
                    }
                </For>
            </ul>
            <SectionError error section />
            <button type="button" class=SECONDARY_BUTTON_CLASS on:click=move |_| rows.add((String::new(), String::new()))>
                {add_label}
            </button>
        </div>
    }
    .into_any()
}

/// Mapping templates per content type, each in a code editor.
#[component]
pub fn TemplateRows(
    /// The form field (`request_templates`, `response_templates`).
    section: &'static str,
    initial: Vec<(String, String)>,
    #[prop(into)] error: Signal<Option<AppError>>,
    /// For the editors' labels ("Request template", "Response template").
    what: &'static str,
    /// Makes the element ids unique when several forms on a page have templates.
    #[prop(into)]
    id_prefix: String,
) -> AnyView {
    let id_prefix = StoredValue::new(id_prefix);
    let rows = Rows::new(initial);
    view! {
        <div class="space-y-3">
            <Show when=move || rows.is_empty()>
                <p class="text-sm text-slate-500 dark:text-slate-400" data-testid=format!("{section}-empty")>"No mapping templates."</p>
            </Show>
            <ul class="space-y-3" aria-label="Mapping template list">
                <For each=move || rows.list() key=|(k, _)| *k let:row>
                    {
                        let (key, (content_type, template)) = row;
                        let prefix = format!("{section}[{key}]");
                        let field = row_field(section, &key.to_string());
                        let message = row_message(error, field.clone());
                        let invalid = Signal::derive(row_message(error, field));
                        let base = format!("{}-{section}-{key}", id_prefix.get_value());
                        let ct_id = format!("{base}-content-type");
                        let editor_id = format!("{base}-template");
                        let err_id = format!("{base}-error");
                        let editor_err = err_id.clone();
                        view! {
                            <li class="rounded-lg border border-slate-200 p-3 dark:border-slate-700" data-testid=format!("{section}-row")>
                                <input type="hidden" name=format!("{prefix}[key]") value=key.to_string() />
                                <div class="flex flex-wrap items-end justify-between gap-2">
                                    <div class="space-y-1">
                                        <label for=ct_id.clone() class="block text-xs font-medium text-slate-600 dark:text-slate-300">"Content type"</label>
                                        <input id=ct_id name=format!("{prefix}[content_type]") value=content_type
                                            placeholder="application/json" autocomplete="off" spellcheck="false"
                                            class=format!("{INPUT_CLASS} w-64 font-mono text-xs")
                                            aria-invalid=move || invalid.get().is_some().to_string()
                                            aria-describedby=err_id.clone() />
                                    </div>
                                    <button type="button" class="pb-2 text-sm text-red-600 hover:underline dark:text-red-400"
                                        on:click=move |_| rows.remove(key)>"Delete template"</button>
                                </div>
                                <div class="mt-2 space-y-1">
                                    <label for=editor_id.clone() class="block text-xs font-medium text-slate-600 dark:text-slate-300">{what}</label>
                                    <TemplatePreview id=editor_id.clone() initial=template.clone()
                                        what=if what.starts_with("Request") { "request" } else { "response" }>
                                        <CodeEditor id=editor_id name=format!("{prefix}[template]") value=template
                                            described_by=editor_err invalid=Signal::derive(move || invalid.get().is_some()) rows=8 />
                                    </TemplatePreview>
                                </div>
                                <p id=err_id class="mt-1 text-sm text-red-600 dark:text-red-400" data-testid="error-row">{message}</p>
                            </li>
                        }
                    }
                </For>
            </ul>
            <SectionError error section />
            <button type="button" class=SECONDARY_BUTTON_CLASS on:click=move |_| rows.add((String::new(), String::new()))>
                "+ Add mapping template"
            </button>
        </div>
    }
    .into_any()
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use std::collections::BTreeMap;

    use super::{MappingInput, TemplateInput, row_field};
    use crate::error::AppError;
    use crate::form_input::invalid;

    /// Mapping rows as a map; empty rows are dropped, half-filled and repeated ones refused
    /// beside their row. The expressions themselves are checked by the `apis` crate.
    pub fn mappings(
        section: &str,
        rows: &[MappingInput],
    ) -> Result<BTreeMap<String, String>, AppError> {
        let mut out = BTreeMap::new();
        for row in rows {
            let field = row_field(section, &row.key);
            let (target, source) = (row.target.trim(), row.source.trim());
            match (target.is_empty(), source.is_empty()) {
                (true, true) => continue,
                (true, false) => return Err(invalid(&field, "Enter the parameter to set.")),
                (false, true) => {
                    return Err(invalid(
                        &field,
                        "Enter where its value comes from (e.g. a context variable or a 'static value').",
                    ));
                }
                (false, false) => {}
            }
            if out.insert(target.to_string(), source.to_string()).is_some() {
                return Err(invalid(&field, format!("{target} is mapped twice.")));
            }
        }
        Ok(out)
    }

    /// Template rows as a map (content type → template, exactly as typed apart from CRLF line
    /// ends, which become LF). Each row's content type must be given once; a template over
    /// 300 KB is refused beside its row.
    pub fn templates(
        section: &str,
        rows: &[TemplateInput],
    ) -> Result<BTreeMap<String, String>, AppError> {
        let mut out = BTreeMap::new();
        for row in rows {
            let field = row_field(section, &row.key);
            let content_type = row.content_type.trim();
            let template = row.template.replace("\r\n", "\n");
            if content_type.is_empty() {
                if template.trim().is_empty() {
                    continue;
                }
                return Err(invalid(
                    &field,
                    "Enter the content type this template is for (e.g. application/json).",
                ));
            }
            if template.len() > apis::validate::MAX_TEMPLATE_BYTES {
                return Err(invalid(
                    &field,
                    format!(
                        "This template is {} KB; mapping templates are limited to 300 KB.",
                        template.len().div_ceil(1024)
                    ),
                ));
            }
            if out.insert(content_type.to_string(), template).is_some() {
                return Err(invalid(
                    &field,
                    format!("There is already a template for {content_type}."),
                ));
            }
        }
        Ok(out)
    }

    /// Refuses a template that does not parse, beside its row, with the line:column of the
    /// problem (a deployment would otherwise serve 500 for the method).
    pub fn check_templates(section: &str, rows: &[TemplateInput]) -> Result<(), AppError> {
        for row in rows {
            // Empty and oversized templates get the apis crate's own messages.
            if row.template.trim().is_empty()
                || row.template.len() > vtl::Limits::default().max_template_bytes
            {
                continue;
            }
            if let Err(e) = vtl::Template::parse(&row.template) {
                return Err(invalid(
                    &row_field(section, &row.key),
                    format!(
                        "Line {}, column {}: the template does not parse: {}",
                        e.line, e.column, e.message
                    ),
                ));
            }
        }
        Ok(())
    }
}

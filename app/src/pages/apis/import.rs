//! `/apis/import` (a new API from a document) and `/apis/{api_id}/import` (merge a document into
//! an API, or overwrite the API with it): paste or upload a Swagger 2.0 / OpenAPI 3.0 document
//! (JSON or YAML), preview what will be created, changed and deleted with every warning, then
//! apply it in one transaction. The text stays in the editor whatever happens.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};
use serde::{Deserialize, Serialize};

use super::api_details::{ApiNotFound, api_crumbs, get_rest_api};
use super::shared::{api_href, count};
use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::code_editor::CodeEditor;
use crate::components::form::{BUTTON_CLASS, FormError, SECONDARY_BUTTON_CLASS};
use crate::components::style::{CARD, EMPTY, MUTED};
use crate::error::{AppError, DOCUMENT_FIELD};

/// The largest document accepted: the `openapi` crate's limit, checked in the browser too so a
/// huge file is refused before it is sent.
pub const MAX_DOCUMENT_BYTES: usize = 5 * 1024 * 1024;

/// What an import does to the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Mode {
    /// Creates a new API.
    New,
    /// Makes an existing API exactly the document.
    Overwrite,
    /// Adds the document to an existing API; a method in both is replaced as a whole.
    Merge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChangeKind {
    Create,
    Update,
    Delete,
}

impl ChangeKind {
    pub fn label(self) -> &'static str {
        match self {
            ChangeKind::Create => "Create",
            ChangeKind::Update => "Change",
            ChangeKind::Delete => "Delete",
        }
    }

    fn key(self) -> &'static str {
        match self {
            ChangeKind::Create => "create",
            ChangeKind::Update => "update",
            ChangeKind::Delete => "delete",
        }
    }

    fn badge(self) -> &'static str {
        match self {
            ChangeKind::Create => {
                "w-16 shrink-0 rounded px-1.5 py-0.5 text-center text-xs font-semibold bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300"
            }
            ChangeKind::Update => {
                "w-16 shrink-0 rounded px-1.5 py-0.5 text-center text-xs font-semibold bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300"
            }
            ChangeKind::Delete => {
                "w-16 shrink-0 rounded px-1.5 py-0.5 text-center text-xs font-semibold bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300"
            }
        }
    }
}

/// One line of the preview: "Create method GET /pets".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeView {
    pub kind: ChangeKind,
    /// "resource", "method", "authorizer", ...
    pub entity: String,
    pub what: String,
}

/// What an import would do, before anything is written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportPreviewView {
    pub api_name: String,
    /// "Swagger 2.0" or "OpenAPI 3.0".
    pub spec: String,
    pub changes: Vec<ChangeView>,
    pub warnings: Vec<String>,
}

impl ImportPreviewView {
    pub fn count(&self, kind: ChangeKind) -> usize {
        self.changes.iter().filter(|c| c.kind == kind).count()
    }

    /// "3 to create, 1 to change, 2 to delete, 1 warning".
    pub fn summary(&self) -> String {
        let n = |k| i64::try_from(self.count(k)).unwrap_or(i64::MAX);
        let warnings = i64::try_from(self.warnings.len()).unwrap_or(i64::MAX);
        format!(
            "{} to create, {} to change, {} to delete, {}",
            n(ChangeKind::Create),
            n(ChangeKind::Update),
            n(ChangeKind::Delete),
            count(warnings, "warning")
        )
    }
}

/// Why the document cannot be sent at all, if it cannot (checked before any request).
pub fn document_problem(text: &str) -> Option<String> {
    if text.trim().is_empty() {
        return Some("Paste a Swagger 2.0 or OpenAPI 3.0 document, or choose a file.".to_owned());
    }
    too_large(text.len())
}

fn too_large(bytes: usize) -> Option<String> {
    (bytes > MAX_DOCUMENT_BYTES).then(|| {
        format!("The document is {bytes} bytes; the limit is {MAX_DOCUMENT_BYTES} bytes (5 MB).")
    })
}

/// The label of the button that applies the import.
pub fn apply_label(mode: Mode) -> &'static str {
    match mode {
        Mode::New => "Import API",
        Mode::Overwrite => "Overwrite API",
        Mode::Merge => "Merge into API",
    }
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::{ChangeKind, ChangeView, DOCUMENT_FIELD, ImportPreviewView, Mode};
    use crate::error::AppError;

    /// Where imported ARNs are resolved (the embedded pools' account and region).
    pub fn context() -> openapi::ImportContext {
        let identity = crate::auth::ssr::state().identity;
        openapi::ImportContext {
            account_id: identity.account_id().to_owned(),
            region: identity.region().to_owned(),
        }
    }

    /// The mode, checked against whether an API was named.
    pub fn mode(api_id: Option<&str>, mode: Mode) -> Result<openapi::ImportMode, AppError> {
        match (api_id, mode) {
            (None, Mode::New) => Ok(openapi::ImportMode::New),
            (Some(_), Mode::Overwrite) => Ok(openapi::ImportMode::Overwrite),
            (Some(_), Mode::Merge) => Ok(openapi::ImportMode::Merge),
            (None, _) => {
                Err(AppError::form("Choose the API to merge into or overwrite.").with_status())
            }
            (Some(_), Mode::New) => Err(AppError::form(
                "A new API is imported from the APIs list, not into an existing API.",
            )
            .with_status()),
        }
    }

    /// Refuses an empty or oversized document before it is parsed.
    pub fn document(text: &str) -> Result<(), AppError> {
        match super::document_problem(text) {
            Some(problem) => Err(AppError::invalid(DOCUMENT_FIELD, problem).with_status()),
            None => Ok(()),
        }
    }

    pub fn view(p: openapi::ImportPreview) -> ImportPreviewView {
        ImportPreviewView {
            api_name: p.api_name,
            spec: match p.spec {
                openapi::Spec::Swagger2 => "Swagger 2.0",
                openapi::Spec::OpenApi3 => "OpenAPI 3.0",
            }
            .to_owned(),
            changes: p
                .changes
                .into_iter()
                .map(|c| ChangeView {
                    kind: match c.kind {
                        openapi::ChangeKind::Create => ChangeKind::Create,
                        openapi::ChangeKind::Update => ChangeKind::Update,
                        openapi::ChangeKind::Delete => ChangeKind::Delete,
                    },
                    entity: c.entity.to_owned(),
                    what: c.what,
                })
                .collect(),
            warnings: p.warnings,
        }
    }
}

/// What importing `document` would do; nothing is written.
#[server(endpoint = "preview_api_import", input = server_fn::codec::Json)]
pub async fn preview_api_import(
    api_id: Option<String>,
    mode: Mode,
    document: String,
) -> Result<ImportPreviewView, AppError> {
    use super::shared::ssr::db;
    use crate::auth::ssr::require_admin;
    require_admin().await?;
    let import_mode = ssr::mode(api_id.as_deref(), mode)?;
    ssr::document(&document)?;
    let api_id = api_id.map(apis::RestApiId::new);
    let preview = openapi::preview_import(
        &db(),
        &ssr::context(),
        api_id.as_ref(),
        import_mode,
        &document,
    )
    .await?;
    Ok(ssr::view(preview))
}

/// Applies `document` (all of it or nothing) and returns the API's id.
#[server(endpoint = "import_api_document", input = server_fn::codec::Json)]
pub async fn import_api_document(
    api_id: Option<String>,
    mode: Mode,
    document: String,
) -> Result<String, AppError> {
    use super::shared::ssr::db;
    use crate::auth::ssr::require_admin;
    let me = require_admin().await?;
    let import_mode = ssr::mode(api_id.as_deref(), mode)?;
    ssr::document(&document)?;
    let api_id = api_id.map(apis::RestApiId::new);
    let imported = openapi::import(
        &db(),
        &ssr::context(),
        api_id.as_ref(),
        import_mode,
        &document,
    )
    .await?;
    tracing::info!(api.id = %imported.api_id, mode = ?mode, changes = imported.preview.changes.len(),
        warnings = imported.preview.warnings.len(), by = %me.username, "API imported in the console");
    Ok(imported.api_id.into())
}

/// `/apis/import`: a new API from a document.
#[component]
pub fn ImportApiPage() -> impl IntoView {
    view! {
        <Title text="Import API" />
        <Breadcrumbs crumbs=vec![("Console", Some("/")), ("APIs", Some("/apis")), ("Import", None)] />
        <div>
            <h1 class="text-2xl font-semibold tracking-tight">"Import API"</h1>
            <p class="mt-1 text-slate-600 dark:text-slate-400">
                "Create an API from a Swagger 2.0 or OpenAPI 3.0 definition with the x-amazon-apigateway extensions (integrations, Cognito authorizers), as API Gateway exports it."
            </p>
        </div>
        <ImportForm api_id=None />
    }
}

/// `/apis/{api_id}/import`: merge a document into an API, or overwrite the API with it.
#[component]
pub fn ImportIntoApiPage() -> impl IntoView {
    let params = use_params_map();
    let api_id = Memo::new(move |_| params.read().get("api_id").unwrap_or_default());
    let api = Resource::new(move || api_id.get(), get_rest_api);
    view! {
        <Transition fallback=move || view! {
            <Breadcrumbs crumbs=api_crumbs(vec![(api_id.get_untracked(), None)]) />
            <p class="text-sm text-slate-500">"Loading API…"</p>
        }>
            {move || Suspend::new(async move {
                match api.await {
                    Ok(details) => {
                        let crumbs = api_crumbs(vec![
                            (details.name.clone(), Some(api_href(&details.id))),
                            ("Import".to_owned(), None),
                        ]);
                        view! {
                            <Title text=format!("Import · {}", details.name) />
                            <Breadcrumbs crumbs />
                            <div>
                                <h1 class="text-2xl font-semibold tracking-tight">{format!("Import into {}", details.name)}</h1>
                                <p class="mt-1 text-slate-600 dark:text-slate-400">
                                    "Update this API from a Swagger 2.0 or OpenAPI 3.0 definition. Stages and deployments are not touched: callers see the change once you deploy."
                                </p>
                            </div>
                            <ImportForm api_id=Some(details.id) />
                        }.into_any()
                    }
                    Err(error) => view! { <ApiNotFound error crumb=api_id.get_untracked() /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ImportForm(api_id: Option<String>) -> AnyView {
    let existing = api_id.is_some();
    let api_id = StoredValue::new(api_id);
    let mode = RwSignal::new(if existing { Mode::Merge } else { Mode::New });
    let text = RwSignal::new(String::new());
    // The editor is re-rendered with this text when a file is loaded (typing only updates `text`).
    let loaded = RwSignal::new((0u32, String::new()));
    // Bumped on every edit, so a preview of an older text or mode is known to be stale.
    let edits = RwSignal::new(0u32);
    let previewed_at = RwSignal::new(None::<u32>);
    let local_error = RwSignal::new(None::<AppError>);
    let file_note = RwSignal::new(None::<String>);

    let preview = Action::new(move |input: &(Option<String>, Mode, String)| {
        let (api_id, mode, document) = input.clone();
        preview_api_import(api_id, mode, document)
    });
    let import = Action::new(move |input: &(Option<String>, Mode, String)| {
        let (api_id, mode, document) = input.clone();
        import_api_document(api_id, mode, document)
    });
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = import.value().get() {
            navigate(&api_href(&id), Default::default());
        }
    });

    let edited = move || {
        edits.update(|n| *n += 1);
        local_error.set(None);
    };
    let current_preview = Signal::derive(move || match preview.value().get() {
        Some(Ok(p)) => Some(p),
        _ => None,
    });
    let fresh = Signal::derive(move || {
        current_preview.with(Option::is_some) && previewed_at.get() == Some(edits.get())
    });
    // The newest error of the two steps, or the one found before sending.
    let error = Signal::derive(move || {
        local_error.get().or_else(|| {
            let import_err = import.value().get().and_then(|r| r.err());
            let preview_err = preview.value().get().and_then(|r| r.err());
            if import.version().get() > 0 && import_err.is_some() {
                import_err
            } else {
                preview_err
            }
        })
    });
    let document_error =
        Signal::derive(move || error.get().and_then(|e| e.for_field(DOCUMENT_FIELD)));
    // A syntax error's line and column are selected in the editor when an answer arrives (not
    // on later edits, so typing is never interrupted).
    #[cfg(feature = "hydrate")]
    {
        Effect::new(move |_| {
            let message = preview.value().with(|v| match v {
                Some(Err(e)) => e.for_field(DOCUMENT_FIELD),
                _ => None,
            });
            if let Some(message) = message {
                text.with_untracked(|t| reveal_error(t, &message));
            }
        });
        Effect::new(move |_| {
            let message = import.value().with(|v| match v {
                Some(Err(e)) => e.for_field(DOCUMENT_FIELD),
                _ => None,
            });
            if let Some(message) = message {
                text.with_untracked(|t| reveal_error(t, &message));
            }
        });
    }

    let request = move || {
        (
            api_id.get_value(),
            mode.get_untracked(),
            text.get_untracked(),
        )
    };
    let on_preview = move |_| {
        if let Some(problem) = text.with_untracked(|t| document_problem(t)) {
            local_error.set(Some(AppError::invalid(DOCUMENT_FIELD, problem)));
            return;
        }
        local_error.set(None);
        import.value().set(None);
        previewed_at.set(Some(edits.get_untracked()));
        preview.dispatch(request());
    };
    let on_import = move |_| {
        if !fresh.get_untracked() {
            return;
        }
        import.dispatch(request());
    };
    let on_file = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        read_file(ev, move |result| match result {
            Ok((name, body)) => {
                file_note.set(Some(format!("Loaded {name} ({} bytes).", body.len())));
                text.set(body.clone());
                loaded.update(|(n, t)| {
                    *n += 1;
                    *t = body;
                });
                edited();
            }
            Err(message) => {
                file_note.set(None);
                local_error.set(Some(AppError::invalid(DOCUMENT_FIELD, message)));
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, file_note, loaded);
    };
    let preview_pending = preview.pending();
    let import_pending = import.pending();

    let upload = view! {
        <div class="space-y-1">
            <label for="import-file" class="block text-sm font-medium">"Upload a file"</label>
            <input id="import-file" type="file" accept=".json,.yaml,.yml,application/json,application/yaml,text/yaml"
                on:change=on_file aria-describedby="import-file-help"
                class="block w-full text-sm text-slate-600 file:mr-3 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium file:text-slate-700 hover:file:bg-slate-100 dark:text-slate-300 dark:file:border-slate-700 dark:file:bg-slate-900 dark:file:text-slate-200" />
            <p id="import-file-help" class="text-xs text-slate-500 dark:text-slate-400">
                {move || file_note.get().unwrap_or_else(|| "JSON or YAML, at most 5 MB. Its text appears below, where you can edit it.".to_owned())}
            </p>
        </div>
    }
    .into_any();
    let editor = view! {
        <div class="space-y-1">
            <label for="import-document" class="block text-sm font-medium">"Swagger / OpenAPI document"</label>
            <div on:input=move |ev| {
                text.set(event_target_value(&ev));
                edited();
            }>
                {move || {
                    let (_, value) = loaded.get();
                    view! {
                        <CodeEditor id="import-document" name=DOCUMENT_FIELD value rows=22
                            described_by="import-document-error"
                            invalid=Signal::derive(move || document_error.get().is_some())
                            placeholder="{\n  \"swagger\": \"2.0\",\n  \"info\": { \"title\": \"Pets\", \"version\": \"1\" },\n  \"paths\": { ... }\n}" />
                    }
                }}
            </div>
            <p id="import-document-error" role="alert" data-testid="error-document" class="whitespace-pre-wrap text-sm text-red-600 dark:text-red-400">
                {move || document_error.get()}
            </p>
        </div>
    }
    .into_any();
    let buttons = view! {
        <div class="flex flex-wrap items-center gap-2">
            <button type="button" class=SECONDARY_BUTTON_CLASS on:click=on_preview
                disabled=move || preview_pending.get() || import_pending.get()>
                {move || if preview_pending.get() { "Checking…" } else { "Preview" }}
            </button>
            <button type="button" class=BUTTON_CLASS on:click=on_import
                disabled=move || !fresh.get() || import_pending.get() || preview_pending.get()>
                {move || if import_pending.get() { "Importing…" } else { apply_label(mode.get()) }}
            </button>
            <span class=MUTED>
                {move || if fresh.get() { "Nothing is written until you import; it is applied all at once or not at all." } else { "Preview first: it lists every change and warning." }}
            </span>
        </div>
    }
    .into_any();

    view! {
        <div class="mt-6 grid items-start gap-6 xl:grid-cols-2">
            <section class=format!("{CARD} min-w-0 space-y-4") aria-labelledby="import-document-heading">
                <h2 id="import-document-heading" class="font-semibold">"Definition"</h2>
                <FormError error />
                {existing.then(|| view! {
                    <fieldset class="space-y-2">
                        <legend class="text-sm font-medium">"Import mode"</legend>
                        <ModeChoice mode value=Mode::Merge label="Merge"
                            help="Add what the document defines. A method that is in both is replaced by the document's; everything else stays." on_change=edited />
                        <ModeChoice mode value=Mode::Overwrite label="Overwrite"
                            help="Make the API exactly the document: resources, methods and authorizers that are not in it are deleted." on_change=edited />
                    </fieldset>
                }.into_any())}
                {upload}
                {editor}
                {buttons}
            </section>
            <section class=format!("{CARD} min-w-0") aria-labelledby="import-preview-heading" data-testid="import-preview">
                <h2 id="import-preview-heading" class="font-semibold">"Preview"</h2>
                {move || match current_preview.get() {
                    None => view! {
                        <div class=EMPTY data-testid="import-preview-empty">
                            <p class="font-medium text-slate-700 dark:text-slate-200">"No preview yet"</p>
                            <p class="mt-1">"Paste or upload a definition, then choose Preview to see the resources, methods and authorizers it creates, changes and deletes."</p>
                        </div>
                    }.into_any(),
                    Some(p) => view! { <PreviewBody preview=p mode=mode.get_untracked() stale=Signal::derive(move || !fresh.get()) /> }.into_any(),
                }}
            </section>
        </div>
    }
    .into_any()
}

#[component]
fn ModeChoice(
    mode: RwSignal<Mode>,
    value: Mode,
    label: &'static str,
    help: &'static str,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let id = format!("import-mode-{}", label.to_lowercase());
    view! {
        <div class="flex items-start gap-2">
            <input id=id.clone() type="radio" name="mode" class="mt-1 accent-indigo-600"
                checked=move || mode.get() == value
                on:change=move |_| { mode.set(value); on_change(); } />
            <div>
                <label for=id class="text-sm font-medium">{label}</label>
                <p class="text-xs text-slate-500 dark:text-slate-400">{help}</p>
            </div>
        </div>
    }
}

#[component]
fn PreviewBody(preview: ImportPreviewView, mode: Mode, stale: Signal<bool>) -> AnyView {
    let summary = preview.summary();
    let deletes = preview.count(ChangeKind::Delete);
    let kinds = [ChangeKind::Create, ChangeKind::Update, ChangeKind::Delete];
    let groups: Vec<(ChangeKind, Vec<ChangeView>)> = kinds
        .into_iter()
        .map(|k| {
            (
                k,
                preview
                    .changes
                    .iter()
                    .filter(|c| c.kind == k)
                    .cloned()
                    .collect(),
            )
        })
        .filter(|(_, list): &(ChangeKind, Vec<ChangeView>)| !list.is_empty())
        .collect();
    view! {
        <div class="mt-3 space-y-4">
            <Show when=move || stale.get()>
                <p role="status" data-testid="import-preview-stale" class="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
                    "The definition or mode changed since this preview: choose Preview again before importing."
                </p>
            </Show>
            <div>
                <p class="font-medium" data-testid="import-api-name">{preview.api_name.clone()}</p>
                <p class=MUTED data-testid="import-summary">{format!("{} · {summary}", preview.spec)}</p>
            </div>
            {(mode == Mode::Overwrite && deletes > 0).then(|| view! {
                <p class="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100">
                    {format!("Overwriting deletes {} from the API.", if deletes == 1 { "1 item".to_owned() } else { format!("{deletes} items") })}
                </p>
            })}
            {if groups.is_empty() {
                view! {
                    <div class=EMPTY data-testid="import-no-changes">
                        <p class="font-medium text-slate-700 dark:text-slate-200">"Nothing changes"</p>
                        <p class="mt-1">"The API already matches this definition."</p>
                    </div>
                }.into_any()
            } else {
                view! {
                    <ul class="max-h-[28rem] space-y-1 overflow-y-auto text-sm" data-testid="import-changes">
                        {groups.into_iter().flat_map(|(_, list)| list).map(|c| view! {
                            <li class="flex items-baseline gap-2" data-testid="import-change" data-kind=c.kind.key()>
                                <span class=c.kind.badge()>{c.kind.label()}</span>
                                <span class="w-20 shrink-0 text-slate-500 dark:text-slate-400">{c.entity.clone()}</span>
                                <span class="min-w-0 break-all font-mono text-xs">{c.what.clone()}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {(!preview.warnings.is_empty()).then(|| view! {
                <div class="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100" data-testid="import-warnings">
                    <p class="font-medium">{format!("{}:", count(i64::try_from(preview.warnings.len()).unwrap_or(i64::MAX), "warning"))}</p>
                    <ul class="mt-1 list-disc space-y-1 pl-5">
                        {preview.warnings.iter().map(|w| view! { <li data-testid="import-warning">{w.clone()}</li> }).collect_view()}
                    </ul>
                </div>
            })}
        </div>
    }
    .into_any()
}

/// The line and column of a syntax error message ("line 45, column 16: trailing comma").
pub fn error_position(message: &str) -> Option<(usize, usize)> {
    let rest = message.strip_prefix("line ")?;
    let (line, rest) = rest.split_once(", column ")?;
    let (column, _) = rest.split_once(':')?;
    Some((line.parse().ok()?, column.parse().ok()?))
}

/// The offset of a 1-based line and column in `text`, in UTF-16 units (as a textarea's
/// selection counts); the end of the line when the column is past it.
pub fn utf16_offset(text: &str, line: usize, column: usize) -> Option<u32> {
    let mut offset = 0usize;
    for (i, l) in text.split('\n').enumerate() {
        if i + 1 == line {
            let within: usize = l
                .chars()
                .take(column.saturating_sub(1))
                .map(char::len_utf16)
                .sum();
            return u32::try_from(offset + within).ok();
        }
        offset += l.chars().map(char::len_utf16).sum::<usize>() + 1;
    }
    None
}

/// Selects the character a syntax error points at and scrolls the editor to it.
#[cfg(feature = "hydrate")]
fn reveal_error(text: &str, message: &str) {
    use leptos::wasm_bindgen::JsCast;

    let Some((line, column)) = error_position(message) else {
        return;
    };
    let Some(start) = utf16_offset(text, line, column) else {
        return;
    };
    let Some(area) = document()
        .get_element_by_id("import-document")
        .and_then(|e| e.dyn_into::<leptos::web_sys::HtmlTextAreaElement>().ok())
    else {
        return;
    };
    let _ = area.focus();
    let _ = area.set_selection_range(start, start + 1);
    // Lines are 20 px (leading-5); keep two lines of context above.
    let top = line.saturating_sub(3).saturating_mul(20);
    area.set_scroll_top(i32::try_from(top).unwrap_or(i32::MAX));
}

/// Reads the chosen file's text in the browser (refusing files over the limit before reading).
#[cfg(feature = "hydrate")]
fn read_file(ev: leptos::ev::Event, done: impl FnOnce(Result<(String, String), String>) + 'static) {
    use leptos::__reexports::wasm_bindgen_futures::JsFuture;

    let input = event_target::<web_sys::HtmlInputElement>(&ev);
    let Some(file) = input.files().and_then(|files| files.get(0)) else {
        return;
    };
    // Cleared so choosing the same file again (after editing) loads it again.
    input.set_value("");
    let name = file.name();
    // f64 → usize: sizes are whole numbers far below 2^53.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let size = file.size() as usize;
    if let Some(problem) = too_large(size) {
        done(Err(format!("{name}: {problem}")));
        return;
    }
    let promise = file.text();
    leptos::task::spawn_local(async move {
        match JsFuture::from(promise).await {
            Ok(value) => match value.as_string() {
                Some(body) => done(Ok((name, body))),
                None => done(Err(format!("{name} is not a text file."))),
            },
            Err(_) => done(Err(format!("{name} could not be read."))),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(kind: ChangeKind) -> ChangeView {
        ChangeView {
            kind,
            entity: "method".into(),
            what: "GET /".into(),
        }
    }

    #[test]
    fn the_summary_counts_each_kind_and_the_warnings() {
        let p = ImportPreviewView {
            api_name: "Pets".into(),
            spec: "Swagger 2.0".into(),
            changes: vec![
                change(ChangeKind::Create),
                change(ChangeKind::Create),
                change(ChangeKind::Delete),
            ],
            warnings: vec!["aws integration stored, not run".into()],
        };
        assert_eq!(
            p.summary(),
            "2 to create, 0 to change, 1 to delete, 1 warning"
        );
    }

    #[test]
    fn a_syntax_error_points_at_its_character() {
        let message = "line 2, column 9: trailing comma";
        assert_eq!(error_position(message), Some((2, 9)));
        assert_eq!(error_position("paths./pets: unknown $ref"), None);
        let text = "{\n  \"a\": 1,\n}";
        assert_eq!(utf16_offset(text, 2, 9), Some(10));
        assert_eq!(&text[10..11], ",");
        // UTF-16 units, as the textarea counts: "é" is one, "😀" two.
        assert_eq!(utf16_offset("😀é\nx", 2, 1), Some(4));
        assert_eq!(utf16_offset("ab", 3, 1), None);
    }

    #[test]
    fn empty_and_oversized_documents_are_refused_before_sending() {
        assert!(document_problem("  \n").is_some());
        assert!(document_problem("{}").is_none());
        let big = "x".repeat(MAX_DOCUMENT_BYTES + 1);
        assert_eq!(
            document_problem(&big).as_deref(),
            Some("The document is 5242881 bytes; the limit is 5242880 bytes (5 MB).")
        );
    }
}

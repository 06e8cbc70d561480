//! `/apis/{api_id}/export?stage=`: an API as a Swagger 2.0 or OpenAPI 3.0 document, JSON or
//! YAML, with or without the x-amazon-apigateway extensions; from the working copy or from a
//! stage's deployed snapshot. Shown in a copyable view and offered as a download, which the
//! server answers at [`download_href`] (see `server/src/routes/export.rs`).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

use super::api_details::{ApiDetails, ApiNotFound, api_crumbs, get_rest_api};
use super::shared::api_href;
use super::stages::list_api_stages;
use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::copy_button::CopyButton;
use crate::components::form::{BUTTON_CLASS, INPUT_CLASS};
use crate::components::style::{CARD, MUTED};
use crate::error::AppError;

/// The specification; serialised as API Gateway's export types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SpecChoice {
    #[serde(rename = "swagger")]
    Swagger2,
    #[serde(rename = "oas30")]
    OpenApi3,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FormatChoice {
    Json,
    Yaml,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExtensionsChoice {
    None,
    Integrations,
    Authorizers,
    Both,
}

/// What to export. Also the download route's query string (`?spec=oas30&format=yaml&…`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportChoice {
    /// A stage's deployed snapshot; `None` for the working copy.
    #[serde(default)]
    pub stage: Option<String>,
    pub spec: SpecChoice,
    pub format: FormatChoice,
    pub extensions: ExtensionsChoice,
}

impl ExportChoice {
    fn query(&self) -> String {
        let spec = match self.spec {
            SpecChoice::Swagger2 => "swagger",
            SpecChoice::OpenApi3 => "oas30",
        };
        let format = match self.format {
            FormatChoice::Json => "json",
            FormatChoice::Yaml => "yaml",
        };
        let extensions = match self.extensions {
            ExtensionsChoice::None => "none",
            ExtensionsChoice::Integrations => "integrations",
            ExtensionsChoice::Authorizers => "authorizers",
            ExtensionsChoice::Both => "both",
        };
        let mut q = format!("spec={spec}&format={format}&extensions={extensions}");
        if let Some(stage) = &self.stage {
            q.push_str("&stage=");
            q.push_str(&encode_query_value(stage));
        }
        q
    }
}

/// The download URL of an export (a plain GET the server answers with an attachment).
pub fn download_href(api_id: &str, choice: &ExportChoice) -> String {
    format!(
        "/apis/{}/export/file?{}",
        encode_query_value(api_id),
        choice.query()
    )
}

/// Stage names are letters, digits, - and _; anything else is percent-encoded all the same.
fn encode_query_value(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// An exported document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportView {
    pub text: String,
    pub file_name: String,
    pub content_type: String,
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::{ExportChoice, ExportView, ExtensionsChoice, FormatChoice, SpecChoice};

    pub fn options(choice: &ExportChoice) -> openapi::ExportOptions {
        openapi::ExportOptions {
            spec: match choice.spec {
                SpecChoice::Swagger2 => openapi::Spec::Swagger2,
                SpecChoice::OpenApi3 => openapi::Spec::OpenApi3,
            },
            format: match choice.format {
                FormatChoice::Json => openapi::Format::Json,
                FormatChoice::Yaml => openapi::Format::Yaml,
            },
            extensions: match choice.extensions {
                ExtensionsChoice::None => openapi::Extensions::None,
                ExtensionsChoice::Integrations => openapi::Extensions::Integrations,
                ExtensionsChoice::Authorizers => openapi::Extensions::Authorizers,
                ExtensionsChoice::Both => openapi::Extensions::Both,
            },
        }
    }

    /// The document and its file name; shared by the server function and the download route
    /// (which has no Leptos context, hence the explicit state).
    pub async fn export(
        state: &crate::state::AppState,
        api_id: &apis::RestApiId,
        choice: &ExportChoice,
    ) -> Result<ExportView, openapi::OpenApiError> {
        let ctx = openapi::ImportContext {
            account_id: state.identity.account_id().to_owned(),
            region: state.identity.region().to_owned(),
        };
        let options = options(choice);
        let db = &state.pool;
        let stage = choice.stage.clone().map(apis::StageName::new);
        let text = match &stage {
            Some(stage) => openapi::export_stage(db, &ctx, api_id, stage, &options)
                .await
                .map_err(|e| match e {
                    // The store says AWS's "Invalid Stage identifier specified"; name the stage.
                    openapi::OpenApiError::Apis(e) if e.is_not_found(apis::Entity::Stage) => {
                        openapi::OpenApiError::Apis(apis::ApisError::NotFound {
                            entity: apis::Entity::Stage,
                            message: format!(
                                "This API has no stage {stage}: deploy it to {stage} first, or export the working copy."
                            ),
                        })
                    }
                    other => other,
                })?,
            None => openapi::export_api(db, &ctx, api_id, &options).await?,
        };
        let api = apis::store::get_rest_api(db, api_id).await?;
        Ok(ExportView {
            file_name: openapi::file_name(&api.name, stage.as_ref(), &options),
            content_type: openapi::content_type(&options).to_owned(),
            text,
        })
    }
}

#[server(endpoint = "export_api_document", input = server_fn::codec::Json)]
pub async fn export_api_document(
    api_id: String,
    choice: ExportChoice,
) -> Result<ExportView, AppError> {
    use crate::auth::ssr::{require_admin, state};
    require_admin().await?;
    Ok(ssr::export(&state(), &apis::RestApiId::new(api_id), &choice).await?)
}

#[component]
pub fn ExportApiPage() -> impl IntoView {
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
                    Ok(details) => view! { <ExportPanel details /> }.into_any(),
                    Err(error) => view! { <ApiNotFound error crumb=api_id.get_untracked() /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ExportPanel(details: ApiDetails) -> AnyView {
    let query = use_query_map();
    let stage = RwSignal::new(query.read_untracked().get("stage"));
    let spec = RwSignal::new(SpecChoice::OpenApi3);
    let format = RwSignal::new(FormatChoice::Json);
    let extensions = RwSignal::new(ExtensionsChoice::Both);
    let choice = Memo::new(move |_| ExportChoice {
        stage: stage.get(),
        spec: spec.get(),
        format: format.get(),
        extensions: extensions.get(),
    });
    let api_id = StoredValue::new(details.id.clone());
    let stages = Resource::new(move || api_id.get_value(), list_api_stages);
    let document = Resource::new(
        move || choice.get(),
        move |choice| export_api_document(api_id.get_value(), choice),
    );
    let crumbs = api_crumbs(vec![
        (details.name.clone(), Some(api_href(&details.id))),
        ("Export".to_owned(), None),
    ]);
    view! {
        <Title text=format!("Export · {}", details.name) />
        <Breadcrumbs crumbs />
        <div>
            <h1 class="text-2xl font-semibold tracking-tight">{format!("Export {}", details.name)}</h1>
            <p class="mt-1 text-slate-600 dark:text-slate-400">
                "The API as a Swagger or OpenAPI definition: the working copy as it is now, or what a stage serves (its deployed snapshot). With the extensions, the file imports back into Gatehouse or API Gateway as the same API."
            </p>
        </div>
        <section class=format!("mt-6 {CARD}") aria-label="Export options">
            <div class="grid gap-x-8 gap-y-4 lg:grid-cols-[1fr_auto_auto_1fr]">
                <div class="space-y-1">
                    <label for="export-source" class="block text-sm font-medium">"Source"</label>
                    <Transition fallback=|| view! { <select id="export-source" class=INPUT_CLASS disabled=true><option>"Working copy"</option></select> }>
                        {move || Suspend::new(async move {
                            let names: Vec<String> = match stages.await {
                                Ok(data) => data.stages.into_iter().map(|s| s.name).collect(),
                                Err(_) => Vec::new(),
                            };
                            let none = names.is_empty();
                            view! {
                                <select id="export-source" class=INPUT_CLASS aria-describedby="export-source-help"
                                    on:change=move |ev| {
                                        let v = event_target_value(&ev);
                                        stage.set(if v.is_empty() { None } else { Some(v) });
                                    }>
                                    <option value="" selected=move || stage.get().is_none()>"Working copy"</option>
                                    {names.into_iter().map(|n| {
                                        let selected = n.clone();
                                        view! { <option value=n.clone() selected=move || stage.get().as_deref() == Some(selected.as_str())>{format!("Stage {n} (deployed)")}</option> }
                                    }).collect_view()}
                                </select>
                                <p id="export-source-help" class="text-xs text-slate-500 dark:text-slate-400">
                                    {if none { "No stages yet: deploy the API to export what a stage serves." } else { "A stage exports the deployment it serves, not later edits." }}
                                </p>
                            }
                        })}
                    </Transition>
                </div>
                <fieldset class="space-y-1">
                    <legend class="text-sm font-medium">"Specification"</legend>
                    <Choice name="spec" signal=spec value=SpecChoice::OpenApi3 label="OpenAPI 3.0" />
                    <Choice name="spec" signal=spec value=SpecChoice::Swagger2 label="Swagger 2.0" />
                </fieldset>
                <fieldset class="space-y-1">
                    <legend class="text-sm font-medium">"Format"</legend>
                    <Choice name="format" signal=format value=FormatChoice::Json label="JSON" />
                    <Choice name="format" signal=format value=FormatChoice::Yaml label="YAML" />
                </fieldset>
                <div class="space-y-1">
                    <label for="export-extensions" class="block text-sm font-medium">"Extensions"</label>
                    <select id="export-extensions" class=INPUT_CLASS aria-describedby="export-extensions-help"
                        on:change=move |ev| extensions.set(match event_target_value(&ev).as_str() {
                            "none" => ExtensionsChoice::None,
                            "integrations" => ExtensionsChoice::Integrations,
                            "authorizers" => ExtensionsChoice::Authorizers,
                            _ => ExtensionsChoice::Both,
                        })>
                        <option value="both" selected=true>"Integrations and authorizers"</option>
                        <option value="integrations">"Integrations only"</option>
                        <option value="authorizers">"Authorizers only"</option>
                        <option value="none">"None (plain OpenAPI)"</option>
                    </select>
                    <p id="export-extensions-help" class="text-xs text-slate-500 dark:text-slate-400">
                        "x-amazon-apigateway-integration and x-amazon-apigateway-authorizer."
                    </p>
                </div>
            </div>
        </section>
        <section class=format!("mt-6 {CARD} min-w-0") aria-label="Exported document">
            <Transition fallback=|| view! { <p class="text-sm text-slate-500">"Exporting…"</p> }>
                {move || Suspend::new(async move {
                    match document.await {
                        Ok(doc) => {
                            let href = download_href(&api_id.get_value(), &choice.get_untracked());
                            let lines = doc.text.lines().count();
                            view! {
                                <div class="flex flex-wrap items-center gap-2">
                                    <p class="mr-auto min-w-0 break-all font-mono text-sm" data-testid="export-file-name">{doc.file_name.clone()}</p>
                                    <span class=MUTED>{format!("{lines} lines · {} bytes", doc.text.len())}</span>
                                    <CopyButton text=doc.text.clone() what="document" />
                                    <a href=href download=doc.file_name.clone() class=BUTTON_CLASS data-testid="export-download">"Download"</a>
                                </div>
                                <pre class="mt-3 max-h-[36rem] overflow-auto rounded-md bg-slate-100 p-3 font-mono text-xs leading-5 text-slate-800 dark:bg-slate-800 dark:text-slate-100"
                                    data-testid="export-text" tabindex="0" aria-label="Exported document">{doc.text}</pre>
                            }.into_any()
                        }
                        Err(e) => view! {
                            <p role="alert" data-testid="export-error" class="text-sm text-red-600 dark:text-red-400">{e.to_string()}</p>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
    .into_any()
}

/// A radio button bound to a signal.
#[component]
fn Choice<T>(
    name: &'static str,
    signal: RwSignal<T>,
    value: T,
    label: &'static str,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    let id = format!(
        "export-{name}-{}",
        label.to_lowercase().replace([' ', '.'], "-")
    );
    view! {
        <div class="flex items-center gap-2">
            <input id=id.clone() type="radio" name=name class="accent-indigo-600"
                checked=move || signal.get() == value on:change=move |_| signal.set(value) />
            <label for=id class="text-sm">{label}</label>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_download_url_carries_every_choice() {
        let mut choice = ExportChoice {
            stage: None,
            spec: SpecChoice::Swagger2,
            format: FormatChoice::Yaml,
            extensions: ExtensionsChoice::Integrations,
        };
        assert_eq!(
            download_href("a1b2c3d4e5", &choice),
            "/apis/a1b2c3d4e5/export/file?spec=swagger&format=yaml&extensions=integrations"
        );
        choice.stage = Some("prod".into());
        choice.spec = SpecChoice::OpenApi3;
        assert_eq!(
            download_href("a1b2c3d4e5", &choice),
            "/apis/a1b2c3d4e5/export/file?spec=oas30&format=yaml&extensions=integrations&stage=prod"
        );
    }
}

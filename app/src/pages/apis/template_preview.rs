//! Live preview of a mapping template: as the template is typed (debounced), it is parsed and
//! rendered on the server with the gateway's own VTL engine against a sample body and sample
//! claims, or the claims of a pasted token. A syntax or render error shows with its
//! line:column. The pasted token is only decoded, never verified: this is a preview.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::components::form::INPUT_CLASS;
use crate::error::AppError;

/// Wait this long after the last keystroke before rendering.
const DEBOUNCE_MS: u64 = 300;

pub const SAMPLE_BODY: &str = r#"{"name": "Gatehouse", "count": 3}"#;

/// Where a template went wrong.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateProblem {
    pub line: u32,
    pub column: u32,
    /// Position included (`unexpected #end at 7:5`).
    pub message: String,
    /// `syntax` (does not parse) or `render` (fails while rendering).
    pub kind: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplatePreviewResult {
    pub output: Option<String>,
    pub problem: Option<TemplateProblem>,
    /// `sample claims` or `claims of the pasted token (decoded, not verified)`.
    pub claims_source: String,
    /// `$context.authorizer.claims` as used (every value a string).
    pub claims: Vec<(String, String)>,
}

/// The claims used when no token is pasted.
#[cfg(feature = "ssr")]
fn sample_claims() -> Vec<(String, String)> {
    [
        ("sub", "11111111-2222-3333-4444-555555555555"),
        ("cognito:username", "sample-user"),
        ("email", "sample-user@example.com"),
        ("token_use", "id"),
        ("aud", "sampleclientid000000000000"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

/// The payload of a pasted token (optionally `Bearer `-prefixed), decoded with the
/// authorizer's own parser and stringified as API Gateway exposes claims. Not verified.
#[cfg(feature = "ssr")]
fn token_claims(token: &str) -> Result<Vec<(String, String)>, String> {
    let authorizer = apis::Authorizer {
        id: apis::AuthorizerId::new("preview"),
        name: "preview".to_owned(),
        kind: apis::AuthorizerType::CognitoUserPools,
        provider_arns: Vec::new(),
        identity_source: apis::DEFAULT_IDENTITY_SOURCE.to_owned(),
        identity_validation_expression: None,
        authorizer_result_ttl_in_seconds: 0,
        version: 0,
    };
    let headers = apis::identity_headers(&authorizer, token.trim());
    // No keys: the checks stop at the key lookup, after the token has been decoded.
    let outcome = apis::authorize(&apis::AuthorizerInput {
        authorizer: &authorizer,
        method_scopes: &[],
        headers: &headers,
        pools: &[],
        now: 0,
    });
    let Some(decoded) = outcome.token else {
        return Err(
            "The token is not a JWT (three base64url parts with a JSON header and payload)."
                .to_owned(),
        );
    };
    Ok(apis::authorizer::stringify_claims(&decoded.payload)
        .into_iter()
        .map(|(k, v)| {
            let v = match v {
                leptos::serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            (k, v)
        })
        .collect())
}

#[server(endpoint = "preview_mapping_template")]
pub async fn preview_mapping_template(
    template: String,
    #[server(default)] sample_body: String,
    #[server(default)] token: String,
) -> Result<TemplatePreviewResult, AppError> {
    use super::shared::ssr::invalid;
    use crate::auth::ssr::require_admin;

    require_admin().await?;
    let (claims, claims_source) = if token.trim().is_empty() {
        (sample_claims(), "sample claims".to_owned())
    } else {
        (
            token_claims(&token).map_err(|m| invalid("token", m))?,
            "claims of the pasted token (decoded, not verified)".to_owned(),
        )
    };
    let parsed = match vtl::Template::parse(&template) {
        Ok(t) => t,
        Err(e) => {
            return Ok(TemplatePreviewResult {
                output: None,
                problem: Some(TemplateProblem {
                    line: e.line,
                    column: e.column,
                    message: e.message,
                    kind: "syntax".to_owned(),
                }),
                claims_source,
                claims,
            });
        }
    };
    let mut ctx = vtl::Context::default();
    ctx.input.body = sample_body;
    let r = &mut ctx.request;
    r.api_id = Some("previewapi".to_owned());
    r.stage = Some("preview".to_owned());
    r.http_method = Some("GET".to_owned());
    r.path = Some("/preview".to_owned());
    r.resource_path = Some("/preview".to_owned());
    r.request_id = Some("00000000-0000-0000-0000-000000000000".to_owned());
    r.authorizer.principal_id = claims
        .iter()
        .find(|(k, _)| k == "sub")
        .map(|(_, v)| v.clone());
    r.authorizer.claims = claims.clone();
    // As the gateway renders: a long render leaves the async worker for the blocking pool.
    let parsed = std::sync::Arc::new(parsed);
    let (output, problem) = match gateway::render_full(&parsed, ctx).await {
        Ok(rendered) => (Some(rendered.body), None),
        Err(e) => {
            let (line, column) = match &e {
                vtl::RenderError::LoopLimit { line, column, .. }
                | vtl::RenderError::DepthLimit { line, column, .. }
                | vtl::RenderError::Runtime { line, column, .. } => (*line, *column),
                _ => (0, 0),
            };
            (
                None,
                Some(TemplateProblem {
                    line,
                    column,
                    message: e.to_string(),
                    kind: "render".to_owned(),
                }),
            )
        }
    };
    Ok(TemplatePreviewResult {
        output,
        problem,
        claims_source,
        claims,
    })
}

/// Wraps a template editor (`children`, whose `input` events it listens to) and shows the
/// live preview below it.
#[component]
pub fn TemplatePreview(
    /// The editor's initial text.
    #[prop(into)]
    initial: String,
    /// Makes element ids unique.
    #[prop(into)]
    id: String,
    /// "request" or "response": what the sample body stands for.
    what: &'static str,
    children: Children,
) -> AnyView {
    let template = RwSignal::new(initial);
    let sample = RwSignal::new(SAMPLE_BODY.to_owned());
    let token = RwSignal::new(String::new());
    let action = ServerAction::<PreviewMappingTemplate>::new();
    let generation = StoredValue::new(0u64);
    let run = move || {
        action.dispatch(PreviewMappingTemplate {
            template: template.get_untracked(),
            sample_body: sample.get_untracked(),
            token: token.get_untracked(),
        });
    };
    // Renders once the typing pauses.
    let schedule = move || {
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        set_timeout(
            move || {
                // The editor may have closed meanwhile, disposing its values: nothing to render.
                if generation.try_get_value() == Some(mine) {
                    run();
                }
            },
            std::time::Duration::from_millis(DEBOUNCE_MS),
        );
    };
    // The first preview, once in the browser.
    Effect::new(move |_| run());
    let on_editor_input = move |ev: leptos::ev::Event| {
        template.set(event_target_value(&ev));
        schedule();
    };
    let result = move || action.value().get();
    let sample_id = format!("{id}-preview-sample");
    let token_id = format!("{id}-preview-token");
    let body_label = if what == "request" {
        "Sample request body ($input.body)"
    } else {
        "Sample integration response body ($input.body)"
    };
    view! {
        <div on:input=on_editor_input>{children()}</div>
        <details class="mt-2 rounded-md border border-slate-200 dark:border-slate-700" open=true data-testid="template-preview">
            <summary class="cursor-pointer px-3 py-2 text-xs font-semibold text-slate-600 dark:text-slate-300">"Live preview"</summary>
            <div class="grid gap-3 border-t border-slate-200 p-3 dark:border-slate-700 lg:grid-cols-2">
                <div class="space-y-2">
                    <label for=sample_id.clone() class="block text-xs font-medium text-slate-600 dark:text-slate-300">{body_label}</label>
                    <textarea id=sample_id rows="3" spellcheck="false" autocomplete="off"
                        class=format!("{INPUT_CLASS} font-mono text-xs") data-testid="template-preview-sample"
                        prop:value=move || sample.get()
                        on:input=move |ev| { sample.set(event_target_value(&ev)); schedule(); }></textarea>
                    <label for=token_id.clone() class="block text-xs font-medium text-slate-600 dark:text-slate-300">"Token for the claims (optional)"</label>
                    <textarea id=token_id rows="2" spellcheck="false" autocomplete="off"
                        class=format!("{INPUT_CLASS} break-all font-mono text-xs") data-testid="template-preview-token"
                        placeholder="Paste an ID token to use its claims; otherwise sample claims are used."
                        on:input=move |ev| { token.set(event_target_value(&ev)); schedule(); }></textarea>
                    <p class="text-xs text-slate-500 dark:text-slate-400">"The token is only decoded, not verified: the preview trusts whatever it says."</p>
                </div>
                <div class="min-w-0 space-y-2" aria-live="polite">
                    <p class="text-xs font-medium text-slate-600 dark:text-slate-300">
                        "Output"
                        {move || result().and_then(|r| r.ok()).map(|r| format!(" · with {}", r.claims_source))}
                    </p>
                    {move || match result() {
                        None => view! { <p class="text-xs text-slate-500">"Rendering…"</p> }.into_any(),
                        Some(Err(e)) => view! {
                            <p role="alert" class="text-sm text-red-600 dark:text-red-400" data-testid="template-preview-error">{e.to_string()}</p>
                        }.into_any(),
                        Some(Ok(r)) => match (r.output, r.problem) {
                            (_, Some(p)) => view! {
                                <p role="alert" class="rounded-md border border-red-300 bg-red-50 px-3 py-2 font-mono text-xs text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200" data-testid="template-preview-error"
                                    data-line=p.line.to_string() data-column=p.column.to_string()>
                                    {if p.kind == "syntax" { "Syntax error: " } else { "Render error: " }}
                                    {p.message}
                                </p>
                            }.into_any(),
                            (Some(out), None) => view! {
                                <pre class="max-h-64 overflow-auto whitespace-pre-wrap break-all rounded-md bg-slate-900 p-3 font-mono text-xs leading-relaxed text-slate-100 dark:bg-slate-950" data-testid="template-preview-output">{out}</pre>
                            }.into_any(),
                            (None, None) => ().into_any(),
                        },
                    }}
                </div>
            </div>
        </details>
    }
    .into_any()
}

//! The method as the execution view and its edit forms see it, and what the forms share with
//! the view: the save report ([`MethodCtx`]) and the notice for a save refused as stale. The
//! view ([`super::method`]) and each form ([`super::method_request`],
//! [`super::integration_request`], [`super::responses`]) depend on this module, not on each
//! other.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::shared::{STALE_FIELD, method_href};
use crate::error::AppError;

/// A Cognito authorizer the method can use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuthorizerOption {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MethodResponseView {
    pub status_code: String,
    /// `method.response.header.NAME` → required.
    pub response_parameters: Vec<(String, bool)>,
    /// Content type → model name.
    pub response_models: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntegrationResponseView {
    pub status_code: String,
    pub selection_pattern: Option<String>,
    /// `method.response.header.NAME` → source.
    pub response_parameters: Vec<(String, String)>,
    /// Content type → template.
    pub response_templates: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntegrationView {
    /// MOCK, HTTP, HTTP_PROXY, AWS, AWS_PROXY.
    pub kind: String,
    /// False for AWS and AWS_PROXY (stored, not runnable here).
    pub runnable: bool,
    pub http_method: Option<String>,
    pub uri: Option<String>,
    /// Target → source.
    pub request_parameters: Vec<(String, String)>,
    /// Content type → template.
    pub request_templates: Vec<(String, String)>,
    pub passthrough_behavior: String,
    pub timeout_in_millis: i32,
    pub integration_responses: Vec<IntegrationResponseView>,
    pub version: i32,
}

/// A method with everything its execution view shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MethodView {
    pub api_id: String,
    pub api_name: String,
    pub resource_id: String,
    pub resource_path: String,
    pub http_method: String,
    /// NONE or COGNITO_USER_POOLS.
    pub authorization_type: String,
    pub authorizer_id: Option<String>,
    pub authorization_scopes: Vec<String>,
    pub api_key_required: bool,
    /// `method.request.{location}.NAME` → required.
    pub request_parameters: Vec<(String, bool)>,
    pub version: i32,
    pub integration: Option<IntegrationView>,
    pub method_responses: Vec<MethodResponseView>,
    /// The API's authorizers (for the Authorization choice).
    pub authorizers: Vec<AuthorizerOption>,
}

impl MethodView {
    /// "NONE", or "Cognito (name)".
    pub fn authorization_label(&self) -> String {
        match &self.authorizer_id {
            Some(id) if self.authorization_type == "COGNITO_USER_POOLS" => {
                let name = self
                    .authorizers
                    .iter()
                    .find(|a| &a.id == id)
                    .map(|a| a.name.clone())
                    .unwrap_or_else(|| id.clone());
                format!("Cognito user pool authorizer “{name}”")
            }
            // Stored from an import, not enforceable: the gateway refuses every request.
            _ if matches!(self.authorization_type.as_str(), "AWS_IAM" | "CUSTOM") => format!(
                "{} (not enforced by Gatehouse: every request is refused)",
                self.authorization_type
            ),
            _ => self.authorization_type.clone(),
        }
    }

    pub fn href(&self) -> String {
        method_href(&self.api_id, &self.resource_id, &self.http_method)
    }

    /// The execution view with the `edit` form open.
    pub fn edit_href(&self, edit: &str) -> String {
        format!("{}?edit={edit}", self.href())
    }
}

/// Shared by the edit forms: report a save that went through (reloads the method and says so
/// above the form).
#[derive(Clone, Copy)]
pub(crate) struct MethodCtx {
    pub(super) changes: RwSignal<u32>,
    pub(super) flash: RwSignal<Option<String>>,
}

impl MethodCtx {
    pub fn saved(&self, message: impl Into<String>) {
        self.flash.set(Some(message.into()));
        self.changes.update(|c| *c += 1);
    }

    pub fn clear(&self) {
        self.flash.set(None);
    }
}

pub(crate) fn method_ctx() -> MethodCtx {
    expect_context::<MethodCtx>()
}

/// Shown above a form whose save was refused because someone else saved the method or
/// integration after the form was loaded: nothing was changed; Reload shows their version.
#[component]
pub(crate) fn StaleNotice(
    #[prop(into)] error: Signal<Option<AppError>>,
    #[prop(into)] reload: String,
) -> impl IntoView {
    let message = move || error.get().and_then(|e| e.for_field(STALE_FIELD));
    view! {
        <Show when=move || message().is_some()>
            <div role="alert" data-testid="stale-error" class="flex flex-wrap items-center justify-between gap-3 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
                <span>{message}" Nothing was saved."</span>
                <a href=reload.clone() rel="external" class="font-medium underline">"Reload"</a>
            </div>
        </Show>
    }
}

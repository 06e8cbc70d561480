//! REST APIs in the console: list, resources and methods (method execution view), Cognito
//! authorizers with their test tool, and stages/deployments.
//!
//! * [`list`]: `/apis`, every API, creating one and deleting one (with what goes with it).
//! * [`api`]: `/apis/{api_id}?tab=resources|authorizers|stages`, an API's header and tabs.
//! * [`resources`]: the Resources tab (the resource tree, child resources, new methods).
//! * [`import`]: `/apis/import` and `/apis/{api_id}/import`, Swagger/OpenAPI import with a
//!   preview; [`export`]: `/apis/{api_id}/export`, the document to copy or download.
//! * [`method`]: `/apis/{api_id}/resources/{resource_id}/methods/{http_method}`, the method
//!   execution view; its four edit forms are in [`method_request`], [`integration_request`]
//!   and [`responses`].
//!
//! Every server function starts with `require_admin()` and calls `apis::store` with the
//! console's database pool; the crate's errors come back beside the form field they name.

pub mod api;
pub mod authorizers;
pub mod export;
pub mod import;
pub mod integration_request;
pub mod list;
pub mod method;
pub mod method_request;
pub mod method_test;
pub mod resources;
pub mod responses;
pub mod rows;
pub mod stage_logs;
pub mod stages;
pub mod template_preview;

pub use api::ApiPage;
pub use export::ExportApiPage;
pub use import::{ImportApiPage, ImportIntoApiPage};
pub use list::ApisPage;
pub use method::MethodPage;

pub(crate) use crate::pages::user_pools::{CARD, CODE_BLOCK, EMPTY, LINK, LINK_DANGER, MUTED, TH};

/// The verbs a method can have, in the AWS console's order.
pub const HTTP_METHODS: &[&str] = &[
    "ANY", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT",
];

/// The error "field" of a save refused because the form is stale (the method or integration
/// was saved by someone else since it was loaded); shown above the form with a Reload link.
pub const STALE_FIELD: &str = "version";

/// A small pill (HTTP verbs, types).
pub(crate) const BADGE: &str = "inline-flex items-center rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs font-medium text-slate-700 dark:bg-slate-800 dark:text-slate-200";

/// The colour of a verb's badge, as in the AWS console.
pub(crate) fn verb_class(verb: &str) -> &'static str {
    match verb {
        "GET" => {
            "rounded px-1.5 py-0.5 font-mono text-xs font-semibold bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300"
        }
        "POST" => {
            "rounded px-1.5 py-0.5 font-mono text-xs font-semibold bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-300"
        }
        "PUT" | "PATCH" => {
            "rounded px-1.5 py-0.5 font-mono text-xs font-semibold bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300"
        }
        "DELETE" => {
            "rounded px-1.5 py-0.5 font-mono text-xs font-semibold bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300"
        }
        _ => {
            "rounded px-1.5 py-0.5 font-mono text-xs font-semibold bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-200"
        }
    }
}

/// `/apis/{api_id}`.
pub fn api_href(api_id: &str) -> String {
    format!("/apis/{api_id}")
}

/// The Resources tab with `resource_id` selected.
pub fn resource_href(api_id: &str, resource_id: &str) -> String {
    format!("/apis/{api_id}?tab=resources&resource={resource_id}")
}

/// The method execution view.
pub fn method_href(api_id: &str, resource_id: &str, http_method: &str) -> String {
    format!("/apis/{api_id}/resources/{resource_id}/methods/{http_method}")
}

/// "1 resource", "3 methods".
pub fn count(n: i64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use crate::error::AppError;

    pub use crate::pages::user_pools::ssr::fmt_time;

    /// The console's database pool.
    pub fn db() -> sqlx::PgPool {
        crate::auth::ssr::state().pool
    }

    /// A field error for console-side validation (status 400).
    pub fn invalid(field: &str, message: impl Into<String>) -> AppError {
        AppError::invalid(field, message).with_status()
    }

    /// Parses a verb from a URL or form.
    pub fn verb(raw: &str) -> Result<apis::HttpMethod, AppError> {
        apis::HttpMethod::parse(raw).map_err(AppError::from)
    }

    /// An `apis` error for a form: a field error the crate names (`pathPart`, `uri`, ...) is
    /// moved to the form's own field name via `fields` (crate field → form field), or above
    /// the form when the form has no such field; a stale version becomes the
    /// [`super::STALE_FIELD`] error the stale notice shows.
    pub fn on_form(err: apis::ApisError, fields: &[(&str, &str)]) -> AppError {
        let stale = matches!(err, apis::ApisError::StaleVersion { .. });
        let mapped = AppError::from(err);
        match mapped {
            AppError::Invalid { message, .. } if stale => AppError::Invalid {
                field: Some(super::STALE_FIELD.to_string()),
                message,
            },
            AppError::Invalid {
                field: Some(field),
                message,
            } => match fields.iter().find(|(from, _)| *from == field) {
                Some((_, to)) => AppError::Invalid {
                    field: Some((*to).to_string()),
                    message,
                },
                None => AppError::Invalid {
                    field: None,
                    message,
                },
            },
            other => other,
        }
    }
}

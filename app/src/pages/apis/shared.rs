//! What the APIs pages share: verbs and their badge colours, links between the pages, and
//! (on the server) the database pool and the mapping of `apis` errors onto form fields.

/// The verbs a method can have, in the AWS console's order.
pub const HTTP_METHODS: &[&str] = &[
    "ANY", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT",
];

/// The error "field" of a save refused because the form is stale (the method or integration
/// was saved by someone else since it was loaded); shown above the form with a Reload link.
pub const STALE_FIELD: &str = "version";

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

    pub use crate::form_input::{fmt_time, invalid};

    /// The console's database pool.
    pub fn db() -> sqlx::PgPool {
        crate::auth::ssr::state().pool
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

//! Strings that must never reach the database, refused once at each boundary instead of in
//! every handler: U+0000 (PostgreSQL `text` cannot hold it, so it surfaced as a 500) and
//! values far longer than any field allows. Lone surrogates never get this far: serde_json
//! refuses `"\ud800"` while parsing, and form bodies are decoded to UTF-8 here.
//!
//! * [`refuse_in_console_calls`]: an axum middleware on the console's server functions
//!   (`/api/*`), for form-encoded and JSON bodies and query strings alike.
//! * [`problem_in_json`]: the walk the management API (`/apigateway`) runs on its JSON bodies.
//!   (The Cognito API checks its own requests in `identity`; import documents are checked by
//!   the `openapi` reader.)

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// The longest single string a console call may carry, except [`LONG_FIELDS`].
pub const MAX_CONSOLE_STRING: usize = 512 * 1024;
/// Console fields that carry whole documents (an import is at most 5 MB).
const LONG_FIELDS: &[&str] = &["document"];
/// The largest console call read for the check: a 5 MB document, JSON-escaped.
const MAX_CONSOLE_BODY: usize = 12 * 1024 * 1024;

/// What is wrong with a request's strings, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The field: a dotted JSON path (`variables.stage`), a form field or query name.
    pub field: String,
    pub what: ProblemKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    Nul,
    TooLong {
        max: usize,
    },
    /// A form field whose bytes are not UTF-8 once decoded.
    NotUtf8,
}

impl Problem {
    pub fn message(&self) -> String {
        match self.what {
            ProblemKind::Nul => format!(
                "Invalid value for '{}': it contains the NUL character (U+0000), which is not \
                 allowed.",
                self.field
            ),
            ProblemKind::TooLong { max } => format!(
                "Invalid value for '{}': it is too long (at most {max} bytes).",
                self.field
            ),
            ProblemKind::NotUtf8 => {
                format!("Invalid value for '{}': it is not UTF-8 text.", self.field)
            }
        }
    }
}

/// Checks one string: NUL anywhere, or longer than `max` bytes.
pub fn problem_in_str(field: &str, value: &str, max: usize) -> Option<Problem> {
    let what = if value.contains('\0') {
        ProblemKind::Nul
    } else if value.len() > max {
        ProblemKind::TooLong { max }
    } else {
        return None;
    };
    Some(Problem {
        field: printable(field),
        what,
    })
}

/// The first string (object key or value, at any depth) with NUL or longer than `max` bytes;
/// strings under a top-level member named in `long_fields` may be of any length.
pub fn problem_in_json(value: &Value, max: usize, long_fields: &[&str]) -> Option<Problem> {
    fn walk(value: &Value, path: &str, max: usize) -> Option<Problem> {
        match value {
            Value::String(s) => problem_in_str(path, s, max),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .find_map(|(i, item)| walk(item, &join(path, &i.to_string()), max)),
            Value::Object(fields) => fields.iter().find_map(|(key, item)| {
                let at = join(path, key);
                problem_in_str(&at, key, max).or_else(|| walk(item, &at, max))
            }),
            _ => None,
        }
    }
    match value {
        Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            let limit = if long_fields.contains(&key.as_str()) {
                usize::MAX
            } else {
                max
            };
            problem_in_str(key, key, max).or_else(|| walk(item, key, limit))
        }),
        other => walk(other, "$", max),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// A field name fit to be shown back: NUL spelled out, and cut short.
fn printable(field: &str) -> String {
    let mut out: String = field.chars().take(64).collect();
    if out.len() < field.len() {
        out.push('…');
    }
    out.replace('\0', "\\u0000")
}

/// Checks `key=value&...` pairs (a query string or a form body), decoded strictly: a pair
/// that is not UTF-8 once decoded is a problem of its own.
pub fn problem_in_form(text: &[u8], max: usize, long_fields: &[&str]) -> Option<Problem> {
    text.split(|b| *b == b'&')
        .filter(|pair| !pair.is_empty())
        .find_map(|pair| {
            let mut halves = pair.splitn(2, |b| *b == b'=');
            let key = decode(halves.next().unwrap_or_default());
            let value = decode(halves.next().unwrap_or_default());
            let (key, value) = match (String::from_utf8(key), String::from_utf8(value)) {
                (Ok(k), Ok(v)) => (k, v),
                (Ok(k), Err(_)) => return Some(not_utf8(&k)),
                (Err(_), _) => return Some(not_utf8("?")),
            };
            let limit = if long_fields.contains(&key.as_str()) {
                usize::MAX
            } else {
                max
            };
            problem_in_str(&key, &key, max).or_else(|| problem_in_str(&key, &value, limit))
        })
}

fn not_utf8(field: &str) -> Problem {
    Problem {
        field: printable(field),
        what: ProblemKind::NotUtf8,
    }
}

/// `+` is a space, `%XX` a byte (a malformed escape is kept as it is).
fn decode(component: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(component.len());
    let mut i = 0;
    while i < component.len() {
        match component[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let byte = component
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                if let Some(b) = byte {
                    out.push(b);
                    i += 3;
                    continue;
                }
                out.push(b'%');
            }
            b => out.push(b),
        }
        i += 1;
    }
    out
}

/// Middleware for the console's server functions (`/api/*`): a call with NUL in any field, a
/// field longer than [`MAX_CONSOLE_STRING`], a JSON body that does not parse (lone
/// surrogates included) or a form body that is not UTF-8 is answered 400 with the console's
/// error shape (`AppError::Invalid`, naming the field) before any function runs.
pub async fn refuse_in_console_calls(request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with("/api/") {
        return next.run(request).await;
    }
    if let Some(problem) = request
        .uri()
        .query()
        .and_then(|q| problem_in_form(q.as_bytes(), MAX_CONSOLE_STRING, &[]))
    {
        return invalid(Some(&problem.field), problem.message());
    }
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_CONSOLE_BODY).await {
        Ok(b) => b,
        Err(_) => {
            return (StatusCode::PAYLOAD_TOO_LARGE, "Request body is too large.").into_response();
        }
    };
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if let Some(refusal) = check_console_body(&content_type, &bytes) {
        return refusal;
    }
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    with_error_status(response).await
}

/// server_fn answers every error 500 unless the function recorded a status; an error raised
/// while decoding the call's fields (`AppError::Invalid`, a 400) never gets that chance. An
/// error answer gets the status its `AppError` stands for.
async fn with_error_status(response: Response) -> Response {
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key("serverfnerror")
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // An error may quote the field it refuses (up to MAX_CONSOLE_STRING, escaped), so the
    // bound is the call's own, not a small one: a quoted 200 kB value must still get its 400.
    let Ok(bytes) = axum::body::to_bytes(body, MAX_CONSOLE_BODY).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "").into_response();
    };
    match serde_json::from_slice::<app::error::AppError>(&bytes) {
        // On the server, server_fn reports a call whose fields do not decode this way.
        Ok(app::error::AppError::Transport(message))
            if message.starts_with("error deserializing server function")
                || message.starts_with("missing argument") =>
        {
            invalid(None, format!("The request could not be read: {message}."))
        }
        Ok(error) => {
            if let Ok(status) = StatusCode::from_u16(error.status()) {
                parts.status = status;
            }
            Response::from_parts(parts, Body::from(bytes))
        }
        Err(_) => Response::from_parts(parts, Body::from(bytes)),
    }
}

/// The 400 for a body with a problem, if it has one.
fn check_console_body(content_type: &str, bytes: &Bytes) -> Option<Response> {
    if bytes.is_empty() {
        return None;
    }
    let problem = if content_type.starts_with("application/json") {
        let value: Value = match serde_json::from_slice(bytes) {
            Ok(v) => v,
            Err(e) => {
                return Some(invalid(
                    None,
                    format!("The request could not be read as JSON text: {e}."),
                ));
            }
        };
        problem_in_json(&value, MAX_CONSOLE_STRING, LONG_FIELDS)
    } else if content_type.starts_with("application/x-www-form-urlencoded") {
        problem_in_form(bytes, MAX_CONSOLE_STRING, LONG_FIELDS)
    } else {
        // Other encodings (none used today): at least no raw NUL byte.
        bytes.contains(&0).then(|| Problem {
            field: "body".to_owned(),
            what: ProblemKind::Nul,
        })
    };
    problem.map(|p| invalid(Some(&p.field), p.message()))
}

/// The console's `AppError::Invalid` as its server functions send it (JSON, 400).
fn invalid(field: Option<&str>, message: impl Into<String>) -> Response {
    let error = app::error::AppError::Invalid {
        field: field.map(str::to_owned),
        message: message.into(),
    };
    let body = serde_json::to_string(&error).unwrap_or_default();
    (
        StatusCode::BAD_REQUEST,
        [(header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_nul_in_keys_and_values_at_any_depth() {
        let v = json!({"a": {"b": ["ok", "x\u{0}y"]}});
        let p = problem_in_json(&v, 100, &[]).expect("found");
        assert_eq!(p.field, "a.b.1");
        assert_eq!(p.what, ProblemKind::Nul);
        let v = json!({"a": {"k\u{0}": 1}});
        assert_eq!(
            problem_in_json(&v, 100, &[]).expect("key").field,
            "a.k\\u0000"
        );
        assert_eq!(problem_in_json(&json!({"a": "ok"}), 100, &[]), None);
    }

    #[test]
    fn long_values_are_refused_except_in_document_fields() {
        let long = "x".repeat(101);
        let p = problem_in_json(&json!({"name": long}), 100, &[]).expect("long");
        assert_eq!(p.what, ProblemKind::TooLong { max: 100 });
        assert_eq!(
            problem_in_json(&json!({"document": long}), 100, &["document"]),
            None
        );
        let p = problem_in_form(b"name=a%00b", 100, &[]).expect("form NUL");
        assert_eq!((p.field.as_str(), p.what), ("name", ProblemKind::Nul));
        let p = problem_in_form(b"a=1&name=%ED%A0%80", 100, &[]).expect("surrogate");
        assert_eq!((p.field.as_str(), p.what), ("name", ProblemKind::NotUtf8));
        assert_eq!(problem_in_form(b"a=x+y&b=%C3%A9", 100, &[]), None);
    }
}

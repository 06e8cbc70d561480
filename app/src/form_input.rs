//! Server-side helpers every console form uses to read its fields: the field error (status
//! 400) and the parsers and checks whose messages name the field they are about.

use sqlx::types::time::{OffsetDateTime, UtcOffset};

use crate::error::AppError;

/// A field error for console-side validation (status 400).
pub fn invalid(field: &str, message: impl Into<String>) -> AppError {
    AppError::invalid(field, message).with_status()
}

/// Parses a whole number typed into a form, or explains what is wanted.
pub fn parse_number(
    field: &str,
    raw: &str,
    range: std::ops::RangeInclusive<i64>,
    what: &str,
) -> Result<i64, AppError> {
    let wanted = || {
        invalid(
            field,
            format!(
                "{what} must be a whole number from {} to {}.",
                range.start(),
                range.end()
            ),
        )
    };
    let n: i64 = raw.trim().parse().map_err(|_| wanted())?;
    if range.contains(&n) {
        Ok(n)
    } else {
        Err(wanted())
    }
}

/// `[\w\s+=,.@-]+`, 1-128 characters: the names Cognito accepts for pools and clients.
pub fn check_resource_name(field: &str, name: &str, what: &str) -> Result<(), AppError> {
    if name.is_empty() {
        return Err(invalid(field, format!("Enter a name for the {what}.")));
    }
    if name.chars().count() > 128 {
        return Err(invalid(field, "Names are at most 128 characters."));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_alphanumeric() || c.is_whitespace() || "_+=,.@-".contains(*c)))
    {
        return Err(invalid(
            field,
            format!("“{bad}” is not allowed: use letters, numbers, spaces and _ + = , . @ - only."),
        ));
    }
    Ok(())
}

/// "2026-11-26 06:57 UTC".
pub fn fmt_time(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    format!("{} {:02}:{:02} UTC", t.date(), t.hour(), t.minute())
}

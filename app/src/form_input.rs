//! Reading console forms: the rows of a form list (both sides, as the form is decoded in the
//! browser and on the server), and on the server the field error (status 400) and the parsers
//! and checks whose messages name the field they are about.

use serde::de::{DeserializeOwned, Deserializer, MapAccess, SeqAccess, Visitor};
#[cfg(feature = "ssr")]
use sqlx::types::time::{OffsetDateTime, UtcOffset};

#[cfg(feature = "ssr")]
use crate::error::AppError;

/// The rows of a form list posted as `name[key][field]=…`, in the order they were posted.
///
/// For a field of a server function's flattened input struct (`#[serde(default,
/// deserialize_with = "crate::form_input::rows")]`): a flattened struct receives its fields
/// buffered, and a list of keyed rows then arrives as a map, which serde's `Vec` refuses. A
/// sequence is read as one too.
pub fn rows<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    struct Rows<T>(std::marker::PhantomData<T>);

    impl<'de, T: DeserializeOwned> Visitor<'de> for Rows<T> {
        type Value = Vec<T>;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("form rows (name[key][field]=value)")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut out = Vec::new();
            while let Some(row) = seq.next_element()? {
                out.push(row);
            }
            Ok(out)
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<T>, A::Error> {
            let mut out = Vec::new();
            while let Some((_key, row)) = map.next_entry::<serde::de::IgnoredAny, T>()? {
                out.push(row);
            }
            Ok(out)
        }

        /// An empty list (`name=`) as some encoders write it.
        fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Vec<T>, E> {
            if value.is_empty() {
                Ok(Vec::new())
            } else {
                Err(E::invalid_type(serde::de::Unexpected::Str(value), &self))
            }
        }

        fn visit_unit<E: serde::de::Error>(self) -> Result<Vec<T>, E> {
            Ok(Vec::new())
        }
    }

    deserializer.deserialize_any(Rows(std::marker::PhantomData))
}

/// A field error for console-side validation (status 400).
#[cfg(feature = "ssr")]
pub fn invalid(field: &str, message: impl Into<String>) -> AppError {
    AppError::invalid(field, message).with_status()
}

/// Parses a whole number typed into a form, or explains what is wanted.
#[cfg(feature = "ssr")]
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
#[cfg(feature = "ssr")]
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
#[cfg(feature = "ssr")]
pub fn fmt_time(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    format!("{} {:02}:{:02} UTC", t.date(), t.hour(), t.minute())
}

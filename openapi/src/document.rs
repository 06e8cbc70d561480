//! Text → [`Document`]: size limit, JSON or YAML, which spec, and syntax errors with the line
//! and column of the problem.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use crate::error::{MAX_DOCUMENT_BYTES, OpenApiError};
use crate::{Format, Spec};

/// A parsed Swagger 2.0 / OpenAPI 3.0 document.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub spec: Spec,
    /// What the text was written in.
    pub format: Format,
    pub root: Value,
}

/// Parses `text` (JSON if it starts with `{`, YAML otherwise). Refuses more than 5 MB, empty
/// text, duplicate keys, and documents that say neither `swagger: "2.0"` nor `openapi: 3.0.x`.
pub fn parse(text: &str) -> Result<Document, OpenApiError> {
    if text.len() > MAX_DOCUMENT_BYTES {
        return Err(OpenApiError::TooLarge {
            size: text.len(),
            limit: MAX_DOCUMENT_BYTES,
        });
    }
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    if body.trim().is_empty() {
        return Err(OpenApiError::Empty);
    }
    let (format, root) = if body.trim_start().starts_with('{') {
        (Format::Json, parse_json(body)?)
    } else {
        (Format::Yaml, parse_yaml(body)?)
    };
    let spec = detect_spec(&root)?;
    Ok(Document { spec, format, root })
}

fn parse_json(body: &str) -> Result<Value, OpenApiError> {
    let mut de = serde_json::Deserializer::from_str(body);
    let parsed = Strict::deserialize(&mut de).and_then(|v| de.end().map(|()| v));
    match parsed {
        Ok(Strict(v)) => Ok(v),
        Err(e) => {
            let (mut line, mut column) = (e.line(), e.column());
            let mut message = e.to_string();
            // serde_json appends " at line L column C"; the position goes in its own fields.
            if let Some(i) = message.rfind(" at line ") {
                message.truncate(i);
            }
            if message.starts_with("trailing comma") {
                // serde_json reports the closing bracket; point at the comma itself.
                if let Some((l, c)) = comma_before(body, line, column) {
                    (line, column) = (l, c);
                }
                message = "trailing comma (a comma before a closing bracket or brace is not \
                           allowed in JSON)"
                    .to_owned();
            }
            Err(OpenApiError::Syntax {
                line,
                column,
                message,
            })
        }
    }
}

/// The position of the last `,` before (line, column), skipping whitespace.
fn comma_before(text: &str, line: usize, column: usize) -> Option<(usize, usize)> {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut l = line.checked_sub(1)?;
    // Columns are 1-based characters; start just before the reported one.
    let mut chars: Vec<char> = lines.get(l)?.chars().collect();
    let mut c = column.saturating_sub(1).min(chars.len());
    loop {
        while c > 0 {
            c -= 1;
            match chars[c] {
                ',' => return Some((l + 1, c + 1)),
                ch if ch.is_whitespace() => {}
                // The reported bracket itself.
                ']' | '}' if l + 1 == line && c + 1 == column => {}
                _ => return None,
            }
        }
        l = l.checked_sub(1)?;
        chars = lines.get(l)?.chars().collect();
        c = chars.len();
    }
}

fn parse_yaml(body: &str) -> Result<Value, OpenApiError> {
    match serde_yaml_ng::from_str::<Strict>(body) {
        Ok(Strict(v)) => Ok(v),
        Err(e) => {
            let (line, column) = e
                .location()
                .map(|l| (l.line(), l.column()))
                .unwrap_or((0, 0));
            let mut message = e.to_string();
            if let Some(i) = message.find(" at line ") {
                message.truncate(i);
            }
            Err(OpenApiError::Syntax {
                line,
                column,
                message,
            })
        }
    }
}

fn detect_spec(root: &Value) -> Result<Spec, OpenApiError> {
    let Some(obj) = root.as_object() else {
        return Err(OpenApiError::at(
            "$",
            "The document must be an object (a Swagger 2.0 or OpenAPI 3.0 definition)",
        ));
    };
    let version = |key: &str| -> Option<String> {
        obj.get(key).map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    };
    if let Some(v) = version("swagger") {
        return if v == "2.0" {
            Ok(Spec::Swagger2)
        } else {
            Err(OpenApiError::at(
                "swagger",
                format!("Unsupported Swagger version '{v}': only \"2.0\" is supported"),
            ))
        };
    }
    if let Some(v) = version("openapi") {
        return if v.starts_with("3.0") {
            Ok(Spec::OpenApi3)
        } else {
            Err(OpenApiError::at(
                "openapi",
                format!(
                    "Unsupported OpenAPI version '{v}': API Gateway imports OpenAPI 3.0.x (and \
                     Swagger 2.0)"
                ),
            ))
        };
    }
    Err(OpenApiError::at(
        "$",
        "Not a Swagger/OpenAPI document: it has neither `swagger: \"2.0\"` nor `openapi: 3.0.x`",
    ))
}

/// A JSON value that refuses duplicate keys (serde_json and YAML both report the position).
struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Strict, D::Error> {
        d.deserialize_any(StrictVisitor)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Strict;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON/YAML value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Strict, E> {
        Ok(Strict(Value::Bool(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Strict, E> {
        Ok(Strict(Value::from(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Strict, E> {
        Ok(Strict(Value::from(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Strict, E> {
        // NaN/inf (YAML's .nan) have no JSON form: kept as text.
        Ok(Strict(
            serde_json::Number::from_f64(v)
                .map(Value::Number)
                .unwrap_or_else(|| Value::String(v.to_string())),
        ))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Strict, E> {
        Ok(Strict(Value::String(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Strict, E> {
        Ok(Strict(Value::String(v)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Strict, E> {
        Ok(Strict(Value::Null))
    }

    fn visit_none<E: de::Error>(self) -> Result<Strict, E> {
        Ok(Strict(Value::Null))
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Strict, D::Error> {
        Strict::deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Strict, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Strict(Value::Array(items)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Strict, A::Error> {
        let mut out = Map::new();
        while let Some(Key(key)) = map.next_key()? {
            if out.contains_key(&key) {
                return Err(de::Error::custom(format!(
                    "duplicate key \"{key}\" (each key may appear once in an object)"
                )));
            }
            let Strict(v) = map.next_value()?;
            out.insert(key, v);
        }
        Ok(Strict(Value::Object(out)))
    }
}

/// An object key: strings, and YAML's plain scalars (`200:`, `true:`) as their text.
struct Key(String);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Key, D::Error> {
        d.deserialize_any(KeyVisitor)
    }
}

struct KeyVisitor;

impl Visitor<'_> for KeyVisitor {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, number or boolean key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
        Ok(Key(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Key, E> {
        Ok(Key(v))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Key, E> {
        Ok(Key(v.to_string()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Key, E> {
        Ok(Key(v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Key, E> {
        Ok(Key(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Key, E> {
        Ok(Key(v.to_string()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Key, E> {
        Ok(Key("null".to_owned()))
    }
}

/// An output value whose objects keep the order they were built in (serde_json's own `Map` is
/// sorted here), for both JSON and YAML.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Out {
    Bool(bool),
    Int(i64),
    Str(String),
    List(Vec<Out>),
    Obj(Vec<(String, Out)>),
}

impl Out {
    pub(crate) fn obj() -> Out {
        Out::Obj(Vec::new())
    }

    /// Adds `key: value` to an object (no-op on other values).
    pub(crate) fn set(&mut self, key: &str, value: Out) {
        if let Out::Obj(fields) = self {
            fields.push((key.to_owned(), value));
        }
    }

    pub(crate) fn str(s: &str) -> Out {
        Out::Str(s.to_owned())
    }

    pub(crate) fn is_empty_obj(&self) -> bool {
        matches!(self, Out::Obj(f) if f.is_empty())
    }
}

impl Serialize for Out {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self {
            Out::Bool(b) => s.serialize_bool(*b),
            Out::Int(i) => s.serialize_i64(*i),
            Out::Str(v) => s.serialize_str(v),
            Out::List(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for i in items {
                    seq.serialize_element(i)?;
                }
                seq.end()
            }
            Out::Obj(fields) => {
                let mut map = s.serialize_map(Some(fields.len()))?;
                for (k, v) in fields {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_comma_points_at_the_comma() {
        let text = "{\n  \"swagger\": \"2.0\",\n  \"a\": [\n    \"x\",\n  ]\n}";
        match parse(text) {
            Err(OpenApiError::Syntax { line, column, .. }) => assert_eq!((line, column), (4, 8)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn duplicate_keys_are_refused_in_both_formats() {
        let err = parse("{\"swagger\": \"2.0\", \"swagger\": \"2.0\"}").expect_err("dup");
        assert!(
            err.to_string().contains("duplicate key \"swagger\""),
            "{err}"
        );
        let err = parse("swagger: '2.0'\npaths: {}\npaths: {}\n").expect_err("dup");
        assert!(err.to_string().contains("duplicate"), "{err}");
    }

    #[test]
    fn yaml_numeric_keys_are_text() {
        let doc = parse("swagger: '2.0'\nresponses:\n  200:\n    description: ok\n").expect("yaml");
        assert!(doc.root["responses"]["200"].is_object());
        assert_eq!(doc.format, Format::Yaml);
    }

    #[test]
    fn too_large() {
        let text = format!(
            "{{\"swagger\": \"2.0\", \"x\": \"{}\"}}",
            "a".repeat(MAX_DOCUMENT_BYTES)
        );
        assert!(matches!(parse(&text), Err(OpenApiError::TooLarge { .. })));
    }
}

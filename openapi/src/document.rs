//! Text → [`Document`]: size limit, JSON or YAML, which spec, and syntax errors with the line
//! and column of the problem.

use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
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

/// How much a document may grow to while it is read: YAML aliases (`*name`) repeat what their
/// anchor holds, so a few kilobytes can name billions of values ("billion laughs"). Counting
/// every value and every byte of text as it is built refuses such a document before it takes
/// more memory than the largest legitimate document would.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpansionBudget {
    /// Values of any kind (objects, lists, scalars, keys).
    pub values: usize,
    /// Bytes of text in strings and keys.
    pub text_bytes: usize,
}

impl ExpansionBudget {
    /// A 5 MB document of ordinary Swagger holds a few hundred thousand values; a million (and
    /// twice the size limit in text) leaves room for legitimate aliases.
    pub const DEFAULT: ExpansionBudget = ExpansionBudget {
        values: 1_000_000,
        text_bytes: 2 * MAX_DOCUMENT_BYTES,
    };
}

/// Parses `text` (JSON if it starts with `{`, YAML otherwise). Refuses more than 5 MB, empty
/// text, duplicate keys, YAML that expands past [`ExpansionBudget::DEFAULT`], and documents
/// that say neither `swagger: "2.0"` nor `openapi: 3.0.x`.
pub fn parse(text: &str) -> Result<Document, OpenApiError> {
    parse_within(text, ExpansionBudget::DEFAULT)
}

/// [`parse`] with its own expansion budget for YAML (JSON has no aliases: its size limit
/// bounds it).
pub fn parse_within(text: &str, budget: ExpansionBudget) -> Result<Document, OpenApiError> {
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
        (Format::Yaml, parse_yaml(body, budget)?)
    };
    refuse_nul(&root)?;
    let spec = detect_spec(&root)?;
    Ok(Document { spec, format, root })
}

/// PostgreSQL text cannot hold U+0000 (JSON's `\u0000`, YAML's `"\0"`): a document with one
/// is refused here, naming where, rather than failing when it is stored.
fn refuse_nul(root: &Value) -> Result<(), OpenApiError> {
    fn walk(v: &Value, path: &mut Vec<String>) -> bool {
        match v {
            Value::String(s) => s.contains('\0'),
            Value::Array(items) => items.iter().enumerate().any(|(i, item)| {
                path.push(i.to_string());
                let found = walk(item, path);
                if !found {
                    path.pop();
                }
                found
            }),
            Value::Object(fields) => fields.iter().any(|(k, item)| {
                path.push(k.replace('\0', "\\u0000"));
                let found = k.contains('\0') || walk(item, path);
                if !found {
                    path.pop();
                }
                found
            }),
            _ => false,
        }
    }
    let mut path = Vec::new();
    if walk(root, &mut path) {
        let at = if path.is_empty() {
            "$".to_owned()
        } else {
            path.join(".")
        };
        return Err(OpenApiError::at(
            at,
            "contains a NUL character (U+0000), which is not allowed in any name or value",
        ));
    }
    Ok(())
}

fn parse_json(body: &str) -> Result<Value, OpenApiError> {
    let mut de = serde_json::Deserializer::from_str(body);
    let left = Left::unlimited();
    let parsed = Strict(&left)
        .deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v));
    match parsed {
        Ok(v) => Ok(v),
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

fn parse_yaml(body: &str, budget: ExpansionBudget) -> Result<Value, OpenApiError> {
    let left = Left::new(budget);
    // serde_yaml_ng reads the events first (linear in the text), then replays an anchor's
    // events at each alias while the visitor builds values: the budget stops that replay.
    let parsed = Strict(&left).deserialize(serde_yaml_ng::Deserializer::from_str(body));
    if left.exceeded.get() {
        return Err(OpenApiError::Expansion {
            values: budget.values,
            text_bytes: budget.text_bytes,
        });
    }
    match parsed {
        Ok(v) => Ok(v),
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

/// What is left of an [`ExpansionBudget`] while one document is read.
struct Left {
    values: Cell<usize>,
    text_bytes: Cell<usize>,
    exceeded: Cell<bool>,
}

impl Left {
    fn new(budget: ExpansionBudget) -> Left {
        Left {
            values: Cell::new(budget.values),
            text_bytes: Cell::new(budget.text_bytes),
            exceeded: Cell::new(false),
        }
    }

    fn unlimited() -> Left {
        Left::new(ExpansionBudget {
            values: usize::MAX,
            text_bytes: usize::MAX,
        })
    }

    /// Takes one value with `text` bytes of text; an error once the budget is spent.
    fn take<E: de::Error>(&self, text: usize) -> Result<(), E> {
        match (
            self.values.get().checked_sub(1),
            self.text_bytes.get().checked_sub(text),
        ) {
            (Some(values), Some(bytes)) => {
                self.values.set(values);
                self.text_bytes.set(bytes);
                Ok(())
            }
            _ => {
                self.exceeded.set(true);
                Err(de::Error::custom("the document expands past its budget"))
            }
        }
    }
}

/// A JSON value that refuses duplicate keys (serde_json and YAML both report the position),
/// counted against the budget as it is built.
struct Strict<'a>(&'a Left);

impl<'de> DeserializeSeed<'de> for Strict<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON/YAML value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        self.0.take::<E>(0)?;
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.0.take::<E>(0)?;
        Ok(Value::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.0.take::<E>(0)?;
        Ok(Value::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        self.0.take::<E>(0)?;
        // NaN/inf (YAML's .nan) have no JSON form: kept as text.
        Ok(serde_json::Number::from_f64(v)
            .map(Value::Number)
            .unwrap_or_else(|| Value::String(v.to_string())))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        self.0.take::<E>(v.len())?;
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        self.0.take::<E>(v.len())?;
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.0.take::<E>(0)?;
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        self.0.take::<E>(0)?;
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.0.take::<A::Error>(0)?;
        let mut items = Vec::new();
        while let Some(v) = seq.next_element_seed(Strict(self.0))? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.0.take::<A::Error>(0)?;
        let mut out = Map::new();
        while let Some(key) = map.next_key_seed(Key(self.0))? {
            if out.contains_key(&key) {
                return Err(de::Error::custom(format!(
                    "duplicate key \"{key}\" (each key may appear once in an object)"
                )));
            }
            let v = map.next_value_seed(Strict(self.0))?;
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

/// An object key: strings, and YAML's plain scalars (`200:`, `true:`) as their text.
struct Key<'a>(&'a Left);

impl<'de> DeserializeSeed<'de> for Key<'_> {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        d.deserialize_any(self)
    }
}

impl Key<'_> {
    fn text<E: de::Error>(&self, v: String) -> Result<String, E> {
        self.0.take::<E>(v.len())?;
        Ok(v)
    }
}

impl Visitor<'_> for Key<'_> {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, number or boolean key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        self.text(v.to_owned())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        self.text(v)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        self.text(v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        self.text(v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        self.text(v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        self.text(v.to_string())
    }

    fn visit_unit<E: de::Error>(self) -> Result<String, E> {
        self.text("null".to_owned())
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

    /// `width` values under one anchor, then `width` aliases to it: width² values once expanded.
    fn alias_bomb(width: usize) -> String {
        let mut text = String::from("swagger: '2.0'\nx-a: &a [");
        text.push_str(&vec!["lol"; width].join(","));
        text.push_str("]\nx-b: [");
        text.push_str(&vec!["*a"; width].join(","));
        text.push_str("]\n");
        text
    }

    #[test]
    fn an_alias_bomb_is_refused_before_it_is_built() {
        let small = ExpansionBudget {
            values: 1_000,
            text_bytes: 100_000,
        };
        // 50 × 50 = 2,500 values from a text of about 350 bytes.
        let err = parse_within(&alias_bomb(50), small).expect_err("over the budget");
        assert!(
            matches!(err, OpenApiError::Expansion { values: 1_000, .. }),
            "{err:?}"
        );
        assert_eq!(err.status(), 400);
        assert!(err.to_string().contains("aliases"), "{err}");
        // The bomb: 3000 aliases, 9 million values, against the default budget.
        let err = parse(&alias_bomb(3_000)).expect_err("over the default budget");
        assert!(matches!(err, OpenApiError::Expansion { .. }), "{err:?}");
    }

    #[test]
    fn text_repeated_by_aliases_counts_too() {
        let big = "x".repeat(10_000);
        let text = format!("swagger: '2.0'\nx-a: &a '{big}'\nx-b: [*a, *a, *a, *a, *a]\n");
        let budget = ExpansionBudget {
            values: 1_000,
            text_bytes: 40_000,
        };
        let err = parse_within(&text, budget).expect_err("60 kB of text");
        assert!(matches!(err, OpenApiError::Expansion { .. }), "{err:?}");
    }

    #[test]
    fn a_document_with_a_few_aliases_is_read() {
        let text = "swagger: '2.0'\ninfo: {title: t, version: '1'}\n\
                    x-ok: &ok {description: ok}\n\
                    paths:\n  /a:\n    get:\n      responses:\n        200: *ok\n\
                    \x20 /b:\n    get:\n      responses:\n        200: *ok\n";
        let doc = parse(text).expect("aliases within the budget");
        assert_eq!(
            doc.root["paths"]["/b"]["get"]["responses"]["200"]["description"],
            "ok"
        );
        // The same document fits a budget just large enough for it.
        let budget = ExpansionBudget {
            values: 100,
            text_bytes: 1_000,
        };
        parse_within(text, budget).expect("fits");
        // A small bomb within a large budget is just a document.
        parse_within(
            &alias_bomb(50),
            ExpansionBudget {
                values: 3_000,
                text_bytes: 100_000,
            },
        )
        .expect("2,607 values fit 3,000");
    }

    #[test]
    fn nul_characters_are_refused_with_their_path() {
        let err = parse("{\"swagger\": \"2.0\", \"info\": {\"title\": \"a\\u0000b\"}}")
            .expect_err("NUL in JSON");
        assert_eq!(err.status(), 400);
        assert!(
            err.to_string().starts_with("info.title: contains a NUL"),
            "{err}"
        );
        let err =
            parse("swagger: '2.0'\npaths:\n  \"/a\\0\": {}\n").expect_err("NUL in a YAML key");
        assert!(err.to_string().contains("NUL"), "{err}");
        // A lone surrogate is not text: a syntax error in JSON and YAML alike.
        let err = parse("{\"swagger\": \"2.0\", \"x\": \"\\ud800\"}").expect_err("surrogate");
        assert!(matches!(err, OpenApiError::Syntax { .. }), "{err:?}");
        let err = parse("swagger: '2.0'\nx: \"\\ud800\"\n").expect_err("surrogate");
        assert!(matches!(err, OpenApiError::Syntax { .. }), "{err:?}");
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

//! JSONPath as API Gateway (Jayway) uses it, evaluated with the RFC 9535 `serde_json_path` crate.
//!
//! Bridging Jayway to RFC 9535:
//! * a path without a leading `$` gets one (`a.b` → `$.a.b`, `[0]` → `$[0]`, empty → `$`);
//! * dot-notation names that RFC 9535 does not allow in shorthand (`$.user-id`, `$.1`) are
//!   rewritten to bracket notation (`$['user-id']`);
//! * Jayway's *definite* paths (no `..`, `*`, filter, union or slice) yield the single matched
//!   value or null; indefinite paths yield a list of all matches.

use serde_json_path::JsonPath;

use crate::value::Value;

pub(crate) struct CompiledPath {
    pub path: JsonPath,
    pub definite: bool,
    /// `*` appears: results from one object are put back into document order.
    pub wildcard: bool,
    /// The path is exactly `$`.
    pub root: bool,
}

fn is_shorthand_name(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' || !c.is_ascii() => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || !c.is_ascii())
}

fn quote_name(name: &str, out: &mut String) {
    out.push_str("['");
    for c in name.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push_str("']");
}

/// Rewrites a Jayway path into RFC 9535 syntax; also reports whether it is definite and whether
/// it has a wildcard.
pub(crate) fn translate(path: &str) -> (String, bool, bool) {
    let p = path.trim();
    let p = if p.is_empty() {
        "$".to_string()
    } else if p.starts_with('$') {
        p.to_string()
    } else if p.starts_with('[') || p.starts_with('.') {
        format!("${p}")
    } else {
        format!("$.{p}")
    };
    let chars: Vec<char> = p.chars().collect();
    let mut out = String::with_capacity(p.len() + 8);
    let mut definite = true;
    let mut wildcard = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '[' => {
                // Copy the bracket segment verbatim, tracking quotes and nesting.
                let mut depth = 0usize;
                let mut quote: Option<char> = None;
                while i < chars.len() {
                    let d = chars[i];
                    out.push(d);
                    match quote {
                        Some(q) => {
                            if d == '\\' && i + 1 < chars.len() {
                                i += 1;
                                out.push(chars[i]);
                            } else if d == q {
                                quote = None;
                            }
                        }
                        None => match d {
                            '\'' | '"' => quote = Some(d),
                            '[' | '(' => depth += 1,
                            ']' | ')' => {
                                depth = depth.saturating_sub(1);
                                if depth == 0 && d == ']' {
                                    break;
                                }
                            }
                            '*' => {
                                definite = false;
                                wildcard = true;
                            }
                            '?' | ',' | ':' => definite = false,
                            _ => {}
                        },
                    }
                    i += 1;
                }
                i += 1;
            }
            '.' => {
                let descendant = chars.get(i + 1) == Some(&'.');
                if descendant {
                    definite = false;
                    out.push_str("..");
                    i += 2;
                } else {
                    i += 1;
                }
                match chars.get(i) {
                    Some('*') => {
                        definite = false;
                        wildcard = true;
                        if !descendant {
                            out.push('.');
                        }
                        out.push('*');
                        i += 1;
                    }
                    Some('[') => {
                        // `$.['a']` (Jayway tolerates it) is `$['a']`.
                    }
                    _ => {
                        let start = i;
                        while i < chars.len() && chars[i] != '.' && chars[i] != '[' {
                            i += 1;
                        }
                        let name: String = chars[start..i].iter().collect();
                        let name = name.trim();
                        if is_shorthand_name(name) {
                            if !descendant {
                                out.push('.');
                            }
                            out.push_str(name);
                        } else {
                            quote_name(name, &mut out);
                        }
                    }
                }
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    (out, definite, wildcard)
}

pub(crate) fn compile(path: &str) -> Result<CompiledPath, String> {
    let (rfc, definite, wildcard) = translate(path);
    let root = rfc == "$";
    let parsed =
        JsonPath::parse(&rfc).map_err(|e| format!("invalid JSONPath '{path}': {}", e.message()))?;
    Ok(CompiledPath {
        path: parsed,
        definite,
        wildcard,
        root,
    })
}

/// Follows a normalized path (as `serde_json_path` reports matches) on the ordered document.
pub(crate) fn resolve(root: &Value, location: &serde_json_path::NormalizedPath<'_>) -> Value {
    let mut cur = root.clone();
    for element in location.iter() {
        let next = match (element, &cur) {
            (serde_json_path::PathElement::Name(n), Value::Map(m)) => {
                m.borrow().entries.get(*n).cloned()
            }
            (serde_json_path::PathElement::Index(i), Value::List(l)) => {
                l.borrow().items.get(*i).cloned()
            }
            _ => None,
        };
        match next {
            Some(v) => cur = v,
            None => return Value::Null,
        }
    }
    cur
}

/// Position of a member in its (insertion-ordered) parent object, for putting wildcard results
/// back into document order.
pub(crate) fn member_index(
    root: &Value,
    location: &serde_json_path::NormalizedPath<'_>,
) -> Option<usize> {
    let len = location.len();
    let last = location.last()?;
    let name = last.as_name()?;
    let mut cur = root.clone();
    for element in location.iter().take(len - 1) {
        let next = match (element, &cur) {
            (serde_json_path::PathElement::Name(n), Value::Map(m)) => {
                m.borrow().entries.get(*n).cloned()
            }
            (serde_json_path::PathElement::Index(i), Value::List(l)) => {
                l.borrow().items.get(*i).cloned()
            }
            _ => None,
        }?;
        cur = next;
    }
    match cur {
        Value::Map(m) => m.borrow().entries.get_index_of(name),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translates_jayway_forms() {
        assert_eq!(translate(""), ("$".into(), true, false));
        assert_eq!(translate("$"), ("$".into(), true, false));
        assert_eq!(translate("$.a.b"), ("$.a.b".into(), true, false));
        assert_eq!(translate("a.b"), ("$.a.b".into(), true, false));
        assert_eq!(translate("$.user-id"), ("$['user-id']".into(), true, false));
        assert_eq!(
            translate("$.things.1"),
            ("$.things['1']".into(), true, false)
        );
        assert_eq!(translate("$['a'][0]"), ("$['a'][0]".into(), true, false));
        assert_eq!(translate("$.a[*].b"), ("$.a[*].b".into(), false, true));
        assert_eq!(translate("$.a.*"), ("$.a.*".into(), false, true));
        assert_eq!(translate("$..price"), ("$..price".into(), false, false));
        assert_eq!(
            translate("$..my-key"),
            ("$..['my-key']".into(), false, false)
        );
        assert_eq!(
            translate("$.book[?(@.price < 10)]"),
            ("$.book[?(@.price < 10)]".into(), false, false)
        );
        assert_eq!(translate("$.a[0,1]"), ("$.a[0,1]".into(), false, false));
        assert_eq!(translate("$.a[1:3]"), ("$.a[1:3]".into(), false, false));
        assert_eq!(translate("$['a.b']"), ("$['a.b']".into(), true, false));
    }

    #[test]
    fn compiles_with_the_rfc_crate() {
        assert!(compile("$.a.b").is_ok());
        assert!(compile("$.user-id").is_ok());
        assert!(compile("$.book[?(@.price < 10)]").is_ok());
        assert!(compile("$.a[").is_err());
        assert!(compile("$$").is_err());
    }
}

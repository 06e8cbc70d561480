//! JSON text → [`Value`] (insertion-ordered maps, numbers kept in their source form, arrays
//! marked as JSON arrays), and [`Value`] → `serde_json::Value` for JSONPath evaluation.

use std::rc::Rc;

use indexmap::IndexMap;

use crate::value::{MAX_VALUE_DEPTH, Num, Value, parse_json_number};

/// JSON documents nested deeper than this are not parsed (they are treated as non-JSON).
pub(crate) const MAX_JSON_DEPTH: usize = 256;

/// Parses a complete JSON text. `None` if it is not valid JSON (or nested too deeply).
pub(crate) fn parse(text: &str) -> Option<Value> {
    let mut p = JsonParser {
        s: text,
        b: text.as_bytes(),
        i: 0,
    };
    p.ws();
    let v = p.value(0)?;
    p.ws();
    if p.i == p.b.len() { Some(v) } else { None }
}

struct JsonParser<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
}

impl JsonParser<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn eat(&mut self, lit: &str) -> bool {
        if self.b[self.i..].starts_with(lit.as_bytes()) {
            self.i += lit.len();
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Option<Value> {
        if depth > MAX_JSON_DEPTH {
            return None;
        }
        match *self.b.get(self.i)? {
            b'{' => {
                self.i += 1;
                let mut entries = IndexMap::new();
                self.ws();
                if self.eat("}") {
                    return Some(Value::new_map(entries));
                }
                loop {
                    self.ws();
                    if self.b.get(self.i) != Some(&b'"') {
                        return None;
                    }
                    let key = self.string()?;
                    self.ws();
                    if !self.eat(":") {
                        return None;
                    }
                    self.ws();
                    let v = self.value(depth + 1)?;
                    entries.insert(Rc::from(key), v);
                    self.ws();
                    if self.eat(",") {
                        continue;
                    }
                    if self.eat("}") {
                        return Some(Value::new_map(entries));
                    }
                    return None;
                }
            }
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.eat("]") {
                    return Some(Value::new_list(items, true));
                }
                loop {
                    self.ws();
                    items.push(self.value(depth + 1)?);
                    self.ws();
                    if self.eat(",") {
                        continue;
                    }
                    if self.eat("]") {
                        return Some(Value::new_list(items, true));
                    }
                    return None;
                }
            }
            b'"' => Some(Value::str(self.string()?)),
            b't' => self.eat("true").then_some(Value::Bool(true)),
            b'f' => self.eat("false").then_some(Value::Bool(false)),
            b'n' => self.eat("null").then_some(Value::Null),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while self.i < self.b.len() && self.b[self.i].is_ascii_digit() {
            self.i += 1;
        }
        self.i - start
    }

    fn number(&mut self) -> Option<Value> {
        let start = self.i;
        self.eat("-");
        let int_start = self.i;
        let n = self.digits();
        if n == 0 || (n > 1 && self.b[int_start] == b'0') {
            return None;
        }
        if self.eat(".") && self.digits() == 0 {
            return None;
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.b.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if self.digits() == 0 {
                return None;
            }
        }
        Some(Value::Num(Rc::from(&self.s[start..self.i])))
    }

    fn hex4(&mut self) -> Option<u16> {
        let h = self.s.get(self.i..self.i + 4)?;
        let v = u16::from_str_radix(h, 16).ok()?;
        if !h.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        self.i += 4;
        Some(v)
    }

    fn string(&mut self) -> Option<String> {
        self.i += 1; // opening quote
        let mut out = String::new();
        loop {
            let start = self.i;
            while self.i < self.b.len() && self.b[self.i] != b'"' && self.b[self.i] != b'\\' {
                self.i += 1;
            }
            out.push_str(&self.s[start..self.i]);
            match *self.b.get(self.i)? {
                b'"' => {
                    self.i += 1;
                    return Some(out);
                }
                _ => {
                    self.i += 1;
                    let esc = *self.b.get(self.i)?;
                    self.i += 1;
                    match esc {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            if (0xD800..0xDC00).contains(&hi)
                                && self.b[self.i..].starts_with(b"\\u")
                            {
                                let save = self.i;
                                self.i += 2;
                                match self.hex4() {
                                    Some(lo) if (0xDC00..0xE000).contains(&lo) => {
                                        let c = 0x10000
                                            + ((u32::from(hi) - 0xD800) << 10)
                                            + (u32::from(lo) - 0xDC00);
                                        out.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
                                        continue;
                                    }
                                    _ => self.i = save,
                                }
                            }
                            out.push(char::from_u32(u32::from(hi)).unwrap_or('\u{FFFD}'));
                        }
                        _ => return None,
                    }
                }
            }
        }
    }
}

/// Converts a value to `serde_json` (for JSONPath evaluation, and override values). `budget` is
/// the number of values it may still convert; past it (or too deep) values become null.
pub(crate) fn to_serde(v: &Value, depth: usize, budget: &mut usize) -> serde_json::Value {
    use serde_json::Value as J;
    if depth > MAX_VALUE_DEPTH || *budget == 0 {
        return J::Null;
    }
    *budget -= 1;
    match v {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Int(i) => J::from(*i),
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        Value::Num(text) => match text.parse::<serde_json::Number>() {
            Ok(n) => J::Number(n),
            Err(_) => match parse_json_number(text) {
                Num::I(i) => J::from(i),
                Num::F(f) => serde_json::Number::from_f64(f).map_or(J::Null, J::Number),
            },
        },
        Value::Str(s) => J::String(s.to_string()),
        Value::List(l) => J::Array(
            l.borrow()
                .items
                .iter()
                .map(|x| to_serde(x, depth + 1, budget))
                .collect(),
        ),
        Value::Map(m) => J::Object(
            m.borrow()
                .entries
                .iter()
                .map(|(k, x)| (k.to_string(), to_serde(x, depth + 1, budget)))
                .collect(),
        ),
        Value::Entry(e) => {
            let mut map = serde_json::Map::new();
            map.insert(e.0.to_string(), to_serde(&e.1, depth + 1, budget));
            J::Object(map)
        }
        Value::Scope(_) | Value::Block(_) | Value::Input | Value::Util => J::Null,
    }
}

/// Converts caller-provided JSON (`serde_json`) to a template value.
pub(crate) fn from_serde(v: &serde_json::Value, depth: usize) -> Value {
    use serde_json::Value as J;
    if depth > MAX_JSON_DEPTH {
        return Value::Null;
    }
    match v {
        J::Null => Value::Null,
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => Value::Num(Rc::from(n.to_string())),
        J::String(s) => Value::str(s.as_str()),
        J::Array(a) => Value::new_list(a.iter().map(|x| from_serde(x, depth + 1)).collect(), true),
        J::Object(o) => Value::new_map(
            o.iter()
                .map(|(k, x)| (Rc::from(k.as_str()), from_serde(x, depth + 1)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::display;

    fn show(text: &str) -> String {
        display(&parse(text).expect("valid json")).expect("not too deep")
    }

    #[test]
    fn keeps_order_and_number_text() {
        assert_eq!(
            show(r#"{"b":1,"a":2.50,"c":[1,"x"]}"#),
            r#"{b=1, a=2.50, c=[1,"x"]}"#
        );
        assert_eq!(show(r#" [ {"foo" : "bar"} ] "#), r#"[{"foo":"bar"}]"#);
        assert_eq!(show(r#""a\"b\u00e9\ud83d\ude00""#), "a\"bé😀");
        assert_eq!(show("-0.5e-3"), "-0.5e-3");
    }

    #[test]
    fn rejects_invalid() {
        for bad in [
            "", "{", "[1,]", "{\"a\"}", "01", "1.", "tru", "\"abc", "[1] x", "{'a':1}", "-",
        ] {
            assert!(parse(bad).is_none(), "{bad:?} should be rejected");
        }
        let deep = "[".repeat(MAX_JSON_DEPTH + 2) + &"]".repeat(MAX_JSON_DEPTH + 2);
        assert!(parse(&deep).is_none());
        let ok = "[".repeat(100) + &"]".repeat(100);
        assert!(parse(&ok).is_some());
    }
}

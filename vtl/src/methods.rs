//! Java methods callable on values: `String`, `List`, `Map`, `Map.Entry`, `Number`, `Boolean`,
//! `$foreach`, and API Gateway's `$input` and `$util`.
//!
//! As in Velocity, a method that does not exist (or whose arguments have the wrong types) yields
//! null; a Java exception (an index out of bounds, a bad regular expression) fails the render.

use std::cmp::Ordering;
use std::rc::Rc;

use crate::javafmt::{
    base64_decode, base64_encode, escape_javascript, java_hash, url_decode, url_encode,
};
use crate::json;
use crate::render::{RResult, Renderer, scope_method};
use crate::value::{ListRef, MapRef, Num, Value, num_cmp};

/// The "return value" of a `void` Java method, which Velocity renders as nothing.
fn void() -> Value {
    Value::str("")
}

fn arg_str(args: &[Value], i: usize) -> Option<&str> {
    args.get(i).and_then(Value::as_str)
}

fn arg_int(args: &[Value], i: usize) -> Option<i64> {
    args.get(i).and_then(Value::as_int)
}

// ----------------------------------------------------------------- UTF-16 indexing

fn len16(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.encode_utf16().count()
    }
}

/// Byte offset of UTF-16 index `i` (rounded up to a character boundary).
fn byte_at16(s: &str, i: usize) -> usize {
    if s.is_ascii() {
        return i.min(s.len());
    }
    let mut units = 0;
    for (b, c) in s.char_indices() {
        if units >= i {
            return b;
        }
        units += c.len_utf16();
    }
    s.len()
}

fn index16(s: &str, byte: usize) -> i64 {
    if s.is_ascii() {
        byte as i64
    } else {
        s[..byte].encode_utf16().count() as i64
    }
}

fn sub16(s: &str, begin: usize, end: usize) -> String {
    if s.is_ascii() {
        s[begin..end].to_string()
    } else {
        let units: Vec<u16> = s.encode_utf16().collect();
        String::from_utf16_lossy(&units[begin..end])
    }
}

fn java_trim(s: &str) -> &str {
    s.trim_matches(|c: char| c <= ' ')
}

fn compare16(a: &str, b: &str) -> i64 {
    let mut x = a.encode_utf16();
    let mut y = b.encode_utf16();
    loop {
        match (x.next(), y.next()) {
            (Some(p), Some(q)) if p == q => {}
            (Some(p), Some(q)) => return i64::from(p) - i64::from(q),
            _ => return len16(a) as i64 - len16(b) as i64,
        }
    }
}

fn fold_char(c: char) -> char {
    c.to_uppercase()
        .next()
        .unwrap_or(c)
        .to_lowercase()
        .next()
        .unwrap_or(c)
}

// ----------------------------------------------------------------- regular expressions

/// Java `Pattern` syntax to `fancy_regex`: `\Q…\E` quoting is expanded.
fn translate_regex(pattern: &str) -> String {
    if !pattern.contains("\\Q") {
        return pattern.to_string();
    }
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut rest = pattern;
    while let Some(start) = rest.find("\\Q") {
        // An escaped backslash before `\Q` (`\\Q`) is not a quote start; count backslashes.
        let preceding = rest[..start]
            .chars()
            .rev()
            .take_while(|&c| c == '\\')
            .count();
        if preceding % 2 == 1 {
            out.push_str(&rest[..start + 2]);
            rest = &rest[start + 2..];
            continue;
        }
        out.push_str(&rest[..start]);
        let quoted_start = start + 2;
        let (quoted, after) = match rest[quoted_start..].find("\\E") {
            Some(e) => (
                &rest[quoted_start..quoted_start + e],
                &rest[quoted_start + e + 2..],
            ),
            None => (&rest[quoted_start..], ""),
        };
        out.push_str(&fancy_regex::escape(quoted));
        rest = after;
    }
    out.push_str(rest);
    out
}

enum Piece {
    Lit(String),
    Group(usize),
    Named(String),
}

/// Java `Matcher.appendReplacement` syntax: `$n`, `${name}`, `\x`.
fn parse_replacement(r: &str, re: &fancy_regex::Regex) -> Result<Vec<Piece>, String> {
    let groups = re.captures_len().saturating_sub(1);
    let chars: Vec<char> = r.chars().collect();
    let mut pieces = Vec::new();
    let mut lit = String::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => {
                i += 1;
                let Some(&c) = chars.get(i) else {
                    return Err("character to be escaped is missing".into());
                };
                lit.push(c);
                i += 1;
            }
            '$' => {
                i += 1;
                if !lit.is_empty() {
                    pieces.push(Piece::Lit(std::mem::take(&mut lit)));
                }
                match chars.get(i) {
                    Some('{') => {
                        let start = i + 1;
                        let mut j = start;
                        while j < chars.len() && chars[j].is_ascii_alphanumeric() {
                            j += 1;
                        }
                        if chars.get(j) != Some(&'}') || j == start {
                            return Err("named capturing group is missing trailing '}'".into());
                        }
                        let name: String = chars[start..j].iter().collect();
                        if !re.capture_names().any(|n| n == Some(name.as_str())) {
                            return Err(format!("no group with name {{{name}}}"));
                        }
                        pieces.push(Piece::Named(name));
                        i = j + 1;
                    }
                    Some(c) if c.is_ascii_digit() => {
                        let mut n = c.to_digit(10).unwrap_or(0) as usize;
                        if n > groups {
                            return Err(format!("no group {n}"));
                        }
                        i += 1;
                        while let Some(d) = chars.get(i).and_then(|c| c.to_digit(10)) {
                            let next = n * 10 + d as usize;
                            if next > groups {
                                break;
                            }
                            n = next;
                            i += 1;
                        }
                        pieces.push(Piece::Group(n));
                    }
                    _ => return Err("illegal group reference".into()),
                }
            }
            c => {
                lit.push(c);
                i += 1;
            }
        }
    }
    if !lit.is_empty() {
        pieces.push(Piece::Lit(lit));
    }
    Ok(pieces)
}

impl Renderer<'_> {
    fn regex(&mut self, pattern: &str, full: bool, pos: u32) -> RResult<Rc<fancy_regex::Regex>> {
        let key = format!("{}{pattern}", if full { 'F' } else { 'P' });
        if let Some(re) = self.regexes.get(&key) {
            return Ok(re.clone());
        }
        if pattern.len() > 64 * 1024 {
            return Err(self.runtime(pos, "regular expression longer than 64 KiB"));
        }
        let translated = translate_regex(pattern);
        let source = if full {
            format!("\\A(?:{translated})\\z")
        } else {
            translated
        };
        let re = fancy_regex::RegexBuilder::new(&source)
            .backtrack_limit(200_000)
            .delegate_size_limit(4 * 1024 * 1024)
            .build()
            .map_err(|e| {
                self.runtime(pos, format!("invalid regular expression '{pattern}': {e}"))
            })?;
        let re = Rc::new(re);
        if self.regexes.len() < 256 {
            self.regexes.insert(key, re.clone());
        }
        Ok(re)
    }

    fn regex_failed(&self, pos: u32, e: fancy_regex::Error) -> crate::RenderError {
        self.runtime(pos, format!("regular expression failed: {e}"))
    }

    fn replace_regex(
        &mut self,
        s: &str,
        pattern: &str,
        replacement: &str,
        all: bool,
        pos: u32,
    ) -> RResult<Value> {
        let re = self.regex(pattern, false, pos)?;
        let pieces = parse_replacement(replacement, &re).map_err(|m| self.runtime(pos, m))?;
        self.charge(1 + s.len() as u64 / 64)?;
        let mut out = String::with_capacity(s.len());
        let mut last = 0;
        for caps in re.captures_iter(s) {
            let caps = caps.map_err(|e| self.regex_failed(pos, e))?;
            let Some(m) = caps.get(0) else { continue };
            out.push_str(&s[last..m.start()]);
            for p in &pieces {
                match p {
                    Piece::Lit(l) => out.push_str(l),
                    Piece::Group(n) => {
                        if let Some(g) = caps.get(*n) {
                            out.push_str(g.as_str());
                        }
                    }
                    Piece::Named(n) => {
                        if let Some(g) = caps.name(n) {
                            out.push_str(g.as_str());
                        }
                    }
                }
            }
            last = m.end();
            self.produced(out.len())?;
            if !all {
                break;
            }
        }
        out.push_str(&s[last..]);
        self.produced(out.len())?;
        Ok(Value::str(out))
    }

    /// Java `String.split(regex, limit)`.
    fn split(&mut self, s: &str, pattern: &str, limit: i64, pos: u32) -> RResult<Value> {
        let re = self.regex(pattern, false, pos)?;
        self.charge(1 + s.len() as u64 / 64)?;
        let mut parts: Vec<&str> = Vec::new();
        let mut index = 0;
        let limited = limit > 0;
        for m in re.find_iter(s) {
            let m = m.map_err(|e| self.regex_failed(pos, e))?;
            if limited && parts.len() as i64 >= limit - 1 {
                break;
            }
            if index == 0 && m.start() == 0 && m.end() == 0 {
                // A zero-width match at the start never produces a leading empty string.
                continue;
            }
            parts.push(&s[index..m.start()]);
            index = m.end();
        }
        if index == 0 && parts.is_empty() {
            return Ok(Value::new_list(vec![Value::str(s)], false));
        }
        parts.push(&s[index..]);
        if limit == 0 {
            while parts.last().is_some_and(|p| p.is_empty()) {
                parts.pop();
            }
        }
        self.charge(parts.len() as u64)?;
        Ok(Value::new_list(
            parts.into_iter().map(Value::str).collect(),
            false,
        ))
    }

    fn string_result(&mut self, s: String) -> RResult<Value> {
        self.produced(s.len())?;
        Ok(Value::str(s))
    }

    // ----------------------------------------------------------------- dispatch

    pub(crate) fn call_method(
        &mut self,
        recv: &Value,
        name: &str,
        args: Vec<Value>,
        pos: u32,
    ) -> RResult<Value> {
        match recv {
            Value::Null => Ok(Value::Null),
            Value::Str(s) => self.string_method(s.clone(), name, &args, pos),
            Value::List(l) => self.list_method(l.clone(), name, &args, pos),
            Value::Map(m) => self.map_method(m.clone(), name, &args, pos),
            Value::Entry(e) => Ok(match (name, args.len()) {
                ("getKey", 0) => Value::Str(e.0.clone()),
                ("getValue", 0) => e.1.clone(),
                _ => return self.object_method(recv, name, &args, pos),
            }),
            Value::Int(_) | Value::Float(_) | Value::Num(_) => {
                self.number_method(recv, name, &args, pos)
            }
            Value::Bool(b) => Ok(match (name, args.len()) {
                ("booleanValue", 0) => Value::Bool(*b),
                _ => return self.object_method(recv, name, &args, pos),
            }),
            Value::Scope(s) => match scope_method(s, name) {
                Some(v) if args.is_empty() => Ok(v),
                _ => self.object_method(recv, name, &args, pos),
            },
            Value::Block(_) => self.object_method(recv, name, &args, pos),
            Value::Input => self.input_method(name, &args, pos),
            Value::Util => self.util_method(name, &args, pos),
        }
    }

    /// `toString()` and `equals()`, which every object has.
    fn object_method(
        &mut self,
        recv: &Value,
        name: &str,
        args: &[Value],
        pos: u32,
    ) -> RResult<Value> {
        Ok(match (name, args.len()) {
            ("toString", 0) => Value::str(self.display(recv, pos)?),
            ("equals", 1) => Value::Bool(self.java_eq(recv, &args[0], pos)?),
            _ => Value::Null,
        })
    }

    fn string_method(
        &mut self,
        s: Rc<str>,
        name: &str,
        args: &[Value],
        pos: u32,
    ) -> RResult<Value> {
        let recv = Value::Str(s.clone());
        let out_of_range = |r: &Self, what: String| r.runtime(pos, what);
        Ok(match (name, args.len()) {
            ("length", 0) => Value::Int(len16(&s) as i64),
            ("isEmpty", 0) => Value::Bool(s.is_empty()),
            ("isBlank", 0) => Value::Bool(s.trim().is_empty()),
            ("trim", 0) => Value::str(java_trim(&s)),
            ("strip", 0) => Value::str(s.trim()),
            ("toLowerCase", 0) => return self.string_result(s.to_lowercase()),
            ("toUpperCase", 0) => return self.string_result(s.to_uppercase()),
            ("toString" | "intern", 0) => recv,
            ("hashCode", 0) => Value::Int(i64::from(java_hash(&s))),
            ("charAt", 1) => {
                let Some(i) = arg_int(args, 0) else {
                    return Ok(Value::Null);
                };
                let len = len16(&s);
                if i < 0 || i as usize >= len {
                    return Err(out_of_range(
                        self,
                        format!("charAt({i}) is out of range for a string of length {len}"),
                    ));
                }
                Value::str(sub16(&s, i as usize, i as usize + 1))
            }
            ("substring", 1 | 2) => {
                let len = len16(&s) as i64;
                let begin = arg_int(args, 0);
                let end = if args.len() == 2 {
                    arg_int(args, 1)
                } else {
                    Some(len)
                };
                let (Some(begin), Some(end)) = (begin, end) else {
                    return Ok(Value::Null);
                };
                if begin < 0 || end > len || begin > end {
                    return Err(out_of_range(
                        self,
                        format!(
                            "substring({begin}, {end}) is out of range for a string of length {len}"
                        ),
                    ));
                }
                Value::str(sub16(&s, begin as usize, end as usize))
            }
            ("indexOf" | "lastIndexOf", 1 | 2) => {
                let needle: String = match &args[0] {
                    Value::Str(n) => n.to_string(),
                    Value::Int(c) => match u32::try_from(*c).ok().and_then(char::from_u32) {
                        Some(ch) => ch.to_string(),
                        None => return Ok(Value::Int(-1)),
                    },
                    _ => return Ok(Value::Null),
                };
                let from = if args.len() == 2 {
                    match arg_int(args, 1) {
                        Some(f) => Some(f),
                        None => return Ok(Value::Null),
                    }
                } else {
                    None
                };
                self.charge(1 + s.len() as u64 / 64)?;
                Value::Int(if name == "indexOf" {
                    let from = from.unwrap_or(0).max(0) as usize;
                    let start = byte_at16(&s, from);
                    if from > len16(&s) {
                        -1
                    } else {
                        s[start..]
                            .find(needle.as_str())
                            .map_or(-1, |b| index16(&s, start + b))
                    }
                } else {
                    match from {
                        None => s.rfind(needle.as_str()).map_or(-1, |b| index16(&s, b)),
                        Some(f) if f < 0 => -1,
                        Some(f) => {
                            let limit = byte_at16(&s, f as usize);
                            s.match_indices(needle.as_str())
                                .take_while(|(b, _)| *b <= limit)
                                .last()
                                .map_or(-1, |(b, _)| index16(&s, b))
                        }
                    }
                })
            }
            ("contains", 1) => match arg_str(args, 0) {
                Some(n) => Value::Bool(s.contains(n)),
                None => Value::Null,
            },
            ("startsWith", 1) => match arg_str(args, 0) {
                Some(p) => Value::Bool(s.starts_with(p)),
                None => Value::Null,
            },
            ("startsWith", 2) => match (arg_str(args, 0), arg_int(args, 1)) {
                (Some(p), Some(off)) => Value::Bool(
                    off >= 0
                        && off as usize <= len16(&s)
                        && s[byte_at16(&s, off as usize)..].starts_with(p),
                ),
                _ => Value::Null,
            },
            ("endsWith", 1) => match arg_str(args, 0) {
                Some(p) => Value::Bool(s.ends_with(p)),
                None => Value::Null,
            },
            ("equals", 1) => Value::Bool(matches!(&args[0], Value::Str(o) if **o == *s)),
            ("equalsIgnoreCase", 1) => match &args[0] {
                Value::Str(o) => Value::Bool(
                    len16(o) == len16(&s) && o.chars().map(fold_char).eq(s.chars().map(fold_char)),
                ),
                _ => Value::Bool(false),
            },
            ("compareTo", 1) => match arg_str(args, 0) {
                Some(o) => Value::Int(compare16(&s, o)),
                None => Value::Null,
            },
            ("compareToIgnoreCase", 1) => match arg_str(args, 0) {
                Some(o) => {
                    let a: String = s.chars().map(fold_char).collect();
                    let b: String = o.chars().map(fold_char).collect();
                    Value::Int(compare16(&a, &b))
                }
                None => Value::Null,
            },
            ("concat", 1) => match arg_str(args, 0) {
                Some(o) => return self.string_result(format!("{s}{o}")),
                None => Value::Null,
            },
            ("replace", 2) => match (arg_str(args, 0), arg_str(args, 1)) {
                (Some(a), Some(b)) => {
                    self.charge(1 + s.len() as u64 / 64)?;
                    let count = if a.is_empty() {
                        len16(&s) + 1
                    } else {
                        s.matches(a).count()
                    };
                    let size = s.len() + count.saturating_mul(b.len());
                    self.produced(size.saturating_sub(count.saturating_mul(a.len())))?;
                    Value::str(s.replace(a, b))
                }
                _ => Value::Null,
            },
            ("replaceAll" | "replaceFirst", 2) => match (arg_str(args, 0), arg_str(args, 1)) {
                (Some(p), Some(r)) => {
                    return self.replace_regex(&s, p, r, name == "replaceAll", pos);
                }
                _ => Value::Null,
            },
            ("matches", 1) => match arg_str(args, 0) {
                Some(p) => {
                    let re = self.regex(p, true, pos)?;
                    self.charge(1 + s.len() as u64 / 64)?;
                    Value::Bool(re.is_match(&*s).map_err(|e| self.regex_failed(pos, e))?)
                }
                None => Value::Null,
            },
            ("split", 1 | 2) => {
                let limit = if args.len() == 2 {
                    arg_int(args, 1)
                } else {
                    Some(0)
                };
                match (arg_str(args, 0), limit) {
                    (Some(p), Some(limit)) => return self.split(&s, p, limit, pos),
                    _ => Value::Null,
                }
            }
            ("repeat", 1) => match arg_int(args, 0) {
                Some(n) if n >= 0 => {
                    let size = (s.len() as u64).saturating_mul(n as u64);
                    self.produced(usize::try_from(size).unwrap_or(usize::MAX))?;
                    Value::str(s.repeat(n as usize))
                }
                Some(n) => return Err(self.runtime(pos, format!("repeat({n}): count is negative"))),
                None => Value::Null,
            },
            _ => return self.object_method(&recv, name, args, pos),
        })
    }

    fn list_method(&mut self, l: ListRef, name: &str, args: &[Value], pos: u32) -> RResult<Value> {
        let len = l.borrow().items.len();
        let oob = |r: &Self, i: i64| {
            r.runtime(
                pos,
                format!("index {i} is out of bounds for a list of length {len}"),
            )
        };
        Ok(match (name, args.len()) {
            ("size" | "count", 0) => Value::Int(len as i64),
            ("isEmpty", 0) => Value::Bool(len == 0),
            ("get", 1) => match arg_int(args, 0) {
                Some(i) if i >= 0 && (i as usize) < len => l.borrow().items[i as usize].clone(),
                Some(i) => return Err(oob(self, i)),
                None => Value::Null,
            },
            ("contains" | "indexOf" | "lastIndexOf", 1) => {
                self.charge(1 + len as u64 / 16)?;
                let items = l.borrow().items.clone();
                let mut found: Vec<usize> = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    if self.java_eq(item, &args[0], pos)? {
                        found.push(i);
                        if name != "lastIndexOf" {
                            break;
                        }
                    }
                }
                match name {
                    "contains" => Value::Bool(!found.is_empty()),
                    "indexOf" => Value::Int(found.first().map_or(-1, |&i| i as i64)),
                    _ => Value::Int(found.last().map_or(-1, |&i| i as i64)),
                }
            }
            ("containsAll", 1) => match &args[0] {
                Value::List(other) => {
                    let wanted = other.borrow().items.clone();
                    let items = l.borrow().items.clone();
                    self.charge(1 + (wanted.len() as u64).saturating_mul(items.len() as u64) / 16)?;
                    let mut all = true;
                    for w in &wanted {
                        let mut any = false;
                        for item in &items {
                            if self.java_eq(item, w, pos)? {
                                any = true;
                                break;
                            }
                        }
                        if !any {
                            all = false;
                            break;
                        }
                    }
                    Value::Bool(all)
                }
                _ => Value::Null,
            },
            ("add", 1) => {
                self.step()?;
                l.borrow_mut().items.push(args[0].clone());
                Value::Bool(true)
            }
            ("add", 2) => match arg_int(args, 0) {
                Some(i) if i >= 0 && i as usize <= len => {
                    self.step()?;
                    l.borrow_mut().items.insert(i as usize, args[1].clone());
                    void()
                }
                Some(i) => return Err(oob(self, i)),
                None => Value::Null,
            },
            ("addAll", 1) => match &args[0] {
                Value::List(other) => {
                    let extra = other.borrow().items.clone();
                    self.charge(1 + extra.len() as u64)?;
                    let changed = !extra.is_empty();
                    l.borrow_mut().items.extend(extra);
                    Value::Bool(changed)
                }
                _ => Value::Null,
            },
            ("addAll", 2) => match (arg_int(args, 0), &args[1]) {
                (Some(i), Value::List(other)) => {
                    if i < 0 || i as usize > len {
                        return Err(oob(self, i));
                    }
                    let extra = other.borrow().items.clone();
                    self.charge(1 + extra.len() as u64)?;
                    let changed = !extra.is_empty();
                    let mut data = l.borrow_mut();
                    let tail = data.items.split_off(i as usize);
                    data.items.extend(extra);
                    data.items.extend(tail);
                    Value::Bool(changed)
                }
                _ => Value::Null,
            },
            ("remove", 1) => match &args[0] {
                Value::Int(i) => {
                    if *i < 0 || *i as usize >= len {
                        return Err(oob(self, *i));
                    }
                    l.borrow_mut().items.remove(*i as usize)
                }
                other => {
                    let items = l.borrow().items.clone();
                    let mut at = None;
                    for (i, item) in items.iter().enumerate() {
                        if self.java_eq(item, other, pos)? {
                            at = Some(i);
                            break;
                        }
                    }
                    if let Some(i) = at {
                        l.borrow_mut().items.remove(i);
                    }
                    Value::Bool(at.is_some())
                }
            },
            ("set", 2) => match arg_int(args, 0) {
                Some(i) if i >= 0 && (i as usize) < len => {
                    std::mem::replace(&mut l.borrow_mut().items[i as usize], args[1].clone())
                }
                Some(i) => return Err(oob(self, i)),
                None => Value::Null,
            },
            ("clear", 0) => {
                let old = std::mem::take(&mut l.borrow_mut().items);
                drop(old);
                void()
            }
            ("subList", 2) => match (arg_int(args, 0), arg_int(args, 1)) {
                (Some(a), Some(b)) => {
                    if a < 0 || b as usize > len || a > b {
                        return Err(self.runtime(
                            pos,
                            format!("subList({a}, {b}) is out of range for a list of length {len}"),
                        ));
                    }
                    self.charge(1 + (b - a) as u64 / 32)?;
                    let data = l.borrow();
                    Value::new_list(data.items[a as usize..b as usize].to_vec(), data.json)
                }
                _ => Value::Null,
            },
            _ => return self.object_method(&Value::List(l), name, args, pos),
        })
    }

    fn map_method(&mut self, m: MapRef, name: &str, args: &[Value], pos: u32) -> RResult<Value> {
        let len = m.borrow().entries.len();
        Ok(match (name, args.len()) {
            ("size" | "count", 0) => Value::Int(len as i64),
            ("isEmpty", 0) => Value::Bool(len == 0),
            ("get" | "containsKey" | "remove", 1) | ("getOrDefault", 2) => {
                let Some(key) = self.key_of(&args[0], pos)? else {
                    return Ok(match name {
                        "containsKey" => Value::Bool(false),
                        "getOrDefault" => args[1].clone(),
                        _ => Value::Null,
                    });
                };
                match name {
                    "get" => m.borrow().entries.get(&key).cloned().unwrap_or_default(),
                    "containsKey" => Value::Bool(m.borrow().entries.contains_key(&key)),
                    "getOrDefault" => m
                        .borrow()
                        .entries
                        .get(&key)
                        .cloned()
                        .unwrap_or_else(|| args[1].clone()),
                    _ => m
                        .borrow_mut()
                        .entries
                        .shift_remove(&key)
                        .unwrap_or_default(),
                }
            }
            ("put" | "putIfAbsent", 2) => {
                let Some(key) = self.key_of(&args[0], pos)? else {
                    return Ok(Value::Null);
                };
                self.step()?;
                let mut data = m.borrow_mut();
                if name == "putIfAbsent"
                    && let Some(existing) = data.entries.get(&key)
                    && !existing.is_null()
                {
                    return Ok(existing.clone());
                }
                data.entries
                    .insert(key, args[1].clone())
                    .unwrap_or_default()
            }
            ("putAll", 1) => match &args[0] {
                Value::Map(other) => {
                    let extra: Vec<(Rc<str>, Value)> = other
                        .borrow()
                        .entries
                        .iter()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect();
                    self.charge(1 + extra.len() as u64)?;
                    m.borrow_mut().entries.extend(extra);
                    void()
                }
                _ => Value::Null,
            },
            ("containsValue", 1) => {
                let values: Vec<Value> = m.borrow().entries.values().cloned().collect();
                self.charge(1 + values.len() as u64 / 16)?;
                let mut found = false;
                for v in &values {
                    if self.java_eq(v, &args[0], pos)? {
                        found = true;
                        break;
                    }
                }
                Value::Bool(found)
            }
            ("keySet" | "values" | "entrySet", 0) => {
                self.charge(1 + len as u64 / 32)?;
                let data = m.borrow();
                let items: Vec<Value> = match name {
                    "keySet" => data.entries.keys().map(|k| Value::Str(k.clone())).collect(),
                    "values" => data.entries.values().cloned().collect(),
                    _ => data
                        .entries
                        .iter()
                        .map(|(k, v)| Value::Entry(Rc::new((k.clone(), v.clone()))))
                        .collect(),
                };
                Value::new_list(items, false)
            }
            ("clear", 0) => {
                let old = std::mem::take(&mut m.borrow_mut().entries);
                drop(old);
                void()
            }
            _ => return self.object_method(&Value::Map(m), name, args, pos),
        })
    }

    fn number_method(
        &mut self,
        recv: &Value,
        name: &str,
        args: &[Value],
        pos: u32,
    ) -> RResult<Value> {
        let Some(n) = recv.as_num() else {
            return Ok(Value::Null);
        };
        Ok(match (name, args.len()) {
            ("intValue" | "longValue" | "shortValue" | "byteValue", 0) => Value::Int(match n {
                Num::I(i) => i,
                Num::F(f) => f as i64,
            }),
            ("doubleValue" | "floatValue", 0) => Value::Float(match n {
                Num::I(i) => i as f64,
                Num::F(f) => f,
            }),
            ("compareTo", 1) => match args[0].as_num() {
                Some(o) => Value::Int(match num_cmp(&n, &o) {
                    Some(Ordering::Less) => -1,
                    Some(Ordering::Greater) => 1,
                    _ => 0,
                }),
                None => Value::Null,
            },
            _ => return self.object_method(recv, name, args, pos),
        })
    }

    fn input_method(&mut self, name: &str, args: &[Value], pos: u32) -> RResult<Value> {
        let path_arg = |r: &mut Self| -> RResult<Option<String>> {
            match &args[0] {
                Value::Null => Ok(None),
                Value::Str(s) => Ok(Some(s.to_string())),
                other => Ok(Some(r.display(other, pos)?)),
            }
        };
        Ok(match (name, args.len()) {
            ("body" | "getBody", 0) => self.input_body(),
            ("json", 1) => match path_arg(self)? {
                Some(p) => return self.input_json(&p, pos),
                None => Value::Null,
            },
            ("path", 1) => match path_arg(self)? {
                Some(p) => return self.input_path(&p, pos),
                None => Value::Null,
            },
            ("params", 0) => self.input_params(),
            ("params", 1) => match path_arg(self)? {
                Some(p) => Value::str(self.ctx.input.param(&p)),
                None => Value::Null,
            },
            _ => Value::Null,
        })
    }

    fn util_method(&mut self, name: &str, args: &[Value], pos: u32) -> RResult<Value> {
        if args.len() != 1 {
            return Ok(Value::Null);
        }
        let s = match &args[0] {
            Value::Null => return Ok(Value::Null),
            Value::Str(s) => s.to_string(),
            other => self.display(other, pos)?,
        };
        self.charge(1 + s.len() as u64 / 64)?;
        Ok(match name {
            "escapeJavaScript" => return self.string_result(escape_javascript(&s)),
            "urlEncode" => return self.string_result(url_encode(&s)),
            "urlDecode" => return self.string_result(url_decode(&s)),
            "base64Encode" => return self.string_result(base64_encode(&s)),
            "base64Decode" => match base64_decode(&s) {
                Some(d) => return self.string_result(d),
                None => return Err(self.runtime(pos, "base64Decode: the input is not base64")),
            },
            // Invalid JSON gives an empty string on API Gateway rather than an error.
            "parseJson" => json::parse(&s).unwrap_or_else(|| Value::str("")),
            _ => Value::Null,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_regex_quoting() {
        assert_eq!(translate_regex("a\\Q.*\\Eb"), "a\\.\\*b");
        assert_eq!(translate_regex("\\\\Q"), "\\\\Q");
        assert_eq!(translate_regex("plain"), "plain");
    }

    #[test]
    fn utf16_helpers() {
        assert_eq!(len16("a😀b"), 4);
        assert_eq!(sub16("a😀b", 1, 3), "😀");
        assert_eq!(byte_at16("a😀b", 3), 5);
        assert_eq!(index16("a😀b", 5), 3);
        assert_eq!(compare16("a", "b"), -1);
        assert_eq!(compare16("ab", "a"), 1);
    }
}

//! The runtime value model: a thin Java-compatible layer over the data a template touches.
//!
//! Values live only for one render (they use `Rc`), so a parsed [`crate::Template`] stays `Send +
//! Sync`. Maps and lists have Java reference semantics: `#set($a = $b)` aliases, `$a.put(..)` is
//! seen through `$b`.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use indexmap::IndexMap;

use crate::ast::Node;
use crate::javafmt::java_double;

pub(crate) type ListRef = Rc<RefCell<ListData>>;
pub(crate) type MapRef = Rc<RefCell<MapData>>;

/// A `java.util.List`. `json` marks lists that came from JSON (json-smart's `JSONArray`), whose
/// `toString()` is compact JSON; lists built in the template (`ArrayList`) print as `[a, b]`.
#[derive(Default)]
pub(crate) struct ListData {
    pub items: Vec<Value>,
    pub json: bool,
}

/// An insertion-ordered `java.util.Map` with string keys (`LinkedHashMap`).
#[derive(Default)]
pub(crate) struct MapData {
    pub entries: IndexMap<Rc<str>, Value>,
}

/// What `$foreach` refers to inside a loop body.
pub(crate) struct LoopScope {
    pub index: usize,
    pub has_next: bool,
    pub parent: Value,
}

#[derive(Clone, Default)]
pub(crate) enum Value {
    #[default]
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// A number read from JSON, kept in its source form (`249.99`, `0.99`, `1e5`).
    Num(Rc<str>),
    Str(Rc<str>),
    List(ListRef),
    Map(MapRef),
    /// A `Map.Entry` from `entrySet()`.
    Entry(Rc<(Rc<str>, Value)>),
    /// `$foreach`.
    Scope(Rc<LoopScope>),
    /// A `#define` block: rendered where it is referenced.
    Block(Arc<Vec<Node>>),
    /// `$input`.
    Input,
    /// `$util`.
    Util,
}

/// Nesting of values beyond this is reported as an error (it is a cycle, or hostile input).
pub(crate) const MAX_VALUE_DEPTH: usize = 300;

/// Longest text `toString()` / JSON serialisation may build. Values can share sub-values (a
/// list holding the same list twice, sixty times over), so the size of their text is not bounded
/// by the work it took to build them.
pub(crate) const MAX_TEXT: usize = 16 * 1024 * 1024;

/// Most value pairs one equality test may visit, for the same reason.
pub(crate) const EQUALS_BUDGET: usize = 1_000_000;

/// Marker error: a value is nested more deeply than [`MAX_VALUE_DEPTH`] (or is cyclic), or too
/// large to print or compare.
#[derive(Debug)]
pub(crate) struct TooDeep;

pub(crate) enum Num {
    I(i64),
    F(f64),
}

impl Value {
    pub fn str(s: impl Into<Rc<str>>) -> Value {
        Value::Str(s.into())
    }

    pub fn new_list(items: Vec<Value>, json: bool) -> Value {
        Value::List(Rc::new(RefCell::new(ListData { items, json })))
    }

    pub fn new_map(entries: IndexMap<Rc<str>, Value>) -> Value {
        Value::Map(Rc::new(RefCell::new(MapData { entries })))
    }

    pub fn empty_map() -> Value {
        Value::new_map(IndexMap::new())
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The value as a number, if it is one (Java `Number`).
    pub fn as_num(&self) -> Option<Num> {
        match self {
            Value::Int(i) => Some(Num::I(*i)),
            Value::Float(f) => Some(Num::F(*f)),
            Value::Num(text) => Some(parse_json_number(text)),
            _ => None,
        }
    }

    /// The value as a Java `int`/`long` argument: integers only (as Velocity's method lookup).
    pub fn as_int(&self) -> Option<i64> {
        match self.as_num()? {
            Num::I(i) => Some(i),
            Num::F(_) => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Velocity's truth test for `#if`: null is false, a Boolean is itself, anything else true.
    pub fn truthy(&self) -> bool {
        match self {
            Value::Null => false,
            Value::Bool(b) => *b,
            _ => true,
        }
    }
}

pub(crate) fn parse_json_number(text: &str) -> Num {
    if !text.contains(['.', 'e', 'E'])
        && let Ok(i) = text.parse::<i64>()
    {
        return Num::I(i);
    }
    Num::F(text.parse::<f64>().unwrap_or(f64::NAN))
}

impl From<Num> for Value {
    fn from(n: Num) -> Value {
        match n {
            Num::I(i) => Value::Int(i),
            Num::F(f) => Value::Float(f),
        }
    }
}

/// Java `toString()` of a value, appended to `out`. `Null` prints as `null` here: the AWS rule
/// (null renders empty) applies only where a reference is rendered, which the renderer handles.
pub(crate) fn write_display(v: &Value, out: &mut String, depth: usize) -> Result<(), TooDeep> {
    if depth > MAX_VALUE_DEPTH || out.len() > MAX_TEXT {
        return Err(TooDeep);
    }
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) => out.push_str(&java_double(*f)),
        Value::Num(t) | Value::Str(t) => out.push_str(t),
        Value::List(l) => {
            let data = l.borrow();
            if data.json {
                write_json(v, out, depth)?;
            } else {
                out.push('[');
                for (i, item) in data.items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    match item {
                        Value::List(inner) if Rc::ptr_eq(inner, l) => {
                            out.push_str("(this Collection)")
                        }
                        _ => write_display(item, out, depth + 1)?,
                    }
                }
                out.push(']');
            }
        }
        Value::Map(m) => {
            let data = m.borrow();
            out.push('{');
            for (i, (k, item)) in data.entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(k);
                out.push('=');
                match item {
                    Value::Map(inner) if Rc::ptr_eq(inner, m) => out.push_str("(this Map)"),
                    _ => write_display(item, out, depth + 1)?,
                }
            }
            out.push('}');
        }
        Value::Entry(e) => {
            out.push_str(&e.0);
            out.push('=');
            write_display(&e.1, out, depth + 1)?;
        }
        Value::Scope(_) | Value::Block(_) | Value::Input | Value::Util => {}
    }
    Ok(())
}

pub(crate) fn display(v: &Value) -> Result<String, TooDeep> {
    let mut s = String::new();
    write_display(v, &mut s, 0)?;
    Ok(s)
}

/// Compact JSON of a value (json-smart's `toJSONString`).
pub(crate) fn write_json(v: &Value, out: &mut String, depth: usize) -> Result<(), TooDeep> {
    if depth > MAX_VALUE_DEPTH || out.len() > MAX_TEXT {
        return Err(TooDeep);
    }
    match v {
        Value::Null | Value::Scope(_) | Value::Block(_) | Value::Input | Value::Util => {
            out.push_str("null")
        }
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) => {
            if f.is_finite() {
                out.push_str(&java_double(*f))
            } else {
                out.push_str("null")
            }
        }
        Value::Num(t) => out.push_str(t),
        Value::Str(s) => write_json_string(s, out),
        Value::List(l) => {
            out.push('[');
            for (i, item) in l.borrow().items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out, depth + 1)?;
            }
            out.push(']');
        }
        Value::Map(m) => {
            out.push('{');
            for (i, (k, item)) in m.borrow().entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_string(k, out);
                out.push(':');
                write_json(item, out, depth + 1)?;
            }
            out.push('}');
        }
        Value::Entry(e) => {
            out.push('{');
            write_json_string(&e.0, out);
            out.push(':');
            write_json(&e.1, out, depth + 1)?;
            out.push('}');
        }
    }
    Ok(())
}

pub(crate) fn write_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Numeric comparison across Java number types.
pub(crate) fn num_cmp(a: &Num, b: &Num) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Num::I(x), Num::I(y)) => Some(x.cmp(y)),
        (Num::I(x), Num::F(y)) => (*x as f64).partial_cmp(y),
        (Num::F(x), Num::I(y)) => x.partial_cmp(&(*y as f64)),
        (Num::F(x), Num::F(y)) => x.partial_cmp(y),
    }
}

/// Java `a.equals(b)`, with numbers compared by value whatever their boxed type. `budget` is
/// the number of value pairs it may still visit.
pub(crate) fn java_equals(a: &Value, b: &Value, budget: &mut usize) -> Result<bool, TooDeep> {
    equals_at(a, b, 0, budget)
}

fn equals_at(a: &Value, b: &Value, depth: usize, budget: &mut usize) -> Result<bool, TooDeep> {
    if depth > MAX_VALUE_DEPTH || *budget == 0 {
        return Err(TooDeep);
    }
    *budget -= 1;
    Ok(match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::List(x), Value::List(y)) => {
            if Rc::ptr_eq(x, y) {
                return Ok(true);
            }
            let (x, y) = (x.borrow(), y.borrow());
            if x.items.len() != y.items.len() {
                return Ok(false);
            }
            for (p, q) in x.items.iter().zip(y.items.iter()) {
                if !equals_at(p, q, depth + 1, budget)? {
                    return Ok(false);
                }
            }
            true
        }
        (Value::Map(x), Value::Map(y)) => {
            if Rc::ptr_eq(x, y) {
                return Ok(true);
            }
            let (x, y) = (x.borrow(), y.borrow());
            if x.entries.len() != y.entries.len() {
                return Ok(false);
            }
            for (k, p) in x.entries.iter() {
                match y.entries.get(k) {
                    Some(q) if equals_at(p, q, depth + 1, budget)? => {}
                    _ => return Ok(false),
                }
            }
            true
        }
        (Value::Entry(x), Value::Entry(y)) => {
            x.0 == y.0 && equals_at(&x.1, &y.1, depth + 1, budget)?
        }
        (Value::Scope(x), Value::Scope(y)) => Rc::ptr_eq(x, y),
        (Value::Block(x), Value::Block(y)) => Arc::ptr_eq(x, y),
        (Value::Input, Value::Input) | (Value::Util, Value::Util) => true,
        _ => match (a.as_num(), b.as_num()) {
            (Some(x), Some(y)) => num_cmp(&x, &y) == Some(std::cmp::Ordering::Equal),
            _ => false,
        },
    })
}

/// The `==` operator of Velocity 1.7 plus the AWS rule that null equals `""`.
///
/// Numbers compare by value; objects of the same kind use `equals`; objects of different kinds
/// compare their `toString()` forms.
pub(crate) fn vtl_equals(a: &Value, b: &Value, budget: &mut usize) -> Result<bool, TooDeep> {
    match (a, b) {
        (Value::Null, Value::Null) => Ok(true),
        (Value::Null, Value::Str(s)) | (Value::Str(s), Value::Null) => Ok(s.is_empty()),
        (Value::Null, _) | (_, Value::Null) => Ok(false),
        _ => {
            if let (Some(x), Some(y)) = (a.as_num(), b.as_num()) {
                return Ok(num_cmp(&x, &y) == Some(std::cmp::Ordering::Equal));
            }
            if same_kind(a, b) {
                return java_equals(a, b, budget);
            }
            Ok(display(a)? == display(b)?)
        }
    }
}

fn same_kind(a: &Value, b: &Value) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

/// Appends every value directly held by `v` whose container is about to be dropped.
fn take_children(v: Value, stack: &mut Vec<Value>) {
    match v {
        Value::List(rc) => {
            if let Ok(cell) = Rc::try_unwrap(rc) {
                // Without containers inside, the list drops in place when `data` goes.
                let mut data = cell.into_inner();
                if data.items.iter().any(holds_values) {
                    stack.append(&mut data.items);
                }
            }
        }
        Value::Map(rc) => {
            if let Ok(cell) = Rc::try_unwrap(rc) {
                let mut data = cell.into_inner();
                if data.entries.values().any(holds_values) {
                    stack.extend(std::mem::take(&mut data.entries).into_values());
                }
            }
        }
        Value::Entry(rc) => {
            if let Ok((_, value)) = Rc::try_unwrap(rc) {
                stack.push(value);
            }
        }
        _ => {}
    }
}

fn drain(mut stack: Vec<Value>) {
    while let Some(v) = stack.pop() {
        take_children(v, &mut stack);
    }
}

// Deeply nested values (a template can build a million-level chain of maps) must not overflow the
// stack when dropped: take children out iteratively.
/// Whether dropping `v` can recurse (values that hold no other values drop in place).
fn holds_values(v: &Value) -> bool {
    matches!(v, Value::List(_) | Value::Map(_) | Value::Entry(_))
}

impl Drop for ListData {
    fn drop(&mut self) {
        if self.items.iter().any(holds_values) {
            drain(std::mem::take(&mut self.items));
        }
    }
}

impl Drop for MapData {
    fn drop(&mut self) {
        if self.entries.values().any(holds_values) {
            drain(std::mem::take(&mut self.entries).into_values().collect());
        }
    }
}

//! The tree-walking interpreter.

use std::collections::HashMap;
use std::rc::Rc;
use std::time::Instant;

use indexmap::IndexMap;

use crate::ast::{BinOp, Expr, Node, Part, Reference};
use crate::context::read_overrides;
use crate::jsonpath::{self, CompiledPath};
use crate::value::{
    EQUALS_BUDGET, MAX_VALUE_DEPTH, MapRef, Num, TooDeep, Value, java_equals, num_cmp, vtl_equals,
    write_display, write_json,
};
use crate::{Context, Limits, RenderError, Rendered, Template, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    Normal,
    Break,
    Stop,
}

pub(crate) type RResult<T> = Result<T, RenderError>;

pub(crate) struct Renderer<'t> {
    pub tpl: &'t Template,
    pub ctx: &'t Context,
    pub limits: &'t Limits,
    globals: HashMap<Box<str>, Value>,
    frames: Vec<HashMap<Box<str>, Value>>,
    steps: u64,
    depth: usize,
    started: Instant,
    context_map: MapRef,
    body: Option<Rc<str>>,
    doc: Option<Value>,
    doc_serde: Option<Rc<serde_json::Value>>,
    paths: HashMap<String, Rc<CompiledPath>>,
    pub regexes: HashMap<String, Rc<fancy_regex::Regex>>,
    params: Option<Value>,
}

pub(crate) fn render<'t>(
    tpl: &'t Template,
    ctx: &'t Context,
    limits: &'t Limits,
) -> RResult<Rendered> {
    let context_map = ctx.context_map(&tpl.context_keys);
    let context_value = Value::Map(context_map.clone());
    let mut globals = HashMap::with_capacity(8);
    globals.insert("input".into(), Value::Input);
    globals.insert("util".into(), Value::Util);
    globals.insert("context".into(), context_value);
    globals.insert("stageVariables".into(), ctx.stage_variables_value());
    let mut r = Renderer {
        tpl,
        ctx,
        limits,
        globals,
        frames: Vec::new(),
        steps: 0,
        depth: 0,
        started: Instant::now(),
        context_map,
        body: None,
        doc: None,
        doc_serde: None,
        paths: HashMap::new(),
        regexes: HashMap::new(),
        params: None,
    };
    let mut out = String::new();
    r.render_nodes(&tpl.nodes, &mut out)?;
    let overrides = read_overrides(&r.context_map);
    Ok(Rendered {
        body: out,
        overrides,
    })
}

impl<'t> Renderer<'t> {
    // ------------------------------------------------------------- budgets and errors

    pub fn runtime(&self, pos: u32, message: impl Into<String>) -> RenderError {
        let (line, column) = self.tpl.line_col(pos);
        RenderError::Runtime {
            line,
            column,
            message: message.into(),
        }
    }

    pub fn too_deep(&self, pos: u32) -> RenderError {
        self.runtime(
            pos,
            format!(
                "a value is nested deeper than {MAX_VALUE_DEPTH} levels (or contains itself), \
                 or is too large to print or compare"
            ),
        )
    }

    /// Java `a.equals(b)`, charged to the step budget by the work it took.
    pub fn java_eq(&mut self, a: &Value, b: &Value, pos: u32) -> RResult<bool> {
        let mut budget = EQUALS_BUDGET;
        let eq = java_equals(a, b, &mut budget);
        self.charge(((EQUALS_BUDGET - budget) / 16) as u64)?;
        eq.map_err(|TooDeep| self.too_deep(pos))
    }

    pub fn charge(&mut self, n: u64) -> RResult<()> {
        let before = self.steps;
        self.steps = self.steps.saturating_add(n);
        if self.steps > self.limits.max_steps {
            return Err(RenderError::StepLimit {
                limit: self.limits.max_steps,
            });
        }
        if before >> 8 != self.steps >> 8
            && let Some(limit) = self.limits.max_duration
            && self.started.elapsed() > limit
        {
            return Err(RenderError::TimeLimit { limit });
        }
        Ok(())
    }

    pub fn step(&mut self) -> RResult<()> {
        self.charge(1)
    }

    /// Accounts for `n` bytes of string produced, and refuses strings over the output limit.
    pub fn produced(&mut self, n: usize) -> RResult<()> {
        if n > self.limits.max_output_bytes {
            return Err(RenderError::OutputLimit {
                limit: self.limits.max_output_bytes,
            });
        }
        self.charge((n / 64) as u64)
    }

    fn enter(&mut self, pos: u32) -> RResult<()> {
        self.depth += 1;
        let limit = self.limits.max_depth.saturating_mul(2);
        if self.depth > limit {
            let (line, column) = self.tpl.line_col(pos);
            return Err(RenderError::DepthLimit {
                line,
                column,
                limit,
            });
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    fn emit(&mut self, out: &mut String, s: &str) -> RResult<()> {
        if out.len() + s.len() > self.limits.max_output_bytes {
            return Err(RenderError::OutputLimit {
                limit: self.limits.max_output_bytes,
            });
        }
        self.charge((s.len() / 64) as u64)?;
        out.push_str(s);
        Ok(())
    }

    // ------------------------------------------------------------- variables

    fn lookup(&self, name: &str) -> Option<&Value> {
        for frame in self.frames.iter().rev() {
            if let Some(v) = frame.get(name) {
                return Some(v);
            }
        }
        self.globals.get(name)
    }

    pub fn get_var(&self, name: &str) -> Value {
        self.lookup(name).cloned().unwrap_or(Value::Null)
    }

    fn set_var(&mut self, name: &str, v: Value) {
        for frame in self.frames.iter_mut().rev() {
            if let Some(slot) = frame.get_mut(name) {
                *slot = v;
                return;
            }
        }
        self.globals.insert(name.into(), v);
    }

    fn restore_var(&mut self, name: &str, old: Option<Value>) {
        match old {
            Some(v) => self.set_var(name, v),
            None => {
                for frame in self.frames.iter_mut().rev() {
                    if frame.remove(name).is_some() {
                        return;
                    }
                }
                self.globals.remove(name);
            }
        }
    }

    // ------------------------------------------------------------- nodes

    pub fn render_nodes(&mut self, nodes: &[Node], out: &mut String) -> RResult<Flow> {
        for node in nodes {
            self.step()?;
            match node {
                Node::Text(t) => self.emit(out, t)?,
                Node::Ref(r) => {
                    let v = self.eval_ref(r)?;
                    self.emit_value(out, &v, r.pos)?;
                }
                Node::Set { lhs, rhs } => self.exec_set(lhs, rhs)?,
                Node::If {
                    branches,
                    otherwise,
                } => {
                    let mut chosen = otherwise.as_ref();
                    for (cond, body) in branches {
                        if self.eval(cond)?.truthy() {
                            chosen = Some(body);
                            break;
                        }
                    }
                    if let Some(body) = chosen {
                        self.enter(0)?;
                        let flow = self.render_nodes(body, out);
                        self.leave();
                        let flow = flow?;
                        if flow != Flow::Normal {
                            return Ok(flow);
                        }
                    }
                }
                Node::Foreach {
                    var,
                    iterable,
                    body,
                    pos,
                } => {
                    if self.exec_foreach(var, iterable, body, *pos, out)? == Flow::Stop {
                        return Ok(Flow::Stop);
                    }
                }
                Node::Break => return Ok(Flow::Break),
                Node::Stop => return Ok(Flow::Stop),
                Node::Define { name, body } => self.set_var(name, Value::Block(body.clone())),
                Node::MacroCall {
                    name,
                    args,
                    literal,
                    pos,
                } => {
                    let tpl = self.tpl;
                    match tpl.macros.get(&**name) {
                        None => self.emit(out, literal)?,
                        Some(m) => {
                            let mut frame = HashMap::new();
                            let mut values = Vec::with_capacity(args.len());
                            for a in args {
                                values.push(self.eval(a)?);
                            }
                            for (i, p) in m.params.iter().enumerate() {
                                frame.insert(p.clone(), values.get(i).cloned().unwrap_or_default());
                            }
                            self.enter(*pos)?;
                            self.frames.push(frame);
                            let flow = self.render_nodes(&m.body, out);
                            self.frames.pop();
                            self.leave();
                            if flow? == Flow::Stop {
                                return Ok(Flow::Stop);
                            }
                        }
                    }
                }
            }
        }
        Ok(Flow::Normal)
    }

    /// Prints a value where a reference is rendered: null prints nothing (API Gateway), a
    /// `#define` block is rendered in place, anything else prints its Java `toString()`.
    fn emit_value(&mut self, out: &mut String, v: &Value, pos: u32) -> RResult<()> {
        match v {
            Value::Null => Ok(()),
            Value::Str(s) | Value::Num(s) => self.emit(out, s),
            Value::Block(body) => {
                let body = body.clone();
                self.enter(pos)?;
                let flow = self.render_nodes(&body, out);
                self.leave();
                flow.map(|_| ())
            }
            other => {
                let s = self.display(other, pos)?;
                self.emit(out, &s)
            }
        }
    }

    /// Java `toString()` of a value; a `#define` block renders.
    pub fn display(&mut self, v: &Value, pos: u32) -> RResult<String> {
        match v {
            Value::Block(_) => {
                let mut s = String::new();
                self.emit_value(&mut s, v, pos)?;
                Ok(s)
            }
            other => {
                let mut s = String::new();
                write_display(other, &mut s, 0).map_err(|TooDeep| self.too_deep(pos))?;
                self.produced(s.len())?;
                Ok(s)
            }
        }
    }

    pub fn json_text(&mut self, v: &Value, pos: u32) -> RResult<String> {
        let mut s = String::new();
        write_json(v, &mut s, 0).map_err(|TooDeep| self.too_deep(pos))?;
        self.produced(s.len())?;
        Ok(s)
    }

    fn exec_set(&mut self, lhs: &Reference, rhs: &Expr) -> RResult<()> {
        let val = self.eval(rhs)?;
        // Velocity 1.7: a null right-hand side leaves the target unchanged.
        if val.is_null() {
            return Ok(());
        }
        let Some((last, init)) = lhs.parts.split_last() else {
            self.set_var(&lhs.root, val);
            return Ok(());
        };
        let mut target = self.get_var(&lhs.root);
        for p in init {
            if target.is_null() {
                return Ok(());
            }
            target = self.apply_part(&target, p, lhs.pos)?;
        }
        match (last, &target) {
            (_, Value::Null) => {}
            (Part::Prop(name), Value::Map(m)) => {
                m.borrow_mut().entries.insert(Rc::from(&**name), val);
            }
            (Part::Index(e), _) => {
                let k = self.eval(e)?;
                self.set_index(&target, &k, val, lhs.pos)?;
            }
            _ => {}
        }
        Ok(())
    }

    fn exec_foreach(
        &mut self,
        var: &str,
        iterable: &Expr,
        body: &[Node],
        pos: u32,
        out: &mut String,
    ) -> RResult<Flow> {
        let coll = self.eval(iterable)?;
        let limit = self.limits.max_foreach_iterations;
        // Velocity iterates lists, and the values of maps; anything else yields no iterations.
        let items: Vec<Value> = match &coll {
            Value::List(l) => l.borrow().items.iter().take(limit + 1).cloned().collect(),
            Value::Map(m) => m
                .borrow()
                .entries
                .values()
                .take(limit + 1)
                .cloned()
                .collect(),
            _ => Vec::new(),
        };
        let n = items.len();
        let saved: Vec<(&str, Option<Value>)> =
            [var, "foreach", "velocityCount", "velocityHasNext"]
                .into_iter()
                .map(|name| (name, self.lookup(name).cloned()))
                .collect();
        let parent = saved[1].1.clone().unwrap_or_default();
        self.enter(pos)?;
        let mut result = Ok(Flow::Normal);
        for (i, item) in items.into_iter().enumerate() {
            if i >= limit {
                let (line, column) = self.tpl.line_col(pos);
                result = Err(RenderError::LoopLimit {
                    line,
                    column,
                    limit,
                });
                break;
            }
            if let Err(e) = self.step() {
                result = Err(e);
                break;
            }
            let has_next = i + 1 < n;
            self.set_var(var, item);
            self.set_var(
                "foreach",
                Value::Scope(Rc::new(crate::value::LoopScope {
                    index: i,
                    has_next,
                    parent: parent.clone(),
                })),
            );
            self.set_var("velocityCount", Value::Int(i as i64 + 1));
            self.set_var("velocityHasNext", Value::Bool(has_next));
            match self.render_nodes(body, out) {
                Ok(Flow::Normal) => {}
                Ok(Flow::Break) => break,
                Ok(Flow::Stop) => {
                    result = Ok(Flow::Stop);
                    break;
                }
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        self.leave();
        for (name, old) in saved {
            self.restore_var(name, old);
        }
        result
    }

    // ------------------------------------------------------------- expressions

    pub fn eval(&mut self, e: &Expr) -> RResult<Value> {
        self.step()?;
        Ok(match e {
            Expr::Null => Value::Null,
            Expr::Bool(b) => Value::Bool(*b),
            Expr::Int(i) => Value::Int(*i),
            Expr::Float(f) => Value::Float(*f),
            Expr::Str(s) => Value::str(&**s),
            Expr::Interp(nodes) => {
                let mut s = String::new();
                self.enter(0)?;
                let flow = self.render_nodes(nodes, &mut s);
                self.leave();
                flow?;
                Value::str(s)
            }
            Expr::Ref(r) => self.eval_ref(r)?,
            Expr::List(items) => {
                let mut v = Vec::with_capacity(items.len());
                for item in items {
                    v.push(self.eval(item)?);
                }
                Value::new_list(v, false)
            }
            Expr::Map(entries) => {
                let mut m = IndexMap::with_capacity(entries.len());
                for (k, v) in entries {
                    let k = self.eval(k)?;
                    let v = self.eval(v)?;
                    if let Some(k) = self.key_of(&k, 0)? {
                        m.insert(k, v);
                    }
                }
                Value::new_map(m)
            }
            Expr::Range(a, b, pos) => {
                let (a, b) = (self.eval(a)?, self.eval(b)?);
                let to_int = |v: &Value| match v.as_num() {
                    Some(Num::I(i)) => Some(i),
                    Some(Num::F(f)) if f.is_finite() => Some(f as i64),
                    _ => None,
                };
                match (to_int(&a), to_int(&b)) {
                    (Some(a), Some(b)) => {
                        let len = a.abs_diff(b).saturating_add(1);
                        if len > self.limits.max_range_len as u64 {
                            return Err(self.runtime(
                                *pos,
                                format!(
                                    "range [{a}..{b}] has more than {} elements",
                                    self.limits.max_range_len
                                ),
                            ));
                        }
                        self.charge(len / 32)?;
                        let items: Vec<Value> = if a <= b {
                            (a..=b).map(Value::Int).collect()
                        } else {
                            (b..=a).rev().map(Value::Int).collect()
                        };
                        Value::new_list(items, false)
                    }
                    _ => Value::Null,
                }
            }
            Expr::Not(e) => Value::Bool(!self.eval(e)?.truthy()),
            Expr::Neg(e) => match self.eval(e)?.as_num() {
                Some(Num::I(i)) => i
                    .checked_neg()
                    .map_or(Value::Float(-(i as f64)), Value::Int),
                Some(Num::F(f)) => Value::Float(-f),
                None => Value::Null,
            },
            Expr::Bin(op, l, r) => self.eval_bin(*op, l, r)?,
        })
    }

    fn eval_bin(&mut self, op: BinOp, l: &Expr, r: &Expr) -> RResult<Value> {
        match op {
            BinOp::And => {
                let v = self.eval(l)?.truthy() && self.eval(r)?.truthy();
                return Ok(Value::Bool(v));
            }
            BinOp::Or => {
                let v = self.eval(l)?.truthy() || self.eval(r)?.truthy();
                return Ok(Value::Bool(v));
            }
            _ => {}
        }
        let a = self.eval(l)?;
        let b = self.eval(r)?;
        Ok(match op {
            BinOp::Eq | BinOp::Ne => {
                let mut budget = EQUALS_BUDGET;
                let eq = vtl_equals(&a, &b, &mut budget);
                self.charge(((EQUALS_BUDGET - budget) / 16) as u64)?;
                let eq = eq.map_err(|TooDeep| self.too_deep(0))?;
                Value::Bool(eq == (op == BinOp::Eq))
            }
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let ord = match (a.as_num(), b.as_num()) {
                    (Some(x), Some(y)) => num_cmp(&x, &y),
                    _ => None,
                };
                Value::Bool(match ord {
                    None => false,
                    Some(o) => match op {
                        BinOp::Lt => o.is_lt(),
                        BinOp::Le => o.is_le(),
                        BinOp::Gt => o.is_gt(),
                        _ => o.is_ge(),
                    },
                })
            }
            _ => {
                if a.is_null() || b.is_null() {
                    return Ok(Value::Null);
                }
                match (a.as_num(), b.as_num()) {
                    (Some(x), Some(y)) => arith(op, x, y),
                    _ if op == BinOp::Add
                        && (matches!(a, Value::Str(_)) || matches!(b, Value::Str(_))) =>
                    {
                        let mut s = self.display(&a, 0)?;
                        s.push_str(&self.display(&b, 0)?);
                        self.produced(s.len())?;
                        Value::str(s)
                    }
                    _ => Value::Null,
                }
            }
        })
    }

    /// A map key from a value (keys are strings here). `None` for null.
    pub fn key_of(&mut self, k: &Value, pos: u32) -> RResult<Option<Rc<str>>> {
        Ok(match k {
            Value::Null => None,
            Value::Str(s) => Some(s.clone()),
            other => Some(Rc::from(self.display(other, pos)?)),
        })
    }

    pub fn eval_ref(&mut self, r: &Reference) -> RResult<Value> {
        let mut v = self.get_var(&r.root);
        for part in &r.parts {
            if v.is_null() {
                return Ok(Value::Null);
            }
            v = self.apply_part(&v, part, r.pos)?;
        }
        Ok(v)
    }

    fn apply_part(&mut self, v: &Value, part: &Part, pos: u32) -> RResult<Value> {
        self.step()?;
        match part {
            Part::Prop(name) => self.get_prop(v, name),
            Part::Method { name, args } => {
                let mut values = Vec::with_capacity(args.len());
                for a in args {
                    values.push(self.eval(a)?);
                }
                self.call_method(v, name, values, pos)
            }
            Part::Index(e) => {
                let k = self.eval(e)?;
                self.get_index(v, &k, pos)
            }
        }
    }

    /// `$x.name`: a map entry, a `Map.Entry`'s key/value, `$foreach` fields, `$input.body`, or
    /// the boolean `isEmpty()` getter (`$list.empty`). Anything else is null.
    fn get_prop(&mut self, v: &Value, name: &str) -> RResult<Value> {
        Ok(match v {
            Value::Map(m) => m.borrow().entries.get(name).cloned().unwrap_or_default(),
            Value::Entry(e) => match name {
                "key" => Value::Str(e.0.clone()),
                "value" => e.1.clone(),
                _ => Value::Null,
            },
            Value::Scope(s) => scope_field(s, name).unwrap_or_default(),
            Value::Input => match name {
                "body" => self.input_body(),
                _ => Value::Null,
            },
            Value::Str(s) => match name {
                "empty" => Value::Bool(s.is_empty()),
                _ => Value::Null,
            },
            Value::List(l) => match name {
                "empty" => Value::Bool(l.borrow().items.is_empty()),
                _ => Value::Null,
            },
            _ => Value::Null,
        })
    }

    fn get_index(&mut self, v: &Value, k: &Value, pos: u32) -> RResult<Value> {
        match v {
            Value::List(l) => {
                let Some(i) = k.as_int() else {
                    return Ok(Value::Null);
                };
                let l = l.borrow();
                match list_index(i, l.items.len()) {
                    Some(i) => Ok(l.items[i].clone()),
                    None => Err(self.runtime(
                        pos,
                        format!(
                            "index {i} is out of bounds for a list of length {}",
                            l.items.len()
                        ),
                    )),
                }
            }
            Value::Map(m) => {
                let Some(key) = self.key_of(k, pos)? else {
                    return Ok(Value::Null);
                };
                Ok(m.borrow().entries.get(&key).cloned().unwrap_or_default())
            }
            _ => Ok(Value::Null),
        }
    }

    fn set_index(&mut self, target: &Value, k: &Value, val: Value, pos: u32) -> RResult<()> {
        match target {
            Value::List(l) => {
                let Some(i) = k.as_int() else {
                    return Ok(());
                };
                let len = l.borrow().items.len();
                match list_index(i, len) {
                    Some(i) => l.borrow_mut().items[i] = val,
                    None => {
                        return Err(self.runtime(
                            pos,
                            format!("index {i} is out of bounds for a list of length {len}"),
                        ));
                    }
                }
            }
            Value::Map(m) => {
                if let Some(key) = self.key_of(k, pos)? {
                    m.borrow_mut().entries.insert(key, val);
                }
            }
            _ => {}
        }
        Ok(())
    }

    // ------------------------------------------------------------- $input

    pub fn input_body(&mut self) -> Value {
        if self.body.is_none() {
            let raw = &self.ctx.input.body;
            // API Gateway passes an empty body to templates as `{}`.
            self.body = Some(Rc::from(if raw.is_empty() { "{}" } else { raw.as_str() }));
        }
        self.body.clone().map(Value::Str).unwrap_or_default()
    }

    pub fn input_params(&mut self) -> Value {
        if self.params.is_none() {
            self.params = Some(self.ctx.input.params_value());
        }
        self.params.clone().unwrap_or_default()
    }

    /// The body as a JSON document; a body that is not JSON is a JSON string of itself.
    fn document(&mut self) -> RResult<Value> {
        if let Some(d) = &self.doc {
            return Ok(d.clone());
        }
        let raw = &self.ctx.input.body;
        self.charge((raw.len() / 64) as u64)?;
        let doc = if raw.trim().is_empty() {
            Value::empty_map()
        } else {
            json::parse(raw).unwrap_or_else(|| Value::str(raw.as_str()))
        };
        self.doc = Some(doc.clone());
        Ok(doc)
    }

    fn document_serde(&mut self) -> RResult<Rc<serde_json::Value>> {
        if let Some(d) = &self.doc_serde {
            return Ok(d.clone());
        }
        let doc = self.document()?;
        self.charge((self.ctx.input.body.len() / 64) as u64)?;
        let mut budget = usize::MAX;
        let d = Rc::new(json::to_serde(&doc, 0, &mut budget));
        self.doc_serde = Some(d.clone());
        Ok(d)
    }

    /// Evaluates a JSONPath on the body: the matched nodes (shared with the document) and
    /// whether the path is definite.
    fn select(&mut self, path: &str, pos: u32) -> RResult<(Vec<Value>, bool)> {
        let compiled = match self.paths.get(path) {
            Some(c) => c.clone(),
            None => {
                let c = Rc::new(jsonpath::compile(path).map_err(|m| self.runtime(pos, m))?);
                if self.paths.len() < 256 {
                    self.paths.insert(path.to_string(), c.clone());
                }
                c
            }
        };
        let doc = self.document()?;
        if compiled.root {
            return Ok((vec![doc], true));
        }
        let serde = self.document_serde()?;
        if !compiled.definite {
            self.charge((self.ctx.input.body.len() / 64) as u64)?;
        }
        let located = compiled.path.query_located(&serde);
        self.charge(located.len() as u64)?;
        let mut found: Vec<(Option<String>, Option<usize>, Value)> = located
            .iter()
            .map(|n| {
                let loc = n.location();
                let parent = (compiled.wildcard && !loc.is_empty()).then(|| {
                    loc.iter()
                        .take(loc.len() - 1)
                        .map(|e| format!("{e:?}"))
                        .collect::<Vec<_>>()
                        .join("/")
                });
                let index = if compiled.wildcard {
                    jsonpath::member_index(&doc, loc)
                } else {
                    None
                };
                (parent, index, jsonpath::resolve(&doc, loc))
            })
            .collect();
        if compiled.wildcard {
            // serde_json's objects are sorted by key; put members of one object back into the
            // document's order (Jayway keeps insertion order).
            let mut start = 0;
            while start < found.len() {
                let mut end = start + 1;
                while end < found.len()
                    && found[end].0 == found[start].0
                    && found[end].1.is_some()
                    && found[start].1.is_some()
                {
                    end += 1;
                }
                found[start..end].sort_by_key(|f| f.1);
                start = end;
            }
        }
        Ok((
            found.into_iter().map(|(_, _, v)| v).collect(),
            compiled.definite,
        ))
    }

    /// A fresh copy of a document node, so templates cannot change the document itself.
    fn deep_clone(&mut self, v: &Value, depth: usize) -> RResult<Value> {
        if depth > MAX_VALUE_DEPTH {
            return Err(self.too_deep(0));
        }
        Ok(match v {
            Value::List(l) => {
                let (items, json) = {
                    let l = l.borrow();
                    (l.items.clone(), l.json)
                };
                self.charge(1 + items.len() as u64 / 32)?;
                let mut out = Vec::with_capacity(items.len());
                for item in &items {
                    out.push(self.deep_clone(item, depth + 1)?);
                }
                Value::new_list(out, json)
            }
            Value::Map(m) => {
                let entries: Vec<(Rc<str>, Value)> = m
                    .borrow()
                    .entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                self.charge(1 + entries.len() as u64 / 32)?;
                let mut out = IndexMap::with_capacity(entries.len());
                for (k, item) in &entries {
                    out.insert(k.clone(), self.deep_clone(item, depth + 1)?);
                }
                Value::new_map(out)
            }
            other => other.clone(),
        })
    }

    /// `$input.path(p)`: the matched value (definite path), null (no match), or a list of all
    /// matches (indefinite path).
    pub fn input_path(&mut self, path: &str, pos: u32) -> RResult<Value> {
        let (nodes, definite) = self.select(path, pos)?;
        if definite {
            match nodes.first() {
                Some(v) => self.deep_clone(v, 0),
                None => Ok(Value::Null),
            }
        } else {
            let mut items = Vec::with_capacity(nodes.len());
            for n in &nodes {
                items.push(self.deep_clone(n, 0)?);
            }
            Ok(Value::new_list(items, true))
        }
    }

    /// `$input.json(p)`: the match serialized as JSON; null when a definite path matches nothing;
    /// a JSON array for an indefinite path.
    pub fn input_json(&mut self, path: &str, pos: u32) -> RResult<Value> {
        let (nodes, definite) = self.select(path, pos)?;
        let v = if definite {
            match nodes.into_iter().next() {
                Some(v) => v,
                None => return Ok(Value::Null),
            }
        } else {
            Value::new_list(nodes, true)
        };
        Ok(Value::str(self.json_text(&v, pos)?))
    }
}

fn scope_field(s: &crate::value::LoopScope, name: &str) -> Option<Value> {
    Some(match name {
        "index" => Value::Int(s.index as i64),
        "count" => Value::Int(s.index as i64 + 1),
        "hasNext" => Value::Bool(s.has_next),
        "first" => Value::Bool(s.index == 0),
        "last" => Value::Bool(!s.has_next),
        "parent" => s.parent.clone(),
        _ => return None,
    })
}

pub(crate) fn scope_method(s: &crate::value::LoopScope, name: &str) -> Option<Value> {
    let field = match name {
        "hasNext" | "getHasNext" | "isHasNext" => "hasNext",
        "getIndex" => "index",
        "getCount" => "count",
        "isFirst" | "getFirst" => "first",
        "isLast" | "getLast" => "last",
        "getParent" => "parent",
        _ => return None,
    };
    scope_field(s, field)
}

/// A Java list index, with Velocity 1.7's negative indexes counting from the end.
pub(crate) fn list_index(i: i64, len: usize) -> Option<usize> {
    let i = if i < 0 { i + len as i64 } else { i };
    (0..len as i64).contains(&i).then_some(i as usize)
}

/// Arithmetic with Java's widening: integers stay integers (falling back to floating point on
/// overflow), any floating-point operand makes a double. Division by zero is null.
fn arith(op: BinOp, x: Num, y: Num) -> Value {
    match (x, y) {
        (Num::I(a), Num::I(b)) => {
            let r = match op {
                BinOp::Add => a.checked_add(b),
                BinOp::Sub => a.checked_sub(b),
                BinOp::Mul => a.checked_mul(b),
                BinOp::Div => {
                    if b == 0 {
                        return Value::Null;
                    }
                    a.checked_div(b)
                }
                BinOp::Mod => {
                    if b == 0 {
                        return Value::Null;
                    }
                    Some(a.wrapping_rem(b))
                }
                _ => return Value::Null,
            };
            match r {
                Some(v) => Value::Int(v),
                None => arith(op, Num::F(a as f64), Num::F(b as f64)),
            }
        }
        (x, y) => {
            let a = match x {
                Num::I(i) => i as f64,
                Num::F(f) => f,
            };
            let b = match y {
                Num::I(i) => i as f64,
                Num::F(f) => f,
            };
            match op {
                BinOp::Add => Value::Float(a + b),
                BinOp::Sub => Value::Float(a - b),
                BinOp::Mul => Value::Float(a * b),
                BinOp::Div if b == 0.0 => Value::Null,
                BinOp::Div => Value::Float(a / b),
                BinOp::Mod if b == 0.0 => Value::Null,
                BinOp::Mod => Value::Float(a % b),
                _ => Value::Null,
            }
        }
    }
}

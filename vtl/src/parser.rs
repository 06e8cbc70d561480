//! A hand-written parser for Velocity 1.7 templates.
//!
//! Text, references and directives follow Velocity 1.7's lexer: identifiers are
//! `[a-zA-Z_][a-zA-Z0-9_-]*`, a `.` starts a property only when a letter follows it, `#set`
//! swallows the spaces and tabs in front of it, and the closing `)` of a directive, `#else` and
//! `#end` swallow trailing spaces and tabs when a newline ends them (the newline included).

use std::collections::HashMap;
use std::sync::Arc;

use crate::ParseError;
use crate::ast::{BinOp, Expr, MacroDef, Node, Part, Reference};

/// A parse error before it is given its `line:column` (computing that is linear in the offset,
/// and errors inside speculative parses are thrown away).
pub(crate) struct PErr {
    pos: usize,
    msg: String,
    unclosed: bool,
    /// Nesting too deep: never retried as text (that would make parsing quadratic).
    fatal: bool,
}

type PResult<T> = Result<T, PErr>;

enum Term {
    Eof,
    End(usize),
    Else(usize),
    ElseIf(usize, Expr),
}

pub(crate) struct Parser<'a> {
    src: &'a str,
    b: &'a [u8],
    pos: usize,
    end: usize,
    depth: usize,
    max_depth: usize,
    pub macros: HashMap<String, Arc<MacroDef>>,
}

const KNOWN_DIRECTIVES: &[&str] = &[
    "set", "if", "elseif", "else", "end", "foreach", "break", "stop", "define", "macro",
];

/// `line:column` (1-based, columns in characters) of a byte offset.
pub(crate) fn line_col(src: &str, pos: usize) -> (u32, u32) {
    let pos = pos.min(src.len());
    let before = src.get(..pos).unwrap_or(src);
    let line = before.bytes().filter(|&c| c == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line as u32, col as u32)
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_ident_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

fn is_word_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'@'
}

impl<'a> Parser<'a> {
    pub fn new(src: &'a str, max_depth: usize) -> Self {
        Parser {
            src,
            b: src.as_bytes(),
            pos: 0,
            end: src.len(),
            depth: 0,
            max_depth,
            macros: HashMap::new(),
        }
    }

    fn error(&self, pos: usize, what: impl std::fmt::Display) -> PErr {
        PErr {
            pos,
            msg: what.to_string(),
            unclosed: false,
            fatal: false,
        }
    }

    fn unclosed(&self, what: &str, start: usize) -> PErr {
        PErr {
            pos: start,
            msg: format!("unclosed {what}"),
            unclosed: true,
            fatal: false,
        }
    }

    fn finish(&self, e: PErr) -> ParseError {
        let (line, column) = line_col(self.src, e.pos);
        let joint = if e.unclosed { "starting at" } else { "at" };
        ParseError {
            line,
            column,
            message: format!("{} {joint} {line}:{column}", e.msg),
        }
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > self.max_depth {
            let mut e = self.error(
                self.pos,
                format_args!("nesting deeper than {} levels", self.max_depth),
            );
            e.fatal = true;
            return Err(e);
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    fn peek(&self) -> Option<u8> {
        (self.pos < self.end).then(|| self.b[self.pos])
    }

    fn peek_at(&self, i: usize) -> Option<u8> {
        (i < self.end).then(|| self.b[i])
    }

    fn pos32(pos: usize) -> u32 {
        u32::try_from(pos).unwrap_or(u32::MAX)
    }

    // ----------------------------------------------------------------- template level

    pub fn parse_template(&mut self) -> Result<Vec<Node>, ParseError> {
        let result = self
            .parse_block()
            .and_then(|(nodes, term)| self.expect_eof(term).map(|()| nodes));
        result.map_err(|e| self.finish(e))
    }

    fn expect_eof(&self, term: Term) -> PResult<()> {
        match term {
            Term::Eof => Ok(()),
            Term::End(p) => Err(self.error(p, "unexpected #end")),
            Term::Else(p) => Err(self.error(p, "unexpected #else")),
            Term::ElseIf(p, _) => Err(self.error(p, "unexpected #elseif")),
        }
    }

    /// Parses nodes up to the end of input or a `#end` / `#else` / `#elseif`.
    fn parse_block(&mut self) -> PResult<(Vec<Node>, Term)> {
        let mut nodes = Vec::new();
        let mut text = String::new();
        loop {
            let Some(c) = self.peek() else {
                flush(&mut text, &mut nodes);
                return Ok((nodes, Term::Eof));
            };
            match c {
                b'$' => match self.try_reference()? {
                    Some(r) => {
                        flush(&mut text, &mut nodes);
                        nodes.push(Node::Ref(Box::new(r)));
                    }
                    None => {
                        text.push('$');
                        self.pos += 1;
                    }
                },
                b'#' => {
                    if let Some(term) = self.parse_hash(&mut text, &mut nodes)? {
                        flush(&mut text, &mut nodes);
                        return Ok((nodes, term));
                    }
                }
                b'\\' => self.parse_backslashes(&mut text, &mut nodes)?,
                _ => {
                    let start = self.pos;
                    while self.pos < self.end && !matches!(self.b[self.pos], b'$' | b'#' | b'\\') {
                        self.pos += 1;
                    }
                    text.push_str(&self.src[start..self.pos]);
                }
            }
        }
    }

    /// `\`-escapes: `\$ref` and `\#directive` print literally, `\\` before them prints `\`.
    fn parse_backslashes(&mut self, text: &mut String, nodes: &mut Vec<Node>) -> PResult<()> {
        let start = self.pos;
        while self.peek() == Some(b'\\') {
            self.pos += 1;
        }
        let n = self.pos - start;
        let after = self.pos;
        match self.peek() {
            Some(b'$') => match self.try_reference()? {
                Some(r) => {
                    text.push_str(&"\\".repeat(n / 2));
                    if n % 2 == 1 {
                        text.push_str(&r.literal);
                    } else {
                        flush(text, nodes);
                        nodes.push(Node::Ref(Box::new(r)));
                    }
                }
                None => {
                    text.push_str(&self.src[start..after]);
                    self.pos = after;
                }
            },
            Some(b'#') => {
                let known = self
                    .directive_name(after + 1)
                    .filter(|(name, _)| {
                        KNOWN_DIRECTIVES.contains(&name.as_str()) || self.macros.contains_key(name)
                    })
                    .map(|(_, name_end)| name_end);
                match known {
                    Some(name_end) => {
                        text.push_str(&"\\".repeat(n / 2));
                        if n % 2 == 1 {
                            text.push_str(&self.src[after..name_end]);
                            self.pos = name_end;
                        }
                    }
                    None => text.push_str(&self.src[start..after]),
                }
            }
            _ => text.push_str(&self.src[start..after]),
        }
        Ok(())
    }

    /// A directive name after `#` at `at`: `name` or `{name}`. Returns the name and the offset
    /// just past it.
    fn directive_name(&self, at: usize) -> Option<(String, usize)> {
        let bracketed = self.peek_at(at) == Some(b'{');
        let start = if bracketed { at + 1 } else { at };
        let first = self.peek_at(start)?;
        if !(first.is_ascii_alphabetic() || first == b'_' || first == b'@') {
            return None;
        }
        let mut i = start + 1;
        while self.peek_at(i).is_some_and(is_word_char) {
            i += 1;
        }
        let name = self.src[start..i].to_string();
        if bracketed {
            if self.peek_at(i) != Some(b'}') {
                return None;
            }
            i += 1;
        }
        Some((name, i))
    }

    /// Consumes spaces and tabs followed by a line end, if that is what comes next.
    fn eat_ws_newline(&mut self) {
        let mut i = self.pos;
        while matches!(self.peek_at(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        match self.peek_at(i) {
            Some(b'\n') => self.pos = i + 1,
            Some(b'\r') => {
                self.pos = i + 1;
                if self.peek() == Some(b'\n') {
                    self.pos += 1;
                }
            }
            _ => {}
        }
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn expect_byte(&mut self, c: u8, context: &str) -> PResult<()> {
        self.skip_ws();
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(self.pos, format_args!("expected '{}' {context}", c as char)))
        }
    }

    /// Handles `#` at the current position. Returns a block terminator for `#end`, `#else` and
    /// `#elseif`; pushes nodes (or literal text) for everything else.
    fn parse_hash(&mut self, text: &mut String, nodes: &mut Vec<Node>) -> PResult<Option<Term>> {
        let start = self.pos;
        match self.peek_at(start + 1) {
            Some(b'#') => {
                // `##` line comment, through the end of the line.
                let mut i = start + 2;
                while i < self.end && self.b[i] != b'\n' {
                    i += 1;
                }
                self.pos = (i + 1).min(self.end);
                return Ok(None);
            }
            Some(b'*') => {
                let Some(close) = self.src[start + 2..self.end].find("*#") else {
                    return Err(self.unclosed("#* comment", start));
                };
                self.pos = start + 2 + close + 2;
                return Ok(None);
            }
            Some(b'[') if self.peek_at(start + 2) == Some(b'[') => {
                let Some(close) = self.src[start + 3..self.end].find("]]#") else {
                    return Err(self.unclosed("#[[ text block", start));
                };
                text.push_str(&self.src[start + 3..start + 3 + close]);
                self.pos = start + 3 + close + 3;
                return Ok(None);
            }
            _ => {}
        }
        let Some((name, after)) = self.directive_name(start + 1) else {
            text.push('#');
            self.pos += 1;
            return Ok(None);
        };
        match name.as_str() {
            "set" => {
                let mut i = after;
                while matches!(self.peek_at(i), Some(b' ' | b'\t')) {
                    i += 1;
                }
                if self.peek_at(i) != Some(b'(') {
                    text.push_str(&self.src[start..after]);
                    self.pos = after;
                    return Ok(None);
                }
                // Velocity's #set token includes the blanks in front of it.
                let trimmed = text.trim_end_matches([' ', '\t']).len();
                text.truncate(trimmed);
                flush(text, nodes);
                self.pos = i + 1;
                nodes.push(self.parse_set(start)?);
            }
            "if" => {
                flush(text, nodes);
                nodes.push(self.parse_if(start, after)?);
            }
            "elseif" => {
                self.pos = after;
                let cond = self.parse_condition("#elseif")?;
                return Ok(Some(Term::ElseIf(start, cond)));
            }
            "else" => {
                self.pos = after;
                self.eat_ws_newline();
                return Ok(Some(Term::Else(start)));
            }
            "end" => {
                self.pos = after;
                self.eat_ws_newline();
                return Ok(Some(Term::End(start)));
            }
            "foreach" => {
                flush(text, nodes);
                nodes.push(self.parse_foreach(start, after)?);
            }
            "break" | "stop" => {
                flush(text, nodes);
                self.pos = after;
                if name == "break" && self.peek() == Some(b'(') {
                    // `#break($foreach)`: the scope argument is accepted and ignored.
                    self.pos += 1;
                    self.enter()?;
                    self.skip_ws();
                    if self.peek() != Some(b')') {
                        self.parse_expr()?;
                    }
                    self.expect_byte(b')', "to close #break(")?;
                    self.leave();
                    self.eat_ws_newline();
                }
                nodes.push(if name == "break" {
                    Node::Break
                } else {
                    Node::Stop
                });
            }
            "define" => {
                flush(text, nodes);
                nodes.push(self.parse_define(start, after)?);
            }
            "macro" => {
                flush(text, nodes);
                self.parse_macro(start, after)?;
            }
            _ => {
                let mut i = after;
                while matches!(self.peek_at(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                    i += 1;
                }
                if self.peek_at(i) != Some(b'(') {
                    text.push_str(&self.src[start..after]);
                    self.pos = after;
                    return Ok(None);
                }
                self.pos = i + 1;
                match self.parse_macro_args() {
                    Ok(args) => {
                        let literal = self.src[start..self.pos].into();
                        self.eat_ws_newline();
                        flush(text, nodes);
                        nodes.push(Node::MacroCall {
                            name: name.into(),
                            args,
                            literal,
                            pos: Self::pos32(start),
                        });
                    }
                    Err(e) if e.fatal || self.macros.contains_key(&name) => return Err(e),
                    Err(_) => {
                        // Not a macro call after all: plain text, as Velocity prints unknown
                        // directives.
                        text.push_str(&self.src[start..after]);
                        self.pos = after;
                    }
                }
            }
        }
        Ok(None)
    }

    /// `( expr )` after `#if` / `#elseif`; the `)` swallows a trailing newline.
    fn parse_condition(&mut self, directive: &str) -> PResult<Expr> {
        self.skip_ws();
        if self.peek() != Some(b'(') {
            return Err(self.error(self.pos, format_args!("expected '(' after {directive}")));
        }
        self.pos += 1;
        self.enter()?;
        let cond = self.parse_expr()?;
        self.expect_byte(b')', &format!("to close the {directive} condition"))?;
        self.leave();
        self.eat_ws_newline();
        Ok(cond)
    }

    fn parse_set(&mut self, start: usize) -> PResult<Node> {
        self.enter()?;
        self.skip_ws();
        let lhs = match self.peek() {
            Some(b'$') => self.try_reference()?,
            _ => None,
        };
        let Some(lhs) = lhs else {
            return Err(self.error(self.pos, "expected a reference after #set("));
        };
        if matches!(lhs.parts.last(), Some(Part::Method { .. })) {
            return Err(self.error(start, "the left side of #set cannot end with a method call"));
        }
        self.expect_byte(b'=', "in #set")?;
        let rhs = self.parse_expr()?;
        self.expect_byte(b')', "to close #set(")?;
        self.leave();
        self.eat_ws_newline();
        Ok(Node::Set {
            lhs: Box::new(lhs),
            rhs,
        })
    }

    fn parse_if(&mut self, start: usize, after: usize) -> PResult<Node> {
        self.pos = after;
        let cond = self.parse_condition("#if")?;
        self.enter()?;
        let mut branches = Vec::new();
        let mut cond = Some(cond);
        let otherwise;
        loop {
            let (body, term) = self.parse_block()?;
            match term {
                Term::End(_) => {
                    branches.push((cond.take().unwrap_or(Expr::Null), body));
                    otherwise = None;
                    break;
                }
                Term::ElseIf(_, next) => {
                    branches.push((cond.replace(next).unwrap_or(Expr::Null), body));
                }
                Term::Else(_) => {
                    branches.push((cond.take().unwrap_or(Expr::Null), body));
                    let (else_body, term) = self.parse_block()?;
                    match term {
                        Term::End(_) => {}
                        Term::Eof => return Err(self.unclosed("#if", start)),
                        Term::Else(p) => return Err(self.error(p, "unexpected #else")),
                        Term::ElseIf(p, _) => return Err(self.error(p, "unexpected #elseif")),
                    }
                    otherwise = Some(else_body);
                    break;
                }
                Term::Eof => return Err(self.unclosed("#if", start)),
            }
        }
        self.leave();
        Ok(Node::If {
            branches,
            otherwise,
        })
    }

    /// A block that must end with `#end` (no `#else`).
    fn parse_body(&mut self, what: &str, start: usize) -> PResult<Vec<Node>> {
        self.enter()?;
        let (body, term) = self.parse_block()?;
        match term {
            Term::End(_) => {}
            Term::Eof => return Err(self.unclosed(what, start)),
            Term::Else(p) => return Err(self.error(p, "unexpected #else")),
            Term::ElseIf(p, _) => return Err(self.error(p, "unexpected #elseif")),
        }
        self.leave();
        Ok(body)
    }

    /// `$name`, `$!name`, `${name}` as the variable of `#foreach` / `#define` / `#macro`.
    fn parse_var_name(&mut self, context: &str) -> PResult<Box<str>> {
        self.skip_ws();
        let at = self.pos;
        if let Some(b'$') = self.peek()
            && let Some(r) = self.try_reference()?
            && r.parts.is_empty()
        {
            return Ok(r.root);
        }
        Err(self.error(at, format_args!("expected a variable name {context}")))
    }

    fn parse_foreach(&mut self, start: usize, after: usize) -> PResult<Node> {
        self.pos = after;
        self.skip_ws();
        if self.peek() != Some(b'(') {
            return Err(self.error(self.pos, "expected '(' after #foreach"));
        }
        self.pos += 1;
        self.enter()?;
        let var = self.parse_var_name("in #foreach")?;
        self.skip_ws();
        if !self.eat_word("in") {
            return Err(self.error(self.pos, "expected 'in' in #foreach"));
        }
        let iterable = self.parse_expr()?;
        self.expect_byte(b')', "to close #foreach(")?;
        self.leave();
        self.eat_ws_newline();
        let body = self.parse_body("#foreach", start)?;
        Ok(Node::Foreach {
            var,
            iterable,
            body,
            pos: Self::pos32(start),
        })
    }

    fn parse_define(&mut self, start: usize, after: usize) -> PResult<Node> {
        self.pos = after;
        self.skip_ws();
        if self.peek() != Some(b'(') {
            return Err(self.error(self.pos, "expected '(' after #define"));
        }
        self.pos += 1;
        let name = self.parse_var_name("in #define")?;
        self.expect_byte(b')', "to close #define(")?;
        self.eat_ws_newline();
        let body = self.parse_body("#define", start)?;
        Ok(Node::Define {
            name,
            body: Arc::new(body),
        })
    }

    fn parse_macro(&mut self, start: usize, after: usize) -> PResult<()> {
        self.pos = after;
        self.skip_ws();
        if self.peek() != Some(b'(') {
            return Err(self.error(self.pos, "expected '(' after #macro"));
        }
        self.pos += 1;
        self.skip_ws();
        let name_start = self.pos;
        while self.peek().is_some_and(|c| is_word_char(c) || c == b'-') {
            self.pos += 1;
        }
        if self.pos == name_start {
            return Err(self.error(self.pos, "expected a macro name in #macro"));
        }
        let name = self.src[name_start..self.pos].to_string();
        if KNOWN_DIRECTIVES.contains(&name.as_str()) {
            return Err(self.error(name_start, format_args!("#{name} cannot be redefined")));
        }
        let mut params = Vec::new();
        loop {
            self.skip_ws();
            match self.peek() {
                Some(b')') => {
                    self.pos += 1;
                    break;
                }
                Some(b',') => self.pos += 1,
                Some(b'$') => params.push(self.parse_var_name("in #macro")?),
                _ => return Err(self.error(self.pos, "expected a parameter or ')' in #macro")),
            }
        }
        self.eat_ws_newline();
        let body = self.parse_body("#macro", start)?;
        self.macros
            .insert(name, Arc::new(MacroDef { params, body }));
        Ok(())
    }

    /// Arguments of a macro call, after `(`: separated by blanks or commas.
    fn parse_macro_args(&mut self) -> PResult<Vec<Expr>> {
        self.enter()?;
        let mut args = Vec::new();
        loop {
            self.skip_ws();
            match self.peek() {
                Some(b')') => {
                    self.pos += 1;
                    break;
                }
                Some(b',') => self.pos += 1,
                Some(c) if c.is_ascii_alphabetic() && !self.at_keyword_literal() => {
                    // A bare word argument is passed as a string.
                    let s = self.pos;
                    while self.peek().is_some_and(is_word_char) {
                        self.pos += 1;
                    }
                    args.push(Expr::Str(self.src[s..self.pos].into()));
                }
                Some(_) => args.push(self.parse_unary()?),
                None => return Err(self.error(self.pos, "expected ')' to close the macro call")),
            }
        }
        self.leave();
        Ok(args)
    }

    fn at_keyword_literal(&self) -> bool {
        ["true", "false", "null"]
            .iter()
            .any(|w| self.word_at(self.pos, w))
    }

    // ----------------------------------------------------------------- references

    fn read_ident(&self, at: usize) -> Option<usize> {
        if !self.peek_at(at).is_some_and(is_ident_start) {
            return None;
        }
        let mut i = at + 1;
        while self.peek_at(i).is_some_and(is_ident_char) {
            i += 1;
        }
        Some(i)
    }

    /// A reference at `$`. `Ok(None)` (position unchanged) when what follows is not one, so the
    /// `$` is text.
    fn try_reference(&mut self) -> PResult<Option<Reference>> {
        let start = self.pos;
        let mut i = start + 1;
        if self.peek_at(i) == Some(b'!') {
            i += 1;
        }
        let formal = self.peek_at(i) == Some(b'{');
        if formal {
            i += 1;
        }
        let Some(ident_end) = self.read_ident(i) else {
            return Ok(None);
        };
        let root: Box<str> = self.src[i..ident_end].into();
        self.pos = ident_end;
        let mut parts = Vec::new();
        loop {
            match self.peek() {
                Some(b'[') => {
                    let save = self.pos;
                    let save_depth = self.depth;
                    match self.try_index() {
                        Ok(e) => parts.push(Part::Index(e)),
                        Err(e) if e.fatal => return Err(e),
                        Err(_) => {
                            self.pos = save;
                            self.depth = save_depth;
                            break;
                        }
                    }
                }
                Some(b'.')
                    if self
                        .peek_at(self.pos + 1)
                        .is_some_and(|c| c.is_ascii_alphabetic()) =>
                {
                    let name_start = self.pos + 1;
                    let name_end = self.read_ident(name_start).unwrap_or(name_start);
                    let name: Box<str> = self.src[name_start..name_end].into();
                    self.pos = name_end;
                    if self.peek() == Some(b'(') {
                        self.pos += 1;
                        let args = self.parse_call_args(&name)?;
                        parts.push(Part::Method { name, args });
                    } else {
                        parts.push(Part::Prop(name));
                    }
                }
                _ => break,
            }
        }
        if formal {
            if self.peek() == Some(b'}') {
                self.pos += 1;
            } else {
                self.pos = start;
                return Ok(None);
            }
        }
        Ok(Some(Reference {
            root,
            parts,
            pos: Self::pos32(start),
            literal: self.src[start..self.pos].into(),
        }))
    }

    fn try_index(&mut self) -> PResult<Expr> {
        self.pos += 1; // '['
        self.enter()?;
        let e = self.parse_expr()?;
        self.skip_ws();
        if self.peek() != Some(b']') {
            return Err(self.error(self.pos, "expected ']'"));
        }
        self.pos += 1;
        self.leave();
        Ok(e)
    }

    fn parse_call_args(&mut self, name: &str) -> PResult<Vec<Expr>> {
        self.enter()?;
        let mut args = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b')') {
            self.pos += 1;
        } else {
            loop {
                args.push(self.parse_expr()?);
                self.skip_ws();
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(b')') => {
                        self.pos += 1;
                        break;
                    }
                    _ => {
                        return Err(self.error(
                            self.pos,
                            format_args!("expected ',' or ')' in the arguments of {name}()"),
                        ));
                    }
                }
            }
        }
        self.leave();
        Ok(args)
    }

    // ----------------------------------------------------------------- expressions

    fn word_at(&self, at: usize, w: &str) -> bool {
        self.src[at.min(self.end)..self.end].starts_with(w)
            && !self
                .peek_at(at + w.len())
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
    }

    fn eat_word(&mut self, w: &str) -> bool {
        if self.word_at(self.pos, w) {
            self.pos += w.len();
            true
        } else {
            false
        }
    }

    fn eat_str(&mut self, s: &str) -> bool {
        if self.src[self.pos..self.end].starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    pub(crate) fn parse_expr(&mut self) -> PResult<Expr> {
        self.enter()?;
        let e = self.parse_or()?;
        self.leave();
        Ok(e)
    }

    fn parse_or(&mut self) -> PResult<Expr> {
        let mut l = self.parse_and()?;
        loop {
            self.skip_ws();
            if self.eat_str("||") || self.eat_word("or") {
                let r = self.parse_and()?;
                l = Expr::Bin(BinOp::Or, Box::new(l), Box::new(r));
            } else {
                return Ok(l);
            }
        }
    }

    fn parse_and(&mut self) -> PResult<Expr> {
        let mut l = self.parse_equality()?;
        loop {
            self.skip_ws();
            if self.eat_str("&&") || self.eat_word("and") {
                let r = self.parse_equality()?;
                l = Expr::Bin(BinOp::And, Box::new(l), Box::new(r));
            } else {
                return Ok(l);
            }
        }
    }

    fn parse_equality(&mut self) -> PResult<Expr> {
        let mut l = self.parse_relational()?;
        loop {
            self.skip_ws();
            let op = if self.eat_str("==") || self.eat_word("eq") {
                BinOp::Eq
            } else if self.eat_str("!=") || self.eat_word("ne") {
                BinOp::Ne
            } else {
                return Ok(l);
            };
            let r = self.parse_relational()?;
            l = Expr::Bin(op, Box::new(l), Box::new(r));
        }
    }

    fn parse_relational(&mut self) -> PResult<Expr> {
        let mut l = self.parse_additive()?;
        loop {
            self.skip_ws();
            let op = if self.eat_str("<=") || self.eat_word("le") {
                BinOp::Le
            } else if self.eat_str(">=") || self.eat_word("ge") {
                BinOp::Ge
            } else if self.eat_str("<") || self.eat_word("lt") {
                BinOp::Lt
            } else if self.eat_str(">") || self.eat_word("gt") {
                BinOp::Gt
            } else {
                return Ok(l);
            };
            let r = self.parse_additive()?;
            l = Expr::Bin(op, Box::new(l), Box::new(r));
        }
    }

    fn parse_additive(&mut self) -> PResult<Expr> {
        let mut l = self.parse_multiplicative()?;
        loop {
            self.skip_ws();
            let op = if self.eat_str("+") {
                BinOp::Add
            } else if self.eat_str("-") {
                BinOp::Sub
            } else {
                return Ok(l);
            };
            let r = self.parse_multiplicative()?;
            l = Expr::Bin(op, Box::new(l), Box::new(r));
        }
    }

    fn parse_multiplicative(&mut self) -> PResult<Expr> {
        let mut l = self.parse_unary()?;
        loop {
            self.skip_ws();
            let op = if self.eat_str("*") {
                BinOp::Mul
            } else if self.eat_str("/") {
                BinOp::Div
            } else if self.eat_str("%") {
                BinOp::Mod
            } else {
                return Ok(l);
            };
            let r = self.parse_unary()?;
            l = Expr::Bin(op, Box::new(l), Box::new(r));
        }
    }

    fn parse_unary(&mut self) -> PResult<Expr> {
        self.skip_ws();
        let not = if self.peek() == Some(b'!') && self.peek_at(self.pos + 1) != Some(b'=') {
            self.pos += 1;
            true
        } else {
            self.eat_word("not")
        };
        if not {
            self.enter()?;
            let e = self.parse_unary()?;
            self.leave();
            return Ok(Expr::Not(Box::new(e)));
        }
        if self.peek() == Some(b'-')
            && !self
                .peek_at(self.pos + 1)
                .is_some_and(|c| c.is_ascii_digit() || c == b'.')
        {
            self.pos += 1;
            self.enter()?;
            let e = self.parse_unary()?;
            self.leave();
            return Ok(Expr::Neg(Box::new(e)));
        }
        self.parse_primary()
    }

    fn parse_primary(&mut self) -> PResult<Expr> {
        self.skip_ws();
        let at = self.pos;
        let Some(c) = self.peek() else {
            return Err(self.error(at, "unexpected end of template in an expression"));
        };
        match c {
            b'$' => match self.try_reference()? {
                Some(r) => Ok(Expr::Ref(Box::new(r))),
                None => Err(self.error(at, "expected a reference after '$'")),
            },
            b'"' | b'\'' => self.parse_string(),
            b'0'..=b'9' | b'-' | b'.' => self.parse_number(),
            b'[' => {
                self.pos += 1;
                self.enter()?;
                self.skip_ws();
                let e = if self.peek() == Some(b']') {
                    self.pos += 1;
                    Expr::List(Vec::new())
                } else {
                    let first = self.parse_expr()?;
                    self.skip_ws();
                    if self.eat_str("..") {
                        let last = self.parse_expr()?;
                        self.expect_byte(b']', "to close the range")?;
                        Expr::Range(Box::new(first), Box::new(last), Self::pos32(at))
                    } else {
                        let mut items = vec![first];
                        loop {
                            self.skip_ws();
                            match self.peek() {
                                Some(b',') => {
                                    self.pos += 1;
                                    items.push(self.parse_expr()?);
                                }
                                Some(b']') => {
                                    self.pos += 1;
                                    break;
                                }
                                _ => {
                                    return Err(
                                        self.error(self.pos, "expected ',' or ']' in a list")
                                    );
                                }
                            }
                        }
                        Expr::List(items)
                    }
                };
                self.leave();
                Ok(e)
            }
            b'{' => {
                self.pos += 1;
                self.enter()?;
                let mut entries = Vec::new();
                self.skip_ws();
                if self.peek() == Some(b'}') {
                    self.pos += 1;
                } else {
                    loop {
                        let k = self.parse_expr()?;
                        self.expect_byte(b':', "in a map")?;
                        let v = self.parse_expr()?;
                        entries.push((k, v));
                        self.skip_ws();
                        match self.peek() {
                            Some(b',') => self.pos += 1,
                            Some(b'}') => {
                                self.pos += 1;
                                break;
                            }
                            _ => return Err(self.error(self.pos, "expected ',' or '}' in a map")),
                        }
                    }
                }
                self.leave();
                Ok(Expr::Map(entries))
            }
            b'(' => {
                self.pos += 1;
                self.enter()?;
                let e = self.parse_expr()?;
                self.expect_byte(b')', "to close '('")?;
                self.leave();
                Ok(e)
            }
            _ => {
                if self.eat_word("true") {
                    return Ok(Expr::Bool(true));
                }
                if self.eat_word("false") {
                    return Ok(Expr::Bool(false));
                }
                if self.eat_word("null") {
                    return Ok(Expr::Null);
                }
                let mut end = at;
                while self.peek_at(end).is_some_and(is_word_char) {
                    end += 1;
                }
                let shown = if end > at {
                    self.src[at..end].to_string()
                } else {
                    self.src[at..]
                        .chars()
                        .next()
                        .map(String::from)
                        .unwrap_or_default()
                };
                Err(self.error(at, format_args!("unexpected '{shown}' in an expression")))
            }
        }
    }

    fn parse_number(&mut self) -> PResult<Expr> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let int_start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        let int_digits = self.pos - int_start;
        let mut float = false;
        // `1..3` is a range of integers, not `1.` then `.3`.
        if self.peek() == Some(b'.') && self.peek_at(self.pos + 1) != Some(b'.') {
            let frac_start = self.pos + 1;
            let mut i = frac_start;
            while self.peek_at(i).is_some_and(|c| c.is_ascii_digit()) {
                i += 1;
            }
            if int_digits > 0 || i > frac_start {
                float = true;
                self.pos = i;
            }
        }
        if int_digits == 0 && !float {
            return Err(self.error(start, "expected a number"));
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            let mut i = self.pos + 1;
            if matches!(self.peek_at(i), Some(b'+' | b'-')) {
                i += 1;
            }
            if self.peek_at(i).is_some_and(|c| c.is_ascii_digit()) {
                while self.peek_at(i).is_some_and(|c| c.is_ascii_digit()) {
                    i += 1;
                }
                self.pos = i;
                float = true;
            }
        }
        let text = &self.src[start..self.pos];
        if float {
            text.parse::<f64>()
                .map(Expr::Float)
                .map_err(|_| self.error(start, format_args!("invalid number '{text}'")))
        } else {
            text.parse::<i64>()
                .map(Expr::Int)
                .map_err(|_| self.error(start, format_args!("integer '{text}' is out of range")))
        }
    }

    fn parse_string(&mut self) -> PResult<Expr> {
        let start = self.pos;
        let quote = self.b[start];
        let mut i = start + 1;
        loop {
            match self.peek_at(i) {
                None => return Err(self.unclosed("string literal", start)),
                Some(b'\\') if quote == b'"' && i + 1 < self.end => i += 2,
                Some(c) if c == quote => break,
                Some(_) => i += 1,
            }
        }
        let (content_start, content_end) = (start + 1, i);
        self.pos = i + 1;
        let content = &self.src[content_start..content_end];
        if quote == b'"' && content.contains(['$', '#']) {
            let (save_pos, save_end) = (self.pos, self.end);
            self.pos = content_start;
            self.end = content_end;
            self.enter()?;
            let result = self.parse_block();
            self.leave();
            self.pos = save_pos;
            self.end = save_end;
            let (mut nodes, term) = result?;
            self.expect_eof(term)?;
            for node in &mut nodes {
                if let Node::Text(t) = node
                    && t.contains("\\u")
                {
                    *t = unescape_unicode(t).into();
                }
            }
            Ok(Expr::Interp(nodes))
        } else if quote == b'"' && content.contains("\\u") {
            Ok(Expr::Str(unescape_unicode(content).into()))
        } else {
            Ok(Expr::Str(content.into()))
        }
    }
}

fn flush(text: &mut String, nodes: &mut Vec<Node>) {
    if !text.is_empty() {
        nodes.push(Node::Text(std::mem::take(text).into()));
    }
}

/// Velocity 1.7 unescapes only `\uXXXX` in string literals; other backslashes stay as written.
fn unescape_unicode(s: &str) -> String {
    let mut units: Vec<u16> = Vec::with_capacity(s.len());
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut buf = [0u16; 2];
    while i < chars.len() {
        if chars[i] == '\\' && chars.get(i + 1) == Some(&'u') && i + 6 <= chars.len() {
            let hex: String = chars[i + 2..i + 6].iter().collect();
            if hex.chars().all(|c| c.is_ascii_hexdigit())
                && let Ok(u) = u16::from_str_radix(&hex, 16)
            {
                units.push(u);
                i += 6;
                continue;
            }
        }
        units.extend_from_slice(chars[i].encode_utf16(&mut buf));
        i += 1;
    }
    String::from_utf16_lossy(&units)
}

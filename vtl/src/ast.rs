//! The parsed form of a template. Positions are byte offsets into the template source; the
//! [`crate::Template`] turns them into `line:column` when it reports an error.

use std::sync::Arc;

#[derive(Debug)]
pub(crate) enum Node {
    Text(Box<str>),
    Ref(Box<Reference>),
    Set {
        lhs: Box<Reference>,
        rhs: Expr,
    },
    If {
        branches: Vec<(Expr, Vec<Node>)>,
        otherwise: Option<Vec<Node>>,
    },
    Foreach {
        var: Box<str>,
        iterable: Expr,
        body: Vec<Node>,
        pos: u32,
    },
    Break,
    Stop,
    Define {
        name: Box<str>,
        body: Arc<Vec<Node>>,
    },
    /// `#name(args)`: a call of a `#macro`, or literal text if no such macro exists.
    MacroCall {
        name: Box<str>,
        args: Vec<Expr>,
        literal: Box<str>,
        pos: u32,
    },
}

#[derive(Debug)]
pub(crate) struct Reference {
    pub root: Box<str>,
    pub parts: Vec<Part>,
    pub pos: u32,
    /// The reference as written, e.g. `$!{foo.bar}`. (Quiet and loud references render alike:
    /// API Gateway prints null as nothing either way.)
    pub literal: Box<str>,
}

#[derive(Debug)]
pub(crate) enum Part {
    Prop(Box<str>),
    Method { name: Box<str>, args: Vec<Expr> },
    Index(Expr),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

#[derive(Debug)]
pub(crate) enum Expr {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Box<str>),
    /// A double-quoted string containing `$` or `#`: rendered as a small template.
    Interp(Vec<Node>),
    Ref(Box<Reference>),
    List(Vec<Expr>),
    Map(Vec<(Expr, Expr)>),
    Range(Box<Expr>, Box<Expr>, u32),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Bin(BinOp, Box<Expr>, Box<Expr>),
}

#[derive(Debug)]
pub(crate) struct MacroDef {
    pub params: Vec<Box<str>>,
    pub body: Vec<Node>,
}

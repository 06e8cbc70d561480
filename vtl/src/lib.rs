//! Mapping templates as Amazon API Gateway runs them: a Velocity Template Language (VTL)
//! interpreter with API Gateway's variables (`$input`, `$util`, `$context`, `$stageVariables`)
//! and rendering rules.
//!
//! A template is parsed once into a [`Template`] (which is `Send + Sync` and can be cached) and
//! rendered many times against a [`Context`]:
//!
//! ```
//! use vtl::{Context, Template};
//!
//! let template = Template::parse(
//!     "#set($root = $input.path('$'))\n{\"name\": \"$root.name\", \"id\": \"$input.params('id')\"}",
//! ).expect("valid template");
//! let mut ctx = Context::default();
//! ctx.input.body = r#"{"name": "Ada"}"#.into();
//! ctx.input.path.push(("id".into(), "7".into()));
//! let rendered = template.render(&ctx).expect("renders");
//! assert_eq!(rendered.body, r#"{"name": "Ada", "id": "7"}"#);
//! ```
//!
//! Rendering is bounded by [`Limits`]: iterations per `#foreach`, a global step budget, output
//! size, nesting depth and wall-clock time. Exceeding one is a [`RenderError`], never a hang or a
//! panic.
//!
//! Semantics follow Apache Velocity 1.7 where API Gateway does not differ. The API Gateway rules
//! that differ: a null or undefined reference renders as the empty string (not as its source
//! text), and null compares equal to `""`. Maps print as Java's `{a=1, b=2}`; lists that came
//! from JSON print as compact JSON, lists built in the template as `[1, 2]`.
//!
//! Velocity 1.7 details worth knowing when writing templates:
//! * `#set` swallows the spaces and tabs before it; the `)` of a directive, `#else` and `#end`
//!   swallow the rest of their line when only blanks follow; other indentation is output.
//! * `#set($x = <null>)` leaves `$x` unchanged; arithmetic on null or a division by zero is null.
//! * Identifiers may contain `-` (`$a-b` is one variable); write `$a - $b` to subtract.
//! * String literals keep backslashes (`"\\'"` is the regex `\\'`); only `\uXXXX` is unescaped.
//! * `$list.add(x)` prints `true`; use `#set($ignored = $list.add(x))`.
//! * A Java exception (index out of bounds, bad regex, bad JSONPath) fails the render with
//!   [`RenderError::Runtime`]; a method that does not exist is null.

mod ast;
mod context;
mod javafmt;
mod json;
mod jsonpath;
mod methods;
mod parser;
mod render;
mod straight;
mod uses;
mod value;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

pub use straight::{CONTEXT_LEAVES, IDENTITY_LEAVES, Piece, Source};

pub use context::{
    Authorizer, Context, Identity, Input, Overrides, RequestContext, RequestOverride,
    ResponseOverride,
};

/// A template could not be parsed. The message names the place, as in
/// `unclosed #if starting at 3:1` or `unexpected #end at 7:5`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    /// 1-based line of the problem.
    pub line: u32,
    /// 1-based column (in characters) of the problem.
    pub column: u32,
    /// The full message, position included.
    pub message: String,
}

/// Rendering failed. Limits produce their own variants; everything else (a Java exception such as
/// an index out of bounds, an invalid JSONPath or regular expression) is [`RenderError::Runtime`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    #[error("#foreach at {line}:{column} exceeded the limit of {limit} iterations")]
    LoopLimit {
        line: u32,
        column: u32,
        limit: usize,
    },
    #[error("rendering exceeded the step budget of {limit} steps")]
    StepLimit { limit: u64 },
    #[error("rendered output (or a string built by the template) exceeded {limit} bytes")]
    OutputLimit { limit: usize },
    #[error("rendering exceeded the time budget of {limit:?}")]
    TimeLimit { limit: Duration },
    #[error("nesting deeper than {limit} levels at {line}:{column}")]
    DepthLimit {
        line: u32,
        column: u32,
        limit: usize,
    },
    #[error("{message} at {line}:{column}")]
    Runtime {
        line: u32,
        column: u32,
        message: String,
    },
}

/// Bounds on parsing and rendering. [`Limits::default`] holds API Gateway's documented limits
/// (300 KB templates, 1000 iterations per `#foreach`, 10 MB payloads) plus safety budgets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest template source accepted by [`Template::parse_with`], in bytes (300 KiB).
    pub max_template_bytes: usize,
    /// Most iterations of one `#foreach` (1000); one more is an error.
    pub max_foreach_iterations: usize,
    /// Budget of evaluation steps for one render (nodes, expressions, method calls, and one step
    /// per 64 bytes of strings produced), so that nested loops cannot explode.
    pub max_steps: u64,
    /// Largest rendered body, and largest string a template may build, in bytes (10 MiB).
    pub max_output_bytes: usize,
    /// Deepest nesting of directives and expressions at parse time, and of blocks, macro calls
    /// and `#define` expansions at render time.
    pub max_depth: usize,
    /// Longest list an integer range (`[1..n]`) may create.
    pub max_range_len: usize,
    /// Wall-clock budget of one render, checked every 256 steps (1 s; `None`: steps only).
    /// A safety net under the step budget: a test that expects a step, loop or output limit
    /// should turn it off, so that its outcome does not depend on the machine's speed.
    pub max_duration: Option<Duration>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_template_bytes: 300 * 1024,
            max_foreach_iterations: 1000,
            max_steps: 2_000_000,
            max_output_bytes: 10 * 1024 * 1024,
            max_depth: 64,
            max_range_len: 100_000,
            max_duration: Some(Duration::from_secs(1)),
        }
    }
}

/// The result of rendering: the body and the `$context.requestOverride` /
/// `$context.responseOverride` values the template assigned.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rendered {
    pub body: String,
    pub overrides: Overrides,
}

/// A parsed template, ready to render any number of times (from any thread).
#[derive(Debug)]
pub struct Template {
    nodes: Vec<ast::Node>,
    macros: HashMap<String, Arc<ast::MacroDef>>,
    source: Box<str>,
    limits: Limits,
    /// The `$context` entries a render builds.
    context_keys: uses::ContextKeys,
    /// The pieces of a straight-line template (see [`Template::straight`]).
    straight: Option<Vec<Piece>>,
}

impl Template {
    /// Parses `source` with the default [`Limits`].
    pub fn parse(source: &str) -> Result<Template, ParseError> {
        Template::parse_with(source, Limits::default())
    }

    /// Parses `source`; `limits` are also the ones [`Template::render`] applies.
    pub fn parse_with(source: &str, limits: Limits) -> Result<Template, ParseError> {
        if source.len() > limits.max_template_bytes {
            return Err(ParseError {
                line: 1,
                column: 1,
                message: format!(
                    "template is {} bytes, more than the limit of {} bytes",
                    source.len(),
                    limits.max_template_bytes
                ),
            });
        }
        let mut parser = parser::Parser::new(source, limits.max_depth);
        let nodes = parser.parse_template()?;
        let context_keys =
            uses::ContextKeys::of(&nodes, parser.macros.values().map(|m| m.as_ref()));
        let straight = straight::plan(&nodes);
        Ok(Template {
            nodes,
            macros: parser.macros,
            source: source.into(),
            limits,
            context_keys,
            straight,
        })
    }

    /// The template's source text.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Whether a render can read the `$context` entry `key` (`stage`, `identity`, …): a caller
    /// may leave the others out of the [`Context`].
    pub fn reads_context(&self, key: &str) -> bool {
        self.context_keys.wants(key)
    }

    /// Whether a render can read `$context.authorizer.claims[name]`: a caller may leave the
    /// other claims out of the [`Context`].
    pub fn reads_claim(&self, name: &str) -> bool {
        self.context_keys.wants("authorizer") && self.context_keys.wants_claim(name)
    }

    /// The template as text and [`Source`] lookups, when it is straight-line: no directives,
    /// and every reference names one string of the request context (`$context.stage`,
    /// `$context.authorizer.claims['custom:role']`, `$stageVariables.host`…). Concatenating
    /// the text with each source's value (nothing for an absent one) is exactly what
    /// [`Template::render`] outputs, with no overrides assigned, and needs no [`Context`].
    pub fn straight(&self) -> Option<&[Piece]> {
        self.straight.as_deref()
    }

    /// The limits this template renders under.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Renders against `ctx`.
    pub fn render(&self, ctx: &Context) -> Result<Rendered, RenderError> {
        render::render(self, ctx, &self.limits)
    }

    /// Renders against `ctx` under `limits` instead of the template's own: a caller can try a
    /// render under a small step budget first (rendering has no side effects, so a render cut
    /// short can be run again in full elsewhere).
    pub fn render_with(&self, ctx: &Context, limits: &Limits) -> Result<Rendered, RenderError> {
        render::render(self, ctx, limits)
    }

    fn line_col(&self, pos: u32) -> (u32, u32) {
        parser::line_col(&self.source, pos as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Template>();
        assert_send_sync::<Context>();
        assert_send_sync::<Rendered>();
    }
}

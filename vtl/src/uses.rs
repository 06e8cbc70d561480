//! Which `$context` entries a template can read, found once at parse time so that a render
//! builds only those (building all of `$context` cost more than rendering a small template).
//!
//! Conservative: any use of `$context` other than `$context.name…` (the whole map, a method,
//! an index, an assignment to `$context` itself) means every entry is built.

use crate::ast::{Expr, MacroDef, Node, Part, Reference};

/// The top-level `$context` keys a template reads, and which of
/// `$context.authorizer.claims` (a Cognito ID token has a dozen or more).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ContextKeys {
    pub all: bool,
    pub keys: Vec<Box<str>>,
    pub all_claims: bool,
    pub claims: Vec<Box<str>>,
}

impl ContextKeys {
    /// Whether the render needs the entry `key`.
    pub fn wants(&self, key: &str) -> bool {
        self.all || self.keys.iter().any(|k| **k == *key)
    }

    /// Whether the render needs the claim `name` in `$context.authorizer.claims`.
    pub fn wants_claim(&self, name: &str) -> bool {
        self.all || self.all_claims || self.claims.iter().any(|k| **k == *name)
    }

    pub fn of<'a>(nodes: &[Node], macros: impl IntoIterator<Item = &'a MacroDef>) -> ContextKeys {
        let mut keys = ContextKeys::default();
        keys.nodes(nodes);
        for m in macros {
            keys.nodes(&m.body);
        }
        keys
    }

    fn nodes(&mut self, nodes: &[Node]) {
        for n in nodes {
            self.node(n);
        }
    }

    fn node(&mut self, node: &Node) {
        match node {
            Node::Text(_) | Node::Break | Node::Stop => {}
            Node::Ref(r) => self.reference(r),
            Node::Set { lhs, rhs } => {
                self.reference(lhs);
                self.expr(rhs);
            }
            Node::If {
                branches,
                otherwise,
            } => {
                for (cond, body) in branches {
                    self.expr(cond);
                    self.nodes(body);
                }
                if let Some(body) = otherwise {
                    self.nodes(body);
                }
            }
            Node::Foreach { iterable, body, .. } => {
                self.expr(iterable);
                self.nodes(body);
            }
            Node::Define { body, .. } => self.nodes(body),
            Node::MacroCall { args, .. } => {
                for a in args {
                    self.expr(a);
                }
            }
        }
    }

    fn reference(&mut self, r: &Reference) {
        if &*r.root == "context" {
            match r.parts.first() {
                Some(Part::Prop(name)) => {
                    if !self.wants(name) {
                        self.keys.push(name.clone());
                    }
                    if &**name == "authorizer" {
                        self.claims_use(&r.parts[1..]);
                    }
                }
                _ => self.all = true,
            }
        }
        for part in &r.parts {
            match part {
                Part::Prop(_) => {}
                Part::Method { args, .. } => {
                    for a in args {
                        self.expr(a);
                    }
                }
                Part::Index(e) => self.expr(e),
            }
        }
    }

    /// `parts` follow `$context.authorizer`: only `.claims.name` and `.claims['name']` name a
    /// claim; any other use of the claims map (or of the authorizer map) needs them all.
    fn claims_use(&mut self, parts: &[Part]) {
        let name = match parts {
            [Part::Prop(p), ..] if &**p != "claims" => return,
            [Part::Prop(_), Part::Prop(claim), ..] => claim,
            [Part::Prop(_), Part::Index(Expr::Str(claim)), ..] => claim,
            _ => {
                self.all_claims = true;
                return;
            }
        };
        if !self.wants_claim(name) {
            self.claims.push(name.clone());
        }
    }

    fn expr(&mut self, e: &Expr) {
        match e {
            Expr::Null | Expr::Bool(_) | Expr::Int(_) | Expr::Float(_) | Expr::Str(_) => {}
            Expr::Interp(nodes) => self.nodes(nodes),
            Expr::Ref(r) => self.reference(r),
            Expr::List(items) => {
                for i in items {
                    self.expr(i);
                }
            }
            Expr::Map(entries) => {
                for (k, v) in entries {
                    self.expr(k);
                    self.expr(v);
                }
            }
            Expr::Range(a, b, _) | Expr::Bin(_, a, b) => {
                self.expr(a);
                self.expr(b);
            }
            Expr::Not(x) | Expr::Neg(x) => self.expr(x),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::Template;

    fn keys(source: &str) -> (bool, Vec<String>) {
        let t = Template::parse(source).unwrap();
        let k = &t.context_keys;
        (k.all, k.keys.iter().map(|k| k.to_string()).collect())
    }

    #[test]
    fn named_entries_only() {
        assert_eq!(
            keys(
                r#"{"sub": "$context.authorizer.claims.sub", "s": "$context.stage", "t": "${context.stage}"}"#
            ),
            (false, vec!["authorizer".to_owned(), "stage".to_owned()])
        );
        assert_eq!(keys("no context here $input.body"), (false, vec![]));
    }

    #[test]
    fn entries_in_strings_directives_macros_and_arguments() {
        let (all, k) = keys(concat!(
            "#set($a = \"id $context.requestId\")",
            "#if($context.httpMethod == 'GET')#end",
            "#foreach($x in $context.identity.keySet())#end",
            "#macro(m $p)$context.path#end",
            "#define($d)$context.resourcePath#end",
            "$util.escapeJavaScript($context.apiId)",
            "#set($context.responseOverride.status = 400)",
        ));
        assert!(!all);
        for key in [
            "requestId",
            "httpMethod",
            "identity",
            "path",
            "resourcePath",
            "apiId",
            "responseOverride",
        ] {
            assert!(k.iter().any(|x| x == key), "{key} missing from {k:?}");
        }
    }

    fn claims(source: &str) -> (bool, Vec<String>) {
        let t = Template::parse(source).unwrap();
        let k = &t.context_keys;
        (
            k.all || k.all_claims,
            k.claims.iter().map(|k| k.to_string()).collect(),
        )
    }

    #[test]
    fn named_claims_only() {
        assert_eq!(
            claims(concat!(
                "$context.authorizer.claims.sub $context.authorizer.claims['cognito:username']",
                "$context.authorizer.principalId",
                "#set($context.authorizer.claims.extra = 1)",
            )),
            (
                false,
                vec!["sub".into(), "cognito:username".into(), "extra".into()]
            )
        );
        assert_eq!(claims("$context.stage"), (false, vec![]));
        for source in [
            "$context.authorizer",
            "$context.authorizer.claims",
            "$context.authorizer.claims.keySet()",
            "$context.authorizer.claims[$name]",
            "$context.authorizer.get('claims')",
            "#set($c = $context.authorizer.claims)$c.sub",
            "$util.toJson($context)",
        ] {
            assert!(claims(source).0, "{source}");
        }
    }

    #[test]
    fn whole_map_uses_build_everything() {
        for source in [
            "$context",
            "$util.toJson($context)",
            "#set($c = $context)$c.stage",
            "$context.keySet()",
            "$context['stage']",
            "#macro(m $c)$c.stage#end#m($context)",
            "#foreach($e in $context.entrySet())#end",
            "#set($l = [$context])",
        ] {
            assert!(keys(source).0, "{source}");
        }
    }

    #[test]
    fn a_partial_context_renders_like_the_whole() {
        let mut ctx = crate::Context::default();
        ctx.request.stage = Some("prod".into());
        ctx.request.api_id = Some("abc".into());
        ctx.request.authorizer.claims = vec![
            ("sub".into(), "u1".into()),
            ("email".into(), "a@example.com".into()),
        ];
        ctx.overrides.response.status = Some(418);
        let t = Template::parse("$context.stage $context.authorizer.claims.sub").unwrap();
        let r = t.render(&ctx).unwrap();
        assert_eq!(r.body, "prod u1");
        // Overrides assigned earlier come back even when the template does not mention them.
        assert_eq!(r.overrides.response.status, Some(418));
        let whole = Template::parse("$context.stage $util.toJson($context).length()").unwrap();
        assert!(whole.render(&ctx).unwrap().body.starts_with("prod "));
        let claims = Template::parse("$context.authorizer.claims").unwrap();
        assert_eq!(
            claims.render(&ctx).unwrap().body,
            "{sub=u1, email=a@example.com}"
        );
    }
}

//! Straight-line templates: text and references that each name one string of the request
//! context (`$context.stage`, `$context.authorizer.claims.sub`, `$stageVariables.host`…), with
//! no directives. Most mapping templates in the wild look like this, and rendering one is a
//! substitution: the caller looks each [`Source`] up in its own request data, and no `$context`
//! map is built. Found once at parse time; conservative (anything else renders in full).

use crate::ast::{Expr, Node, Part, Reference};

/// One piece of a straight-line template's output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(Box<str>),
    /// A value of the request context; null (absent) renders as nothing, as API Gateway does.
    Value(Source),
}

/// Where a straight-line reference reads from. Each is exactly what the full render reads
/// from the [`crate::Context`] field of the same name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `$context.<key>` for a top-level string (or `requestTimeEpoch`) entry: one of
    /// [`CONTEXT_LEAVES`].
    Context(Box<str>),
    /// `$context.identity.<key>`: one of [`IDENTITY_LEAVES`].
    Identity(Box<str>),
    /// `$context.authorizer.claims.<name>` or `…claims['<name>']`.
    Claim(Box<str>),
    /// `$context.authorizer.principalId`.
    PrincipalId,
    /// `$stageVariables.<name>` or `$stageVariables['<name>']`.
    StageVariable(Box<str>),
}

/// The top-level `$context` entries that hold a string (or, `requestTimeEpoch`, a number).
pub const CONTEXT_LEAVES: &[&str] = &[
    "accountId",
    "apiId",
    "domainName",
    "domainPrefix",
    "extendedRequestId",
    "httpMethod",
    "path",
    "protocol",
    "requestId",
    "requestTime",
    "requestTimeEpoch",
    "resourceId",
    "resourcePath",
    "stage",
];

/// The `$context.identity` entries (all strings).
pub const IDENTITY_LEAVES: &[&str] = &[
    "accountId",
    "apiKey",
    "apiKeyId",
    "caller",
    "cognitoAuthenticationProvider",
    "cognitoAuthenticationType",
    "cognitoIdentityId",
    "cognitoIdentityPoolId",
    "principalOrgId",
    "sourceIp",
    "user",
    "userAgent",
    "userArn",
];

/// The pieces of `nodes` when the template is straight-line, else `None`.
pub(crate) fn plan(nodes: &[Node]) -> Option<Vec<Piece>> {
    nodes
        .iter()
        .map(|node| match node {
            Node::Text(text) => Some(Piece::Text(text.clone())),
            Node::Ref(r) => source(r).map(Piece::Value),
            _ => None,
        })
        .collect()
}

fn source(r: &Reference) -> Option<Source> {
    /// A property or a string-literal index: both read a map entry by name.
    fn name(part: &Part) -> Option<&str> {
        match part {
            Part::Prop(p) => Some(p),
            Part::Index(Expr::Str(s)) => Some(s),
            _ => None,
        }
    }
    match (&*r.root, r.parts.as_slice()) {
        ("context", [Part::Prop(key)]) if CONTEXT_LEAVES.contains(&&**key) => {
            Some(Source::Context(key.clone()))
        }
        ("context", [Part::Prop(identity), Part::Prop(key)])
            if &**identity == "identity" && IDENTITY_LEAVES.contains(&&**key) =>
        {
            Some(Source::Identity(key.clone()))
        }
        ("context", [Part::Prop(authorizer), Part::Prop(principal)])
            if &**authorizer == "authorizer" && &**principal == "principalId" =>
        {
            Some(Source::PrincipalId)
        }
        ("context", [Part::Prop(authorizer), Part::Prop(claims), claim])
            if &**authorizer == "authorizer" && &**claims == "claims" =>
        {
            name(claim).map(|n| Source::Claim(n.into()))
        }
        ("stageVariables", [variable]) => name(variable).map(|n| Source::StageVariable(n.into())),
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::Template;

    fn pieces(source: &str) -> Option<Vec<Piece>> {
        Template::parse(source)
            .unwrap()
            .straight()
            .map(<[Piece]>::to_vec)
    }

    #[test]
    fn references_to_context_strings_are_straight() {
        let p = pieces(
            r#"{"sub": "$context.authorizer.claims.sub", "role": "$context.authorizer.claims['custom:role']", "s": "${context.stage}", "ip": "$!context.identity.sourceIp", "v": "$stageVariables.host", "p": "$context.authorizer.principalId"}"#,
        )
        .unwrap();
        let values: Vec<&Source> = p
            .iter()
            .filter_map(|p| match p {
                Piece::Value(s) => Some(s),
                Piece::Text(_) => None,
            })
            .collect();
        assert_eq!(
            values,
            [
                &Source::Claim("sub".into()),
                &Source::Claim("custom:role".into()),
                &Source::Context("stage".into()),
                &Source::Identity("sourceIp".into()),
                &Source::StageVariable("host".into()),
                &Source::PrincipalId,
            ]
        );
        assert_eq!(p.first(), Some(&Piece::Text(r#"{"sub": ""#.into())));
        assert_eq!(pieces("plain text").unwrap().len(), 1);
    }

    /// Every straight-line template renders by substitution exactly as in full.
    #[test]
    fn substitution_equals_the_full_render() {
        let mut ctx = crate::Context::default();
        let r = &mut ctx.request;
        r.api_id = Some("a1b2c3".into());
        r.stage = Some("prod".into());
        r.http_method = Some("GET".into());
        r.path = Some("/prod/pets/7".into());
        r.request_id = Some("req-1".into());
        r.request_time = Some("26/Nov/2026:12:00:00 +0000".into());
        r.request_time_epoch = Some(1_795_000_000_000);
        r.resource_path = Some("/pets/{id}".into());
        r.identity.source_ip = Some("10.0.0.1".into());
        r.identity.user_agent = Some("curl/8".into());
        r.authorizer.principal_id = Some("u1".into());
        r.authorizer.claims = vec![
            ("sub".into(), "u1".into()),
            ("custom:role".into(), "admin".into()),
            ("sub".into(), "u2".into()),
            ("email".into(), "a\"b@example.com".into()),
        ];
        ctx.stage_variables = vec![("host".into(), "example.com".into())];
        let mut sources: Vec<String> = CONTEXT_LEAVES
            .iter()
            .map(|k| format!("$context.{k}"))
            .chain(
                IDENTITY_LEAVES
                    .iter()
                    .map(|k| format!("$!{{context.identity.{k}}}")),
            )
            .collect();
        sources.extend(
            [
                "$context.authorizer.claims.sub",
                "$context.authorizer.claims['custom:role']",
                "$context.authorizer.claims[\"email\"]",
                "$context.authorizer.claims.missing",
                "$context.authorizer.principalId",
                "$stageVariables.host",
                "$stageVariables['nope']",
            ]
            .map(str::to_owned),
        );
        let source = sources
            .iter()
            .map(|s| format!("<{s}>"))
            .collect::<Vec<_>>()
            .join("\n");
        let template = Template::parse(&source).unwrap();
        let pieces = template.straight().expect("straight");
        let mut substituted = String::new();
        for piece in pieces {
            match piece {
                Piece::Text(t) => substituted.push_str(t),
                Piece::Value(s) => substituted.push_str(&ctx.value_of(s).unwrap_or_default()),
            }
        }
        assert_eq!(substituted, template.render(&ctx).unwrap().body);
        assert!(substituted.contains("<u2>") && substituted.contains("<1795000000000>"));
        // A Lambda authorizer's principalId entry wins, in both.
        ctx.request.authorizer.context = vec![("principalId".into(), "lambda".into())];
        let t = Template::parse("$context.authorizer.principalId").unwrap();
        assert_eq!(t.render(&ctx).unwrap().body, "lambda");
        assert_eq!(
            ctx.value_of(&Source::PrincipalId).as_deref(),
            Some("lambda")
        );
    }

    #[test]
    fn anything_else_renders_in_full() {
        for source in [
            "#set($a = 1)$a",
            "#if($context.stage)x#end",
            "$context",
            "$context.identity",
            "$context.authorizer.claims",
            "$context.authorizer.claims.sub.length()",
            "$context.authorizer.claims[$name]",
            "$context.authorizer.other",
            "$context.requestOverride.header",
            "$context.stage.toUpperCase()",
            "$context.unknownKey",
            "$input.body",
            "$input.params('id')",
            "$util.urlEncode($context.stage)",
            "$stageVariables",
            "$stageVariables.a.b",
            "$foo",
            "## comment only still has no directive\n$foo",
        ] {
            assert_eq!(pieces(source), None, "{source}");
        }
    }
}

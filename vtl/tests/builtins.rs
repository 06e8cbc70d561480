//! Java methods on values, and API Gateway's `$input`, `$util`, `$context` and
//! `$stageVariables`.

use vtl::{Context, RenderError, Template};

fn render_ctx(template: &str, ctx: &Context) -> String {
    let t = Template::parse(template).unwrap_or_else(|e| panic!("parse {template:?}: {e}"));
    t.render(ctx)
        .unwrap_or_else(|e| panic!("render {template:?}: {e}"))
        .body
}

fn r(template: &str) -> String {
    render_ctx(template, &Context::default())
}

fn with_body(template: &str, body: &str) -> String {
    let mut ctx = Context::default();
    ctx.input.body = body.to_string();
    render_ctx(template, &ctx)
}

fn err(template: &str, body: &str) -> RenderError {
    let t = Template::parse(template).unwrap_or_else(|e| panic!("parse {template:?}: {e}"));
    let mut ctx = Context::default();
    ctx.input.body = body.to_string();
    match t.render(&ctx) {
        Ok(out) => panic!("{template:?} should fail, rendered {:?}", out.body),
        Err(e) => e,
    }
}

/// Evaluates `expr` with `$s` bound to `s` and renders the result.
fn on_string(s: &str, expr: &str) -> String {
    r(&format!("#set($s = '{s}')#set($v = {expr})$v"))
}

// ------------------------------------------------------------------ String

#[test]
fn string_methods() {
    for (s, expr, expected) in [
        ("hello", "$s.length()", "5"),
        ("", "$s.length()", "0"),
        ("héllo😀", "$s.length()", "7"),
        ("hello", "$s.substring(1)", "ello"),
        ("hello", "$s.substring(1, 3)", "el"),
        ("hello", "$s.substring(5)", ""),
        ("a😀b", "$s.substring(1, 3)", "😀"),
        ("hello", "$s.indexOf('l')", "2"),
        ("hello", "$s.indexOf('l', 3)", "3"),
        ("hello", "$s.indexOf('z')", "-1"),
        ("héllo", "$s.indexOf('l')", "2"),
        ("hello", "$s.lastIndexOf('l')", "3"),
        ("hello", "$s.lastIndexOf('l', 2)", "2"),
        ("hello", "$s.contains('ell')", "true"),
        ("hello", "$s.contains('xyz')", "false"),
        ("hello", "$s.startsWith('he')", "true"),
        ("hello", "$s.startsWith('ll', 2)", "true"),
        ("hello", "$s.endsWith('lo')", "true"),
        ("MiXeD", "$s.toLowerCase()", "mixed"),
        ("MiXeD", "$s.toUpperCase()", "MIXED"),
        ("  pad \t", "$s.trim()", "pad"),
        ("a.b.c", "$s.replace('.', '-')", "a-b-c"),
        ("ab", "$s.replace('', '-')", "-a-b-"),
        ("a1b22c", "$s.replaceAll('[0-9]+', '#')", "a#b#c"),
        (
            "john smith",
            "$s.replaceAll('(\\w+) (\\w+)', '$2, $1')",
            "smith, john",
        ),
        ("a.b", "$s.replaceAll('\\.', '\\$')", "a$b"),
        ("aaa", "$s.replaceFirst('a', 'b')", "baa"),
        ("x", "$s.equals('x')", "true"),
        ("x", "$s.equals('y')", "false"),
        ("x", "$s.equalsIgnoreCase('X')", "true"),
        ("", "$s.isEmpty()", "true"),
        ("a", "$s.isEmpty()", "false"),
        ("abc123", "$s.matches('[a-z]+\\d+')", "true"),
        ("abc123x", "$s.matches('[a-z]+\\d+')", "false"),
        ("hello", "$s.charAt(1)", "e"),
        ("ab", "$s.concat('cd')", "abcd"),
        ("a", "$s.compareTo('b')", "-1"),
        ("b", "$s.compareTo('a')", "1"),
        ("hello", "$s.hashCode()", "99162322"),
        ("ab", "$s.repeat(3)", "ababab"),
        ("x", "$s.toString()", "x"),
        ("x", "$s.empty", "false"),
    ] {
        assert_eq!(on_string(s, expr), expected, "'{s}'{expr}");
    }
}

#[test]
fn split_follows_java() {
    for (s, expr, expected) in [
        ("a,b,c", "$s.split(',')", "[a, b, c]"),
        ("a,b,,", "$s.split(',')", "[a, b]"),
        (",a", "$s.split(',')", "[, a]"),
        ("a,b,c", "$s.split(',', 2)", "[a, b,c]"),
        ("a,b,,", "$s.split(',', -1)", "[a, b, , ]"),
        ("abc", "$s.split('')", "[a, b, c]"),
        ("", "$s.split(',')", "[]"),
        ("a1b2c", "$s.split('\\d')", "[a, b, c]"),
        ("nomatch", "$s.split(',')", "[nomatch]"),
        ("a.b", "$s.split('\\Q.\\E')", "[a, b]"),
    ] {
        assert_eq!(on_string(s, expr), expected, "'{s}'{expr}");
    }
    assert_eq!(
        r("#set($s = 'a,b')$s.split(',').size() $s.split(',')[1]"),
        "2 b"
    );
    assert_eq!(
        r("#set($q = 'x=1&y=2')#foreach($p in $q.split('&'))$p.split('=')[0];#end"),
        "x;y;"
    );
}

#[test]
fn string_method_errors() {
    let e = err("#set($s = 'abc')$s.substring(5)", "");
    assert_eq!(
        e.to_string(),
        "substring(5, 3) is out of range for a string of length 3 at 1:17"
    );
    assert!(matches!(
        err("#set($s = 'abc')$s.charAt(3)", ""),
        RenderError::Runtime { .. }
    ));
    let e = err("#set($s = 'abc')$s.replaceAll('(', 'x')", "");
    assert!(
        e.to_string().starts_with("invalid regular expression '('"),
        "{e}"
    );
    let e = err("#set($s = 'abc')$s.replaceAll('b', '$9')", "");
    assert!(e.to_string().starts_with("no group 9"), "{e}");
    // Wrong argument types find no method: null, as in Velocity.
    assert_eq!(
        r("#set($s = 'abc')[$s.substring('x')][$s.contains(1)][$s.nosuch()]"),
        "[][][]"
    );
}

#[test]
fn escape_javascript_idiom() {
    let t = r#"$util.escapeJavaScript("it's").replaceAll("\\'","'")"#;
    assert_eq!(r(t), "it's");
}

// ------------------------------------------------------------------ List

#[test]
fn list_methods() {
    for (expr, expected) in [
        ("$l.size()", "3"),
        ("$l.count()", "3"),
        ("$l.get(0)", "a"),
        ("$l[2]", "c"),
        ("$l[-1]", "c"),
        ("$l.isEmpty()", "false"),
        ("$l.empty", "false"),
        ("$l.contains('b')", "true"),
        ("$l.contains('z')", "false"),
        ("$l.indexOf('c')", "2"),
        ("$l.lastIndexOf('z')", "-1"),
        ("$l.subList(1, 3)", "[b, c]"),
        ("$l.toString()", "[a, b, c]"),
        ("$l.equals(['a', 'b', 'c'])", "true"),
        ("$l.containsAll(['a', 'c'])", "true"),
    ] {
        assert_eq!(
            r(&format!("#set($l = ['a', 'b', 'c']){expr}")),
            expected,
            "{expr}"
        );
    }
    // add() returns true, which prints — Velocity's classic gotcha.
    assert_eq!(r("#set($l = [])$l.add(1) $l"), "true [1]");
    assert_eq!(
        r("#set($l = [])#set($d = $l.add(1))#set($d = $l.add(2))$l"),
        "[1, 2]"
    );
    assert_eq!(r("#set($l = [1, 3])$l.add(1, 2)$l"), "[1, 2, 3]");
    assert_eq!(
        r("#set($l = [1])#set($d = $l.addAll([2, 3]))$l"),
        "[1, 2, 3]"
    );
    assert_eq!(r("#set($l = ['a', 'b'])$l.remove(0) $l"), "a [b]");
    assert_eq!(r("#set($l = ['a', 'b'])$l.remove('b') $l"), "true [a]");
    assert_eq!(r("#set($l = ['a', 'b'])$l.set(1, 'z') $l"), "b [a, z]");
    assert_eq!(r("#set($l = ['a'])$l.clear()$l.isEmpty()"), "true");
    assert_eq!(r("#set($l = [])$l.isEmpty() $l.empty"), "true true");
    // Out of range is Java's IndexOutOfBoundsException: the render fails.
    let e = err("#set($l = [1])$l.get(1)", "");
    assert_eq!(
        e.to_string(),
        "index 1 is out of bounds for a list of length 1 at 1:15"
    );
    assert!(matches!(
        err("#set($l = [1])$l[5]", ""),
        RenderError::Runtime { .. }
    ));
    assert!(matches!(
        err("#set($l = [1])$l.remove(3)", ""),
        RenderError::Runtime { .. }
    ));
}

// ------------------------------------------------------------------ Map

#[test]
fn map_methods() {
    let m = "#set($m = {'a': 1, 'b': 'two'})";
    for (expr, expected) in [
        ("$m.get('a')", "1"),
        ("$m.a", "1"),
        ("$m['b']", "two"),
        ("[$m.get('zz')]", "[]"),
        ("$m.keySet()", "[a, b]"),
        ("$m.values()", "[1, two]"),
        ("$m.containsKey('a')", "true"),
        ("$m.containsKey('z')", "false"),
        ("$m.containsValue('two')", "true"),
        ("$m.size()", "2"),
        ("$m.isEmpty()", "false"),
        ("$m.entrySet()", "[a=1, b=two]"),
        ("$m.getOrDefault('z', 'dflt')", "dflt"),
        ("$m.toString()", "{a=1, b=two}"),
        ("$m", "{a=1, b=two}"),
    ] {
        assert_eq!(r(&format!("{m}{expr}")), expected, "{expr}");
    }
    assert_eq!(r(&format!("{m}[$m.put('c', 3)]$m")), "[]{a=1, b=two, c=3}");
    assert_eq!(r(&format!("{m}$m.put('a', 9) $m")), "1 {a=9, b=two}");
    assert_eq!(r(&format!("{m}$m.remove('a') $m")), "1 {b=two}");
    assert_eq!(
        r(&format!("{m}$m.putAll({{'z': 0}})$m")),
        "{a=1, b=two, z=0}"
    );
    assert_eq!(r(&format!("{m}$m.clear()$m.isEmpty()")), "true");
    assert_eq!(
        r(&format!(
            "{m}#foreach($e in $m.entrySet())$e.key=$e.value/$e.getKey()=$e.getValue();#end"
        )),
        "a=1/a=1;b=two/b=two;"
    );
    assert_eq!(
        r(&format!("{m}#foreach($k in $m.keySet())$k:$m.get($k) #end")),
        "a:1 b:two "
    );
}

#[test]
fn numbers_and_booleans() {
    assert_eq!(
        r("#set($n = 5)$n.toString() $n.doubleValue() $n.compareTo(7) $n.equals(5)"),
        "5 5.0 -1 true"
    );
    assert_eq!(r("#set($n = 2.75)$n.intValue()"), "2");
    assert_eq!(
        r("#set($b = true)$b.toString() $b.booleanValue()"),
        "true true"
    );
    assert_eq!(
        with_body(
            "$input.path('$.n') $input.path('$.f') $input.path('$.e')",
            r#"{"n": 10, "f": 1.50, "e": 1e3}"#
        ),
        "10 1.50 1e3"
    );
    assert_eq!(
        with_body("#set($x = $input.path('$.f') * 2)$x", r#"{"f": 1.5}"#),
        "3.0"
    );
}

// ------------------------------------------------------------------ $input

const STORE: &str = r#"{
  "store": {
    "name": "Pets",
    "items": [
      {"id": 1, "kind": "dog", "price": 12.5, "tags": ["a", "b"]},
      {"id": 2, "kind": "cat", "price": 8},
      {"id": 3, "kind": "fish", "price": 0.99}
    ],
    "zeta": 1,
    "alpha": 2,
    "user-id": "u-1"
  }
}"#;

#[test]
fn input_body_and_json() {
    assert_eq!(with_body("$input.body", "some raw data"), "some raw data");
    assert_eq!(with_body("$input.body", r#"{ "a" : 1 }"#), r#"{ "a" : 1 }"#);
    assert_eq!(with_body("$input.body", ""), "{}");
    assert_eq!(
        with_body("$input.json('$')", r#"{ "a" : [1, "x"] }"#),
        r#"{"a":[1,"x"]}"#
    );
    assert_eq!(with_body("$input.json('$.store.name')", STORE), r#""Pets""#);
    assert_eq!(
        with_body("$input.json('$.store.items[1]')", STORE),
        r#"{"id":2,"kind":"cat","price":8}"#
    );
    assert_eq!(
        with_body("$input.json('$.store.items[*].id')", STORE),
        "[1,2,3]"
    );
    assert_eq!(
        with_body("$input.json('$.store.items[?(@.price < 10)].kind')", STORE),
        r#"["cat","fish"]"#
    );
    assert_eq!(
        with_body("$input.json('$..kind')", STORE),
        r#"["dog","cat","fish"]"#
    );
    assert_eq!(
        with_body("$input.json('$.store.*')", STORE).chars().next(),
        Some('[')
    );
    // One match of a definite path is the value; no match is null (renders empty).
    assert_eq!(with_body("[$input.json('$.nothing')]", STORE), "[]");
    assert_eq!(
        with_body("$input.json('$.store.items[?(@.id > 5)]')", STORE),
        "[]"
    );
    assert_eq!(with_body("$input.json('$')", ""), "{}");
    // A body that is not JSON is a JSON string of itself.
    assert_eq!(with_body("$input.json('$')", "a=1&b=2"), r#""a=1&b=2""#);
    assert_eq!(with_body("[$input.json('$.a')]", "a=1&b=2"), "[]");
}

#[test]
fn input_path_navigation() {
    assert_eq!(with_body("$input.path('$.store.name')", STORE), "Pets");
    assert_eq!(
        with_body("$input.path('$').store.items[0].kind", STORE),
        "dog"
    );
    assert_eq!(
        with_body(
            "$input.path('$.store.items').size() $input.path('$.store.items').count()",
            STORE
        ),
        "3 3"
    );
    assert_eq!(
        with_body("$input.path('$.store.items[0].tags')", STORE),
        r#"["a","b"]"#
    );
    assert_eq!(
        with_body("$input.path('$.store.items[0]')", STORE),
        r#"{id=1, kind=dog, price=12.5, tags=["a","b"]}"#
    );
    assert_eq!(
        with_body(
            "#foreach($i in $input.path('$.store.items[*]'))$i.kind #end",
            STORE
        ),
        "dog cat fish "
    );
    assert_eq!(
        with_body(
            "#foreach($k in $input.path('$.store.items[*].kind'))$k,#end",
            STORE
        ),
        "dog,cat,fish,"
    );
    // Jayway names that RFC 9535 shorthand does not allow.
    assert_eq!(with_body("$input.path('$.store.user-id')", STORE), "u-1");
    assert_eq!(
        with_body("$input.path(\"$['store']['user-id']\")", STORE),
        "u-1"
    );
    assert_eq!(with_body("$input.path('store.name')", STORE), "Pets");
    // Wildcards over an object keep the document's member order.
    assert_eq!(
        with_body(
            "$input.json('$.store.*')",
            r#"{"store": {"zeta": 1, "alpha": 2, "mid": 3}}"#
        ),
        "[1,2,3]"
    );
    // A missing definite path is null, and compares equal to "" and $null.
    assert_eq!(
        with_body(
            "#set($x = $input.path('$.missing'))[$x]#if($x == '')E#end#if(!$x)N#end",
            STORE
        ),
        "[]EN"
    );
    // Map keySet over JSON.
    assert_eq!(
        with_body("$input.path('$.store').keySet()", STORE),
        "[name, items, zeta, alpha, user-id]"
    );
    // Results are copies: changing them does not change the body.
    assert_eq!(
        with_body(
            "#set($s = $input.path('$.store'))#set($s.name = 'X')$s.name $input.path('$.store.name') $input.json('$.store.name')",
            STORE
        ),
        "X Pets \"Pets\""
    );
}

#[test]
fn invalid_json_path_is_an_error() {
    let e = err("$input.path('$.a[')", "{}");
    assert!(e.to_string().starts_with("invalid JSONPath '$.a['"), "{e}");
    assert!(matches!(
        err("$input.json('$$')", "{}"),
        RenderError::Runtime {
            line: 1,
            column: 1,
            ..
        }
    ));
}

#[test]
fn input_params() {
    let mut ctx = Context::default();
    ctx.input.path.push(("id".into(), "p-id".into()));
    ctx.input.querystring.push(("id".into(), "q-id".into()));
    ctx.input.querystring.push(("q".into(), "search".into()));
    ctx.input.header.push(("id".into(), "h-id".into()));
    ctx.input
        .header
        .push(("Content-Type".into(), "application/json".into()));
    let out = |t: &str| render_ctx(t, &ctx);
    assert_eq!(out("$input.params('id')"), "p-id");
    assert_eq!(out("$input.params('q')"), "search");
    assert_eq!(
        out("$input.params('Content-Type') $input.params('content-type')"),
        "application/json application/json"
    );
    assert_eq!(out("[$input.params('missing')]"), "[]");
    assert_eq!(
        out("$input.params().querystring.q $input.params().header.get('id') $input.params().path"),
        "search h-id {id=p-id}"
    );
    assert_eq!(
        out("$input.params().keySet()"),
        "[path, querystring, header]"
    );
    assert_eq!(
        out(
            "#foreach($h in $input.params().header.keySet())$h=$input.params().header.get($h);#end"
        ),
        "id=h-id;Content-Type=application/json;"
    );
}

// ------------------------------------------------------------------ $util

#[test]
fn util_functions() {
    assert_eq!(
        r(r#"$util.escapeJavaScript("a'b\"c/d")"#),
        r#"a\'b\\\"c\/d"#
    );
    assert_eq!(r("[$util.escapeJavaScript($nothing)]"), "[]");
    assert_eq!(r("$util.urlEncode('a b&c=d/é')"), "a+b%26c%3Dd%2F%C3%A9");
    assert_eq!(
        r("$util.urlDecode('a+b%26c%3Dd%2F%C3%A9%2B')"),
        "a b&c=d/é+"
    );
    assert_eq!(r("$util.base64Encode('hello world')"), "aGVsbG8gd29ybGQ=");
    assert_eq!(r("$util.base64Decode('aGVsbG8gd29ybGQ=')"), "hello world");
    assert!(matches!(
        err("$util.base64Decode('***')", ""),
        RenderError::Runtime { .. }
    ));
    assert_eq!(
        r(r#"#set($o = $util.parseJson('{"a": {"b": [1, 2]}}'))$o.a.b[1] $o.a"#),
        r#"2 {b=[1,2]}"#
    );
    assert_eq!(r("#set($o = $util.parseJson('[1, 2]'))$o.size()"), "2");
    assert_eq!(r("#set($o = $util.parseJson('\"s\"'))$o"), "s");
    assert_eq!(r("[$util.parseJson('not json')]"), "[]");
    assert_eq!(r("$util.escapeJavaScript(5)"), "5");
}

// ------------------------------------------------------------------ $context and $stageVariables

fn full_context() -> Context {
    let mut ctx = Context::default();
    let c = &mut ctx.request;
    c.request_id = Some("req-1".into());
    c.api_id = Some("abc123".into());
    c.account_id = Some("123456789012".into());
    c.http_method = Some("POST".into());
    c.resource_path = Some("/things/{id}".into());
    c.path = Some("/prod/things/7".into());
    c.stage = Some("prod".into());
    c.request_time = Some("09/Apr/2015:12:34:56 +0000".into());
    c.request_time_epoch = Some(1428582896000);
    c.identity.source_ip = Some("203.0.113.9".into());
    c.identity.user_agent = Some("curl/8".into());
    c.authorizer.claims = vec![
        ("sub".into(), "user-sub-1".into()),
        ("email".into(), "ada@example.com".into()),
        ("custom:role".into(), "admin".into()),
    ];
    c.authorizer.principal_id = Some("principal".into());
    c.authorizer.context = vec![("tier".into(), "gold".into())];
    c.extra = vec![(
        "error".into(),
        serde_json::json!({"message": "Oops", "messageString": "\"Oops\""}),
    )];
    ctx.stage_variables = vec![
        ("host".into(), "example.com".into()),
        ("name".into(), "staging".into()),
    ];
    ctx
}

#[test]
fn context_variables() {
    let ctx = full_context();
    let out = |t: &str| render_ctx(t, &ctx);
    assert_eq!(out("$context.requestId"), "req-1");
    assert_eq!(
        out("$context.apiId $context.accountId"),
        "abc123 123456789012"
    );
    assert_eq!(
        out("$context.httpMethod $context.resourcePath $context.path $context.stage"),
        "POST /things/{id} /prod/things/7 prod"
    );
    assert_eq!(
        out("$context.requestTime|$context.requestTimeEpoch"),
        "09/Apr/2015:12:34:56 +0000|1428582896000"
    );
    assert_eq!(
        out("$context.identity.sourceIp $context.identity.userAgent [$context.identity.caller]"),
        "203.0.113.9 curl/8 []"
    );
    assert_eq!(out("$context.authorizer.claims.sub"), "user-sub-1");
    assert_eq!(out("$context.authorizer.claims['custom:role']"), "admin");
    assert_eq!(
        out("$context.authorizer.claims.get('email')"),
        "ada@example.com"
    );
    assert_eq!(
        out("$context.authorizer.principalId $context.authorizer.tier"),
        "principal gold"
    );
    assert_eq!(out("$context.error.messageString"), "\"Oops\"");
    assert_eq!(out("[$context.domainName]"), "[]");
    assert_eq!(out("$context['stage'] ${context.stage}"), "prod prod");
}

#[test]
fn stage_variables() {
    let ctx = full_context();
    let out = |t: &str| render_ctx(t, &ctx);
    assert_eq!(out("$stageVariables.host"), "example.com");
    assert_eq!(out("$stageVariables['name']"), "staging");
    assert_eq!(out("${stageVariables['name']}"), "staging");
    assert_eq!(
        out("http://${stageVariables.host}/path"),
        "http://example.com/path"
    );
    assert_eq!(
        out("#foreach($k in $stageVariables.keySet())$k=$stageVariables.get($k);#end"),
        "host=example.com;name=staging;"
    );
    assert_eq!(
        out("#foreach($e in $stageVariables.entrySet())$e.key;#end"),
        "host;name;"
    );
    assert_eq!(out("[$stageVariables.missing]"), "[]");
}

/// The two templates of the seed data must render valid JSON with claims.
#[test]
fn seed_templates_render_valid_json() {
    let ctx = full_context();
    let a = render_ctx(
        r#"{ "context" : { "sub" : "$context.authorizer.claims.sub", "email" : "$context.authorizer.claims.email" } }"#,
        &ctx,
    );
    let v: serde_json::Value = serde_json::from_str(&a).expect("valid JSON");
    assert_eq!(v["context"]["sub"], "user-sub-1");
    assert_eq!(v["context"]["email"], "ada@example.com");

    let b = render_ctx(
        r#"{ "context" : { "role" : "$context.authorizer.claims['custom:role']" } }"#,
        &ctx,
    );
    let v: serde_json::Value = serde_json::from_str(&b).expect("valid JSON");
    assert_eq!(v["context"]["role"], "admin");

    // Without an authorizer the claims are empty strings, still valid JSON.
    let none = render_ctx(
        r#"{ "context" : { "role" : "$context.authorizer.claims['custom:role']" } }"#,
        &Context::default(),
    );
    let v: serde_json::Value = serde_json::from_str(&none).expect("valid JSON");
    assert_eq!(v["context"]["role"], "");
}

// ------------------------------------------------------------------ overrides

#[test]
fn overrides_are_read_back() {
    let t = Template::parse(
        r#"#set($context.requestOverride.header.x = "1")
#set($context.requestOverride.querystring.q = ["a", "b"])
#set($context.requestOverride.path.id = 42)
#set($context.requestOverride.custom = {"k": "v"})
#set($context.responseOverride.status = "404")
#set($context.responseOverride.header.h = "v")
#set($context.responseOverride.custom = 5)"#,
    )
    .expect("parses");
    let out = t.render(&Context::default()).expect("renders");
    assert_eq!(out.body, "");
    let o = out.overrides;
    assert_eq!(
        o.request.header,
        vec![("x".to_string(), vec!["1".to_string()])]
    );
    assert_eq!(
        o.request.querystring,
        vec![("q".to_string(), vec!["a".to_string(), "b".to_string()])]
    );
    assert_eq!(o.request.path, vec![("id".to_string(), "42".to_string())]);
    assert_eq!(
        o.request.extra,
        vec![("custom".to_string(), serde_json::json!({"k": "v"}))]
    );
    assert_eq!(o.response.status, Some(404));
    assert_eq!(
        o.response.header,
        vec![("h".to_string(), vec!["v".to_string()])]
    );
    assert_eq!(
        o.response.extra,
        vec![("custom".to_string(), serde_json::json!(5))]
    );
}

#[test]
fn invalid_status_overrides_are_ignored() {
    for value in ["99", "600", "'abc'", "4.5", "true"] {
        let t = Template::parse(&format!("#set($context.responseOverride.status = {value})"))
            .expect("parses");
        let out = t.render(&Context::default()).expect("renders");
        assert_eq!(out.overrides.response.status, None, "{value}");
    }
}

#[test]
fn overrides_carry_into_the_next_template() {
    let request = Template::parse(
        "#set($context.responseOverride.status = 444)#set($context.responseOverride.custom = 'kept')",
    )
    .expect("parses");
    let first = request.render(&Context::default()).expect("renders");
    let response =
        Template::parse("$context.responseOverride.status $context.responseOverride.custom")
            .expect("parses");
    let ctx = Context {
        overrides: first.overrides,
        ..Context::default()
    };
    let second = response.render(&ctx).expect("renders");
    assert_eq!(second.body, "444 kept");
    assert_eq!(second.overrides.response.status, Some(444));
}

#[test]
fn overrides_survive_aliasing_and_replacement() {
    let t = Template::parse(
        "#set($h = $context.requestOverride.header)#set($h.a = 'via alias')\
         #set($context.responseOverride = {'status': 201})",
    )
    .expect("parses");
    let out = t.render(&Context::default()).expect("renders");
    assert_eq!(
        out.overrides.request.header,
        vec![("a".to_string(), vec!["via alias".to_string()])]
    );
    assert_eq!(out.overrides.response.status, Some(201));
}

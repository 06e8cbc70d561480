//! Every limit ends rendering with a clear error: never a hang, never a panic.

use std::time::{Duration, Instant};

use vtl::{Context, Limits, RenderError, Template};

/// The default limits without the wall-clock budget: these tests expect a step, loop, output
/// or depth limit, which must not depend on how fast the machine is.
fn steps_only() -> Limits {
    Limits {
        max_duration: None,
        ..Limits::default()
    }
}

fn parse(template: &str) -> Template {
    Template::parse_with(template, steps_only())
        .unwrap_or_else(|e| panic!("parse {template:?}: {e}"))
}

fn render(template: &str) -> Result<String, RenderError> {
    parse(template).render(&Context::default()).map(|r| r.body)
}

#[test]
fn a_thousand_iterations_are_allowed_one_more_is_not() {
    let ok = render("#foreach($i in [1..1000])x#end").expect("1000 iterations render");
    assert_eq!(ok.len(), 1000);
    let e = render("#set($n = 1001)\n  #foreach($i in [1..$n])x#end").expect_err("1001 iterations");
    assert_eq!(
        e,
        RenderError::LoopLimit {
            line: 2,
            column: 3,
            limit: 1000
        }
    );
    assert_eq!(
        e.to_string(),
        "#foreach at 2:3 exceeded the limit of 1000 iterations"
    );
    // A #break before the limit is fine.
    let out =
        render("#foreach($i in [1..5000])$i#if($i == 3)#break#end#end").expect("breaks early");
    assert_eq!(out, "123");
    // The limit applies to maps and to JSON arrays alike.
    let mut ctx = Context::default();
    ctx.input.body = format!("[{}]", vec!["1"; 1001].join(","));
    let t = parse("#foreach($x in $input.path('$'))#end");
    assert!(matches!(t.render(&ctx), Err(RenderError::LoopLimit { .. })));
}

#[test]
fn nested_loops_hit_the_step_budget() {
    assert_eq!(Limits::default().max_steps, 2_000_000);
    // A tenth of the default budget: the same outcome, a tenth of the time (and no clock).
    let limits = Limits {
        max_steps: 200_000,
        ..steps_only()
    };
    let render = |template: &str| {
        Template::parse_with(template, limits.clone())
            .expect("parses")
            .render(&Context::default())
            .map(|r| r.body)
    };
    let e = render("#foreach($a in [1..1000])#foreach($b in [1..1000])#set($x = $b)#end#end")
        .expect_err("a million iterations");
    assert_eq!(e, RenderError::StepLimit { limit: 200_000 });
    assert_eq!(
        e.to_string(),
        "rendering exceeded the step budget of 200000 steps"
    );
    let e = render(
        "#foreach($a in [1..1000])#foreach($b in [1..1000])#foreach($c in [1..1000])#end#end#end",
    )
    .expect_err("a billion iterations");
    assert!(matches!(e, RenderError::StepLimit { .. }), "{e:?}");
    // A macro looping inside a loop is bounded too.
    let e = render(
        "#macro(m)#foreach($i in [1..1000])#set($x = $i)#end#end#foreach($j in [1..1000])#m()#end",
    )
    .expect_err("macro in a loop");
    assert!(matches!(e, RenderError::StepLimit { .. }), "{e:?}");
}

#[test]
fn template_size_limit() {
    let exactly = "x".repeat(300 * 1024);
    assert!(Template::parse(&exactly).is_ok());
    let over = "x".repeat(300 * 1024 + 1);
    let e = Template::parse(&over).expect_err("too large");
    assert_eq!(
        e.message,
        "template is 307201 bytes, more than the limit of 307200 bytes"
    );
}

#[test]
fn huge_output_is_refused() {
    // A string doubling itself passes 10 MiB quickly.
    let e = render("#set($s = 'xxxxxxxxxx')#foreach($i in [1..40])#set($s = \"$s$s\")#end$s")
        .expect_err("doubling string");
    assert_eq!(
        e,
        RenderError::OutputLimit {
            limit: 10 * 1024 * 1024
        }
    );
    // Printing a 1 MiB string twenty times passes it too.
    let e = render(
        "#set($s = 'x')#foreach($i in [1..20])#set($s = \"$s$s\")#end#foreach($i in [1..20])$s#end",
    )
    .expect_err("big output");
    assert!(matches!(e, RenderError::OutputLimit { .. }), "{e:?}");
    // And the other ways of growing strings.
    for t in [
        "#set($s = 'x')#set($s = $s.repeat(20000000))",
        "#set($s = 'xxxxxxxxxx')#foreach($i in [1..30])#set($s = $s.concat($s))#end",
        "#set($s = 'xxxxxxxxxx')#foreach($i in [1..30])#set($s = $s + $s)#end",
        "#set($s = 'xxxxxxxxxx')#foreach($i in [1..30])#set($s = $s.replace('x', 'xx'))#end",
        "#set($s = 'xxxxxxxxxx')#foreach($i in [1..30])#set($s = $s.replaceAll('x', 'xx'))#end",
    ] {
        let e = render(t).expect_err(t);
        assert!(
            matches!(
                e,
                RenderError::OutputLimit { .. } | RenderError::StepLimit { .. }
            ),
            "{t}: {e:?}"
        );
    }
}

#[test]
fn collections_cannot_explode() {
    // addAll doubling a list is charged per element.
    let e = render("#set($l = [1])#foreach($i in [1..64])#set($d = $l.addAll($l))#end$l.size()")
        .expect_err("doubling list");
    assert!(matches!(e, RenderError::StepLimit { .. }), "{e:?}");
    let e = render("#set($r = [1..1000000000])").expect_err("huge range");
    assert_eq!(
        e.to_string(),
        "range [1..1000000000] has more than 100000 elements at 1:11"
    );
}

#[test]
fn recursion_is_bounded() {
    let e = render("#macro(r)#r()#end#r()").expect_err("recursive macro");
    assert!(
        matches!(e, RenderError::DepthLimit { limit: 128, .. }),
        "{e:?}"
    );
    let e = render("#define($a)$a#end$a").expect_err("recursive define");
    assert!(matches!(e, RenderError::DepthLimit { .. }), "{e:?}");
    let e = render("#macro(r $n)#set($m = $n + 1)#r($m)#end#r(1)").expect_err("recursive macro");
    assert!(
        e.to_string().starts_with("nesting deeper than 128 levels"),
        "{e}"
    );
    // Parse-time nesting.
    let deep_if = "#if(true)".repeat(100) + &"#end".repeat(100);
    let e = Template::parse(&deep_if).expect_err("deep #if");
    assert!(
        e.message.starts_with("nesting deeper than 64 levels"),
        "{}",
        e.message
    );
    let deep_parens = format!("#set($x = {}1{})", "(".repeat(5000), ")".repeat(5000));
    assert!(Template::parse(&deep_parens).is_err());
    let deep_not = format!("#if({}true)#end", "!".repeat(5000));
    assert!(Template::parse(&deep_not).is_err());
    let deep_strings = "#set($x = \"$x".repeat(200);
    assert!(Template::parse(&deep_strings).is_err());
}

#[test]
fn cyclic_values_do_not_hang() {
    assert_eq!(
        render("#set($l = [])#set($d = $l.add($l))$l").expect("self-reference prints like Java"),
        "[(this Collection)]"
    );
    let e = render("#set($a = [])#set($b = [$a])#set($d = $a.add($b))$a").expect_err("cycle");
    assert!(e.to_string().contains("nested deeper than"), "{e}");
    let e = render("#set($m = {})#set($m.self = [$m])#if($m == $m.self[0])same#end$m.toString()")
        .expect_err("cycle");
    assert!(matches!(e, RenderError::Runtime { .. }), "{e:?}");
    // Equality of two distinct cyclic structures is bounded too.
    let e = render("#set($a = [])#set($d = $a.add([$a]))#set($b = [])#set($d = $b.add([$b]))#if($a == $b)x#end")
        .expect_err("cyclic equality");
    assert!(matches!(e, RenderError::Runtime { .. }), "{e:?}");
}

#[test]
fn deeply_nested_values_drop_without_overflowing() {
    // 300,000 levels of maps: dropping them must not recurse.
    let out = render("#set($m = {})#foreach($i in [1..1000])#foreach($j in [1..300])#set($m = {'a': $m})#end#end done")
        .expect("renders");
    assert_eq!(out, " done");
}

#[test]
fn time_budget() {
    let limits = Limits {
        max_duration: Some(Duration::ZERO),
        ..Limits::default()
    };
    let t =
        Template::parse_with("#foreach($i in [1..1000])#set($x = $i)#end", limits).expect("parses");
    assert!(matches!(
        t.render(&Context::default()),
        Err(RenderError::TimeLimit { .. })
    ));
}

#[test]
fn custom_limits() {
    let limits = Limits {
        max_foreach_iterations: 3,
        max_output_bytes: 10,
        max_template_bytes: 40,
        ..Limits::default()
    };
    let t = Template::parse_with("#foreach($i in [1..4])#end", limits.clone()).expect("parses");
    assert!(matches!(
        t.render(&Context::default()),
        Err(RenderError::LoopLimit { limit: 3, .. })
    ));
    let t = Template::parse_with("#foreach($i in [1..3])xxxx#end", limits.clone()).expect("parses");
    assert_eq!(
        t.render(&Context::default()),
        Err(RenderError::OutputLimit { limit: 10 })
    );
    assert!(Template::parse_with(&"x".repeat(41), limits).is_err());
}

#[test]
fn catastrophic_regex_terminates() {
    let start = Instant::now();
    let t = "#set($s = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!')#set($r = $s.matches('(a|a)*(?=x)\\1'))[$r]";
    let result = render(t);
    assert!(
        matches!(result, Ok(_) | Err(RenderError::Runtime { .. })),
        "{result:?}"
    );
    assert!(start.elapsed() < Duration::from_secs(30));
}

#[test]
fn big_bodies_stay_within_budget() {
    // A 1 MB body read once, navigated and serialised, is fine.
    let items: Vec<String> = (0..20_000)
        .map(|i| format!(r#"{{"id":{i},"name":"item number {i}","tags":["a","b"]}}"#))
        .collect();
    let mut ctx = Context::default();
    ctx.input.body = format!(r#"{{"items":[{}]}}"#, items.join(","));
    let t = parse(
        "#set($root = $input.path('$'))$root.items.size() $input.path('$.items[19999].name') $input.json('$').length()",
    );
    let out = t.render(&ctx).expect("renders").body;
    assert!(out.starts_with("20000 item number 19999 "), "{out}");
    // Rescanning it in a loop runs out of budget instead of running for minutes.
    let t = parse("#foreach($i in [1..1000])$input.json('$..name').length()#end");
    assert!(matches!(t.render(&ctx), Err(RenderError::StepLimit { .. })));
}

#[test]
fn shared_sub_values_cannot_explode() {
    // Sixty doublings: 2^60 leaves reachable through shared references, built in 60 steps.
    let build = "#set($a = [1])#foreach($i in [1..60])#set($a = [$a, $a])#end";
    let start = Instant::now();
    let e = render(&format!("{build}$a")).expect_err("printing 2^60 leaves");
    assert!(e.to_string().contains("too large to print"), "{e}");
    let e = render(&format!(
        "{build}#set($b = [1])#foreach($i in [1..60])#set($b = [$b, $b])#end#if($a == $b)x#end"
    ))
    .expect_err("comparing 2^60 leaves");
    assert!(matches!(e, RenderError::Runtime { .. }), "{e:?}");
    let e = render(&format!(
        "{build}#set($b = [1])#foreach($i in [1..60])#set($b = [$b, $b])#end#set($l = [$a])$l.contains($b)"
    ))
    .expect_err("contains on 2^60 leaves");
    assert!(matches!(e, RenderError::Runtime { .. }), "{e:?}");
    // Assigned to an override, it is cut short rather than expanded.
    let t = parse(&format!(
        "{build}#set($context.requestOverride.custom = $a)"
    ));
    let out = t.render(&Context::default()).expect("renders");
    assert_eq!(out.overrides.request.extra.len(), 1);
    assert!(start.elapsed() < Duration::from_secs(60));
}

#[test]
fn render_with_applies_the_given_limits() {
    let t = parse("#foreach($i in [1..1000])#set($x = $i)#end$x");
    let small = Limits {
        max_steps: 500,
        ..steps_only()
    };
    assert_eq!(
        t.render_with(&Context::default(), &small),
        Err(RenderError::StepLimit { limit: 500 })
    );
    assert_eq!(t.render(&Context::default()).expect("renders").body, "1000");
}

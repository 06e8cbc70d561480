//! Property test without extra tooling: thousands of random and mutated templates, from a seeded
//! PRNG over a grammar of VTL tokens, go through `parse` + `render`. None may panic, and every
//! one must finish quickly (the limits guarantee termination).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use vtl::{Context, Limits, Template};

/// SplitMix64: small, seedable, good enough to explore.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const TOKENS: &[&str] = &[
    "#set(",
    "#set($a = ",
    "#set($s = \"$s$s\")",
    "#set($l = [$l, $l])",
    "$a",
    "$b",
    "$s",
    "$l",
    "$m",
    "$!a",
    "${a}",
    "$!{b}",
    "$input.path('$')",
    "$input.path('$.items')",
    "$input.json('$.items[*].id')",
    "$input.json('$..name')",
    "$input.params('x')",
    "$input.params().header",
    "$input.body",
    "$util.parseJson($input.body)",
    "$util.escapeJavaScript($a)",
    "$util.urlEncode($s)",
    "$util.base64Decode($s)",
    "$context.requestOverride.header.h",
    "$context.authorizer.claims['custom:role']",
    "$context.responseOverride.status",
    "$stageVariables.v",
    "=",
    " = ",
    ")",
    "(",
    "#if(",
    "#elseif(",
    "#else",
    "#end",
    "#{end}",
    "#foreach(",
    "#foreach($i in ",
    " in ",
    "[1..3]",
    "[1..2000]",
    "[3..1]",
    "#break",
    "#stop",
    "#define($d)",
    "$d",
    "#macro(m $x)",
    "#m(",
    "#m($a)",
    "##",
    "## comment\n",
    "#*",
    "*#",
    "#[[",
    "]]#",
    "\"",
    "'",
    "$!",
    "${",
    "}",
    "{",
    "[",
    "]",
    ",",
    ":",
    ".",
    "..",
    "+",
    "-",
    "*",
    "/",
    "%",
    "==",
    "!=",
    "<",
    ">=",
    "&&",
    "||",
    "!",
    " and ",
    " not ",
    "true",
    "false",
    "null",
    "1",
    "0",
    "-1",
    "2.5",
    "1e3",
    "\\",
    "\\$a",
    "\\#if",
    "\n",
    " ",
    "\t",
    "text",
    "{\"k\": \"v\"}",
    "$foreach.hasNext",
    "$foreach.index",
    "$velocityCount",
    ".size()",
    ".get(0)",
    ".get(-1)",
    "[0]",
    "['k']",
    ".add($a)",
    ".put('k', $a)",
    ".keySet()",
    ".entrySet()",
    ".substring(1)",
    ".substring(5, 1)",
    ".split(',')",
    ".replaceAll('a+', '$0$0')",
    ".replaceAll('(', 'x')",
    ".matches('.*')",
    ".toString()",
    ".length()",
    ".contains('a')",
    "é",
    "😀",
    "#",
    "$",
    "'a,b,,c'",
    "\"$a-$b\"",
    "#set($m = {})",
    "#set($m.k = $m)",
    "#set($l = [])",
];

fn random_template(rng: &mut Rng) -> String {
    let n = 1 + rng.below(60);
    (0..n).map(|_| rng.pick(TOKENS)).collect()
}

const SEEDS: &[&str] = &[
    r##"#set($inputRoot = $input.path('$'))
[
#foreach($elem in $inputRoot.items)
  {
    "description" : "Item $elem.id is a $elem.name.",
    "tags" : $elem.tags
  }#if($foreach.hasNext),#end
#end
]"##,
    r##"{ "context" : { "sub" : "$context.authorizer.claims.sub", "role" : "$context.authorizer.claims['custom:role']" } }"##,
    r##"#set($result = $input.path("$.nonExisting")){"body": $result, "isNull": #if($result == $null)"true"#else"false"#end}"##,
    r##"#define( $loop )
{
#foreach($key in $map.keySet())
  "$util.escapeJavaScript($key)": "$util.escapeJavaScript($map.get($key)).replaceAll("\\'","'")"#if($foreach.hasNext),#end
#end
}
#end
#set($map = $input.params().header)
{"headers": $loop, "body": $input.json('$')}"##,
    r##"#macro(row $x $y)<$x:$y>#end#foreach($i in [1..5])#row($i, "$i$i")#end
#set($context.requestOverride.header.multi = [$a, "b"])
#if($input.params('x') == "1" && !$nothing)one#elseif($a > 2)two#{else}three#end"##,
];

/// Mutates a template: delete, duplicate or swap random character ranges, or splice tokens in.
fn mutate(rng: &mut Rng, seed: &str) -> String {
    let mut chars: Vec<char> = seed.chars().collect();
    for _ in 0..1 + rng.below(6) {
        let len = chars.len().max(1);
        let at = rng.below(len).min(chars.len());
        match rng.below(4) {
            0 => {
                let end = (at + rng.below(8)).min(chars.len());
                chars.drain(at..end);
            }
            1 => {
                let end = (at + rng.below(16)).min(chars.len());
                let piece: Vec<char> = chars[at..end].to_vec();
                let to = rng.below(chars.len() + 1);
                chars.splice(to..to, piece);
            }
            2 => {
                let token: Vec<char> = rng.pick(TOKENS).chars().collect();
                chars.splice(at..at, token);
            }
            _ => {
                if chars.len() > 1 {
                    let other = rng.below(chars.len());
                    let last = chars.len() - 1;
                    chars.swap(at.min(last), other);
                }
            }
        }
    }
    chars.into_iter().collect()
}

fn context() -> Context {
    let mut ctx = Context::default();
    ctx.input.body =
        r#"{"items":[{"id":1,"name":"a","tags":["x"]},{"id":2,"name":"b","tags":[]}],"s":"a,b"}"#
            .into();
    ctx.input.querystring.push(("x".into(), "1".into()));
    ctx.input.header.push(("h".into(), "v".into()));
    ctx.request.authorizer.claims = vec![
        ("sub".into(), "s".into()),
        ("custom:role".into(), "r".into()),
    ];
    ctx.stage_variables.push(("v".into(), "stage".into()));
    ctx
}

fn limits() -> Limits {
    Limits {
        max_steps: 50_000,
        max_output_bytes: 256 * 1024,
        max_duration: Some(Duration::from_secs(2)),
        ..Limits::default()
    }
}

/// Parses and renders one template; panics (with the template) if the engine panics or takes
/// too long.
fn check(template: &str, ctx: &Context, stats: &mut Stats) {
    let start = Instant::now();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        match Template::parse_with(template, limits()) {
            Ok(t) => match t.render(ctx) {
                Ok(_) => Outcome::Rendered,
                Err(_) => Outcome::RenderError,
            },
            Err(_) => Outcome::ParseError,
        }
    }));
    let elapsed = start.elapsed();
    match outcome {
        Ok(o) => stats.count(o),
        Err(_) => panic!("the engine panicked on template {template:?}"),
    }
    assert!(
        elapsed < Duration::from_secs(10),
        "template took {elapsed:?}: {template:?}"
    );
    stats.slowest = stats.slowest.max(elapsed);
}

enum Outcome {
    ParseError,
    RenderError,
    Rendered,
}

#[derive(Default, Debug)]
struct Stats {
    parse_errors: usize,
    render_errors: usize,
    rendered: usize,
    slowest: Duration,
}

impl Stats {
    fn count(&mut self, o: Outcome) {
        match o {
            Outcome::ParseError => self.parse_errors += 1,
            Outcome::RenderError => self.render_errors += 1,
            Outcome::Rendered => self.rendered += 1,
        }
    }
}

#[test]
fn random_token_templates_never_panic() {
    let ctx = context();
    let mut rng = Rng(0x5EED_0001);
    let mut stats = Stats::default();
    for _ in 0..2500 {
        let t = random_template(&mut rng);
        check(&t, &ctx, &mut stats);
    }
    // The grammar is rich enough that all three outcomes happen.
    assert!(
        stats.parse_errors > 0 && stats.render_errors > 0 && stats.rendered > 0,
        "{stats:?}"
    );
    eprintln!("random templates: {stats:?}");
}

#[test]
fn mutated_templates_never_panic() {
    let ctx = context();
    let mut rng = Rng(0x5EED_0002);
    let mut stats = Stats::default();
    for i in 0..1500 {
        let seed = SEEDS[i % SEEDS.len()];
        let t = mutate(&mut rng, seed);
        check(&t, &ctx, &mut stats);
    }
    // The unmutated seeds render.
    for seed in SEEDS {
        let t = Template::parse(seed).unwrap_or_else(|e| panic!("seed does not parse: {e}"));
        t.render(&ctx)
            .unwrap_or_else(|e| panic!("seed does not render: {e}"));
    }
    assert!(stats.rendered > 0, "{stats:?}");
    eprintln!("mutated templates: {stats:?}");
}

#[test]
fn random_bytes_never_panic() {
    let ctx = context();
    let mut rng = Rng(0x5EED_0003);
    let mut stats = Stats::default();
    let alphabet: Vec<char> = "$#!{}[]()'\".,:=<>&|*/%+-\\ \n\tabcxyz019_@é😀"
        .chars()
        .collect();
    for _ in 0..1500 {
        let n = rng.below(80);
        let t: String = (0..n)
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect();
        check(&t, &ctx, &mut stats);
    }
    eprintln!("random characters: {stats:?}");
}

/// Hand-written adversarial shapes that stress the stack: every one must end in an error or a
/// result on a normal (2 MiB) test thread.
#[test]
fn adversarial_nesting_is_safe() {
    let ctx = context();
    let mut stats = Stats::default();
    let deep_expr = format!("{}1{}", "(".repeat(55), ")".repeat(55));
    let cases = [
        format!("#macro(r)#if(true)#set($x = {deep_expr})#r()#end#end#r()"),
        "#define($a)#set($x = \"$a\")#end$a".to_string(),
        format!("#define($a)$x.substring({deep_expr})$a#end#set($x = 'abc')$a"),
        format!("{}x{}", "#if(true)".repeat(63), "#end".repeat(63)),
        format!(
            "{}$i{}",
            "#foreach($i in [1..2])".repeat(60),
            "#end".repeat(60)
        ),
        format!("#set($x = {}1{})", "[".repeat(60), "]".repeat(60)),
        format!("#set($x = {}1{})", "{'a': ".repeat(60), "}".repeat(60)),
        format!("$a{}", "[0]".repeat(5000)),
        format!("$a{}", ".b".repeat(20000)),
        format!("$a{}", ".b()".repeat(20000)),
        "$a[".repeat(20000),
        "#foo(".repeat(20000),
        "\"$a".repeat(20000),
        format!("[{}]", "1,".repeat(50000)),
        format!("#set($j = '{}')$util.parseJson($j)", "[".repeat(100_000)),
    ];
    for t in &cases {
        check(t, &ctx, &mut stats);
    }
    eprintln!("adversarial: {stats:?}");
}

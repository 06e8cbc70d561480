//! Language constructs: directives, references, literals, operators, whitespace handling, and
//! parse errors.

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

fn parse_err(template: &str) -> String {
    match Template::parse(template) {
        Ok(_) => panic!("{template:?} should not parse"),
        Err(e) => e.to_string(),
    }
}

fn render_err(template: &str) -> RenderError {
    let t = Template::parse(template).unwrap_or_else(|e| panic!("parse {template:?}: {e}"));
    match t.render(&Context::default()) {
        Ok(out) => panic!("{template:?} should fail, rendered {:?}", out.body),
        Err(e) => e,
    }
}

// ------------------------------------------------------------------ #set

#[test]
fn set_assigns_and_null_keeps_the_old_value() {
    assert_eq!(r("#set($a = 1)$a"), "1");
    assert_eq!(r("#set( $a = \"x\" )$a"), "x");
    assert_eq!(r("#set ($a=2)$a"), "2");
    assert_eq!(r("#{set}($a = 3)$a"), "3");
    assert_eq!(r("#set($a = \"x\")#set($a = $null)$a"), "x");
    assert_eq!(r("#set($a = \"x\")#set($a = $nothing.at.all)$a"), "x");
    assert_eq!(r("#set($a = \"x\")#set($a = $a.missing)$a"), "x");
    assert_eq!(r("#set($a = 1)#set($b = $a)#set($a = 2)$b"), "1");
}

#[test]
fn set_on_properties_and_indexes() {
    assert_eq!(r("#set($m = {})#set($m.k = \"v\")$m.k $m"), "v {k=v}");
    assert_eq!(r("#set($m = {})#set($m['a b'] = 1)$m"), "{a b=1}");
    assert_eq!(r("#set($l = [1, 2])#set($l[0] = 9)$l"), "[9, 2]");
    assert_eq!(r("#set($l = [1, 2])#set($l[-1] = 9)$l"), "[1, 9]");
    // A target under a null reference is ignored.
    assert_eq!(r("#set($nope.k = 1)ok"), "ok");
    // Maps are shared by reference, as Java objects are.
    assert_eq!(r("#set($a = {})#set($b = $a)#set($b.x = 1)$a"), "{x=1}");
}

// ------------------------------------------------------------------ whitespace

#[test]
fn directive_lines_swallow_their_newline_like_velocity_17() {
    assert_eq!(r("a\n#set($x = 1)\nb"), "a\nb");
    // #set also swallows the blanks in front of it.
    assert_eq!(r("a\n    #set($x = 1)\nb"), "a\nb");
    assert_eq!(r("#if(true)\nyes\n#end\nafter"), "yes\nafter");
    // Other directives keep their indentation (Velocity 1.7).
    assert_eq!(r("  #if(true)\n  yes\n  #end\nafter"), "    yes\n  after");
    assert_eq!(r("#if(false)\nno\n#else\nyes\n#end\n"), "yes\n");
    assert_eq!(r("#foreach($i in [1..2])\n$i\n#end\n"), "1\n2\n");
    // Only a line end is swallowed, not blanks before other text.
    assert_eq!(r("#if(true) x #end y"), " x  y");
    assert_eq!(r("#set($x = 1) x"), " x");
    assert_eq!(r("#if(true)x#end\r\ny"), "xy");
    assert_eq!(r("#set($x = 1)   \t\nz"), "z");
}

// ------------------------------------------------------------------ #if

#[test]
fn if_elseif_else() {
    let t = "#if($n == 1)one#elseif($n == 2)two#elseif($n > 2)many#else none#end";
    assert_eq!(r(&format!("#set($n = 1){t}")), "one");
    assert_eq!(r(&format!("#set($n = 2){t}")), "two");
    assert_eq!(r(&format!("#set($n = 7){t}")), "many");
    assert_eq!(r(t), " none");
    assert_eq!(r("#if( $x )a#{else}b#{end}"), "b");
    assert_eq!(r("#if(true)#if(false)a#else b#end#end"), " b");
}

#[test]
fn truthiness_follows_velocity() {
    assert_eq!(r("#if($undefined)t#else f#end"), " f");
    assert_eq!(r("#if(false)t#else f#end"), " f");
    assert_eq!(r("#if(\"\")t#else f#end"), "t");
    assert_eq!(r("#if(0)t#else f#end"), "t");
    assert_eq!(r("#if([])t#else f#end"), "t");
    assert_eq!(r("#if(!$undefined)t#end"), "t");
}

// ------------------------------------------------------------------ operators

#[test]
fn comparison_operators() {
    for (expr, expected) in [
        ("1 < 2", true),
        ("2 <= 2", true),
        ("3 > 4", false),
        ("4 >= 4", true),
        ("1 == 1.0", true),
        ("1 != 2", true),
        ("1 lt 2", true),
        ("2 le 1", false),
        ("3 gt 2", true),
        ("3 ge 3", true),
        ("'a' eq 'a'", true),
        ("'a' ne 'b'", true),
        ("\"1\" == 1", true),
        ("true == \"true\"", true),
        ("$null == $undefined", true),
        ("$undefined == \"\"", true),
        ("$undefined == 0", false),
        ("'a' < 'b'", false),
        ("[1, 2] == [1, 2]", true),
        ("{'a': 1} == {'a': 1}", true),
    ] {
        let out = r(&format!("#if({expr})T#{{else}}F#end"));
        assert_eq!(out, if expected { "T" } else { "F" }, "{expr}");
    }
}

#[test]
fn logic_operators() {
    for (expr, expected) in [
        ("true && false", false),
        ("true || false", true),
        ("!true", false),
        ("! false", true),
        ("true and true", true),
        ("false or true", true),
        ("not true", false),
        ("!($a == 1) && $b", false),
        ("1 < 2 && 2 < 3 || false", true),
        ("false && $undefined.x()", false),
    ] {
        let out = r(&format!("#set($a = 2)#if({expr})T#{{else}}F#end"));
        assert_eq!(out, if expected { "T" } else { "F" }, "{expr}");
    }
}

#[test]
fn arithmetic() {
    for (expr, expected) in [
        ("1 + 2 * 3", "7"),
        ("(1 + 2) * 3", "9"),
        ("7 / 2", "3"),
        ("-7 / 2", "-3"),
        ("7 % 3", "1"),
        ("-7 % 3", "-1"),
        ("7.0 / 2", "3.5"),
        ("2.5 * 2", "5.0"),
        ("0.1 + 0.2", "0.30000000000000004"),
        ("10 - 12", "-2"),
        ("5 - -2", "7"),
        ("-(3)", "-3"),
        ("1.5e3 + 1", "1501.0"),
        ("9223372036854775807 + 1", "9.223372036854776E18"),
        ("'a' + 1", "a1"),
        ("1 + 'a'", "1a"),
        ("'x' + 'y'", "xy"),
        ("$n + 1", "42"),
    ] {
        let out = r(&format!("#set($n = 41)#set($v = {expr})$v"));
        assert_eq!(out, expected, "{expr}");
    }
    // Division by zero and arithmetic on non-numbers are null (the variable stays unset).
    assert_eq!(r("#set($v = 1 / 0)[$v]"), "[]");
    assert_eq!(r("#set($v = 1 % 0)[$v]"), "[]");
    assert_eq!(r("#set($v = 'a' - 1)[$v]"), "[]");
    assert_eq!(r("#set($v = $nothing + 1)[$v]"), "[]");
}

// ------------------------------------------------------------------ literals

#[test]
fn literals() {
    assert_eq!(r("#set($v = [1, \"a\", true, 2.5])$v"), "[1, a, true, 2.5]");
    assert_eq!(r("#set($v = [])$v"), "[]");
    assert_eq!(
        r("#set($v = {\"a\": 1, 'b': [1, 2], \"c\": {\"d\": \"e\"}})$v"),
        "{a=1, b=[1, 2], c={d=e}}"
    );
    assert_eq!(r("#set($v = {})$v"), "{}");
    assert_eq!(r("#set($v = [1..3])$v"), "[1, 2, 3]");
    assert_eq!(r("#set($v = [3..1])$v"), "[3, 2, 1]");
    assert_eq!(r("#set($a = 2)#set($v = [$a..4])$v"), "[2, 3, 4]");
    // (#set swallows the blank in front of it.)
    assert_eq!(r("#set($v = true)$v #set($v = false)$v"), "truefalse");
    assert_eq!(r("#set($v = 1.0)$v"), "1.0");
    assert_eq!(r("#set($v = -5)$v"), "-5");
}

#[test]
fn strings_interpolate_in_double_quotes_only() {
    assert_eq!(r("#set($n = \"x\")#set($s = \"a $n b\")$s"), "a x b");
    assert_eq!(r("#set($n = \"x\")#set($s = 'a $n b')$s"), "a $n b");
    assert_eq!(r("#set($n = \"x\")#set($s = \"${n}y\")$s"), "xy");
    assert_eq!(r("#set($s = \"#if(true)yes#end\")$s"), "yes");
    assert_eq!(r("#set($s = \"price: $\")$s"), "price: $");
    assert_eq!(r("#set($s = \"$undefined\")[$s]"), "[]");
    // Velocity 1.7 keeps backslashes in string literals, except \uXXXX.
    assert_eq!(r(r#"#set($s = "a\"b")$s"#), r#"a\"b"#);
    assert_eq!(r(r#"#set($s = "\u0041\n")$s"#), r"A\n");
    assert_eq!(r(r#"#set($s = 'a\')$s"#), r"a\");
    // Interpolation produces strings.
    assert_eq!(r("#set($m = {'a': 1})#set($s = \"$m\")$s.length()"), "5");
}

// ------------------------------------------------------------------ references

#[test]
fn references_and_null_rendering() {
    assert_eq!(r("[$undefined]"), "[]");
    assert_eq!(r("[$!undefined]"), "[]");
    assert_eq!(r("[$undefined.foo.bar()]"), "[]");
    assert_eq!(r("#set($x = 'v')${x}y $!{x} $!x"), "vy v v");
    assert_eq!(r("#set($x = 'v')$x.toUpperCase().length()"), "1");
    // `.` is a property only when a letter follows it.
    assert_eq!(r("#set($x = 'v')$x. $x.1 $x._a"), "v. v.1 v._a");
    // Not a reference: plain text.
    assert_eq!(r("$ $1 $! ${ $!{ $.x"), "$ $1 $! ${ $!{ $.x");
    assert_eq!(r("#set($x = 'v')${x"), "${x");
    // Velocity 1.7 identifiers may contain '-' and '_'.
    assert_eq!(r("#set($a-b = 1)#set($c_d = 2)$a-b $c_d"), "1 2");
    // Index notation.
    assert_eq!(r("#set($l = ['a', 'b'])$l[0]$l[1]$l[-1]"), "abb");
    assert_eq!(
        r("#set($m = {'k': {'j': 'v'}})$m['k']['j'] $m.k['j'] $m['k'].j"),
        "v v v"
    );
    assert_eq!(r("#set($m = {'k': 'v'})#set($key = 'k')$m[$key]"), "v");
    // `[` that does not start an index is text.
    assert_eq!(r("#set($x = 'v')$x[ and $x[]"), "v[ and v[]");
}

#[test]
fn escapes() {
    assert_eq!(r("#set($x = 'v')\\$x \\\\$x \\\\\\$x"), "$x \\v \\$x");
    assert_eq!(r("\\#if(true) \\\\#if(true)x#end"), "#if(true) \\x");
    assert_eq!(r("a\\b \\n \\"), "a\\b \\n \\");
    assert_eq!(r("\\#notadirective"), "\\#notadirective");
}

#[test]
fn text_that_looks_like_vtl() {
    assert_eq!(r("color: #fff; # ; #1 #"), "color: #fff; # ; #1 #");
    assert_eq!(r("#unknown(1, 2) #unknown"), "#unknown(1, 2) #unknown");
    assert_eq!(
        r("#setx #set x #endif #elsewhere"),
        "#setx #set x #endif #elsewhere"
    );
    assert_eq!(r("{\"a\": \"#\"}"), "{\"a\": \"#\"}");
}

// ------------------------------------------------------------------ comments

#[test]
fn comments() {
    assert_eq!(r("a## line comment\nb"), "ab");
    assert_eq!(r("a#* block\n comment *#b"), "ab");
    assert_eq!(r("a#** doc *#b"), "ab");
    assert_eq!(r("x ##"), "x ");
    assert_eq!(r("#[[ $raw #if( ]]#"), " $raw #if( ");
}

// ------------------------------------------------------------------ #foreach

#[test]
fn foreach_over_lists_maps_and_ranges() {
    assert_eq!(r("#foreach($i in [1, 2, 3])$i,#end"), "1,2,3,");
    assert_eq!(r("#foreach( $i in [1..3] )$i#end"), "123");
    // Maps iterate their values.
    assert_eq!(r("#foreach($v in {'a': 1, 'b': 2})$v#end"), "12");
    assert_eq!(
        r("#set($m = {'a': 1, 'b': 2})#foreach($k in $m.keySet())$k#end"),
        "ab"
    );
    // Nothing to iterate: no output.
    assert_eq!(
        r("#foreach($i in $undefined)x#end|#foreach($i in 'abc')x#end|"),
        "||"
    );
    assert_eq!(r("#foreach($i in [])x#end."), ".");
}

#[test]
fn foreach_loop_variables() {
    assert_eq!(
        r(
            "#foreach($i in ['a', 'b', 'c'])$foreach.index$foreach.count$velocityCount$i#if($foreach.hasNext),#end#end"
        ),
        "011a,122b,233c"
    );
    assert_eq!(
        r(
            "#foreach($i in [1..3])#if($foreach.first)F#end#if($foreach.last)L#end$foreach.hasNext() #end"
        ),
        "Ftrue true Lfalse "
    );
    assert_eq!(
        r(
            "#foreach($a in [1..2])#foreach($b in [1..2])$foreach.parent.count$foreach.count #end#end"
        ),
        "11 12 21 22 "
    );
    // The loop variable (and $foreach) are restored after the loop.
    assert_eq!(
        r("#set($i = 'before')#foreach($i in [1..2])$i#end $i"),
        "12 before"
    );
    assert_eq!(r("#foreach($i in [1..2])#end[$i][$foreach]"), "[][]");
}

#[test]
fn foreach_break_and_stop() {
    assert_eq!(
        r("#foreach($i in [1..5])$i#if($i == 3)#break#end#end."),
        "123."
    );
    assert_eq!(
        r("#foreach($i in [1..2])#foreach($j in [1..5])$j#if($j == 2)#break#end#end;#end"),
        "12;12;"
    );
    assert_eq!(r("a#stop b"), "a");
    assert_eq!(
        r("#foreach($i in [1..5])$i#if($i == 2)#stop#end#end after"),
        "12"
    );
    assert_eq!(r("before#break after"), "before");
}

#[test]
fn foreach_sees_modifications_by_reference() {
    assert_eq!(
        r("#set($l = [1, 2])#foreach($i in [3..4])#set($d = $l.add($i))#end$l"),
        "[1, 2, 3, 4]"
    );
}

// ------------------------------------------------------------------ #define and #macro

#[test]
fn define_renders_where_referenced() {
    assert_eq!(
        r("#define($d)hello $name#end#set($name = 'x')$d"),
        "hello x"
    );
    assert_eq!(r("#define( $d )a#end#set($s = \"[$d]\")$s"), "[a]");
    let t = r##"#define( $loop )
{
#foreach($k in $map.keySet())
"$k": "$map.get($k)"#if($foreach.hasNext),#end
#end
}
#end
#set($map = {"a": "1", "b": "2"})
$loop"##;
    assert_eq!(r(t), "{\n\"a\": \"1\",\"b\": \"2\"}\n");
}

#[test]
fn macros() {
    assert_eq!(
        r("#macro(greet $who)Hi $who!#end#greet('Bob') #greet(\"Al\")"),
        "Hi Bob! Hi Al!"
    );
    assert_eq!(
        r("#macro(pair $a, $b)$a=$b#end#pair(1, 2) #pair(3 4)"),
        "1=2 3=4"
    );
    assert_eq!(r("#macro(noargs)x#end#noargs()#noargs( )"), "xx");
    // Called before its definition (Velocity registers macros while parsing).
    assert_eq!(r("#later('a')#macro(later $x)<$x>#end"), "<a>");
    // #set inside a macro writes the caller's variables; arguments are local.
    assert_eq!(
        r(
            "#macro(m $a)#set($out = \"$a!\")#set($a = 'changed')#end#set($a = 'orig')#m('in')$out $a"
        ),
        "in! orig"
    );
    // Missing arguments are null.
    assert_eq!(r("#macro(m $a $b)[$a][$b]#end#m('x')"), "[x][]");
    // A directive name is not a macro name.
    assert!(parse_err("#macro(if $a)x#end").contains("cannot be redefined"));
}

// ------------------------------------------------------------------ parse errors

#[test]
fn parse_errors_name_the_place() {
    assert_eq!(
        parse_err("a\nb\n#if(true)\nx"),
        "unclosed #if starting at 3:1"
    );
    assert_eq!(
        parse_err("1\n2\n3\n4\n5\n6\n    #end"),
        "unexpected #end at 7:5"
    );
    assert_eq!(
        parse_err("x #foreach($a in $b) y"),
        "unclosed #foreach starting at 1:3"
    );
    assert_eq!(parse_err("#else"), "unexpected #else at 1:1");
    assert_eq!(parse_err("  #elseif(true)"), "unexpected #elseif at 1:3");
    assert_eq!(
        parse_err("#if(1)#else#else#end"),
        "unexpected #else at 1:12"
    );
    assert_eq!(
        parse_err("#if(1)#else#elseif(2)#end"),
        "unexpected #elseif at 1:12"
    );
    assert_eq!(
        parse_err("#foreach($a in $b)#else#end"),
        "unexpected #else at 1:19"
    );
    assert_eq!(
        parse_err("#define($d)x"),
        "unclosed #define starting at 1:1"
    );
    assert_eq!(parse_err("#macro(m)x"), "unclosed #macro starting at 1:1");
    assert_eq!(
        parse_err("ok\n#* never closed"),
        "unclosed #* comment starting at 2:1"
    );
    assert_eq!(
        parse_err("#[[ raw"),
        "unclosed #[[ text block starting at 1:1"
    );
    assert_eq!(parse_err("#if $x"), "expected '(' after #if at 1:5");
    assert_eq!(
        parse_err("#if($x"),
        "expected ')' to close the #if condition at 1:7"
    );
    assert_eq!(
        parse_err("#set($a = )"),
        "unexpected ')' in an expression at 1:11"
    );
    assert_eq!(
        parse_err("#set(a = 1)"),
        "expected a reference after #set( at 1:6"
    );
    assert_eq!(parse_err("#set($a 1)"), "expected '=' in #set at 1:9");
    assert_eq!(
        parse_err("#set($a = \"abc)"),
        "unclosed string literal starting at 1:11"
    );
    assert_eq!(
        parse_err("$a.b(1,"),
        "unexpected end of template in an expression at 1:8"
    );
    assert_eq!(
        parse_err("$a.b(1 2)"),
        "expected ',' or ')' in the arguments of b() at 1:8"
    );
    assert_eq!(
        parse_err("#set($a.b() = 1)"),
        "the left side of #set cannot end with a method call at 1:1"
    );
    assert_eq!(
        parse_err("#foreach($a of $b)#end"),
        "expected 'in' in #foreach at 1:13"
    );
    assert_eq!(
        parse_err("#set($a = [1, 2)"),
        "expected ',' or ']' in a list at 1:16"
    );
    assert_eq!(
        parse_err("#set($a = {1 2})"),
        "expected ':' in a map at 1:14"
    );
    assert_eq!(
        parse_err("#set($a = 1 +)"),
        "unexpected ')' in an expression at 1:14"
    );
    assert_eq!(
        parse_err("#set($a = foo)"),
        "unexpected 'foo' in an expression at 1:11"
    );
    // Columns count characters, not bytes.
    assert_eq!(parse_err("é€\n  ü #end"), "unexpected #end at 2:5");
}

#[test]
fn parse_error_fields() {
    let e = Template::parse("\n\n  #end").expect_err("must fail");
    assert_eq!((e.line, e.column), (3, 3));
}

#[test]
fn templates_are_reusable_and_independent() {
    let t = Template::parse("#set($c = $c + 1)#if(!$c)#set($c = 1)#end$c").expect("parses");
    for _ in 0..3 {
        assert_eq!(t.render(&Context::default()).expect("renders").body, "1");
    }
    // A template can be shared between threads.
    let t = std::sync::Arc::new(Template::parse("$input.body").expect("parses"));
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let t = t.clone();
            std::thread::spawn(move || {
                let mut ctx = Context::default();
                ctx.input.body = format!("body{i}");
                t.render(&ctx).map(|r| r.body).unwrap_or_default()
            })
        })
        .collect();
    for (i, h) in handles.into_iter().enumerate() {
        assert_eq!(h.join().unwrap_or_default(), format!("body{i}"));
    }
}

#[test]
fn render_errors_name_the_place() {
    let e = render_err("#set($l = [])\n  $l.get(5)");
    assert_eq!(
        e.to_string(),
        "index 5 is out of bounds for a list of length 0 at 2:3"
    );
    let e = render_err("#set($l = [1])$l[3]");
    assert!(
        matches!(
            e,
            RenderError::Runtime {
                line: 1,
                column: 15,
                ..
            }
        ),
        "{e:?}"
    );
}

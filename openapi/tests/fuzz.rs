//! Property-based fuzzing of the importer with a fixed budget (so it runs in every `cargo
//! test`): arbitrary text, byte-level mutations of the test documents, and structural
//! mutations (a random subtree replaced). The reader must never panic; against PostgreSQL, an
//! import that fails must leave every table exactly as it was.
#![allow(clippy::unwrap_used)]

use openapi::{ImportMode, import, parse, read_definition};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Value;
use sqlx::PgPool;

mod common;
use common::*;

const PURE_CASES: u32 = 256;
const DB_CASES: usize = 32;

fn corpus() -> Vec<String> {
    vec![
        data("seed-cognito-user-pool.json"),
        seed_fixed(POOL_ARN),
        data("aws-export-petstore.json"),
        data("oas30-cognito.yaml"),
        data("proxy-any.json"),
        data("iam-and-lambda.json"),
    ]
}

/// Characters that matter to JSON and YAML syntax.
const INTERESTING: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "'",
    "\n",
    " ",
    "-",
    "#",
    "&a",
    "*a",
    "!",
    "|",
    ">",
    "$ref",
    "\\",
    "\u{0}",
    "é",
    "{proxy+}",
    "/",
    "x-amazon-apigateway-integration",
];

#[derive(Debug, Clone)]
enum Edit {
    Delete(Index, usize),
    Insert(Index, Index),
    Duplicate(Index, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<Index>(), 1usize..40).prop_map(|(i, n)| Edit::Delete(i, n)),
        (any::<Index>(), any::<Index>()).prop_map(|(i, c)| Edit::Insert(i, c)),
        (any::<Index>(), 1usize..200).prop_map(|(i, n)| Edit::Duplicate(i, n)),
    ]
}

fn apply_edits(text: &str, edits: &[Edit]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for e in edits {
        if bytes.is_empty() {
            break;
        }
        match e {
            Edit::Delete(at, n) => {
                let at = at.index(bytes.len());
                let end = (at + n).min(bytes.len());
                bytes.drain(at..end);
            }
            Edit::Insert(at, what) => {
                let at = at.index(bytes.len() + 1);
                let s = INTERESTING[what.index(INTERESTING.len())];
                bytes.splice(at..at, s.bytes());
            }
            Edit::Duplicate(at, n) => {
                let at = at.index(bytes.len());
                let end = (at + n).min(bytes.len());
                let slice = bytes[at..end].to_vec();
                bytes.splice(end..end, slice);
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Values to put in place of a subtree.
fn replacement(choice: usize) -> Value {
    match choice % 12 {
        0 => Value::Null,
        1 => Value::from(-1),
        2 => Value::from(1e300),
        3 => Value::from(""),
        4 => Value::from("lambda"),
        5 => serde_json::json!([]),
        6 => serde_json::json!({}),
        7 => serde_json::json!({"$ref": "#/definitions/Missing"}),
        8 => serde_json::json!({"$ref": "#"}),
        9 => Value::from("/{a}/{a}"),
        10 => serde_json::json!({"type": "http", "httpMethod": "GET", "uri": "http://x/{p}"}),
        _ => serde_json::json!([{"MyUserPool": ["a b"]}]),
    }
}

/// Replaces the `at`-th node (in document order) of `v` with `with`.
fn replace_nth(v: &mut Value, at: &mut usize, with: &Value) -> bool {
    if *at == 0 {
        *v = with.clone();
        return true;
    }
    *at -= 1;
    match v {
        Value::Array(items) => items.iter_mut().any(|i| replace_nth(i, at, with)),
        Value::Object(m) => m.values_mut().any(|i| replace_nth(i, at, with)),
        _ => false,
    }
}

fn count_nodes(v: &Value) -> usize {
    1 + match v {
        Value::Array(items) => items.iter().map(count_nodes).sum(),
        Value::Object(m) => m.values().map(count_nodes).sum(),
        _ => 0,
    }
}

fn structural(text: &str, picks: &[(Index, usize)]) -> String {
    let Ok(doc) = parse(text) else {
        return text.to_owned();
    };
    let mut root = doc.root;
    for (at, choice) in picks {
        let mut n = at.index(count_nodes(&root));
        replace_nth(&mut root, &mut n, &replacement(*choice));
    }
    serde_json::to_string_pretty(&root).unwrap()
}

fn document() -> impl Strategy<Value = String> {
    let files = corpus();
    let n = files.len();
    let files2 = files.clone();
    prop_oneof![
        1 => any::<String>(),
        1 => "[ -~\n]{0,300}",
        3 => (0..n, prop::collection::vec(edit(), 1..6))
            .prop_map(move |(f, edits)| apply_edits(&files[f], &edits)),
        3 => (0..n, prop::collection::vec((any::<Index>(), 0usize..100), 1..4))
            .prop_map(move |(f, picks)| structural(&files2[f], &picks)),
    ]
}

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config(PURE_CASES))]

    #[test]
    fn the_reader_never_panics(text in document()) {
        if let Ok(doc) = parse(&text) {
            let _ = read_definition(&doc, &ctx());
        }
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_failed_import_writes_nothing(db: PgPool) {
    embedded_pool(&db, POOL_ID).await;
    let existing = import(
        &db,
        &ctx(),
        None,
        ImportMode::New,
        &data("aws-export-petstore.json"),
    )
    .await
    .unwrap();
    // Cases are drawn up front (a fixed seed) because the test body is async.
    let mut runner = TestRunner::new_with_rng(
        config(DB_CASES as u32),
        proptest::test_runner::TestRng::deterministic_rng(
            proptest::test_runner::RngAlgorithm::ChaCha,
        ),
    );
    let strategy = document();
    let mut failures = 0;
    for _ in 0..DB_CASES {
        let text = strategy.new_tree(&mut runner).unwrap().current();
        for mode in [ImportMode::New, ImportMode::Overwrite, ImportMode::Merge] {
            let counts = row_counts(&db).await;
            let (before, _) = apis::store::working_copy(&db, &existing.api_id)
                .await
                .unwrap();
            if import(&db, &ctx(), Some(&existing.api_id), mode, &text)
                .await
                .is_err()
            {
                failures += 1;
                assert_eq!(row_counts(&db).await, counts, "{mode:?}\n{text}");
                let (after, _) = apis::store::working_copy(&db, &existing.api_id)
                    .await
                    .unwrap();
                assert_eq!(before.resources, after.resources, "{mode:?}\n{text}");
                assert_eq!(before.authorizers, after.authorizers, "{mode:?}\n{text}");
            }
        }
    }
    // Most mutations break the document, so the budget exercises the failure path; some
    // survive and are imported, which changes what later cases start from.
    assert!(failures > DB_CASES, "only {failures} failed imports");
    assert!(failures < 3 * DB_CASES, "no mutated document was imported");
}

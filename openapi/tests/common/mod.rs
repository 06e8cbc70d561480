//! Shared by the database-backed tests.
#![allow(dead_code, clippy::unwrap_used)]

use openapi::ImportContext;
use sqlx::PgPool;

pub const POOL_ID: &str = "us-east-1_AbC123xyz";
pub const POOL_ARN: &str =
    "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_AbC123xyz";

pub fn data(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

pub fn ctx() -> ImportContext {
    ImportContext {
        account_id: "000000000000".into(),
        region: "us-east-1".into(),
    }
}

/// The seed example with its trailing comma removed and `arn` as its pool.
pub fn seed_fixed(arn: &str) -> String {
    let text = data("seed-cognito-user-pool.json");
    let fixed = text.replacen(
        "</html>\"\n              },\n",
        "</html>\"\n              }\n",
        1,
    );
    assert_ne!(fixed, text);
    fixed.replace(
        "arn:aws:cognito-idp:{region}:{account_id}:userpool/{user_pool_id}",
        arn,
    )
}

/// A user pool row as the embedded identity provider would have it (only what matching reads).
pub async fn embedded_pool(db: &PgPool, id: &str) {
    sqlx::query("INSERT INTO user_pools (id, name, region) VALUES ($1, 'pool', 'us-east-1')")
        .bind(id)
        .execute(db)
        .await
        .unwrap();
}

/// Rows of every table an import writes.
pub async fn row_counts(db: &PgPool) -> Vec<i64> {
    let mut out = Vec::new();
    for sql in [
        "SELECT count(*) FROM rest_apis",
        "SELECT count(*) FROM api_resources",
        "SELECT count(*) FROM api_methods",
        "SELECT count(*) FROM api_method_responses",
        "SELECT count(*) FROM api_integrations",
        "SELECT count(*) FROM api_integration_responses",
        "SELECT count(*) FROM api_authorizers",
    ] {
        out.push(sqlx::query_scalar(sql).fetch_one(db).await.unwrap());
    }
    out
}

/// The export without its `info.version` line (the export time).
pub fn without_version(text: &str) -> String {
    text.lines()
        .filter(|l| {
            let t = l.trim_start();
            !(t.starts_with("\"version\": ") || t.starts_with("version: "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

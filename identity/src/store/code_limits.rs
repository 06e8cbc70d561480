//! Table `user_pool_code_limits`: wrong codes and issued codes per user (or typed name) and
//! purpose, across re-issued codes, in fixed windows that start at the first event.

use sqlx::PgExecutor;
use time::OffsetDateTime;

/// Which count of a row an event advances.
#[derive(Debug, Clone, Copy)]
enum Count {
    Issued,
    Wrong,
}

impl Count {
    /// The count's column and its window's column.
    fn columns(self) -> (&'static str, &'static str) {
        match self {
            Count::Issued => ("issued", "issue_window_start"),
            Count::Wrong => ("wrong_codes", "wrong_window_start"),
        }
    }
}

/// Counts one event and returns the count in the current window; a window that started before
/// `window_start_min` starts over at 1. One statement, so parallel calls each get their own
/// number.
async fn count(
    db: impl PgExecutor<'_>,
    which: Count,
    (pool_id, key, purpose): (&str, &str, &str),
    now: OffsetDateTime,
    window_start_min: OffsetDateTime,
) -> sqlx::Result<i32> {
    let (n, window) = which.columns();
    let (wrong, issued) = match which {
        Count::Issued => (0, 1),
        Count::Wrong => (1, 0),
    };
    // The column names are the constants above, never input.
    let sql = format!(
        "INSERT INTO user_pool_code_limits AS l (pool_id, key, purpose, wrong_codes, \
            wrong_window_start, issued, issue_window_start) VALUES ($1, $2, $3, {wrong}, $4, {issued}, $4) \
         ON CONFLICT (pool_id, key, purpose) DO UPDATE SET \
            {n} = CASE WHEN l.{window} < $5 THEN 1 ELSE l.{n} + 1 END, \
            {window} = CASE WHEN l.{window} < $5 THEN $4 ELSE l.{window} END \
         RETURNING {n}"
    );
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(pool_id)
        .bind(key)
        .bind(purpose)
        .bind(now)
        .bind(window_start_min)
        .fetch_one(db)
        .await
}

/// Counts one issued code and returns the count in the current window (see [`count`]).
pub(crate) async fn count_issue(
    db: impl PgExecutor<'_>,
    pool_id: &str,
    key: &str,
    purpose: &str,
    now: OffsetDateTime,
    window_start_min: OffsetDateTime,
) -> sqlx::Result<i32> {
    count(
        db,
        Count::Issued,
        (pool_id, key, purpose),
        now,
        window_start_min,
    )
    .await
}

/// Counts one wrong code and returns the count in the current window (see [`count`]).
pub(crate) async fn count_wrong(
    db: impl PgExecutor<'_>,
    pool_id: &str,
    key: &str,
    purpose: &str,
    now: OffsetDateTime,
    window_start_min: OffsetDateTime,
) -> sqlx::Result<i32> {
    count(
        db,
        Count::Wrong,
        (pool_id, key, purpose),
        now,
        window_start_min,
    )
    .await
}

/// Wrong codes in the current window (0 when none or the window is over).
pub(crate) async fn wrong_codes(
    db: impl PgExecutor<'_>,
    pool_id: &str,
    key: &str,
    purpose: &str,
    window_start_min: OffsetDateTime,
) -> sqlx::Result<i32> {
    let count: Option<i32> = sqlx::query_scalar(
        "SELECT wrong_codes FROM user_pool_code_limits \
         WHERE pool_id = $1 AND key = $2 AND purpose = $3 AND wrong_window_start >= $4",
    )
    .bind(pool_id)
    .bind(key)
    .bind(purpose)
    .bind(window_start_min)
    .fetch_optional(db)
    .await?;
    Ok(count.unwrap_or(0))
}

/// Forgets counters whose windows are both over (made-up names would otherwise pile up).
pub(crate) async fn sweep(
    db: impl PgExecutor<'_>,
    pool_id: &str,
    window_start_min: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query(
        "DELETE FROM user_pool_code_limits WHERE pool_id = $1 \
            AND wrong_window_start < $2 AND issue_window_start < $2",
    )
    .bind(pool_id)
    .bind(window_start_min)
    .execute(db)
    .await?;
    Ok(())
}

//! Table `user_pool_code_limits`: wrong codes and issued codes per user (or typed name) and
//! purpose, across re-issued codes, in fixed windows that start at the first event.

use sqlx::PgExecutor;
use time::OffsetDateTime;

/// Counts one issued code and returns the count in the current window; a window that started
/// before `window_start_min` starts over at 1. One statement, so parallel calls each get their
/// own number.
pub(crate) async fn count_issue(
    db: impl PgExecutor<'_>,
    pool_id: &str,
    key: &str,
    purpose: &str,
    now: OffsetDateTime,
    window_start_min: OffsetDateTime,
) -> sqlx::Result<i32> {
    sqlx::query_scalar(
        "INSERT INTO user_pool_code_limits AS l (pool_id, key, purpose, wrong_codes, \
            wrong_window_start, issued, issue_window_start) VALUES ($1, $2, $3, 0, $4, 1, $4) \
         ON CONFLICT (pool_id, key, purpose) DO UPDATE SET \
            issued = CASE WHEN l.issue_window_start < $5 THEN 1 ELSE l.issued + 1 END, \
            issue_window_start = CASE WHEN l.issue_window_start < $5 THEN $4 \
                                      ELSE l.issue_window_start END \
         RETURNING issued",
    )
    .bind(pool_id)
    .bind(key)
    .bind(purpose)
    .bind(now)
    .bind(window_start_min)
    .fetch_one(db)
    .await
}

/// Counts one wrong code and returns the count in the current window (as [`count_issue`]).
pub(crate) async fn count_wrong(
    db: impl PgExecutor<'_>,
    pool_id: &str,
    key: &str,
    purpose: &str,
    now: OffsetDateTime,
    window_start_min: OffsetDateTime,
) -> sqlx::Result<i32> {
    sqlx::query_scalar(
        "INSERT INTO user_pool_code_limits AS l (pool_id, key, purpose, wrong_codes, \
            wrong_window_start, issued, issue_window_start) VALUES ($1, $2, $3, 1, $4, 0, $4) \
         ON CONFLICT (pool_id, key, purpose) DO UPDATE SET \
            wrong_codes = CASE WHEN l.wrong_window_start < $5 THEN 1 ELSE l.wrong_codes + 1 END, \
            wrong_window_start = CASE WHEN l.wrong_window_start < $5 THEN $4 \
                                      ELSE l.wrong_window_start END \
         RETURNING wrong_codes",
    )
    .bind(pool_id)
    .bind(key)
    .bind(purpose)
    .bind(now)
    .bind(window_start_min)
    .fetch_one(db)
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

//! Sign-in throttling (table `signin_failures`).
//!
//! Failed attempts are counted per account key (the trimmed, lower-cased username, whether or not
//! such an administrator exists, so throttling reveals nothing) and per client address, in fixed
//! windows that start at the first failure. All times come from the database clock so that
//! several nodes agree.
//!
//! An attempt is counted *before* its password is verified ([`take`], one statement), so that
//! however many attempts arrive in parallel, at most the limit is ever verified; a successful
//! sign-in gives its count back ([`clear_account`], [`refund_address`]).

use std::net::IpAddr;
use std::time::Duration;

use sqlx::PgPool;

use crate::error::AccountsError;

/// `signin_failures.scope` for per-username counters.
const SCOPE_ACCOUNT: &str = "account";
/// `signin_failures.scope` for per-client-address counters.
const SCOPE_ADDRESS: &str = "address";

/// Longest account key stored; longer (necessarily invalid) usernames are cut so that garbage
/// input cannot bloat the table.
const MAX_ACCOUNT_KEY_CHARS: usize = 128;

/// Limits for failed sign-in attempts.
#[derive(Debug, Clone, Copy)]
pub struct ThrottlePolicy {
    /// Failed attempts for one username within `window` before it is throttled (default 5).
    pub max_failures_per_account: u32,
    /// Failed attempts from one client address within `window` before it is throttled
    /// (default 20).
    pub max_failures_per_address: u32,
    /// Length of a counting window, starting at the first failure (default 15 minutes).
    pub window: Duration,
}

impl Default for ThrottlePolicy {
    /// 5 failures per account, 20 per address, in 15-minute windows.
    fn default() -> Self {
        Self {
            max_failures_per_account: 5,
            max_failures_per_address: 20,
            window: Duration::from_secs(15 * 60),
        }
    }
}

/// The counter key of a username: trimmed and lower-cased, whether or not it exists.
pub(crate) fn account_key(username: &str) -> String {
    username
        .trim()
        .chars()
        .take(MAX_ACCOUNT_KEY_CHARS)
        .collect::<String>()
        .to_lowercase()
}

/// The counter key of a client address (IPv4-mapped IPv6 addresses count as IPv4).
pub(crate) fn address_key(client: IpAddr) -> String {
    client.to_canonical().to_string()
}

fn window_secs(policy: &ThrottlePolicy) -> f64 {
    policy.window.as_secs_f64()
}

/// `Err(Throttled)` if the account or the address has reached its limit within the current
/// window; the wait is until the later of the windows concerned ends.
pub(crate) async fn check(
    pool: &PgPool,
    policy: &ThrottlePolicy,
    account: &str,
    address: &str,
) -> Result<(), AccountsError> {
    let rows = sqlx::query_as::<_, (String, i32, f64)>(
        "SELECT scope, failures, \
                EXTRACT(EPOCH FROM (window_start + make_interval(secs => $3) - now()))::float8 \
         FROM signin_failures \
         WHERE (scope = 'account' AND key = $1) OR (scope = 'address' AND key = $2)",
    )
    .bind(account)
    .bind(address)
    .bind(window_secs(policy))
    .fetch_all(pool)
    .await?;

    let mut retry_after: Option<u64> = None;
    for (scope, failures, remaining) in rows {
        let limit = if scope == SCOPE_ACCOUNT {
            policy.max_failures_per_account
        } else {
            policy.max_failures_per_address
        };
        let failures = u32::try_from(failures).unwrap_or(0);
        if remaining > 0.0 && failures >= limit {
            // Whole seconds, rounded up, at least one. `as` saturates for absurd values.
            let secs = (remaining.ceil() as u64).max(1);
            retry_after = Some(retry_after.map_or(secs, |r| r.max(secs)));
        }
    }
    match retry_after {
        Some(retry_after_secs) => Err(AccountsError::Throttled { retry_after_secs }),
        None => Ok(()),
    }
}

/// Counts an attempt for both the account and the address, unless either has reached its limit
/// within its window: then nothing is counted and the answer is [`AccountsError::Throttled`].
/// A row whose window is over starts a fresh window at one. The two counters are taken in one
/// statement and transaction, so parallel attempts are numbered one after the other and a
/// refused attempt leaves both counters as they were.
pub(crate) async fn take(
    pool: &PgPool,
    policy: &ThrottlePolicy,
    account: &str,
    address: &str,
) -> Result<(), AccountsError> {
    let limit = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    let mut tx = pool.begin().await?;
    let counted: Vec<String> = sqlx::query_scalar(
        "INSERT INTO signin_failures AS f (scope, key, failures, window_start) \
         VALUES ($1, $2, 1, now()), ($3, $4, 1, now()) \
         ON CONFLICT (scope, key) DO UPDATE SET \
           failures = CASE WHEN f.window_start + make_interval(secs => $5) <= now() \
                           THEN 1 ELSE f.failures + 1 END, \
           window_start = CASE WHEN f.window_start + make_interval(secs => $5) <= now() \
                               THEN now() ELSE f.window_start END \
         WHERE f.window_start + make_interval(secs => $5) <= now() \
            OR f.failures < CASE WHEN f.scope = $1 THEN $6 ELSE $7 END \
         RETURNING f.scope",
    )
    .bind(SCOPE_ACCOUNT)
    .bind(account)
    .bind(SCOPE_ADDRESS)
    .bind(address)
    .bind(window_secs(policy))
    .bind(limit(policy.max_failures_per_account))
    .bind(limit(policy.max_failures_per_address))
    .fetch_all(&mut *tx)
    .await?;
    if counted.len() == 2 {
        tx.commit().await?;
        return Ok(());
    }
    tx.rollback().await?;
    check(pool, policy, account, address).await?;
    // The window ended between the two statements: refuse this once anyway.
    Err(AccountsError::Throttled {
        retry_after_secs: 1,
    })
}

/// Gives back the attempt a successful sign-in counted for its address.
pub(crate) async fn refund_address(pool: &PgPool, address: &str) -> Result<(), AccountsError> {
    sqlx::query(
        "UPDATE signin_failures SET failures = GREATEST(failures - 1, 0) \
         WHERE scope = $1 AND key = $2",
    )
    .bind(SCOPE_ADDRESS)
    .bind(address)
    .execute(pool)
    .await?;
    Ok(())
}

/// Forgets the failures of an account (after a successful sign-in).
pub(crate) async fn clear_account(pool: &PgPool, account: &str) -> Result<(), AccountsError> {
    sqlx::query("DELETE FROM signin_failures WHERE scope = $1 AND key = $2")
        .bind(SCOPE_ACCOUNT)
        .bind(account)
        .execute(pool)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        assert_eq!(account_key("  Alice "), "alice");
        assert_eq!(account_key(&"x".repeat(1000)).len(), MAX_ACCOUNT_KEY_CHARS);
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().expect("valid address");
        assert_eq!(address_key(mapped), "192.0.2.1");
    }
}

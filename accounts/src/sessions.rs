//! Console sessions as stored (`console_sessions`, written by the server's session store):
//! the key a session id is stored under, and ending an administrator's sessions.
//!
//! Only a SHA-256 digest of a session id is stored, so a copy of the table (a backup, a
//! database dump) holds no usable session: the id itself lives only in the browser's cookie.

use sha2::{Digest, Sha256};
use sqlx::PgPool;
use uuid::Uuid;

use crate::error::AccountsError;

/// The key a session id is stored under: its SHA-256, hex-encoded. (Ids are 128 random bits,
/// so a plain digest cannot be reversed by guessing.)
pub fn session_key(session_id: &str) -> String {
    Sha256::digest(session_id.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Ends every session of administrator `admin_id` except the one with id `keep` (the
/// caller's own, after a password change), or all of them when `keep` is `None` (a reset from
/// the command line). Returns how many were ended.
pub async fn end_admin_sessions(
    pool: &PgPool,
    admin_id: Uuid,
    keep: Option<&str>,
) -> Result<u64, AccountsError> {
    let kept = keep.map(session_key);
    let ended = sqlx::query(
        "DELETE FROM console_sessions \
         WHERE data ->> 'admin_id' = $1 AND ($2::text IS NULL OR id <> $2)",
    )
    .bind(admin_id.to_string())
    .bind(kept)
    .execute(pool)
    .await?
    .rows_affected();
    if ended > 0 {
        tracing::info!(%admin_id, ended, "ended the administrator's other console sessions");
    }
    Ok(ended)
}

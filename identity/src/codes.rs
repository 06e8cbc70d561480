//! Six-digit confirmation and password-reset codes: stored as SHA-256, with an expiry and a
//! limited number of attempts, plus limits that hold across re-issued codes: at most
//! [`MAX_WRONG_CODES`] wrong codes and [`MAX_CODES_ISSUED`] issued codes per user and purpose in
//! a [`CODE_LIMIT_WINDOW`]. Names that match no user are counted the same way, so that the
//! answers do not tell them apart (PreventUserExistenceErrors).

use rand::Rng;
use rand::rngs::OsRng;
use sqlx::PgPool;
use subtle::ConstantTimeEq;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::error::{CognitoError, ErrorKind, msg};
use crate::model::CodePurpose;
use crate::store::codes::CodeRow;
use crate::{store, util};

/// Wrong guesses allowed per code; the last one kills the code.
pub(crate) const MAX_CODE_ATTEMPTS: i32 = 5;
/// Sign-up confirmation codes live 24 hours.
pub(crate) const SIGN_UP_CODE_TTL: Duration = Duration::hours(24);
/// Password-reset codes live 1 hour.
pub(crate) const RESET_CODE_TTL: Duration = Duration::hours(1);
/// Wrong codes per user and purpose, across re-issued codes, before every code (even the
/// right one) is refused until the window is over.
pub(crate) const MAX_WRONG_CODES: i32 = 10;
/// Codes issued (ForgotPassword, ResendConfirmationCode) per user and purpose in a window.
pub(crate) const MAX_CODES_ISSUED: i32 = 5;
/// The window of [`MAX_WRONG_CODES`] and [`MAX_CODES_ISSUED`], from the first event.
pub(crate) const CODE_LIMIT_WINDOW: Duration = Duration::hours(1);

fn generate() -> String {
    format!("{:06}", OsRng.gen_range(0..1_000_000u32))
}

fn hash(sub: Uuid, purpose: CodePurpose, code: &str) -> Vec<u8> {
    util::sha256(format!("{sub}:{}:{code}", purpose.as_str()).as_bytes())
}

/// Creates a new code for `(sub, purpose)` (replacing any outstanding one) and returns it.
pub(crate) async fn issue(
    db: impl sqlx::PgExecutor<'_>,
    sub: Uuid,
    purpose: CodePurpose,
    delivery_attribute: Option<&str>,
    ttl: Duration,
) -> Result<String, CognitoError> {
    let code = generate();
    let now = util::now();
    store::codes::put_code(
        db,
        sub,
        purpose.as_str(),
        &hash(sub, purpose, &code),
        delivery_attribute,
        now + ttl,
        now,
    )
    .await?;
    Ok(code)
}

fn limit_exceeded() -> CognitoError {
    CognitoError::new(ErrorKind::LimitExceeded, msg::CODE_ATTEMPTS)
}

/// Counts a request for a new code for `key` (a user's sub, or the typed name of an unknown
/// user) before anything is sent; `LimitExceededException` past [`MAX_CODES_ISSUED`] in the
/// window. Counted in one statement, so parallel requests cannot slip past the limit.
pub(crate) async fn count_issue(
    db: &PgPool,
    pool_id: &str,
    key: &str,
    purpose: CodePurpose,
) -> Result<(), CognitoError> {
    let now = util::now();
    let since = now - CODE_LIMIT_WINDOW;
    let issued =
        store::code_limits::count_issue(db, pool_id, key, purpose.as_str(), now, since).await?;
    if issued == 1 {
        // A new window: a good moment to forget finished ones.
        store::code_limits::sweep(db, pool_id, since).await?;
    }
    if issued > MAX_CODES_ISSUED {
        tracing::warn!(pool.id = %pool_id, purpose = purpose.as_str(), "code refused: issue limit");
        return Err(limit_exceeded());
    }
    Ok(())
}

/// The answer to a code for a name that matches no user, counted like a wrong code of a real
/// user who asks for a new code after each [`MAX_CODE_ATTEMPTS`]: `LimitExceededException` at
/// every [`MAX_CODE_ATTEMPTS`]th wrong code and past [`MAX_WRONG_CODES`], otherwise a mismatch.
pub(crate) async fn check_unknown(
    db: &PgPool,
    pool_id: &str,
    key: &str,
    purpose: CodePurpose,
) -> CognitoError {
    let now = util::now();
    match store::code_limits::count_wrong(
        db,
        pool_id,
        key,
        purpose.as_str(),
        now,
        now - CODE_LIMIT_WINDOW,
    )
    .await
    {
        Ok(wrong) if wrong > MAX_WRONG_CODES || wrong % MAX_CODE_ATTEMPTS == 0 => limit_exceeded(),
        Ok(_) => CognitoError::new(ErrorKind::CodeMismatch, msg::CODE_MISMATCH),
        Err(e) => e.into(),
    }
}

/// A code that matched; pass it to [`consume`] in the transaction that acts on it.
pub(crate) struct Checked {
    row: CodeRow,
    purpose: CodePurpose,
}

impl Checked {
    pub(crate) fn delivery_attribute(&self) -> Option<&str> {
        self.row.delivery_attribute.as_deref()
    }
}

/// Checks `code` for `(sub, purpose)`. A wrong code costs an attempt (committed at once);
/// after [`MAX_CODE_ATTEMPTS`] wrong codes, or past its expiry, the code is gone. After
/// [`MAX_WRONG_CODES`] wrong codes in the window, over all codes of the user, every code is
/// refused. The code row stays locked from the count to the update, so parallel guesses are
/// counted one after the other.
pub(crate) async fn check(
    db: &PgPool,
    pool_id: &str,
    sub: Uuid,
    purpose: CodePurpose,
    code: &str,
) -> Result<Checked, CognitoError> {
    let key = sub.to_string();
    let now = util::now();
    let since = now - CODE_LIMIT_WINDOW;
    let mut tx = db.begin().await?;
    let Some(row) = store::codes::lock_code(&mut tx, sub, purpose.as_str()).await? else {
        return Err(CognitoError::new(ErrorKind::ExpiredCode, msg::CODE_EXPIRED));
    };
    if row.expires_at <= OffsetDateTime::now_utc() {
        store::codes::delete_code(&mut *tx, sub, purpose.as_str()).await?;
        tx.commit().await?;
        return Err(CognitoError::new(ErrorKind::ExpiredCode, msg::CODE_EXPIRED));
    }
    if store::code_limits::wrong_codes(&mut *tx, pool_id, &key, purpose.as_str(), since).await?
        >= MAX_WRONG_CODES
    {
        tx.commit().await?;
        tracing::warn!(pool.id = %pool_id, user.sub = %sub, purpose = purpose.as_str(), "code refused: too many wrong codes");
        return Err(limit_exceeded());
    }
    let given = hash(sub, purpose, code.trim());
    if bool::from(given.ct_eq(&row.code_hash)) {
        tx.commit().await?;
        return Ok(Checked { row, purpose });
    }
    store::code_limits::count_wrong(&mut *tx, pool_id, &key, purpose.as_str(), now, since).await?;
    if row.attempts + 1 >= MAX_CODE_ATTEMPTS {
        store::codes::delete_code(&mut *tx, sub, purpose.as_str()).await?;
        tx.commit().await?;
        return Err(limit_exceeded());
    }
    store::codes::bump_attempts(&mut *tx, sub, purpose.as_str()).await?;
    tx.commit().await?;
    Err(CognitoError::new(
        ErrorKind::CodeMismatch,
        msg::CODE_MISMATCH,
    ))
}

/// Uses up a checked code inside the caller's transaction; `ExpiredCodeException` if it was
/// replaced or used in the meantime.
pub(crate) async fn consume(
    conn: &mut sqlx::PgConnection,
    sub: Uuid,
    checked: &Checked,
) -> Result<(), CognitoError> {
    if store::codes::consume_code(conn, sub, checked.purpose.as_str(), &checked.row.code_hash)
        .await?
    {
        Ok(())
    } else {
        Err(CognitoError::new(ErrorKind::ExpiredCode, msg::CODE_EXPIRED))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_digits() {
        for _ in 0..100 {
            let c = generate();
            assert_eq!(c.len(), 6);
            assert!(c.bytes().all(|b| b.is_ascii_digit()));
        }
        let sub = Uuid::new_v4();
        assert_ne!(
            hash(sub, CodePurpose::SignUp, "123456"),
            hash(sub, CodePurpose::ForgotPassword, "123456")
        );
    }
}

//! Six-digit confirmation and password-reset codes: stored as SHA-256, with an expiry and a
//! limited number of attempts.

use rand::Rng;
use rand::rngs::OsRng;
use sqlx::PgPool;
use subtle::ConstantTimeEq;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::error::{CognitoError, ErrorKind, msg};
use crate::store::codes::CodeRow;
use crate::{store, util};

/// Wrong guesses allowed per code; the last one kills the code.
pub(crate) const MAX_CODE_ATTEMPTS: i32 = 5;
/// Sign-up confirmation codes live 24 hours.
pub(crate) const SIGN_UP_CODE_TTL: Duration = Duration::hours(24);
/// Password-reset codes live 1 hour.
pub(crate) const RESET_CODE_TTL: Duration = Duration::hours(1);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    SignUp,
    ForgotPassword,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::SignUp => "SIGN_UP",
            Purpose::ForgotPassword => "FORGOT_PASSWORD",
        }
    }
}

fn generate() -> String {
    format!("{:06}", OsRng.gen_range(0..1_000_000u32))
}

fn hash(sub: Uuid, purpose: Purpose, code: &str) -> Vec<u8> {
    util::sha256(format!("{sub}:{}:{code}", purpose.as_str()).as_bytes())
}

/// Creates a new code for `(sub, purpose)` (replacing any outstanding one) and returns it.
pub(crate) async fn issue(
    db: impl sqlx::PgExecutor<'_>,
    sub: Uuid,
    purpose: Purpose,
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

/// A code that matched; pass it to [`consume`] in the transaction that acts on it.
pub(crate) struct Checked {
    row: CodeRow,
    purpose: Purpose,
}

impl Checked {
    pub(crate) fn delivery_attribute(&self) -> Option<&str> {
        self.row.delivery_attribute.as_deref()
    }
}

/// Checks `code` for `(sub, purpose)`. A wrong code costs an attempt (committed at once);
/// after [`MAX_CODE_ATTEMPTS`] wrong codes, or past its expiry, the code is gone.
pub(crate) async fn check(
    db: &PgPool,
    sub: Uuid,
    purpose: Purpose,
    code: &str,
) -> Result<Checked, CognitoError> {
    let mut tx = db.begin().await?;
    let Some(row) = store::codes::lock_code(&mut tx, sub, purpose.as_str()).await? else {
        return Err(CognitoError::new(ErrorKind::ExpiredCode, msg::CODE_EXPIRED));
    };
    if row.expires_at <= OffsetDateTime::now_utc() {
        store::codes::delete_code(&mut *tx, sub, purpose.as_str()).await?;
        tx.commit().await?;
        return Err(CognitoError::new(ErrorKind::ExpiredCode, msg::CODE_EXPIRED));
    }
    let given = hash(sub, purpose, code.trim());
    if bool::from(given.ct_eq(&row.code_hash)) {
        tx.commit().await?;
        return Ok(Checked { row, purpose });
    }
    if row.attempts + 1 >= MAX_CODE_ATTEMPTS {
        store::codes::delete_code(&mut *tx, sub, purpose.as_str()).await?;
        tx.commit().await?;
        return Err(CognitoError::new(
            ErrorKind::LimitExceeded,
            msg::CODE_ATTEMPTS,
        ));
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
            hash(sub, Purpose::SignUp, "123456"),
            hash(sub, Purpose::ForgotPassword, "123456")
        );
    }
}

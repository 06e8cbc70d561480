//! Argon2id password hashing, verification and the administrator password policy.
//!
//! Hashing is memory-hard (the default argon2id parameters use 19 MiB per hash), so every hash or
//! verification runs on the blocking thread pool and behind a global semaphore of
//! [`MAX_CONCURRENT_HASHES`] permits: a burst of sign-in attempts queues up instead of exhausting
//! memory or starving the async runtime.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::rngs::OsRng;
use tokio::sync::Semaphore;

use crate::AccountsError;

/// How many argon2 computations may run at the same time in this process.
pub const MAX_CONCURRENT_HASHES: usize = 4;

/// Minimum password length, in characters.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Maximum password length, in characters.
pub const MAX_PASSWORD_CHARS: usize = 256;

static HASH_PERMITS: Semaphore = Semaphore::const_new(MAX_CONCURRENT_HASHES);

/// Hash of a random password nobody knows, computed on first use with the same parameters as
/// real hashes. Verified against when a username is unknown so that the response time does not
/// reveal whether an account exists.
static DUMMY_HASH: OnceLock<String> = OnceLock::new();

/// Hashes `password` with argon2id (v19, default parameters) and a random salt, returning the
/// PHC string (`$argon2id$v=19$...`). Does not check the policy; see [`check_policy`].
pub async fn hash(password: &str) -> Result<String, AccountsError> {
    let password = password.to_owned();
    run_limited(move || hash_blocking(&password))
        .await
        .and_then(|r| r)
}

/// Returns whether `password` matches the PHC string `phc`. A malformed `phc` or an internal
/// failure counts as a mismatch (and is logged).
pub async fn verify(password: &str, phc: &str) -> bool {
    let password = password.to_owned();
    let phc = phc.to_owned();
    run_limited(move || verify_blocking(&password, &phc))
        .await
        .unwrap_or(false)
}

/// Spends the same effort as [`verify`] against a hash nobody knows the password of; always
/// "fails". Used when the username is unknown.
pub async fn verify_dummy(password: &str) {
    let password = password.to_owned();
    let _ = run_limited(move || {
        let phc = DUMMY_HASH.get_or_init(|| {
            let secret: String = {
                use rand::Rng;
                OsRng
                    .sample_iter(&rand::distributions::Alphanumeric)
                    .take(32)
                    .map(char::from)
                    .collect()
            };
            hash_blocking(&secret).unwrap_or_else(|e| {
                tracing::error!(error = ?e, "could not compute the dummy password hash");
                String::new()
            })
        });
        verify_blocking(&password, phc)
    })
    .await;
}

/// Checks a new administrator password against the policy: at least [`MIN_PASSWORD_CHARS`]
/// characters, at most [`MAX_PASSWORD_CHARS`], and not one character repeated.
pub fn check_policy(password: &str) -> Result<(), AccountsError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(AccountsError::WeakPassword(format!(
            "The password must be at least {MIN_PASSWORD_CHARS} characters long."
        )));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(AccountsError::WeakPassword(format!(
            "The password must be at most {MAX_PASSWORD_CHARS} characters long."
        )));
    }
    let mut it = password.chars();
    if let Some(first) = it.next()
        && it.all(|c| c == first)
    {
        return Err(AccountsError::WeakPassword(
            "The password must not consist of a single repeated character.".to_owned(),
        ));
    }
    Ok(())
}

/// Runs `f` on the blocking pool while holding one of the global hashing permits.
async fn run_limited<T, F>(f: F) -> Result<T, AccountsError>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let permit = HASH_PERMITS
        .acquire()
        .await
        .map_err(|e| AccountsError::Hashing(format!("hashing semaphore closed: {e}")))?;
    let result = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        f()
    })
    .await;
    result.map_err(|e| AccountsError::Hashing(format!("hashing task failed: {e}")))
}

fn hash_blocking(password: &str) -> Result<String, AccountsError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AccountsError::Hashing(e.to_string()))
}

fn verify_blocking(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(e) => {
            tracing::warn!(error = %e, "stored password hash is not a valid PHC string");
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy() {
        assert!(check_policy("correct horse").is_ok());
        assert!(check_policy("abcdefghij").is_ok());
        assert!(check_policy("abcdefghi").is_err());
        assert!(check_policy("aaaaaaaaaaaa").is_err());
        assert!(check_policy(&"ab".repeat(128)).is_ok());
        assert!(check_policy(&"ab".repeat(129)).is_err());
        // Characters, not bytes.
        assert!(check_policy("ééééééééé").is_err());
        assert!(check_policy("éééééééééa").is_ok());
    }
}

//! Argon2id password hashing, verification and the administrator password policy.
//!
//! Hashing is memory-hard (the default argon2id parameters use 19 MiB per hash), so every hash or
//! verification runs on the blocking thread pool and holds a slot of a [`HashingSlots`]: a burst
//! of sign-in attempts queues up instead of exhausting memory or starving the async runtime.
//! The free functions ([`hash`], [`verify`], [`verify_dummy`]) are the console administrators'
//! and use slots of their own ([`MAX_CONCURRENT_HASHES`], no queue limit); the public identity
//! provider has its own [`HashingSlots`], with a bounded queue, so that a flood of public
//! sign-ins can neither starve the administrator nor queue without end.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, OnceLock};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::rngs::OsRng;
use tokio::sync::Semaphore;

use crate::AccountsError;

/// How many argon2 computations for console administrators may run at the same time.
pub const MAX_CONCURRENT_HASHES: usize = 2;

/// Minimum password length, in characters.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Maximum password length, in characters.
pub const MAX_PASSWORD_CHARS: usize = 256;

/// The console administrators' slots (never shared with the public identity provider).
static ADMIN_SLOTS: LazyLock<HashingSlots> =
    LazyLock::new(|| HashingSlots::new(MAX_CONCURRENT_HASHES, usize::MAX));

/// A set of hashing slots: at most `slots` argon2 computations at a time, and at most
/// `max_queued` callers waiting for a slot; further callers get [`AccountsError::Busy`] at once.
#[derive(Debug)]
pub struct HashingSlots {
    permits: Arc<Semaphore>,
    queued: AtomicUsize,
    max_queued: usize,
}

/// A place in a [`HashingSlots`] queue, given up when dropped.
struct Queued<'a> {
    queue: &'a AtomicUsize,
    /// Callers that were waiting already.
    ahead: usize,
}

impl<'a> Queued<'a> {
    fn join(queue: &'a AtomicUsize) -> Queued<'a> {
        let ahead = queue.fetch_add(1, Ordering::AcqRel);
        Queued { queue, ahead }
    }
}

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        self.queue.fetch_sub(1, Ordering::AcqRel);
    }
}

impl HashingSlots {
    pub fn new(slots: usize, max_queued: usize) -> HashingSlots {
        HashingSlots {
            permits: Arc::new(Semaphore::new(slots)),
            queued: AtomicUsize::new(0),
            max_queued,
        }
    }

    /// [`hash`] on these slots.
    pub async fn hash(&self, password: &str) -> Result<String, AccountsError> {
        let password = password.to_owned();
        self.run(move || hash_blocking(&password)).await?
    }

    /// [`verify`] on these slots; `Err` only when no slot could be had.
    pub async fn verify(&self, password: &str, phc: &str) -> Result<bool, AccountsError> {
        let password = password.to_owned();
        let phc = phc.to_owned();
        self.run(move || verify_blocking(&password, &phc)).await
    }

    /// [`verify_dummy`] on these slots; `Err` only when no slot could be had.
    pub async fn verify_dummy(&self, password: &str) -> Result<(), AccountsError> {
        let password = password.to_owned();
        self.run(move || {
            verify_blocking(&password, dummy_hash());
        })
        .await
    }

    /// Runs `f` on the blocking pool while holding one of the slots.
    async fn run<T, F>(&self, f: F) -> Result<T, AccountsError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        // The permit moves into the blocking task: if the caller goes away, the slot stays
        // taken until the computation really ends.
        let permit = match Arc::clone(&self.permits).try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => {
                // Count ourselves in the queue (until we leave it, even by being dropped), or
                // leave at once if it is full.
                let place = Queued::join(&self.queued);
                if place.ahead >= self.max_queued {
                    return Err(AccountsError::Busy);
                }
                let permit = Arc::clone(&self.permits).acquire_owned().await;
                permit.map_err(|e| AccountsError::Hashing(format!("hashing slots closed: {e}")))?
            }
        };
        let result = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            f()
        })
        .await;
        result.map_err(|e| AccountsError::Hashing(format!("hashing task failed: {e}")))
    }
}

/// Hash of a random password nobody knows, computed on first use with the same parameters as
/// real hashes. Verified against when a username is unknown so that the response time does not
/// reveal whether an account exists.
static DUMMY_HASH: OnceLock<String> = OnceLock::new();

/// Hashes `password` with argon2id (v19, default parameters) and a random salt, returning the
/// PHC string (`$argon2id$v=19$...`). Does not check the policy; see [`check_policy`].
pub async fn hash(password: &str) -> Result<String, AccountsError> {
    ADMIN_SLOTS.hash(password).await
}

/// Returns whether `password` matches the PHC string `phc`. A malformed `phc` or an internal
/// failure counts as a mismatch (and is logged).
pub async fn verify(password: &str, phc: &str) -> bool {
    ADMIN_SLOTS.verify(password, phc).await.unwrap_or(false)
}

/// Spends the same effort as [`verify`] against a hash nobody knows the password of; always
/// "fails". Used when the username is unknown.
pub async fn verify_dummy(password: &str) {
    let _ = ADMIN_SLOTS.verify_dummy(password).await;
}

/// The dummy hash (computed once, on a blocking thread).
fn dummy_hash() -> &'static str {
    DUMMY_HASH.get_or_init(|| {
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
    })
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

//! Argon2id password hashing and verification for Gatehouse, shared by the console
//! administrators (`accounts`) and the user pools (`identity`).
//!
//! Hashes are PHC strings (`$argon2id$v=19$m=19456,t=2,p=1$...`): argon2id, version 19, the
//! `argon2` crate's default parameters and a random salt. Changing the parameters here changes
//! every new hash; stored hashes keep verifying because the PHC string carries its own.
//!
//! Hashing is memory-hard (19 MiB per hash), so every hash or verification runs on the blocking
//! thread pool and holds a slot of a [`HashingSlots`]: a burst of sign-in attempts queues up
//! instead of exhausting memory or starving the async runtime. Each caller keeps its own slots
//! (the console administrators' are never shared with the public user pools').
//!
//! [`HashingSlots::verify_dummy`] spends the same effort against a hash nobody knows the
//! password of, for unknown usernames: the response time then does not tell whether an
//! account exists.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::rngs::OsRng;
use tokio::sync::Semaphore;

/// What can go wrong while hashing or verifying.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// Every slot is busy and the queue for them is full: try again later.
    #[error("Too many requests")]
    Busy,

    /// Hashing failed internally. The detail is kept for `Debug` (logs) only.
    #[error("password hashing error")]
    Hashing(String),
}

/// A set of hashing slots: at most `slots` argon2 computations at a time, and at most
/// `max_queued` callers waiting for a slot; further callers get [`PasswordError::Busy`] at once.
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

    /// Hashes `password` (argon2id v19, default parameters, random salt) and returns the PHC
    /// string. Checks no policy: that is the caller's.
    pub async fn hash(&self, password: &str) -> Result<String, PasswordError> {
        let password = password.to_owned();
        self.run(move || hash_blocking(&password)).await?
    }

    /// Whether `password` matches the PHC string `phc`; a malformed `phc` counts as a mismatch
    /// (and is logged). `Err` only when no slot could be had.
    pub async fn verify(&self, password: &str, phc: &str) -> Result<bool, PasswordError> {
        let password = password.to_owned();
        let phc = phc.to_owned();
        self.run(move || verify_blocking(&password, &phc)).await
    }

    /// The effort of [`HashingSlots::verify`] against a hash nobody knows the password of
    /// (always a mismatch); for unknown usernames. `Err` only when no slot could be had.
    pub async fn verify_dummy(&self, password: &str) -> Result<(), PasswordError> {
        let password = password.to_owned();
        self.run(move || {
            verify_blocking(&password, dummy_hash());
        })
        .await
    }

    /// Runs `f` on the blocking pool while holding one of the slots.
    async fn run<T, F>(&self, f: F) -> Result<T, PasswordError>
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
                    return Err(PasswordError::Busy);
                }
                let permit = Arc::clone(&self.permits).acquire_owned().await;
                permit.map_err(|e| PasswordError::Hashing(format!("hashing slots closed: {e}")))?
            }
        };
        let result = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            f()
        })
        .await;
        result.map_err(|e| PasswordError::Hashing(format!("hashing task failed: {e}")))
    }
}

/// Hash of a random password nobody knows, computed on first use with the same parameters as
/// real hashes.
static DUMMY_HASH: OnceLock<String> = OnceLock::new();

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

fn hash_blocking(password: &str) -> Result<String, PasswordError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| PasswordError::Hashing(e.to_string()))
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

    #[tokio::test]
    async fn hashes_are_argon2id_phc_and_verify() {
        let slots = HashingSlots::new(1, 4);
        let phc = slots.hash("correct horse").await.expect("hash");
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(slots.verify("correct horse", &phc).await.expect("slot"));
        assert!(!slots.verify("wrong horse", &phc).await.expect("slot"));
        assert!(
            !slots
                .verify("correct horse", "not a phc")
                .await
                .expect("slot")
        );
        slots.verify_dummy("anything").await.expect("slot");
    }

    #[tokio::test]
    async fn a_stored_hash_keeps_verifying() {
        // A PHC string as stored in the database (argon2id v19, m=19456, t=2, p=1): a change of
        // algorithm or parameters must not stop existing hashes from verifying.
        const STORED: &str = "$argon2id$v=19$m=19456,t=2,p=1$sh89xZ0Pnj0KT0+HYJILdg$\
                              8Y0j+pbPL4V5UUpuwlns33weE57cDo4MSyBxLT2YczQ";
        let slots = HashingSlots::new(1, 0);
        assert!(slots.verify("stored before", STORED).await.expect("slot"));
        assert!(!slots.verify("stored after", STORED).await.expect("slot"));
    }
}

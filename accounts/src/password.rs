//! The administrators' password hashing and password policy.
//!
//! Hashing itself (argon2id, the slots that bound it, the dummy hash) is the `passwords`
//! crate's, shared with the user pools. The free functions ([`hash`], [`verify`],
//! [`verify_dummy`]) use the console administrators' own slots ([`MAX_CONCURRENT_HASHES`], no
//! queue limit); the public identity provider has its own [`HashingSlots`], with a bounded
//! queue, so that a flood of public sign-ins can neither starve the administrator nor queue
//! without end.

use std::sync::LazyLock;

pub use passwords::HashingSlots;

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

/// Hashes `password` with argon2id (v19, default parameters) and a random salt, returning the
/// PHC string (`$argon2id$v=19$...`). Does not check the policy; see [`check_policy`].
pub async fn hash(password: &str) -> Result<String, AccountsError> {
    Ok(ADMIN_SLOTS.hash(password).await?)
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

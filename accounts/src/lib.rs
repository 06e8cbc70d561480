//! Console administrator accounts for Gatehouse: the password policy (hashing is argon2id from
//! the `passwords` crate), storage of administrators in PostgreSQL, and the throttled sign-in
//! decision ([`sign_in`]).
//!
//! Error messages ([`AccountsError`]) are safe to show to users and never reveal whether a
//! username exists.

pub mod access_keys;
mod error;
pub mod password;
pub mod sessions;
mod store;
mod throttle;

use std::net::IpAddr;

use sqlx::PgPool;

pub use access_keys::{
    AccessKey, AccessKeyError, EnsuredAccessKey, NewAccessKey, create_access_key,
    delete_access_key, ensure_access_key, find_access_key, list_access_keys, record_key_use,
    secret_for,
};
pub use error::AccountsError;
pub use sessions::{end_admin_sessions, session_key};
pub use store::{
    Admin, InitialAdmin, change_password, count_admins, create_admin, ensure_initial_admin,
    find_admin, list_admins, set_password,
};
pub use throttle::ThrottlePolicy;

/// The whole sign-in decision.
///
/// 1. Counts the attempt for the account key (the trimmed, lower-cased username, whether or not
///    it exists) and the client address, before any password is verified; if either has
///    reached its limit within the policy window, nothing is counted and the answer is
///    [`AccountsError::Throttled`] with the seconds until that window ends — even for the right
///    password. Counting first means parallel attempts cannot verify more than the limit.
/// 2. Looks the administrator up and verifies the password (against a dummy hash when the
///    username is unknown, so the timing is the same).
/// 3. On failure (already counted) returns [`AccountsError::InvalidCredentials`] (the same for
///    unknown users and wrong passwords).
/// 4. On success forgets the account's failures, gives the address its attempt back and
///    returns the [`Admin`].
pub async fn sign_in(
    pool: &PgPool,
    policy: &ThrottlePolicy,
    username: &str,
    password: &str,
    client: IpAddr,
) -> Result<Admin, AccountsError> {
    let account = throttle::account_key(username);
    let address = throttle::address_key(client);

    if let Err(e) = throttle::take(pool, policy, &account, &address).await {
        if let AccountsError::Throttled { retry_after_secs } = e {
            tracing::warn!(%address, retry_after_secs, "console sign-in refused: throttled");
        }
        return Err(e);
    }

    // A username that fails validation cannot exist; skip the lookup but not the hashing work.
    let found = match store::normalize_username(username) {
        Ok(name) => store::find_credentials(pool, &name).await?,
        Err(_) => None,
    };
    let admin = match found {
        Some((admin, hash)) => password::verify(password, &hash).await.then_some(admin),
        None => {
            password::verify_dummy(password).await;
            None
        }
    };

    match admin {
        Some(admin) => {
            throttle::clear_account(pool, &account).await?;
            throttle::refund_address(pool, &address).await?;
            tracing::info!(username = %admin.username, %address, "console sign-in");
            Ok(admin)
        }
        None => {
            tracing::warn!(%address, "console sign-in failed");
            Err(AccountsError::InvalidCredentials)
        }
    }
}

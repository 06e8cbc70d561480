//! The single error type of the crate.
//!
//! Every `Display` message is safe to show to the person using the console: none of them reveals
//! whether a username exists, and infrastructure failures ([`AccountsError::Database`],
//! [`AccountsError::Hashing`]) only say that something went wrong internally. The underlying
//! cause stays available through `Debug` and [`std::error::Error::source`] for logging.

/// Everything that can go wrong while managing or signing in console administrators.
#[derive(Debug, thiserror::Error)]
pub enum AccountsError {
    /// The username is unknown or the password is wrong (deliberately indistinguishable).
    #[error("Incorrect username or password.")]
    InvalidCredentials,

    /// Too many failed sign-in attempts for the account or the client address.
    #[error("{}", throttled_message(*retry_after_secs))]
    Throttled {
        /// Seconds until the throttling window ends and sign-in is allowed again.
        retry_after_secs: u64,
    },

    /// `create_admin` with a username that already exists (compared case-insensitively).
    #[error("An administrator with that username already exists.")]
    UsernameTaken,

    /// The username is malformed; the string says what is expected.
    #[error("{0}")]
    InvalidUsername(String),

    /// The new password does not satisfy the password policy; the string says why.
    #[error("{0}")]
    WeakPassword(String),

    /// The new password and its confirmation differ (checked by callers, not by this crate).
    #[error("The new passwords do not match.")]
    PasswordMismatch,

    /// `change_password` was given a wrong current password.
    #[error("Your current password is incorrect.")]
    CurrentPasswordWrong,

    /// No administrator with that username or id (administrative/CLI use only; sign-in never
    /// returns this).
    #[error("No administrator with that username exists.")]
    AdminNotFound,

    /// A database failure. The message deliberately does not include the SQL error.
    #[error("database error")]
    Database(#[from] sqlx::Error),

    /// Every password-hashing slot is busy and the queue for them is full: try again later.
    #[error("Too many requests")]
    Busy,

    /// Password hashing failed internally. The detail is kept for `Debug` (logs) only.
    #[error("password hashing error")]
    Hashing(String),
}

impl From<passwords::PasswordError> for AccountsError {
    fn from(e: passwords::PasswordError) -> AccountsError {
        match e {
            passwords::PasswordError::Busy => AccountsError::Busy,
            passwords::PasswordError::Hashing(detail) => AccountsError::Hashing(detail),
        }
    }
}

impl AccountsError {
    /// Whether the error is caused by the user's input (and worth showing as such), as opposed
    /// to an internal failure ([`AccountsError::Database`], [`AccountsError::Hashing`]).
    pub fn is_user_error(&self) -> bool {
        !matches!(self, Self::Database(_) | Self::Hashing(_))
    }
}

/// "Try again in N minute(s)", rounding the wait up to whole minutes (at least one).
fn throttled_message(retry_after_secs: u64) -> String {
    let minutes = retry_after_secs.div_ceil(60).max(1);
    let unit = if minutes == 1 { "minute" } else { "minutes" };
    format!("Too many failed sign-in attempts. Try again in {minutes} {unit}.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttled_rounds_up_to_minutes() {
        let msg = |s| {
            AccountsError::Throttled {
                retry_after_secs: s,
            }
            .to_string()
        };
        assert_eq!(
            msg(0),
            "Too many failed sign-in attempts. Try again in 1 minute."
        );
        assert_eq!(
            msg(1),
            "Too many failed sign-in attempts. Try again in 1 minute."
        );
        assert_eq!(
            msg(60),
            "Too many failed sign-in attempts. Try again in 1 minute."
        );
        assert_eq!(
            msg(61),
            "Too many failed sign-in attempts. Try again in 2 minutes."
        );
        assert_eq!(
            msg(900),
            "Too many failed sign-in attempts. Try again in 15 minutes."
        );
    }

    #[test]
    fn internal_errors_do_not_leak_details() {
        let db = AccountsError::Database(sqlx::Error::Protocol("SELECT secret FROM x".into()));
        assert_eq!(db.to_string(), "database error");
        assert!(!db.is_user_error());
        let h = AccountsError::Hashing("salt too short".into());
        assert!(!h.to_string().contains("salt"));
        assert!(!h.is_user_error());
        assert!(AccountsError::InvalidCredentials.is_user_error());
        assert!(
            AccountsError::Throttled {
                retry_after_secs: 5
            }
            .is_user_error()
        );
    }
}

//! The per-user throttle on password guesses (sign-in, ChangePassword): at most
//! [`MAX_FAILED_SIGNINS`] guesses are verified per user, or per unknown name, in a
//! [`FAILURE_WINDOW`].

use time::Duration;

use crate::error::{CognitoError, msg};
use crate::model::{Pool, User};
use crate::service::Identity;
use crate::{store, util};

/// Consecutive failed sign-ins after which a user is locked out for the rest of the window.
pub(crate) const MAX_FAILED_SIGNINS: i32 = 5;
/// The throttling window.
pub(crate) const FAILURE_WINDOW: Duration = Duration::minutes(15);

/// The key of a user's throttling counters: the sub, or for a name that matches no user the
/// name as typed (normalised), so that unknown names are throttled like real ones.
pub(crate) fn counter_key(pool: &Pool, user: Option<&User>, typed_name: &str) -> String {
    match user {
        Some(u) => u.sub.to_string(),
        None => format!("unknown:{}", pool.username_key(typed_name)),
    }
}

impl Identity {
    /// Counts a password attempt for `key` *before* the password is verified, so that at most
    /// [`MAX_FAILED_SIGNINS`] guesses are ever verified in a window, however many arrive in
    /// parallel; past that, "Password attempts exceeded" (and nothing is counted). A success
    /// clears the counter ([`store::users::clear_failures`]).
    pub(crate) async fn throttle_take(&self, pool: &Pool, key: &str) -> Result<(), CognitoError> {
        let now = util::now();
        if !store::users::take_attempt(
            self.db(),
            &pool.id,
            key,
            MAX_FAILED_SIGNINS,
            now,
            now - FAILURE_WINDOW,
        )
        .await?
        {
            tracing::warn!(pool.id = %pool.id, "sign-in refused: password attempts exceeded");
            return Err(CognitoError::not_authorized(msg::ATTEMPTS_EXCEEDED));
        }
        Ok(())
    }

    /// Verifies `password` against `phc` (a dummy hash when `None`) for an attempt counted by
    /// [`Identity::throttle_take`]. An attempt that could not be verified (no hashing slot) is
    /// given back and answered `TooManyRequestsException`; a wrong password stays counted.
    pub(crate) async fn verify_counted(
        &self,
        pool: &Pool,
        key: &str,
        password: &str,
        phc: Option<&str>,
    ) -> Result<bool, CognitoError> {
        let verified = match phc {
            Some(phc) => self.hashing().verify(password, phc).await,
            None => self.hashing().verify_dummy(password).await.map(|()| false),
        };
        match verified {
            Ok(true) => Ok(true),
            Ok(false) => {
                store::users::sweep_failures(self.db(), &pool.id, util::now() - FAILURE_WINDOW)
                    .await?;
                Ok(false)
            }
            Err(e) => {
                store::users::refund_attempt(self.db(), &pool.id, key).await?;
                Err(e.into())
            }
        }
    }
}

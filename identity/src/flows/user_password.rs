//! `USER_PASSWORD_AUTH` (InitiateAuth), and the password sign-in it shares with the
//! administrative flow: verify the password under the throttle, then answer by the user's
//! state (tokens, the NEW_PASSWORD_REQUIRED challenge, or an error; shared with SRP).

use std::collections::BTreeMap;

use super::params::{param, secret_hash};
use crate::error::{CognitoError, ErrorKind, msg};
use crate::model::{AppClient, Pool, User, UserStatus};
use crate::service::Identity;
use crate::throttle::counter_key;
use crate::wire::AuthResponse;
use crate::{store, util};

impl Identity {
    /// USER_PASSWORD_AUTH: `USERNAME`, `PASSWORD` (and `SECRET_HASH`); the client must allow
    /// `ALLOW_USER_PASSWORD_AUTH` (or the legacy `USER_PASSWORD_AUTH`).
    pub(super) async fn user_password_auth(
        &self,
        pool: &Pool,
        client: &AppClient,
        params: &BTreeMap<String, String>,
    ) -> Result<AuthResponse, CognitoError> {
        let username = param(params, "USERNAME")?;
        let user = self
            .public_user(pool, client, username, secret_hash(params))
            .await?;
        if !client.allows_user_password() {
            return Err(CognitoError::invalid_parameter(
                "USER_PASSWORD_AUTH flow not enabled for this client",
            ));
        }
        let password = param(params, "PASSWORD")?;
        self.password_sign_in(pool, client, username, user, password)
            .await
    }

    /// Verifies a password (a dummy verification for unknown users), applies the throttle,
    /// then the user's state: tokens, the NEW_PASSWORD_REQUIRED challenge, or an error.
    pub(super) async fn password_sign_in(
        &self,
        pool: &Pool,
        client: &AppClient,
        typed_name: &str,
        user: Option<User>,
        password: &str,
    ) -> Result<AuthResponse, CognitoError> {
        let key = counter_key(pool, user.as_ref(), typed_name);
        self.throttle_take(pool, &key).await?;
        let phc = user.as_ref().and_then(|u| u.password_hash.as_deref());
        let ok = self.verify_counted(pool, &key, password, phc).await?;
        let user = match (ok, user) {
            (true, Some(user)) => user,
            (_, user) => {
                tracing::info!(pool.id = %pool.id, client.id = %client.id(), "sign-in failed");
                return Err(
                    if user.is_none() && !client.prevents_user_existence_errors() {
                        CognitoError::user_not_found()
                    } else {
                        CognitoError::incorrect_credentials()
                    },
                );
            }
        };
        store::users::clear_failures(self.db(), &pool.id, &key).await?;
        self.backfill_srp_verifier(&user, password).await?;
        self.signed_in(pool, client, user).await
    }

    /// After a proven password (any flow): the user's state decides, tokens, the
    /// NEW_PASSWORD_REQUIRED challenge, or an error.
    pub(super) async fn signed_in(
        &self,
        pool: &Pool,
        client: &AppClient,
        user: User,
    ) -> Result<AuthResponse, CognitoError> {
        if !user.enabled {
            return Err(CognitoError::not_authorized(msg::USER_DISABLED));
        }
        match user.status {
            UserStatus::Unconfirmed => Err(CognitoError::new(
                ErrorKind::UserNotConfirmed,
                msg::USER_NOT_CONFIRMED,
            )),
            UserStatus::ResetRequired => Err(CognitoError::new(
                ErrorKind::PasswordResetRequired,
                msg::PASSWORD_RESET_REQUIRED,
            )),
            UserStatus::ForceChangePassword => {
                if user.password_expires_at.is_some_and(|t| t <= util::now()) {
                    return Err(CognitoError::not_authorized(
                        msg::TEMPORARY_PASSWORD_EXPIRED,
                    ));
                }
                self.new_password_challenge(pool, client, &user).await
            }
            UserStatus::Confirmed => {
                tracing::info!(pool.id = %pool.id, client.id = %client.id(), user.sub = %user.sub, "password proven");
                self.finish_sign_in(pool, client, &user).await
            }
        }
    }
}

//! `ADMIN_USER_PASSWORD_AUTH` / `ADMIN_NO_SRP_AUTH` (AdminInitiateAuth): the password sign-in
//! of `user_password`, for a client that allows the administrative flow.

use std::collections::BTreeMap;

use super::params::{param, secret_hash};
use crate::error::CognitoError;
use crate::model::{AppClient, Pool};
use crate::service::Identity;
use crate::wire::AuthResponse;

impl Identity {
    /// `USERNAME`, `PASSWORD` (and `SECRET_HASH`); the client must allow
    /// `ALLOW_ADMIN_USER_PASSWORD_AUTH` (or the legacy `ADMIN_NO_SRP_AUTH`).
    pub(super) async fn admin_user_password_auth(
        &self,
        pool: &Pool,
        client: &AppClient,
        params: &BTreeMap<String, String>,
    ) -> Result<AuthResponse, CognitoError> {
        let username = param(params, "USERNAME")?;
        let user = self
            .public_user(pool, client, username, secret_hash(params))
            .await?;
        if !client.allows_admin_password() {
            return Err(CognitoError::invalid_parameter(
                "Auth flow not enabled for this client",
            ));
        }
        let password = param(params, "PASSWORD")?;
        self.password_sign_in(pool, client, username, user, password)
            .await
    }
}

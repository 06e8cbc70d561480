//! Finding what an operation acts on: the pool (by id), the app client (by id, with its
//! secret opened) and the user (by username, email or sub), with the errors Cognito gives when
//! they are missing. Every operation starts here.

use uuid::Uuid;

use crate::error::CognitoError;
use crate::model::{AppClient, Client, ClientSecret, Pool, User};
use crate::service::Identity;
use crate::{secret_hash, store, util};

impl Identity {
    /// Loads a pool, validating the id first (`InvalidParameterException` /
    /// `ResourceNotFoundException`).
    pub(crate) async fn load_pool(&self, pool_id: &str) -> Result<Pool, CognitoError> {
        util::validate_pool_id(pool_id)?;
        store::pools::find_pool(self.db(), pool_id)
            .await?
            .ok_or_else(|| CognitoError::pool_not_found(pool_id))
    }

    /// Loads a client and its pool for a public (ClientId-identified) operation.
    pub(crate) async fn load_client(
        &self,
        client_id: &str,
    ) -> Result<(Pool, AppClient), CognitoError> {
        util::require_non_empty("ClientId", client_id)?;
        let stored = store::clients::find_client(self.db(), client_id)
            .await?
            .ok_or_else(|| CognitoError::client_not_found(client_id))?;
        let pool = store::pools::find_pool(self.db(), &stored.pool_id)
            .await?
            .ok_or_else(|| CognitoError::client_not_found(client_id))?;
        Ok((pool, self.open_client(stored)?))
    }

    /// Loads a client that must belong to `pool`.
    pub(crate) async fn load_pool_client(
        &self,
        pool: &Pool,
        client_id: &str,
    ) -> Result<AppClient, CognitoError> {
        util::require_non_empty("ClientId", client_id)?;
        let stored = store::clients::find_client(self.db(), client_id)
            .await?
            .filter(|c| c.pool_id == pool.id)
            .ok_or_else(|| CognitoError::client_not_found(client_id))?;
        self.open_client(stored)
    }

    fn open_client(&self, stored: Client) -> Result<AppClient, CognitoError> {
        let secret = match &stored.secret_sealed {
            Some(sealed) => {
                let plain = self
                    .master_key()
                    .open(sealed, format!("client-secret:{}", stored.id).as_bytes())?;
                Some(ClientSecret(String::from_utf8(plain).map_err(|_| {
                    CognitoError::internal("client secret is not UTF-8")
                })?))
            }
            None => None,
        };
        Ok(AppClient { stored, secret })
    }

    /// Finds a user by username, by email (when the email signs in) or by sub.
    pub(crate) async fn find_user(
        &self,
        pool: &Pool,
        name: &str,
    ) -> Result<Option<User>, CognitoError> {
        if name.is_empty() {
            return Ok(None);
        }
        if let Some(u) =
            store::users::find_by_username_key(self.db(), &pool.id, &pool.username_key(name))
                .await?
        {
            return Ok(Some(u));
        }
        if (pool.email_is_username() || pool.email_is_alias())
            && name.contains('@')
            && let Some(u) =
                store::users::find_by_email_key(self.db(), &pool.id, &name.to_lowercase()).await?
        {
            return Ok(Some(u));
        }
        if let Ok(sub) = Uuid::parse_str(name) {
            return Ok(store::users::find_by_sub(self.db(), &pool.id, sub).await?);
        }
        Ok(None)
    }

    /// [`Identity::find_user`] or `UserNotFoundException` (administrative calls).
    pub(crate) async fn require_user(&self, pool: &Pool, name: &str) -> Result<User, CognitoError> {
        util::validate_name("Username", name)?;
        self.find_user(pool, name)
            .await?
            .ok_or_else(CognitoError::user_not_found)
    }

    /// A public user call: checks the SecretHash (against the name given and, once found, the
    /// user's Username), then resolves the user. `Ok(None)` means "unknown user"; what to
    /// answer is the caller's business (PreventUserExistenceErrors).
    pub(crate) async fn public_user(
        &self,
        pool: &Pool,
        client: &AppClient,
        username: &str,
        secret_hash: Option<&str>,
    ) -> Result<Option<User>, CognitoError> {
        if client.secret().is_some() && secret_hash.is_none() {
            return Err(CognitoError::secret_hash(client.id()));
        }
        util::validate_name("Username", username)?;
        let user = self.find_user(pool, username).await?;
        if let (Some(secret), Some(hash)) = (client.secret(), secret_hash) {
            let mut names = vec![username];
            if let Some(u) = &user {
                names.push(&u.username);
            }
            if !secret_hash::matches(secret, client.id(), hash, &names) {
                return Err(CognitoError::secret_hash(client.id()));
            }
        }
        Ok(user)
    }
}

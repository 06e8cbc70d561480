//! Ending sessions: GlobalSignOut (every refresh token of the user) and RevokeToken (one
//! refresh token and its family).

use subtle::ConstantTimeEq;

use crate::error::{CognitoError, ErrorKind};
use crate::service::Identity;
use crate::wire::{AdminUserGlobalSignOutRequest, GlobalSignOutRequest, RevokeTokenRequest};
use crate::{store, util};

impl Identity {
    /// GlobalSignOut (access token): revokes every refresh token of the user, and with them
    /// every ID/access token minted from them (for Cognito's own APIs).
    pub async fn global_sign_out(&self, req: GlobalSignOutRequest) -> Result<(), CognitoError> {
        let ctx = self.verify_access_token(&req.access_token).await?;
        let revoked = store::tokens::revoke_user(self.db(), ctx.user.sub, util::now()).await?;
        tracing::info!(pool.id = %ctx.pool.id, user.sub = %ctx.user.sub, revoked, "global sign-out");
        Ok(())
    }

    /// AdminUserGlobalSignOut: GlobalSignOut for a user named by an administrator.
    pub async fn admin_user_global_sign_out(
        &self,
        req: AdminUserGlobalSignOutRequest,
    ) -> Result<(), CognitoError> {
        let pool = self.load_pool(&req.user_pool_id).await?;
        let user = self.require_user(&pool, &req.username).await?;
        let revoked = store::tokens::revoke_user(self.db(), user.sub, util::now()).await?;
        tracing::info!(pool.id = %pool.id, user.sub = %user.sub, revoked, "global sign-out by an administrator");
        Ok(())
    }

    /// RevokeToken: revokes a refresh token and its family. Unknown tokens succeed (RFC 7009);
    /// a client with a secret must send it as `ClientSecret`.
    pub async fn revoke_token(&self, req: RevokeTokenRequest) -> Result<(), CognitoError> {
        let (_pool, client) = self.load_client(&req.client_id).await?;
        if let Some(secret) = client.secret() {
            let ok = req
                .client_secret
                .as_deref()
                .is_some_and(|s| bool::from(s.as_bytes().ct_eq(secret.as_bytes())));
            if !ok {
                return Err(CognitoError::new(
                    ErrorKind::Unauthorized,
                    "Client authentication failed.",
                ));
            }
        }
        util::require_non_empty("Token", &req.token)?;
        if req.token.split('.').count() == 3 {
            return Err(CognitoError::new(
                ErrorKind::UnsupportedTokenType,
                "Only refresh tokens can be revoked.",
            ));
        }
        let Some(row) =
            store::tokens::find_refresh(self.db(), &util::sha256(req.token.as_bytes())).await?
        else {
            return Ok(());
        };
        if row.client_id != *client.id() {
            return Err(CognitoError::new(
                ErrorKind::Unauthorized,
                "The token was not issued to this client.",
            ));
        }
        store::tokens::revoke_family(self.db(), row.origin_jti, util::now()).await?;
        tracing::info!(pool.id = %row.pool_id, user.sub = %row.user_sub, "refresh token revoked");
        Ok(())
    }
}

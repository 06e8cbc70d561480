//! `REFRESH_TOKEN_AUTH` / `REFRESH_TOKEN` (both InitiateAuth calls): new ID and access tokens
//! from a refresh token.

use std::collections::BTreeMap;

use super::params::param;
use crate::error::{CognitoError, ErrorKind, msg};
use subtle::ConstantTimeEq;

use crate::model::{AppClient, Pool, User, UserStatus};
use crate::service::Identity;
use crate::wire::{
    AuthResponse, AuthenticationResultType, GetTokensFromRefreshTokenRequest,
    GetTokensFromRefreshTokenResponse,
};
use crate::{secret_hash, store, util};

impl Identity {
    /// REFRESH_TOKEN_AUTH: new ID/access tokens in the same family; no new refresh token;
    /// `auth_time` stays that of the original sign-in.
    pub(super) async fn refresh(
        &self,
        pool: &Pool,
        client: &AppClient,
        params: &BTreeMap<String, String>,
    ) -> Result<AuthResponse, CognitoError> {
        let given_hash = params.get("SECRET_HASH").map(String::as_str);
        if client.secret().is_some() && given_hash.is_none() {
            return Err(CognitoError::secret_hash(client.id()));
        }
        if !client.allows_refresh() {
            return Err(CognitoError::invalid_parameter(
                "REFRESH_TOKEN_AUTH flow not enabled for this client",
            ));
        }
        let token = param(params, "REFRESH_TOKEN")?;
        self.refresh_with(pool, client, token, |user| {
            match (client.secret(), given_hash) {
                (Some(secret), Some(hash)) => {
                    let mut names = vec![user.username.as_str()];
                    if let Some(email) = user.attributes.get("email") {
                        names.push(email);
                    }
                    secret_hash::matches(secret, client.id(), hash, &names)
                }
                _ => true,
            }
        })
        .await
    }

    /// GetTokensFromRefreshToken: REFRESH_TOKEN_AUTH's answer, the client proving itself with
    /// its secret (compared in constant time) instead of a SECRET_HASH.
    pub async fn get_tokens_from_refresh_token(
        &self,
        req: GetTokensFromRefreshTokenRequest,
    ) -> Result<GetTokensFromRefreshTokenResponse, CognitoError> {
        let (pool, client) = self.load_client(&req.client_id).await?;
        if let Some(secret) = client.secret() {
            let given = req.client_secret.as_deref().unwrap_or_default();
            if !bool::from(given.as_bytes().ct_eq(secret.as_bytes())) {
                return Err(CognitoError::secret_hash(client.id()));
            }
        }
        if !client.allows_refresh() {
            return Err(CognitoError::invalid_parameter(
                "REFRESH_TOKEN_AUTH flow not enabled for this client",
            ));
        }
        util::require_non_empty("RefreshToken", &req.refresh_token)?;
        let out = self
            .refresh_with(&pool, &client, &req.refresh_token, |_| true)
            .await?;
        Ok(GetTokensFromRefreshTokenResponse {
            authentication_result: out.authentication_result,
        })
    }

    /// New tokens from `token`, once `client_proof` accepts the token's user.
    async fn refresh_with(
        &self,
        pool: &Pool,
        client: &AppClient,
        token: &str,
        client_proof: impl Fn(&User) -> bool,
    ) -> Result<AuthResponse, CognitoError> {
        let invalid = || CognitoError::not_authorized(msg::INVALID_REFRESH_TOKEN);
        let row = store::tokens::find_refresh(self.db(), &util::sha256(token.as_bytes()))
            .await?
            .filter(|r| r.client_id == *client.id() && r.pool_id == pool.id)
            .ok_or_else(invalid)?;
        let user = store::users::find_by_sub(self.db(), &pool.id, row.user_sub)
            .await?
            .ok_or_else(invalid)?;
        if !client_proof(&user) {
            return Err(CognitoError::secret_hash(client.id()));
        }
        if row.revoked_at.is_some() {
            return Err(CognitoError::not_authorized(msg::REFRESH_TOKEN_REVOKED));
        }
        if row.expires_at <= util::now() {
            return Err(CognitoError::not_authorized(msg::REFRESH_TOKEN_EXPIRED));
        }
        if !user.enabled {
            return Err(CognitoError::not_authorized(msg::USER_DISABLED));
        }
        if user.status == UserStatus::ResetRequired {
            return Err(CognitoError::new(
                ErrorKind::PasswordResetRequired,
                msg::PASSWORD_RESET_REQUIRED,
            ));
        }
        let minted = self
            .mint_tokens(pool, client, &user, row.origin_jti, row.auth_time)
            .await?;
        Ok(AuthResponse {
            authentication_result: Some(AuthenticationResultType {
                access_token: minted.access_token,
                expires_in: minted.expires_in,
                token_type: "Bearer".to_owned(),
                refresh_token: None,
                id_token: minted.id_token,
            }),
            ..AuthResponse::default()
        })
    }
}

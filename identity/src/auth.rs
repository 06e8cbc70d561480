//! Authentication flows: password sign-in (USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH),
//! refresh, the NEW_PASSWORD_REQUIRED challenge, sign-out and revocation, plus the per-user
//! throttle on failed sign-ins.

use std::collections::BTreeMap;

use subtle::ConstantTimeEq;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::clients::AppClient;
use crate::error::{CognitoError, ErrorKind, msg};
use crate::pools::Pool;
use crate::store::users::UserRow;
use crate::users::{CONFIRMED, FORCE_CHANGE_PASSWORD, RESET_REQUIRED, UNCONFIRMED};
use crate::wire::{
    AdminInitiateAuthRequest, AttributeType, AuthResponse, AuthenticationResultType,
    GlobalSignOutRequest, InitiateAuthRequest, RespondToAuthChallengeRequest, RevokeTokenRequest,
};
use crate::{Identity, secret_hash, store, util};

/// Consecutive failed sign-ins after which a user is locked out for the rest of the window.
pub(crate) const MAX_FAILED_SIGNINS: i32 = 5;
/// The throttling window.
pub(crate) const FAILURE_WINDOW: Duration = Duration::minutes(15);

const NEW_PASSWORD_REQUIRED: &str = "NEW_PASSWORD_REQUIRED";

const AUTH_FLOWS: &[&str] = &[
    "USER_SRP_AUTH",
    "REFRESH_TOKEN_AUTH",
    "REFRESH_TOKEN",
    "CUSTOM_AUTH",
    "ADMIN_NO_SRP_AUTH",
    "USER_PASSWORD_AUTH",
    "ADMIN_USER_PASSWORD_AUTH",
    "USER_AUTH",
];

const CHALLENGES: &[&str] = &[
    "SMS_MFA",
    "EMAIL_OTP",
    "SOFTWARE_TOKEN_MFA",
    "SELECT_MFA_TYPE",
    "MFA_SETUP",
    "PASSWORD_VERIFIER",
    "CUSTOM_CHALLENGE",
    "SELECT_CHALLENGE",
    "DEVICE_SRP_AUTH",
    "DEVICE_PASSWORD_VERIFIER",
    "ADMIN_NO_SRP_AUTH",
    "NEW_PASSWORD_REQUIRED",
    "SMS_OTP",
    "PASSWORD",
    "WEB_AUTHN",
    "PASSWORD_SRP",
];

fn enum_error(member: &str, value: &str, allowed: &[&str]) -> CognitoError {
    CognitoError::invalid_parameter(format!(
        "1 validation error detected: Value '{value}' at '{member}' failed to satisfy \
         constraint: Member must satisfy enum value set: [{}]",
        allowed.join(", ")
    ))
}

fn unsupported_flow(flow: &str) -> CognitoError {
    CognitoError::invalid_parameter(format!(
        "{flow} is not supported by Gatehouse; enable ALLOW_USER_PASSWORD_AUTH on the app client \
         and use USER_PASSWORD_AUTH."
    ))
}

fn param<'a>(params: &'a BTreeMap<String, String>, name: &str) -> Result<&'a str, CognitoError> {
    params
        .get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| CognitoError::missing_parameter(name))
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

    /// InitiateAuth: `USER_PASSWORD_AUTH` or `REFRESH_TOKEN_AUTH` / `REFRESH_TOKEN`.
    pub async fn initiate_auth(
        &self,
        req: InitiateAuthRequest,
    ) -> Result<AuthResponse, CognitoError> {
        let (pool, client) = self.load_client(&req.client_id).await?;
        let params = req.auth_parameters.unwrap_or_default();
        match req.auth_flow.as_str() {
            "USER_PASSWORD_AUTH" => {
                let username = param(&params, "USERNAME")?;
                let user = self
                    .public_user(
                        &pool,
                        &client,
                        username,
                        params.get("SECRET_HASH").map(String::as_str),
                    )
                    .await?;
                if !client.allows_user_password() {
                    return Err(CognitoError::invalid_parameter(
                        "USER_PASSWORD_AUTH flow not enabled for this client",
                    ));
                }
                let password = param(&params, "PASSWORD")?;
                self.password_sign_in(&pool, &client, username, user, password)
                    .await
            }
            "REFRESH_TOKEN_AUTH" | "REFRESH_TOKEN" => self.refresh(&pool, &client, &params).await,
            "ADMIN_USER_PASSWORD_AUTH" | "ADMIN_NO_SRP_AUTH" => Err(
                CognitoError::invalid_parameter(msg::AUTH_METHOD_NOT_SUPPORTED),
            ),
            flow if AUTH_FLOWS.contains(&flow) => Err(unsupported_flow(flow)),
            flow => Err(enum_error("authFlow", flow, AUTH_FLOWS)),
        }
    }

    /// AdminInitiateAuth: `ADMIN_USER_PASSWORD_AUTH` / `ADMIN_NO_SRP_AUTH` or
    /// `REFRESH_TOKEN_AUTH` / `REFRESH_TOKEN`.
    pub async fn admin_initiate_auth(
        &self,
        req: AdminInitiateAuthRequest,
    ) -> Result<AuthResponse, CognitoError> {
        let pool = self.load_pool(&req.user_pool_id).await?;
        let client = self.load_pool_client(&pool, &req.client_id).await?;
        let params = req.auth_parameters.unwrap_or_default();
        match req.auth_flow.as_str() {
            "ADMIN_USER_PASSWORD_AUTH" | "ADMIN_NO_SRP_AUTH" => {
                let username = param(&params, "USERNAME")?;
                let user = self
                    .public_user(
                        &pool,
                        &client,
                        username,
                        params.get("SECRET_HASH").map(String::as_str),
                    )
                    .await?;
                if !client.allows_admin_password() {
                    return Err(CognitoError::invalid_parameter(
                        "Auth flow not enabled for this client",
                    ));
                }
                let password = param(&params, "PASSWORD")?;
                self.password_sign_in(&pool, &client, username, user, password)
                    .await
            }
            "REFRESH_TOKEN_AUTH" | "REFRESH_TOKEN" => self.refresh(&pool, &client, &params).await,
            "USER_PASSWORD_AUTH" => Err(CognitoError::invalid_parameter(
                msg::AUTH_METHOD_NOT_SUPPORTED,
            )),
            flow if AUTH_FLOWS.contains(&flow) => Err(unsupported_flow(flow)),
            flow => Err(enum_error("authFlow", flow, AUTH_FLOWS)),
        }
    }

    /// Verifies a password (a dummy verification for unknown users), applies the throttle,
    /// then the user's state: tokens, the NEW_PASSWORD_REQUIRED challenge, or an error.
    async fn password_sign_in(
        &self,
        pool: &Pool,
        client: &AppClient,
        typed_name: &str,
        user: Option<UserRow>,
        password: &str,
    ) -> Result<AuthResponse, CognitoError> {
        let key = crate::users::counter_key(pool, user.as_ref(), typed_name);
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
        if !user.enabled {
            return Err(CognitoError::not_authorized(msg::USER_DISABLED));
        }
        match user.status.as_str() {
            UNCONFIRMED => Err(CognitoError::new(
                ErrorKind::UserNotConfirmed,
                msg::USER_NOT_CONFIRMED,
            )),
            RESET_REQUIRED => Err(CognitoError::new(
                ErrorKind::PasswordResetRequired,
                msg::PASSWORD_RESET_REQUIRED,
            )),
            FORCE_CHANGE_PASSWORD => {
                if user.password_expires_at.is_some_and(|t| t <= util::now()) {
                    return Err(CognitoError::not_authorized(
                        msg::TEMPORARY_PASSWORD_EXPIRED,
                    ));
                }
                self.new_password_challenge(pool, client, &user).await
            }
            _ => {
                tracing::info!(pool.id = %pool.id, client.id = %client.id(), user.sub = %user.sub, "signed in");
                self.issue_tokens(pool, client, &user, util::now()).await
            }
        }
    }

    async fn new_password_challenge(
        &self,
        pool: &Pool,
        client: &AppClient,
        user: &UserRow,
    ) -> Result<AuthResponse, CognitoError> {
        let session = util::random_token(96);
        let now = util::now();
        let expires = now + Duration::minutes(i64::from(client.row.auth_session_validity_minutes));
        let mut tx = self.db().begin().await?;
        store::tokens::insert_session(
            &mut tx,
            &util::sha256(session.as_bytes()),
            &pool.id,
            client.id(),
            user.sub,
            NEW_PASSWORD_REQUIRED,
            expires,
            now,
        )
        .await?;
        tx.commit().await?;
        let missing: Vec<String> = pool
            .required_attributes
            .iter()
            .filter(|a| user.attributes.0.get(*a).is_none_or(|v| v.is_empty()))
            .map(|a| format!("userAttributes.{a}"))
            .collect();
        let mut params = BTreeMap::new();
        params.insert("USER_ID_FOR_SRP".to_owned(), user.username.clone());
        params.insert(
            "requiredAttributes".to_owned(),
            serde_json::to_string(&missing).unwrap_or_else(|_| "[]".to_owned()),
        );
        params.insert(
            "userAttributes".to_owned(),
            Identity::challenge_user_attributes(user),
        );
        Ok(AuthResponse {
            challenge_name: Some(NEW_PASSWORD_REQUIRED.to_owned()),
            session: Some(session),
            challenge_parameters: params,
            authentication_result: None,
        })
    }

    /// Starts a token family: stores a new refresh token and mints the first ID/access pair.
    async fn issue_tokens(
        &self,
        pool: &Pool,
        client: &AppClient,
        user: &UserRow,
        auth_time: OffsetDateTime,
    ) -> Result<AuthResponse, CognitoError> {
        let refresh = util::random_token(64);
        let origin_jti = Uuid::new_v4();
        let mut tx = self.db().begin().await?;
        // Access/ID tokens live at most a day, so older expired families are dead.
        store::tokens::purge_expired(&mut *tx, user.sub, auth_time - Duration::days(1)).await?;
        store::tokens::insert_refresh(
            &mut *tx,
            &util::sha256(refresh.as_bytes()),
            origin_jti,
            &pool.id,
            client.id(),
            user.sub,
            auth_time,
            auth_time + Duration::seconds(i64::from(client.row.refresh_token_validity_secs)),
        )
        .await?;
        tx.commit().await?;
        let minted = self
            .mint_tokens(pool, client, user, origin_jti, auth_time)
            .await?;
        Ok(AuthResponse {
            authentication_result: Some(AuthenticationResultType {
                access_token: minted.access_token,
                expires_in: minted.expires_in,
                token_type: "Bearer".to_owned(),
                refresh_token: Some(refresh),
                id_token: minted.id_token,
            }),
            ..AuthResponse::default()
        })
    }

    /// REFRESH_TOKEN_AUTH: new ID/access tokens in the same family; no new refresh token;
    /// `auth_time` stays that of the original sign-in.
    async fn refresh(
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
        let invalid = || CognitoError::not_authorized(msg::INVALID_REFRESH_TOKEN);
        let row = store::tokens::find_refresh(self.db(), &util::sha256(token.as_bytes()))
            .await?
            .filter(|r| r.client_id == client.id() && r.pool_id == pool.id)
            .ok_or_else(invalid)?;
        let user = store::users::find_by_sub(self.db(), &pool.id, row.user_sub)
            .await?
            .ok_or_else(invalid)?;
        if let (Some(secret), Some(hash)) = (client.secret(), given_hash) {
            let mut names = vec![user.username.as_str()];
            if let Some(email) = user.attributes.0.get("email") {
                names.push(email);
            }
            if !secret_hash::matches(secret, client.id(), hash, &names) {
                return Err(CognitoError::secret_hash(client.id()));
            }
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
        if user.status == RESET_REQUIRED {
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

    /// RespondToAuthChallenge: NEW_PASSWORD_REQUIRED (the session is single use).
    pub async fn respond_to_auth_challenge(
        &self,
        req: RespondToAuthChallengeRequest,
    ) -> Result<AuthResponse, CognitoError> {
        let (pool, client) = self.load_client(&req.client_id).await?;
        if req.challenge_name != NEW_PASSWORD_REQUIRED {
            return Err(if CHALLENGES.contains(&req.challenge_name.as_str()) {
                CognitoError::invalid_parameter(format!(
                    "The {} challenge is not supported by Gatehouse.",
                    req.challenge_name
                ))
            } else {
                enum_error("challengeName", &req.challenge_name, CHALLENGES)
            });
        }
        let responses = req.challenge_responses.unwrap_or_default();
        let username = param(&responses, "USERNAME")?;
        let user = self
            .public_user(
                &pool,
                &client,
                username,
                responses.get("SECRET_HASH").map(String::as_str),
            )
            .await?;
        let invalid = || CognitoError::not_authorized(msg::INVALID_SESSION);
        let session = req
            .session
            .as_deref()
            .filter(|s| !s.is_empty())
            .ok_or_else(invalid)?;
        let session_hash = util::sha256(session.as_bytes());
        let row = store::tokens::find_session(self.db(), &session_hash)
            .await?
            .filter(|r| r.client_id == client.id() && r.challenge_name == NEW_PASSWORD_REQUIRED)
            .ok_or_else(invalid)?;
        if row.expires_at <= util::now() {
            store::tokens::take_session(self.db(), &session_hash).await?;
            return Err(CognitoError::not_authorized(msg::SESSION_EXPIRED));
        }
        let user = user
            .filter(|u| u.sub == row.user_sub && u.status == FORCE_CHANGE_PASSWORD)
            .ok_or_else(invalid)?;
        let new_password = param(&responses, "NEW_PASSWORD")?;
        pool.password.check(new_password)?;
        let extra: Vec<AttributeType> = responses
            .iter()
            .filter_map(|(k, v)| {
                k.strip_prefix("userAttributes.")
                    .map(|name| AttributeType::new(name, v.clone()))
            })
            .collect();
        let attrs = Identity::merge_challenge_attributes(&pool, &client, &user, &extra)?;
        let hash = self.hashing().hash(new_password).await?;
        let now = util::now();
        let mut tx = self.db().begin().await?;
        if !store::tokens::take_session(&mut *tx, &session_hash).await? {
            return Err(invalid());
        }
        store::users::set_password(&mut *tx, user.sub, &hash, CONFIRMED, None, now).await?;
        store::users::set_attributes(
            &mut *tx,
            user.sub,
            &attrs,
            Identity::email_key(&pool, &attrs).as_deref(),
            now,
        )
        .await
        .map_err(|e| Identity::conflict(e, &pool))?;
        tx.commit().await?;
        let user = store::users::find_by_sub(self.db(), &pool.id, user.sub)
            .await?
            .ok_or_else(CognitoError::user_not_found)?;
        tracing::info!(pool.id = %pool.id, user.sub = %user.sub, "new password set; signed in");
        self.issue_tokens(&pool, &client, &user, now).await
    }

    /// GlobalSignOut (access token): revokes every refresh token of the user, and with them
    /// every ID/access token minted from them (for Cognito's own APIs).
    pub async fn global_sign_out(&self, req: GlobalSignOutRequest) -> Result<(), CognitoError> {
        let ctx = self.verify_access_token(&req.access_token).await?;
        let revoked = store::tokens::revoke_user(self.db(), ctx.user.sub, util::now()).await?;
        tracing::info!(pool.id = %ctx.pool.id, user.sub = %ctx.user.sub, revoked, "global sign-out");
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
        if row.client_id != client.id() {
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

//! The second factor of a sign-in. Once a password is proven (any flow, and after
//! NEW_PASSWORD_REQUIRED), a pool with MFA asks a user with an authenticator for a code
//! (`SOFTWARE_TOKEN_MFA`); a pool with MFA `ON` asks a user without one to set it up first
//! (`MFA_SETUP`: AssociateSoftwareToken and VerifySoftwareToken with the session, then the
//! answer). Codes are RFC 6238, each accepted once; wrong ones count towards the lockout.

use std::collections::BTreeMap;

use super::params::{param, secret_hash};
use crate::error::{CognitoError, ErrorKind, msg};
use crate::mfa::SOFTWARE_TOKEN_MFA;
use crate::model::{AppClient, ChallengeName, MfaConfiguration, Pool, User};
use crate::service::Identity;
use crate::throttle::FAILURE_WINDOW;
use crate::wire::{AuthResponse, RespondToAuthChallengeRequest};
use crate::{store, totp, util};

impl Identity {
    /// A proven password signs in, unless the pool's MFA asks for a second factor first.
    pub(super) async fn finish_sign_in(
        &self,
        pool: &Pool,
        client: &AppClient,
        user: &User,
    ) -> Result<AuthResponse, CognitoError> {
        let challenge = match pool.mfa_configuration {
            MfaConfiguration::Off => None,
            _ if user.mfa.uses_totp() => Some(ChallengeName::SoftwareTokenMfa),
            MfaConfiguration::On => Some(ChallengeName::MfaSetup),
            MfaConfiguration::Optional => None,
        };
        let Some(challenge) = challenge else {
            return self.issue_tokens(pool, client, user, util::now()).await;
        };
        let session = self
            .new_challenge_session(pool, client, user, challenge, false)
            .await?;
        let mut params = BTreeMap::new();
        params.insert("USER_ID_FOR_SRP".to_owned(), user.username.clone());
        if challenge == ChallengeName::MfaSetup {
            params.insert(
                "MFAS_CAN_SETUP".to_owned(),
                format!("[\"{SOFTWARE_TOKEN_MFA}\"]"),
            );
        }
        tracing::info!(pool.id = %pool.id, user.sub = %user.sub, challenge = challenge.as_str(), "second factor asked");
        Ok(AuthResponse {
            challenge_name: Some(challenge.as_str().to_owned()),
            session: Some(session),
            challenge_parameters: params,
            authentication_result: None,
        })
    }

    /// The user a challenge answer names, who must be the session's.
    async fn challenge_user(
        &self,
        pool: &Pool,
        client: &AppClient,
        responses: &BTreeMap<String, String>,
        session_sub: uuid::Uuid,
    ) -> Result<User, CognitoError> {
        let username = param(responses, "USERNAME")?;
        self.public_user(pool, client, username, secret_hash(responses))
            .await?
            .filter(|u| u.sub == session_sub)
            .ok_or_else(|| CognitoError::not_authorized(msg::INVALID_SESSION))
    }

    /// The answer to SOFTWARE_TOKEN_MFA: `USERNAME`, `SOFTWARE_TOKEN_MFA_CODE` (and
    /// `SECRET_HASH`), with the session. A wrong code leaves the session open for another try
    /// (within the lockout); the right one ends it.
    pub(super) async fn respond_software_token_mfa(
        &self,
        pool: Pool,
        client: AppClient,
        req: RespondToAuthChallengeRequest,
    ) -> Result<AuthResponse, CognitoError> {
        let responses = req.challenge_responses.clone().unwrap_or_default();
        let code = param(&responses, "SOFTWARE_TOKEN_MFA_CODE")?;
        let session = self
            .open_session(
                req.session.as_deref(),
                Some(client.id()),
                ChallengeName::SoftwareTokenMfa,
            )
            .await?;
        let user = self
            .challenge_user(&pool, &client, &responses, session.row.user_sub)
            .await?;
        let key = user.sub.to_string();
        self.throttle_take(&pool, &key).await?;
        let secret = self.totp_secret(&user)?;
        let now = util::now();
        let accepted =
            match totp::matching_step(&secret, code, now.unix_timestamp(), user.mfa.last_step) {
                Some(step) => store::users::take_totp_step(self.db(), user.sub, step).await?,
                None => false,
            };
        if !accepted {
            store::users::sweep_failures(self.db(), &pool.id, now - FAILURE_WINDOW).await?;
            tracing::info!(pool.id = %pool.id, user.sub = %user.sub, "wrong MFA code");
            return Err(CognitoError::new(
                ErrorKind::CodeMismatch,
                "Invalid code received for user",
            ));
        }
        if !store::tokens::take_session(self.db(), &session.hash).await? {
            return Err(CognitoError::not_authorized(msg::INVALID_SESSION));
        }
        store::users::clear_failures(self.db(), &pool.id, &key).await?;
        tracing::info!(pool.id = %pool.id, user.sub = %user.sub, "signed in with MFA");
        self.issue_tokens(&pool, &client, &user, now).await
    }

    /// The answer to MFA_SETUP, once VerifySoftwareToken accepted a code with this session:
    /// `USERNAME` (and `SECRET_HASH`).
    pub(super) async fn respond_mfa_setup(
        &self,
        pool: Pool,
        client: AppClient,
        req: RespondToAuthChallengeRequest,
    ) -> Result<AuthResponse, CognitoError> {
        let responses = req.challenge_responses.clone().unwrap_or_default();
        let session = self
            .open_session(
                req.session.as_deref(),
                Some(client.id()),
                ChallengeName::MfaSetup,
            )
            .await?;
        let user = self
            .challenge_user(&pool, &client, &responses, session.row.user_sub)
            .await?;
        if !session.row.mfa_verified {
            return Err(CognitoError::invalid_parameter(
                "The software token has not been verified: call AssociateSoftwareToken and \
                 VerifySoftwareToken with this session first.",
            ));
        }
        if !store::tokens::take_session(self.db(), &session.hash).await? {
            return Err(CognitoError::not_authorized(msg::INVALID_SESSION));
        }
        tracing::info!(pool.id = %pool.id, user.sub = %user.sub, "MFA set up; signed in");
        self.issue_tokens(&pool, &client, &user, util::now()).await
    }
}

//! Sign-in flows. InitiateAuth and AdminInitiateAuth pick a flow by its `AuthFlow`, and
//! RespondToAuthChallenge picks the answer to a challenge by its `ChallengeName`; each flow is
//! one module:
//!
//! - `user_password`: `USER_PASSWORD_AUTH`, and the password sign-in it shares with `admin`;
//! - `admin`: `ADMIN_USER_PASSWORD_AUTH` / `ADMIN_NO_SRP_AUTH`;
//! - `refresh`: `REFRESH_TOKEN_AUTH` / `REFRESH_TOKEN`;
//! - `new_password`: the `NEW_PASSWORD_REQUIRED` challenge, started by a password sign-in;
//! - `srp`: `USER_SRP_AUTH` and its `PASSWORD_VERIFIER` challenge;
//! - `mfa`: the second factor every password sign-in ends with when the pool has MFA
//!   (`SOFTWARE_TOKEN_MFA`, `MFA_SETUP`).
//!
//! A flow ends with tokens ([`Identity::issue_tokens`]) or with a challenge (a session stored
//! with `store::tokens::insert_session`, answered through RespondToAuthChallenge). Adding one
//! is described in the crate documentation.

mod admin;
mod mfa;
mod new_password;
mod params;
mod refresh;
mod srp;
mod user_password;

use crate::error::{CognitoError, msg};
use crate::model::{AppClient, AuthFlow, ChallengeName, Pool};
use crate::service::Identity;
use crate::wire::{
    AdminInitiateAuthRequest, AdminRespondToAuthChallengeRequest, AuthResponse,
    InitiateAuthRequest, RespondToAuthChallengeRequest,
};

/// A known flow Gatehouse does not implement.
fn unsupported_flow(flow: AuthFlow) -> CognitoError {
    CognitoError::invalid_parameter(format!(
        "{flow} is not supported by Gatehouse; use USER_SRP_AUTH or USER_PASSWORD_AUTH."
    ))
}

fn unknown_flow(flow: &str) -> CognitoError {
    CognitoError::not_in_set("authFlow", flow, &AuthFlow::joined())
}

impl Identity {
    /// InitiateAuth: `USER_PASSWORD_AUTH`, `USER_SRP_AUTH` or `REFRESH_TOKEN_AUTH` /
    /// `REFRESH_TOKEN`.
    pub async fn initiate_auth(
        &self,
        req: InitiateAuthRequest,
    ) -> Result<AuthResponse, CognitoError> {
        let (pool, client) = self.load_client(&req.client_id).await?;
        let params = req.auth_parameters.unwrap_or_default();
        match AuthFlow::parse(&req.auth_flow) {
            Some(AuthFlow::UserPassword) => self.user_password_auth(&pool, &client, &params).await,
            Some(AuthFlow::UserSrp) => self.user_srp_auth(&pool, &client, &params).await,
            Some(AuthFlow::RefreshTokenAuth | AuthFlow::RefreshToken) => {
                self.refresh(&pool, &client, &params).await
            }
            Some(AuthFlow::AdminUserPassword | AuthFlow::AdminNoSrp) => Err(
                CognitoError::invalid_parameter(msg::AUTH_METHOD_NOT_SUPPORTED),
            ),
            Some(flow) => Err(unsupported_flow(flow)),
            None => Err(unknown_flow(&req.auth_flow)),
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
        match AuthFlow::parse(&req.auth_flow) {
            Some(AuthFlow::AdminUserPassword | AuthFlow::AdminNoSrp) => {
                self.admin_user_password_auth(&pool, &client, &params).await
            }
            Some(AuthFlow::RefreshTokenAuth | AuthFlow::RefreshToken) => {
                self.refresh(&pool, &client, &params).await
            }
            Some(AuthFlow::UserPassword) => Err(CognitoError::invalid_parameter(
                msg::AUTH_METHOD_NOT_SUPPORTED,
            )),
            Some(flow) => Err(unsupported_flow(flow)),
            None => Err(unknown_flow(&req.auth_flow)),
        }
    }

    /// RespondToAuthChallenge: `NEW_PASSWORD_REQUIRED`, `PASSWORD_VERIFIER`,
    /// `SOFTWARE_TOKEN_MFA` and `MFA_SETUP`.
    pub async fn respond_to_auth_challenge(
        &self,
        req: RespondToAuthChallengeRequest,
    ) -> Result<AuthResponse, CognitoError> {
        let (pool, client) = self.load_client(&req.client_id).await?;
        self.respond(pool, client, req).await
    }

    /// AdminRespondToAuthChallenge: the same answers, the pool named and the call signed.
    pub async fn admin_respond_to_auth_challenge(
        &self,
        req: AdminRespondToAuthChallengeRequest,
    ) -> Result<AuthResponse, CognitoError> {
        let pool = self.load_pool(&req.user_pool_id).await?;
        let client = self.load_pool_client(&pool, &req.client_id).await?;
        let req = RespondToAuthChallengeRequest {
            client_id: req.client_id,
            challenge_name: req.challenge_name,
            session: req.session,
            challenge_responses: req.challenge_responses,
            client_metadata: req.client_metadata,
        };
        self.respond(pool, client, req).await
    }

    async fn respond(
        &self,
        pool: Pool,
        client: AppClient,
        req: RespondToAuthChallengeRequest,
    ) -> Result<AuthResponse, CognitoError> {
        match ChallengeName::parse(&req.challenge_name) {
            Some(ChallengeName::NewPasswordRequired) => {
                self.respond_new_password(pool, client, req).await
            }
            Some(ChallengeName::PasswordVerifier) => {
                self.respond_password_verifier(pool, client, req).await
            }
            Some(ChallengeName::SoftwareTokenMfa) => {
                self.respond_software_token_mfa(pool, client, req).await
            }
            Some(ChallengeName::MfaSetup) => self.respond_mfa_setup(pool, client, req).await,
            Some(challenge) => Err(CognitoError::invalid_parameter(format!(
                "The {challenge} challenge is not supported by Gatehouse."
            ))),
            None => Err(CognitoError::not_in_set(
                "challengeName",
                &req.challenge_name,
                &ChallengeName::joined(),
            )),
        }
    }
}

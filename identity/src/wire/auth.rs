//! Authentication: InitiateAuth, AdminInitiateAuth, RespondToAuthChallenge, GlobalSignOut,
//! RevokeToken.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::redact::debug_redacted;

/// InitiateAuth. Flows: `USER_PASSWORD_AUTH` (`USERNAME`, `PASSWORD`, `SECRET_HASH`) and
/// `REFRESH_TOKEN_AUTH` / `REFRESH_TOKEN` (`REFRESH_TOKEN`, `SECRET_HASH`).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InitiateAuthRequest {
    pub auth_flow: String,
    pub client_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_parameters: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_metadata: Option<BTreeMap<String, String>>,
}
debug_redacted!(InitiateAuthRequest { auth_flow, client_id, client_metadata }
    secret { auth_parameters });

/// AdminInitiateAuth. Flows: `ADMIN_USER_PASSWORD_AUTH` / `ADMIN_NO_SRP_AUTH` and
/// `REFRESH_TOKEN_AUTH` / `REFRESH_TOKEN`.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminInitiateAuthRequest {
    pub user_pool_id: String,
    pub client_id: String,
    pub auth_flow: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_parameters: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_metadata: Option<BTreeMap<String, String>>,
}
debug_redacted!(AdminInitiateAuthRequest { user_pool_id, client_id, auth_flow, client_metadata }
    secret { auth_parameters });

/// RespondToAuthChallenge. Gatehouse implements `NEW_PASSWORD_REQUIRED`
/// (`ChallengeResponses`: `USERNAME`, `NEW_PASSWORD`, `SECRET_HASH`, `userAttributes.*`).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RespondToAuthChallengeRequest {
    pub client_id: String,
    pub challenge_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge_responses: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_metadata: Option<BTreeMap<String, String>>,
}
debug_redacted!(RespondToAuthChallengeRequest { client_id, challenge_name, client_metadata }
    secret { session, challenge_responses });

/// `AuthenticationResult`. `RefreshToken` is absent in refresh responses.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AuthenticationResultType {
    pub access_token: String,
    /// Lifetime of the access token, in seconds.
    pub expires_in: i64,
    pub token_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    pub id_token: String,
}
debug_redacted!(AuthenticationResultType { expires_in, token_type }
    secret { access_token, refresh_token, id_token });

/// The response of InitiateAuth, AdminInitiateAuth and RespondToAuthChallenge: either tokens
/// (`AuthenticationResult`) or a challenge (`ChallengeName`, `Session`, `ChallengeParameters`).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AuthResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    #[serde(default)]
    pub challenge_parameters: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authentication_result: Option<AuthenticationResultType>,
}
debug_redacted!(AuthResponse { challenge_name, challenge_parameters, authentication_result }
    secret { session });

pub type InitiateAuthResponse = AuthResponse;
pub type AdminInitiateAuthResponse = AuthResponse;
pub type RespondToAuthChallengeResponse = AuthResponse;

#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GlobalSignOutRequest {
    pub access_token: String,
}
debug_redacted!(GlobalSignOutRequest {} secret { access_token });

/// RevokeToken: revokes a refresh token and every ID/access token minted from it.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RevokeTokenRequest {
    pub token: String,
    pub client_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
}
debug_redacted!(RevokeTokenRequest { client_id } secret { token, client_secret });

/// AdminRespondToAuthChallenge: RespondToAuthChallenge with the pool named (SigV4-signed).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminRespondToAuthChallengeRequest {
    pub user_pool_id: String,
    pub client_id: String,
    pub challenge_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge_responses: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_metadata: Option<BTreeMap<String, String>>,
}
debug_redacted!(AdminRespondToAuthChallengeRequest { user_pool_id, client_id, challenge_name, client_metadata }
    secret { session, challenge_responses });

/// GetTokensFromRefreshToken: new tokens from a refresh token, with the client's secret itself
/// (not a SECRET_HASH) for clients that have one.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetTokensFromRefreshTokenRequest {
    pub refresh_token: String,
    pub client_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_metadata: Option<BTreeMap<String, String>>,
}
debug_redacted!(GetTokensFromRefreshTokenRequest { client_id, client_metadata }
    secret { refresh_token, client_secret });

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetTokensFromRefreshTokenResponse {
    pub authentication_result: Option<AuthenticationResultType>,
}

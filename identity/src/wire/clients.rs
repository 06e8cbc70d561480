//! App client operations: CreateUserPoolClient, DescribeUserPoolClient, ListUserPoolClients,
//! DeleteUserPoolClient.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::redact::debug_redacted;

/// Units of the three validity numbers: `seconds`, `minutes`, `hours` or `days`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TokenValidityUnitsType {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
}

/// The settings of an app client, as CreateUserPoolClient and UpdateUserPoolClient both take
/// them (flattened into each request).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolClientSettings {
    /// Default unit `days`; default 30 days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token_validity: Option<i64>,
    /// Default unit `hours`; default 1 hour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token_validity: Option<i64>,
    /// Default unit `hours`; default 1 hour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token_validity: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_validity_units: Option<TokenValidityUnitsType>,
    /// Attributes the client may read (ID token, GetUser). Absent: all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_attributes: Option<Vec<String>>,
    /// Attributes the client may write (SignUp, UpdateUserAttributes). Absent: all but the
    /// `*_verified` ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub write_attributes: Option<Vec<String>>,
    /// Absent: `ALLOW_REFRESH_TOKEN_AUTH, ALLOW_USER_SRP_AUTH, ALLOW_CUSTOM_AUTH` (as AWS), so
    /// `ALLOW_USER_PASSWORD_AUTH` must be asked for explicitly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explicit_auth_flows: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supported_identity_providers: Option<Vec<String>>,
    #[serde(
        default,
        rename = "CallbackURLs",
        skip_serializing_if = "Option::is_none"
    )]
    pub callback_urls: Option<Vec<String>>,
    #[serde(
        default,
        rename = "LogoutURLs",
        skip_serializing_if = "Option::is_none"
    )]
    pub logout_urls: Option<Vec<String>>,
    #[serde(
        default,
        rename = "DefaultRedirectURI",
        skip_serializing_if = "Option::is_none"
    )]
    pub default_redirect_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_o_auth_flows: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_o_auth_scopes: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_o_auth_flows_user_pool_client: Option<bool>,
    /// `ENABLED` (the Gatehouse default) or `LEGACY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prevent_user_existence_errors: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_token_revocation: Option<bool>,
    /// Minutes a NEW_PASSWORD_REQUIRED session stays valid, 3-15 (default 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_session_validity: Option<i32>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateUserPoolClientRequest {
    pub user_pool_id: String,
    pub client_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generate_secret: Option<bool>,
    #[serde(flatten)]
    pub settings: UserPoolClientSettings,
}

/// UpdateUserPoolClient: a full replacement, as AWS: every setting left out is reset to its
/// default (the name excepted, which stays). The id and the secret never change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateUserPoolClientRequest {
    pub user_pool_id: String,
    pub client_id: String,
    /// Absent: the name stays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_name: Option<String>,
    #[serde(flatten)]
    pub settings: UserPoolClientSettings,
}

/// `UserPoolClient`. `ClientSecret` is present only for clients created with `GenerateSecret`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolClientType {
    pub user_pool_id: String,
    pub client_name: String,
    pub client_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    #[serde(with = "super::epoch")]
    pub last_modified_date: OffsetDateTime,
    #[serde(with = "super::epoch")]
    pub creation_date: OffsetDateTime,
    pub refresh_token_validity: i64,
    pub access_token_validity: i64,
    pub id_token_validity: i64,
    pub token_validity_units: TokenValidityUnitsType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_attributes: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub write_attributes: Option<Vec<String>>,
    pub explicit_auth_flows: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supported_identity_providers: Option<Vec<String>>,
    #[serde(
        default,
        rename = "CallbackURLs",
        skip_serializing_if = "Option::is_none"
    )]
    pub callback_urls: Option<Vec<String>>,
    #[serde(
        default,
        rename = "LogoutURLs",
        skip_serializing_if = "Option::is_none"
    )]
    pub logout_urls: Option<Vec<String>>,
    #[serde(
        default,
        rename = "DefaultRedirectURI",
        skip_serializing_if = "Option::is_none"
    )]
    pub default_redirect_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_o_auth_flows: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_o_auth_scopes: Option<Vec<String>>,
    pub allowed_o_auth_flows_user_pool_client: bool,
    pub prevent_user_existence_errors: String,
    pub enable_token_revocation: bool,
    pub enable_propagate_additional_user_context_data: bool,
    pub auth_session_validity: i32,
}

debug_redacted!(UserPoolClientType {
    user_pool_id, client_name, client_id, last_modified_date, creation_date,
    refresh_token_validity, access_token_validity, id_token_validity, token_validity_units,
    read_attributes, write_attributes, explicit_auth_flows, supported_identity_providers,
    callback_urls, logout_urls, default_redirect_uri, allowed_o_auth_flows, allowed_o_auth_scopes,
    allowed_o_auth_flows_user_pool_client, prevent_user_existence_errors,
    enable_token_revocation, enable_propagate_additional_user_context_data, auth_session_validity
} secret { client_secret });

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateUserPoolClientResponse {
    pub user_pool_client: UserPoolClientType,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeUserPoolClientRequest {
    pub user_pool_id: String,
    pub client_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateUserPoolClientResponse {
    pub user_pool_client: UserPoolClientType,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeUserPoolClientResponse {
    pub user_pool_client: UserPoolClientType,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListUserPoolClientsRequest {
    pub user_pool_id: String,
    /// 1-60, default 60.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_results: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolClientDescription {
    pub client_id: String,
    pub user_pool_id: String,
    pub client_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListUserPoolClientsResponse {
    pub user_pool_clients: Vec<UserPoolClientDescription>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteUserPoolClientRequest {
    pub user_pool_id: String,
    pub client_id: String,
}

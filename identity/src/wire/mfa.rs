//! Software token (TOTP) MFA: the pool's MFA configuration, a user's authenticator and MFA
//! preference.

use serde::{Deserialize, Serialize};

use super::redact::debug_redacted;

#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssociateSoftwareTokenRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
}
debug_redacted!(AssociateSoftwareTokenRequest {} secret { access_token, session });

#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssociateSoftwareTokenResponse {
    pub secret_code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
}
debug_redacted!(AssociateSoftwareTokenResponse {} secret { secret_code, session });

#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VerifySoftwareTokenRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    pub user_code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub friendly_device_name: Option<String>,
}
debug_redacted!(VerifySoftwareTokenRequest { friendly_device_name }
    secret { access_token, session, user_code });

#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VerifySoftwareTokenResponse {
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
}
debug_redacted!(VerifySoftwareTokenResponse { status } secret { session });

/// `SoftwareTokenMfaSettings` / `SMSMfaSettings` / `EmailMfaSettings`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MfaSettingsType {
    #[serde(default)]
    pub enabled: Option<bool>,
    #[serde(default)]
    pub preferred_mfa: Option<bool>,
}

#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SetUserMfaPreferenceRequest {
    pub access_token: String,
    #[serde(default)]
    pub software_token_mfa_settings: Option<MfaSettingsType>,
    #[serde(default, rename = "SMSMfaSettings")]
    pub sms_mfa_settings: Option<MfaSettingsType>,
    #[serde(default)]
    pub email_mfa_settings: Option<MfaSettingsType>,
}
debug_redacted!(SetUserMfaPreferenceRequest {
    software_token_mfa_settings, sms_mfa_settings, email_mfa_settings
} secret { access_token });

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminSetUserMfaPreferenceRequest {
    pub user_pool_id: String,
    pub username: String,
    #[serde(default)]
    pub software_token_mfa_settings: Option<MfaSettingsType>,
    #[serde(default, rename = "SMSMfaSettings")]
    pub sms_mfa_settings: Option<MfaSettingsType>,
    #[serde(default)]
    pub email_mfa_settings: Option<MfaSettingsType>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SoftwareTokenMfaConfigType {
    #[serde(default)]
    pub enabled: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SetUserPoolMfaConfigRequest {
    pub user_pool_id: String,
    #[serde(default)]
    pub software_token_mfa_configuration: Option<SoftwareTokenMfaConfigType>,
    #[serde(default)]
    pub mfa_configuration: Option<String>,
    #[serde(default)]
    pub sms_mfa_configuration: Option<serde_json::Value>,
    #[serde(default)]
    pub email_mfa_configuration: Option<serde_json::Value>,
    #[serde(default)]
    pub web_authn_configuration: Option<serde_json::Value>,
}

/// The answer of SetUserPoolMfaConfig and GetUserPoolMfaConfig.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolMfaConfigResponse {
    pub software_token_mfa_configuration: SoftwareTokenMfaConfigType,
    pub mfa_configuration: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetUserPoolMfaConfigRequest {
    pub user_pool_id: String,
}

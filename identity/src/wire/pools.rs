//! User pool operations: CreateUserPool, DescribeUserPool, ListUserPools, UpdateUserPool,
//! DeleteUserPool, AddCustomAttributes, GetSigningCertificate, and the pool's tags
//! (TagResource, UntagResource, ListTagsForResource).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;

/// `PasswordPolicy` (every member optional on input; all filled in on output).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PasswordPolicyType {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum_length: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_uppercase: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_lowercase: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_numbers: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_symbols: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temporary_password_validity_days: Option<i32>,
}

/// `Policies`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolPolicyType {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_policy: Option<PasswordPolicyType>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NumberAttributeConstraintsType {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_value: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StringAttributeConstraintsType {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<String>,
}

/// One `Schema` entry. On input a custom attribute is named without the `custom:` prefix
/// (`{"Name": "role", ...}`); on output it is `custom:role`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SchemaAttributeType {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `String`, `Number`, `DateTime` or `Boolean`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribute_data_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub developer_only_attribute: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mutable: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_attribute_constraints: Option<NumberAttributeConstraintsType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub string_attribute_constraints: Option<StringAttributeConstraintsType>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminCreateUserConfigType {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_admin_create_user_only: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unused_account_validity_days: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invite_message_template: Option<Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UsernameConfigurationType {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_sensitive: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateUserPoolRequest {
    pub pool_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policies: Option<UserPoolPolicyType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_verified_attributes: Option<Vec<String>>,
    /// `email`, `phone_number`, `preferred_username` (Gatehouse signs in with `email` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias_attributes: Option<Vec<String>>,
    /// `["email"]` makes the email the sign-in name; the stored `Username` is then the `sub`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username_attributes: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<Vec<SchemaAttributeType>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa_configuration: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_create_user_config: Option<AdminCreateUserConfigType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username_configuration: Option<UsernameConfigurationType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_protection: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_pool_tags: Option<BTreeMap<String, String>>,
    /// Stored and echoed back; Gatehouse delivers messages through its outbox.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification_message_template: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_configuration: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_recovery_setting: Option<Value>,
    /// Stored and echoed back; triggers are not run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lambda_config: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_pool_tier: Option<String>,
}

/// `UserPool` in CreateUserPool / DescribeUserPool responses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolType {
    pub id: String,
    pub name: String,
    pub arn: String,
    pub policies: UserPoolPolicyType,
    pub schema_attributes: Vec<SchemaAttributeType>,
    pub auto_verified_attributes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username_attributes: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias_attributes: Option<Vec<String>>,
    pub mfa_configuration: String,
    pub estimated_number_of_users: i64,
    pub deletion_protection: String,
    pub admin_create_user_config: AdminCreateUserConfigType,
    pub username_configuration: UsernameConfigurationType,
    pub user_pool_tags: BTreeMap<String, String>,
    pub verification_message_template: Value,
    pub email_configuration: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_recovery_setting: Option<Value>,
    pub lambda_config: Value,
    pub user_pool_tier: String,
    #[serde(with = "super::epoch")]
    pub creation_date: OffsetDateTime,
    #[serde(with = "super::epoch")]
    pub last_modified_date: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateUserPoolResponse {
    pub user_pool: UserPoolType,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeUserPoolRequest {
    pub user_pool_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeUserPoolResponse {
    pub user_pool: UserPoolType,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListUserPoolsRequest {
    /// 1-60 (required by AWS).
    pub max_results: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolDescriptionType {
    pub id: String,
    pub name: String,
    pub lambda_config: Value,
    #[serde(with = "super::epoch")]
    pub creation_date: OffsetDateTime,
    #[serde(with = "super::epoch")]
    pub last_modified_date: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListUserPoolsResponse {
    pub user_pools: Vec<UserPoolDescriptionType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// UpdateUserPool. Like AWS, settings that are left out are reset to their defaults (send the
/// full configuration, e.g. from DescribeUserPool). The pool name, schema and sign-in
/// attributes cannot be changed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateUserPoolRequest {
    pub user_pool_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policies: Option<UserPoolPolicyType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_verified_attributes: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa_configuration: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_create_user_config: Option<AdminCreateUserConfigType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_protection: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_pool_tags: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification_message_template: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_configuration: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_recovery_setting: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lambda_config: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_pool_tier: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteUserPoolRequest {
    pub user_pool_id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AddCustomAttributesRequest {
    pub user_pool_id: String,
    /// 1-25 entries, named without the `custom:` prefix.
    pub custom_attributes: Vec<SchemaAttributeType>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetSigningCertificateRequest {
    pub user_pool_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetSigningCertificateResponse {
    /// The X.509 certificate, DER in standard base64 (no PEM armour).
    pub certificate: String,
}

/// TagResource: `ResourceArn` is a user pool's ARN.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagResourceRequest {
    pub resource_arn: String,
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UntagResourceRequest {
    pub resource_arn: String,
    pub tag_keys: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagsForResourceRequest {
    pub resource_arn: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagsForResourceResponse {
    pub tags: BTreeMap<String, String>,
}

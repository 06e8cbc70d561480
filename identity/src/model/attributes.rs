//! The attribute schema: the standard attributes every pool has, and custom attribute
//! definitions. Validation of written values is `crate::attributes`'.

use super::values::AttributeDataType;

/// The OpenID Connect standard attributes every pool has, with their data type and whether
/// they can change after creation.
pub(crate) const STANDARD_ATTRIBUTES: &[(&str, AttributeDataType, bool)] = &[
    ("sub", AttributeDataType::String, false),
    ("name", AttributeDataType::String, true),
    ("given_name", AttributeDataType::String, true),
    ("family_name", AttributeDataType::String, true),
    ("middle_name", AttributeDataType::String, true),
    ("nickname", AttributeDataType::String, true),
    ("preferred_username", AttributeDataType::String, true),
    ("profile", AttributeDataType::String, true),
    ("picture", AttributeDataType::String, true),
    ("website", AttributeDataType::String, true),
    ("email", AttributeDataType::String, true),
    ("email_verified", AttributeDataType::Boolean, true),
    ("gender", AttributeDataType::String, true),
    ("birthdate", AttributeDataType::String, true),
    ("zoneinfo", AttributeDataType::String, true),
    ("locale", AttributeDataType::String, true),
    ("phone_number", AttributeDataType::String, true),
    ("phone_number_verified", AttributeDataType::Boolean, true),
    ("address", AttributeDataType::String, true),
    ("updated_at", AttributeDataType::Number, true),
];

/// The prefix of custom attribute names on the wire (`custom:role`).
pub(crate) const CUSTOM_PREFIX: &str = "custom:";
/// The longest string attribute value, unless a custom attribute says less.
pub(crate) const DEFAULT_MAX_LENGTH: usize = 2048;

pub(crate) fn is_standard(name: &str) -> bool {
    STANDARD_ATTRIBUTES.iter().any(|(n, _, _)| *n == name)
}

pub(crate) fn is_verification_flag(name: &str) -> bool {
    matches!(name, "email_verified" | "phone_number_verified")
}

/// A custom attribute definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CustomAttribute {
    /// Without the `custom:` prefix.
    pub name: String,
    pub data_type: AttributeDataType,
    pub mutable: bool,
    pub developer_only: bool,
    pub min_length: Option<i32>,
    pub max_length: Option<i32>,
    pub min_value: Option<String>,
    pub max_value: Option<String>,
}

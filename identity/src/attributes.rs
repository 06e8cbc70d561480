//! User attributes against the schema (`model::attributes`): the schema on the wire,
//! validation of written values and of custom attribute definitions.

use std::collections::BTreeMap;

use crate::error::{CognitoError, msg};
use crate::model::{
    AppClient, AttributeDataType, CUSTOM_PREFIX, CustomAttribute, DEFAULT_MAX_LENGTH, Pool,
    STANDARD_ATTRIBUTES, is_standard,
};
use crate::wire::{
    AttributeType, NumberAttributeConstraintsType, SchemaAttributeType,
    StringAttributeConstraintsType,
};

/// The standard attributes as `SchemaAttributes` entries (DescribeUserPool).
pub(crate) fn standard_schema(required: &[String]) -> Vec<SchemaAttributeType> {
    STANDARD_ATTRIBUTES
        .iter()
        .map(|(name, data_type, mutable)| SchemaAttributeType {
            name: Some((*name).to_owned()),
            attribute_data_type: Some(data_type.as_str().to_owned()),
            developer_only_attribute: Some(false),
            mutable: Some(*mutable),
            required: Some(*name == "sub" || required.iter().any(|r| r == name)),
            number_attribute_constraints: (*data_type == AttributeDataType::Number).then(|| {
                NumberAttributeConstraintsType {
                    min_value: Some("0".to_owned()),
                    max_value: None,
                }
            }),
            string_attribute_constraints: (*data_type == AttributeDataType::String).then(|| {
                StringAttributeConstraintsType {
                    min_length: Some(if *name == "sub" { "1" } else { "0" }.to_owned()),
                    max_length: Some(DEFAULT_MAX_LENGTH.to_string()),
                }
            }),
        })
        .collect()
}

/// Who is writing attributes: decides what may be written.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Writer<'a> {
    /// An administrator creating a user (any attribute, including `*_verified`).
    AdminCreate,
    /// An administrator changing a user (any mutable attribute, including `*_verified`).
    AdminUpdate,
    /// SignUp through an app client.
    SignUp(&'a AppClient),
    /// The user, through UpdateUserAttributes or a NEW_PASSWORD_REQUIRED response.
    SelfUpdate(&'a AppClient),
}

fn schema_error(detail: impl std::fmt::Display) -> CognitoError {
    CognitoError::invalid_parameter(format!(
        "Attributes did not conform to the schema: {detail}"
    ))
}

/// Validates `attrs` against the pool's schema and the writer's permissions and returns them
/// as a map (later duplicates win). `sub` can never be written.
pub(crate) fn validate_write(
    pool: &Pool,
    attrs: &[AttributeType],
    writer: Writer<'_>,
) -> Result<BTreeMap<String, String>, CognitoError> {
    let mut out = BTreeMap::new();
    for attr in attrs {
        let name = attr.name.as_str();
        let value = attr.value.clone().unwrap_or_default();
        if name == "sub" {
            return Err(schema_error(
                "sub: Attribute cannot be updated. (changing an immutable attribute)",
            ));
        }
        let custom = name
            .strip_prefix(CUSTOM_PREFIX)
            .map(|short| pool.custom.iter().find(|c| c.name == short));
        match custom {
            Some(None) => {
                return Err(schema_error(format_args!(
                    "Type for attribute {{{name}}} could not be determined"
                )));
            }
            Some(Some(def)) => {
                if !def.mutable && matches!(writer, Writer::SelfUpdate(_) | Writer::AdminUpdate) {
                    return Err(schema_error(format_args!(
                        "{name}: Attribute cannot be updated. (changing an immutable attribute)"
                    )));
                }
                def.check_value(name, &value)?;
            }
            None => {
                if !is_standard(name) {
                    return Err(schema_error(format_args!(
                        "Type for attribute {{{name}}} could not be determined"
                    )));
                }
                check_standard_value(name, &value)?;
            }
        }
        let client = match writer {
            Writer::AdminCreate | Writer::AdminUpdate => None,
            Writer::SignUp(c) | Writer::SelfUpdate(c) => Some(c),
        };
        if let Some(client) = client
            && !client.can_write(name)
        {
            return Err(CognitoError::not_authorized(msg::UNAUTHORIZED_ATTRIBUTE));
        }
        out.insert(name.to_owned(), value);
    }
    Ok(out)
}

/// Checks that every attribute the pool's schema marks as required has a non-empty value.
pub(crate) fn check_required(
    pool: &Pool,
    attrs: &BTreeMap<String, String>,
) -> Result<(), CognitoError> {
    for name in &pool.required_attributes {
        if attrs.get(name).is_none_or(|v| v.is_empty()) {
            return Err(schema_error(format_args!(
                "{name}: The attribute is required"
            )));
        }
    }
    Ok(())
}

fn check_standard_value(name: &str, value: &str) -> Result<(), CognitoError> {
    if value.chars().count() > DEFAULT_MAX_LENGTH {
        return Err(schema_error(format_args!(
            "{name}: String must be no longer than {DEFAULT_MAX_LENGTH} characters"
        )));
    }
    match name {
        "email" if !value.is_empty() && !is_email(value) => Err(CognitoError::invalid_parameter(
            "Invalid email address format.",
        )),
        "phone_number" if !value.is_empty() && !is_phone(value) => Err(
            CognitoError::invalid_parameter("Invalid phone number format."),
        ),
        "email_verified" | "phone_number_verified" if !matches!(value, "true" | "false") => Err(
            schema_error(format_args!("{name}: Boolean value must be true or false")),
        ),
        "updated_at" if !value.is_empty() && value.parse::<i64>().is_err() => Err(schema_error(
            format_args!("{name}: Number must be a valid number"),
        )),
        _ => Ok(()),
    }
}

/// A plausible email address: one `@`, non-empty local part, a dotted domain, no whitespace.
pub(crate) fn is_email(value: &str) -> bool {
    match value.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !value.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// E.164: `+` and 4-15 digits.
pub(crate) fn is_phone(value: &str) -> bool {
    value
        .strip_prefix('+')
        .is_some_and(|d| (4..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()))
}

impl CustomAttribute {
    /// Parses a `Schema` entry that is not a standard attribute.
    pub(crate) fn from_schema(
        entry: &SchemaAttributeType,
    ) -> Result<CustomAttribute, CognitoError> {
        let raw = entry.name.as_deref().unwrap_or_default();
        let name = raw.strip_prefix(CUSTOM_PREFIX).unwrap_or(raw);
        if name.is_empty()
            || name.chars().count() > 20
            || !name
                .chars()
                .all(|c| !c.is_whitespace() && !c.is_control() && c != ':')
        {
            return Err(CognitoError::invalid_parameter(format!(
                "Invalid custom attribute name {raw:?}: 1-20 characters, no colons or whitespace."
            )));
        }
        let given = entry.attribute_data_type.as_deref().unwrap_or("String");
        let Some(data_type) = AttributeDataType::parse(given) else {
            return Err(CognitoError::invalid_parameter(format!(
                "1 validation error detected: Value '{given}' at 'schema.member.attributeDataType' \
                 failed to satisfy constraint: Member must satisfy enum value set: [{}]",
                AttributeDataType::joined()
            )));
        };
        if entry.required == Some(true) {
            return Err(CognitoError::invalid_parameter(
                "Required custom attributes are not supported.",
            ));
        }
        let parse_i32 = |v: &Option<String>, what: &str| -> Result<Option<i32>, CognitoError> {
            v.as_deref()
                .map(|s| {
                    s.parse::<i32>().map_err(|_| {
                        CognitoError::invalid_parameter(format!(
                            "Invalid {what} for custom attribute {name}: {s:?}"
                        ))
                    })
                })
                .transpose()
        };
        let parse_num = |v: &Option<String>, what: &str| -> Result<Option<String>, CognitoError> {
            v.as_deref()
                .map(|s| match s.parse::<f64>() {
                    Ok(_) => Ok(s.to_owned()),
                    Err(_) => Err(CognitoError::invalid_parameter(format!(
                        "Invalid {what} for custom attribute {name}: {s:?}"
                    ))),
                })
                .transpose()
        };
        let strings = entry
            .string_attribute_constraints
            .clone()
            .unwrap_or_default();
        let numbers = entry
            .number_attribute_constraints
            .clone()
            .unwrap_or_default();
        Ok(CustomAttribute {
            name: name.to_owned(),
            data_type,
            mutable: entry.mutable.unwrap_or(true),
            developer_only: entry.developer_only_attribute.unwrap_or(false),
            min_length: parse_i32(&strings.min_length, "MinLength")?,
            max_length: parse_i32(&strings.max_length, "MaxLength")?,
            min_value: parse_num(&numbers.min_value, "MinValue")?,
            max_value: parse_num(&numbers.max_value, "MaxValue")?,
        })
    }

    /// The `SchemaAttributes` entry (`custom:NAME`).
    pub(crate) fn to_schema(&self) -> SchemaAttributeType {
        let string = self.data_type == AttributeDataType::String;
        let number = self.data_type == AttributeDataType::Number;
        SchemaAttributeType {
            name: Some(format!("{CUSTOM_PREFIX}{}", self.name)),
            attribute_data_type: Some(self.data_type.as_str().to_owned()),
            developer_only_attribute: Some(self.developer_only),
            mutable: Some(self.mutable),
            required: Some(false),
            number_attribute_constraints: number.then(|| NumberAttributeConstraintsType {
                min_value: self.min_value.clone(),
                max_value: self.max_value.clone(),
            }),
            string_attribute_constraints: string.then(|| StringAttributeConstraintsType {
                min_length: self.min_length.map(|n| n.to_string()),
                max_length: Some(
                    self.max_length
                        .map_or(DEFAULT_MAX_LENGTH.to_string(), |n| n.to_string()),
                ),
            }),
        }
    }

    fn check_value(&self, full_name: &str, value: &str) -> Result<(), CognitoError> {
        let chars = value.chars().count();
        match self.data_type {
            AttributeDataType::Number => {
                let n: f64 = value.parse().map_err(|_| {
                    schema_error(format_args!("{full_name}: Number must be a valid number"))
                })?;
                let below = self
                    .min_value
                    .as_deref()
                    .and_then(|m| m.parse::<f64>().ok())
                    .is_some_and(|m| n < m);
                let above = self
                    .max_value
                    .as_deref()
                    .and_then(|m| m.parse::<f64>().ok())
                    .is_some_and(|m| n > m);
                if below || above {
                    return Err(schema_error(format_args!(
                        "{full_name}: Number is out of the allowed range"
                    )));
                }
            }
            AttributeDataType::Boolean if !matches!(value, "true" | "false" | "1" | "0") => {
                return Err(schema_error(format_args!(
                    "{full_name}: Boolean value must be true or false"
                )));
            }
            _ => {
                let max = self
                    .max_length
                    .map_or(DEFAULT_MAX_LENGTH, |n| usize::try_from(n).unwrap_or(0));
                if chars > max {
                    return Err(schema_error(format_args!(
                        "{full_name}: String must be no longer than {max} characters"
                    )));
                }
                // An email is also a unique index entry, which PostgreSQL caps at ~2.7 kB:
                // 2048 characters of four bytes would not fit.
                if value.len() > DEFAULT_MAX_LENGTH {
                    return Err(schema_error(format_args!(
                        "{full_name}: String must be no longer than {DEFAULT_MAX_LENGTH} bytes"
                    )));
                }
                let min = self
                    .min_length
                    .map_or(0, |n| usize::try_from(n).unwrap_or(0));
                if chars < min {
                    return Err(schema_error(format_args!(
                        "{full_name}: String must be no shorter than {min} characters"
                    )));
                }
            }
        }
        Ok(())
    }
}

/// `[{Name: "sub", ...}, {Name, Value}...]`, as GetUser/AdminGetUser/ListUsers return them;
/// `keep` filters names (e.g. the client's ReadAttributes).
pub(crate) fn to_wire(
    sub: &str,
    attrs: &BTreeMap<String, String>,
    keep: impl Fn(&str) -> bool,
) -> Vec<AttributeType> {
    let mut out = Vec::with_capacity(attrs.len() + 1);
    if keep("sub") {
        out.push(AttributeType::new("sub", sub));
    }
    out.extend(
        attrs
            .iter()
            .filter(|(name, _)| keep(name))
            .map(|(name, value)| AttributeType::new(name.clone(), value.clone())),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_and_phone_formats() {
        assert!(is_email("a@example.com"));
        assert!(!is_email("a@example"));
        assert!(!is_email("@example.com"));
        assert!(!is_email("a b@example.com"));
        assert!(is_phone("+15551234567"));
        assert!(!is_phone("15551234567"));
        assert!(!is_phone("+1555-123"));
    }

    #[test]
    fn custom_schema_entries() {
        let def = CustomAttribute::from_schema(&SchemaAttributeType {
            name: Some("role".into()),
            attribute_data_type: Some("String".into()),
            mutable: Some(true),
            ..Default::default()
        })
        .expect("valid");
        assert_eq!(def.to_schema().name.as_deref(), Some("custom:role"));
        assert!(
            CustomAttribute::from_schema(&SchemaAttributeType {
                name: Some("x".into()),
                attribute_data_type: Some("Blob".into()),
                ..Default::default()
            })
            .is_err()
        );
        let num = CustomAttribute::from_schema(&SchemaAttributeType {
            name: Some("age".into()),
            attribute_data_type: Some("Number".into()),
            number_attribute_constraints: Some(NumberAttributeConstraintsType {
                min_value: Some("0".into()),
                max_value: Some("150".into()),
            }),
            ..Default::default()
        })
        .expect("valid");
        assert!(num.check_value("custom:age", "42").is_ok());
        assert!(num.check_value("custom:age", "200").is_err());
        assert!(num.check_value("custom:age", "old").is_err());
    }
}

//! Shapes several operations share.

use serde::{Deserialize, Serialize};

/// `{Name, Value}`: one user attribute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttributeType {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

impl AttributeType {
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> AttributeType {
        AttributeType {
            name: name.into(),
            value: Some(value.into()),
        }
    }
}

/// Where a code was (or would have been) sent; `Destination` is masked (`a***@e***`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CodeDeliveryDetailsType {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_medium: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribute_name: Option<String>,
}

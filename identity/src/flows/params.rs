//! Reading `AuthParameters` and `ChallengeResponses`, shared by the flows.

use std::collections::BTreeMap;

use crate::error::CognitoError;

/// A required, non-empty parameter (`Missing required parameter NAME` otherwise).
pub(super) fn param<'a>(
    params: &'a BTreeMap<String, String>,
    name: &str,
) -> Result<&'a str, CognitoError> {
    params
        .get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| CognitoError::missing_parameter(name))
}

/// `SECRET_HASH`, when given.
pub(super) fn secret_hash(params: &BTreeMap<String, String>) -> Option<&str> {
    params.get("SECRET_HASH").map(String::as_str)
}

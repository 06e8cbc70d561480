//! Small helpers: random identifiers, hashing, pagination tokens and member validation.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::Rng;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::error::CognitoError;

const ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const LOWER_ALNUM: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";

fn random_from(charset: &[u8], len: usize) -> String {
    (0..len)
        .map(|_| char::from(charset[OsRng.gen_range(0..charset.len())]))
        .collect()
}

/// `{region}_{9 alphanumerics}`.
pub(crate) fn new_pool_id(region: &str) -> String {
    format!("{region}_{}", random_from(ALNUM, 9))
}

/// 26 lowercase alphanumerics, like real app client ids.
pub(crate) fn new_client_id() -> String {
    random_from(LOWER_ALNUM, 26)
}

/// 51 lowercase alphanumerics (the model allows `[\w+]+`, 24-64).
pub(crate) fn new_client_secret() -> String {
    random_from(LOWER_ALNUM, 51)
}

/// An opaque token of `bytes` random bytes, base64url without padding.
pub(crate) fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    OsRng.fill(buf.as_mut_slice());
    URL_SAFE_NO_PAD.encode(buf)
}

pub(crate) fn sha256(data: &[u8]) -> Vec<u8> {
    Sha256::digest(data).to_vec()
}

/// The current time, truncated to microseconds (what PostgreSQL stores), so values returned
/// right after a write equal those read back later.
pub(crate) fn now() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    t.replace_nanosecond(t.nanosecond() / 1000 * 1000)
        .unwrap_or(t)
}

/// Opaque pagination token for a keyset position.
pub(crate) fn encode_page_token(last_key: &str) -> String {
    URL_SAFE_NO_PAD.encode(last_key.as_bytes())
}

pub(crate) fn decode_page_token(token: &str, member: &str) -> Result<String, CognitoError> {
    URL_SAFE_NO_PAD
        .decode(token)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| CognitoError::invalid_parameter(format!("Invalid {member}.")))
}

/// Page size from an optional limit (1..=60, default 60).
pub(crate) fn page_limit(limit: Option<i32>, member: &str) -> Result<i64, CognitoError> {
    match limit {
        None => Ok(60),
        Some(n) if (1..=60).contains(&n) => Ok(i64::from(n)),
        Some(n) => Err(CognitoError::invalid_parameter(format!(
            "1 validation error detected: Value '{n}' at '{}' failed to satisfy constraint: \
             Member must have value less than or equal to 60",
            crate::error::lower_camel(member)
        ))),
    }
}

/// A required string member must not be empty (AWS: length >= 1).
pub(crate) fn require_non_empty(member: &str, value: &str) -> Result<(), CognitoError> {
    if value.is_empty() {
        return Err(CognitoError::invalid_parameter(format!(
            "1 validation error detected: Value at '{}' failed to satisfy constraint: \
             Member must have length greater than or equal to 1",
            crate::error::lower_camel(member)
        )));
    }
    Ok(())
}

/// `[\w-]+_[0-9a-zA-Z]+`, at most 55 characters.
pub(crate) fn validate_pool_id(id: &str) -> Result<(), CognitoError> {
    let valid = id.len() <= 55
        && match id.rsplit_once('_') {
            Some((region, suffix)) => {
                !region.is_empty()
                    && region
                        .chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
                    && !suffix.is_empty()
                    && suffix.chars().all(|c| c.is_ascii_alphanumeric())
            }
            None => false,
        };
    if valid {
        Ok(())
    } else {
        Err(CognitoError::invalid_parameter(format!(
            "1 validation error detected: Value '{id}' at 'userPoolId' failed to satisfy \
             constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+"
        )))
    }
}

/// Usernames and group names: 1-128 characters of `[\p{L}\p{M}\p{S}\p{N}\p{P}]` (no
/// whitespace or control characters).
pub(crate) fn validate_name(member: &str, value: &str) -> Result<(), CognitoError> {
    require_non_empty(member, value)?;
    let ok = value.chars().count() <= 128
        && value.chars().all(|c| !c.is_whitespace() && !c.is_control());
    if ok {
        Ok(())
    } else {
        Err(CognitoError::invalid_parameter(format!(
            "1 validation error detected: Value at '{}' failed to satisfy constraint: Member \
             must satisfy regular expression pattern: [\\p{{L}}\\p{{M}}\\p{{S}}\\p{{N}}\\p{{P}}]+",
            crate::error::lower_camel(member)
        )))
    }
}

/// AWS's `ArnType` pattern (botocore `cognito-idp`), as its validation messages quote it.
pub(crate) const ARN_PATTERN: &str = "arn:[\\w+=/,.@-]+:[\\w+=/,.@-]+:([\\w+=/,.@-]*)?:[0-9]+:\
    [\\w+=/,.@-]+(:[\\w+=/,.@-]+)?(:[\\w+=/,.@-]+)?";

/// `ArnType`: 20-2048 characters matching [`ARN_PATTERN`] (`\w` is ASCII, as in Java). Returns
/// the `:`-separated fields (`arn`, partition, service, region, account, resource...).
pub(crate) fn validate_arn<'a>(member: &str, value: &'a str) -> Result<Vec<&'a str>, CognitoError> {
    let member = crate::error::lower_camel(member);
    let chars = value.chars().count();
    if !(20..=2048).contains(&chars) {
        let bound = if chars < 20 {
            "greater than or equal to 20"
        } else {
            "less than or equal to 2048"
        };
        return Err(CognitoError::invalid_parameter(format!(
            "1 validation error detected: Value at '{member}' failed to satisfy constraint: \
             Member must have length {bound}"
        )));
    }
    let word = |s: &str| {
        s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=/,.@-".contains(c))
    };
    let fields: Vec<&str> = value.split(':').collect();
    let valid = (6..=8).contains(&fields.len())
        && fields[0] == "arn"
        && fields[1..3].iter().all(|f| !f.is_empty() && word(f))
        && word(fields[3])
        && !fields[4].is_empty()
        && fields[4].bytes().all(|b| b.is_ascii_digit())
        && fields[5..].iter().all(|f| !f.is_empty() && word(f));
    if valid {
        Ok(fields)
    } else {
        Err(CognitoError::invalid_parameter(format!(
            "1 validation error detected: Value '{value}' at '{member}' failed to satisfy \
             constraint: Member must satisfy regular expression pattern: {ARN_PATTERN}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_follow_the_model_pattern() {
        let fields = validate_arn(
            "ResourceArn",
            "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc",
        )
        .expect("valid");
        assert_eq!(fields[2], "cognito-idp");
        assert_eq!(fields[5], "userpool/us-east-1_abc");
        assert!(validate_arn("RoleArn", "arn:aws:iam::123456789012:role/admins").is_ok());
        for bad in [
            "not-an-arn-at-all-really",
            "arn:aws:s3:::bucket-name-here",
            "arn:aws:cognito-idp:us-east-1:account:userpool/x",
            "arn:aws:cognito-idp:us-east-1:123456789012:",
            "arn:aws:cognito idp:us-east-1:123456789012:userpool/x",
        ] {
            let e = validate_arn("ResourceArn", bad).expect_err(bad);
            assert!(e.message.contains("at 'resourceArn'"), "{}", e.message);
            assert!(e.message.ends_with(ARN_PATTERN), "{}", e.message);
        }
        assert!(
            validate_arn("ResourceArn", "arn:a:b::1:c")
                .expect_err("short")
                .message
                .ends_with("greater than or equal to 20")
        );
        assert_eq!(
            ARN_PATTERN,
            r"arn:[\w+=/,.@-]+:[\w+=/,.@-]+:([\w+=/,.@-]*)?:[0-9]+:[\w+=/,.@-]+(:[\w+=/,.@-]+)?(:[\w+=/,.@-]+)?"
        );
    }

    #[test]
    fn ids_have_aws_shapes() {
        let id = new_pool_id("eu-west-1");
        let (region, suffix) = id.split_once('_').expect("underscore");
        assert_eq!(region, "eu-west-1");
        assert_eq!(suffix.len(), 9);
        assert!(suffix.chars().all(|c| c.is_ascii_alphanumeric()));
        assert!(validate_pool_id(&id).is_ok());
        let client = new_client_id();
        assert_eq!(client.len(), 26);
        assert!(
            client
                .chars()
                .all(|c| c.is_ascii_digit() || c.is_ascii_lowercase())
        );
        assert!(validate_pool_id("us-east-1_abc-def").is_err());
        assert!(validate_pool_id("nounderscore").is_err());
        assert!(validate_pool_id("us-east-1_").is_err());
    }

    #[test]
    fn page_tokens_round_trip() {
        let t = encode_page_token("alice@example.com");
        assert_eq!(decode_page_token(&t, "x").expect("ok"), "alice@example.com");
        assert!(decode_page_token("!!", "x").is_err());
    }
}

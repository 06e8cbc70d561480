//! Request and response bodies of the Cognito JSON protocol (`x-amz-json-1.1`), with AWS's
//! PascalCase member names. Timestamps are JSON numbers (epoch seconds). Optional members that
//! are absent stay absent in responses.
//!
//! Types that carry passwords, tokens, sessions or secrets print `<redacted>` for them in
//! `Debug`.

mod auth;
mod clients;
mod groups;
mod pools;
mod users;

pub use auth::*;
pub use clients::*;
pub use groups::*;
pub use pools::*;
pub use users::*;

use serde::{Deserialize, Serialize};

/// Wraps a secret for `Debug`: prints `<redacted>` (or `None`).
pub(crate) struct Redacted<'a, T>(pub &'a T);

impl<T: RedactShape> std::fmt::Debug for Redacted<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.is_present() {
            f.write_str("<redacted>")
        } else {
            f.write_str("None")
        }
    }
}

pub(crate) trait RedactShape {
    fn is_present(&self) -> bool;
}
impl RedactShape for String {
    fn is_present(&self) -> bool {
        true
    }
}
impl<T> RedactShape for Option<T> {
    fn is_present(&self) -> bool {
        self.is_some()
    }
}

/// `impl Debug` listing `plain` fields normally and `secret` fields as `<redacted>`.
macro_rules! debug_redacted {
    ($ty:ident { $($plain:ident),* $(,)? } secret { $($secret:ident),* $(,)? }) => {
        impl std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                let mut d = f.debug_struct(stringify!($ty));
                $( d.field(stringify!($plain), &self.$plain); )*
                $( d.field(stringify!($secret), &$crate::wire::Redacted(&self.$secret)); )*
                d.finish()
            }
        }
    };
}
pub(crate) use debug_redacted;

/// Epoch-seconds (de)serialisation of [`time::OffsetDateTime`] as a JSON number, millisecond
/// precision.
pub mod epoch {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};
    use time::OffsetDateTime;

    pub fn to_f64(t: &OffsetDateTime) -> f64 {
        (t.unix_timestamp_nanos() / 1_000_000) as f64 / 1000.0
    }

    pub fn from_f64(secs: f64) -> Option<OffsetDateTime> {
        if !secs.is_finite() {
            return None;
        }
        OffsetDateTime::from_unix_timestamp_nanos((secs * 1e9) as i128).ok()
    }

    pub fn serialize<S: Serializer>(t: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(to_f64(t))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
        let secs = f64::deserialize(d)?;
        from_f64(secs).ok_or_else(|| D::Error::custom("timestamp out of range"))
    }

    /// The same for `Option<OffsetDateTime>` (use with `default` and `skip_serializing_if`).
    pub mod option {
        use super::*;

        pub fn serialize<S: Serializer>(
            t: &Option<OffsetDateTime>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match t {
                Some(t) => s.serialize_f64(to_f64(t)),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<OffsetDateTime>, D::Error> {
            match Option::<f64>::deserialize(d)? {
                Some(secs) => from_f64(secs)
                    .map(Some)
                    .ok_or_else(|| D::Error::custom("timestamp out of range")),
                None => Ok(None),
            }
        }
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_secrets() {
        let req = SignUpRequest {
            client_id: "client".into(),
            username: "alice".into(),
            password: Some("Sup3r-Secret!".into()),
            secret_hash: Some("hash-value".into()),
            ..Default::default()
        };
        let text = format!("{req:?}");
        assert!(text.contains("alice") && text.contains("<redacted>"));
        assert!(!text.contains("Sup3r-Secret!") && !text.contains("hash-value"));

        let result = AuthenticationResultType {
            access_token: "access.jwt.value".into(),
            expires_in: 3600,
            token_type: "Bearer".into(),
            refresh_token: Some("refresh-value".into()),
            id_token: "id.jwt.value".into(),
        };
        let text = format!("{result:?}");
        assert!(text.contains("3600"));
        for secret in ["access.jwt.value", "refresh-value", "id.jwt.value"] {
            assert!(!text.contains(secret), "{text}");
        }
        let auth = InitiateAuthRequest {
            auth_flow: "USER_PASSWORD_AUTH".into(),
            client_id: "c".into(),
            auth_parameters: Some([("PASSWORD".to_owned(), "pw-123".to_owned())].into()),
            client_metadata: None,
        };
        assert!(!format!("{auth:?}").contains("pw-123"));
    }

    #[test]
    fn timestamps_are_epoch_numbers() {
        let t = time::OffsetDateTime::from_unix_timestamp(1_700_000_000).expect("valid");
        let group = GroupType {
            group_name: "g".into(),
            user_pool_id: "us-east-1_abc".into(),
            description: None,
            role_arn: None,
            precedence: None,
            last_modified_date: t,
            creation_date: t,
        };
        let v = serde_json::to_value(&group).expect("json");
        assert_eq!(v["CreationDate"], serde_json::json!(1_700_000_000.0));
        assert!(v.get("Description").is_none());
        let back: GroupType = serde_json::from_value(v).expect("round trip");
        assert_eq!(back, group);
    }
}

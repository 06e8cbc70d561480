//! Request and response bodies of the Cognito JSON protocol (`x-amz-json-1.1`), with AWS's
//! PascalCase member names. Timestamps are JSON numbers (epoch seconds). Optional members that
//! are absent stay absent in responses.
//!
//! Types that carry passwords, tokens, sessions or secrets print `<redacted>` for them in
//! `Debug`.

mod auth;
mod clients;
pub mod epoch;
mod groups;
mod mfa;
mod pools;
pub(crate) mod redact;
mod shapes;
mod users;

pub use auth::*;
pub use clients::*;
pub use groups::*;
pub use mfa::*;
pub use pools::*;
pub use shapes::{AttributeType, CodeDeliveryDetailsType};
pub use users::*;

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

//! The service's settings and fixed limits.

/// Password hashes computed at the same time for user pools (sign-in, sign-up, resets).
pub const PUBLIC_HASHING_SLOTS: usize = 4;
/// Callers that may wait for a [`PUBLIC_HASHING_SLOTS`] slot; further ones are refused at once.
pub const PUBLIC_HASHING_QUEUE: usize = 32;

/// The region used for new pools unless [`crate::Identity::with_region`] says otherwise.
pub const DEFAULT_REGION: &str = "us-east-1";

/// Settings the server passes in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityConfig {
    /// Public base URL of the server, e.g. `http://127.0.0.1:3000` (a trailing slash is
    /// ignored). Issuers are `{issuer_base}/cognito-idp/{poolId}`.
    pub issuer_base: String,
    /// The 12-digit account id used in ARNs.
    pub account_id: String,
}

impl Default for IdentityConfig {
    fn default() -> IdentityConfig {
        IdentityConfig {
            issuer_base: "http://127.0.0.1:3000".to_owned(),
            account_id: "000000000000".to_owned(),
        }
    }
}

impl IdentityConfig {
    /// Checks the account id (12 digits) and the issuer base (an http(s) URL). For startup.
    pub fn validate(&self) -> Result<(), String> {
        if self.account_id.len() != 12 || !self.account_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "the account id must be 12 digits, not {:?}",
                self.account_id
            ));
        }
        if !(self.issuer_base.starts_with("http://") || self.issuer_base.starts_with("https://")) {
            return Err(format!(
                "the issuer base must be an http(s) URL, not {:?}",
                self.issuer_base
            ));
        }
        Ok(())
    }
}

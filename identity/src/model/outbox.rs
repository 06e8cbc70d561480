//! Messages of a pool's outbox (what Cognito would have emailed or texted).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Why a message was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OutboxPurpose {
    /// Sign-up confirmation code.
    SignUp,
    /// Confirmation code sent again (ResendConfirmationCode).
    Resend,
    /// Password-reset code.
    ForgotPassword,
    /// Invitation of an AdminCreateUser user; `code` is the temporary password.
    AdminCreateUser,
    /// Code to verify an email or phone number (GetUserAttributeVerificationCode).
    VerifyAttribute,
}

impl OutboxPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxPurpose::SignUp => "SIGN_UP",
            OutboxPurpose::Resend => "RESEND",
            OutboxPurpose::ForgotPassword => "FORGOT_PASSWORD",
            OutboxPurpose::AdminCreateUser => "ADMIN_CREATE_USER",
            OutboxPurpose::VerifyAttribute => "VERIFY_ATTRIBUTE",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<OutboxPurpose> {
        [
            OutboxPurpose::SignUp,
            OutboxPurpose::Resend,
            OutboxPurpose::ForgotPassword,
            OutboxPurpose::AdminCreateUser,
            OutboxPurpose::VerifyAttribute,
        ]
        .into_iter()
        .find(|p| p.as_str() == s)
    }
}

/// One message in a pool's outbox.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMessage {
    pub id: i64,
    pub pool_id: String,
    /// The user's Username (the sub in email-as-username pools).
    pub username: String,
    /// Email address or phone number (unmasked); `None` when the pool has no auto-verified
    /// attribute the user has.
    pub destination: Option<String>,
    /// `EMAIL` or `SMS`.
    pub delivery_medium: Option<String>,
    pub purpose: OutboxPurpose,
    /// The code, or the temporary password for [`OutboxPurpose::AdminCreateUser`].
    pub code: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl std::fmt::Debug for OutboxMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutboxMessage")
            .field("id", &self.id)
            .field("pool_id", &self.pool_id)
            .field("username", &self.username)
            .field("destination", &self.destination)
            .field("delivery_medium", &self.delivery_medium)
            .field("purpose", &self.purpose)
            .field("code", &"<redacted>")
            .field("created_at", &self.created_at)
            .finish()
    }
}

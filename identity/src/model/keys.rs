//! Signing keys as the console and the JWKS show them (public information only).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Which tokens a key signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyUse {
    Id,
    Access,
}

impl KeyUse {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyUse::Id => "id",
            KeyUse::Access => "access",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<KeyUse> {
        match s {
            "id" => Some(KeyUse::Id),
            "access" => Some(KeyUse::Access),
            _ => None,
        }
    }
}

/// Lifecycle of a signing key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum KeyStatus {
    /// Signs new tokens; in the JWKS.
    Active,
    /// Rotated out: signs nothing, still in the JWKS until `retire_after`.
    Retiring {
        #[serde(with = "time::serde::rfc3339")]
        retire_after: OffsetDateTime,
    },
    /// Out of the JWKS since `retired_at`.
    Retired {
        #[serde(with = "time::serde::rfc3339")]
        retired_at: OffsetDateTime,
    },
}

/// A signing key as the console lists it (public information only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SigningKeyInfo {
    pub kid: String,
    pub token_use: KeyUse,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub rotated_at: Option<OffsetDateTime>,
    pub status: KeyStatus,
}

/// One public key of a JWKS (`{"kid","alg":"RS256","kty":"RSA","e","n","use":"sig"}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwk {
    pub kid: String,
    pub alg: String,
    pub kty: String,
    /// Base64url public exponent.
    pub e: String,
    /// Base64url modulus.
    pub n: String,
    #[serde(rename = "use")]
    pub use_: String,
}

impl Jwk {
    /// The key for `jsonwebtoken::decode`.
    pub fn decoding_key(&self) -> Result<jsonwebtoken::DecodingKey, jsonwebtoken::errors::Error> {
        jsonwebtoken::DecodingKey::from_rsa_components(&self.n, &self.e)
    }
}

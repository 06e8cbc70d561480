//! What an authorizer's `providerARNs` entry names, and where its tokens and keys come from.
//!
//! An entry is either a pool ARN (`arn:aws:cognito-idp:{region}:{account}:userpool/{poolId}`)
//! or an issuer URL (`https://cognito-idp.{region}.amazonaws.com/{poolId}`, or the embedded
//! IdP's `{issuer_base}/cognito-idp/{poolId}`). A pool ARN names the embedded pool when one with
//! that id exists locally, and the AWS pool otherwise; only the caller knows which, so the
//! issuer and JWKS URL are asked for with that answer.

use serde::{Deserialize, Serialize};

use crate::error::ApisError;

/// How a provider was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "form", rename_all = "camelCase")]
pub enum ProviderKind {
    /// A pool ARN: the embedded pool if one with this id exists, else the AWS pool.
    Arn { account: String },
    /// An issuer URL under the embedded IdP's issuer base.
    EmbeddedIssuer,
    /// Any other issuer URL (AWS, or another Cognito-compatible IdP).
    ExternalIssuer,
}

/// A parsed `providerARNs` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProviderRef {
    /// The entry as configured.
    pub provider: String,
    pub kind: ProviderKind,
    pub region: String,
    pub pool_id: String,
    /// `{issuer_base}/cognito-idp/{poolId}`.
    pub embedded_issuer: String,
    /// An ARN's AWS issuer (`https://cognito-idp.{region}.amazonaws.com/{poolId}`), or the
    /// issuer URL as given (without a trailing slash).
    pub external_issuer: String,
}

impl ProviderRef {
    /// Whether tokens come from the embedded IdP, given whether a pool with [`Self::pool_id`]
    /// exists locally.
    pub fn is_embedded(&self, pool_exists_locally: bool) -> bool {
        match self.kind {
            ProviderKind::Arn { .. } => pool_exists_locally,
            ProviderKind::EmbeddedIssuer => true,
            ProviderKind::ExternalIssuer => false,
        }
    }

    /// The `iss` of the provider's tokens.
    pub fn issuer(&self, pool_exists_locally: bool) -> &str {
        if self.is_embedded(pool_exists_locally) {
            &self.embedded_issuer
        } else {
            &self.external_issuer
        }
    }

    /// Where the provider publishes its keys: `{issuer}/.well-known/jwks.json`.
    pub fn jwks_url(&self, pool_exists_locally: bool) -> String {
        format!("{}/.well-known/jwks.json", self.issuer(pool_exists_locally))
    }
}

/// Whether `s` has the form of a user pool id (`{region}_{suffix}`).
pub fn is_pool_id(s: &str) -> bool {
    let Some((region, suffix)) = s.split_once('_') else {
        return false;
    };
    !region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && !suffix.is_empty()
        && suffix.bytes().all(|b| b.is_ascii_alphanumeric())
        && s.len() <= 55
}

fn region_of(pool_id: &str) -> String {
    pool_id.split('_').next().unwrap_or_default().to_owned()
}

fn invalid_provider(provider: &str) -> ApisError {
    ApisError::invalid(
        "providerARNs",
        format!(
            "'{provider}' is neither a user pool ARN \
             (arn:aws:cognito-idp:{{region}}:{{account}}:userpool/{{poolId}}) nor an issuer URL \
             (https://cognito-idp.{{region}}.amazonaws.com/{{poolId}})"
        ),
    )
}

/// Parses a `providerARNs` entry. `embedded_issuer_base` is the embedded IdP's public base URL
/// (`http://127.0.0.1:3000`; a trailing slash is ignored).
pub fn provider_to_pool(
    provider: &str,
    embedded_issuer_base: &str,
) -> Result<ProviderRef, ApisError> {
    let provider = provider.trim();
    let base = embedded_issuer_base.trim_end_matches('/');
    if let Some(rest) = provider.strip_prefix("arn:") {
        // arn:{partition}:cognito-idp:{region}:{account}:userpool/{poolId}
        let parts: Vec<&str> = rest.splitn(5, ':').collect();
        let [partition, service, region, account, resource] = parts[..] else {
            return Err(invalid_provider(provider));
        };
        let pool_id = resource.strip_prefix("userpool/").unwrap_or_default();
        if !partition.starts_with("aws")
            || service != "cognito-idp"
            || region.is_empty()
            || account.len() != 12
            || !account.bytes().all(|b| b.is_ascii_digit())
            || !is_pool_id(pool_id)
            || region_of(pool_id) != region
        {
            return Err(invalid_provider(provider));
        }
        return Ok(ProviderRef {
            provider: provider.to_owned(),
            kind: ProviderKind::Arn {
                account: account.to_owned(),
            },
            region: region.to_owned(),
            pool_id: pool_id.to_owned(),
            embedded_issuer: format!("{base}/cognito-idp/{pool_id}"),
            external_issuer: format!("https://cognito-idp.{region}.amazonaws.com/{pool_id}"),
        });
    }
    let issuer = provider.trim_end_matches('/');
    let url = url::Url::parse(issuer).map_err(|_| invalid_provider(provider))?;
    if !matches!(url.scheme(), "http" | "https")
        || url.host_str().is_none_or(str::is_empty)
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return Err(invalid_provider(provider));
    }
    let pool_id = issuer.rsplit('/').next().unwrap_or_default();
    if !is_pool_id(pool_id) {
        return Err(invalid_provider(provider));
    }
    let embedded_issuer = format!("{base}/cognito-idp/{pool_id}");
    let kind = if !base.is_empty() && issuer == embedded_issuer {
        ProviderKind::EmbeddedIssuer
    } else {
        ProviderKind::ExternalIssuer
    };
    Ok(ProviderRef {
        provider: provider.to_owned(),
        kind,
        region: region_of(pool_id),
        pool_id: pool_id.to_owned(),
        embedded_issuer,
        external_issuer: issuer.to_owned(),
    })
}

/// Checks the form of a `providerARNs` entry (no issuer base needed).
pub fn validate_provider(provider: &str) -> Result<(), ApisError> {
    provider_to_pool(provider, "").map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "http://127.0.0.1:3000/";

    #[test]
    fn arn_embedded_or_aws() {
        let p = provider_to_pool(
            "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_AbC123xyz",
            BASE,
        )
        .expect("parses");
        assert_eq!(p.region, "us-east-1");
        assert_eq!(p.pool_id, "us-east-1_AbC123xyz");
        assert_eq!(
            p.kind,
            ProviderKind::Arn {
                account: "000000000000".into()
            }
        );
        assert_eq!(
            p.issuer(true),
            "http://127.0.0.1:3000/cognito-idp/us-east-1_AbC123xyz"
        );
        assert_eq!(
            p.issuer(false),
            "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123xyz"
        );
        assert_eq!(
            p.jwks_url(false),
            "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123xyz/.well-known/jwks.json"
        );
    }

    #[test]
    fn issuer_urls() {
        let p = provider_to_pool("http://127.0.0.1:3000/cognito-idp/eu-west-1_Xy9", BASE)
            .expect("parses");
        assert_eq!(p.kind, ProviderKind::EmbeddedIssuer);
        assert!(p.is_embedded(false));
        assert_eq!(p.region, "eu-west-1");
        let p = provider_to_pool(
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Xy9/",
            BASE,
        )
        .expect("parses");
        assert_eq!(p.kind, ProviderKind::ExternalIssuer);
        assert_eq!(
            p.issuer(true),
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Xy9"
        );
    }

    #[test]
    fn refuses_malformed() {
        for bad in [
            "",
            "us-east-1_AbC",
            "arn:aws:cognito-idp:us-east-1:123:userpool/us-east-1_AbC",
            "arn:aws:cognito-idp:us-east-1:000000000000:userpool/eu-west-1_AbC",
            "arn:aws:s3:us-east-1:000000000000:userpool/us-east-1_AbC",
            "arn:aws:cognito-idp:us-east-1:000000000000:pool/us-east-1_AbC",
            "ftp://example.com/us-east-1_AbC",
            "https://example.com/not-a-pool",
        ] {
            let err = provider_to_pool(bad, BASE).expect_err(bad);
            assert_eq!(err.field(), Some("providerARNs"), "{bad}");
        }
    }
}

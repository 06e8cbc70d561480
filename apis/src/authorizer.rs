//! The COGNITO_USER_POOLS authorizer check: one pure, synchronous function.
//!
//! [`authorize`] decides Allow (with the claims as API Gateway hands them to the backend) or
//! Deny (with the status and message the client gets), and records every check it ran, in
//! order, with a plain-words detail a person debugging a token can act on. It stops at the
//! first failing check; [`Check::ALL`] lists the checks in the order they run.
//!
//! Semantics (Cognito reference B2): a missing header, malformed token, wrong algorithm,
//! unknown key, bad signature, foreign issuer, wrong token type, missing scope or validation
//! mismatch → 401 `Unauthorized`; an expired token → 401 `The incoming token has expired`.
//! Methods without OAuth scopes take ID tokens; methods with scopes take access tokens whose
//! `scope` holds at least one of them. The identity validation expression is matched (whole
//! string) against the ID token's `aud`; as on AWS, any expression refuses access tokens.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::macros::format_description;

use crate::model::Authorizer;

/// The message of the 401 for every failure but expiry.
pub const UNAUTHORIZED: &str = "Unauthorized";
/// The message of the 401 for an expired token.
pub const TOKEN_EXPIRED: &str = "The incoming token has expired";
/// How far in the future `iat` may be (clock skew between the IdP and the gateway).
pub const IAT_SKEW_SECS: i64 = 300;

/// One public key of a pool (from its JWKS).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicKey {
    pub kid: String,
    /// Base64url modulus.
    pub n: String,
    /// Base64url public exponent.
    pub e: String,
}

/// The keys of one of the authorizer's pools, fetched by the caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolKeys {
    /// The `providerARNs` entry as configured.
    pub provider: String,
    pub pool_id: String,
    /// The `iss` the pool's tokens carry.
    pub issuer: String,
    pub keys: Vec<PublicKey>,
}

/// Where an authorizer's public keys come from ([`crate::AuthorizerKeys`] in the server; a
/// fixed set in tests). The gateway asks on an authorizer-cache miss, the console's and the
/// management API's method tests on every run.
pub trait KeySource: Sync {
    /// The keys of the authorizer's pools. `token` is the identity-source value about to be
    /// checked, so a resolver can refetch a JWKS when it does not know the token's kid yet.
    fn pools_for(
        &self,
        authorizer: &Authorizer,
        token: &str,
    ) -> impl Future<Output = Arc<[PoolKeys]>> + Send;
}

pub struct AuthorizerInput<'a> {
    pub authorizer: &'a Authorizer,
    /// The method's `authorizationScopes`.
    pub method_scopes: &'a [String],
    /// The request's headers (any case).
    pub headers: &'a [(String, String)],
    pub pools: &'a [PoolKeys],
    /// Epoch seconds.
    pub now: i64,
}

/// The checks, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    /// The identity-source header is present and not empty.
    IdentitySource,
    /// An optional `Bearer ` prefix is stripped.
    BearerPrefix,
    /// Three base64url parts; JSON header and payload.
    JwtShape,
    /// `alg` is RS256.
    Algorithm,
    /// `kid` is a key of one of the authorizer's pools.
    KeyId,
    Signature,
    /// `iss` is one of the authorizer's pools.
    Issuer,
    /// `exp` is in the future.
    Expiry,
    /// `nbf`, if any, is not in the future.
    NotBefore,
    /// `iat`, if any, is not in the future.
    IssuedAt,
    /// `token_use` is `id` (no method scopes) or `access` (method scopes).
    TokenUse,
    /// An access token's `scope` holds one of the method's scopes (scoped methods only).
    Scope,
    /// `aud` matches `identityValidationExpression` (access tokens, having no `aud`, never do).
    ValidationExpression,
}

impl Check {
    pub const ALL: &'static [Check] = &[
        Check::IdentitySource,
        Check::BearerPrefix,
        Check::JwtShape,
        Check::Algorithm,
        Check::KeyId,
        Check::Signature,
        Check::Issuer,
        Check::Expiry,
        Check::NotBefore,
        Check::IssuedAt,
        Check::TokenUse,
        Check::Scope,
        Check::ValidationExpression,
    ];

    /// The machine code (`identity_source`, `jwt_shape`, ...).
    pub fn code(self) -> &'static str {
        match self {
            Check::IdentitySource => "identity_source",
            Check::BearerPrefix => "bearer_prefix",
            Check::JwtShape => "jwt_shape",
            Check::Algorithm => "algorithm",
            Check::KeyId => "key_id",
            Check::Signature => "signature",
            Check::Issuer => "issuer",
            Check::Expiry => "expiry",
            Check::NotBefore => "not_before",
            Check::IssuedAt => "issued_at",
            Check::TokenUse => "token_use",
            Check::Scope => "scope",
            Check::ValidationExpression => "validation_expression",
        }
    }

    /// A short title for the console.
    pub fn title(self) -> &'static str {
        match self {
            Check::IdentitySource => "Token header present",
            Check::BearerPrefix => "Bearer prefix",
            Check::JwtShape => "JWT format",
            Check::Algorithm => "Signing algorithm",
            Check::KeyId => "Signing key",
            Check::Signature => "Signature",
            Check::Issuer => "Issuer",
            Check::Expiry => "Not expired",
            Check::NotBefore => "Already valid (nbf)",
            Check::IssuedAt => "Issued in the past (iat)",
            Check::TokenUse => "Token type",
            Check::Scope => "OAuth scopes",
            Check::ValidationExpression => "Token validation expression",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceStep {
    pub check: Check,
    pub passed: bool,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "effect")]
pub enum Decision {
    /// The claims as API Gateway exposes them (`$context.authorizer.claims`): every value a
    /// string.
    Allow { claims: Map<String, Value> },
    /// What the client gets: 401 with [`UNAUTHORIZED`] or [`TOKEN_EXPIRED`].
    Deny { status: u16, message: String },
}

/// The token's header and payload as decoded (before any check passed: not trusted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecodedToken {
    pub header: Map<String, Value>,
    pub payload: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizerOutcome {
    pub decision: Decision,
    /// Every check run, in order; the last one failed when the decision is Deny.
    pub trace: Vec<TraceStep>,
    /// The decoded token, when it had the shape of a JWT.
    pub token: Option<DecodedToken>,
    /// The pool whose key verified the signature.
    pub pool_id: Option<String>,
    /// The token's `exp`, when it has one.
    pub expires_at: Option<i64>,
}

impl AuthorizerOutcome {
    pub fn is_allowed(&self) -> bool {
        matches!(self.decision, Decision::Allow { .. })
    }

    /// The step that failed (the last one) when the decision is Deny.
    pub fn failed_step(&self) -> Option<&TraceStep> {
        self.trace.last().filter(|s| !s.passed)
    }

    /// How long an Allow may be cached: the authorizer's TTL, but never past the token's
    /// `exp`. Denials are not cached (0).
    pub fn cache_seconds(&self, ttl_seconds: i32, now: i64) -> i64 {
        match (&self.decision, self.expires_at) {
            (Decision::Allow { .. }, Some(exp)) => i64::from(ttl_seconds).min(exp - now).max(0),
            _ => 0,
        }
    }
}

struct Run {
    trace: Vec<TraceStep>,
    token: Option<DecodedToken>,
    pool_id: Option<String>,
    expires_at: Option<i64>,
}

impl Run {
    fn pass(&mut self, check: Check, detail: impl Into<String>) {
        self.trace.push(TraceStep {
            check,
            passed: true,
            detail: detail.into(),
        });
    }

    fn fail(self, check: Check, detail: impl Into<String>) -> AuthorizerOutcome {
        self.deny(check, detail, UNAUTHORIZED)
    }

    fn deny(mut self, check: Check, detail: impl Into<String>, message: &str) -> AuthorizerOutcome {
        self.trace.push(TraceStep {
            check,
            passed: false,
            detail: detail.into(),
        });
        AuthorizerOutcome {
            decision: Decision::Deny {
                status: 401,
                message: message.to_owned(),
            },
            trace: self.trace,
            token: self.token,
            pool_id: self.pool_id,
            expires_at: self.expires_at,
        }
    }

    fn allow(self, claims: Map<String, Value>) -> AuthorizerOutcome {
        AuthorizerOutcome {
            decision: Decision::Allow { claims },
            trace: self.trace,
            token: self.token,
            pool_id: self.pool_id,
            expires_at: self.expires_at,
        }
    }
}

/// The value of the header named by the authorizer's identity source (case-insensitive).
pub fn identity_value<'h>(
    authorizer: &Authorizer,
    headers: &'h [(String, String)],
) -> Option<&'h str> {
    let name = authorizer.identity_header()?;
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Headers carrying `value` in the authorizer's identity-source header, for checking a pasted
/// token (the console's "Test authorizer") with [`authorize`].
pub fn identity_headers(authorizer: &Authorizer, value: &str) -> Vec<(String, String)> {
    authorizer
        .identity_header()
        .map(|h| vec![(h.to_owned(), value.to_owned())])
        .unwrap_or_default()
}

/// Runs the authorizer's checks on a request. See the module documentation.
pub fn authorize(input: &AuthorizerInput) -> AuthorizerOutcome {
    let mut run = Run {
        trace: Vec::new(),
        token: None,
        pool_id: None,
        expires_at: None,
    };
    let authorizer = input.authorizer;

    // 1. The identity-source header.
    let Some(header) = authorizer.identity_header() else {
        return run.fail(
            Check::IdentitySource,
            format!(
                "the identity source {:?} is not a request header \
                 (expected method.request.header.NAME)",
                authorizer.identity_source
            ),
        );
    };
    let value = match identity_value(authorizer, input.headers) {
        None => {
            return run.fail(
                Check::IdentitySource,
                format!("the request has no {header} header"),
            );
        }
        Some(v) if v.trim().is_empty() => {
            return run.fail(
                Check::IdentitySource,
                format!("the {header} header is empty"),
            );
        }
        Some(v) => v,
    };
    run.pass(
        Check::IdentitySource,
        format!("found the {header} header ({} characters)", value.len()),
    );

    // 2. Optional "Bearer " prefix.
    let value = value.trim();
    let token = match value.get(..7) {
        Some(prefix) if prefix.eq_ignore_ascii_case("bearer ") => {
            let token = value[7..].trim_start();
            run.pass(Check::BearerPrefix, "removed the \"Bearer \" prefix");
            token
        }
        _ => {
            run.pass(
                Check::BearerPrefix,
                "no \"Bearer \" prefix; using the value as is",
            );
            value
        }
    };

    // 3. JWT shape.
    let (header_b64, payload_b64, signature_b64, jwt_header, payload) = match parse_jwt(token) {
        Ok(parts) => parts,
        Err(detail) => return run.fail(Check::JwtShape, detail),
    };
    run.token = Some(DecodedToken {
        header: jwt_header.clone(),
        payload: payload.clone(),
    });
    run.expires_at = payload.get("exp").and_then(as_epoch);
    run.pass(
        Check::JwtShape,
        "three base64url parts; the header and payload are JSON objects",
    );

    // 4. Algorithm pinned to RS256.
    match jwt_header.get("alg") {
        Some(Value::String(alg)) if alg == "RS256" => {
            run.pass(Check::Algorithm, "alg is RS256");
        }
        Some(Value::String(alg)) if alg.eq_ignore_ascii_case("none") => {
            return run.fail(
                Check::Algorithm,
                format!(
                    "alg is \"{alg}\": the token is unsigned; only RS256 tokens signed by the \
                     pool are accepted"
                ),
            );
        }
        Some(Value::String(alg)) if alg.starts_with("HS") => {
            return run.fail(
                Check::Algorithm,
                format!(
                    "alg is {alg}, a shared-secret HMAC; user pools sign with RS256 only (an \
                     HMAC \"signed\" with the pool's public key is a known forgery)"
                ),
            );
        }
        Some(Value::String(alg)) => {
            return run.fail(
                Check::Algorithm,
                format!("alg is {alg}; user pools sign with RS256 only"),
            );
        }
        _ => return run.fail(Check::Algorithm, "the token header has no alg"),
    }

    // 5. Key id known in one of the authorizer's pools.
    let claimed_iss = payload.get("iss").and_then(Value::as_str);
    let Some(kid) = jwt_header.get("kid").and_then(Value::as_str) else {
        return run.fail(
            Check::KeyId,
            "the token header has no kid, so no key of the pool can verify it",
        );
    };
    let found = input
        .pools
        .iter()
        .find_map(|p| p.keys.iter().find(|k| k.kid == kid).map(|k| (p, k)));
    let Some((pool, key)) = found else {
        let pools = pool_list(input.pools);
        let mut detail = if input.pools.is_empty() {
            format!("signed by key kid={kid}, but no keys are available for the authorizer's pools")
        } else if input.pools.len() == 1 {
            format!(
                "signed by key kid={kid} which is not in pool {pools} (did you paste a token from \
                 another pool?)"
            )
        } else {
            format!(
                "signed by key kid={kid} which is in none of the pools {pools} (did you paste a \
                 token from another pool?)"
            )
        };
        if let Some(iss) = claimed_iss {
            detail.push_str(&format!("; the token says it was issued by {iss}"));
        }
        return run.fail(Check::KeyId, detail);
    };
    run.pass(
        Check::KeyId,
        format!("kid={kid} is a key of pool {}", pool.pool_id),
    );

    // 6. Signature.
    let public_key = match crate::rs256::public_key(&key.n, &key.e) {
        Ok(k) => k,
        Err(e) => {
            return run.fail(
                Check::Signature,
                format!("key kid={kid} of pool {} cannot be used: {e}", pool.pool_id),
            );
        }
    };
    let message = format!("{header_b64}.{payload_b64}");
    if !crate::rs256::verify(&public_key, message.as_bytes(), signature_b64) {
        return run.fail(
            Check::Signature,
            format!(
                "the signature does not match key kid={kid} of pool {}: the token was \
                 changed after it was signed, or was not signed by this pool",
                pool.pool_id
            ),
        );
    }
    run.pool_id = Some(pool.pool_id.clone());
    run.pass(
        Check::Signature,
        format!("valid RS256 signature by key kid={kid}"),
    );

    // 7. Issuer.
    let Some(iss) = claimed_iss else {
        return run.fail(Check::Issuer, "the token has no iss claim");
    };
    let same = |a: &str, b: &str| a.trim_end_matches('/') == b.trim_end_matches('/');
    if !same(iss, &pool.issuer) {
        let detail = match input.pools.iter().find(|p| same(iss, &p.issuer)) {
            Some(other) => format!(
                "iss is {iss} (pool {}), but the token was signed with a key of pool {}",
                other.pool_id, pool.pool_id
            ),
            None => format!(
                "iss is {iss}, which is not one of the authorizer's pools ({})",
                input
                    .pools
                    .iter()
                    .map(|p| p.issuer.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        return run.fail(Check::Issuer, detail);
    }
    run.pass(
        Check::Issuer,
        format!("iss is pool {} ({iss})", pool.pool_id),
    );

    // 8. exp, nbf, iat.
    let now = input.now;
    let exp = match payload.get("exp") {
        None => return run.fail(Check::Expiry, "the token has no exp claim"),
        Some(v) => match as_epoch(v) {
            Some(exp) => exp,
            None => return run.fail(Check::Expiry, format!("exp is not a number: {v}")),
        },
    };
    if now >= exp {
        let detail = format!(
            "expired {} ago (exp {})",
            human_duration(now - exp),
            utc(exp)
        );
        return run.deny(Check::Expiry, detail, TOKEN_EXPIRED);
    }
    run.pass(
        Check::Expiry,
        format!(
            "valid for another {} (exp {})",
            human_duration(exp - now),
            utc(exp)
        ),
    );
    match payload.get("nbf") {
        None => run.pass(Check::NotBefore, "no nbf claim"),
        Some(v) => match as_epoch(v) {
            None => return run.fail(Check::NotBefore, format!("nbf is not a number: {v}")),
            Some(nbf) if now < nbf => {
                return run.fail(
                    Check::NotBefore,
                    format!(
                        "not valid yet: valid from {} (in {})",
                        utc(nbf),
                        human_duration(nbf - now)
                    ),
                );
            }
            Some(nbf) => run.pass(Check::NotBefore, format!("valid since {}", utc(nbf))),
        },
    }
    match payload.get("iat") {
        None => run.pass(Check::IssuedAt, "no iat claim"),
        Some(v) => match as_epoch(v) {
            None => return run.fail(Check::IssuedAt, format!("iat is not a number: {v}")),
            Some(iat) if iat > now + IAT_SKEW_SECS => {
                return run.fail(
                    Check::IssuedAt,
                    format!(
                        "issued in the future ({}, {} from now): check the clocks",
                        utc(iat),
                        human_duration(iat - now)
                    ),
                );
            }
            Some(iat) if iat > now => run.pass(
                Check::IssuedAt,
                format!("issued at {} (within the clock-skew allowance)", utc(iat)),
            ),
            Some(iat) => run.pass(
                Check::IssuedAt,
                format!("issued {} ago ({})", human_duration(now - iat), utc(iat)),
            ),
        },
    }

    // 9. token_use (and scopes for scoped methods).
    let token_use = payload.get("token_use").and_then(Value::as_str);
    let scoped = !input.method_scopes.is_empty();
    match (token_use, scoped) {
        (None, _) => {
            return run.fail(
                Check::TokenUse,
                "the token has no token_use claim (is it a user pool token?)",
            );
        }
        (Some("id"), false) => run.pass(
            Check::TokenUse,
            "an ID token, as methods without OAuth scopes need",
        ),
        (Some("access"), false) => {
            return run.fail(
                Check::TokenUse,
                "this is an access token; methods without OAuth scopes need an ID token",
            );
        }
        (Some("access"), true) => run.pass(
            Check::TokenUse,
            "an access token, as methods with OAuth scopes need",
        ),
        (Some("id"), true) => {
            return run.fail(
                Check::TokenUse,
                format!(
                    "this is an ID token; this method requires OAuth scopes ({}), so it needs an \
                     access token",
                    input.method_scopes.join(", ")
                ),
            );
        }
        (Some(other), _) => {
            return run.fail(
                Check::TokenUse,
                format!("token_use is \"{other}\"; expected \"id\" or \"access\""),
            );
        }
    }
    if scoped {
        let token_scopes: Vec<&str> = payload
            .get("scope")
            .and_then(Value::as_str)
            .map(|s| s.split_whitespace().collect())
            .unwrap_or_default();
        match input
            .method_scopes
            .iter()
            .find(|s| token_scopes.contains(&s.as_str()))
        {
            Some(s) => run.pass(Check::Scope, format!("the token has the scope {s}")),
            None if token_scopes.is_empty() => {
                return run.fail(
                    Check::Scope,
                    format!(
                        "the token has no scopes; the method needs one of {}",
                        input.method_scopes.join(", ")
                    ),
                );
            }
            None => {
                return run.fail(
                    Check::Scope,
                    format!(
                        "the token's scopes ({}) include none of the method's ({})",
                        token_scopes.join(" "),
                        input.method_scopes.join(", ")
                    ),
                );
            }
        }
    }

    // 10. Identity validation expression against aud.
    match authorizer.identity_validation_expression.as_deref() {
        None | Some("") => run.pass(
            Check::ValidationExpression,
            "no token validation expression is set",
        ),
        Some(expr) => {
            // As on AWS: the expression is matched against `aud`, which access tokens lack, so
            // any expression refuses access tokens.
            if token_use == Some("access") {
                return run.fail(
                    Check::ValidationExpression,
                    format!(
                        "this is an access token, which has no aud claim; API Gateway refuses access tokens \
                         whenever a token validation expression is set ({expr}): remove the expression or send an ID token"
                    ),
                );
            }
            let claim = "aud";
            // Cognito's aud is a string; other OIDC issuers may send a list.
            let values: Vec<&str> = match payload.get(claim) {
                Some(Value::String(s)) => vec![s.as_str()],
                Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            if values.is_empty() {
                return run.fail(
                    Check::ValidationExpression,
                    format!("the token has no {claim} claim to match against {expr}"),
                );
            }
            let re = match validation_regex(expr) {
                Ok(re) => re,
                Err(_) => {
                    return run.fail(
                        Check::ValidationExpression,
                        format!("the token validation expression {expr} is not a valid regex"),
                    );
                }
            };
            let Some(value) = values.iter().find(|v| re.is_match(v)) else {
                return run.fail(
                    Check::ValidationExpression,
                    format!(
                        "{claim} {} does not match the token validation expression {expr}",
                        values.join(", ")
                    ),
                );
            };
            run.pass(
                Check::ValidationExpression,
                format!("{claim} {value} matches {expr}"),
            );
        }
    }

    let claims = stringify_claims(&payload);
    run.allow(claims)
}

/// The compiled `^(?:expr)$`, compiled once per expression: compiling costs more than the
/// RS256 check it guards (bounded: the table is cleared past 1,000 expressions).
fn validation_regex(expr: &str) -> Result<std::sync::Arc<regex::Regex>, regex::Error> {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    static COMPILED: OnceLock<Mutex<HashMap<String, Arc<regex::Regex>>>> = OnceLock::new();
    let table = COMPILED.get_or_init(Mutex::default);
    if let Some(re) = table.lock().ok().and_then(|t| t.get(expr).cloned()) {
        return Ok(re);
    }
    let re = Arc::new(regex::Regex::new(&format!("^(?:{expr})$"))?);
    if let Ok(mut t) = table.lock() {
        if t.len() >= 1_000 {
            t.clear();
        }
        t.insert(expr.to_owned(), Arc::clone(&re));
    }
    Ok(re)
}

type Parsed<'t> = (
    &'t str,
    &'t str,
    &'t str,
    Map<String, Value>,
    Map<String, Value>,
);

fn parse_jwt(token: &str) -> Result<Parsed<'_>, String> {
    if let Some(pos) = token.find(char::is_whitespace) {
        return Err(format!(
            "the token contains whitespace (at character {pos}); copy it again as one line"
        ));
    }
    let parts: Vec<&str> = token.split('.').collect();
    let [header_b64, payload_b64, signature_b64] = parts[..] else {
        return Err(format!(
            "expected 3 dot-separated parts (header.payload.signature), found {}",
            parts.len()
        ));
    };
    let decode = |name: &str, part: &str| -> Result<Map<String, Value>, String> {
        let bytes = URL_SAFE_NO_PAD
            .decode(part.trim_end_matches('='))
            .map_err(|_| format!("the {name} is not valid base64url"))?;
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(map)) => Ok(map),
            Ok(_) => Err(format!("the {name} is JSON but not an object")),
            Err(e) => Err(format!("the {name} is not JSON: {e}")),
        }
    };
    let header = decode("header", header_b64)?;
    let payload = decode("payload", payload_b64)?;
    if URL_SAFE_NO_PAD
        .decode(signature_b64.trim_end_matches('='))
        .is_err()
    {
        return Err("the signature is not valid base64url".to_owned());
    }
    Ok((header_b64, payload_b64, signature_b64, header, payload))
}

fn pool_list(pools: &[PoolKeys]) -> String {
    pools
        .iter()
        .map(|p| p.pool_id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// An epoch-seconds claim (integer, or a float as some IdPs send).
fn as_epoch(v: &Value) -> Option<i64> {
    v.as_i64().or_else(|| {
        v.as_f64()
            .filter(|f| f.is_finite() && f.abs() < 1e15)
            .map(|f| f as i64)
    })
}

/// `2026-11-26 10:02:11 UTC`.
fn utc(epoch: i64) -> String {
    OffsetDateTime::from_unix_timestamp(epoch)
        .ok()
        .and_then(|t| {
            t.format(format_description!(
                "[year]-[month]-[day] [hour]:[minute]:[second] UTC"
            ))
            .ok()
        })
        .unwrap_or_else(|| format!("{epoch} (epoch seconds)"))
}

/// `Sun Dec 17 07:28:12 UTC 2017`: how API Gateway renders `exp`/`iat` claims (Java's
/// `Date.toString()`).
pub fn java_date(epoch: i64) -> Option<String> {
    OffsetDateTime::from_unix_timestamp(epoch)
        .ok()?
        .format(format_description!(
            "[weekday repr:short] [month repr:short] [day] [hour]:[minute]:[second] UTC [year]"
        ))
        .ok()
}

/// `45 s`, `4 min`, `2 h 5 min`, `3 days`.
pub fn human_duration(secs: i64) -> String {
    let secs = secs.max(0);
    match secs {
        0..60 => format!("{secs} s"),
        60..3600 => format!("{} min", secs / 60),
        3600..86_400 => {
            let (h, m) = (secs / 3600, secs % 3600 / 60);
            if m == 0 {
                format!("{h} h")
            } else {
                format!("{h} h {m} min")
            }
        }
        _ => {
            let d = secs / 86_400;
            if d == 1 {
                "1 day".to_owned()
            } else {
                format!("{d} days")
            }
        }
    }
}

/// The claims as API Gateway passes them on (reference B5): every value a string; `exp`,
/// `iat` and `nbf` in Java `Date` format; arrays joined with `,`; objects as JSON text; null
/// claims left out.
pub fn stringify_claims(payload: &Map<String, Value>) -> Map<String, Value> {
    payload
        .iter()
        .filter_map(|(k, v)| {
            let s = match v {
                Value::Null => return None,
                Value::String(s) => s.clone(),
                Value::Bool(b) => b.to_string(),
                Value::Number(n) => match (k.as_str(), n.as_i64()) {
                    ("exp" | "iat" | "nbf", Some(epoch)) => {
                        java_date(epoch).unwrap_or_else(|| n.to_string())
                    }
                    _ => n.to_string(),
                },
                Value::Array(items) => items
                    .iter()
                    .map(|i| match i {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(","),
                Value::Object(_) => v.to_string(),
            };
            Some((k.clone(), Value::String(s)))
        })
        .collect()
}

#[cfg(test)]
#[path = "authorizer_tests.rs"]
mod tests;

//! Verification of AWS Signature Version 4, for requests signed in the `Authorization` header
//! the way AWS SDKs and the AWS CLI sign them (`AWS4-HMAC-SHA256`). Pure and synchronous: the
//! caller extracts the request pieces, looks up the secret for the access key id, and maps
//! [`SigV4Error`] to a response.
//!
//! ```text
//! let auth = sigv4::authorization_from_headers(&headers)?;   // MissingAuthenticationToken, IncompleteSignature
//! auth.require_service("cognito-idp")?;                      // InvalidCredentialScope
//! let secret = lookup(&auth.access_key_id).ok_or(SigV4Error::InvalidClientTokenId)?;
//! sigv4::verify(&request, &auth, &secret, OffsetDateTime::now_utc())?;
//! ```
//!
//! What is checked, in order: the date header (`X-Amz-Date`, else `Date`) is present, well
//! formed and signed; `host` is signed; the credential scope's date is the request's day; the
//! request time is within 15 minutes of `now`; the payload hash (`X-Amz-Content-SHA256`, when
//! sent, must be the body's SHA-256: the body is always signed, `UNSIGNED-PAYLOAD` is not
//! accepted, as AWS's non-S3 services do not); and finally the signature, compared in constant
//! time.
//!
//! The canonical request follows botocore's `SigV4Auth` (non-S3 services): the wire path is
//! normalised (dot segments and empty segments removed) and URI-encoded again, so `%20` on the
//! wire is `%2520` in the canonical URI; query parameters are decoded, re-encoded
//! (RFC 3986 unreserved characters only) and sorted; header values are trimmed with inner white
//! space collapsed, and repeated headers are joined with `,`. For robustness against clients
//! that encode differently, the signature is also accepted over the path exactly as sent
//! (S3-style, single encoding) and over the query pairs exactly as sent (what botocore itself
//! does with a query already in the URL). Every variant is a deterministic function of the
//! bytes received, so none of them lets a request be altered without the secret.
//!
//! Pre-signed URLs (`X-Amz-Signature` in the query) and chunked `STREAMING-*` payloads are not
//! supported.

mod canonical;
mod error;
mod timestamp;

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use time::{Duration, OffsetDateTime};

pub use error::SigV4Error;

/// The only algorithm supported.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// The `X-Amz-Content-SHA256` value of a request whose body is not signed.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
/// How far the request time may be from the server's clock, either way.
pub const MAX_CLOCK_SKEW: Duration = Duration::minutes(15);
/// The last element of every credential scope.
pub const SCOPE_TERMINATOR: &str = "aws4_request";

/// A received HTTP request, as the signature covers it.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// The method as received (`GET`, `POST`, ...).
    pub method: &'a str,
    /// The raw path as received, percent-encoded as on the wire (for a nested router, the
    /// original path, not the one with the prefix stripped).
    pub path: &'a str,
    /// The raw query string without `?` (empty when there is none).
    pub query: &'a str,
    /// All headers in the order received; names in any case, repeated names allowed. Must
    /// contain `host` (for HTTP/2, the `:authority`).
    pub headers: &'a [(String, String)],
    /// The body exactly as received.
    pub body: &'a [u8],
}

impl<'a> Request<'a> {
    /// The values of header `name` (case-insensitive), in the order received.
    pub fn header_values<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'a str> + 's {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&'a str> {
        self.header_values(name).next()
    }
}

/// A parsed `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    /// The access key id (first element of `Credential`).
    pub access_key_id: String,
    /// The scope's date, `yyyymmdd`.
    pub date: String,
    /// The scope's region (any non-empty value; Gatehouse does not restrict regions).
    pub region: String,
    /// The scope's service, e.g. `cognito-idp` or `apigateway`.
    pub service: String,
    /// The signed header names, lower-cased, in the order given.
    pub signed_headers: Vec<String>,
    /// The signature, lower-case hex.
    pub signature: String,
}

impl Authorization {
    /// `{date}/{region}/{service}/aws4_request`.
    pub fn credential_scope(&self) -> String {
        format!(
            "{}/{}/{}/{SCOPE_TERMINATOR}",
            self.date, self.region, self.service
        )
    }

    /// Checks that the credential is scoped to `service`; AWS answers a wrong one with
    /// "Credential should be scoped to correct service: '{service}'.".
    pub fn require_service(&self, service: &str) -> Result<(), SigV4Error> {
        if self.service == service {
            Ok(())
        } else {
            Err(SigV4Error::InvalidCredentialScope(format!(
                "Credential should be scoped to correct service: '{service}'."
            )))
        }
    }
}

fn incomplete(message: impl Into<String>) -> SigV4Error {
    SigV4Error::IncompleteSignature(message.into())
}

/// Finds the `Authorization` header among `headers` and parses it: none gives
/// [`SigV4Error::MissingAuthenticationToken`], more than one
/// [`SigV4Error::IncompleteSignature`].
pub fn authorization_from_headers(
    headers: &[(String, String)],
) -> Result<Authorization, SigV4Error> {
    let mut values = headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("authorization"))
        .map(|(_, v)| v.as_str());
    let value = values
        .next()
        .ok_or(SigV4Error::MissingAuthenticationToken)?;
    if values.next().is_some() {
        return Err(incomplete(
            "The request must contain exactly one 'Authorization' header.",
        ));
    }
    parse_authorization(value)
}

/// Parses the value of an `Authorization` header. Anything that is not a well-formed
/// `AWS4-HMAC-SHA256` header is [`SigV4Error::IncompleteSignature`] (an empty or blank value is
/// [`SigV4Error::MissingAuthenticationToken`]). The messages follow AWS's, without echoing the
/// header (it might be a bearer token that must not end up in logs).
pub fn parse_authorization(header_value: &str) -> Result<Authorization, SigV4Error> {
    let value = header_value.trim();
    if value.is_empty() {
        return Err(SigV4Error::MissingAuthenticationToken);
    }
    let (algorithm, rest) = value
        .split_once(|c: char| c.is_ascii_whitespace())
        .unwrap_or((value, ""));
    if algorithm != ALGORITHM {
        if algorithm.starts_with("AWS4-") {
            return Err(incomplete(format!(
                "Unsupported AWS 'algorithm': '{algorithm}'. Only '{ALGORITHM}' is supported."
            )));
        }
        return Err(incomplete(
            "Authorization header requires 'Credential' parameter. Authorization header \
             requires 'Signature' parameter. Authorization header requires 'SignedHeaders' \
             parameter. Authorization header requires existence of either a 'X-Amz-Date' or a \
             'Date' header.",
        ));
    }

    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((key, val)) = part.split_once('=') else {
            return Err(incomplete(
                "Invalid key=value pair (missing equal-sign) in Authorization header.",
            ));
        };
        let slot = match key.trim() {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed_headers,
            "Signature" => &mut signature,
            // AWS ignores parameters it does not know.
            _ => continue,
        };
        if slot.is_some() {
            return Err(incomplete(format!(
                "Authorization header has a duplicate '{}' parameter.",
                key.trim()
            )));
        }
        *slot = Some(val.trim());
    }

    let missing: Vec<String> = [
        ("Credential", credential.is_none_or(str::is_empty)),
        ("Signature", signature.is_none_or(str::is_empty)),
        ("SignedHeaders", signed_headers.is_none_or(str::is_empty)),
    ]
    .into_iter()
    .filter(|(_, missing)| *missing)
    .map(|(name, _)| format!("Authorization header requires '{name}' parameter."))
    .collect();
    let (Some(credential), Some(signed_headers), Some(signature)) =
        (credential, signed_headers, signature)
    else {
        return Err(incomplete(missing.join(" ")));
    };
    if !missing.is_empty() {
        return Err(incomplete(missing.join(" ")));
    }

    let parts: Vec<&str> = credential.split('/').collect();
    let [access_key_id, date, region, service, terminator] = parts.as_slice() else {
        return Err(incomplete(format!(
            "Credential should have exactly 5 parts ('AccessKeyId/yyyymmdd/region/service/\
             {SCOPE_TERMINATOR}'), not {}.",
            parts.len()
        )));
    };
    if *terminator != SCOPE_TERMINATOR {
        return Err(incomplete(format!(
            "Credential should be scoped with a valid terminator: '{SCOPE_TERMINATOR}', not \
             '{terminator}'."
        )));
    }
    if access_key_id.is_empty() || region.is_empty() || service.is_empty() {
        return Err(incomplete(
            "Credential should not have an empty access key id, region or service.",
        ));
    }
    if date.len() != 8 || !date.bytes().all(|b| b.is_ascii_digit()) {
        return Err(incomplete(format!(
            "Credential should be scoped to a date in 'yyyymmdd' format, not '{date}'."
        )));
    }

    let signed: Vec<String> = signed_headers
        .split(';')
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    if signed.iter().any(String::is_empty) {
        return Err(incomplete(
            "Authorization header has an empty name in 'SignedHeaders'.",
        ));
    }
    if !signature.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(incomplete(
            "Authorization header 'Signature' must be hexadecimal.",
        ));
    }

    Ok(Authorization {
        access_key_id: (*access_key_id).to_owned(),
        date: (*date).to_owned(),
        region: (*region).to_owned(),
        service: (*service).to_owned(),
        signed_headers: signed,
        signature: signature.to_ascii_lowercase(),
    })
}

/// The request time and the string that stands for it in the string to sign.
struct RequestTime {
    at: OffsetDateTime,
    amz: String,
}

/// Finds the request time: `X-Amz-Date` when present (it takes precedence), else `Date`. The
/// header used must be among the signed headers.
fn request_time(req: &Request, auth: &Authorization) -> Result<RequestTime, SigV4Error> {
    let signed = |name: &str| auth.signed_headers.iter().any(|h| h == name);
    if let Some(v) = req.header("x-amz-date") {
        let v = v.trim();
        let at = timestamp::parse_amz(v).ok_or_else(|| {
            incomplete(format!(
                "Date must be in ISO-8601 'basic format'. Got '{v}'. See \
                 http://en.wikipedia.org/wiki/ISO_8601"
            ))
        })?;
        if !signed("x-amz-date") {
            return Err(incomplete(
                "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.",
            ));
        }
        return Ok(RequestTime {
            at,
            amz: v.to_owned(),
        });
    }
    if let Some(v) = req.header("date") {
        let at = timestamp::parse_http(v).ok_or_else(|| {
            incomplete(format!(
                "Date header must be an RFC 1123 date in GMT (e.g. 'Thu, 26 Nov 2026 12:34:56 \
                 GMT'). Got '{}'.",
                v.trim()
            ))
        })?;
        if !signed("date") {
            return Err(incomplete(
                "'Date' must be a 'SignedHeader' in the AWS Authorization.",
            ));
        }
        return Ok(RequestTime {
            at,
            amz: timestamp::format_amz(at),
        });
    }
    Err(incomplete(
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    ))
}

fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> Vec<u8> {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = match <Hmac<Sha256> as KeyInit>::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC-SHA256 takes keys of any length"),
    };
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// The payload hash that goes into the canonical request. `UNSIGNED-PAYLOAD` is honoured only
/// when signing (for tests and tools that play an S3-style client): the services verified here
/// always sign the body, and AWS's own non-S3 services hash the body whatever the header says,
/// so a request signed over `UNSIGNED-PAYLOAD` does not match (`SignatureDoesNotMatch`).
fn payload_hash(req: &Request, allow_unsigned: bool) -> Result<String, SigV4Error> {
    let body_hash = sha256_hex(req.body);
    match req.header("x-amz-content-sha256").map(str::trim) {
        None => Ok(body_hash),
        Some(UNSIGNED_PAYLOAD) if allow_unsigned => Ok(UNSIGNED_PAYLOAD.to_owned()),
        Some(claimed) if claimed.eq_ignore_ascii_case(&body_hash) => Ok(claimed.to_owned()),
        // A different hash (the body was changed) or a STREAMING-* payload we do not support.
        Some(_) => Err(SigV4Error::SignatureDoesNotMatch),
    }
}

/// Canonical headers (`name:value\n` each) and the signed-headers line, for the sorted,
/// de-duplicated signed names.
fn canonical_headers(req: &Request, signed: &[String]) -> (String, String) {
    let mut names: Vec<&str> = signed.iter().map(String::as_str).collect();
    names.sort_unstable();
    names.dedup();
    let mut block = String::new();
    for name in &names {
        let values: Vec<String> = req.header_values(name).map(canonical::trim_all).collect();
        block.push_str(name);
        block.push(':');
        block.push_str(&values.join(","));
        block.push('\n');
    }
    (block, names.join(";"))
}

/// The signing key: `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service),
/// "aws4_request")`.
fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> Vec<u8> {
    let k_date = hmac_sha256(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k_region = hmac_sha256(&k_date, region.as_bytes());
    let k_service = hmac_sha256(&k_region, service.as_bytes());
    hmac_sha256(&k_service, SCOPE_TERMINATOR.as_bytes())
}

/// Everything of the canonical request except the URI and query, which have variants.
struct Prepared {
    headers: String,
    signed_line: String,
    payload: String,
}

fn string_to_sign(
    req: &Request,
    prepared: &Prepared,
    uri: &str,
    query: &str,
    amz_date: &str,
    scope: &str,
) -> String {
    let canonical_request = format!(
        "{}\n{uri}\n{query}\n{}\n{}\n{}",
        req.method, prepared.headers, prepared.signed_line, prepared.payload
    );
    format!(
        "{ALGORITHM}\n{amz_date}\n{scope}\n{}",
        sha256_hex(canonical_request.as_bytes())
    )
}

/// Verifies the signature of `req` with `secret_access_key`, the secret of
/// `auth.access_key_id`. `now` is the server's clock, for the 15-minute freshness check.
///
/// The caller has already looked the access key up (unknown →
/// [`SigV4Error::InvalidClientTokenId`]) and usually checked the service with
/// [`Authorization::require_service`].
pub fn verify(
    req: &Request,
    auth: &Authorization,
    secret_access_key: &str,
    now: OffsetDateTime,
) -> Result<(), SigV4Error> {
    let time = request_time(req, auth)?;
    if !auth.signed_headers.iter().any(|h| h == "host") {
        return Err(incomplete(
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
        ));
    }
    let request_day = &time.amz[..8];
    if auth.date != request_day {
        return Err(SigV4Error::InvalidCredentialScope(format!(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date \
             from HTTP: '{}' != '{request_day}', from '{}'.",
            auth.date, time.amz
        )));
    }
    if time.at < now - MAX_CLOCK_SKEW {
        return Err(SigV4Error::RequestExpired {
            request_time: time.amz,
            earliest: timestamp::format_amz(now - MAX_CLOCK_SKEW),
            now: timestamp::format_amz(now),
        });
    }
    if time.at > now + MAX_CLOCK_SKEW {
        return Err(SigV4Error::RequestNotYetCurrent {
            request_time: time.amz,
            latest: timestamp::format_amz(now + MAX_CLOCK_SKEW),
            now: timestamp::format_amz(now),
        });
    }

    let (headers, signed_line) = canonical_headers(req, &auth.signed_headers);
    let prepared = Prepared {
        headers,
        signed_line,
        payload: payload_hash(req, false)?,
    };
    let key = signing_key(secret_access_key, &auth.date, &auth.region, &auth.service);
    let scope = auth.credential_scope();

    let as_sent_path = if req.path.is_empty() { "/" } else { req.path };
    let mut uris = vec![canonical::canonical_uri(req.path), as_sent_path.to_owned()];
    uris.dedup();
    let mut queries = vec![
        canonical::canonical_query(req.query),
        canonical::canonical_query_as_sent(req.query),
    ];
    queries.dedup();

    // Check every variant (no early exit), so the time taken does not say which one matched.
    let provided = auth.signature.to_ascii_lowercase();
    let provided = provided.as_bytes();
    let mut matched = subtle::Choice::from(0u8);
    for uri in &uris {
        for query in &queries {
            let sts = string_to_sign(req, &prepared, uri, query, &time.amz, &scope);
            let expected = hex::encode(hmac_sha256(&key, sts.as_bytes()));
            matched |= expected.as_bytes().ct_eq(provided);
        }
    }
    if bool::from(matched) {
        Ok(())
    } else {
        Err(SigV4Error::SignatureDoesNotMatch)
    }
}

/// Signs `req` the standard way (the first canonical variant [`verify`] accepts) and returns
/// the `Authorization` header value. The request must already carry its `X-Amz-Date` (or
/// `Date`) and `Host` headers; `signed_headers` are the names to sign (`host` and the date
/// header must be among them for [`verify`] to accept the result). For tests and tools.
pub fn sign(
    req: &Request,
    access_key_id: &str,
    secret_access_key: &str,
    region: &str,
    service: &str,
    signed_headers: &[&str],
) -> Result<String, SigV4Error> {
    let mut signed: Vec<String> = signed_headers
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    signed.sort_unstable();
    signed.dedup();
    let time_auth = Authorization {
        access_key_id: access_key_id.to_owned(),
        date: String::new(),
        region: region.to_owned(),
        service: service.to_owned(),
        signed_headers: signed,
        signature: String::new(),
    };
    let time = request_time(req, &time_auth)?;
    let auth = Authorization {
        date: time.amz[..8].to_owned(),
        ..time_auth
    };
    let (headers, signed_line) = canonical_headers(req, &auth.signed_headers);
    let prepared = Prepared {
        headers,
        signed_line,
        payload: payload_hash(req, true)?,
    };
    let key = signing_key(secret_access_key, &auth.date, region, service);
    let sts = string_to_sign(
        req,
        &prepared,
        &canonical::canonical_uri(req.path),
        &canonical::canonical_query(req.query),
        &time.amz,
        &auth.credential_scope(),
    );
    let signature = hex::encode(hmac_sha256(&key, sts.as_bytes()));
    Ok(format!(
        "{ALGORITHM} Credential={access_key_id}/{}, SignedHeaders={}, Signature={signature}",
        auth.credential_scope(),
        prepared.signed_line
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// Signs with the path exactly as sent (single encoding, as S3-style signers do).
    fn sign_single_encoded(req: &Request, auth: &Authorization, secret: &str) -> String {
        let time = request_time(req, auth).unwrap();
        let (headers, signed_line) = canonical_headers(req, &auth.signed_headers);
        let prepared = Prepared {
            headers,
            signed_line,
            payload: payload_hash(req, true).unwrap(),
        };
        let sts = string_to_sign(
            req,
            &prepared,
            req.path,
            &canonical::canonical_query(req.query),
            &time.amz,
            &auth.credential_scope(),
        );
        let key = signing_key(secret, &auth.date, &auth.region, &auth.service);
        hex::encode(hmac_sha256(&key, sts.as_bytes()))
    }

    #[test]
    fn single_encoded_paths_are_accepted_too() {
        let headers = vec![
            ("host".to_owned(), "h".to_owned()),
            ("x-amz-date".to_owned(), "20261126T000000Z".to_owned()),
        ];
        let req = Request {
            method: "GET",
            path: "/apigateway/restapis/a%20b",
            query: "",
            headers: &headers,
            body: b"",
        };
        let mut auth = Authorization {
            access_key_id: "AKID".into(),
            date: "20261126".into(),
            region: "r".into(),
            service: "apigateway".into(),
            signed_headers: vec!["host".into(), "x-amz-date".into()],
            signature: String::new(),
        };
        auth.signature = sign_single_encoded(&req, &auth, "secret");
        let now = timestamp::parse_amz("20261126T000000Z").unwrap();
        assert_eq!(verify(&req, &auth, "secret", now), Ok(()));
        let other = Request {
            path: "/apigateway/restapis/a%2520b",
            ..req
        };
        assert_eq!(
            verify(&other, &auth, "secret", now),
            Err(SigV4Error::SignatureDoesNotMatch)
        );
        // Upper-case hex in the provided signature is fine.
        auth.signature = auth.signature.to_ascii_uppercase();
        assert_eq!(verify(&req, &auth, "secret", now), Ok(()));
    }
}

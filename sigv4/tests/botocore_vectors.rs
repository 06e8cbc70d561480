//! Requests signed by botocore's own `SigV4Auth` (see `vectors/make_vectors.py`, which wrote
//! `vectors/botocore.json`), plus the AWS documentation's IAM example. Each is verified as is,
//! then with the secret, body, path, query, headers or clock changed.

#![allow(clippy::unwrap_used)]

use serde::Deserialize;
use sigv4::{Request, SigV4Error, parse_authorization, sign, verify};
use time::{Date, Duration, Month, OffsetDateTime, Time};

#[derive(Debug, Clone, Deserialize)]
struct Vector {
    name: String,
    service: String,
    region: String,
    access_key_id: String,
    secret_access_key: String,
    now: String,
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: String,
    authorization: String,
}

#[derive(Deserialize)]
struct File {
    botocore_version: String,
    vectors: Vec<Vector>,
}

fn vectors() -> Vec<Vector> {
    let file: File = serde_json::from_str(include_str!("vectors/botocore.json")).unwrap();
    assert!(!file.botocore_version.is_empty());
    assert!(file.vectors.len() >= 10, "expected the full vector set");
    file.vectors
}

/// The vectors whose body is signed: every one but botocore's `UNSIGNED-PAYLOAD` request, which
/// the services verified here refuse (see `an_unsigned_payload_never_verifies`).
fn signed_body_vectors() -> Vec<Vector> {
    vectors()
        .into_iter()
        .filter(|v| v.name != UNSIGNED)
        .collect()
}

const UNSIGNED: &str = "direct_unsigned_payload";

fn vector(name: &str) -> Vector {
    vectors().into_iter().find(|v| v.name == name).unwrap()
}

/// `yyyymmddThhmmssZ` to a UTC time.
fn parse_time(s: &str) -> OffsetDateTime {
    let n = |r: std::ops::Range<usize>| s[r].parse::<u16>().unwrap();
    let date = Date::from_calendar_date(
        i32::from(n(0..4)),
        Month::try_from(n(4..6) as u8).unwrap(),
        n(6..8) as u8,
    )
    .unwrap();
    let time = Time::from_hms(n(9..11) as u8, n(11..13) as u8, n(13..15) as u8).unwrap();
    date.with_time(time).assume_utc()
}

impl Vector {
    fn now(&self) -> OffsetDateTime {
        parse_time(&self.now)
    }

    fn check(&self) -> Result<(), SigV4Error> {
        self.check_at(self.now())
    }

    fn check_at(&self, now: OffsetDateTime) -> Result<(), SigV4Error> {
        self.check_with(&self.secret_access_key, now)
    }

    fn check_with(&self, secret: &str, now: OffsetDateTime) -> Result<(), SigV4Error> {
        let auth = sigv4::authorization_from_headers(&self.headers)?;
        auth.require_service(&self.service)?;
        let req = Request {
            method: &self.method,
            path: &self.path,
            query: &self.query,
            headers: &self.headers,
            body: self.body.as_bytes(),
        };
        verify(&req, &auth, secret, now)
    }

    fn signed_headers(&self) -> Vec<String> {
        parse_authorization(&self.authorization)
            .unwrap()
            .signed_headers
    }

    fn set_header(&mut self, name: &str, value: &str) {
        let slot = self
            .headers
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .unwrap();
        slot.1 = value.to_owned();
    }
}

fn assert_mismatch(v: &Vector, what: &str) {
    assert_eq!(
        v.check(),
        Err(SigV4Error::SignatureDoesNotMatch),
        "{}: {what}",
        v.name
    );
}

fn assert_incomplete(v: &Vector, what: &str) {
    assert!(
        matches!(v.check(), Err(SigV4Error::IncompleteSignature(_))),
        "{}: {what}: {:?}",
        v.name,
        v.check()
    );
}

#[test]
fn every_vector_verifies() {
    for v in signed_body_vectors() {
        assert_eq!(v.check(), Ok(()), "{}", v.name);
    }
}

/// Cognito and API Gateway always hash the body, so a request signed over `UNSIGNED-PAYLOAD`
/// (botocore's S3-style vector) does not verify, whatever body it carries.
#[test]
fn an_unsigned_payload_never_verifies() {
    let v = vector(UNSIGNED);
    assert_mismatch(&v, "signed over UNSIGNED-PAYLOAD");
    let mut t = v.clone();
    t.body.push(' ');
    assert_mismatch(&t, "UNSIGNED-PAYLOAD with another body");
}

#[test]
fn our_signer_reproduces_botocore_byte_for_byte() {
    // verify() also accepts alternative canonical forms; this pins the standard one to botocore.
    for v in vectors() {
        let req = Request {
            method: &v.method,
            path: &v.path,
            query: &v.query,
            headers: &v.headers,
            body: v.body.as_bytes(),
        };
        let signed = v.signed_headers();
        let signed: Vec<&str> = signed.iter().map(String::as_str).collect();
        let ours = sign(
            &req,
            &v.access_key_id,
            &v.secret_access_key,
            &v.region,
            &v.service,
            &signed,
        )
        .unwrap();
        assert_eq!(
            parse_authorization(&ours).unwrap(),
            parse_authorization(&v.authorization).unwrap(),
            "{}",
            v.name
        );
    }
}

#[test]
fn aws_documentation_example() {
    let v = vector("aws_docs_iam_list_users");
    let auth = parse_authorization(&v.authorization).unwrap();
    assert_eq!(
        auth.signature,
        "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
    );
    assert_eq!(auth.access_key_id, "AKIDEXAMPLE");
    assert_eq!(
        auth.credential_scope(),
        "20150830/us-east-1/iam/aws4_request"
    );
    assert_eq!(
        auth.signed_headers,
        ["content-type", "host", "x-amz-date"].map(String::from)
    );
    assert_eq!(v.check(), Ok(()));
    // The documented secret has '+' after "K7MDENG"; with '/' the signature differs.
    assert_eq!(
        v.check_with("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", v.now()),
        Err(SigV4Error::SignatureDoesNotMatch)
    );
}

#[test]
fn wrong_secret_does_not_match() {
    for v in vectors() {
        let mut wrong = v.secret_access_key.clone();
        wrong.push('x');
        assert_eq!(
            v.check_with(&wrong, v.now()),
            Err(SigV4Error::SignatureDoesNotMatch),
            "{}",
            v.name
        );
        assert_eq!(
            v.check_with("", v.now()),
            Err(SigV4Error::SignatureDoesNotMatch),
            "{}",
            v.name
        );
    }
}

#[test]
fn tampered_body_does_not_match() {
    for v in vectors() {
        let mut t = v.clone();
        t.body.push(' ');
        assert_mismatch(&t, "body + ' '");
    }
    let mut t = vector("cognito_list_user_pools");
    t.body = t.body.replace("10", "60");
    assert_mismatch(&t, "MaxResults changed");
}

#[test]
fn changed_path_does_not_match() {
    for v in vectors() {
        for path in [
            format!("{}x", v.path),
            format!("{}/", v.path.trim_end_matches('/')),
            v.path.to_uppercase(),
            "/".to_owned(),
        ] {
            let mut t = v.clone();
            if normalized_equal(&path, &v.path) {
                continue;
            }
            t.path = path.clone();
            assert_mismatch(&t, &format!("path {path}"));
        }
    }
    // Encoded and decoded are different paths.
    let mut t = vector("apigateway_get_resource_encoded_path");
    t.path = t.path.replace("a%20b", "a b");
    assert_mismatch(&t, "decoded space");
    let mut t = vector("apigateway_get_resource_encoded_path");
    t.path = t.path.replace("%2F", "/");
    assert_mismatch(&t, "decoded slash");
}

/// Paths botocore's normalisation maps to the same canonical URI (equal, or differing only by
/// what dot-segment removal and `//` collapsing ignore).
fn normalized_equal(a: &str, b: &str) -> bool {
    let norm = |p: &str| {
        let mut out: Vec<&str> = Vec::new();
        for s in p.split('/') {
            match s {
                "" | "." => {}
                ".." => {
                    out.pop();
                }
                s => out.push(s),
            }
        }
        (out.join("/"), p.ends_with('/') && !out.is_empty())
    };
    norm(a) == norm(b)
}

#[test]
fn dot_segments_are_normalised_like_botocore() {
    // botocore signs /apigateway//restapis/./abc/../abc123/ as /apigateway/restapis/abc123/.
    let mut t = vector("direct_dot_segments");
    assert_eq!(t.check(), Ok(()));
    t.path = "/apigateway/restapis/abc123/".to_owned();
    assert_eq!(t.check(), Ok(()));
    t.path = "/apigateway/restapis/abc123".to_owned();
    assert_mismatch(&t, "trailing slash dropped");
}

#[test]
fn changed_query_does_not_match() {
    for v in vectors() {
        let mut t = v.clone();
        t.query = if v.query.is_empty() {
            "x=1".to_owned()
        } else {
            format!("{}&x=1", v.query)
        };
        assert_mismatch(&t, "extra parameter");
    }
    let mut t = vector("apigateway_get_resources_embed");
    t.query = "embed=methods&limit=26".to_owned();
    assert_mismatch(&t, "limit changed");
    // Order on the wire does not matter: the canonical query is sorted.
    t.query = "limit=25&embed=methods".to_owned();
    assert_eq!(t.check(), Ok(()));
    // '+' is not a space in SigV4.
    let mut t = vector("direct_odd_query");
    t.query = t.query.replace("%20", "+");
    assert_mismatch(&t, "'+' for %20");
    // Equivalent encodings of the same bytes canonicalise the same way.
    let mut t = vector("direct_odd_query");
    t.query = t.query.replace("%2F", "%2f");
    assert_eq!(t.check(), Ok(()));
}

#[test]
fn changed_signed_header_does_not_match() {
    for v in vectors() {
        for name in v.signed_headers() {
            let mut t = v.clone();
            let old = t
                .headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(&name))
                .unwrap()
                .1
                .clone();
            let new = match name.as_str() {
                // Same day, one second later: still fresh, so only the signature can fail.
                "x-amz-date" => old.replace("56Z", "57Z").replace("00Z", "01Z"),
                "date" => old.replace(":56 ", ":57 "),
                "x-amz-content-sha256" => "0".repeat(64),
                _ => format!("{old}x"),
            };
            assert_ne!(old, new);
            t.set_header(&name, &new);
            assert_mismatch(&t, &format!("header {name}"));
        }
    }
}

#[test]
fn unsigned_headers_and_header_name_case_do_not_matter() {
    for v in signed_body_vectors() {
        let signed = v.signed_headers();
        let mut t = v.clone();
        for (name, value) in &mut t.headers {
            if !signed.contains(&name.to_ascii_lowercase()) && name != "Authorization" {
                value.push_str("-changed");
            }
        }
        t.headers
            .push(("X-Forwarded-For".into(), "10.0.0.1".into()));
        for (name, _) in &mut t.headers {
            *name = name.to_ascii_uppercase();
        }
        assert_eq!(t.check(), Ok(()), "{}", v.name);
    }
}

#[test]
fn repeated_headers_are_joined_in_order() {
    let v = vector("direct_repeated_and_spaced_headers");
    let mut t = v.clone();
    let (a, b) = {
        let idx: Vec<usize> = t
            .headers
            .iter()
            .enumerate()
            .filter(|(_, (n, _))| n.eq_ignore_ascii_case("x-gatehouse-multi"))
            .map(|(i, _)| i)
            .collect();
        (idx[0], idx[1])
    };
    t.headers.swap(a, b);
    assert_mismatch(&t, "repeated header values swapped");
    let mut t = v.clone();
    t.headers.remove(b);
    assert_mismatch(&t, "second value removed");
    // Extra white space is insignificant.
    let mut t = v;
    t.set_header("My-Header", "\t a b c  ");
    assert_eq!(t.check(), Ok(()));
}

#[test]
fn content_sha256_header_must_match_the_body() {
    let v = vector("direct_content_sha256_header");
    let mut t = v.clone();
    t.body = "{}".into();
    assert_mismatch(&t, "body does not match x-amz-content-sha256");
    // An attacker cannot switch a signed payload to UNSIGNED-PAYLOAD.
    let mut t = vector("cognito_list_user_pools");
    t.headers
        .push(("X-Amz-Content-SHA256".into(), "UNSIGNED-PAYLOAD".into()));
    t.body = r#"{"MaxResults": 60}"#.into();
    assert_mismatch(&t, "unsigned-payload header added");
}

#[test]
fn clock_skew_of_fifteen_minutes_is_the_limit() {
    for v in signed_body_vectors() {
        let now = v.now();
        let fifteen = Duration::minutes(15);
        assert_eq!(v.check_at(now + fifteen), Ok(()), "{}", v.name);
        assert_eq!(v.check_at(now - fifteen), Ok(()), "{}", v.name);
        let late = v.check_at(now + fifteen + Duration::seconds(1));
        assert!(
            matches!(late, Err(SigV4Error::RequestExpired { .. })),
            "{}: {late:?}",
            v.name
        );
        let early = v.check_at(now - fifteen - Duration::seconds(1));
        assert!(
            matches!(early, Err(SigV4Error::RequestNotYetCurrent { .. })),
            "{}: {early:?}",
            v.name
        );
        // Expiry is reported even with a wrong secret (AWS checks the time first).
        assert!(matches!(
            v.check_with("wrong", now + Duration::hours(2)),
            Err(SigV4Error::RequestExpired { .. })
        ));
    }
}

#[test]
fn expiry_messages_are_aws_messages() {
    let v = vector("cognito_list_user_pools");
    let now = parse_time("20261126T125500Z");
    let err = v.check_at(now).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Signature expired: 20261126T123456Z is now earlier than 20261126T124000Z \
         (20261126T125500Z - 15 min.)"
    );
    assert_eq!(err.code(), "InvalidSignatureException");
    assert_eq!(err.http_status(), 403);
    assert!(err.is_clock_skew());

    let now = parse_time("20261126T121500Z");
    let err = v.check_at(now).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Signature not yet current: 20261126T123456Z is still later than 20261126T123000Z \
         (20261126T121500Z + 15 min.)"
    );
}

#[test]
fn date_header_vector_follows_the_date_header() {
    let v = vector("direct_date_header");
    assert!(v.headers.iter().all(|(n, _)| n != "X-Amz-Date"));
    assert_eq!(v.check(), Ok(()));
    // The same instant spelt differently is another header value, and the value is signed.
    let mut t = v.clone();
    t.set_header("Date", "Thu, 26 Nov 2026 12:34:56 GMT");
    assert_mismatch(&t, "Date re-spelt");
    // The Date header's time is checked for freshness like X-Amz-Date.
    assert!(matches!(
        v.check_at(v.now() + Duration::minutes(16)),
        Err(SigV4Error::RequestExpired { .. })
    ));
}

#[test]
fn missing_or_malformed_authorization() {
    let v = vector("cognito_list_user_pools");

    let mut t = v.clone();
    t.headers
        .retain(|(n, _)| !n.eq_ignore_ascii_case("authorization"));
    assert_eq!(t.check(), Err(SigV4Error::MissingAuthenticationToken));
    assert_eq!(
        SigV4Error::MissingAuthenticationToken.to_string(),
        "Missing Authentication Token"
    );

    let auth = v.authorization.clone();
    let sig_at = auth.find(", Signature=").unwrap();
    let sh_at = auth.find(", SignedHeaders=").unwrap();
    let malformed = [
        "Bearer eyJhbGciOiJSUzI1NiJ9.e30.sig".to_owned(),
        "AWS4-HMAC-SHA512 Credential=a/b/c/d/aws4_request".to_owned(),
        auth[..sig_at].to_owned(),
        format!("{}{}", &auth[..sh_at], &auth[sig_at..]),
        auth.replace("Credential=", "Cred="),
        auth.replace("/aws4_request", "/aws5_request"),
        auth.replace("/us-east-1/", "/"),
        auth.replace("/20261126/", "/2026-11-26/"),
        auth.replace(
            "SignedHeaders=content-type;",
            "SignedHeaders=content-type;;",
        ),
        auth.replace("Signature=", "Signature=zz"),
        auth.replace(", Signature=", ", Signature"),
        format!("{auth}, Signature=00"),
        "AWS4-HMAC-SHA256".to_owned(),
    ];
    for bad in malformed {
        let mut t = v.clone();
        t.set_header("Authorization", &bad);
        assert_incomplete(&t, &bad);
        let err = t.check().unwrap_err();
        assert_eq!(err.code(), "IncompleteSignatureException");
        assert_eq!(err.query_code(), "IncompleteSignature");
        assert!(!err.to_string().contains("eyJ"), "echoes the header: {err}");
    }

    let mut t = v.clone();
    t.headers
        .push(("authorization".into(), v.authorization.clone()));
    assert_incomplete(&t, "two Authorization headers");

    let mut t = v.clone();
    t.set_header("Authorization", "   ");
    assert_eq!(t.check(), Err(SigV4Error::MissingAuthenticationToken));
}

#[test]
fn missing_parameters_are_listed_like_aws() {
    let err = parse_authorization("Bearer abc").unwrap_err();
    assert_eq!(
        err.to_string(),
        "Authorization header requires 'Credential' parameter. Authorization header requires \
         'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. \
         Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
    );
    let err = parse_authorization(
        "AWS4-HMAC-SHA256 Credential=AKID/20261126/us-east-1/cognito-idp/aws4_request",
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Authorization header requires 'Signature' parameter. Authorization header requires \
         'SignedHeaders' parameter."
    );
    let err = parse_authorization(
        "AWS4-HMAC-SHA256 Credential=AKID/20261126/us-east-1/cognito-idp/foo, \
         SignedHeaders=host, Signature=00",
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Credential should be scoped with a valid terminator: 'aws4_request', not 'foo'."
    );
}

#[test]
fn parses_compact_and_spaced_forms() {
    let compact = parse_authorization(
        "AWS4-HMAC-SHA256 Credential=AKID/20261126/us-east-1/apigateway/aws4_request,\
         SignedHeaders=Host;X-Amz-Date,Signature=ABCDEF",
    )
    .unwrap();
    assert_eq!(compact.access_key_id, "AKID");
    assert_eq!(compact.date, "20261126");
    assert_eq!(compact.region, "us-east-1");
    assert_eq!(compact.service, "apigateway");
    assert_eq!(
        compact.signed_headers,
        ["host", "x-amz-date"].map(String::from)
    );
    assert_eq!(compact.signature, "abcdef");
    let spaced = parse_authorization(
        "  AWS4-HMAC-SHA256   Credential = AKID/20261126/us-east-1/apigateway/aws4_request ,  \
         SignedHeaders=host;x-amz-date , Signature=abcdef  ",
    )
    .unwrap();
    assert_eq!(spaced, compact);
}

#[test]
fn date_headers_must_exist_be_valid_and_be_signed() {
    let v = vector("cognito_list_user_pools");

    let mut t = v.clone();
    t.headers
        .retain(|(n, _)| !n.eq_ignore_ascii_case("x-amz-date"));
    assert_incomplete(&t, "no X-Amz-Date and no Date");
    assert!(
        t.check()
            .unwrap_err()
            .to_string()
            .contains("requires existence of either a 'X-Amz-Date' or a 'Date' header")
    );

    let mut t = v.clone();
    t.set_header("X-Amz-Date", "2026-11-26T12:34:56Z");
    assert_incomplete(&t, "extended ISO 8601");

    let mut t = v.clone();
    t.set_header(
        "Authorization",
        &v.authorization.replace(";x-amz-date;", ";"),
    );
    assert_incomplete(&t, "x-amz-date not signed");

    let mut t = v.clone();
    t.set_header("Authorization", &v.authorization.replace(";host;", ";"));
    let err = t.check().unwrap_err();
    assert_eq!(
        err.to_string(),
        "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
    );

    // X-Amz-Date takes precedence over Date.
    let mut t = v.clone();
    t.headers
        .push(("Date".into(), "Mon, 01 Jan 2001 00:00:00 GMT".into()));
    assert_eq!(t.check(), Ok(()));

    let mut t = vector("direct_date_header");
    t.set_header("Date", "yesterday");
    assert_incomplete(&t, "unparsable Date");
    let mut t = vector("direct_date_header");
    t.set_header(
        "Authorization",
        &t.authorization
            .replace("SignedHeaders=date;host", "SignedHeaders=host"),
    );
    assert_incomplete(&t, "Date not signed");
}

#[test]
fn credential_scope_must_fit() {
    let v = vector("cognito_list_user_pools");
    // Another day in the scope than in X-Amz-Date.
    let mut t = v.clone();
    t.set_header(
        "Authorization",
        &v.authorization.replace("/20261126/", "/20261125/"),
    );
    let err = t.check().unwrap_err();
    assert_eq!(
        err.to_string(),
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from \
         HTTP: '20261125' != '20261126', from '20261126T123456Z'."
    );
    assert_eq!(err.code(), "InvalidSignatureException");

    // Signed for another service.
    let auth = parse_authorization(&v.authorization).unwrap();
    let err = auth.require_service("apigateway").unwrap_err();
    assert_eq!(
        err.to_string(),
        "Credential should be scoped to correct service: 'apigateway'."
    );
    assert_eq!(err.query_code(), "SignatureDoesNotMatch");
    assert_eq!(auth.require_service("cognito-idp"), Ok(()));

    // Another region in the scope changes the signing key.
    let mut t = v.clone();
    t.set_header(
        "Authorization",
        &v.authorization.replace("/us-east-1/", "/eu-west-1/"),
    );
    assert_mismatch(&t, "region changed");
}

#[test]
fn error_codes_and_statuses() {
    use SigV4Error::*;
    let all = [
        MissingAuthenticationToken,
        IncompleteSignature("x".into()),
        InvalidClientTokenId,
        SignatureDoesNotMatch,
        InvalidCredentialScope("x".into()),
        RequestExpired {
            request_time: String::new(),
            earliest: String::new(),
            now: String::new(),
        },
        InternalFailure,
    ];
    let codes: Vec<_> = all
        .iter()
        .map(|e| (e.code(), e.query_code(), e.http_status()))
        .collect();
    assert_eq!(
        codes,
        [
            (
                "MissingAuthenticationTokenException",
                "MissingAuthenticationToken",
                403
            ),
            ("IncompleteSignatureException", "IncompleteSignature", 403),
            ("UnrecognizedClientException", "InvalidClientTokenId", 403),
            ("InvalidSignatureException", "SignatureDoesNotMatch", 403),
            ("InvalidSignatureException", "SignatureDoesNotMatch", 403),
            ("InvalidSignatureException", "RequestExpired", 403),
            ("InternalFailure", "InternalFailure", 500),
        ]
    );
    assert_eq!(
        InvalidClientTokenId.to_string(),
        "The security token included in the request is invalid."
    );
    assert_eq!(
        SignatureDoesNotMatch.to_string(),
        "The request signature we calculated does not match the signature you provided. Check \
         your AWS Secret Access Key and signing method. Consult the service documentation for \
         details."
    );
}

#[test]
fn self_signed_requests_round_trip() {
    let headers: Vec<(String, String)> = vec![
        ("Host".into(), "gatehouse.local:8443".into()),
        ("X-Amz-Date".into(), "20261126T000000Z".into()),
        ("Content-Type".into(), "application/json".into()),
    ];
    let mut all = headers.clone();
    let req = Request {
        method: "DELETE",
        path: "/apigateway/restapis/x%2Fy",
        query: "mode=overwrite&failonwarnings=true",
        headers: &headers,
        body: b"",
    };
    let header = sign(
        &req,
        "AKIAEXAMPLE000000000",
        "0123456789abcdef0123456789abcdef01234567",
        "local",
        "apigateway",
        &["host", "x-amz-date", "content-type"],
    )
    .unwrap();
    all.push(("Authorization".into(), header));
    let req = Request {
        headers: &all,
        ..req
    };
    let auth = sigv4::authorization_from_headers(&all).unwrap();
    let now = parse_time("20261126T000500Z");
    assert_eq!(
        verify(&req, &auth, "0123456789abcdef0123456789abcdef01234567", now),
        Ok(())
    );
    // The day boundary: 23:59 on the previous day is within 15 minutes and still fine.
    assert_eq!(
        verify(
            &req,
            &auth,
            "0123456789abcdef0123456789abcdef01234567",
            parse_time("20261125T235900Z")
        ),
        Ok(())
    );
}

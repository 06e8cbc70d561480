//! A self-signed X.509 v3 certificate for an RSA key, written as DER by hand (RFC 5280): what
//! GetSigningCertificate returns. Subject and issuer are one common name, the signature is
//! `sha256WithRSAEncryption` (PKCS#1 v1.5, deterministic), there are no extensions. The same
//! key, name, serial and dates give the same bytes.

use rand::rngs::OsRng;
use rsa::pkcs1::EncodeRsaPublicKey;
use rsa::{Pkcs1v15Sign, RsaPrivateKey};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// 1.2.840.113549.1.1.11
const SHA256_WITH_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b];
/// 1.2.840.113549.1.1.1
const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
/// 2.5.4.3
const COMMON_NAME: &[u8] = &[0x55, 0x04, 0x03];
/// The DER `DigestInfo` header of a SHA-256 digest (RFC 8017, section 9.2, note 1).
const SHA256_DIGEST_INFO: &[u8] = &[
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

/// What the certificate says besides the key.
pub(crate) struct CertificateFields<'a> {
    /// Subject and issuer `CN`.
    pub common_name: &'a str,
    /// Big-endian; encoded as a positive INTEGER.
    pub serial: &'a [u8],
    pub not_before: OffsetDateTime,
    pub not_after: OffsetDateTime,
}

/// One DER element: tag, definite length, content.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

fn sequence(parts: &[&[u8]]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

/// A non-negative INTEGER from big-endian bytes (minimal, with a leading zero if needed).
fn integer(be: &[u8]) -> Vec<u8> {
    let skip = be.iter().take_while(|b| **b == 0).count();
    let digits = if skip == be.len() {
        &[0u8][..]
    } else {
        &be[skip..]
    };
    let mut content = Vec::with_capacity(digits.len() + 1);
    if digits[0] & 0x80 != 0 {
        content.push(0);
    }
    content.extend_from_slice(digits);
    tlv(0x02, &content)
}

fn oid(encoded: &[u8]) -> Vec<u8> {
    tlv(0x06, encoded)
}

fn bit_string(bytes: &[u8]) -> Vec<u8> {
    tlv(0x03, &[&[0u8][..], bytes].concat())
}

/// `AlgorithmIdentifier` with NULL parameters (both RSA algorithms want them).
fn algorithm(encoded_oid: &[u8]) -> Vec<u8> {
    sequence(&[&oid(encoded_oid), &[0x05, 0x00]])
}

/// `Name` with one `CN` (UTF8String).
fn name(common_name: &str) -> Vec<u8> {
    let attribute = sequence(&[&oid(COMMON_NAME), &tlv(0x0c, common_name.as_bytes())]);
    sequence(&[&tlv(0x31, &attribute)])
}

/// RFC 5280 `Time`: UTCTime through 2049, GeneralizedTime from 2050.
fn time(t: OffsetDateTime) -> Vec<u8> {
    let t = t.to_offset(time::UtcOffset::UTC);
    let rest = format!(
        "{:02}{:02}{:02}{:02}{:02}Z",
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    if (1950..2050).contains(&t.year()) {
        tlv(0x17, format!("{:02}{rest}", t.year() % 100).as_bytes())
    } else {
        tlv(0x18, format!("{:04}{rest}", t.year()).as_bytes())
    }
}

/// The SHA-256 `DigestInfo` of `data`, ready for unprefixed PKCS#1 v1.5 signing.
fn digest_info(data: &[u8]) -> Vec<u8> {
    [SHA256_DIGEST_INFO, Sha256::digest(data).as_slice()].concat()
}

/// The DER of a certificate of `key`'s public half, signed by `key` itself.
pub(crate) fn self_signed(
    key: &RsaPrivateKey,
    fields: &CertificateFields<'_>,
) -> Result<Vec<u8>, String> {
    let public = key
        .to_public_key()
        .to_pkcs1_der()
        .map_err(|e| format!("encoding the public key: {e}"))?;
    let subject = name(fields.common_name);
    let tbs = sequence(&[
        // [0] EXPLICIT Version: v3 (2).
        &tlv(0xa0, &integer(&[2])),
        &integer(fields.serial),
        &algorithm(SHA256_WITH_RSA),
        &subject,
        &sequence(&[&time(fields.not_before), &time(fields.not_after)]),
        &subject,
        &sequence(&[&algorithm(RSA_ENCRYPTION), &bit_string(public.as_bytes())]),
    ]);
    let signature = key
        .sign_with_rng(
            &mut OsRng,
            Pkcs1v15Sign::new_unprefixed(),
            &digest_info(&tbs),
        )
        .map_err(|e| format!("signing the certificate: {e}"))?;
    Ok(sequence(&[
        &tbs,
        &algorithm(SHA256_WITH_RSA),
        &bit_string(&signature),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Splits one DER element into (tag, content, rest).
    fn read(der: &[u8]) -> (u8, &[u8], &[u8]) {
        let (tag, first) = (der[0], der[1]);
        let (len, header) = if first < 0x80 {
            (usize::from(first), 2)
        } else {
            let n = usize::from(first & 0x7f);
            let len = der[2..2 + n]
                .iter()
                .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
            (len, 2 + n)
        };
        (tag, &der[header..header + len], &der[header + len..])
    }

    #[test]
    fn der_primitives() {
        assert_eq!(integer(&[2]), [0x02, 0x01, 0x02]);
        assert_eq!(integer(&[0, 0, 0x80]), [0x02, 0x02, 0x00, 0x80]);
        assert_eq!(integer(&[0, 0]), [0x02, 0x01, 0x00]);
        assert_eq!(tlv(0x04, &[7; 200])[..3], [0x04, 0x81, 200]);
        assert_eq!(tlv(0x04, &[7; 300])[..4], [0x04, 0x82, 0x01, 0x2c]);
        let t = OffsetDateTime::from_unix_timestamp(1_767_225_600).expect("2026-01-01");
        assert_eq!(time(t), tlv(0x17, b"260101000000Z"));
        let later = OffsetDateTime::from_unix_timestamp(2_556_144_000).expect("2051-01-01");
        assert_eq!(time(later), tlv(0x18, b"20510101000000Z"));
    }

    #[test]
    fn certificate_is_signed_by_its_key_and_deterministic() {
        let key = RsaPrivateKey::new(&mut OsRng, 1024).expect("key");
        let fields = CertificateFields {
            common_name: "us-east-1_abcdefghi",
            serial: &[0x41, 1, 2, 3],
            not_before: OffsetDateTime::from_unix_timestamp(1_767_225_600).expect("t"),
            not_after: OffsetDateTime::from_unix_timestamp(2_082_758_400).expect("t"),
        };
        let der = self_signed(&key, &fields).expect("certificate");
        assert_eq!(der, self_signed(&key, &fields).expect("again"));
        let (tag, body, rest) = read(&der);
        assert_eq!((tag, rest.len()), (0x30, 0));
        let tbs_len = body.len() - read(body).2.len();
        let (tbs, after_tbs) = body.split_at(tbs_len);
        let (_, alg, after_alg) = read(after_tbs);
        assert_eq!(tlv(0x30, alg), algorithm(SHA256_WITH_RSA));
        let (tag, signature, end) = read(after_alg);
        assert_eq!((tag, signature[0], end.len()), (0x03, 0, 0));
        key.to_public_key()
            .verify(
                Pkcs1v15Sign::new_unprefixed(),
                &digest_info(tbs),
                &signature[1..],
            )
            .expect("signature verifies");
        // The TBS starts with version v3 and the serial, and names the pool.
        let (_, tbs_body, _) = read(tbs);
        assert!(tbs_body.starts_with(&[0xa0, 0x03, 0x02, 0x01, 0x02, 0x02, 0x04, 0x41, 1, 2, 3]));
        let cn = b"us-east-1_abcdefghi";
        assert!(tbs_body.windows(cn.len()).any(|w| w == cn));
    }
}

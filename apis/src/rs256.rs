//! RS256 signature checks with public keys parsed once.
//!
//! `jsonwebtoken`'s `DecodingKey::from_rsa_components` rebuilds the RSA key (big integers,
//! Montgomery constants) on every verification; an uncached authorizer decision paid for that
//! on every request. Here a JWK's `(n, e)` becomes an aws-lc `ParsedPublicKey` the first time it
//! is seen and is reused after that. Same algorithm as jsonwebtoken's RS256: PKCS#1 v1.5 with
//! SHA-256, moduli of 2048 to 8192 bits.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use aws_lc_rs::signature::{ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Parsed keys kept before the table is cleared (keys rotate rarely; a burst of distinct keys
/// only costs re-parsing).
const PARSED_MAX: usize = 256;

type Parsed = HashMap<(String, String), Arc<ParsedPublicKey>>;

fn parsed() -> &'static Mutex<Parsed> {
    static PARSED: OnceLock<Mutex<Parsed>> = OnceLock::new();
    PARSED.get_or_init(Mutex::default)
}

/// The key with base64url modulus `n` and exponent `e`, parsed (once).
pub fn public_key(n: &str, e: &str) -> Result<Arc<ParsedPublicKey>, String> {
    if let Ok(table) = parsed().lock()
        && let Some(key) = table.get(&(n.to_owned(), e.to_owned()))
    {
        return Ok(Arc::clone(key));
    }
    let key = Arc::new(parse(n, e)?);
    if let Ok(mut table) = parsed().lock() {
        if table.len() >= PARSED_MAX {
            table.clear();
        }
        table.insert((n.to_owned(), e.to_owned()), Arc::clone(&key));
    }
    Ok(key)
}

fn parse(n: &str, e: &str) -> Result<ParsedPublicKey, String> {
    let decode = |name: &str, v: &str| {
        URL_SAFE_NO_PAD
            .decode(v.trim_end_matches('='))
            .map_err(|_| format!("the key's {name} is not valid base64url"))
    };
    let der = rsa_public_key_der(&decode("modulus", n)?, &decode("exponent", e)?);
    ParsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, der)
        .map_err(|e| format!("not a usable RSA public key ({e})"))
}

/// Whether `signature` (base64url) is `key`'s RS256 signature of `message`.
pub fn verify(key: &ParsedPublicKey, message: &[u8], signature: &str) -> bool {
    URL_SAFE_NO_PAD
        .decode(signature.trim_end_matches('='))
        .is_ok_and(|sig| key.verify_sig(message, &sig).is_ok())
}

/// PKCS#1 `RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }` in DER.
fn rsa_public_key_der(n: &[u8], e: &[u8]) -> Vec<u8> {
    let mut body = der_integer(n);
    body.extend(der_integer(e));
    let mut out = vec![0x30];
    der_length(&mut out, body.len());
    out.extend(body);
    out
}

/// A non-negative DER INTEGER from big-endian magnitude bytes.
fn der_integer(magnitude: &[u8]) -> Vec<u8> {
    let trimmed: &[u8] = match magnitude.iter().position(|b| *b != 0) {
        Some(first) => &magnitude[first..],
        None => &[0],
    };
    // A set top bit would read as negative: prefix a zero byte.
    let pad = trimmed[0] & 0x80 != 0;
    let mut out = vec![0x02];
    der_length(&mut out, trimmed.len() + usize::from(pad));
    if pad {
        out.push(0);
    }
    out.extend_from_slice(trimmed);
    out
}

fn der_length(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let first = bytes
            .iter()
            .position(|b| *b != 0)
            .unwrap_or(bytes.len() - 1);
        out.push(0x80 | (bytes.len() - first) as u8);
        out.extend_from_slice(&bytes[first..]);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn der_integers_and_lengths() {
        assert_eq!(
            der_integer(&[0x01, 0x00, 0x01]),
            [0x02, 0x03, 0x01, 0x00, 0x01]
        );
        assert_eq!(der_integer(&[0x00, 0x00, 0x7f]), [0x02, 0x01, 0x7f]);
        assert_eq!(der_integer(&[0x80]), [0x02, 0x02, 0x00, 0x80]);
        assert_eq!(der_integer(&[]), [0x02, 0x01, 0x00]);
        let mut long = Vec::new();
        der_length(&mut long, 257);
        assert_eq!(long, [0x82, 0x01, 0x01]);
        let mut short = Vec::new();
        der_length(&mut short, 127);
        assert_eq!(short, [0x7f]);
    }

    #[test]
    fn bad_keys_are_refused_with_a_reason() {
        assert!(public_key("!!", "AQAB").unwrap_err().contains("modulus"));
        // 512 bits: below the 2048-bit minimum RS256 accepts, so nothing verifies with it.
        let small = URL_SAFE_NO_PAD.encode([0xc5; 64]);
        let key = public_key(&small, "AQAB").unwrap();
        assert!(!verify(
            &key,
            b"message",
            &URL_SAFE_NO_PAD.encode([0x11; 64])
        ));
    }
}

//! RFC 6238 time-based one-time passwords as authenticator apps (and Cognito) use them:
//! HMAC-SHA1, 30-second steps, 6 digits; a code is accepted for the current step and one step
//! either side, and only for a step later than the last one accepted.

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha1::Sha1;
use subtle::ConstantTimeEq;

const STEP_SECONDS: i64 = 30;
const DIGITS: u32 = 6;
/// 160-bit secrets, as RFC 4226 recommends; 32 base32 characters.
const SECRET_BYTES: usize = 20;

/// A fresh random secret.
pub(crate) fn new_secret() -> Vec<u8> {
    let mut secret = vec![0u8; SECRET_BYTES];
    rand::thread_rng().fill_bytes(&mut secret);
    secret
}

/// RFC 4648 base32 without padding, as `SecretCode` travels and authenticator apps read it.
pub(crate) fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// The time step of a Unix time.
pub(crate) fn step_at(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS)
}

/// The 6-digit code of `step` (RFC 4226's dynamic truncation).
fn code(secret: &[u8], step: i64) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let binary = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    format!("{:06}", binary % 10u32.pow(DIGITS))
}

/// The step `typed` is the code of, among the current step and one either side, when that
/// step is later than `last_step`; every candidate is compared in constant time.
pub(crate) fn matching_step(
    secret: &[u8],
    typed: &str,
    now_unix: i64,
    last_step: Option<i64>,
) -> Option<i64> {
    if typed.len() != DIGITS as usize || !typed.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = step_at(now_unix);
    let mut found = None;
    for step in [now - 1, now, now + 1] {
        let same: bool = code(secret, step).as_bytes().ct_eq(typed.as_bytes()).into();
        if same && last_step.is_none_or(|last| step > last) && found.is_none() {
            found = Some(step);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 rows (the 8-digit codes' last six digits).
    #[test]
    fn rfc_6238_vectors() {
        let secret = b"12345678901234567890";
        for (time, eight) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(code(secret, step_at(time)), eight[2..], "T = {time}");
        }
    }

    #[test]
    fn base32_matches_rfc_4648() {
        assert_eq!(base32(b""), "");
        assert_eq!(base32(b"f"), "MY");
        assert_eq!(base32(b"fo"), "MZXQ");
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32(&[0u8; 20]).len(), 32);
    }

    #[test]
    fn codes_are_accepted_one_step_either_side_and_once() {
        let secret = new_secret();
        let now = 1_700_000_000;
        let step = step_at(now);
        let current = code(&secret, step);
        assert_eq!(matching_step(&secret, &current, now, None), Some(step));
        assert_eq!(matching_step(&secret, &current, now + 30, None), Some(step));
        assert_eq!(matching_step(&secret, &current, now - 30, None), Some(step));
        assert_eq!(matching_step(&secret, &current, now + 60, None), None);
        // Used once: not again for the same step, nor an earlier one.
        assert_eq!(matching_step(&secret, &current, now, Some(step)), None);
        let previous = code(&secret, step - 1);
        assert_eq!(matching_step(&secret, &previous, now, Some(step)), None);
        assert_eq!(matching_step(&secret, "12345", now, None), None);
        assert_eq!(matching_step(&secret, "12345a", now, None), None);
    }
}

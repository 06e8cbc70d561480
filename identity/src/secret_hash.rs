//! `SecretHash = Base64(HMAC-SHA256(key = client secret, message = username + client id))`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// Computes the SecretHash a client with `client_secret` sends for `username`.
pub fn compute_secret_hash(client_secret: &str, username: &str, client_id: &str) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(client_secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(username.as_bytes());
    mac.update(client_id.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

/// Whether `provided` is the SecretHash for any of `usernames` (compared in constant time).
pub(crate) fn matches(
    client_secret: &str,
    client_id: &str,
    provided: &str,
    usernames: &[&str],
) -> bool {
    let mut ok = subtle::Choice::from(0u8);
    for username in usernames {
        let expected = compute_secret_hash(client_secret, username, client_id);
        ok |= expected.as_bytes().ct_eq(provided.as_bytes());
    }
    ok.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vector() {
        // python: base64.b64encode(hmac.new(b"secret", b"alice" + b"client", hashlib.sha256).digest())
        let h = compute_secret_hash("secret", "alice", "client");
        assert_eq!(h, "RTsve+FQ659UKyESgvLg9GYmZEL+QjzQsW/OjL77/b0=");
        assert!(matches("secret", "client", &h, &["bob", "alice"]));
        assert!(!matches("secret", "client", &h, &["bob"]));
        assert!(!matches("secret", "client", "", &["alice"]));
    }
}

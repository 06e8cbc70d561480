//! Random identifiers in API Gateway's style (lowercase alphanumerics).

use rand::Rng;

const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

fn random(len: usize) -> String {
    let mut rng = rand::thread_rng();
    (0..len)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect()
}

/// A REST API id: 10 lowercase alphanumerics.
pub fn rest_api_id() -> String {
    random(10)
}

/// A resource id: 10 lowercase alphanumerics.
pub fn resource_id() -> String {
    random(10)
}

/// An authorizer id: 6 lowercase alphanumerics.
pub fn authorizer_id() -> String {
    random(6)
}

/// A deployment id: 6 lowercase alphanumerics.
pub fn deployment_id() -> String {
    random(6)
}

/// Whether `s` has the form of a REST API id.
pub fn is_rest_api_id(s: &str) -> bool {
    s.len() == 10
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

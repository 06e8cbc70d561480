//! SRP-6a as Cognito's `USER_SRP_AUTH` does it (the server side), byte for byte what
//! amazon-cognito-identity-js and pycognito compute on the client:
//!
//! - the RFC 5054 3072-bit group, g = 2, SHA-256;
//! - numbers enter hashes as their big-endian bytes, with one leading zero byte when the top
//!   bit is set (the clients' `padHex`), so k = H(pad(N) | pad(g)) and u = H(pad(A) | pad(B));
//! - x = H(pad(salt) | H(poolIdSuffix | username | ":" | password)), v = g^x;
//! - B = k·v + g^b, S = (A·v^u)^b, and the key is HKDF-SHA256(ikm = pad(S), salt = pad(u),
//!   info = "Caldera Derived Key") cut to 16 bytes;
//! - the client proves it with HMAC-SHA256(key, poolIdSuffix | username | secret block |
//!   timestamp), base64.
//!
//! The big-number arithmetic is `num-bigint-dig` (already here through `rsa`). Its `modpow` is
//! not constant time; the exponents it sees are the ephemeral `b` and, at password set, `x`,
//! both on the server only. The proof is compared in constant time.

use std::sync::LazyLock;

use hmac::{Hmac, Mac};
use num_bigint_dig::BigUint;
use num_traits::Zero;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// RFC 5054's 3072-bit prime.
const N_HEX: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A0879",
    "8E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B",
    "0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA4836",
    "1C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804",
    "F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6",
    "955817183995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64",
    "ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D226",
    "1AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E2",
    "08E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
);

/// The HKDF `info` Cognito uses.
const DERIVED_KEY_INFO: &[u8] = b"Caldera Derived Key";

/// Bytes of the random salt and of the server's secret exponent `b`.
const SALT_BYTES: usize = 16;
const SECRET_BYTES: usize = 32;

struct Group {
    n: BigUint,
    g: BigUint,
    k: BigUint,
}

static GROUP: LazyLock<Group> = LazyLock::new(|| {
    let n = BigUint::parse_bytes(N_HEX.as_bytes(), 16).expect("the RFC 5054 prime parses");
    let g = BigUint::from(2u32);
    let k = hash_to_int(&[&pad(&n), &pad(&g)]);
    Group { n, g, k }
});

/// A number as the clients hash it: minimal big-endian bytes, plus a leading zero byte when
/// the top bit is set (so that it reads as positive).
fn pad(x: &BigUint) -> Vec<u8> {
    let bytes = x.to_bytes_be();
    if bytes[0] & 0x80 != 0 {
        let mut padded = Vec::with_capacity(bytes.len() + 1);
        padded.push(0);
        padded.extend_from_slice(&bytes);
        padded
    } else {
        bytes
    }
}

fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

fn hash_to_int(parts: &[&[u8]]) -> BigUint {
    BigUint::from_bytes_be(&sha256(parts))
}

fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

/// The part of a pool id after the underscore (`us-east-1_AbC123` → `AbC123`), which the
/// clients call the pool name.
pub(crate) fn pool_name(pool_id: &str) -> &str {
    pool_id.split_once('_').map_or(pool_id, |(_, name)| name)
}

/// A user's stored secret for SRP: the salt and v = g^x.
pub(crate) struct Verifier {
    pub salt: Vec<u8>,
    pub v: BigUint,
}

impl Verifier {
    /// A verifier for `password` with a fresh random salt.
    pub(crate) fn new(pool_id: &str, username: &str, password: &str) -> Verifier {
        let salt = random_salt();
        let x = private_key(pool_id, username, password, &salt);
        let v = GROUP.g.modpow(&x, &GROUP.n);
        Verifier { salt, v }
    }

    /// `salt length (1 byte) | salt | v`, the form sealed at rest.
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(1 + self.salt.len() + 384);
        out.push(u8::try_from(self.salt.len()).expect("the salt is 16 bytes"));
        out.extend_from_slice(&self.salt);
        out.extend_from_slice(&self.v.to_bytes_be());
        out
    }

    pub(crate) fn from_bytes(bytes: &[u8]) -> Option<Verifier> {
        let (&len, rest) = bytes.split_first()?;
        let len = usize::from(len);
        if rest.len() <= len {
            return None;
        }
        let (salt, v) = rest.split_at(len);
        Some(Verifier {
            salt: salt.to_vec(),
            v: BigUint::from_bytes_be(v),
        })
    }
}

/// A salt whose first byte is not zero: the clients read `SALT` as a number, and
/// amazon-cognito-identity-js drops leading zeros where pycognito keeps them.
fn random_salt() -> Vec<u8> {
    let mut salt = vec![0u8; SALT_BYTES];
    rand::thread_rng().fill_bytes(&mut salt);
    if salt[0] == 0 {
        salt[0] = 1;
    }
    salt
}

/// A salt for a name that has no verifier (an unknown user, or a password set before SRP
/// existed): derived from a server secret and the name, so asking twice gives the same salt
/// and the answer does not tell the two cases apart from a real user.
pub(crate) fn decoy_salt(server_secret: &[u8], pool_id: &str, name: &str) -> Vec<u8> {
    let mac = hmac_sha256(
        server_secret,
        &[
            b"srp-decoy-salt\0",
            pool_id.as_bytes(),
            b"\0",
            name.as_bytes(),
        ],
    );
    let mut salt = mac[..SALT_BYTES].to_vec();
    if salt[0] == 0 {
        salt[0] = 1;
    }
    salt
}

fn private_key(pool_id: &str, username: &str, password: &str, salt: &[u8]) -> BigUint {
    let inner = sha256(&[
        pool_name(pool_id).as_bytes(),
        username.as_bytes(),
        b":",
        password.as_bytes(),
    ]);
    // The clients hash the *hex* of the inner hash after pad(salt): they concatenate hex
    // strings and hash the bytes the whole string decodes to, which is the raw inner hash.
    hash_to_int(&[&pad(&BigUint::from_bytes_be(salt)), &inner])
}

/// The server's side of one exchange: its secret `b` and public `B`.
pub(crate) struct ServerEphemeral {
    pub b: BigUint,
    pub big_b: BigUint,
}

impl ServerEphemeral {
    /// B = k·v + g^b mod N, for a fresh random b.
    pub(crate) fn new(v: &BigUint) -> ServerEphemeral {
        loop {
            let mut bytes = [0u8; SECRET_BYTES];
            rand::thread_rng().fill_bytes(&mut bytes);
            let b = BigUint::from_bytes_be(&bytes);
            let big_b = (&GROUP.k * v + GROUP.g.modpow(&b, &GROUP.n)) % &GROUP.n;
            if !big_b.is_zero() {
                return ServerEphemeral { b, big_b };
            }
        }
    }
}

/// Reads the client's `SRP_A` (hex); `None` when it is not hex or A mod N = 0, which SRP-6a
/// must refuse (it would force the session key to zero).
pub(crate) fn parse_client_public(srp_a: &str) -> Option<BigUint> {
    if srp_a.is_empty() || srp_a.len() > 2 * 512 || !srp_a.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let a = BigUint::parse_bytes(srp_a.as_bytes(), 16)?;
    if (&a % &GROUP.n).is_zero() {
        return None;
    }
    Some(a)
}

/// The 16-byte session key both sides derive; `None` when u = 0.
pub(crate) fn session_key(a: &BigUint, server: &ServerEphemeral, v: &BigUint) -> Option<[u8; 16]> {
    let u = hash_to_int(&[&pad(a), &pad(&server.big_b)]);
    if u.is_zero() {
        return None;
    }
    let s = (a * v.modpow(&u, &GROUP.n)).modpow(&server.b, &GROUP.n);
    let prk = hmac_sha256(&pad(&u), &[&pad(&s)]);
    let okm = hmac_sha256(&prk, &[DERIVED_KEY_INFO, &[1]]);
    let mut key = [0u8; 16];
    key.copy_from_slice(&okm[..16]);
    Some(key)
}

/// Whether `signature` (base64 of the client's `PASSWORD_CLAIM_SIGNATURE`) is the HMAC of the
/// pool name, the user id, the secret block and the timestamp under `key`; compared in
/// constant time.
pub(crate) fn signature_matches(
    key: &[u8; 16],
    pool_id: &str,
    user_id: &str,
    secret_block: &[u8],
    timestamp: &str,
    signature: &[u8],
) -> bool {
    let expected = hmac_sha256(
        key,
        &[
            pool_name(pool_id).as_bytes(),
            user_id.as_bytes(),
            secret_block,
            timestamp.as_bytes(),
        ],
    );
    expected.ct_eq(signature).into()
}

/// Lowercase hex of a number, without leading zeros, as `SRP_B` travels.
pub(crate) fn int_hex(x: &BigUint) -> String {
    x.to_str_radix(16)
}

/// Lowercase hex of bytes, as `SALT` travels.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The client's half, written from the protocol description above, to check that both
    /// halves meet. (Compatibility with the real clients is proven by pycognito and
    /// amazon-cognito-identity-js in the test command.)
    fn client_key(
        pool_id: &str,
        username: &str,
        password: &str,
        salt: &[u8],
        a: &BigUint,
        big_b: &BigUint,
    ) -> [u8; 16] {
        let big_a = GROUP.g.modpow(a, &GROUP.n);
        let u = hash_to_int(&[&pad(&big_a), &pad(big_b)]);
        let x = private_key(pool_id, username, password, salt);
        let kgx = (&GROUP.k * GROUP.g.modpow(&x, &GROUP.n)) % &GROUP.n;
        let base = (big_b + &GROUP.n - kgx) % &GROUP.n;
        let s = base.modpow(&(a + &u * &x), &GROUP.n);
        let prk = hmac_sha256(&pad(&u), &[&pad(&s)]);
        let okm = hmac_sha256(&prk, &[DERIVED_KEY_INFO, &[1]]);
        okm[..16].try_into().expect("16 bytes")
    }

    fn exchange(password_set: &str, password_typed: &str) -> bool {
        let pool = "us-east-1_Abc123XYZ";
        let verifier = Verifier::new(pool, "alice", password_set);
        let server = ServerEphemeral::new(&verifier.v);
        let a = BigUint::from(0x1234_5678_9abc_def0u64) * BigUint::from(0xfedc_ba98u64);
        let big_a = GROUP.g.modpow(&a, &GROUP.n);
        let server_key = session_key(&big_a, &server, &verifier.v).expect("u is not zero");
        let client = client_key(
            pool,
            "alice",
            password_typed,
            &verifier.salt,
            &a,
            &server.big_b,
        );
        let block = b"secret block";
        let ts = "Mon Dec 7 16:08:59 UTC 2026";
        let signature = hmac_sha256(&client, &[b"Abc123XYZ", b"alice", block, ts.as_bytes()]);
        signature_matches(&server_key, pool, "alice", block, ts, &signature)
    }

    #[test]
    fn the_right_password_proves_itself_and_a_wrong_one_does_not() {
        assert!(exchange("Correct-horse-1", "Correct-horse-1"));
        assert!(!exchange("Correct-horse-1", "Correct-horse-2"));
    }

    #[test]
    fn k_is_the_hash_of_padded_n_and_g() {
        // k = H(00 | N | 02): N's top bit is set, so it gains a zero byte; g = 2 does not.
        let n = pad(&GROUP.n);
        assert_eq!(n.len(), 385);
        assert_eq!(n[0], 0);
        assert_eq!(pad(&GROUP.g), vec![2]);
        let mut h = Sha256::new();
        h.update(&n);
        h.update([2u8]);
        assert_eq!(GROUP.k, BigUint::from_bytes_be(&h.finalize()));
    }

    #[test]
    fn a_client_public_value_of_zero_mod_n_is_refused() {
        assert!(parse_client_public("0").is_none());
        assert!(parse_client_public(N_HEX).is_none());
        let two_n = int_hex(&(&GROUP.n * BigUint::from(2u32)));
        assert!(parse_client_public(&two_n).is_none());
        assert!(parse_client_public("xyz").is_none());
        assert!(parse_client_public("").is_none());
        assert!(parse_client_public("abcdef").is_some());
    }

    #[test]
    fn verifiers_round_trip_through_their_bytes() {
        let v = Verifier::new("eu-west-1_x", "bob", "pw");
        let back = Verifier::from_bytes(&v.to_bytes()).expect("parses");
        assert_eq!(back.salt, v.salt);
        assert_eq!(back.v, v.v);
        assert_ne!(v.salt[0], 0);
        assert!(Verifier::from_bytes(&[16, 1, 2]).is_none());
    }

    #[test]
    fn decoy_salts_are_stable_per_name() {
        let a = decoy_salt(b"k", "p_1", "alice");
        assert_eq!(a, decoy_salt(b"k", "p_1", "alice"));
        assert_ne!(a, decoy_salt(b"k", "p_1", "bob"));
        assert_ne!(a, decoy_salt(b"other", "p_1", "alice"));
    }

    #[test]
    fn pool_names_are_the_part_after_the_underscore() {
        assert_eq!(pool_name("us-east-1_AbC"), "AbC");
        assert_eq!(pool_name("plain"), "plain");
    }
}

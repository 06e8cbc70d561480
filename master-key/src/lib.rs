//! The server's master key. Secrets that must be usable later (RSA signing keys, the secret
//! half of access keys) are sealed with it before they reach the database, so a database dump
//! alone reveals none of them.
//!
//! Sealed format: `version (1 byte = 1) || key id (8 bytes) || nonce (12 bytes) || ciphertext+tag`.
//! The key id lets `open` say "sealed with a different master key" instead of a bare failure.

use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rand::RngCore;
use sha2::{Digest, Sha256};

const VERSION: u8 = 1;
const KEY_ID_LEN: usize = 8;
const NONCE_LEN: usize = 12;
const HEADER_LEN: usize = 1 + KEY_ID_LEN + NONCE_LEN;

#[derive(Debug, thiserror::Error)]
pub enum MasterKeyError {
    #[error(
        "the master key must be 32 bytes, base64-encoded (for example `openssl rand -base64 32`)"
    )]
    BadEncoding,
    #[error("cannot read or create the master key file {path}: {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "the master key file {path} must be readable by its owner only (mode 0600); it is {mode:o}"
    )]
    LoosePermissions { path: String, mode: u32 },
    #[error("this secret was sealed with a different master key (key id {found}, ours is {ours})")]
    WrongKey { found: String, ours: String },
    #[error("sealed secret is damaged or was tampered with")]
    Corrupt,
}

#[derive(Clone)]
pub struct MasterKey {
    key: [u8; 32],
    id: [u8; KEY_ID_LEN],
}

// Never print key material, not even in debug logs.
impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MasterKey(id={})", self.key_id())
    }
}

impl MasterKey {
    pub fn from_bytes(key: [u8; 32]) -> MasterKey {
        let digest = Sha256::digest(key);
        let mut id = [0u8; KEY_ID_LEN];
        id.copy_from_slice(&digest[..KEY_ID_LEN]);
        MasterKey { key, id }
    }

    pub fn generate() -> MasterKey {
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        MasterKey::from_bytes(key)
    }

    pub fn from_base64(text: &str) -> Result<MasterKey, MasterKeyError> {
        let bytes = STANDARD
            .decode(text.trim())
            .map_err(|_| MasterKeyError::BadEncoding)?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| MasterKeyError::BadEncoding)?;
        Ok(MasterKey::from_bytes(key))
    }

    /// Reads the key file, or creates it (mode 0600) with a fresh random key when missing.
    pub fn load_or_create(path: &Path) -> Result<MasterKey, MasterKeyError> {
        let file_err = |source| MasterKeyError::File {
            path: path.display().to_string(),
            source,
        };
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let mode = std::fs::metadata(path)
                    .map_err(file_err)?
                    .permissions()
                    .mode()
                    & 0o777;
                if mode & 0o077 != 0 {
                    return Err(MasterKeyError::LoosePermissions {
                        path: path.display().to_string(),
                        mode,
                    });
                }
                MasterKey::from_base64(&text)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = MasterKey::generate();
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir).map_err(file_err)?;
                }
                let mut file = std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(0o600)
                    .open(path)
                    .map_err(file_err)?;
                writeln!(file, "{}", STANDARD.encode(key.key)).map_err(file_err)?;
                file.sync_all().map_err(file_err)?;
                Ok(key)
            }
            Err(e) => Err(file_err(e)),
        }
    }

    /// A short public fingerprint of the key (safe to log and store).
    pub fn key_id(&self) -> String {
        self.id.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// A 32-byte secret for `context` (e.g. "srp-decoy-salt"), derived from the key and
    /// never the key itself: for values that must be stable across restarts and nodes but
    /// unguessable without the key.
    pub fn derive(&self, context: &[u8]) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(b"gatehouse-master-key-derive\0");
        h.update(self.key);
        h.update(context);
        h.finalize().into()
    }

    /// Encrypts `plaintext`; `context` (e.g. "signing-key:us-east-1_abc") is authenticated but
    /// not stored, so a sealed value copied to another row fails to open.
    pub fn seal(&self, plaintext: &[u8], context: &[u8]) -> Vec<u8> {
        let cipher = Aes256Gcm::new((&self.key).into());
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ciphertext = cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: context,
                },
            )
            .expect("AES-GCM encryption of an in-memory buffer cannot fail");
        let mut out = Vec::with_capacity(HEADER_LEN + ciphertext.len());
        out.push(VERSION);
        out.extend_from_slice(&self.id);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ciphertext);
        out
    }

    pub fn open(&self, sealed: &[u8], context: &[u8]) -> Result<Vec<u8>, MasterKeyError> {
        if sealed.len() < HEADER_LEN || sealed[0] != VERSION {
            return Err(MasterKeyError::Corrupt);
        }
        let id = &sealed[1..1 + KEY_ID_LEN];
        if id != self.id {
            return Err(MasterKeyError::WrongKey {
                found: id.iter().map(|b| format!("{b:02x}")).collect(),
                ours: self.key_id(),
            });
        }
        let nonce = &sealed[1 + KEY_ID_LEN..HEADER_LEN];
        Aes256Gcm::new((&self.key).into())
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: &sealed[HEADER_LEN..],
                    aad: context,
                },
            )
            .map_err(|_| MasterKeyError::Corrupt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_and_open_round_trip() {
        let key = MasterKey::generate();
        let sealed = key.seal(b"private key", b"ctx");
        assert_ne!(&sealed[HEADER_LEN..], b"private key");
        assert_eq!(key.open(&sealed, b"ctx").expect("opens"), b"private key");
    }

    #[test]
    fn wrong_context_key_or_tampering_fails() {
        let key = MasterKey::generate();
        let sealed = key.seal(b"secret", b"row-1");
        assert!(matches!(
            key.open(&sealed, b"row-2"),
            Err(MasterKeyError::Corrupt)
        ));
        assert!(matches!(
            MasterKey::generate().open(&sealed, b"row-1"),
            Err(MasterKeyError::WrongKey { .. })
        ));
        let mut bad = sealed.clone();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        assert!(matches!(
            key.open(&bad, b"row-1"),
            Err(MasterKeyError::Corrupt)
        ));
    }

    #[test]
    fn key_file_is_created_0600_and_reloaded() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("master.key");
        let a = MasterKey::load_or_create(&path).expect("creates");
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let b = MasterKey::load_or_create(&path).expect("reloads");
        assert_eq!(a.key_id(), b.key_id());
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        assert!(matches!(
            MasterKey::load_or_create(&path),
            Err(MasterKeyError::LoosePermissions { .. })
        ));
    }

    #[test]
    fn base64_must_be_32_bytes_and_debug_hides_the_key() {
        assert!(matches!(
            MasterKey::from_base64("c2hvcnQ="),
            Err(MasterKeyError::BadEncoding)
        ));
        let key = MasterKey::from_bytes([7; 32]);
        let text = STANDARD.encode([7u8; 32]);
        assert_eq!(
            MasterKey::from_base64(&text).expect("ok").key_id(),
            key.key_id()
        );
        assert!(!format!("{key:?}").contains(&text));
    }

    #[test]
    fn derived_secrets_are_stable_per_key_and_context() {
        let key = MasterKey::from_bytes([7; 32]);
        assert_eq!(
            key.derive(b"a"),
            MasterKey::from_bytes([7; 32]).derive(b"a")
        );
        assert_ne!(key.derive(b"a"), key.derive(b"b"));
        assert_ne!(
            key.derive(b"a"),
            MasterKey::from_bytes([8; 32]).derive(b"a")
        );
        assert_ne!(&key.derive(b"")[..], &[7u8; 32][..]);
    }
}

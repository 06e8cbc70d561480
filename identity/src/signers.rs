//! The opened signing keys of each pool, cached by the service (filled and used by `keys`).

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Instant;

use jsonwebtoken::EncodingKey;

/// A private key ready to sign.
pub(crate) struct Signer {
    pub kid: String,
    pub key: EncodingKey,
}

/// The active ID and access signing keys of one pool.
pub(crate) struct PoolSigners {
    pub id: Signer,
    pub access: Signer,
    /// When they were read from the store.
    pub loaded: Instant,
}

/// Process-wide cache of opened signing keys, plus the lock that serialises key generation.
#[derive(Default)]
pub(crate) struct KeyCache {
    pub generation: tokio::sync::Mutex<()>,
    pub signers: RwLock<HashMap<String, Arc<PoolSigners>>>,
}

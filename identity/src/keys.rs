//! Per-pool RS256 signing keys (2048-bit), the JWKS and the discovery document.
//!
//! Like Cognito, each pool has two active keys: one signs ID tokens, the other access tokens.
//! Keys are generated on first use (on the blocking thread pool) and their private halves are
//! sealed with the master key (context `signing-key:{kid}`). Rotation replaces both active keys;
//! the old ones stop signing at once (their private key is dropped) but stay in the JWKS until
//! `retire_after` = rotation time + the pool's longest ID/access token lifetime, so every
//! token they signed can still be verified until it expires.
//!
//! GetSigningCertificate answers a self-signed X.509 certificate of the active ID-token key
//! (Gatehouse has no SAML federation, whose requests AWS's certificate signs).

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::EncodingKey;
use master_key::MasterKey;
use rsa::RsaPrivateKey;
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey, EncodeRsaPublicKey};
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::error::CognitoError;
use crate::model::{Jwk, KeyStatus, KeyUse, SigningKeyInfo};
use crate::service::Identity;
use crate::signers::{PoolSigners, Signer};
use crate::store::keys::KeyRow;
use crate::wire::{GetSigningCertificateRequest, GetSigningCertificateResponse};
use crate::x509::{self, CertificateFields};
use crate::{store, util};

/// How long a signing certificate is valid, from the creation of its key (AWS: 10 years).
const CERTIFICATE_YEARS: i32 = 10;

/// RSA modulus size of every signing key.
pub const KEY_BITS: usize = 2048;
/// How long a process trusts its cached view of a pool's active keys.
const SIGNER_CACHE_TTL: Duration = Duration::from_secs(60);

/// The public half of a stored key, as a JWKS entry.
fn jwk_from_row(row: &KeyRow) -> Jwk {
    Jwk {
        kid: row.kid.clone(),
        alg: "RS256".to_owned(),
        kty: "RSA".to_owned(),
        e: row.e.clone(),
        n: row.n.clone(),
        use_: "sig".to_owned(),
    }
}

/// Generates one key (slow: run it on the blocking pool) as a row ready to insert.
fn generate_key(
    master_key: &MasterKey,
    pool_id: &str,
    key_use: KeyUse,
    now: OffsetDateTime,
) -> Result<KeyRow, CognitoError> {
    let key = RsaPrivateKey::new(&mut rand::rngs::OsRng, KEY_BITS)
        .map_err(|e| CognitoError::internal(format_args!("RSA key generation: {e}")))?;
    let private_der = key
        .to_pkcs1_der()
        .map_err(|e| CognitoError::internal(format_args!("RSA key encoding: {e}")))?;
    let public = key.to_public_key();
    let public_der = public
        .to_pkcs1_der()
        .map_err(|e| CognitoError::internal(format_args!("RSA key encoding: {e}")))?;
    // 44 characters of standard base64, like Cognito's kids.
    let kid = STANDARD.encode(Sha256::digest(public_der.as_bytes()));
    let sealed = master_key.seal(
        private_der.as_bytes(),
        format!("signing-key:{kid}").as_bytes(),
    );
    Ok(KeyRow {
        kid,
        pool_id: pool_id.to_owned(),
        token_use: key_use.as_str().to_owned(),
        private_key_sealed: Some(sealed),
        n: URL_SAFE_NO_PAD.encode(public.n().to_bytes_be()),
        e: URL_SAFE_NO_PAD.encode(public.e().to_bytes_be()),
        created_at: now,
        rotated_at: None,
        retire_after: None,
    })
}

impl Identity {
    async fn generate_keys(
        &self,
        pool_id: &str,
        uses: Vec<KeyUse>,
    ) -> Result<Vec<KeyRow>, CognitoError> {
        let master_key = self.master_key().clone();
        let pool_id = pool_id.to_owned();
        let started = Instant::now();
        let rows = tokio::task::spawn_blocking(move || {
            let now = util::now();
            uses.into_iter()
                .map(|u| generate_key(&master_key, &pool_id, u, now))
                .collect::<Result<Vec<_>, _>>()
        })
        .await
        .map_err(|e| CognitoError::internal(format_args!("key generation task: {e}")))??;
        tracing::debug!(
            duration_ms = started.elapsed().as_millis() as u64,
            keys = rows.len(),
            "generated signing keys"
        );
        Ok(rows)
    }

    /// Makes sure the pool has an active ID key and an active access key, generating the
    /// missing ones.
    async fn ensure_keys(&self, pool_id: &str) -> Result<(), CognitoError> {
        let missing = |active: &[KeyRow]| -> Vec<KeyUse> {
            [KeyUse::Id, KeyUse::Access]
                .into_iter()
                .filter(|u| !active.iter().any(|k| k.token_use == u.as_str()))
                .collect()
        };
        if missing(&store::keys::active_keys(self.db(), pool_id).await?).is_empty() {
            return Ok(());
        }
        let _generating = self.key_cache().generation.lock().await;
        let needed = missing(&store::keys::active_keys(self.db(), pool_id).await?);
        if needed.is_empty() {
            return Ok(());
        }
        let rows = self.generate_keys(pool_id, needed).await?;
        let mut tx = self.db().begin().await?;
        if !store::pools::lock_pool(&mut tx, pool_id).await? {
            return Err(CognitoError::pool_not_found(pool_id));
        }
        // Another server may have generated keys meanwhile: insert only what is still missing.
        let still = missing(&store::keys::active_keys(&mut *tx, pool_id).await?);
        for row in rows
            .iter()
            .filter(|r| KeyUse::parse(&r.token_use).is_some_and(|u| still.contains(&u)))
        {
            store::keys::insert_key(&mut tx, row).await?;
            tracing::info!(pool.id = %pool_id, key.kid = %row.kid, key.token_use = %row.token_use, "signing key created");
        }
        tx.commit().await?;
        Ok(())
    }

    /// The PKCS#1 DER of an active key's private half.
    fn open_private_key(&self, row: &KeyRow) -> Result<Vec<u8>, CognitoError> {
        let sealed = row
            .private_key_sealed
            .as_deref()
            .ok_or_else(|| CognitoError::internal("active signing key has no private key"))?;
        Ok(self
            .master_key()
            .open(sealed, format!("signing-key:{}", row.kid).as_bytes())?)
    }

    fn open_signer(&self, row: &KeyRow) -> Result<Signer, CognitoError> {
        let der = self.open_private_key(row)?;
        Ok(Signer {
            kid: row.kid.clone(),
            key: EncodingKey::from_rsa_der(&der),
        })
    }

    /// The pool's active signing keys (cached for a minute).
    pub(crate) async fn signers(&self, pool_id: &str) -> Result<Arc<PoolSigners>, CognitoError> {
        if let Ok(cache) = self.key_cache().signers.read()
            && let Some(s) = cache.get(pool_id)
            && s.loaded.elapsed() < SIGNER_CACHE_TTL
        {
            return Ok(Arc::clone(s));
        }
        self.ensure_keys(pool_id).await?;
        let active = store::keys::active_keys(self.db(), pool_id).await?;
        let find = |u: KeyUse| {
            active
                .iter()
                .find(|k| k.token_use == u.as_str())
                .ok_or_else(|| CognitoError::internal("signing key disappeared"))
        };
        let signers = Arc::new(PoolSigners {
            id: self.open_signer(find(KeyUse::Id)?)?,
            access: self.open_signer(find(KeyUse::Access)?)?,
            loaded: Instant::now(),
        });
        if let Ok(mut cache) = self.key_cache().signers.write() {
            cache.insert(pool_id.to_owned(), Arc::clone(&signers));
        }
        Ok(signers)
    }

    pub(crate) fn forget_pool_keys(&self, pool_id: &str) {
        if let Ok(mut cache) = self.key_cache().signers.write() {
            cache.remove(pool_id);
        }
    }

    /// Rotates the pool's signing keys (console only): two new active keys; the previous ones
    /// stay published until every token they signed has expired.
    pub async fn rotate_signing_keys(&self, pool_id: &str) -> Result<(), CognitoError> {
        let pool = self.load_pool(pool_id).await?;
        let _generating = self.key_cache().generation.lock().await;
        let rows = self
            .generate_keys(&pool.id, vec![KeyUse::Id, KeyUse::Access])
            .await?;
        let mut tx = self.db().begin().await?;
        if !store::pools::lock_pool(&mut tx, &pool.id).await? {
            return Err(CognitoError::pool_not_found(&pool.id));
        }
        let clients_max = store::clients::max_token_validity_secs(&mut *tx, &pool.id)
            .await?
            .map(i64::from)
            .unwrap_or(0);
        // Other nodes may keep signing with the old key until their signer cache expires, so
        // its public half stays published for that long beyond the longest token lifetime too.
        let keep_secs =
            pool.max_token_validity_secs().max(clients_max) + SIGNER_CACHE_TTL.as_secs() as i64;
        let now = util::now();
        let retire_after = now + time::Duration::seconds(keep_secs);
        let retired = store::keys::retire_active(&mut tx, &pool.id, now, retire_after).await?;
        for row in &rows {
            store::keys::insert_key(&mut tx, row).await?;
        }
        tx.commit().await?;
        self.forget_pool_keys(&pool.id);
        tracing::info!(
            pool.id = %pool.id,
            keys.retired = retired,
            keys.new = ?rows.iter().map(|r| r.kid.as_str()).collect::<Vec<_>>(),
            %retire_after,
            "signing keys rotated"
        );
        Ok(())
    }

    /// GetSigningCertificate: a self-signed X.509 certificate (DER, standard base64) of the
    /// pool's active ID-token signing key. `CN` is the pool id, the serial comes from the key
    /// id, and it is valid for ten years from the key's creation: the same key always gives
    /// the same certificate, and key rotation gives a new one (AWS renews it yearly).
    pub async fn get_signing_certificate(
        &self,
        req: GetSigningCertificateRequest,
    ) -> Result<GetSigningCertificateResponse, CognitoError> {
        let pool = self.load_pool(&req.user_pool_id).await?;
        self.ensure_keys(&pool.id).await?;
        let row = store::keys::active_keys(self.db(), &pool.id)
            .await?
            .into_iter()
            .find(|k| k.token_use == KeyUse::Id.as_str())
            .ok_or_else(|| CognitoError::internal("active ID signing key disappeared"))?;
        let der = self.open_private_key(&row)?;
        let not_before = row
            .created_at
            .replace_nanosecond(0)
            .unwrap_or(row.created_at);
        let not_after = not_before
            .replace_year(not_before.year() + CERTIFICATE_YEARS)
            .unwrap_or_else(|_| not_before + time::Duration::days(3653));
        // 16 bytes of the key id's hash, positive and without a leading zero byte.
        let mut serial = Sha256::digest(row.kid.as_bytes())[..16].to_vec();
        serial[0] = (serial[0] & 0x7f) | 0x40;
        let common_name = pool.id.to_string();
        let certificate = tokio::task::spawn_blocking(move || {
            let key = RsaPrivateKey::from_pkcs1_der(&der)
                .map_err(|e| format!("decoding the signing key: {e}"))?;
            x509::self_signed(
                &key,
                &CertificateFields {
                    common_name: &common_name,
                    serial: &serial,
                    not_before,
                    not_after,
                },
            )
        })
        .await
        .map_err(|e| CognitoError::internal(format_args!("certificate task: {e}")))?
        .map_err(|e| CognitoError::internal(format_args!("signing certificate: {e}")))?;
        Ok(GetSigningCertificateResponse {
            certificate: STANDARD.encode(certificate),
        })
    }

    /// Every signing key of the pool, newest first, with its status.
    pub async fn list_signing_keys(
        &self,
        pool_id: &str,
    ) -> Result<Vec<SigningKeyInfo>, CognitoError> {
        let pool = self.load_pool(pool_id).await?;
        self.ensure_keys(&pool.id).await?;
        let now = util::now();
        Ok(store::keys::all_keys(self.db(), &pool.id)
            .await?
            .into_iter()
            .filter_map(|row| {
                let token_use = KeyUse::parse(&row.token_use)?;
                let status = match row.retire_after {
                    None => KeyStatus::Active,
                    Some(t) if t > now => KeyStatus::Retiring { retire_after: t },
                    Some(t) => KeyStatus::Retired { retired_at: t },
                };
                Some(SigningKeyInfo {
                    kid: row.kid,
                    token_use,
                    created_at: row.created_at,
                    rotated_at: row.rotated_at,
                    status,
                })
            })
            .collect())
    }

    /// The public keys currently in the pool's JWKS (active, then retiring).
    pub async fn public_jwks(&self, pool_id: &str) -> Result<Vec<Jwk>, CognitoError> {
        let pool = self.load_pool(pool_id).await?;
        self.ensure_keys(&pool.id).await?;
        Ok(
            store::keys::published_keys(self.db(), &pool.id, util::now())
                .await?
                .iter()
                .map(jwk_from_row)
                .collect(),
        )
    }

    /// `{"keys": [...]}` for `{issuer}/.well-known/jwks.json`.
    pub async fn jwks(&self, pool_id: &str) -> Result<Value, CognitoError> {
        let keys = self.public_jwks(pool_id).await?;
        Ok(json!({ "keys": keys }))
    }

    /// The OpenID discovery document for `{issuer}/.well-known/openid-configuration` (as
    /// Cognito serves it for a pool without a domain).
    pub async fn openid_configuration(&self, pool_id: &str) -> Result<Value, CognitoError> {
        let pool = self.load_pool(pool_id).await?;
        let iss = self.issuer(&pool.id);
        Ok(json!({
            "authorization_endpoint": iss,
            "id_token_signing_alg_values_supported": ["RS256"],
            "issuer": iss,
            "jwks_uri": format!("{iss}/.well-known/jwks.json"),
            "response_types_supported": ["code", "id_token", "token id_token", "none"],
            "subject_types_supported": ["public"],
        }))
    }
}

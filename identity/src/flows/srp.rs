//! `USER_SRP_AUTH`: InitiateAuth with `SRP_A` gets the `PASSWORD_VERIFIER` challenge (`SALT`,
//! `SRP_B`, `SECRET_BLOCK`, `USER_ID_FOR_SRP`); RespondToAuthChallenge answers it with
//! `PASSWORD_CLAIM_SIGNATURE` over `TIMESTAMP`, and a proven password goes on as a password
//! sign-in would (tokens, NEW_PASSWORD_REQUIRED, or an error). The password never travels.
//!
//! The exchange's server state (A, B and the sealed b) is stored under the SHA-256 of the
//! secret block and taken on the first answer, so a captured answer cannot be replayed. A name
//! with no user (when the client hides user existence) or a user whose password predates SRP
//! gets a decoy exchange that fails like a wrong password.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use num_bigint_dig::BigUint;
use rand::RngCore;
use time::Duration;

use super::params::{param, secret_hash};
use crate::error::{CognitoError, msg};
use crate::model::{AppClient, ChallengeName, Pool};
use crate::service::Identity;
use crate::srp::{self, ServerEphemeral, Verifier};
use crate::store::srp::SrpChallenge;
use crate::throttle::counter_key;
use crate::wire::{AuthResponse, RespondToAuthChallengeRequest};
use crate::{secret_hash as client_secret_hash, store, util};

const CHALLENGE: ChallengeName = ChallengeName::PasswordVerifier;
/// Random bytes in a SECRET_BLOCK.
const SECRET_BLOCK_BYTES: usize = 64;

fn b_context(block_hash: &[u8]) -> String {
    let hex: String = block_hash.iter().map(|b| format!("{b:02x}")).collect();
    format!("srp-b:{hex}")
}

impl Identity {
    /// USER_SRP_AUTH: `USERNAME`, `SRP_A` (and `SECRET_HASH`); the client must allow
    /// `ALLOW_USER_SRP_AUTH`.
    pub(super) async fn user_srp_auth(
        &self,
        pool: &Pool,
        client: &AppClient,
        params: &BTreeMap<String, String>,
    ) -> Result<AuthResponse, CognitoError> {
        let typed_name = param(params, "USERNAME")?;
        let srp_a = param(params, "SRP_A")?;
        let user = self
            .public_user(pool, client, typed_name, secret_hash(params))
            .await?;
        if !client.allows_user_srp() {
            return Err(CognitoError::invalid_parameter(
                "USER_SRP_AUTH is not enabled for the client.",
            ));
        }
        let a = srp::parse_client_public(srp_a)
            .ok_or_else(|| CognitoError::invalid_parameter("SRP_A is not a valid value."))?;
        if user.is_none() && !client.prevents_user_existence_errors() {
            return Err(CognitoError::user_not_found());
        }
        let (salt, v) = match &user {
            Some(u) => match self.srp_verifier(u)? {
                Some(Verifier { salt, v }) => (salt, v),
                None => self.decoy(pool, &u.username),
            },
            None => self.decoy(pool, typed_name),
        };
        let server = ServerEphemeral::new(&v);
        let mut block = [0u8; SECRET_BLOCK_BYTES];
        rand::thread_rng().fill_bytes(&mut block);
        let secret_block = STANDARD.encode(block);
        let block_hash = util::sha256(secret_block.as_bytes());
        let user_id_for_srp = user
            .as_ref()
            .map_or_else(|| typed_name.to_owned(), |u| u.username.clone());
        let now = util::now();
        let challenge = SrpChallenge {
            pool_id: pool.id.to_string(),
            client_id: client.id().to_string(),
            user_sub: user.as_ref().map(|u| u.sub),
            typed_name: typed_name.to_owned(),
            user_id_for_srp: user_id_for_srp.clone(),
            throttle_key: counter_key(pool, user.as_ref(), typed_name),
            srp_a: a.to_bytes_be(),
            srp_b: server.big_b.to_bytes_be(),
            b_sealed: self
                .master_key()
                .seal(&server.b.to_bytes_be(), b_context(&block_hash).as_bytes()),
            expires_at: now
                + Duration::minutes(i64::from(client.stored.auth_session_validity_minutes)),
        };
        let mut conn = self.db().acquire().await?;
        store::srp::insert(&mut conn, &block_hash, &challenge, now).await?;
        let mut params = BTreeMap::new();
        params.insert("SALT".to_owned(), srp::hex(&salt));
        params.insert("SRP_B".to_owned(), srp::int_hex(&server.big_b));
        params.insert("SECRET_BLOCK".to_owned(), secret_block);
        params.insert("USER_ID_FOR_SRP".to_owned(), user_id_for_srp.clone());
        params.insert("USERNAME".to_owned(), user_id_for_srp);
        Ok(AuthResponse {
            challenge_name: Some(CHALLENGE.as_str().to_owned()),
            session: None,
            challenge_parameters: params,
            authentication_result: None,
        })
    }

    /// A salt and verifier for a name without one: the salt is stable per name; the exchange
    /// can only fail.
    fn decoy(&self, pool: &Pool, name: &str) -> (Vec<u8>, BigUint) {
        let secret = self.master_key().derive(b"srp-decoy-salt");
        let salt = srp::decoy_salt(&secret, &pool.id, &pool.username_key(name));
        let mut v = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut v);
        (salt, BigUint::from_bytes_be(&v))
    }

    /// The answer to PASSWORD_VERIFIER: `USERNAME` (the `USER_ID_FOR_SRP`),
    /// `PASSWORD_CLAIM_SECRET_BLOCK`, `PASSWORD_CLAIM_SIGNATURE`, `TIMESTAMP` (and
    /// `SECRET_HASH`).
    pub(super) async fn respond_password_verifier(
        &self,
        pool: Pool,
        client: AppClient,
        req: RespondToAuthChallengeRequest,
    ) -> Result<AuthResponse, CognitoError> {
        let responses = req.challenge_responses.unwrap_or_default();
        let username = param(&responses, "USERNAME")?;
        let secret_block = param(&responses, "PASSWORD_CLAIM_SECRET_BLOCK")?;
        let signature = param(&responses, "PASSWORD_CLAIM_SIGNATURE")?;
        let timestamp = param(&responses, "TIMESTAMP")?;
        if client.secret().is_some() && secret_hash(&responses).is_none() {
            return Err(CognitoError::secret_hash(client.id()));
        }
        let block_hash = util::sha256(secret_block.as_bytes());
        let challenge = store::srp::take(self.db(), &block_hash)
            .await?
            .filter(|c| c.client_id == *client.id() && c.pool_id == *pool.id)
            .ok_or_else(|| CognitoError::not_authorized(msg::INVALID_SESSION))?;
        if challenge.expires_at <= util::now() {
            return Err(CognitoError::not_authorized(msg::SESSION_EXPIRED));
        }
        if let (Some(secret), Some(hash)) = (client.secret(), secret_hash(&responses)) {
            // Clients compute it with the name they typed or with USER_ID_FOR_SRP.
            let names = [username, challenge.typed_name.as_str()];
            if !client_secret_hash::matches(secret, client.id(), hash, &names) {
                return Err(CognitoError::secret_hash(client.id()));
            }
        }
        if username != challenge.user_id_for_srp {
            return Err(CognitoError::not_authorized(msg::INVALID_SESSION));
        }
        self.throttle_take(&pool, &challenge.throttle_key).await?;
        let user = match challenge.user_sub {
            Some(sub) => store::users::find_by_sub(self.db(), &pool.id, sub).await?,
            None => None,
        };
        let proven = match &user {
            Some(u) => {
                let signature = STANDARD.decode(signature).unwrap_or_default();
                let block = STANDARD.decode(secret_block).unwrap_or_default();
                self.srp_verifier(u)?.is_some_and(|verifier| {
                    self.proof_holds(
                        &challenge,
                        &block_hash,
                        &verifier,
                        &block,
                        timestamp,
                        &signature,
                    )
                    .unwrap_or(false)
                })
            }
            None => false,
        };
        let Some(user) = user.filter(|_| proven) else {
            store::users::sweep_failures(
                self.db(),
                &pool.id,
                util::now() - crate::throttle::FAILURE_WINDOW,
            )
            .await?;
            tracing::info!(pool.id = %pool.id, client.id = %client.id(), "SRP sign-in failed");
            return Err(CognitoError::incorrect_credentials());
        };
        store::users::clear_failures(self.db(), &pool.id, &challenge.throttle_key).await?;
        self.signed_in(&pool, &client, user).await
    }

    /// Whether the client's signature proves the password behind `verifier`; `None` when the
    /// stored exchange cannot be read back (it then fails like a wrong password).
    fn proof_holds(
        &self,
        challenge: &SrpChallenge,
        block_hash: &[u8],
        verifier: &Verifier,
        block: &[u8],
        timestamp: &str,
        signature: &[u8],
    ) -> Option<bool> {
        let b = self
            .master_key()
            .open(&challenge.b_sealed, b_context(block_hash).as_bytes())
            .ok()?;
        let server = ServerEphemeral {
            b: BigUint::from_bytes_be(&b),
            big_b: BigUint::from_bytes_be(&challenge.srp_b),
        };
        let a = BigUint::from_bytes_be(&challenge.srp_a);
        let key = srp::session_key(&a, &server, &verifier.v)?;
        Some(srp::signature_matches(
            &key,
            &challenge.pool_id,
            &challenge.user_id_for_srp,
            block,
            timestamp,
            signature,
        ))
    }
}

//! A password's stored forms, made together whenever a password is set: the argon2id hash
//! (checked by the password flows) and the SRP verifier (checked by `USER_SRP_AUTH`), sealed
//! with the master key like the other secrets.

use uuid::Uuid;

use crate::error::CognitoError;
use crate::model::{PasswordRecord, User};
use crate::service::Identity;
use crate::srp::Verifier;
use crate::store;

fn verifier_context(sub: Uuid) -> String {
    format!("srp-verifier:{sub}")
}

impl Identity {
    /// The hash and the sealed verifier of a new password for the user `sub` / `username`.
    pub(crate) async fn password_record(
        &self,
        pool_id: &str,
        sub: Uuid,
        username: &str,
        password: &str,
    ) -> Result<PasswordRecord, CognitoError> {
        let phc = self.hashing().hash(password).await?;
        Ok(PasswordRecord {
            phc,
            srp_verifier_sealed: self.seal_verifier(pool_id, sub, username, password),
        })
    }

    fn seal_verifier(&self, pool_id: &str, sub: Uuid, username: &str, password: &str) -> Vec<u8> {
        let verifier = Verifier::new(pool_id, username, password);
        self.master_key()
            .seal(&verifier.to_bytes(), verifier_context(sub).as_bytes())
    }

    /// The user's SRP verifier; `None` for a password set before SRP existed.
    pub(crate) fn srp_verifier(&self, user: &User) -> Result<Option<Verifier>, CognitoError> {
        let Some(sealed) = &user.srp_verifier_sealed else {
            return Ok(None);
        };
        let bytes = self
            .master_key()
            .open(sealed, verifier_context(user.sub).as_bytes())?;
        Verifier::from_bytes(&bytes)
            .map(Some)
            .ok_or_else(|| CognitoError::internal("stored SRP verifier is malformed"))
    }

    /// After a password sign-in: gives a user whose password predates SRP their verifier, so
    /// that their next SRP sign-in works.
    pub(crate) async fn backfill_srp_verifier(
        &self,
        user: &User,
        password: &str,
    ) -> Result<(), CognitoError> {
        let (None, Some(phc)) = (&user.srp_verifier_sealed, &user.password_hash) else {
            return Ok(());
        };
        let sealed = self.seal_verifier(&user.pool_id, user.sub, &user.username, password);
        store::users::add_srp_verifier(self.db(), user.sub, phc, &sealed).await?;
        tracing::info!(pool.id = %user.pool_id, user.sub = %user.sub, "SRP verifier added at sign-in");
        Ok(())
    }
}

//! Challenge sessions: the opaque `Session` a sign-in hands out with a challenge
//! (NEW_PASSWORD_REQUIRED, SOFTWARE_TOKEN_MFA, MFA_SETUP) and takes back with its answer.
//! Stored as SHA-256 only, tied to the client, the user and the challenge, with the client's
//! auth-session validity.

use time::Duration;

use crate::error::{CognitoError, msg};
use crate::model::{AppClient, ChallengeName, Pool, User};
use crate::service::Identity;
use crate::store::tokens::SessionRow;
use crate::{store, util};

/// An open session: its hash (the key to take it with) and what it is for.
pub(crate) struct OpenSession {
    pub hash: Vec<u8>,
    pub row: SessionRow,
}

impl Identity {
    /// Starts a session for `challenge`; returns the opaque value for the client.
    pub(crate) async fn new_challenge_session(
        &self,
        pool: &Pool,
        client: &AppClient,
        user: &User,
        challenge: ChallengeName,
        mfa_verified: bool,
    ) -> Result<String, CognitoError> {
        let now = util::now();
        let expires =
            now + Duration::minutes(i64::from(client.stored.auth_session_validity_minutes));
        self.store_session(pool, client.id(), user, challenge, mfa_verified, expires)
            .await
    }

    /// Replaces `old` with a new session for the same sign-in (AWS hands out a new `Session`
    /// at each step of MFA_SETUP); the old one no longer works.
    pub(crate) async fn renew_session(
        &self,
        old: &OpenSession,
        pool: &Pool,
        user: &User,
        mfa_verified: bool,
    ) -> Result<String, CognitoError> {
        if !store::tokens::take_session(self.db(), &old.hash).await? {
            return Err(CognitoError::not_authorized(msg::INVALID_SESSION));
        }
        let challenge = ChallengeName::parse(&old.row.challenge_name)
            .ok_or_else(|| CognitoError::not_authorized(msg::INVALID_SESSION))?;
        self.store_session(
            pool,
            &old.row.client_id,
            user,
            challenge,
            mfa_verified,
            old.row.expires_at,
        )
        .await
    }

    async fn store_session(
        &self,
        pool: &Pool,
        client_id: &str,
        user: &User,
        challenge: ChallengeName,
        mfa_verified: bool,
        expires_at: time::OffsetDateTime,
    ) -> Result<String, CognitoError> {
        let session = util::random_token(96);
        let row = SessionRow {
            pool_id: pool.id.to_string(),
            client_id: client_id.to_owned(),
            user_sub: user.sub,
            challenge_name: challenge.as_str().to_owned(),
            expires_at,
            mfa_verified,
        };
        let mut conn = self.db().acquire().await?;
        store::tokens::insert_session(
            &mut conn,
            &util::sha256(session.as_bytes()),
            &row,
            util::now(),
        )
        .await?;
        Ok(session)
    }

    /// The live session `session` for `challenge` (and, when given, `client_id`): "Invalid
    /// session for the user." when unknown, used or for something else; expired ones are
    /// dropped and answered as expired.
    pub(crate) async fn open_session(
        &self,
        session: Option<&str>,
        client_id: Option<&str>,
        challenge: ChallengeName,
    ) -> Result<OpenSession, CognitoError> {
        let invalid = || CognitoError::not_authorized(msg::INVALID_SESSION);
        let session = session.filter(|s| !s.is_empty()).ok_or_else(invalid)?;
        let hash = util::sha256(session.as_bytes());
        let row = store::tokens::find_session(self.db(), &hash)
            .await?
            .filter(|r| {
                r.challenge_name == challenge.as_str() && client_id.is_none_or(|c| r.client_id == c)
            })
            .ok_or_else(invalid)?;
        if row.expires_at <= util::now() {
            store::tokens::take_session(self.db(), &hash).await?;
            return Err(CognitoError::not_authorized(msg::SESSION_EXPIRED));
        }
        Ok(OpenSession { hash, row })
    }
}

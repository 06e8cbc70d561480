//! The `NEW_PASSWORD_REQUIRED` challenge: a password sign-in of a FORCE_CHANGE_PASSWORD user
//! starts it (a single-use session), RespondToAuthChallenge answers it with the new password
//! (and any required attributes) and gets tokens.

use std::collections::BTreeMap;

use super::params::{param, secret_hash};
use crate::attributes::{self, Writer};
use crate::error::{CognitoError, msg};
use crate::model::{AppClient, ChallengeName, Pool, User, UserStatus};
use crate::service::Identity;
use crate::wire::{AttributeType, AuthResponse, RespondToAuthChallengeRequest};
use crate::{store, users, util};

const CHALLENGE: ChallengeName = ChallengeName::NewPasswordRequired;

impl Identity {
    pub(super) async fn new_password_challenge(
        &self,
        pool: &Pool,
        client: &AppClient,
        user: &User,
    ) -> Result<AuthResponse, CognitoError> {
        let session = self
            .new_challenge_session(pool, client, user, CHALLENGE, false)
            .await?;
        let missing: Vec<String> = pool
            .required_attributes
            .iter()
            .filter(|a| user.attributes.get(*a).is_none_or(|v| v.is_empty()))
            .map(|a| format!("userAttributes.{a}"))
            .collect();
        let mut params = BTreeMap::new();
        params.insert("USER_ID_FOR_SRP".to_owned(), user.username.clone());
        params.insert(
            "requiredAttributes".to_owned(),
            serde_json::to_string(&missing).unwrap_or_else(|_| "[]".to_owned()),
        );
        params.insert("userAttributes".to_owned(), challenge_user_attributes(user));
        Ok(AuthResponse {
            challenge_name: Some(CHALLENGE.as_str().to_owned()),
            session: Some(session),
            challenge_parameters: params,
            authentication_result: None,
        })
    }

    /// The answer to the challenge (the session is single use): `USERNAME`, `NEW_PASSWORD`,
    /// `userAttributes.*` (and `SECRET_HASH`).
    pub(super) async fn respond_new_password(
        &self,
        pool: Pool,
        client: AppClient,
        req: RespondToAuthChallengeRequest,
    ) -> Result<AuthResponse, CognitoError> {
        let responses = req.challenge_responses.unwrap_or_default();
        let username = param(&responses, "USERNAME")?;
        let user = self
            .public_user(&pool, &client, username, secret_hash(&responses))
            .await?;
        let invalid = || CognitoError::not_authorized(msg::INVALID_SESSION);
        let session = self
            .open_session(req.session.as_deref(), Some(client.id()), CHALLENGE)
            .await?;
        let (session_hash, row) = (session.hash, session.row);
        let user = user
            .filter(|u| u.sub == row.user_sub && u.status == UserStatus::ForceChangePassword)
            .ok_or_else(invalid)?;
        let new_password = param(&responses, "NEW_PASSWORD")?;
        pool.password.check(new_password)?;
        let extra: Vec<AttributeType> = responses
            .iter()
            .filter_map(|(k, v)| {
                k.strip_prefix("userAttributes.")
                    .map(|name| AttributeType::new(name, v.clone()))
            })
            .collect();
        let attrs = merge_challenge_attributes(&pool, &client, &user, &extra)?;
        let record = self
            .password_record(&pool.id, user.sub, &user.username, new_password)
            .await?;
        let now = util::now();
        let mut tx = self.db().begin().await?;
        if !store::tokens::take_session(&mut *tx, &session_hash).await? {
            return Err(invalid());
        }
        store::users::set_password(
            &mut *tx,
            user.sub,
            &record,
            UserStatus::Confirmed,
            None,
            now,
        )
        .await?;
        store::users::set_attributes(
            &mut *tx,
            user.sub,
            &attrs,
            users::email_key_for(&pool, &attrs).as_deref(),
            now,
        )
        .await
        .map_err(|e| users::map_conflict(e, &pool))?;
        tx.commit().await?;
        let user = store::users::find_by_sub(self.db(), &pool.id, user.sub)
            .await?
            .ok_or_else(CognitoError::user_not_found)?;
        tracing::info!(pool.id = %pool.id, user.sub = %user.sub, "new password set; signed in");
        self.finish_sign_in(&pool, &client, &user).await
    }
}

/// Attributes for the NEW_PASSWORD_REQUIRED challenge (`userAttributes`, without `sub`).
fn challenge_user_attributes(user: &User) -> String {
    serde_json::to_string(&user.attributes).unwrap_or_else(|_| "{}".to_owned())
}

/// Applies `userAttributes.*` challenge responses (validated as a self-update).
fn merge_challenge_attributes(
    pool: &Pool,
    client: &AppClient,
    user: &User,
    attrs: &[AttributeType],
) -> Result<BTreeMap<String, String>, CognitoError> {
    let changes = attributes::validate_write(pool, attrs, Writer::SelfUpdate(client))?;
    let mut merged = user.attributes.clone();
    merged.extend(changes);
    users::default_verification_flags(&mut merged);
    attributes::check_required(pool, &merged)?;
    Ok(merged)
}

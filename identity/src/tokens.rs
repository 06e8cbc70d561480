//! ID and access tokens (RS256 JWTs with Cognito's claim sets), opaque refresh tokens (a new
//! token family at the end of a sign-in flow), and verification of access tokens for the
//! token-authorized operations.

use jsonwebtoken::{Algorithm, Header, Validation};
use serde_json::{Map, Value, json};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::error::{CognitoError, msg};
use crate::model::{AppClient, Pool, User};
use crate::service::Identity;
use crate::signers::Signer;
use crate::wire::{AuthResponse, AuthenticationResultType};
use crate::{store, util};

/// The scope of access tokens issued through the API.
pub(crate) const ADMIN_SCOPE: &str = "aws.cognito.signin.user.admin";

/// A freshly minted ID/access token pair.
pub(crate) struct Minted {
    pub id_token: String,
    pub access_token: String,
    /// Access token lifetime in seconds (`ExpiresIn`).
    pub expires_in: i64,
}

/// The caller identified by a valid access token.
pub(crate) struct AccessContext {
    pub pool: Pool,
    pub client: AppClient,
    pub user: User,
}

/// The value of attribute `name` as an ID token claim: booleans for `*_verified`, a number
/// for `updated_at`, an object for `address`, strings otherwise (custom attributes included).
fn claim_value(name: &str, value: &str) -> Value {
    match name {
        "email_verified" | "phone_number_verified" => Value::Bool(value == "true"),
        "updated_at" => value
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::String(value.to_owned())),
        "address" => json!({ "formatted": value }),
        _ => Value::String(value.to_owned()),
    }
}

fn sign(claims: &Map<String, Value>, signer: &Signer) -> Result<String, CognitoError> {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(signer.kid.clone());
    header.typ = None;
    jsonwebtoken::encode(&header, claims, &signer.key)
        .map_err(|e| CognitoError::internal(format_args!("signing a token: {e}")))
}

impl Identity {
    /// Mints an ID and an access token for `user` through `client`, in the token family
    /// `origin_jti` (the refresh token's), with the original `auth_time`.
    pub(crate) async fn mint_tokens(
        &self,
        pool: &Pool,
        client: &AppClient,
        user: &User,
        origin_jti: Uuid,
        auth_time: OffsetDateTime,
    ) -> Result<Minted, CognitoError> {
        let groups = store::groups::token_group_names(self.db(), user.sub).await?;
        let signers = self.signers(&pool.id).await?;
        let iss = self.issuer(&pool.id);
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let auth_time = auth_time.unix_timestamp();
        let event_id = Uuid::new_v4().to_string();
        let sub = user.sub.to_string();
        let id_exp = now + i64::from(client.stored.id_token_validity_secs);
        let access_secs = i64::from(client.stored.access_token_validity_secs);

        let mut id = Map::new();
        id.insert("sub".into(), json!(sub));
        if !groups.is_empty() {
            id.insert("cognito:groups".into(), json!(groups));
        }
        for (name, value) in user.attributes.iter() {
            if client.can_read(name) {
                id.insert(name.clone(), claim_value(name, value));
            }
        }
        id.insert("iss".into(), json!(iss));
        id.insert("cognito:username".into(), json!(user.username));
        id.insert("origin_jti".into(), json!(origin_jti.to_string()));
        id.insert("aud".into(), json!(client.id().as_str()));
        id.insert("event_id".into(), json!(event_id));
        id.insert("token_use".into(), json!("id"));
        id.insert("auth_time".into(), json!(auth_time));
        id.insert("exp".into(), json!(id_exp));
        id.insert("iat".into(), json!(now));
        id.insert("jti".into(), json!(Uuid::new_v4().to_string()));

        let mut access = Map::new();
        access.insert("sub".into(), json!(sub));
        if !groups.is_empty() {
            access.insert("cognito:groups".into(), json!(groups));
        }
        access.insert("iss".into(), json!(iss));
        access.insert("client_id".into(), json!(client.id().as_str()));
        access.insert("origin_jti".into(), json!(origin_jti.to_string()));
        access.insert("event_id".into(), json!(event_id));
        access.insert("token_use".into(), json!("access"));
        access.insert("scope".into(), json!(ADMIN_SCOPE));
        access.insert("auth_time".into(), json!(auth_time));
        access.insert("exp".into(), json!(now + access_secs));
        access.insert("iat".into(), json!(now));
        access.insert("jti".into(), json!(Uuid::new_v4().to_string()));
        access.insert("username".into(), json!(user.username));
        access.insert("version".into(), json!(2));

        Ok(Minted {
            id_token: sign(&id, &signers.id)?,
            access_token: sign(&access, &signers.access)?,
            expires_in: access_secs,
        })
    }

    /// Starts a token family: stores a new refresh token and mints the first ID/access pair.
    pub(crate) async fn issue_tokens(
        &self,
        pool: &Pool,
        client: &AppClient,
        user: &User,
        auth_time: OffsetDateTime,
    ) -> Result<AuthResponse, CognitoError> {
        let refresh = util::random_token(64);
        let origin_jti = Uuid::new_v4();
        let mut tx = self.db().begin().await?;
        // Access/ID tokens live at most a day, so older expired families are dead.
        store::tokens::purge_expired(&mut *tx, user.sub, auth_time - Duration::days(1)).await?;
        store::tokens::insert_refresh(
            &mut *tx,
            &util::sha256(refresh.as_bytes()),
            origin_jti,
            &pool.id,
            client.id(),
            user.sub,
            auth_time,
            auth_time + Duration::seconds(i64::from(client.stored.refresh_token_validity_secs)),
        )
        .await?;
        tx.commit().await?;
        let minted = self
            .mint_tokens(pool, client, user, origin_jti, auth_time)
            .await?;
        Ok(AuthResponse {
            authentication_result: Some(AuthenticationResultType {
                access_token: minted.access_token,
                expires_in: minted.expires_in,
                token_type: "Bearer".to_owned(),
                refresh_token: Some(refresh),
                id_token: minted.id_token,
            }),
            ..AuthResponse::default()
        })
    }

    /// Verifies an access token the way Cognito's own APIs do: signature with the pool's
    /// access key (RS256 only), `exp` (no leeway), `iss`, `token_use`, the admin scope, and
    /// revocation of its token family. The user must exist and be enabled.
    pub(crate) async fn verify_access_token(
        &self,
        token: &str,
    ) -> Result<AccessContext, CognitoError> {
        let invalid = || CognitoError::not_authorized(msg::INVALID_ACCESS_TOKEN);
        let header = jsonwebtoken::decode_header(token).map_err(|_| invalid())?;
        if header.alg != Algorithm::RS256 {
            return Err(invalid());
        }
        let kid = header.kid.ok_or_else(invalid)?;
        let key = store::keys::find_key(self.db(), &kid)
            .await?
            .filter(|k| k.token_use == "access")
            .ok_or_else(invalid)?;
        let now = util::now();
        if key.retire_after.is_some_and(|t| t <= now) {
            return Err(invalid());
        }
        let decoding = jsonwebtoken::DecodingKey::from_rsa_components(&key.n, &key.e)
            .map_err(|e| CognitoError::internal(format_args!("stored public key: {e}")))?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.leeway = 0;
        validation.validate_aud = false;
        validation.set_issuer(&[self.issuer(&key.pool_id)]);
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        let claims = jsonwebtoken::decode::<Map<String, Value>>(token, &decoding, &validation)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => {
                    CognitoError::not_authorized(msg::ACCESS_TOKEN_EXPIRED)
                }
                _ => invalid(),
            })?
            .claims;
        let text = |name: &str| claims.get(name).and_then(Value::as_str);
        if text("token_use") != Some("access") {
            return Err(invalid());
        }
        if !text("scope").is_some_and(|s| s.split_whitespace().any(|s| s == ADMIN_SCOPE)) {
            return Err(CognitoError::not_authorized(
                "Access Token does not have required scopes",
            ));
        }
        let origin_jti = text("origin_jti")
            .and_then(|s| Uuid::parse_str(s).ok())
            .ok_or_else(invalid)?;
        let sub = text("sub")
            .and_then(|s| Uuid::parse_str(s).ok())
            .ok_or_else(invalid)?;
        let client_id = text("client_id").ok_or_else(invalid)?;
        match store::tokens::family_state(self.db(), origin_jti).await? {
            Some(None) => {}
            // Revoked, or its refresh token is gone (client or user deleted).
            _ => return Err(CognitoError::not_authorized(msg::ACCESS_TOKEN_REVOKED)),
        }
        let pool = self.load_pool(&key.pool_id).await?;
        let client = self
            .load_pool_client(&pool, client_id)
            .await
            .map_err(|_| invalid())?;
        let user = store::users::find_by_sub(self.db(), &pool.id, sub)
            .await?
            .ok_or_else(CognitoError::user_not_found)?;
        if !user.enabled {
            return Err(CognitoError::not_authorized(msg::USER_DISABLED));
        }
        Ok(AccessContext { pool, client, user })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claim_types() {
        assert_eq!(claim_value("email_verified", "true"), json!(true));
        assert_eq!(claim_value("phone_number_verified", "false"), json!(false));
        assert_eq!(claim_value("custom:age", "42"), json!("42"));
        assert_eq!(
            claim_value("updated_at", "1700000000"),
            json!(1_700_000_000)
        );
        assert_eq!(
            claim_value("address", "1 Main St"),
            json!({"formatted": "1 Main St"})
        );
    }
}

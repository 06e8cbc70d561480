//! Users: sign-up and confirmation, password recovery, the self-service (access token)
//! operations and the administrative user operations.

use std::collections::BTreeMap;

use sqlx::types::Json;
use uuid::Uuid;

use crate::attributes::{self, Writer};
use crate::clients::AppClient;
use crate::codes::{self, Purpose};
use crate::error::{CognitoError, ErrorKind, msg};
use crate::outbox::{self, Delivery, OutboxPurpose};
use crate::pools::Pool;
use crate::store::users::{EMAIL_CONSTRAINT, USERNAME_CONSTRAINT, UserRow};
use crate::wire::{
    AdminCreateUserRequest, AdminCreateUserResponse, AdminGetUserResponse,
    AdminSetUserPasswordRequest, AdminUserRequest, AttributeType, ChangePasswordRequest,
    CodeDeliveryDetailsType, ConfirmForgotPasswordRequest, ConfirmSignUpRequest,
    ForgotPasswordRequest, ForgotPasswordResponse, GetUserRequest, GetUserResponse,
    ListUsersRequest, ListUsersResponse, ResendConfirmationCodeRequest,
    ResendConfirmationCodeResponse, SignUpRequest, SignUpResponse, UpdateUserAttributesRequest,
    UpdateUserAttributesResponse, UserType,
};
use crate::{Identity, filter, secret_hash, store, util};

pub(crate) const UNCONFIRMED: &str = "UNCONFIRMED";
pub(crate) const CONFIRMED: &str = "CONFIRMED";
pub(crate) const FORCE_CHANGE_PASSWORD: &str = "FORCE_CHANGE_PASSWORD";
pub(crate) const RESET_REQUIRED: &str = "RESET_REQUIRED";

/// Maps unique violations on insert/update to Cognito's errors.
fn map_conflict(e: sqlx::Error, pool: &Pool) -> CognitoError {
    if store::is_unique_violation(&e, USERNAME_CONSTRAINT) {
        CognitoError::new(ErrorKind::UsernameExists, msg::USER_EXISTS)
    } else if store::is_unique_violation(&e, EMAIL_CONSTRAINT) {
        if pool.email_is_username() {
            CognitoError::new(ErrorKind::UsernameExists, msg::EMAIL_EXISTS)
        } else {
            CognitoError::new(ErrorKind::AliasExists, msg::EMAIL_EXISTS)
        }
    } else {
        e.into()
    }
}

fn non_empty<'a>(attrs: &'a BTreeMap<String, String>, name: &str) -> Option<&'a str> {
    attrs
        .get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
}

/// The lower-cased email while it is a sign-in name: always in email-as-username pools, once
/// verified in email-alias pools.
fn email_key_for(pool: &Pool, attrs: &BTreeMap<String, String>) -> Option<String> {
    let email = non_empty(attrs, "email")?;
    let verified = attrs.get("email_verified").is_some_and(|v| v == "true");
    (pool.email_is_username() || (pool.email_is_alias() && verified)).then(|| email.to_lowercase())
}

/// Default `*_verified` flags to "false" for attributes that are set.
/// The Username a new user is stored under: in email-as-username pools the `sub` (the email
/// becomes the `email` attribute), otherwise the requested name, which must then not look
/// like an email when email is a sign-in alias.
fn stored_username(
    pool: &Pool,
    requested: &str,
    sub: Uuid,
    attrs: &mut BTreeMap<String, String>,
) -> Result<String, CognitoError> {
    if pool.email_is_username() {
        if !attributes::is_email(requested) {
            return Err(CognitoError::invalid_parameter(
                "Username should be an email.",
            ));
        }
        attrs.insert("email".to_owned(), requested.to_owned());
        return Ok(sub.to_string());
    }
    if pool.email_is_alias() && attributes::is_email(requested) {
        return Err(CognitoError::invalid_parameter(
            "Username cannot be of email format, since user pool is configured for email alias.",
        ));
    }
    Ok(requested.to_owned())
}

fn default_verification_flags(attrs: &mut BTreeMap<String, String>) {
    for (attr, flag) in [
        ("email", "email_verified"),
        ("phone_number", "phone_number_verified"),
    ] {
        if non_empty(attrs, attr).is_some() && !attrs.contains_key(flag) {
            attrs.insert(flag.to_owned(), "false".to_owned());
        }
    }
}

/// Where sign-up codes go: the first auto-verified attribute the user has.
fn auto_delivery(pool: &Pool, attrs: &BTreeMap<String, String>) -> Option<Delivery> {
    pool.auto_verified_attributes
        .iter()
        .find_map(|a| match a.as_str() {
            "email" => non_empty(attrs, "email").map(Delivery::email),
            "phone_number" => non_empty(attrs, "phone_number").map(Delivery::phone),
            _ => None,
        })
}

/// Where password-reset codes go, following `AccountRecoverySetting` (default: verified
/// phone, then verified email).
fn recovery_delivery(
    pool: &Pool,
    attrs: &BTreeMap<String, String>,
) -> Result<Delivery, CognitoError> {
    let verified = |flag: &str| attrs.get(flag).is_some_and(|v| v == "true");
    let mut mechanisms: Vec<(i64, String)> = pool
        .settings
        .get("AccountRecoverySetting")
        .and_then(|s| s.get("RecoveryMechanisms"))
        .and_then(|m| m.as_array())
        .map(|list| {
            list.iter()
                .filter_map(|m| {
                    Some((
                        m.get("Priority").and_then(|p| p.as_i64()).unwrap_or(99),
                        m.get("Name")?.as_str()?.to_owned(),
                    ))
                })
                .collect()
        })
        .unwrap_or_else(|| {
            vec![
                (1, "verified_phone_number".to_owned()),
                (2, "verified_email".to_owned()),
            ]
        });
    mechanisms.sort();
    for (_, name) in mechanisms {
        match name.as_str() {
            "admin_only" => {
                return Err(CognitoError::not_authorized(
                    "Contact administrator to reset password.",
                ));
            }
            "verified_email" if verified("email_verified") => {
                if let Some(email) = non_empty(attrs, "email") {
                    return Ok(Delivery::email(email));
                }
            }
            "verified_phone_number" if verified("phone_number_verified") => {
                if let Some(phone) = non_empty(attrs, "phone_number") {
                    return Ok(Delivery::phone(phone));
                }
            }
            _ => {}
        }
    }
    Err(CognitoError::invalid_parameter(
        "Cannot reset password for the user as there is no registered/verified email or phone_number",
    ))
}

/// What a "code sent" response looks like for a user that does not exist
/// (PreventUserExistenceErrors).
fn simulated_delivery(username: &str) -> CodeDeliveryDetailsType {
    let fake = if username.contains('@') {
        username.to_owned()
    } else {
        format!("{}@example.com", username.chars().next().unwrap_or('u'))
    };
    Delivery::email(&fake).details()
}

pub(crate) fn user_type(user: &UserRow, keep: impl Fn(&str) -> bool) -> UserType {
    UserType {
        username: user.username.clone(),
        attributes: attributes::to_wire(&user.sub.to_string(), &user.attributes.0, keep),
        user_create_date: user.created_at,
        user_last_modified_date: user.updated_at,
        enabled: user.enabled,
        user_status: user.status.clone(),
    }
}

/// The key of a user's throttling counters: the sub, or for a name that matches no user the
/// name as typed (normalised), so that unknown names are throttled like real ones.
pub(crate) fn counter_key(pool: &Pool, user: Option<&UserRow>, typed_name: &str) -> String {
    match user {
        Some(u) => u.sub.to_string(),
        None => format!("unknown:{}", pool.username_key(typed_name)),
    }
}

fn temporary_password_expiry(pool: &Pool) -> time::OffsetDateTime {
    util::now() + time::Duration::days(i64::from(pool.password.temporary_password_validity_days))
}

impl Identity {
    /// Finds a user by username, by email (when the email signs in) or by sub.
    pub(crate) async fn find_user(
        &self,
        pool: &Pool,
        name: &str,
    ) -> Result<Option<UserRow>, CognitoError> {
        if name.is_empty() {
            return Ok(None);
        }
        if let Some(u) =
            store::users::find_by_username_key(self.db(), &pool.id, &pool.username_key(name))
                .await?
        {
            return Ok(Some(u));
        }
        if (pool.email_is_username() || pool.email_is_alias())
            && name.contains('@')
            && let Some(u) =
                store::users::find_by_email_key(self.db(), &pool.id, &name.to_lowercase()).await?
        {
            return Ok(Some(u));
        }
        if let Ok(sub) = Uuid::parse_str(name) {
            return Ok(store::users::find_by_sub(self.db(), &pool.id, sub).await?);
        }
        Ok(None)
    }

    /// [`Identity::find_user`] or `UserNotFoundException` (administrative calls).
    pub(crate) async fn require_user(
        &self,
        pool: &Pool,
        name: &str,
    ) -> Result<UserRow, CognitoError> {
        util::validate_name("Username", name)?;
        self.find_user(pool, name)
            .await?
            .ok_or_else(CognitoError::user_not_found)
    }

    /// A public user call: checks the SecretHash (against the name given and, once found, the
    /// user's Username), then resolves the user. `Ok(None)` means "unknown user"; what to
    /// answer is the caller's business (PreventUserExistenceErrors).
    pub(crate) async fn public_user(
        &self,
        pool: &Pool,
        client: &AppClient,
        username: &str,
        secret_hash: Option<&str>,
    ) -> Result<Option<UserRow>, CognitoError> {
        if client.secret().is_some() && secret_hash.is_none() {
            return Err(CognitoError::secret_hash(client.id()));
        }
        util::validate_name("Username", username)?;
        let user = self.find_user(pool, username).await?;
        if let (Some(secret), Some(hash)) = (client.secret(), secret_hash) {
            let mut names = vec![username];
            if let Some(u) = &user {
                names.push(&u.username);
            }
            if !secret_hash::matches(secret, client.id(), hash, &names) {
                return Err(CognitoError::secret_hash(client.id()));
            }
        }
        Ok(user)
    }

    /// SignUp: creates an UNCONFIRMED user and sends a confirmation code (outbox).
    pub async fn sign_up(&self, req: SignUpRequest) -> Result<SignUpResponse, CognitoError> {
        let (pool, client) = self.load_client(&req.client_id).await?;
        if let Some(secret) = client.secret() {
            let ok = req.secret_hash.as_deref().is_some_and(|h| {
                secret_hash::matches(secret, client.id(), h, &[req.username.as_str()])
            });
            if !ok {
                return Err(CognitoError::secret_hash(client.id()));
            }
        }
        util::validate_name("Username", &req.username)?;
        if pool.allow_admin_create_user_only {
            return Err(CognitoError::not_authorized(
                "SignUp is not permitted for this user pool",
            ));
        }
        let password = req
            .password
            .as_deref()
            .ok_or_else(|| CognitoError::missing_member("Password"))?;
        let mut attrs = attributes::validate_write(
            &pool,
            req.user_attributes.as_deref().unwrap_or_default(),
            Writer::SignUp(&client),
        )?;
        let sub = Uuid::new_v4();
        let username = stored_username(&pool, &req.username, sub, &mut attrs)?;
        default_verification_flags(&mut attrs);
        attributes::check_required(&pool, &attrs)?;
        pool.password.check(password)?;
        if self.find_user(&pool, &req.username).await?.is_some() {
            return Err(CognitoError::new(
                ErrorKind::UsernameExists,
                if pool.email_is_username() {
                    msg::EMAIL_EXISTS
                } else {
                    msg::USER_EXISTS
                },
            ));
        }
        let hash = self.hashing().hash(password).await?;
        let now = util::now();
        let delivery = auto_delivery(&pool, &attrs);
        let user = UserRow {
            sub,
            pool_id: pool.id.clone(),
            username_key: pool.username_key(&username),
            username,
            email_key: email_key_for(&pool, &attrs),
            status: UNCONFIRMED.to_owned(),
            enabled: true,
            attributes: Json(attrs),
            password_hash: Some(hash),
            password_expires_at: None,
            created_at: now,
            updated_at: now,
        };
        let mut tx = self.db().begin().await?;
        store::users::insert_user(&mut *tx, &user)
            .await
            .map_err(|e| map_conflict(e, &pool))?;
        let code = codes::issue(
            &mut *tx,
            sub,
            Purpose::SignUp,
            delivery.as_ref().map(|d| d.attribute.as_str()),
            codes::SIGN_UP_CODE_TTL,
        )
        .await?;
        outbox::send(
            &mut *tx,
            &pool.id,
            &user.username,
            delivery.as_ref(),
            OutboxPurpose::SignUp,
            &code,
        )
        .await?;
        tx.commit().await?;
        tracing::info!(pool.id = %pool.id, user.sub = %sub, "user signed up");
        Ok(SignUpResponse {
            user_confirmed: false,
            user_sub: sub.to_string(),
            code_delivery_details: delivery.map(|d| d.details()),
        })
    }

    /// ConfirmSignUp: checks the code and confirms the user (marking the attribute the code
    /// went to as verified).
    pub async fn confirm_sign_up(&self, req: ConfirmSignUpRequest) -> Result<(), CognitoError> {
        let (pool, client) = self.load_client(&req.client_id).await?;
        let user = self
            .public_user(&pool, &client, &req.username, req.secret_hash.as_deref())
            .await?;
        util::require_non_empty("ConfirmationCode", &req.confirmation_code)?;
        let Some(user) = user else {
            return Err(if client.prevents_user_existence_errors() {
                let key = counter_key(&pool, None, &req.username);
                codes::check_unknown(self.db(), &pool.id, &key, Purpose::SignUp).await
            } else {
                CognitoError::user_not_found()
            });
        };
        if user.status != UNCONFIRMED {
            return Err(CognitoError::not_authorized(format!(
                "User cannot be confirmed. Current status is {}",
                user.status
            )));
        }
        let checked = codes::check(
            self.db(),
            &pool.id,
            user.sub,
            Purpose::SignUp,
            &req.confirmation_code,
        )
        .await?;
        let mut tx = self.db().begin().await?;
        let user = store::users::lock_user(&mut tx, user.sub)
            .await?
            .ok_or_else(CognitoError::user_not_found)?;
        codes::consume(&mut tx, user.sub, &checked).await?;
        let now = util::now();
        let mut attrs = user.attributes.0.clone();
        if let Some(attr) = checked.delivery_attribute() {
            attrs.insert(format!("{attr}_verified"), "true".to_owned());
        }
        let email_key = email_key_for(&pool, &attrs);
        if pool.email_is_alias()
            && let Some(key) = &email_key
            && let Some(other) = store::users::find_by_email_key(&mut *tx, &pool.id, key).await?
            && other.sub != user.sub
        {
            if !req.force_alias_creation.unwrap_or(false) {
                return Err(CognitoError::new(ErrorKind::AliasExists, msg::EMAIL_EXISTS));
            }
            // The alias moves to this user; the other one's email is no longer verified.
            let mut other_attrs = other.attributes.0.clone();
            other_attrs.insert("email_verified".to_owned(), "false".to_owned());
            store::users::set_attributes(&mut *tx, other.sub, &other_attrs, None, now).await?;
        }
        store::users::set_attributes(&mut *tx, user.sub, &attrs, email_key.as_deref(), now)
            .await
            .map_err(|e| map_conflict(e, &pool))?;
        store::users::set_status(&mut *tx, user.sub, CONFIRMED, now).await?;
        tx.commit().await?;
        tracing::info!(pool.id = %pool.id, user.sub = %user.sub, "user confirmed");
        Ok(())
    }

    /// ResendConfirmationCode: a new sign-up code (the old one stops working), at most
    /// [`codes::MAX_CODES_ISSUED`] an hour. With PreventUserExistenceErrors, an unknown or
    /// already confirmed user gets the same simulated answer (and limit).
    pub async fn resend_confirmation_code(
        &self,
        req: ResendConfirmationCodeRequest,
    ) -> Result<ResendConfirmationCodeResponse, CognitoError> {
        let (pool, client) = self.load_client(&req.client_id).await?;
        let user = self
            .public_user(&pool, &client, &req.username, req.secret_hash.as_deref())
            .await?;
        let key = counter_key(&pool, user.as_ref(), &req.username);
        let user = match user {
            Some(user) if user.status == UNCONFIRMED => user,
            // An already confirmed user looks like an unknown one.
            _ if client.prevents_user_existence_errors() => {
                codes::count_issue(self.db(), &pool.id, &key, Purpose::SignUp).await?;
                return Ok(ResendConfirmationCodeResponse {
                    code_delivery_details: Some(simulated_delivery(&req.username)),
                });
            }
            Some(_) => {
                return Err(CognitoError::invalid_parameter(
                    "User is already confirmed.",
                ));
            }
            None => return Err(CognitoError::user_not_found()),
        };
        codes::count_issue(self.db(), &pool.id, &key, Purpose::SignUp).await?;
        let delivery = auto_delivery(&pool, &user.attributes.0);
        let mut tx = self.db().begin().await?;
        let code = codes::issue(
            &mut *tx,
            user.sub,
            Purpose::SignUp,
            delivery.as_ref().map(|d| d.attribute.as_str()),
            codes::SIGN_UP_CODE_TTL,
        )
        .await?;
        outbox::send(
            &mut *tx,
            &pool.id,
            &user.username,
            delivery.as_ref(),
            OutboxPurpose::Resend,
            &code,
        )
        .await?;
        tx.commit().await?;
        Ok(ResendConfirmationCodeResponse {
            code_delivery_details: delivery.map(|d| d.details()),
        })
    }

    /// ForgotPassword: sends a reset code to the verified email/phone. For an unknown user
    /// (PreventUserExistenceErrors) it pretends a code was sent.
    pub async fn forgot_password(
        &self,
        req: ForgotPasswordRequest,
    ) -> Result<ForgotPasswordResponse, CognitoError> {
        let (pool, client) = self.load_client(&req.client_id).await?;
        let user = self
            .public_user(&pool, &client, &req.username, req.secret_hash.as_deref())
            .await?;
        let key = counter_key(&pool, user.as_ref(), &req.username);
        let user = match user {
            Some(user) if user.enabled => user,
            // A disabled user looks like an unknown one.
            _ if client.prevents_user_existence_errors() => {
                codes::count_issue(self.db(), &pool.id, &key, Purpose::ForgotPassword).await?;
                return Ok(ForgotPasswordResponse {
                    code_delivery_details: Some(simulated_delivery(&req.username)),
                });
            }
            Some(_) => return Err(CognitoError::not_authorized(msg::USER_DISABLED)),
            None => return Err(CognitoError::user_not_found()),
        };
        let delivery = recovery_delivery(&pool, &user.attributes.0)?;
        codes::count_issue(self.db(), &pool.id, &key, Purpose::ForgotPassword).await?;
        let mut tx = self.db().begin().await?;
        let code = codes::issue(
            &mut *tx,
            user.sub,
            Purpose::ForgotPassword,
            Some(&delivery.attribute),
            codes::RESET_CODE_TTL,
        )
        .await?;
        outbox::send(
            &mut *tx,
            &pool.id,
            &user.username,
            Some(&delivery),
            OutboxPurpose::ForgotPassword,
            &code,
        )
        .await?;
        tx.commit().await?;
        Ok(ForgotPasswordResponse {
            code_delivery_details: Some(delivery.details()),
        })
    }

    /// ConfirmForgotPassword: checks the reset code and sets the new password.
    pub async fn confirm_forgot_password(
        &self,
        req: ConfirmForgotPasswordRequest,
    ) -> Result<(), CognitoError> {
        let (pool, client) = self.load_client(&req.client_id).await?;
        let user = self
            .public_user(&pool, &client, &req.username, req.secret_hash.as_deref())
            .await?;
        util::require_non_empty("ConfirmationCode", &req.confirmation_code)?;
        let Some(user) = user else {
            return Err(if client.prevents_user_existence_errors() {
                let key = counter_key(&pool, None, &req.username);
                codes::check_unknown(self.db(), &pool.id, &key, Purpose::ForgotPassword).await
            } else {
                CognitoError::user_not_found()
            });
        };
        // The code before the password policy: an unknown user has no code to check, so a
        // policy error first would tell that the user exists.
        let checked = codes::check(
            self.db(),
            &pool.id,
            user.sub,
            Purpose::ForgotPassword,
            &req.confirmation_code,
        )
        .await?;
        pool.password.check(&req.password)?;
        let hash = self.hashing().hash(&req.password).await?;
        let mut tx = self.db().begin().await?;
        let user = store::users::lock_user(&mut tx, user.sub)
            .await?
            .ok_or_else(CognitoError::user_not_found)?;
        codes::consume(&mut tx, user.sub, &checked).await?;
        let status = match user.status.as_str() {
            FORCE_CHANGE_PASSWORD | RESET_REQUIRED => CONFIRMED,
            other => other,
        };
        store::users::set_password(&mut *tx, user.sub, &hash, status, None, util::now()).await?;
        store::users::clear_failures(&mut *tx, &pool.id, &user.sub.to_string()).await?;
        tx.commit().await?;
        tracing::info!(pool.id = %pool.id, user.sub = %user.sub, "password reset with a code");
        Ok(())
    }

    /// GetUser (access token): the user's attributes readable by the token's client.
    pub async fn get_user(&self, req: GetUserRequest) -> Result<GetUserResponse, CognitoError> {
        let ctx = self.verify_access_token(&req.access_token).await?;
        Ok(GetUserResponse {
            username: ctx.user.username.clone(),
            user_attributes: attributes::to_wire(
                &ctx.user.sub.to_string(),
                &ctx.user.attributes.0,
                |n| ctx.client.can_read(n),
            ),
        })
    }

    /// UpdateUserAttributes (access token). A changed email becomes unverified. An empty
    /// value removes the attribute.
    pub async fn update_user_attributes(
        &self,
        req: UpdateUserAttributesRequest,
    ) -> Result<UpdateUserAttributesResponse, CognitoError> {
        let ctx = self.verify_access_token(&req.access_token).await?;
        let pool = &ctx.pool;
        let changes = attributes::validate_write(
            pool,
            &req.user_attributes,
            Writer::SelfUpdate(&ctx.client),
        )?;
        let mut tx = self.db().begin().await?;
        let user = store::users::lock_user(&mut tx, ctx.user.sub)
            .await?
            .ok_or_else(CognitoError::user_not_found)?;
        let mut attrs = user.attributes.0.clone();
        for (name, value) in changes {
            let changed = attrs.get(&name) != Some(&value);
            if value.is_empty() {
                if name == "email" && pool.email_is_username() {
                    return Err(CognitoError::invalid_parameter(
                        "Cannot remove the email of a user in a pool where the email is the username.",
                    ));
                }
                attrs.remove(&name);
            } else {
                attrs.insert(name.clone(), value);
            }
            if changed {
                match name.as_str() {
                    "email" => {
                        attrs.insert("email_verified".into(), "false".into());
                    }
                    "phone_number" => {
                        attrs.insert("phone_number_verified".into(), "false".into());
                    }
                    _ => {}
                }
            }
        }
        attributes::check_required(pool, &attrs)?;
        store::users::set_attributes(
            &mut *tx,
            user.sub,
            &attrs,
            email_key_for(pool, &attrs).as_deref(),
            util::now(),
        )
        .await
        .map_err(|e| map_conflict(e, pool))?;
        tx.commit().await?;
        Ok(UpdateUserAttributesResponse::default())
    }

    /// ChangePassword (access token): needs the current password; wrong ones count towards
    /// the sign-in throttle.
    pub async fn change_password(&self, req: ChangePasswordRequest) -> Result<(), CognitoError> {
        let ctx = self.verify_access_token(&req.access_token).await?;
        let previous = req
            .previous_password
            .as_deref()
            .ok_or_else(|| CognitoError::missing_member("PreviousPassword"))?;
        let key = ctx.user.sub.to_string();
        self.throttle_take(&ctx.pool, &key).await?;
        let ok = self
            .verify_counted(&ctx.pool, &key, previous, ctx.user.password_hash.as_deref())
            .await?;
        if !ok {
            return Err(CognitoError::incorrect_credentials());
        }
        // The right password: the attempt counts only once it turns out wrong.
        store::users::refund_attempt(self.db(), &ctx.pool.id, &key).await?;
        ctx.pool.password.check(&req.proposed_password)?;
        let hash = self.hashing().hash(&req.proposed_password).await?;
        let mut tx = self.db().begin().await?;
        store::users::set_password(
            &mut *tx,
            ctx.user.sub,
            &hash,
            &ctx.user.status,
            ctx.user.password_expires_at,
            util::now(),
        )
        .await?;
        store::users::clear_failures(&mut *tx, &ctx.pool.id, &key).await?;
        tx.commit().await?;
        tracing::info!(pool.id = %ctx.pool.id, user.sub = %ctx.user.sub, "password changed");
        Ok(())
    }

    /// AdminCreateUser: a FORCE_CHANGE_PASSWORD user with a temporary password (generated when
    /// not given), invited through the outbox unless `MessageAction = SUPPRESS`.
    /// `MessageAction = RESEND` re-invites an existing FORCE_CHANGE_PASSWORD user with a new
    /// temporary password.
    pub async fn admin_create_user(
        &self,
        req: AdminCreateUserRequest,
    ) -> Result<AdminCreateUserResponse, CognitoError> {
        let pool = self.load_pool(&req.user_pool_id).await?;
        util::validate_name("Username", &req.username)?;
        let action = req.message_action.as_deref();
        if let Some(a) = action
            && !matches!(a, "RESEND" | "SUPPRESS")
        {
            return Err(CognitoError::invalid_parameter(format!(
                "1 validation error detected: Value '{a}' at 'messageAction' failed to satisfy \
                 constraint: Member must satisfy enum value set: [RESEND, SUPPRESS]"
            )));
        }
        let temporary = match &req.temporary_password {
            Some(p) => {
                pool.password.check(p)?;
                p.clone()
            }
            None => pool.password.generate(),
        };
        let invitation_to = |attrs: &BTreeMap<String, String>| {
            let wants_sms = req
                .desired_delivery_mediums
                .as_ref()
                .is_some_and(|m| m.iter().any(|x| x == "SMS") && !m.iter().any(|x| x == "EMAIL"));
            let email = non_empty(attrs, "email").map(Delivery::email);
            let phone = non_empty(attrs, "phone_number").map(Delivery::phone);
            if wants_sms {
                phone.or(email)
            } else {
                email.or(phone)
            }
        };

        if action == Some("RESEND") {
            let user = self.require_user(&pool, &req.username).await?;
            if user.status != FORCE_CHANGE_PASSWORD {
                return Err(CognitoError::new(
                    ErrorKind::UnsupportedUserState,
                    format!(
                        "Resend not possible. {} status is not FORCE_CHANGE_PASSWORD.",
                        user.username
                    ),
                ));
            }
            let hash = self.hashing().hash(&temporary).await?;
            let mut tx = self.db().begin().await?;
            store::users::set_password(
                &mut *tx,
                user.sub,
                &hash,
                FORCE_CHANGE_PASSWORD,
                Some(temporary_password_expiry(&pool)),
                util::now(),
            )
            .await?;
            outbox::send(
                &mut *tx,
                &pool.id,
                &user.username,
                invitation_to(&user.attributes.0).as_ref(),
                OutboxPurpose::AdminCreateUser,
                &temporary,
            )
            .await?;
            tx.commit().await?;
            let user = self.require_user(&pool, &user.username).await?;
            return Ok(AdminCreateUserResponse {
                user: user_type(&user, |_| true),
            });
        }

        let mut attrs = attributes::validate_write(
            &pool,
            req.user_attributes.as_deref().unwrap_or_default(),
            Writer::AdminCreate,
        )?;
        let sub = Uuid::new_v4();
        let username = stored_username(&pool, &req.username, sub, &mut attrs)?;
        default_verification_flags(&mut attrs);
        attributes::check_required(&pool, &attrs)?;
        if self.find_user(&pool, &req.username).await?.is_some() {
            return Err(CognitoError::new(
                ErrorKind::UsernameExists,
                if pool.email_is_username() {
                    msg::EMAIL_EXISTS
                } else {
                    msg::USER_EXISTS
                },
            ));
        }
        let hash = self.hashing().hash(&temporary).await?;
        let now = util::now();
        let user = UserRow {
            sub,
            pool_id: pool.id.clone(),
            username_key: pool.username_key(&username),
            username,
            email_key: email_key_for(&pool, &attrs),
            status: FORCE_CHANGE_PASSWORD.to_owned(),
            enabled: true,
            attributes: Json(attrs),
            password_hash: Some(hash),
            password_expires_at: Some(temporary_password_expiry(&pool)),
            created_at: now,
            updated_at: now,
        };
        let mut tx = self.db().begin().await?;
        store::users::insert_user(&mut *tx, &user)
            .await
            .map_err(|e| map_conflict(e, &pool))?;
        if action != Some("SUPPRESS") {
            outbox::send(
                &mut *tx,
                &pool.id,
                &user.username,
                invitation_to(&user.attributes.0).as_ref(),
                OutboxPurpose::AdminCreateUser,
                &temporary,
            )
            .await?;
        }
        tx.commit().await?;
        tracing::info!(pool.id = %pool.id, user.sub = %sub, "user created by an administrator");
        Ok(AdminCreateUserResponse {
            user: user_type(&user, |_| true),
        })
    }

    /// AdminGetUser.
    pub async fn admin_get_user(
        &self,
        req: AdminUserRequest,
    ) -> Result<AdminGetUserResponse, CognitoError> {
        let pool = self.load_pool(&req.user_pool_id).await?;
        let user = self.require_user(&pool, &req.username).await?;
        Ok(AdminGetUserResponse {
            username: user.username.clone(),
            user_attributes: attributes::to_wire(&user.sub.to_string(), &user.attributes.0, |_| {
                true
            }),
            user_create_date: user.created_at,
            user_last_modified_date: user.updated_at,
            enabled: user.enabled,
            user_status: user.status.clone(),
        })
    }

    /// AdminConfirmSignUp: confirms an UNCONFIRMED user without a code.
    pub async fn admin_confirm_sign_up(&self, req: AdminUserRequest) -> Result<(), CognitoError> {
        let pool = self.load_pool(&req.user_pool_id).await?;
        let user = self.require_user(&pool, &req.username).await?;
        if user.status != UNCONFIRMED {
            return Err(CognitoError::not_authorized(format!(
                "User cannot be confirmed. Current status is {}",
                user.status
            )));
        }
        let mut tx = self.db().begin().await?;
        store::users::set_status(&mut *tx, user.sub, CONFIRMED, util::now()).await?;
        store::codes::delete_code(&mut *tx, user.sub, "SIGN_UP").await?;
        tx.commit().await?;
        tracing::info!(pool.id = %pool.id, user.sub = %user.sub, "user confirmed by an administrator");
        Ok(())
    }

    /// AdminSetUserPassword: `Permanent = true` → CONFIRMED, otherwise a temporary password
    /// (FORCE_CHANGE_PASSWORD).
    pub async fn admin_set_user_password(
        &self,
        req: AdminSetUserPasswordRequest,
    ) -> Result<(), CognitoError> {
        let pool = self.load_pool(&req.user_pool_id).await?;
        let user = self.require_user(&pool, &req.username).await?;
        pool.password.check(&req.password)?;
        let hash = self.hashing().hash(&req.password).await?;
        let permanent = req.permanent.unwrap_or(false);
        let (status, expires) = if permanent {
            (CONFIRMED, None)
        } else {
            (
                FORCE_CHANGE_PASSWORD,
                Some(temporary_password_expiry(&pool)),
            )
        };
        let mut tx = self.db().begin().await?;
        store::users::set_password(&mut *tx, user.sub, &hash, status, expires, util::now()).await?;
        store::users::clear_failures(&mut *tx, &pool.id, &user.sub.to_string()).await?;
        tx.commit().await?;
        tracing::info!(pool.id = %pool.id, user.sub = %user.sub, permanent, "password set by an administrator");
        Ok(())
    }

    /// AdminDisableUser: sign-in, refresh and token-authorized calls fail with
    /// "User is disabled." until AdminEnableUser.
    pub async fn admin_disable_user(&self, req: AdminUserRequest) -> Result<(), CognitoError> {
        self.set_user_enabled(req, false).await
    }

    /// AdminEnableUser.
    pub async fn admin_enable_user(&self, req: AdminUserRequest) -> Result<(), CognitoError> {
        self.set_user_enabled(req, true).await
    }

    async fn set_user_enabled(
        &self,
        req: AdminUserRequest,
        enabled: bool,
    ) -> Result<(), CognitoError> {
        let pool = self.load_pool(&req.user_pool_id).await?;
        let user = self.require_user(&pool, &req.username).await?;
        store::users::set_enabled(self.db(), user.sub, enabled, util::now()).await?;
        tracing::info!(pool.id = %pool.id, user.sub = %user.sub, enabled, "user enabled flag changed");
        Ok(())
    }

    /// AdminDeleteUser: the user, its codes, tokens and group memberships.
    pub async fn admin_delete_user(&self, req: AdminUserRequest) -> Result<(), CognitoError> {
        let pool = self.load_pool(&req.user_pool_id).await?;
        let user = self.require_user(&pool, &req.username).await?;
        let mut tx = self.db().begin().await?;
        store::users::delete_user(&mut *tx, user.sub).await?;
        store::users::clear_failures(&mut *tx, &pool.id, &user.sub.to_string()).await?;
        tx.commit().await?;
        tracing::info!(pool.id = %pool.id, user.sub = %user.sub, "user deleted");
        Ok(())
    }

    /// ListUsers (ordered by username), with an optional `Filter`.
    pub async fn list_users(
        &self,
        req: ListUsersRequest,
    ) -> Result<ListUsersResponse, CognitoError> {
        let pool = self.load_pool(&req.user_pool_id).await?;
        let limit = util::page_limit(req.limit, "Limit")?;
        let after = req
            .pagination_token
            .as_deref()
            .map(|t| util::decode_page_token(t, "PaginationToken"))
            .transpose()?;
        let parsed = req
            .filter
            .as_deref()
            .map(filter::parse)
            .transpose()?
            .flatten();
        let sql_filter = parsed.as_ref().map(|f| store::users::SqlFilter {
            attribute: &f.attribute,
            value: &f.value,
            prefix: f.prefix,
        });
        let mut rows = store::users::list_users(
            self.db(),
            &pool.id,
            sql_filter.as_ref(),
            after.as_deref(),
            limit + 1,
        )
        .await?;
        let more = rows.len() as i64 > limit;
        rows.truncate(usize::try_from(limit).unwrap_or(60));
        let pagination_token = if more {
            rows.last()
                .map(|u| util::encode_page_token(&u.username_key))
        } else {
            None
        };
        let wanted = req.attributes_to_get.clone();
        Ok(ListUsersResponse {
            users: rows
                .iter()
                .map(|u| {
                    user_type(u, |name| {
                        wanted.as_ref().is_none_or(|w| w.iter().any(|x| x == name))
                    })
                })
                .collect(),
            pagination_token,
        })
    }

    /// Attributes for the NEW_PASSWORD_REQUIRED challenge (`userAttributes`, without `sub`).
    pub(crate) fn challenge_user_attributes(user: &UserRow) -> String {
        serde_json::to_string(&user.attributes.0).unwrap_or_else(|_| "{}".to_owned())
    }

    /// Applies `userAttributes.*` challenge responses (validated as a self-update).
    pub(crate) fn merge_challenge_attributes(
        pool: &Pool,
        client: &AppClient,
        user: &UserRow,
        attrs: &[AttributeType],
    ) -> Result<BTreeMap<String, String>, CognitoError> {
        let changes = attributes::validate_write(pool, attrs, Writer::SelfUpdate(client))?;
        let mut merged = user.attributes.0.clone();
        merged.extend(changes);
        default_verification_flags(&mut merged);
        attributes::check_required(pool, &merged)?;
        Ok(merged)
    }

    pub(crate) fn email_key(pool: &Pool, attrs: &BTreeMap<String, String>) -> Option<String> {
        email_key_for(pool, attrs)
    }

    pub(crate) fn conflict(e: sqlx::Error, pool: &Pool) -> CognitoError {
        map_conflict(e, pool)
    }
}

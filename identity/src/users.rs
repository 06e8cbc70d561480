//! Users: sign-up and confirmation, password recovery, the self-service (access token)
//! operations and the administrative user operations.

use std::collections::BTreeMap;

use uuid::Uuid;

use crate::attributes::{self, Writer};
use crate::codes;
use crate::error::{CognitoError, ErrorKind, msg};
use crate::mfa;
use crate::model::{
    CodePurpose, DeliveryMedium, MessageAction, OutboxPurpose, Pool, User, UserMfa, UserStatus,
    VerifiableAttribute,
};
use crate::outbox::{self, Delivery};
use crate::service::Identity;
use crate::store::users::{EMAIL_CONSTRAINT, USERNAME_CONSTRAINT};
use crate::throttle::counter_key;
use crate::wire::{
    AdminCreateUserRequest, AdminCreateUserResponse, AdminGetUserResponse,
    AdminResetUserPasswordRequest, AdminSetUserPasswordRequest, AdminUserRequest,
    ChangePasswordRequest, CodeDeliveryDetailsType, ConfirmForgotPasswordRequest,
    ConfirmSignUpRequest, DeleteUserRequest, ForgotPasswordRequest, ForgotPasswordResponse,
    GetUserRequest, GetUserResponse, ListUsersRequest, ListUsersResponse,
    ResendConfirmationCodeRequest, ResendConfirmationCodeResponse, SignUpRequest, SignUpResponse,
    UserType,
};
use crate::{filter, secret_hash, store, util};

/// Maps unique violations on insert/update to Cognito's errors.
pub(crate) fn map_conflict(e: sqlx::Error, pool: &Pool) -> CognitoError {
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
pub(crate) fn email_key_for(pool: &Pool, attrs: &BTreeMap<String, String>) -> Option<String> {
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

pub(crate) fn default_verification_flags(attrs: &mut BTreeMap<String, String>) {
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
    pool.auto_verified_attributes.iter().find_map(|a| match a {
        VerifiableAttribute::Email => non_empty(attrs, "email").map(Delivery::email),
        VerifiableAttribute::PhoneNumber => non_empty(attrs, "phone_number").map(Delivery::phone),
    })
}

/// A new password-reset code for `user`, into the outbox (ForgotPassword,
/// AdminResetUserPassword).
async fn send_reset_code(
    conn: &mut sqlx::PgConnection,
    pool: &Pool,
    user: &User,
    delivery: &Delivery,
) -> Result<(), CognitoError> {
    let code = codes::issue(
        &mut *conn,
        user.sub,
        CodePurpose::ForgotPassword,
        Some(&delivery.attribute),
        codes::RESET_CODE_TTL,
    )
    .await?;
    outbox::send(
        &mut *conn,
        &pool.id,
        &user.username,
        Some(delivery),
        OutboxPurpose::ForgotPassword,
        &code,
    )
    .await?;
    Ok(())
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

pub(crate) fn user_type(user: &User, keep: impl Fn(&str) -> bool) -> UserType {
    UserType {
        username: user.username.clone(),
        attributes: attributes::to_wire(&user.sub.to_string(), &user.attributes, keep),
        user_create_date: user.created_at,
        user_last_modified_date: user.updated_at,
        enabled: user.enabled,
        user_status: user.status.as_str().to_owned(),
    }
}

fn temporary_password_expiry(pool: &Pool) -> time::OffsetDateTime {
    util::now() + time::Duration::days(i64::from(pool.password.temporary_password_validity_days))
}

impl Identity {
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
        let record = self
            .password_record(&pool.id, sub, &username, password)
            .await?;
        let now = util::now();
        let delivery = auto_delivery(&pool, &attrs);
        let user = User {
            sub,
            pool_id: pool.id.clone(),
            username_key: pool.username_key(&username),
            username,
            email_key: email_key_for(&pool, &attrs),
            status: UserStatus::Unconfirmed,
            enabled: true,
            attributes: attrs,
            password_hash: Some(record.phc),
            srp_verifier_sealed: Some(record.srp_verifier_sealed),
            mfa: UserMfa::default(),
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
            CodePurpose::SignUp,
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
                codes::check_unknown(self.db(), &pool.id, &key, CodePurpose::SignUp).await
            } else {
                CognitoError::user_not_found()
            });
        };
        if user.status != UserStatus::Unconfirmed {
            return Err(CognitoError::not_authorized(format!(
                "User cannot be confirmed. Current status is {}",
                user.status
            )));
        }
        let checked = codes::check(
            self.db(),
            &pool.id,
            user.sub,
            CodePurpose::SignUp,
            &req.confirmation_code,
        )
        .await?;
        let mut tx = self.db().begin().await?;
        let user = store::users::lock_user(&mut tx, user.sub)
            .await?
            .ok_or_else(CognitoError::user_not_found)?;
        codes::consume(&mut tx, user.sub, &checked).await?;
        let now = util::now();
        let mut attrs = user.attributes.clone();
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
            let mut other_attrs = other.attributes.clone();
            other_attrs.insert("email_verified".to_owned(), "false".to_owned());
            store::users::set_attributes(&mut *tx, other.sub, &other_attrs, None, now).await?;
        }
        store::users::set_attributes(&mut *tx, user.sub, &attrs, email_key.as_deref(), now)
            .await
            .map_err(|e| map_conflict(e, &pool))?;
        store::users::set_status(&mut *tx, user.sub, UserStatus::Confirmed, now).await?;
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
            Some(user) if user.status == UserStatus::Unconfirmed => user,
            // An already confirmed user looks like an unknown one.
            _ if client.prevents_user_existence_errors() => {
                codes::count_issue(self.db(), &pool.id, &key, CodePurpose::SignUp).await?;
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
        codes::count_issue(self.db(), &pool.id, &key, CodePurpose::SignUp).await?;
        let delivery = auto_delivery(&pool, &user.attributes);
        let mut tx = self.db().begin().await?;
        let code = codes::issue(
            &mut *tx,
            user.sub,
            CodePurpose::SignUp,
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
                codes::count_issue(self.db(), &pool.id, &key, CodePurpose::ForgotPassword).await?;
                return Ok(ForgotPasswordResponse {
                    code_delivery_details: Some(simulated_delivery(&req.username)),
                });
            }
            Some(_) => return Err(CognitoError::not_authorized(msg::USER_DISABLED)),
            None => return Err(CognitoError::user_not_found()),
        };
        let delivery = recovery_delivery(&pool, &user.attributes)?;
        codes::count_issue(self.db(), &pool.id, &key, CodePurpose::ForgotPassword).await?;
        let mut tx = self.db().begin().await?;
        send_reset_code(&mut tx, &pool, &user, &delivery).await?;
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
                codes::check_unknown(self.db(), &pool.id, &key, CodePurpose::ForgotPassword).await
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
            CodePurpose::ForgotPassword,
            &req.confirmation_code,
        )
        .await?;
        pool.password.check(&req.password)?;
        let record = self
            .password_record(&pool.id, user.sub, &user.username, &req.password)
            .await?;
        let mut tx = self.db().begin().await?;
        let user = store::users::lock_user(&mut tx, user.sub)
            .await?
            .ok_or_else(CognitoError::user_not_found)?;
        codes::consume(&mut tx, user.sub, &checked).await?;
        let status = match user.status {
            UserStatus::ForceChangePassword | UserStatus::ResetRequired => UserStatus::Confirmed,
            other => other,
        };
        store::users::set_password(&mut *tx, user.sub, &record, status, None, util::now()).await?;
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
                &ctx.user.attributes,
                |n| ctx.client.can_read(n),
            ),
            preferred_mfa_setting: mfa::preferred_setting(&ctx.user),
            user_mfa_setting_list: mfa::setting_list(&ctx.user),
        })
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
        let record = self
            .password_record(
                &ctx.pool.id,
                ctx.user.sub,
                &ctx.user.username,
                &req.proposed_password,
            )
            .await?;
        let mut tx = self.db().begin().await?;
        store::users::set_password(
            &mut *tx,
            ctx.user.sub,
            &record,
            ctx.user.status,
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
        let action = req
            .message_action
            .as_deref()
            .map(|a| {
                MessageAction::parse(a).ok_or_else(|| {
                    CognitoError::not_in_set("messageAction", a, &MessageAction::joined())
                })
            })
            .transpose()?;
        let temporary = match &req.temporary_password {
            Some(p) => {
                pool.password.check(p)?;
                p.clone()
            }
            None => pool.password.generate(),
        };
        let invitation_to = |attrs: &BTreeMap<String, String>| {
            let wants_sms = req.desired_delivery_mediums.as_ref().is_some_and(|m| {
                let asked = |medium: DeliveryMedium| m.iter().any(|x| x == medium.as_str());
                asked(DeliveryMedium::Sms) && !asked(DeliveryMedium::Email)
            });
            let email = non_empty(attrs, "email").map(Delivery::email);
            let phone = non_empty(attrs, "phone_number").map(Delivery::phone);
            if wants_sms {
                phone.or(email)
            } else {
                email.or(phone)
            }
        };

        if action == Some(MessageAction::Resend) {
            let user = self.require_user(&pool, &req.username).await?;
            if user.status != UserStatus::ForceChangePassword {
                return Err(CognitoError::new(
                    ErrorKind::UnsupportedUserState,
                    format!(
                        "Resend not possible. {} status is not FORCE_CHANGE_PASSWORD.",
                        user.username
                    ),
                ));
            }
            let record = self
                .password_record(&pool.id, user.sub, &user.username, &temporary)
                .await?;
            let mut tx = self.db().begin().await?;
            store::users::set_password(
                &mut *tx,
                user.sub,
                &record,
                UserStatus::ForceChangePassword,
                Some(temporary_password_expiry(&pool)),
                util::now(),
            )
            .await?;
            outbox::send(
                &mut *tx,
                &pool.id,
                &user.username,
                invitation_to(&user.attributes).as_ref(),
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
        let record = self
            .password_record(&pool.id, sub, &username, &temporary)
            .await?;
        let now = util::now();
        let user = User {
            sub,
            pool_id: pool.id.clone(),
            username_key: pool.username_key(&username),
            username,
            email_key: email_key_for(&pool, &attrs),
            status: UserStatus::ForceChangePassword,
            enabled: true,
            attributes: attrs,
            password_hash: Some(record.phc),
            srp_verifier_sealed: Some(record.srp_verifier_sealed),
            mfa: UserMfa::default(),
            password_expires_at: Some(temporary_password_expiry(&pool)),
            created_at: now,
            updated_at: now,
        };
        let mut tx = self.db().begin().await?;
        store::users::insert_user(&mut *tx, &user)
            .await
            .map_err(|e| map_conflict(e, &pool))?;
        if action != Some(MessageAction::Suppress) {
            outbox::send(
                &mut *tx,
                &pool.id,
                &user.username,
                invitation_to(&user.attributes).as_ref(),
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
            user_attributes: attributes::to_wire(&user.sub.to_string(), &user.attributes, |_| true),
            user_create_date: user.created_at,
            user_last_modified_date: user.updated_at,
            enabled: user.enabled,
            user_status: user.status.as_str().to_owned(),
            preferred_mfa_setting: mfa::preferred_setting(&user),
            user_mfa_setting_list: mfa::setting_list(&user),
        })
    }

    /// AdminConfirmSignUp: confirms an UNCONFIRMED user without a code.
    pub async fn admin_confirm_sign_up(&self, req: AdminUserRequest) -> Result<(), CognitoError> {
        let pool = self.load_pool(&req.user_pool_id).await?;
        let user = self.require_user(&pool, &req.username).await?;
        if user.status != UserStatus::Unconfirmed {
            return Err(CognitoError::not_authorized(format!(
                "User cannot be confirmed. Current status is {}",
                user.status
            )));
        }
        let mut tx = self.db().begin().await?;
        store::users::set_status(&mut *tx, user.sub, UserStatus::Confirmed, util::now()).await?;
        store::codes::delete_code(&mut *tx, user.sub, CodePurpose::SignUp.as_str()).await?;
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
        let record = self
            .password_record(&pool.id, user.sub, &user.username, &req.password)
            .await?;
        let permanent = req.permanent.unwrap_or(false);
        let (status, expires) = if permanent {
            (UserStatus::Confirmed, None)
        } else {
            (
                UserStatus::ForceChangePassword,
                Some(temporary_password_expiry(&pool)),
            )
        };
        let mut tx = self.db().begin().await?;
        store::users::set_password(&mut *tx, user.sub, &record, status, expires, util::now())
            .await?;
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

    /// DeleteUser (access token): the user deletes themself.
    pub async fn delete_user(&self, req: DeleteUserRequest) -> Result<(), CognitoError> {
        let ctx = self.verify_access_token(&req.access_token).await?;
        let mut tx = self.db().begin().await?;
        store::users::delete_user(&mut *tx, ctx.user.sub).await?;
        store::users::clear_failures(&mut *tx, &ctx.pool.id, &ctx.user.sub.to_string()).await?;
        tx.commit().await?;
        tracing::info!(pool.id = %ctx.pool.id, user.sub = %ctx.user.sub, "user deleted themself");
        Ok(())
    }

    /// AdminResetUserPassword: the password stops working (RESET_REQUIRED: sign-in answers
    /// PasswordResetRequiredException) and a reset code goes to the user's verified email,
    /// for ConfirmForgotPassword.
    pub async fn admin_reset_user_password(
        &self,
        req: AdminResetUserPasswordRequest,
    ) -> Result<(), CognitoError> {
        let pool = self.load_pool(&req.user_pool_id).await?;
        let user = self.require_user(&pool, &req.username).await?;
        let delivery = recovery_delivery(&pool, &user.attributes)?;
        let mut tx = self.db().begin().await?;
        send_reset_code(&mut tx, &pool, &user, &delivery).await?;
        if user.status != UserStatus::Unconfirmed {
            store::users::set_status(&mut *tx, user.sub, UserStatus::ResetRequired, util::now())
                .await?;
        }
        tx.commit().await?;
        tracing::info!(pool.id = %pool.id, user.sub = %user.sub, "password reset by an administrator");
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
}

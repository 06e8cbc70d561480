//! Software token (TOTP) MFA outside the sign-in answer itself: the pool's MFA configuration
//! (SetUserPoolMfaConfig / GetUserPoolMfaConfig), a user's authenticator
//! (AssociateSoftwareToken / VerifySoftwareToken, with an access token or during a sign-in's
//! MFA_SETUP challenge with its session) and MFA preference (SetUserMFAPreference /
//! AdminSetUserMFAPreference). The SOFTWARE_TOKEN_MFA and MFA_SETUP challenges are in
//! `flows::mfa`.

use crate::challenges::OpenSession;
use crate::error::{CognitoError, ErrorKind};
use crate::model::{ChallengeName, Pool, User};
use crate::pools::parse_mfa;
use crate::service::Identity;
use crate::throttle::FAILURE_WINDOW;
use crate::wire::{
    AdminSetUserMfaPreferenceRequest, AssociateSoftwareTokenRequest,
    AssociateSoftwareTokenResponse, GetUserPoolMfaConfigRequest, MfaSettingsType,
    SetUserMfaPreferenceRequest, SetUserPoolMfaConfigRequest, SoftwareTokenMfaConfigType,
    UserPoolMfaConfigResponse, VerifySoftwareTokenRequest, VerifySoftwareTokenResponse,
};
use crate::{store, totp, util};

/// The MFA type name on the wire.
pub(crate) const SOFTWARE_TOKEN_MFA: &str = "SOFTWARE_TOKEN_MFA";

/// GetUser's `PreferredMfaSetting`.
pub(crate) fn preferred_setting(user: &User) -> Option<String> {
    (user.mfa.uses_totp() && user.mfa.preferred).then(|| SOFTWARE_TOKEN_MFA.to_owned())
}

/// GetUser's `UserMFASettingList`.
pub(crate) fn setting_list(user: &User) -> Option<Vec<String>> {
    user.mfa
        .uses_totp()
        .then(|| vec![SOFTWARE_TOKEN_MFA.to_owned()])
}

fn secret_context(user: &User) -> String {
    format!("totp:{}", user.sub)
}

fn code_mismatch_on_enable() -> CognitoError {
    CognitoError::new(
        ErrorKind::EnableSoftwareTokenMfa,
        "Code mismatch and fail enable Software Token MFA",
    )
}

fn unsupported_factor(settings: Option<MfaSettingsType>, name: &str) -> Result<(), CognitoError> {
    if settings.is_some_and(|s| s.enabled == Some(true) || s.preferred_mfa == Some(true)) {
        return Err(CognitoError::invalid_parameter(format!(
            "{name} MFA is not supported by Gatehouse; use software token MFA."
        )));
    }
    Ok(())
}

impl Identity {
    /// The user's verified authenticator secret.
    pub(crate) fn totp_secret(&self, user: &User) -> Result<Vec<u8>, CognitoError> {
        let sealed = user.mfa.secret_sealed.as_ref().ok_or_else(|| {
            CognitoError::new(
                ErrorKind::SoftwareTokenMfaNotFound,
                "Software Token MFA has not been enabled by the user.",
            )
        })?;
        Ok(self
            .master_key()
            .open(sealed, secret_context(user).as_bytes())?)
    }

    /// Who an authenticator call is for: the access token's user, or the user of a sign-in
    /// waiting in the MFA_SETUP challenge (with that session).
    async fn authenticator_user(
        &self,
        access_token: Option<&str>,
        session: Option<&str>,
    ) -> Result<(Pool, User, Option<OpenSession>), CognitoError> {
        if let Some(token) = access_token {
            let ctx = self.verify_access_token(token).await?;
            return Ok((ctx.pool, ctx.user, None));
        }
        if session.is_none() {
            return Err(CognitoError::invalid_parameter(
                "Either AccessToken or Session must be given.",
            ));
        }
        let open = self
            .open_session(session, None, ChallengeName::MfaSetup)
            .await?;
        let pool = self.load_pool(&open.row.pool_id).await?;
        let user = store::users::find_by_sub(self.db(), &pool.id, open.row.user_sub)
            .await?
            .ok_or_else(CognitoError::user_not_found)?;
        Ok((pool, user, Some(open)))
    }

    /// AssociateSoftwareToken: a new secret for the user's authenticator app (replacing an
    /// unverified one; a verified one stays in use until the new one is verified).
    pub async fn associate_software_token(
        &self,
        req: AssociateSoftwareTokenRequest,
    ) -> Result<AssociateSoftwareTokenResponse, CognitoError> {
        let (pool, user, session) = self
            .authenticator_user(req.access_token.as_deref(), req.session.as_deref())
            .await?;
        if !pool.software_token_mfa {
            return Err(CognitoError::invalid_parameter(
                "Software token MFA is not enabled for this user pool.",
            ));
        }
        let secret = totp::new_secret();
        let sealed = self
            .master_key()
            .seal(&secret, secret_context(&user).as_bytes());
        store::users::set_totp_pending(self.db(), user.sub, &sealed).await?;
        let session = match session {
            Some(open) => Some(self.renew_session(&open, &pool, &user, false).await?),
            None => None,
        };
        tracing::info!(pool.id = %pool.id, user.sub = %user.sub, "software token associated");
        Ok(AssociateSoftwareTokenResponse {
            secret_code: totp::base32(&secret),
            session,
        })
    }

    /// VerifySoftwareToken: the first code from the app proves the secret; it becomes the
    /// user's authenticator, enabled and preferred. Wrong codes count towards the lockout.
    pub async fn verify_software_token(
        &self,
        req: VerifySoftwareTokenRequest,
    ) -> Result<VerifySoftwareTokenResponse, CognitoError> {
        let (pool, user, session) = self
            .authenticator_user(req.access_token.as_deref(), req.session.as_deref())
            .await?;
        let pending = user.mfa.pending_sealed.clone().ok_or_else(|| {
            CognitoError::invalid_parameter(
                "No software token is waiting to be verified: call AssociateSoftwareToken first.",
            )
        })?;
        let key = user.sub.to_string();
        self.throttle_take(&pool, &key).await?;
        let secret = self
            .master_key()
            .open(&pending, secret_context(&user).as_bytes())?;
        let now = util::now();
        let Some(step) = totp::matching_step(&secret, &req.user_code, now.unix_timestamp(), None)
        else {
            store::users::sweep_failures(self.db(), &pool.id, now - FAILURE_WINDOW).await?;
            return Err(code_mismatch_on_enable());
        };
        if !store::users::confirm_totp(self.db(), user.sub, &pending, step, now).await? {
            return Err(code_mismatch_on_enable());
        }
        store::users::clear_failures(self.db(), &pool.id, &key).await?;
        let session = match session {
            Some(open) => Some(self.renew_session(&open, &pool, &user, true).await?),
            None => None,
        };
        tracing::info!(pool.id = %pool.id, user.sub = %user.sub, "software token verified");
        Ok(VerifySoftwareTokenResponse {
            status: "SUCCESS".to_owned(),
            session,
        })
    }

    /// SetUserMFAPreference (access token).
    pub async fn set_user_mfa_preference(
        &self,
        req: SetUserMfaPreferenceRequest,
    ) -> Result<(), CognitoError> {
        let ctx = self.verify_access_token(&req.access_token).await?;
        unsupported_factor(req.sms_mfa_settings, "SMS")?;
        unsupported_factor(req.email_mfa_settings, "Email")?;
        self.apply_mfa_preference(&ctx.user, req.software_token_mfa_settings)
            .await
    }

    /// AdminSetUserMFAPreference.
    pub async fn admin_set_user_mfa_preference(
        &self,
        req: AdminSetUserMfaPreferenceRequest,
    ) -> Result<(), CognitoError> {
        let pool = self.load_pool(&req.user_pool_id).await?;
        let user = self.require_user(&pool, &req.username).await?;
        unsupported_factor(req.sms_mfa_settings, "SMS")?;
        unsupported_factor(req.email_mfa_settings, "Email")?;
        self.apply_mfa_preference(&user, req.software_token_mfa_settings)
            .await
    }

    async fn apply_mfa_preference(
        &self,
        user: &User,
        settings: Option<MfaSettingsType>,
    ) -> Result<(), CognitoError> {
        let Some(settings) = settings else {
            return Ok(());
        };
        let enabled = settings.enabled.unwrap_or(user.mfa.enabled);
        let preferred = enabled && settings.preferred_mfa.unwrap_or(user.mfa.preferred);
        if enabled && user.mfa.secret_sealed.is_none() {
            return Err(CognitoError::invalid_parameter(
                "User has not verified software token mfa",
            ));
        }
        store::users::set_totp_preference(self.db(), user.sub, enabled, preferred, util::now())
            .await?;
        tracing::info!(pool.id = %user.pool_id, user.sub = %user.sub, enabled, preferred, "MFA preference set");
        Ok(())
    }

    /// Console only (no wire action): forgets a user's authenticator, e.g. after a lost
    /// phone. With MFA `ON` the user sets up a new one at their next sign-in (MFA_SETUP).
    pub async fn admin_reset_user_mfa(
        &self,
        pool_id: &str,
        username: &str,
    ) -> Result<(), CognitoError> {
        let pool = self.load_pool(pool_id).await?;
        let user = self.require_user(&pool, username).await?;
        store::users::clear_totp(self.db(), user.sub, util::now()).await?;
        tracing::info!(pool.id = %pool.id, user.sub = %user.sub, "MFA reset by an administrator");
        Ok(())
    }

    /// SetUserPoolMfaConfig: software token MFA on or off, and `MfaConfiguration`. Members
    /// left out keep their value; SMS, email and WebAuthn factors are not supported.
    pub async fn set_user_pool_mfa_config(
        &self,
        req: SetUserPoolMfaConfigRequest,
    ) -> Result<UserPoolMfaConfigResponse, CognitoError> {
        let mut pool = self.load_pool(&req.user_pool_id).await?;
        let configured = |v: &Option<serde_json::Value>| {
            v.as_ref()
                .is_some_and(|v| v.as_object().is_none_or(|o| !o.is_empty()))
        };
        if configured(&req.sms_mfa_configuration)
            || configured(&req.email_mfa_configuration)
            || configured(&req.web_authn_configuration)
        {
            return Err(CognitoError::invalid_parameter(
                "Gatehouse supports software token MFA only; leave out SmsMfaConfiguration, \
                 EmailMfaConfiguration and WebAuthnConfiguration.",
            ));
        }
        let software = req
            .software_token_mfa_configuration
            .map_or(pool.software_token_mfa, |c| c.enabled);
        let mfa = match req.mfa_configuration.as_deref() {
            Some(value) => parse_mfa(Some(value), software)?,
            None => parse_mfa(Some(pool.mfa_configuration.as_str()), software)?,
        };
        pool.software_token_mfa = software;
        pool.mfa_configuration = mfa;
        pool.updated_at = util::now();
        if !store::pools::update_pool(self.db(), &pool).await? {
            return Err(CognitoError::pool_not_found(&pool.id));
        }
        tracing::info!(pool.id = %pool.id, mfa = mfa.as_str(), software, "MFA configuration set");
        Ok(mfa_config(&pool))
    }

    /// GetUserPoolMfaConfig.
    pub async fn get_user_pool_mfa_config(
        &self,
        req: GetUserPoolMfaConfigRequest,
    ) -> Result<UserPoolMfaConfigResponse, CognitoError> {
        let pool = self.load_pool(&req.user_pool_id).await?;
        Ok(mfa_config(&pool))
    }
}

fn mfa_config(pool: &Pool) -> UserPoolMfaConfigResponse {
    UserPoolMfaConfigResponse {
        software_token_mfa_configuration: SoftwareTokenMfaConfigType {
            enabled: pool.software_token_mfa,
        },
        mfa_configuration: pool.mfa_configuration.as_str().to_owned(),
    }
}

//! Verifying an email address or phone number after sign-up: GetUserAttributeVerificationCode
//! sends a code (to the outbox) for the attribute's current value, VerifyUserAttribute marks it
//! verified. Codes are limited like the other codes (`codes`), and a code dies when the
//! attribute it was sent for changes (`attribute_updates`).

use crate::codes;
use crate::error::{CognitoError, ErrorKind, msg};
use crate::model::{CodePurpose, OutboxPurpose, User};
use crate::outbox::{self, Delivery};
use crate::service::Identity;
use crate::users::{email_key_for, map_conflict};
use crate::wire::{
    GetUserAttributeVerificationCodeRequest, GetUserAttributeVerificationCodeResponse,
    VerifyUserAttributeRequest,
};
use crate::{store, util};

const PURPOSE: CodePurpose = CodePurpose::VerifyAttribute;

/// Where a code for `name` goes: the user's current email or phone number.
fn delivery_for(user: &User, name: &str) -> Result<Delivery, CognitoError> {
    let value = |attr: &str| user.attributes.get(attr).filter(|v| !v.is_empty());
    match name {
        "email" => value("email").map(|v| Delivery::email(v)),
        "phone_number" => value("phone_number").map(|v| Delivery::phone(v)),
        _ => {
            return Err(CognitoError::invalid_parameter(format!(
                "Invalid attribute name specified: {name}. Only email and phone_number can be verified."
            )));
        }
    }
    .ok_or_else(|| {
        CognitoError::invalid_parameter(format!("The user has no {name} to verify."))
    })
}

impl Identity {
    /// GetUserAttributeVerificationCode (access token).
    pub async fn get_user_attribute_verification_code(
        &self,
        req: GetUserAttributeVerificationCodeRequest,
    ) -> Result<GetUserAttributeVerificationCodeResponse, CognitoError> {
        let ctx = self.verify_access_token(&req.access_token).await?;
        let delivery = delivery_for(&ctx.user, &req.attribute_name)?;
        codes::count_issue(self.db(), &ctx.pool.id, &ctx.user.sub.to_string(), PURPOSE).await?;
        let mut tx = self.db().begin().await?;
        let code = codes::issue(
            &mut *tx,
            ctx.user.sub,
            PURPOSE,
            Some(&delivery.attribute),
            codes::SIGN_UP_CODE_TTL,
        )
        .await?;
        outbox::send(
            &mut *tx,
            &ctx.pool.id,
            &ctx.user.username,
            Some(&delivery),
            OutboxPurpose::VerifyAttribute,
            &code,
        )
        .await?;
        tx.commit().await?;
        Ok(GetUserAttributeVerificationCodeResponse {
            code_delivery_details: Some(delivery.details()),
        })
    }

    /// VerifyUserAttribute (access token): the code sent for the attribute marks it verified.
    pub async fn verify_user_attribute(
        &self,
        req: VerifyUserAttributeRequest,
    ) -> Result<(), CognitoError> {
        let ctx = self.verify_access_token(&req.access_token).await?;
        delivery_for(&ctx.user, &req.attribute_name)?;
        let checked =
            codes::check(self.db(), &ctx.pool.id, ctx.user.sub, PURPOSE, &req.code).await?;
        if checked.delivery_attribute() != Some(req.attribute_name.as_str()) {
            return Err(CognitoError::new(
                ErrorKind::CodeMismatch,
                msg::CODE_MISMATCH,
            ));
        }
        let mut tx = self.db().begin().await?;
        let user = store::users::lock_user(&mut tx, ctx.user.sub)
            .await?
            .ok_or_else(CognitoError::user_not_found)?;
        codes::consume(&mut tx, user.sub, &checked).await?;
        let mut attrs = user.attributes.clone();
        attrs.insert(
            format!("{}_verified", req.attribute_name),
            "true".to_owned(),
        );
        store::users::set_attributes(
            &mut *tx,
            user.sub,
            &attrs,
            email_key_for(&ctx.pool, &attrs).as_deref(),
            util::now(),
        )
        .await
        .map_err(|e| map_conflict(e, &ctx.pool))?;
        tx.commit().await?;
        tracing::info!(pool.id = %ctx.pool.id, user.sub = %user.sub, attribute = %req.attribute_name, "attribute verified");
        Ok(())
    }
}

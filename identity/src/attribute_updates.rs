//! Changing a user's attributes after creation: UpdateUserAttributes and
//! DeleteUserAttributes (the user, with an access token; the client's write permissions
//! apply) and their administrative twins AdminUpdateUserAttributes and
//! AdminDeleteUserAttributes (any attribute, `*_verified` included). One path writes them all:
//! a changed email or phone number becomes unverified unless the same call verifies it, an
//! empty value removes the attribute, required attributes stay.

use std::collections::BTreeMap;

use uuid::Uuid;

use crate::attributes::{self, Writer};
use crate::error::CognitoError;
use crate::model::{CodePurpose, Pool};
use crate::service::Identity;
use crate::users::{email_key_for, map_conflict};
use crate::wire::{
    AdminDeleteUserAttributesRequest, AdminUpdateUserAttributesRequest, AttributeType,
    DeleteUserAttributesRequest, UpdateUserAttributesRequest, UpdateUserAttributesResponse,
};
use crate::{store, util};

/// A removal is a write of the empty value (as UpdateUserAttributes already treats it).
fn removals(names: &[String]) -> Vec<AttributeType> {
    names
        .iter()
        .map(|n| AttributeType::new(n, String::new()))
        .collect()
}

impl Identity {
    /// UpdateUserAttributes (access token).
    pub async fn update_user_attributes(
        &self,
        req: UpdateUserAttributesRequest,
    ) -> Result<UpdateUserAttributesResponse, CognitoError> {
        let ctx = self.verify_access_token(&req.access_token).await?;
        let changes = attributes::validate_write(
            &ctx.pool,
            &req.user_attributes,
            Writer::SelfUpdate(&ctx.client),
        )?;
        self.write_attributes(&ctx.pool, ctx.user.sub, changes)
            .await?;
        Ok(UpdateUserAttributesResponse::default())
    }

    /// DeleteUserAttributes (access token).
    pub async fn delete_user_attributes(
        &self,
        req: DeleteUserAttributesRequest,
    ) -> Result<(), CognitoError> {
        let ctx = self.verify_access_token(&req.access_token).await?;
        let changes = attributes::validate_write(
            &ctx.pool,
            &removals(&req.user_attribute_names),
            Writer::SelfUpdate(&ctx.client),
        )?;
        self.write_attributes(&ctx.pool, ctx.user.sub, changes)
            .await
    }

    /// AdminUpdateUserAttributes.
    pub async fn admin_update_user_attributes(
        &self,
        req: AdminUpdateUserAttributesRequest,
    ) -> Result<(), CognitoError> {
        let pool = self.load_pool(&req.user_pool_id).await?;
        let user = self.require_user(&pool, &req.username).await?;
        let changes = attributes::validate_write(&pool, &req.user_attributes, Writer::AdminUpdate)?;
        self.write_attributes(&pool, user.sub, changes).await?;
        tracing::info!(pool.id = %pool.id, user.sub = %user.sub, "attributes updated by an administrator");
        Ok(())
    }

    /// AdminDeleteUserAttributes.
    pub async fn admin_delete_user_attributes(
        &self,
        req: AdminDeleteUserAttributesRequest,
    ) -> Result<(), CognitoError> {
        let pool = self.load_pool(&req.user_pool_id).await?;
        let user = self.require_user(&pool, &req.username).await?;
        let changes = attributes::validate_write(
            &pool,
            &removals(&req.user_attribute_names),
            Writer::AdminUpdate,
        )?;
        self.write_attributes(&pool, user.sub, changes).await
    }

    /// Applies validated changes to the user's attributes, under the row lock.
    async fn write_attributes(
        &self,
        pool: &Pool,
        sub: Uuid,
        changes: BTreeMap<String, String>,
    ) -> Result<(), CognitoError> {
        let mut tx = self.db().begin().await?;
        let user = store::users::lock_user(&mut tx, sub)
            .await?
            .ok_or_else(CognitoError::user_not_found)?;
        let mut attrs = user.attributes.clone();
        for (name, value) in &changes {
            let changed = attrs.get(name) != Some(value);
            if value.is_empty() {
                if name == "email" && pool.email_is_username() {
                    return Err(CognitoError::invalid_parameter(
                        "Cannot remove the email of a user in a pool where the email is the username.",
                    ));
                }
                attrs.remove(name);
            } else {
                attrs.insert(name.clone(), value.clone());
            }
            let verified = match name.as_str() {
                "email" => "email_verified",
                "phone_number" => "phone_number_verified",
                _ => continue,
            };
            // A new address is unverified, unless this very call says it is verified; a
            // verification code sent for the old one dies with it.
            if changed && !changes.contains_key(verified) {
                attrs.insert(verified.into(), "false".into());
            }
            if changed {
                store::codes::delete_code(
                    &mut *tx,
                    user.sub,
                    CodePurpose::VerifyAttribute.as_str(),
                )
                .await?;
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
        Ok(())
    }
}

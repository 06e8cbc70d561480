//! The outbox: Gatehouse has no mail or SMS gateway, so every message Cognito would send
//! (confirmation codes, reset codes, invitations with a temporary password) is written to a
//! per-pool table that the console shows. Neither codes nor temporary passwords are ever
//! logged. Messages are kept for [`OUTBOX_RETENTION`]: each write deletes the older ones (of
//! every pool), and reads never show them.

use sqlx::PgExecutor;

use crate::error::CognitoError;
use crate::model::{DeliveryMedium, OutboxMessage, OutboxPurpose};
use crate::service::Identity;
use crate::wire::CodeDeliveryDetailsType;
use crate::{store, util};

/// How long outbox messages (live codes, temporary passwords) are kept.
pub const OUTBOX_RETENTION: time::Duration = time::Duration::hours(24);

/// Where a message goes: the attribute, the medium and the (unmasked) address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Delivery {
    pub attribute: String,
    pub medium: DeliveryMedium,
    pub destination: String,
}

impl Delivery {
    pub(crate) fn email(address: &str) -> Delivery {
        Delivery {
            attribute: "email".to_owned(),
            medium: DeliveryMedium::Email,
            destination: address.to_owned(),
        }
    }

    pub(crate) fn phone(number: &str) -> Delivery {
        Delivery {
            attribute: "phone_number".to_owned(),
            medium: DeliveryMedium::Sms,
            destination: number.to_owned(),
        }
    }

    /// `CodeDeliveryDetails` with the destination masked.
    pub(crate) fn details(&self) -> CodeDeliveryDetailsType {
        CodeDeliveryDetailsType {
            destination: Some(mask(&self.destination)),
            delivery_medium: Some(self.medium.as_str().to_owned()),
            attribute_name: Some(self.attribute.clone()),
        }
    }
}

/// Masks an address like Cognito: `alice@example.com` → `a***@e***`,
/// `+15551234567` → `+*******4567`.
pub(crate) fn mask(destination: &str) -> String {
    if let Some((local, domain)) = destination.split_once('@') {
        let first = |s: &str| s.chars().next().map(String::from).unwrap_or_default();
        format!("{}***@{}***", first(local), first(domain))
    } else {
        let chars: Vec<char> = destination.chars().collect();
        let keep = chars.len().min(4);
        let hidden = chars.len().saturating_sub(keep + 1);
        let mut out = String::new();
        if let Some(first) = chars.first() {
            out.push(*first);
        }
        out.extend(std::iter::repeat_n('*', hidden));
        out.extend(&chars[chars.len() - keep..]);
        out
    }
}

/// Writes a message to the outbox (deleting messages past [`OUTBOX_RETENTION`]) and logs that
/// it did, without the code or password.
pub(crate) async fn send(
    db: impl PgExecutor<'_>,
    pool_id: &str,
    username: &str,
    delivery: Option<&Delivery>,
    purpose: OutboxPurpose,
    code: &str,
) -> Result<(), CognitoError> {
    let now = util::now();
    store::outbox::insert_and_expire(
        db,
        pool_id,
        username,
        delivery.map(|d| d.destination.as_str()),
        delivery.map(|d| d.medium.as_str()),
        purpose.as_str(),
        code,
        now,
        now - OUTBOX_RETENTION,
    )
    .await?;
    let destination = delivery.map(|d| mask(&d.destination)).unwrap_or_default();
    if purpose == OutboxPurpose::AdminCreateUser {
        tracing::info!(pool.id = %pool_id, user.username = %username, %destination, purpose = purpose.as_str(), "invitation with a temporary password queued in the outbox");
    } else {
        tracing::info!(pool.id = %pool_id, user.username = %username, %destination, purpose = purpose.as_str(), "verification code queued in the outbox");
    }
    Ok(())
}

impl Identity {
    /// The newest `limit` (1-1000) messages of the pool's outbox, newest first.
    pub async fn list_outbox(
        &self,
        pool_id: &str,
        limit: i64,
    ) -> Result<Vec<OutboxMessage>, CognitoError> {
        let pool = self.load_pool(pool_id).await?;
        let limit = limit.clamp(1, 1000);
        Ok(
            store::outbox::list(self.db(), &pool.id, limit, util::now() - OUTBOX_RETENTION)
                .await?
                .into_iter()
                .filter_map(|r| {
                    Some(OutboxMessage {
                        id: r.id,
                        pool_id: r.pool_id,
                        username: r.username,
                        destination: r.destination,
                        delivery_medium: r.delivery_medium,
                        purpose: OutboxPurpose::parse(&r.purpose)?,
                        code: r.code,
                        created_at: r.created_at,
                    })
                })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks() {
        assert_eq!(mask("alice@example.com"), "a***@e***");
        assert_eq!(mask("+15551234567"), "+*******4567");
        assert_eq!(mask(""), "");
    }
}

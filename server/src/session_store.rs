//! tower-sessions records kept in PostgreSQL, so console sessions survive restarts and are
//! shared by every node on the same database.
//!
//! * A session is stored under the SHA-256 of its id ([`accounts::session_key`]): a copy of
//!   the table signs nobody in.
//! * Besides the inactivity expiry (`expiry_date`, moved on by use), a session ends
//!   `max_age` after it was created (sign-in), however busy it is.
//! * [`SessionStore::save`] only updates: a session that was deleted (signed out, ended by a
//!   password change, swept) stays deleted even if a request that loaded it earlier saves it
//!   afterwards. New sessions come only through [`SessionStore::create`].
//! * [`sweep`] deletes expired records periodically.

use std::time::Duration;

use sqlx::PgPool;
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};

/// How often expired sessions are swept (and once when the console starts).
const SWEEP_EVERY: Duration = Duration::from_secs(5 * 60);

#[derive(Debug, Clone)]
pub struct PgSessionStore {
    pool: PgPool,
    max_age: time::Duration,
}

impl PgSessionStore {
    /// Sessions end `max_age` after sign-in (GATEHOUSE_SESSION_MAX_HOURS).
    pub fn new(pool: PgPool, max_age: Duration) -> Self {
        PgSessionStore {
            pool,
            max_age: time::Duration::try_from(max_age).unwrap_or(time::Duration::hours(24)),
        }
    }

    /// Sessions created before this are over.
    fn born_after(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc() - self.max_age
    }
}

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

fn encode(record: &Record) -> session_store::Result<serde_json::Value> {
    serde_json::to_value(&record.data).map_err(|e| session_store::Error::Encode(e.to_string()))
}

fn key(id: &Id) -> String {
    accounts::session_key(&id.to_string())
}

#[async_trait::async_trait]
impl SessionStore for PgSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // Ids are random 128-bit values; on the astronomically unlikely clash, draw again.
        loop {
            let inserted = sqlx::query(
                "INSERT INTO console_sessions (id, data, expiry_date) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING",
            )
            .bind(key(&record.id))
            .bind(encode(record)?)
            .bind(record.expiry_date)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
            if inserted.rows_affected() == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        // Never an insert: see the module comment.
        sqlx::query("UPDATE console_sessions SET data = $2, expiry_date = $3 WHERE id = $1")
            .bind(key(&record.id))
            .bind(encode(record)?)
            .bind(record.expiry_date)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let row: Option<(serde_json::Value, OffsetDateTime)> = sqlx::query_as(
            "SELECT data, expiry_date FROM console_sessions \
             WHERE id = $1 AND expiry_date > now() AND created_at > $2",
        )
        .bind(key(id))
        .bind(self.born_after())
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        row.map(|(data, expiry_date)| {
            let data = serde_json::from_value(data)
                .map_err(|e| session_store::Error::Decode(e.to_string()))?;
            Ok(Record {
                id: *id,
                data,
                expiry_date,
            })
        })
        .transpose()
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        sqlx::query("DELETE FROM console_sessions WHERE id = $1")
            .bind(key(id))
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl ExpiredDeletion for PgSessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        sqlx::query("DELETE FROM console_sessions WHERE expiry_date <= now() OR created_at <= $1")
            .bind(self.born_after())
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }
}

/// Deletes expired sessions now and every [`SWEEP_EVERY`], until aborted.
pub async fn sweep(store: PgSessionStore) {
    let mut every = tokio::time::interval(SWEEP_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        if let Err(e) = store.delete_expired().await {
            tracing::warn!(error = %e, "cannot sweep expired console sessions");
        }
    }
}

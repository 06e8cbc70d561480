//! Where the data lives: the server named by DATABASE_URL, or a private embedded PostgreSQL
//! cluster in the data directory. The embedded cluster is restarted if it dies (see
//! `embedded_pg`); the pool tests each idle connection before handing it out, so it replaces
//! the dead ones by itself, and the gateway's LISTEN connection re-subscribes.

use std::time::Duration;

use embedded_pg::{EmbeddedPg, EmbeddedPgError};
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

use crate::config::Settings;

#[derive(Debug, thiserror::Error)]
pub enum DatabaseError {
    #[error(transparent)]
    Embedded(#[from] EmbeddedPgError),
    #[error("cannot connect to the database at DATABASE_URL: {0}")]
    Connect(sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

pub struct Database {
    pub pool: PgPool,
    /// Shown on the dashboard; never contains credentials.
    pub label: String,
    embedded: Option<EmbeddedPg>,
}

impl Database {
    /// Connects (starting the embedded cluster when there is no DATABASE_URL) and migrates.
    pub async fn open(settings: &Settings) -> Result<Database, DatabaseError> {
        let options = PgPoolOptions::new()
            .max_connections(10)
            // (sqlx's default, relied on: connections killed with the server are replaced.)
            .test_before_acquire(true)
            .acquire_timeout(Duration::from_secs(5));
        let db = match &settings.database_url {
            Some(url) => {
                let pool = options.connect(url).await.map_err(DatabaseError::Connect)?;
                Database {
                    pool,
                    label: "External PostgreSQL (DATABASE_URL)".to_string(),
                    embedded: None,
                }
            }
            None => {
                let mut pg_options = embedded_pg::Options::new(settings.data_dir.clone());
                pg_options.bin_dir = settings.pg_bin.clone();
                let pg = EmbeddedPg::start(pg_options).await?;
                let pool = options
                    .connect_with(pg.connect_options())
                    .await
                    .map_err(DatabaseError::Connect)?;
                let label = format!("Embedded PostgreSQL in {}", settings.data_dir.display());
                Database {
                    pool,
                    label,
                    embedded: Some(pg),
                }
            }
        };
        crate::MIGRATOR.run(&db.pool).await?;
        Ok(db)
    }

    /// Closes the pool, then stops the embedded cluster if we started one.
    pub async fn close(self) {
        self.pool.close().await;
        if let Some(pg) = self.embedded
            && let Err(e) = pg.stop().await
        {
            tracing::warn!(error = %e, "embedded PostgreSQL did not stop cleanly");
        }
    }
}

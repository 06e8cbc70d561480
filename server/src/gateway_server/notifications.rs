//! A trigger on `api_stages` notifies [`CHANNEL`] on every change (migration
//! `20261126000005_stage_notify`); each node LISTENs and wakes its reload loop.

use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::PgListener;
use tokio::sync::mpsc;

/// The channel the `api_stages` trigger notifies.
const CHANNEL: &str = "gatehouse_stages";
/// Re-establishing a lost listener backs off from the first to the second, doubling.
const LISTEN_BACKOFF: (Duration, Duration) = (Duration::from_millis(250), Duration::from_secs(30));

/// LISTENs on [`CHANNEL`] and wakes the watcher on each notification (draining those already
/// buffered first, so a burst costs one reload). A lost connection is re-established with
/// backoff, and every new subscription wakes the watcher once, since notifications sent while
/// nobody listened are gone.
pub(super) async fn listen(pool: PgPool, wake: mpsc::Sender<&'static str>) {
    let mut backoff = LISTEN_BACKOFF.0;
    loop {
        match subscribe(&pool).await {
            Ok(mut listener) => {
                backoff = LISTEN_BACKOFF.0;
                let _ = wake.try_send("subscribed");
                loop {
                    match listener.try_recv().await {
                        Ok(Some(_)) => {
                            while listener.next_buffered().is_some() {}
                            if wake.is_closed() {
                                return;
                            }
                            let _ = wake.try_send("notified");
                        }
                        Ok(None) => {
                            tracing::warn!(
                                "gateway: lost the connection listening for deployments; re-subscribing"
                            );
                            break;
                        }
                        Err(sqlx::Error::PoolClosed) => return,
                        Err(e) => {
                            tracing::warn!(error = %e, "gateway: listening for deployments failed; re-subscribing");
                            break;
                        }
                    }
                }
            }
            Err(sqlx::Error::PoolClosed) => return,
            Err(e) => {
                tracing::warn!(
                    error = %e,
                    retry_in_ms = backoff.as_millis() as u64,
                    "gateway: cannot listen for deployments; relying on the periodic reload until it can"
                );
            }
        }
        if wake.is_closed() {
            return;
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(LISTEN_BACKOFF.1);
    }
}

async fn subscribe(pool: &PgPool) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

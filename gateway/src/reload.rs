//! Read-your-writes for deployments: a writer that changed the stages (a deploy, a stage update
//! or rollback, a stage deleted) asks this node's gateway to reload and waits until it serves a
//! snapshot read after the change. Other nodes still learn of it through the database's
//! notification.
//!
//! Two counters: writers bump `requested` after their change committed, the reloader reads it
//! *before* it reads the database and publishes it as `served` once that snapshot is swapped in.
//! A snapshot served with `served >= n` was therefore read after request `n` was made.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

/// Shared by the writers (console, management API) and the node's reloader; cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct ReloadHandle {
    shared: Arc<Shared>,
}

#[derive(Debug, Default)]
struct Shared {
    requested: watch::Sender<u64>,
    served: watch::Sender<u64>,
}

/// What [`ReloadHandle::reload_and_wait`] saw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reloaded {
    /// The gateway serves a snapshot read after the call.
    Served,
    /// No gateway runs in this process (nothing to wait for).
    NoGateway,
    /// The gateway did not reload within the time given.
    TimedOut,
}

impl ReloadHandle {
    /// Asks the gateway to reload and waits, at most `within`, until it serves a snapshot read
    /// after this call. Call it once the change has committed.
    pub async fn reload_and_wait(&self, within: Duration) -> Reloaded {
        if self.shared.requested.receiver_count() == 0 {
            return Reloaded::NoGateway;
        }
        let mut ticket = 0;
        self.shared.requested.send_modify(|n| {
            *n += 1;
            ticket = *n;
        });
        let mut served = self.shared.served.subscribe();
        match tokio::time::timeout(within, served.wait_for(|s| *s >= ticket)).await {
            Ok(Ok(_)) => Reloaded::Served,
            _ => Reloaded::TimedOut,
        }
    }

    /// The reloader's end. While one exists, writers wait for it.
    pub fn requests(&self) -> ReloadRequests {
        ReloadRequests {
            asked: self.shared.requested.subscribe(),
            shared: Arc::clone(&self.shared),
        }
    }
}

/// Held by the task that reloads the gateway's snapshot.
#[derive(Debug)]
pub struct ReloadRequests {
    asked: watch::Receiver<u64>,
    shared: Arc<Shared>,
}

impl ReloadRequests {
    /// Resolves when a writer asks for a reload not yet begun. Cancel safe.
    pub async fn asked(&mut self) {
        if self.asked.changed().await.is_err() {
            // Cannot happen (we share the sender); never resolve rather than spin.
            std::future::pending::<()>().await;
        }
    }

    /// Call right before reading the database; hand the result to [`served`](Self::served)
    /// once the snapshot read is served.
    pub fn begin(&mut self) -> u64 {
        *self.asked.borrow_and_update()
    }

    /// The snapshot whose reload began with `ticket` is now served (or was already current).
    pub fn served(&self, ticket: u64) {
        self.shared.served.send_if_modified(|s| {
            let newer = ticket > *s;
            if newer {
                *s = ticket;
            }
            newer
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn without_a_reloader_nobody_waits() {
        let handle = ReloadHandle::default();
        assert_eq!(
            handle.reload_and_wait(Duration::from_secs(60)).await,
            Reloaded::NoGateway
        );
    }

    #[tokio::test]
    async fn a_writer_waits_for_a_reload_begun_after_its_request() {
        let handle = ReloadHandle::default();
        let mut requests = handle.requests();
        // A reload that began before the request does not count.
        let early = requests.begin();
        let writer = tokio::spawn({
            let handle = handle.clone();
            async move { handle.reload_and_wait(Duration::from_secs(60)).await }
        });
        requests.asked().await;
        requests.served(early);
        assert!(!writer.is_finished());
        let ticket = requests.begin();
        requests.served(ticket);
        assert_eq!(writer.await.expect("joined"), Reloaded::Served);
    }

    #[tokio::test]
    async fn a_reloader_that_never_reloads_times_out() {
        let handle = ReloadHandle::default();
        let _requests = handle.requests();
        assert_eq!(
            handle.reload_and_wait(Duration::from_millis(1)).await,
            Reloaded::TimedOut
        );
    }
}

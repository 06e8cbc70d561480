//! Keeps the runtime's snapshot in step with the database. All stages are compiled into one
//! snapshot, loaded on start; a reload runs when [`super::notifications`] wakes the watcher
//! (a stage changed, on any node), when a writer in this process asks through a
//! [`gateway::ReloadHandle`] (its deploy answers once the new snapshot is served), and every
//! [`FULL_RELOAD_EVERY`] as the safety net for a missed notification. A reload whose
//! fingerprint says nothing changed is skipped.

use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::PgPool;
use tokio::sync::mpsc;

/// The safety net: a full reload check this often, notified or not.
const FULL_RELOAD_EVERY: Duration = Duration::from_secs(30);

/// Aborts a spawned task when dropped (the listener dies with the watcher).
pub(super) struct AbortOnDrop(pub(super) tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The snapshot to start with, and the fingerprint it was read at.
pub(super) async fn initial(pool: &PgPool) -> (gateway::Gateway, Option<String>) {
    // Taken before loading: a change made meanwhile shows as a new fingerprint later.
    let seen = apis::store::deployed_stages_fingerprint(pool).await.ok();
    let initial = load(pool).await.unwrap_or_else(|e| {
        tracing::error!(error = %e, "gateway: could not load the deployed stages; serving none until the next reload");
        gateway::Gateway::compile(Vec::new())
    });
    (initial, seen)
}

/// Every stage's current deployment, compiled.
async fn load(pool: &PgPool) -> Result<gateway::Gateway, apis::ApisError> {
    let inputs: Vec<_> = apis::store::deployed_stages(pool)
        .await?
        .into_iter()
        .map(|deployed| gateway::StageInput {
            rest_api_id: deployed.api_id,
            stage_name: deployed.stage.stage_name,
            variables: deployed.stage.variables,
            snapshot: deployed.snapshot,
        })
        .collect();
    let compiled = gateway::Gateway::compile(inputs);
    for problem in compiled.errors() {
        tracing::warn!("gateway: {problem}");
    }
    Ok(compiled)
}

/// Reloads when the notifications listener wakes it (a notification, or a fresh subscription
/// that may have missed some), when a writer in this process asks through `requests`, and
/// every [`FULL_RELOAD_EVERY`] regardless.
pub(super) async fn watch(
    pool: PgPool,
    runtime: Arc<gateway::Runtime>,
    recent: Arc<gateway::RecentRequests>,
    mut seen: Option<String>,
    mut requests: gateway::ReloadRequests,
) {
    // Capacity 1 and `try_send`: a burst of wake-ups while a reload runs coalesces into one.
    let (wake, mut woken) = mpsc::channel(1);
    let _listener = AbortOnDrop(tokio::spawn(super::notifications::listen(
        pool.clone(),
        wake,
    )));
    let mut full = tokio::time::interval(FULL_RELOAD_EVERY);
    full.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    full.tick().await; // the first tick is immediate; the initial load is already done
    loop {
        let reason = tokio::select! {
            w = woken.recv() => match w {
                Some(reason) => reason,
                None => return,
            },
            () = requests.asked() => "deployed here",
            _ = full.tick() => "periodic",
        };
        // Read before the database: this reload serves every request made until now.
        let ticket = requests.begin();
        if reload(&pool, &runtime, &recent, &mut seen, reason).await {
            requests.served(ticket);
        }
    }
}

/// Reloads every stage unless the fingerprint says nothing changed since `seen`. Whether the
/// snapshot served now matches the database as read.
async fn reload(
    pool: &PgPool,
    runtime: &gateway::Runtime,
    recent: &gateway::RecentRequests,
    seen: &mut Option<String>,
    reason: &'static str,
) -> bool {
    let now = match apis::store::deployed_stages_fingerprint(pool).await {
        Ok(f) => Some(f),
        Err(e) => {
            // Reload anyway: better a needless reload than a stale snapshot.
            tracing::warn!(error = %e, "gateway: cannot fingerprint the deployed stages");
            None
        }
    };
    if now.is_some() && now == *seen {
        return true;
    }
    let started = Instant::now();
    match load(pool).await {
        Ok(compiled) => {
            let stages = compiled.len();
            // A deleted stage's requests go with it (a stage made again later starts empty).
            recent.retain(|api, stage| compiled.stage(api, stage).is_some());
            runtime.swap(compiled);
            tracing::info!(
                reason,
                stages,
                elapsed_ms = started.elapsed().as_millis() as u64,
                "gateway: deployed stages reloaded"
            );
            *seen = now;
            true
        }
        Err(e) => {
            tracing::warn!(error = %e, reason, "gateway: reload failed; keeping the current snapshot");
            false
        }
    }
}

//! Restarting the postmaster when it dies under us (killed, out of memory, a crash PostgreSQL
//! could not recover from by itself): with back-off, so a server that cannot start is retried
//! at a slowing pace instead of in a busy loop. PostgreSQL's own crash recovery replays the WAL
//! on each start; the data directory lock stays held throughout.

use std::time::Duration;

use tokio::sync::watch;

use crate::EmbeddedPgError;

/// The first restart waits this long...
pub(crate) const FIRST_RESTART_AFTER: Duration = Duration::from_millis(500);
/// ...each following one twice as long, up to this...
pub(crate) const LONGEST_RESTART_PAUSE: Duration = Duration::from_secs(30);
/// ...until a server runs this long, which counts as healthy and starts over.
pub(crate) const HEALTHY_AFTER: Duration = Duration::from_secs(60);

/// The pauses between restarts: doubling from the first to the longest, reset by a long run.
#[derive(Debug)]
pub(crate) struct Backoff {
    next: Duration,
}

impl Backoff {
    pub(crate) fn new() -> Backoff {
        Backoff {
            next: FIRST_RESTART_AFTER,
        }
    }

    /// The pause before the next start, after a server that ran for `ran_for` (zero for a
    /// start that failed).
    pub(crate) fn after_exit(&mut self, ran_for: Duration) -> Duration {
        if ran_for >= HEALTHY_AFTER {
            self.next = FIRST_RESTART_AFTER;
        }
        let pause = self.next;
        self.next = (self.next * 2).min(LONGEST_RESTART_PAUSE);
        pause
    }
}

/// What the supervisor drives: the real cluster, or a fake in tests (with its own clock).
pub(crate) trait Supervised: Send {
    /// Resolves when the running server exits, with how long it had run.
    fn exited(&mut self) -> impl Future<Output = Duration> + Send;
    /// Waits `pause` before a restart.
    fn pause(&mut self, pause: Duration) -> impl Future<Output = ()> + Send;
    /// Starts the server again and waits until it accepts connections.
    fn restart(&mut self) -> impl Future<Output = Result<(), EmbeddedPgError>> + Send;
}

/// Restarts `server` whenever it exits, until `stop` turns true (or its sender is dropped).
/// A restart under way is finished first: it is bounded by the start timeout.
pub(crate) async fn supervise(server: &mut impl Supervised, mut stop: watch::Receiver<bool>) {
    let mut backoff = Backoff::new();
    loop {
        let ran_for = tokio::select! {
            ran_for = server.exited() => ran_for,
            _ = stop.wait_for(|stop| *stop) => return,
        };
        if *stop.borrow() {
            return; // the exit we were asked for
        }
        let mut pause = backoff.after_exit(ran_for);
        tracing::error!(
            ran_for_s = ran_for.as_secs(),
            restart_in_ms = pause.as_millis() as u64,
            "PostgreSQL exited unexpectedly; restarting it"
        );
        loop {
            tokio::select! {
                () = server.pause(pause) => {}
                _ = stop.wait_for(|stop| *stop) => return,
            }
            match server.restart().await {
                Ok(()) => break,
                Err(e) => {
                    pause = backoff.after_exit(Duration::ZERO);
                    tracing::error!(
                        error = %e,
                        restart_in_ms = pause.as_millis() as u64,
                        "PostgreSQL did not restart; trying again"
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;

    use super::*;

    /// A server that crashes as scripted, on a clock that only the test moves.
    struct Fake {
        /// How long each start runs before it exits.
        runs: VecDeque<Duration>,
        /// Whether each restart succeeds.
        restarts: VecDeque<bool>,
        pauses: Vec<Duration>,
        stop: watch::Sender<bool>,
    }

    impl Supervised for Fake {
        async fn exited(&mut self) -> Duration {
            match self.runs.pop_front() {
                Some(ran) => ran,
                None => {
                    // Script done: ask the supervisor to stop and stay up until it does.
                    let _ = self.stop.send(true);
                    std::future::pending().await
                }
            }
        }

        async fn pause(&mut self, pause: Duration) {
            self.pauses.push(pause);
        }

        async fn restart(&mut self) -> Result<(), EmbeddedPgError> {
            if self.restarts.pop_front().unwrap_or(true) {
                Ok(())
            } else {
                Err(EmbeddedPgError::StopFailed { pid: 0 })
            }
        }
    }

    async fn pauses(runs: &[Duration], restarts: &[bool]) -> Vec<Duration> {
        let (stop, stopped) = watch::channel(false);
        let mut fake = Fake {
            runs: runs.iter().copied().collect(),
            restarts: restarts.iter().copied().collect(),
            pauses: Vec::new(),
            stop,
        };
        supervise(&mut fake, stopped).await;
        fake.pauses
    }

    fn ms(ms: u64) -> Duration {
        Duration::from_millis(ms)
    }

    #[tokio::test]
    async fn a_crash_loop_backs_off_doubling_to_the_cap_and_never_spins() {
        let got = pauses(&[Duration::ZERO; 10], &[]).await;
        let want = [
            500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000, 30_000,
        ]
        .map(ms);
        assert_eq!(got, want);
    }

    #[tokio::test]
    async fn failed_restarts_back_off_too() {
        // One crash, then three starts that fail, then one that works.
        let got = pauses(&[Duration::ZERO], &[false, false, false, true]).await;
        assert_eq!(got, [ms(500), ms(1_000), ms(2_000), ms(4_000)]);
    }

    #[tokio::test]
    async fn a_long_healthy_run_starts_the_back_off_over() {
        let got = pauses(
            &[
                Duration::ZERO,
                Duration::ZERO,
                HEALTHY_AFTER,
                Duration::ZERO,
            ],
            &[],
        )
        .await;
        assert_eq!(got, [ms(500), ms(1_000), ms(500), ms(1_000)]);
    }

    #[tokio::test]
    async fn an_exit_after_stop_is_not_restarted() {
        let (stop, stopped) = watch::channel(true);
        let mut fake = Fake {
            runs: [Duration::ZERO].into(),
            restarts: VecDeque::new(),
            pauses: Vec::new(),
            stop,
        };
        supervise(&mut fake, stopped).await;
        assert!(fake.pauses.is_empty());
    }
}

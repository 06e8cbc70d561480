//! Running the postmaster as a child process, and cleaning up after crashed predecessors.

use std::fmt;
use std::io;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, ExitStatus};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{Id, WaitPidFlag, waitid};
use nix::unistd::Pid;
use tokio::sync::{oneshot, watch};

/// How a child process ended; `None` when the status could not be collected.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Exit(pub(crate) Option<ExitStatus>);

impl fmt::Display for Exit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(status) => write!(f, "{status}"),
            None => f.write_str("exit status unknown"),
        }
    }
}

/// A running postmaster, spawned and reaped by a dedicated thread. Clones share it.
#[derive(Debug, Clone)]
pub(crate) struct Postmaster {
    pid: Pid,
    /// Set (under the lock) by the waiter thread just before it reaps the child. Signals are
    /// only sent while holding the lock and seeing `None`; because the waiter only *reaps* after
    /// setting it, the pid cannot have been recycled for another process when we signal it.
    reaped: Arc<Mutex<Option<Exit>>>,
    exit_rx: watch::Receiver<Option<Exit>>,
}

impl Postmaster {
    /// Spawns `cmd` (with a parent-death signal of SIGINT) from a dedicated, long-lived thread.
    ///
    /// Why a thread of our own: `PR_SET_PDEATHSIG` fires when the *thread* that forked the child
    /// exits, not the process. Tokio's blocking-pool threads (and any other short-lived thread)
    /// exit when idle, which would shut PostgreSQL down under our feet. The thread spawned here
    /// forks the postmaster and then blocks waiting for it, so it lives exactly as long as the
    /// child; when the whole process dies (even by SIGKILL) the thread dies with it and the
    /// kernel sends SIGINT — a fast shutdown — to the postmaster.
    pub(crate) async fn spawn(mut cmd: Command) -> io::Result<Self> {
        set_parent_death_signal(&mut cmd);
        let (spawned_tx, spawned_rx) = oneshot::channel::<io::Result<Pid>>();
        let (exit_tx, exit_rx) = watch::channel(None);
        let reaped = Arc::new(Mutex::new(None));
        let reaped_by_thread = Arc::clone(&reaped);

        std::thread::Builder::new()
            .name("embedded-pg-postmaster".to_owned())
            .spawn(move || {
                let mut child = match cmd.spawn() {
                    Ok(child) => child,
                    Err(e) => {
                        let _ = spawned_tx.send(Err(e));
                        return;
                    }
                };
                let pid = Pid::from_raw(child.id() as i32);
                let _ = spawned_tx.send(Ok(pid));
                // Wait for the exit without reaping (WNOWAIT), so the pid stays reserved.
                while let Err(Errno::EINTR) =
                    waitid(Id::Pid(pid), WaitPidFlag::WEXITED | WaitPidFlag::WNOWAIT)
                {
                }
                let exit = {
                    let mut guard = reaped_by_thread
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner);
                    let exit = Exit(child.wait().ok());
                    *guard = Some(exit);
                    exit
                };
                let _ = exit_tx.send(Some(exit));
            })?;

        let pid = spawned_rx
            .await
            .map_err(|_| io::Error::other("the postmaster spawner thread ended unexpectedly"))??;
        Ok(Self {
            pid,
            reaped,
            exit_rx,
        })
    }

    pub(crate) fn pid(&self) -> u32 {
        self.pid.as_raw() as u32
    }

    /// How the postmaster exited, if it has.
    pub(crate) fn exit(&self) -> Option<Exit> {
        *self.exit_rx.borrow()
    }

    /// Sends `signal` unless the postmaster has already been reaped. Returns whether it was sent.
    pub(crate) fn signal(&self, signal: Signal) -> bool {
        let guard = self.reaped.lock().unwrap_or_else(PoisonError::into_inner);
        guard.is_none() && kill(self.pid, signal).is_ok()
    }

    /// Waits for the postmaster to exit.
    pub(crate) async fn exited(&self) -> Exit {
        let mut rx = self.exit_rx.clone();
        match rx.wait_for(Option::is_some).await {
            Ok(exit) => exit.unwrap_or(Exit(None)),
            // The sender is gone only after the exit was published, or if the thread panicked.
            Err(_) => self.exit().unwrap_or(Exit(None)),
        }
    }

    /// Waits up to `timeout` for the postmaster to exit.
    pub(crate) async fn wait_exit(&self, timeout: Duration) -> Option<Exit> {
        let mut rx = self.exit_rx.clone();
        match tokio::time::timeout(timeout, rx.wait_for(Option::is_some)).await {
            Ok(Ok(exit)) => *exit,
            // The sender is gone only after the exit was published, or if the thread panicked.
            Ok(Err(_)) => self.exit(),
            Err(_) => None,
        }
    }

    /// SIGINT (fast shutdown), then SIGQUIT (immediate shutdown), then SIGKILL, each followed by
    /// a wait; `None` if the process is still there after all of that.
    pub(crate) async fn shutdown(&self, fast_timeout: Duration) -> Option<Exit> {
        let steps = [
            (Signal::SIGINT, fast_timeout),
            (Signal::SIGQUIT, Duration::from_secs(10)),
            (Signal::SIGKILL, Duration::from_secs(10)),
        ];
        for (signal, timeout) in steps {
            if let Some(exit) = self.exit() {
                return Some(exit);
            }
            if signal != Signal::SIGINT {
                tracing::warn!(pid = self.pid(), %signal, "PostgreSQL did not shut down in time; escalating");
            }
            self.signal(signal);
            if let Some(exit) = self.wait_exit(timeout).await {
                return Some(exit);
            }
        }
        None
    }
}

/// Makes the kernel send SIGINT to the child when the spawning thread dies, and closes the race
/// where our process died before the `prctl` took effect.
#[allow(unsafe_code)] // `pre_exec` is unsafe; the hook only makes async-signal-safe syscalls (prctl, getppid).
fn set_parent_death_signal(cmd: &mut Command) {
    let parent = nix::unistd::getpid();
    // SAFETY: runs in the forked child before exec; it allocates nothing and only calls prctl(2)
    // and getppid(2), both async-signal-safe. std applies uid/gid changes *before* this hook,
    // which matters because changing credentials clears the parent-death signal.
    unsafe {
        cmd.pre_exec(move || {
            nix::sys::prctl::set_pdeathsig(Signal::SIGINT).map_err(io::Error::from)?;
            if nix::unistd::getppid() != parent {
                // We were orphaned before the prctl: do not start a server nobody will stop.
                return Err(io::Error::from_raw_os_error(Errno::ESRCH as i32));
            }
            Ok(())
        });
    }
}

/// Whether `pid` exists and is not a zombie.
pub(crate) fn is_alive(pid: u32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    // "pid (comm) S ...": the state follows the last ')'.
    match stat
        .rfind(')')
        .and_then(|i| stat[i + 1..].split_whitespace().next())
    {
        Some(state) => state != "Z" && state != "X",
        None => true,
    }
}

/// Whether `pid` is a PostgreSQL process working on `pgdata`: its executable name is postgres
/// (or postmaster) and its working directory is `pgdata` (PostgreSQL chdirs into its data
/// directory), falling back to the command line naming `pgdata` when the cwd is unreadable.
pub(crate) fn is_postgres_on(pid: u32, pgdata: &Path) -> bool {
    let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
    let comm = comm.trim();
    if comm != "postgres" && comm != "postmaster" {
        return false;
    }
    match std::fs::read_link(format!("/proc/{pid}/cwd")) {
        Ok(cwd) => cwd == pgdata,
        Err(_) => std::fs::read(format!("/proc/{pid}/cmdline"))
            .map(|cmdline| {
                cmdline
                    .split(|b| *b == 0)
                    .any(|arg| arg == pgdata.as_os_str().as_encoded_bytes())
            })
            .unwrap_or(false),
    }
}

/// Live PostgreSQL processes working on `pgdata` (postmaster and backends).
fn postgres_processes_on(pgdata: &Path) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&pid| pid != std::process::id() && is_postgres_on(pid, pgdata) && is_alive(pid))
        .collect()
}

fn wait_gone(pids: &[u32], timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if pids.iter().all(|&pid| !is_alive(pid)) {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn send(pid: u32, signal: Signal) {
    let _ = kill(Pid::from_raw(pid as i32), signal);
}

/// Stops a server left behind by a Gatehouse process that died without stopping it. Blocking.
///
/// Only called while holding the data directory lock, so any postmaster running on `pgdata` is
/// an orphan. A live postmaster gets SIGINT (up to 10 s), then SIGQUIT, then SIGKILL. Then we
/// wait for leftover backends of a SIGKILLed postmaster: while they are attached to the old
/// shared memory, a new postmaster refuses to start.
pub(crate) fn stop_orphans(pgdata: &Path) -> Result<(), crate::error::EmbeddedPgError> {
    let pid_file = pgdata.join("postmaster.pid");
    let recorded = std::fs::read_to_string(&pid_file)
        .ok()
        .and_then(|text| text.lines().next()?.trim().parse::<u32>().ok())
        .filter(|&pid| pid > 0);

    if let Some(pid) = recorded {
        if is_alive(pid) && is_postgres_on(pid, pgdata) {
            tracing::warn!(
                pid,
                pgdata = %pgdata.display(),
                "found a PostgreSQL server left running by an earlier Gatehouse process; shutting it down"
            );
            let steps = [
                (Signal::SIGINT, Duration::from_secs(10)),
                (Signal::SIGQUIT, Duration::from_secs(5)),
                (Signal::SIGKILL, Duration::from_secs(5)),
            ];
            let mut gone = false;
            for (signal, timeout) in steps {
                send(pid, signal);
                if wait_gone(&[pid], timeout) {
                    gone = true;
                    break;
                }
            }
            if !gone {
                return Err(crate::error::EmbeddedPgError::OrphanStillRunning {
                    pid,
                    pgdata: pgdata.to_path_buf(),
                });
            }
        } else {
            tracing::debug!(
                pid,
                "postmaster.pid is stale; PostgreSQL will recover on start"
            );
        }
    }

    let leftovers = postgres_processes_on(pgdata);
    if !leftovers.is_empty() {
        tracing::info!(
            count = leftovers.len(),
            "waiting for leftover PostgreSQL processes of the previous server to exit"
        );
        if !wait_gone(&leftovers, Duration::from_secs(5)) {
            for &pid in &leftovers {
                send(pid, Signal::SIGKILL);
            }
            if !wait_gone(&leftovers, Duration::from_secs(5)) {
                let pid = leftovers
                    .iter()
                    .copied()
                    .find(|&p| is_alive(p))
                    .unwrap_or(leftovers[0]);
                return Err(crate::error::EmbeddedPgError::OrphanStillRunning {
                    pid,
                    pgdata: pgdata.to_path_buf(),
                });
            }
        }
    }
    Ok(())
}

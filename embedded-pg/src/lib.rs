//! Runs a private PostgreSQL cluster inside an application's data directory, using the
//! PostgreSQL server binaries installed on the machine.
//!
//! Layout inside the data directory:
//!
//! | path            | what                                                          |
//! |-----------------|---------------------------------------------------------------|
//! | `pg/`           | the cluster (`PGDATA`)                                        |
//! | `pg-socket/`    | the server's Unix socket directory (mode 0700)                |
//! | `postgres.log`  | initdb and server output, appended                            |
//! | `gatehouse.lock`| `flock`ed while an [`EmbeddedPg`] runs; holds that process's pid |
//!
//! The server listens only on the Unix socket (no TCP) and uses `trust` authentication, which is
//! safe because only the server's OS user (and root) can enter the socket directory.
//!
//! When the application runs as root, PostgreSQL (which refuses to run as root) runs as the
//! `postgres` OS user if it exists, else as `nobody`.
//!
//! The server is supervised: if the postmaster exits while the [`EmbeddedPg`] runs (killed, or
//! crashed beyond PostgreSQL's own recovery), it is started again with back-off and recovers
//! from its WAL as after a power loss; connection pools reconnect to it on their own.
//!
//! ```no_run
//! # async fn demo() -> Result<(), embedded_pg::EmbeddedPgError> {
//! let pg = embedded_pg::EmbeddedPg::start(embedded_pg::Options::new("/var/lib/gatehouse")).await?;
//! let pool = sqlx::PgPool::connect_with(pg.connect_options()).await.expect("connect");
//! // ... use the pool ...
//! pool.close().await;
//! pg.stop().await?;
//! # Ok(()) }
//! ```

mod bin_dir;
mod error;
mod lock;
mod process;
mod supervise;

use std::fs::{self, File, OpenOptions};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;
use nix::unistd::{Gid, Uid, User};
use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgSslMode};
use tokio::sync::watch;

pub use bin_dir::find_bin_dir;
#[doc(hidden)]
pub use bin_dir::find_bin_dir_in;
pub use error::EmbeddedPgError;

use lock::DataDirLock;
use process::Postmaster;

/// The cluster's superuser (created by initdb; no password, `trust` over the private socket).
const SUPERUSER: &str = "gatehouse";
/// Only names the socket file (`.s.PGSQL.5432`); there is no TCP listener.
const PORT: u16 = 5432;
const SOCKET_FILE: &str = ".s.PGSQL.5432";
/// `sun_path` is 104 bytes on the BSDs and macOS, 108 on Linux; stay portable.
const SOCKET_PATH_LIMIT: usize = 104;
const READY_TIMEOUT: Duration = Duration::from_secs(30);
const READY_POLL: Duration = Duration::from_millis(100);
const STOP_TIMEOUT: Duration = Duration::from_secs(30);
const LOG_TAIL_LINES: usize = 20;

/// What [`EmbeddedPg::start`] runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// The application's data directory; created if missing. The cluster lives in `pg/` inside it.
    pub data_dir: PathBuf,
    /// Directory holding `initdb` and `postgres`; searched for with [`find_bin_dir`] (which also
    /// tries this one first).
    pub bin_dir: Option<PathBuf>,
    /// The database to create (once) and connect to; `"gatehouse"` by default.
    pub database: String,
    /// Pass `--no-sync` to initdb: faster, but a power loss during the first start can corrupt
    /// the new cluster. For tests. Default `false`.
    pub fast_init: bool,
}

impl Options {
    /// Options for `data_dir` with the defaults: binaries searched for, database `gatehouse`.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            bin_dir: None,
            database: "gatehouse".to_owned(),
            fast_init: false,
        }
    }
}

/// A running embedded PostgreSQL server, restarted if it exits on its own.
///
/// Call [`stop`](Self::stop) to shut it down. Dropping it without `stop` sends the server
/// SIGINT (fast shutdown) without waiting, and releases the data directory lock.
#[derive(Debug)]
pub struct EmbeddedPg {
    layout: Layout,
    database: String,
    /// The current postmaster; the supervisor puts a new one here after a restart.
    postmaster: Arc<Mutex<Postmaster>>,
    supervisor: Option<Supervisor>,
    lock: Option<DataDirLock>,
    stopped: bool,
}

/// The task restarting the server, and how to tell it to stop.
#[derive(Debug)]
struct Supervisor {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl EmbeddedPg {
    /// Takes the data dir's lock, initialises the cluster on first run, recovers from a previous
    /// crash, starts postgres and waits until it accepts connections; then creates
    /// [`Options::database`] if it does not exist yet.
    pub async fn start(opts: Options) -> Result<EmbeddedPg, EmbeddedPgError> {
        // Checks that touch nothing come first.
        let bin_dir = find_bin_dir(opts.bin_dir.as_deref())?;
        let explicit_bin = opts.bin_dir.as_deref() == Some(bin_dir.as_path());
        let data_dir = std::path::absolute(&opts.data_dir)
            .map_err(|e| EmbeddedPgError::io("resolve the data directory", &opts.data_dir, e))?;
        check_socket_path(&data_dir.join(SOCKET_DIR))?;
        let run_as = RunAs::determine()?;

        fs::create_dir_all(&data_dir)
            .map_err(|e| EmbeddedPgError::io("create the data directory", &data_dir, e))?;
        let data_dir = fs::canonicalize(&data_dir)
            .map_err(|e| EmbeddedPgError::io("resolve the data directory", &data_dir, e))?;
        let layout = Layout::new(data_dir);
        check_socket_path(&layout.socket_dir)?;

        // Nothing below may touch the cluster unless we hold the lock.
        let lock = DataDirLock::acquire(&layout.lock_file, &layout.data_dir)?;

        let (bin_dir, log) = {
            let layout = layout.clone();
            let run_as = run_as.clone();
            let fast_init = opts.fast_init;
            tokio::task::spawn_blocking(move || {
                prepare(&layout, &run_as, bin_dir, explicit_bin, fast_init)
            })
            .await
            .map_err(|e| {
                EmbeddedPgError::io(
                    "prepare the data directory",
                    &opts.data_dir,
                    std::io::Error::other(e),
                )
            })??
        };

        let launch = Launch {
            bin_dir,
            layout: layout.clone(),
            run_as,
            log,
        };
        let postmaster = launch.spawn().await?;
        let mut pg = EmbeddedPg {
            layout,
            database: opts.database,
            postmaster: Arc::new(Mutex::new(postmaster)),
            supervisor: None,
            lock: Some(lock),
            stopped: false,
        };
        if let Err(e) = pg.finish_start().await {
            pg.stopped = true;
            if pg
                .current()
                .shutdown(Duration::from_secs(10))
                .await
                .is_none()
            {
                tracing::warn!(
                    pid = pg.postmaster_pid(),
                    "PostgreSQL did not stop after a failed start"
                );
            }
            return Err(e);
        }
        tracing::info!(
            pid = pg.postmaster_pid(),
            socket_dir = %pg.layout.socket_dir.display(),
            database = %pg.database,
            "PostgreSQL is ready"
        );
        pg.supervise(launch);
        Ok(pg)
    }

    /// Starts the task that restarts the server whenever it exits until [`stop`](Self::stop).
    fn supervise(&mut self, launch: Launch) {
        let (stop, stopped) = watch::channel(false);
        let mut cluster = Cluster {
            launch,
            postmaster: Arc::clone(&self.postmaster),
            admin: self.base_options().database("postgres"),
            started: Instant::now(),
            stop: stopped.clone(),
        };
        let task = tokio::spawn(async move { supervise::supervise(&mut cluster, stopped).await });
        self.supervisor = Some(Supervisor { stop, task });
    }

    /// The postmaster running now (or the one that just exited, until its restart).
    fn current(&self) -> Postmaster {
        self.postmaster
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    async fn finish_start(&self) -> Result<(), EmbeddedPgError> {
        let admin = self.base_options().database("postgres");
        let mut conn = wait_ready(&self.current(), &self.layout, &admin).await?;

        let create = async {
            let exists: Option<i32> =
                sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
                    .bind(&self.database)
                    .fetch_optional(&mut conn)
                    .await?;
            if exists.is_none() {
                tracing::info!(database = %self.database, "creating the database");
                let sql = format!("CREATE DATABASE {}", quote_ident(&self.database));
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                    .execute(&mut conn)
                    .await?;
            }
            Ok::<_, sqlx::Error>(())
        };
        let result = create.await;
        let _ = conn.close().await;
        result.map_err(|source| EmbeddedPgError::CreateDatabase {
            database: self.database.clone(),
            source,
        })
    }

    fn base_options(&self) -> PgConnectOptions {
        PgConnectOptions::new_without_pgpass()
            .socket(&self.layout.socket_dir)
            .port(PORT)
            .username(SUPERUSER)
            .ssl_mode(PgSslMode::Disable)
    }

    /// sqlx connect options for [`Options::database`]: the Unix socket, user `gatehouse`, no
    /// password, no TLS.
    pub fn connect_options(&self) -> PgConnectOptions {
        self.base_options().database(&self.database)
    }

    /// The same as a URL, e.g.
    /// `postgres://gatehouse@localhost/gatehouse?host=/var/lib/gatehouse/pg-socket&sslmode=disable`.
    pub fn connection_url(&self) -> String {
        format!(
            "postgres://{SUPERUSER}@localhost:{PORT}/{}?host={}&sslmode=disable",
            percent_encode(&self.database, false),
            percent_encode(&self.layout.socket_dir.to_string_lossy(), true),
        )
    }

    /// The postmaster's process id (a new one after a restart).
    pub fn postmaster_pid(&self) -> u32 {
        self.current().pid()
    }

    /// Whether the server is running (false from an unexpected exit until its restart).
    pub fn is_running(&self) -> bool {
        self.current().exit().is_none()
    }

    /// The data directory (absolute, symlinks resolved).
    pub fn data_dir(&self) -> &Path {
        &self.layout.data_dir
    }

    /// Fast shutdown (SIGINT to the postmaster) and wait for it to exit, escalating to SIGQUIT
    /// after 30 s and to SIGKILL 10 s later; then releases the data directory lock.
    pub async fn stop(mut self) -> Result<(), EmbeddedPgError> {
        self.stopped = true;
        // First the supervisor, so that it restarts nothing we stop (a restart under way ends
        // first; it is bounded by the start timeout).
        if let Some(supervisor) = self.supervisor.take() {
            let _ = supervisor.stop.send(true);
            let _ = supervisor.task.await;
        }
        let postmaster = self.current();
        let pid = postmaster.pid();
        tracing::info!(pid, data_dir = %self.layout.data_dir.display(), "stopping PostgreSQL");
        let exit = postmaster.shutdown(STOP_TIMEOUT).await;
        if let Some(lock) = self.lock.take() {
            lock.release();
        }
        match exit {
            Some(exit) => {
                tracing::info!(pid, %exit, "PostgreSQL stopped");
                Ok(())
            }
            None => Err(EmbeddedPgError::StopFailed { pid }),
        }
    }
}

impl Drop for EmbeddedPg {
    fn drop(&mut self) {
        if let Some(supervisor) = &self.supervisor {
            let _ = supervisor.stop.send(true);
        }
        let postmaster = self.current();
        if !self.stopped && postmaster.signal(Signal::SIGINT) {
            tracing::info!(
                pid = postmaster.pid(),
                "EmbeddedPg dropped without stop(); asked PostgreSQL to shut down"
            );
        }
    }
}

/// Everything needed to start the server (again).
#[derive(Debug)]
struct Launch {
    bin_dir: PathBuf,
    layout: Layout,
    run_as: RunAs,
    log: File,
}

impl Launch {
    async fn spawn(&self) -> Result<Postmaster, EmbeddedPgError> {
        let postgres = self.bin_dir.join("postgres");
        let mut cmd = Command::new(&postgres);
        cmd.arg("-D")
            .arg(&self.layout.pgdata)
            .arg("-k")
            .arg(&self.layout.socket_dir)
            .arg("-p")
            .arg(PORT.to_string())
            .args(["-c", "listen_addresses="])
            // Own process group: a terminal's Ctrl-C reaches only the application, which then
            // stops the server in order.
            .process_group(0);
        self.run_as.configure(&mut cmd, &self.layout, &self.log)?;
        let postmaster = Postmaster::spawn(cmd)
            .await
            .map_err(|e| EmbeddedPgError::io("start PostgreSQL", &postgres, e))?;
        tracing::info!(
            pid = postmaster.pid(),
            data_dir = %self.layout.data_dir.display(),
            bin_dir = %self.bin_dir.display(),
            user = %self.run_as.name,
            "started PostgreSQL; waiting for it to accept connections"
        );
        Ok(postmaster)
    }
}

/// Waits until `postmaster` accepts connections (as `admin`), up to [`READY_TIMEOUT`].
async fn wait_ready(
    postmaster: &Postmaster,
    layout: &Layout,
    admin: &PgConnectOptions,
) -> Result<PgConnection, EmbeddedPgError> {
    let started = Instant::now();
    loop {
        if let Some(exit) = postmaster.exit() {
            return Err(EmbeddedPgError::ServerExited {
                status: exit.to_string(),
                log: layout.log_file.clone(),
                log_tail: error::log_tail(&layout.log_file, LOG_TAIL_LINES),
            });
        }
        let last_error =
            match tokio::time::timeout(Duration::from_secs(5), PgConnection::connect_with(admin))
                .await
            {
                Ok(Ok(conn)) => return Ok(conn),
                Ok(Err(e)) => e.to_string(),
                Err(_) => "connection attempt timed out".to_owned(),
            };
        if started.elapsed() >= READY_TIMEOUT {
            return Err(EmbeddedPgError::StartTimeout {
                waited: started.elapsed(),
                last_error,
                log: layout.log_file.clone(),
                log_tail: error::log_tail(&layout.log_file, LOG_TAIL_LINES),
            });
        }
        // Wakes early if the server exits.
        let _ = postmaster.wait_exit(READY_POLL).await;
    }
}

/// The real server, as the supervisor drives it.
struct Cluster {
    launch: Launch,
    postmaster: Arc<Mutex<Postmaster>>,
    admin: PgConnectOptions,
    /// When the current postmaster was started.
    started: Instant,
    stop: watch::Receiver<bool>,
}

impl Cluster {
    fn current(&self) -> Postmaster {
        self.postmaster
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl supervise::Supervised for Cluster {
    async fn exited(&mut self) -> Duration {
        let postmaster = self.current();
        let exit = postmaster.exited().await;
        tracing::warn!(pid = postmaster.pid(), %exit, "the PostgreSQL postmaster exited");
        self.started.elapsed()
    }

    async fn pause(&mut self, pause: Duration) {
        tokio::time::sleep(pause).await;
    }

    async fn restart(&mut self) -> Result<(), EmbeddedPgError> {
        // The dead postmaster's backends keep its shared memory until they exit, and a new
        // postmaster refuses to start beside them: wait for them (or kill them).
        let pgdata = self.launch.layout.pgdata.clone();
        tokio::task::spawn_blocking(move || process::stop_orphans(&pgdata))
            .await
            .map_err(|e| {
                EmbeddedPgError::io(
                    "stop the dead server's processes in",
                    &self.launch.layout.pgdata,
                    std::io::Error::other(e),
                )
            })??;
        let postmaster = self.launch.spawn().await?;
        let ready = wait_ready(&postmaster, &self.launch.layout, &self.admin).await;
        if ready.is_err() || *self.stop.borrow() {
            // Failed, or no longer wanted: stop() is waiting for us to finish.
            let _ = postmaster.shutdown(Duration::from_secs(10)).await;
        }
        let conn = ready?;
        let _ = conn.close().await;
        if *self.stop.borrow() {
            return Ok(());
        }
        tracing::info!(
            pid = postmaster.pid(),
            "PostgreSQL restarted and accepts connections"
        );
        *self
            .postmaster
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = postmaster;
        self.started = Instant::now();
        Ok(())
    }
}

const PGDATA_DIR: &str = "pg";
const STAGING_DIR: &str = "pg.initdb-partial";
const SOCKET_DIR: &str = "pg-socket";
const LOG_FILE: &str = "postgres.log";
const LOCK_FILE: &str = "gatehouse.lock";

#[derive(Debug, Clone)]
struct Layout {
    data_dir: PathBuf,
    pgdata: PathBuf,
    /// initdb writes here and it is renamed to `pg/` on success, so a crash during initdb never
    /// leaves a half-made `pg/` behind.
    staging: PathBuf,
    socket_dir: PathBuf,
    log_file: PathBuf,
    lock_file: PathBuf,
}

impl Layout {
    fn new(data_dir: PathBuf) -> Self {
        Self {
            pgdata: data_dir.join(PGDATA_DIR),
            staging: data_dir.join(STAGING_DIR),
            socket_dir: data_dir.join(SOCKET_DIR),
            log_file: data_dir.join(LOG_FILE),
            lock_file: data_dir.join(LOCK_FILE),
            data_dir,
        }
    }
}

fn check_socket_path(socket_dir: &Path) -> Result<(), EmbeddedPgError> {
    let path = socket_dir.join(SOCKET_FILE);
    let len = path.as_os_str().len();
    if len >= SOCKET_PATH_LIMIT {
        return Err(EmbeddedPgError::SocketPathTooLong {
            path,
            len,
            limit: SOCKET_PATH_LIMIT,
        });
    }
    Ok(())
}

/// The OS user initdb and postgres run as.
#[derive(Debug, Clone)]
struct RunAs {
    name: String,
    uid: Uid,
    gid: Gid,
    groups: Vec<Gid>,
    /// Whether we are root and must switch to `uid`/`gid` for the children.
    switch: bool,
}

impl RunAs {
    fn determine() -> Result<Self, EmbeddedPgError> {
        let euid = Uid::effective();
        if !euid.is_root() {
            let name = User::from_uid(euid)
                .ok()
                .flatten()
                .map(|u| u.name)
                .unwrap_or_else(|| euid.to_string());
            return Ok(Self {
                name,
                uid: euid,
                gid: Gid::effective(),
                groups: Vec::new(),
                switch: false,
            });
        }
        for name in ["postgres", "nobody"] {
            let Ok(Some(user)) = User::from_name(name) else {
                continue;
            };
            if user.uid.is_root() {
                continue;
            }
            let groups = std::ffi::CString::new(name)
                .ok()
                .and_then(|c| nix::unistd::getgrouplist(&c, user.gid).ok())
                .unwrap_or_else(|| vec![user.gid]);
            return Ok(Self {
                name: user.name,
                uid: user.uid,
                gid: user.gid,
                groups,
                switch: true,
            });
        }
        Err(EmbeddedPgError::NoUnprivilegedUser)
    }

    fn chown(&self, path: &Path) -> Result<(), EmbeddedPgError> {
        if self.switch {
            nix::unistd::chown(path, Some(self.uid), Some(self.gid)).map_err(|e| {
                EmbeddedPgError::io("change the owner of", path, std::io::Error::from(e))
            })?;
        }
        Ok(())
    }

    /// Fails unless the user can traverse every directory from `/` down to `dir`.
    fn check_traversable(&self, dir: &Path) -> Result<(), EmbeddedPgError> {
        if !self.switch {
            return Ok(());
        }
        let mut chain: Vec<&Path> = dir.ancestors().collect();
        chain.reverse();
        for d in chain {
            let meta =
                fs::metadata(d).map_err(|e| EmbeddedPgError::io("inspect directory", d, e))?;
            let bit = if meta.uid() == self.uid.as_raw() {
                0o100
            } else if self.groups.iter().any(|g| g.as_raw() == meta.gid()) {
                0o010
            } else {
                0o001
            };
            if meta.mode() & bit == 0 {
                return Err(EmbeddedPgError::DataDirNotAccessible {
                    dir: d.to_path_buf(),
                    user: self.name.clone(),
                });
            }
        }
        Ok(())
    }

    /// Common child setup: user, working directory, output to the log, no stray PG* settings.
    fn configure(
        &self,
        cmd: &mut Command,
        layout: &Layout,
        log: &File,
    ) -> Result<(), EmbeddedPgError> {
        let clone = |log: &File| {
            log.try_clone()
                .map_err(|e| EmbeddedPgError::io("duplicate the handle of", &layout.log_file, e))
        };
        cmd.stdin(Stdio::null())
            .stdout(clone(log)?)
            .stderr(clone(log)?)
            // Somewhere the user can enter (our own cwd may be e.g. /root).
            .current_dir(&layout.data_dir);
        for var in [
            "PGDATA",
            "PGPORT",
            "PGHOST",
            "PGUSER",
            "PGDATABASE",
            "PGOPTIONS",
        ] {
            cmd.env_remove(var);
        }
        if self.switch {
            // std drops supplementary groups (setgroups(0)) when switching away from root.
            cmd.uid(self.uid.as_raw()).gid(self.gid.as_raw());
        }
        Ok(())
    }
}

/// Everything between taking the lock and spawning the server. Blocking. Returns the binaries
/// directory to use and the open log file.
fn prepare(
    layout: &Layout,
    run_as: &RunAs,
    bin_dir: PathBuf,
    explicit_bin: bool,
    fast_init: bool,
) -> Result<(PathBuf, File), EmbeddedPgError> {
    run_as.check_traversable(&layout.data_dir)?;
    process::stop_orphans(&layout.pgdata)?;

    let log = OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .open(&layout.log_file)
        .map_err(|e| EmbeddedPgError::io("open the log file", &layout.log_file, e))?;
    run_as.chown(&layout.log_file)?;

    match fs::symlink_metadata(&layout.socket_dir) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => {
            fs::remove_file(&layout.socket_dir).map_err(|e| {
                EmbeddedPgError::io("remove the non-directory", &layout.socket_dir, e)
            })?;
            create_private_dir(&layout.socket_dir)?;
        }
        Err(_) => create_private_dir(&layout.socket_dir)?,
    }
    fs::set_permissions(&layout.socket_dir, fs::Permissions::from_mode(0o700))
        .map_err(|e| EmbeddedPgError::io("restrict the permissions of", &layout.socket_dir, e))?;
    run_as.chown(&layout.socket_dir)?;

    // A `pg/` without PG_VERSION is not a cluster (e.g. left by an older crash mid-initdb).
    if fs::symlink_metadata(&layout.pgdata).is_ok() && !layout.pgdata.join("PG_VERSION").exists() {
        tracing::warn!(
            pgdata = %layout.pgdata.display(),
            "the cluster directory is incomplete (no PG_VERSION); removing it and initialising again"
        );
        remove_path(&layout.pgdata)?;
    }

    let bin_dir = match_cluster_version(bin_dir, explicit_bin, &layout.pgdata)?;

    if !layout.pgdata.exists() {
        initdb(&bin_dir, layout, run_as, fast_init, &log)?;
    }
    Ok((bin_dir, log))
}

fn create_private_dir(path: &Path) -> Result<(), EmbeddedPgError> {
    fs::DirBuilder::new()
        .mode(0o700)
        .create(path)
        .map_err(|e| EmbeddedPgError::io("create directory", path, e))
}

fn remove_path(path: &Path) -> Result<(), EmbeddedPgError> {
    let result = match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(_) => Ok(()),
    };
    result.map_err(|e| EmbeddedPgError::io("remove", path, e))
}

/// An existing cluster needs binaries of its own major version: prefer
/// `/usr/lib/postgresql/<version>/bin` over what the search found, unless the caller named one.
fn match_cluster_version(
    found: PathBuf,
    explicit: bool,
    pgdata: &Path,
) -> Result<PathBuf, EmbeddedPgError> {
    let Ok(cluster_version) = fs::read_to_string(pgdata.join("PG_VERSION")) else {
        return Ok(found);
    };
    let cluster_version = cluster_version.trim().to_owned();
    let Some(binaries_version) = bin_dir::binaries_major_version(&found) else {
        // Cannot tell; PostgreSQL itself will complain clearly if they do not match.
        return Ok(found);
    };
    if binaries_version == cluster_version {
        return Ok(found);
    }
    if !explicit {
        let alternative = Path::new(bin_dir::VERSIONED_ROOT)
            .join(&cluster_version)
            .join("bin");
        if bin_dir::has_server_binaries(&alternative) {
            tracing::info!(
                bin_dir = %alternative.display(),
                "using the PostgreSQL binaries matching the existing cluster's version"
            );
            return Ok(alternative);
        }
    }
    Err(EmbeddedPgError::VersionMismatch {
        pgdata: pgdata.to_path_buf(),
        cluster_version,
        bin_dir: found,
        binaries_version,
    })
}

fn initdb(
    bin_dir: &Path,
    layout: &Layout,
    run_as: &RunAs,
    fast_init: bool,
    log: &File,
) -> Result<(), EmbeddedPgError> {
    tracing::info!(
        pgdata = %layout.pgdata.display(),
        user = %run_as.name,
        "initialising a new PostgreSQL cluster"
    );
    remove_path(&layout.staging)?;
    create_private_dir(&layout.staging)?;
    run_as.chown(&layout.staging)?;

    let initdb = bin_dir.join("initdb");
    let mut cmd = Command::new(&initdb);
    cmd.arg("-D").arg(&layout.staging).args([
        "-A",
        "trust",
        "-U",
        SUPERUSER,
        "-E",
        "UTF8",
        "--locale=C",
    ]);
    if fast_init {
        cmd.arg("--no-sync");
    }
    run_as.configure(&mut cmd, layout, log)?;
    let status = cmd
        .status()
        .map_err(|e| EmbeddedPgError::io("run", &initdb, e))?;
    if !status.success() {
        let _ = remove_path(&layout.staging);
        return Err(EmbeddedPgError::InitdbFailed {
            pgdata: layout.pgdata.clone(),
            status,
            log: layout.log_file.clone(),
            log_tail: error::log_tail(&layout.log_file, LOG_TAIL_LINES),
        });
    }
    fs::rename(&layout.staging, &layout.pgdata)
        .map_err(|e| EmbeddedPgError::io("move the new cluster into", &layout.pgdata, e))?;
    tracing::info!(pgdata = %layout.pgdata.display(), "PostgreSQL cluster initialised");
    Ok(())
}

/// `"x"` with embedded quotes doubled: a safe SQL identifier.
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Percent-encodes everything but unreserved characters (and `/` when `keep_slash`).
fn percent_encode(s: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || (keep_slash && b == b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_future_is_send() {
        // Callers spawn it on multi-threaded runtimes (e.g. from axum servers).
        fn assert_send<T: Send>(_: &T) {}
        let future = EmbeddedPg::start(Options::new("/nonexistent"));
        assert_send(&future);
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<EmbeddedPg>();
    }

    #[test]
    fn quoting() {
        assert_eq!(quote_ident("gatehouse"), "\"gatehouse\"");
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
    }

    #[test]
    fn encoding() {
        assert_eq!(percent_encode("/tmp/a b+c", true), "/tmp/a%20b%2Bc");
        assert_eq!(percent_encode("x/y", false), "x%2Fy");
    }

    #[test]
    fn socket_path_limit() {
        assert!(check_socket_path(Path::new("/var/lib/gatehouse/pg-socket")).is_ok());
        let long = PathBuf::from(format!("/{}", "d".repeat(100)));
        let err = check_socket_path(&long).expect_err("too long");
        assert!(err.to_string().contains("GATEHOUSE_DATA_DIR"), "{err}");
    }
}

//! The crate's single error type.

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitStatus;
use std::time::Duration;

/// Everything that can go wrong while starting or stopping the embedded PostgreSQL server.
///
/// Every message says what happened and, where there is one, what to do about it; messages never
/// contain secrets (the embedded cluster has no passwords).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmbeddedPgError {
    /// No directory holding both `initdb` and `postgres` was found.
    #[error(
        "the PostgreSQL server programs (initdb and postgres) were not found (looked in: {}). \
         To fix this, either install the PostgreSQL server packages (`apt-get install -y postgresql` \
         on Debian/Ubuntu), or set GATEHOUSE_PG_BIN to the directory holding initdb and postgres, \
         or set DATABASE_URL to use an existing PostgreSQL server instead of the embedded one",
        display_paths(searched)
    )]
    BinariesNotFound {
        /// The directories that were checked, in order.
        searched: Vec<PathBuf>,
    },

    /// The cluster was created by a different PostgreSQL major version than the binaries found.
    #[error(
        "the database cluster in {} was created by PostgreSQL {cluster_version}, but the PostgreSQL \
         programs in {} are version {binaries_version}; install the PostgreSQL {cluster_version} \
         server packages (or set GATEHOUSE_PG_BIN to their bin directory), or upgrade the cluster \
         with pg_upgrade",
        pgdata.display(),
        bin_dir.display()
    )]
    VersionMismatch {
        /// The cluster directory (`<data_dir>/pg`).
        pgdata: PathBuf,
        /// Major version recorded in the cluster's `PG_VERSION`.
        cluster_version: String,
        /// The binaries directory that was found.
        bin_dir: PathBuf,
        /// Major version reported by `postgres --version`.
        binaries_version: String,
    },

    /// Another process holds the data directory's lock file.
    #[error(
        "data directory {} is already in use by another Gatehouse process{}; stop it first or \
         choose another GATEHOUSE_DATA_DIR",
        dir.display(),
        match pid { Some(pid) => format!(" (pid {pid})"), None => String::new() }
    )]
    DataDirInUse {
        /// The data directory.
        dir: PathBuf,
        /// The pid recorded in the lock file, if it could be read.
        pid: Option<u32>,
    },

    /// The Unix socket path would exceed the operating system's limit.
    #[error(
        "the PostgreSQL socket path {} is {len} bytes long, but Unix socket paths must be shorter \
         than {limit} bytes; choose a shorter GATEHOUSE_DATA_DIR (for example /var/lib/gatehouse)",
        path.display()
    )]
    SocketPathTooLong {
        /// The full socket file path.
        path: PathBuf,
        /// Its length in bytes.
        len: usize,
        /// The limit it must stay below.
        limit: usize,
    },

    /// Running as root, PostgreSQL runs as `user`, who cannot reach the data directory.
    #[error(
        "PostgreSQL runs as the OS user `{user}` (it refuses to run as root), but `{user}` cannot \
         enter the directory {} on the way to the data directory; set GATEHOUSE_DATA_DIR to a \
         location that user can reach (for example under /var/lib or /tmp), or allow it in with \
         `chmod o+x {}`",
        dir.display(),
        dir.display()
    )]
    DataDirNotAccessible {
        /// The first directory the user cannot traverse.
        dir: PathBuf,
        /// The OS user PostgreSQL runs as.
        user: String,
    },

    /// Running as root, and there is no unprivileged user to run PostgreSQL as.
    #[error(
        "Gatehouse runs as root, but PostgreSQL refuses to, and neither a `postgres` nor a `nobody` \
         OS user exists to run it as; create a `postgres` user (installing the postgresql package \
         does), run Gatehouse as a non-root user, or set DATABASE_URL to use an existing server"
    )]
    NoUnprivilegedUser,

    /// A file-system or process operation failed.
    #[error("could not {action} {}: {source}", path.display())]
    Io {
        /// What was being done, e.g. "create directory".
        action: &'static str,
        /// The file or program involved.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },

    /// `initdb` exited unsuccessfully.
    #[error(
        "initdb failed to create the database cluster in {} ({status}); last lines of {}:\n{log_tail}",
        pgdata.display(),
        log.display()
    )]
    InitdbFailed {
        /// The directory initdb was creating.
        pgdata: PathBuf,
        /// initdb's exit status.
        status: ExitStatus,
        /// The log file that holds initdb's output.
        log: PathBuf,
        /// Its last lines.
        log_tail: String,
    },

    /// The server exited before it accepted connections.
    #[error(
        "PostgreSQL exited while starting up ({status}); last lines of {}:\n{log_tail}",
        log.display()
    )]
    ServerExited {
        /// How the server exited.
        status: String,
        /// The server log file.
        log: PathBuf,
        /// Its last lines.
        log_tail: String,
    },

    /// The server did not accept connections in time.
    #[error(
        "PostgreSQL did not accept connections within {} s (last connection error: {last_error}); \
         last lines of {}:\n{log_tail}",
        waited.as_secs(),
        log.display()
    )]
    StartTimeout {
        /// How long we waited.
        waited: Duration,
        /// The last connection error.
        last_error: String,
        /// The server log file.
        log: PathBuf,
        /// Its last lines.
        log_tail: String,
    },

    /// A server left running by a previous (killed) process would not go away.
    #[error(
        "a PostgreSQL process (pid {pid}) left running on {} by an earlier Gatehouse process did \
         not exit even after SIGKILL; stop it manually and try again",
        pgdata.display()
    )]
    OrphanStillRunning {
        /// The stubborn process.
        pid: u32,
        /// The cluster directory it uses.
        pgdata: PathBuf,
    },

    /// The server did not exit after SIGINT, SIGQUIT and SIGKILL.
    #[error("PostgreSQL (pid {pid}) did not exit after SIGINT, SIGQUIT and SIGKILL")]
    StopFailed {
        /// The postmaster's pid.
        pid: u32,
    },

    /// Creating the application database failed.
    #[error(
        "could not create the database {database:?} in the embedded PostgreSQL server: {source}"
    )]
    CreateDatabase {
        /// The database name from [`Options::database`](crate::Options::database).
        database: String,
        /// The underlying error.
        source: sqlx::Error,
    },
}

impl EmbeddedPgError {
    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        Self::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

fn display_paths(paths: &[PathBuf]) -> String {
    if paths.is_empty() {
        return "nowhere".to_owned();
    }
    let mut out = String::new();
    for (i, p) in paths.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{}", p.display());
    }
    out
}

/// The last `lines` lines of a log file (at most the last 64 KiB are read).
pub(crate) fn log_tail(path: &Path, lines: usize) -> String {
    use std::io::{Read, Seek, SeekFrom};
    const MAX: u64 = 64 * 1024;
    let Ok(mut file) = std::fs::File::open(path) else {
        return "(log file could not be read)".to_owned();
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    if len > MAX && file.seek(SeekFrom::Start(len - MAX)).is_err() {
        return "(log file could not be read)".to_owned();
    }
    let mut buf = Vec::new();
    if file.read_to_end(&mut buf).is_err() {
        return "(log file could not be read)".to_owned();
    }
    let text = String::from_utf8_lossy(&buf);
    let all: Vec<&str> = text.lines().collect();
    let start = all.len().saturating_sub(lines);
    let tail = all[start..].join("\n");
    if tail.trim().is_empty() {
        "(log is empty)".to_owned()
    } else {
        tail
    }
}

//! The data directory's single-instance lock (`gatehouse.lock`).

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use nix::errno::Errno;
use nix::fcntl::{Flock, FlockArg};

use crate::error::EmbeddedPgError;

/// An exclusive `flock` on the lock file, held for the life of an `EmbeddedPg`.
///
/// The descriptor is close-on-exec (std opens files that way), so the PostgreSQL children never
/// inherit it: if our process dies, the lock goes with it even when the server lingers, and the
/// next start can clean up.
#[derive(Debug)]
pub(crate) struct DataDirLock {
    file: Flock<File>,
}

impl DataDirLock {
    /// Takes the lock without blocking and records our pid in the file.
    pub(crate) fn acquire(lock_path: &Path, data_dir: &Path) -> Result<Self, EmbeddedPgError> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o644)
            .open(lock_path)
            .map_err(|e| EmbeddedPgError::io("open the lock file", lock_path, e))?;
        let mut file = match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
            Ok(locked) => locked,
            Err((mut file, Errno::EWOULDBLOCK)) => {
                let mut text = String::new();
                let pid = file
                    .read_to_string(&mut text)
                    .ok()
                    .and_then(|_| text.trim().parse::<u32>().ok());
                return Err(EmbeddedPgError::DataDirInUse {
                    dir: data_dir.to_path_buf(),
                    pid,
                });
            }
            Err((_, errno)) => {
                return Err(EmbeddedPgError::io(
                    "lock",
                    lock_path,
                    std::io::Error::from(errno),
                ));
            }
        };
        let pid = std::process::id();
        file.set_len(0)
            .and_then(|()| file.seek(SeekFrom::Start(0)))
            .and_then(|_| writeln!(&mut *file, "{pid}"))
            .and_then(|()| file.flush())
            .map_err(|e| EmbeddedPgError::io("write our pid into the lock file", lock_path, e))?;
        Ok(Self { file })
    }

    /// Clears the recorded pid and releases the lock (dropping does the same minus the clearing).
    pub(crate) fn release(self) {
        let _ = self.file.set_len(0);
        drop(self);
    }
}

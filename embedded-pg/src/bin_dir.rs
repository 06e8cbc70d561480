//! Locating the PostgreSQL server binaries (`initdb`, `postgres`).

use std::ffi::OsStr;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::error::EmbeddedPgError;

/// Where distributions install versioned PostgreSQL server binaries (Debian/Ubuntu layout).
pub(crate) const VERSIONED_ROOT: &str = "/usr/lib/postgresql";

/// Finds a directory holding both `initdb` and `postgres`.
///
/// Tries, in order:
/// 1. `explicit` (the caller passes `GATEHOUSE_PG_BIN` here); if it is set but does not hold the
///    programs, a warning is logged and the search goes on;
/// 2. `pg_config --bindir`, if `pg_config` is on `PATH`;
/// 3. the highest-numbered `/usr/lib/postgresql/<version>/bin`;
/// 4. the directory of `initdb` on `PATH` (following a symlink if `postgres` is not next to it).
///
/// Returns [`EmbeddedPgError::BinariesNotFound`], whose message explains how to fix it, if none
/// qualifies.
pub fn find_bin_dir(explicit: Option<&Path>) -> Result<PathBuf, EmbeddedPgError> {
    let path_var = std::env::var_os("PATH");
    find_bin_dir_in(explicit, path_var.as_deref(), Path::new(VERSIONED_ROOT))
}

/// [`find_bin_dir`] with the search roots injected: `path_var` stands for `$PATH` and
/// `versioned_root` for `/usr/lib/postgresql`. Exposed for tests only.
#[doc(hidden)]
pub fn find_bin_dir_in(
    explicit: Option<&Path>,
    path_var: Option<&OsStr>,
    versioned_root: &Path,
) -> Result<PathBuf, EmbeddedPgError> {
    let mut searched = Vec::new();

    if let Some(dir) = explicit {
        if has_server_binaries(dir) {
            return Ok(dir.to_path_buf());
        }
        tracing::warn!(
            dir = %dir.display(),
            "the configured PostgreSQL bin directory does not contain initdb and postgres; searching elsewhere"
        );
        searched.push(dir.to_path_buf());
    }

    let path_dirs: Vec<PathBuf> = path_var
        .map(|p| {
            std::env::split_paths(p)
                .filter(|d| d.is_absolute())
                .collect()
        })
        .unwrap_or_default();

    if let Some(dir) =
        find_on_path(&path_dirs, "pg_config").and_then(|pg_config| pg_config_bindir(&pg_config))
    {
        if has_server_binaries(&dir) {
            return Ok(dir);
        }
        searched.push(dir);
    }

    if let Some(dir) = highest_versioned_bin(versioned_root) {
        return Ok(dir);
    }
    searched.push(versioned_root.join("*/bin"));

    if let Some(initdb) = find_on_path(&path_dirs, "initdb") {
        if let Some(dir) = initdb.parent() {
            if has_server_binaries(dir) {
                return Ok(dir.to_path_buf());
            }
            searched.push(dir.to_path_buf());
        }
        if let Some(dir) = std::fs::canonicalize(&initdb)
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf))
        {
            if has_server_binaries(&dir) {
                return Ok(dir);
            }
            searched.push(dir);
        }
    } else {
        searched.push(PathBuf::from("$PATH"));
    }

    searched.dedup();
    Err(EmbeddedPgError::BinariesNotFound { searched })
}

/// A version directory under `root` (e.g. `15`, `9.6`) whose `bin/` holds the server programs;
/// the highest version wins.
pub(crate) fn highest_versioned_bin(root: &Path) -> Option<PathBuf> {
    let entries = std::fs::read_dir(root).ok()?;
    entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let version = parse_version(e.file_name().to_str()?)?;
            let bin = e.path().join("bin");
            has_server_binaries(&bin).then_some((version, bin))
        })
        .max_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, bin)| bin)
}

fn parse_version(s: &str) -> Option<Vec<u32>> {
    s.split('.').map(|part| part.parse().ok()).collect()
}

fn pg_config_bindir(pg_config: &Path) -> Option<PathBuf> {
    let out = Command::new(pg_config)
        .arg("--bindir")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let dir = String::from_utf8(out.stdout).ok()?;
    let dir = dir.trim();
    (!dir.is_empty()).then(|| PathBuf::from(dir))
}

fn find_on_path(dirs: &[PathBuf], name: &str) -> Option<PathBuf> {
    dirs.iter().map(|d| d.join(name)).find(|p| is_executable(p))
}

/// Whether `dir` holds executable `initdb` and `postgres`.
pub(crate) fn has_server_binaries(dir: &Path) -> bool {
    is_executable(&dir.join("initdb")) && is_executable(&dir.join("postgres"))
}

fn is_executable(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// The major version reported by `<bin_dir>/postgres --version`, e.g. "15" or "9.6".
pub(crate) fn binaries_major_version(bin_dir: &Path) -> Option<String> {
    let out = Command::new(bin_dir.join("postgres"))
        .arg("--version")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    // "postgres (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)"
    let text = String::from_utf8(out.stdout).ok()?;
    let version = text
        .split_whitespace()
        .find(|w| w.starts_with(|c: char| c.is_ascii_digit()))?;
    major_of(version)
}

/// "15.14" → "15", "16beta1" → "16", "9.6.24" → "9.6".
fn major_of(version: &str) -> Option<String> {
    let mut parts = version.split('.').map(|p| {
        p.chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
    });
    let first = parts.next().filter(|s| !s.is_empty())?;
    if first.parse::<u32>().ok()? < 10 {
        let second = parts.next().filter(|s| !s.is_empty())?;
        Some(format!("{first}.{second}"))
    } else {
        Some(first)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn majors() {
        assert_eq!(major_of("15.14").as_deref(), Some("15"));
        assert_eq!(major_of("16beta1").as_deref(), Some("16"));
        assert_eq!(major_of("9.6.24").as_deref(), Some("9.6"));
        assert_eq!(major_of("x"), None);
    }

    #[test]
    fn versions_order_numerically() {
        assert!(parse_version("10") > parse_version("9.6"));
        assert!(parse_version("9.6") > parse_version("9.5"));
        assert_eq!(parse_version("abc"), None);
    }
}

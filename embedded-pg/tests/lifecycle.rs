//! End-to-end tests with real initdb/postgres processes. Each test uses its own data directory
//! under /tmp, so they can run in parallel.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use embedded_pg::{EmbeddedPg, EmbeddedPgError, Options, find_bin_dir, find_bin_dir_in};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use sqlx::postgres::PgConnection;
use sqlx::{Connection, Executor};
use tempfile::TempDir;

/// A fresh tempdir under /tmp that the unprivileged `postgres` user can traverse (tempfile
/// makes it 0700, which would stop PostgreSQL when the tests run as root), and the (not yet
/// existing) data directory inside it.
fn scratch() -> (TempDir, PathBuf) {
    let tmp = tempfile::Builder::new()
        .prefix("epg-")
        .tempdir_in("/tmp")
        .expect("tempdir");
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let data = tmp.path().join("data");
    (tmp, data)
}

fn opts(data_dir: &Path) -> Options {
    Options {
        fast_init: true,
        ..Options::new(data_dir)
    }
}

async fn start(data_dir: &Path) -> EmbeddedPg {
    match EmbeddedPg::start(opts(data_dir)).await {
        Ok(pg) => pg,
        Err(e) => panic!("start failed: {e}"),
    }
}

async fn connect(pg: &EmbeddedPg) -> PgConnection {
    PgConnection::connect_with(&pg.connect_options())
        .await
        .expect("connect")
}

async fn create_row(pg: &EmbeddedPg, value: &str) {
    let mut conn = connect(pg).await;
    conn.execute("CREATE TABLE notes (body text NOT NULL)")
        .await
        .expect("create table");
    sqlx::query("INSERT INTO notes (body) VALUES ($1)")
        .bind(value)
        .execute(&mut conn)
        .await
        .expect("insert");
    conn.close().await.expect("close");
}

async fn rows(pg: &EmbeddedPg) -> Vec<String> {
    let mut conn = connect(pg).await;
    let rows: Vec<String> = sqlx::query_scalar("SELECT body FROM notes ORDER BY body")
        .fetch_all(&mut conn)
        .await
        .expect("select");
    conn.close().await.expect("close");
    rows
}

/// Exists and is not a zombie.
fn is_alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => {
            let state = stat
                .rfind(')')
                .and_then(|i| stat[i + 1..].split_whitespace().next())
                .unwrap_or("?");
            state != "Z" && state != "X"
        }
        Err(_) => false,
    }
}

fn wait_until(timeout: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    cond()
}

#[tokio::test]
async fn start_stop_restart_keeps_data() {
    let (_tmp, data) = scratch();
    let pg = start(&data).await;

    // Layout.
    assert!(data.join("pg/PG_VERSION").is_file());
    let socket_mode = std::fs::metadata(data.join("pg-socket"))
        .expect("socket dir")
        .permissions()
        .mode();
    assert_eq!(socket_mode & 0o777, 0o700);
    assert!(data.join("pg-socket/.s.PGSQL.5432").exists());
    assert!(data.join("postgres.log").is_file());
    let lock = std::fs::read_to_string(data.join("gatehouse.lock")).expect("lock file");
    assert_eq!(lock.trim(), std::process::id().to_string());
    assert!(is_alive(pg.postmaster_pid()));

    // Socket only, no TCP; the application database exists and the URL form works too.
    let mut conn = PgConnection::connect(&pg.connection_url())
        .await
        .expect("connect by URL");
    let (listen, db): (String, String) =
        sqlx::query_as("SELECT current_setting('listen_addresses'), current_database()")
            .fetch_one(&mut conn)
            .await
            .expect("query");
    assert_eq!(listen, "");
    assert_eq!(db, "gatehouse");
    conn.close().await.expect("close");

    create_row(&pg, "hello").await;
    let pid = pg.postmaster_pid();
    pg.stop().await.expect("stop");
    assert!(!is_alive(pid), "postmaster {pid} still running after stop");
    assert!(!data.join("pg/postmaster.pid").exists());

    let pg = start(&data).await;
    assert_ne!(pg.postmaster_pid(), pid);
    assert_eq!(rows(&pg).await, ["hello"]);
    pg.stop().await.expect("stop again");
}

#[tokio::test]
async fn second_start_on_same_dir_is_refused() {
    let (_tmp, data) = scratch();
    let pg = start(&data).await;
    create_row(&pg, "first").await;

    let err = EmbeddedPg::start(opts(&data))
        .await
        .expect_err("second start must fail");
    match &err {
        EmbeddedPgError::DataDirInUse { dir, pid } => {
            assert_eq!(dir, &std::fs::canonicalize(&data).expect("canonical"));
            assert_eq!(*pid, Some(std::process::id()));
        }
        other => panic!("expected DataDirInUse, got {other:?}"),
    }
    let msg = err.to_string();
    assert!(msg.contains("already in use"), "{msg}");
    assert!(
        msg.contains(&format!("pid {}", std::process::id())),
        "{msg}"
    );
    assert!(msg.contains("GATEHOUSE_DATA_DIR"), "{msg}");

    // The cluster was not touched: same postmaster, still answering.
    let pid_file = std::fs::read_to_string(data.join("pg/postmaster.pid")).expect("pid file");
    assert_eq!(
        pid_file.lines().next(),
        Some(pg.postmaster_pid().to_string().as_str())
    );
    assert!(pg.is_running());
    assert_eq!(rows(&pg).await, ["first"]);
    pg.stop().await.expect("stop");
}

/// Polls (bounded) until the handle runs a postmaster other than `dead` and `pool` answers.
async fn wait_restarted(pg: &EmbeddedPg, dead: u32, pool: &sqlx::PgPool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if pg.is_running()
            && pg.postmaster_pid() != dead
            && sqlx::query("SELECT 1").execute(pool).await.is_ok()
        {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "PostgreSQL was not restarted after its postmaster {dead} was killed"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_killed_postmaster_is_restarted_with_its_data_and_lock() {
    let (_tmp, data) = scratch();
    let pg = start(&data).await;
    create_row(&pg, "survives").await;
    // A pool opened before the crash, with an idle connection (a backend process when the
    // postmaster dies): it must reconnect by itself.
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(2)
        .acquire_timeout(Duration::from_secs(2))
        .connect_with(pg.connect_options())
        .await
        .expect("pool");
    sqlx::query("SELECT 1")
        .execute(&pool)
        .await
        .expect("select");

    // Twice: the second crash is restarted too (after a longer pause).
    for round in ["first", "second"] {
        let pid = pg.postmaster_pid();
        kill(Pid::from_raw(pid as i32), Signal::SIGKILL).expect("kill -9");
        wait_restarted(&pg, pid, &pool).await;
        assert!(!is_alive(pid), "the killed postmaster is gone");
        sqlx::query("INSERT INTO notes (body) VALUES ($1)")
            .bind(round)
            .execute(&pool)
            .await
            .expect("a write after the restart");
    }
    assert_eq!(rows(&pg).await, ["first", "second", "survives"]);

    // The data directory stayed ours throughout.
    let lock = std::fs::read_to_string(data.join("gatehouse.lock")).expect("lock file");
    assert_eq!(lock.trim(), std::process::id().to_string());
    assert!(matches!(
        EmbeddedPg::start(opts(&data)).await,
        Err(EmbeddedPgError::DataDirInUse { .. })
    ));

    pool.close().await;
    let pid = pg.postmaster_pid();
    pg.stop().await.expect("stop");
    assert!(!is_alive(pid), "postmaster {pid} still running after stop");
}

#[tokio::test]
async fn stop_right_after_a_crash_restarts_nothing() {
    let (_tmp, data) = scratch();
    let pg = start(&data).await;
    create_row(&pg, "kept").await;
    let pid = pg.postmaster_pid();
    kill(Pid::from_raw(pid as i32), Signal::SIGKILL).expect("kill -9");
    pg.stop().await.expect("stop");
    let pgdata = std::fs::canonicalize(data.join("pg")).expect("pgdata");
    assert!(
        wait_until(Duration::from_secs(10), || postgres_on(&pgdata).is_empty()),
        "PostgreSQL processes left on the data directory: {:?}",
        postgres_on(&pgdata)
    );

    // A later start recovers from the crash.
    let pg = start(&data).await;
    assert_eq!(rows(&pg).await, ["kept"]);
    pg.stop().await.expect("stop");
}

/// PostgreSQL processes whose working directory is `pgdata`.
fn postgres_on(pgdata: &Path) -> Vec<u32> {
    std::fs::read_dir("/proc")
        .expect("/proc")
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_link(format!("/proc/{pid}/cwd")).is_ok_and(|cwd| cwd == pgdata)
                && is_alive(*pid)
        })
        .collect()
}

const HOLD_ENV: &str = "EMBEDDED_PG_TEST_HOLD_DIR";

/// Not a test by itself: `server_stops_when_parent_is_killed` re-runs this test binary with
/// only this (ignored) test and `EMBEDDED_PG_TEST_HOLD_DIR` set, to get a separate process that
/// owns a server and can be killed with SIGKILL.
#[test]
#[ignore = "helper process for server_stops_when_parent_is_killed"]
fn helper_hold_server() {
    let Some(dir) = std::env::var_os(HOLD_ENV) else {
        return;
    };
    // Idle blocking-pool threads exit after 100 ms here (10 s by default), so a parent-death
    // signal tied to one of them, rather than to a long-lived thread, would fire during the
    // parent test's grace period below.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_keep_alive(Duration::from_millis(100))
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let pg = start(Path::new(&dir)).await;
        create_row(&pg, "held").await;
        println!("POSTMASTER_PID={}", pg.postmaster_pid());
        tokio::time::sleep(Duration::from_secs(120)).await;
        pg.stop().await.expect("stop");
    });
}

#[tokio::test]
async fn server_stops_when_parent_is_killed() {
    let (_tmp, data) = scratch();
    let mut helper = Command::new(std::env::current_exe().expect("current exe"))
        .args([
            "--exact",
            "helper_hold_server",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(HOLD_ENV, &data)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn helper");

    let stdout = helper.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            // libtest prints "test helper_hold_server ... " on the same line first.
            if let Some((_, pid)) = line.split_once("POSTMASTER_PID=") {
                let _ = tx.send(pid.trim().parse::<u32>().expect("pid"));
            }
        }
    });
    let pid = match rx.recv_timeout(Duration::from_secs(90)) {
        Ok(pid) => pid,
        Err(_) => {
            let _ = helper.kill();
            let _ = helper.wait();
            panic!("helper did not report a postmaster pid");
        }
    };
    assert!(is_alive(pid));
    // Longer than the helper's blocking-thread keep-alive: the server must outlive idle threads.
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(
        is_alive(pid),
        "postgres died while its parent was still alive"
    );

    kill(Pid::from_raw(helper.id() as i32), Signal::SIGKILL).expect("kill -9 helper");
    helper.wait().expect("reap helper");

    assert!(
        wait_until(Duration::from_secs(10), || !is_alive(pid)),
        "postgres (pid {pid}) kept running after its parent was killed"
    );

    let pg = start(&data).await;
    assert_eq!(rows(&pg).await, ["held"]);
    pg.stop().await.expect("stop");
}

#[tokio::test]
async fn orphaned_server_is_stopped_on_start() {
    let (_tmp, data) = scratch();
    let pg = start(&data).await;
    create_row(&pg, "orphan").await;
    pg.stop().await.expect("stop");

    // Start a postmaster on the cluster behind the crate's back, as a killed Gatehouse process
    // without a working parent-death signal would have left it.
    let bin = find_bin_dir(None).expect("binaries");
    let mut cmd = Command::new(bin.join("postgres"));
    cmd.arg("-D")
        .arg(data.join("pg"))
        .arg("-k")
        .arg(data.join("pg-socket"))
        .args(["-c", "listen_addresses="])
        .current_dir(&data)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if nix::unistd::Uid::effective().is_root() {
        use std::os::unix::process::CommandExt;
        let user = nix::unistd::User::from_name("postgres")
            .ok()
            .flatten()
            .or_else(|| nix::unistd::User::from_name("nobody").ok().flatten())
            .expect("an unprivileged user");
        cmd.uid(user.uid.as_raw()).gid(user.gid.as_raw());
    }
    let mut orphan = cmd.spawn().expect("spawn postgres");
    let orphan_pid = orphan.id();
    assert!(
        wait_until(Duration::from_secs(20), || {
            data.join("pg-socket/.s.PGSQL.5432").exists()
                && std::fs::read_to_string(data.join("pg/postmaster.pid"))
                    .is_ok_and(|s| s.lines().next() == Some(orphan_pid.to_string().as_str()))
        }),
        "manually started postgres did not come up"
    );

    let pg = start(&data).await;
    assert_ne!(pg.postmaster_pid(), orphan_pid);
    let status = orphan.try_wait().expect("try_wait");
    assert!(status.is_some(), "the orphaned postmaster was not stopped");
    assert_eq!(rows(&pg).await, ["orphan"]);
    pg.stop().await.expect("stop");
}

#[tokio::test]
async fn half_done_initdb_is_redone() {
    let (_tmp, data) = scratch();
    std::fs::create_dir_all(data.join("pg/base")).expect("mkdir");
    std::fs::write(data.join("pg/postgresql.conf"), "garbage = on\n").expect("write");
    std::fs::create_dir_all(data.join("pg.initdb-partial/global")).expect("mkdir");

    let pg = start(&data).await;
    assert!(data.join("pg/PG_VERSION").is_file());
    assert!(!data.join("pg.initdb-partial").exists());
    let conf = std::fs::read_to_string(data.join("pg/postgresql.conf")).expect("conf");
    assert!(!conf.contains("garbage"));
    create_row(&pg, "fresh").await;
    assert_eq!(rows(&pg).await, ["fresh"]);
    pg.stop().await.expect("stop");
}

#[test]
fn missing_binaries_error_says_how_to_fix_it() {
    let tmp = tempfile::tempdir_in("/tmp").expect("tempdir");
    let bogus = tmp.path().join("no-such-bin");
    let no_versions = tmp.path().join("no-versions");

    let err = find_bin_dir_in(Some(&bogus), Some(OsStr::new("")), &no_versions)
        .expect_err("nothing to find");
    assert!(
        matches!(err, EmbeddedPgError::BinariesNotFound { .. }),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(msg.contains("apt-get install -y postgresql"), "{msg}");
    assert!(msg.contains("GATEHOUSE_PG_BIN"), "{msg}");
    assert!(msg.contains("DATABASE_URL"), "{msg}");
    assert!(msg.contains(&bogus.display().to_string()), "{msg}");

    // The same search succeeds once the programs exist, preferring the explicit directory,
    // then the highest version, then PATH.
    let fake = |dir: &Path| {
        std::fs::create_dir_all(dir).expect("mkdir");
        for name in ["initdb", "postgres"] {
            std::fs::write(dir.join(name), "#!/bin/sh\n").expect("write");
            std::fs::set_permissions(dir.join(name), std::fs::Permissions::from_mode(0o755))
                .expect("chmod");
        }
    };
    let on_path = tmp.path().join("path-bin");
    fake(&on_path);
    assert_eq!(
        find_bin_dir_in(Some(&bogus), Some(on_path.as_os_str()), &no_versions).expect("via PATH"),
        on_path
    );
    let versions = tmp.path().join("versions");
    for v in ["9.6", "15", "10"] {
        fake(&versions.join(v).join("bin"));
    }
    std::fs::create_dir_all(versions.join("99/bin")).expect("empty higher version");
    assert_eq!(
        find_bin_dir_in(None, Some(on_path.as_os_str()), &versions).expect("versioned"),
        versions.join("15/bin")
    );
    let explicit = tmp.path().join("explicit");
    fake(&explicit);
    assert_eq!(
        find_bin_dir_in(Some(&explicit), Some(on_path.as_os_str()), &versions).expect("explicit"),
        explicit
    );

    // And on this machine the real search finds the real programs.
    let real = find_bin_dir(None).expect("PostgreSQL is installed on the test machine");
    assert!(real.join("initdb").is_file() && real.join("postgres").is_file());
}

#[tokio::test]
async fn too_long_socket_path_is_refused() {
    let (_tmp, data) = scratch();
    let long = data.join("x".repeat(100));
    let err = EmbeddedPg::start(opts(&long))
        .await
        .expect_err("socket path is too long");
    match &err {
        EmbeddedPgError::SocketPathTooLong { path, len, limit } => {
            assert!(path.ends_with("pg-socket/.s.PGSQL.5432"));
            assert!(len >= limit);
        }
        other => panic!("expected SocketPathTooLong, got {other:?}"),
    }
    let msg = err.to_string();
    assert!(msg.contains("shorter GATEHOUSE_DATA_DIR"), "{msg}");
    assert!(
        !long.exists(),
        "nothing should be created for a refused data dir"
    );
}

#[tokio::test]
async fn unreachable_data_dir_is_refused_when_root() {
    if !nix::unistd::Uid::effective().is_root() {
        return; // Only root switches to another user for PostgreSQL.
    }
    let tmp = tempfile::tempdir_in("/tmp").expect("tempdir");
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o700)).expect("chmod");
    let data = tmp.path().join("data");
    let err = EmbeddedPg::start(opts(&data))
        .await
        .expect_err("postgres cannot reach the data dir");
    match &err {
        EmbeddedPgError::DataDirNotAccessible { dir, .. } => assert_eq!(dir, tmp.path()),
        other => panic!("expected DataDirNotAccessible, got {other:?}"),
    }
    let msg = err.to_string();
    assert!(msg.contains(&tmp.path().display().to_string()), "{msg}");
    assert!(msg.contains("GATEHOUSE_DATA_DIR"), "{msg}");
    assert!(!data.join("pg").exists());
}

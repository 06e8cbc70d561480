//! The `gatehouse` binary itself: subcommands, and its embedded PostgreSQL lifecycle.

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::{ADMIN_PASSWORD, fresh_database};

const BIN: &str = env!("CARGO_BIN_EXE_gatehouse");

fn data_dir() -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("gatehouse-cli-")
        .tempdir_in("/tmp")
        .expect("tempdir");
    // As root, PostgreSQL runs as an unprivileged user that must be able to enter the directory.
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o711)).expect("chmod");
    dir
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// `gatehouse serve` on the embedded PostgreSQL in `dir`.
fn serve(dir: &Path, port: u16) -> Child {
    Command::new(BIN)
        .arg("serve")
        .env_remove("DATABASE_URL")
        .env("GATEHOUSE_DATA_DIR", dir)
        .env("GATEHOUSE_LISTEN", format!("127.0.0.1:{port}"))
        .env("GATEHOUSE_GATEWAY_LISTEN", "127.0.0.1:0")
        .env("GATEHOUSE_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("gatehouse starts")
}

async fn wait_healthy(port: u16, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("gatehouse exited early with {status}");
        }
        if let Ok(res) = reqwest::get(format!("http://127.0.0.1:{port}/healthz")).await
            && res.status() == 200
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("gatehouse did not become healthy");
}

fn postmaster_pid(dir: &Path) -> Option<i32> {
    let text = std::fs::read_to_string(dir.join("pg/postmaster.pid")).ok()?;
    text.lines().next()?.trim().parse().ok()
}

fn alive(pid: i32) -> bool {
    // A zombie counts as gone.
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| s.split_whitespace().nth(2).is_none_or(|state| state != "Z"))
        .unwrap_or(false)
}

async fn wait_gone(pid: i32) -> bool {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if !alive(pid) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

fn kill(pid: i32, signal: &str) {
    let ok = Command::new("kill")
        .args([format!("-{signal}"), pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(ok.success());
}

#[test]
fn help_lists_the_subcommands() {
    let out = Command::new(BIN).arg("--help").output().expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    for sub in ["serve", "migrate", "admin"] {
        assert!(text.contains(sub), "--help lacks {sub}: {text}");
    }
    let out = Command::new(BIN)
        .args(["admin", "--help"])
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&out.stdout).contains("set-password"));
}

#[tokio::test]
async fn admin_set_password_resets_the_password() {
    let (pool, name) = fresh_database().await;
    accounts::ensure_initial_admin(&pool, Some(ADMIN_PASSWORD))
        .await
        .expect("admin");
    let url = {
        let base = crate::helpers::base_url();
        // Swap the database name in the URL's path for the fresh one.
        let (head, query) = base
            .split_once('?')
            .map_or((base.as_str(), ""), |(h, q)| (h, q));
        let root = head.rsplit_once('/').map_or(head, |(r, _)| r);
        if query.is_empty() {
            format!("{root}/{name}")
        } else {
            format!("{root}/{name}?{query}")
        }
    };
    let out = Command::new(BIN)
        .args(["admin", "set-password", "--username", "admin"])
        .env("DATABASE_URL", &url)
        .env("GATEHOUSE_ADMIN_PASSWORD", "a-brand-new-password")
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ip = "127.0.0.1".parse().expect("ip");
    let policy = accounts::ThrottlePolicy::default();
    assert!(
        accounts::sign_in(&pool, &policy, "admin", "a-brand-new-password", ip)
            .await
            .is_ok()
    );
    assert!(
        accounts::sign_in(&pool, &policy, "admin", ADMIN_PASSWORD, ip)
            .await
            .is_err()
    );

    // A weak password is refused with the policy's reason, and changes nothing.
    let out = Command::new(BIN)
        .args(["admin", "set-password"])
        .env("DATABASE_URL", &url)
        .env("GATEHOUSE_ADMIN_PASSWORD", "short")
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("at least 10"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        accounts::sign_in(&pool, &policy, "admin", "a-brand-new-password", ip)
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn embedded_postgres_survives_stop_kill9_and_refuses_a_second_instance() {
    let dir = data_dir();
    let port = free_port();

    // First start initialises the cluster.
    let mut first = serve(dir.path(), port);
    wait_healthy(port, &mut first).await;
    let pg_pid = postmaster_pid(dir.path()).expect("postmaster.pid");

    // A second server on the same data directory is refused with a clear message.
    let second = Command::new(BIN)
        .arg("serve")
        .env_remove("DATABASE_URL")
        .env("GATEHOUSE_DATA_DIR", dir.path())
        .env("GATEHOUSE_LISTEN", format!("127.0.0.1:{}", free_port()))
        .env("GATEHOUSE_GATEWAY_LISTEN", "127.0.0.1:0")
        .output()
        .expect("runs");
    assert!(!second.status.success());
    let err = String::from_utf8_lossy(&second.stderr);
    assert!(err.contains("already in use"), "{err}");
    assert!(
        alive(pg_pid),
        "the refused instance must not touch the running cluster"
    );

    // SIGTERM stops gatehouse and its PostgreSQL.
    kill(first.id() as i32, "TERM");
    let status = first.wait().expect("wait");
    assert!(status.success(), "clean shutdown exits 0, got {status}");
    assert!(wait_gone(pg_pid).await, "PostgreSQL stopped with gatehouse");

    // kill -9 of gatehouse: its PostgreSQL must not outlive it for long, and the next start works.
    let mut again = serve(dir.path(), port);
    wait_healthy(port, &mut again).await;
    let pg_pid = postmaster_pid(dir.path()).expect("postmaster.pid");
    kill(again.id() as i32, "KILL");
    again.wait().expect("wait");
    assert!(
        wait_gone(pg_pid).await,
        "PostgreSQL follows a killed gatehouse"
    );
    let mut third = serve(dir.path(), port);
    wait_healthy(port, &mut third).await;

    // kill -9 of PostgreSQL, then a stop while it is being restarted (abuse_runtime tests the
    // restart itself): the next start recovers.
    let pg_pid = postmaster_pid(dir.path()).expect("postmaster.pid");
    kill(pg_pid, "KILL");
    assert!(wait_gone(pg_pid).await, "the killed postmaster is gone");
    kill(third.id() as i32, "TERM");
    third.wait().expect("wait");
    let mut fourth = serve(dir.path(), port);
    wait_healthy(port, &mut fourth).await;

    // The admin created on the first run is still there (data survived everything above).
    let stderr = fourth.stderr.take().expect("stderr");
    kill(fourth.id() as i32, "TERM");
    fourth.wait().expect("wait");
    let log: Vec<String> = BufReader::new(stderr)
        .lines()
        .map_while(Result::ok)
        .collect();
    assert!(
        !log.iter().any(|l| l.contains("created administrator")),
        "the fourth start must find the existing admin: {log:?}"
    );
}

//! The data directory is private and used by one natter process at a time.

mod common;

use common::*;

#[cfg(unix)]
#[tokio::test]
async fn data_files_are_owner_only() {
    use std::os::unix::fs::PermissionsExt as _;
    let relay = TestRelay::start().await;
    let mut v = relay.visitor("acme").await;
    welcome_parts(&v.recv().await);
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let dir = relay.dir.path();
    assert_eq!(mode(dir), 0o700);
    assert_eq!(mode(&dir.join("tenants")), 0o700);
    for file in ["registry.db", "registry.db-wal", "secret.key", "tenants/acme.db", "tenants/acme.db-wal"] {
        assert_eq!(mode(&dir.join(file)), 0o600, "{file}");
    }
}

#[tokio::test]
async fn the_command_line_is_refused_while_the_relay_runs() {
    let relay = TestRelay::start().await;
    // The relay answers: it has opened (and locked) its data directory.
    let ok = reqwest::get(relay.http("/healthz")).await.unwrap();
    assert_eq!(ok.status(), 200);
    let config = test_config(relay.dir.path());
    let err = natter_relay::Storage::open(&config).await.unwrap_err().to_string();
    assert!(err.contains("in use by another natter process"), "{err}");
}

/// Makes a directory immutable (root included) while alive: a read-only disk
/// as the relay sees it.
#[cfg(target_os = "linux")]
struct Immutable(std::path::PathBuf);

#[cfg(target_os = "linux")]
impl Immutable {
    fn set(dir: &std::path::Path) -> Self {
        let ok = std::process::Command::new("chattr").arg("+i").arg(dir).status().expect("chattr (e2fsprogs) runs");
        assert!(ok.success(), "chattr +i {}", dir.display());
        Self(dir.to_owned())
    }
}

#[cfg(target_os = "linux")]
impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = std::process::Command::new("chattr").arg("-i").arg(&self.0).status();
    }
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn readiness_fails_while_the_data_directory_takes_no_writes() {
    let relay = TestRelay::start().await;
    let ready = || async { reqwest::get(relay.http("/readyz")).await.unwrap().status() };
    assert_eq!(ready().await, 200);
    {
        let _read_only = Immutable::set(&relay.dir.path().join("tenants"));
        assert_eq!(ready().await, 503);
    }
    assert_eq!(ready().await, 200);
}

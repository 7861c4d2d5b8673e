//! Shared by the benchmark examples: start a release `natter` child process on
//! a fresh data directory and read its resident memory.
#![allow(dead_code, clippy::print_stdout)]

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub const DEMO_PASSWORD: &str = "bench-password-1";

/// A relay child process.
pub struct Relay {
    pub child: Child,
    pub addr: std::net::SocketAddr,
    pub dir: std::path::PathBuf,
}

/// Starts `target/release/natter` (or `$NATTER_BIN`) with extra flags.
pub async fn start(extra: &[&str]) -> Relay {
    let bin = std::env::var("NATTER_BIN").unwrap_or_else(|_| "target/release/natter".into());
    let dir = std::env::temp_dir().join(format!("natter-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut child = Command::new(&bin)
        .args(["--listen", "127.0.0.1:0", "--data-dir"])
        .arg(&dir)
        .args(extra)
        .env("NATTER_DEMO_PASSWORD", DEMO_PASSWORD)
        .env("NATTER_LOG", "warn")
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {bin}: {e} (run `cargo build --release` first)"));
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let addr = loop {
        let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line()).await.unwrap().unwrap().unwrap();
        if let Some(rest) = line.strip_prefix("natter listening on http://") {
            break rest.trim().parse().unwrap();
        }
    };
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Relay { child, addr, dir }
}

impl Relay {
    /// Resident set size of the relay process, in KiB.
    pub fn rss_kib(&self) -> u64 {
        let pid = self.child.id().unwrap();
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap()
    }

    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.addr.port())
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

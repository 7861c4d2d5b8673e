//! The relay under test: a fresh data directory prepared with the `natter`
//! command line (tenants `t1`…`tN`, one owner account each, plus one agent
//! account per visitor/agent pair), then `natter serve` as a child process on a
//! free loopback port.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::procstat::Proc;

/// Password of every benchmark agent account.
pub const PASSWORD: &str = "bench-password-1";

/// A temporary data directory, removed when dropped.
#[derive(Debug)]
pub struct DataDir {
    pub path: PathBuf,
    bin: PathBuf,
}

impl DataDir {
    /// Creates `tenants` tenants, each with one owner (`bench@<tenant>.test`)
    /// and `agents` agents (`bench-<i>@<tenant>.test`).
    pub fn prepare(bin: &Path, tenants: usize, agents: usize) -> Self {
        let path = std::env::temp_dir().join(format!("natter-bench-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        let dir = DataDir { path, bin: bin.to_owned() };
        for t in 1..=tenants {
            let tenant = tenant_id(t);
            dir.cli(&["tenant", "add", "--name", &format!("Bench {t}"), &tenant]);
            let email = agent_email(&tenant);
            let password = ["--password-env", "NATTER_BENCH_PASSWORD"];
            dir.cli(
                &[
                    &["agent", "add", "--tenant", &tenant, "--email", &email, "--name", "Bench", "--role", "owner"][..],
                    &password,
                ]
                .concat(),
            );
            if agents > 0 {
                let csv = dir.path.join(format!("{tenant}-agents.csv"));
                let rows: String =
                    (0..agents).map(|i| format!("{},Bench {i},agent\n", pair_agent_email(&tenant, i))).collect();
                std::fs::write(&csv, rows).expect("agent list written");
                let file = csv.to_string_lossy().into_owned();
                dir.cli(&[&["agent", "import", "--tenant", &tenant, "--file", &file][..], &password].concat());
            }
        }
        dir
    }

    fn cli(&self, args: &[&str]) {
        let out = std::process::Command::new(&self.bin)
            .args(args)
            .arg("--data-dir")
            .arg(&self.path)
            // Sign-in cost is not what is measured: cheap hashes make set-up fast.
            .args(["--password-iterations", "1000"])
            .env("NATTER_BENCH_PASSWORD", PASSWORD)
            .output()
            .unwrap_or_else(|e| {
                panic!("cannot run {}: {e} (build it: cargo build --release -p natter-relay)", self.bin.display())
            });
        assert!(out.status.success(), "natter {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    }
}

impl Drop for DataDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// The id of the t-th benchmark tenant (1-based).
pub fn tenant_id(t: usize) -> String {
    format!("t{t}")
}

/// The owner account of a benchmark tenant.
pub fn agent_email(tenant: &str) -> String {
    format!("bench@{tenant}.test")
}

/// The agent account of the i-th visitor/agent pair of a tenant.
pub fn pair_agent_email(tenant: &str, i: usize) -> String {
    format!("bench-{i}@{tenant}.test")
}

/// A running relay.
#[derive(Debug)]
pub struct Relay {
    child: Child,
    pub addr: SocketAddr,
}

impl Relay {
    /// Runs `bin serve` on `dir` with the given extra flags and waits until it listens.
    pub async fn start(bin: &Path, dir: &DataDir, flags: &[String]) -> Self {
        let mut child = Command::new(bin)
            // Every benchmark socket comes from loopback: no per-address cap.
            .args([
                "serve",
                "--no-demo",
                "--listen",
                "127.0.0.1:0",
                "--max-visitor-connections-per-ip",
                "0",
                "--new-visitors-per-ip-hour",
                "0",
                // Set-up signs thousands of agents in at once (not measured).
                "--login-concurrent-hashes",
                "100000",
                // 50 tenants × 50 pairs: more agent sockets than the default budget.
                "--max-agent-connections",
                "100000",
                "--max-unauthenticated-agent-sockets-per-ip",
                "0",
                "--data-dir",
            ])
            .arg(&dir.path)
            .args(flags)
            .env("NATTER_LOG", "error")
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let mut lines = BufReader::new(child.stdout.take().expect("stdout piped")).lines();
        let addr = loop {
            let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
                .await
                .expect("relay listens within 30 s")
                .expect("relay stdout readable")
                .expect("relay printed its address");
            if let Some(rest) = line.strip_prefix("natter listening on http://") {
                break rest.trim().parse().expect("a socket address");
            }
        };
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Relay { child, addr }
    }

    pub fn proc(&self) -> Proc {
        Proc::Pid(self.child.id().expect("relay running"))
    }

    /// The relay's own origin, which every tenant accepts.
    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// SIGKILL, as a crash would; everything acknowledged is on disk.
    pub async fn kill(mut self) {
        let _ = self.child.kill().await;
    }
}

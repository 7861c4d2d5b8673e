//! What the kernel says about a process: CPU time (`/proc/<pid>/stat`, utime +
//! stime) and resident memory (`VmRSS` in `/proc/<pid>/status`).

use std::time::Duration;

/// Which process to read: the relay child or the load generator itself.
#[derive(Debug, Clone, Copy)]
pub enum Proc {
    Pid(u32),
    Myself,
}

impl Proc {
    fn path(self, file: &str) -> String {
        match self {
            Proc::Pid(pid) => format!("/proc/{pid}/{file}"),
            Proc::Myself => format!("/proc/self/{file}"),
        }
    }

    /// User plus system CPU time consumed so far.
    pub fn cpu(self, ticks: ClockTicks) -> Duration {
        let stat = std::fs::read_to_string(self.path("stat")).expect("/proc/<pid>/stat readable");
        // Fields after the command name, which is in parentheses and may hold spaces.
        let after_name = &stat[stat.rfind(')').expect("stat has a command name") + 2..];
        let fields: Vec<&str> = after_name.split_whitespace().collect();
        // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
        let used: u64 = fields[11].parse::<u64>().unwrap_or(0) + fields[12].parse::<u64>().unwrap_or(0);
        ticks.to_duration(used)
    }

    /// Resident set size in KiB.
    pub fn rss_kib(self) -> u64 {
        let status = std::fs::read_to_string(self.path("status")).expect("/proc/<pid>/status readable");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .expect("VmRSS in /proc/<pid>/status")
    }
}

/// The kernel's clock ticks per second (`sysconf(_SC_CLK_TCK)`, asked of
/// `getconf` since the workspace forbids `unsafe`; 100 on Linux in practice).
#[derive(Debug, Clone, Copy)]
pub struct ClockTicks(u64);

impl ClockTicks {
    pub fn query() -> Self {
        let asked = std::process::Command::new("getconf").arg("CLK_TCK").output().ok();
        let per_sec = asked.and_then(|o| String::from_utf8(o.stdout).ok()).and_then(|s| s.trim().parse().ok());
        ClockTicks(per_sec.unwrap_or(100))
    }

    fn to_duration(self, ticks: u64) -> Duration {
        Duration::from_micros(ticks * 1_000_000 / self.0)
    }
}

/// CPU used by the relay and by the load generator between two readings.
#[derive(Debug, Clone, Copy)]
pub struct CpuMark {
    relay: Duration,
    myself: Duration,
}

impl CpuMark {
    pub fn take(relay: Proc, ticks: ClockTicks) -> Self {
        CpuMark { relay: relay.cpu(ticks), myself: Proc::Myself.cpu(ticks) }
    }

    /// (relay, load generator) CPU spent since `self`.
    pub fn since(self, later: CpuMark) -> (Duration, Duration) {
        (later.relay.saturating_sub(self.relay), later.myself.saturating_sub(self.myself))
    }
}

//! The figures a burst or chat run prints.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::pairs::AgentResult;
use crate::stats::Latencies;

/// What one visitor socket saw during the window.
#[derive(Debug, Default)]
pub struct VisitorResult {
    pub ack: Latencies,
    /// Acks received within the window (burst) or for messages sent in it (chat).
    pub acked: u64,
    /// Benchmark messages the relay refused (non-fatal error frames).
    pub refused: u64,
    pub dropped: Option<String>,
}

/// Everything measured in one run.
#[derive(Debug, Default)]
pub struct Report {
    pub window: Duration,
    pub relay_cpu: Duration,
    pub bench_cpu: Duration,
    pub acked: u64,
    pub refused: u64,
    pub ack: Latencies,
    pub delivery: Latencies,
    pub agent_frames: u64,
    /// Sockets the relay dropped, by reason, as "visitor <code>" / "agent <code>".
    pub dropped: BTreeMap<String, u64>,
}

impl Report {
    pub fn add_visitors(&mut self, visitors: Vec<VisitorResult>) {
        for v in visitors {
            self.acked += v.acked;
            self.refused += v.refused;
            self.ack.merge(v.ack);
            if let Some(code) = v.dropped {
                *self.dropped.entry(format!("visitor {code}")).or_default() += 1;
            }
        }
    }

    pub fn add_agents(&mut self, agents: Vec<AgentResult>) {
        for a in agents {
            self.agent_frames += a.frames;
            self.delivery.merge(a.delivery);
            if let Some(code) = a.dropped {
                *self.dropped.entry(format!("agent {code}")).or_default() += 1;
            }
        }
    }

    pub fn print(mut self) {
        let secs = self.window.as_secs_f64();
        let per_msg = |cpu: Duration| cpu.as_secs_f64() * 1e6 / self.acked.max(1) as f64;
        println!("acked messages/s          {:.0}  ({} in {secs:.1} s)", self.acked as f64 / secs, self.acked);
        println!(
            "relay CPU per message     {:.0} µs  (relay used {:.2} s CPU = {:.0} % of one core)",
            per_msg(self.relay_cpu),
            self.relay_cpu.as_secs_f64(),
            self.relay_cpu.as_secs_f64() * 100.0 / secs
        );
        println!("ack latency               {}", self.ack.summarise());
        println!("delivery latency          {}", self.delivery.summarise());
        if self.delivery.len() == 0 && self.acked > 0 {
            println!("warning: no delivery recognised; did the agent `message` frame change shape? (see frames.rs)");
        }
        println!("frames to agents/s        {:.0}", self.agent_frames as f64 / secs);
        println!(
            "load generator CPU/msg    {:.0} µs  ({:.2} s CPU = {:.0} % of one core)",
            per_msg(self.bench_cpu),
            self.bench_cpu.as_secs_f64(),
            self.bench_cpu.as_secs_f64() * 100.0 / secs
        );
        println!("refused messages          {}", self.refused);
        let dropped: Vec<String> = self.dropped.iter().map(|(why, n)| format!("{n} {why}")).collect();
        println!(
            "dropped sockets           {}",
            if dropped.is_empty() { "none".to_owned() } else { dropped.join(", ") }
        );
    }
}

//! `natter-bench`: a load generator for the Natter relay. It prepares a
//! temporary data directory with the `natter` command line, runs the release
//! binary as a child process, drives one workload over real WebSockets on a
//! single thread, and prints what the relay and the load generator cost.
//! See BENCHMARKS.md for the commands and the figures.
#![allow(clippy::print_stdout)]

mod backpressure;
mod burst;
mod chat;
mod client;
mod frames;
mod idle;
mod pairs;
mod procstat;
mod relay;
mod report;
mod stats;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::relay::{DataDir, Relay};

/// Relay flags that lift the per-socket frame rate limits (the peer has none).
const LIFTED: [&str; 4] = ["--frames-per-sec", "1000000", "--frame-burst", "1000000"];

/// Load generator for the Natter relay.
#[derive(Debug, Parser)]
struct Cli {
    /// The relay binary to run.
    #[arg(long, env = "NATTER_BIN", default_value = "target/release/natter")]
    natter: PathBuf,
    /// An extra flag for `natter serve` (repeat; e.g. --relay-arg=--outbound-soft-kib=1024).
    #[arg(long = "relay-arg", allow_hyphen_values = true)]
    relay_args: Vec<String>,
    #[command(subcommand)]
    workload: Workload,
}

#[derive(Debug, Subcommand)]
enum Workload {
    /// Every visitor keeps K messages awaiting their ack (closed loop); frame limits lifted.
    Burst(burst::BurstArgs),
    /// A fixed rate of visitor messages (open loop); frame limits lifted.
    Chat(chat::ChatArgs),
    /// Idle visitor sockets: relay memory per socket, at default limits.
    Idle(idle::IdleArgs),
    /// Bug 1 of issue 9: a long conversation resumed at the default outgoing queue.
    Resume(backpressure::ResumeArgs),
    /// Bug 2 of issue 9: a long queue, one claim, agents at the default outgoing queue.
    Flood(backpressure::FloodArgs),
}

impl Workload {
    fn tenants(&self) -> usize {
        match self {
            Workload::Burst(a) => a.tenants,
            Workload::Chat(a) => a.tenants,
            Workload::Idle(_) | Workload::Resume(_) | Workload::Flood(_) => 1,
        }
    }

    /// Agent accounts per tenant, one per visitor/agent pair.
    fn pairs(&self) -> usize {
        match self {
            Workload::Burst(a) => a.pairs,
            Workload::Chat(a) => a.pairs,
            Workload::Idle(_) | Workload::Resume(_) | Workload::Flood(_) => 0,
        }
    }

    fn lifts_frame_limits(&self) -> bool {
        matches!(self, Workload::Burst(_) | Workload::Chat(_))
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let cli = Cli::parse();
    let dir = DataDir::prepare(&cli.natter, cli.workload.tenants(), cli.workload.pairs());
    let lifted: Vec<String> = LIFTED.iter().map(|s| (*s).to_owned()).chain(cli.relay_args.iter().cloned()).collect();
    let flags = if cli.workload.lifts_frame_limits() { lifted.clone() } else { cli.relay_args.clone() };
    let on_relay = match cli.workload {
        // Writes with lifted limits, then restarts the relay with the given flags only.
        Workload::Resume(args) => return backpressure::resume(&cli.natter, &dir, &lifted, &flags, args).await,
        other => other,
    };
    let relay = Relay::start(&cli.natter, &dir, &flags).await;
    println!("relay: {} {}", cli.natter.display(), flags.join(" "));
    match on_relay {
        Workload::Burst(args) => burst::run(&relay, args).await,
        Workload::Chat(args) => chat::run(&relay, args).await,
        Workload::Idle(args) => idle::run(&relay, args).await,
        Workload::Flood(args) => backpressure::flood(&relay, args).await,
        Workload::Resume(_) => {} // ran above, on relays of its own
    }
    relay.kill().await;
}

//! The idle workload: N visitor sockets that say `hello`, get their `welcome`
//! and stay silent; the relay's resident memory growth per socket.

use std::time::Duration;

use futures_util::future::join_all;

use crate::client::Target;
use crate::relay::{Relay, tenant_id};

/// Sockets opened at once while the population grows.
const CONCURRENT_OPENS: usize = 100;
/// Let the relay finish what a welcome starts before reading its memory.
const SETTLE: Duration = Duration::from_secs(1);

/// Shape of an idle run.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct IdleArgs {
    /// Idle visitor sockets to open.
    #[arg(long, default_value_t = 2000)]
    pub sockets: usize,
}

pub async fn run(relay: &Relay, args: IdleArgs) {
    check_fd_limit(args.sockets);
    let target = Target::of(relay);
    let tenant = tenant_id(1);
    // One socket first, so what is created once (tenant actor, buffers) is in the baseline.
    let mut sockets = vec![target.visitor(&tenant, "").await.0];
    tokio::time::sleep(SETTLE).await;
    let before = relay.proc().rss_kib();
    while sockets.len() <= args.sockets {
        let batch = CONCURRENT_OPENS.min(args.sockets + 1 - sockets.len());
        sockets.extend(join_all((0..batch).map(|_| target.visitor(&tenant, ""))).await.into_iter().map(|(ws, _)| ws));
    }
    tokio::time::sleep(SETTLE).await;
    let after = relay.proc().rss_kib();
    let per_socket = after.saturating_sub(before) as f64 * 1024.0 / args.sockets as f64;
    println!("idle: {} visitor sockets (hello, welcome, then silent)", args.sockets);
    println!("relay RSS before            {before} KiB");
    println!("relay RSS after             {after} KiB");
    println!("per idle visitor socket     {:.1} KB ({per_socket:.0} bytes)", per_socket / 1000.0);
    drop(sockets);
}

/// Says how to raise the open-files limit when this run would exceed it.
fn check_fd_limit(sockets: usize) {
    let limits = std::fs::read_to_string("/proc/self/limits").unwrap_or_default();
    let soft = limits
        .lines()
        .find_map(|l| l.strip_prefix("Max open files"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse::<usize>().ok());
    if let Some(soft) = soft.filter(|&soft| soft < sockets + 64) {
        println!("warning: open-files limit is {soft}; run `ulimit -n {}` first", (sockets + 64).next_power_of_two());
    }
}

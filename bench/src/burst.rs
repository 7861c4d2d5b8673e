//! The burst workload: every visitor keeps K messages awaiting their ack for
//! the whole window (closed loop), so the relay runs as fast as it can.

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

use crate::client::{Target, Ws};
use crate::frames::{self, Clock};
use crate::pairs::{Pairs, Window, ended_by};
use crate::procstat::{ClockTicks, CpuMark};
use crate::relay::Relay;
use crate::report::{Report, VisitorResult};
use crate::stats::Latencies;

/// Shape of a burst run.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct BurstArgs {
    /// Tenants, each with its own visitor/agent pairs.
    #[arg(long, default_value_t = 1)]
    pub tenants: usize,
    /// Visitor/agent pairs per tenant.
    #[arg(long, default_value_t = 50)]
    pub pairs: usize,
    /// Messages each visitor keeps awaiting their ack.
    #[arg(long, default_value_t = 4)]
    pub in_flight: usize,
    /// Length of the measured window, in seconds.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
}

pub async fn run(relay: &Relay, args: BurstArgs) {
    let clock = Clock::start();
    let mut pairs = Pairs::open(&Target::of(relay), args.tenants, args.pairs, clock).await;
    let window = Window::soon(Duration::from_secs(args.seconds), Duration::ZERO);
    println!(
        "burst: {} tenant(s) x {} pairs, {} in flight per visitor, {} s",
        args.tenants, args.pairs, args.in_flight, args.seconds
    );
    let visitors: Vec<_> =
        pairs.visitors.drain(..).map(|v| tokio::spawn(visitor(v.ws, clock, window, args.in_flight))).collect();
    let agents = pairs.measure(window);
    let ticks = ClockTicks::query();
    tokio::time::sleep_until(window.start.into()).await;
    let before = CpuMark::take(relay.proc(), ticks);
    tokio::time::sleep_until(window.end.into()).await;
    let (relay_cpu, bench_cpu) = before.since(CpuMark::take(relay.proc(), ticks));
    let mut report = Report { window: window.end - window.start, relay_cpu, bench_cpu, ..Report::default() };
    report.add_visitors(futures_util::future::join_all(visitors).await.into_iter().map(|r| r.expect("task")).collect());
    report.add_agents(agents.await);
    report.print();
}

/// One visitor, closed loop: refill to `in_flight` after every ack until the window ends.
async fn visitor(mut ws: Ws, clock: Clock, w: Window, in_flight: usize) -> VisitorResult {
    let mut result = VisitorResult { ack: Latencies::with_capacity(4096), ..VisitorResult::default() };
    let (mut sent, mut open) = (0, 0);
    tokio::time::sleep_until(w.start.into()).await;
    loop {
        while open < in_flight {
            ws.feed(Message::text(frames::send(clock.now_us(), sent))).await.expect("frame queued");
            (sent, open) = (sent + 1, open + 1);
        }
        ws.flush().await.expect("frames sent");
        let Ok(next) = tokio::time::timeout_at(w.end.into(), ws.next()).await else { break };
        if let Some(dropped) = ended_by(next.as_ref()) {
            result.dropped = Some(dropped);
            break;
        }
        let Some(Ok(Message::Text(text))) = next else { continue };
        if let Some(sent_us) = frames::ack(&text) {
            open -= 1;
            result.acked += 1;
            result.ack.record(clock.us(Instant::now()).saturating_sub(sent_us));
        } else if frames::error(&text).is_some_and(|e| e.about_send) {
            open -= 1;
            result.refused += 1;
        }
    }
    result
}

//! The chat workload: visitor messages at a fixed total rate (open loop),
//! spread evenly over every conversation; latencies count from each message's
//! scheduled send time, so a late load generator cannot hide a slow relay.

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio::time::MissedTickBehavior;
use tokio_tungstenite::tungstenite::Message;

use crate::client::{Target, Ws};
use crate::frames::{self, Clock};
use crate::pairs::{Pairs, Window, ended_by};
use crate::procstat::{ClockTicks, CpuMark};
use crate::relay::Relay;
use crate::report::{Report, VisitorResult};
use crate::stats::Latencies;

/// How long after the window the last acks and deliveries may still arrive.
const DRAIN: Duration = Duration::from_secs(3);

/// Shape of a chat run.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct ChatArgs {
    /// Visitor messages per second, all conversations together.
    #[arg(long, default_value_t = 500)]
    pub rate: u32,
    /// Tenants, each with its own visitor/agent pairs.
    #[arg(long, default_value_t = 1)]
    pub tenants: usize,
    /// Visitor/agent pairs (conversations) per tenant.
    #[arg(long, default_value_t = 50)]
    pub pairs: usize,
    /// Length of the measured window, in seconds.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
}

pub async fn run(relay: &Relay, args: ChatArgs) {
    let clock = Clock::start();
    let mut pairs = Pairs::open(&Target::of(relay), args.tenants, args.pairs, clock).await;
    let window = Window::soon(Duration::from_secs(args.seconds), DRAIN);
    let conversations = pairs.visitors.len() as u32;
    println!(
        "chat: {} msg/s open loop over {conversations} conversations ({} tenant(s)), {} s",
        args.rate, args.tenants, args.seconds
    );
    // Each conversation sends every `period`; their phases are spread over it.
    let period = Duration::from_secs(1) * conversations / args.rate.max(1);
    let visitors: Vec<_> = pairs
        .visitors
        .drain(..)
        .enumerate()
        .map(|(i, v)| {
            let first = window.start + period * i as u32 / conversations;
            tokio::spawn(visitor(v.ws, clock, window, first, period))
        })
        .collect();
    let agents = pairs.measure(window);
    let ticks = ClockTicks::query();
    tokio::time::sleep_until(window.start.into()).await;
    let before = CpuMark::take(relay.proc(), ticks);
    let visitors: Vec<_> =
        futures_util::future::join_all(visitors).await.into_iter().map(|r| r.expect("task")).collect();
    // Every ack is in (or the drain expired): the relay's work for the window is done.
    let (relay_cpu, bench_cpu) = before.since(CpuMark::take(relay.proc(), ticks));
    let mut report = Report { window: window.end - window.start, relay_cpu, bench_cpu, ..Report::default() };
    report.add_visitors(visitors);
    report.add_agents(agents.await);
    report.print();
}

/// One visitor, open loop: a message every `period` from `first` until the
/// window ends, then reads until every one is acknowledged.
async fn visitor(mut ws: Ws, clock: Clock, w: Window, first: Instant, period: Duration) -> VisitorResult {
    let mut result = VisitorResult { ack: Latencies::with_capacity(1024), ..VisitorResult::default() };
    let mut ticks = tokio::time::interval_at(first.into(), period);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Burst);
    let (mut sent, mut sending) = (0, true);
    let drained = tokio::time::sleep_until(w.until.into());
    tokio::pin!(drained);
    while sending || result.acked + result.refused < sent {
        tokio::select! {
            at = ticks.tick(), if sending => {
                let at = at.into_std();
                if at >= w.end {
                    sending = false;
                    continue;
                }
                ws.send(Message::text(frames::send(clock.us(at), sent))).await.expect("frame sent");
                sent += 1;
            }
            next = ws.next() => {
                if let Some(dropped) = ended_by(next.as_ref()) {
                    result.dropped = Some(dropped);
                    break;
                }
                if let Some(Ok(Message::Text(text))) = next {
                    take_answer(&text, clock, &mut result);
                }
            }
            () = &mut drained => break,
        }
    }
    result
}

fn take_answer(text: &str, clock: Clock, result: &mut VisitorResult) {
    if let Some(sent_us) = frames::ack(text) {
        result.acked += 1;
        result.ack.record(clock.now_us().saturating_sub(sent_us));
    } else if frames::error(text).is_some_and(|e| e.about_send) {
        result.refused += 1;
    }
}

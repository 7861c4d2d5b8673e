//! Metrics in Prometheus text format, at `/metrics` on a listener of their own
//! (`--metrics-listen`, off by default: it tells a lot about the traffic).
//!
//! Code records through the `metrics` crate's macros (`counter!`, `gauge!`,
//! `histogram!`); without an installed recorder those cost next to nothing. The
//! names and their meaning are declared once, here.

use std::net::SocketAddr;
use std::sync::OnceLock;

use axum::Router;
use axum::routing::get;
use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

pub const SOCKETS_OPEN: &str = "natter_sockets_open";
pub const FRAMES_IN: &str = "natter_frames_in_total";
pub const FRAMES_OUT: &str = "natter_frames_out_total";
pub const MESSAGES_ACKED: &str = "natter_messages_acked_total";
pub const BATCH_COMMANDS: &str = "natter_batch_commands";
pub const COMMIT_SECONDS: &str = "natter_commit_seconds";
pub const ACK_SECONDS: &str = "natter_ack_seconds";
pub const SLOW_CONSUMERS: &str = "natter_slow_consumers_dropped_total";
pub const REFUSALS: &str = "natter_refusals_total";
pub const HTTP_REQUESTS: &str = "natter_http_requests_total";
pub const TENANT_ACTORS: &str = "natter_tenant_actors";

/// Buckets of the latency histograms, in seconds: fsync-scale to seconds.
const LATENCY_BUCKETS: &[f64] = &[0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5];
/// Buckets of the batch-size histogram, in commands.
const BATCH_BUCKETS: &[f64] = &[1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 512.0];

/// The process-wide recorder: installed once, whichever relay asks first (tests
/// run several relays in one process).
fn handle() -> Result<&'static PrometheusHandle, String> {
    static HANDLE: OnceLock<Result<PrometheusHandle, String>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    metrics_exporter_prometheus::Matcher::Suffix("_seconds".into()),
                    LATENCY_BUCKETS,
                )
                .and_then(|b| {
                    b.set_buckets_for_metric(
                        metrics_exporter_prometheus::Matcher::Full(BATCH_COMMANDS.into()),
                        BATCH_BUCKETS,
                    )
                })
                .map_err(|e| e.to_string())?
                .install_recorder()
                .map_err(|e| e.to_string())?;
            describe();
            Ok(recorder)
        })
        .as_ref()
        .map_err(Clone::clone)
}

fn describe() {
    describe_gauge!(SOCKETS_OPEN, "Open WebSockets that finished hello, by kind (visitor, agent).");
    describe_counter!(FRAMES_IN, "Frames received from clients, by kind.");
    describe_counter!(FRAMES_OUT, "Frames written to clients, by kind.");
    describe_counter!(MESSAGES_ACKED, "Messages stored and acknowledged (resends not counted).");
    describe_histogram!(BATCH_COMMANDS, "Commands per tenant transaction (group commit).");
    describe_histogram!(COMMIT_SECONDS, Unit::Seconds, "Time to commit a tenant batch (WAL write and fsync).");
    describe_histogram!(
        ACK_SECONDS,
        Unit::Seconds,
        "A tenant batch from its start to the delivery of what it produced (acks): commands, commit and fsync, delivery; the wait before the batch is not included."
    );
    describe_counter!(SLOW_CONSUMERS, "Sockets dropped because they did not read what was sent.");
    describe_counter!(REFUSALS, "Error frames sent for refused client frames, by code.");
    describe_counter!(HTTP_REQUESTS, "HTTP requests, by route and status.");
    describe_gauge!(TENANT_ACTORS, "Running tenant actors.");
}

/// Serves `/metrics` on `addr` until `stop`; returns the bound address.
pub async fn serve(addr: SocketAddr, stop: CancellationToken) -> std::io::Result<SocketAddr> {
    let handle = handle().map_err(std::io::Error::other)?;
    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    let app = Router::new().route("/metrics", get(move || async move { handle.render() }));
    tokio::spawn(async move {
        let served = axum::serve(listener, app).with_graceful_shutdown(stop.cancelled_owned()).await;
        if let Err(e) = served {
            tracing::error!(error = %e, "metrics listener failed");
        }
    });
    Ok(local)
}

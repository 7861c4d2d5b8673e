//! One accepted TCP connection: its stream ([`Conn`]), which enforces the
//! connection's deadline in its reads, and its [`Phase`], which the request
//! handling moves along and which decides that deadline:
//!
//! - a new connection, or one that started sending a request head, must finish
//!   the head within the header timeout (bytes trickled one by one do not
//!   extend it);
//! - between requests, an idle keep-alive connection is closed after the
//!   keep-alive timeout (writing a response counts as activity);
//! - while a request is handled, there is no deadline here;
//! - after a WebSocket upgrade, the client must send its first bytes within
//!   the upgrade timeout; then the stream is a plain pass-through.
//!
//! A deadline that passes fails the pending read with `TimedOut`, which ends
//! hyper's connection (or the WebSocket reader) and so closes the socket.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::{Instant, Sleep};

use super::per_ip::IpSlot;
use crate::config::ConnectionPolicy;

/// The three connection timeouts.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub header: Duration,
    pub keepalive: Duration,
    pub upgrade: Duration,
}

impl From<&ConnectionPolicy> for Timeouts {
    fn from(p: &ConnectionPolicy) -> Self {
        Self { header: p.header_timeout, keepalive: p.keepalive_timeout, upgrade: p.upgrade_timeout }
    }
}

/// Where a connection is in its life, as far as deadlines go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Receiving a request head, since the connect or its first byte.
    Head { since: Instant },
    /// Between requests, since the last response byte written.
    Idle { since: Instant },
    /// A request is being handled.
    Busy,
    /// Upgraded to a WebSocket at `since`; nothing received since.
    Upgraded { since: Instant },
}

impl Phase {
    /// The deadline in force and what it is called, for the log.
    fn deadline(self, t: &Timeouts) -> Option<(Instant, &'static str)> {
        match self {
            Self::Head { since } => Some((since + t.header, "header timeout")),
            Self::Idle { since } => Some((since + t.keepalive, "keep-alive timeout")),
            Self::Busy => None,
            Self::Upgraded { since } => Some((since + t.upgrade, "upgrade timeout")),
        }
    }
}

/// The phase of one connection, shared by its stream and its request handling.
#[derive(Debug, Clone)]
pub struct SharedPhase(Arc<Mutex<PhaseState>>);

#[derive(Debug)]
struct PhaseState {
    phase: Phase,
    /// The task waiting in a read, woken when a request changes the phase so
    /// that it re-arms its timer (hyper does not read again on its own
    /// after a response until the client sends something).
    reader: Option<Waker>,
}

impl SharedPhase {
    fn new() -> Self {
        let state = PhaseState { phase: Phase::Head { since: Instant::now() }, reader: None };
        Self(Arc::new(Mutex::new(state)))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, PhaseState> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn get(&self) -> Phase {
        self.lock().phase
    }

    /// Changes the phase from the stream's own task (no wake-up needed).
    fn update(&self, change: impl FnOnce(Phase) -> Phase) {
        let mut state = self.lock();
        state.phase = change(state.phase);
    }

    /// Changes the phase from the request handling, waking a waiting read.
    fn set(&self, phase: Phase) {
        let reader = {
            let mut state = self.lock();
            state.phase = phase;
            state.reader.take()
        };
        if let Some(reader) = reader {
            reader.wake();
        }
    }

    /// The deadline in force; `waker` is woken when the phase changes.
    fn deadline_for(&self, timeouts: &Timeouts, waker: &Waker) -> Option<(Instant, &'static str)> {
        let mut state = self.lock();
        if !state.reader.as_ref().is_some_and(|w| w.will_wake(waker)) {
            state.reader = Some(waker.clone());
        }
        state.phase.deadline(timeouts)
    }

    /// A request head was parsed and goes to the router.
    pub fn request_started(&self) {
        self.set(Phase::Busy);
    }

    /// The router answered with `status`.
    pub fn response_ready(&self, status: axum::http::StatusCode) {
        let since = Instant::now();
        let upgraded = status == axum::http::StatusCode::SWITCHING_PROTOCOLS;
        self.set(if upgraded { Phase::Upgraded { since } } else { Phase::Idle { since } });
    }
}

/// An accepted TCP stream with its deadlines and its place under the per-IP cap.
#[derive(Debug)]
pub struct Conn {
    tcp: TcpStream,
    peer: SocketAddr,
    phase: SharedPhase,
    timeouts: Timeouts,
    timer: Option<Pin<Box<Sleep>>>,
    /// Upgraded and the client has spoken: no deadline any more, no locking.
    talking: bool,
    slot: IpSlot,
}

impl Conn {
    /// Wraps a new connection; returns it and the phase its requests move along.
    pub fn new(tcp: TcpStream, peer: SocketAddr, slot: IpSlot, timeouts: Timeouts) -> (Self, SharedPhase) {
        let phase = SharedPhase::new();
        let conn = Self { tcp, peer, phase: phase.clone(), timeouts, timer: None, talking: false, slot };
        (conn, phase)
    }

    fn on_bytes_read(&mut self) {
        let now = Instant::now();
        match self.phase.get() {
            Phase::Idle { .. } => self.phase.update(|_| Phase::Head { since: now }),
            Phase::Upgraded { .. } => {
                self.talking = true;
                self.timer = None;
            }
            Phase::Head { .. } | Phase::Busy => {}
        }
    }

    fn on_bytes_written(&mut self) {
        let now = Instant::now();
        self.phase.update(|phase| match phase {
            Phase::Idle { .. } => Phase::Idle { since: now },
            other => other,
        });
    }

    /// Called when a read is pending: fails it once the phase's deadline passed.
    fn poll_deadline(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let Some((deadline, what)) = self.phase.deadline_for(&self.timeouts, cx.waker()) else {
            return Poll::Pending;
        };
        let timer = self.timer.get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        if timer.deadline() != deadline {
            timer.as_mut().reset(deadline);
        }
        if timer.as_mut().poll(cx).is_pending() {
            return Poll::Pending;
        }
        tracing::debug!(peer = %self.peer, "closing a connection: {what}");
        Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, what)))
    }
}

impl AsyncRead for Conn {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let filled = buf.filled().len();
        let read = Pin::new(&mut this.tcp).poll_read(cx, buf);
        if this.talking {
            return read;
        }
        match read {
            Poll::Ready(Ok(())) if buf.filled().len() > filled => {
                this.on_bytes_read();
                Poll::Ready(Ok(()))
            }
            Poll::Pending => this.poll_deadline(cx),
            done => done,
        }
    }
}

impl AsyncWrite for Conn {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let written = Pin::new(&mut this.tcp).poll_write(cx, buf);
        if !this.talking && matches!(written, Poll::Ready(Ok(n)) if n > 0) {
            this.on_bytes_written();
        }
        written
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let written = Pin::new(&mut this.tcp).poll_write_vectored(cx, bufs);
        if !this.talking && matches!(written, Poll::Ready(Ok(n)) if n > 0) {
            this.on_bytes_written();
        }
        written
    }

    fn is_write_vectored(&self) -> bool {
        self.tcp.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.tcp).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // The place is free before the client sees the close, so a client that
        // waits for the close and connects again is never refused.
        self.slot.release();
        Pin::new(&mut self.tcp).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_phase_has_its_deadline() {
        let t = Timeouts {
            header: Duration::from_secs(1),
            keepalive: Duration::from_secs(2),
            upgrade: Duration::from_secs(3),
        };
        let since = Instant::now();
        assert_eq!(Phase::Head { since }.deadline(&t), Some((since + t.header, "header timeout")));
        assert_eq!(Phase::Idle { since }.deadline(&t).map(|d| d.0), Some(since + t.keepalive));
        assert_eq!(Phase::Upgraded { since }.deadline(&t).map(|d| d.0), Some(since + t.upgrade));
        assert_eq!(Phase::Busy.deadline(&t), None);
    }

    #[test]
    fn responses_move_the_phase() {
        let phase = SharedPhase::new();
        assert!(matches!(phase.get(), Phase::Head { .. }));
        phase.request_started();
        assert_eq!(phase.get(), Phase::Busy);
        phase.response_ready(axum::http::StatusCode::OK);
        assert!(matches!(phase.get(), Phase::Idle { .. }));
        phase.request_started();
        phase.response_ready(axum::http::StatusCode::SWITCHING_PROTOCOLS);
        assert!(matches!(phase.get(), Phase::Upgraded { .. }));
    }
}

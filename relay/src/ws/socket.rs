//! The life of one WebSocket: a reader (this task) and a writer task joined by the
//! socket's [`Outbox`] (bounded in bytes, coalescing, paced replays); hello, rate
//! limiting, size limits, dead-peer detection, and a Drop guard that unregisters
//! the socket from its tenant however it ends.
//!
//! Every frame after `hello`, text or binary, takes a token from the rate
//! limiter and counts towards the refusals that close a socket, so no kind of
//! frame is free to send. Refusals name the frame's `client_id` and
//! `conversation_id` when it has them, so a client with several frames in
//! flight knows which one was refused.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, close_code};
use futures_util::{SinkExt, StreamExt, stream::SplitSink, stream::SplitStream};
use natter_protocol::{ErrorCode, ErrorFrame};
use tokio::sync::oneshot;
use tokio_util::sync::CancellationToken;

use crate::config::Limits;
use crate::outbox::{Next, Outbox};
use crate::tenant::encode_error;
use crate::tenant::hub::{ConnId, ConnSink};
use crate::tenant::{Command, TenantHandle};

use super::SocketSlots;
use super::decode::about;
use super::per_address::AddressSlot;
use super::rate::TokenBucket;

/// The first frame must arrive within this time.
const HELLO_TIMEOUT: Duration = Duration::from_secs(15);
/// A write to the client that takes longer than this drops the socket.
const WRITE_TIMEOUT: Duration = Duration::from_secs(15);
/// Refused frames in a row (rate limit, size) before the socket is closed.
const MAX_REFUSALS_IN_A_ROW: u32 = 50;
/// How long a socket closed for an oversized frame is held open after its close.
const CLOSE_LINGER: Duration = Duration::from_secs(1);
/// Most queued frames written before one flush.
const WRITE_BATCH: usize = 64;

/// What differs between the visitor and the agent socket.
pub trait Endpoint: Send + Sync + 'static {
    /// `visitor` or `agent`, the `kind` label of the socket metrics.
    const KIND: &'static str;

    /// Handles the first frame: authenticates, attaches the socket to its tenant
    /// (which queues the welcome), and returns the tenant. `Err` is sent as a
    /// fatal error.
    fn hello(
        &mut self,
        text: &str,
        conn: ConnId,
        sink: ConnSink,
    ) -> impl Future<Output = Result<TenantHandle, ErrorFrame>> + Send;

    /// Turns a later frame into a command for the tenant actor.
    fn frame(&self, text: &str, conn: ConnId) -> Result<Command, ErrorFrame>;
}

/// Everything a socket needs besides its endpoint.
#[derive(Debug)]
pub struct SocketCtx {
    pub conn: ConnId,
    pub limits: Arc<Limits>,
    pub shutdown: CancellationToken,
    /// Held for the socket's lifetime: its places in the connection budgets.
    pub slots: SocketSlots,
    /// Held until `hello` is accepted: an agent socket's place among its
    /// address's unauthenticated ones.
    pub until_hello: Option<AddressSlot>,
}

/// How the reader ended, which decides the close code the writer sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    /// The peer closed, went away, broke a rule (after a fatal error), or the
    /// relay is stopping: close code 1000 (1001 on shutdown, by the writer).
    Normal,
    /// A frame over the hard size cap: close code 1009 ("message too big").
    TooBig,
}

impl Ending {
    fn close_code(self) -> u16 {
        match self {
            Self::Normal => close_code::NORMAL,
            Self::TooBig => close_code::SIZE,
        }
    }
}

/// Unregisters the socket from its tenant when dropped.
struct Registration {
    tenant: TenantHandle,
    conn: ConnId,
}

impl Drop for Registration {
    fn drop(&mut self) {
        let detach = Command::Detach { conn: self.conn };
        if !self.tenant.try_send(Command::Detach { conn: self.conn }) {
            let tenant = self.tenant.clone();
            if let Ok(rt) = tokio::runtime::Handle::try_current() {
                rt.spawn(async move {
                    let _ = tenant.send(detach).await;
                });
            }
        }
    }
}

/// Serves one upgraded socket until it closes, in a reader and a writer task of
/// its own; the returned future is done at once.
///
/// Memory per idle socket is what this shapes: axum's upgrade task keeps room
/// for the unsplit `WebSocket` (kilobytes) for as long as the callback's future
/// runs, so the callback only spawns; and this is not an `async fn`, which would
/// likewise keep its `WebSocket` argument. Only the halves reach the tasks.
pub fn spawn(ws: WebSocket, endpoint: impl Endpoint, ctx: SocketCtx) -> std::future::Ready<()> {
    tokio::spawn(serve(ws, endpoint, ctx));
    std::future::ready(())
}

/// Splits the socket, starts the writer task, and returns the reader.
fn serve<E: Endpoint>(ws: WebSocket, endpoint: E, ctx: SocketCtx) -> impl Future<Output = ()> + Send {
    let (ws_tx, ws_rx) = ws.split();
    let sink = Outbox::new(ctx.limits.outbox());
    let (reader_done, reader_ended) = oneshot::channel();
    let writer = tokio::spawn(write_loop(
        E::KIND,
        ws_tx,
        sink.clone(),
        ctx.shutdown.clone(),
        reader_ended,
        ctx.limits.ping_interval,
    ));
    read_side(ws_rx, endpoint, ctx, sink, (reader_done, writer))
}

/// The reader task: hello, then frames until the socket ends; then stops the writer.
async fn read_side<E: Endpoint>(
    mut ws_rx: SplitStream<WebSocket>,
    mut endpoint: E,
    mut ctx: SocketCtx,
    sink: ConnSink,
    (reader_done, writer): (oneshot::Sender<Ending>, tokio::task::JoinHandle<()>),
) {
    // Boxed: the hello (token check, tenant lookup, attach) is the largest state
    // of this future, and inline it would be carried by every idle socket.
    let hello = Box::pin(first_frame(&mut ws_rx, &mut endpoint, &ctx, &sink)).await;
    drop(ctx.until_hello.take());
    let ending = match hello {
        Ok(tenant) => {
            let registration = Registration { tenant: tenant.clone(), conn: ctx.conn };
            let open = metrics::gauge!(crate::metrics::SOCKETS_OPEN, "kind" => E::KIND);
            open.increment(1.0);
            // Boxed too: the compiler does not overlap the two states well,
            // and an idle socket spends its life here.
            let ending = Box::pin(read_loop(&mut ws_rx, &endpoint, &ctx, &sink, &tenant)).await;
            open.decrement(1.0);
            drop(registration);
            ending
        }
        Err(ending) => ending,
    };
    // Detached and the slots freed before the writer sends the close: a client
    // that has seen its socket close knows the relay has let go of it.
    drop(ctx.slots);
    let _ = reader_done.send(ending);
    let _ = writer.await;
}

/// Waits for `hello` and attaches the socket; `Err` ends the socket.
async fn first_frame(
    ws_rx: &mut SplitStream<WebSocket>,
    endpoint: &mut impl Endpoint,
    ctx: &SocketCtx,
    sink: &ConnSink,
) -> Result<TenantHandle, Ending> {
    let deadline = tokio::time::Instant::now() + HELLO_TIMEOUT;
    loop {
        let msg = tokio::select! {
            msg = tokio::time::timeout_at(deadline, ws_rx.next()) => msg,
            () = ctx.shutdown.cancelled() => return Err(Ending::Normal),
        };
        let text = match msg {
            Ok(Some(Ok(Message::Text(text)))) => text,
            Ok(Some(Ok(Message::Binary(_)))) => {
                fatal(sink, ErrorFrame::fatal(ErrorCode::InvalidInput, "frames must be JSON text"));
                return Err(Ending::Normal);
            }
            Ok(Some(Ok(_))) => continue, // ping/pong before hello
            Ok(Some(Err(e))) => return Err(read_failed(ctx, sink, &e)),
            Ok(None) => return Err(Ending::Normal),
            Err(_) => {
                fatal(sink, ErrorFrame::fatal(ErrorCode::HelloRequired, "no hello within 15 s"));
                return Err(Ending::Normal);
            }
        };
        if text.len() > ctx.limits.max_frame_bytes {
            refuse(sink, too_large(ctx.limits.max_frame_bytes, true));
            return Err(Ending::TooBig);
        }
        return endpoint.hello(text.as_str(), ctx.conn, sink.clone()).await.map_err(|frame| {
            fatal(sink, make_fatal(frame));
            Ending::Normal
        });
    }
}

/// A read error ends the socket; a frame over the hard size cap is told why
/// (`frame_too_large`, then close code 1009), anything else just ends.
fn read_failed(ctx: &SocketCtx, sink: &ConnSink, e: &axum::Error) -> Ending {
    if is_too_big(e) {
        refuse(sink, too_large(ctx.limits.max_frame_bytes, true));
        Ending::TooBig
    } else {
        tracing::debug!(conn = ctx.conn, error = %e, "socket read failed");
        Ending::Normal
    }
}

/// Whether a read failed on the size cap. axum does not expose tungstenite's
/// error type, only its text ("Space limit exceeded: Message too long: …");
/// a test (`hardening.rs`) catches a change of that text.
fn is_too_big(e: &axum::Error) -> bool {
    e.to_string().contains("Message too long")
}

/// Frames after `hello`, until the socket ends.
async fn read_loop(
    ws_rx: &mut SplitStream<WebSocket>,
    endpoint: &impl Endpoint,
    ctx: &SocketCtx,
    sink: &ConnSink,
    tenant: &TenantHandle,
) -> Ending {
    let limits = &ctx.limits;
    let mut bucket = TokenBucket::new(limits.frames_per_sec, limits.frame_burst);
    let mut refusals_in_a_row = 0u32;
    loop {
        let msg = tokio::select! {
            msg = tokio::time::timeout(limits.dead_peer_timeout, ws_rx.next()) => msg,
            () = sink.refill_wanted() => {
                // The writer has caught up: the next page of the replay in progress.
                if tenant.send(Command::ReplayPage { conn: ctx.conn }).await.is_err() {
                    return Ending::Normal;
                }
                continue;
            }
            () = sink.kicked().cancelled() => return Ending::Normal,
            () = ctx.shutdown.cancelled() => return Ending::Normal,
        };
        let frame = match msg {
            Ok(Some(Ok(Message::Text(text)))) => Frame::Text(text),
            Ok(Some(Ok(Message::Binary(_)))) => Frame::Binary,
            Ok(Some(Ok(Message::Close(_)))) | Ok(None) => return Ending::Normal,
            Ok(Some(Ok(_))) => continue, // ping / pong: the peer is alive
            Ok(Some(Err(e))) => return read_failed(ctx, sink, &e),
            Err(_) => {
                tracing::debug!(conn = ctx.conn, "dead peer: nothing received in time");
                return Ending::Normal;
            }
        };
        let refusal = match judge(frame, &mut bucket, endpoint, ctx) {
            Ok(cmd) => {
                if tenant.send(cmd).await.is_err() {
                    fatal(sink, ErrorFrame::fatal(ErrorCode::ShuttingDown, "the relay is shutting down"));
                    return Ending::Normal;
                }
                None
            }
            Err(frame) => Some(frame),
        };
        match refusal {
            None => refusals_in_a_row = 0,
            Some(frame) => {
                refusals_in_a_row += 1;
                if refusals_in_a_row >= MAX_REFUSALS_IN_A_ROW {
                    fatal(sink, ErrorFrame::fatal(ErrorCode::RateLimited, "too many refused frames"));
                    return Ending::Normal;
                }
                refuse(sink, frame);
            }
        }
    }
}

/// A frame read after `hello`.
enum Frame {
    Text(Utf8Bytes),
    Binary,
}

/// The command a frame asks for, or why it is refused. The rate limit comes
/// first, for every kind of frame; a refusal of a text frame names what the
/// frame was about.
fn judge(
    frame: Frame,
    bucket: &mut TokenBucket,
    endpoint: &impl Endpoint,
    ctx: &SocketCtx,
) -> Result<Command, ErrorFrame> {
    let text = match frame {
        Frame::Text(text) => Some(text),
        Frame::Binary => None,
    };
    let about_text = |e: ErrorFrame| match &text {
        Some(t) if e.client_id.is_none() && e.conversation_id.is_none() => {
            let (client_id, conversation_id) = about(t.as_str());
            e.about(client_id.as_ref(), conversation_id)
        }
        _ => e,
    };
    if !bucket.take(tokio::time::Instant::now()) {
        return Err(about_text(ErrorFrame::new(ErrorCode::RateLimited, "too many frames; slow down")));
    }
    let Some(text) = &text else {
        return Err(ErrorFrame::new(ErrorCode::InvalidInput, "frames must be JSON text"));
    };
    if text.len() > ctx.limits.max_frame_bytes {
        return Err(about_text(too_large(ctx.limits.max_frame_bytes, false)));
    }
    endpoint.frame(text.as_str(), ctx.conn)
}

fn too_large(max: usize, fatal: bool) -> ErrorFrame {
    let message = format!("frame is over the {max}-byte limit");
    if fatal {
        ErrorFrame::fatal(ErrorCode::FrameTooLarge, message)
    } else {
        ErrorFrame::new(ErrorCode::FrameTooLarge, message)
    }
}

fn make_fatal(frame: ErrorFrame) -> ErrorFrame {
    ErrorFrame { fatal: true, ..frame }
}

/// Queues an error frame for the client.
fn refuse(sink: &ConnSink, frame: ErrorFrame) {
    metrics::counter!(crate::metrics::REFUSALS, "code" => frame.code.as_str()).increment(1);
    sink.push(encode_error(&frame));
}

/// Queues a fatal error frame and the close after it.
fn fatal(sink: &ConnSink, frame: ErrorFrame) {
    refuse(sink, frame);
    sink.close();
}

async fn write_loop(
    kind: &'static str,
    mut ws_tx: SplitSink<WebSocket, Message>,
    outbox: ConnSink,
    shutdown: CancellationToken,
    mut reader_ended: oneshot::Receiver<Ending>,
    ping_every: Duration,
) {
    let mut ping = tokio::time::interval(ping_every);
    ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ping.tick().await;
    let (code, reason): (u16, &str) = loop {
        // Whatever is queued goes out before one flush: a burst costs one syscall.
        let (batch, closing) = tokio::select! {
            biased;
            () = shutdown.cancelled() => {
                let frame = ErrorFrame::fatal(ErrorCode::ShuttingDown, "the relay is shutting down; reconnect shortly");
                let _ = send(&mut ws_tx, text_message(&encode_error(&frame).text)).await;
                break (close_code::AWAY, "shutting down");
            }
            () = outbox.kicked().cancelled() => {
                metrics::counter!(crate::metrics::SLOW_CONSUMERS, "kind" => kind).increment(1);
                let frame = ErrorFrame::fatal(ErrorCode::SlowConsumer, "frames were not read fast enough");
                let _ = send(&mut ws_tx, text_message(&encode_error(&frame).text)).await;
                break (close_code::POLICY, "slow consumer");
            }
            next = outbox.next(WRITE_BATCH) => match next {
                Next::Frames(frames) => (frames.iter().map(|t| text_message(t)).collect(), false),
                Next::FramesThenClose(frames) => (frames.iter().map(|t| text_message(t)).collect(), true),
            },
            _ = ping.tick() => (vec![Message::Ping(Default::default())], false),
            ending = &mut reader_ended => {
                let ending = ending.unwrap_or(Ending::Normal);
                break (ending.close_code(), if ending == Ending::TooBig { "frame too large" } else { "" });
            }
        };
        let frames = batch.iter().filter(|m| matches!(m, Message::Text(_))).count();
        metrics::counter!(crate::metrics::FRAMES_OUT, "kind" => kind).increment(frames as u64);
        if write_all(&mut ws_tx, batch).await.is_err() {
            return;
        }
        if closing {
            break (close_code::NORMAL, "");
        }
    };
    let close = Message::Close(Some(CloseFrame { code, reason: Utf8Bytes::from(reason) }));
    let _ = send(&mut ws_tx, close).await;
    if code == close_code::SIZE {
        // The rest of the oversized frame is still unread in the kernel, and
        // closing a TCP socket with unread data sends a reset, which makes the
        // client drop our error and close frames unread. Holding the socket a
        // moment lets them arrive first.
        tokio::select! {
            () = tokio::time::sleep(CLOSE_LINGER) => {}
            () = shutdown.cancelled() => {}
        }
    }
}

fn text_message(text: &str) -> Message {
    Message::Text(Utf8Bytes::from(text))
}

async fn write_all(ws_tx: &mut SplitSink<WebSocket, Message>, batch: Vec<Message>) -> Result<(), ()> {
    let write = async {
        for msg in batch {
            ws_tx.feed(msg).await?;
        }
        ws_tx.flush().await
    };
    match tokio::time::timeout(WRITE_TIMEOUT, write).await {
        Ok(Ok(())) => Ok(()),
        _ => Err(()),
    }
}

async fn send(ws_tx: &mut SplitSink<WebSocket, Message>, msg: Message) -> Result<(), ()> {
    match tokio::time::timeout(WRITE_TIMEOUT, ws_tx.send(msg)).await {
        Ok(Ok(())) => Ok(()),
        _ => Err(()),
    }
}

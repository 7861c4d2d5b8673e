//! The outgoing side of one socket: frames the tenant actor has delivered that the
//! socket's writer has not written yet. Shared by the actor (which pushes, never
//! waiting) and the writer task (which drains).
//!
//! Three rules keep healthy readers connected and memory bounded:
//! - **Bytes, not frames.** The queue is measured in bytes. A *slow consumer* is a
//!   reader that does not read: more than `soft_bytes` queued and no progress for
//!   `stall`, or more than `hard_bytes` queued at all. One batch producing many
//!   small frames is not a reason to disconnect.
//! - **Coalescing.** A frame with a [`Coalesce`] key drops the unwritten frame
//!   with the same key and goes to the end of the queue: the latest state of a
//!   conversation, the queue position or the presence list wins, repeated
//!   updates cost nothing, and the order of a state against other frames is
//!   still the order in which they happened (an `ack` never overtakes the state
//!   that followed it).
//! - **Paced replays.** A replay (history after a seq) is not queued at once: the
//!   outbox keeps a cursor and asks for the next page ([`Outbox::refill_wanted`])
//!   only when the writer has caught up. Live frames that arrive meanwhile wait
//!   behind the replay, so the client still sees "history, then live", in seq order.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use natter_protocol::{ConversationId, Seq};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// What a frame may be coalesced on: only the newest unwritten one is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Coalesce {
    /// An agent's view of a conversation (`conversation`).
    Conversation(ConversationId),
    /// A visitor's view of their conversation (`visitor_conversation`).
    VisitorConversation(ConversationId),
    /// A visitor's queue position (`queue`).
    Queue,
    /// The team's presence (`presence`).
    Presence,
    /// The tenant's tag list (`tags`).
    Tags,
    /// KPIs changed (`metrics_changed`).
    Metrics,
}

/// A serialized frame and its coalescing key.
#[derive(Debug, Clone)]
pub struct Frame {
    pub text: Arc<str>,
    pub key: Option<Coalesce>,
}

/// Who a replay is for: the visitor gets `message` frames, an agent `history` pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Visitor,
    Agent,
}

/// A replay in progress: send the messages of `conversation` after `after`, up to
/// and including `upto` (the last seq when it started; later ones arrive live).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Replay {
    pub conversation: ConversationId,
    pub after: Seq,
    pub upto: Seq,
    pub audience: Audience,
}

/// The byte limits of one socket's queue.
#[derive(Debug, Clone, Copy)]
pub struct OutboxLimits {
    /// Above this many queued bytes, a reader that makes no progress for `stall` is dropped.
    pub soft_bytes: usize,
    /// Above this many queued bytes, the reader is dropped at once.
    pub hard_bytes: usize,
    pub stall: Duration,
}

/// What the writer should do next.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    /// Write these frames.
    Frames(Vec<Arc<str>>),
    /// Write these frames, then close the socket normally.
    FramesThenClose(Vec<Arc<str>>),
}

#[derive(Debug)]
enum Item {
    Frame(Frame),
    Close,
    /// A frame superseded by a newer one with the same key.
    Dropped,
}

impl Item {
    fn bytes(&self) -> usize {
        match self {
            Item::Frame(f) => f.text.len(),
            Item::Close | Item::Dropped => 0,
        }
    }
}

/// An ordered run of items with coalescing.
#[derive(Debug, Default)]
struct Lane {
    items: VecDeque<Item>,
    /// Absolute position of `items[0]`.
    first: u64,
    /// The unwritten frame per coalescing key, by absolute position.
    latest: HashMap<Coalesce, u64>,
    bytes: usize,
    /// `Dropped` items still in `items`; compacted away when they dominate.
    dropped: usize,
}

impl Lane {
    /// Appends; a keyed frame first drops the unwritten frame with its key.
    fn push(&mut self, item: Item) {
        if let Item::Frame(Frame { key: Some(key), .. }) = &item {
            let end = self.first + self.items.len() as u64;
            if let Some(pos) = self.latest.insert(*key, end) {
                let slot = &mut self.items[(pos - self.first) as usize];
                self.bytes -= slot.bytes();
                *slot = Item::Dropped;
                self.dropped += 1;
            }
        }
        self.bytes += item.bytes();
        self.items.push_back(item);
        if self.dropped > 64 && self.dropped * 2 > self.items.len() {
            self.compact();
        }
    }

    /// The next item to write (superseded ones are skipped).
    fn pop(&mut self) -> Option<Item> {
        loop {
            let item = self.items.pop_front()?;
            if let Item::Frame(Frame { key: Some(key), .. }) = &item
                && self.latest.get(key) == Some(&self.first)
            {
                self.latest.remove(key);
            }
            self.first += 1;
            self.bytes -= item.bytes();
            match item {
                Item::Dropped => self.dropped -= 1,
                item => return Some(item),
            }
        }
    }

    /// Removes superseded items, renumbering what is left: memory stays
    /// proportional to what is still to be written, however many updates came.
    fn compact(&mut self) {
        self.items.retain(|i| !matches!(i, Item::Dropped));
        self.dropped = 0;
        self.latest.clear();
        for (i, item) in self.items.iter().enumerate() {
            if let Item::Frame(Frame { key: Some(key), .. }) = item {
                self.latest.insert(*key, self.first + i as u64);
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.items.len() == self.dropped
    }
}

#[derive(Debug)]
struct Queue {
    /// What the writer takes next.
    ready: Lane,
    /// Live frames waiting for the replays ahead of them.
    held: Lane,
    /// Replays not finished yet, oldest first; `ready` gets their pages.
    replays: VecDeque<Replay>,
    /// The reader has been asked for the next replay page and not delivered it yet.
    refill_asked: bool,
    /// When the writer last took frames, or the queue last became non-empty.
    progress_at: Instant,
    /// No more frames are accepted (closed, or dropped as a slow consumer).
    closed: bool,
}

impl Queue {
    fn bytes(&self) -> usize {
        self.ready.bytes + self.held.bytes
    }

    fn is_empty(&self) -> bool {
        self.ready.is_empty() && self.held.is_empty()
    }
}

/// One socket's outgoing queue. Cheap to share (`Arc`).
#[derive(Debug)]
pub struct Outbox {
    queue: Mutex<Queue>,
    limits: OutboxLimits,
    writer: Notify,
    refill: Notify,
    kicked: CancellationToken,
}

impl Outbox {
    pub fn new(limits: OutboxLimits) -> Arc<Self> {
        Arc::new(Self {
            queue: Mutex::new(Queue {
                ready: Lane::default(),
                held: Lane::default(),
                replays: VecDeque::new(),
                refill_asked: false,
                progress_at: Instant::now(),
                closed: false,
            }),
            limits,
            writer: Notify::new(),
            refill: Notify::new(),
            kicked: CancellationToken::new(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Queue> {
        // A panic while holding this lock cannot leave the queue inconsistent in a way
        // that matters more than losing the socket; keep serving.
        self.queue.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Cancelled when the socket is dropped as a slow consumer.
    pub fn kicked(&self) -> &CancellationToken {
        &self.kicked
    }

    /// Queues a live frame without waiting (behind any replay in progress).
    pub fn push(&self, frame: Frame) {
        let mut q = self.lock();
        if q.closed {
            return;
        }
        if q.is_empty() {
            q.progress_at = Instant::now();
        }
        if q.replays.is_empty() {
            q.ready.push(Item::Frame(frame));
        } else {
            q.held.push(Item::Frame(frame));
        }
        self.settle(q);
    }

    /// Queues a close after everything queued so far; nothing is accepted after it.
    pub fn close(&self) {
        let mut q = self.lock();
        if q.closed {
            return;
        }
        if q.replays.is_empty() {
            q.ready.push(Item::Close);
        } else {
            q.held.push(Item::Close);
        }
        q.closed = true;
        drop(q);
        self.writer.notify_one();
    }

    /// Starts a replay: its pages are asked for when the writer has caught up.
    pub fn start_replay(&self, replay: Replay) {
        let mut q = self.lock();
        if q.closed {
            return;
        }
        q.replays.push_back(replay);
        let ask = Self::wants_refill(&mut q);
        drop(q);
        if ask {
            self.refill.notify_one();
        }
    }

    /// The replay whose next page is wanted, if any.
    pub fn current_replay(&self) -> Option<Replay> {
        self.lock().replays.front().copied()
    }

    /// Delivers one replay page. `next` is the replay's remaining cursor, or
    /// `None` when this page was its last; when the last replay ends, the held
    /// live frames follow.
    pub fn replay_page(&self, frames: Vec<Frame>, next: Option<Replay>) {
        let mut q = self.lock();
        q.refill_asked = false;
        if q.closed && q.replays.is_empty() {
            return;
        }
        if q.is_empty() {
            q.progress_at = Instant::now();
        }
        for f in frames {
            q.ready.push(Item::Frame(f));
        }
        match next {
            Some(cursor) => {
                if let Some(front) = q.replays.front_mut() {
                    *front = cursor;
                }
            }
            None => {
                q.replays.pop_front();
                if q.replays.is_empty() {
                    while let Some(item) = q.held.pop() {
                        q.ready.push(item);
                    }
                }
            }
        }
        let ask = Self::wants_refill(&mut q);
        self.settle(q);
        if ask {
            self.refill.notify_one();
        }
    }

    /// Resolves when the reader should ask the tenant for the next replay page.
    pub async fn refill_wanted(&self) {
        self.refill.notified().await;
    }

    /// Waits until there is something to write, then takes up to `max` items.
    pub async fn next(&self, max: usize) -> Next {
        loop {
            if let Some(next) = self.take(max) {
                return next;
            }
            self.writer.notified().await;
        }
    }

    fn take(&self, max: usize) -> Option<Next> {
        let mut q = self.lock();
        let mut frames = Vec::new();
        let mut close = false;
        while frames.len() < max {
            match q.ready.pop() {
                Some(Item::Frame(f)) => frames.push(f.text),
                Some(Item::Close) => {
                    close = true;
                    break;
                }
                // `pop` never returns a superseded item.
                Some(Item::Dropped) | None => break,
            }
        }
        if frames.is_empty() && !close {
            return None;
        }
        q.progress_at = Instant::now();
        let ask = Self::wants_refill(&mut q);
        drop(q);
        if ask {
            self.refill.notify_one();
        }
        Some(if close { Next::FramesThenClose(frames) } else { Next::Frames(frames) })
    }

    /// Bytes queued (ready and held).
    pub fn queued_bytes(&self) -> usize {
        self.lock().bytes()
    }

    /// A replay page is wanted when the writer has nothing else ready.
    fn wants_refill(q: &mut Queue) -> bool {
        let ask = !q.replays.is_empty() && !q.refill_asked && q.ready.is_empty();
        if ask {
            q.refill_asked = true;
        }
        ask
    }

    /// After a push: drop a reader that does not read, else wake the writer.
    fn settle(&self, mut q: MutexGuard<'_, Queue>) {
        let bytes = q.bytes();
        let stalled = bytes > self.limits.soft_bytes && q.progress_at.elapsed() > self.limits.stall;
        if bytes > self.limits.hard_bytes || stalled {
            q.closed = true;
            q.ready = Lane::default();
            q.held = Lane::default();
            q.replays.clear();
            drop(q);
            self.kicked.cancel();
            return;
        }
        drop(q);
        self.writer.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: OutboxLimits = OutboxLimits { soft_bytes: 100, hard_bytes: 1_000, stall: Duration::from_secs(3600) };

    fn frame(text: &str, key: Option<Coalesce>) -> Frame {
        Frame { text: Arc::from(text), key }
    }

    fn texts(next: Option<Next>) -> Vec<String> {
        match next {
            Some(Next::Frames(f) | Next::FramesThenClose(f)) => f.iter().map(|s| s.to_string()).collect(),
            None => vec![],
        }
    }

    fn replay(after: u64, upto: u64) -> Replay {
        Replay { conversation: ConversationId(1), after: Seq(after), upto: Seq(upto), audience: Audience::Visitor }
    }

    #[test]
    fn frames_come_out_in_order_and_a_newer_state_replaces_the_unwritten_one() {
        let out = Outbox::new(LIMITS);
        let conv = Some(Coalesce::Conversation(ConversationId(7)));
        out.push(frame("c7 v1", conv));
        out.push(frame("msg", None));
        out.push(frame("c7 v2", conv));
        assert_eq!(texts(out.take(10)), ["msg", "c7 v2"], "the state stays after what happened before it");
        // Once written, a new update queues again.
        out.push(frame("c7 v3", conv));
        assert_eq!(texts(out.take(10)), ["c7 v3"]);
        assert_eq!(out.queued_bytes(), 0);
    }

    #[test]
    fn many_updates_of_a_few_conversations_stay_a_few_frames() {
        let out = Outbox::new(OutboxLimits { soft_bytes: 100, hard_bytes: 200, stall: Duration::ZERO });
        for round in 0..1_000 {
            for id in 0..5 {
                out.push(frame(&format!("{round:04}"), Some(Coalesce::Conversation(ConversationId(id)))));
            }
        }
        assert!(!out.kicked().is_cancelled(), "20 bytes held, however many updates");
        assert_eq!(out.queued_bytes(), 20);
        let q = out.lock();
        assert!(q.ready.items.len() <= 5 + 2 * 64 + 1, "superseded entries are compacted: {}", q.ready.items.len());
        drop(q);
        assert_eq!(texts(out.take(10)), ["0999"; 5], "one frame per conversation, the newest");
    }

    #[test]
    fn a_reader_that_does_not_read_is_dropped_and_its_queue_freed() {
        let out = Outbox::new(OutboxLimits { soft_bytes: 10, hard_bytes: 1_000, stall: Duration::ZERO });
        out.push(frame("0123456789", None));
        assert!(!out.kicked().is_cancelled(), "at the soft limit");
        out.push(frame("x", None));
        assert!(out.kicked().is_cancelled(), "over the soft limit with no progress");
        assert_eq!(out.queued_bytes(), 0);
        out.push(frame("more", None));
        assert_eq!(out.queued_bytes(), 0, "nothing is accepted after the drop");
    }

    #[test]
    fn the_hard_limit_drops_even_a_reader_that_just_read() {
        let out = Outbox::new(LIMITS);
        out.push(frame(&"x".repeat(1_001), None));
        assert!(out.kicked().is_cancelled());
    }

    #[test]
    fn a_replay_goes_page_by_page_and_live_frames_wait_behind_it() {
        let out = Outbox::new(LIMITS);
        out.push(frame("welcome", None));
        out.start_replay(replay(0, 4));
        assert_eq!(out.current_replay(), Some(replay(0, 4)));
        out.push(frame("live 5", None));
        assert_eq!(texts(out.take(10)), ["welcome"], "the live frame waits for the replay");
        out.replay_page(vec![frame("1", None), frame("2", None)], Some(replay(2, 4)));
        assert_eq!(out.current_replay(), Some(replay(2, 4)));
        assert_eq!(texts(out.take(10)), ["1", "2"]);
        out.replay_page(vec![frame("3", None), frame("4", None)], None);
        assert_eq!(out.current_replay(), None);
        assert_eq!(texts(out.take(10)), ["3", "4", "live 5"]);
    }

    #[test]
    fn a_close_waits_behind_queued_frames() {
        let out = Outbox::new(LIMITS);
        out.push(frame("bye", None));
        out.close();
        out.push(frame("after close", None));
        assert_eq!(out.take(10), Some(Next::FramesThenClose(vec![Arc::from("bye")])));
    }
}

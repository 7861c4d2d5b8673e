//! The hot path's frames, written and read as text: a `send` frame carries its
//! own send time in its `client_id` (`m<µs since the run began>x<n>`), so an
//! `ack` or a delivered `message` yields its latency without any lookup. Frames
//! are scanned by prefix, never decoded into a tree: the load generator shares
//! two cores with the relay.

use std::fmt::Write as _;
use std::time::Instant;

const SEND_HEAD: &str = r#"{"type":"send","client_id":"m"#;
const SEND_TAIL: &str = r#"","text":"benchmark message: where is my parcel?"}"#;
const ACK_HEAD: &str = r#"{"type":"ack","#;
const MESSAGE_HEAD: &str = r#"{"type":"message","conversation_id":"#;
const ERROR_HEAD: &str = r#"{"type":"error","#;
/// A benchmark message's client id as it appears in `ack`, `message` and `error` frames.
const CLIENT_ID: &str = r#""client_id":"m"#;

/// Microseconds since the run began; every task holds a copy.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    epoch: Instant,
}

impl Clock {
    pub fn start() -> Self {
        Clock { epoch: Instant::now() }
    }

    pub fn us(self, at: Instant) -> u64 {
        at.saturating_duration_since(self.epoch).as_micros() as u64
    }

    pub fn now_us(self) -> u64 {
        self.us(Instant::now())
    }
}

/// The visitor's n-th benchmark message, sent at `sent_us`.
pub fn send(sent_us: u64, n: u64) -> String {
    let mut frame = String::with_capacity(SEND_HEAD.len() + SEND_TAIL.len() + 24);
    frame.push_str(SEND_HEAD);
    let _ = write!(frame, "{sent_us}x{n}");
    frame.push_str(SEND_TAIL);
    frame
}

/// The send time carried by a benchmark message's client id anywhere in `frame`.
fn sent_us(frame: &str) -> Option<u64> {
    let at = frame.rfind(CLIENT_ID)? + CLIENT_ID.len();
    let digits = &frame[at..];
    let end = digits.find('x')?;
    digits[..end].parse().ok()
}

/// An `ack` of a benchmark message: its send time.
pub fn ack(frame: &str) -> Option<u64> {
    if frame.starts_with(ACK_HEAD) { sent_us(frame) } else { None }
}

/// A `message` frame: its conversation id, and the rest of the frame for [`sent`].
pub fn message(frame: &str) -> Option<(u64, MessageRest<'_>)> {
    let rest = frame.strip_prefix(MESSAGE_HEAD)?;
    let end = rest.find(|c: char| !c.is_ascii_digit())?;
    Some((rest[..end].parse().ok()?, MessageRest(&rest[end..])))
}

/// A message frame after its conversation id: searched only when it matters,
/// since every agent socket receives every message of its tenant.
#[derive(Debug, Clone, Copy)]
pub struct MessageRest<'a>(&'a str);

impl MessageRest<'_> {
    /// The send time, if this is a benchmark message.
    pub fn sent(self) -> Option<u64> {
        sent_us(self.0)
    }
}

/// An `error` frame: whether it refused a benchmark message, and whether it is fatal.
pub fn error(frame: &str) -> Option<RelayError> {
    if !frame.starts_with(ERROR_HEAD) {
        return None;
    }
    Some(RelayError { about_send: frame.contains(CLIENT_ID), fatal: frame.contains(r#""fatal":true"#) })
}

/// What an error frame means for the sender.
#[derive(Debug, Clone, Copy)]
pub struct RelayError {
    pub about_send: bool,
    pub fatal: bool,
}

/// The `"code"` of an error frame, for reports.
pub fn error_code(frame: &str) -> &str {
    let Some(at) = frame.find(r#""code":""#) else { return "?" };
    let rest = &frame[at + 8..];
    rest.split('"').next().unwrap_or("?")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_send_time_comes_back_from_ack_and_message() {
        let sent = send(1234567, 3);
        assert!(sent.contains(r#""client_id":"m1234567x3""#));
        let ack_frame = r#"{"type":"ack","conversation_id":7,"client_id":"m1234567x3","seq":15,"duplicate":false}"#;
        assert_eq!(ack(ack_frame), Some(1234567));
        let msg = r#"{"type":"message","conversation_id":42,"message":{"seq":3,"at":1,"author":{"role":"visitor"},"body":{"kind":"text","text":"x","client_id":"m99x0"}}}"#;
        let (conversation, rest) = message(msg).expect("a message frame");
        assert_eq!((conversation, rest.sent()), (42, Some(99)));
    }

    #[test]
    fn other_frames_are_not_mistaken_for_benchmark_messages() {
        let event = r#"{"type":"message","conversation_id":5,"message":{"seq":2,"body":{"kind":"event"}}}"#;
        let (conversation, rest) = message(event).expect("a message frame");
        assert_eq!((conversation, rest.sent()), (5, None));
        assert_eq!(ack(r#"{"type":"ack","conversation_id":7,"client_id":"open-1","seq":1}"#), None);
        let slow = r#"{"type":"error","code":"slow_consumer","message":"…","fatal":true}"#;
        let e = error(slow).expect("an error frame");
        assert!(e.fatal && !e.about_send);
        assert_eq!(error_code(slow), "slow_consumer");
    }
}

//! Encoding the visitor's frames and the widget's stored values as JSON text,
//! written directly (no serializer, no `format!`): the same JSON serde writes for
//! the protocol types, absent optionals left out.

use natter_protocol::{Attachment, AttachmentKind, ConversationId, ScanState, Seq, VisitorFrame, VisitorInfo};

use crate::state::files::Unsent;

/// A JSON object being written.
struct Obj {
    out: String,
    empty: bool,
}

impl Obj {
    fn new() -> Self {
        Self { out: String::from("{"), empty: true }
    }

    fn key(&mut self, key: &str) {
        if !self.empty {
            self.out.push(',');
        }
        self.empty = false;
        push_str(&mut self.out, key);
        self.out.push(':');
    }

    fn str(mut self, key: &str, value: &str) -> Self {
        self.key(key);
        push_str(&mut self.out, value);
        self
    }

    fn opt_str(self, key: &str, value: Option<&str>) -> Self {
        match value {
            Some(v) => self.str(key, v),
            None => self,
        }
    }

    fn int(mut self, key: &str, value: i64) -> Self {
        self.key(key);
        push_int(&mut self.out, value);
        self
    }

    fn uint(self, key: &str, value: u64) -> Self {
        self.int(key, i64::try_from(value).unwrap_or(i64::MAX))
    }

    fn bool(mut self, key: &str, value: bool) -> Self {
        self.key(key);
        self.out.push_str(if value { "true" } else { "false" });
        self
    }

    /// A member whose value is already JSON text.
    fn raw(mut self, key: &str, json: &str) -> Self {
        self.key(key);
        self.out.push_str(json);
        self
    }

    fn end(mut self) -> String {
        self.out.push('}');
        self.out
    }
}

/// Appends `s` as a JSON string literal.
fn push_str(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let b = u32::from(c) as usize;
                out.push_str("\\u00");
                out.push(char::from(HEX[b >> 4]));
                out.push(char::from(HEX[b & 15]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Appends an integer in decimal.
fn push_int(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut m = n.unsigned_abs();
    loop {
        i -= 1;
        digits[i] = b'0' + (m % 10) as u8;
        m /= 10;
        if m == 0 {
            break;
        }
    }
    for d in &digits[i..] {
        out.push(char::from(*d));
    }
}

fn info(i: &VisitorInfo) -> String {
    let mut o = Obj::new()
        .opt_str("name", i.name.as_deref())
        .opt_str("email", i.email.as_deref())
        .opt_str("page_url", i.page_url.as_deref())
        .opt_str("referrer", i.referrer.as_deref())
        .opt_str("phone", i.phone.as_deref())
        .opt_str("department", i.department.as_deref());
    if !i.fields.is_empty() {
        let fields = i.fields.iter().fold(Obj::new(), |f, (k, v)| f.str(k, v)).end();
        o = o.raw("fields", &fields);
    }
    if let Some(m) = i.utc_offset_min {
        o = o.int("utc_offset_min", i64::from(m));
    }
    o.end()
}

/// A frame for the visitor socket.
pub fn visitor_frame(frame: &VisitorFrame) -> String {
    let o = Obj::new();
    match frame {
        VisitorFrame::Hello { v, token, conversation_id, last_seq } => {
            let mut o = o.str("type", "hello").uint("v", u64::from(*v)).opt_str("token", token.as_deref());
            if let Some(id) = conversation_id {
                o = o.uint("conversation_id", id.0);
            }
            if let Some(seq) = last_seq {
                o = o.uint("last_seq", seq.0);
            }
            o
        }
        VisitorFrame::Start { info: i } => o.str("type", "start").raw("info", &info(i)),
        VisitorFrame::Send { client_id, text, attachments } => {
            let o = o.str("type", "send").str("client_id", client_id.as_str()).str("text", text);
            if attachments.is_empty() {
                o
            } else {
                let mut ids = String::from("[");
                for (i, id) in attachments.iter().enumerate() {
                    if i > 0 {
                        ids.push(',');
                    }
                    push_str(&mut ids, id.as_str());
                }
                ids.push(']');
                o.raw("attachments", &ids)
            }
        }
        VisitorFrame::Typing { on } => o.str("type", "typing").bool("on", *on),
        VisitorFrame::Read { seq } => o.str("type", "read").uint("seq", seq.0),
        VisitorFrame::End => o.str("type", "end"),
        VisitorFrame::Rate { conversation_id, score, comment } => o
            .str("type", "rate")
            .uint("conversation_id", conversation_id.0)
            .uint("score", u64::from(*score))
            .opt_str("comment", comment.as_deref()),
        VisitorFrame::Identify { user_id, hash, name, email } => o
            .str("type", "identify")
            .str("user_id", user_id)
            .str("hash", hash)
            .opt_str("name", name.as_deref())
            .opt_str("email", email.as_deref()),
        VisitorFrame::Offline { client_id, name, email, text, page_url, referrer, utc_offset_min } => {
            let o = o
                .str("type", "offline")
                .str("client_id", client_id.as_str())
                .opt_str("name", name.as_deref())
                .str("email", email)
                .str("text", text)
                .opt_str("page_url", page_url.as_deref())
                .opt_str("referrer", referrer.as_deref());
            match utc_offset_min {
                Some(m) => o.int("utc_offset_min", i64::from(*m)),
                None => o,
            }
        }
        VisitorFrame::EmailTranscript { email, lang } => {
            o.str("type", "email_transcript").str("email", email).opt_str("lang", lang.as_deref())
        }
    }
    .end()
}

/// An attachment, as the relay writes it (kept with unsent messages and files).
pub fn attachment(a: &Attachment) -> String {
    let kind = if a.kind == AttachmentKind::Image { "image" } else { "file" };
    let scan = match a.scan {
        ScanState::Clean => "clean",
        ScanState::NotScanned => "not_scanned",
        _ => "unknown",
    };
    let mut o = Obj::new()
        .str("id", a.id.as_str())
        .str("name", &a.name)
        .uint("size", a.size)
        .str("mime", &a.mime)
        .str("kind", kind);
    if let Some(w) = a.width {
        o = o.uint("width", u64::from(w));
    }
    if let Some(h) = a.height {
        o = o.uint("height", u64::from(h));
    }
    o.str("scan", scan)
        .str("url", &a.url)
        .opt_str("thumb_url", a.thumb_url.as_deref())
        .int("url_expires_at", a.url_expires_at.0)
        .end()
}

fn list<T>(items: &[T], one: impl Fn(&T) -> String) -> String {
    let mut out = String::from("[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&one(item));
    }
    out.push(']');
    out
}

/// Unsent messages and files for localStorage, one list:
/// `[{"client_id","text","at","failed"?,"attachments"?}, {"tray": attachment}]`
/// (a widget without files reads the messages and drops the rest).
pub fn unsent(u: &Unsent) -> String {
    let message = |p: &crate::state::outbox::Pending| {
        let mut o = Obj::new().str("client_id", p.client_id.as_str()).str("text", &p.text).int("at", p.at.0);
        o = o.opt_str("failed", p.failed.map(|c| c.as_str()));
        if !p.attachments.is_empty() {
            o = o.raw("attachments", &list(&p.attachments, attachment));
        }
        o.end()
    };
    let mut entries: Vec<String> = u.messages.iter().map(message).collect();
    entries.extend(u.files.iter().map(|a| Obj::new().raw("tray", &attachment(a)).end()));
    list(&entries, String::clone)
}

/// The "seen up to" mark for localStorage: `[conversation id, seq]`.
pub fn seen(conversation: ConversationId, seq: Seq) -> String {
    let mut out = String::from("[");
    push_int(&mut out, i64::try_from(conversation.0).unwrap_or(i64::MAX));
    out.push(',');
    push_int(&mut out, i64::try_from(seq.0).unwrap_or(i64::MAX));
    out.push(']');
    out
}

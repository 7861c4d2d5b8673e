//! Reading a visitor's emailed reply (RFC 5322, parsed by mail-parser): the
//! reply token from the address it was sent to, the text without the quoted
//! history mail programs add under it, and its Message-ID (an MTA retry of the
//! same message is then recognised and not appended twice).

use mail_parser::{HeaderValue, MessageParser};

use super::reply_token::token_of_address;

/// Longest reply text kept, in bytes (the rest is cut on a character boundary).
pub const MAX_REPLY_BYTES: usize = 8_000;

/// What is needed from an inbound email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub token: String,
    pub text: String,
    /// The sender's Message-ID (or a hash of the raw message if it has none).
    pub message_id: String,
}

/// Why an inbound email was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Unreadable {
    #[error("not an RFC 5322 message")]
    NotAMessage,
    #[error("no reply+<token>@ address among the recipients")]
    NoToken,
    #[error("the reply has no text above the quoted history")]
    NoText,
}

/// Reads `raw`; `recipient` is the envelope recipient the MTA names, if any
/// (it wins over the headers: a Bcc'd reply address is in no header).
pub fn read(raw: &[u8], recipient: Option<&str>) -> Result<Reply, Unreadable> {
    let message = MessageParser::default().parse(raw).ok_or(Unreadable::NotAMessage)?;
    let token = recipient
        .and_then(token_of_address)
        .map(str::to_owned)
        .or_else(|| header_recipients(&message).into_iter().find_map(|a| token_of_address(&a).map(str::to_owned)))
        .ok_or(Unreadable::NoToken)?;
    let body = message.body_text(0).ok_or(Unreadable::NoText)?;
    let text = crate::tenant::clip(strip_quoted(&body).trim(), MAX_REPLY_BYTES);
    if text.is_empty() {
        return Err(Unreadable::NoText);
    }
    let message_id = match message.message_id() {
        Some(id) => id.to_owned(),
        None => hex(ring::digest::digest(&ring::digest::SHA256, raw).as_ref()),
    };
    Ok(Reply { token, text, message_id })
}

/// Every address in `Delivered-To`, `X-Original-To`, `To` and `Cc`.
fn header_recipients(message: &mail_parser::Message<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for name in ["Delivered-To", "X-Original-To"] {
        for v in message.header_values(name) {
            if let HeaderValue::Text(t) = v {
                out.push(t.to_string());
            }
            if let HeaderValue::Address(a) = v {
                out.extend(a.iter().filter_map(|x| x.address()).map(str::to_owned));
            }
        }
    }
    for list in [message.to(), message.cc()].into_iter().flatten() {
        out.extend(list.iter().filter_map(|a| a.address()).map(str::to_owned));
    }
    out
}

/// The reply above the quoted history: everything before the first line
/// that starts a quote ("On … wrote:", its Thai form "… เขียนว่า:", a `>`
/// line, Outlook's "-----Original Message-----" or "From:" block) or the
/// signature separator "-- ".
pub fn strip_quoted(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut end = lines.len();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim();
        let next = lines.get(i + 1).map_or("", |l| l.trim());
        if starts_quote(t, next) || *line == "-- " {
            end = i;
            break;
        }
    }
    lines[..end].join("\n").trim_end().to_owned()
}

fn starts_quote(line: &str, next: &str) -> bool {
    let wrote = |l: &str| l.ends_with("wrote:") || l.ends_with("เขียนว่า:") || l.ends_with("เขียน:");
    line.starts_with('>')
        || (line.starts_with("On ") && (wrote(line) || wrote(next)))
        || (line.starts_with("เมื่อ") && (wrote(line) || wrote(next)))
        || (line.starts_with("วันที่") && wrote(line))
        || line.starts_with("-----Original Message-----")
        || line.starts_with("________________________________")
        || (line.starts_with("From:") && next.starts_with("Sent:"))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_history_is_stripped_in_english_and_thai() {
        let gmail =
            "Yes, size M please.\n\nOn Mon, 1 Dec 2026 at 10:00, Shop <help@shop.example> wrote:\n> New reply\n";
        assert_eq!(strip_quoted(gmail), "Yes, size M please.");
        let wrapped = "Thanks!\nOn Mon, 1 Dec 2026 at 10:00, Shop\n<help@shop.example> wrote:\n> hi";
        assert_eq!(strip_quoted(wrapped), "Thanks!");
        let thai = "ขอบคุณค่ะ\n\nเมื่อ จ. 1 ธ.ค. 2026 10:00 Shop <help@shop.example> เขียนว่า:\n> ข้อความ";
        assert_eq!(strip_quoted(thai), "ขอบคุณค่ะ");
        let outlook = "OK\n\n-----Original Message-----\nFrom: Shop";
        assert_eq!(strip_quoted(outlook), "OK");
        assert_eq!(strip_quoted("Line one\nline two\n-- \nVee"), "Line one\nline two");
    }

    #[test]
    fn the_token_comes_from_the_envelope_or_the_headers() {
        let raw = b"From: Vee <vee@example.com>\r\nTo: Shop <reply+acme.7.abc.mac@in.shop.example>\r\n\
Message-ID: <m1@example.com>\r\nSubject: Re: x\r\n\r\nSure!\r\n\r\nOn Mon, Shop wrote:\r\n> old\r\n";
        let r = read(raw, None).unwrap();
        assert_eq!(
            (r.token.as_str(), r.text.as_str(), r.message_id.as_str()),
            ("acme.7.abc.mac", "Sure!", "m1@example.com")
        );
        let r = read(raw, Some("reply+other@in.shop.example")).unwrap();
        assert_eq!(r.token, "other");
        let no_token = b"From: a@b.c\r\nTo: help@shop.example\r\n\r\nhi\r\n";
        assert_eq!(read(no_token, None), Err(Unreadable::NoToken));
        let only_quote = b"To: reply+t@x.example\r\n\r\n> quoted only\r\n";
        assert_eq!(read(only_quote, None), Err(Unreadable::NoText));
    }
}

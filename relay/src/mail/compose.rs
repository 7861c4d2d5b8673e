//! Building the emails: every one is `multipart/alternative` with a plain-text
//! and an HTML part (the HTML escaped from the same content), in English or
//! Thai, with a Message-ID the outbox row decides and, for a conversation's
//! emails, `In-Reply-To`/`References` naming the conversation's thread root so
//! mail programs group them. Pure: no I/O, tested on what lettre formats.

use lettre::Message;
use lettre::message::header::{self, ContentTransferEncoding, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use natter_protocol::UnixMillis;

/// The two languages emails are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Th,
}

impl Lang {
    /// `th` is Thai; anything else English.
    pub fn parse(code: &str) -> Self {
        if code.eq_ignore_ascii_case("th") || code.to_ascii_lowercase().starts_with("th-") {
            Self::Th
        } else {
            Self::En
        }
    }

    /// Thai when the visitor wrote any Thai; else the shop's locale; else English.
    pub fn guess<'a>(visitor_texts: impl IntoIterator<Item = &'a str>, shop_locale: Option<&str>) -> Self {
        let thai = |c: char| ('\u{0E00}'..='\u{0E7F}').contains(&c);
        if visitor_texts.into_iter().any(|t| t.chars().any(thai)) {
            return Self::Th;
        }
        shop_locale.map_or(Self::En, Self::parse)
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Th => "th",
        }
    }
}

/// One message quoted in an email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Who wrote it, as the reader knows them ("You", the agent's name).
    pub who: String,
    pub text: String,
    pub at: UnixMillis,
}

/// The envelope-level headers of one email.
#[derive(Debug, Clone)]
pub struct Addressing {
    pub from: Mailbox,
    pub to: Mailbox,
    pub reply_to: Option<Mailbox>,
    /// `<...@...>`, decided by the outbox row.
    pub message_id: String,
    /// The conversation's thread root, for `In-Reply-To` and `References`.
    pub thread: Option<String>,
    /// `List-Unsubscribe` (notifications): the `mailto:` and, when the relay
    /// has a public origin, the one-click HTTPS link (RFC 8058), without brackets.
    pub unsubscribe: Option<Unsubscribe>,
}

/// What an email says, before it is laid out as text and HTML.
#[derive(Debug, Clone, Default)]
pub struct Body {
    pub subject: String,
    /// Paragraphs before the messages.
    pub intro: Vec<String>,
    /// Titled groups of quoted messages.
    pub sections: Vec<(String, Vec<Line>)>,
    /// Paragraphs after the messages.
    pub outro: Vec<String>,
}

/// Why an email could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    #[error("building the email: {0}")]
    Build(#[from] lettre::error::Error),
    #[error("not an email address: {0}")]
    Address(#[from] lettre::address::AddressError),
}

/// Lays `body` out as text and HTML under `to`'s headers.
pub fn build(to: &Addressing, lang: Lang, body: &Body) -> Result<Message, ComposeError> {
    let mut builder = Message::builder()
        .from(to.from.clone())
        .to(to.to.clone())
        .subject(body.subject.clone())
        .message_id(Some(to.message_id.clone()))
        .header(ContentLanguage(lang.code()))
        .user_agent("Natter".to_owned());
    if let Some(reply_to) = &to.reply_to {
        builder = builder.reply_to(reply_to.clone());
    }
    if let Some(thread) = &to.thread {
        builder = builder.in_reply_to(thread.clone()).references(thread.clone());
    }
    if let Some(u) = &to.unsubscribe {
        let value = match &u.one_click {
            Some(link) => format!("<{link}>, <{}>", u.mailto),
            None => format!("<{}>", u.mailto),
        };
        builder = builder.header(ListUnsubscribe(value));
        if u.one_click.is_some() {
            builder = builder.header(ListUnsubscribePost);
        }
    }
    let parts = MultiPart::alternative()
        .singlepart(part(header::ContentType::TEXT_PLAIN, text(body)))
        .singlepart(part(header::ContentType::TEXT_HTML, html(lang, body)));
    Ok(builder.multipart(parts)?)
}

fn part(kind: header::ContentType, content: String) -> SinglePart {
    SinglePart::builder().header(kind).header(ContentTransferEncoding::QuotedPrintable).body(content)
}

/// When a message was written, in UTC (the reader's zone is not known).
pub fn when(at: UnixMillis) -> String {
    jiff::Timestamp::from_millisecond(at.0).map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_default()
}

fn text(body: &Body) -> String {
    let mut out = String::new();
    for p in &body.intro {
        out.push_str(p);
        out.push_str("\n\n");
    }
    for (title, lines) in &body.sections {
        out.push_str(&format!("{title}\n{}\n", "-".repeat(title.chars().count().min(60))));
        for l in lines {
            out.push_str(&format!("{} ({}):\n", l.who, when(l.at)));
            for t in l.text.lines() {
                out.push_str(&format!("  {t}\n"));
            }
            out.push('\n');
        }
    }
    for p in &body.outro {
        out.push_str(p);
        out.push_str("\n\n");
    }
    out
}

fn html(lang: Lang, body: &Body) -> String {
    let mut out = format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body style=\"font-family:sans-serif;line-height:1.5;color:#111\">",
        lang.code(),
        escape(&body.subject)
    );
    for p in &body.intro {
        out.push_str(&format!("<p>{}</p>", escape(p)));
    }
    for (title, lines) in &body.sections {
        out.push_str(&format!("<h3 style=\"margin:1.2em 0 .4em\">{}</h3>", escape(title)));
        for l in lines {
            out.push_str(&format!(
                "<div style=\"margin:0 0 .8em;padding-left:.8em;border-left:3px solid #ddd\">\
                 <div style=\"color:#555;font-size:.9em\"><strong>{}</strong> · {}</div><div>{}</div></div>",
                escape(&l.who),
                escape(&when(l.at)),
                escape(&l.text).replace('\n', "<br>")
            ));
        }
    }
    for p in &body.outro {
        out.push_str(&format!("<p style=\"color:#555;font-size:.9em\">{}</p>", escape(p)));
    }
    out.push_str("</body></html>");
    out
}

/// HTML-escapes text (element content and quoted attribute values).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `Content-Language`.
#[derive(Debug, Clone)]
struct ContentLanguage(&'static str);

impl header::Header for ContentLanguage {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Content-Language")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Err("not parsed".into())
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.to_owned())
    }
}

/// Where a notification's reader unsubscribes.
#[derive(Debug, Clone)]
pub struct Unsubscribe {
    pub mailto: String,
    /// `https://…/v1/mail/unsubscribe/<token>`: one click, no sign-in.
    pub one_click: Option<String>,
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058): the link
/// unsubscribes on a POST, so mail clients show an unsubscribe button.
#[derive(Debug, Clone)]
struct ListUnsubscribePost;

impl header::Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_owned())
    }
}

/// `List-Unsubscribe` (RFC 2369), on notifications.
#[derive(Debug, Clone)]
struct ListUnsubscribe(String);

impl header::Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.to_owned()))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// The texts of each kind of email, per language.
pub mod texts {
    use super::Lang;

    pub fn you(lang: Lang) -> &'static str {
        match lang {
            Lang::En => "You",
            Lang::Th => "คุณ",
        }
    }

    pub fn reply_subject(lang: Lang, shop: &str) -> String {
        match lang {
            Lang::En => format!("New reply from {shop}"),
            Lang::Th => format!("มีข้อความตอบกลับจาก {shop}"),
        }
    }

    pub fn reply_intro(lang: Lang, shop: &str) -> String {
        match lang {
            Lang::En => format!("{shop} answered you in the chat while you were away."),
            Lang::Th => format!("{shop} ได้ตอบกลับข้อความของคุณในแชทระหว่างที่คุณไม่อยู่"),
        }
    }

    pub fn new_replies(lang: Lang) -> &'static str {
        match lang {
            Lang::En => "New replies",
            Lang::Th => "ข้อความตอบกลับใหม่",
        }
    }

    pub fn earlier(lang: Lang) -> &'static str {
        match lang {
            Lang::En => "Earlier in the conversation",
            Lang::Th => "ข้อความก่อนหน้า",
        }
    }

    pub fn reply_by_email(lang: Lang) -> &'static str {
        match lang {
            Lang::En => "Reply to this email to answer: your reply goes straight into the conversation.",
            Lang::Th => "ตอบกลับอีเมลนี้ได้เลย ข้อความของคุณจะถูกส่งเข้าสู่บทสนทนาโดยตรง",
        }
    }

    pub fn csat_subject(lang: Lang, shop: &str) -> String {
        match lang {
            Lang::En => format!("How was your chat with {shop}?"),
            Lang::Th => format!("การแชทกับ {shop} เป็นอย่างไรบ้าง"),
        }
    }

    /// The survey's question when the shop set none (the widget's own words).
    pub fn csat_question(lang: Lang) -> &'static str {
        match lang {
            Lang::En => "How was your chat?",
            Lang::Th => "การแชทครั้งนี้เป็นอย่างไรบ้าง",
        }
    }

    pub fn csat_rate_here(lang: Lang) -> &'static str {
        match lang {
            Lang::En => "Tell us with one click (the link works until the survey closes):",
            Lang::Th => "บอกเราได้ในคลิกเดียว (ลิงก์ใช้ได้จนกว่าแบบสำรวจจะปิด):",
        }
    }

    pub fn transcript_subject(lang: Lang, shop: &str) -> String {
        match lang {
            Lang::En => format!("Your conversation with {shop}"),
            Lang::Th => format!("บทสนทนาของคุณกับ {shop}"),
        }
    }

    pub fn transcript_intro(lang: Lang) -> &'static str {
        match lang {
            Lang::En => "Here is a copy of your conversation, as you asked.",
            Lang::Th => "นี่คือสำเนาบทสนทนาของคุณตามที่ขอไว้",
        }
    }

    pub fn conversation(lang: Lang) -> &'static str {
        match lang {
            Lang::En => "Conversation",
            Lang::Th => "บทสนทนา",
        }
    }

    pub fn test_subject(lang: Lang) -> &'static str {
        match lang {
            Lang::En => "Natter test email",
            Lang::Th => "อีเมลทดสอบจาก Natter",
        }
    }

    pub fn test_intro(lang: Lang) -> &'static str {
        match lang {
            Lang::En => "Your shop's email settings work: this message went through your SMTP server.",
            Lang::Th => "การตั้งค่าอีเมลของร้านใช้งานได้ ข้อความนี้ส่งผ่านเซิร์ฟเวอร์ SMTP ของคุณ",
        }
    }

    pub fn offline_subject(lang: Lang, who: &str) -> String {
        match lang {
            Lang::En => format!("New offline message from {who}"),
            Lang::Th => format!("ข้อความออฟไลน์ใหม่จาก {who}"),
        }
    }

    pub fn missed_subject(lang: Lang, who: &str) -> String {
        match lang {
            Lang::En => format!("Missed chat: {who} left the queue unanswered"),
            Lang::Th => format!("แชทที่พลาด: {who} ออกจากคิวโดยไม่ได้รับคำตอบ"),
        }
    }

    pub fn digest_subject(lang: Lang, shop: &str) -> String {
        match lang {
            Lang::En => format!("Daily digest for {shop}"),
            Lang::Th => format!("สรุปประจำวันของ {shop}"),
        }
    }

    pub fn notification_outro(lang: Lang) -> &'static str {
        match lang {
            Lang::En => "You get this because of your notification settings in the Natter console.",
            Lang::Th => "คุณได้รับอีเมลนี้ตามการตั้งค่าการแจ้งเตือนในคอนโซล Natter",
        }
    }

    pub fn visitor(lang: Lang) -> &'static str {
        match lang {
            Lang::En => "a visitor",
            Lang::Th => "ผู้เยี่ยมชม",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addressing() -> Addressing {
        Addressing {
            from: "Shop <help@shop.example>".parse().unwrap(),
            to: "vee@example.com".parse().unwrap(),
            reply_to: Some("reply+t@in.shop.example".parse().unwrap()),
            message_id: "<natter.acme.1@shop.example>".into(),
            thread: Some("<natter.acme.c7@shop.example>".into()),
            unsubscribe: None,
        }
    }

    #[test]
    fn an_email_has_text_and_escaped_html_parts_and_its_headers() {
        let body = Body {
            subject: "มีข้อความตอบกลับจาก Shop".into(),
            intro: vec!["Hello <b>you</b>".into()],
            sections: vec![("New".into(), vec![Line { who: "Ann".into(), text: "1 < 2".into(), at: UnixMillis(0) }])],
            outro: vec![],
        };
        let raw = String::from_utf8(build(&addressing(), Lang::Th, &body).unwrap().formatted()).unwrap();
        assert!(raw.contains("Message-ID: <natter.acme.1@shop.example>"), "{raw}");
        assert!(raw.contains("In-Reply-To: <natter.acme.c7@shop.example>"));
        assert!(raw.contains("References: <natter.acme.c7@shop.example>"));
        assert!(raw.contains("Content-Language: th"));
        assert!(raw.contains("multipart/alternative"));
        assert!(raw.contains("text/plain") && raw.contains("text/html"));
        let parsed = mail_parser::MessageParser::default().parse(raw.as_bytes()).unwrap();
        assert_eq!(parsed.subject(), Some("มีข้อความตอบกลับจาก Shop"));
        assert!(parsed.body_html(0).unwrap().contains("Hello &lt;b&gt;you&lt;/b&gt;"));
        assert!(parsed.body_html(0).unwrap().contains("1 &lt; 2"));
        assert!(parsed.body_text(0).unwrap().contains("1 < 2"));
    }

    #[test]
    fn the_language_follows_the_visitor_then_the_shop() {
        assert_eq!(Lang::guess(["สวัสดีค่ะ"], None), Lang::Th);
        assert_eq!(Lang::guess(["hello"], Some("th")), Lang::Th);
        assert_eq!(Lang::guess(["hello"], None), Lang::En);
    }
}

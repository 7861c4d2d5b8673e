//! The widget's strings, in English and Thai. The language follows, in order: the
//! host page's `Natter.setLocale()`, the tenant's configured language, the
//! visitor's browser; anything else falls back to English.

use natter_protocol::ErrorCode;

/// A language the widget speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    #[default]
    En,
    Th,
}

impl Locale {
    /// Reads a BCP 47 tag (`th`, `th-TH`, `en-GB`); `None` if no table matches.
    pub fn parse(tag: &str) -> Option<Self> {
        let primary = tag.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Self::En),
            "th" => Some(Self::Th),
            _ => None,
        }
    }

    /// The `lang` attribute value.
    pub fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Th => "th",
        }
    }

    pub fn strings(self) -> &'static Strings {
        match self {
            Self::En => &EN,
            Self::Th => &TH,
        }
    }
}

/// Every sentence the widget shows. `{}` marks where [`fill`] puts a value.
#[derive(Debug)]
pub struct Strings {
    pub default_header: &'static str,
    pub default_greeting: &'static str,
    pub close: &'static str,
    pub end_chat: &'static str,
    pub start_chat: &'static str,
    pub new_chat: &'static str,
    pub your_name: &'static str,
    pub your_email: &'static str,
    pub optional: &'static str,
    pub prechat_intro: &'static str,
    pub message_label: &'static str,
    pub message_placeholder: &'static str,
    pub send: &'static str,
    pub messages: &'static str,
    pub you: &'static str,
    pub agent_fallback: &'static str,
    /// `{}`: the agent's name.
    pub agent_typing: &'static str,
    pub someone_typing: &'static str,
    pub seen: &'static str,
    pub sending: &'static str,
    pub not_sent: &'static str,
    pub remove: &'static str,
    pub waiting: &'static str,
    /// `{}`: the agent's name.
    pub with_agent: &'static str,
    /// `{}`: who closed it.
    pub ended_by: &'static str,
    pub ended: &'static str,
    pub ended_notice: &'static str,
    /// `{}`: the agent's name.
    pub joined: &'static str,
    /// `{}` from, `{}` to.
    pub transferred: &'static str,
    pub offline: &'static str,
    pub connecting: &'static str,
    pub reconnecting: &'static str,
    pub retry_now: &'static str,
    pub back_online: &'static str,
    pub too_long: &'static str,
    /// `{}`: the agent's name.
    pub new_message_from: &'static str,
    pub unavailable: &'static str,
    pub err_rate_limited: &'static str,
    pub err_closed: &'static str,
    pub err_generic: &'static str,
    pub err_identity: &'static str,
    pub dismiss: &'static str,
    /// `{}`: the position.
    pub queue_position: &'static str,
    /// `{}`: minutes.
    pub queue_wait: &'static str,
    pub queue_wait_soon: &'static str,
    pub offline_title: &'static str,
    pub offline_send: &'static str,
    pub offline_sent: &'static str,
    /// Waiting while no agent is online.
    pub nobody_online: &'static str,
    pub leave_message: &'static str,
    pub back_to_chat: &'static str,
    pub email_invalid: &'static str,
    pub field_required: &'static str,
    pub choose: &'static str,
    pub required_mark: &'static str,
    pub chat_window: &'static str,
}

pub static EN: Strings = Strings {
    default_header: "Chat with us",
    default_greeting: "Hi! Questions about an order or a product? We are happy to help.",
    close: "Close chat",
    end_chat: "End chat",
    start_chat: "Start a chat",
    new_chat: "Start a new chat",
    your_name: "Your name",
    your_email: "Your email",
    optional: "(optional)",
    prechat_intro: "Tell us who you are so we can follow up, or just start.",
    message_label: "Message",
    message_placeholder: "Type a message…",
    send: "Send",
    messages: "Conversation",
    you: "You",
    agent_fallback: "Support",
    agent_typing: "{} is typing…",
    someone_typing: "Typing…",
    seen: "Seen",
    sending: "Sending…",
    not_sent: "Not sent",
    remove: "Remove",
    waiting: "Waiting for an agent. We will answer as soon as one is free.",
    with_agent: "You are chatting with {}",
    ended_by: "Chat ended by {}",
    ended: "Chat ended",
    ended_notice: "This chat has ended. Thank you!",
    joined: "{} joined the chat",
    transferred: "{} handed the chat to {}",
    offline: "We are offline right now. Leave a message and we will answer here.",
    connecting: "Connecting…",
    reconnecting: "Connection lost. Reconnecting… Nothing you type is lost.",
    retry_now: "Retry now",
    back_online: "Connected again",
    too_long: "This message is too long.",
    new_message_from: "New message from {}",
    unavailable: "Chat is unavailable on this page.",
    err_rate_limited: "You are sending too fast. Please wait a moment.",
    err_closed: "This chat has ended.",
    err_generic: "Something went wrong. Please try again.",
    err_identity: "We could not confirm your account; you are chatting as a guest.",
    dismiss: "Dismiss",
    queue_position: "You are number {} in the queue.",
    queue_wait: "About {} min.",
    queue_wait_soon: "Less than a minute.",
    offline_title: "Leave us a message",
    offline_send: "Send message",
    offline_sent: "Thank you! We will get back to you soon.",
    nobody_online: "No one is available right now — leave a message and we'll reply by email.",
    leave_message: "Leave a message",
    back_to_chat: "Keep waiting",
    email_invalid: "Please enter a valid email address.",
    field_required: "Please fill in this field.",
    choose: "Choose…",
    required_mark: "(required)",
    chat_window: "Chat",
};

pub static TH: Strings = Strings {
    default_header: "แชทกับเรา",
    default_greeting: "สวัสดีค่ะ มีคำถามเกี่ยวกับคำสั่งซื้อหรือสินค้าไหมคะ เรายินดีช่วยเหลือ",
    close: "ปิดแชท",
    end_chat: "จบการสนทนา",
    start_chat: "เริ่มแชท",
    new_chat: "เริ่มแชทใหม่",
    your_name: "ชื่อของคุณ",
    your_email: "อีเมลของคุณ",
    optional: "(ไม่บังคับ)",
    prechat_intro: "บอกเราว่าคุณคือใครเพื่อให้เราติดต่อกลับได้ หรือเริ่มแชทได้เลย",
    message_label: "ข้อความ",
    message_placeholder: "พิมพ์ข้อความ…",
    send: "ส่ง",
    messages: "การสนทนา",
    you: "คุณ",
    agent_fallback: "ฝ่ายบริการ",
    agent_typing: "{} กำลังพิมพ์…",
    someone_typing: "กำลังพิมพ์…",
    seen: "อ่านแล้ว",
    sending: "กำลังส่ง…",
    not_sent: "ส่งไม่สำเร็จ",
    remove: "ลบ",
    waiting: "กำลังรอเจ้าหน้าที่ เราจะตอบกลับทันทีที่มีเจ้าหน้าที่ว่าง",
    with_agent: "คุณกำลังคุยกับ {}",
    ended_by: "{} จบการสนทนา",
    ended: "จบการสนทนาแล้ว",
    ended_notice: "การสนทนานี้จบแล้ว ขอบคุณค่ะ",
    joined: "{} เข้าร่วมการสนทนา",
    transferred: "{} ส่งต่อการสนทนาให้ {}",
    offline: "ขณะนี้เราไม่อยู่ ฝากข้อความไว้ได้ แล้วเราจะตอบกลับที่นี่",
    connecting: "กำลังเชื่อมต่อ…",
    reconnecting: "การเชื่อมต่อขาดหาย กำลังเชื่อมต่อใหม่… ข้อความที่พิมพ์จะไม่หาย",
    retry_now: "ลองอีกครั้ง",
    back_online: "เชื่อมต่อแล้ว",
    too_long: "ข้อความยาวเกินไป",
    new_message_from: "ข้อความใหม่จาก {}",
    unavailable: "แชทไม่พร้อมใช้งานในหน้านี้",
    err_rate_limited: "คุณส่งเร็วเกินไป กรุณารอสักครู่",
    err_closed: "การสนทนานี้จบแล้ว",
    err_generic: "เกิดข้อผิดพลาด กรุณาลองอีกครั้ง",
    err_identity: "ไม่สามารถยืนยันบัญชีของคุณได้ คุณกำลังแชทในฐานะผู้เยี่ยมชม",
    dismiss: "ปิด",
    queue_position: "คุณอยู่ลำดับที่ {} ในคิว",
    queue_wait: "ประมาณ {} นาที",
    queue_wait_soon: "ไม่ถึงหนึ่งนาที",
    offline_title: "ฝากข้อความถึงเรา",
    offline_send: "ส่งข้อความ",
    offline_sent: "ขอบคุณค่ะ เราจะติดต่อกลับโดยเร็ว",
    nobody_online: "ขณะนี้ไม่มีเจ้าหน้าที่ว่าง ฝากข้อความไว้ แล้วเราจะตอบกลับทางอีเมล",
    leave_message: "ฝากข้อความ",
    back_to_chat: "รอต่อ",
    email_invalid: "กรุณากรอกอีเมลให้ถูกต้อง",
    field_required: "กรุณากรอกช่องนี้",
    choose: "เลือก…",
    required_mark: "(จำเป็น)",
    chat_window: "แชท",
};

/// Replaces each `{}` in `template` with the next of `values`.
pub fn fill(template: &str, values: &[&str]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut values = values.iter();
    let mut rest = template;
    while let Some(i) = rest.find("{}") {
        out.push_str(&rest[..i]);
        out.push_str(values.next().copied().unwrap_or(""));
        rest = &rest[i + 2..];
    }
    out.push_str(rest);
    out
}

/// The sentence shown for an error the relay reported about something the visitor did.
pub fn error_text(s: &Strings, code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::RateLimited => s.err_rate_limited,
        ErrorCode::ConversationClosed | ErrorCode::NoConversation => s.err_closed,
        ErrorCode::FrameTooLarge | ErrorCode::InvalidInput => s.too_long,
        ErrorCode::UnknownTenant | ErrorCode::OriginNotAllowed => s.unavailable,
        _ => s.err_generic,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_pick_a_table() {
        assert_eq!(Locale::parse("th-TH"), Some(Locale::Th));
        assert_eq!(Locale::parse("TH"), Some(Locale::Th));
        assert_eq!(Locale::parse("en_GB"), Some(Locale::En));
        assert_eq!(Locale::parse("ja"), None);
        assert_eq!(Locale::parse(""), None);
    }

    #[test]
    fn fill_replaces_in_order() {
        assert_eq!(fill("{} handed the chat to {}", &["Ann", "Bo"]), "Ann handed the chat to Bo");
        assert_eq!(fill("no holes", &["x"]), "no holes");
        assert_eq!(fill("{} and {}", &["one"]), "one and ");
    }

    #[test]
    fn both_tables_fill_the_same_holes() {
        let holes = |s: &Strings| {
            [
                s.agent_typing,
                s.with_agent,
                s.ended_by,
                s.joined,
                s.transferred,
                s.new_message_from,
                s.queue_position,
                s.queue_wait,
            ]
            .map(|t| t.matches("{}").count())
        };
        assert_eq!(holes(&EN), holes(&TH));
    }
}

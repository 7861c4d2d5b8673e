//! The widget's strings, in English and Thai. The language follows, in order: the
//! host page's `Natter.setLocale()`, the tenant's configured language, the
//! visitor's browser; anything else falls back to English.

use natter_protocol::ErrorCode;

use crate::state::files::Problem;

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
    /// Above the offline form when the shop closed while the visitor wrote.
    pub shop_just_closed: &'static str,
    /// The toggle that silences the new-message chime (pressed: muted).
    pub mute: &'static str,
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
    /// The queue notice once the wait passed the shop's limit.
    pub taking_long: &'static str,
    pub leave_message: &'static str,
    pub back_to_chat: &'static str,
    pub email_invalid: &'static str,
    pub field_required: &'static str,
    pub choose: &'static str,
    pub required_mark: &'static str,
    pub chat_window: &'static str,
    pub attach: &'static str,
    pub drop_files: &'static str,
    pub files_to_send: &'static str,
    pub uploading: &'static str,
    pub ready_to_send: &'static str,
    pub cancel: &'static str,
    pub retry: &'static str,
    pub not_scanned: &'static str,
    pub close_image: &'static str,
    /// `{}`: the file's name.
    pub file_refused: &'static str,
    /// `{}`: the file's name.
    pub file_not_sent: &'static str,
    pub err_file_too_large: &'static str,
    /// `{}`: megabytes.
    pub err_file_limit: &'static str,
    pub err_file_type: &'static str,
    pub err_file_mismatch: &'static str,
    pub err_file_empty: &'static str,
    pub err_file_unreadable: &'static str,
    pub err_file_infected: &'static str,
    pub err_file_name: &'static str,
    pub err_scanner: &'static str,
    pub err_quota: &'static str,
    pub err_files_off: &'static str,
    pub err_upload_network: &'static str,
    pub err_too_many_files: &'static str,
    pub err_file_gone: &'static str,
    /// The survey's question when the shop set none.
    pub survey_question: &'static str,
    /// The five choices, 1 to 5 (shown as "1 – Very poor").
    pub ratings: [&'static str; 5],
    pub rating_comment: &'static str,
    pub rating_submit: &'static str,
    pub rating_missing: &'static str,
    /// `{}`: the score.
    pub rating_thanks: &'static str,
    pub rating_change: &'static str,
    pub err_rating_expired: &'static str,
    pub err_rating_locked: &'static str,
    pub err_rating_unavailable: &'static str,
    pub email_me: &'static str,
    /// `{}`: the address.
    pub transcript_sent: &'static str,
    pub err_email_off: &'static str,
    pub err_transcript_limit: &'static str,
}

pub static EN: Strings = Strings {
    default_header: "Chat with us",
    default_greeting: "Hi! Questions about an order or a product? We are happy to help.",
    close: "Close chat",
    shop_just_closed: "The shop has just closed. Your message is below: add your email and we will answer by email.",
    mute: "Mute sounds",
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
    taking_long: "This is taking longer than usual — leave a message and we'll reply by email.",
    leave_message: "Leave a message",
    back_to_chat: "Keep waiting",
    email_invalid: "Please enter a valid email address.",
    field_required: "Please fill in this field.",
    choose: "Choose…",
    required_mark: "(required)",
    chat_window: "Chat",
    attach: "Attach files",
    drop_files: "Drop files here to send them",
    files_to_send: "Files to send",
    uploading: "Uploading…",
    ready_to_send: "Ready to send",
    cancel: "Cancel",
    retry: "Try again",
    not_scanned: "Not checked for viruses",
    close_image: "Close image",
    file_refused: "{} was not sent: it looks harmful.",
    file_not_sent: "{} was not sent.",
    err_file_too_large: "This file is too large.",
    err_file_limit: "This file is too large: the limit is {} MB.",
    err_file_type: "This type of file cannot be sent here.",
    err_file_mismatch: "This file's name does not match what is in it, so it was not sent.",
    err_file_empty: "This file is empty.",
    err_file_unreadable: "This image is damaged or too big to open.",
    err_file_infected: "This file was blocked because it looks harmful.",
    err_file_name: "This file's name cannot be used. Rename it and try again.",
    err_scanner: "Files cannot be checked right now. Please try again in a minute.",
    err_quota: "This shop cannot take more files right now.",
    err_files_off: "Sending files is not available in this chat.",
    err_upload_network: "The upload failed. Check your connection and try again.",
    err_too_many_files: "You can send up to 10 files at once.",
    err_file_gone: "This file is no longer available.",
    survey_question: "How was your chat?",
    ratings: ["Very poor", "Poor", "Okay", "Good", "Excellent"],
    rating_comment: "Anything to add?",
    rating_submit: "Submit",
    rating_missing: "Please choose a rating.",
    rating_thanks: "Thank you for your feedback! You rated this chat {} out of 5.",
    rating_change: "Change rating",
    err_rating_expired: "This survey has closed.",
    err_rating_locked: "A rating can be changed only once.",
    err_rating_unavailable: "This chat cannot be rated.",
    email_me: "Email me this conversation",
    transcript_sent: "Sent to {}.",
    err_email_off: "This shop does not send email.",
    err_transcript_limit: "Too many emails asked for. Please try again later.",
};

pub static TH: Strings = Strings {
    default_header: "แชทกับเรา",
    default_greeting: "สวัสดีค่ะ มีคำถามเกี่ยวกับคำสั่งซื้อหรือสินค้าไหมคะ เรายินดีช่วยเหลือ",
    close: "ปิดแชท",
    shop_just_closed: "ร้านเพิ่งปิดทำการ ข้อความของคุณอยู่ด้านล่าง ใส่อีเมลไว้แล้วเราจะตอบกลับทางอีเมล",
    mute: "ปิดเสียงแจ้งเตือน",
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
    taking_long: "ใช้เวลานานกว่าปกติ ฝากข้อความไว้ แล้วเราจะตอบกลับทางอีเมล",
    leave_message: "ฝากข้อความ",
    back_to_chat: "รอต่อ",
    email_invalid: "กรุณากรอกอีเมลให้ถูกต้อง",
    field_required: "กรุณากรอกช่องนี้",
    choose: "เลือก…",
    required_mark: "(จำเป็น)",
    chat_window: "แชท",
    attach: "แนบไฟล์",
    drop_files: "วางไฟล์ที่นี่เพื่อส่ง",
    files_to_send: "ไฟล์ที่จะส่ง",
    uploading: "กำลังอัปโหลด…",
    ready_to_send: "พร้อมส่ง",
    cancel: "ยกเลิก",
    retry: "ลองใหม่",
    not_scanned: "ยังไม่ได้ตรวจหาไวรัส",
    close_image: "ปิดรูปภาพ",
    file_refused: "ไม่ได้ส่ง {} เพราะไฟล์นี้ดูเหมือนเป็นอันตราย",
    file_not_sent: "ไม่ได้ส่ง {}",
    err_file_too_large: "ไฟล์นี้ใหญ่เกินไป",
    err_file_limit: "ไฟล์นี้ใหญ่เกินไป ขนาดสูงสุดคือ {} MB",
    err_file_type: "ไม่สามารถส่งไฟล์ประเภทนี้ได้",
    err_file_mismatch: "ชื่อไฟล์ไม่ตรงกับเนื้อหาในไฟล์ จึงไม่ได้ส่ง",
    err_file_empty: "ไฟล์นี้ว่างเปล่า",
    err_file_unreadable: "รูปภาพนี้เสียหายหรือใหญ่เกินกว่าจะเปิดได้",
    err_file_infected: "ไฟล์นี้ถูกบล็อกเพราะดูเหมือนเป็นอันตราย",
    err_file_name: "ใช้ชื่อไฟล์นี้ไม่ได้ กรุณาเปลี่ยนชื่อแล้วลองใหม่",
    err_scanner: "ขณะนี้ยังตรวจสอบไฟล์ไม่ได้ กรุณาลองใหม่ในอีกสักครู่",
    err_quota: "ขณะนี้ร้านค้าไม่สามารถรับไฟล์เพิ่มได้",
    err_files_off: "แชทนี้ไม่รองรับการส่งไฟล์",
    err_upload_network: "อัปโหลดไม่สำเร็จ กรุณาตรวจสอบการเชื่อมต่อแล้วลองใหม่",
    err_too_many_files: "ส่งได้ครั้งละไม่เกิน 10 ไฟล์",
    err_file_gone: "ไฟล์นี้ไม่มีแล้ว",
    survey_question: "การสนทนาครั้งนี้เป็นอย่างไรบ้าง",
    ratings: ["แย่มาก", "แย่", "พอใช้", "ดี", "ดีเยี่ยม"],
    rating_comment: "มีอะไรเพิ่มเติมไหม",
    rating_submit: "ส่งคะแนน",
    rating_missing: "กรุณาเลือกคะแนน",
    rating_thanks: "ขอบคุณสำหรับความคิดเห็น คุณให้คะแนนการสนทนานี้ {} จาก 5",
    rating_change: "เปลี่ยนคะแนน",
    err_rating_expired: "แบบสอบถามนี้ปิดแล้ว",
    err_rating_locked: "เปลี่ยนคะแนนได้เพียงครั้งเดียว",
    err_rating_unavailable: "การสนทนานี้ให้คะแนนไม่ได้",
    email_me: "ส่งการสนทนานี้ทางอีเมล",
    transcript_sent: "ส่งไปที่ {} แล้ว",
    err_email_off: "ร้านนี้ไม่ได้เปิดการส่งอีเมล",
    err_transcript_limit: "ขออีเมลบ่อยเกินไป กรุณาลองใหม่ภายหลัง",
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

/// Why an upload failed, as a sentence (too large: with the limit when known).
pub fn problem_text(s: &Strings, problem: Problem) -> String {
    match problem {
        Problem::Network => s.err_upload_network.to_owned(),
        Problem::Refused { code: ErrorCode::FileTooLarge, limit_mb: Some(mb) } => {
            fill(s.err_file_limit, &[&crate::format::number(u64::from(mb))])
        }
        Problem::Refused { code, .. } => error_text(s, code).to_owned(),
    }
}

/// The sentence shown for an error the relay reported about something the visitor did.
pub fn error_text(s: &Strings, code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::RateLimited => s.err_rate_limited,
        ErrorCode::ConversationClosed | ErrorCode::NoConversation => s.err_closed,
        ErrorCode::FrameTooLarge | ErrorCode::InvalidInput => s.too_long,
        ErrorCode::UnknownTenant | ErrorCode::OriginNotAllowed => s.unavailable,
        ErrorCode::FileTooLarge => s.err_file_too_large,
        ErrorCode::FileTypeNotAllowed => s.err_file_type,
        ErrorCode::FileTypeMismatch => s.err_file_mismatch,
        ErrorCode::FileEmpty => s.err_file_empty,
        ErrorCode::FileUnreadable => s.err_file_unreadable,
        ErrorCode::FileInfected => s.err_file_infected,
        ErrorCode::FileNameInvalid => s.err_file_name,
        ErrorCode::ScannerUnavailable => s.err_scanner,
        ErrorCode::QuotaExceeded => s.err_quota,
        // In the widget only uploads and attachments are ever forbidden.
        ErrorCode::Forbidden => s.err_files_off,
        ErrorCode::NotFound => s.err_file_gone,
        ErrorCode::RatingExpired => s.err_rating_expired,
        ErrorCode::RatingLocked => s.err_rating_locked,
        ErrorCode::RatingUnavailable => s.err_rating_unavailable,
        ErrorCode::EmailNotConfigured => s.err_email_off,
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
    fn upload_refusals_read_as_sentences_with_the_limit_when_known() {
        let too_large = |limit_mb| Problem::Refused { code: ErrorCode::FileTooLarge, limit_mb };
        assert_eq!(problem_text(&EN, too_large(Some(10))), "This file is too large: the limit is 10 MB.");
        assert_eq!(problem_text(&TH, too_large(Some(10))), "ไฟล์นี้ใหญ่เกินไป ขนาดสูงสุดคือ 10 MB");
        assert_eq!(problem_text(&EN, too_large(None)), "This file is too large.");
        let infected = Problem::refused(ErrorCode::FileInfected);
        assert_eq!(problem_text(&EN, infected), "This file was blocked because it looks harmful.");
        assert_eq!(problem_text(&TH, Problem::Network), TH.err_upload_network);
    }

    #[test]
    fn rating_and_email_refusals_have_their_own_sentences() {
        assert_eq!(error_text(&EN, ErrorCode::RatingLocked), "A rating can be changed only once.");
        assert_eq!(error_text(&TH, ErrorCode::RatingExpired), "แบบสอบถามนี้ปิดแล้ว");
        assert_eq!(error_text(&TH, ErrorCode::RatingUnavailable), TH.err_rating_unavailable);
        assert_eq!(error_text(&EN, ErrorCode::EmailNotConfigured), "This shop does not send email.");
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
                s.file_refused,
                s.file_not_sent,
                s.err_file_limit,
                s.rating_thanks,
                s.transcript_sent,
            ]
            .map(|t| t.matches("{}").count())
        };
        assert_eq!(holes(&EN), holes(&TH));
    }
}

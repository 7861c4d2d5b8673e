//! Decoding what the relay sends the widget: the visitor's server frames, the
//! public widget config, and the widget's own stored values. A frame with a
//! missing or malformed required field is `None` (dropped, as serde would refuse
//! it); so is any `type` that is not a [`ToVisitor`] frame. Unknown fields are ignored.

use natter_protocol::{
    AgentId, AgentRef, Attachment, AttachmentKind, Author, AutoCloseReason, ClientMsgId, ConversationEvent,
    ConversationId, ConversationStatus, ErrorCode, ErrorFrame, FieldKind, FileLink, FileRefusal, Message, MessageBody,
    PrechatField, PrechatForm, PublicWidgetConfig, ScanState, Seq, TenantId, ToVisitor, UnixMillis, UploadId,
    VisitorConversation, VisitorId, WidgetPosition, WidgetTexts,
};

use std::collections::BTreeMap;

use super::Json;
use crate::i18n::Locale;
use crate::state::files::Unsent;
use crate::state::outbox::Pending;

/// Largest integer a JSON number carries exactly.
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

fn text<J: Json>(v: &J, key: &str) -> Option<String> {
    v.get(key)?.string()
}

fn int<J: Json>(v: &J, key: &str) -> Option<i64> {
    let n = v.get(key)?.number()?;
    (n.fract() == 0.0 && n.abs() <= MAX_SAFE).then_some(n as i64)
}

fn uint<J: Json>(v: &J, key: &str) -> Option<u64> {
    int(v, key).and_then(|n| u64::try_from(n).ok())
}

fn uint32<J: Json>(v: &J, key: &str) -> Option<u32> {
    uint(v, key).and_then(|n| u32::try_from(n).ok())
}

fn flag<J: Json>(v: &J, key: &str) -> Option<bool> {
    v.get(key)?.boolean()
}

fn conversation_id<J: Json>(v: &J) -> Option<ConversationId> {
    uint(v, "conversation_id").map(ConversationId)
}

fn client_id<J: Json>(v: &J, key: &str) -> Option<ClientMsgId> {
    ClientMsgId::parse(text(v, key)?).ok()
}

/// Every error code, to read one back from its wire name.
const ERROR_CODES: [ErrorCode; 38] = [
    ErrorCode::BadJson,
    ErrorCode::UnknownFrame,
    ErrorCode::InvalidInput,
    ErrorCode::UnsupportedVersion,
    ErrorCode::HelloRequired,
    ErrorCode::FrameTooLarge,
    ErrorCode::RateLimited,
    ErrorCode::UnknownTenant,
    ErrorCode::OriginNotAllowed,
    ErrorCode::TokenInvalid,
    ErrorCode::TokenExpired,
    ErrorCode::InvalidCredentials,
    ErrorCode::TooManyAttempts,
    ErrorCode::Unauthorized,
    ErrorCode::SessionExpired,
    ErrorCode::Forbidden,
    ErrorCode::NotFound,
    ErrorCode::AlreadyClaimed,
    ErrorCode::ConversationClosed,
    ErrorCode::NoConversation,
    ErrorCode::ShopClosed,
    ErrorCode::TooManyConnections,
    ErrorCode::SlowConsumer,
    ErrorCode::ShuttingDown,
    ErrorCode::FileTooLarge,
    ErrorCode::FileEmpty,
    ErrorCode::FileTypeNotAllowed,
    ErrorCode::FileTypeMismatch,
    ErrorCode::FileUnreadable,
    ErrorCode::FileInfected,
    ErrorCode::FileNameInvalid,
    ErrorCode::ScannerUnavailable,
    ErrorCode::QuotaExceeded,
    ErrorCode::RatingUnavailable,
    ErrorCode::RatingExpired,
    ErrorCode::RatingLocked,
    ErrorCode::EmailNotConfigured,
    ErrorCode::Internal,
];

/// An error code by wire name; codes of a newer relay are `Unknown` (PROTOCOL.md).
pub fn error_code(name: &str) -> ErrorCode {
    ERROR_CODES.into_iter().find(|c| c.as_str() == name).unwrap_or(ErrorCode::Unknown)
}

fn agent_ref<J: Json>(v: &J) -> Option<AgentRef> {
    Some(AgentRef { id: AgentId(uint(v, "id")?), name: text(v, "name")? })
}

fn author<J: Json>(v: &J) -> Option<Author> {
    match text(v, "role")?.as_str() {
        "visitor" => Some(Author::Visitor),
        "system" => Some(Author::System),
        "agent" => Some(Author::Agent { id: AgentId(uint(v, "id")?), name: text(v, "name")? }),
        _ => None,
    }
}

fn event<J: Json>(v: &J) -> Option<ConversationEvent> {
    Some(match text(v, "event")?.as_str() {
        "claimed" => ConversationEvent::Claimed { agent: agent_ref(&v.get("agent")?)? },
        "transferred" => ConversationEvent::Transferred {
            from: agent_ref(&v.get("from")?)?,
            to: agent_ref(&v.get("to")?)?,
            note: text(v, "note"),
        },
        "closed" => ConversationEvent::Closed { by: author(&v.get("by")?)? },
        "auto_closed" => ConversationEvent::AutoClosed {
            reason: match text(v, "reason")?.as_str() {
                "abandoned" => AutoCloseReason::Abandoned,
                "inactive" => AutoCloseReason::Inactive,
                _ => return None,
            },
        },
        "requeued" => ConversationEvent::Requeued { skill: text(v, "skill"), note: text(v, "note") },
        "file_refused" => ConversationEvent::FileRefused {
            name: text(v, "name")?,
            reason: if text(v, "reason")? == "infected" { FileRefusal::Infected } else { FileRefusal::Other },
            signature: text(v, "signature"),
        },
        _ => return None,
    })
}

/// An uploaded file, as messages and `POST /v1/uploads` carry it.
pub fn attachment<J: Json>(v: &J) -> Option<Attachment> {
    Some(Attachment {
        id: UploadId::parse(text(v, "id")?).ok()?,
        name: text(v, "name")?,
        size: uint(v, "size")?,
        mime: text(v, "mime")?,
        kind: match text(v, "kind")?.as_str() {
            "image" => AttachmentKind::Image,
            "file" => AttachmentKind::File,
            _ => return None,
        },
        width: uint32(v, "width"),
        height: uint32(v, "height"),
        scan: match text(v, "scan")?.as_str() {
            "clean" => ScanState::Clean,
            "not_scanned" => ScanState::NotScanned,
            _ => ScanState::Unknown,
        },
        url: text(v, "url")?,
        thumb_url: text(v, "thumb_url"),
        url_expires_at: UnixMillis(int(v, "url_expires_at")?),
    })
}

/// The answer of `GET /v1/uploads/{id}/link`.
pub fn file_link<J: Json>(v: &J) -> Option<FileLink> {
    Some(FileLink {
        url: text(v, "url")?,
        thumb_url: text(v, "thumb_url"),
        url_expires_at: UnixMillis(int(v, "url_expires_at")?),
    })
}

/// Attachments in a list; one this widget cannot read is left out, not the message.
fn attachments<J: Json>(v: Option<J>) -> Vec<Attachment> {
    v.and_then(|a| a.elements()).unwrap_or_default().iter().filter_map(attachment).collect()
}

/// The `error` of an HTTP refusal (`{"error":{"code","message"}}`): its code and message.
pub fn api_error<J: Json>(v: &J) -> Option<(ErrorCode, String)> {
    let e = v.get("error")?;
    Some((error_code(&text(&e, "code")?), text(&e, "message").unwrap_or_default()))
}

fn body<J: Json>(v: &J) -> Option<MessageBody> {
    match text(v, "kind")?.as_str() {
        "text" => Some(MessageBody::Text {
            text: text(v, "text")?,
            client_id: client_id(v, "client_id")?,
            attachments: attachments(v.get("attachments")),
            quick_replies: strings(v.get("quick_replies")),
        }),
        "event" => Some(MessageBody::Event { event: event(&v.get("event")?)? }),
        _ => None,
    }
}

pub fn message<J: Json>(v: &J) -> Option<Message> {
    Some(Message {
        seq: Seq(uint(v, "seq")?),
        at: UnixMillis(int(v, "at")?),
        author: author(&v.get("author")?)?,
        body: body(&v.get("body")?)?,
    })
}

fn visitor_conversation<J: Json>(v: &J) -> Option<VisitorConversation> {
    Some(VisitorConversation {
        id: ConversationId(uint(v, "id")?),
        status: ConversationStatus::parse(&text(v, "status")?)?,
        agent: match v.get("agent") {
            Some(a) => Some(agent_ref(&a)?),
            None => None,
        },
        last_seq: Seq(uint(v, "last_seq")?),
        agent_read_seq: Seq(uint(v, "agent_read_seq")?),
    })
}

/// A frame the relay sends on the visitor socket; `None` for anything else.
pub fn server_frame<J: Json>(v: &J) -> Option<ToVisitor> {
    Some(match text(v, "type")?.as_str() {
        "welcome" => ToVisitor::Welcome {
            v: uint32(v, "v")?,
            visitor_id: VisitorId::parse(text(v, "visitor_id")?).ok()?,
            token: text(v, "token")?,
            conversation: match v.get("conversation") {
                Some(c) => Some(visitor_conversation(&c)?),
                None => None,
            },
        },
        "visitor_conversation" => {
            ToVisitor::VisitorConversation { conversation: visitor_conversation(&v.get("conversation")?)? }
        }
        "message" => ToVisitor::Message { conversation_id: conversation_id(v)?, message: message(&v.get("message")?)? },
        "ack" => ToVisitor::Ack {
            conversation_id: conversation_id(v)?,
            client_id: client_id(v, "client_id")?,
            seq: Seq(uint(v, "seq")?),
            duplicate: flag(v, "duplicate").unwrap_or(false),
        },
        "typing" => {
            ToVisitor::Typing { conversation_id: conversation_id(v)?, who: author(&v.get("who")?)?, on: flag(v, "on")? }
        }
        "read" => ToVisitor::Read {
            conversation_id: conversation_id(v)?,
            by: author(&v.get("by")?)?,
            seq: Seq(uint(v, "seq")?),
        },
        "survey" => ToVisitor::Survey {
            conversation_id: conversation_id(v)?,
            question: text(v, "question"),
            // The languages the widget speaks.
            texts: match v.get("texts") {
                Some(t) => ["en", "th"].iter().filter_map(|l| Some(((*l).to_owned(), text(&t, l)?))).collect(),
                None => Default::default(),
            },
            delay_secs: uint32(v, "delay_secs")?,
            expires_in_secs: uint32(v, "expires_in_secs")?,
            score: uint32(v, "score").and_then(|s| u8::try_from(s).ok()),
            comment: text(v, "comment"),
            can_rate: flag(v, "can_rate")?,
        },
        "transcript_queued" => ToVisitor::TranscriptQueued { conversation_id: conversation_id(v)? },
        "queue" => ToVisitor::Queue {
            conversation_id: conversation_id(v)?,
            position: uint32(v, "position")?,
            waiting: uint32(v, "waiting")?,
            estimated_wait_secs: uint32(v, "estimated_wait_secs"),
            // Absent from older relays: assume someone is there, as serde does.
            agents_online: flag(v, "agents_online").unwrap_or(true),
        },
        "error" => ToVisitor::Error(ErrorFrame {
            code: error_code(&text(v, "code")?),
            message: text(v, "message").unwrap_or_default(),
            client_id: client_id(v, "client_id"),
            conversation_id: conversation_id(v),
            fatal: flag(v, "fatal").unwrap_or(false),
        }),
        _ => return None,
    })
}

fn field_kind(name: &str) -> Option<FieldKind> {
    Some(match name {
        "name" => FieldKind::Name,
        "email" => FieldKind::Email,
        "phone" => FieldKind::Phone,
        "department" => FieldKind::Department,
        "text" => FieldKind::Text,
        "select" => FieldKind::Select,
        _ => return None,
    })
}

fn prechat_field<J: Json>(v: &J) -> Option<PrechatField> {
    Some(PrechatField {
        key: text(v, "key")?,
        label: text(v, "label")?,
        kind: field_kind(&text(v, "kind")?)?,
        required: flag(v, "required").unwrap_or(false),
        options: strings(v.get("options")),
    })
}

fn strings<J: Json>(v: Option<J>) -> Vec<String> {
    v.and_then(|a| a.elements()).unwrap_or_default().iter().filter_map(Json::string).collect()
}

fn prechat<J: Json>(v: &J) -> PrechatForm {
    PrechatForm {
        enabled: flag(v, "enabled").unwrap_or(false),
        // A field of a kind this widget does not know is left out, not the whole form.
        fields: v
            .get("fields")
            .and_then(|f| f.elements())
            .unwrap_or_default()
            .iter()
            .filter_map(prechat_field)
            .collect(),
    }
}

/// The per-language header and greeting, for the languages this widget speaks
/// (it looks up only those, so it never needs the object's keys).
fn texts<J: Json>(v: &J) -> BTreeMap<String, WidgetTexts> {
    [Locale::En, Locale::Th]
        .into_iter()
        .filter_map(|l| {
            let t = v.get(l.tag())?;
            Some((l.tag().to_owned(), WidgetTexts { header: text(&t, "header"), greeting: text(&t, "greeting") }))
        })
        .collect()
}

/// `GET /v1/widget/{tenant}/config`. Needs `tenant` and `name`; anything else
/// missing keeps its default.
pub fn widget_config<J: Json>(v: &J) -> Option<PublicWidgetConfig> {
    let tenant = TenantId::parse(text(v, "tenant")?).ok()?;
    let mut c = PublicWidgetConfig::defaults(tenant, text(v, "name")?);
    let set_text = |key: &str, slot: &mut String| {
        if let Some(s) = text(v, key) {
            *slot = s;
        }
    };
    set_text("primary_color", &mut c.primary_color);
    set_text("secondary_color", &mut c.secondary_color);
    set_text("version", &mut c.version);
    if text(v, "position").as_deref() == Some("bottom_left") {
        c.position = WidgetPosition::BottomLeft;
    }
    let offset = |key: &str, default: u16| uint(v, key).and_then(|n| u16::try_from(n).ok()).unwrap_or(default);
    c.offset_x = offset("offset_x", c.offset_x);
    c.offset_y = offset("offset_y", c.offset_y);
    c.header = text(v, "header");
    c.greeting = text(v, "greeting");
    if let Some(t) = v.get("texts") {
        c.texts = texts(&t);
    }
    c.locale = text(v, "locale");
    c.offline_message = text(v, "offline_message");
    c.auto_open_delay_secs = uint32(v, "auto_open_delay_secs");
    c.offline_after_secs = uint32(v, "offline_after_secs");
    let set_flag = |key: &str, slot: &mut bool| {
        if let Some(b) = flag(v, key) {
            *slot = b;
        }
    };
    set_flag("show_agent_names", &mut c.show_agent_names);
    set_flag("typing_indicators", &mut c.typing_indicators);
    set_flag("read_receipts", &mut c.read_receipts);
    set_flag("sound", &mut c.sound);
    set_flag("online", &mut c.online);
    set_flag("show_agent_avatars", &mut c.show_agent_avatars);
    set_flag("visitor_uploads", &mut c.visitor_uploads);
    if let Some(mb) = uint32(v, "max_upload_mb") {
        c.max_upload_mb = mb;
    }
    if let Some(p) = v.get("prechat") {
        c.prechat = prechat(&p);
    }
    Some(c)
}

/// The stored unsent messages and files (see [`super::encode::unsent`]): a list
/// of messages and of `{"tray": attachment}` entries; bad entries are dropped.
pub fn unsent<J: Json>(v: &J) -> Unsent {
    let message = |p: &J| {
        Some(Pending {
            client_id: client_id(p, "client_id")?,
            text: text(p, "text")?,
            at: UnixMillis(int(p, "at")?),
            failed: text(p, "failed").map(|c| error_code(&c)),
            attachments: attachments(p.get("attachments")),
        })
    };
    let mut out = Unsent::default();
    for entry in v.elements().unwrap_or_default() {
        match entry.get("tray") {
            Some(file) => out.files.extend(attachment(&file)),
            None => out.messages.extend(message(&entry)),
        }
    }
    out
}

/// The stored "seen up to" mark: `[conversation id, seq]`.
pub fn seen<J: Json>(v: &J) -> Option<(ConversationId, Seq)> {
    let pair = v.elements()?;
    let num = |i: usize| {
        let n = pair.get(i)?.number()?;
        (n >= 0.0 && n.fract() == 0.0 && n <= MAX_SAFE).then_some(n as u64)
    };
    Some((ConversationId(num(0)?), Seq(num(1)?)))
}

//! The hand-written JSON must agree with serde's encoding of the protocol types:
//! every frame is serialized by serde_json and decoded here (and the reverse for
//! the visitor's frames).

use std::collections::BTreeMap;

use natter_protocol::{
    AgentId, AgentRef, Attachment, AttachmentKind, Author, AutoCloseReason, ClientMsgId, ConversationEvent,
    ConversationId, ConversationStatus, ErrorCode, ErrorFrame, FieldKind, FileLink, FileRefusal, Message, MessageBody,
    PrechatField, PrechatForm, PublicWidgetConfig, ScanState, Seq, TenantId, ToVisitor, UnixMillis, UploadId,
    VisitorConversation, VisitorFrame, VisitorId, VisitorInfo, WidgetPosition, WidgetTexts,
};
use serde_json::{Value, json};

use super::{Json, decode, encode};
use crate::state::files::Unsent;
use crate::state::outbox::Pending;

impl Json for Value {
    fn get(&self, key: &str) -> Option<Self> {
        self.as_object()?.get(key).filter(|v| !v.is_null()).cloned()
    }
    fn string(&self) -> Option<String> {
        self.as_str().map(str::to_owned)
    }
    fn number(&self) -> Option<f64> {
        self.as_f64()
    }
    fn boolean(&self) -> Option<bool> {
        self.as_bool()
    }
    fn elements(&self) -> Option<Vec<Self>> {
        self.as_array().cloned()
    }
}

fn cid(s: &str) -> ClientMsgId {
    ClientMsgId::parse(s).unwrap()
}

fn ann() -> AgentRef {
    AgentRef { id: AgentId(1), name: "Ann".into() }
}

fn round_trip(frame: ToVisitor) {
    let v = serde_json::to_value(&frame).unwrap();
    assert_eq!(decode::server_frame(&v), Some(frame), "{v}");
}

fn msg(seq: u64, author: Author, body: MessageBody) -> ToVisitor {
    ToVisitor::Message {
        conversation_id: ConversationId(7),
        message: Message { seq: Seq(seq), at: UnixMillis(1_763_800_000_123), author, body },
    }
}

#[test]
fn every_visitor_frame_decodes_as_serde_encodes_it() {
    let conv = VisitorConversation {
        id: ConversationId(7),
        status: ConversationStatus::Active,
        agent: Some(ann()),
        last_seq: Seq(14),
        agent_read_seq: Seq(12),
    };
    round_trip(ToVisitor::Welcome {
        v: 1,
        visitor_id: VisitorId::parse("Qm9vYmFyYmF6cXV4cXV1eA").unwrap(),
        token: "v1.x.y".into(),
        conversation: Some(conv.clone()),
    });
    round_trip(ToVisitor::Welcome {
        v: 1,
        visitor_id: VisitorId::parse("Qm9vYmFyYmF6cXV4cXV1eA").unwrap(),
        token: "t".into(),
        conversation: None,
    });
    round_trip(ToVisitor::VisitorConversation {
        conversation: VisitorConversation { status: ConversationStatus::Waiting, agent: None, ..conv.clone() },
    });
    round_trip(msg(
        3,
        Author::Visitor,
        MessageBody::Text {
            text: "héllo \"q\"\n<b>".into(),
            client_id: cid("m-1"),
            attachments: Vec::new(),
            quick_replies: Vec::new(),
        },
    ));
    round_trip(msg(
        4,
        Author::Agent { id: AgentId(2), name: "Bob".into() },
        MessageBody::Text {
            text: "hi".into(),
            client_id: cid("a1"),
            attachments: Vec::new(),
            quick_replies: Vec::new(),
        },
    ));
    let events = [
        ConversationEvent::Claimed { agent: ann() },
        ConversationEvent::Transferred { from: ann(), to: AgentRef { id: AgentId(2), name: "Bob".into() }, note: None },
        ConversationEvent::Closed { by: Author::Visitor },
        ConversationEvent::Closed { by: Author::Agent { id: AgentId(1), name: "Ann".into() } },
        ConversationEvent::AutoClosed { reason: AutoCloseReason::Abandoned },
        ConversationEvent::AutoClosed { reason: AutoCloseReason::Inactive },
        ConversationEvent::Requeued { skill: Some("billing".into()), note: None },
        ConversationEvent::Requeued { skill: None, note: None },
        ConversationEvent::FileRefused { name: "invoice.pdf".into(), reason: FileRefusal::Infected, signature: None },
    ];
    for event in events {
        round_trip(msg(5, Author::System, MessageBody::Event { event }));
    }
    round_trip(ToVisitor::Ack {
        conversation_id: ConversationId(7),
        client_id: cid("m-1"),
        seq: Seq(15),
        duplicate: true,
    });
    round_trip(ToVisitor::Typing {
        conversation_id: ConversationId(7),
        who: Author::Agent { id: AgentId(1), name: "Ann".into() },
        on: true,
    });
    round_trip(ToVisitor::Read {
        conversation_id: ConversationId(7),
        by: Author::Agent { id: AgentId(1), name: "Ann".into() },
        seq: Seq(15),
    });
    round_trip(ToVisitor::Queue {
        conversation_id: ConversationId(7),
        position: 2,
        waiting: 5,
        estimated_wait_secs: Some(120),
        agents_online: true,
    });
    round_trip(ToVisitor::Queue {
        conversation_id: ConversationId(7),
        position: 1,
        waiting: 1,
        estimated_wait_secs: None,
        agents_online: false,
    });
    round_trip(ToVisitor::Error(ErrorFrame {
        code: ErrorCode::ConversationClosed,
        message: "this conversation is closed".into(),
        client_id: Some(cid("a-2")),
        conversation_id: Some(ConversationId(7)),
        fatal: false,
    }));
    round_trip(ToVisitor::Error(ErrorFrame::fatal(ErrorCode::ShuttingDown, "bye")));
    round_trip(ToVisitor::Survey {
        conversation_id: ConversationId(7),
        question: Some("How did we do?".into()),
        texts: [("th".to_owned(), "เป็นอย่างไรบ้าง".to_owned())].into_iter().collect(),
        delay_secs: 5,
        expires_in_secs: 3600,
        score: Some(4),
        comment: Some("quick".into()),
        can_rate: true,
    });
    round_trip(ToVisitor::TranscriptQueued { conversation_id: ConversationId(7) });
    round_trip(ToVisitor::Error(ErrorFrame {
        code: ErrorCode::RatingLocked,
        message: "changed once already".into(),
        client_id: None,
        conversation_id: Some(ConversationId(7)),
        fatal: false,
    }));
    round_trip(ToVisitor::Error(ErrorFrame::new(ErrorCode::EmailNotConfigured, "no email")));
    round_trip(ToVisitor::Survey {
        conversation_id: ConversationId(7),
        question: None,
        texts: Default::default(),
        delay_secs: 0,
        expires_in_secs: 0,
        score: None,
        comment: None,
        can_rate: false,
    });
}

#[test]
fn unknown_codes_agent_frames_and_malformed_frames_are_handled() {
    let v = json!({"type":"error","code":"brand_new_code","message":"?"});
    assert!(matches!(decode::server_frame(&v), Some(ToVisitor::Error(ErrorFrame { code: ErrorCode::Unknown, .. }))));
    for agent_only in [
        json!({"type":"presence","agents":[]}),
        json!({"type":"history","conversation_id":7,"messages":[],"more":false}),
        json!({"type":"unwatch","conversation_id":7}),
    ] {
        assert_eq!(decode::server_frame(&agent_only), None, "{agent_only}");
        assert!(serde_json::from_value::<ToVisitor>(agent_only).is_err());
    }
    assert_eq!(decode::server_frame(&json!({"type":"ack","conversation_id":7,"client_id":"bad id!","seq":1})), None);
    assert_eq!(decode::server_frame(&json!({"type":"ack","conversation_id":-7,"client_id":"m","seq":1})), None);
    assert_eq!(decode::server_frame(&json!({"type":"ack","conversation_id":1.5,"client_id":"m","seq":1})), None);
    assert_eq!(decode::server_frame(&json!([1, 2])), None);
    // Fields a newer relay adds are ignored.
    let v = json!({"type":"typing","conversation_id":7,"who":{"role":"agent","id":1,"name":"Ann","avatar":"x"},"on":false,"new":1});
    assert!(decode::server_frame(&v).is_some());
    assert_eq!(decode::error_code(""), ErrorCode::Unknown);
}

#[test]
fn every_error_code_reads_back() {
    for name in [
        "bad_json",
        "unknown_frame",
        "invalid_input",
        "unsupported_version",
        "hello_required",
        "frame_too_large",
        "rate_limited",
        "unknown_tenant",
        "origin_not_allowed",
        "token_invalid",
        "token_expired",
        "invalid_credentials",
        "too_many_attempts",
        "unauthorized",
        "session_expired",
        "forbidden",
        "not_found",
        "already_claimed",
        "conversation_closed",
        "no_conversation",
        "shop_closed",
        "too_many_connections",
        "slow_consumer",
        "shutting_down",
        "internal",
    ] {
        let code: ErrorCode = serde_json::from_value(json!(name)).unwrap();
        assert_eq!(decode::error_code(name), code);
    }
}

#[test]
fn config_decodes_as_serde_encodes_it_and_tolerates_gaps() {
    let mut c = PublicWidgetConfig::defaults(TenantId::parse("acme").unwrap(), "Acme".into());
    c.primary_color = "#112233".into();
    c.position = WidgetPosition::BottomLeft;
    c.offset_x = 5;
    c.greeting = Some("Hi!".into());
    c.header = Some("Chat".into());
    c.texts.insert(
        "th".into(),
        WidgetTexts {
            header: Some("แชทกับเรา".into()), greeting: Some("สวัสดีค่ะ".into())
        },
    );
    c.texts.insert("en".into(), WidgetTexts { header: None, greeting: Some("Hello!".into()) });
    c.locale = Some("th".into());
    c.auto_open_delay_secs = Some(30);
    c.online = false;
    c.show_agent_avatars = false;
    c.visitor_uploads = false;
    c.max_upload_mb = 3;
    c.offline_message = Some("Closed".into());
    c.version = "v3".into();
    c.prechat = PrechatForm {
        enabled: true,
        fields: vec![
            PrechatField {
                key: "email".into(),
                label: "Email".into(),
                kind: FieldKind::Email,
                required: true,
                options: vec![],
            },
            PrechatField {
                key: "dept".into(),
                label: "Dept".into(),
                kind: FieldKind::Department,
                required: false,
                options: vec!["sales".into(), "billing".into()],
            },
        ],
    };
    assert_eq!(decode::widget_config(&serde_json::to_value(&c).unwrap()), Some(c));
    let minimal = decode::widget_config(&json!({"tenant":"demo","name":"Demo"})).unwrap();
    assert_eq!(minimal, PublicWidgetConfig::defaults(TenantId::parse("demo").unwrap(), "Demo".into()));
    assert_eq!(decode::widget_config(&json!({"name":"x"})), None);
    // Texts of a language this widget does not speak are left out; the rest stay.
    let texts = json!({"tenant":"demo","name":"Demo","texts":{"fr":{"header":"Bonjour"},"th":{"header":"แชท"}}});
    let c = decode::widget_config(&texts).unwrap();
    assert_eq!(c.texts.keys().collect::<Vec<_>>(), ["th"]);
    assert_eq!(c.header_for("th"), Some("แชท"));
}

fn parse_frame(text: &str) -> VisitorFrame {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

#[test]
fn visitor_frames_encode_as_serde_would() {
    let mut fields = BTreeMap::new();
    fields.insert("order".to_owned(), "A-1".to_owned());
    let frames = [
        VisitorFrame::Hello { v: 1, token: None, conversation_id: None, last_seq: None },
        VisitorFrame::Hello {
            v: 1,
            token: Some("v1.t".into()),
            conversation_id: Some(ConversationId(7)),
            last_seq: Some(Seq(12)),
        },
        VisitorFrame::Start { info: VisitorInfo::default() },
        VisitorFrame::Start {
            info: VisitorInfo {
                name: Some("Vic".into()),
                email: Some("v@example.com".into()),
                page_url: Some("https://shop/?a=1&b=\"2\"".into()),
                referrer: None,
                phone: Some("+66".into()),
                department: Some("sales".into()),
                fields,
                utc_offset_min: Some(-210),
            },
        },
        VisitorFrame::Send {
            client_id: cid("m-1"),
            text: "tab\there\nquote\" back\\ ctl\u{1} emoji 😀 rtl \u{202e}".into(),
            attachments: Vec::new(),
        },
        VisitorFrame::Send {
            client_id: cid("m-2"),
            text: String::new(),
            attachments: vec![UploadId::parse("up_AAAAAAAAAAAAAAAAAAAAAA").unwrap()],
        },
        VisitorFrame::Typing { on: true },
        VisitorFrame::Read { seq: Seq(9_007_199_254_740_991) },
        VisitorFrame::End,
        VisitorFrame::Rate {
            conversation_id: ConversationId(7), score: 5, comment: Some("ขอบคุณ \"มาก\"".into())
        },
        VisitorFrame::Rate { conversation_id: ConversationId(7), score: 1, comment: None },
        VisitorFrame::Identify { user_id: "c-42".into(), hash: "ab".into(), name: None, email: Some("k@x".into()) },
        VisitorFrame::Offline {
            client_id: cid("o-1"),
            name: Some("Nok".into()),
            email: "n@x".into(),
            text: "call me".into(),
            page_url: Some("https://shop.example/cart?x=1".into()),
            referrer: Some("https://search.example/".into()),
            utc_offset_min: Some(420),
        },
    ];
    for f in frames {
        let text = encode::visitor_frame(&f);
        assert_eq!(parse_frame(&text), f);
        // Byte for byte what serde writes (field order, absent optionals).
        assert_eq!(text, serde_json::to_string(&f).unwrap());
    }
    // Serde writes `"name":null` here; leaving it out means the same to the relay.
    let f = VisitorFrame::Offline {
        client_id: cid("o-2"),
        name: None,
        email: "n@x".into(),
        text: "t".into(),
        page_url: None,
        referrer: None,
        utc_offset_min: None,
    };
    assert_eq!(parse_frame(&encode::visitor_frame(&f)), f);
}

#[test]
fn stored_values_round_trip() {
    let items = vec![
        Pending {
            client_id: cid("w1"),
            text: "a \"b\"".into(),
            at: UnixMillis(1_700_000_000_000),
            failed: None,
            attachments: vec![],
        },
        Pending {
            client_id: cid("w2"),
            text: "c".into(),
            at: UnixMillis(5),
            failed: Some(ErrorCode::InvalidInput),
            attachments: vec![],
        },
    ];
    let unsent = Unsent { messages: items, files: vec![] };
    let v: Value = serde_json::from_str(&encode::unsent(&unsent)).unwrap();
    assert_eq!(decode::unsent(&v), unsent);
    assert_eq!(decode::unsent(&json!([{"client_id":"bad id","text":"x","at":1}, 3])), Unsent::default());
    let v: Value = serde_json::from_str(&encode::seen(ConversationId(7), Seq(12))).unwrap();
    assert_eq!(decode::seen(&v), Some((ConversationId(7), Seq(12))));
    assert_eq!(decode::seen(&json!({"a":1})), None);
}

#[test]
fn a_queue_frame_from_an_older_relay_means_someone_is_there() {
    let old = json!({"type":"queue","conversation_id":7,"position":1,"waiting":1});
    let serde_reads: ToVisitor = serde_json::from_value(old.clone()).unwrap();
    assert_eq!(decode::server_frame(&old), Some(serde_reads));
    assert!(matches!(decode::server_frame(&old), Some(ToVisitor::Queue { agents_online: true, .. })));
}

fn photo() -> Attachment {
    Attachment {
        id: UploadId::parse("up_AAAAAAAAAAAAAAAAAAAAAA").unwrap(),
        name: "ภาพ \"1\".jpg".into(),
        size: 48_213,
        mime: "image/jpeg".into(),
        kind: AttachmentKind::Image,
        width: Some(1200),
        height: Some(900),
        scan: ScanState::Clean,
        url: "/v1/files/demo/up_AAAAAAAAAAAAAAAAAAAAAA/original?exp=1&sig=x".into(),
        thumb_url: Some("/v1/files/demo/up_AAAAAAAAAAAAAAAAAAAAAA/thumb?exp=1&sig=y".into()),
        url_expires_at: UnixMillis(1_764_640_900_000),
    }
}

fn invoice() -> Attachment {
    Attachment {
        id: UploadId::parse("up_BBBBBBBBBBBBBBBBBBBBBB").unwrap(),
        name: "invoice.pdf".into(),
        size: 900,
        mime: "application/pdf".into(),
        kind: AttachmentKind::File,
        width: None,
        height: None,
        scan: ScanState::NotScanned,
        url: "/v1/files/demo/up_BBBBBBBBBBBBBBBBBBBBBB/original?exp=1&sig=z".into(),
        thumb_url: None,
        url_expires_at: UnixMillis(5),
    }
}

#[test]
fn files_in_messages_decode_as_serde_encodes_them() {
    round_trip(msg(
        6,
        Author::Visitor,
        MessageBody::Text {
            text: String::new(),
            client_id: cid("m-2"),
            attachments: vec![photo(), invoice()],
            quick_replies: Vec::new(),
        },
    ));
    for reason in [FileRefusal::Infected, FileRefusal::Other] {
        let event = ConversationEvent::FileRefused { name: "eicar.txt".into(), reason, signature: None };
        round_trip(msg(7, Author::System, MessageBody::Event { event }));
    }
    // What the upload answers, and the link endpoint.
    for a in [photo(), invoice()] {
        let v = serde_json::to_value(&a).unwrap();
        assert_eq!(decode::attachment(&v), Some(a.clone()));
        // The widget writes it back as the relay does (kept with unsent files).
        assert_eq!(encode::attachment(&a), serde_json::to_string(&a).unwrap());
    }
    let link = FileLink { url: "/v1/files/x".into(), thumb_url: None, url_expires_at: UnixMillis(9) };
    assert_eq!(decode::file_link(&serde_json::to_value(&link).unwrap()), Some(link));
    // An attachment this widget cannot read is left out, not the message.
    let v = json!({"type":"message","conversation_id":7,"message":{"seq":1,"at":1,"author":{"role":"visitor"},
        "body":{"kind":"text","text":"x","client_id":"m","attachments":[{"id":"nope"}]}}});
    assert!(matches!(decode::server_frame(&v), Some(ToVisitor::Message { message, .. })
        if matches!(&message.body, MessageBody::Text { attachments, .. } if attachments.is_empty())));
}

#[test]
fn a_send_with_files_is_written_as_serde_writes_it() {
    let f =
        VisitorFrame::Send { client_id: cid("m-3"), text: String::new(), attachments: vec![photo().id, invoice().id] };
    assert_eq!(encode::visitor_frame(&f), serde_json::to_string(&f).unwrap());
}

#[test]
fn upload_refusals_name_their_code() {
    let v = json!({"error":{"code":"file_infected","message":"Eicar-Test-Signature"}});
    assert_eq!(decode::api_error(&v), Some((ErrorCode::FileInfected, "Eicar-Test-Signature".into())));
    let v = json!({"error":{"code":"file_too_large","message":"over the 10 MB limit"}});
    assert_eq!(decode::api_error(&v).map(|e| e.0), Some(ErrorCode::FileTooLarge));
    assert_eq!(decode::error_code("quota_exceeded"), ErrorCode::QuotaExceeded);
}

#[test]
fn unsent_files_are_kept_next_to_unsent_messages() {
    let unsent = Unsent {
        messages: vec![Pending {
            client_id: cid("w1"),
            text: String::new(),
            at: UnixMillis(1),
            failed: None,
            attachments: vec![invoice()],
        }],
        files: vec![photo()],
    };
    let text = encode::unsent(&unsent);
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(decode::unsent(&v), unsent);
    // A widget of before files reads the messages (the tray entry has no client_id).
    assert_eq!(v.as_array().unwrap().len(), 2);
    assert!(v[1].get("client_id").is_none());
}

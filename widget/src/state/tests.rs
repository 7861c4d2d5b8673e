//! Native unit tests of the widget store: connection and resume, the pending
//! queue (exactly-once resend), unread counts, typing, identity and locale.

use natter_protocol::{
    AgentId, AgentRef, Author, ClientMsgId, ConversationEvent, ConversationId, ConversationStatus, ErrorCode, Message,
    MessageBody, PublicWidgetConfig, Seq, TenantId, ToVisitor, UnixMillis, VisitorConversation, VisitorFrame,
    VisitorId,
};

use super::outbox::Pending;
use super::*;
use crate::i18n::Locale;

pub(super) const T0: UnixMillis = UnixMillis(1_700_000_000_000);

pub(super) fn cid(s: &str) -> ClientMsgId {
    ClientMsgId::parse(s).unwrap()
}

pub(super) fn conv(id: u64, status: ConversationStatus) -> VisitorConversation {
    VisitorConversation { id: ConversationId(id), status, agent: None, last_seq: Seq(0), agent_read_seq: Seq(0) }
}

pub(super) fn welcome(token: &str, c: Option<VisitorConversation>) -> Action {
    Action::Frame {
        now: T0,
        frame: ToVisitor::Welcome {
            v: 1,
            visitor_id: VisitorId::parse("AAAAAAAAAAAAAAAAAAAAAA").unwrap(),
            token: token.into(),
            conversation: c,
        },
    }
}

fn ann() -> Author {
    Author::Agent { id: AgentId(1), name: "Ann".into() }
}

fn msg(conv: u64, seq: u64, author: Author, text: &str, client: &str) -> Action {
    Action::Frame {
        now: T0,
        frame: ToVisitor::Message {
            conversation_id: ConversationId(conv),
            message: Message {
                seq: Seq(seq),
                at: T0,
                author,
                body: MessageBody::Text {
                    text: text.into(),
                    client_id: cid(client),
                    attachments: Vec::new(),
                    quick_replies: Vec::new(),
                },
            },
        },
    }
}

pub(super) fn ack(conv: u64, client: &str, seq: u64) -> Action {
    Action::Frame {
        now: T0,
        frame: ToVisitor::Ack {
            conversation_id: ConversationId(conv),
            client_id: cid(client),
            seq: Seq(seq),
            duplicate: false,
        },
    }
}

pub(super) fn boot_with(pending: Vec<Pending>, token: Option<&str>) -> (Store, Vec<Effect>) {
    boot(pending, token, false)
}

/// Boots with what the frame's own storage had; `await_host` as in the loader's frame.
pub(super) fn boot(pending: Vec<Pending>, token: Option<&str>, await_host: bool) -> (Store, Vec<Effect>) {
    let mut s = Store::default();
    let fx = s.apply(Action::Boot {
        tenant: Some(TenantId::parse("demo").unwrap()),
        token: token.map(str::to_owned),
        pending: pending.into(),
        seen: None,
        browser_locale: None,
        tz_min: 0,
        await_host,
        muted: false,
    });
    (s, fx)
}

pub(super) fn online() -> Store {
    let (mut s, _) = boot_with(vec![], None);
    s.apply(Action::SocketOpened);
    s.apply(welcome("tok", None));
    s
}

pub(super) fn sends(fx: &[Effect]) -> Vec<VisitorFrame> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Send(f) => Some(f.clone()),
            _ => None,
        })
        .collect()
}

fn sent_ids(fx: &[Effect]) -> Vec<String> {
    sends(fx)
        .into_iter()
        .filter_map(|f| match f {
            VisitorFrame::Send { client_id, .. } => Some(client_id.as_str().to_owned()),
            _ => None,
        })
        .collect()
}

pub(super) fn send(s: &mut Store, id: &str, text: &str) -> Vec<Effect> {
    s.apply(Action::Send { client_id: cid(id), text: text.into(), now: T0 })
}

#[test]
fn boot_connects_and_hello_carries_the_stored_token() {
    let (mut s, fx) = boot_with(vec![], Some("stored"));
    assert!(fx.contains(&Effect::Connect { delay_ms: 0 }));
    assert_eq!(s.conn, Conn::Connecting { attempt: 0 });
    let fx = s.apply(Action::SocketOpened);
    assert_eq!(
        sends(&fx),
        vec![VisitorFrame::Hello { v: 1, token: Some("stored".into()), conversation_id: None, last_seq: None }]
    );
    let fx = s.apply(welcome("renewed", None));
    assert_eq!(s.conn, Conn::Online);
    assert!(fx.contains(&Effect::SaveToken(Some("renewed".into()))));
    assert_eq!(s.screen(), Screen::Chat, "no pre-chat form configured: straight to the composer");
}

pub(super) fn boot_in_frame(pending: Vec<Pending>, token: Option<&str>) -> (Store, Vec<Effect>) {
    boot(pending, token, true)
}

pub(super) fn host_init(stored: Option<HostStored>) -> Action {
    Action::HostInit { page_url: None, referrer: None, locale: None, open: false, stored }
}

pub(super) fn pending(id: &str, text: &str) -> Pending {
    Pending { client_id: cid(id), text: text.into(), at: T0, failed: None, attachments: vec![] }
}

#[test]
fn in_the_loaders_frame_the_socket_waits_for_the_hosts_stored_token() {
    // The frame's own storage is blocked cross-site: it has nothing.
    let (mut s, fx) = boot_in_frame(vec![], None);
    assert!(!fx.iter().any(|e| matches!(e, Effect::Connect { .. })), "no socket before the loader answers");
    let stored = HostStored {
        token: Some("first-party".into()),
        pending: Some(vec![pending("p1", "still unsent")].into()),
        seen: Some((ConversationId(3), Seq(5))),
        muted: Some(true),
    };
    let fx = s.apply(host_init(Some(stored)));
    assert!(fx.contains(&Effect::Connect { delay_ms: 0 }));
    let fx = s.apply(Action::SocketOpened);
    assert_eq!(
        sends(&fx)[0],
        VisitorFrame::Hello { v: 1, token: Some("first-party".into()), conversation_id: None, last_seq: None }
    );
    assert_eq!(s.outbox.items(), &[pending("p1", "still unsent")]);
    // A second init (never sent by the loader, but harmless) changes nothing.
    assert!(!s.apply(host_init(None)).iter().any(|e| matches!(e, Effect::Connect { .. })));
}

#[test]
fn the_hosts_pending_messages_merge_with_ones_typed_while_waiting() {
    let (mut s, _) = boot_in_frame(vec![], None);
    send(&mut s, "typed", "typed before init");
    let stored = HostStored {
        token: None,
        pending: Some(vec![pending("old", "from last page")].into()),
        seen: None,
        muted: None,
    };
    let fx = s.apply(host_init(Some(stored)));
    let ids: Vec<_> = s.outbox.items().iter().map(|p| p.client_id.as_str().to_owned()).collect();
    assert_eq!(ids, ["old", "typed"], "stored (older) first, then typed; nothing lost");
    assert!(fx.contains(&Effect::SavePending(s.outbox.items().to_vec().into())), "the merged list is stored back");
}

#[test]
fn without_host_storage_the_frames_own_storage_is_used() {
    let (mut s, _) = boot_in_frame(vec![pending("f1", "frame copy")], Some("frame-token"));
    let fx = s.apply(host_init(Some(HostStored::default())));
    assert!(fx.contains(&Effect::Connect { delay_ms: 0 }));
    assert_eq!(s.token.as_deref(), Some("frame-token"));
    assert_eq!(s.outbox.items().len(), 1);
}

#[test]
fn a_silent_host_still_gets_a_socket() {
    let (mut s, _) = boot_in_frame(vec![], Some("frame-token"));
    assert!(s.apply(Action::HostSilent).contains(&Effect::Connect { delay_ms: 0 }));
    assert!(!s.apply(Action::HostSilent).iter().any(|e| matches!(e, Effect::Connect { .. })), "only once");
}

#[test]
fn no_tenant_means_no_socket() {
    let mut s = Store::default();
    let fx = s.apply(Action::Boot {
        tenant: None,
        token: None,
        pending: Unsent::default(),
        seen: None,
        browser_locale: None,
        tz_min: 0,
        await_host: false,
        muted: false,
    });
    assert!(!fx.iter().any(|e| matches!(e, Effect::Connect { .. })));
    assert_eq!(s.conn, Conn::Stopped(ErrorCode::UnknownTenant));
}

#[test]
fn messages_typed_offline_are_sent_once_in_order_after_reconnect() {
    let mut s = online();
    s.apply(Action::SocketClosed { now: T0, jitter: 0 });
    assert!(matches!(s.conn, Conn::Retrying { attempt: 1, .. }));
    let fx1 = send(&mut s, "m1", "first");
    let fx2 = send(&mut s, "m2", "second");
    assert!(sends(&fx1).is_empty() && sends(&fx2).is_empty(), "nothing goes out while offline");
    assert!(
        matches!(fx2.iter().find(|e| matches!(e, Effect::SavePending(_))), Some(Effect::SavePending(p)) if p.messages.len() == 2)
    );
    assert_eq!(s.screen(), Screen::Chat);

    s.apply(Action::SocketOpened);
    let fx = s.apply(welcome("tok", None));
    assert_eq!(sent_ids(&fx), vec!["m1", "m2"]);

    s.apply(Action::Frame {
        now: T0,
        frame: ToVisitor::VisitorConversation { conversation: conv(1, ConversationStatus::Waiting) },
    });
    let fx = s.apply(ack(1, "m1", 1));
    assert!(
        matches!(fx.iter().find(|e| matches!(e, Effect::SavePending(_))), Some(Effect::SavePending(p)) if p.messages.len() == 1)
    );
    s.apply(msg(1, 1, Author::Visitor, "first", "m1"));
    s.apply(ack(1, "m2", 2));
    s.apply(msg(1, 2, Author::Visitor, "second", "m2"));
    assert!(s.outbox.is_empty());
    let texts: Vec<_> = s.messages.iter().map(|m| m.seq.0).collect();
    assert_eq!(texts, vec![1, 2]);

    // Another drop: nothing is resent.
    s.apply(Action::SocketClosed { now: T0, jitter: 0 });
    s.apply(Action::SocketOpened);
    let fx = s.apply(welcome("tok", Some(conv(1, ConversationStatus::Waiting))));
    assert!(sent_ids(&fx).is_empty());
}

#[test]
fn unacknowledged_messages_are_resent_with_the_same_id() {
    let mut s = online();
    let fx = send(&mut s, "m1", "hello");
    assert_eq!(sent_ids(&fx), vec!["m1"]);
    // Dropped before the ack.
    s.apply(Action::SocketClosed { now: T0, jitter: 0 });
    s.apply(Action::SocketOpened);
    let fx = s.apply(welcome("tok", None));
    assert_eq!(sent_ids(&fx), vec!["m1"]);
}

#[test]
fn pending_survive_a_reload() {
    let stored = vec![
        Pending { client_id: cid("a"), text: "one".into(), at: T0, failed: None, attachments: vec![] },
        Pending { client_id: cid("b"), text: "two".into(), at: T0, failed: None, attachments: vec![] },
        Pending { client_id: cid("a"), text: "dup".into(), at: T0, failed: None, attachments: vec![] },
        Pending {
            client_id: cid("c"),
            text: "refused".into(),
            at: T0,
            failed: Some(ErrorCode::InvalidInput),
            attachments: vec![],
        },
    ];
    let (mut s, _) = boot_with(stored, Some("tok"));
    assert_eq!(s.outbox.items().len(), 2);
    assert_eq!(s.screen(), Screen::Chat);
    s.apply(Action::SocketOpened);
    let fx = s.apply(welcome("tok", Some(conv(3, ConversationStatus::Active))));
    assert_eq!(sent_ids(&fx), vec!["a", "b"]);
}

#[test]
fn a_replayed_copy_clears_the_pending_message_even_without_an_ack() {
    let mut s = online();
    send(&mut s, "m1", "hello");
    s.apply(Action::SocketClosed { now: T0, jitter: 0 });
    s.apply(Action::SocketOpened);
    let fx = s.apply(welcome("tok", Some(conv(1, ConversationStatus::Waiting))));
    // Resent (the relay answers with a duplicate ack), and the replay has it.
    assert_eq!(sent_ids(&fx), vec!["m1"]);
    s.apply(msg(1, 1, Author::Visitor, "hello", "m1"));
    assert!(s.outbox.is_empty());
    assert_eq!(s.messages.len(), 1);
}

#[test]
fn reconnect_resumes_from_the_last_seq_held() {
    let mut s = online();
    s.apply(Action::Frame {
        now: T0,
        frame: ToVisitor::VisitorConversation { conversation: conv(7, ConversationStatus::Active) },
    });
    s.apply(msg(7, 1, Author::Visitor, "hi", "m1"));
    s.apply(msg(7, 2, ann(), "hello!", "a1"));
    s.apply(Action::SocketClosed { now: T0, jitter: 0 });
    let fx = s.apply(Action::SocketOpened);
    assert_eq!(
        sends(&fx),
        vec![VisitorFrame::Hello {
            v: 1,
            token: Some("tok".into()),
            conversation_id: Some(ConversationId(7)),
            last_seq: Some(Seq(2))
        }]
    );
    // Same conversation in the welcome: the history is kept and extended.
    s.apply(welcome("tok", Some(conv(7, ConversationStatus::Active))));
    s.apply(msg(7, 3, ann(), "still there?", "a2"));
    assert_eq!(s.messages.iter().map(|m| m.seq.0).collect::<Vec<_>>(), vec![1, 2, 3]);
    // A replayed duplicate does not double.
    s.apply(msg(7, 3, ann(), "still there?", "a2"));
    assert_eq!(s.messages.len(), 3);
}

#[test]
fn backoff_grows_and_resets_on_welcome() {
    let mut s = online();
    let fx = s.apply(Action::SocketClosed { now: T0, jitter: 500 });
    let d1 = match fx[..] {
        [Effect::Connect { delay_ms }, ..] => delay_ms,
        _ => panic!("{fx:?}"),
    };
    assert!(s.conn.reconnecting());
    s.apply(Action::SocketClosed { now: T0, jitter: 500 });
    let fx = s.apply(Action::SocketClosed { now: T0, jitter: 500 });
    let d3 = fx
        .iter()
        .find_map(|e| match e {
            Effect::Connect { delay_ms } => Some(*delay_ms),
            _ => None,
        })
        .unwrap();
    assert!(d3 > d1);
    assert!(matches!(s.conn, Conn::Retrying { attempt: 3, .. }));
    let fx = s.apply(Action::RetryNow);
    assert_eq!(fx, vec![Effect::Connect { delay_ms: 0 }]);
    s.apply(Action::SocketOpened);
    s.apply(welcome("tok", None));
    assert_eq!(s.conn, Conn::Online);
    assert!(!s.conn.reconnecting());
    let fx = s.apply(Action::SocketClosed { now: T0, jitter: 500 });
    assert!(fx.contains(&Effect::Connect { delay_ms: backoff::delay_ms(1, 500) }));
}

#[test]
fn a_refused_token_is_dropped_and_the_widget_reconnects_at_once() {
    let (mut s, _) = boot_with(vec![], Some("forged"));
    s.apply(Action::SocketOpened);
    let fx = s.apply(Action::Frame {
        now: T0,
        frame: ToVisitor::Error(ErrorFrame::fatal(ErrorCode::TokenInvalid, "visitor token is invalid")),
    });
    assert!(fx.contains(&Effect::SaveToken(None)));
    let fx = s.apply(Action::SocketClosed { now: T0, jitter: 900 });
    assert_eq!(fx, vec![Effect::Connect { delay_ms: 0 }]);
    let fx = s.apply(Action::SocketOpened);
    assert_eq!(sends(&fx), vec![VisitorFrame::Hello { v: 1, token: None, conversation_id: None, last_seq: None }]);
}

#[test]
fn an_unknown_tenant_stops_the_widget() {
    let (mut s, _) = boot_with(vec![], None);
    s.apply(Action::SocketOpened);
    s.apply(Action::Frame {
        now: T0,
        frame: ToVisitor::Error(ErrorFrame::fatal(ErrorCode::UnknownTenant, "no such tenant")),
    });
    let fx = s.apply(Action::SocketClosed { now: T0, jitter: 0 });
    assert!(fx.is_empty());
    assert_eq!(s.conn, Conn::Stopped(ErrorCode::UnknownTenant));
}

#[test]
fn the_relay_shutting_down_means_reconnect() {
    let mut s = online();
    s.apply(Action::Frame { now: T0, frame: ToVisitor::Error(ErrorFrame::fatal(ErrorCode::ShuttingDown, "bye")) });
    assert!(s.notice.is_none());
    let fx = s.apply(Action::SocketClosed { now: T0, jitter: 0 });
    assert!(matches!(fx[..], [Effect::Connect { .. }]));
}

#[test]
fn unread_counts_agent_messages_until_the_panel_opens() {
    let mut s = online();
    s.apply(Action::Frame {
        now: T0,
        frame: ToVisitor::VisitorConversation { conversation: conv(1, ConversationStatus::Active) },
    });
    let fx = s.apply(msg(1, 1, ann(), "hello", "a1"));
    assert!(fx.contains(&Effect::ToHost(ToHost::Unread(1))));
    assert!(!sends(&fx).iter().any(|f| matches!(f, VisitorFrame::Read { .. })));
    let fx = s.apply(msg(1, 2, ann(), "are you there?", "a2"));
    assert!(fx.contains(&Effect::ToHost(ToHost::Unread(2))));
    let fx = s.apply(Action::HostOpen(true));
    assert!(fx.contains(&Effect::ToHost(ToHost::Unread(0))));
    assert!(sends(&fx).contains(&VisitorFrame::Read { seq: Seq(2) }));
    assert!(fx.contains(&Effect::SaveSeen(Some((ConversationId(1), Seq(2))))));
    assert!(fx.contains(&Effect::Focus(Focus::Composer)));
    // While open, new messages are read at once.
    let fx = s.apply(msg(1, 3, ann(), "ok", "a3"));
    assert!(sends(&fx).contains(&VisitorFrame::Read { seq: Seq(3) }));
    assert_eq!(s.unread(), 0);
}

#[test]
fn seen_survives_a_reload_of_the_same_conversation() {
    let mut s = Store::default();
    s.apply(Action::Boot {
        tenant: Some(TenantId::parse("demo").unwrap()),
        token: Some("tok".into()),
        pending: Unsent::default(),
        seen: Some((ConversationId(4), Seq(2))),
        browser_locale: None,
        tz_min: 0,
        await_host: false,
        muted: false,
    });
    s.apply(Action::SocketOpened);
    s.apply(welcome("tok", Some(conv(4, ConversationStatus::Active))));
    s.apply(msg(4, 1, Author::Visitor, "hi", "v1"));
    s.apply(msg(4, 2, ann(), "hello", "a1"));
    assert_eq!(s.unread(), 0);
    let fx = s.apply(msg(4, 3, ann(), "new", "a2"));
    assert!(fx.contains(&Effect::ToHost(ToHost::Unread(1))));
}

#[test]
fn active_flag_follows_the_conversation() {
    let mut s = online();
    let fx = s.apply(Action::Frame {
        now: T0,
        frame: ToVisitor::VisitorConversation { conversation: conv(1, ConversationStatus::Waiting) },
    });
    assert!(fx.contains(&Effect::ToHost(ToHost::Active(true))));
    let fx = s.apply(Action::Frame {
        now: T0,
        frame: ToVisitor::VisitorConversation { conversation: conv(1, ConversationStatus::Closed) },
    });
    assert!(fx.contains(&Effect::ToHost(ToHost::Active(false))));
    assert!(s.conversation_closed());
    assert_eq!(s.screen(), Screen::Chat, "the ended chat stays on screen with its notice");
    s.apply(Action::NewChat);
    assert!(!s.started && s.messages.is_empty());
}

#[test]
fn agent_typing_shows_until_a_message_or_timeout() {
    let mut s = online();
    s.apply(Action::Frame {
        now: T0,
        frame: ToVisitor::VisitorConversation { conversation: conv(1, ConversationStatus::Active) },
    });
    let typing =
        |on| Action::Frame { now: T0, frame: ToVisitor::Typing { conversation_id: ConversationId(1), who: ann(), on } };
    s.apply(typing(true));
    assert_eq!(s.agent_typing.as_ref().map(|t| t.name.as_str()), Some("Ann"));
    s.apply(msg(1, 1, ann(), "hi", "a1"));
    assert!(s.agent_typing.is_none());
    s.apply(typing(true));
    s.apply(Action::Tick { now: UnixMillis(T0.0 + AGENT_TYPING_TTL_MS - 1) });
    assert!(s.agent_typing.is_some());
    s.apply(Action::Tick { now: UnixMillis(T0.0 + AGENT_TYPING_TTL_MS) });
    assert!(s.agent_typing.is_none());
    s.apply(typing(true));
    s.apply(typing(false));
    assert!(s.agent_typing.is_none());
}

#[test]
fn visitor_typing_is_throttled_and_stops_when_idle() {
    let mut s = online();
    s.apply(Action::Frame {
        now: T0,
        frame: ToVisitor::VisitorConversation { conversation: conv(1, ConversationStatus::Active) },
    });
    let at = |ms| UnixMillis(T0.0 + ms);
    assert_eq!(sends(&s.apply(Action::Input { empty: false, now: at(0) })), vec![VisitorFrame::Typing { on: true }]);
    assert!(sends(&s.apply(Action::Input { empty: false, now: at(1000) })).is_empty());
    assert!(sends(&s.apply(Action::Tick { now: at(3500) })).is_empty());
    assert_eq!(sends(&s.apply(Action::Tick { now: at(4000) })), vec![VisitorFrame::Typing { on: false }]);
    s.apply(Action::Input { empty: false, now: at(5000) });
    assert_eq!(sends(&s.apply(Action::Input { empty: true, now: at(5100) })), vec![VisitorFrame::Typing { on: false }]);
    s.apply(Action::Input { empty: false, now: at(6000) });
    let fx = send(&mut s, "m1", "x");
    assert_eq!(sends(&fx)[0], VisitorFrame::Typing { on: false });
}

#[test]
fn no_typing_frames_without_an_open_conversation() {
    let mut s = online();
    assert!(s.apply(Action::Input { empty: false, now: T0 }).is_empty());
}

#[test]
fn identify_goes_before_the_queued_messages() {
    let (mut s, _) = boot_with(
        vec![Pending { client_id: cid("m1"), text: "hi".into(), at: T0, failed: None, attachments: vec![] }],
        None,
    );
    s.apply(Action::HostIdentify(Identity { user_id: "u1".into(), hash: "ab".into(), name: None, email: None }));
    s.apply(Action::SocketOpened);
    let fx = s.apply(welcome("anon", None));
    assert!(matches!(&sends(&fx)[..], [VisitorFrame::Identify { user_id, .. }] if user_id == "u1"));
    // A message typed meanwhile waits for the new identity too.
    assert!(sent_ids(&send(&mut s, "m2", "more")).is_empty());
    let fx = s.apply(welcome("known", Some(conv(9, ConversationStatus::Active))));
    assert_eq!(sent_ids(&fx), vec!["m1", "m2"]);
    assert!(fx.contains(&Effect::SaveToken(Some("known".into()))));
    // The same identity again is not re-sent.
    assert!(
        sends(&s.apply(Action::HostIdentify(Identity {
            user_id: "u1".into(),
            hash: "ab".into(),
            name: None,
            email: None
        })))
        .is_empty()
    );
}

#[test]
fn a_refused_identity_leaves_a_guest() {
    let mut s = online();
    let fx =
        s.apply(Action::HostIdentify(Identity { user_id: "u1".into(), hash: "bad".into(), name: None, email: None }));
    assert_eq!(sends(&fx).len(), 1);
    send(&mut s, "m1", "hi");
    let fx = s.apply(Action::Frame {
        now: T0,
        frame: ToVisitor::Error(ErrorFrame::new(ErrorCode::TokenInvalid, "identity hash does not match user_id")),
    });
    assert_eq!(s.notice, Some(Notice::IdentityRefused));
    assert_eq!(sent_ids(&fx), vec!["m1"]);
    assert_eq!(s.token.as_deref(), Some("tok"), "the guest token is kept");
}

#[test]
fn a_refused_message_is_marked_and_never_resent() {
    let mut s = online();
    send(&mut s, "m1", "hi");
    s.apply(Action::Frame {
        now: T0,
        frame: ToVisitor::Error(ErrorFrame {
            code: ErrorCode::InvalidInput,
            message: "bad".into(),
            client_id: Some(cid("m1")),
            conversation_id: None,
            fatal: false,
        }),
    });
    assert_eq!(s.outbox.get(&cid("m1")).and_then(|p| p.failed), Some(ErrorCode::InvalidInput));
    s.apply(Action::SocketClosed { now: T0, jitter: 0 });
    s.apply(Action::SocketOpened);
    assert!(sent_ids(&s.apply(welcome("tok", None))).is_empty());
    s.apply(Action::DiscardFailed(cid("m1")));
    assert!(s.outbox.is_empty());
}

#[test]
fn rate_limited_messages_are_retried() {
    let mut s = online();
    send(&mut s, "m1", "hi");
    s.apply(Action::Frame {
        now: T0,
        frame: ToVisitor::Error(ErrorFrame {
            code: ErrorCode::RateLimited,
            message: "slow".into(),
            client_id: Some(cid("m1")),
            conversation_id: None,
            fatal: false,
        }),
    });
    assert!(sent_ids(&s.apply(Action::Tick { now: UnixMillis(T0.0 + 1000) })).is_empty());
    assert_eq!(sent_ids(&s.apply(Action::Tick { now: UnixMillis(T0.0 + RATE_RETRY_MS) })), vec!["m1"]);
}

#[test]
fn sending_after_an_ended_chat_starts_afresh() {
    let mut s = online();
    s.apply(Action::Frame {
        now: T0,
        frame: ToVisitor::VisitorConversation { conversation: conv(1, ConversationStatus::Closed) },
    });
    s.apply(msg(1, 1, Author::Visitor, "old", "o1"));
    send(&mut s, "m1", "new question");
    assert!(s.messages.is_empty());
    s.apply(Action::Frame {
        now: T0,
        frame: ToVisitor::VisitorConversation { conversation: conv(2, ConversationStatus::Waiting) },
    });
    s.apply(ack(2, "m1", 1));
    assert_eq!(s.messages.len(), 1);
    // A late frame about the old conversation is ignored.
    s.apply(msg(1, 2, ann(), "late", "a9"));
    assert_eq!(s.conversation.as_ref().map(|c| c.id), Some(ConversationId(2)));
    assert_eq!(s.messages.len(), 1);
}

#[test]
fn claim_and_read_receipts() {
    let mut s = online();
    s.apply(Action::Frame {
        now: T0,
        frame: ToVisitor::VisitorConversation { conversation: conv(1, ConversationStatus::Waiting) },
    });
    s.apply(msg(1, 1, Author::Visitor, "hi", "v1"));
    s.apply(msg(1, 2, Author::Visitor, "anyone?", "v2"));
    s.apply(Action::Frame {
        now: T0,
        frame: ToVisitor::Message {
            conversation_id: ConversationId(1),
            message: Message {
                seq: Seq(3),
                at: T0,
                author: Author::System,
                body: MessageBody::Event {
                    event: ConversationEvent::Claimed { agent: AgentRef { id: AgentId(1), name: "Ann".into() } },
                },
            },
        },
    });
    assert_eq!(s.agent_name(), Some("Ann"));
    assert_eq!(s.seen_mark(), None);
    s.apply(Action::Frame {
        now: T0,
        frame: ToVisitor::Read { conversation_id: ConversationId(1), by: ann(), seq: Seq(1) },
    });
    assert_eq!(s.seen_mark(), Some(Seq(1)));
    s.apply(Action::Frame {
        now: T0,
        frame: ToVisitor::Read { conversation_id: ConversationId(1), by: ann(), seq: Seq(3) },
    });
    assert_eq!(s.seen_mark(), Some(Seq(2)));
    // The visitor's own read echo changes nothing.
    s.apply(Action::Frame {
        now: T0,
        frame: ToVisitor::Read { conversation_id: ConversationId(1), by: Author::Visitor, seq: Seq(3) },
    });
    assert_eq!(s.seen_mark(), Some(Seq(2)));
}

#[test]
fn empty_and_oversized_messages_are_not_queued() {
    let mut s = online();
    assert!(send(&mut s, "m1", "  \n ").is_empty());
    let huge = "ก".repeat(2000); // 6000 bytes of UTF-8
    send(&mut s, "m2", &huge);
    assert!(s.outbox.is_empty());
    assert_eq!(s.notice, Some(Notice::TooLong));
    // A repeated id (double click) is queued once.
    send(&mut s, "m3", "x");
    assert!(send(&mut s, "m3", "x").is_empty());
    assert_eq!(s.outbox.items().len(), 1);
}

#[test]
fn start_chat_sends_pre_chat_details_with_the_page() {
    let mut s = online();
    s.apply(Action::HostInit {
        page_url: Some("https://shop.example/p/1".into()),
        referrer: Some(String::new()),
        locale: None,
        open: true,
        stored: None,
    });
    let mut cfg = PublicWidgetConfig::defaults(TenantId::parse("demo").unwrap(), "Demo".into());
    cfg.prechat = natter_protocol::PrechatForm {
        enabled: true,
        fields: vec![
            natter_protocol::PrechatField {
                key: "name".into(),
                label: "Name".into(),
                kind: natter_protocol::FieldKind::Name,
                required: true,
                options: vec![],
            },
            natter_protocol::PrechatField {
                key: "email".into(),
                label: "Email".into(),
                kind: natter_protocol::FieldKind::Email,
                required: false,
                options: vec![],
            },
        ],
    };
    s.apply(Action::Config(cfg));
    assert_eq!(s.screen(), Screen::Prechat);
    assert!(
        s.apply(Action::StartChat { answers: vec![] }).iter().all(|e| !matches!(e, Effect::Send(_))),
        "a required field is missing"
    );
    let fx = s.apply(Action::StartChat {
        answers: vec![("name".into(), " Somchai ".into()), ("email".into(), String::new())],
    });
    match &sends(&fx)[..] {
        [VisitorFrame::Start { info }] => {
            assert_eq!(info.name.as_deref(), Some("Somchai"));
            assert_eq!(info.email, None);
            assert_eq!(info.page_url.as_deref(), Some("https://shop.example/p/1"));
            assert_eq!(info.referrer, None);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(s.screen(), Screen::Chat);
}

#[test]
fn a_first_message_without_pre_chat_carries_the_page() {
    let mut s = online();
    s.apply(Action::HostInit {
        page_url: Some("https://shop.example/cart".into()),
        referrer: Some("https://search.example/".into()),
        locale: None,
        open: true,
        stored: None,
    });
    match &sends(&send(&mut s, "m1", "hello"))[..] {
        [VisitorFrame::Start { info }, VisitorFrame::Send { .. }] => {
            assert_eq!(info.page_url.as_deref(), Some("https://shop.example/cart"));
            assert_eq!(info.referrer.as_deref(), Some("https://search.example/"));
            assert_eq!(info.utc_offset_min, Some(0), "the browser's offset, for the visitor's local time");
        }
        other => panic!("{other:?}"),
    }
    // Once the relay has opened the conversation, messages go alone.
    s.apply(Action::Frame {
        now: T0,
        frame: ToVisitor::VisitorConversation { conversation: conv(1, ConversationStatus::Waiting) },
    });
    s.apply(ack(1, "m1", 1));
    assert!(matches!(&sends(&send(&mut s, "m2", "again"))[..], [VisitorFrame::Send { .. }]));
}

#[test]
fn start_chat_offline_is_sent_on_welcome() {
    let (mut s, _) = boot_with(vec![], None);
    assert!(sends(&s.apply(Action::StartChat { answers: vec![] })).is_empty());
    s.apply(Action::SocketOpened);
    let fx = s.apply(welcome("tok", None));
    assert!(matches!(&sends(&fx)[..], [VisitorFrame::Start { .. }]));
}

#[test]
fn locale_follows_host_then_config_then_browser() {
    let mut s = Store::default();
    s.apply(Action::Boot {
        tenant: Some(TenantId::parse("demo").unwrap()),
        token: None,
        pending: Unsent::default(),
        seen: None,
        browser_locale: Some(Locale::Th),
        tz_min: 420,
        await_host: false,
        muted: false,
    });
    assert_eq!(s.locale(), Locale::Th);
    let mut cfg = PublicWidgetConfig::defaults(TenantId::parse("demo").unwrap(), "Demo".into());
    cfg.locale = Some("en".into());
    let fx = s.apply(Action::Config(cfg));
    assert_eq!(s.locale(), Locale::En);
    assert!(fx.contains(&Effect::Lang(Locale::En)));
    assert!(fx.contains(&Effect::Theme { primary: "#4f46e5".into(), secondary: "#ffffff".into() }));
    s.apply(Action::HostLocale("th-TH".into()));
    assert_eq!(s.locale(), Locale::Th);
    s.apply(Action::HostLocale("xx".into()));
    assert_eq!(s.locale(), Locale::Th);
}

#[test]
fn header_and_greeting_follow_the_visitors_language_then_the_shop_default_then_built_in() {
    let mut s = Store { browser_locale: Some(Locale::Th), ..Store::default() };
    assert_eq!(s.header_text(), Locale::Th.strings().default_header);
    let mut cfg = PublicWidgetConfig::defaults(TenantId::parse("demo").unwrap(), "Demo".into());
    cfg.header = Some("Chat with Demo".into());
    cfg.texts.insert(
        "th".into(),
        natter_protocol::WidgetTexts {
            header: Some("แชทกับเดโม".into()), greeting: Some("สวัสดีค่ะ".into())
        },
    );
    s.apply(Action::Config(cfg));
    assert_eq!(s.header_text(), "แชทกับเดโม");
    assert_eq!(s.greeting_text("built-in"), "สวัสดีค่ะ");
    s.apply(Action::HostLocale("en".into()));
    assert_eq!(s.header_text(), "Chat with Demo");
    assert_eq!(s.greeting_text("built-in"), "built-in");
}

#[test]
fn close_button_asks_the_host() {
    let mut s = online();
    assert_eq!(s.apply(Action::ClosePanel), vec![Effect::ToHost(ToHost::Close)]);
}

#[test]
fn end_chat_only_with_an_open_conversation() {
    let mut s = online();
    assert!(s.apply(Action::EndChat).is_empty());
    s.apply(Action::Frame {
        now: T0,
        frame: ToVisitor::VisitorConversation { conversation: conv(1, ConversationStatus::Active) },
    });
    assert_eq!(sends(&s.apply(Action::EndChat)), vec![VisitorFrame::End]);
}

#[test]
fn queue_position_shows_while_waiting() {
    let mut s = online();
    s.apply(Action::Frame {
        now: T0,
        frame: ToVisitor::VisitorConversation { conversation: conv(1, ConversationStatus::Waiting) },
    });
    s.apply(Action::Frame {
        now: T0,
        frame: ToVisitor::Queue {
            conversation_id: ConversationId(1),
            position: 3,
            waiting: 5,
            estimated_wait_secs: Some(240),
            agents_online: true,
        },
    });
    assert_eq!(s.queue, Some(QueueSpot { position: 3, estimated_wait_secs: Some(240), agents_online: true }));
    s.apply(Action::Frame {
        now: T0,
        frame: ToVisitor::VisitorConversation { conversation: conv(1, ConversationStatus::Active) },
    });
    assert_eq!(s.queue, None);
}

#[test]
fn offline_form_is_sent_once_and_acknowledged() {
    let (mut s, _) = boot_with(vec![], None);
    let mut cfg = PublicWidgetConfig::defaults(TenantId::parse("demo").unwrap(), "Demo".into());
    cfg.online = false;
    s.apply(Action::Config(cfg));
    assert_eq!(s.screen(), Screen::Offline);
    let bad =
        Action::SendOffline { client_id: cid("o1"), name: String::new(), email: "nope".into(), text: "hi".into() };
    assert!(s.apply(bad).is_empty());
    let ok = Action::SendOffline {
        client_id: cid("o1"),
        name: "Nok".into(),
        email: "nok@example.com".into(),
        text: "call me".into(),
    };
    assert!(sends(&s.apply(ok)).is_empty(), "not connected yet");
    s.apply(Action::SocketOpened);
    let fx = s.apply(welcome("tok", None));
    assert!(matches!(&sends(&fx)[..], [VisitorFrame::Offline { client_id, .. }] if client_id.as_str() == "o1"));
    // As the relay answers: the offline conversation opens (waiting), then the ack.
    s.apply(Action::Frame {
        now: T0,
        frame: ToVisitor::VisitorConversation { conversation: conv(5, ConversationStatus::Waiting) },
    });
    s.apply(ack(5, "o1", 1));
    assert_eq!(s.offline_form, OfflineForm::Sent);
    // The message is a conversation now: the chat shows it (with the confirmation),
    // and an agent's later answer appears there.
    assert_eq!(s.screen(), Screen::Chat);
    s.apply(Action::SocketClosed { now: T0, jitter: 0 });
    s.apply(Action::SocketOpened);
    assert!(sends(&s.apply(welcome("tok", None))).is_empty());
}

#[test]
fn an_idle_clock_tick_changes_nothing() {
    // The widget re-renders only when the store changes; the one-second tick must
    // leave an idle store equal to what it was (and ask for nothing).
    let mut s = online();
    s.apply(Action::Send { client_id: cid("m1"), text: "hi".into(), now: T0 });
    s.apply(ack(1, "m1", 1));
    let before = s.clone();
    assert!(s.apply(Action::Tick { now: UnixMillis(T0.0 + 60_000) }).is_empty());
    assert_eq!(s, before);
}

fn queue(conv: u64, agents_online: bool) -> Action {
    Action::Frame {
        now: T0,
        frame: ToVisitor::Queue {
            conversation_id: ConversationId(conv),
            position: 1,
            waiting: 1,
            estimated_wait_secs: None,
            agents_online,
        },
    }
}

#[test]
fn nobody_online_offers_a_message_that_carries_the_page() {
    let mut s = online();
    s.apply(Action::HostInit {
        page_url: Some("https://shop.example/p/9".into()),
        referrer: None,
        locale: None,
        open: true,
        stored: None,
    });
    s.apply(Action::Frame {
        now: T0,
        frame: ToVisitor::VisitorConversation { conversation: conv(3, ConversationStatus::Waiting) },
    });
    s.apply(queue(3, true));
    assert!(!s.nobody_online(), "agents are there: the usual queue place");
    s.apply(Action::LeaveMessage(true));
    assert!(!s.leaving_message, "no form while someone can answer");
    s.apply(queue(3, false));
    assert!(s.nobody_online());
    s.apply(Action::LeaveMessage(true));
    assert!(s.leaving_message);
    let fx = s.apply(Action::SendOffline {
        client_id: cid("o9"),
        name: String::new(),
        email: "nok@example.com".into(),
        text: "call me".into(),
    });
    match &sends(&fx)[..] {
        [VisitorFrame::Offline { page_url, utc_offset_min, .. }] => {
            assert_eq!(page_url.as_deref(), Some("https://shop.example/p/9"));
            assert_eq!(*utc_offset_min, Some(0));
        }
        other => panic!("{other:?}"),
    }
    s.apply(ack(3, "o9", 2));
    assert_eq!(s.offline_form, OfflineForm::Sent);
    assert!(!s.leaving_message && !s.nobody_online(), "the message is left: no more offer");
}

#[test]
fn an_agent_coming_back_closes_the_leave_a_message_form() {
    let mut s = online();
    s.apply(Action::Frame {
        now: T0,
        frame: ToVisitor::VisitorConversation { conversation: conv(3, ConversationStatus::Waiting) },
    });
    s.apply(queue(3, false));
    s.apply(Action::LeaveMessage(true));
    s.apply(queue(3, true));
    assert!(!s.leaving_message);
    // Or the visitor chooses to keep waiting.
    s.apply(queue(3, false));
    s.apply(Action::LeaveMessage(true));
    assert_eq!(s.apply(Action::LeaveMessage(false)), vec![Effect::Focus(Focus::Composer)]);
    assert!(!s.leaving_message);
}

#[test]
fn an_ended_chat_names_no_agent() {
    let mut s = online();
    let mut c = conv(4, ConversationStatus::Active);
    c.agent = Some(AgentRef { id: AgentId(1), name: "Ann".into() });
    s.apply(Action::Frame { now: T0, frame: ToVisitor::VisitorConversation { conversation: c.clone() } });
    assert_eq!(s.agent_name(), Some("Ann"));
    c.status = ConversationStatus::Closed;
    s.apply(Action::Frame { now: T0, frame: ToVisitor::VisitorConversation { conversation: c } });
    assert_eq!(s.agent_name(), None);
}

#[test]
fn quick_replies_are_open_on_the_newest_agent_message_until_the_visitor_answers() {
    let mut s = online();
    s.apply(welcome("tok", Some(conv(7, ConversationStatus::Active))));
    s.apply(msg(7, 1, Author::Visitor, "Can I return it?", "v1"));
    let mut offer = msg(7, 2, ann(), "Start a return?", "a1");
    if let Action::Frame { frame: ToVisitor::Message { message, .. }, .. } = &mut offer
        && let MessageBody::Text { quick_replies, .. } = &mut message.body
    {
        *quick_replies = vec!["Yes, please".into(), "No, thanks".into()];
    }
    s.apply(offer);
    assert_eq!(s.quick_replies_open(), Some(Seq(2)));
    // A click sends the label as the visitor's message; the buttons close.
    let fx = send(&mut s, "v2", "Yes, please");
    assert!(matches!(&sends(&fx)[..], [VisitorFrame::Send { text, .. }] if text == "Yes, please"));
    assert_eq!(s.quick_replies_open(), None, "an answer on its way");
    s.apply(ack(7, "v2", 3));
    s.apply(msg(7, 3, Author::Visitor, "Yes, please", "v2"));
    assert_eq!(s.quick_replies_open(), None, "answered");
}

fn chimes(fx: &[Effect]) -> usize {
    fx.iter().filter(|e| **e == Effect::Chime).count()
}

#[test]
fn an_agent_reply_chimes_while_the_panel_is_closed_or_the_page_hidden_unless_muted() {
    let mut s = online();
    s.apply(welcome("tok", Some(conv(1, ConversationStatus::Active))));
    // The panel is closed: the reply chimes, the visitor's own message does not.
    assert_eq!(chimes(&s.apply(msg(1, 1, ann(), "Hello!", "a1"))), 1);
    assert_eq!(chimes(&s.apply(msg(1, 2, Author::Visitor, "hi", "v1"))), 0);
    // A replayed (already held) message is not news.
    assert_eq!(chimes(&s.apply(msg(1, 1, ann(), "Hello!", "a1"))), 0);
    // Open and visible: the message shows, no sound.
    s.apply(Action::HostOpen(true));
    assert_eq!(chimes(&s.apply(msg(1, 3, ann(), "Anything else?", "a2"))), 0);
    // Open in a background tab: it chimes again.
    s.apply(Action::PageHidden(true));
    assert_eq!(chimes(&s.apply(msg(1, 4, ann(), "Still there?", "a3"))), 1);
    // Muted: silence, and the choice is stored.
    let fx = s.apply(Action::Mute(true));
    assert!(fx.contains(&Effect::SaveMuted(true)));
    assert_eq!(chimes(&s.apply(msg(1, 5, ann(), "Bye", "a4"))), 0);
    s.apply(Action::Mute(false));
    // A shop with sounds off never chimes, and shows no toggle.
    let mut config = natter_protocol::PublicWidgetConfig::defaults(TenantId::parse("demo").unwrap(), "Demo".into());
    config.sound = false;
    s.apply(Action::Config(config));
    assert!(!s.sounds_on());
    assert_eq!(chimes(&s.apply(msg(1, 6, ann(), "Quiet", "a5"))), 0);
}

#[test]
fn the_mute_choice_of_an_earlier_page_comes_back_from_the_loader() {
    let (mut s, _) = boot_in_frame(vec![], None);
    let stored = HostStored { token: None, pending: None, seen: None, muted: Some(true) };
    s.apply(host_init(Some(stored)));
    assert!(s.muted);
}

#[test]
fn the_shop_closing_before_the_first_message_moves_the_words_to_the_offline_form() {
    let mut s = online();
    s.apply(Action::Config(natter_protocol::PublicWidgetConfig::defaults(
        TenantId::parse("demo").unwrap(),
        "D".into(),
    )));
    send(&mut s, "m1", "Do you ship to Phuket?");
    send(&mut s, "m2", "And Krabi?");
    assert_eq!(s.screen(), Screen::Chat);
    let refused = ErrorFrame {
        code: ErrorCode::ShopClosed,
        message: "closed".into(),
        client_id: Some(cid("m1")),
        conversation_id: None,
        fatal: false,
    };
    let fx = s.apply(Action::Frame { now: T0, frame: ToVisitor::Error(refused) });
    assert_eq!(s.screen(), Screen::Offline, "the offline form takes over");
    assert_eq!(s.offline_draft, "Do you ship to Phuket?\nAnd Krabi?", "nothing typed is lost");
    assert!(s.outbox.is_empty());
    assert!(fx.contains(&Effect::SavePending(s.unsent())), "the resend queue is cleared for good");
    assert_eq!(s.notice, Some(Notice::ShopJustClosed));
}

#[test]
fn a_long_wait_offers_the_offline_form_even_with_agents_online() {
    let mut s = online();
    let mut config = natter_protocol::PublicWidgetConfig::defaults(TenantId::parse("demo").unwrap(), "D".into());
    config.offline_after_secs = Some(60);
    s.apply(Action::Config(config));
    s.apply(welcome("tok", Some(conv(1, ConversationStatus::Waiting))));
    let queue = ToVisitor::Queue {
        conversation_id: ConversationId(1),
        position: 1,
        waiting: 1,
        estimated_wait_secs: Some(30),
        agents_online: true,
    };
    s.apply(Action::Frame { now: T0, frame: queue });
    s.apply(Action::Tick { now: T0 });
    assert!(!s.offline_offered() && !s.nobody_online());
    s.apply(Action::Tick { now: UnixMillis(T0.0 + 59_999) });
    assert!(!s.offline_offered(), "not before the shop's limit");
    s.apply(Action::Tick { now: UnixMillis(T0.0 + 60_000) });
    assert!(s.offline_offered() && !s.nobody_online(), "offered, and not said to be nobody");
    s.apply(Action::LeaveMessage(true));
    assert!(s.leaving_message);
    // Claimed meanwhile: no longer waiting, no longer offered.
    s.apply(Action::Frame {
        now: T0,
        frame: ToVisitor::VisitorConversation { conversation: conv(1, ConversationStatus::Active) },
    });
    s.apply(Action::Tick { now: UnixMillis(T0.0 + 61_000) });
    assert!(!s.offline_offered());
}

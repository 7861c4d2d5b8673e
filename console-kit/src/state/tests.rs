//! Native unit tests of the store: reducer, unread counts, resume bookkeeping,
//! draft keeping and send-once semantics.

use std::collections::BTreeMap;

use natter_protocol::{
    AgentFrame, AgentId, AgentInfo, AgentPresence, AgentRef, AgentStatus, Author, ClientMsgId, ConversationEvent,
    ConversationId, ConversationStatus, ConversationSummary, ErrorCode, ErrorFrame, LoginResponse, Message,
    MessageBody, Priority, Role, Seq, TagId, TenantId, ToAgent, UnixMillis,
};

use super::desk::DeskAction;

use super::backoff;
use super::idle::{self, IdleStatus};
use super::inbox::InboxTab;
use super::notify::{AlertKind, Notifier, NotifySettings};
use super::outbox::PendingState;
use super::shortcuts::{self, Shortcut};
use super::*;

const ME: AgentId = AgentId(1);
const ANN: AgentId = AgentId(2);
const T0: i64 = 1_700_000_000_000;

fn at(ms: i64) -> UnixMillis {
    UnixMillis(T0 + ms)
}

fn agent(id: AgentId, name: &str) -> AgentInfo {
    AgentInfo { id, name: name.into(), email: format!("{name}@shop.test").to_lowercase(), role: Role::Agent }
}

fn cid(s: &str) -> ClientMsgId {
    ClientMsgId::parse(s).expect("valid client id")
}

fn summary(id: u64, status: ConversationStatus, assignee: Option<AgentId>, last_seq: u64) -> ConversationSummary {
    // Built from JSON, as the relay sends it, so fields added to the protocol later
    // (with serde defaults) need no change here.
    let assignee = assignee.map(|a| serde_json::json!({ "id": a.0, "name": if a == ME { "Me" } else { "Ann" } }));
    serde_json::from_value(serde_json::json!({
        "id": id,
        "status": status.as_str(),
        "visitor_id": "AAAAAAAAAAAAAAAAAAAAAA",
        "visitor": { "name": format!("V{id}") },
        "assignee": assignee,
        "created_at": T0 + id as i64 * 1000,
        "last_seq": last_seq,
        "visitor_read_seq": 0,
        "agent_read_seq": 0,
    }))
    .expect("a valid conversation summary")
}

fn visitor_msg(seq: u64, text: &str) -> Message {
    Message {
        seq: Seq(seq),
        at: at(seq as i64 * 100),
        author: Author::Visitor,
        body: MessageBody::Text {
            text: text.into(),
            client_id: cid(&format!("v{seq}")),
            attachments: Vec::new(),
            quick_replies: Vec::new(),
        },
    }
}

fn agent_msg(seq: u64, who: AgentId, client: &str) -> Message {
    Message {
        seq: Seq(seq),
        at: at(seq as i64 * 100),
        author: Author::Agent { id: who, name: "x".into() },
        body: MessageBody::Text {
            text: "hello".into(),
            client_id: cid(client),
            attachments: Vec::new(),
            quick_replies: Vec::new(),
        },
    }
}

fn login() -> LoginResponse {
    LoginResponse {
        token: "tok".into(),
        agent: agent(ME, "Me"),
        expires_at: at(8 * 3_600_000),
        idle_timeout_secs: 1800,
    }
}

fn signed_in() -> Store {
    let mut s = Store { window_focused: true, ..Store::default() };
    let fx = s.apply(Action::SignedIn {
        now: at(0),
        tenant: TenantId::parse("demo").expect("valid"),
        response: login(),
        drafts: BTreeMap::new(),
        outbox: Outbox::default(),
    });
    assert!(fx.contains(&Effect::Connect { delay_ms: 0 }));
    let fx = s.apply(Action::SocketOpened);
    assert_eq!(fx, vec![Effect::Send(AgentFrame::Hello { v: 1, token: "tok".into() })]);
    s
}

fn frame(s: &mut Store, ms: i64, frame: ToAgent) -> Vec<Effect> {
    s.apply(Action::Frame { now: at(ms), frame })
}

fn welcome(s: &mut Store, ms: i64, conversations: Vec<ConversationSummary>) -> Vec<Effect> {
    frame(
        s,
        ms,
        ToAgent::AgentWelcome {
            v: 1,
            agent: agent(ME, "Me"),
            agents: vec![agent(ME, "Me"), agent(ANN, "Ann")],
            conversations,
        },
    )
}

fn sent_frames(fx: &[Effect]) -> Vec<AgentFrame> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Send(f) => Some(f.clone()),
            _ => None,
        })
        .collect()
}

fn syncs(fx: &[Effect]) -> Vec<(u64, u64)> {
    sent_frames(fx)
        .into_iter()
        .filter_map(|f| match f {
            AgentFrame::Sync { conversation_id, after_seq } => Some((conversation_id.0, after_seq.0)),
            _ => None,
        })
        .collect()
}

fn unwatches(fx: &[Effect]) -> Vec<u64> {
    sent_frames(fx)
        .into_iter()
        .filter_map(|f| match f {
            AgentFrame::Unwatch { conversation_id } => Some(conversation_id.0),
            _ => None,
        })
        .collect()
}

/// A live `conversation` frame moving a conversation to `last_seq`, with the
/// relay's preview of its newest text.
fn moved(s: &mut Store, ms: i64, mut sum: ConversationSummary, preview: &str) -> Vec<Effect> {
    sum.preview = Some(preview.into());
    frame(s, ms, ToAgent::Conversation { conversation: sum })
}

fn history(s: &mut Store, ms: i64, id: u64, messages: Vec<Message>) -> Vec<Effect> {
    frame(s, ms, ToAgent::History { conversation_id: ConversationId(id), messages, more: false })
}

fn c(s: &Store, id: u64) -> &ConvState {
    s.conv(ConversationId(id)).expect("conversation held")
}

#[test]
fn welcome_fills_the_inbox_and_fetches_only_the_agents_own_histories() {
    let mut s = signed_in();
    let fx = welcome(
        &mut s,
        10,
        vec![
            summary(1, ConversationStatus::Waiting, None, 2),
            summary(2, ConversationStatus::Active, Some(ME), 0),
            summary(3, ConversationStatus::Active, Some(ANN), 5),
            summary(4, ConversationStatus::Active, Some(ME), 3),
        ],
    );
    assert_eq!(s.conn, Conn::Online);
    assert_eq!(s.metrics.inbox_ready_at, Some(at(10)));
    // Conversation 2 has no messages: nothing to fetch. The queue's and Ann's
    // rows live on their summaries: syncing them would watch them.
    assert_eq!(syncs(&fx), vec![(4, 0)]);
    assert_eq!(s.tab_count(InboxTab::Waiting), 1);
    assert_eq!(s.tab_count(InboxTab::Mine), 2);
    assert_eq!(s.tab_count(InboxTab::AllActive), 3);
    assert_eq!((c(&s, 1).unread(), c(&s, 1).preview()), (2, None));
    // No sound for the initial list.
    assert!(!fx.iter().any(|e| matches!(e, Effect::Alert(_))));
}

#[test]
fn resume_syncs_exactly_the_conversations_with_missed_messages() {
    let mut s = signed_in();
    welcome(
        &mut s,
        0,
        vec![summary(1, ConversationStatus::Active, Some(ME), 2), summary(2, ConversationStatus::Active, Some(ME), 1)],
    );
    history(&mut s, 1, 1, vec![visitor_msg(1, "a"), visitor_msg(2, "b")]);
    history(&mut s, 1, 2, vec![visitor_msg(1, "c")]);
    assert!(s.needs_sync().is_empty());

    // The relay goes away; meanwhile conversation 1 gets two visitor messages.
    let fx = s.apply(Action::SocketClosed { now: at(100), jitter: 500 });
    assert!(matches!(fx.as_slice(), [Effect::Connect { .. }]));
    assert!(s.conn.reconnecting());
    s.apply(Action::SocketOpened);
    let fx = welcome(
        &mut s,
        2_000,
        vec![summary(1, ConversationStatus::Active, Some(ME), 4), summary(2, ConversationStatus::Active, Some(ME), 1)],
    );
    assert_eq!(syncs(&fx), vec![(1, 2)], "only what was missed, from where we were");
    assert!(c(&s, 1).syncing);

    // The history arrives, overlapping what we hold: every message once.
    frame(
        &mut s,
        2_100,
        ToAgent::History {
            conversation_id: ConversationId(1),
            messages: vec![visitor_msg(2, "b"), visitor_msg(3, "d")],
            more: true,
        },
    );
    assert!(c(&s, 1).syncing);
    history(&mut s, 2_200, 1, vec![visitor_msg(3, "d"), visitor_msg(4, "e")]);
    let seqs: Vec<u64> = c(&s, 1).messages.iter().map(|m| m.seq.0).collect();
    assert_eq!(seqs, vec![1, 2, 3, 4]);
    assert!(!c(&s, 1).syncing);
    assert!(s.needs_sync().is_empty());
    // A live copy of a message already fetched is ignored too.
    frame(&mut s, 2_300, ToAgent::Message { conversation_id: ConversationId(1), message: visitor_msg(4, "e") });
    assert_eq!(c(&s, 1).messages.len(), 4);
}

#[test]
fn a_conversation_missing_from_the_resume_welcome_was_closed() {
    let mut s = signed_in();
    welcome(&mut s, 0, vec![summary(1, ConversationStatus::Active, Some(ME), 1)]);
    history(&mut s, 1, 1, vec![visitor_msg(1, "hi")]);
    s.apply(Action::Open(ConversationId(1)));
    s.apply(Action::SocketClosed { now: at(10), jitter: 0 });
    s.apply(Action::SocketOpened);
    let fx = welcome(&mut s, 1_000, vec![]);
    assert_eq!(c(&s, 1).summary.status, ConversationStatus::Closed);
    assert_eq!(s.tab_count(InboxTab::Closed), 1);
    // It is open on screen, so its last messages (the close event) are fetched.
    assert_eq!(syncs(&fx), vec![(1, 1)]);
    // If the relay refuses that sync, it is not retried in a loop.
    frame(
        &mut s,
        1_100,
        ToAgent::Error(ErrorFrame {
            code: ErrorCode::NotFound,
            message: "gone".into(),
            client_id: None,
            conversation_id: Some(ConversationId(1)),
            fatal: false,
        }),
    );
    assert!(s.needs_sync().is_empty());
}

#[test]
fn a_live_gap_triggers_a_sync_from_the_last_contiguous_seq() {
    let mut s = signed_in();
    welcome(&mut s, 0, vec![summary(1, ConversationStatus::Active, Some(ME), 1)]);
    history(&mut s, 1, 1, vec![visitor_msg(1, "a")]);
    let fx = frame(&mut s, 10, ToAgent::Message { conversation_id: ConversationId(1), message: visitor_msg(3, "c") });
    assert_eq!(syncs(&fx), vec![(1, 1)]);
    assert_eq!(c(&s, 1).held_seq(), Seq(1));
}

#[test]
fn a_summary_ahead_of_us_syncs_only_after_a_grace_period() {
    let mut s = signed_in();
    welcome(&mut s, 0, vec![summary(1, ConversationStatus::Active, Some(ME), 0)]);
    let fx =
        frame(&mut s, 100, ToAgent::Conversation { conversation: summary(1, ConversationStatus::Active, Some(ME), 1) });
    assert!(syncs(&fx).is_empty(), "the message frame is probably right behind");
    // It comes: no sync needed at all.
    frame(&mut s, 150, ToAgent::Message { conversation_id: ConversationId(1), message: visitor_msg(1, "a") });
    assert!(syncs(&s.apply(Action::Tick { now: at(5_000) })).is_empty());
    // This time it does not come.
    frame(&mut s, 6_000, ToAgent::Conversation { conversation: summary(1, ConversationStatus::Active, Some(ME), 2) });
    assert!(syncs(&s.apply(Action::Tick { now: at(6_500) })).is_empty());
    assert_eq!(syncs(&s.apply(Action::Tick { now: at(7_600) })), vec![(1, 1)]);
}

#[test]
fn messages_for_an_unknown_conversation_wait_for_its_summary() {
    let mut s = signed_in();
    welcome(&mut s, 0, vec![]);
    frame(&mut s, 10, ToAgent::Message { conversation_id: ConversationId(9), message: visitor_msg(1, "first") });
    frame(&mut s, 20, ToAgent::Conversation { conversation: summary(9, ConversationStatus::Waiting, None, 1) });
    assert_eq!(c(&s, 9).messages.len(), 1);
    assert_eq!(c(&s, 9).preview(), Some("first"));
    assert!(s.needs_sync().is_empty());
}

#[test]
fn unread_counts_only_visitor_messages_after_what_was_seen() {
    let mut s = signed_in();
    welcome(
        &mut s,
        0,
        vec![summary(1, ConversationStatus::Active, Some(ME), 0), summary(2, ConversationStatus::Waiting, None, 0)],
    );
    for seq in 1..=3 {
        frame(
            &mut s,
            seq * 10,
            ToAgent::Message { conversation_id: ConversationId(1), message: visitor_msg(seq as u64, "x") },
        );
    }
    frame(&mut s, 40, ToAgent::Message { conversation_id: ConversationId(1), message: agent_msg(4, ANN, "a4") });
    frame(&mut s, 50, ToAgent::Message { conversation_id: ConversationId(2), message: visitor_msg(1, "y") });
    assert_eq!(c(&s, 1).unread(), 3);
    assert_eq!(c(&s, 2).unread(), 1);
    assert_eq!(s.title_count(), 4);

    // Opening conversation 1 while the window has focus reads it and tells the relay.
    let fx = s.apply(Action::Open(ConversationId(1)));
    assert_eq!(c(&s, 1).unread(), 0);
    assert_eq!(sent_frames(&fx), vec![AgentFrame::Read { conversation_id: ConversationId(1), seq: Seq(4) }]);
    assert_eq!(s.title_count(), 1);

    // With the window in the background a new message stays unread…
    s.apply(Action::WindowFocus { focused: false, now: at(60) });
    frame(&mut s, 70, ToAgent::Message { conversation_id: ConversationId(1), message: visitor_msg(5, "z") });
    assert_eq!(c(&s, 1).unread(), 1);
    // …until the agent comes back.
    let fx = s.apply(Action::WindowFocus { focused: true, now: at(80) });
    assert_eq!(c(&s, 1).unread(), 0);
    assert_eq!(sent_frames(&fx), vec![AgentFrame::Read { conversation_id: ConversationId(1), seq: Seq(5) }]);

    // Another agent's read (relay's agent_read_seq) also clears the queue count.
    frame(
        &mut s,
        90,
        ToAgent::Read {
            conversation_id: ConversationId(2),
            by: Author::Agent { id: ANN, name: "Ann".into() },
            seq: Seq(1),
        },
    );
    assert_eq!(c(&s, 2).unread(), 0);
    // Looking at a waiting conversation does not send a read receipt to its visitor.
    frame(&mut s, 95, ToAgent::Message { conversation_id: ConversationId(2), message: visitor_msg(2, "again") });
    let fx = s.apply(Action::Open(ConversationId(2)));
    assert!(!sent_frames(&fx).iter().any(|f| matches!(f, AgentFrame::Read { .. })));
    assert_eq!(syncs(&fx), vec![(2, 2)], "followed from now on");
    assert_eq!(c(&s, 2).unread(), 0);
}

#[test]
fn unread_before_history_uses_the_summary_counts() {
    let mut s = signed_in();
    let mut sum = summary(1, ConversationStatus::Waiting, None, 5);
    sum.agent_read_seq = Seq(3);
    welcome(&mut s, 0, vec![sum]);
    assert_eq!(c(&s, 1).unread(), 2);
}

#[test]
fn send_goes_out_once_and_is_resent_with_the_same_id_after_a_reconnect() {
    let mut s = signed_in();
    welcome(&mut s, 0, vec![summary(1, ConversationStatus::Active, Some(ME), 0)]);
    s.apply(Action::DraftChanged { id: ConversationId(1), text: "Hello there\n".into(), now: at(10) });
    let fx = s.apply(Action::Send { id: ConversationId(1), client_id: cid("m1"), now: at(20) });
    let sends: Vec<_> = sent_frames(&fx).into_iter().filter(|f| matches!(f, AgentFrame::Send { .. })).collect();
    assert_eq!(
        sends,
        vec![AgentFrame::Send {
            conversation_id: ConversationId(1),
            client_id: cid("m1"),
            text: "Hello there".into(),
            attachments: Vec::new(),
            quick_replies: Vec::new(),
        }]
    );
    assert_eq!(s.draft(ConversationId(1)), "");
    assert_eq!(s.outbox.items[0].state, PendingState::Sent);
    // A double Enter with the same id does nothing more.
    let fx = s.apply(Action::Send { id: ConversationId(1), client_id: cid("m1"), now: at(21) });
    assert!(sent_frames(&fx).is_empty());

    // The socket drops before the ack: on the next welcome it goes again, same id.
    s.apply(Action::SocketClosed { now: at(30), jitter: 0 });
    assert_eq!(s.outbox.items[0].state, PendingState::Queued);
    s.apply(Action::SocketOpened);
    let fx = welcome(&mut s, 1_000, vec![summary(1, ConversationStatus::Active, Some(ME), 1)]);
    let resent: Vec<_> = sent_frames(&fx).into_iter().filter(|f| matches!(f, AgentFrame::Send { .. })).collect();
    assert_eq!(
        resent,
        vec![AgentFrame::Send {
            conversation_id: ConversationId(1),
            client_id: cid("m1"),
            text: "Hello there".into(),
            attachments: Vec::new(),
            quick_replies: Vec::new(),
        }]
    );

    // The relay had stored it before the drop: duplicate ack. Shown once.
    frame(
        &mut s,
        1_100,
        ToAgent::Ack { conversation_id: ConversationId(1), client_id: cid("m1"), seq: Seq(1), duplicate: true },
    );
    assert!(s.outbox.is_empty());
    history(&mut s, 1_200, 1, vec![agent_msg(1, ME, "m1")]);
    assert_eq!(c(&s, 1).messages.len(), 1);
}

#[test]
fn sending_offline_queues_until_the_welcome() {
    let mut s = signed_in();
    welcome(&mut s, 0, vec![summary(1, ConversationStatus::Active, Some(ME), 0)]);
    s.apply(Action::SocketClosed { now: at(5), jitter: 0 });
    s.apply(Action::DraftChanged { id: ConversationId(1), text: "later".into(), now: at(10) });
    let fx = s.apply(Action::Send { id: ConversationId(1), client_id: cid("m2"), now: at(11) });
    assert!(sent_frames(&fx).is_empty());
    assert_eq!(s.outbox.items[0].state, PendingState::Queued);
    // Saved, so a reload does not lose it either.
    assert!(fx.iter().any(|e| matches!(e, Effect::SaveDrafts { outbox, .. } if outbox.items.len() == 1)));
    s.apply(Action::SocketOpened);
    let fx = welcome(&mut s, 1_000, vec![summary(1, ConversationStatus::Active, Some(ME), 0)]);
    assert_eq!(sent_frames(&fx).iter().filter(|f| matches!(f, AgentFrame::Send { .. })).count(), 1);
}

#[test]
fn an_echo_before_the_ack_clears_the_pending_copy() {
    let mut s = signed_in();
    welcome(&mut s, 0, vec![summary(1, ConversationStatus::Active, Some(ME), 0)]);
    s.apply(Action::DraftChanged { id: ConversationId(1), text: "hi".into(), now: at(1) });
    s.apply(Action::Send { id: ConversationId(1), client_id: cid("m3"), now: at(2) });
    frame(&mut s, 3, ToAgent::Message { conversation_id: ConversationId(1), message: agent_msg(1, ME, "m3") });
    assert!(s.outbox.is_empty());
    frame(
        &mut s,
        4,
        ToAgent::Ack { conversation_id: ConversationId(1), client_id: cid("m3"), seq: Seq(1), duplicate: false },
    );
    assert_eq!(c(&s, 1).messages.len(), 1);
}

#[test]
fn sending_into_a_just_closed_conversation_keeps_the_text() {
    let mut s = signed_in();
    welcome(&mut s, 0, vec![summary(1, ConversationStatus::Active, Some(ME), 0)]);
    s.apply(Action::DraftChanged { id: ConversationId(1), text: "one more thing".into(), now: at(1) });
    s.apply(Action::Send { id: ConversationId(1), client_id: cid("m4"), now: at(2) });
    s.apply(Action::DraftChanged { id: ConversationId(1), text: "and".into(), now: at(3) });
    frame(
        &mut s,
        4,
        ToAgent::Error(ErrorFrame {
            code: ErrorCode::ConversationClosed,
            message: "closed".into(),
            client_id: Some(cid("m4")),
            conversation_id: Some(ConversationId(1)),
            fatal: false,
        }),
    );
    assert!(s.outbox.is_empty());
    assert_eq!(s.draft(ConversationId(1)), "one more thing\nand");
    assert!(s.notices.iter().any(|n| n.kind == NoticeKind::ClosedTextKept));
    assert_eq!(c(&s, 1).summary.status, ConversationStatus::Closed);
    // A send on a conversation known to be closed is refused locally, text kept.
    let fx = s.apply(Action::Send { id: ConversationId(1), client_id: cid("m5"), now: at(5) });
    assert!(sent_frames(&fx).is_empty());
    assert_eq!(s.draft(ConversationId(1)), "one more thing\nand");
}

#[test]
fn other_refusals_fail_the_message_for_retry_or_edit() {
    let mut s = signed_in();
    welcome(&mut s, 0, vec![summary(1, ConversationStatus::Active, Some(ME), 0)]);
    s.apply(Action::DraftChanged { id: ConversationId(1), text: "fast".into(), now: at(1) });
    s.apply(Action::Send { id: ConversationId(1), client_id: cid("m6"), now: at(2) });
    frame(
        &mut s,
        3,
        ToAgent::Error(ErrorFrame {
            code: ErrorCode::RateLimited,
            message: "slow".into(),
            client_id: Some(cid("m6")),
            conversation_id: None,
            fatal: false,
        }),
    );
    assert_eq!(s.outbox.items[0].state, PendingState::Failed(ErrorCode::RateLimited));
    let fx = s.apply(Action::Retry(cid("m6")));
    assert_eq!(sent_frames(&fx).len(), 1);
    frame(
        &mut s,
        4,
        ToAgent::Error(ErrorFrame {
            code: ErrorCode::RateLimited,
            message: "slow".into(),
            client_id: Some(cid("m6")),
            conversation_id: None,
            fatal: false,
        }),
    );
    s.apply(Action::EditFailed(cid("m6")));
    assert!(s.outbox.is_empty());
    assert_eq!(s.draft(ConversationId(1)), "fast");
}

#[test]
fn an_expired_session_returns_to_sign_in_and_keeps_drafts() {
    let mut s = signed_in();
    welcome(&mut s, 0, vec![summary(1, ConversationStatus::Active, Some(ME), 0)]);
    s.apply(Action::DraftChanged { id: ConversationId(1), text: "half a reply".into(), now: at(1) });
    let fx = frame(
        &mut s,
        2,
        ToAgent::Error(ErrorFrame {
            code: ErrorCode::SessionExpired,
            message: "expired".into(),
            client_id: None,
            conversation_id: None,
            fatal: true,
        }),
    );
    assert!(s.session.is_none());
    assert_eq!(s.signed_out, Some(SignedOut::Expired));
    assert!(fx.contains(&Effect::SaveSession(None)));
    assert!(fx.contains(&Effect::Disconnect));
    assert!(!fx.iter().any(|e| matches!(e, Effect::ClearDrafts(_))));
    assert_eq!(s.draft(ConversationId(1)), "half a reply");
    // The closing socket does not reconnect without a session.
    assert!(s.apply(Action::SocketClosed { now: at(3), jitter: 0 }).is_empty());

    // Same agent signs in again: the draft is still there.
    s.apply(Action::SignedIn {
        now: at(10),
        tenant: TenantId::parse("demo").expect("valid"),
        response: login(),
        drafts: BTreeMap::new(),
        outbox: Outbox::default(),
    });
    assert_eq!(s.draft(ConversationId(1)), "half a reply");
    assert!(s.convs.contains_key(&ConversationId(1)));

    // A different agent on this browser does not see them.
    s.apply(Action::Frame {
        now: at(11),
        frame: ToAgent::Error(ErrorFrame {
            code: ErrorCode::SessionExpired,
            message: String::new(),
            client_id: None,
            conversation_id: None,
            fatal: true,
        }),
    });
    let mut other = login();
    other.agent = agent(ANN, "Ann");
    s.apply(Action::SignedIn {
        now: at(12),
        tenant: TenantId::parse("demo").expect("valid"),
        response: other,
        drafts: BTreeMap::new(),
        outbox: Outbox::default(),
    });
    assert_eq!(s.draft(ConversationId(1)), "");
    assert!(s.convs.is_empty());
}

#[test]
fn logout_clears_session_and_drafts() {
    let mut s = signed_in();
    welcome(&mut s, 0, vec![summary(1, ConversationStatus::Active, Some(ME), 0)]);
    s.apply(Action::DraftChanged { id: ConversationId(1), text: "x".into(), now: at(1) });
    let fx = s.apply(Action::Logout);
    assert!(fx.contains(&Effect::Logout { token: "tok".into() }));
    assert!(fx.iter().any(|e| matches!(e, Effect::ClearDrafts(o) if o.agent == ME)));
    assert!(s.session.is_none() && s.drafts.is_empty() && s.convs.is_empty());
    assert_eq!(s.signed_out, None);
}

#[test]
fn idle_warning_shows_two_minutes_before_and_activity_cancels_it() {
    let mut s = signed_in();
    welcome(&mut s, 0, vec![]);
    s.apply(Action::Tick { now: at(27 * 60_000) });
    assert_eq!(s.idle_status(), IdleStatus::Active);
    s.apply(Action::Tick { now: at(28 * 60_000 + 1_000) });
    assert_eq!(s.idle_status(), IdleStatus::Warning { secs_left: 119 });
    s.apply(Action::Activity { now: at(28 * 60_000 + 2_000) });
    assert_eq!(s.idle_status(), IdleStatus::Active);
    s.apply(Action::Tick { now: at(58 * 60_000 + 1_000) });
    assert_eq!(s.idle_status(), IdleStatus::Warning { secs_left: 1 });
    let fx = s.apply(Action::Tick { now: at(58 * 60_000 + 2_000) });
    assert!(fx.contains(&Effect::Logout { token: "tok".into() }));
    assert_eq!(s.signed_out, Some(SignedOut::Idle));
    assert!(s.session.is_none());
}

#[test]
fn idle_status_edges() {
    assert_eq!(idle::status(UnixMillis(0), UnixMillis(0), 1800), IdleStatus::Active);
    assert_eq!(idle::status(UnixMillis(1_800_000), UnixMillis(0), 1800), IdleStatus::Expired);
    assert_eq!(idle::status(UnixMillis(1_680_000), UnixMillis(0), 1800), IdleStatus::Warning { secs_left: 120 });
    // A short timeout warns for its last half.
    assert_eq!(idle::status(UnixMillis(31_000), UnixMillis(0), 60), IdleStatus::Warning { secs_left: 29 });
}

#[test]
fn boot_resumes_a_stored_session_unless_it_expired() {
    let session = Session {
        tenant: TenantId::parse("demo").expect("valid"),
        token: "tok".into(),
        agent: agent(ME, "Me"),
        expires_at: at(10_000_000),
        idle_timeout_secs: 1800,
    };
    let boot = |now: i64, last: i64| {
        let mut s = Store::default();
        let fx = s.apply(Action::Boot {
            now: at(now),
            session: Some(session.clone()),
            last_activity: Some(at(last)),
            drafts: BTreeMap::from([(ConversationId(4), "kept".to_owned())]),
            outbox: Outbox::default(),
            settings: Settings::default(),
            focused: true,
        });
        (s, fx)
    };
    let (s, fx) = boot(60_000, 0);
    assert!(s.session.is_some());
    assert_eq!(fx, vec![Effect::Connect { delay_ms: 0 }]);
    let (s, fx) = boot(31 * 60_000, 0);
    assert!(s.session.is_none());
    assert_eq!(s.signed_out, Some(SignedOut::Idle));
    assert!(fx.contains(&Effect::SaveSession(None)));
    assert_eq!(s.draft(ConversationId(4)), "kept");
    let (s, _) = boot(10_000_001, 10_000_000);
    assert_eq!(s.signed_out, Some(SignedOut::Expired));
}

#[test]
fn losing_a_claim_race_says_who_won() {
    let mut s = signed_in();
    welcome(&mut s, 0, vec![summary(1, ConversationStatus::Waiting, None, 0)]);
    let fx = s.apply(Action::Claim(ConversationId(1)));
    assert_eq!(sent_frames(&fx), vec![AgentFrame::Claim { conversation_id: ConversationId(1) }]);
    assert!(c(&s, 1).claiming);
    // Double click: one claim only.
    assert!(s.apply(Action::Claim(ConversationId(1))).is_empty());
    frame(&mut s, 5, ToAgent::Conversation { conversation: summary(1, ConversationStatus::Active, Some(ANN), 0) });
    frame(
        &mut s,
        6,
        ToAgent::Error(ErrorFrame {
            code: ErrorCode::AlreadyClaimed,
            message: "Ann already has this conversation".into(),
            client_id: None,
            conversation_id: Some(ConversationId(1)),
            fatal: false,
        }),
    );
    assert!(!c(&s, 1).claiming);
    assert!(s.notices.iter().any(|n| matches!(&n.kind, NoticeKind::AlreadyClaimed { by: Some(b), .. } if b == "Ann")));
}

#[test]
fn claim_transfer_and_close_send_their_frames() {
    let mut s = signed_in();
    welcome(&mut s, 0, vec![summary(1, ConversationStatus::Active, Some(ME), 0)]);
    s.apply(Action::ShowDialog(Some(Dialog::Transfer(ConversationId(1)))));
    let fx = s.apply(Action::Transfer { id: ConversationId(1), to: ANN, note: "  VIP, be nice ".into() });
    assert_eq!(
        sent_frames(&fx),
        vec![AgentFrame::Transfer { conversation_id: ConversationId(1), to: ANN, note: Some("VIP, be nice".into()) }]
    );
    assert_eq!(s.dialog, None);
    let fx = s.apply(Action::Transfer { id: ConversationId(1), to: ANN, note: " ".into() });
    assert_eq!(
        sent_frames(&fx),
        vec![AgentFrame::Transfer { conversation_id: ConversationId(1), to: ANN, note: None }]
    );
    let fx = s.apply(Action::CloseConversation(ConversationId(1)));
    assert_eq!(sent_frames(&fx), vec![AgentFrame::Close { conversation_id: ConversationId(1) }]);
}

#[test]
fn new_visitors_and_messages_alert_and_bursts_coalesce() {
    let mut s = signed_in();
    welcome(&mut s, 0, vec![summary(1, ConversationStatus::Active, Some(ME), 0)]);
    s.apply(Action::WindowFocus { focused: false, now: at(1) });
    let fx =
        frame(&mut s, 1_000, ToAgent::Conversation { conversation: summary(2, ConversationStatus::Waiting, None, 0) });
    let alerts: Vec<_> =
        fx.iter().filter_map(|e| if let Effect::Alert(a) = e { Some(a.clone()) } else { None }).collect();
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].kind, AlertKind::NewVisitor);
    assert!(alerts[0].sound.is_some() && alerts[0].desktop);
    assert!(matches!(s.announce, Some((_, Announce::NewVisitor(_)))));
    // A burst of messages right after: no more sounds, one notification counting up.
    let fx =
        frame(&mut s, 2_000, ToAgent::Message { conversation_id: ConversationId(1), message: visitor_msg(1, "a") });
    let fx2 =
        frame(&mut s, 2_500, ToAgent::Message { conversation_id: ConversationId(1), message: visitor_msg(2, "b") });
    for (fx, count) in [(fx, 2), (fx2, 3)] {
        let a = fx.iter().find_map(|e| if let Effect::Alert(a) = e { Some(a.clone()) } else { None }).expect("alert");
        assert_eq!((a.sound, a.desktop, a.count), (None, true, count));
    }
    // Messages in someone else's conversation do not ring.
    frame(&mut s, 9_000, ToAgent::Conversation { conversation: summary(3, ConversationStatus::Active, Some(ANN), 0) });
    let fx =
        frame(&mut s, 9_100, ToAgent::Message { conversation_id: ConversationId(3), message: visitor_msg(1, "a") });
    assert!(!fx.iter().any(|e| matches!(e, Effect::Alert(_))));
    // A transfer to me does.
    let fx = frame(
        &mut s,
        20_000,
        ToAgent::Conversation { conversation: summary(3, ConversationStatus::Active, Some(ME), 1) },
    );
    assert!(
        fx.iter().any(|e| matches!(e, Effect::Alert(a) if a.kind == AlertKind::TransferredToMe && a.sound.is_some()))
    );
}

#[test]
fn notifier_rules() {
    let mut n = Notifier::default();
    let on = NotifySettings::default();
    let id = ConversationId(1);
    // Focused on that very conversation: nothing.
    assert_eq!(n.event(at(0), AlertKind::NewMessage, id, on, true, true), None);
    // Focused elsewhere: sound, no desktop notification.
    let a = n.event(at(0), AlertKind::NewMessage, id, on, true, false).expect("alert");
    assert!(a.sound.is_some() && !a.desktop);
    // Sound off and focused: nothing at all.
    let off = NotifySettings { sound: false, ..on };
    assert_eq!(n.event(at(60_000), AlertKind::NewVisitor, id, off, true, false), None);
    // Volume maps to 0..1.
    let quiet = NotifySettings { volume: 25, ..on };
    let a = n.event(at(120_000), AlertKind::NewVisitor, id, quiet, false, false).expect("alert");
    assert_eq!(a.sound, Some(0.25));
}

#[test]
fn agent_typing_frames_start_repeat_and_stop() {
    let mut s = signed_in();
    welcome(
        &mut s,
        0,
        vec![summary(1, ConversationStatus::Active, Some(ME), 0), summary(2, ConversationStatus::Waiting, None, 0)],
    );
    let typing = |fx: &[Effect]| {
        sent_frames(fx).into_iter().filter(|f| matches!(f, AgentFrame::Typing { .. })).collect::<Vec<_>>()
    };
    let on = AgentFrame::Typing { conversation_id: ConversationId(1), on: true };
    let off = AgentFrame::Typing { conversation_id: ConversationId(1), on: false };
    assert_eq!(
        typing(&s.apply(Action::DraftChanged { id: ConversationId(1), text: "h".into(), now: at(0) })),
        vec![on.clone()]
    );
    assert!(
        typing(&s.apply(Action::DraftChanged { id: ConversationId(1), text: "he".into(), now: at(1_000) })).is_empty()
    );
    assert_eq!(
        typing(&s.apply(Action::DraftChanged { id: ConversationId(1), text: "hel".into(), now: at(4_500) })),
        vec![on]
    );
    assert!(typing(&s.apply(Action::Tick { now: at(6_000) })).is_empty());
    assert_eq!(typing(&s.apply(Action::Tick { now: at(7_600) })), vec![off]);
    // Not in a conversation the agent does not hold.
    assert!(
        typing(&s.apply(Action::DraftChanged { id: ConversationId(2), text: "h".into(), now: at(8_000) })).is_empty()
    );
}

#[test]
fn visitor_typing_shows_until_off_or_timeout_or_message() {
    let mut s = signed_in();
    welcome(&mut s, 0, vec![summary(1, ConversationStatus::Active, Some(ME), 0)]);
    frame(&mut s, 100, ToAgent::Typing { conversation_id: ConversationId(1), who: Author::Visitor, on: true });
    assert!(c(&s, 1).visitor_typing(at(200)));
    assert!(!c(&s, 1).visitor_typing(at(100 + TYPING_TTL_MS)));
    frame(&mut s, 300, ToAgent::Message { conversation_id: ConversationId(1), message: visitor_msg(1, "x") });
    assert!(!c(&s, 1).visitor_typing(at(400)));
}

#[test]
fn read_receipts_from_the_visitor_are_kept() {
    let mut s = signed_in();
    welcome(&mut s, 0, vec![summary(1, ConversationStatus::Active, Some(ME), 0)]);
    frame(&mut s, 1, ToAgent::Read { conversation_id: ConversationId(1), by: Author::Visitor, seq: Seq(3) });
    frame(&mut s, 2, ToAgent::Read { conversation_id: ConversationId(1), by: Author::Visitor, seq: Seq(2) });
    assert_eq!(c(&s, 1).summary.visitor_read_seq, Seq(3));
}

#[test]
fn inbox_orders_waiting_oldest_first_and_searches_closed() {
    let mut s = signed_in();
    let mut closed = summary(7, ConversationStatus::Closed, Some(ME), 1);
    closed.visitor.email = Some("nok@example.com".into());
    welcome(
        &mut s,
        0,
        vec![
            summary(5, ConversationStatus::Waiting, None, 0),
            summary(3, ConversationStatus::Waiting, None, 0),
            closed,
        ],
    );
    let ids: Vec<u64> = s.rows(InboxTab::Waiting).iter().map(|c| c.id().0).collect();
    assert_eq!(ids, vec![3, 5]);
    s.apply(Action::Search("NOK@".into()));
    assert_eq!(s.rows(InboxTab::Closed).len(), 1);
    s.apply(Action::Search("nobody".into()));
    assert_eq!(s.rows(InboxTab::Closed).len(), 0);
}

fn lookups(fx: &[Effect]) -> Vec<Lookup> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::FindConversations { lookup, .. } => Some(lookup.clone()),
            _ => None,
        })
        .collect()
}

fn page(ids: &[u64], more: bool) -> Result<ConversationPage, String> {
    let conversations = ids
        .iter()
        .map(|&id| {
            let mut c = summary(id, ConversationStatus::Closed, Some(ANN), 2);
            c.preview = Some(format!("old chat {id}"));
            c
        })
        .collect();
    Ok(ConversationPage { conversations, more, total: None })
}

fn search(q: &str, before: Option<u64>) -> Lookup {
    Lookup::Search { q: q.into(), tag: None, before: before.map(ConversationId) }
}

#[test]
fn the_closed_tab_searches_the_relays_history_and_pages() {
    let mut s = signed_in();
    welcome(&mut s, 0, vec![summary(50, ConversationStatus::Waiting, None, 0)]);
    assert_eq!(lookups(&s.apply(Action::SelectTab(InboxTab::Closed))), [search("", None)]);
    assert!(s.history.loading);

    // Typing searches again; the answer to the older text is ignored.
    assert_eq!(lookups(&s.apply(Action::Search(" parcel ".into()))), vec![search("parcel", None)]);
    s.apply(Action::Found { lookup: search("", None), page: page(&[9], false) });
    assert!(s.rows(InboxTab::Closed).is_empty(), "a stale answer shows nothing");
    // The relay matched message text this console never loaded: the rows show anyway.
    s.apply(Action::Found { lookup: search("parcel", None), page: page(&[12, 8], true) });
    let ids: Vec<u64> = s.rows(InboxTab::Closed).iter().map(|c| c.id().0).collect();
    assert_eq!(ids, vec![12, 8]);
    assert!(!s.history.loading && s.history.more);

    // "Load more" asks for what is older than the oldest hit.
    let fx = s.apply(Action::MoreFound);
    assert_eq!(lookups(&fx), [search("parcel", Some(8))]);
    s.apply(Action::Found { lookup: search("parcel", Some(8)), page: page(&[4], false) });
    assert_eq!(s.rows(InboxTab::Closed).len(), 3);
    assert!(lookups(&s.apply(Action::MoreFound)).is_empty(), "nothing more to load");

    // A failure is shown, and the live inbox is untouched.
    s.apply(Action::Search("x".into()));
    s.apply(Action::Found { lookup: search("x", None), page: Err("down".into()) });
    assert!(s.history.failed && !s.history.loading);
    assert_eq!(c(&s, 50).summary.status, ConversationStatus::Waiting);
}

#[test]
fn a_search_covers_every_tab_and_the_open_conversations_the_relay_matched() {
    let mut s = signed_in();
    let mut waiting = summary(3, ConversationStatus::Waiting, None, 0);
    waiting.visitor.name = Some("Nok".into());
    welcome(&mut s, 0, vec![waiting, summary(4, ConversationStatus::Active, Some(ME), 1)]);
    assert_eq!(s.rows(InboxTab::Mine).len(), 1);
    // On the Mine tab: the text asks the relay about every status.
    let fx = s.apply(Action::Search("invoice".into()));
    assert_eq!(lookups(&fx), [search("invoice", None)]);
    assert_eq!(search("invoice", None).query().status, Some(natter_protocol::SearchStatus::Any));
    assert!(s.rows(InboxTab::Mine).is_empty(), "conversation 4 holds no such text here");
    // The relay found the word in conversation 4's messages this console never loaded.
    let mut hit = summary(4, ConversationStatus::Active, Some(ME), 1);
    hit.preview = None;
    s.apply(Action::Found {
        lookup: search("invoice", None),
        page: Ok(ConversationPage { conversations: vec![hit], more: false, total: None }),
    });
    assert_eq!(s.rows(InboxTab::Mine).iter().map(|c| c.id().0).collect::<Vec<_>>(), [4]);
    // Names match locally on any tab; switching tabs keeps the results without asking again.
    s.apply(Action::Search("nok".into()));
    assert_eq!(s.rows(InboxTab::Waiting).len(), 1);
    assert!(lookups(&s.apply(Action::SelectTab(InboxTab::Waiting))).is_empty());
    // Clearing the text on an open tab asks nothing and shows every row.
    assert!(lookups(&s.apply(Action::Search(String::new()))).is_empty());
    assert_eq!(s.rows(InboxTab::Mine).len(), 1);
}

#[test]
fn the_tag_filter_asks_the_relay_on_the_closed_tab() {
    let mut s = signed_in();
    welcome(&mut s, 0, vec![]);
    s.apply(Action::SelectTab(InboxTab::Closed));
    let fx = s.apply(Action::Desk(DeskAction::FilterTag(Some(TagId(2)))));
    let tagged = Lookup::Search { q: String::new(), tag: Some(TagId(2)), before: None };
    assert_eq!(lookups(&fx), std::slice::from_ref(&tagged));
    // An answer for the untagged listing is stale now.
    s.apply(Action::Found { lookup: search("", None), page: page(&[9], false) });
    assert!(s.history.hits.is_empty());
    let mut with_tag = summary(11, ConversationStatus::Closed, Some(ANN), 1);
    with_tag.tags = vec![TagId(2)];
    s.apply(Action::Found {
        lookup: tagged,
        page: Ok(ConversationPage { conversations: vec![with_tag], more: false, total: Some(1) }),
    });
    assert_eq!(s.rows(InboxTab::Closed).iter().map(|c| c.id().0).collect::<Vec<_>>(), [11]);
}

#[test]
fn the_closed_badge_counts_the_tenants_total_and_follows_live_closes() {
    let mut s = signed_in();
    let fx = welcome(&mut s, 0, vec![summary(1, ConversationStatus::Active, Some(ME), 1)]);
    assert_eq!(lookups(&fx), [Lookup::ClosedTotal], "asked once signed in");
    assert_eq!(s.tab_count(InboxTab::Closed), 0);
    s.apply(Action::Found {
        lookup: Lookup::ClosedTotal,
        page: Ok(ConversationPage { conversations: vec![], more: false, total: Some(120) }),
    });
    assert_eq!(s.tab_count(InboxTab::Closed), 120, "the tenant's total, not what this console holds");
    frame(&mut s, 1, ToAgent::Conversation { conversation: summary(1, ConversationStatus::Closed, Some(ME), 1) });
    assert_eq!(s.tab_count(InboxTab::Closed), 121);
    frame(&mut s, 2, ToAgent::Conversation { conversation: summary(1, ConversationStatus::Active, Some(ME), 1) });
    assert_eq!(s.tab_count(InboxTab::Closed), 120, "a reopened conversation leaves the count");
    // The Closed tab's plain listing refreshes the total.
    s.apply(Action::SelectTab(InboxTab::Closed));
    s.apply(Action::Found {
        lookup: search("", None),
        page: Ok(ConversationPage { conversations: vec![], more: false, total: Some(125) }),
    });
    assert_eq!(s.tab_count(InboxTab::Closed), 125);
}

#[test]
fn opening_a_conversation_lists_the_visitors_earlier_ones_once() {
    let mut s = signed_in();
    welcome(&mut s, 0, vec![summary(20, ConversationStatus::Waiting, None, 0)]);
    let visitor = c(&s, 20).summary.visitor_id.clone();
    let fx = s.apply(Action::Open(ConversationId(20)));
    assert_eq!(lookups(&fx), [Lookup::Visitor(visitor.clone())]);
    assert_eq!(s.earlier_of(ConversationId(20)), None, "not answered yet");
    s.apply(Action::Found { lookup: Lookup::Visitor(visitor), page: page(&[20, 11, 3], false) });
    let earlier: Vec<u64> = s.earlier_of(ConversationId(20)).unwrap().iter().map(|c| c.id().0).collect();
    assert_eq!(earlier, vec![11, 3]);
    // The live summary was not replaced by the history's older copy.
    assert_eq!(c(&s, 20).summary.status, ConversationStatus::Waiting);
    // Opening an earlier one fetches its messages, and asks nothing again.
    let fx = s.apply(Action::Open(ConversationId(11)));
    assert!(lookups(&fx).is_empty());
    assert_eq!(syncs(&fx), vec![(11, 0)]);
    // The visitor comes back with a new conversation: the list is asked for afresh.
    frame(&mut s, 10, ToAgent::Conversation { conversation: summary(30, ConversationStatus::Waiting, None, 0) });
    let visitor = c(&s, 30).summary.visitor_id.clone();
    assert_eq!(lookups(&s.apply(Action::Open(ConversationId(30)))), [Lookup::Visitor(visitor)]);
}

#[test]
fn open_conversations_are_switchable_by_keyboard() {
    let mut s = signed_in();
    welcome(&mut s, 0, (1..=3).map(|i| summary(i, ConversationStatus::Waiting, None, 0)).collect());
    s.apply(Action::Shortcut(Shortcut::NextConversation));
    assert_eq!(s.focused, Some(ConversationId(1)));
    s.apply(Action::Shortcut(Shortcut::NextConversation));
    s.apply(Action::Shortcut(Shortcut::NextConversation));
    assert_eq!(s.focused, Some(ConversationId(3)));
    s.apply(Action::Shortcut(Shortcut::NextConversation));
    assert_eq!(s.focused, Some(ConversationId(1)), "wraps around");
    s.apply(Action::Shortcut(Shortcut::PreviousConversation));
    assert_eq!(s.focused, Some(ConversationId(3)));
    assert_eq!(s.open, vec![ConversationId(1), ConversationId(2), ConversationId(3)]);
    s.apply(Action::Shortcut(Shortcut::OpenConversation(1)));
    assert_eq!(s.focused, Some(ConversationId(2)));
    s.apply(Action::CloseView(ConversationId(2)));
    assert_eq!(s.focused, Some(ConversationId(3)));
    let fx = s.apply(Action::Shortcut(Shortcut::Claim));
    assert_eq!(sent_frames(&fx), vec![AgentFrame::Claim { conversation_id: ConversationId(3) }]);
    s.apply(Action::Shortcut(Shortcut::Help));
    assert_eq!(s.dialog, Some(Dialog::Help));
    s.apply(Action::Shortcut(Shortcut::Escape));
    assert_eq!(s.dialog, None);
}

#[test]
fn keys_map_to_shortcuts() {
    assert_eq!(shortcuts::from_key("KeyJ", "∆", true, false, false, true), Some(Shortcut::NextConversation));
    assert_eq!(shortcuts::from_key("Digit3", "3", true, false, false, false), Some(Shortcut::OpenConversation(2)));
    assert_eq!(shortcuts::from_key("Digit0", "0", true, false, false, false), None);
    assert_eq!(shortcuts::from_key("Slash", "?", false, false, false, false), Some(Shortcut::Help));
    assert_eq!(shortcuts::from_key("Slash", "?", false, false, false, true), None, "typing a question mark");
    assert_eq!(shortcuts::from_key("KeyC", "c", true, true, false, false), None);
    assert_eq!(shortcuts::from_key("Escape", "Escape", false, false, false, true), Some(Shortcut::Escape));
}

#[test]
fn backoff_grows_and_caps() {
    assert!(backoff::delay_ms(1, 0) <= 500);
    assert!(backoff::delay_ms(2, 500) >= 800 && backoff::delay_ms(2, 500) <= 1200);
    assert!(backoff::delay_ms(4, 500) > backoff::delay_ms(3, 500));
    assert!(backoff::delay_ms(50, 1000) <= backoff::MAX_MS);
    assert!(backoff::delay_ms(50, 0) >= backoff::MAX_MS * 3 / 4);
    // Successive failures move the retry time out.
    let mut s = signed_in();
    s.apply(Action::SocketClosed { now: at(0), jitter: 500 });
    s.apply(Action::SocketOpened);
    s.apply(Action::SocketClosed { now: at(1_000), jitter: 500 });
    assert!(matches!(s.conn, Conn::Retrying { attempt: 2, .. }));
}

#[test]
fn system_events_are_kept_in_order() {
    let mut s = signed_in();
    welcome(&mut s, 0, vec![summary(1, ConversationStatus::Active, Some(ME), 0)]);
    let ev = Message {
        seq: Seq(1),
        at: at(1),
        author: Author::System,
        body: MessageBody::Event {
            event: ConversationEvent::Claimed { agent: AgentRef { id: ME, name: "Me".into() } },
        },
    };
    frame(&mut s, 1, ToAgent::Message { conversation_id: ConversationId(1), message: ev });
    frame(&mut s, 2, ToAgent::Message { conversation_id: ConversationId(1), message: visitor_msg(2, "thanks") });
    assert_eq!(c(&s, 1).preview(), Some("thanks"));
    // Not open on screen: the visitor's line is unread, the system line never is.
    assert_eq!(c(&s, 1).unread(), 1);
}

#[test]
fn syncs_are_paced_under_the_relay_rate_limit_and_retried_when_dropped() {
    let mut s = signed_in();
    let many: Vec<_> = (1..=50).map(|i| summary(i, ConversationStatus::Active, Some(ME), 2)).collect();
    let fx = welcome(&mut s, 0, many);
    let first = syncs(&fx);
    assert_eq!(first.len(), SYNC_BURST as usize);
    // Oldest first.
    assert_eq!(first[0], (1, 0));
    // Each answered sync lets the next one go within the budget left (none here).
    assert!(syncs(&history(&mut s, 10, 1, vec![visitor_msg(1, "a"), visitor_msg(2, "b")])).is_empty());
    // The tick refills the budget a little at a time.
    let fx = s.apply(Action::Tick { now: at(1_000) });
    assert_eq!(syncs(&fx).len(), SYNC_PER_TICK as usize);
    // A sync the relay dropped (rate limit: no error names it) is asked again.
    let fx = frame(
        &mut s,
        1_100,
        ToAgent::Error(ErrorFrame {
            code: ErrorCode::RateLimited,
            message: "slow down".into(),
            client_id: None,
            conversation_id: None,
            fatal: false,
        }),
    );
    assert!(fx.is_empty() && s.notices.is_empty(), "nothing for the agent to do");
    let mut asked = 0;
    for t in 2..=40 {
        let fx = s.apply(Action::Tick { now: at(t * 1_000) });
        asked += syncs(&fx).len();
        // A token bucket like the relay's: a burst, then a steady rate.
        let budget = SYNC_BURST as usize + SYNC_PER_TICK as usize * (t as usize - 1);
        assert!(asked <= budget, "{asked} syncs by second {t}, budget {budget}");
    }
    // Everything unanswered was asked (again) by now.
    assert!(asked >= 49, "{asked}");
    assert!(s.convs.values().all(|c| c.syncing || !c.has_gap()));
}

#[test]
fn an_unacknowledged_message_is_written_again_with_the_same_id() {
    let mut s = signed_in();
    welcome(&mut s, 0, vec![summary(1, ConversationStatus::Active, Some(ME), 0)]);
    s.apply(Action::DraftChanged { id: ConversationId(1), text: "hi".into(), now: at(0) });
    s.apply(Action::Send { id: ConversationId(1), client_id: cid("m9"), now: at(0) });
    let sends = |fx: &[Effect]| sent_frames(fx).into_iter().filter(|f| matches!(f, AgentFrame::Send { .. })).count();
    assert_eq!(sends(&s.apply(Action::Tick { now: at(5_000) })), 0);
    let fx = s.apply(Action::Tick { now: at(10_000) });
    assert_eq!(
        sent_frames(&fx),
        vec![AgentFrame::Send {
            conversation_id: ConversationId(1),
            client_id: cid("m9"),
            text: "hi".into(),
            attachments: Vec::new(),
            quick_replies: Vec::new(),
        }]
    );
    frame(
        &mut s,
        10_100,
        ToAgent::Ack { conversation_id: ConversationId(1), client_id: cid("m9"), seq: Seq(1), duplicate: true },
    );
    assert!(s.outbox.is_empty());
    assert_eq!(sends(&s.apply(Action::Tick { now: at(30_000) })), 0);
}

// ----- availability, queue, priority, settings page -----

fn presence(id: AgentId, status: &str, active: u32) -> AgentPresence {
    serde_json::from_value(serde_json::json!({
        "id": id.0, "status": status, "active_chats": active, "max_chats": 5, "skills": if id == ANN { vec!["billing"] } else { vec![] },
    }))
    .expect("valid presence")
}

fn with_priority(mut s: ConversationSummary, p: Priority) -> ConversationSummary {
    s.priority = p;
    s
}

#[test]
fn presence_frames_give_my_status_and_the_team_load() {
    let mut s = signed_in();
    welcome(&mut s, 10, vec![]);
    assert_eq!(s.my_status(), AgentStatus::Online);
    frame(&mut s, 20, ToAgent::Presence { agents: vec![presence(ME, "busy", 5), presence(ANN, "away", 1)] });
    assert_eq!(s.my_status(), AgentStatus::Busy);
    let team: Vec<_> = s.team().iter().map(|(a, p)| (a.name.clone(), p.map(|p| (p.status, p.active_chats)))).collect();
    assert_eq!(team, vec![("Ann".into(), Some((AgentStatus::Away, 1))), ("Me".into(), Some((AgentStatus::Busy, 5)))]);
    assert_eq!(s.skills(), vec!["billing".to_owned()]);
}

#[test]
fn choosing_a_status_sends_it_but_busy_cannot_be_chosen() {
    let mut s = signed_in();
    assert!(sent_frames(&s.apply(Action::SetStatus(AgentStatus::Away))).is_empty(), "not before the welcome");
    welcome(&mut s, 10, vec![]);
    assert_eq!(
        sent_frames(&s.apply(Action::SetStatus(AgentStatus::Away))),
        vec![AgentFrame::SetStatus { status: AgentStatus::Away }]
    );
    assert!(sent_frames(&s.apply(Action::SetStatus(AgentStatus::Busy))).is_empty());
}

#[test]
fn activity_frames_are_paced_but_undo_idle_away_at_once() {
    let mut s = signed_in();
    welcome(&mut s, 10, vec![]);
    let activity = |s: &mut Store, ms| sent_frames(&s.apply(Action::Activity { now: at(ms) }));
    assert_eq!(activity(&mut s, 1_000), vec![AgentFrame::Activity]);
    assert!(activity(&mut s, 6_000).is_empty(), "within the minute");
    assert_eq!(activity(&mut s, 61_000), vec![AgentFrame::Activity]);
    // The relay made us away for idleness: the next move tells it we are back.
    frame(&mut s, 62_000, ToAgent::Presence { agents: vec![presence(ME, "away", 0)] });
    assert_eq!(activity(&mut s, 63_000), vec![AgentFrame::Activity]);
    // Chosen away is not undone by moving the mouse.
    s.apply(Action::SetStatus(AgentStatus::Away));
    assert!(activity(&mut s, 64_000).is_empty());
}

#[test]
fn the_waiting_tab_follows_priority_then_arrival_and_counts_positions() {
    let mut s = signed_in();
    welcome(
        &mut s,
        10,
        vec![
            summary(1, ConversationStatus::Waiting, None, 0),
            with_priority(summary(2, ConversationStatus::Waiting, None, 0), Priority::High),
            with_priority(summary(3, ConversationStatus::Waiting, None, 0), Priority::Urgent),
            summary(4, ConversationStatus::Waiting, None, 0),
            summary(5, ConversationStatus::Active, Some(ME), 0),
        ],
    );
    let ids: Vec<u64> = s.rows(InboxTab::Waiting).iter().map(|c| c.id().0).collect();
    assert_eq!(ids, vec![3, 2, 1, 4]);
    assert_eq!(s.queue_position(ConversationId(1)), Some(3));
    assert_eq!(s.queue_position(ConversationId(5)), None);
    // The relay's own position wins when it sends one.
    let mut moved = summary(4, ConversationStatus::Waiting, None, 0);
    moved.queue_position = Some(1);
    frame(&mut s, 20, ToAgent::Conversation { conversation: moved });
    assert_eq!(s.queue_position(ConversationId(4)), Some(1));
    assert_eq!(s.rows(InboxTab::Waiting)[0].id().0, 4);
}

#[test]
fn priority_and_skill_transfers_become_frames() {
    let mut s = signed_in();
    welcome(&mut s, 10, vec![summary(1, ConversationStatus::Active, Some(ME), 0)]);
    let fx = s.apply(Action::SetPriority { id: ConversationId(1), priority: Priority::Urgent });
    assert_eq!(
        sent_frames(&fx),
        vec![AgentFrame::SetPriority { conversation_id: ConversationId(1), priority: Priority::Urgent }]
    );
    s.dialog = Some(Dialog::Transfer(ConversationId(1)));
    let fx = s.apply(Action::TransferToSkill { id: ConversationId(1), skill: " billing ".into(), note: " ".into() });
    assert_eq!(
        sent_frames(&fx),
        vec![AgentFrame::TransferToSkill { conversation_id: ConversationId(1), skill: "billing".into(), note: None }]
    );
    assert_eq!(s.dialog, None);
    // Unknown or closed conversations: nothing to mark.
    assert!(sent_frames(&s.apply(Action::SetPriority { id: ConversationId(9), priority: Priority::High })).is_empty());
}

#[test]
fn offline_conversations_are_flagged_and_answerable() {
    let mut s = signed_in();
    let mut off = summary(1, ConversationStatus::Waiting, None, 1);
    off.offline = true;
    welcome(&mut s, 10, vec![off]);
    assert!(c(&s, 1).summary.offline);
    assert_eq!(s.tab_count(InboxTab::Waiting), 1);
    let fx = s.apply(Action::Claim(ConversationId(1)));
    assert_eq!(sent_frames(&fx), vec![AgentFrame::Claim { conversation_id: ConversationId(1) }]);
}

fn admin_store() -> Store {
    let mut s = Store { window_focused: true, ..Store::default() };
    let mut response = login();
    response.agent.role = Role::Owner;
    s.apply(Action::SignedIn {
        now: at(0),
        tenant: TenantId::parse("demo").expect("valid"),
        response,
        drafts: BTreeMap::new(),
        outbox: Outbox::default(),
    });
    s
}

fn admin_view(id: AgentId, skills: &[&str]) -> natter_protocol::AgentAdminView {
    natter_protocol::AgentAdminView {
        agent: agent(id, if id == ME { "Me" } else { "Ann" }),
        skills: skills.iter().map(|s| (*s).to_owned()).collect(),
        max_chats: None,
        deactivated_at: None,
        last_sign_in_at: None,
    }
}

#[test]
fn every_agent_opens_analytics_and_metrics_changed_frames_are_counted_for_it() {
    let mut s = signed_in();
    assert!(!s.is_admin());
    assert!(s.apply(Action::ShowView(View::Analytics)).is_empty(), "the admin module fetches its own figures");
    assert_eq!(s.view, View::Analytics);
    assert_eq!(s.metrics_rev, 0);
    assert!(frame(&mut s, 10, ToAgent::MetricsChanged { days: vec!["2026-12-02".into()] }).is_empty());
    frame(&mut s, 20, ToAgent::MetricsChanged { days: Vec::new() });
    assert_eq!(s.metrics_rev, 2);
}

#[test]
fn only_admins_open_the_settings_page_which_loads_fresh() {
    let mut s = signed_in();
    assert!(s.apply(Action::ShowView(View::Admin)).is_empty());
    assert_eq!(s.view, View::Inbox);
    let mut s = admin_store();
    let fx = s.apply(Action::ShowView(View::Admin));
    assert_eq!(fx, vec![Effect::LoadAdmin { token: "tok".into() }]);
    assert_eq!(s.view, View::Admin);
    assert_eq!(s.admin.status, admin::AdminStatus::Loading);
}

#[test]
fn notes_are_kept_once_and_a_mention_marks_the_conversation_until_opened() {
    let mut s = signed_in();
    frame(&mut s, 0, ToAgent::Conversation { conversation: summary(7, ConversationStatus::Active, Some(ME), 1) });
    let note = |id: u64, text: &str| Note {
        id: natter_protocol::NoteId(id),
        at: at(5),
        author: AgentRef { id: ANN, name: "Ann".into() },
        text: text.into(),
        client_id: ClientMsgId::parse(format!("n{id}")).expect("valid"),
        mentions: vec![ME],
    };
    frame(&mut s, 10, ToAgent::Notes { conversation_id: ConversationId(7), notes: vec![note(2, "second")] });
    frame(&mut s, 11, ToAgent::Mention { conversation_id: ConversationId(7), note: note(1, "@Me first") });
    frame(&mut s, 12, ToAgent::Note { conversation_id: ConversationId(7), note: note(1, "@Me first") });
    let texts: Vec<&str> = s.notes[&ConversationId(7)].iter().map(|n| n.text.as_str()).collect();
    assert_eq!(texts, ["@Me first", "second"]);
    assert!(s.mentioned.contains(&ConversationId(7)));
    s.apply(Action::Open(ConversationId(7)));
    assert!(s.mentioned.is_empty(), "opening it clears the marker");
}

#[test]
fn a_role_taken_away_while_on_the_settings_page_takes_the_agent_back_to_the_inbox() {
    let mut s = admin_store();
    s.apply(Action::ShowView(View::Admin));
    let mut me = s.me().cloned().expect("signed in");
    me.role = Role::Agent;
    let fx = frame(&mut s, 10, ToAgent::Account { agent: me.clone() });
    assert_eq!(s.view, View::Inbox);
    assert!(!s.is_admin());
    assert!(fx.iter().any(|e| matches!(e, Effect::SaveSession(Some(saved)) if saved.agent == me)), "{fx:?}");
}

#[test]
fn settings_edits_save_as_one_document_and_changed_agents() {
    use admin::{AdminAction as A, AdminStatus, AgentDraft};
    use natter_protocol::{Interval, TenantSettings, Weekday};
    let mut s = admin_store();
    s.apply(Action::ShowView(View::Admin));
    let mut settings = TenantSettings::default();
    settings.hours.weekly.insert(Weekday::Mon, vec![Interval { start: "09:00".into(), end: "17:00".into() }]);
    s.apply(Action::Admin(A::Loaded {
        settings: settings.clone(),
        agents: vec![admin_view(ME, &[]), admin_view(ANN, &["billing"])],
        identity_secret: "5ec2e7".into(),
    }));
    assert_eq!(s.admin.status, AdminStatus::Ready);
    assert_eq!(s.admin.identity_secret, "5ec2e7");
    assert_eq!(s.admin.days[&Weekday::Mon], "09:00-17:00");
    assert!(!s.admin.dirty());

    let mut draft = s.admin.draft.clone();
    draft.widget.primary_color = "#aa0000".into();
    draft.widget.greeting = Some("Sawasdee!".into());
    s.apply(Action::Admin(A::Edit(Box::new(draft))));
    s.apply(Action::Admin(A::EditDay(Weekday::Sat, "10:00-14:00".into())));
    s.apply(Action::Admin(A::EditHolidays("2026-12-31,\n 2027-01-01".into())));
    s.apply(Action::Admin(A::EditAgent(ANN, AgentDraft { skills: "billing, th".into(), max_chats: "3".into() })));
    assert!(s.admin.dirty());
    let fx = s.apply(Action::Admin(A::Save));
    let [Effect::SaveAdmin { token, save }] = fx.as_slice() else { panic!("one save: {fx:?}") };
    assert_eq!(token, "tok");
    assert_eq!(save.settings.widget.primary_color, "#aa0000");
    assert_eq!(save.settings.hours.weekly[&Weekday::Sat][0].start, "10:00");
    assert_eq!(save.settings.hours.holidays, vec!["2026-12-31", "2027-01-01"]);
    assert_eq!(save.agents.len(), 1, "only Ann changed");
    assert_eq!(save.agents[0].1.skills, Some(vec!["billing".into(), "th".into()]));
    assert_eq!(save.agents[0].1.max_chats, Some(Some(3)));
    assert_eq!(s.admin.status, AdminStatus::Saving);
    assert!(s.apply(Action::Admin(A::Save)).is_empty(), "one save at a time");

    // The relay names the field; the page shows it there (and inside lists).
    s.apply(Action::Admin(A::SaveFailed { field: Some("hours.weekly.sat[0]".into()), message: "bad".into() }));
    assert_eq!(s.admin.error_for("hours.weekly.sat"), Some("bad"));
    assert_eq!(s.admin.error_for("hours.weekly.sa"), None);
    assert_eq!(s.admin.error_for("widget.primary_color"), None);
    assert_eq!(s.admin.status, AdminStatus::Ready);
    let saved = save.settings.clone();
    s.apply(Action::Admin(A::Save));
    s.apply(Action::Admin(A::Saved {
        settings: saved,
        agents: vec![admin_view(ME, &[]), admin_view(ANN, &["billing", "th"])],
    }));
    assert_eq!(s.admin.status, AdminStatus::Saved);
    assert_eq!(s.admin.error, None);
}

#[test]
fn unparseable_settings_text_is_named_locally_and_not_sent() {
    use admin::AdminAction as A;
    use natter_protocol::{TenantSettings, Weekday};
    let mut s = admin_store();
    s.apply(Action::ShowView(View::Admin));
    s.apply(Action::Admin(A::Loaded {
        settings: TenantSettings::default(),
        agents: vec![admin_view(ANN, &[])],
        identity_secret: String::new(),
    }));
    s.apply(Action::Admin(A::EditDay(Weekday::Tue, "9 to 5".into())));
    assert!(s.apply(Action::Admin(A::Save)).is_empty());
    assert!(s.admin.error_for("hours.weekly.tue").is_some());
    s.apply(Action::Admin(A::EditDay(Weekday::Tue, "".into())));
    s.apply(Action::Admin(A::EditAgent(ANN, admin::AgentDraft { skills: String::new(), max_chats: "lots".into() })));
    assert!(s.apply(Action::Admin(A::Save)).is_empty());
    assert!(s.admin.error_for(&format!("agents.{ANN}.max_chats")).is_some());
    // Discard goes back to what the relay holds, and rebuilds the forms.
    let generation = s.admin.generation;
    s.apply(Action::Admin(A::Discard));
    assert!(!s.admin.dirty());
    assert_eq!(s.admin.generation, generation + 1);
    assert_eq!(admin::parse_intervals("09:00-12:00, 13:00 - 18:00").map(|v| v.len()), Ok(2));
}

#[test]
fn settings_setters_apply_to_the_current_draft() {
    use admin::{AdminAction as A, FieldSetter, Setter};
    use natter_protocol::TenantSettings;
    let mut s = admin_store();
    s.apply(Action::ShowView(View::Admin));
    s.apply(Action::Admin(A::Loaded {
        settings: TenantSettings::default(),
        agents: vec![],
        identity_secret: String::new(),
    }));
    // Two edits dispatched from the same render both land.
    s.apply(Action::Admin(A::Set(Setter(|d, v| d.widget.greeting = admin::optional(v)), " Hello ".into())));
    s.apply(Action::Admin(A::Set(Setter(|d, v| d.widget.header = admin::optional(v)), "".into())));
    s.apply(Action::Admin(A::Set(
        Setter(|d, v| d.widget.offset_x = admin::number(v).map_or(d.widget.offset_x, |n| n as u16)),
        "abc".into(),
    )));
    assert_eq!(s.admin.draft.widget.greeting.as_deref(), Some("Hello"));
    assert_eq!(s.admin.draft.widget.header, None);
    assert_eq!(s.admin.draft.widget.offset_x, 20, "not a number: unchanged");
    s.apply(Action::Admin(A::AddPrechatField));
    s.apply(Action::Admin(A::SetPrechat(
        0,
        FieldSetter(|f, v| f.options = admin::split_list(v)),
        "sales, billing".into(),
    )));
    assert_eq!(s.admin.draft.widget.prechat.fields[0].options, vec!["sales", "billing"]);
    s.apply(Action::Admin(A::RemovePrechatField(0)));
    assert!(s.admin.draft.widget.prechat.fields.is_empty());
}

#[test]
fn settings_errors_read_as_the_rule_in_the_consoles_language() {
    use crate::i18n::{EN, TH};
    use admin::AdminAction as A;
    let mut s = admin_store();
    s.apply(Action::ShowView(View::Admin));
    s.apply(Action::Admin(A::Loaded {
        settings: natter_protocol::TenantSettings::default(),
        agents: vec![admin_view(ANN, &[])],
        identity_secret: String::new(),
    }));
    let refuse = |s: &mut Store, field: &str, message: &str| {
        s.apply(Action::Admin(A::SaveFailed { field: Some(field.into()), message: message.into() }));
    };
    refuse(&mut s, "hours.timezone", "hours.timezone: unknown IANA time zone \"Mars/Olympus\"");
    assert_eq!(s.admin.error_text("hours.timezone", &EN), Some(EN.fe_timezone));
    assert_eq!(s.admin.error_text("hours.timezone", &TH), Some(TH.fe_timezone));
    assert!(!EN.fe_timezone.contains("hours."), "no field paths for people");
    assert_eq!(s.admin.error_text("hours.weekly", &EN), None);
    // Variable parts of field names: indices, weekdays, languages, agents.
    for (field, shown_at, text) in [
        ("hours.weekly.mon[1]", "hours.weekly.mon", EN.fe_interval),
        ("widget.texts.th.header", "widget.texts.th.header", EN.fe_header),
        ("widget.prechat.fields[2].options[0]", "widget.prechat.fields[2].options", EN.fe_prechat_options),
        ("agents.7.skills", "agents.7.skills", EN.fe_skills),
        ("widget.secondary_color", "widget.secondary_color", EN.fe_contrast),
    ] {
        refuse(&mut s, field, "x");
        assert_eq!(s.admin.error_text(shown_at, &EN), Some(text), "{field}");
    }
    assert_eq!(s.admin.texts_language, "th", "the refused Thai header's tab is shown");
    // The preview shows the chosen text colour, even an unreadable one.
    let mut w = natter_protocol::WidgetSettings { primary_color: "#fde047".into(), ..Default::default() };
    assert_eq!(admin::chosen_text_color(&w), "#000000");
    w.auto_text_color = false;
    assert_eq!(admin::chosen_text_color(&w), "#ffffff");
    // A field this console does not know: the relay's own words, without the path.
    refuse(&mut s, "widget.sparkles", "widget.sparkles: too shiny");
    assert_eq!(s.admin.error_text("widget.sparkles", &EN), Some("too shiny"));
}

#[test]
fn texts_per_language_are_edited_separately_and_blank_ones_dropped() {
    use admin::{AdminAction as A, TextSlot, set_language_text};
    let mut s = admin_store();
    s.apply(Action::ShowView(View::Admin));
    s.apply(Action::Admin(A::Loaded {
        settings: natter_protocol::TenantSettings::default(),
        agents: vec![],
        identity_secret: String::new(),
    }));
    s.apply(Action::Admin(A::TextsLanguage("th".into())));
    assert_eq!(s.admin.texts_language, "th");
    let mut d = s.admin.draft.clone();
    set_language_text(&mut d, "th", TextSlot::Header, "  แชทกับร้านเรา ");
    set_language_text(&mut d, "th", TextSlot::Greeting, "สวัสดีค่ะ");
    assert_eq!(d.widget.texts["th"].header.as_deref(), Some("แชทกับร้านเรา"));
    assert_eq!(d.widget.header, None, "the default text is untouched");
    s.apply(Action::Admin(A::Edit(Box::new(d.clone()))));
    assert!(s.admin.dirty());
    set_language_text(&mut d, "th", TextSlot::Header, "");
    set_language_text(&mut d, "th", TextSlot::Greeting, " ");
    assert!(d.widget.texts.is_empty(), "nothing left for Thai: no entry");
    s.apply(Action::Admin(A::Edit(Box::new(d))));
    assert!(!s.admin.dirty());
}

#[test]
fn a_conversation_given_to_me_is_flagged_first_and_bannered_until_opened() {
    let mut s = signed_in();
    welcome(
        &mut s,
        0,
        vec![summary(1, ConversationStatus::Active, Some(ME), 0), summary(2, ConversationStatus::Active, Some(ANN), 0)],
    );
    frame(&mut s, 100, ToAgent::Message { conversation_id: ConversationId(1), message: visitor_msg(1, "newer") });
    // Ann hands conversation 2 over: it is flagged, listed first on Mine, and announced.
    frame(&mut s, 200, ToAgent::Conversation { conversation: summary(2, ConversationStatus::Active, Some(ME), 0) });
    assert!(c(&s, 2).assigned_new);
    assert_eq!(s.assigned_banner, Some(ConversationId(2)));
    let mine: Vec<_> = s.rows(InboxTab::Mine).iter().map(|c| c.id().0).collect();
    assert_eq!(mine, [2, 1]);
    // Opening it clears both.
    s.apply(Action::Open(ConversationId(2)));
    assert!(!c(&s, 2).assigned_new);
    assert_eq!(s.assigned_banner, None);
    assert_eq!(s.pane, Pane::Conversation);
    // The relay's auto-assignment of a waiting conversation counts too; my own claim does not.
    frame(&mut s, 300, ToAgent::Conversation { conversation: summary(3, ConversationStatus::Waiting, None, 0) });
    frame(&mut s, 400, ToAgent::Conversation { conversation: summary(3, ConversationStatus::Active, Some(ME), 0) });
    assert!(c(&s, 3).assigned_new);
    frame(&mut s, 500, ToAgent::Conversation { conversation: summary(4, ConversationStatus::Waiting, None, 0) });
    s.apply(Action::ClaimNow(ConversationId(4)));
    let fx =
        frame(&mut s, 600, ToAgent::Conversation { conversation: summary(4, ConversationStatus::Active, Some(ME), 0) });
    assert!(!c(&s, 4).assigned_new);
    assert!(
        fx.contains(&Effect::Focus(FocusTarget::Composer(ConversationId(4)))),
        "claimed from the row: on to the reply"
    );
}

#[test]
fn claim_now_opens_and_claims_in_one_step() {
    let mut s = signed_in();
    welcome(&mut s, 0, vec![summary(7, ConversationStatus::Waiting, None, 1)]);
    let fx = s.apply(Action::ClaimNow(ConversationId(7)));
    assert_eq!(s.focused, Some(ConversationId(7)));
    assert!(sent_frames(&fx).contains(&AgentFrame::Claim { conversation_id: ConversationId(7) }));
    assert!(c(&s, 7).claiming);
}

#[test]
fn a_closing_conversation_drops_its_unsent_draft() {
    let mut s = signed_in();
    welcome(&mut s, 0, vec![summary(1, ConversationStatus::Active, Some(ME), 0)]);
    s.apply(Action::DraftChanged { id: ConversationId(1), text: "half a thought".into(), now: at(1) });
    let fx =
        frame(&mut s, 2, ToAgent::Conversation { conversation: summary(1, ConversationStatus::Closed, Some(ME), 0) });
    assert_eq!(s.draft(ConversationId(1)), "");
    assert!(fx.iter().any(|e| matches!(e, Effect::SaveDrafts { .. })), "forgotten in storage too");
}

#[test]
fn the_phone_panes_follow_the_agent() {
    let mut s = signed_in();
    welcome(&mut s, 0, vec![summary(1, ConversationStatus::Waiting, None, 0)]);
    s.apply(Action::ShowPane(Pane::Details));
    assert_eq!(s.pane, Pane::Inbox, "nothing open: only the inbox");
    s.apply(Action::Open(ConversationId(1)));
    assert_eq!(s.pane, Pane::Conversation);
    s.apply(Action::ShowPane(Pane::Details));
    assert_eq!(s.pane, Pane::Details);
    s.apply(Action::ShowPane(Pane::Inbox));
    assert_eq!(s.pane, Pane::Inbox);
}

// ----- following: sync only what the agent looks at or holds -----

#[test]
fn a_gap_in_a_conversation_nobody_here_looks_at_is_not_synced() {
    let mut s = signed_in();
    welcome(
        &mut s,
        0,
        vec![summary(1, ConversationStatus::Waiting, None, 1), summary(2, ConversationStatus::Active, Some(ANN), 1)],
    );
    moved(&mut s, 100, summary(1, ConversationStatus::Waiting, None, 3), "third");
    moved(&mut s, 200, summary(2, ConversationStatus::Active, Some(ANN), 4), "fourth");
    for t in 1..=40 {
        let fx = s.apply(Action::Tick { now: at(t * 1_000) });
        assert!(syncs(&fx).is_empty(), "second {t}: {fx:?}");
    }
    assert!(s.needs_sync().is_empty());
    assert!(s.watched.is_empty());
}

#[test]
fn rows_of_conversations_not_followed_live_on_their_summaries() {
    let mut s = signed_in();
    welcome(&mut s, 0, vec![summary(1, ConversationStatus::Waiting, None, 2)]);
    assert_eq!(c(&s, 1).unread(), 2, "nothing fetched: the summary counts");
    // Looked at once, then put away: what was fetched is kept but grows stale.
    s.apply(Action::Open(ConversationId(1)));
    history(&mut s, 10, 1, vec![visitor_msg(1, "a"), visitor_msg(2, "b")]);
    s.apply(Action::CloseView(ConversationId(1)));
    assert_eq!((c(&s, 1).unread(), c(&s, 1).preview()), (0, Some("b")));
    moved(&mut s, 5_000, summary(1, ConversationStatus::Waiting, None, 4), "d");
    let row = c(&s, 1);
    assert_eq!((row.unread(), row.preview()), (2, Some("d")));
    assert_eq!(row.last_activity(), at(5_000), "when the relay said so, not the last message held");
    assert_eq!(s.title_count(), 2);
    // A colleague's conversation: who wrote last is not known, so not "waiting for reply".
    s.apply(Action::Open(ConversationId(1)));
    history(&mut s, 5_100, 1, vec![visitor_msg(3, "c"), visitor_msg(4, "d")]);
    s.apply(Action::CloseView(ConversationId(1)));
    frame(&mut s, 5_200, ToAgent::Conversation { conversation: summary(1, ConversationStatus::Active, Some(ANN), 4) });
    assert!(c(&s, 1).awaits_reply(), "the visitor wrote last");
    moved(&mut s, 6_000, summary(1, ConversationStatus::Active, Some(ANN), 5), "Ann's answer");
    assert!(!c(&s, 1).awaits_reply());
    assert_eq!(c(&s, 1).preview(), Some("Ann's answer"));
}

#[test]
fn opening_a_conversation_follows_it_and_closing_its_view_unwatches_it() {
    let mut s = signed_in();
    welcome(
        &mut s,
        0,
        vec![summary(1, ConversationStatus::Waiting, None, 0), summary(2, ConversationStatus::Active, Some(ME), 0)],
    );
    // Nothing to fetch, but without a sync the relay would not send its messages.
    let fx = s.apply(Action::Open(ConversationId(1)));
    assert_eq!(syncs(&fx), vec![(1, 0)]);
    history(&mut s, 10, 1, vec![]);
    assert!(s.followed(c(&s, 1)));
    let fx = s.apply(Action::CloseView(ConversationId(1)));
    assert_eq!(unwatches(&fx), vec![1]);
    assert!(!s.followed(c(&s, 1)));
    // Unwatched once: no repeats, and its gaps are left alone again.
    moved(&mut s, 100, summary(1, ConversationStatus::Waiting, None, 2), "b");
    let fx = s.apply(Action::Tick { now: at(5_000) });
    assert!(syncs(&fx).is_empty() && unwatches(&fx).is_empty());
    // Opening it again fetches what it missed.
    assert_eq!(syncs(&s.apply(Action::Open(ConversationId(1)))), vec![(1, 0)]);
    // The agent's own conversation is followed anyway: no sync to open it, no
    // unwatch to close it.
    let fx = s.apply(Action::Open(ConversationId(2)));
    assert!(syncs(&fx).is_empty());
    assert!(unwatches(&s.apply(Action::CloseView(ConversationId(2)))).is_empty());
}

#[test]
fn the_strip_pushing_a_conversation_out_unwatches_it() {
    let mut s = signed_in();
    let n = MAX_OPEN as u64 + 1;
    welcome(&mut s, 0, (1..=n).map(|i| summary(i, ConversationStatus::Waiting, None, 0)).collect());
    for i in 1..n {
        s.apply(Action::Open(ConversationId(i)));
    }
    let fx = s.apply(Action::Open(ConversationId(n)));
    assert_eq!(syncs(&fx), vec![(n, 0)]);
    assert_eq!(unwatches(&fx), vec![1]);
}

#[test]
fn a_conversation_transferred_away_is_unwatched_unless_it_is_open() {
    let mut s = signed_in();
    welcome(
        &mut s,
        0,
        vec![summary(1, ConversationStatus::Waiting, None, 1), summary(2, ConversationStatus::Active, Some(ME), 0)],
    );
    // The agent's own: followed without a sync.
    frame(&mut s, 1, ToAgent::Message { conversation_id: ConversationId(2), message: visitor_msg(1, "a") });
    // Claimed from its row, then its view closed: it is the agent's, still followed.
    s.apply(Action::ClaimNow(ConversationId(1)));
    history(&mut s, 10, 1, vec![visitor_msg(1, "x")]);
    frame(&mut s, 20, ToAgent::Conversation { conversation: summary(1, ConversationStatus::Active, Some(ME), 2) });
    assert!(unwatches(&s.apply(Action::CloseView(ConversationId(1)))).is_empty());
    // Handed to Ann: no longer the agent's, nor on screen.
    let fx =
        frame(&mut s, 30, ToAgent::Conversation { conversation: summary(1, ConversationStatus::Active, Some(ANN), 3) });
    assert_eq!(unwatches(&fx), vec![1]);
    // Conversation 2 is open when Ann takes it: followed now by a sync of its own.
    s.apply(Action::Open(ConversationId(2)));
    let fx =
        frame(&mut s, 40, ToAgent::Conversation { conversation: summary(2, ConversationStatus::Active, Some(ANN), 2) });
    assert_eq!(syncs(&fx), vec![(2, 1)]);
    assert!(unwatches(&fx).is_empty());
    history(&mut s, 50, 2, vec![agent_msg(2, ANN, "a2")]);
    assert_eq!(unwatches(&s.apply(Action::CloseView(ConversationId(2)))), vec![2]);
}

#[test]
fn a_conversation_given_to_me_with_a_gap_is_synced() {
    let mut s = signed_in();
    welcome(&mut s, 0, vec![summary(3, ConversationStatus::Active, Some(ANN), 4)]);
    let fx =
        frame(&mut s, 100, ToAgent::Conversation { conversation: summary(3, ConversationStatus::Active, Some(ME), 4) });
    assert!(syncs(&fx).is_empty(), "within the grace period");
    assert_eq!(syncs(&s.apply(Action::Tick { now: at(2_000) })), vec![(3, 0)]);
}

#[test]
fn a_reconnect_follows_the_open_conversations_again() {
    let mut s = signed_in();
    let list = || {
        vec![
            summary(1, ConversationStatus::Waiting, None, 1),
            summary(2, ConversationStatus::Active, Some(ANN), 1),
            summary(3, ConversationStatus::Active, Some(ME), 0),
        ]
    };
    welcome(&mut s, 0, list());
    s.apply(Action::Open(ConversationId(1)));
    history(&mut s, 10, 1, vec![visitor_msg(1, "a")]);
    s.apply(Action::SocketClosed { now: at(20), jitter: 0 });
    assert!(s.watched.is_empty(), "watches end with their socket");
    s.apply(Action::SocketOpened);
    // Nothing missed, yet the open one is synced: a new socket watches nothing.
    let mut again = list();
    again[1].last_seq = Seq(5);
    let fx = welcome(&mut s, 1_000, again);
    assert_eq!(syncs(&fx), vec![(1, 1)]);
    assert!(unwatches(&fx).is_empty());
    // A dropped watch (no answer) is asked again; the colleague's gap stays a summary.
    let fx = s.apply(Action::Tick { now: at(1_000 + SYNC_TIMEOUT_MS) });
    assert_eq!(syncs(&fx), vec![(1, 1)]);
}

mod desk;
mod files;

//! Native unit tests of notes, mentions and tags in the store, and of the team
//! screen's reducer and checks.

use natter_protocol::{AgentAdminView, AgentRef, NewAgent, Note, NoteId, Tag, TagId};

use super::*;
use crate::state::desk::{self, DeskAction, Line, Run};
use crate::state::team::{self, AddForm, Command, Problem, Refused, Spot, TeamAction, TeamState};

const C1: ConversationId = ConversationId(1);

fn note(id: u64, by: AgentId, client: &str, text: &str, mentions: Vec<AgentId>) -> Note {
    Note {
        id: NoteId(id),
        at: at(id as i64 * 1000),
        author: AgentRef { id: by, name: if by == ME { "Me".into() } else { "Ann".into() } },
        text: text.into(),
        client_id: cid(client),
        mentions,
    }
}

fn online_with_one() -> Store {
    let mut s = signed_in();
    welcome(&mut s, 10, vec![summary(1, ConversationStatus::Active, Some(ME), 0)]);
    s
}

fn note_frames(fx: &[Effect]) -> Vec<(String, String)> {
    sent_frames(fx)
        .into_iter()
        .filter_map(|f| match f {
            AgentFrame::Note { client_id, text, .. } => Some((client_id.as_str().to_owned(), text)),
            _ => None,
        })
        .collect()
}

#[test]
fn a_note_is_pending_until_its_echo_and_resent_after_a_reconnect() {
    let mut s = online_with_one();
    s.apply(Action::Desk(DeskAction::NoteMode { id: C1, on: true }));
    assert!(s.in_note_mode(C1));
    s.apply(Action::Desk(DeskAction::NoteDraft { id: C1, text: "VIP, @Ann check stock ".into() }));
    let fx = s.apply(Action::Desk(DeskAction::SendNote { id: C1, client_id: cid("n-1"), now: at(20) }));
    assert_eq!(note_frames(&fx), vec![("n-1".to_owned(), "VIP, @Ann check stock".to_owned())]);
    assert_eq!(s.note_draft(C1), "");
    assert_eq!(s.pending_notes(C1).len(), 1);
    // No typing indicator for a note, and nothing in the visitor-facing outbox.
    assert!(s.outbox.is_empty());
    assert!(!sent_frames(&fx).iter().any(|f| matches!(f, AgentFrame::Typing { .. } | AgentFrame::Send { .. })));

    // The socket drops before the echo: the note goes again, same client_id.
    s.apply(Action::SocketClosed { now: at(30), jitter: 0 });
    s.apply(Action::SocketOpened);
    let fx = welcome(&mut s, 40, vec![summary(1, ConversationStatus::Active, Some(ME), 0)]);
    assert_eq!(note_frames(&fx), vec![("n-1".to_owned(), "VIP, @Ann check stock".to_owned())]);

    frame(
        &mut s,
        50,
        ToAgent::Note { conversation_id: C1, note: note(4, ME, "n-1", "VIP, @Ann check stock", vec![ANN]) },
    );
    assert!(s.pending_notes(C1).is_empty());
    assert_eq!(s.notes_of(C1).len(), 1);
    // A second echo of the same note (a resend's answer) is kept once.
    frame(
        &mut s,
        60,
        ToAgent::Note { conversation_id: C1, note: note(4, ME, "n-1", "VIP, @Ann check stock", vec![ANN]) },
    );
    assert_eq!(s.notes_of(C1).len(), 1);
}

#[test]
fn a_refused_note_fails_and_can_be_retried() {
    let mut s = online_with_one();
    s.apply(Action::Desk(DeskAction::NoteDraft { id: C1, text: "hello".into() }));
    s.apply(Action::Desk(DeskAction::SendNote { id: C1, client_id: cid("n-2"), now: at(20) }));
    frame(
        &mut s,
        30,
        ToAgent::Error(ErrorFrame {
            code: ErrorCode::InvalidInput,
            message: "bad".into(),
            client_id: Some(cid("n-2")),
            conversation_id: Some(C1),
            fatal: false,
        }),
    );
    assert_eq!(s.pending_notes(C1)[0].state, PendingState::Failed(ErrorCode::InvalidInput));
    let fx = s.apply(Action::Desk(DeskAction::RetryNote(cid("n-2"))));
    assert_eq!(note_frames(&fx).len(), 1);
}

#[test]
fn a_mention_rings_and_marks_the_row_until_opened() {
    let mut s = signed_in();
    welcome(
        &mut s,
        10,
        vec![summary(1, ConversationStatus::Active, Some(ANN), 0), summary(2, ConversationStatus::Waiting, None, 0)],
    );
    s.window_focused = false;
    let fx =
        frame(&mut s, 5_000, ToAgent::Mention { conversation_id: C1, note: note(7, ANN, "n-9", "@Me look", vec![ME]) });
    assert!(s.mentioned.contains(&C1));
    assert!(fx.iter().any(|e| matches!(e, Effect::Alert(a) if a.kind == AlertKind::Mention && a.desktop)));
    assert!(matches!(s.announce, Some((_, Announce::Mentioned(_)))));
    // The same note again (the socket also follows it): no second alert.
    let fx =
        frame(&mut s, 9_000, ToAgent::Note { conversation_id: C1, note: note(7, ANN, "n-9", "@Me look", vec![ME]) });
    assert!(!fx.iter().any(|e| matches!(e, Effect::Alert(_))));
    s.apply(Action::Open(C1));
    assert!(!s.mentioned.contains(&C1));
}

#[test]
fn tags_go_out_as_frames_and_filter_the_inbox() {
    let mut s = signed_in();
    let mut tagged = summary(1, ConversationStatus::Waiting, None, 0);
    tagged.tags = vec![TagId(3)];
    welcome(&mut s, 10, vec![tagged, summary(2, ConversationStatus::Waiting, None, 0)]);
    frame(&mut s, 11, ToAgent::Tags { tags: vec![Tag { id: TagId(3), name: "VIP".into(), color: "#1d4ed8".into() }] });
    let fx = s.apply(Action::Desk(DeskAction::Tag { id: ConversationId(2), tag: TagId(3), on: true }));
    assert_eq!(sent_frames(&fx), vec![AgentFrame::Tag { conversation_id: ConversationId(2), tag: TagId(3), on: true }]);
    // An unknown tag is not sent.
    assert!(s.apply(Action::Desk(DeskAction::Tag { id: C1, tag: TagId(9), on: true })).is_empty());
    assert_eq!(s.rows(InboxTab::Waiting).len(), 2);
    s.apply(Action::Desk(DeskAction::FilterTag(Some(TagId(3)))));
    let ids: Vec<u64> = s.rows(InboxTab::Waiting).iter().map(|c| c.id().0).collect();
    assert_eq!(ids, vec![1]);
    s.apply(Action::Desk(DeskAction::FilterTag(None)));
    assert_eq!(s.rows(InboxTab::Waiting).len(), 2);
}

#[test]
fn alt_n_toggles_note_mode_on_the_agents_own_conversation() {
    let mut s = online_with_one();
    s.apply(Action::Open(C1));
    assert_eq!(shortcuts::from_key("KeyN", "n", true, false, false, true), Some(Shortcut::NoteMode));
    let fx = s.apply(Action::Shortcut(Shortcut::NoteMode));
    assert!(s.desk.note_mode.contains(&C1));
    assert!(fx.contains(&Effect::Focus(FocusTarget::Composer(C1))));
    s.apply(Action::Shortcut(Shortcut::NoteMode));
    assert!(!s.in_note_mode(C1));
}

#[test]
fn mention_helpers_find_complete_and_highlight() {
    assert_eq!(desk::mention_at_caret("hi @An", 6), Some((3, "An")));
    assert_eq!(desk::mention_at_caret("mail a@b", 8), None);
    assert_eq!(desk::mention_at_caret("no mention", 10), None);
    assert_eq!(desk::complete_mention("hi @An!", 3, 6, "Ann"), ("hi @Ann !".to_owned(), 8));
    let agents = vec![agent(ME, "Me"), agent(ANN, "Ann"), agent(AgentId(3), "anna")];
    let names: Vec<&str> = desk::suggestions(&agents, ME, "an").iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, vec!["Ann", "anna"]);
    assert_eq!(
        desk::runs("VIP, @ann please, not @Annex or a@b", &["Ann"]),
        vec![Run::Plain("VIP, "), Run::Mention("@ann"), Run::Plain(" please, not @Annex or a@b")]
    );
    let m = [at(100), at(300)];
    let n = [at(50), at(200), at(400)];
    assert_eq!(
        desk::interleave(&m, &n),
        vec![Line::Note(0), Line::Message(0), Line::Note(1), Line::Message(1), Line::Note(2)]
    );
}

fn view(id: u64, name: &str, role: Role) -> AgentAdminView {
    serde_json::from_value(serde_json::json!({
        "id": id, "name": name, "email": format!("{name}@shop.test"), "role": role.as_str(),
        "skills": [], "max_chats": null, "deactivated_at": null, "last_sign_in_at": null
    }))
    .expect("an account")
}

#[test]
fn team_form_checks_fields_before_the_relay() {
    let ok = AddForm {
        email: " cat@shop.example ".into(),
        name: "Cat".into(),
        role: Role::Admin,
        password: "0123456789".into(),
    };
    assert_eq!(
        team::check_new_agent(&ok),
        Ok(NewAgent {
            email: "cat@shop.example".into(),
            name: "Cat".into(),
            role: Role::Admin,
            password: "0123456789".into()
        })
    );
    let bad = |f: AddForm| team::check_new_agent(&f).err().map(|e| e.0);
    assert_eq!(bad(AddForm { email: "cat".into(), ..ok.clone() }), Some("email"));
    assert_eq!(bad(AddForm { email: "cat@local".into(), ..ok.clone() }), Some("email"));
    assert_eq!(bad(AddForm { name: " ".into(), ..ok.clone() }), Some("name"));
    assert_eq!(bad(AddForm { name: "x".repeat(81), ..ok.clone() }), Some("name"));
    assert_eq!(bad(AddForm { password: "short".into(), ..ok.clone() }), Some("password"));
    assert_eq!(bad(AddForm { password: " ".repeat(12), ..ok.clone() }), Some("password"));
    assert!(team::check_tag(" VIP ", "#1D4ED8").is_ok());
    assert_eq!(team::check_tag("", "#000000").err().map(|e| e.0), Some("name"));
    assert_eq!(team::check_tag("VIP", "blue").err().map(|e| e.0), Some("color"));
    assert!(team::may_manage(Role::Owner, Role::Owner));
    assert!(!team::may_manage(Role::Admin, Role::Owner));
    assert!(team::may_manage(Role::Admin, Role::Agent));
    assert!(!team::may_manage(Role::Agent, Role::Agent));
    assert!(!team::grantable(Role::Admin).contains(&Role::Owner));
}

#[test]
fn team_screen_adds_resets_and_keeps_refusals_by_the_field() {
    let mut t = TeamState::default();
    t.apply(TeamAction::Reload);
    assert_eq!((t.command.clone(), t.command_seq), (Some(Command::Load), 1));
    t.apply(TeamAction::Loaded(Ok(vec![view(1, "Me", Role::Owner)])));
    t.apply(TeamAction::EditAdd(AddForm { email: "x".into(), ..AddForm::default() }));
    t.apply(TeamAction::SubmitAdd);
    assert_eq!(t.errors.get(&Spot::Add("email")), Some(&Problem::EmailInvalid));
    assert_eq!(t.command_seq, 1, "nothing sent");
    let form = AddForm {
        email: "cat@shop.example".into(),
        name: "Cat".into(),
        role: Role::Agent,
        password: "0123456789".into(),
    };
    t.apply(TeamAction::EditAdd(form));
    t.apply(TeamAction::SubmitAdd);
    assert!(matches!(t.command, Some(Command::Create(_))));
    assert!(t.errors.is_empty());
    t.apply(TeamAction::Created(Err(Refused::new(ErrorCode::Conflict, None, "an agent with that email exists"))));
    assert_eq!(t.errors.get(&Spot::Add("email")), Some(&Problem::EmailInUse));
    t.apply(TeamAction::SubmitAdd);
    t.apply(TeamAction::Created(Ok(view(5, "Cat", Role::Agent))));
    assert_eq!(t.shown.as_ref().map(|s| s.password.as_str()), Some("0123456789"));
    assert_eq!(t.add, AddForm::default());
    assert_eq!(t.sorted().len(), 2);

    t.apply(TeamAction::StartReset(AgentId(5)));
    t.apply(TeamAction::EditReset("abc".into()));
    t.apply(TeamAction::SubmitReset);
    assert_eq!(t.errors.get(&Spot::Password(AgentId(5))), Some(&Problem::PasswordShort));
    t.apply(TeamAction::EditReset("new-password-1".into()));
    t.apply(TeamAction::SubmitReset);
    assert_eq!(t.command, Some(Command::ResetPassword(AgentId(5), "new-password-1".into())));
    t.apply(TeamAction::ResetDone(AgentId(5), Ok(())));
    assert_eq!(t.shown.as_ref().map(|s| (s.name.as_str(), s.password.as_str())), Some(("Cat", "new-password-1")));

    t.apply(TeamAction::SetRole(AgentId(1), Role::Admin));
    t.apply(TeamAction::Changed(
        Spot::Role(AgentId(1)),
        Err(Refused::new(ErrorCode::Conflict, None, "a tenant keeps at least one active owner")),
    ));
    assert_eq!(t.errors.get(&Spot::Role(AgentId(1))), Some(&Problem::LastOwner));
    t.apply(TeamAction::AskActive(AgentId(5), false));
    assert_eq!(t.confirm, Some((AgentId(5), false)));
    t.apply(TeamAction::ConfirmActive);
    assert_eq!(t.command, Some(Command::SetActive(AgentId(5), false)));
    assert_eq!(t.confirm, None);
    let forbidden = Refused::new(ErrorCode::Forbidden, None, "only an owner may change an owner, or make one");
    assert_eq!(team::problem_of(&forbidden), Problem::OwnersOnly);
    let field = Refused::new(ErrorCode::InvalidInput, Some("password"), "too short");
    assert_eq!(team::problem_of(&field), Problem::PasswordShort);
}

#[test]
fn team_screen_invites_and_keeps_the_link_once() {
    use natter_protocol::{Invitation, Invite};
    use team::InviteForm;
    let mut t = TeamState::default();
    t.apply(TeamAction::OpenInvite(true));
    t.apply(TeamAction::EditInvite(InviteForm { email: "dan".into(), name: "Dan".into(), role: Role::Agent }));
    t.apply(TeamAction::SubmitInvite);
    assert_eq!(t.errors.get(&Spot::Invite("email")), Some(&Problem::EmailInvalid));
    assert_eq!(t.command_seq, 0, "nothing sent");
    t.apply(TeamAction::EditInvite(InviteForm {
        email: " dan@shop.example ".into(),
        name: " ".into(),
        role: Role::Admin,
    }));
    t.apply(TeamAction::SubmitInvite);
    assert_eq!(t.errors.get(&Spot::Invite("name")), Some(&Problem::NameInvalid));
    assert_eq!(t.errors.get(&Spot::Invite("email")), None, "the old error went");
    t.apply(TeamAction::EditInvite(InviteForm {
        email: " dan@shop.example ".into(),
        name: "Dan".into(),
        role: Role::Admin,
    }));
    t.apply(TeamAction::SubmitInvite);
    let asked = Invite { email: "dan@shop.example".into(), name: "Dan".into(), role: Role::Admin };
    assert_eq!(t.command, Some(Command::Invite(asked)));
    assert!(t.busy);
    t.apply(TeamAction::Invited(Err(Refused::new(ErrorCode::Conflict, Some("email"), "that email is in the team"))));
    assert_eq!(t.errors.get(&Spot::Invite("email")), Some(&Problem::EmailInUse));
    assert!(!t.busy);
    t.apply(TeamAction::Invited(Err(Refused::new(ErrorCode::Forbidden, None, "only an owner invites an owner"))));
    assert_eq!(t.errors.get(&Spot::Invite("role")), Some(&Problem::OwnersOnly));
    t.apply(TeamAction::SubmitInvite);
    let link =
        Invitation { url: "/console/#invite=nti.acme.x".into(), token: "nti.acme.x".into(), expires_at: UnixMillis(9) };
    t.apply(TeamAction::Invited(Ok(link.clone())));
    assert_eq!(t.invited, Some(link));
    assert!(!t.invite_open);
    assert_eq!(t.invite, InviteForm::default());
    assert!(t.errors.is_empty());
    t.apply(TeamAction::DismissInvited);
    assert_eq!(t.invited, None);
}

#[test]
fn the_join_screen_reads_the_link_checks_the_password_and_words_refusals() {
    use crate::state::join::{JoinProblem, JoinState, invite_token, tenant_of};
    let secret = "A".repeat(43);
    let token = format!("nti.acme.{secret}");
    assert_eq!(invite_token(&format!("#invite={token}")), Some(token.clone()));
    assert_eq!(invite_token("#invite="), None);
    assert_eq!(invite_token("#other=1"), None);
    assert_eq!(invite_token(""), None);
    assert_eq!(tenant_of(&token).map(|t| t.as_str().to_owned()), Some("acme".into()));
    assert_eq!(tenant_of(&format!("nts.acme.{secret}")), None, "a session token is no invitation");
    assert_eq!(tenant_of("nti.acme"), None);

    let mut j = JoinState::new(token.clone());
    j.password = "short".into();
    assert_eq!(j.submit(), None);
    assert_eq!(j.problem, Some(JoinProblem::PasswordShort));
    assert_eq!(j.problem.as_ref().and_then(JoinProblem::field), Some("password"));
    j.password = "dan-password-1".into();
    j.confirm = "dan-password-2".into();
    assert_eq!(j.submit(), None);
    assert_eq!(j.problem, Some(JoinProblem::Mismatch));
    j.confirm = "dan-password-1".into();
    let sent = j.submit().map(|a| (a.token, a.password));
    assert_eq!(sent, Some((token.clone(), "dan-password-1".into())));
    assert!(j.busy && j.problem.is_none());
    assert_eq!(j.submit(), None, "one request at a time");

    j.refused(&Refused::new(ErrorCode::InvalidInput, Some("password"), "too short"));
    assert_eq!(j.problem, Some(JoinProblem::PasswordShort));
    assert!(!j.busy);
    for (code, problem) in [
        (ErrorCode::InvitationUsed, JoinProblem::Used),
        (ErrorCode::InvitationExpired, JoinProblem::Expired),
        (ErrorCode::InvitationInvalid, JoinProblem::Invalid),
    ] {
        let mut j = JoinState {
            password: "dan-password-1".into(),
            confirm: "dan-password-1".into(),
            ..JoinState::new(token.clone())
        };
        assert!(j.submit().is_some());
        j.refused(&Refused::new(code, None, "no"));
        assert_eq!(j.problem.as_ref(), Some(&problem));
        assert!(problem.ends_the_link() && problem.field().is_none());
        assert!(j.password.is_empty() && j.confirm.is_empty(), "a spent link forgets the password");
    }
    j.refused(&Refused { code: None, field: None, message: "the relay could not be reached".into() });
    assert_eq!(j.problem, Some(JoinProblem::Other("the relay could not be reached".into())));
}

//! Native unit tests of files in chat: the composer's uploads (progress,
//! refusals, retry, cancel), sending attachments once, fresh links for old
//! attachments, the conversation's files, and the files policy on the settings page.

use natter_protocol::{
    Attachment, ConversationEvent, FileLink, FileRefusal, FileSettings, FileType, TenantSettings, UploadId,
};

use super::*;
use crate::i18n::EN;
use crate::state::files::{FileRef, LINK_RETRY_MS, LinkAnswer, PickedFile, UploadError, UploadState};

const C1: ConversationId = ConversationId(1);

fn upload_id(n: u8) -> UploadId {
    UploadId::parse(format!("up_{}", char::from(b'A' + n).to_string().repeat(22))).expect("valid upload id")
}

fn attachment(n: u8, name: &str, expires: i64) -> Attachment {
    serde_json::from_value(serde_json::json!({
        "id": upload_id(n).as_str(), "name": name, "size": 1200, "mime": "image/png", "kind": "image",
        "width": 40, "height": 30, "scan": "clean",
        "url": format!("/v1/files/demo/{}/original?exp=1&sig=a", upload_id(n).as_str()),
        "thumb_url": format!("/v1/files/demo/{}/thumb?exp=1&sig=b", upload_id(n).as_str()),
        "url_expires_at": T0 + expires,
    }))
    .expect("a valid attachment")
}

fn picked(n: u64, name: &str, size: u64) -> PickedFile {
    PickedFile { file: FileRef(n), name: name.into(), size }
}

/// Signed in, holding conversation 1.
fn holding() -> Store {
    let mut s = signed_in();
    welcome(&mut s, 0, vec![summary(1, ConversationStatus::Active, Some(ME), 0)]);
    s
}

fn uploads_started(fx: &[Effect]) -> Vec<(u64, FileRef, String)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Upload { key, file, name, token } => {
                assert_eq!(token, "tok");
                Some((*key, *file, name.clone()))
            }
            _ => None,
        })
        .collect()
}

fn dropped(fx: &[Effect]) -> Vec<FileRef> {
    fx.iter()
        .flat_map(|e| match e {
            Effect::DropFiles(list) => list.clone(),
            _ => Vec::new(),
        })
        .collect()
}

fn states(s: &Store) -> Vec<UploadState> {
    s.uploads.of(C1).map(|u| u.state.clone()).collect()
}

fn refusal(code: ErrorCode) -> UploadError {
    UploadError { code: Some(code), message: "no".into(), retry_after_secs: None }
}

#[test]
fn picked_files_upload_at_once_and_go_with_the_next_message_once() {
    let mut s = holding();
    let fx = s.apply(Action::Attach { id: C1, files: vec![picked(7, "a.png", 1200), picked(8, "b.png", 1200)] });
    let started = uploads_started(&fx);
    assert_eq!(
        started.iter().map(|(_, f, n)| (*f, n.as_str())).collect::<Vec<_>>(),
        [(FileRef(7), "a.png"), (FileRef(8), "b.png")]
    );
    let (ka, kb) = (started[0].0, started[1].0);
    s.apply(Action::UploadProgress { key: ka, sent: 600 });
    assert_eq!(s.uploads.get(ka).map(|u| u.percent()), Some(50));
    // Progress never goes back (a late event of an earlier attempt).
    s.apply(Action::UploadProgress { key: ka, sent: 100 });
    assert_eq!(s.uploads.get(ka).map(|u| u.percent()), Some(50));
    s.apply(Action::Uploaded { key: ka, result: Ok(attachment(0, "a.png", 900_000)) });
    s.apply(Action::Uploaded { key: kb, result: Ok(attachment(1, "b.png", 900_000)) });
    assert!(s.uploads.ready(C1));

    s.apply(Action::DraftChanged { id: C1, text: "Here you go".into(), now: at(10) });
    let fx = s.apply(Action::Send { id: C1, client_id: cid("m1"), now: at(20) });
    let sends: Vec<_> = sent_frames(&fx).into_iter().filter(|f| matches!(f, AgentFrame::Send { .. })).collect();
    assert_eq!(
        sends,
        vec![AgentFrame::Send {
            conversation_id: C1,
            client_id: cid("m1"),
            text: "Here you go".into(),
            attachments: vec![upload_id(0), upload_id(1)],
            quick_replies: vec![],
        }]
    );
    // Out of the composer; the browser's files are let go.
    assert_eq!(s.uploads.of(C1).count(), 0);
    assert_eq!(dropped(&fx), [FileRef(7), FileRef(8)]);
    // A resend after a reconnect names the same uploads (the relay attaches them once).
    s.apply(Action::SocketClosed { now: at(30), jitter: 0 });
    s.apply(Action::SocketOpened);
    let fx = welcome(&mut s, 1_000, vec![summary(1, ConversationStatus::Active, Some(ME), 0)]);
    assert!(
        sent_frames(&fx).iter().any(|f| matches!(f, AgentFrame::Send { attachments, .. } if attachments.len() == 2))
    );
    // The ack shows the message with its files.
    frame(&mut s, 1_100, ToAgent::Ack { conversation_id: C1, client_id: cid("m1"), seq: Seq(1), duplicate: false });
    let held = &c(&s, 1).messages[0];
    assert!(matches!(&held.body, MessageBody::Text { attachments, .. } if attachments.len() == 2));
}

#[test]
fn a_message_of_files_alone_waits_for_its_uploads() {
    let mut s = holding();
    let fx = s.apply(Action::Attach { id: C1, files: vec![picked(1, "photo.jpg", 5000)] });
    let key = uploads_started(&fx)[0].0;
    // Nothing to send yet, and nothing typed: Send says to wait, and sends nothing.
    let fx = s.apply(Action::Send { id: C1, client_id: cid("m2"), now: at(5) });
    assert!(sent_frames(&fx).is_empty());
    assert!(s.notices.iter().any(|n| n.kind == NoticeKind::FilesUploading));
    s.apply(Action::Uploaded { key, result: Ok(attachment(2, "photo.jpg", 900_000)) });
    let fx = s.apply(Action::Send { id: C1, client_id: cid("m2"), now: at(6) });
    assert_eq!(
        sent_frames(&fx),
        vec![AgentFrame::Send {
            conversation_id: C1,
            client_id: cid("m2"),
            text: String::new(),
            attachments: vec![upload_id(2)],
            quick_replies: Vec::new(),
        }]
    );
    // Without files or text, Send does nothing.
    let fx = s.apply(Action::Send { id: C1, client_id: cid("m3"), now: at(7) });
    assert!(sent_frames(&fx).is_empty());
}

#[test]
fn refused_files_say_why_and_only_what_may_pass_later_is_retried() {
    let mut s = holding();
    let fx = s.apply(Action::Attach { id: C1, files: vec![picked(1, "eicar.pdf", 68), picked(2, "big.pdf", 9000)] });
    let keys: Vec<u64> = uploads_started(&fx).iter().map(|u| u.0).collect();
    s.apply(Action::Uploaded { key: keys[0], result: Err(refusal(ErrorCode::FileInfected)) });
    s.apply(Action::Uploaded { key: keys[1], result: Err(UploadError::network()) });
    assert_eq!(
        states(&s),
        [UploadState::Failed(refusal(ErrorCode::FileInfected)), UploadState::Failed(UploadError::network())]
    );
    // Malware stays refused; a dropped connection may go again, with the same file.
    assert!(s.apply(Action::RetryUpload(keys[0])).is_empty());
    let fx = s.apply(Action::RetryUpload(keys[1]));
    assert_eq!(uploads_started(&fx), [(keys[1], FileRef(2), "big.pdf".to_owned())]);
    assert_eq!(s.uploads.get(keys[1]).map(|u| &u.state), Some(&UploadState::Uploading { sent: 0 }));
    for code in [ErrorCode::ScannerUnavailable, ErrorCode::RateLimited, ErrorCode::QuotaExceeded] {
        assert!(refusal(code).retryable(), "{code:?}");
    }
    for code in [ErrorCode::FileTooLarge, ErrorCode::FileTypeMismatch, ErrorCode::FileTypeNotAllowed] {
        assert!(!refusal(code).retryable(), "{code:?}");
    }
    // A refused file does not hold the message back; it stays in the composer.
    s.apply(Action::Uploaded { key: keys[1], result: Ok(attachment(3, "big.pdf", 900_000)) });
    s.apply(Action::DraftChanged { id: C1, text: "the invoice".into(), now: at(9) });
    let fx = s.apply(Action::Send { id: C1, client_id: cid("m4"), now: at(10) });
    assert!(
        sent_frames(&fx)
            .iter()
            .any(|f| matches!(f, AgentFrame::Send { attachments, .. } if attachments == &[upload_id(3)]))
    );
    assert_eq!(states(&s), [UploadState::Failed(refusal(ErrorCode::FileInfected))]);
}

#[test]
fn cancelling_stops_the_upload_and_its_late_answer_is_ignored() {
    let mut s = holding();
    let fx = s.apply(Action::Attach { id: C1, files: vec![picked(4, "a.txt", 10)] });
    let key = uploads_started(&fx)[0].0;
    let fx = s.apply(Action::CancelUpload(key));
    assert_eq!(fx, vec![Effect::AbortUpload(key), Effect::DropFiles(vec![FileRef(4)])]);
    s.apply(Action::Uploaded { key, result: Ok(attachment(4, "a.txt", 900_000)) });
    assert_eq!(s.uploads.of(C1).count(), 0);
    // An uploaded file is removed without an abort.
    let fx = s.apply(Action::Attach { id: C1, files: vec![picked(5, "b.txt", 10)] });
    let key = uploads_started(&fx)[0].0;
    s.apply(Action::Uploaded { key, result: Ok(attachment(5, "b.txt", 900_000)) });
    assert_eq!(s.apply(Action::CancelUpload(key)), vec![Effect::DropFiles(vec![FileRef(5)])]);
}

#[test]
fn empty_files_extra_files_and_files_for_conversations_not_held_are_refused_here() {
    let mut s = holding();
    let fx = s.apply(Action::Attach { id: C1, files: vec![picked(1, "empty.txt", 0)] });
    assert!(uploads_started(&fx).is_empty());
    assert_eq!(
        states(&s),
        [UploadState::Failed(UploadError {
            code: Some(ErrorCode::FileEmpty),
            message: String::new(),
            retry_after_secs: None
        })]
    );
    let many: Vec<PickedFile> = (10..21).map(|n| picked(n, "x.png", 5)).collect();
    let fx = s.apply(Action::Attach { id: C1, files: many });
    assert_eq!(uploads_started(&fx).len(), 9, "ten per message, the empty one counts");
    assert_eq!(dropped(&fx), [FileRef(19), FileRef(20)]);
    assert!(s.notices.iter().any(|n| n.kind == NoticeKind::TooManyFiles));
    // A conversation someone else holds takes no files.
    welcome(
        &mut s,
        10,
        vec![summary(1, ConversationStatus::Active, Some(ME), 0), summary(2, ConversationStatus::Active, Some(ANN), 0)],
    );
    let fx = s.apply(Action::Attach { id: ConversationId(2), files: vec![picked(30, "y.png", 5)] });
    assert!(uploads_started(&fx).is_empty());
    assert_eq!(dropped(&fx), [FileRef(30)]);
}

#[test]
fn a_closed_conversation_drops_its_composers_files_and_sign_out_drops_all() {
    let mut s = holding();
    let fx = s.apply(Action::Attach { id: C1, files: vec![picked(1, "a.png", 10)] });
    let key = uploads_started(&fx)[0].0;
    let fx =
        frame(&mut s, 50, ToAgent::Conversation { conversation: summary(1, ConversationStatus::Closed, Some(ME), 0) });
    assert!(fx.contains(&Effect::AbortUpload(key)));
    assert_eq!(dropped(&fx), [FileRef(1)]);
    assert_eq!(s.uploads.items.len(), 0);

    let mut s = holding();
    let fx = s.apply(Action::Attach { id: C1, files: vec![picked(2, "b.png", 10)] });
    let key = uploads_started(&fx)[0].0;
    let fx = s.apply(Action::Logout);
    assert!(fx.contains(&Effect::AbortUpload(key)));
    assert_eq!(s.uploads.items.len(), 0);
}

#[test]
fn an_expired_session_on_upload_signs_out() {
    let mut s = holding();
    let fx = s.apply(Action::Attach { id: C1, files: vec![picked(1, "a.png", 10)] });
    let key = uploads_started(&fx)[0].0;
    s.apply(Action::Uploaded { key, result: Err(refusal(ErrorCode::SessionExpired)) });
    assert!(s.session.is_none());
    assert_eq!(s.signed_out, Some(SignedOut::Expired));
}

#[test]
fn editing_a_refused_message_puts_its_files_back_in_the_composer() {
    let mut s = holding();
    let fx = s.apply(Action::Attach { id: C1, files: vec![picked(1, "a.png", 10)] });
    let key = uploads_started(&fx)[0].0;
    s.apply(Action::Uploaded { key, result: Ok(attachment(0, "a.png", 900_000)) });
    s.apply(Action::DraftChanged { id: C1, text: "see".into(), now: at(1) });
    s.apply(Action::Send { id: C1, client_id: cid("m5"), now: at(2) });
    frame(
        &mut s,
        3,
        ToAgent::Error(ErrorFrame {
            code: ErrorCode::Forbidden,
            message: "already attached".into(),
            client_id: Some(cid("m5")),
            conversation_id: None,
            fatal: false,
        }),
    );
    s.apply(Action::EditFailed(cid("m5")));
    assert_eq!(s.draft(C1), "see");
    assert_eq!(states(&s), [UploadState::Done(attachment(0, "a.png", 900_000))]);
    // Uploaded already: nothing to retry, no browser file held.
    assert!(s.uploads.of(C1).all(|u| u.file.is_none() && !u.can_retry()));
}

#[test]
fn pending_messages_keep_their_files_in_storage_and_old_storage_still_reads() {
    let old = r#"{"items":[{"client_id":"m1","conversation_id":1,"text":"hi","at":5,"state":"queued"}]}"#;
    let outbox: Outbox = serde_json::from_str(old).expect("an outbox stored before files");
    assert!(outbox.items[0].attachments.is_empty());
    let mut with = outbox.clone();
    with.items[0].attachments.push(attachment(1, "a.png", 1));
    let text = serde_json::to_string(&with).expect("serializable");
    assert_eq!(serde_json::from_str::<Outbox>(&text).expect("round trip"), with);
}

fn fresh_link(exp: i64) -> FileLink {
    FileLink {
        url: "/v1/files/demo/new/original".into(),
        thumb_url: Some("/thumb-new".into()),
        url_expires_at: at(exp),
    }
}

fn link_fetches(fx: &[Effect]) -> usize {
    fx.iter().filter(|e| matches!(e, Effect::FetchLink { token, .. } if token == "tok")).count()
}

#[test]
fn old_links_are_refreshed_once_and_the_fresher_one_is_used() {
    let mut s = holding();
    let a = attachment(0, "a.png", 1_000);
    s.apply(Action::Tick { now: at(5_000) });
    assert_eq!(s.link_of(&a).url, a.url);
    // A thumbnail failed: ask once; failing again soon after asks nothing more.
    assert_eq!(link_fetches(&s.apply(Action::NeedLink(a.id.clone()))), 1);
    assert_eq!(link_fetches(&s.apply(Action::NeedLink(a.id.clone()))), 0);
    s.apply(Action::Linked { id: a.id.clone(), answer: LinkAnswer::Fresh(fresh_link(905_000)) });
    assert_eq!(s.link_of(&a), fresh_link(905_000));
    // Links newer than what was fetched (a later history page) win.
    let newer = attachment(0, "a.png", 2_000_000);
    assert_eq!(s.link_of(&newer).url, newer.url);
    // Fresh: nothing to ask, even after the retry pause.
    s.apply(Action::Tick { now: at(5_000 + LINK_RETRY_MS) });
    assert_eq!(link_fetches(&s.apply(Action::NeedLink(a.id.clone()))), 0);
    // A file deleted since is not asked for again.
    let b = attachment(1, "b.png", 1_000);
    s.apply(Action::NeedLink(b.id.clone()));
    s.apply(Action::Linked { id: b.id.clone(), answer: LinkAnswer::Gone });
    s.apply(Action::Tick { now: at(500_000) });
    assert_eq!(link_fetches(&s.apply(Action::NeedLink(b.id.clone()))), 0);
}

#[test]
fn downloading_an_old_file_fetches_a_fresh_link_first() {
    let mut s = holding();
    s.apply(Action::Open(C1));
    let a = attachment(0, "invoice.pdf", 1_000);
    s.apply(Action::Tick { now: at(60_000) });
    let fx = s.apply(Action::Download { id: a.id.clone(), name: a.name.clone() });
    assert_eq!(link_fetches(&fx), 1);
    let fx = s.apply(Action::Linked { id: a.id.clone(), answer: LinkAnswer::Fresh(fresh_link(960_000)) });
    assert_eq!(fx, vec![Effect::Download { url: fresh_link(960_000).url, name: "invoice.pdf".into() }]);
    // With a fresh link at hand, at once.
    let fx = s.apply(Action::Download { id: a.id.clone(), name: a.name.clone() });
    assert_eq!(fx, vec![Effect::Download { url: fresh_link(960_000).url, name: "invoice.pdf".into() }]);
    // The relay could not be reached: said, and asked again on the next click.
    let b = attachment(1, "b.pdf", 1_000);
    s.apply(Action::Download { id: b.id.clone(), name: b.name.clone() });
    s.apply(Action::Linked { id: b.id.clone(), answer: LinkAnswer::Failed });
    assert!(s.notices.iter().any(|n| n.kind == NoticeKind::FileUnreachable));
    assert_eq!(link_fetches(&s.apply(Action::Download { id: b.id.clone(), name: b.name.clone() })), 1);
    s.apply(Action::Linked { id: b.id.clone(), answer: LinkAnswer::Gone });
    assert!(s.notices.iter().any(|n| n.kind == NoticeKind::FileGone));
}

fn with_files(seq: u64, text: &str, files: Vec<Attachment>) -> Message {
    let mut m = visitor_msg(seq, text);
    if let MessageBody::Text { attachments, .. } = &mut m.body {
        *attachments = files;
    }
    m
}

#[test]
fn the_conversation_lists_its_files_newest_first_and_a_files_only_message_previews_by_name() {
    let mut s = holding();
    history(
        &mut s,
        10,
        1,
        vec![
            with_files(1, "two files", vec![attachment(0, "a.png", 1), attachment(1, "b.pdf", 1)]),
            visitor_msg(2, "no files"),
            Message {
                seq: Seq(3),
                at: at(300),
                author: Author::System,
                body: MessageBody::Event {
                    event: ConversationEvent::FileRefused {
                        name: "eicar.pdf".into(),
                        reason: FileRefusal::Infected,
                        signature: Some("Eicar-Test-Signature".into()),
                    },
                },
            },
            with_files(4, "", vec![attachment(2, "c.png", 1)]),
        ],
    );
    let conv = c(&s, 1);
    let names: Vec<(u64, usize, &str)> =
        conv.attachments().into_iter().map(|(m, i, a)| (m.seq.0, i, a.name.as_str())).collect();
    assert_eq!(names, [(4, 0, "c.png"), (1, 1, "b.pdf"), (1, 0, "a.png")]);
    assert_eq!(conv.attachment(Seq(1), 1).map(|a| a.name.as_str()), Some("b.pdf"));
    assert_eq!(conv.attachment(Seq(3), 0), None);
    assert_eq!(conv.preview(), Some("📎 c.png"));
    assert!(conv.matches("b.pdf"));
    // The lightbox is a dialog like the others: Escape closes it.
    s.apply(Action::ShowDialog(Some(Dialog::Lightbox { conversation: C1, seq: Seq(4), index: 0 })));
    s.apply(Action::Shortcut(Shortcut::Escape));
    assert_eq!(s.dialog, None);
}

#[test]
fn the_files_policy_is_edited_with_the_settings_and_checked_before_saving() {
    use admin::{AdminAction as A, AdminStatus, Setter, rule_text, set_file_type};
    let mut s = admin_store();
    s.apply(Action::ShowView(View::Admin));
    s.apply(Action::Admin(A::Loaded {
        settings: TenantSettings::default(),
        agents: vec![admin_view(ME, &[])],
        identity_secret: "5ec2e7".into(),
    }));
    assert_eq!(s.admin.draft.files, FileSettings::default());
    s.apply(Action::Admin(A::Set(Setter(|d, v| d.files.accept_unscanned = v == "true"), "true".into())));
    s.apply(Action::Admin(A::Set(Setter(|d, v| set_file_type(d, FileType::Gif, v == "true")), "false".into())));
    s.apply(Action::Admin(A::Set(Setter(|d, v| set_file_type(d, FileType::Gif, v == "true")), "true".into())));
    assert_eq!(s.admin.draft.files.allowed_types, FileType::ALL, "kept in the settings' order");
    s.apply(Action::Admin(A::Set(Setter(|d, v| set_file_type(d, FileType::Text, v == "true")), "false".into())));
    let fx = s.apply(Action::Admin(A::Save));
    let Some(Effect::SaveAdmin { save, .. }) = fx.iter().find(|e| matches!(e, Effect::SaveAdmin { .. })) else {
        panic!("saved: {fx:?}")
    };
    assert!(save.settings.files.accept_unscanned);
    assert_eq!(save.settings.files.allowed_types, &FileType::ALL[..5]);

    // No type at all, or a size out of range, is refused here, next to the field.
    let mut s = admin_store();
    s.apply(Action::ShowView(View::Admin));
    let settings = TenantSettings {
        files: FileSettings { allowed_types: Vec::new(), ..FileSettings::default() },
        ..TenantSettings::default()
    };
    s.apply(Action::Admin(A::Loaded { settings, agents: Vec::new(), identity_secret: String::new() }));
    let fx = s.apply(Action::Admin(A::Save));
    assert!(!fx.iter().any(|e| matches!(e, Effect::SaveAdmin { .. })));
    assert_eq!(s.admin.status, AdminStatus::Ready);
    assert_eq!(s.admin.error_text("files.allowed_types", &EN), Some("Choose at least one type."));
    s.apply(Action::Admin(A::Set(Setter(|d, v| set_file_type(d, FileType::Pdf, v == "true")), "true".into())));
    s.apply(Action::Admin(A::Set(Setter(|d, _| d.files.max_mb = 0), String::new())));
    s.apply(Action::Admin(A::Save));
    assert_eq!(s.admin.error_text("files.max_mb", &EN), Some("Enter a whole number of MB from 1 to 100."));
    // The relay's refusal of the same field reads the same.
    assert_eq!(rule_text("files.allowed_types[0]", &EN), Some("Choose at least one type."));
}

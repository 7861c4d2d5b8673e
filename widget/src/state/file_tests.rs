//! Native unit tests of files in the widget store: attaching, upload progress,
//! cancel and retry, refusals, sending with a message, surviving a reload, and
//! opening (lightbox, download, stale links).

use natter_protocol::{
    Attachment, AttachmentKind, Author, ConversationId, ConversationStatus, ErrorCode, FileLink, Message, MessageBody,
    ScanState, Seq, ToVisitor, UnixMillis, UploadId, VisitorFrame,
};

use super::files::{Phase, Picked, Problem, Unsent};
use super::outbox::Pending;
use super::tests::{T0, ack, boot, boot_in_frame, cid, conv, host_init, online, sends, welcome};
use super::*;

fn upload_id(c: char) -> UploadId {
    UploadId::parse(String::from("up_") + &c.to_string().repeat(22)).unwrap()
}

fn image(c: char) -> Attachment {
    Attachment {
        id: upload_id(c),
        name: "photo.jpg".into(),
        size: 48_213,
        mime: "image/jpeg".into(),
        kind: AttachmentKind::Image,
        width: Some(1200),
        height: Some(900),
        scan: ScanState::Clean,
        url: String::from("/v1/files/demo/") + upload_id(c).as_str() + "/original?exp=1&sig=a",
        thumb_url: Some("/thumb?sig=a".into()),
        url_expires_at: UnixMillis(T0.0 + 900_000),
    }
}

fn pdf(c: char) -> Attachment {
    Attachment {
        name: "invoice.pdf".into(),
        mime: "application/pdf".into(),
        kind: AttachmentKind::File,
        width: None,
        height: None,
        thumb_url: None,
        ..image(c)
    }
}

fn picked(key: u32, name: &str) -> Picked {
    Picked { key, name: name.into(), size: 1_000 }
}

fn uploads(fx: &[Effect]) -> Vec<(u32, String)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Upload { key, name, token } => {
                assert_eq!(token, "tok", "the visitor token is the bearer");
                Some((*key, name.clone()))
            }
            _ => None,
        })
        .collect()
}

fn saved(fx: &[Effect]) -> Option<&Unsent> {
    fx.iter().rev().find_map(|e| match e {
        Effect::SavePending(u) => Some(u),
        _ => None,
    })
}

fn phase(s: &Store, key: u32) -> Phase {
    s.tray.items().iter().find(|u| u.key == key).map(|u| u.phase.clone()).expect("in the tray")
}

/// Online, with `a` uploaded under key 1.
fn with_ready(a: Attachment) -> Store {
    let mut s = online();
    s.apply(Action::Attach(vec![picked(1, &a.name)]));
    s.apply(Action::Uploaded { key: 1, attachment: a });
    s
}

#[test]
fn a_file_attached_before_the_welcome_uploads_once_the_token_is_known() {
    let (mut s, _) = boot(vec![], None, false);
    let fx = s.apply(Action::Attach(vec![picked(1, "photo.jpg")]));
    assert!(uploads(&fx).is_empty(), "no token yet");
    assert_eq!(phase(&s, 1), Phase::Queued);
    assert_eq!(s.screen(), Screen::Chat);

    s.apply(Action::SocketOpened);
    let fx = s.apply(welcome("tok", None));
    assert_eq!(uploads(&fx), vec![(1, "photo.jpg".to_owned())]);
    assert_eq!(phase(&s, 1), Phase::Sending { percent: 0 });
}

#[test]
fn progress_is_kept_in_whole_percent_and_an_upload_ends_ready_and_kept() {
    let mut s = online();
    let fx = s.apply(Action::Attach(vec![picked(1, "photo.jpg")]));
    assert_eq!(uploads(&fx), vec![(1, "photo.jpg".to_owned())]);
    s.apply(Action::UploadProgress { key: 1, sent: 400, total: 1_000 });
    assert_eq!(phase(&s, 1), Phase::Sending { percent: 40 });
    let before = s.clone();
    s.apply(Action::UploadProgress { key: 1, sent: 401, total: 1_000 });
    assert_eq!(s, before, "the same percent changes nothing (no re-render)");

    let fx = s.apply(Action::Uploaded { key: 1, attachment: image('A') });
    assert_eq!(phase(&s, 1), Phase::Ready(image('A')));
    assert_eq!(saved(&fx).map(|u| u.files.clone()), Some(vec![image('A')]), "kept for a reload");
    // A late progress event does not turn it back.
    s.apply(Action::UploadProgress { key: 1, sent: 1_000, total: 1_000 });
    assert_eq!(phase(&s, 1), Phase::Ready(image('A')));
}

#[test]
fn sending_takes_the_ready_files_even_without_text_and_leaves_the_rest() {
    let mut s = with_ready(image('A'));
    s.apply(Action::Attach(vec![picked(2, "big.pdf")]));
    let fx = s.apply(Action::Send { client_id: cid("m1"), text: "  ".into(), now: T0 });
    let frames = sends(&fx);
    assert_eq!(frames[0], VisitorFrame::Start { info: s.page.clone() });
    assert_eq!(
        frames[1],
        VisitorFrame::Send { client_id: cid("m1"), text: String::new(), attachments: vec![upload_id('A')] }
    );
    assert_eq!(s.tray.items().len(), 1, "the file still uploading waits for the next message");
    assert_eq!(phase(&s, 2), Phase::Sending { percent: 0 });
    let kept = saved(&fx).unwrap();
    assert_eq!(kept.messages[0].attachments, vec![image('A')]);
    assert!(kept.files.is_empty());

    // Nothing ready and no text: nothing is sent.
    assert!(sends(&s.apply(Action::Send { client_id: cid("m2"), text: String::new(), now: T0 })).is_empty());

    // The acknowledgement shows the files in place until the stored copy arrives.
    s.apply(Action::Frame {
        now: T0,
        frame: ToVisitor::VisitorConversation { conversation: conv(1, ConversationStatus::Waiting) },
    });
    s.apply(ack(1, "m1", 1));
    assert!(matches!(&s.messages[0].body, MessageBody::Text { attachments, .. } if *attachments == [image('A')]));
}

#[test]
fn a_message_with_files_is_resent_with_them_after_a_reconnect() {
    let mut s = with_ready(pdf('B'));
    s.apply(Action::SocketClosed { now: T0, jitter: 0 });
    s.apply(Action::Send { client_id: cid("m1"), text: "here".into(), now: T0 });
    s.apply(Action::SocketOpened);
    let fx = s.apply(welcome("tok", None));
    assert!(sends(&fx).contains(&VisitorFrame::Send {
        client_id: cid("m1"),
        text: "here".into(),
        attachments: vec![upload_id('B')]
    }));
}

#[test]
fn cancelling_aborts_the_upload_and_a_late_answer_is_ignored() {
    let mut s = online();
    s.apply(Action::Attach(vec![picked(1, "photo.jpg")]));
    let fx = s.apply(Action::RemoveUpload(1));
    assert!(fx.contains(&Effect::DropUpload(1)));
    assert!(s.tray.is_empty());
    assert!(saved(&fx).is_none(), "nothing kept changed");
    s.apply(Action::Uploaded { key: 1, attachment: image('A') });
    assert!(s.tray.is_empty());

    // Removing a ready file forgets it in storage too.
    let mut s = with_ready(image('A'));
    let fx = s.apply(Action::RemoveUpload(1));
    assert_eq!(saved(&fx), Some(&Unsent::default()));
}

#[test]
fn a_failed_upload_is_retried_only_when_that_may_help() {
    let mut s = online();
    s.apply(Action::Attach(vec![picked(1, "photo.jpg"), picked(2, "eicar.txt")]));
    s.apply(Action::UploadFailed { key: 1, problem: Problem::Network });
    let infected = Problem::refused(ErrorCode::FileInfected);
    s.apply(Action::UploadFailed { key: 2, problem: infected });
    assert_eq!(phase(&s, 2), Phase::Failed(infected));

    let fx = s.apply(Action::RetryUpload(1));
    assert_eq!(uploads(&fx), vec![(1, "photo.jpg".to_owned())]);
    assert_eq!(phase(&s, 1), Phase::Sending { percent: 0 });
    assert!(uploads(&s.apply(Action::RetryUpload(2))).is_empty(), "trying a harmful file again will not help");
    assert!(Problem::refused(ErrorCode::ScannerUnavailable).retryable());
    assert!(!Problem::Refused { code: ErrorCode::FileTooLarge, limit_mb: Some(10) }.retryable());
}

#[test]
fn uploads_turned_off_hide_the_attach_button_and_refuse_more_files() {
    let mut s = online();
    s.apply(Action::Attach(vec![picked(1, "photo.jpg")]));
    s.apply(Action::UploadFailed { key: 1, problem: Problem::refused(ErrorCode::Forbidden) });
    assert!(s.uploads_off);
    let fx = s.apply(Action::Attach(vec![picked(2, "more.jpg")]));
    assert!(uploads(&fx).is_empty());
    assert_eq!(s.notice, Some(Notice::Error(ErrorCode::Forbidden)));
}

#[test]
fn the_shops_policy_hides_the_attach_button_and_refuses_a_file_over_its_limit_before_uploading() {
    let mut s = online();
    let mut cfg = PublicWidgetConfig::defaults(TenantId::parse("demo").unwrap(), "Demo".into());
    cfg.max_upload_mb = 2;
    s.apply(Action::Config(cfg.clone()));
    assert!(!s.uploads_off);
    let big = Picked { key: 1, name: "video.mp4".into(), size: 2_000_001 };
    let fx = s.apply(Action::Attach(vec![big, picked(2, "ok.jpg")]));
    assert_eq!(uploads(&fx), [(2, "ok.jpg".to_owned())], "only the file within the limit is sent");
    assert!(fx.contains(&Effect::DropUpload(1)));
    let refused = s.tray.get_mut(1).map(|u| u.phase.clone());
    assert_eq!(refused, Some(Phase::Failed(Problem::Refused { code: ErrorCode::FileTooLarge, limit_mb: Some(2) })));

    cfg.visitor_uploads = false;
    s.apply(Action::Config(cfg));
    assert!(s.uploads_off, "uploads turned off: no attach button");
}

#[test]
fn at_most_ten_files_wait_in_the_tray() {
    let mut s = online();
    let fx = s.apply(Action::Attach((1..=12).map(|k| picked(k, "f.txt")).collect()));
    assert_eq!(uploads(&fx).len(), 10);
    assert_eq!(s.tray.items().len(), 10);
    assert_eq!(s.notice, Some(Notice::TooManyFiles));
    assert!(fx.contains(&Effect::DropUpload(11)) && fx.contains(&Effect::DropUpload(12)));
}

#[test]
fn uploaded_files_survive_a_reload_and_go_with_the_next_message() {
    let kept = with_ready(image('A')).unsent();
    // The next page view boots with what was kept.
    let mut s = Store::default();
    s.apply(Action::Boot {
        tenant: Some(TenantId::parse("demo").unwrap()),
        token: Some("tok".into()),
        pending: kept,
        seen: None,
        browser_locale: None,
        tz_min: 0,
        await_host: false,
        muted: false,
    });
    assert_eq!(s.tray.ready().cloned().collect::<Vec<_>>(), vec![image('A')]);
    assert_eq!(s.screen(), Screen::Chat, "the files wait in the composer");
    s.apply(Action::SocketOpened);
    s.apply(welcome("tok", None));
    let fx = s.apply(Action::Send { client_id: cid("m1"), text: "this one".into(), now: T0 });
    assert!(matches!(&sends(&fx)[1], VisitorFrame::Send { attachments, .. } if *attachments == [upload_id('A')]));
    assert!(s.tray.is_empty());
}

#[test]
fn the_loaders_kept_files_merge_with_files_attached_while_waiting() {
    let (mut s, _) = boot_in_frame(vec![], Some("tok"));
    let frame_copy = Unsent { messages: vec![], files: vec![image('A')] };
    s.tray.adopt(frame_copy.files.clone());
    let stored = HostStored {
        token: Some("tok".into()),
        pending: Some(Unsent { messages: vec![], files: vec![image('A'), pdf('B')] }),
        seen: None,
        muted: None,
    };
    let fx = s.apply(host_init(Some(stored)));
    let ids: Vec<_> = s.tray.ready().map(|a| a.id.clone()).collect();
    assert_eq!(ids, vec![upload_id('B'), upload_id('A')], "kept once each");
    let keys: Vec<_> = s.tray.items().iter().map(|u| u.key).collect();
    assert_ne!(keys[0], keys[1], "distinct keys");
    assert_eq!(saved(&fx).map(|u| u.files.len()), Some(2));
}

#[test]
fn a_pending_message_with_files_survives_a_reload() {
    let p = Pending { client_id: cid("m9"), text: String::new(), at: T0, failed: None, attachments: vec![pdf('C')] };
    let (mut s, _) = boot(vec![p.clone()], Some("tok"), false);
    s.apply(Action::SocketOpened);
    let fx = s.apply(welcome("tok", None));
    assert!(sends(&fx).contains(&p.frame()));
}

#[test]
fn an_image_opens_in_the_lightbox_and_escape_closes_it_back_to_the_thumbnail() {
    let mut s = online();
    s.apply(Action::Frame {
        now: T0,
        frame: ToVisitor::Message {
            conversation_id: ConversationId(1),
            message: Message {
                seq: Seq(1),
                at: T0,
                author: Author::Agent { id: natter_protocol::AgentId(1), name: "Ann".into() },
                body: MessageBody::Text {
                    text: String::new(),
                    client_id: cid("a1"),
                    attachments: vec![image('A')],
                    quick_replies: Vec::new(),
                },
            },
        },
    });
    let fx = s.apply(Action::OpenAttachment { id: upload_id('A'), now: T0 });
    assert_eq!(s.lightbox, Some(upload_id('A')));
    assert!(fx.contains(&Effect::Focus(Focus::Lightbox)));
    let fx = s.apply(Action::ClosePanel);
    assert_eq!(s.lightbox, None);
    assert_eq!(fx, vec![Effect::Focus(Focus::Attachment(upload_id('A')))], "Escape closes the image, not the chat");
    assert!(s.apply(Action::ClosePanel).contains(&Effect::ToHost(ToHost::Close)));
}

#[test]
fn an_expired_link_is_renewed_before_opening() {
    let mut s = with_ready(pdf('B'));
    let later = UnixMillis(T0.0 + 3_600_000);
    let fx = s.apply(Action::OpenAttachment { id: upload_id('B'), now: later });
    assert_eq!(fx, vec![Effect::FetchLink { id: upload_id('B'), token: "tok".into() }]);
    assert!(s.apply(Action::StaleLink { id: upload_id('B'), now: later }).is_empty(), "asked once");

    let link = FileLink { url: "/fresh".into(), thumb_url: None, url_expires_at: UnixMillis(later.0 + 900_000) };
    let fx = s.apply(Action::Link { id: upload_id('B'), link });
    assert_eq!(fx, vec![Effect::Download("/fresh".into())], "a file downloads once its link is fresh");
    assert_eq!(s.tray.ready().next().map(|a| a.url.as_str()), Some("/fresh"));
    // Fresh now: opening again downloads at once.
    assert_eq!(
        s.apply(Action::OpenAttachment { id: upload_id('B'), now: later }),
        vec![Effect::Download("/fresh".into())]
    );
}

#[test]
fn a_thumbnail_that_fails_to_load_renews_its_link_only_when_expired() {
    let mut s = with_ready(image('A'));
    assert!(s.apply(Action::StaleLink { id: upload_id('A'), now: T0 }).is_empty(), "fresh: another cause");
    let later = UnixMillis(T0.0 + 3_600_000);
    assert_eq!(s.apply(Action::StaleLink { id: upload_id('A'), now: later }).len(), 1);
    // The relay has no such upload any more: opening it says so.
    s.apply(Action::OpenAttachment { id: upload_id('A'), now: later });
    s.apply(Action::LinkFailed(upload_id('A')));
    assert_eq!(s.notice, Some(Notice::Error(ErrorCode::NotFound)));
    assert_eq!(s.lightbox, None);
}

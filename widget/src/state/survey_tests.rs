//! Native unit tests of the post-chat survey (show after the delay, rate, change
//! once, expiry, refusals) and of "email me this conversation".

use natter_protocol::{
    ConversationId, ConversationStatus, ErrorCode, ErrorFrame, ToVisitor, UnixMillis, VisitorConversation, VisitorFrame,
};

use super::tests::{T0, cid, conv, online, sends, welcome};
use super::*;

const C: ConversationId = ConversationId(7);

fn at(ms: i64) -> UnixMillis {
    UnixMillis(T0.0 + ms)
}

fn frame(now: UnixMillis, frame: ToVisitor) -> Action {
    Action::Frame { now, frame }
}

fn survey(delay_secs: u32, score: Option<u8>, can_rate: bool) -> ToVisitor {
    ToVisitor::Survey {
        conversation_id: C,
        question: None,
        texts: [("th".to_owned(), "ถามไทย".to_owned())].into_iter().collect(),
        delay_secs,
        expires_in_secs: 3600,
        score,
        comment: score.map(|_| "kind".to_owned()),
        can_rate,
    }
}

fn refusal(code: ErrorCode, conversation_id: Option<ConversationId>) -> ToVisitor {
    ToVisitor::Error(ErrorFrame { conversation_id, ..ErrorFrame::new(code, "no") })
}

/// Online, with conversation 7 closed on screen.
fn ended() -> Store {
    let mut s = online();
    let closed = VisitorConversation { id: C, ..conv(7, ConversationStatus::Closed) };
    s.apply(welcome("tok", Some(closed)));
    s
}

#[test]
fn the_survey_shows_once_its_delay_passed_and_a_rating_is_sent() {
    let mut s = ended();
    s.apply(frame(T0, survey(30, None, true)));
    assert_eq!(s.survey_view(), SurveyView::Hidden);
    s.apply(Action::Tick { now: at(29_999) });
    assert_eq!(s.survey_view(), SurveyView::Hidden);
    s.apply(Action::Tick { now: at(30_000) });
    let ask =
        SurveyView::Ask { question: None, chosen: None, comment: None, sending: false, missing: false, error: None };
    assert_eq!(s.survey_view(), ask);
    let fx = s.apply(Action::Rate { score: 4, comment: Some("  Quick and kind ".into()) });
    let rate = VisitorFrame::Rate { conversation_id: C, score: 4, comment: Some("Quick and kind".into()) };
    assert_eq!(sends(&fx), vec![rate]);
    assert!(matches!(s.survey_view(), SurveyView::Ask { sending: true, .. }));
    // A second press while it is on its way sends nothing.
    assert!(sends(&s.apply(Action::Rate { score: 4, comment: None })).is_empty());
}

#[test]
fn the_tenant_question_in_the_visitor_language_wins() {
    let mut s = ended();
    s.host_locale = Some(Locale::Th);
    s.apply(frame(T0, survey(0, None, true)));
    assert!(matches!(s.survey_view(), SurveyView::Ask { question: Some("ถามไทย"), .. }));
}

#[test]
fn thanks_then_a_change_once_then_no_more_change() {
    let mut s = ended();
    s.apply(frame(T0, survey(0, Some(4), true)));
    assert_eq!(s.survey_view(), SurveyView::Thanks { score: 4, can_change: true, error: None });
    let fx = s.apply(Action::ChangeRating);
    assert!(fx.contains(&Effect::Focus(Focus::Rating(4))));
    let preselected = SurveyView::Ask {
        question: None,
        chosen: Some(4),
        comment: Some("kind"),
        sending: false,
        missing: false,
        error: None,
    };
    assert_eq!(s.survey_view(), preselected);
    s.apply(Action::ChooseRating(2));
    assert!(matches!(s.survey_view(), SurveyView::Ask { chosen: Some(2), .. }));
    assert_eq!(sends(&s.apply(Action::Rate { score: 2, comment: None })).len(), 1);
    s.apply(frame(at(1_000), survey(0, Some(2), false)));
    assert_eq!(s.survey_view(), SurveyView::Thanks { score: 2, can_change: false, error: None });
    assert!(s.apply(Action::ChangeRating).is_empty());
    assert!(sends(&s.apply(Action::Rate { score: 5, comment: None })).is_empty());
}

#[test]
fn an_unanswered_survey_hides_when_it_expires_and_a_rating_keeps_its_thanks() {
    let mut s = ended();
    s.apply(frame(T0, survey(0, None, true)));
    s.apply(Action::Tick { now: at(3_600_000) });
    assert_eq!(s.survey_view(), SurveyView::Hidden);
    assert!(sends(&s.apply(Action::Rate { score: 3, comment: None })).is_empty());

    let mut s = ended();
    s.apply(frame(T0, survey(0, Some(5), true)));
    s.apply(Action::Tick { now: at(3_600_000) });
    assert_eq!(s.survey_view(), SurveyView::Thanks { score: 5, can_change: false, error: None });
}

#[test]
fn refusals_of_a_rating_stay_in_the_survey() {
    let mut s = ended();
    s.apply(frame(T0, survey(0, Some(4), true)));
    s.apply(Action::ChangeRating);
    s.apply(Action::Rate { score: 1, comment: None });
    s.apply(frame(T0, refusal(ErrorCode::RatingLocked, Some(C))));
    assert_eq!(s.notice, None);
    let locked = SurveyView::Thanks { score: 4, can_change: false, error: Some(ErrorCode::RatingLocked) };
    assert_eq!(s.survey_view(), locked);

    let mut s = ended();
    s.apply(frame(T0, survey(0, None, true)));
    s.apply(Action::Rate { score: 3, comment: None });
    s.apply(frame(T0, refusal(ErrorCode::RatingExpired, Some(C))));
    assert_eq!(s.survey_view(), SurveyView::Refused(ErrorCode::RatingExpired));
}

#[test]
fn a_bad_score_or_a_long_comment_is_not_sent() {
    let mut s = ended();
    s.apply(frame(T0, survey(0, None, true)));
    // No choice yet: nothing goes, and the form asks for one.
    assert!(sends(&s.apply(Action::Rate { score: 0, comment: None })).is_empty());
    assert!(matches!(s.survey_view(), SurveyView::Ask { missing: true, .. }));
    s.apply(Action::ChooseRating(3));
    assert!(matches!(s.survey_view(), SurveyView::Ask { missing: false, chosen: Some(3), .. }));
    assert!(sends(&s.apply(Action::Rate { score: 6, comment: None })).is_empty());
    let long = "ก".repeat(survey::MAX_COMMENT_CHARS + 1);
    assert!(sends(&s.apply(Action::Rate { score: 3, comment: Some(long) })).is_empty());
    let fits = "ก".repeat(survey::MAX_COMMENT_CHARS);
    assert_eq!(sends(&s.apply(Action::Rate { score: 3, comment: Some(fits) })).len(), 1);
}

#[test]
fn the_survey_belongs_to_its_closed_conversation_only() {
    let mut s = ended();
    s.apply(frame(T0, survey(0, None, true)));
    s.apply(Action::NewChat);
    assert_eq!(s.survey_view(), SurveyView::Hidden);
    let mut s = online();
    s.apply(welcome("tok", Some(conv(8, ConversationStatus::Closed))));
    s.apply(frame(T0, survey(0, None, true)));
    assert_eq!(s.survey_view(), SurveyView::Hidden);
}

#[test]
fn a_rating_lost_with_the_socket_can_be_sent_again() {
    let mut s = ended();
    s.apply(frame(T0, survey(0, None, true)));
    s.apply(Action::Rate { score: 3, comment: None });
    s.apply(Action::SocketClosed { now: at(10), jitter: 0 });
    assert!(matches!(s.survey_view(), SurveyView::Ask { sending: false, .. }));
}

#[test]
fn the_transcript_form_is_prefilled_with_the_known_email_and_sent_in_the_widget_language() {
    let mut s = ended();
    s.apply(Action::SendOffline {
        client_id: cid("off-1"),
        name: String::new(),
        email: " som@shop.example ".into(),
        text: "hello".into(),
    });
    s.host_locale = Some(Locale::Th);
    let fx = s.apply(Action::TranscriptForm(true));
    assert!(fx.contains(&Effect::Focus(Focus::TranscriptEmail)));
    assert_eq!((s.transcript.phase, s.transcript.email.as_str()), (MailPhase::Open, "som@shop.example"));
    let fx = s.apply(Action::EmailTranscript { email: "som@shop.example".into() });
    let frame_sent = VisitorFrame::EmailTranscript { email: "som@shop.example".into(), lang: Some("th".into()) };
    assert_eq!(sends(&fx), vec![frame_sent]);
    assert_eq!(s.transcript.phase, MailPhase::Sending);
    s.apply(frame(T0, ToVisitor::TranscriptQueued { conversation_id: C }));
    assert_eq!(s.transcript.phase, MailPhase::Sent);
}

#[test]
fn an_identified_visitor_email_comes_first() {
    let mut s = ended();
    let email = Some("id@shop.example".into());
    s.identity = Some((Identity { user_id: "u".into(), hash: "h".into(), name: None, email }, IdentityState::Done));
    s.apply(Action::TranscriptForm(true));
    assert_eq!(s.transcript.email, "id@shop.example");
}

#[test]
fn transcript_refusals_show_in_the_form_not_as_a_notice() {
    let mut s = ended();
    s.apply(Action::TranscriptForm(true));
    assert!(sends(&s.apply(Action::EmailTranscript { email: "not an email".into() })).is_empty());
    assert_eq!(s.transcript.error, Some(ErrorCode::InvalidInput));
    s.apply(Action::EmailTranscript { email: "a@b.example".into() });
    s.apply(frame(T0, refusal(ErrorCode::EmailNotConfigured, None)));
    assert_eq!((s.transcript.phase, s.transcript.error), (MailPhase::Open, Some(ErrorCode::EmailNotConfigured)));
    assert_eq!(s.notice, None);
    s.apply(Action::EmailTranscript { email: "a@b.example".into() });
    s.apply(frame(T0, refusal(ErrorCode::RateLimited, None)));
    assert_eq!(s.transcript.error, Some(ErrorCode::RateLimited));
    s.apply(Action::TranscriptForm(false));
    assert_eq!(s.transcript.phase, MailPhase::Closed);
}

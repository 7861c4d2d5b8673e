//! After a chat: the post-chat survey (`survey`/`rate` frames, PROTOCOL.md "The
//! survey") and the "email me this conversation" request (`email_transcript`,
//! answered by `transcript_queued`). Pure: times arrive as arguments.

use natter_protocol::{ConversationId, ErrorCode, UnixMillis};

/// Longest comment the relay takes, in characters.
pub const MAX_COMMENT_CHARS: usize = 1000;

/// The post-chat survey (`survey` frame): when to show it, until when it
/// takes a rating, the rating given, and where the visitor is with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Survey {
    pub conversation_id: ConversationId,
    /// The tenant's question for the visitor's language, if it set one.
    pub question: Option<String>,
    pub show_at: UnixMillis,
    pub expires_at: UnixMillis,
    pub score: Option<u8>,
    pub comment: Option<String>,
    pub can_rate: bool,
    /// `show_at` has passed (set when the frame arrives and by the clock tick,
    /// so the view never reads the clock).
    pub due: bool,
    /// `expires_at` has passed, or the relay said so.
    pub expired: bool,
    /// The visitor pressed "Change rating": the form shows again.
    pub changing: bool,
    /// The choice in the form (the rating given, when changing it).
    pub chosen: Option<u8>,
    /// Submitted without a choice: the form says so.
    pub missing: bool,
    /// A rating is on its way; the relay answers with a fresh `survey`.
    pub sending: bool,
    /// The relay refused the last rating.
    pub error: Option<ErrorCode>,
}

/// What the survey area shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SurveyView<'a> {
    /// Nothing (no survey, not due yet, expired unanswered, or not this chat's).
    Hidden,
    /// The question, five choices (preselected when changing), a comment, Submit.
    Ask {
        question: Option<&'a str>,
        chosen: Option<u8>,
        comment: Option<&'a str>,
        sending: bool,
        missing: bool,
        error: Option<ErrorCode>,
    },
    /// Rated: thanks, with "Change rating" while a change is accepted.
    Thanks { score: u8, can_change: bool, error: Option<ErrorCode> },
    /// It cannot be answered any more, and the relay said why.
    Refused(ErrorCode),
}

impl Survey {
    /// A survey as the relay sent it at `now` (a fresh one after each rating).
    pub fn new(
        conversation_id: ConversationId,
        question: Option<String>,
        (delay_secs, expires_in_secs): (u32, u32),
        (score, comment): (Option<u8>, Option<String>),
        can_rate: bool,
        now: UnixMillis,
    ) -> Self {
        let after = |secs: u32| UnixMillis(now.0 + i64::from(secs) * 1000);
        let mut survey = Survey {
            conversation_id,
            question,
            show_at: after(delay_secs),
            expires_at: after(expires_in_secs),
            score,
            comment,
            can_rate,
            due: false,
            expired: false,
            changing: false,
            chosen: score,
            missing: false,
            sending: false,
            error: None,
        };
        survey.tick(now);
        survey
    }

    /// Follows the clock; `true` if what shows changed.
    pub fn tick(&mut self, now: UnixMillis) -> bool {
        let (due, expired) = (now >= self.show_at, now >= self.expires_at);
        let changed = (due, expired) != (self.due, self.expired);
        self.due = due;
        self.expired |= expired;
        changed
    }

    /// Whether the relay would still take a (new or changed) rating.
    pub fn open(&self) -> bool {
        self.can_rate && !self.expired
    }

    pub fn view(&self) -> SurveyView<'_> {
        if !self.due {
            return SurveyView::Hidden;
        }
        match (self.score, self.error) {
            (Some(score), error) if !self.changing || !self.open() => {
                SurveyView::Thanks { score, can_change: self.open(), error }
            }
            _ if self.open() => SurveyView::Ask {
                question: self.question.as_deref(),
                chosen: self.chosen,
                comment: self.comment.as_deref(),
                sending: self.sending,
                missing: self.missing,
                error: self.error,
            },
            (None, Some(code)) => SurveyView::Refused(code),
            _ => SurveyView::Hidden,
        }
    }

    /// The visitor picked a score in the form.
    pub fn choose(&mut self, score: u8) {
        if (1..=5).contains(&score) {
            self.chosen = Some(score);
            self.missing = false;
        }
    }

    /// The visitor submitted a rating; `None` if it cannot be sent (nothing
    /// to rate, a comment too long, no score chosen: then the form asks for
    /// one). A blank comment is none.
    pub fn submit(&mut self, score: u8, comment: Option<String>) -> Option<Option<String>> {
        let comment = comment.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty());
        let too_long = comment.as_ref().is_some_and(|c| c.chars().count() > MAX_COMMENT_CHARS);
        self.missing = !(1..=5).contains(&score);
        if !self.open() || self.sending || self.missing || too_long {
            return None;
        }
        self.sending = true;
        self.error = None;
        Some(comment)
    }

    /// "Change rating" (only while a change is accepted).
    pub fn change(&mut self) -> bool {
        self.changing = self.open() && self.score.is_some();
        self.chosen = self.score;
        self.error = None;
        self.changing
    }

    /// The relay refused the rating.
    pub fn refused(&mut self, code: ErrorCode) {
        self.sending = false;
        self.error = Some(code);
        match code {
            ErrorCode::RatingExpired => self.expired = true,
            ErrorCode::RatingLocked | ErrorCode::RatingUnavailable => self.can_rate = false,
            _ => {}
        }
    }

    /// The socket dropped with a rating on its way: the visitor may send it again.
    pub fn connection_lost(&mut self) {
        self.sending = false;
    }
}

/// Where "email me this conversation" is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MailPhase {
    /// Only the link shows.
    #[default]
    Closed,
    /// The email field shows.
    Open,
    Sending,
    /// `transcript_queued` came back.
    Sent,
}

/// The "email me this conversation" form.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TranscriptMail {
    pub phase: MailPhase,
    /// The address typed (prefilled with the visitor's known one), and sent.
    pub email: String,
    pub error: Option<ErrorCode>,
}

impl TranscriptMail {
    /// Opens the form, prefilled with `known` unless the visitor typed something.
    pub fn open(&mut self, known: Option<&str>) {
        if self.email.is_empty() {
            self.email = known.unwrap_or_default().to_owned();
        }
        self.phase = MailPhase::Open;
        self.error = None;
    }

    pub fn close(&mut self) {
        self.phase = MailPhase::Closed;
        self.error = None;
    }

    /// The visitor asked to send it to `email`; `true` if the frame should go.
    pub fn submit(&mut self, email: &str, online: bool) -> bool {
        self.email = email.trim().to_owned();
        if self.phase == MailPhase::Sending {
            return false;
        }
        self.error = match (super::prechat::email_ok(&self.email), online) {
            (false, _) => Some(ErrorCode::InvalidInput),
            (true, false) => Some(ErrorCode::Unknown),
            (true, true) => None,
        };
        self.phase = if self.error.is_none() { MailPhase::Sending } else { MailPhase::Open };
        self.error.is_none()
    }

    /// Whether a refusal without a message or conversation id answers this request.
    pub fn answers(&self, code: ErrorCode) -> bool {
        self.phase == MailPhase::Sending
            && matches!(
                code,
                ErrorCode::EmailNotConfigured
                    | ErrorCode::InvalidInput
                    | ErrorCode::RateLimited
                    | ErrorCode::NoConversation
            )
    }

    pub fn refused(&mut self, code: ErrorCode) {
        self.phase = MailPhase::Open;
        self.error = Some(code);
    }

    pub fn queued(&mut self) {
        if self.phase == MailPhase::Sending {
            self.phase = MailPhase::Sent;
        }
    }

    /// The socket dropped before the answer: the visitor may send again.
    pub fn connection_lost(&mut self) {
        if self.phase == MailPhase::Sending {
            self.phase = MailPhase::Open;
            self.error = Some(ErrorCode::Unknown);
        }
    }
}

//! The email settings section (owners and admins), as pure state: the SMTP
//! settings as stored and as typed, the write-only password (typed to replace,
//! ticked to remove, else kept), the relay's refusal next to its field, and
//! the "Send test email" outcome (accepted, not configured, SMTP failure).

use natter_protocol::{EmailSettings, EmailTest, EmailTestSent, ErrorCode};

use super::team::Refused;
use super::workspace::{Pending, SaveStatus};

/// Writes what the admin typed (or `"true"`/`"false"`) into the draft.
#[derive(Clone, Copy)]
pub struct EmailSetter(pub fn(&mut EmailSettings, &str));

impl PartialEq for EmailSetter {
    fn eq(&self, o: &Self) -> bool {
        std::ptr::fn_addr_eq(self.0, o.0)
    }
}
impl std::fmt::Debug for EmailSetter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EmailSetter")
    }
}

/// What the section asks the relay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmailCommand {
    Load,
    Save(Box<EmailSettings>),
    Test(EmailTest),
}

/// What changes the section.
#[derive(Debug, Clone, PartialEq)]
pub enum EmailAction {
    Reload,
    Loaded(Result<EmailSettings, String>),
    Edit(EmailSetter, String),
    /// The new password as typed (blank: keep the stored one).
    Password(String),
    /// Remove the stored password on save.
    RemovePassword(bool),
    Submit,
    Saved(Result<EmailSettings, Refused>),
    TestTo(String),
    SubmitTest,
    Tested(Result<EmailTestSent, Refused>),
}

/// How the last test email went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TestOutcome {
    /// The server accepted it: its Message-ID.
    Sent(String),
    /// Email is off or incomplete (`409 email_not_configured`).
    NotConfigured,
    /// The relay's summary of the SMTP failure (`502 smtp_failed`) or another refusal.
    Failed(String),
}

/// The section's state.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EmailState {
    pub status: SaveStatus,
    pub saved: EmailSettings,
    pub draft: EmailSettings,
    pub password: String,
    pub remove_password: bool,
    /// A refusal: the field the relay named (`""`: none) and its words.
    pub error: Option<(String, String)>,
    pub test_to: String,
    pub testing: bool,
    pub test: Option<TestOutcome>,
    pub pending: Pending<EmailCommand>,
}

impl EmailState {
    pub fn apply(&mut self, action: EmailAction) {
        match action {
            EmailAction::Reload => {
                self.status = SaveStatus::Loading;
                self.pending.run(EmailCommand::Load);
            }
            EmailAction::Loaded(Ok(settings)) => {
                self.load(settings);
                self.status = SaveStatus::Ready;
            }
            EmailAction::Loaded(Err(m)) => self.status = SaveStatus::LoadFailed(m),
            EmailAction::Edit(f, value) => {
                (f.0)(&mut self.draft, &value);
                self.edited();
            }
            EmailAction::Password(p) => {
                self.password = p;
                self.edited();
            }
            EmailAction::RemovePassword(r) => {
                self.remove_password = r;
                self.edited();
            }
            EmailAction::Submit => {
                if self.status != SaveStatus::Saving {
                    self.status = SaveStatus::Saving;
                    self.error = None;
                    self.pending.run(EmailCommand::Save(Box::new(self.to_save())));
                }
            }
            EmailAction::Saved(Ok(settings)) => {
                self.load(settings);
                self.status = SaveStatus::Saved;
            }
            EmailAction::Saved(Err(r)) => {
                self.status = SaveStatus::Ready;
                self.error = Some((r.field.unwrap_or_default(), r.message));
            }
            other => self.apply_test(other),
        }
    }

    fn apply_test(&mut self, action: EmailAction) {
        match action {
            EmailAction::TestTo(to) => self.test_to = to,
            EmailAction::SubmitTest => {
                if self.testing {
                    return;
                }
                self.test = None;
                let to = self.test_to.trim().to_owned();
                if looks_like_address(&to) {
                    self.error = self.error.take().filter(|(f, _)| f != "to");
                    self.testing = true;
                    self.pending.run(EmailCommand::Test(EmailTest { to }));
                } else {
                    self.error = Some(("to".into(), String::new()));
                }
            }
            EmailAction::Tested(result) => {
                self.testing = false;
                self.test = match result {
                    Ok(sent) => Some(TestOutcome::Sent(sent.message_id)),
                    Err(r) if r.field.as_deref() == Some("to") => {
                        self.error = Some(("to".into(), r.message));
                        None
                    }
                    Err(r) if r.code == Some(ErrorCode::EmailNotConfigured) => Some(TestOutcome::NotConfigured),
                    Err(r) => Some(TestOutcome::Failed(r.message)),
                };
            }
            _ => {}
        }
    }

    fn load(&mut self, settings: EmailSettings) {
        self.saved = settings.clone();
        self.draft = settings;
        self.password.clear();
        self.remove_password = false;
        self.error = None;
    }

    fn edited(&mut self) {
        if self.status == SaveStatus::Saved {
            self.status = SaveStatus::Ready;
        }
    }

    /// The document to `PUT`: the password only when typed (or `""` to remove it).
    pub fn to_save(&self) -> EmailSettings {
        let password = if self.remove_password {
            Some(String::new())
        } else {
            (!self.password.is_empty()).then(|| self.password.clone())
        };
        EmailSettings { password, ..self.draft.clone() }
    }

    /// The refusal's words for a field, if it names that one.
    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.error.as_ref().filter(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }

    /// Whether anything differs from what the relay holds.
    pub fn dirty(&self) -> bool {
        self.draft != self.saved || !self.password.is_empty() || self.remove_password
    }
}

/// An address with a name part `x@y.z` (the relay checks it fully).
fn looks_like_address(a: &str) -> bool {
    let Some((user, host)) = a.split_once('@') else { return false };
    !user.is_empty() && host.contains('.') && !host.ends_with('.') && !a.contains(char::is_whitespace)
}

/// `""` → `None`, else the trimmed text.
pub fn optional(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

#[cfg(test)]
mod tests {
    use natter_protocol::SmtpSecurity;

    use super::*;

    #[test]
    fn the_password_is_sent_only_when_typed_or_removed() {
        let mut s = EmailState::default();
        s.apply(EmailAction::Loaded(Ok(EmailSettings { password_set: true, ..EmailSettings::default() })));
        s.apply(EmailAction::Edit(EmailSetter(|d, v| d.host = v.to_owned()), "smtp.x.example".into()));
        s.apply(EmailAction::Edit(
            EmailSetter(|d, v| d.security = if v == "none" { SmtpSecurity::None } else { d.security }),
            "none".into(),
        ));
        assert!(s.dirty());
        assert_eq!(s.to_save().password, None, "kept");
        s.apply(EmailAction::Password("s3cret".into()));
        assert_eq!(s.to_save().password.as_deref(), Some("s3cret"));
        s.apply(EmailAction::RemovePassword(true));
        assert_eq!(s.to_save().password.as_deref(), Some(""));
        s.apply(EmailAction::Submit);
        let Some(EmailCommand::Save(sent)) = s.pending.command.clone() else { panic!("no save") };
        assert_eq!((sent.host.as_str(), sent.security), ("smtp.x.example", SmtpSecurity::None));
        s.apply(EmailAction::Saved(Err(Refused::new(ErrorCode::InvalidInput, Some("from"), "from: not an address"))));
        assert_eq!(s.error_for("from"), Some("from: not an address"));
        assert_eq!(s.error_for("host"), None);
        s.apply(EmailAction::Submit);
        s.apply(EmailAction::Saved(Ok(EmailSettings { password_set: false, ..*sent })));
        assert_eq!((s.status.clone(), s.password.as_str(), s.remove_password), (SaveStatus::Saved, "", false));
        assert!(!s.dirty());
    }

    #[test]
    fn test_email_outcomes_are_told_apart() {
        let mut s = EmailState::default();
        s.apply(EmailAction::TestTo("nobody".into()));
        s.apply(EmailAction::SubmitTest);
        assert_eq!((s.error_for("to"), s.pending.seq), (Some(""), 0));
        s.apply(EmailAction::TestTo(" me@shop.example ".into()));
        s.apply(EmailAction::SubmitTest);
        assert_eq!(s.pending.command, Some(EmailCommand::Test(EmailTest { to: "me@shop.example".into() })));
        assert_eq!(s.error_for("to"), None);
        s.apply(EmailAction::Tested(Err(Refused::new(ErrorCode::EmailNotConfigured, None, "off"))));
        assert_eq!(s.test, Some(TestOutcome::NotConfigured));
        s.apply(EmailAction::SubmitTest);
        s.apply(EmailAction::Tested(Err(Refused::new(ErrorCode::SmtpFailed, None, "connection refused"))));
        assert_eq!(s.test, Some(TestOutcome::Failed("connection refused".into())));
        s.apply(EmailAction::SubmitTest);
        s.apply(EmailAction::Tested(Ok(EmailTestSent { message_id: "<m@x>".into() })));
        assert_eq!((s.test, s.testing), (Some(TestOutcome::Sent("<m@x>".into())), false));
    }
}

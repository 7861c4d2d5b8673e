//! The "join the team" screen, as pure state: the console opened at
//! `/console/#invite=<token>` lets the invitee choose a password (typed twice),
//! sends it with the token, and words the relay's typed refusals.

use natter_protocol::{AcceptInvitation, ErrorCode, TenantId};

use super::team::{Refused, check_password};

/// The invitation token in a location fragment (`#invite=<token>`), if any.
pub fn invite_token(fragment: &str) -> Option<String> {
    let token = fragment.strip_prefix('#').unwrap_or(fragment).strip_prefix("invite=")?;
    (!token.is_empty()).then(|| token.to_owned())
}

/// The workspace an invitation token belongs to (`nti.<tenant>.<secret>`):
/// the sign-in that follows an acceptance needs it.
pub fn tenant_of(token: &str) -> Option<TenantId> {
    let mut parts = token.split('.');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some("nti"), Some(tenant), Some(_), None) => TenantId::parse(tenant).ok(),
        _ => None,
    }
}

/// What went wrong, in terms the screen words per language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JoinProblem {
    PasswordShort,
    /// The confirmation differs from the password.
    Mismatch,
    /// The link was already used: sign in instead.
    Used,
    /// The link is past its expiry: ask for a new one.
    Expired,
    /// Forged, altered or unknown.
    Invalid,
    /// Anything else, in the relay's words.
    Other(String),
}

impl JoinProblem {
    /// Whether the link itself is done for (retrying cannot help).
    pub fn ends_the_link(&self) -> bool {
        matches!(self, Self::Used | Self::Expired | Self::Invalid)
    }

    /// The field the problem shows next to, if it is about one.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Self::PasswordShort => Some("password"),
            Self::Mismatch => Some("confirm"),
            _ => None,
        }
    }
}

/// The join screen's state.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JoinState {
    pub token: String,
    pub password: String,
    pub confirm: String,
    pub problem: Option<JoinProblem>,
    /// The acceptance is out (the button waits).
    pub busy: bool,
}

impl JoinState {
    pub fn new(token: String) -> Self {
        Self { token, ..Self::default() }
    }

    /// Checks the form; the request to send, or `None` with the problem kept.
    pub fn submit(&mut self) -> Option<AcceptInvitation> {
        if self.busy {
            return None;
        }
        self.problem = match check_password(&self.password) {
            Err(_) => Some(JoinProblem::PasswordShort),
            Ok(()) if self.confirm != self.password => Some(JoinProblem::Mismatch),
            Ok(()) => None,
        };
        if self.problem.is_some() {
            return None;
        }
        self.busy = true;
        Some(AcceptInvitation { token: self.token.clone(), password: self.password.clone() })
    }

    /// The relay refused the acceptance.
    pub fn refused(&mut self, r: &Refused) {
        self.busy = false;
        self.problem = Some(match r.code {
            Some(ErrorCode::InvitationUsed) => JoinProblem::Used,
            Some(ErrorCode::InvitationExpired) => JoinProblem::Expired,
            Some(ErrorCode::InvitationInvalid) => JoinProblem::Invalid,
            Some(ErrorCode::InvalidInput) if r.field.as_deref() == Some("password") => JoinProblem::PasswordShort,
            _ => JoinProblem::Other(r.message.clone()),
        });
        if self.problem.as_ref().is_some_and(JoinProblem::ends_the_link) {
            self.password.clear();
            self.confirm.clear();
        }
    }
}

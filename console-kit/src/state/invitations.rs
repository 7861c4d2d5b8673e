//! The team screen's pending invitations (owners and admins), as pure state:
//! the list the relay gives (never the links), reloaded after a new invitation,
//! and "Withdraw", after which that email's links are refused.

use natter_protocol::{ErrorCode, PendingInvitation};

use super::team::Refused;
use super::workspace::Pending;

/// What the list asks the relay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvitationsCommand {
    Load,
    Withdraw(String),
}

/// What changes the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvitationsAction {
    Reload,
    Loaded(Result<Vec<PendingInvitation>, String>),
    Withdraw(String),
    Withdrawn(String, Result<(), Refused>),
}

/// The pending invitations and the last withdrawal.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InvitationsState {
    /// `None` while loading; `Err` when loading failed.
    pub list: Option<Result<Vec<PendingInvitation>, String>>,
    pub busy: bool,
    /// The email whose invitation was just withdrawn (announced).
    pub withdrawn: Option<String>,
    /// The relay's words for a failed withdrawal.
    pub error: Option<String>,
    pub pending: Pending<InvitationsCommand>,
}

impl InvitationsState {
    pub fn apply(&mut self, action: InvitationsAction) {
        match action {
            InvitationsAction::Reload => {
                self.busy = true;
                self.pending.run(InvitationsCommand::Load);
            }
            InvitationsAction::Loaded(list) => {
                self.busy = false;
                self.list = Some(list);
            }
            InvitationsAction::Withdraw(email) => {
                if !self.busy {
                    self.busy = true;
                    self.error = None;
                    self.withdrawn = None;
                    self.pending.run(InvitationsCommand::Withdraw(email));
                }
            }
            // Already gone (used, expired, withdrawn elsewhere): gone from the list too.
            InvitationsAction::Withdrawn(email, result) => {
                self.busy = false;
                match result {
                    Err(r) if r.code != Some(ErrorCode::NotFound) => self.error = Some(r.message),
                    _ => {
                        if let Some(Ok(list)) = &mut self.list {
                            list.retain(|i| i.email != email);
                        }
                        self.withdrawn = Some(email);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use natter_protocol::{AgentId, Role, UnixMillis};

    use super::*;

    fn pending(email: &str) -> PendingInvitation {
        PendingInvitation {
            email: email.into(),
            name: "X".into(),
            role: Role::Agent,
            invited_by: AgentId(1),
            created_at: UnixMillis(1),
            expires_at: UnixMillis(2),
        }
    }

    #[test]
    fn withdrawing_removes_the_invitation_once_the_relay_agrees() {
        let mut s = InvitationsState::default();
        s.apply(InvitationsAction::Reload);
        assert_eq!(s.pending.command, Some(InvitationsCommand::Load));
        s.apply(InvitationsAction::Loaded(Ok(vec![pending("a@x.example"), pending("b@x.example")])));
        s.apply(InvitationsAction::Withdraw("a@x.example".into()));
        s.apply(InvitationsAction::Withdraw("b@x.example".into()));
        assert_eq!(s.pending.command, Some(InvitationsCommand::Withdraw("a@x.example".into())), "one at a time");
        s.apply(InvitationsAction::Withdrawn(
            "a@x.example".into(),
            Err(Refused::new(ErrorCode::Forbidden, None, "owners and admins only")),
        ));
        assert_eq!(s.error.as_deref(), Some("owners and admins only"));
        assert_eq!(s.list.as_ref().and_then(|l| l.as_ref().ok()).map(Vec::len), Some(2));
        s.apply(InvitationsAction::Withdraw("a@x.example".into()));
        s.apply(InvitationsAction::Withdrawn("a@x.example".into(), Ok(())));
        assert_eq!(s.list, Some(Ok(vec![pending("b@x.example")])));
        assert_eq!((s.withdrawn.as_deref(), s.error.as_deref()), (Some("a@x.example"), None));
        s.apply(InvitationsAction::Withdraw("b@x.example".into()));
        s.apply(InvitationsAction::Withdrawn(
            "b@x.example".into(),
            Err(Refused::new(ErrorCode::NotFound, None, "none")),
        ));
        assert_eq!(s.list, Some(Ok(vec![])));
    }
}

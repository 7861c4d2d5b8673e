//! The workspace screens' pure state (owners and admins): the shop's name with
//! its own Save, and the identity secret with its rotation behind a
//! confirmation and a grace period. Each screen runs the command the reducer
//! leaves (counted by `seq`, so an effect fires once per command) and reports
//! back with an action.

use natter_protocol::{IdentitySecret, MAX_IDENTITY_GRACE_HOURS, MAX_SHOP_NAME_CHARS, Workspace};

use super::team::Refused;

/// The grace periods offered when rotating the secret, in hours.
pub const GRACE_CHOICES: [u32; 5] = [0, 1, 24, 72, 168];

/// A request for the screen to make, and a counter that changes with each one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending<C> {
    pub command: Option<C>,
    pub seq: u64,
}

impl<C> Default for Pending<C> {
    fn default() -> Self {
        Self { command: None, seq: 0 }
    }
}

impl<C> Pending<C> {
    pub(crate) fn run(&mut self, command: C) {
        self.command = Some(command);
        self.seq += 1;
    }
}

/// What the name screen asks the relay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameCommand {
    Load,
    Save(Workspace),
}

/// What changes the name screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameAction {
    Reload,
    Loaded(Result<Workspace, String>),
    Edit(String),
    Submit,
    Saved(Result<Workspace, Refused>),
}

/// Where a screen with its own Save is with the relay.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SaveStatus {
    #[default]
    Loading,
    LoadFailed(String),
    Ready,
    Saving,
    Saved,
}

/// Why the name cannot be saved: the rule, or the relay's own words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameProblem {
    Invalid,
    Other(String),
}

/// The shop's name, as the relay holds it and as typed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NameState {
    pub status: SaveStatus,
    pub saved: String,
    pub draft: String,
    pub problem: Option<NameProblem>,
    pub pending: Pending<NameCommand>,
}

impl NameState {
    pub fn apply(&mut self, action: NameAction) {
        match action {
            NameAction::Reload => {
                self.status = SaveStatus::Loading;
                self.pending.run(NameCommand::Load);
            }
            NameAction::Loaded(Ok(w)) => {
                self.saved = w.name.clone();
                self.draft = w.name;
                self.status = SaveStatus::Ready;
            }
            NameAction::Loaded(Err(m)) => self.status = SaveStatus::LoadFailed(m),
            NameAction::Edit(text) => {
                self.draft = text;
                if self.status == SaveStatus::Saved {
                    self.status = SaveStatus::Ready;
                }
            }
            NameAction::Submit => {
                if self.status == SaveStatus::Saving {
                    return;
                }
                match check_shop_name(&self.draft) {
                    Some(name) => {
                        self.problem = None;
                        self.status = SaveStatus::Saving;
                        self.pending.run(NameCommand::Save(Workspace { name }));
                    }
                    None => self.problem = Some(NameProblem::Invalid),
                }
            }
            NameAction::Saved(Ok(w)) => {
                self.saved = w.name.clone();
                self.draft = w.name;
                self.status = SaveStatus::Saved;
            }
            NameAction::Saved(Err(r)) => {
                self.status = SaveStatus::Ready;
                self.problem = Some(if r.field.as_deref() == Some("name") {
                    NameProblem::Invalid
                } else {
                    NameProblem::Other(r.message)
                });
            }
        }
    }

    /// Whether the typed name differs from the relay's.
    pub fn dirty(&self) -> bool {
        self.draft.trim() != self.saved
    }
}

/// The trimmed name when the relay will take it: 1 to 80 characters, no control characters.
pub fn check_shop_name(text: &str) -> Option<String> {
    let name = text.trim();
    let n = name.chars().count();
    ((1..=MAX_SHOP_NAME_CHARS).contains(&n) && !name.chars().any(char::is_control)).then(|| name.to_owned())
}

/// What the identity section asks the relay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentityCommand {
    Load,
    Rotate(u32),
}

/// What changes the identity section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentityAction {
    Reload,
    Loaded(Result<IdentitySecret, String>),
    /// "Rotate secret" pressed: ask first.
    Ask,
    Cancel,
    /// The grace period chosen, in hours.
    Grace(u32),
    Confirm,
    Rotated(Result<IdentitySecret, Refused>),
}

/// The identity secret as the relay last said, and a rotation in progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityState {
    /// `None` until loaded (the settings page's copy shows meanwhile).
    pub current: Option<IdentitySecret>,
    pub asking: bool,
    pub grace_hours: u32,
    pub busy: bool,
    /// The last rotation went through (announced once).
    pub rotated: bool,
    /// The relay's words for a failed load or rotation.
    pub error: Option<String>,
    pub pending: Pending<IdentityCommand>,
}

impl Default for IdentityState {
    fn default() -> Self {
        Self {
            current: None,
            asking: false,
            grace_hours: 24,
            busy: false,
            rotated: false,
            error: None,
            pending: Pending::default(),
        }
    }
}

impl IdentityState {
    pub fn apply(&mut self, action: IdentityAction) {
        match action {
            IdentityAction::Reload => self.pending.run(IdentityCommand::Load),
            IdentityAction::Loaded(Ok(secret)) => self.current = Some(secret),
            IdentityAction::Loaded(Err(m)) => self.error = Some(m),
            IdentityAction::Ask => {
                self.asking = true;
                self.rotated = false;
                self.error = None;
            }
            IdentityAction::Cancel => self.asking = false,
            IdentityAction::Grace(h) => self.grace_hours = h.min(MAX_IDENTITY_GRACE_HOURS),
            IdentityAction::Confirm => {
                if !self.busy {
                    self.busy = true;
                    self.pending.run(IdentityCommand::Rotate(self.grace_hours));
                }
            }
            IdentityAction::Rotated(Ok(secret)) => {
                self.busy = false;
                self.asking = false;
                self.rotated = true;
                self.current = Some(secret);
            }
            IdentityAction::Rotated(Err(r)) => {
                self.busy = false;
                self.error = Some(r.message);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use natter_protocol::{ErrorCode, UnixMillis};

    use super::*;

    #[test]
    fn a_name_is_checked_before_saving_and_a_refusal_names_the_field() {
        let mut s = NameState::default();
        s.apply(NameAction::Reload);
        assert_eq!(s.pending.command, Some(NameCommand::Load));
        s.apply(NameAction::Loaded(Ok(Workspace { name: "Acme".into() })));
        assert!(!s.dirty());
        s.apply(NameAction::Edit("   ".into()));
        s.apply(NameAction::Submit);
        assert_eq!(s.problem, Some(NameProblem::Invalid));
        assert_eq!(s.pending.seq, 1, "nothing sent");
        s.apply(NameAction::Edit("  Acme Tea ".into()));
        s.apply(NameAction::Submit);
        assert_eq!(s.pending.command, Some(NameCommand::Save(Workspace { name: "Acme Tea".into() })));
        assert_eq!((s.status.clone(), s.problem.clone()), (SaveStatus::Saving, None));
        s.apply(NameAction::Saved(Err(Refused::new(ErrorCode::InvalidInput, Some("name"), "bad"))));
        assert_eq!(s.problem, Some(NameProblem::Invalid));
        s.apply(NameAction::Submit);
        s.apply(NameAction::Saved(Ok(Workspace { name: "Acme Tea".into() })));
        assert_eq!((s.status, s.saved.as_str()), (SaveStatus::Saved, "Acme Tea"));
    }

    #[test]
    fn shop_names_follow_the_relays_rule() {
        assert_eq!(check_shop_name(" Tea "), Some("Tea".into()));
        assert_eq!(check_shop_name(&"x".repeat(81)), None);
        assert_eq!(check_shop_name("a\u{7}b"), None);
        assert_eq!(check_shop_name(&"ช".repeat(80)), Some("ช".repeat(80)));
    }

    #[test]
    fn rotating_asks_first_and_keeps_the_grace_chosen() {
        let mut s = IdentityState::default();
        s.apply(IdentityAction::Ask);
        s.apply(IdentityAction::Grace(72));
        s.apply(IdentityAction::Confirm);
        s.apply(IdentityAction::Confirm);
        assert_eq!((s.pending.command, s.pending.seq), (Some(IdentityCommand::Rotate(72)), 1));
        let new = IdentitySecret { secret: "ab".into(), previous_expires_at: Some(UnixMillis(5)) };
        s.apply(IdentityAction::Rotated(Ok(new.clone())));
        assert_eq!((s.current.clone(), s.asking, s.rotated, s.busy), (Some(new), false, true, false));
        s.apply(IdentityAction::Grace(10_000));
        assert_eq!(s.grace_hours, MAX_IDENTITY_GRACE_HOURS);
    }
}

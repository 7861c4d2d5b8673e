//! The settings page's team screen (owners and admins) and tag list, as pure
//! state: the accounts as the relay lists them, the "add an agent" form and its
//! checks, password resets, (de)activation behind a confirmation, and each
//! refusal kept next to what it is about. The screen runs the [`Command`] the
//! reducer leaves and reports back with a [`TeamAction`].

use std::collections::BTreeMap;

use natter_protocol::{AgentAdminView, AgentId, ErrorCode, Invitation, Invite, NewAgent, Role};

/// Shortest password the relay accepts.
pub const MIN_PASSWORD: usize = 10;
/// Longest agent name the relay accepts (characters).
pub const MAX_NAME: usize = 80;
/// Longest tag name the relay accepts (characters).
pub const MAX_TAG_NAME: usize = 40;

/// A refusal of the relay: its code, the field it names, its words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub code: Option<ErrorCode>,
    pub field: Option<String>,
    pub message: String,
}

impl Refused {
    pub fn new(code: ErrorCode, field: Option<&str>, message: &str) -> Self {
        Self { code: Some(code), field: field.map(str::to_owned), message: message.to_owned() }
    }
}

/// What is wrong with a field, in terms the screen words per language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    EmailInvalid,
    EmailInUse,
    NameInvalid,
    PasswordShort,
    /// Only an owner may change an owner (or make one).
    OwnersOnly,
    /// The tenant would lose its last active owner.
    LastOwner,
    /// Deactivating one's own account.
    NotYourself,
    TagNameInvalid,
    TagNameInUse,
    ColorInvalid,
    /// Anything else, in the relay's words.
    Other(String),
}

/// Where an error shows: a field of the add form, or an agent's row.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Spot {
    Add(&'static str),
    Invite(&'static str),
    Role(AgentId),
    Password(AgentId),
    Active(AgentId),
}

/// The add form, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddForm {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password: String,
}

impl Default for AddForm {
    fn default() -> Self {
        Self { email: String::new(), name: String::new(), role: Role::Agent, password: String::new() }
    }
}

/// The invite form, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteForm {
    pub email: String,
    pub name: String,
    pub role: Role,
}

impl Default for InviteForm {
    fn default() -> Self {
        Self { email: String::new(), name: String::new(), role: Role::Agent }
    }
}

/// A password the admin just set, shown once (with a copy button).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    pub name: String,
    pub password: String,
}

/// What the screen must do over HTTP.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Load,
    Create(NewAgent),
    Invite(Invite),
    SetRole(AgentId, Role),
    ResetPassword(AgentId, String),
    SetActive(AgentId, bool),
}

/// The team screen's state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TeamState {
    /// `None` while loading; `Err` when loading failed.
    pub agents: Option<Result<Vec<AgentAdminView>, String>>,
    pub add: AddForm,
    pub add_open: bool,
    /// The agent whose password is being reset, and the new one as typed.
    pub reset: Option<(AgentId, String)>,
    /// A (de)activation waiting for the admin's confirmation.
    pub confirm: Option<(AgentId, bool)>,
    pub shown: Option<Shown>,
    pub invite: InviteForm,
    pub invite_open: bool,
    /// The link of the invitation just made, shown once (only its hash is kept).
    pub invited: Option<Invitation>,
    pub errors: BTreeMap<Spot, Problem>,
    /// A request is out (buttons wait).
    pub busy: bool,
    /// The next thing to do, and a counter that changes with each one.
    pub command: Option<Command>,
    pub command_seq: u64,
}

/// Everything that changes the team screen.
#[derive(Debug, Clone, PartialEq)]
pub enum TeamAction {
    Reload,
    Loaded(Result<Vec<AgentAdminView>, String>),
    OpenAdd(bool),
    EditAdd(AddForm),
    SubmitAdd,
    Created(Result<AgentAdminView, Refused>),
    SetRole(AgentId, Role),
    StartReset(AgentId),
    EditReset(String),
    CancelReset,
    SubmitReset,
    ResetDone(AgentId, Result<(), Refused>),
    AskActive(AgentId, bool),
    CancelActive,
    ConfirmActive,
    /// An account the relay changed (role, activity), or the refusal.
    Changed(Spot, Result<AgentAdminView, Refused>),
    DismissShown,
    OpenInvite(bool),
    EditInvite(InviteForm),
    SubmitInvite,
    Invited(Result<Invitation, Refused>),
    DismissInvited,
}

impl TeamState {
    pub fn apply(&mut self, action: TeamAction) {
        match action {
            TeamAction::Reload => self.run(Command::Load),
            TeamAction::Loaded(list) => {
                self.busy = false;
                self.agents = Some(list);
            }
            TeamAction::OpenAdd(open) => {
                self.add_open = open;
                self.errors.retain(|k, _| !matches!(k, Spot::Add(_)));
            }
            TeamAction::EditAdd(form) => self.add = form,
            TeamAction::SubmitAdd => {
                self.errors.retain(|k, _| !matches!(k, Spot::Add(_)));
                match check_new_agent(&self.add) {
                    Ok(new) => self.run(Command::Create(new)),
                    Err((field, problem)) => {
                        self.errors.insert(Spot::Add(field), problem);
                    }
                }
            }
            TeamAction::Created(Ok(view)) => {
                self.busy = false;
                self.shown = Some(Shown { name: view.agent.name.clone(), password: self.add.password.clone() });
                self.add = AddForm::default();
                self.add_open = false;
                self.upsert(view);
            }
            TeamAction::Created(Err(r)) => {
                self.busy = false;
                let field = add_field(r.field.as_deref(), r.code);
                self.errors.insert(Spot::Add(field), problem_of(&r));
            }
            TeamAction::SetRole(id, role) => {
                self.errors.remove(&Spot::Role(id));
                self.run(Command::SetRole(id, role));
            }
            TeamAction::StartReset(id) => {
                self.errors.remove(&Spot::Password(id));
                self.reset = Some((id, String::new()));
            }
            TeamAction::EditReset(text) => {
                if let Some((_, p)) = &mut self.reset {
                    *p = text;
                }
            }
            TeamAction::CancelReset => self.reset = None,
            TeamAction::SubmitReset => {
                let Some((id, password)) = self.reset.clone() else { return };
                self.errors.remove(&Spot::Password(id));
                match check_password(&password) {
                    Ok(()) => self.run(Command::ResetPassword(id, password)),
                    Err(p) => {
                        self.errors.insert(Spot::Password(id), p);
                    }
                }
            }
            TeamAction::ResetDone(id, Ok(())) => {
                self.busy = false;
                if let Some((_, password)) = self.reset.take() {
                    self.shown = Some(Shown { name: self.name_of(id), password });
                }
            }
            TeamAction::ResetDone(id, Err(r)) => {
                self.busy = false;
                self.errors.insert(Spot::Password(id), problem_of(&r));
            }
            TeamAction::AskActive(id, active) => {
                self.errors.remove(&Spot::Active(id));
                self.confirm = Some((id, active));
            }
            TeamAction::CancelActive => self.confirm = None,
            TeamAction::ConfirmActive => {
                if let Some((id, active)) = self.confirm.take() {
                    self.run(Command::SetActive(id, active));
                }
            }
            TeamAction::Changed(_, Ok(view)) => {
                self.busy = false;
                self.upsert(view);
            }
            TeamAction::Changed(spot, Err(r)) => {
                self.busy = false;
                self.errors.insert(spot, problem_of(&r));
            }
            TeamAction::DismissShown => self.shown = None,
            other => self.apply_invite(other),
        }
    }

    /// The invite form's actions.
    fn apply_invite(&mut self, action: TeamAction) {
        match action {
            TeamAction::OpenInvite(open) => {
                self.invite_open = open;
                self.errors.retain(|k, _| !matches!(k, Spot::Invite(_)));
            }
            TeamAction::EditInvite(form) => self.invite = form,
            TeamAction::SubmitInvite => {
                self.errors.retain(|k, _| !matches!(k, Spot::Invite(_)));
                match check_invite(&self.invite) {
                    Ok(invite) => self.run(Command::Invite(invite)),
                    Err((field, problem)) => {
                        self.errors.insert(Spot::Invite(field), problem);
                    }
                }
            }
            TeamAction::Invited(Ok(invitation)) => {
                self.busy = false;
                self.invited = Some(invitation);
                self.invite = InviteForm::default();
                self.invite_open = false;
            }
            TeamAction::Invited(Err(r)) => {
                self.busy = false;
                let field = add_field(r.field.as_deref(), r.code);
                // An invitation has no password field: anything else is about the email.
                let field = if field == "password" { "email" } else { field };
                self.errors.insert(Spot::Invite(field), problem_of(&r));
            }
            TeamAction::DismissInvited => self.invited = None,
            _ => {}
        }
    }

    fn run(&mut self, command: Command) {
        self.busy = true;
        self.command = Some(command);
        self.command_seq += 1;
    }

    fn upsert(&mut self, view: AgentAdminView) {
        if let Some(Ok(list)) = &mut self.agents {
            match list.iter_mut().find(|a| a.agent.id == view.agent.id) {
                Some(a) => *a = view,
                None => list.push(view),
            }
        }
    }

    fn name_of(&self, id: AgentId) -> String {
        match &self.agents {
            Some(Ok(list)) => list.iter().find(|a| a.agent.id == id).map(|a| a.agent.name.clone()).unwrap_or_default(),
            _ => String::new(),
        }
    }

    /// The accounts sorted for display: active ones by name, deactivated last.
    pub fn sorted(&self) -> Vec<&AgentAdminView> {
        let mut list: Vec<&AgentAdminView> = match &self.agents {
            Some(Ok(list)) => list.iter().collect(),
            _ => Vec::new(),
        };
        list.sort_by_key(|a| (a.deactivated_at.is_some(), a.agent.name.to_lowercase(), a.agent.id));
        list
    }
}

/// Whether an agent with role `me` may change `target`'s account (role,
/// password, activity): admins and owners may, but only owners touch owners.
pub fn may_manage(me: Role, target: Role) -> bool {
    me.is_admin() && (target != Role::Owner || me == Role::Owner)
}

/// The roles `me` may give.
pub fn grantable(me: Role) -> &'static [Role] {
    match me {
        Role::Owner => &[Role::Owner, Role::Admin, Role::Agent],
        Role::Admin => &[Role::Admin, Role::Agent],
        _ => &[],
    }
}

/// Checks the add form as the relay will; the new account, or the first field
/// that is wrong.
pub fn check_new_agent(f: &AddForm) -> Result<NewAgent, (&'static str, Problem)> {
    let (email, name) = check_email_and_name(&f.email, &f.name)?;
    check_password(&f.password).map_err(|p| ("password", p))?;
    Ok(NewAgent { email, name, role: f.role, password: f.password.clone() })
}

/// Checks the invite form as the relay will; the invitation to ask for, or
/// the first field that is wrong.
pub fn check_invite(f: &InviteForm) -> Result<Invite, (&'static str, Problem)> {
    let (email, name) = check_email_and_name(&f.email, &f.name)?;
    Ok(Invite { email, name, role: f.role })
}

/// The trimmed email and name, or the first of them that is wrong.
fn check_email_and_name(email: &str, name: &str) -> Result<(String, String), (&'static str, Problem)> {
    let email = email.trim();
    if !looks_like_email(email) {
        return Err(("email", Problem::EmailInvalid));
    }
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
        return Err(("name", Problem::NameInvalid));
    }
    Ok((email.to_owned(), name.to_owned()))
}

/// At least [`MIN_PASSWORD`] characters, not all spaces.
pub fn check_password(p: &str) -> Result<(), Problem> {
    if p.chars().count() < MIN_PASSWORD || p.trim().is_empty() { Err(Problem::PasswordShort) } else { Ok(()) }
}

fn looks_like_email(e: &str) -> bool {
    let Some((user, host)) = e.split_once('@') else { return false };
    !user.is_empty() && host.contains('.') && !host.starts_with('.') && !host.ends_with('.') && !e.contains(' ')
}

/// A tag's name and colour as the relay will take them (trimmed name).
pub fn check_tag(name: &str, color: &str) -> Result<(String, String), (&'static str, Problem)> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_TAG_NAME || name.chars().any(char::is_control) {
        return Err(("name", Problem::TagNameInvalid));
    }
    let hex = color.strip_prefix('#').unwrap_or("");
    if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(("color", Problem::ColorInvalid));
    }
    Ok((name.to_owned(), color.to_lowercase()))
}

/// Which field of the add form a refusal is about.
fn add_field(field: Option<&str>, code: Option<ErrorCode>) -> &'static str {
    match (field, code) {
        (Some("name"), _) => "name",
        (Some("password"), _) => "password",
        (Some("role"), _) | (_, Some(ErrorCode::Forbidden)) => "role",
        _ => "email",
    }
}

/// A refusal in the screen's terms.
pub fn problem_of(r: &Refused) -> Problem {
    match (r.code, r.field.as_deref()) {
        (Some(ErrorCode::Forbidden), _) => Problem::OwnersOnly,
        (Some(ErrorCode::Conflict), Some("email")) => Problem::EmailInUse,
        (Some(ErrorCode::Conflict), Some("name")) => Problem::TagNameInUse,
        (Some(ErrorCode::Conflict), _) if r.message.contains("email") => Problem::EmailInUse,
        (Some(ErrorCode::Conflict), _) if r.message.contains("name") || r.message.contains("tag") => {
            Problem::TagNameInUse
        }
        (Some(ErrorCode::Conflict), _) => Problem::LastOwner,
        (Some(ErrorCode::InvalidInput), Some("email")) => Problem::EmailInvalid,
        (Some(ErrorCode::InvalidInput), Some("name")) => Problem::NameInvalid,
        (Some(ErrorCode::InvalidInput), Some("password")) => Problem::PasswordShort,
        (Some(ErrorCode::InvalidInput), Some("color")) => Problem::ColorInvalid,
        (Some(ErrorCode::InvalidInput), None) if r.message.contains("yourself") => Problem::NotYourself,
        _ => Problem::Other(r.message.clone()),
    }
}

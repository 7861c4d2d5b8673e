//! The `natter` command line: the settings of `settings.rs` (flags, `NATTER_…`
//! environment, an optional TOML file) and the tenant and agent management commands.

use std::io::Read as _;
use std::path::PathBuf;

use clap::{Args, CommandFactory as _, FromArgMatches as _, Parser, Subcommand};
use natter_protocol::{Role, TenantId};

use crate::auth::password;
use crate::config::Config;
use crate::registry::TenantRecord;
use crate::settings::{InForce, Settings, SettingsError};
use crate::tenant::{AdminOp, Removal, TenantHandle};
use crate::{RunError, Storage};

/// Natter: self-hosted live chat for online shops.
///
/// With no command, runs the relay (`natter serve`). On a first start with an
/// empty data directory it creates a `demo` tenant and prints the demo agent's
/// credentials once.
#[derive(Debug, Parser)]
#[command(name = "natter", version, propagate_version = true)]
pub struct Cli {
    /// TOML configuration file (flags and environment override it); natter.example.toml lists every key.
    #[arg(long, env = "NATTER_CONFIG", global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the relay (the default).
    Serve,
    /// Manage tenants (shops).
    #[command(subcommand)]
    Tenant(TenantCommand),
    /// Manage agent accounts of a tenant.
    #[command(subcommand)]
    Agent(AgentCommand),
    /// Copy the registry, every tenant's database and the secret key into a
    /// new directory, with a manifest. Works while the relay runs.
    Backup {
        /// The directory to create (it must not exist, or be empty).
        #[arg(long, value_name = "DIR")]
        to: PathBuf,
    },
    /// Restore a backup into an empty or new data directory. Refused while a
    /// relay uses the directory.
    Restore {
        /// A directory written by `natter backup`.
        #[arg(long, value_name = "DIR")]
        from: PathBuf,
        /// Restore into a non-empty data directory, moving its files into
        /// replaced-<time>/ inside it.
        #[arg(long)]
        force: bool,
    },
    /// Deliver one emailed reply (RFC 5322 on stdin) to the running relay: the
    /// pipe an MTA runs for `reply+*@<inbound domain>`. Exit 0 delivered, 75
    /// try again later, 65 refused (forged or expired token, unreadable).
    MailIn {
        /// The relay's loopback address, e.g. http://127.0.0.1:8080.
        #[arg(long, value_name = "URL")]
        relay: String,
        /// The inbound token file; default `<data-dir>/mail-inbound.token`.
        #[arg(long, value_name = "FILE")]
        token_file: Option<PathBuf>,
        /// The envelope recipient (the MTA's `${recipient}`), if the message's
        /// headers may not name the reply address.
        #[arg(long, value_name = "ADDRESS")]
        recipient: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum TenantCommand {
    /// Add a tenant and print its identity-verification secret.
    Add {
        /// Tenant id: lowercase letters, digits and '-'.
        id: TenantId,
        /// Display name shown to visitors.
        #[arg(long)]
        name: String,
        /// Origin allowed to embed the widget, e.g. https://shop.example or
        /// http://localhost:* (repeatable).
        #[arg(long = "origin", value_name = "ORIGIN")]
        origins: Vec<String>,
    },
    /// List tenants.
    List,
    /// Print a tenant's identity-verification secret (for `Natter.identify` hashes).
    Secret { id: TenantId },
    /// Show or change the origins allowed to embed a tenant's widget. Changes
    /// apply at once, also to a relay that is running. With no option, prints them.
    Origins {
        id: TenantId,
        /// Replace the whole list with these origins (none: clear it).
        #[arg(long, value_name = "ORIGIN", num_args = 0.., conflicts_with_all = ["add", "remove"])]
        set: Option<Vec<String>>,
        /// Add an origin, e.g. https://shop.example (repeatable).
        #[arg(long, value_name = "ORIGIN")]
        add: Vec<String>,
        /// Remove an origin (repeatable).
        #[arg(long, value_name = "ORIGIN")]
        remove: Vec<String>,
    },
    /// Remove a tenant (its database is kept, renamed *.removed-<time>).
    Remove { id: TenantId },
}

#[derive(Debug, Subcommand)]
pub enum AgentCommand {
    /// Add an agent; prints a generated password unless one is given.
    Add {
        #[arg(long)]
        tenant: TenantId,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// owner, admin or agent.
        #[arg(long, default_value = "agent", value_parser = parse_role)]
        role: Role,
        #[command(flatten)]
        password: PasswordArgs,
    },
    /// Add the agents listed in a CSV file (`email,name,role` per line, an
    /// optional header), all with the same password; stops at the first bad row.
    Import {
        #[arg(long)]
        tenant: TenantId,
        /// The CSV file.
        #[arg(long)]
        file: PathBuf,
        #[command(flatten)]
        password: PasswordArgs,
    },
    /// List a tenant's agents.
    List {
        #[arg(long)]
        tenant: TenantId,
    },
    /// Set an agent's password (ends their sessions).
    Passwd {
        #[arg(long)]
        tenant: TenantId,
        #[arg(long)]
        email: String,
        #[command(flatten)]
        password: PasswordArgs,
    },
    /// Remove an agent; their open conversations go back to the queue.
    Remove {
        #[arg(long)]
        tenant: TenantId,
        #[arg(long)]
        email: String,
    },
}

/// Where a new password comes from.
#[derive(Debug, Args)]
pub struct PasswordArgs {
    /// Read the password from standard input (first line).
    #[arg(long, conflicts_with = "password_env")]
    pub password_stdin: bool,
    /// Read the password from this environment variable.
    #[arg(long, value_name = "VAR")]
    pub password_env: Option<String>,
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| format!("unknown role {s:?}: use owner, admin or agent"))
}

/// Errors of the command line.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Run(#[from] RunError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Backup(#[from] crate::backup::BackupError),
    #[error("mail-in: {0}")]
    MailIn(#[from] crate::mail::mail_in::MailInFailure),
}

impl Cli {
    /// Parses the command line; the help shows every setting's default.
    pub fn parse_with_defaults() -> Self {
        let matches = Self::command_with_defaults().get_matches();
        Self::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
    }

    /// The command, with `[default: …]` added to the help of every setting
    /// from the defaults in force (so the help never restates them by hand).
    pub fn command_with_defaults() -> clap::Command {
        Settings::defaults_shown().into_iter().fold(Self::command(), |command, (field, default)| {
            command.mut_arg(field, |arg| with_default(arg, &default))
        })
    }

    /// Flags and environment (already merged by clap) over the file over the defaults.
    pub fn in_force(&self) -> Result<InForce, CliError> {
        let file = match &self.config {
            Some(path) => Settings::from_file(path)?,
            None => Settings::default(),
        };
        Ok(self.settings.clone().over(file)?.resolve()?)
    }
}

fn with_default(arg: clap::Arg, default: &str) -> clap::Arg {
    let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
    let long_help = arg.get_long_help().map(ToString::to_string);
    let arg = arg.help(format!("{help} [default: {default}]"));
    match long_help {
        Some(long) => arg.long_help(format!("{long}\n\n[default: {default}]")),
        None => arg,
    }
}

/// Runs a tenant or agent command, writing its report to `out`.
pub async fn manage(config: &Config, command: Command, out: &mut impl std::io::Write) -> Result<(), CliError> {
    // Neither opens the relay's storage: a backup takes no lock, a restore its own.
    match command {
        Command::Backup { to } => return backup_command(config.data_dir.clone(), to, out).await,
        Command::Restore { from, force } => return restore_command(from, config.data_dir.clone(), force, out).await,
        Command::MailIn { relay, token_file, recipient } => {
            let token_file = token_file.unwrap_or_else(|| config.data_dir.join(crate::mail::INBOUND_TOKEN_FILE));
            let answer = crate::mail::mail_in::run(&relay, &token_file, recipient.as_deref()).await?;
            writeln!(out, "{answer}")?;
            return Ok(());
        }
        _ => {}
    }
    let storage = Storage::open(config).await?;
    let result = match command {
        Command::Serve | Command::Backup { .. } | Command::Restore { .. } | Command::MailIn { .. } => Ok(()),
        Command::Tenant(cmd) => tenant_command(&storage, cmd, out).await,
        Command::Agent(cmd) => agent_command(&storage, config.password_iterations, cmd, out).await,
    };
    storage.tenants.shutdown().await;
    result
}

async fn backup_command(data_dir: PathBuf, to: PathBuf, out: &mut impl std::io::Write) -> Result<(), CliError> {
    let report = tokio::task::spawn_blocking(move || crate::backup::backup(&data_dir, &to))
        .await
        .map_err(|e| CliError::Invalid(e.to_string()))??;
    write!(out, "{report}")?;
    Ok(())
}

async fn restore_command(
    from: PathBuf,
    data_dir: PathBuf,
    force: bool,
    out: &mut impl std::io::Write,
) -> Result<(), CliError> {
    let report = tokio::task::spawn_blocking(move || crate::backup::restore(&from, &data_dir, force))
        .await
        .map_err(|e| CliError::Invalid(e.to_string()))??;
    write!(out, "{report}")?;
    Ok(())
}

async fn tenant_command(storage: &Storage, cmd: TenantCommand, out: &mut impl std::io::Write) -> Result<(), CliError> {
    match cmd {
        TenantCommand::Add { id, name, origins } => {
            let origins = normalized(&origins)?;
            let record = TenantRecord { id: id.clone(), display_name: name, allowed_origins: origins };
            if !storage.tenants.create(record).await? {
                return Err(CliError::Invalid(format!(
                    "tenant {id} already exists; to change its allowed origins use: natter tenant origins {id} --add ORIGIN"
                )));
            }
            let tenant = handle(storage, &id).await?;
            let secret = tenant.admin(|reply| AdminOp::IdentitySecret { reply }).await?.secret;
            writeln!(out, "added tenant {id}")?;
            writeln!(out, "identity secret (for Natter.identify hashes; keep it on your server): {secret}")?;
        }
        TenantCommand::Secret { id } => {
            let tenant = handle(storage, &id).await?;
            let secret = tenant.admin(|reply| AdminOp::IdentitySecret { reply }).await?.secret;
            writeln!(out, "{secret}")?;
        }
        TenantCommand::Origins { id, set, add, remove } => {
            let origins = change_origins(storage, &id, set, &add, &remove).await?;
            if origins.is_empty() {
                writeln!(out, "(none: only the relay's own pages may embed the widget of {id})")?;
            }
            for origin in origins {
                writeln!(out, "{origin}")?;
            }
        }
        TenantCommand::List => {
            for t in storage.tenants.registry().list().await? {
                writeln!(out, "{}\t{}\t{}", t.id, t.display_name, t.allowed_origins.join(","))?;
            }
        }
        TenantCommand::Remove { id } => {
            if !storage.tenants.remove(&id).await? {
                return Err(CliError::Invalid(format!("no tenant {id}")));
            }
            writeln!(out, "removed tenant {id}")?;
        }
    }
    Ok(())
}

async fn agent_command(
    storage: &Storage,
    iterations: u32,
    cmd: AgentCommand,
    out: &mut impl std::io::Write,
) -> Result<(), CliError> {
    match cmd {
        AgentCommand::Add { tenant, email, name, role, password } => {
            password::check_email(email.trim()).map_err(CliError::Invalid)?;
            if name.trim().is_empty() {
                return Err(CliError::Invalid("an agent needs a name".into()));
            }
            let t = handle(storage, &tenant).await?;
            let (password, generated) = read_password(&password)?;
            let password_hash = hash_off_runtime(password.clone(), iterations).await?;
            let added = t
                .admin(|reply| AdminOp::AddAgent { email: email.clone(), name, role, password_hash, by: None, reply })
                .await?;
            let agent =
                added.ok_or_else(|| CliError::Invalid(format!("an agent with email {email} already exists")))?;
            writeln!(out, "added agent {} <{}> ({}) to {tenant}", agent.id, agent.email, agent.role.as_str())?;
            if generated {
                writeln!(out, "password: {password}")?;
            }
        }
        AgentCommand::Import { tenant, file, password } => {
            let t = handle(storage, &tenant).await?;
            let (password, generated) = read_password(&password)?;
            let rows = agent_rows(&std::fs::read_to_string(&file)?)?;
            for (email, name, role) in rows {
                let password_hash = hash_off_runtime(password.clone(), iterations).await?;
                let added = t
                    .admin(|reply| AdminOp::AddAgent {
                        email: email.clone(),
                        name,
                        role,
                        password_hash,
                        by: None,
                        reply,
                    })
                    .await?;
                if added.is_none() {
                    return Err(CliError::Invalid(format!("an agent with email {email} already exists")));
                }
                writeln!(out, "added agent <{email}> ({}) to {tenant}", role.as_str())?;
            }
            if generated {
                writeln!(out, "password: {password}")?;
            }
        }
        AgentCommand::List { tenant } => {
            let t = handle(storage, &tenant).await?;
            for a in t.reader().agents().await? {
                writeln!(out, "{}\t{}\t{}\t{}", a.id, a.email, a.name, a.role.as_str())?;
            }
        }
        AgentCommand::Passwd { tenant, email, password } => {
            let t = handle(storage, &tenant).await?;
            let (password, generated) = read_password(&password)?;
            let password_hash = hash_off_runtime(password.clone(), iterations).await?;
            if !t.admin(|reply| AdminOp::SetPassword { email: email.clone(), password_hash, reply }).await? {
                return Err(CliError::Invalid(format!("no agent {email} in {tenant}")));
            }
            writeln!(out, "password changed for {email}; their sessions have ended")?;
            if generated {
                writeln!(out, "password: {password}")?;
            }
        }
        AgentCommand::Remove { tenant, email } => {
            let t = handle(storage, &tenant).await?;
            match t.admin(|reply| AdminOp::RemoveAgent { email: email.clone(), reply }).await? {
                Removal::Removed => writeln!(out, "removed agent {email}")?,
                Removal::NoSuchAgent => return Err(CliError::Invalid(format!("no agent {email} in {tenant}"))),
                Removal::LastOwner => return Err(CliError::Invalid(format!("{email} is the last owner of {tenant}"))),
            }
        }
    }
    Ok(())
}

/// Parses `email,name,role` lines (an optional `email,...` header, blank lines
/// skipped); the error names the line.
fn agent_rows(csv: &str) -> Result<Vec<(String, String, Role)>, CliError> {
    let mut rows = Vec::new();
    for (i, line) in csv.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || (i == 0 && line.starts_with("email,")) {
            continue;
        }
        let bad = |why: &str| CliError::Invalid(format!("line {}: {why}", i + 1));
        let mut cols = line.split(',').map(str::trim);
        let (Some(email), Some(name)) = (cols.next(), cols.next()) else {
            return Err(bad("expected email,name,role"));
        };
        let role = parse_role(cols.next().unwrap_or("agent")).map_err(|e| bad(&e))?;
        password::check_email(email).map_err(|e| bad(&e))?;
        if name.is_empty() {
            return Err(bad("expected a name"));
        }
        rows.push((email.to_owned(), name.to_owned(), role));
    }
    Ok(rows)
}

/// Normalises origins given on the command line; the error names the bad one.
fn normalized(origins: &[String]) -> Result<Vec<String>, CliError> {
    crate::origin::normalize_patterns(origins)
        .map_err(|(i, e)| CliError::Invalid(format!("origin {}: {e}", origins[i])))
}

/// Applies `--set` or `--add`/`--remove` to a tenant's origins; returns the list as stored.
async fn change_origins(
    storage: &Storage,
    id: &TenantId,
    set: Option<Vec<String>>,
    add: &[String],
    remove: &[String],
) -> Result<Vec<String>, CliError> {
    let registry = storage.tenants.registry();
    let record = registry.tenant(id).await?.ok_or_else(|| CliError::Invalid(format!("no tenant {id}")))?;
    if set.is_none() && add.is_empty() && remove.is_empty() {
        return Ok(record.allowed_origins);
    }
    let mut origins = match set {
        Some(list) => normalized(&list)?,
        None => record.allowed_origins,
    };
    for gone in normalized(remove)? {
        let before = origins.len();
        origins.retain(|o| *o != gone);
        if origins.len() == before {
            return Err(CliError::Invalid(format!("{gone} is not among the allowed origins of {id}")));
        }
    }
    for new in normalized(add)? {
        if !origins.contains(&new) {
            origins.push(new);
        }
    }
    if origins.len() > crate::origin::MAX_ORIGINS {
        return Err(CliError::Invalid(format!("at most {} origins per tenant", crate::origin::MAX_ORIGINS)));
    }
    registry.set_origins(id, origins.clone()).await?;
    Ok(origins)
}

async fn handle(storage: &Storage, id: &TenantId) -> Result<TenantHandle, CliError> {
    storage.tenants.get(id).await?.ok_or_else(|| CliError::Invalid(format!("no tenant {id}")))
}

/// The password to set, and whether it was generated here (and must be shown).
fn read_password(args: &PasswordArgs) -> Result<(String, bool), CliError> {
    let password = if args.password_stdin {
        let mut line = String::new();
        std::io::stdin().read_to_string(&mut line)?;
        line.lines().next().unwrap_or_default().to_owned()
    } else if let Some(var) = &args.password_env {
        std::env::var(var).map_err(|_| CliError::Invalid(format!("environment variable {var} is not set")))?
    } else {
        return Ok((crate::auth::random_b64(12), true));
    };
    password::check_policy(&password).map_err(CliError::Invalid)?;
    Ok((password, false))
}

async fn hash_off_runtime(password: String, iterations: u32) -> Result<String, CliError> {
    tokio::task::spawn_blocking(move || password::hash(&password, iterations))
        .await
        .map_err(|e| CliError::Invalid(format!("hashing failed: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agent_csv_rows_parse_and_name_the_bad_line() {
        let rows = agent_rows("email,name,role\nann@x.test, Ann ,owner\n\nbob@x.test,Bob\n").unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0], ("ann@x.test".into(), "Ann".into(), Role::Owner));
        assert_eq!(rows[1].2, Role::Agent);
        let err = agent_rows("ann@x.test,Ann,boss\n").unwrap_err().to_string();
        assert!(err.starts_with("line 1:"), "{err}");
        assert!(agent_rows("no-at-sign,Ann\n").is_err());
    }
}

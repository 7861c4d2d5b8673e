//! The `natter` command line: flags, environment (`NATTER_…`) and an optional TOML
//! file, merged in that order of precedence into a [`Config`], and the tenant and
//! agent management commands.

use std::io::Read as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use natter_protocol::{Role, TenantId};
use serde::Deserialize;

use crate::auth::password;
use crate::config::Config;
use crate::registry::TenantRecord;
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
    /// TOML configuration file (flags and environment override it).
    #[arg(long, env = "NATTER_CONFIG", global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Directory of the registry, the secret key and the tenant databases.
    /// [default: ./natter-data]
    #[arg(long, env = "NATTER_DATA_DIR", global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    #[command(flatten)]
    pub serve: ServeArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options of the relay itself.
#[derive(Debug, Args, Default)]
pub struct ServeArgs {
    /// Address to listen on. [default: 127.0.0.1:8080]
    #[arg(long, env = "NATTER_LISTEN", global = true, value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
    /// Origin the relay is reached at from browsers, e.g. https://chat.example.com
    /// (repeat, or comma-separate in the environment). The listening address is
    /// always included.
    #[arg(
        long = "public-origin",
        env = "NATTER_PUBLIC_ORIGINS",
        value_delimiter = ',',
        global = true,
        value_name = "ORIGIN"
    )]
    pub public_origins: Vec<String>,
    /// Most open WebSockets across all tenants. [default: 20000]
    #[arg(long, env = "NATTER_MAX_CONNECTIONS", global = true)]
    pub max_connections: Option<usize>,
    /// Largest WebSocket frame accepted, in bytes. [default: 16384]
    #[arg(long, env = "NATTER_MAX_FRAME_BYTES", global = true)]
    pub max_frame_bytes: Option<usize>,
    /// Longest chat message, in bytes of UTF-8. [default: 4000]
    #[arg(long, env = "NATTER_MAX_TEXT_BYTES", global = true)]
    pub max_text_bytes: Option<usize>,
    /// Sustained frames per second one socket may send. [default: 10]
    #[arg(long, env = "NATTER_FRAMES_PER_SEC", global = true)]
    pub frames_per_sec: Option<u32>,
    /// Frames one socket may send in a burst. [default: 40]
    #[arg(long, env = "NATTER_FRAME_BURST", global = true)]
    pub frame_burst: Option<u32>,
    /// KiB queued for a socket above which a reader making no progress is dropped. [default: 256]
    #[arg(long, env = "NATTER_OUTBOUND_SOFT_KIB", global = true)]
    pub outbound_soft_kib: Option<usize>,
    /// KiB queued for a socket above which it is dropped at once. [default: 4096]
    #[arg(long, env = "NATTER_OUTBOUND_HARD_KIB", global = true)]
    pub outbound_hard_kib: Option<usize>,
    /// Seconds a socket over the soft limit may go without writing. [default: 10]
    #[arg(long, env = "NATTER_OUTBOUND_STALL_SECS", global = true)]
    pub outbound_stall_secs: Option<u64>,
    /// Minutes of inactivity that end an agent session. [default: 30]
    #[arg(long, env = "NATTER_SESSION_IDLE_MINUTES", global = true)]
    pub session_idle_minutes: Option<u64>,
    /// PBKDF2 iterations for new password hashes. [default: 600000]
    #[arg(long, env = "NATTER_PASSWORD_ITERATIONS", global = true, hide = true)]
    pub password_iterations: Option<u32>,
    /// Do not create the demo tenant on a first start.
    #[arg(long, env = "NATTER_NO_DEMO", global = true)]
    pub no_demo: bool,
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

/// The optional TOML file. Unknown keys are an error, so typos do not pass silently.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub listen: Option<SocketAddr>,
    pub data_dir: Option<PathBuf>,
    pub public_origins: Option<Vec<String>>,
    pub max_connections: Option<usize>,
    pub max_frame_bytes: Option<usize>,
    pub max_text_bytes: Option<usize>,
    pub frames_per_sec: Option<u32>,
    pub frame_burst: Option<u32>,
    pub outbound_soft_kib: Option<usize>,
    pub outbound_hard_kib: Option<usize>,
    pub outbound_stall_secs: Option<u64>,
    pub session_idle_minutes: Option<u64>,
    pub password_iterations: Option<u32>,
    pub no_demo: Option<bool>,
}

/// Errors of the command line.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("config file {path}: {message}")]
    ConfigFile { path: PathBuf, message: String },
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Run(#[from] RunError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
}

/// The merged settings of a `serve`.
#[derive(Debug)]
pub struct Settings {
    pub listen: SocketAddr,
    pub config: Config,
    pub create_demo: bool,
}

impl Cli {
    /// Merges flags/environment (already merged by clap) over the file over defaults.
    pub fn settings(&self) -> Result<Settings, CliError> {
        let file = match &self.config {
            Some(path) => read_file_config(path)?,
            None => FileConfig::default(),
        };
        let s = &self.serve;
        let data_dir = self.data_dir.clone().or(file.data_dir).unwrap_or_else(|| PathBuf::from("natter-data"));
        let mut config = Config::new(data_dir);
        config.public_origins = if s.public_origins.is_empty() {
            file.public_origins.unwrap_or_default()
        } else {
            s.public_origins.clone()
        };
        config.public_origins = crate::origin::normalize_patterns(&config.public_origins)
            .map_err(|(i, e)| CliError::Invalid(format!("public origin {}: {e}", config.public_origins[i])))?;
        let l = &mut config.limits;
        l.max_connections = s.max_connections.or(file.max_connections).unwrap_or(l.max_connections);
        l.max_frame_bytes = s.max_frame_bytes.or(file.max_frame_bytes).unwrap_or(l.max_frame_bytes);
        l.max_text_bytes = s.max_text_bytes.or(file.max_text_bytes).unwrap_or(l.max_text_bytes);
        l.frames_per_sec = s.frames_per_sec.or(file.frames_per_sec).unwrap_or(l.frames_per_sec);
        l.frame_burst = s.frame_burst.or(file.frame_burst).unwrap_or(l.frame_burst);
        if let Some(kib) = s.outbound_soft_kib.or(file.outbound_soft_kib) {
            l.outbound_soft_bytes = kib.max(16) * 1024;
        }
        if let Some(kib) = s.outbound_hard_kib.or(file.outbound_hard_kib) {
            l.outbound_hard_bytes = kib.max(64) * 1024;
        }
        l.outbound_hard_bytes = l.outbound_hard_bytes.max(l.outbound_soft_bytes);
        if let Some(secs) = s.outbound_stall_secs.or(file.outbound_stall_secs) {
            l.outbound_stall = Duration::from_secs(secs.max(1));
        }
        if let Some(minutes) = s.session_idle_minutes.or(file.session_idle_minutes) {
            config.sessions.idle_timeout = Duration::from_secs(minutes.max(1) * 60);
        }
        config.password_iterations =
            s.password_iterations.or(file.password_iterations).unwrap_or(config.password_iterations);
        let listen = s.listen.or(file.listen).unwrap_or(SocketAddr::from(([127, 0, 0, 1], 8080)));
        Ok(Settings { listen, config, create_demo: !(s.no_demo || file.no_demo.unwrap_or(false)) })
    }
}

fn read_file_config(path: &Path) -> Result<FileConfig, CliError> {
    let err = |message: String| CliError::ConfigFile { path: path.to_owned(), message };
    let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
    toml::from_str(&text).map_err(|e| err(e.to_string()))
}

/// Runs a tenant or agent command, writing its report to `out`.
pub async fn manage(config: &Config, command: Command, out: &mut impl std::io::Write) -> Result<(), CliError> {
    let storage = Storage::open(config).await?;
    let result = match command {
        Command::Serve => Ok(()),
        Command::Tenant(cmd) => tenant_command(&storage, cmd, out).await,
        Command::Agent(cmd) => agent_command(&storage, config.password_iterations, cmd, out).await,
    };
    storage.tenants.shutdown().await;
    result
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
            let secret = tenant.admin(|reply| AdminOp::IdentitySecret { reply }).await?;
            writeln!(out, "added tenant {id}")?;
            writeln!(out, "identity secret (for Natter.identify hashes; keep it on your server): {secret}")?;
        }
        TenantCommand::Secret { id } => {
            let tenant = handle(storage, &id).await?;
            let secret = tenant.admin(|reply| AdminOp::IdentitySecret { reply }).await?;
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
            let t = handle(storage, &tenant).await?;
            let (password, generated) = read_password(&password)?;
            let password_hash = hash_off_runtime(password.clone(), iterations).await?;
            let added =
                t.admin(|reply| AdminOp::AddAgent { email: email.clone(), name, role, password_hash, reply }).await?;
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
                    .admin(|reply| AdminOp::AddAgent { email: email.clone(), name, role, password_hash, reply })
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
        if !email.contains('@') || name.is_empty() {
            return Err(bad("expected an email and a name"));
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

//! Email: outbound through each tenant's SMTP server (lettre), inbound replies
//! threaded back into conversations. The actor side (settings, outbox rows,
//! what is due) is `tenant/mail.rs`; here is what runs outside the actors:
//! the sealing key of SMTP passwords (`key.rs`), the signed reply addresses
//! (`reply_token.rs`), building messages (`compose.rs`), sending (`smtp.rs`,
//! `sender.rs`), settings rules (`rules.rs`) and reading replies (`inbound.rs`).

pub mod compose;
pub mod inbound;
pub mod key;
pub mod mail_in;
pub mod reply_token;
pub mod rules;
pub mod sender;
pub mod smtp;

use std::path::Path;
use std::sync::Arc;

pub use key::MailKey;
pub use reply_token::ReplyTokens;

/// Name of the file holding the inbound-mail token in the data directory.
pub const INBOUND_TOKEN_FILE: &str = "mail-inbound.token";

/// What the relay's email needs, opened from the data directory. Cheap to clone.
#[derive(Debug, Clone)]
pub struct MailService {
    pub key: MailKey,
    pub tokens: ReplyTokens,
    /// Rating links for CSAT reminders.
    pub rating_links: crate::auth::rating_link::RatingLinks,
    /// The relay's public origin, which links in emails start with (`None`:
    /// no `public_origins` configured, so no CSAT reminders and no one-click
    /// unsubscribe: a link in an email must be absolute).
    pub public_origin: Option<Arc<str>>,
    inbound_token: Arc<str>,
}

impl MailService {
    /// Opens `mail.key` and `mail-inbound.token` (creating them, 0600).
    /// `public_origin`: the relay's, for links in emails.
    pub fn open(
        data_dir: &Path,
        installation_secret: &[u8],
        rating_links: crate::auth::rating_link::RatingLinks,
        public_origin: Option<Arc<str>>,
    ) -> std::io::Result<Self> {
        Ok(Self {
            key: MailKey::load_or_create(data_dir)?,
            tokens: ReplyTokens::new(installation_secret),
            rating_links,
            public_origin,
            inbound_token: load_or_create_inbound_token(data_dir)?.into(),
        })
    }

    /// Whether `presented` is the inbound token (constant time).
    pub fn inbound_token_matches(&self, presented: &str) -> bool {
        let (a, b) = (self.inbound_token.as_bytes(), presented.trim().as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

/// The token `natter mail-in` presents to `POST /v1/mail/inbound`: 64 hex
/// characters in `<data-dir>/mail-inbound.token`, created on first start.
/// Copy it where the MTA's pipe can read it (`--token-file`).
pub fn load_or_create_inbound_token(data_dir: &Path) -> std::io::Result<String> {
    let path = data_dir.join(INBOUND_TOKEN_FILE);
    match std::fs::read_to_string(&path) {
        Ok(s) if s.trim().len() >= 32 => return Ok(s.trim().to_owned()),
        Ok(_) => {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{} is shorter than 32 characters", path.display()),
            ));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let token: String = crate::auth::random_bytes(32).iter().map(|b| format!("{b:02x}")).collect();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&path)?;
    std::io::Write::write_all(&mut file, token.as_bytes())?;
    file.sync_all()?;
    Ok(token)
}

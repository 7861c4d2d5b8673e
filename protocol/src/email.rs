//! Email settings and answers of `/v1/admin/email` (SMTP, offline replies,
//! transcripts, notifications), the agent's own notification preferences
//! (`/v1/agent/me/email`), and the inbound-mail answer (`/v1/mail/inbound`).
//! The SMTP password is write-only: it is sent in a `PUT` and never read back.

use serde::{Deserialize, Serialize};

/// How the relay talks to the SMTP server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SmtpSecurity {
    /// Plain connection upgraded with `STARTTLS` (port 587); TLS is required.
    #[default]
    Starttls,
    /// Implicit TLS from the first byte (port 465).
    Tls,
    /// No TLS at all: only for an SMTP server on the loopback interface (tests,
    /// a local MTA); refused for any other host.
    None,
}

/// Everything `GET/PUT /v1/admin/email` reads and writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EmailSettings {
    /// `false` (the default): the tenant sends no email at all.
    pub enabled: bool,
    /// SMTP server host name or address.
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    /// `None`: no authentication.
    pub username: Option<String>,
    /// Write-only. In a `PUT`: absent keeps the stored password, `""` removes
    /// it, anything else replaces it. Never present in a `GET`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// Read-only: whether a password is stored (ignored in a `PUT`).
    pub password_set: bool,
    /// The From address, e.g. `Shop <help@shop.example>`.
    pub from: String,
    /// Where plain replies go when no inbound domain is set; `None`: From.
    pub reply_to: Option<String>,
    /// The domain whose `reply+<token>@` addresses the MTA pipes to
    /// `natter mail-in`; `None`: replies are not threaded back.
    pub inbound_domain: Option<String>,
    /// An agent reply the visitor has not seen this many minutes after it was
    /// sent is emailed, if the visitor has left (1–1440).
    pub offline_reply_after_mins: u32,
    /// Email the visitor a transcript when a conversation with an email closes.
    pub transcript_on_close: bool,
    /// Owner and agent notifications (each agent can still opt out).
    pub notify_offline_message: bool,
    pub notify_missed_chat: bool,
    pub notify_daily_digest: bool,
    /// Notifications one agent receives per hour at most (1–100).
    pub notify_per_hour: u32,
}

impl Default for EmailSettings {
    fn default() -> Self {
        Self {
            enabled: false,
            host: String::new(),
            port: 587,
            security: SmtpSecurity::Starttls,
            username: None,
            password: None,
            password_set: false,
            from: String::new(),
            reply_to: None,
            inbound_domain: None,
            offline_reply_after_mins: 5,
            transcript_on_close: false,
            notify_offline_message: true,
            notify_missed_chat: true,
            notify_daily_digest: false,
            notify_per_hour: 10,
        }
    }
}

/// `POST /v1/admin/email/test`: where to send the test email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailTest {
    pub to: String,
}

/// Answer to a successful [`EmailTest`]: the server accepted the message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailTestSent {
    pub message_id: String,
}

/// Which notifications one agent receives (`GET/PUT /v1/agent/me/email`);
/// the tenant's switches come first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AgentEmailPrefs {
    pub offline_message: bool,
    pub missed_chat: bool,
    pub daily_digest: bool,
}

impl Default for AgentEmailPrefs {
    fn default() -> Self {
        Self { offline_message: true, missed_chat: true, daily_digest: true }
    }
}

/// Answer of `POST /v1/mail/inbound`: where the reply went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboundAccepted {
    pub tenant: crate::TenantId,
    pub conversation_id: crate::ConversationId,
    pub seq: crate::Seq,
    /// The same message was delivered before (an MTA retry): nothing added.
    pub duplicate: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_is_never_serialized_when_absent_and_unknown_fields_are_refused() {
        let s = EmailSettings { password_set: true, ..EmailSettings::default() };
        let json = serde_json::to_string(&s).unwrap();
        assert!(!json.contains("\"password\""), "{json}");
        assert!(json.contains("\"password_set\":true"));
        assert!(serde_json::from_str::<EmailSettings>(r#"{"hots":"x"}"#).is_err());
        let s: EmailSettings = serde_json::from_str(r#"{"security":"none","port":2525}"#).unwrap();
        assert_eq!((s.security, s.port, s.offline_reply_after_mins), (SmtpSecurity::None, 2525, 5));
    }
}

//! Validation of a tenant's email settings, naming the field (pure).

use lettre::message::Mailbox;
use natter_protocol::{EmailSettings, SmtpSecurity};

/// The offending field and why.
pub type Invalid = (&'static str, String);

/// Checks settings about to be stored. Disabled settings may be incomplete.
pub fn check(s: &EmailSettings) -> Result<(), Invalid> {
    if !(1..=1440).contains(&s.offline_reply_after_mins) {
        return Err(("offline_reply_after_mins", "must be 1 to 1440".into()));
    }
    if !(1..=100).contains(&s.notify_per_hour) {
        return Err(("notify_per_hour", "must be 1 to 100".into()));
    }
    if let Some(d) = &s.inbound_domain
        && !is_domain(d)
    {
        return Err(("inbound_domain", "must be a domain name such as in.shop.example".into()));
    }
    if s.username.as_ref().is_some_and(|u| u.is_empty() || u.len() > 256 || u.contains(['\r', '\n'])) {
        return Err(("username", "must be 1 to 256 characters on one line".into()));
    }
    if s.password.as_ref().is_some_and(|p| p.len() > 512 || p.contains(['\r', '\n'])) {
        return Err(("password", "must be at most 512 characters on one line".into()));
    }
    if !s.enabled {
        return Ok(());
    }
    if !is_host(&s.host) {
        return Err(("host", "must be a host name or address".into()));
    }
    if s.port == 0 {
        return Err(("port", "must be 1 to 65535".into()));
    }
    if s.security == SmtpSecurity::None && !is_loopback(&s.host) {
        return Err(("security", "\"none\" (no TLS) is only allowed for an SMTP server on loopback".into()));
    }
    mailbox(&s.from).map_err(|e| ("from", e))?;
    if let Some(r) = &s.reply_to {
        mailbox(r).map_err(|e| ("reply_to", e))?;
    }
    Ok(())
}

/// An address with an optional display name, as lettre parses it.
pub fn mailbox(s: &str) -> Result<Mailbox, String> {
    s.trim().parse::<Mailbox>().map_err(|e| format!("not an email address ({e})"))
}

fn is_host(h: &str) -> bool {
    !h.is_empty() && h.len() <= 253 && (is_domain(h) || h.parse::<std::net::IpAddr>().is_ok())
}

fn is_domain(d: &str) -> bool {
    !d.is_empty()
        && d.len() <= 253
        && d.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

fn is_loopback(h: &str) -> bool {
    h == "localhost" || h.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enabled() -> EmailSettings {
        EmailSettings {
            enabled: true,
            host: "smtp.shop.example".into(),
            from: "Shop <help@shop.example>".into(),
            ..EmailSettings::default()
        }
    }

    #[test]
    fn settings_are_checked_field_by_field() {
        assert_eq!(check(&enabled()), Ok(()));
        assert_eq!(check(&EmailSettings::default()), Ok(()), "disabled settings may be empty");
        let field = |s: EmailSettings| check(&s).unwrap_err().0;
        assert_eq!(field(EmailSettings { from: "not an address".into(), ..enabled() }), "from");
        assert_eq!(field(EmailSettings { host: "bad host!".into(), ..enabled() }), "host");
        assert_eq!(field(EmailSettings { security: SmtpSecurity::None, ..enabled() }), "security");
        let local = EmailSettings { security: SmtpSecurity::None, host: "127.0.0.1".into(), ..enabled() };
        assert_eq!(check(&local), Ok(()));
        assert_eq!(field(EmailSettings { offline_reply_after_mins: 0, ..enabled() }), "offline_reply_after_mins");
        assert_eq!(field(EmailSettings { inbound_domain: Some("in shop".into()), ..enabled() }), "inbound_domain");
        assert_eq!(field(EmailSettings { password: Some("a\r\nRCPT".into()), ..enabled() }), "password");
    }
}

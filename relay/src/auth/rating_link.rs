//! Signed rating links: `<origin>/r/<token>`, the link a reminder email
//! carries to the relay's rating page.
//!
//! `token` = base64url(`<tenant> <conversation> <expiry unix s>`) `.`
//! base64url(HMAC-SHA256), under a key of the tenant's own:
//! HMAC-SHA256(installation secret, "natter-rating-links-v1\n" + tenant). The
//! MAC is checked in constant time (ring's `hmac::verify`) before anything in
//! the token is believed, then the expiry. The token is a capability for one
//! conversation's rating only; the request log redacts `/r/` paths.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use natter_protocol::{ConversationId, TenantId, UnixMillis};
use ring::hmac;

/// Why a rating link was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RatingLinkError {
    #[error("this rating link is malformed or its signature is wrong")]
    Invalid,
    #[error("this rating link has expired")]
    Expired,
}

/// Mints and checks rating links for every tenant, from the installation secret.
#[derive(Debug, Clone)]
pub struct RatingLinks {
    master: hmac::Key,
}

impl RatingLinks {
    pub fn new(secret: &[u8]) -> Self {
        Self { master: hmac::Key::new(hmac::HMAC_SHA256, secret) }
    }

    fn key(&self, tenant: &TenantId) -> hmac::Key {
        let derived = hmac::sign(&self.master, format!("natter-rating-links-v1\n{tenant}").as_bytes());
        hmac::Key::new(hmac::HMAC_SHA256, derived.as_ref())
    }

    /// The token for rating `conversation` until `expires` (the survey's expiry).
    pub fn token(&self, tenant: &TenantId, conversation: ConversationId, expires: UnixMillis) -> String {
        let payload = format!("{tenant} {conversation} {}", expires.0.div_euclid(1000));
        let mac = hmac::sign(&self.key(tenant), payload.as_bytes());
        format!("{}.{}", B64.encode(payload), B64.encode(mac.as_ref()))
    }

    /// The full link for an email: `origin` is the relay's public origin
    /// (`https://chat.example`, no trailing slash).
    pub fn url(&self, origin: &str, tenant: &TenantId, conversation: ConversationId, expires: UnixMillis) -> String {
        format!("{}/r/{}", origin.trim_end_matches('/'), self.token(tenant, conversation, expires))
    }

    /// The tenant and conversation a token names, if its MAC holds and it has
    /// not expired at `now`.
    pub fn verify(&self, token: &str, now: UnixMillis) -> Result<(TenantId, ConversationId), RatingLinkError> {
        let (payload_b64, mac_b64) = token.split_once('.').ok_or(RatingLinkError::Invalid)?;
        let payload = B64.decode(payload_b64).map_err(|_| RatingLinkError::Invalid)?;
        let mac = B64.decode(mac_b64).map_err(|_| RatingLinkError::Invalid)?;
        let text = std::str::from_utf8(&payload).map_err(|_| RatingLinkError::Invalid)?;
        let mut parts = text.split(' ');
        let tenant = parts.next().and_then(|t| TenantId::parse(t).ok()).ok_or(RatingLinkError::Invalid)?;
        hmac::verify(&self.key(&tenant), &payload, &mac).map_err(|_| RatingLinkError::Invalid)?;
        let conversation = parts.next().and_then(|c| c.parse().ok()).map(ConversationId);
        let expires: Option<i64> = parts.next().and_then(|e| e.parse().ok());
        let (Some(conversation), Some(expires), None) = (conversation, expires, parts.next()) else {
            return Err(RatingLinkError::Invalid);
        };
        if now.0.div_euclid(1000) >= expires {
            return Err(RatingLinkError::Expired);
        }
        Ok((tenant, conversation))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_verifies_until_it_expires_and_only_as_signed() {
        let links = RatingLinks::new(b"secret");
        let acme = TenantId::parse("acme").unwrap();
        let token = links.token(&acme, ConversationId(7), UnixMillis(10_000_000));
        assert_eq!(links.verify(&token, UnixMillis(9_999_000)), Ok((acme.clone(), ConversationId(7))));
        assert_eq!(links.verify(&token, UnixMillis(10_000_000)), Err(RatingLinkError::Expired));
        // Another conversation, tenant or secret: the MAC does not hold.
        let (_, mac) = token.split_once('.').unwrap();
        let forged = format!("{}.{mac}", B64.encode("acme 8 10000"));
        assert_eq!(links.verify(&forged, UnixMillis(0)), Err(RatingLinkError::Invalid));
        let globex = TenantId::parse("globex").unwrap();
        let other_tenant = format!("{}.{mac}", B64.encode("globex 7 10000"));
        assert_eq!(links.verify(&other_tenant, UnixMillis(0)), Err(RatingLinkError::Invalid));
        assert!(RatingLinks::new(b"other").verify(&token, UnixMillis(0)).is_err());
        assert!(links.verify(&links.token(&globex, ConversationId(7), UnixMillis(10_000_000)), UnixMillis(0)).is_ok());
        assert_eq!(links.verify("garbage", UnixMillis(0)), Err(RatingLinkError::Invalid));
        assert!(
            links
                .url("https://chat.example/", &acme, ConversationId(7), UnixMillis(0))
                .starts_with("https://chat.example/r/")
        );
    }
}

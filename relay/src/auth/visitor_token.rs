//! Visitor tokens: `v1.<visitor id>.<expiry, unix seconds>.<HMAC-SHA256, base64url>`.
//!
//! The MAC covers the tenant id too, so a token minted for one tenant is refused
//! by every other. Verification is constant time (ring's `hmac::verify`).

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use natter_protocol::{TenantId, UnixMillis, VisitorId};
use ring::hmac;

/// Why a visitor token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("visitor token is malformed, forged or for another tenant")]
    Invalid,
    #[error("visitor token has expired")]
    Expired,
}

/// Mints and checks visitor tokens with the installation secret.
#[derive(Debug, Clone)]
pub struct VisitorTokens {
    key: hmac::Key,
    ttl: Duration,
}

impl VisitorTokens {
    pub fn new(secret: &[u8], ttl: Duration) -> Self {
        Self { key: hmac::Key::new(hmac::HMAC_SHA256, secret), ttl }
    }

    /// A fresh token for `visitor` of `tenant`, valid for the configured time.
    pub fn issue(&self, tenant: &TenantId, visitor: &VisitorId, now: UnixMillis) -> String {
        let exp = now.0 / 1000 + i64::try_from(self.ttl.as_secs()).unwrap_or(i64::MAX / 2);
        let tag = hmac::sign(&self.key, signed_bytes(tenant, visitor.as_str(), exp).as_bytes());
        format!("v1.{visitor}.{exp}.{}", B64.encode(tag.as_ref()))
    }

    /// The visitor a token names, if it is genuine, for `tenant`, and unexpired.
    pub fn verify(&self, tenant: &TenantId, token: &str, now: UnixMillis) -> Result<VisitorId, TokenError> {
        let mut parts = token.split('.');
        let (Some("v1"), Some(visitor), Some(exp), Some(tag), None) =
            (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(TokenError::Invalid);
        };
        let exp: i64 = exp.parse().map_err(|_| TokenError::Invalid)?;
        let tag = B64.decode(tag).map_err(|_| TokenError::Invalid)?;
        hmac::verify(&self.key, signed_bytes(tenant, visitor, exp).as_bytes(), &tag)
            .map_err(|_| TokenError::Invalid)?;
        if now.0 / 1000 >= exp {
            return Err(TokenError::Expired);
        }
        VisitorId::parse(visitor).map_err(|_| TokenError::Invalid)
    }
}

fn signed_bytes(tenant: &TenantId, visitor: &str, exp: i64) -> String {
    format!("natter-visitor-v1\n{tenant}\n{visitor}\n{exp}")
}

/// A new random visitor id.
pub fn new_visitor_id() -> VisitorId {
    // 16 random bytes are exactly 22 base64url characters, VisitorId's format.
    #[allow(clippy::expect_used)]
    VisitorId::parse(super::random_b64(16)).expect("22 base64url characters")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tenant(s: &str) -> TenantId {
        TenantId::parse(s).unwrap()
    }

    #[test]
    fn round_trips_and_scopes_to_tenant() {
        let tokens = VisitorTokens::new(&[7; 32], Duration::from_secs(3600));
        let v = new_visitor_id();
        let now = UnixMillis(1_700_000_000_000);
        let t = tokens.issue(&tenant("acme"), &v, now);
        assert_eq!(tokens.verify(&tenant("acme"), &t, now), Ok(v));
        assert_eq!(tokens.verify(&tenant("other"), &t, now), Err(TokenError::Invalid));
    }

    #[test]
    fn expires() {
        let tokens = VisitorTokens::new(&[7; 32], Duration::from_secs(60));
        let now = UnixMillis(1_700_000_000_000);
        let t = tokens.issue(&tenant("acme"), &new_visitor_id(), now);
        let later = UnixMillis(now.0 + 61_000);
        assert_eq!(tokens.verify(&tenant("acme"), &t, later), Err(TokenError::Expired));
    }

    #[test]
    fn forged_or_tampered_tokens_are_invalid() {
        let tokens = VisitorTokens::new(&[7; 32], Duration::from_secs(3600));
        let other_key = VisitorTokens::new(&[8; 32], Duration::from_secs(3600));
        let now = UnixMillis(1_700_000_000_000);
        let v = new_visitor_id();
        let forged = other_key.issue(&tenant("acme"), &v, now);
        assert_eq!(tokens.verify(&tenant("acme"), &forged, now), Err(TokenError::Invalid));
        let good = tokens.issue(&tenant("acme"), &v, now);
        // Pushing the expiry forward must break the signature.
        let mut parts: Vec<&str> = good.split('.').collect();
        let later = (parts[2].parse::<i64>().unwrap() + 10_000).to_string();
        parts[2] = &later;
        assert_eq!(tokens.verify(&tenant("acme"), &parts.join("."), now), Err(TokenError::Invalid));
        for junk in ["", "v1", "v1.a.b.c", "v2.x.1.AA", "v1.x.1.AA.extra"] {
            assert_eq!(tokens.verify(&tenant("acme"), junk, now), Err(TokenError::Invalid), "{junk}");
        }
    }
}

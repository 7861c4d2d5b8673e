//! Signed download links: `/v1/files/<tenant>/<upload id>/<original|thumb>?exp=<unix s>&sig=<mac>`.
//!
//! The MAC is HMAC-SHA256 over the tenant, the id, the variant and the expiry,
//! under a key of the tenant's own: HMAC-SHA256(installation secret,
//! "natter-file-links-v1\n" + tenant). A link of one tenant is refused by every
//! other, and a link is checked in constant time (ring's `hmac::verify`). A
//! link is a capability: whoever holds it may download until it expires, which
//! is why it is short-lived and only handed to who may see the file.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use natter_protocol::{FileLink, TenantId, UnixMillis, UploadId};
use ring::hmac;

/// Which bytes of an upload a link serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    Original,
    Thumb,
}

impl Variant {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Original => "original",
            Self::Thumb => "thumb",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "original" => Some(Self::Original),
            "thumb" => Some(Self::Thumb),
            _ => None,
        }
    }
}

/// Why a link was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("this file link is malformed or its signature is wrong")]
    Invalid,
    #[error("this file link has expired; ask for a fresh one")]
    Expired,
}

/// Mints and checks links for every tenant, from the installation secret.
#[derive(Debug, Clone)]
pub struct Links {
    master: hmac::Key,
    ttl: Duration,
}

impl Links {
    pub fn new(secret: &[u8], ttl: Duration) -> Self {
        Self { master: hmac::Key::new(hmac::HMAC_SHA256, secret), ttl }
    }

    /// The links of one tenant.
    pub fn tenant(&self, tenant: &TenantId) -> TenantLinks {
        let derived = hmac::sign(&self.master, format!("natter-file-links-v1\n{tenant}").as_bytes());
        TenantLinks { key: hmac::Key::new(hmac::HMAC_SHA256, derived.as_ref()), tenant: tenant.clone(), ttl: self.ttl }
    }
}

/// One tenant's link key.
#[derive(Debug, Clone)]
pub struct TenantLinks {
    key: hmac::Key,
    tenant: TenantId,
    ttl: Duration,
}

impl TenantLinks {
    /// Fresh links to an upload (and its thumbnail if it has one), valid from `now`.
    pub fn mint(&self, id: &UploadId, has_thumb: bool, now: UnixMillis) -> FileLink {
        let exp = now.0 / 1000 + i64::try_from(self.ttl.as_secs()).unwrap_or(i64::MAX / 4);
        FileLink {
            url: self.url(id, Variant::Original, exp),
            thumb_url: has_thumb.then(|| self.url(id, Variant::Thumb, exp)),
            url_expires_at: UnixMillis(exp.saturating_mul(1000)),
        }
    }

    fn url(&self, id: &UploadId, variant: Variant, exp: i64) -> String {
        let sig = hmac::sign(&self.key, &signed_bytes(&self.tenant, id, variant, exp));
        format!("/v1/files/{}/{id}/{}?exp={exp}&sig={}", self.tenant, variant.as_str(), B64.encode(sig.as_ref()))
    }

    /// Checks a link's signature, then its expiry.
    pub fn verify(
        &self,
        id: &UploadId,
        variant: Variant,
        exp: &str,
        sig: &str,
        now: UnixMillis,
    ) -> Result<(), LinkError> {
        let exp: i64 = exp.parse().map_err(|_| LinkError::Invalid)?;
        let sig = B64.decode(sig).map_err(|_| LinkError::Invalid)?;
        hmac::verify(&self.key, &signed_bytes(&self.tenant, id, variant, exp), &sig).map_err(|_| LinkError::Invalid)?;
        if now.0 / 1000 >= exp {
            return Err(LinkError::Expired);
        }
        Ok(())
    }

    /// Seconds the link with expiry `exp` (already verified) has left.
    pub fn secs_left(exp: &str, now: UnixMillis) -> u64 {
        exp.parse::<i64>().map_or(0, |exp| u64::try_from(exp - now.0 / 1000).unwrap_or(0))
    }
}

fn signed_bytes(tenant: &TenantId, id: &UploadId, variant: Variant, exp: i64) -> Vec<u8> {
    format!("natter-file-v1\n{tenant}\n{id}\n{}\n{exp}", variant.as_str()).into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(url: &str) -> (String, String) {
        let query = url.split_once('?').unwrap().1;
        let mut exp = String::new();
        let mut sig = String::new();
        for pair in query.split('&') {
            match pair.split_once('=').unwrap() {
                ("exp", v) => exp = v.to_owned(),
                ("sig", v) => sig = v.to_owned(),
                _ => {}
            }
        }
        (exp, sig)
    }

    #[test]
    fn links_verify_for_their_tenant_file_and_variant_until_they_expire() {
        let links = Links::new(&[9; 32], Duration::from_secs(60));
        let acme = links.tenant(&TenantId::parse("acme").unwrap());
        let globex = links.tenant(&TenantId::parse("globex").unwrap());
        let id = UploadId::parse("up_AAAAAAAAAAAAAAAAAAAAAA").unwrap();
        let other = UploadId::parse("up_BAAAAAAAAAAAAAAAAAAAAA").unwrap();
        let now = UnixMillis(1_700_000_000_000);
        let link = acme.mint(&id, true, now);
        assert!(link.url.starts_with("/v1/files/acme/up_AAAAAAAAAAAAAAAAAAAAAA/original?exp="));
        let (exp, sig) = parts(&link.url);
        assert_eq!(acme.verify(&id, Variant::Original, &exp, &sig, now), Ok(()));
        assert_eq!(acme.verify(&id, Variant::Thumb, &exp, &sig, now), Err(LinkError::Invalid));
        assert_eq!(acme.verify(&other, Variant::Original, &exp, &sig, now), Err(LinkError::Invalid));
        assert_eq!(globex.verify(&id, Variant::Original, &exp, &sig, now), Err(LinkError::Invalid));
        let later: i64 = exp.parse::<i64>().unwrap() + 3600;
        assert_eq!(acme.verify(&id, Variant::Original, &later.to_string(), &sig, now), Err(LinkError::Invalid));
        let expired = UnixMillis(now.0 + 60_000);
        assert_eq!(acme.verify(&id, Variant::Original, &exp, &sig, expired), Err(LinkError::Expired));
        assert_eq!(link.url_expires_at, expired);
        assert!(acme.mint(&id, false, now).thumb_url.is_none());
    }
}

//! Agent session tokens, `nts.<tenant>.<32 random bytes, base64url>`, and
//! invitation tokens of the same shape with the prefix `nti`.
//!
//! The tenant part routes the token to its tenant's database; only the SHA-256
//! of the whole token is stored, so a copy of the database cannot sign anyone in.

use natter_protocol::TenantId;
use ring::digest;

/// SHA-256 of a session token, as stored.
pub type TokenHash = [u8; 32];

/// Prefix of session tokens.
const SESSION: &str = "nts";
/// Prefix of invitation tokens: never accepted where a session is expected.
const INVITATION: &str = "nti";

/// A new session token for `tenant` and its hash.
pub fn new_token(tenant: &TenantId) -> (String, TokenHash) {
    new_prefixed(SESSION, tenant)
}

/// Splits a presented token into its tenant and hash; `None` if malformed.
pub fn parse_token(token: &str) -> Option<(TenantId, TokenHash)> {
    parse_prefixed(SESSION, token)
}

/// A new invitation token for `tenant` and its hash.
pub fn new_invitation(tenant: &TenantId) -> (String, TokenHash) {
    new_prefixed(INVITATION, tenant)
}

/// Splits an invitation token into its tenant and hash; `None` if malformed.
pub fn parse_invitation(token: &str) -> Option<(TenantId, TokenHash)> {
    parse_prefixed(INVITATION, token)
}

fn new_prefixed(prefix: &str, tenant: &TenantId) -> (String, TokenHash) {
    let token = format!("{prefix}.{tenant}.{}", super::random_b64(32));
    let hash = hash_token(&token);
    (token, hash)
}

fn parse_prefixed(prefix: &str, token: &str) -> Option<(TenantId, TokenHash)> {
    let mut parts = token.split('.');
    let (Some(found), Some(tenant), Some(secret), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    if found != prefix {
        return None;
    }
    if secret.len() != 43 {
        return None;
    }
    let tenant = TenantId::parse(tenant).ok()?;
    Some((tenant, hash_token(token)))
}

fn hash_token(token: &str) -> TokenHash {
    let d = digest::digest(&digest::SHA256, token.as_bytes());
    let mut out = [0u8; 32];
    out.copy_from_slice(d.as_ref());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_parse_back_to_tenant_and_hash() {
        let tenant = TenantId::parse("acme").unwrap();
        let (token, hash) = new_token(&tenant);
        assert_eq!(parse_token(&token), Some((tenant.clone(), hash)));
        assert!(parse_token("nts.acme.short").is_none());
        assert!(parse_token("nts.ACME.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").is_none());
        assert!(parse_token("").is_none());
        let (invitation, _) = new_invitation(&tenant);
        assert!(parse_token(&invitation).is_none(), "an invitation is not a session");
        assert!(parse_invitation(&token).is_none(), "nor a session an invitation");
        assert!(parse_invitation(&invitation).is_some());
    }
}

//! Signed tokens in emails. Reply addresses: every email to a visitor has the Reply-To
//! `reply+<token>@<inbound domain>`, where the token names the tenant, the
//! conversation and an expiry, signed with HMAC-SHA256 under a key derived
//! from the installation secret. `natter mail-in` hands the reply back to the
//! relay, which verifies the token (in constant time) before anything else.
//!
//! Token: `<tenant>.<conversation, base36>.<expiry in Unix seconds, base36>.<mac>`,
//! the MAC being the first 80 bits of the HMAC in lowercase base32 (16
//! characters). Everything is lowercase, because some MTAs fold the local part.
//! Notifications carry a second kind, under a key of its own: the one-click
//! unsubscribe link (RFC 8058) of one agent's notifications of one kind.

use natter_protocol::{AgentId, ConversationId, TenantId, UnixMillis};
use ring::hmac;

/// How long a reply address stays valid after the email was sent.
pub const REPLY_TOKEN_TTL_MS: i64 = 90 * 24 * 3_600_000;

/// Bytes of the HMAC kept in the token.
const MAC_BYTES: usize = 10;

/// Why a reply token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenRefused {
    #[error("the reply address is not one this relay signed")]
    Invalid,
    #[error("the reply address has expired")]
    Expired,
}

/// Signs and verifies reply tokens, and the unsubscribe tokens of
/// notification emails. Cheap to clone.
#[derive(Clone)]
pub struct ReplyTokens {
    key: hmac::Key,
    unsubscribe_key: hmac::Key,
}

impl std::fmt::Debug for ReplyTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReplyTokens(..)")
    }
}

impl ReplyTokens {
    /// The key is HMAC(installation secret, a fixed label): separate from the
    /// visitor-token and file-link keys derived from the same secret.
    pub fn new(installation_secret: &[u8]) -> Self {
        let root = hmac::Key::new(hmac::HMAC_SHA256, installation_secret);
        let derived = hmac::sign(&root, b"natter reply-token v1");
        let unsubscribe = hmac::sign(&root, b"natter unsubscribe v1");
        Self {
            key: hmac::Key::new(hmac::HMAC_SHA256, derived.as_ref()),
            unsubscribe_key: hmac::Key::new(hmac::HMAC_SHA256, unsubscribe.as_ref()),
        }
    }

    /// The one-click unsubscribe token of `agent`'s notifications of `kind`
    /// (`<tenant>.<agent, base36>.<kind>.<mac>`; no expiry: such links must
    /// keep working).
    pub fn issue_unsubscribe(&self, tenant: &TenantId, agent: AgentId, kind: &str) -> String {
        let body = format!("{tenant}.{}.{kind}", base36(agent.0));
        let mac = hmac::sign(&self.unsubscribe_key, body.as_bytes());
        format!("{body}.{}", base32(&mac.as_ref()[..MAC_BYTES]))
    }

    /// The tenant, agent and notification kind of a valid unsubscribe token.
    pub fn verify_unsubscribe(&self, token: &str) -> Result<(TenantId, AgentId, String), TokenRefused> {
        let (body, mac) = token.rsplit_once('.').ok_or(TokenRefused::Invalid)?;
        let want = hmac::sign(&self.unsubscribe_key, body.as_bytes());
        if !constant_time_eq(base32(&want.as_ref()[..MAC_BYTES]).as_bytes(), mac.as_bytes()) {
            return Err(TokenRefused::Invalid);
        }
        let mut parts = body.rsplitn(3, '.');
        let (Some(kind), Some(agent), Some(tenant)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(TokenRefused::Invalid);
        };
        let agent = u64::from_str_radix(agent, 36).map_err(|_| TokenRefused::Invalid)?;
        let tenant = TenantId::parse(tenant).map_err(|_| TokenRefused::Invalid)?;
        Ok((tenant, AgentId(agent), kind.to_owned()))
    }

    /// The token for replies to `conversation`, valid until `now` + the TTL.
    pub fn issue(&self, tenant: &TenantId, conversation: ConversationId, now: UnixMillis) -> String {
        let expires = (now.0 + REPLY_TOKEN_TTL_MS).max(0) / 1000;
        let body = format!("{tenant}.{}.{}", base36(conversation.0), base36(expires.unsigned_abs()));
        let mac = hmac::sign(&self.key, body.as_bytes());
        format!("{body}.{}", base32(&mac.as_ref()[..MAC_BYTES]))
    }

    /// The tenant and conversation of a valid, unexpired token.
    pub fn verify(&self, token: &str, now: UnixMillis) -> Result<(TenantId, ConversationId), TokenRefused> {
        let token = token.to_ascii_lowercase();
        let (body, mac) = token.rsplit_once('.').ok_or(TokenRefused::Invalid)?;
        let want = hmac::sign(&self.key, body.as_bytes());
        if !constant_time_eq(base32(&want.as_ref()[..MAC_BYTES]).as_bytes(), mac.as_bytes()) {
            return Err(TokenRefused::Invalid);
        }
        let mut parts = body.rsplitn(3, '.');
        let (Some(expires), Some(conversation), Some(tenant)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(TokenRefused::Invalid);
        };
        let expires = u64::from_str_radix(expires, 36).map_err(|_| TokenRefused::Invalid)?;
        let conversation = u64::from_str_radix(conversation, 36).map_err(|_| TokenRefused::Invalid)?;
        let tenant = TenantId::parse(tenant).map_err(|_| TokenRefused::Invalid)?;
        if i64::try_from(expires).unwrap_or(i64::MAX).saturating_mul(1000) <= now.0 {
            return Err(TokenRefused::Expired);
        }
        Ok((tenant, ConversationId(conversation)))
    }
}

/// The token in a reply address `reply+<token>@domain`, if it is one.
pub fn token_of_address(address: &str) -> Option<&str> {
    let (local, _domain) = address.trim().trim_matches(['<', '>']).rsplit_once('@')?;
    let token = local.strip_prefix("reply+").or_else(|| local.strip_prefix("REPLY+"))?;
    (!token.is_empty()).then_some(token)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn base36(mut n: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// RFC 4648 base32, lowercase, unpadded.
fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_expire_and_refuse_forgeries() {
        let tokens = ReplyTokens::new(&[1; 32]);
        let acme = TenantId::parse("acme").unwrap();
        let now = UnixMillis(1_700_000_000_000);
        let token = tokens.issue(&acme, ConversationId(12345), now);
        assert_eq!(token, token.to_ascii_lowercase());
        assert_eq!(tokens.verify(&token, now), Ok((acme.clone(), ConversationId(12345))));
        assert_eq!(tokens.verify(&token.to_ascii_uppercase(), now), Ok((acme, ConversationId(12345))));
        let later = UnixMillis(now.0 + REPLY_TOKEN_TTL_MS);
        assert_eq!(tokens.verify(&token, later), Err(TokenRefused::Expired));
        let forged = token.replacen("acme", "glob", 1);
        assert_eq!(tokens.verify(&forged, now), Err(TokenRefused::Invalid));
        let other = ReplyTokens::new(&[2; 32]);
        assert_eq!(other.verify(&token, now), Err(TokenRefused::Invalid));
        assert_eq!(tokens.verify("", now), Err(TokenRefused::Invalid));
        assert_eq!(tokens.verify("a.b.c.d.e", now), Err(TokenRefused::Invalid));
        let address = format!("reply+{token}@in.shop.example");
        assert_eq!(token_of_address(&address), Some(token.as_str()));
        assert_eq!(token_of_address("help@shop.example"), None);
    }
}

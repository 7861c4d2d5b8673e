//! Verified customer identity: the shop's server computes
//! `hex(HMAC-SHA256(identity secret, user id))`; the relay checks it in constant time.

use ring::hmac;

/// Whether `hash_hex` is the HMAC of `user_id` under `secret`.
pub fn verify(secret: &[u8], user_id: &str, hash_hex: &str) -> bool {
    let Some(tag) = decode_hex(hash_hex) else {
        return false;
    };
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret);
    hmac::verify(&key, user_id.as_bytes(), &tag).is_ok()
}

/// `hex(HMAC-SHA256(secret, user_id))`, what a shop's server computes.
pub fn sign(secret: &[u8], user_id: &str) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret);
    hmac::sign(&key, user_id.as_bytes()).as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.is_ascii() {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_only_the_right_hash() {
        let secret = b"shop identity secret";
        let good = sign(secret, "customer-42");
        assert!(verify(secret, "customer-42", &good));
        assert!(verify(secret, "customer-42", &good.to_uppercase()));
        assert!(!verify(secret, "customer-43", &good));
        assert!(!verify(b"other secret", "customer-42", &good));
        assert!(!verify(secret, "customer-42", "zz"));
        assert!(!verify(secret, "customer-42", "é"));
    }
}

//! Agent password hashing: PBKDF2-HMAC-SHA256 with a per-agent random salt.
//!
//! Stored as `pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>` so the iteration
//! count can be raised later without invalidating existing hashes.

use std::num::NonZeroU32;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_NO_PAD as B64;
use ring::pbkdf2;

/// OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256.
pub const DEFAULT_ITERATIONS: u32 = 600_000;
const ALGORITHM: pbkdf2::Algorithm = pbkdf2::PBKDF2_HMAC_SHA256;
const HASH_LEN: usize = 32;

/// Shortest password accepted for an agent account.
pub const MIN_PASSWORD_LEN: usize = 10;

/// Hashes `password` with a fresh salt. CPU-heavy: call it off the async runtime.
pub fn hash(password: &str, iterations: u32) -> String {
    let iterations = NonZeroU32::new(iterations.max(1)).unwrap_or(NonZeroU32::MIN);
    let salt = super::random_bytes(16);
    let mut out = [0u8; HASH_LEN];
    pbkdf2::derive(ALGORITHM, iterations, &salt, password.as_bytes(), &mut out);
    format!("pbkdf2-sha256${iterations}${}${}", B64.encode(salt), B64.encode(out))
}

/// Checks `password` against a stored hash in constant time. A malformed stored
/// hash never verifies. CPU-heavy: call it off the async runtime.
pub fn verify(password: &str, stored: &str) -> bool {
    let mut parts = stored.split('$');
    let (Some("pbkdf2-sha256"), Some(iter), Some(salt), Some(hash), None) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let (Some(iterations), Ok(salt), Ok(hash)) =
        (iter.parse::<u32>().ok().and_then(NonZeroU32::new), B64.decode(salt), B64.decode(hash))
    else {
        return false;
    };
    pbkdf2::verify(ALGORITHM, iterations, &salt, password.as_bytes(), &hash).is_ok()
}

/// A hash of a random password, verified against when the email is unknown so
/// that a failed sign-in takes the same time whether or not the account exists.
pub fn decoy_hash(iterations: u32) -> String {
    hash(&super::random_b64(16), iterations)
}

/// Checks the rules for a new password.
pub fn check_policy(password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(format!("password must be at least {MIN_PASSWORD_LEN} characters"));
    }
    if password.trim().chars().count() < MIN_PASSWORD_LEN {
        return Err(format!(
            "password must have at least {MIN_PASSWORD_LEN} characters besides leading and trailing spaces"
        ));
    }
    if password.len() > 1024 {
        return Err("password must be at most 1024 bytes".into());
    }
    Ok(())
}

/// Checks an agent's sign-in email: what the relay will compare on sign-in.
pub fn check_email(email: &str) -> Result<(), String> {
    let ok = email.len() <= 254
        && !email.chars().any(char::is_whitespace)
        && email
            .split_once('@')
            .is_some_and(|(user, host)| !user.is_empty() && host.contains('.') && !host.ends_with('.'));
    if ok { Ok(()) } else { Err(format!("{email:?} is not an email address")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_refuses_blank_passwords_and_non_emails() {
        assert!(check_policy("          ").is_err(), "ten spaces");
        assert!(check_policy(" a real password ").is_ok());
        for bad in ["", "ann", "ann@", "@x.test", "ann @x.test", "ann@localhost"] {
            assert!(check_email(bad).is_err(), "{bad:?}");
        }
        assert!(check_email("ann@x.test").is_ok());
    }

    #[test]
    fn verifies_the_right_password_only() {
        let stored = hash("correct horse battery", 1000);
        assert!(stored.starts_with("pbkdf2-sha256$1000$"));
        assert!(verify("correct horse battery", &stored));
        assert!(!verify("correct horse batterz", &stored));
        assert!(!verify("", &stored));
    }

    #[test]
    fn salts_differ_per_hash() {
        assert_ne!(hash("same password", 1000), hash("same password", 1000));
    }

    #[test]
    fn malformed_hashes_never_verify() {
        for bad in ["", "plain", "pbkdf2-sha256$0$AA$AA", "pbkdf2-sha256$10$!!$AA", "md5$1$AA$AA"] {
            assert!(!verify("x", bad), "{bad}");
        }
    }

    #[test]
    fn policy_rejects_short_passwords() {
        assert!(check_policy("short").is_err());
        assert!(check_policy("long enough pass").is_ok());
    }
}

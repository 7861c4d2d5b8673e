//! Credentials: agent passwords, agent session tokens, visitor tokens, identity
//! hashes, and the throttle on failed sign-ins. All cryptography is ring's.

pub mod client_addr;
pub mod identity;
pub mod password;
pub mod rating_link;
pub mod secret;
pub mod session;
pub mod throttle;
pub mod visitor_token;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::rand::{SecureRandom, SystemRandom};

/// `n` random bytes from the OS, as unpadded base64url.
pub fn random_b64(n: usize) -> String {
    URL_SAFE_NO_PAD.encode(random_bytes(n))
}

/// `n` random bytes from the OS.
pub fn random_bytes(n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    // SystemRandom only fails if the OS has no randomness at all; nothing can run then.
    #[allow(clippy::expect_used)]
    SystemRandom::new().fill(&mut buf).expect("the OS random generator failed");
    buf
}

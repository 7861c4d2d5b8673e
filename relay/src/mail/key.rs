//! The key that seals tenants' SMTP passwords at rest: 32 random bytes in
//! `<data-dir>/mail.key` (owner-only, created on first start like
//! `secret.key`), outside every tenant database, so a copied or leaked
//! database holds only ciphertext. AES-256-GCM (ring), a random 96-bit nonce
//! per sealing, and the tenant id as associated data: a sealed password moved
//! into another tenant's database does not open.

use std::fs;
use std::io::Write as _;
use std::path::Path;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use natter_protocol::TenantId;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};

/// Why a sealed password could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("the sealed SMTP password is not valid base64 or too short")]
    Malformed,
    #[error("the sealed SMTP password does not open with this mail.key (another key, tenant, or tampering)")]
    WrongKey,
}

/// The sealing key. Cheap to clone; never printed.
#[derive(Clone)]
pub struct MailKey(Arc<LessSafeKey>);

impl std::fmt::Debug for MailKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MailKey(..)")
    }
}

impl MailKey {
    /// Reads `<data-dir>/mail.key`, creating it (0600) if it does not exist.
    pub fn load_or_create(data_dir: &Path) -> std::io::Result<Self> {
        let bytes = read_or_create(&data_dir.join("mail.key"))?;
        Ok(Self::from_bytes(&bytes))
    }

    fn from_bytes(bytes: &[u8]) -> Self {
        // AES-256 takes exactly 32 bytes; read_or_create guarantees them.
        #[allow(clippy::expect_used)]
        let key = UnboundKey::new(&AES_256_GCM, &bytes[..32]).expect("a 32-byte AES-256 key");
        Self(Arc::new(LessSafeKey::new(key)))
    }

    /// Seals `plain` for `tenant`: base64url of nonce ‖ ciphertext ‖ tag.
    pub fn seal(&self, tenant: &TenantId, plain: &str) -> String {
        let nonce_bytes: [u8; NONCE_LEN] = crate::auth::random_bytes(NONCE_LEN).try_into().unwrap_or([0; NONCE_LEN]);
        let mut in_out = plain.as_bytes().to_vec();
        let nonce = Nonce::assume_unique_for_key(nonce_bytes);
        // Sealing fails only for inputs over GCM's 64 GB limit.
        #[allow(clippy::expect_used)]
        self.0.seal_in_place_append_tag(nonce, aad(tenant), &mut in_out).expect("AES-GCM sealing");
        let mut out = nonce_bytes.to_vec();
        out.extend_from_slice(&in_out);
        B64.encode(out)
    }

    /// Opens what [`Self::seal`] made for the same tenant.
    pub fn open(&self, tenant: &TenantId, sealed: &str) -> Result<String, SealError> {
        let bytes = B64.decode(sealed).map_err(|_| SealError::Malformed)?;
        if bytes.len() < NONCE_LEN + AES_256_GCM.tag_len() {
            return Err(SealError::Malformed);
        }
        let (nonce, rest) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| SealError::Malformed)?;
        let mut in_out = rest.to_vec();
        let plain = self.0.open_in_place(nonce, aad(tenant), &mut in_out).map_err(|_| SealError::WrongKey)?;
        String::from_utf8(plain.to_vec()).map_err(|_| SealError::WrongKey)
    }
}

fn aad(tenant: &TenantId) -> Aad<Vec<u8>> {
    Aad::from(format!("natter smtp password v1:{tenant}").into_bytes())
}

fn read_or_create(path: &Path) -> std::io::Result<Vec<u8>> {
    match fs::read(path) {
        Ok(bytes) if bytes.len() >= 32 => return Ok(bytes),
        Ok(_) => {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{} is shorter than 32 bytes", path.display()),
            ));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let key = crate::auth::random_bytes(32);
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(&key)?;
    file.sync_all()?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_passwords_open_only_for_their_tenant_and_key() {
        let dir = tempfile::tempdir().unwrap();
        let key = MailKey::load_or_create(dir.path()).unwrap();
        let acme = TenantId::parse("acme").unwrap();
        let sealed = key.seal(&acme, "hunter2");
        assert!(!sealed.contains("hunter2"));
        assert_ne!(sealed, key.seal(&acme, "hunter2"), "a fresh nonce each time");
        assert_eq!(key.open(&acme, &sealed).unwrap(), "hunter2");
        let again = MailKey::load_or_create(dir.path()).unwrap();
        assert_eq!(again.open(&acme, &sealed).unwrap(), "hunter2", "the key file is reused");
        assert!(matches!(key.open(&TenantId::parse("globex").unwrap(), &sealed), Err(SealError::WrongKey)));
        let other = MailKey::from_bytes(&[7; 32]);
        assert!(matches!(other.open(&acme, &sealed), Err(SealError::WrongKey)));
        assert!(matches!(key.open(&acme, "short"), Err(SealError::Malformed)));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = fs::metadata(dir.path().join("mail.key")).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}

//! `natter mail-in`: the MTA's pipe. Reads one RFC 5322 message on stdin and
//! POSTs it to the running relay's `/v1/mail/inbound` (loopback only) with the
//! inbound token (`<data-dir>/mail-inbound.token`, or `--token-file`). It does
//! not open the data directory's storage, so it works while the relay runs.
//! Exit status for the MTA: 0 delivered; 75 (EX_TEMPFAIL) when the relay could
//! not be reached or failed, so the MTA retries; 65 (EX_DATAERR) when the relay
//! refused the message (forged or expired token, unreadable), so it bounces.

use std::io::Read as _;
use std::path::Path;

/// Why `mail-in` did not deliver; `temporary` failures should be retried.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct MailInFailure {
    pub temporary: bool,
    pub message: String,
}

impl MailInFailure {
    fn temporary(message: impl Into<String>) -> Self {
        Self { temporary: true, message: message.into() }
    }
}

/// Reads stdin and hands it to the relay at `relay` (e.g. `http://127.0.0.1:8080`).
pub async fn run(relay: &str, token_file: &Path, recipient: Option<&str>) -> Result<String, MailInFailure> {
    let token = std::fs::read_to_string(token_file)
        .map_err(|e| MailInFailure::temporary(format!("reading {}: {e}", token_file.display())))?;
    let mut raw = Vec::new();
    std::io::stdin().read_to_end(&mut raw).map_err(|e| MailInFailure::temporary(format!("reading stdin: {e}")))?;
    let mut request = reqwest::Client::new()
        .post(format!("{}/v1/mail/inbound", relay.trim_end_matches('/')))
        .bearer_auth(token.trim())
        .header("Content-Type", "message/rfc822")
        .body(raw);
    if let Some(r) = recipient {
        request = request.query(&[("recipient", r)]);
    }
    let response = request.send().await.map_err(|e| MailInFailure::temporary(format!("the relay: {e}")))?;
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    if status.is_success() {
        Ok(body)
    } else {
        let temporary = status.is_server_error() || status.as_u16() == 401 || status.as_u16() == 429;
        Err(MailInFailure { temporary, message: format!("the relay answered {status}: {body}") })
    }
}

//! The malware scan: every upload is streamed to clamd with its `INSTREAM`
//! command (the `clamav-client` crate, tokio flavour), from the file on disk in
//! chunks, never read whole into memory. Anything but a clear answer counts as
//! "the scanner is unavailable", which fails closed unless the tenant accepts
//! unscanned files.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

/// Where clamd listens: `unix:/path` or `tcp:host:port`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClamdAddr {
    Unix(PathBuf),
    Tcp(String),
}

impl Default for ClamdAddr {
    /// Debian's clamav-daemon.
    fn default() -> Self {
        Self::Unix(PathBuf::from("/var/run/clamav/clamd.ctl"))
    }
}

impl fmt::Display for ClamdAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unix(path) => write!(f, "unix:{}", path.display()),
            Self::Tcp(addr) => write!(f, "tcp:{addr}"),
        }
    }
}

impl FromStr for ClamdAddr {
    type Err = &'static str;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if let Some(path) = s.strip_prefix("unix:") {
            if !path.starts_with('/') {
                return Err("a unix socket needs an absolute path, e.g. unix:/var/run/clamav/clamd.ctl");
            }
            return Ok(Self::Unix(PathBuf::from(path)));
        }
        if let Some(addr) = s.strip_prefix("tcp:") {
            let ok = addr.rsplit_once(':').is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok());
            return if ok { Ok(Self::Tcp(addr.to_owned())) } else { Err("expected tcp:host:port") };
        }
        Err("expected unix:/path/to/socket or tcp:host:port")
    }
}

/// What clamd said about a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Clean,
    /// The signature's name, e.g. `Eicar-Test-Signature`.
    Infected(String),
    /// No usable answer: unreachable, timed out, or an error reply (such as a
    /// file over clamd's `StreamMaxLength`). Why, for the log.
    Unavailable(String),
}

/// Scans files through clamd.
#[derive(Debug, Clone)]
pub struct Scanner {
    addr: ClamdAddr,
    timeout: Duration,
}

/// Bytes sent to clamd per `INSTREAM` chunk.
const CHUNK: usize = 64 * 1024;

impl Scanner {
    pub fn new(addr: ClamdAddr, timeout: Duration) -> Self {
        Self { addr, timeout }
    }

    /// Streams the file at `path` to clamd and reads its verdict.
    pub async fn scan(&self, path: &Path) -> Verdict {
        let scanned = match &self.addr {
            ClamdAddr::Unix(socket) => {
                let socket = clamav_client::tokio::Socket { socket_path: socket.as_path() };
                tokio::time::timeout(self.timeout, clamav_client::tokio::scan_file(path, socket, Some(CHUNK))).await
            }
            ClamdAddr::Tcp(addr) => {
                let tcp = clamav_client::tokio::Tcp { host_address: addr.as_str() };
                tokio::time::timeout(self.timeout, clamav_client::tokio::scan_file(path, tcp, Some(CHUNK))).await
            }
        };
        match scanned {
            Err(_) => Verdict::Unavailable(format!("no answer from clamd within {:?}", self.timeout)),
            Ok(Err(e)) => Verdict::Unavailable(format!("clamd at {}: {e}", self.addr)),
            Ok(Ok(reply)) => verdict(&reply),
        }
    }
}

/// Reads clamd's reply to `INSTREAM`: `stream: OK`, `stream: <name> FOUND`, or
/// `… ERROR` (NUL-terminated).
fn verdict(reply: &[u8]) -> Verdict {
    let text = String::from_utf8_lossy(reply);
    let text = text.trim_end_matches(['\0', '\n', ' ']);
    let body = text.strip_prefix("stream:").map_or(text, str::trim);
    if body == "OK" {
        Verdict::Clean
    } else if let Some(name) = body.strip_suffix(" FOUND") {
        Verdict::Infected(name.trim().to_owned())
    } else {
        Verdict::Unavailable(format!("clamd answered {text:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_read_back_as_written() {
        for s in ["unix:/run/clamd.sock", "tcp:127.0.0.1:3310", "tcp:clamav.internal:3310"] {
            assert_eq!(s.parse::<ClamdAddr>().unwrap().to_string(), s);
        }
        for bad in ["", "/run/clamd.sock", "unix:relative", "tcp:nohost", "tcp:host:99999"] {
            assert!(bad.parse::<ClamdAddr>().is_err(), "{bad}");
        }
    }

    #[test]
    fn replies_are_read_strictly() {
        assert_eq!(verdict(b"stream: OK\0"), Verdict::Clean);
        assert_eq!(verdict(b"stream: Eicar-Test-Signature FOUND\0"), Verdict::Infected("Eicar-Test-Signature".into()));
        assert!(matches!(verdict(b"INSTREAM size limit exceeded. ERROR\0"), Verdict::Unavailable(_)));
        assert!(matches!(verdict(b""), Verdict::Unavailable(_)));
        // "OK" somewhere in an error is not a clean bill.
        assert!(matches!(verdict(b"stream: lstat() failed: OK? ERROR\0"), Verdict::Unavailable(_)));
    }
}

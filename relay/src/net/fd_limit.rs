//! The open-files limit. Every connection is a file descriptor, and the
//! default soft limit (often 1024) is far below what the relay is meant to
//! hold, so it raises the soft limit to the hard one at start, logs both, and
//! warns when even the hard limit is below the connections it is set to accept.

/// Descriptors the relay needs besides its sockets: databases, listeners, logs.
const SPARE: u64 = 256;

/// The open-files limits, before and after raising.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FdLimits {
    pub soft_before: u64,
    pub soft: u64,
    pub hard: u64,
}

/// Raises the soft limit to the hard one.
#[cfg(unix)]
pub fn raise() -> std::io::Result<FdLimits> {
    let (soft_before, hard) = rlimit::Resource::NOFILE.get()?;
    let soft = rlimit::increase_nofile_limit(hard)?;
    Ok(FdLimits { soft_before, soft, hard })
}

#[cfg(not(unix))]
pub fn raise() -> std::io::Result<FdLimits> {
    Err(std::io::Error::new(std::io::ErrorKind::Unsupported, "no open-files limit here"))
}

/// Raises the limit and logs the outcome against `max_connections`.
pub fn raise_and_log(max_connections: usize) {
    match raise() {
        Ok(limits) => {
            tracing::info!(
                soft_before = limits.soft_before,
                soft = limits.soft,
                hard = limits.hard,
                "open files limit"
            );
            let needed = (max_connections as u64).saturating_add(SPARE);
            if limits.soft < needed {
                tracing::warn!(
                    limit = limits.soft,
                    needed,
                    "the open files limit is below max_connections plus spare: connections will fail with \
                     'too many open files' first (raise LimitNOFILE= in systemd, or ulimit -Hn)"
                );
            }
        }
        Err(error) => tracing::warn!(%error, "cannot read or raise the open files limit"),
    }
}

#[cfg(all(test, unix))]
mod tests {
    #[test]
    fn the_soft_limit_ends_at_the_hard_one() {
        let limits = super::raise().unwrap();
        assert!(limits.soft >= limits.soft_before);
        assert_eq!(rlimit::Resource::NOFILE.get().unwrap().0, limits.soft);
    }
}

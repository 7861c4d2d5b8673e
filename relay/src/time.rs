//! Wall-clock helpers. Stored times are Unix milliseconds (UTC).

use std::time::{SystemTime, UNIX_EPOCH};

use natter_protocol::UnixMillis;

/// Now, in Unix milliseconds.
pub fn now() -> UnixMillis {
    let ms = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
    UnixMillis(i64::try_from(ms).unwrap_or(i64::MAX))
}

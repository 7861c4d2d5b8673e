//! The refused-embeds log: per tenant, the most recent distinct (origin, surface,
//! reason) the relay refused, counted, so the install section of the console can
//! tell a shop owner why no bubble shows on their page. Kept in memory: counts
//! start again at zero when the relay restarts (PROTOCOL.md says so).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use natter_protocol::{EmbedSurface, RefusalReason, RefusedEmbed, TenantId, UnixMillis};

/// Distinct refusals kept per tenant; the least recent is forgotten first.
pub const MAX_REFUSALS_PER_TENANT: usize = 20;
/// Longest origin text kept (a browser's `Origin` is short; anything longer is junk).
const MAX_ORIGIN_BYTES: usize = 300;

/// Cheap, cloneable handle to the log.
#[derive(Debug, Clone, Default)]
pub struct RefusedEmbeds {
    by_tenant: Arc<Mutex<HashMap<TenantId, Vec<RefusedEmbed>>>>,
}

impl RefusedEmbeds {
    /// Notes one refusal of `origin` (`None` when the request had no `Origin`).
    pub fn record(&self, tenant: &TenantId, origin: Option<&str>, surface: EmbedSurface, at: UnixMillis) {
        let (origin, reason) = match origin {
            Some(o) => (crate::tenant::clip(o, MAX_ORIGIN_BYTES), RefusalReason::OriginNotAllowed),
            None => (String::new(), RefusalReason::OriginMissing),
        };
        tracing::debug!(tenant = %tenant, origin, ?surface, ?reason, "embed refused");
        let mut map = self.by_tenant.lock().unwrap_or_else(PoisonError::into_inner);
        let list = map.entry(tenant.clone()).or_default();
        let same = |e: &RefusedEmbed| e.origin == origin && e.surface == surface && e.reason == reason;
        let entry = match list.iter().position(same) {
            Some(i) => list.remove(i),
            None => RefusedEmbed { origin, surface, reason, first_at: at, last_at: at, count: 0 },
        };
        list.insert(0, RefusedEmbed { last_at: at, count: entry.count.saturating_add(1), ..entry });
        list.truncate(MAX_REFUSALS_PER_TENANT);
    }

    /// The tenant's refusals, most recent first.
    pub fn list(&self, tenant: &TenantId) -> Vec<RefusedEmbed> {
        let map = self.by_tenant.lock().unwrap_or_else(PoisonError::into_inner);
        map.get(tenant).cloned().unwrap_or_default()
    }

    /// Forgets a removed tenant's refusals.
    pub fn forget_tenant(&self, tenant: &TenantId) {
        self.by_tenant.lock().unwrap_or_else(PoisonError::into_inner).remove(tenant);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(id: &str) -> TenantId {
        TenantId::parse(id).unwrap()
    }

    #[test]
    fn repeats_are_counted_and_moved_to_the_top() {
        let log = RefusedEmbeds::default();
        log.record(&t("acme"), Some("https://a.example"), EmbedSurface::Config, UnixMillis(1));
        log.record(&t("acme"), Some("https://b.example"), EmbedSurface::Config, UnixMillis(2));
        log.record(&t("acme"), Some("https://a.example"), EmbedSurface::Config, UnixMillis(3));
        let list = log.list(&t("acme"));
        assert_eq!(list.len(), 2);
        assert_eq!(
            (list[0].origin.as_str(), list[0].count, list[0].first_at, list[0].last_at),
            ("https://a.example", 2, UnixMillis(1), UnixMillis(3))
        );
        assert_eq!(list[1].origin, "https://b.example");
        assert!(log.list(&t("globex")).is_empty(), "per tenant");
    }

    #[test]
    fn surfaces_and_reasons_are_told_apart() {
        let log = RefusedEmbeds::default();
        log.record(&t("acme"), Some("https://a.example"), EmbedSurface::Config, UnixMillis(1));
        log.record(&t("acme"), Some("https://a.example"), EmbedSurface::Frame, UnixMillis(2));
        log.record(&t("acme"), None, EmbedSurface::Socket, UnixMillis(3));
        let list = log.list(&t("acme"));
        assert_eq!(list.len(), 3);
        assert_eq!(list[0].reason, RefusalReason::OriginMissing);
        assert_eq!(list[1].surface, EmbedSurface::Frame);
    }

    #[test]
    fn the_log_is_bounded_and_forgets_the_least_recent() {
        let log = RefusedEmbeds::default();
        for i in 0..30 {
            log.record(&t("acme"), Some(&format!("https://s{i}.example")), EmbedSurface::Config, UnixMillis(i));
        }
        let list = log.list(&t("acme"));
        assert_eq!(list.len(), MAX_REFUSALS_PER_TENANT);
        assert_eq!(list[0].origin, "https://s29.example");
        assert_eq!(list[19].origin, "https://s10.example");
    }
}

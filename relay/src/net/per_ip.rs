//! The per-address connection cap: how many TCP connections each client IP has
//! open, and a slot per connection that gives its place back when dropped.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};

/// Open connections per client address, capped.
#[derive(Debug, Clone)]
pub struct PerIpSlots {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// 0: no cap.
    max: usize,
    exempt: Vec<IpAddr>,
    open: Mutex<HashMap<IpAddr, usize>>,
}

/// One connection's place under the cap; dropping it (or [`IpSlot::release`]) frees it.
#[derive(Debug)]
pub struct IpSlot {
    /// `None` for connections the cap does not count.
    counted: Option<(Arc<Inner>, IpAddr)>,
}

impl PerIpSlots {
    pub fn new(max: usize, exempt: &[IpAddr]) -> Self {
        let exempt = exempt.iter().map(IpAddr::to_canonical).collect();
        Self { inner: Arc::new(Inner { max, exempt, open: Mutex::default() }) }
    }

    /// A slot for a new connection from `ip`, or `None` when `ip` has `max` open.
    pub fn take(&self, ip: IpAddr) -> Option<IpSlot> {
        // An IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d.
        let ip = ip.to_canonical();
        if self.inner.max == 0 || self.inner.exempt.contains(&ip) {
            return Some(IpSlot { counted: None });
        }
        let mut open = self.inner.open.lock().unwrap_or_else(PoisonError::into_inner);
        let count = open.entry(ip).or_default();
        if *count >= self.inner.max {
            return None;
        }
        *count += 1;
        Some(IpSlot { counted: Some((self.inner.clone(), ip)) })
    }

    /// Connections open from `ip` that count against the cap.
    pub fn open_from(&self, ip: IpAddr) -> usize {
        let open = self.inner.open.lock().unwrap_or_else(PoisonError::into_inner);
        open.get(&ip.to_canonical()).copied().unwrap_or(0)
    }
}

impl IpSlot {
    /// Gives the place back now (idempotent; dropping does it too).
    pub fn release(&mut self) {
        let Some((inner, ip)) = self.counted.take() else { return };
        let mut open = inner.open.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = open.get_mut(&ip) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.remove(&ip);
            }
        }
    }
}

impl Drop for IpSlot {
    fn drop(&mut self) {
        self.release();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_counts_per_address_and_frees_on_drop() {
        let slots = PerIpSlots::new(2, &[]);
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let first = slots.take(a).unwrap();
        let mut second = slots.take(a).unwrap();
        assert!(slots.take(a).is_none(), "third from the same address");
        assert!(slots.take(b).is_some(), "another address has its own count");
        second.release();
        second.release();
        assert_eq!(slots.open_from(a), 1, "releasing twice frees once");
        let _third = slots.take(a).unwrap();
        drop(first);
        assert_eq!(slots.open_from(a), 1);
    }

    #[test]
    fn exempt_and_mapped_addresses() {
        let proxy: IpAddr = "10.0.0.9".parse().unwrap();
        let slots = PerIpSlots::new(1, &[proxy]);
        let held: Vec<_> = (0..5).map(|_| slots.take(proxy).unwrap()).collect();
        assert_eq!((held.len(), slots.open_from(proxy)), (5, 0));
        let v4: IpAddr = "10.0.0.1".parse().unwrap();
        let mapped: IpAddr = "::ffff:10.0.0.1".parse().unwrap();
        let _slot = slots.take(v4).unwrap();
        assert!(slots.take(mapped).is_none(), "the same client over IPv6-mapped");
        assert!(PerIpSlots::new(0, &[]).take(v4).is_some(), "0: no cap");
    }
}

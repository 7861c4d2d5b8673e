//! Sockets counted per client address, so one address cannot take a whole
//! budget: visitor sockets for their lifetime, agent sockets until their
//! `hello` is accepted (before it, an agent socket is anyone's).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Open sockets per address, at most `max` each (0: no cap).
#[derive(Debug)]
pub struct PerAddress {
    max: usize,
    /// Which sockets these are, for the log.
    what: &'static str,
    open: Mutex<HashMap<IpAddr, usize>>,
    /// Whether the first refusal was logged (later ones would flood the log).
    warned: AtomicBool,
}

/// One socket's place in its address's count; given back when dropped.
#[derive(Debug)]
pub struct AddressSlot {
    owner: Arc<PerAddress>,
    ip: IpAddr,
}

impl PerAddress {
    pub fn new(max: usize, what: &'static str) -> Arc<Self> {
        let max = if max == 0 { usize::MAX } else { max };
        Arc::new(Self { max, what, open: Mutex::new(HashMap::new()), warned: AtomicBool::new(false) })
    }

    /// A slot for a socket from `ip`, or `None` when the address has `max` open.
    pub fn try_take(self: &Arc<Self>, ip: IpAddr) -> Option<AddressSlot> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let n = open.entry(ip).or_insert(0);
        if *n >= self.max {
            drop(open);
            self.warn_once(ip);
            return None;
        }
        *n += 1;
        Some(AddressSlot { owner: self.clone(), ip })
    }

    fn warn_once(&self, ip: IpAddr) {
        if !self.warned.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                %ip,
                max = self.max,
                "{} from one address reached their cap; if the relay is behind a reverse proxy, \
                 configure it as a trusted proxy so clients are told apart (logged once)",
                self.what
            );
        }
    }
}

impl Drop for AddressSlot {
    fn drop(&mut self) {
        let mut open = self.owner.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = open.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_address_has_its_own_count_and_slots_come_back() {
        let per = PerAddress::new(2, "test sockets");
        let (a, b) = (IpAddr::from([10, 0, 0, 1]), IpAddr::from([10, 0, 0, 2]));
        let first = per.try_take(a).unwrap();
        let _second = per.try_take(a).unwrap();
        assert!(per.try_take(a).is_none());
        assert!(per.try_take(b).is_some(), "another address is not held back");
        drop(first);
        assert!(per.try_take(a).is_some());
        assert!(per.open.lock().unwrap().get(&b).is_none(), "an address with nothing open is forgotten");
    }

    #[test]
    fn zero_means_no_cap() {
        let per = PerAddress::new(0, "test sockets");
        let ip = IpAddr::from([10, 0, 0, 1]);
        let held: Vec<_> = (0..1000).map(|_| per.try_take(ip).unwrap()).collect();
        assert_eq!(held.len(), 1000);
    }
}

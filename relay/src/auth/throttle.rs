//! The sign-in throttle: what stops a password from being guessed at PBKDF2
//! speed, built so that nobody can use it to lock a real agent out.
//!
//! - **Per (account, client address)**: `free_failures` failures, then growing
//!   delays — the next try is allowed 1 s after the last failure, then 2 s, 4 s…
//!   up to `window`. A stranger's failures against an email delay only the
//!   stranger; the agent at another address signs in as usual. Failures are
//!   forgotten `window` after the last one, and a success clears them.
//! - **Per client address, across accounts** (`client_max_failures` in a
//!   `window`): one address cannot spray a password over many emails. Behind a
//!   reverse proxy every client has the proxy's address unless the proxy is
//!   configured as trusted (`auth::client_addr`), so that setting matters.
//! - **Per account, across addresses** (`account_max_failures` in a `window`):
//!   a botnet's many addresses cannot each take their free tries at one email.
//!   Once reached, only addresses the account has signed in from before (since
//!   the relay started) may try, so the agent's own browser still gets in.
//!
//! **Attempts are reserved before the password is hashed.** [`LoginThrottle::begin`]
//! checks and counts the attempt as a failure in one step, under one lock, and
//! [`LoginThrottle::succeeded`] takes it back; so concurrent requests cannot
//! all pass the check while the first hashes are still running. The hashes
//! themselves are bounded by [`HashSlots`].

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The throttle's limits (from `config::Limits`).
#[derive(Debug, Clone)]
pub struct ThrottlePolicy {
    /// Failures per (account, address) before the delays start.
    pub free_failures: u32,
    /// How long failures are remembered; also the longest delay.
    pub window: Duration,
    /// Failures per address across all accounts in a window.
    pub client_max_failures: u32,
    /// Failures per account across all addresses in a window, after which only
    /// addresses the account signed in from before may try.
    pub account_max_failures: u32,
}

impl ThrottlePolicy {
    /// The first delay once the free failures are used up; it doubles with each failure.
    const FIRST_DELAY: Duration = Duration::from_secs(1);
    /// How long an address stays known to an account after a sign-in from it.
    const KNOWN_FOR: Duration = Duration::from_secs(30 * 24 * 3600);

    /// How long after its last failure a pair with `failures` may try again.
    fn delay(&self, failures: u32) -> Duration {
        let Some(over) = failures.checked_sub(self.free_failures) else { return Duration::ZERO };
        let factor = 1u32.checked_shl(over).unwrap_or(u32::MAX);
        Self::FIRST_DELAY.saturating_mul(factor).min(self.window)
    }
}

/// Failures of one (account, address) pair.
#[derive(Debug, Clone, Copy)]
struct Backoff {
    failures: u32,
    last: Instant,
}

/// Failures counted in a fixed window starting at the first.
#[derive(Debug, Clone, Copy)]
struct Window {
    count: u32,
    since: Instant,
}

type Pair = (String, IpAddr);

#[derive(Debug, Default)]
struct State {
    pairs: HashMap<Pair, Backoff>,
    clients: HashMap<IpAddr, Window>,
    accounts: HashMap<String, Window>,
    /// Last successful sign-in of an account from an address.
    known: HashMap<Pair, Instant>,
}

/// Entries a map holds before expired ones are swept, to bound memory under a
/// spray attack.
const SWEEP_AT: usize = 10_000;

/// A sign-in attempt that passed the throttle; counted as a failure unless
/// [`LoginThrottle::succeeded`] is called with it.
#[derive(Debug)]
#[must_use = "an attempt counts as failed unless it is reported as succeeded"]
pub struct Attempt {
    account: String,
    client: IpAddr,
}

/// The sign-in throttle; see the module documentation.
#[derive(Debug)]
pub struct LoginThrottle {
    policy: ThrottlePolicy,
    state: Mutex<State>,
}

impl LoginThrottle {
    pub fn new(policy: ThrottlePolicy) -> Self {
        Self { policy, state: Mutex::new(State::default()) }
    }

    /// Checks and reserves an attempt to sign in to `account` from `client`:
    /// `Err(wait)` if it must wait; otherwise the attempt is counted as a failure
    /// right away (see [`Self::succeeded`]).
    pub fn begin(&self, account: &str, client: IpAddr, now: Instant) -> Result<Attempt, Duration> {
        let p = &self.policy;
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.sweep(p, now);
        let pair = (account.to_owned(), client);
        if let Some(b) = s.pairs.get(&pair).filter(|b| live(b.last, p.window, now)) {
            let wait = (b.last + p.delay(b.failures)).saturating_duration_since(now);
            if !wait.is_zero() {
                return Err(wait);
            }
        }
        if let Some(wait) = locked(s.clients.get(&client), p.client_max_failures, p.window, now) {
            return Err(wait);
        }
        let known = s.known.get(&pair).is_some_and(|at| live(*at, ThrottlePolicy::KNOWN_FOR, now));
        if !known && let Some(wait) = locked(s.accounts.get(account), p.account_max_failures, p.window, now) {
            return Err(wait);
        }
        let b = s.pairs.entry(pair).or_insert(Backoff { failures: 0, last: now });
        if !live(b.last, p.window, now) {
            b.failures = 0;
        }
        *b = Backoff { failures: b.failures.saturating_add(1), last: now };
        count(&mut s.clients, client, p.window, now);
        count(&mut s.accounts, account.to_owned(), p.window, now);
        Ok(Attempt { account: account.to_owned(), client })
    }

    /// The attempt signed in: its failure is taken back, the pair's earlier
    /// failures are forgotten, and the address becomes known to the account.
    pub fn succeeded(&self, attempt: Attempt, now: Instant) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let Attempt { account, client } = attempt;
        uncount(&mut s.clients, &client);
        uncount(&mut s.accounts, &account);
        let pair = (account, client);
        s.pairs.remove(&pair);
        s.known.insert(pair, now);
    }
}

impl State {
    fn sweep(&mut self, p: &ThrottlePolicy, now: Instant) {
        if self.pairs.len() >= SWEEP_AT {
            self.pairs.retain(|_, b| live(b.last, p.window, now));
        }
        sweep_windows(&mut self.accounts, p.window, now);
        sweep_windows(&mut self.clients, p.window, now);
        if self.known.len() >= SWEEP_AT {
            self.known.retain(|_, at| live(*at, ThrottlePolicy::KNOWN_FOR, now));
        }
    }
}

fn sweep_windows<K: Eq + Hash>(map: &mut HashMap<K, Window>, window: Duration, now: Instant) {
    if map.len() >= SWEEP_AT {
        map.retain(|_, w| live(w.since, window, now));
    }
}

/// Whether something that happened at `at` still counts `now`.
fn live(at: Instant, window: Duration, now: Instant) -> bool {
    now.saturating_duration_since(at) < window
}

/// `Some(wait)` while a window holds `max` failures or more.
fn locked(w: Option<&Window>, max: u32, window: Duration, now: Instant) -> Option<Duration> {
    let w = w.filter(|w| live(w.since, window, now) && w.count >= max)?;
    Some((w.since + window).saturating_duration_since(now).max(Duration::from_secs(1)))
}

fn count<K: Eq + Hash>(map: &mut HashMap<K, Window>, key: K, window: Duration, now: Instant) {
    let w = map.entry(key).or_insert(Window { count: 0, since: now });
    if !live(w.since, window, now) {
        *w = Window { count: 0, since: now };
    }
    w.count = w.count.saturating_add(1);
}

fn uncount<K: Eq + Hash>(map: &mut HashMap<K, Window>, key: &K) {
    if let Some(w) = map.get_mut(key) {
        w.count = w.count.saturating_sub(1);
    }
}

/// Bounds the password hashes running at once (each is ~0.25 s of a core at
/// the default iterations). A sign-in that finds none free is refused at once
/// with a retry-after instead of queuing behind a flood.
#[derive(Debug, Clone)]
pub struct HashSlots(Arc<Semaphore>);

impl HashSlots {
    pub fn new(slots: usize) -> Self {
        Self(Arc::new(Semaphore::new(slots)))
    }

    /// A slot for one hash, held until dropped; `None` when all are taken.
    pub fn try_take(&self) -> Option<OwnedSemaphorePermit> {
        self.0.clone().try_acquire_owned().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: Duration = Duration::from_secs(60);

    fn policy() -> ThrottlePolicy {
        ThrottlePolicy { free_failures: 3, window: 15 * MIN, client_max_failures: 10, account_max_failures: 20 }
    }

    fn ip(n: u8) -> IpAddr {
        IpAddr::from([198, 51, 100, n])
    }

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    #[test]
    fn a_pair_gets_its_free_failures_then_growing_delays() {
        let t = LoginThrottle::new(policy());
        let start = Instant::now();
        for _ in 0..3 {
            let _failed = t.begin("acme:ann", ip(1), start).unwrap();
        }
        assert_eq!(t.begin("acme:ann", ip(1), start).unwrap_err(), secs(1));
        let _failed = t.begin("acme:ann", ip(1), start + secs(1)).unwrap();
        assert_eq!(t.begin("acme:ann", ip(1), start + secs(1)).unwrap_err(), secs(2));
        let _failed = t.begin("acme:ann", ip(1), start + secs(3)).unwrap();
        assert_eq!(t.begin("acme:ann", ip(1), start + secs(3)).unwrap_err(), secs(4));
        // The agent at another address is not delayed by any of it.
        let ok = t.begin("acme:ann", ip(2), start + secs(3)).unwrap();
        t.succeeded(ok, start + secs(3));
        // A window after the last failure, the pair starts over.
        let later = start + secs(3) + 15 * MIN;
        for _ in 0..3 {
            let _failed = t.begin("acme:ann", ip(1), later).unwrap();
        }
    }

    #[test]
    fn delays_stop_growing_at_the_window() {
        let p = policy();
        assert_eq!(p.delay(2), Duration::ZERO);
        assert_eq!(p.delay(3), secs(1));
        assert_eq!(p.delay(12), secs(512));
        assert_eq!(p.delay(13), 15 * MIN);
        assert_eq!(p.delay(u32::MAX), 15 * MIN);
    }

    #[test]
    fn concurrent_attempts_are_reserved_before_any_hash_finishes() {
        let t = LoginThrottle::new(policy());
        let now = Instant::now();
        let passed: Vec<_> = (0..30).filter_map(|_| t.begin("acme:ann", ip(1), now).ok()).collect();
        assert_eq!(passed.len(), 3);
    }

    #[test]
    fn a_success_takes_its_reservation_back_and_clears_the_pair() {
        let t = LoginThrottle::new(policy());
        let now = Instant::now();
        for _ in 0..2 {
            let _failed = t.begin("acme:ann", ip(1), now).unwrap();
        }
        let ok = t.begin("acme:ann", ip(1), now).unwrap();
        t.succeeded(ok, now);
        for _ in 0..3 {
            let _failed = t.begin("acme:ann", ip(1), now).unwrap();
        }
        // 2 failures, 1 success, 3 failures: the address has 5 against it, not 6.
        let s = t.state.lock().unwrap();
        assert_eq!(s.clients[&ip(1)].count, 5);
    }

    #[test]
    fn one_address_cannot_spray_many_accounts() {
        let t = LoginThrottle::new(policy());
        let now = Instant::now();
        for i in 0..10 {
            let _failed = t.begin(&format!("acme:user{i}"), ip(1), now).unwrap();
        }
        assert_eq!(t.begin("acme:user99", ip(1), now + MIN).unwrap_err(), 14 * MIN);
        assert!(t.begin("acme:user99", ip(2), now + MIN).is_ok(), "other addresses are not held back");
    }

    #[test]
    fn many_addresses_against_one_account_leave_its_known_addresses_in() {
        let t = LoginThrottle::new(policy());
        let now = Instant::now();
        let ok = t.begin("acme:ann", ip(200), now).unwrap();
        t.succeeded(ok, now);
        for n in 0..20 {
            let _failed = t.begin("acme:ann", ip(n), now).unwrap();
        }
        assert!(t.begin("acme:ann", ip(100), now).is_err(), "a new address waits");
        assert!(t.begin("acme:ann", ip(200), now).is_ok(), "the agent's own address signs in");
        assert!(t.begin("acme:bob", ip(100), now).is_ok(), "other accounts are not held back");
    }

    #[test]
    fn hash_slots_are_bounded() {
        let slots = HashSlots::new(2);
        let a = slots.try_take().unwrap();
        let _b = slots.try_take().unwrap();
        assert!(slots.try_take().is_none());
        drop(a);
        assert!(slots.try_take().is_some());
    }
}

//! Routing, as pure functions of the tenant's state: who may take a
//! conversation, which agent is best, queue order, and the wait estimate.
//! No I/O and no clock here — callers pass `now` — so the rules are tested
//! deterministically, including by property tests.

use std::cmp::Reverse;

use natter_protocol::{AgentId, ConversationId, Priority, UnixMillis};

/// An agent who could take conversations right now (online, connected).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: AgentId,
    pub skills: Vec<String>,
    /// Active conversations held.
    pub active: u32,
    pub max: u32,
    /// Since when the agent has had nothing new assigned (tie-break: longest idle first).
    pub idle_since: UnixMillis,
}

impl Candidate {
    fn can_take(&self, skill: Option<&str>) -> bool {
        self.active < self.max && skill.is_none_or(|s| self.skills.iter().any(|k| k == s))
    }
}

/// A waiting conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    pub id: ConversationId,
    pub priority: Priority,
    pub skill: Option<String>,
    pub queued_at: UnixMillis,
}

/// Sorts the queue: higher priority first, then earlier arrival, then id.
pub fn order_queue(queue: &mut [Waiting]) {
    queue.sort_by_key(|w| (Reverse(w.priority), w.queued_at, w.id));
}

/// The best candidate for a conversation needing `skill`: has the skill and room,
/// fewest active chats, then longest idle, then lowest id.
pub fn best_agent(candidates: &[Candidate], skill: Option<&str>) -> Option<usize> {
    candidates
        .iter()
        .enumerate()
        .filter(|(_, c)| c.can_take(skill))
        .min_by_key(|(_, c)| (c.active, c.idle_since, c.id))
        .map(|(i, _)| i)
}

/// Assigns as much of the queue (in queue order) as the candidates have room
/// for. A conversation nobody can take is skipped, so a later one with another
/// skill can still be served. Updates the candidates' loads.
pub fn drain(queue: &[Waiting], candidates: &mut [Candidate], now: UnixMillis) -> Vec<(ConversationId, AgentId)> {
    let mut ordered = queue.to_vec();
    order_queue(&mut ordered);
    let mut assigned = Vec::new();
    for w in &ordered {
        if let Some(i) = best_agent(candidates, w.skill.as_deref()) {
            let c = &mut candidates[i];
            c.active += 1;
            c.idle_since = now;
            assigned.push((w.id, c.id));
        }
    }
    assigned
}

/// Estimated seconds until the conversation at `position` (1 = next) is taken:
/// the median recent handling time, times the rounds of the online capacity
/// that must free up before it. `None` when nobody is online.
///
/// With `capacity` concurrent chats across online agents, a slot frees on
/// average every `median / capacity` seconds, so position `p` waits about
/// `p * median / capacity`.
pub fn estimate_wait_secs(position: u32, median_handling_secs: u32, capacity: u32) -> Option<u32> {
    if capacity == 0 {
        return None;
    }
    let secs = u64::from(position) * u64::from(median_handling_secs) / u64::from(capacity);
    Some(u32::try_from(secs).unwrap_or(u32::MAX))
}

/// The median of recent handling times, or `fallback` with no history.
pub fn median(mut secs: Vec<u32>, fallback: u32) -> u32 {
    if secs.is_empty() {
        return fallback;
    }
    secs.sort_unstable();
    secs[secs.len() / 2]
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn agent(id: u64, skills: &[&str], active: u32, max: u32, idle: i64) -> Candidate {
        Candidate {
            id: AgentId(id),
            skills: skills.iter().map(|s| s.to_string()).collect(),
            active,
            max,
            idle_since: UnixMillis(idle),
        }
    }

    fn waiting(id: u64, priority: Priority, skill: Option<&str>, at: i64) -> Waiting {
        Waiting { id: ConversationId(id), priority, skill: skill.map(str::to_owned), queued_at: UnixMillis(at) }
    }

    #[test]
    fn picks_fewest_chats_then_longest_idle() {
        let agents = [agent(1, &[], 2, 5, 0), agent(2, &[], 1, 5, 50), agent(3, &[], 1, 5, 10)];
        assert_eq!(best_agent(&agents, None), Some(2), "agent 3: as few chats as 2, idle longer");
    }

    #[test]
    fn respects_skills_and_limits() {
        let agents = [agent(1, &["billing"], 5, 5, 0), agent(2, &["sales"], 0, 5, 0)];
        assert_eq!(best_agent(&agents, Some("billing")), None, "the billing agent is full");
        assert_eq!(best_agent(&agents, Some("sales")), Some(1));
        assert_eq!(best_agent(&agents, None), Some(1));
    }

    #[test]
    fn queue_is_priority_then_arrival() {
        let mut q = vec![
            waiting(1, Priority::Normal, None, 10),
            waiting(2, Priority::Urgent, None, 30),
            waiting(3, Priority::High, None, 20),
            waiting(4, Priority::Normal, None, 5),
        ];
        order_queue(&mut q);
        let ids: Vec<u64> = q.iter().map(|w| w.id.0).collect();
        assert_eq!(ids, vec![2, 3, 4, 1]);
    }

    #[test]
    fn drain_skips_what_nobody_can_take() {
        let q = [waiting(1, Priority::Urgent, Some("billing"), 0), waiting(2, Priority::Normal, None, 5)];
        let mut agents = [agent(7, &["sales"], 0, 1, 0)];
        assert_eq!(drain(&q, &mut agents, UnixMillis(100)), vec![(ConversationId(2), AgentId(7))]);
    }

    #[test]
    fn estimates_scale_with_position_and_capacity() {
        assert_eq!(estimate_wait_secs(1, 300, 0), None);
        assert_eq!(estimate_wait_secs(1, 300, 10), Some(30));
        assert_eq!(estimate_wait_secs(4, 300, 2), Some(600));
        assert_eq!(median(vec![], 240), 240);
        assert_eq!(median(vec![500, 100, 300], 0), 300);
    }

    fn arb_agents() -> impl Strategy<Value = Vec<Candidate>> {
        prop::collection::vec((0u32..4, 1u32..4, 0i64..100, prop::sample::subsequence(vec!["a", "b"], 0..=2)), 0..6)
            .prop_map(|v| {
                v.into_iter()
                    .enumerate()
                    .map(|(i, (active, max, idle, skills))| agent(i as u64 + 1, &skills, active.min(max), max, idle))
                    .collect()
            })
    }

    fn arb_queue() -> impl Strategy<Value = Vec<Waiting>> {
        prop::collection::vec(
            (
                prop_oneof![Just(Priority::Normal), Just(Priority::High), Just(Priority::Urgent)],
                prop_oneof![Just(None), Just(Some("a")), Just(Some("b")), Just(Some("c"))],
                0i64..1000,
            ),
            0..20,
        )
        .prop_map(|v| v.into_iter().enumerate().map(|(i, (p, s, at))| waiting(i as u64 + 1, p, s, at)).collect())
    }

    proptest! {
        /// No agent ever exceeds their limit, and nobody gets a skill they lack.
        #[test]
        fn drain_never_exceeds_limits_or_skills(queue in arb_queue(), agents in arb_agents()) {
            let mut after = agents.clone();
            let assigned = drain(&queue, &mut after, UnixMillis(5000));
            for c in &after {
                prop_assert!(c.active <= c.max);
            }
            for (conv, agent_id) in &assigned {
                let w = queue.iter().find(|w| w.id == *conv).unwrap();
                let a = agents.iter().find(|a| a.id == *agent_id).unwrap();
                if let Some(s) = &w.skill {
                    prop_assert!(a.skills.contains(s));
                }
            }
            let mut ids: Vec<_> = assigned.iter().map(|(c, _)| *c).collect();
            ids.dedup();
            prop_assert_eq!(ids.len(), assigned.len(), "each conversation assigned once");
        }

        /// Whatever stays waiting could not have been taken by anyone.
        #[test]
        fn nothing_waits_while_an_eligible_agent_has_room(queue in arb_queue(), agents in arb_agents()) {
            let mut after = agents.clone();
            let assigned = drain(&queue, &mut after, UnixMillis(5000));
            for w in queue.iter().filter(|w| !assigned.iter().any(|(c, _)| *c == w.id)) {
                prop_assert!(best_agent(&after, w.skill.as_deref()).is_none(), "{:?} left waiting", w);
            }
        }

        /// Among conversations needing no skill, assignment follows queue order:
        /// an assigned one never ranks behind one left waiting.
        #[test]
        fn assignment_follows_priority_then_arrival(queue in arb_queue(), agents in arb_agents()) {
            let plain: Vec<Waiting> = queue.into_iter().map(|mut w| { w.skill = None; w }).collect();
            let mut after = agents;
            let assigned = drain(&plain, &mut after, UnixMillis(5000));
            let mut ordered = plain.clone();
            order_queue(&mut ordered);
            let taken: Vec<bool> = ordered.iter().map(|w| assigned.iter().any(|(c, _)| *c == w.id)).collect();
            // Once one is left waiting, nothing later in the order is taken.
            if let Some(first_left) = taken.iter().position(|t| !t) {
                prop_assert!(taken[first_left..].iter().all(|t| !t));
            }
        }
    }
}

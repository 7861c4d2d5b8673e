//! The inbox's tabs: which conversations each shows, in which order, and the
//! count on each tab's badge.

use std::cmp::Reverse;
use std::collections::BTreeSet;

use natter_protocol::{AgentId, ConversationId, ConversationStatus};

use super::conv::ConvState;

/// Inbox tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum InboxTab {
    /// The queue, in the relay's order (priority, then waiting time).
    #[default]
    Waiting,
    /// Active conversations assigned to this agent.
    Mine,
    /// Every active conversation of the tenant.
    AllActive,
    /// Closed conversations, newest first, searchable: those closed while this
    /// console was open and those the relay's history search found.
    Closed,
}

impl InboxTab {
    pub const ALL: [InboxTab; 4] = [InboxTab::Waiting, InboxTab::Mine, InboxTab::AllActive, InboxTab::Closed];

    /// Whether a conversation belongs on this tab for agent `me`.
    pub fn contains(self, c: &ConvState, me: AgentId) -> bool {
        match self {
            InboxTab::Waiting => c.summary.status == ConversationStatus::Waiting,
            InboxTab::Mine => c.assigned_to(me),
            InboxTab::AllActive => c.summary.status == ConversationStatus::Active,
            InboxTab::Closed => c.summary.status == ConversationStatus::Closed,
        }
    }
}

/// The conversations of `tab` in display order. `search` (lowercased) filters
/// every tab, which also shows `hits`: what the relay found for that text in
/// messages this console has not loaded (and, on the Closed tab, the relay's
/// listing).
pub fn rows<'a>(
    convs: impl Iterator<Item = &'a ConvState>,
    tab: InboxTab,
    me: AgentId,
    search: &str,
    hits: &BTreeSet<ConversationId>,
) -> Vec<&'a ConvState> {
    let mut list: Vec<&ConvState> =
        convs.filter(|c| tab.contains(c, me)).filter(|c| c.matches(search) || hits.contains(&c.id())).collect();
    match tab {
        // The relay's queue order: its position when it sends one, else its rule
        // (higher priority first, then arrival).
        InboxTab::Waiting => list.sort_by_key(|c| {
            (
                c.summary.queue_position.unwrap_or(u32::MAX),
                Reverse(c.summary.priority),
                c.summary.created_at,
                c.summary.id,
            )
        }),
        // Newest activity first; a conversation just given to this agent and not
        // yet opened goes above everything, so it cannot be missed.
        InboxTab::Mine | InboxTab::AllActive => list.sort_by(|a, b| {
            b.assigned_new
                .cmp(&a.assigned_new)
                .then(b.last_activity().cmp(&a.last_activity()))
                .then(a.id().cmp(&b.id()))
        }),
        InboxTab::Closed => list.sort_by(|a, b| {
            b.summary.closed_at.unwrap_or(b.last_activity()).cmp(&a.summary.closed_at.unwrap_or(a.last_activity()))
        }),
    }
    list
}

/// Ids in display order (what keyboard navigation walks).
pub fn row_ids<'a>(
    convs: impl Iterator<Item = &'a ConvState>,
    tab: InboxTab,
    me: AgentId,
    search: &str,
    hits: &BTreeSet<ConversationId>,
) -> Vec<ConversationId> {
    rows(convs, tab, me, search, hits).into_iter().map(ConvState::id).collect()
}

/// The badge on a tab: how many conversations it lists.
pub fn count<'a>(convs: impl Iterator<Item = &'a ConvState>, tab: InboxTab, me: AgentId) -> usize {
    convs.filter(|c| tab.contains(c, me)).count()
}

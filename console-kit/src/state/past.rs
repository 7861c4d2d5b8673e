//! Conversations fetched from the relay (`GET /v1/agent/conversations`): the
//! inbox search over the whole history (open and closed conversations, names,
//! emails and message text, optionally one tag), the Closed tab's listing and
//! the tenant's count of closed conversations, and each visitor's earlier
//! conversations shown beside the one open.

use std::collections::BTreeSet;

use natter_protocol::{
    ConversationId, ConversationPage, ConversationQuery, ConversationStatus, ConversationSummary, SearchStatus, TagId,
    VisitorId,
};

use super::inbox::InboxTab;
use super::{Effect, Store};

/// How many earlier conversations of a visitor the details pane lists.
pub const EARLIER_LIMIT: u32 = 10;

/// What one request to the relay is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// The inbox search for this text (every status) or, without text, the
    /// Closed tab's listing; a later page when `before` is set.
    Search { q: String, tag: Option<TagId>, before: Option<ConversationId> },
    /// Only the tenant's number of closed conversations (the Closed tab's badge).
    ClosedTotal,
    /// A visitor's conversations.
    Visitor(VisitorId),
}

impl Lookup {
    pub fn query(&self) -> ConversationQuery {
        match self {
            Lookup::Search { q, tag, before } => {
                let q = Some(q.trim().to_owned()).filter(|q| !q.is_empty());
                // A text search covers open conversations too; a listing is the Closed tab's.
                let status = q.is_some().then_some(SearchStatus::Any);
                ConversationQuery { q, before: *before, status, tag: *tag, ..ConversationQuery::default() }
            }
            Lookup::ClosedTotal => ConversationQuery { limit: Some(1), ..ConversationQuery::default() },
            Lookup::Visitor(v) => ConversationQuery {
                visitor: Some(v.clone()),
                limit: Some(EARLIER_LIMIT),
                ..ConversationQuery::default()
            },
        }
    }

    /// The query string of the request, `?` included.
    pub fn query_string(&self, encode: impl Fn(&str) -> String) -> String {
        let q = self.query();
        let mut parts = Vec::new();
        if let Some(text) = &q.q {
            parts.push(format!("q={}", encode(text)));
        }
        if let Some(v) = &q.visitor {
            parts.push(format!("visitor={}", encode(v.as_str())));
        }
        if let Some(b) = q.before {
            parts.push(format!("before={}", b.0));
        }
        if let Some(l) = q.limit {
            parts.push(format!("limit={l}"));
        }
        if q.status == Some(SearchStatus::Any) {
            parts.push("status=any".to_owned());
        }
        if let Some(t) = q.tag {
            parts.push(format!("tag={}", t.0));
        }
        if parts.is_empty() { String::new() } else { format!("?{}", parts.join("&")) }
    }
}

/// The relay's answer for the inbox's current search text and tag.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HistorySearch {
    /// The search text and tag these results are for.
    pub q: String,
    pub tag: Option<TagId>,
    /// Conversations the relay found (their summaries are in the store's map).
    pub hits: BTreeSet<ConversationId>,
    /// The relay has more: a "Load more" button asks for the next page.
    pub more: bool,
    pub loading: bool,
    /// The last request failed (the relay unreachable or refusing).
    pub failed: bool,
    /// The tenant's number of closed conversations, kept current as
    /// conversations close and reopen here (`None` until the relay said).
    pub closed_total: Option<u64>,
}

impl Store {
    /// Whether the relay is asked: on the Closed tab (its listing), or for a search text.
    fn history_wanted(&self) -> bool {
        self.tab == InboxTab::Closed || !self.search.trim().is_empty()
    }

    /// Asks the relay again from the start if the tab, text or tag call for it.
    pub(super) fn refresh_history(&mut self, fx: &mut Vec<Effect>) {
        if self.history_wanted() {
            self.search_history(None, fx);
        } else {
            let closed_total = self.history.closed_total;
            self.history = HistorySearch { closed_total, ..HistorySearch::default() };
        }
    }

    /// The next page of the current search.
    pub(super) fn more_history(&mut self, fx: &mut Vec<Effect>) {
        let last = self.history.hits.first().copied();
        if self.history.more && !self.history.loading {
            self.search_history(last, fx);
        }
    }

    /// Asks the relay for the conversations matching the search text and tag
    /// (from the start, or older than `before`).
    fn search_history(&mut self, before: Option<ConversationId>, fx: &mut Vec<Effect>) {
        let Some(token) = self.session.as_ref().map(|s| s.token.clone()) else { return };
        let (q, tag) = (self.search.trim().to_owned(), self.desk.tag_filter);
        if before.is_none() {
            let closed_total = self.history.closed_total;
            self.history = HistorySearch { q: q.clone(), tag, closed_total, ..HistorySearch::default() };
        }
        self.history.loading = true;
        self.history.failed = false;
        fx.push(Effect::FindConversations { token, lookup: Lookup::Search { q, tag, before } });
    }

    /// Asks for the tenant's number of closed conversations (after sign-in).
    pub(super) fn ask_closed_total(&mut self, fx: &mut Vec<Effect>) {
        let Some(token) = self.session.as_ref().map(|s| s.token.clone()) else { return };
        fx.push(Effect::FindConversations { token, lookup: Lookup::ClosedTotal });
    }

    /// Asks once per visitor for their conversations (shown beside the open one).
    pub(super) fn load_earlier(&mut self, id: ConversationId, fx: &mut Vec<Effect>) {
        let Some(token) = self.session.as_ref().map(|s| s.token.clone()) else { return };
        let Some(visitor) = self.convs.get(&id).map(|c| c.summary.visitor_id.clone()) else { return };
        if self.earlier.contains_key(&visitor) {
            return;
        }
        self.earlier.insert(visitor.clone(), None);
        fx.push(Effect::FindConversations { token, lookup: Lookup::Visitor(visitor) });
    }

    pub(super) fn found(&mut self, lookup: Lookup, page: Result<ConversationPage, String>) {
        match (lookup, page) {
            (Lookup::Search { q, tag, .. }, _) if q != self.history.q || tag != self.history.tag => {} // an older search's answer
            (Lookup::Search { q, tag, before }, Ok(page)) => {
                self.history.loading = false;
                self.history.more = page.more;
                if q.is_empty() && tag.is_none() && before.is_none() && page.total.is_some() {
                    self.history.closed_total = page.total;
                }
                for summary in page.conversations {
                    self.history.hits.insert(summary.id);
                    self.remember(summary);
                }
            }
            (Lookup::Search { .. }, Err(_)) => {
                self.history.loading = false;
                self.history.failed = true;
            }
            (Lookup::ClosedTotal, Ok(page)) => self.history.closed_total = page.total.or(self.history.closed_total),
            // The badge counts what this console holds until the next try.
            (Lookup::ClosedTotal, Err(_)) => {}
            (Lookup::Visitor(v), Ok(page)) => {
                let ids = page.conversations.iter().map(|c| c.id).collect();
                for summary in page.conversations {
                    self.remember(summary);
                }
                self.earlier.insert(v, Some(ids));
            }
            // Asked again the next time one of their conversations opens.
            (Lookup::Visitor(v), Err(_)) => {
                self.earlier.remove(&v);
            }
        }
    }

    /// Keeps the tenant's closed count current as a conversation this console
    /// sees closes or reopens.
    pub(super) fn count_status_change(&mut self, was: ConversationStatus, now: ConversationStatus) {
        let Some(total) = self.history.closed_total.as_mut() else { return };
        match (was == ConversationStatus::Closed, now == ConversationStatus::Closed) {
            (false, true) => *total += 1,
            (true, false) => *total = total.saturating_sub(1),
            _ => {}
        }
    }

    /// Keeps a summary from the history; what the socket said is fresher and wins.
    fn remember(&mut self, summary: ConversationSummary) {
        self.convs.entry(summary.id).or_insert_with(|| std::rc::Rc::new(super::conv::ConvState::new(summary)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_carry_only_what_is_set() {
        let enc = |s: &str| s.replace(' ', "%20").replace('&', "%26");
        assert_eq!(Lookup::Search { q: "  ".into(), tag: None, before: None }.query_string(enc), "");
        assert_eq!(
            Lookup::Search { q: " late & lost ".into(), tag: Some(TagId(3)), before: Some(ConversationId(9)) }
                .query_string(enc),
            "?q=late%20%26%20lost&before=9&status=any&tag=3"
        );
        assert_eq!(Lookup::Search { q: String::new(), tag: Some(TagId(3)), before: None }.query_string(enc), "?tag=3");
        assert_eq!(Lookup::ClosedTotal.query_string(enc), "?limit=1");
        let v = VisitorId::parse("AAAAAAAAAAAAAAAAAAAAAA").unwrap();
        assert_eq!(Lookup::Visitor(v).query_string(enc), "?visitor=AAAAAAAAAAAAAAAAAAAAAA&limit=10");
    }
}

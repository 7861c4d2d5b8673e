//! Past conversations fetched from the relay (`GET /v1/agent/conversations`):
//! the Closed tab's search over the whole history, and each visitor's earlier
//! conversations shown beside the one open.

use std::collections::BTreeSet;

use natter_protocol::{ConversationId, ConversationQuery, VisitorId};

/// How many earlier conversations of a visitor the details pane lists.
pub const EARLIER_LIMIT: u32 = 10;

/// What one request to the relay is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// The Closed tab for this search text; a later page when `before` is set.
    Closed { q: String, before: Option<ConversationId> },
    /// A visitor's conversations.
    Visitor(VisitorId),
}

impl Lookup {
    pub fn query(&self) -> ConversationQuery {
        match self {
            Lookup::Closed { q, before } => ConversationQuery {
                q: Some(q.trim().to_owned()).filter(|q| !q.is_empty()),
                before: *before,
                ..ConversationQuery::default()
            },
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
        if parts.is_empty() { String::new() } else { format!("?{}", parts.join("&")) }
    }
}

/// The relay's answer for the Closed tab's current search text.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ClosedSearch {
    /// The search text these results are for.
    pub q: String,
    /// Conversations the relay found (their summaries are in the store's map).
    pub hits: BTreeSet<ConversationId>,
    /// The relay has more: a "Load more" button asks for the next page.
    pub more: bool,
    pub loading: bool,
    /// The last request failed (the relay unreachable or refusing).
    pub failed: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_carry_only_what_is_set() {
        let enc = |s: &str| s.replace(' ', "%20").replace('&', "%26");
        assert_eq!(Lookup::Closed { q: "  ".into(), before: None }.query_string(enc), "");
        assert_eq!(
            Lookup::Closed { q: " late & lost ".into(), before: Some(ConversationId(9)) }.query_string(enc),
            "?q=late%20%26%20lost&before=9"
        );
        let v = VisitorId::parse("AAAAAAAAAAAAAAAAAAAAAA").unwrap();
        assert_eq!(Lookup::Visitor(v).query_string(enc), "?visitor=AAAAAAAAAAAAAAAAAAAAAA&limit=10");
    }
}

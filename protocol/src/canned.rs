//! Canned responses: saved replies an agent inserts with `/` in the composer.
//! Shared ones belong to the tenant (owners and admins manage them), personal
//! ones to one agent. Their text may hold variables, filled in by the console
//! before sending ([`render`]), and a set of quick-reply buttons.

use serde::{Deserialize, Serialize};

use crate::ids::UnixMillis;

/// A canned response id, unique within its tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u64", into = "u64")]
pub struct CannedId(pub u64);

impl TryFrom<u64> for CannedId {
    type Error = crate::InvalidId;
    fn try_from(n: u64) -> Result<Self, crate::InvalidId> {
        if n <= crate::MAX_NUMBER_ID {
            Ok(Self(n))
        } else {
            Err(crate::InvalidId { kind: "canned response id", reason: "must be at most 9223372036854775807" })
        }
    }
}

impl From<CannedId> for u64 {
    fn from(id: CannedId) -> u64 {
        id.0
    }
}

impl std::fmt::Display for CannedId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// Whose a canned response is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CannedScope {
    /// The whole team's; owners and admins change them.
    Shared,
    /// One agent's own.
    Personal,
}

/// A canned response as listed (`GET /v1/agent/canned`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CannedResponse {
    pub id: CannedId,
    pub scope: CannedScope,
    /// What the agent types after `/` to find it: `a-z 0-9 - _`, 1–32.
    pub shortcut: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The reply, with variables such as `{{visitor.name|there}}`.
    pub text: String,
    /// Buttons offered to the visitor with the message (at most 6).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quick_replies: Vec<String>,
    /// How often agents used it; the picker sorts by it.
    pub uses: u64,
    pub updated_at: UnixMillis,
}

/// `POST /v1/agent/canned`, `PUT /v1/agent/canned/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CannedDraft {
    pub scope: CannedScope,
    pub shortcut: String,
    #[serde(default)]
    pub category: Option<String>,
    pub text: String,
    #[serde(default)]
    pub quick_replies: Vec<String>,
}

/// Answer to `POST /v1/agent/canned/import`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CannedImported {
    pub imported: u32,
}

/// The variables a canned text may use.
pub const CANNED_VARIABLES: &[&str] = &["visitor.name", "visitor.email", "agent.name", "shop.name", "conversation.id"];

/// One piece of a canned text: plain text, or a variable with its fallback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CannedPart<'a> {
    Text(&'a str),
    Variable { name: &'a str, fallback: Option<&'a str> },
}

/// Splits a canned text into text and `{{name}}` / `{{name|fallback}}` parts.
/// A `{{` without a closing `}}` is text.
pub fn canned_parts(text: &str) -> Vec<CannedPart<'_>> {
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        let Some(close) = rest[open + 2..].find("}}") else { break };
        if open > 0 {
            parts.push(CannedPart::Text(&rest[..open]));
        }
        let inner = &rest[open + 2..open + 2 + close];
        let (name, fallback) = match inner.split_once('|') {
            Some((name, fallback)) => (name.trim(), Some(fallback)),
            None => (inner.trim(), None),
        };
        parts.push(CannedPart::Variable { name, fallback });
        rest = &rest[open + 2 + close + 2..];
    }
    if !rest.is_empty() {
        parts.push(CannedPart::Text(rest));
    }
    parts
}

/// Fills a canned text in: each variable's value, else its fallback, else
/// nothing. `value` answers a variable's value when it is known and not blank.
pub fn render_canned(text: &str, value: impl Fn(&str) -> Option<String>) -> String {
    canned_parts(text)
        .into_iter()
        .map(|part| match part {
            CannedPart::Text(t) => t.to_owned(),
            CannedPart::Variable { name, fallback } => {
                value(name).filter(|v| !v.trim().is_empty()).or_else(|| fallback.map(str::to_owned)).unwrap_or_default()
            }
        })
        .collect()
}

/// The first variable a text uses that is not one of [`CANNED_VARIABLES`].
pub fn unknown_canned_variable(text: &str) -> Option<&str> {
    canned_parts(text).into_iter().find_map(|part| match part {
        CannedPart::Variable { name, .. } if !CANNED_VARIABLES.contains(&name) => Some(name),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_take_their_value_else_their_fallback_else_nothing() {
        let value = |name: &str| match name {
            "agent.name" => Some("Ann".to_owned()),
            "visitor.name" => Some("  ".to_owned()),
            _ => None,
        };
        let text = "Hi {{visitor.name|there}}, {{ agent.name }} here. Order {{conversation.id}}.";
        assert_eq!(render_canned(text, value), "Hi there, Ann here. Order .");
        assert_eq!(render_canned("no {{ end", value), "no {{ end");
        assert_eq!(unknown_canned_variable("{{visitor.name}} {{visitor.phone}}"), Some("visitor.phone"));
        assert_eq!(unknown_canned_variable(text), None);
    }
}

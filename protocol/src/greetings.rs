//! Proactive greetings: rules a shop sets (in its widget settings) for when the
//! loader shows a teaser next to the bubble, or opens the chat, on its own. The
//! rules are public (the loader evaluates them in the visitor's browser).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// At most this many rules per tenant.
pub const MAX_GREETING_RULES: usize = 10;

/// One rule: where, when and to whom, and what to show. A page view shows at
/// most one greeting (the first rule that matches), and a visitor sees at most
/// one every `greetings_every_hours`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GreetingRule {
    /// For the shop's own list; 1–60 characters.
    pub name: String,
    /// Which pages: matched against the page's path and query (`/products/tea?x=1`),
    /// `*` standing for any run of characters; empty: every page. ≤ 200 characters.
    pub url_pattern: String,
    /// Seconds on the page first (0–3600).
    pub min_seconds_on_page: u32,
    /// How far down the page the visitor scrolled first, in percent (0–100).
    pub min_scroll_percent: u8,
    pub audience: GreetingAudience,
    /// Only while the shop is open (business hours).
    pub business_hours_only: bool,
    /// The greeting, 1–200 characters; `texts` may give it per language (`en`, `th`).
    pub text: String,
    pub texts: BTreeMap<String, String>,
    pub action: GreetingAction,
}

impl Default for GreetingRule {
    fn default() -> Self {
        Self {
            name: String::new(),
            url_pattern: String::new(),
            min_seconds_on_page: 0,
            min_scroll_percent: 0,
            audience: GreetingAudience::Everyone,
            business_hours_only: true,
            text: String::new(),
            texts: BTreeMap::new(),
            action: GreetingAction::Teaser,
        }
    }
}

/// Which visitors a rule greets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GreetingAudience {
    Everyone,
    /// Visitors on their first visit (no earlier visit remembered by the loader).
    New,
    /// Visitors who came before, in an earlier browser session.
    Returning,
}

/// What a matching rule does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GreetingAction {
    /// A small bubble with the greeting next to the launcher (no layout shift).
    Teaser,
    /// Opens the chat panel.
    Open,
}

impl GreetingRule {
    /// The greeting for a visitor speaking `lang`, else the default text.
    pub fn text_for(&self, lang: &str) -> &str {
        self.texts.get(lang).map_or(self.text.as_str(), String::as_str)
    }
}

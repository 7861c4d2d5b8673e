//! CSAT and KPIs on the wire: the tenant's survey and target settings, the
//! visitor's rating, and the bodies of `/v1/admin/metrics/*` and
//! `/v1/admin/ratings`. What each figure means is in `METRICS.md`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ids::{AgentId, ConversationId, UnixMillis};

/// Longest rating comment, in characters.
pub const MAX_RATING_COMMENT_CHARS: usize = 1000;

/// The post-chat survey (`csat` in the tenant settings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CsatSettings {
    /// Ask visitors to rate a conversation once it closes (off by default).
    pub enabled: bool,
    /// ≤ 200 characters; every language's, unless `texts` has one for it;
    /// `None`: the widget's built-in question.
    pub question: Option<String>,
    /// The question per language (`en`, `th`), over `question`.
    pub texts: BTreeMap<String, CsatTexts>,
    /// Seconds after the close before the widget shows the survey (0–3600).
    pub delay_secs: u32,
    /// Hours after the close during which a rating may be given or changed
    /// once (1–720).
    pub expiry_hours: u32,
}

impl Default for CsatSettings {
    fn default() -> Self {
        Self { enabled: false, question: None, texts: BTreeMap::new(), delay_secs: 0, expiry_hours: 168 }
    }
}

impl CsatSettings {
    /// The question for a visitor speaking `lang`: that language's, else the
    /// default; `None`: the client's built-in text.
    pub fn question_for(&self, lang: &str) -> Option<&str> {
        self.texts.get(lang).and_then(|t| t.question.as_deref()).or(self.question.as_deref())
    }
}

/// The survey's texts in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct CsatTexts {
    /// ≤ 200 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
}

/// How KPIs are computed and judged (`metrics` in the tenant settings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsSettings {
    /// A closed conversation whose visitor opens another within this many
    /// days was not resolved at first contact (1–30).
    pub fcr_reopen_days: u32,
    /// Plain agents may see every agent's scorecard (`false`: their own only).
    pub agents_see_team: bool,
    pub targets: KpiTargets,
}

impl Default for MetricsSettings {
    fn default() -> Self {
        Self { fcr_reopen_days: 3, agents_see_team: false, targets: KpiTargets::default() }
    }
}

/// The tenant's targets; `None`: no target, no status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KpiTargets {
    /// Median first response at most this (seconds).
    pub frt_secs: Option<u32>,
    /// Average resolution at most this (seconds).
    pub resolution_secs: Option<u32>,
    /// Average rating at least this, in hundredths (450 = 4.50).
    pub csat_avg_x100: Option<u32>,
    /// FCR rate at least this percentage.
    pub fcr_pct: Option<u32>,
    /// Missed rate at most this percentage.
    pub missed_pct: Option<u32>,
    /// How far past its target a figure is yellow before it is red, in
    /// percent of the target (0–100).
    pub yellow_margin_pct: u32,
}

impl Default for KpiTargets {
    fn default() -> Self {
        Self {
            frt_secs: Some(120),
            resolution_secs: None,
            csat_avg_x100: Some(450),
            fcr_pct: None,
            missed_pct: Some(5),
            yellow_margin_pct: 20,
        }
    }
}

/// A conversation's rating, as agents see it on the conversation and in lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    /// 1 to 5.
    pub score: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    pub rated_at: UnixMillis,
    /// The visitor changed it once (no further change is possible).
    #[serde(default)]
    pub changed: bool,
}

/// One rating in `GET /v1/admin/ratings`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingRecord {
    pub conversation_id: ConversationId,
    /// The conversation's last assigned agent; `None`: never assigned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<AgentId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visitor_name: Option<String>,
    #[serde(flatten)]
    pub rating: Rating,
    /// `widget` or `link` (the rating page).
    pub via: String,
}

/// `GET /v1/admin/ratings`: newest first; `next_before` pages on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingPage {
    pub ratings: Vec<RatingRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_before: Option<UnixMillis>,
}

/// `GET /v1/admin/metrics/live`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveKpis {
    pub at: UnixMillis,
    pub waiting: u32,
    pub active: u32,
    /// Now minus the queue time of the longest-waiting conversation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longest_wait_ms: Option<i64>,
    pub agents_online: u32,
    pub agents_away: u32,
    pub agents_busy: u32,
    pub agents_offline: u32,
}

/// The figures of a period (see `METRICS.md` for each).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct KpiFigures {
    pub conversations: u64,
    pub closed: u64,
    pub answered: u64,
    pub missed: u64,
    pub offline: u64,
    pub transfers: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missed_rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frt_median_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frt_p90_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frt_avg_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution_avg_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution_median_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_avg_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fcr_rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csat_avg: Option<f64>,
    /// Ratings of 1, 2, 3, 4 and 5.
    pub csat_distribution: [u64; 5],
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csat_satisfied_rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csat_response_rate: Option<f64>,
}

/// Green: the target is met; yellow: missed within the margin; red: beyond.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetStatus {
    Green,
    Yellow,
    Red,
}

/// Which way a figure moved against the previous period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrendDirection {
    Up,
    Down,
    Flat,
}

/// One judged figure of a summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JudgedFigure {
    /// `frt_median_ms`, `resolution_avg_ms`, `csat_avg`, `fcr_rate`, `missed_rate`.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<f64>,
    /// The target in the figure's own unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<TargetStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trend: Option<TrendDirection>,
    /// Whether the move is for the better (absent when flat or unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub better: Option<bool>,
}

/// `GET /v1/admin/metrics/summary`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiSummary {
    /// Local dates `YYYY-MM-DD`, both included.
    pub from: String,
    pub to: String,
    pub timezone: String,
    pub figures: KpiFigures,
    /// The period of the same length just before.
    pub previous: KpiFigures,
    pub judged: Vec<JudgedFigure>,
    /// Conversations per agent (the last assigned one) in the period.
    pub per_agent: Vec<AgentCount>,
}

/// Conversations attributed to one agent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentCount {
    pub agent_id: AgentId,
    pub conversations: u64,
}

/// One day of `GET /v1/admin/metrics/trends`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendPoint {
    pub day: String,
    pub figures: KpiFigures,
}

/// `GET /v1/admin/metrics/trends`: one point per day, oldest first, every day
/// present (empty days have zero counts).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trends {
    pub timezone: String,
    pub days: Vec<TrendPoint>,
}

/// `GET /v1/admin/metrics/heatmap`: conversations created, by local weekday
/// (`counts[0]` is Monday) and hour (0–23).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Heatmap {
    pub from: String,
    pub to: String,
    pub timezone: String,
    pub counts: Vec<Vec<u64>>,
}

/// One agent's row of `GET /v1/admin/metrics/agents`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentScorecard {
    pub agent_id: AgentId,
    pub name: String,
    pub chats: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frt_avg_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution_avg_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csat_avg: Option<f64>,
    pub ratings: u64,
    pub transfers: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fcr_rate: Option<f64>,
}

/// `GET /v1/admin/metrics/agents`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scorecards {
    pub from: String,
    pub to: String,
    pub agents: Vec<AgentScorecard>,
}

/// One group of `GET /v1/admin/metrics/breakdown`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BreakdownRow {
    /// The skill, tag name or closed reason; `None`: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    pub conversations: u64,
    pub missed: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frt_avg_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution_avg_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csat_avg: Option<f64>,
}

/// `GET /v1/admin/metrics/breakdown`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Breakdown {
    /// `skill`, `tag` or `closed_reason`.
    pub by: String,
    pub from: String,
    pub to: String,
    pub rows: Vec<BreakdownRow>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csat_question_falls_back_from_language_to_default() {
        let mut s = CsatSettings { question: Some("How did we do?".into()), ..CsatSettings::default() };
        s.texts.insert(
            "th".into(),
            CsatTexts {
                question: Some("เราบริการเป็นอย่างไรบ้าง".into())
            },
        );
        assert_eq!(s.question_for("th"), Some("เราบริการเป็นอย่างไรบ้าง"));
        assert_eq!(s.question_for("en"), Some("How did we do?"));
        assert!(!CsatSettings::default().enabled);
    }
}

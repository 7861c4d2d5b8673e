//! The Analytics screen's state (console-admin's `analytics/`): what it shows of
//! the KPI API, which period, which charts are shown as tables, the ratings
//! list and the exports. Pure: the screen runs its own reducer of
//! [`AnalyticsState`] (not the console's `Store`, so the inbox never links it)
//! and carries out the [`Call`]s it returns, answering with [`Answer`]s.
//!
//! Refreshes coalesce: a report asked again while its previous request is out
//! is marked stale and fetched once more when that answer arrives, so a burst
//! of `metrics_changed` frames costs at most two requests per report.

use natter_protocol::{
    AgentId, Breakdown, Heatmap, KpiSummary, LiveKpis, RatingPage, RatingRecord, Scorecards, TagId, Trends, UnixMillis,
};

#[cfg(test)]
mod tests;

/// While the screen is shown, `live` is fetched again at least this often.
pub const LIVE_REFRESH_MS: i64 = 30_000;
/// Ratings per page of the list.
pub const RATINGS_PAGE: u32 = 20;

/// The period the figures cover, ending today (in the tenant's zone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Period {
    #[default]
    Today,
    Week,
    Month,
}

impl Period {
    pub const ALL: [Period; 3] = [Period::Today, Period::Week, Period::Month];

    /// Days covered, today included.
    pub fn days(self) -> u32 {
        match self {
            Period::Today => 1,
            Period::Week => 7,
            Period::Month => 30,
        }
    }

    /// Days the trend charts cover: at least a week, so "today" still has a trend.
    pub fn trend_days(self) -> u32 {
        self.days().max(7)
    }
}

/// What a breakdown groups by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum By {
    #[default]
    Skill,
    Tag,
    ClosedReason,
}

impl By {
    pub const ALL: [By; 3] = [By::Skill, By::Tag, By::ClosedReason];

    /// The API's name for it (`by=`).
    pub fn key(self) -> &'static str {
        match self {
            By::Skill => "skill",
            By::Tag => "tag",
            By::ClosedReason => "closed_reason",
        }
    }

    pub fn parse(key: &str) -> Option<Self> {
        By::ALL.into_iter().find(|b| b.key() == key)
    }
}

/// The charts, each of which may be shown as a table instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Chart {
    Conversations,
    Frt,
    Heatmap,
    Csat,
}

/// The CSV exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    Conversations,
    Messages,
    Ratings,
}

impl ExportKind {
    pub const ALL: [ExportKind; 3] = [ExportKind::Conversations, ExportKind::Messages, ExportKind::Ratings];

    pub fn name(self) -> &'static str {
        match self {
            ExportKind::Conversations => "conversations",
            ExportKind::Messages => "messages",
            ExportKind::Ratings => "ratings",
        }
    }
}

/// Filters of the exports besides the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ExportFilter {
    pub agent: Option<AgentId>,
    pub tag: Option<TagId>,
    pub rating: Option<u8>,
}

/// One report as last fetched: the data stays shown while it is fetched again.
#[derive(Debug, Clone, PartialEq)]
pub struct Fetched<T> {
    pub value: Option<T>,
    pub error: Option<String>,
    /// A request is out.
    pub pending: bool,
    /// Asked again while pending: fetched once more when the answer comes.
    pub stale: bool,
}

impl<T> Default for Fetched<T> {
    fn default() -> Self {
        Self { value: None, error: None, pending: false, stale: false }
    }
}

impl<T> Fetched<T> {
    /// Whether a request should go out now (else it is marked for later).
    fn ask(&mut self) -> bool {
        if self.pending {
            self.stale = true;
            false
        } else {
            self.pending = true;
            true
        }
    }

    /// Takes an answer; true when the report must be fetched again.
    fn answer(&mut self, result: Result<T, String>) -> bool {
        match result {
            Ok(v) => {
                self.value = Some(v);
                self.error = None;
            }
            Err(e) => self.error = Some(e),
        }
        self.pending = false;
        std::mem::take(&mut self.stale) && self.ask()
    }
}

/// The ratings list: newest first, paged with `next_before`, filtered by score.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RatingsList {
    pub score: Option<u8>,
    pub items: Vec<RatingRecord>,
    pub next_before: Option<UnixMillis>,
    pub pending: bool,
    pub error: Option<String>,
}

/// A request for the glue to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Call {
    Live,
    Summary(Period),
    Trends(Period),
    Heatmap(Period),
    Agents(Period),
    Breakdown(By, Period),
    Ratings {
        score: Option<u8>,
        before: Option<UnixMillis>,
    },
    /// Fetch the CSV with the session and hand it to the browser as a download.
    Export {
        kind: ExportKind,
        period: Period,
        filter: ExportFilter,
    },
}

impl Call {
    /// The request's path and query.
    pub fn path(&self) -> String {
        let days = |p: Period| format!("days={}", p.days());
        match self {
            Call::Live => "/v1/admin/metrics/live".into(),
            Call::Summary(p) => format!("/v1/admin/metrics/summary?{}", days(*p)),
            Call::Trends(p) => format!("/v1/admin/metrics/trends?days={}", p.trend_days()),
            Call::Heatmap(p) => format!("/v1/admin/metrics/heatmap?{}", days(*p)),
            Call::Agents(p) => format!("/v1/admin/metrics/agents?{}", days(*p)),
            Call::Breakdown(by, p) => format!("/v1/admin/metrics/breakdown?by={}&{}", by.key(), days(*p)),
            Call::Ratings { score, before } => {
                let mut q = format!("/v1/admin/ratings?limit={RATINGS_PAGE}");
                if let Some(s) = score {
                    q.push_str(&format!("&score={s}"));
                }
                if let Some(b) = before {
                    q.push_str(&format!("&before={}", b.0));
                }
                q
            }
            Call::Export { kind, period, filter } => {
                let mut q = format!("/v1/admin/exports/{}.csv?{}", kind.name(), days(*period));
                if let Some(a) = filter.agent {
                    q.push_str(&format!("&agent={}", a.0));
                }
                if let Some(t) = filter.tag {
                    q.push_str(&format!("&tag={}", t.0));
                }
                if let Some(r) = filter.rating {
                    q.push_str(&format!("&rating={r}"));
                }
                q
            }
        }
    }

    /// The file name a download is saved under.
    pub fn file_name(kind: ExportKind, period: Period) -> String {
        format!("natter-{}-{}d.csv", kind.name(), period.days())
    }
}

/// An answer to a [`Call`], with what it was asked for (a late answer for
/// another period or filter is dropped).
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Live(Result<LiveKpis, String>),
    Summary(Period, Result<Box<KpiSummary>, String>),
    Trends(Period, Result<Trends, String>),
    Heatmap(Period, Result<Heatmap, String>),
    Agents(Period, Result<Scorecards, String>),
    Breakdown(By, Period, Result<Breakdown, String>),
    Ratings { score: Option<u8>, before: Option<UnixMillis>, page: Result<RatingPage, String> },
    Exported(ExportKind, Result<(), String>),
}

/// What changes the screen.
#[derive(Debug, Clone, PartialEq)]
pub enum AnalyticsAction {
    /// The screen opened: `supervisor` (owner or admin) sees the whole
    /// dashboard, a plain agent their own scorecard.
    Open {
        supervisor: bool,
        now: UnixMillis,
    },
    SetPeriod(Period),
    /// The clock (once a second while the screen is shown).
    Tick {
        now: UnixMillis,
    },
    /// The inbox received a `metrics_changed` frame.
    MetricsChanged {
        now: UnixMillis,
    },
    ShowTable(Chart, bool),
    BreakdownBy(By),
    RatingsScore(Option<u8>),
    MoreRatings,
    ExportFilter(ExportFilter),
    Export(ExportKind),
    Answer(Answer),
}

/// The screen.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AnalyticsState {
    pub supervisor: bool,
    pub period: Period,
    pub live: Fetched<LiveKpis>,
    /// When `live` was last asked for.
    pub live_asked_at: Option<UnixMillis>,
    pub summary: Fetched<Box<KpiSummary>>,
    pub trends: Fetched<Trends>,
    pub heatmap: Fetched<Heatmap>,
    pub agents: Fetched<Scorecards>,
    pub by: By,
    pub breakdown: Fetched<Breakdown>,
    pub ratings: RatingsList,
    /// Charts shown as tables.
    pub tables: Vec<Chart>,
    pub export_filter: ExportFilter,
    /// Exports on their way.
    pub exporting: Vec<ExportKind>,
    /// The last export's failure.
    pub export_error: Option<String>,
}

impl AnalyticsState {
    /// Applies one action; returns the requests to make.
    pub fn apply(&mut self, action: AnalyticsAction) -> Vec<Call> {
        let mut calls = Vec::new();
        match action {
            AnalyticsAction::Open { supervisor, now } => {
                *self = AnalyticsState { supervisor, ..AnalyticsState::default() };
                self.refresh(now, &mut calls);
                if supervisor {
                    self.fetch_ratings(None, &mut calls);
                }
            }
            AnalyticsAction::SetPeriod(p) if p != self.period => {
                self.period = p;
                // Another period's figures must not pass for this one's.
                self.summary = Fetched::default();
                self.trends = Fetched::default();
                self.heatmap = Fetched::default();
                self.agents = Fetched::default();
                self.breakdown = Fetched::default();
                self.refresh_reports(&mut calls);
            }
            AnalyticsAction::SetPeriod(_) => {}
            AnalyticsAction::Tick { now } => {
                let due = self.live_asked_at.is_none_or(|t| now.0 - t.0 >= LIVE_REFRESH_MS);
                if self.supervisor && due {
                    self.fetch_live(now, &mut calls);
                }
            }
            AnalyticsAction::MetricsChanged { now } => {
                self.refresh(now, &mut calls);
                // Only the first page follows: a page further down stays as read.
                let first_page_only = self.ratings.items.len() <= RATINGS_PAGE as usize;
                if self.supervisor && first_page_only && !self.ratings.pending {
                    self.fetch_ratings(None, &mut calls);
                }
            }
            AnalyticsAction::ShowTable(chart, on) => {
                self.tables.retain(|&c| c != chart);
                if on {
                    self.tables.push(chart);
                }
            }
            AnalyticsAction::BreakdownBy(by) if by != self.by => {
                self.by = by;
                self.breakdown = Fetched::default();
                if self.supervisor && self.breakdown.ask() {
                    calls.push(Call::Breakdown(by, self.period));
                }
            }
            AnalyticsAction::BreakdownBy(_) => {}
            AnalyticsAction::RatingsScore(score) if score != self.ratings.score => {
                self.ratings = RatingsList { score, ..RatingsList::default() };
                self.fetch_ratings(None, &mut calls);
            }
            AnalyticsAction::RatingsScore(_) => {}
            AnalyticsAction::MoreRatings => {
                if let Some(before) = self.ratings.next_before.filter(|_| !self.ratings.pending) {
                    self.fetch_ratings(Some(before), &mut calls);
                }
            }
            AnalyticsAction::ExportFilter(f) => self.export_filter = f,
            AnalyticsAction::Export(kind) => {
                if self.supervisor && !self.exporting.contains(&kind) {
                    self.exporting.push(kind);
                    self.export_error = None;
                    calls.push(Call::Export { kind, period: self.period, filter: self.export_filter });
                }
            }
            AnalyticsAction::Answer(a) => self.answer(a, &mut calls),
        }
        calls
    }

    /// Whether a chart is shown as a table.
    pub fn as_table(&self, chart: Chart) -> bool {
        self.tables.contains(&chart)
    }

    /// Everything the screen shows, fetched again (coalesced).
    fn refresh(&mut self, now: UnixMillis, calls: &mut Vec<Call>) {
        if self.supervisor {
            self.fetch_live(now, calls);
        }
        self.refresh_reports(calls);
    }

    fn refresh_reports(&mut self, calls: &mut Vec<Call>) {
        let p = self.period;
        if self.agents.ask() {
            calls.push(Call::Agents(p));
        }
        if !self.supervisor {
            return;
        }
        if self.summary.ask() {
            calls.push(Call::Summary(p));
        }
        if self.trends.ask() {
            calls.push(Call::Trends(p));
        }
        if self.heatmap.ask() {
            calls.push(Call::Heatmap(p));
        }
        if self.breakdown.ask() {
            calls.push(Call::Breakdown(self.by, p));
        }
    }

    fn fetch_live(&mut self, now: UnixMillis, calls: &mut Vec<Call>) {
        self.live_asked_at = Some(now);
        if self.live.ask() {
            calls.push(Call::Live);
        }
    }

    fn fetch_ratings(&mut self, before: Option<UnixMillis>, calls: &mut Vec<Call>) {
        self.ratings.pending = true;
        calls.push(Call::Ratings { score: self.ratings.score, before });
    }

    fn answer(&mut self, a: Answer, calls: &mut Vec<Call>) {
        let p = self.period;
        let again = match a {
            Answer::Live(r) => self.live.answer(r).then_some(Call::Live),
            Answer::Summary(q, r) if q == p => self.summary.answer(r).then_some(Call::Summary(p)),
            Answer::Trends(q, r) if q == p => self.trends.answer(r).then_some(Call::Trends(p)),
            Answer::Heatmap(q, r) if q == p => self.heatmap.answer(r).then_some(Call::Heatmap(p)),
            Answer::Agents(q, r) if q == p => self.agents.answer(r).then_some(Call::Agents(p)),
            Answer::Breakdown(by, q, r) if q == p && by == self.by => {
                self.breakdown.answer(r).then_some(Call::Breakdown(by, p))
            }
            Answer::Ratings { score, before, page } if score == self.ratings.score => {
                self.ratings_page(before, page);
                None
            }
            Answer::Exported(kind, r) => {
                self.exporting.retain(|&k| k != kind);
                self.export_error = r.err();
                None
            }
            // Answers for a period or filter no longer shown.
            _ => None,
        };
        calls.extend(again);
    }

    fn ratings_page(&mut self, before: Option<UnixMillis>, page: Result<RatingPage, String>) {
        let l = &mut self.ratings;
        l.pending = false;
        match page {
            Ok(page) => {
                if before.is_none() {
                    l.items.clear();
                }
                l.items.extend(page.ratings);
                l.next_before = page.next_before;
                l.error = None;
            }
            Err(e) => l.error = Some(e),
        }
    }
}

/// What a target field typed means: blank is no target (`Some(None)`), a
/// whole number is that target, anything else is ignored (`None`: keep).
pub fn target_number(text: &str) -> Option<Option<u32>> {
    let t = text.trim();
    if t.is_empty() { Some(None) } else { t.parse().ok().map(Some) }
}

/// The average-rating target typed as `4.5`, in hundredths (450); blank is
/// none, anything else is ignored. At most two decimals count.
pub fn target_hundredths(text: &str) -> Option<Option<u32>> {
    let t = text.trim();
    if t.is_empty() {
        return Some(None);
    }
    let (whole, frac) = t.split_once(['.', ',']).unwrap_or((t, ""));
    let whole: u32 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let frac = frac.get(..frac.len().min(2))?;
    let cents: u32 = if frac.is_empty() { 0 } else { frac.parse::<u32>().ok()? * if frac.len() == 1 { 10 } else { 1 } };
    Some(Some(whole.checked_mul(100)?.checked_add(cents)?))
}

/// Hundredths as typed back: 450 → `4.5`, 475 → `4.75`, 400 → `4`.
pub fn hundredths_text(x100: u32) -> String {
    match (x100 / 100, x100 % 100) {
        (w, 0) => w.to_string(),
        (w, c) if c % 10 == 0 => format!("{w}.{}", c / 10),
        (w, c) => format!("{w}.{c:02}"),
    }
}

//! The KPI API's answers, read from the rollups on the tenant's read
//! connection: figures of a period, summaries with targets and trends, daily
//! series, the hour × weekday heatmap, scorecards and breakdowns. Sums come
//! from `kpi_daily` (one row per day and agent); percentiles from the facts'
//! `(day, frt_ms)` and `(day, resolution_ms)` indexes, sorted here.

use jiff::civil::Date;
use natter_protocol::{
    AgentCount, AgentId, AgentScorecard, Breakdown, BreakdownRow, Heatmap, JudgedFigure, KpiFigures, KpiSummary,
    KpiTargets, Scorecards, TargetStatus, TrendDirection, TrendPoint, Trends,
};
use rusqlite::{Connection, params};

use super::days;
use crate::store::StoreError;

/// A validated period of local days, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Date,
    pub to: Date,
}

impl Period {
    fn keys(self) -> (i64, i64) {
        (days::key(self.from), days::key(self.to))
    }

    /// The period of the same length just before this one.
    pub fn previous(self) -> Self {
        let n = days::span(self.from, self.to);
        Self { from: days::shift(self.from, -n), to: days::shift(self.from, -1) }
    }
}

/// Breakdown dimensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    Skill,
    Tag,
    ClosedReason,
}

impl By {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "skill" => Some(Self::Skill),
            "tag" => Some(Self::Tag),
            "closed_reason" => Some(Self::ClosedReason),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Skill => "skill",
            Self::Tag => "tag",
            Self::ClosedReason => "closed_reason",
        }
    }
}

/// Column sums of `kpi_daily` rows.
#[derive(Debug, Clone, Copy, Default)]
struct Sums {
    conversations: u64,
    closed: u64,
    answered: u64,
    missed: u64,
    offline: u64,
    transfers: u64,
    frt_count: u64,
    frt_sum: i64,
    resolution_count: u64,
    resolution_sum: i64,
    wait_count: u64,
    wait_sum: i64,
    fcr: u64,
    csat: [u64; 5],
}

const SUM_COLUMNS: &str = "sum(conversations), sum(closed), sum(answered), sum(missed), sum(offline), sum(transfers),
    sum(frt_count), sum(frt_sum_ms), sum(resolution_count), sum(resolution_sum_ms), sum(wait_count), sum(wait_sum_ms),
    sum(fcr), sum(csat_1), sum(csat_2), sum(csat_3), sum(csat_4), sum(csat_5)";

fn sums_from(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Sums> {
    let n = |i: usize| -> rusqlite::Result<u64> { Ok(r.get::<_, Option<i64>>(at + i)?.unwrap_or(0).max(0) as u64) };
    let ms = |i: usize| -> rusqlite::Result<i64> { Ok(r.get::<_, Option<i64>>(at + i)?.unwrap_or(0)) };
    Ok(Sums {
        conversations: n(0)?,
        closed: n(1)?,
        answered: n(2)?,
        missed: n(3)?,
        offline: n(4)?,
        transfers: n(5)?,
        frt_count: n(6)?,
        frt_sum: ms(7)?,
        resolution_count: n(8)?,
        resolution_sum: ms(9)?,
        wait_count: n(10)?,
        wait_sum: ms(11)?,
        fcr: n(12)?,
        csat: [n(13)?, n(14)?, n(15)?, n(16)?, n(17)?],
    })
}

fn ratio(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

fn avg(sum: i64, count: u64) -> Option<i64> {
    (count > 0).then(|| sum / i64::try_from(count).unwrap_or(i64::MAX))
}

impl Sums {
    fn figures(&self) -> KpiFigures {
        let ratings: u64 = self.csat.iter().sum();
        let weighted: u64 = self.csat.iter().zip(1..).map(|(n, s)| n * s).sum();
        KpiFigures {
            conversations: self.conversations,
            closed: self.closed,
            answered: self.answered,
            missed: self.missed,
            offline: self.offline,
            transfers: self.transfers,
            missed_rate: ratio(self.missed, self.missed + self.resolution_count),
            frt_avg_ms: avg(self.frt_sum, self.frt_count),
            resolution_avg_ms: avg(self.resolution_sum, self.resolution_count),
            wait_avg_ms: avg(self.wait_sum, self.wait_count),
            fcr_rate: ratio(self.fcr, self.resolution_count),
            csat_avg: ratio(weighted, ratings),
            csat_distribution: self.csat,
            csat_satisfied_rate: ratio(self.csat[3] + self.csat[4], ratings),
            csat_response_rate: ratio(ratings, self.resolution_count),
            ..KpiFigures::default()
        }
    }
}

fn sums(db: &Connection, p: Period, agent: Option<AgentId>) -> Result<Sums, StoreError> {
    let (from, to) = p.keys();
    let sql =
        format!("SELECT {SUM_COLUMNS} FROM kpi_daily WHERE day BETWEEN ?1 AND ?2 AND (?3 IS NULL OR agent_id = ?3)");
    Ok(db.prepare_cached(&sql)?.query_row(params![from, to, agent.map(|a| a.0)], |r| sums_from(r, 0))?)
}

/// Sorted values of one fact column over a period. For everyone, the
/// column's `(day, column)` index alone answers (named: without statistics
/// SQLite took the other one and read every row of the period from the
/// table, 26 against 3 ms of CPU for a year's FRTs); for one agent, the rows.
fn sorted_values(db: &Connection, column: &str, p: Period, agent: Option<AgentId>) -> Result<Vec<i64>, StoreError> {
    let (from, to) = p.keys();
    // `column` is one of two literals below, never input.
    let index = if column == "frt_ms" { "conversation_kpis_frt" } else { "conversation_kpis_resolution" };
    let select = format!("SELECT {column} FROM conversation_kpis");
    let chosen = format!("day BETWEEN ?1 AND ?2 AND {column} IS NOT NULL");
    let mut values: Vec<i64> = match agent {
        None => db
            .prepare_cached(&format!("{select} INDEXED BY {index} WHERE {chosen}"))?
            .query_map(params![from, to], |r| r.get(0))?
            .collect::<Result<_, _>>()?,
        Some(a) => db
            .prepare_cached(&format!("{select} WHERE {chosen} AND agent_id = ?3"))?
            .query_map(params![from, to, a.0], |r| r.get(0))?
            .collect::<Result<_, _>>()?,
    };
    values.sort_unstable();
    Ok(values)
}

/// The figures of a period, for one agent or everyone.
pub fn figures(db: &Connection, p: Period, agent: Option<AgentId>) -> Result<KpiFigures, StoreError> {
    let mut f = sums(db, p, agent)?.figures();
    let frt = sorted_values(db, "frt_ms", p, agent)?;
    f.frt_median_ms = days::percentile(&frt, 50);
    f.frt_p90_ms = days::percentile(&frt, 90);
    f.resolution_median_ms = days::percentile(&sorted_values(db, "resolution_ms", p, agent)?, 50);
    Ok(f)
}

/// A figure against its target and its previous value.
pub fn judge(
    name: &str,
    (value, previous): (Option<f64>, Option<f64>),
    target: Option<f64>,
    lower_is_better: bool,
    margin_pct: u32,
) -> JudgedFigure {
    let status = match (value, target) {
        (Some(v), Some(t)) => {
            let slack = t.abs() * f64::from(margin_pct) / 100.0;
            let (met, near) = if lower_is_better { (v <= t, v <= t + slack) } else { (v >= t, v >= t - slack) };
            Some(if met {
                TargetStatus::Green
            } else if near {
                TargetStatus::Yellow
            } else {
                TargetStatus::Red
            })
        }
        _ => None,
    };
    let trend = match (value, previous) {
        (Some(v), Some(p)) if (v - p).abs() <= p.abs() * 0.01 => Some(TrendDirection::Flat),
        (Some(v), Some(p)) if v > p => Some(TrendDirection::Up),
        (Some(_), Some(_)) => Some(TrendDirection::Down),
        _ => None,
    };
    let better = match trend {
        Some(TrendDirection::Up) => Some(!lower_is_better),
        Some(TrendDirection::Down) => Some(lower_is_better),
        _ => None,
    };
    JudgedFigure { name: name.to_owned(), value, previous, target, status, trend, better }
}

fn judged(now: &KpiFigures, before: &KpiFigures, t: &KpiTargets) -> Vec<JudgedFigure> {
    let ms = |v: Option<i64>| v.map(|v| v as f64);
    let m = t.yellow_margin_pct;
    let secs = |s: Option<u32>| s.map(|s| f64::from(s) * 1000.0);
    let pct = |s: Option<u32>| s.map(|s| f64::from(s) / 100.0);
    vec![
        judge("frt_median_ms", (ms(now.frt_median_ms), ms(before.frt_median_ms)), secs(t.frt_secs), true, m),
        judge(
            "resolution_avg_ms",
            (ms(now.resolution_avg_ms), ms(before.resolution_avg_ms)),
            secs(t.resolution_secs),
            true,
            m,
        ),
        judge("csat_avg", (now.csat_avg, before.csat_avg), t.csat_avg_x100.map(|v| f64::from(v) / 100.0), false, m),
        judge("fcr_rate", (now.fcr_rate, before.fcr_rate), pct(t.fcr_pct), false, m),
        judge("missed_rate", (now.missed_rate, before.missed_rate), pct(t.missed_pct), true, m),
    ]
}

fn per_agent(db: &Connection, p: Period) -> Result<Vec<AgentCount>, StoreError> {
    let (from, to) = p.keys();
    let rows = db
        .prepare_cached(
            "SELECT agent_id, sum(conversations) FROM kpi_daily WHERE day BETWEEN ?1 AND ?2 AND agent_id <> 0
             GROUP BY agent_id ORDER BY agent_id",
        )?
        .query_map(params![from, to], |r| {
            Ok(AgentCount { agent_id: AgentId(r.get(0)?), conversations: r.get::<_, i64>(1)?.max(0) as u64 })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

pub fn summary(db: &Connection, timezone: &str, p: Period, targets: &KpiTargets) -> Result<KpiSummary, StoreError> {
    let figures = figures(db, p, None)?;
    let previous = figures_of_previous(db, p)?;
    Ok(KpiSummary {
        from: p.from.to_string(),
        to: p.to.to_string(),
        timezone: timezone.to_owned(),
        judged: judged(&figures, &previous, targets),
        figures,
        previous,
        per_agent: per_agent(db, p)?,
    })
}

fn figures_of_previous(db: &Connection, p: Period) -> Result<KpiFigures, StoreError> {
    figures(db, p.previous(), None)
}

/// One point per day of the period (empty days included), oldest first.
pub fn trends(db: &Connection, timezone: &str, p: Period) -> Result<Trends, StoreError> {
    let (from, to) = p.keys();
    let sql = format!("SELECT day, {SUM_COLUMNS} FROM kpi_daily WHERE day BETWEEN ?1 AND ?2 GROUP BY day");
    let mut by_day: std::collections::HashMap<i64, Sums> = db
        .prepare_cached(&sql)?
        .query_map(params![from, to], |r| Ok((r.get(0)?, sums_from(r, 1)?)))?
        .collect::<Result<_, _>>()?;
    let mut frt = values_by_day(db, p)?;
    let days = days::each(p.from, p.to)
        .map(|d| {
            let k = days::key(d);
            let mut figures = by_day.remove(&k).unwrap_or_default().figures();
            if let Some(v) = frt.get_mut(&k) {
                v.sort_unstable();
                figures.frt_median_ms = days::percentile(v, 50);
                figures.frt_p90_ms = days::percentile(v, 90);
            }
            TrendPoint { day: d.to_string(), figures }
        })
        .collect();
    Ok(Trends { timezone: timezone.to_owned(), days })
}

fn values_by_day(db: &Connection, p: Period) -> Result<std::collections::HashMap<i64, Vec<i64>>, StoreError> {
    let (from, to) = p.keys();
    let mut out: std::collections::HashMap<i64, Vec<i64>> = std::collections::HashMap::new();
    let mut stmt = db.prepare_cached(
        "SELECT day, frt_ms FROM conversation_kpis INDEXED BY conversation_kpis_frt
         WHERE day BETWEEN ?1 AND ?2 AND frt_ms IS NOT NULL",
    )?;
    let rows = stmt.query_map(params![from, to], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?;
    for row in rows {
        let (day, v) = row?;
        out.entry(day).or_default().push(v);
    }
    Ok(out)
}

pub fn heatmap(db: &Connection, timezone: &str, p: Period) -> Result<Heatmap, StoreError> {
    let (from, to) = p.keys();
    let mut counts = vec![vec![0u64; 24]; 7];
    let mut stmt = db.prepare_cached(
        "SELECT weekday, hour, sum(conversations) FROM kpi_hourly WHERE day BETWEEN ?1 AND ?2 GROUP BY weekday, hour",
    )?;
    let rows =
        stmt.query_map(params![from, to], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?)))?;
    for row in rows {
        let (w, h, n) = row?;
        if let Some(cell) = counts.get_mut(w as usize).and_then(|d| d.get_mut(h as usize)) {
            *cell = n.max(0) as u64;
        }
    }
    Ok(Heatmap { from: p.from.to_string(), to: p.to.to_string(), timezone: timezone.to_owned(), counts })
}

/// Every agent with conversations in the period (or only `only`), by name.
pub fn scorecards(db: &Connection, p: Period, only: Option<AgentId>) -> Result<Scorecards, StoreError> {
    let (from, to) = p.keys();
    let sql = format!(
        "SELECT d.agent_id, coalesce(a.name, ''), {SUM_COLUMNS} FROM kpi_daily d LEFT JOIN agents a ON a.id = d.agent_id
         WHERE d.day BETWEEN ?1 AND ?2 AND d.agent_id <> 0 AND (?3 IS NULL OR d.agent_id = ?3)
         GROUP BY d.agent_id ORDER BY 2, 1"
    );
    let agents = db
        .prepare_cached(&sql)?
        .query_map(params![from, to, only.map(|a| a.0)], |r| {
            let s = sums_from(r, 2)?;
            let f = s.figures();
            Ok(AgentScorecard {
                agent_id: AgentId(r.get(0)?),
                name: r.get(1)?,
                chats: s.conversations,
                frt_avg_ms: f.frt_avg_ms,
                resolution_avg_ms: f.resolution_avg_ms,
                csat_avg: f.csat_avg,
                ratings: s.csat.iter().sum(),
                transfers: s.transfers,
                fcr_rate: f.fcr_rate,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(Scorecards { from: p.from.to_string(), to: p.to.to_string(), agents })
}

/// From this many days on, a tag breakdown walks every tagged conversation
/// (tag by tag, no sort) rather than the period's conversations (then sorted
/// by tag): over a year of 100,000 conversations, ~30 against ~60 ms of CPU.
const TAG_SCAN_DAYS: i64 = 90;

/// Figures per skill, closed reason or tag. Skill and closed reason walk
/// their covering index (`conversation_kpis_by_skill`, `…_by_reason`) in
/// group order; see BENCHMARKS.md "KPIs on a big tenant".
pub fn breakdown(db: &Connection, by: By, p: Period) -> Result<Breakdown, StoreError> {
    let (from, to) = p.keys();
    let figures = "count(*), sum(k.missed), avg(k.frt_ms), avg(k.resolution_ms), avg(k.score)";
    let sql = match by {
        By::Skill => format!(
            "SELECT k.skill, {figures} FROM conversation_kpis k INDEXED BY conversation_kpis_by_skill
             WHERE k.day BETWEEN ?1 AND ?2 GROUP BY k.skill ORDER BY 2 DESC"
        ),
        By::ClosedReason => format!(
            "SELECT k.closed_reason, {figures} FROM conversation_kpis k INDEXED BY conversation_kpis_by_reason
             WHERE k.day BETWEEN ?1 AND ?2 GROUP BY k.closed_reason ORDER BY 2 DESC"
        ),
        By::Tag if days::span(p.from, p.to) >= TAG_SCAN_DAYS => format!(
            "SELECT t.name, {figures} FROM conversation_tags ct CROSS JOIN conversation_kpis k
             ON k.conversation_id = ct.conversation_id JOIN tags t ON t.id = ct.tag_id
             WHERE +k.day BETWEEN ?1 AND ?2 GROUP BY ct.tag_id ORDER BY 2 DESC"
        ),
        By::Tag => format!(
            "SELECT t.name, {figures} FROM conversation_kpis k JOIN conversation_tags ct ON ct.conversation_id = k.conversation_id
             JOIN tags t ON t.id = ct.tag_id WHERE k.day BETWEEN ?1 AND ?2 GROUP BY t.id ORDER BY 2 DESC"
        ),
    };
    let rows = db
        .prepare_cached(&sql)?
        .query_map(params![from, to], |r| {
            Ok(BreakdownRow {
                key: r.get(0)?,
                conversations: r.get::<_, i64>(1)?.max(0) as u64,
                missed: r.get::<_, Option<i64>>(2)?.unwrap_or(0).max(0) as u64,
                frt_avg_ms: r.get::<_, Option<f64>>(3)?.map(|v| v as i64),
                resolution_avg_ms: r.get::<_, Option<f64>>(4)?.map(|v| v as i64),
                csat_avg: r.get(5)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(Breakdown { by: by.as_str().to_owned(), from: p.from.to_string(), to: p.to.to_string(), rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_turn_figures_green_yellow_red_and_trends_say_if_better() {
        let frt = |v: f64| judge("frt", (Some(v), Some(100.0)), Some(100.0), true, 20);
        assert_eq!(frt(90.0).status, Some(TargetStatus::Green));
        assert_eq!(frt(115.0).status, Some(TargetStatus::Yellow));
        assert_eq!(frt(130.0).status, Some(TargetStatus::Red));
        assert_eq!((frt(90.0).trend, frt(90.0).better), (Some(TrendDirection::Down), Some(true)));
        assert_eq!(frt(100.5).trend, Some(TrendDirection::Flat));
        let csat = judge("csat", (Some(4.0), Some(4.5)), Some(4.5), false, 20);
        assert_eq!((csat.status, csat.better), (Some(TargetStatus::Yellow), Some(false)));
        assert_eq!(judge("x", (None, None), Some(1.0), true, 20).status, None);
    }

    /// Facts of conversation `id` on `day`, with a skill, a closed reason and tags.
    fn fact(db: &Connection, id: i64, day: i64, reason: &str, frt: i64, tags: &[i64]) {
        db.execute(
            "INSERT INTO conversation_kpis(conversation_id, day, hour, weekday, created_at, agent_id, skill,
                closed_reason, closed, offline, answered, missed, frt_ms, transfers, fcr, score)
             VALUES (?1, ?2, 10, 0, 0, 1, iif(?1 % 2 = 0, 'sales', NULL), ?3, 1, 0, 1, 0, ?4, 0, 1, 4)",
            params![id, day, reason, frt],
        )
        .unwrap();
        for t in tags {
            db.execute(
                "INSERT INTO conversation_tags(conversation_id, tag_id, added_at) VALUES (?1, ?2, 0)",
                params![id, t],
            )
            .unwrap();
        }
    }

    #[test]
    fn breakdowns_count_the_same_whichever_plan_reads_them() {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::store::open(&dir.path().join("t.db"), crate::store::schema::TENANT).unwrap();
        db.execute_batch(
            "PRAGMA foreign_keys = OFF;
             INSERT INTO tags(id, name, color, created_at) VALUES (1, 'refund', '#000000', 0), (2, 'vip', '#000000', 0);",
        )
        .unwrap();
        fact(&db, 1, 20260101, "agent", 1000, &[1]);
        fact(&db, 2, 20260310, "agent", 3000, &[1, 2]);
        fact(&db, 3, 20260310, "visitor", 5000, &[2]);
        fact(&db, 4, 20260311, "agent", 7000, &[]);
        fact(&db, 5, 20261231, "inactive", 9000, &[1]);
        let period = |from: &str, to: &str| Period { from: days::parse(from).unwrap(), to: days::parse(to).unwrap() };
        let rows = |by: By, p: Period| -> Vec<(Option<String>, u64, Option<i64>)> {
            let mut rows: Vec<_> = breakdown(&db, by, p)
                .unwrap()
                .rows
                .into_iter()
                .map(|r| (r.key, r.conversations, r.frt_avg_ms))
                .collect();
            rows.sort();
            rows
        };
        let (march, year) = (period("2026-03-01", "2026-03-31"), period("2026-01-02", "2026-12-31"));
        assert!(days::span(march.from, march.to) < TAG_SCAN_DAYS && days::span(year.from, year.to) >= TAG_SCAN_DAYS);
        let tag = |name: &str, n, frt| (Some(name.to_owned()), n, Some(frt));
        assert_eq!(rows(By::Tag, march), vec![tag("refund", 1, 3000), tag("vip", 2, 4000)]);
        assert_eq!(rows(By::Tag, year), vec![tag("refund", 2, 6000), tag("vip", 2, 4000)]);
        let reason = |name: &str, n, frt| (Some(name.to_owned()), n, Some(frt));
        assert_eq!(rows(By::ClosedReason, march), vec![reason("agent", 2, 5000), reason("visitor", 1, 5000)]);
        assert_eq!(rows(By::Skill, year), vec![(None, 2, Some(7000)), (Some("sales".to_owned()), 2, Some(5000))]);
    }

    #[test]
    fn the_previous_period_has_the_same_length() {
        let p = Period { from: days::parse("2026-03-01").unwrap(), to: days::parse("2026-03-07").unwrap() };
        let before = p.previous();
        assert_eq!((before.from.to_string(), before.to.to_string()), ("2026-02-22".into(), "2026-02-28".into()));
    }
}

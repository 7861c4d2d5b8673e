//! The four charts of the dashboard, each as SVG and as a table of the same
//! numbers: conversations per day and first response per day (`trends`),
//! conversations by weekday and hour (`heatmap`), ratings by score (`summary`).

use natter_console_kit::i18n::analytics::duration;
use natter_console_kit::i18n::{AnalyticsStrings, Locale, fill};
use natter_console_kit::state::analytics::Chart;
use natter_protocol::{Heatmap, Trends};
use yew::prelude::*;

use super::chart_card::ChartCard;
use super::charts::{self, Point};

/// The day as the axis shows it: `2026-12-02` → `12-02`.
fn short_day(day: &str) -> String {
    day.get(5..).unwrap_or(day).to_owned()
}

/// A two-column table: a label and its value in words.
fn pairs_table(id: &str, head: (&str, &str), points: &[Point], none: &str) -> Html {
    html! {
        <table id={id.to_owned()}>
            <thead><tr><th scope="col">{ head.0.to_owned() }</th><th scope="col" class="num">{ head.1.to_owned() }</th></tr></thead>
            <tbody>
                { for points.iter().map(|p| html! {
                    <tr>
                        <th scope="row">{ p.label.clone() }</th>
                        <td class="num">{ if p.value.is_some() { p.text.clone() } else { none.to_owned() } }</td>
                    </tr>
                }) }
            </tbody>
        </table>
    }
}

fn summary_label(a: &AnalyticsStrings, title: &str, points: &[Point], max_text: &str) -> String {
    let total: i64 = points.iter().filter_map(|p| p.value).sum();
    fill(a.chart_summary, &[title, max_text, &total.to_string()])
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub trends: Option<Trends>,
    pub heatmap: Option<Heatmap>,
    /// Ratings of 1 to 5 in the period (`summary`).
    pub csat: Option<[u64; 5]>,
    /// Charts shown as tables.
    pub tables: Vec<Chart>,
    pub on_table: Callback<(Chart, bool)>,
    pub locale: Locale,
}

fn conversation_points(t: &Trends, full_days: bool) -> Vec<Point> {
    t.days
        .iter()
        .map(|d| {
            let n = d.figures.conversations;
            let label = if full_days { d.day.clone() } else { short_day(&d.day) };
            Point { label, value: Some(n as i64), text: n.to_string() }
        })
        .collect()
}

fn frt_points(a: &AnalyticsStrings, t: &Trends, full_days: bool) -> Vec<Point> {
    t.days
        .iter()
        .map(|d| {
            let v = d.figures.frt_median_ms;
            let label = if full_days { d.day.clone() } else { short_day(&d.day) };
            Point { label, value: v, text: v.map(|ms| duration(a, ms)).unwrap_or_default() }
        })
        .collect()
}

fn heatmap_table(a: &AnalyticsStrings, h: &Heatmap) -> Html {
    html! {
        <table id="heatmap-table">
            <thead><tr>
                <th scope="col">{ a.col_weekday }</th>
                { for (0..24).map(|hour| html! { <th scope="col" class="num">{ hour }</th> }) }
            </tr></thead>
            <tbody>
                { for h.counts.iter().take(7).enumerate().map(|(d, row)| html! {
                    <tr>
                        <th scope="row">{ a.weekdays[d] }</th>
                        { for row.iter().map(|n| html! { <td class="num">{ n }</td> }) }
                    </tr>
                }) }
            </tbody>
        </table>
    }
}

#[component]
pub fn ChartViews(p: &Props) -> Html {
    let a = p.locale.analytics_strings();
    let card = |id: &'static str, title: &'static str, chart: Chart, svg: Html, table: Html| {
        html! {
            <ChartCard {id} {title} {chart} as_table={p.tables.contains(&chart)} show_table_label={a.show_table}
                on_table={p.on_table.clone()} {svg} {table} />
        }
    };
    let mut out = Vec::new();
    if let Some(t) = &p.trends {
        let (chart_pts, table_pts) = (conversation_points(t, false), conversation_points(t, true));
        let max = chart_pts.iter().filter_map(|p| p.value).max().unwrap_or(0).to_string();
        let label = summary_label(a, a.chart_conversations, &chart_pts, &max);
        let head = (a.col_day, a.col_conversations);
        out.push(card(
            "chart-conversations",
            a.chart_conversations,
            Chart::Conversations,
            charts::bars(&label, &chart_pts, &max),
            pairs_table("conversations-table", head, &table_pts, a.none),
        ));
        let (chart_pts, table_pts) = (frt_points(a, t, false), frt_points(a, t, true));
        let max = chart_pts.iter().filter_map(|p| p.value).max().map(|ms| duration(a, ms)).unwrap_or_default();
        let label = fill(a.chart_peak, &[a.chart_frt, &max]);
        out.push(card(
            "chart-frt",
            a.chart_frt,
            Chart::Frt,
            charts::line(&label, &chart_pts, &max),
            pairs_table("frt-table", (a.col_day, a.fig_frt_median), &table_pts, a.none),
        ));
    }
    if let Some(h) = &p.heatmap {
        let total: u64 = h.counts.iter().flatten().sum();
        let max = h.counts.iter().flatten().max().copied().unwrap_or(0);
        let label = fill(a.chart_summary, &[a.chart_heatmap, &max.to_string(), &total.to_string()]);
        out.push(card(
            "chart-heatmap",
            a.chart_heatmap,
            Chart::Heatmap,
            charts::heatmap(&label, &h.counts, &a.weekdays),
            heatmap_table(a, h),
        ));
    }
    if let Some(dist) = &p.csat {
        let pts: Vec<Point> = dist
            .iter()
            .enumerate()
            .map(|(i, &n)| Point { label: (i + 1).to_string(), value: Some(n as i64), text: n.to_string() })
            .collect();
        let max = pts.iter().filter_map(|p| p.value).max().unwrap_or(0).to_string();
        let label = summary_label(a, a.chart_csat, &pts, &max);
        out.push(card(
            "chart-csat",
            a.chart_csat,
            Chart::Csat,
            charts::bars(&label, &pts, &max),
            pairs_table("csat-table", (a.col_score, a.col_ratings), &pts, a.none),
        ));
    }
    html! { <div class="grid-2">{ for out }</div> }
}

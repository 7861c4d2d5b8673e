//! The period's figures from `summary`: one card each; the ones the tenant
//! has a target for say green, yellow or red in words (the colour only
//! repeats it) and which way they moved against the previous period.

use natter_console_kit::i18n::analytics::{duration, hundredths, judged_value, percent, status, trend};
use natter_console_kit::i18n::{AnalyticsStrings, Locale, fill};
use natter_protocol::{JudgedFigure, KpiSummary, TargetStatus};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub summary: Option<KpiSummary>,
    pub error: Option<String>,
    pub locale: Locale,
}

/// One card: `id`, its name, its value in words, an optional line under it,
/// and its judgement against the target.
struct Card<'a> {
    id: &'static str,
    name: &'static str,
    value: String,
    sub: Option<String>,
    judged: Option<&'a JudgedFigure>,
}

fn judgement(a: &AnalyticsStrings, j: &JudgedFigure) -> Html {
    let class = match j.status {
        Some(TargetStatus::Green) => "green",
        Some(TargetStatus::Yellow) => "yellow",
        Some(TargetStatus::Red) => "red",
        None => "",
    };
    let target = j.target.map(|t| fill(a.target_is, &[&judged_value(a, &j.name, t)]));
    let moved = j.trend.map(|t| trend(a, t, j.better));
    let previous = j.previous.map(|v| fill(a.previous_was, &[&judged_value(a, &j.name, v)]));
    html! {
        <>
            if let Some(s) = j.status {
                <span class={classes!("status", class)}>{ status(a, s) }</span>
            }
            if let Some(t) = target { <span class="sub">{ t }</span> }
            if let Some((arrow, words)) = moved {
                <span class="sub trend"><span aria-hidden="true">{ arrow }{ " " }</span>{ words }
                    if let Some(p) = previous { { " · " }{ p } }
                </span>
            }
        </>
    }
}

fn cards<'a>(a: &AnalyticsStrings, s: &'a KpiSummary) -> Vec<Card<'a>> {
    let f = &s.figures;
    let judged = |name: &str| s.judged.iter().find(|j| j.name == name);
    let time = |v: Option<i64>| v.map_or_else(|| a.none.to_owned(), |ms| duration(a, ms));
    let rated: u64 = f.csat_distribution.iter().sum();
    let missed_rate = f.missed_rate.map_or_else(|| a.none.to_owned(), percent);
    vec![
        Card {
            id: "kpi-conversations",
            name: a.fig_conversations,
            value: f.conversations.to_string(),
            sub: None,
            judged: None,
        },
        Card {
            id: "kpi-frt-median",
            name: a.fig_frt_median,
            value: time(f.frt_median_ms),
            sub: None,
            judged: judged("frt_median_ms"),
        },
        Card { id: "kpi-frt-p90", name: a.fig_frt_p90, value: time(f.frt_p90_ms), sub: None, judged: None },
        Card {
            id: "kpi-resolution",
            name: a.fig_resolution,
            value: time(f.resolution_avg_ms),
            sub: None,
            judged: judged("resolution_avg_ms"),
        },
        Card {
            id: "kpi-csat",
            name: a.fig_csat,
            value: f.csat_avg.map_or_else(|| a.none.to_owned(), hundredths),
            sub: f.csat_satisfied_rate.filter(|_| rated > 0).map(|r| fill(a.csat_satisfied, &[&percent(r)])),
            judged: judged("csat_avg"),
        },
        Card {
            id: "kpi-fcr",
            name: a.fig_fcr,
            value: f.fcr_rate.map_or_else(|| a.none.to_owned(), percent),
            sub: None,
            judged: judged("fcr_rate"),
        },
        Card {
            id: "kpi-missed",
            name: a.fig_missed,
            value: fill(a.missed_of, &[&f.missed.to_string(), &missed_rate]),
            sub: None,
            judged: judged("missed_rate"),
        },
    ]
}

#[component]
pub fn Figures(p: &Props) -> Html {
    let a = p.locale.analytics_strings();
    let body = match &p.summary {
        Some(s) => html! {
            <ul class="kpis">
                { for cards(a, s).into_iter().map(|c| html! {
                    <li class="kpi" id={c.id}>
                        <span class="name">{ c.name }</span>
                        <span class="value">{ c.value }</span>
                        if let Some(sub) = c.sub { <span class="sub">{ sub }</span> }
                        if let Some(j) = c.judged { { judgement(a, j) } }
                    </li>
                }) }
            </ul>
        },
        None if p.error.is_none() => html! { <p role="status">{ a.loading }</p> },
        None => html! {},
    };
    html! {
        <section class="card" aria-labelledby="figures-title">
            <h2 id="figures-title">{ a.figures_title }</h2>
            { body }
            <p class="hint">{ a.targets_hint }</p>
            if let Some(e) = &p.error { <p class="msg error" role="alert">{ fill(a.failed, &[e]) }</p> }
        </section>
    }
}

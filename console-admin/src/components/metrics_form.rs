//! Settings page, targets section (`metrics`): the KPI targets that turn the
//! Analytics screen's figures green, yellow or red, the FCR reopen window, and
//! whether plain agents see the whole team's scorecards. Saved with the page.

use natter_console_kit::state::analytics::{hundredths_text, target_hundredths, target_number};
use natter_protocol::TenantSettings;
use yew::prelude::*;

use super::form_bits::{Input, check, input};
use super::use_store;
use crate::state::admin::number;

type Field = (&'static str, &'static str, String, (u32, u32), fn(&mut TenantSettings, &str));

fn optional(v: Option<u32>) -> String {
    v.map(|n| n.to_string()).unwrap_or_default()
}

#[component]
pub fn MetricsForm() -> Html {
    let store = use_store();
    let s = store.settings.locale.strings();
    let a = store.settings.locale.analytics_strings();
    let adm = &store.admin;
    let m = &adm.draft.metrics;
    let t = &m.targets;
    let fields: [Field; 6] = [
        ("targets.frt_secs", a.t_frt, optional(t.frt_secs), (1, 604_800), |d, v| {
            if let Some(n) = target_number(v) {
                d.metrics.targets.frt_secs = n;
            }
        }),
        ("targets.resolution_secs", a.t_resolution, optional(t.resolution_secs), (1, 604_800), |d, v| {
            if let Some(n) = target_number(v) {
                d.metrics.targets.resolution_secs = n;
            }
        }),
        ("targets.fcr_pct", a.t_fcr, optional(t.fcr_pct), (0, 100), |d, v| {
            if let Some(n) = target_number(v) {
                d.metrics.targets.fcr_pct = n;
            }
        }),
        ("targets.missed_pct", a.t_missed, optional(t.missed_pct), (0, 100), |d, v| {
            if let Some(n) = target_number(v) {
                d.metrics.targets.missed_pct = n;
            }
        }),
        ("targets.yellow_margin_pct", a.t_margin, t.yellow_margin_pct.to_string(), (0, 100), |d, v| {
            d.metrics.targets.yellow_margin_pct = number(v).unwrap_or(d.metrics.targets.yellow_margin_pct)
        }),
        ("fcr_reopen_days", a.t_reopen, m.fcr_reopen_days.to_string(), (1, 30), |d, v| {
            d.metrics.fcr_reopen_days = number(v).unwrap_or(d.metrics.fcr_reopen_days)
        }),
    ];
    let csat = t.csat_avg_x100.map(hundredths_text).unwrap_or_default();
    let csat_error = adm.error_text("metrics.targets.csat_avg_x100", s);
    html! {
        <section class="card" aria-labelledby="sec-targets">
            <h2 id="sec-targets">{ a.sec_targets }</h2>
            <p class="hint">{ a.t_blank }</p>
            <div class="grid2">
                { for fields.iter().map(|(name, label, value, range, f)| {
                    let id = format!("m-{}", name.replace('.', "-"));
                    let error = adm.error_text(&format!("metrics.{name}"), s);
                    input(Input { id: &id, label, kind: "number", value, error }, *f, Some(*range))
                }) }
                { input(Input { id: "m-targets-csat", label: a.t_csat, kind: "text", value: &csat, error: csat_error },
                    |d, v| if let Some(n) = target_hundredths(v) { d.metrics.targets.csat_avg_x100 = n; }, None) }
            </div>
            { check("m-see-team", a.t_see_team, m.agents_see_team, |d, v| d.metrics.agents_see_team = v == "true") }
        </section>
    }
}

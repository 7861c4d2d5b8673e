//! CSV exports of the chosen period: conversations, messages and ratings,
//! optionally of one agent, one tag or one rating. Each button fetches the file with
//! the session and saves it (see `calls.rs`).

use natter_console_kit::i18n::{AnalyticsStrings, Locale, fill};
use natter_console_kit::state::analytics::{ExportFilter, ExportKind};
use natter_protocol::{AgentId, AgentScorecard, Tag, TagId};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub filter: ExportFilter,
    /// The agents to choose from (the scorecards').
    pub agents: Vec<AgentScorecard>,
    /// The tenant's tags.
    pub tags: Vec<Tag>,
    pub exporting: Vec<ExportKind>,
    pub error: Option<String>,
    pub on_filter: Callback<ExportFilter>,
    pub on_export: Callback<ExportKind>,
    pub locale: Locale,
}

fn label(a: &AnalyticsStrings, k: ExportKind) -> &'static str {
    match k {
        ExportKind::Conversations => a.export_conversations,
        ExportKind::Messages => a.export_messages,
        ExportKind::Ratings => a.export_ratings,
    }
}

fn selected(e: &Event) -> Option<u64> {
    e.target_unchecked_into::<HtmlSelectElement>().value().parse().ok()
}

#[component]
pub fn Exports(p: &Props) -> Html {
    let a = p.locale.analytics_strings();
    let on_agent = {
        let (on_filter, filter) = (p.on_filter.clone(), p.filter);
        Callback::from(move |e: Event| on_filter.emit(ExportFilter { agent: selected(&e).map(AgentId), ..filter }))
    };
    let on_tag = {
        let (on_filter, filter) = (p.on_filter.clone(), p.filter);
        Callback::from(move |e: Event| on_filter.emit(ExportFilter { tag: selected(&e).map(TagId), ..filter }))
    };
    let on_rating = {
        let (on_filter, filter) = (p.on_filter.clone(), p.filter);
        let rating = |e: &Event| selected(e).and_then(|r| u8::try_from(r).ok());
        Callback::from(move |e: Event| on_filter.emit(ExportFilter { rating: rating(&e), ..filter }))
    };
    html! {
        <section class="card exports" aria-labelledby="exports-title">
            <h2 id="exports-title">{ a.exports_title }</h2>
            <p class="hint">{ a.exports_hint }</p>
            <div class="row-line">
                <div class="field">
                    <label for="export-agent">{ a.export_agent }</label>
                    <select id="export-agent" onchange={on_agent}>
                        <option value="" selected={p.filter.agent.is_none()}>{ a.any_agent }</option>
                        { for p.agents.iter().map(|c| html! {
                            <option value={c.agent_id.0.to_string()} selected={p.filter.agent == Some(c.agent_id)}>
                                { c.name.clone() }
                            </option>
                        }) }
                    </select>
                </div>
                <div class="field">
                    <label for="export-tag">{ a.export_tag }</label>
                    <select id="export-tag" onchange={on_tag}>
                        <option value="" selected={p.filter.tag.is_none()}>{ a.any_tag }</option>
                        { for p.tags.iter().map(|t| html! {
                            <option value={t.id.0.to_string()} selected={p.filter.tag == Some(t.id)}>{ t.name.clone() }</option>
                        }) }
                    </select>
                </div>
                <div class="field">
                    <label for="export-rating">{ a.export_rating }</label>
                    <select id="export-rating" onchange={on_rating}>
                        <option value="" selected={p.filter.rating.is_none()}>{ a.any_score }</option>
                        { for (1..=5u8).rev().map(|s| html! {
                            <option value={s.to_string()} selected={p.filter.rating == Some(s)}>
                                { fill(a.score_of, &[&s.to_string()]) }
                            </option>
                        }) }
                    </select>
                </div>
                { for ExportKind::ALL.into_iter().map(|k| {
                    let on_export = p.on_export.clone();
                    let busy = p.exporting.contains(&k);
                    html! {
                        <button type="button" id={format!("export-{}", k.name())} disabled={busy}
                            onclick={Callback::from(move |_: MouseEvent| on_export.emit(k))}>
                            { label(a, k) }
                        </button>
                    }
                }) }
            </div>
            <p role="status" aria-live="polite">
                { if p.exporting.is_empty() { String::new() } else { a.exporting.to_owned() } }
            </p>
            if let Some(e) = &p.error { <p class="msg error" role="alert">{ fill(a.export_failed, &[e]) }</p> }
        </section>
    }
}

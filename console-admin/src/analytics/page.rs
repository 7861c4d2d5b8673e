//! The screen itself: its own reducer over the kit's [`AnalyticsState`], the
//! clock that keeps "Live now" fresh, the refetch when the inbox forwards a
//! `metrics_changed` frame, and the layout: the period picker, then each part.
//! A plain agent gets the period picker and their own scorecard.

use std::rc::Rc;

use natter_console_kit::state::analytics::{AnalyticsAction, AnalyticsState, Chart, Period};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use yew::prelude::*;

use super::breakdown::BreakdownTable;
use super::chart_views::ChartViews;
use super::exports::Exports;
use super::figures::Figures;
use super::live::LiveNow;
use super::ratings::RatingsTable;
use super::scorecards::ScorecardTable;
use super::{calls, style};
use crate::components::use_store;
use crate::i18n::AnalyticsStrings;
use crate::web::dom;

/// The screen's store: the kit's state, whose requests go to `calls.rs`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dash(pub AnalyticsState);

impl Reducible for Dash {
    type Action = AnalyticsAction;

    fn reduce(self: Rc<Self>, action: AnalyticsAction) -> Rc<Self> {
        let mut next = Rc::unwrap_or_clone(self);
        for call in next.0.apply(action) {
            calls::run(call);
        }
        Rc::new(next)
    }
}

#[derive(Properties, PartialEq)]
pub struct Props {
    /// Moves with every `metrics_changed` frame the inbox receives.
    pub metrics_rev: u64,
}

/// Dispatches `Tick` once a second while the screen is shown.
#[hook]
fn use_clock(dispatch: Callback<AnalyticsAction>) {
    use_effect_with((), move |()| {
        let tick = Closure::<dyn FnMut()>::new(move || dispatch.emit(AnalyticsAction::Tick { now: dom::now() }));
        let window = dom::window();
        let handle = window.as_ref().and_then(|w| {
            w.set_interval_with_callback_and_timeout_and_arguments_0(tick.as_ref().unchecked_ref(), 1000).ok()
        });
        move || {
            if let (Some(w), Some(h)) = (window, handle) {
                w.clear_interval_with_handle(h);
            }
            drop(tick);
        }
    });
}

fn period_name(a: &AnalyticsStrings, p: Period) -> &'static str {
    match p {
        Period::Today => a.period_today,
        Period::Week => a.period_week,
        Period::Month => a.period_month,
    }
}

fn period_picker(a: &AnalyticsStrings, current: Period, dispatch: &Callback<AnalyticsAction>) -> Html {
    html! {
        <div class="period" role="group" aria-label={a.period}>
            <span>{ a.period }</span>
            { for Period::ALL.into_iter().map(|p| {
                let dispatch = dispatch.clone();
                html! {
                    <button type="button" aria-pressed={(p == current).to_string()}
                        onclick={Callback::from(move |_: MouseEvent| dispatch.emit(AnalyticsAction::SetPeriod(p)))}>
                        { period_name(a, p) }
                    </button>
                }
            }) }
        </div>
    }
}

#[component]
pub fn AnalyticsPage(p: &Props) -> Html {
    let store = use_store();
    let locale = store.settings.locale;
    let a = locale.analytics_strings();
    let supervisor = store.is_admin();
    let token = store.session.as_ref().map(|s| s.token.clone()).unwrap_or_default();
    // Compared, so a tick that changes nothing renders nothing.
    let dash = use_reducer_eq(Dash::default);
    let dispatch: Callback<AnalyticsAction> = {
        let d = dash.dispatcher();
        Callback::from(move |a| d.dispatch(a))
    };
    {
        let dispatch = dispatch.clone();
        use_effect_with((token, supervisor), move |(token, supervisor)| {
            style::ensure();
            calls::set_target(Some((token.clone(), dispatch.clone())));
            dispatch.emit(AnalyticsAction::Open { supervisor: *supervisor, now: dom::now() });
            || calls::set_target(None)
        });
    }
    {
        // Not on the first render: opening fetched everything already.
        let (dispatch, seen) = (dispatch.clone(), use_mut_ref(|| p.metrics_rev));
        use_effect_with(p.metrics_rev, move |&rev| {
            if std::mem::replace(&mut *seen.borrow_mut(), rev) != rev {
                dispatch.emit(AnalyticsAction::MetricsChanged { now: dom::now() });
            }
        });
    }
    use_clock(dispatch.clone());
    let s = &dash.0;
    let on_table = dispatch.reform(|(chart, on): (Chart, bool)| AnalyticsAction::ShowTable(chart, on));
    let title = if supervisor { a.title } else { a.my_title };
    // A plain agent's cards are their own, unless the tenant lets agents see the team's.
    let me = store.my_id();
    let own = !supervisor && s.agents.value.as_ref().is_none_or(|c| c.agents.iter().all(|card| card.agent_id == me));
    html! {
        <main class="admin analytics" aria-labelledby="analytics-title">
            <div class="admin-bar">
                <h1 id="analytics-title">{ title }</h1>
                { period_picker(a, s.period, &dispatch) }
            </div>
            <div class="admin-sections">
                if supervisor {
                    <LiveNow live={s.live.value.clone()} error={s.live.error.clone()} {locale} />
                    <Figures summary={s.summary.value.as_deref().cloned()} error={s.summary.error.clone()} {locale} />
                    <ChartViews trends={s.trends.value.clone()} heatmap={s.heatmap.value.clone()}
                        csat={s.summary.value.as_ref().map(|v| v.figures.csat_distribution)}
                        tables={s.tables.clone()} {on_table} {locale} />
                } else {
                    <p class="hint">{ a.my_intro }</p>
                }
                <ScorecardTable cards={s.agents.value.clone()} error={s.agents.error.clone()} {own} {locale} />
                if supervisor {
                    <BreakdownTable by={s.by} rows={s.breakdown.value.clone()} error={s.breakdown.error.clone()}
                        on_by={dispatch.reform(AnalyticsAction::BreakdownBy)} {locale} />
                    <RatingsTable list={s.ratings.clone()} on_score={dispatch.reform(AnalyticsAction::RatingsScore)}
                        on_more={dispatch.reform(|()| AnalyticsAction::MoreRatings)} {locale} />
                    <Exports filter={s.export_filter} exporting={s.exporting.clone()} error={s.export_error.clone()}
                        agents={s.agents.value.as_ref().map(|c| c.agents.clone()).unwrap_or_default()}
                        tags={store.tags.clone()}
                        on_filter={dispatch.reform(AnalyticsAction::ExportFilter)}
                        on_export={dispatch.reform(AnalyticsAction::Export)} {locale} />
                }
            </div>
        </main>
    }
}

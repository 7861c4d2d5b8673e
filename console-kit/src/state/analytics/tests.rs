//! The Analytics screen's reducer: what it fetches when, coalescing, late
//! answers, paging and the paths it asks for.

use natter_protocol::{AgentId, ConversationId, KpiFigures, LiveKpis, Rating, RatingPage, RatingRecord, UnixMillis};

use super::*;

fn live(waiting: u32) -> LiveKpis {
    LiveKpis {
        at: UnixMillis(0),
        waiting,
        active: 0,
        longest_wait_ms: None,
        agents_online: 1,
        agents_away: 0,
        agents_busy: 0,
        agents_offline: 0,
    }
}

fn summary(conversations: u64) -> Box<KpiSummary> {
    Box::new(KpiSummary {
        from: "2026-12-02".into(),
        to: "2026-12-02".into(),
        timezone: "UTC".into(),
        figures: KpiFigures { conversations, ..KpiFigures::default() },
        previous: KpiFigures::default(),
        judged: Vec::new(),
        per_agent: Vec::new(),
    })
}

fn rating(id: u64, at: i64) -> RatingRecord {
    RatingRecord {
        conversation_id: ConversationId(id),
        agent_id: Some(AgentId(1)),
        agent_name: Some("Ann".into()),
        visitor_name: None,
        rating: Rating { score: 5, comment: Some("kind".into()), rated_at: UnixMillis(at), changed: false },
        via: "widget".into(),
    }
}

fn opened(supervisor: bool) -> (AnalyticsState, Vec<Call>) {
    let mut s = AnalyticsState::default();
    let calls = s.apply(AnalyticsAction::Open { supervisor, now: UnixMillis(1_000) });
    (s, calls)
}

#[test]
fn a_supervisor_opening_fetches_every_report_of_today() {
    let (_, calls) = opened(true);
    let p = Period::Today;
    assert_eq!(
        calls,
        vec![
            Call::Live,
            Call::Agents(p),
            Call::Summary(p),
            Call::Trends(p),
            Call::Heatmap(p),
            Call::Breakdown(By::Skill, p),
            Call::Ratings { score: None, before: None },
        ]
    );
}

#[test]
fn a_plain_agent_fetches_only_their_scorecard() {
    let (mut s, calls) = opened(false);
    assert_eq!(calls, vec![Call::Agents(Period::Today)]);
    // Nor does the clock, a change or an export ask for a supervisor's report.
    assert!(s.apply(AnalyticsAction::Tick { now: UnixMillis(100_000) }).is_empty());
    s.apply(AnalyticsAction::Answer(Answer::Agents(Period::Today, Err("x".into()))));
    assert_eq!(s.apply(AnalyticsAction::MetricsChanged { now: UnixMillis(2_000) }), vec![Call::Agents(Period::Today)]);
    assert!(s.apply(AnalyticsAction::Export(ExportKind::Conversations)).is_empty());
}

#[test]
fn metrics_changed_while_a_request_is_out_fetches_once_more_after_its_answer() {
    let (mut s, _) = opened(true);
    // Everything is still pending: nothing goes out now…
    let calls = s.apply(AnalyticsAction::MetricsChanged { now: UnixMillis(2_000) });
    assert!(calls.is_empty(), "{calls:?}");
    let again = s.apply(AnalyticsAction::MetricsChanged { now: UnixMillis(2_500) });
    assert!(again.is_empty());
    // …and each report goes out once more when its answer comes.
    let calls = s.apply(AnalyticsAction::Answer(Answer::Summary(Period::Today, Ok(summary(1)))));
    assert_eq!(calls, vec![Call::Summary(Period::Today)]);
    assert_eq!(s.summary.value.as_ref().map(|v| v.figures.conversations), Some(1));
    assert!(s.summary.pending);
    let calls = s.apply(AnalyticsAction::Answer(Answer::Summary(Period::Today, Ok(summary(2)))));
    assert!(calls.is_empty());
    assert_eq!(s.summary.value.as_ref().map(|v| v.figures.conversations), Some(2));
    assert!(!s.summary.pending);
    // Once answered, a change fetches at once.
    let calls = s.apply(AnalyticsAction::MetricsChanged { now: UnixMillis(3_000) });
    assert!(calls.contains(&Call::Summary(Period::Today)));
}

#[test]
fn live_is_fetched_again_on_the_clock_while_shown() {
    let (mut s, _) = opened(true);
    s.apply(AnalyticsAction::Answer(Answer::Live(Ok(live(2)))));
    assert!(s.apply(AnalyticsAction::Tick { now: UnixMillis(1_000 + LIVE_REFRESH_MS - 1) }).is_empty());
    assert_eq!(s.apply(AnalyticsAction::Tick { now: UnixMillis(1_000 + LIVE_REFRESH_MS) }), vec![Call::Live]);
    assert!(s.apply(AnalyticsAction::Tick { now: UnixMillis(2_000 + LIVE_REFRESH_MS) }).is_empty());
    s.apply(AnalyticsAction::Answer(Answer::Live(Ok(live(3)))));
    assert_eq!(s.live.value.as_ref().map(|l| l.waiting), Some(3));
}

#[test]
fn a_failed_fetch_keeps_what_was_shown_and_says_why() {
    let (mut s, _) = opened(true);
    s.apply(AnalyticsAction::Answer(Answer::Live(Ok(live(2)))));
    s.apply(AnalyticsAction::Tick { now: UnixMillis(1_000 + LIVE_REFRESH_MS) });
    s.apply(AnalyticsAction::Answer(Answer::Live(Err("unreachable".into()))));
    assert_eq!(s.live.value.as_ref().map(|l| l.waiting), Some(2));
    assert_eq!(s.live.error.as_deref(), Some("unreachable"));
}

#[test]
fn another_period_drops_the_old_figures_and_late_answers_for_it() {
    let (mut s, _) = opened(true);
    s.apply(AnalyticsAction::Answer(Answer::Summary(Period::Today, Ok(summary(1)))));
    let calls = s.apply(AnalyticsAction::SetPeriod(Period::Week));
    let w = Period::Week;
    assert_eq!(
        calls,
        vec![Call::Agents(w), Call::Summary(w), Call::Trends(w), Call::Heatmap(w), Call::Breakdown(By::Skill, w)]
    );
    assert_eq!(s.summary.value, None);
    // Today's answer arriving late is not this week's.
    s.apply(AnalyticsAction::Answer(Answer::Summary(Period::Today, Ok(summary(9)))));
    assert_eq!(s.summary.value, None);
    s.apply(AnalyticsAction::Answer(Answer::Summary(w, Ok(summary(4)))));
    assert_eq!(s.summary.value.as_ref().map(|v| v.figures.conversations), Some(4));
    assert!(s.apply(AnalyticsAction::SetPeriod(w)).is_empty(), "the same period again asks for nothing");
}

#[test]
fn breakdown_follows_its_grouping() {
    let (mut s, _) = opened(true);
    let calls = s.apply(AnalyticsAction::BreakdownBy(By::ClosedReason));
    assert_eq!(calls, vec![Call::Breakdown(By::ClosedReason, Period::Today)]);
    // The skill answer, late, is dropped.
    let late = Breakdown { by: "skill".into(), from: String::new(), to: String::new(), rows: Vec::new() };
    s.apply(AnalyticsAction::Answer(Answer::Breakdown(By::Skill, Period::Today, Ok(late))));
    assert_eq!(s.breakdown.value, None);
}

#[test]
fn ratings_page_on_and_a_score_filter_starts_over() {
    let (mut s, _) = opened(true);
    let first = RatingPage { ratings: vec![rating(1, 300), rating(2, 200)], next_before: Some(UnixMillis(200)) };
    s.apply(AnalyticsAction::Answer(Answer::Ratings { score: None, before: None, page: Ok(first) }));
    assert_eq!(
        s.apply(AnalyticsAction::MoreRatings),
        vec![Call::Ratings { score: None, before: Some(UnixMillis(200)) }]
    );
    assert!(s.apply(AnalyticsAction::MoreRatings).is_empty(), "one page at a time");
    let second = RatingPage { ratings: vec![rating(3, 100)], next_before: None };
    s.apply(AnalyticsAction::Answer(Answer::Ratings { score: None, before: Some(UnixMillis(200)), page: Ok(second) }));
    let ids: Vec<u64> = s.ratings.items.iter().map(|r| r.conversation_id.0).collect();
    assert_eq!(ids, vec![1, 2, 3]);
    assert!(s.apply(AnalyticsAction::MoreRatings).is_empty(), "no more pages");

    let calls = s.apply(AnalyticsAction::RatingsScore(Some(5)));
    assert_eq!(calls, vec![Call::Ratings { score: Some(5), before: None }]);
    assert!(s.ratings.items.is_empty());
    // An answer for the unfiltered list, late, is dropped.
    let late = RatingPage { ratings: vec![rating(9, 50)], next_before: None };
    s.apply(AnalyticsAction::Answer(Answer::Ratings { score: None, before: None, page: Ok(late) }));
    assert!(s.ratings.items.is_empty());
}

#[test]
fn charts_toggle_to_tables() {
    let (mut s, _) = opened(true);
    assert!(!s.as_table(Chart::Heatmap));
    s.apply(AnalyticsAction::ShowTable(Chart::Heatmap, true));
    s.apply(AnalyticsAction::ShowTable(Chart::Heatmap, true));
    assert!(s.as_table(Chart::Heatmap));
    assert_eq!(s.tables.len(), 1);
    s.apply(AnalyticsAction::ShowTable(Chart::Heatmap, false));
    assert!(!s.as_table(Chart::Heatmap));
}

#[test]
fn an_export_goes_out_once_with_the_period_and_filters() {
    let (mut s, _) = opened(true);
    s.apply(AnalyticsAction::SetPeriod(Period::Month));
    let filter = ExportFilter { agent: Some(AgentId(3)), tag: None, rating: Some(5) };
    s.apply(AnalyticsAction::ExportFilter(filter));
    let calls = s.apply(AnalyticsAction::Export(ExportKind::Ratings));
    assert_eq!(calls, vec![Call::Export { kind: ExportKind::Ratings, period: Period::Month, filter }]);
    assert!(s.apply(AnalyticsAction::Export(ExportKind::Ratings)).is_empty(), "not twice at once");
    s.apply(AnalyticsAction::Answer(Answer::Exported(ExportKind::Ratings, Err("HTTP 500".into()))));
    assert_eq!(s.export_error.as_deref(), Some("HTTP 500"));
    assert_eq!(s.apply(AnalyticsAction::Export(ExportKind::Ratings)).len(), 1);
    assert_eq!(s.export_error, None);
}

#[test]
fn paths_carry_the_period_and_filters() {
    assert_eq!(Call::Live.path(), "/v1/admin/metrics/live");
    assert_eq!(Call::Summary(Period::Week).path(), "/v1/admin/metrics/summary?days=7");
    assert_eq!(Call::Trends(Period::Today).path(), "/v1/admin/metrics/trends?days=7");
    assert_eq!(Call::Trends(Period::Month).path(), "/v1/admin/metrics/trends?days=30");
    assert_eq!(
        Call::Breakdown(By::ClosedReason, Period::Today).path(),
        "/v1/admin/metrics/breakdown?by=closed_reason&days=1"
    );
    assert_eq!(
        Call::Ratings { score: Some(2), before: Some(UnixMillis(99)) }.path(),
        "/v1/admin/ratings?limit=20&score=2&before=99"
    );
    let filter = ExportFilter { agent: Some(AgentId(4)), tag: Some(TagId(2)), rating: Some(1) };
    assert_eq!(
        Call::Export { kind: ExportKind::Messages, period: Period::Week, filter }.path(),
        "/v1/admin/exports/messages.csv?days=7&agent=4&tag=2&rating=1"
    );
    assert_eq!(Call::file_name(ExportKind::Conversations, Period::Today), "natter-conversations-1d.csv");
    assert_eq!(By::parse("tag"), Some(By::Tag));
}

#[test]
fn target_fields_read_blank_as_none_and_ignore_garbage() {
    assert_eq!(target_number(" 120 "), Some(Some(120)));
    assert_eq!(target_number(""), Some(None));
    assert_eq!(target_number("12x"), None);
    assert_eq!(target_hundredths("4.5"), Some(Some(450)));
    assert_eq!(target_hundredths("4,75"), Some(Some(475)));
    assert_eq!(target_hundredths("4"), Some(Some(400)));
    assert_eq!(target_hundredths("4."), Some(Some(400)));
    assert_eq!(target_hundredths(""), Some(None));
    assert_eq!(target_hundredths("abc"), None);
    for x in [450, 475, 400, 405, 100] {
        assert_eq!(target_hundredths(&hundredths_text(x)), Some(Some(x)));
    }
}

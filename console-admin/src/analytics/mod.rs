//! The Analytics screen (issue 14): live figures, the period's KPIs judged
//! against the tenant's targets, SVG charts each with a table view, agent
//! scorecards, breakdowns, ratings with comments and CSV exports. A plain
//! agent sees their own scorecard ("My stats"). Its state is the kit's
//! `state::analytics` (pure, tested natively), run by a reducer of this
//! screen's own ([`page::Dash`]); `calls.rs` carries out its requests.

mod breakdown;
mod calls;
mod chart_card;
mod chart_views;
mod charts;
mod exports;
mod figures;
mod live;
pub mod page;
mod ratings;
mod scorecards;
mod style;

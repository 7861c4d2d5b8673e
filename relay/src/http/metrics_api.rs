//! The KPI API (`METRICS.md` defines every figure): `GET /v1/admin/metrics/
//! {live,summary,trends,heatmap,agents,breakdown}` for owners and admins, and
//! `GET /v1/admin/ratings`, the ratings with their comments. A plain agent may
//! read `agents` — their own scorecard only, unless the tenant's
//! `metrics.agents_see_team` allows the whole team. Reports run on the
//! tenant's read connection; `live` asks the actor (availability is in memory).

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use natter_protocol::{
    AgentId, AgentInfo, Breakdown, Heatmap, KpiSummary, LiveKpis, RatingPage, Scorecards, Trends, UnixMillis,
};
use serde::Deserialize;

use super::ApiError;
use super::agent_auth::{AuthState, signed_in};
use crate::tenant::{AdminOp, RatingQuery, TenantHandle, kpi_days as days, kpi_report as report};

/// Longest period a report covers, in days.
pub const MAX_DAYS: i64 = 366;

/// Query parameters of the reports (each endpoint reads the ones it needs).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub days: Option<u32>,
    pub by: Option<String>,
    pub agent: Option<u64>,
    pub tag: Option<u64>,
    pub rating: Option<u8>,
    pub score: Option<u8>,
    pub with_comment: Option<bool>,
    pub before: Option<i64>,
    pub limit: Option<u32>,
}

pub(super) fn query(q: Result<Query<ReportQuery>, QueryRejection>) -> Result<ReportQuery, ApiError> {
    q.map(|Query(q)| q).map_err(|e| ApiError::invalid_input(e.body_text()))
}

/// The caller's tenant and account, if signed in as an owner or admin.
pub(super) async fn supervisor(state: &AuthState, headers: &HeaderMap) -> Result<(TenantHandle, AgentInfo), ApiError> {
    let (tenant, agent) = signed_in(&state.tenants, headers).await?;
    if !agent.role.is_admin() {
        return Err(ApiError::forbidden("only owners and admins may read the team's figures"));
    }
    Ok((tenant, agent))
}

fn date(field: &str, v: Option<&str>) -> Result<Option<jiff::civil::Date>, ApiError> {
    v.map(|s| days::parse(s).ok_or_else(|| ApiError::invalid_field(field, format!("{field}: a date YYYY-MM-DD"))))
        .transpose()
}

/// `from`/`to` (local dates, both included; each defaults to today), or the
/// last `days` days up to today.
pub(super) fn period(tenant: &TenantHandle, q: &ReportQuery) -> Result<report::Period, ApiError> {
    let tz = days::zone(&tenant.settings().settings.hours.timezone);
    let today = days::today(&tz, tenant.now());
    if let Some(n) = q.days {
        if !(1..=MAX_DAYS).contains(&i64::from(n)) || q.from.is_some() {
            return Err(ApiError::invalid_field("days", format!("days: 1 to {MAX_DAYS}, without from")));
        }
        return Ok(report::Period { from: days::shift(today, 1 - i64::from(n)), to: today });
    }
    let to = date("to", q.to.as_deref())?.unwrap_or(today);
    let from = date("from", q.from.as_deref())?.unwrap_or(to);
    if to < from || days::span(from, to) > MAX_DAYS {
        return Err(ApiError::invalid_field("to", format!("to: on or after from, at most {MAX_DAYS} days")));
    }
    Ok(report::Period { from, to })
}

fn timezone(tenant: &TenantHandle) -> String {
    tenant.settings().settings.hours.timezone.clone()
}

pub async fn live(State(state): State<AuthState>, headers: HeaderMap) -> Result<Json<LiveKpis>, ApiError> {
    let (tenant, _) = supervisor(&state, &headers).await?;
    Ok(Json(tenant.admin(|reply| AdminOp::LiveKpis { reply }).await?))
}

pub async fn summary(
    State(state): State<AuthState>,
    headers: HeaderMap,
    q: Result<Query<ReportQuery>, QueryRejection>,
) -> Result<Json<KpiSummary>, ApiError> {
    let (tenant, _) = supervisor(&state, &headers).await?;
    let p = period(&tenant, &query(q)?)?;
    let (tz, targets) = (timezone(&tenant), tenant.settings().settings.metrics.targets.clone());
    Ok(Json(tenant.reader().report(move |db| report::summary(db, &tz, p, &targets)).await?))
}

pub async fn trends(
    State(state): State<AuthState>,
    headers: HeaderMap,
    q: Result<Query<ReportQuery>, QueryRejection>,
) -> Result<Json<Trends>, ApiError> {
    let (tenant, _) = supervisor(&state, &headers).await?;
    let mut q = query(q)?;
    if q.days.is_none() && q.from.is_none() {
        q.days = Some(7);
    }
    let p = period(&tenant, &q)?;
    let tz = timezone(&tenant);
    Ok(Json(tenant.reader().report(move |db| report::trends(db, &tz, p)).await?))
}

pub async fn heatmap(
    State(state): State<AuthState>,
    headers: HeaderMap,
    q: Result<Query<ReportQuery>, QueryRejection>,
) -> Result<Json<Heatmap>, ApiError> {
    let (tenant, _) = supervisor(&state, &headers).await?;
    let p = period(&tenant, &query(q)?)?;
    let tz = timezone(&tenant);
    Ok(Json(tenant.reader().report(move |db| report::heatmap(db, &tz, p)).await?))
}

/// Scorecards: any signed-in agent; a plain agent sees only their own unless
/// the tenant allows the team's.
pub async fn agents(
    State(state): State<AuthState>,
    headers: HeaderMap,
    q: Result<Query<ReportQuery>, QueryRejection>,
) -> Result<Json<Scorecards>, ApiError> {
    let (tenant, me) = signed_in(&state.tenants, &headers).await?;
    let q = query(q)?;
    let p = period(&tenant, &q)?;
    let sees_team = me.role.is_admin() || tenant.settings().settings.metrics.agents_see_team;
    let only = match (sees_team, q.agent.map(AgentId)) {
        (true, wanted) => wanted,
        (false, None) => Some(me.id),
        (false, Some(other)) if other == me.id => Some(me.id),
        (false, Some(_)) => return Err(ApiError::forbidden("you may see your own scorecard only")),
    };
    Ok(Json(tenant.reader().report(move |db| report::scorecards(db, p, only)).await?))
}

pub async fn breakdown(
    State(state): State<AuthState>,
    headers: HeaderMap,
    q: Result<Query<ReportQuery>, QueryRejection>,
) -> Result<Json<Breakdown>, ApiError> {
    let (tenant, _) = supervisor(&state, &headers).await?;
    let q = query(q)?;
    let by =
        q.by.as_deref()
            .and_then(report::By::parse)
            .ok_or_else(|| ApiError::invalid_field("by", "by: skill, tag or closed_reason"))?;
    let p = period(&tenant, &q)?;
    Ok(Json(tenant.reader().report(move |db| report::breakdown(db, by, p)).await?))
}

/// `GET /v1/admin/ratings?from&to&agent&score&with_comment&before&limit`:
/// ratings given in the period (by when they were given), newest first.
pub async fn ratings(
    State(state): State<AuthState>,
    headers: HeaderMap,
    q: Result<Query<ReportQuery>, QueryRejection>,
) -> Result<Json<RatingPage>, ApiError> {
    let (tenant, _) = supervisor(&state, &headers).await?;
    let q = query(q)?;
    let limit = q.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::invalid_field("limit", "limit: 1 to 200"));
    }
    if q.score.is_some_and(|s| !(1..=5).contains(&s)) {
        return Err(ApiError::invalid_field("score", "score: 1 to 5"));
    }
    let bounds = if q.from.is_some() || q.to.is_some() { Some(period(&tenant, &q)?) } else { None };
    let tz = days::zone(&timezone(&tenant));
    let query = RatingQuery {
        from: bounds.map(|p| days::start_of(&tz, p.from)),
        to: bounds.map(|p| days::start_of(&tz, days::shift(p.to, 1))),
        agent: q.agent.map(AgentId),
        score: q.score,
        with_comment: q.with_comment.unwrap_or(false),
        before: q.before.map(UnixMillis),
        limit,
    };
    Ok(Json(tenant.reader().ratings(query).await?))
}

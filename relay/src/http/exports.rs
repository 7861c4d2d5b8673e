//! `GET /v1/admin/exports/{conversations,messages,ratings}.csv?from&to&agent&tag&rating`:
//! CSV streamed page by page from the tenant's read connection (see
//! `tenant/kpi/export.rs`); a year of a big tenant is never held in memory.
//! Owners and admins only.

use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use natter_protocol::{AgentId, TagId};

use super::ApiError;
use super::agent_auth::AuthState;
use super::metrics_api::{ReportQuery, period, query, supervisor};
use crate::store::StoreError;
use crate::tenant::{Reader, kpi_export as export};

pub async fn export(
    State(state): State<AuthState>,
    Path(name): Path<String>,
    headers: HeaderMap,
    q: Result<Query<ReportQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let (tenant, _) = supervisor(&state, &headers).await?;
    let kind = export::Kind::parse(&name).ok_or_else(ApiError::not_found)?;
    let q = query(q)?;
    if q.rating.is_some_and(|r| !(1..=5).contains(&r)) {
        return Err(ApiError::invalid_field("rating", "rating: 1 to 5"));
    }
    let filter = export::Filter {
        period: period(&tenant, &q)?,
        agent: q.agent.map(AgentId),
        tag: q.tag.map(TagId),
        rating: q.rating,
    };
    let header_line = export::header(kind)?;
    let body = Body::from_stream(pages(tenant.reader().clone(), kind, filter, header_line));
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    let disposition = format!("attachment; filename=\"{}-{}-{name}\"", tenant.id(), filter.period.from);
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

/// What the stream still has to send.
enum Next {
    Header(Vec<u8>),
    Page(export::Cursor),
    Done,
}

/// The header, then one page per read, each read only once the previous
/// chunk was taken by the response (the body's back-pressure).
fn pages(
    reader: Reader,
    kind: export::Kind,
    filter: export::Filter,
    header_line: Vec<u8>,
) -> impl futures_util::Stream<Item = Result<Bytes, StoreError>> {
    stream::unfold(Next::Header(header_line), move |next| {
        let reader = reader.clone();
        async move {
            match next {
                Next::Header(bytes) => Some((Ok(Bytes::from(bytes)), Next::Page(export::Cursor::default()))),
                Next::Page(cursor) => match reader.export_page(kind, filter, cursor).await {
                    Ok((bytes, Some(after))) => Some((Ok(Bytes::from(bytes)), Next::Page(after))),
                    Ok((bytes, None)) => Some((Ok(Bytes::from(bytes)), Next::Done)),
                    Err(e) => {
                        tracing::error!(error = %e, "export failed mid-stream");
                        Some((Err(e), Next::Done))
                    }
                },
                Next::Done => None,
            }
        }
    })
}

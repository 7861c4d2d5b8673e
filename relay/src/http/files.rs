//! Files in chat over HTTP: `POST /v1/uploads` (visitor token or agent
//! session), `GET /v1/uploads/{id}/link` (fresh signed links),
//! `GET /v1/files/{tenant}/{id}/{original|thumb}` (the signed download) and
//! `DELETE /v1/admin/conversations/{id}` (erasure with its files). The checks
//! and the storage are `crate::files` and the tenant actor's `files.rs`.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use natter_protocol::{
    AgentInfo, Attachment, ConversationId, ErrorCode, FileLink, FileType, TenantId, UploadId, VisitorId,
};
use serde::Deserialize;

use super::ApiError;
use crate::auth::visitor_token::{TokenError, VisitorTokens};
use crate::files::{FileService, LinkError, Refused, TenantLinks, Variant, name};
use crate::origin::origin_allowed;
use crate::tenant::{BlobFile, Command, EraseRefusal, FileOp, NewUpload, TenantHandle, Tenants, Uploader};

/// What the file endpoints share.
#[derive(Debug, Clone)]
pub struct FileState {
    pub tenants: Tenants,
    pub files: FileService,
    pub tokens: VisitorTokens,
    pub own_origins: Arc<Vec<String>>,
}

pub fn routes(state: FileState) -> Router {
    Router::new()
        .route("/v1/uploads", post(upload))
        .route("/v1/uploads/{id}/link", get(link))
        .route("/v1/files/{tenant}/{id}/{variant}", get(download))
        .route("/v1/admin/conversations/{id}", delete(erase))
        .with_state(state)
}

/// Who is asking: a visitor (by their token) or a signed-in agent.
enum Caller {
    Visitor { tenant: TenantHandle, visitor: VisitorId },
    Agent { tenant: TenantHandle, agent: AgentInfo },
}

impl Caller {
    fn tenant(&self) -> &TenantHandle {
        match self {
            Self::Visitor { tenant, .. } | Self::Agent { tenant, .. } => tenant,
        }
    }

    fn uploader(&self) -> Uploader {
        match self {
            Self::Visitor { visitor, .. } => Uploader::Visitor(visitor.clone()),
            Self::Agent { agent, .. } => Uploader::Agent(agent.id),
        }
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token.trim()).filter(|t| !t.is_empty())
}

/// The caller of a file endpoint. A visitor token (`v1.…`) needs `tenant` and
/// an allowed `Origin`, as the visitor socket does; anything else must be an
/// agent session of `tenant` (when given).
async fn caller(state: &FileState, headers: &HeaderMap, wanted: Option<&str>) -> Result<Caller, ApiError> {
    let token = bearer(headers).ok_or_else(ApiError::unauthorized)?;
    if token.starts_with("v1.") {
        let tenant_id = wanted.and_then(|t| TenantId::parse(t).ok()).ok_or_else(ApiError::unknown_tenant)?;
        let record = state.tenants.registry().tenant(&tenant_id).await?.ok_or_else(ApiError::unknown_tenant)?;
        let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
        let allowed = match origin {
            Some(o) => origin_allowed(&state.own_origins, o) || origin_allowed(&record.allowed_origins, o),
            // Browsers send no Origin on a same-origin GET (the widget frame,
            // on the relay's origin, asking for a fresh link); they mark it
            // with `Sec-Fetch-Site`, which no page script can set.
            None => headers.get("sec-fetch-site").is_some_and(|v| v.as_bytes() == b"same-origin"),
        };
        if !allowed {
            return Err(ApiError::origin_not_allowed());
        }
        let visitor = state.tokens.verify(&tenant_id, token, crate::time::now()).map_err(|e| match e {
            TokenError::Invalid => ApiError::new(StatusCode::UNAUTHORIZED, ErrorCode::TokenInvalid, e.to_string()),
            TokenError::Expired => ApiError::new(StatusCode::UNAUTHORIZED, ErrorCode::TokenExpired, e.to_string()),
        })?;
        let tenant = state.tenants.get(&tenant_id).await?.ok_or_else(ApiError::unknown_tenant)?;
        return Ok(Caller::Visitor { tenant, visitor });
    }
    let (tenant, agent) = super::agent_auth::signed_in(&state.tenants, headers).await?;
    if wanted.is_some_and(|t| t != tenant.id().as_str()) {
        return Err(ApiError::forbidden("this session is for another tenant"));
    }
    Ok(Caller::Agent { tenant, agent })
}

/// `POST /v1/uploads?tenant=&name=`: the body is the file.
async fn upload(
    State(state): State<FileState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Body,
) -> Result<(StatusCode, Json<Attachment>), ApiError> {
    let query = name::upload_query(raw.as_deref());
    let caller = caller(&state, &headers, query.tenant.as_deref()).await?;
    let name = name::file_name(query.name.as_deref()).map_err(|why| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::FileNameInvalid, why).with_field("name")
    })?;
    let tenant = caller.tenant();
    let policy = tenant.settings().settings.files.clone();
    if let Caller::Visitor { visitor, .. } = &caller {
        if !policy.visitor_uploads {
            return Err(ApiError::forbidden("this shop does not take files from visitors"));
        }
        state.files.rate().take(tenant.id(), visitor, state.files.now()).map_err(|secs| {
            ApiError::new(StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited, "too many uploads; wait a little")
                .retry_after(secs)
        })?;
    }
    let max = state.files.max_bytes(&policy);
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|len| len > max) {
        return Err(refusal(Refused::TooLarge { limit: max }));
    }
    let dir = state.files.tenant_dir(tenant.id());
    let received = state.files.receive(&dir, body, max).await.map_err(refusal)?;
    let processed = match state.files.process(&dir, received, &name, &policy).await {
        Ok(processed) => processed,
        Err(Refused::Infected { signature, sha256 }) => {
            tracing::warn!(tenant = %tenant.id(), %signature, %sha256, "refused an infected upload");
            let uploader = caller.uploader();
            let (name, signature2) = (name.clone(), signature.clone());
            tenant
                .ask(|reply| Command::Files(FileOp::Refused { uploader, name, sha256, signature: signature2, reply }))
                .await?;
            return Err(refusal(Refused::Infected { signature, sha256: String::new() }));
        }
        Err(other) => return Err(refusal(other)),
    };
    let blob =
        |b: &crate::files::Blob| BlobFile { tmp: b.tmp.path().to_owned(), sha256: b.sha256.clone(), bytes: b.bytes };
    let upload = NewUpload {
        id: new_upload_id(),
        uploader: caller.uploader(),
        name,
        kind: processed.kind,
        main: blob(&processed.main),
        thumb: processed.thumb.as_ref().map(blob),
        width: processed.width,
        height: processed.height,
        scanned: processed.scanned,
    };
    let stored = tenant.ask(|reply| Command::Files(FileOp::Store { upload: Box::new(upload), reply })).await?;
    // Only now may the temporary files go (those the actor did not move into place).
    drop(processed);
    match stored {
        Ok(attachment) => Ok((StatusCode::CREATED, Json(attachment))),
        Err(_) => Err(ApiError::new(
            StatusCode::INSUFFICIENT_STORAGE,
            ErrorCode::QuotaExceeded,
            "this shop's file storage is full",
        )),
    }
}

fn new_upload_id() -> UploadId {
    // 16 random bytes are 22 base64url characters: UploadId's format.
    #[allow(clippy::expect_used)]
    UploadId::parse(format!("up_{}", crate::auth::random_b64(16))).expect("up_ and 22 base64url characters")
}

/// The typed answer to a refused upload.
fn refusal(refused: Refused) -> ApiError {
    let status = |s: u16| StatusCode::from_u16(s).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
    match refused {
        Refused::TooLarge { limit } => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::FileTooLarge,
            format!("the file is over the limit of {limit} bytes"),
        ),
        Refused::Empty => ApiError::new(status(422), ErrorCode::FileEmpty, "the file is empty"),
        Refused::NotAllowed(why) => {
            ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, ErrorCode::FileTypeNotAllowed, why)
        }
        Refused::Mismatch { claimed, found } => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::FileTypeMismatch,
            format!("the name says {} but the content is {found}", claimed.mime()),
        ),
        Refused::Unreadable(why) => ApiError::new(status(422), ErrorCode::FileUnreadable, why),
        Refused::Infected { signature, .. } => {
            ApiError::new(status(422), ErrorCode::FileInfected, format!("the malware scanner found {signature}"))
        }
        Refused::ScannerUnavailable => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::ScannerUnavailable,
            "the malware scanner cannot be reached; try again later",
        )
        .retry_after(30),
        Refused::Interrupted(why) => {
            tracing::debug!(reason = %why, "upload interrupted");
            ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::InvalidInput, "the upload was interrupted")
        }
        Refused::Io(e) => {
            tracing::error!(error = %e, "storing an upload failed");
            ApiError::internal()
        }
    }
}

fn no_such_upload() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "no such upload")
}

#[derive(Debug, Deserialize)]
struct TenantParam {
    tenant: Option<String>,
}

/// `GET /v1/uploads/{id}/link?tenant=`: fresh links for whoever may see the upload.
async fn link(
    State(state): State<FileState>,
    id: Result<Path<String>, PathRejection>,
    Query(param): Query<TenantParam>,
    headers: HeaderMap,
) -> Result<Json<FileLink>, ApiError> {
    let caller = caller(&state, &headers, param.tenant.as_deref()).await?;
    let id = id.ok().and_then(|Path(id)| UploadId::parse(id).ok()).ok_or_else(no_such_upload)?;
    let tenant = caller.tenant();
    let row = match &caller {
        Caller::Visitor { visitor, .. } => tenant.reader().upload_for_visitor(id.clone(), visitor.clone()).await?,
        Caller::Agent { .. } => tenant.reader().upload(id.clone()).await?,
    };
    let row = row.ok_or_else(no_such_upload)?;
    let links = state.files.links().tenant(tenant.id());
    Ok(Json(links.mint(&id, row.thumb_sha256.is_some(), state.files.now())))
}

#[derive(Debug, Deserialize)]
struct LinkParams {
    exp: Option<String>,
    sig: Option<String>,
}

fn link_error(e: LinkError) -> ApiError {
    let code = match e {
        LinkError::Invalid => ErrorCode::LinkInvalid,
        LinkError::Expired => ErrorCode::LinkExpired,
    };
    ApiError::new(StatusCode::FORBIDDEN, code, e.to_string())
}

/// `GET /v1/files/{tenant}/{id}/{variant}?exp=&sig=`: the bytes, behind a signed link.
async fn download(
    State(state): State<FileState>,
    path: Result<Path<(String, String, String)>, PathRejection>,
    params: Result<Query<LinkParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let invalid = || link_error(LinkError::Invalid);
    let Ok(Path((tenant, id, variant))) = path else { return Err(invalid()) };
    let (Ok(tenant_id), Ok(id), Some(variant)) =
        (TenantId::parse(tenant), UploadId::parse(id), Variant::parse(&variant))
    else {
        return Err(invalid());
    };
    let Ok(Query(LinkParams { exp: Some(exp), sig: Some(sig) })) = params else { return Err(invalid()) };
    let now = state.files.now();
    state.files.links().tenant(&tenant_id).verify(&id, variant, &exp, &sig, now).map_err(link_error)?;
    let gone = || ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "this file was deleted");
    let tenant = state.tenants.get(&tenant_id).await?.ok_or_else(gone)?;
    let row = tenant.reader().upload(id).await?.ok_or_else(gone)?;
    let kind = FileType::from_mime(&row.mime).unwrap_or(FileType::Text);
    let (sha, mime) = match variant {
        Variant::Original => (row.sha256.clone(), kind),
        Variant::Thumb => {
            let thumb = row.thumb_sha256.clone().ok_or_else(gone)?;
            (thumb, if kind == FileType::Jpeg { FileType::Jpeg } else { FileType::Png })
        }
    };
    let path = state.files.tenant_dir(&tenant_id).blob(&sha);
    let file = match tokio::fs::File::open(&path).await {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(gone()),
        Err(e) => {
            tracing::error!(path = %path.display(), error = %e, "cannot open a stored file");
            return Err(ApiError::internal());
        }
    };
    let length = file.metadata().await.map(|m| m.len()).ok();
    let body = Body::from_stream(tokio_util::io::ReaderStream::with_capacity(file, 64 * 1024));
    let mut response = body.into_response();
    let inline = kind.is_image();
    let name = match variant {
        Variant::Original => download_name(&row.name, kind),
        Variant::Thumb => download_name(&format!("thumbnail-{}", row.name), mime),
    };
    let headers = response.headers_mut();
    let content_type = if mime == FileType::Text { "text/plain; charset=utf-8" } else { mime.mime() };
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Some(length) = length {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    }
    if let Ok(v) = HeaderValue::from_str(&content_disposition(inline, &name)) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("sandbox; default-src 'none'"));
    headers.insert("cross-origin-resource-policy", HeaderValue::from_static("same-origin"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    let max_age = TenantLinks::secs_left(&exp, now);
    if let Ok(v) = HeaderValue::from_str(&format!("private, max-age={max_age}")) {
        headers.insert(header::CACHE_CONTROL, v);
    }
    Ok(response)
}

/// The name a download is saved under: the uploader's, with the type's
/// extension added when the name does not end with one of them.
fn download_name(name: &str, kind: FileType) -> String {
    if FileType::claimed_by_name(name) == Some(kind) {
        name.to_owned()
    } else {
        format!("{name}.{}", kind.extensions()[0])
    }
}

/// `inline` or `attachment`, with an ASCII `filename` and the exact UTF-8 `filename*`.
fn content_disposition(inline: bool, name: &str) -> String {
    let ascii: String =
        name.chars().map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' }).collect();
    let exact = percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC);
    let kind = if inline { "inline" } else { "attachment" };
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{exact}")
}

/// `DELETE /v1/admin/conversations/{id}`: erase a closed conversation and its files.
async fn erase(
    State(state): State<FileState>,
    id: Result<Path<ConversationId>, PathRejection>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let tenant = super::admin::admin_of(&state.tenants, &headers).await?;
    let not_found = || ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "no such conversation");
    let Ok(Path(conversation)) = id else { return Err(not_found()) };
    match tenant.ask(|reply| Command::Files(FileOp::Erase { conversation, reply })).await? {
        Ok(()) => {
            tracing::info!(tenant = %tenant.id(), %conversation, "conversation erased");
            Ok(StatusCode::NO_CONTENT)
        }
        Err(EraseRefusal::NotFound) => Err(not_found()),
        Err(EraseRefusal::StillOpen) => Err(ApiError::new(
            StatusCode::CONFLICT,
            ErrorCode::InvalidInput,
            "the conversation is still open; close it first",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downloads_keep_the_name_and_get_the_type_s_extension() {
        assert_eq!(download_name("cat.PNG", FileType::Png), "cat.PNG");
        assert_eq!(download_name("notes", FileType::Text), "notes.txt");
        assert_eq!(download_name("page.html", FileType::Text), "page.html.txt");
        assert_eq!(
            content_disposition(false, "résumé \"v2\".pdf"),
            "attachment; filename=\"r_sum_ _v2_.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22v2%22%2Epdf"
        );
    }
}

//! `GET /v1/ws/visitor?tenant=<id>`: the widget's socket.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, Query, State, ws::WebSocketUpgrade};
use axum::http::HeaderMap;
use axum::response::Response;
use natter_protocol::{ErrorCode, ErrorFrame, PROTOCOL_VERSION, TenantId, VISITOR_FRAME_TYPES, VisitorFrame};
use serde::Deserialize;

use super::new_visitors::NewVisitorRate;
use super::socket::{self, Endpoint};
use super::{Sockets, decode};
use crate::auth::visitor_token::{TokenError, VisitorTokens, new_visitor_id};
use crate::http::ApiError;
use crate::origin::origin_allowed;
use crate::tenant::hub::{ConnId, ConnSink};
use crate::tenant::{Command, TenantHandle};

#[derive(Debug, Deserialize)]
pub(super) struct VisitorQuery {
    tenant: String,
}

/// Checks tenant, Origin and capacity before upgrading.
pub(super) async fn upgrade(
    State(sockets): State<Sockets>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(query): Query<VisitorQuery>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    let tenant_id = TenantId::parse(query.tenant).map_err(|_| ApiError::unknown_tenant())?;
    let record = sockets.tenants.registry().tenant(&tenant_id).await?.ok_or_else(ApiError::unknown_tenant)?;
    let origin = super::origin(&headers);
    let allowed =
        origin.is_some_and(|o| origin_allowed(&sockets.own_origins, o) || origin_allowed(&record.allowed_origins, o));
    if !allowed {
        let refused = sockets.tenants.registry().refused();
        refused.record(&tenant_id, origin, natter_protocol::EmbedSurface::Socket, crate::time::now());
        return Err(ApiError::origin_not_allowed());
    }
    let tenant = sockets.tenants.get(&tenant_id).await?.ok_or_else(ApiError::unknown_tenant)?;
    let ip = sockets.client_ip(peer, &headers);
    let slots = sockets.take_slots(super::Audience::Visitor, ip)?;
    let endpoint = VisitorEndpoint {
        tenant,
        tokens: sockets.tokens.clone(),
        user_agent: super::user_agent(&headers),
        ip,
        new_visitors: sockets.new_visitors.clone(),
    };
    let ctx = sockets.socket_ctx(slots);
    Ok(sockets
        .configure(ws, Sockets::VISITOR_READ_BUFFER)
        .on_upgrade(move |socket| socket::spawn(socket, endpoint, ctx)))
}

struct VisitorEndpoint {
    tenant: TenantHandle,
    tokens: VisitorTokens,
    user_agent: Option<String>,
    /// The client's address, for the bound on new visitors.
    ip: IpAddr,
    new_visitors: Arc<NewVisitorRate>,
}

impl Endpoint for VisitorEndpoint {
    async fn hello(&mut self, text: &str, conn: ConnId, sink: ConnSink) -> Result<TenantHandle, ErrorFrame> {
        let frame: VisitorFrame = decode(text, VISITOR_FRAME_TYPES)?;
        let VisitorFrame::Hello { v, token, conversation_id, last_seq } = frame else {
            return Err(ErrorFrame::new(ErrorCode::HelloRequired, "the first frame must be hello"));
        };
        check_version(v)?;
        let visitor = match token {
            None if self.new_visitors.allow(self.ip, tokio::time::Instant::now()) => new_visitor_id(),
            None => {
                return Err(ErrorFrame::new(
                    ErrorCode::RateLimited,
                    "too many new visitors from this network; reconnect with your token, or try again later",
                ));
            }
            Some(token) => self.tokens.verify(self.tenant.id(), &token, crate::time::now()).map_err(|e| match e {
                TokenError::Invalid => {
                    ErrorFrame::new(ErrorCode::TokenInvalid, "visitor token is invalid; reconnect without it")
                }
                TokenError::Expired => {
                    ErrorFrame::new(ErrorCode::TokenExpired, "visitor token has expired; reconnect without it")
                }
            })?,
        };
        let resume = conversation_id.map(|c| (c, last_seq.unwrap_or_default()));
        let user_agent = self.user_agent.take();
        let attached =
            self.tenant.ask(|reply| Command::AttachVisitor { conn, sink, visitor, user_agent, resume, reply }).await;
        match attached {
            Ok(()) => Ok(self.tenant.clone()),
            Err(e) => {
                tracing::error!(error = %e, "visitor attach failed");
                Err(ErrorFrame::new(ErrorCode::Internal, "the relay could not open this conversation"))
            }
        }
    }

    const KIND: &'static str = "visitor";

    fn frame(&self, text: &str, conn: ConnId) -> Result<Command, ErrorFrame> {
        metrics::counter!(crate::metrics::FRAMES_IN, "kind" => Self::KIND).increment(1);
        let frame: VisitorFrame = decode(text, VISITOR_FRAME_TYPES)?;
        Ok(Command::Visitor { conn, frame })
    }
}

pub(super) fn check_version(v: u32) -> Result<(), ErrorFrame> {
    if v == PROTOCOL_VERSION {
        Ok(())
    } else {
        Err(ErrorFrame::new(
            ErrorCode::UnsupportedVersion,
            format!("protocol version {v} is not supported; this relay speaks {PROTOCOL_VERSION}"),
        ))
    }
}

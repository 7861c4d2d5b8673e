//! `GET /v1/ws/agent`: the console's socket. The session token comes in the
//! `hello` frame, never in the URL (URLs end up in logs).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State, ws::WebSocketUpgrade};
use axum::http::HeaderMap;
use axum::response::Response;
use natter_protocol::{AGENT_FRAME_TYPES, AgentFrame, ErrorCode, ErrorFrame};

use super::socket::{self, Endpoint};
use super::visitor::check_version;
use super::{Sockets, decode};
use crate::auth::session::parse_token;
use crate::http::ApiError;
use crate::origin::origin_allowed;
use crate::tenant::hub::{ConnId, ConnSink};
use crate::tenant::{Command, TenantHandle, Tenants};

/// Checks Origin (the console's own) and capacity before upgrading.
pub(super) async fn upgrade(
    State(sockets): State<Sockets>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    let origin = super::origin(&headers).ok_or_else(ApiError::origin_not_allowed)?;
    if !origin_allowed(&sockets.own_origins, origin) {
        return Err(ApiError::origin_not_allowed());
    }
    let slots = sockets.take_slots(super::Audience::Agent, sockets.client_ip(peer, &headers))?;
    let endpoint = AgentEndpoint { tenants: sockets.tenants.clone() };
    let ctx = sockets.socket_ctx(slots);
    Ok(sockets.configure(ws, Sockets::AGENT_READ_BUFFER).on_upgrade(move |socket| socket::spawn(socket, endpoint, ctx)))
}

struct AgentEndpoint {
    tenants: Tenants,
}

fn unauthorized() -> ErrorFrame {
    ErrorFrame::new(ErrorCode::Unauthorized, "a valid session token is required; sign in")
}

impl Endpoint for AgentEndpoint {
    async fn hello(&mut self, text: &str, conn: ConnId, sink: ConnSink) -> Result<TenantHandle, ErrorFrame> {
        let frame: AgentFrame = decode(text, AGENT_FRAME_TYPES)?;
        let AgentFrame::Hello { v, token } = frame else {
            return Err(ErrorFrame::new(ErrorCode::HelloRequired, "the first frame must be hello"));
        };
        check_version(v)?;
        let (tenant_id, session) = parse_token(&token).ok_or_else(unauthorized)?;
        let tenant = match self.tenants.get(&tenant_id).await {
            Ok(Some(t)) => t,
            Ok(None) => return Err(unauthorized()),
            Err(e) => {
                tracing::error!(error = %e, "tenant lookup failed");
                return Err(ErrorFrame::new(ErrorCode::Internal, "the relay could not check this session"));
            }
        };
        match tenant.ask(|reply| Command::AttachAgent { conn, sink, session, reply }).await {
            Ok(Ok(_agent)) => Ok(tenant),
            Ok(Err(code)) => Err(ErrorFrame::new(code, "your session has ended; sign in again")),
            Err(e) => {
                tracing::error!(error = %e, "agent attach failed");
                Err(ErrorFrame::new(ErrorCode::Internal, "the relay could not check this session"))
            }
        }
    }

    const KIND: &'static str = "agent";

    fn frame(&self, text: &str, conn: ConnId) -> Result<Command, ErrorFrame> {
        metrics::counter!(crate::metrics::FRAMES_IN, "kind" => Self::KIND).increment(1);
        let frame: AgentFrame = decode(text, AGENT_FRAME_TYPES)?;
        Ok(Command::Agent { conn, frame })
    }
}

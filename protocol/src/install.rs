//! The install admin API (`/v1/admin/origins`, `/v1/admin/install`,
//! `/v1/admin/install/check`): a tenant's allowed origins, the script tag to
//! paste, the embeds the relay refused, and the "test my page" check.

use serde::{Deserialize, Serialize};

use crate::UnixMillis;

/// Body of `GET`/`PUT /v1/admin/origins`: the origin patterns allowed to embed
/// the widget. On `PUT` the relay normalises each entry and drops duplicates;
/// the answer is the list as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct AllowedOrigins {
    pub origins: Vec<String>,
}

/// Where a refused embed was noticed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmbedSurface {
    /// The loader's widget config fetch (`GET /v1/widget/{tenant}/config`).
    Config,
    /// The widget frame (`GET /t/{tenant}/frame?origin=…`).
    Frame,
    /// The visitor WebSocket upgrade (`/v1/ws/visitor`).
    Socket,
}

/// Why an embed was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefusalReason {
    /// The page's origin is not among the tenant's allowed origins.
    OriginNotAllowed,
    /// The request carried no `Origin` header (a socket opened outside a browser page).
    OriginMissing,
}

/// One refused origin (per surface and reason), counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedEmbed {
    /// The refused origin as the browser sent it (empty when missing), at most 300 bytes.
    pub origin: String,
    pub surface: EmbedSurface,
    pub reason: RefusalReason,
    /// The first refusal since the relay started.
    pub first_at: UnixMillis,
    /// The most recent refusal.
    pub last_at: UnixMillis,
    /// Refusals since the relay started.
    pub count: u64,
}

/// Body of `GET /v1/admin/install`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstallInfo {
    /// The tag to paste into every page of the shop, before `</body>`.
    pub script_tag: String,
    /// The relay's origin that the tag points at.
    pub relay_origin: String,
    pub origins: Vec<String>,
    /// Most recent first, at most 20.
    #[serde(default)]
    pub refused: Vec<RefusedEmbed>,
}

/// Body of `POST /v1/admin/install/check`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageCheckRequest {
    /// An `http://` or `https://` URL of a page of the shop.
    pub url: String,
}

/// Answer of `POST /v1/admin/install/check`: what the relay found on the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageCheck {
    /// The page's origin (normalised).
    pub origin: String,
    /// Whether that origin is among the tenant's allowed origins (or is the relay's own).
    pub origin_allowed: bool,
    /// HTTP status of the page.
    pub status: u16,
    /// Whether the page loads this relay's `embed.js`.
    pub has_loader: bool,
    /// Whether a loader tag on the page names this tenant (`data-tenant`).
    pub names_tenant: bool,
    /// Tenants named by `data-tenant` on the page's loader tags (to spot a pasted tag of another shop).
    #[serde(default)]
    pub tenants_found: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_embeds_have_the_documented_wire_names() {
        let r = RefusedEmbed {
            origin: "https://shop.example.net".into(),
            surface: EmbedSurface::Config,
            reason: RefusalReason::OriginNotAllowed,
            first_at: UnixMillis(1),
            last_at: UnixMillis(2),
            count: 12,
        };
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"origin":"https://shop.example.net","surface":"config","reason":"origin_not_allowed","first_at":1,"last_at":2,"count":12}"#
        );
        let missing: RefusalReason = serde_json::from_str(r#""origin_missing""#).unwrap();
        assert_eq!(missing, RefusalReason::OriginMissing);
        let frame: EmbedSurface = serde_json::from_str(r#""frame""#).unwrap();
        assert_eq!(frame, EmbedSurface::Frame);
    }

    #[test]
    fn an_install_answer_without_refusals_still_decodes() {
        let info: InstallInfo =
            serde_json::from_str(r#"{"script_tag":"t","relay_origin":"https://c.example","origins":[]}"#).unwrap();
        assert!(info.refused.is_empty());
    }
}

//! The public widget configuration: what the loader and the widget may know about
//! a tenant before a visitor says anything. Only public fields live here.

use serde::{Deserialize, Serialize};

use crate::ids::TenantId;

/// `GET /v1/widget/{tenant}/config`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicWidgetConfig {
    pub tenant: TenantId,
    /// The shop's display name.
    pub name: String,
    /// Bubble and header colour, `#rrggbb`.
    pub primary_color: String,
    /// Text colour on the primary colour, `#rrggbb`.
    pub secondary_color: String,
    pub position: WidgetPosition,
    /// Distance from the side edge, CSS pixels.
    pub offset_x: u16,
    /// Distance from the bottom edge, CSS pixels.
    pub offset_y: u16,
    /// Panel header; `None` means the client's default ("Chat with us").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    /// First line shown in an empty conversation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub greeting: Option<String>,
    /// BCP 47 language (`en`, `th`); `None` follows the visitor's browser.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// Open the panel by itself after this many seconds; `None` never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_open_delay_secs: Option<u32>,
    pub show_agent_names: bool,
    pub typing_indicators: bool,
    pub read_receipts: bool,
    pub sound: bool,
    /// Whether the tenant is taking chats now (business hours); when false the
    /// widget shows the offline form.
    pub online: bool,
    #[serde(default = "yes")]
    pub show_agent_avatars: bool,
    /// The pre-chat form; disabled or empty means none.
    #[serde(default)]
    pub prechat: crate::PrechatForm,
    /// Shown above the offline form; `None` means the widget's default text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offline_message: Option<String>,
    /// Changes whenever the settings change (also sent as the `ETag`).
    #[serde(default)]
    pub version: String,
}

fn yes() -> bool {
    true
}

/// Which bottom corner the bubble sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WidgetPosition {
    BottomRight,
    BottomLeft,
}

impl PublicWidgetConfig {
    /// The configuration of a tenant that has not customised anything.
    pub fn defaults(tenant: TenantId, name: String) -> Self {
        Self {
            tenant,
            name,
            primary_color: "#4f46e5".into(),
            secondary_color: "#ffffff".into(),
            position: WidgetPosition::BottomRight,
            offset_x: 20,
            offset_y: 20,
            header: None,
            greeting: None,
            locale: None,
            auto_open_delay_secs: None,
            show_agent_names: true,
            typing_indicators: true,
            read_receipts: true,
            sound: true,
            online: true,
            show_agent_avatars: true,
            prechat: crate::PrechatForm::default(),
            offline_message: None,
            version: String::new(),
        }
    }
}

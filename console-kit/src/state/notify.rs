//! Deciding when to make a sound or show a browser notification, with bursts
//! coalesced: one sound per window, and one notification that is replaced and
//! counts up instead of a stack of them.

use natter_protocol::{ConversationId, UnixMillis};
use serde::{Deserialize, Serialize};

/// Events within this long of the last alert are folded into it.
pub const COALESCE_MS: i64 = 5_000;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertKind {
    /// A visitor joined the queue.
    NewVisitor,
    /// A visitor wrote in one of the agent's conversations.
    NewMessage,
    /// A colleague handed a conversation to this agent.
    TransferredToMe,
    /// A colleague's internal note names this agent.
    Mention,
}

/// The agent's notification settings, remembered in localStorage.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NotifySettings {
    pub sound: bool,
    /// 0 to 100.
    pub volume: u8,
    /// Browser notifications while the console window is not focused.
    pub desktop: bool,
}

impl Default for NotifySettings {
    fn default() -> Self {
        Self { sound: true, volume: 60, desktop: true }
    }
}

/// One alert to deliver.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    pub kind: AlertKind,
    pub conversation_id: ConversationId,
    /// Play the chime at this volume (0.0–1.0); `None` = silent (coalesced or off).
    pub sound: Option<f32>,
    /// Show (or replace) the browser notification.
    pub desktop: bool,
    /// How many events this alert stands for (the burst so far).
    pub count: u32,
}

/// Coalescing memory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Notifier {
    last_alert_at: Option<UnixMillis>,
    burst: u32,
}

impl Notifier {
    /// Decides how to announce one event. `focused` is whether the console window
    /// has focus; `viewing` whether the agent is looking at that conversation.
    pub fn event(
        &mut self,
        now: UnixMillis,
        kind: AlertKind,
        conversation_id: ConversationId,
        settings: NotifySettings,
        focused: bool,
        viewing: bool,
    ) -> Option<Alert> {
        if focused && viewing && matches!(kind, AlertKind::NewMessage | AlertKind::Mention) {
            // The message (or note) is on screen in front of the agent.
            return None;
        }
        let in_burst = self.last_alert_at.is_some_and(|t| now.0 - t.0 < COALESCE_MS);
        self.burst = if in_burst { self.burst + 1 } else { 1 };
        self.last_alert_at = Some(now);
        let sound =
            (settings.sound && settings.volume > 0 && !in_burst).then(|| f32::from(settings.volume.min(100)) / 100.0);
        let desktop = settings.desktop && !focused;
        if sound.is_none() && !desktop {
            return None;
        }
        Some(Alert { kind, conversation_id, sound, desktop, count: self.burst })
    }
}

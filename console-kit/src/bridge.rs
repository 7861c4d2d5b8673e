//! What crosses between the inbox module and the admin module, typed on both
//! sides: the inbox mounts an admin screen with [`AdminProps`] (and updates them
//! while it is shown); the admin module answers with [`AdminEvent`]s, dispatched
//! as DOM `CustomEvent`s named [`EVENT`] on the element it was mounted in, their
//! `detail` the event as JSON text.

use natter_protocol::{CannedResponse, Tag};
use serde::{Deserialize, Serialize};

use crate::state::{Session, Settings, View};

/// The name of the admin module's DOM events.
pub const EVENT: &str = "natter-admin";

/// The screens the admin module renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Screen {
    /// The workspace settings page with the team and tags sections (owners and admins).
    Settings,
    /// The canned responses management screen (every agent).
    Canned,
    /// KPIs, charts and exports (owners and admins); "My stats" for plain agents.
    Analytics,
}

impl Screen {
    /// The admin screen a view of the inbox's store shows, if it is one.
    pub fn of(view: View) -> Option<Self> {
        match view {
            View::Admin => Some(Screen::Settings),
            View::Canned => Some(Screen::Canned),
            View::Analytics => Some(Screen::Analytics),
            View::Inbox => None,
        }
    }

    /// The view the admin module's own store shows for it.
    pub fn view(self) -> View {
        match self {
            Screen::Settings => View::Admin,
            Screen::Canned => View::Canned,
            Screen::Analytics => View::Analytics,
        }
    }
}

/// What the admin module needs from the inbox: who is signed in (the relay's
/// base is the page's own origin), the agent's language, the tenant's tag list
/// (which the inbox keeps live from its socket), which screen, and a count of
/// the `metrics_changed` frames the inbox's socket received (the Analytics
/// screen refetches when it moves).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminProps {
    pub session: Session,
    pub settings: Settings,
    pub tags: Vec<Tag>,
    pub screen: Screen,
    #[serde(default)]
    pub metrics_rev: u64,
}

/// What the admin module tells the inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AdminEvent {
    /// The canned responses as the management screen last loaded or changed
    /// them: the inbox's `/` picker adopts them.
    CannedList { list: Vec<CannedResponse> },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn screens_map_to_views_and_back() {
        for screen in [Screen::Settings, Screen::Canned, Screen::Analytics] {
            assert_eq!(Screen::of(screen.view()), Some(screen));
        }
        assert_eq!(Screen::of(View::Inbox), None);
    }
}

//! The tenant's settings: what the actor works with, and a snapshot it publishes
//! after the commit that stored them. HTTP handlers (the public widget config,
//! the settings screen) read the snapshot without queuing behind the actor's
//! writes and fsyncs.

use std::sync::{Arc, RwLock};

use natter_protocol::TenantSettings;

/// Settings and their version (the public config's ETag), as one value.
#[derive(Debug, Clone, PartialEq)]
pub struct Versioned {
    pub settings: TenantSettings,
    pub version: u64,
}

/// The published snapshot; cheap to clone, read from any thread.
#[derive(Debug, Clone)]
pub struct SettingsView(Arc<RwLock<Arc<Versioned>>>);

impl SettingsView {
    /// The settings as of the last commit that changed them.
    pub fn current(&self) -> Arc<Versioned> {
        self.0.read().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// The actor's side: the settings in force, and what to go back to if the
/// transaction that stored them fails.
#[derive(Debug)]
pub struct Settings {
    current: Arc<Versioned>,
    /// The settings before a change stored in the open transaction.
    before_change: Option<Arc<Versioned>>,
    view: SettingsView,
}

impl Settings {
    pub fn new(settings: TenantSettings, version: u64) -> Self {
        let current = Arc::new(Versioned { settings, version });
        let view = SettingsView(Arc::new(RwLock::new(current.clone())));
        Self { current, before_change: None, view }
    }

    pub fn view(&self) -> SettingsView {
        self.view.clone()
    }

    /// The settings in force.
    pub fn get(&self) -> &TenantSettings {
        &self.current.settings
    }

    /// New settings, stored in the open transaction: in force for the rest of
    /// the batch, published once it commits.
    pub fn change(&mut self, settings: TenantSettings) -> u64 {
        let version = self.current.version + 1;
        let previous = std::mem::replace(&mut self.current, Arc::new(Versioned { settings, version }));
        self.before_change.get_or_insert(previous);
        version
    }

    /// After the commit: publishes a change.
    pub fn committed(&mut self) {
        if self.before_change.take().is_some() {
            *self.view.0.write().unwrap_or_else(|e| e.into_inner()) = self.current.clone();
        }
    }

    /// After a failed commit: the change was not stored; back to what was.
    pub fn rolled_back(&mut self) {
        if let Some(before) = self.before_change.take() {
            self.current = before;
        }
    }
}

//! Settings remembered between runs (eframe persistence, `app.ron` in the data dir): the last
//! opened folders, recent folders, theme. Versioned and tolerant of old or partial files.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Current settings schema version.
pub const SETTINGS_VERSION: u32 = 1;

/// How many recent folders File → Recent keeps.
pub const MAX_RECENT: usize = 10;

/// Light, dark or follow the system.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ThemeChoice {
    #[default]
    System,
    Light,
    Dark,
}

/// Everything remembered between runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub version: u32,
    /// The folders open when the app was last closed.
    pub last_folders: Vec<PathBuf>,
    /// Most recent first.
    pub recent_folders: Vec<PathBuf>,
    pub theme: ThemeChoice,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            version: SETTINGS_VERSION,
            last_folders: Vec::new(),
            recent_folders: Vec::new(),
            theme: ThemeChoice::System,
        }
    }
}

impl Settings {
    /// Records opened folders: last folders, and at the front of the recent list (deduplicated).
    pub fn remember_opened(&mut self, roots: &[PathBuf]) {
        self.last_folders = roots.to_vec();
        for root in roots.iter().rev() {
            self.recent_folders.retain(|r| r != root);
            self.recent_folders.insert(0, root.clone());
        }
        self.recent_folders.truncate(MAX_RECENT);
    }

    /// The last folders if they all still exist.
    pub fn last_existing_folders(&self) -> Option<Vec<PathBuf>> {
        (!self.last_folders.is_empty() && self.last_folders.iter().all(|p| p.exists()))
            .then(|| self.last_folders.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_folders_are_deduplicated_most_recent_first() {
        let mut s = Settings::default();
        s.remember_opened(&[PathBuf::from("/a")]);
        s.remember_opened(&[PathBuf::from("/b")]);
        s.remember_opened(&[PathBuf::from("/a")]);
        assert_eq!(s.recent_folders, vec![PathBuf::from("/a"), PathBuf::from("/b")]);
    }

    #[test]
    fn partial_old_settings_still_load() {
        let old = r#"(recent_folders: ["/x"])"#;
        let s: Settings = ron_like_parse(old);
        assert_eq!(s.recent_folders, vec![PathBuf::from("/x")]);
        assert_eq!(s.theme, ThemeChoice::System);
    }

    fn ron_like_parse(text: &str) -> Settings {
        // eframe stores settings as RON; serde_json is close enough to prove `#[serde(default)]`
        // fills missing fields. Convert the tiny RON struct literal to JSON.
        let json = text.replace("(", "{").replace(")", "}").replace("recent_folders", "\"recent_folders\"");
        serde_json::from_str(&json).unwrap()
    }
}

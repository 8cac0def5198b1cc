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
    /// Reading comfort: document font size (points), line spacing (× font size), Arabic face.
    pub font_size: f32,
    pub line_spacing: f32,
    pub sans_face: bool,
    /// Count each syndicated story once (entity counts, co-occurrence, timeline).
    pub count_stories_once: bool,
    /// Show boilerplate lines normally instead of dimmed.
    pub show_boilerplate: bool,
    /// Which tab the right-hand panel shows.
    pub right_tab: RightTab,
}

/// The tabs of the right-hand panel.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum RightTab {
    #[default]
    Entities,
    Notes,
}

/// Smallest and largest document font size (points).
pub const FONT_SIZE_RANGE: std::ops::RangeInclusive<f32> = 10.0..=40.0;

impl Default for Settings {
    fn default() -> Self {
        Self {
            version: SETTINGS_VERSION,
            last_folders: Vec::new(),
            recent_folders: Vec::new(),
            theme: ThemeChoice::System,
            font_size: crate::text::document_view::DEFAULT_FONT_SIZE,
            line_spacing: crate::text::document_view::DEFAULT_LINE_HEIGHT,
            sans_face: false,
            count_stories_once: false,
            show_boilerplate: false,
            right_tab: RightTab::Entities,
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

    /// Changes the document font size by `steps` points (0: back to the default), within
    /// [`FONT_SIZE_RANGE`].
    pub fn step_font_size(&mut self, steps: i32) {
        self.font_size = if steps == 0 {
            crate::text::document_view::DEFAULT_FONT_SIZE
        } else {
            (self.font_size + steps as f32).clamp(*FONT_SIZE_RANGE.start(), *FONT_SIZE_RANGE.end())
        };
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

    #[test]
    fn font_size_steps_stay_in_range_and_reset() {
        let mut s = Settings::default();
        s.step_font_size(100);
        assert_eq!(s.font_size, *FONT_SIZE_RANGE.end());
        s.step_font_size(-2);
        assert_eq!(s.font_size, FONT_SIZE_RANGE.end() - 2.0);
        s.step_font_size(0);
        assert_eq!(s.font_size, crate::text::document_view::DEFAULT_FONT_SIZE);
    }

    fn ron_like_parse(text: &str) -> Settings {
        // eframe stores settings as RON; serde_json is close enough to prove `#[serde(default)]`
        // fills missing fields. Convert the tiny RON struct literal to JSON.
        let json = text.replace("(", "{").replace(")", "}").replace("recent_folders", "\"recent_folders\"");
        serde_json::from_str(&json).unwrap()
    }
}

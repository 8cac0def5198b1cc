//! Exports for reports: PNG screenshots of the window or one pane ([`png`]), the headless
//! renderer behind `khabar screenshot` ([`headless`]), and where exports are saved
//! ([`dialog`]: save dialog or default folder, atomic writes).

pub mod dialog;
pub mod headless;
pub mod png;

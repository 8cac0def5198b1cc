//! Exports for reports: PNG screenshots of the window or one pane ([`png`]), and the headless
//! renderer behind `khabar screenshot` ([`headless`]).

pub mod headless;
pub mod png;

//! The desktop app.

use std::path::PathBuf;

/// Runs the desktop app on `paths` (the last folder or the samples when empty).
pub fn run_app(_paths: Vec<PathBuf>) -> anyhow::Result<()> {
    Ok(())
}

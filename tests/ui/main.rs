//! UI tests (egui_kittest, wgpu on Mesa lavapipe): the app driven through the accessibility
//! tree, as a user would.

#![cfg(feature = "gui")]

mod app;
mod exports;
mod linked;
mod research;
mod snapshots;
mod timeline;
mod watch;

use std::path::PathBuf;
use std::sync::OnceLock;

/// Points Khabar's data and cache directories at a temporary folder, once per test binary, so
/// tests never touch the real home.
pub fn isolate_dirs() {
    static DIRS: OnceLock<PathBuf> = OnceLock::new();
    DIRS.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("khabar-ui-tests-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        // `std::env::set_var` is unsafe in edition 2024: use the process-wide override instead.
        khabar::app_dirs::set_override("KHABAR_DATA_DIR", dir.join("data"));
        khabar::app_dirs::set_override("KHABAR_CACHE_DIR", dir.join("cache"));
        dir
    });
}

/// The repository's bundled sample folder.
pub fn samples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets").join("samples")
}

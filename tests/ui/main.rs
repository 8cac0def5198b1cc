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

/// The app on `paths` in a window of `size` points (not yet loaded).
pub fn open_app(
    paths: Vec<PathBuf>,
    size: [f32; 2],
) -> egui_kittest::Harness<'static, khabar::ui::KhabarApp> {
    isolate_dirs();
    egui_kittest::Harness::builder()
        .with_size(egui::vec2(size[0], size[1]))
        .wgpu()
        .build_eframe(move |cc| khabar::ui::KhabarApp::new(cc, paths))
}

/// Steps until loading and analysis are done (generous deadline), then a few more frames.
pub fn run_until_idle(h: &mut egui_kittest::Harness<'static, khabar::ui::KhabarApp>) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while (h.state().is_busy() || h.state().analyzed().is_none()) && std::time::Instant::now() < deadline {
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    h.run_steps(3);
    assert!(h.state().analyzed().is_some(), "analysis did not finish");
}

/// A private copy of the samples, so what a test saves for it (alias edits, notes) does not
/// leak into other tests.
pub fn samples_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for entry in std::fs::read_dir(samples_dir()).expect("samples") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).expect("copy");
    }
    dir
}

/// With `KHABAR_TEST_SHOTS=DIR`, saves a PNG of the window (for looking at a state by eye).
pub fn save_shot(h: &mut egui_kittest::Harness<'static, khabar::ui::KhabarApp>, name: &str) {
    if let Some(dir) = std::env::var_os("KHABAR_TEST_SHOTS") {
        let dir = PathBuf::from(dir);
        std::fs::create_dir_all(&dir).expect("shots folder");
        h.render().expect("render").save(dir.join(format!("{name}.png"))).expect("save shot");
    }
}

/// The repository's bundled sample folder.
pub fn samples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets").join("samples")
}

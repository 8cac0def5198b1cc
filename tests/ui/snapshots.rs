//! Image snapshots of each pane (documents, document, entities, timeline) in a fixed state of
//! the bundled samples, and `khabar screenshot` (headless CLI): a PNG of the requested size
//! whose document pane equals the kittest render of the same state and is not blank.
//! Regenerate the committed snapshots with `UPDATE_SNAPSHOTS=1 cargo test --test ui snapshots`.

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use khabar::export::headless::{crop_to_pane, pixel_statistics};
use khabar::ui::{KhabarApp, Pane};

use super::{isolate_dirs, samples_dir};

const SIZE: [f32; 2] = [1400.0, 900.0];

/// The app on the samples with the longest article open (what `khabar screenshot --doc` does).
fn rendered_state() -> (Harness<'static, KhabarApp>, String) {
    isolate_dirs();
    let paths = vec![samples_dir()];
    let mut h = Harness::builder()
        .with_size(egui::vec2(SIZE[0], SIZE[1]))
        .wgpu()
        .build_eframe(move |cc| KhabarApp::new(cc, paths));
    let deadline = Instant::now() + Duration::from_secs(120);
    while h.state().is_busy() && Instant::now() < deadline {
        h.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    h.run_steps(2);
    let longest =
        h.state().corpus().documents().iter().max_by_key(|d| d.chars).map(|d| d.rel_path.clone()).unwrap();
    assert!(h.state_mut().open_document_by_path(&longest));
    h.run_steps(4);
    (h, longest)
}

#[test]
fn each_pane_matches_its_snapshot_and_is_not_blank() {
    let (mut h, _) = rendered_state();
    let image = h.render().expect("render");
    let options = egui_kittest::SnapshotOptions::new().threshold(2.0).max_failed_pixels(400);
    let mut failures = Vec::new();
    for pane in [Pane::Documents, Pane::Document, Pane::Entities, Pane::Timeline] {
        let rect = h.state().pane_rect(pane).expect("pane drawn");
        let crop = crop_to_pane(&image, rect, 1.0);
        let (deviation, colours) = pixel_statistics(&crop);
        assert!(deviation > 8.0 && colours > 50, "{pane:?} looks blank: σ={deviation:.1}, {colours} colours");
        if let Err(e) =
            egui_kittest::try_image_snapshot_options(&crop, format!("pane_{}", pane.name()), &options)
        {
            failures.push(format!("{pane:?}: {e}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn headless_screenshot_has_the_requested_size_and_the_kittest_pixels() {
    let (mut h, longest) = rendered_state();
    let image = h.render().expect("render");
    let rect = h.state().pane_rect(Pane::Document).unwrap();
    let expected = crop_to_pane(&image, rect, 1.0);
    let dir = tempfile::tempdir().unwrap();
    let data = std::env::temp_dir().join(format!("khabar-ui-tests-{}", std::process::id()));
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_khabar"))
            .args(args)
            .env("KHABAR_DATA_DIR", data.join("data"))
            .env("KHABAR_CACHE_DIR", data.join("cache"))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    };
    let window = dir.path().join("window.png");
    let samples = samples_dir();
    let samples = samples.to_str().unwrap();
    run(&["screenshot", samples, "--doc", &longest, "--size", "1400x900", "--out", window.to_str().unwrap()]);
    let png = image::open(&window).unwrap().to_rgba8();
    assert_eq!((png.width(), png.height()), (1400, 900));
    let doubled = dir.path().join("double.png");
    let doubled_arg = doubled.to_str().unwrap();
    run(&[
        "screenshot",
        samples,
        "--doc",
        &longest,
        "--size",
        "700x450",
        "--scale",
        "2",
        "--out",
        doubled_arg,
    ]);
    let png = image::open(&doubled).unwrap().to_rgba8();
    assert_eq!((png.width(), png.height()), (1400, 900));

    let pane = dir.path().join("document.png");
    let pane_arg = pane.to_str().unwrap();
    run(&[
        "screenshot",
        samples,
        "--doc",
        &longest,
        "--pane",
        "document",
        "--size",
        "1400x900",
        "--out",
        pane_arg,
    ]);
    let png = image::open(&pane).unwrap().to_rgba8();
    assert_eq!((png.width(), png.height()), (expected.width(), expected.height()));
    let (deviation, colours) = pixel_statistics(&png);
    assert!(deviation > 8.0 && colours > 50, "blank document pane: σ={deviation:.1}, {colours} colours");
    // same renderer, same state: nearly every pixel equal
    let differing = png
        .pixels()
        .zip(expected.pixels())
        .filter(|(a, b)| a.0.iter().zip(b.0.iter()).any(|(x, y)| x.abs_diff(*y) > 24))
        .count();
    let total = (png.width() * png.height()) as usize;
    assert!(differing * 100 < total, "{differing} of {total} pixels differ from the kittest render");
}

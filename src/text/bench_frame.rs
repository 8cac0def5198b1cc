//! Frame-time benchmark of the document view: CPU time spent in [`DocumentView::ui`] per
//! frame while scrolling a 1 MB article (sample paragraphs repeated) in a headless kittest
//! harness (no GPU needed: painting is measured, rendering is not), p50/p95/max over 200
//! frames, plus the resident memory the view adds. Targets (issue 4): p95 ≤ 4 ms, ≤ 100 MB
//! extra for 1 MB of text.

use std::time::{Duration, Instant};

use egui::{Event, Modifiers, MouseWheelSource, MouseWheelUnit, TouchPhase, pos2, vec2};
use egui_kittest::Harness;

use super::atlas::text_system;
use super::document_view::DocumentView;

/// Builds an article of at least `bytes` bytes by repeating the bundled samples' paragraphs.
pub fn synthetic_article(bytes: usize) -> String {
    let mut paragraphs: Vec<String> = Vec::new();
    for sample in crate::assets::SAMPLES.iter() {
        let text = String::from_utf8_lossy(sample.bytes);
        paragraphs.extend(text.lines().filter(|l| !l.trim().is_empty()).map(str::to_owned));
    }
    let mut out = String::with_capacity(bytes + 4096);
    let mut i = 0usize;
    while out.len() < bytes && !paragraphs.is_empty() {
        if let Some(p) = paragraphs.get(i % paragraphs.len()) {
            out.push_str(p);
            out.push_str("\n\n");
        }
        i += 1;
    }
    out
}

fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

struct BenchState {
    view: DocumentView,
    text: String,
    times: Vec<Duration>,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i.min(sorted.len() - 1)).copied().unwrap_or_default()
}

/// Runs the benchmark and returns a human-readable report (one line per figure).
pub fn bench_frame() -> String {
    let rss_before = resident_bytes();
    let text = synthetic_article(1 << 20);
    let text_bytes = text.len();
    let chars = text.chars().count();
    let state = BenchState { view: DocumentView::new("bench"), text, times: Vec::new() };
    let mut harness =
        Harness::builder().with_size(vec2(900.0, 700.0)).with_pixels_per_point(1.0).build_ui_state(
            |ui, state: &mut BenchState| {
                let start = Instant::now();
                state.view.ui(ui, &state.text, &[]);
                state.times.push(start.elapsed());
            },
            state,
        );
    // Warm up: fonts loaded, first screen laid out and rasterised.
    harness.hover_at(pos2(450.0, 350.0));
    harness.run_steps(3);
    harness.state_mut().times.clear();
    let frames = 200;
    for frame in 0..frames {
        if frame % 50 == 49 {
            // A jump ("open at this sentence") into a part never seen.
            let target = chars / 4 * (frame / 50 + 1);
            harness.state_mut().view.scroll_to_offset(target.min(chars));
        } else {
            harness.event(Event::MouseWheel {
                unit: MouseWheelUnit::Point,
                delta: vec2(0.0, -90.0),
                phase: TouchPhase::Move,
                source: MouseWheelSource::Unknown,
                modifiers: Modifiers::NONE,
            });
        }
        harness.step();
    }
    let mut times = harness.state().times.clone();
    times.sort_unstable();
    let rss_after = resident_bytes();
    let (atlas_bytes, atlas_pages) = {
        let system = text_system(&harness.ctx);
        let system = system.lock();
        (system.atlas.memory_bytes(), system.atlas.stats().pages)
    };
    let cached = harness.state().view.cached_layouts();
    let mb = |b: u64| b as f64 / (1024.0 * 1024.0);
    let extra = match (rss_before, rss_after) {
        (Some(a), Some(b)) => format!("{:.1} MB", mb(b.saturating_sub(a))),
        _ => "n/a (no /proc/self/statm)".to_string(),
    };
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let p95 = percentile(&times, 0.95);
    let mut out = String::new();
    out.push_str(&format!(
        "document view, {:.2} MB article ({chars} chars), 900x700 pt, {} frames scrolling (wheel + 3 jumps)\n",
        mb(text_bytes as u64),
        times.len()
    ));
    out.push_str(&format!(
        "frame CPU time in DocumentView::ui: p50 {:.2} ms, p95 {:.2} ms (target <= 4 ms: {}), max {:.2} ms\n",
        ms(percentile(&times, 0.5)),
        ms(p95),
        if ms(p95) <= 4.0 { "ok" } else { "MISSED" },
        ms(times.last().copied().unwrap_or_default()),
    ));
    out.push_str(&format!(
        "memory: resident +{extra} for article + harness + view (target <= 100 MB); atlas {:.0} MB in {atlas_pages} pages; {cached} paragraph layouts cached\n",
        mb(atlas_bytes as u64)
    ));
    out
}

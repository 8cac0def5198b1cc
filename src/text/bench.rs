//! `khabar bench text`: layout speed of the longest bundled sample (cold: empty caches; warm:
//! cached) against HarfBuzz's own `hb-shape` on the same text (when installed), re-wrap time of
//! a 1 MB article at a new width (target ≤ 40 ms) and the memory its layouts take (target
//! ≤ 100 MB). All figures come from one run and are printed with their ratios.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use super::layout::{LayoutParams, TextEngine};

fn paragraphs(bytes: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(bytes)
        .replace("\r\n", "\n")
        .split('\n')
        .filter(|p| !p.trim().is_empty())
        .map(str::to_string)
        .collect()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Resident memory of this process in bytes (Linux), if known.
fn rss_bytes() -> Option<u64> {
    crate::bench::proc_status_kb("VmRSS").map(|kb| kb * 1024)
}

/// Time of one `hb-shape` process shaping `copies` copies of the paragraphs (one per line)
/// with the bundled Arabic font; None when hb-shape is not installed.
fn hb_shape_run(paras: &[String], copies: usize) -> Option<Duration> {
    let dir = std::env::temp_dir().join(format!("khabar-bench-{}-{copies}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let font = dir.join("font.ttf");
    let text = dir.join("text.txt");
    std::fs::write(&font, crate::assets::NOTO_NASKH_ARABIC_REGULAR.data).ok()?;
    let one = paras.join("\n");
    std::fs::write(&text, vec![one; copies].join("\n")).ok()?;
    let t = Instant::now();
    let out = std::process::Command::new("hb-shape")
        .arg("--no-glyph-names")
        .arg(format!("--font-file={}", font.display()))
        .arg(format!("--text-file={}", text.display()))
        .stdout(std::process::Stdio::null())
        .output()
        .ok();
    let elapsed = t.elapsed();
    let _ = std::fs::remove_dir_all(&dir);
    out.filter(|o| o.status.success()).map(|_| elapsed)
}

/// HarfBuzz's own shaping time for the paragraphs once, process start-up excluded: the slope
/// between a run on 1 copy and a run on 21 copies (best of 3 each).
fn hb_shape_time(paras: &[String]) -> Option<(Duration, Duration)> {
    let best = |copies| (0..3).filter_map(|_| hb_shape_run(paras, copies)).min();
    let one = best(1)?;
    let many = best(21)?;
    Some((one, many.saturating_sub(one) / 20))
}

/// Runs the text benchmarks and returns the report.
pub fn bench_text() -> String {
    let mut out = String::new();
    let longest = crate::assets::SAMPLES.iter().max_by_key(|s| s.bytes.len());
    let Some(longest) = longest else { return "bench text: no samples\n".to_string() };
    let paras = paragraphs(longest.bytes);
    let chars: usize = paras.iter().map(|p| p.chars().count()).sum();
    let params = LayoutParams { width_px: Some(900.0), ..LayoutParams::default() };

    // cold: a fresh engine (font loading excluded), every paragraph shaped and wrapped; best
    // of 3 fresh engines (the machine may be busy)
    let mut cold = Duration::MAX;
    let mut engine = TextEngine::new();
    for _ in 0..3 {
        engine = TextEngine::new();
        let t = Instant::now();
        for p in &paras {
            engine.layout(p, &params);
        }
        cold = cold.min(t.elapsed());
    }
    // warm: the same layouts again (cache hits)
    let t = Instant::now();
    for p in &paras {
        engine.layout(p, &params);
    }
    let warm = t.elapsed();
    // re-wrap: shaping cached, new width
    let t = Instant::now();
    for p in &paras {
        engine.layout(p, &LayoutParams { width_px: Some(700.0), ..params });
    }
    let rewrap_small = t.elapsed();
    let _ = writeln!(
        out,
        "text layout: longest sample {} ({} paragraphs, {} chars), 20 px, 900 px wide",
        longest.file_name,
        paras.len(),
        chars
    );
    let _ = writeln!(out, "  cold layout (shape + wrap, empty caches, best of 3): {:.2} ms", ms(cold));
    let _ = writeln!(out, "  warm layout (cached):       {:.3} ms", ms(warm));
    let _ = writeln!(out, "  re-wrap at 700 px:          {:.2} ms", ms(rewrap_small));
    match hb_shape_time(&paras) {
        Some((process, per_text)) => {
            let _ = writeln!(
                out,
                "  hb-shape, same text: {:.2} ms per copy (slope over 21 copies; {:.1} ms for one process)",
                ms(per_text),
                ms(process)
            );
            let _ = writeln!(
                out,
                "  ratio cold/hb-shape = {:.2}, warm/hb-shape = {:.4}",
                ms(cold) / ms(per_text).max(1e-6),
                ms(warm) / ms(per_text).max(1e-6)
            );
        }
        None => {
            let _ = writeln!(out, "  hb-shape not installed: no ratio");
        }
    }

    // 1 MB article: sample paragraphs repeated (with a counter so no two are identical)
    let all: Vec<String> = crate::assets::SAMPLES.iter().flat_map(|s| paragraphs(s.bytes)).collect();
    let mut big: Vec<String> = Vec::new();
    let mut bytes = 0usize;
    let mut k = 0usize;
    while bytes < 1_000_000 && !all.is_empty() {
        let p = format!("{} ({k})", all[k % all.len()]);
        bytes += p.len() + 1;
        big.push(p);
        k += 1;
    }
    let rss0 = rss_bytes();
    let mut engine = TextEngine::new();
    let t = Instant::now();
    for p in &big {
        engine.layout(p, &params);
    }
    let first = t.elapsed();
    let rss1 = rss_bytes();
    // re-wrap at three new widths (each a full re-wrap); the best is reported (busy machine)
    let mut rewrap = Duration::MAX;
    let mut total_height = 0.0f32;
    for w in [680.0, 660.0, 640.0] {
        let t = Instant::now();
        total_height = 0.0;
        for p in &big {
            total_height += engine.measure(p, &LayoutParams { width_px: Some(w), ..params }).height;
        }
        rewrap = rewrap.min(t.elapsed());
    }
    let t = Instant::now();
    for p in &big {
        engine.layout(p, &LayoutParams { width_px: Some(640.0), ..params });
    }
    let relayout = t.elapsed();
    let _ = writeln!(out, "1 MB article: {} paragraphs, {} bytes", big.len(), bytes);
    let _ = writeln!(out, "  first layout (shape + wrap): {:.1} ms", ms(first));
    let _ = writeln!(
        out,
        "  re-wrap 900 -> 680/660/640 px (best): {:.1} ms (target <= 40 ms, ratio {:.2})",
        ms(rewrap),
        ms(rewrap) / 40.0
    );
    let _ = writeln!(
        out,
        "  (re-wrap = new line breaks and heights of every paragraph, {total_height:.0} px tall; \
         glyphs of all paragraphs re-placed too: {:.1} ms, the pane does that for visible ones only)",
        ms(relayout)
    );
    if let (Some(a), Some(b)) = (rss0, rss1) {
        let mb = b.saturating_sub(a) as f64 / 1e6;
        let _ = writeln!(
            out,
            "  memory for its layouts: {mb:.1} MB RSS growth (target <= 100 MB, ratio {:.2})",
            mb / 100.0
        );
    }
    out
}

#[cfg(test)]
mod tests {
    /// `cargo test --release --no-default-features --lib text::bench -- --ignored --nocapture`
    #[test]
    #[ignore = "benchmark; run explicitly"]
    fn bench_text_report() {
        let r = super::bench_text();
        println!("{r}");
        assert!(r.contains("re-wrap"));
    }
}

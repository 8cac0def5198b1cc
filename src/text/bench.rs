//! `khabar bench text`: layout speed against HarfBuzz's `hb-shape`, re-wrap time and memory
//! of a large article.

/// Runs the text benchmarks and returns the report (not built yet).
pub fn bench_text() -> String {
    String::from("bench text: not built yet\n")
}

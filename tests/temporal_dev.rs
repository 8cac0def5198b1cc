//! Scores time-expression extraction on the temporal dev set.
//! Reads ../shared/data/temporal/dev.jsonl (shared reference data beside the repository) and
//! the bundled sample articles; an ignored test measures throughput.
//! Fails below value-F1 0.90; prints the per-phenomenon table (`cargo test -- --nocapture`).

use khabar::extract::times::score::{parse_dev, score_dev};

#[test]
fn temporal_dev_value_f1() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/temporal/dev.jsonl");
    let Ok(text) = std::fs::read_to_string(&path) else {
        panic!("dev set not found at {}", path.display());
    };
    let (items, bad) = parse_dev(&text);
    assert_eq!(bad, 0, "unparsable dev lines");
    assert!(items.len() >= 100, "dev set too small: {}", items.len());
    let report = score_dev(&items);
    if std::env::var("KHABAR_DEV_ERRORS").is_ok() {
        for e in &report.errors {
            println!("{e}");
        }
    }
    println!("{}", report.table());
    let f = report.overall.value_f1();
    assert!(f >= 0.90, "value-F1 {f:.3} below 0.90\n{}", report.table());
}

/// Splits the ` date YYYY-MM-DD ` header off a sample article.
fn header(text: &str) -> (Option<chrono::NaiveDate>, &str) {
    let t = text.trim_start_matches('\u{feff}');
    if let Some(rest) = t.trim_start().strip_prefix("date ")
        && let Some(d) = rest.get(..10)
        && let Ok(date) = chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
    {
        return (Some(date), rest.get(10..).unwrap_or("").trim_start());
    }
    (None, t)
}

/// What the extractor finds in the bundled sample articles (printed with --nocapture); the
/// headerless ones get an inferred publication date.
#[test]
fn bundled_samples_report() {
    for s in khabar::assets::SAMPLES {
        let Ok(raw) = std::str::from_utf8(s.bytes) else { continue };
        let (published, body) = header(raw);
        let inferred =
            if published.is_none() { khabar::extract::times::infer_publication_date(body) } else { None };
        let dct = published.or(inferred.as_ref().map(|i| i.date));
        println!("== {} published={published:?}", s.file_name);
        if let Some(i) = &inferred {
            println!("   inferred {} from {} [{}..{}]", i.date, i.evidence, i.start, i.end);
        }
        for t in khabar::extract::times::extract_times(body, dct) {
            assert!(khabar::extract::times::timex::is_valid_value(&t.value), "{t:?}");
            println!("   {:>5}..{:<5} {:?} {} «{}»", t.start, t.end, t.kind, t.value, t.text);
        }
    }
}

/// Throughput on the samples repeated to ~8 MB: run with
/// `cargo test --release --no-default-features --test temporal_dev -- --ignored --nocapture`.
#[test]
#[ignore]
fn extraction_speed() {
    let mut all = String::new();
    for s in khabar::assets::SAMPLES {
        all.push_str(std::str::from_utf8(s.bytes).unwrap_or(""));
        all.push_str("\n\n");
    }
    let docs: Vec<&str> = all.split("\n\n").filter(|p| !p.trim().is_empty()).collect();
    let dct = chrono::NaiveDate::from_ymd_opt(2025, 10, 27);
    let mut bytes = 0usize;
    let mut found = 0usize;
    let t0 = std::time::Instant::now();
    while bytes < 8_000_000 {
        for d in &docs {
            found += khabar::extract::times::extract_times(d, dct).len();
            bytes += d.len();
        }
    }
    let secs = t0.elapsed().as_secs_f64();
    println!(
        "{:.1} MB in {secs:.2} s = {:.1} MB/s ({found} expressions)",
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / secs
    );
}

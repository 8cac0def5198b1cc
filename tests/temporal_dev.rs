//! Scores time-expression extraction on the temporal dev set.
//! Reads ../shared/data/temporal/dev.jsonl (shared reference data beside the repository).
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

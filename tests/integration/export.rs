//! `khabar export` run as a process on the bundled samples: CSV round trip (write → read back
//! with the csv crate → same rows as the JSON table), filters (entity, dates, query), BOM, and
//! the mentions CSV equal to `khabar analyze --format csv`.

use std::path::Path;
use std::process::{Command, Output};

fn khabar(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_khabar"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("khabar runs")
}

fn export(dir: &Path, what: &str, format: &str, extra: &[&str]) -> Vec<u8> {
    let out = dir.join(format!("{what}-{}.{format}", extra.len()));
    let out_s = out.to_str().unwrap();
    let mut args = vec!["export", "assets/samples", "--what", what, "--format", format, "--out", out_s];
    args.extend_from_slice(extra);
    let o = khabar(&args);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::read(&out).unwrap()
}

fn csv_rows(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_reader(bytes);
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect();
    (header, rows)
}

fn json_rows(bytes: &[u8]) -> Vec<serde_json::Value> {
    serde_json::from_slice::<serde_json::Value>(bytes).unwrap().as_array().unwrap().clone()
}

/// A JSON cell as its CSV text (lists joined with "; ", null as empty).
fn cell(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(a) => a.iter().map(cell).collect::<Vec<_>>().join("; "),
        other => other.to_string(),
    }
}

#[test]
fn csv_round_trips_to_the_rows_of_the_json_table() {
    let tmp = tempfile::tempdir().unwrap();
    for what in ["entities", "mentions", "events", "documents"] {
        let (header, rows) = csv_rows(&export(tmp.path(), what, "csv", &[]));
        let json = json_rows(&export(tmp.path(), what, "json", &[]));
        assert!(!rows.is_empty(), "{what}: no rows");
        assert_eq!(rows.len(), json.len(), "{what}");
        for (row, obj) in rows.iter().zip(&json) {
            let from_json: Vec<String> = header.iter().map(|h| cell(&obj[h.as_str()])).collect();
            assert_eq!(row, &from_json, "{what}");
        }
    }
}

#[test]
fn csv_written_and_read_back_keeps_quotes_commas_and_line_breaks() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("news");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("a,\"b\".txt"), "عنوان فيه \"اقتباس\"، وفاصلة, هنا\nقال محمد في القاهرة.")
        .unwrap();
    let out = tmp.path().join("d.csv");
    let o = khabar(&["export", dir.to_str().unwrap(), "--what", "documents", "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let (_, rows) = csv_rows(&std::fs::read(&out).unwrap());
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][0], "a,\"b\".txt");
    assert!(rows[0][3].contains("\"اقتباس\"") && rows[0][3].contains(", هنا"), "{:?}", rows[0]);
}

#[test]
fn mentions_csv_equals_analyze_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let exported = export(tmp.path(), "mentions", "csv", &[]);
    let analyzed = khabar(&["analyze", "assets/samples", "--format", "csv"]);
    assert_eq!(analyzed.status.code(), Some(0));
    assert_eq!(String::from_utf8(exported).unwrap(), String::from_utf8(analyzed.stdout).unwrap());
}

#[test]
fn bom_only_with_the_flag() {
    let tmp = tempfile::tempdir().unwrap();
    assert!(!export(tmp.path(), "entities", "csv", &[]).starts_with("\u{feff}".as_bytes()));
    let with = export(tmp.path(), "entities", "csv", &["--bom"]);
    assert!(with.starts_with("\u{feff}".as_bytes()));
    let (header, _) = csv_rows(with.get(3..).unwrap());
    assert_eq!(header, ["id", "type", "canonical", "aliases", "mentions", "documents"]);
}

#[test]
fn entity_filter_keeps_only_that_entity() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, entities) = csv_rows(&export(tmp.path(), "entities", "csv", &[]));
    // the most-mentioned entity
    let e = entities.iter().max_by_key(|r| r[4].parse::<usize>().unwrap()).unwrap();
    let (_, mentions) = csv_rows(&export(tmp.path(), "mentions", "csv", &["--entity", &e[0]]));
    assert_eq!(mentions.len(), e[4].parse::<usize>().unwrap());
    assert!(mentions.iter().all(|m| m[1] == e[0]));
    let (_, docs) = csv_rows(&export(tmp.path(), "documents", "csv", &["--entity", &e[2]]));
    assert_eq!(docs.len(), e[5].parse::<usize>().unwrap());
    let o = khabar(&["export", "assets/samples", "--what", "entities", "--out", "-", "--entity", "zzzz"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn date_and_query_filters_select_subsets() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, all) = csv_rows(&export(tmp.path(), "documents", "csv", &[]));
    let (_, dated) =
        csv_rows(&export(tmp.path(), "documents", "csv", &["--from", "2025-10-01", "--to", "2025-10"]));
    assert!(!dated.is_empty() && dated.len() < all.len());
    for d in &dated {
        let day = if d[1].is_empty() { &d[2] } else { &d[1] };
        assert!(day.as_str() >= "2025-10-01" && day.as_str() <= "2025-10-31", "{d:?}");
    }
    let (_, events) = csv_rows(&export(tmp.path(), "events", "csv", &["--from", "2025", "--to", "2025"]));
    assert!(events.iter().all(|e| e[3].starts_with("2025")), "{events:?}");
    // a word of the first document's title selects a non-empty subset containing it
    let word = all[0][3].split_whitespace().max_by_key(|w| w.chars().count()).unwrap().to_string();
    let (_, hits) = csv_rows(&export(tmp.path(), "documents", "csv", &["--query", &word]));
    assert!(hits.iter().any(|d| d[0] == all[0][0]));
    assert!(hits.len() <= all.len());
    let (_, none) = csv_rows(&export(tmp.path(), "documents", "csv", &["--query", "قزحلبوطية"]));
    assert!(none.is_empty());
}

#[test]
fn export_exits_2_on_missing_input_or_bad_date() {
    let o = khabar(&["export", "no/such/dir", "--what", "entities", "--out", "-"]);
    assert_eq!(o.status.code(), Some(2));
    let o = khabar(&["export", "assets/samples", "--what", "entities", "--out", "-", "--from", "soon"]);
    assert_eq!(o.status.code(), Some(2));
}

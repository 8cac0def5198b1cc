//! `khabar list` run as a process: JSON and TSV output on the bundled samples, exit status 0
//! (all loaded), 1 (some files in "errors"), 2 (could not run).

use std::path::Path;
use std::process::{Command, Output};

fn khabar(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_khabar"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("khabar runs")
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn list_samples_json_has_five_documents_two_dated() {
    let out = khabar(&["list", "assets/samples", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json(&out);
    let docs = v["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 5);
    let mut dates: Vec<String> =
        docs.iter().filter_map(|d| d["published"].as_str().map(String::from)).collect();
    dates.sort();
    assert_eq!(dates, ["2025-08-13", "2025-10-27"]);
    assert_eq!(docs.iter().filter(|d| d["published"].is_null()).count(), 3);
    let paths: Vec<&str> = docs.iter().map(|d| d["path"].as_str().unwrap()).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted, "documents not sorted by path");
    for d in docs {
        assert!(!d["path"].as_str().unwrap().contains('/'), "paths are relative to the folder");
        assert!(!d["title"].as_str().unwrap().is_empty());
        assert!(d["chars"].as_u64().unwrap() > 1000);
        assert_eq!(d["encoding"], "UTF-8");
        assert_eq!(d["warnings"], serde_json::json!([]));
    }
    assert_eq!(v["errors"], serde_json::json!([]));
}

#[test]
fn list_tsv_has_a_header_and_a_row_per_document() {
    let out = khabar(&["list", "assets/samples", "--format", "tsv"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 6);
    assert_eq!(lines[0], "path\tpublished\ttitle\tchars\tencoding\twarnings");
    assert!(lines.iter().all(|l| l.split('\t').count() == 6));
}

#[test]
fn list_exits_1_and_lists_bad_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("news");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("good.txt"), "date 2025-01-02 خبر جيد").unwrap();
    std::fs::write(dir.join("empty.txt"), "").unwrap();
    std::fs::write(dir.join("bad-date.txt"), "date 2025-13-45 خبر").unwrap();
    let out = khabar(&["list", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert_eq!(v["documents"].as_array().unwrap().len(), 1);
    let errors: Vec<(&str, &str)> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["path"].as_str().unwrap(), e["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(errors.len(), 2);
    assert_eq!(errors[0].0, "bad-date.txt");
    assert!(errors[0].1.starts_with("invalid header date"));
    assert_eq!(errors[1], ("empty.txt", "empty file"));

    let out = khabar(&["list", dir.to_str().unwrap(), "--format", "tsv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("empty.txt: empty file"));
}

#[test]
fn list_several_folders_prefixes_paths_with_folder_names() {
    let tmp = tempfile::tempdir().unwrap();
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/samples");
    let other = tmp.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("x.txt"), "خبر").unwrap();
    let out = khabar(&["list", samples.to_str().unwrap(), other.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    let paths: Vec<&str> =
        v["documents"].as_array().unwrap().iter().map(|d| d["path"].as_str().unwrap()).collect();
    assert_eq!(paths.len(), 6);
    assert_eq!(paths[0], "other/x.txt");
    assert!(paths[1..].iter().all(|p| p.starts_with("samples/")), "{paths:?}");
}

#[test]
fn list_exits_2_on_a_missing_path() {
    let out = khabar(&["list", "no/such/folder"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(!out.stderr.is_empty());
}

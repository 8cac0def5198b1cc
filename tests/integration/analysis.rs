//! `khabar analyze`: a checker of the `khabar.analysis/1` JSON (every field and type, offsets
//! in range and matching the decoded text, ids resolvable, cross references consistent),
//! determinism, JSONL records merging back to the JSON, the mentions CSV and exit statuses.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use khabar::corpus::{CorpusOptions, load_all};
use khabar::index::AliasEdits;
use khabar::index::output::{AnalysisJson, DocumentJson, merge_records};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn khabar(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_khabar")).args(args).current_dir(root()).output().expect("run khabar")
}

fn samples() -> String {
    root().join("assets/samples").to_string_lossy().into_owned()
}

/// Decoded texts of the loaded documents, by relative path, as chars.
fn texts(path: &Path) -> BTreeMap<String, Vec<char>> {
    let report = load_all(vec![path.to_path_buf()], CorpusOptions::default());
    report.documents.into_iter().map(|d| (d.rel_path, d.text.chars().collect())).collect()
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().expect("object").keys().map(|k| k.as_str()).collect();
    k.sort();
    k
}

fn is_date(v: &Value) -> bool {
    v.as_str().is_some_and(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok() && s.len() == 10)
}

fn int(v: &Value) -> usize {
    v.as_u64().expect("non-negative integer") as usize
}

fn check_span(chars: &[char], span: &Value, what: &str) {
    let (start, end) = (int(&span["start"]), int(&span["end"]));
    assert!(start < end && end <= chars.len(), "{what}: span {start}..{end} out of range {}", chars.len());
    let text: String = chars[start..end].iter().collect();
    assert_eq!(span["text"].as_str(), Some(text.as_str()), "{what}: text differs from chars {start}..{end}");
}

/// Validates a `khabar.analysis/1` value against the decoded texts.
fn check_analysis(v: &Value, texts: &BTreeMap<String, Vec<char>>) {
    assert_eq!(keys(v), vec!["documents", "entities", "errors", "events", "schema"]);
    assert_eq!(v["schema"], "khabar.analysis/1");
    let entities = v["entities"].as_array().expect("entities array");
    let mut by_id: BTreeMap<&str, &Value> = BTreeMap::new();
    for e in entities {
        assert_eq!(keys(e), vec!["aliases", "canonical", "documents", "id", "type"]);
        let id = e["id"].as_str().expect("id string");
        let ty = e["type"].as_str().expect("type string");
        assert!(["PER", "LOC", "ORG", "MISC"].contains(&ty), "type {ty}");
        assert!(id.starts_with(&format!("{}:", ty.to_lowercase())), "id {id} does not match type {ty}");
        assert!(by_id.insert(id, e).is_none(), "duplicate entity id {id}");
        assert!(!e["canonical"].as_str().expect("canonical").is_empty());
        let aliases: Vec<&str> =
            e["aliases"].as_array().expect("aliases").iter().map(|a| a.as_str().expect("alias")).collect();
        assert!(!aliases.is_empty());
        assert!(aliases.windows(2).all(|w| w[0] < w[1]), "aliases not sorted/unique: {aliases:?}");
        for d in e["documents"].as_array().expect("documents") {
            assert!(texts.contains_key(d.as_str().expect("document path")), "unknown document {d}");
        }
    }
    let docs = v["documents"].as_array().expect("documents array");
    let paths: Vec<&str> = docs.iter().map(|d| d["path"].as_str().expect("path")).collect();
    assert!(paths.windows(2).all(|w| w[0] < w[1]), "documents not sorted by path");
    assert_eq!(paths.len(), texts.len(), "every loaded document is listed");
    let mut doc_entities: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for d in docs {
        assert_eq!(keys(d), vec!["entities", "path", "published", "published_inferred", "times"]);
        let path = d["path"].as_str().expect("path");
        let chars = texts.get(path).expect("document path is a loaded file");
        assert!(d["published"].is_null() || is_date(&d["published"]), "published {}", d["published"]);
        assert!(d["published_inferred"].is_null() || is_date(&d["published_inferred"]));
        let mut seen_local = BTreeSet::new();
        for e in d["entities"].as_array().expect("entities") {
            assert_eq!(keys(e), vec!["canonical", "id", "mentions", "type"]);
            let id = e["id"].as_str().expect("id");
            let top = by_id.get(id).unwrap_or_else(|| panic!("{path}: entity {id} not in the entities list"));
            assert_eq!(e["type"], top["type"]);
            assert_eq!(e["canonical"], top["canonical"]);
            assert!(seen_local.insert(id), "{path}: entity {id} listed twice");
            let mentions = e["mentions"].as_array().expect("mentions");
            assert!(!mentions.is_empty());
            for m in mentions {
                assert_eq!(keys(m), vec!["end", "start", "text"]);
                check_span(chars, m, &format!("{path} mention of {id}"));
                let text =
                    m["text"].as_str().unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ");
                assert!(
                    top["aliases"].as_array().is_some_and(|a| a.iter().any(|x| x.as_str() == Some(&text))),
                    "{path}: mention {text} is not an alias of {id}"
                );
            }
        }
        doc_entities.insert(path, seen_local);
        for t in d["times"].as_array().expect("times") {
            assert_eq!(keys(t), vec!["end", "start", "text", "type", "value"]);
            check_span(chars, t, &format!("{path} time"));
            assert!(["DATE", "TIME", "DURATION", "SET"].contains(&t["type"].as_str().expect("type")));
            assert!(!t["value"].as_str().expect("value").is_empty());
        }
    }
    // top-level documents lists and document entity lists agree
    for (id, e) in &by_id {
        let listed: BTreeSet<&str> =
            e["documents"].as_array().into_iter().flatten().filter_map(|d| d.as_str()).collect();
        let actual: BTreeSet<&str> =
            doc_entities.iter().filter(|(_, ids)| ids.contains(id)).map(|(p, _)| *p).collect();
        assert_eq!(listed, actual, "documents of {id}");
    }
    for ev in v["events"].as_array().expect("events array") {
        assert_eq!(keys(ev), vec!["document", "end", "entities", "start", "value"]);
        let path = ev["document"].as_str().expect("document");
        let chars = texts.get(path).expect("event document exists");
        let (start, end) = (int(&ev["start"]), int(&ev["end"]));
        assert!(start < end && end <= chars.len());
        assert!(!ev["value"].as_str().expect("value").is_empty());
        for id in ev["entities"].as_array().expect("entities") {
            let id = id.as_str().expect("id");
            assert!(
                doc_entities.get(path).is_some_and(|ids| ids.contains(id)),
                "event entity {id} not in {path}"
            );
        }
    }
    for e in v["errors"].as_array().expect("errors array") {
        assert_eq!(keys(e), vec!["path", "reason"]);
        assert!(!e["reason"].as_str().expect("reason").is_empty());
    }
}

#[test]
fn analyze_samples_json_is_valid_against_the_schema() {
    let out = khabar(&["analyze", &samples(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    check_analysis(&v, &texts(&root().join("assets/samples")));
}

#[test]
fn analyze_is_deterministic() {
    let a = khabar(&["analyze", &samples(), "--format", "json"]);
    let b = khabar(&["analyze", &samples(), "--format", "json"]);
    assert!(!a.stdout.is_empty());
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn jsonl_records_merge_to_the_json_object() {
    let json = khabar(&["analyze", &samples(), "--format", "json"]);
    let jsonl = khabar(&["analyze", &samples(), "--format", "jsonl"]);
    assert_eq!(jsonl.status.code(), Some(0));
    let full: AnalysisJson = serde_json::from_slice(&json.stdout).expect("json");
    let text = String::from_utf8(jsonl.stdout).expect("utf-8");
    let mut records = Vec::new();
    for line in text.lines() {
        let v: Value = serde_json::from_str(line).expect("one JSON object per line");
        assert_eq!(v["schema"], "khabar.document/1");
        for (i, e) in v["entities"].as_array().expect("entities").iter().enumerate() {
            assert_eq!(e["id"].as_str(), Some(format!("d:{i}").as_str()), "local ids in order");
        }
        let r: DocumentJson = serde_json::from_value(v).expect("record");
        records.push(r);
    }
    assert_eq!(records.len(), full.documents.len());
    let merged = merge_records(records, full.errors.clone(), &AliasEdits::new());
    assert_eq!(merged, full);
}

#[test]
fn csv_has_one_row_per_mention() {
    let json = khabar(&["analyze", &samples(), "--format", "json"]);
    let csv_out = khabar(&["analyze", &samples(), "--format", "csv"]);
    assert_eq!(csv_out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&json.stdout).expect("json");
    let mentions: usize = v["documents"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|d| d["entities"].as_array().into_iter().flatten())
        .map(|e| e["mentions"].as_array().map_or(0, |m| m.len()))
        .sum();
    let mut r = csv::Reader::from_reader(csv_out.stdout.as_slice());
    let header: Vec<String> = r.headers().expect("header").iter().map(String::from).collect();
    assert_eq!(header, ["document", "entity_id", "type", "canonical", "start", "end", "text"]);
    let rows = r.records().inspect(|r| assert!(r.is_ok(), "bad row")).count();
    assert_eq!(rows, mentions);
}

#[test]
fn bad_files_are_listed_and_exit_1_and_missing_input_exits_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("good.txt"), " date 2024-01-02 خبر قصير عن الطقس.\n").expect("write");
    std::fs::write(dir.path().join("bad.txt"), [0u8, 1, 2, 3, 0, 0, 255, 254, 0, 7]).expect("write");
    let p = dir.path().to_string_lossy().into_owned();
    let out_file = dir.path().join("out").with_extension("json");
    let out = khabar(&["analyze", &p, "--out", &out_file.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&std::fs::read(&out_file).expect("out file")).expect("json");
    let errors = v["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0]["path"].as_str().is_some_and(|p| p.ends_with("bad.txt")));
    assert_eq!(v["documents"].as_array().map(|d| d.len()), Some(1));

    let missing = khabar(&["analyze", "/nonexistent/khabar-analysis-test"]);
    assert_eq!(missing.status.code(), Some(2));
    let bad_format = khabar(&["analyze", &samples(), "--format", "xml"]);
    assert_eq!(bad_format.status.code(), Some(2));
}

#[test]
fn aliases_file_is_applied_and_a_broken_one_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("aliases.json");
    std::fs::write(&bad, "{not json").expect("write");
    let out = khabar(&["analyze", &samples(), "--aliases", &bad.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(2));
    let good = root().join("tests/fixtures/analysis/aliases-v1.json");
    let out = khabar(&["analyze", &samples(), "--aliases", &good.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    check_analysis(&v, &texts(&root().join("assets/samples")));
}

#[test]
fn search_prints_every_hit_in_document_order_with_offsets_into_the_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("b.txt"), " date 2024-01-02 وصل أحمد إلى المدرسة. ثم غادر احمد.\n")
        .expect("write");
    std::fs::write(dir.path().join("a.txt"), " date 2024-01-01 قال أحـمـد كلمته.\n").expect("write");
    let p = dir.path().to_string_lossy().into_owned();
    let out = khabar(&["search", &p, "احمد", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(keys(&v), vec!["hits"]);
    let hits = v["hits"].as_array().expect("hits");
    let texts = texts(dir.path());
    let found: Vec<(String, String)> = hits
        .iter()
        .map(|h| {
            assert_eq!(keys(h), vec!["document", "end", "snippet", "start"]);
            let doc = h["document"].as_str().expect("document").to_string();
            let chars = texts.get(&doc).expect("known document");
            let (s, e) = (int(&h["start"]), int(&h["end"]));
            (doc, chars[s..e].iter().collect())
        })
        .collect();
    assert_eq!(
        found,
        vec![
            ("a.txt".into(), "أحـمـد".into()),
            ("b.txt".into(), "أحمد".into()),
            ("b.txt".into(), "احمد".into())
        ]
    );
    let phrase = khabar(&["search", &p, "الى المدرسه"]);
    let v: Value = serde_json::from_slice(&phrase.stdout).expect("json");
    assert_eq!(v["hits"].as_array().map(|h| h.len()), Some(1));
    let missing = khabar(&["search", "/nonexistent/khabar-search-test", "x"]);
    assert_eq!(missing.status.code(), Some(2));
}

//! Opening a prebuilt analysis equals analysing the folder: a copy of the bundled samples (the
//! articles as they are, plus their paragraphs as headerless articles) is analysed by two
//! `khabar analyze --files-from SHARD --base DIR --format jsonl` processes, one shard written
//! plain and one gzipped, both beside the articles; `index::prebuilt::open_analysis_files` on
//! the two record files must give the corpus `AnalyzedCorpus::from_load_report` builds from the
//! folder in one process: the same documents with their texts, analyses, entities and events.
//! A changed and a deleted article then keep their analysis and are listed.

use std::io::Write as _;
use std::path::Path;
use std::process::Command;

use khabar::corpus::{CorpusOptions, load_all};
use khabar::index::output::corpus_json;
use khabar::index::prebuilt::open_analysis_files;
use khabar::index::{AliasEdits, AnalyzedCorpus};

/// The samples as they are (`samples/…`) and each sample's paragraphs as headerless articles
/// (`paras/sN/pNN.txt`); returns the relative paths, sorted.
fn make_corpus(dir: &Path) -> Vec<String> {
    let mut rels = Vec::new();
    let mut write = |rel: String, bytes: &[u8]| {
        let path = dir.join(&rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        rels.push(rel);
    };
    for (si, sample) in khabar::assets::SAMPLES.iter().enumerate() {
        write(format!("samples/{}", sample.file_name), sample.bytes);
        let text = String::from_utf8_lossy(sample.bytes);
        for (pi, para) in text.split("\n\n").skip(1).filter(|p| p.split_whitespace().count() > 5).enumerate()
        {
            write(format!("paras/s{si}/p{pi:02}.txt"), para.as_bytes());
        }
    }
    rels.sort();
    rels
}

/// Runs `khabar analyze` on a list of files (relative to `dir`) and returns the JSONL.
fn analyze_shard(dir: &Path, list: &Path) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_khabar"))
        .args(["analyze", "--files-from"])
        .arg(list)
        .arg("--base")
        .arg(dir)
        .args(["--format", "jsonl"])
        .output()
        .expect("khabar runs");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

fn two_shards(tmp: &Path, dir: &Path, rels: &[String]) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for k in 0..2 {
        let list: String = rels.iter().skip(k).step_by(2).map(|r| format!("{r}\n")).collect();
        let list_path = tmp.join(format!("list{k}.txt"));
        std::fs::write(&list_path, list).unwrap();
        let jsonl = analyze_shard(dir, &list_path);
        assert_eq!(jsonl.iter().filter(|&&b| b == b'\n').count(), rels.iter().skip(k).step_by(2).count());
        let file = if k == 0 {
            let f = dir.join("shard0.jsonl");
            std::fs::write(&f, jsonl).unwrap();
            f
        } else {
            let f = dir.join("shard1.jsonl.gz");
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            enc.write_all(&jsonl).unwrap();
            std::fs::write(&f, enc.finish().unwrap()).unwrap();
            f
        };
        files.push(file);
    }
    files
}

#[test]
fn two_shards_opened_with_their_texts_equal_the_folder_analysed_in_one_process() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("corpus");
    let rels = make_corpus(&dir);
    assert!(rels.len() >= 15, "{}", rels.len());
    let files = two_shards(tmp.path(), &dir, &rels);

    let whole = AnalyzedCorpus::from_load_report(
        load_all(vec![dir.clone()], CorpusOptions::default()),
        &AliasEdits::new(),
    );
    assert_eq!(whole.documents.len(), rels.len());
    let got = open_analysis_files(&files, &AliasEdits::new()).unwrap();
    assert!(got.bad_records.is_empty(), "{:?}", got.bad_records);
    assert!(got.texts_missing.is_empty(), "{:?}", got.texts_missing);
    let corpus = &got.corpus;

    assert_eq!(corpus.documents.len(), whole.documents.len());
    for (g, w) in corpus.documents.iter().zip(&whole.documents) {
        let (gd, wd) = (&g.doc, &w.doc);
        assert_eq!(gd.rel_path, wd.rel_path);
        assert_eq!(gd.path, wd.path, "{}", wd.rel_path);
        assert_eq!(gd.text, wd.text, "{}", wd.rel_path);
        assert_eq!(
            (gd.body_start, gd.published, &gd.title, gd.encoding, &gd.warnings, gd.bytes, gd.modified),
            (wd.body_start, wd.published, &wd.title, wd.encoding, &wd.warnings, wd.bytes, wd.modified),
            "{}",
            wd.rel_path
        );
        assert_eq!(g.analysis, w.analysis, "{}", wd.rel_path);
        assert_eq!(g.entity_ids, w.entity_ids, "{}", wd.rel_path);
    }
    assert_eq!(corpus.entities, whole.entities);
    assert_eq!(corpus.events, whole.events);
    assert_eq!(corpus.sentence_total, whole.sentence_total);
    assert_eq!(
        serde_json::to_string(&corpus_json(corpus)).unwrap(),
        serde_json::to_string(&corpus_json(&whole)).unwrap()
    );
    assert!(!corpus.entities.is_empty() && !corpus.events.is_empty());
    // the headerless paragraphs exercise inferred dates, whose evidence comes back from the text
    assert!(
        corpus.documents.iter().any(|d| d
            .analysis
            .published_inferred
            .as_ref()
            .is_some_and(|i| !i.evidence.is_empty()))
    );
}

#[test]
fn changed_and_deleted_articles_keep_their_analysis_and_are_listed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("corpus");
    let rels = make_corpus(&dir);
    let files = two_shards(tmp.path(), &dir, &rels);
    let before = open_analysis_files(&files, &AliasEdits::new()).unwrap();
    // an article with mentions gains a word at its start; another one is deleted
    let changed = &before
        .corpus
        .documents
        .iter()
        .find(|d| d.doc.rel_path.starts_with("paras/") && !d.analysis.entities.is_empty())
        .unwrap()
        .doc
        .rel_path;
    let old = std::fs::read_to_string(dir.join(changed)).unwrap();
    std::fs::write(dir.join(changed), format!("عاجل {old}")).unwrap();
    std::fs::remove_file(dir.join(&rels[rels.len() - 1])).unwrap();

    let got = open_analysis_files(&files, &AliasEdits::new()).unwrap();
    let listed: Vec<(&str, &str)> = got.texts_missing.iter().map(|(p, r)| (p.as_str(), r.as_str())).collect();
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert_eq!(listed[0].0, changed);
    assert!(listed[0].1.starts_with("changed since it was analysed: "), "{listed:?}");
    assert_eq!(listed[1].0, rels[rels.len() - 1]);
    assert!(listed[1].1.starts_with("not found"), "{listed:?}");
    // entities and events are the same (sentence counts may not be: a document without its
    // text knows only the sentences of its events)
    assert_eq!(corpus_json(&got.corpus).entities, corpus_json(&before.corpus).entities);
    assert_eq!(got.corpus.events, before.corpus.events);
    for (path, _) in &got.texts_missing {
        let d = got.corpus.documents.iter().find(|d| &d.doc.rel_path == path).unwrap();
        assert!(d.doc.text.is_empty());
    }
}

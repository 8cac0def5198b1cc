//! Merging shards: per-document `khabar.document/1` records (JSONL, as `khabar analyze
//! --format jsonl` writes them, one process or one cluster task per shard) back into one
//! [`AnalyzedCorpus`], with alias clustering and events computed on the merged whole. This is
//! the reduce step after a map step run by any engine (see docs/scaling.md); the app opens the
//! result like an analysed folder (`khabar open --analysis FILE…`).
//!
//! Records carry no text, so merged documents have an empty `text` and the sentences known
//! from their events only; everything the analysis JSON holds is kept. [`super::prebuilt`]
//! reads the record files and puts the articles' texts back.

use std::collections::HashSet;
use std::io::BufRead;
use std::path::PathBuf;

use chrono::NaiveDate;

use crate::corpus::{Document, FileProblem};
use crate::extract::{DocumentAnalysis, EntityMention, InferredDate};

use super::aliases::AliasEdits;
use super::model::AnalyzedCorpus;
use super::output::{DOCUMENT_SCHEMA, DocumentJson};

/// A record that could not be used: where and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadRecord {
    /// Index of the reader and 1-based line number.
    pub source: usize,
    pub line: usize,
    pub reason: String,
}

/// Reads every reader's JSONL records (blank lines skipped) and merges them into one corpus
/// (documents sorted by path; a path seen twice keeps its first record and reports the other).
/// Bad lines are returned, not fatal; an I/O error of a reader is.
pub fn corpus_from_jsonl<R: BufRead>(
    readers: Vec<R>,
    edits: &AliasEdits,
) -> std::io::Result<(AnalyzedCorpus, Vec<BadRecord>)> {
    let (records, bad) = records_from_jsonl(readers)?;
    Ok((corpus_from_records(records.into_iter().map(|r| r.record).collect(), edits), bad))
}

/// A parsed record and where it was read.
#[derive(Clone, Debug, PartialEq)]
pub struct SourcedRecord {
    /// Index of the reader and 1-based line number.
    pub source: usize,
    pub line: usize,
    pub record: DocumentJson,
}

/// Reads every reader's JSONL records (see [`read_records`]) and keeps one per path
/// (see [`sort_unique`]). Only an I/O error of a reader is an error.
pub fn records_from_jsonl<R: BufRead>(
    readers: Vec<R>,
) -> std::io::Result<(Vec<SourcedRecord>, Vec<BadRecord>)> {
    let mut records = Vec::new();
    let mut bad = Vec::new();
    for (source, reader) in readers.into_iter().enumerate() {
        let (r, b) = read_records(source, reader)?;
        records.extend(r);
        bad.extend(b);
    }
    let records = sort_unique(records, &mut bad);
    Ok((records, bad))
}

/// Reads one reader's JSONL records, in line order (blank lines skipped), and its bad lines
/// (not UTF-8, not a record, another schema). Only an I/O error is an error.
pub fn read_records<R: BufRead>(
    source: usize,
    reader: R,
) -> std::io::Result<(Vec<SourcedRecord>, Vec<BadRecord>)> {
    let mut records = Vec::new();
    let mut bad = Vec::new();
    for (i, line) in reader.split(b'\n').enumerate() {
        let line = line?;
        let mut report = |reason: String| bad.push(BadRecord { source, line: i + 1, reason });
        let Ok(line) = std::str::from_utf8(&line) else {
            report("not UTF-8".to_string());
            continue;
        };
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<DocumentJson>(line) {
            Ok(r) if r.schema.as_deref() == Some(DOCUMENT_SCHEMA) => {
                records.push(SourcedRecord { source, line: i + 1, record: r })
            }
            Ok(r) => report(format!("schema {:?}, expected {DOCUMENT_SCHEMA}", r.schema)),
            Err(e) => report(format!("not a document record: {e}")),
        }
    }
    Ok((records, bad))
}

/// Sorts records (given in reader, then line order) by path and keeps the first of each path;
/// every other one is reported in `bad` as a duplicate.
pub fn sort_unique(mut records: Vec<SourcedRecord>, bad: &mut Vec<BadRecord>) -> Vec<SourcedRecord> {
    // stable: among equal paths the first read stays first
    records.sort_by(|a, b| a.record.path.cmp(&b.record.path));
    let mut seen = HashSet::new();
    records.retain(|r| {
        let first = seen.insert(r.record.path.clone());
        if !first {
            let reason = format!("duplicate record for {}", r.record.path);
            bad.push(BadRecord { source: r.source, line: r.line, reason });
        }
        first
    });
    records
}

/// Builds the corpus from per-document records (already sorted and unique by path).
pub fn corpus_from_records(records: Vec<DocumentJson>, edits: &AliasEdits) -> AnalyzedCorpus {
    let (docs, analyses): (Vec<Document>, Vec<DocumentAnalysis>) =
        records.into_iter().map(document_from_record).unzip();
    AnalyzedCorpus::build(docs, analyses, edits)
}

/// The document (no text: `path` is the record's path, `published` its date) and the analysis
/// of one record: mentions in text order, sentences only those of its events, an inferred
/// publication date without evidence.
pub fn document_from_record(r: DocumentJson) -> (Document, DocumentAnalysis) {
    let parse = |s: &Option<String>| s.as_deref().and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok());
    let mut entities: Vec<EntityMention> = r
        .entities
        .iter()
        .flat_map(|e| {
            e.mentions.iter().map(|m| EntityMention {
                start: m.start,
                end: m.end,
                text: m.text.as_str().into(),
                kind: e.kind,
            })
        })
        .collect();
    entities.sort_by(|a, b| a.start.cmp(&b.start).then(a.end.cmp(&b.end)));
    let mut sentences: Vec<std::ops::Range<usize>> =
        r.events.iter().flatten().map(|e| e.start..e.end).collect();
    sentences.sort_by(|a, b| a.start.cmp(&b.start).then(a.end.cmp(&b.end)));
    sentences.dedup();
    let published_inferred = parse(&r.published_inferred).map(|date| InferredDate {
        date,
        evidence: String::new(),
        start: 0,
        end: 0,
    });
    let analysis = DocumentAnalysis { entities, times: r.times, published_inferred, sentences };
    let doc = Document {
        path: PathBuf::from(&r.path),
        rel_path: r.path,
        text: "".into(),
        body_start: 0,
        published: parse(&r.published),
        title: String::new(),
        encoding: "",
        warnings: Vec::new(),
        bytes: 0,
        modified: None,
        text_hash: 0,
        chars: 0,
    };
    (doc, analysis)
}

/// Load problems recorded beside the shards (`path<TAB>reason` lines), as corpus problems.
pub fn problems_from_tsv(text: &str) -> Vec<FileProblem> {
    text.lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(p, r)| FileProblem::new(PathBuf::from(p), p, r))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::EntityType::*;
    use crate::index::model::tests::doc_with;
    use crate::index::output::{corpus_json, document_record};

    fn jsonl(corpus: &AnalyzedCorpus, which: impl Fn(usize) -> bool) -> String {
        let mut out = String::new();
        for (_, d) in corpus.documents.iter().enumerate().filter(|(i, _)| which(*i)) {
            out.push_str(&serde_json::to_string(&document_record(d)).unwrap());
            out.push('\n');
        }
        out
    }

    #[test]
    fn merged_shards_equal_the_whole_corpus() {
        let (d0, a0) = doc_with(
            "a.txt",
            "التقى جون سميث ماري جونز في باريس أمس. ثم عاد سميث.",
            &[("جون سميث", Person), ("ماري جونز", Person), ("باريس", Location), ("سميث.", Person)],
            &[("أمس", "2024-05-01")],
        );
        let (d1, a1) = doc_with("b.txt", "زار سميث لندن.", &[("سميث", Person), ("لندن", Location)], &[]);
        let (d2, a2) = doc_with("c.txt", "في لندن أمس.", &[("لندن", Location)], &[("أمس", "2024-06-02")]);
        let whole = AnalyzedCorpus::build(vec![d0, d1, d2], vec![a0, a1, a2], &AliasEdits::new());
        // shards in another order, one with a blank line and a bad line
        let shards = [
            jsonl(&whole, |i| i == 2),
            format!("\n{}not json\n", jsonl(&whole, |i| i == 0)),
            jsonl(&whole, |i| i == 1),
        ];
        let readers: Vec<&[u8]> = shards.iter().map(|s| s.as_bytes()).collect();
        let (merged, bad) = corpus_from_jsonl(readers, &AliasEdits::new()).unwrap();
        assert_eq!(bad.len(), 1);
        assert_eq!((bad[0].source, bad[0].line), (1, 3));
        let (a, b) = (corpus_json(&whole), corpus_json(&merged));
        assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
        assert_eq!(merged.entities.len(), whole.entities.len());
    }

    #[test]
    fn a_duplicate_path_is_reported_once() {
        let (d0, a0) = doc_with("a.txt", "باريس.", &[("باريس", Location)], &[]);
        let whole = AnalyzedCorpus::build(vec![d0], vec![a0], &AliasEdits::new());
        let line = jsonl(&whole, |_| true);
        let (merged, bad) =
            corpus_from_jsonl(vec![line.as_bytes(), line.as_bytes()], &AliasEdits::new()).unwrap();
        assert_eq!(merged.documents.len(), 1);
        assert!(bad[0].reason.contains("duplicate"));
    }
}

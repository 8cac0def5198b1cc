//! Opening a prebuilt analysis: the `khabar.document/1` record files (JSONL, gzip or not) of
//! a sharded run (`khabar analyze --files-from LIST --format jsonl`, one file per shard or
//! cluster task) merged into one [`AnalyzedCorpus`] with the articles' texts put back, so the
//! app can show documents and highlights as for an analysed folder (`khabar open --analysis
//! FILE…`). The analysis itself is never rerun.
//!
//! Steps: every record file is parsed (in parallel; a name ending in `.gz` or gzip magic bytes
//! means gzip) with [`super::merge::read_records`]; records are sorted by path and made unique
//! ([`super::merge::sort_unique`]); then every article is read and decoded exactly as the
//! corpus loader does ([`crate::corpus::load_file`]), in parallel (rayon); then aliases are
//! clustered and events built once on the whole.
//!
//! Where an article is looked for: an absolute record path as is; a relative one first under
//! each of [`PrebuiltOptions::bases`] (none by default), then under the folder of the record
//! file it came from, then under the current folder. The first regular file found is used.
//!
//! Records carry neither a checksum nor a character count, so a text is accepted when it
//! still matches the record: the header date equals the record's `published`, and every
//! entity mention's and time expression's recorded text equals the text at its offsets (and
//! event sentences end inside the text). A record whose article is missing, unreadable, not
//! text, or changed keeps its analysis with an empty text and is listed in
//! [`PrebuiltCorpus::texts_missing`] with the reason. (A record with no mentions, no times and
//! no date cannot be checked beyond "the file loads".)
//!
//! With the text back, the sentences are recomputed from it (records list only the sentences
//! of events; recomputed sentences are used only when they contain every event sentence) and
//! an inferred publication date gets its evidence back when the text still infers that date,
//! so a prebuilt corpus equals the one a single process builds from the same folder.
//!
//! Errors: a record file that cannot be opened or read (including corrupt gzip) is an error
//! naming the file; bad lines are [`BadRecord`]s, not errors. Nothing here panics on input.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use anyhow::Context as _;
use flate2::bufread::MultiGzDecoder;
use rayon::prelude::*;

use crate::arabic::sentences::sentences;
use crate::corpus::{CorpusOptions, Document, FileEntry, load_file};
use crate::extract::DocumentAnalysis;
use crate::extract::times::infer_publication_date;

use super::aliases::AliasEdits;
use super::merge::{BadRecord, SourcedRecord, document_from_record, read_records, sort_unique};
use super::model::AnalyzedCorpus;

/// A corpus opened from record files.
#[derive(Clone, Debug, Default)]
pub struct PrebuiltCorpus {
    /// Documents sorted by path, each with its text when it could be read and checked.
    pub corpus: AnalyzedCorpus,
    /// Lines of the record files that were not used (`source` indexes the files given).
    pub bad_records: Vec<BadRecord>,
    /// Documents whose text is missing (record path, reason), sorted by path; their analysis
    /// is kept.
    pub texts_missing: Vec<(String, String)>,
}

/// How articles are read and where relative record paths are looked for.
#[derive(Clone, Debug, Default)]
pub struct PrebuiltOptions {
    /// Size limit and file reader, as for loading a folder; its `notify` is called when the
    /// number of records is known and then after every [`NOTIFY_EVERY`] texts read.
    pub corpus: CorpusOptions,
    /// Folders tried first for relative record paths (like `khabar analyze --base`), before
    /// the record file's folder and the current folder.
    pub bases: Vec<PathBuf>,
    /// Progress counters and the cancel flag, shared with whoever shows the progress.
    pub progress: Arc<PrebuiltProgress>,
}

/// How far an [`open_analysis_files_with`] call is, and its cancel flag (a GUI polls these
/// from another thread).
#[derive(Debug, Default)]
pub struct PrebuiltProgress {
    /// Number of (unique) records, known once the record files are parsed.
    pub records_total: AtomicUsize,
    /// Articles read (or found missing) so far.
    pub texts_done: AtomicUsize,
    /// Set to stop early: the call then returns an error saying it was cancelled.
    pub cancel: AtomicBool,
}

/// How often (in texts read) `notify` is called.
pub const NOTIFY_EVERY: usize = 256;

/// Opens record files (see the module doc) with the default options.
pub fn open_analysis_files(files: &[PathBuf], edits: &AliasEdits) -> anyhow::Result<PrebuiltCorpus> {
    open_analysis_files_with(files, edits, &PrebuiltOptions::default())
}

/// Opens record files (see the module doc).
pub fn open_analysis_files_with(
    files: &[PathBuf],
    edits: &AliasEdits,
    options: &PrebuiltOptions,
) -> anyhow::Result<PrebuiltCorpus> {
    let parsed: Vec<anyhow::Result<(Vec<SourcedRecord>, Vec<BadRecord>)>> = files
        .par_iter()
        .enumerate()
        .map(|(source, path)| {
            let reader = open_record_file(path)?;
            read_records(source, reader).with_context(|| format!("cannot read {}", path.display()))
        })
        .collect();
    let mut records = Vec::new();
    let mut bad_records = Vec::new();
    for p in parsed {
        let (r, b) = p?;
        records.extend(r);
        bad_records.extend(b);
    }
    let records = sort_unique(records, &mut bad_records);
    let progress = &options.progress;
    progress.records_total.store(records.len(), Ordering::Relaxed);
    let notify = || {
        if let Some(n) = &options.corpus.notify {
            n();
        }
    };
    notify();

    let dirs: Vec<Option<PathBuf>> = files.iter().map(|f| f.parent().map(Path::to_path_buf)).collect();
    let filled: Vec<(Document, DocumentAnalysis, Option<String>)> = records
        .into_par_iter()
        .map(|r| {
            let dir = dirs.get(r.source).and_then(|d| d.as_deref());
            let (mut doc, mut analysis) = document_from_record(r.record);
            if progress.cancel.load(Ordering::Relaxed) {
                return (doc, analysis, None);
            }
            let missing = fill_text(&mut doc, &mut analysis, dir, options).err();
            if (progress.texts_done.fetch_add(1, Ordering::Relaxed) + 1).is_multiple_of(NOTIFY_EVERY) {
                notify();
            }
            (doc, analysis, missing)
        })
        .collect();
    if progress.cancel.load(Ordering::Relaxed) {
        anyhow::bail!("cancelled");
    }
    notify();
    let mut docs = Vec::with_capacity(filled.len());
    let mut analyses = Vec::with_capacity(filled.len());
    let mut texts_missing = Vec::new();
    for (doc, analysis, missing) in filled {
        if let Some(reason) = missing {
            texts_missing.push((doc.rel_path.clone(), reason));
        }
        docs.push(doc);
        analyses.push(analysis);
    }
    let corpus = AnalyzedCorpus::build(docs, analyses, edits);
    Ok(PrebuiltCorpus { corpus, bad_records, texts_missing })
}

/// Opens a record file, through a gzip decoder when its name ends in `.gz` or it starts with
/// the gzip magic bytes.
fn open_record_file(path: &Path) -> anyhow::Result<Box<dyn BufRead + Send>> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut reader = BufReader::new(file);
    let named_gz = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("gz"));
    let magic = reader.fill_buf().with_context(|| format!("cannot read {}", path.display()))?;
    if named_gz || magic.starts_with(&[0x1f, 0x8b]) {
        Ok(Box::new(BufReader::new(MultiGzDecoder::new(reader))))
    } else {
        Ok(Box::new(reader))
    }
}

/// The places a record path is looked for, in order (see the module doc).
pub fn candidate_paths(record_path: &str, record_dir: Option<&Path>, bases: &[PathBuf]) -> Vec<PathBuf> {
    let p = Path::new(record_path);
    if p.is_absolute() {
        return vec![p.to_path_buf()];
    }
    let mut out: Vec<PathBuf> = bases.iter().map(|b| b.join(p)).collect();
    if let Some(d) = record_dir.filter(|d| !d.as_os_str().is_empty()) {
        out.push(d.join(p));
    }
    out.push(p.to_path_buf());
    let mut seen = HashSet::new();
    out.retain(|c| seen.insert(c.clone()));
    out
}

/// Reads the article of a record, checks it against the analysis and, when it matches, puts
/// text, title, encoding, … into `doc`, recomputes the sentences and the inferred date's
/// evidence. The error is the reason the text is missing.
fn fill_text(
    doc: &mut Document,
    analysis: &mut DocumentAnalysis,
    record_dir: Option<&Path>,
    options: &PrebuiltOptions,
) -> Result<(), String> {
    let candidates = candidate_paths(&doc.rel_path, record_dir, &options.bases);
    let found =
        candidates.iter().find_map(|c| std::fs::metadata(c).ok().filter(|m| m.is_file()).map(|m| (c, m)));
    let Some((path, meta)) = found else {
        let looked: Vec<String> = candidates.iter().map(|c| c.display().to_string()).collect();
        return Err(format!("not found (looked for {})", looked.join(", ")));
    };
    let path = std::path::absolute(path).unwrap_or_else(|_| path.clone());
    let entry =
        FileEntry { path, rel_path: doc.rel_path.clone(), bytes: meta.len(), modified: meta.modified().ok() };
    let loaded = load_file(&entry, &options.corpus).map_err(|p| p.reason)?;
    check_text(&loaded, doc, analysis).map_err(|why| format!("changed since it was analysed: {why}"))?;
    let fresh = sentences(&loaded.text);
    if analysis.sentences.iter().all(|s| fresh.binary_search_by(|f| cmp_range(f, s)).is_ok()) {
        analysis.sentences = fresh;
    }
    if let Some(recorded) = &analysis.published_inferred
        && loaded.published.is_none()
        && let Some(inferred) = infer_publication_date(&loaded.text)
        && inferred.date == recorded.date
    {
        analysis.published_inferred = Some(inferred);
    }
    *doc = loaded;
    Ok(())
}

fn cmp_range(a: &std::ops::Range<usize>, b: &std::ops::Range<usize>) -> std::cmp::Ordering {
    a.start.cmp(&b.start).then(a.end.cmp(&b.end))
}

/// Whether a loaded article is still the one the record was made of (see the module doc).
fn check_text(loaded: &Document, recorded: &Document, analysis: &DocumentAnalysis) -> Result<(), String> {
    if loaded.published != recorded.published {
        let show = |d: Option<chrono::NaiveDate>| d.map_or_else(|| "none".to_string(), |d| d.to_string());
        return Err(format!(
            "header date {}, the record has {}",
            show(loaded.published),
            show(recorded.published)
        ));
    }
    let chars: Vec<char> = loaded.text.chars().collect();
    let spans = analysis
        .entities
        .iter()
        .map(|m| ("mention", m.start, m.end, m.text.as_str()))
        .chain(analysis.times.iter().map(|t| ("time expression", t.start, t.end, t.text.as_ref())));
    for (what, start, end, text) in spans {
        let Some(actual) = chars.get(start..end) else {
            return Err(format!(
                "{what} \"{text}\" at {start}..{end} is outside the text ({} characters)",
                chars.len()
            ));
        };
        if !actual.iter().copied().eq(text.chars()) {
            let actual: String = actual.iter().collect();
            return Err(format!("{what} \"{text}\" at {start}..{end} reads \"{actual}\""));
        }
    }
    if let Some(s) = analysis.sentences.iter().find(|s| s.start > s.end || s.end > chars.len()) {
        return Err(format!(
            "event sentence {}..{} is outside the text ({} characters)",
            s.start,
            s.end,
            chars.len()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{FileReader, FsReader};
    use crate::extract::EntityType::*;
    use crate::index::model::tests::doc_with;
    use crate::index::output::document_record;
    use std::io::Write as _;

    const A: &str = "التقى جون سميث ماري جونز في باريس أمس. ثم عاد سميث.";
    const B: &str = "زار سميث لندن.\nوفي اليوم التالي عاد.";

    /// The records (one JSONL line each) of two documents whose texts are A and B.
    fn records(a_path: &str, b_path: &str) -> (AnalyzedCorpus, String) {
        let (d0, a0) = doc_with(
            a_path,
            A,
            &[("جون سميث", Person), ("ماري جونز", Person), ("باريس", Location), ("سميث.", Person)],
            &[("أمس", "2024-05-01")],
        );
        let (d1, a1) = doc_with(b_path, B, &[("سميث", Person), ("لندن", Location)], &[]);
        let whole = AnalyzedCorpus::build(vec![d0, d1], vec![a0, a1], &AliasEdits::new());
        let mut out = String::new();
        for d in &whole.documents {
            out.push_str(&serde_json::to_string(&document_record(d)).unwrap());
            out.push('\n');
        }
        (whole, out)
    }

    /// A folder with the two articles (a.txt, sub/b.txt) and their records in shard.jsonl.
    fn folder() -> (tempfile::TempDir, AnalyzedCorpus, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("sub")).unwrap();
        std::fs::write(tmp.path().join("a.txt"), A).unwrap();
        std::fs::write(tmp.path().join("sub/b.txt"), B).unwrap();
        let (whole, jsonl) = records("a.txt", "sub/b.txt");
        let shard = tmp.path().join("shard.jsonl");
        std::fs::write(&shard, jsonl).unwrap();
        (tmp, whole, shard)
    }

    fn assert_same(whole: &AnalyzedCorpus, got: &AnalyzedCorpus) {
        assert_eq!(got.entities, whole.entities);
        assert_eq!(got.events, whole.events);
        assert_eq!(got.sentence_total, whole.sentence_total);
        assert_eq!(got.documents.len(), whole.documents.len());
        for (g, w) in got.documents.iter().zip(&whole.documents) {
            assert_eq!(g.doc.rel_path, w.doc.rel_path);
            assert_eq!(g.doc.text, w.doc.text);
            assert_eq!(g.analysis, w.analysis);
            assert_eq!(g.entity_ids, w.entity_ids);
        }
    }

    #[test]
    fn records_with_existing_files_get_their_text_and_full_analysis() {
        let (tmp, whole, shard) = folder();
        let got = open_analysis_files(&[shard], &AliasEdits::new()).unwrap();
        assert!(got.texts_missing.is_empty(), "{:?}", got.texts_missing);
        assert!(got.bad_records.is_empty());
        assert_same(&whole, &got.corpus);
        let b = &got.corpus.documents[1].doc;
        assert_eq!((b.title.as_str(), b.encoding), ("زار سميث لندن.", "UTF-8"));
        assert_eq!(b.path, tmp.path().join("sub/b.txt"));
        assert!(b.path.is_absolute());
        // b's sentence without a date is known again (records list event sentences only)
        assert_eq!(got.corpus.documents[1].analysis.sentences.len(), 2);
    }

    #[test]
    fn a_changed_file_keeps_its_analysis_without_text_and_is_listed() {
        let (tmp, whole, shard) = folder();
        std::fs::write(tmp.path().join("a.txt"), format!("وقال {A}")).unwrap();
        let got = open_analysis_files(&[shard], &AliasEdits::new()).unwrap();
        assert_eq!(got.texts_missing.len(), 1, "{:?}", got.texts_missing);
        let (path, reason) = &got.texts_missing[0];
        assert_eq!(path, "a.txt");
        assert!(
            reason.starts_with("changed since it was analysed: mention \"جون سميث\" at 6..14"),
            "{reason}"
        );
        let a = &got.corpus.documents[0];
        assert!(a.doc.text.is_empty());
        assert_eq!(a.analysis.entities, whole.documents[0].analysis.entities);
        assert_eq!(got.corpus.entities.len(), whole.entities.len());
        assert_eq!(got.corpus.events, whole.events);
        assert_eq!(got.corpus.documents[1].doc.text.as_ref(), B);
    }

    #[test]
    fn a_shortened_file_or_a_new_header_date_is_a_change() {
        let (tmp, _, shard) = folder();
        std::fs::write(tmp.path().join("a.txt"), "التقى").unwrap();
        std::fs::write(tmp.path().join("sub/b.txt"), format!("date 2024-01-01\n{B}")).unwrap();
        let got = open_analysis_files(&[shard], &AliasEdits::new()).unwrap();
        let reasons: Vec<&str> = got.texts_missing.iter().map(|(_, r)| r.as_str()).collect();
        assert_eq!(reasons.len(), 2);
        assert!(reasons[0].contains("is outside the text (5 characters)"), "{}", reasons[0]);
        assert!(reasons[1].contains("header date 2024-01-01, the record has none"), "{}", reasons[1]);
    }

    #[test]
    fn a_missing_file_is_listed_with_where_it_was_looked_for() {
        let (tmp, _, shard) = folder();
        std::fs::remove_file(tmp.path().join("sub/b.txt")).unwrap();
        let got = open_analysis_files(&[shard], &AliasEdits::new()).unwrap();
        assert_eq!(got.texts_missing.len(), 1);
        let (path, reason) = &got.texts_missing[0];
        assert_eq!(path, "sub/b.txt");
        assert!(reason.starts_with("not found (looked for "), "{reason}");
        assert!(reason.contains(&tmp.path().join("sub/b.txt").display().to_string()), "{reason}");
        assert_eq!(got.corpus.documents.len(), 2);
        assert_eq!(got.corpus.documents[0].doc.text.as_ref(), A);
    }

    #[test]
    fn an_unreadable_file_is_listed_through_the_reader_seam() {
        #[derive(Debug)]
        struct Denied;
        impl FileReader for Denied {
            fn read(&self, path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
                if path.ends_with("a.txt") {
                    Err(std::io::ErrorKind::PermissionDenied.into())
                } else {
                    FsReader.read(path, max)
                }
            }
        }
        let (_tmp, _, shard) = folder();
        let options = PrebuiltOptions {
            corpus: CorpusOptions::default().with_reader(Arc::new(Denied)),
            ..Default::default()
        };
        let got = open_analysis_files_with(&[shard], &AliasEdits::new(), &options).unwrap();
        assert_eq!(got.texts_missing, [("a.txt".to_string(), "unreadable: permission denied".to_string())]);
    }

    #[test]
    fn relative_paths_resolve_against_bases_then_the_record_folder_then_the_current_folder() {
        // cargo runs unit tests in the package root, where this fixture is
        let fixture = "tests/fixtures/corpus/no-header-headline.txt";
        let text = std::fs::read_to_string(fixture).unwrap();
        let word: String = text.split_whitespace().nth(1).unwrap().to_string();
        let (d, a) = doc_with(fixture, &text, &[(word.as_str(), Misc)], &[]);
        let (d2, a2) = doc_with("x.txt", "خبر عن لندن.", &[("لندن", Location)], &[]);
        let whole = AnalyzedCorpus::build(vec![d, d2], vec![a, a2], &AliasEdits::new());
        let tmp = tempfile::tempdir().unwrap();
        let shards = tmp.path().join("shards");
        std::fs::create_dir_all(&shards).unwrap();
        let line = |i: usize| serde_json::to_string(&document_record(&whole.documents[i])).unwrap();
        std::fs::write(shards.join("s.jsonl"), format!("{}\n{}\n", line(0), line(1))).unwrap();
        std::fs::write(shards.join("x.txt"), "خبر عن لندن.").unwrap();
        let files = [shards.join("s.jsonl")];
        let got = open_analysis_files(&files, &AliasEdits::new()).unwrap();
        assert!(got.texts_missing.is_empty(), "{:?}", got.texts_missing);
        assert_same(&whole, &got.corpus);
        assert_eq!(got.corpus.documents[1].doc.path, shards.join("x.txt"));
        // a base is tried first: the same name there, with another text, is a change
        let base = tmp.path().join("base");
        std::fs::create_dir_all(&base).unwrap();
        std::fs::write(base.join("x.txt"), "نص آخر تماما.").unwrap();
        let options = PrebuiltOptions { bases: vec![base.clone()], ..Default::default() };
        let got = open_analysis_files_with(&files, &AliasEdits::new(), &options).unwrap();
        assert_eq!(got.texts_missing.len(), 1);
        assert!(got.texts_missing[0].1.starts_with("changed"), "{:?}", got.texts_missing);
        assert_eq!(
            candidate_paths("x.txt", Some(&shards), std::slice::from_ref(&base)),
            [base.join("x.txt"), shards.join("x.txt"), PathBuf::from("x.txt")]
        );
        assert_eq!(candidate_paths("/abs/x.txt", Some(&shards), &[base]), [PathBuf::from("/abs/x.txt")]);
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(bytes).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn gzip_record_files_are_read_by_name_or_magic_bytes() {
        let (tmp, whole, shard) = folder();
        let lines = std::fs::read_to_string(&shard).unwrap();
        let (first, second) = lines.split_once('\n').unwrap();
        let gz = tmp.path().join("one.jsonl.gz");
        std::fs::write(&gz, gzip(format!("{first}\n").as_bytes())).unwrap();
        let unnamed = tmp.path().join("two.jsonl");
        std::fs::write(&unnamed, gzip(second.as_bytes())).unwrap();
        let got = open_analysis_files(&[gz, unnamed], &AliasEdits::new()).unwrap();
        assert!(got.texts_missing.is_empty() && got.bad_records.is_empty());
        assert_same(&whole, &got.corpus);
    }

    #[test]
    fn bad_lines_are_reported_and_unreadable_record_files_are_errors() {
        let (tmp, whole, shard) = folder();
        let mut bytes = std::fs::read(&shard).unwrap();
        bytes.extend_from_slice(b"\xff\xfe\n{\"schema\":\"other\"}\n");
        std::fs::write(&shard, &bytes).unwrap();
        let got = open_analysis_files(&[shard.clone(), shard.clone()], &AliasEdits::new()).unwrap();
        assert_same(&whole, &got.corpus);
        let bad: Vec<(usize, usize, &str)> =
            got.bad_records.iter().map(|b| (b.source, b.line, b.reason.as_str())).collect();
        assert_eq!(bad.len(), 6, "{bad:?}");
        assert_eq!((bad[0].0, bad[0].1, bad[0].2), (0, 3, "not UTF-8"));
        assert!(bad[1].2.starts_with("not a document record"), "{bad:?}");
        assert!(bad[4..].iter().all(|b| b.0 == 1 && b.2.starts_with("duplicate record")), "{bad:?}");

        let missing = tmp.path().join("nope.jsonl");
        let err = open_analysis_files(&[missing], &AliasEdits::new()).unwrap_err();
        assert!(format!("{err:#}").contains("nope.jsonl"), "{err:#}");
        let corrupt = tmp.path().join("bad.jsonl.gz");
        std::fs::write(&corrupt, b"\x1f\x8b not really gzip").unwrap();
        let err = open_analysis_files(&[corrupt], &AliasEdits::new()).unwrap_err();
        assert!(format!("{err:#}").contains("bad.jsonl.gz"), "{err:#}");
    }

    #[test]
    fn progress_counts_every_text_and_cancel_stops_the_call() {
        let (_tmp, _, shard) = folder();
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = calls.clone();
        let options = PrebuiltOptions {
            corpus: CorpusOptions::default().with_notify(move || {
                counter.fetch_add(1, Ordering::Relaxed);
            }),
            ..Default::default()
        };
        let got =
            open_analysis_files_with(std::slice::from_ref(&shard), &AliasEdits::new(), &options).unwrap();
        assert_eq!(got.corpus.documents.len(), 2);
        assert_eq!(options.progress.records_total.load(Ordering::Relaxed), 2);
        assert_eq!(options.progress.texts_done.load(Ordering::Relaxed), 2);
        assert!(calls.load(Ordering::Relaxed) >= 2);

        let options = PrebuiltOptions::default();
        options.progress.cancel.store(true, Ordering::Relaxed);
        let err = open_analysis_files_with(&[shard], &AliasEdits::new(), &options).unwrap_err();
        assert_eq!(err.to_string(), "cancelled");
        assert_eq!(options.progress.texts_done.load(Ordering::Relaxed), 0);
    }
}

//! Background work on the analysed corpus, polled by the UI each frame:
//! - the analysis job: once a corpus has loaded, entities and time expressions are extracted on a
//!   background thread through the on-disk analysis cache (unchanged files are not re-analysed;
//!   rayon in parallel, with progress and a prompt cancel), then the corpus model (alias
//!   clustering, events) and the search index are built;
//! - the recluster job: after an alias edit, alias clustering is rerun on the same analyses.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError};

use rayon::prelude::*;

use crate::corpus::Document;
use crate::extract::DocumentAnalysis;
use crate::index::cache::{AnalysisCache, CacheRun, analyze_with_cache};
use crate::index::{AliasEdits, AnalyzedCorpus};

pub use crate::index::findings::CorpusTextFindings;
use crate::index::findings::{CorpusSearch, text_passes, text_passes_cached};

/// With `KHABAR_TRACE_MEMORY` set, prints the resident memory at a stage of the job (stderr).
fn trace_memory(stage: &str) {
    if std::env::var_os("KHABAR_TRACE_MEMORY").is_none() {
        return;
    }
    let mb =
        |field| crate::bench::proc_status_kb(field).map_or("?".to_owned(), |kb| format!("{} MB", kb / 1024));
    let rss = format!("{} (peak so far {})", mb("VmRSS"), mb("VmHWM"));
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    let t = START.get_or_init(std::time::Instant::now).elapsed();
    eprintln!("{:8.3} s  memory at {stage}: {rss}", t.as_secs_f64());
}

/// What a finished job hands back.
pub struct AnalysisResult {
    pub corpus: AnalyzedCorpus,
    pub index: Arc<CorpusSearch>,
    /// None from a recluster (unchanged).
    pub findings: Option<Arc<CorpusTextFindings>>,
    /// Copies of one story (from the findings; None from a recluster: unchanged).
    pub stories: Option<super::stories::Stories>,
    /// Documents in listing order with inferred dates counted (None from a recluster).
    pub listing_order: Option<Vec<usize>>,
    /// The timeline of the corpus.
    pub timeline: Arc<super::timeline::TimelineModel>,
    /// Documents whose analysis came from the cache / were analysed now.
    pub cache_hits: usize,
    pub analysed: usize,
    /// Why the cache file was rebuilt (corrupt, old version), or why it could not be saved.
    pub cache_note: Option<String>,
}

/// What polling the job gives.
pub enum AnalysisPoll {
    Running,
    Done(Box<AnalysisResult>),
    /// Prebuilt analysis files opened: the corpus, and problems for the error list.
    Prebuilt(Box<AnalysisResult>, Vec<crate::corpus::FileProblem>, Vec<Document>),
    /// The job could not finish, with the reason.
    Failed(String),
    /// The thread ended without a result (it panicked, or was cancelled).
    Died,
}

/// What a job is doing (for the status bar).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobKind {
    Analysis,
    Recluster,
    /// Opening prebuilt analysis files.
    Prebuilt,
}

/// Where a job's result arrives.
enum ResultChannel {
    Plain(Receiver<AnalysisResult>),
    /// The prebuilt corpus with the problems to list, or why it could not be opened; and the
    /// progress counters.
    Prebuilt(Receiver<PrebuiltOutcome>, Arc<crate::index::prebuilt::PrebuiltProgress>),
}

/// The result of opening prebuilt analysis files.
type PrebuiltOutcome = Result<(AnalysisResult, Vec<crate::corpus::FileProblem>, Vec<Document>), String>;

/// A running analysis or recluster.
pub struct AnalysisJob {
    kind: JobKind,
    done: Arc<AtomicUsize>,
    total: usize,
    cancel: Arc<AtomicBool>,
    result: ResultChannel,
}

impl AnalysisJob {
    /// Starts analysing `documents` (indices in the result = indices in `documents`), using the
    /// analysis cache of the corpus opened from `roots` (none: no cache).
    pub fn start(
        shared: Arc<Vec<Document>>,
        roots: Option<Vec<PathBuf>>,
        edits: AliasEdits,
        reader: Arc<dyn crate::corpus::FileReader>,
        notify: impl Fn() + Send + Sync + 'static,
    ) -> Option<Self> {
        let total = shared.len();
        let done = Arc::new(AtomicUsize::new(0));
        let cancel = Arc::new(AtomicBool::new(false));
        let (tx, rx) = std::sync::mpsc::channel();
        let (done2, cancel2) = (done.clone(), cancel.clone());
        std::thread::Builder::new()
            .name("khabar-analysis".into())
            .spawn(move || {
                // The copy the corpus model owns, made here rather than on the UI thread.
                let documents: Vec<Document> = (*shared).clone();
                let mut cache = match &roots {
                    Some(r) => AnalysisCache::for_corpus(r),
                    None => AnalysisCache::open(&std::env::temp_dir().join("khabar-no-cache.bin")),
                };
                let progress = |d: usize, _t: usize| {
                    done2.store(d, Ordering::Relaxed);
                    if d.is_multiple_of(64) {
                        notify();
                    }
                };
                let run = CacheRun { progress: Some(&progress), cancel: Some(&cancel2) };
                trace_memory("start");
                let text_of = |i: usize| documents.get(i).and_then(|d| d.text_through(reader.as_ref()));
                let mut analyses = analyze_with_cache(&documents, text_of, &mut cache, &run);
                trace_memory("analysed");
                if analyses.cancelled {
                    return;
                }
                let mut cache_note = analyses.status.clone();
                if roots.is_some() {
                    cache.prune_unused();
                    if let Err(e) = cache.save() {
                        cache_note = Some(format!("Could not save the analysis cache: {e}"));
                    }
                }
                drop(cache);
                crate::memory::release_free_memory();
                trace_memory("cache saved and dropped");
                // Boilerplate: learned over the corpus; its mentions and times are dropped (the
                // cached analyses stay whole, so a grown corpus can re-learn it).
                let (findings, index) = match &roots {
                    Some(r) => {
                        let path = crate::index::findings::findings_path_for(r);
                        let (findings, index, note) = text_passes_cached(&documents, reader.as_ref(), &path);
                        cache_note = cache_note.or(note);
                        (findings, index)
                    }
                    None => text_passes(&documents, reader.as_ref()),
                };
                for (a, ranges) in analyses.analyses.iter_mut().zip(&findings.boilerplate) {
                    drop_inside(a, ranges);
                }
                crate::memory::release_free_memory();
                trace_memory("boilerplate, duplicates and search index");
                let corpus = AnalyzedCorpus::build(documents, analyses.analyses, &edits);
                trace_memory("corpus model");
                let index = Arc::new(index);
                let stories = super::stories::Stories::new(corpus.documents.len(), &findings.duplicates);
                let timeline = Arc::new(super::timeline::TimelineModel::from_corpus(&corpus));
                crate::memory::release_free_memory();
                trace_memory("timeline");
                let listing_order = Some(listing_order(&corpus));
                let result = AnalysisResult {
                    listing_order,
                    corpus,
                    index,
                    stories: Some(stories),
                    timeline,
                    findings: Some(Arc::new(findings)),
                    cache_hits: analyses.hits,
                    analysed: analyses.analysed,
                    cache_note,
                };
                tx.send(result).ok();
                notify();
            })
            .ok()?;
        Some(Self { kind: JobKind::Analysis, done, total, cancel, result: ResultChannel::Plain(rx) })
    }

    /// Opens prebuilt analysis record files (`khabar analyze --format jsonl` of each shard),
    /// reading the articles' texts back (see `index::prebuilt`).
    pub fn prebuilt(
        files: Vec<PathBuf>,
        edits: AliasEdits,
        notify: impl Fn() + Send + Sync + 'static,
    ) -> Option<Self> {
        let progress = Arc::new(crate::index::prebuilt::PrebuiltProgress::default());
        let done = Arc::new(AtomicUsize::new(0));
        let cancel = Arc::new(AtomicBool::new(false));
        let (tx, rx) = std::sync::mpsc::channel();
        let (done2, cancel2, progress2) = (done.clone(), cancel.clone(), progress.clone());
        let notify = Arc::new(notify);
        std::thread::Builder::new()
            .name("khabar-prebuilt".into())
            .spawn(move || {
                let watch = {
                    let (progress, done, cancel, notify) =
                        (progress2.clone(), done2.clone(), cancel2.clone(), notify.clone());
                    move || {
                        done.store(progress.texts_done.load(Ordering::Relaxed), Ordering::Relaxed);
                        if cancel.load(Ordering::Relaxed) {
                            progress.cancel.store(true, Ordering::Relaxed);
                        }
                        notify();
                    }
                };
                let options = crate::index::prebuilt::PrebuiltOptions {
                    corpus: crate::corpus::CorpusOptions::default().with_notify(watch),
                    progress: progress2,
                    ..Default::default()
                };
                let outcome = crate::index::prebuilt::open_analysis_files_with(&files, &edits, &options);
                let result = outcome.map(|mut prebuilt| {
                    // The texts were checked against the records; like an opened folder, the
                    // app reads them again when they are shown.
                    for d in &mut prebuilt.corpus.documents {
                        d.doc.release_text();
                    }
                    let docs: Vec<Document> =
                        prebuilt.corpus.documents.iter().map(|d| d.doc.clone()).collect();
                    let (findings, index) = text_passes(&docs, &crate::corpus::FsReader);
                    drop(docs);
                    let index = Arc::new(index);
                    let stories =
                        super::stories::Stories::new(prebuilt.corpus.documents.len(), &findings.duplicates);
                    let timeline = Arc::new(super::timeline::TimelineModel::from_corpus(&prebuilt.corpus));
                    let listing_order = Some(listing_order(&prebuilt.corpus));
                    let mut problems: Vec<crate::corpus::FileProblem> = prebuilt
                        .texts_missing
                        .iter()
                        .map(|(path, why)| {
                            crate::corpus::FileProblem::new(
                                path,
                                path.clone(),
                                format!("text not shown: {why}"),
                            )
                        })
                        .collect();
                    for bad in &prebuilt.bad_records {
                        let file = files.get(bad.source).map(|f| f.display().to_string()).unwrap_or_default();
                        problems.push(crate::corpus::FileProblem::new(
                            &file,
                            format!("{file}:{}", bad.line),
                            format!("record not used: {}", bad.reason),
                        ));
                    }
                    let documents: Vec<Document> =
                        prebuilt.corpus.documents.iter().map(|d| d.doc.clone()).collect();
                    (
                        AnalysisResult {
                            listing_order,
                            corpus: prebuilt.corpus,
                            index,
                            stories: Some(stories),
                            timeline,
                            findings: Some(Arc::new(findings)),
                            cache_hits: 0,
                            analysed: 0,
                            cache_note: None,
                        },
                        problems,
                        documents,
                    )
                });
                tx.send(result.map_err(|e| format!("{e:#}"))).ok();
                notify();
            })
            .ok()?;
        Some(Self {
            kind: JobKind::Prebuilt,
            done,
            total: usize::MAX,
            cancel,
            result: ResultChannel::Prebuilt(rx, progress),
        })
    }

    /// Reruns alias clustering of `corpus` with `edits` (after an alias edit or undo).
    pub fn recluster(
        mut corpus: AnalyzedCorpus,
        index: Arc<CorpusSearch>,
        edits: AliasEdits,
        notify: impl Fn() + Send + 'static,
    ) -> Option<Self> {
        let total = corpus.documents.len();
        let done = Arc::new(AtomicUsize::new(0));
        let cancel = Arc::new(AtomicBool::new(false));
        let (tx, rx) = std::sync::mpsc::channel();
        let done2 = done.clone();
        std::thread::Builder::new()
            .name("khabar-recluster".into())
            .spawn(move || {
                corpus.recluster(&edits);
                done2.store(total, Ordering::Relaxed);
                let timeline = Arc::new(super::timeline::TimelineModel::from_corpus(&corpus));
                let result = AnalysisResult {
                    listing_order: None,
                    corpus,
                    index,
                    findings: None,
                    stories: None,
                    timeline,
                    cache_hits: 0,
                    analysed: 0,
                    cache_note: None,
                };
                tx.send(result).ok();
                notify();
            })
            .ok()?;
        Some(Self { kind: JobKind::Recluster, done, total, cancel, result: ResultChannel::Plain(rx) })
    }

    /// What the job does.
    pub fn kind(&self) -> JobKind {
        self.kind
    }

    /// (documents analysed, total).
    pub fn progress(&self) -> (usize, usize) {
        let total = match &self.result {
            ResultChannel::Prebuilt(_, p) => p.records_total.load(Ordering::Relaxed),
            ResultChannel::Plain(_) => self.total,
        };
        (self.done.load(Ordering::Relaxed).min(total), total)
    }

    /// Asks the job to stop (the result is then never delivered).
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// The finished result, once.
    pub fn try_take(&self) -> AnalysisPoll {
        match &self.result {
            ResultChannel::Plain(rx) => match rx.try_recv() {
                Ok(result) => AnalysisPoll::Done(Box::new(result)),
                Err(TryRecvError::Empty) => AnalysisPoll::Running,
                Err(TryRecvError::Disconnected) => AnalysisPoll::Died,
            },
            ResultChannel::Prebuilt(rx, _) => match rx.try_recv() {
                Ok(Ok((result, problems, documents))) => {
                    AnalysisPoll::Prebuilt(Box::new(result), problems, documents)
                }
                Ok(Err(why)) => AnalysisPoll::Failed(why),
                Err(TryRecvError::Empty) => AnalysisPoll::Running,
                Err(TryRecvError::Disconnected) => AnalysisPoll::Died,
            },
        }
    }
}

impl Drop for AnalysisJob {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

/// The documents in listing order — newest first, undated last — with the publication date
/// inferred from the text standing in for a missing header date.
fn listing_order(corpus: &AnalyzedCorpus) -> Vec<usize> {
    let date = |d: &crate::index::AnalyzedDocument| {
        d.doc.published.or(d.analysis.published_inferred.as_ref().map(|i| i.date))
    };
    let mut order: Vec<usize> = (0..corpus.documents.len()).collect();
    order.par_sort_by(|&a, &b| match (corpus.documents.get(a), corpus.documents.get(b)) {
        (Some(x), Some(y)) => crate::corpus::compare_dated_for_listing(
            (date(x), x.doc.rel_path.as_str()),
            (date(y), y.doc.rel_path.as_str()),
        ),
        _ => std::cmp::Ordering::Equal,
    });
    order
}

/// Drops the mentions and time expressions that lie inside `ranges` (sorted, disjoint).
fn drop_inside(analysis: &mut DocumentAnalysis, ranges: &[std::ops::Range<usize>]) {
    if ranges.is_empty() {
        return;
    }
    let inside = |start: usize, end: usize| {
        let i = ranges.partition_point(|r| r.end <= start);
        ranges.get(i).is_some_and(|r| r.start <= start && end <= r.end)
    };
    analysis.entities.retain(|m| !inside(m.start, m.end));
    analysis.times.retain(|t| !inside(t.start, t.end));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_inside_boilerplate_lines_are_dropped_and_others_kept() {
        let mut a = DocumentAnalysis::default();
        for (start, end) in [(0, 4), (10, 14), (20, 30)] {
            a.entities.push(crate::extract::EntityMention {
                start,
                end,
                text: "".into(),
                kind: crate::extract::EntityType::Person,
            });
        }
        drop_inside(&mut a, &[8..16, 25..40]);
        let kept: Vec<(usize, usize)> = a.entities.iter().map(|m| (m.start, m.end)).collect();
        assert_eq!(kept, vec![(0, 4), (20, 30)]);
    }
}

//! The analysis job: once a corpus has loaded, entities and time expressions are extracted on a
//! background thread (rayon, in chunks so progress can be shown and cancel is prompt), then the
//! corpus model (alias clustering, events) and the search index are built. The UI polls it each frame.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError};

use rayon::prelude::*;

use crate::corpus::Document;
use crate::extract::{DocumentAnalysis, analyze_document};
use crate::index::search::SearchIndex;
use crate::index::{AliasEdits, AnalyzedCorpus};

/// Documents analysed per progress step.
const CHUNK: usize = 256;

/// What polling the job gives.
pub enum AnalysisPoll {
    Running,
    Done(Box<AnalyzedCorpus>, Box<SearchIndex>),
    /// The thread ended without a result (it panicked).
    Died,
}

/// A running analysis.
pub struct AnalysisJob {
    done: Arc<AtomicUsize>,
    total: usize,
    cancel: Arc<AtomicBool>,
    result: Receiver<(AnalyzedCorpus, SearchIndex)>,
}

impl AnalysisJob {
    /// Starts analysing `documents` (indices in the result = indices in `documents`).
    pub fn start(
        documents: Vec<Document>,
        edits: AliasEdits,
        notify: impl Fn() + Send + 'static,
    ) -> Option<Self> {
        let total = documents.len();
        let done = Arc::new(AtomicUsize::new(0));
        let cancel = Arc::new(AtomicBool::new(false));
        let (tx, rx) = std::sync::mpsc::channel();
        let (done2, cancel2) = (done.clone(), cancel.clone());
        std::thread::Builder::new()
            .name("khabar-analysis".into())
            .spawn(move || {
                let mut analyses: Vec<DocumentAnalysis> = Vec::with_capacity(documents.len());
                for chunk in documents.chunks(CHUNK) {
                    if cancel2.load(Ordering::Relaxed) {
                        return;
                    }
                    let part: Vec<DocumentAnalysis> =
                        chunk.par_iter().map(|d| analyze_document(&d.text, d.published)).collect();
                    analyses.extend(part);
                    done2.fetch_add(chunk.len(), Ordering::Relaxed);
                    notify();
                }
                let corpus = AnalyzedCorpus::build(documents, analyses, &edits);
                let texts: Vec<&str> = corpus.documents.iter().map(|d| d.doc.text.as_str()).collect();
                let index = SearchIndex::build(&texts);
                tx.send((corpus, index)).ok();
                notify();
            })
            .ok()?;
        Some(Self { done, total, cancel, result: rx })
    }

    /// (documents analysed, total).
    pub fn progress(&self) -> (usize, usize) {
        (self.done.load(Ordering::Relaxed).min(self.total), self.total)
    }

    /// The finished corpus model and search index, once.
    pub fn try_take(&self) -> AnalysisPoll {
        match self.result.try_recv() {
            Ok((corpus, index)) => AnalysisPoll::Done(Box::new(corpus), Box::new(index)),
            Err(TryRecvError::Empty) => AnalysisPoll::Running,
            Err(TryRecvError::Disconnected) => AnalysisPoll::Died,
        }
    }
}

impl Drop for AnalysisJob {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

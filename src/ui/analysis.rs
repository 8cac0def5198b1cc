//! The analysis job: once a corpus has loaded, entities and time expressions are extracted on a
//! background thread (rayon, in chunks so progress can be shown and cancel is prompt), then the
//! corpus model (alias clustering, events) is built. The UI polls it each frame.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError};

use rayon::prelude::*;

use crate::corpus::Document;
use crate::extract::{DocumentAnalysis, analyze_document};
use crate::index::{AliasEdits, AnalyzedCorpus};

/// Documents analysed per progress step.
const CHUNK: usize = 256;

/// A running analysis.
pub struct AnalysisJob {
    done: Arc<AtomicUsize>,
    total: usize,
    cancel: Arc<AtomicBool>,
    result: Receiver<AnalyzedCorpus>,
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
                tx.send(corpus).ok();
                notify();
            })
            .ok()?;
        Some(Self { done, total, cancel, result: rx })
    }

    /// (documents analysed, total).
    pub fn progress(&self) -> (usize, usize) {
        (self.done.load(Ordering::Relaxed).min(self.total), self.total)
    }

    /// The finished corpus model, once; `Err(())` when the job died.
    pub fn try_take(&self) -> Result<Option<AnalyzedCorpus>, ()> {
        match self.result.try_recv() {
            Ok(c) => Ok(Some(c)),
            Err(TryRecvError::Empty) => Ok(None),
            Err(TryRecvError::Disconnected) => Err(()),
        }
    }
}

impl Drop for AnalysisJob {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

//! The open corpus as the UI sees it: documents arriving from the background loading job
//! (shown as they load), problems, progress, and the sorted order (newest first, undated
//! last). Polled once per frame; never blocks the UI thread.

use std::path::PathBuf;
use std::time::Instant;

use crate::corpus::{self, Document, FileProblem};

use super::status::Progress;

/// Re-sort at most this often while documents stream in.
const RESORT_INTERVAL_MS: u128 = 150;

/// A file the folder watcher reported as added or changed, read: its document, or why it
/// cannot be loaded now.
pub struct ChangedFile {
    pub path: PathBuf,
    pub loaded: Result<Document, FileProblem>,
}

/// Reads the added or changed files of a watcher batch (blocking I/O: call it off the UI
/// thread). Paths that are no longer files are skipped.
pub fn read_changed_files(
    roots: &[PathBuf],
    changes: &corpus::watch::Changes,
    options: &corpus::CorpusOptions,
) -> Vec<ChangedFile> {
    changes
        .added_or_modified
        .iter()
        .filter_map(|path| {
            let meta = std::fs::metadata(path).ok().filter(|m| m.is_file())?;
            let entry = corpus::FileEntry {
                path: path.clone(),
                rel_path: rel_path_of(roots, path),
                bytes: meta.len(),
                modified: meta.modified().ok(),
            };
            Some(ChangedFile { path: path.clone(), loaded: corpus::load::load_file(&entry, options) })
        })
        .collect()
}

/// What a batch of folder changes did to the corpus.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ChangeSummary {
    pub added: usize,
    pub modified: usize,
    pub removed: usize,
    /// Files that changed and can no longer be loaded (now in the error list).
    pub failed: usize,
}

impl ChangeSummary {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// "2 added, 1 changed, 1 removed".
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        for (n, what) in [
            (self.added, "added"),
            (self.modified, "changed"),
            (self.removed, "removed"),
            (self.failed, "could not be read"),
        ] {
            if n > 0 {
                parts.push(format!("{n} {what}"));
            }
        }
        parts.join(", ")
    }
}

/// The corpus currently open in the app.
#[derive(Default)]
pub struct OpenCorpus {
    roots: Vec<PathBuf>,
    is_samples: bool,
    /// Shared with the analysis job (which takes it once loading is done, without copying on
    /// the UI thread); changed through `Arc::make_mut`.
    documents: std::sync::Arc<Vec<Document>>,
    problems: Vec<FileProblem>,
    ignored: usize,
    sorted: Vec<usize>,
    sorted_len: usize,
    last_sort: Option<Instant>,
    job: Option<corpus::LoadJob>,
    /// Documents come from another job (prebuilt analysis files) and have not arrived yet.
    external_loading: bool,
    progress: Progress,
    started: Option<Instant>,
    /// Time from opening to the first document shown, and to everything loaded.
    pub first_document_after: Option<std::time::Duration>,
    pub all_loaded_after: Option<std::time::Duration>,
}

impl OpenCorpus {
    /// Starts loading `roots` in the background.
    pub fn open(roots: Vec<PathBuf>, is_samples: bool, options: corpus::CorpusOptions) -> Self {
        let job = corpus::LoadJob::start(roots.clone(), options);
        Self { roots, is_samples, job: Some(job), started: Some(Instant::now()), ..Default::default() }
    }

    /// A corpus whose documents arrive from elsewhere (prebuilt analysis files): loading until
    /// [`Self::set_documents`].
    pub fn external(roots: Vec<PathBuf>) -> Self {
        Self { roots, external_loading: true, started: Some(Instant::now()), ..Default::default() }
    }

    /// Sets the documents of an [`Self::external`] corpus, with the problems to list.
    pub fn set_documents(&mut self, documents: Vec<Document>, problems: Vec<FileProblem>) {
        self.documents = std::sync::Arc::new(documents);
        self.problems = problems;
        self.external_loading = false;
        self.all_loaded_after = self.started.map(|s| s.elapsed());
        self.sorted.clear();
        self.sorted_len = 0;
        self.resort();
    }

    /// Takes what the loading job produced since the last frame. Returns true while loading.
    pub fn poll(&mut self) -> bool {
        let Some(job) = &mut self.job else { return false };
        let mut finished = false;
        for event in job.poll() {
            match event {
                corpus::LoadEvent::Documents(mut docs) => {
                    std::sync::Arc::make_mut(&mut self.documents).append(&mut docs)
                }
                corpus::LoadEvent::Problems(mut problems) => self.problems.append(&mut problems),
                corpus::LoadEvent::Progress(p) => {
                    self.progress = Progress {
                        files_done: p.files_done as u64,
                        files_total: p.files_total as u64,
                        bytes_done: p.bytes_done,
                        bytes_total: p.bytes_total,
                    }
                }
                corpus::LoadEvent::Finished(summary) => {
                    self.ignored = summary.ignored.len();
                    finished = true;
                }
            }
        }
        if self.first_document_after.is_none() && !self.documents.is_empty() {
            self.first_document_after = self.started.map(|s| s.elapsed());
        }
        let due = self.last_sort.is_none_or(|t| t.elapsed().as_millis() >= RESORT_INTERVAL_MS);
        if finished || (due && self.sorted_len != self.documents.len()) {
            self.resort();
        }
        if finished {
            self.job = None;
            self.all_loaded_after = self.started.map(|s| s.elapsed());
            self.problems.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
        }
        !finished
    }

    /// Brings `sorted` up to date. While documents stream in (only appended), the new ones
    /// are sorted and merged into the sorted list — O(n) per batch rather than a full sort.
    fn resort(&mut self) {
        let docs = &self.documents;
        let cmp = |&a: &usize, &b: &usize| match (docs.get(a), docs.get(b)) {
            (Some(x), Some(y)) => corpus::compare_for_listing(x, y),
            _ => std::cmp::Ordering::Equal,
        };
        let appended_only = self.sorted.len() == self.sorted_len && self.sorted_len <= docs.len();
        if appended_only && self.sorted.iter().all(|&i| i < self.sorted_len) {
            let mut new: Vec<usize> = (self.sorted_len..docs.len()).collect();
            new.sort_by(cmp);
            let old = std::mem::take(&mut self.sorted);
            let mut merged = Vec::with_capacity(old.len() + new.len());
            let (mut i, mut j) = (0, 0);
            while i < old.len() && j < new.len() {
                if cmp(&new[j], &old[i]) == std::cmp::Ordering::Less {
                    merged.push(new[j]);
                    j += 1;
                } else {
                    merged.push(old[i]);
                    i += 1;
                }
            }
            merged.extend_from_slice(&old[i..]);
            merged.extend_from_slice(&new[j..]);
            self.sorted = merged;
        } else {
            let mut order: Vec<usize> = (0..docs.len()).collect();
            order.sort_by(cmp);
            self.sorted = order;
        }
        self.sorted_len = self.documents.len();
        self.last_sort = Some(Instant::now());
    }

    /// Stops the loading job (documents loaded so far stay).
    pub fn cancel(&mut self) {
        if let Some(job) = self.job.take() {
            job.cancel();
            self.resort();
        }
    }

    pub fn is_loading(&self) -> bool {
        self.job.is_some() || self.external_loading
    }

    /// Progress while loading.
    pub fn progress(&self) -> Option<Progress> {
        self.job.as_ref().map(|_| self.progress)
    }

    pub fn documents(&self) -> &[Document] {
        &self.documents[..]
    }

    /// Replaces the listing order (e.g. with inferred dates counted, once analysed); ignored
    /// unless it is a permutation-sized list for the documents as they are now.
    pub fn set_order(&mut self, order: Vec<usize>) {
        if order.len() == self.documents.len() && order.iter().all(|&i| i < self.documents.len()) {
            self.sorted = order;
            self.sorted_len = self.documents.len();
        }
    }

    /// Stops loading and gives up the documents (e.g. to free them off the UI thread).
    pub fn into_documents(mut self) -> std::sync::Arc<Vec<Document>> {
        self.cancel();
        std::mem::take(&mut self.documents)
    }

    /// The documents, shared (for background jobs).
    pub fn shared_documents(&self) -> std::sync::Arc<Vec<Document>> {
        std::sync::Arc::clone(&self.documents)
    }

    /// Document indices, newest first, undated last.
    pub fn sorted(&self) -> &[usize] {
        &self.sorted
    }

    pub fn problems(&self) -> &[FileProblem] {
        &self.problems
    }

    pub fn ignored(&self) -> usize {
        self.ignored
    }

    pub fn roots(&self) -> &[PathBuf] {
        &self.roots
    }

    /// True for the bundled sample corpus.
    pub fn is_samples(&self) -> bool {
        self.is_samples
    }

    /// Applies a batch of file changes from the folder watcher, with the changed files already
    /// read by [`read_changed_files`] (off the UI thread): changed files are replaced in place,
    /// new files appended, removed files (or files under a removed folder) dropped. Returns what
    /// changed. Document indices after a removed one shift: callers re-find their selection by
    /// path.
    pub fn apply_changes(&mut self, removed: &[PathBuf], read: Vec<ChangedFile>) -> ChangeSummary {
        let mut summary = ChangeSummary::default();
        let documents = std::sync::Arc::make_mut(&mut self.documents);
        for path in removed {
            let before = documents.len();
            documents.retain(|d| !d.path.starts_with(path));
            summary.removed += before - documents.len();
            self.problems.retain(|p| !p.path.starts_with(path));
        }
        for ChangedFile { path, loaded } in read {
            let existing = documents.iter().position(|d| d.path == path);
            self.problems.retain(|p| p.path != path);
            match (loaded, existing) {
                (Ok(mut doc), Some(i)) => {
                    if let Some(slot) = documents.get_mut(i) {
                        doc.rel_path = std::mem::take(&mut slot.rel_path);
                        *slot = doc;
                        summary.modified += 1;
                    }
                }
                (Ok(doc), None) => {
                    documents.push(doc);
                    summary.added += 1;
                }
                (Err(problem), existing) => {
                    if let Some(i) = existing {
                        documents.remove(i);
                        summary.removed += 1;
                    }
                    self.problems.push(problem);
                    summary.failed += 1;
                }
            }
        }
        self.problems.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
        self.sorted.clear();
        self.sorted_len = 0;
        self.resort();
        summary
    }

    /// "Sample articles", the folder name, or "a, b" for several folders.
    pub fn display_name(&self) -> Option<String> {
        if self.is_samples {
            return Some("Sample articles".to_owned());
        }
        if self.roots.is_empty() {
            return None;
        }
        let names: Vec<String> = self
            .roots
            .iter()
            .map(|r| {
                r.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| r.display().to_string())
            })
            .collect();
        Some(names.join(", "))
    }
}

/// The `rel_path` a new file gets: relative to its root, prefixed with the root's name
/// when several roots are open (as the folder walk names them).
fn rel_path_of(roots: &[PathBuf], path: &std::path::Path) -> String {
    for root in roots {
        if let Ok(rest) = path.strip_prefix(root) {
            let rest: Vec<String> =
                rest.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
            let rest = rest.join("/");
            if roots.len() == 1 {
                return rest;
            }
            let name = root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            return format!("{name}/{rest}");
        }
    }
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(rel_path: &str, date: Option<&str>) -> Document {
        let mut d = corpus::load_bytes(b"x", std::path::Path::new(rel_path), rel_path).unwrap();
        d.published = date.and_then(|s| s.parse().ok());
        d
    }

    #[test]
    fn merging_batches_gives_the_same_order_as_a_full_sort() {
        let mut c = OpenCorpus::default();
        let batches = [
            vec![doc("b", Some("2024-01-02")), doc("a", None), doc("c", Some("2023-05-01"))],
            vec![doc("d", Some("2024-01-02")), doc("e", None)],
            vec![doc("f", Some("2025-01-01")), doc("0", Some("2023-05-01"))],
        ];
        for batch in batches {
            std::sync::Arc::make_mut(&mut c.documents).extend(batch);
            c.resort();
        }
        let names: Vec<&str> = c.sorted.iter().map(|&i| c.documents[i].rel_path.as_str()).collect();
        assert_eq!(names, ["f", "b", "d", "0", "c", "a", "e"]);
    }
}

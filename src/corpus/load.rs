//! Loading: one file → [`Document`] or [`FileProblem`]; the background [`LoadJob`] (walk on
//! one thread, read and decode in parallel with rayon, batches of documents sent as they are
//! ready, progress, prompt cancel); the synchronous [`load_all`]; [`sort_documents`].
//!
//! Problems of one file: too large (checked from the listed size, before reading, and again
//! after reading in case the file grew), unreadable, vanished between listing and reading,
//! not text, empty, invalid header date, nothing after the header.
//!
//! Determinism: batches arrive in whatever order the threads finish, but [`load_all`] returns
//! documents and problems sorted by `rel_path`, and [`sort_documents`] gives the list order.

use std::io;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::thread;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::decode::decode;
use super::header::parse_header;
use super::title::title;
use super::walk::{FileEntry, WalkEvent, walk};
use super::{CorpusOptions, Document, FileProblem};

/// Size of the first batch of files read (small, so the first documents show at once); later
/// batches double up to [`MAX_BATCH`].
pub const FIRST_BATCH: usize = 8;
/// Largest batch of files read in parallel before the documents are sent.
pub const MAX_BATCH: usize = 256;

/// Reason for a file with a header and nothing after it.
pub const REASON_HEADER_ONLY: &str = "empty file (a date header and no text)";

/// Loads one listed file.
pub fn load_file(entry: &FileEntry, options: &CorpusOptions) -> Result<Document, FileProblem> {
    let problem = |reason: String| FileProblem::new(&entry.path, &entry.rel_path, reason);
    if entry.bytes > options.max_file_bytes {
        return Err(problem(too_large(entry.bytes, options.max_file_bytes)));
    }
    if !options.keep_text
        && let Some(doc) = options.known.as_ref().and_then(|k| k.document(entry))
    {
        return Ok(doc);
    }
    let bytes =
        options.reader.read(&entry.path, options.max_file_bytes).map_err(|e| problem(read_error(&e)))?;
    let len = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if len > options.max_file_bytes {
        return Err(problem(too_large(len, options.max_file_bytes)));
    }
    let mut doc = load_bytes(&bytes, &entry.path, &entry.rel_path)?;
    doc.modified = entry.modified;
    if !options.keep_text {
        doc.release_text();
    }
    Ok(doc)
}

/// Makes a document of bytes already in memory (the bundled samples, tests). `path` and
/// `rel_path` are only recorded; nothing is read.
pub fn load_bytes(bytes: &[u8], path: &Path, rel_path: &str) -> Result<Document, FileProblem> {
    let problem = |reason: String| FileProblem::new(path, rel_path, reason);
    let decoded = decode(bytes).map_err(|e| problem(e.reason().to_string()))?;
    let header = parse_header(&decoded.text).map_err(|e| problem(e.reason()))?;
    let body: &str =
        decoded.text.char_indices().nth(header.body_start).map_or("", |(b, _)| &decoded.text[b..]);
    if body.trim().is_empty() {
        return Err(problem(REASON_HEADER_ONLY.to_string()));
    }
    let fallback =
        path.file_stem().map_or_else(|| rel_path.to_string(), |s| s.to_string_lossy().into_owned());
    let title = title(body, &fallback);
    Ok(Document {
        path: path.to_path_buf(),
        rel_path: rel_path.to_string(),
        body_start: header.body_start,
        published: header.published,
        title,
        encoding: decoded.encoding.name(),
        warnings: decoded.warnings,
        bytes: u64::try_from(bytes.len()).unwrap_or(u64::MAX),
        modified: None,
        text_hash: super::hash64(decoded.text.as_bytes()),
        chars: decoded.text.chars().count(),
        text: decoded.text.into(),
    })
}

fn too_large(bytes: u64, max: u64) -> String {
    format!("too large ({} MB > {} MB)", megabytes(bytes), megabytes(max))
}

/// Binary megabytes, with one decimal unless whole.
fn megabytes(bytes: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if bytes.is_multiple_of(MB) {
        format!("{}", bytes / MB)
    } else {
        format!("{:.1}", bytes as f64 / MB as f64)
    }
}

fn read_error(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::NotFound => "vanished before it could be read (file not found)".to_string(),
        io::ErrorKind::PermissionDenied => "unreadable: permission denied".to_string(),
        _ => format!("unreadable: {err}"),
    }
}

/// Sorts documents for the list: newest first, undated last, then by `rel_path`.
pub fn sort_documents(documents: &mut [Document]) {
    documents.sort_by(compare_for_listing);
}

/// The list order: newest first, undated last, then by `rel_path`.
pub fn compare_for_listing(a: &Document, b: &Document) -> std::cmp::Ordering {
    compare_dated_for_listing((a.published, &a.rel_path), (b.published, &b.rel_path))
}

/// The listing order on (date, relative path): newest first, undated last, then by path. The
/// app uses it with the date inferred from the text for headerless articles.
pub fn compare_dated_for_listing(
    a: (Option<chrono::NaiveDate>, &str),
    b: (Option<chrono::NaiveDate>, &str),
) -> std::cmp::Ordering {
    let (a_date, a_path) = a;
    let (b_date, b_path) = b;
    match (a_date, b_date) {
        (Some(x), Some(y)) => y.cmp(&x).then_with(|| a_path.cmp(b_path)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a_path.cmp(b_path),
    }
}

/// Progress of a load. `files_total`/`bytes_total` grow while the walk runs (`walking`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LoadProgress {
    /// Article files read so far (loaded or failed).
    pub files_done: usize,
    /// Article files found so far.
    pub files_total: usize,
    pub bytes_done: u64,
    pub bytes_total: u64,
    /// Non-article files found so far.
    pub files_ignored: usize,
    /// True until the walk has finished (totals are final afterwards).
    pub walking: bool,
}

/// The end of a load.
#[derive(Clone, Debug, Default)]
pub struct LoadSummary {
    /// `rel_path` of every ignored file, sorted.
    pub ignored: Vec<String>,
    pub cancelled: bool,
    pub elapsed: Duration,
    pub progress: LoadProgress,
}

/// What a [`LoadJob`] sends, in this order: any number of `Documents`, `Problems` and
/// `Progress`, then exactly one `Finished`.
#[derive(Clone, Debug)]
pub enum LoadEvent {
    Documents(Vec<Document>),
    Problems(Vec<FileProblem>),
    Progress(LoadProgress),
    Finished(LoadSummary),
}

/// Everything a finished load produced, sorted by `rel_path`.
#[derive(Clone, Debug, Default)]
pub struct LoadReport {
    pub documents: Vec<Document>,
    pub problems: Vec<FileProblem>,
    /// `rel_path` of every non-article file.
    pub ignored: Vec<String>,
    pub cancelled: bool,
}

#[derive(Default)]
struct SharedProgress {
    files_done: AtomicUsize,
    files_total: AtomicUsize,
    bytes_done: AtomicU64,
    bytes_total: AtomicU64,
    files_ignored: AtomicUsize,
    walk_done: AtomicBool,
}

impl SharedProgress {
    fn snapshot(&self) -> LoadProgress {
        LoadProgress {
            files_done: self.files_done.load(Ordering::Relaxed),
            files_total: self.files_total.load(Ordering::Relaxed),
            bytes_done: self.bytes_done.load(Ordering::Relaxed),
            bytes_total: self.bytes_total.load(Ordering::Relaxed),
            files_ignored: self.files_ignored.load(Ordering::Relaxed),
            walking: !self.walk_done.load(Ordering::Relaxed),
        }
    }
}

/// A load running on a background thread ("khabar-load"). Poll it each frame with
/// [`LoadJob::poll`]; dropping it cancels it.
pub struct LoadJob {
    roots: Vec<PathBuf>,
    events: Receiver<LoadEvent>,
    cancel: Arc<AtomicBool>,
    progress: Arc<SharedProgress>,
    finished: bool,
}

impl std::fmt::Debug for LoadJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadJob")
            .field("roots", &self.roots)
            .field("progress", &self.progress())
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}

impl LoadJob {
    /// Starts loading `roots` (folders or files) in the background.
    pub fn start(roots: Vec<PathBuf>, options: CorpusOptions) -> LoadJob {
        let (tx, events) = mpsc::channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let progress = Arc::new(SharedProgress::default());
        let job = LoadJob {
            roots: roots.clone(),
            events,
            cancel: cancel.clone(),
            progress: progress.clone(),
            finished: false,
        };
        let worker = Worker { options, tx, cancel, progress, started: Instant::now() };
        let spawned = thread::Builder::new().name("khabar-load".into()).spawn({
            let worker = worker.clone();
            move || worker.run(roots)
        });
        if let Err(err) = spawned {
            let problem = FileProblem::new(PathBuf::new(), "", format!("could not start loading: {err}"));
            worker.send(LoadEvent::Problems(vec![problem]));
            worker.progress.walk_done.store(true, Ordering::Relaxed);
            worker.send(LoadEvent::Finished(LoadSummary::default()));
        }
        job
    }

    /// The roots being loaded.
    pub fn roots(&self) -> &[PathBuf] {
        &self.roots
    }

    /// Events that arrived since the last call, without blocking.
    pub fn poll(&mut self) -> Vec<LoadEvent> {
        let mut out = Vec::new();
        loop {
            match self.events.try_recv() {
                Ok(event) => {
                    self.finished |= matches!(event, LoadEvent::Finished(_));
                    out.push(event);
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    self.finished = true;
                    break;
                }
            }
        }
        out
    }

    /// The next event, waiting at most `timeout`; `None` on timeout or after `Finished`.
    pub fn recv_timeout(&mut self, timeout: Duration) -> Option<LoadEvent> {
        match self.events.recv_timeout(timeout) {
            Ok(event) => {
                self.finished |= matches!(event, LoadEvent::Finished(_));
                Some(event)
            }
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => {
                self.finished = true;
                None
            }
        }
    }

    /// Asks the job to stop; it sends `Finished { cancelled: true, .. }` promptly.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// Whether `Finished` has been received (through `poll`, `recv_timeout` or `wait`).
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Current progress (read from counters the job updates as it goes).
    pub fn progress(&self) -> LoadProgress {
        self.progress.snapshot()
    }

    /// Blocks until the job finishes and collects everything, sorted by `rel_path`.
    pub fn wait(mut self) -> LoadReport {
        let mut report = LoadReport::default();
        while let Ok(event) = self.events.recv() {
            match event {
                LoadEvent::Documents(docs) => report.documents.extend(docs),
                LoadEvent::Problems(problems) => report.problems.extend(problems),
                LoadEvent::Progress(_) => {}
                LoadEvent::Finished(summary) => {
                    report.ignored = summary.ignored;
                    report.cancelled = summary.cancelled;
                    break;
                }
            }
        }
        self.finished = true;
        report.documents.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
        report.problems.sort_by(|a, b| a.rel_path.cmp(&b.rel_path).then_with(|| a.reason.cmp(&b.reason)));
        report
    }
}

impl Drop for LoadJob {
    fn drop(&mut self) {
        self.cancel();
    }
}

/// Loads `roots` and waits for the result (the CLI and tests).
pub fn load_all(roots: Vec<PathBuf>, options: CorpusOptions) -> LoadReport {
    LoadJob::start(roots, options).wait()
}

#[derive(Clone)]
struct Worker {
    options: CorpusOptions,
    tx: Sender<LoadEvent>,
    cancel: Arc<AtomicBool>,
    progress: Arc<SharedProgress>,
    started: Instant,
}

impl Worker {
    fn send(&self, event: LoadEvent) {
        // The receiver is gone only when the job was dropped; nothing left to tell.
        self.tx.send(event).ok();
        if let Some(notify) = &self.options.notify {
            notify();
        }
    }

    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    fn run(self, roots: Vec<PathBuf>) {
        let (walk_tx, walk_rx) = mpsc::sync_channel::<WalkEvent>(4096);
        let walker = {
            let reader = self.options.reader.clone();
            let cancel = self.cancel.clone();
            thread::Builder::new().name("khabar-walk".into()).spawn(move || {
                // Break only means "cancelled", which the loading loop sees by itself.
                let _flow = walk(&roots, reader.as_ref(), &mut |event| {
                    if cancel.load(Ordering::Relaxed) || walk_tx.send(event).is_err() {
                        ControlFlow::Break(())
                    } else {
                        ControlFlow::Continue(())
                    }
                });
            })
        };
        let walker = match walker {
            Ok(handle) => handle,
            Err(err) => {
                let problem = FileProblem::new(PathBuf::new(), "", format!("could not start walking: {err}"));
                self.send(LoadEvent::Problems(vec![problem]));
                self.finish(Vec::new());
                return;
            }
        };

        let mut batch: Vec<FileEntry> = Vec::new();
        let mut batch_size = FIRST_BATCH;
        let mut walk_problems: Vec<FileProblem> = Vec::new();
        let mut ignored: Vec<String> = Vec::new();
        let mut walk_done = false;
        while !self.cancelled() {
            // Wait for the walker only when there is nothing to do meanwhile.
            let mut idle = false;
            if !walk_done {
                let received = if batch.is_empty() && walk_problems.is_empty() {
                    walk_rx.recv().map_err(|_| TryRecvError::Disconnected)
                } else {
                    walk_rx.try_recv()
                };
                match received {
                    Ok(WalkEvent::Article(entry)) => {
                        self.progress.files_total.fetch_add(1, Ordering::Relaxed);
                        self.progress.bytes_total.fetch_add(entry.bytes, Ordering::Relaxed);
                        batch.push(entry);
                    }
                    Ok(WalkEvent::Ignored(rel)) => {
                        self.progress.files_ignored.fetch_add(1, Ordering::Relaxed);
                        ignored.push(rel);
                    }
                    Ok(WalkEvent::Problem(problem)) => walk_problems.push(problem),
                    Err(TryRecvError::Empty) => idle = true,
                    Err(TryRecvError::Disconnected) => {
                        walk_done = true;
                        self.progress.walk_done.store(true, Ordering::Relaxed);
                    }
                }
            }
            let has_work = !batch.is_empty() || !walk_problems.is_empty();
            if has_work && (batch.len() >= batch_size || idle || walk_done) {
                let files = std::mem::take(&mut batch);
                self.load_batch(&files, std::mem::take(&mut walk_problems));
                batch_size = (batch_size * 2).min(MAX_BATCH);
            }
            if walk_done && batch.is_empty() && walk_problems.is_empty() {
                break;
            }
        }
        drop(walk_rx); // unblocks a walker waiting to send after a cancel
        walker.join().ok();
        self.progress.walk_done.store(true, Ordering::Relaxed);
        self.finish(ignored);
    }

    /// Reads a batch in parallel and sends its documents, problems and progress.
    fn load_batch(&self, files: &[FileEntry], mut problems: Vec<FileProblem>) {
        let results: Vec<Option<Result<Document, FileProblem>>> = files
            .par_iter()
            .map(|entry| {
                if self.cancelled() {
                    return None;
                }
                let result = load_file(entry, &self.options);
                self.progress.files_done.fetch_add(1, Ordering::Relaxed);
                self.progress.bytes_done.fetch_add(entry.bytes, Ordering::Relaxed);
                Some(result)
            })
            .collect();
        let mut documents = Vec::with_capacity(results.len());
        for result in results.into_iter().flatten() {
            match result {
                Ok(doc) => documents.push(doc),
                Err(problem) => problems.push(problem),
            }
        }
        if !documents.is_empty() {
            // Sorted here (listing order), so the receiver merges runs instead of sorting.
            sort_documents(&mut documents);
            self.send(LoadEvent::Documents(documents));
        }
        if !problems.is_empty() {
            self.send(LoadEvent::Problems(problems));
        }
        self.send(LoadEvent::Progress(self.progress.snapshot()));
    }

    fn finish(&self, mut ignored: Vec<String>) {
        ignored.sort();
        let summary = LoadSummary {
            ignored,
            cancelled: self.cancelled(),
            elapsed: self.started.elapsed(),
            progress: self.progress.snapshot(),
        };
        self.send(LoadEvent::Finished(summary));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{FileReader, FsReader};
    use chrono::NaiveDate;
    use std::fs;

    fn fixtures() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus")
    }

    fn load_fixture(name: &str) -> Result<Document, FileProblem> {
        let path = fixtures().join(name);
        let bytes = fs::read(&path).unwrap();
        load_bytes(&bytes, &path, name)
    }

    fn problem(name: &str) -> String {
        load_fixture(name).err().map(|p| p.reason).unwrap_or_else(|| panic!("{name} loaded"))
    }

    #[test]
    fn every_encoding_fixture_loads_with_date_title_and_encoding() {
        for (name, encoding) in [
            ("utf8.txt", "UTF-8"),
            ("utf8-bom.txt", "UTF-8"),
            ("utf16le-bom.txt", "UTF-16LE"),
            ("utf16be-bom.txt", "UTF-16BE"),
            ("windows-1256-crlf.txt", "windows-1256"),
        ] {
            let doc = load_fixture(name).unwrap();
            assert_eq!(doc.encoding, encoding, "{name}");
            assert_eq!(doc.published, NaiveDate::from_ymd_opt(2025, 10, 27), "{name}");
            assert!(doc.title.starts_with("أعلنت وزارة الزراعة، صباح الإثنين"), "{name}: {}", doc.title);
            assert!(doc.title.ends_with('…'), "{name}: {}", doc.title);
            assert!(!doc.text.starts_with('\u{FEFF}'), "{name}");
            assert_eq!(doc.text.chars().nth(doc.body_start), Some('أ'), "{name}");
            assert!(doc.warnings.is_empty(), "{name}");
        }
    }

    #[test]
    fn bad_fixtures_are_problems_with_reasons() {
        assert_eq!(problem("empty.txt"), "empty file");
        assert_eq!(problem("whitespace-only.txt"), "empty file");
        assert_eq!(problem("binary.txt"), "not text (binary data)");
        assert!(problem("header-invalid-date.txt").starts_with("invalid header date \"2025-13-45\""));
    }

    #[test]
    fn truncated_utf8_loads_with_a_warning() {
        let doc = load_fixture("truncated-utf8.txt").unwrap();
        assert_eq!(doc.warnings.len(), 1);
        assert!(doc.text.ends_with('\u{FFFD}'));
    }

    #[test]
    fn header_fixtures_give_dates_and_titles() {
        let doc = load_fixture("header-next-line.txt").unwrap();
        assert_eq!(doc.published, NaiveDate::from_ymd_opt(2024, 2, 29));
        assert_eq!(doc.title, "ارتفاع أسعار النفط في الأسواق العالمية");
        let doc = load_fixture("header-same-line.txt").unwrap();
        assert_eq!(doc.published, NaiveDate::from_ymd_opt(2025, 8, 13));
        assert_eq!(doc.title, "افتتح المعرض الدولي للكتاب أبوابه أمس بمشاركة مئتي دار نشر.");
        let doc = load_fixture("header-arabic-indic.txt").unwrap();
        assert_eq!(doc.published, NaiveDate::from_ymd_opt(2023, 5, 9));
        let doc = load_fixture("no-header-headline.txt").unwrap();
        assert_eq!((doc.published, doc.body_start), (None, 0));
        assert_eq!(doc.title, "وزير الخارجية يزور القاهرة لبحث الأزمة");
    }

    #[test]
    fn header_without_body_is_a_problem() {
        let p = load_bytes(b"date 2025-01-01\n\n", Path::new("x.txt"), "x.txt").unwrap_err();
        assert_eq!(p.reason, REASON_HEADER_ONLY);
    }

    #[test]
    fn too_large_files_are_not_read() {
        #[derive(Debug)]
        struct MustNotRead;
        impl FileReader for MustNotRead {
            fn read(&self, path: &Path, _: u64) -> io::Result<Vec<u8>> {
                panic!("read {}", path.display())
            }
        }
        let options = CorpusOptions::default().with_reader(Arc::new(MustNotRead));
        let entry = FileEntry {
            path: "big.txt".into(),
            rel_path: "big.txt".into(),
            bytes: 60 * 1024 * 1024,
            modified: None,
        };
        assert_eq!(load_file(&entry, &options).unwrap_err().reason, "too large (60 MB > 50 MB)");
    }

    #[test]
    fn known_documents_are_listed_unread_only_when_texts_are_not_kept() {
        struct MustNotRead;
        impl FileReader for MustNotRead {
            fn read(&self, path: &Path, _: u64) -> io::Result<Vec<u8>> {
                Err(io::Error::other(format!("read {}", path.display())))
            }
        }
        struct Knows(Document);
        impl super::super::KnownDocuments for Knows {
            fn document(&self, entry: &FileEntry) -> Option<Document> {
                (entry.rel_path == self.0.rel_path).then(|| self.0.clone())
            }
        }
        let mut known = load_bytes("نص معروف".as_bytes(), Path::new("a.txt"), "a.txt").unwrap();
        known.release_text();
        let options = CorpusOptions::default()
            .with_reader(Arc::new(MustNotRead))
            .with_known(Arc::new(Knows(known.clone())));
        let entry =
            |name: &str| FileEntry { path: name.into(), rel_path: name.into(), bytes: 15, modified: None };
        // texts kept: a known file is read all the same (and here fails)
        assert!(load_file(&entry("a.txt"), &options).is_err());
        let lean = options.without_text();
        assert_eq!(load_file(&entry("a.txt"), &lean).unwrap().title, known.title);
        // an unknown file is read
        assert!(load_file(&entry("b.txt"), &lean).unwrap_err().reason.contains("read b.txt"));
    }

    #[test]
    fn a_file_that_grew_past_the_limit_is_too_large() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("a.txt"), "date 2025-01-01 نص طويل جدا").unwrap();
        let options = CorpusOptions::default().with_max_file_bytes(10);
        let entry =
            FileEntry { path: tmp.path().join("a.txt"), rel_path: "a.txt".into(), bytes: 5, modified: None };
        assert!(load_file(&entry, &options).unwrap_err().reason.starts_with("too large ("));
    }

    /// Fails reads of chosen files with a chosen error kind; the seam for unreadable files
    /// (CI runs as root, which reads mode-000 files anyway).
    #[derive(Debug)]
    struct FailingReader {
        fail: &'static str,
        kind: io::ErrorKind,
    }

    impl FileReader for FailingReader {
        fn read(&self, path: &Path, max: u64) -> io::Result<Vec<u8>> {
            if path.ends_with(self.fail) { Err(io::Error::from(self.kind)) } else { FsReader.read(path, max) }
        }
    }

    /// Deletes the file between listing and reading.
    #[derive(Debug)]
    struct DeletingReader;

    impl FileReader for DeletingReader {
        fn read(&self, path: &Path, max: u64) -> io::Result<Vec<u8>> {
            if path.ends_with("gone.txt") {
                fs::remove_file(path)?;
            }
            FsReader.read(path, max)
        }
    }

    fn small_corpus() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        fs::create_dir_all(tmp.path().join("sub")).unwrap();
        fs::write(tmp.path().join("a.txt"), "date 2025-01-02 خبر أول").unwrap();
        fs::write(tmp.path().join("sub/b.txt"), "خبر ثان بلا تاريخ").unwrap();
        fs::write(tmp.path().join("sub/gone.txt"), "خبر سيحذف").unwrap();
        fs::write(tmp.path().join("locked.txt"), "خبر مقفل").unwrap();
        fs::write(tmp.path().join("notes.html"), "<p>").unwrap();
        tmp
    }

    #[test]
    fn an_unreadable_file_is_a_problem_through_the_reader_seam() {
        let tmp = small_corpus();
        let reader = FailingReader { fail: "locked.txt", kind: io::ErrorKind::PermissionDenied };
        let report =
            load_all(vec![tmp.path().into()], CorpusOptions::default().with_reader(Arc::new(reader)));
        let problems: Vec<_> =
            report.problems.iter().map(|p| (p.rel_path.as_str(), p.reason.as_str())).collect();
        assert_eq!(problems, [("locked.txt", "unreadable: permission denied")]);
        assert_eq!(report.documents.len(), 3);
    }

    #[test]
    fn a_file_deleted_between_listing_and_reading_is_a_problem() {
        let tmp = small_corpus();
        let report =
            load_all(vec![tmp.path().into()], CorpusOptions::default().with_reader(Arc::new(DeletingReader)));
        let problems: Vec<_> =
            report.problems.iter().map(|p| (p.rel_path.as_str(), p.reason.as_str())).collect();
        assert_eq!(problems, [("sub/gone.txt", "vanished before it could be read (file not found)")]);
        let docs: Vec<_> = report.documents.iter().map(|d| d.rel_path.as_str()).collect();
        assert_eq!(docs, ["a.txt", "locked.txt", "sub/b.txt"]);
        assert_eq!(report.ignored, ["notes.html"]);
    }

    #[test]
    fn the_job_sends_batches_progress_and_one_finished() {
        let tmp = tempfile::tempdir().unwrap();
        for i in 0..100 {
            fs::write(tmp.path().join(format!("{i:03}.txt")), format!("خبر رقم {i}")).unwrap();
        }
        let mut job = LoadJob::start(vec![tmp.path().into()], CorpusOptions::default());
        let (mut docs, mut batches, mut finished, mut last) = (0, 0, 0, LoadProgress::default());
        while let Some(event) = job.recv_timeout(Duration::from_secs(10)) {
            match event {
                LoadEvent::Documents(d) => {
                    docs += d.len();
                    batches += 1;
                }
                LoadEvent::Progress(p) => {
                    assert!(p.files_done >= last.files_done && p.files_done <= p.files_total);
                    last = p;
                }
                LoadEvent::Finished(s) => {
                    finished += 1;
                    assert!(!s.cancelled);
                    assert_eq!((s.progress.files_done, s.progress.files_total), (100, 100));
                    assert!(!s.progress.walking);
                }
                LoadEvent::Problems(p) => panic!("{p:?}"),
            }
        }
        assert!(job.is_finished());
        assert_eq!((docs, finished), (100, 1));
        assert!(batches > 1, "documents should arrive in several batches");
        assert_eq!(job.progress().bytes_done, job.progress().bytes_total);
    }

    #[test]
    fn cancel_stops_the_job_promptly() {
        /// Slow reads, so the job is certainly still running when cancelled.
        #[derive(Debug)]
        struct SlowReader;
        impl FileReader for SlowReader {
            fn read(&self, path: &Path, max: u64) -> io::Result<Vec<u8>> {
                thread::sleep(Duration::from_millis(20));
                FsReader.read(path, max)
            }
        }
        let tmp = tempfile::tempdir().unwrap();
        for i in 0..2000 {
            fs::write(tmp.path().join(format!("{i:04}.txt")), "خبر").unwrap();
        }
        let options = CorpusOptions::default().with_reader(Arc::new(SlowReader));
        let job = LoadJob::start(vec![tmp.path().into()], options);
        thread::sleep(Duration::from_millis(50));
        let started = Instant::now();
        job.cancel();
        let report = job.wait();
        assert!(report.cancelled);
        assert!(report.documents.len() < 2000);
        assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    }

    #[test]
    fn load_all_is_deterministic_and_sorted_by_path() {
        let tmp = tempfile::tempdir().unwrap();
        for i in (0..300).rev() {
            let dir = tmp.path().join(format!("{}", i % 7));
            fs::create_dir_all(&dir).unwrap();
            fs::write(dir.join(format!("{i}.txt")), format!("date 2025-01-{:02} خبر {i}", i % 28 + 1))
                .unwrap();
        }
        let paths = |r: &LoadReport| r.documents.iter().map(|d| d.rel_path.clone()).collect::<Vec<_>>();
        let a = load_all(vec![tmp.path().into()], CorpusOptions::default());
        let b = load_all(vec![tmp.path().into()], CorpusOptions::default());
        assert_eq!(paths(&a), paths(&b));
        let mut sorted = paths(&a);
        sorted.sort();
        assert_eq!(paths(&a), sorted);
        assert_eq!(a.documents.len(), 300);
    }

    #[test]
    fn sort_documents_newest_first_undated_last_then_path() {
        let doc = |rel: &str, date: Option<(i32, u32, u32)>| {
            let mut d = load_bytes("نص".as_bytes(), Path::new(rel), rel).unwrap();
            d.published = date.and_then(|(y, m, dd)| NaiveDate::from_ymd_opt(y, m, dd));
            d
        };
        let mut docs = vec![
            doc("c", None),
            doc("b", Some((2024, 1, 1))),
            doc("a", None),
            doc("z", Some((2025, 10, 27))),
            doc("y", Some((2024, 1, 1))),
        ];
        sort_documents(&mut docs);
        let order: Vec<_> = docs.iter().map(|d| d.rel_path.as_str()).collect();
        assert_eq!(order, ["z", "b", "y", "a", "c"]);
    }

    #[test]
    fn notify_is_called_for_events() {
        let tmp = small_corpus();
        let count = Arc::new(AtomicUsize::new(0));
        let options = CorpusOptions::default().with_notify({
            let count = count.clone();
            move || {
                count.fetch_add(1, Ordering::Relaxed);
            }
        });
        load_all(vec![tmp.path().into()], options);
        assert!(count.load(Ordering::Relaxed) >= 2);
    }
}

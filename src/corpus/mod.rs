//! The corpus layer: walking a folder (recursive, deterministic, no symlink loops), decoding
//! (UTF-8 ± BOM, UTF-16 with BOM, Windows-1256), the ` date YYYY-MM-DD ` header, titles and
//! per-file problems. Loading is a background job with progress and cancel.
//!
//! Nothing here writes to the corpus folder and nothing panics on input: every file becomes a
//! [`Document`] or a [`FileProblem`].
//!
//! - [`walk`]: which files are articles (`.txt`), which are ignored, and folder-level problems;
//! - [`decode`]: bytes → text (encoding detection, BOM, lossy-decode warnings, binary/empty);
//! - [`header`]: the optional `date YYYY-MM-DD` header → [`Document::published`], `body_start`;
//! - [`title`]: headline or first sentence;
//! - [`load`]: one file → [`Document`] or [`FileProblem`], the background [`LoadJob`] with
//!   progress and cancel, and the synchronous [`load_all`].
//!
//! All file reads go through a [`FileReader`] (in [`CorpusOptions`]), so tests can inject I/O
//! errors that a root user would never see.
//!
//! ```
//! use khabar::corpus::{load_bytes, CorpusOptions, LoadEvent, LoadJob};
//! use std::path::Path;
//!
//! // One article from bytes: the header gives the date, the first line the title.
//! let bytes = " date ٢٠٢٥-١٠-٢٧\nبوتين يستقبل وزيرة الخارجية\nاستقبل الرئيس الوزيرة في الكرملين.".as_bytes();
//! let doc = load_bytes(bytes, Path::new("a.txt"), "a.txt").unwrap();
//! assert_eq!(doc.published.unwrap().to_string(), "2025-10-27");
//! assert_eq!(doc.title, "بوتين يستقبل وزيرة الخارجية");
//! assert_eq!(doc.text.chars().skip(doc.body_start).next(), Some('ب'));
//!
//! // A folder, in the background: poll each frame (or block, as here).
//! let dir = std::env::temp_dir().join("khabar-doctest-corpus");
//! std::fs::create_dir_all(&dir).unwrap();
//! std::fs::write(dir.join("x.txt"), bytes).unwrap();
//! let mut job = LoadJob::start(vec![dir], CorpusOptions::default());
//! let mut documents = Vec::new();
//! while let Some(event) = job.recv_timeout(std::time::Duration::from_secs(10)) {
//!     match event {
//!         LoadEvent::Documents(batch) => documents.extend(batch),
//!         LoadEvent::Problems(problems) => panic!("{problems:?}"),
//!         LoadEvent::Progress(_) => {}
//!         LoadEvent::Finished(_) => break,
//!     }
//! }
//! assert_eq!(documents.len(), 1);
//! ```

pub mod decode;
pub mod header;
pub mod load;
pub mod title;
pub mod walk;
pub mod watch;

use std::fmt;
use std::io::{self, Read as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use chrono::NaiveDate;

pub use load::{
    LoadEvent, LoadJob, LoadProgress, LoadReport, LoadSummary, compare_dated_for_listing,
    compare_for_listing, load_all, load_bytes, load_file, sort_documents,
};
pub use walk::{FileEntry, WalkEvent, walk};

/// One loaded article.
#[derive(Clone, Debug)]
pub struct Document {
    /// Absolute path on disk.
    pub path: PathBuf,
    /// Path relative to the opened folder ('/'-separated; prefixed by the folder name when
    /// several folders are open). This is the document's identity in JSON and the UI.
    pub rel_path: String,
    /// Decoded text of the whole file (BOM removed, header included). All offsets
    /// (entities, times, highlights) are code points into this string. Shared (`Arc`), so the
    /// corpus model and the lists hold one copy of each text.
    pub text: std::sync::Arc<str>,
    /// Code-point offset where the body starts (after the header, if any).
    pub body_start: usize,
    /// Publication date from the header; `None` when there is no header.
    pub published: Option<NaiveDate>,
    /// Headline or first sentence (see the foundation issue for the rule).
    pub title: String,
    /// Encoding name as detected ("UTF-8", "UTF-16LE", "windows-1256", …).
    pub encoding: &'static str,
    /// Non-fatal problems (lossy decode, …).
    pub warnings: Vec<String>,
    /// File size in bytes.
    pub bytes: u64,
    /// Modification time, when the file system gives one.
    pub modified: Option<SystemTime>,
}

/// A file that could not be loaded, with the reason shown to the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileProblem {
    pub path: PathBuf,
    pub rel_path: String,
    pub reason: String,
}

impl FileProblem {
    pub fn new(path: impl Into<PathBuf>, rel_path: impl Into<String>, reason: impl Into<String>) -> Self {
        FileProblem { path: path.into(), rel_path: rel_path.into(), reason: reason.into() }
    }
}

impl fmt::Display for FileProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.rel_path, self.reason)
    }
}

/// Files larger than this are reported as too large without being read (50 MiB).
pub const DEFAULT_MAX_FILE_BYTES: u64 = 50 * 1024 * 1024;

/// The seam through which the corpus layer reads the file system. The default, [`FsReader`],
/// uses `std::fs`; tests inject errors (permission denied, file vanished) through their own.
pub trait FileReader: Send + Sync {
    /// Reads at most `max_bytes + 1` bytes of the file (one more than allowed, so that a file
    /// that grew past the limit after it was listed is noticed).
    fn read(&self, path: &Path, max_bytes: u64) -> io::Result<Vec<u8>>;

    /// Lists a folder: the names and full paths of its entries, in any order.
    fn read_dir(&self, path: &Path) -> io::Result<Vec<(std::ffi::OsString, PathBuf)>> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(path)? {
            let entry = entry?;
            out.push((entry.file_name(), entry.path()));
        }
        Ok(out)
    }
}

/// Reads with `std::fs`.
#[derive(Clone, Copy, Debug, Default)]
pub struct FsReader;

impl FileReader for FsReader {
    fn read(&self, path: &Path, max_bytes: u64) -> io::Result<Vec<u8>> {
        let file = std::fs::File::open(path)?;
        let hint = file.metadata().map_or(0, |m| m.len()).min(max_bytes.saturating_add(1));
        let mut bytes = Vec::with_capacity(usize::try_from(hint).unwrap_or(0));
        file.take(max_bytes.saturating_add(1)).read_to_end(&mut bytes)?;
        Ok(bytes)
    }
}

/// Options of a load (builder style: `CorpusOptions::default().with_max_file_bytes(…)`).
#[derive(Clone)]
pub struct CorpusOptions {
    /// Files larger than this are problems ("too large"), never read.
    pub max_file_bytes: u64,
    /// How files and folders are read.
    pub reader: Arc<dyn FileReader>,
    /// Called (from the loading thread) after every event sent by a [`LoadJob`]; the GUI passes
    /// a closure that requests a repaint.
    pub notify: Option<Arc<dyn Fn() + Send + Sync>>,
}

impl Default for CorpusOptions {
    fn default() -> Self {
        CorpusOptions { max_file_bytes: DEFAULT_MAX_FILE_BYTES, reader: Arc::new(FsReader), notify: None }
    }
}

impl fmt::Debug for CorpusOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CorpusOptions")
            .field("max_file_bytes", &self.max_file_bytes)
            .field("notify", &self.notify.is_some())
            .finish_non_exhaustive()
    }
}

impl CorpusOptions {
    pub fn with_max_file_bytes(mut self, max_file_bytes: u64) -> Self {
        self.max_file_bytes = max_file_bytes;
        self
    }

    pub fn with_reader(mut self, reader: Arc<dyn FileReader>) -> Self {
        self.reader = reader;
        self
    }

    pub fn with_notify(mut self, notify: impl Fn() + Send + Sync + 'static) -> Self {
        self.notify = Some(Arc::new(notify));
        self
    }
}

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
    ///
    /// Empty when the text was released to save memory (the app loads with
    /// [`CorpusOptions::keep_text`] off, so a 500 MB corpus does not sit in RAM): then
    /// [`Document::read_text`] reads and decodes the file again. A loaded document is never
    /// empty (an empty file is a [`FileProblem`]).
    pub text: std::sync::Arc<str>,
    /// [`hash64`] of the decoded text: the content hash the analysis cache keys on, and what
    /// tells whether a re-read gives the text the analysis was made from.
    pub text_hash: u64,
    /// Length of the decoded text in code points.
    pub chars: usize,
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

impl Document {
    /// True when [`Document::text`] holds the text (it was not released).
    pub fn has_text(&self) -> bool {
        !self.text.is_empty()
    }

    /// Drops the text from memory (it can be read again with [`Document::read_text`]).
    pub fn release_text(&mut self) {
        self.text = released_text();
    }

    /// The text: the one in memory, else the file read and decoded again (through `reader`,
    /// the same seam the loader uses). [`TextRead::changed`] says whether the file no longer
    /// holds the text the document was loaded from (its offsets may not fit then).
    pub fn read_text(&self, reader: &dyn FileReader) -> Result<TextRead, String> {
        if self.has_text() {
            return Ok(TextRead { text: self.text.clone(), changed: false });
        }
        let bytes =
            reader.read(&self.path, DEFAULT_MAX_FILE_BYTES.max(self.bytes)).map_err(|e| match e.kind() {
                io::ErrorKind::NotFound => {
                    "the file is gone (deleted or moved since it was opened)".to_string()
                }
                io::ErrorKind::PermissionDenied => {
                    "the file can no longer be read: permission denied".to_string()
                }
                _ => format!("the file can no longer be read: {e}"),
            })?;
        let decoded = decode::decode(&bytes)
            .map_err(|e| format!("the file is no longer readable text: {}", e.reason()))?;
        let text: Arc<str> = decoded.text.into();
        let changed = hash64(text.as_bytes()) != self.text_hash;
        Ok(TextRead { text, changed })
    }

    /// [`Document::read_text`] through `reader`, the text only; `None` when the file cannot be
    /// read (the reason is dropped: passes over the corpus treat it as an empty text).
    pub fn text_through(&self, reader: &dyn FileReader) -> Option<Arc<str>> {
        self.read_text(reader).ok().map(|r| r.text)
    }

    /// [`Document::text_through`] the default file reader.
    pub fn text_or_read(&self) -> Option<Arc<str>> {
        self.text_through(&FsReader)
    }
}

/// The text of a document whose text was released: one empty string shared by all of them
/// (not an allocation each).
pub fn released_text() -> Arc<str> {
    static EMPTY: std::sync::OnceLock<Arc<str>> = std::sync::OnceLock::new();
    EMPTY.get_or_init(|| Arc::from("")).clone()
}

/// A document's text as [`Document::read_text`] gives it.
#[derive(Clone, Debug)]
pub struct TextRead {
    pub text: Arc<str>,
    /// The file changed since the document was loaded (another text than [`Document::text_hash`]).
    pub changed: bool,
}

/// A fast 64-bit hash (multiply-rotate over 8-byte words, final avalanche): content hashes of
/// texts and checksums of cache files. Not cryptographic: it detects changes, not attacks.
pub fn hash64(data: &[u8]) -> u64 {
    let mut h = Hash64::new(data.len() as u64);
    h.update(data);
    h.finish()
}

/// [`hash64`] computed over pieces (the total length is given first): a file can be
/// checksummed while it is written, without holding it in memory.
#[derive(Clone, Debug)]
pub struct Hash64 {
    h: u64,
    pending: [u8; 8],
    filled: usize,
}

impl Hash64 {
    const P1: u64 = 0x9E37_79B9_7F4A_7C15;
    const P2: u64 = 0xC2B2_AE3D_27D4_EB4F;

    /// A hash of `total_len` bytes to come.
    pub fn new(total_len: u64) -> Self {
        Hash64 { h: 0x243F_6A88_85A3_08D3 ^ total_len.wrapping_mul(Self::P2), pending: [0; 8], filled: 0 }
    }

    fn word(&mut self, w: [u8; 8]) {
        self.h = (self.h ^ u64::from_le_bytes(w)).wrapping_mul(Self::P1).rotate_left(31);
    }

    pub fn update(&mut self, mut data: &[u8]) {
        if self.filled > 0 {
            let take = (8 - self.filled).min(data.len());
            let (head, rest) = data.split_at(take);
            if let Some(slot) = self.pending.get_mut(self.filled..self.filled + take) {
                slot.copy_from_slice(head);
            }
            self.filled += take;
            data = rest;
            if self.filled < 8 {
                return;
            }
            self.word(self.pending);
            self.filled = 0;
        }
        let mut chunks = data.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.word(w);
        }
        let rest = chunks.remainder();
        if let Some(slot) = self.pending.get_mut(..rest.len()) {
            slot.copy_from_slice(rest);
        }
        self.filled = rest.len();
    }

    pub fn finish(mut self) -> u64 {
        if self.filled > 0 {
            let mut w = [0u8; 8];
            if let (Some(d), Some(s)) = (w.get_mut(..self.filled), self.pending.get(..self.filled)) {
                d.copy_from_slice(s);
            }
            self.word(w);
        }
        let mut h = self.h;
        h ^= h >> 33;
        h = h.wrapping_mul(Self::P2);
        h ^= h >> 29;
        h = h.wrapping_mul(Self::P1);
        h ^ (h >> 32)
    }
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
    /// Keep each document's text in memory (default). The app turns it off: documents then
    /// carry their metadata only and [`Document::read_text`] reads a text when it is needed.
    pub keep_text: bool,
    /// Documents known without reading their files (the analysis cache's record of files
    /// whose size and mtime are unchanged); used only when texts are not kept.
    pub known: Option<Arc<dyn KnownDocuments>>,
}

/// A record of documents seen before: a file listed with the same size and mtime gives its
/// document (metadata only, text released) without being read.
pub trait KnownDocuments: Send + Sync {
    fn document(&self, entry: &FileEntry) -> Option<Document>;
}

impl Default for CorpusOptions {
    fn default() -> Self {
        CorpusOptions {
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            reader: Arc::new(FsReader),
            notify: None,
            keep_text: true,
            known: None,
        }
    }
}

impl fmt::Debug for CorpusOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CorpusOptions")
            .field("max_file_bytes", &self.max_file_bytes)
            .field("notify", &self.notify.is_some())
            .field("keep_text", &self.keep_text)
            .field("known", &self.known.is_some())
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

    /// Releases each text after loading (see [`CorpusOptions::keep_text`]).
    pub fn without_text(mut self) -> Self {
        self.keep_text = false;
        self
    }

    /// Lists files recorded in `known` without reading them (see [`CorpusOptions::known`]).
    pub fn with_known(mut self, known: Arc<dyn KnownDocuments>) -> Self {
        self.known = Some(known);
        self
    }

    pub fn with_notify(mut self, notify: impl Fn() + Send + Sync + 'static) -> Self {
        self.notify = Some(Arc::new(notify));
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashing_in_pieces_equals_hashing_at_once() {
        let data: Vec<u8> = (0..100u32).map(|i| (i * 37 % 251) as u8).collect();
        for len in [0, 1, 7, 8, 9, 31, 100] {
            let whole = hash64(&data[..len]);
            for cut in [0, 1, 3, 8, 13] {
                let cut = cut.min(len);
                let mut h = Hash64::new(len as u64);
                h.update(&data[..cut]);
                let mid = (cut + len) / 2;
                h.update(&data[cut..mid]);
                h.update(&data[mid..len]);
                assert_eq!(h.finish(), whole, "len {len} cut {cut}");
            }
        }
        assert_ne!(hash64(b"abc"), hash64(b"abd"));
    }
}

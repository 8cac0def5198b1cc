//! The corpus layer: walking a folder (recursive, deterministic, no symlink loops), decoding
//! (UTF-8 ± BOM, UTF-16 with BOM, Windows-1256), the ` date YYYY-MM-DD ` header, titles and
//! per-file problems. Loading is a background job with progress and cancel.
//!
//! Nothing here writes to the corpus folder and nothing panics on input: every file becomes a
//! [`Document`] or a [`FileProblem`].

use std::path::PathBuf;
use std::time::SystemTime;

use chrono::NaiveDate;

/// One loaded article.
#[derive(Clone, Debug)]
pub struct Document {
    /// Absolute path on disk.
    pub path: PathBuf,
    /// Path relative to the opened folder ('/'-separated; prefixed by the folder name when
    /// several folders are open). This is the document's identity in JSON and the UI.
    pub rel_path: String,
    /// Decoded text of the whole file (BOM removed, header included). All offsets
    /// (entities, times, highlights) are code points into this string.
    pub text: String,
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

//! The analysis cache: per-document analysis results kept in the user's cache directory
//! (`app_dirs::cache_dir()/analysis/<corpus key>.cache`, never inside the corpus folder), so
//! reopening an unchanged corpus skips the analysis.
//!
//! An entry is keyed by the document's absolute path and trusted while the file's size and
//! mtime are unchanged. When either changed, the decoded text is hashed and compared with the
//! stored content hash: equal → the entry is reused (and its size/mtime refreshed), different
//! → the document alone is re-analysed.
//!
//! One file per corpus, a versioned binary layout written atomically (temp file, fsync,
//! rename):
//!
//! ```text
//! "KHABARAC"  u32 schema  u64 analyzer  u64 payload length  u64 payload checksum  payload
//! payload = varint count, then per entry: path, size, mtime, content hash, document metadata,
//!           analysis blob
//! ```
//!
//! A file with another schema or analyzer version (the analyzer version hashes the crate
//! version, the embedded model and tables, and the running executable's size and mtime, so any
//! rebuild of the analyser invalidates it), a bad checksum or a truncated payload is dropped
//! and rebuilt; [`AnalysisCache::status`] says why.
//!
//! Entries are self-contained: the document metadata (title, date, encoding, length) lists a
//! file whose size and mtime are unchanged without reading it ([`CachedListing`]),
//! and the analysis blob holds its span texts (each distinct one once), so decoding needs no
//! text. The app keeps texts on disk; a reopened corpus reads none until one is shown.
//!
//! Schema history: v1 (kept as the fixture `tests/fixtures/cache-v1/`) had no content hashes;
//! v2 cut span texts from the document text; v3 is the current layout.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::corpus::Document;
use crate::extract::{
    DocumentAnalysis, EntityMention, EntityType, InferredDate, Surface, TimeExpression, TimexType,
    analyze_document,
};

/// Magic bytes at the start of a cache file.
pub const MAGIC: &[u8; 8] = b"KHABARAC";
/// Current layout version.
pub const SCHEMA_VERSION: u32 = 3;
/// Bump when the analysis changes in a way the analyzer fingerprint would not notice.
const ANALYZER_REVISION: u32 = 1;
const HEADER_LEN: usize = 8 + 4 + 8 + 8 + 8;

pub use crate::corpus::hash64;

/// The analyzer fingerprint stored in every cache file.
pub fn analyzer_version() -> u64 {
    static V: OnceLock<u64> = OnceLock::new();
    *V.get_or_init(|| {
        let mut buf = Vec::new();
        buf.extend_from_slice(env!("CARGO_PKG_VERSION").as_bytes());
        buf.extend_from_slice(&ANALYZER_REVISION.to_le_bytes());
        for asset in EMBEDDED_ANALYSIS_ASSETS {
            buf.extend_from_slice(&hash64(asset).to_le_bytes());
        }
        if let Some(meta) = std::env::current_exe().ok().and_then(|p| std::fs::metadata(p).ok()) {
            buf.extend_from_slice(&meta.len().to_le_bytes());
            if let Some((s, n)) = meta.modified().ok().and_then(epoch) {
                buf.extend_from_slice(&s.to_le_bytes());
                buf.extend_from_slice(&n.to_le_bytes());
            }
        }
        hash64(&buf)
    })
}

/// The model and tables the analysis embeds (their bytes are part of the analyzer version).
const EMBEDDED_ANALYSIS_ASSETS: &[&[u8]] = &[
    include_bytes!("../../assets/models/ner.bin.gz"),
    include_bytes!("../../assets/models/wordfreq_ar.tsv.gz"),
    include_bytes!("../../assets/gazetteers/countries.tsv"),
    include_bytes!("../../assets/gazetteers/cities.tsv"),
    include_bytes!("../../assets/gazetteers/persons.tsv"),
    include_bytes!("../../assets/gazetteers/triggers.tsv"),
    include_bytes!("../../assets/gazetteers/arwikicats.tsv"),
    include_bytes!("../../assets/calendar/calendar.tsv"),
    include_bytes!("../../assets/calendar/lexicon.tsv"),
    include_bytes!("../../assets/calendar/ummalqura.tsv"),
];

fn epoch(t: SystemTime) -> Option<(u64, u32)> {
    t.duration_since(UNIX_EPOCH).ok().map(|d| (d.as_secs(), d.subsec_nanos()))
}

/// The folder holding the analysis caches of all corpora.
pub fn cache_folder() -> PathBuf {
    crate::app_dirs::cache_dir().join("analysis")
}

/// The cache file of a corpus opened from `roots`.
pub fn cache_path_for(roots: &[PathBuf]) -> PathBuf {
    cache_folder().join(format!("{}.cache", crate::app_dirs::corpus_key(roots)))
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Entry {
    size: u64,
    mtime: Option<(u64, u32)>,
    hash: u64,
    /// The document's metadata ([`encode_document`]): lists it without reading the file.
    meta: Vec<u8>,
    blob: Vec<u8>,
    used: bool,
}

/// The cache of one corpus, loaded in memory. Never fails to open: an unreadable, corrupt or
/// outdated file gives an empty cache and a [`status`](Self::status) message.
#[derive(Debug)]
pub struct AnalysisCache {
    path: PathBuf,
    entries: HashMap<String, Entry>,
    status: Option<String>,
    dirty: bool,
}

/// What happened when a cache file was read.
#[derive(Debug, PartialEq, Eq)]
enum OpenError {
    Missing,
    Unreadable(String),
    Corrupt(String),
    Version(u32),
    Analyzer,
}

impl AnalysisCache {
    /// Opens (reads) the cache file at `path`.
    pub fn open(path: &Path) -> AnalysisCache {
        let (entries, status) = match read_file(path, true) {
            Ok(entries) => (entries, None),
            Err(OpenError::Missing) => (HashMap::new(), None),
            Err(e) => (HashMap::new(), Some(status_message(&e))),
        };
        let dirty = status.is_some();
        AnalysisCache { path: path.to_path_buf(), entries, status, dirty }
    }

    /// Opens the cache of the corpus opened from `roots` (in the user's cache directory).
    pub fn for_corpus(roots: &[PathBuf]) -> AnalysisCache {
        Self::open(&cache_path_for(roots))
    }

    /// The cache file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Why the file on disk was not used ("… was corrupt …; rebuilding it"), if it was not.
    pub fn status(&self) -> Option<&str> {
        self.status.as_deref()
    }

    /// Number of documents in the cache.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The cached analysis of `doc`, if its entry is still valid (size and mtime unchanged,
    /// else the same content hash as the document's text). Marks the entry as used.
    pub fn get(&mut self, doc: &Document) -> Option<DocumentAnalysis> {
        let key = key_of(doc);
        let entry = self.entries.get(&key)?;
        let same_stat = same_stat(entry, doc);
        if !same_stat && entry.hash != doc.text_hash {
            return None;
        }
        let analysis = decode_analysis(&entry.blob)?;
        self.mark_used(&key, doc, !same_stat);
        Some(analysis)
    }

    fn mark_used(&mut self, key: &str, doc: &Document, refreshed: bool) {
        if let Some(e) = self.entries.get_mut(key) {
            e.used = true;
            if refreshed {
                e.size = doc.bytes;
                e.mtime = doc.modified.and_then(epoch);
                self.dirty = true;
            }
        }
    }

    /// Stores the analysis of `doc` (replacing any older entry); `text_hash` is the hash of
    /// the text it was made from.
    pub fn insert(&mut self, doc: &Document, text_hash: u64, analysis: &DocumentAnalysis) {
        let entry = Entry {
            size: doc.bytes,
            mtime: doc.modified.and_then(epoch),
            hash: text_hash,
            meta: encode_document(doc),
            blob: encode_analysis(analysis),
            used: true,
        };
        self.entries.insert(key_of(doc), entry);
        self.dirty = true;
    }

    /// Drops the entries not looked up or stored since the cache was opened (files that left
    /// the corpus). Call after a complete load.
    pub fn prune_unused(&mut self) {
        let before = self.entries.len();
        self.entries.retain(|_, e| e.used);
        self.dirty |= self.entries.len() != before;
    }

    /// Writes the cache if anything changed: to a temporary file beside it, fsync, rename.
    pub fn save(&mut self) -> std::io::Result<()> {
        if !self.dirty {
            return Ok(());
        }
        let mut keys: Vec<&String> = self.entries.keys().collect();
        keys.sort();
        // The payload is written as it is encoded (a 100k-document cache is ~100 MB: never
        // held twice): its length first, then the checksum computed while writing.
        let entry_head = |out: &mut Vec<u8>, k: &str, e: &Entry| {
            out.clear();
            put_bytes(out, k.as_bytes());
            put_varint(out, e.size);
            match e.mtime {
                Some((s, n)) => {
                    out.push(1);
                    put_varint(out, s);
                    put_varint(out, u64::from(n));
                }
                None => out.push(0),
            }
            out.extend_from_slice(&e.hash.to_le_bytes());
            put_varint(out, e.meta.len() as u64);
            out.extend_from_slice(&e.meta);
            put_varint(out, e.blob.len() as u64);
        };
        let mut head = Vec::with_capacity(256);
        put_varint(&mut head, keys.len() as u64);
        let mut payload_len = head.len() as u64;
        for k in &keys {
            let Some(e) = self.entries.get(*k) else { continue };
            entry_head(&mut head, k, e);
            payload_len += (head.len() + e.blob.len()) as u64;
        }
        write_atomically_with(&self.path, |file| {
            let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
            let mut hash = crate::corpus::Hash64::new(payload_len);
            w.write_all(&[0u8; HEADER_LEN])?;
            let mut piece = |w: &mut std::io::BufWriter<&mut std::fs::File>, bytes: &[u8]| {
                hash.update(bytes);
                w.write_all(bytes)
            };
            head.clear();
            put_varint(&mut head, keys.len() as u64);
            piece(&mut w, &head)?;
            for k in &keys {
                let Some(e) = self.entries.get(*k) else { continue };
                entry_head(&mut head, k, e);
                piece(&mut w, &head)?;
                piece(&mut w, &e.blob)?;
            }
            let file = w.into_inner().map_err(|e| e.into_error())?;
            let mut header = Vec::with_capacity(HEADER_LEN);
            header.extend_from_slice(MAGIC);
            header.extend_from_slice(&SCHEMA_VERSION.to_le_bytes());
            header.extend_from_slice(&analyzer_version().to_le_bytes());
            header.extend_from_slice(&payload_len.to_le_bytes());
            header.extend_from_slice(&hash.finish().to_le_bytes());
            use std::io::Seek as _;
            file.seek(std::io::SeekFrom::Start(0))?;
            file.write_all(&header)
        })?;
        self.dirty = false;
        Ok(())
    }
}

fn key_of(doc: &Document) -> String {
    doc.path.to_string_lossy().into_owned()
}

/// The document of `entry` from its cache entry, when the file's size and mtime are unchanged.
fn listed_document(entries: &HashMap<String, Entry>, entry: &crate::corpus::FileEntry) -> Option<Document> {
    let e = entries.get(entry.path.to_string_lossy().as_ref())?;
    let mtime = entry.modified.and_then(epoch);
    if e.size != entry.bytes || mtime.is_none() || e.mtime != mtime {
        return None;
    }
    let mut doc = decode_document(&e.meta, &entry.path, &entry.rel_path)?;
    doc.bytes = entry.bytes;
    doc.modified = entry.modified;
    doc.text_hash = e.hash;
    Some(doc)
}

/// What a corpus's cache file records about its documents (no analyses), read when first
/// asked: the loader lists unchanged files from it without reading them
/// ([`crate::corpus::CorpusOptions::known`]). A missing or invalid cache knows nothing.
pub struct CachedListing {
    path: PathBuf,
    entries: OnceLock<HashMap<String, Entry>>,
}

impl CachedListing {
    /// The listing of the cache file of the corpus opened from `roots`.
    pub fn for_corpus(roots: &[PathBuf]) -> Self {
        Self::open(&cache_path_for(roots))
    }

    /// The listing of the cache file at `path` (read on first use).
    pub fn open(path: &Path) -> Self {
        CachedListing { path: path.to_path_buf(), entries: OnceLock::new() }
    }
}

impl crate::corpus::KnownDocuments for CachedListing {
    fn document(&self, entry: &crate::corpus::FileEntry) -> Option<Document> {
        let entries = self.entries.get_or_init(|| read_file(&self.path, false).unwrap_or_default());
        listed_document(entries, entry)
    }
}

/// True when the file still has the size and mtime the entry was made with.
fn same_stat(e: &Entry, doc: &Document) -> bool {
    let mtime = doc.modified.and_then(epoch);
    e.size == doc.bytes && mtime.is_some() && e.mtime == mtime
}

fn status_message(e: &OpenError) -> String {
    match e {
        OpenError::Missing => String::new(),
        OpenError::Unreadable(why) => format!("analysis cache could not be read ({why}); rebuilding it"),
        OpenError::Corrupt(why) => format!("analysis cache was corrupt ({why}); rebuilding it"),
        OpenError::Version(v) if *v < SCHEMA_VERSION => {
            format!("analysis cache is in an old format (v{v}, now v{SCHEMA_VERSION}); rebuilding it")
        }
        OpenError::Version(v) => {
            format!(
                "analysis cache is from a newer Khabar (v{v}, this one reads v{SCHEMA_VERSION}); rebuilding it"
            )
        }
        OpenError::Analyzer => {
            "analysis cache was made by another version of the analyser; rebuilding it".into()
        }
    }
}

/// Reads a cache file (the analysis blobs too when `with_blobs`, else only what lists a
/// document).
fn read_file(path: &Path, with_blobs: bool) -> Result<HashMap<String, Entry>, OpenError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(OpenError::Missing),
        Err(e) => return Err(OpenError::Unreadable(e.to_string())),
    };
    let header = read_header(&bytes)?;
    if header.schema != SCHEMA_VERSION {
        return Err(OpenError::Version(header.schema));
    }
    if header.analyzer != analyzer_version() {
        return Err(OpenError::Analyzer);
    }
    let payload = bytes.get(HEADER_LEN..).unwrap_or(&[]);
    if payload.len() as u64 != header.payload_len {
        return Err(OpenError::Corrupt(format!(
            "{} payload bytes, header says {}",
            payload.len(),
            header.payload_len
        )));
    }
    if hash64(payload) != header.checksum {
        return Err(OpenError::Corrupt("checksum mismatch".into()));
    }
    parse_payload(payload, with_blobs).ok_or_else(|| OpenError::Corrupt("malformed entry".into()))
}

/// The fixed header of a cache file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileHeader {
    pub schema: u32,
    pub analyzer: u64,
    pub payload_len: u64,
    pub checksum: u64,
}

fn read_header(bytes: &[u8]) -> Result<FileHeader, OpenError> {
    if bytes.get(..8) != Some(MAGIC.as_slice()) {
        return Err(OpenError::Corrupt("not a Khabar cache file".into()));
    }
    let u32_at = |at: usize| bytes.get(at..at + 4).and_then(|b| b.try_into().ok()).map(u32::from_le_bytes);
    let u64_at = |at: usize| bytes.get(at..at + 8).and_then(|b| b.try_into().ok()).map(u64::from_le_bytes);
    let truncated = || OpenError::Corrupt("truncated header".into());
    let schema = u32_at(8).ok_or_else(truncated)?;
    // an older or newer layout may have another header: only the version is read from it
    if schema != SCHEMA_VERSION {
        return Ok(FileHeader { schema, analyzer: 0, payload_len: 0, checksum: 0 });
    }
    Ok(FileHeader {
        schema,
        analyzer: u64_at(12).ok_or_else(truncated)?,
        payload_len: u64_at(20).ok_or_else(truncated)?,
        checksum: u64_at(28).ok_or_else(truncated)?,
    })
}

fn parse_payload(payload: &[u8], with_blobs: bool) -> Option<HashMap<String, Entry>> {
    let mut r = Reader { bytes: payload, pos: 0 };
    let count = r.varint()?;
    // each entry takes at least 12 bytes: never trust a count beyond that
    if count > payload.len() as u64 / 12 {
        return None;
    }
    let mut entries = HashMap::with_capacity(usize::try_from(count).ok()?);
    for _ in 0..count {
        let key = std::str::from_utf8(r.bytes()?).ok()?.to_string();
        let size = r.varint()?;
        let mtime = match r.byte()? {
            0 => None,
            1 => Some((r.varint()?, u32::try_from(r.varint()?).ok()?)),
            _ => return None,
        };
        let hash = r.u64()?;
        let meta = r.bytes()?.to_vec();
        let blob = r.bytes()?;
        let blob = if with_blobs { blob.to_vec() } else { Vec::new() };
        entries.insert(key, Entry { size, mtime, hash, meta, blob, used: false });
    }
    (r.pos == payload.len()).then_some(entries)
}

/// Writes a file atomically: `write` fills a temporary file beside `path`, which is synced
/// and renamed over it (a crash leaves the old file or the new one, never half of one).
pub(crate) fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        write(&mut f)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)?;
        // make the rename durable (best effort: not every platform can open a folder)
        if let Ok(d) = std::fs::File::open(dir) {
            d.sync_all().ok();
        }
        Ok(())
    })();
    if result.is_err() {
        std::fs::remove_file(&tmp).ok();
    }
    result
}

// ---- analysis blobs ------------------------------------------------------------------------

pub(crate) fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_varint(out, b.len() as u64);
    out.extend_from_slice(b);
}

/// Reads the varint-based layouts of the cache and findings files; `None` on any overrun.
pub(crate) struct Reader<'a> {
    pub(crate) bytes: &'a [u8],
    pub(crate) pos: usize,
}

impl<'a> Reader<'a> {
    /// A count of items that follow: each takes at least a byte, so a count larger than the
    /// blob is corrupt (and must not size an allocation).
    pub(crate) fn count(&mut self) -> Option<usize> {
        self.usize().filter(|&n| n <= self.bytes.len())
    }

    pub(crate) fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.pos)?;
        self.pos += 1;
        Some(b)
    }

    pub(crate) fn varint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f).checked_shl(shift)?;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }

    pub(crate) fn usize(&mut self) -> Option<usize> {
        usize::try_from(self.varint()?).ok()
    }

    pub(crate) fn u64(&mut self) -> Option<u64> {
        let b = self.bytes.get(self.pos..self.pos.checked_add(8)?)?;
        self.pos += 8;
        Some(u64::from_le_bytes(b.try_into().ok()?))
    }

    pub(crate) fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.usize()?;
        let b = self.bytes.get(self.pos..self.pos.checked_add(n)?)?;
        self.pos += n;
        Some(b)
    }

    pub(crate) fn string(&mut self) -> Option<String> {
        std::str::from_utf8(self.bytes()?).ok().map(str::to_string)
    }

    /// An interned string (no allocation when the text is already known).
    fn surface(&mut self) -> Option<Surface> {
        std::str::from_utf8(self.bytes()?).ok().map(Surface::new)
    }
}

fn entity_code(k: EntityType) -> u8 {
    match k {
        EntityType::Person => 0,
        EntityType::Location => 1,
        EntityType::Organization => 2,
        EntityType::Misc => 3,
    }
}

fn entity_kind(c: u8) -> Option<EntityType> {
    Some(match c {
        0 => EntityType::Person,
        1 => EntityType::Location,
        2 => EntityType::Organization,
        3 => EntityType::Misc,
        _ => return None,
    })
}

fn timex_code(k: TimexType) -> u8 {
    match k {
        TimexType::Date => 0,
        TimexType::Time => 1,
        TimexType::Duration => 2,
        TimexType::Set => 3,
    }
}

fn timex_kind(c: u8) -> Option<TimexType> {
    Some(match c {
        0 => TimexType::Date,
        1 => TimexType::Time,
        2 => TimexType::Duration,
        3 => TimexType::Set,
        _ => return None,
    })
}

/// Encodes what lists a document without its text: title, header date, body start, encoding,
/// length, load warnings.
pub fn encode_document(doc: &Document) -> Vec<u8> {
    let mut out = Vec::with_capacity(doc.title.len() + 32);
    put_bytes(&mut out, doc.title.as_bytes());
    match doc.published {
        Some(d) => {
            out.push(1);
            put_bytes(&mut out, d.format("%Y-%m-%d").to_string().as_bytes());
        }
        None => out.push(0),
    }
    put_varint(&mut out, doc.body_start as u64);
    put_varint(&mut out, doc.chars as u64);
    put_bytes(&mut out, doc.encoding.as_bytes());
    put_varint(&mut out, doc.warnings.len() as u64);
    for w in &doc.warnings {
        put_bytes(&mut out, w.as_bytes());
    }
    out
}

/// Decodes [`encode_document`] into a document without text (size, mtime and hash are the
/// caller's); `None` on any inconsistency.
pub fn decode_document(meta: &[u8], path: &Path, rel_path: &str) -> Option<Document> {
    let mut r = Reader { bytes: meta, pos: 0 };
    let title = r.string()?;
    let published = match r.byte()? {
        0 => None,
        1 => Some(NaiveDate::parse_from_str(&r.string()?, "%Y-%m-%d").ok()?),
        _ => return None,
    };
    let body_start = r.usize()?;
    let chars = r.usize()?;
    let encoding = crate::corpus::decode::encoding_name(&r.string()?)?;
    let n = r.count()?;
    let mut warnings = Vec::with_capacity(n);
    for _ in 0..n {
        warnings.push(r.string()?);
    }
    (r.pos == meta.len()).then(|| Document {
        path: path.to_path_buf(),
        rel_path: rel_path.to_string(),
        text: crate::corpus::released_text(),
        text_hash: 0,
        chars,
        body_start,
        published,
        title,
        encoding,
        warnings,
        bytes: 0,
        modified: None,
    })
}

/// The distinct span texts of one analysis (a name mentioned five times is stored once).
#[derive(Default)]
struct SpanTable<'a> {
    texts: Vec<&'a str>,
}

impl<'a> SpanTable<'a> {
    fn index_of(&mut self, s: &'a str) -> usize {
        match self.texts.iter().position(|t| *t == s) {
            Some(i) => i,
            None => {
                self.texts.push(s);
                self.texts.len() - 1
            }
        }
    }
}

/// Encodes an analysis compactly and self-contained (decoding needs no text: a reopened
/// corpus is listed and explored without reading its files). Span texts are stored once
/// per analysis in a table, mentions refer to them by index.
pub fn encode_analysis(a: &DocumentAnalysis) -> Vec<u8> {
    let mut table = SpanTable::default();
    let entity_spans: Vec<usize> = a.entities.iter().map(|m| table.index_of(&m.text)).collect();
    let time_spans: Vec<usize> = a.times.iter().map(|t| table.index_of(&t.text)).collect();
    let mut out = Vec::with_capacity(
        16 + table.texts.iter().map(|t| t.len() + 1).sum::<usize>()
            + a.entities.len() * 5
            + a.times.len() * 16
            + a.sentences.len() * 4,
    );
    put_varint(&mut out, table.texts.len() as u64);
    for t in &table.texts {
        put_bytes(&mut out, t.as_bytes());
    }
    put_varint(&mut out, a.entities.len() as u64);
    for (m, span) in a.entities.iter().zip(entity_spans) {
        put_varint(&mut out, m.start as u64);
        put_varint(&mut out, m.end.saturating_sub(m.start) as u64);
        out.push(entity_code(m.kind));
        put_varint(&mut out, span as u64);
    }
    put_varint(&mut out, a.times.len() as u64);
    for (t, span) in a.times.iter().zip(time_spans) {
        put_varint(&mut out, t.start as u64);
        put_varint(&mut out, t.end.saturating_sub(t.start) as u64);
        out.push(timex_code(t.kind));
        put_varint(&mut out, span as u64);
        put_bytes(&mut out, t.value.as_bytes());
    }
    match &a.published_inferred {
        Some(i) => {
            out.push(1);
            put_bytes(&mut out, i.date.format("%Y-%m-%d").to_string().as_bytes());
            put_bytes(&mut out, i.evidence.as_bytes());
            put_varint(&mut out, i.start as u64);
            put_varint(&mut out, i.end as u64);
        }
        None => out.push(0),
    }
    put_varint(&mut out, a.sentences.len() as u64);
    let mut prev = 0usize;
    for s in &a.sentences {
        // sentences are ordered: store gaps (never negative here; other orders store 0 + start)
        let (flag, base) = if s.start >= prev { (0u8, prev) } else { (1u8, 0) };
        out.push(flag);
        put_varint(&mut out, (s.start - base) as u64);
        put_varint(&mut out, s.end.saturating_sub(s.start) as u64);
        prev = s.end.max(s.start);
    }
    out
}

/// Decodes [`encode_analysis`]; `None` on any inconsistency.
pub fn decode_analysis(blob: &[u8]) -> Option<DocumentAnalysis> {
    let mut r = Reader { bytes: blob, pos: 0 };
    let n = r.count()?;
    let mut spans: Vec<Surface> = Vec::with_capacity(n);
    for _ in 0..n {
        spans.push(r.surface()?);
    }
    let n = r.count()?;
    let mut entities = Vec::with_capacity(n);
    for _ in 0..n {
        let start = r.usize()?;
        let end = start.checked_add(r.usize()?)?;
        let kind = entity_kind(r.byte()?)?;
        let text = spans.get(r.usize()?)?.clone();
        entities.push(EntityMention { start, end, text, kind });
    }
    let n = r.count()?;
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let start = r.usize()?;
        let end = start.checked_add(r.usize()?)?;
        let kind = timex_kind(r.byte()?)?;
        let span = spans.get(r.usize()?)?.clone();
        let value = r.surface()?;
        times.push(TimeExpression { start, end, text: span, kind, value });
    }
    let published_inferred = match r.byte()? {
        0 => None,
        1 => {
            let date = NaiveDate::parse_from_str(&r.string()?, "%Y-%m-%d").ok()?;
            let evidence = r.string()?;
            let start = r.usize()?;
            let end = r.usize()?;
            Some(InferredDate { date, evidence, start, end })
        }
        _ => return None,
    };
    let n = r.count()?;
    let mut sentences = Vec::with_capacity(n);
    let mut prev = 0usize;
    for _ in 0..n {
        let base = match r.byte()? {
            0 => prev,
            1 => 0,
            _ => return None,
        };
        let start = base.checked_add(r.usize()?)?;
        let end = start.checked_add(r.usize()?)?;
        sentences.push(start..end);
        prev = end;
    }
    (r.pos == blob.len()).then_some(DocumentAnalysis { entities, times, published_inferred, sentences })
}

// ---- analysis through the cache ------------------------------------------------------------

/// Progress and cancel for [`analyze_with_cache`].
#[derive(Clone, Copy, Default)]
pub struct CacheRun<'a> {
    /// Called with (documents done, documents total), from worker threads.
    pub progress: Option<&'a (dyn Fn(usize, usize) + Sync)>,
    /// Set to stop early: documents not yet analysed get an empty analysis and
    /// [`CachedAnalyses::cancelled`] is set; what was analysed is kept in the cache.
    pub cancel: Option<&'a AtomicBool>,
}

/// The result of [`analyze_with_cache`].
#[derive(Clone, Debug, Default)]
pub struct CachedAnalyses {
    /// `analyses[i]` belongs to `docs[i]`.
    pub analyses: Vec<DocumentAnalysis>,
    /// Documents whose analysis came from the cache.
    pub hits: usize,
    /// Documents analysed now.
    pub analysed: usize,
    /// Documents skipped because of cancel.
    pub skipped: usize,
    pub cancelled: bool,
    /// The cache's status message (why an existing cache file was dropped), if any.
    pub status: Option<String>,
}

/// How one document's analysis was found.
enum Found {
    /// From the cache; `true` when its size/mtime must be refreshed (same content).
    Cached(DocumentAnalysis, bool),
    /// Analysed now, from the text with this hash.
    Fresh(DocumentAnalysis, u64),
    /// Not analysed (cancelled, or the text could not be read).
    Skipped,
}

/// Analyses `docs` (in parallel, rayon), taking every valid analysis from `cache` and storing
/// the new ones in it. `text_of(i)` gives the text of `docs[i]` (in memory or read again from
/// disk; `None` when it cannot be read: that document gets an empty analysis); it is called
/// only for documents the cache cannot answer from their size and mtime, at most once each.
/// Call [`AnalysisCache::save`] afterwards (and [`AnalysisCache::prune_unused`] first when
/// `docs` is the whole corpus).
pub fn analyze_with_cache<F>(
    docs: &[Document],
    text_of: F,
    cache: &mut AnalysisCache,
    run: &CacheRun,
) -> CachedAnalyses
where
    F: Fn(usize) -> Option<std::sync::Arc<str>> + Sync,
{
    let total = docs.len();
    let done = AtomicUsize::new(0);
    let report = || {
        let d = done.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(p) = run.progress {
            p(d, total);
        }
    };
    let cancelled = || run.cancel.is_some_and(|c| c.load(Ordering::Relaxed));

    let entries = &cache.entries;
    let found: Vec<Found> = docs
        .par_iter()
        .enumerate()
        .map(|(i, d)| {
            let entry = entries.get(&key_of(d));
            if let Some(e) = entry.filter(|e| same_stat(e, d))
                && let Some(a) = decode_analysis(&e.blob)
            {
                report();
                return Found::Cached(a, false);
            }
            if cancelled() {
                return Found::Skipped;
            }
            let Some(text) = text_of(i) else {
                report();
                return Found::Skipped;
            };
            let hash = hash64(text.as_bytes());
            if let Some(e) = entry.filter(|e| e.hash == hash)
                && let Some(a) = decode_analysis(&e.blob)
            {
                report();
                return Found::Cached(a, true);
            }
            let a = analyze_document(&text, d.published);
            report();
            Found::Fresh(a, hash)
        })
        .collect();

    let mut out = CachedAnalyses { status: cache.status.clone(), ..Default::default() };
    out.analyses.reserve(total);
    for (d, found) in docs.iter().zip(found) {
        match found {
            Found::Cached(a, refreshed) => {
                cache.mark_used(&key_of(d), d, refreshed);
                out.hits += 1;
                out.analyses.push(a);
            }
            Found::Fresh(a, hash) => {
                cache.insert(d, hash, &a);
                out.analysed += 1;
                out.analyses.push(a);
            }
            Found::Skipped => {
                out.skipped += 1;
                out.analyses.push(DocumentAnalysis::default());
            }
        }
    }
    out.cancelled = cancelled() && out.skipped > 0;
    out
}

// ---- khabar cache --info / --clear -------------------------------------------------------------

/// One cache file as `khabar cache --info` shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CacheFileInfo {
    pub path: PathBuf,
    pub bytes: u64,
    /// Entries, when the file is current and valid.
    pub documents: Option<usize>,
    /// `None` when valid and current, else the reason it would be rebuilt.
    pub problem: Option<String>,
    pub modified: Option<SystemTime>,
}

/// Every cache file in `folder` (default: [`cache_folder`]), sorted by path.
pub fn cache_files(folder: &Path) -> Vec<CacheFileInfo> {
    let Ok(rd) = std::fs::read_dir(folder) else { return Vec::new() };
    let mut out: Vec<CacheFileInfo> = rd
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "cache"))
        .map(|path| {
            let meta = std::fs::metadata(&path).ok();
            let (documents, problem) = match read_file(&path, false) {
                Ok(entries) => (Some(entries.len()), None),
                Err(e) => (None, Some(status_message(&e))),
            };
            CacheFileInfo {
                bytes: meta.as_ref().map_or(0, |m| m.len()),
                modified: meta.and_then(|m| m.modified().ok()),
                path,
                documents,
                problem,
            }
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// Deletes every cache file (and stray temporary files) in `folder`; returns (files, bytes).
pub fn clear_cache(folder: &Path) -> std::io::Result<(usize, u64)> {
    let rd = match std::fs::read_dir(folder) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((0, 0)),
        Err(e) => return Err(e),
    };
    let (mut files, mut bytes) = (0, 0);
    for e in rd.flatten() {
        let path = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        // analysis caches, corpus findings files (index/findings.rs) and their temporary files
        let ours = [".cache", ".findings"].iter().any(|ext| {
            name.ends_with(ext) || (name.starts_with('.') && name.contains(&format!("{ext}.tmp-")))
        });
        if ours && path.is_file() {
            bytes += e.metadata().map_or(0, |m| m.len());
            std::fs::remove_file(&path)?;
            files += 1;
        }
    }
    Ok((files, bytes))
}

/// How long ago, for `--info` ("3 min ago").
pub fn age(t: SystemTime) -> String {
    let d = SystemTime::now().duration_since(t).unwrap_or(Duration::ZERO).as_secs();
    match d {
        0..60 => format!("{d} s ago"),
        60..3600 => format!("{} min ago", d / 60),
        3600..86400 => format!("{} h ago", d / 3600),
        _ => format!("{} days ago", d / 86400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::load_bytes;

    fn doc(dir: &Path, name: &str, text: &str) -> Document {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let meta = std::fs::metadata(&path).unwrap();
        let mut d = load_bytes(text.as_bytes(), &path, name).unwrap();
        d.modified = meta.modified().ok();
        d
    }

    /// [`analyze_with_cache`] with the texts in memory or read from disk.
    fn analyze(docs: &[Document], cache: &mut AnalysisCache, run: &CacheRun) -> CachedAnalyses {
        analyze_with_cache(docs, |i| docs.get(i).and_then(|d| d.text_or_read()), cache, run)
    }

    const A: &str = " date 2024-03-01\nاستقبل الرئيس فلاديمير بوتين في موسكو يوم الأحد وزير الخارجية.";
    const B: &str = "قال متحدث باسم وزارة الخارجية الفرنسية في باريس أمس إن الاجتماع سيعقد في 5 أيار 2025.";

    #[test]
    fn blobs_round_trip_without_the_text() {
        for text in [A, B, "", "x"] {
            let a = analyze_document(text, None);
            let blob = encode_analysis(&a);
            assert_eq!(decode_analysis(&blob), Some(a.clone()));
            // a truncated or extended blob is refused, never misread
            if !blob.is_empty() {
                assert_eq!(decode_analysis(&blob[..blob.len() - 1]), None);
            }
            let mut longer = blob.clone();
            longer.push(0);
            assert_eq!(decode_analysis(&longer), None);
        }
    }

    #[test]
    fn repeated_mention_texts_are_stored_once_and_restored_each() {
        let mention = |start: usize, text: &str| EntityMention {
            start,
            end: start + text.chars().count(),
            text: text.into(),
            kind: EntityType::Person,
        };
        let name = "فلاديمير بوتين";
        let once = DocumentAnalysis { entities: vec![mention(0, name)], ..Default::default() };
        let thrice = DocumentAnalysis {
            entities: vec![mention(0, name), mention(40, name), mention(90, name)],
            sentences: vec![4..7, 0..3],
            ..Default::default()
        };
        let blob = encode_analysis(&thrice);
        assert!(blob.len() < encode_analysis(&once).len() + 2 * (name.len() / 2), "{}", blob.len());
        assert_eq!(decode_analysis(&blob), Some(thrice));
    }

    #[test]
    fn a_cached_document_is_listed_without_reading_while_its_stat_is_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.cache");
        let mut d = doc(dir.path(), "a.txt", A);
        d.warnings.push("no byte-order mark: decoded as windows-1256".into());
        let mut cache = AnalysisCache::open(&file);
        analyze(std::slice::from_ref(&d), &mut cache, &CacheRun::default());
        cache.save().unwrap();
        use crate::corpus::KnownDocuments as _;
        let cache = CachedListing::open(&file);
        let entry = crate::corpus::FileEntry {
            path: d.path.clone(),
            rel_path: d.rel_path.clone(),
            bytes: d.bytes,
            modified: d.modified,
        };
        let listed = cache.document(&entry).unwrap();
        assert!(!listed.has_text());
        let mut expected = d.clone();
        expected.release_text();
        assert_eq!(format!("{listed:?}"), format!("{expected:?}"));
        // its text is read again on demand, and is the one it was analysed from
        let read = listed.read_text(&crate::corpus::FsReader).unwrap();
        assert_eq!((read.text.as_ref(), read.changed), (A, false));
        // touched: no longer trusted without reading
        let touched =
            crate::corpus::FileEntry { modified: d.modified.map(|t| t + Duration::from_secs(1)), ..entry };
        assert!(cache.document(&touched).is_none());
    }

    #[test]
    fn hits_need_no_text_and_misses_read_each_text_once() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.cache");
        let mut docs = vec![doc(dir.path(), "a.txt", A), doc(dir.path(), "b.txt", B)];
        for d in &mut docs {
            d.release_text();
        }
        let reads = AtomicUsize::new(0);
        let text_of = |i: usize| {
            reads.fetch_add(1, Ordering::Relaxed);
            docs.get(i).and_then(|d| d.text_or_read())
        };
        let mut cache = AnalysisCache::open(&file);
        let first = analyze_with_cache(&docs, text_of, &mut cache, &CacheRun::default());
        assert_eq!((first.analysed, reads.load(Ordering::Relaxed)), (2, 2));
        assert_eq!(first.analyses[1], analyze_document(B, None));
        cache.save().unwrap();
        let mut cache = AnalysisCache::open(&file);
        let again = analyze_with_cache(&docs, text_of, &mut cache, &CacheRun::default());
        assert_eq!((again.hits, reads.load(Ordering::Relaxed)), (2, 2));
        assert_eq!(again.analyses, first.analyses);
    }

    #[test]
    fn unchanged_reopen_hits_and_a_changed_file_is_reanalysed_alone() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.cache");
        let docs = vec![doc(dir.path(), "a.txt", A), doc(dir.path(), "b.txt", B)];
        let mut cache = AnalysisCache::open(&file);
        let first = analyze(&docs, &mut cache, &CacheRun::default());
        assert_eq!((first.hits, first.analysed), (0, 2));
        cache.save().unwrap();

        let mut cache = AnalysisCache::open(&file);
        assert_eq!(cache.status(), None);
        let again = analyze(&docs, &mut cache, &CacheRun::default());
        assert_eq!((again.hits, again.analysed), (2, 0));
        assert_eq!(again.analyses, first.analyses);

        // b changes content: only b is analysed again
        let changed = "قال الوزير في القاهرة.";
        let docs2 = vec![docs[0].clone(), doc(dir.path(), "b.txt", changed)];
        let third = analyze(&docs2, &mut cache, &CacheRun::default());
        assert_eq!((third.hits, third.analysed), (1, 1));
        assert_eq!(third.analyses[1], analyze_document(changed, None));
    }

    #[test]
    fn a_touched_file_with_the_same_content_is_a_hit_after_hashing() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.cache");
        let mut d = doc(dir.path(), "a.txt", A);
        let mut cache = AnalysisCache::open(&file);
        analyze(std::slice::from_ref(&d), &mut cache, &CacheRun::default());
        cache.save().unwrap();
        d.modified = d.modified.map(|t| t + Duration::from_secs(10));
        let mut cache = AnalysisCache::open(&file);
        let r = analyze(std::slice::from_ref(&d), &mut cache, &CacheRun::default());
        assert_eq!((r.hits, r.analysed), (1, 0));
        // the new mtime is stored, so the next open trusts it without hashing
        cache.save().unwrap();
        let cache = AnalysisCache::open(&file);
        assert_eq!(cache.entries.values().next().unwrap().mtime, d.modified.and_then(epoch));
    }

    #[test]
    fn corrupt_files_are_rebuilt_with_a_status() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.cache");
        let docs = vec![doc(dir.path(), "a.txt", A)];
        let mut cache = AnalysisCache::open(&file);
        analyze(&docs, &mut cache, &CacheRun::default());
        cache.save().unwrap();
        let good = std::fs::read(&file).unwrap();
        let mut flipped = good.clone();
        let last = flipped.len() - 3;
        flipped[last] ^= 0x55;
        for (bad, why) in [
            (flipped, "checksum"),
            (good[..good.len() - 5].to_vec(), "payload bytes"),
            (good[..10].to_vec(), "truncated header"),
            (b"garbage".to_vec(), "not a Khabar cache"),
        ] {
            std::fs::write(&file, &bad).unwrap();
            let mut cache = AnalysisCache::open(&file);
            let status = cache.status().unwrap_or_default().to_string();
            assert!(status.contains("corrupt") && status.contains(why), "{status}");
            let r = analyze(&docs, &mut cache, &CacheRun::default());
            assert_eq!((r.hits, r.analysed), (0, 1));
            assert_eq!(r.status.as_deref(), Some(status.as_str()));
            cache.save().unwrap();
            assert_eq!(AnalysisCache::open(&file).status(), None);
        }
    }

    #[test]
    fn another_analyzer_or_schema_version_is_rebuilt() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.cache");
        let docs = vec![doc(dir.path(), "a.txt", A)];
        let mut cache = AnalysisCache::open(&file);
        analyze(&docs, &mut cache, &CacheRun::default());
        cache.save().unwrap();
        let good = std::fs::read(&file).unwrap();
        let mut other = good.clone();
        other[12] ^= 1; // analyzer version
        std::fs::write(&file, &other).unwrap();
        assert!(AnalysisCache::open(&file).status().unwrap().contains("another version of the analyser"));
        let mut newer = good.clone();
        newer[8..12].copy_from_slice(&(SCHEMA_VERSION + 1).to_le_bytes());
        std::fs::write(&file, &newer).unwrap();
        assert!(AnalysisCache::open(&file).status().unwrap().contains("newer Khabar"));
    }

    #[test]
    fn an_old_version_fixture_is_detected_and_rebuilt() {
        let fixture =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cache-v1/news-0123456789abcdef.cache");
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("news.cache");
        std::fs::copy(&fixture, &file).unwrap();
        let docs = vec![doc(dir.path(), "a.txt", A)];
        let mut cache = AnalysisCache::open(&file);
        let status = cache.status().unwrap().to_string();
        assert!(status.contains("old format (v1, now v3)") && status.contains("rebuilding"), "{status}");
        let r = analyze(&docs, &mut cache, &CacheRun::default());
        assert_eq!((r.hits, r.analysed), (0, 1));
        cache.save().unwrap();
        let mut reopened = AnalysisCache::open(&file);
        assert_eq!(reopened.status(), None);
        assert!(reopened.get(&docs[0]).is_some());
        let info = cache_files(fixture.parent().unwrap());
        assert!(info[0].problem.as_deref().unwrap().contains("old format"));
    }

    #[test]
    fn cancel_skips_the_rest_and_keeps_what_was_done() {
        let dir = tempfile::tempdir().unwrap();
        let docs = vec![doc(dir.path(), "a.txt", A), doc(dir.path(), "b.txt", B)];
        let mut cache = AnalysisCache::open(&dir.path().join("c.cache"));
        let cancel = AtomicBool::new(true);
        let r = analyze(&docs, &mut cache, &CacheRun { progress: None, cancel: Some(&cancel) });
        assert!(r.cancelled);
        assert_eq!((r.hits, r.analysed, r.skipped, r.analyses.len()), (0, 0, 2, 2));
    }

    #[test]
    fn progress_reaches_the_total() {
        let dir = tempfile::tempdir().unwrap();
        let docs = vec![doc(dir.path(), "a.txt", A), doc(dir.path(), "b.txt", B)];
        let mut cache = AnalysisCache::open(&dir.path().join("c.cache"));
        let max = AtomicUsize::new(0);
        let progress = |d: usize, t: usize| {
            assert_eq!(t, 2);
            max.fetch_max(d, Ordering::Relaxed);
        };
        analyze(&docs, &mut cache, &CacheRun { progress: Some(&progress), cancel: None });
        assert_eq!(max.load(Ordering::Relaxed), 2);
    }

    #[test]
    fn prune_drops_files_that_left_the_corpus_and_clear_removes_files() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("caches");
        let file = folder.join("c.cache");
        let docs = vec![doc(dir.path(), "a.txt", A), doc(dir.path(), "b.txt", B)];
        let mut cache = AnalysisCache::open(&file);
        analyze(&docs, &mut cache, &CacheRun::default());
        cache.save().unwrap();
        let mut cache = AnalysisCache::open(&file);
        analyze(&docs[..1], &mut cache, &CacheRun::default());
        cache.prune_unused();
        cache.save().unwrap();
        let info = cache_files(&folder);
        assert_eq!(info.len(), 1);
        assert_eq!((info[0].documents, info[0].problem.as_deref()), (Some(1), None));
        std::fs::write(folder.join("keep.txt"), "not ours").unwrap();
        std::fs::write(folder.join("c.findings"), "findings").unwrap();
        assert_eq!(clear_cache(&folder).unwrap().0, 2);
        assert!(!file.exists() && !folder.join("c.findings").exists() && folder.join("keep.txt").exists());
    }

    #[test]
    fn hash_differs_for_small_changes() {
        let a = hash64(b"abcdefghij");
        assert_ne!(a, hash64(b"abcdefghik"));
        assert_ne!(hash64(b""), hash64(b"\0"));
        assert_ne!(hash64(b"12345678"), hash64(b"123456780"));
    }
}

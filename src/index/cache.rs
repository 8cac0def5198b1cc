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
//! payload = varint count, then per entry: path, size, mtime, content hash, analysis blob
//! ```
//!
//! A file with another schema or analyzer version (the analyzer version hashes the crate
//! version, the embedded model and tables, and the running executable's size and mtime, so any
//! rebuild of the analyser invalidates it), a bad checksum or a truncated payload is dropped
//! and rebuilt; [`AnalysisCache::status`] says why. Mention and time texts are not stored when
//! they equal the document's characters `start..end` (they always should); they are cut from
//! the text again on load.
//!
//! Schema history: v1 (kept as the fixture `tests/fixtures/cache-v1/`) had no content hashes;
//! v2 is the current layout.

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
    DocumentAnalysis, EntityMention, EntityType, InferredDate, TimeExpression, TimexType, analyze_document,
};

/// Magic bytes at the start of a cache file.
pub const MAGIC: &[u8; 8] = b"KHABARAC";
/// Current layout version.
pub const SCHEMA_VERSION: u32 = 2;
/// Bump when the analysis changes in a way the analyzer fingerprint would not notice.
const ANALYZER_REVISION: u32 = 1;
const HEADER_LEN: usize = 8 + 4 + 8 + 8 + 8;

/// A fast 64-bit hash (multiply-rotate over 8-byte words, final avalanche) used for content
/// hashes and the payload checksum. Not cryptographic: it detects changes, not attacks.
pub fn hash64(data: &[u8]) -> u64 {
    const P1: u64 = 0x9E37_79B9_7F4A_7C15;
    const P2: u64 = 0xC2B2_AE3D_27D4_EB4F;
    let mut h: u64 = 0x243F_6A88_85A3_08D3 ^ (data.len() as u64).wrapping_mul(P2);
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h ^ u64::from_le_bytes(w)).wrapping_mul(P1).rotate_left(31);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut w = [0u8; 8];
        for (d, s) in w.iter_mut().zip(rest) {
            *d = *s;
        }
        h = (h ^ u64::from_le_bytes(w)).wrapping_mul(P1).rotate_left(31);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(P2);
    h ^= h >> 29;
    h = h.wrapping_mul(P1);
    h ^ (h >> 32)
}

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

/// The content hash of a document (its decoded text; the header date is part of it).
pub fn content_hash(doc: &Document) -> u64 {
    hash64(doc.text.as_bytes())
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Entry {
    size: u64,
    mtime: Option<(u64, u32)>,
    hash: u64,
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
        let (entries, status) = match read_file(path) {
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
    /// else same content hash). Marks the entry as used.
    pub fn get(&mut self, doc: &Document) -> Option<DocumentAnalysis> {
        let key = key_of(doc);
        let found = lookup(self.entries.get(&key)?, doc)?;
        let (analysis, refreshed) = found;
        if let Some(e) = self.entries.get_mut(&key) {
            e.used = true;
            if refreshed {
                e.size = doc.bytes;
                e.mtime = doc.modified.and_then(epoch);
                self.dirty = true;
            }
        }
        Some(analysis)
    }

    /// Stores the analysis of `doc` (replacing any older entry).
    pub fn insert(&mut self, doc: &Document, analysis: &DocumentAnalysis) {
        let entry = Entry {
            size: doc.bytes,
            mtime: doc.modified.and_then(epoch),
            hash: content_hash(doc),
            blob: encode_analysis(analysis, &doc.text),
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
        let mut payload = Vec::with_capacity(self.entries.values().map(|e| e.blob.len() + 64).sum());
        put_varint(&mut payload, keys.len() as u64);
        for k in keys {
            let Some(e) = self.entries.get(k) else { continue };
            put_bytes(&mut payload, k.as_bytes());
            put_varint(&mut payload, e.size);
            match e.mtime {
                Some((s, n)) => {
                    payload.push(1);
                    put_varint(&mut payload, s);
                    put_varint(&mut payload, u64::from(n));
                }
                None => payload.push(0),
            }
            payload.extend_from_slice(&e.hash.to_le_bytes());
            put_bytes(&mut payload, &e.blob);
        }
        let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&SCHEMA_VERSION.to_le_bytes());
        out.extend_from_slice(&analyzer_version().to_le_bytes());
        out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        out.extend_from_slice(&hash64(&payload).to_le_bytes());
        out.extend_from_slice(&payload);
        write_atomically(&self.path, &out)?;
        self.dirty = false;
        Ok(())
    }
}

fn key_of(doc: &Document) -> String {
    doc.path.to_string_lossy().into_owned()
}

/// Checks an entry against a document: the analysis, and whether size/mtime must be refreshed.
fn lookup(e: &Entry, doc: &Document) -> Option<(DocumentAnalysis, bool)> {
    let mtime = doc.modified.and_then(epoch);
    let same_stat = e.size == doc.bytes && mtime.is_some() && e.mtime == mtime;
    if !same_stat && e.hash != content_hash(doc) {
        return None;
    }
    decode_analysis(&e.blob, &doc.text).map(|a| (a, !same_stat))
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

fn read_file(path: &Path) -> Result<HashMap<String, Entry>, OpenError> {
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
    parse_payload(payload).ok_or_else(|| OpenError::Corrupt("malformed entry".into()))
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

fn parse_payload(payload: &[u8]) -> Option<HashMap<String, Entry>> {
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
        let blob = r.bytes()?.to_vec();
        entries.insert(key, Entry { size, mtime, hash, blob, used: false });
    }
    (r.pos == payload.len()).then_some(entries)
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
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

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
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

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A count of items that follow: each takes at least a byte, so a count larger than the
    /// blob is corrupt (and must not size an allocation).
    fn count(&mut self) -> Option<usize> {
        self.usize().filter(|&n| n <= self.bytes.len())
    }

    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.pos)?;
        self.pos += 1;
        Some(b)
    }

    fn varint(&mut self) -> Option<u64> {
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

    fn usize(&mut self) -> Option<usize> {
        usize::try_from(self.varint()?).ok()
    }

    fn u64(&mut self) -> Option<u64> {
        let b = self.bytes.get(self.pos..self.pos.checked_add(8)?)?;
        self.pos += 8;
        Some(u64::from_le_bytes(b.try_into().ok()?))
    }

    fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.usize()?;
        let b = self.bytes.get(self.pos..self.pos.checked_add(n)?)?;
        self.pos += n;
        Some(b)
    }

    fn string(&mut self) -> Option<String> {
        std::str::from_utf8(self.bytes()?).ok().map(str::to_string)
    }
}

/// Byte offsets of every char of a text, plus its length (code point → byte).
struct CharOffsets(Vec<usize>);

impl CharOffsets {
    fn new(text: &str) -> Self {
        let mut v: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
        v.push(text.len());
        CharOffsets(v)
    }

    fn slice<'t>(&self, text: &'t str, start: usize, end: usize) -> Option<&'t str> {
        if start > end {
            return None;
        }
        text.get(*self.0.get(start)?..*self.0.get(end)?)
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

/// A span's text: flag 0 when it equals the document's chars `start..end`, else 1 + the text.
fn put_span_text(out: &mut Vec<u8>, offsets: &CharOffsets, text: &str, start: usize, end: usize, s: &str) {
    if offsets.slice(text, start, end) == Some(s) {
        out.push(0);
    } else {
        out.push(1);
        put_bytes(out, s.as_bytes());
    }
}

fn get_span_text(
    r: &mut Reader,
    offsets: &CharOffsets,
    text: &str,
    start: usize,
    end: usize,
) -> Option<String> {
    match r.byte()? {
        0 => offsets.slice(text, start, end).map(str::to_string),
        1 => r.string(),
        _ => None,
    }
}

/// Encodes an analysis compactly; texts equal to the document's characters are left out.
pub fn encode_analysis(a: &DocumentAnalysis, text: &str) -> Vec<u8> {
    let offsets = CharOffsets::new(text);
    let mut out = Vec::with_capacity(16 + a.entities.len() * 5 + a.times.len() * 16 + a.sentences.len() * 4);
    put_varint(&mut out, a.entities.len() as u64);
    for m in &a.entities {
        put_varint(&mut out, m.start as u64);
        put_varint(&mut out, m.end.saturating_sub(m.start) as u64);
        out.push(entity_code(m.kind));
        put_span_text(&mut out, &offsets, text, m.start, m.end, &m.text);
    }
    put_varint(&mut out, a.times.len() as u64);
    for t in &a.times {
        put_varint(&mut out, t.start as u64);
        put_varint(&mut out, t.end.saturating_sub(t.start) as u64);
        out.push(timex_code(t.kind));
        put_span_text(&mut out, &offsets, text, t.start, t.end, &t.text);
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

/// Decodes [`encode_analysis`] against the same text; `None` on any inconsistency.
pub fn decode_analysis(blob: &[u8], text: &str) -> Option<DocumentAnalysis> {
    let offsets = CharOffsets::new(text);
    let mut r = Reader { bytes: blob, pos: 0 };
    let n = r.count()?;
    let mut entities = Vec::with_capacity(n);
    for _ in 0..n {
        let start = r.usize()?;
        let end = start.checked_add(r.usize()?)?;
        let kind = entity_kind(r.byte()?)?;
        let text = get_span_text(&mut r, &offsets, text, start, end)?;
        entities.push(EntityMention { start, end, text, kind });
    }
    let n = r.count()?;
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let start = r.usize()?;
        let end = start.checked_add(r.usize()?)?;
        let kind = timex_kind(r.byte()?)?;
        let span = get_span_text(&mut r, &offsets, text, start, end)?;
        let value = r.string()?;
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

/// Analyses `docs` (in parallel, rayon), taking every valid analysis from `cache` and storing
/// the new ones in it. Call [`AnalysisCache::save`] afterwards (and
/// [`AnalysisCache::prune_unused`] first when `docs` is the whole corpus).
pub fn analyze_with_cache(docs: &[Document], cache: &mut AnalysisCache, run: &CacheRun) -> CachedAnalyses {
    let total = docs.len();
    let done = AtomicUsize::new(0);
    let report = |n: usize| {
        let d = done.fetch_add(n, Ordering::Relaxed) + n;
        if let Some(p) = run.progress {
            p(d, total);
        }
    };
    let cancelled = || run.cancel.is_some_and(|c| c.load(Ordering::Relaxed));

    // 1. look up (parallel: hashing and decoding are the work)
    let entries = &cache.entries;
    let looked_up: Vec<Option<(DocumentAnalysis, bool)>> = docs
        .par_iter()
        .map(|d| {
            let found = entries.get(&key_of(d)).and_then(|e| lookup(e, d));
            if found.is_some() {
                report(1);
            }
            found
        })
        .collect();

    // 2. analyse the misses
    let fresh: Vec<Option<DocumentAnalysis>> = docs
        .par_iter()
        .zip(&looked_up)
        .map(|(d, found)| {
            if found.is_some() || cancelled() {
                return None;
            }
            let a = analyze_document(&d.text, d.published);
            report(1);
            Some(a)
        })
        .collect();

    // 3. store and collect
    let mut out = CachedAnalyses { status: cache.status.clone(), ..Default::default() };
    out.analyses.reserve(total);
    for ((d, found), new) in docs.iter().zip(looked_up).zip(fresh) {
        match (found, new) {
            (Some((a, refreshed)), _) => {
                if let Some(e) = cache.entries.get_mut(&key_of(d)) {
                    e.used = true;
                    if refreshed {
                        e.size = d.bytes;
                        e.mtime = d.modified.and_then(epoch);
                        cache.dirty = true;
                    }
                }
                out.hits += 1;
                out.analyses.push(a);
            }
            (None, Some(a)) => {
                cache.insert(d, &a);
                out.analysed += 1;
                out.analyses.push(a);
            }
            (None, None) => {
                out.skipped += 1;
                out.analyses.push(DocumentAnalysis::default());
            }
        }
    }
    out.cancelled = out.skipped > 0;
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
            let (documents, problem) = match read_file(&path) {
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
        let ours = name.ends_with(".cache") || (name.starts_with('.') && name.contains(".cache.tmp-"));
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

    const A: &str = " date 2024-03-01\nاستقبل الرئيس فلاديمير بوتين في موسكو يوم الأحد وزير الخارجية.";
    const B: &str = "قال متحدث باسم وزارة الخارجية الفرنسية في باريس أمس إن الاجتماع سيعقد في 5 أيار 2025.";

    #[test]
    fn blobs_round_trip_against_the_text() {
        for text in [A, B, "", "x"] {
            let a = analyze_document(text, None);
            let blob = encode_analysis(&a, text);
            assert_eq!(decode_analysis(&blob, text), Some(a.clone()));
            // a truncated or extended blob is refused, never misread
            if !blob.is_empty() {
                assert_eq!(decode_analysis(&blob[..blob.len() - 1], text), None);
            }
            let mut longer = blob.clone();
            longer.push(0);
            assert_eq!(decode_analysis(&longer, text), None);
        }
    }

    #[test]
    fn mention_texts_that_differ_from_the_span_are_stored() {
        let text = "abc def";
        let a = DocumentAnalysis {
            entities: vec![EntityMention { start: 0, end: 3, text: "zzz".into(), kind: EntityType::Misc }],
            sentences: vec![4..7, 0..3],
            ..Default::default()
        };
        assert_eq!(decode_analysis(&encode_analysis(&a, text), text), Some(a));
    }

    #[test]
    fn unchanged_reopen_hits_and_a_changed_file_is_reanalysed_alone() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.cache");
        let docs = vec![doc(dir.path(), "a.txt", A), doc(dir.path(), "b.txt", B)];
        let mut cache = AnalysisCache::open(&file);
        let first = analyze_with_cache(&docs, &mut cache, &CacheRun::default());
        assert_eq!((first.hits, first.analysed), (0, 2));
        cache.save().unwrap();

        let mut cache = AnalysisCache::open(&file);
        assert_eq!(cache.status(), None);
        let again = analyze_with_cache(&docs, &mut cache, &CacheRun::default());
        assert_eq!((again.hits, again.analysed), (2, 0));
        assert_eq!(again.analyses, first.analyses);

        // b changes content: only b is analysed again
        let changed = "قال الوزير في القاهرة.";
        let docs2 = vec![docs[0].clone(), doc(dir.path(), "b.txt", changed)];
        let third = analyze_with_cache(&docs2, &mut cache, &CacheRun::default());
        assert_eq!((third.hits, third.analysed), (1, 1));
        assert_eq!(third.analyses[1], analyze_document(changed, None));
    }

    #[test]
    fn a_touched_file_with_the_same_content_is_a_hit_after_hashing() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.cache");
        let mut d = doc(dir.path(), "a.txt", A);
        let mut cache = AnalysisCache::open(&file);
        analyze_with_cache(std::slice::from_ref(&d), &mut cache, &CacheRun::default());
        cache.save().unwrap();
        d.modified = d.modified.map(|t| t + Duration::from_secs(10));
        let mut cache = AnalysisCache::open(&file);
        let r = analyze_with_cache(std::slice::from_ref(&d), &mut cache, &CacheRun::default());
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
        analyze_with_cache(&docs, &mut cache, &CacheRun::default());
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
            let r = analyze_with_cache(&docs, &mut cache, &CacheRun::default());
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
        analyze_with_cache(&docs, &mut cache, &CacheRun::default());
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
        assert!(status.contains("old format (v1, now v2)") && status.contains("rebuilding"), "{status}");
        let r = analyze_with_cache(&docs, &mut cache, &CacheRun::default());
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
        let r = analyze_with_cache(&docs, &mut cache, &CacheRun { progress: None, cancel: Some(&cancel) });
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
        analyze_with_cache(&docs, &mut cache, &CacheRun { progress: Some(&progress), cancel: None });
        assert_eq!(max.load(Ordering::Relaxed), 2);
    }

    #[test]
    fn prune_drops_files_that_left_the_corpus_and_clear_removes_files() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("caches");
        let file = folder.join("c.cache");
        let docs = vec![doc(dir.path(), "a.txt", A), doc(dir.path(), "b.txt", B)];
        let mut cache = AnalysisCache::open(&file);
        analyze_with_cache(&docs, &mut cache, &CacheRun::default());
        cache.save().unwrap();
        let mut cache = AnalysisCache::open(&file);
        analyze_with_cache(&docs[..1], &mut cache, &CacheRun::default());
        cache.prune_unused();
        cache.save().unwrap();
        let info = cache_files(&folder);
        assert_eq!(info.len(), 1);
        assert_eq!((info[0].documents, info[0].problem.as_deref()), (Some(1), None));
        std::fs::write(folder.join("keep.txt"), "not ours").unwrap();
        assert_eq!(clear_cache(&folder).unwrap().0, 1);
        assert!(!file.exists() && folder.join("keep.txt").exists());
    }

    #[test]
    fn hash_differs_for_small_changes() {
        let a = hash64(b"abcdefghij");
        assert_ne!(a, hash64(b"abcdefghik"));
        assert_ne!(hash64(b""), hash64(b"\0"));
        assert_ne!(hash64(b"12345678"), hash64(b"123456780"));
    }
}

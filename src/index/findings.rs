//! The corpus-wide passes over the texts — boilerplate lines, near-duplicate groups and the
//! full-text search index — and their copy in the user's cache directory.
//!
//! The texts are read from disk as the passes go (documents keep none in memory): boilerplate
//! is learned (one read of each text), then one more read gives each document its boilerplate
//! ranges, its near-duplicate sketch and its search postings, boilerplate masked out of both.
//!
//! The result depends on every text, so it is stored whole, keyed by a fingerprint of the
//! corpus (each document's relative path and content hash) and the analyser version: reopening
//! an unchanged corpus loads it instead of reading every file twice; any change recomputes it.
//! Documents are identified by their relative path on disk (the order documents arrive in
//! differs between openings): the search index is built over the documents sorted by path and
//! [`CorpusSearch`] maps its hits back.
//!
//! ```text
//! "KHABARTF"  u32 version  u64 analyzer  u64 fingerprint  u64 payload length  u64 checksum
//! payload = u64 length of the findings, the findings (documents, then per document by
//!           path its boilerplate ranges, the duplicate groups by path order), the search index
//! ```
//!
//! The file is written and read as a stream (the search index is most of it), checksummed on
//! the way: neither side holds it whole in memory.
//!
//! ```text
//! version history: 1 findings and index in one varint payload; 2 findings length-prefixed
//! ```

use std::io::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use super::cache::{Reader, put_varint};
use super::duplicates::{DuplicateGroup, DuplicateOptions, Sketch, groups_from_sketches, sketch};
use super::search::{SearchIndex, SearchResults};
use crate::corpus::{Document, FileReader, hash64};

const MAGIC: &[u8; 8] = b"KHABARTF";
const VERSION: u32 = 2;
const HEADER_LEN: usize = 8 + 4 + 8 + 8 + 8 + 8;

/// What the corpus-wide text passes found (indices are the documents' positions as given).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CorpusTextFindings {
    /// Per document: code-point ranges of boilerplate lines (dimmed in the reader, left out of
    /// extraction, search and duplicate detection).
    pub boilerplate: Vec<Vec<Range<usize>>>,
    /// Groups of near-duplicate documents (two or more each).
    pub duplicates: Vec<DuplicateGroup>,
}

/// The search index of a corpus, built over its documents in path order, with the way back
/// to the documents' positions.
#[derive(Debug, Default)]
pub struct CorpusSearch {
    index: SearchIndex,
    /// Index document id → position of the document.
    documents: Vec<u32>,
}

impl CorpusSearch {
    /// Finds `query` (see [`SearchIndex::search`]); hits name documents by position, and
    /// `text_of` is asked by position too.
    pub fn search<T: AsRef<str>>(
        &self,
        query: &str,
        limit: usize,
        text_of: &dyn Fn(usize) -> T,
    ) -> SearchResults {
        let position = |id: usize| self.documents.get(id).map_or(usize::MAX, |&p| p as usize);
        let mut results = self.index.search(query, limit, &|id| text_of(position(id)));
        for hit in &mut results.hits {
            hit.document = position(hit.document);
        }
        // path order is not position order: hits are listed by position
        results.hits.sort_by_key(|h| (h.document, h.start));
        results
    }
}

/// A text with its boilerplate lines masked (spaces), or the text itself when it has none.
enum Masked {
    Same(Arc<str>),
    Masked(String),
}

impl AsRef<str> for Masked {
    fn as_ref(&self) -> &str {
        match self {
            Masked::Same(t) => t,
            Masked::Masked(t) => t,
        }
    }
}

/// Positions of `docs` sorted by relative path.
fn path_order(docs: &[Document]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..docs.len()).collect();
    order.sort_by(|&a, &b| {
        let path = |i: usize| docs.get(i).map_or("", |d| d.rel_path.as_str());
        path(a).cmp(path(b))
    });
    order
}

/// Runs the text passes over `docs` (texts from memory, or read from disk through `reader`;
/// an unreadable text counts as empty).
pub fn text_passes(docs: &[Document], reader: &dyn FileReader) -> (CorpusTextFindings, CorpusSearch) {
    let n = docs.len();
    let order = path_order(docs);
    let text_at = |k: usize| {
        order
            .get(k)
            .and_then(|&i| docs.get(i))
            .and_then(|d| d.text_through(reader))
            .unwrap_or_else(|| Arc::from(""))
    };
    let model = super::boilerplate::BoilerplateModel::learn_from(n, text_at, Default::default());
    let options = DuplicateOptions { mask_boilerplate: false, ..Default::default() };
    let per_doc: Vec<OnceLock<(Vec<Range<usize>>, Sketch)>> = (0..n).map(|_| OnceLock::new()).collect();
    let index = SearchIndex::build_with(n, |k| {
        let text = text_at(k);
        let ranges = if model.is_empty() { Vec::new() } else { model.boilerplate_ranges(&text) };
        let masked = if ranges.is_empty() {
            Masked::Same(text)
        } else {
            Masked::Masked(super::boilerplate::mask_ranges(&text, &ranges))
        };
        if let Some(slot) = per_doc.get(k) {
            slot.set((ranges, sketch(masked.as_ref(), options.shingle))).ok();
        }
        masked
    });
    let (boilerplate, sketches): (Vec<_>, Vec<_>) = per_doc
        .into_iter()
        .map(|slot| slot.into_inner().unwrap_or_else(|| (Vec::new(), sketch("", options.shingle))))
        .unzip();
    let groups = groups_from_sketches(&sketches, &options);
    drop(sketches);
    from_path_order(&order, boilerplate, groups, index)
}

/// Findings and search with documents in path order → by position.
fn from_path_order(
    order: &[usize],
    boilerplate_by_path: Vec<Vec<Range<usize>>>,
    groups_by_path: Vec<DuplicateGroup>,
    index: SearchIndex,
) -> (CorpusTextFindings, CorpusSearch) {
    let mut boilerplate = vec![Vec::new(); order.len()];
    for (&i, ranges) in order.iter().zip(boilerplate_by_path) {
        if let Some(slot) = boilerplate.get_mut(i) {
            *slot = ranges;
        }
    }
    let mut duplicates: Vec<DuplicateGroup> = groups_by_path
        .into_iter()
        .map(|g| {
            let mut documents: Vec<usize> =
                g.documents.iter().filter_map(|&k| order.get(k).copied()).collect();
            documents.sort_unstable();
            DuplicateGroup { documents, similarity: g.similarity }
        })
        .collect();
    duplicates.sort_by_key(|g| g.documents.first().copied());
    let documents = order.iter().map(|&i| u32::try_from(i).unwrap_or(u32::MAX)).collect();
    (CorpusTextFindings { boilerplate, duplicates }, CorpusSearch { index, documents })
}

/// The fingerprint of a corpus state: each document's relative path and content hash, in
/// path order.
pub fn fingerprint(docs: &[Document]) -> u64 {
    let mut buf = Vec::with_capacity(docs.len() * 48);
    for i in path_order(docs) {
        if let Some(d) = docs.get(i) {
            buf.extend_from_slice(d.rel_path.as_bytes());
            buf.push(0);
            buf.extend_from_slice(&d.text_hash.to_le_bytes());
        }
    }
    hash64(&buf)
}

/// The findings file of the corpus opened from `roots` (beside its analysis cache).
pub fn findings_path_for(roots: &[PathBuf]) -> PathBuf {
    super::cache::cache_folder().join(format!("{}.findings", crate::app_dirs::corpus_key(roots)))
}

/// Text passes through the findings file at `path`: loaded when it matches `docs`, else
/// computed and written. The note says why a file was not used or could not be written.
pub fn text_passes_cached(
    docs: &[Document],
    reader: &dyn FileReader,
    path: &Path,
) -> (CorpusTextFindings, CorpusSearch, Option<String>) {
    let print = fingerprint(docs);
    match load(path, print, docs) {
        Ok((findings, search)) => return (findings, search, None),
        Err(LoadError::Missing | LoadError::Stale) => {}
        Err(LoadError::Invalid(why)) => {
            let (f, s) = text_passes(docs, reader);
            let note = save(path, print, &f, &s, docs)
                .err()
                .map(|e| format!("Could not save the corpus findings: {e}"))
                .or(Some(format!("corpus findings file was {why}; rebuilt it")));
            return (f, s, note);
        }
    }
    let (f, s) = text_passes(docs, reader);
    let note =
        save(path, print, &f, &s, docs).err().map(|e| format!("Could not save the corpus findings: {e}"));
    (f, s, note)
}

/// Why a findings file was not used.
#[derive(Debug, PartialEq)]
pub enum LoadError {
    Missing,
    /// Made for another corpus state or analyser.
    Stale,
    /// Corrupt or truncated, with the reason.
    Invalid(String),
}

/// Writes the findings of `docs` (atomically: temporary file, fsync, rename).
pub fn save(
    path: &Path,
    fingerprint: u64,
    findings: &CorpusTextFindings,
    search: &CorpusSearch,
    docs: &[Document],
) -> std::io::Result<()> {
    // positions → path order (the search index's ids)
    let mut rank = vec![0u32; docs.len()];
    for (k, &i) in search.documents.iter().enumerate() {
        if let Some(r) = rank.get_mut(i as usize) {
            *r = k as u32;
        }
    }
    let mut payload = Vec::new();
    put_varint(&mut payload, search.documents.len() as u64);
    for &i in &search.documents {
        let ranges = findings.boilerplate.get(i as usize).map_or(&[][..], Vec::as_slice);
        put_varint(&mut payload, ranges.len() as u64);
        let mut prev = 0usize;
        for r in ranges {
            put_varint(&mut payload, r.start.saturating_sub(prev) as u64);
            put_varint(&mut payload, r.end.saturating_sub(r.start) as u64);
            prev = r.end.max(r.start);
        }
    }
    put_varint(&mut payload, findings.duplicates.len() as u64);
    for g in &findings.duplicates {
        put_varint(&mut payload, g.documents.len() as u64);
        for &d in &g.documents {
            put_varint(&mut payload, u64::from(rank.get(d).copied().unwrap_or(u32::MAX)));
        }
        payload.extend_from_slice(&g.similarity.to_bits().to_le_bytes());
    }
    drop(rank);
    // The search index (the bulk) is written as it is serialised, checksummed on the way.
    super::cache::write_atomically_with(path, |file| {
        let (len, checksum) = {
            let mut w = HashingWriter {
                inner: std::io::BufWriter::with_capacity(1 << 20, &mut *file),
                hash: crate::corpus::Hash64::new(0),
                len: 0,
            };
            w.inner.write_all(&[0u8; HEADER_LEN])?;
            w.write_all(&(payload.len() as u64).to_le_bytes())?;
            w.write_all(&payload)?;
            search.index.write_to(&mut w)?;
            w.inner.flush()?;
            (w.len, w.hash.clone().finish())
        };
        let mut header = Vec::with_capacity(HEADER_LEN);
        header.extend_from_slice(MAGIC);
        header.extend_from_slice(&VERSION.to_le_bytes());
        header.extend_from_slice(&super::cache::analyzer_version().to_le_bytes());
        header.extend_from_slice(&fingerprint.to_le_bytes());
        header.extend_from_slice(&len.to_le_bytes());
        header.extend_from_slice(&checksum.to_le_bytes());
        use std::io::Seek as _;
        file.seek(std::io::SeekFrom::Start(0))?;
        file.write_all(&header)
    })
}

/// A writer that checksums (and counts) what goes through it.
struct HashingWriter<W: std::io::Write> {
    inner: W,
    hash: crate::corpus::Hash64,
    len: u64,
}

impl<W: std::io::Write> std::io::Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(buf.get(..n).unwrap_or(&[]));
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// A reader that checksums (and counts) what comes through it.
struct HashingReader<R: std::io::Read> {
    inner: R,
    hash: crate::corpus::Hash64,
    len: u64,
}

impl<R: std::io::Read> std::io::Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.update(buf.get(..n).unwrap_or(&[]));
        self.len += n as u64;
        Ok(n)
    }
}

/// Loads the findings file at `path` if it was made for this corpus state (`fingerprint`)
/// and analyser. Read as a stream: the search index is built from the file as it is read.
pub fn load(
    path: &Path,
    fingerprint: u64,
    docs: &[Document],
) -> Result<(CorpusTextFindings, CorpusSearch), LoadError> {
    use std::io::Read as _;
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(LoadError::Missing),
        Err(e) => return Err(LoadError::Invalid(format!("unreadable ({e})"))),
    };
    let mut input = std::io::BufReader::with_capacity(1 << 20, file);
    let mut header = [0u8; HEADER_LEN];
    if let Err(e) = input.read_exact(&mut header) {
        return Err(LoadError::Invalid(if e.kind() == std::io::ErrorKind::UnexpectedEof {
            if header.starts_with(MAGIC) { "truncated".into() } else { "not a Khabar findings file".into() }
        } else {
            format!("unreadable ({e})")
        }));
    }
    let mut r = Reader { bytes: &header, pos: 0 };
    if header.get(..8) != Some(MAGIC.as_slice()) {
        return Err(LoadError::Invalid("not a Khabar findings file".into()));
    }
    let version = header.get(8..12).and_then(|b| b.try_into().ok()).map(u32::from_le_bytes);
    r.pos = 12;
    let truncated = || LoadError::Invalid("truncated".into());
    let analyzer = r.u64().ok_or_else(truncated)?;
    let print = r.u64().ok_or_else(truncated)?;
    if version != Some(VERSION) || analyzer != super::cache::analyzer_version() || print != fingerprint {
        return Err(LoadError::Stale);
    }
    let len = r.u64().ok_or_else(truncated)?;
    let checksum = r.u64().ok_or_else(truncated)?;
    let corrupt = |why: &str| LoadError::Invalid(format!("corrupt ({why})"));
    let mut payload = HashingReader { inner: input.take(len), hash: crate::corpus::Hash64::new(0), len: 0 };
    let mut small_len = [0u8; 8];
    payload.read_exact(&mut small_len).map_err(|_| truncated())?;
    let small_len = u64::from_le_bytes(small_len);
    if small_len > len {
        return Err(corrupt("length"));
    }
    let mut small = Vec::new();
    (&mut payload).take(small_len).read_to_end(&mut small).map_err(|e| corrupt(&e.to_string()))?;
    if small.len() as u64 != small_len {
        return Err(truncated());
    }
    let findings = parse_findings(&small, docs).ok_or_else(|| corrupt("malformed"))?;
    drop(small);
    let index = SearchIndex::read_from(&mut payload).map_err(|_| corrupt("malformed search index"))?;
    // nothing may follow the index, and everything read must match the checksum
    let mut rest = [0u8; 1];
    let trailing = payload.read(&mut rest).map_err(|e| corrupt(&e.to_string()))?;
    let mut beyond = [0u8; 1];
    let beyond = payload.inner.get_mut().read(&mut beyond).unwrap_or(0);
    if trailing != 0 || beyond != 0 || payload.len != len || payload.hash.finish() != checksum {
        return Err(corrupt("checksum or length"));
    }
    if index.document_count() != docs.len() {
        return Err(corrupt("another number of documents"));
    }
    let (boilerplate, groups) = findings;
    Ok(from_path_order(&path_order(docs), boilerplate, groups, index))
}

/// Boilerplate ranges (by path order) and duplicate groups of the findings part of a file.
type PathOrderFindings = (Vec<Vec<Range<usize>>>, Vec<DuplicateGroup>);

fn parse_findings(bytes: &[u8], docs: &[Document]) -> Option<PathOrderFindings> {
    let mut r = Reader { bytes, pos: 0 };
    if r.count()? != docs.len() {
        return None;
    }
    let mut boilerplate = Vec::with_capacity(docs.len());
    for _ in 0..docs.len() {
        let n = r.count()?;
        let mut ranges = Vec::with_capacity(n);
        let mut prev = 0usize;
        for _ in 0..n {
            let start = prev.checked_add(r.usize()?)?;
            let end = start.checked_add(r.usize()?)?;
            ranges.push(start..end);
            prev = end;
        }
        boilerplate.push(ranges);
    }
    let n = r.count()?;
    let mut groups = Vec::with_capacity(n);
    for _ in 0..n {
        let m = r.count()?;
        let mut documents = Vec::with_capacity(m);
        for _ in 0..m {
            documents.push(r.usize().filter(|&d| d < docs.len())?);
        }
        let similarity = f64::from_bits(r.u64()?);
        groups.push(DuplicateGroup { documents, similarity });
    }
    (r.pos == bytes.len()).then_some((boilerplate, groups))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Documents written to `dir` and loaded without their texts (as the app holds them).
    fn corpus(dir: &Path, texts: &[(&str, &str)]) -> Vec<Document> {
        texts
            .iter()
            .map(|(name, text)| {
                let path = dir.join(name);
                std::fs::write(&path, text).unwrap();
                let mut d = crate::corpus::load_bytes(text.as_bytes(), &path, name).unwrap();
                d.release_text();
                d
            })
            .collect()
    }

    const STORY: &str = "أعلنت وزارة الخارجية في القاهرة اليوم أن الوزير سيزور باريس الأسبوع المقبل لبحث العلاقات الثنائية والتعاون الاقتصادي بين البلدين في مجالات الطاقة والنقل والتعليم.";
    const FOOTER: &str = "جميع الحقوق محفوظة لوكالة الأنباء";

    fn texts() -> Vec<(String, String)> {
        let mut v = Vec::new();
        for i in 0..8 {
            v.push((format!("d{i}.txt"), format!("خبر رقم {i} عن موضوع مختلف تماما {i}\nنص الخبر {i} يتحدث عن الاقتصاد والسياسة في المنطقة.\n{FOOTER}")));
        }
        v.push(("copy-a.txt".into(), format!("{STORY}\n{FOOTER}")));
        v.push(("copy-b.txt".into(), format!("{STORY} وأضاف المتحدث.\n{FOOTER}")));
        v
    }

    fn docs_in(dir: &Path, order: &[usize]) -> Vec<Document> {
        let t = texts();
        let pairs: Vec<(&str, &str)> = order.iter().map(|&i| (t[i].0.as_str(), t[i].1.as_str())).collect();
        corpus(dir, &pairs)
    }

    #[test]
    fn passes_find_boilerplate_copies_and_words_from_texts_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let docs = docs_in(dir.path(), &(0..10).collect::<Vec<_>>());
        let (findings, search) = text_passes(&docs, &crate::corpus::FsReader);
        assert!(findings.boilerplate.iter().all(|r| r.len() == 1), "{:?}", findings.boilerplate);
        assert_eq!(findings.duplicates.len(), 1);
        assert_eq!(findings.duplicates[0].documents, vec![8, 9]);
        let text_of = |i: usize| docs[i].text_or_read().unwrap();
        let hits = search.search("الأسبوع", 10, &text_of);
        assert_eq!(hits.hits.iter().map(|h| h.document).collect::<Vec<_>>(), vec![8, 9]);
        // boilerplate is not searchable
        assert_eq!(search.search("محفوظة", 10, &text_of).total_hits, 0);
    }

    #[test]
    fn saved_findings_load_for_the_same_corpus_in_any_order_and_not_for_a_changed_one() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("x.findings");
        let docs = docs_in(dir.path(), &(0..10).collect::<Vec<_>>());
        let (f, s, note) = text_passes_cached(&docs, &crate::corpus::FsReader, &file);
        assert_eq!(note, None);
        assert!(file.exists());
        // the same files arriving in another order: loaded, and mapped to the new positions
        let shuffled: Vec<usize> = vec![9, 3, 0, 8, 1, 2, 4, 5, 6, 7];
        let docs2 = docs_in(dir.path(), &shuffled);
        let (f2, s2) = load(&file, fingerprint(&docs2), &docs2).unwrap();
        let (fresh_f, fresh_s) = text_passes(&docs2, &crate::corpus::FsReader);
        assert_eq!(f2, fresh_f);
        let text_of = |i: usize| docs2[i].text_or_read().unwrap();
        assert_eq!(s2.search("الأسبوع", 10, &text_of), fresh_s.search("الأسبوع", 10, &text_of));
        assert_eq!(f2.duplicates[0].documents, vec![0, 3]);
        assert_ne!(f, f2);
        drop(s);
        // one file changed: stale, recomputed and rewritten
        let mut changed = docs2.clone();
        changed[5].text_hash ^= 1;
        assert_eq!(load(&file, fingerprint(&changed), &changed).unwrap_err(), LoadError::Stale);
    }

    #[test]
    fn a_corrupt_findings_file_is_rebuilt_with_a_note() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("x.findings");
        let docs = docs_in(dir.path(), &(0..10).collect::<Vec<_>>());
        text_passes_cached(&docs, &crate::corpus::FsReader, &file);
        let good = std::fs::read(&file).unwrap();
        let flipped = |at: usize| {
            let mut b = good.clone();
            b[at] ^= 0x40;
            b
        };
        let mut longer = good.clone();
        longer.push(0);
        for bad in [
            good[..good.len() - 3].to_vec(),
            good[..HEADER_LEN + 4].to_vec(),
            b"garbage".to_vec(),
            flipped(good.len() - 1),
            flipped(HEADER_LEN + 9),
            flipped((HEADER_LEN + good.len()) / 2),
            longer,
        ] {
            std::fs::write(&file, &bad).unwrap();
            let (f, _, note) = text_passes_cached(&docs, &crate::corpus::FsReader, &file);
            assert!(note.unwrap_or_default().contains("rebuilt"));
            assert_eq!(f.duplicates.len(), 1);
            assert_eq!(std::fs::read(&file).unwrap(), good, "rewritten identically");
        }
    }

    #[test]
    fn random_bytes_never_panic() {
        let dir = tempfile::tempdir().unwrap();
        let docs = docs_in(dir.path(), &[0, 1]);
        assert!(parse_findings(&[], &docs).is_none());
        let mut seed = 0x1234_5678_u64;
        for len in 0..400 {
            let mut payload = Vec::with_capacity(len);
            for _ in 0..len {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                payload.push((seed >> 33) as u8);
            }
            // (any answer will do, as long as it comes without a panic)
            let _ = parse_findings(&payload, &docs);
        }
    }
}

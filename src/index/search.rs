//! Arabic-normalised full-text search: a positional inverted index over normalised tokens
//! (hamza/alef/ya/ta marbuta/tashkeel/tatweel/digits folded by [`crate::arabic::fold_char`]),
//! phrase queries, proclitic recall, and entity-name lookup.
//!
//! - **Tokens** are maximal runs of letters/digits after folding; dropped characters
//!   (tashkeel, tatweel, bidi controls) do not break a token.
//! - **Postings** per term, varint-encoded: `doc delta × 2 + (tf = 1), [tf if not 1], position
//!   deltas…` (positions are token indices). Built in parallel over chunks of documents (texts asked for one at a time,
//!   so they can come from disk), each chunk's postings one block, merged in document order as
//!   chunks finish: a term's postings are its pieces in the blocks, not copied again. Terms
//!   are one sorted string (binary search), variants flat arrays. Character offsets are not
//!   stored: the few documents shown are re-tokenised (cheap) to turn token positions into
//!   code-point offsets and snippets.
//! - **Persistence**: [`SearchIndex::write_to`] / [`SearchIndex::read_from`], a versioned,
//!   checksummed binary format that loads with a few large reads.
//! - **Proclitics** (و ف ب ل ك ال لل and combinations): a query word also matches the corpus
//!   words made of a proclitic + that word, when that word exists on its own in the corpus
//!   (a lexicon check: بوتين is not ب + وتين unless وتين is a word of the corpus). The hit then
//!   starts after the proclitic.
//! - Hits come in document order, then text order.

use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use crate::arabic::fold_char;

use super::model::{AnalyzedCorpus, EntityId};

/// Proclitic prefixes (normalised), longest first.
const PROCLITICS: &[&str] = &[
    "وبال", "وكال", "فبال", "فكال", "وال", "فال", "بال", "كال", "ولل", "فلل", "وب", "ول", "وك", "فب", "فل",
    "فك", "ال", "لل", "و", "ف", "ب", "ل", "ك",
];

/// One token: normalised form and code-point range in the original text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub norm: String,
    pub start: usize,
    pub end: usize,
}

/// Calls `f(normalised, start, end)` for every token of `text` (code-point offsets).
pub fn for_each_token(text: &str, mut f: impl FnMut(&str, usize, usize)) {
    let mut buf = String::new();
    let mut start = 0;
    let mut end = 0;
    for (i, c) in text.chars().enumerate() {
        match fold_char(c) {
            None => {}
            Some(n) if is_word_char(n) => {
                if buf.is_empty() {
                    start = i;
                }
                buf.push(n);
                end = i + 1;
            }
            Some(_) if !buf.is_empty() => {
                f(&buf, start, end);
                buf.clear();
            }
            Some(_) => {}
        }
    }
    if !buf.is_empty() {
        f(&buf, start, end);
    }
}

/// Letters and digits (fast paths for ASCII and the Arabic block).
#[inline]
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else if ('\u{0621}'..='\u{064A}').contains(&c) {
        true
    } else {
        c.is_alphanumeric()
    }
}

/// Code-point ranges of the first `limit` tokens of `text` (no allocation per token).
fn token_spans(text: &str, limit: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    let mut end = 0;
    for (i, c) in text.chars().enumerate() {
        match fold_char(c) {
            None => {}
            Some(n) if is_word_char(n) => {
                if start.is_none() {
                    start = Some(i);
                }
                end = i + 1;
            }
            Some(_) => {
                if let Some(s) = start.take() {
                    out.push((s, end));
                    if out.len() >= limit {
                        return out;
                    }
                }
            }
        }
    }
    if let Some(s) = start {
        out.push((s, end));
    }
    out
}

/// A small fast hasher (FxHash) for the build's term tables.
#[derive(Default, Clone, Copy)]
struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut v = [0u8; 8];
            if let Some(dst) = v.get_mut(..chunk.len()) {
                dst.copy_from_slice(chunk);
            }
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(v)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(i)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn finish(&self) -> u64 {
        // splitmix64 finaliser: spreads the high bits into the low bits the table indexes by
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// The tokens of `text`.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    for_each_token(text, |n, start, end| out.push(Token { norm: n.to_string(), start, end }));
    out
}

/// A search hit: code-point range in the document and a one-line snippet around it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SearchHit {
    /// Document index (position in the list the index was built from).
    pub document: usize,
    pub start: usize,
    pub end: usize,
    pub snippet: String,
    /// Code point of the document where the snippet starts (the hit is at `start -
    /// snippet_start` in the snippet).
    #[serde(skip)]
    pub snippet_start: usize,
}

/// Result of a query: the first hits and the totals.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchResults {
    pub hits: Vec<SearchHit>,
    pub total_hits: usize,
    pub total_documents: usize,
}

/// The inverted index.
///
/// Terms are sorted (byte order) and stored in one string: term `t` is
/// `term_text[term_ends[t - 1]..term_ends[t]]`, found by binary search. A term's postings are
/// one or more pieces in document order (one per chunk of documents built in parallel, or one
/// per term once read back), each a byte range of a postings block whose first entry holds an
/// absolute document (`doc + 1`) and the next ones document deltas.
#[derive(Clone, Debug, Default)]
pub struct SearchIndex {
    term_text: String,
    term_ends: Vec<u32>,
    /// Pieces of term `t`: `pieces[piece_starts[t]..piece_starts[t + 1]]` (terms + 1 entries).
    piece_starts: Vec<u32>,
    pieces: Vec<Piece>,
    blocks: Vec<Vec<u8>>,
    /// Terms made of a proclitic + term `t`: `variant_ids[variant_starts[t]..variant_starts[t + 1]]`.
    variant_starts: Vec<u32>,
    variant_ids: Vec<u32>,
    documents: usize,
}

/// A byte range of a postings block.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Piece {
    block: u32,
    start: u32,
    end: u32,
}

/// Documents per build chunk at most (a chunk's postings are one block; fewer, larger chunks
/// mean fewer pieces but more memory in flight).
const CHUNK_MAX: usize = 4096;

/// Postings of at most this many bytes are rewritten as one piece per term after the build
/// (a copy: larger indexes keep their chunk pieces rather than double their memory).
const COMPACT_MAX: usize = 32 << 20;

/// Strings interned in one arena with an open-addressing table of ids.
#[derive(Default)]
struct Interner {
    text: String,
    ends: Vec<u32>,
    /// id + 1, 0 = empty; a power of two, at most half full
    slots: Vec<u32>,
}

impl Interner {
    fn len(&self) -> usize {
        self.ends.len()
    }

    fn get(&self, id: usize) -> &str {
        let start = if id == 0 { 0 } else { self.ends.get(id - 1).copied().unwrap_or(0) as usize };
        let end = self.ends.get(id).copied().unwrap_or(0) as usize;
        self.text.get(start..end).unwrap_or("")
    }

    fn hash(s: &str) -> usize {
        use std::hash::Hasher as _;
        let mut h = FxHasher::default();
        h.write(s.as_bytes());
        h.finish() as usize
    }

    /// The id of `s` and whether it is new.
    fn intern(&mut self, s: &str) -> (u32, bool) {
        if (self.ends.len() + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len().wrapping_sub(1);
        let mut i = Self::hash(s) & mask;
        while let Some(&v) = self.slots.get(i) {
            if v == 0 {
                break;
            }
            if self.get(v as usize - 1) == s {
                return (v - 1, false);
            }
            i = (i + 1) & mask;
        }
        let id = self.ends.len() as u32;
        self.text.push_str(s);
        self.ends.push(self.text.len() as u32);
        if let Some(slot) = self.slots.get_mut(i) {
            *slot = id + 1;
        }
        (id, true)
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(1024);
        let mask = size - 1;
        let mut slots = vec![0u32; size];
        for id in 0..self.ends.len() {
            let mut i = Self::hash(self.get(id)) & mask;
            while slots.get(i).is_some_and(|&v| v != 0) {
                i = (i + 1) & mask;
            }
            if let Some(slot) = slots.get_mut(i) {
                *slot = id as u32 + 1;
            }
        }
        self.slots = slots;
    }
}

/// The postings of one chunk of documents: local term `t` has `bytes[ends[t - 1]..ends[t]]`.
struct ChunkIndex {
    terms: Interner,
    bytes: Vec<u8>,
    ends: Vec<u32>,
}

fn index_chunk<S: AsRef<str>>(base: usize, texts: impl Iterator<Item = S>) -> ChunkIndex {
    let mut terms = Interner::default();
    // per local term: postings, last document
    let mut lists: Vec<(Vec<u8>, u32)> = Vec::new();
    let mut toks: Vec<(u32, u32)> = Vec::new(); // (term, position)
    for (k, t) in texts.enumerate() {
        let doc = (base + k) as u32;
        toks.clear();
        let mut pos = 0u32;
        for_each_token(t.as_ref(), |n, _, _| {
            let (id, new) = terms.intern(n);
            if new {
                lists.push((Vec::new(), u32::MAX));
            }
            toks.push((id, pos));
            pos = pos.saturating_add(1);
        });
        toks.sort_unstable();
        let mut i = 0;
        while let Some(&(id, _)) = toks.get(i) {
            let mut j = i;
            while toks.get(j).is_some_and(|t| t.0 == id) {
                j += 1;
            }
            let Some((bytes, last)) = lists.get_mut(id as usize) else { break };
            let delta = if *last == u32::MAX { doc.saturating_add(1) } else { doc.saturating_sub(*last) };
            // entry head: delta and whether tf is 1 (most entries), else tf follows
            let tf = (j - i) as u32;
            put_varint64(bytes, (u64::from(delta) << 1) | u64::from(tf == 1));
            if tf != 1 {
                put_varint(bytes, tf);
            }
            let mut prev = 0;
            for &(_, p) in toks.get(i..j).unwrap_or(&[]) {
                put_varint(bytes, p - prev);
                prev = p;
            }
            *last = doc;
            i = j;
        }
    }
    // one exact block; each list is freed as it is copied
    let total = lists.iter().map(|l| l.0.len()).sum();
    let mut bytes = Vec::with_capacity(total);
    let mut ends = Vec::with_capacity(lists.len());
    for (list, _) in lists {
        bytes.extend_from_slice(&list);
        ends.push(bytes.len() as u32);
    }
    terms.slots = Vec::new();
    ChunkIndex { terms, bytes, ends }
}

/// Chunks merged in document order as they are finished: their terms get global ids and their
/// blocks become pieces.
#[derive(Default)]
struct Merger {
    /// next chunk to merge
    next: usize,
    pending: std::collections::BTreeMap<usize, ChunkIndex>,
    terms: Interner,
    blocks: Vec<Vec<u8>>,
    /// (global term id, piece), in document order
    pieces: Vec<(u32, Piece)>,
    /// a worker stopped (panicked): the others stop waiting
    failed: bool,
}

impl Merger {
    fn absorb(&mut self, chunk: ChunkIndex) {
        let block = self.blocks.len() as u32;
        let mut start = 0u32;
        for (local, &end) in chunk.ends.iter().enumerate() {
            let (id, _) = self.terms.intern(chunk.terms.get(local));
            if end > start {
                self.pieces.push((id, Piece { block, start, end }));
            }
            start = end;
        }
        self.blocks.push(chunk.bytes);
    }

    /// The index: terms sorted, pieces grouped by term.
    fn finish(self, documents: usize, compact_max: usize) -> SearchIndex {
        let Merger { terms, blocks, pieces, .. } = self;
        let n = terms.len();
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.par_sort_unstable_by(|&a, &b| terms.get(a as usize).cmp(terms.get(b as usize)));
        let mut rank = vec![0u32; n];
        let mut term_text = String::with_capacity(terms.text.len());
        let mut term_ends = Vec::with_capacity(n);
        for (r, &id) in order.iter().enumerate() {
            if let Some(slot) = rank.get_mut(id as usize) {
                *slot = r as u32;
            }
            term_text.push_str(terms.get(id as usize));
            term_ends.push(term_text.len() as u32);
        }
        drop((terms, order));
        // pieces by term, then document (block) order, sorted in place
        let mut pieces = pieces;
        let mut piece_starts = vec![0u32; n + 1];
        for (id, _) in &mut pieces {
            *id = rank.get(*id as usize).copied().unwrap_or(0);
            if let Some(c) = piece_starts.get_mut(*id as usize + 1) {
                *c += 1;
            }
        }
        drop(rank);
        for t in 1..piece_starts.len() {
            let prev = piece_starts.get(t - 1).copied().unwrap_or(0);
            if let Some(c) = piece_starts.get_mut(t) {
                *c += prev;
            }
        }
        pieces.par_sort_unstable_by_key(|&(term, piece)| (term, piece.block));
        // (reuses the allocation)
        let sorted: Vec<Piece> = pieces.into_iter().map(|(_, piece)| piece).collect();
        let mut index = SearchIndex {
            term_text,
            term_ends,
            piece_starts,
            pieces: sorted,
            blocks,
            variant_starts: Vec::new(),
            variant_ids: Vec::new(),
            documents,
        };
        if index.pieces.len() > n && index.blocks.iter().map(Vec::len).sum::<usize>() <= compact_max {
            index.compact();
        }
        index.find_variants();
        index
    }
}

/// Locks `m`, whether or not another thread panicked while holding it.
fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Cursor over one term's postings (its pieces in turn).
struct Cursor<'a> {
    index: &'a SearchIndex,
    pieces: &'a [Piece],
    /// next piece to open
    piece: usize,
    bytes: &'a [u8],
    /// byte offset of the next doc entry
    next: usize,
    doc: u32,
    tf: u32,
    pos_at: usize,
    done: bool,
}

impl<'a> Cursor<'a> {
    fn new(index: &'a SearchIndex, term: u32) -> Self {
        Self::over(index, index.pieces_of(term))
    }

    fn over(index: &'a SearchIndex, pieces: &'a [Piece]) -> Self {
        let mut c =
            Cursor { index, pieces, piece: 0, bytes: &[], next: 0, doc: 0, tf: 0, pos_at: 0, done: false };
        c.read_entry();
        c
    }

    fn read_entry(&mut self) {
        let mut first = false;
        while self.next >= self.bytes.len() {
            let Some(p) = self.pieces.get(self.piece) else {
                self.done = true;
                return;
            };
            self.bytes = self.index.piece_bytes(p);
            self.piece += 1;
            self.next = 0;
            first = true;
        }
        let mut at = self.next;
        let head = get_varint64(self.bytes, &mut at);
        let tf = match head {
            Some(h) if h & 1 == 1 => Some(1),
            Some(_) => get_varint(self.bytes, &mut at),
            None => None,
        };
        let (Some(delta), Some(tf)) = (head.and_then(|h| u32::try_from(h >> 1).ok()), tf) else {
            self.done = true;
            return;
        };
        let doc = if first { delta.checked_sub(1) } else { self.doc.checked_add(delta) };
        let Some(doc) = doc else {
            self.done = true;
            return;
        };
        self.doc = doc;
        self.tf = tf;
        self.pos_at = at;
        // skip positions: tf varints
        let mut left = tf;
        while left > 0 {
            match self.bytes.get(at) {
                Some(b) => {
                    if b & 0x80 == 0 {
                        left -= 1;
                    }
                    at += 1;
                }
                None => break,
            }
        }
        self.next = at;
    }

    fn advance(&mut self) {
        if !self.done {
            self.read_entry();
        }
    }

    fn positions(&self, out: &mut Vec<u32>) {
        let mut at = self.pos_at;
        let mut p: u32 = 0;
        for _ in 0..self.tf {
            let Some(d) = get_varint(self.bytes, &mut at) else { break };
            p = p.saturating_add(d);
            out.push(p);
        }
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn get_varint(bytes: &[u8], at: &mut usize) -> Option<u32> {
    let mut v: u32 = 0;
    let mut shift = 0;
    loop {
        let b = *bytes.get(*at)?;
        *at += 1;
        v |= u32::from(b & 0x7f).checked_shl(shift)?;
        if b & 0x80 == 0 {
            return Some(v);
        }
        shift += 7;
    }
}

fn put_varint64(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn get_varint64(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let mut v: u64 = 0;
    let mut shift = 0;
    loop {
        let b = *bytes.get(*at)?;
        *at += 1;
        v |= u64::from(b & 0x7f).checked_shl(shift)?;
        if b & 0x80 == 0 {
            return Some(v);
        }
        shift += 7;
    }
}

/// Cursor over the union of a query word's terms (the word and its proclitic variants).
struct WordCursor<'a> {
    parts: Vec<Cursor<'a>>,
}

impl<'a> WordCursor<'a> {
    fn doc(&self) -> Option<u32> {
        self.parts.iter().filter(|c| !c.done).map(|c| c.doc).min()
    }
    /// Moves every part to its first doc ≥ `target`.
    fn seek(&mut self, target: u32) {
        for c in &mut self.parts {
            while !c.done && c.doc < target {
                c.advance();
            }
        }
    }
    fn tf(&self, doc: u32) -> usize {
        self.parts.iter().filter(|c| !c.done && c.doc == doc).map(|c| c.tf as usize).sum()
    }
    fn positions(&self, doc: u32, out: &mut Vec<u32>) {
        out.clear();
        for c in self.parts.iter().filter(|c| !c.done && c.doc == doc) {
            c.positions(out);
        }
        out.sort_unstable();
    }
}

impl SearchIndex {
    /// Builds the index over documents (in parallel; document `i` is `texts[i]`).
    pub fn build<S: AsRef<str> + Sync>(texts: &[S]) -> Self {
        Self::build_with(texts.len(), |i| texts.get(i).map_or("", |t| t.as_ref()))
    }

    /// Builds the index over `n` documents, document `i` being `text_of(i)` — called once per
    /// document from the worker threads, so the texts can be read from disk as they are indexed.
    ///
    /// Workers take chunks of documents in order; finished chunks are merged in document order
    /// as soon as they can be (a worker more than two chunks per thread ahead waits, up to a
    /// second), so only a few chunks are in memory besides the index itself.
    pub fn build_with<F, T>(n: usize, text_of: F) -> Self
    where
        F: Fn(usize) -> T + Sync,
        T: AsRef<str>,
    {
        Self::build_chunked(n, text_of, COMPACT_MAX)
    }

    /// [`SearchIndex::build_with`], compacting the pieces when the postings are at most
    /// `compact_max` bytes.
    fn build_chunked<F, T>(n: usize, text_of: F, compact_max: usize) -> Self
    where
        F: Fn(usize) -> T + Sync,
        T: AsRef<str>,
    {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let threads = rayon::current_num_threads().max(1);
        let chunk = (n / (threads * 8)).clamp(64, CHUNK_MAX);
        let chunks = n.div_ceil(chunk);
        let window = 2 * threads;
        let merger = std::sync::Mutex::new(Merger::default());
        let ready = std::sync::Condvar::new();
        let claimed = AtomicUsize::new(0);
        /// Marks the merge failed if its worker unwinds, so no other worker waits for it.
        struct Guard<'a>(&'a std::sync::Mutex<Merger>, &'a std::sync::Condvar);
        impl Drop for Guard<'_> {
            fn drop(&mut self) {
                if std::thread::panicking() {
                    lock(self.0).failed = true;
                    self.1.notify_all();
                }
            }
        }
        let work = || {
            let _guard = Guard(&merger, &ready);
            loop {
                let k = claimed.fetch_add(1, Ordering::Relaxed);
                if k >= chunks {
                    break;
                }
                {
                    let mut m = lock(&merger);
                    // (never forever: were `text_of` to run rayon work, this thread could be
                    // waiting inside the very chunk it waits for)
                    let until = Instant::now() + std::time::Duration::from_secs(1);
                    while k > m.next + window && !m.failed {
                        let left = until.saturating_duration_since(Instant::now());
                        if left.is_zero() {
                            break;
                        }
                        m = match ready.wait_timeout(m, left) {
                            Ok((m, _)) => m,
                            Err(e) => e.into_inner().0,
                        };
                    }
                    if m.failed {
                        return;
                    }
                }
                let start = k * chunk;
                let c = index_chunk(start, (start..(start + chunk).min(n)).map(&text_of));
                let mut m = lock(&merger);
                m.pending.insert(k, c);
                loop {
                    let next = m.next;
                    let Some(c) = m.pending.remove(&next) else { break };
                    m.absorb(c);
                    m.next += 1;
                }
                drop(m);
                ready.notify_all();
            }
        };
        rayon::scope(|s| {
            for _ in 1..threads.min(chunks) {
                s.spawn(|_| work());
            }
            work();
        });
        merger.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner).finish(n, compact_max)
    }

    /// Term `t` (empty when out of range).
    fn term(&self, t: usize) -> &str {
        let start = if t == 0 { 0 } else { self.term_ends.get(t - 1).copied().unwrap_or(0) as usize };
        let end = self.term_ends.get(t).copied().unwrap_or(0) as usize;
        self.term_text.get(start..end).unwrap_or("")
    }

    /// The id of `word` (binary search over the sorted terms).
    fn term_id(&self, word: &str) -> Option<u32> {
        let (mut lo, mut hi) = (0, self.term_ends.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.term(mid).cmp(word) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid as u32),
            }
        }
        None
    }

    fn pieces_of(&self, t: u32) -> &[Piece] {
        let at = |i: usize| self.piece_starts.get(i).copied().unwrap_or(0) as usize;
        self.pieces.get(at(t as usize)..at(t as usize + 1)).unwrap_or(&[])
    }

    fn piece_bytes(&self, p: &Piece) -> &[u8] {
        self.blocks.get(p.block as usize).and_then(|b| b.get(p.start as usize..p.end as usize)).unwrap_or(&[])
    }

    fn variants_of(&self, t: u32) -> &[u32] {
        let at = |i: usize| self.variant_starts.get(i).copied().unwrap_or(0) as usize;
        self.variant_ids.get(at(t as usize)..at(t as usize + 1)).unwrap_or(&[])
    }

    /// The last document of every piece (in parallel).
    fn piece_last_docs(&self) -> Vec<u32> {
        self.pieces
            .par_iter()
            .map(|p| {
                let mut c = Cursor::over(self, std::slice::from_ref(p));
                let mut last = 0;
                while !c.done {
                    last = c.doc;
                    c.advance();
                }
                last
            })
            .collect()
    }

    /// Term `t`'s postings as one piece — each later piece's first document (absolute) becomes
    /// a delta from the previous piece's last document (`last_docs` of every piece) — appended
    /// to `out` if given; returns their length.
    fn merged_postings(&self, t: u32, last_docs: &[u32], mut out: Option<&mut Vec<u8>>) -> usize {
        let first = self.piece_starts.get(t as usize).copied().unwrap_or(0) as usize;
        let mut len = 0;
        let mut head_buf = Vec::with_capacity(10);
        for (k, p) in self.pieces_of(t).iter().enumerate() {
            let bytes = self.piece_bytes(p);
            let mut at = 0;
            head_buf.clear();
            if k > 0 {
                let Some(head) = get_varint64(bytes, &mut at) else { continue };
                let prev = last_docs.get(first + k - 1).copied().unwrap_or(0);
                let delta = (head >> 1).saturating_sub(1).saturating_sub(u64::from(prev));
                put_varint64(&mut head_buf, (delta << 1) | (head & 1));
            }
            let rest = bytes.get(at..).unwrap_or(&[]);
            len += head_buf.len() + rest.len();
            if let Some(out) = out.as_deref_mut() {
                out.extend_from_slice(&head_buf);
                out.extend_from_slice(rest);
            }
        }
        len
    }

    /// One piece per term, in one block (when small; see [`COMPACT_MAX`]).
    fn compact(&mut self) {
        let total: usize = self.blocks.iter().map(Vec::len).sum();
        let mut block = Vec::with_capacity(total);
        let mut pieces = Vec::with_capacity(self.term_count());
        let last_docs = self.piece_last_docs();
        for t in 0..self.term_count() as u32 {
            let start = block.len() as u32;
            self.merged_postings(t, &last_docs, Some(&mut block));
            pieces.push(Piece { block: 0, start, end: block.len() as u32 });
        }
        self.piece_starts = (0..=pieces.len() as u32).collect();
        self.pieces = pieces;
        self.blocks = vec![block];
    }

    /// Documents containing term `id`.
    fn doc_freq(&self, id: u32) -> usize {
        let mut c = Cursor::new(self, id);
        let mut n = 0;
        while !c.done {
            n += 1;
            c.advance();
        }
        n
    }

    /// Builds the index over the documents of an analysed corpus (document `i` =
    /// `corpus.documents[i]`); search it with [`SearchIndex::search_corpus`].
    pub fn for_corpus(corpus: &AnalyzedCorpus) -> Self {
        let texts: Vec<&str> = corpus.documents.iter().map(|d| d.doc.text.as_ref()).collect();
        Self::build(&texts)
    }

    /// [`SearchIndex::search`] with the texts of `corpus` (the corpus the index was built from).
    pub fn search_corpus(&self, corpus: &AnalyzedCorpus, query: &str, limit: usize) -> SearchResults {
        let text_of = |i: usize| corpus.documents.get(i).map(|d| d.doc.text.as_ref()).unwrap_or("");
        self.search(query, limit, &text_of)
    }

    /// Fills the proclitic variants: term → the terms that read as a proclitic + that term.
    fn find_variants(&mut self) {
        let n = self.term_count() as u32;
        let df: Vec<usize> = (0..n).into_par_iter().map(|t| self.doc_freq(t)).collect();
        let df_of = |i: u32| df.get(i as usize).copied().unwrap_or(0);
        let mut pairs: Vec<(u32, u32)> = (0..n)
            .into_par_iter()
            .flat_map_iter(|id| {
                let term = self.term(id as usize);
                // readings proclitic + bare word, where the bare word is a word of the corpus
                let mut readings: Vec<(u32, usize)> = Vec::new();
                for p in PROCLITICS {
                    let Some(rest) = term.strip_prefix(p) else { continue };
                    // short bare words only after و or ف (ومن → من, but الله is not ال + له)
                    let min = if *p == "و" || *p == "ف" { 2 } else { 3 };
                    if rest.chars().count() < min {
                        continue;
                    }
                    let mut stems = vec![rest.to_string()];
                    if p.ends_with("لل") {
                        stems.push(format!("ال{rest}"));
                    }
                    for s in stems {
                        if let Some(sid) = self.term_id(&s)
                            && sid != id
                            && !readings.iter().any(|r| r.0 == sid)
                        {
                            readings.push((sid, df_of(sid)));
                        }
                    }
                }
                // lexicon check: keep readings whose bare word is not much rarer than the
                // prefixed word or than the best reading (وبوتين is و + بوتين, not وب + وتين)
                let best = readings.iter().map(|r| r.1).max().unwrap_or(0);
                let own = df_of(id);
                readings
                    .into_iter()
                    .filter(move |&(_, d)| d * 8 >= own && d * 8 >= best)
                    .map(move |r| (r.0, id))
            })
            .collect();
        drop(df);
        pairs.par_sort_unstable();
        let mut starts = vec![0u32; n as usize + 1];
        for &(sid, _) in &pairs {
            if let Some(c) = starts.get_mut(sid as usize + 1) {
                *c += 1;
            }
        }
        for t in 1..starts.len() {
            let prev = starts.get(t - 1).copied().unwrap_or(0);
            if let Some(c) = starts.get_mut(t) {
                *c += prev;
            }
        }
        self.variant_starts = starts;
        self.variant_ids = pairs.into_iter().map(|p| p.1).collect();
    }

    /// Number of documents indexed.
    pub fn document_count(&self) -> usize {
        self.documents
    }

    /// Number of distinct terms.
    pub fn term_count(&self) -> usize {
        self.term_ends.len()
    }

    /// Number of postings pieces (one per term and build chunk it occurs in; one per term once
    /// read back).
    pub fn piece_count(&self) -> usize {
        self.pieces.len()
    }

    /// Memory used by the index, in bytes.
    pub fn size_bytes(&self) -> usize {
        let blocks: usize = self.blocks.iter().map(|b| b.capacity() + 24).sum();
        self.term_text.capacity()
            + 4 * (self.term_ends.capacity()
                + self.piece_starts.capacity()
                + self.variant_starts.capacity()
                + self.variant_ids.capacity())
            + std::mem::size_of::<Piece>() * self.pieces.capacity()
            + blocks
    }

    fn word_cursor(&self, word: &str) -> Option<WordCursor<'_>> {
        let id = self.term_id(word)?;
        let parts = std::iter::once(id)
            .chain(self.variants_of(id).iter().copied())
            .map(|t| Cursor::new(self, t))
            .collect();
        Some(WordCursor { parts })
    }

    /// Finds `query` (one word or a phrase) and returns the first `limit` hits in document
    /// order, with offsets and snippets from `text_of(document)`, plus the total counts.
    pub fn search<T: AsRef<str>>(
        &self,
        query: &str,
        limit: usize,
        text_of: &dyn Fn(usize) -> T,
    ) -> SearchResults {
        let words: Vec<String> = tokenize(query).into_iter().map(|t| t.norm).collect();
        let mut result = SearchResults::default();
        if words.is_empty() {
            return result;
        }
        let mut cursors = Vec::with_capacity(words.len());
        for w in &words {
            match self.word_cursor(w) {
                Some(c) => cursors.push(c),
                None => return result,
            }
        }
        // (doc, first token position) of the first `limit` hits
        let mut raw: Vec<(u32, u32)> = Vec::new();
        let mut pos_lists: Vec<Vec<u32>> = vec![Vec::new(); cursors.len()];
        let Some(mut target) = cursors.first().and_then(|c| c.doc()) else { return result };
        'docs: loop {
            // leapfrog to a document containing every word
            let mut agreed = 0;
            let mut i = 0;
            while agreed < cursors.len() {
                let Some(c) = cursors.get_mut(i) else { break 'docs };
                c.seek(target);
                match c.doc() {
                    None => break 'docs,
                    Some(d) if d == target => agreed += 1,
                    Some(d) => {
                        target = d;
                        agreed = 1;
                    }
                }
                i = (i + 1) % cursors.len();
            }
            let doc = target;
            let mut hits_here = 0;
            if cursors.len() == 1 {
                hits_here = cursors.first().map(|c| c.tf(doc)).unwrap_or(0);
                if raw.len() < limit
                    && let (Some(c), Some(list)) = (cursors.first(), pos_lists.first_mut())
                {
                    c.positions(doc, list);
                    for &p in list.iter() {
                        if raw.len() < limit {
                            raw.push((doc, p));
                        }
                    }
                }
            } else {
                for (c, list) in cursors.iter().zip(pos_lists.iter_mut()) {
                    c.positions(doc, list);
                }
                if let Some((first, rest)) = pos_lists.split_first() {
                    for &p in first {
                        let ok = rest.iter().enumerate().all(|(k, l)| {
                            p.checked_add(k as u32 + 1).is_some_and(|q| l.binary_search(&q).is_ok())
                        });
                        if ok {
                            hits_here += 1;
                            if raw.len() < limit {
                                raw.push((doc, p));
                            }
                        }
                    }
                }
            }
            if hits_here > 0 {
                result.total_hits += hits_here;
                result.total_documents += 1;
            }
            let Some(next) = doc.checked_add(1) else { break };
            target = next;
        }
        result.hits = self.resolve(&raw, &words, text_of);
        result
    }

    /// Every hit of `query`, in document order.
    pub fn search_all<T: AsRef<str>>(&self, query: &str, text_of: &dyn Fn(usize) -> T) -> Vec<SearchHit> {
        self.search(query, usize::MAX, text_of).hits
    }

    /// Turns (doc, token position) into offsets and snippets by re-tokenising the documents.
    fn resolve<T: AsRef<str>>(
        &self,
        raw: &[(u32, u32)],
        words: &[String],
        text_of: &dyn Fn(usize) -> T,
    ) -> Vec<SearchHit> {
        let mut out = Vec::with_capacity(raw.len());
        let mut i = 0;
        while i < raw.len() {
            let Some(&(doc, _)) = raw.get(i) else { break };
            let mut j = i;
            while raw.get(j).is_some_and(|r| r.0 == doc) {
                j += 1;
            }
            let text = text_of(doc as usize);
            let text = text.as_ref();
            let hits_here = raw.get(i..j).unwrap_or(&[]);
            let need = hits_here.iter().map(|h| h.1 as usize + words.len()).max().unwrap_or(0);
            let spans = token_spans(text, need);
            let chars: Vec<char> = text.chars().collect();
            for &(_, p) in hits_here {
                let (Some(&(first_start, first_end)), Some(&(_, last_end))) =
                    (spans.get(p as usize), spans.get(p as usize + words.len().saturating_sub(1)))
                else {
                    continue;
                };
                let mut start = first_start;
                let first_chars = chars.get(first_start..first_end).unwrap_or(&[]);
                let first_norm: String = first_chars.iter().filter_map(|&c| fold_char(c)).collect();
                if let Some(q) = words.first()
                    && first_norm != *q
                    && first_norm.ends_with(q.as_str())
                {
                    // skip the proclitic: count kept chars in the original token
                    let skip = first_norm.chars().count() - q.chars().count();
                    let mut kept = 0;
                    for (k, &c) in first_chars.iter().enumerate() {
                        if kept == skip && fold_char(c).is_some() {
                            start = first_start + k;
                            break;
                        }
                        if fold_char(c).is_some() {
                            kept += 1;
                        }
                    }
                }
                let (snippet_start, snippet) = snippet(&chars, start, last_end);
                out.push(SearchHit { document: doc as usize, start, end: last_end, snippet, snippet_start });
            }
            i = j;
        }
        out
    }
}

/// About 40 code points of context before and 60 after, cut at spaces, on one line.
fn snippet(chars: &[char], start: usize, end: usize) -> (usize, String) {
    let mut s = start.saturating_sub(40);
    if s > 0 {
        while s < start && !chars.get(s - 1).is_some_and(|c| c.is_whitespace()) {
            s += 1;
        }
    }
    let mut e = (end + 60).min(chars.len());
    if e < chars.len() {
        while e > end && !chars.get(e).is_some_and(|c| c.is_whitespace()) {
            e -= 1;
        }
    }
    let text: String = chars
        .get(s..e)
        .unwrap_or(&[])
        .iter()
        .map(|&c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    (s, text)
}

/// Entities whose canonical form or an alias contains the normalised query (as whole tokens),
/// exact matches first, then by mention count.
pub fn search_entities(corpus: &AnalyzedCorpus, query: &str) -> Vec<EntityId> {
    let q: Vec<String> = tokenize(query).into_iter().map(|t| t.norm).collect();
    if q.is_empty() {
        return Vec::new();
    }
    let mut found: Vec<(bool, usize, EntityId)> = Vec::new();
    for (i, e) in corpus.entities.iter().enumerate() {
        let mut best: Option<bool> = None;
        for name in std::iter::once(&e.canonical).chain(e.aliases.iter()) {
            let toks: Vec<String> = tokenize(name).into_iter().map(|t| t.norm).collect();
            if toks == q {
                best = Some(true);
                break;
            }
            if toks.windows(q.len()).any(|w| w == q.as_slice()) {
                best = Some(false);
            }
        }
        if let Some(exact) = best {
            found.push((exact, e.mention_count, i));
        }
    }
    found.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    found.into_iter().map(|f| f.2).collect()
}

/// The benchmark query set of the search issue: 10 very common words, 20 entity names, 10
/// two-word phrases (fixed lists of everyday Arabic news vocabulary), and 10 rare words taken
/// deterministically from the index (words found in one or two documents).
pub fn bench_queries(index: &SearchIndex) -> Vec<(String, String)> {
    let common = ["في", "من", "على", "إلى", "أن", "التي", "عن", "مع", "هذا", "الذي"];
    let names = [
        "بوش",
        "جورج بوش",
        "صدام حسين",
        "الأمم المتحدة",
        "العراق",
        "فلسطين",
        "إسرائيل",
        "الولايات المتحدة",
        "بغداد",
        "واشنطن",
        "مجلس الأمن",
        "حماس",
        "بوتين",
        "عمرو موسى",
        "القاهرة",
        "فرنسا",
        "لبنان",
        "بيروت",
        "إيران",
        "الاتحاد الأوروبي",
    ];
    let phrases = [
        "في العاصمة",
        "وزير الخارجية",
        "رئيس الوزراء",
        "الرئيس الأمريكي",
        "مجلس النواب",
        "وكالة الأنباء",
        "في حين",
        "على أن",
        "من أجل",
        "خلال الأسبوع",
    ];
    let mut rare: Vec<(usize, &str)> = (0..index.term_count())
        .map(|t| (t, index.term(t)))
        .filter(|(_, t)| t.chars().count() >= 5 && t.chars().all(crate::arabic::normalize::is_arabic_letter))
        .map(|(id, t)| (index.doc_freq(id as u32), t))
        .collect();
    // the rarest words (found in one or two documents in a real archive; the synthetic corpus
    // has a small vocabulary, so take the 100 rarest)
    rare.sort_unstable();
    rare.truncate(100);
    let mut rare: Vec<&str> = rare.into_iter().map(|r| r.1).collect();
    rare.sort_unstable();
    let step = (rare.len() / 10).max(1);
    let mut out: Vec<(String, String)> = Vec::new();
    out.extend(common.iter().map(|q| ("common".to_string(), q.to_string())));
    out.extend(names.iter().map(|q| ("name".to_string(), q.to_string())));
    out.extend(phrases.iter().map(|q| ("phrase".to_string(), q.to_string())));
    out.extend(rare.iter().step_by(step).take(10).map(|q| ("rare".to_string(), q.to_string())));
    out
}

/// Latency benchmark: builds the index over `texts`, runs each query (after one warm-up pass;
/// median of three runs)
/// asking for the first 100 hits with snippets plus totals, and reports p50/p95, index size
/// and build time. Queries are `(group, query)` pairs; `None` uses [`bench_queries`].
pub fn bench_search<S: AsRef<str> + Sync>(texts: &[S], queries: Option<&[(String, String)]>) -> String {
    let t0 = Instant::now();
    let cpu0 = process_cpu_secs();
    let index = SearchIndex::build(texts);
    let build = t0.elapsed();
    let build_cpu = process_cpu_secs().zip(cpu0).map(|(b, a)| b - a);
    let default_queries;
    let queries = match queries {
        Some(q) => q,
        None => {
            default_queries = bench_queries(&index);
            &default_queries
        }
    };
    let text_of = |i: usize| texts.get(i).map(|t| t.as_ref()).unwrap_or("");
    for (_, q) in queries {
        index.search(q, 100, &text_of);
    }
    // each query three times, the median kept (the machine may be busy with other work)
    let mut times: Vec<(f64, &str, &str, usize)> = Vec::new();
    for (g, q) in queries {
        let mut runs = Vec::with_capacity(3);
        let mut total = 0;
        for _ in 0..3 {
            let t = Instant::now();
            total = index.search(q, 100, &text_of).total_hits;
            runs.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        runs.sort_by(f64::total_cmp);
        times.push((runs.get(1).copied().unwrap_or(0.0), g, q, total));
    }
    let mut sorted: Vec<f64> = times.iter().map(|t| t.0).collect();
    sorted.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        let i = ((sorted.len() as f64 * p).ceil() as usize).saturating_sub(1);
        sorted.get(i).copied().unwrap_or(0.0)
    };
    let mut out = String::new();
    use std::fmt::Write as _;
    let bytes: usize = texts.iter().map(|t| t.as_ref().len()).sum();
    writeln!(out, "documents: {} ({:.1} MB of text)", texts.len(), bytes as f64 / 1e6).ok();
    writeln!(
        out,
        "index: {} terms, {:.1} MB, built in {:.2} s wall, {} CPU ({} threads)",
        index.term_count(),
        index.size_bytes() as f64 / 1e6,
        build.as_secs_f64(),
        build_cpu.map(|c| format!("{c:.2} s")).unwrap_or_else(|| "?".into()),
        rayon::current_num_threads()
    )
    .ok();
    writeln!(
        out,
        "queries: {}  p50 {:.2} ms  p95 {:.2} ms  max {:.2} ms",
        sorted.len(),
        pct(0.5),
        pct(0.95),
        pct(1.0)
    )
    .ok();
    for (ms, g, q, n) in &times {
        writeln!(out, "  {ms:8.2} ms  {g:<8} {q}  ({n} hits)").ok();
    }
    out
}

/// CPU time (user + system) of this process so far, from /proc (Linux, 100 Hz ticks);
/// `None` elsewhere.
fn process_cpu_secs() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // fields after the command name, which is in parentheses and may contain spaces
    let rest = stat.get(stat.rfind(')')? + 2..)?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(texts: &[&str]) -> SearchIndex {
        SearchIndex::build(texts)
    }

    fn hits(texts: &[&str], q: &str) -> Vec<(usize, String)> {
        let ix = index(texts);
        let text_of = |i: usize| texts.get(i).copied().unwrap_or("");
        ix.search_all(q, &text_of)
            .into_iter()
            .map(|h| (h.document, texts[h.document].chars().skip(h.start).take(h.end - h.start).collect()))
            .collect()
    }

    #[test]
    fn hamza_forms_of_alef_match_bare_alef() {
        let texts = ["قال أحمد كلمته.", "وصل احمد امس."];
        assert_eq!(hits(&texts, "احمد"), vec![(0, "أحمد".into()), (1, "احمد".into())]);
        assert_eq!(hits(&texts, "أحمد").len(), 2);
    }

    #[test]
    fn ta_marbuta_matches_ha() {
        let texts = ["افتتحت مدرسة جديدة", "المدرسه القديمه", "مدرسه واحدة"];
        // المدرسه is ال + مدرسه
        assert_eq!(
            hits(&texts, "مدرسه"),
            vec![(0, "مدرسة".into()), (1, "مدرسه".into()), (2, "مدرسه".into())]
        );
        assert_eq!(hits(&texts, "مدرسة").len(), 3);
        assert_eq!(hits(&texts, "القديمة"), vec![(1, "القديمه".into())]);
    }

    #[test]
    fn tatweel_and_tashkeel_are_ignored() {
        let texts = ["قال بـــوتين إن", "وقال بُوتِين"];
        assert_eq!(hits(&texts, "بوتين"), vec![(0, "بـــوتين".into()), (1, "بُوتِين".into())]);
        assert_eq!(hits(&texts, "بـــوتين").len(), 2);
    }

    #[test]
    fn arabic_indic_digits_match_ascii() {
        let texts = ["في عام ٢٠٢٤ حدث", "منذ 2024."];
        assert_eq!(hits(&texts, "2024"), vec![(0, "٢٠٢٤".into()), (1, "2024".into())]);
        assert_eq!(hits(&texts, "٢٠٢٤").len(), 2);
    }

    #[test]
    fn phrases_need_adjacent_words_in_order() {
        let texts = ["الأمم المتحدة قالت", "المتحدة الأمم", "الامم، المتحدة", "الأمم الكبيرة المتحدة"];
        assert_eq!(
            hits(&texts, "الامم المتحدة"),
            vec![(0, "الأمم المتحدة".into()), (2, "الامم، المتحدة".into())]
        );
    }

    #[test]
    fn proclitics_match_when_the_bare_word_exists_and_are_left_out_of_the_hit() {
        let mut texts = vec!["قال بوتين", "وبوتين قال", "التقى لبوتين", "وتين كلمة"];
        assert_eq!(
            hits(&texts, "بوتين"),
            vec![(0, "بوتين".into()), (1, "بوتين".into()), (2, "بوتين".into())]
        );
        // with بوتين common and وتين rare, بوتين is not read as ب + وتين
        texts.extend(["بوتين"; 20]);
        assert_eq!(hits(&texts, "وتين"), vec![(3, "وتين".into())]);
        // a prefixed word whose bare form is absent is not split
        assert!(hits(&["وصلت الطائرة"], "صلت").is_empty());
    }

    #[test]
    fn hits_are_in_document_then_text_order_with_totals() {
        let texts: Vec<String> = (0..300).map(|i| format!("في {i} ثم في المدينة في")).collect();
        let ix = SearchIndex::build(&texts);
        let text_of = |i: usize| texts.get(i).map(|s| s.as_str()).unwrap_or("");
        let r = ix.search("في", 10, &text_of);
        assert_eq!(r.total_hits, 900);
        assert_eq!(r.total_documents, 300);
        assert_eq!(r.hits.len(), 10);
        let keys: Vec<(usize, usize)> = r.hits.iter().map(|h| (h.document, h.start)).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
        let all = ix.search_all("في المدينة", &text_of);
        assert_eq!(all.len(), 300);
        assert_eq!(all[299].document, 299);
        assert!(all[0].snippet.contains("في المدينة"));
    }

    #[test]
    fn unknown_words_and_empty_queries_find_nothing() {
        let texts = ["نص قصير"];
        assert!(hits(&texts, "غائب").is_empty());
        assert!(hits(&texts, "   ").is_empty());
        assert!(hits(&texts, "نص غائب").is_empty());
    }

    #[test]
    fn snippet_is_one_line_around_the_hit() {
        let text = "سطر أول\nثم جاء الخبر الكبير في آخر السطر\nسطر ثالث";
        let ix = SearchIndex::build(&[text]);
        let h = ix.search_all("الخبر", &|_| text);
        assert_eq!(h.len(), 1);
        assert!(!h[0].snippet.contains('\n'));
        let at: String = h[0].snippet.chars().skip(h[0].start - h[0].snippet_start).take(5).collect();
        assert_eq!(at, "الخبر");
    }

    #[test]
    fn entity_names_are_found_normalised_exact_first() {
        use crate::extract::EntityType::*;
        use crate::index::model::tests::doc_with;
        let (d0, a0) = doc_with(
            "a.txt",
            "زار أحمد سامي وأحمد سامي الكبير القاهرة.",
            &[("أحمد سامي الكبير", Person), ("القاهرة", Location)],
            &[],
        );
        let (d1, a1) = doc_with("b.txt", "قال احمد سامي.", &[("احمد سامي", Person)], &[]);
        let corpus = AnalyzedCorpus::build(vec![d0, d1], vec![a0, a1], &crate::index::AliasEdits::new());
        let found: Vec<&str> = search_entities(&corpus, "أحمد سامي")
            .iter()
            .map(|&e| corpus.entities[e].canonical.as_str())
            .collect();
        assert_eq!(found, vec!["أحمد سامي الكبير"]);
        assert!(search_entities(&corpus, "القاهره").len() == 1);
        assert!(search_entities(&corpus, "دمشق").is_empty());
        let ix = SearchIndex::for_corpus(&corpus);
        let r = ix.search_corpus(&corpus, "احمد سامي", 10);
        assert_eq!((r.total_hits, r.total_documents), (3, 2));
    }

    #[test]
    fn varints_round_trip() {
        let mut b = Vec::new();
        for v in [0, 1, 127, 128, 300, 1 << 20, u32::MAX] {
            put_varint(&mut b, v);
        }
        let mut at = 0;
        for v in [0, 1, 127, 128, 300, 1 << 20, u32::MAX] {
            assert_eq!(get_varint(&b, &mut at), Some(v));
        }
        assert_eq!(get_varint(&b, &mut at), None);
        let mut b = Vec::new();
        for v in [0, 1, 255, 1 << 33, u64::MAX] {
            put_varint64(&mut b, v);
        }
        let mut at = 0;
        for v in [0, 1, 255, 1 << 33, u64::MAX] {
            assert_eq!(get_varint64(&b, &mut at), Some(v));
        }
    }

    #[test]
    fn term_frequencies_of_one_and_more_read_back() {
        let texts = ["في في في البيت", "البيت", "في"];
        let ix = index(&texts);
        let text_of = |i: usize| texts.get(i).copied().unwrap_or("");
        let r = ix.search("في", 10, &text_of);
        assert_eq!((r.total_hits, r.total_documents), (4, 2));
        let docs: Vec<usize> = r.hits.iter().map(|h| h.document).collect();
        assert_eq!(docs, vec![0, 0, 0, 2]);
        assert_eq!(hits(&texts, "في البيت"), vec![(0, "في البيت".into())]);
    }

    #[test]
    fn texts_that_run_rayon_work_while_indexed_do_not_stall_the_build() {
        let texts: Vec<String> = (0..3000).map(|i| format!("نص {i} مشترك")).collect();
        let ix = SearchIndex::build_with(texts.len(), |i| {
            // nested parallel work lets this thread pick up another chunk meanwhile
            let n: usize = (0..64).into_par_iter().map(|k| k % 3).sum();
            format!("{} {}", texts[i], n)
        });
        let r = ix.search("مشترك", 1, &|i| texts[i].as_str());
        assert_eq!(r.total_documents, 3000);
    }

    #[test]
    fn index_built_in_chunks_equals_the_single_chunk_result() {
        let texts: Vec<String> = (0..5000).map(|i| format!("كلمة{} و{} مشتركة", i % 7, i % 13)).collect();
        let text_of = |i: usize| texts.get(i).map(|s| s.as_str()).unwrap_or("");
        // pieces per chunk, as large indexes keep them
        let ix = SearchIndex::build_chunked(texts.len(), text_of, 0);
        assert!(ix.piece_count() > ix.term_count());
        let got: Vec<usize> = ix.search_all("مشتركة", &text_of).iter().map(|h| h.document).collect();
        assert_eq!(got, (0..5000).collect::<Vec<_>>());
        let got: Vec<usize> = ix.search_all("كلمة3", &text_of).iter().map(|h| h.document).collect();
        assert_eq!(got, (0..5000).filter(|i| i % 7 == 3).collect::<Vec<_>>());
    }
}

/// Persistence: the index as bytes (the findings file of a corpus stores it, so a reopened
/// corpus does not re-read and re-index every text).
///
/// ```text
/// "KHABARSX"  u32 version  u64 × 6: documents, terms, term text bytes, pieces, postings bytes,
///             variants
/// term text, term ends (u32 × terms), piece counts as running ends (u32 × terms),
/// piece lengths (u32 × pieces), postings (pieces in term order), variant ends (u32 × terms),
/// variant ids (u32 × variants), checksum (u64, corpus::Hash64 of everything before it)
/// ```
/// Integers are little-endian. Reading checks every length and offset, so corrupt or
/// truncated bytes are an error, never a panic, and allocates only what the input holds.
const MAGIC: &[u8; 8] = b"KHABARSX";
const FORMAT_VERSION: u32 = 2;
/// Postings read back are split into blocks of at most this many bytes (offsets are u32).
const BLOCK_MAX: usize = 1 << 31;

/// A writer that hashes what goes through it, buffered.
struct HashingWriter<'w, W: std::io::Write> {
    inner: &'w mut W,
    hash: crate::corpus::Hash64,
    buf: Vec<u8>,
}

impl<W: std::io::Write> HashingWriter<'_, W> {
    fn put(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.hash.update(bytes);
        if self.buf.len() + bytes.len() > 1 << 20 {
            self.inner.write_all(&self.buf)?;
            self.buf.clear();
        }
        if bytes.len() > 1 << 20 {
            self.inner.write_all(bytes)
        } else {
            self.buf.extend_from_slice(bytes);
            Ok(())
        }
    }

    fn u32s(&mut self, values: impl Iterator<Item = u32>) -> std::io::Result<()> {
        let mut chunk = Vec::with_capacity(1 << 16);
        for v in values {
            chunk.extend_from_slice(&v.to_le_bytes());
            if chunk.len() >= 1 << 16 {
                self.put(&chunk)?;
                chunk.clear();
            }
        }
        self.put(&chunk)
    }
}

/// A reader that hashes what it reads.
struct HashingReader<'r, R: std::io::Read> {
    inner: &'r mut R,
    hash: crate::corpus::Hash64,
}

impl<R: std::io::Read> std::io::Read for HashingReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.update(buf.get(..n).unwrap_or(&[]));
        Ok(n)
    }
}

/// Exactly `len` bytes from `r`, allocating only as they arrive (a corrupt length fails
/// without a huge allocation).
fn read_bytes(r: &mut impl std::io::Read, len: u64) -> Result<Vec<u8>, String> {
    use std::io::Read as _;
    let mut v = Vec::new();
    // reserve up front when the length is plausible (one allocation, no copies while growing)
    if let Ok(n) = usize::try_from(len)
        && v.try_reserve_exact(n).is_err()
    {
        return Err("search index: length too large".into());
    }
    r.take(len).read_to_end(&mut v).map_err(|e| format!("search index: {e}"))?;
    if v.len() as u64 != len {
        return Err("search index: truncated".into());
    }
    Ok(v)
}

fn read_u32s(r: &mut impl std::io::Read, count: u64) -> Result<Vec<u32>, String> {
    let len = count.checked_mul(4).ok_or("search index: length too large")?;
    let bytes = read_bytes(r, len)?;
    Ok(bytes.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())
}

fn read_u64(r: &mut impl std::io::Read) -> Result<u64, String> {
    let mut b = [0u8; 8];
    r.read_exact(&mut b).map_err(|_| "search index: truncated".to_string())?;
    Ok(u64::from_le_bytes(b))
}

/// `ends` rise from 0 to `total`.
fn running_ends_ok(ends: &[u32], total: u64) -> bool {
    ends.windows(2).all(|w| w[0] <= w[1]) && ends.last().map_or(0, |&e| u64::from(e)) == total
}

impl SearchIndex {
    /// Writes the index (see the format above), each term's postings as one piece, streamed
    /// (no copy of the index in memory).
    pub fn write_to(&self, w: &mut impl std::io::Write) -> std::io::Result<()> {
        let mut out =
            HashingWriter { inner: w, hash: crate::corpus::Hash64::new(0), buf: Vec::with_capacity(1 << 20) };
        // one piece per term: merged lengths first, the postings merged again as they are written
        let last_docs = self.piece_last_docs();
        let lens: Vec<u32> =
            (0..self.term_count() as u32).map(|t| self.merged_postings(t, &last_docs, None) as u32).collect();
        let postings: u64 = lens.iter().map(|&l| u64::from(l)).sum();
        let pieces = lens.iter().filter(|&&l| l > 0).count();
        out.put(MAGIC)?;
        out.put(&FORMAT_VERSION.to_le_bytes())?;
        for v in [
            self.documents as u64,
            self.term_ends.len() as u64,
            self.term_text.len() as u64,
            pieces as u64,
            postings,
            self.variant_ids.len() as u64,
        ] {
            out.put(&v.to_le_bytes())?;
        }
        out.put(self.term_text.as_bytes())?;
        out.u32s(self.term_ends.iter().copied())?;
        let mut count = 0u32;
        out.u32s(lens.iter().map(|&l| {
            count += u32::from(l > 0);
            count
        }))?;
        out.u32s(lens.iter().copied().filter(|&l| l > 0))?;
        let mut scratch = Vec::new();
        for t in 0..self.term_count() as u32 {
            scratch.clear();
            self.merged_postings(t, &last_docs, Some(&mut scratch));
            out.put(&scratch)?;
        }
        out.u32s(self.variant_starts.iter().skip(1).copied())?;
        out.u32s(self.variant_ids.iter().copied())?;
        let sum = out.hash.finish();
        out.inner.write_all(&out.buf)?;
        out.inner.write_all(&sum.to_le_bytes())
    }

    /// Reads an index written by [`SearchIndex::write_to`], consuming exactly its bytes (a
    /// `&[u8]` reader is advanced past it). Corrupt, truncated or foreign bytes are an error.
    pub fn read_from(r: &mut impl std::io::Read) -> Result<Self, String> {
        let mut r = HashingReader { inner: r, hash: crate::corpus::Hash64::new(0) };
        let bad = |what: &str| format!("search index: {what}");
        let mut magic = [0u8; 12];
        std::io::Read::read_exact(&mut r, &mut magic).map_err(|_| bad("truncated"))?;
        if magic.get(..8) != Some(MAGIC.as_slice()) {
            return Err(bad("not a search index"));
        }
        if magic.get(8..12) != Some(FORMAT_VERSION.to_le_bytes().as_slice()) {
            return Err(bad("other format version"));
        }
        let documents = read_u64(&mut r)?;
        let terms = read_u64(&mut r)?;
        let text_len = read_u64(&mut r)?;
        let pieces = read_u64(&mut r)?;
        let postings = read_u64(&mut r)?;
        let variants = read_u64(&mut r)?;
        if terms >= u64::from(u32::MAX) || text_len > u64::from(u32::MAX) || documents > u64::from(u32::MAX) {
            return Err(bad("too large"));
        }
        let term_text = String::from_utf8(read_bytes(&mut r, text_len)?).map_err(|_| bad("bad term text"))?;
        let term_ends = read_u32s(&mut r, terms)?;
        if !running_ends_ok(&term_ends, text_len)
            || !term_ends.iter().all(|&e| term_text.is_char_boundary(e as usize))
        {
            return Err(bad("bad term offsets"));
        }
        let mut piece_starts = read_u32s(&mut r, terms)?;
        piece_starts.insert(0, 0);
        if !running_ends_ok(&piece_starts, pieces) {
            return Err(bad("bad piece counts"));
        }
        let lens = read_u32s(&mut r, pieces)?;
        if lens.iter().map(|&l| u64::from(l)).sum::<u64>() != postings {
            return Err(bad("bad piece lengths"));
        }
        // postings in blocks of at most BLOCK_MAX bytes, cut between pieces
        let mut piece_list = Vec::with_capacity(lens.len());
        let mut blocks = Vec::new();
        let mut i = 0;
        while i < lens.len() {
            let mut j = i;
            let mut size = 0usize;
            while let Some(&l) = lens.get(j) {
                if size > 0 && size + l as usize > BLOCK_MAX {
                    break;
                }
                piece_list.push(Piece {
                    block: blocks.len() as u32,
                    start: size as u32,
                    end: (size + l as usize) as u32,
                });
                size += l as usize;
                j += 1;
            }
            blocks.push(read_bytes(&mut r, size as u64)?);
            i = j;
        }
        drop(lens);
        let mut variant_starts = read_u32s(&mut r, terms)?;
        variant_starts.insert(0, 0);
        if !running_ends_ok(&variant_starts, variants) {
            return Err(bad("bad variant counts"));
        }
        let variant_ids = read_u32s(&mut r, variants)?;
        if variant_ids.iter().any(|&v| u64::from(v) >= terms) {
            return Err(bad("bad variant ids"));
        }
        let sum = r.hash.finish();
        if read_u64(r.inner)? != sum {
            return Err(bad("checksum mismatch"));
        }
        let index = SearchIndex {
            term_text,
            term_ends,
            piece_starts,
            pieces: piece_list,
            blocks,
            variant_starts,
            variant_ids,
            documents: documents as usize,
        };
        // binary search needs the terms strictly sorted
        if !(1..index.term_count()).all(|t| index.term(t - 1) < index.term(t)) {
            return Err(bad("terms out of order"));
        }
        Ok(index)
    }
}

#[cfg(test)]
mod persistence_tests {
    use super::*;

    const TEXTS: [&str; 4] = [
        "زار الرئيس فلاديمير بوتين موسكو والتقى بالرئيس",
        "وقال الرئيس إن الاجتماع في موسكو كان مثمرا",
        "لا شيء هنا",
        "وبوتين في موسكو والرئيس بوتين",
    ];
    const QUERIES: [&str; 7] = ["الرئيس", "موسكو", "فلاديمير بوتين", "بالرئيس", "بوتين", "في موسكو", "غائب"];

    fn bytes_of(index: &SearchIndex) -> Vec<u8> {
        let mut bytes = Vec::new();
        index.write_to(&mut bytes).unwrap();
        bytes
    }

    #[test]
    fn an_index_read_back_answers_every_query_like_the_original() {
        // many documents, so the built index has several pieces per term
        let texts: Vec<String> = (0..3000).map(|i| TEXTS[i % 4].to_string()).collect();
        let text_at = |i: usize| texts[i].as_str();
        let index = SearchIndex::build_chunked(texts.len(), text_at, 0);
        assert!(index.pieces.len() > index.term_count(), "several chunks");
        let compacted = SearchIndex::build(&texts);
        assert_eq!(compacted.piece_count(), compacted.term_count(), "a small index is compacted");
        let mut bytes = bytes_of(&index);
        bytes.extend_from_slice(b"tail");
        let mut rest = bytes.as_slice();
        let back = SearchIndex::read_from(&mut rest).unwrap();
        assert_eq!(rest, b"tail", "exactly the index is consumed");
        assert_eq!(back.document_count(), 3000);
        assert_eq!(back.piece_count(), back.term_count(), "one piece per term once written");
        assert_eq!(back.term_count(), index.term_count());
        let text_of = |i: usize| texts.get(i).map_or("", |s| s.as_str());
        for q in QUERIES {
            assert_eq!(back.search(q, 50, &text_of), index.search(q, 50, &text_of), "{q}");
            assert_eq!(back.search_all(q, &text_of), index.search_all(q, &text_of), "{q}");
            assert_eq!(compacted.search_all(q, &text_of), index.search_all(q, &text_of), "{q}");
        }
        assert!(back.search("بوتين", 10, &text_of).total_hits > 0);
        // written again, the bytes are the same
        assert_eq!(bytes_of(&back), bytes[..bytes.len() - 4]);
    }

    #[test]
    fn an_empty_index_round_trips() {
        let index = SearchIndex::build::<&str>(&[]);
        let back = SearchIndex::read_from(&mut bytes_of(&index).as_slice()).unwrap();
        assert_eq!((back.document_count(), back.term_count()), (0, 0));
        assert!(back.search("في", 10, &|_| "").hits.is_empty());
    }

    #[test]
    fn truncated_or_changed_bytes_are_errors() {
        let bytes = bytes_of(&SearchIndex::build(&TEXTS));
        for cut in 0..bytes.len() {
            assert!(SearchIndex::read_from(&mut &bytes[..cut]).is_err(), "cut at {cut}");
        }
        // every single-bit change is caught (by a check or the checksum)
        for at in 0..bytes.len() {
            for bit in [0x01, 0x80] {
                let mut junk = bytes.clone();
                junk[at] ^= bit;
                assert!(SearchIndex::read_from(&mut junk.as_slice()).is_err(), "byte {at} bit {bit}");
            }
        }
        let mut other = bytes.clone();
        other[8] = 99;
        assert_eq!(
            SearchIndex::read_from(&mut other.as_slice()).err().as_deref(),
            Some("search index: other format version")
        );
    }

    /// Fixes the checksum of changed bytes, so the structural checks are what must catch them.
    fn with_checksum(mut bytes: Vec<u8>) -> Vec<u8> {
        let body = bytes.len() - 8;
        let mut h = crate::corpus::Hash64::new(0);
        h.update(&bytes[..body]);
        bytes[body..].copy_from_slice(&h.finish().to_le_bytes());
        bytes
    }

    #[test]
    fn random_bytes_with_a_valid_checksum_never_panic_and_search_stays_safe() {
        let texts: Vec<String> = (0..200).map(|i| TEXTS[i % 4].to_string()).collect();
        let bytes = bytes_of(&SearchIndex::build(&texts));
        let text_of = |i: usize| texts.get(i).map_or("", |s| s.as_str());
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut accepted = 0;
        for round in 0..3000 {
            let mut junk = bytes.clone();
            for _ in 0..1 + next() % 4 {
                let at = (next() as usize) % (junk.len() - 8);
                junk[at] = next() as u8;
            }
            if round % 10 == 0 {
                // pure noise after the header
                for b in junk.iter_mut().skip(60) {
                    *b = next() as u8;
                }
            }
            let junk = with_checksum(junk);
            if let Ok(ix) = SearchIndex::read_from(&mut junk.as_slice()) {
                accepted += 1;
                for q in QUERIES {
                    let _ = ix.search(q, 20, &text_of);
                }
            }
        }
        // changes inside the postings are not detectable by structure: some are accepted and
        // searched (without panicking)
        assert!(accepted > 0);
        for len in [0, 1, 7, 8, 64, 1000] {
            let noise: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            assert!(SearchIndex::read_from(&mut noise.as_slice()).is_err());
        }
    }
}

//! Arabic-normalised full-text search: a positional inverted index over normalised tokens
//! (hamza/alef/ya/ta marbuta/tashkeel/tatweel/digits folded by [`crate::arabic::fold_char`]),
//! phrase queries, proclitic recall, and entity-name lookup.
//!
//! - **Tokens** are maximal runs of letters/digits after folding; dropped characters
//!   (tashkeel, tatweel, bidi controls) do not break a token.
//! - **Postings** per term, varint-encoded: `doc delta, tf, position deltas…` (positions are
//!   token indices). Built in parallel over chunks of documents, then concatenated in document
//!   order. Character offsets are not stored: the few documents shown are re-tokenised (cheap)
//!   to turn token positions into code-point offsets and snippets.
//! - **Proclitics** (و ف ب ل ك ال لل and combinations): a query word also matches the corpus
//!   words made of a proclitic + that word, when that word exists on its own in the corpus
//!   (a lexicon check: بوتين is not ب + وتين unless وتين is a word of the corpus). The hit then
//!   starts after the proclitic.
//! - Hits come in document order, then text order.

use std::collections::HashMap;
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

/// A small fast hasher (FxHash) for the build's term dictionaries.
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

type FxMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<FxHasher>>;

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
#[derive(Clone, Debug, Default)]
pub struct SearchIndex {
    terms: HashMap<Box<str>, u32>,
    postings: Vec<Vec<u8>>,
    /// term → terms that are a proclitic + this term
    variants: HashMap<u32, Vec<u32>>,
    documents: usize,
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

/// Postings of one chunk of documents for one term; the first doc delta is `doc + 1`.
struct Segment {
    bytes: Vec<u8>,
    last_doc: u32,
}

fn index_chunk<S: AsRef<str>>(base: usize, texts: impl Iterator<Item = S>) -> Vec<(String, Segment)> {
    let mut dict: FxMap<String, u32> = FxMap::default();
    let mut segs: Vec<Segment> = Vec::new();
    let mut toks: Vec<(u32, u32)> = Vec::new(); // (term, position)
    for (k, t) in texts.enumerate() {
        let doc = (base + k) as u32;
        toks.clear();
        let mut pos = 0u32;
        for_each_token(t.as_ref(), |n, _, _| {
            let id = match dict.get(n) {
                Some(&id) => id,
                None => {
                    let id = segs.len() as u32;
                    dict.insert(n.to_string(), id);
                    segs.push(Segment { bytes: Vec::new(), last_doc: u32::MAX });
                    id
                }
            };
            toks.push((id, pos));
            pos += 1;
        });
        toks.sort_unstable();
        let mut i = 0;
        while let Some(&(id, _)) = toks.get(i) {
            let mut j = i;
            while toks.get(j).is_some_and(|t| t.0 == id) {
                j += 1;
            }
            let Some(seg) = segs.get_mut(id as usize) else { break };
            let delta = if seg.last_doc == u32::MAX { doc + 1 } else { doc - seg.last_doc };
            put_varint(&mut seg.bytes, delta);
            put_varint(&mut seg.bytes, (j - i) as u32);
            let mut prev = 0;
            for &(_, p) in toks.get(i..j).unwrap_or(&[]) {
                put_varint(&mut seg.bytes, p - prev);
                prev = p;
            }
            seg.last_doc = doc;
            i = j;
        }
    }
    let mut out: Vec<(String, u32)> = dict.into_iter().collect();
    out.sort_unstable_by_key(|e| e.1);
    out.into_iter().zip(segs).map(|((t, _), seg)| (t, seg)).collect()
}

/// Cursor over one term's postings.
struct Cursor<'a> {
    bytes: &'a [u8],
    /// byte offset of the next doc entry
    next: usize,
    doc: u32,
    tf: u32,
    pos_at: usize,
    done: bool,
}

impl<'a> Cursor<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        let mut c = Cursor { bytes, next: 0, doc: 0, tf: 0, pos_at: 0, done: false };
        c.read_entry(true);
        c
    }

    fn read_entry(&mut self, first: bool) {
        let mut at = self.next;
        let (Some(delta), Some(tf)) = (get_varint(self.bytes, &mut at), get_varint(self.bytes, &mut at))
        else {
            self.done = true;
            return;
        };
        self.doc = if first { delta.saturating_sub(1) } else { self.doc + delta };
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
            self.read_entry(false);
        }
    }

    fn positions(&self, out: &mut Vec<u32>) {
        let mut at = self.pos_at;
        let mut p = 0;
        for _ in 0..self.tf {
            let Some(d) = get_varint(self.bytes, &mut at) else { break };
            p += d;
            out.push(p);
        }
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
    pub fn build_with<F, T>(n: usize, text_of: F) -> Self
    where
        F: Fn(usize) -> T + Sync,
        T: AsRef<str>,
    {
        let threads = rayon::current_num_threads().max(1);
        let chunk = (n / (threads * 8)).clamp(64, 4096);
        let starts: Vec<usize> = (0..n).step_by(chunk).collect();
        let chunks: Vec<Vec<(String, Segment)>> = starts
            .into_par_iter()
            .map(|start| index_chunk(start, (start..(start + chunk).min(n)).map(&text_of)))
            .collect();
        // pass 1: term ids
        let mut terms: HashMap<Box<str>, u32> = HashMap::new();
        let mut ids: Vec<Vec<u32>> = Vec::with_capacity(chunks.len());
        for chunk in &chunks {
            let mut chunk_ids = Vec::with_capacity(chunk.len());
            for (term, _) in chunk {
                let id = match terms.get(term.as_str()) {
                    Some(&id) => id,
                    None => {
                        let id = terms.len() as u32;
                        terms.insert(term.as_str().into(), id);
                        id
                    }
                };
                chunk_ids.push(id);
            }
            ids.push(chunk_ids);
        }
        // Postings grow as the chunks are consumed (and freed), so the peak is not chunks +
        // preallocated postings at once.
        let mut postings: Vec<Vec<u8>> = vec![Vec::new(); terms.len()];
        let mut last: Vec<u32> = vec![u32::MAX; terms.len()];
        // pass 2: concatenate in document order
        for (chunk, chunk_ids) in chunks.into_iter().zip(ids) {
            for ((_, seg), id) in chunk.into_iter().zip(chunk_ids) {
                let (Some(list), Some(prev)) = (postings.get_mut(id as usize), last.get_mut(id as usize))
                else {
                    continue;
                };
                if *prev == u32::MAX {
                    list.extend_from_slice(&seg.bytes);
                } else {
                    // rewrite the segment's first doc (absolute + 1) as a delta
                    let mut at = 0;
                    let first = get_varint(&seg.bytes, &mut at).unwrap_or(1).saturating_sub(1);
                    put_varint(list, first.saturating_sub(*prev));
                    list.extend_from_slice(seg.bytes.get(at..).unwrap_or(&[]));
                }
                *prev = seg.last_doc;
            }
        }
        for p in &mut postings {
            p.shrink_to_fit();
        }
        let mut index = SearchIndex { terms, postings, variants: HashMap::new(), documents: n };
        index.variants = index.find_variants();
        index
    }

    /// Documents containing term `id`.
    fn doc_freq(&self, id: u32) -> usize {
        let Some(bytes) = self.postings.get(id as usize) else { return 0 };
        let mut c = Cursor::new(bytes);
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

    fn find_variants(&self) -> HashMap<u32, Vec<u32>> {
        let mut variants: HashMap<u32, Vec<u32>> = HashMap::new();
        let df: Vec<usize> =
            (0..self.postings.len() as u32).into_par_iter().map(|i| self.doc_freq(i)).collect();
        let df_of = |i: u32| df.get(i as usize).copied().unwrap_or(0);
        for (term, &id) in &self.terms {
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
                    if let Some(&sid) = self.terms.get(s.as_str())
                        && sid != id
                        && !readings.iter().any(|r| r.0 == sid)
                    {
                        readings.push((sid, df_of(sid)));
                    }
                }
            }
            // lexicon check: keep readings whose bare word is not much rarer than the prefixed
            // word or than the best reading (وبوتين is و + بوتين, not وب + وتين)
            let best = readings.iter().map(|r| r.1).max().unwrap_or(0);
            for (sid, d) in readings {
                if d * 8 >= df_of(id) && d * 8 >= best {
                    variants.entry(sid).or_default().push(id);
                }
            }
        }
        for v in variants.values_mut() {
            v.sort_unstable();
        }
        variants
    }

    /// Number of documents indexed.
    pub fn document_count(&self) -> usize {
        self.documents
    }

    /// Number of distinct terms.
    pub fn term_count(&self) -> usize {
        self.terms.len()
    }

    /// Approximate memory used by the index, in bytes.
    pub fn size_bytes(&self) -> usize {
        let postings: usize = self.postings.iter().map(|p| p.capacity() + 24).sum();
        let terms: usize = self.terms.keys().map(|k| k.len() + 16 + 4 + 8).sum();
        let variants: usize = self.variants.values().map(|v| v.len() * 4 + 24 + 4 + 8).sum();
        postings + terms + variants
    }

    fn word_cursor(&self, word: &str) -> Option<WordCursor<'_>> {
        let id = *self.terms.get(word)?;
        let mut ids = vec![id];
        if let Some(v) = self.variants.get(&id) {
            ids.extend(v);
        }
        let parts =
            ids.iter().filter_map(|&i| self.postings.get(i as usize)).map(|b| Cursor::new(b)).collect();
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
                        let ok = rest
                            .iter()
                            .enumerate()
                            .all(|(k, l)| l.binary_search(&(p + k as u32 + 1)).is_ok());
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
            target = doc + 1;
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
    let mut rare: Vec<(usize, &str)> = index
        .terms
        .iter()
        .filter(|(t, _)| t.chars().count() >= 5 && t.chars().all(crate::arabic::normalize::is_arabic_letter))
        .map(|(t, &id)| (index.doc_freq(id), t.as_ref()))
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
    }

    #[test]
    fn index_built_in_chunks_equals_the_single_chunk_result() {
        let texts: Vec<String> = (0..5000).map(|i| format!("كلمة{} و{} مشتركة", i % 7, i % 13)).collect();
        let ix = SearchIndex::build(&texts);
        let text_of = |i: usize| texts.get(i).map(|s| s.as_str()).unwrap_or("");
        let got: Vec<usize> = ix.search_all("مشتركة", &text_of).iter().map(|h| h.document).collect();
        assert_eq!(got, (0..5000).collect::<Vec<_>>());
        let got: Vec<usize> = ix.search_all("كلمة3", &text_of).iter().map(|h| h.document).collect();
        assert_eq!(got, (0..5000).filter(|i| i % 7 == 3).collect::<Vec<_>>());
    }
}

/// Persistence: the index as bytes (the findings file of a corpus stores it, so a reopened
/// corpus does not re-read and re-index every text).
impl SearchIndex {
    /// Writes the index: document count, then each term (by id) with its postings, then the
    /// proclitic variants.
    pub fn write_to(&self, w: &mut impl std::io::Write) -> std::io::Result<()> {
        let mut by_id: Vec<&str> = vec![""; self.terms.len()];
        for (term, &id) in &self.terms {
            if let Some(slot) = by_id.get_mut(id as usize) {
                *slot = term;
            }
        }
        let mut out = Vec::with_capacity(1 << 16);
        let varint = |out: &mut Vec<u8>, v: usize| put_varint(out, u32::try_from(v).unwrap_or(u32::MAX));
        varint(&mut out, self.documents);
        varint(&mut out, by_id.len());
        for (id, term) in by_id.iter().enumerate() {
            let postings = self.postings.get(id).map_or(&[][..], Vec::as_slice);
            varint(&mut out, term.len());
            out.extend_from_slice(term.as_bytes());
            varint(&mut out, postings.len());
            out.extend_from_slice(postings);
            if out.len() > 1 << 20 {
                w.write_all(&out)?;
                out.clear();
            }
        }
        let mut variants: Vec<(&u32, &Vec<u32>)> = self.variants.iter().collect();
        variants.sort_unstable();
        varint(&mut out, variants.len());
        for (term, list) in variants {
            varint(&mut out, *term as usize);
            varint(&mut out, list.len());
            for v in list {
                varint(&mut out, *v as usize);
            }
        }
        w.write_all(&out)
    }

    /// Reads an index written by [`SearchIndex::write_to`] from the front of `bytes` (which is
    /// advanced past it). Malformed bytes are an error, never a panic.
    pub fn read_from(bytes: &mut &[u8]) -> Result<Self, String> {
        let mut at = 0usize;
        let data: &[u8] = bytes;
        let malformed = || "malformed search index".to_string();
        let next = |at: &mut usize| get_varint(data, at).map(|v| v as usize).ok_or_else(malformed);
        let documents = next(&mut at)?;
        let count = next(&mut at)?;
        if count > data.len() {
            return Err(malformed());
        }
        let mut terms: HashMap<Box<str>, u32> = HashMap::with_capacity(count);
        let mut postings: Vec<Vec<u8>> = Vec::with_capacity(count);
        for id in 0..count {
            let len = next(&mut at)?;
            let term = data.get(at..at.checked_add(len).ok_or_else(malformed)?).ok_or_else(malformed)?;
            let term = std::str::from_utf8(term).map_err(|_| malformed())?;
            at += len;
            let len = next(&mut at)?;
            let list = data.get(at..at.checked_add(len).ok_or_else(malformed)?).ok_or_else(malformed)?;
            at += len;
            if terms.insert(term.into(), id as u32).is_some() {
                return Err(malformed());
            }
            postings.push(list.to_vec());
        }
        let n = next(&mut at)?;
        if n > data.len() {
            return Err(malformed());
        }
        let mut variants: HashMap<u32, Vec<u32>> = HashMap::with_capacity(n);
        for _ in 0..n {
            let term = next(&mut at)?;
            let m = next(&mut at)?;
            if m > data.len() {
                return Err(malformed());
            }
            let mut list = Vec::with_capacity(m);
            for _ in 0..m {
                let v = next(&mut at)?;
                if v >= count {
                    return Err(malformed());
                }
                list.push(v as u32);
            }
            if term >= count {
                return Err(malformed());
            }
            variants.insert(term as u32, list);
        }
        *bytes = data.get(at..).unwrap_or(&[]);
        Ok(SearchIndex { terms, postings, variants, documents })
    }
}

#[cfg(test)]
mod persistence_tests {
    use super::*;

    const TEXTS: [&str; 3] = [
        "زار الرئيس فلاديمير بوتين موسكو والتقى بالرئيس",
        "وقال الرئيس إن الاجتماع في موسكو كان مثمرا",
        "لا شيء هنا",
    ];

    #[test]
    fn an_index_read_back_answers_like_the_original_and_bad_bytes_are_errors() {
        let index = SearchIndex::build(&TEXTS);
        let mut bytes = Vec::new();
        index.write_to(&mut bytes).unwrap();
        bytes.extend_from_slice(b"tail");
        let mut rest = bytes.as_slice();
        let back = SearchIndex::read_from(&mut rest).unwrap();
        assert_eq!(rest, b"tail");
        let text_of = |i: usize| TEXTS[i];
        for q in ["الرئيس", "موسكو", "فلاديمير بوتين", "بالرئيس", "غائب"] {
            assert_eq!(back.search(q, 10, &text_of), index.search(q, 10, &text_of), "{q}");
        }
        let body = bytes.len() - 4;
        for cut in [0, 1, body / 2, body - 1] {
            assert!(SearchIndex::read_from(&mut &bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut seed = 7u64;
        for _ in 0..300 {
            let mut junk = bytes[..body].to_vec();
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let at = (seed >> 33) as usize % junk.len();
            junk[at] ^= (seed >> 20) as u8 | 1;
            let _ = SearchIndex::read_from(&mut junk.as_slice());
        }
    }
}

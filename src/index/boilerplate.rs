//! Scraping boilerplate: short lines that repeat across many unrelated files of a corpus (ads
//! "اعلان", "استمع إلى الملخص", "في كلمات قليلة", share and copyright lines, section headlines).
//!
//! A line's key is its Arabic-normalised text ([`crate::arabic::normalize`]) with everything but
//! letters and digits turned into spaces and whitespace collapsed, so "اعلان" and "إعلان :" are
//! the same line. [`BoilerplateModel::learn`] counts, for each short key, the documents it
//! appears in — but counts copies of one story only once: documents that share a long line
//! (a paragraph longer than [`BoilerplateOptions::max_chars`]) are one "story" (union-find), and a
//! key is boilerplate when it appears in at least `max(min_docs, min_fraction × documents)`
//! different stories. So the headline and short paragraphs of an agency story syndicated to ten
//! sites are not boilerplate, while "اعلان" scattered over unrelated articles is.
//!
//! Defaults (tuned on the constructed set of tests/integration/duplicates.rs and the samples):
//! a line is short when its key has at most 100 chars and at most 16 words; it must occur in ≥ 3
//! stories and in ≥ 0.1 % of the stories of the corpus.
//!
//! [`BoilerplateModel::boilerplate_ranges`] returns code-point ranges of the original text (the
//! line without its line break), so offsets stay valid; [`BoilerplateModel::mask`] replaces those
//! chars by spaces, keeping the length in chars, for extraction, search and duplicate detection.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::LazyLock;

use rayon::prelude::*;

use crate::arabic::normalize::fold_char;

/// Tuning of [`BoilerplateModel::learn_with`].
#[derive(Clone, Debug, PartialEq)]
pub struct BoilerplateOptions {
    /// Longest key (in chars, after normalisation) that can be boilerplate.
    pub max_chars: usize,
    /// Most words a boilerplate line may have.
    pub max_words: usize,
    /// A key must occur in at least this many unrelated stories …
    pub min_docs: usize,
    /// … and in at least this fraction of the stories of the corpus.
    pub min_fraction: f64,
}

impl Default for BoilerplateOptions {
    fn default() -> Self {
        BoilerplateOptions { max_chars: 100, max_words: 16, min_docs: 3, min_fraction: 0.001 }
    }
}

/// The boilerplate lines learned from one corpus.
#[derive(Clone, Debug, Default)]
pub struct BoilerplateModel {
    keys: HashSet<String>,
    options: BoilerplateOptions,
}

/// For every char of the Basic Multilingual Plane, computed once: its [`fold_char`] image (bits
/// 0–20), whether that image `is_alphabetic` (bit 24) and `is_alphanumeric` (bit 25), and
/// whether normalisation drops the char (bit 26). The standard library answers non-ASCII chars
/// (every Arabic letter) by a slow table search, which dominated line keys and word hashing.
static BMP_FOLDED: LazyLock<Box<[u32]>> = LazyLock::new(|| {
    (0..=0xFFFFu32)
        .map(|u| match char::from_u32(u).map(fold_char) {
            Some(Some(f)) => {
                u32::from(f) | (u32::from(f.is_alphabetic()) << 24) | (u32::from(f.is_alphanumeric()) << 25)
            }
            // Dropped by normalisation, or a surrogate (never a char).
            Some(None) | None => 1 << 26,
        })
        .collect()
});

/// Fast [`fold_char`] plus the letter/digit class of the result, for many chars: fetch the table
/// once with [`CharClasses::get`], then call [`CharClasses::fold`] per char (the same answers as
/// `fold_char` and the standard library's `is_alphabetic` / `is_alphanumeric`).
#[derive(Clone, Copy)]
pub(crate) struct CharClasses(&'static [u32]);

impl CharClasses {
    pub(crate) fn get() -> Self {
        CharClasses(&BMP_FOLDED)
    }
    /// `fold_char(c)` with `(is_alphabetic, is_alphanumeric)` of the folded char.
    #[inline]
    pub(crate) fn fold(self, c: char) -> Option<(char, bool, bool)> {
        match self.0.get(c as usize) {
            Some(&e) if e & (1 << 26) != 0 => None,
            Some(&e) => char::from_u32(e & 0x1F_FFFF).map(|f| (f, e & (1 << 24) != 0, e & (1 << 25) != 0)),
            None => fold_char(c).map(|f| (f, f.is_alphabetic(), f.is_alphanumeric())),
        }
    }
}

/// The matching key of a line: normalised, non-alphanumerics → space, whitespace collapsed.
/// Empty when the line has no letter.
pub fn line_key(line: &str) -> String {
    let scan = scan_key(line, usize::MAX, false);
    if scan.has_letter { scan.key } else { String::new() }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// A line's key ([`line_key`]) scanned once: its first `keep` chars, its length in chars and in
/// words, and the FNV-1a hash of its chars — so that long lines (which can never be
/// boilerplate) are hashed without building their key.
struct KeyScan {
    key: String,
    chars: usize,
    words: usize,
    hash: u64,
    has_letter: bool,
}

impl KeyScan {
    fn push(&mut self, c: char, keep: usize) {
        self.chars += 1;
        if self.chars <= keep {
            self.key.push(c);
        }
        self.hash = (self.hash ^ u64::from(u32::from(c))).wrapping_mul(0x0100_0000_01b3);
    }
}

/// Scans the key of `line`, keeping its first `keep` chars; with `stop_beyond`, stops as soon as
/// the key is longer than `keep` (then only `chars > keep` is meaningful).
fn scan_key(line: &str, keep: usize, stop_beyond: bool) -> KeyScan {
    let classes = CharClasses::get();
    let mut scan = KeyScan { key: String::new(), chars: 0, words: 0, hash: FNV_OFFSET, has_letter: false };
    let mut pending_space = false;
    for (c, alpha, alnum) in line.chars().filter_map(|c| classes.fold(c)) {
        if !alnum {
            pending_space = true;
            continue;
        }
        if scan.chars == 0 {
            scan.words = 1;
        } else if pending_space {
            scan.push(' ', keep);
            scan.words += 1;
        }
        pending_space = false;
        scan.has_letter |= alpha;
        scan.push(c, keep);
        if stop_beyond && scan.chars > keep {
            break;
        }
    }
    scan
}

/// Lines of a text as (code-point range without the line break, line text).
fn lines_with_ranges(text: &str) -> impl Iterator<Item = (Range<usize>, &str)> {
    let mut start = 0usize;
    text.split('\n').map(move |raw| {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let len = line.chars().count();
        let range = start..start + len;
        start += raw.chars().count() + 1;
        (range, line)
    })
}

struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind { parent: (0..n).collect() }
    }
    fn find(&mut self, mut x: usize) -> usize {
        while let Some(&p) = self.parent.get(x) {
            if p == x {
                break;
            }
            let gp = self.parent.get(p).copied().unwrap_or(p);
            if let Some(slot) = self.parent.get_mut(x) {
                *slot = gp;
            }
            x = p;
        }
        x
    }
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            if let Some(slot) = self.parent.get_mut(hi) {
                *slot = lo;
            }
        }
    }
}

impl BoilerplateModel {
    /// Learns the boilerplate lines of a corpus with the default options.
    pub fn learn<S: AsRef<str> + Sync>(texts: &[S]) -> Self {
        Self::learn_with(texts, BoilerplateOptions::default())
    }

    /// Learns the boilerplate lines of a corpus.
    pub fn learn_with<S: AsRef<str> + Sync>(texts: &[S], options: BoilerplateOptions) -> Self {
        Self::learn_from(texts.len(), |i| texts.get(i).map_or("", |t| t.as_ref()), options)
    }

    /// Learns the boilerplate lines of `n` documents, document `i` being `text_of(i)` (called
    /// once per document from the worker threads, so texts can be read from disk as they go).
    pub fn learn_from<F, T>(n: usize, text_of: F, options: BoilerplateOptions) -> Self
    where
        F: Fn(usize) -> T + Sync,
        T: AsRef<str>,
    {
        // Per document: its distinct short keys and the hashes of its long lines.
        let per_doc: Vec<(Vec<String>, Vec<u64>)> = (0..n)
            .into_par_iter()
            .map(|i| {
                let text = text_of(i);
                let mut short = Vec::new();
                let mut long = Vec::new();
                for line in text.as_ref().split('\n') {
                    // Only the first max_chars chars of a key are kept: longer lines are long.
                    let scan = scan_key(line, options.max_chars, false);
                    if !scan.has_letter {
                        continue;
                    }
                    if scan.chars <= options.max_chars && scan.words <= options.max_words {
                        short.push(scan.key);
                    } else if scan.chars > options.max_chars {
                        long.push(scan.hash);
                    }
                }
                short.sort_unstable();
                short.dedup();
                long.sort_unstable();
                long.dedup();
                (short, long)
            })
            .collect();
        // Documents sharing a long line are copies of one story.
        let mut uf = UnionFind::new(n);
        let mut first_with: HashMap<u64, usize> = HashMap::new();
        for (doc, (_, long)) in per_doc.iter().enumerate() {
            for h in long {
                match first_with.get(h) {
                    Some(&other) => uf.union(other, doc),
                    None => {
                        first_with.insert(*h, doc);
                    }
                }
            }
        }
        let story: Vec<usize> = (0..n).map(|d| uf.find(d)).collect();
        let stories = story.iter().collect::<HashSet<_>>().len();
        let needed = options.min_docs.max((options.min_fraction * stories as f64).ceil() as usize);
        let mut seen: HashMap<&str, HashSet<usize>> = HashMap::new();
        for (doc, (short, _)) in per_doc.iter().enumerate() {
            let s = story.get(doc).copied().unwrap_or(doc);
            for key in short {
                seen.entry(key.as_str()).or_default().insert(s);
            }
        }
        let keys = seen.into_iter().filter(|(_, s)| s.len() >= needed).map(|(k, _)| k.to_string()).collect();
        BoilerplateModel { keys, options }
    }

    /// Number of distinct boilerplate lines.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// True when no boilerplate was found.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The boilerplate keys (normalised lines), sorted.
    pub fn lines(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.keys.iter().map(String::as_str).collect();
        v.sort_unstable();
        v
    }

    /// True when this line (any text, normalised here) is boilerplate.
    pub fn is_boilerplate_line(&self, line: &str) -> bool {
        // Every learned key has at most max_chars chars: stop reading a line once it is longer.
        let scan = scan_key(line, self.options.max_chars, true);
        scan.chars <= self.options.max_chars && scan.has_letter && self.keys.contains(&scan.key)
    }

    /// Code-point ranges (into `text`) of its boilerplate lines, in order; each range is the
    /// line without its line break.
    pub fn boilerplate_ranges(&self, text: &str) -> Vec<Range<usize>> {
        if self.keys.is_empty() {
            return Vec::new();
        }
        lines_with_ranges(text)
            .filter(|(_, line)| self.is_masked_line(line))
            .map(|(range, _)| range)
            .collect()
    }

    /// True when [`Self::boilerplate_ranges`] masks this line (given without its line break):
    /// a non-empty boilerplate line of at most `8 × max_chars` bytes.
    pub fn is_masked_line(&self, line: &str) -> bool {
        !self.keys.is_empty()
            && !line.is_empty()
            && line.len() <= self.options.max_chars * 8
            && self.is_boilerplate_line(line)
    }

    /// `text` with the chars of its boilerplate lines replaced by spaces (same length in chars,
    /// line breaks kept), for extraction, search and duplicate detection.
    pub fn mask(&self, text: &str) -> String {
        mask_ranges(text, &self.boilerplate_ranges(text))
    }
}

/// Replaces the chars inside `ranges` (code points, sorted, non-overlapping) by spaces, keeping
/// line breaks; the result has as many chars as `text`.
pub fn mask_ranges(text: &str, ranges: &[Range<usize>]) -> String {
    if ranges.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut next = ranges.iter().peekable();
    for (i, c) in text.chars().enumerate() {
        while next.peek().is_some_and(|r| r.end <= i) {
            next.next();
        }
        let inside = next.peek().is_some_and(|r| r.contains(&i));
        out.push(if inside && c != '\n' && c != '\r' { ' ' } else { c });
    }
    out
}

#[cfg(test)]
fn hash_str(s: &str) -> u64 {
    s.chars().fold(FNV_OFFSET, |h, c| (h ^ u64::from(u32::from(c))).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(i: usize, extra: &[&str]) -> String {
        let mut lines = vec![format!("عنوان الخبر رقم {i} عن موضوع مختلف")];
        lines.extend(extra.iter().map(|s| s.to_string()));
        lines.push(format!(
            "هذه فقرة طويلة فريدة للمقال رقم {i} تتحدث عن أحداث كثيرة جرت في المدينة خلال الأسبوع \
             الماضي وتضم تفاصيل عديدة عن الاجتماعات والقرارات التي اتخذها المسؤولون {i}"
        ));
        lines.join("\n")
    }

    #[test]
    fn line_repeated_in_unrelated_documents_is_boilerplate() {
        let texts: Vec<String> = (0..6).map(|i| article(i, &["إعلان", "استمع إلى الملخص"])).collect();
        let model = BoilerplateModel::learn(&texts);
        assert!(model.is_boilerplate_line("اعلان"));
        assert!(model.is_boilerplate_line("  استمع الى الملخص :"));
        assert!(!model.is_boilerplate_line("عنوان الخبر رقم 1 عن موضوع مختلف"));
        assert_eq!(model.len(), 2, "{:?}", model.lines());
    }

    #[test]
    fn line_in_fewer_than_three_documents_is_not_boilerplate() {
        let mut texts: Vec<String> = (0..2).map(|i| article(i, &["في كلمات قليلة"])).collect();
        texts.extend((2..10).map(|i| article(i, &[])));
        assert!(BoilerplateModel::learn(&texts).is_empty());
    }

    #[test]
    fn syndicated_copies_count_as_one_story() {
        // Five copies of one story (same long paragraph, same short headline line): not boilerplate.
        let story = article(7, &["الرئيس يلتقي وزير الخارجية في القصر"]);
        let texts: Vec<String> =
            (0..5).map(|_| story.clone()).chain((0..5).map(|i| article(i, &[]))).collect();
        let model = BoilerplateModel::learn(&texts);
        assert!(model.is_empty(), "{:?}", model.lines());
    }

    #[test]
    fn long_repeated_paragraph_is_not_boilerplate() {
        let para = "فقرة طويلة جدا تتكرر في عدة مقالات لأنها منقولة من وكالة أنباء وتحتوي على أكثر من ستة عشر \
                    كلمة وأكثر من مئة حرف بعد التطبيع";
        let texts: Vec<String> = (0..6).map(|i| article(i, &[para])).collect();
        let model = BoilerplateModel::learn(&texts);
        assert!(!model.is_boilerplate_line(para));
    }

    #[test]
    fn ranges_are_code_points_of_the_original_and_mask_keeps_length() {
        let texts: Vec<String> = (0..4).map(|i| article(i, &["اعلان"])).collect();
        let model = BoilerplateModel::learn(&texts);
        let text = "سطرٌ أول\r\nإعْلان\nنص";
        let ranges = model.boilerplate_ranges(text);
        assert_eq!(ranges, vec![10..16]);
        let chars: Vec<char> = text.chars().collect();
        assert_eq!(chars[10..16].iter().collect::<String>(), "إعْلان");
        let masked = model.mask(text);
        assert_eq!(masked.chars().count(), text.chars().count());
        assert_eq!(masked, "سطرٌ أول\r\n      \nنص");
    }

    #[test]
    fn char_table_agrees_with_fold_char_and_the_standard_library() {
        let classes = CharClasses::get();
        for u in (0..=0x2FFFFu32).chain([0xE0001, 0x10FFFF]) {
            if let Some(c) = char::from_u32(u) {
                let expected = fold_char(c).map(|f| (f, f.is_alphabetic(), f.is_alphanumeric()));
                assert_eq!(classes.fold(c), expected, "U+{u:04X}");
            }
        }
    }

    #[test]
    fn key_scan_measures_and_hashes_the_whole_key() {
        for line in ["", " .. ", "١٢٣", "  إعْلان :  شارك  المقال!! ", "a-b c", "ابجد هوز حطي كلمن سعفص قرشت"]
        {
            let key = line_key(line);
            for keep in [0, 3, 100] {
                let scan = scan_key(line, keep, false);
                let full = scan_key(line, usize::MAX, false);
                assert_eq!(key, if full.has_letter { full.key.clone() } else { String::new() });
                assert_eq!(scan.chars, full.key.chars().count(), "{line:?}");
                assert_eq!(scan.key, full.key.chars().take(keep).collect::<String>(), "{line:?}");
                assert_eq!(scan.hash, hash_str(&full.key), "{line:?}");
                let words = if full.key.is_empty() { 0 } else { full.key.split(' ').count() };
                assert_eq!(scan.words, words, "{line:?}");
            }
        }
        assert!(scan_key("ابجد هوز حطي كلمن", 6, true).chars > 6);
    }

    #[test]
    fn fraction_threshold_applies_on_large_corpora() {
        let opts = BoilerplateOptions { min_fraction: 0.5, ..BoilerplateOptions::default() };
        let mut texts: Vec<String> = (0..4).map(|i| article(i, &["شارك المقال"])).collect();
        texts.extend((4..10).map(|i| article(i, &[])));
        assert!(BoilerplateModel::learn_with(&texts, opts.clone()).is_empty());
        texts.extend((10..12).map(|i| article(i, &["شارك المقال"])));
        assert!(BoilerplateModel::learn_with(&texts, opts).is_boilerplate_line("شارك المقال"));
    }
}

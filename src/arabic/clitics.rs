//! Proclitic segmentation of normalised Arabic words: conjunctions و ف, prepositions ب ك ل, the
//! article ال and their combinations (وبال، فال، وال، بال، كال، لل، ولل …), checked against a
//! [`Lexicon`] so that names which merely start with those letters are not split (بوتين is not
//! ب + وتين, لبنان is not ل + بنان). Input is a word already passed through
//! [`normalize`](super::normalize); positions are in its chars.

use std::collections::{HashMap, HashSet};

/// Word counts (normalised forms) plus protected names (gazetteer entries that are never split).
#[derive(Clone, Debug, Default)]
pub struct Lexicon {
    counts: HashMap<String, u32>,
    protected: HashSet<String>,
}

impl Lexicon {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `n` occurrences of a normalised word.
    pub fn add_count(&mut self, word: &str, n: u32) {
        let e = self.counts.entry(word.to_string()).or_insert(0);
        *e = e.saturating_add(n);
    }

    /// Marks a normalised word as a name that is never split (and is known).
    pub fn protect(&mut self, word: &str) {
        self.protected.insert(word.to_string());
    }

    /// How often the normalised word was seen.
    pub fn count(&self, word: &str) -> u32 {
        self.counts.get(word).copied().unwrap_or(0)
    }

    pub fn is_protected(&self, word: &str) -> bool {
        self.protected.contains(word)
    }

    pub fn is_known(&self, word: &str) -> bool {
        self.count(word) > 0 || self.is_protected(word)
    }

    /// All counted words, sorted (for serialising).
    pub fn sorted_counts(&self) -> Vec<(&str, u32)> {
        let mut v: Vec<(&str, u32)> = self.counts.iter().map(|(k, &c)| (k.as_str(), c)).collect();
        v.sort_unstable();
        v
    }

    /// All protected words, sorted.
    pub fn sorted_protected(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.protected.iter().map(String::as_str).collect();
        v.sort_unstable();
        v
    }
}

/// How a word splits: `conj` (و/ف), `prep` (ب/ك/ل), whether an article was found, and where
/// the parts start (in chars of the normalised word).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Split {
    pub conj: Option<char>,
    pub prep: Option<char>,
    pub article: bool,
    /// Start of the name part: after conjunction and preposition, the article kept
    /// (بالعراق → العراق). With ل + article (للعراق) the article's alef is not written, so
    /// this is the start of the bare stem.
    pub name_start: usize,
    /// Start of the bare stem (after the article too).
    pub stem_start: usize,
}

impl Split {
    /// True when a conjunction or preposition was removed.
    pub fn has_proclitic(&self) -> bool {
        self.conj.is_some() || self.prep.is_some()
    }

    /// The bare stem of `word` (the normalised word that was split).
    pub fn stem<'a>(&self, word: &'a str) -> &'a str {
        char_suffix(word, self.stem_start)
    }

    /// The name part of `word`: proclitics removed, article kept.
    pub fn name<'a>(&self, word: &'a str) -> &'a str {
        char_suffix(word, self.name_start)
    }

    /// A short code for the removed proclitics, e.g. "و+ب+ال", "" when none.
    pub fn code(&self) -> String {
        let mut s = String::new();
        for c in [self.conj, self.prep].into_iter().flatten() {
            s.push(c);
            s.push('+');
        }
        if self.article {
            s.push_str("ال");
        } else {
            s.pop();
        }
        s
    }
}

fn char_suffix(s: &str, chars: usize) -> &str {
    match s.char_indices().nth(chars) {
        Some((b, _)) => s.get(b..).unwrap_or(""),
        None => "",
    }
}

/// Minimum stem length (chars) after a conjunction or preposition without an article.
const MIN_STEM: usize = 3;
/// Unknown stems are accepted (for unknown words) only from this length on.
const MIN_UNKNOWN_STEM: usize = 5;

struct Candidate {
    split: Split,
    /// the name part as a string (article included when present, "ال" + stem for لل)
    name: String,
    stem_len: usize,
}

/// Segments a normalised word into proclitics, article and stem.
pub fn split(word: &str, lex: &Lexicon) -> Split {
    let chars: Vec<char> = word.chars().collect();
    let n = chars.len();
    if n < 3 || chars.iter().any(|c| !('\u{0621}'..='\u{064A}').contains(c)) {
        return Split::default();
    }
    let mut cands: Vec<Candidate> = Vec::with_capacity(12);
    let conj_opts: &[Option<char>] =
        if matches!(chars[0], 'و' | 'ف') { &[Some(chars[0]), None] } else { &[None] };
    for &conj in conj_opts {
        let i = usize::from(conj.is_some());
        let at = |k: usize| chars.get(k).copied().unwrap_or('\0');
        let suffix = |k: usize| chars.get(k..).map(|s| s.iter().collect::<String>()).unwrap_or_default();
        // prep ب/ك + article
        if matches!(at(i), 'ب' | 'ك') && at(i + 1) == 'ا' && at(i + 2) == 'ل' {
            let st = i + 3;
            cands.push(Candidate {
                split: Split { conj, prep: Some(at(i)), article: true, name_start: i + 1, stem_start: st },
                name: suffix(i + 1),
                stem_len: n.saturating_sub(st),
            });
        }
        // ل + article (alef elided): للعراق
        if at(i) == 'ل' && at(i + 1) == 'ل' {
            let st = i + 2;
            cands.push(Candidate {
                split: Split { conj, prep: Some('ل'), article: true, name_start: st, stem_start: st },
                name: format!("ال{}", suffix(st)),
                stem_len: n.saturating_sub(st),
            });
        }
        // article alone after a conjunction (والعراق) or at the start (العراق)
        if at(i) == 'ا' && at(i + 1) == 'ل' {
            let st = i + 2;
            cands.push(Candidate {
                split: Split { conj, prep: None, article: true, name_start: i, stem_start: st },
                name: suffix(i),
                stem_len: n.saturating_sub(st),
            });
        }
        // preposition without article
        if matches!(at(i), 'ب' | 'ك' | 'ل') {
            let st = i + 1;
            cands.push(Candidate {
                split: Split { conj, prep: Some(at(i)), article: false, name_start: st, stem_start: st },
                name: suffix(st),
                stem_len: n.saturating_sub(st),
            });
        }
        if conj.is_some() {
            cands.push(Candidate {
                split: Split { conj, prep: None, article: false, name_start: i, stem_start: i },
                name: suffix(i),
                stem_len: n.saturating_sub(i),
            });
        }
    }
    // 1. protected names win: the whole word, else the longest-prefix candidate whose name is protected
    if lex.is_protected(word) {
        // but a bare article on a protected word still gives its stem
        return cands
            .iter()
            .find(|c| !c.split.has_proclitic() && c.split.article && c.stem_len >= 2)
            .map(|c| c.split)
            .unwrap_or_default();
    }
    if let Some(c) = cands.iter().find(|c| lex.is_protected(&c.name)) {
        return c.split;
    }
    let whole = lex.count(word);
    for c in &cands {
        let known = if c.split.article {
            lex.count(&c.name).saturating_add(lex.count(char_suffix(word, c.split.stem_start)))
        } else {
            lex.count(&c.name).saturating_add(lex.count(&format!("ال{}", c.name)))
        };
        let ok = if c.split.article {
            // article splits are reliable once the stem is long enough
            c.stem_len >= 3 || (c.stem_len == 2 && known > 0)
        } else if c.stem_len < MIN_STEM {
            false
        } else if known > 0 {
            // both readings known: split only if the stem is at least twice as common as the
            // whole word (كبير stays, وبوتين splits)
            known >= whole.saturating_mul(2)
        } else {
            whole == 0 && c.stem_len >= MIN_UNKNOWN_STEM
        };
        if ok {
            return c.split;
        }
    }
    Split::default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex() -> Lexicon {
        let mut l = Lexicon::new();
        for (w, c) in [
            ("بوتين", 20),
            ("العراق", 50),
            ("كبير", 40),
            ("بير", 1),
            ("الي", 300),
            ("فلسطين", 30),
            ("لندن", 10),
            ("وزير", 60),
        ] {
            l.add_count(w, c);
        }
        for w in ["لبنان", "بغداد", "العراق", "لندن", "ليبيا"] {
            l.protect(w);
        }
        l
    }

    fn name_of(w: &str) -> String {
        split(w, &lex()).name(w).to_string()
    }

    #[test]
    fn conjunction_plus_known_name_splits() {
        let s = split("وبوتين", &lex());
        assert_eq!(s.conj, Some('و'));
        assert_eq!(s.prep, None);
        assert_eq!(s.name("وبوتين"), "بوتين");
    }

    #[test]
    fn name_starting_with_clitic_letter_is_not_split() {
        assert_eq!(split("بوتين", &lex()), Split::default());
        assert_eq!(name_of("فلسطين"), "فلسطين");
    }

    #[test]
    fn protected_gazetteer_names_are_not_split() {
        assert_eq!(name_of("لبنان"), "لبنان");
        assert_eq!(name_of("ليبيا"), "ليبيا");
        assert_eq!(name_of("ولبنان"), "لبنان");
        assert_eq!(name_of("وبغداد"), "بغداد");
        assert_eq!(name_of("للندن"), "لندن");
    }

    #[test]
    fn preposition_plus_article_keeps_article_in_name() {
        for w in ["بالعراق", "وبالعراق", "فالعراق", "والعراق", "كالعراق"]
        {
            let s = split(w, &lex());
            assert!(s.article, "{w}");
            assert_eq!(s.name(w), "العراق", "{w}");
            assert_eq!(s.stem(w), "عراق", "{w}");
        }
    }

    #[test]
    fn lam_lam_is_preposition_plus_elided_article() {
        for w in ["للعراق", "وللعراق"] {
            let s = split(w, &lex());
            assert_eq!(s.prep, Some('ل'), "{w}");
            assert!(s.article);
            assert_eq!(s.stem(w), "عراق");
        }
    }

    #[test]
    fn article_alone_is_not_a_proclitic() {
        let s = split("العراق", &lex());
        assert!(!s.has_proclitic());
        assert_eq!(s.name("العراق"), "العراق");
        assert_eq!(s.stem("العراق"), "عراق");
    }

    #[test]
    fn short_stems_are_not_split() {
        assert_eq!(split("وسط", &lex()), Split::default());
        assert_eq!(split("بين", &lex()), Split::default());
    }

    #[test]
    fn common_whole_word_beats_rare_stem() {
        assert_eq!(split("كبير", &lex()), Split::default());
    }

    #[test]
    fn equally_common_whole_word_is_not_split() {
        let mut l = lex();
        l.add_count("يونغ", 30);
        l.add_count("بيونغ", 25);
        assert_eq!(split("بيونغ", &l), Split::default());
    }

    #[test]
    fn unknown_long_word_after_conjunction_splits() {
        assert_eq!(name_of("وزيلينسكي"), "زيلينسكي");
        // an unknown short stem does not
        assert_eq!(name_of("وتيني"), "وتيني");
    }

    #[test]
    fn known_word_with_unknown_stem_stays_whole() {
        assert_eq!(name_of("وزير"), "وزير");
    }

    #[test]
    fn code_names_the_removed_parts() {
        assert_eq!(split("وبالعراق", &lex()).code(), "و+ب+ال");
        assert_eq!(split("وبوتين", &lex()).code(), "و");
        assert_eq!(split("بوتين", &lex()).code(), "");
    }

    #[test]
    fn non_arabic_and_short_input_do_not_split() {
        assert_eq!(split("", &lex()), Split::default());
        assert_eq!(split("وب", &lex()), Split::default());
        assert_eq!(split("wbal", &lex()), Split::default());
    }
}

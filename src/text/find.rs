//! Find in a document: matching that sees through tashkeel, tatweel and hamza/alef variants
//! (through [`crate::arabic::normalize_with_offsets`]), and the find bar state of the
//! document view (query, hits, current hit). Offsets are code points of the original text.

use std::ops::Range;

use crate::arabic::normalize::{normalize, normalize_with_offsets};

/// A document normalised once for repeated queries.
#[derive(Clone, Debug, Default)]
pub struct FindIndex {
    normalized: String,
    /// For each normalised char, the original char index (plus one final entry: the length).
    map: Vec<usize>,
}

impl FindIndex {
    /// Normalises `text` (linear time; a 1 MB article takes a few milliseconds).
    pub fn new(text: &str) -> Self {
        let (normalized, map) = normalize_with_offsets(text);
        Self { normalized, map }
    }

    /// Every non-overlapping match of `query`, as char ranges of the original text, in order.
    /// A match covers the original characters from its first matched letter up to the next
    /// kept character, so marks (tashkeel) on its last letter are inside it. An empty query
    /// (or one made of marks only) matches nothing.
    pub fn find_all(&self, query: &str) -> Vec<Range<usize>> {
        let needle = normalize(query);
        let mut hits = Vec::new();
        if needle.is_empty() {
            return hits;
        }
        let needle_chars = needle.chars().count();
        // Walk byte offsets of matches in order, converting to char indices incrementally.
        let mut char_index = 0usize;
        let mut byte_index = 0usize;
        for (byte_start, _) in self.normalized.match_indices(needle.as_str()) {
            let Some(skipped) = self.normalized.get(byte_index..byte_start) else { break };
            char_index += skipped.chars().count();
            byte_index = byte_start;
            let start = self.map.get(char_index).copied();
            let end = self.map.get(char_index + needle_chars).copied();
            if let (Some(start), Some(end)) = (start, end) {
                hits.push(start..end);
            }
        }
        hits
    }
}

/// Find-bar state kept by the document view.
#[derive(Clone, Debug, Default)]
pub struct FindState {
    /// The bar is shown.
    pub is_open: bool,
    /// What the user typed.
    pub query: String,
    /// Hits of `query` in the document, in logical order.
    pub hits: Vec<Range<usize>>,
    /// Index into `hits` of the current hit.
    pub current: Option<usize>,
    /// The query the hits were computed for.
    searched_query: String,
    /// The document key the index was built for.
    index_key: Option<u64>,
    index: FindIndex,
    /// Focus the query field on the next frame.
    pub(crate) wants_focus: bool,
}

impl FindState {
    /// Opens the bar and focuses its field.
    pub fn open(&mut self) {
        self.is_open = true;
        self.wants_focus = true;
    }

    /// Closes the bar and clears the hits.
    pub fn close(&mut self) {
        self.is_open = false;
        self.hits.clear();
        self.current = None;
        self.searched_query.clear();
    }

    /// Recomputes hits when the query or the document changed. `near` is a char offset (e.g.
    /// the top of the view): the first hit at or after it becomes current. Returns true when
    /// the current hit changed.
    pub fn update(&mut self, doc_key: u64, text: &str, near: usize) -> bool {
        if self.index_key != Some(doc_key) {
            self.index = FindIndex::new(text);
            self.index_key = Some(doc_key);
            self.searched_query = String::from("\u{0}");
        }
        if self.query == self.searched_query {
            return false;
        }
        self.searched_query = self.query.clone();
        self.hits = self.index.find_all(&self.query);
        let before = self.current;
        self.current = if self.hits.is_empty() {
            None
        } else {
            Some(self.hits.partition_point(|h| h.start < near).min(self.hits.len() - 1))
        };
        before != self.current || self.current.is_some()
    }

    /// Moves to the next (or previous) hit, wrapping around.
    pub fn step(&mut self, forward: bool) {
        let n = self.hits.len();
        if n == 0 {
            self.current = None;
            return;
        }
        self.current = Some(match self.current {
            None => 0,
            Some(i) if forward => (i + 1) % n,
            Some(i) => (i + n - 1) % n,
        });
    }

    /// The current hit's range.
    pub fn current_hit(&self) -> Option<Range<usize>> {
        self.current.and_then(|i| self.hits.get(i)).cloned()
    }

    /// "3 / 17" style counter (ASCII digits), or "0" when nothing matches.
    pub fn counter_text(&self) -> String {
        match self.current {
            Some(i) => format!("{} / {}", i + 1, self.hits.len()),
            None if self.query.is_empty() => String::new(),
            None => "0".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice(text: &str, r: &Range<usize>) -> String {
        text.chars().skip(r.start).take(r.end - r.start).collect()
    }

    #[test]
    fn query_without_marks_matches_text_with_tashkeel() {
        let text = "قال مُحَمَّدٌ إنّه";
        let hits = FindIndex::new(text).find_all("محمد");
        assert_eq!(hits.len(), 1);
        assert_eq!(slice(text, &hits[0]), "مُحَمَّدٌ");
    }

    #[test]
    fn tatweel_and_alef_variants_are_transparent() {
        let text = "بـــوتين وأحمد واحمد وإحمد";
        let index = FindIndex::new(text);
        assert_eq!(index.find_all("بوتين").len(), 1);
        assert_eq!(index.find_all("احمد").len(), 3);
        assert_eq!(index.find_all("أحمد").len(), 3);
    }

    #[test]
    fn match_offsets_are_code_points_of_the_original() {
        let text = "abc أَحمد xyz أحمد";
        let hits = FindIndex::new(text).find_all("احمد");
        let starts: Vec<usize> = hits.iter().map(|h| h.start).collect();
        assert_eq!(starts, vec![4, 14]);
        assert_eq!(slice(text, &hits[1]), "أحمد");
    }

    #[test]
    fn empty_or_marks_only_query_matches_nothing() {
        let index = FindIndex::new("مرحبا");
        assert!(index.find_all("").is_empty());
        assert!(index.find_all("\u{064E}").is_empty());
    }

    #[test]
    fn stepping_wraps_around_both_ways() {
        let mut state = FindState { query: "ا".into(), ..FindState::default() };
        state.update(1, "ا ب ا ب ا", 0);
        assert_eq!(state.hits.len(), 3);
        assert_eq!(state.current, Some(0));
        state.step(false);
        assert_eq!(state.current, Some(2));
        state.step(true);
        assert_eq!(state.current, Some(0));
    }

    #[test]
    fn first_hit_after_view_top_becomes_current() {
        let mut state = FindState { query: "ب".into(), ..FindState::default() };
        state.update(1, "ب ب ب ب", 3);
        assert_eq!(state.current, Some(2));
    }
}

//! Stories: documents grouped as copies of one text (near-duplicates: syndicated, re-scraped,
//! lightly edited), so lists can collapse a group into one row and counts can take each story
//! once. Built from the duplicate groups of the analysis.

use crate::index::duplicates::DuplicateGroup;

/// Which documents are copies of which.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stories {
    /// Per document: its group, if it has copies.
    group_of: Vec<Option<usize>>,
    /// Members of each group, ascending; the first is the story's representative.
    groups: Vec<Vec<usize>>,
    /// Mean similarity of each group.
    similarity: Vec<f64>,
}

impl Stories {
    /// Stories of a corpus of `documents` documents with these duplicate groups.
    pub fn new(documents: usize, groups: &[DuplicateGroup]) -> Self {
        let mut group_of = vec![None; documents];
        let mut members = Vec::with_capacity(groups.len());
        let mut similarity = Vec::with_capacity(groups.len());
        for g in groups {
            let mut docs: Vec<usize> = g.documents.iter().copied().filter(|&d| d < documents).collect();
            docs.sort_unstable();
            docs.dedup();
            if docs.len() < 2 {
                continue;
            }
            let id = members.len();
            for &d in &docs {
                if let Some(slot) = group_of.get_mut(d) {
                    *slot = Some(id);
                }
            }
            members.push(docs);
            similarity.push(g.similarity);
        }
        Stories { group_of, groups: members, similarity }
    }

    /// The group of a document, if it has copies.
    pub fn group_of(&self, document: usize) -> Option<usize> {
        self.group_of.get(document).copied().flatten()
    }

    /// The documents of a group, ascending.
    pub fn members(&self, group: usize) -> &[usize] {
        self.groups.get(group).map(Vec::as_slice).unwrap_or_default()
    }

    /// Mean estimated similarity of a group's copies (0..=1).
    pub fn similarity(&self, group: usize) -> f64 {
        self.similarity.get(group).copied().unwrap_or(0.0)
    }

    /// True for a copy that is not its story's representative (left out when each story is
    /// counted once).
    pub fn is_extra_copy(&self, document: usize) -> bool {
        self.group_of(document).and_then(|g| self.members(g).first()).is_some_and(|&first| first != document)
    }

    /// Number of groups.
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// Documents that are extra copies (what "count each story once" leaves out).
    pub fn extra_copies(&self) -> usize {
        self.groups.iter().map(|g| g.len() - 1).sum()
    }
}

/// One row of a collapsed documents list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListRow {
    pub document: usize,
    /// For the first listed document of a group: how many of its copies are listed in all.
    pub copies: Option<usize>,
    /// A copy shown under its expanded group.
    pub nested: bool,
}

/// The rows of a documents list (`visible`, in order) with each group collapsed into its first
/// listed document, except the groups in `expanded`, whose other listed copies follow it.
pub fn collapse(
    visible: &[usize],
    stories: &Stories,
    expanded: &std::collections::HashSet<usize>,
) -> Vec<ListRow> {
    let mut listed_per_group: std::collections::HashMap<usize, Vec<usize>> = Default::default();
    for &d in visible {
        if let Some(g) = stories.group_of(d) {
            listed_per_group.entry(g).or_default().push(d);
        }
    }
    let mut rows = Vec::with_capacity(visible.len());
    let mut seen = std::collections::HashSet::new();
    for &d in visible {
        match stories.group_of(d) {
            None => rows.push(ListRow { document: d, copies: None, nested: false }),
            Some(g) => {
                if !seen.insert(g) {
                    continue;
                }
                let listed = listed_per_group.get(&g).map(Vec::as_slice).unwrap_or_default();
                let copies = (listed.len() > 1).then_some(listed.len());
                rows.push(ListRow { document: d, copies, nested: false });
                if expanded.contains(&g) {
                    for &other in listed.iter().filter(|&&o| o != d) {
                        rows.push(ListRow { document: other, copies: None, nested: true });
                    }
                }
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stories() -> Stories {
        Stories::new(
            6,
            &[
                DuplicateGroup { documents: vec![1, 3, 4], similarity: 0.9 },
                DuplicateGroup { documents: vec![7, 2], similarity: 0.8 }, // 7 is out of range
            ],
        )
    }

    #[test]
    fn groups_have_a_representative_and_extra_copies() {
        let s = stories();
        assert_eq!(s.len(), 1, "a group left with one document is dropped");
        assert_eq!(s.group_of(3), Some(0));
        assert!(!s.is_extra_copy(1));
        assert!(s.is_extra_copy(3) && s.is_extra_copy(4));
        assert!(!s.is_extra_copy(2) && !s.is_extra_copy(0));
        assert_eq!(s.extra_copies(), 2);
    }

    #[test]
    fn a_collapsed_group_is_one_row_with_its_count_and_expands_in_place() {
        let s = stories();
        let visible = [4, 0, 1, 5, 3];
        let rows = collapse(&visible, &s, &Default::default());
        let docs: Vec<usize> = rows.iter().map(|r| r.document).collect();
        assert_eq!(docs, vec![4, 0, 5]);
        assert_eq!(rows[0].copies, Some(3));
        let expanded = [0].into_iter().collect();
        let rows = collapse(&visible, &s, &expanded);
        let docs: Vec<(usize, bool)> = rows.iter().map(|r| (r.document, r.nested)).collect();
        assert_eq!(docs, vec![(4, false), (1, true), (3, true), (0, false), (5, false)]);
    }

    #[test]
    fn a_group_with_one_listed_member_shows_no_count() {
        let s = stories();
        let rows = collapse(&[3, 0], &s, &Default::default());
        assert_eq!(rows[0], ListRow { document: 3, copies: None, nested: false });
    }
}

//! Back/forward history of selections (Alt+Left/Right, mouse back/forward buttons).

use super::selection::Selection;

/// How many selections Back remembers.
const MAX_HISTORY: usize = 200;

/// Two stacks of past and undone selections.
#[derive(Debug, Default)]
pub struct History {
    back: Vec<Selection>,
    forward: Vec<Selection>,
}

impl History {
    /// Records `previous` before a new selection; clears the forward stack.
    pub fn push(&mut self, previous: Selection) {
        self.back.push(previous);
        if self.back.len() > MAX_HISTORY {
            self.back.remove(0);
        }
        self.forward.clear();
    }

    /// The selection to go back to, given the current one.
    pub fn back(&mut self, current: Selection) -> Option<Selection> {
        let previous = self.back.pop()?;
        self.forward.push(current);
        Some(previous)
    }

    /// The selection to go forward to, given the current one.
    pub fn forward(&mut self, current: Selection) -> Option<Selection> {
        let next = self.forward.pop()?;
        self.back.push(current);
        Some(next)
    }

    pub fn can_go_back(&self) -> bool {
        !self.back.is_empty()
    }

    pub fn can_go_forward(&self) -> bool {
        !self.forward.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(i: usize) -> Selection {
        Selection { document: Some(i), ..Default::default() }
    }

    #[test]
    fn back_then_forward_returns_to_the_same_selection() {
        let mut h = History::default();
        h.push(doc(1));
        assert_eq!(h.back(doc(2)), Some(doc(1)));
        assert_eq!(h.forward(doc(1)), Some(doc(2)));
        assert!(!h.can_go_forward());
    }

    #[test]
    fn a_new_selection_clears_forward() {
        let mut h = History::default();
        h.push(doc(1));
        h.back(doc(2));
        h.push(doc(1));
        assert!(!h.can_go_forward());
    }
}

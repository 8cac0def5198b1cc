//! The one shared selection: which document is open, which entity / time range / event is
//! selected, and what is hovered. Panes read it; only `app.rs` (handling `Command`s) changes it.
//! Hover is double-buffered (written this frame, read from the previous one), as in rerun.

use std::ops::Range;

use chrono::NaiveDate;

/// Index of a document in the app's document list (stable while a corpus is open).
pub type DocumentIndex = usize;

/// A position in a document: used to open a document "at this sentence".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextTarget {
    pub document: DocumentIndex,
    /// Code-point range to scroll to and mark.
    pub range: Range<usize>,
}

/// What is selected across all panes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selection {
    /// The open document.
    pub document: Option<DocumentIndex>,
    /// The selected entity (corpus-level id), if any.
    pub entity: Option<String>,
    /// A brushed time range (inclusive days), filtering lists.
    pub time_range: Option<(NaiveDate, NaiveDate)>,
    /// A sentence to show (from a timeline event or a search hit).
    pub target: Option<TextTarget>,
}

/// What the pointer is over, across panes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Hover {
    pub entity: Option<String>,
    pub document: Option<DocumentIndex>,
}

/// Selection plus double-buffered hover and a one-frame "changed" flag.
#[derive(Debug, Default)]
pub struct SelectionState {
    pub current: Selection,
    hovered_previous_frame: Hover,
    hovered_this_frame: Hover,
    changed_this_frame: bool,
    pending_change: bool,
}

impl SelectionState {
    /// Called at the start of every frame: swaps hover buffers and clears the changed flag.
    pub fn on_frame_start(&mut self, document_count: usize) {
        self.hovered_previous_frame = std::mem::take(&mut self.hovered_this_frame);
        self.changed_this_frame = std::mem::take(&mut self.pending_change);
        if self.current.document.is_some_and(|d| d >= document_count) {
            self.current.document = None;
            self.current.target = None;
        }
    }

    /// Replaces the selection (from the command handler).
    pub fn set(&mut self, selection: Selection) {
        if selection != self.current {
            self.current = selection;
            self.pending_change = true;
        }
    }

    /// True during the one frame after the selection changed (e.g. to scroll once).
    pub fn changed(&self) -> bool {
        self.changed_this_frame
    }

    /// What was hovered during the previous frame.
    pub fn hovered(&self) -> &Hover {
        &self.hovered_previous_frame
    }

    /// Records a hovered entity for the next frame.
    pub fn hover_entity(&mut self, id: String) {
        self.hovered_this_frame.entity = Some(id);
    }

    /// Records a hovered document for the next frame.
    pub fn hover_document(&mut self, index: DocumentIndex) {
        self.hovered_this_frame.document = Some(index);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_flag_lasts_one_frame() {
        let mut s = SelectionState::default();
        s.set(Selection { document: Some(0), ..Default::default() });
        s.on_frame_start(3);
        assert!(s.changed());
        s.on_frame_start(3);
        assert!(!s.changed());
    }

    #[test]
    fn hover_is_read_from_previous_frame() {
        let mut s = SelectionState::default();
        s.hover_entity("per:x".into());
        assert_eq!(s.hovered().entity, None);
        s.on_frame_start(0);
        assert_eq!(s.hovered().entity.as_deref(), Some("per:x"));
    }

    #[test]
    fn document_that_no_longer_exists_is_dropped() {
        let mut s = SelectionState::default();
        s.set(Selection { document: Some(5), ..Default::default() });
        s.on_frame_start(2);
        assert_eq!(s.current.document, None);
    }
}

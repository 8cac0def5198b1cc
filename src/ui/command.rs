//! Every user action is a [`Command`], queued by panes and menus and handled in one place
//! (`app.rs`): the only code that changes the selection, starts jobs or writes files.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::selection::{DocumentIndex, TextTarget};

/// A user action.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Open these folders or files (replacing the open corpus).
    OpenPaths(Vec<PathBuf>),
    /// Open prebuilt analysis record files (`khabar analyze --format jsonl` of shards).
    OpenAnalysis(Vec<PathBuf>),
    /// Show the folder picker (File → Open folder…).
    PickFolder,
    /// Open the bundled sample corpus.
    OpenSamples,
    /// Stop loading the corpus.
    CancelLoading,
    /// Show this document.
    SelectDocument(DocumentIndex),
    /// Show a document scrolled to a character range (timeline event, search hit).
    OpenAt(TextTarget),
    /// Select an entity (corpus-level id) or clear it.
    SelectEntity(Option<String>),
    /// Filter lists to a time range (inclusive days) or clear it.
    SelectTimeRange(Option<(NaiveDate, NaiveDate)>),
    /// Apply an alias edit (merge, split, rename, change type), saved for this corpus.
    EditAliases(crate::index::AliasEdit),
    /// Undo the last alias edit (Ctrl+Z outside text fields).
    UndoAliasEdit,
    /// Redo the alias edit undone last (Ctrl+Shift+Z).
    RedoAliasEdit,
    /// Clear the whole selection (Esc).
    ClearSelection,
    /// Open the corpus search (Ctrl+K).
    OpenSearch,
    /// Go back to the previous selection (Alt+Left, mouse back button).
    Back,
    /// Go forward again (Alt+Right, mouse forward button).
    Forward,
    /// Save a PNG of the window or of one pane (Ctrl+Shift+S for the window).
    ExportScreenshot(super::Pane),
    /// Save a table (entities, mentions, events, documents) of the current filtered view.
    ExportTable(crate::index::table::TableKind, crate::index::table::TableFormat),
    /// Star or unstar a document.
    ToggleStar(DocumentIndex),
    /// Tag a document / remove a tag.
    AddTag(DocumentIndex, String),
    RemoveTag(DocumentIndex, String),
    /// Add a note to a passage (code points) of a document.
    AddNote {
        document: DocumentIndex,
        range: std::ops::Range<usize>,
        body: String,
    },
    /// Change or delete a note.
    EditNote(u64, String),
    RemoveNote(u64),
    /// Copy a passage with its citation (plain text or Markdown).
    CopyQuote {
        document: DocumentIndex,
        range: std::ops::Range<usize>,
        markdown: bool,
    },
    /// Save the current state under a name / restore / forget a saved view.
    SaveView(String),
    OpenView(String),
    RemoveView(String),
    /// Export every note of the corpus (Markdown or CSV) with citations.
    ExportNotes {
        markdown: bool,
    },
    /// Show or hide the error list window.
    ToggleErrorList,
    /// Forget the recent-folders list.
    ClearRecent,
    /// Quit the app.
    Quit,
}

/// Commands queued during a frame, drained by the app at the end of it.
#[derive(Debug, Default)]
pub struct CommandQueue {
    queue: Vec<(Command, &'static std::panic::Location<'static>)>,
}

impl CommandQueue {
    /// Queues a command, remembering where it was sent from (for debug logs).
    #[track_caller]
    pub fn send(&mut self, command: Command) {
        self.queue.push((command, std::panic::Location::caller()));
    }

    /// Takes every queued command.
    pub fn drain(&mut self) -> Vec<(Command, &'static std::panic::Location<'static>)> {
        std::mem::take(&mut self.queue)
    }

    /// True when nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// The queued commands (for tests).
    pub fn pending(&self) -> impl Iterator<Item = &Command> {
        self.queue.iter().map(|(c, _)| c)
    }
}

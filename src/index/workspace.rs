//! The user's own data about one corpus — starred documents, tags, notes anchored to passages,
//! saved views and the last view — with its storage (one JSON file per corpus in the user's data
//! directory, written atomically, never inside the corpus), quotes with citations ("copy as
//! quote") and the notes exports (Markdown, CSV).
//!
//! Overview:
//! - [`Workspace`] is the whole file (schema [`WORKSPACE_SCHEMA`]). Documents are named by their
//!   relative path (`Document::rel_path`), entities by their canonical name — never by internal
//!   ids, which change between runs.
//! - [`Note`]s are anchored to a character range (Unicode code points) of the decoded text and
//!   keep the quoted passage; [`Workspace::reanchor`] re-attaches them after the file changed.
//! - [`SavedView`] is a named state of the panes; [`Workspace::last_view`] is restored on start.
//! - [`workspace_path`] is where a corpus's file lives; [`Workspace::load`] /
//!   [`Workspace::save`] read and write it; [`Workspace::backup_corrupt`] moves a damaged file
//!   aside so that it is never overwritten silently; [`Workspace::load_or_recover`] does both
//!   the way the app should on start.
//! - [`passage`] cuts a selection (code points) out of a text for a note's quote.
//! - [`format_quote`] formats a passage with its [`Citation`]; [`notes_markdown`] and
//!   [`write_notes_csv`] export everything.
//!
//! Typical use (the app):
//! ```no_run
//! use khabar::index::workspace::{Workspace, passage, workspace_path};
//! let roots = vec![std::path::PathBuf::from("news")];
//! let path = workspace_path(&roots);
//! let recovered = Workspace::load_or_recover(&path);
//! if let Some(warning) = &recovered.warning {
//!     eprintln!("{warning}"); // the app shows it once
//! }
//! let mut ws = recovered.workspace;
//! // After loading each document: ws.reanchor(&doc.rel_path, &doc.text);
//! ws.toggle_star("a.txt");
//! let text = "خبرٌ عاجل";
//! let id = ws.add_note("a.txt", 0, 4, &passage(text, 0, 4), "check the source");
//! ws.edit_note(id, "checked");
//! if recovered.can_save {
//!     ws.save(&path).ok();
//! }
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The schema id written into every workspace file (`version`).
pub const WORKSPACE_SCHEMA: &str = "khabar.workspace/1";

/// The prefix every version of the schema shares; a file without it is not a workspace.
const SCHEMA_FAMILY: &str = "khabar.workspace/";

/// A note on a passage of one document.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Note {
    /// Unique within the workspace; never reused after removal.
    pub id: u64,
    /// The document's relative path (`Document::rel_path`).
    pub document: String,
    /// Start of the passage, in code points of the decoded text.
    pub start: usize,
    /// End of the passage (exclusive), in code points.
    pub end: usize,
    /// The passage text when the note was made (used to re-anchor it).
    pub quote: String,
    /// The user's note.
    pub body: String,
    /// When the note was made (RFC 3339, UTC).
    pub created: String,
    /// True when the passage is no longer in the document ([`Workspace::reanchor`]); the range
    /// is then the last known one and should not be highlighted.
    pub detached: bool,
}

/// A named state of the panes: what is selected, filtered and searched.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SavedView {
    /// The name shown in the views menu (unique in [`Workspace::views`]).
    pub name: String,
    /// The open document (relative path).
    pub document: Option<String>,
    /// The selected entity, by canonical name (ids are not stable between runs).
    pub entity: Option<String>,
    /// Time range filter, inclusive.
    pub time_from: Option<NaiveDate>,
    /// Time range filter, inclusive.
    pub time_to: Option<NaiveDate>,
    /// The search query.
    pub query: String,
    /// The text filter of the entities list.
    pub entity_filter: String,
    /// True when the entities list shows the whole corpus rather than the open document.
    pub entity_scope_corpus: bool,
}

/// Everything the user added to one corpus. Missing fields load as their defaults, so older
/// and partial files load.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Workspace {
    /// Schema id ([`WORKSPACE_SCHEMA`] when written by this version).
    pub version: String,
    /// Starred documents (relative paths).
    pub starred: BTreeSet<String>,
    /// Tags of each document (relative path → tags). Documents without tags are absent.
    pub tags: BTreeMap<String, BTreeSet<String>>,
    /// All notes, in the order they were added.
    pub notes: Vec<Note>,
    /// Saved views, in the order they were first saved.
    pub views: Vec<SavedView>,
    /// The state to restore on start.
    pub last_view: Option<SavedView>,
    /// The id the next note gets (kept so that ids of removed notes are not reused).
    pub next_note_id: u64,
}

impl Default for Workspace {
    fn default() -> Self {
        Self {
            version: WORKSPACE_SCHEMA.to_owned(),
            starred: BTreeSet::new(),
            tags: BTreeMap::new(),
            notes: Vec::new(),
            views: Vec::new(),
            last_view: None,
            next_note_id: 1,
        }
    }
}

/// Why a workspace file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    /// The file exists but could not be read.
    #[error("cannot read the notes file {}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    /// The file is not valid workspace JSON (damaged or not a workspace).
    #[error(
        "the notes file {} is damaged ({message}); it was not changed — move it aside \
         (Workspace::backup_corrupt) before saving new notes",
        path.display()
    )]
    Corrupt { path: PathBuf, message: String },
}

/// The result of [`Workspace::load_or_recover`].
#[derive(Debug)]
pub struct Recovered {
    pub workspace: Workspace,
    /// A message for the user when the file could not be read.
    pub warning: Option<String>,
    /// False when saving would overwrite an unreadable file that could not be moved aside.
    pub can_save: bool,
}

/// Code points `start..end` of `text` (clamped to the text; empty when reversed) — the quote of
/// a selection, for [`Workspace::add_note`] and [`format_quote`].
pub fn passage(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end.saturating_sub(start)).collect()
}

/// Where the workspace of the corpus opened from `roots` lives:
/// `data_dir()/workspaces/<corpus_key(roots)>.json`.
pub fn workspace_path(roots: &[PathBuf]) -> PathBuf {
    workspace_path_in(&crate::app_dirs::data_dir(), roots)
}

/// [`workspace_path`] under a given data directory.
pub fn workspace_path_in(data_dir: &Path, roots: &[PathBuf]) -> PathBuf {
    data_dir.join("workspaces").join(format!("{}.json", crate::app_dirs::corpus_key(roots)))
}

/// Collapses every run of whitespace (including line breaks) to one space and trims.
fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The current time as RFC 3339 (UTC, seconds).
fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl Workspace {
    // ----- stars -----

    /// Stars or unstars a document; returns whether it is starred now.
    pub fn toggle_star(&mut self, document: &str) -> bool {
        if self.starred.remove(document) {
            false
        } else {
            self.starred.insert(document.to_owned());
            true
        }
    }

    /// True when the document is starred.
    pub fn is_starred(&self, document: &str) -> bool {
        self.starred.contains(document)
    }

    // ----- tags -----

    /// Adds a tag to a document. The tag is trimmed and inner whitespace collapsed; returns
    /// false when it is empty or the document already has it.
    pub fn add_tag(&mut self, document: &str, tag: &str) -> bool {
        let tag = collapse_whitespace(tag);
        if tag.is_empty() {
            return false;
        }
        self.tags.entry(document.to_owned()).or_default().insert(tag)
    }

    /// Removes a tag (compared after the same clean-up as [`Self::add_tag`]); returns whether
    /// the document had it. A document left without tags is dropped from [`Self::tags`].
    pub fn remove_tag(&mut self, document: &str, tag: &str) -> bool {
        let tag = collapse_whitespace(tag);
        let Some(set) = self.tags.get_mut(document) else { return false };
        let removed = set.remove(&tag);
        if set.is_empty() {
            self.tags.remove(document);
        }
        removed
    }

    /// The tags of a document, sorted.
    pub fn tags_of(&self, document: &str) -> Vec<&str> {
        self.tags.get(document).map(|s| s.iter().map(String::as_str).collect()).unwrap_or_default()
    }

    /// Every tag with the number of documents carrying it, most used first (ties by name).
    pub fn all_tags(&self) -> Vec<(String, usize)> {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for set in self.tags.values() {
            for tag in set {
                *counts.entry(tag).or_default() += 1;
            }
        }
        let mut out: Vec<(String, usize)> = counts.into_iter().map(|(t, n)| (t.to_owned(), n)).collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out
    }

    /// The documents carrying a tag, sorted.
    pub fn documents_tagged(&self, tag: &str) -> Vec<&str> {
        self.tags.iter().filter(|(_, set)| set.contains(tag)).map(|(doc, _)| doc.as_str()).collect()
    }

    // ----- notes -----

    /// Adds a note on `document`'s code points `start..end` (swapped if reversed) whose text is
    /// `quote`; returns its id.
    pub fn add_note(&mut self, document: &str, start: usize, end: usize, quote: &str, body: &str) -> u64 {
        let max_id = self.notes.iter().map(|n| n.id).max().unwrap_or(0);
        let id = self.next_note_id.max(max_id.saturating_add(1)).max(1);
        self.next_note_id = id.saturating_add(1);
        self.notes.push(Note {
            id,
            document: document.to_owned(),
            start: start.min(end),
            end: start.max(end),
            quote: quote.to_owned(),
            body: body.to_owned(),
            created: now_rfc3339(),
            detached: false,
        });
        id
    }

    /// Replaces the body of a note; returns false when there is no such note.
    pub fn edit_note(&mut self, id: u64, body: &str) -> bool {
        match self.notes.iter_mut().find(|n| n.id == id) {
            Some(note) => {
                note.body = body.to_owned();
                true
            }
            None => false,
        }
    }

    /// Removes a note; returns false when there is no such note.
    pub fn remove_note(&mut self, id: u64) -> bool {
        let before = self.notes.len();
        self.notes.retain(|n| n.id != id);
        self.notes.len() != before
    }

    /// The note with this id.
    pub fn note(&self, id: u64) -> Option<&Note> {
        self.notes.iter().find(|n| n.id == id)
    }

    /// The notes of a document, by start then id.
    pub fn notes_of(&self, document: &str) -> Vec<&Note> {
        let mut out: Vec<&Note> = self.notes.iter().filter(|n| n.document == document).collect();
        out.sort_by_key(|n| (n.start, n.id));
        out
    }

    /// Every document with notes, tags or a star, sorted.
    pub fn documents(&self) -> Vec<&str> {
        let mut docs: BTreeSet<&str> = self.notes.iter().map(|n| n.document.as_str()).collect();
        docs.extend(self.starred.iter().map(String::as_str));
        docs.extend(self.tags.keys().map(String::as_str));
        docs.into_iter().collect()
    }

    /// Re-anchors the notes of `document` to its current `text`. A note whose range still holds
    /// its quote is kept. Otherwise it moves to the occurrence of the quote nearest to its old
    /// start; failing that, to the nearest loose occurrence (whitespace runs, tashkeel, tatweel
    /// and letter variants ignored, as in search), and its quote becomes the text now in its
    /// range; failing that, it is marked detached (a detached note whose quote reappears is
    /// re-attached). Returns how many notes moved, were re-attached or became detached.
    pub fn reanchor(&mut self, document: &str, text: &str) -> usize {
        let mut loose: Option<LooseText> = None;
        let mut changed = 0;
        for note in self.notes.iter_mut().filter(|n| n.document == document) {
            if !note.detached && range_holds(text, note.start, note.end, &note.quote) {
                continue;
            }
            let found = match nearest_occurrence(text, &note.quote, note.start) {
                Some(start) => Some((start, start + note.quote.chars().count(), None)),
                None => loose
                    .get_or_insert_with(|| LooseText::new(text))
                    .find(&note.quote, note.start)
                    .map(|(start, end, passage)| (start, end, Some(passage))),
            };
            match found {
                Some((start, end, passage)) => {
                    let moved = note.detached || start != note.start || end != note.end || passage.is_some();
                    note.start = start;
                    note.end = end;
                    if let Some(passage) = passage {
                        note.quote = passage;
                    }
                    note.detached = false;
                    if moved {
                        changed += 1;
                    }
                }
                None if !note.detached => {
                    note.detached = true;
                    changed += 1;
                }
                None => {}
            }
        }
        changed
    }

    // ----- views -----

    /// Saves a view, replacing the one with the same name (keeping its place).
    pub fn save_view(&mut self, view: SavedView) {
        match self.views.iter_mut().find(|v| v.name == view.name) {
            Some(slot) => *slot = view,
            None => self.views.push(view),
        }
    }

    /// Removes the view with this name; returns whether there was one.
    pub fn remove_view(&mut self, name: &str) -> bool {
        let before = self.views.len();
        self.views.retain(|v| v.name != name);
        self.views.len() != before
    }

    /// The view with this name.
    pub fn view(&self, name: &str) -> Option<&SavedView> {
        self.views.iter().find(|v| v.name == name)
    }

    // ----- storage -----

    /// Reads a workspace file. A missing file is an empty workspace; missing fields (older or
    /// partial files) take their defaults; unknown fields are ignored. A file that is not
    /// valid workspace JSON is an error and is left untouched.
    pub fn load(path: &Path) -> Result<Workspace, WorkspaceError> {
        let bytes = match fs::read(path) {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(Workspace::default()),
            Err(source) => return Err(WorkspaceError::Io { path: path.to_owned(), source }),
        };
        let corrupt = |message: String| WorkspaceError::Corrupt { path: path.to_owned(), message };
        let mut ws: Workspace = serde_json::from_slice(&bytes).map_err(|e| corrupt(e.to_string()))?;
        if !ws.version.starts_with(SCHEMA_FAMILY) {
            return Err(corrupt(format!("unknown format {:?}", ws.version)));
        }
        ws.version = WORKSPACE_SCHEMA.to_owned();
        let max_id = ws.notes.iter().map(|n| n.id).max().unwrap_or(0);
        ws.next_note_id = ws.next_note_id.max(max_id.saturating_add(1)).max(1);
        Ok(ws)
    }

    /// Writes the workspace atomically: a temporary file in the same folder (created if
    /// needed), flushed to disk, then renamed over `path`.
    pub fn save(&self, path: &Path) -> io::Result<()> {
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        fs::create_dir_all(dir)?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
        let written = (|| {
            let mut file = fs::File::create(&tmp)?;
            serde_json::to_writer_pretty(&mut file, self).map_err(io::Error::from)?;
            file.write_all(b"\n")?;
            file.sync_all()?;
            fs::rename(&tmp, path)
        })();
        if written.is_err() {
            fs::remove_file(&tmp).ok();
        }
        written?;
        // Make the rename itself durable (not possible on every platform; best effort).
        if let Ok(d) = fs::File::open(dir) {
            d.sync_all().ok();
        }
        Ok(())
    }

    /// What the app does on start: [`Self::load`], and when the file cannot be read, move it
    /// aside ([`Self::backup_corrupt`]) and start empty. Returns the workspace and, when
    /// something went wrong, a message for the user; `can_save` is false when the unreadable
    /// file could not be moved aside (saving would then overwrite it, so the app should not).
    pub fn load_or_recover(path: &Path) -> Recovered {
        match Self::load(path) {
            Ok(workspace) => Recovered { workspace, warning: None, can_save: true },
            Err(err) => match Self::backup_corrupt(path) {
                Ok(backup) => Recovered {
                    workspace: Workspace::default(),
                    warning: Some(format!(
                        "{err}. It was kept as {} and notes start empty.",
                        backup.display()
                    )),
                    can_save: true,
                },
                Err(backup_err) => Recovered {
                    workspace: Workspace::default(),
                    warning: Some(format!(
                        "{err}. It could not be moved aside ({backup_err}), so notes will not be saved \
                         this session."
                    )),
                    can_save: false,
                },
            },
        }
    }

    /// Renames a damaged workspace file to `<name>.corrupt-<UTC timestamp>.json` beside it (so a
    /// new workspace can be saved without losing it); returns the new path.
    pub fn backup_corrupt(path: &Path) -> io::Result<PathBuf> {
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
        let dir = path.parent().unwrap_or(Path::new(""));
        let mut target = dir.join(format!("{stem}.corrupt-{stamp}.json"));
        let mut n = 1;
        while target.exists() {
            target = dir.join(format!("{stem}.corrupt-{stamp}-{n}.json"));
            n += 1;
        }
        fs::rename(path, &target)?;
        Ok(target)
    }
}

/// True when code points `start..end` of `text` are exactly `quote`.
fn range_holds(text: &str, start: usize, end: usize, quote: &str) -> bool {
    if end < start {
        return false;
    }
    let mut chars = text.chars().skip(start);
    let mut taken = 0;
    for q in quote.chars() {
        match chars.next() {
            Some(c) if c == q => taken += 1,
            _ => return false,
        }
    }
    taken == end - start
}

/// A text folded for loose matching: Arabic-normalised ([`crate::arabic::normalize::fold_char`])
/// with every whitespace run as one space, mapped back to code points of the original.
struct LooseText {
    chars: Vec<char>,
    folded: String,
    /// For each char of `folded`, the code point of the original it starts at.
    map: Vec<usize>,
}

impl LooseText {
    fn new(text: &str) -> Self {
        let chars: Vec<char> = text.chars().collect();
        let (folded, map) = fold_loose(&chars);
        Self { chars, folded, map }
    }

    /// The nearest loose occurrence of `quote` to code point `near`: (start, end, the original
    /// text of that range), the range extended over marks (tashkeel, tatweel) that follow it.
    fn find(&self, quote: &str, near: usize) -> Option<(usize, usize, String)> {
        let quote_chars: Vec<char> = quote.chars().collect();
        let (folded_quote, _) = fold_loose(&quote_chars);
        let folded_quote = folded_quote.trim_matches(' ');
        if folded_quote.is_empty() {
            return None;
        }
        let near_folded = self.map.partition_point(|&i| i < near);
        let fstart = nearest_occurrence(&self.folded, folded_quote, near_folded)?;
        let fend = fstart + folded_quote.chars().count();
        let start = *self.map.get(fstart)?;
        let mut end = self.map.get(fend.checked_sub(1)?)?.saturating_add(1);
        while self.chars.get(end).is_some_and(|&c| crate::arabic::normalize::is_tashkeel_or_tatweel(c)) {
            end += 1;
        }
        let passage: String = self.chars.get(start..end)?.iter().collect();
        Some((start, end, passage))
    }
}

/// Folds chars for loose matching (see [`LooseText`]); returns the folded text and, for each of
/// its chars, the index of the original char.
fn fold_loose(chars: &[char]) -> (String, Vec<usize>) {
    let mut folded = String::with_capacity(chars.len());
    let mut map = Vec::with_capacity(chars.len());
    for (i, &c) in chars.iter().enumerate() {
        let Some(f) = crate::arabic::normalize::fold_char(c) else { continue };
        if f.is_whitespace() {
            if !folded.ends_with(' ') {
                folded.push(' ');
                map.push(i);
            }
        } else {
            folded.push(f);
            map.push(i);
        }
    }
    (folded, map)
}

/// The code-point start of the occurrence of `quote` in `text` nearest to `near` (ties: the
/// earlier one). An empty quote has no occurrence.
fn nearest_occurrence(text: &str, quote: &str, near: usize) -> Option<usize> {
    if quote.is_empty() {
        return None;
    }
    let mut best: Option<usize> = None;
    // Walk byte offsets of matches while counting code points up to each of them.
    let mut chars_before = 0;
    let mut last_byte = 0;
    for (byte, _) in text.match_indices(quote) {
        chars_before += text.get(last_byte..byte).map(|s| s.chars().count()).unwrap_or(0);
        last_byte = byte;
        let dist = chars_before.abs_diff(near);
        if best.is_none_or(|b| dist < b.abs_diff(near)) {
            best = Some(chars_before);
        }
        if chars_before > near {
            break; // later matches are only farther away
        }
    }
    best
}

// ----- quotes and citations -----

/// What a quote cites: the document's title, its file (relative path) and its date.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Citation {
    pub title: String,
    pub file: String,
    pub published: Option<NaiveDate>,
}

impl Citation {
    /// The date as `YYYY-MM-DD`, or `undated`.
    pub fn date_text(&self) -> String {
        self.published.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_else(|| "undated".to_owned())
    }

    /// `title, file, date` (the title left out when empty), plain text.
    pub fn plain(&self) -> String {
        let title = collapse_whitespace(&self.title);
        let mut parts = Vec::with_capacity(3);
        if !title.is_empty() {
            parts.push(title);
        }
        parts.push(self.file.clone());
        parts.push(self.date_text());
        parts.join(", ")
    }

    /// `*title*, `file`, date` (the title left out when empty), Markdown.
    pub fn markdown(&self) -> String {
        let title = collapse_whitespace(&self.title);
        let mut parts = Vec::with_capacity(3);
        if !title.is_empty() {
            parts.push(format!("*{}*", escape_markdown(&title)));
        }
        parts.push(code_span(&self.file));
        parts.push(self.date_text());
        parts.join(", ")
    }
}

/// How [`format_quote`] writes a quote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum QuoteStyle {
    /// `«passage» — title, file, YYYY-MM-DD|undated` on one line.
    #[default]
    Plain,
    /// `> passage` lines, a blank line, then `— *title*, `file`, YYYY-MM-DD|undated`.
    Markdown,
}

/// A passage with its citation, for the clipboard ("copy as quote").
///
/// - Plain: `«passage» — title, file, 2025-10-27` (or `undated`); all whitespace of the passage,
///   line breaks included, collapsed to single spaces; one line, no final newline.
/// - Markdown: each line of the passage (whitespace collapsed within it, runs of blank lines
///   kept as one empty quote line) as a `> ` line with Markdown punctuation escaped, a blank
///   line, then `— *title*, `file`, date`; ends with a newline.
///
/// The text is otherwise kept exactly (Arabic letters, diacritics, tatweel, ZWNJ untouched).
pub fn format_quote(passage: &str, citation: &Citation, style: QuoteStyle) -> String {
    match style {
        QuoteStyle::Plain => format!("«{}» — {}", collapse_whitespace(passage), citation.plain()),
        QuoteStyle::Markdown => format!("{}\n\n— {}\n", markdown_blockquote(passage), citation.markdown()),
    }
}

/// The passage as `> ` lines (see [`format_quote`]).
fn markdown_blockquote(passage: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    for line in passage.lines().map(collapse_whitespace) {
        if line.is_empty() {
            if lines.last().is_some_and(|l| l != ">") {
                lines.push(">".to_owned());
            }
        } else {
            lines.push(format!("> {}", escape_markdown_line(&line)));
        }
    }
    while lines.last().is_some_and(|l| l == ">") {
        lines.pop();
    }
    if lines.is_empty() {
        lines.push(">".to_owned());
    }
    lines.join("\n")
}

/// Backslash-escapes the ASCII punctuation that Markdown gives a meaning inside a line.
fn escape_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// [`escape_markdown`] plus the line starts that would make a list item (`- `, `+ `, `1. `).
fn escape_markdown_line(line: &str) -> String {
    let escaped = escape_markdown(line);
    let digits = escaped.chars().take_while(|c| c.is_ascii_digit()).count();
    if escaped.starts_with(['-', '+']) {
        format!("\\{escaped}")
    } else if let (true, Some(head), Some(rest)) = (digits > 0, escaped.get(..digits), escaped.get(digits..))
        && rest.starts_with(['.', ')'])
    {
        format!("{head}\\{rest}")
    } else {
        escaped
    }
}

/// `s` as a Markdown code span, with enough backticks around it to hold any inside.
fn code_span(s: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    if longest > 0 { format!("{fence} {s} {fence}") } else { format!("{fence}{s}{fence}") }
}

// ----- exports -----

/// All notes as Markdown: a `# Notes` title, then for every document with notes, tags or a star
/// (sorted by path) a `## title` heading, its citation line (file, date, ★ when starred, tags),
/// and each note (by position) as a blockquote of its quote, the note body, and its range and
/// creation time (marked when detached). `cite` gives the citation of a relative path.
pub fn notes_markdown(ws: &Workspace, cite: impl Fn(&str) -> Citation) -> String {
    let mut out = String::from("# Notes\n");
    for doc in ws.documents() {
        let citation = cite(doc);
        let title = collapse_whitespace(&citation.title);
        let heading = if title.is_empty() { escape_markdown(doc) } else { escape_markdown(&title) };
        out.push_str(&format!("\n## {heading}\n\n"));
        let mut meta = vec![code_span(&citation.file), citation.date_text()];
        if ws.is_starred(doc) {
            meta.push("★ starred".to_owned());
        }
        let tags = ws.tags_of(doc);
        if !tags.is_empty() {
            meta.push(format!(
                "tags: {}",
                tags.iter().map(|t| escape_markdown(t)).collect::<Vec<_>>().join(", ")
            ));
        }
        out.push_str(&meta.join(" · "));
        out.push('\n');
        for note in ws.notes_of(doc) {
            out.push('\n');
            out.push_str(&markdown_blockquote(&note.quote));
            out.push_str("\n\n");
            let body = note.body.trim();
            if !body.is_empty() {
                out.push_str(&escape_markdown(body).replace('\n', "  \n"));
                out.push_str("\n\n");
            }
            let mut mark = format!("*characters {}–{}, noted {}*", note.start, note.end, note.created);
            if note.detached {
                mark.push_str(" — **detached: the passage is no longer in the document**");
            }
            out.push_str(&mark);
            out.push('\n');
        }
    }
    out
}

/// The notes CSV header.
pub const NOTES_CSV_COLUMNS: [&str; 10] =
    ["document", "title", "published", "start", "end", "quote", "note", "tags", "starred", "created"];

/// All notes as CSV (RFC 4180: CRLF line ends, fields with commas, quotes or line breaks
/// quoted, quotes doubled), columns [`NOTES_CSV_COLUMNS`]: one row per note (documents by path,
/// notes by position), plus one row with empty note fields for each starred or tagged document
/// without notes. `published` is `YYYY-MM-DD` or empty; `tags` joined by `; `; `starred` is
/// `yes`/`no`. `bom` writes a UTF-8 byte-order mark first (for spreadsheet apps).
pub fn write_notes_csv(
    ws: &Workspace,
    cite: impl Fn(&str) -> Citation,
    mut writer: impl Write,
    bom: bool,
) -> io::Result<()> {
    if bom {
        writer.write_all("\u{feff}".as_bytes())?;
    }
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(writer);
    w.write_record(NOTES_CSV_COLUMNS)?;
    for doc in ws.documents() {
        let citation = cite(doc);
        let published = citation.published.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
        let tags = ws.tags_of(doc).join("; ");
        let starred = if ws.is_starred(doc) { "yes" } else { "no" };
        let notes = ws.notes_of(doc);
        if notes.is_empty() {
            w.write_record([doc, &citation.title, &published, "", "", "", "", &tags, starred, ""])?;
        }
        for note in notes {
            w.write_record([
                doc,
                &citation.title,
                &published,
                &note.start.to_string(),
                &note.end.to_string(),
                &note.quote,
                &note.body,
                &tags,
                starred,
                &note.created,
            ])?;
        }
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "قال الوزير إن الاتفاق سيوقع غدا في الرياض، وأضاف أن الوفد وصل.";

    fn char_range(text: &str, needle: &str) -> (usize, usize) {
        let byte = text.find(needle).unwrap();
        let start = text[..byte].chars().count();
        (start, start + needle.chars().count())
    }

    fn sample() -> Workspace {
        let mut ws = Workspace::default();
        ws.toggle_star("a.txt");
        ws.add_tag("a.txt", "اقتصاد");
        ws.add_tag("a.txt", "  to  check ");
        ws.add_tag("b/c.txt", "اقتصاد");
        let (s, e) = char_range(TEXT, "الاتفاق سيوقع غدا");
        ws.add_note("a.txt", s, e, "الاتفاق سيوقع غدا", "source?");
        ws.save_view(SavedView {
            name: "الرياض".into(),
            document: Some("a.txt".into()),
            entity: Some("الرياض".into()),
            time_from: NaiveDate::from_ymd_opt(2025, 1, 1),
            time_to: None,
            query: "اتفاق".into(),
            entity_filter: "ر".into(),
            entity_scope_corpus: true,
        });
        ws.last_view = ws.views.first().cloned();
        ws
    }

    fn cite(path: &str) -> Citation {
        Citation {
            title: format!("عنوان {path}"),
            file: path.to_owned(),
            published: if path == "a.txt" { NaiveDate::from_ymd_opt(2025, 10, 27) } else { None },
        }
    }

    #[test]
    fn save_then_load_round_trips_everything() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deep/er/ws.json");
        let ws = sample();
        ws.save(&path).unwrap();
        let back = Workspace::load(&path).unwrap();
        assert_eq!(back, ws);
        let leftovers: Vec<_> = fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file left behind");
        let json: serde_json::Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
        assert_eq!(json["version"], WORKSPACE_SCHEMA);
    }

    #[test]
    fn missing_file_loads_as_empty_workspace() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::load(&dir.path().join("none.json")).unwrap();
        assert_eq!(ws, Workspace::default());
        assert_eq!(ws.version, WORKSPACE_SCHEMA);
    }

    #[test]
    fn older_file_without_views_or_detached_loads_with_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.json");
        let old = r#"{
            "version": "khabar.workspace/0",
            "starred": ["a.txt"],
            "notes": [{"id": 7, "document": "a.txt", "start": 3, "end": 9,
                       "quote": "الوزير", "body": "مهم", "created": "2025-01-01T00:00:00Z"}]
        }"#;
        fs::write(&path, old).unwrap();
        let mut ws = Workspace::load(&path).unwrap();
        assert!(ws.is_starred("a.txt"));
        assert!(ws.views.is_empty() && ws.last_view.is_none() && ws.tags.is_empty());
        let note = ws.note(7).unwrap();
        assert!(!note.detached);
        assert_eq!((note.start, note.end, note.body.as_str()), (3, 9, "مهم"));
        // New ids never collide with loaded ones.
        assert_eq!(ws.add_note("a.txt", 0, 1, "ق", ""), 8);
        assert_eq!(ws.version, WORKSPACE_SCHEMA);
    }

    #[test]
    fn partial_view_loads_with_defaults() {
        let ws: Workspace =
            serde_json::from_str(r#"{"last_view": {"name": "x", "query": "q"}, "extra": 1}"#).unwrap();
        let v = ws.last_view.unwrap();
        assert_eq!((v.name.as_str(), v.query.as_str(), v.entity_scope_corpus), ("x", "q", false));
        assert!(v.document.is_none() && v.time_from.is_none());
    }

    #[test]
    fn corrupt_file_is_an_error_and_can_be_backed_up() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ws.json");
        fs::write(&path, "{\"starred\": [\"a.txt\"").unwrap();
        let err = Workspace::load(&path).unwrap_err();
        assert!(matches!(err, WorkspaceError::Corrupt { .. }));
        let message = err.to_string();
        assert!(message.contains("damaged") && message.contains("ws.json"), "{message}");
        assert!(path.exists(), "load never touches the file");
        let backup = Workspace::backup_corrupt(&path).unwrap();
        assert!(!path.exists());
        let name = backup.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.starts_with("ws.corrupt-") && name.ends_with(".json"), "{name}");
        assert_eq!(fs::read_to_string(&backup).unwrap(), "{\"starred\": [\"a.txt\"");
        // A second backup within the same second does not overwrite the first.
        fs::write(&path, "nope").unwrap();
        let second = Workspace::backup_corrupt(&path).unwrap();
        assert_ne!(second, backup);
        assert!(backup.exists() && second.exists());
    }

    #[test]
    fn load_or_recover_backs_up_a_damaged_file_and_starts_empty() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ws.json");
        let ok = Workspace::load_or_recover(&path);
        assert!(ok.warning.is_none() && ok.can_save);
        fs::write(&path, "garbage").unwrap();
        let r = Workspace::load_or_recover(&path);
        assert_eq!(r.workspace, Workspace::default());
        assert!(r.can_save);
        let warning = r.warning.unwrap();
        assert!(warning.contains("damaged") && warning.contains(".corrupt-"), "{warning}");
        assert!(!path.exists());
        let kept: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().path()).collect();
        assert_eq!(kept.len(), 1);
        assert_eq!(fs::read_to_string(&kept[0]).unwrap(), "garbage");
    }

    #[test]
    fn passage_takes_code_points_and_clamps() {
        assert_eq!(passage("قال الوزير", 4, 10), "الوزير");
        assert_eq!(passage("قال الوزير", 4, 99), "الوزير");
        assert_eq!(passage("قال", 5, 9), "");
        assert_eq!(passage("قال", 2, 1), "");
    }

    #[test]
    fn json_of_another_kind_is_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ws.json");
        fs::write(&path, r#"{"version": "khabar.analysis/1"}"#).unwrap();
        assert!(matches!(Workspace::load(&path), Err(WorkspaceError::Corrupt { .. })));
        fs::write(&path, "[1, 2]").unwrap();
        assert!(matches!(Workspace::load(&path), Err(WorkspaceError::Corrupt { .. })));
    }

    #[test]
    fn workspace_path_is_per_corpus_under_the_data_dir() {
        let data = Path::new("/data");
        let a = workspace_path_in(data, &[PathBuf::from("/x/news")]);
        let b = workspace_path_in(data, &[PathBuf::from("/y/news")]);
        assert!(a.starts_with("/data/workspaces") && a.extension().unwrap() == "json");
        assert_ne!(a, b);
        assert_eq!(a, workspace_path_in(data, &[PathBuf::from("/x/news")]));
    }

    #[test]
    fn reanchor_keeps_unchanged_notes() {
        let mut ws = sample();
        let before = ws.notes.clone();
        assert_eq!(ws.reanchor("a.txt", TEXT), 0);
        assert_eq!(ws.notes, before);
    }

    #[test]
    fn reanchor_moves_a_note_to_the_nearest_occurrence() {
        let mut ws = Workspace::default();
        let quote = "الوفد";
        let (s, e) = char_range(TEXT, quote);
        let id = ws.add_note("a.txt", s, e, quote, "");
        // Text inserted before it, and a second, farther occurrence at the end.
        let edited = format!("عاجل: {TEXT} ثم غادر الوفد العاصمة بعد ذلك بساعات طويلة جدا.");
        assert_eq!(ws.reanchor("a.txt", &edited), 1);
        let note = ws.note(id).unwrap();
        assert_eq!((note.start, note.end), char_range(&edited, quote));
        assert!(!note.detached);
        assert!(range_holds(&edited, note.start, note.end, quote));
        // Other documents' notes are not touched.
        assert_eq!(ws.reanchor("other.txt", "x"), 0);
    }

    #[test]
    fn reanchor_detaches_then_reattaches() {
        let mut ws = sample();
        assert_eq!(ws.reanchor("a.txt", "نص آخر تماما"), 1);
        assert!(ws.notes[0].detached);
        assert_eq!(ws.reanchor("a.txt", "نص آخر تماما"), 0, "already detached");
        assert_eq!(ws.reanchor("a.txt", TEXT), 1);
        assert!(!ws.notes[0].detached);
        assert!(range_holds(TEXT, ws.notes[0].start, ws.notes[0].end, &ws.notes[0].quote));
    }

    #[test]
    fn reanchor_with_offsets_past_the_end_does_not_panic() {
        let mut ws = Workspace::default();
        ws.add_note("a.txt", 500, 400, "الوزير", "");
        assert_eq!(ws.reanchor("a.txt", TEXT), 1);
        assert_eq!((ws.notes[0].start, ws.notes[0].end), char_range(TEXT, "الوزير"));
        ws.add_note("a.txt", 5, 5, "", "");
        ws.reanchor("a.txt", "");
    }

    #[test]
    fn reanchor_finds_a_quote_whose_spacing_and_diacritics_changed() {
        let mut ws = Workspace::default();
        let quote = "الاتفاق سيوقع غدا";
        let (s, e) = char_range(TEXT, quote);
        let id = ws.add_note("a.txt", s, e, quote, "");
        let edited = "تحديث: قال الوزير إن الاتفاقَ\n  سيوقّع غداً في الرياض.";
        assert_eq!(ws.reanchor("a.txt", edited), 1);
        let note = ws.note(id).unwrap();
        assert!(!note.detached);
        assert_eq!(note.quote, "الاتفاقَ\n  سيوقّع غداً");
        assert_eq!((note.start, note.end), char_range(edited, "الاتفاقَ\n  سيوقّع غداً"));
        assert_eq!(ws.reanchor("a.txt", edited), 0, "now exact");
    }

    #[test]
    fn reanchored_notes_always_hold_their_quote() {
        // Random texts over Arabic letters, marks and whitespace, random notes, random edits.
        let alphabet: Vec<char> = "اأبتسَُّ ـ\n\tx,".chars().collect();
        let mut seed = 7u64;
        let mut rand = |n: usize| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((seed >> 33) % n.max(1) as u64) as usize
        };
        for _ in 0..300 {
            let len = rand(40);
            let text: String = (0..len).map(|_| alphabet[rand(alphabet.len())]).collect();
            let mut ws = Workspace::default();
            for _ in 0..3 {
                let start = rand(len + 2);
                let end = start + rand(6);
                ws.add_note("d", start, end, &passage(&text, start, end), "");
            }
            let mut chars: Vec<char> = text.chars().collect();
            for _ in 0..rand(4) {
                let at = rand(chars.len() + 1);
                if rand(2) == 0 && at < chars.len() {
                    chars.remove(at);
                } else {
                    chars.insert(at, alphabet[rand(alphabet.len())]);
                }
            }
            let edited: String = chars.into_iter().collect();
            ws.reanchor("d", &edited);
            for n in ws.notes.iter().filter(|n| !n.detached) {
                assert!(range_holds(&edited, n.start, n.end, &n.quote), "{n:?} in {edited:?}");
            }
        }
    }

    #[test]
    fn nearest_occurrence_prefers_the_closer_one() {
        let text = "ab ab ab ab";
        assert_eq!(nearest_occurrence(text, "ab", 0), Some(0));
        assert_eq!(nearest_occurrence(text, "ab", 7), Some(6));
        assert_eq!(nearest_occurrence(text, "ab", 100), Some(9));
        assert_eq!(nearest_occurrence(text, "zz", 1), None);
    }

    #[test]
    fn stars_and_tags() {
        let mut ws = Workspace::default();
        assert!(ws.toggle_star("a.txt"));
        assert!(ws.is_starred("a.txt"));
        assert!(!ws.toggle_star("a.txt"));
        assert!(!ws.is_starred("a.txt"));
        assert!(ws.add_tag("a.txt", " سياسة "));
        assert!(!ws.add_tag("a.txt", "سياسة"), "duplicate");
        assert!(!ws.add_tag("a.txt", "   "), "empty");
        assert_eq!(ws.tags_of("a.txt"), ["سياسة"]);
        assert!(ws.remove_tag("a.txt", "سياسة"));
        assert!(!ws.remove_tag("a.txt", "سياسة"));
        assert!(ws.tags.is_empty(), "documents without tags are dropped");
    }

    #[test]
    fn all_tags_counts_documents_most_used_first() {
        let mut ws = Workspace::default();
        for (doc, tag) in [("a", "z"), ("b", "z"), ("c", "z"), ("a", "y"), ("b", "x"), ("c", "x")] {
            ws.add_tag(doc, tag);
        }
        assert_eq!(ws.all_tags(), [("z".to_owned(), 3), ("x".to_owned(), 2), ("y".to_owned(), 1)]);
        assert_eq!(ws.documents_tagged("x"), ["b", "c"]);
    }

    #[test]
    fn notes_are_added_edited_removed_and_ids_not_reused() {
        let mut ws = Workspace::default();
        let a = ws.add_note("d.txt", 10, 4, "abcdef", "one");
        let b = ws.add_note("d.txt", 0, 2, "ab", "two");
        assert_ne!(a, b);
        assert_eq!((ws.note(a).unwrap().start, ws.note(a).unwrap().end), (4, 10), "reversed range");
        assert_eq!(ws.notes_of("d.txt").iter().map(|n| n.id).collect::<Vec<_>>(), [b, a]);
        assert!(ws.edit_note(a, "changed"));
        assert_eq!(ws.note(a).unwrap().body, "changed");
        assert!(!ws.edit_note(99, "x"));
        assert!(ws.remove_note(b));
        assert!(!ws.remove_note(b));
        let c = ws.add_note("d.txt", 0, 1, "a", "");
        assert!(c > b, "ids are not reused");
        assert!(chrono::DateTime::parse_from_rfc3339(&ws.note(c).unwrap().created).is_ok());
    }

    #[test]
    fn save_view_replaces_same_name_and_remove_view() {
        let mut ws = Workspace::default();
        ws.save_view(SavedView { name: "a".into(), query: "1".into(), ..SavedView::default() });
        ws.save_view(SavedView { name: "b".into(), ..SavedView::default() });
        ws.save_view(SavedView { name: "a".into(), query: "2".into(), ..SavedView::default() });
        assert_eq!(ws.views.iter().map(|v| v.name.as_str()).collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(ws.view("a").unwrap().query, "2");
        assert!(ws.remove_view("a"));
        assert!(!ws.remove_view("a"));
        assert!(ws.view("a").is_none());
    }

    #[test]
    fn plain_quote_collapses_whitespace_and_keeps_arabic() {
        let passage = "  قالَ الوزيرُ\n\tإن  الاتفاقَ‌ سيُوقَّع ـ غداً  ";
        let q = format_quote(passage, &cite("a.txt"), QuoteStyle::Plain);
        assert_eq!(q, "«قالَ الوزيرُ إن الاتفاقَ‌ سيُوقَّع ـ غداً» — عنوان a.txt, a.txt, 2025-10-27");
        let undated = format_quote("خبر", &cite("b.txt"), QuoteStyle::Plain);
        assert_eq!(undated, "«خبر» — عنوان b.txt, b.txt, undated");
        let untitled = Citation { title: " ".into(), file: "c.txt".into(), published: None };
        assert_eq!(format_quote("خبر", &untitled, QuoteStyle::Plain), "«خبر» — c.txt, undated");
    }

    #[test]
    fn markdown_quote_has_quote_lines_and_a_citation_line() {
        let passage = "قالَ الوزيرُ  إن\n\n\n- الاتفاق *سيوقع*\n1. غدا";
        let c =
            Citation { title: "عنوان_الخبر".into(), file: "news/a`b.txt".into(), published: None };
        let q = format_quote(passage, &c, QuoteStyle::Markdown);
        assert_eq!(
            q,
            "> قالَ الوزيرُ إن\n>\n> \\- الاتفاق \\*سيوقع\\*\n> 1\\. غدا\n\n— *عنوان\\_الخبر*, `` news/a`b.txt ``, undated\n"
        );
        let dated = format_quote("خبر", &cite("a.txt"), QuoteStyle::Markdown);
        assert_eq!(dated, "> خبر\n\n— *عنوان a.txt*, `a.txt`, 2025-10-27\n");
    }

    #[test]
    fn notes_markdown_has_a_heading_per_document_with_notes_and_marks() {
        let mut ws = sample();
        ws.add_note("b/c.txt", 0, 3, "خبر", "سطر\nثان");
        ws.notes[0].detached = true;
        let md = notes_markdown(&ws, cite);
        assert!(md.starts_with("# Notes\n"));
        let a = md.find("## عنوان a.txt\n").unwrap();
        let b = md.find("## عنوان b/c.txt\n").unwrap();
        assert!(a < b);
        assert!(md.contains("`a.txt` · 2025-10-27 · ★ starred · tags: to check, اقتصاد\n"), "{md}");
        assert!(md.contains("`b/c.txt` · undated · tags: اقتصاد\n"), "{md}");
        assert!(md.contains("> الاتفاق سيوقع غدا\n\nsource?\n"), "{md}");
        assert!(md.contains("سطر  \nثان"), "line breaks of a body are kept: {md}");
        assert_eq!(md.matches("detached").count(), 1);
    }

    fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
        let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(bytes);
        r.records().map(|rec| rec.unwrap().iter().map(String::from).collect()).collect()
    }

    #[test]
    fn notes_csv_quotes_commas_quotes_and_newlines() {
        let mut ws = Workspace::default();
        ws.add_tag("a.txt", "x");
        ws.add_tag("a.txt", "y");
        let quote = "قال، \"الوزير\", إن\nالاتفاق";
        ws.add_note("a.txt", 2, 2 + quote.chars().count(), quote, "note, with \"quotes\"\r\nand lines");
        ws.toggle_star("z.txt");
        for bom in [false, true] {
            let mut buf = Vec::new();
            write_notes_csv(&ws, cite, &mut buf, bom).unwrap();
            assert_eq!(buf.starts_with("\u{feff}".as_bytes()), bom);
            let body = if bom { &buf[3..] } else { &buf[..] };
            let text = std::str::from_utf8(body).unwrap();
            assert!(
                text.starts_with("document,title,published,start,end,quote,note,tags,starred,created\r\n")
            );
            assert!(text.contains("\"قال، \"\"الوزير\"\", إن\nالاتفاق\""), "{text}");
            let rows = csv_rows(body);
            assert_eq!(rows.len(), 3);
            assert_eq!(rows[0], NOTES_CSV_COLUMNS);
            let end = (2 + quote.chars().count()).to_string();
            assert_eq!(rows[1][0..6], ["a.txt", "عنوان a.txt", "2025-10-27", "2", end.as_str(), quote]);
            assert_eq!(rows[1][6..9], ["note, with \"quotes\"\r\nand lines", "x; y", "no"]);
            assert_eq!(rows[2][..], ["z.txt", "عنوان z.txt", "", "", "", "", "", "", "yes", ""]);
        }
    }
}

//! The app: owns the open corpus, the selection, the panes and the settings; lays out the
//! panels (documents left, document centre, status bottom); handles every [`Command`] in one
//! place ([`KhabarApp::handle_commands`]).

use std::path::PathBuf;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use std::sync::Arc;

use super::analysis::{AnalysisJob, AnalysisPoll, JobKind};
use super::command::{Command, CommandQueue};
use super::document::DocumentPane;
use super::documents::DocumentsPane;
use super::entities::EntitiesPane;
use super::loading::OpenCorpus;
use super::selection::{Selection, SelectionState};
use super::settings::{RightTab, Settings, ThemeChoice};
use super::status::{self, StatusInfo};
use super::strings::S;
use super::timeline::{TimelineModel, TimelinePane};
use super::{PaneContext, drop, theme};

/// What the documents list depends on: corpus size, entity, time range, analysed or not.
type VisibleKey = (usize, Option<String>, Option<(chrono::NaiveDate, chrono::NaiveDate)>, bool);

/// Quiet time after the last file-system event before a batch of changes is applied.
const WATCH_DEBOUNCE: Duration = Duration::from_millis(400);
/// Larger batches of changes reload the whole folder (in the background) instead.
const MAX_LIVE_CHANGES: usize = 64;

/// How long a status-bar message stays.
const MESSAGE_DURATION: Duration = Duration::from_secs(8);

/// The Khabar desktop app.
pub struct KhabarApp {
    settings: Settings,
    corpus: OpenCorpus,
    corpus_options: crate::corpus::CorpusOptions,
    /// Texts of the documents shown (read again from disk: documents do not keep them).
    texts: super::texts::Texts,
    selection: SelectionState,
    commands: CommandQueue,
    documents_pane: DocumentsPane,
    document_pane: DocumentPane,
    entities_pane: EntitiesPane,
    timeline_pane: TimelinePane,
    analysis_job: Option<AnalysisJob>,
    /// The user's alias edits for the open corpus, where they are saved, and undone edits.
    alias_edits: crate::index::AliasEdits,
    aliases_path: Option<PathBuf>,
    alias_redo: Vec<crate::index::AliasEdit>,
    /// After a recluster, select the entity containing this alias (type, alias).
    reselect_after_recluster: Option<crate::index::EntityRef>,
    analyzed: Option<Arc<crate::index::AnalyzedCorpus>>,
    /// Per document: the inferred publication date (from the analysis).
    inferred_dates: Vec<Option<chrono::NaiveDate>>,
    /// Boilerplate lines and duplicate groups of the last full analysis.
    findings: Arc<super::analysis::CorpusTextFindings>,
    stories: super::stories::Stories,
    /// The user's stars, tags, notes and saved views for the open corpus, and where they live.
    workspace: crate::index::workspace::Workspace,
    workspace_path: Option<PathBuf>,
    workspace_can_save: bool,
    /// Notes re-anchored to the texts of this load already.
    notes_anchored: bool,
    /// A saved view to apply once the analysis is done (the last view on start).
    pending_view: Option<crate::index::workspace::SavedView>,
    restore_last_view: bool,
    notes_pane: super::notes::NotesPane,
    /// Of the last full analysis: documents from the cache, documents analysed.
    last_analysis_counts: (usize, usize),
    /// Incremented whenever `analyzed` is replaced.
    analysis_generation: u64,
    search_index: Option<Arc<crate::index::findings::CorpusSearch>>,
    search_pane: super::search::SearchPane,
    history: super::history::History,
    /// Timeline of the analysed corpus ("each story once" is applied by the pane).
    timeline: Arc<TimelineModel>,
    /// Documents after the entity and time filters, sorted for the list.
    visible: Vec<usize>,
    visible_key: Option<VisibleKey>,
    /// Where each pane was drawn last frame (points), for pane screenshots.
    pane_rects: std::collections::HashMap<super::Pane, egui::Rect>,
    export_double_scale: bool,
    show_errors: bool,
    show_about: bool,
    /// The name typed in Views → Save view.
    view_name: String,
    folder_pick: Option<Receiver<Option<PathBuf>>>,
    /// Watches the open folders once loaded (not the bundled samples).
    watcher: Option<crate::corpus::watch::FolderWatcher>,
    /// Changed files being read on a helper thread: (removed paths, files read).
    watch_read: Option<Receiver<(Vec<PathBuf>, Vec<super::loading::ChangedFile>)>>,
    /// The watcher being started (on a helper thread).
    watcher_start: Option<Receiver<crate::corpus::watch::FolderWatcher>>,
    /// Running exports: what is exported ("Screenshot") and where its outcome arrives.
    exports: Vec<(&'static str, Receiver<crate::export::dialog::ExportOutcome>)>,
    /// The last quote copied (for tests; the clipboard has it too).
    last_copied_quote: Option<String>,
    message: Option<(String, Instant)>,
    title_shown: String,
}

impl KhabarApp {
    /// Creates the app and starts opening `paths` (else the last folder, else the samples).
    pub fn new(cc: &eframe::CreationContext<'_>, paths: Vec<PathBuf>) -> Self {
        Self::with_corpus_options(cc, paths, crate::corpus::CorpusOptions::default())
    }

    /// Creates the app on prebuilt analysis record files (`khabar open --analysis FILE…`).
    pub fn with_analysis_files(cc: &eframe::CreationContext<'_>, files: Vec<PathBuf>) -> Self {
        Self::starting_with(cc, crate::corpus::CorpusOptions::default(), Some(Command::OpenAnalysis(files)))
    }

    /// Like [`Self::new`], with the options every corpus is loaded with (tests inject a slow
    /// or failing reader through them).
    pub fn with_corpus_options(
        cc: &eframe::CreationContext<'_>,
        paths: Vec<PathBuf>,
        corpus_options: crate::corpus::CorpusOptions,
    ) -> Self {
        let start = (!paths.is_empty()).then_some(Command::OpenPaths(paths));
        Self::starting_with(cc, corpus_options, start)
    }

    /// The app opening `start`, or (None) the last folders with their last view, else the
    /// samples with theirs.
    fn starting_with(
        cc: &eframe::CreationContext<'_>,
        corpus_options: crate::corpus::CorpusOptions,
        start: Option<Command>,
    ) -> Self {
        theme::install_fonts(&cc.egui_ctx);
        crate::text::label::prewarm(&cc.egui_ctx, &[15.0, 11.5, 13.0, 14.0]);
        let settings: Settings =
            cc.storage.and_then(|s| eframe::get_value(s, eframe::APP_KEY)).unwrap_or_default();
        // Texts stay on disk (read when shown): the documents carry their metadata only.
        let corpus_options = corpus_options.without_text();
        let mut app = Self {
            settings,
            corpus: OpenCorpus::default(),
            texts: super::texts::Texts::new(corpus_options.reader.clone()),
            corpus_options: corpus_options.with_notify({
                let ctx = cc.egui_ctx.clone();
                move || ctx.request_repaint()
            }),
            selection: SelectionState::default(),
            commands: CommandQueue::default(),
            documents_pane: DocumentsPane::default(),
            document_pane: DocumentPane::default(),
            entities_pane: EntitiesPane::default(),
            timeline_pane: TimelinePane::default(),
            analysis_job: None,
            alias_edits: crate::index::AliasEdits::new(),
            aliases_path: None,
            alias_redo: Vec::new(),
            reselect_after_recluster: None,
            analyzed: None,
            analysis_generation: 0,
            last_analysis_counts: (0, 0),
            inferred_dates: Vec::new(),
            findings: Default::default(),
            stories: Default::default(),
            workspace: Default::default(),
            workspace_path: None,
            workspace_can_save: false,
            notes_anchored: false,
            pending_view: None,
            restore_last_view: false,
            notes_pane: Default::default(),
            search_index: None,
            search_pane: Default::default(),
            history: Default::default(),
            timeline: Default::default(),
            visible: Vec::new(),
            visible_key: None,
            pane_rects: Default::default(),
            export_double_scale: false,
            show_errors: false,
            show_about: false,
            view_name: String::new(),
            folder_pick: None,
            watcher: None,
            watcher_start: None,
            watch_read: None,
            exports: Vec::new(),
            last_copied_quote: None,
            message: None,
            title_shown: String::new(),
        };
        app.apply_theme(&cc.egui_ctx);
        let start = match start {
            Some(command) => command,
            None => {
                app.restore_last_view = true;
                match app.settings.last_existing_folders() {
                    Some(last) => Command::OpenPaths(last),
                    None => Command::OpenSamples,
                }
            }
        };
        app.commands.send(start);
        app.handle_commands(&cc.egui_ctx);
        app
    }

    /// The open corpus (for tests and exports).
    pub fn corpus(&self) -> &OpenCorpus {
        &self.corpus
    }

    /// The current selection (for tests).
    pub fn selection(&self) -> &Selection {
        &self.selection.current
    }

    /// True while loading or analysing.
    pub fn is_busy(&self) -> bool {
        self.corpus.is_loading() || self.analysis_job.is_some()
    }

    /// The corpus model, once analysed.
    pub fn analyzed(&self) -> Option<&crate::index::AnalyzedCorpus> {
        self.analyzed.as_deref()
    }

    /// The documents the list shows (after the entity and time filters), in list order.
    pub fn visible_documents(&self) -> &[usize] {
        &self.visible
    }

    /// Of the last analysis of the whole corpus: (documents taken from the cache, documents
    /// analysed).
    pub fn last_analysis_counts(&self) -> (usize, usize) {
        self.last_analysis_counts
    }

    /// Hits of `query` in the corpus (0 before the search index is ready; for tests).
    pub fn search_hit_count(&self, query: &str) -> usize {
        let (Some(index), Some(corpus)) = (&self.search_index, &self.analyzed) else { return 0 };
        let text_of = |d: usize| {
            corpus.documents.get(d).map(|x| self.texts.text_or_empty(&x.doc)).unwrap_or_else(|| "".into())
        };
        index.search(query, 1, &text_of).total_hits
    }

    /// True once the open folder is watched for changes.
    pub fn is_watching(&self) -> bool {
        self.watcher.is_some()
    }

    /// The user's stars, tags, notes and views for the open corpus.
    pub fn workspace(&self) -> &crate::index::workspace::Workspace {
        &self.workspace
    }

    /// The last passage copied as a quote.
    pub fn last_copied_quote(&self) -> Option<&str> {
        self.last_copied_quote.as_deref()
    }

    /// Near-duplicate groups of the open corpus.
    pub fn stories(&self) -> &super::stories::Stories {
        &self.stories
    }

    /// The document view of the document pane (selection, font size).
    pub fn document_view_mut(&mut self) -> &mut crate::text::document_view::DocumentView {
        self.document_pane.view_mut()
    }

    /// The remembered settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The status-bar message shown now, if any.
    pub fn status_message(&self) -> Option<&str> {
        self.message.as_ref().map(|(m, _)| m.as_str())
    }

    /// The timeline's event markers drawn last frame: screen position and the sentence each opens.
    pub fn timeline_markers(&self) -> &[(egui::Pos2, super::selection::TextTarget)] {
        &self.timeline_pane.markers
    }

    /// How many mentions of the selected entity the document pane highlights.
    pub fn highlighted_mentions(&self) -> usize {
        self.document_pane.highlighted_mentions
    }

    /// Where a pane was drawn in the last frame (points).
    pub fn pane_rect(&self, pane: super::Pane) -> Option<egui::Rect> {
        self.pane_rects.get(&pane).copied()
    }

    /// Opens the document whose relative path or file name is `path`.
    pub fn open_document_by_path(&mut self, path: &str) -> bool {
        let found = self.corpus.documents().iter().position(|d| {
            d.rel_path == path || d.path.file_name().is_some_and(|n| n.to_string_lossy() == path)
        });
        if let Some(i) = found {
            self.commands.send(Command::SelectDocument(i));
        }
        found.is_some()
    }

    /// Selects the entity whose canonical name or an alias matches `name` (Arabic-normalised).
    pub fn select_entity_by_name(&mut self, name: &str) -> bool {
        let Some(analyzed) = &self.analyzed else { return false };
        let needle = crate::arabic::normalize(name.trim());
        let found = analyzed.entities.iter().find(|e| {
            crate::arabic::normalize(&e.canonical) == needle
                || e.aliases.iter().any(|a| crate::arabic::normalize(a) == needle)
        });
        if let Some(e) = found {
            self.commands.send(Command::SelectEntity(Some(e.id.clone())));
        }
        found.is_some()
    }

    /// Queues a command as if a pane had sent it (for tests and scripted use).
    pub fn send(&mut self, command: Command) {
        self.commands.send(command);
    }

    /// The window title for the open corpus.
    pub fn window_title(&self) -> String {
        match self.corpus.display_name() {
            Some(name) => format!("Khabar — {name}"),
            None => "Khabar".to_owned(),
        }
    }

    fn apply_theme(&self, ctx: &egui::Context) {
        let pref = match self.settings.theme {
            ThemeChoice::System => egui::ThemePreference::System,
            ThemeChoice::Light => egui::ThemePreference::Light,
            ThemeChoice::Dark => egui::ThemePreference::Dark,
        };
        ctx.set_theme(pref);
    }

    fn show_message(&mut self, text: impl Into<String>) {
        self.message = Some((text.into(), Instant::now()));
    }

    /// Changes the selection, remembering the previous one for Back.
    fn select(&mut self, selection: Selection) {
        if selection != self.selection.current {
            self.history.push(self.selection.current.clone());
            self.selection.set(selection);
        }
    }

    /// Handles every queued command: the only place that changes the selection, opens
    /// corpora or starts jobs.
    fn handle_commands(&mut self, ctx: &egui::Context) {
        for (command, sent_from) in self.commands.drain() {
            log_command(&command, sent_from);
            match command {
                Command::OpenPaths(paths) => self.open_paths(paths),
                Command::OpenAnalysis(files) => self.open_analysis(ctx, files),
                Command::OpenSamples => match crate::app_dirs::materialize_samples() {
                    Ok(dir) => self.open_paths(vec![dir]),
                    Err(e) => self.show_message(format!("Could not prepare the sample articles: {e}")),
                },
                Command::PickFolder => self.pick_folder(),
                Command::CancelLoading => {
                    self.corpus.cancel();
                    self.show_message("Loading cancelled");
                }
                Command::SelectDocument(index) => {
                    let sel =
                        Selection { document: Some(index), target: None, ..self.selection.current.clone() };
                    self.select(sel);
                }
                Command::OpenAt(target) => {
                    let sel = Selection {
                        document: Some(target.document),
                        target: Some(target),
                        ..self.selection.current.clone()
                    };
                    self.select(sel);
                }
                Command::SelectEntity(entity) => {
                    let sel = Selection { entity, ..self.selection.current.clone() };
                    self.select(sel);
                }
                Command::SelectTimeRange(range) => {
                    let sel = Selection { time_range: range, ..self.selection.current.clone() };
                    self.select(sel);
                }
                Command::ClearSelection => {
                    let sel = Selection { document: self.selection.current.document, ..Default::default() };
                    self.select(sel);
                }
                Command::EditAliases(edit) => {
                    self.reselect_after_recluster = Some(entity_kept_by(&edit, false));
                    self.alias_edits.edits.push(edit);
                    self.alias_redo.clear();
                    self.aliases_changed(ctx);
                }
                Command::UndoAliasEdit => match self.alias_edits.edits.pop() {
                    Some(edit) => {
                        self.reselect_after_recluster = Some(entity_kept_by(&edit, true));
                        self.alias_redo.push(edit);
                        self.aliases_changed(ctx);
                        self.show_message("Alias edit undone");
                    }
                    None => self.show_message("No alias edit to undo"),
                },
                Command::RedoAliasEdit => match self.alias_redo.pop() {
                    Some(edit) => {
                        self.reselect_after_recluster = Some(entity_kept_by(&edit, false));
                        self.alias_edits.edits.push(edit);
                        self.aliases_changed(ctx);
                    }
                    None => self.show_message("No alias edit to redo"),
                },
                Command::OpenSearch => self.search_pane.show(),
                Command::Back => {
                    if let Some(previous) = self.history.back(self.selection.current.clone()) {
                        self.selection.set(previous);
                    }
                }
                Command::Forward => {
                    if let Some(next) = self.history.forward(self.selection.current.clone()) {
                        self.selection.set(next);
                    }
                }
                Command::ExportScreenshot(pane) => self.export_screenshot(ctx, pane),
                Command::ExportTable(what, format) => self.export_table(ctx, what, format),
                Command::ToggleStar(d) => {
                    if let Some(doc) = self.corpus.documents().get(d) {
                        let path = doc.rel_path.clone();
                        self.workspace.toggle_star(&path);
                        self.save_workspace();
                    }
                }
                Command::AddTag(d, tag) => {
                    if let Some(doc) = self.corpus.documents().get(d) {
                        let path = doc.rel_path.clone();
                        if self.workspace.add_tag(&path, &tag) {
                            self.save_workspace();
                        }
                    }
                }
                Command::RemoveTag(d, tag) => {
                    if let Some(doc) = self.corpus.documents().get(d) {
                        let path = doc.rel_path.clone();
                        if self.workspace.remove_tag(&path, &tag) {
                            self.save_workspace();
                        }
                    }
                }
                Command::AddNote { document, range, body } => {
                    if let Some(doc) = self.corpus.documents().get(document) {
                        let text = self.texts.text_or_empty(doc);
                        let quote = crate::index::workspace::passage(&text, range.start, range.end);
                        let path = doc.rel_path.clone();
                        self.workspace.add_note(&path, range.start, range.end, &quote, &body);
                        self.save_workspace();
                        self.show_message("Note added");
                    }
                }
                Command::EditNote(id, body) => {
                    if self.workspace.edit_note(id, &body) {
                        self.save_workspace();
                    }
                }
                Command::RemoveNote(id) => {
                    if self.workspace.remove_note(id) {
                        self.save_workspace();
                        self.show_message("Note deleted");
                    }
                }
                Command::CopyQuote { document, range, markdown } => {
                    if let Some(doc) = self.corpus.documents().get(document) {
                        let text = self.texts.text_or_empty(doc);
                        let passage = crate::index::workspace::passage(&text, range.start, range.end);
                        let style = if markdown {
                            crate::index::workspace::QuoteStyle::Markdown
                        } else {
                            crate::index::workspace::QuoteStyle::Plain
                        };
                        let quote =
                            crate::index::workspace::format_quote(&passage, &self.citation(document), style);
                        ctx.copy_text(quote.clone());
                        self.last_copied_quote = Some(quote);
                        self.show_message(if markdown {
                            "Copied as a Markdown quote"
                        } else {
                            "Copied as a quote"
                        });
                    }
                }
                Command::SaveView(name) => {
                    let name = name.trim().to_owned();
                    if !name.is_empty() {
                        let mut view = self.current_view();
                        view.name = name.clone();
                        self.workspace.save_view(view);
                        self.save_workspace();
                        self.show_message(format!("View “{name}” saved"));
                    }
                }
                Command::OpenView(name) => {
                    if let Some(view) = self.workspace.view(&name).cloned() {
                        self.apply_view(&view);
                    }
                }
                Command::RemoveView(name) => {
                    if self.workspace.remove_view(&name) {
                        self.save_workspace();
                    }
                }
                Command::ExportNotes { markdown } => self.export_notes(ctx, markdown),
                Command::ToggleErrorList => self.show_errors = !self.show_errors,
                Command::ClearRecent => self.settings.recent_folders.clear(),
                Command::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
            }
        }
    }

    fn open_paths(&mut self, paths: Vec<PathBuf>) {
        let missing: Vec<String> =
            paths.iter().filter(|p| !p.exists()).map(|p| p.display().to_string()).collect();
        if !missing.is_empty() {
            self.show_message(format!("Not found: {}", missing.join(", ")));
            return;
        }
        self.open_paths_with(paths, false);
    }

    /// Resets everything for a new corpus opened from `paths` (folders and files, or the
    /// record files of prebuilt analysis when `prebuilt`).
    fn open_paths_with(&mut self, paths: Vec<PathBuf>, prebuilt: bool) {
        let is_samples =
            paths.len() == 1 && paths.first().is_some_and(|p| crate::app_dirs::is_samples_dir(p));
        if !is_samples {
            self.settings.remember_opened(&paths);
        } else {
            self.settings.last_folders.clear();
        }
        self.remember_last_view();
        self.load_workspace(&paths);
        self.selection.set(Selection::default());
        self.watcher = None;
        self.watcher_start = None;
        self.watch_read = None;
        self.findings = Default::default();
        self.stories = Default::default();
        self.inferred_dates.clear();
        self.show_errors = false;
        self.analysis_job = None;
        self.load_alias_edits(&paths);
        drop_in_background(self.analyzed.take());
        self.search_index = None;
        self.history = Default::default();
        self.timeline = Default::default();
        self.visible_key = None;
        self.texts.clear();
        let next = if prebuilt {
            OpenCorpus::external(paths)
        } else {
            // Files unchanged since the last analysis are listed from its cache, unread.
            let known = Arc::new(crate::index::cache::CachedListing::for_corpus(&paths));
            OpenCorpus::open(paths, is_samples, self.corpus_options.clone().with_known(known))
        };
        drop_in_background(std::mem::replace(&mut self.corpus, next).into_documents());
    }

    /// Opens prebuilt analysis files: the documents and their analyses arrive together from a
    /// background job (texts read back from the articles' paths).
    fn open_analysis(&mut self, ctx: &egui::Context, files: Vec<PathBuf>) {
        let missing: Vec<String> =
            files.iter().filter(|p| !p.is_file()).map(|p| p.display().to_string()).collect();
        if !missing.is_empty() {
            self.show_message(format!("Not found: {}", missing.join(", ")));
            return;
        }
        self.open_paths_with(files.clone(), true);
        let notify_ctx = ctx.clone();
        self.analysis_job =
            AnalysisJob::prebuilt(files, self.alias_edits.clone(), move || notify_ctx.request_repaint());
    }

    /// Captures the next frame and saves the window or a pane as a PNG where the user says (save
    /// dialog), else in `~/Pictures/Khabar`, with a status message saying where.
    fn export_screenshot(&mut self, ctx: &egui::Context, pane: super::Pane) {
        let Some(rect) = self.pane_rects.get(&pane).copied() else {
            self.show_message(format!("The {} pane is not shown", pane.name()));
            return;
        };
        let corpus_name = self.corpus.display_name().unwrap_or_else(|| "khabar".to_owned());
        let file_name =
            crate::export::png::default_file_name(&corpus_name, pane.name(), chrono::Local::now());
        let (image_tx, image_rx) = std::sync::mpsc::channel::<Arc<egui::ColorImage>>();
        let ppp = ctx.pixels_per_point();
        let factor = if self.export_double_scale { 2 } else { 1 };
        let whole = pane == super::Pane::Window;
        ctx.request_screenshot(move |image: Arc<egui::ColorImage>| {
            image_tx.send(image).ok();
        });
        ctx.request_repaint();
        let folder = crate::export::png::fallback_folder();
        self.spawn_file_export(ctx, "Screenshot", file_name, "png", folder, move |out| {
            let image = image_rx
                .recv_timeout(Duration::from_secs(20))
                .map_err(|_| std::io::Error::other("the window could not be captured"))?;
            let cropped = if whole { (*image).clone() } else { crate::export::png::crop(&image, rect, ppp) };
            let scaled = crate::export::png::scale(&cropped, factor);
            if scaled.width() == 0 || scaled.height() == 0 {
                return Err(std::io::Error::other("the screenshot is empty"));
            }
            let png = crate::export::png::encode(&scaled).map_err(std::io::Error::other)?;
            std::io::Write::write_all(out, &png)
        });
    }

    /// Writes a table of the current view (entity, time range, listed documents) as CSV or
    /// JSON where the user says, else in `~/Documents/Khabar`.
    fn export_table(
        &mut self,
        ctx: &egui::Context,
        what: crate::index::table::TableKind,
        format: crate::index::table::TableFormat,
    ) {
        let Some(analyzed) = self.analyzed.clone() else {
            self.show_message("Tables can be exported once the analysis has finished");
            return;
        };
        let filter = self.table_filter(&analyzed);
        let corpus_name = self.corpus.display_name().unwrap_or_else(|| "khabar".to_owned());
        let stem = crate::export::png::default_file_name(&corpus_name, what.name(), chrono::Local::now());
        let file_name = format!("{}.{}", stem.trim_end_matches(".png"), format.extension());
        let folder = crate::export::dialog::tables_folder();
        self.spawn_file_export(ctx, "Table", file_name, format.extension(), folder, move |out| {
            crate::index::table::write_table(&analyzed, what, &filter, format, out)
        });
    }

    /// Asks where to save `file_name` (a save dialog, else `folder`) and writes it with `write`
    /// on a helper thread (atomically: a failed export leaves nothing half-written); the
    /// outcome shows in the status bar.
    fn spawn_file_export(
        &mut self,
        ctx: &egui::Context,
        what: &'static str,
        file_name: String,
        extension: &'static str,
        folder: PathBuf,
        write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()> + Send + 'static,
    ) {
        use crate::export::dialog::{ExportOutcome, SaveTarget, ask_save_path, write_atomically};
        let (tx, rx) = std::sync::mpsc::channel();
        let notify = ctx.clone();
        let spawned = std::thread::Builder::new().name("khabar-export".into()).spawn(move || {
            let title = format!("Export {}", what.to_lowercase());
            let target = ask_save_path(&title, &folder, &file_name, extension);
            let outcome = match target.path().map(|p| p.to_path_buf()) {
                None => ExportOutcome::Cancelled,
                Some(path) => match (write_atomically(&path, write), target) {
                    (Err(e), _) => ExportOutcome::Failed(e.to_string()),
                    (Ok(()), SaveTarget::NoDialog(_)) => ExportOutcome::SavedWithoutDialog(path),
                    (Ok(()), _) => ExportOutcome::Saved(path),
                },
            };
            tx.send(outcome).ok();
            notify.request_repaint();
        });
        match spawned {
            Ok(_) => self.exports.push((what, rx)),
            Err(e) => self.show_message(format!("Could not start the export: {e}")),
        }
    }

    /// The current view as a table filter: the selected entity, the brushed time range, and
    /// the documents the list shows when it is filtered.
    pub fn table_filter(&self, analyzed: &crate::index::AnalyzedCorpus) -> crate::index::table::TableFilter {
        let sel = &self.selection.current;
        let entity = sel.entity.as_deref().and_then(|id| analyzed.entity_by_id(id));
        let documents = (self.visible.len() != self.corpus.documents().len()).then(|| {
            let mut v = self.visible.clone();
            v.sort_unstable();
            v
        });
        crate::index::table::TableFilter {
            entity,
            from: sel.time_range.map(|r| r.0),
            to: sel.time_range.map(|r| r.1),
            documents,
            query: None,
        }
    }

    fn poll_exports(&mut self) {
        let mut finished = Vec::new();
        self.exports.retain(|(what, rx)| match rx.try_recv() {
            Ok(outcome) => {
                finished.push(outcome.message(what));
                false
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => true,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                finished.push(format!("{what} export stopped unexpectedly"));
                false
            }
        });
        for message in finished {
            self.show_message(message);
        }
    }

    fn pick_folder(&mut self) {
        if self.folder_pick.is_some() || !self.exports.is_empty() {
            return;
        }
        let start = self.settings.recent_folders.first().cloned().or_else(dirs::home_dir);
        let mut dialog = rfd::AsyncFileDialog::new().set_title("Open a folder of articles");
        if let Some(start) = start {
            dialog = dialog.set_directory(start);
        }
        let future = dialog.pick_folder();
        let (tx, rx) = std::sync::mpsc::channel();
        let spawned = std::thread::Builder::new().name("khabar-folder-dialog".into()).spawn(move || {
            let picked = pollster::block_on(future).map(|h| h.path().to_path_buf());
            tx.send(picked).ok();
        });
        match spawned {
            Ok(_) => self.folder_pick = Some(rx),
            Err(e) => self.show_message(format!("Could not open the folder dialog: {e}")),
        }
    }

    fn poll_folder_pick(&mut self) {
        let Some(rx) = &self.folder_pick else { return };
        match rx.try_recv() {
            Ok(Some(path)) => {
                self.folder_pick = None;
                self.commands.send(Command::OpenPaths(vec![path]));
            }
            Ok(None) => {
                self.folder_pick = None;
                self.show_message(
                    "No folder chosen. (If no dialog appeared, this desktop has no file-chooser portal or zenity: \
                     drag a folder onto the window or run `khabar open FOLDER`.)",
                );
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => {}
            Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                self.folder_pick = None;
                self.show_message("The folder dialog failed");
            }
        }
    }

    /// Starts the analysis once loading finished; takes its result when done.
    fn poll_analysis(&mut self, ctx: &egui::Context) {
        if !self.corpus.is_loading()
            && self.analyzed.is_none()
            && self.analysis_job.is_none()
            && !self.corpus.documents().is_empty()
        {
            let notify_ctx = ctx.clone();
            self.analysis_job = AnalysisJob::start(
                self.corpus.shared_documents(),
                Some(self.corpus.roots().to_vec()),
                self.alias_edits.clone(),
                self.corpus_options.reader.clone(),
                move || notify_ctx.request_repaint(),
            );
        }
        let Some(job) = &self.analysis_job else { return };
        match job.try_take() {
            AnalysisPoll::Done(result) => {
                let was_recluster = job.kind() == JobKind::Recluster;
                self.analysis_job = None;
                self.take_analysis_result(*result, was_recluster);
            }
            AnalysisPoll::Prebuilt(result, problems, documents) => {
                let shown = documents.len();
                let missing = problems.len();
                self.corpus.set_documents(documents, problems);
                self.analysis_job = None;
                self.take_analysis_result(*result, false);
                self.show_message(if missing > 0 {
                    format!("{shown} analysed documents opened; {missing} problems (see the error list)")
                } else {
                    format!("{shown} analysed documents opened")
                });
            }
            AnalysisPoll::Failed(why) => {
                self.analysis_job = None;
                self.corpus.set_documents(Vec::new(), Vec::new());
                self.show_message(format!("Could not open the analysis files: {why}"));
            }
            AnalysisPoll::Running => ctx.request_repaint_after(Duration::from_millis(100)),
            AnalysisPoll::Died => {
                self.analysis_job = None;
                self.show_message("The analysis stopped unexpectedly");
            }
        }
    }

    /// Installs a finished analysis (or recluster): the corpus model, search index, findings;
    /// re-anchors notes, reselects the entity kept by an alias edit, applies a pending view.
    fn take_analysis_result(&mut self, result: super::analysis::AnalysisResult, was_recluster: bool) {
        let mut timer = FrameTimer::start();
        self.install_analysis_result(result, was_recluster);
        timer.lap("installing the analysis");
        timer.report();
    }

    fn install_analysis_result(&mut self, result: super::analysis::AnalysisResult, was_recluster: bool) {
        if !self.notes_anchored {
            self.anchor_notes();
        }
        if !was_recluster {
            self.last_analysis_counts = (result.cache_hits, result.analysed);
        }
        if let Some(note) = &result.cache_note {
            self.show_message(note.clone());
        } else if !was_recluster && result.cache_hits > 0 {
            self.show_message(format!(
                "{} documents from the analysis cache, {} analysed",
                result.cache_hits, result.analysed
            ));
        }
        if let Some(wanted) = self.reselect_after_recluster.take() {
            let needle = crate::arabic::normalize(&wanted.alias);
            let found = result.corpus.entities.iter().find(|e| {
                e.kind == wanted.kind && e.aliases.iter().any(|a| crate::arabic::normalize(a) == needle)
            });
            let entity = found.map(|e| e.id.clone());
            self.selection.set(Selection { entity, ..self.selection.current.clone() });
        }
        if let Some(findings) = result.findings {
            self.findings = findings;
        }
        if let Some(stories) = result.stories {
            self.stories = stories;
        }
        if let Some(order) = result.listing_order
            && !self.corpus.is_loading()
        {
            self.corpus.set_order(order);
        }
        self.timeline = result.timeline;
        self.inferred_dates = result
            .corpus
            .documents
            .iter()
            .map(|d| d.analysis.published_inferred.as_ref().map(|i| i.date))
            .collect();
        drop_in_background(self.analyzed.replace(Arc::new(result.corpus)));
        self.analysis_generation += 1;
        if let Some(view) = self.pending_view.take() {
            self.apply_view(&view);
        }
        self.search_index = Some(result.index);
        self.visible_key = None;
    }

    /// Recomputes the documents list when the corpus or the filters changed.
    fn update_visible(&mut self) {
        let sel = &self.selection.current;
        let key = (self.corpus.sorted().len(), sel.entity.clone(), sel.time_range, self.analyzed.is_some());
        if self.visible_key.as_ref() == Some(&key) {
            return;
        }
        let mut visible = self.corpus.sorted().to_vec();
        if let Some(analyzed) = &self.analyzed {
            if let Some(id) = &sel.entity
                && let Some(e) = analyzed.entity_by_id(id)
            {
                let docs = analyzed.documents_with(e);
                visible.retain(|&d| u32::try_from(d).is_ok_and(|d| docs.binary_search(&d).is_ok()));
            }
            if let Some((from, to)) = sel.time_range {
                let (a, b) = (
                    crate::extract::timex_range::day_number(from),
                    crate::extract::timex_range::day_number(to),
                );
                let mut in_range = vec![false; self.corpus.documents().len()];
                let timeline = &self.timeline;
                for (day, doc) in &timeline.publications {
                    if (a..=b).contains(day)
                        && let Some(x) = in_range.get_mut(*doc)
                    {
                        *x = true;
                    }
                }
                for e in &timeline.events {
                    if e.last_day() >= a
                        && e.first_day() <= b
                        && let Some(x) = in_range.get_mut(e.document())
                    {
                        *x = true;
                    }
                }
                visible.retain(|d| in_range.get(*d).copied().unwrap_or(false));
            }
        }
        self.visible = visible;
        self.visible_key = Some(key);
    }

    /// Starts watching the open folders once loaded; applies the watcher's batches of changes
    /// (changed files re-read, the analysis rerun through the cache, so only they are analysed).
    fn poll_watcher(&mut self, ctx: &egui::Context) {
        if self.watcher.is_none()
            && self.watcher_start.is_none()
            && !self.corpus.is_loading()
            && !self.corpus.is_samples()
        {
            let roots: Vec<PathBuf> = self.corpus.roots().iter().filter(|r| r.is_dir()).cloned().collect();
            if !roots.is_empty() {
                // Watching a big tree walks it (a watch per folder): done off the UI thread.
                let notify_ctx = ctx.clone();
                let (tx, rx) = std::sync::mpsc::channel();
                let spawned =
                    std::thread::Builder::new().name("khabar-watch-start".into()).spawn(move || {
                        let repaint = notify_ctx.clone();
                        let watcher = crate::corpus::watch::FolderWatcher::start_with_callback(
                            roots,
                            WATCH_DEBOUNCE,
                            Some(Box::new(move || repaint.request_repaint())),
                        );
                        tx.send(watcher).ok();
                        notify_ctx.request_repaint();
                    });
                if spawned.is_ok() {
                    self.watcher_start = Some(rx);
                }
            }
        }
        if let Some(rx) = &self.watcher_start
            && let Ok(watcher) = rx.try_recv()
        {
            self.watcher_start = None;
            if let Some((root, why)) = watcher.problems.first() {
                self.show_message(format!(
                    "Changes in {} will not be picked up automatically: {why}",
                    root.display()
                ));
            }
            self.watcher = Some(watcher);
        }
        // A batch being read on a helper thread is applied once read; the next batch waits in
        // the watcher's channel meanwhile.
        if let Some(rx) = &self.watch_read {
            match rx.try_recv() {
                Ok((removed, read)) => {
                    self.watch_read = None;
                    self.apply_folder_changes(&removed, read);
                }
                Err(std::sync::mpsc::TryRecvError::Empty) => {}
                Err(std::sync::mpsc::TryRecvError::Disconnected) => self.watch_read = None,
            }
            return;
        }
        let Some(changes) = self.watcher.as_ref().and_then(|w| w.try_recv()) else { return };
        if changes.added_or_modified.len() + changes.removed.len() > MAX_LIVE_CHANGES {
            self.show_message("Many files changed in the folder: reloading it");
            let roots = self.corpus.roots().to_vec();
            self.open_paths(roots);
            return;
        }
        let (tx, rx) = std::sync::mpsc::channel();
        let roots = self.corpus.roots().to_vec();
        let options = self.corpus_options.clone();
        let notify = ctx.clone();
        let spawned = std::thread::Builder::new().name("khabar-watch-read".into()).spawn(move || {
            let read = super::loading::read_changed_files(&roots, &changes, &options);
            tx.send((changes.removed, read)).ok();
            notify.request_repaint();
        });
        match spawned {
            Ok(_) => self.watch_read = Some(rx),
            Err(e) => self.show_message(format!("Could not read the changed files: {e}")),
        }
    }

    /// Applies a batch of folder changes (files already read), keeps the open document open,
    /// and reruns the analysis (unchanged files come from the cache).
    fn apply_folder_changes(&mut self, removed: &[PathBuf], read: Vec<super::loading::ChangedFile>) {
        let open_path = self
            .selection
            .current
            .document
            .and_then(|d| self.corpus.documents().get(d))
            .map(|d| d.path.clone());
        let summary = self.corpus.apply_changes(removed, read);
        if summary.is_empty() {
            return;
        }
        let document = open_path.and_then(|p| self.corpus.documents().iter().position(|d| d.path == p));
        let target = self.selection.current.target.clone().filter(|t| Some(t.document) == document);
        self.selection.set(Selection { document, target, ..self.selection.current.clone() });
        self.history = Default::default();
        // Rerun the analysis: unchanged files come from the cache.
        self.inferred_dates.clear();
        self.stories = Default::default();
        self.findings = Default::default();
        self.analysis_job = None;
        drop_in_background(self.analyzed.take());
        self.search_index = None;
        self.visible_key = None;
        self.show_message(format!("Folder changed: {}", summary.describe()));
    }

    /// Loads the user's workspace (stars, tags, notes, views) of the corpus opened from `roots`.
    fn load_workspace(&mut self, roots: &[PathBuf]) {
        let path = crate::index::workspace::workspace_path(roots);
        let recovered = crate::index::workspace::Workspace::load_or_recover(&path);
        if let Some(warning) = recovered.warning {
            self.show_message(warning);
        }
        self.workspace = recovered.workspace;
        self.workspace_can_save = recovered.can_save;
        self.workspace_path = Some(path);
        self.notes_anchored = false;
        self.pending_view =
            if std::mem::take(&mut self.restore_last_view) { self.workspace.last_view.clone() } else { None };
    }

    /// Writes the workspace (atomically); tells the user when that fails.
    fn save_workspace(&mut self) {
        let Some(path) = &self.workspace_path else { return };
        if !self.workspace_can_save {
            return;
        }
        if let Err(e) = self.workspace.save(path) {
            self.show_message(format!("Could not save your notes and tags: {e}"));
        }
    }

    /// Records the current state as the corpus' last view (restored on the next start).
    fn remember_last_view(&mut self) {
        if self.workspace_path.is_none() || self.corpus.documents().is_empty() {
            return;
        }
        let view = self.current_view();
        if self.workspace.last_view.as_ref() != Some(&view) {
            self.workspace.last_view = Some(view);
            self.save_workspace();
        }
    }

    /// Re-attaches notes to the texts as loaded now (a file may have changed).
    fn anchor_notes(&mut self) {
        self.notes_anchored = true;
        let mut changed = 0;
        for doc in self.corpus.documents() {
            if !self.workspace.notes_of(&doc.rel_path).is_empty() {
                // Only documents with notes are read (a few files, once per opening).
                if let Ok(read) = self.texts.get(doc) {
                    changed += self.workspace.reanchor(&doc.rel_path, &read.text);
                }
            }
        }
        if changed > 0 {
            self.save_workspace();
            self.show_message(format!("{changed} notes moved with their passages (files changed)"));
        }
    }

    /// The citation of a document: title, file, publication date (header or inferred).
    fn citation(&self, document: usize) -> crate::index::workspace::Citation {
        let doc = self.corpus.documents().get(document);
        let inferred = self
            .analyzed
            .as_ref()
            .and_then(|a| a.documents.get(document))
            .and_then(|d| d.analysis.published_inferred.as_ref().map(|p| p.date));
        crate::index::workspace::Citation {
            title: doc.map(|d| d.title.clone()).unwrap_or_default(),
            file: doc.map(|d| d.rel_path.clone()).unwrap_or_default(),
            published: doc.and_then(|d| d.published).or(inferred),
        }
    }

    /// The current state as a saved view (documents by path, entities by name).
    pub fn current_view(&self) -> crate::index::workspace::SavedView {
        let sel = &self.selection.current;
        let entity = sel
            .entity
            .as_deref()
            .and_then(|id| {
                self.analyzed.as_ref().and_then(|a| a.entity_by_id(id).and_then(|e| a.entities.get(e)))
            })
            .map(|e| e.canonical.clone());
        crate::index::workspace::SavedView {
            name: String::new(),
            document: sel.document.and_then(|d| self.corpus.documents().get(d)).map(|d| d.rel_path.clone()),
            entity,
            time_from: sel.time_range.map(|r| r.0),
            time_to: sel.time_range.map(|r| r.1),
            query: self.search_pane.query().to_owned(),
            entity_filter: self.entities_pane.filter.clone(),
            entity_scope_corpus: self.entities_pane.scope == super::entities::Scope::Corpus,
        }
    }

    /// Restores a saved view (what still exists of it).
    fn apply_view(&mut self, view: &crate::index::workspace::SavedView) {
        let document = view
            .document
            .as_deref()
            .and_then(|p| self.corpus.documents().iter().position(|d| d.rel_path == p))
            .or(self.selection.current.document);
        let entity = view.entity.as_deref().and_then(|name| {
            let a = self.analyzed.as_ref()?;
            let needle = crate::arabic::normalize(name);
            a.entities
                .iter()
                .find(|e| crate::arabic::normalize(&e.canonical) == needle)
                .or_else(|| {
                    a.entities
                        .iter()
                        .find(|e| e.aliases.iter().any(|x| crate::arabic::normalize(x) == needle))
                })
                .map(|e| e.id.clone())
        });
        let time_range = view.time_from.zip(view.time_to);
        self.entities_pane.filter = view.entity_filter.clone();
        self.entities_pane.scope = if view.entity_scope_corpus {
            super::entities::Scope::Corpus
        } else {
            super::entities::Scope::Document
        };
        self.search_pane.set_query(&view.query);
        self.select(Selection { document, entity, time_range, target: None });
    }

    /// Exports every note with citations as Markdown or CSV (save dialog or ~/Documents/Khabar).
    fn export_notes(&mut self, ctx: &egui::Context, markdown: bool) {
        let workspace = self.workspace.clone();
        let citations: std::collections::HashMap<String, crate::index::workspace::Citation> = self
            .corpus
            .documents()
            .iter()
            .enumerate()
            .filter(|(_, d)| workspace.documents().contains(&d.rel_path.as_str()))
            .map(|(i, d)| (d.rel_path.clone(), self.citation(i)))
            .collect();
        let corpus_name = self.corpus.display_name().unwrap_or_else(|| "khabar".to_owned());
        let stem = crate::export::png::default_file_name(&corpus_name, "notes", chrono::Local::now());
        let extension = if markdown { "md" } else { "csv" };
        let file_name = format!("{}.{extension}", stem.trim_end_matches(".png"));
        let folder = crate::export::dialog::tables_folder();
        self.spawn_file_export(ctx, "Notes", file_name, extension, folder, move |out| {
            let cite = |path: &str| {
                citations.get(path).cloned().unwrap_or_else(|| crate::index::workspace::Citation {
                    title: String::new(),
                    file: path.to_owned(),
                    published: None,
                })
            };
            if markdown {
                std::io::Write::write_all(
                    out,
                    crate::index::workspace::notes_markdown(&workspace, cite).as_bytes(),
                )
            } else {
                crate::index::workspace::write_notes_csv(&workspace, cite, out, true)
            }
        });
    }

    /// Loads the saved alias edits of the corpus opened from `roots` (none yet: empty).
    fn load_alias_edits(&mut self, roots: &[PathBuf]) {
        let path = aliases_path_for(roots);
        self.alias_redo.clear();
        self.alias_edits = if path.exists() {
            match crate::index::AliasEdits::load(&path) {
                Ok(edits) => edits,
                Err(e) => {
                    self.show_message(format!(
                        "Your alias edits could not be read ({e}); starting without them"
                    ));
                    crate::index::AliasEdits::new()
                }
            }
        } else {
            crate::index::AliasEdits::new()
        };
        self.aliases_path = Some(path);
    }

    /// Saves the alias edits and reruns alias clustering with them.
    fn aliases_changed(&mut self, ctx: &egui::Context) {
        if let Some(path) = &self.aliases_path
            && let Err(e) = self.alias_edits.save(path)
        {
            self.show_message(format!("Could not save your alias edits: {e}"));
        }
        let (Some(analyzed), Some(index)) = (self.analyzed.take(), self.search_index.clone()) else {
            // Still analysing: the running job has the old edits; start again with the new ones.
            self.analysis_job = None;
            return;
        };
        let corpus = Arc::try_unwrap(analyzed).unwrap_or_else(|shared| (*shared).clone());
        let notify_ctx = ctx.clone();
        self.analysis_job = AnalysisJob::recluster(corpus, index, self.alias_edits.clone(), move || {
            notify_ctx.request_repaint()
        });
    }

    fn shortcuts(&mut self, ctx: &egui::Context) {
        let open = egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::O);
        let quit = egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::Q);
        if ctx.input_mut(|i| i.consume_shortcut(&open)) {
            self.commands.send(Command::PickFolder);
        }
        if ctx.input_mut(|i| i.consume_shortcut(&quit)) {
            self.commands.send(Command::Quit);
        }
        let search = egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::K);
        if ctx.input_mut(|i| i.consume_shortcut(&search)) {
            self.commands.send(Command::OpenSearch);
        }
        let shot =
            egui::KeyboardShortcut::new(egui::Modifiers::COMMAND | egui::Modifiers::SHIFT, egui::Key::S);
        if ctx.input_mut(|i| i.consume_shortcut(&shot)) {
            self.commands.send(Command::ExportScreenshot(super::Pane::Window));
        }
        if ctx.memory(|m| m.focused().is_none()) {
            let redo =
                egui::KeyboardShortcut::new(egui::Modifiers::COMMAND | egui::Modifiers::SHIFT, egui::Key::Z);
            let undo = egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::Z);
            if ctx.input_mut(|i| i.consume_shortcut(&redo)) {
                self.commands.send(Command::RedoAliasEdit);
            } else if ctx.input_mut(|i| i.consume_shortcut(&undo)) {
                self.commands.send(Command::UndoAliasEdit);
            }
        }
        let zoom_in = egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::Equals);
        let zoom_in_plus = egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::Plus);
        let zoom_out = egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::Minus);
        let zoom_reset = egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::Num0);
        if ctx.input_mut(|i| i.consume_shortcut(&zoom_in) || i.consume_shortcut(&zoom_in_plus)) {
            self.settings.step_font_size(1);
        }
        if ctx.input_mut(|i| i.consume_shortcut(&zoom_out)) {
            self.settings.step_font_size(-1);
        }
        if ctx.input_mut(|i| i.consume_shortcut(&zoom_reset)) {
            self.settings.step_font_size(0);
        }
        let (back, forward) = ctx.input(|i| {
            (
                (i.modifiers.alt && i.key_pressed(egui::Key::ArrowLeft))
                    || i.pointer.button_clicked(egui::PointerButton::Extra1),
                (i.modifiers.alt && i.key_pressed(egui::Key::ArrowRight))
                    || i.pointer.button_clicked(egui::PointerButton::Extra2),
            )
        });
        if back {
            self.commands.send(Command::Back);
        }
        if forward {
            self.commands.send(Command::Forward);
        }
        if ctx.input(|i| i.key_pressed(egui::Key::Escape))
            && ctx.memory(|m| m.focused().is_none())
            && !self.search_pane.open
        {
            self.commands.send(Command::ClearSelection);
        }
    }

    fn menu_ui(&mut self, ui: &mut egui::Ui) {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button(S.file, |ui| {
                if ui.add(egui::Button::new(S.open_folder).shortcut_text("Ctrl+O")).clicked() {
                    self.commands.send(Command::PickFolder);
                }
                ui.menu_button(S.recent_folders, |ui| {
                    if self.settings.recent_folders.is_empty() {
                        ui.label(S.none_yet);
                    }
                    for folder in self.settings.recent_folders.clone() {
                        let exists = folder.is_dir();
                        let button = ui.add_enabled(exists, egui::Button::new(folder.display().to_string()));
                        if button.clicked() {
                            self.commands.send(Command::OpenPaths(vec![folder]));
                        }
                    }
                    ui.separator();
                    if ui.button(S.clear_recent_folders).clicked() {
                        self.commands.send(Command::ClearRecent);
                    }
                });
                if ui.button(S.open_sample_articles).clicked() {
                    self.commands.send(Command::OpenSamples);
                }
                ui.separator();
                if ui
                    .add(egui::Button::new(S.export_screenshot_of_the_window).shortcut_text("Ctrl+Shift+S"))
                    .clicked()
                {
                    self.commands.send(Command::ExportScreenshot(super::Pane::Window));
                }
                ui.menu_button(S.export_screenshot_of_a_pane, |ui| {
                    for pane in [
                        super::Pane::Documents,
                        super::Pane::Document,
                        super::Pane::Entities,
                        super::Pane::Timeline,
                    ] {
                        if ui.button(pane.name()).clicked() {
                            self.commands.send(Command::ExportScreenshot(pane));
                        }
                    }
                });
                ui.checkbox(&mut self.export_double_scale, S.screenshots_at_2_size);
                ui.menu_button(S.export_table_of_the_current_view, |ui| {
                    use crate::index::table::{TableFormat, TableKind};
                    let ready = self.analyzed.is_some();
                    for what in TableKind::ALL {
                        for (format, label) in
                            [(TableFormat::Csv { bom: true }, "CSV"), (TableFormat::Json, "JSON")]
                        {
                            let text = format!("{} ({label})…", what.name());
                            if ui.add_enabled(ready, egui::Button::new(text)).clicked() {
                                self.commands.send(Command::ExportTable(what, format));
                            }
                        }
                    }
                });
                ui.separator();
                if ui.add(egui::Button::new(S.quit).shortcut_text("Ctrl+Q")).clicked() {
                    self.commands.send(Command::Quit);
                }
            });
            ui.menu_button(S.edit, |ui| {
                let can_undo = !self.alias_edits.edits.is_empty();
                if ui
                    .add_enabled(can_undo, egui::Button::new(S.undo_alias_edit).shortcut_text("Ctrl+Z"))
                    .clicked()
                {
                    self.commands.send(Command::UndoAliasEdit);
                }
                let can_redo = !self.alias_redo.is_empty();
                if ui
                    .add_enabled(can_redo, egui::Button::new(S.redo_alias_edit).shortcut_text("Ctrl+Shift+Z"))
                    .clicked()
                {
                    self.commands.send(Command::RedoAliasEdit);
                }
            });
            ui.menu_button(S.go, |ui| {
                if ui.add(egui::Button::new(S.search).shortcut_text("Ctrl+K")).clicked() {
                    self.commands.send(Command::OpenSearch);
                }
                if ui
                    .add_enabled(
                        self.history.can_go_back(),
                        egui::Button::new(S.back).shortcut_text("Alt+Left"),
                    )
                    .clicked()
                {
                    self.commands.send(Command::Back);
                }
                if ui
                    .add_enabled(
                        self.history.can_go_forward(),
                        egui::Button::new(S.forward).shortcut_text("Alt+Right"),
                    )
                    .clicked()
                {
                    self.commands.send(Command::Forward);
                }
                if ui.add(egui::Button::new(S.clear_selection).shortcut_text("Esc")).clicked() {
                    self.commands.send(Command::ClearSelection);
                }
            });
            ui.menu_button(S.view, |ui| {
                let mut theme = self.settings.theme;
                ui.radio_value(&mut theme, ThemeChoice::System, S.system_theme);
                ui.radio_value(&mut theme, ThemeChoice::Light, S.light_theme);
                ui.radio_value(&mut theme, ThemeChoice::Dark, S.dark_theme);
                if theme != self.settings.theme {
                    self.settings.theme = theme;
                    self.apply_theme(ui.ctx());
                }
                ui.separator();
                ui.label(S.reading);
                ui.horizontal(|ui| {
                    if ui.button(S.text_smaller).on_hover_text(S.smaller_text_ctrl).clicked() {
                        self.settings.step_font_size(-1);
                    }
                    ui.label(format!("{:.0} pt", self.settings.font_size));
                    if ui.button(S.text_larger).on_hover_text(S.larger_text_ctrl).clicked() {
                        self.settings.step_font_size(1);
                    }
                    if ui.button(S.reset).on_hover_text(S.default_size_ctrl_0).clicked() {
                        self.settings.step_font_size(0);
                    }
                });
                ui.add(egui::Slider::new(&mut self.settings.line_spacing, 1.4..=2.6).text("line spacing"));
                ui.radio_value(&mut self.settings.sans_face, false, S.naskh_reading_face);
                ui.radio_value(&mut self.settings.sans_face, true, S.sans_compact_face);
                ui.separator();
                let once = self.settings.count_stories_once;
                ui.checkbox(&mut self.settings.count_stories_once, S.count_each_story_once)
                    .on_hover_text(S.copies_of_one_story_syndicated_re);
                if once != self.settings.count_stories_once {
                    self.visible_key = None;
                }
                ui.checkbox(&mut self.settings.show_boilerplate, S.show_boilerplate_lines_normally)
                    .on_hover_text(S.lines_repeated_across_many_articles_ads);
                ui.separator();
                if ui.button(S.files_that_could_not_be_loaded).clicked() {
                    self.commands.send(Command::ToggleErrorList);
                }
            });
            ui.menu_button(S.views, |ui| {
                ui.horizontal(|ui| {
                    ui.add(
                        crate::text::input::ArabicTextInput::new(&mut self.view_name)
                            .label(S.view_name)
                            .hint(S.name_of_this_view)
                            .desired_width(160.0),
                    );
                    if ui
                        .add_enabled(!self.view_name.trim().is_empty(), egui::Button::new(S.save_view))
                        .clicked()
                    {
                        self.commands.send(Command::SaveView(std::mem::take(&mut self.view_name)));
                    }
                });
                ui.separator();
                if self.workspace.views.is_empty() {
                    ui.label(S.no_saved_views_yet);
                }
                for view in self.workspace.views.clone() {
                    ui.horizontal(|ui| {
                        if ui.button(format!("Open “{}”", view.name)).clicked() {
                            self.commands.send(Command::OpenView(view.name.clone()));
                            ui.close();
                        }
                        if ui.small_button(S.delete).clicked() {
                            self.commands.send(Command::RemoveView(view.name.clone()));
                        }
                    });
                }
            });
            ui.menu_button(S.help, |ui| {
                if ui.button(S.keyboard_shortcuts).clicked() {
                    self.show_about = true;
                }
                if ui.button(S.about_khabar).clicked() {
                    self.show_about = true;
                }
            });
        });
    }
}

impl eframe::App for KhabarApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        let mut timer = FrameTimer::start();
        if self.corpus.poll() {
            ctx.request_repaint_after(Duration::from_millis(50));
        }
        timer.lap("taking loaded documents");
        self.poll_watcher(ctx);
        self.poll_analysis(ctx);
        timer.lap("polling jobs");
        timer.report();
        self.poll_folder_pick();
        self.poll_exports();
        if self.folder_pick.is_some() || !self.exports.is_empty() {
            ctx.request_repaint_after(Duration::from_millis(100));
        }
        if self.message.as_ref().is_some_and(|(_, at)| at.elapsed() > MESSAGE_DURATION) {
            self.message = None;
        }
        // Open the newest document once the first ones arrive.
        if self.selection.current.document.is_none()
            && let Some(&first) = self.corpus.sorted().first()
        {
            self.commands.send(Command::SelectDocument(first));
        }
        self.selection.on_frame_start(self.corpus.documents().len());
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let mut timer = FrameTimer::start();
        let ctx = ui.ctx().clone();
        let dropped = drop::take_dropped(&ctx);
        if !dropped.is_empty() {
            self.commands.send(Command::OpenPaths(dropped));
        }
        self.shortcuts(&ctx);
        let title = self.window_title();
        if title != self.title_shown {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title_shown = title;
        }

        egui::Panel::top("khabar.menu").show(ui, |ui| self.menu_ui(ui));

        self.update_visible();
        timer.lap("before the panes");
        let Self {
            corpus,
            selection,
            commands,
            documents_pane,
            document_pane,
            entities_pane,
            timeline_pane,
            message,
            analyzed,
            pane_rects,
            analysis_job,
            analysis_generation,
            inferred_dates,
            stories,
            settings,
            workspace,
            findings,
            notes_pane,
            timeline,
            visible,
            texts,
            ..
        } = self;
        let text_input_focused = ctx.memory(|m| m.focused().is_some());
        let pointer = ctx.input(|i| i.pointer.hover_pos());
        let pointer_pane = pointer.and_then(|p| {
            [super::Pane::Entities, super::Pane::Documents, super::Pane::Timeline, super::Pane::Document]
                .into_iter()
                .find(|pane| pane_rects.get(pane).is_some_and(|r| r.contains(p)))
        });
        let mut pane_ctx = PaneContext {
            documents: corpus.documents(),
            texts,
            visible_documents: visible,
            selection: &selection.current,
            selection_changed: selection.changed(),
            commands,
            loading: corpus.is_loading(),
            analysis_generation: *analysis_generation,
            inferred_dates,
            pointer_pane,
            stories,
            count_stories_once: settings.count_stories_once,
            workspace,
            boilerplate: &findings.boilerplate,
            show_boilerplate: settings.show_boilerplate,
            text_input_focused,
            hovered_document: None,
            hovered_entity_in: selection.hovered().entity.clone(),
            hovered_entity: None,
        };
        let info = StatusInfo {
            progress: corpus.progress(),
            analysis_progress: analysis_job.as_ref().map(|j| {
                let (done, total) = j.progress();
                let what = match j.kind() {
                    JobKind::Analysis => "Analysing",
                    JobKind::Recluster => "Applying alias edits",
                    JobKind::Prebuilt => "Reading analysed articles",
                };
                (what, done, total)
            }),
            problems: corpus.problems().len(),
            ignored: corpus.ignored(),
            message: message.as_ref().map(|(m, _)| m.as_str()),
        };
        egui::Panel::bottom("khabar.status").show(ui, |ui| status::status_bar_ui(ui, &mut pane_ctx, &info));
        timer.lap("status bar");
        let r = egui::Panel::left("khabar.documents")
            .resizable(true)
            .default_size(340.0)
            .min_size(200.0)
            .show(ui, |ui| documents_pane.ui(ui, &mut pane_ctx));
        pane_rects.insert(super::Pane::Documents, r.response.rect);
        timer.lap("documents");
        let r = egui::Panel::right("khabar.entities")
            .resizable(true)
            .default_size(320.0)
            .min_size(180.0)
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.selectable_value(&mut settings.right_tab, RightTab::Entities, S.entities);
                    let notes = pane_ctx.workspace.notes.len();
                    ui.selectable_value(&mut settings.right_tab, RightTab::Notes, format!("Notes ({notes})"));
                });
                ui.separator();
                match settings.right_tab {
                    RightTab::Entities => entities_pane.ui(ui, &mut pane_ctx, analyzed.as_deref()),
                    RightTab::Notes => notes_pane.ui(ui, &mut pane_ctx),
                }
            });
        pane_rects.insert(super::Pane::Entities, r.response.rect);
        timer.lap("entities");
        let r = egui::Panel::bottom("khabar.timeline")
            .resizable(true)
            .default_size(220.0)
            .min_size(120.0)
            .show(ui, |ui| timeline_pane.ui(ui, &mut pane_ctx, timeline));
        pane_rects.insert(super::Pane::Timeline, r.response.rect);
        timer.lap("timeline");
        {
            let view = document_pane.view_mut();
            view.font_size = settings.font_size;
            view.line_height = settings.line_spacing;
            view.face = if settings.sans_face {
                crate::text::layout::ArabicFace::Sans
            } else {
                crate::text::layout::ArabicFace::Naskh
            };
        }
        let r = egui::CentralPanel::default()
            .show(ui, |ui| document_pane.ui(ui, &mut pane_ctx, analyzed.as_deref()));
        pane_rects.insert(super::Pane::Document, r.response.rect);
        timer.lap("document");
        timer.report();
        pane_rects.insert(super::Pane::Window, ctx.content_rect());
        let (hovered_document, hovered_entity) = (pane_ctx.hovered_document, pane_ctx.hovered_entity.take());
        if let Some(d) = hovered_document {
            selection.hover_document(d);
        }
        if let Some(e) = hovered_entity {
            selection.hover_entity(e);
        }

        {
            let mut pane_ctx = PaneContext {
                documents: self.corpus.documents(),
                texts: &self.texts,
                visible_documents: &self.visible,
                selection: &self.selection.current,
                selection_changed: false,
                commands: &mut self.commands,
                loading: self.corpus.is_loading(),
                analysis_generation: self.analysis_generation,
                inferred_dates: &self.inferred_dates,
                pointer_pane: None,
                stories: &self.stories,
                count_stories_once: self.settings.count_stories_once,
                workspace: &self.workspace,
                boilerplate: &self.findings.boilerplate,
                show_boilerplate: self.settings.show_boilerplate,
                text_input_focused: true,
                hovered_document: None,
                hovered_entity_in: None,
                hovered_entity: None,
            };
            self.search_pane.ui(&ctx, &mut pane_ctx, self.analyzed.as_deref(), self.search_index.as_deref());
        }
        if self.show_errors {
            let mut open = true;
            status::error_list_ui(&ctx, &mut open, self.corpus.problems());
            self.show_errors = open;
        }
        if self.show_about {
            let mut open = true;
            super::about::about_ui(&ctx, &mut open);
            self.show_about = open;
        }
        drop::overlay_ui(&ctx);
        self.handle_commands(&ctx);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.remember_last_view();
        eframe::set_value(storage, eframe::APP_KEY, &self.settings);
    }
}

/// Where the alias edits of the corpus opened from `roots` are saved (user data directory,
/// never the corpus folder).
pub fn aliases_path_for(roots: &[PathBuf]) -> PathBuf {
    crate::app_dirs::data_dir().join("aliases").join(format!("{}.json", crate::app_dirs::corpus_key(roots)))
}

/// The entity an alias edit leaves selected afterwards (by type and alias).
fn entity_kept_by(edit: &crate::index::AliasEdit, undone: bool) -> crate::index::EntityRef {
    use crate::index::AliasEdit;
    match edit {
        AliasEdit::Merge { into, .. } => into.clone(),
        AliasEdit::Split { alias } => alias.clone(),
        AliasEdit::Rename { entity, .. } => entity.clone(),
        AliasEdit::SetType { entity, .. } if undone => entity.clone(),
        AliasEdit::SetType { entity, to } => {
            crate::index::EntityRef { kind: *to, alias: entity.alias.clone() }
        }
    }
}

/// Drops a large value (an analysed corpus) on a helper thread, so freeing hundreds of
/// megabytes never stalls a frame.
fn drop_in_background<T: Send + 'static>(value: T) {
    if let Err(e) = std::thread::Builder::new().name("khabar-drop".into()).spawn(move || drop(value)) {
        eprintln!("khabar: could not start a helper thread: {e}");
    }
}

fn log_command(command: &Command, sent_from: &std::panic::Location<'_>) {
    if std::env::var_os("KHABAR_LOG_COMMANDS").is_some() {
        eprintln!("command {command:?} from {sent_from}");
    }
}

/// With `KHABAR_TRACE_FRAMES` set, prints where the time of a slow frame went (stderr): the
/// tool behind the "worst frame" figures of `khabar bench app`.
struct FrameTimer {
    laps: Option<(std::time::Instant, Vec<(&'static str, std::time::Duration)>)>,
}

impl FrameTimer {
    fn start() -> Self {
        static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        let on = *ON.get_or_init(|| std::env::var_os("KHABAR_TRACE_FRAMES").is_some());
        FrameTimer { laps: on.then(|| (std::time::Instant::now(), Vec::new())) }
    }

    fn lap(&mut self, what: &'static str) {
        if let Some((t, laps)) = &mut self.laps {
            laps.push((what, t.elapsed()));
            *t = std::time::Instant::now();
        }
    }

    fn report(&self) {
        let Some((_, laps)) = &self.laps else { return };
        let total: std::time::Duration = laps.iter().map(|(_, d)| *d).sum();
        if total.as_millis() >= 20 {
            let parts: Vec<String> =
                laps.iter().map(|(w, d)| format!("{w} {:.1} ms", d.as_secs_f64() * 1e3)).collect();
            eprintln!("slow panes ({:.1} ms): {}", total.as_secs_f64() * 1e3, parts.join(", "));
        }
    }
}

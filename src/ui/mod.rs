//! The desktop app: one file per pane (`documents.rs`, `document.rs`, …), the one shared
//! selection (`selection.rs`), every user action as a `Command` (`command.rs`) handled in
//! `app.rs`, theme tokens (`theme.rs`), remembered settings (`settings.rs`).

pub mod about;
pub mod analysis;
pub mod app;
pub mod command;
pub mod document;
pub mod documents;
pub mod drop;
pub mod entities;
pub mod history;
pub mod loading;
pub mod notes;
pub mod search;
pub mod selection;
pub mod settings;
pub mod status;
pub mod stories;
pub mod strings;
pub mod texts;
pub mod theme;
pub mod timeline;

use std::path::PathBuf;

use crate::corpus::Document;

pub use app::KhabarApp;

/// The panes (and the whole window), as named by screenshots and exports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Pane {
    Window,
    Documents,
    Document,
    Entities,
    Timeline,
}

impl Pane {
    /// Lower-case name used in file names and the CLI.
    pub fn name(self) -> &'static str {
        match self {
            Pane::Window => "window",
            Pane::Documents => "documents",
            Pane::Document => "document",
            Pane::Entities => "entities",
            Pane::Timeline => "timeline",
        }
    }
}

/// The camera button of a pane header (right-aligned): saves a PNG of that pane.
pub fn pane_screenshot_button(ui: &mut egui::Ui, commands: &mut command::CommandQueue, pane: Pane) {
    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
        let response =
            ui.small_button("📷").on_hover_text(format!("Save a PNG screenshot of the {} pane", pane.name()));
        response.widget_info(|| {
            egui::WidgetInfo::labeled(
                egui::Role::Button,
                true,
                format!("Screenshot of the {} pane", pane.name()),
            )
        });
        if response.clicked() {
            commands.send(command::Command::ExportScreenshot(pane));
        }
    });
}

/// What a pane may read and send: the documents, the selection and the command queue.
pub struct PaneContext<'a> {
    pub documents: &'a [Document],
    /// The documents' texts, read when shown.
    pub texts: &'a texts::Texts,
    /// Indices into `documents` after sorting and filtering (what the lists show).
    pub visible_documents: &'a [selection::DocumentIndex],
    pub selection: &'a selection::Selection,
    pub selection_changed: bool,
    pub commands: &'a mut command::CommandQueue,
    pub loading: bool,
    /// Changes whenever the analysed corpus is replaced (analysis done, alias edit applied), so
    /// panes know when to drop what they derived from it.
    pub analysis_generation: u64,
    /// Per document: the publication date inferred from the text (headerless articles), once
    /// analysed.
    pub inferred_dates: &'a [Option<chrono::NaiveDate>],
    /// Copies of one story (near-duplicates) and whether each story is counted once.
    pub stories: &'a stories::Stories,
    pub count_stories_once: bool,
    /// The user's stars, tags, notes and views for this corpus.
    pub workspace: &'a crate::index::workspace::Workspace,
    /// Boilerplate ranges per document, and whether they are shown normally (else dimmed).
    pub boilerplate: &'a [Vec<std::ops::Range<usize>>],
    pub show_boilerplate: bool,
    /// The pane under the pointer in the previous frame (arrow keys go to the entities list
    /// when it is there, else to the documents list).
    pub pointer_pane: Option<Pane>,
    /// True when a text field has keyboard focus (lists then ignore arrow keys).
    pub text_input_focused: bool,
    /// Output: the document row under the pointer this frame.
    pub hovered_document: Option<selection::DocumentIndex>,
    /// The entity hovered in any pane during the previous frame.
    pub hovered_entity_in: Option<String>,
    /// Output: the entity under the pointer this frame.
    pub hovered_entity: Option<String>,
}

/// Runs the desktop app on `paths` (the last folder or the samples when empty).
pub fn run_app(paths: Vec<PathBuf>) -> anyhow::Result<()> {
    run_native(move |cc| KhabarApp::new(cc, paths))
}

/// Runs the desktop app on prebuilt analysis record files (`khabar open --analysis FILE…`).
pub fn run_app_with_analysis(files: Vec<PathBuf>) -> anyhow::Result<()> {
    run_native(move |cc| KhabarApp::with_analysis_files(cc, files))
}

fn run_native(make: impl FnOnce(&eframe::CreationContext<'_>) -> KhabarApp + 'static) -> anyhow::Result<()> {
    // winit has no drag-and-drop on native Wayland: this build has only the X11 backend, so on a
    // Wayland desktop the app runs through XWayland (drops work there).
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Khabar")
            .with_app_id(crate::app_dirs::APP_ID)
            .with_inner_size([1400.0, 900.0])
            .with_min_inner_size([640.0, 400.0])
            .with_drag_and_drop(true),
        persist_window: true,
        ..Default::default()
    };
    eframe::run_native(crate::app_dirs::APP_ID, options, Box::new(move |cc| Ok(Box::new(make(cc)))))
        .map_err(|e| anyhow::anyhow!("could not start the window: {e}"))
}

//! Search (Ctrl+K): one box over the whole corpus, Arabic-normalised (hamza/alef/ya, ta
//! marbuta, tashkeel, tatweel, digits, proclitics), over the text and the entity names.
//! Results show snippets; Enter or a click opens the document at the hit (`OpenAt`), an entity
//! result selects it (`SelectEntity`). Up/Down move through the results.

use egui::RichText;

use super::PaneContext;
use super::command::Command;
use super::selection::TextTarget;
use super::strings::S;
use super::theme;
use crate::index::AnalyzedCorpus;
use crate::index::findings::CorpusSearch;
use crate::index::search::{SearchResults, search_entities};
use crate::text::label::ArabicLabel;

/// Text hits shown at most.
const MAX_HITS: usize = 200;

/// Height of a result row (snippet and title).
const ROW_HEIGHT: f32 = 46.0;

/// The search window's state.
#[derive(Default)]
pub struct SearchPane {
    pub open: bool,
    query: String,
    last_query: String,
    results: SearchResults,
    entities: Vec<usize>,
    cursor: usize,
    focus_requested: bool,
    elapsed_ms: f64,
}

impl SearchPane {
    /// Opens the window with the box focused.
    /// The query typed.
    pub fn query(&self) -> &str {
        &self.query
    }

    /// Sets the query (restoring a saved view); results follow on the next frame.
    pub fn set_query(&mut self, query: &str) {
        self.query = query.to_owned();
    }

    pub fn show(&mut self) {
        self.open = true;
        self.focus_requested = true;
    }

    /// Runs the query when it changed.
    fn refresh(&mut self, index: &CorpusSearch, corpus: &AnalyzedCorpus, texts: &super::texts::Texts) {
        if self.query == self.last_query {
            return;
        }
        self.last_query = self.query.clone();
        self.cursor = 0;
        let started = std::time::Instant::now();
        let text_of = |d: usize| {
            corpus.documents.get(d).map(|x| texts.text_or_empty(&x.doc)).unwrap_or_else(|| "".into())
        };
        self.results = index.search(&self.query, MAX_HITS, &text_of);
        self.entities = search_entities(corpus, &self.query);
        self.entities.truncate(20);
        self.elapsed_ms = started.elapsed().as_secs_f64() * 1e3;
    }

    pub fn ui(
        &mut self,
        ctx: &egui::Context,
        pane: &mut PaneContext<'_>,
        corpus: Option<&AnalyzedCorpus>,
        index: Option<&CorpusSearch>,
    ) {
        if !self.open {
            return;
        }
        let mut open = self.open;
        let mut close = false;
        egui::Window::new("Search")
            .id(egui::Id::unique("khabar.search"))
            .open(&mut open)
            .default_size([620.0, 480.0])
            .collapsible(false)
            .show(ctx, |ui| {
                let edit = ui.add(
                    crate::text::input::ArabicTextInput::new(&mut self.query)
                        .label(S.search_query)
                        .hint(S.search_the_corpus_words_phrases_names)
                        .size(16.0),
                );
                if std::mem::take(&mut self.focus_requested) {
                    edit.request_focus();
                }
                let (Some(corpus), Some(index)) = (corpus, index) else {
                    ui.label(S.the_search_index_is_being_built);
                    return;
                };
                self.refresh(index, corpus, pane.texts);
                if self.query.trim().is_empty() {
                    ui.label(
                        RichText::new(S.matches_ignore_tashkeel_tatweel_hamza_forms)
                            .color(theme::weak_text(ui)),
                    );
                    return;
                }
                let n = self.results.hits.len();
                let (up, down, enter) = ui.input(|i| {
                    (
                        i.key_pressed(egui::Key::ArrowUp),
                        i.key_pressed(egui::Key::ArrowDown),
                        i.key_pressed(egui::Key::Enter),
                    )
                });
                if down && n > 0 {
                    self.cursor = (self.cursor + 1).min(n - 1);
                }
                if up {
                    self.cursor = self.cursor.saturating_sub(1);
                }
                ui.label(
                    RichText::new(format!(
                        "{} hits in {} documents · {:.1} ms",
                        self.results.total_hits, self.results.total_documents, self.elapsed_ms
                    ))
                    .color(theme::weak_text(ui)),
                );
                let dark = ui.visuals().dark_mode;
                if !self.entities.is_empty() {
                    ui.horizontal_wrapped(|ui| {
                        for &id in &self.entities {
                            let Some(e) = corpus.entities.get(id) else { continue };
                            let label = ArabicLabel::new(&e.canonical)
                                .size(14.0)
                                .rtl()
                                .color(theme::entity_color(e.kind, dark));
                            let size = label.measure(ui.ctx()) + egui::vec2(12.0, 6.0);
                            let (rect, response) = ui.allocate_exact_size(size, egui::Sense::click());
                            let visuals = ui.style().interact(&response);
                            ui.painter().rect_filled(rect, 4.0, visuals.weak_bg_fill);
                            label.paint_at(ui.painter(), rect.center(), egui::Align2::CENTER_CENTER);
                            response.widget_info(|| {
                                egui::WidgetInfo::labeled(
                                    egui::Role::Button,
                                    true,
                                    format!("entity {}", e.canonical),
                                )
                            });
                            if response
                                .on_hover_text(format!("{} · {} documents", e.kind.code(), e.document_count))
                                .clicked()
                            {
                                pane.commands.send(Command::SelectEntity(Some(e.id.clone())));
                            }
                        }
                    });
                    ui.separator();
                }
                let mut open_hit = None;
                egui::ScrollArea::vertical().auto_shrink([false, false]).show_rows(
                    ui,
                    ROW_HEIGHT,
                    n,
                    |ui, rows| {
                        for i in rows {
                            let Some(hit) = self.results.hits.get(i) else { continue };
                            let title = corpus
                                .documents
                                .get(hit.document)
                                .map(|d| d.doc.title.as_str())
                                .unwrap_or("");
                            let selected = i == self.cursor;
                            let (rect, response) = ui.allocate_exact_size(
                                egui::vec2(ui.available_width(), ROW_HEIGHT),
                                egui::Sense::click(),
                            );
                            if ui.is_rect_visible(rect) {
                                let visuals = ui.style().interact_selectable(&response, selected);
                                if selected || response.hovered() {
                                    ui.painter().rect_filled(rect, 3.0, visuals.weak_bg_fill);
                                }
                                let inner = rect.shrink2(egui::vec2(8.0, 3.0));
                                ArabicLabel::new(hit.snippet.trim())
                                    .size(15.0)
                                    .rtl()
                                    .max_width(inner.width())
                                    .paint_at(ui.painter(), inner.right_top(), egui::Align2::RIGHT_TOP);
                                ArabicLabel::new(title)
                                    .size(12.0)
                                    .rtl()
                                    .color(theme::weak_text(ui))
                                    .max_width(inner.width())
                                    .paint_at(ui.painter(), inner.right_bottom(), egui::Align2::RIGHT_BOTTOM);
                            }
                            response.widget_info(|| {
                                egui::WidgetInfo::selected(
                                    egui::Role::ListItem,
                                    true,
                                    selected,
                                    hit.snippet.trim(),
                                )
                            });
                            if response.clicked() {
                                open_hit = Some(i);
                            }
                        }
                    },
                );
                if enter {
                    open_hit = open_hit.or(Some(self.cursor));
                }
                if let Some(hit) = open_hit.and_then(|i| self.results.hits.get(i)) {
                    pane.commands.send(Command::OpenAt(TextTarget {
                        document: hit.document,
                        range: hit.start..hit.end,
                    }));
                    // like a command palette: the window closes on opening a hit (Ctrl+K
                    // brings it back with the same query and results)
                    close = true;
                }
            });
        // Esc closes the search window (and does not clear the selection).
        if ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape)) {
            close = true;
        }
        self.open = open && !close;
    }
}

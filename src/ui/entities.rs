//! Entities pane: the people, places, organisations and other names of the open document or of
//! the whole corpus (toggle), grouped by type in the theme's type colours, with mention and
//! document counts, an Arabic-normalised filter and sorting. Reads `Selection::{document,
//! entity}`; sends `SelectEntity`. Rows are virtualised.

use egui::RichText;

use super::PaneContext;
use super::command::Command;
use super::strings::S;
use super::theme;
use crate::extract::EntityType;
use crate::index::{AliasEdit, AnalyzedCorpus, EntityRef};
use crate::text::input::ArabicTextInput;
use crate::text::label::ArabicLabel;

/// Which entities the pane lists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Scope {
    #[default]
    Document,
    Corpus,
}

/// Row order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortBy {
    #[default]
    Frequency,
    Name,
}

/// One row of the list.
#[derive(Clone, Debug, PartialEq)]
pub struct EntityRow {
    pub id: String,
    pub kind: EntityType,
    pub canonical: String,
    /// Mentions in scope (document or corpus).
    pub mentions: usize,
    pub documents: usize,
}

/// Pane-local state.
#[derive(Default)]
pub struct EntitiesPane {
    pub scope: Scope,
    pub sort: SortBy,
    pub filter: String,
    /// The entity being renamed and the name typed so far.
    rename: Option<(String, String)>,
    /// Give the rename field the keyboard focus (just opened).
    focus_rename: bool,
    /// Co-occurring entities of the selected entity, per (corpus, entity).
    cooccurrence: Option<(CooccurrenceKey, Vec<crate::index::Cooccurrence>)>,
    show_matrix: bool,
    matrix: Option<(CorpusKey, Vec<usize>, Vec<Vec<usize>>)>,
    /// The listed rows and what they were computed from.
    rows: Vec<EntityRow>,
    rows_key: Option<RowsKey>,
    /// Corpus-wide counts with each story once, and the analysis they were counted for.
    counts_once: Option<(CorpusKey, Vec<(usize, usize)>)>,
}

/// What the listed rows depend on: corpus, scope, document, filter, sort, stories once.
type RowsKey = (CorpusKey, Scope, Option<usize>, String, SortBy, bool);

/// Identifies an analysed corpus for pane-local caches ([`PaneContext::analysis_generation`]).
type CorpusKey = u64;
/// The co-occurrence list cache key: corpus and entity id.
type CooccurrenceKey = (CorpusKey, String, bool);

/// The rows for a scope, filtered (Arabic-normalised substring of canonical or any alias) and
/// sorted, grouped by type (PER, LOC, ORG, MISC).
pub fn entity_rows(
    corpus: &AnalyzedCorpus,
    scope: Scope,
    document: Option<usize>,
    filter: &str,
    sort: SortBy,
) -> Vec<EntityRow> {
    entity_rows_within(corpus, scope, document, filter, sort, None)
}

/// [`entity_rows`] where the corpus-wide counts take only the documents `include` accepts
/// (e.g. one copy of each story); `None` counts every document.
pub fn entity_rows_within(
    corpus: &AnalyzedCorpus,
    scope: Scope,
    document: Option<usize>,
    filter: &str,
    sort: SortBy,
    include: Option<&dyn Fn(usize) -> bool>,
) -> Vec<EntityRow> {
    let counted = include.map(|include| counts_within(corpus, include));
    entity_rows_counted(corpus, scope, document, filter, sort, counted.as_deref())
}

/// (mentions, documents) per entity over the documents `include` accepts: one pass over the
/// mentions (millions on a large corpus, so the pane keeps the result per analysis).
pub fn counts_within(corpus: &AnalyzedCorpus, include: &dyn Fn(usize) -> bool) -> Vec<(usize, usize)> {
    let mut counts = vec![(0usize, 0usize); corpus.entities.len()];
    // the last document each entity was counted in
    let mut last_document = vec![usize::MAX; corpus.entities.len()];
    for (i, d) in corpus.documents.iter().enumerate().filter(|(i, _)| include(*i)) {
        for e in d.mention_entities() {
            if let (Some(c), Some(last)) = (counts.get_mut(e), last_document.get_mut(e)) {
                c.0 += 1;
                if *last != i {
                    *last = i;
                    c.1 += 1;
                }
            }
        }
    }
    counts
}

/// [`entity_rows`] with corpus-wide counts given ([`counts_within`]); `None`: every document.
pub fn entity_rows_counted(
    corpus: &AnalyzedCorpus,
    scope: Scope,
    document: Option<usize>,
    filter: &str,
    sort: SortBy,
    counted: Option<&[(usize, usize)]>,
) -> Vec<EntityRow> {
    let corpus_counts = |i: usize, e: &crate::index::Entity| match counted {
        Some(c) => c.get(i).copied().unwrap_or((0, 0)),
        None => (e.mention_count, e.document_count),
    };
    let needle = crate::arabic::normalize(filter.trim());
    let matches = |e: &crate::index::Entity| {
        needle.is_empty()
            || crate::arabic::normalize(&e.canonical).contains(&needle)
            || e.aliases.iter().any(|a| crate::arabic::normalize(a).contains(&needle))
    };
    let mut rows: Vec<EntityRow> = match scope {
        Scope::Corpus => corpus
            .entities
            .iter()
            .enumerate()
            .filter(|(_, e)| matches(e))
            .map(|(i, e)| (i, e, corpus_counts(i, e)))
            .filter(|(_, _, (m, _))| *m > 0)
            .map(|(_, e, (mentions, documents))| EntityRow {
                id: e.id.clone(),
                kind: e.kind,
                canonical: e.canonical.clone(),
                mentions,
                documents,
            })
            .collect(),
        Scope::Document => {
            let Some(doc) = document.and_then(|d| corpus.documents.get(d)) else { return Vec::new() };
            let mut counts: std::collections::BTreeMap<usize, usize> = Default::default();
            for id in doc.mention_entities() {
                *counts.entry(id).or_default() += 1;
            }
            counts
                .into_iter()
                .filter_map(|(id, n)| corpus.entities.get(id).map(|e| (id, e, n)))
                .filter(|(_, e, _)| matches(e))
                .map(|(id, e, n)| EntityRow {
                    id: e.id.clone(),
                    kind: e.kind,
                    canonical: e.canonical.clone(),
                    mentions: n,
                    documents: corpus_counts(id, e).1,
                })
                .collect()
        }
    };
    rows.sort_by(|a, b| {
        a.kind.cmp(&b.kind).then_with(|| match sort {
            SortBy::Frequency => b.mentions.cmp(&a.mentions).then_with(|| a.canonical.cmp(&b.canonical)),
            SortBy::Name => a.canonical.cmp(&b.canonical),
        })
    });
    rows
}

/// A reference to an entity for alias edits: its type and canonical form.
fn entity_ref(e: &crate::index::Entity) -> EntityRef {
    EntityRef { kind: e.kind, alias: e.canonical.clone() }
}

/// One clickable row: an Arabic name on the right in its type colour, counts on the left.
/// The accessibility label is `label`.
fn name_row(
    ui: &mut egui::Ui,
    name: &str,
    kind: EntityType,
    counts: &str,
    highlighted: bool,
    label: &str,
) -> egui::Response {
    let row_height = theme::spacing::ENTITY_ROW_HEIGHT;
    let (rect, response) =
        ui.allocate_exact_size(egui::vec2(ui.available_width(), row_height), egui::Sense::click());
    if ui.is_rect_visible(rect) {
        let dark = ui.visuals().dark_mode;
        let visuals = ui.style().interact_selectable(&response, highlighted);
        if highlighted || response.hovered() {
            ui.painter().rect_filled(rect, 3.0, visuals.weak_bg_fill);
        }
        let counts_rect = ui.painter().text(
            rect.left_center() + egui::vec2(4.0, 0.0),
            egui::Align2::LEFT_CENTER,
            counts,
            egui::FontId::proportional(11.0),
            theme::weak_text(ui),
        );
        let name_width = (rect.right() - counts_rect.right() - 12.0).max(20.0);
        ArabicLabel::new(name)
            .size(14.0)
            .color(theme::entity_color(kind, dark))
            .rtl()
            .max_width(name_width)
            .paint_at(ui.painter(), rect.right_center() - egui::vec2(4.0, 0.0), egui::Align2::RIGHT_CENTER);
    }
    response.widget_info(|| egui::WidgetInfo::selected(egui::Role::ListItem, true, highlighted, label));
    response
}

impl EntitiesPane {
    /// The selected entity: name, counts, type, aliases (with split), rename, and the entities
    /// sharing sentences with it, ranked by count and PMI (a click pivots the selection).
    fn detail_ui(&mut self, ui: &mut egui::Ui, ctx: &mut PaneContext<'_>, corpus: &AnalyzedCorpus, id: &str) {
        let Some(eid) = corpus.entity_by_id(id) else { return };
        let Some(entity) = corpus.entities.get(eid) else { return };
        let dark = ui.visuals().dark_mode;
        ui.horizontal(|ui| {
            if ui.small_button("×").on_hover_text(S.clear_the_entity_selection).clicked() {
                ctx.commands.send(Command::SelectEntity(None));
            }
            ui.label(
                RichText::new(format!(
                    "{} mentions · {} documents",
                    entity.mention_count, entity.document_count
                ))
                .small()
                .color(theme::weak_text(ui)),
            );
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let width = ui.available_width();
                ui.add(
                    ArabicLabel::new(&entity.canonical)
                        .size(17.0)
                        .color(theme::entity_color(entity.kind, dark))
                        .rtl()
                        .max_width(width),
                );
            });
        });
        ui.horizontal(|ui| {
            let mut kind = entity.kind;
            egui::ComboBox::from_id_salt("khabar.entities.type")
                .selected_text(type_name(kind))
                .width(110.0)
                .show_ui(ui, |ui| {
                    for k in EntityType::ALL {
                        ui.selectable_value(&mut kind, k, type_name(k));
                    }
                })
                .response
                .on_hover_text(S.change_the_entity_s_type);
            if kind != entity.kind {
                ctx.commands
                    .send(Command::EditAliases(AliasEdit::SetType { entity: entity_ref(entity), to: kind }));
            }
            let renaming = self.rename.as_ref().is_some_and(|(rid, _)| rid == id);
            if !renaming && ui.button(S.rename).on_hover_text(S.change_the_name_shown_for_this).clicked() {
                self.rename = Some((id.to_owned(), entity.canonical.clone()));
                self.focus_rename = true;
            }
        });
        if let Some((rid, draft)) = self.rename.as_mut().filter(|(rid, _)| rid == id) {
            let _ = rid;
            let mut commit = false;
            let mut cancel = false;
            ui.horizontal(|ui| {
                let input = ui
                    .add(ArabicTextInput::new(draft).label(S.new_name).hint(S.new_name).desired_width(160.0));
                if std::mem::take(&mut self.focus_rename) {
                    input.request_focus();
                }
                if input.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                    commit = true;
                }
                if ui.button(S.save_name).clicked() {
                    commit = true;
                }
                if ui.button(S.cancel).clicked() {
                    cancel = true;
                }
            });
            let name = draft.split_whitespace().collect::<Vec<_>>().join(" ");
            if commit && !name.is_empty() && name != entity.canonical {
                ctx.commands.send(Command::EditAliases(AliasEdit::Rename {
                    entity: entity_ref(entity),
                    canonical: name,
                }));
            }
            if commit || cancel {
                self.rename = None;
            }
        }
        if entity.aliases.len() > 1 {
            ui.label(RichText::new(S.also_written_as_split_to_make).small());
            for alias in &entity.aliases {
                ui.horizontal(|ui| {
                    let split =
                        ui.small_button(S.split).on_hover_text(S.make_this_spelling_a_separate_entity);
                    split.widget_info(|| {
                        egui::WidgetInfo::labeled(egui::Role::Button, true, format!("Split {alias}"))
                    });
                    if split.clicked() {
                        ctx.commands.send(Command::EditAliases(AliasEdit::Split {
                            alias: EntityRef { kind: entity.kind, alias: alias.clone() },
                        }));
                    }
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        let width = ui.available_width();
                        ui.add(ArabicLabel::new(alias).size(13.0).rtl().max_width(width));
                    });
                });
            }
        }
        let key = (ctx.analysis_generation, id.to_owned(), ctx.count_stories_once);
        if self.cooccurrence.as_ref().map(|(k, _)| k) != Some(&key) {
            let stories = ctx.stories;
            let once = ctx.count_stories_once;
            let co = corpus.cooccurring_within(eid, crate::index::CoScope::Sentence, &|d| {
                !once || !stories.is_extra_copy(d)
            });
            self.cooccurrence = Some((key, co.into_iter().take(30).collect()));
        }
        let co = self.cooccurrence.as_ref().map(|(_, c)| c.as_slice()).unwrap_or_default();
        if co.is_empty() {
            return;
        }
        ui.label(RichText::new(S.appears_with_shared_sentences_pmi).small());
        egui::ScrollArea::vertical().id_salt("khabar.entities.cooccurrence").max_height(150.0).show(
            ui,
            |ui| {
                for c in co {
                    let Some(other) = corpus.entities.get(c.entity) else { continue };
                    let counts = format!("{} · {:.1}", c.count, c.pmi);
                    let response = name_row(
                        ui,
                        &other.canonical,
                        other.kind,
                        &counts,
                        false,
                        &format!("with {}", other.canonical),
                    );
                    let response = response.on_hover_text(S.select_this_entity);
                    if response.hovered() {
                        ctx.hovered_entity = Some(other.id.clone());
                    }
                    if response.clicked() {
                        ctx.commands.send(Command::SelectEntity(Some(other.id.clone())));
                    }
                }
            },
        );
    }

    /// The co-occurrence matrix window: the most mentioned entities against each other (shared
    /// sentences); a click on a row name or a cell selects that entity.
    fn matrix_ui(&mut self, ctx_egui: &egui::Context, ctx: &mut PaneContext<'_>, corpus: &AnalyzedCorpus) {
        let mut open = self.show_matrix;
        egui::Window::new("Co-occurrence matrix").open(&mut open).default_width(560.0).show(ctx_egui, |ui| {
            let key = ctx.analysis_generation;
            if self.matrix.as_ref().map(|(k, _, _)| *k) != Some(key) {
                let (top, m) = corpus.cooccurrence_matrix(MATRIX_SIZE, crate::index::CoScope::Sentence);
                self.matrix = Some((key, top, m));
            }
            let Some((_, top, m)) = &self.matrix else { return };
            if top.is_empty() {
                ui.label(S.no_entities);
                return;
            }
            ui.label(
                RichText::new(S.shared_sentences_between_the_most_mentioned)
                    .small()
                    .color(theme::weak_text(ui)),
            );
            let dark = ui.visuals().dark_mode;
            let max = m
                .iter()
                .enumerate()
                .flat_map(|(i, row)| row.iter().enumerate().filter(move |(j, _)| *j != i).map(|(_, v)| *v))
                .max()
                .unwrap_or(0)
                .max(1);
            let cell = 26.0;
            let name_width = 170.0;
            let n = top.len();
            let (rect, _) = ui.allocate_exact_size(
                egui::vec2(name_width + cell * n as f32 + 8.0, cell * (n as f32 + 1.0)),
                egui::Sense::hover(),
            );
            let painter = ui.painter_at(rect);
            for j in 0..n {
                let x = rect.left() + name_width + 8.0 + cell * j as f32;
                painter.text(
                    egui::pos2(x + cell / 2.0, rect.top() + cell / 2.0),
                    egui::Align2::CENTER_CENTER,
                    format!("{}", j + 1),
                    egui::FontId::proportional(11.0),
                    theme::weak_text(ui),
                );
            }
            for (i, &e) in top.iter().enumerate() {
                let Some(entity) = corpus.entities.get(e) else { continue };
                let y = rect.top() + cell * (i as f32 + 1.0);
                let name_rect =
                    egui::Rect::from_min_size(egui::pos2(rect.left(), y), egui::vec2(name_width, cell));
                let response = ui.interact(
                    name_rect,
                    ui.make_persistent_id(("khabar.matrix.row", i)),
                    egui::Sense::click(),
                );
                response.widget_info(|| {
                    egui::WidgetInfo::labeled(
                        egui::Role::Button,
                        true,
                        format!("matrix {}", entity.canonical),
                    )
                });
                if response.hovered() {
                    painter.rect_filled(name_rect, 3.0, ui.visuals().widgets.hovered.weak_bg_fill);
                }
                if response.clicked() {
                    ctx.commands.send(Command::SelectEntity(Some(entity.id.clone())));
                }
                painter.text(
                    name_rect.left_center() + egui::vec2(2.0, 0.0),
                    egui::Align2::LEFT_CENTER,
                    format!("{}", i + 1),
                    egui::FontId::proportional(11.0),
                    theme::weak_text(ui),
                );
                ArabicLabel::new(&entity.canonical)
                    .size(13.0)
                    .color(theme::entity_color(entity.kind, dark))
                    .rtl()
                    .max_width(name_width - 28.0)
                    .paint_at(&painter, name_rect.right_center(), egui::Align2::RIGHT_CENTER);
                for j in 0..n {
                    let value = m.get(i).and_then(|r| r.get(j)).copied().unwrap_or(0);
                    let x = rect.left() + name_width + 8.0 + cell * j as f32;
                    let r = egui::Rect::from_min_size(egui::pos2(x, y), egui::vec2(cell, cell)).shrink(1.0);
                    let strength = if i == j { 0.15 } else { value as f32 / max as f32 };
                    painter.rect_filled(r, 2.0, theme::matrix_cell(strength, dark));
                    if value > 0 {
                        // dark digits on strong (light) cells, light digits on weak ones
                        let ink = theme::matrix_ink(strength, ui);
                        painter.text(
                            r.center(),
                            egui::Align2::CENTER_CENTER,
                            format!("{value}"),
                            egui::FontId::proportional(10.0),
                            ink,
                        );
                    }
                }
            }
        });
        self.show_matrix = open;
    }
}

/// Size of the co-occurrence matrix (most mentioned entities).
const MATRIX_SIZE: usize = 15;

fn type_name(kind: EntityType) -> &'static str {
    match kind {
        EntityType::Person => "Person",
        EntityType::Location => "Place",
        EntityType::Organization => "Organisation",
        EntityType::Misc => "Other",
    }
}

fn type_heading(kind: EntityType) -> &'static str {
    match kind {
        EntityType::Person => "People",
        EntityType::Location => "Places",
        EntityType::Organization => "Organisations",
        EntityType::Misc => "Other names",
    }
}

impl EntitiesPane {
    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut PaneContext<'_>, corpus: Option<&AnalyzedCorpus>) {
        ui.horizontal(|ui| {
            ui.heading(S.entities);
            if corpus.is_some()
                && ui.small_button(S.matrix).on_hover_text(S.co_occurrence_matrix_of_the_top).clicked()
            {
                self.show_matrix = !self.show_matrix;
            }
            super::pane_screenshot_button(ui, ctx.commands, super::Pane::Entities);
        });
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.scope, Scope::Document, S.this_document);
            ui.selectable_value(&mut self.scope, Scope::Corpus, S.whole_corpus);
        });
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.sort, SortBy::Frequency, S.by_frequency);
            ui.selectable_value(&mut self.sort, SortBy::Name, S.by_name);
        });
        ui.add(ArabicTextInput::new(&mut self.filter).label(S.filter_names).hint(S.filter_names));
        ui.separator();
        let Some(corpus) = corpus else {
            ui.label(if ctx.loading { "Loading…" } else { "Analysing…" });
            return;
        };
        if self.show_matrix {
            self.matrix_ui(&ui.ctx().clone(), ctx, corpus);
        }
        if let Some(id) = ctx.selection.entity.clone() {
            self.detail_ui(ui, ctx, corpus, &id);
            ui.separator();
        }
        let key: RowsKey = (
            ctx.analysis_generation,
            self.scope,
            ctx.selection.document,
            self.filter.clone(),
            self.sort,
            ctx.count_stories_once,
        );
        if self.rows_key.as_ref() != Some(&key) {
            let counted = if ctx.count_stories_once {
                if self.counts_once.as_ref().is_none_or(|(k, _)| *k != ctx.analysis_generation) {
                    let stories = ctx.stories;
                    let counts = counts_within(corpus, &|d| !stories.is_extra_copy(d));
                    self.counts_once = Some((ctx.analysis_generation, counts));
                }
                self.counts_once.as_ref().map(|(_, c)| c.as_slice())
            } else {
                None
            };
            self.rows = entity_rows_counted(
                corpus,
                self.scope,
                ctx.selection.document,
                &self.filter,
                self.sort,
                counted,
            );
            self.rows_key = Some(key);
        }
        let rows = std::mem::take(&mut self.rows);
        if rows.is_empty() {
            ui.label(S.no_entities_found);
            self.rows = rows;
            return;
        }
        let selected = ctx.selection.entity.clone();
        // Arrow keys move in this list while the pointer is over the pane.
        let mut scroll_to_row = None;
        if !ctx.text_input_focused && ctx.pointer_pane == Some(super::Pane::Entities) {
            let (up, down) =
                ui.input(|i| (i.key_pressed(egui::Key::ArrowUp), i.key_pressed(egui::Key::ArrowDown)));
            if up || down {
                let pos = selected.as_deref().and_then(|id| rows.iter().position(|r| r.id == id));
                let next = match (pos, up) {
                    (Some(p), true) => p.saturating_sub(1),
                    (Some(p), false) => (p + 1).min(rows.len().saturating_sub(1)),
                    (None, _) => 0,
                };
                if let Some(row) = rows.get(next) {
                    ctx.commands.send(Command::SelectEntity(Some(row.id.clone())));
                    scroll_to_row = Some(next);
                }
            }
        }
        let selected_entity =
            selected.as_deref().and_then(|id| corpus.entity_by_id(id)).and_then(|e| corpus.entities.get(e));
        let row_height = theme::spacing::ENTITY_ROW_HEIGHT;
        let mut list =
            egui::ScrollArea::vertical().id_salt("khabar.entities.list").auto_shrink([false, false]);
        if let Some(row) = scroll_to_row {
            let top = row as f32 * (row_height + ui.spacing().item_spacing.y);
            list = list.vertical_scroll_offset((top - ui.available_height() / 2.0).max(0.0));
        }
        list.show_rows(ui, row_height, rows.len(), |ui, range| {
            for i in range {
                let Some(row) = rows.get(i) else { continue };
                let first_of_kind = i == 0 || rows.get(i - 1).is_some_and(|p| p.kind != row.kind);
                let is_selected = selected.as_deref() == Some(row.id.as_str())
                    || ctx.hovered_entity_in.as_deref() == Some(row.id.as_str());
                let counts = if first_of_kind {
                    format!("{} · {}× · {} docs", type_heading(row.kind), row.mentions, row.documents)
                } else {
                    format!("{}× · {} docs", row.mentions, row.documents)
                };
                let response = name_row(ui, &row.canonical, row.kind, &counts, is_selected, &row.canonical);
                let response = response.on_hover_ui(|ui| {
                    ui.add(ArabicLabel::new(&row.canonical).size(15.0).rtl());
                    ui.label(format!("{} — right-click to merge or change type", type_name(row.kind)));
                });
                if response.hovered() {
                    ctx.hovered_entity = Some(row.id.clone());
                }
                if response.clicked() {
                    let is_selected = selected.as_deref() == Some(row.id.as_str());
                    let next = if is_selected { None } else { Some(row.id.clone()) };
                    ctx.commands.send(Command::SelectEntity(next));
                }
                let this = EntityRef { kind: row.kind, alias: row.canonical.clone() };
                response.context_menu(|ui| {
                    if ui.button(S.select).clicked() {
                        ctx.commands.send(Command::SelectEntity(Some(row.id.clone())));
                    }
                    if let Some(sel) = selected_entity.filter(|e| e.id != row.id) {
                        if ui.button(S.merge_into_the_selected_entity).clicked() {
                            ctx.commands.send(Command::EditAliases(AliasEdit::Merge {
                                from: this.clone(),
                                into: entity_ref(sel),
                            }));
                        }
                        if ui.button(S.merge_the_selected_entity_into_this).clicked() {
                            ctx.commands.send(Command::EditAliases(AliasEdit::Merge {
                                from: entity_ref(sel),
                                into: this.clone(),
                            }));
                        }
                    } else {
                        ui.label(RichText::new(S.select_an_entity_first_to_merge).small());
                    }
                    ui.menu_button(S.change_type, |ui| {
                        for k in EntityType::ALL.into_iter().filter(|k| *k != row.kind) {
                            if ui.button(type_name(k)).clicked() {
                                ctx.commands.send(Command::EditAliases(AliasEdit::SetType {
                                    entity: this.clone(),
                                    to: k,
                                }));
                            }
                        }
                    });
                });
            }
        });
        self.rows = rows;
    }
}

//! Entities pane: the people, places, organisations and other names of the open document or of
//! the whole corpus (toggle), grouped by type in the theme's type colours, with mention and
//! document counts, an Arabic-normalised filter and sorting. Reads `Selection::{document,
//! entity}`; sends `SelectEntity`. Rows are virtualised.

use egui::RichText;

use super::PaneContext;
use super::command::Command;
use super::theme;
use crate::extract::EntityType;
use crate::index::AnalyzedCorpus;
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
}

/// The rows for a scope, filtered (Arabic-normalised substring of canonical or any alias) and
/// sorted, grouped by type (PER, LOC, ORG, MISC).
pub fn entity_rows(
    corpus: &AnalyzedCorpus,
    scope: Scope,
    document: Option<usize>,
    filter: &str,
    sort: SortBy,
) -> Vec<EntityRow> {
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
            .filter(|e| matches(e))
            .map(|e| EntityRow {
                id: e.id.clone(),
                kind: e.kind,
                canonical: e.canonical.clone(),
                mentions: e.mention_count,
                documents: e.document_count,
            })
            .collect(),
        Scope::Document => {
            let Some(doc) = document.and_then(|d| corpus.documents.get(d)) else { return Vec::new() };
            let mut counts: std::collections::BTreeMap<usize, usize> = Default::default();
            for &id in &doc.entity_ids {
                *counts.entry(id).or_default() += 1;
            }
            counts
                .into_iter()
                .filter_map(|(id, n)| corpus.entities.get(id).map(|e| (e, n)))
                .filter(|(e, _)| matches(e))
                .map(|(e, n)| EntityRow {
                    id: e.id.clone(),
                    kind: e.kind,
                    canonical: e.canonical.clone(),
                    mentions: n,
                    documents: e.document_count,
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

/// For the selected entity: the entities sharing sentences with it, ranked by count and PMI;
/// a click pivots the selection to that entity.
fn cooccurrence_ui(ui: &mut egui::Ui, ctx: &mut PaneContext<'_>, corpus: &AnalyzedCorpus, id: &str) {
    let Some(eid) = corpus.entity_by_id(id) else { return };
    let Some(entity) = corpus.entities.get(eid) else { return };
    let dark = ui.visuals().dark_mode;
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(&entity.canonical).strong().color(theme::entity_color(entity.kind, dark)));
        ui.label(
            RichText::new(format!("{} mentions · {} documents", entity.mention_count, entity.document_count))
                .color(theme::weak_text(ui)),
        );
        if ui.small_button("×").on_hover_text("Clear the entity selection").clicked() {
            ctx.commands.send(Command::SelectEntity(None));
        }
    });
    if entity.aliases.len() > 1 {
        ui.label(
            RichText::new(format!("Also: {}", entity.aliases.join(" · ")))
                .small()
                .color(theme::weak_text(ui)),
        );
    }
    let co = corpus.cooccurring(eid, crate::index::CoScope::Sentence);
    if co.is_empty() {
        return;
    }
    ui.label(RichText::new("Appears with (shared sentences · PMI)").small());
    egui::ScrollArea::vertical().id_salt("khabar.entities.cooccurrence").max_height(140.0).show(ui, |ui| {
        for c in co.iter().take(15) {
            let Some(other) = corpus.entities.get(c.entity) else { continue };
            let text = RichText::new(format!("{}   {} · {:.1}", other.canonical, c.count, c.pmi))
                .color(theme::entity_color(other.kind, dark));
            let response = ui.add(egui::Button::selectable(false, text));
            response.widget_info(|| {
                egui::WidgetInfo::labeled(egui::Role::Button, true, format!("with {}", other.canonical))
            });
            if response.clicked() {
                ctx.commands.send(Command::SelectEntity(Some(other.id.clone())));
            }
        }
    });
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
            ui.heading("Entities");
        });
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.scope, Scope::Document, "This document");
            ui.selectable_value(&mut self.scope, Scope::Corpus, "Whole corpus");
        });
        ui.horizontal(|ui| {
            ui.add(
                egui::TextEdit::singleline(&mut self.filter).hint_text("Filter names").desired_width(140.0),
            );
            ui.selectable_value(&mut self.sort, SortBy::Frequency, "By frequency");
            ui.selectable_value(&mut self.sort, SortBy::Name, "By name");
        });
        ui.separator();
        let Some(corpus) = corpus else {
            ui.label(if ctx.loading { "Loading…" } else { "Analysing…" });
            return;
        };
        if let Some(id) = ctx.selection.entity.clone() {
            cooccurrence_ui(ui, ctx, corpus, &id);
            ui.separator();
        }
        let rows = entity_rows(corpus, self.scope, ctx.selection.document, &self.filter, self.sort);
        if rows.is_empty() {
            ui.label("No entities found");
            return;
        }
        let dark = ui.visuals().dark_mode;
        let selected = ctx.selection.entity.clone();
        let row_height = theme::spacing::ENTITY_ROW_HEIGHT;
        egui::ScrollArea::vertical().id_salt("khabar.entities.list").auto_shrink([false, false]).show_rows(
            ui,
            row_height,
            rows.len(),
            |ui, range| {
                for i in range {
                    let Some(row) = rows.get(i) else { continue };
                    let first_of_kind = i == 0 || rows.get(i - 1).is_some_and(|p| p.kind != row.kind);
                    let color = theme::entity_color(row.kind, dark);
                    let is_selected = selected.as_deref() == Some(row.id.as_str())
                        || ctx.hovered_entity_in.as_deref() == Some(row.id.as_str());
                    let (rect, response) = ui.allocate_exact_size(
                        egui::vec2(ui.available_width(), row_height),
                        egui::Sense::click(),
                    );
                    if ui.is_rect_visible(rect) {
                        let visuals = ui.style().interact_selectable(&response, is_selected);
                        if is_selected || response.hovered() {
                            ui.painter().rect_filled(rect, 3.0, visuals.weak_bg_fill);
                        }
                        let counts = if first_of_kind {
                            format!("{} · {}× · {} docs", type_heading(row.kind), row.mentions, row.documents)
                        } else {
                            format!("{}× · {} docs", row.mentions, row.documents)
                        };
                        let counts_rect = ui.painter().text(
                            rect.left_center() + egui::vec2(4.0, 0.0),
                            egui::Align2::LEFT_CENTER,
                            counts,
                            egui::FontId::proportional(11.0),
                            theme::weak_text(ui),
                        );
                        let name_width = (rect.right() - counts_rect.right() - 12.0).max(20.0);
                        ArabicLabel::new(&row.canonical)
                            .size(14.0)
                            .color(color)
                            .rtl()
                            .max_width(name_width)
                            .paint_at(
                                ui.painter(),
                                rect.right_center() - egui::vec2(4.0, 0.0),
                                egui::Align2::RIGHT_CENTER,
                            );
                    }
                    let response = response.on_hover_text(format!("{} ({})", row.canonical, row.kind.code()));
                    response.widget_info(|| {
                        egui::WidgetInfo::selected(egui::Role::ListItem, true, is_selected, &row.canonical)
                    });
                    if response.hovered() {
                        ctx.hovered_entity = Some(row.id.clone());
                    }
                    if response.clicked() {
                        let is_selected = selected.as_deref() == Some(row.id.as_str());
                        let next = if is_selected { None } else { Some(row.id.clone()) };
                        ctx.commands.send(Command::SelectEntity(next));
                    }
                }
            },
        );
    }
}

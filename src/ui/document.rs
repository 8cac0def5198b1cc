//! Document pane: the open article — title, publication date (or "no date"), file, encoding
//! warnings and the text. Reads `Selection::document` and `Selection::target`.

use egui::{Align, Layout, RichText};

use super::PaneContext;
use super::theme;

/// Pane-local state.
#[derive(Default)]
pub struct DocumentPane {}

impl DocumentPane {
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        ctx: &mut PaneContext<'_>,
        analyzed: Option<&crate::index::AnalyzedCorpus>,
    ) {
        let Some(doc) = ctx.selection.document.and_then(|d| ctx.documents.get(d)) else {
            ui.centered_and_justified(|ui| {
                ui.label(if ctx.loading { "Loading…" } else { "Select a document" });
            });
            return;
        };
        ui.with_layout(Layout::top_down(Align::Max), |ui| {
            ui.add(egui::Label::new(RichText::new(&doc.title).heading()).wrap());
            let inferred = ctx
                .selection
                .document
                .and_then(|d| analyzed.and_then(|a| a.documents.get(d)))
                .and_then(|a| a.analysis.published_inferred.clone());
            let date = match (doc.published, &inferred) {
                (Some(d), _) => d.to_string(),
                (None, Some(i)) => format!("{} (inferred from “{}”)", i.date, i.evidence),
                (None, None) => "no date".to_owned(),
            };
            ui.label(
                RichText::new(format!("{date}  ·  {}  ·  {}", doc.rel_path, doc.encoding))
                    .color(theme::weak_text(ui)),
            );
            for w in &doc.warnings {
                ui.label(RichText::new(format!("⚠ {w}")).color(theme::error_color(ui.visuals().dark_mode)));
            }
        });
        ui.separator();
        egui::ScrollArea::vertical().id_salt("khabar.document.text").auto_shrink([false, false]).show(
            ui,
            |ui| {
                ui.with_layout(Layout::top_down(Align::Max), |ui| {
                    let body: String = doc.text.chars().skip(doc.body_start).collect();
                    for paragraph in body.split('\n') {
                        let paragraph = paragraph.trim();
                        if paragraph.is_empty() {
                            continue;
                        }
                        ui.add(egui::Label::new(RichText::new(paragraph).size(18.0)).wrap());
                        ui.add_space(6.0);
                    }
                });
            },
        );
    }
}

//! Documents pane: the corpus' articles (title, date, file name), newest first, undated last,
//! with the count in the header. Reads `Selection::document`; sends `SelectDocument`.
//! Virtualised: only visible rows are laid out.

use egui::{Align, Layout, RichText, Sense};

use super::PaneContext;
use super::command::Command;
use super::theme;

/// Pane-local state.
#[derive(Default)]
pub struct DocumentsPane {
    /// Set when the selection changed elsewhere, so the list scrolls to it once.
    scroll_to_selected: bool,
}

impl DocumentsPane {
    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut PaneContext<'_>) {
        let visible = ctx.visible_documents;
        let total = ctx.documents.len();
        ui.horizontal(|ui| {
            ui.heading("Documents");
            let count = if visible.len() == total {
                format!("{total}")
            } else {
                format!("{} of {total}", visible.len())
            };
            ui.label(RichText::new(count).color(theme::weak_text(ui)));
            super::pane_screenshot_button(ui, ctx.commands, super::Pane::Documents);
        });
        ui.separator();
        if total == 0 {
            ui.label(if ctx.loading { "Loading…" } else { "No articles in this folder." });
            return;
        }
        if ctx.selection_changed {
            self.scroll_to_selected = true;
        }
        let selected = ctx.selection.document;
        // Keyboard: arrows move in the list.
        if !ctx.text_input_focused {
            let (up, down) =
                ui.input(|i| (i.key_pressed(egui::Key::ArrowUp), i.key_pressed(egui::Key::ArrowDown)));
            if up || down {
                let pos = selected.and_then(|s| visible.iter().position(|&d| d == s));
                let next = match (pos, up) {
                    (Some(p), true) => p.saturating_sub(1),
                    (Some(p), false) => (p + 1).min(visible.len().saturating_sub(1)),
                    (None, _) => 0,
                };
                if let Some(&d) = visible.get(next) {
                    ctx.commands.send(Command::SelectDocument(d));
                    self.scroll_to_selected = true;
                }
            }
        }
        let row_height = theme::spacing::DOCUMENT_ROW_HEIGHT;
        let mut scroll =
            egui::ScrollArea::vertical().id_salt("khabar.documents.list").auto_shrink([false, false]);
        if std::mem::take(&mut self.scroll_to_selected)
            && let Some(pos) = selected.and_then(|s| visible.iter().position(|&d| d == s))
        {
            let top = pos as f32 * (row_height + ui.spacing().item_spacing.y);
            let view = ui.available_height();
            scroll = scroll.vertical_scroll_offset((top - view / 2.0).max(0.0));
        }
        scroll.show_rows(ui, row_height, visible.len(), |ui, rows| {
            for row in rows {
                let Some(&index) = visible.get(row) else { continue };
                let Some(doc) = ctx.documents.get(index) else { continue };
                let is_selected = selected == Some(index);
                let (rect, response) =
                    ui.allocate_exact_size(egui::vec2(ui.available_width(), row_height), Sense::click());
                if ui.is_rect_visible(rect) {
                    let visuals = ui.style().interact_selectable(&response, is_selected);
                    if is_selected || response.hovered() {
                        ui.painter().rect_filled(rect, 3.0, visuals.weak_bg_fill);
                    }
                    let mut child =
                        ui.new_child(egui::UiBuilder::new().max_rect(rect.shrink2(egui::vec2(6.0, 2.0))));
                    child.with_layout(Layout::top_down(Align::Max), |ui| {
                        let width = ui.available_width();
                        ui.add(
                            crate::text::label::ArabicLabel::new(&doc.title)
                                .size(15.0)
                                .rtl()
                                .max_width(width),
                        );
                        let date =
                            doc.published.map(|d| d.to_string()).unwrap_or_else(|| "no date".to_owned());
                        let meta = format!("{}  ·  {}", doc.rel_path, date);
                        ui.add(
                            egui::Label::new(RichText::new(meta).small().color(theme::weak_text(ui)))
                                .truncate()
                                .selectable(false),
                        );
                    });
                }
                let response = response.on_hover_text(&doc.title);
                response.widget_info(|| {
                    egui::WidgetInfo::selected(egui::Role::ListItem, true, is_selected, &doc.title)
                });
                if response.hovered() {
                    ctx.hovered_document = Some(index);
                }
                if response.clicked() {
                    ctx.commands.send(Command::SelectDocument(index));
                }
            }
        });
    }
}

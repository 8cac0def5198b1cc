//! Documents pane: the corpus' articles (title, date, file name), newest first, undated last,
//! with the count in the header. Reads `Selection::document`; sends `SelectDocument`.
//! Virtualised: only visible rows are laid out.

use egui::{Align, Layout, RichText, Sense};

use super::PaneContext;
use super::command::Command;
use super::stories::{ListRow, collapse};
use super::strings::S;
use super::theme;

/// Pane-local state.
#[derive(Default)]
pub struct DocumentsPane {
    /// Set when the selection changed elsewhere, so the list scrolls to it once.
    scroll_to_selected: bool,
    /// Duplicate groups shown expanded.
    expanded: std::collections::HashSet<usize>,
    /// Show starred documents only.
    starred_only: bool,
    /// The collapsed rows and what they were computed from.
    rows: Vec<ListRow>,
    rows_key: Option<RowsKey>,
}

/// Width of the "+ ×N" button of a copy group.
const BADGE_WIDTH: f32 = 52.0;

/// What the collapsed rows depend on: the listed documents (length and a fingerprint), the
/// analysis, the expanded groups, the starred filter and the stars.
type RowsKey = (usize, u64, u64, usize, bool, usize);

/// FNV-1a over the listed document indices (~50 µs for 100,000).
fn fingerprint(documents: &[usize]) -> u64 {
    documents.iter().fold(0xcbf2_9ce4_8422_2325, |h, &d| (h ^ d as u64).wrapping_mul(0x0100_0000_01b3))
}

impl DocumentsPane {
    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut PaneContext<'_>) {
        let total = ctx.documents.len();
        let stars = ctx.workspace.starred.len();
        let key: RowsKey = (
            ctx.visible_documents.len(),
            fingerprint(ctx.visible_documents),
            ctx.analysis_generation,
            self.expanded.len(),
            self.starred_only,
            stars,
        );
        if self.rows_key != Some(key) {
            let starred: Vec<usize> = if self.starred_only {
                ctx.visible_documents
                    .iter()
                    .copied()
                    .filter(|&d| {
                        ctx.documents.get(d).is_some_and(|doc| ctx.workspace.is_starred(&doc.rel_path))
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let source = if self.starred_only { &starred } else { ctx.visible_documents };
            self.rows = collapse(source, ctx.stories, &self.expanded);
            self.rows_key = Some(key);
        }
        let rows = std::mem::take(&mut self.rows);
        let listed: usize = rows.iter().filter(|r| !r.nested).map(|r| r.copies.unwrap_or(1)).sum();
        ui.horizontal_wrapped(|ui| {
            ui.heading(S.documents);
            let count = if listed == total { format!("{total}") } else { format!("{listed} of {total}") };
            ui.label(RichText::new(count).color(theme::weak_text(ui)));
            if !ctx.stories.is_empty() {
                ui.label(
                    RichText::new(format!("· {} copy groups", ctx.stories.len()))
                        .small()
                        .color(theme::weak_text(ui)),
                )
                .on_hover_text(S.articles_that_are_copies_of_one);
            }
            super::pane_screenshot_button(ui, ctx.commands, super::Pane::Documents);
        });
        ui.horizontal(|ui| {
            ui.checkbox(&mut self.starred_only, format!("★ Starred only ({stars})"));
        });
        ui.separator();
        if total == 0 {
            ui.label(if ctx.loading { "Loading…" } else { "No articles in this folder." });
            self.rows = rows;
            return;
        }
        if ctx.selection_changed {
            self.scroll_to_selected = true;
        }
        let selected = ctx.selection.document;
        let visible: Vec<usize> = rows.iter().map(|r| r.document).collect();
        // Keyboard: arrows move in the list.
        if !ctx.text_input_focused && ctx.pointer_pane != Some(super::Pane::Entities) {
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
        scroll.show_rows(ui, row_height, rows.len(), |ui, range| {
            for row in range {
                let Some(&ListRow { document: index, copies, nested }) = rows.get(row) else { continue };
                let Some(doc) = ctx.documents.get(index) else { continue };
                let is_selected = selected == Some(index);
                let (rect, response) =
                    ui.allocate_exact_size(egui::vec2(ui.available_width(), row_height), Sense::click());
                if ui.is_rect_visible(rect) {
                    let visuals = ui.style().interact_selectable(&response, is_selected);
                    if is_selected || response.hovered() {
                        ui.painter().rect_filled(rect, 3.0, visuals.weak_bg_fill);
                    }
                    let mut inner = rect.shrink2(egui::vec2(6.0, 2.0));
                    if nested {
                        // a copy under its story: indented from the right (where Arabic starts)
                        inner.max.x -= 18.0;
                        let x = rect.right() - 10.0;
                        ui.painter().line_segment(
                            [egui::pos2(x, rect.top() + 4.0), egui::pos2(x, rect.bottom() - 4.0)],
                            egui::Stroke::new(2.0, theme::weak_text(ui)),
                        );
                    }
                    if copies.is_some() {
                        inner.min.x += BADGE_WIDTH + 4.0;
                    }
                    let starred = ctx.workspace.is_starred(&doc.rel_path);
                    if starred {
                        ui.painter().text(
                            inner.left_top(),
                            egui::Align2::LEFT_TOP,
                            "★",
                            egui::FontId::proportional(13.0),
                            theme::note_color(ui.visuals().dark_mode),
                        );
                        inner.min.x += 16.0;
                    }
                    let mut child = ui.new_child(egui::UiBuilder::new().max_rect(inner));
                    child.with_layout(Layout::top_down(Align::Max), |ui| {
                        let width = ui.available_width();
                        ui.add(
                            crate::text::label::ArabicLabel::new(&doc.title)
                                .size(15.0)
                                .rtl()
                                .max_width(width),
                        );
                        let inferred = ctx.inferred_dates.get(index).copied().flatten();
                        let date = match (doc.published, inferred) {
                            (Some(d), _) => d.to_string(),
                            (None, Some(d)) => format!("~{d} (inferred)"),
                            (None, None) => "no date".to_owned(),
                        };
                        let mut meta = format!("{}  ·  {}", doc.rel_path, date);
                        let tags = ctx.workspace.tags_of(&doc.rel_path);
                        if !tags.is_empty() {
                            meta.push_str(&format!("  ·  #{}", tags.join(" #")));
                        }
                        ui.add(
                            crate::text::label::ArabicLabel::new(meta)
                                .size(11.5)
                                .rtl_or_auto()
                                .color(theme::weak_text(ui))
                                .max_width(width),
                        );
                    });
                }
                if let Some(n) = copies
                    && let Some(g) = ctx.stories.group_of(index)
                {
                    let badge = egui::Rect::from_center_size(
                        egui::pos2(rect.left() + 6.0 + BADGE_WIDTH / 2.0, rect.center().y),
                        egui::vec2(BADGE_WIDTH, 20.0),
                    );
                    let open = self.expanded.contains(&g);
                    let label = if open { format!("− ×{n}") } else { format!("+ ×{n}") };
                    // In a child Ui: `ui.put` would move the list's cursor back up to the badge,
                    // and the next row would be drawn over this one's lower half.
                    let mut badge_ui = ui.new_child(
                        egui::UiBuilder::new()
                            .max_rect(badge)
                            .layout(Layout::centered_and_justified(egui::Direction::TopDown)),
                    );
                    let b = badge_ui.add(egui::Button::new(RichText::new(label).small()).small());
                    let b = b.on_hover_text(format!(
                        "{n} copies of this story (similarity {:.0} %); click to {}",
                        ctx.stories.similarity(g) * 100.0,
                        if open { "collapse" } else { "list them" }
                    ));
                    b.widget_info(|| {
                        egui::WidgetInfo::labeled(egui::Role::Button, true, format!("{n} copies"))
                    });
                    if b.clicked() {
                        if open {
                            self.expanded.remove(&g);
                        } else {
                            self.expanded.insert(g);
                        }
                    }
                }
                let response = response.on_hover_ui(|ui| {
                    ui.add(
                        crate::text::label::ArabicLabel::new(&doc.title)
                            .size(15.0)
                            .rtl()
                            .wrap()
                            .max_width(420.0),
                    );
                });
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
        if self.rows.is_empty() {
            self.rows = rows;
        }
    }
}

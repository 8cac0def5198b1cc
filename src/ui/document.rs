//! Document pane: the open article — title, publication date (header, or inferred with its
//! evidence, or "no date"), file, encoding warnings — and the text on the Arabic text engine
//! (`text::DocumentView`: bidi, shaping, right alignment, selection, Ctrl+F). Entity mentions are
//! highlighted in their type colours, the selected entity's strongly with previous/next
//! buttons; the target sentence (timeline click, search hit) is scrolled to and marked.
//! Reads `Selection::{document, entity, target}` and the hovered entity; reports the entity
//! under the pointer.

use egui::RichText;

use super::PaneContext;
use super::command::Command;
use super::strings::S;
use super::theme;
use crate::index::AnalyzedCorpus;
use crate::text::document_view::{DocumentView, Highlight};
use crate::text::input::ArabicTextInput;
use crate::text::label::ArabicLabel;

/// Pane-local state.
pub struct DocumentPane {
    view: DocumentView,
    /// The tag being typed.
    new_tag: String,
    /// The note being written for the selected passage (open when Some).
    new_note: Option<String>,
    /// Give the note field the keyboard focus (just opened).
    focus_note: bool,
    /// Index (among the selected entity's mentions in this document) of the current mention.
    current_mention: usize,
    /// Highlights reported to tests: how many mentions of the selected entity are shown.
    pub highlighted_mentions: usize,
}

impl Default for DocumentPane {
    fn default() -> Self {
        Self {
            view: DocumentView::new("khabar.document.view"),
            new_tag: String::new(),
            new_note: None,
            focus_note: false,
            current_mention: 0,
            highlighted_mentions: 0,
        }
    }
}

impl DocumentPane {
    /// Star toggle and tags of the open document (add with Enter, remove with ×).
    fn star_and_tags_ui(&mut self, ui: &mut egui::Ui, ctx: &mut PaneContext<'_>, index: usize) {
        let Some(doc) = ctx.documents.get(index) else { return };
        let starred = ctx.workspace.is_starred(&doc.rel_path);
        ui.horizontal_wrapped(|ui| {
            let star = ui
                .selectable_label(starred, if starred { "★ Starred" } else { "☆ Star" })
                .on_hover_text(S.star_this_document_views_starred_only);
            if star.clicked() {
                ctx.commands.send(Command::ToggleStar(index));
            }
            for tag in ctx.workspace.tags_of(&doc.rel_path) {
                let label = ArabicLabel::new(format!("#{tag} ×")).size(13.0).rtl_or_auto();
                let size = label.measure(ui.ctx()) + egui::vec2(10.0, 4.0);
                let (rect, chip) = ui.allocate_exact_size(size, egui::Sense::click());
                ui.painter().rect_filled(rect, 4.0, ui.style().interact(&chip).weak_bg_fill);
                label.paint_at(ui.painter(), rect.center(), egui::Align2::CENTER_CENTER);
                let chip = chip.on_hover_text(S.remove_this_tag);
                chip.widget_info(|| {
                    egui::WidgetInfo::labeled(egui::Role::Button, true, format!("remove tag {tag}"))
                });
                if chip.clicked() {
                    ctx.commands.send(Command::RemoveTag(index, tag.to_owned()));
                }
            }
            let input = ui.add(
                ArabicTextInput::new(&mut self.new_tag)
                    .label(S.add_tag)
                    .hint(S.add_tag_2)
                    .desired_width(110.0),
            );
            if input.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                let tag = self.new_tag.trim().trim_start_matches('#').to_owned();
                if !tag.is_empty() {
                    ctx.commands.send(Command::AddTag(index, tag));
                }
                self.new_tag.clear();
            }
        });
    }

    /// With a passage selected: add a note to it, copy it as a quote with its citation
    /// (Ctrl+Shift+C: plain; Markdown from the button).
    fn passage_actions_ui(&mut self, ui: &mut egui::Ui, ctx: &mut PaneContext<'_>, index: usize) {
        let selection = self.view.selection().filter(|r| !r.is_empty());
        let copy_shortcut =
            egui::KeyboardShortcut::new(egui::Modifiers::COMMAND | egui::Modifiers::SHIFT, egui::Key::C);
        if let Some(range) = selection.clone()
            && ui.input_mut(|i| i.consume_shortcut(&copy_shortcut))
        {
            ctx.commands.send(Command::CopyQuote { document: index, range, markdown: false });
        }
        // The row is always there (buttons disabled without a selection), so selecting text
        // never moves the text under the pointer.
        let range = selection.unwrap_or(0..0);
        let any = !range.is_empty();
        if !any {
            self.new_note = None;
        }
        ui.horizontal_wrapped(|ui| {
            let status = if any {
                format!("{} characters selected:", range.len())
            } else {
                S.select_a_passage.to_owned()
            };
            ui.label(RichText::new(status).small().color(theme::weak_text(ui)));
            if ui.add_enabled(any, egui::Button::new(S.add_note)).clicked() && self.new_note.is_none() {
                self.new_note = Some(String::new());
                self.focus_note = true;
            }
            if ui
                .add_enabled(any, egui::Button::new(S.copy_as_quote))
                .on_hover_text(S.with_title_file_and_date_ctrl)
                .clicked()
            {
                ctx.commands.send(Command::CopyQuote {
                    document: index,
                    range: range.clone(),
                    markdown: false,
                });
            }
            if ui.add_enabled(any, egui::Button::new(S.copy_as_markdown_quote)).clicked() {
                ctx.commands.send(Command::CopyQuote {
                    document: index,
                    range: range.clone(),
                    markdown: true,
                });
            }
        });
        let mut close = false;
        if let Some(body) = self.new_note.as_mut() {
            ui.horizontal(|ui| {
                let input = ui.add(
                    ArabicTextInput::new(body)
                        .label(S.note_text)
                        .hint(S.your_note_on_this_passage)
                        .desired_width(260.0),
                );
                if std::mem::take(&mut self.focus_note) {
                    input.request_focus();
                }
                let enter = input.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                if enter || ui.button(S.save_note).clicked() {
                    ctx.commands.send(Command::AddNote {
                        document: index,
                        range: range.clone(),
                        body: body.trim().to_owned(),
                    });
                    close = true;
                }
                if ui.button(S.cancel).clicked() {
                    close = true;
                }
            });
        }
        if close {
            self.new_note = None;
        }
    }

    /// The text view (font size, find state).
    pub fn view_mut(&mut self) -> &mut DocumentView {
        &mut self.view
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut PaneContext<'_>, analyzed: Option<&AnalyzedCorpus>) {
        let Some(index) = ctx.selection.document else {
            ui.centered_and_justified(|ui| {
                ui.label(if ctx.loading { "Loading…" } else { "Select a document" });
            });
            return;
        };
        let Some(doc) = ctx.documents.get(index) else { return };
        let dark = ui.visuals().dark_mode;
        let analysed = analyzed.and_then(|a| a.documents.get(index));
        ui.add(ArabicLabel::new(&doc.title).size(20.0).rtl().wrap().max_width(ui.available_width()));
        let inferred = analysed.and_then(|a| a.analysis.published_inferred.clone());
        let date = match (doc.published, &inferred) {
            (Some(d), _) => d.to_string(),
            (None, Some(i)) => format!("{} (inferred from “{}”)", i.date, i.evidence),
            (None, None) => "no date".to_owned(),
        };
        ui.horizontal(|ui| {
            let width = (ui.available_width() - 40.0).max(40.0);
            ui.add(
                ArabicLabel::new(format!("{date}  ·  {}  ·  {}", doc.rel_path, doc.encoding))
                    .size(13.0)
                    .rtl_or_auto()
                    .color(theme::weak_text(ui))
                    .max_width(width),
            );
            super::pane_screenshot_button(ui, ctx.commands, super::Pane::Document);
        });
        self.star_and_tags_ui(ui, ctx, index);
        for w in &doc.warnings {
            ui.label(RichText::new(format!("Warning: {w}")).color(theme::error_color(dark)));
        }

        // Highlights: every mention in its type colour, the selected entity's strongly.
        let mut highlights = Vec::new();
        let mut selected_mentions = Vec::new();
        let hovered_entity = ctx.hovered_entity_in.clone();
        if let (Some(a), Some(ad)) = (analyzed, analysed) {
            for (m, eid) in ad.analysis.entities.iter().zip(ad.mention_entities()) {
                let id = a.entities.get(eid).map(|e| e.id.as_str());
                let selected = id.is_some() && id == ctx.selection.entity.as_deref();
                let hovered = id.is_some() && id == hovered_entity.as_deref();
                if selected {
                    selected_mentions.push(m.start..m.end);
                }
                highlights.push(Highlight {
                    char_range: m.start..m.end,
                    color: theme::entity_highlight(m.kind, dark, selected || hovered),
                });
            }
        }
        if let Some(t) = ctx.selection.target.as_ref().filter(|t| t.document == index) {
            highlights
                .insert(0, Highlight { char_range: t.range.clone(), color: theme::focus_sentence(dark) });
        }
        self.highlighted_mentions = selected_mentions.len();
        if ctx.selection_changed {
            self.current_mention = 0;
            if let Some(t) = ctx.selection.target.as_ref().filter(|t| t.document == index) {
                self.view.scroll_to_offset(t.range.start);
            } else if let Some(first) = selected_mentions.first() {
                self.view.scroll_to_offset(first.start);
            }
        }
        if !selected_mentions.is_empty() {
            ui.horizontal(|ui| {
                let n = selected_mentions.len();
                self.current_mention = self.current_mention.min(n - 1);
                ui.label(format!("Mention {} of {n}", self.current_mention + 1));
                if ui.button(S.previous).clicked() {
                    self.current_mention = (self.current_mention + n - 1) % n;
                    if let Some(r) = selected_mentions.get(self.current_mention) {
                        self.view.scroll_to_offset(r.start);
                    }
                }
                if ui.button(S.next).clicked() {
                    self.current_mention = (self.current_mention + 1) % n;
                    if let Some(r) = selected_mentions.get(self.current_mention) {
                        self.view.scroll_to_offset(r.start);
                    }
                }
            });
            if let Some(r) = selected_mentions.get(self.current_mention) {
                let kind = analysed
                    .and_then(|ad| ad.analysis.entities.iter().find(|m| m.start == r.start))
                    .map(|m| m.kind);
                if let Some(kind) = kind {
                    highlights.push(Highlight {
                        char_range: r.clone(),
                        color: theme::entity_color(kind, dark).gamma_multiply(0.6),
                    });
                }
            }
        }
        self.passage_actions_ui(ui, ctx, index);
        ui.separator();
        let rel_path = doc.rel_path.as_str();
        self.view.dimmed = if ctx.show_boilerplate {
            Vec::new()
        } else {
            ctx.boilerplate.get(index).cloned().unwrap_or_default()
        };
        self.view.margin_marks = ctx
            .workspace
            .notes_of(rel_path)
            .iter()
            .filter(|n| !n.detached)
            .map(|n| (n.start..n.end, theme::note_color(dark)))
            .collect();
        for n in ctx.workspace.notes_of(rel_path).iter().filter(|n| !n.detached) {
            highlights.push(Highlight {
                char_range: n.start..n.end,
                color: theme::note_color(dark).gamma_multiply(0.18),
            });
        }
        let text = match ctx.texts.get(doc) {
            Ok(read) => {
                if read.changed {
                    ui.label(RichText::new(S.file_changed_on_disk).small().color(ui.visuals().warn_fg_color));
                }
                read.text
            }
            Err(why) => {
                ui.label(
                    RichText::new(format!("{}: {why}", S.cannot_show_document))
                        .color(ui.visuals().error_fg_color),
                );
                return;
            }
        };
        let response = self.view.ui(ui, &text, &highlights);
        if let (Some(c), Some(a), Some(ad)) = (response.hovered_char, analyzed, analysed) {
            let hit = ad
                .analysis
                .entities
                .iter()
                .zip(ad.mention_entities())
                .find(|(m, _)| (m.start..m.end).contains(&c));
            if let Some((_, eid)) = hit
                && let Some(e) = a.entities.get(eid)
            {
                ctx.hovered_entity = Some(e.id.clone());
                if response.clicked_char.is_some() {
                    ctx.commands.send(Command::SelectEntity(Some(e.id.clone())));
                }
            }
        }
    }
}

//! Notes pane (a tab of the right-hand panel): the notes of the open document or of the whole
//! corpus, each with its quoted passage and the document it belongs to; a click opens the
//! document at the passage. Edit and delete in place; export all notes (Markdown, CSV) with
//! citations. Reads `PaneContext::workspace`; sends `OpenAt`, `EditNote`, `RemoveNote`,
//! `ExportNotes`.

use egui::RichText;

use super::PaneContext;
use super::command::Command;
use super::selection::TextTarget;
use super::strings::S;
use super::theme;
use crate::text::input::ArabicTextInput;
use crate::text::label::ArabicLabel;

/// Pane-local state.
#[derive(Default)]
pub struct NotesPane {
    /// Show the notes of every document (else the open document's).
    all_documents: bool,
    /// The note being edited and its text so far.
    editing: Option<(u64, String)>,
}

impl NotesPane {
    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut PaneContext<'_>) {
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.all_documents, false, S.this_document);
            ui.selectable_value(&mut self.all_documents, true, S.all_documents);
        });
        ui.horizontal(|ui| {
            let any = !ctx.workspace.notes.is_empty();
            if ui.add_enabled(any, egui::Button::new(S.export_markdown)).clicked() {
                ctx.commands.send(Command::ExportNotes { markdown: true });
            }
            if ui.add_enabled(any, egui::Button::new(S.export_csv)).clicked() {
                ctx.commands.send(Command::ExportNotes { markdown: false });
            }
        });
        ui.label(RichText::new(S.select_a_passage_in_the_document).small().color(theme::weak_text(ui)));
        ui.separator();
        let open_path =
            ctx.selection.document.and_then(|d| ctx.documents.get(d)).map(|d| d.rel_path.as_str());
        let notes: Vec<&crate::index::workspace::Note> = ctx
            .workspace
            .notes
            .iter()
            .filter(|n| self.all_documents || Some(n.document.as_str()) == open_path)
            .collect();
        if notes.is_empty() {
            ui.label(S.no_notes);
            return;
        }
        let dark = ui.visuals().dark_mode;
        egui::ScrollArea::vertical().id_salt("khabar.notes.list").auto_shrink([false, false]).show(
            ui,
            |ui| {
                for note in notes {
                    let document = ctx.documents.iter().position(|d| d.rel_path == note.document);
                    egui::Frame::group(ui.style()).show(ui, |ui| {
                        ui.set_width(ui.available_width());
                        if self.all_documents {
                            let title = document
                                .and_then(|d| ctx.documents.get(d))
                                .map_or(note.document.as_str(), |d| d.title.as_str());
                            ui.add(
                                ArabicLabel::new(title)
                                    .size(13.0)
                                    .rtl()
                                    .color(theme::weak_text(ui))
                                    .max_width(ui.available_width()),
                            );
                        }
                        let width = ui.available_width();
                        let quote = ui.add(
                            ArabicLabel::new(format!("«{}»", note.quote.trim()))
                                .size(15.0)
                                .rtl()
                                .wrap()
                                .max_width(width)
                                .color(theme::note_color(dark))
                                .sense(egui::Sense::click()),
                        );
                        let quote = quote.on_hover_text(S.open_the_document_at_this_passage);
                        quote.widget_info(|| {
                            egui::WidgetInfo::labeled(
                                egui::Role::Button,
                                true,
                                format!("note {}", note.quote.trim()),
                            )
                        });
                        if quote.clicked()
                            && let Some(d) = document
                        {
                            ctx.commands.send(Command::OpenAt(TextTarget {
                                document: d,
                                range: note.start..note.end,
                            }));
                        }
                        if note.detached {
                            ui.label(
                                RichText::new(S.this_passage_is_no_longer_in)
                                    .small()
                                    .color(theme::error_color(dark)),
                            );
                        }
                        match self.editing.as_mut().filter(|(id, _)| *id == note.id) {
                            Some((_, draft)) => {
                                ui.add(ArabicTextInput::new(draft).label(S.edit_note).hint(S.your_note));
                                let (mut save, mut cancel) = (false, false);
                                ui.horizontal(|ui| {
                                    save = ui.button(S.save).clicked();
                                    cancel = ui.button(S.cancel).clicked();
                                });
                                if save {
                                    ctx.commands.send(Command::EditNote(note.id, draft.clone()));
                                }
                                if save || cancel {
                                    self.editing = None;
                                }
                            }
                            None => {
                                if !note.body.trim().is_empty() {
                                    ui.add(
                                        ArabicLabel::new(note.body.trim())
                                            .size(14.0)
                                            .rtl_or_auto()
                                            .wrap()
                                            .max_width(width),
                                    );
                                }
                                ui.horizontal(|ui| {
                                    if ui.small_button(S.edit).clicked() {
                                        self.editing = Some((note.id, note.body.clone()));
                                    }
                                    if ui.small_button(S.delete).clicked() {
                                        ctx.commands.send(Command::RemoveNote(note.id));
                                    }
                                    ui.label(
                                        RichText::new(note.created.get(..10).unwrap_or(""))
                                            .small()
                                            .color(theme::weak_text(ui)),
                                    );
                                });
                            }
                        }
                    });
                }
            },
        );
    }
}

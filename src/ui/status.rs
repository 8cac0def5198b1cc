//! Status bar (loading progress with cancel, document and error counts, transient messages) and
//! the error list window (every file that failed, with its path and reason).

use egui::RichText;

use super::PaneContext;
use super::command::Command;
use super::strings::S;
use super::theme;

/// Loading progress as shown in the status bar.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Progress {
    pub files_done: u64,
    pub files_total: u64,
    pub bytes_done: u64,
    pub bytes_total: u64,
}

impl Progress {
    /// Fraction done, by bytes when known, else by files.
    pub fn fraction(&self) -> f32 {
        if self.bytes_total > 0 {
            (self.bytes_done as f64 / self.bytes_total as f64).clamp(0.0, 1.0) as f32
        } else if self.files_total > 0 {
            (self.files_done as f64 / self.files_total as f64).clamp(0.0, 1.0) as f32
        } else {
            0.0
        }
    }
}

/// What the status bar shows.
pub struct StatusInfo<'a> {
    pub progress: Option<Progress>,
    /// A background job: what it does ("Analysing"), done, total.
    pub analysis_progress: Option<(&'static str, usize, usize)>,
    pub problems: usize,
    pub ignored: usize,
    pub message: Option<&'a str>,
}

pub fn status_bar_ui(ui: &mut egui::Ui, ctx: &mut PaneContext<'_>, info: &StatusInfo<'_>) {
    ui.horizontal(|ui| {
        ui.label(format!("{} documents", ctx.documents.len()));
        if let Some(p) = info.progress {
            ui.separator();
            let text = format!(
                "Loading {}/{} files · {:.1}/{:.1} MB",
                p.files_done,
                p.files_total,
                p.bytes_done as f64 / 1e6,
                p.bytes_total as f64 / 1e6
            );
            ui.add(egui::ProgressBar::new(p.fraction()).desired_width(160.0).text(text.clone()))
                .widget_info(|| egui::WidgetInfo::labeled(egui::Role::ProgressIndicator, true, &text));
            if ui.small_button(S.cancel).on_hover_text(S.stop_loading).clicked() {
                ctx.commands.send(Command::CancelLoading);
            }
        }
        if let Some((what, done, total)) = info.analysis_progress {
            ui.separator();
            let text = format!("{what} {done}/{total}");
            let fraction = if total == 0 { 1.0 } else { done as f32 / total as f32 };
            ui.add(egui::ProgressBar::new(fraction).desired_width(140.0).text(text));
        }
        if info.problems > 0 {
            ui.separator();
            let dark = ui.visuals().dark_mode;
            let label = format!("{} errors", info.problems);
            if ui
                .add(egui::Button::new(RichText::new(label).color(theme::error_color(dark))).frame(false))
                .on_hover_text(S.show_the_files_that_could_not)
                .clicked()
            {
                ctx.commands.send(Command::ToggleErrorList);
            }
        }
        if info.ignored > 0 {
            ui.separator();
            ui.label(
                RichText::new(format!("{} non-article files ignored", info.ignored))
                    .color(theme::weak_text(ui)),
            );
        }
        if let Some(m) = info.message {
            ui.separator();
            ui.label(m);
        }
    });
}

/// The error list window: one row per file with its path and reason.
pub fn error_list_ui(ctx: &egui::Context, open: &mut bool, problems: &[crate::corpus::FileProblem]) {
    egui::Window::new(format!("Files that could not be loaded ({})", problems.len()))
        .id(egui::Id::unique("khabar.errors"))
        .open(open)
        .default_size([640.0, 360.0])
        .show(ctx, |ui| {
            egui::ScrollArea::vertical().auto_shrink([false, false]).show_rows(
                ui,
                20.0,
                problems.len(),
                |ui, rows| {
                    egui::Grid::new("khabar.errors.grid").striped(true).num_columns(2).show(ui, |ui| {
                        for p in problems.get(rows).unwrap_or_default() {
                            ui.label(&p.rel_path).on_hover_text(p.path.display().to_string());
                            ui.label(&p.reason);
                            ui.end_row();
                        }
                    });
                },
            );
        });
}

//! Drag-and-drop of folders and files onto the window: a visible overlay while hovering, and
//! the dropped paths collected across frames (winit sends one event per file).

use std::path::PathBuf;

use super::theme;

/// Paints the drop overlay while files are dragged over the window.
pub fn overlay_ui(ctx: &egui::Context) {
    let hovered: Vec<String> = ctx.input(|i| {
        i.raw.hovered_files.iter().filter_map(|f| f.path.as_ref().map(|p| p.display().to_string())).collect()
    });
    let any = ctx.input(|i| !i.raw.hovered_files.is_empty());
    if !any {
        return;
    }
    let painter =
        ctx.layer_painter(egui::LayerId::new(egui::Order::Foreground, egui::Id::unique("khabar.drop")));
    let rect = ctx.content_rect();
    let (veil, text) = theme::drop_overlay();
    painter.rect_filled(rect, 0.0, veil);
    let label = match hovered.len() {
        0 | 1 => "Drop to open this folder".to_owned(),
        n => format!("Drop to open these {n} items"),
    };
    painter.text(rect.center(), egui::Align2::CENTER_CENTER, label, egui::FontId::proportional(28.0), text);
    if let Some(first) = hovered.first() {
        painter.text(
            rect.center() + egui::vec2(0.0, 36.0),
            egui::Align2::CENTER_CENTER,
            first,
            egui::FontId::proportional(15.0),
            text,
        );
    }
}

/// Paths dropped this frame.
pub fn take_dropped(ctx: &egui::Context) -> Vec<PathBuf> {
    ctx.input(|i| i.raw.dropped_files.iter().map(|f| f.path().to_path_buf()).collect())
}

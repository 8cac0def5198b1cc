//! Help → About: version, the licences of what Khabar ships (fonts, the ANERcorp-derived NER
//! model, gazetteers, crates), and where settings, user data and caches live on this machine.

use egui::RichText;

use super::theme;

/// One shipped component and its licence.
struct Shipped {
    what: &'static str,
    licence: &'static str,
    note: &'static str,
}

const SHIPPED: &[Shipped] = &[
    Shipped {
        what: "Fonts: Noto Naskh Arabic, Noto Sans Arabic, Noto Sans",
        licence: "SIL Open Font License 1.1",
        note: "fonts/OFL.txt",
    },
    Shipped {
        what: "Named-entity model (trained on ANERcorp, Benajiba et al. 2007; CAMeL Lab split)",
        licence: "CC BY-SA 4.0",
        note: "assets/models/README.md",
    },
    Shipped {
        what: "Gazetteers: GeoNames; world-cities-translations",
        licence: "CC BY 4.0",
        note: "Contains data from GeoNames (geonames.org)",
    },
    Shipped { what: "Country names: Unicode CLDR", licence: "Unicode License v3", note: "" },
    Shipped { what: "Person names: AKhateeb/arabic-names", licence: "MIT", note: "" },
    Shipped { what: "Emoji fonts of egui (Noto Emoji, emoji-icon-font)", licence: "OFL 1.1 / MIT", note: "" },
    Shipped {
        what: "Rust crates: egui, eframe, egui_plot, cosmic-text, harfrust, rfd, serde, rayon, notify, …",
        licence: "MIT or Apache-2.0 (and compatible)",
        note: "cargo metadata lists each",
    },
    Shipped { what: "Khabar itself", licence: "MIT OR Apache-2.0", note: "" },
];

/// Every keyboard shortcut, as the About window lists it.
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("Ctrl+O", "Open a folder"),
    ("Ctrl+K", "Search the corpus"),
    ("Ctrl+F", "Find in the document"),
    ("↑ / ↓, Enter", "Move in the documents list, open"),
    ("Esc", "Clear the selection"),
    ("Alt+← / Alt+→", "Back / forward through selections (also mouse buttons)"),
    ("Ctrl+Z / Ctrl+Shift+Z", "Undo / redo an alias edit"),
    ("Ctrl+= / Ctrl+- / Ctrl+0", "Document text larger / smaller / default"),
    ("Ctrl+Shift+S", "Save a screenshot of the window"),
    ("Ctrl+Shift+C", "Copy the selected passage as a quote with its citation"),
    ("Ctrl+Q", "Quit"),
];

/// Where Khabar keeps things (shown so users can back up or clear them).
pub fn storage_locations() -> Vec<(&'static str, std::path::PathBuf)> {
    let mut out = Vec::new();
    if let Some(dir) = eframe::storage_dir(crate::app_dirs::APP_ID) {
        out.push(("Window and settings", dir));
    }
    let data = crate::app_dirs::data_dir();
    out.push(("Alias edits", data.join("aliases")));
    out.push(("Notes, tags and saved views", data.join("workspaces")));
    out.push(("Sample articles", data.join("samples")));
    out.push(("Analysis caches", crate::app_dirs::cache_dir()));
    out.push(("Screenshots (without a save dialog)", crate::export::png::fallback_folder()));
    out.push(("Tables (without a save dialog)", crate::export::dialog::tables_folder()));
    out
}

/// The About window.
pub fn about_ui(ctx: &egui::Context, open: &mut bool) {
    egui::Window::new("About Khabar").open(open).resizable(true).default_width(560.0).show(ctx, |ui| {
        ui.horizontal(|ui| {
            ui.heading("Khabar");
            ui.add(crate::text::label::ArabicLabel::new("خبر").size(22.0).rtl());
            ui.label(format!("version {}", env!("CARGO_PKG_VERSION")));
        });
        ui.label("A desktop explorer for archives of Arabic news: entities, dates, timeline, search.");
        ui.separator();
        ui.label(RichText::new("Keyboard").strong());
        egui::Grid::new("khabar.about.keys").num_columns(2).show(ui, |ui| {
            for (keys, action) in SHORTCUTS {
                ui.label(RichText::new(*keys).monospace());
                ui.label(*action);
                ui.end_row();
            }
        });
        ui.separator();
        ui.label(RichText::new("Licences of what ships with Khabar").strong());
        egui::Grid::new("khabar.about.licences").striped(true).num_columns(3).show(ui, |ui| {
            for s in SHIPPED {
                ui.label(s.what);
                ui.label(RichText::new(s.licence).strong());
                ui.label(RichText::new(s.note).small().color(theme::weak_text(ui)));
                ui.end_row();
            }
        });
        ui.separator();
        ui.label(RichText::new("Where Khabar keeps things (never inside your folders)").strong());
        egui::Grid::new("khabar.about.paths").num_columns(2).show(ui, |ui| {
            for (what, path) in storage_locations() {
                ui.label(what);
                ui.add(
                    egui::Label::new(RichText::new(path.display().to_string()).monospace().small())
                        .selectable(true),
                );
                ui.end_row();
            }
        });
        ui.label(
            RichText::new("`khabar cache --clear` deletes the analysis caches.")
                .small()
                .color(theme::weak_text(ui)),
        );
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_storage_location_is_outside_any_corpus_and_named() {
        let locations = storage_locations();
        assert!(locations.len() >= 6);
        assert!(locations.iter().all(|(what, path)| !what.is_empty() && path.is_absolute()));
    }
}

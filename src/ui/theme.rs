//! Theme tokens in one place: the bundled fonts registered with egui, colours per entity type,
//! highlight colours, spacing. The only file with colour literals.

use std::sync::Arc;

use egui::Color32;

use crate::extract::EntityType;

/// Registers the bundled fonts: Noto Sans for Latin/Cyrillic UI text, Noto Naskh Arabic as
/// the Arabic fallback, then egui's own emoji fonts. No system fonts are used.
pub fn install_fonts(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    let add = |fonts: &mut egui::FontDefinitions, name: &str, data: &'static [u8]| {
        fonts.font_data.insert(name.to_owned(), Arc::new(egui::FontData::from_static(data)));
    };
    add(&mut fonts, "noto-sans", crate::assets::NOTO_SANS_REGULAR.data);
    add(&mut fonts, "noto-naskh-arabic", crate::assets::NOTO_NASKH_ARABIC_REGULAR.data);
    add(&mut fonts, "noto-sans-arabic", crate::assets::NOTO_SANS_ARABIC_REGULAR.data);
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        let list = fonts.families.entry(family.clone()).or_default();
        let mut ours = vec!["noto-sans".to_owned(), "noto-naskh-arabic".to_owned()];
        if family == egui::FontFamily::Monospace {
            ours.remove(0);
        }
        for (i, name) in ours.into_iter().enumerate() {
            list.insert(i, name);
        }
    }
    ctx.set_fonts(fonts);
}

/// Colour of an entity type (text highlight and badges), readable in light and dark themes.
pub fn entity_color(kind: EntityType, dark: bool) -> Color32 {
    match (kind, dark) {
        (EntityType::Person, true) => Color32::from_rgb(0x6c, 0xa8, 0xff),
        (EntityType::Person, false) => Color32::from_rgb(0x1f, 0x5f, 0xc9),
        (EntityType::Location, true) => Color32::from_rgb(0x5f, 0xd0, 0x8a),
        (EntityType::Location, false) => Color32::from_rgb(0x17, 0x86, 0x45),
        (EntityType::Organization, true) => Color32::from_rgb(0xff, 0xb0, 0x5c),
        (EntityType::Organization, false) => Color32::from_rgb(0xb8, 0x5c, 0x00),
        (EntityType::Misc, true) => Color32::from_rgb(0xd0, 0x8c, 0xff),
        (EntityType::Misc, false) => Color32::from_rgb(0x7b, 0x3f, 0xb5),
    }
}

/// Translucent background for highlighting a mention of the given type.
pub fn entity_highlight(kind: EntityType, dark: bool, strong: bool) -> Color32 {
    let c = entity_color(kind, dark);
    let alpha = if strong { 150 } else { 60 };
    Color32::from_rgba_unmultiplied(c.r(), c.g(), c.b(), alpha)
}

/// Colour of notes: margin marks, quoted passages.
pub fn note_color(dark: bool) -> Color32 {
    if dark { Color32::from_rgb(0xf2, 0xc9, 0x4c) } else { Color32::from_rgb(0xb0, 0x7d, 0x00) }
}

/// Fill of a co-occurrence matrix cell, `strength` in 0..=1.
pub fn matrix_cell(strength: f32, dark: bool) -> Color32 {
    let a = (30.0 + 200.0 * strength.clamp(0.0, 1.0)) as u8;
    if dark {
        Color32::from_rgba_unmultiplied(0x6c, 0xa8, 0xff, a)
    } else {
        Color32::from_rgba_unmultiplied(0x1f, 0x5f, 0xc9, a)
    }
}

/// Digits on a matrix cell: dark on strong (light) cells, the text colour on weak ones.
pub fn matrix_ink(strength: f32, ui: &egui::Ui) -> Color32 {
    if strength > 0.45 { Color32::BLACK } else { ui.visuals().strong_text_color() }
}

/// Background of search / find hits.
pub fn search_hit(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgba_unmultiplied(0xff, 0xd7, 0x00, 90)
    } else {
        Color32::from_rgba_unmultiplied(0xff, 0xc4, 0x00, 120)
    }
}

/// Background of the sentence the app scrolled to (timeline click, search hit).
pub fn focus_sentence(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgba_unmultiplied(0x40, 0x80, 0xff, 40)
    } else {
        Color32::from_rgba_unmultiplied(0x40, 0x80, 0xff, 30)
    }
}

/// Text colour for secondary information (dates, file names, counts).
pub fn weak_text(ui: &egui::Ui) -> Color32 {
    ui.visuals().weak_text_color()
}

/// Colour for errors in the status bar and error list.
pub fn error_color(dark: bool) -> Color32 {
    if dark { Color32::from_rgb(0xff, 0x7a, 0x7a) } else { Color32::from_rgb(0xc0, 0x1c, 0x1c) }
}

/// The drop overlay's veil and text colours.
pub fn drop_overlay() -> (Color32, Color32) {
    (Color32::from_black_alpha(190), Color32::WHITE)
}

/// Colours of the two timeline series: publication dates and mentioned dates.
pub fn timeline_series(dark: bool) -> (Color32, Color32) {
    if dark {
        (Color32::from_rgb(0x8a, 0x9b, 0xb5), Color32::from_rgb(0xff, 0xa6, 0x3d))
    } else {
        (Color32::from_rgb(0x5a, 0x6b, 0x85), Color32::from_rgb(0xd9, 0x6a, 0x00))
    }
}

/// Spacing tokens.
pub mod spacing {
    /// Inner padding of a pane.
    pub const PANE_PADDING: f32 = 6.0;
    /// Height of one row in the documents list.
    pub const DOCUMENT_ROW_HEIGHT: f32 = 44.0;
    /// Height of one row in the entities list.
    pub const ENTITY_ROW_HEIGHT: f32 = 24.0;
}

//! The fonts the text engine may use: a cosmic-text `FontSystem` built on an empty font
//! database (never the system fonts), and ordered fallback lists ("font sets", first =
//! primary) with a per-character cmap cache, like a Pango fontset.

use std::collections::HashMap;
use std::io;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use cosmic_text::fontdb::{self, Database, ID};
use cosmic_text::{Font, FontSystem};

/// An ordered fallback list of fonts; a character is drawn from the first font that maps it.
pub struct FontSet {
    /// Font ids in fallback order.
    pub ids: Vec<ID>,
    /// File names (for dumps), parallel to `ids`.
    pub names: Vec<String>,
    fonts: Vec<Arc<Font>>,
    /// Units per em of each font.
    pub upem: Vec<f32>,
    /// Largest ascent and descent (positive, in em) over the fonts.
    pub ascent_em: f32,
    pub descent_em: f32,
    /// Ascent and descent (em) of the primary font.
    pub primary_ascent_em: f32,
    pub primary_descent_em: f32,
    /// Advance (font units) of the hyphen Pango inserts at an in-word break, per font.
    pub hyphen_units: Vec<i32>,
    /// Ink extents (x min, x max in em) of the hex digits 0-9 A-F in the first font that has
    /// them all: Pango draws a character no font has as a box of hex digits sized from them.
    pub hex_digits_em: Vec<(f32, f32)>,
    cmap: HashMap<char, Option<u8>>,
    /// HarfBuzz shape plans per (font, script, direction): building one costs far more than
    /// shaping a paragraph.
    plans: Mutex<HashMap<PlanKey, Arc<harfrust::ShapePlan>>>,
}

type PlanKey = (usize, Option<harfrust::Script>, bool);

/// The hyphen Pango inserts at a break inside a word: U+2010 when the font has it, else '-'.
pub fn hyphen_char(font: &Font) -> char {
    if font.as_swash().charmap().map('\u{2010}') != 0 { '\u{2010}' } else { '-' }
}

/// Ink extents (x min, x max; em) of "0123456789ABCDEF" in `font`, None unless it has them all.
fn hex_digit_extents(font: &Font) -> Option<Vec<(f32, f32)>> {
    use cosmic_text::skrifa::MetadataProvider;
    use cosmic_text::skrifa::instance::{LocationRef, Size};
    let f = cosmic_text::skrifa::FontRef::from_index(font.data(), 0).ok()?;
    let upem = f32::from(font.metrics().units_per_em.max(1));
    let metrics = f.glyph_metrics(Size::unscaled(), LocationRef::default());
    let cmap = f.charmap();
    "0123456789ABCDEF"
        .chars()
        .map(|c| {
            let b = metrics.bounds(cmap.map(c)?)?;
            Some((b.x_min / upem, b.x_max / upem))
        })
        .collect()
}

/// Advance (font units) of that hyphen.
fn hyphen_advance(font: &Font) -> i32 {
    let f = font.as_swash();
    let gid = f.charmap().map(hyphen_char(font));
    if gid == 0 {
        return 0;
    }
    f.glyph_metrics(&[]).advance_width(gid).round() as i32
}

impl FontSet {
    fn new(system: &mut FontSystem, ids: Vec<ID>, names: Vec<String>) -> Self {
        let mut fonts = Vec::new();
        let mut keep_ids = Vec::new();
        let mut keep_names = Vec::new();
        for (id, name) in ids.into_iter().zip(names) {
            if let Some(font) = system.get_font(id, fontdb::Weight::NORMAL) {
                fonts.push(font);
                keep_ids.push(id);
                keep_names.push(name);
            }
        }
        let upem: Vec<f32> = fonts.iter().map(|f| f32::from(f.metrics().units_per_em.max(1))).collect();
        let mut ascent_em: f32 = 0.0;
        let mut descent_em: f32 = 0.0;
        for (f, u) in fonts.iter().zip(&upem) {
            ascent_em = ascent_em.max(f.metrics().ascent / u);
            descent_em = descent_em.max(-f.metrics().descent / u);
        }
        let hyphen_units = fonts.iter().map(|f| hyphen_advance(f)).collect();
        let hex_digits_em =
            fonts.iter().find_map(|f| hex_digit_extents(f)).unwrap_or_else(|| vec![(0.05, 0.65)]);
        let primary_ascent_em =
            fonts.first().map_or(0.8, |f| f.metrics().ascent / f32::from(f.metrics().units_per_em.max(1)));
        let primary_descent_em =
            fonts.first().map_or(0.2, |f| -f.metrics().descent / f32::from(f.metrics().units_per_em.max(1)));
        FontSet {
            primary_ascent_em,
            primary_descent_em,
            hex_digits_em,
            ids: keep_ids,
            names: keep_names,
            fonts,
            upem,
            ascent_em,
            descent_em,
            hyphen_units,
            cmap: HashMap::new(),
            plans: Mutex::new(HashMap::new()),
        }
    }

    /// Number of fonts in the set.
    pub fn len(&self) -> usize {
        self.fonts.len()
    }

    /// True when no font could be loaded.
    pub fn is_empty(&self) -> bool {
        self.fonts.is_empty()
    }

    /// The font at fallback position `i`.
    pub fn font(&self, i: usize) -> Option<&Arc<Font>> {
        self.fonts.get(i)
    }

    /// Pango's box for a character no font has (pangocairo's hex box at `size` px): its width
    /// in Pango units. The box holds the code point in hex digits of a mini font at size/2.2,
    /// in 2 rows (4 or 6 digits), with padding of (ascent + descent) / 43, all rounded up to
    /// whole pixels.
    pub fn hex_box_units(&self, c: char, size: f32) -> i64 {
        let hint = |v: f32| (v - 1e-5).ceil().max(0.0);
        let mut rows = 2.0;
        let mut mini = hint(size / 2.2);
        if mini < 6.0 {
            rows = 1.0;
            mini = (size - 1.0).clamp(0.0, 6.0);
        }
        let extent = (self.primary_ascent_em + self.primary_descent_em) * size;
        let pad = hint((extent / 43.0).min(mini));
        // cairo's glyph extents are grid-fitted: whole pixels around the ink
        let digit = self
            .hex_digits_em
            .iter()
            .map(|&(x0, x1)| (x1 * mini - 1e-5).ceil() - (x0 * mini + 1e-5).floor())
            .fold(0.0f32, f32::max);
        let digits = if (c as u32) > 0xffff { 6.0 } else { 4.0 };
        let cols = (digits / rows as f32).floor();
        let px = 5.0 * pad + cols * (digit + pad);
        (f64::from(px) * 1024.0).round() as i64
    }

    /// The shape plan of font `i` for a script and direction (cached).
    pub fn plan(
        &self,
        i: usize,
        script: Option<harfrust::Script>,
        rtl: bool,
    ) -> Option<Arc<harfrust::ShapePlan>> {
        let font = self.fonts.get(i)?;
        let mut plans = match self.plans.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        let plan = plans.entry((i, script, rtl)).or_insert_with(|| {
            let dir = if rtl { harfrust::Direction::RightToLeft } else { harfrust::Direction::LeftToRight };
            Arc::new(harfrust::ShapePlan::new(font.shaper(), dir, script, None, &[]))
        });
        Some(Arc::clone(plan))
    }

    /// Fallback position of the first font that maps `c`, or None when no font has it.
    pub fn font_for_char(&mut self, c: char) -> Option<u8> {
        if let Some(hit) = self.cmap.get(&c) {
            return *hit;
        }
        let found = self
            .fonts
            .iter()
            .position(|f| f.as_swash().charmap().map(c) != 0)
            .and_then(|i| u8::try_from(i).ok());
        self.cmap.insert(c, found);
        found
    }
}

/// The font database and the two Arabic faces' fallback lists.
pub struct Fonts {
    pub system: FontSystem,
    /// Noto Naskh Arabic, then Noto Sans (Latin, Cyrillic, Greek).
    pub naskh: FontSet,
    /// Noto Sans Arabic, then Noto Sans.
    pub sans: FontSet,
}

fn load(db: &mut Database, data: FontBytes) -> Option<ID> {
    db.load_font_source(fontdb::Source::Binary(data)).first().copied()
}

type FontBytes = Arc<dyn AsRef<[u8]> + Send + Sync>;

/// The emoji fonts egui ships (monochrome Noto Emoji, emoji-icon-font), when built with the
/// GUI; none in library-only builds.
#[cfg(feature = "gui")]
fn emoji_fonts() -> Vec<(String, FontBytes)> {
    let defs = egui::FontDefinitions::default();
    ["NotoEmoji-Regular", "emoji-icon-font"]
        .iter()
        .filter_map(|n| defs.font_data.get(*n).map(|d| ((*n).to_string(), Arc::clone(&d.font))))
        .collect()
}

#[cfg(not(feature = "gui"))]
fn emoji_fonts() -> Vec<(String, FontBytes)> {
    Vec::new()
}

impl Fonts {
    /// The bundled fonts of [`crate::assets::FONTS`] only.
    pub fn bundled() -> Self {
        let mut db = Database::new();
        let mut by_name: HashMap<&'static str, ID> = HashMap::new();
        for f in crate::assets::FONTS.iter() {
            if let Some(id) = load(&mut db, Arc::new(f.data)) {
                by_name.insert(f.file_name, id);
            }
        }
        let mut system = FontSystem::new_with_locale_and_db("en-US".to_string(), db);
        let pick = |names: &[&'static str]| {
            let mut ids = Vec::new();
            let mut out = Vec::new();
            for n in names {
                if let Some(id) = by_name.get(n) {
                    ids.push(*id);
                    out.push((*n).to_string());
                }
            }
            (ids, out)
        };
        let (mut ids, mut names) = pick(&["NotoNaskhArabic-Regular.ttf", "NotoSans-Regular.ttf"]);
        let (mut sans_ids, mut sans_names) = pick(&["NotoSansArabic-Regular.ttf", "NotoSans-Regular.ttf"]);
        // egui's emoji fonts, last in both lists
        for (name, data) in emoji_fonts() {
            if let Some(id) = load(system.db_mut(), data) {
                ids.push(id);
                names.push(name.clone());
                sans_ids.push(id);
                sans_names.push(name);
            }
        }
        let naskh = FontSet::new(&mut system, ids, names);
        let sans = FontSet::new(&mut system, sans_ids, sans_names);
        Fonts { system, naskh, sans }
    }

    /// Fonts read from files, in fallback order (first = primary); both faces use this list.
    pub fn from_files(paths: &[PathBuf]) -> io::Result<Self> {
        let mut db = Database::new();
        let mut ids = Vec::new();
        let mut names = Vec::new();
        for p in paths {
            let data = std::fs::read(p)?;
            let id = load(&mut db, Arc::new(data)).ok_or_else(|| {
                io::Error::new(io::ErrorKind::InvalidData, format!("{}: not a font file", p.display()))
            })?;
            ids.push(id);
            names.push(p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
        }
        if ids.is_empty() {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "no font files given"));
        }
        let mut system = FontSystem::new_with_locale_and_db("en-US".to_string(), db);
        let naskh = FontSet::new(&mut system, ids.clone(), names.clone());
        let sans = FontSet::new(&mut system, ids, names);
        if naskh.is_empty() {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "no usable font"));
        }
        Ok(Fonts { system, naskh, sans })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_fonts_have_arabic_first_and_latin_second() {
        let mut f = Fonts::bundled();
        assert!(f.naskh.len() >= 2);
        assert_eq!(f.naskh.font_for_char('ب'), Some(0));
        assert_eq!(f.naskh.font_for_char('Ж'), Some(1));
        assert_eq!(f.sans.font_for_char('ب'), Some(0));
        assert!(f.naskh.ascent_em > 0.5 && f.naskh.descent_em > 0.1);
    }
}

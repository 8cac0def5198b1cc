//! [`ArabicLabel`]: a single-line (or wrapped) label on the Arabic text engine, for list rows,
//! entity names, tooltips and plot labels, so that no Arabic string goes through egui's own
//! text layout (which has no bidi). Measures, elides with "…" at the *logical* end (which an
//! RTL line shows on its left), paints, and registers accessibility info (role Label with the
//! full text), so kittest's `get_by_label` and screen readers find it.
//!
//! ```no_run
//! # fn f(ui: &mut egui::Ui) {
//! use khabar::text::label::ArabicLabel;
//! ui.add(ArabicLabel::new("وزارة الخارجية المصرية").size(16.0).max_width(180.0));
//! # }
//! ```

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use egui::{Align2, Color32, Pos2, Rect, Response, Sense, Ui, Vec2, Widget, WidgetInfo, vec2};
use unicode_segmentation::UnicodeSegmentation;

use super::atlas::{TextSystem, text_system};
use super::painter::paragraph_shapes;
use super::{ArabicFace, BaseDirection, LayoutParams, ParagraphLayout};

/// Default label size in points (Naskh needs a little more than egui's 14 pt body text).
pub const DEFAULT_LABEL_SIZE: f32 = 16.0;
/// Line height (multiple of the font size) for labels: room for tashkeel above and below.
pub const LABEL_LINE_HEIGHT: f32 = 1.6;
const ELLIPSIS: char = '…';

/// A label painted with the Arabic text engine. See the module doc.
#[must_use = "add it with `ui.add(label)`"]
#[derive(Clone, Debug)]
pub struct ArabicLabel {
    text: String,
    size: f32,
    color: Option<Color32>,
    direction: BaseDirection,
    face: ArabicFace,
    max_width: Option<f32>,
    wrap: bool,
    hover_text: Option<String>,
    sense: Sense,
}

impl ArabicLabel {
    /// A label showing `text` (line breaks are shown as spaces unless [`Self::wrap`] is set).
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            size: DEFAULT_LABEL_SIZE,
            color: None,
            direction: BaseDirection::Auto,
            face: ArabicFace::Naskh,
            max_width: None,
            wrap: false,
            hover_text: None,
            sense: Sense::hover(),
        }
    }

    /// Font size in points.
    pub fn size(mut self, points: f32) -> Self {
        self.size = points.max(1.0);
        self
    }

    /// Text colour (default: the style's text colour).
    pub fn color(mut self, color: Color32) -> Self {
        self.color = Some(color);
        self
    }

    /// Base direction from the first strong character (UAX #9 P2/P3): right-to-left for
    /// Arabic, left-to-right for Latin. This is the default.
    pub fn rtl_or_auto(mut self) -> Self {
        self.direction = BaseDirection::Auto;
        self
    }

    /// Forces a right-to-left base direction (an Arabic sentence starting with a Latin word).
    pub fn rtl(mut self) -> Self {
        self.direction = BaseDirection::Rtl;
        self
    }

    /// Sets the base direction.
    pub fn direction(mut self, direction: BaseDirection) -> Self {
        self.direction = direction;
        self
    }

    /// The Arabic face (Naskh for reading text, Sans for UI chrome).
    pub fn face(mut self, face: ArabicFace) -> Self {
        self.face = face;
        self
    }

    /// Widest the label may be, in points: longer text is elided with "…" (or wrapped, see
    /// [`Self::wrap`]); the full text is then shown on hover.
    pub fn max_width(mut self, points: f32) -> Self {
        self.max_width = Some(points.max(1.0));
        self
    }

    /// Wraps at [`Self::max_width`] (or the available width) instead of eliding; for tooltips.
    pub fn wrap(mut self) -> Self {
        self.wrap = true;
        self
    }

    /// Text shown in a tooltip (itself an `ArabicLabel`) when hovered.
    pub fn hover_text(mut self, text: impl Into<String>) -> Self {
        self.hover_text = Some(text.into());
        self
    }

    /// What the label responds to (default: hover only). `Sense::click()` makes a list row.
    pub fn sense(mut self, sense: Sense) -> Self {
        self.sense = sense;
        self
    }

    /// Lays the label out: the layout (physical pixels) and whether it was elided.
    fn layout(
        &self,
        system: &mut TextSystem,
        ppp: f32,
        max_width: Option<f32>,
    ) -> (Arc<ParagraphLayout>, bool) {
        let single_line: String;
        let text: &str = if self.wrap {
            &self.text
        } else {
            single_line = self.text.replace(['\n', '\r'], " ");
            &single_line
        };
        let params = LayoutParams {
            font_size_px: self.size * ppp,
            width_px: if self.wrap { max_width.map(|w| w * ppp) } else { None },
            direction: self.direction,
            line_height: LABEL_LINE_HEIGHT,
            face: self.face,
        };
        let full = system.engine.layout(text, &params);
        let limit_px = match max_width {
            Some(w) if !self.wrap => w * ppp,
            _ => return (full, false),
        };
        if full.width <= limit_px + 0.01 {
            return (full, false);
        }
        let shown = elided_text(system, text, &params, limit_px);
        (system.engine.layout(&shown, &params), true)
    }

    /// Measured size in points (after eliding).
    pub fn measure(&self, ctx: &egui::Context) -> Vec2 {
        let ppp = ctx.pixels_per_point();
        let system = text_system(ctx);
        let mut system = system.lock();
        let (layout, _) = self.layout(&mut system, ppp, self.max_width);
        vec2(layout.width / ppp, layout.height / ppp)
    }

    /// Paints the label with `align` relative to `anchor` (points) on `painter`, without
    /// allocating space; for plot labels and other custom-painted places. Returns its rect.
    pub fn paint_at(&self, painter: &egui::Painter, anchor: Pos2, align: Align2) -> Rect {
        let ctx = painter.ctx();
        let ppp = ctx.pixels_per_point();
        let system = text_system(ctx);
        let mut system = system.lock();
        let (layout, _) = self.layout(&mut system, ppp, self.max_width);
        let size = vec2(layout.width / ppp, layout.height / ppp);
        let rect = align.anchor_size(anchor, size);
        let color = self.color.unwrap_or_else(|| ctx.global_style().visuals.text_color());
        let shapes = paragraph_shapes(&mut system, ctx, &layout, rect.min, color, &[], painter.clip_rect());
        painter.extend(shapes);
        rect
    }
}

/// Arabic letters in each joining position, Arabic-Indic and Latin digits, Latin letters and the
/// punctuation of list rows: what the first frames show.
const WARMUP_TEXTS: &[&str] = &[
    "ا ب ت ث ج ح خ د ذ ر ز س ش ص ض ط ظ ع غ ف ق ك ل م ن ه و ي ء آ أ ؤ إ ئ ة ى لا",
    "ببب تتت ثثث جججححح خخخ سسس ششش صصص ضضض ططط ظظظ ععع غغغ ففف ققق ككك للل ممم ننن ههه ييي ئئئ",
    "ـب ـت ـج ـح ـد ـر ـس ـع ـف ـق ـك ـل ـم ـن ـه ـو ـي ـة ـى ـا ـأ ـإ ـآ",
    "٠١٢٣٤٥٦٧٨٩ 0123456789 ، ؛ ؟ « » ( ) - · : / . % + × ★ ☆ ~",
    "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ _ txt no date inferred UTF-8",
];

/// Loads the fonts and rasterises the common glyphs of the list rows at `sizes` (points) on a
/// helper thread, so the first frame that shows text does not pay for it (it waits for the
/// helper only if it comes first). Call once, when the app starts.
pub fn prewarm(ctx: &egui::Context, sizes: &'static [f32]) {
    let system = text_system(ctx);
    let ctx = ctx.clone();
    let spawned = std::thread::Builder::new().name("khabar-text-warmup".into()).spawn(move || {
        let ppp = ctx.pixels_per_point();
        let mut system = system.lock();
        for &size in sizes {
            for text in WARMUP_TEXTS {
                let label = ArabicLabel::new(*text).size(size).rtl_or_auto();
                let (layout, _) = label.layout(&mut system, ppp, None);
                paragraph_shapes(
                    &mut system,
                    &ctx,
                    &layout,
                    Pos2::ZERO,
                    Color32::WHITE,
                    &[],
                    Rect::EVERYTHING,
                );
            }
        }
    });
    // Without the helper thread the glyphs are simply rasterised when first shown.
    drop(spawned);
}

impl Widget for ArabicLabel {
    fn ui(self, ui: &mut Ui) -> Response {
        let ppp = ui.ctx().pixels_per_point();
        let max_width = match (self.max_width, self.wrap) {
            (Some(w), _) => Some(w.min(ui.available_width().max(1.0))),
            (None, true) => Some(ui.available_width().max(1.0)),
            (None, false) => None,
        };
        let system = text_system(ui.ctx());
        let (layout, elided) = {
            let mut system = system.lock();
            self.layout(&mut system, ppp, max_width)
        };
        let size = vec2(layout.width / ppp, layout.height / ppp);
        let (rect, mut response) = ui.allocate_exact_size(size, self.sense);
        if ui.is_rect_visible(rect) {
            let color = self.color.unwrap_or_else(|| ui.visuals().text_color());
            let color = if ui.is_enabled() { color } else { color.gamma_multiply(0.5) };
            let shapes = {
                let mut system = system.lock();
                paragraph_shapes(&mut system, ui.ctx(), &layout, rect.min, color, &[], ui.clip_rect())
            };
            ui.painter().extend(shapes);
        }
        let enabled = ui.is_enabled();
        let text = self.text.clone();
        response.widget_info(move || WidgetInfo::labeled(egui::Role::Label, enabled, &text));
        let tooltip = self.hover_text.clone().or_else(|| elided.then(|| self.text.clone()));
        if let Some(tip) = tooltip {
            let size = self.size;
            response = response.on_hover_ui(move |ui| {
                ui.add(ArabicLabel::new(tip.as_str()).size(size).max_width(420.0).wrap());
            });
        }
        response
    }
}

/// The longest prefix of `text` (whole grapheme clusters, so no mark is cut from its base)
/// that with "…" appended fits in `limit_px`; cached per (text, params, limit).
fn elided_text(system: &mut TextSystem, text: &str, params: &LayoutParams, limit_px: f32) -> String {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut hasher);
    params.font_size_px.to_bits().hash(&mut hasher);
    limit_px.to_bits().hash(&mut hasher);
    params.direction.hash(&mut hasher);
    params.face.hash(&mut hasher);
    params.line_height.to_bits().hash(&mut hasher);
    let key = hasher.finish();
    if let Some(shown) = system.elide_cache.get(&key) {
        return shown.clone();
    }
    let bounds: Vec<usize> = text.grapheme_indices(true).map(|(i, _)| i).skip(1).collect();
    // Binary search over the number of whole graphemes kept: 0 always "fits".
    let (mut lo, mut hi) = (0usize, bounds.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let end = bounds.get(mid - 1).copied().unwrap_or(text.len());
        let candidate = format!("{}{ELLIPSIS}", text.get(..end).unwrap_or("").trim_end());
        if system.engine.layout(&candidate, params).width <= limit_px {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let end = if lo == 0 { 0 } else { bounds.get(lo - 1).copied().unwrap_or(text.len()) };
    let shown = format!("{}{ELLIPSIS}", text.get(..end).unwrap_or("").trim_end());
    if system.elide_cache.len() > 4096 {
        system.elide_cache.clear();
    }
    system.elide_cache.insert(key, shown.clone());
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elided_text_fits_and_is_a_logical_prefix_with_ellipsis() {
        let mut system = TextSystem::new();
        let params = LayoutParams { font_size_px: 16.0, ..LayoutParams::default() };
        let text = "وزارة الخارجية المصرية تعلن عن زيارة رسمية";
        let shown = elided_text(&mut system, text, &params, 120.0);
        assert!(shown.ends_with(ELLIPSIS));
        let kept = shown.trim_end_matches(ELLIPSIS);
        assert!(text.starts_with(kept.trim_end()), "{shown}");
        assert!(system.engine.layout(&shown, &params).width <= 120.0);
        // One more grapheme would not fit.
        let longer: String = text.chars().take(kept.chars().count() + 1).collect();
        let longer = format!("{}{ELLIPSIS}", longer.trim_end());
        assert!(
            system.engine.layout(&longer, &params).width > 120.0 || longer.trim_end_matches(ELLIPSIS) == kept
        );
    }
}

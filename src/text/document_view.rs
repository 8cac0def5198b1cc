//! [`DocumentView`]: a whole Arabic article, shaped and ordered by the text engine and painted
//! through the glyph atlas: paragraphs (split at '\n') laid out right-to-left (forced: an
//! Arabic article; UAX #9 P3 overridden, so a paragraph opening with "date 2025-10-27" still
//! reads from the right) at the pane width, right-aligned, with a line height that leaves room
//! for tashkeel.
//!
//! Virtualised: only paragraphs intersecting the viewport are laid out and painted. Heights of
//! paragraphs never laid out are estimated from the characters-per-pixel seen so far, and
//! replaced by real heights once laid out; heights are cached per (width, size).
//!
//! Interaction: hit-testing at cluster granularity; selection by drag, shift-click,
//! double-click (word), triple-click (paragraph), Ctrl+A; Ctrl+C copies the *logical* text of
//! the selection; Ctrl+F opens a find bar ([`super::find`]); highlights (entity mentions,
//! search hits, the current hit) are drawn per visual piece, so a range crossing a bidi
//! boundary lights exactly its characters; [`DocumentView::scroll_to_offset`] scrolls once.
//!
//! Safety: bidi control characters (U+202A–U+202E, U+2066–U+2069) are displayed as a visible
//! mark ('•' on a tinted cell, same char count, so offsets are unchanged) and therefore cannot
//! reorder anything, inside or outside their paragraph (a "Trojan Source" defence).
//!
//! All offsets in this API are code points (chars) of the whole document text.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::ops::Range;
use std::sync::Arc;

use egui::{
    Align, Color32, Event, Id, Key, Modifiers, Pos2, Rect, Response, ScrollArea, Sense, Ui, Vec2, WidgetInfo,
    pos2, vec2,
};
use unicode_segmentation::UnicodeSegmentation;

use super::atlas::{TextSystem, text_system};
use super::find::FindState;
use super::input::ArabicTextInput;
use super::label::ArabicLabel;
use super::painter::{origin_px, paragraph_shapes};
use super::{ArabicFace, BaseDirection, LayoutParams, ParagraphLayout};

/// Default body size in points.
pub const DEFAULT_FONT_SIZE: f32 = 18.0;
/// Default line height (multiple of the font size): Naskh's stacked marks need ~1.7.
pub const DEFAULT_LINE_HEIGHT: f32 = 1.75;
/// Margin around the text, in points.
const MARGIN: f32 = 12.0;
/// Shown instead of a bidi control character.
const CONTROL_MARK: char = '•';

/// A range of the document to tint (an entity mention, a search hit…).
#[derive(Clone, Debug, PartialEq)]
pub struct Highlight {
    /// Code points of the document text.
    pub char_range: Range<usize>,
    /// Fill drawn under the glyphs (use some transparency).
    pub color: Color32,
}

/// What happened in the view this frame.
#[derive(Debug)]
pub struct DocumentViewResponse {
    /// The text area's response (hover, clicks, focus).
    pub response: Response,
    /// The character under the pointer (only when the pointer is over a line's glyphs).
    pub hovered_char: Option<usize>,
    /// The character clicked this frame (plain click without drag).
    pub clicked_char: Option<usize>,
    /// The current selection, in logical order.
    pub selection: Option<Range<usize>>,
}

#[derive(Clone, Copy, Debug)]
struct Paragraph {
    char_start: usize,
    char_len: usize,
    byte_start: usize,
    byte_end: usize,
}

struct CachedLayout {
    layout: Arc<ParagraphLayout>,
    /// Paragraph-relative indices of bidi controls (drawn as marks).
    controls: Vec<usize>,
    last_pass: u64,
}

/// State of one document pane. Keep it across frames; call [`Self::ui`] every frame.
pub struct DocumentView {
    /// Font size in points.
    pub font_size: f32,
    /// Line height as a multiple of the font size.
    pub line_height: f32,
    /// The Arabic face.
    pub face: ArabicFace,
    /// Find bar state (open with Ctrl+F or [`FindState::open`]).
    pub find: FindState,
    /// Ranges drawn dimmed (e.g. scraping boilerplate): veiled with the background colour.
    pub dimmed: Vec<Range<usize>>,
    /// Marks in the right margin beside the lines of these ranges (e.g. notes), with colours.
    pub margin_marks: Vec<(Range<usize>, Color32)>,
    id_salt: String,
    doc_key: Option<u64>,
    paragraphs: Vec<Paragraph>,
    total_chars: usize,
    /// (width px, size px, line height) the heights below belong to.
    geometry: Option<(u32, u32, u32)>,
    heights: Vec<f32>,
    measured: Vec<bool>,
    tops: Vec<f32>,
    tops_dirty: bool,
    /// Running estimate for unmeasured paragraphs: layout px per char and line px.
    px_per_char: f32,
    line_px: f32,
    layouts: HashMap<usize, CachedLayout>,
    /// (anchor, cursor) in document chars.
    selection: Option<(usize, usize)>,
    pending_scroll: Option<usize>,
    /// First character at the top of the view last frame.
    top_char: usize,
    /// Where the text started on screen last frame (points) and the scale then.
    last_text_origin: Option<Pos2>,
    last_ppp: f32,
}

impl Default for DocumentView {
    fn default() -> Self {
        Self::new("khabar.document_view")
    }
}

impl DocumentView {
    /// A view whose egui ids derive from `id_salt` (unique among the parent's children).
    pub fn new(id_salt: impl Into<String>) -> Self {
        Self {
            font_size: DEFAULT_FONT_SIZE,
            line_height: DEFAULT_LINE_HEIGHT,
            face: ArabicFace::Naskh,
            find: FindState::default(),
            dimmed: Vec::new(),
            margin_marks: Vec::new(),
            id_salt: id_salt.into(),
            doc_key: None,
            paragraphs: Vec::new(),
            total_chars: 0,
            geometry: None,
            heights: Vec::new(),
            measured: Vec::new(),
            tops: vec![0.0],
            tops_dirty: true,
            px_per_char: 0.0,
            line_px: 0.0,
            layouts: HashMap::new(),
            selection: None,
            pending_scroll: None,
            top_char: 0,
            last_text_origin: None,
            last_ppp: 1.0,
        }
    }

    /// Scrolls (once, on the next frame) so the line holding `char_offset` is in view.
    pub fn scroll_to_offset(&mut self, char_offset: usize) {
        self.pending_scroll = Some(char_offset);
    }

    /// The selection in logical order, if any.
    pub fn selection(&self) -> Option<Range<usize>> {
        let (a, b) = self.selection?;
        (a != b).then(|| a.min(b)..a.max(b))
    }

    /// Sets (or clears) the selection.
    pub fn set_selection(&mut self, range: Option<Range<usize>>) {
        self.selection = range.map(|r| (r.start, r.end));
    }

    /// The selected text (logical order, original characters), if any.
    pub fn selected_text(&self, text: &str) -> Option<String> {
        let range = self.selection()?;
        let start = self.byte_of_char(text, range.start);
        let end = self.byte_of_char(text, range.end);
        text.get(start..end).map(str::to_owned)
    }

    /// Screen position (points; x of the caret, y of the line's middle) of the caret before
    /// `char_offset`, as painted last frame; None when its paragraph was not laid out.
    pub fn caret_screen_pos(&self, char_offset: usize) -> Option<Pos2> {
        let p = self.paragraph_of_char(char_offset)?;
        let para = self.paragraphs.get(p)?;
        let layout = &self.layouts.get(&p)?.layout;
        let base = self.paragraph_origin_px(p)?;
        let (line_index, x) = layout.caret_x(char_offset.saturating_sub(para.char_start));
        let line = layout.lines.get(line_index)?;
        let ppp = self.last_ppp;
        Some(pos2((base.x + x) / ppp, (base.y + line.top + line.height / 2.0) / ppp))
    }

    /// Caret stops (cluster boundaries, as document offsets) of paragraph `paragraph`, if laid
    /// out.
    pub fn caret_stops(&self, paragraph: usize) -> Vec<usize> {
        let (Some(para), Some(cached)) = (self.paragraphs.get(paragraph), self.layouts.get(&paragraph))
        else {
            return Vec::new();
        };
        super::input::caret_stops(&cached.layout, para.char_len)
            .into_iter()
            .map(|o| para.char_start + o)
            .collect()
    }

    /// For each inked glyph of paragraph `paragraph` as painted last frame: its pen position
    /// (points, from the layout), the bitmap's left bearing and width (points). For tests that
    /// compare painted quads with the layout.
    pub fn painted_glyph_pens(&self, ctx: &egui::Context, paragraph: usize) -> Vec<(Pos2, f32, f32)> {
        let (Some(cached), Some(base)) = (self.layouts.get(&paragraph), self.paragraph_origin_px(paragraph))
        else {
            return Vec::new();
        };
        let ppp = self.last_ppp;
        let system = text_system(ctx);
        let mut system = system.lock();
        let TextSystem { engine, atlas, .. } = &mut *system;
        let mut out = Vec::new();
        for line in &cached.layout.lines {
            for g in &line.glyphs {
                let (x, y) = super::painter::glyph_pen(line, g);
                let (key, _, _) =
                    super::atlas::glyph_key(g.font_id, g.glyph_id, g.font_size_px, base.x + x, base.y + y);
                if let Some(ag) = atlas.glyph(ctx, engine.font_system_mut(), key) {
                    out.push((
                        pos2((base.x + x) / ppp, (base.y + y) / ppp),
                        ag.left as f32 / ppp,
                        ag.width as f32 / ppp,
                    ));
                }
            }
        }
        out
    }

    fn paragraph_origin_px(&self, p: usize) -> Option<Vec2> {
        let origin = self.last_text_origin? + vec2(0.0, self.tops.get(p).copied()?);
        Some(origin_px(origin, self.last_ppp))
    }

    /// Number of paragraphs currently laid out and cached (for tests and the benchmark).
    pub fn cached_layouts(&self) -> usize {
        self.layouts.len()
    }

    /// Shows `text` with `highlights`. See the module doc.
    pub fn ui(&mut self, ui: &mut Ui, text: &str, highlights: &[Highlight]) -> DocumentViewResponse {
        let id = ui.make_persistent_id(&self.id_salt);
        self.ensure_paragraphs(text);

        let area_hovered = ui.rect_contains_pointer(ui.max_rect());
        let focused = ui.memory(|m| m.has_focus(id));
        if (focused || area_hovered || self.find.is_open)
            && ui.input_mut(|i| i.consume_key(Modifiers::COMMAND, Key::F))
        {
            self.find.open();
        }
        if self.find.is_open {
            self.find_bar_ui(ui, text, id);
        }

        let mut out = None;
        let scroll = ScrollArea::vertical().id_salt(id.with("scroll")).auto_shrink([false, false]);
        scroll.show_viewport(ui, |ui, viewport| {
            out = Some(self.content_ui(ui, viewport, text, highlights, id));
        });
        out.unwrap_or_else(|| {
            // `show_viewport` always runs its closure; this is only a type-level fallback.
            let response = ui.interact(Rect::NOTHING, id, Sense::hover());
            DocumentViewResponse { response, hovered_char: None, clicked_char: None, selection: None }
        })
    }

    fn find_bar_ui(&mut self, ui: &mut Ui, text: &str, id: Id) {
        let input_id = id.with("find");
        let mut step: Option<bool> = None;
        let mut close = false;
        ui.horizontal(|ui| {
            ui.with_layout(egui::Layout::right_to_left(Align::Center), |ui| {
                let response = ui.add(
                    ArabicTextInput::new(&mut self.find.query)
                        .id(input_id)
                        .label("Find in document")
                        .hint("بحث في النص")
                        .desired_width(260.0)
                        .keep_focus_on_enter(),
                );
                if self.find.wants_focus {
                    response.request_focus();
                    self.find.wants_focus = false;
                }
                if response.has_focus() {
                    ui.input_mut(|i| {
                        if i.consume_key(Modifiers::SHIFT, Key::Enter) {
                            step = Some(false);
                        } else if i.consume_key(Modifiers::NONE, Key::Enter) {
                            step = Some(true);
                        }
                        if i.consume_key(Modifiers::NONE, Key::Escape) {
                            close = true;
                        }
                    });
                }
                ui.add(ArabicLabel::new(self.find.counter_text()).size(14.0));
                if ui.button("Next").clicked() {
                    step = Some(true);
                }
                if ui.button("Previous").clicked() {
                    step = Some(false);
                }
                if ui.button("Close").clicked() {
                    close = true;
                }
            });
        });
        if close {
            self.find.close();
            return;
        }
        let doc_key = self.doc_key.unwrap_or(0);
        if self.find.update(doc_key, text, self.top_char)
            && let Some(hit) = self.find.current_hit()
        {
            self.pending_scroll = Some(hit.start);
        }
        if let Some(forward) = step {
            self.find.step(forward);
            if let Some(hit) = self.find.current_hit() {
                self.pending_scroll = Some(hit.start);
            }
        }
    }

    fn content_ui(
        &mut self,
        ui: &mut Ui,
        viewport: Rect,
        text: &str,
        highlights: &[Highlight],
        id: Id,
    ) -> DocumentViewResponse {
        let ctx = ui.ctx().clone();
        let ppp = ctx.pixels_per_point();
        let full_width = ui.available_width().max(2.0 * MARGIN + 40.0);
        let width_px = ((full_width - 2.0 * MARGIN) * ppp).floor();
        let size_px = self.font_size * ppp;
        let system = text_system(&ctx);
        let mut system = system.lock();
        self.ensure_geometry(width_px, size_px, ppp);
        let pass = ctx.cumulative_pass_nr();

        let origin = ui.cursor().min;
        if let Some(offset) = self.pending_scroll.take() {
            let target = self.prepare_scroll_target(&mut system, text, offset, viewport.height(), ppp, pass);
            if let Some(r) = target {
                ui.scroll_to_rect(r.translate(origin.to_vec2() + vec2(MARGIN, MARGIN)), Some(Align::Center));
            }
        }

        // Lay out the visible paragraphs; their real heights can move later ones, so repeat
        // until the visible set is stable (twice in practice).
        let mut visible = 0..0;
        for _ in 0..4 {
            self.update_tops();
            let now = self.visible_paragraphs(viewport);
            for p in now.clone() {
                self.layout_paragraph(&mut system, text, p, ppp, pass);
            }
            self.update_tops();
            if now == visible {
                break;
            }
            visible = now;
        }
        let total = self.tops.last().copied().unwrap_or(0.0) + 2.0 * MARGIN;
        let (rect, _) =
            ui.allocate_exact_size(vec2(full_width, total.max(viewport.height())), Sense::hover());
        let response = ui.interact(rect, id, Sense::click_and_drag());
        let text_origin = rect.min + vec2(MARGIN, MARGIN);
        self.last_text_origin = Some(text_origin);
        self.last_ppp = ppp;
        self.top_char = self.paragraphs.get(visible.start).map_or(0, |p| p.char_start);

        // Interaction.
        let mut clicked_char = None;
        let mut hovered_char = None;
        if let Some(pos) = response.hover_pos() {
            hovered_char = self.char_at(&mut system, text, pos, text_origin, ppp, pass, true);
        }
        if response.clicked() || response.drag_started() {
            response.request_focus();
        }
        let shift = ui.input(|i| i.modifiers.shift);
        if let Some(pos) = response.interact_pointer_pos() {
            let hit = self.char_at(&mut system, text, pos, text_origin, ppp, pass, false);
            if let Some(hit) = hit {
                if response.clicked() && !shift {
                    clicked_char = Some(hit);
                }
                if response.triple_clicked() {
                    self.selection = self.paragraph_range(hit).map(|r| (r.start, r.end));
                } else if response.double_clicked() {
                    self.selection = self.word_range(text, hit).map(|r| (r.start, r.end));
                } else if response.clicked() {
                    if shift {
                        let anchor = self.selection.map_or(hit, |(a, _)| a);
                        self.selection = Some((anchor, hit));
                    } else {
                        self.selection = None;
                    }
                } else if response.drag_started() {
                    let press = ui.input(|i| i.pointer.press_origin()).unwrap_or(pos);
                    let start = self.char_at(&mut system, text, press, text_origin, ppp, pass, false);
                    let anchor = match (shift, self.selection) {
                        (true, Some((a, _))) => a,
                        _ => start.unwrap_or(hit),
                    };
                    self.selection = Some((anchor, hit));
                } else if response.dragged()
                    && let Some((anchor, _)) = self.selection
                {
                    self.selection = Some((anchor, hit));
                }
            }
            if response.dragged() {
                // Auto-scroll while dragging past the top or bottom edge.
                let clip = ui.clip_rect();
                if pos.y < clip.min.y {
                    ui.scroll_with_delta(vec2(0.0, (clip.min.y - pos.y).min(40.0)));
                } else if pos.y > clip.max.y {
                    ui.scroll_with_delta(vec2(0.0, -(pos.y - clip.max.y).min(40.0)));
                }
            }
        }
        if response.has_focus() {
            let mut copy = false;
            let mut select_all = false;
            ui.input(|i| {
                for event in &i.events {
                    match event {
                        Event::Copy | Event::Cut => copy = true,
                        Event::Key { key: Key::A, pressed: true, modifiers, .. } if modifiers.command => {
                            select_all = true;
                        }
                        _ => {}
                    }
                }
            });
            if select_all {
                self.selection = Some((0, self.total_chars));
            }
            if copy && let Some(selected) = self.selected_text(text) {
                ctx.copy_text(selected);
            }
        }

        // Paint.
        let clip = ui.clip_rect();
        let painter = ui.painter();
        let visuals = ui.visuals().clone();
        let text_color = visuals.text_color();
        let selection_color = visuals.selection.bg_fill.gamma_multiply(0.8);
        let hit_color = Color32::from_rgba_unmultiplied(255, 200, 0, 70);
        let current_color = Color32::from_rgba_unmultiplied(255, 140, 0, 170);
        let control_color = Color32::from_rgba_unmultiplied(220, 40, 40, 110);
        let selection = self.selection();
        let current_hit = self.find.current_hit();
        let mut shapes = Vec::new();
        for p in visible.clone() {
            let Some(para) = self.paragraphs.get(p).copied() else { continue };
            let Some(cached) = self.layouts.get(&p) else { continue };
            let para_range = para.char_start..para.char_start + para.char_len;
            let mut local: Vec<(Range<usize>, Color32)> = Vec::new();
            let mut push = |range: &Range<usize>, color: Color32| {
                let start = range.start.max(para_range.start);
                let end = range.end.min(para_range.end);
                if start < end {
                    local.push((start - para.char_start..end - para.char_start, color));
                }
            };
            for h in highlights {
                push(&h.char_range, h.color);
            }
            let first = self.find.hits.partition_point(|h| h.end <= para_range.start);
            for hit in self.find.hits.iter().skip(first).take_while(|h| h.start < para_range.end) {
                push(hit, hit_color);
            }
            if let Some(hit) = &current_hit {
                push(hit, current_color);
            }
            if let Some(sel) = &selection {
                push(sel, selection_color);
            }
            for &c in &cached.controls {
                local.push((c..c + 1, control_color));
            }
            let para_origin = text_origin + vec2(0.0, self.tops.get(p).copied().unwrap_or(0.0));
            let layout = Arc::clone(&cached.layout);
            shapes.extend(paragraph_shapes(
                &mut system,
                &ctx,
                &layout,
                para_origin,
                text_color,
                &local,
                clip,
            ));
            let local_range = |r: &Range<usize>| {
                let start = r.start.max(para_range.start);
                let end = r.end.min(para_range.end);
                (start < end).then(|| start - para.char_start..end - para.char_start)
            };
            let veil = visuals.panel_fill.gamma_multiply(0.6);
            for r in self.dimmed.iter().filter_map(local_range) {
                for rect in super::painter::range_rects(&layout, r, para_origin, ppp) {
                    shapes.push(egui::Shape::rect_filled(rect, 0.0, veil));
                }
            }
            for (r, color) in &self.margin_marks {
                let Some(r) = local_range(r) else { continue };
                let rects = super::painter::range_rects(&layout, r, para_origin, ppp);
                let (Some(top), Some(bottom)) = (
                    rects.iter().map(|x| x.top()).min_by(f32::total_cmp),
                    rects.iter().map(|x| x.bottom()).max_by(f32::total_cmp),
                ) else {
                    continue;
                };
                let x = rect.right() - MARGIN / 2.0;
                let bar = egui::Rect::from_min_max(egui::pos2(x - 2.0, top), egui::pos2(x + 2.0, bottom));
                shapes.push(egui::Shape::rect_filled(bar, 2.0, *color));
            }
        }
        painter.extend(shapes);
        self.evict_layouts(&visible, pass);

        let label = self.accessible_label(text);
        response.widget_info(|| WidgetInfo::labeled(egui::Role::Document, true, &label));
        DocumentViewResponse { response, hovered_char, clicked_char, selection }
    }

    /// First non-empty paragraph (the headline), for accessibility and kittest queries.
    fn accessible_label(&self, text: &str) -> String {
        self.paragraphs
            .iter()
            .filter(|p| p.char_len > 0)
            .find_map(|p| text.get(p.byte_start..p.byte_end))
            .unwrap_or("")
            .trim()
            .to_string()
    }

    fn ensure_paragraphs(&mut self, text: &str) {
        let key = doc_key(text);
        if self.doc_key == Some(key) {
            return;
        }
        self.doc_key = Some(key);
        self.paragraphs.clear();
        let mut char_start = 0;
        let mut byte_start = 0;
        let mut count = 0;
        for (byte, c) in text.char_indices() {
            if c == '\n' {
                let byte_end = if byte > byte_start && text.as_bytes().get(byte - 1) == Some(&b'\r') {
                    byte - 1
                } else {
                    byte
                };
                let len = count - char_start - usize::from(byte_end != byte);
                self.paragraphs.push(Paragraph { char_start, char_len: len, byte_start, byte_end });
                char_start = count + 1;
                byte_start = byte + 1;
            }
            count += 1;
        }
        self.paragraphs.push(Paragraph {
            char_start,
            char_len: count - char_start,
            byte_start,
            byte_end: text.len(),
        });
        self.total_chars = count;
        self.geometry = None;
        self.layouts.clear();
        self.selection = None;
        self.find.hits.clear();
        self.find.current = None;
    }

    fn ensure_geometry(&mut self, width_px: f32, size_px: f32, ppp: f32) {
        let geometry = (width_px.to_bits(), size_px.to_bits(), self.line_height.to_bits());
        if self.geometry == Some(geometry) && self.heights.len() == self.paragraphs.len() {
            return;
        }
        self.geometry = Some(geometry);
        self.layouts.clear();
        if self.px_per_char <= 0.0 || self.line_px <= 0.0 {
            self.px_per_char = 0.42 * size_px;
            self.line_px = self.line_height * size_px;
        }
        let n = self.paragraphs.len();
        self.heights = vec![0.0; n];
        self.measured = vec![false; n];
        for p in 0..n {
            let h = self.estimate(p, width_px, ppp);
            if let Some(slot) = self.heights.get_mut(p) {
                *slot = h;
            }
        }
        self.tops_dirty = true;
    }

    fn width_px(&self) -> f32 {
        self.geometry.map_or(1.0, |(w, _, _)| f32::from_bits(w).max(1.0))
    }

    fn size_px(&self) -> f32 {
        self.geometry.map_or(DEFAULT_FONT_SIZE, |(_, s, _)| f32::from_bits(s))
    }

    fn estimate(&self, p: usize, width_px: f32, ppp: f32) -> f32 {
        let chars = self.paragraphs.get(p).map_or(0, |p| p.char_len);
        if chars == 0 {
            return self.empty_height(ppp);
        }
        let lines = ((chars as f32 * self.px_per_char) / width_px.max(1.0)).ceil().max(1.0);
        lines * self.line_px / ppp
    }

    fn empty_height(&self, ppp: f32) -> f32 {
        0.5 * self.line_px / ppp
    }

    fn update_tops(&mut self) {
        if !self.tops_dirty && self.tops.len() == self.heights.len() + 1 {
            return;
        }
        self.tops.clear();
        self.tops.reserve(self.heights.len() + 1);
        let mut y = 0.0;
        self.tops.push(y);
        for h in &self.heights {
            y += h;
            self.tops.push(y);
        }
        self.tops_dirty = false;
    }

    /// Paragraphs intersecting `viewport` (content coordinates, points).
    fn visible_paragraphs(&self, viewport: Rect) -> Range<usize> {
        let n = self.paragraphs.len();
        let top = viewport.min.y - MARGIN;
        let bottom = viewport.max.y - MARGIN;
        // tops[p+1] is the bottom of paragraph p.
        let first = self.tops.iter().skip(1).take(n).position(|&b| b > top).unwrap_or(n);
        let mut last = first;
        while last < n && self.tops.get(last).copied().unwrap_or(f32::MAX) < bottom {
            last += 1;
        }
        first..last.max(first)
    }

    fn paragraph_at_y(&self, y: f32) -> Option<usize> {
        let n = self.paragraphs.len();
        if n == 0 {
            return None;
        }
        let p = self.tops.partition_point(|&t| t <= y).saturating_sub(1);
        Some(p.min(n - 1))
    }

    fn paragraph_of_char(&self, offset: usize) -> Option<usize> {
        let n = self.paragraphs.len();
        if n == 0 {
            return None;
        }
        Some(self.paragraphs.partition_point(|p| p.char_start <= offset).saturating_sub(1).min(n - 1))
    }

    fn layout_paragraph(
        &mut self,
        system: &mut TextSystem,
        text: &str,
        p: usize,
        ppp: f32,
        pass: u64,
    ) -> Option<Arc<ParagraphLayout>> {
        if let Some(cached) = self.layouts.get_mut(&p) {
            cached.last_pass = pass;
            return Some(Arc::clone(&cached.layout));
        }
        let para = *self.paragraphs.get(p)?;
        let source = text.get(para.byte_start..para.byte_end)?;
        let mut controls = Vec::new();
        let display: String = source
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if is_bidi_control(c) {
                    controls.push(i);
                    CONTROL_MARK
                } else {
                    c
                }
            })
            .collect();
        let params = LayoutParams {
            font_size_px: self.size_px(),
            width_px: Some(self.width_px()),
            direction: BaseDirection::Rtl,
            line_height: self.line_height,
            face: self.face,
        };
        let layout = system.engine.layout(&display, &params);
        let height = if para.char_len == 0 { self.empty_height(ppp) } else { layout.height / ppp };
        if para.char_len > 0 && !layout.lines.is_empty() {
            // Refine the estimate for paragraphs not laid out yet.
            let line_px = layout.height / layout.lines.len() as f32;
            let used: f32 = layout.lines.iter().map(|l| l.width).sum();
            let alpha = 0.2;
            self.line_px = self.line_px * (1.0 - alpha) + line_px * alpha;
            self.px_per_char = self.px_per_char * (1.0 - alpha) + (used / para.char_len as f32) * alpha;
        }
        if let Some(h) = self.heights.get_mut(p)
            && (*h - height).abs() > 0.001
        {
            *h = height;
            self.tops_dirty = true;
        }
        if let Some(m) = self.measured.get_mut(p) {
            *m = true;
        }
        self.layouts.insert(p, CachedLayout { layout: Arc::clone(&layout), controls, last_pass: pass });
        Some(layout)
    }

    /// Lays out the paragraph holding `offset` and enough paragraphs above it to fill a
    /// viewport (so its position no longer moves when they become visible); returns the
    /// target line's rect relative to the text origin.
    fn prepare_scroll_target(
        &mut self,
        system: &mut TextSystem,
        text: &str,
        offset: usize,
        viewport_height: f32,
        ppp: f32,
        pass: u64,
    ) -> Option<Rect> {
        let p = self.paragraph_of_char(offset)?;
        let layout = self.layout_paragraph(system, text, p, ppp, pass)?;
        let mut above = 0.0;
        let mut q = p;
        while q > 0 && above < viewport_height {
            q -= 1;
            self.layout_paragraph(system, text, q, ppp, pass);
            above += self.heights.get(q).copied().unwrap_or(0.0);
        }
        self.update_tops();
        let para = self.paragraphs.get(p)?;
        let local = offset.saturating_sub(para.char_start).min(para.char_len);
        let (line_index, _) = layout.caret_x(local);
        let top = self.tops.get(p).copied().unwrap_or(0.0);
        let (line_top, line_h) =
            layout.lines.get(line_index).map_or((0.0, self.line_px), |l| (l.top / ppp, l.height / ppp));
        Some(Rect::from_min_size(pos2(0.0, top + line_top), vec2(self.width_px() / ppp, line_h)))
    }

    /// The document char at screen position `pos`. With `exact`, only when `pos` is over a
    /// line's ink extent (hover reporting); otherwise the nearest caret position (selection).
    #[allow(clippy::too_many_arguments)]
    fn char_at(
        &mut self,
        system: &mut TextSystem,
        text: &str,
        pos: Pos2,
        text_origin: Pos2,
        ppp: f32,
        pass: u64,
        exact: bool,
    ) -> Option<usize> {
        let y = pos.y - text_origin.y;
        if y < 0.0 {
            return if exact { None } else { Some(0) };
        }
        let p = self.paragraph_at_y(y)?;
        let para = *self.paragraphs.get(p)?;
        let layout = self.layout_paragraph(system, text, p, ppp, pass)?;
        let para_origin = text_origin + vec2(0.0, self.tops.get(p).copied().unwrap_or(0.0));
        let base = origin_px(para_origin, ppp);
        let x_px = pos.x * ppp - base.x;
        let y_px = pos.y * ppp - base.y;
        if y_px > layout.height && !exact {
            return Some(para.char_start + para.char_len);
        }
        if exact {
            let line = layout.lines.iter().find(|l| y_px >= l.top && y_px < l.top + l.height)?;
            if x_px < line.x || x_px > line.x + line.width || para.char_len == 0 {
                return None;
            }
        }
        let local = layout.hit_test(x_px, y_px).min(para.char_len);
        Some(para.char_start + local)
    }

    fn paragraph_range(&self, offset: usize) -> Option<Range<usize>> {
        let para = self.paragraphs.get(self.paragraph_of_char(offset)?)?;
        Some(para.char_start..para.char_start + para.char_len)
    }

    /// The word (UAX #29 word boundaries) around `offset`.
    fn word_range(&self, text: &str, offset: usize) -> Option<Range<usize>> {
        let para = *self.paragraphs.get(self.paragraph_of_char(offset)?)?;
        let source = text.get(para.byte_start..para.byte_end)?;
        let local = offset.saturating_sub(para.char_start);
        let mut start = 0;
        for word in source.split_word_bounds() {
            let len = word.chars().count();
            if local < start + len || start + len == para.char_len {
                return Some(para.char_start + start..para.char_start + start + len);
            }
            start += len;
        }
        Some(offset..offset)
    }

    fn byte_of_char(&self, text: &str, offset: usize) -> usize {
        let Some(p) = self.paragraph_of_char(offset) else { return 0 };
        let Some(para) = self.paragraphs.get(p) else { return 0 };
        let local = offset.saturating_sub(para.char_start);
        if local > para.char_len {
            // The newline after the paragraph.
            return (para.byte_end + 1).min(text.len());
        }
        let source = text.get(para.byte_start..para.byte_end).unwrap_or("");
        para.byte_start + source.char_indices().nth(local).map_or(source.len(), |(b, _)| b)
    }

    fn evict_layouts(&mut self, visible: &Range<usize>, pass: u64) {
        if self.layouts.len() <= 256 {
            return;
        }
        let keep = visible.start.saturating_sub(64)..visible.end + 64;
        self.layouts.retain(|p, c| keep.contains(p) || c.last_pass + 2 >= pass);
    }
}

/// Explicit bidi embedding, override and isolate controls (UAX #9 X1–X10 inputs).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A cheap fingerprint of the document (length plus sampled content), so a 1 MB text is not
/// hashed in full every frame.
fn doc_key(text: &str) -> u64 {
    let bytes = text.as_bytes();
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    bytes.len().hash(&mut hasher);
    if bytes.len() <= 16 * 1024 {
        bytes.hash(&mut hasher);
    } else {
        bytes.get(..4096).hash(&mut hasher);
        bytes.get(bytes.len() - 4096..).hash(&mut hasher);
        let stride = bytes.len() / 257;
        for i in 1..257 {
            bytes.get(i * stride..i * stride + 16).hash(&mut hasher);
        }
    }
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view_of(text: &str) -> DocumentView {
        let mut view = DocumentView::default();
        view.ensure_paragraphs(text);
        view
    }

    #[test]
    fn paragraphs_split_at_newlines_with_char_offsets() {
        let text = "أ ب\r\n\nجـ د\n";
        let view = view_of(text);
        let spans: Vec<(usize, usize)> = view.paragraphs.iter().map(|p| (p.char_start, p.char_len)).collect();
        assert_eq!(spans, vec![(0, 3), (5, 0), (6, 4), (11, 0)]);
        assert_eq!(view.total_chars, text.chars().count());
        let p = view.paragraphs[2];
        assert_eq!(text.get(p.byte_start..p.byte_end), Some("جـ د"));
    }

    #[test]
    fn selected_text_is_the_logical_substring_across_paragraphs() {
        let text = "قال 15 abc\nثم غادر";
        let mut view = view_of(text);
        view.set_selection(Some(4..13));
        assert_eq!(view.selected_text(text).as_deref(), Some("15 abc\nثم"));
        view.set_selection(Some(0..text.chars().count()));
        assert_eq!(view.selected_text(text).as_deref(), Some(text));
    }

    #[test]
    fn double_click_word_is_a_uax29_word_in_chars() {
        let text = "أكد الرئيس، الروسي";
        let view = view_of(text);
        assert_eq!(view.word_range(text, 6), Some(4..10));
        assert_eq!(view.word_range(text, 17), Some(12..18));
    }

    #[test]
    fn bidi_controls_are_the_explicit_embeddings_overrides_and_isolates() {
        let controls: Vec<char> = ('\u{2000}'..'\u{2100}').filter(|c| is_bidi_control(*c)).collect();
        assert_eq!(controls.len(), 9);
        assert!(!is_bidi_control('\u{200F}'), "RLM is a mark, not an embedding");
    }

    #[test]
    fn document_key_changes_with_content_of_same_length() {
        let a = "ب".repeat(20_000);
        let mut b = a.clone();
        b.replace_range(0..2, "ت");
        assert_ne!(doc_key(&a), doc_key(&b));
        assert_eq!(doc_key(&a), doc_key(&a.clone()));
    }
}

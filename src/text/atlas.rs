//! Glyph atlas: glyphs rasterised with swash (through `cosmic_text::SwashCache`) and packed
//! into a few egui textures, plus [`TextSystem`], the one shared owner of the layout engine and
//! the atlas (stored in egui's context data, see [`text_system`]).
//!
//! Glyphs are keyed by `cosmic_text::CacheKey` (font, glyph id, size in physical pixels,
//! sub-pixel x bin), rasterised unhinted (the layout's advances are unhinted too, so painted
//! positions equal the layout's), and stored white-on-transparent so a mesh vertex colour tints
//! them; colour glyphs (emoji) keep their colours. Pages are shelf-packed squares of
//! [`PAGE_SIDE`] pixels. Memory is bounded: when every page is full, the least recently used
//! page that no shape of the current pass refers to is cleared and reused (page-granular LRU).
//! This module never lays text out; it only draws what [`crate::text`] laid out.

use std::collections::HashMap;
use std::sync::Arc;

use cosmic_text::{CacheKey, CacheKeyFlags, SwashCache, SwashContent};
use egui::mutex::Mutex;
use egui::{Color32, ColorImage, Context, TextureHandle, TextureId, TextureOptions};

use super::TextEngine;

/// Side of one atlas page in texels.
pub const PAGE_SIDE: usize = 1024;
/// Pages kept before the least recently used one is recycled (4 × 4 MiB on the GPU and as
/// much on the CPU).
pub const DEFAULT_MAX_PAGES: usize = 4;
/// Empty texels kept around each glyph so linear filtering never bleeds a neighbour in.
const PADDING: usize = 1;

/// Where one rasterised glyph sits in the atlas and how it is placed around its pen position.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AtlasGlyph {
    /// Texture the glyph lives in.
    pub texture_id: TextureId,
    /// Texel rectangle normalised to 0..1 (uv).
    pub uv: egui::Rect,
    /// Offset of the bitmap's left edge from the pen x, in physical pixels.
    pub left: i32,
    /// Offset of the bitmap's top edge above the baseline, in physical pixels.
    pub top: i32,
    /// Bitmap size in physical pixels.
    pub width: u32,
    pub height: u32,
    /// A colour glyph (emoji): paint with a white vertex colour, not the text colour.
    pub is_color: bool,
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    page: usize,
    glyph: Option<AtlasGlyph>,
}

struct Shelf {
    y: usize,
    height: usize,
    x: usize,
}

struct Page {
    texture: TextureHandle,
    image: ColorImage,
    shelves: Vec<Shelf>,
    next_y: usize,
    last_used_pass: u64,
    /// Texel region changed since the last upload: [x0, y0, x1, y1).
    dirty: Option<[usize; 4]>,
}

impl Page {
    fn new(ctx: &Context, index: usize) -> Self {
        let image = ColorImage::filled([PAGE_SIDE, PAGE_SIDE], Color32::TRANSPARENT);
        let texture =
            ctx.load_texture(format!("khabar-glyphs-{index}"), image.clone(), TextureOptions::LINEAR);
        Self { texture, image, shelves: Vec::new(), next_y: 0, last_used_pass: 0, dirty: None }
    }

    fn clear(&mut self) {
        self.image.pixels.iter_mut().for_each(|p| *p = Color32::TRANSPARENT);
        self.shelves.clear();
        self.next_y = 0;
        self.dirty = Some([0, 0, PAGE_SIDE, PAGE_SIDE]);
    }

    /// Finds room for a `w`×`h` box (padding included), shelf packing.
    fn allocate(&mut self, w: usize, h: usize) -> Option<(usize, usize)> {
        if w > PAGE_SIDE || h > PAGE_SIDE {
            return None;
        }
        // Best shelf: tall enough, not much taller (keeps rows dense), with room left.
        let mut best: Option<usize> = None;
        for (i, shelf) in self.shelves.iter().enumerate() {
            if shelf.height >= h && shelf.height <= h + h / 2 + 2 && shelf.x + w <= PAGE_SIDE {
                let better = best.and_then(|b| self.shelves.get(b)).is_none_or(|b| shelf.height < b.height);
                if better {
                    best = Some(i);
                }
            }
        }
        if let Some(shelf) = best.and_then(|b| self.shelves.get_mut(b)) {
            let pos = (shelf.x, shelf.y);
            shelf.x += w;
            return Some(pos);
        }
        if self.next_y + h <= PAGE_SIDE {
            let y = self.next_y;
            self.next_y += h;
            self.shelves.push(Shelf { y, height: h, x: w });
            return Some((0, y));
        }
        None
    }

    fn mark_dirty(&mut self, x0: usize, y0: usize, x1: usize, y1: usize) {
        self.dirty = Some(match self.dirty {
            None => [x0, y0, x1, y1],
            Some([a, b, c, d]) => [a.min(x0), b.min(y0), c.max(x1), d.max(y1)],
        });
    }

    fn upload(&mut self) {
        let Some([x0, y0, x1, y1]) = self.dirty.take() else { return };
        if x1 <= x0 || y1 <= y0 {
            return;
        }
        if x0 == 0 && y0 == 0 && x1 == PAGE_SIDE && y1 == PAGE_SIDE {
            self.texture.set(self.image.clone(), TextureOptions::LINEAR);
            return;
        }
        let region = self.image.region_by_pixels([x0, y0], [x1 - x0, y1 - y0]);
        self.texture.set_partial([x0, y0], region, TextureOptions::LINEAR);
    }
}

/// Counters for tests and the benchmark.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AtlasStats {
    pub pages: usize,
    pub glyphs: usize,
    pub rasterised: u64,
    pub evicted_pages: u64,
}

/// Rasterised glyphs packed into egui textures; see the module doc.
pub struct GlyphAtlas {
    pages: Vec<Page>,
    entries: HashMap<CacheKey, Entry>,
    swash: SwashCache,
    max_pages: usize,
    pass: u64,
    dark_mode: bool,
    stats: AtlasStats,
}

impl Default for GlyphAtlas {
    fn default() -> Self {
        Self::with_max_pages(DEFAULT_MAX_PAGES)
    }
}

impl GlyphAtlas {
    /// An atlas that recycles pages beyond `max_pages` (at least one).
    pub fn with_max_pages(max_pages: usize) -> Self {
        Self {
            pages: Vec::new(),
            entries: HashMap::new(),
            swash: SwashCache::new(),
            max_pages: max_pages.max(1),
            pass: 0,
            dark_mode: true,
            stats: AtlasStats::default(),
        }
    }

    /// Starts using the atlas for the current egui pass. Glyph coverage is turned into alpha
    /// the way egui does for its own text (boosted on dark backgrounds); switching the theme
    /// clears the atlas.
    pub fn begin_pass(&mut self, ctx: &Context) {
        self.pass = ctx.cumulative_pass_nr();
        let dark_mode = ctx.global_style().visuals.dark_mode;
        if dark_mode != self.dark_mode {
            self.dark_mode = dark_mode;
            self.entries.clear();
            self.pages.iter_mut().for_each(Page::clear);
        }
    }

    /// Counters (pages in use, glyphs cached, glyphs rasterised so far, pages recycled).
    pub fn stats(&self) -> AtlasStats {
        AtlasStats { pages: self.pages.len(), glyphs: self.entries.len(), ..self.stats }
    }

    /// The atlas glyph for `key`, rasterising it on first use. `None` for glyphs without
    /// pixels (spaces) or that could not be rasterised.
    pub fn glyph(
        &mut self,
        ctx: &Context,
        font_system: &mut cosmic_text::FontSystem,
        key: CacheKey,
    ) -> Option<AtlasGlyph> {
        if let Some(entry) = self.entries.get(&key) {
            let entry = *entry;
            if let Some(page) = self.pages.get_mut(entry.page) {
                page.last_used_pass = self.pass;
            }
            return entry.glyph;
        }
        let image = self.swash.get_image_uncached(font_system, key);
        self.stats.rasterised += 1;
        let Some(image) = image else {
            self.entries.insert(key, Entry { page: usize::MAX, glyph: None });
            return None;
        };
        let (w, h) = (image.placement.width as usize, image.placement.height as usize);
        if w == 0 || h == 0 {
            self.entries.insert(key, Entry { page: usize::MAX, glyph: None });
            return None;
        }
        let (page_index, x, y) = self.allocate(ctx, w + 2 * PADDING, h + 2 * PADDING)?;
        let dark_mode = self.dark_mode;
        let page = self.pages.get_mut(page_index)?;
        let is_color = matches!(image.content, SwashContent::Color);
        for row in 0..h {
            for col in 0..w {
                let color = match image.content {
                    SwashContent::Mask => {
                        let coverage = image.data.get(row * w + col).copied().unwrap_or(0);
                        white_from_coverage(coverage, dark_mode)
                    }
                    SwashContent::Color => {
                        let i = (row * w + col) * 4;
                        match image.data.get(i..i + 4) {
                            Some(&[r, g, b, a]) => Color32::from_rgba_unmultiplied(r, g, b, a),
                            _ => Color32::TRANSPARENT,
                        }
                    }
                    SwashContent::SubpixelMask => {
                        // Not requested (we render `Format::Alpha`), kept for completeness.
                        let i = (row * w + col) * 4;
                        let coverage = image.data.get(i + 1).copied().unwrap_or(0);
                        white_from_coverage(coverage, dark_mode)
                    }
                };
                let px = x + PADDING + col;
                let py = y + PADDING + row;
                if let Some(p) = page.image.pixels.get_mut(py * PAGE_SIDE + px) {
                    *p = color;
                }
            }
        }
        page.mark_dirty(x, y, x + w + 2 * PADDING, y + h + 2 * PADDING);
        page.last_used_pass = self.pass;
        let side = PAGE_SIDE as f32;
        let uv = egui::Rect::from_min_max(
            egui::pos2((x + PADDING) as f32 / side, (y + PADDING) as f32 / side),
            egui::pos2((x + PADDING + w) as f32 / side, (y + PADDING + h) as f32 / side),
        );
        let glyph = AtlasGlyph {
            texture_id: page.texture.id(),
            uv,
            left: image.placement.left,
            top: image.placement.top,
            width: w as u32,
            height: h as u32,
            is_color,
        };
        self.entries.insert(key, Entry { page: page_index, glyph: Some(glyph) });
        Some(glyph)
    }

    /// Room for a box: an existing page, a new page, or the least recently used page
    /// (cleared) that the current pass has not drawn from.
    fn allocate(&mut self, ctx: &Context, w: usize, h: usize) -> Option<(usize, usize, usize)> {
        // Newest pages first: older ones are full most of the time.
        for (i, page) in self.pages.iter_mut().enumerate().rev() {
            if let Some((x, y)) = page.allocate(w, h) {
                return Some((i, x, y));
            }
        }
        let recycle = if self.pages.len() >= self.max_pages {
            self.pages
                .iter()
                .enumerate()
                .filter(|(_, p)| p.last_used_pass < self.pass)
                .min_by_key(|(_, p)| p.last_used_pass)
                .map(|(i, _)| i)
        } else {
            None
        };
        let index = match recycle {
            Some(i) => {
                self.entries.retain(|_, e| e.page != i);
                self.stats.evicted_pages += 1;
                let page = self.pages.get_mut(i)?;
                page.clear();
                i
            }
            None => {
                // Below the limit, or every page is in use by this very pass: grow.
                let i = self.pages.len();
                self.pages.push(Page::new(ctx, i));
                i
            }
        };
        let (x, y) = self.pages.get_mut(index)?.allocate(w, h)?;
        Some((index, x, y))
    }

    /// Uploads the texels changed since the last call. Call after painting (the painter does).
    pub fn upload(&mut self) {
        self.pages.iter_mut().for_each(Page::upload);
    }

    /// Bytes held by the atlas (CPU copy; the GPU holds as much again).
    pub fn memory_bytes(&self) -> usize {
        self.pages.len() * PAGE_SIDE * PAGE_SIDE * 4
    }
}

/// Premultiplied white with the alpha egui would use for this coverage (UI text gamma).
fn white_from_coverage(coverage: u8, dark_mode: bool) -> Color32 {
    let c = f32::from(coverage) / 255.0;
    let alpha = if dark_mode { 2.0 * c - c * c } else { c };
    Color32::from_white_alpha((alpha * 255.0).round().clamp(0.0, 255.0) as u8)
}

/// Cache key for a glyph drawn at physical pixel position `(x, y)`; returns the key and the
/// integer pixel the bitmap placement is relative to. Sub-pixel x is kept in four bins; y is
/// expected on whole pixels (baselines are rounded).
pub fn glyph_key(
    font_id: cosmic_text::fontdb::ID,
    glyph_id: u16,
    font_size_px: f32,
    x: f32,
    y: f32,
) -> (CacheKey, i32, i32) {
    CacheKey::new(
        font_id,
        glyph_id,
        font_size_px,
        (x, y.round()),
        cosmic_text::fontdb::Weight::NORMAL,
        CacheKeyFlags::DISABLE_HINTING,
    )
}

/// The layout engine and the glyph atlas, shared by every text widget of one egui context.
pub struct TextSystem {
    pub engine: TextEngine,
    pub atlas: GlyphAtlas,
    /// Elided label texts by hash of (text, size, width limit); bounded (see `label`).
    pub(crate) elide_cache: HashMap<u64, String>,
}

impl TextSystem {
    /// A system with the bundled fonts and an empty atlas.
    pub fn new() -> Self {
        Self { engine: TextEngine::new(), atlas: GlyphAtlas::default(), elide_cache: HashMap::new() }
    }
}

impl Default for TextSystem {
    fn default() -> Self {
        Self::new()
    }
}

/// Shared handle to the context's [`TextSystem`].
pub type SharedTextSystem = Arc<Mutex<TextSystem>>;

/// The [`TextSystem`] of this egui context, created on first use (loading the bundled fonts
/// takes a few milliseconds, once). Lock it for the duration of one widget's layout+paint.
pub fn text_system(ctx: &Context) -> SharedTextSystem {
    let id = egui::Id::unique("khabar.text_system");
    ctx.data_mut(|d| d.get_temp_mut_or_insert_with(id, || Arc::new(Mutex::new(TextSystem::new()))).clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{LayoutParams, TextEngine};

    fn keys_for(engine: &mut TextEngine, text: &str, size: f32) -> Vec<CacheKey> {
        let layout = engine.layout(text, &LayoutParams { font_size_px: size, ..LayoutParams::default() });
        layout
            .lines
            .iter()
            .flat_map(|l| {
                l.glyphs.iter().map(|g| glyph_key(g.font_id, g.glyph_id, g.font_size_px, g.x, 0.0).0)
            })
            .collect()
    }

    #[test]
    fn same_glyph_is_rasterised_once() {
        let ctx = Context::default();
        let mut engine = TextEngine::new();
        let mut atlas = GlyphAtlas::default();
        let keys = keys_for(&mut engine, "بببب", 20.0);
        for key in keys.iter().chain(keys.iter()) {
            atlas.glyph(&ctx, engine.font_system_mut(), *key);
        }
        let distinct: std::collections::HashSet<_> = keys.iter().collect();
        assert_eq!(atlas.stats().rasterised as usize, distinct.len());
    }

    #[test]
    fn packed_glyphs_never_overlap() {
        let ctx = Context::default();
        let mut engine = TextEngine::new();
        let mut atlas = GlyphAtlas::default();
        let mut rects: Vec<egui::Rect> = Vec::new();
        for size in [12.0, 20.0, 33.0, 48.0] {
            for key in keys_for(&mut engine, "أكد الرئيس الروسي فلاديمير بوتين abc XYZ 123", size)
            {
                if let Some(g) = atlas.glyph(&ctx, engine.font_system_mut(), key)
                    && !rects.contains(&g.uv)
                {
                    rects.push(g.uv);
                }
            }
        }
        for (i, a) in rects.iter().enumerate() {
            for b in rects.iter().skip(i + 1) {
                assert!(!a.shrink(1e-6).intersects(b.shrink(1e-6)), "{a:?} overlaps {b:?}");
            }
        }
    }

    #[test]
    fn memory_stays_bounded_by_recycling_least_recently_used_pages() {
        let ctx = Context::default();
        let mut engine = TextEngine::new();
        let mut atlas = GlyphAtlas::with_max_pages(1);
        // Many sizes of many glyphs: far more than one page holds (each pass alone fits).
        for (pass, size) in (16..58).step_by(2).chain((17..58).step_by(2)).enumerate() {
            atlas.pass = pass as u64 + 1;
            for key in keys_for(
                &mut engine,
                "أكد الرئيس الروسي فلاديمير بوتين ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                size as f32,
            ) {
                // Each glyph at four sub-pixel offsets: four distinct bitmaps.
                for bin in 0..4 {
                    let key = CacheKey {
                        x_bin: glyph_key(key.font_id, 0, 1.0, bin as f32 * 0.25, 0.0).0.x_bin,
                        ..key
                    };
                    atlas.glyph(&ctx, engine.font_system_mut(), key);
                }
            }
        }
        let stats = atlas.stats();
        // A pass that fills every page grows one more (glyphs drawn in the current pass are
        // never evicted); otherwise the least recently used page is recycled, so the atlas
        // stays at the limit plus one pass's working set, whatever the total drawn.
        assert!(stats.pages <= 3, "{stats:?}");
        assert!(stats.evicted_pages > 0, "{stats:?}");
        assert!(atlas.memory_bytes() <= 3 * PAGE_SIDE * PAGE_SIDE * 4);
    }
}

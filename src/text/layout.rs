//! Paragraph layout: the public types the painter and the dump read ([`ParagraphLayout`],
//! [`LayoutLine`], [`PositionedGlyph`]), the [`TextEngine`] that builds and caches them, and
//! the pipeline behind it:
//!
//! itemise ([`super::itemize`]) → shape each item once with HarfBuzz's Rust port (harfrust,
//! through cosmic-text's font objects; size-independent font units, cached per text) → break
//! lines like Pango (UAX #14 opportunities, "word-char" wrapping, trailing white space hangs)
//! → reorder each line's runs visually (UAX #9 L2 on the item levels) → position glyphs and
//! align (RTL paragraphs right-aligned).
//!
//! Re-wrapping at another width or size reuses the shaped items; only runs split by a line
//! break at a position HarfBuzz marks unsafe-to-break are shaped again.

use std::collections::HashMap;
use std::io;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use cosmic_text::FontSystem;

use super::fonts::{FontSet, Fonts, hyphen_char};
pub use super::itemize::BaseDirection;
use super::itemize::{Item, bidi_levels, itemize};
use super::linebreak::{LogAttr, log_attrs};

/// Which Arabic typeface a paragraph uses (Latin and Cyrillic always come from Noto Sans).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub enum ArabicFace {
    /// Noto Naskh Arabic: the reading face of the document view.
    #[default]
    Naskh,
    /// Noto Sans Arabic: compact UI face (lists, labels).
    Sans,
}

/// How to lay out one paragraph.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct LayoutParams {
    /// Font size in px.
    pub font_size_px: f32,
    /// Wrap width in px; None = a single line, no wrapping.
    pub width_px: Option<f32>,
    /// Base direction (Arabic articles force RTL).
    pub direction: BaseDirection,
    /// Line height as a multiple of the font size; raised when needed so that tashkeel is never
    /// clipped (the fonts' ascent + descent).
    pub line_height: f32,
    /// Arabic typeface.
    pub face: ArabicFace,
}

impl Default for LayoutParams {
    fn default() -> Self {
        LayoutParams {
            font_size_px: 20.0,
            width_px: None,
            direction: BaseDirection::Rtl,
            line_height: 1.6,
            face: ArabicFace::Naskh,
        }
    }
}

/// One glyph placed on a line.
#[derive(Clone, Debug, PartialEq)]
pub struct PositionedGlyph {
    pub font_id: cosmic_text::fontdb::ID,
    pub glyph_id: u16,
    /// Code point range of the cluster the glyph belongs to (paragraph-relative).
    pub cluster: Range<usize>,
    /// Drawing position (pen position + shaper x offset) relative to `LayoutLine::x`, px.
    pub x: f32,
    /// Shaper y offset, px, y up (marks raised above the base line are positive).
    pub y_offset: f32,
    /// Advance width, px.
    pub advance: f32,
    /// Bidi level of the glyph's run.
    pub level: u8,
    pub font_size_px: f32,
}

/// A shaping run of a line (for dumps and debugging): glyphs `glyphs` of `LayoutLine::glyphs`.
#[derive(Clone, Debug, PartialEq)]
pub struct LayoutRun {
    /// Code point range (paragraph-relative).
    pub chars: Range<usize>,
    pub level: u8,
    /// Position of the font in the fallback list; None = no font has these characters.
    pub font_index: Option<u8>,
    /// ISO 15924 script tag given to the shaper.
    pub script: [u8; 4],
    /// Range into `LayoutLine::glyphs`.
    pub glyphs: Range<usize>,
}

/// One visual line.
#[derive(Clone, Debug, PartialEq)]
pub struct LayoutLine {
    /// Code point range, paragraph-relative, including trailing spaces.
    pub chars: Range<usize>,
    /// Top of the line box, px from the paragraph top.
    pub top: f32,
    /// Baseline, px from the paragraph top.
    pub baseline: f32,
    /// Line box height, px.
    pub height: f32,
    /// Sum of advances, px (the space that ends a wrapped line counts 0, as in Pango).
    pub width: f32,
    /// Left edge of the line after alignment, px from the paragraph's left edge.
    pub x: f32,
    /// Glyphs in visual order, left to right.
    pub glyphs: Vec<PositionedGlyph>,
    /// Shaping runs in visual order.
    pub runs: Vec<LayoutRun>,
}

/// A laid-out paragraph.
#[derive(Clone, Debug, PartialEq)]
pub struct ParagraphLayout {
    pub text: String,
    pub lines: Vec<LayoutLine>,
    /// `width_px` when wrapping, else the widest line.
    pub width: f32,
    pub height: f32,
    /// Resolved base direction.
    pub rtl: bool,
}

/// Line breaks and height of a paragraph ([`TextEngine::measure`]).
#[derive(Clone, Debug, PartialEq)]
pub struct ParagraphMetrics {
    /// Code point range of each line.
    pub lines: Vec<Range<usize>>,
    /// Total height, px (= lines × line_height).
    pub height: f32,
    /// Height of one line box, px.
    pub line_height: f32,
}

/// A glyph as shaped, in font units.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RawGlyph {
    pub gid: u16,
    /// Paragraph-relative code point index of the cluster start.
    pub cluster: u32,
    pub dx: i32,
    pub dy: i32,
    pub adv: i32,
    pub unsafe_to_break: bool,
}

/// An item with its glyphs (visual order within the item).
#[derive(Clone, Debug)]
pub(crate) struct ShapedItem {
    pub item: Item,
    pub glyphs: Vec<RawGlyph>,
    /// Per character boundary of the item (`len + 1` entries): cutting the glyph run there
    /// gives the same glyphs as shaping the two sides apart (a cluster starts there and
    /// HarfBuzz did not flag it unsafe-to-break).
    pub safe: Vec<bool>,
}

impl ShapedItem {
    fn new(item: Item, glyphs: Vec<RawGlyph>) -> Self {
        let n = item.chars.len();
        let mut starts = vec![false; n + 1];
        let mut unsafe_at = vec![false; n + 1];
        for g in &glyphs {
            if let Some(i) = (g.cluster as usize).checked_sub(item.chars.start).filter(|&i| i < n) {
                starts[i] = true;
                unsafe_at[i] |= g.unsafe_to_break;
            }
        }
        let safe = (0..=n).map(|i| i == 0 || i == n || (starts[i] && !unsafe_at[i])).collect();
        ShapedItem { item, glyphs, safe }
    }

    fn is_safe(&self, pos: usize) -> bool {
        pos.checked_sub(self.item.chars.start).and_then(|i| self.safe.get(i)).copied().unwrap_or(false)
    }

    /// The item's glyphs whose clusters lie in `range` (a contiguous slice: HarfBuzz keeps
    /// clusters monotone, ascending for LTR and descending for RTL).
    fn slice(&self, range: &Range<usize>) -> &[RawGlyph] {
        let (a, b) = (range.start as u32, range.end as u32);
        let g = &self.glyphs;
        let (lo, hi) = if self.item.level % 2 == 1 {
            (g.partition_point(|x| x.cluster >= b), g.partition_point(|x| x.cluster >= a))
        } else {
            (g.partition_point(|x| x.cluster < a), g.partition_point(|x| x.cluster < b))
        };
        g.get(lo..hi.max(lo)).unwrap_or(&[])
    }
}

/// Widths of an item at one size, in Pango units.
#[derive(Debug)]
struct ItemMetrics {
    /// `cum[i]`: advance of the glyphs of the item's first `i` characters.
    cum: Vec<i64>,
    /// Per-character logical widths (a cluster's width split evenly over its characters, the
    /// remainder to the first), as Pango's `pango_glyph_item_get_logical_widths`.
    logw: Vec<i64>,
}

impl ItemMetrics {
    fn new(it: &ShapedItem, scale: PangoScale, unknown: &dyn Fn(&RawGlyph) -> Option<i64>) -> Self {
        let n = it.item.chars.len();
        let mut bucket = vec![0i64; n];
        let mut starts = vec![false; n];
        for g in &it.glyphs {
            if let Some(i) = (g.cluster as usize).checked_sub(it.item.chars.start).filter(|&i| i < n) {
                bucket[i] += unknown(g).unwrap_or_else(|| scale.units(g.adv));
                starts[i] = true;
            }
        }
        let mut cum = Vec::with_capacity(n + 1);
        let mut acc = 0i64;
        cum.push(0);
        for b in &bucket {
            acc += b;
            cum.push(acc);
        }
        let mut logw = vec![0i64; n];
        let mut i = 0;
        while i < n {
            let mut e = i + 1;
            while e < n && !starts[e] {
                e += 1;
            }
            let total = bucket[i];
            let len = (e - i) as i64;
            let each = total / len;
            for slot in &mut logw[i..e] {
                *slot = each;
            }
            logw[i] += total - each * len;
            i = e;
        }
        ItemMetrics { cum, logw }
    }
}

/// Everything about a paragraph that does not depend on width or size.
#[derive(Debug)]
pub(crate) struct Shaped {
    pub text: String,
    pub chars: Vec<char>,
    /// Bidi embedding levels per character.
    pub levels: Vec<u8>,
    pub rtl: bool,
    pub items: Vec<ShapedItem>,
    pub attrs: Vec<LogAttr>,
    /// Item widths at the last size laid out (re-wrapping at another width reuses them).
    metrics: std::sync::Mutex<Option<(u32, Arc<Vec<ItemMetrics>>)>>,
}

impl Shaped {
    fn metrics(
        &self,
        size: f32,
        scale_of: impl Fn(&ShapedItem) -> PangoScale,
        set: &FontSet,
    ) -> Arc<Vec<ItemMetrics>> {
        let mut guard = match self.metrics.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some((bits, m)) = guard.as_ref()
            && *bits == size.to_bits()
        {
            return Arc::clone(m);
        }
        let m = Arc::new(
            self.items
                .iter()
                .map(|it| {
                    let unknown = |g: &RawGlyph| unknown_glyph_units(it, g, &self.chars, set, size);
                    ItemMetrics::new(it, scale_of(it), &unknown)
                })
                .collect::<Vec<_>>(),
        );
        *guard = Some((size.to_bits(), Arc::clone(&m)));
        m
    }
}

/// Shapes `range` of the paragraph with `font` (harfrust), with up to 5 characters of context
/// on each side as HarfBuzz keeps. Glyphs come back in visual order.
pub(crate) fn shape_range(
    set: &FontSet,
    font: usize,
    chars: &[char],
    range: Range<usize>,
    rtl: bool,
    script: [u8; 4],
) -> Vec<RawGlyph> {
    shape_range_with(set, font, chars, range, rtl, script, false)
}

/// [`shape_range`], optionally with a hyphen appended (as Pango shapes a run broken inside a
/// word: the hyphen replaces the post-context, so the last letter takes its final form).
pub(crate) fn shape_range_with(
    set: &FontSet,
    font: usize,
    chars: &[char],
    range: Range<usize>,
    rtl: bool,
    script: [u8; 4],
    hyphen: bool,
) -> Vec<RawGlyph> {
    let Some(f) = set.font(font) else { return Vec::new() };
    let mut buf = harfrust::UnicodeBuffer::new();
    for i in range.clone() {
        if let Some(&c) = chars.get(i) {
            buf.add(c, u32::try_from(i).unwrap_or(u32::MAX));
        }
    }
    let pre: String = chars.get(range.start.saturating_sub(8)..range.start).unwrap_or(&[]).iter().collect();
    buf.set_pre_context(&pre);
    if hyphen {
        buf.add(hyphen_char(f), u32::try_from(range.end.saturating_sub(1)).unwrap_or(u32::MAX));
    } else {
        let post: String =
            chars.get(range.end..(range.end + 8).min(chars.len())).unwrap_or(&[]).iter().collect();
        buf.set_post_context(&post);
    }
    buf.set_direction(if rtl { harfrust::Direction::RightToLeft } else { harfrust::Direction::LeftToRight });
    if &script != b"Zyyy"
        && &script != b"Zinh"
        && let Some(s) = harfrust::Script::from_iso15924_tag(harfrust::Tag::new(&script))
    {
        buf.set_script(s);
    }
    buf.guess_segment_properties();
    let plan_script = Some(buf.script()).filter(|s| *s != harfrust::script::UNKNOWN);
    let out = match set.plan(font, plan_script, rtl) {
        Some(plan) => f.shaper().shape_with_plan(&plan, buf, &[]),
        None => f.shaper().shape(buf, &[]),
    };
    out.glyph_infos()
        .iter()
        .zip(out.glyph_positions())
        .map(|(info, pos)| RawGlyph {
            gid: u16::try_from(info.glyph_id).unwrap_or(0),
            cluster: info.cluster,
            dx: pos.x_offset,
            dy: pos.y_offset,
            adv: pos.x_advance,
            unsafe_to_break: info.unsafe_to_break(),
        })
        .collect()
}

/// Pango units (1/1024 px) of a font-unit value at `size` px, rounded as HarfBuzz scales
/// (`em_mult` with a 16.16 multiplier), so that line breaking measures as Pango does.
#[derive(Clone, Copy)]
struct PangoScale {
    mult: i64,
}

impl PangoScale {
    fn new(size_px: f32, upem: f32) -> Self {
        let scale = (f64::from(size_px) * 1024.0).round() as i64;
        let upem = (upem as i64).max(1);
        PangoScale { mult: (scale << 16) / upem }
    }
    fn units(self, v: i32) -> i64 {
        (i64::from(v) * self.mult + 32768) >> 16
    }
}

/// A piece of an item placed on a line (logical order until reordered).
struct Piece {
    item: usize,
    chars: Range<usize>,
}

/// The text engine: fonts, shaping and layout caches.
pub struct TextEngine {
    fonts: Fonts,
    /// Shaping results per (text, direction, face), keyed by hash (the text is checked on hit).
    shaped: HashMap<u64, (Arc<Shaped>, BaseDirection, ArabicFace, u64)>,
    /// Layouts per (text, params), keyed by hash.
    layouts: HashMap<u64, (Arc<ParagraphLayout>, LayoutParams, u64)>,
    tick: u64,
    cached_chars: usize,
    cache_limit: usize,
}

fn key_hash(text: &str, extra: &[u32]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    extra.hash(&mut h);
    h.finish()
}

fn params_bits(p: &LayoutParams) -> [u32; 6] {
    let dir = match p.direction {
        BaseDirection::Auto => 0,
        BaseDirection::Rtl => 1,
        BaseDirection::Ltr => 2,
    };
    let face = match p.face {
        ArabicFace::Naskh => 0,
        ArabicFace::Sans => 1,
    };
    [
        p.font_size_px.to_bits(),
        p.width_px.map_or(u32::MAX, f32::to_bits),
        dir,
        p.line_height.to_bits(),
        face,
        0,
    ]
}

/// Cached paragraphs (shaping results and layouts) are dropped, least recently used first,
/// beyond this many characters in total (about 100 MB).
const CACHE_CHARS: usize = 4_000_000;

impl Default for TextEngine {
    fn default() -> Self {
        Self::new()
    }
}

impl TextEngine {
    /// An engine on the bundled fonts only.
    pub fn new() -> Self {
        Self::with_fonts(Fonts::bundled())
    }

    /// An engine on font files in fallback order (first = primary), for `layout-dump --fonts`.
    pub fn from_font_files(paths: &[PathBuf]) -> io::Result<Self> {
        Ok(Self::with_fonts(Fonts::from_files(paths)?))
    }

    fn with_fonts(fonts: Fonts) -> Self {
        TextEngine {
            fonts,
            shaped: HashMap::new(),
            layouts: HashMap::new(),
            tick: 0,
            cached_chars: 0,
            cache_limit: CACHE_CHARS,
        }
    }

    /// The font system the painter rasterises with (swash).
    pub fn font_system_mut(&mut self) -> &mut FontSystem {
        &mut self.fonts.system
    }

    /// The fallback list of a face.
    pub fn font_set(&self, face: ArabicFace) -> &FontSet {
        match face {
            ArabicFace::Naskh => &self.fonts.naskh,
            ArabicFace::Sans => &self.fonts.sans,
        }
    }

    /// Lays out one paragraph (no '\n' expected; line separators are treated as spaces),
    /// cached per (text, params).
    pub fn layout(&mut self, text: &str, params: &LayoutParams) -> Arc<ParagraphLayout> {
        self.tick += 1;
        let key = key_hash(text, &params_bits(params));
        if let Some((l, p, t)) = self.layouts.get_mut(&key)
            && *p == *params
            && l.text == text
        {
            *t = self.tick;
            return Arc::clone(l);
        }
        let shaped = self.shaped(text, params.direction, params.face);
        let set = match params.face {
            ArabicFace::Naskh => &self.fonts.naskh,
            ArabicFace::Sans => &self.fonts.sans,
        };
        let layout = Arc::new(break_and_place(text, &shaped, set, params));
        self.cached_chars += shaped.chars.len();
        self.layouts.insert(key, (Arc::clone(&layout), *params, self.tick));
        self.evict();
        layout
    }

    /// Line breaks and height of a paragraph without positioning any glyph: what scrolling a
    /// long document needs for every paragraph on resize, while only visible paragraphs get a
    /// full [`TextEngine::layout`]. Same line breaks as `layout`.
    pub fn measure(&mut self, text: &str, params: &LayoutParams) -> ParagraphMetrics {
        self.tick += 1;
        let shaped = self.shaped(text, params.direction, params.face);
        let set = match params.face {
            ArabicFace::Naskh => &self.fonts.naskh,
            ArabicFace::Sans => &self.fonts.sans,
        };
        let lines = break_lines(&shaped, set, params);
        let (line_height, _, _) = line_box(set, params, size_of(params));
        let mut start = 0;
        let ranges: Vec<Range<usize>> = lines
            .iter()
            .map(|(pieces, _)| {
                let end = pieces.iter().map(|pc| pc.chars.end).max().unwrap_or(start);
                let r = start..end;
                start = end;
                r
            })
            .collect();
        ParagraphMetrics { height: line_height * ranges.len() as f32, line_height, lines: ranges }
    }

    /// Bidi embedding levels of a paragraph per character (as FriBidi resolves them, rule L1
    /// applied at the paragraph end), and the resolved direction.
    pub fn bidi_levels(&mut self, text: &str, dir: BaseDirection, face: ArabicFace) -> (Vec<u8>, bool) {
        let s = self.shaped(text, dir, face);
        (s.levels.clone(), s.rtl)
    }

    /// Sets how many characters of shaping results and layouts the caches keep (default
    /// 4 million, about 100 MB); older entries are dropped first.
    pub fn set_cache_limit(&mut self, chars: usize) {
        self.cache_limit = chars;
        self.evict();
    }

    /// Drops every cached layout and shaping result.
    pub fn clear_cache(&mut self) {
        self.layouts.clear();
        self.shaped.clear();
        self.cached_chars = 0;
    }

    fn evict(&mut self) {
        if self.cached_chars <= self.cache_limit {
            return;
        }
        // drop the older half of both caches
        let mut ticks: Vec<u64> =
            self.layouts.values().map(|v| v.2).chain(self.shaped.values().map(|v| v.3)).collect();
        ticks.sort_unstable();
        let cut = ticks.get(ticks.len() / 2).copied().unwrap_or(0);
        self.layouts.retain(|_, v| v.2 >= cut);
        self.shaped.retain(|_, v| v.3 >= cut);
        self.cached_chars =
            self.layouts.values().map(|v| v.0.lines.last().map_or(0, |l| l.chars.end)).sum::<usize>()
                + self.shaped.values().map(|v| v.0.chars.len()).sum::<usize>();
    }

    pub(crate) fn shaped(&mut self, text: &str, dir: BaseDirection, face: ArabicFace) -> Arc<Shaped> {
        let key = key_hash(text, &[dir as u32, face as u32]);
        if let Some((s, d, f, t)) = self.shaped.get_mut(&key)
            && *d == dir
            && *f == face
            && s.text == text
        {
            *t = self.tick;
            return Arc::clone(s);
        }
        let set = match face {
            ArabicFace::Naskh => &mut self.fonts.naskh,
            ArabicFace::Sans => &mut self.fonts.sans,
        };
        let s = Arc::new(shape_paragraph(text, dir, set));
        self.shaped.insert(key, (Arc::clone(&s), dir, face, self.tick));
        self.cached_chars += s.chars.len();
        self.evict();
        s
    }
}

/// Itemises and shapes a paragraph.
pub(crate) fn shape_paragraph(text: &str, dir: BaseDirection, set: &mut FontSet) -> Shaped {
    let chars: Vec<char> = text.chars().collect();
    let (levels, rtl) = bidi_levels(text, &chars, dir);
    let items = itemize(&chars, &levels, set);
    let levels_out = levels.clone();
    let items = items
        .into_iter()
        .map(|item| {
            let fi = usize::from(item.font.unwrap_or(0));
            let glyphs = shape_range(set, fi, &chars, item.chars.clone(), item.level % 2 == 1, item.script);
            ShapedItem::new(item, glyphs)
        })
        .collect();
    let attrs = log_attrs(&chars);
    Shaped {
        text: text.to_string(),
        chars,
        levels: levels_out,
        rtl,
        items,
        attrs,
        metrics: std::sync::Mutex::new(None),
    }
}

/// Glyphs of `range` (a sub-range of the item) — sliced from the item's glyphs when HarfBuzz
/// says cutting there is safe, else shaped again.
fn piece_glyphs<'a>(
    it: &'a ShapedItem,
    range: &Range<usize>,
    chars: &[char],
    set: &FontSet,
) -> std::borrow::Cow<'a, [RawGlyph]> {
    use std::borrow::Cow;
    if it.is_safe(range.start) && it.is_safe(range.end) {
        return Cow::Borrowed(it.slice(range));
    }
    let fi = usize::from(it.item.font.unwrap_or(0));
    Cow::Owned(shape_range(set, fi, chars, range.clone(), it.item.level % 2 == 1, it.item.script))
}

/// Width in Pango units of `range` of the item: from the prefix sums when the cut is safe.
fn piece_width(
    it: &ShapedItem,
    m: &ItemMetrics,
    range: &Range<usize>,
    chars: &[char],
    set: &FontSet,
    scale: PangoScale,
) -> i64 {
    if it.is_safe(range.start) && it.is_safe(range.end) {
        let s = it.item.chars.start;
        let a = m.cum.get(range.start - s).copied().unwrap_or(0);
        let b = m.cum.get(range.end - s).copied().unwrap_or(a);
        return b - a;
    }
    width_units(&piece_glyphs(it, range, chars, set), scale)
}

/// Pango's width for a glyph no font has (a hex box), in Pango units; None for real glyphs.
fn unknown_glyph_units(
    it: &ShapedItem,
    g: &RawGlyph,
    chars: &[char],
    set: &FontSet,
    size: f32,
) -> Option<i64> {
    if g.gid != 0 {
        return None;
    }
    let c = chars.get(g.cluster as usize).copied()?;
    if it
        .item
        .font
        .is_some_and(|f| set.font(usize::from(f)).is_some_and(|font| font.as_swash().charmap().map(c) != 0))
    {
        return None;
    }
    if g.adv == 0 {
        return Some(0);
    }
    Some(set.hex_box_units(c, size))
}

fn width_units(glyphs: &[RawGlyph], scale: PangoScale) -> i64 {
    glyphs.iter().map(|g| scale.units(g.adv)).sum()
}

fn size_of(p: &LayoutParams) -> f32 {
    if p.font_size_px.is_finite() && p.font_size_px > 0.0 { p.font_size_px } else { 1.0 }
}

/// Breaks the shaped paragraph into lines, then reorders and positions each line.
fn break_and_place(text: &str, sh: &Shaped, set: &FontSet, p: &LayoutParams) -> ParagraphLayout {
    let lines = break_lines(sh, set, p);
    place_lines(text, sh, set, p, size_of(p), lines)
}

/// Line breaking (Pango's `process_line`/`process_item` with `PANGO_WRAP_WORD_CHAR`): the
/// pieces of items on each line, in logical order, and whether the line was wrapped.
fn break_lines(sh: &Shaped, set: &FontSet, p: &LayoutParams) -> Vec<(Vec<Piece>, bool)> {
    let size = size_of(p);
    let upem0 = set.upem.first().copied().unwrap_or(1000.0);
    let scales: Vec<PangoScale> = (0..set.len().max(1))
        .map(|i| PangoScale::new(size, set.upem.get(i).copied().unwrap_or(upem0)))
        .collect();
    let scale_of =
        |it: &ShapedItem| scales.get(usize::from(it.item.font.unwrap_or(0))).copied().unwrap_or(scales[0]);
    let limit: Option<i64> =
        p.width_px.filter(|w| w.is_finite()).map(|w| (f64::from(w.max(0.0)) * 1024.0).round() as i64);
    let n = sh.chars.len();
    let attrs = &sh.attrs;
    let can_break = |off: usize, char_wrap: bool| -> bool {
        if off >= n {
            return true;
        }
        attrs.get(off).is_some_and(|a| if char_wrap { a.is_char_break } else { a.is_line_break })
    };
    let is_white = |i: usize| attrs.get(i).is_some_and(|a| a.is_white);
    let attr = |i: usize| attrs.get(i).copied();
    let hyphens: Vec<i64> = (0..set.len())
        .map(|i| {
            let units = set.hyphen_units.get(i).copied().unwrap_or(0);
            scales.get(i).map_or(0, |s| s.units(units))
        })
        .collect();
    let hyphen_of =
        |it: &ShapedItem| hyphens.get(usize::from(it.item.font.unwrap_or(0))).copied().unwrap_or(0);

    let mut lines_pieces: Vec<(Vec<Piece>, bool)> = Vec::new();
    // queue of pieces still to place: (item index, char range)
    let mut queue: std::collections::VecDeque<Piece> =
        sh.items.iter().enumerate().map(|(i, it)| Piece { item: i, chars: it.item.chars.clone() }).collect();
    let metrics = sh.metrics(size, scale_of, set);

    if limit.is_none() {
        let pieces: Vec<Piece> = queue.drain(..).collect();
        lines_pieces.push((pieces, false));
    }
    while !queue.is_empty() {
        let Some(limit) = limit else { break };
        let mut line: Vec<Piece> = Vec::new();
        let mut remaining = limit;
        let mut have_break = false;
        let mut break_state: Option<(usize, i64)> = None; // (line.len() before run, remaining)
        let mut wrapped = false;
        'line: while let Some(piece) = queue.pop_front() {
            let it = &sh.items[piece.item];
            let m = &metrics[piece.item];
            let is_last_item = queue.is_empty();
            let first_in_line = line.is_empty();
            let scale = scale_of(it);
            let old_remaining = remaining;
            let result = process_piece(
                &piece,
                it,
                m,
                &mut remaining,
                !have_break,
                false,
                is_last_item,
                !line.is_empty(),
                &can_break,
                &is_white,
                &attr,
                &sh.chars,
                set,
                scale,
                hyphen_of(it),
            );
            match result {
                Fit::All => {
                    let nchars = piece.chars.len();
                    let from = if first_in_line { 1 } else { 0 };
                    let breaks_inside = (from..nchars).any(|i| can_break(piece.chars.start + i, false));
                    let old_len = line.len();
                    line.push(piece);
                    if breaks_inside {
                        have_break = true;
                        break_state = Some((old_len, old_remaining));
                    }
                }
                Fit::Empty => {
                    queue.push_front(piece);
                    wrapped = true;
                    break 'line;
                }
                Fit::Some(k) => {
                    let s = piece.chars.start;
                    line.push(Piece { item: piece.item, chars: s..s + k });
                    queue.push_front(Piece { item: piece.item, chars: s + k..piece.chars.end });
                    wrapped = true;
                    break 'line;
                }
                Fit::None => {
                    queue.push_front(piece);
                    let (keep, rem) = break_state.unwrap_or((0, limit));
                    while line.len() > keep {
                        if let Some(pc) = line.pop() {
                            queue.push_front(pc);
                        }
                    }
                    remaining = rem;
                    let Some(piece) = queue.pop_front() else { break 'line };
                    let it = &sh.items[piece.item];
                    let m = &metrics[piece.item];
                    let r = process_piece(
                        &piece,
                        it,
                        m,
                        &mut remaining,
                        true,
                        true,
                        queue.is_empty(),
                        !line.is_empty(),
                        &can_break,
                        &is_white,
                        &attr,
                        &sh.chars,
                        set,
                        scale_of(it),
                        hyphen_of(it),
                    );
                    match r {
                        Fit::Some(k) => {
                            let s = piece.chars.start;
                            line.push(Piece { item: piece.item, chars: s..s + k });
                            queue.push_front(Piece { item: piece.item, chars: s + k..piece.chars.end });
                        }
                        Fit::All => line.push(piece),
                        _ => queue.push_front(piece),
                    }
                    wrapped = true;
                    break 'line;
                }
            }
        }
        if line.is_empty() {
            // safety net: never loop forever; take one character
            if let Some(pc) = queue.pop_front() {
                let s = pc.chars.start;
                line.push(Piece { item: pc.item, chars: s..s + 1 });
                if s + 1 < pc.chars.end {
                    queue.push_front(Piece { item: pc.item, chars: s + 1..pc.chars.end });
                }
            }
        }
        lines_pieces.push((line, wrapped && !queue.is_empty()));
    }
    if lines_pieces.is_empty() {
        lines_pieces.push((Vec::new(), false));
    }
    lines_pieces
}

enum Fit {
    None,
    Empty,
    Some(usize),
    All,
}

/// Pango's `process_item` (without tabs, letter spacing and hyphens): how much of `piece` fits
/// in `remaining` (Pango units).
#[allow(clippy::too_many_arguments)]
fn process_piece(
    piece: &Piece,
    it: &ShapedItem,
    m: &ItemMetrics,
    remaining: &mut i64,
    force_fit: bool,
    no_break_at_end: bool,
    is_last_item: bool,
    line_has_runs: bool,
    can_break: &dyn Fn(usize, bool) -> bool,
    is_white: &dyn Fn(usize) -> bool,
    attr: &dyn Fn(usize) -> Option<LogAttr>,
    chars: &[char],
    set: &FontSet,
    scale: PangoScale,
    hyphen: i64,
) -> Fit {
    let nchars = piece.chars.len();
    let start = piece.chars.start;
    let off0 = start - it.item.chars.start;
    let logw = m.logw.get(off0..off0 + nchars).unwrap_or(&[]);
    // a fresh item is measured by its glyphs, the rest of a broken item by its log widths
    let width =
        if piece.chars == it.item.chars { m.cum.last().copied().unwrap_or(0) } else { logw.iter().sum() };
    let needs_hyphen =
        |k: usize| attr(start + k).is_some_and(|a| a.break_inserts_hyphen || a.break_removes_preceding);
    let prev_w = |k: usize| if k > 0 { logw.get(k - 1).copied().unwrap_or(0) } else { 0 };
    // Pango's find_break_extra_width
    let extra_at = |k: usize| -> i64 {
        match attr(start + k) {
            Some(a) if a.break_inserts_hyphen => {
                if a.break_removes_preceding && k > 0 {
                    hyphen - prev_w(k)
                } else {
                    hyphen
                }
            }
            _ if k > 0 && is_white(start + k - 1) => -prev_w(k),
            _ => 0,
        }
    };
    let extra = if !no_break_at_end && can_break(start + nchars, false) { extra_at(nchars) } else { 0 };
    if (width + extra <= *remaining || (nchars == 1 && !line_has_runs)) && !no_break_at_end {
        let shaped = piece_width(it, m, &piece.chars, chars, set, scale);
        if shaped + extra <= *remaining || (nchars == 1 && !line_has_runs) {
            *remaining = (*remaining - shaped).max(0);
            return Fit::All;
        }
    }
    let orig_width = width;
    let orig_extra = extra;
    let mut char_wrap = false;
    loop {
        let mut break_num = nchars;
        let mut break_width = orig_width;
        let mut break_extra = orig_extra;
        let mut w: i64 = 0;
        let upto = if no_break_at_end { nchars } else { nchars + 1 };
        for k in 0..upto {
            let ex = extra_at(k);
            if w.min(w + ex) > *remaining && break_num < nchars {
                break;
            }
            if can_break(start + k, char_wrap) && (k > 0 || line_has_runs) {
                if k == 0 {
                    break_num = 0;
                    break_width = 0;
                    break_extra = ex;
                } else {
                    let sub = start..start + k;
                    let nw = if k < nchars && needs_hyphen(k) {
                        // measured as Pango does: the piece shaped with its hyphen
                        let fi = usize::from(it.item.font.unwrap_or(0));
                        let rtl = it.item.level % 2 == 1;
                        width_units(&shape_range_with(set, fi, chars, sub, rtl, it.item.script, true), scale)
                    } else {
                        piece_width(it, m, &sub, chars, set, scale)
                    };
                    let ex2 = if (k < nchars || !is_last_item) && is_white(start + k - 1) {
                        -prev_w(k)
                    } else if k == nchars && !is_last_item && needs_hyphen(k) {
                        hyphen
                    } else {
                        0
                    };
                    if break_num == nchars || nw + ex2 <= *remaining || nw + ex2 < break_width + break_extra {
                        break_num = k;
                        break_width = nw;
                        break_extra = ex2;
                    }
                }
            }
            if k < nchars {
                w += logw.get(k).copied().unwrap_or(0);
            }
        }
        if !char_wrap && force_fit && break_width + break_extra > *remaining {
            char_wrap = true;
            continue;
        }
        if force_fit || break_width + break_extra <= *remaining {
            *remaining = (*remaining - (break_width + break_extra)).max(0);
            return if break_num == nchars {
                Fit::All
            } else if break_num == 0 {
                Fit::Empty
            } else {
                Fit::Some(break_num)
            };
        }
        return Fit::None;
    }
}

/// Pango's run reordering (L2 on item levels): runs in visual order.
fn reorder(levels: &[u8]) -> Vec<usize> {
    fn rec(idx: &[usize], levels: &[u8]) -> Vec<usize> {
        if idx.is_empty() {
            return Vec::new();
        }
        let min = idx.iter().map(|&i| levels.get(i).copied().unwrap_or(0)).min().unwrap_or(0);
        let mut out: Vec<usize> = Vec::new();
        let mut seg_start = 0;
        for (k, &i) in idx.iter().enumerate() {
            if levels.get(i).copied().unwrap_or(0) == min {
                let inner = rec(&idx[seg_start..k], levels);
                if min % 2 == 1 {
                    let mut v = vec![i];
                    v.extend(inner);
                    v.extend(out);
                    out = v;
                } else {
                    out.extend(inner);
                    out.push(i);
                }
                seg_start = k + 1;
            }
        }
        let inner = rec(&idx[seg_start..], levels);
        if min % 2 == 1 {
            let mut v = inner;
            v.extend(out);
            out = v;
        } else {
            out.extend(inner);
        }
        out
    }
    let idx: Vec<usize> = (0..levels.len()).collect();
    rec(&idx, levels)
}

/// Line box height, ascent and descent in px: `line_height × size`, raised to the fonts'
/// ascent + descent so that marks above and below are never clipped.
fn line_box(set: &FontSet, p: &LayoutParams, size: f32) -> (f32, f32, f32) {
    let asc = set.ascent_em * size;
    let desc = set.descent_em * size;
    let lh = if p.line_height.is_finite() { p.line_height } else { 1.0 };
    ((lh * size).max(asc + desc).ceil(), asc, desc)
}

fn place_lines(
    text: &str,
    sh: &Shaped,
    set: &FontSet,
    p: &LayoutParams,
    size: f32,
    lines: Vec<(Vec<Piece>, bool)>,
) -> ParagraphLayout {
    let (height, asc, desc) = line_box(set, p, size);
    let mut out_lines = Vec::with_capacity(lines.len());
    let mut top = 0.0f32;
    let mut max_w = 0.0f32;
    let n = sh.chars.len();
    let mut line_start = 0usize;
    for (pieces, wrapped) in lines {
        let end = pieces.iter().map(|pc| pc.chars.end).max().unwrap_or(line_start);
        let start = pieces.iter().map(|pc| pc.chars.start).min().unwrap_or(line_start);
        let levels: Vec<u8> =
            pieces.iter().map(|pc| sh.items.get(pc.item).map_or(0, |it| it.item.level)).collect();
        let order = reorder(&levels);
        // glyphs per piece
        let mut piece_gl: Vec<std::borrow::Cow<'_, [RawGlyph]>> = pieces
            .iter()
            .map(|pc| {
                sh.items
                    .get(pc.item)
                    .map(|it| piece_glyphs(it, &pc.chars, &sh.chars, set))
                    .unwrap_or(std::borrow::Cow::Borrowed(&[]))
            })
            .collect();
        // zero the space that ends a wrapped line (logically last piece)
        if wrapped
            && let Some(last) = pieces.len().checked_sub(1)
            && end > 0
            && sh.attrs.get(end - 1).is_some_and(|a| a.is_white)
            && let Some(g) = piece_gl.get_mut(last)
        {
            let rtl = levels.get(last).copied().unwrap_or(0) % 2 == 1;
            let gi = if rtl { 0 } else { g.len().saturating_sub(1) };
            let neighbour = if rtl { gi + 1 } else { gi.wrapping_sub(1) };
            let same_cluster =
                g.len() >= 2 && g.get(gi).map(|x| x.cluster) == g.get(neighbour).map(|x| x.cluster);
            if !same_cluster && let Some(x) = g.to_mut().get_mut(gi) {
                x.adv = 0;
            }
        }
        let mut glyphs = Vec::new();
        let mut runs = Vec::new();
        let mut pen = 0.0f32;
        for &k in &order {
            let (Some(pc), Some(gl)) = (pieces.get(k), piece_gl.get(k)) else { continue };
            let Some(it) = sh.items.get(pc.item) else { continue };
            let fi = usize::from(it.item.font.unwrap_or(0));
            let upem = set.upem.get(fi).copied().unwrap_or(1000.0);
            let f = size / upem;
            let font_id = set.ids.get(fi).copied().unwrap_or_else(|| set.ids[0]);
            let rtl = it.item.level % 2 == 1;
            let g0 = glyphs.len();
            for (gi, g) in gl.iter().enumerate() {
                let c0 = g.cluster as usize;
                // cluster end: next different cluster in logical order, or the piece end
                let c1 = if rtl {
                    (0..gi).rev().map(|j| gl[j].cluster as usize).find(|&c| c != c0)
                } else {
                    gl[gi + 1..].iter().map(|x| x.cluster as usize).find(|&c| c != c0)
                }
                .unwrap_or(pc.chars.end)
                .max(c0 + 1)
                .min(n.max(c0 + 1));
                let adv = g.adv as f32 * f;
                glyphs.push(PositionedGlyph {
                    font_id,
                    glyph_id: g.gid,
                    cluster: c0..c1,
                    x: pen + g.dx as f32 * f,
                    y_offset: g.dy as f32 * f,
                    advance: adv,
                    level: it.item.level,
                    font_size_px: size,
                });
                pen += adv;
            }
            runs.push(LayoutRun {
                chars: pc.chars.clone(),
                level: it.item.level,
                font_index: it.item.font,
                script: it.item.script,
                glyphs: g0..glyphs.len(),
            });
        }
        let width = pen;
        max_w = max_w.max(width);
        let x = match p.width_px {
            Some(w) if sh.rtl && w.is_finite() => w - width,
            _ => 0.0,
        };
        out_lines.push(LayoutLine {
            chars: start..end,
            top,
            baseline: top + (height - asc - desc) / 2.0 + asc,
            height,
            width,
            x,
            glyphs,
            runs,
        });
        top += height;
        line_start = end;
    }
    let width = match p.width_px {
        Some(w) if w.is_finite() => w,
        _ => max_w,
    };
    if p.width_px.is_none() && sh.rtl {
        for l in &mut out_lines {
            l.x = width - l.width;
        }
    }
    ParagraphLayout { text: text.to_string(), lines: out_lines, width, height: top, rtl: sh.rtl }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(width: Option<f32>) -> LayoutParams {
        LayoutParams { width_px: width, ..LayoutParams::default() }
    }

    #[test]
    fn rtl_paragraph_starting_with_latin_is_right_aligned_and_rtl() {
        let mut e = TextEngine::new();
        let l = e.layout("date 2025-10-27 خبر عاجل", &params(Some(600.0)));
        assert!(l.rtl);
        assert_eq!(l.lines.len(), 1);
        let line = &l.lines[0];
        assert!((line.x + line.width - 600.0).abs() < 0.01);
        // the Latin run is visually left of the Arabic words
        let first = &line.glyphs[0];
        assert!(first.cluster.start >= 16, "leftmost glyph should be Arabic, got {:?}", first.cluster);
    }

    #[test]
    fn digits_keep_their_order_inside_arabic() {
        let mut e = TextEngine::new();
        let l = e.layout("في عام 2025 م", &params(None));
        let clusters: Vec<usize> = l.lines[0].glyphs.iter().map(|g| g.cluster.start).collect();
        let pos = |c: usize| clusters.iter().position(|&x| x == c).unwrap();
        // "2025" = chars 7..11, left to right in visual order
        assert!(pos(7) < pos(8) && pos(8) < pos(9) && pos(9) < pos(10));
    }

    #[test]
    fn wrapping_breaks_between_words_and_keeps_every_char() {
        let mut e = TextEngine::new();
        let text = "هذا نص عربي طويل يجب أن يلتف على عدة أسطر عندما يكون العرض ضيقا جدا";
        let l = e.layout(text, &params(Some(150.0)));
        assert!(l.lines.len() > 2);
        let mut next = 0;
        for line in &l.lines {
            assert_eq!(line.chars.start, next);
            next = line.chars.end;
            assert!(line.width <= 150.5, "line too wide: {}", line.width);
        }
        assert_eq!(next, text.chars().count());
    }

    #[test]
    fn layouts_are_cached_per_text_and_params() {
        let mut e = TextEngine::new();
        let a = e.layout("نص", &params(Some(100.0)));
        let b = e.layout("نص", &params(Some(100.0)));
        assert!(Arc::ptr_eq(&a, &b));
        let c = e.layout("نص", &params(Some(200.0)));
        assert!(!Arc::ptr_eq(&a, &c));
    }

    #[test]
    fn an_unclosed_override_reorders_only_its_own_paragraph() {
        let mut e = TextEngine::new();
        let p = LayoutParams { direction: BaseDirection::Ltr, ..params(None) };
        // RLO never closed: the rest of this paragraph is drawn right to left...
        let a = e.layout("ab \u{202e}cde", &p);
        let order: Vec<usize> = a.lines[0].glyphs.iter().map(|g| g.cluster.start).collect();
        let pos = |c: usize| order.iter().position(|&x| x == c).unwrap();
        assert!(pos(4) > pos(5) && pos(5) > pos(6), "{order:?}");
        // ...and the next paragraph is laid out on its own, untouched
        let b = e.layout("cde", &p);
        let order: Vec<usize> = b.lines[0].glyphs.iter().map(|g| g.cluster.start).collect();
        assert_eq!(order, vec![0, 1, 2]);
        assert!(b.lines[0].glyphs.iter().all(|g| g.level == 0));
    }

    #[test]
    fn measure_gives_the_line_breaks_of_layout() {
        let mut e = TextEngine::new();
        let text = "هذا نص عربي طويل يجب أن يلتف على عدة أسطر عندما يكون العرض ضيقا جدا with English too";
        for w in [90.0, 150.0, 333.0] {
            let m = e.measure(text, &params(Some(w)));
            let l = e.layout(text, &params(Some(w)));
            let ranges: Vec<Range<usize>> = l.lines.iter().map(|x| x.chars.clone()).collect();
            assert_eq!(m.lines, ranges);
            assert!((m.height - l.height).abs() < 0.01);
        }
    }

    #[test]
    fn line_height_never_clips_marks() {
        let mut e = TextEngine::new();
        let l = e.layout("بِسْمِ", &LayoutParams { line_height: 0.5, ..params(None) });
        let set = e.font_set(ArabicFace::Naskh);
        assert!(l.lines[0].height >= (set.ascent_em + set.descent_em) * 20.0 - 0.01);
        assert!(l.lines[0].baseline - l.lines[0].top >= set.ascent_em * 20.0 - 0.01);
    }

    #[test]
    fn engine_and_layouts_can_move_between_threads() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<TextEngine>();
        send_sync::<ParagraphLayout>();
    }

    #[test]
    fn odd_input_never_panics_and_lines_cover_every_char() {
        let mut e = TextEngine::new();
        let texts = [
            "",
            " ",
            "\u{64b}\u{651}",
            "a\nb\r\nc\u{2029}d\u{85}e",
            "\u{202e}\u{202e}\u{2067}\u{2067}",
            "\u{2069}\u{202c}x",
            "\t\t\tعربي\t",
            "\u{fffd}\u{10ffff}\u{e000}\u{1f600}\u{1f1f8}\u{1f1e6}",
            "ـــــــــــــــــــــــــــــــــــــــــــــــــــ",
            "https://example.com/a/very/long/path/without/spaces/that/must/be/broken/somewhere/abc",
        ];
        let widths =
            [None, Some(0.0), Some(1.0), Some(37.0), Some(f32::NAN), Some(-5.0), Some(f32::INFINITY)];
        for t in texts {
            for w in widths {
                for size in [0.0, -3.0, 7.5, 20.0, f32::NAN] {
                    for direction in [BaseDirection::Auto, BaseDirection::Rtl, BaseDirection::Ltr] {
                        let p = LayoutParams {
                            width_px: w,
                            font_size_px: size,
                            direction,
                            ..LayoutParams::default()
                        };
                        let l = e.layout(t, &p);
                        let mut next = 0;
                        for line in &l.lines {
                            assert_eq!(line.chars.start, next, "{t:?} {p:?}");
                            next = line.chars.end;
                        }
                        assert_eq!(next, t.chars().count(), "{t:?} {p:?}");
                        let _ = l.hit_test(f32::NAN, f32::NAN);
                        let _ = l.hit_test(-1e9, 1e9);
                        let _ = l.caret_x(usize::MAX);
                        let _ = l.selection_rects(0..usize::MAX);
                    }
                }
            }
        }
    }

    #[test]
    fn caches_stay_bounded() {
        let mut e = TextEngine::new();
        e.set_cache_limit(50_000);
        let para = "نص عربي للاختبار ".repeat(20);
        for i in 0..300 {
            let t = format!("{para}{i}");
            e.measure(&t, &params(Some(300.0)));
            e.layout(&t, &params(Some(300.0)));
        }
        assert!(e.cached_chars <= 50_000 + 1_000, "{}", e.cached_chars);
        assert!(e.shaped.len() < 300 && e.layouts.len() < 300);
    }

    #[test]
    fn reorder_follows_rule_l2() {
        assert_eq!(reorder(&[1, 2, 1]), vec![2, 1, 0]);
        assert_eq!(reorder(&[0, 1, 1, 0]), vec![0, 2, 1, 3]);
        assert_eq!(reorder(&[1, 2, 2, 1]), vec![3, 1, 2, 0]);
    }
}

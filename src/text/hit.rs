//! Pure geometry on a [`ParagraphLayout`] (no egui): cluster boxes, caret positions,
//! hit-testing at cluster granularity and selection rectangles that are exact across bidi
//! boundaries. All x coordinates here are paragraph-relative (they include `LayoutLine::x`).

use std::ops::Range;

use super::layout::{LayoutLine, ParagraphLayout};

/// A cluster's box on a line: the characters it draws and its horizontal extent.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterBox {
    pub chars: Range<usize>,
    /// Left and right edge, paragraph-relative px.
    pub x0: f32,
    pub x1: f32,
    pub rtl: bool,
    /// Caret stops inside the box, from `chars.start` to `chars.end`: grapheme cluster
    /// boundaries (a ligature of several letters has a stop between its letters, never
    /// between a letter and its marks).
    pub stops: Vec<usize>,
}

impl ClusterBox {
    /// x of the caret before character `offset`; inside a ligature the box is divided evenly
    /// between its grapheme clusters.
    pub fn caret(&self, offset: usize) -> f32 {
        let parts = self.stops.len().saturating_sub(1).max(1) as f32;
        let k = self.stops.iter().rposition(|&s| s <= offset).unwrap_or(0) as f32;
        let f = k / parts;
        if self.rtl { self.x1 - f * (self.x1 - self.x0) } else { self.x0 + f * (self.x1 - self.x0) }
    }
}

/// Grapheme cluster starts of `text`'s characters `range` (char offsets), plus the range end.
fn grapheme_stops(text: &str, range: Range<usize>) -> Vec<bool> {
    use unicode_segmentation::UnicodeSegmentation;
    let mut stops = vec![false; range.len() + 1];
    let start_byte = text.char_indices().nth(range.start).map_or(text.len(), |(b, _)| b);
    let sub = text.get(start_byte..).unwrap_or("");
    let mut ci = 0;
    for g in sub.graphemes(true) {
        if ci > range.len() {
            break;
        }
        if let Some(s) = stops.get_mut(ci) {
            *s = true;
        }
        ci += g.chars().count();
    }
    if let Some(s) = stops.get_mut(range.len().min(ci)) {
        *s = true;
    }
    if let Some(s) = stops.last_mut() {
        *s = true;
    }
    stops
}

/// The cluster boxes of a line in visual order (glyphs of one cluster merged).
pub fn cluster_boxes(text: &str, line: &LayoutLine) -> Vec<ClusterBox> {
    let mut out: Vec<ClusterBox> = Vec::new();
    let mut pen = line.x;
    for g in &line.glyphs {
        let x0 = pen;
        pen += g.advance;
        let rtl = g.level % 2 == 1;
        if let Some(last) = out.last_mut()
            && last.chars == g.cluster
        {
            last.x0 = last.x0.min(x0);
            last.x1 = last.x1.max(pen);
            continue;
        }
        out.push(ClusterBox { chars: g.cluster.clone(), x0, x1: pen.max(x0), rtl, stops: Vec::new() });
    }
    let gs = grapheme_stops(text, line.chars.clone());
    for b in &mut out {
        b.stops = (b.chars.start..=b.chars.end)
            .filter(|&o| {
                o == b.chars.start || o == b.chars.end || {
                    o.checked_sub(line.chars.start).and_then(|i| gs.get(i)).copied().unwrap_or(false)
                }
            })
            .collect();
    }
    out
}

impl ParagraphLayout {
    /// Number of characters of the paragraph.
    pub fn char_count(&self) -> usize {
        self.lines.last().map_or(0, |l| l.chars.end)
    }

    /// The line that shows the caret at `offset`: a line-boundary offset belongs to the line it
    /// starts; the paragraph end to the last line.
    pub fn line_of_offset(&self, offset: usize) -> usize {
        let last = self.lines.len().saturating_sub(1);
        self.lines.iter().position(|l| offset < l.chars.end).unwrap_or(last).min(last)
    }

    /// Caret position before character `offset`: (line index, paragraph-relative x).
    pub fn caret_x(&self, offset: usize) -> (usize, f32) {
        let li = self.line_of_offset(offset);
        let Some(line) = self.lines.get(li) else { return (0, 0.0) };
        let offset = offset.clamp(line.chars.start, line.chars.end);
        let boxes = cluster_boxes(&self.text, line);
        if let Some(b) = boxes.iter().find(|b| b.chars.start <= offset && offset < b.chars.end) {
            return (li, b.caret(offset));
        }
        if let Some(b) = boxes.iter().find(|b| b.chars.end == offset) {
            return (li, b.caret(offset));
        }
        // empty line (or characters without glyphs): the line's start edge
        let x = if self.rtl { line.x + line.width } else { line.x };
        (li, x)
    }

    /// The caret offset closest to paragraph-relative point (x, y), at cluster granularity.
    pub fn hit_test(&self, x: f32, y: f32) -> usize {
        let Some(last) = self.lines.len().checked_sub(1) else { return 0 };
        let li = self.lines.iter().position(|l| y < l.top + l.height).unwrap_or(last);
        let Some(line) = self.lines.get(li) else { return 0 };
        let boxes = cluster_boxes(&self.text, line);
        let (Some(first), Some(lastb)) = (boxes.first(), boxes.last()) else { return line.chars.start };
        let pick = if x < first.x0 {
            if first.rtl { first.chars.end } else { first.chars.start }
        } else if x >= lastb.x1 {
            if lastb.rtl { lastb.chars.start } else { lastb.chars.end }
        } else {
            let b = boxes.iter().find(|b| b.x0 <= x && x < b.x1).or_else(|| {
                // in a gap (zero-width boxes): the nearest box
                boxes.iter().min_by(|a, b| {
                    let da = (a.x0 - x).abs().min((a.x1 - x).abs());
                    let db = (b.x0 - x).abs().min((b.x1 - x).abs());
                    da.total_cmp(&db)
                })
            });
            match b {
                Some(b) => {
                    // nearest caret position inside the box (cluster or ligature part)
                    let mut best = b.chars.start;
                    let mut dist = f32::INFINITY;
                    for &o in &b.stops {
                        let d = (b.caret(o) - x).abs();
                        if d < dist {
                            dist = d;
                            best = o;
                        }
                    }
                    best
                }
                None => line.chars.start,
            }
        };
        // the end of a wrapped line is the start of the next one: stay on this line
        if li < last && pick >= line.chars.end && line.chars.end > line.chars.start {
            return line.chars.end - 1;
        }
        pick
    }

    /// Both visual positions of the caret at `offset`: before character `offset` (its leading
    /// edge) and after character `offset - 1` (its trailing edge); they differ at bidi run
    /// boundaries ("split caret"). Each is (line, paragraph-relative x).
    pub fn caret_positions(&self, offset: usize) -> Vec<(usize, f32)> {
        let mut out = vec![self.caret_x(offset)];
        if offset > 0 {
            for (li, line) in self.lines.iter().enumerate() {
                if line.chars.start < offset && offset <= line.chars.end {
                    for b in cluster_boxes(&self.text, line) {
                        if b.chars.start < offset && offset <= b.chars.end {
                            out.push((li, b.caret(offset)));
                        }
                    }
                }
            }
        }
        out
    }

    /// Rectangles (line, x0, x1), paragraph-relative, covering exactly the characters of
    /// `range`; adjacent pieces on a line are merged.
    pub fn selection_rects(&self, range: Range<usize>) -> Vec<(usize, f32, f32)> {
        let mut out: Vec<(usize, f32, f32)> = Vec::new();
        if range.start >= range.end {
            return out;
        }
        for (li, line) in self.lines.iter().enumerate() {
            if line.chars.end <= range.start || line.chars.start >= range.end {
                continue;
            }
            for b in cluster_boxes(&self.text, line) {
                let s = b.chars.start.max(range.start);
                let e = b.chars.end.min(range.end);
                if s >= e {
                    continue;
                }
                let (a, c) = (b.caret(s), b.caret(e));
                let (x0, x1) = (a.min(c), a.max(c));
                match out.last_mut() {
                    Some(last) if last.0 == li && (last.2 - x0).abs() < 0.01 => last.2 = x1,
                    _ => out.push((li, x0, x1)),
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::layout::{LayoutParams, TextEngine};

    /// Paragraphs of every bundled sample article.
    fn sample_paragraphs() -> Vec<String> {
        let mut out = Vec::new();
        for s in crate::assets::SAMPLES.iter() {
            let text = String::from_utf8_lossy(s.bytes).replace("\r\n", "\n");
            out.extend(text.split('\n').filter(|p| !p.trim().is_empty()).map(str::to_string));
        }
        out
    }

    /// Every caret stop: cluster boundaries and grapheme boundaries inside ligatures.
    fn boundaries(layout: &ParagraphLayout) -> Vec<usize> {
        let mut b: Vec<usize> = layout
            .lines
            .iter()
            .flat_map(|l| cluster_boxes(&layout.text, l).into_iter().flat_map(|bx| bx.stops))
            .collect();
        b.push(layout.char_count());
        b.sort_unstable();
        b.dedup();
        b
    }

    #[test]
    fn caret_round_trips_at_every_cluster_boundary_of_the_samples() {
        let mut engine = TextEngine::new();
        let (mut exact, mut total) = (0, 0);
        for (k, p) in sample_paragraphs().iter().enumerate() {
            let width = if k % 2 == 0 { 600.0 } else { 900.0 };
            let layout = engine.layout(p, &LayoutParams { width_px: Some(width), ..LayoutParams::default() });
            for o in boundaries(&layout) {
                let (line, x) = layout.caret_x(o);
                let y = layout.lines[line].baseline;
                let back = layout.hit_test(x, y);
                total += 1;
                if back == o {
                    exact += 1;
                    continue;
                }
                // Only where two logical positions share one visual position (a bidi run
                // boundary) may the hit come back as the other one.
                let same =
                    layout.caret_positions(back).iter().any(|&(l2, x2)| l2 == line && (x2 - x).abs() < 0.01);
                assert!(
                    same,
                    "offset {o} -> ({line}, {x}) -> {back} {:?} in {p:?}",
                    layout.caret_positions(back)
                );
            }
        }
        assert!(total > 10_000, "too few boundaries checked: {total}");
        // ambiguous positions are rare: bidi boundaries only
        assert!(exact * 100 >= total * 97, "exact round trips {exact}/{total}");
    }

    #[test]
    fn hit_test_is_at_cluster_granularity_and_never_splits_a_mark_from_its_letter() {
        let mut engine = TextEngine::new();
        let text = "بِسْمِ اللَّهِ";
        let layout = engine.layout(text, &LayoutParams::default());
        let marks: Vec<usize> = text
            .chars()
            .enumerate()
            .filter(|(_, c)| ('\u{64b}'..='\u{652}').contains(c))
            .map(|(i, _)| i)
            .collect();
        let line = &layout.lines[0];
        let mut x = line.x - 5.0;
        while x < line.x + line.width + 5.0 {
            let o = layout.hit_test(x, line.baseline);
            assert!(!marks.contains(&o), "caret at {o} would sit between a letter and its mark");
            x += 0.5;
        }
    }

    #[test]
    fn selection_rects_cover_exactly_their_characters() {
        let mut engine = TextEngine::new();
        for p in sample_paragraphs().iter().take(40) {
            let layout = engine.layout(p, &LayoutParams { width_px: Some(600.0), ..LayoutParams::default() });
            let b = boundaries(&layout);
            for w in b.windows(2).step_by(3).chain(b.windows(8).step_by(11)) {
                let range = w[0]..w[w.len() - 1];
                let rects = layout.selection_rects(range.clone());
                let covered = |li: usize, x0: f32, x1: f32| {
                    rects.iter().any(|&(l, a, b)| l == li && a <= x0 + 0.01 && x1 <= b + 0.01)
                };
                for (li, line) in layout.lines.iter().enumerate() {
                    for bx in cluster_boxes(&layout.text, line) {
                        let inside = range.start <= bx.chars.start && bx.chars.end <= range.end;
                        let outside = bx.chars.end <= range.start || bx.chars.start >= range.end;
                        if inside {
                            assert!(
                                covered(li, bx.x0, bx.x1),
                                "{bx:?} of {range:?} not covered by {rects:?}"
                            );
                        } else if outside && bx.x1 - bx.x0 > 0.02 {
                            let overlap =
                                rects.iter().any(|&(l, a, b)| l == li && a.max(bx.x0) < b.min(bx.x1) - 0.01);
                            assert!(!overlap, "{bx:?} outside {range:?} overlapped by {rects:?}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn caret_moves_right_to_left_through_an_arabic_word() {
        let mut engine = TextEngine::new();
        let layout = engine.layout("كتب", &LayoutParams::default());
        let xs: Vec<f32> = (0..=3).map(|o| layout.caret_x(o).1).collect();
        assert!(xs.windows(2).all(|w| w[1] < w[0]), "{xs:?}");
    }
}

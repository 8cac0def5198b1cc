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
}

impl ClusterBox {
    /// x of the caret before character `offset` (`chars.start <= offset <= chars.end`); inside
    /// a ligature the box is divided evenly.
    fn caret(&self, offset: usize) -> f32 {
        let n = self.chars.len().max(1) as f32;
        let f = (offset.saturating_sub(self.chars.start)) as f32 / n;
        if self.rtl { self.x1 - f * (self.x1 - self.x0) } else { self.x0 + f * (self.x1 - self.x0) }
    }
}

/// The cluster boxes of a line in visual order (glyphs of one cluster merged).
pub fn cluster_boxes(line: &LayoutLine) -> Vec<ClusterBox> {
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
        out.push(ClusterBox { chars: g.cluster.clone(), x0, x1: pen.max(x0), rtl });
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
        let boxes = cluster_boxes(line);
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
        let boxes = cluster_boxes(line);
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
                    for o in b.chars.start..=b.chars.end {
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
            for b in cluster_boxes(line) {
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

//! The "ref-layout 1" text dump of [`ParagraphLayout`]s (the format of
//! `../shared/tools/ref-layout`, see its README): what `khabar layout-dump` prints, so that
//! our layout can be compared line by line with FriBidi + HarfBuzz + Pango by `layout-diff`.
//! The dump is written from the same layout type the painter draws.

use std::fmt::Write as _;

use super::layout::{ArabicFace, BaseDirection, LayoutParams, ParagraphLayout, TextEngine};

/// Formats px like ref-layout: at most 3 decimals, trailing zeros dropped, "-0" → "0".
pub fn px(v: f32) -> String {
    let s = format!("{:.3}", f64::from(v));
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" || s.is_empty() { "0".to_string() } else { s.to_string() }
}

/// Splits a text file into paragraphs as ref-layout does: `\r\n` read as `\n`, one trailing
/// newline dropped, every line one paragraph.
pub fn paragraphs(text: &str) -> Vec<String> {
    let t = text.replace("\r\n", "\n");
    let t = t.strip_suffix('\n').unwrap_or(&t);
    t.split('\n').map(str::to_string).collect()
}

fn json_escape(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20
                || matches!(c, '\u{200e}' | '\u{200f}' | '\u{61c}')
                || ('\u{202a}'..='\u{202e}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c) =>
            {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn rle(levels: &[u8]) -> String {
    let mut parts: Vec<(u8, usize)> = Vec::new();
    for &l in levels {
        match parts.last_mut() {
            Some((lv, n)) if *lv == l => *n += 1,
            _ => parts.push((l, 1)),
        }
    }
    parts.iter().map(|(l, n)| format!("{l}*{n}")).collect::<Vec<_>>().join(" ")
}

/// Appends the PARA/BIDI/LINE/RUN/GLYPHS lines of one paragraph.
pub fn dump_paragraph(
    out: &mut String,
    index: usize,
    file_start: usize,
    layout: &ParagraphLayout,
    levels: &[u8],
) {
    let chars: Vec<char> = layout.text.chars().collect();
    let _ = writeln!(
        out,
        "PARA {index} chars={file_start}..{} base={}",
        file_start + chars.len(),
        if layout.rtl { "rtl" } else { "ltr" }
    );
    if levels.is_empty() {
        out.push_str("  BIDI\n");
    } else {
        let _ = writeln!(out, "  BIDI {}", rle(levels));
    }
    for (li, line) in layout.lines.iter().enumerate() {
        let _ = writeln!(
            out,
            "  LINE {li} chars={}..{} width={}",
            line.chars.start,
            line.chars.end,
            px(line.width)
        );
        let mut pen = 0.0f32;
        for (ri, run) in line.runs.iter().enumerate() {
            let text: String = chars.get(run.chars.clone()).unwrap_or(&[]).iter().collect();
            let _ = writeln!(
                out,
                "    RUN {ri} chars={}..{} level={} {} font={} script={} text={}",
                run.chars.start,
                run.chars.end,
                run.level,
                if run.level % 2 == 1 { "rtl" } else { "ltr" },
                run.font_index.map_or("?".to_string(), |f| f.to_string()),
                String::from_utf8_lossy(&run.script),
                json_escape(&text)
            );
            let mut items = Vec::new();
            for g in line.glyphs.get(run.glyphs.clone()).unwrap_or(&[]) {
                let dx = g.x - pen;
                let (sdx, sdy) = (px(dx), px(g.y_offset));
                let off = if sdx == "0" && sdy == "0" { String::new() } else { format!("@{sdx},{sdy}") };
                items.push(format!("{}={}{}+{}", g.glyph_id, g.cluster.start, off, px(g.advance)));
                pen += g.advance;
            }
            let _ = writeln!(out, "      GLYPHS [{}]", items.join("|"));
        }
    }
}

/// The whole dump of a text file (one paragraph per line).
pub fn dump_text(
    engine: &mut TextEngine,
    text: &str,
    text_name: &str,
    size_px: f32,
    width_px: f32,
    rtl: bool,
) -> String {
    let paras = paragraphs(text);
    let total: usize = paras.iter().map(|p| p.chars().count()).sum::<usize>() + paras.len().saturating_sub(1);
    let mut out = String::new();
    out.push_str("# ref-layout 1\n");
    let _ = writeln!(out, "# text={text_name} paragraphs={} chars={total}", paras.len());
    let _ = writeln!(
        out,
        "# size={}px width={}px wrap=word-char dir={} shaper=khabar(harfrust via cosmic-text) breaker=khabar",
        px(size_px),
        px(width_px),
        if rtl { "rtl" } else { "auto" }
    );
    let names = engine.font_set(ArabicFace::Naskh).names.clone();
    for (i, n) in names.iter().enumerate() {
        let _ = writeln!(out, "# font {i}: {n}");
    }
    let params = LayoutParams {
        font_size_px: size_px,
        width_px: Some(width_px),
        direction: if rtl { BaseDirection::Rtl } else { BaseDirection::Auto },
        line_height: 1.0,
        face: ArabicFace::Naskh,
    };
    let mut start = 0;
    for (i, p) in paras.iter().enumerate() {
        let layout = engine.layout(p, &params);
        let (levels, _) = engine.bidi_levels(p, params.direction, params.face);
        dump_paragraph(&mut out, i, start, &layout, &levels);
        start += p.chars().count() + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn px_formats_like_ref_layout() {
        assert_eq!(px(4.42), "4.42");
        assert_eq!(px(11.0), "11");
        assert_eq!(px(-0.0001), "0");
        assert_eq!(px(0.1236), "0.124");
    }

    #[test]
    fn paragraphs_split_on_newlines_and_drop_one_trailing_newline() {
        assert_eq!(paragraphs("a\r\nb\n"), vec!["a", "b"]);
        assert_eq!(paragraphs("a\n\nb"), vec!["a", "", "b"]);
    }

    #[test]
    fn json_escape_shows_bidi_controls() {
        assert_eq!(json_escape("a\u{202e}\"b"), "\"a\\u202e\\\"b\"");
    }
}

//! Itemisation of one paragraph into shaping runs ("items"), following Pango's itemiser so
//! that run boundaries — and therefore shaping, kerning and line widths — match
//! FriBidi + HarfBuzz + Pango:
//!
//! 1. bidi embedding levels for the whole paragraph (UAX #9 via `unicode-bidi`, rule L1 applied
//!    at the paragraph end and before segment separators, as FriBidi does);
//! 2. script runs (UAX #24 Script property; Common and Inherited characters take the script of
//!    the run they are in, paired brackets take the script of their opening partner — Pango's
//!    `pango_script_iter`, itself from ICU);
//! 3. font runs inside each (level, script) run: every character takes the first font of the
//!    fallback list that maps it; spaces, controls and variation selectors never choose a font,
//!    they join the current run, and a space sequence at the end of a run moves to the next run
//!    when that run's font is earlier in the fallback list (Pango's rule, GNOME/pango#249).

use std::ops::Range;

use unicode_bidi::{BidiClass, Level, ParagraphBidiInfo, bidi_class};
use unicode_script::{Script, UnicodeScript};

use super::fonts::FontSet;

/// Requested base direction of a paragraph.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub enum BaseDirection {
    /// First strong character decides (UAX #9 P2/P3); LTR when there is none.
    #[default]
    Auto,
    /// Forced right-to-left (Arabic articles).
    Rtl,
    /// Forced left-to-right.
    Ltr,
}

/// One shaping run: a maximal range of characters with the same bidi level, script and font.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// Code point range in the paragraph.
    pub chars: Range<usize>,
    /// Bidi embedding level (odd = right-to-left).
    pub level: u8,
    /// ISO 15924 script tag given to the shaper (`Zyyy` when the run has no real script).
    pub script: [u8; 4],
    /// Fallback position of the font; None when no font maps the run's characters (drawn with
    /// the primary font's notdef).
    pub font: Option<u8>,
}

/// Bidi embedding levels per code point and the resolved base direction (true = RTL).
pub fn bidi_levels(text: &str, chars: &[char], dir: BaseDirection) -> (Vec<u8>, bool) {
    let default = match dir {
        BaseDirection::Auto => None,
        BaseDirection::Rtl => Some(Level::rtl()),
        BaseDirection::Ltr => Some(Level::ltr()),
    };
    let info = ParagraphBidiInfo::new(text, default);
    let base = info.paragraph_level.number();
    let rtl = info.paragraph_level.is_rtl();
    let mut levels = Vec::with_capacity(chars.len());
    for (b, _) in text.char_indices() {
        levels.push(info.levels.get(b).map_or(base, |l| l.number()));
    }
    // Rule L1 at the paragraph level (FriBidi applies it in get_par_embedding_levels): segment
    // and paragraph separators, and any sequence of white space, isolate controls, removed
    // (X9) controls before them or at the end of the paragraph, take the paragraph level.
    let mut resetting = true;
    for i in (0..chars.len()).rev() {
        let class = chars.get(i).map_or(BidiClass::ON, |&c| bidi_class(c));
        let is_sep = matches!(class, BidiClass::S | BidiClass::B);
        if is_sep {
            resetting = true;
        } else if resetting && !is_l1_whitespace(class) {
            resetting = false;
        }
        if resetting && let Some(l) = levels.get_mut(i) {
            *l = base;
        }
    }
    (levels, rtl)
}

fn is_l1_whitespace(class: BidiClass) -> bool {
    use BidiClass::*;
    matches!(class, WS | FSI | LRI | RLI | PDI | LRE | RLE | LRO | RLO | PDF | BN | S | B)
}

fn is_paired(c: char) -> Option<(usize, bool)> {
    // Pango's paired_chars table (pango-script.c): (pair index, is_open).
    const PAIRS: [u32; 110] = [
        0x0028, 0x0029, 0x003c, 0x003e, 0x005b, 0x005d, 0x007b, 0x007d, 0x00ab, 0x00bb, 0x0f3a, 0x0f3b,
        0x0f3c, 0x0f3d, 0x169b, 0x169c, 0x2018, 0x2019, 0x201c, 0x201d, 0x2039, 0x203a, 0x2045, 0x2046,
        0x207d, 0x207e, 0x208d, 0x208e, 0x27e6, 0x27e7, 0x27e8, 0x27e9, 0x27ea, 0x27eb, 0x27ec, 0x27ed,
        0x27ee, 0x27ef, 0x2983, 0x2984, 0x2985, 0x2986, 0x2987, 0x2988, 0x2989, 0x298a, 0x298b, 0x298c,
        0x298d, 0x298e, 0x298f, 0x2990, 0x2991, 0x2992, 0x2993, 0x2994, 0x2995, 0x2996, 0x2997, 0x2998,
        0x29fc, 0x29fd, 0x2e02, 0x2e03, 0x2e04, 0x2e05, 0x2e09, 0x2e0a, 0x2e0c, 0x2e0d, 0x2e1c, 0x2e1d,
        0x2e20, 0x2e21, 0x2e22, 0x2e23, 0x2e24, 0x2e25, 0x2e26, 0x2e27, 0x2e28, 0x2e29, 0x3008, 0x3009,
        0x300a, 0x300b, 0x300c, 0x300d, 0x300e, 0x300f, 0x3010, 0x3011, 0x3014, 0x3015, 0x3016, 0x3017,
        0x3018, 0x3019, 0x301a, 0x301b, 0xfe59, 0xfe5a, 0xfe5b, 0xfe5c, 0xfe5d, 0xfe5e, 0xff08, 0xff09,
        0xff3b, 0xff3d,
    ];
    const MORE: [u32; 6] = [0xff5b, 0xff5d, 0xff5f, 0xff60, 0xff62, 0xff63];
    let cp = c as u32;
    if let Ok(i) = PAIRS.binary_search(&cp) {
        return Some((i, i % 2 == 0));
    }
    MORE.binary_search(&cp).ok().map(|i| (PAIRS.len() + i, i % 2 == 0))
}

fn is_real(s: Script) -> bool {
    !matches!(s, Script::Common | Script::Inherited | Script::Unknown)
}

/// Script runs of the paragraph (Pango's script iterator): `(range, script)`.
pub fn script_runs(chars: &[char]) -> Vec<(Range<usize>, Script)> {
    const DEPTH: usize = 128;
    let mut out = Vec::new();
    // paren stack of (pair index, script); `sp` = number of entries.
    let mut stack: Vec<(usize, Script)> = Vec::with_capacity(8);
    let mut start = 0;
    while start < chars.len() {
        let mut code = Script::Common;
        let mut start_sp = stack.len();
        let mut end = start;
        while let Some(&ch) = chars.get(end) {
            let mut sc = ch.script();
            let pair = if sc == Script::Common { is_paired(ch) } else { None };
            if let Some((pi, open)) = pair {
                if open {
                    if stack.len() >= DEPTH {
                        stack.clear();
                        start_sp = 0;
                    }
                    stack.push((pi, code));
                } else if !stack.is_empty() {
                    let want = pi & !1;
                    while stack.last().is_some_and(|&(p, _)| p != want) {
                        stack.pop();
                    }
                    start_sp = start_sp.min(stack.len());
                    if let Some(&(_, s)) = stack.last() {
                        sc = s;
                    }
                }
            }
            let same = !is_real(code) || !is_real(sc) || code == sc;
            if !same {
                break;
            }
            if !is_real(code) && is_real(sc) {
                code = sc;
                // fix the open characters pushed before the run's script was known
                for e in stack.iter_mut().skip(start_sp) {
                    e.1 = code;
                }
                start_sp = stack.len();
            }
            if let Some((_, false)) = pair
                && !stack.is_empty()
            {
                stack.pop();
                start_sp = start_sp.min(stack.len());
            }
            end += 1;
        }
        out.push((start..end, code));
        start = end;
    }
    out
}

/// The ISO 15924 tag of a script (`Zyyy` for Common, `Zinh` for Inherited).
pub fn script_tag(s: Script) -> [u8; 4] {
    let n = s.short_name().as_bytes();
    let mut t = *b"Zyyy";
    if n.len() == 4 {
        t.copy_from_slice(n);
    }
    t
}

/// Characters that never choose a font (Pango's `consider_as_space`).
fn consider_as_space(c: char) -> bool {
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
    let cp = c as u32;
    match c.general_category() {
        GeneralCategory::Control
        | GeneralCategory::Surrogate
        | GeneralCategory::LineSeparator
        | GeneralCategory::ParagraphSeparator => true,
        GeneralCategory::Format => !((0x600..=0x6ff).contains(&cp) || cp == 0x70f || cp == 0x8e2),
        GeneralCategory::SpaceSeparator => cp != 0x1680,
        _ => (0xfe00..=0xfe0f).contains(&cp) || (0xe0100..=0xe01ef).contains(&cp),
    }
}

/// Splits the paragraph into items (see the module documentation).
pub fn itemize(chars: &[char], levels: &[u8], fonts: &mut FontSet) -> Vec<Item> {
    let nfonts = fonts.len();
    let mut items: Vec<Item> = Vec::new();
    for (srange, script) in script_runs(chars) {
        let tag = script_tag(script);
        // split the script run at level changes
        let mut s = srange.start;
        while s < srange.end {
            let lv = levels.get(s).copied().unwrap_or(0);
            let mut e = s + 1;
            while e < srange.end && levels.get(e).copied().unwrap_or(0) == lv {
                e += 1;
            }
            font_runs(chars, s..e, lv, tag, fonts, nfonts, &mut items);
            s = e;
        }
    }
    items
}

/// Pango's `itemize_state_process_run` + `itemize_state_add_character` for one run of equal
/// level and script.
fn font_runs(
    chars: &[char],
    run: Range<usize>,
    level: u8,
    script: [u8; 4],
    fonts: &mut FontSet,
    nfonts: usize,
    out: &mut Vec<Item>,
) {
    // font: Some(Some(i)) = font i; Some(None) = no font has the char (primary's notdef, which
    // Pango draws with the base font = the primary); None = undecided (spaces so far).
    let first_item = out.len();
    let mut cur: Option<usize> = None; // index in out of the current item
    let mut cur_font: Option<Option<u8>> = None;
    let mut cur_pos: usize = 0xffff;
    let mut first_space: Option<usize> = None;
    let mut prev_forced = false;
    for i in run.clone() {
        let c = chars.get(i).copied().unwrap_or(' ');
        let forced = c == '\t' || c == '\u{2028}';
        let is_space = consider_as_space(c);
        let (mut font, mut pos): (Option<Option<u8>>, usize) = if is_space {
            (None, 0xffff)
        } else {
            match fonts.font_for_char(c) {
                Some(f) => (Some(Some(f)), usize::from(f)),
                None => (Some(None), nfonts),
            }
        };
        let fs = first_space;
        if is_space {
            if first_space.is_none() {
                first_space = Some(i);
            }
        } else {
            first_space = None;
        }
        let mut start = i;
        let mut n_spaces = 0;
        if let Some(ci) = cur {
            if cur_font.is_none() && font.is_some() {
                // fill the font of the leading font-less items of this run
                for it in out.iter_mut().skip(first_item) {
                    if it.font.is_none() {
                        it.font = font.unwrap_or(None);
                    }
                }
                cur_font = font;
                cur_pos = pos;
            } else if cur_font.is_some() && font.is_none() {
                font = cur_font;
                pos = cur_pos;
            }
            if !(forced || prev_forced) && same_font(cur_font, font) {
                prev_forced = forced;
                continue;
            }
            let item_start = out.get(ci).map_or(i, |it| it.chars.start);
            if let Some(fsp) = fs
                && item_start < fsp
                && pos < cur_pos
            {
                n_spaces = i - fsp;
                start = fsp;
            }
            if let Some(it) = out.get_mut(ci) {
                it.chars.end = start;
            }
        }
        let _ = n_spaces;
        out.push(Item { chars: start..i + 1, level, script, font: font.unwrap_or(None) });
        cur = Some(out.len() - 1);
        cur_font = font;
        cur_pos = pos;
        prev_forced = forced;
    }
    if let Some(ci) = cur
        && let Some(it) = out.get_mut(ci)
    {
        it.chars.end = run.end;
    }
    if cur_font.is_none() {
        // only spaces: the font of ' '
        let f = fonts.font_for_char(' ');
        for it in out.iter_mut().skip(first_item) {
            it.font = f;
        }
    }
}

fn same_font(a: Option<Option<u8>>, b: Option<Option<u8>>) -> bool {
    // Pango compares font objects; a char no font has is drawn with the base (primary) font.
    let norm = |x: Option<Option<u8>>| x.map(|f| f.unwrap_or(0));
    norm(a) == norm(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(s: &str) -> Vec<(String, String)> {
        let chars: Vec<char> = s.chars().collect();
        script_runs(&chars)
            .into_iter()
            .map(|(r, sc)| (chars[r].iter().collect(), sc.short_name().to_string()))
            .collect()
    }

    #[test]
    fn common_chars_join_the_preceding_script_run() {
        let r = runs("مرحبا 2025, hello world.");
        assert_eq!(r[0], ("مرحبا 2025, ".to_string(), "Arab".to_string()));
        assert_eq!(r[1], ("hello world.".to_string(), "Latn".to_string()));
    }

    #[test]
    fn leading_common_chars_take_the_first_real_script() {
        let r = runs("«twitter» كتب");
        assert_eq!(r[0].1, "Latn");
        assert_eq!(r[0].0, "«twitter» ");
    }

    #[test]
    fn closing_bracket_takes_the_script_of_its_opening_partner() {
        let r = runs("نص (abc) نص");
        // "(" opened in the Arabic run, so ")" closes back into Arabic
        assert_eq!(r.len(), 3);
        assert_eq!(r[1], ("abc".to_string(), "Latn".to_string()));
        assert_eq!(r[2].0, ") نص");
        assert_eq!(r[2].1, "Arab");
    }

    #[test]
    fn forced_rtl_keeps_leading_latin_at_an_even_level_inside_an_rtl_paragraph() {
        let text = "date 2025-10-27 خبر";
        let chars: Vec<char> = text.chars().collect();
        let (levels, rtl) = bidi_levels(text, &chars, BaseDirection::Rtl);
        assert!(rtl);
        assert_eq!(levels[0], 2);
        assert_eq!(*levels.last().unwrap(), 1);
        let (_, rtl) = bidi_levels(text, &chars, BaseDirection::Auto);
        assert!(!rtl);
    }

    #[test]
    fn trailing_whitespace_takes_the_paragraph_level() {
        let text = "abc  ";
        let chars: Vec<char> = text.chars().collect();
        let (levels, _) = bidi_levels(text, &chars, BaseDirection::Rtl);
        assert_eq!(levels, vec![2, 2, 2, 1, 1]);
    }
}

//! Per-character break attributes of a paragraph (the subset of Pango's `PangoLogAttr` that
//! line breaking needs), computed like Pango's `pango_default_break`: UAX #14 line breaking
//! with Pango's customisations (LB25 per "Example 7" of the customisation section, so a slash
//! before digits in a URL is a break opportunity unless it follows a number; LB30 only for
//! non-East-Asian-wide brackets), character wrap at grapheme cluster boundaries (UAX #29),
//! white space as GLib's `g_unichar_isspace`, and Pango's hyphen insertion rule (a break
//! inside a word of a real script inserts a hyphen, so its width counts when wrapping).

use unicode_linebreak::BreakClass;
use unicode_linebreak::BreakClass::{
    After as BA, Alphabetic as AL, Ambiguous as AI, Before as BB, BeforeAndAfter as B2, CarriageReturn as CR,
    CloseParenthesis as CP, ClosePunctuation as CL, CombiningMark as CM, ComplexContext as SA,
    ConditionalJapaneseStarter as CJ, Contingent as CB, EmojiBase as EB, EmojiModifier as EM,
    Exclamation as EX, HangulLJamo as JL, HangulLvSyllable as H2, HangulLvtSyllable as H3, HangulTJamo as JT,
    HangulVJamo as JV, HebrewLetter as HL, Hyphen as HY, Ideographic as ID, InfixSeparator as IS,
    Inseparable as IN, LineFeed as LF, Mandatory as BK, NextLine as NL, NonBreakingGlue as GL,
    NonStarter as NS, Numeric as NU, OpenPunctuation as OP, Postfix as PO, Prefix as PR, Quotation as QU,
    RegionalIndicator as RI, Space as SP, Surrogate as SG, Symbol as SY, Unknown as XX, WordJoiner as WJ,
    ZeroWidthJoiner as ZWJ, ZeroWidthSpace as ZW,
};
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
use unicode_script::{Script, UnicodeScript};
use unicode_segmentation::UnicodeSegmentation;

/// Attributes of the position before character `i` (and of character `i` for `is_white`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LogAttr {
    /// A line may break before this character (never before the first).
    pub is_line_break: bool,
    /// A character wrap may cut before this character (grapheme boundary).
    pub is_char_break: bool,
    /// The character is white space (GLib's `g_unichar_isspace`).
    pub is_white: bool,
    /// Breaking before this character inserts a hyphen (inside a word).
    pub break_inserts_hyphen: bool,
    /// Breaking here replaces the preceding character (U+2027 hyphenation point) by a hyphen.
    pub break_removes_preceding: bool,
}

/// GLib's `g_unichar_isspace`: space separators and the ASCII controls \t \n \v \f \r.
pub fn is_white(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\u{b}' | '\u{c}' | '\r')
        || matches!(
            c.general_category(),
            GeneralCategory::SpaceSeparator
                | GeneralCategory::LineSeparator
                | GeneralCategory::ParagraphSeparator
        )
}

fn east_asian_wide(c: char) -> bool {
    let cp = c as u32;
    matches!(cp,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x1F300..=0x1F64F | 0x1F900..=0x1F9FF | 0x20000..=0x3FFFD)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum LbType {
    Other,
    Numeric,
    NumericClose,
    RiOdd,
    RiEven,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Handled,
    Prohibited,
    Allowed,
}

fn class_of(c: char) -> BreakClass {
    unicode_linebreak::break_property(c as u32)
}

/// Log attributes for every position of the paragraph: `chars.len() + 1` entries (the last is
/// the paragraph end, always a line break).
pub fn log_attrs(chars: &[char]) -> Vec<LogAttr> {
    let n = chars.len();
    let text: String = chars.iter().collect();
    let mut b2c = vec![usize::MAX; text.len() + 1];
    for (ci, (b, _)) in text.char_indices().enumerate() {
        if let Some(s) = b2c.get_mut(b) {
            *s = ci;
        }
    }
    if let Some(s) = b2c.get_mut(text.len()) {
        *s = n;
    }
    let mut cursor = vec![false; n + 1];
    for (b, _) in text.grapheme_indices(true) {
        if let Some(s) = b2c.get(b).and_then(|&ci| cursor.get_mut(ci)) {
            *s = true;
        }
    }
    if let Some(s) = cursor.get_mut(n) {
        *s = true;
    }
    let mut word_boundary = vec![false; n + 1];
    for (b, _) in text.split_word_bound_indices() {
        if let Some(s) = b2c.get(b).and_then(|&ci| word_boundary.get_mut(ci)) {
            *s = true;
        }
    }
    if let Some(s) = word_boundary.get_mut(n) {
        *s = true;
    }

    let mut attrs = vec![LogAttr::default(); n + 1];
    let at = |i: usize| -> char { chars.get(i).copied().unwrap_or('\u{2029}') };
    let mut prev_bt = XX;
    let mut prev_prev_bt = XX;
    let mut prev_lb = LbType::Other;
    let mut prev_wc: Option<char> = None;
    let mut prev_space_or_hyphen = false;
    for (i, a) in attrs.iter_mut().enumerate() {
        let wc = at(i);
        let mut bt = class_of(wc);
        let next_bt = if i < n { class_of(at(i + 1)) } else { XX };
        let gc = wc.general_category();
        let mut row_bt = if prev_bt == SP { prev_prev_bt } else { prev_bt };
        a.is_white = i < n && is_white(wc);
        // LB1
        bt = match bt {
            AI | SG | XX => AL,
            SA => {
                if matches!(gc, GeneralCategory::NonspacingMark | GeneralCategory::SpacingMark) {
                    CM
                } else {
                    AL
                }
            }
            CJ => NS,
            other => other,
        };
        let cursor_here = cursor.get(i).copied().unwrap_or(true);
        if cursor_here || matches!(bt, CM | ZWJ | JL | JV | JT | H2 | H3 | EM | RI) {
            let mut lb = LbType::Other;
            if bt == NU {
                lb = LbType::Numeric;
            }
            if matches!(bt, CL | CP) {
                lb = if prev_lb == LbType::Numeric { LbType::NumericClose } else { LbType::Other };
            }
            if bt == RI {
                lb = if prev_lb == LbType::RiOdd { LbType::RiEven } else { LbType::RiOdd };
            }
            a.is_line_break = true; // LB31
            if cursor_here {
                a.is_char_break = true;
            }
            if row_bt == XX {
                row_bt = AL;
            }
            let prev_wide = prev_wc.is_some_and(east_asian_wide);
            let mut op = Op::Handled;
            // LB30
            if matches!(prev_bt, AL | HL | NU) && bt == OP && !east_asian_wide(wc) {
                op = Op::Prohibited;
            }
            if prev_bt == CP && !prev_wide && matches!(bt, AL | HL | NU) {
                op = Op::Prohibited;
            }
            // LB30a, LB30b
            if prev_lb == LbType::RiOdd && lb == LbType::RiEven {
                op = Op::Prohibited;
            }
            if prev_bt == EB && bt == EM {
                op = Op::Prohibited;
            }
            // LB29
            if prev_bt == IS && matches!(bt, AL | HL) {
                op = Op::Prohibited;
            }
            // LB28
            if matches!(prev_bt, AL | HL) && matches!(bt, AL | HL) {
                op = Op::Prohibited;
            }
            // LB27
            if matches!(prev_bt, JL | JV | JT | H2 | H3) && bt == PO {
                op = Op::Prohibited;
            }
            if prev_bt == PR && matches!(bt, JL | JV | JT | H2 | H3) {
                op = Op::Prohibited;
            }
            // LB26
            if prev_bt == JL && matches!(bt, JL | JV | H2 | H3) {
                op = Op::Prohibited;
            }
            if matches!(prev_bt, JV | H2) && matches!(bt, JV | JT) {
                op = Op::Prohibited;
            }
            if matches!(prev_bt, JT | H3) && bt == JT {
                op = Op::Prohibited;
            }
            // LB25 with Example 7 of the customisation section
            if matches!(prev_bt, PR | PO) && bt == NU {
                op = Op::Prohibited;
            }
            if matches!(prev_bt, PR | PO) && matches!(bt, OP | HY) && next_bt == NU {
                op = Op::Prohibited;
            }
            if matches!(prev_bt, OP | HY) && bt == NU {
                op = Op::Prohibited;
            }
            if prev_bt == NU && matches!(bt, NU | SY | IS) {
                op = Op::Prohibited;
            }
            if prev_lb == LbType::Numeric && matches!(bt, NU | SY | IS | CL | CP) {
                op = Op::Prohibited;
            }
            if matches!(prev_lb, LbType::Numeric | LbType::NumericClose) && matches!(bt, PO | PR) {
                op = Op::Prohibited;
            }
            // LB24
            if matches!(prev_bt, PR | PO) && matches!(bt, AL | HL) {
                op = Op::Prohibited;
            }
            if matches!(prev_bt, AL | HL) && matches!(bt, PR | PO) {
                op = Op::Prohibited;
            }
            // LB23
            if matches!(prev_bt, AL | HL) && bt == NU {
                op = Op::Prohibited;
            }
            if prev_bt == NU && matches!(bt, AL | HL) {
                op = Op::Prohibited;
            }
            // LB23a
            if prev_bt == PR && matches!(bt, ID | EB | EM) {
                op = Op::Prohibited;
            }
            if matches!(prev_bt, ID | EB | EM) && bt == PO {
                op = Op::Prohibited;
            }
            // LB22
            if bt == IN {
                op = Op::Prohibited;
            }
            // LB21, LB21a, LB21b
            if matches!(bt, BA | HY | NS) || prev_bt == BB {
                op = Op::Prohibited;
            }
            if prev_prev_bt == HL && matches!(prev_bt, HY | BA) {
                op = Op::Prohibited;
            }
            if prev_bt == SY && bt == HL {
                op = Op::Prohibited;
            }
            // LB20
            if prev_bt == CB || bt == CB {
                op = Op::Allowed;
            }
            // LB19
            if prev_bt == QU || bt == QU {
                op = Op::Prohibited;
            }
            // LB18
            if prev_bt == SP {
                op = Op::Allowed;
            }
            // LB17, LB16, LB15, LB14
            if row_bt == B2 && bt == B2 {
                op = Op::Prohibited;
            }
            if matches!(row_bt, CL | CP) && bt == NS {
                op = Op::Prohibited;
            }
            if row_bt == QU && bt == OP {
                op = Op::Prohibited;
            }
            if row_bt == OP {
                op = Op::Prohibited;
            }
            // LB13 with Example 7
            if bt == EX {
                op = Op::Prohibited;
            }
            if prev_bt != NU && matches!(bt, CL | CP | IS | SY) {
                op = Op::Prohibited;
            }
            // LB12, LB12a
            if prev_bt == GL {
                op = Op::Prohibited;
            }
            if bt == GL && !matches!(prev_bt, SP | BA | HY) {
                op = Op::Prohibited;
            }
            // LB11
            if prev_bt == WJ || bt == WJ {
                op = Op::Prohibited;
            }
            // LB9
            if matches!(bt, CM | ZWJ) && !matches!(prev_bt, BK | CR | LF | NL | SP | ZW) {
                op = Op::Prohibited;
            }
            // LB8, LB8a, LB7, LB6
            if row_bt == ZW {
                op = Op::Allowed;
            }
            if prev_wc == Some('\u{200d}') {
                op = Op::Prohibited;
            }
            if matches!(bt, SP | ZW) {
                op = Op::Prohibited;
            }
            if matches!(bt, BK | CR | LF | NL) {
                op = Op::Prohibited;
            }
            // LB4, LB5
            if prev_bt == BK || (prev_bt == CR && wc != '\n') || prev_bt == LF || prev_bt == NL {
                op = Op::Allowed;
            }
            match op {
                Op::Prohibited => a.is_line_break = false,
                Op::Allowed => a.is_line_break = true,
                Op::Handled => {}
            }
            if !matches!(bt, CM | ZWJ) {
                if matches!(bt, NU | SY | IS) {
                    if prev_lb != LbType::Numeric {
                        prev_lb = lb;
                    }
                } else {
                    prev_lb = lb;
                }
            }
        }
        if bt != SP {
            if matches!(bt, CM | ZWJ) {
                if i == 0 || matches!(prev_bt, BK | CR | LF | NL | SP | ZW) {
                    prev_bt = AL; // LB10
                }
            } else {
                prev_prev_bt = prev_bt;
                prev_bt = bt;
            }
        } else if prev_bt != SP {
            prev_prev_bt = prev_bt;
            prev_bt = bt;
        }

        // hyphens
        let insert_hyphens = match prev_wc.map(|c| c.script()) {
            None | Some(Script::Common) => prev_wc == Some('\u{ad}'),
            Some(Script::Han | Script::Hangul | Script::Hiragana | Script::Katakana) => false,
            Some(_) => true,
        };
        let mut space_or_hyphen = matches!(
            gc,
            GeneralCategory::SpaceSeparator
                | GeneralCategory::LineSeparator
                | GeneralCategory::ParagraphSeparator
        ) || matches!(wc, '\t' | '\n' | '\r' | '\u{c}');
        if !space_or_hyphen {
            space_or_hyphen = matches!(
                wc,
                '-' | '\u{58a}'
                    | '\u{1400}'
                    | '\u{1806}'
                    | '\u{2010}'
                    | '\u{2e17}'
                    | '\u{2e40}'
                    | '\u{30a0}'
                    | '\u{fe63}'
                    | '\u{ff0d}'
            );
        }
        let wb = word_boundary.get(i).copied().unwrap_or(true);
        a.break_inserts_hyphen = !(wb || prev_space_or_hyphen || space_or_hyphen) && insert_hyphens;
        if prev_wc == Some('\u{2027}') {
            a.break_inserts_hyphen = true;
            a.break_removes_preceding = true;
        }
        prev_space_or_hyphen = space_or_hyphen;
        prev_wc = Some(wc);
    }
    if let Some(a) = attrs.first_mut() {
        a.is_line_break = false; // LB2
    }
    if let Some(a) = attrs.get_mut(n) {
        a.is_line_break = true; // LB3
        a.is_char_break = true;
    }
    attrs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn breaks(s: &str) -> Vec<usize> {
        let chars: Vec<char> = s.chars().collect();
        log_attrs(&chars).iter().enumerate().filter(|(_, a)| a.is_line_break).map(|(i, _)| i).collect()
    }

    #[test]
    fn breaks_after_spaces_not_inside_words() {
        let chars: Vec<char> = "كتب النص".chars().collect();
        let a = log_attrs(&chars);
        assert!(a[4].is_line_break);
        assert!(!a[1].is_line_break && !a[0].is_line_break);
        assert!(a[3].is_white);
        assert!(a[8].is_line_break);
    }

    #[test]
    fn char_breaks_do_not_split_a_letter_from_its_tashkeel() {
        let chars: Vec<char> = "بَت".chars().collect();
        let a = log_attrs(&chars);
        assert!(a[0].is_char_break && !a[1].is_char_break && a[2].is_char_break);
    }

    #[test]
    fn slash_before_digits_breaks_unless_it_follows_a_number() {
        // "news/2025": Pango's LB25 customisation allows the break before 2025
        assert!(breaks("a news/2025").contains(&7));
        // "10/27": numeric context, no break
        assert!(!breaks("10/27").contains(&3));
    }

    #[test]
    fn breaking_inside_a_word_inserts_a_hyphen_but_not_after_a_hyphen() {
        let chars: Vec<char> = "abc-de كتب".chars().collect();
        let a = log_attrs(&chars);
        assert!(a[1].break_inserts_hyphen);
        assert!(!a[4].break_inserts_hyphen);
        assert!(a[8].break_inserts_hyphen);
        assert!(!a[7].break_inserts_hyphen);
    }
}

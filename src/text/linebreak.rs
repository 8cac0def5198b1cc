//! Per-character break attributes of a paragraph (Pango's `PangoLogAttr` subset): where a line
//! may break (UAX #14 via `unicode-linebreak`), where a character wrap may cut (grapheme
//! cluster boundaries, UAX #29), and which characters are white space.

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
}

/// GLib's `g_unichar_isspace`: space separators and the ASCII controls \t \n \v \f \r.
pub fn is_white(c: char) -> bool {
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
    matches!(c, '\t' | '\n' | '\u{b}' | '\u{c}' | '\r')
        || matches!(
            c.general_category(),
            GeneralCategory::SpaceSeparator
                | GeneralCategory::LineSeparator
                | GeneralCategory::ParagraphSeparator
        )
}

/// Log attributes for every character of the paragraph (length = number of chars).
pub fn log_attrs(chars: &[char]) -> Vec<LogAttr> {
    let text: String = chars.iter().collect();
    let mut attrs: Vec<LogAttr> =
        chars.iter().map(|&c| LogAttr { is_white: is_white(c), ..LogAttr::default() }).collect();
    // byte offset -> char index
    let mut b2c = vec![usize::MAX; text.len() + 1];
    for (ci, (b, _)) in text.char_indices().enumerate() {
        if let Some(s) = b2c.get_mut(b) {
            *s = ci;
        }
    }
    if let Some(s) = b2c.get_mut(text.len()) {
        *s = chars.len();
    }
    for (b, _) in unicode_linebreak::linebreaks(&text) {
        let ci = b2c.get(b).copied().unwrap_or(usize::MAX);
        if ci > 0
            && let Some(a) = attrs.get_mut(ci)
        {
            a.is_line_break = true;
        }
    }
    for (b, _) in text.grapheme_indices(true) {
        let ci = b2c.get(b).copied().unwrap_or(usize::MAX);
        if let Some(a) = attrs.get_mut(ci) {
            a.is_char_break = true;
        }
    }
    attrs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaks_after_spaces_not_inside_words() {
        let chars: Vec<char> = "كتب النص".chars().collect();
        let a = log_attrs(&chars);
        assert!(a[4].is_line_break);
        assert!(!a[1].is_line_break && !a[0].is_line_break);
        assert!(a[3].is_white);
    }

    #[test]
    fn char_breaks_do_not_split_a_letter_from_its_tashkeel() {
        let chars: Vec<char> = "بَت".chars().collect();
        let a = log_attrs(&chars);
        assert!(a[0].is_char_break && !a[1].is_char_break && a[2].is_char_break);
    }
}

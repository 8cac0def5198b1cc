//! Tokenisation with code-point offsets: Arabic, Latin and Cyrillic words, numbers (ASCII,
//! Arabic-Indic and Persian digits, decimals and thousands separators), URLs, e-mail
//! addresses, punctuation and everything else. Tashkeel and tatweel stay inside the word they
//! sit in. One pass over the text, linear time, never panics.

use super::normalize::{is_arabic_letter, is_tashkeel_or_tatweel};

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    ArabicWord,
    LatinWord,
    CyrillicWord,
    Number,
    Url,
    Email,
    Punct,
    Other,
}

/// One token: code-point range `start..end` and byte range `byte_start..byte_end` of the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub byte_start: usize,
    pub byte_end: usize,
    pub kind: TokenKind,
}

impl Token {
    /// The token's text (the original substring).
    pub fn text<'a>(&self, source: &'a str) -> &'a str {
        source.get(self.byte_start..self.byte_end).unwrap_or("")
    }
}

/// True for ASCII, Arabic-Indic (٠-٩) and Persian (۰-۹) digits.
pub fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('\u{0660}'..='\u{0669}').contains(&c) || ('\u{06F0}'..='\u{06F9}').contains(&c)
}

fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic()
        || (c.is_alphabetic()
            && matches!(c as u32, 0x00C0..=0x024F | 0x1E00..=0x1EFF)
            && c != '×'
            && c != '÷')
}

fn is_cyrillic_letter(c: char) -> bool {
    matches!(c as u32, 0x0400..=0x052F)
}

/// Punctuation: ASCII, Arabic (، ؛ ؟ ٪ ۔ ٭), general punctuation, quotes and guillemets.
pub fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(
            c,
            '\u{060C}'
                | '\u{060D}'
                | '\u{061B}'
                | '\u{061E}'
                | '\u{061F}'
                | '\u{066A}'
                | '\u{066D}'
                | '\u{06D4}'
                | '«'
                | '»'
                | '¡'
                | '¿'
                | '·'
                | '•'
                | '§'
                | '¶'
        )
        || ('\u{2010}'..='\u{2027}').contains(&c)
        || ('\u{2030}'..='\u{205E}').contains(&c)
        || ('\u{3001}'..='\u{3003}').contains(&c)
        || ('\u{FD3E}'..='\u{FD3F}').contains(&c)
}

/// Characters that belong to the word they follow (tashkeel, tatweel, joiners).
fn is_word_mark(c: char) -> bool {
    is_tashkeel_or_tatweel(c) || matches!(c, '\u{200C}' | '\u{200D}')
}

/// Ignorable format characters between tokens (bidi marks, zero-width space, BOM).
fn is_ignorable(c: char) -> bool {
    matches!(c, '\u{200B}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// Splits `text` into tokens (whitespace and bidi controls are skipped).
pub fn tokenize(text: &str) -> Vec<Token> {
    // (byte offset, char) with code-point index = position in this vector.
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let n = chars.len();
    let ch = |i: usize| chars.get(i).map(|p| p.1).unwrap_or('\0');
    let byte_at = |i: usize| chars.get(i).map(|p| p.0).unwrap_or(text.len());
    let mut out = Vec::with_capacity(n / 5 + 1);
    let mut push = |start: usize, end: usize, kind: TokenKind| {
        out.push(Token { start, end, byte_start: byte_at(start), byte_end: byte_at(end), kind });
    };
    let mut i = 0;
    while i < n {
        let c = ch(i);
        if c.is_whitespace() || is_ignorable(c) {
            i += 1;
            continue;
        }
        if let Some((end, kind)) = url_or_email_at(&chars, i) {
            push(i, end, kind);
            i = end;
            continue;
        }
        let start = i;
        if is_arabic_letter(c) {
            i += 1;
            while i < n && (is_arabic_letter(ch(i)) || is_word_mark(ch(i))) {
                i += 1;
            }
            push(start, i, TokenKind::ArabicWord);
        } else if is_digit(c) {
            i += 1;
            loop {
                while i < n && is_digit(ch(i)) {
                    i += 1;
                }
                // decimal / thousands separator between digits
                if matches!(ch(i), '.' | ',' | '٫' | '٬') && is_digit(ch(i + 1)) {
                    i += 1;
                    continue;
                }
                break;
            }
            push(start, i, TokenKind::Number);
        } else if is_latin_letter(c) {
            i += 1;
            loop {
                while i < n && (is_latin_letter(ch(i)) || ch(i).is_ascii_digit()) {
                    i += 1;
                }
                // O'Brien, rock'n'roll
                if matches!(ch(i), '\'' | '’') && is_latin_letter(ch(i + 1)) {
                    i += 1;
                    continue;
                }
                break;
            }
            push(start, i, TokenKind::LatinWord);
        } else if is_cyrillic_letter(c) {
            i += 1;
            while i < n && (is_cyrillic_letter(ch(i)) || ch(i) == '\u{0301}') {
                i += 1;
            }
            push(start, i, TokenKind::CyrillicWord);
        } else if is_punct(c) {
            i += 1;
            // a run of the same mark ("...", "!!", "--") is one token
            while i < n && ch(i) == c && matches!(c, '.' | '!' | '?' | '-' | '_' | '=' | '*' | '؟') {
                i += 1;
            }
            push(start, i, TokenKind::Punct);
        } else if c.is_alphanumeric() {
            // letters of other scripts: one token per run of the same kind
            i += 1;
            while i < n
                && ch(i).is_alphanumeric()
                && !is_arabic_letter(ch(i))
                && !is_latin_letter(ch(i))
                && !is_cyrillic_letter(ch(i))
                && !is_digit(ch(i))
            {
                i += 1;
            }
            push(start, i, TokenKind::Other);
        } else {
            // symbols, emoji, stray combining marks: one char each (a following mark joins it)
            i += 1;
            while i < n && is_word_mark(ch(i)) {
                i += 1;
            }
            push(start, i, TokenKind::Other);
        }
    }
    out
}

/// A URL (`http://`, `https://`, `www.`) or an e-mail address starting at `i`: its end and kind.
fn url_or_email_at(chars: &[(usize, char)], i: usize) -> Option<(usize, TokenKind)> {
    let c0 = chars.get(i)?.1;
    if !c0.is_ascii_alphanumeric() {
        return None;
    }
    // only at the start of a whitespace-delimited chunk (keeps the whole pass linear)
    let chunk_start = i == 0
        || chars.get(i - 1).is_some_and(|&(_, p)| {
            p.is_whitespace()
                || is_ignorable(p)
                || matches!(p, '(' | '[' | '«' | '"' | '\'' | ':' | '،' | '<')
        });
    if !chunk_start {
        return None;
    }
    // the maximal run of non-space, non-Arabic characters
    let mut end = i;
    while let Some(&(_, c)) = chars.get(end) {
        if c.is_whitespace() || is_arabic_letter(c) || is_ignorable(c) || c == '،' || c == '«' || c == '»'
        {
            break;
        }
        end += 1;
        if end - i > 2048 {
            break;
        }
    }
    let lower_starts = |p: &str| {
        let mut k = i;
        for pc in p.chars() {
            match chars.get(k) {
                Some(&(_, c)) if c.to_ascii_lowercase() == pc => k += 1,
                _ => return false,
            }
        }
        true
    };
    let trim_end = |mut e: usize| {
        while e > i
            && chars.get(e - 1).is_some_and(|&(_, c)| {
                matches!(c, '.' | ',' | ';' | ':' | ')' | ']' | '!' | '?' | '"' | '\'')
            })
        {
            e -= 1;
        }
        e
    };
    if lower_starts("http://") || lower_starts("https://") || lower_starts("www.") {
        let e = trim_end(end);
        let min = if lower_starts("www.") { i + 5 } else { i + 8 };
        if e >= min {
            return Some((e, TokenKind::Url));
        }
        return None;
    }
    // e-mail: local@domain.tld with ASCII local part and a dot in the domain
    let at = (i..end).find(|&k| chars.get(k).is_some_and(|p| p.1 == '@'))?;
    let local_ok = (i..at).all(|k| {
        chars.get(k).is_some_and(|&(_, c)| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+'))
    });
    let e = trim_end(end);
    if !local_ok || at == i || e <= at + 3 {
        return None;
    }
    let mut dot = false;
    for k in at + 1..e {
        let c = chars.get(k)?.1;
        if c == '.' {
            dot = true;
        } else if !(c.is_ascii_alphanumeric() || c == '-') {
            return None;
        }
    }
    let last = chars.get(e - 1)?.1;
    (dot && last.is_ascii_alphanumeric()).then_some((e, TokenKind::Email))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(t: &str) -> Vec<(String, TokenKind)> {
        tokenize(t).iter().map(|k| (k.text(t).to_string(), k.kind)).collect()
    }

    #[test]
    fn offsets_are_code_points_and_match_text() {
        let t = "قال بـوتين: «نعم» 3.5% في Moscow.";
        for tok in tokenize(t) {
            let by_chars: String = t.chars().skip(tok.start).take(tok.end - tok.start).collect();
            assert_eq!(by_chars, tok.text(t));
        }
        let first = tokenize(t)[1];
        assert_eq!((first.start, first.end), (4, 10));
    }

    #[test]
    fn tashkeel_and_tatweel_stay_inside_words() {
        let v = toks("مُحَمَّدٌ بـــوتين");
        assert_eq!(v.len(), 2);
        assert_eq!(v[0], ("مُحَمَّدٌ".to_string(), TokenKind::ArabicWord));
        assert_eq!(v[1].0, "بـــوتين");
    }

    #[test]
    fn punctuation_is_split_from_words() {
        let v = toks("(أ ف ب) بيروت، لبنان؟");
        let texts: Vec<&str> = v.iter().map(|p| p.0.as_str()).collect();
        assert_eq!(texts, vec!["(", "أ", "ف", "ب", ")", "بيروت", "،", "لبنان", "؟"]);
        assert_eq!(v[0].1, TokenKind::Punct);
        assert_eq!(v[6].1, TokenKind::Punct);
    }

    #[test]
    fn numbers_include_arabic_indic_digits_and_decimals() {
        let v = toks("٢٠٢٤ و1,500 و٣٫٥ و12.75.");
        let nums: Vec<&str> = v.iter().filter(|p| p.1 == TokenKind::Number).map(|p| p.0.as_str()).collect();
        assert_eq!(nums, vec!["٢٠٢٤", "1,500", "٣٫٥", "12.75"]);
        assert_eq!(v.last().map(|p| p.1), Some(TokenKind::Punct));
    }

    #[test]
    fn digits_glued_to_arabic_split_into_word_and_number() {
        let v = toks("الأمن1706");
        assert_eq!(v, vec![("الأمن".into(), TokenKind::ArabicWord), ("1706".into(), TokenKind::Number)]);
    }

    #[test]
    fn latin_and_cyrillic_words() {
        let v = toks("Vladimir Путин O'Brien");
        assert_eq!(v[0], ("Vladimir".into(), TokenKind::LatinWord));
        assert_eq!(v[1], ("Путин".into(), TokenKind::CyrillicWord));
        assert_eq!(v[2], ("O'Brien".into(), TokenKind::LatinWord));
    }

    #[test]
    fn urls_and_emails_are_single_tokens() {
        let v = toks("راجع https://example.com/a?b=1. أو www.bbc.co.uk، واكتب info@news-site.org.");
        assert!(v.contains(&("https://example.com/a?b=1".into(), TokenKind::Url)));
        assert!(v.contains(&("www.bbc.co.uk".into(), TokenKind::Url)));
        assert!(v.contains(&("info@news-site.org".into(), TokenKind::Email)));
    }

    #[test]
    fn empty_and_whitespace_only_give_no_tokens() {
        assert!(tokenize("").is_empty());
        assert!(tokenize(" \n\t\u{200F} ").is_empty());
    }

    #[test]
    fn other_scripts_and_symbols_are_other() {
        let v = toks("東京 😀");
        assert_eq!(v[0], ("東京".into(), TokenKind::Other));
        assert_eq!(v[1], ("😀".into(), TokenKind::Other));
    }
}

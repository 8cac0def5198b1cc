//! The optional article header: leading whitespace, then `date YYYY-MM-DD`, then the body on
//! the same line or the next.
//!
//! Rules:
//! - `date` is matched case-insensitively and must be followed by spaces or tabs; the date's
//!   digits may be ASCII, Arabic-Indic (٠–٩) or Extended Arabic-Indic / Persian (۰–۹), mixed
//!   freely, with `-` between the parts; the date must be followed by whitespace or the end.
//! - `date` followed by something that does not start with a digit is not a header (an English
//!   text may well start with the word "date"): the article is undated, the body starts at 0.
//! - `date` followed by a token that starts with a digit but is not a real calendar date in the
//!   `YYYY-MM-DD` shape (`2025-13-45`, `2025-1-5`) is an invalid header. The loader reports such
//!   a file as a problem ("invalid header date …") and does not load it, so it is fixed rather
//!   than silently shown as undated.
//! - `body_start` is the code-point offset of the first non-whitespace character after the
//!   header (the text's length when nothing follows).

use chrono::NaiveDate;

/// A parsed header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    /// The date of the header; `None` when the text has no header.
    pub published: Option<NaiveDate>,
    /// Code-point offset where the body starts (0 without a header).
    pub body_start: usize,
}

/// A header whose date is not a valid `YYYY-MM-DD` date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidHeader {
    /// The token found after `date`.
    pub found: String,
}

impl InvalidHeader {
    /// The reason shown in the error list.
    pub fn reason(&self) -> String {
        format!("invalid header date \"{}\" (expected YYYY-MM-DD)", self.found)
    }
}

/// Parses the header at the start of `text`.
pub fn parse_header(text: &str) -> Result<Header, InvalidHeader> {
    let no_header = Header { published: None, body_start: 0 };
    let chars: Vec<(usize, char)> = text.char_indices().take(256).collect();
    let mut i = 0;
    while chars.get(i).is_some_and(|&(_, c)| c.is_whitespace()) {
        i += 1;
    }
    let keyword: String = chars.iter().skip(i).take(4).map(|&(_, c)| c.to_ascii_lowercase()).collect();
    if keyword != "date" {
        return Ok(no_header);
    }
    i += 4;
    let spaces_from = i;
    while chars.get(i).is_some_and(|&(_, c)| is_horizontal_space(c)) {
        i += 1;
    }
    if i == spaces_from || chars.get(i).is_none_or(|&(_, c)| digit_value(c).is_none()) {
        return Ok(no_header);
    }
    let token_from = i;
    while chars.get(i).is_some_and(|&(_, c)| !c.is_whitespace()) {
        i += 1;
    }
    let token: String = chars.get(token_from..i).unwrap_or_default().iter().map(|&(_, c)| c).collect();
    let Some(date) = parse_date(&token) else {
        return Err(InvalidHeader { found: token });
    };
    // Skip whitespace to the body; count code points of the whole text once.
    let byte_after_token = chars.get(i - 1).map_or(text.len(), |&(b, c)| b + c.len_utf8());
    let rest = text.get(byte_after_token..).unwrap_or_default();
    let skipped = rest.chars().take_while(|c| c.is_whitespace()).count();
    Ok(Header { published: Some(date), body_start: i + skipped })
}

/// `YYYY-MM-DD` with any supported digits, as a real calendar date.
pub fn parse_date(token: &str) -> Option<NaiveDate> {
    let mut parts = token.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let year = number_of_len(y, 4)?;
    let month = number_of_len(m, 2)?;
    let day = number_of_len(d, 2)?;
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

fn number_of_len(s: &str, len: usize) -> Option<u32> {
    let mut n = 0u32;
    let mut count = 0;
    for c in s.chars() {
        n = n * 10 + digit_value(c)?;
        count += 1;
        if count > len {
            return None;
        }
    }
    (count == len).then_some(n)
}

/// The value of an ASCII, Arabic-Indic or Extended Arabic-Indic (Persian) digit.
pub fn digit_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(u32::from(c) - u32::from('0')),
        '\u{0660}'..='\u{0669}' => Some(u32::from(c) - 0x0660),
        '\u{06F0}'..='\u{06F9}' => Some(u32::from(c) - 0x06F0),
        _ => None,
    }
}

fn is_horizontal_space(c: char) -> bool {
    c.is_whitespace() && !matches!(c, '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    fn body(text: &str) -> String {
        let h = parse_header(text).unwrap();
        text.chars().skip(h.body_start).collect()
    }

    #[test]
    fn header_with_body_on_the_same_line() {
        let text = " date 2025-10-27 أكد الرئيس";
        assert_eq!(parse_header(text).unwrap().published, ymd(2025, 10, 27));
        assert_eq!(body(text), "أكد الرئيس");
    }

    #[test]
    fn header_with_body_on_the_next_line_crlf_or_lf() {
        for text in ["date 2024-02-29\nعنوان", "\r\n date 2024-02-29 \r\nعنوان", "DATE 2024-02-29\n\n\nعنوان"]
        {
            assert_eq!(parse_header(text).unwrap().published, ymd(2024, 2, 29), "{text:?}");
            assert_eq!(body(text), "عنوان", "{text:?}");
        }
    }

    #[test]
    fn body_start_counts_code_points_not_bytes() {
        let text = "date ٢٠٢٥-٠١-٠٢ نص";
        let h = parse_header(text).unwrap();
        assert_eq!(h.body_start, 16);
        assert_eq!(body(text), "نص");
    }

    #[test]
    fn arabic_indic_and_persian_digits() {
        assert_eq!(parse_header("date ٢٠٢٣-٠٥-٠٩ نص").unwrap().published, ymd(2023, 5, 9));
        assert_eq!(parse_header("date ۲۰۲۴-۰۳-۰۱\nنص").unwrap().published, ymd(2024, 3, 1));
        assert_eq!(parse_header("date ٢٠2٣-05-٠٩ نص").unwrap().published, ymd(2023, 5, 9));
    }

    #[test]
    fn invalid_dates_are_invalid_headers() {
        for (text, found) in [
            ("date 2025-13-45 نص", "2025-13-45"),
            ("date 2023-02-29\nنص", "2023-02-29"),
            ("date 2025-1-5 نص", "2025-1-5"),
            ("date 2025-10-27x نص", "2025-10-27x"),
            ("date 20251027", "20251027"),
        ] {
            assert_eq!(parse_header(text), Err(InvalidHeader { found: found.into() }), "{text:?}");
        }
        assert!(InvalidHeader { found: "2025-13-45".into() }.reason().contains("2025-13-45"));
    }

    #[test]
    fn no_header_means_undated_body_from_zero() {
        for text in ["أكد الرئيس", "date palms grow here", "dated 2025-10-27 x", "date\n2025-10-27 x", ""]
        {
            assert_eq!(parse_header(text), Ok(Header { published: None, body_start: 0 }), "{text:?}");
        }
    }

    #[test]
    fn header_only_body_starts_at_the_end() {
        let text = "date 2025-10-27\n";
        assert_eq!(parse_header(text).unwrap().body_start, text.chars().count());
    }

    #[test]
    fn header_fixtures() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus");
        let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
        assert_eq!(parse_header(&read("header-same-line.txt")).unwrap().published, ymd(2025, 8, 13));
        assert_eq!(parse_header(&read("header-next-line.txt")).unwrap().published, ymd(2024, 2, 29));
        assert_eq!(parse_header(&read("header-arabic-indic.txt")).unwrap().published, ymd(2023, 5, 9));
        assert_eq!(parse_header(&read("header-persian-digits.txt")).unwrap().published, ymd(2024, 3, 1));
        assert!(parse_header(&read("header-invalid-date.txt")).is_err());
    }
}

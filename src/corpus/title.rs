//! The title of an article, from its body.
//!
//! Rules:
//! - Take the first line of the body with a letter or digit in it, whitespace collapsed, a leading bullet
//!   (`-`, `–`, `—`, `•`, `*`, `·`, `▪`, `●` followed by a space) removed.
//! - It is a headline, and the title, when it reads as one: at most [`HEADLINE_MAX_CHARS`]
//!   characters and [`HEADLINE_MAX_WORDS`] words, and (closing quotes and brackets aside) it does
//!   not end with sentence or clause punctuation (`. ! ? ؟ … : ، , ؛ ;`). Scraped articles often
//!   start with their headline on a line of its own.
//! - Otherwise the title is the line's first sentence (ending at `. ! ? ؟ … ۔` followed by a
//!   space or the end, not a decimal point), cut at a word boundary to at most
//!   [`TITLE_MAX_CHARS`] characters with `…` appended when it is longer.
//! - Never empty: when the body has no usable text, the caller's fallback (the file name) is used.

/// Longest line (in characters) still read as a headline.
pub const HEADLINE_MAX_CHARS: usize = 140;
/// Most words in a line still read as a headline.
pub const HEADLINE_MAX_WORDS: usize = 20;
/// Longest title cut from a sentence, before the `…`.
pub const TITLE_MAX_CHARS: usize = 120;

/// Characters of a line looked at (a line this long is no headline, and a title is cut well
/// before); bounds the work on files that are one huge line.
const LINE_SCAN_CHARS: usize = 4 * HEADLINE_MAX_CHARS;

const BULLETS: &[char] = &['-', '–', '—', '•', '*', '·', '▪', '●'];
const CLOSERS: &[char] = &['"', '\'', '»', '«', '”', '“', '’', ')', ']', '}', '›'];
const SENTENCE_END: &[char] = &['.', '!', '?', '؟', '…', '۔'];
const NOT_HEADLINE_END: &[char] = &['.', '!', '?', '؟', '…', '۔', ':', '،', ',', '؛', ';'];

/// The title of `body` (the text after the header), or `fallback` when the body has no text.
pub fn title(body: &str, fallback: &str) -> String {
    for line in body.lines() {
        // A title never needs more than the start of a line (some files are one huge line).
        let line = match line.char_indices().nth(LINE_SCAN_CHARS) {
            Some((cut, _)) => line.get(..cut).unwrap_or(line),
            None => line,
        };
        let line = collapse_whitespace(line);
        let line = strip_bullet(&line);
        if !line.chars().any(char::is_alphanumeric) {
            continue;
        }
        if is_headline(line) {
            return line.to_string();
        }
        return cut_at_word(first_sentence(line), TITLE_MAX_CHARS);
    }
    fallback.to_string()
}

/// Whether a (collapsed, trimmed) line reads as a headline.
pub fn is_headline(line: &str) -> bool {
    let chars = line.chars().count();
    let words = line.split_whitespace().count();
    let last = line.trim_end_matches(CLOSERS).chars().next_back();
    chars <= HEADLINE_MAX_CHARS
        && words <= HEADLINE_MAX_WORDS
        && last.is_some_and(|c| !NOT_HEADLINE_END.contains(&c))
}

/// The first sentence of a line, with its final punctuation and closing quotes.
fn first_sentence(line: &str) -> &str {
    let mut iter = line.char_indices().peekable();
    let mut prev: Option<char> = None;
    while let Some((i, c)) = iter.next() {
        if SENTENCE_END.contains(&c) {
            let next = iter.peek().map(|&(_, n)| n);
            let decimal = c == '.' && prev.is_some_and(|p| p.is_ascii_digit());
            let decimal = decimal && next.is_some_and(|n| n.is_ascii_digit());
            if !decimal {
                // swallow repeated punctuation and closing quotes
                let mut end = i + c.len_utf8();
                while let Some(&(j, n)) = iter.peek() {
                    if SENTENCE_END.contains(&n) || CLOSERS.contains(&n) {
                        end = j + n.len_utf8();
                        iter.next();
                    } else {
                        break;
                    }
                }
                match iter.peek() {
                    None => return line,
                    Some(&(_, n)) if n.is_whitespace() => return line.get(..end).unwrap_or(line),
                    _ => {}
                }
            }
        }
        prev = Some(c);
    }
    line
}

/// `text` when at most `max` characters, else cut at the last space within `max` characters
/// (or hard at `max` when there is none in the second half), trailing punctuation dropped,
/// plus `…`.
fn cut_at_word(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let head: Vec<char> = text.chars().take(max + 1).collect();
    // a space right after the limit means the first `max` chars end on a word boundary
    let cut = head.iter().rposition(|c| c.is_whitespace()).filter(|&p| p >= max / 2).unwrap_or(max);
    let kept: String = head.get(..cut).unwrap_or_default().iter().collect();
    let kept =
        kept.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '،' | ',' | '؛' | ';' | ':' | '-'));
    format!("{kept}…")
}

fn collapse_whitespace(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn strip_bullet(line: &str) -> &str {
    let mut s = line;
    while let Some(rest) = s.strip_prefix(BULLETS) {
        if let Some(rest) = rest.strip_prefix(' ') {
            s = rest;
        } else {
            break;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_first_line_without_final_punctuation_is_the_headline() {
        let body = "\n\nوزير الدفاع الروسي يشارك في الاحتفال بذكرى تأسيس كوريا الشمالية\nنص الخبر الطويل هنا.";
        assert_eq!(title(body, "f"), "وزير الدفاع الروسي يشارك في الاحتفال بذكرى تأسيس كوريا الشمالية");
    }

    #[test]
    fn headline_may_end_with_a_closing_quote() {
        let body = "زعيم كوريا الشمالية يؤكد دعمه \"غير المشروط\"\n\nنص.";
        assert_eq!(title(body, "f"), "زعيم كوريا الشمالية يؤكد دعمه \"غير المشروط\"");
    }

    #[test]
    fn a_line_ending_with_sentence_punctuation_is_not_a_headline() {
        assert_eq!(title("وصل الوزير إلى القاهرة. ثم غادر.", "f"), "وصل الوزير إلى القاهرة.");
        assert_eq!(title("هل وصل الوزير؟ نعم.", "f"), "هل وصل الوزير؟");
        assert!(!is_headline("قال الوزير:"));
        assert!(!is_headline("قال الوزير،"));
        assert!(!is_headline("انتهى الاجتماع.\""));
    }

    #[test]
    fn long_lines_are_not_headlines() {
        let words = vec!["كلمة"; HEADLINE_MAX_WORDS + 1].join(" ");
        assert!(!is_headline(&words));
        let chars = "ب".repeat(HEADLINE_MAX_CHARS + 1);
        assert!(!is_headline(&chars));
        assert!(is_headline(&vec!["كلمة"; HEADLINE_MAX_WORDS].join(" ")));
    }

    #[test]
    fn long_first_sentence_is_cut_at_a_word_boundary_with_ellipsis() {
        let sentence = format!("{}.", vec!["العلاقات"; 40].join(" "));
        let t = title(&sentence, "f");
        assert!(t.ends_with('…'), "{t}");
        let kept = t.trim_end_matches('…');
        assert!(kept.chars().count() <= TITLE_MAX_CHARS);
        assert!(kept.chars().count() >= TITLE_MAX_CHARS - "العلاقات".chars().count() - 1);
        assert!(kept.split(' ').all(|w| w == "العلاقات"), "cut inside a word: {t}");
    }

    #[test]
    fn a_word_ending_exactly_at_the_limit_is_kept() {
        // "abcde" + 23 × " abcd" = exactly 120 characters, then a space
        let head = format!("abcde{}", " abcd".repeat(23));
        assert_eq!(head.chars().count(), TITLE_MAX_CHARS);
        let t = title(&format!("{head} tail words that go on."), "f");
        assert_eq!(t, format!("{head}…"));
    }

    #[test]
    fn an_unbroken_run_is_cut_hard() {
        let text = format!("{}.", "ب".repeat(300));
        let t = title(&text, "f");
        assert_eq!(t.chars().count(), TITLE_MAX_CHARS + 1);
    }

    #[test]
    fn decimal_points_do_not_end_a_sentence() {
        let text = "ارتفع المؤشر 3.5 في المئة خلال تداولات يوم الإثنين في الأسواق العالمية والمحلية بعد صدور البيانات. ثم.";
        assert!(title(text, "f").contains("3.5 في المئة"));
    }

    #[test]
    fn a_huge_single_line_gives_a_cut_first_sentence() {
        let line = vec!["كلمة"; 1_000_000].join(" ");
        let t = title(&line, "f");
        assert!(t.ends_with('…') && t.chars().count() <= TITLE_MAX_CHARS + 1, "{t}");
    }

    #[test]
    fn leading_bullets_are_stripped() {
        assert_eq!(title("- أعرب السفير عن دعم بلاده", "f"), "أعرب السفير عن دعم بلاده");
        assert_eq!(title("• عنوان", "f"), "عنوان");
        assert_eq!(title("-5 درجات", "f"), "-5 درجات");
    }

    #[test]
    fn whitespace_is_collapsed() {
        assert_eq!(title("  عنوان \t  الخبر  \r\nنص", "f"), "عنوان الخبر");
    }

    #[test]
    fn never_empty_falls_back_to_the_file_name() {
        assert_eq!(title("", "001_abc"), "001_abc");
        assert_eq!(title(" \n - \n…\n", "001_abc"), "001_abc");
        assert_eq!(title("\n\n", "001_abc"), "001_abc");
    }
}

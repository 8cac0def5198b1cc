//! Sentence boundaries in code points: a sentence ends after `.`, `!`, `?`, `؟`, `…` (with any
//! closing quotes/brackets that follow) or at a line break. Events are sentences with a date.

use std::ops::Range;

/// Splits `text` into sentence ranges (code points, end exclusive), trimmed of surrounding
/// whitespace; empty sentences are skipped.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let end_here = match c {
            '\n' | '\r' => Some(i),
            '.' | '!' | '?' | '؟' | '…' | '۔' => {
                // not a decimal point or an abbreviation dot between digits
                let prev_digit = i > 0 && chars[i - 1].is_ascii_digit();
                let next_digit = chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
                if c == '.' && prev_digit && next_digit {
                    None
                } else {
                    let mut j = i + 1;
                    while j < chars.len()
                        && matches!(chars[j], '.' | '!' | '?' | '؟' | '"' | '»' | '”' | ')' | '’' | '\'')
                    {
                        j += 1;
                    }
                    i = j - 1;
                    Some(j)
                }
            }
            _ => None,
        };
        if let Some(end) = end_here {
            push_trimmed(&chars, start, end, &mut out);
            start = end;
        }
        i += 1;
    }
    push_trimmed(&chars, start, chars.len(), &mut out);
    out
}

fn push_trimmed(chars: &[char], mut start: usize, mut end: usize, out: &mut Vec<Range<usize>>) {
    while start < end && chars[start].is_whitespace() {
        start += 1;
    }
    while end > start && chars[end - 1].is_whitespace() {
        end -= 1;
    }
    if start < end {
        out.push(start..end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_arabic_question_mark_and_period() {
        let t = "هل جاء؟ نعم جاء. وانتهى";
        let s: Vec<String> =
            sentences(t).into_iter().map(|r| t.chars().skip(r.start).take(r.len()).collect()).collect();
        assert_eq!(s, vec!["هل جاء؟", "نعم جاء.", "وانتهى"]);
    }

    #[test]
    fn decimal_point_does_not_split() {
        assert_eq!(sentences("نما 2.5 في المئة.").len(), 1);
    }
}

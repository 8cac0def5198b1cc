//! Arabic normalisation for matching (never for display): tashkeel and tatweel removed,
//! alef variants (أ إ آ ٱ) → ا, final ى → ي, ة → ه, ؤ → و, ئ → ي, Arabic-Indic and Persian
//! digits → ASCII, Latin lower-cased. Offsets are kept so a match in normalised text maps
//! back to code points of the original.

/// Folds one character for matching. `None` means the character is dropped (tashkeel,
/// tatweel, bidi and zero-width controls).
pub fn fold_char(c: char) -> Option<char> {
    match c {
        // tashkeel (harakat, tanwin, shadda, sukun, superscript alef) and Quranic marks
        '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}' | '\u{0610}'..='\u{061A}' => None,
        '\u{0640}' => None, // tatweel
        // zero-width and bidi controls
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' => None,
        'أ' | 'إ' | 'آ' | 'ٱ' | 'ٲ' | 'ٳ' => Some('ا'),
        'ى' => Some('ي'),
        'ة' => Some('ه'),
        'ؤ' => Some('و'),
        'ئ' => Some('ي'),
        'ی' | 'ې' => Some('ي'), // Persian/Urdu ya
        'ک' => Some('ك'),       // Persian kaf
        '٠'..='٩' => char::from_u32(c as u32 - '٠' as u32 + '0' as u32),
        '۰'..='۹' => char::from_u32(c as u32 - '۰' as u32 + '0' as u32),
        c if c.is_ascii_uppercase() => Some(c.to_ascii_lowercase()),
        c => Some(c),
    }
}

/// Normalises a string for matching.
pub fn normalize(text: &str) -> String {
    text.chars().filter_map(fold_char).collect()
}

/// Normalised text plus, for each normalised char, the code-point index of the original
/// char it came from (one extra entry at the end = original length in chars).
pub fn normalize_with_offsets(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len() / 2 + 1);
    let mut count = 0;
    for (i, c) in text.chars().enumerate() {
        if let Some(f) = fold_char(c) {
            out.push(f);
            map.push(i);
        }
        count = i + 1;
    }
    map.push(count);
    (out, map)
}

/// True for Arabic letters (not digits or punctuation).
pub fn is_arabic_letter(c: char) -> bool {
    matches!(c, '\u{0621}'..='\u{063A}' | '\u{0641}'..='\u{064A}' | '\u{066E}'..='\u{066F}' | '\u{0671}'..='\u{06D3}' | '\u{06D5}' | '\u{06FA}'..='\u{06FC}' | '\u{06FF}' | '\u{0750}'..='\u{077F}')
}

/// True for characters dropped by [`fold_char`] that sit inside words (tashkeel, tatweel).
pub fn is_tashkeel_or_tatweel(c: char) -> bool {
    matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' | '\u{06D6}'..='\u{06ED}' | '\u{0610}'..='\u{061A}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alef_variants_fold_to_bare_alef() {
        assert_eq!(normalize("أحمد"), "احمد");
        assert_eq!(normalize("إبراهيم آمال ٱلله"), "ابراهيم امال الله");
    }

    #[test]
    fn ta_marbuta_and_alef_maqsura_fold() {
        assert_eq!(normalize("مدرسة"), "مدرسه");
        assert_eq!(normalize("مستشفى"), "مستشفي");
    }

    #[test]
    fn tashkeel_and_tatweel_are_dropped() {
        assert_eq!(normalize("بـــوتين"), "بوتين");
        assert_eq!(normalize("مُحَمَّدٌ"), "محمد");
    }

    #[test]
    fn digits_fold_to_ascii() {
        assert_eq!(normalize("٢٠٢٤"), "2024");
        assert_eq!(normalize("۱۴۰۳"), "1403");
    }

    #[test]
    fn offsets_map_back_to_original_chars() {
        let (n, map) = normalize_with_offsets("بـوتين");
        assert_eq!(n, "بوتين");
        assert_eq!(map, vec![0, 2, 3, 4, 5, 6]);
    }
}

//! Bytes → text: encoding detection and decoding of one article.
//!
//! Order of the rules (first that applies wins):
//! 1. zero bytes → "empty file";
//! 2. a byte-order mark (UTF-8, UTF-16LE, UTF-16BE) decides the encoding; the BOM is removed;
//! 3. NUL bytes: BOM-less UTF-16 when every NUL sits at the same byte parity and the text decodes
//!    cleanly (recorded as a warning), otherwise "not text (binary data)";
//! 4. more than 1% C0 control bytes (other than tab, LF, VT, FF, CR and the DOS end-of-file 0x1A)
//!    → "not text (binary data)";
//! 5. valid UTF-8 → UTF-8; UTF-8 that is only cut inside its last character, or with a few bad
//!    sequences among many good multi-byte ones, → UTF-8 with the bad bytes replaced by U+FFFD
//!    and a warning;
//! 6. otherwise chardetng guesses a legacy encoding twice, plainly and expecting Arabic (as for a
//!    page from an Arabic country's domain); the guess whose letters keep to one script wins,
//!    ties going to Arabic (Windows-1256). Any unmappable byte becomes U+FFFD with a warning.
//!
//! The decoded text is kept exactly as decoded (line endings included: CRLF stays CRLF) apart
//! from the removed BOM, so code-point offsets match what any other tool decoding the same file
//! would compute. Whitespace-only text → "empty file".

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

/// Reason for a file that is not text.
pub const REASON_BINARY: &str = "not text (binary data)";
/// Reason for a zero-byte or whitespace-only file.
pub const REASON_EMPTY: &str = "empty file";

/// A decoded article.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// The text, BOM removed, otherwise as decoded.
    pub text: String,
    /// The encoding used.
    pub encoding: &'static Encoding,
    /// Whether the file started with a byte-order mark.
    pub had_bom: bool,
    /// Non-fatal problems (lossy decode, guessed BOM-less UTF-16).
    pub warnings: Vec<String>,
}

/// Why bytes could not be decoded into an article; `reason()` is the text shown to the user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeError {
    Empty,
    Binary,
}

impl DecodeError {
    pub fn reason(self) -> &'static str {
        match self {
            DecodeError::Empty => REASON_EMPTY,
            DecodeError::Binary => REASON_BINARY,
        }
    }
}

/// The static name of an encoding given by name ("UTF-8", "windows-1256", …), as
/// [`crate::corpus::Document::encoding`] holds it; "" stays "" (unknown). `None` for a name
/// that is not an encoding.
pub fn encoding_name(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        return Some("");
    }
    Encoding::for_label(name.as_bytes()).map(|e| e.name())
}

/// Detects the encoding of `bytes` and decodes them (see the module doc for the rules).
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    let decoded = if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let rest = bytes.get(bom_len..).unwrap_or_default();
        if encoding == UTF_8 && is_binary_bytes(rest) {
            return Err(DecodeError::Binary);
        }
        let decoded = decode_with(rest, encoding, true, Vec::new());
        // UTF-16: the byte checks above did not apply; check the decoded characters.
        if encoding != UTF_8 && is_binary_text(&decoded.text) {
            return Err(DecodeError::Binary);
        }
        decoded
    } else if bytes.contains(&0) {
        match bomless_utf16(bytes) {
            Some(encoding) => {
                let warning = format!("no byte-order mark: decoded as {}", encoding.name());
                decode_with(bytes, encoding, false, vec![warning])
            }
            None => return Err(DecodeError::Binary),
        }
    } else if is_binary_bytes(bytes) {
        return Err(DecodeError::Binary);
    } else {
        decode_unmarked(bytes)
    };
    if decoded.text.chars().all(char::is_whitespace) {
        return Err(DecodeError::Empty);
    }
    Ok(decoded)
}

/// Decodes BOM-less, NUL-free bytes: UTF-8 when it is (or nearly is), else chardetng's guess.
fn decode_unmarked(bytes: &[u8]) -> Decoded {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Decoded { text: text.to_owned(), encoding: UTF_8, had_bom: false, warnings: Vec::new() };
    }
    let check = utf8_check(bytes);
    if check.truncated_only {
        let warning = "truncated UTF-8: the file ends inside a character (replaced with U+FFFD)".to_string();
        return decode_with_warned(bytes, UTF_8, vec![warning]);
    }
    // A handful of bad sequences among many good multi-byte characters is damaged UTF-8,
    // not a legacy encoding (where most non-ASCII bytes would be invalid UTF-8).
    if check.multibyte >= 8 && check.invalid * 50 <= check.multibyte {
        let warning = format!(
            "invalid UTF-8: {} malformed sequence{} replaced with U+FFFD",
            check.invalid,
            if check.invalid == 1 { "" } else { "s" }
        );
        return decode_with_warned(bytes, UTF_8, vec![warning]);
    }
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, true);
    let encoding = choose_legacy(bytes, detector.guess(None, false), detector.guess(Some(ARABIC_TLD), false));
    decode_with(bytes, encoding, false, Vec::new())
}

/// A top-level domain of an Arabic-speaking country: chardetng then expects an Arabic encoding
/// (Windows-1256), which short Arabic files need to be recognised at all.
const ARABIC_TLD: &[u8] = b"eg";

/// chardetng's plain guess or its guess expecting Arabic: the one whose decoded letters are
/// more consistently of one script (ties go to the Arabic expectation). Mojibake mixes
/// scripts (Cyrillic in Windows-1256 gives Arabic and accented Latin letters), so a Russian
/// Windows-1251 file is not turned into Arabic, while a short Arabic file is not read as KOI8.
fn choose_legacy(bytes: &[u8], plain: &'static Encoding, arabic: &'static Encoding) -> &'static Encoding {
    if plain == arabic {
        return plain;
    }
    let purity = |encoding: &'static Encoding| {
        let (text, _) = encoding.decode_without_bom_handling(bytes);
        script_purity(&text)
    };
    if purity(arabic) >= purity(plain) { arabic } else { plain }
}

/// Share (0..=1) of the non-ASCII letters that belong to the most common script among them.
fn script_purity(text: &str) -> f64 {
    let mut counts = [0usize; 6];
    for c in text.chars().filter(|c| !c.is_ascii() && c.is_alphabetic()) {
        let script = match u32::from(c) {
            0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => 0,
            0x0400..=0x052F => 1,
            0x0370..=0x03FF => 2,
            0x0590..=0x05FF => 3,
            0x00C0..=0x024F => 4,
            _ => 5,
        };
        if let Some(n) = counts.get_mut(script) {
            *n += 1;
        }
    }
    let total: usize = counts.iter().sum();
    let max = counts.iter().copied().max().unwrap_or(0);
    if total == 0 { 1.0 } else { max as f64 / total as f64 }
}

/// Decodes with an encoding whose warning the caller already wrote (UTF-8 known to be lossy).
fn decode_with_warned(bytes: &[u8], encoding: &'static Encoding, warnings: Vec<String>) -> Decoded {
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    Decoded { text: text.into_owned(), encoding, had_bom: false, warnings }
}

/// Decodes `bytes` (BOM already stripped) with `encoding`, adding a warning for a lossy decode.
fn decode_with(
    bytes: &[u8],
    encoding: &'static Encoding,
    had_bom: bool,
    mut warnings: Vec<String>,
) -> Decoded {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if had_errors {
        let replaced = text.chars().filter(|&c| c == '\u{FFFD}').count();
        warnings.push(format!(
            "lossy decode as {}: {} malformed sequence{} replaced with U+FFFD",
            encoding.name(),
            replaced,
            if replaced == 1 { "" } else { "s" }
        ));
    }
    Decoded { text: text.into_owned(), encoding, had_bom, warnings }
}

struct Utf8Check {
    /// Number of malformed sequences.
    invalid: usize,
    /// Number of well-formed multi-byte characters.
    multibyte: usize,
    /// The only malformation is an incomplete character at the very end.
    truncated_only: bool,
}

fn utf8_check(bytes: &[u8]) -> Utf8Check {
    let mut invalid = 0;
    let mut multibyte = 0;
    let mut truncated_only = false;
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                multibyte += s.chars().filter(|c| !c.is_ascii()).count();
                break;
            }
            Err(e) => {
                let valid = rest.get(..e.valid_up_to()).unwrap_or_default();
                multibyte +=
                    std::str::from_utf8(valid).map_or(0, |s| s.chars().filter(|c| !c.is_ascii()).count());
                invalid += 1;
                match e.error_len() {
                    None => {
                        truncated_only = invalid == 1;
                        break;
                    }
                    Some(len) => rest = rest.get(e.valid_up_to() + len..).unwrap_or_default(),
                }
            }
        }
    }
    Utf8Check { invalid, multibyte, truncated_only }
}

/// Control bytes that never occur in a text file.
fn is_control_byte(b: u8) -> bool {
    matches!(b, 0x00..=0x08 | 0x0E..=0x19 | 0x1B..=0x1F)
}

fn is_binary_bytes(bytes: &[u8]) -> bool {
    let controls = bytes.iter().filter(|&&b| is_control_byte(b)).count();
    controls > 0 && controls * 100 > bytes.len()
}

/// Binary by its characters (for UTF-16, where the byte checks do not apply): any NUL, or
/// more than 1% control characters.
fn is_binary_text(text: &str) -> bool {
    let mut total = 0usize;
    let mut controls = 0usize;
    for c in text.chars() {
        total += 1;
        if c == '\0' {
            return true;
        }
        if u8::try_from(u32::from(c)).is_ok_and(is_control_byte) {
            controls += 1;
        }
    }
    controls > 0 && controls * 100 > total
}

/// BOM-less UTF-16: all NUL bytes at one parity (the high byte of ASCII characters), even
/// length, and a clean decode. Returns the encoding, or `None` for binary data.
fn bomless_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for (i, &b) in bytes.iter().enumerate() {
        if b == 0 {
            if i.is_multiple_of(2) {
                even += 1;
            } else {
                odd += 1;
            }
        }
    }
    let encoding = match (even, odd) {
        (0, n) if n > 0 => UTF_16LE,
        (n, 0) if n > 0 => UTF_16BE,
        _ => return None,
    };
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    (!had_errors && !is_binary_text(&text)).then_some(encoding)
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::WINDOWS_1256;

    const ARABIC: &str =
        "date 2025-10-27 أكد الرئيس الروسي فلاديمير بوتين، الإثنين، أن العلاقات \"تتطور\".\n\nفقرة ثانية.\n";

    fn fixture(name: &str) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus").join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn utf8_without_bom_is_utf8() {
        let d = decode(ARABIC.as_bytes()).unwrap();
        assert_eq!(d.encoding, UTF_8);
        assert_eq!(d.text, ARABIC);
        assert!(!d.had_bom);
        assert!(d.warnings.is_empty());
    }

    #[test]
    fn utf8_bom_is_removed() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(ARABIC.as_bytes());
        let d = decode(&bytes).unwrap();
        assert_eq!(d.encoding, UTF_8);
        assert!(d.had_bom);
        assert_eq!(d.text, ARABIC);
    }

    #[test]
    fn utf16_le_and_be_with_bom_decode() {
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for unit in ARABIC.encode_utf16() {
            le.extend_from_slice(&unit.to_le_bytes());
            be.extend_from_slice(&unit.to_be_bytes());
        }
        let d = decode(&le).unwrap();
        assert_eq!((d.encoding, d.text.as_ref(), d.had_bom), (UTF_16LE, ARABIC, true));
        let d = decode(&be).unwrap();
        assert_eq!((d.encoding, d.text.as_ref(), d.had_bom), (UTF_16BE, ARABIC, true));
    }

    #[test]
    fn utf16_without_bom_is_guessed_with_a_warning() {
        let le: Vec<u8> = ARABIC.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let d = decode(&le).unwrap();
        assert_eq!(d.encoding, UTF_16LE);
        assert_eq!(d.text, ARABIC);
        assert_eq!(d.warnings.len(), 1);
    }

    #[test]
    fn windows_1256_is_detected_and_crlf_kept() {
        let text = ARABIC.replace('\n', "\r\n");
        let (bytes, _, unmappable) = WINDOWS_1256.encode(&text);
        assert!(!unmappable);
        assert!(std::str::from_utf8(&bytes).is_err());
        let d = decode(&bytes).unwrap();
        assert_eq!(d.encoding, WINDOWS_1256);
        assert_eq!(d.text, text);
        assert!(d.warnings.is_empty());
    }

    #[test]
    fn truncated_utf8_is_a_warning_not_silent() {
        let bytes = ARABIC.trim_end().as_bytes();
        // cut inside the last Arabic letter before the final quote+dot
        let cut = ARABIC.find("\"تتطور").unwrap() + 4;
        let d = decode(&bytes[..cut]).unwrap();
        assert_eq!(d.encoding, UTF_8);
        assert!(d.text.ends_with('\u{FFFD}'));
        assert_eq!(d.warnings.len(), 1, "{:?}", d.warnings);
        assert!(d.warnings[0].contains("truncated"));
    }

    #[test]
    fn a_stray_bad_byte_in_utf8_is_a_warning() {
        let mut bytes = ARABIC.repeat(3).into_bytes();
        bytes.insert(40, 0xFF);
        let d = decode(&bytes).unwrap();
        assert_eq!(d.encoding, UTF_8);
        assert_eq!(d.text.matches('\u{FFFD}').count(), 1);
        assert!(d.warnings[0].contains("1 malformed sequence"), "{:?}", d.warnings);
    }

    #[test]
    fn lossy_utf16_odd_length_is_a_warning() {
        let mut le = vec![0xFF, 0xFE];
        le.extend(ARABIC.encode_utf16().flat_map(u16::to_le_bytes));
        le.push(0x41);
        let d = decode(&le).unwrap();
        assert_eq!(d.encoding, UTF_16LE);
        assert_eq!(d.warnings.len(), 1);
    }

    #[test]
    fn zero_bytes_and_whitespace_are_empty() {
        assert_eq!(decode(b""), Err(DecodeError::Empty));
        assert_eq!(decode(b" \r\n\t\n"), Err(DecodeError::Empty));
        assert_eq!(decode(b"\xEF\xBB\xBF"), Err(DecodeError::Empty));
        assert_eq!(decode(b"\xFF\xFE \x00\n\x00"), Err(DecodeError::Empty));
    }

    #[test]
    fn nul_bytes_and_control_junk_are_binary() {
        let mut junk: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
        assert_eq!(decode(&junk), Err(DecodeError::Binary));
        // no NUL, but full of control bytes
        junk.retain(|&b| b != 0);
        assert_eq!(decode(&junk), Err(DecodeError::Binary));
        // a few NULs at both parities inside text
        let mut text = ARABIC.as_bytes().to_vec();
        text.insert(10, 0);
        text.insert(20, 0);
        text.insert(31, 0);
        assert_eq!(decode(&text), Err(DecodeError::Binary));
    }

    #[test]
    fn a_single_control_character_in_long_text_is_still_text() {
        let mut text = ARABIC.repeat(2).into_bytes();
        text.push(0x1A); // DOS end of file
        text.insert(5, 0x07);
        assert!(decode(&text).is_ok());
    }

    #[test]
    fn fixtures_decode_to_the_same_text() {
        let reference = decode(&fixture("utf8.txt")).unwrap();
        assert_eq!(reference.encoding, UTF_8);
        for (name, encoding, bom) in [
            ("utf8-bom.txt", UTF_8, true),
            ("utf16le-bom.txt", UTF_16LE, true),
            ("utf16be-bom.txt", UTF_16BE, true),
        ] {
            let d = decode(&fixture(name)).unwrap();
            assert_eq!((d.encoding, d.had_bom), (encoding, bom), "{name}");
            assert_eq!(d.text, reference.text, "{name}");
            assert!(d.warnings.is_empty(), "{name}");
        }
        let d = decode(&fixture("windows-1256-crlf.txt")).unwrap();
        assert_eq!(d.encoding, WINDOWS_1256);
        assert!(d.text.contains("\r\n"));
        assert_eq!(d.text.replace("\r\n", "\n"), reference.text);
    }

    #[test]
    fn bad_fixtures_are_rejected_or_warned() {
        assert_eq!(decode(&fixture("empty.txt")), Err(DecodeError::Empty));
        assert_eq!(decode(&fixture("whitespace-only.txt")), Err(DecodeError::Empty));
        assert_eq!(decode(&fixture("binary.txt")), Err(DecodeError::Binary));
        let d = decode(&fixture("truncated-utf8.txt")).unwrap();
        assert_eq!(d.warnings.len(), 1);
    }

    #[test]
    fn short_windows_1256_lines_are_read_as_arabic() {
        for text in ["عاجل: زلزال", "وزير الخارجية يزور القاهرة", "Report from Cairo: الوزير"]
        {
            let (bytes, _, _) = WINDOWS_1256.encode(text);
            let d = decode(&bytes).unwrap();
            assert_eq!((d.encoding, d.text.as_ref()), (WINDOWS_1256, text));
        }
    }

    #[test]
    fn other_legacy_encodings_are_not_forced_to_arabic() {
        let cases = [
            (encoding_rs::WINDOWS_1251, "Привет, как дела? Всё хорошо, спасибо."),
            (encoding_rs::WINDOWS_1252, "Le café où nous étions, à côté de la gare, était fermé."),
        ];
        for (encoding, text) in cases {
            let (bytes, _, _) = encoding.encode(text);
            let d = decode(&bytes).unwrap();
            assert_eq!((d.encoding, d.text.as_ref()), (encoding, text));
        }
    }
}

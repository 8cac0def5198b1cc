//! Tense of the clause around an expression, from verb morphology: future (سـ/سوف/لن, المقرر
//! …), present/imperfect (ي/ت prefixes), past (كان,
//! perfect feminine -ت …). News defaults to the past when nothing is found.

use super::lexicon::{Lex, lexicon};
use super::resolve::Tense;
use super::scan::{Doc, K};

const FUTURE_WORDS: &[&str] = &[
    "سوف",
    "لن",
    "المقرر",
    "مقرر",
    "المتوقع",
    "متوقع",
    "المنتظر",
    "منتظر",
    "المرتقب",
    "مرتقب",
    "يعتزم",
    "تعتزم",
    "يتوقع",
    "تتوقع",
    "يرتقب",
    "يرجح",
    "المزمع",
    "مزمع",
    "ينتظر",
    "تنتظر",
    "يستعد",
    "تستعد",
];
const PAST_WORDS: &[&str] =
    &["كان", "كانت", "كانوا", "كانا", "تم", "تمت", "لم", "جري", "جرت", "قد", "سبق", "منذ", "مضي"];
const NOT_VERBS: &[&str] = &[
    "سياسه",
    "سياسي",
    "سيارات",
    "سيول",
    "ستين",
    "ستون",
    "سنه",
    "سنوات",
    "سنوي",
    "سنويا",
    "سيطره",
    "سياده",
    "سيناء",
    "سيرغي",
    "سيرجي",
    "ستة",
    "سته",
    "سيد",
    "سيده",
    "سياق",
    "سنغافوره",
    "ستوكهولم",
    "سنتين",
    "سيئول",
    "يوم",
    "يوما",
    "يومين",
    "يونيو",
    "يونيه",
    "يوليو",
    "يوليه",
    "يوليوز",
    "يناير",
    "يد",
    "يمين",
    "يسار",
    "يمن",
    "يهود",
    "يورو",
    "يوسف",
    "يحيي",
    "يزيد",
    "يونس",
    "يعقوب",
    "ياسر",
    "يوميا",
    "تونس",
    "تركيا",
    "تاريخ",
    "ترامب",
    "تموز",
    "تشرين",
    "تقرير",
    "تلغرام",
    "تليغرام",
    "توقيت",
    "تقريبا",
    "تماما",
    "تحت",
    "تلك",
    "تلقاء",
    "تجاه",
    "تبعا",
    "ثم",
    "سياره",
    "سياسيه",
    "سيطره",
    "سياده",
    "سيده",
    "سنه",
    "سته",
    "سياحه",
    "سيوله",
    "سنويه",
    "ستاره",
    "سينما",
    "سيناريو",
    "سيما",
    "سيلفي",
    "سيرته",
    "سيره",
    "سيف",
    "يافطه",
    "يهوديه",
];

fn strip_conj(w: &str) -> &str {
    match w.strip_prefix('و').or_else(|| w.strip_prefix('ف')) {
        Some(r) if r.chars().count() >= 3 => r,
        _ => w,
    }
}

/// Tense suggested by one word, if any.
pub fn word_tense(w: &str) -> Option<Tense> {
    let w = strip_conj(w);
    if FUTURE_WORDS.contains(&w) {
        return Some(Tense::Future);
    }
    if PAST_WORDS.contains(&w) {
        return Some(Tense::Past);
    }
    if NOT_VERBS.contains(&w) || w.starts_with("ال") {
        return None;
    }
    let chars: Vec<char> = w.chars().collect();
    let n = chars.len();
    if n < 3 || !lexicon().entries(w).is_empty() {
        return None;
    }
    let first = chars.first().copied();
    let second = chars.get(1).copied();
    if first == Some('س') && matches!(second, Some('ي' | 'ت' | 'ن')) && n >= 4 && !w.ends_with("ات") {
        return Some(Tense::Future);
    }
    if first == Some('ي') && n <= 8 && !w.ends_with("ات") {
        return Some(Tense::Present);
    }
    if first == Some('ت')
        && (3..=7).contains(&n)
        && !(n >= 5 && chars.get(3) == Some(&'ي'))
        && !(n >= 5 && chars.get(2) == Some(&'ا'))
        && !w.ends_with("ات")
        && !w.ends_with('ه')
        && !w.ends_with("يه")
    {
        return Some(Tense::Present);
    }
    if n <= 7 && w.ends_with('ت') && !w.ends_with("ات") {
        return Some(Tense::Past);
    }
    if n <= 7 && w.ends_with("وا") && first != Some('ي') && first != Some('ت') {
        return Some(Tense::Past);
    }
    None
}

fn is_boundary(doc: &Doc, k: usize) -> bool {
    match doc.toks.get(k).map(|t| t.kind) {
        None => true,
        Some(K::Punct) => matches!(
            doc.punct(k),
            Some('.' | '،' | ',' | '؛' | ';' | ':' | '!' | '?' | '؟' | '\n' | '"' | '«' | '»' | '“' | '”')
        ),
        Some(_) => doc.is_any(
            k,
            &[
                "ان",
                "بان",
                "لان",
                "وان",
                "انه",
                "انها",
                "بانه",
                "بانها",
                "حيث",
                "بينما",
                "الذي",
                "التي",
                "والتي",
                "والذي",
            ],
        ),
    }
}

/// Tense for the expression on tokens `t0..t1`: nearest classified word before it in its
/// clause, else after it; past by default.
pub fn tense_at(doc: &Doc, t0: usize, t1: usize) -> Tense {
    let mut k = t0;
    let mut steps = 0;
    while k > 0 && steps < 12 {
        k -= 1;
        steps += 1;
        if is_boundary(doc, k) {
            // a complementizer itself closes the clause; the word right before a comma may still be the verb's
            break;
        }
        if let Some(w) = doc.w(k)
            && let Some(t) = word_tense(w)
        {
            return t;
        }
    }
    let mut k = t1;
    let mut steps = 0;
    while k < doc.len() && steps < 8 {
        if is_boundary(doc, k) {
            break;
        }
        if let Some(w) = doc.w(k)
            && doc.lex_at(k, false).iter().all(|h| !matches!(h.lex, Lex::Weekday(..) | Lex::GMonth(_)))
            && let Some(t) = word_tense(w)
        {
            return t;
        }
        k += 1;
        steps += 1;
    }
    Tense::Past
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arabic::normalize;

    fn t(w: &str) -> Option<Tense> {
        word_tense(&normalize(w))
    }

    #[test]
    fn future_prefix_and_markers() {
        assert_eq!(t("سيزور"), Some(Tense::Future));
        assert_eq!(t("ستُعقد"), Some(Tense::Future));
        assert_eq!(t("المقرر"), Some(Tense::Future));
        assert_eq!(t("سياسة"), None);
        assert_eq!(t("سيتوجه"), Some(Tense::Future));
        assert_eq!(t("سيطرة"), None);
    }

    #[test]
    fn imperfect_reads_as_present_and_perfect_feminine_as_past() {
        assert_eq!(t("يبدأ"), Some(Tense::Present));
        assert_eq!(t("تنطلق"), Some(Tense::Present));
        assert_eq!(t("أعلنت"), Some(Tense::Past));
        assert_eq!(t("تعزيز"), None);
        assert_eq!(t("الانتخابات"), None);
    }
}

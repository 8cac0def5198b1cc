//! Tokens over the normalised text (words, numbers, punctuation, with code-point offsets
//! back into the original) and the recognition rules that turn token sequences into
//! candidate expressions ([`Cand`]) carrying their meaning ([`Sem`]) before resolution.

use std::borrow::Cow;

use super::lexicon::{Cue, Lex, Plurality, Pod, Unit, lexicon};
use super::resolve::{CenturyRef, Sem, YearRef};
use crate::arabic::normalize::{is_arabic_letter, normalize_with_offsets};
use crate::extract::TimexType;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum K {
    Word,
    Num,
    Punct,
}

/// A token: byte range in the normalised text and normalised-char range.
#[derive(Clone, Copy, Debug)]
pub struct Tok {
    pub kind: K,
    pub b0: usize,
    pub b1: usize,
    pub c0: usize,
    pub c1: usize,
}

/// A candidate expression: tokens `t0..t1`, the first one entered after `skip` chars (proclitics).
#[derive(Clone, Debug)]
pub struct Cand {
    pub t0: usize,
    pub skip: usize,
    pub t1: usize,
    pub sem: Sem,
    pub prio: u8,
}

/// A lexicon hit: token `end` is the first after the entry.
#[derive(Clone, Copy, Debug)]
pub struct Hit {
    pub skip: usize,
    pub end: usize,
    pub lex: Lex,
}

/// Month as recognised: calendar and number.
#[derive(Clone, Copy, Debug, PartialEq)]
enum MonthKind {
    Greg(u8),
    Hijri(u8),
}

pub struct Doc {
    pub norm: String,
    pub map: Vec<usize>,
    pub toks: Vec<Tok>,
    orig_first: Vec<char>,
    /// lexicon hits per token (clitics allowed), computed once
    hits: Vec<Vec<Hit>>,
    /// tokens that may start an expression
    trig: Vec<bool>,
}

/// Words (normalised stems) that start rules without being lexicon entries.
const TRIGGERS: &[&str] = &[
    "يوم",
    "شهر",
    "الشهر",
    "عام",
    "سنه",
    "العام",
    "السنه",
    "الساعه",
    "هذا",
    "هذه",
    "قبل",
    "بعد",
    "منذ",
    "كل",
    "الليله",
    "الاسبوع",
    "العقد",
    "القرن",
    "الربع",
    "النصف",
    "عده",
    "بضعه",
    "بضع",
    "عشرات",
    "مئات",
    "ال",
    "فصل",
    "عامي",
    "سنتي",
];

// Normalised function words.
const PREPS: &[&str] = &[
    "في",
    "خلال",
    "منذ",
    "من",
    "الي",
    "حتي",
    "بين",
    "عند",
    "علي",
    "قبل",
    "بعد",
    "طيله",
    "طوال",
    "مطلع",
    "بدايه",
    "نهايه",
    "اواخر",
    "اوائل",
    "منتصف",
    "حلول",
    "مع",
    "و",
    "اعتبارا",
    "ابتداء",
    "بحلول",
    "اثناء",
];
const MEDIA: &[&str] =
    &["صحيفه", "جريده", "قناه", "مجله", "اذاعه", "موقع", "تيار", "حزب", "حركه", "برج", "شركه", "وكاله"];
const PLACE_HEADS: &[&str] = &[
    "شارع",
    "جسر",
    "كوبري",
    "مدينه",
    "ساحه",
    "ميدان",
    "تحالف",
    "قوي",
    "تيار",
    "نادي",
    "فريق",
    "مستشفي",
    "مدرسه",
    "جامعه",
    "حي",
    "محطه",
    "مطار",
    "ملعب",
    "قاعه",
    "قريه",
];
const APPROX: &[&str] = &["نحو", "حوالي", "قرابه", "زهاء", "قرابة", "اكثر", "اقل", "ما", "يقارب"];

fn is_digit_word(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

impl Doc {
    pub fn new(text: &str) -> Doc {
        let (norm, map) = normalize_with_offsets(text);
        let mut toks = Vec::new();
        let mut chars = norm.char_indices().peekable();
        let mut ci = 0usize;
        while let Some((b, c)) = chars.next() {
            let kind = if c.is_ascii_digit() {
                Some(K::Num)
            } else if is_arabic_letter(c) || c.is_alphabetic() {
                Some(K::Word)
            } else if c.is_whitespace() && c != '\n' {
                None
            } else {
                Some(K::Punct)
            };
            let c0 = ci;
            ci += 1;
            let Some(kind) = kind else { continue };
            let mut b1 = b + c.len_utf8();
            if kind != K::Punct {
                while let Some(&(nb, nc)) = chars.peek() {
                    let same = match kind {
                        K::Num => nc.is_ascii_digit(),
                        _ => (is_arabic_letter(nc) || nc.is_alphabetic()) && !nc.is_ascii_digit(),
                    };
                    if !same {
                        break;
                    }
                    b1 = nb + nc.len_utf8();
                    ci += 1;
                    chars.next();
                }
            }
            toks.push(Tok { kind, b0: b, b1, c0, c1: ci });
        }
        let orig_chars: Vec<char> = text.chars().collect();
        let orig_first = toks
            .iter()
            .map(|t| map.get(t.c0).and_then(|&o| orig_chars.get(o)).copied().unwrap_or(' '))
            .collect();
        let mut doc = Doc { norm, map, toks, orig_first, hits: Vec::new(), trig: Vec::new() };
        doc.hits = (0..doc.toks.len()).map(|i| doc.compute_hits(i)).collect();
        doc.trig = (0..doc.toks.len()).map(|i| doc.compute_trig(i)).collect();
        doc
    }

    pub fn len(&self) -> usize {
        self.toks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.toks.is_empty()
    }

    pub fn text(&self, i: usize) -> &str {
        self.toks.get(i).and_then(|t| self.norm.get(t.b0..t.b1)).unwrap_or("")
    }

    pub fn w(&self, i: usize) -> Option<&str> {
        let t = self.toks.get(i)?;
        if t.kind == K::Word { self.norm.get(t.b0..t.b1) } else { None }
    }

    pub fn is(&self, i: usize, s: &str) -> bool {
        self.w(i) == Some(s)
    }

    pub fn is_any(&self, i: usize, set: &[&str]) -> bool {
        self.w(i).is_some_and(|w| set.contains(&w))
    }

    pub fn punct(&self, i: usize) -> Option<char> {
        let t = self.toks.get(i)?;
        if t.kind == K::Punct { self.norm.get(t.b0..t.b1).and_then(|s| s.chars().next()) } else { None }
    }

    /// Number token: value and digit count.
    pub fn num(&self, i: usize) -> Option<(u32, usize)> {
        let t = self.toks.get(i)?;
        if t.kind != K::Num || t.b1 - t.b0 > 9 {
            return None;
        }
        let s = self.norm.get(t.b0..t.b1)?;
        Some((s.parse().ok()?, s.len()))
    }

    /// No space between tokens `i-1` and `i`.
    pub fn adjacent(&self, i: usize) -> bool {
        i > 0 && matches!((self.toks.get(i - 1), self.toks.get(i)), (Some(a), Some(b)) if a.c1 == b.c0)
    }

    /// Code-point range of tokens `t0..t1` in the original text (first token entered after `skip`).
    pub fn span(&self, t0: usize, skip: usize, t1: usize) -> Option<(usize, usize)> {
        let a = self.toks.get(t0)?;
        let b = self.toks.get(t1.checked_sub(1)?)?;
        Some((*self.map.get(a.c0 + skip)?, *self.map.get(b.c1)?))
    }

    /// The word with its proclitics stripped in every plausible way: (chars skipped, stem).
    fn stems(&self, i: usize, clitics: bool) -> Vec<(usize, Cow<'_, str>)> {
        let Some(w) = self.w(i) else { return Vec::new() };
        let mut out = vec![(0, Cow::Borrowed(w))];
        if !clitics {
            return out;
        }
        let mut bases = vec![(0usize, w)];
        if let Some(r) = w.strip_prefix('و').or_else(|| w.strip_prefix('ف'))
            && r.chars().count() >= 2
        {
            out.push((1, Cow::Borrowed(r)));
            bases.push((1, r));
        }
        for (s, b) in bases {
            if let Some(r) = b.strip_prefix("لل") {
                if r.chars().count() >= 2 {
                    out.push((s + 1, Cow::Owned(format!("ال{r}"))));
                }
            } else {
                for p in ['ب', 'ل', 'ك'] {
                    if let Some(r) = b.strip_prefix(p)
                        && r.chars().count() >= 2
                    {
                        out.push((s + 1, Cow::Borrowed(r)));
                    }
                }
            }
        }
        out
    }

    /// Lexicon entries matching at token `i`.
    pub fn lex_at(&self, i: usize, clitics: bool) -> Vec<Hit> {
        match self.hits.get(i) {
            Some(h) if !h.is_empty() => h.iter().filter(|h| clitics || h.skip == 0).copied().collect(),
            _ => Vec::new(),
        }
    }

    /// Whether any rule may start at token `i`.
    pub fn is_trigger(&self, i: usize) -> bool {
        self.trig.get(i).copied().unwrap_or(false)
    }

    fn compute_trig(&self, i: usize) -> bool {
        let Some(t) = self.toks.get(i) else { return false };
        match t.kind {
            K::Num => true,
            K::Punct => false,
            K::Word => {
                self.hits.get(i).is_some_and(|h| !h.is_empty())
                    || self.stems(i, true).iter().any(|(_, s)| {
                        TRIGGERS.contains(&s.as_ref())
                            || s.strip_prefix("ال").is_some_and(|r| !lexicon().entries(r).is_empty())
                    })
            }
        }
    }

    fn compute_hits(&self, i: usize) -> Vec<Hit> {
        let mut out = Vec::new();
        if self.toks.get(i).is_none_or(|t| t.kind != K::Word) {
            return out;
        }
        for (skip, stem) in self.stems(i, true) {
            for e in lexicon().entries(&stem) {
                let n = e.words.len();
                if !e.words.iter().enumerate().skip(1).all(|(k, wd)| self.w(i + k) == Some(wd.as_str())) {
                    continue;
                }
                if e.strict_alef && skip == 0 && matches!(self.orig_first.get(i), Some('أ' | 'إ')) {
                    continue;
                }
                if e.strict_alef && skip > 0 {
                    // the letter after the proclitic: look it up through the offset map
                    continue;
                }
                out.push(Hit { skip, end: i + n, lex: e.lex });
            }
        }
        out
    }

    fn lex1(&self, i: usize, clitics: bool, f: impl Fn(&Lex) -> bool) -> Option<Hit> {
        self.hits.get(i)?.iter().find(|h| (clitics || h.skip == 0) && f(&h.lex)).copied()
    }

    /// A stem of token `i` (clitics allowed) equal to one of `set`: chars skipped.
    fn stem_in(&self, i: usize, set: &[&str]) -> Option<(usize, String)> {
        self.stems(i, true)
            .into_iter()
            .find(|(_, s)| set.contains(&s.as_ref()))
            .map(|(k, s)| (k, s.into_owned()))
    }

    fn prev_is_prep(&self, i: usize) -> bool {
        if i == 0 {
            return false;
        }
        self.stems(i - 1, true).iter().any(|(_, s)| PREPS.contains(&s.as_ref()))
            || self.lex1(i - 1, true, |l| matches!(l, Lex::PeriodMod)).is_some()
    }

    /// Tense cue at `j`: (cue, extra weeks/units, end). Handles قبل الماضي / بعد المقبل.
    fn cue_at(&self, j: usize) -> Option<(Cue, i64, usize)> {
        if self.is(j, "قبل") && self.lex1(j + 1, false, |l| *l == Lex::Cue(Cue::Past)).is_some() {
            return Some((Cue::Past, -1, j + 2));
        }
        if self.is(j, "بعد") && self.lex1(j + 1, false, |l| *l == Lex::Cue(Cue::Next)).is_some() {
            return Some((Cue::Next, 1, j + 2));
        }
        match self.lex1(j, false, |l| matches!(l, Lex::Cue(_))) {
            Some(Hit { lex: Lex::Cue(c), end, .. }) => Some((c, 0, end)),
            _ => None,
        }
    }

    /// A 4-digit (or 3-digit) year number at `j`, optionally followed by م / هـ.
    /// Returns (year, end, hijri).
    fn year_num(&self, j: usize) -> Option<(i32, usize, bool)> {
        let (v, digits) = self.num(j)?;
        if !(3..=4).contains(&digits) || !(600..=2200).contains(&v) {
            return None;
        }
        let mut end = j + 1;
        let mut hijri = false;
        if self.is_any(end, &["م", "ميلادي", "ميلاديه"]) {
            end += 1;
        } else if self.is_any(end, &["ه", "هجري", "هجريه"]) {
            end += 1;
            hijri = true;
        }
        Some((v as i32, end, hijri))
    }

    /// Cardinal number words at `j` (clitics allowed on the first): (value, skip, end).
    pub fn cardinal_at(&self, j: usize, clitics: bool) -> Option<(i64, usize, usize)> {
        let mut total: i64 = 0;
        let mut k = j;
        let mut skip0 = 0;
        let mut first = true;
        loop {
            let hits = if first { self.lex_at(k, clitics) } else { self.lex_at(k, true) };
            let hit = hits.into_iter().find(|h| {
                matches!(h.lex, Lex::Cardinal(_) | Lex::CardinalCompound(_)) && (first || h.skip == 1)
            });
            let Some(hit) = hit else { break };
            if !first && !self.w(k).is_some_and(|w| w.starts_with('و')) {
                break;
            }
            let (mut term, compound) = match hit.lex {
                Lex::Cardinal(v) => (v, false),
                Lex::CardinalCompound(v) => (v, true),
                _ => break,
            };
            let mut end = hit.end;
            if (1..=9).contains(&term) && self.is_any(end, &["عشر", "عشره"]) {
                term += 10;
                end += 1;
            } else if compound {
                break;
            }
            if term == -1000 {
                // آلاف alone multiplies what came before
                if total > 0 {
                    total *= 1000;
                    k = end;
                    first = false;
                    continue;
                }
                break;
            }
            if (1..1000).contains(&term) && self.is_any(end, &["الاف", "الف"]) {
                term *= 1000;
                end += 1;
            }
            if first {
                skip0 = hit.skip;
            }
            total += term;
            k = end;
            first = false;
        }
        if total > 0 { Some((total, skip0, k)) } else { None }
    }

    /// Ordinal at `j` ("الخامس", "الخامس عشر", "الحادي والعشرين"): (value, skip, end).
    fn ordinal_at(&self, j: usize, clitics: bool) -> Option<(u32, usize, usize)> {
        let hit = self.lex1(j, clitics, |l| matches!(l, Lex::Ordinal(_) | Lex::OrdinalCompound(_)))?;
        let (v, compound) = match hit.lex {
            Lex::Ordinal(v) => (v, false),
            Lex::OrdinalCompound(v) => (v, true),
            _ => return None,
        };
        if v < 10 && self.is_any(hit.end, &["عشر", "عشره"]) {
            return Some((v + 10, hit.skip, hit.end + 1));
        }
        if v < 10
            && let Some(h2) = self.lex1(hit.end, true, |l| matches!(l, Lex::Ordinal(20) | Lex::Ordinal(30)))
            && h2.skip == 1
            && self.w(hit.end).is_some_and(|w| w.starts_with('و'))
            && let Lex::Ordinal(t) = h2.lex
        {
            return Some((v + t, hit.skip, h2.end));
        }
        if compound {
            return None;
        }
        Some((v, hit.skip, hit.end))
    }

    /// Day of month at `j`: number 1-31, غرة, or an ordinal; (day, skip, end, is_number).
    fn day_at(&self, j: usize, clitics: bool) -> Option<(u8, usize, usize, bool)> {
        if let Some((v, digits)) = self.num(j) {
            if digits <= 2 && (1..=31).contains(&v) {
                return Some((v as u8, 0, j + 1, true));
            }
            return None;
        }
        if let Some(h) = self.lex1(j, clitics, |l| matches!(l, Lex::DayWord(_)))
            && let Lex::DayWord(d) = h.lex
        {
            return Some((d, h.skip, h.end, false));
        }
        let (v, skip, end) = self.ordinal_at(j, clitics)?;
        if (1..=31).contains(&v) { Some((v as u8, skip, end, false)) } else { None }
    }

    /// One month name at `j` (Gregorian of any family or Hijri).
    fn month1(&self, j: usize, clitics: bool) -> Option<(MonthKind, usize, usize)> {
        let h = self.lex1(j, clitics, |l| matches!(l, Lex::GMonth(_) | Lex::HMonth(_) | Lex::EMonth(_)))?;
        Some(match h.lex {
            Lex::GMonth(m) | Lex::EMonth(m) => (MonthKind::Greg(m), h.skip, h.end),
            Lex::HMonth(m) => (MonthKind::Hijri(m), h.skip, h.end),
            _ => return None,
        })
    }

    /// A month with its optional second name: "26 إبريل/ نيسان", "يوليو (تموز)", "مارس - آذار".
    fn month_at(&self, j: usize, clitics: bool) -> Option<(MonthKind, usize, usize)> {
        let (m, skip, mut end) = self.month1(j, clitics)?;
        if let MonthKind::Greg(n) = m {
            match self.punct(end) {
                Some('/' | '-' | '–' | '\\' | '،' | ',') => {
                    if let Some((MonthKind::Greg(n2), _, e2)) = self.month1(end + 1, false)
                        && n2 == n
                    {
                        end = e2;
                    }
                }
                Some('(' | '[') => {
                    if let Some((MonthKind::Greg(n2), _, e2)) = self.month1(end + 1, false)
                        && n2 == n
                        && matches!(self.punct(e2), Some(')' | ']'))
                    {
                        end = e2 + 1;
                    }
                }
                _ => {
                    if let Some((MonthKind::Greg(n2), _, e2)) = self.month1(end, false)
                        && n2 == n
                    {
                        end = e2;
                    }
                }
            }
        }
        Some((m, skip, end))
    }

    /// The year that follows a month: a number, or (من) هذا العام / العام الماضي / عام 2020.
    fn year_after(&self, j: usize) -> Option<(YearRef, usize, bool)> {
        if let Some((y, e, h)) = self.year_num(j) {
            return Some((YearRef::Abs(y), e, h));
        }
        if matches!(self.punct(j), Some('،' | ',')) && self.year_num(j + 1).is_some() {
            let (y, e, h) = self.year_num(j + 1)?;
            return Some((YearRef::Abs(y), e, h));
        }
        let k = if self.is(j, "من") { j + 1 } else { j };
        if self.is_any(k, &["هذا", "هذه"]) && self.is_any(k + 1, &["العام", "السنه"]) {
            return Some((YearRef::Rel(0), k + 2, false));
        }
        if self.is_any(k, &["العام", "السنه", "عام", "سنه"]) {
            if let Some((c, shift, e)) = self.cue_at(k + 1) {
                let off = match c {
                    Cue::Past => -1 + shift,
                    Cue::Next => 1 + shift,
                    Cue::This => 0,
                };
                return Some((YearRef::Rel(off as i32), e, false));
            }
            if let Some((y, e, h)) = self.year_num(k + 1) {
                return Some((YearRef::Abs(y), e, h));
            }
        }
        None
    }

    /// Number of units at `j`: (count or None for "several", unit, half, skip, end).
    fn count_unit(&self, j: usize, clitics: bool) -> Option<(Option<i64>, Unit, bool, usize, usize)> {
        let unit_at = |k: usize| -> Option<(Unit, Plurality, usize)> {
            if self.w(k).is_some_and(|w| w.starts_with("ال")) {
                return None;
            }
            match self.lex1(k, false, |l| matches!(l, Lex::Unit(..)))? {
                Hit { lex: Lex::Unit(u, p), end, .. } => Some((u, p, end)),
                _ => None,
            }
        };
        let (n, unit, skip, mut end): (Option<i64>, Unit, usize, usize);
        if let Some((v, digits)) = self.num(j) {
            let (u, _, e) = unit_at(j + 1)?;
            if digits > 6 {
                return None;
            }
            (n, unit, skip, end) = (Some(i64::from(v)), u, 0, e);
        } else if let Some((v, s, e)) = self.cardinal_at(j, clitics) {
            let (u, _, e2) = unit_at(e)?;
            (n, unit, skip, end) = (Some(v), u, s, e2);
        } else if let Some((s, _)) = self.stem_in(j, &["عده", "بضعه", "بضع", "عشرات", "مئات", "بضعة"])
        {
            let (u, p, e2) = unit_at(j + 1)?;
            if p == Plurality::Two {
                return None;
            }
            (n, unit, skip, end) = (None, u, s, e2);
        } else if let Some(h) = self.lex1(j, clitics, |l| matches!(l, Lex::Fraction(..))) {
            let Lex::Fraction(a, b) = h.lex else { return None };
            let (u, p, e2) = unit_at(h.end)?;
            if p != Plurality::One || a != 1 || self.w(j).is_none_or(|w| w.starts_with('و')) {
                return None;
            }
            return fraction_unit(u, b).map(|(n2, u2)| (Some(n2), u2, false, h.skip, e2));
        } else {
            let h = self.lex1(j, clitics, |l| matches!(l, Lex::Unit(..)))?;
            let Lex::Unit(u, p) = h.lex else { return None };
            if self.w(j).is_some_and(|w| w.starts_with("ال")) {
                return None;
            }
            match p {
                Plurality::Two => (n, unit, skip, end) = (Some(2), u, h.skip, h.end),
                // عقد من الزمن، قرنا من الزمن
                Plurality::One
                    if matches!(u, Unit::Decade | Unit::Century)
                        && self.is(h.end, "من")
                        && self.is(h.end + 1, "الزمن") =>
                {
                    (n, unit, skip, end) = (Some(1), u, h.skip, h.end + 2)
                }
                Plurality::One
                    if self.is_any(h.end, &["واحد", "واحده", "واحدا", "ونصف", "ونصفا"])
                        || self.lex1(h.end, false, |l| *l == Lex::Fraction(1, 2)).is_some() =>
                {
                    (n, unit, skip, end) = (Some(1), u, h.skip, h.end);
                    if self.is_any(end, &["واحد", "واحده", "واحدا"]) {
                        end += 1;
                    }
                }
                _ => return None,
            }
        }
        let mut half = false;
        if self.is_any(end, &["ونصف", "ونصفا"]) {
            half = true;
            end += 1;
        }
        Some((n, unit, half, skip, end))
    }

    // ---------------------------------------------------------------- rules

    /// Everything found, overlapping; selection happens in the caller.
    pub fn scan(&self) -> Vec<Cand> {
        let mut out = Vec::new();
        for i in 0..self.toks.len() {
            if !self.is_trigger(i) {
                continue;
            }
            if i > 0 && self.is_any(i - 1, MEDIA) {
                continue;
            }
            let n0 = out.len();
            self.rule_date(i, &mut out);
            self.rule_numeric_date(i, &mut out);
            self.rule_english_date(i, &mut out);
            self.rule_month(i, &mut out);
            self.rule_year(i, &mut out);
            self.rule_weekday(i, &mut out);
            self.rule_relday(i, &mut out);
            self.rule_part_of_day(i, &mut out);
            self.rule_time(i, &mut out);
            self.rule_relunit(i, &mut out);
            self.rule_ago(i, &mut out);
            self.rule_duration(i, &mut out);
            self.rule_article_duration(i, &mut out);
            self.rule_set(i, &mut out);
            self.rule_vague(i, &mut out);
            self.rule_season(i, &mut out);
            self.rule_part(i, &mut out);
            self.rule_decade_century(i, &mut out);
            self.rule_holiday(i, &mut out);
            self.rule_period_mod(i, &mut out);
            let _ = n0;
        }
        self.rule_range_starts(&mut out);
        out
    }

    fn push(out: &mut Vec<Cand>, t0: usize, skip: usize, t1: usize, sem: Sem, prio: u8) {
        if t1 > t0 {
            out.push(Cand { t0, skip, t1, sem, prio });
        }
    }

    /// [يوم] DAY [من] MONTH [YEAR] [cue]; also with a weekday in front.
    fn rule_date(&self, i: usize, out: &mut Vec<Cand>) {
        let mut j = i;
        let mut skip = 0;
        let mut clitic_ok = true;
        let yawm = self.stem_in(i, &["يوم"]);
        if let Some((s, _)) = &yawm {
            skip = *s;
            j = i + 1;
            clitic_ok = false;
        }
        let w0 = if yawm.is_some() { i + 1 } else { i };
        if let Some(h) = self.lex1(w0, yawm.is_none(), |l| matches!(l, Lex::Weekday(_, false))) {
            let mut k = h.end;
            if matches!(self.punct(k), Some('،' | ',')) {
                k += 1;
            }
            if self.is(k, "الموافق") {
                k += 1;
            }
            if self.day_at(k, false).is_some_and(|d| d.3) {
                if yawm.is_none() {
                    skip = h.skip;
                }
                j = k;
                clitic_ok = false;
            }
        }
        let Some((day, dskip, mut k, is_num)) = self.day_at(j, clitic_ok) else { return };
        // "الأسبوع الأول من فبراير": the ordinal belongs to the noun before it
        if !is_num && j == i && i > 0 && self.lex1(i - 1, true, |l| matches!(l, Lex::Unit(..))).is_some() {
            return;
        }
        if j == i {
            skip = dskip;
        }
        if self.is(k, "من") {
            k += 1;
        }
        let Some((month, _, mut e)) = self.month_at(k, false) else {
            if (k == j + 1 || self.num(j).is_some())
                && let Some((Cue::This, _, e2)) = self.cue_at(k)
            {
                Self::push(out, i, skip, e2, Sem::DayThisMonth(day), 5);
            }
            return;
        };
        let mut year = None;
        let mut hijri_marker = false;
        if let Some((y, e2, h)) = self.year_after(e) {
            year = Some(y);
            e = e2;
            hijri_marker = h;
        } else if matches!(month, MonthKind::Hijri(_)) && self.is(e, "ه") {
            e += 1;
        }
        let mut cue = None;
        if let Some((c, _, e2)) = self.cue_at(e) {
            cue = Some(c);
            e = e2;
        }
        // شارع 26 يوليو، ساحة 14 آذار، مدينة 6 أكتوبر: names, not dates
        if year.is_none() && i > 0 && self.is_any(i - 1, PLACE_HEADS) {
            return;
        }
        let sem = match month {
            MonthKind::Greg(m) if !hijri_marker => Sem::Date { y: year, m, d: day, cue },
            MonthKind::Hijri(m) | MonthKind::Greg(m) => {
                let MonthKind::Hijri(_) = month else { return };
                let y = match year {
                    Some(YearRef::Abs(y)) => Some(y),
                    _ => None,
                };
                Sem::HDate { y, m, d: day, cue, plus: 0 }
            }
        };
        Self::push(out, i, skip, e, sem, 5);
    }

    /// 28/9/2024, 2024-09-28, 28.9.2024 (no spaces inside).
    fn rule_numeric_date(&self, i: usize, out: &mut Vec<Cand>) {
        let Some((a, da)) = self.num(i) else { return };
        let Some(sep) = self.punct(i + 1) else { return };
        if !matches!(sep, '/' | '-' | '.') || self.punct(i + 3) != Some(sep) {
            return;
        }
        if !(1..=4).all(|k| self.adjacent(i + k)) {
            return;
        }
        let (Some((b, _)), Some((c, dc))) = (self.num(i + 2), self.num(i + 4)) else { return };
        let (y, m, d) = if da == 4 && dc <= 2 {
            (a, b, c)
        } else if dc == 4 && da <= 2 {
            (c, b, a)
        } else {
            return;
        };
        if chrono::NaiveDate::from_ymd_opt(y as i32, m, d).is_none() {
            return;
        }
        Self::push(
            out,
            i,
            0,
            i + 5,
            Sem::Date { y: Some(YearRef::Abs(y as i32)), m: m as u8, d: d as u8, cue: None },
            6,
        );
    }

    /// English "September 5, 2025" / "5 September 2025".
    fn rule_english_date(&self, i: usize, out: &mut Vec<Cand>) {
        let em = |k: usize| match self.lex1(k, false, |l| matches!(l, Lex::EMonth(_))) {
            Some(Hit { lex: Lex::EMonth(m), end, .. }) => Some((m, end)),
            _ => None,
        };
        if let Some((m, e)) = em(i)
            && let Some((d, 1..=2)) = self.num(e)
        {
            let mut k = e + 1;
            if self.punct(k) == Some(',') {
                k += 1;
            }
            if let Some((y, 4)) = self.num(k)
                && chrono::NaiveDate::from_ymd_opt(y as i32, u32::from(m), d).is_some()
            {
                Self::push(
                    out,
                    i,
                    0,
                    k + 1,
                    Sem::Date { y: Some(YearRef::Abs(y as i32)), m, d: d as u8, cue: None },
                    5,
                );
            }
        }
    }

    /// [شهر] MONTH [YEAR | (من) هذا العام | cue]; a bare month needs a preposition before it.
    fn rule_month(&self, i: usize, out: &mut Vec<Cand>) {
        let (mut j, mut skip, mut head) = (i, 0, false);
        if let Some((s, _)) = self.stem_in(i, &["شهر", "الشهر"]) {
            j = i + 1;
            skip = s;
            head = true;
        }
        let Some((MonthKind::Greg(m), mskip, mut e)) = self.month_at(j, !head) else { return };
        if !head {
            skip = mskip;
            // a Latin month word is only used in dates
            if self.w(j).is_some_and(|w| w.is_ascii()) {
                return;
            }
        }
        let mut year = None;
        let mut cue = None;
        if let Some((y, e2, h)) = self.year_after(e) {
            if h {
                return;
            }
            year = Some(y);
            e = e2;
        }
        if let Some((c, _, e2)) = self.cue_at(e) {
            cue = Some(c);
            e = e2;
        }
        if !head && year.is_none() && cue.is_none() {
            let after_prep =
                self.prev_is_prep(i) || (mskip > 0 && self.w(i).is_some_and(|w| w.starts_with('ب')));
            let in_range = self.is_any(e, &["الي", "حتي"]) || matches!(self.punct(e), Some('-' | '–'));
            if !(after_prep || in_range) || self.next_is_name_like(e) {
                return;
            }
            // month names that are also names or words (جوان، شباط، تموز، نيسان، ماي، مارس):
            // only after a temporal preposition and before a clause boundary or function word
            let ambiguous = self.lex1(j, true, |l| *l == Lex::AmbiguousWord).is_some_and(|h| h.skip == mskip);
            if ambiguous {
                const TEMPORAL: &[&str] = &[
                    "في",
                    "خلال",
                    "منذ",
                    "حتي",
                    "الي",
                    "من",
                    "مطلع",
                    "بدايه",
                    "نهايه",
                    "اواخر",
                    "اوائل",
                    "منتصف",
                    "حلول",
                    "بحلول",
                ];
                let strong_prep =
                    i > 0 && self.stems(i - 1, true).iter().any(|(_, w)| TEMPORAL.contains(&w.as_ref()));
                let next_ok = match self.toks.get(e) {
                    None => true,
                    Some(t) if t.kind != K::Word => true,
                    Some(_) => {
                        self.w(e).is_some_and(|w| PREPS.contains(&w) || ["و", "او", "ثم"].contains(&w))
                            || self.lex1(e, true, |l| matches!(l, Lex::GMonth(_))).is_some()
                            || self.w(e).is_some_and(|w| w.starts_with("ال") && w.chars().count() > 3)
                    }
                };
                if !(strong_prep || in_range) || !next_ok {
                    return;
                }
            }
        }
        Self::push(out, i, skip, e, Sem::Month { y: year, m, cue }, 4);
    }

    /// A calendar word followed by what looks like a personal-name continuation.
    fn next_is_name_like(&self, e: usize) -> bool {
        // "جوان حاجو", "تموز وعشتار": a following word that is neither a function word nor a date part
        let Some(w) = self.w(e) else { return false };
        if PREPS.contains(&w) || w.starts_with("ال") || w.starts_with('و') || w.starts_with('ب') {
            return w.starts_with('و') && w.chars().count() > 3 && self.lex_at(e, true).is_empty();
        }
        false
    }

    /// عام 2014 / سنة 2014 / عام ألفين وعشرين / bare 2019 after a preposition.
    fn rule_year(&self, i: usize, out: &mut Vec<Cand>) {
        if let Some((s, _)) = self.stem_in(i, &["عام", "سنه", "العام", "السنه", "عامي", "سنتي"])
        {
            if let Some((y, e, hijri)) = self.year_num(i + 1) {
                if !hijri {
                    Self::push(out, i, s, e, Sem::Year(YearRef::Abs(y)), 4);
                }
                return;
            }
            if let Some((v, _, e)) = self.cardinal_at(i + 1, false)
                && (1000..=2200).contains(&v)
            {
                Self::push(out, i, s, e, Sem::Year(YearRef::Abs(v as i32)), 4);
            }
            return;
        }
        let Some((v, 4)) = self.num(i) else { return };
        if !(1800..=2100).contains(&v) {
            return;
        }
        let Some((_, e, hijri)) = self.year_num(i) else { return };
        if hijri {
            return;
        }
        let prev_ok = i > 0
            && (self.prev_is_prep(i)
                || (self.is(i - 1, "و") && self.adjacent(i))
                || (matches!(self.punct(i - 1), Some('-' | '–' | '/'))
                    && i >= 2
                    && self.num(i - 2).is_some_and(|x| x.1 == 4)));
        let prev_bad = i > 0 && self.is_any(i - 1, &["القرار", "رقم", "قرار", "العدد", "المرسوم", "القانون"]);
        let next_ok = match self.toks.get(e) {
            None => true,
            Some(t) if t.kind == K::Punct => !matches!(self.punct(e), Some('%' | '/' | ':')),
            Some(_) => self.w(e).is_some_and(|w| {
                PREPS.contains(&w) || ["و", "او", "ثم", "بعد", "حين", "عندما", "ضد", "م"].contains(&w)
            }),
        };
        if prev_bad || !next_ok && !prev_ok {
            return;
        }
        if !prev_ok && self.w(e).is_some() {
            return;
        }
        if !prev_ok && !next_ok {
            return;
        }
        Self::push(out, i, 0, e, Sem::Year(YearRef::Abs(v as i32)), 3);
    }

    /// [يوم] WEEKDAY [cue | بعد المقبل | قبل الماضي], أمس الإثنين, كل يوم خميس (set, elsewhere).
    fn rule_weekday(&self, i: usize, out: &mut Vec<Cand>) {
        let (mut j, mut skip, mut head) = (i, 0, false);
        if let Some((s, _)) = self.stem_in(i, &["يوم"]) {
            j = i + 1;
            skip = s;
            head = true;
        }
        let Some(h) = self.lex1(j, !head, |l| matches!(l, Lex::Weekday(..))) else { return };
        let Lex::Weekday(wd, bare) = h.lex else { return };
        if bare && !head {
            return;
        }
        if !head {
            skip = h.skip;
            if i > 0
                && (self.lex1(i - 1, false, |l| *l == Lex::NameBefore).is_some()
                    || self.is_any(i - 1, &["كل", "صلاه", "خطبه", "خطيب"]))
            {
                return;
            }
            if wd == 7 && self.is_any(h.end, &["عشر", "عشره"]) {
                return;
            }
        }
        if i > 0 && self.is(i - 1, "كل") {
            return;
        }
        let mut e = h.end;
        let (mut cue, mut shift) = (None, 0);
        if let Some((c, s, e2)) = self.cue_at(e) {
            cue = Some(c);
            shift = s;
            e = e2;
        }
        Self::push(out, i, skip, e, Sem::Weekday { wd, cue, shift }, 3);
    }

    /// اليوم، أمس، أول أمس، غدا، بعد غد; "أمس الإثنين" as one expression.
    fn rule_relday(&self, i: usize, out: &mut Vec<Cand>) {
        let Some(h) = self.lex1(i, true, |l| matches!(l, Lex::RelDay(_))) else { return };
        let Lex::RelDay(n) = h.lex else { return };
        let mut e = h.end;
        if let Some(wd) = self.lex1(e, false, |l| matches!(l, Lex::Weekday(_, false))) {
            e = wd.end;
        } else if n == 0 {
            // اليوم التالي / اليوم العالمي / اليوم الأول: not today
            if let Some(w) = self.w(e)
                && w.starts_with("ال")
                && self.lex1(e, false, |l| matches!(l, Lex::Cue(_))).is_none()
            {
                return;
            }
            if i > 0 && self.is_any(i - 1, &["هذا", "ذلك", "نفس"]) || self.is_any(e, &["نفسه", "ذاته"])
            {
                return;
            }
        }
        Self::push(out, i, h.skip, e, Sem::RelDay(i64::from(n)), 3);
    }

    /// A day reference after a part of day: اليوم، أمس، الغد، الأحد (المقبل)، 3 أغسطس.
    fn dayref_at(&self, j: usize) -> Option<(Sem, usize)> {
        let mut c = Vec::new();
        self.rule_relday(j, &mut c);
        self.rule_weekday(j, &mut c);
        self.rule_date(j, &mut c);
        c.retain(|x| x.skip == 0);
        c.into_iter().max_by_key(|x| (x.t1, x.prio)).map(|x| (x.sem, x.t1))
    }

    /// صباح الغد، مساء اليوم، ظهر الأربعاء، بعد ظهر أمس، الليلة.
    fn rule_part_of_day(&self, i: usize, out: &mut Vec<Cand>) {
        if let Some((s, _)) = self.stem_in(i, &["الليله"]) {
            let (mut day, mut e) = (Sem::RelDay(0), i + 1);
            if let Some((Cue::Past, _, e2)) = self.cue_at(e) {
                day = Sem::RelDay(-1);
                e = e2;
            }
            Self::push(out, i, s, e, Sem::Time { day: Box::new(day), hm: None, pod: Some(Pod::Ni) }, 3);
            return;
        }
        let Some(h) = self.lex1(i, true, |l| matches!(l, Lex::PartOfDay(_))) else { return };
        let Lex::PartOfDay(pod) = h.lex else { return };
        let Some((day, e)) = self.dayref_at(h.end) else { return };
        Self::push(out, i, h.skip, e, Sem::Time { day: Box::new(day), hm: None, pod: Some(pod) }, 4);
    }

    /// Hour at `j`: "7:45", "9", or a feminine ordinal "التاسعة" / "الحادية عشرة".
    fn hour_at(&self, j: usize, clitics: bool) -> Option<(u8, u8, usize, usize, bool)> {
        if let Some((h, d)) = self.num(j) {
            if d > 2 || h > 24 {
                return None;
            }
            if self.punct(j + 1) == Some(':')
                && self.adjacent(j + 1)
                && self.adjacent(j + 2)
                && let Some((m, 2)) = self.num(j + 2)
                && m < 60
            {
                return Some((h as u8, m as u8, 0, j + 3, true));
            }
            return Some((h as u8, 0, 0, j + 1, true));
        }
        let (v, skip, e) = self.ordinal_at(j, clitics)?;
        let w = self.w(j)?;
        if !(1..=12).contains(&v) || !(w.ends_with('ه') || self.is_any(e - 1, &["عشره"])) {
            return None;
        }
        Some((v as u8, 0, skip, e, false))
    }

    /// الساعة التاسعة مساء اليوم بتوقيت القاهرة; الثامنة من صباح الأحد; الساعة 7:45 من صباح أمس.
    fn rule_time(&self, i: usize, out: &mut Vec<Cand>) {
        let (mut j, mut skip, mut head) = (i, 0, false);
        if let Some((s, _)) = self.stem_in(i, &["الساعه"]) {
            j = i + 1;
            skip = s;
            head = true;
        }
        let Some((hour, mut minute, hskip, mut e, numeric)) = self.hour_at(j, !head) else { return };
        let colon = numeric && e == j + 3;
        if !head {
            skip = hskip;
            if numeric && !colon {
                return;
            }
        }
        if self.is_any(e, &["والنصف"]) {
            minute = 30;
            e += 1;
        } else if self.is_any(e, &["والربع"]) {
            minute = 15;
            e += 1;
        } else if self.is(e, "الا") && self.is(e + 1, "ربعا") {
            e += 2;
        }
        let mut pod = None;
        let mut day = Sem::RelDay(0);
        let k = if self.is(e, "من") { e + 1 } else { e };
        if let Some(h) = self.lex1(k, false, |l| matches!(l, Lex::PartOfDay(_))) {
            let Lex::PartOfDay(p) = h.lex else { return };
            if let Some((d, e2)) = self.dayref_at(h.end) {
                pod = Some(p);
                day = d;
                e = e2;
            } else if self.w(k).is_some_and(|w| w.ends_with('ا') || w.ends_with("اء")) || k == e {
                pod = Some(p);
                e = h.end;
            }
        } else if let Some((d, e2)) = self.dayref_at(e) {
            day = d;
            e = e2;
        }
        if !head && pod.is_none() {
            return;
        }
        if !head && colon && !self.is_any(e - 1, &["صباحا", "مساء", "مساءا", "ظهرا", "عصرا", "ليلا", "فجرا"])
        {
            return;
        }
        if pod.is_none() && self.sentence_has_night(i) {
            pod = Some(Pod::Ni);
        }
        if self.is_any(e, &["بتوقيت", "بالتوقيت", "توقيت"]) {
            e += 1;
            if self.w(e).is_some() {
                let first_has_al = self.w(e).is_some_and(|w| w.starts_with("ال"));
                e += 1;
                if !first_has_al
                    && self.w(e).is_some_and(|w| w.starts_with("ال") && w.chars().count() > 4)
                    && self.lex_at(e, false).is_empty()
                {
                    e += 1;
                }
            }
        }
        let hm = Some((hour, minute));
        Self::push(out, i, skip, e, Sem::Time { day: Box::new(day), hm, pod }, 5);
    }

    fn sentence_has_night(&self, i: usize) -> bool {
        let lo = i.saturating_sub(10);
        let hi = (i + 10).min(self.toks.len());
        (lo..hi).any(|k| {
            self.punct(k).is_none()
                && self
                    .stems(k, true)
                    .iter()
                    .any(|(_, s)| ["الليله", "ليلا", "مساء", "مساءا", "الليل"].contains(&s.as_ref()))
        })
    }

    /// الأسبوع الماضي، الشهر المقبل، العام الجاري، هذا الأسبوع، الأسبوع قبل الماضي، القرن الماضي.
    fn rule_relunit(&self, i: usize, out: &mut Vec<Cand>) {
        let units: &[(&str, Unit)] = &[
            ("الاسبوع", Unit::Week),
            ("الشهر", Unit::Month),
            ("العام", Unit::Year),
            ("السنه", Unit::Year),
            ("العقد", Unit::Decade),
            ("القرن", Unit::Century),
        ];
        let find = |k: usize, cl: bool| -> Option<(usize, Unit)> {
            let stems = self.stems(k, cl);
            stems
                .iter()
                .find_map(|(s, w)| units.iter().find(|(u, _)| *u == w.as_ref()).map(|(_, un)| (*s, *un)))
        };
        let (skip, unit, j, this) = if let Some((s, _)) = self.stem_in(i, &["هذا", "هذه"]) {
            let Some((_, u)) = find(i + 1, false) else { return };
            (s, u, i + 2, true)
        } else {
            let Some((s, u)) = find(i, true) else { return };
            (s, u, i + 1, false)
        };
        let (n, e) = if this {
            (0, j)
        } else {
            let Some((c, shift, e)) = self.cue_at(j) else { return };
            let n = match c {
                Cue::Past => -1 + shift,
                Cue::Next => 1 + shift,
                Cue::This => 0,
            };
            (n, e)
        };
        let sem = match unit {
            Unit::Year => Sem::Year(YearRef::Rel(n as i32)),
            Unit::Century => Sem::Century(CenturyRef::Rel(n as i32)),
            u => Sem::RelUnit { unit: u, n },
        };
        Self::push(out, i, skip, e, sem, 4);
    }

    /// قبل ثلاثة أيام، بعد يومين، منذ عشرة أعوام.
    fn rule_ago(&self, i: usize, out: &mut Vec<Cand>) {
        let Some((skip, w)) = self.stem_in(i, &["قبل", "بعد", "منذ"]) else { return };
        let mut j = i + 1;
        while self.is_any(j, APPROX) || self.is(j, "من") && self.is_any(j - 1, &["اكثر", "اقل"]) {
            j += 1;
        }
        let (n, unit, half, e) = match self.count_unit(j, false) {
            Some((Some(n), unit, half, 0, e)) => (n, unit, half, e),
            Some((None, _, _, _, e)) => {
                // منذ عدة أشهر / قبل بضعة أيام: vague
                if !self.is_any(e, &["من", "علي"]) {
                    let v = if w == "بعد" { "FUTURE_REF" } else { "PAST_REF" };
                    Self::push(out, i, skip, e, Sem::Fixed(TimexType::Date, v.into()), 4);
                }
                return;
            }
            _ => {
                let h = self.lex1(j, false, |l| matches!(l, Lex::Unit(..)));
                let Some(Hit { lex: Lex::Unit(u, p), end, .. }) = h else { return };
                if self.w(j).is_some_and(|w| w.starts_with("ال")) || self.num(end).is_some() {
                    return;
                }
                if p == Plurality::Many {
                    // منذ سنوات، قبل أيام (قليلة)
                    let mut e = end;
                    if self.is_any(e, &["قليله", "عديده", "طويله"]) {
                        e += 1;
                    }
                    if self.is_any(e, &["من", "علي"]) || matches!(u, Unit::Hour | Unit::Minute | Unit::Second)
                    {
                        return;
                    }
                    let v = if w == "بعد" { "FUTURE_REF" } else { "PAST_REF" };
                    Self::push(out, i, skip, e, Sem::Fixed(TimexType::Date, v.into()), 4);
                    return;
                }
                if p != Plurality::One {
                    return;
                }
                (1, u, false, end)
            }
        };
        if matches!(unit, Unit::Hour | Unit::Minute | Unit::Second) || half {
            return;
        }
        // "بعد أيام من تعهده": anchored to another event, not to the publication date
        if self.is_any(e, &["من", "علي"]) {
            return;
        }
        let sign = if w == "بعد" { 1 } else { -1 };
        Self::push(out, i, skip, e, Sem::Ago { n, unit, sign }, 4);
    }

    /// ثلاث سنوات، 48 ساعة، عقدين، ست ساعات ونصفا، نصف ساعة، عدة أسابيع; لسنوات → PXY.
    fn rule_duration(&self, i: usize, out: &mut Vec<Cand>) {
        if let Some(h) = self.lex1(i, true, |l| matches!(l, Lex::Unit(_, Plurality::Many)))
            && h.skip > 0
            && self.w(i).is_some_and(|w| w.chars().nth(h.skip - 1) == Some('ل'))
            && self.stems(i, true).iter().any(|(s, w)| *s == h.skip && !w.starts_with("ال"))
            && let Lex::Unit(u, _) = h.lex
            && !matches!(u, Unit::Second)
            && let Some(v) = duration_value(None, u, false)
        {
            Self::push(out, i, h.skip, h.end, Sem::Fixed(TimexType::Duration, v), 3);
            return;
        }
        let Some((n, unit, half, skip, e)) = self.count_unit(i, true) else { return };
        let Some(v) = duration_value(n, unit, half) else { return };
        Self::push(out, i, skip, e, Sem::Fixed(TimexType::Duration, v), 3);
    }

    /// السنوات الخمس الماضية، الأشهر الثلاثة المقبلة، الـ24 ساعة الماضية، العامين الماضيين.
    fn rule_article_duration(&self, i: usize, out: &mut Vec<Cand>) {
        let unit_art = |k: usize| -> Option<(Unit, Plurality, usize, usize)> {
            let h = self.lex1(k, true, |l| matches!(l, Lex::Unit(_, Plurality::Many | Plurality::Two)))?;
            let stem_has_al = self.stems(k, true).iter().any(|(s, w)| *s == h.skip && w.starts_with("ال"));
            match h.lex {
                Lex::Unit(u, p) if stem_has_al => Some((u, p, h.skip, h.end)),
                _ => None,
            }
        };
        let number_art = |k: usize| -> Option<(i64, usize)> {
            if self.is(k, "ال")
                && let Some((v, d)) = self.num(k + 1)
                && d <= 4
            {
                return Some((i64::from(v), k + 2));
            }
            let w = self.w(k)?.strip_prefix("ال")?;
            self.lexicon_cardinal(w).map(|v| (v, k + 1))
        };
        let (n, unit, skip, e) = if let Some((u, p, skip, e)) = unit_art(i) {
            match p {
                Plurality::Two => (2, u, skip, e),
                _ => {
                    let Some((n, e2)) = number_art(e) else { return };
                    (n, u, skip, e2)
                }
            }
        } else if let Some((n, e)) = number_art(i) {
            let (u, _, _, e2) = match self.lex1(e, false, |l| matches!(l, Lex::Unit(..))) {
                Some(Hit { lex: Lex::Unit(u, p), end, .. }) => (u, p, 0, end),
                _ => return,
            };
            let skip =
                self.stems(i, true).iter().find(|(_, w)| w.starts_with("ال")).map(|x| x.0).unwrap_or(0);
            (n, u, skip, e2)
        } else {
            return;
        };
        let end = if let Some((Cue::Past | Cue::Next, _, e2)) = self.cue_at(e) {
            e2
        } else if self.is_any(e, &["الاخيره", "الاخير", "الاولي", "الاول"]) {
            e + 1
        } else {
            return;
        };
        if let Some(v) = duration_value(Some(n), unit, false) {
            Self::push(out, i, skip, end, Sem::Fixed(TimexType::Duration, v), 4);
        }
    }

    fn lexicon_cardinal(&self, w: &str) -> Option<i64> {
        lexicon().entries(w).iter().find_map(|e| match e.lex {
            Lex::Cardinal(v) if e.words.len() == 1 && v > 0 => Some(v),
            _ => None,
        })
    }

    /// كل أسبوع، كل أربع سنوات، كل يوم خميس، شهريا.
    fn rule_set(&self, i: usize, out: &mut Vec<Cand>) {
        if let Some(h) = self.lex1(i, true, |l| matches!(l, Lex::SetAdverb(_)))
            && let Lex::SetAdverb(v) = h.lex
        {
            Self::push(out, i, h.skip, h.end, Sem::Fixed(TimexType::Set, v.to_string()), 3);
            return;
        }
        let Some((skip, _)) = self.stem_in(i, &["كل"]) else { return };
        let j = i + 1;
        if self.is_any(j + 1, &["وانتم", "وانتن", "وانت", "وانتي"]) {
            return;
        }
        let mut k = j;
        if self.is(k, "يوم") {
            k += 1;
        }
        if let Some(h) = self.lex1(k, false, |l| matches!(l, Lex::Weekday(..))) {
            let Lex::Weekday(wd, _) = h.lex else { return };
            Self::push(out, i, skip, h.end, Sem::Fixed(TimexType::Set, format!("XXXX-WXX-{wd}")), 4);
            return;
        }
        if let Some((Some(n), unit, half, 0, e)) = self.count_unit(j, false)
            && let Some(v) = duration_value(Some(n), unit, half)
        {
            Self::push(out, i, skip, e, Sem::Fixed(TimexType::Set, v), 4);
            return;
        }
        if let Some(h) = self.lex1(j, false, |l| matches!(l, Lex::Unit(_, Plurality::One)))
            && let Lex::Unit(u, _) = h.lex
            && !self.w(j).is_some_and(|w| w.starts_with("ال"))
            && let Some(v) = duration_value(Some(1), u, false)
        {
            Self::push(out, i, skip, h.end, Sem::Fixed(TimexType::Set, v), 4);
        }
    }

    /// حاليا، الآن، مؤخرا، قريبا، المستقبل القريب.
    fn rule_vague(&self, i: usize, out: &mut Vec<Cand>) {
        let Some(h) = self.lex1(i, true, |l| matches!(l, Lex::Vague(_))) else { return };
        let Lex::Vague(v) = h.lex else { return };
        if h.end == i + 1 && self.stems(i, true).iter().any(|(_, s)| s == "المستقبل") {
            let prep = h.skip > 0 || self.prev_is_prep(i);
            if !prep || self.w(h.end).is_some_and(|w| w.starts_with("ال")) {
                return;
            }
        }
        Self::push(out, i, h.skip, h.end, Sem::Fixed(TimexType::Date, v.to_string()), 2);
    }

    /// صيف 2024، شتاء عام 2022، الخريف الماضي، هذا الصيف، (في) الصيف.
    fn rule_season(&self, i: usize, out: &mut Vec<Cand>) {
        if let Some((skip, _)) = self.stem_in(i, &["فصل"]) {
            let Some(h) = self.lex1(i + 1, false, |l| matches!(l, Lex::Season(_))) else { return };
            let Lex::Season(s) = h.lex else { return };
            if !self.w(i + 1).is_some_and(|w| w.starts_with("ال")) {
                return;
            }
            let (mut e, mut cue, mut y) = (h.end, None, None);
            if let Some((c, _, e2)) = self.cue_at(e) {
                cue = Some(c);
                e = e2;
            } else if let Some((yr, e2, false)) = self.year_after(e) {
                y = Some(yr);
                e = e2;
            }
            Self::push(out, i, skip, e, Sem::Season { s, y, cue }, 4);
            return;
        }
        let (this, j, skip0) = match self.stem_in(i, &["هذا", "هذه"]) {
            Some((s, _)) => (true, i + 1, s),
            None => (false, i, 0),
        };
        let Some(h) = self.lex1(j, !this, |l| matches!(l, Lex::Season(_))) else { return };
        let Lex::Season(s) = h.lex else { return };
        let skip = if this { skip0 } else { h.skip };
        let article = self.stems(j, !this).iter().any(|(k, w)| *k == h.skip && w.starts_with("ال"));
        if this {
            if article {
                Self::push(out, i, skip, h.end, Sem::Season { s, y: None, cue: Some(Cue::This) }, 4);
            }
            return;
        }
        let mut e = h.end;
        let k = if self.is_any(e, &["عام", "سنه"]) { e + 1 } else { e };
        if let Some((y, e2, false)) = self.year_num(k) {
            Self::push(out, i, skip, e2, Sem::Season { s, y: Some(YearRef::Abs(y)), cue: None }, 4);
            return;
        }
        if !article && let Some((y, e2, false)) = self.year_after(e) {
            Self::push(out, i, skip, e2, Sem::Season { s, y: Some(y), cue: None }, 4);
            return;
        }
        if let Some((c, _, e2)) = self.cue_at(e) {
            Self::push(out, i, skip, e2, Sem::Season { s, y: None, cue: Some(c) }, 4);
            return;
        }
        // فصل الصيف: the head noun joins the span
        if article && i > 0 && self.is(i - 1, "فصل") && h.skip == 0 {
            return;
        }
        if !article || !(self.prev_is_prep(i) || h.skip > 0) {
            return;
        }
        if self.w(e).is_some_and(|w| w.starts_with("ال")) {
            return;
        }
        e = h.end;
        Self::push(out, i, skip, e, Sem::Season { s, y: None, cue: None }, 3);
    }

    /// الربع الأول من العام الجاري، النصف الثاني من العام المقبل، الربع الأخير من 2024.
    fn rule_part(&self, i: usize, out: &mut Vec<Cand>) {
        let Some((skip, w)) = self.stem_in(i, &["الربع", "النصف"]) else { return };
        let quarter = w == "الربع";
        let n = if self.is_any(i + 1, &["الاخير", "الاخيره"]) {
            if quarter { 4 } else { 2 }
        } else {
            match self.lex1(i + 1, false, |l| matches!(l, Lex::Ordinal(1..=4))) {
                Some(Hit { lex: Lex::Ordinal(n), .. }) => n as u8,
                _ => return,
            }
        };
        if !quarter && n > 2 {
            return;
        }
        let j = i + 2;
        let k = if self.is(j, "من") { j + 1 } else { j };
        let (y, e) = if let Some((y, e, false)) = self.year_num(k) {
            (YearRef::Abs(y), e)
        } else if let Some((y, e, false)) = self.year_after(k) {
            (y, e)
        } else if self.is_any(k, &["العام", "السنه"]) {
            (YearRef::Rel(0), k + 1)
        } else {
            return;
        };
        Self::push(out, i, skip, e, Sem::Part { quarter, n, y }, 5);
    }

    /// القرن + ordinal / number / cue → century reference.
    fn century_after(&self, j: usize) -> Option<(CenturyRef, usize)> {
        if !self.is(j, "القرن") {
            return None;
        }
        if let Some((c, s, e)) = self.cue_at(j + 1) {
            let k = match c {
                Cue::Past => -1 + s as i32,
                Cue::Next => 1 + s as i32,
                Cue::This => 0,
            };
            return Some((CenturyRef::Rel(k), e));
        }
        if let Some((v, _, e)) = self.ordinal_at(j + 1, false) {
            let e = if self.is_any(e, &["الميلادي", "للميلاد"]) { e + 1 } else { e };
            return Some((CenturyRef::Abs(v as i32 - 1), e));
        }
        let k = if self.is(j + 1, "ال") { j + 2 } else { j + 1 };
        if let Some((v, d)) = self.num(k)
            && d <= 2
            && (1..=30).contains(&v)
        {
            return Some((CenturyRef::Abs(v as i32 - 1), k + 1));
        }
        None
    }

    /// ثمانينيات القرن الماضي، التسعينيات؛ القرن التاسع عشر.
    fn rule_decade_century(&self, i: usize, out: &mut Vec<Cand>) {
        if let Some(h) = self.lex1(i, true, |l| matches!(l, Lex::Decade(_))) {
            let Lex::Decade(d) = h.lex else { return };
            let k =
                if self.is(h.end, "من") && self.is(h.end + 1, "القرن") { h.end + 1 } else { h.end };
            let (century, e) = match self.century_after(k) {
                Some((c, e)) => (Some(c), e),
                None => (None, h.end),
            };
            Self::push(out, i, h.skip, e, Sem::Decade { century, d }, 4);
            return;
        }
        if let Some((skip, _)) = self.stem_in(i, &["القرن"]) {
            let j = i;
            if let Some((c, e)) = self.century_after(j) {
                if matches!(c, CenturyRef::Rel(_)) {
                    return; // handled by rule_relunit
                }
                Self::push(out, i, skip, e, Sem::Century(c), 4);
            }
        }
    }

    /// عيد الفطر (المبارك)، أول أيام عيد الأضحى، رأس السنة الهجرية 1447، المولد النبوي الشريف.
    fn rule_holiday(&self, i: usize, out: &mut Vec<Cand>) {
        let mut j = i;
        let mut skip = 0;
        let mut plus = 0u64;
        if self.is(i + 1, "ايام")
            && let Some((v, s, _)) = self.ordinal_at(i, true)
            && v <= 4
        {
            plus = u64::from(v) - 1;
            skip = s;
            j = i + 2;
        }
        let Some(h) = self.lex1(j, j == i, |l| matches!(l, Lex::Holiday(..))) else { return };
        let Lex::Holiday(m, d) = h.lex else { return };
        if j == i {
            skip = h.skip;
        }
        let mut e = h.end;
        if self.is_any(e, &["المبارك", "الشريف", "السعيد"]) {
            e += 1;
        }
        let mut y = None;
        if let Some((v, d2)) = self.num(e)
            && (3..=4).contains(&d2)
            && (1300..=1600).contains(&v)
        {
            y = Some(v as i32);
            e += 1;
            if self.is(e, "ه") {
                e += 1;
            }
        }
        let mut cue = None;
        if let Some((c, _, e2)) = self.cue_at(e) {
            cue = Some(c);
            e = e2;
        }
        Self::push(out, i, skip, e, Sem::HDate { y, m, d, cue, plus }, 5);
    }

    /// مطلع الشهر المقبل، نهاية العام الجاري، منتصف 2024: the modifier joins the span.
    fn rule_period_mod(&self, i: usize, out: &mut Vec<Cand>) {
        let Some(h) = self.lex1(i, true, |l| matches!(l, Lex::PeriodMod)) else { return };
        let mut inner = Vec::new();
        let j = h.end;
        self.rule_relunit(j, &mut inner);
        self.rule_month(j, &mut inner);
        self.rule_year(j, &mut inner);
        self.rule_season(j, &mut inner);
        self.rule_decade_century(j, &mut inner);
        if let Some(c) = inner.into_iter().filter(|c| c.skip == 0).max_by_key(|c| c.t1) {
            Self::push(out, i, h.skip, c.t1, c.sem, c.prio);
            return;
        }
        // مطلع العام، نهاية الشهر: the current one
        let sem = match self.w(j) {
            Some("العام" | "السنه") => Sem::Year(YearRef::Rel(0)),
            Some("الشهر") => Sem::RelUnit { unit: Unit::Month, n: 0 },
            Some("الاسبوع") => Sem::RelUnit { unit: Unit::Week, n: 0 },
            _ => return,
        };
        if self.w(j + 1).is_some_and(|w| w.starts_with("ال")) {
            return;
        }
        Self::push(out, i, h.skip, j + 1, sem, 3);
    }

    /// "من 3 إلى 7 مارس": the bare first day takes month, year and cue from the second.
    fn rule_range_starts(&self, out: &mut Vec<Cand>) {
        let mut extra = Vec::new();
        for c in out.iter() {
            if !matches!(c.sem, Sem::Date { .. } | Sem::HDate { .. }) {
                continue;
            }
            let t0 = c.t0;
            // connector before the second end point
            let conn = if t0 >= 1
                && (self.is_any(t0 - 1, &["الي", "حتي", "و"]) && c.skip == 0
                    || matches!(self.punct(t0 - 1), Some('-' | '–')))
            {
                Some(t0 - 1)
            } else if c.skip == 1 && self.w(t0).is_some_and(|w| w.starts_with('و')) {
                Some(t0)
            } else {
                None
            };
            let Some(conn) = conn else { continue };
            if conn == 0 {
                continue;
            }
            let first = if conn == t0 { t0 - 1 } else { conn - 1 };
            let Some((d, 1..=2)) = self.num(first) else { continue };
            if !(1..=31).contains(&d) {
                continue;
            }
            let sem = match &c.sem {
                Sem::Date { y, m, cue, .. } => Sem::Date { y: *y, m: *m, d: d as u8, cue: *cue },
                Sem::HDate { y, m, cue, plus, .. } => {
                    Sem::HDate { y: *y, m: *m, d: d as u8, cue: *cue, plus: *plus }
                }
                _ => continue,
            };
            extra.push(Cand { t0: first, skip: 0, t1: first + 1, sem, prio: 6 });
        }
        out.extend(extra);
    }
}

fn fraction_unit(u: Unit, den: u8) -> Option<(i64, Unit)> {
    Some(match (u, den) {
        (Unit::Hour, 2) => (30, Unit::Minute),
        (Unit::Hour, 4) => (15, Unit::Minute),
        (Unit::Century, 4) => (25, Unit::Year),
        (Unit::Century, 2) => (50, Unit::Year),
        (Unit::Year, 2) => (6, Unit::Month),
        (Unit::Decade, 2) => (5, Unit::Year),
        (Unit::Day, 2) => (12, Unit::Hour),
        (Unit::Minute, 2) => (30, Unit::Second),
        (Unit::Month, 2) => (15, Unit::Day),
        _ => return None,
    })
}

/// TIMEX3 duration value for n units (None = unspecified count), plus a half.
pub fn duration_value(n: Option<i64>, unit: Unit, half: bool) -> Option<String> {
    let num = |k: i64| n.map_or_else(|| "X".to_string(), |n| (n * k).to_string());
    let (main, extra) = match unit {
        Unit::Year => (format!("P{}Y", num(1)), if half { "6M" } else { "" }),
        Unit::Decade => {
            if half {
                return Some(format!("P{}Y", n.map_or_else(|| "X".into(), |n| (n * 10 + 5).to_string())));
            }
            (format!("P{}Y", num(10)), "")
        }
        Unit::Century => {
            if half {
                return Some(format!("P{}Y", n.map_or_else(|| "X".into(), |n| (n * 100 + 50).to_string())));
            }
            (format!("P{}Y", num(100)), "")
        }
        Unit::Month => (format!("P{}M", num(1)), if half { "15D" } else { "" }),
        Unit::Week => (format!("P{}W", num(1)), ""),
        Unit::Day => {
            return Some(if half { format!("P{}DT12H", num(1)) } else { format!("P{}D", num(1)) });
        }
        Unit::Hour => return Some(format!("PT{}H{}", num(1), if half { "30M" } else { "" })),
        Unit::Minute => return Some(format!("PT{}M{}", num(1), if half { "30S" } else { "" })),
        Unit::Second => return Some(format!("PT{}S", num(1))),
    };
    Some(format!("{main}{extra}"))
}

#[allow(dead_code)]
fn digits_only(s: &str) -> bool {
    is_digit_word(s)
}

//! The word tables of time-expression matching, loaded once from the embedded TSV files
//! `assets/calendar/calendar.tsv` (month and weekday names of every family) and
//! `assets/calendar/lexicon.tsv` (units, number words, cues, holidays …), normalised with
//! [`crate::arabic::normalize`] and indexed by their first word.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::arabic::normalize;

const CALENDAR: &str = include_str!("../../../assets/calendar/calendar.tsv");
const LEXICON: &str = include_str!("../../../assets/calendar/lexicon.tsv");

/// Calendar units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Year,
    Decade,
    Century,
    Month,
    Week,
    Day,
    Hour,
    Minute,
    Second,
}

/// Grammatical number of a unit word: singular, plural, dual (= 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plurality {
    One,
    Many,
    Two,
}

/// Tense cues after a period name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cue {
    Past,
    Next,
    This,
}

/// Parts of day (TIMEX3 codes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pod {
    Mo,
    Mi,
    Af,
    Ev,
    Ni,
}

impl Pod {
    pub fn code(self) -> &'static str {
        match self {
            Pod::Mo => "MO",
            Pod::Mi => "MI",
            Pod::Af => "AF",
            Pod::Ev => "EV",
            Pod::Ni => "NI",
        }
    }
}

/// What a lexicon entry means.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Lex {
    /// Gregorian month 1-12 (any family).
    GMonth(u8),
    /// English month name (datelines, embedded posts).
    EMonth(u8),
    HMonth(u8),
    /// Weekday 1-7, Monday = 1; `bare` = written without the article (needs يوم or a date).
    Weekday(u8, bool),
    Season(&'static str),
    Unit(Unit, Plurality),
    Cardinal(i64),
    CardinalCompound(i64),
    Ordinal(u32),
    OrdinalCompound(u32),
    /// numerator, denominator
    Fraction(u8, u8),
    Cue(Cue),
    Vague(&'static str),
    SetAdverb(&'static str),
    RelDay(i32),
    PartOfDay(Pod),
    /// Hijri month, day of the holiday's first day.
    Holiday(u8, u8),
    Decade(u8),
    PeriodMod,
    Head,
    NameBefore,
    DayWord(u8),
    /// A calendar word that is also a common name or word (جوان، شباط، مارس …).
    AmbiguousWord,
}

/// One entry: its normalised words and meaning; `strict_alef` entries (آب) must not match a
/// word written with hamza (أب "father").
#[derive(Clone, Debug)]
pub struct Entry {
    pub words: Vec<String>,
    pub lex: Lex,
    pub strict_alef: bool,
}

pub struct Lexicon {
    by_first: HashMap<String, Vec<Entry>>,
}

fn leak(s: &str) -> &'static str {
    // Static tables live for the whole program; interning a handful of short codes once.
    Box::leak(s.to_string().into_boxed_str())
}

fn parse_unit(v: &str) -> Option<Lex> {
    let (u, p) = v.split_once(':')?;
    let unit = match u {
        "Y" => Unit::Year,
        "DE" => Unit::Decade,
        "CE" => Unit::Century,
        "M" => Unit::Month,
        "W" => Unit::Week,
        "D" => Unit::Day,
        "H" => Unit::Hour,
        "MIN" => Unit::Minute,
        "S" => Unit::Second,
        _ => return None,
    };
    let pl = match p {
        "1" => Plurality::One,
        "2" => Plurality::Two,
        _ => Plurality::Many,
    };
    Some(Lex::Unit(unit, pl))
}

fn parse_lex(kind: &str, value: &str) -> Option<Lex> {
    Some(match kind {
        "english_month" => Lex::EMonth(value.parse().ok()?),
        "season" => Lex::Season(leak(value)),
        "unit" => parse_unit(value)?,
        "cardinal" => Lex::Cardinal(value.parse().ok()?),
        "cardinal_compound" => Lex::CardinalCompound(value.parse().ok()?),
        "ordinal" => Lex::Ordinal(value.parse().ok()?),
        "ordinal_compound" => Lex::OrdinalCompound(value.parse().ok()?),
        "fraction" => {
            let (a, b) = value.split_once('/')?;
            Lex::Fraction(a.parse().ok()?, b.parse().ok()?)
        }
        "cue" => Lex::Cue(match value {
            "past" => Cue::Past,
            "next" => Cue::Next,
            _ => Cue::This,
        }),
        "vague" => Lex::Vague(leak(value)),
        "set_adverb" => Lex::SetAdverb(leak(value)),
        "relday" => Lex::RelDay(value.parse().ok()?),
        "part_of_day" => Lex::PartOfDay(match value {
            "MO" => Pod::Mo,
            "MI" => Pod::Mi,
            "AF" => Pod::Af,
            "EV" => Pod::Ev,
            _ => Pod::Ni,
        }),
        "holiday" => {
            let (m, d) = value.split_once('/')?;
            Lex::Holiday(m.parse().ok()?, d.parse().ok()?)
        }
        "decade" => Lex::Decade(value.parse().ok()?),
        "period_mod" => Lex::PeriodMod,
        "head" => Lex::Head,
        "name_before" => Lex::NameBefore,
        "day_word" => Lex::DayWord(value.parse().ok()?),
        "ambiguous" => Lex::AmbiguousWord,
        _ => return None,
    })
}

impl Lexicon {
    fn add(&mut self, form: &str, lex: Lex) {
        let words: Vec<String> = normalize(form).split_whitespace().map(str::to_string).collect();
        let Some(first) = words.first().cloned() else { return };
        let strict_alef = form.starts_with('آ') && words.len() == 1 && first.chars().count() <= 2;
        let list = self.by_first.entry(first).or_default();
        if !list.iter().any(|e| e.words == words && e.lex == lex) {
            list.push(Entry { words, lex, strict_alef });
        }
    }

    fn load() -> Lexicon {
        let mut lx = Lexicon { by_first: HashMap::new() };
        for line in CALENDAR.lines().skip(1) {
            let cols: Vec<&str> = line.split('\t').collect();
            let (Some(cal), Some(num), Some(form)) = (cols.first(), cols.get(1), cols.get(2)) else {
                continue;
            };
            let Ok(n) = num.parse::<u8>() else { continue };
            let lex = match *cal {
                "gregorian" => Lex::GMonth(n),
                "hijri" => Lex::HMonth(n),
                "weekday" => Lex::Weekday(n, !normalize(form).starts_with("ال")),
                _ => continue,
            };
            lx.add(form, lex);
        }
        for line in LEXICON.lines() {
            if line.starts_with('#') || line.starts_with("kind\t") {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            let (Some(kind), Some(value), Some(form)) = (cols.first(), cols.get(1), cols.get(2)) else {
                continue;
            };
            if let Some(lex) = parse_lex(kind, value) {
                lx.add(form, lex);
            }
        }
        for list in lx.by_first.values_mut() {
            list.sort_by_key(|e| std::cmp::Reverse(e.words.len()));
        }
        lx
    }

    /// Entries whose first word is `w` (normalised), longest first.
    pub fn entries(&self, w: &str) -> &[Entry] {
        self.by_first.get(w).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// The shared lexicon.
pub fn lexicon() -> &'static Lexicon {
    static L: OnceLock<Lexicon> = OnceLock::new();
    L.get_or_init(Lexicon::load)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_families_load_from_the_calendar_table() {
        let lx = lexicon();
        for (w, m) in [("جانفي", 1), ("يوليوز", 7), ("غشت", 8), ("ابريل", 4), ("شباط", 2), ("تشرين", 10)]
        {
            assert!(lx.entries(&normalize(w)).iter().any(|e| e.lex == Lex::GMonth(m)), "{w}");
        }
        assert!(lx.entries("كانون").iter().any(|e| e.words.len() == 2));
    }

    #[test]
    fn madda_month_is_strict() {
        let e = lexicon().entries("اب");
        assert!(e.iter().any(|e| e.lex == Lex::GMonth(8) && e.strict_alef));
    }
}

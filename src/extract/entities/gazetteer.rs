//! Word lists used as tagger features and for clitic checks, all embedded from assets/: the
//! gazetteers (countries, cities, person names and titles; see assets/gazetteers/README.md for
//! licences), the project's trigger words (titles, organisation/location/misc heads, news
//! agencies) and Arabic word frequencies (wordfreq, CC BY-SA 4.0). Keys are normalised with
//! [`crate::arabic::normalize`].

use std::collections::HashMap;
use std::io::Read as _;
use std::sync::OnceLock;

use super::features::FxMap;
use crate::arabic::clitics::Lexicon;
use crate::arabic::normalize;

const COUNTRIES: &str = include_str!("../../../assets/gazetteers/countries.tsv");
const CITIES: &str = include_str!("../../../assets/gazetteers/cities.tsv");
const PERSONS: &str = include_str!("../../../assets/gazetteers/persons.tsv");
const TRIGGERS: &str = include_str!("../../../assets/gazetteers/triggers.tsv");
const ARWIKICATS: &str = include_str!("../../../assets/gazetteers/arwikicats.tsv");
const WORDFREQ_GZ: &[u8] = include_bytes!("../../../assets/models/wordfreq_ar.tsv.gz");

/// Gazetteer classes (bit flags).
pub const F_COUNTRY: u32 = 1 << 0;
pub const F_CITY: u32 = 1 << 1;
pub const F_CITY_BIG: u32 = 1 << 2;
pub const F_GIVEN_MALE: u32 = 1 << 3;
pub const F_GIVEN_FEMALE: u32 = 1 << 4;
pub const F_FAMILY: u32 = 1 << 5;
pub const F_TITLE: u32 = 1 << 6;
pub const F_PARTICLE: u32 = 1 << 7;
pub const F_PER_TRIGGER: u32 = 1 << 8;
pub const F_ORG_TRIGGER: u32 = 1 << 9;
pub const F_LOC_TRIGGER: u32 = 1 << 10;
pub const F_MISC_TRIGGER: u32 = 1 << 11;
pub const F_AGENCY: u32 = 1 << 12;
pub const F_CITY_HUGE: u32 = 1 << 13;
pub const F_WIKI_PERSON: u32 = 1 << 14;
pub const F_WIKI_FIRST: u32 = 1 << 15;
pub const F_WIKI_LAST: u32 = 1 << 16;
pub const F_CLUB: u32 = 1 << 17;
pub const F_PLACE: u32 = 1 << 18;
pub const F_NATIONALITY: u32 = 1 << 19;
/// Number of flag bits in use.
pub const N_FLAGS: u32 = 20;

/// Single-word entries with their classes, and multi-word phrases keyed by their first word.
#[derive(Debug, Default)]
pub struct Gazetteer {
    words: FxMap<String, u32>,
    phrases: FxMap<String, Vec<(Vec<String>, u32)>>,
}

impl Gazetteer {
    /// The embedded gazetteer.
    pub fn builtin() -> &'static Gazetteer {
        static G: OnceLock<Gazetteer> = OnceLock::new();
        G.get_or_init(Gazetteer::load_embedded)
    }

    fn load_embedded() -> Gazetteer {
        let mut g = Gazetteer::default();
        for line in COUNTRIES.lines().skip(1) {
            if let Some(names) = line.split('\t').nth(1) {
                for name in names.split('|') {
                    g.add(name, F_COUNTRY);
                }
            }
        }
        for line in CITIES.lines().skip(1) {
            let mut it = line.split('\t');
            let (Some(name), _, Some(pop)) = (it.next(), it.next(), it.next()) else { continue };
            let pop: u64 = pop.trim().parse().unwrap_or(0);
            let mut f = F_CITY;
            if pop >= 100_000 {
                f |= F_CITY_BIG;
            }
            if pop >= 1_000_000 {
                f |= F_CITY_HUGE;
            }
            g.add(name, f);
        }
        for line in PERSONS.lines().skip(1) {
            let mut it = line.split('\t');
            let (Some(form), Some(kind)) = (it.next(), it.next()) else { continue };
            let f = match kind {
                "given_male" => F_GIVEN_MALE,
                "given_female" => F_GIVEN_FEMALE,
                "family" => F_FAMILY,
                "title" => F_TITLE,
                "particle" => F_PARTICLE,
                _ => continue,
            };
            g.add(form, f);
        }
        for line in TRIGGERS.lines().skip(1) {
            let mut it = line.split('\t');
            let (Some(form), Some(kind)) = (it.next(), it.next()) else { continue };
            let f = match kind {
                "per" => F_PER_TRIGGER,
                "org" => F_ORG_TRIGGER,
                "loc" => F_LOC_TRIGGER,
                "misc" => F_MISC_TRIGGER,
                "agency" => F_AGENCY,
                _ => continue,
            };
            g.add(form, f);
        }
        for line in ARWIKICATS.lines().skip(1) {
            let mut it = line.split('\t');
            let (Some(form), Some(kind)) = (it.next(), it.next()) else { continue };
            match kind {
                "person" => {
                    g.add(form, F_WIKI_PERSON);
                    let parts: Vec<&str> = form.split(' ').filter(|w| w.chars().count() >= 2).collect();
                    if parts.len() >= 2 {
                        if let Some(first) = parts.first() {
                            g.add(first, F_WIKI_FIRST);
                        }
                        if let Some(last) = parts.last() {
                            g.add(last, F_WIKI_LAST);
                        }
                    }
                }
                "club" => g.add(form, F_CLUB),
                "place" => g.add(form, F_PLACE),
                "nationality" => g.add(form, F_NATIONALITY),
                _ => {}
            }
        }
        g
    }

    /// Adds an entry (any spelling; it is normalised here).
    pub fn add(&mut self, form: &str, flag: u32) {
        let norm = normalize(form.trim());
        let words: Vec<String> =
            norm.split([' ', '-']).filter(|w| !w.is_empty()).map(str::to_string).collect();
        match words.as_slice() {
            [] => {}
            [one] => *self.words.entry(one.clone()).or_insert(0) |= flag,
            [first, rest @ ..] => {
                let list = self.phrases.entry(first.clone()).or_default();
                if let Some(e) = list.iter_mut().find(|(r, _)| r.as_slice() == rest) {
                    e.1 |= flag;
                } else {
                    list.push((rest.to_vec(), flag));
                }
            }
        }
    }

    /// True when some multi-word entry begins with this normalised word.
    pub fn starts_phrase(&self, norm: &str) -> bool {
        self.phrases.contains_key(norm)
    }

    /// Classes of a single normalised word (0 when unknown).
    pub fn flags(&self, norm: &str) -> u32 {
        self.words.get(norm).copied().unwrap_or(0)
    }

    /// Single words that name places or people (never split into clitics).
    /// Single names and the first words of multi-word place names (بيونغ of بيونغ يانغ).
    pub fn protected_words(&self) -> impl Iterator<Item = &str> {
        let places = F_COUNTRY | F_CITY_BIG | F_PLACE;
        self.words
            .iter()
            .filter(|&(_, &f)| {
                f & (F_COUNTRY | F_CITY_BIG | F_GIVEN_MALE | F_GIVEN_FEMALE | F_FAMILY | F_AGENCY | F_CLUB)
                    != 0
            })
            .map(|(w, _)| w.as_str())
            .chain(
                self.phrases
                    .iter()
                    .filter(move |(_, list)| list.iter().any(|(_, f)| f & places != 0))
                    .map(|(w, _)| w.as_str()),
            )
    }

    /// Longest multi-word matches over a sentence of normalised name forms:
    /// (start, end exclusive, classes), non-overlapping, left to right.
    pub fn phrase_matches(&self, names: &[&str]) -> Vec<(usize, usize, u32)> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < names.len() {
            let mut best: Option<(usize, u32)> = None;
            if let Some(list) = names.get(i).and_then(|w| self.phrases.get(*w)) {
                for (rest, f) in list {
                    let end = i + 1 + rest.len();
                    let ok = names.get(i + 1..end).is_some_and(|s| s.iter().zip(rest).all(|(a, b)| *a == b));
                    if ok && best.is_none_or(|(e, _)| end > e) {
                        best = Some((end, *f));
                    }
                }
            }
            if let Some((end, f)) = best {
                out.push((i, end, f));
                i = end;
            } else {
                i += 1;
            }
        }
        out
    }
}

/// Arabic word frequencies (Zipf × 10) from wordfreq, normalised forms.
pub fn wordfreq() -> &'static HashMap<String, u8> {
    static W: OnceLock<HashMap<String, u8>> = OnceLock::new();
    W.get_or_init(|| {
        let mut text = String::new();
        let mut dec = flate2::read::GzDecoder::new(WORDFREQ_GZ);
        if dec.read_to_string(&mut text).is_err() {
            return HashMap::new();
        }
        let mut m = HashMap::with_capacity(310_000);
        for line in text.lines() {
            if let Some((w, z)) = line.split_once('\t') {
                m.insert(w.to_string(), z.parse().unwrap_or(0));
            }
        }
        m
    })
}

/// The lexicon for clitic splitting: wordfreq counts (from Zipf), the tagger's training
/// vocabulary (`vocab`, normalised word counts) and the gazetteer names as protected words.
pub fn build_lexicon(vocab: &[(String, u32)]) -> Lexicon {
    let mut lex = Lexicon::new();
    for (w, &z) in wordfreq() {
        // Zipf 1.5 → 1, each Zipf unit ×10
        let c = 10f64.powf((f64::from(z) - 15.0) / 10.0).round().max(1.0) as u32;
        lex.add_count(w, c);
    }
    for (w, c) in vocab {
        // a token in the 112k-token training text is roughly Zipf 4 (≈ 300 in the scale above)
        lex.add_count(w, c.saturating_mul(300));
    }
    for w in Gazetteer::builtin().protected_words() {
        lex.protect(w);
    }
    lex
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_and_cities_are_found_normalised() {
        let g = Gazetteer::builtin();
        assert_ne!(g.flags(&normalize("أفغانستان")) & F_COUNTRY, 0);
        assert_ne!(g.flags("بغداد") & F_CITY_BIG, 0);
        assert_eq!(g.flags("كتاب") & F_COUNTRY, 0);
    }

    #[test]
    fn multi_word_entries_match_as_phrases() {
        let g = Gazetteer::builtin();
        let s = ["في", "الامارات", "العربيه", "المتحده", "اليوم"];
        let m = g.phrase_matches(&s);
        assert_eq!(m.len(), 1);
        assert_eq!((m[0].0, m[0].1), (1, 4));
        assert_ne!(m[0].2 & F_COUNTRY, 0);
    }

    #[test]
    fn trigger_words_have_their_classes() {
        let g = Gazetteer::builtin();
        assert_ne!(g.flags("وكاله") & F_ORG_TRIGGER, 0);
        assert_ne!(g.flags("الرييس") & F_PER_TRIGGER, 0);
        assert_ne!(g.flags("رويترز") & F_AGENCY, 0);
    }

    #[test]
    fn wordfreq_loads_common_words() {
        let w = wordfreq();
        assert!(w.len() > 100_000);
        assert!(w.get("في").copied().unwrap_or(0) > 60);
    }
}

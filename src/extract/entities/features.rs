//! Tagger features, hashed: per word type ([`WordFeats`]: normalised form, stem after clitic
//! removal, affixes, shape, gazetteer classes, frequency band) and per position (word bigrams,
//! gazetteer phrases). Neighbour features (±1, ±2) reuse a word's `ctx` hashes mixed with the
//! offset, so scores can be cached per word type at run time.

use std::collections::HashMap;

use super::gazetteer::{Gazetteer, N_FLAGS};
use crate::arabic::clitics::{self, Lexicon};
use crate::arabic::normalize;
use crate::arabic::normalize::is_arabic_letter;

/// Number of tags (O + B/I × PERS LOC ORG MISC).
pub const NTAGS: usize = 9;

/// Neighbour offsets with their own feature copies.
pub const OFFSETS: [i32; 4] = [-2, -1, 1, 2];

// feature templates
const T_BIAS: u64 = 1;
const T_WORD: u64 = 2;
const T_NAME: u64 = 3;
const T_STEM: u64 = 4;
const T_CODE: u64 = 5;
const T_PRE: u64 = 10; // + n
const T_SUF: u64 = 20; // + n
const T_SPRE: u64 = 30;
const T_SSUF: u64 = 40;
const T_SHAPE: u64 = 50;
const T_FLAG: u64 = 60; // + bit
const T_ZIPF: u64 = 100;
const T_NZIPF: u64 = 101;
const T_SZIPF: u64 = 102;
const T_LATIN: u64 = 103;
const T_FLAGSET: u64 = 104;
const T_CODE_ZIPF: u64 = 105;
const T_BI_PREV: u64 = 120;
const T_BI_NEXT: u64 = 121;
const T_SBI_PREV: u64 = 122;
const T_SBI_NEXT: u64 = 123;
const T_TRI_PREV: u64 = 124;
const T_PHRASE: u64 = 130;
const T_FLAG_PREV_STEM: u64 = 131;
const T_CLUSTER: u64 = 140;
const T_NGRAM: u64 = 150;
const T_ENT: u64 = 160;
const T_ENTW: u64 = 161;
const T_ENT_NEXT: u64 = 162;
const T_ENT_PREV: u64 = 163;

/// Entities seen in training (name forms joined by spaces → bit mask of types PERS LOC ORG
/// MISC), matched as phrases; words inside them get their type mask too.
#[derive(Clone, Debug, Default)]
pub struct EntityList {
    phrases: FxMap<String, u8>,
    first: FxMap<String, u8>,
    words: FxMap<String, u8>,
}

impl EntityList {
    /// Adds an entity (its tokens' name forms) of type index `ty` (0..4).
    pub fn add(&mut self, names: &[&str], ty: u8) {
        if names.is_empty() || names.len() > 8 || ty > 3 {
            return;
        }
        *self.phrases.entry(names.join(" ")).or_insert(0) |= 1 << ty;
        let e = self.first.entry(names[0].to_string()).or_insert(0);
        *e = (*e).max(names.len() as u8);
        for w in names {
            *self.words.entry(w.to_string()).or_insert(0) |= 1 << ty;
        }
    }

    /// All phrases with their masks, sorted (for serialising).
    pub fn sorted(&self) -> Vec<(&str, u8)> {
        let mut v: Vec<(&str, u8)> = self.phrases.iter().map(|(k, &m)| (k.as_str(), m)).collect();
        v.sort_unstable();
        v
    }

    /// Adds a serialised phrase.
    pub fn add_joined(&mut self, joined: &str, mask: u8) {
        let names: Vec<&str> = joined.split(' ').collect();
        for ty in 0..4u8 {
            if mask & (1 << ty) != 0 {
                self.add(&names, ty);
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.phrases.is_empty()
    }
}

/// A fast non-cryptographic hasher for string-keyed maps on the tagging path (FxHash).
#[derive(Clone, Copy, Default)]
pub struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }
    #[inline]
    fn write_u8(&mut self, b: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// `HashMap` with [`FxHasher`].
pub type FxMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<FxHasher>>;

/// FNV-1a over bytes.
pub fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Mixes two hashes (splitmix64 finaliser).
pub fn mix(a: u64, b: u64) -> u64 {
    let mut z = a.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(b).wrapping_add(0x632B_E59B_D9B4_E019);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn feat(t: u64, s: &str) -> u64 {
    mix(t, fnv(s.as_bytes()))
}

/// A neighbour feature: the word's ctx hash seen from offset `d`.
pub fn at_offset(h: u64, d: i32) -> u64 {
    mix(h, 0x5151u64.wrapping_add(d as u64))
}

/// Weight-table row of a feature hash.
pub fn bucket(h: u64, bits: u32) -> u32 {
    (h >> (64 - bits)) as u32
}

/// Everything the tagger needs from one word type.
#[derive(Clone, Debug, Default)]
pub struct WordFeats {
    /// Features of the word at the tagged position.
    pub own: Vec<u64>,
    /// Features the word contributes as a neighbour (mixed with the offset when used).
    pub ctx: Vec<u64>,
    /// The first `n_ident` of `own` (and `n_ctx_ident` of `ctx`) name the word itself.
    pub n_ident: usize,
    pub n_ctx_ident: usize,
    pub norm_h: u64,
    pub stem_h: u64,
    /// Gazetteer classes of the word or its name/stem.
    pub flags: u32,
    /// Normalised name form (proclitics removed, article kept), for phrase matching.
    pub name: String,
    /// The name form begins a multi-word gazetteer phrase.
    pub starts_phrase: bool,
    /// Chars of the normalised word before the name part (removed proclitics).
    pub name_start: usize,
}

/// Shared inputs for feature extraction.
pub struct FeatureEnv<'a> {
    pub gaz: &'a Gazetteer,
    pub freq: &'a HashMap<String, u8>,
    pub lex: &'a Lexicon,
    pub clusters: &'a HashMap<String, u32>,
}

fn zipf_band(freq: &HashMap<String, u8>, w: &str) -> u64 {
    match freq.get(w) {
        None => 0,
        Some(&z) => 1 + u64::from(z / 5), // half-Zipf bands
    }
}

fn shape(token: &str, norm: &str) -> (String, char) {
    let chars: Vec<char> = norm.chars().collect();
    let n = chars.len();
    let arabic = chars.iter().all(|&c| is_arabic_letter(c));
    let digits = !chars.is_empty() && chars.iter().all(|c| c.is_ascii_digit() || matches!(c, '.' | ','));
    let latin = chars.iter().any(|c| c.is_ascii_alphabetic()) && chars.iter().all(|c| c.is_alphanumeric());
    if n == 0 {
        return ("E".into(), 'E');
    }
    if arabic {
        return (format!("A{}", n.min(9)), 'A');
    }
    if digits {
        return (format!("D{}", n.min(5)), 'D');
    }
    if latin {
        let orig: Vec<char> = token.chars().collect();
        let cap = orig.first().is_some_and(|c| c.is_uppercase());
        let all = orig.iter().all(|c| !c.is_lowercase());
        return (
            format!(
                "L{}{}",
                if all {
                    "X"
                } else if cap {
                    "Xx"
                } else {
                    "x"
                },
                n.min(4)
            ),
            'L',
        );
    }
    if chars.iter().all(|c| !c.is_alphanumeric()) {
        return ("P".into(), 'P');
    }
    let a = chars.iter().any(|&c| is_arabic_letter(c));
    (format!("M{}", if a { "a" } else { "" }), 'M')
}

fn char_prefix(chars: &[char], n: usize) -> Option<String> {
    (chars.len() > n).then(|| chars.iter().take(n).collect())
}

fn char_suffix(chars: &[char], n: usize) -> Option<String> {
    (chars.len() > n).then(|| chars.get(chars.len() - n..).unwrap_or(&[]).iter().collect())
}

/// Computes the features of one token (its text as written).
pub fn word_feats(token: &str, env: &FeatureEnv) -> WordFeats {
    let mut norm = normalize(token);
    if norm.is_empty() {
        norm = token.to_string();
    }
    let (shape_s, kind) = shape(token, &norm);
    let split = if kind == 'A' { clitics::split(&norm, env.lex) } else { clitics::Split::default() };
    let name = split.name(&norm).to_string();
    let stem = split.stem(&norm).to_string();
    let code = split.code();
    let mut flags = env.gaz.flags(&norm) | env.gaz.flags(&name) | env.gaz.flags(&stem);
    if kind == 'A' && !split.article && stem.chars().count() >= 2 {
        flags |= env.gaz.flags(&format!("ال{stem}"));
    }
    let exact = env.gaz.flags(&norm);

    let nch: Vec<char> = norm.chars().collect();
    let sch: Vec<char> = stem.chars().collect();
    let mut own = Vec::with_capacity(48);
    let mut ctx = Vec::with_capacity(24);
    // identity features first: training may hide them for rare words (`n_ident`)
    let norm_f = feat(T_WORD, &norm);
    own.push(norm_f);
    own.push(feat(T_NAME, &name));
    let stem_f = feat(T_STEM, &stem);
    own.push(stem_f);
    if split.has_proclitic() {
        // share the word weights of the bare form: وبرشلونة ~ برشلونة, للعراق ~ العراق
        let bare =
            if split.article && !name.starts_with("ال") { format!("ال{name}") } else { name.clone() };
        let f = feat(T_WORD, &bare);
        own.push(f);
        ctx.push(f);
    }
    let n_ident = own.len();
    ctx.push(norm_f);
    ctx.push(stem_f);
    let n_ctx_ident = ctx.len();
    own.push(T_BIAS);
    if kind == 'A' && sch.len() >= 4 {
        for k in 0..sch.len() - 2 {
            if let Some(g) = sch.get(k..k + 3) {
                own.push(feat(T_NGRAM, &g.iter().collect::<String>()));
            }
        }
    }
    let code_f = feat(T_CODE, &code);
    own.push(code_f);
    ctx.push(code_f);
    for k in 1..=4u64 {
        if let Some(p) = char_prefix(&nch, k as usize) {
            own.push(feat(T_PRE + k, &p));
        }
        if let Some(s) = char_suffix(&nch, k as usize) {
            own.push(feat(T_SUF + k, &s));
            if k == 2 {
                ctx.push(feat(T_SUF + k, &s));
            }
        }
    }
    if split.has_proclitic() || split.article {
        for k in 1..=3u64 {
            if let Some(p) = char_prefix(&sch, k as usize) {
                own.push(feat(T_SPRE + k, &p));
            }
            if let Some(s) = char_suffix(&sch, k as usize) {
                own.push(feat(T_SSUF + k, &s));
            }
        }
    }
    let shape_f = feat(T_SHAPE, &shape_s);
    own.push(shape_f);
    ctx.push(shape_f);
    for b in 0..N_FLAGS {
        if flags & (1 << b) != 0 {
            let f = mix(T_FLAG + u64::from(b), 1);
            own.push(f);
            ctx.push(f);
        }
        if exact & (1 << b) != 0 {
            own.push(mix(T_FLAG + u64::from(b), 2));
        }
    }
    if flags != 0 {
        own.push(mix(T_FLAGSET, u64::from(flags)));
    }
    if kind == 'A' {
        let z = zipf_band(env.freq, &norm);
        let zf = mix(T_ZIPF, z);
        own.push(zf);
        ctx.push(zf);
        own.push(mix(T_NZIPF, zipf_band(env.freq, &name)));
        own.push(mix(T_SZIPF, zipf_band(env.freq, &stem)));
        own.push(mix(T_CODE_ZIPF, mix(fnv(code.as_bytes()), zipf_band(env.freq, &name))));
    }
    if kind == 'L' {
        own.push(mix(T_LATIN, 1));
    }
    if let Some(&c) = env.clusters.get(&stem).or_else(|| env.clusters.get(&norm)) {
        for (i, len) in [4u32, 8, 12, 16].into_iter().enumerate() {
            let f = mix(T_CLUSTER + i as u64, u64::from(c >> (16 - len.min(16))));
            own.push(f);
            if len <= 8 {
                ctx.push(f);
            }
        }
    }
    WordFeats {
        own,
        ctx,
        n_ident,
        n_ctx_ident,
        norm_h: fnv(norm.as_bytes()),
        stem_h: fnv(stem.as_bytes()),
        flags,
        starts_phrase: env.gaz.starts_phrase(&name),
        name,
        name_start: split.name_start,
    }
}

/// The padding word before the first (`bos`) or after the last token.
pub fn sentinel(bos: bool) -> WordFeats {
    let s = if bos { "<s>" } else { "</s>" };
    let f = feat(T_WORD, s);
    WordFeats {
        own: vec![f],
        ctx: vec![f],
        n_ident: 0,
        n_ctx_ident: 0,
        norm_h: fnv(s.as_bytes()),
        stem_h: fnv(s.as_bytes()),
        flags: 0,
        starts_phrase: false,
        name: s.to_string(),
        name_start: 0,
    }
}

/// Per-position features of a sentence (bigrams, phrases): calls `emit(i, hash)` for each
/// extra feature of token `i`. `words` are the sentence's tokens' features.
pub fn position_feats(
    words: &[&WordFeats],
    gaz: &Gazetteer,
    bos: &WordFeats,
    eos: &WordFeats,
    ents: &EntityList,
    mut emit: impl FnMut(usize, u64),
) {
    let n = words.len();
    let get =
        |i: isize| -> &WordFeats { if i < 0 { bos } else { words.get(i as usize).copied().unwrap_or(eos) } };
    if words.iter().any(|w| w.starts_phrase) {
        let names: Vec<&str> = words.iter().map(|w| w.name.as_str()).collect();
        for (s, e, f) in gaz.phrase_matches(&names) {
            for k in s..e {
                for b in 0..N_FLAGS {
                    if f & (1 << b) != 0 {
                        emit(k, mix(T_PHRASE, u64::from(b) * 2 + u64::from(k == s)));
                    }
                }
            }
        }
    }
    if !ents.is_empty() {
        let mut i = 0;
        let mut joined = String::new();
        while i < n {
            let mut matched = 0;
            if let Some(&maxlen) = words.get(i).and_then(|w| ents.first.get(&w.name)) {
                for len in (1..=usize::from(maxlen).min(n - i)).rev() {
                    joined.clear();
                    for (k, w) in words.iter().skip(i).take(len).enumerate() {
                        if k > 0 {
                            joined.push(' ');
                        }
                        joined.push_str(&w.name);
                    }
                    if let Some(&m) = ents.phrases.get(&joined) {
                        for k in i..i + len {
                            emit(
                                k,
                                mix(T_ENT, u64::from(m) * 4 + u64::from(k == i) * 2 + u64::from(len == 1)),
                            );
                        }
                        if i + len < n {
                            emit(i + len, mix(T_ENT_PREV, u64::from(m)));
                        }
                        if i > 0 {
                            emit(i - 1, mix(T_ENT_NEXT, u64::from(m)));
                        }
                        matched = len;
                        break;
                    }
                }
            }
            i += matched.max(1);
        }
        for (i, w) in words.iter().enumerate() {
            if let Some(&m) = ents.words.get(&w.name) {
                emit(i, mix(T_ENTW, u64::from(m)));
            }
        }
    }
    for i in 0..n {
        let ii = i as isize;
        let (p2, p, c, nx) = (get(ii - 2), get(ii - 1), get(ii), get(ii + 1));
        emit(i, mix(T_BI_PREV, mix(p.norm_h, c.norm_h)));
        emit(i, mix(T_BI_NEXT, mix(c.norm_h, nx.norm_h)));
        emit(i, mix(T_SBI_PREV, mix(p.stem_h, c.stem_h)));
        emit(i, mix(T_SBI_NEXT, mix(c.stem_h, nx.stem_h)));
        emit(i, mix(T_TRI_PREV, mix(p2.norm_h, p.norm_h)));
        if p.flags != 0 {
            emit(i, mix(T_FLAG_PREV_STEM, mix(u64::from(p.flags), c.stem_h)));
        }
    }
}

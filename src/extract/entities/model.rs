//! The tagger model (hashed linear weights over BIO tags + tag transitions, quantised to i16),
//! its compact file format (gzip of a sparse encoding) and [`Tagger`], which decodes sentences
//! with Viterbi under BIO constraints and caches per-word scores so repeated words cost one
//! hash lookup.

use std::collections::HashMap;
use std::io::{Read as _, Write as _};

use super::features::{self, EntityList, FeatureEnv, FxMap, NTAGS, OFFSETS, WordFeats};
use super::gazetteer::{self, Gazetteer};
use crate::arabic::clitics::Lexicon;

/// Tag names in ANERcorp's spelling, by index.
pub const TAGS: [&str; NTAGS] =
    ["O", "B-PERS", "I-PERS", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC"];

/// Tag index of an ANERcorp tag name (unknown names are O).
pub fn tag_index(name: &str) -> u8 {
    TAGS.iter().position(|t| *t == name).map(|p| p as u8).unwrap_or(0)
}

/// True when tag `cur` may follow tag `prev` (`prev == NTAGS` = sentence start) in BIO.
pub fn allowed(prev: usize, cur: usize) -> bool {
    if cur == 0 || cur % 2 == 1 {
        return true;
    }
    prev == cur - 1 || prev == cur
}

const MAGIC: &[u8; 8] = b"KHNER02\n";

/// A trained model.
#[derive(Clone, Debug)]
pub struct Model {
    /// log2 of the number of weight rows.
    pub bits: u32,
    /// Quantised weights, `(1 << bits) * NTAGS`, row-major by feature bucket.
    pub weights: Vec<i16>,
    /// Multiply a weight by this to get its value.
    pub scale: f32,
    /// Transition scores `[prev][cur]`, row `NTAGS` = sentence start.
    pub trans: [[f32; NTAGS]; NTAGS + 1],
    /// Training vocabulary (normalised word, count), part of the clitic lexicon.
    pub vocab: Vec<(String, u32)>,
    /// Word clusters (normalised word → cluster bit string as an integer), may be empty.
    pub clusters: HashMap<String, u32>,
    /// Entities seen in the training data (matched as a feature).
    pub entities: EntityList,
}

impl Model {
    /// Builds a model from float weights (quantised here).
    pub fn from_float(
        bits: u32,
        w: &[f32],
        trans: [[f32; NTAGS]; NTAGS + 1],
        vocab: Vec<(String, u32)>,
        clusters: HashMap<String, u32>,
        entities: EntityList,
    ) -> Model {
        let max = w.iter().fold(0f32, |m, x| m.max(x.abs())).max(1e-6);
        let scale = max / 32767.0;
        let weights = w.iter().map(|x| (x / scale).round().clamp(-32767.0, 32767.0) as i16).collect();
        Model { bits, weights, scale, trans, vocab, clusters, entities }
    }

    /// Serialises to the compact file format.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut raw = Vec::new();
        raw.extend_from_slice(MAGIC);
        raw.extend_from_slice(&self.bits.to_le_bytes());
        raw.extend_from_slice(&self.scale.to_le_bytes());
        for row in &self.trans {
            for x in row {
                raw.extend_from_slice(&x.to_le_bytes());
            }
        }
        let nonzero = self.weights.iter().filter(|&&x| x != 0).count() as u64;
        put_varint(&mut raw, nonzero);
        let mut last = 0u64;
        for (i, &x) in self.weights.iter().enumerate() {
            if x != 0 {
                put_varint(&mut raw, i as u64 - last);
                put_varint(&mut raw, zigzag(i64::from(x)));
                last = i as u64;
            }
        }
        put_varint(&mut raw, self.vocab.len() as u64);
        for (w, c) in &self.vocab {
            put_str(&mut raw, w);
            put_varint(&mut raw, u64::from(*c));
        }
        let mut cl: Vec<(&String, &u32)> = self.clusters.iter().collect();
        cl.sort();
        put_varint(&mut raw, cl.len() as u64);
        for (w, c) in cl {
            put_str(&mut raw, w);
            put_varint(&mut raw, u64::from(*c));
        }
        let ents = self.entities.sorted();
        put_varint(&mut raw, ents.len() as u64);
        for (w, m) in ents {
            put_str(&mut raw, w);
            put_varint(&mut raw, u64::from(m));
        }
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(&raw).ok();
        enc.finish().unwrap_or_default()
    }

    /// Reads the compact file format.
    pub fn from_bytes(bytes: &[u8]) -> anyhow::Result<Model> {
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(bytes).read_to_end(&mut raw)?;
        let mut r = Reader { b: &raw, pos: 0 };
        if r.take(8)? != MAGIC {
            anyhow::bail!("not a khabar NER model");
        }
        let bits = r.u32()?;
        if !(8..=26).contains(&bits) {
            anyhow::bail!("bad model size {bits}");
        }
        let scale = f32::from_bits(r.u32()?);
        let mut trans = [[0f32; NTAGS]; NTAGS + 1];
        for row in trans.iter_mut() {
            for x in row.iter_mut() {
                *x = f32::from_bits(r.u32()?);
            }
        }
        let size = (1usize << bits) * NTAGS;
        let mut weights = vec![0i16; size];
        let nonzero = r.varint()?;
        let mut idx = 0u64;
        for _ in 0..nonzero {
            idx += r.varint()?;
            let v = unzigzag(r.varint()?);
            let slot =
                weights.get_mut(idx as usize).ok_or_else(|| anyhow::anyhow!("weight index out of range"))?;
            *slot = v.clamp(-32767, 32767) as i16;
        }
        let nv = r.varint()?;
        let mut vocab = Vec::with_capacity(nv.min(1 << 20) as usize);
        for _ in 0..nv {
            let w = r.string()?;
            vocab.push((w, r.varint()? as u32));
        }
        let nc = r.varint()?;
        let mut clusters = HashMap::with_capacity(nc.min(1 << 20) as usize);
        for _ in 0..nc {
            let w = r.string()?;
            clusters.insert(w, r.varint()? as u32);
        }
        let mut entities = EntityList::default();
        let ne = r.varint()?;
        for _ in 0..ne {
            let w = r.string()?;
            entities.add_joined(&w, r.varint()? as u8);
        }
        Ok(Model { bits, weights, scale, trans, vocab, clusters, entities })
    }

    /// Score vector (one per tag) of a feature hash.
    #[inline]
    fn add_feature(&self, h: u64, acc: &mut [f32; NTAGS]) {
        let row = features::bucket(h, self.bits) as usize * NTAGS;
        if let Some(ws) = self.weights.get(row..row + NTAGS) {
            for (a, &w) in acc.iter_mut().zip(ws) {
                *a += f32::from(w) * self.scale;
            }
        }
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_varint(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> anyhow::Result<&'a [u8]> {
        let s = self.b.get(self.pos..self.pos + n).ok_or_else(|| anyhow::anyhow!("model file truncated"))?;
        self.pos += n;
        Ok(s)
    }
    fn u32(&mut self) -> anyhow::Result<u32> {
        let s = self.take(4)?;
        Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }
    fn varint(&mut self) -> anyhow::Result<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *self.take(1)?.first().unwrap_or(&0);
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Ok(v);
            }
        }
        anyhow::bail!("bad varint")
    }
    fn string(&mut self) -> anyhow::Result<String> {
        let n = self.varint()? as usize;
        Ok(String::from_utf8_lossy(self.take(n)?).into_owned())
    }
}

/// Viterbi decoding of emission scores `em[i][tag]` under BIO constraints.
pub fn viterbi(em: &[[f32; NTAGS]], trans: &[[f32; NTAGS]; NTAGS + 1]) -> Vec<u8> {
    let n = em.len();
    if n == 0 {
        return Vec::new();
    }
    const NEG: f32 = -1e30;
    let mut back = vec![[0u8; NTAGS]; n];
    let mut score = [NEG; NTAGS];
    for (t, s) in score.iter_mut().enumerate() {
        if allowed(NTAGS, t) {
            *s = trans[NTAGS][t] + em[0][t];
        }
    }
    for i in 1..n {
        let mut next = [NEG; NTAGS];
        for cur in 0..NTAGS {
            let mut best = NEG;
            let mut arg = 0u8;
            for prev in 0..NTAGS {
                if !allowed(prev, cur) {
                    continue;
                }
                let s = score[prev] + trans[prev][cur];
                if s > best {
                    best = s;
                    arg = prev as u8;
                }
            }
            next[cur] = best + em[i][cur];
            back[i][cur] = arg;
        }
        score = next;
    }
    let mut last = 0usize;
    for t in 1..NTAGS {
        if score[t] > score[last] {
            last = t;
        }
    }
    let mut out = vec![0u8; n];
    out[n - 1] = last as u8;
    for i in (1..n).rev() {
        last = back[i][last] as usize;
        out[i - 1] = last as u8;
    }
    out
}

/// Cached per-word data for tagging.
struct Entry {
    feats: WordFeats,
    own: [f32; NTAGS],
    ctx: [[f32; NTAGS]; 4],
}

/// Cache entries kept before the cache is cleared (bounds memory on huge corpora).
const CACHE_LIMIT: usize = 200_000;

/// Tags token sequences with a model; keeps a per-word score cache between calls.
pub struct Tagger<'m> {
    model: &'m Model,
    gaz: &'static Gazetteer,
    lex: std::sync::Arc<Lexicon>,
    ids: FxMap<String, u32>,
    entries: Vec<Entry>,
    bos: Entry,
    eos: Entry,
}

impl<'m> Tagger<'m> {
    pub fn new(model: &'m Model) -> Tagger<'m> {
        Self::with_lexicon(model, std::sync::Arc::new(gazetteer::build_lexicon(&model.vocab)))
    }

    /// A tagger sharing an already built lexicon (it must come from `model.vocab`).
    pub fn with_lexicon(model: &'m Model, lex: std::sync::Arc<Lexicon>) -> Tagger<'m> {
        let mut t = Tagger {
            model,
            gaz: Gazetteer::builtin(),
            lex,
            ids: FxMap::default(),
            entries: Vec::new(),
            bos: Entry { feats: WordFeats::default(), own: [0.0; NTAGS], ctx: [[0.0; NTAGS]; 4] },
            eos: Entry { feats: WordFeats::default(), own: [0.0; NTAGS], ctx: [[0.0; NTAGS]; 4] },
        };
        t.bos = t.entry_for(features::sentinel(true));
        t.eos = t.entry_for(features::sentinel(false));
        t
    }

    /// The clitic lexicon this tagger uses.
    pub fn lexicon(&self) -> &Lexicon {
        &self.lex
    }

    fn entry_for(&self, mut feats: WordFeats) -> Entry {
        let mut own = [0f32; NTAGS];
        for &h in &feats.own {
            self.model.add_feature(h, &mut own);
        }
        let mut ctx = [[0f32; NTAGS]; 4];
        for (k, &d) in OFFSETS.iter().enumerate() {
            for &h in &feats.ctx {
                self.model.add_feature(features::at_offset(h, d), &mut ctx[k]);
            }
        }
        // the scores above are all the tagger needs of the hashed features: a cache of up to
        // CACHE_LIMIT words per thread keeps no feature lists (they were most of its memory)
        feats.own = Vec::new();
        feats.ctx = Vec::new();
        feats.name.shrink_to_fit();
        Entry { feats, own, ctx }
    }

    fn id(&mut self, token: &str) -> u32 {
        if let Some(&id) = self.ids.get(token) {
            return id;
        }
        let env = FeatureEnv {
            gaz: self.gaz,
            freq: gazetteer::wordfreq(),
            lex: &self.lex,
            clusters: &self.model.clusters,
        };
        let feats = features::word_feats(token, &env);
        let e = self.entry_for(feats);
        let id = self.entries.len() as u32;
        self.entries.push(e);
        self.ids.insert(token.to_string(), id);
        id
    }

    /// Tags one sentence; returns tag indices (see [`TAGS`]) and, per token, the number of
    /// normalised chars of proclitics before the name part.
    pub fn tag(&mut self, tokens: &[&str]) -> (Vec<u8>, Vec<usize>) {
        if self.entries.len() + tokens.len() > CACHE_LIMIT {
            self.ids.clear();
            self.entries.clear();
        }
        let ids: Vec<u32> = tokens.iter().map(|t| self.id(t)).collect();
        let n = ids.len();
        let get = |i: isize| -> &Entry {
            if i < 0 {
                &self.bos
            } else {
                ids.get(i as usize).and_then(|&id| self.entries.get(id as usize)).unwrap_or(&self.eos)
            }
        };
        let mut em = vec![[0f32; NTAGS]; n];
        for (i, e) in em.iter_mut().enumerate() {
            let ii = i as isize;
            *e = get(ii).own;
            for (k, &d) in OFFSETS.iter().enumerate() {
                let c = &get(ii + d as isize).ctx[k];
                for (a, b) in e.iter_mut().zip(c) {
                    *a += b;
                }
            }
        }
        let words: Vec<&WordFeats> = (0..n as isize).map(|i| &get(i).feats).collect();
        let model = self.model;
        features::position_feats(
            &words,
            self.gaz,
            &self.bos.feats,
            &self.eos.feats,
            &model.entities,
            |i, h| {
                if let Some(e) = em.get_mut(i) {
                    model.add_feature(h, e);
                }
            },
        );
        let tags = viterbi(&em, &self.model.trans);
        let starts = (0..n as isize).map(|i| get(i).feats.name_start).collect();
        (tags, starts)
    }

    /// Tags the sentences of one document, then makes the tags consistent across it: a rare
    /// word tagged as part of a type-T entity somewhere is tagged T where the model left it O.
    pub fn tag_document(&mut self, sentences: &[Vec<&str>]) -> Vec<(Vec<u8>, Vec<usize>)> {
        let mut out: Vec<(Vec<u8>, Vec<usize>)> = sentences.iter().map(|s| self.tag(s)).collect();
        // votes per name form: counts of entity types
        let mut votes: FxMap<&str, [u16; 4]> = FxMap::default();
        let freq = gazetteer::wordfreq();
        let name_of = |t: &str| {
            self.ids.get(t).and_then(|&i| self.entries.get(i as usize)).map(|e| e.feats.name.as_str())
        };
        for (s, (tags, _)) in sentences.iter().zip(&out) {
            for (tok, &t) in s.iter().zip(tags) {
                if t != 0
                    && let Some(name) = name_of(tok)
                {
                    votes.entry(name).or_insert([0; 4])[usize::from((t - 1) / 2)] += 1;
                }
            }
        }
        if votes.is_empty() {
            return out;
        }
        for (s, (tags, _)) in sentences.iter().zip(out.iter_mut()) {
            for i in 0..tags.len() {
                if tags[i] != 0 {
                    continue;
                }
                let Some(name) = s.get(i).and_then(|t| name_of(t)) else { continue };
                let Some(v) = votes.get(name) else { continue };
                let rare = freq.get(name).is_none_or(|&z| z < 40);
                if !rare || name.chars().count() < 3 || !name.chars().all(char::is_alphabetic) {
                    continue;
                }
                let mut types = v.iter().enumerate().filter(|(_, c)| **c > 0);
                let (Some((ty, _)), None) = (types.next(), types.next()) else { continue };
                let b = 1 + 2 * ty as u8;
                let prev_same = i > 0 && tags.get(i - 1).is_some_and(|&p| p == b || p == b + 1);
                tags[i] = if prev_same { b + 1 } else { b };
                // a following I- of another type must not dangle: leave it (conlleval starts anew)
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bio_constraints_forbid_inside_without_begin() {
        assert!(!allowed(0, 2)); // O → I-PERS
        assert!(allowed(1, 2)); // B-PERS → I-PERS
        assert!(!allowed(3, 2)); // B-LOC → I-PERS
        assert!(!allowed(NTAGS, 4)); // start → I-LOC
        assert!(allowed(6, 5));
    }

    #[test]
    fn viterbi_never_outputs_invalid_sequences() {
        // emissions strongly prefer I-PERS everywhere
        let mut em = vec![[0f32; NTAGS]; 4];
        for e in em.iter_mut() {
            e[2] = 10.0;
        }
        let trans = [[0f32; NTAGS]; NTAGS + 1];
        let tags = viterbi(&em, &trans);
        assert_eq!(tags[0], 1);
        assert!(tags[1..].iter().all(|&t| t == 2));
    }

    #[test]
    fn model_bytes_round_trip() {
        let mut w = vec![0f32; (1 << 8) * NTAGS];
        w[5] = 1.5;
        w[100] = -0.25;
        let mut trans = [[0f32; NTAGS]; NTAGS + 1];
        trans[0][1] = 0.5;
        let m =
            Model::from_float(8, &w, trans, vec![("كتاب".into(), 3)], HashMap::new(), EntityList::default());
        let back = Model::from_bytes(&m.to_bytes()).ok();
        let back = back.as_ref();
        assert_eq!(back.map(|b| b.weights.clone()), Some(m.weights.clone()));
        assert_eq!(back.map(|b| b.trans), Some(trans));
        assert_eq!(back.map(|b| b.vocab.clone()), Some(vec![("كتاب".to_string(), 3)]));
    }

    #[test]
    fn corrupt_model_bytes_are_an_error() {
        assert!(Model::from_bytes(b"nonsense").is_err());
        assert!(Model::from_bytes(&[]).is_err());
    }
}

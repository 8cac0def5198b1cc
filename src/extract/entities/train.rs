//! Training and scoring: reads CoNLL two-column BIO files, trains an averaged structured
//! perceptron (Viterbi under BIO constraints, hashed features, deterministic order from a
//! seed) and scores tag sequences conlleval-style (as shared/tools/ner_score.py does).

use std::collections::HashMap;

use super::features::{self, EntityList, FeatureEnv, NTAGS, OFFSETS, WordFeats};
use super::gazetteer::{self, Gazetteer};
use super::model::{self, Model, Tagger, viterbi};
use crate::arabic::normalize;

/// One sentence: tokens and gold tag indices.
#[derive(Clone, Debug, Default)]
pub struct Sentence {
    pub tokens: Vec<String>,
    pub tags: Vec<u8>,
}

/// Reads CoNLL text: first column = token, last column = tag (O when there is one column),
/// blank lines between sentences.
pub fn read_conll(text: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut cur = Sentence::default();
    for line in text.lines() {
        let mut cols = line.split_whitespace();
        match cols.next() {
            None => {
                if !cur.tokens.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            Some(tok) => {
                let tag = cols.last().map(model::tag_index).unwrap_or(0);
                cur.tokens.push(tok.to_string());
                cur.tags.push(tag);
            }
        }
    }
    if !cur.tokens.is_empty() {
        out.push(cur);
    }
    out
}

/// Training settings.
#[derive(Clone, Copy, Debug)]
pub struct TrainOptions {
    pub epochs: usize,
    pub seed: u64,
    /// log2 of the weight rows.
    pub bits: u32,
    /// Words seen at most this often in training are "rare".
    pub rare_count: u32,
    /// Per-mille chance that a rare word's identity features are hidden in an occurrence.
    pub drop_permille: u32,
    /// Loss-augmented training: margin added to wrong tags while decoding.
    pub margin: f32,
    /// Factor on the margin of O for entity tokens.
    pub o_factor: f32,
    /// Models trained with different seeds and averaged.
    pub ensemble: usize,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            epochs: 15,
            seed: 1,
            bits: 20,
            rare_count: 2,
            drop_permille: 500,
            margin: 0.0,
            o_factor: 1.0,
            ensemble: 1,
        }
    }
}

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}

/// Normalised word counts of the Arabic tokens of `sents` (the model's vocabulary).
pub fn vocabulary(sents: &[Sentence]) -> Vec<(String, u32)> {
    let mut m: HashMap<String, u32> = HashMap::new();
    for s in sents {
        for t in &s.tokens {
            let n = normalize(t);
            if n.chars().all(crate::arabic::normalize::is_arabic_letter) && !n.is_empty() {
                *m.entry(n).or_insert(0) += 1;
            }
        }
    }
    let mut v: Vec<(String, u32)> = m.into_iter().collect();
    v.sort();
    v
}

/// Trains a model on `sents`. `log` receives progress lines.
pub fn train(
    sents: &[Sentence],
    clusters: HashMap<String, u32>,
    opts: TrainOptions,
    mut log: impl FnMut(String),
) -> Model {
    let vocab = vocabulary(sents);
    let lex = gazetteer::build_lexicon(&vocab);
    let gaz = Gazetteer::builtin();
    let env = FeatureEnv { gaz, freq: gazetteer::wordfreq(), lex: &lex, clusters: &clusters };
    // intern word types
    let mut ids: HashMap<&str, usize> = HashMap::new();
    let mut words: Vec<WordFeats> = Vec::new();
    let sent_ids: Vec<Vec<usize>> = sents
        .iter()
        .map(|s| {
            s.tokens
                .iter()
                .map(|t| {
                    *ids.entry(t.as_str()).or_insert_with(|| {
                        words.push(features::word_feats(t, &env));
                        words.len() - 1
                    })
                })
                .collect()
        })
        .collect();
    let bos = features::sentinel(true);
    let eos = features::sentinel(false);
    let bits = opts.bits;
    // entity lists: the full one ships; while training, sentence k sees the list built
    // without its own fold (jackknife), as unseen text would
    const FOLDS: usize = 5;
    let mut full = EntityList::default();
    let mut folds = vec![EntityList::default(); FOLDS];
    for (si, (sent, sid)) in sents.iter().zip(&sent_ids).enumerate() {
        for (s, e, ty) in chunks(&sent.tags) {
            let names: Vec<&str> = sid
                .get(s..e)
                .unwrap_or(&[])
                .iter()
                .filter_map(|&w| words.get(w))
                .map(|w| w.name.as_str())
                .collect();
            full.add(&names, ty);
            for (k, list) in folds.iter_mut().enumerate() {
                if k != si * FOLDS / sents.len() {
                    list.add(&names, ty);
                }
            }
        }
    }
    // per sentence: flat feature buckets and per-position ranges
    let mut type_counts = vec![0u32; words.len()];
    for sid in &sent_ids {
        for &w in sid {
            if let Some(c) = type_counts.get_mut(w) {
                *c += 1;
            }
        }
    }
    // an ensemble: members differ in seed (sentence order and hidden identities); their
    // averaged weights are averaged again
    let members = opts.ensemble.max(1);
    let mut sum_w = vec![0f32; (1usize << bits) * NTAGS];
    let mut sum_t = [[0f32; NTAGS]; NTAGS + 1];
    for member in 0..members {
        let seed = opts.seed.wrapping_add(member as u64 * 7919);
        let mut drop_rng = XorShift(seed.wrapping_mul(0xD1B5_4A32_D192_ED03) | 1);
        let mut feats: Vec<(Vec<u32>, Vec<usize>)> = Vec::with_capacity(sents.len());
        for (si, sid) in sent_ids.iter().enumerate() {
            let ws: Vec<&WordFeats> = sid.iter().filter_map(|&i| words.get(i)).collect();
            let ents = folds.get(si * FOLDS / sents.len()).unwrap_or(&full);
            let mut pos: Vec<Vec<u64>> = vec![Vec::new(); ws.len()];
            features::position_feats(&ws, gaz, &bos, &eos, ents, |i, h| {
                if let Some(v) = pos.get_mut(i) {
                    v.push(h);
                }
            });
            let mut flat = Vec::with_capacity(ws.len() * 64);
            let mut ends = Vec::with_capacity(ws.len());
            // hide the identity of rare words now and then, so that context, affix and gazetteer
            // features learn to carry unseen names
            let hidden: Vec<bool> = sid
                .iter()
                .map(|&w| {
                    let rare = type_counts.get(w).copied().unwrap_or(0) <= opts.rare_count;
                    rare && (drop_rng.next() % 1000) < u64::from(opts.drop_permille)
                })
                .collect();
            for i in 0..ws.len() {
                let get = |j: isize| -> (&WordFeats, bool) {
                    if j < 0 {
                        (&bos, false)
                    } else {
                        (
                            ws.get(j as usize).copied().unwrap_or(&eos),
                            hidden.get(j as usize).copied().unwrap_or(false),
                        )
                    }
                };
                let (me, hide) = get(i as isize);
                for &h in me.own.get(if hide { me.n_ident } else { 0 }..).unwrap_or(&[]) {
                    flat.push(features::bucket(h, bits));
                }
                for &d in &OFFSETS {
                    let (w, hide) = get(i as isize + d as isize);
                    for &h in w.ctx.get(if hide { w.n_ctx_ident } else { 0 }..).unwrap_or(&[]) {
                        flat.push(features::bucket(features::at_offset(h, d), bits));
                    }
                }
                if !hide {
                    for &h in pos.get(i).map(Vec::as_slice).unwrap_or(&[]) {
                        flat.push(features::bucket(h, bits));
                    }
                }
                ends.push(flat.len());
            }
            feats.push((flat, ends));
        }
        let total_feats: usize = feats.iter().map(|f| f.0.len()).sum();
        if member == 0 {
            log(format!(
                "{} sentences, {} word types, {:.1} features/token",
                sents.len(),
                words.len(),
                total_feats as f64 / sents.iter().map(|s| s.tokens.len()).sum::<usize>().max(1) as f64
            ));
        }

        let size = (1usize << bits) * NTAGS;
        let mut w = vec![0f32; size];
        let mut u = vec![0f32; size];
        let mut tw = [[0f32; NTAGS]; NTAGS + 1];
        let mut tu = [[0f32; NTAGS]; NTAGS + 1];
        let mut c: f32 = 1.0;
        let mut order: Vec<usize> = (0..sents.len()).collect();
        let mut rng = XorShift(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        for epoch in 0..opts.epochs {
            for k in (1..order.len()).rev() {
                let j = (rng.next() % (k as u64 + 1)) as usize;
                order.swap(k, j);
            }
            let mut errors = 0usize;
            for &si in &order {
                let (Some(sent), Some((flat, ends))) = (sents.get(si), feats.get(si)) else { continue };
                let n = ends.len();
                let mut em = vec![[0f32; NTAGS]; n];
                let mut start = 0;
                for (i, &end) in ends.iter().enumerate() {
                    for &b in flat.get(start..end).unwrap_or(&[]) {
                        let row = b as usize * NTAGS;
                        if let Some(ws) = w.get(row..row + NTAGS) {
                            for (a, x) in em[i].iter_mut().zip(ws) {
                                *a += x;
                            }
                        }
                    }
                    start = end;
                }
                // loss-augmented decoding: a margin against every wrong tag (more against O on
                // entity tokens, as the model errs towards O)
                if opts.margin > 0.0 {
                    for (e, &g) in em.iter_mut().zip(&sent.tags) {
                        for (t, x) in e.iter_mut().enumerate() {
                            if t != usize::from(g) {
                                *x += if t == 0 { opts.margin * opts.o_factor } else { opts.margin };
                            }
                        }
                    }
                }
                let pred = viterbi(&em, &tw);
                if pred != sent.tags {
                    let mut start = 0;
                    for (i, &end) in ends.iter().enumerate() {
                        let (g, p) = (sent.tags[i] as usize, pred[i] as usize);
                        if g != p {
                            errors += 1;
                            for &b in flat.get(start..end).unwrap_or(&[]) {
                                let row = b as usize * NTAGS;
                                w[row + g] += 1.0;
                                u[row + g] += c;
                                w[row + p] -= 1.0;
                                u[row + p] -= c;
                            }
                        }
                        let gp = if i == 0 { NTAGS } else { sent.tags[i - 1] as usize };
                        let pp = if i == 0 { NTAGS } else { pred[i - 1] as usize };
                        if (gp, g) != (pp, p) {
                            tw[gp][g] += 1.0;
                            tu[gp][g] += c;
                            tw[pp][p] -= 1.0;
                            tu[pp][p] -= c;
                        }
                        start = end;
                    }
                }
                c += 1.0;
            }
            log(format!("model {}/{} epoch {}: {} token errors", member + 1, members, epoch + 1, errors));
        }
        // averaged weights
        for (x, a) in w.iter_mut().zip(&u) {
            *x -= a / c;
        }
        for (row, arow) in tw.iter_mut().zip(&tu) {
            for (x, a) in row.iter_mut().zip(arow) {
                *x -= a / c;
            }
        }
        for (acc, x) in sum_w.iter_mut().zip(&w) {
            *acc += x / members as f32;
        }
        for (arow, row) in sum_t.iter_mut().zip(&tw) {
            for (acc, x) in arow.iter_mut().zip(row) {
                *acc += x / members as f32;
            }
        }
    }
    Model::from_float(bits, &sum_w, sum_t, vocab, clusters, full)
}

/// Entity chunks (start, end, type index 0..4) of a tag sequence, conlleval rules.
pub fn chunks(tags: &[u8]) -> Vec<(usize, usize, u8)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, u8)> = None;
    for (i, &t) in tags.iter().chain(std::iter::once(&0u8)).enumerate() {
        let (inside, typ) = if t == 0 { (false, 255) } else { (t % 2 == 0, (t - 1) / 2) };
        if let Some((s, ty)) = open
            && (t == 0 || !inside || typ != ty)
        {
            out.push((s, i, ty));
            open = None;
        }
        if t != 0 && open.is_none() {
            open = Some((i, typ));
        }
    }
    out
}

/// Precision/recall/F1 per type (PERS, LOC, ORG, MISC), micro and macro F1 (percent).
#[derive(Clone, Debug, Default)]
pub struct Scores {
    pub per_type: [(f64, f64, f64); 4],
    pub counts: [(usize, usize, usize); 4],
    pub micro: (f64, f64, f64),
    pub macro_f1: f64,
}

fn prf(tp: usize, npred: usize, ngold: usize) -> (f64, f64, f64) {
    let p = if npred > 0 { 100.0 * tp as f64 / npred as f64 } else { 0.0 };
    let r = if ngold > 0 { 100.0 * tp as f64 / ngold as f64 } else { 0.0 };
    let f = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
    (p, r, f)
}

/// Scores predicted tag sequences against gold sentences.
pub fn score(gold: &[Sentence], pred: &[Vec<u8>]) -> Scores {
    let mut counts = [(0usize, 0usize, 0usize); 4]; // tp, npred, ngold
    for (g, p) in gold.iter().zip(pred) {
        let gc = chunks(&g.tags);
        let pc = chunks(p);
        for &(_, _, t) in &gc {
            if let Some(c) = counts.get_mut(t as usize) {
                c.2 += 1;
            }
        }
        for ch in &pc {
            if let Some(c) = counts.get_mut(ch.2 as usize) {
                c.1 += 1;
                if gc.contains(ch) {
                    c.0 += 1;
                }
            }
        }
    }
    let mut s = Scores { counts, ..Scores::default() };
    for (k, c) in counts.iter().enumerate() {
        s.per_type[k] = prf(c.0, c.1, c.2);
    }
    let tot = counts.iter().fold((0, 0, 0), |a, c| (a.0 + c.0, a.1 + c.1, a.2 + c.2));
    s.micro = prf(tot.0, tot.1, tot.2);
    s.macro_f1 = s.per_type.iter().map(|x| x.2).sum::<f64>() / 4.0;
    s
}

/// Sentences per pseudo-document when the input has no document boundaries.
pub const DOC_WINDOW: usize = 40;

/// Tags every sentence of `sents` with `model` (blocks of [`DOC_WINDOW`] sentences are
/// treated as one document for consistency).
pub fn predict(model: &Model, sents: &[Sentence]) -> Vec<Vec<u8>> {
    let mut tagger = Tagger::new(model);
    let mut out = Vec::with_capacity(sents.len());
    for block in sents.chunks(DOC_WINDOW) {
        let toks: Vec<Vec<&str>> =
            block.iter().map(|s| s.tokens.iter().map(String::as_str).collect()).collect();
        out.extend(tagger.tag_document(&toks).into_iter().map(|t| t.0));
    }
    out
}

impl Scores {
    /// A human-readable report.
    pub fn report(&self) -> String {
        let names = ["PERS", "LOC", "ORG", "MISC"];
        let mut s = format!(
            "micro P {:.2} R {:.2} F1 {:.2}   macro-F1 {:.2}\n",
            self.micro.0, self.micro.1, self.micro.2, self.macro_f1
        );
        for (k, n) in names.iter().enumerate() {
            let (p, r, f) = self.per_type[k];
            s.push_str(&format!("  {n:<5} P {p:6.2} R {r:6.2} F1 {f:6.2}  (gold {})\n", self.counts[k].2));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conll_reader_takes_first_and_last_columns() {
        let s = read_conll("بوتين x B-PERS\nفي O\n\n\nموسكو B-LOC\n");
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].tokens, vec!["بوتين", "في"]);
        assert_eq!(s[0].tags, vec![1, 0]);
        assert_eq!(s[1].tags, vec![3]);
    }

    #[test]
    fn chunks_follow_conlleval() {
        // B-PERS I-PERS O I-LOC B-LOC I-ORG
        let c = chunks(&[1, 2, 0, 4, 3, 6]);
        assert_eq!(c, vec![(0, 2, 0), (3, 4, 1), (4, 5, 1), (5, 6, 2)]);
    }

    #[test]
    fn perfect_prediction_scores_100() {
        let g = read_conll("أ B-PERS\nب I-PERS\nج O\nد B-LOC\n");
        let s = score(&g, &[g[0].tags.clone()]);
        assert!((s.micro.2 - 100.0).abs() < 1e-9);
        let wrong = score(&g, &[vec![0, 0, 0, 3]]);
        assert!((wrong.micro.2 - 66.666).abs() < 0.01);
    }
}

//! Near-duplicate articles: copies of one text (syndicated, re-scraped, lightly edited, with a
//! changed title, added page furniture or a truncated ending) grouped together, while two
//! different reports of the same event stay apart.
//!
//! Method:
//! 1. Boilerplate lines are masked ([`super::boilerplate`], learned from the same texts) unless
//!    [`DuplicateOptions::mask_boilerplate`] is off.
//! 2. Each text is Arabic-normalised ([`crate::arabic::normalize::fold_char`]) and cut into words
//!    (runs of letters and digits); the shingles are the runs of [`DuplicateOptions::shingle`]
//!    consecutive words (a text with fewer words is one shingle). Words are hashed as they are
//!    read (no string per word or shingle, no masked copy of the text), with the folding and
//!    letter/digit classes looked up in one table (`boilerplate::CharClasses`): the standard
//!    library's `is_alphanumeric` on Arabic letters took 70 % of the time before.
//! 3. A 128-value MinHash sketch per text by one-permutation hashing (each shingle hashed once,
//!    its top 7 bits choose the bin, the bin keeps its minimum; empty bins densified by rotation).
//! 4. LSH: 32 bands of 4 values; texts sharing a band are candidates (a text pair with Jaccard
//!    0.5 becomes a candidate with probability 0.87, with Jaccard 0.3 with probability 0.23).
//! 5. Verification by the sketch: the estimated Jaccard J (equal bins / 128) and, from J and the
//!    shingle counts a and b, the estimated containment of the shorter text in the longer one,
//!    `J (a + b) / (1 + J) / min(a, b)`. A pair is a duplicate when J ≥ [`DuplicateOptions::jaccard`]
//!    or (containment ≥ [`DuplicateOptions::containment`] and the shorter text has at least
//!    [`DuplicateOptions::min_length_ratio`] of the longer one's shingles) — the second rule keeps
//!    truncated copies.
//! 6. Groups are connected components (union-find) of the verified pairs; a group's similarity
//!    is the mean estimated Jaccard of its verified pairs.
//!
//! The thresholds were chosen on the constructed set of tests/integration/duplicates.rs (which
//! prints precision and recall): copies measure J ≥ 0.6 (truncated copies containment ≥ 0.9),
//! different reports of one event J < 0.1.
//!
//! Deterministic: documents ascending within a group, groups ordered by their first document.
//! Parallel with rayon. 100,000 generated articles (506 MB): about 4.5 CPU seconds here
//! (boilerplate learning, sketches, LSH) plus 3–5 s of loading — see "Near-duplicates" in
//! BENCHMARKS.md (`khabar duplicates PATH --timings`).

use rayon::prelude::*;

use super::boilerplate::{BoilerplateModel, CharClasses};

/// Number of MinHash values per text.
pub const SKETCH: usize = 128;
const BANDS: usize = 32;
const ROWS: usize = SKETCH / BANDS;
/// Buckets larger than this pair every member with its first `ANCHORS` members only.
const MAX_BUCKET_PAIRS: usize = 64;
const ANCHORS: usize = 8;

/// Tuning of [`find_duplicates`].
#[derive(Clone, Debug, PartialEq)]
pub struct DuplicateOptions {
    /// Words per shingle.
    pub shingle: usize,
    /// Estimated Jaccard at or above which two texts are copies.
    pub jaccard: f64,
    /// Estimated containment of the shorter text at or above which two texts are copies …
    pub containment: f64,
    /// … when the shorter one has at least this fraction of the longer one's shingles.
    pub min_length_ratio: f64,
    /// Learn boilerplate lines from the texts and leave them out.
    pub mask_boilerplate: bool,
}

impl Default for DuplicateOptions {
    fn default() -> Self {
        DuplicateOptions {
            shingle: 5,
            jaccard: 0.5,
            containment: 0.8,
            min_length_ratio: 0.3,
            mask_boilerplate: true,
        }
    }
}

/// A group of two or more texts that are copies of one another.
#[derive(Clone, Debug, PartialEq)]
pub struct DuplicateGroup {
    /// Indices into the input texts, ascending.
    pub documents: Vec<usize>,
    /// Mean estimated Jaccard similarity of the verified pairs of the group (0..=1).
    pub similarity: f64,
}

/// The MinHash sketch of one text plus its number of distinct shingles (0 = no words).
#[derive(Clone, Debug, PartialEq)]
pub struct Sketch {
    pub values: [u32; SKETCH],
    pub shingles: usize,
}

/// splitmix64 finaliser.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// FNV-1a offset basis: the state of a word hash before its first char.
const WORD_SEED: u64 = 0xcbf2_9ce4_8422_2325;

/// Appends the hashes of the normalised words of `text`, in order. A word is a run of letters
/// and digits after [`crate::arabic::normalize::fold_char`] (chars it drops, tashkeel and
/// tatweel, neither extend nor end a word); each is hashed once (FNV-1a over its chars, then
/// [`mix`]), no string is built.
fn push_word_hashes(text: &str, classes: CharClasses, out: &mut Vec<u64>) {
    let mut h: u64 = WORD_SEED;
    let mut in_word = false;
    for c in text.chars() {
        match classes.fold(c) {
            None => {}
            Some((f, _, true)) => {
                h = (h ^ u64::from(u32::from(f))).wrapping_mul(0x0100_0000_01b3);
                in_word = true;
            }
            Some(_) if in_word => {
                out.push(mix(h));
                h = WORD_SEED;
                in_word = false;
            }
            Some(_) => {}
        }
    }
    if in_word {
        out.push(mix(h));
    }
}

/// Hashes of the normalised words of `text`, in order.
fn word_hashes(text: &str) -> Vec<u64> {
    let mut out = Vec::with_capacity(text.len() / 10);
    push_word_hashes(text, CharClasses::get(), &mut out);
    out
}

/// Hashes of the normalised words of `text` with the lines `model` masks left out — the same
/// words as of `model.mask(text)` (a masked line is all spaces, and words never cross a line
/// break), without building the masked copy.
fn word_hashes_unmasked(text: &str, model: &BoilerplateModel) -> Vec<u64> {
    let classes = CharClasses::get();
    let mut out = Vec::with_capacity(text.len() / 10);
    for raw in text.split('\n') {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if !model.is_masked_line(line) {
            push_word_hashes(line, classes, &mut out);
        }
    }
    out
}

/// The distinct shingle hashes of a word-hash sequence (sorted).
fn shingles_of_words(words: &[u64], k: usize) -> Vec<u64> {
    let k = k.max(1);
    let mut out: Vec<u64> = if words.is_empty() {
        Vec::new()
    } else if words.len() < k {
        vec![words.iter().fold(0u64, |acc, w| mix(acc.rotate_left(17) ^ w))]
    } else {
        words.windows(k).map(|win| win.iter().fold(0u64, |acc, w| mix(acc.rotate_left(17) ^ w))).collect()
    };
    out.sort_unstable();
    out.dedup();
    out
}

/// The distinct shingle hashes of `text` (sorted).
pub fn shingles(text: &str, k: usize) -> Vec<u64> {
    shingles_of_words(&word_hashes(text), k)
}

/// The MinHash sketch of a set of distinct shingle hashes.
fn sketch_of_shingles(set: &[u64]) -> Sketch {
    let mut values = [u32::MAX; SKETCH];
    let mut filled = [false; SKETCH];
    for &s in set {
        let h = mix(s ^ 0x9e37_79b9_7f4a_7c15);
        let bin = (h >> 57) as usize % SKETCH;
        let v = h as u32;
        if let (Some(slot), Some(f)) = (values.get_mut(bin), filled.get_mut(bin))
            && (!*f || v < *slot)
        {
            *slot = v;
            *f = true;
        }
    }
    if !set.is_empty() {
        // Rotation densification: an empty bin takes the next filled bin's value (circularly),
        // offset by the distance so that copies of one value stay distinguishable.
        let original = values;
        for i in 0..SKETCH {
            if filled.get(i).copied().unwrap_or(true) {
                continue;
            }
            for d in 1..SKETCH {
                let j = (i + d) % SKETCH;
                if filled.get(j).copied().unwrap_or(false) {
                    let src = original.get(j).copied().unwrap_or(0);
                    if let Some(slot) = values.get_mut(i) {
                        *slot = mix(u64::from(src) ^ ((d as u64) << 40)) as u32;
                    }
                    break;
                }
            }
        }
    }
    Sketch { values, shingles: set.len() }
}

/// The MinHash sketch of a text (already masked if wanted).
pub fn sketch(text: &str, k: usize) -> Sketch {
    sketch_of_shingles(&shingles(text, k))
}

/// The MinHash sketch of a text with the boilerplate lines of `model` left out — the same
/// sketch as `sketch(&model.mask(text), k)`.
pub fn sketch_unmasked(text: &str, model: &BoilerplateModel, k: usize) -> Sketch {
    sketch_of_shingles(&shingles_of_words(&word_hashes_unmasked(text, model), k))
}

/// Estimated Jaccard similarity of two sketches.
pub fn estimated_jaccard(a: &Sketch, b: &Sketch) -> f64 {
    if a.shingles == 0 || b.shingles == 0 {
        return 0.0;
    }
    let equal = a.values.iter().zip(b.values.iter()).filter(|(x, y)| x == y).count();
    equal as f64 / SKETCH as f64
}

/// Estimated containment of the smaller shingle set in the larger one, from the Jaccard estimate.
pub fn estimated_containment(a: &Sketch, b: &Sketch, jaccard: f64) -> f64 {
    let (sa, sb) = (a.shingles as f64, b.shingles as f64);
    let small = sa.min(sb);
    if small <= 0.0 {
        return 0.0;
    }
    (jaccard * (sa + sb) / (1.0 + jaccard) / small).min(1.0)
}

/// The duplicate decision for two sketches: `Some(estimated Jaccard)` when they are copies.
pub fn verify(a: &Sketch, b: &Sketch, opts: &DuplicateOptions) -> Option<f64> {
    let j = estimated_jaccard(a, b);
    if j >= opts.jaccard {
        return Some(j);
    }
    let (sa, sb) = (a.shingles as f64, b.shingles as f64);
    let ratio = sa.min(sb) / sa.max(sb).max(1.0);
    (ratio >= opts.min_length_ratio && estimated_containment(a, b, j) >= opts.containment).then_some(j)
}

/// Sketches of all texts (boilerplate masked when the options say so), in parallel.
pub fn sketches<S: AsRef<str> + Sync>(texts: &[S], opts: &DuplicateOptions) -> Vec<Sketch> {
    let model = opts.mask_boilerplate.then(|| BoilerplateModel::learn(texts));
    sketches_with_model(texts, model.as_ref(), opts.shingle)
}

/// Sketches of all texts with the boilerplate lines of `model` (if any) left out, in parallel;
/// `k` words per shingle.
pub fn sketches_with_model<S: AsRef<str> + Sync>(
    texts: &[S],
    model: Option<&BoilerplateModel>,
    k: usize,
) -> Vec<Sketch> {
    texts
        .par_iter()
        .map(|t| {
            let text = t.as_ref();
            match model {
                Some(m) => sketch_unmasked(text, m, k),
                None => sketch(text, k),
            }
        })
        .collect()
}

/// Candidate pairs (i < j) from LSH banding, sorted and distinct.
fn candidates(sketches: &[Sketch]) -> Vec<(u32, u32)> {
    let mut pairs: Vec<(u32, u32)> = (0..BANDS)
        .into_par_iter()
        .flat_map_iter(|band| {
            let mut keys: Vec<(u64, u32)> = sketches
                .iter()
                .enumerate()
                .filter(|(_, s)| s.shingles > 0)
                .map(|(i, s)| {
                    let row = s.values.get(band * ROWS..(band + 1) * ROWS).unwrap_or(&[]);
                    let h = row.iter().fold(band as u64, |acc, v| mix(acc ^ u64::from(*v)));
                    (h, i as u32)
                })
                .collect();
            keys.sort_unstable();
            let mut out = Vec::new();
            for bucket in keys.chunk_by(|a, b| a.0 == b.0) {
                if bucket.len() < 2 {
                    continue;
                }
                let anchors = if bucket.len() > MAX_BUCKET_PAIRS { ANCHORS } else { bucket.len() };
                for (x, a) in bucket.iter().enumerate().take(anchors) {
                    for b in bucket.iter().skip(x + 1) {
                        out.push((a.1.min(b.1), a.1.max(b.1)));
                    }
                }
            }
            out
        })
        .collect();
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs
}

/// Groups of near-duplicate texts (two or more each); see the module doc.
pub fn find_duplicates<S: AsRef<str> + Sync>(texts: &[S], opts: &DuplicateOptions) -> Vec<DuplicateGroup> {
    let sk = sketches(texts, opts);
    groups_from_sketches(&sk, opts)
}

/// Groups from precomputed sketches (e.g. kept by the GUI to re-run with other thresholds).
pub fn groups_from_sketches(sk: &[Sketch], opts: &DuplicateOptions) -> Vec<DuplicateGroup> {
    let verified: Vec<(u32, u32, f64)> = candidates(sk)
        .into_par_iter()
        .filter_map(|(a, b)| {
            let (sa, sb) = (sk.get(a as usize)?, sk.get(b as usize)?);
            verify(sa, sb, opts).map(|j| (a, b, j))
        })
        .collect();
    let mut parent: Vec<usize> = (0..sk.len()).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while let Some(&p) = parent.get(x) {
            if p == x {
                break;
            }
            let gp = parent.get(p).copied().unwrap_or(p);
            if let Some(slot) = parent.get_mut(x) {
                *slot = gp;
            }
            x = p;
        }
        x
    }
    for &(a, b, _) in &verified {
        let (ra, rb) = (find(&mut parent, a as usize), find(&mut parent, b as usize));
        if ra != rb
            && let Some(slot) = parent.get_mut(ra.max(rb))
        {
            *slot = ra.min(rb);
        }
    }
    // Roots are the smallest member, so groups come out ordered by their first document.
    let mut members: std::collections::BTreeMap<usize, (Vec<usize>, f64, usize)> = Default::default();
    for d in 0..sk.len() {
        let r = find(&mut parent, d);
        members.entry(r).or_default().0.push(d);
    }
    for &(a, _, j) in &verified {
        let r = find(&mut parent, a as usize);
        if let Some(e) = members.get_mut(&r) {
            e.1 += j;
            e.2 += 1;
        }
    }
    members
        .into_values()
        .filter(|(docs, _, _)| docs.len() >= 2)
        .map(|(documents, sum, n)| DuplicateGroup { documents, similarity: sum / n.max(1) as f64 })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arabic::normalize::fold_char;

    fn story(seed: usize, n: usize) -> String {
        let words = [
            "الحكومة",
            "أعلنت",
            "اليوم",
            "عن",
            "خطة",
            "جديدة",
            "لدعم",
            "الاقتصاد",
            "في",
            "المدينة",
            "وقال",
            "الوزير",
            "إن",
            "المشروع",
            "سيبدأ",
            "الشهر",
            "المقبل",
            "بتمويل",
            "من",
            "البنك",
            "الدولي",
            "مع",
            "شركاء",
            "محليين",
            "ودوليين",
            "بعد",
            "مفاوضات",
            "طويلة",
            "بين",
            "الطرفين",
        ];
        let mut x = seed as u64 * 7919 + 17;
        (0..n)
            .map(|i| {
                x = mix(x + i as u64);
                *words.get((x % words.len() as u64) as usize).unwrap_or(&"و")
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The former word hashing: classify chars with the standard library.
    fn reference_word_hashes(text: &str) -> Vec<u64> {
        let mut out = Vec::new();
        let mut h: u64 = WORD_SEED;
        let mut in_word = false;
        for c in text.chars().filter_map(fold_char) {
            if c.is_alphanumeric() {
                h = (h ^ u64::from(u32::from(c))).wrapping_mul(0x0100_0000_01b3);
                in_word = true;
            } else if in_word {
                out.push(mix(h));
                h = WORD_SEED;
                in_word = false;
            }
        }
        if in_word {
            out.push(mix(h));
        }
        out
    }

    /// Random texts of Arabic, Latin, digits, tashkeel, controls, punctuation and line breaks.
    fn noisy_texts(n: usize) -> Vec<String> {
        let pool = [
            'ا', 'أ', 'ب', 'ة', 'ى', 'ي', 'ك', 'ک', 'ً', 'ّ', 'ـ', '\u{200F}', '٣', '۴', '7', 'A', 'z', 'é',
            'Ж', '中', '𝐀', '😀', ' ', ' ', ' ', '\n', '\r', '.', '،', '-', '€', '\u{0670}',
        ];
        let mut x = 1u64;
        (0..n)
            .map(|round| {
                (0..1 + round % 90)
                    .map(|_| {
                        x = mix(x + 1);
                        *pool.get((x % pool.len() as u64) as usize).unwrap_or(&' ')
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn fast_word_hashing_equals_the_standard_library_classes() {
        for text in noisy_texts(400) {
            assert_eq!(word_hashes(&text), reference_word_hashes(&text), "{text:?}");
        }
    }

    #[test]
    fn sketch_unmasked_equals_sketch_of_the_masked_text() {
        let boiler = ["إعلان", "استمع إلى الملخص", "ـشارك\u{064E}", "١٢ - اعلان"];
        let mut texts: Vec<String> = (0..16)
            .map(|i| {
                let b = boiler.get(i % boiler.len()).unwrap_or(&"");
                format!("{b}\n{}\r\n{b}\r\nاستمع إلى الملخص\n{}\n{b}", story(i, 120), story(i + 50, 40))
            })
            .collect();
        texts.extend(noisy_texts(60));
        let model = BoilerplateModel::learn(&texts);
        assert!(model.len() >= 4, "{:?}", model.lines());
        let mut masked_some = 0;
        for t in &texts {
            let masked = model.mask(t);
            masked_some += usize::from(masked != *t);
            assert_eq!(word_hashes_unmasked(t, &model), reference_word_hashes(&masked), "{t:?}");
            assert_eq!(sketch_unmasked(t, &model, 5), sketch(&masked, 5));
        }
        assert!(masked_some >= 16, "{masked_some}");
        let each: Vec<Sketch> = texts.iter().map(|t| sketch(&model.mask(t), 5)).collect();
        assert_eq!(sketches_with_model(&texts, Some(&model), 5), each);
        let plain: Vec<Sketch> = texts.iter().map(|t| sketch(t, 5)).collect();
        assert_eq!(sketches_with_model(&texts, None, 5), plain);
    }

    #[test]
    fn identical_texts_have_jaccard_one_and_group() {
        let a = story(1, 300);
        let texts = vec![a.clone(), story(2, 300), a];
        let groups = find_duplicates(&texts, &DuplicateOptions::default());
        assert_eq!(groups, vec![DuplicateGroup { documents: vec![0, 2], similarity: 1.0 }]);
    }

    #[test]
    fn normalisation_makes_spelling_variants_equal() {
        let a = sketch("أعلنت الحكومةُ عن خطةٍ جديدة لدعم الاقتصاد", 3);
        let b = sketch("اعلنت الحكومه عن خطه جديده لدعم الاقتصاد", 3);
        assert_eq!(estimated_jaccard(&a, &b), 1.0);
    }

    #[test]
    fn unrelated_texts_are_not_grouped() {
        let texts: Vec<String> = (0..50).map(|i| story(i, 200)).collect();
        assert!(find_duplicates(&texts, &DuplicateOptions::default()).is_empty());
    }

    #[test]
    fn truncated_copy_is_kept_by_containment() {
        let a = story(3, 400);
        let words: Vec<&str> = a.split(' ').collect();
        let b = words.get(..240).unwrap_or(&[]).join(" ");
        let (sa, sb) = (sketch(&a, 5), sketch(&b, 5));
        let j = estimated_jaccard(&sa, &sb);
        assert!(j < 0.75, "{j}");
        assert!(verify(&sa, &sb, &DuplicateOptions::default()).is_some());
    }

    #[test]
    fn short_excerpt_of_a_long_text_is_not_a_copy() {
        let a = story(4, 1000);
        let words: Vec<&str> = a.split(' ').collect();
        let b = words.get(..100).unwrap_or(&[]).join(" ");
        assert!(verify(&sketch(&a, 5), &sketch(&b, 5), &DuplicateOptions::default()).is_none());
    }

    #[test]
    fn empty_texts_are_never_duplicates() {
        let texts = vec!["", "  ...  ", ""];
        assert!(find_duplicates(&texts, &DuplicateOptions::default()).is_empty());
    }

    #[test]
    fn output_is_deterministic_and_ordered() {
        let (a, b) = (story(5, 300), story(6, 300));
        let texts = vec![b.clone(), a.clone(), story(7, 300), a, b];
        let g1 = find_duplicates(&texts, &DuplicateOptions::default());
        let g2 = find_duplicates(&texts, &DuplicateOptions::default());
        assert_eq!(g1, g2);
        let docs: Vec<Vec<usize>> = g1.iter().map(|g| g.documents.clone()).collect();
        assert_eq!(docs, vec![vec![0, 4], vec![1, 3]]);
    }
}

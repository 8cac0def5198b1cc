//! Time expressions → TIMEX3 values, resolved against the publication date.
//!
//! Pipeline: [`scan::Doc`] tokenises the normalised text (offsets kept), the rules in
//! `scan` propose overlapping candidates with their meaning ([`resolve::Sem`]), the longest
//! non-overlapping ones are kept, ranges share their cue, and each is resolved against the
//! publication date and the tense of its clause ([`tense`]). Word tables come from
//! `assets/calendar/*.tsv` ([`lexicon`]); Hijri dates use the Umm al-Qura table ([`hijri`]).
//! [`infer`] guesses the publication date of headerless articles; [`score`] scores against
//! the dev set; [`timex`] validates TIMEX3 values.

pub mod hijri;
pub mod infer;
pub mod lexicon;
pub mod resolve;
pub mod scan;
pub mod score;
pub mod tense;
pub mod timex;

use chrono::NaiveDate;

use super::{InferredDate, TimeExpression};
use resolve::{Sem, resolve};
use scan::{Cand, Doc};

/// Candidates kept: longest first (ties: rule priority, then leftmost), no overlap; in text order.
fn select(doc: &Doc, mut cands: Vec<Cand>) -> Vec<(Cand, usize, usize)> {
    let mut with_span: Vec<(Cand, usize, usize)> = cands
        .drain(..)
        .filter_map(|c| doc.span(c.t0, c.skip, c.t1).map(|(s, e)| (c, s, e)))
        .filter(|(_, s, e)| e > s)
        .collect();
    with_span.sort_by(|a, b| (b.2 - b.1).cmp(&(a.2 - a.1)).then(b.0.prio.cmp(&a.0.prio)).then(a.1.cmp(&b.1)));
    let mut kept: Vec<(Cand, usize, usize)> = Vec::new();
    for c in with_span {
        if kept.iter().all(|k| c.0.t1 <= k.0.t0 || c.0.t0 >= k.0.t1) {
            kept.push(c);
        }
    }
    kept.sort_by_key(|k| k.1);
    kept
}

/// Two expressions joined as a range ("من X إلى Y", "X - Y", "بين X وY").
fn linked(doc: &Doc, a: &Cand, b: &Cand) -> bool {
    if b.t0 == a.t1 + 1 {
        let k = a.t1;
        return doc.is_any(k, &["الي", "حتي", "و"]) || matches!(doc.punct(k), Some('-' | '–'));
    }
    b.t0 == a.t1 && b.skip == 1 && doc.w(b.t0).is_some_and(|w| w.starts_with('و'))
}

fn same_family(a: &Sem, b: &Sem) -> bool {
    matches!(
        (a, b),
        (Sem::Date { .. }, Sem::Date { .. })
            | (Sem::Month { .. }, Sem::Month { .. })
            | (Sem::Weekday { .. }, Sem::Weekday { .. })
            | (Sem::Season { .. }, Sem::Season { .. })
            | (Sem::HDate { .. }, Sem::HDate { .. })
            | (Sem::Month { .. }, Sem::Date { .. })
    )
}

/// Finds the time expressions of `text`, resolved against `dct` (publication date) when known.
pub fn extract_times(text: &str, dct: Option<NaiveDate>) -> Vec<TimeExpression> {
    let doc = Doc::new(text);
    let mut kept = select(&doc, doc.scan());
    // ranges: the first end point takes the cue (and year) of the second
    for i in 1..kept.len() {
        let (left, right) = kept.split_at_mut(i);
        let (Some(a), Some(b)) = (left.last_mut(), right.first()) else { continue };
        if !linked(&doc, &a.0, &b.0) || !same_family(&a.0.sem, &b.0.sem) {
            continue;
        }
        if let Some(c) = b.0.sem.cue() {
            a.0.sem.set_cue(c);
        }
        if let (
            Sem::Month { y: ya @ None, .. },
            Sem::Month { y: Some(y), .. } | Sem::Date { y: Some(y), .. },
        ) = (&mut a.0.sem, &b.0.sem)
        {
            *ya = Some(*y);
        }
    }
    let byte_at: Vec<usize> =
        text.char_indices().map(|(b, _)| b).chain(std::iter::once(text.len())).collect();
    let mut out: Vec<TimeExpression> = Vec::with_capacity(kept.len());
    let mut prev_weekday: Option<(usize, String)> = None;
    for (idx, (c, s, e)) in kept.iter().enumerate() {
        let t = tense::tense_at(&doc, c.t0, c.t1);
        let Some((kind, mut value)) = resolve(&c.sem, dct, t) else { continue };
        // range of weekdays: the second end point comes after the first
        if let Sem::Weekday { wd, cue, shift } = &c.sem {
            if let Some((pi, pv)) = &prev_weekday
                && *pi + 1 == idx
                && kept.get(*pi).is_some_and(|p| linked(&doc, &p.0, c))
                && value.as_str() <= pv.as_str()
                && let Some((_, v2)) = resolve(&Sem::Weekday { wd: *wd, cue: *cue, shift: shift + 1 }, dct, t)
            {
                value = v2;
            }
            prev_weekday = Some((idx, value.clone()));
        }
        let (Some(&bs), Some(&be)) = (byte_at.get(*s), byte_at.get(*e)) else { continue };
        let Some(span_text) = text.get(bs..be) else { continue };
        out.push(TimeExpression { start: *s, end: *e, text: span_text.into(), kind, value: value.into() });
    }
    out
}

/// Infers the publication date of a headerless article, or `None` when nothing supports it.
pub fn infer_publication_date(text: &str) -> Option<InferredDate> {
    infer::infer(text)
}

#[cfg(test)]
mod tests;

//! Publication-date inference for headerless articles, from evidence in the text:
//! 1. a full date in the dateline (first line, before the body);
//! 2. a relative day named with its weekday ("أمس الجمعة", "اليوم الأحد") placed in the week
//!    of the latest full date reported in the past tense;
//! 3. otherwise the latest full date of an event reported in the past tense (a lower bound that
//!    news usually meets within a day or two).
//!
//! `None` when the text has no full date (day, month and year) at all.

use chrono::{Datelike, Days, NaiveDate};

use super::lexicon::Lex;
use super::resolve::{Sem, Tense, YearRef};
use super::scan::Doc;
use super::tense::tense_at;
use crate::extract::InferredDate;

/// A full date found in the text: date, char span, tense of its clause.
struct Dated {
    date: NaiveDate,
    start: usize,
    end: usize,
    tense: Tense,
}

fn full_date(sem: &Sem) -> Option<NaiveDate> {
    match sem {
        Sem::Date { y: Some(YearRef::Abs(y)), m, d, .. } => {
            NaiveDate::from_ymd_opt(*y, u32::from(*m), u32::from(*d))
        }
        Sem::HDate { y: Some(_), .. } => super::resolve::resolve(sem, None, Tense::Past)
            .and_then(|(_, v)| NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok()),
        Sem::Time { day, .. } => full_date(day),
        _ => None,
    }
}

fn rel_day(sem: &Sem) -> Option<i64> {
    match sem {
        Sem::RelDay(k) => Some(*k),
        Sem::Time { day, .. } => rel_day(day),
        _ => None,
    }
}

fn snippet(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end.saturating_sub(start)).collect()
}

/// Infers the publication date from the text, or `None`.
pub fn infer(text: &str) -> Option<InferredDate> {
    let doc = Doc::new(text);
    let kept = super::select(&doc, doc.scan());
    let first_line_end = text.chars().position(|c| c == '\n').unwrap_or(usize::MAX).min(200);
    let mut dated: Vec<Dated> = Vec::new();
    let mut anchors: Vec<(i64, u8, usize, usize)> = Vec::new();
    for (c, s, e) in &kept {
        if let Some(d) = full_date(&c.sem) {
            dated.push(Dated { date: d, start: *s, end: *e, tense: tense_at(&doc, c.t0, c.t1) });
        } else if let Some(k) = rel_day(&c.sem) {
            let wd = (c.t0..c.t1).find_map(|t| {
                doc.lex_at(t, false).into_iter().find_map(|h| match h.lex {
                    Lex::Weekday(w, false) => Some(w),
                    _ => None,
                })
            });
            if let Some(wd) = wd {
                anchors.push((k, wd, *s, *e));
            }
        }
    }
    // 1. dateline
    // a dateline: the date among the first few words of the article ("بيروت، 12 مارس 2024 (رويترز)")
    let words_before = |start: usize| {
        let head: String = text.chars().take(start).collect();
        head.split_whitespace().filter(|w| w.chars().any(char::is_alphabetic)).count()
    };
    if let Some(d) =
        dated.iter().find(|d| d.end <= first_line_end && d.start < 80 && words_before(d.start) <= 4)
    {
        return Some(InferredDate {
            date: d.date,
            evidence: format!("dateline date «{}»", snippet(text, d.start, d.end)),
            start: d.start,
            end: d.end,
        });
    }
    let latest_past = dated.iter().filter(|d| d.tense == Tense::Past).max_by_key(|d| d.date);
    let reference = latest_past.or_else(|| dated.iter().max_by_key(|d| d.date))?;
    // 2. "أمس الجمعة" placed at or after the latest dated event
    for (k, wd, s, e) in &anchors {
        let mut day = reference.date;
        for _ in 0..7 {
            if day.weekday().number_from_monday() as u8 == *wd {
                let pubd = if *k >= 0 {
                    day.checked_sub_days(Days::new(*k as u64))
                } else {
                    day.checked_add_days(Days::new((-*k) as u64))
                };
                if let Some(p) = pubd
                    && p >= reference.date
                {
                    return Some(InferredDate {
                        date: p,
                        evidence: format!(
                            "«{}» after the latest dated event «{}»",
                            snippet(text, *s, *e),
                            snippet(text, reference.start, reference.end)
                        ),
                        start: *s,
                        end: *e,
                    });
                }
            }
            day = day.succ_opt()?;
        }
    }
    // 3. the latest dated event reported in the past tense
    let d = latest_past?;
    Some(InferredDate {
        date: d.date,
        evidence: format!(
            "latest dated event reported in the past tense «{}»",
            snippet(text, d.start, d.end)
        ),
        start: d.start,
        end: d.end,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn dateline_date_wins() {
        let t = "بيروت، 12 مارس 2024 (رويترز) - قال مسؤولون إن المفاوضات ستستأنف.\nوكان الطرفان التقيا في 3 يناير 2024.";
        let i = infer(t).unwrap();
        assert_eq!(i.date, d("2024-03-12"));
        assert!(i.evidence.contains("12 مارس 2024"));
    }

    #[test]
    fn yesterday_weekday_anchor_is_placed_after_the_latest_event() {
        // 2024-05-03 is a Friday: "yesterday Friday" → published Saturday 2024-05-04
        let t = "عقد الوزير مؤتمرا صحفيا. وكانت اللجنة قد اجتمعت في 2 مايو 2024 في العاصمة.\nوأعلن المتحدث مساء أمس الجمعة أن الحوار سيستمر.";
        let i = infer(t).unwrap();
        assert_eq!(i.date, d("2024-05-04"));
        let ev: String = t.chars().skip(i.start).take(i.end - i.start).collect();
        assert!(ev.contains("أمس الجمعة"), "{ev}");
    }

    #[test]
    fn latest_past_event_is_the_fallback_and_future_dates_are_ignored() {
        let t = "أعلنت الحكومة خطة جديدة. وكان البرلمان قد صادق على القانون في 14 فبراير 2023.\nوستجري الانتخابات في 9 نوفمبر 2026.";
        assert_eq!(infer(t).unwrap().date, d("2023-02-14"));
    }

    #[test]
    fn nothing_supports_an_inference() {
        assert_eq!(infer("زار الرئيس المدينة يوم الاثنين والتقى المسؤولين في عام 2019."), None);
        assert_eq!(infer(""), None);
    }
}

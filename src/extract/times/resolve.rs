//! Meaning of a recognised expression ([`Sem`]) and its resolution against the publication
//! date and the tense of its clause into a TIMEX3 type and value. Unresolvable parts are X.

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};

use super::hijri;
use super::lexicon::{Cue, Pod, Unit};
use crate::extract::TimexType;

/// A year given absolutely or relative to the publication year.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum YearRef {
    Abs(i32),
    Rel(i32),
}

/// A century given absolutely (its two leading digits, 18 = the 19th) or relative.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CenturyRef {
    Abs(i32),
    Rel(i32),
}

/// Tense of the clause around an expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tense {
    Past,
    /// imperfect verb: future for weekdays and seasons, the nearest occurrence for dates
    Present,
    Future,
}

/// What an expression means before resolution.
#[derive(Clone, Debug, PartialEq)]
pub enum Sem {
    Date {
        y: Option<YearRef>,
        m: u8,
        d: u8,
        cue: Option<Cue>,
    },
    Month {
        y: Option<YearRef>,
        m: u8,
        cue: Option<Cue>,
    },
    /// "20 الجاري": a day of the publication month.
    DayThisMonth(u8),
    Year(YearRef),
    /// Hijri date; `plus` days after it (ثاني أيام العيد).
    HDate {
        y: Option<i32>,
        m: u8,
        d: u8,
        cue: Option<Cue>,
        plus: u64,
    },
    /// Weekday 1-7 (Monday = 1); `shift` extra weeks (بعد المقبل = +1, قبل الماضي = -1).
    Weekday {
        wd: u8,
        cue: Option<Cue>,
        shift: i64,
    },
    RelDay(i64),
    /// This/last/next week, month, decade, century (offset in units).
    RelUnit {
        unit: Unit,
        n: i64,
    },
    /// قبل/بعد/منذ N units: a date at the unit's granularity.
    Ago {
        n: i64,
        unit: Unit,
        sign: i64,
    },
    Season {
        s: &'static str,
        y: Option<YearRef>,
        cue: Option<Cue>,
    },
    Part {
        quarter: bool,
        n: u8,
        y: YearRef,
    },
    Decade {
        century: Option<CenturyRef>,
        d: u8,
    },
    Century(CenturyRef),
    Fixed(TimexType, String),
    Time {
        day: Box<Sem>,
        hm: Option<(u8, u8)>,
        pod: Option<Pod>,
    },
}

impl Sem {
    /// The tense cue carried by the expression, if any.
    pub fn cue(&self) -> Option<Cue> {
        match self {
            Sem::Date { cue, .. }
            | Sem::Month { cue, .. }
            | Sem::HDate { cue, .. }
            | Sem::Weekday { cue, .. }
            | Sem::Season { cue, .. } => *cue,
            _ => None,
        }
    }

    /// Gives a cue to an expression that has none (first end point of a range).
    pub fn set_cue(&mut self, c: Cue) {
        match self {
            Sem::Date { cue, .. }
            | Sem::Month { cue, .. }
            | Sem::HDate { cue, .. }
            | Sem::Weekday { cue, .. }
            | Sem::Season { cue, .. }
                if cue.is_none() =>
            {
                *cue = Some(c)
            }
            Sem::Time { day, .. } => day.set_cue(c),
            _ => {}
        }
    }
}

fn ymd(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

fn iso_week(d: NaiveDate) -> String {
    let w = d.iso_week();
    format!("{:04}-W{:02}", w.year(), w.week())
}

fn add_months(d: NaiveDate, n: i64) -> Option<NaiveDate> {
    let first = d.with_day(1)?;
    if n >= 0 {
        first.checked_add_months(Months::new(u32::try_from(n).ok()?))
    } else {
        first.checked_sub_months(Months::new(u32::try_from(-n).ok()?))
    }
}

fn add_days(d: NaiveDate, n: i64) -> Option<NaiveDate> {
    if n >= 0 { d.checked_add_days(Days::new(n as u64)) } else { d.checked_sub_days(Days::new((-n) as u64)) }
}

fn year_of(y: YearRef, dct: Option<NaiveDate>) -> Option<i32> {
    match y {
        YearRef::Abs(y) => Some(y),
        YearRef::Rel(k) => dct.map(|d| d.year() + k),
    }
}

fn year_str(y: Option<i32>) -> String {
    y.map_or_else(|| "XXXX".to_string(), |y| format!("{y:04}"))
}

fn weekday_num(w: Weekday) -> u8 {
    w.number_from_monday() as u8
}

/// Season bounds for the season labelled with year `y`.
fn season_bounds(s: &str, y: i32) -> Option<(NaiveDate, NaiveDate)> {
    let (a, b) = match s {
        "SP" => (NaiveDate::from_ymd_opt(y, 3, 1)?, NaiveDate::from_ymd_opt(y, 5, 31)?),
        "SU" => (NaiveDate::from_ymd_opt(y, 6, 1)?, NaiveDate::from_ymd_opt(y, 8, 31)?),
        "FA" => (NaiveDate::from_ymd_opt(y, 9, 1)?, NaiveDate::from_ymd_opt(y, 11, 30)?),
        _ => (NaiveDate::from_ymd_opt(y, 12, 1)?, NaiveDate::from_ymd_opt(y + 1, 3, 1)?.pred_opt()?),
    };
    Some((a, b))
}

/// Picks among candidate dates around `dct` by cue, then tense; `nearest` for Hijri dates.
/// A present-tense verb keeps a date of the last `window` days, else looks ahead.
fn pick(
    cands: &[NaiveDate],
    dct: NaiveDate,
    cue: Option<Cue>,
    tense: Tense,
    nearest: bool,
    window: i64,
) -> Option<NaiveDate> {
    match cue {
        Some(Cue::Past) => cands.iter().filter(|c| **c < dct).max().copied(),
        Some(Cue::Next) => cands.iter().filter(|c| **c > dct).min().copied(),
        _ if nearest => cands.iter().min_by_key(|c| (**c - dct).num_days().abs()).copied(),
        _ => match tense {
            Tense::Past => cands.iter().filter(|c| **c <= dct).max().copied(),
            Tense::Present => cands
                .iter()
                .filter(|c| **c <= dct && (dct - **c).num_days() <= window)
                .max()
                .or_else(|| cands.iter().filter(|c| **c >= dct).min())
                .copied(),
            Tense::Future => cands.iter().filter(|c| **c >= dct).min().copied(),
        },
    }
}

fn century_of(c: CenturyRef, dct: Option<NaiveDate>) -> Option<i32> {
    match c {
        CenturyRef::Abs(c) => Some(c),
        CenturyRef::Rel(k) => dct.map(|d| d.year().div_euclid(100) + k),
    }
}

/// Resolves an expression into (type, value).
pub fn resolve(sem: &Sem, dct: Option<NaiveDate>, tense: Tense) -> Option<(TimexType, String)> {
    use TimexType::*;
    Some(match sem {
        Sem::Fixed(t, v) => (*t, v.clone()),
        Sem::Date { y: Some(y), m, d, .. } => {
            let y = year_of(*y, dct);
            match y {
                Some(y) => (Date, ymd(NaiveDate::from_ymd_opt(y, u32::from(*m), u32::from(*d))?)),
                None => (Date, format!("XXXX-{m:02}-{d:02}")),
            }
        }
        Sem::DayThisMonth(d) => match dct {
            Some(t) => (Date, ymd(NaiveDate::from_ymd_opt(t.year(), t.month(), u32::from(*d))?)),
            None => (Date, format!("XXXX-XX-{d:02}")),
        },
        Sem::Date { y: None, m, d, cue } => {
            let Some(dct) = dct else { return Some((Date, format!("XXXX-{m:02}-{d:02}"))) };
            if *cue == Some(Cue::This) {
                return Some((Date, ymd(NaiveDate::from_ymd_opt(dct.year(), u32::from(*m), u32::from(*d))?)));
            }
            let cands: Vec<NaiveDate> = (dct.year() - 1..=dct.year() + 1)
                .filter_map(|y| NaiveDate::from_ymd_opt(y, u32::from(*m), u32::from(*d)))
                .collect();
            (Date, ymd(pick(&cands, dct, *cue, tense, false, 31)?))
        }
        Sem::Month { y: Some(y), m, .. } => (Date, format!("{}-{m:02}", year_str(year_of(*y, dct)))),
        Sem::Month { y: None, m, cue } => {
            let Some(dct) = dct else { return Some((Date, format!("XXXX-{m:02}"))) };
            if *cue == Some(Cue::This) {
                return Some((Date, format!("{:04}-{m:02}", dct.year())));
            }
            let here = dct.with_day(1)?;
            let cands: Vec<NaiveDate> = (dct.year() - 1..=dct.year() + 1)
                .filter_map(|y| NaiveDate::from_ymd_opt(y, u32::from(*m), 1))
                .collect();
            let p = pick(&cands, here, *cue, tense, false, 0)?;
            (Date, format!("{:04}-{:02}", p.year(), p.month()))
        }
        Sem::Year(y) => (Date, year_str(year_of(*y, dct))),
        Sem::HDate { y: Some(y), m, d, plus, .. } => {
            (Date, ymd(hijri::to_gregorian(*y, *m, *d)?.checked_add_days(Days::new(*plus))?))
        }
        Sem::HDate { y: None, m, d, cue, plus } => {
            let Some(dct) = dct else { return Some((Date, "XXXX-XX-XX".into())) };
            let hy = hijri::hijri_year_of(dct);
            let cands: Vec<NaiveDate> = (hy - 1..=hy + 1)
                .filter_map(|y| {
                    hijri::to_gregorian(y, *m, *d).and_then(|g| g.checked_add_days(Days::new(*plus)))
                })
                .collect();
            (Date, ymd(pick(&cands, dct, *cue, tense, true, 0)?))
        }
        Sem::Weekday { wd, cue, shift } => {
            let Some(dct) = dct else { return Some((Date, format!("XXXX-WXX-{wd}"))) };
            let cur = i64::from(weekday_num(dct.weekday()));
            let wd = i64::from(*wd);
            let back = (cur - wd).rem_euclid(7); // 0..6 days back
            let fwd = (wd - cur).rem_euclid(7); // 0..6 days forward
            let off = match (cue, tense) {
                (Some(Cue::Past), _) => -(if back == 0 { 7 } else { back }),
                (Some(Cue::Next), _) => {
                    if fwd == 0 {
                        7
                    } else {
                        fwd
                    }
                }
                (Some(Cue::This), _) => {
                    if tense == Tense::Past {
                        -back
                    } else {
                        fwd
                    }
                }
                (None, Tense::Past) => -back,
                (None, Tense::Present) => fwd,
                (None, Tense::Future) => {
                    if fwd == 0 {
                        7
                    } else {
                        fwd
                    }
                }
            };
            (Date, ymd(add_days(dct, off + 7 * shift)?))
        }
        Sem::RelDay(n) => match dct {
            Some(d) => (Date, ymd(add_days(d, *n)?)),
            None => (Date, "XXXX-XX-XX".into()),
        },
        Sem::RelUnit { unit, n } => {
            let Some(d) = dct else {
                return Some((
                    Date,
                    match unit {
                        Unit::Week => "XXXX-WXX".into(),
                        Unit::Month => "XXXX-XX".into(),
                        Unit::Century => "XX".into(),
                        _ => "XXXX".into(),
                    },
                ));
            };
            match unit {
                Unit::Week => (Date, iso_week(add_days(d, 7 * n)?)),
                Unit::Month => {
                    let m = add_months(d, *n)?;
                    (Date, format!("{:04}-{:02}", m.year(), m.month()))
                }
                Unit::Year => (Date, format!("{:04}", d.year() + *n as i32)),
                Unit::Decade => (Date, format!("{:03}X", d.year().div_euclid(10) + *n as i32)),
                Unit::Century => (Date, format!("{:02}", d.year().div_euclid(100) + *n as i32)),
                _ => (Date, ymd(add_days(d, *n)?)),
            }
        }
        Sem::Ago { n, unit, sign } => {
            let k = n * sign;
            let Some(d) = dct else {
                let v = match unit {
                    Unit::Day => "XXXX-XX-XX",
                    Unit::Week => "XXXX-WXX",
                    Unit::Month => "XXXX-XX",
                    _ => "XXXX",
                };
                return Some((Date, v.into()));
            };
            match unit {
                Unit::Day => (Date, ymd(add_days(d, k)?)),
                Unit::Week => (Date, iso_week(add_days(d, 7 * k)?)),
                Unit::Month => {
                    let m = add_months(d, k)?;
                    (Date, format!("{:04}-{:02}", m.year(), m.month()))
                }
                Unit::Year | Unit::Decade | Unit::Century => {
                    let per = match unit {
                        Unit::Decade => 10,
                        Unit::Century => 100,
                        _ => 1,
                    };
                    let y = i64::from(d.year()) + per * k;
                    if !(0..=9999).contains(&y) {
                        return None;
                    }
                    (Date, format!("{y:04}"))
                }
                _ => return None,
            }
        }
        Sem::Season { s, y: Some(y), .. } => (Date, format!("{}-{s}", year_str(year_of(*y, dct)))),
        Sem::Season { s, y: None, cue } => {
            let Some(d) = dct else { return Some((Date, format!("XXXX-{s}"))) };
            let years = d.year() - 2..=d.year() + 1;
            let b: Vec<(i32, NaiveDate, NaiveDate)> =
                years.filter_map(|y| season_bounds(s, y).map(|(a, e)| (y, a, e))).collect();
            let y = match (cue, tense) {
                (Some(Cue::Past), _) => b.iter().filter(|x| x.2 < d).map(|x| x.0).max(),
                (Some(Cue::Next), _) => b.iter().filter(|x| x.1 > d).map(|x| x.0).min(),
                (Some(Cue::This), _) => {
                    Some(if *s == "WI" && d.month() <= 2 { d.year() - 1 } else { d.year() })
                }
                (None, Tense::Past) => b.iter().filter(|x| x.1 <= d).map(|x| x.0).max(),
                (None, Tense::Future | Tense::Present) => b.iter().filter(|x| x.2 >= d).map(|x| x.0).min(),
            }?;
            (Date, format!("{y:04}-{s}"))
        }
        Sem::Part { quarter, n, y } => {
            (Date, format!("{}-{}{n}", year_str(year_of(*y, dct)), if *quarter { 'Q' } else { 'H' }))
        }
        Sem::Decade { century, d } => {
            let c = match century {
                Some(c) => century_of(*c, dct),
                None => Some(19),
            };
            match c {
                Some(c) => (Date, format!("{c:02}{d}X")),
                None => (Date, format!("XX{d}X")),
            }
        }
        Sem::Century(c) => match century_of(*c, dct) {
            Some(c) => (Date, format!("{c:02}")),
            None => (Date, "XX".into()),
        },
        Sem::Time { day, hm, pod } => {
            let (_, dv) = resolve(day, dct, tense)?;
            let dv = if dv.len() == 10 { dv } else { "XXXX-XX-XX".to_string() };
            match (hm, pod) {
                (Some((h, m)), pod) => {
                    let h = adjust_hour(*h, *pod);
                    (Time, format!("{dv}T{h:02}:{m:02}"))
                }
                (None, Some(p)) => (Time, format!("{dv}T{}", p.code())),
                (None, None) => (Date, dv),
            }
        }
    })
}

/// 12-hour clock readings made 24-hour by the part of day.
pub fn adjust_hour(h: u8, pod: Option<Pod>) -> u8 {
    match pod {
        Some(Pod::Af) | Some(Pod::Ev) if (1..12).contains(&h) => h + 12,
        Some(Pod::Ni) if (6..12).contains(&h) => h + 12,
        Some(Pod::Mi) if (1..6).contains(&h) => h + 12,
        _ => h,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
    }

    fn v(sem: Sem, dct: &str, t: Tense) -> String {
        resolve(&sem, d(dct), t).map(|x| x.1).unwrap_or_default()
    }

    #[test]
    fn weekday_past_tense_includes_the_publication_day() {
        let s = Sem::Weekday { wd: 1, cue: None, shift: 0 };
        assert_eq!(v(s.clone(), "2025-10-27", Tense::Past), "2025-10-27");
        assert_eq!(v(s, "2025-10-27", Tense::Future), "2025-11-03");
    }

    #[test]
    fn season_cues_follow_the_readme() {
        let s = |c| Sem::Season { s: "FA", y: None, cue: c };
        assert_eq!(v(s(Some(Cue::Past)), "2025-01-29", Tense::Past), "2024-FA");
        assert_eq!(v(s(Some(Cue::Past)), "2025-10-27", Tense::Past), "2024-FA");
        let w = Sem::Season { s: "WI", y: None, cue: Some(Cue::Next) };
        assert_eq!(v(w, "2023-08-17", Tense::Past), "2023-WI");
    }

    #[test]
    fn unresolvable_parts_are_x() {
        assert_eq!(v(Sem::RelDay(-1), "", Tense::Past), "XXXX-XX-XX");
        assert_eq!(v(Sem::Month { y: None, m: 3, cue: None }, "", Tense::Past), "XXXX-03");
    }
}

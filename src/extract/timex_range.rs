//! Calendar ranges of TIMEX3 date values: `2025-10-27` is one day, `2025-10` a month, `2025`
//! a year, `2024-SU` a season, `2025-W44` an ISO week, `2025-Q1`/`2025-H2` a quarter or half,
//! `199X` a decade, `18` a century, `2025-03-14T10:00` / `…TEV` the day. Durations, sets,
//! vague references and values with unresolved parts (`XXXX-…`) have no range.

use chrono::{Datelike as _, Duration, NaiveDate, Weekday};

/// The inclusive day range a TIMEX3 date value covers, or `None` when it is not a calendar
/// position (duration, set, `PAST_REF`, unresolved `X`).
pub fn timex_range(value: &str) -> Option<(NaiveDate, NaiveDate)> {
    let value = value.trim();
    if value.is_empty() || value.starts_with('P') || value.ends_with("_REF") || value.starts_with("XXXX") {
        return None;
    }
    // Times: keep the date part.
    let date_part = value.split('T').next().unwrap_or(value);
    let parts: Vec<&str> = date_part.split('-').collect();
    let year_str = *parts.first()?;
    match (year_str.len(), parts.len()) {
        (2, 1) => {
            // century "18" → 1800..1899
            let c: i32 = year_str.parse().ok()?;
            Some((ymd(c * 100, 1, 1)?, ymd(c * 100 + 99, 12, 31)?))
        }
        (3, 1) => None,
        (4, _) if year_str.ends_with('X') => {
            if parts.len() != 1 {
                return None;
            }
            let prefix = year_str.trim_end_matches('X');
            let digits = 4 - prefix.len();
            let base: i32 = prefix.parse().ok()?;
            let start = base * 10_i32.pow(digits as u32);
            Some((ymd(start, 1, 1)?, ymd(start + 10_i32.pow(digits as u32) - 1, 12, 31)?))
        }
        (4, 1) => {
            let y: i32 = year_str.parse().ok()?;
            Some((ymd(y, 1, 1)?, ymd(y, 12, 31)?))
        }
        (4, 2) => {
            let y: i32 = year_str.parse().ok()?;
            let second = *parts.get(1)?;
            match second {
                "SP" => Some((ymd(y, 3, 1)?, ymd(y, 5, 31)?)),
                "SU" => Some((ymd(y, 6, 1)?, ymd(y, 8, 31)?)),
                "FA" => Some((ymd(y, 9, 1)?, ymd(y, 11, 30)?)),
                "WI" => Some((ymd(y, 12, 1)?, last_day_of_month(y + 1, 2)?)),
                s if s.starts_with('Q') => {
                    let q: u32 = s.get(1..)?.parse().ok()?;
                    if !(1..=4).contains(&q) {
                        return None;
                    }
                    let m = (q - 1) * 3 + 1;
                    Some((ymd(y, m, 1)?, last_day_of_month(y, m + 2)?))
                }
                s if s.starts_with('H') => {
                    let h: u32 = s.get(1..)?.parse().ok()?;
                    match h {
                        1 => Some((ymd(y, 1, 1)?, ymd(y, 6, 30)?)),
                        2 => Some((ymd(y, 7, 1)?, ymd(y, 12, 31)?)),
                        _ => None,
                    }
                }
                s if s.starts_with('W') => {
                    let w: u32 = s.get(1..)?.parse().ok()?;
                    let monday = NaiveDate::from_isoywd_opt(y, w, Weekday::Mon)?;
                    Some((monday, monday + Duration::days(6)))
                }
                s => {
                    let m: u32 = s.parse().ok()?;
                    Some((ymd(y, m, 1)?, last_day_of_month(y, m)?))
                }
            }
        }
        (4, 3) => {
            let d = NaiveDate::parse_from_str(date_part, "%Y-%m-%d").ok()?;
            Some((d, d))
        }
        _ => None,
    }
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn last_day_of_month(y: i32, m: u32) -> Option<NaiveDate> {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    ymd(ny, nm, 1).map(|d| d - Duration::days(1))
}

/// Days since 1970-01-01 (the timeline's x axis).
pub fn day_number(d: NaiveDate) -> i64 {
    i64::from(d.num_days_from_ce()) - 719_163
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(v: &str) -> Option<(String, String)> {
        timex_range(v).map(|(a, b)| (a.to_string(), b.to_string()))
    }

    fn s(a: &str, b: &str) -> Option<(String, String)> {
        Some((a.to_owned(), b.to_owned()))
    }

    #[test]
    fn day_month_year() {
        assert_eq!(r("2025-10-27"), s("2025-10-27", "2025-10-27"));
        assert_eq!(r("2024-02"), s("2024-02-01", "2024-02-29"));
        assert_eq!(r("2025"), s("2025-01-01", "2025-12-31"));
    }

    #[test]
    fn seasons_quarters_halves_weeks() {
        assert_eq!(r("2024-SU"), s("2024-06-01", "2024-08-31"));
        assert_eq!(r("2023-WI"), s("2023-12-01", "2024-02-29"));
        assert_eq!(r("2023-Q1"), s("2023-01-01", "2023-03-31"));
        assert_eq!(r("2026-H2"), s("2026-07-01", "2026-12-31"));
        assert_eq!(r("2025-W44"), s("2025-10-27", "2025-11-02"));
    }

    #[test]
    fn decades_centuries_and_times() {
        assert_eq!(r("199X"), s("1990-01-01", "1999-12-31"));
        assert_eq!(r("18"), s("1800-01-01", "1899-12-31"));
        assert_eq!(r("2025-03-14T10:00"), s("2025-03-14", "2025-03-14"));
        assert_eq!(r("2025-09-05TEV"), s("2025-09-05", "2025-09-05"));
    }

    #[test]
    fn non_positions_have_no_range() {
        for v in [
            "P3Y",
            "PT48H",
            "PAST_REF",
            "PRESENT_REF",
            "XXXX-XX-XX",
            "XXXX-WXX-4",
            "2025-13",
            "2025-02-30",
            "",
        ] {
            assert_eq!(timex_range(v), None, "{v}");
        }
    }

    #[test]
    fn day_number_is_days_since_epoch() {
        assert_eq!(day_number(NaiveDate::from_ymd_opt(1970, 1, 2).unwrap()), 1);
    }
}

//! Hijri ↔ Gregorian conversion with the Umm al-Qura calendar (table of month starts
//! 1343-1500 AH in `assets/calendar/ummalqura.tsv`), falling back to the arithmetical
//! (tabular, civil) Islamic calendar outside the table.

use std::sync::OnceLock;

use chrono::{Datelike, Days, NaiveDate};

const TABLE: &str = include_str!("../../../assets/calendar/ummalqura.tsv");

struct Table {
    first_year: i32,
    /// First day of each month, in order (12 per year) plus one end sentinel.
    starts: Vec<NaiveDate>,
}

fn table() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| {
        let mut first_year = 0;
        let mut starts = Vec::new();
        for line in TABLE.lines() {
            if line.starts_with('#') || line.starts_with("hijri_year") {
                continue;
            }
            let mut cols = line.split('\t');
            let (Some(y), Some(_m), Some(d)) = (cols.next(), cols.next(), cols.next()) else { continue };
            let (Ok(y), Ok(d)) = (y.parse::<i32>(), NaiveDate::parse_from_str(d, "%Y-%m-%d")) else {
                continue;
            };
            if starts.is_empty() {
                first_year = y;
            }
            starts.push(d);
        }
        Table { first_year, starts }
    })
}

/// Julian day number of a date in the tabular Islamic calendar (epoch 16 July 622 Julian).
fn tabular_jdn(y: i64, m: i64, d: i64) -> i64 {
    d + (295 * (m - 1) + 9) / 10 + (y - 1) * 354 + (3 + 11 * y).div_euclid(30) + 1_948_439
}

fn from_jdn(jdn: i64) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(jdn - 1_721_425).ok()?)
}

fn to_jdn(d: NaiveDate) -> i64 {
    i64::from(d.num_days_from_ce()) + 1_721_425
}

/// Gregorian date of Hijri `y`-`m`-`d` (Umm al-Qura), or `None` for an impossible date.
pub fn to_gregorian(y: i32, m: u8, d: u8) -> Option<NaiveDate> {
    if !(1..=12).contains(&m) || !(1..=30).contains(&d) {
        return None;
    }
    let t = table();
    let idx = (i64::from(y) - i64::from(t.first_year)) * 12 + i64::from(m) - 1;
    if idx >= 0
        && let (Some(start), Some(next)) = (t.starts.get(idx as usize), t.starts.get(idx as usize + 1))
    {
        let len = (*next - *start).num_days();
        if i64::from(d) > len {
            return None;
        }
        return start.checked_add_days(Days::new(u64::from(d) - 1));
    }
    if d == 30
        && (tabular_jdn(i64::from(y), i64::from(m) + 1, 1) - tabular_jdn(i64::from(y), i64::from(m), 1)) < 30
        && m < 12
    {
        return None;
    }
    from_jdn(tabular_jdn(i64::from(y), i64::from(m), i64::from(d)))
}

/// Hijri (year, month, day) of a Gregorian date.
pub fn from_gregorian(date: NaiveDate) -> (i32, u8, u8) {
    let t = table();
    if let (Some(first), Some(last)) = (t.starts.first(), t.starts.last())
        && date >= *first
        && date < *last
    {
        let idx = t.starts.partition_point(|s| *s <= date).saturating_sub(1);
        let start = t.starts.get(idx).copied().unwrap_or(*first);
        let y = t.first_year + (idx / 12) as i32;
        let m = (idx % 12) as u8 + 1;
        let d = ((date - start).num_days() + 1) as u8;
        return (y, m, d);
    }
    // tabular fallback: estimate the year, then walk
    let jdn = to_jdn(date);
    let mut y = ((jdn - 1_948_439) * 30 / 10_631 + 1) as i32;
    while tabular_jdn(i64::from(y) + 1, 1, 1) <= jdn {
        y += 1;
    }
    while tabular_jdn(i64::from(y), 1, 1) > jdn {
        y -= 1;
    }
    let mut m = 12;
    while m > 1 && tabular_jdn(i64::from(y), i64::from(m), 1) > jdn {
        m -= 1;
    }
    let d = jdn - tabular_jdn(i64::from(y), i64::from(m), 1) + 1;
    (y, m, d.clamp(1, 30) as u8)
}

/// Year of `date` (Gregorian) for convenience.
pub fn hijri_year_of(date: NaiveDate) -> i32 {
    from_gregorian(date).0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn umm_al_qura_table_converts_known_dates() {
        assert_eq!(to_gregorian(1445, 9, 1), Some(g("2024-03-11")));
        assert_eq!(to_gregorian(1380, 8, 15), Some(g("1961-02-01")));
        assert_eq!(to_gregorian(1446, 12, 9), Some(g("2025-06-05")));
        assert_eq!(to_gregorian(1446, 5, 29), Some(g("2024-12-01")));
        assert_eq!(to_gregorian(1447, 1, 1), Some(g("2025-06-26")));
    }

    #[test]
    fn round_trip_over_the_table_and_outside_it() {
        let mut d = g("1900-01-01");
        while d < g("2100-01-01") {
            let (y, m, dd) = from_gregorian(d);
            assert_eq!(to_gregorian(y, m, dd), Some(d), "{d} -> {y}-{m}-{dd}");
            d = d + Days::new(13);
        }
    }

    #[test]
    fn impossible_hijri_dates_are_rejected() {
        assert_eq!(to_gregorian(1445, 13, 1), None);
        assert_eq!(to_gregorian(1445, 0, 1), None);
        assert_eq!(to_gregorian(1445, 9, 31), None);
    }
}

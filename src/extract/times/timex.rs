//! TIMEX3 value syntax check (the subset Khabar produces and TimeML allows): dates with X
//! placeholders, weeks, seasons, quarters, halves, decades, centuries, times and parts of day,
//! durations and the vague references.

fn dx(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit() || b == b'X')
}

fn in_range(s: &str, lo: u32, hi: u32) -> bool {
    s.bytes().any(|b| b == b'X') || s.parse::<u32>().is_ok_and(|v| (lo..=hi).contains(&v))
}

fn valid_time_part(t: &str) -> bool {
    if matches!(t, "MO" | "MI" | "AF" | "EV" | "NI") {
        return true;
    }
    let Some((h, m)) = t.split_once(':') else { return false };
    dx(h, 2) && dx(m, 2) && in_range(h, 0, 24) && in_range(m, 0, 59)
}

fn valid_date(v: &str) -> bool {
    let (date, time) = match v.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (v, None),
    };
    let parts: Vec<&str> = date.split('-').collect();
    let ok = match parts.as_slice() {
        [c] if c.len() == 2 => dx(c, 2),
        [y] => dx(y, 4),
        [y, rest @ ..] if dx(y, 4) => match rest {
            [m] if m.len() == 2 && m.bytes().all(|b| b.is_ascii_digit() || b == b'X') => in_range(m, 1, 12),
            [w] if w.starts_with('W') && *w != "WI" => dx(&w[1..], 2) && in_range(&w[1..], 1, 53),
            [w, d] if w.starts_with('W') => dx(&w[1..], 2) && dx(d, 1) && in_range(d, 1, 7),
            [m, d] => dx(m, 2) && dx(d, 2) && in_range(m, 1, 12) && in_range(d, 1, 31),
            [s] => matches!(*s, "SP" | "SU" | "FA" | "WI" | "Q1" | "Q2" | "Q3" | "Q4" | "H1" | "H2"),
            _ => false,
        },
        _ => false,
    };
    ok && match time {
        None => true,
        Some(t) => parts.len() == 3 && valid_time_part(t),
    }
}

fn valid_duration(v: &str) -> bool {
    let Some(body) = v.strip_prefix('P') else { return false };
    if body.is_empty() {
        return false;
    }
    let (date, time) = match body.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (body, None),
    };
    let units = |s: &str, allowed: &str| -> bool {
        let mut num = String::new();
        let mut last = None;
        for c in s.chars() {
            if c.is_ascii_digit() || c == 'X' || c == '.' {
                num.push(c);
            } else {
                let Some(pos) = allowed.find(c) else { return false };
                if num.is_empty() || last.is_some_and(|l| pos <= l) {
                    return false;
                }
                last = Some(pos);
                num.clear();
            }
        }
        num.is_empty()
    };
    units(date, "YMWD") && time.is_none_or(|t| !t.is_empty() && units(t, "HMS"))
}

/// True when `value` is valid TIMEX3 value syntax.
pub fn is_valid_value(value: &str) -> bool {
    matches!(value, "PRESENT_REF" | "PAST_REF" | "FUTURE_REF")
        || (value.starts_with('P') && valid_duration(value))
        || (value.len() == 4 && value.ends_with('X') && dx(value, 4))
        || valid_date(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validator_accepts_the_readme_shapes() {
        for v in [
            "2024-01-12",
            "2023-09",
            "2020",
            "2023-W34",
            "2024-SU",
            "2023-Q1",
            "2026-H2",
            "198X",
            "18",
            "2025-01-29T21:00",
            "2025-09-24TMO",
            "P3Y",
            "PT48H",
            "PT6H30M",
            "P20Y",
            "PXW",
            "P1W",
            "XXXX-WXX-4",
            "PRESENT_REF",
            "XXXX-XX-XX",
            "XXXX-03",
            "P1Y6M",
            "P2DT12H",
        ] {
            assert!(is_valid_value(v), "{v}");
        }
    }

    #[test]
    fn validator_rejects_malformed_values() {
        for v in [
            "",
            "2024-13-01",
            "2024-1-5",
            "P",
            "PT",
            "P3",
            "PY3",
            "2024-SUX",
            "T10:00",
            "2024-01-01T25:00",
            "P3M2Y",
            "abc",
        ] {
            assert!(!is_valid_value(v), "{v}");
        }
    }
}

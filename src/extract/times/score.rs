//! Scorer for the temporal dev set (`../shared/data/temporal/dev.jsonl` format): span F1
//! (strict and relaxed), value accuracy, value-F1 in the TempEval-3 sense (a gold expression
//! is found when a system span overlaps it with an identical value; F1 over gold and system
//! expressions) and the same numbers per phenomenon (a gold expression may belong to several).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Deserialize;

use super::extract_times;
use super::lexicon::Lex;
use super::scan::Doc;
use crate::extract::TimeExpression;

/// One gold expression.
#[derive(Clone, Debug, Deserialize)]
pub struct GoldTimex {
    pub start: usize,
    pub end: usize,
    pub text: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub value: String,
}

/// One dev sentence.
#[derive(Clone, Debug, Deserialize)]
pub struct DevItem {
    pub dct: String,
    pub text: String,
    pub timexes: Vec<GoldTimex>,
}

/// Parses the JSONL dev set; bad lines are skipped and counted.
pub fn parse_dev(jsonl: &str) -> (Vec<DevItem>, usize) {
    let mut bad = 0;
    let items = jsonl
        .lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| match serde_json::from_str::<DevItem>(l) {
            Ok(x) => Some(x),
            Err(_) => {
                bad += 1;
                None
            }
        })
        .collect();
    (items, bad)
}

/// Counts behind one row of the table.
#[derive(Clone, Debug, Default)]
pub struct Counts {
    pub gold: usize,
    pub system: usize,
    pub strict: usize,
    pub relaxed: usize,
    /// relaxed matches whose value (and type) is right
    pub value_ok: usize,
    /// gold found with an identical value (TempEval-3 recall numerator)
    pub gold_found: usize,
    /// system expressions overlapping a gold one with an identical value (precision numerator)
    pub system_ok: usize,
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

impl Counts {
    pub fn strict_f1(&self) -> f64 {
        f1(ratio(self.strict, self.system), ratio(self.strict, self.gold))
    }
    pub fn relaxed_f1(&self) -> f64 {
        f1(ratio(self.relaxed, self.system), ratio(self.relaxed, self.gold))
    }
    pub fn value_accuracy(&self) -> f64 {
        ratio(self.value_ok, self.relaxed)
    }
    pub fn value_f1(&self) -> f64 {
        f1(ratio(self.system_ok, self.system), ratio(self.gold_found, self.gold))
    }
    fn add(&mut self, o: &Counts) {
        self.gold += o.gold;
        self.system += o.system;
        self.strict += o.strict;
        self.relaxed += o.relaxed;
        self.value_ok += o.value_ok;
        self.gold_found += o.gold_found;
        self.system_ok += o.system_ok;
    }
}

/// Scores overall and per phenomenon, plus the errors for inspection.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub overall: Counts,
    pub by_phenomenon: BTreeMap<String, Counts>,
    /// sentences without gold expressions and the system expressions found in them
    pub trap_sentences: usize,
    pub trap_false_positives: usize,
    pub errors: Vec<String>,
}

fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// Phenomena of a gold expression (README coverage categories).
pub fn phenomena(g: &GoldTimex, sentence_golds: usize) -> Vec<String> {
    let mut out = Vec::new();
    let doc = Doc::new(&g.text);
    let mut fam = Vec::new();
    let push = |s: &str, out: &mut Vec<String>| {
        if !out.iter().any(|x| x == s) {
            out.push(s.to_string());
        }
    };
    for i in 0..doc.len() {
        for h in doc.lex_at(i, true) {
            match h.lex {
                Lex::GMonth(_) => {
                    let f = month_family(doc.text(i));
                    if !fam.contains(&f) {
                        fam.push(f);
                    }
                }
                Lex::HMonth(_) | Lex::Holiday(..) => push("hijri date / holiday", &mut out),
                Lex::Weekday(..) => push("weekday", &mut out),
                Lex::RelDay(_) | Lex::Cue(_) => push("relative", &mut out),
                Lex::Cardinal(_) | Lex::Ordinal(_) | Lex::OrdinalCompound(_) => {
                    push("number words", &mut out)
                }
                _ => {}
            }
        }
    }
    if fam.len() > 1 || g.text.contains('/') && g.text.chars().any(|c| c.is_alphabetic()) && fam.len() == 1 {
        push("month: combined forms", &mut out);
    }
    for f in &fam {
        push(&format!("month: {f}"), &mut out);
    }
    if g.text.chars().any(|c| ('٠'..='٩').contains(&c)) {
        push("arabic-indic digits", &mut out);
    }
    if g.text.contains('/') && g.text.chars().filter(|c| *c == '/').count() == 2 {
        push("numeric date", &mut out);
    }
    let v = g.value.as_str();
    match g.kind.as_str() {
        "DURATION" => push("duration", &mut out),
        "SET" => push("set", &mut out),
        "TIME" => push("time / part of day", &mut out),
        _ => {}
    }
    if v.ends_with("_REF") {
        push("vague reference", &mut out);
    } else if ["SP", "SU", "FA", "WI"].iter().any(|s| v.ends_with(s)) {
        push("season", &mut out);
    } else if v.len() == 7 && (v.contains("-Q") || v.contains("-H")) {
        push("quarter / half", &mut out);
    } else if (v.len() == 4 && v.ends_with('X')) || v.len() == 2 {
        push("decade / century", &mut out);
    } else if v.contains("-W") && !v.contains("WXX") {
        push("relative", &mut out);
    } else if g.kind == "DATE"
        && v.len() == 4
        && g.text.chars().any(|c| c.is_ascii_digit() || ('٠'..='٩').contains(&c))
    {
        push("year", &mut out);
    }
    let nt = crate::arabic::normalize(&g.text);
    if ["قبل", "بعد", "منذ"].iter().any(|p| nt.starts_with(p)) && g.kind == "DATE" {
        push("relative", &mut out);
    }
    if sentence_golds >= 2 && g.kind == "DATE" {
        push("range / several", &mut out);
    }
    if out.is_empty() {
        push("other", &mut out);
    }
    out
}

fn month_family(word: &str) -> &'static str {
    const T: &str = include_str!("../../../assets/calendar/calendar.tsv");
    for line in T.lines().skip(1) {
        let c: Vec<&str> = line.split('\t').collect();
        if c.first() == Some(&"gregorian")
            && let (Some(form), Some(fam)) = (c.get(2), c.get(3))
        {
            let f = crate::arabic::normalize(form);
            if f.split_whitespace().next() == Some(word) || word.ends_with(&f) && f.chars().count() > 3 {
                return match *fam {
                    "egyptian" => "egyptian/standard",
                    "levantine" => "levantine/iraqi",
                    "maghreb" => "maghreb",
                    _ => "moroccan",
                };
            }
        }
    }
    "other"
}

/// Scores system output `sys` against gold for one sentence.
fn score_one(gold: &[GoldTimex], sys: &[TimeExpression], report: &mut Report, text: &str, dct: &str) {
    let mut c = Counts { gold: gold.len(), system: sys.len(), ..Counts::default() };
    let mut used = vec![false; sys.len()];
    let mut per: Vec<(Vec<String>, Counts)> = Vec::new();
    for g in gold {
        let mut gc = Counts { gold: 1, ..Counts::default() };
        let gs = (g.start, g.end);
        if sys.iter().any(|s| s.start == g.start && s.end == g.end) {
            c.strict += 1;
            gc.strict += 1;
        }
        // one-to-one relaxed match, preferring an identical value
        let best = sys
            .iter()
            .enumerate()
            .filter(|(k, s)| !used.get(*k).copied().unwrap_or(true) && overlaps(gs, (s.start, s.end)))
            .max_by_key(|(_, s)| (s.value == g.value, s.start == g.start && s.end == g.end))
            .map(|(k, _)| k);
        if let Some(k) = best
            && let Some(s) = sys.get(k)
        {
            if let Some(u) = used.get_mut(k) {
                *u = true;
            }
            c.relaxed += 1;
            gc.relaxed += 1;
            gc.system += 1;
            let kind_ok = format!("{:?}", s.kind).to_uppercase() == g.kind;
            if s.value == g.value && kind_ok {
                c.value_ok += 1;
                gc.value_ok += 1;
            }
            if s.value != g.value || !kind_ok {
                report.errors.push(format!(
                    "[{dct}] {text}\n    gold {} {} «{}»  system {:?} {} «{}»",
                    g.kind, g.value, g.text, s.kind, s.value, s.text
                ));
            }
        } else {
            report.errors.push(format!("[{dct}] {text}\n    MISSED {} {} «{}»", g.kind, g.value, g.text));
        }
        if sys.iter().any(|s| overlaps(gs, (s.start, s.end)) && s.value == g.value) {
            c.gold_found += 1;
            gc.gold_found += 1;
            gc.system_ok += 1;
        }
        per.push((phenomena(g, gold.len()), gc));
    }
    for s in sys {
        let ok = gold.iter().any(|g| overlaps((g.start, g.end), (s.start, s.end)) && s.value == g.value);
        if ok {
            c.system_ok += 1;
        }
        if !gold.iter().any(|g| overlaps((g.start, g.end), (s.start, s.end))) {
            report.errors.push(format!("[{dct}] {text}\n    SPURIOUS {:?} {} «{}»", s.kind, s.value, s.text));
        }
    }
    if gold.is_empty() {
        report.trap_sentences += 1;
        report.trap_false_positives += sys.len();
    }
    report.overall.add(&c);
    for (labels, gc) in per {
        for l in labels {
            report.by_phenomenon.entry(l).or_default().add(&gc);
        }
    }
}

/// Runs the extractor over every dev item and scores it.
pub fn score_dev(items: &[DevItem]) -> Report {
    let mut report = Report::default();
    for it in items {
        let dct = NaiveDate::parse_from_str(&it.dct, "%Y-%m-%d").ok();
        let sys = extract_times(&it.text, dct);
        score_one(&it.timexes, &sys, &mut report, &it.text, &it.dct);
    }
    report
}

impl Report {
    /// The per-phenomenon table as text.
    pub fn table(&self) -> String {
        let mut s = String::new();
        s.push_str(&format!(
            "{:<26} {:>5} {:>5} {:>8} {:>8} {:>8} {:>8}\n",
            "phenomenon", "gold", "sys", "strictF1", "relaxF1", "valAcc", "valueF1"
        ));
        let row = |name: &str, c: &Counts| {
            format!(
                "{:<26} {:>5} {:>5} {:>8.3} {:>8.3} {:>8.3} {:>8.3}\n",
                name,
                c.gold,
                c.system,
                c.strict_f1(),
                c.relaxed_f1(),
                c.value_accuracy(),
                c.value_f1()
            )
        };
        for (k, c) in &self.by_phenomenon {
            s.push_str(&row(k, c));
        }
        s.push_str(&row("OVERALL", &self.overall));
        s.push_str(&format!(
            "trap sentences without expressions: {}, system expressions in them: {}\n",
            self.trap_sentences, self.trap_false_positives
        ));
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_f1_counts_overlap_with_identical_value() {
        let gold =
            vec![GoldTimex { start: 0, end: 5, text: "x".into(), kind: "DATE".into(), value: "2024".into() }];
        let sys = vec![TimeExpression {
            start: 2,
            end: 7,
            text: "y".into(),
            kind: crate::extract::TimexType::Date,
            value: "2024".into(),
        }];
        let mut r = Report::default();
        score_one(&gold, &sys, &mut r, "", "");
        assert_eq!(r.overall.strict, 0);
        assert_eq!(r.overall.relaxed, 1);
        assert!((r.overall.value_f1() - 1.0).abs() < 1e-9);
        let mut r2 = Report::default();
        let mut sys2 = sys.clone();
        sys2[0].value = "2023".into();
        score_one(&gold, &sys2, &mut r2, "", "");
        assert_eq!(r2.overall.value_f1(), 0.0);
    }

    #[test]
    fn dev_lines_parse() {
        let (items, bad) =
            parse_dev("{\"dct\": \"2025-01-29\", \"text\": \"أ\", \"timexes\": []}\nnot json\n");
        assert_eq!((items.len(), bad), (1, 1));
    }
}

//! Near-duplicate grouping measured on a constructed set, and `khabar duplicates` as a process.
//!
//! The set is built from sentences of ANERcorp (read from `../shared/data/ner/anercorp/train.txt`,
//! large reference data beside the repository): 60 base articles of 12 distinct sentences; for 40
//! of them (sentences deduplicated, ANERcorp repeats passages) copies with small word edits, a changed title, added boilerplate lines, a truncated
//! ending (last third dropped), and a "same event" report that keeps the headline, one sentence
//! and the base's capitalised entity words but is otherwise written from other sentences — it must
//! NOT be grouped. Pairwise precision and recall of "same group" decisions are printed and asserted.

use std::collections::HashMap;
use std::process::Command;

use khabar::index::duplicates::{DuplicateOptions, find_duplicates};

fn sentences() -> Vec<String> {
    let text =
        std::fs::read_to_string("../shared/data/ner/anercorp/train.txt").expect("ANERcorp beside the repo");
    // ANERcorp repeats some passages: keep each sentence once so that bases really differ.
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    for line in text.lines() {
        let Some(tok) = line.split_whitespace().next() else { continue };
        cur.push(tok);
        if tok == "." {
            if cur.len() >= 8 && seen.insert(cur.join(" ")) {
                out.push(cur.join(" "));
            }
            cur.clear();
        }
    }
    out
}

struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n.max(1) as u64) as usize
    }
}

const BOILER: [&str; 4] = ["اعلان", "استمع إلى الملخص", "في كلمات قليلة", "جميع الحقوق محفوظة"];

/// (texts, story id of each text).
fn constructed_set() -> (Vec<String>, Vec<usize>) {
    let sents = sentences();
    assert!(sents.len() > 60 * 12 + 40 * 12, "{} sentences", sents.len());
    let mut rng = Lcg(1);
    let mut texts = Vec::new();
    let mut story = Vec::new();
    let mut spare = 60 * 12;
    for a in 0..60 {
        let body: Vec<String> = sents[a * 12..a * 12 + 12].to_vec();
        let title = format!("عنوان: {}", sents[a * 12].split(' ').take(8).collect::<Vec<_>>().join(" "));
        let mk = |title: &str, body: &[String]| format!("{title}\n\n{}", body.join("\n"));
        texts.push(mk(&title, &body));
        story.push(a);
        if a >= 40 {
            continue;
        }
        // Small edits: 4 words replaced, one sentence dropped.
        let mut edited = body.clone();
        for _ in 0..4 {
            let s = rng.next(edited.len());
            let mut words: Vec<String> = edited[s].split(' ').map(String::from).collect();
            let w = rng.next(words.len());
            words[w] = "وقالت".to_string();
            edited[s] = words.join(" ");
        }
        edited.remove(rng.next(edited.len()));
        texts.push(mk(&title, &edited));
        story.push(a);
        // Changed title.
        texts.push(mk("خبر عاجل من مراسلنا", &body));
        story.push(a);
        // Added boilerplate lines at the top, middle and bottom.
        let mut boiled = body.clone();
        boiled.insert(0, BOILER[a % 4].to_string());
        boiled.insert(6, BOILER[(a + 1) % 4].to_string());
        boiled.push(BOILER[(a + 2) % 4].to_string());
        texts.push(mk(&title, &boiled));
        story.push(a);
        // Truncated ending.
        texts.push(mk(&title, &body[..8]));
        story.push(a);
        // Another report of the same event: same headline, one shared sentence, the base's
        // entity-like words spliced into other sentences.
        let mut other: Vec<String> = sents[spare..spare + 11].to_vec();
        spare += 11;
        other.insert(3, body[0].clone());
        let names: Vec<&str> =
            body.iter().flat_map(|s| s.split(' ')).filter(|w| w.chars().count() > 4).take(10).collect();
        for (i, s) in other.iter_mut().enumerate() {
            if let Some(n) = names.get(i % names.len().max(1)) {
                s.insert_str(0, &format!("{n} "));
            }
        }
        texts.push(mk(&title, &other));
        story.push(1000 + a);
    }
    (texts, story)
}

#[test]
fn duplicate_grouping_precision_and_recall_on_the_constructed_set() {
    let (texts, story) = constructed_set();
    let groups = find_duplicates(&texts, &DuplicateOptions::default());
    let mut group_of: HashMap<usize, usize> = HashMap::new();
    for (g, group) in groups.iter().enumerate() {
        for &d in &group.documents {
            group_of.insert(d, g);
        }
    }
    let (mut tp, mut fp, mut fneg) = (0usize, 0usize, 0usize);
    for i in 0..texts.len() {
        for j in i + 1..texts.len() {
            let truth = story[i] == story[j];
            let pred = matches!((group_of.get(&i), group_of.get(&j)), (Some(a), Some(b)) if a == b);
            match (truth, pred) {
                (true, true) => tp += 1,
                (false, true) => fp += 1,
                (true, false) => fneg += 1,
                _ => {}
            }
        }
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fneg).max(1) as f64;
    println!(
        "duplicates on {} texts: pairwise precision {precision:.3} recall {recall:.3} (tp {tp}, fp {fp}, fn {fneg}), {} groups",
        texts.len(),
        groups.len()
    );
    assert!(precision >= 0.95, "precision {precision}");
    assert!(recall >= 0.9, "recall {recall}");
}

#[test]
fn khabar_duplicates_prints_groups_of_relative_paths() {
    let (texts, _) = constructed_set();
    let dir = tempfile::tempdir().unwrap();
    for (i, t) in texts.iter().take(12).enumerate() {
        std::fs::write(dir.path().join(format!("{i:03}.txt")), t).unwrap();
    }
    let out = Command::new(env!("CARGO_BIN_EXE_khabar"))
        .args(["duplicates", dir.path().to_str().unwrap(), "--format", "json"])
        .output()
        .expect("khabar runs");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let groups = v["groups"].as_array().unwrap();
    // Texts 0..6 are base 0 and its five copies; 6 is base 0's same-event report; 7.. base 1's.
    let first: Vec<&str> =
        groups[0]["documents"].as_array().unwrap().iter().map(|d| d.as_str().unwrap()).collect();
    assert_eq!(first, ["000.txt", "001.txt", "002.txt", "003.txt", "004.txt"]);
    assert!(groups.iter().all(|g| g["documents"].as_array().unwrap().len() >= 2));
    let sim = groups[0]["similarity"].as_f64().unwrap();
    assert!(sim > 0.5 && sim <= 1.0, "{sim}");
    let missing =
        Command::new(env!("CARGO_BIN_EXE_khabar")).args(["duplicates", "/nonexistent/dir"]).output().unwrap();
    assert_eq!(missing.status.code(), Some(2));
}

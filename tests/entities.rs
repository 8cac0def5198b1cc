//! Named entities end to end: offsets on the bundled samples, bad input, the shipped model on
//! a small constructed CoNLL fixture, and `khabar tag` output on ANERcorp dev (read from
//! ../shared/data/ner/anercorp/dev.txt, beside the repository; skipped when absent).

use std::io::Write as _;
use std::process::{Command, Stdio};
use std::time::Instant;

use khabar::extract::entities::{extract_entities, tag_tokens, train};

fn chars_slice(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end.saturating_sub(start)).collect()
}

#[test]
fn sample_mentions_match_their_offsets() {
    let mut total = 0;
    for s in khabar::assets::SAMPLES {
        let text = String::from_utf8_lossy(s.bytes);
        let ms = extract_entities(&text);
        for m in &ms {
            assert!(m.start < m.end, "{}: empty mention {m:?}", s.file_name);
            assert_eq!(chars_slice(&text, m.start, m.end), m.text, "{}", s.file_name);
            // proclitics are left out: a mention never starts with و + a letter of a known name
            assert!(!m.text.starts_with(char::is_whitespace) && !m.text.ends_with(char::is_whitespace));
        }
        total += ms.len();
    }
    assert!(total >= 20, "only {total} mentions in the samples");
}

#[test]
fn attached_conjunction_is_left_out_of_the_span() {
    let text = "التقى الوزير نظيره الفرنسي وقال إن باريس وواشنطن تتفقان.";
    let ms = extract_entities(text);
    let w: Vec<&str> = ms.iter().map(|m| m.text.as_ref()).collect();
    assert!(w.contains(&"واشنطن"), "{w:?}");
    assert!(!w.contains(&"وواشنطن"), "{w:?}");
}

#[test]
fn bad_input_does_not_panic() {
    assert!(extract_entities("").is_empty());
    assert!(extract_entities("   \n\n\t").is_empty());
    let _ = extract_entities("Hello world, no Arabic here: 1, 2, 3. Привет мир! 東京 😀");
    let _ = extract_entities("مرحبا Hello Привет ١٢٣ 45.6% user@example.com https://x.org/a (أ ف ب)");
    let _ = extract_entities("(((((( ))))) وكالة منظمة ( (");
    let _ = extract_entities("\u{064E}\u{0640}\u{200F}ـ");
}

/// CPU time of this thread in seconds (Linux), else wall-clock time since `since`.
fn cpu_secs(since: Instant) -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|x| x.parse::<u64>().ok()))
        .map(|ns| ns as f64 / 1e9)
        .unwrap_or_else(|| since.elapsed().as_secs_f64())
}

#[test]
fn one_megabyte_single_line_runs_in_linear_time() {
    let unit = "قال الرئيس إن العاصمة بغداد تستضيف القمة و";
    let small: String = unit.repeat(2_000);
    let big: String = unit.repeat(20_000);
    assert!(big.len() > 1_000_000);
    let _ = extract_entities(unit); // warm up the model and this thread's tagger
    let t0 = Instant::now();
    let c0 = cpu_secs(t0);
    let a = extract_entities(&small);
    let c1 = cpu_secs(t0);
    let b = extract_entities(&big);
    let c2 = cpu_secs(t0);
    let (t_small, t_big) = (c1 - c0, c2 - c1);
    assert!(b.len() >= a.len());
    // 10× the text may take at most ~30× the time (generous for noisy machines)
    assert!(t_big < 30.0 * t_small.max(0.005), "{t_small:.4} s vs {t_big:.4} s");
    for m in b.iter().take(50) {
        assert_eq!(chars_slice(&big, m.start, m.end), m.text);
    }
}

#[test]
fn shipped_model_scores_on_constructed_fixture() {
    let gold = train::read_conll(include_str!("fixtures/ner_small.conll"));
    assert!(gold.len() >= 10);
    let pred: Vec<Vec<u8>> = gold
        .iter()
        .map(|s| {
            let toks: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
            tag_tokens(&toks).into_iter().map(khabar::extract::entities::model::tag_index).collect()
        })
        .collect();
    let scores = train::score(&gold, &pred);
    assert!(scores.micro.2 >= 75.0, "{}", scores.report());
}

#[test]
fn training_is_deterministic() {
    let sents = train::read_conll(include_str!("fixtures/ner_small.conll"));
    let opts = train::TrainOptions { epochs: 3, bits: 14, ..Default::default() };
    let a = train::train(&sents, Default::default(), opts, |_| {}).to_bytes();
    let b = train::train(&sents, Default::default(), opts, |_| {}).to_bytes();
    assert_eq!(a, b);
    let other = train::TrainOptions { seed: opts.seed + 1, ..opts };
    let c = train::train(&sents, Default::default(), other, |_| {}).to_bytes();
    assert_ne!(a, c, "the seed should change the model");
}

/// Reads ../shared/data/ner/anercorp/dev.txt (shared reference data beside the repository).
#[test]
fn tag_command_output_on_dev_is_well_formed() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/ner/anercorp/dev.txt");
    let Ok(input) = std::fs::read_to_string(&path) else {
        eprintln!("skipped: {} not found", path.display());
        return;
    };
    let mut child = Command::new(env!("CARGO_BIN_EXE_khabar"))
        .arg("tag")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run khabar tag");
    let mut stdin = child.stdin.take().expect("stdin");
    let feeder = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("khabar tag output");
    feeder.join().expect("feeder").expect("write stdin");
    assert!(out.status.success());
    let gold_text = std::fs::read_to_string(&path).expect("dev");
    let gold = train::read_conll(&gold_text);
    let text = String::from_utf8(out.stdout).expect("utf-8 output");
    let valid = ["O", "B-PERS", "I-PERS", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC"];
    let mut sentences = 0;
    let mut prev = "O";
    let mut gold_tokens = gold.iter().flat_map(|s| s.tokens.iter());
    let mut found = 0;
    for line in text.lines() {
        if line.is_empty() {
            sentences += 1;
            prev = "O";
            continue;
        }
        let cols: Vec<&str> = line.split(' ').collect();
        assert_eq!(cols.len(), 2, "bad line {line:?}");
        assert!(valid.contains(&cols[1]), "bad tag in {line:?}");
        assert_eq!(Some(cols[0]), gold_tokens.next().map(String::as_str));
        if let Some(t) = cols[1].strip_prefix("I-") {
            assert!(prev.ends_with(t), "I- after {prev}: {line:?}");
        }
        if cols[1] != "O" {
            found += 1;
        }
        prev = cols[1];
    }
    assert!(gold_tokens.next().is_none(), "output has fewer tokens than the input");
    assert_eq!(sentences + 1, gold.len());
    assert!(found > 500, "only {found} entity tokens tagged on dev");
}

//! Time-bounded random-input harnesses (cargo-fuzz needs nightly): decoding + header parsing
//! (`corpus::load_bytes`), the tokeniser, the time normaliser and the whole per-document
//! analysis, on random bytes, random Arabic/Latin/digit/punctuation text and mutated sample
//! articles (xorshift generator, seed printed on failure). `cargo test` runs each target for a
//! short bounded pass; `FUZZ_SECONDS=600 cargo test --release --test integration -- --ignored
//! fuzz_long` runs each for that long. Checked invariants: no panic, offsets within the text.

use std::time::{Duration, Instant};

use khabar::arabic::tokenize::tokenize;
use khabar::corpus::load_bytes;
use khabar::extract::analyze_document;
use khabar::extract::times::extract_times;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const PIECES: &[&str] = &[
    "الرئيس",
    "فلاديمير",
    "بوتين",
    "وبالقاهرة",
    "يوم",
    "الأحد",
    "أمس",
    "2025",
    "٢٠٢٥",
    "۱۴۰۳",
    "كانون الثاني",
    "رمضان",
    "هـ",
    "م",
    "الساعة",
    "10:30",
    "منذ",
    "3",
    "سنوات",
    " date ",
    "date 2024-02-30",
    "(أ ف ب)",
    "«",
    "»",
    ".",
    "،",
    "؟",
    "\n",
    "\r\n",
    "\u{200f}",
    "\u{640}",
    "\u{64b}",
    "ـ",
    "Putin",
    "Путин",
    "https://x.y/z",
    "ﻻ",
    "\u{feff}",
    "\t",
    "0",
    "-",
    "/",
    "ى",
    "ة",
    "إ",
    "آ",
    "ٱ",
];

fn random_text(rng: &mut Rng, max_len: usize) -> String {
    let mut s = String::new();
    let n = rng.below(max_len);
    for _ in 0..n {
        match rng.below(4) {
            0 => s.push(char::from_u32(rng.below(0x700) as u32).unwrap_or(' ')),
            1 => s.push(char::from_u32(0x600 + rng.below(0x100) as u32).unwrap_or(' ')),
            _ => s.push_str(PIECES[rng.below(PIECES.len())]),
        }
        if rng.below(3) == 0 {
            s.push(' ');
        }
    }
    s
}

fn random_bytes(rng: &mut Rng) -> Vec<u8> {
    match rng.below(3) {
        0 => (0..rng.below(300)).map(|_| rng.next() as u8).collect(),
        1 => random_text(rng, 80).into_bytes(),
        _ => {
            let sample = khabar::assets::SAMPLES[rng.below(khabar::assets::SAMPLES.len())].bytes;
            let mut b = sample.get(..sample.len().min(600)).unwrap_or(&[]).to_vec();
            for _ in 0..rng.below(8) {
                if b.is_empty() {
                    break;
                }
                let i = rng.below(b.len());
                match rng.below(3) {
                    0 => b[i] = rng.next() as u8,
                    1 => {
                        b.remove(i);
                    }
                    _ => b.truncate(i),
                }
            }
            if rng.below(4) == 0 {
                let mut u16 = vec![0xff, 0xfe];
                for c in String::from_utf8_lossy(&b).encode_utf16() {
                    u16.extend_from_slice(&c.to_le_bytes());
                }
                b = u16;
            }
            b
        }
    }
}

fn run_target(name: &str, budget: Duration, seed: u64, mut one: impl FnMut(&mut Rng)) -> usize {
    let start = Instant::now();
    let mut runs = 0;
    let mut rng = Rng(seed | 1);
    while start.elapsed() < budget {
        let case_seed = rng.next() | 1;
        let mut case = Rng(case_seed);
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| one(&mut case)));
        assert!(r.is_ok(), "{name}: panic on case seed {case_seed:#x}");
        runs += 1;
    }
    runs
}

fn decode_target(rng: &mut Rng) {
    let bytes = random_bytes(rng);
    if let Ok(d) = load_bytes(&bytes, std::path::Path::new("f.txt"), "f.txt") {
        assert!(d.body_start <= d.text.chars().count());
    }
}

fn tokenize_target(rng: &mut Rng) {
    let text = random_text(rng, 60);
    let n = text.chars().count();
    for t in tokenize(&text) {
        assert!(t.start <= t.end && t.end <= n, "{t:?} in {text:?}");
    }
}

fn times_target(rng: &mut Rng) {
    let text = random_text(rng, 60);
    let n = text.chars().count();
    let dct = chrono::NaiveDate::from_ymd_opt(2000 + rng.below(40) as i32, 1 + rng.below(12) as u32, 1);
    for t in extract_times(&text, dct) {
        assert!(t.start <= t.end && t.end <= n, "{t:?} in {text:?}");
        assert_eq!(text.chars().skip(t.start).take(t.end - t.start).collect::<String>(), t.text);
    }
}

fn analysis_target(rng: &mut Rng) {
    let text = random_text(rng, 60);
    let n = text.chars().count();
    let a = analyze_document(&text, None);
    for m in &a.entities {
        assert!(m.start <= m.end && m.end <= n, "{m:?} in {text:?}");
    }
}

type Target = (&'static str, fn(&mut Rng));
const TARGETS: &[Target] = &[
    ("decode+header", decode_target),
    ("tokenize", tokenize_target),
    ("times", times_target),
    ("analysis", analysis_target),
];

#[test]
fn fuzz_short_bounded_pass() {
    for (i, (name, f)) in TARGETS.iter().enumerate() {
        let runs = run_target(name, Duration::from_millis(1500), 0x9e37_79b9 + i as u64, f);
        assert!(runs > 0);
    }
}

#[test]
#[ignore = "long run: FUZZ_SECONDS per target"]
fn fuzz_long() {
    let secs = std::env::var("FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(600);
    let seed = std::env::var("FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x5eed);
    for (i, (name, f)) in TARGETS.iter().enumerate() {
        let runs = run_target(name, Duration::from_secs(secs), seed + i as u64, f);
        eprintln!("{name}: {runs} cases in {secs} s, no panic");
    }
}

//! Where the analysis time goes: CPU time of this thread (from /proc/thread-self/schedstat) for
//! each part of `analyze_document` on the first N documents of a folder, single-threaded.
//! `cargo run --release --no-default-features --example analysis_parts -- DIR [N]`

use std::path::PathBuf;

use khabar::corpus::{CorpusOptions, load_all};
use khabar::extract::{entities, times};

fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "/tmp/c10k".into()));
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(1000);
    let mut docs = load_all(vec![dir], CorpusOptions::default()).documents;
    docs.truncate(n);
    let words: usize = docs.iter().map(|d| d.text.split_whitespace().count()).sum();
    khabar::extract::analyze_document("زار الرئيس باريس أمس.", None);
    let mut parts = [0u64; 4];
    let names = ["entities", "infer publication date", "times", "sentences"];
    for d in &docs {
        let t0 = thread_cpu_ns();
        let e = entities::extract_entities(&d.text);
        let t1 = thread_cpu_ns();
        let inf = if d.published.is_none() { times::infer_publication_date(&d.text) } else { None };
        let t2 = thread_cpu_ns();
        let dct = d.published.or(inf.as_ref().map(|i| i.date));
        let t = times::extract_times(&d.text, dct);
        let t3 = thread_cpu_ns();
        let s = khabar::arabic::sentences::sentences(&d.text);
        let t4 = thread_cpu_ns();
        std::hint::black_box((e, t, s));
        parts[0] += t1 - t0;
        parts[1] += t2 - t1;
        parts[2] += t3 - t2;
        parts[3] += t4 - t3;
    }
    let total: u64 = parts.iter().sum();
    println!("{} documents, {words} words, one thread", docs.len());
    for (name, ns) in names.iter().zip(parts) {
        println!(
            "{name:<24} {:>8.3} cpu-s {:>5.1}%  {:>10.0} words/cpu-s",
            ns as f64 / 1e9,
            100.0 * ns as f64 / total.max(1) as f64,
            words as f64 / (ns.max(1) as f64 / 1e9)
        );
    }
    println!(
        "{:<24} {:>8.3} cpu-s        {:>10.0} words/cpu-s",
        "total",
        total as f64 / 1e9,
        words as f64 / (total.max(1) as f64 / 1e9)
    );
}

//! Memory, time and persistence of the search index over a folder, with the texts read from
//! disk while indexing (as the app does): RSS before, peak during (VmHWM, reset first) and after
//! the build, the index size, write/read times of its bytes, and (with `--latency`) the p50/p95
//! of the benchmark query set.
//! `cargo run --release --no-default-features --example search_mem -- DIR [--latency]`, then
//! `… --example search_mem -- --load` loads the index that run left in the temp folder.

use std::path::PathBuf;
use std::time::Instant;

use khabar::bench::proc_status_kb;
use khabar::index::search::{SearchIndex, bench_search};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn files(dir: &PathBuf, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn read(path: &PathBuf) -> String {
    let bytes = std::fs::read(path).unwrap_or_default();
    khabar::corpus::load_bytes(&bytes, path, "x").map(|d| d.text.to_string()).unwrap_or_default()
}

fn mb(kb: Option<u64>) -> f64 {
    kb.unwrap_or(0) as f64 / 1024.0
}

/// Loads the index the last run left in the temp folder, streaming from the file, in this fresh
/// process: time and RSS.
fn load(file: &std::path::Path) {
    let before = mb(proc_status_kb("VmRSS"));
    let t = Instant::now();
    let back = std::fs::File::open(file)
        .map_err(|e| e.to_string())
        .and_then(|f| SearchIndex::read_from(&mut std::io::BufReader::with_capacity(1 << 20, f)));
    println!(
        "read_from(BufReader<File>) {:.3} s ({}), {} pieces, RSS before {before:.0} MB, after +{:.0} MB, peak +{:.0} MB",
        t.elapsed().as_secs_f64(),
        back.as_ref().map_or_else(|e| e.clone(), |_| "ok".into()),
        back.as_ref().map_or(0, |b| b.piece_count()),
        mb(proc_status_kb("VmRSS")) - before,
        mb(proc_status_kb("VmHWM")) - before
    );
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "/tmp/c10k".into()));
    if dir.as_os_str() == "--load" {
        load(&std::env::temp_dir().join("search_mem.idx"));
        return;
    }
    let latency = args.next().as_deref() == Some("--latency");
    let mut paths = Vec::new();
    files(&dir, &mut paths);
    paths.sort();
    let bytes: u64 = paths.iter().filter_map(|p| std::fs::metadata(p).ok()).map(|m| m.len()).sum();
    println!("{} files, {:.1} MB", paths.len(), bytes as f64 / 1e6);
    // reset the peak (VmHWM) to the current RSS
    std::fs::write("/proc/self/clear_refs", "5").ok();
    let before = mb(proc_status_kb("VmRSS"));
    let t = Instant::now();
    let index = SearchIndex::build_with(paths.len(), |i| paths.get(i).map(read).unwrap_or_default());
    let build = t.elapsed().as_secs_f64();
    let peak = mb(proc_status_kb("VmHWM"));
    let after = mb(proc_status_kb("VmRSS"));
    println!(
        "build {build:.2} s; index {} terms, {} pieces, size_bytes {:.1} MB; RSS before {before:.0} MB, peak {peak:.0} MB \
         (+{:.0}), after {after:.0} MB (+{:.0})",
        index.term_count(),
        index.piece_count(),
        index.size_bytes() as f64 / 1e6,
        peak - before,
        after - before
    );
    let t = Instant::now();
    index.write_to(&mut std::io::sink()).ok();
    println!("write_to (to io::sink) {:.3} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let mut out = Vec::new();
    index.write_to(&mut out).ok();
    let write = t.elapsed().as_secs_f64();
    let file = std::env::temp_dir().join("search_mem.idx");
    std::fs::write(&file, &out).ok();
    drop(out);
    let t = Instant::now();
    let data = std::fs::read(&file).unwrap_or_default();
    let back = SearchIndex::read_from(&mut data.as_slice());
    let read_s = t.elapsed().as_secs_f64();
    println!(
        "write_to {write:.3} s, {:.1} MB; read file + read_from {read_s:.3} s ({})",
        data.len() as f64 / 1e6,
        if back.is_ok() { "ok" } else { "FAILED" }
    );
    drop((back, data));
    if latency {
        drop(index);
        let texts: Vec<String> = paths.iter().map(read).collect();
        print!("{}", bench_search(&texts, None));
    }
}

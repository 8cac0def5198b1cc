//! `khabar bench corpus PATH`: every stage of opening a folder, measured in one run on the
//! same files: a raw read (like `wc -w`: read the bytes, count whitespace-separated words),
//! decoding + header + title of the bytes already in memory, the whole load as the app does
//! it (walk, read, decode), analysis (entities + times, rayon over all cores), index build
//! (alias clustering, events, search index), writing the analysis cache and the cached
//! reopen (cache file read, checked and decoded for every document).
//!
//! Each stage reports wall time, words/s per core (the corpus words over the wall time, divided
//! by the cores used) and its ratio to the raw read. The caller prints [`CorpusBench`].

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use rayon::prelude::*;

use crate::corpus::walk::walk_all;
use crate::corpus::{CorpusOptions, FileReader, FsReader, WalkEvent, load_all, load_bytes};
use crate::index::cache::{AnalysisCache, CacheRun, analyze_with_cache};
use crate::index::search::SearchIndex;
use crate::index::{AliasEdits, AnalyzedCorpus, analyze_all};

/// One measured stage.
#[derive(Clone, Debug, PartialEq)]
pub struct Stage {
    pub name: &'static str,
    pub seconds: f64,
    /// CPU time of the process during the stage (all threads), when the platform tells.
    pub cpu_seconds: Option<f64>,
    /// Extra facts (counts, sizes).
    pub note: String,
}

/// The result of [`bench_corpus`].
#[derive(Clone, Debug, PartialEq)]
pub struct CorpusBench {
    pub path: PathBuf,
    pub cores: usize,
    pub commit: String,
    pub files: usize,
    pub bytes: u64,
    /// Whitespace-separated words of the raw bytes (as `wc -w` counts them).
    pub words: u64,
    pub documents: usize,
    pub problems: usize,
    pub mentions: usize,
    pub times: usize,
    pub stages: Vec<Stage>,
}

/// Options of [`bench_corpus`].
#[derive(Clone, Debug, Default)]
pub struct BenchOptions {
    /// Where the benchmark's own analysis cache is written (a fresh file, deleted afterwards);
    /// `None` = a folder under the system temp dir.
    pub cache_dir: Option<PathBuf>,
}

/// Counts whitespace-separated words in bytes the way `wc -w` does in the C locale (ASCII
/// whitespace separates; everything else is part of a word).
pub fn count_words(bytes: &[u8]) -> u64 {
    let mut words = 0u64;
    let mut in_word = false;
    for &b in bytes {
        let space = matches!(b, b' ' | b'\n' | b'\t' | b'\r' | 0x0b | 0x0c);
        if !space && !in_word {
            words += 1;
        }
        in_word = !space;
    }
    words
}

/// Runs every stage on `root` (a folder or file).
pub fn bench_corpus(root: &Path, options: &BenchOptions) -> anyhow::Result<CorpusBench> {
    if !root.exists() {
        anyhow::bail!("no such file or folder: {}", root.display());
    }
    let cores = super::cores();
    let mut stages = Vec::new();
    let roots = vec![root.to_path_buf()];

    // 1. raw read: list, read every article file, count words
    let t = Clock::start();
    let entries: Vec<_> = walk_all(&roots, &FsReader)
        .into_iter()
        .filter_map(|e| match e {
            WalkEvent::Article(entry) => Some(entry),
            _ => None,
        })
        .collect();
    let listed = t.wall();
    let max = CorpusOptions::default().max_file_bytes;
    let raw: Vec<(usize, Vec<u8>)> = entries
        .par_iter()
        .enumerate()
        .filter_map(|(i, e)| FsReader.read(&e.path, max).ok().map(|b| (i, b)))
        .collect();
    let words: u64 = raw.par_iter().map(|(_, b)| count_words(b)).sum();
    let bytes: u64 = raw.iter().map(|(_, b)| b.len() as u64).sum();
    stages.push(Stage {
        name: "raw read (wc -w)",
        seconds: t.wall(),
        cpu_seconds: t.cpu(),
        note: format!("{} files, {:.1} MB, listing {:.2} s", raw.len(), mb(bytes), listed),
    });

    // 2. decoding + header + title of the bytes in memory
    let t = Clock::start();
    let decoded: Vec<_> = raw
        .par_iter()
        .filter_map(|(i, b)| entries.get(*i).map(|e| load_bytes(b, &e.path, &e.rel_path)))
        .collect();
    let ok = decoded.iter().filter(|d| d.is_ok()).count();
    stages.push(Stage {
        name: "decode + header",
        seconds: t.wall(),
        cpu_seconds: t.cpu(),
        note: format!("{ok} documents, {} problems", decoded.len() - ok),
    });
    drop(decoded);
    drop(raw);

    // 3. the app's load (walk + read + decode, background job)
    let t = Clock::start();
    let report = load_all(roots.clone(), CorpusOptions::default());
    let mut docs = report.documents;
    docs.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    stages.push(Stage {
        name: "load (walk+read+decode)",
        seconds: t.wall(),
        cpu_seconds: t.cpu(),
        note: format!("{} documents, {} problems", docs.len(), report.problems.len()),
    });

    // 4. analysis (the embedded model and tables are loaded first, as a stage of their own)
    let t = Clock::start();
    let warm = crate::extract::analyze_document("زار الرئيس باريس أمس.", None);
    stages.push(Stage {
        name: "model load (once)",
        seconds: t.wall(),
        cpu_seconds: t.cpu(),
        note: format!("{} mentions in the warm-up sentence", warm.entities.len()),
    });
    let t = Clock::start();
    let analyses = analyze_all(&docs);
    let mentions: usize = analyses.iter().map(|a| a.entities.len()).sum();
    let times: usize = analyses.iter().map(|a| a.times.len()).sum();
    stages.push(Stage {
        name: "analysis (entities+times)",
        seconds: t.wall(),
        cpu_seconds: t.cpu(),
        note: format!("{mentions} mentions, {times} time expressions"),
    });

    // 5. cache write (what the first open adds)
    let cache_dir = options
        .cache_dir
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join(format!("khabar-bench-cache-{}", std::process::id())));
    let cache_file = cache_dir.join("bench.cache");
    std::fs::remove_file(&cache_file).ok();
    let t = Clock::start();
    let mut cache = AnalysisCache::open(&cache_file);
    for (d, a) in docs.iter().zip(&analyses) {
        cache.insert(d, d.text_hash, a);
    }
    cache.save()?;
    let cache_bytes = std::fs::metadata(&cache_file).map(|m| m.len()).unwrap_or(0);
    stages.push(Stage {
        name: "cache write",
        seconds: t.wall(),
        cpu_seconds: t.cpu(),
        note: format!("{:.1} MB cache file", mb(cache_bytes)),
    });

    // 6. index build
    let t = Clock::start();
    let texts: Vec<&str> = docs.iter().map(|d| d.text.as_ref()).collect();
    let search = SearchIndex::build(&texts);
    let terms = search.term_count();
    drop(texts);
    let corpus = AnalyzedCorpus::build(docs.clone(), analyses, &AliasEdits::new());
    stages.push(Stage {
        name: "index build",
        seconds: t.wall(),
        cpu_seconds: t.cpu(),
        note: format!(
            "{} entities, {} events, {terms} search terms",
            corpus.entities.len(),
            corpus.events.len()
        ),
    });
    drop(corpus);
    drop(search);

    // 7. cached reopen: open + check the cache file, every document a hit, analyses decoded
    let t = Clock::start();
    let mut cache = AnalysisCache::open(&cache_file);
    let cancel = AtomicBool::new(false);
    let text_of = |i: usize| docs.get(i).and_then(|d| d.text_or_read());
    let run =
        analyze_with_cache(&docs, text_of, &mut cache, &CacheRun { progress: None, cancel: Some(&cancel) });
    stages.push(Stage {
        name: "cached reopen",
        seconds: t.wall(),
        cpu_seconds: t.cpu(),
        note: format!("{} hits, {} analysed", run.hits, run.analysed),
    });
    std::fs::remove_file(&cache_file).ok();
    if options.cache_dir.is_none() {
        std::fs::remove_dir(&cache_dir).ok();
    }

    Ok(CorpusBench {
        path: root.to_path_buf(),
        cores,
        commit: super::commit(),
        files: entries.len(),
        bytes,
        words,
        documents: docs.len(),
        problems: report.problems.len(),
        mentions,
        times,
        stages,
    })
}

/// Wall and CPU time since a start.
struct Clock {
    wall: Instant,
    cpu: Option<f64>,
}

impl Clock {
    fn start() -> Clock {
        Clock { wall: Instant::now(), cpu: super::process_cpu_seconds() }
    }

    fn wall(&self) -> f64 {
        self.wall.elapsed().as_secs_f64()
    }

    fn cpu(&self) -> Option<f64> {
        Some(super::process_cpu_seconds()? - self.cpu?)
    }
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

/// The 1-minute load average (Linux), to judge how busy the machine was.
fn load_average() -> Option<String> {
    let s = std::fs::read_to_string("/proc/loadavg").ok()?;
    s.split_whitespace().next().map(str::to_string)
}

impl CorpusBench {
    /// Seconds of a stage by name.
    pub fn seconds(&self, name: &str) -> Option<f64> {
        self.stages.iter().find(|s| s.name == name).map(|s| s.seconds)
    }
}

impl fmt::Display for CorpusBench {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "khabar bench corpus {}", self.path.display())?;
        writeln!(f, "machine: {} cores ({}), commit {}", self.cores, std::env::consts::ARCH, self.commit)?;
        writeln!(
            f,
            "corpus: {} files, {} documents, {} problems, {:.1} MB, {} words ({:.0} words/file), {} mentions, {} time expressions",
            self.files,
            self.documents,
            self.problems,
            mb(self.bytes),
            self.words,
            self.words as f64 / self.files.max(1) as f64,
            self.mentions,
            self.times
        )?;
        let raw = self.stages.first().map(|s| s.seconds).unwrap_or(0.0);
        let analysis = self.seconds("analysis (entities+times)");
        writeln!(
            f,
            "{:<26} {:>8} {:>8} {:>13} {:>13} {:>7} {:>10}  note",
            "stage", "wall s", "cpu s", "words/s/core", "words/cpu-s", "x raw", "% analysis"
        )?;
        for s in &self.stages {
            let per_core = self.words as f64 / s.seconds.max(1e-9) / self.cores as f64;
            let per_cpu = s.cpu_seconds.map(|c| format!("{:.0}", self.words as f64 / c.max(0.005)));
            let ratio = s.seconds / raw.max(1e-9);
            let of_analysis = analysis.map(|a| format!("{:.1}%", 100.0 * s.seconds / a.max(1e-9)));
            writeln!(
                f,
                "{:<26} {:>8.3} {:>8} {:>13.0} {:>13} {:>7.2} {:>10}  {}",
                s.name,
                s.seconds,
                s.cpu_seconds.map(|c| format!("{c:.2}")).unwrap_or_else(|| "-".into()),
                per_core,
                per_cpu.unwrap_or_else(|| "-".into()),
                ratio,
                of_analysis.unwrap_or_default(),
                s.note
            )?;
        }
        writeln!(
            f,
            "words/s/core = corpus words / wall s / {} cores; words/cpu-s = corpus words / process CPU s \
             (all threads): the per-core rate unaffected by other load on the machine",
            self.cores
        )?;
        if let Some(load) = load_average() {
            writeln!(f, "load average at the end: {load}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_counted_like_wc() {
        assert_eq!(count_words(b""), 0);
        assert_eq!(count_words(b"  a  b\tc\n"), 3);
        assert_eq!(count_words("بوتين يستقبل\r\nوزيرة".as_bytes()), 3);
        // a non-breaking space is part of a word for wc in the C locale
        assert_eq!(count_words("a\u{a0}b".as_bytes()), 1);
    }

    #[test]
    fn every_stage_runs_on_a_small_folder() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("c");
        std::fs::create_dir_all(&corpus).unwrap();
        for i in 0..5 {
            let text = format!(" date 2024-01-0{}\nزار الرئيس باريس يوم الأحد. وقال {i} كلمات.", i + 1);
            std::fs::write(corpus.join(format!("{i}.txt")), text).unwrap();
        }
        std::fs::write(corpus.join("bad.txt"), [0u8, 1, 2, 3, 0, 0]).unwrap();
        let options = BenchOptions { cache_dir: Some(dir.path().join("cache")) };
        let b = bench_corpus(&corpus, &options).unwrap();
        assert_eq!((b.files, b.documents, b.problems), (6, 5, 1));
        assert_eq!(b.stages.len(), 8);
        assert!(b.stages.iter().all(|s| s.seconds >= 0.0));
        let reopen = b.stages.last().unwrap();
        assert!(reopen.note.starts_with("5 hits, 0 analysed"), "{}", reopen.note);
        let text = b.to_string();
        assert!(text.contains("cached reopen") && text.contains("words/s/core"), "{text}");
        assert!(!dir.path().join("cache").join("bench.cache").exists());
    }
}

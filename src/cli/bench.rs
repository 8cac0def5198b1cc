//! `khabar bench text` (layout and frame-time ratios) and `khabar bench corpus PATH`: measures every stage of opening a corpus in one run (raw read,
//! decode + header, load, analysis, cache write, index build, cached reopen) and prints times,
//! words/s per core and ratios to the raw read (see `khabar::bench`). Other benchmarks can be
//! added as further `khabar bench WHAT` subcommands.

use std::path::PathBuf;
use std::process::ExitCode;

use khabar::bench::corpus::{BenchOptions, bench_corpus};

#[derive(clap::Args, Debug)]
pub struct BenchArgs {
    #[command(subcommand)]
    pub what: BenchWhat,
}

#[derive(clap::Subcommand, Debug)]
pub enum BenchWhat {
    /// Read, decode, analyse, index and reopen (from a fresh cache) a folder of articles.
    Corpus(CorpusBenchArgs),
    /// Arabic layout: cold and warm layout vs hb-shape, re-wrap of a 1 MB article, memory; and
    /// (GUI builds) the document pane's CPU frame time while scrolling a 1 MB article.
    Text,
    /// The whole app, headless, opening a folder: time to the first listed document, frame
    /// times while loading and analysing (GUI builds).
    App(AppBenchArgs),
}

#[derive(clap::Args, Debug)]
pub struct AppBenchArgs {
    /// Folder to open.
    pub path: PathBuf,
    /// Stop waiting after this many seconds.
    #[arg(long, default_value_t = 1800)]
    pub timeout: u64,
}

#[derive(clap::Args, Debug)]
pub struct CorpusBenchArgs {
    /// Folder (or article file) to measure.
    pub path: PathBuf,
    /// Folder for the benchmark's own cache file (deleted afterwards); default: the temp dir.
    #[arg(long)]
    pub cache_dir: Option<PathBuf>,
}

pub fn run(args: BenchArgs) -> anyhow::Result<ExitCode> {
    match args.what {
        BenchWhat::Corpus(a) => {
            let result = bench_corpus(&a.path, &BenchOptions { cache_dir: a.cache_dir })?;
            print!("{result}");
            Ok(ExitCode::SUCCESS)
        }
        BenchWhat::App(a) => {
            #[cfg(feature = "gui")]
            {
                let result =
                    khabar::bench::app::bench_app(a.path, std::time::Duration::from_secs(a.timeout))?;
                print!("{result}");
                Ok(ExitCode::SUCCESS)
            }
            #[cfg(not(feature = "gui"))]
            {
                let _ = a;
                anyhow::bail!("this build has no desktop app (built without the `gui` feature)")
            }
        }
        BenchWhat::Text => {
            println!("{}", khabar::text::bench::bench_text());
            #[cfg(feature = "gui")]
            println!("{}", khabar::text::bench_frame::bench_frame());
            Ok(ExitCode::SUCCESS)
        }
    }
}

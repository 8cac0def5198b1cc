//! `khabar bench corpus PATH`: measures every stage of opening a corpus in one run (raw read,
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
    }
}

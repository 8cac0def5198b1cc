//! `khabar open PATH…`: starts the desktop app on folders or files (the last folder, else the
//! bundled samples, when none is given). `khabar open --analysis FILE…` opens the
//! `khabar.document/1` record files of a sharded run instead (JSONL, gzip when the name ends in
//! `.gz`; see `index::prebuilt` for how the articles' texts are found).

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug, Default)]
pub struct OpenArgs {
    /// Folders or article files to open.
    pub paths: Vec<PathBuf>,
    /// Open prebuilt analysis record files (`khabar analyze --format jsonl` output of each
    /// shard, plain or .gz) instead of analysing folders; relative article paths in the records
    /// are looked for beside each record file, then in the current folder.
    #[arg(long, value_name = "FILE", num_args = 1.., conflicts_with = "paths")]
    pub analysis: Vec<PathBuf>,
}

pub fn run(args: OpenArgs) -> anyhow::Result<ExitCode> {
    for f in &args.analysis {
        if !f.is_file() {
            anyhow::bail!("no such analysis file: {}", f.display());
        }
    }
    #[cfg(feature = "gui")]
    {
        if args.analysis.is_empty() {
            khabar::ui::run_app(args.paths)?;
        } else {
            khabar::ui::run_app_with_analysis(args.analysis)?;
        }
        Ok(ExitCode::SUCCESS)
    }
    #[cfg(not(feature = "gui"))]
    {
        let _ = args;
        anyhow::bail!("this build of khabar has no desktop app (built without the `gui` feature)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser, Debug)]
    struct Cli {
        #[command(flatten)]
        open: OpenArgs,
    }

    #[test]
    fn analysis_takes_several_files_and_excludes_paths() {
        let cli = Cli::try_parse_from(["open", "--analysis", "a.jsonl", "b.jsonl.gz"]).unwrap();
        assert_eq!(cli.open.analysis, [PathBuf::from("a.jsonl"), PathBuf::from("b.jsonl.gz")]);
        assert!(cli.open.paths.is_empty());
        assert!(Cli::try_parse_from(["open", "--analysis"]).is_err());
        assert!(Cli::try_parse_from(["open", "dir", "--analysis", "a.jsonl"]).is_err());
        let cli = Cli::try_parse_from(["open", "dir"]).unwrap();
        assert!(cli.open.analysis.is_empty());
    }
}

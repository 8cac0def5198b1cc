//! `khabar export PATH… --what entities|mentions|events|documents --format csv|json --out FILE
//! [--entity NAME] [--from DATE] [--to DATE] [--query TEXT] [--bom]`: one table of the analysed
//! corpus (see `khabar::index::table` for columns and filter rules). The mentions CSV has the
//! columns of `khabar analyze --format csv` (same writer).
//!
//! Dates are `YYYY-MM-DD`, or any TIMEX3 calendar value (`2024`, `2024-05`): `--from` takes its
//! first day, `--to` its last. Exit status as `khabar list`: 0 all files loaded, 1 some files
//! could not be loaded (listed on stderr), 2 could not run (bad input, unknown entity, output).

use std::io::{self, BufWriter};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use chrono::NaiveDate;

use khabar::corpus::{CorpusOptions, load_all};
use khabar::extract::timex_range::timex_range;
use khabar::index::table::{TableFilter, TableFormat, TableKind, find_entity, write_table};
use khabar::index::{AliasEdits, AnalyzedCorpus};

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum What {
    Entities,
    Mentions,
    Events,
    Documents,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    #[default]
    Csv,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    /// Folders or article files.
    #[arg(required = true, value_name = "PATH")]
    pub inputs: Vec<PathBuf>,
    /// Which table.
    #[arg(long, value_enum)]
    pub what: What,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    pub format: Format,
    /// Output file ("-" for stdout).
    #[arg(long)]
    pub out: PathBuf,
    /// Only this entity (its id, canonical name or an alias).
    #[arg(long)]
    pub entity: Option<String>,
    /// First day (YYYY-MM-DD, YYYY-MM or YYYY).
    #[arg(long)]
    pub from: Option<String>,
    /// Last day (YYYY-MM-DD, YYYY-MM or YYYY).
    #[arg(long)]
    pub to: Option<String>,
    /// Only documents matching this search query.
    #[arg(long)]
    pub query: Option<String>,
    /// Start the CSV with a byte-order mark (for spreadsheet apps).
    #[arg(long)]
    pub bom: bool,
    /// Alias edits to apply (a khabar.aliases/1 file, as saved by the app).
    #[arg(long)]
    pub aliases: Option<PathBuf>,
}

/// A date argument: the first (`last = false`) or last day of its calendar range.
fn parse_day(s: &str, last: bool) -> anyhow::Result<NaiveDate> {
    let (a, b) = timex_range(s).with_context(|| format!("not a date: {s:?} (use YYYY-MM-DD)"))?;
    Ok(if last { b } else { a })
}

pub fn run(args: ExportArgs) -> anyhow::Result<ExitCode> {
    for p in &args.inputs {
        std::fs::metadata(p).with_context(|| format!("cannot open {}", p.display()))?;
    }
    let from = args.from.as_deref().map(|s| parse_day(s, false)).transpose()?;
    let to = args.to.as_deref().map(|s| parse_day(s, true)).transpose()?;
    let edits = match &args.aliases {
        Some(path) => AliasEdits::load(path)?,
        None => AliasEdits::new(),
    };
    let report = load_all(args.inputs.clone(), CorpusOptions::default());
    let corpus = AnalyzedCorpus::from_load_report(report, &edits);

    let entity = match &args.entity {
        Some(name) => {
            Some(find_entity(&corpus, name).with_context(|| format!("no entity matches {name:?}"))?)
        }
        None => None,
    };
    let filter = TableFilter { entity, from, to, documents: None, query: args.query.clone() };
    let what = match args.what {
        What::Entities => TableKind::Entities,
        What::Mentions => TableKind::Mentions,
        What::Events => TableKind::Events,
        What::Documents => TableKind::Documents,
    };
    let format = match args.format {
        Format::Csv => TableFormat::Csv { bom: args.bom },
        Format::Json => TableFormat::Json,
    };
    let result = if args.out.as_os_str() == "-" {
        write_table(&corpus, what, &filter, format, BufWriter::new(io::stdout().lock()))
    } else {
        let file = std::fs::File::create(&args.out)
            .with_context(|| format!("cannot write {}", args.out.display()))?;
        write_table(&corpus, what, &filter, format, BufWriter::new(file))
    };
    match result {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        Err(e) => return Err(anyhow::Error::new(e).context("writing the table")),
        Ok(()) => {}
    }
    for p in &corpus.problems {
        eprintln!("khabar: {}: {}", p.reason, p.rel_path);
    }
    Ok(if corpus.problems.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

//! `khabar analyze PATH… --format json|jsonl|csv [--out FILE] [--aliases FILE]`: loads the
//! articles, analyses them in parallel (rayon), clusters aliases across the corpus and writes
//! the `khabar.analysis/1` object, per-document `khabar.document/1` records, or the mentions
//! CSV. Output order is deterministic (documents sorted by path). Exit status: 0 all files
//! handled, 1 some files listed as errors, 2 could not run.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use khabar::corpus::{CorpusOptions, Document, FileEntry, FileProblem, LoadReport, load_all, load_file};
use khabar::index::output::{corpus_json, document_record, write_mentions_csv};
use khabar::index::{AliasEdits, AnalyzedCorpus};

#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// One `khabar.analysis/1` object (documents, entities with aliases, events, errors).
    #[default]
    Json,
    /// One `khabar.document/1` record per line, entity ids local to the document (d:0, d:1, …),
    /// plus the document's `events` so merged records give the corpus events.
    Jsonl,
    /// One row per mention: document,entity_id,type,canonical,start,end,text.
    Csv,
}

/// Analyse folders or files.
///
/// `times` holds whatever the time-expression extractor finds (empty until that issue lands);
/// events are sentences with a resolved date.
#[derive(clap::Args, Debug)]
pub struct AnalyzeArgs {
    /// Folders or article files.
    #[arg(required_unless_present = "files_from")]
    pub inputs: Vec<PathBuf>,
    /// Read the article files to analyse from this list (one path per line, `-` = stdin)
    /// instead of walking folders; each document's path in the output is the line as given
    /// (relative to `--base`). This is the map step of a sharded run (docs/scaling.md).
    #[arg(long, value_name = "LIST", conflicts_with = "inputs")]
    pub files_from: Option<PathBuf>,
    /// Folder the paths of `--files-from` are relative to (default: the current folder).
    #[arg(long, value_name = "DIR", requires = "files_from")]
    pub base: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub format: Format,
    /// Write to this file instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Alias edits to apply (a khabar.aliases/1 file, as saved by the app).
    #[arg(long)]
    pub aliases: Option<PathBuf>,
}

pub fn run(args: AnalyzeArgs) -> anyhow::Result<ExitCode> {
    for p in &args.inputs {
        if !p.exists() {
            anyhow::bail!("no such file or folder: {}", p.display());
        }
    }
    let edits = match &args.aliases {
        Some(path) => AliasEdits::load(path)?,
        None => AliasEdits::new(),
    };
    let report = match &args.files_from {
        Some(list) => load_list(list, args.base.as_deref())?,
        None => load_all(args.inputs.clone(), CorpusOptions::default()),
    };
    let corpus = AnalyzedCorpus::from_load_report(report, &edits);

    let result = match &args.out {
        Some(path) => {
            let file = std::fs::File::create(path)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
            write_output(&corpus, args.format, BufWriter::new(file))
        }
        None => write_output(&corpus, args.format, BufWriter::new(io::stdout().lock())),
    };
    match result {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(ExitCode::SUCCESS),
        Err(e) => return Err(e.into()),
    }
    if args.format != Format::Json {
        for p in &corpus.problems {
            eprintln!("khabar: {}: {}", p.reason, p.rel_path);
        }
    }
    Ok(if corpus.problems.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// Loads the files named in a list (`-` = stdin), in parallel; `rel_path` = the line as given.
fn load_list(list: &std::path::Path, base: Option<&std::path::Path>) -> anyhow::Result<LoadReport> {
    use rayon::prelude::*;
    let text = if list.as_os_str() == "-" {
        io::read_to_string(io::stdin().lock())?
    } else {
        std::fs::read_to_string(list).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", list.display()))?
    };
    let options = CorpusOptions::default();
    let lines: Vec<&str> = text.lines().map(|l| l.trim_end_matches('\r')).filter(|l| !l.is_empty()).collect();
    let results: Vec<Result<Document, FileProblem>> = lines
        .par_iter()
        .map(|line| {
            let path = base.map_or_else(|| PathBuf::from(line), |b| b.join(line));
            let meta = std::fs::metadata(&path).map_err(|e| {
                let reason = if e.kind() == io::ErrorKind::NotFound {
                    "vanished before it could be read (file not found)".to_string()
                } else {
                    format!("unreadable: {e}")
                };
                FileProblem::new(&path, *line, reason)
            })?;
            let entry = FileEntry {
                path,
                rel_path: line.to_string(),
                bytes: meta.len(),
                modified: meta.modified().ok(),
            };
            load_file(&entry, &options)
        })
        .collect();
    let mut report = LoadReport::default();
    for r in results {
        match r {
            Ok(d) => report.documents.push(d),
            Err(p) => report.problems.push(p),
        }
    }
    Ok(report)
}

fn write_output<W: Write>(corpus: &AnalyzedCorpus, format: Format, mut w: W) -> io::Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer(&mut w, &corpus_json(corpus))?;
            w.write_all(b"\n")?;
        }
        Format::Jsonl => {
            for d in &corpus.documents {
                serde_json::to_writer(&mut w, &document_record(d))?;
                w.write_all(b"\n")?;
            }
        }
        Format::Csv => {
            write_mentions_csv(corpus, &mut w).map_err(|e| match e.into_kind() {
                csv::ErrorKind::Io(e) => e,
                other => io::Error::other(format!("{other:?}")),
            })?;
        }
    }
    w.flush()
}

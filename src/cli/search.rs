//! `khabar search PATH QUERY [--format json|text]`: Arabic-normalised search over the
//! articles of a folder (hamza/alef/ya/ta marbuta/tashkeel/tatweel/digits folded, phrases,
//! proclitics). Prints `{"hits": [{"document", "start", "end", "snippet"}]}` with every hit in
//! document order (documents sorted by path; offsets are code points). `--bench` runs the
//! latency benchmark of the search issue instead. Exit status as for `khabar list`.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;

use khabar::corpus::{CorpusOptions, load_all};
use khabar::index::search::{SearchIndex, bench_search};

#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// `{"hits": [{"document", "start", "end", "snippet"}]}`
    #[default]
    Json,
    /// One line per hit: `path:start-end: snippet`.
    Text,
}

#[derive(clap::Args, Debug)]
pub struct SearchArgs {
    /// Folder or article file to search.
    pub path: PathBuf,
    /// Word or phrase (required unless --bench).
    #[arg(required_unless_present = "bench")]
    pub query: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub format: Format,
    /// Build the index and report build time, size and p50/p95 latency of the benchmark query set.
    #[arg(long)]
    pub bench: bool,
}

#[derive(Serialize)]
struct HitJson<'a> {
    document: &'a str,
    start: usize,
    end: usize,
    snippet: &'a str,
}

#[derive(Serialize)]
struct HitsJson<'a> {
    hits: Vec<HitJson<'a>>,
}

pub fn run(args: SearchArgs) -> anyhow::Result<ExitCode> {
    if !args.path.exists() {
        anyhow::bail!("no such file or folder: {}", args.path.display());
    }
    let report = load_all(vec![args.path.clone()], CorpusOptions::default());
    let mut docs = report.documents;
    docs.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    for p in &report.problems {
        eprintln!("khabar: {}: {}", p.reason, p.rel_path);
    }
    let code = if report.problems.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) };
    let texts: Vec<&str> = docs.iter().map(|d| d.text.as_ref()).collect();
    if args.bench {
        print!("{}", bench_search(&texts, None));
        return Ok(code);
    }
    let query = args.query.unwrap_or_default();
    let index = SearchIndex::build(&texts);
    let text_of = |i: usize| texts.get(i).copied().unwrap_or("");
    let hits = index.search_all(&query, &text_of);
    let path_of = |i: usize| docs.get(i).map(|d| d.rel_path.as_str()).unwrap_or("");
    let mut out = BufWriter::new(io::stdout().lock());
    let result = match args.format {
        Format::Json => {
            let json = HitsJson {
                hits: hits
                    .iter()
                    .map(|h| HitJson {
                        document: path_of(h.document),
                        start: h.start,
                        end: h.end,
                        snippet: &h.snippet,
                    })
                    .collect(),
            };
            serde_json::to_writer(&mut out, &json)
                .map_err(io::Error::from)
                .and_then(|()| out.write_all(b"\n"))
        }
        Format::Text => hits.iter().try_for_each(|h| {
            writeln!(out, "{}:{}-{}: {}", path_of(h.document), h.start, h.end, h.snippet.trim())
        }),
    }
    .and_then(|()| out.flush());
    match result {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => Err(e.into()),
        Ok(()) => Ok(code),
    }
}

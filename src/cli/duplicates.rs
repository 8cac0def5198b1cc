//! `khabar duplicates PATH… [--format json]`: groups of near-duplicate articles (copies of one
//! text: syndicated, re-scraped, lightly edited), boilerplate lines left out
//! ([`khabar::index::duplicates`]).
//!
//! Prints `{"groups": [{"documents": [relative paths], "similarity": x}]}` — groups of two or
//! more, paths sorted within a group, groups in the order of their first path; `similarity` is
//! the mean estimated Jaccard of the group's verified pairs. `--timings` prints the time of each
//! stage (load, boilerplate learning, sketches, LSH + grouping; wall and process CPU seconds) to stderr. Exit status as `khabar list`: 0 when
//! every file loaded, 1 when some files could not be loaded (reasons on stderr), 2 when it could
//! not run.

use std::io::{self, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context as _;
use serde::Serialize;

use khabar::corpus::{CorpusOptions, load_all};
use khabar::index::boilerplate::BoilerplateModel;
use khabar::index::duplicates::{DuplicateOptions, groups_from_sketches, sketches_with_model};

#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DuplicatesFormat {
    #[default]
    Json,
}

#[derive(clap::Args, Debug)]
pub struct DuplicatesArgs {
    /// Folders or files to examine.
    #[arg(required = true, value_name = "PATH")]
    pub inputs: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DuplicatesFormat::Json)]
    pub format: DuplicatesFormat,
    /// Estimated Jaccard similarity at or above which two articles are copies.
    #[arg(long, default_value_t = DuplicateOptions::default().jaccard)]
    pub threshold: f64,
    /// Keep boilerplate lines (do not learn and mask them).
    #[arg(long)]
    pub keep_boilerplate: bool,
    /// Print the wall and CPU time of each stage to stderr.
    #[arg(long)]
    pub timings: bool,
}

#[derive(Serialize)]
struct JsonGroup<'a> {
    documents: Vec<&'a str>,
    similarity: f64,
}

#[derive(Serialize)]
struct JsonGroups<'a> {
    groups: Vec<JsonGroup<'a>>,
}

pub fn run(args: DuplicatesArgs) -> anyhow::Result<ExitCode> {
    for input in &args.inputs {
        std::fs::metadata(input).with_context(|| format!("cannot open {}", input.display()))?;
    }
    // (stage, wall seconds, process CPU seconds of all threads)
    let mut stages: Vec<(&str, f64, f64)> = Vec::new();
    let cpu_now = || khabar::bench::process_cpu_seconds().unwrap_or(0.0);
    let (mut clock, mut cpu) = (Instant::now(), cpu_now());
    let mut lap = |name: &'static str, stages: &mut Vec<(&str, f64, f64)>| {
        let now = cpu_now();
        stages.push((name, clock.elapsed().as_secs_f64(), now - cpu));
        (clock, cpu) = (Instant::now(), now);
    };
    let report = load_all(args.inputs, CorpusOptions::default());
    lap("load (walk, read, decode)", &mut stages);
    let code = ExitCode::from(if report.problems.is_empty() { 0 } else { 1 });
    {
        let mut err = io::stderr().lock();
        for problem in &report.problems {
            writeln!(err, "{}: {}", problem.rel_path, problem.reason).ok();
        }
    }
    let texts: Vec<&str> = report.documents.iter().map(|d| d.text.as_ref()).collect();
    let opts = DuplicateOptions {
        jaccard: args.threshold,
        mask_boilerplate: !args.keep_boilerplate,
        ..DuplicateOptions::default()
    };
    let model = opts.mask_boilerplate.then(|| BoilerplateModel::learn(&texts));
    lap("boilerplate learning", &mut stages);
    let sketches = sketches_with_model(&texts, model.as_ref(), opts.shingle);
    lap("sketches (mask, words, shingles, MinHash)", &mut stages);
    let found = groups_from_sketches(&sketches, &opts);
    lap("LSH candidates, verification, groups", &mut stages);
    let mut groups: Vec<JsonGroup> = found
        .iter()
        .map(|g| {
            let mut documents: Vec<&str> = g
                .documents
                .iter()
                .filter_map(|&i| report.documents.get(i).map(|d| d.rel_path.as_str()))
                .collect();
            documents.sort_unstable();
            JsonGroup { documents, similarity: (g.similarity * 1000.0).round() / 1000.0 }
        })
        .collect();
    groups.sort_by(|a, b| a.documents.cmp(&b.documents));
    let mut out = io::BufWriter::new(io::stdout().lock());
    let written = serde_json::to_writer_pretty(&mut out, &JsonGroups { groups })
        .map_err(io::Error::from)
        .and_then(|()| writeln!(out))
        .and_then(|()| out.flush());
    lap("output", &mut stages);
    if args.timings {
        let mut err = io::stderr().lock();
        writeln!(err, "  wall s     cpu s  stage").ok();
        for (name, wall, cpu) in &stages {
            writeln!(err, "{wall:8.3}  {cpu:8.2}  {name}").ok();
        }
        let wall: f64 = stages.iter().map(|s| s.1).sum();
        let cpu: f64 = stages.iter().map(|s| s.2).sum();
        let (docs, groups) = (texts.len(), found.len());
        writeln!(err, "{wall:8.3}  {cpu:8.2}  total ({docs} documents, {groups} groups)").ok();
    }
    match written {
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(code),
        Err(err) => Err(anyhow::Error::new(err).context("writing the groups")),
        Ok(()) => Ok(code),
    }
}

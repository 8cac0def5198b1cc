//! The command line: `khabar` (GUI on the last folder or the samples), `khabar open PATH…`,
//! `khabar PATH…` (shortcut for open), and the batch subcommands. Each subcommand lives in
//! its own file with its `Args` struct and a `run` returning the exit code.

use std::ffi::OsString;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod analyze;
mod bench;
mod cache;
mod duplicates;
mod export;
mod layout_dump;
mod list;
mod notes;
mod open;
mod screenshot;
mod search;
mod tag;
mod train_ner;

/// Khabar (خبر) — explore folders of Arabic news articles.
#[derive(Parser, Debug)]
#[command(name = "khabar", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Open folders or files in the desktop app (what the desktop launcher calls).
    Open(open::OpenArgs),
    /// List the articles of folders with date, title and encoding, and the files that failed.
    List(list::ListArgs),
    /// Analyse folders: entities, aliases, time expressions and events (khabar.analysis/1 JSON).
    Analyze(analyze::AnalyzeArgs),
    /// Tag CoNLL-style tokens from stdin with the NER model ("token TAG" lines).
    Tag(tag::TagArgs),
    /// Retrain the NER model reproducibly from ANERcorp.
    TrainNer(train_ner::TrainNerArgs),
    /// Render the app without a window and save the window or one pane as a PNG.
    Screenshot(screenshot::ScreenshotArgs),
    /// Group near-duplicate articles (copies of one text), boilerplate left out (JSON).
    Duplicates(duplicates::DuplicatesArgs),
    /// Export a table (entities, mentions, events, documents) of a folder as CSV or JSON.
    Export(export::ExportArgs),
    /// Search the articles of a folder (Arabic-normalised; every hit as JSON).
    Search(search::SearchArgs),
    /// Print the Arabic layout of a text file in the "ref-layout 1" format.
    LayoutDump(layout_dump::LayoutDumpArgs),
    /// Measure the stages of opening a corpus (read, decode, analysis, index, cached reopen).
    Bench(bench::BenchArgs),
    /// Show (--info) or delete (--clear) the analysis caches in the user's cache directory.
    Cache(cache::CacheArgs),
    /// Export the notes, tags and stars saved for a folder as Markdown or CSV, with citations.
    Notes(notes::NotesArgs),
}

/// Parses the process arguments and runs the chosen command.
pub fn run() -> anyhow::Result<ExitCode> {
    let args = with_open_shortcut(std::env::args_os().collect());
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) => {
            let code = if err.use_stderr() { 2 } else { 0 };
            err.print().ok();
            return Ok(ExitCode::from(code));
        }
    };
    match cli.command {
        None => open::run(open::OpenArgs::default()),
        Some(Command::Open(a)) => open::run(a),
        Some(Command::List(a)) => list::run(a),
        Some(Command::Analyze(a)) => analyze::run(a),
        Some(Command::Tag(a)) => tag::run(a),
        Some(Command::TrainNer(a)) => train_ner::run(a),
        Some(Command::LayoutDump(a)) => layout_dump::run(a),
        Some(Command::Screenshot(a)) => screenshot::run(a),
        Some(Command::Search(a)) => search::run(a),
        Some(Command::Bench(a)) => bench::run(a),
        Some(Command::Cache(a)) => cache::run(a),
        Some(Command::Export(a)) => export::run(a),
        Some(Command::Duplicates(a)) => duplicates::run(a),
        Some(Command::Notes(a)) => notes::run(a),
    }
}

/// `khabar PATH…` means `khabar open PATH…` when the first argument is an existing path
/// rather than a subcommand.
fn with_open_shortcut(mut args: Vec<OsString>) -> Vec<OsString> {
    if let Some(first) = args.get(1) {
        let s = first.to_string_lossy();
        let is_sub = s.starts_with('-')
            || s == "help"
            || <Cli as clap::CommandFactory>::command().get_subcommands().any(|c| c.get_name() == s);
        if !is_sub && std::path::Path::new(first).exists() {
            args.insert(1, OsString::from("open"));
        }
    }
    args
}

//! `khabar notes PATH… --format md|csv [--bom] [--out FILE]`: exports the notes, tags and stars
//! the user saved for the corpus opened from these paths ([`khabar::index::workspace`]), with
//! citations (title, file, publication date or "undated") read from the corpus itself.
//!
//! - md: [`notes_markdown`] (a heading per document, each note as a quote and its text).
//! - csv: [`write_notes_csv`] (columns document,title,published,start,end,quote,note,tags,
//!   starred,created; RFC 4180; `--bom` prepends a UTF-8 byte-order mark for spreadsheet apps).
//!
//! Notes are re-anchored to the current text of their documents for the export (offsets of
//! moved passages updated, vanished ones marked detached); the workspace file itself is only
//! read, never written. A corpus without a workspace exports an empty list (with a line on
//! stderr). Exit status: 0 on success, 2 when it could not run (an input does not exist, the
//! workspace file is damaged, the output could not be written). A closed pipe is not a failure.

use std::collections::HashMap;
use std::io;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;

use khabar::corpus::{CorpusOptions, Document, load_all};
use khabar::index::workspace::{Citation, Workspace, notes_markdown, workspace_path, write_notes_csv};

#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum NotesFormat {
    /// Markdown.
    #[default]
    Md,
    /// CSV.
    Csv,
}

#[derive(clap::Args, Debug)]
pub struct NotesArgs {
    /// The folders or files of the corpus (as opened in the app).
    #[arg(required = true, value_name = "PATH")]
    pub inputs: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = NotesFormat::Md)]
    pub format: NotesFormat,
    /// Start the CSV with a UTF-8 byte-order mark (for spreadsheet apps).
    #[arg(long)]
    pub bom: bool,
    /// Write to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn run(args: NotesArgs) -> anyhow::Result<ExitCode> {
    for input in &args.inputs {
        std::fs::metadata(input).with_context(|| format!("cannot open {}", input.display()))?;
    }
    let path = workspace_path(&args.inputs);
    if !path.exists() {
        eprintln!("khabar: no notes saved for this corpus yet ({})", path.display());
    }
    let mut ws = Workspace::load(&path)?;
    let report = load_all(args.inputs.clone(), CorpusOptions::default());
    let docs: HashMap<&str, &Document> = report.documents.iter().map(|d| (d.rel_path.as_str(), d)).collect();
    for doc in ws.documents().into_iter().map(str::to_owned).collect::<Vec<_>>() {
        if let Some(d) = docs.get(doc.as_str()) {
            ws.reanchor(&doc, &d.text);
        }
    }
    let cite = |rel: &str| match docs.get(rel) {
        Some(d) => Citation { title: d.title.clone(), file: rel.to_owned(), published: d.published },
        None => Citation { title: String::new(), file: rel.to_owned(), published: None },
    };
    let write = |out: &mut dyn io::Write| -> io::Result<()> {
        match args.format {
            NotesFormat::Md => out.write_all(notes_markdown(&ws, cite).as_bytes())?,
            NotesFormat::Csv => write_notes_csv(&ws, cite, &mut *out, args.bom)?,
        }
        out.flush()
    };
    match &args.out {
        Some(file) => {
            let mut out = io::BufWriter::new(
                std::fs::File::create(file).with_context(|| format!("cannot create {}", file.display()))?,
            );
            write(&mut out).with_context(|| format!("writing {}", file.display()))?;
        }
        None => match write(&mut io::BufWriter::new(io::stdout().lock())) {
            Err(err) if err.kind() == io::ErrorKind::BrokenPipe => {}
            other => other.context("writing the notes")?,
        },
    }
    Ok(ExitCode::SUCCESS)
}

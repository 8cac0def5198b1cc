//! `khabar list PATH… [--format json|tsv]`: the articles of folders (or files) with date, title,
//! size in code points, encoding and warnings, and the files that could not be loaded.
//!
//! - json: one object `{"documents": [{"path", "published", "title", "chars", "encoding",
//!   "warnings"}], "errors": [{"path", "reason"}]}`, both lists sorted by path; `published` is
//!   `"YYYY-MM-DD"` or `null`; `chars` counts the code points of the decoded text.
//! - tsv: a header line, then one row per document (tabs and line breaks inside a field become
//!   spaces; no date is an empty field; warnings joined by "; "); errors go to stderr as
//!   `path: reason` lines.
//!
//! Paths are relative to the given folder; with several inputs, prefixed by each folder's name.
//! Exit status: 0 when every file loaded, 1 when some files are in "errors", 2 when it could
//! not run (an input does not exist, output failed). A closed pipe (`| head`) is not a failure.

use std::io::{self, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use serde::Serialize;

use khabar::corpus::{CorpusOptions, Document, LoadReport, load_all};

#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ListFormat {
    #[default]
    Json,
    Tsv,
}

#[derive(clap::Args, Debug)]
pub struct ListArgs {
    /// Folders or files to list.
    #[arg(required = true, value_name = "PATH")]
    pub inputs: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Json)]
    pub format: ListFormat,
}

#[derive(Serialize)]
struct JsonList<'a> {
    documents: Vec<JsonDocument<'a>>,
    errors: Vec<JsonError<'a>>,
}

#[derive(Serialize)]
struct JsonDocument<'a> {
    path: &'a str,
    published: Option<String>,
    title: &'a str,
    chars: usize,
    encoding: &'a str,
    warnings: &'a [String],
}

#[derive(Serialize)]
struct JsonError<'a> {
    path: &'a str,
    reason: &'a str,
}

pub fn run(args: ListArgs) -> anyhow::Result<ExitCode> {
    for input in &args.inputs {
        std::fs::metadata(input).with_context(|| format!("cannot open {}", input.display()))?;
    }
    let report = load_all(args.inputs, CorpusOptions::default());
    let code = ExitCode::from(if report.problems.is_empty() { 0 } else { 1 });
    if args.format == ListFormat::Tsv {
        let mut err = io::stderr().lock();
        for problem in &report.problems {
            writeln!(err, "{}: {}", problem.rel_path, problem.reason).ok();
        }
    }
    let mut out = io::BufWriter::new(io::stdout().lock());
    let written = match args.format {
        ListFormat::Json => write_json(&mut out, &report),
        ListFormat::Tsv => write_tsv(&mut out, &report),
    }
    .and_then(|()| out.flush());
    match written {
        // `khabar list … | head`: the reader has what it wanted.
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(code),
        Err(err) => Err(anyhow::Error::new(err).context("writing the list")),
        Ok(()) => Ok(code),
    }
}

fn json_document(doc: &Document) -> JsonDocument<'_> {
    JsonDocument {
        path: &doc.rel_path,
        published: doc.published.map(|d| d.format("%Y-%m-%d").to_string()),
        title: &doc.title,
        chars: doc.text.chars().count(),
        encoding: doc.encoding,
        warnings: &doc.warnings,
    }
}

/// Writes the JSON object (documents and errors already sorted by path by `load_all`).
fn write_json(out: &mut impl io::Write, report: &LoadReport) -> io::Result<()> {
    let list = JsonList {
        documents: report.documents.iter().map(json_document).collect(),
        errors: report.problems.iter().map(|p| JsonError { path: &p.rel_path, reason: &p.reason }).collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &list).map_err(io::Error::from)?;
    writeln!(out)
}

fn tsv_field(s: &str) -> String {
    s.chars().map(|c| if matches!(c, '\t' | '\n' | '\r') { ' ' } else { c }).collect()
}

fn write_tsv(out: &mut impl io::Write, report: &LoadReport) -> io::Result<()> {
    writeln!(out, "path\tpublished\ttitle\tchars\tencoding\twarnings")?;
    for doc in &report.documents {
        let d = json_document(doc);
        writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}",
            tsv_field(d.path),
            d.published.unwrap_or_default(),
            tsv_field(d.title),
            d.chars,
            d.encoding,
            tsv_field(&d.warnings.join("; "))
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use khabar::corpus::load_bytes;
    use std::path::Path;

    fn report() -> LoadReport {
        let dated =
            load_bytes(" date 2025-10-27 عنوان\tالخبر\nنص.".as_bytes(), Path::new("a.txt"), "a.txt").unwrap();
        let undated = load_bytes("خبر بلا تاريخ".as_bytes(), Path::new("b.txt"), "d/b.txt").unwrap();
        let problem = load_bytes(b"", Path::new("c.txt"), "c.txt").unwrap_err();
        LoadReport { documents: vec![dated, undated], problems: vec![problem], ..LoadReport::default() }
    }

    #[test]
    fn json_has_documents_and_errors_with_the_documented_fields() {
        let mut buf = Vec::new();
        write_json(&mut buf, &report()).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&buf).unwrap();
        let docs = v["documents"].as_array().unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0]["path"], "a.txt");
        assert_eq!(docs[0]["published"], "2025-10-27");
        assert_eq!(docs[0]["title"], "عنوان الخبر");
        assert_eq!(docs[0]["chars"], " date 2025-10-27 عنوان\tالخبر\nنص.".chars().count());
        assert_eq!(docs[0]["encoding"], "UTF-8");
        assert_eq!(docs[0]["warnings"], serde_json::json!([]));
        assert!(docs[1]["published"].is_null());
        assert_eq!(v["errors"], serde_json::json!([{"path": "c.txt", "reason": "empty file"}]));
    }

    #[test]
    fn tsv_has_a_header_and_one_clean_row_per_document() {
        let mut buf = Vec::new();
        write_tsv(&mut buf, &report()).unwrap();
        let text = String::from_utf8(buf).unwrap();
        let lines: Vec<_> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0], "path\tpublished\ttitle\tchars\tencoding\twarnings");
        assert!(lines.iter().all(|l| l.split('\t').count() == 6), "{lines:?}");
        assert!(lines[1].starts_with("a.txt\t2025-10-27\tعنوان الخبر\t"));
        assert!(lines[2].starts_with("d/b.txt\t\t"));
    }
}

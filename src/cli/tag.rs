//! `khabar tag`: reads CoNLL-style tokens on stdin (first column = token, other columns
//! ignored, blank line between sentences) and writes "token TAG" lines with ANERcorp's tag
//! names, a blank line between sentences, so `ner_score.py GOLD PRED` can score the output.

use std::io::{BufRead as _, BufWriter, Read as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use khabar::extract::entities::{self, model, train};

#[derive(clap::Args, Debug)]
pub struct TagArgs {
    /// Use this model file (from `khabar train-ner`) instead of the embedded one.
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// Print tokens per second to stderr when done.
    #[arg(long)]
    pub stats: bool,
    /// Sentences tagged together as one document (for the consistency pass).
    #[arg(long, value_name = "N", default_value_t = train::DOC_WINDOW)]
    pub doc_window: usize,
}

pub fn run(args: TagArgs) -> anyhow::Result<ExitCode> {
    let loaded = match &args.model {
        Some(p) => {
            let bytes = std::fs::read(p).with_context(|| format!("reading model {}", p.display()))?;
            Some(model::Model::from_bytes(&bytes).with_context(|| format!("loading model {}", p.display()))?)
        }
        None => None,
    };
    let mut tagger = match &loaded {
        Some(m) => Some(model::Tagger::new(m)),
        None => {
            if entities::builtin_model().is_none() {
                anyhow::bail!("no NER model is embedded in this build");
            }
            None
        }
    };
    let mut input = Vec::new();
    std::io::stdin().lock().read_to_end(&mut input).context("reading stdin")?;
    let started = std::time::Instant::now();
    let cpu_started = cpu_time_ns();
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    // sentences are tagged in blocks treated as one document (consistency pass), as
    // `train-ner --dev` scores them
    let mut block: Vec<Vec<String>> = Vec::new();
    let mut sentence: Vec<String> = Vec::new();
    let mut ntokens = 0usize;
    let mut first = true;
    let mut flush = |block: &mut Vec<Vec<String>>, out: &mut BufWriter<_>| -> std::io::Result<()> {
        if block.is_empty() {
            return Ok(());
        }
        let sents: Vec<Vec<&str>> = block.iter().map(|s| s.iter().map(String::as_str).collect()).collect();
        let tags: Vec<Vec<&str>> = match tagger.as_mut() {
            Some(t) => t
                .tag_document(&sents)
                .into_iter()
                .map(|(tags, _)| {
                    tags.into_iter().map(|i| model::TAGS.get(i as usize).copied().unwrap_or("O")).collect()
                })
                .collect(),
            None => entities::tag_sentences(&sents),
        };
        for (toks, tags) in sents.iter().zip(tags) {
            if !first {
                out.write_all(b"\n")?;
            }
            first = false;
            for (tok, tag) in toks.iter().zip(tags) {
                writeln!(out, "{tok} {tag}")?;
            }
            ntokens += toks.len();
        }
        block.clear();
        Ok(())
    };
    for line in input.lines() {
        let line = line.unwrap_or_default();
        match line.split_whitespace().next() {
            Some(tok) => sentence.push(tok.to_string()),
            None => {
                if !sentence.is_empty() {
                    block.push(std::mem::take(&mut sentence));
                }
                if block.len() >= args.doc_window.max(1) {
                    flush(&mut block, &mut out)?;
                }
            }
        }
    }
    if !sentence.is_empty() {
        block.push(sentence);
    }
    flush(&mut block, &mut out)?;
    out.flush()?;
    if args.stats {
        let secs = started.elapsed().as_secs_f64();
        eprint!("{ntokens} tokens in {secs:.3} s wall: {:.0} tokens/s", ntokens as f64 / secs.max(1e-9));
        if let (Some(a), Some(b)) = (cpu_started, cpu_time_ns()) {
            let cpu = (b.saturating_sub(a)) as f64 / 1e9;
            eprint!("; {cpu:.3} s on CPU: {:.0} tokens/s per core", ntokens as f64 / cpu.max(1e-9));
        }
        eprintln!();
    }
    Ok(ExitCode::SUCCESS)
}

/// CPU time of this thread in nanoseconds (Linux /proc; None elsewhere).
fn cpu_time_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

//! `khabar layout-dump TEXT --fonts F1,F2 --size PX --width PX [--rtl]`: prints the layout of a
//! text file (one paragraph per line) in the "ref-layout 1" format, from the same
//! `ParagraphLayout` the painter draws, for comparison with `../shared/tools/ref-layout`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use khabar::text::TextEngine;
use khabar::text::dump::dump_text;

#[derive(clap::Args, Debug)]
pub struct LayoutDumpArgs {
    /// UTF-8 text file, one paragraph per line.
    pub text: PathBuf,
    /// Comma-separated font files in fallback order (first = primary); default: bundled fonts.
    #[arg(long)]
    pub fonts: Option<String>,
    /// Font size in px.
    #[arg(long, default_value_t = 20.0)]
    pub size: f32,
    /// Wrap width in px.
    #[arg(long, default_value_t = 600.0)]
    pub width: f32,
    /// Force every paragraph right-to-left (default: first strong character decides).
    #[arg(long)]
    pub rtl: bool,
}

pub fn run(args: LayoutDumpArgs) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(&args.text).with_context(|| format!("reading {}", args.text.display()))?;
    let text = String::from_utf8_lossy(&bytes);
    let mut engine = match &args.fonts {
        Some(list) => {
            let paths: Vec<PathBuf> = list.split(',').filter(|s| !s.is_empty()).map(PathBuf::from).collect();
            TextEngine::from_font_files(&paths).context("loading --fonts")?
        }
        None => TextEngine::new(),
    };
    let name = args.text.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let out = dump_text(&mut engine, &text, &name, args.size, args.width, args.rtl);
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

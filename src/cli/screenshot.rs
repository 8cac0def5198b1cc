//! `khabar screenshot PATH… [--doc FILE] [--entity NAME] [--pane …] [--size WxH] [--scale N]
//! --out X.png`: the app rendered without a window (egui_kittest + wgpu; on machines without a
//! GPU, Mesa lavapipe: Debian packages libvulkan1 mesa-vulkan-drivers).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(clap::Args, Debug)]
pub struct ScreenshotArgs {
    /// Folders or files to open (default: the bundled samples).
    pub paths: Vec<PathBuf>,
    /// Open this document (path relative to the folder, or its file name).
    #[arg(long = "doc")]
    pub document: Option<String>,
    /// Select the entity with this name (canonical form or an alias).
    #[arg(long)]
    pub entity: Option<String>,
    /// The whole window or one pane.
    #[cfg(feature = "gui")]
    #[arg(long, value_enum, default_value = "window")]
    pub pane: khabar::ui::Pane,
    /// Window size in points, WIDTHxHEIGHT.
    #[arg(long, default_value = "1600x1000", value_parser = parse_size)]
    pub size: (f32, f32),
    /// Pixels per point (2 for a high-resolution image).
    #[arg(long, default_value_t = 1.0)]
    pub scale: f32,
    /// Output PNG.
    #[arg(long)]
    pub out: PathBuf,
    /// Seconds to wait for loading and analysis.
    #[arg(long, default_value_t = 600)]
    pub timeout: u64,
}

fn parse_size(s: &str) -> Result<(f32, f32), String> {
    let (w, h) = s.split_once(['x', 'X']).ok_or_else(|| format!("expected WIDTHxHEIGHT, got {s:?}"))?;
    let w: f32 = w.trim().parse().map_err(|_| format!("bad width in {s:?}"))?;
    let h: f32 = h.trim().parse().map_err(|_| format!("bad height in {s:?}"))?;
    if !(100.0..=8000.0).contains(&w) || !(100.0..=8000.0).contains(&h) {
        return Err(format!("size out of range (100–8000): {s:?}"));
    }
    Ok((w, h))
}

pub fn run(args: ScreenshotArgs) -> anyhow::Result<ExitCode> {
    #[cfg(feature = "gui")]
    {
        let paths =
            if args.paths.is_empty() { vec![khabar::app_dirs::materialize_samples()?] } else { args.paths };
        anyhow::ensure!(args.scale > 0.25 && args.scale <= 4.0, "--scale must be between 0.25 and 4");
        let request = khabar::export::headless::ScreenshotRequest {
            paths,
            document: args.document,
            entity: args.entity,
            pane: args.pane,
            size: [args.size.0, args.size.1],
            scale: args.scale,
            out: args.out.clone(),
            timeout: Duration::from_secs(args.timeout),
        };
        let (w, h) = khabar::export::headless::render(&request)?;
        eprintln!("wrote {} ({w}×{h})", args.out.display());
        Ok(ExitCode::SUCCESS)
    }
    #[cfg(not(feature = "gui"))]
    {
        let _ = (args, Duration::ZERO);
        anyhow::bail!("this build of khabar has no renderer (built without the `gui` feature)")
    }
}

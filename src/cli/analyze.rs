//! `khabar analyze` (not yet built).

use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct AnalyzeArgs {
    /// Inputs.
    pub inputs: Vec<String>,
}

pub fn run(_args: AnalyzeArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not built yet")
}

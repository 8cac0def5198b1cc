//! `khabar layout-dump` (not yet built).

use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct LayoutDumpArgs {
    /// Inputs.
    pub inputs: Vec<String>,
}

pub fn run(_args: LayoutDumpArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not built yet")
}

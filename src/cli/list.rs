//! `khabar list` (not yet built).

use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct ListArgs {
    /// Inputs.
    pub inputs: Vec<String>,
}

pub fn run(_args: ListArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not built yet")
}

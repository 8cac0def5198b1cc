//! `khabar tag` (not yet built).

use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct TagArgs {
    /// Inputs.
    pub inputs: Vec<String>,
}

pub fn run(_args: TagArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not built yet")
}

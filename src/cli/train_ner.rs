//! `khabar train-ner` (not yet built).

use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct TrainNerArgs {
    /// Inputs.
    pub inputs: Vec<String>,
}

pub fn run(_args: TrainNerArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not built yet")
}

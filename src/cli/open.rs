//! `khabar open PATH…`: starts the desktop app on folders or files (the last folder, else the
//! bundled samples, when none is given).

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug, Default)]
pub struct OpenArgs {
    /// Folders or article files to open.
    pub paths: Vec<PathBuf>,
}

pub fn run(args: OpenArgs) -> anyhow::Result<ExitCode> {
    #[cfg(feature = "gui")]
    {
        khabar::ui::run_app(args.paths)?;
        Ok(ExitCode::SUCCESS)
    }
    #[cfg(not(feature = "gui"))]
    {
        let _ = args;
        anyhow::bail!("this build of khabar has no desktop app (built without the `gui` feature)")
    }
}

//! The `khabar` binary: a thin `main` that runs the CLI and maps errors to exit codes
//! (0 all files handled, 1 finished with listed file errors, 2 could not run).

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    match cli::run() {
        Ok(code) => code,
        Err(err) => {
            eprintln!("khabar: {err:#}");
            ExitCode::from(2)
        }
    }
}

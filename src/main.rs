//! The `khabar` binary: a thin `main` that runs the CLI and maps errors to exit codes
//! (0 all files handled, 1 finished with listed file errors, 2 could not run).

mod cli;

use std::process::ExitCode;

/// mimalloc instead of glibc's allocator: many threads allocate many small strings (mentions,
/// sentences) and glibc's per-thread arenas kept hundreds of megabytes resident after use.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match cli::run() {
        Ok(code) => code,
        Err(err) => {
            eprintln!("khabar: {err:#}");
            ExitCode::from(2)
        }
    }
}

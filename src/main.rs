//! The `khabar` binary: a thin `main` that runs the CLI and maps errors to exit codes
//! (0 all files handled, 1 finished with listed file errors, 2 could not run).

mod cli;

use std::process::ExitCode;

/// mimalloc instead of glibc's allocator: many threads allocate many small strings (mentions,
/// sentences) and glibc's per-thread arenas kept hundreds of megabytes resident after use.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Makes mimalloc return the calling thread's free pages to the system (and collect its
/// abandoned heaps): installed as [`khabar::memory`]'s hook.
fn release_free_memory() {
    // SAFETY: mi_collect has no preconditions; it only walks this thread's heap.
    unsafe { libmimalloc_sys::mi_collect(true) }
}

fn main() -> ExitCode {
    khabar::memory::set_release_hook(release_free_memory);
    match cli::run() {
        Ok(code) => code,
        Err(err) => {
            eprintln!("khabar: {err:#}");
            ExitCode::from(2)
        }
    }
}

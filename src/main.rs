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

/// Runs the worker threads (loading, analysis, indexing) at a lower priority than the UI
/// thread: on a 2-core laptop the analysis keeps both cores busy, and a frame must not wait
/// for a core behind it.
fn lower_worker_priority() {
    let pool = rayon::ThreadPoolBuilder::new().start_handler(|_| {
        #[cfg(unix)]
        // SAFETY: setpriority on the calling thread (who = 0; Linux threads have their own nice
        // value) only changes scheduling; it touches no memory.
        unsafe {
            libc::setpriority(libc::PRIO_PROCESS, 0, 5);
        }
    });
    // Fails only if the pool was already built (then it keeps its default priority).
    pool.build_global().ok();
}

fn main() -> ExitCode {
    khabar::memory::set_release_hook(release_free_memory);
    lower_worker_priority();
    match cli::run() {
        Ok(code) => code,
        Err(err) => {
            eprintln!("khabar: {err:#}");
            ExitCode::from(2)
        }
    }
}

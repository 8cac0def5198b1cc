//! Giving memory back after a big phase. The binary uses mimalloc, which keeps freed pages in
//! each thread's heap for reuse; after the analysis of a large corpus the worker threads hold
//! hundreds of megabytes of such pages. The binary installs a hook (the library forbids
//! `unsafe`) that makes the allocator return them; [`release_free_memory`] runs it on every
//! rayon worker and the calling thread. Without a hook (tests, other front ends) it does nothing.

use std::sync::OnceLock;

static HOOK: OnceLock<fn()> = OnceLock::new();

/// Sets the function that returns a thread's free memory to the system (once).
pub fn set_release_hook(hook: fn()) {
    HOOK.set(hook).ok();
}

/// Returns the free memory the allocator keeps, on every rayon worker and this thread.
pub fn release_free_memory() {
    if let Some(&hook) = HOOK.get() {
        rayon::broadcast(|_| hook());
        hook();
    }
}

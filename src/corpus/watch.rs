//! Folder watching: [`FolderWatcher`] watches corpus roots recursively (the `notify` crate's
//! recommended watcher: inotify on Linux) and reports debounced [`Changes`] to article files
//! (`.txt`, not under hidden folders) through a channel, with an optional callback (e.g. to
//! request a repaint). It only reads file-system events and never writes anything.
//!
//! A burst of events (an editor's save, a copy of many files) becomes one [`Changes`] once no
//! new event has arrived for the debounce time. Whether a path counts as added/modified or as
//! removed is decided by whether it exists when the batch is sent, so a rename reports the old
//! name as removed and the new one as added.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher as _};

/// One debounced batch of changes (paths sorted, each in at most one list).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    pub added_or_modified: Vec<PathBuf>,
    pub removed: Vec<PathBuf>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.added_or_modified.is_empty() && self.removed.is_empty()
    }
}

/// Called after each batch is queued (from the watcher's thread).
pub type NotifyCallback = Box<dyn Fn() + Send + 'static>;

/// Watches folders until dropped.
pub struct FolderWatcher {
    rx: Receiver<Changes>,
    // Dropping the notify watcher closes its channel, which ends the debounce thread.
    _watcher: Option<notify::RecommendedWatcher>,
    /// Roots that could not be watched, with the reason.
    pub problems: Vec<(PathBuf, String)>,
}

/// True for article files: `.txt` (any case), with no hidden component below `roots`.
fn is_article(path: &Path, roots: &[PathBuf]) -> bool {
    let is_txt = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("txt"));
    if !is_txt {
        return false;
    }
    let rel = roots.iter().find_map(|r| path.strip_prefix(r).ok()).unwrap_or(path);
    !rel.components().any(|c| c.as_os_str().to_str().is_some_and(|s| s.starts_with('.')))
}

impl FolderWatcher {
    /// Starts watching `roots` (folders recursively, or single files). `debounce` is the quiet
    /// time that closes a batch (300–500 ms suits the GUI).
    pub fn start(roots: Vec<PathBuf>, debounce: Duration) -> FolderWatcher {
        Self::start_with_callback(roots, debounce, None)
    }

    /// [`FolderWatcher::start`] calling `on_change` after each batch.
    pub fn start_with_callback(
        roots: Vec<PathBuf>,
        debounce: Duration,
        on_change: Option<NotifyCallback>,
    ) -> FolderWatcher {
        let (raw_tx, raw_rx) = mpsc::channel::<notify::Result<notify::Event>>();
        let (tx, rx) = mpsc::channel::<Changes>();
        let mut problems = Vec::new();
        // Canonical roots so event paths (absolute) strip cleanly.
        let roots: Vec<PathBuf> = roots.into_iter().map(|r| r.canonicalize().unwrap_or(r)).collect();
        let mut watcher = match notify::recommended_watcher(raw_tx) {
            Ok(w) => w,
            Err(e) => {
                problems.extend(roots.iter().map(|r| (r.clone(), e.to_string())));
                return FolderWatcher { rx, _watcher: None, problems };
            }
        };
        for root in &roots {
            let mode = if root.is_dir() { RecursiveMode::Recursive } else { RecursiveMode::NonRecursive };
            if let Err(e) = watcher.watch(root, mode) {
                problems.push((root.clone(), e.to_string()));
            }
        }
        let thread_roots = roots.clone();
        std::thread::Builder::new()
            .name("khabar-watch".into())
            .spawn(move || debounce_loop(raw_rx, tx, thread_roots, debounce, on_change))
            .ok();
        FolderWatcher { rx, _watcher: Some(watcher), problems }
    }

    /// The next batch, if one is ready (non-blocking; call each frame).
    pub fn try_recv(&self) -> Option<Changes> {
        self.rx.try_recv().ok()
    }

    /// Waits up to `timeout` for the next batch.
    pub fn recv_timeout(&self, timeout: Duration) -> Option<Changes> {
        self.rx.recv_timeout(timeout).ok()
    }
}

fn debounce_loop(
    raw: Receiver<notify::Result<notify::Event>>,
    tx: mpsc::Sender<Changes>,
    roots: Vec<PathBuf>,
    debounce: Duration,
    on_change: Option<NotifyCallback>,
) {
    let mut pending: BTreeSet<PathBuf> = BTreeSet::new();
    let mut deadline: Option<Instant> = None;
    loop {
        let got = match deadline {
            Some(d) => raw.recv_timeout(d.saturating_duration_since(Instant::now())),
            None => raw.recv().map_err(|_| RecvTimeoutError::Disconnected),
        };
        match got {
            Ok(Ok(event)) => {
                if matches!(event.kind, notify::EventKind::Access(_)) {
                    continue;
                }
                let before = pending.len();
                pending.extend(event.paths.into_iter().filter(|p| is_article(p, &roots)));
                if pending.len() != before || deadline.is_some() {
                    deadline = Some(Instant::now() + debounce);
                }
            }
            Ok(Err(_)) => {}
            Err(RecvTimeoutError::Timeout) => {
                deadline = None;
                let mut changes = Changes::default();
                for p in std::mem::take(&mut pending) {
                    if p.is_file() {
                        changes.added_or_modified.push(p);
                    } else if !p.exists() {
                        changes.removed.push(p);
                    }
                }
                if changes.is_empty() {
                    continue;
                }
                if tx.send(changes).is_err() {
                    return;
                }
                if let Some(f) = &on_change {
                    f();
                }
            }
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn articles_are_txt_files_outside_hidden_folders() {
        let roots = vec![PathBuf::from("/news")];
        assert!(is_article(Path::new("/news/a.txt"), &roots));
        assert!(is_article(Path::new("/news/2024/b.TXT"), &roots));
        assert!(!is_article(Path::new("/news/a.md"), &roots));
        assert!(!is_article(Path::new("/news/.git/a.txt"), &roots));
        assert!(!is_article(Path::new("/news/.a.txt.swp"), &roots));
        assert!(!is_article(Path::new("/news/.hidden.txt"), &roots));
    }
}

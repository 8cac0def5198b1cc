//! The folder watcher on a temporary folder: adding, modifying and removing an article are
//! reported (within a generous timeout), other files and hidden folders are not.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use khabar::corpus::watch::{Changes, FolderWatcher};

/// Collects batches until `done` holds or 10 s pass.
fn wait_for(w: &FolderWatcher, done: impl Fn(&Changes) -> bool) -> Changes {
    let mut all = Changes::default();
    let end = Instant::now() + Duration::from_secs(10);
    while Instant::now() < end && !done(&all) {
        if let Some(c) = w.recv_timeout(Duration::from_millis(200)) {
            all.added_or_modified.extend(c.added_or_modified);
            all.removed.extend(c.removed);
        }
    }
    all
}

#[test]
fn watcher_reports_added_modified_and_removed_articles() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    std::fs::create_dir(root.join(".git")).unwrap();
    std::fs::create_dir(root.join("sub")).unwrap();
    let w = FolderWatcher::start(vec![root.clone()], Duration::from_millis(300));
    assert!(w.problems.is_empty(), "{:?}", w.problems);
    std::thread::sleep(Duration::from_millis(100));

    let a: PathBuf = root.join("sub/a.txt");
    std::fs::write(&a, "خبر أول").unwrap();
    std::fs::write(root.join("notes.md"), "x").unwrap();
    std::fs::write(root.join(".git/x.txt"), "x").unwrap();
    let got = wait_for(&w, |c| c.added_or_modified.contains(&a));
    assert!(got.added_or_modified.contains(&a), "{got:?}");
    assert!(got.added_or_modified.iter().all(|p| p == &a), "only the article: {got:?}");

    std::fs::write(&a, "خبر معدل").unwrap();
    let got = wait_for(&w, |c| c.added_or_modified.contains(&a));
    assert!(got.added_or_modified.contains(&a), "modified: {got:?}");

    std::fs::remove_file(&a).unwrap();
    let got = wait_for(&w, |c| c.removed.contains(&a));
    assert!(got.removed.contains(&a), "removed: {got:?}");
    assert!(!got.added_or_modified.contains(&a), "{got:?}");
}

#[test]
fn watcher_calls_the_callback_after_a_batch() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let tx = std::sync::Mutex::new(tx);
    let w = FolderWatcher::start_with_callback(
        vec![root.clone()],
        Duration::from_millis(300),
        Some(Box::new(move || {
            if let Ok(t) = tx.lock() {
                t.send(()).ok();
            }
        })),
    );
    std::thread::sleep(Duration::from_millis(100));
    std::fs::write(root.join("b.txt"), "خبر").unwrap();
    assert!(rx.recv_timeout(Duration::from_secs(10)).is_ok(), "no callback");
    assert!(w.try_recv().is_some());
}

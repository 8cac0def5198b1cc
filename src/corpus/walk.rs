//! Walking the opened folders: which files are articles, which are ignored, and the problems
//! found on the way.
//!
//! Rules:
//! - Each root is walked recursively, entries of a folder sorted by name (byte order of the
//!   file name), depth first, so the order is the same on every run and machine.
//! - Entries whose name starts with `.` are skipped (hidden files and folders); a root itself is
//!   never skipped.
//! - Symbolic links are followed. A link to a folder that is one of its own ancestors (same
//!   device and inode; same canonical path off Unix) is a loop: reported as a problem and not
//!   entered. Broken links and self-referential links are problems too. Folders nested deeper
//!   than [`MAX_DEPTH`] are problems.
//! - Regular files named `*.txt` (extension matched case-insensitively) are articles; every other
//!   file (`.txt.bak`, `.txt~`, `.html`, `manifest.tsv`, …) is counted as ignored.
//! - A root that is a file is an article whatever its name (the user asked for it).
//! - `rel_path` is relative to the root, `/`-separated. With several roots, each path is
//!   prefixed by its root folder's name (`name (2)` for a repeated name); a file root's
//!   `rel_path` is its file name.
//! - Unreadable folders and entries become problems; the walk goes on.

use std::ffi::OsString;
use std::fs::Metadata;
use std::io;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::{FileProblem, FileReader};

/// Folders nested deeper than this below a root are reported, not entered.
pub const MAX_DEPTH: usize = 256;

/// An article file found by the walk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileEntry {
    pub path: PathBuf,
    pub rel_path: String,
    /// Size when listed.
    pub bytes: u64,
    pub modified: Option<SystemTime>,
}

/// What the walk reports, in walk order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WalkEvent {
    Article(FileEntry),
    /// A file that is not an article (its `rel_path`).
    Ignored(String),
    Problem(FileProblem),
}

/// Whether a file name is an article's (`*.txt`, case-insensitive).
pub fn is_article_name(name: &Path) -> bool {
    name.extension().is_some_and(|e| e.eq_ignore_ascii_case("txt"))
}

/// Walks `roots` in order, calling `visit` for every article, ignored file and problem.
/// `visit` returns `ControlFlow::Break` to stop the walk (cancel).
pub fn walk(
    roots: &[PathBuf],
    reader: &dyn FileReader,
    visit: &mut dyn FnMut(WalkEvent) -> ControlFlow<()>,
) -> ControlFlow<()> {
    let prefixes = root_prefixes(roots);
    for (root, prefix) in roots.iter().zip(prefixes) {
        let meta = match std::fs::metadata(root) {
            Ok(meta) => meta,
            Err(err) => {
                let reason = if err.kind() == io::ErrorKind::NotFound {
                    "not found".to_string()
                } else {
                    format!("unreadable: {err}")
                };
                visit(WalkEvent::Problem(FileProblem::new(root, root.display().to_string(), reason)))?;
                continue;
            }
        };
        if meta.is_dir() {
            let mut walker =
                Walker { reader, visit: &mut *visit, ancestors: vec![(dir_id(root, &meta), prefix.clone())] };
            walker.walk_dir(root, &prefix, 0)?;
        } else if meta.is_file() {
            let name = root.file_name().map_or_else(|| root.display().to_string(), lossy);
            visit(WalkEvent::Article(entry(root.clone(), name, &meta)))?;
        } else {
            let problem = FileProblem::new(root, root.display().to_string(), "not a file or folder");
            visit(WalkEvent::Problem(problem))?;
        }
    }
    ControlFlow::Continue(())
}

/// The `rel_path` prefix of each root: empty for a single root, else the folder's name.
fn root_prefixes(roots: &[PathBuf]) -> Vec<String> {
    if roots.len() <= 1 {
        return vec![String::new(); roots.len()];
    }
    let mut seen: Vec<String> = Vec::new();
    roots
        .iter()
        .map(|root| {
            if root.is_file() {
                return String::new();
            }
            let name = root
                .file_name()
                .map(lossy)
                .or_else(|| root.canonicalize().ok().and_then(|c| c.file_name().map(lossy)))
                .unwrap_or_else(|| root.display().to_string());
            let mut unique = name.clone();
            let mut n = 2;
            while seen.contains(&unique) {
                unique = format!("{name} ({n})");
                n += 1;
            }
            seen.push(unique.clone());
            unique
        })
        .collect()
}

fn lossy(name: &std::ffi::OsStr) -> String {
    name.to_string_lossy().into_owned()
}

fn join(rel: &str, name: &str) -> String {
    if rel.is_empty() { name.to_string() } else { format!("{rel}/{name}") }
}

fn entry(path: PathBuf, rel_path: String, meta: &Metadata) -> FileEntry {
    FileEntry { path, rel_path, bytes: meta.len(), modified: meta.modified().ok() }
}

/// Identity of a folder, to detect loops.
#[cfg(unix)]
type DirId = (u64, u64);
#[cfg(not(unix))]
type DirId = PathBuf;

#[cfg(unix)]
fn dir_id(_path: &Path, meta: &Metadata) -> DirId {
    use std::os::unix::fs::MetadataExt as _;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn dir_id(path: &Path, _meta: &Metadata) -> DirId {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

/// Whether an I/O error is "too many levels of symbolic links".
fn is_loop_error(err: &io::Error) -> bool {
    #[cfg(target_os = "linux")]
    const ELOOP: i32 = 40;
    #[cfg(not(target_os = "linux"))]
    const ELOOP: i32 = 62;
    cfg!(unix) && err.raw_os_error() == Some(ELOOP)
}

struct Walker<'a> {
    reader: &'a dyn FileReader,
    visit: &'a mut dyn FnMut(WalkEvent) -> ControlFlow<()>,
    /// Folders from the root down to the current one, with their `rel_path`.
    ancestors: Vec<(DirId, String)>,
}

impl Walker<'_> {
    fn problem(&mut self, path: &Path, rel: &str, reason: String) -> ControlFlow<()> {
        let rel = if rel.is_empty() { ".".to_string() } else { rel.to_string() };
        (self.visit)(WalkEvent::Problem(FileProblem::new(path, rel, reason)))
    }

    fn walk_dir(&mut self, dir: &Path, rel: &str, depth: usize) -> ControlFlow<()> {
        let mut entries: Vec<(OsString, PathBuf)> = match self.reader.read_dir(dir) {
            Ok(entries) => entries,
            Err(err) => return self.problem(dir, rel, format!("unreadable folder: {err}")),
        };
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, path) in entries {
            if name.as_encoded_bytes().first() == Some(&b'.') {
                continue;
            }
            let child_rel = join(rel, &name.to_string_lossy());
            let meta = match std::fs::metadata(&path) {
                Ok(meta) => meta,
                Err(err) => {
                    let is_link = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
                    let reason = if is_link && is_loop_error(&err) {
                        format!("symbolic link loop: {err}")
                    } else if is_link && err.kind() == io::ErrorKind::NotFound {
                        "broken symbolic link (target not found)".to_string()
                    } else if err.kind() == io::ErrorKind::NotFound {
                        "vanished while the folder was read (file not found)".to_string()
                    } else {
                        format!("unreadable: {err}")
                    };
                    self.problem(&path, &child_rel, reason)?;
                    continue;
                }
            };
            if meta.is_dir() {
                let id = dir_id(&path, &meta);
                if let Some((_, ancestor)) = self.ancestors.iter().find(|(a, _)| *a == id) {
                    let ancestor = if ancestor.is_empty() { "." } else { ancestor.as_str() };
                    let reason = format!("symbolic link loop: leads back to \"{ancestor}\", not followed");
                    self.problem(&path, &child_rel, reason)?;
                } else if depth + 1 > MAX_DEPTH {
                    let reason = format!("folder nested deeper than {MAX_DEPTH} levels, not entered");
                    self.problem(&path, &child_rel, reason)?;
                } else {
                    self.ancestors.push((id, child_rel.clone()));
                    let flow = self.walk_dir(&path, &child_rel, depth + 1);
                    self.ancestors.pop();
                    flow?;
                }
            } else if meta.is_file() && is_article_name(Path::new(&name)) {
                (self.visit)(WalkEvent::Article(entry(path, child_rel, &meta)))?;
            } else {
                (self.visit)(WalkEvent::Ignored(child_rel))?;
            }
        }
        ControlFlow::Continue(())
    }
}

/// Walks everything and returns the events in walk order (tests, small folders).
pub fn walk_all(roots: &[PathBuf], reader: &dyn FileReader) -> Vec<WalkEvent> {
    let mut events = Vec::new();
    let _ = walk(roots, reader, &mut |event| {
        events.push(event);
        ControlFlow::Continue(())
    });
    events
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::FsReader;
    use std::fs;

    fn write(dir: &Path, rel: &str, text: &str) {
        let path = dir.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    fn summary(events: &[WalkEvent]) -> (Vec<String>, Vec<String>, Vec<String>) {
        let (mut articles, mut ignored, mut problems) = (vec![], vec![], vec![]);
        for e in events {
            match e {
                WalkEvent::Article(f) => articles.push(f.rel_path.clone()),
                WalkEvent::Ignored(r) => ignored.push(r.clone()),
                WalkEvent::Problem(p) => problems.push(format!("{}: {}", p.rel_path, p.reason)),
            }
        }
        (articles, ignored, problems)
    }

    #[test]
    fn walk_is_recursive_sorted_and_skips_hidden() {
        let tmp = tempfile::tempdir().unwrap();
        for rel in ["b/2.txt", "b/1.txt", "a.txt", "c/d/e.TXT", ".hidden/x.txt", "b/.secret.txt", "B.txt"] {
            write(tmp.path(), rel, "x");
        }
        let (articles, ignored, problems) = summary(&walk_all(&[tmp.path().to_path_buf()], &FsReader));
        assert_eq!(articles, ["B.txt", "a.txt", "b/1.txt", "b/2.txt", "c/d/e.TXT"]);
        assert!(ignored.is_empty() && problems.is_empty());
    }

    #[test]
    fn only_txt_files_are_articles_others_ignored() {
        let tmp = tempfile::tempdir().unwrap();
        for rel in ["a.txt", "a.txt.bak", "a.txt~", "a.html", "manifest.tsv", "txt", "a.Txt"] {
            write(tmp.path(), rel, "x");
        }
        let (articles, ignored, _) = summary(&walk_all(&[tmp.path().to_path_buf()], &FsReader));
        assert_eq!(articles, ["a.Txt", "a.txt"]);
        assert_eq!(ignored, ["a.html", "a.txt.bak", "a.txt~", "manifest.tsv", "txt"]);
    }

    #[test]
    fn several_roots_are_prefixed_by_their_folder_name() {
        let tmp = tempfile::tempdir().unwrap();
        write(tmp.path(), "one/news/a.txt", "x");
        write(tmp.path(), "two/news/b.txt", "x");
        write(tmp.path(), "single.txt", "x");
        let roots = [tmp.path().join("one/news"), tmp.path().join("two/news"), tmp.path().join("single.txt")];
        let (articles, _, _) = summary(&walk_all(&roots, &FsReader));
        assert_eq!(articles, ["news/a.txt", "news (2)/b.txt", "single.txt"]);
        let (articles, _, _) = summary(&walk_all(&roots[..1], &FsReader));
        assert_eq!(articles, ["a.txt"]);
    }

    #[test]
    fn a_file_root_is_loaded_directly_whatever_its_name() {
        let tmp = tempfile::tempdir().unwrap();
        write(tmp.path(), "notes.md", "x");
        let (articles, _, _) = summary(&walk_all(&[tmp.path().join("notes.md")], &FsReader));
        assert_eq!(articles, ["notes.md"]);
    }

    #[test]
    fn a_missing_root_is_a_problem() {
        let tmp = tempfile::tempdir().unwrap();
        let (_, _, problems) = summary(&walk_all(&[tmp.path().join("nope")], &FsReader));
        assert_eq!(problems.len(), 1);
        assert!(problems[0].ends_with("not found"), "{problems:?}");
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_are_reported_not_followed() {
        let tmp = tempfile::tempdir().unwrap();
        write(tmp.path(), "a/b/x.txt", "x");
        std::os::unix::fs::symlink(tmp.path().join("a"), tmp.path().join("a/b/up")).unwrap();
        std::os::unix::fs::symlink("self.txt", tmp.path().join("a/self.txt")).unwrap();
        std::os::unix::fs::symlink("missing", tmp.path().join("a/broken.txt")).unwrap();
        write(tmp.path(), "elsewhere/y.txt", "y");
        std::os::unix::fs::symlink(tmp.path().join("elsewhere"), tmp.path().join("a/link")).unwrap();
        let (articles, _, problems) = summary(&walk_all(&[tmp.path().join("a")], &FsReader));
        assert_eq!(articles, ["b/x.txt", "link/y.txt"]);
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].starts_with("b/up: symbolic link loop: leads back to \".\""), "{problems:?}");
        assert!(problems[1].starts_with("broken.txt: broken symbolic link"), "{problems:?}");
        assert!(problems[2].starts_with("self.txt: symbolic link loop"), "{problems:?}");
    }

    #[derive(Debug)]
    struct FailingDir(&'static str);

    impl FileReader for FailingDir {
        fn read(&self, path: &Path, max: u64) -> io::Result<Vec<u8>> {
            FsReader.read(path, max)
        }
        fn read_dir(&self, path: &Path) -> io::Result<Vec<(OsString, PathBuf)>> {
            if path.ends_with(self.0) {
                Err(io::Error::from(io::ErrorKind::PermissionDenied))
            } else {
                FsReader.read_dir(path)
            }
        }
    }

    #[test]
    fn an_unreadable_folder_is_a_problem_and_the_walk_goes_on() {
        let tmp = tempfile::tempdir().unwrap();
        write(tmp.path(), "locked/a.txt", "x");
        write(tmp.path(), "open/b.txt", "x");
        let (articles, _, problems) = summary(&walk_all(&[tmp.path().to_path_buf()], &FailingDir("locked")));
        assert_eq!(articles, ["open/b.txt"]);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].starts_with("locked: unreadable folder: permission denied"), "{problems:?}");
    }

    #[test]
    fn break_stops_the_walk() {
        let tmp = tempfile::tempdir().unwrap();
        for rel in ["a.txt", "b.txt", "c.txt"] {
            write(tmp.path(), rel, "x");
        }
        let mut seen = 0;
        let flow = walk(&[tmp.path().to_path_buf()], &FsReader, &mut |_| {
            seen += 1;
            if seen == 2 { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
        });
        assert_eq!((seen, flow), (2, ControlFlow::Break(())));
    }
}

//! Where an export goes: a save dialog (rfd through the XDG desktop portal), asked from a
//! worker thread, or — when this desktop has no dialog to show — a default folder, which the
//! caller names in a status message. The outcome of an export as the UI reports it.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A dialog that answers faster than this never appeared (no portal): use the default folder.
const NO_DIALOG_WITHIN: Duration = Duration::from_millis(400);

/// Where to write an export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveTarget {
    /// The user chose this file.
    Chosen(PathBuf),
    /// The user closed the dialog: write nothing.
    Cancelled,
    /// No dialog could be shown: write here (the default folder and name).
    NoDialog(PathBuf),
}

impl SaveTarget {
    /// The path to write, if any.
    pub fn path(&self) -> Option<&Path> {
        match self {
            SaveTarget::Chosen(p) | SaveTarget::NoDialog(p) => Some(p),
            SaveTarget::Cancelled => None,
        }
    }
}

/// How an export ended, for the status bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExportOutcome {
    Saved(PathBuf),
    /// Saved in the default folder because no dialog was available.
    SavedWithoutDialog(PathBuf),
    Cancelled,
    Failed(String),
}

impl ExportOutcome {
    /// A status-bar message: what was saved where, or why not.
    pub fn message(&self, what: &str) -> String {
        match self {
            ExportOutcome::Saved(p) => format!("{what} saved to {}", p.display()),
            ExportOutcome::SavedWithoutDialog(p) => {
                format!("{what} saved to {} (no save dialog is available on this desktop)", p.display())
            }
            ExportOutcome::Cancelled => format!("{what} not saved"),
            ExportOutcome::Failed(e) => format!("{what} could not be saved: {e}"),
        }
    }
}

/// Asks where to save `file_name` (blocking: call it from a worker thread). When the dialog
/// cannot be shown the answer is `default_dir/file_name`; with `KHABAR_EXPORT_DIR` set
/// ([`crate::app_dirs::export_dir_override`]) it is that folder, without a dialog.
pub fn ask_save_path(title: &str, default_dir: &Path, file_name: &str, extension: &str) -> SaveTarget {
    if let Some(dir) = crate::app_dirs::export_dir_override() {
        return SaveTarget::NoDialog(dir.join(file_name));
    }
    let fallback = default_dir.join(file_name);
    let started = Instant::now();
    let mut dialog = rfd::AsyncFileDialog::new().set_title(title).set_file_name(file_name);
    if default_dir.is_dir() {
        dialog = dialog.set_directory(default_dir);
    }
    if !extension.is_empty() {
        dialog = dialog.add_filter(extension.to_uppercase(), &[extension]);
    }
    match pollster::block_on(dialog.save_file()) {
        Some(handle) => SaveTarget::Chosen(handle.path().to_path_buf()),
        None if started.elapsed() < NO_DIALOG_WITHIN => SaveTarget::NoDialog(fallback),
        None => SaveTarget::Cancelled,
    }
}

/// Writes a file atomically: `write` fills a temporary file beside `path`, which is then
/// renamed over it (a failed export never leaves a half-written file). Creates the folder.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use std::io::Write as _;
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.part{}", std::process::id()));
    let result = (|| {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        write(&mut out)?;
        out.flush()?;
        out.get_ref().sync_all()?;
        Ok(())
    })();
    match result {
        Ok(()) => std::fs::rename(&tmp, path),
        Err(e) => {
            std::fs::remove_file(&tmp).ok();
            Err(e)
        }
    }
}

/// Where tables go without a save dialog: `~/Documents/Khabar` (XDG documents dir).
pub fn tables_folder() -> PathBuf {
    dirs::document_dir()
        .or_else(|| dirs::home_dir().map(|h| h.join("Documents")))
        .unwrap_or_else(std::env::temp_dir)
        .join("Khabar")
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use super::*;

    #[test]
    fn atomic_write_replaces_the_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/t.csv");
        write_atomically(&p, |w| w.write_all(b"a,b\n")).unwrap();
        write_atomically(&p, |w| w.write_all(b"c,d\n")).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "c,d\n");
        assert_eq!(std::fs::read_dir(dir.path().join("sub")).unwrap().count(), 1);
    }

    #[test]
    fn failed_write_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.csv");
        std::fs::write(&p, "old").unwrap();
        let e = write_atomically(&p, |_| Err(std::io::Error::other("disk full")));
        assert!(e.is_err());
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn outcome_messages_say_where() {
        let m = ExportOutcome::SavedWithoutDialog(PathBuf::from("/x/y.png")).message("Screenshot");
        assert!(m.contains("/x/y.png") && m.contains("no save dialog"));
    }
}

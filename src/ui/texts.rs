//! The texts of documents as the panes show them. The app loads documents without their texts
//! (a 500 MB archive is not held in memory twice over); a pane asks here, and the file is read
//! and decoded again — a few recently shown texts are kept, so repainting costs nothing.
//! A file that changed since it was loaded is flagged (its analysis offsets may not fit; the
//! folder watcher reloads it), one that can no longer be read gives the reason to show.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;

use crate::corpus::{Document, FileReader, FsReader, TextRead};

/// Texts kept after they were shown.
const KEEP: usize = 16;

struct Kept {
    path: PathBuf,
    hash: u64,
    read: Result<TextRead, String>,
}

/// Recently shown texts (interior mutability: panes hold the context by shared reference).
pub struct Texts {
    kept: RefCell<VecDeque<Kept>>,
    reader: Arc<dyn FileReader>,
}

impl Default for Texts {
    fn default() -> Self {
        Self::new(Arc::new(FsReader))
    }
}

impl Texts {
    /// Reads through `reader` (the loader's, so tests inject the same faults).
    pub fn new(reader: Arc<dyn FileReader>) -> Self {
        Self { kept: RefCell::new(VecDeque::new()), reader }
    }

    /// The text of `doc` (from memory when it still has it), or why it cannot be read.
    pub fn get(&self, doc: &Document) -> Result<TextRead, String> {
        if doc.has_text() {
            return Ok(TextRead { text: doc.text.clone(), changed: false });
        }
        let mut kept = self.kept.borrow_mut();
        if let Some(i) = kept.iter().position(|k| k.hash == doc.text_hash && k.path == doc.path)
            && let Some(k) = kept.remove(i)
        {
            let read = k.read.clone();
            kept.push_front(k);
            return read;
        }
        let read = doc.read_text(self.reader.as_ref());
        kept.push_front(Kept { path: doc.path.clone(), hash: doc.text_hash, read: read.clone() });
        kept.truncate(KEEP);
        read
    }

    /// The text of `doc`, empty when it cannot be read.
    pub fn text_or_empty(&self, doc: &Document) -> Arc<str> {
        self.get(doc).map(|r| r.text).unwrap_or_else(|_| Arc::from(""))
    }

    /// Forgets the kept texts (another corpus was opened).
    pub fn clear(&self) {
        self.kept.borrow_mut().clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn released(dir: &std::path::Path, name: &str, text: &str) -> Document {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let mut d = crate::corpus::load_bytes(text.as_bytes(), &path, name).unwrap();
        d.release_text();
        d
    }

    #[test]
    fn a_released_text_is_read_again_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let d = released(dir.path(), "a.txt", "نص أول");
        let texts = Texts::default();
        let first = texts.get(&d).unwrap();
        assert_eq!((first.text.as_ref(), first.changed), ("نص أول", false));
        // kept: the same allocation comes back without reading
        std::fs::remove_file(&d.path).unwrap();
        assert!(Arc::ptr_eq(&texts.get(&d).unwrap().text, &first.text));
        texts.clear();
        let gone = texts.get(&d).unwrap_err();
        assert!(gone.contains("gone"), "{gone}");
    }

    #[test]
    fn a_file_changed_on_disk_is_flagged() {
        let dir = tempfile::tempdir().unwrap();
        let d = released(dir.path(), "a.txt", "نص أول");
        std::fs::write(&d.path, "نص آخر تماما").unwrap();
        let read = Texts::default().get(&d).unwrap();
        assert_eq!((read.text.as_ref(), read.changed), ("نص آخر تماما", true));
    }

    #[test]
    fn only_a_few_texts_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let texts = Texts::default();
        let docs: Vec<Document> =
            (0..KEEP + 4).map(|i| released(dir.path(), &format!("{i}.txt"), &format!("نص {i}"))).collect();
        for d in &docs {
            texts.get(d).unwrap();
        }
        assert_eq!(texts.kept.borrow().len(), KEEP);
    }
}

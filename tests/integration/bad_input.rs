//! Bad input end to end: the `--encodings` corpus of make_corpus.py (reads
//! `../shared/tools/make_corpus.py`; skipped with a note when it or python3 is missing) plus a
//! symbolic link loop and a sparse 1 GB file (`File::set_len`, no disk used) run through
//! `khabar analyze`; an unreadable file and a file deleted between listing and reading injected
//! through the `FileReader` seam (CI runs as root, which reads mode-000 files). Every bad file
//! is listed with a reason, nothing panics, the sparse file is never read, and the corpus
//! files are byte-identical afterwards.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use khabar::corpus::{CorpusOptions, FileReader, FsReader, load_all};
use khabar::index::cache::hash64;

/// Hash of every file under `dir` (symlinks not followed), by relative path.
fn checksums(dir: &Path) -> BTreeMap<String, (u64, u64)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let ft = e.file_type().unwrap();
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            if ft.is_dir() {
                stack.push(e.path());
            } else if ft.is_symlink() {
                out.insert(rel, (0, 0));
            } else {
                let len = e.metadata().unwrap().len();
                // the sparse file: size only (reading 1 GB of zeros proves nothing)
                let h = if len > 100 << 20 { 0 } else { hash64(&std::fs::read(e.path()).unwrap()) };
                out.insert(rel, (len, h));
            }
        }
    }
    out
}

fn make_encodings_corpus(dir: &Path) -> bool {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tools/make_corpus.py");
    if !script.exists() {
        eprintln!("skipped: {} not found", script.display());
        return false;
    }
    let status = Command::new("python3")
        .arg(&script)
        .arg(dir)
        .args(["--articles", "400", "--seed", "3", "--encodings", "--huge-mb", "1"])
        .output();
    match status {
        Ok(o) if o.status.success() => true,
        other => {
            eprintln!("skipped: make_corpus.py failed: {other:?}");
            false
        }
    }
}

#[cfg(unix)]
#[test]
fn analyze_lists_every_bad_file_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("corpus");
    if !make_encodings_corpus(&dir) {
        return;
    }
    std::os::unix::fs::symlink("..", dir.join("2015/loop")).unwrap();
    let sparse = dir.join("2016/sparse-1gb.txt");
    std::fs::File::create(&sparse).unwrap().set_len(1 << 30).unwrap();
    let before = checksums(&dir);

    let out = Command::new(env!("CARGO_BIN_EXE_khabar"))
        .args(["analyze", dir.to_str().unwrap(), "--format", "json"])
        .env("KHABAR_CACHE_DIR", tmp.path().join("cache"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors: BTreeMap<String, String> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["path"].as_str().unwrap().to_string(), e["reason"].as_str().unwrap().to_string()))
        .collect();
    assert!(errors.values().all(|r| !r.trim().is_empty()));
    assert!(errors["2016/sparse-1gb.txt"].starts_with("too large"), "{errors:?}");
    assert!(errors.iter().any(|(p, r)| p.contains("loop") && r.contains("symbolic link loop")), "{errors:?}");

    // every bad file of the manifest is listed, every good one analysed
    let manifest = std::fs::read_to_string(dir.join("manifest.tsv")).unwrap();
    let docs: Vec<&str> =
        v["documents"].as_array().unwrap().iter().map(|d| d["path"].as_str().unwrap()).collect();
    let mut bad_kinds = 0;
    for line in manifest.lines().skip(1) {
        let mut f = line.split('\t');
        let (Some(path), Some(kind)) = (f.next(), f.next()) else { continue };
        match kind {
            "whitespace_only" | "zero_byte" | "binary_junk" => {
                bad_kinds += 1;
                assert!(errors.contains_key(path), "{path} ({kind}) not listed: {errors:?}");
            }
            "non_txt" => assert!(!docs.contains(&path) && !errors.contains_key(path), "{path}"),
            _ => assert!(docs.contains(&path), "{path} ({kind}) not analysed: {:?}", errors.get(path)),
        }
    }
    assert!(bad_kinds > 0);
    assert_eq!(checksums(&dir), before, "the corpus changed");
}

/// Fails reading chosen files the way a real system would.
struct FaultyReader {
    unreadable: PathBuf,
    vanished: PathBuf,
}

impl FileReader for FaultyReader {
    fn read(&self, path: &Path, max_bytes: u64) -> io::Result<Vec<u8>> {
        if path == self.unreadable {
            return Err(io::Error::from(io::ErrorKind::PermissionDenied));
        }
        if path == self.vanished {
            // deleted between listing and reading
            std::fs::remove_file(path)?;
        }
        FsReader.read(path, max_bytes)
    }
}

#[test]
fn unreadable_and_vanished_files_are_problems_with_reasons() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("c");
    std::fs::create_dir_all(&dir).unwrap();
    for name in ["a.txt", "locked.txt", "gone.txt"] {
        std::fs::write(dir.join(name), " date 2024-01-02\nزار الرئيس باريس.").unwrap();
    }
    let reader = FaultyReader { unreadable: dir.join("locked.txt"), vanished: dir.join("gone.txt") };
    let report = load_all(vec![dir.clone()], CorpusOptions::default().with_reader(Arc::new(reader)));
    assert_eq!(report.documents.len(), 1);
    let problems: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        problems,
        [
            "gone.txt: vanished before it could be read (file not found)",
            "locked.txt: unreadable: permission denied"
        ]
    );
}

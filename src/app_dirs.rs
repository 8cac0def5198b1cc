//! Every path Khabar writes to lives here: settings, user data (alias edits, notes) and caches,
//! each overridable by an environment variable so tests never touch the real home, and all of
//! them outside any corpus folder. Also materialises the bundled sample corpus.

use std::path::{Path, PathBuf};

/// Application id (Wayland app_id, desktop file name, storage folder).
pub const APP_ID: &str = "khabar";

static OVERRIDES: std::sync::Mutex<Vec<(String, PathBuf)>> = std::sync::Mutex::new(Vec::new());

/// Overrides an environment-variable setting (`KHABAR_DATA_DIR`, `KHABAR_CACHE_DIR`) for this
/// process, without touching the environment (tests use it; setting env vars is unsafe).
pub fn set_override(key: &str, value: PathBuf) {
    if let Ok(mut o) = OVERRIDES.lock() {
        o.retain(|(k, _)| k != key);
        o.push((key.to_owned(), value));
    }
}

fn setting(key: &str) -> Option<PathBuf> {
    let overridden =
        OVERRIDES.lock().ok().and_then(|o| o.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()));
    overridden.or_else(|| std::env::var_os(key).map(PathBuf::from))
}

/// User data directory (`KHABAR_DATA_DIR`, else `$XDG_DATA_HOME/khabar`).
pub fn data_dir() -> PathBuf {
    setting("KHABAR_DATA_DIR")
        .or_else(|| dirs::data_dir().map(|d| d.join(APP_ID)))
        .unwrap_or_else(|| std::env::temp_dir().join(APP_ID).join("data"))
}

/// Folder for exports without asking (`KHABAR_EXPORT_DIR`): scripted runs and tests set it so
/// screenshots and tables are written there and no save dialog is shown.
pub fn export_dir_override() -> Option<PathBuf> {
    setting("KHABAR_EXPORT_DIR")
}

/// Cache directory (`KHABAR_CACHE_DIR`, else `$XDG_CACHE_HOME/khabar`).
pub fn cache_dir() -> PathBuf {
    setting("KHABAR_CACHE_DIR")
        .or_else(|| dirs::cache_dir().map(|d| d.join(APP_ID)))
        .unwrap_or_else(|| std::env::temp_dir().join(APP_ID).join("cache"))
}

/// A stable file-name-safe key for a corpus folder (used for per-corpus user data).
pub fn corpus_key(roots: &[PathBuf]) -> String {
    // FNV-1a over the canonical paths: stable across Rust versions (unlike DefaultHasher), so
    // keyed files survive toolchain updates.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for r in roots {
        let canonical = r.canonicalize().unwrap_or_else(|_| r.clone());
        for b in canonical.as_os_str().as_encoded_bytes().iter().chain([&0u8]) {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    let name = roots
        .first()
        .and_then(|r| r.file_name())
        .map(|n| n.to_string_lossy().chars().filter(|c| c.is_alphanumeric() || *c == '-').take(40).collect())
        .unwrap_or_else(|| String::from("corpus"));
    format!("{name}-{h:016x}")
}

/// Writes the bundled sample articles to `data_dir()/samples` (if missing or different) and
/// returns that folder. The samples are embedded in the binary, so this works from anywhere.
pub fn materialize_samples() -> std::io::Result<PathBuf> {
    let dir = data_dir().join("samples");
    write_samples_to(&dir)?;
    Ok(dir)
}

fn write_samples_to(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for sample in crate::assets::SAMPLES.iter() {
        let path = dir.join(sample.file_name);
        let same = std::fs::read(&path).map(|b| b == sample.bytes).unwrap_or(false);
        if !same {
            let tmp = dir.join(format!(".{}.tmp", sample.file_name));
            std::fs::write(&tmp, sample.bytes)?;
            std::fs::rename(&tmp, &path)?;
        }
    }
    Ok(())
}

/// True when `path` is the materialised sample folder.
pub fn is_samples_dir(path: &Path) -> bool {
    let samples = data_dir().join("samples");
    match (path.canonicalize(), samples.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_are_written_identically() {
        let dir = tempfile::tempdir().unwrap();
        write_samples_to(dir.path()).unwrap();
        for s in crate::assets::SAMPLES.iter() {
            assert_eq!(std::fs::read(dir.path().join(s.file_name)).unwrap(), s.bytes);
        }
    }

    #[test]
    fn corpus_key_is_stable_and_safe() {
        let a = corpus_key(&[PathBuf::from("/tmp/some folder/أخبار")]);
        assert_eq!(a, corpus_key(&[PathBuf::from("/tmp/some folder/أخبار")]));
        assert!(!a.contains('/'));
    }
}

//! `khabar cache --info | --clear`: the analysis caches kept in the user's cache directory
//! (`$KHABAR_CACHE_DIR` or `$XDG_CACHE_HOME/khabar`, folder `analysis/`, one file per corpus).
//! `--info` lists each file with its size, documents and whether it is still valid; `--clear`
//! deletes them (the next open analyses again).

use std::process::ExitCode;

use khabar::index::cache::{age, cache_files, cache_folder, clear_cache};

#[derive(clap::Args, Debug)]
#[group(required = true, multiple = false)]
pub struct CacheArgs {
    /// List the cache files (path, size, documents, state).
    #[arg(long)]
    pub info: bool,
    /// Delete every analysis cache file.
    #[arg(long)]
    pub clear: bool,
}

pub fn run(args: CacheArgs) -> anyhow::Result<ExitCode> {
    let folder = cache_folder();
    if args.clear {
        let (files, bytes) =
            clear_cache(&folder).map_err(|e| anyhow::anyhow!("cannot clear {}: {e}", folder.display()))?;
        println!("removed {files} cache files ({:.1} MB) from {}", bytes as f64 / 1e6, folder.display());
        return Ok(ExitCode::SUCCESS);
    }
    let files = cache_files(&folder);
    println!("analysis cache folder: {} ({} files)", folder.display(), files.len());
    for f in files {
        let name = f.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let state = match (&f.problem, f.documents) {
            (Some(p), _) => p.clone(),
            (None, Some(n)) => format!("{n} documents"),
            (None, None) => String::new(),
        };
        let when = f.modified.map(age).unwrap_or_default();
        println!("{name}\t{:.1} MB\t{when}\t{state}", f.bytes as f64 / 1e6);
    }
    Ok(ExitCode::SUCCESS)
}

//! The desktop integration files: packaging/khabar.desktop passes `desktop-file-validate` (when
//! the tool is installed: CI installs Debian's desktop-file-utils) and opens folders with
//! `khabar open %F`; every PNG icon is the size its hicolor folder names; the cargo-deb
//! metadata ships the binary, launcher, every icon and the licences.

use std::path::Path;
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn desktop_file_validates_and_opens_folders() {
    let path = root().join("packaging/khabar.desktop");
    let text = std::fs::read_to_string(&path).unwrap();
    let value = |key: &str| {
        text.lines().find_map(|l| l.strip_prefix(key).and_then(|r| r.strip_prefix('='))).map(str::trim)
    };
    assert_eq!(value("Exec"), Some("khabar open %F"));
    assert_eq!(value("Icon"), Some("khabar"));
    let mime: Vec<&str> = value("MimeType").unwrap_or("").split(';').collect();
    assert!(mime.contains(&"inode/directory"), "{mime:?}");
    match Command::new("desktop-file-validate").arg(&path).output() {
        Ok(out) => assert!(
            out.status.success() && out.stdout.is_empty(),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(_) => eprintln!("desktop-file-validate not installed; skipped"),
    }
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.get(..8)? != b"\x89PNG\r\n\x1a\n" || bytes.get(12..16)? != b"IHDR" {
        return None;
    }
    let w = u32::from_be_bytes(bytes.get(16..20)?.try_into().ok()?);
    let h = u32::from_be_bytes(bytes.get(20..24)?.try_into().ok()?);
    Some((w, h))
}

#[test]
fn icon_pngs_match_their_folder_sizes() {
    let mut n = 0;
    for entry in std::fs::read_dir(root().join("packaging/icons")).unwrap() {
        let dir = entry.unwrap().path();
        let name = dir.file_name().unwrap().to_str().unwrap().to_string();
        if name == "scalable" {
            assert!(dir.join("khabar.svg").is_file());
            continue;
        }
        let (w, h) = name.split_once('x').unwrap();
        let want = (w.parse::<u32>().unwrap(), h.parse::<u32>().unwrap());
        let png = std::fs::read(dir.join("khabar.png")).unwrap();
        assert_eq!(png_size(&png), Some(want), "{name}");
        n += 1;
    }
    assert!(n >= 5, "only {n} PNG sizes");
}

#[test]
fn deb_metadata_ships_binary_launcher_icons_and_licences() {
    let toml = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let deb = toml.split("[package.metadata.deb]").nth(1).expect("[package.metadata.deb] section");
    let deb = deb.split("\n[").next().unwrap_or(deb);
    for needle in ["target/release/khabar", "packaging/khabar.desktop", "libvulkan1", "fonts/OFL.txt"] {
        assert!(deb.contains(needle), "missing {needle}");
    }
    for entry in std::fs::read_dir(root().join("packaging/icons")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(deb.contains(&format!("packaging/icons/{name}/")), "icon {name} not packaged");
    }
    // every listed source file exists (except the build output)
    for src in deb
        .split('"')
        .filter(|s| s.starts_with("packaging/") || s.starts_with("assets/") || s.starts_with("fonts/"))
    {
        assert!(root().join(src).exists(), "{src} does not exist");
    }
}

//! `khabar notes` run as a process on a temporary corpus whose workspace (notes, tags, stars) was
//! written through `khabar::index::workspace` into a temporary data directory
//! (`KHABAR_DATA_DIR`): Markdown and CSV exports with citations, and the failures (damaged
//! workspace file, missing folder) exit 2 with a message.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use khabar::index::workspace::{Workspace, workspace_path_in};

const A: &str = "date 2025-10-27 اتفاق تجاري جديد\nقال الوزير إن الاتفاق سيوقع غدا، وأضاف أن الوفد وصل.\n";
const B: &str = "خبر بلا تاريخ\nوصل الوفد إلى \"العاصمة\" صباح اليوم.\n";

struct Setup {
    _tmp: tempfile::TempDir,
    corpus: PathBuf,
    data: PathBuf,
}

fn corpus() -> Setup {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("news");
    std::fs::create_dir(&corpus).unwrap();
    std::fs::write(corpus.join("a.txt"), A).unwrap();
    std::fs::write(corpus.join("b.txt"), B).unwrap();
    let data = tmp.path().join("data");
    Setup { corpus, data, _tmp: tmp }
}

fn char_range(text: &str, needle: &str) -> (usize, usize) {
    let byte = text.find(needle).unwrap();
    let start = text[..byte].chars().count();
    (start, start + needle.chars().count())
}

fn ws_path(s: &Setup) -> PathBuf {
    workspace_path_in(&s.data, std::slice::from_ref(&s.corpus))
}

fn write_workspace(s: &Setup) -> Workspace {
    let mut ws = Workspace::default();
    let (start, end) = char_range(A, "الاتفاق سيوقع غدا");
    ws.add_note("a.txt", start, end, "الاتفاق سيوقع غدا", "مصدر, \"ثان\"\nمطلوب");
    // A note whose passage has moved since (stale offsets): the export re-anchors it.
    ws.add_note("b.txt", 0, 5, "الوفد", "who?");
    ws.add_tag("a.txt", "اقتصاد");
    ws.toggle_star("b.txt");
    ws.save(&ws_path(s)).unwrap();
    ws
}

fn khabar(s: &Setup, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_khabar"))
        .arg("notes")
        .arg(&s.corpus)
        .args(args)
        .env("KHABAR_DATA_DIR", &s.data)
        .env("KHABAR_CACHE_DIR", s.data.join("cache"))
        .output()
        .expect("khabar runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn notes_markdown_has_citations_notes_tags_and_stars() {
    let s = corpus();
    write_workspace(&s);
    let out = khabar(&s, &["--format", "md"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.starts_with("# Notes\n"), "{md}");
    let a = md.find("## اتفاق تجاري جديد\n").expect("title of a.txt as heading");
    let b = md.find("## خبر بلا تاريخ\n").expect("title of b.txt as heading");
    assert!(a < b);
    assert!(md.contains("`a.txt` · 2025-10-27 · tags: اقتصاد"), "{md}");
    assert!(md.contains("`b.txt` · undated · ★ starred"), "{md}");
    assert!(md.contains("> الاتفاق سيوقع غدا\n"), "{md}");
    assert!(md.contains("مصدر, \"ثان\"  \nمطلوب"), "{md}");
    let (start, end) = char_range(B, "الوفد");
    assert!(md.contains(&format!("characters {start}–{end}")), "re-anchored: {md}");
    assert!(!md.contains("detached"), "{md}");
}

#[test]
fn notes_csv_with_bom_to_a_file() {
    let s = corpus();
    write_workspace(&s);
    let file = s.data.join("out.csv");
    let out = khabar(&s, &["--format", "csv", "--bom", "--out", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()));
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        ["document", "title", "published", "start", "end", "quote", "note", "tags", "starred", "created"]
    );
    let rows: Vec<Vec<String>> =
        reader.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0][..3], ["a.txt", "اتفاق تجاري جديد", "2025-10-27"]);
    assert_eq!(rows[0][5..9], ["الاتفاق سيوقع غدا", "مصدر, \"ثان\"\nمطلوب", "اقتصاد", "no"]);
    assert_eq!(rows[1][..3], ["b.txt", "خبر بلا تاريخ", ""]);
    assert_eq!(rows[1][8], "yes");

    let plain = khabar(&s, &["--format", "csv"]);
    assert_eq!(plain.status.code(), Some(0));
    assert!(plain.stdout.starts_with(b"document,title,"), "no BOM unless asked");
}

#[test]
fn notes_without_a_workspace_export_an_empty_list() {
    let s = corpus();
    let out = khabar(&s, &["--format", "md"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "# Notes\n");
    assert!(stderr(&out).contains("no notes"), "{}", stderr(&out));
    assert!(!ws_path(&s).exists(), "export never writes the workspace");
    let names: Vec<_> = std::fs::read_dir(&s.corpus).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 2, "nothing written into the corpus");
}

#[test]
fn notes_on_a_damaged_workspace_exit_2_and_leave_it() {
    let s = corpus();
    let path = ws_path(&s);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, "{\"notes\": [").unwrap();
    let out = khabar(&s, &["--format", "md"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("damaged"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "{\"notes\": [");
}

#[test]
fn notes_on_a_missing_folder_exit_2() {
    let s = corpus();
    let out = Command::new(env!("CARGO_BIN_EXE_khabar"))
        .args(["notes", Path::new("/nonexistent/khabar/news").to_str().unwrap()])
        .env("KHABAR_DATA_DIR", &s.data)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot open"), "{}", stderr(&out));
}

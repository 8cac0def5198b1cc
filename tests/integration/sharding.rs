//! Sharded analysis equals one process: a folder analysed by `khabar analyze DIR --format jsonl`
//! gives, after sorting, byte for byte the lines that three `khabar analyze --files-from SHARD
//! --base DIR --format jsonl` runs give together (one of them reading its list from stdin), and
//! merging the shards (`index::merge::corpus_from_jsonl`) gives the same `khabar.analysis/1`
//! object as `khabar analyze DIR --format json`. The corpus is cut from the bundled samples.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use khabar::index::AliasEdits;
use khabar::index::merge::corpus_from_jsonl;
use khabar::index::output::corpus_json;

fn khabar(args: &[&str], stdin: Option<&str>) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_khabar"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("khabar runs");
    if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
        pipe.write_all(text.as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap())
}

/// A corpus of the samples' paragraphs, one article per paragraph, in nested folders.
fn make_corpus(dir: &Path) -> Vec<String> {
    let mut rels = Vec::new();
    for (si, sample) in khabar::assets::SAMPLES.iter().enumerate() {
        let text = String::from_utf8_lossy(sample.bytes);
        let header = text.lines().next().filter(|l| l.trim_start().starts_with("date")).unwrap_or("");
        for (pi, para) in text.split("\n\n").filter(|p| p.split_whitespace().count() > 5).enumerate() {
            let rel = format!("s{si}/{}/p{pi:02}.txt", pi % 3);
            let path = dir.join(&rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            let body = if para.starts_with(header) { para.to_string() } else { format!("{header}\n{para}") };
            std::fs::write(&path, body).unwrap();
            rels.push(rel);
        }
    }
    rels.sort();
    rels
}

fn sorted_lines(text: &str) -> Vec<String> {
    let mut v: Vec<String> = text.lines().map(String::from).collect();
    v.sort();
    v
}

#[test]
fn three_shards_equal_one_process_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("corpus");
    let rels = make_corpus(&dir);
    assert!(rels.len() >= 12, "{}", rels.len());
    let d = dir.to_str().unwrap();

    let (code, whole) = khabar(&["analyze", d, "--format", "jsonl"], None);
    assert_eq!(code, 0);
    let whole_lines = sorted_lines(&whole);
    assert_eq!(whole_lines.len(), rels.len());

    let mut shard_outputs = Vec::new();
    for k in 0..3 {
        let list: String = rels.iter().skip(k).step_by(3).map(|r| format!("{r}\n")).collect();
        let (code, out) = if k == 1 {
            khabar(&["analyze", "--files-from", "-", "--base", d, "--format", "jsonl"], Some(&list))
        } else {
            let list_path = tmp.path().join(format!("shard{k}.txt"));
            std::fs::write(&list_path, &list).unwrap();
            let lp = list_path.to_str().unwrap();
            khabar(&["analyze", "--files-from", lp, "--base", d, "--format", "jsonl"], None)
        };
        assert_eq!(code, 0);
        shard_outputs.push(out);
    }
    let sharded_lines = sorted_lines(&shard_outputs.concat());
    assert_eq!(sharded_lines, whole_lines);

    let (code, json) = khabar(&["analyze", d, "--format", "json"], None);
    assert_eq!(code, 0);
    let readers: Vec<&[u8]> = shard_outputs.iter().map(|s| s.as_bytes()).collect();
    let (merged, bad) = corpus_from_jsonl(readers, &AliasEdits::new()).unwrap();
    assert!(bad.is_empty(), "{bad:?}");
    let merged_json = serde_json::to_string(&corpus_json(&merged)).unwrap();
    assert_eq!(merged_json, json.trim_end());
    assert!(!merged.entities.is_empty());
}

#[test]
fn a_missing_listed_file_is_an_error_with_a_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("corpus");
    let rels = make_corpus(&dir);
    let list = format!("{}\nnot/there.txt\n", rels[0]);
    let out = Command::new(env!("CARGO_BIN_EXE_khabar"))
        .args(["analyze", "--files-from", "-", "--base", dir.to_str().unwrap(), "--format", "jsonl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            c.stdin.take().unwrap().write_all(list.as_bytes())?;
            c.wait_with_output()
        })
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not/there.txt") && err.contains("not found"), "{err}");
}

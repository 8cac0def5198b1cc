//! Parity of our paragraph layout with FriBidi + HarfBuzz + Pango: for every sample article
//! and `tests/fixtures/layout/tricky.txt`, at 20 px, widths 600 and 900, forced RTL and
//! first-strong, `khabar layout-dump`'s output (built here through the library, from the same
//! `ParagraphLayout` the painter uses) must agree on every line with the committed reference
//! dump made by `../shared/tools/ref-layout` (`scripts/regen-layout-fixtures.sh`).
//!
//! The comparison is a Rust port of `../shared/tools/layout-diff` (same rules, same 0.05 px
//! tolerance): per line the base direction, the character range and the visual glyph sequence
//! (glyph id, cluster, x relative to the line's first glyph, y offset) must agree; white space
//! at the logical end of a line and zero-advance notdef glyphs of control characters are left
//! out. When `../shared/tools/layout-diff` and python3 are present it is run as well.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use khabar::text::TextEngine;
use khabar::text::dump::dump_text;

const TOL: f32 = 0.05;

#[derive(Debug, Clone)]
struct DumpLine {
    base: String,
    chars: (usize, usize),
    glyphs: Vec<(u32, usize, f32, f32, f32)>, // gid, cluster, dx, dy, adv
}

fn parse(dump: &str) -> Result<BTreeMap<(usize, usize), DumpLine>, String> {
    let mut lines = BTreeMap::new();
    let mut para: Option<(usize, String)> = None;
    let mut cur: Option<(usize, usize)> = None;
    for (n, raw) in dump.lines().enumerate() {
        let s = raw.trim();
        if s.is_empty() || s.starts_with('#') || s.starts_with('!') || s.starts_with("BIDI") {
            continue;
        }
        let word = s.split_whitespace().next().unwrap_or("");
        match word {
            "PARA" => {
                let f: Vec<&str> = s.split_whitespace().collect();
                let p: usize = f.get(1).and_then(|x| x.parse().ok()).ok_or(format!("{n}: bad PARA"))?;
                let base = f
                    .iter()
                    .find_map(|x| x.strip_prefix("base="))
                    .ok_or(format!("{n}: PARA without base"))?
                    .to_string();
                para = Some((p, base));
            }
            "LINE" => {
                let f: Vec<&str> = s.split_whitespace().collect();
                let l: usize = f.get(1).and_then(|x| x.parse().ok()).ok_or(format!("{n}: bad LINE"))?;
                let r = f.iter().find_map(|x| x.strip_prefix("chars=")).ok_or(format!("{n}: bad LINE"))?;
                let (a, b) = r.split_once("..").ok_or(format!("{n}: bad range"))?;
                let (p, base) = para.clone().ok_or(format!("{n}: LINE outside PARA"))?;
                let chars = (a.parse().map_err(|_| "bad range")?, b.parse().map_err(|_| "bad range")?);
                lines.insert((p, l), DumpLine { base, chars, glyphs: Vec::new() });
                cur = Some((p, l));
            }
            "RUN" => {}
            "GLYPHS" => {
                let key = cur.ok_or(format!("{n}: GLYPHS outside LINE"))?;
                let body = s["GLYPHS".len()..].trim();
                let body = body.strip_prefix('[').and_then(|b| b.strip_suffix(']')).ok_or("GLYPHS [..]")?;
                let line = lines.get_mut(&key).ok_or("no line")?;
                for item in body.split('|').filter(|x| !x.is_empty()) {
                    line.glyphs.push(parse_glyph(item).ok_or(format!("{n}: bad glyph {item}"))?);
                }
            }
            _ => return Err(format!("{n}: unknown line {word}")),
        }
    }
    Ok(lines)
}

fn parse_glyph(item: &str) -> Option<(u32, usize, f32, f32, f32)> {
    let (gid, rest) = item.split_once('=')?;
    let (pos, adv) = rest.rsplit_once('+')?;
    let (cl, off) = match pos.split_once('@') {
        Some((c, o)) => (c, Some(o)),
        None => (pos, None),
    };
    let (dx, dy) = match off {
        Some(o) => {
            let (x, y) = o.split_once(',')?;
            (x.parse().ok()?, y.parse().ok()?)
        }
        None => (0.0, 0.0),
    };
    Some((gid.parse().ok()?, cl.parse().ok()?, dx, dy, adv.parse().ok()?))
}

/// Python's `str.isspace` for one character (Zs, or bidi class WS, B, S).
fn py_isspace(c: char) -> bool {
    matches!(c, '\t'..='\r' | '\u{1c}'..='\u{1f}' | ' ' | '\u{85}' | '\u{a0}' | '\u{1680}')
        || ('\u{2000}'..='\u{200a}').contains(&c)
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}')
}

/// Python's `str.isprintable` for one character (not Cc, Cf, Cs, Co, Cn, Zl, Zp, Zs but ' ').
fn py_isprintable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    let cp = c as u32;
    let control = cp < 0x20 || (0x7f..0xa0).contains(&cp);
    let format = matches!(cp, 0xad | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x180e | 0xfeff | 0xfff9..=0xfffb)
        || (0x200b..=0x200f).contains(&cp)
        || (0x202a..=0x202e).contains(&cp)
        || (0x2060..=0x2064).contains(&cp)
        || (0x2066..=0x206f).contains(&cp);
    !(control || format || py_isspace(c))
}

fn normalise(line: &DumpLine, para: &[char]) -> Vec<(u32, usize, f32, f32)> {
    let (start, end) = line.chars;
    let mut last = end;
    while last > start && last - 1 < para.len() && py_isspace(para[last - 1]) {
        last -= 1;
    }
    let mut out = Vec::new();
    let mut pen = 0.0f32;
    for &(gid, cl, dx, dy, adv) in &line.glyphs {
        let control = gid == 0 && adv == 0.0 && cl < para.len() && !py_isprintable(para[cl]);
        if cl < last && !control {
            out.push((gid, cl, pen + dx, dy));
        }
        pen += adv;
    }
    if let Some(x0) = out.iter().map(|g| g.2).reduce(f32::min) {
        for g in &mut out {
            g.2 -= x0;
        }
    }
    out
}

/// (lines agreeing, lines, first differences)
fn compare(text: &str, expected: &str, actual: &str) -> (usize, usize, Vec<String>) {
    let paras: Vec<Vec<char>> = text.replace("\r\n", "\n").split('\n').map(|p| p.chars().collect()).collect();
    let exp = parse(expected).expect("reference dump parses");
    let act = parse(actual).expect("our dump parses");
    let mut good = 0;
    let mut report = Vec::new();
    for (key, e) in &exp {
        let empty = Vec::new();
        let para = paras.get(key.0).unwrap_or(&empty);
        let eg = normalise(e, para);
        let why = match act.get(key) {
            None => Some("missing".to_string()),
            Some(a) if a.base != e.base => Some(format!("base {} expected {}", a.base, e.base)),
            Some(a) if a.chars != e.chars => Some(format!("chars {:?} expected {:?}", a.chars, e.chars)),
            Some(a) => {
                let ag = normalise(a, para);
                if eg.iter().map(|g| (g.0, g.1)).ne(ag.iter().map(|g| (g.0, g.1))) {
                    Some(format!("glyphs {:?} expected {:?}", short(&ag), short(&eg)))
                } else {
                    eg.iter()
                        .zip(&ag)
                        .position(|(x, y)| (x.2 - y.2).abs() > TOL || (x.3 - y.3).abs() > TOL)
                        .map(|k| {
                            format!(
                                "glyph {k} at x={} dy={} expected x={} dy={}",
                                ag[k].2, ag[k].3, eg[k].2, eg[k].3
                            )
                        })
                }
            }
        };
        match why {
            None => good += 1,
            Some(w) => report.push(format!("para {} line {}: {w}", key.0, key.1)),
        }
    }
    let extra = act.keys().filter(|k| !exp.contains_key(k)).count();
    for k in act.keys().filter(|k| !exp.contains_key(k)).take(5) {
        report.push(format!("para {} line {}: extra line", k.0, k.1));
    }
    (good, exp.len() + extra, report)
}

fn short(g: &[(u32, usize, f32, f32)]) -> Vec<(u32, usize)> {
    g.iter().take(12).map(|x| (x.0, x.1)).collect()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn texts() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("assets/samples"))
        .expect("samples")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    v.sort();
    v.push(root().join("tests/fixtures/layout/tricky.txt"));
    v
}

fn engine() -> TextEngine {
    let fonts = [root().join("fonts/NotoNaskhArabic-Regular.ttf"), root().join("fonts/NotoSans-Regular.ttf")];
    TextEngine::from_font_files(&fonts).expect("fonts load")
}

fn external_layout_diff(text: &Path, expected: &Path, actual: &str) -> Option<String> {
    let tool = root().join("../shared/tools/layout-diff");
    if !tool.exists() {
        return None;
    }
    let dir = tempfile::tempdir().ok()?;
    let act = dir.path().join("actual.dump");
    std::fs::write(&act, actual).ok()?;
    let out =
        std::process::Command::new("python3").arg(&tool).arg(text).arg(expected).arg(&act).output().ok()?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    Some(stdout.lines().last().unwrap_or("").to_string())
}

#[test]
fn every_line_agrees_with_fribidi_harfbuzz_pango() {
    let mut engine = engine();
    let mut failures = Vec::new();
    let mut total = (0, 0);
    for text_path in texts() {
        let text = std::fs::read_to_string(&text_path).expect("text");
        let name = text_path.file_stem().unwrap_or_default().to_string_lossy().to_string();
        for width in [600.0f32, 900.0] {
            for rtl in [true, false] {
                let dir = if rtl { "rtl" } else { "auto" };
                let fixture = root().join(format!("tests/fixtures/layout/{name}.{dir}.20px.{width}.txt"));
                let expected = std::fs::read_to_string(&fixture).expect("reference fixture");
                let file_name = format!("{name}.txt");
                let actual = dump_text(&mut engine, &text, &file_name, 20.0, width, rtl);
                let (good, n, report) = compare(&text, &expected, &actual);
                let ext = external_layout_diff(&text_path, &fixture, &actual);
                println!(
                    "{name} {dir} {width}: {good}/{n} lines agree{}",
                    ext.map(|e| format!(" [{e}]")).unwrap_or_default()
                );
                total.0 += good;
                total.1 += n;
                if good != n {
                    failures.push(format!("{name} {dir} {width}: {good}/{n}\n  {}", report.join("\n  ")));
                }
            }
        }
    }
    println!("total: {}/{} lines agree", total.0, total.1);
    assert!(failures.is_empty(), "layout differs from the reference:\n{}", failures.join("\n"));
}

/// Extra texts (tests/fixtures/layout/mixed.txt, ctrl.txt; see scripts/regen-layout-fixtures.sh):
/// other sizes and widths, Latin/Cyrillic paragraphs, URLs, in-word breaks with hyphens, bidi
/// controls and isolates, tabs, ZWJ/ZWNJ, tatweel, Urdu; tricky.txt at 10 and 17.5 px (hex
/// boxes for characters no font has, one-row boxes below 6 px mini font).
#[test]
fn extra_texts_agree_at_other_sizes_and_widths() {
    let mut engine = engine();
    let mut failures = Vec::new();
    for (name, size, width, rtl) in [
        ("mixed", 18.0f32, 213.0f32, true),
        ("mixed", 18.0, 213.0, false),
        ("mixed", 18.0, 555.0, true),
        ("mixed", 18.0, 555.0, false),
        ("ctrl", 19.0, 160.0, true),
        ("ctrl", 19.0, 400.0, true),
        ("tricky", 10.0, 70.0, true),
        ("tricky", 17.5, 333.0, false),
    ] {
        let dir = if rtl { "rtl" } else { "auto" };
        let text_path = root().join(format!("tests/fixtures/layout/{name}.txt"));
        let text = std::fs::read_to_string(&text_path).expect("text");
        let fixture = root().join(format!("tests/fixtures/layout/{name}.{dir}.{size}px.{width}.txt"));
        let expected = std::fs::read_to_string(&fixture).expect("reference fixture");
        let actual = dump_text(&mut engine, &text, &format!("{name}.txt"), size, width, rtl);
        let (good, n, report) = compare(&text, &expected, &actual);
        println!("{name} {dir} {size}px {width}: {good}/{n} lines agree");
        if good != n {
            failures.push(format!("{name} {dir} {size} {width}: {good}/{n}\n  {}", report.join("\n  ")));
        }
    }
    assert!(failures.is_empty(), "layout differs from the reference:\n{}", failures.join("\n"));
}

#[test]
fn the_comparison_detects_a_moved_glyph_and_a_moved_line_break() {
    let text = "ab cd";
    let reference = "PARA 0 chars=0..5 base=ltr\n  LINE 0 chars=0..5 width=20\n    RUN 0 chars=0..5 level=0 ltr font=1 script=Latn text=\"ab cd\"\n      GLYPHS [1=0+5|2=1+5|3=2+5|4=3+5|5=4+5]\n";
    assert_eq!(compare(text, reference, reference).0, 1);
    let moved = reference.replace("2=1+5", "2=1@0.1,0+5");
    assert_eq!(compare(text, reference, &moved).0, 0);
    let broken = reference.replace("chars=0..5 width", "chars=0..3 width");
    assert_eq!(compare(text, reference, &broken).0, 0);
    // trailing white space at the line end is not compared
    let trailing =
        "PARA 0 chars=0..3 base=ltr\n  LINE 0 chars=0..3 width=20\n      GLYPHS [1=0+5|2=1+5|3=2+9]\n";
    let trailing2 = trailing.replace("3=2+9", "3=2+5");
    assert_eq!(compare("ab ", trailing, &trailing2).0, 1);
}

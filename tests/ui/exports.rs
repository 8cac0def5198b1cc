//! Exports from the GUI: File → Export table writes the current filtered view; the camera
//! button of a pane saves a PNG of that pane. Written to `KHABAR_EXPORT_DIR` (no dialog).

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use khabar::ui::KhabarApp;

use super::{isolate_dirs, open_app, run_until_idle, samples_dir};

fn export_dir() -> std::path::PathBuf {
    isolate_dirs();
    let dir = std::env::temp_dir().join(format!("khabar-ui-exports-{}", std::process::id()));
    khabar::app_dirs::set_override("KHABAR_EXPORT_DIR", dir.clone());
    dir
}

fn harness() -> Harness<'static, KhabarApp> {
    let mut h = open_app(vec![samples_dir()], [1300.0, 900.0]);
    run_until_idle(&mut h);
    h
}

/// Steps until a file whose name contains `part` and has extension `ext` is in `dir`.
fn wait_for_file(
    h: &mut Harness<'static, KhabarApp>,
    dir: &std::path::Path,
    part: &str,
    ext: &str,
) -> std::path::PathBuf {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let found = std::fs::read_dir(dir).ok().and_then(|rd| {
            rd.flatten().map(|e| e.path()).find(|p| {
                p.file_name().is_some_and(|n| n.to_string_lossy().contains(part))
                    && p.extension().is_some_and(|x| x == ext)
            })
        });
        if let Some(p) = found {
            h.run_steps(2);
            return p;
        }
        let status = h.state().status_message().map(str::to_owned);
        assert!(Instant::now() < deadline, "no {part}….{ext} file in {}; status: {status:?}", dir.display());
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn exporting_the_mentions_table_of_a_selected_entity_writes_only_its_rows() {
    let dir = export_dir();
    let mut h = harness();
    let analyzed = h.state().analyzed().unwrap();
    let doc = h.state().selection().document.unwrap();
    let eid = analyzed.documents[doc].mention_entities().next().expect("entities");
    let entity = analyzed.entities[eid].clone();
    h.state_mut().send(khabar::ui::command::Command::SelectEntity(Some(entity.id.clone())));
    h.run_steps(3);
    h.get_by_label("File").click();
    h.run_steps(2);
    h.get_by_label("Export table of the current view").hover();
    h.run_steps(2);
    h.get_by_label("mentions (CSV)…").click();
    let path = wait_for_file(&mut h, &dir, "-mentions-", "csv");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with('\u{feff}'), "spreadsheet BOM");
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().unwrap().clone();
    let id_col = headers.iter().position(|h| h == "entity_id").expect("entity_id column");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), entity.mention_count, "one row per mention of the entity");
    assert!(rows.iter().all(|r| r.get(id_col) == Some(entity.id.as_str())));
}

#[test]
fn the_camera_button_of_a_pane_saves_a_png_of_that_pane() {
    let dir = export_dir();
    let mut h = harness();
    h.get_by_label("Screenshot of the entities pane").click();
    h.run_steps(2);
    let rect = h.state().pane_rect(khabar::ui::Pane::Entities).expect("entities pane drawn");
    let png = wait_for_file(&mut h, &dir, "-entities-", "png");
    let image = image::open(&png).unwrap();
    let ppp = 1.0; // kittest renders at 1 pixel per point
    assert_eq!(image.width(), (rect.width() * ppp).round() as u32);
    assert_eq!(image.height(), (rect.height() * ppp).round() as u32);
}

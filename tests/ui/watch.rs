//! Folder watching in the app: files added to and removed from the open folder show up
//! within about a second, and only the changed file is analysed again.

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use khabar::ui::KhabarApp;

use super::isolate_dirs;

fn run_until(h: &mut Harness<'static, KhabarApp>, what: &str, done: impl Fn(&KhabarApp) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done(h.state()) {
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn idle(app: &KhabarApp) -> bool {
    !app.is_busy() && app.analyzed().is_some()
}

#[test]
fn files_added_and_removed_in_the_open_folder_update_the_corpus() {
    isolate_dirs();
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(folder.path().join("a.txt"), " date 2024-05-01 التقى الرئيس في القاهرة يوم الإثنين.")
        .unwrap();
    std::fs::write(folder.path().join("b.txt"), " date 2024-05-02 وصل الوفد إلى عمان أمس.").unwrap();
    let paths = vec![folder.path().to_path_buf()];
    let mut h = Harness::builder()
        .with_size(egui::vec2(1200.0, 800.0))
        .wgpu()
        .build_eframe(move |cc| KhabarApp::new(cc, paths));
    run_until(&mut h, "first analysis", idle);
    assert_eq!(h.state().corpus().documents().len(), 2);
    run_until(&mut h, "the watcher started", |app| app.is_watching());

    let added = Instant::now();
    std::fs::write(folder.path().join("c.txt"), " date 2024-05-03 عقد مؤتمر في بيروت.").unwrap();
    run_until(&mut h, "the new file is listed", |app| app.corpus().documents().len() == 3);
    let latency = added.elapsed();
    assert!(latency < Duration::from_secs(10), "took {latency:?}");
    run_until(&mut h, "re-analysis", idle);
    assert_eq!(h.state().last_analysis_counts(), (2, 1), "only the new file is analysed");

    std::fs::remove_file(folder.path().join("a.txt")).unwrap();
    run_until(&mut h, "the removed file leaves the list", |app| app.corpus().documents().len() == 2);
    run_until(&mut h, "re-analysis", idle);
    assert_eq!(h.state().last_analysis_counts(), (2, 0));
    let names: Vec<&str> = h.state().corpus().documents().iter().map(|d| d.rel_path.as_str()).collect();
    assert!(names.contains(&"b.txt") && names.contains(&"c.txt"), "{names:?}");
}

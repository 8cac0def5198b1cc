//! The whole app: opening the samples, dropping a folder, progressive loading.

use std::sync::Arc;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use khabar::ui::KhabarApp;

use super::{isolate_dirs, samples_dir};

/// A dropped folder, as winit would deliver it.
#[derive(Debug)]
struct TestDrop(std::path::PathBuf);

impl egui::DroppedFile for TestDrop {
    fn path(&self) -> &std::path::Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        Err("a folder has no bytes".into())
    }
}

fn harness(paths: Vec<std::path::PathBuf>) -> Harness<'static, KhabarApp> {
    isolate_dirs();
    Harness::builder()
        .with_size(egui::vec2(1200.0, 800.0))
        .wgpu()
        .build_eframe(move |cc| KhabarApp::new(cc, paths))
}

/// Steps the harness until loading finished (or a generous deadline passes).
fn run_until_loaded(h: &mut Harness<'static, KhabarApp>) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while h.state().corpus().is_loading() && Instant::now() < deadline {
        h.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    h.run_steps(3);
}

#[test]
fn samples_open_with_five_documents_listed_by_title() {
    let mut h = harness(vec![samples_dir()]);
    run_until_loaded(&mut h);
    let docs = h.state().corpus().documents().to_vec();
    assert_eq!(docs.len(), 5);
    for doc in &docs {
        assert!(h.query_all_by_label(&doc.title).count() >= 1, "no row labelled {:?}", doc.title);
    }
    // newest first: the first listed document is the 2025-10-27 article
    let first = h.state().corpus().sorted().first().copied().expect("a document");
    assert_eq!(docs[first].published.map(|d| d.to_string()).as_deref(), Some("2025-10-27"));
    assert_eq!(h.state().window_title(), "Khabar — samples");
}

#[test]
fn clicking_a_document_row_selects_it() {
    let mut h = harness(vec![samples_dir()]);
    run_until_loaded(&mut h);
    let last = *h.state().corpus().sorted().last().expect("documents");
    let title = h.state().corpus().documents()[last].title.clone();
    h.query_all_by_label(&title).next().expect("row").click();
    h.run_steps(3);
    assert_eq!(h.state().selection().document, Some(last));
}

#[test]
fn dropping_a_folder_opens_it() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(folder.path().join("a.txt"), " date 2024-05-01 خبر عاجل من القاهرة.").unwrap();
    std::fs::write(folder.path().join("b.txt"), "تقرير بلا تاريخ عن الانتخابات.").unwrap();
    let mut h = harness(vec![samples_dir()]);
    run_until_loaded(&mut h);
    h.input_mut().dropped_files.push(Arc::new(TestDrop(folder.path().to_path_buf())));
    h.step();
    run_until_loaded(&mut h);
    assert_eq!(h.state().corpus().roots(), [folder.path().to_path_buf()]);
    assert_eq!(h.state().corpus().documents().len(), 2);
    let name = folder.path().file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(h.state().window_title(), format!("Khabar — {name}"));
}

/// Reads like the file system but slowly, so that loading visibly takes a while.
struct SlowReader;

impl khabar::corpus::FileReader for SlowReader {
    fn read(&self, path: &std::path::Path, max_bytes: u64) -> std::io::Result<Vec<u8>> {
        std::thread::sleep(Duration::from_millis(20));
        khabar::corpus::FsReader.read(path, max_bytes)
    }
}

#[test]
fn documents_are_listed_before_loading_finishes() {
    isolate_dirs();
    let folder = tempfile::tempdir().unwrap();
    for i in 0..200 {
        let text = format!(" date 2024-05-{:02} خبر رقم {i} عن الاقتصاد في القاهرة.", i % 28 + 1);
        std::fs::write(folder.path().join(format!("{i:04}.txt")), text).unwrap();
    }
    let options = khabar::corpus::CorpusOptions::default().with_reader(std::sync::Arc::new(SlowReader));
    let paths = vec![folder.path().to_path_buf()];
    let mut h = Harness::builder()
        .with_size(egui::vec2(1200.0, 800.0))
        .wgpu()
        .build_eframe(move |cc| KhabarApp::with_corpus_options(cc, paths, options));
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut seen_partial = None;
    while Instant::now() < deadline && h.state().corpus().is_loading() {
        h.step();
        let n = h.state().corpus().sorted().len();
        if n > 0 && h.state().corpus().is_loading() {
            seen_partial = Some(n);
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let partial = seen_partial.expect("documents were listed while loading");
    assert!(partial < 200, "only part of the corpus was listed while loading: {partial}");
    // The list shows the documents already loaded.
    let first = *h.state().corpus().sorted().first().unwrap();
    let title = h.state().corpus().documents()[first].title.clone();
    h.run_steps(2);
    assert!(h.query_all_by_label(&title).count() >= 1);
    run_until_loaded(&mut h);
    assert_eq!(h.state().corpus().documents().len(), 200);
}

#[test]
fn prebuilt_analysis_files_open_with_their_texts() {
    isolate_dirs();
    let folder = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(samples_dir()).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), folder.path().join(entry.file_name())).unwrap();
    }
    // the map step: `khabar analyze DIR --format jsonl`, records written beside the articles
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_khabar"))
        .args(["analyze", folder.path().to_str().unwrap(), "--format", "jsonl"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let records = folder.path().join("records.jsonl");
    std::fs::write(&records, &out.stdout).unwrap();

    let files = vec![records];
    let mut h = Harness::builder()
        .with_size(egui::vec2(1200.0, 800.0))
        .wgpu()
        .build_eframe(move |cc| KhabarApp::with_analysis_files(cc, files));
    let deadline = Instant::now() + Duration::from_secs(60);
    while (h.state().is_busy() || h.state().analyzed().is_none()) && Instant::now() < deadline {
        h.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    h.run_steps(3);
    let docs = h.state().corpus().documents().to_vec();
    assert_eq!(docs.len(), 5);
    assert!(
        docs.iter()
            .all(|d| d.read_text(&khabar::corpus::FsReader).is_ok_and(|r| !r.changed && !r.text.is_empty())),
        "texts are read back from the articles"
    );
    assert!(h.state().corpus().problems().is_empty(), "{:?}", h.state().corpus().problems());
    let analyzed = h.state().analyzed().unwrap();
    assert!(analyzed.entities.len() > 10);
    for doc in &docs {
        assert!(h.query_all_by_label(&doc.title).count() >= 1, "no row for {:?}", doc.title);
    }
}

#[test]
fn once_analysed_the_list_is_newest_first_counting_inferred_dates() {
    let mut h = harness(vec![samples_dir()]);
    super::run_until_idle(&mut h);
    let analyzed = h.state().analyzed().unwrap();
    let dates: Vec<Option<chrono::NaiveDate>> = h
        .state()
        .visible_documents()
        .iter()
        .map(|&d| {
            let a = &analyzed.documents[d];
            a.doc.published.or(a.analysis.published_inferred.as_ref().map(|i| i.date))
        })
        .collect();
    assert!(dates.iter().any(|d| d.is_some()));
    // dated first, newest first; undated last
    let first_undated = dates.iter().position(|d| d.is_none()).unwrap_or(dates.len());
    assert!(dates[first_undated..].iter().all(|d| d.is_none()), "{dates:?}");
    assert!(dates[..first_undated].windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
}

/// Reads like the file system, counting the article files read.
#[derive(Default)]
struct CountingReader {
    reads: std::sync::Mutex<Vec<std::path::PathBuf>>,
}

impl khabar::corpus::FileReader for CountingReader {
    fn read(&self, path: &std::path::Path, max_bytes: u64) -> std::io::Result<Vec<u8>> {
        if let Ok(mut r) = self.reads.lock() {
            r.push(path.to_path_buf());
        }
        khabar::corpus::FsReader.read(path, max_bytes)
    }
}

/// The app on `folder`, reading through `reader`, run until analysed.
fn analysed_with_reader(
    folder: &std::path::Path,
    reader: Arc<CountingReader>,
) -> Harness<'static, KhabarApp> {
    let options = khabar::corpus::CorpusOptions::default().with_reader(reader);
    let paths = vec![folder.to_path_buf()];
    let mut h = Harness::builder()
        .with_size(egui::vec2(1200.0, 800.0))
        .wgpu()
        .build_eframe(move |cc| KhabarApp::with_corpus_options(cc, paths, options));
    super::run_until_idle(&mut h);
    h
}

#[test]
fn reopening_an_unchanged_folder_reads_only_the_document_shown_and_a_changed_file_alone() {
    isolate_dirs();
    let folder = super::samples_copy();
    let first = Arc::new(CountingReader::default());
    let h = analysed_with_reader(folder.path(), first.clone());
    let analysed = h.state().analyzed().unwrap();
    let (entities, documents) = (analysed.entities.len(), analysed.documents.len());
    drop(h);
    let read_first = first.reads.lock().unwrap().len();
    assert!(read_first >= documents, "the first opening reads every file ({read_first} reads)");

    let again = Arc::new(CountingReader::default());
    let h = analysed_with_reader(folder.path(), again.clone());
    let reads = again.reads.lock().unwrap().clone();
    assert!(reads.len() <= 1, "only the document shown is read: {reads:?}");
    let analysed = h.state().analyzed().unwrap();
    assert_eq!((analysed.entities.len(), analysed.documents.len()), (entities, documents));
    assert!(h.state().search_hit_count("بوتين") > 0, "the search index came back with the corpus");
    drop(h);

    // one file changed: it alone is analysed again
    let changed = std::fs::read_dir(folder.path()).unwrap().next().unwrap().unwrap().path();
    let text = std::fs::read_to_string(&changed).unwrap();
    std::fs::write(&changed, format!("{text}\nوزار بوتين القاهرة.")).unwrap();
    let h = analysed_with_reader(folder.path(), Arc::new(CountingReader::default()));
    assert_eq!(h.state().last_analysis_counts(), (documents - 1, 1));
}

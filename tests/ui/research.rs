//! Research workflow through the accessibility tree: a note on a passage survives reopening
//! and opens the passage; copy as quote carries the citation; saved views restore the
//! selection; reading size shortcuts; copies of one story collapse into one row.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use khabar::ui::KhabarApp;
use khabar::ui::command::Command;

use super::{open_app, run_until_idle, samples_copy, save_shot};

fn harness(paths: Vec<std::path::PathBuf>) -> Harness<'static, KhabarApp> {
    let mut h = open_app(paths, [1300.0, 950.0]);
    run_until_idle(&mut h);
    h
}

/// Selects the first sentence-sized passage of the open document: (document, range, text).
fn select_a_passage(h: &mut Harness<'static, KhabarApp>) -> (usize, std::ops::Range<usize>, String) {
    let doc = h.state().selection().document.expect("a document is open");
    let text = h.state().corpus().documents()[doc].text_or_read().expect("readable text");
    // a passage of whole words from the first long line
    let start = text.chars().position(|c| c.is_alphabetic()).unwrap();
    let end = (start + 40).min(text.chars().count());
    let range = start..end;
    h.state_mut().document_view_mut().set_selection(Some(range.clone()));
    h.run_steps(2);
    let passage: String = text.chars().skip(start).take(end - start).collect();
    (doc, range, passage)
}

#[test]
fn a_note_on_a_passage_is_found_again_after_reopening() {
    let folder = samples_copy();
    let roots = vec![folder.path().to_path_buf()];
    let mut h = harness(roots.clone());
    let (doc, range, passage) = select_a_passage(&mut h);
    h.get_by_label("Add note…").click();
    h.run_steps(2);
    h.get_by_label("Note text").set_text_value_accesskit("مصدر مهم للتحقق");
    h.run_steps(2);
    h.get_by_label("Save note").click();
    h.run_steps(3);
    let notes = &h.state().workspace().notes;
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].quote, passage);
    assert_eq!((notes[0].start, notes[0].end), (range.start, range.end));
    let rel_path = h.state().corpus().documents()[doc].rel_path.clone();
    assert_eq!(notes[0].document, rel_path);
    drop(h);

    // reopen: the note is in the Notes tab and opens its passage
    let mut h = harness(roots);
    assert_eq!(h.state().workspace().notes.len(), 1);
    h.get_by_label("Notes (1)").click();
    h.run_steps(2);
    h.get_by_label("All documents").click();
    h.run_steps(2);
    h.get_by_label(&format!("note {}", passage.trim())).click();
    h.run_steps(3);
    let sel = h.state().selection().clone();
    let opened = sel.document.expect("document open");
    assert_eq!(h.state().corpus().documents()[opened].rel_path, rel_path);
    assert_eq!(sel.target.map(|t| t.range), Some(range));
    h.run_steps(3);
    save_shot(&mut h, "note");
    // the notes file is in the data directory, not in the corpus folder
    assert_eq!(std::fs::read_dir(folder.path()).unwrap().count(), 5);
}

#[test]
fn copy_as_quote_carries_title_file_and_date() {
    let folder = samples_copy();
    let mut h = harness(vec![folder.path().to_path_buf()]);
    let (doc, _, passage) = select_a_passage(&mut h);
    h.get_by_label("Copy as quote").click();
    h.run_steps(2);
    let quote = h.state().last_copied_quote().expect("a quote was copied").to_owned();
    let d = &h.state().corpus().documents()[doc];
    let first_word = passage.split_whitespace().next().unwrap();
    assert!(quote.contains(first_word), "{quote}");
    assert!(quote.contains(&d.rel_path), "{quote}");
    match d.published {
        Some(date) => assert!(quote.contains(&date.to_string()), "{quote}"),
        None => {
            let inferred = h.state().analyzed().unwrap().documents[doc].analysis.published_inferred.clone();
            match inferred {
                Some(i) => assert!(quote.contains(&i.date.to_string()), "{quote}"),
                None => assert!(quote.contains("undated"), "{quote}"),
            }
        }
    }
}

#[test]
fn a_saved_view_restores_the_entity_and_document() {
    let folder = samples_copy();
    let mut h = harness(vec![folder.path().to_path_buf()]);
    let analyzed = h.state().analyzed().unwrap();
    let doc = h.state().selection().document.unwrap();
    let eid = analyzed.documents[doc].mention_entities().next().expect("entities");
    let entity = analyzed.entities[eid].id.clone();
    h.state_mut().send(Command::SelectEntity(Some(entity.clone())));
    h.run_steps(2);
    h.state_mut().send(Command::SaveView("my view".into()));
    h.run_steps(2);
    h.state_mut().send(Command::ClearSelection);
    h.run_steps(2);
    assert_eq!(h.state().selection().entity, None);
    h.get_by_label("Views").click();
    h.run_steps(2);
    h.get_by_label("Open “my view”").click();
    h.run_steps(3);
    assert_eq!(h.state().selection().entity.as_deref(), Some(entity.as_str()));
    assert_eq!(h.state().selection().document, Some(doc));
}

#[test]
fn reading_size_follows_the_keyboard_shortcuts() {
    let folder = samples_copy();
    let mut h = harness(vec![folder.path().to_path_buf()]);
    let base = h.state().settings().font_size;
    for _ in 0..2 {
        h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Equals);
        h.run_steps(1);
    }
    assert_eq!(h.state().settings().font_size, base + 2.0);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Minus);
    h.run_steps(1);
    assert_eq!(h.state().settings().font_size, base + 1.0);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Num0);
    h.run_steps(1);
    assert_eq!(h.state().settings().font_size, khabar::text::document_view::DEFAULT_FONT_SIZE);
}

#[test]
fn copies_of_one_story_are_listed_as_one_row_with_their_count() {
    let folder = tempfile::tempdir().unwrap();
    let story = "أعلنت وزارة الصحة في القاهرة يوم الأحد عن خطة جديدة لتطوير المستشفيات الحكومية في \
                 جميع المحافظات خلال العامين المقبلين، وقال الوزير إن الخطة تشمل بناء مستشفيات جديدة \
                 وتحديث المعدات الطبية وتدريب الأطباء والممرضين على أحدث الأساليب العلاجية.";
    std::fs::write(folder.path().join("a.txt"), format!(" date 2024-03-03 {story}")).unwrap();
    std::fs::write(folder.path().join("b.txt"), format!(" date 2024-03-04 {story} (أ ف ب)")).unwrap();
    std::fs::write(
        folder.path().join("c.txt"),
        " date 2024-03-05 فاز المنتخب الوطني لكرة القدم على نظيره في مباراة ودية أقيمت في عمان مساء أمس \
         وسط حضور جماهيري كبير، وسجل الأهداف لاعبو الوسط في الشوط الثاني من المباراة.",
    )
    .unwrap();
    let mut h = harness(vec![folder.path().to_path_buf()]);
    assert_eq!(h.state().stories().len(), 1, "the two copies form one group");
    assert!(h.query_by_label("2 copies").is_some(), "the group shows its count");
    // the list shows 2 rows: the story once and the other article
    let mut titles: Vec<String> = h.state().corpus().documents().iter().map(|d| d.title.clone()).collect();
    titles.sort();
    titles.dedup();
    let rows = |h: &Harness<'static, KhabarApp>| -> usize {
        titles.iter().map(|t| h.query_all_by_role_and_label(egui::accesskit::Role::ListItem, t).count()).sum()
    };
    assert_eq!(rows(&h), 2);
    h.get_by_label("2 copies").click();
    h.run_steps(3);
    assert_eq!(rows(&h), 3, "expanded, both copies are listed");
    // counting each story once: the copy's publication date leaves the timeline
    assert!(h.query_by_label("3 publication dates").is_some());
    h.get_by_label("View").click();
    h.run_steps(2);
    h.get_by_label("Count each story once").click();
    h.run_steps(3);
    assert!(h.query_by_label("2 publication dates").is_some(), "one story, one publication date");
    save_shot(&mut h, "duplicate-group");
}

#[test]
fn a_tag_typed_and_entered_is_added_and_a_note_field_takes_the_focus() {
    let folder = samples_copy();
    let mut h = harness(vec![folder.path().to_path_buf()]);
    let doc = h.state().selection().document.unwrap();
    let rel_path = h.state().corpus().documents()[doc].rel_path.clone();
    h.get_by_label("Add tag").click();
    h.run_steps(2);
    h.get_by_label("Add tag").type_text("كوريا");
    h.run_steps(1);
    h.key_press(egui::Key::Enter);
    h.run_steps(3);
    assert_eq!(h.state().workspace().tags_of(&rel_path), vec!["كوريا"]);
    // Add note… puts the keyboard in the note field: typing and Enter save the note
    select_a_passage(&mut h);
    h.get_by_label("Add note…").click();
    h.run_steps(2);
    assert!(h.get_by_label("Note text").is_focused());
    h.get_by_label("Note text").type_text("مهم");
    h.run_steps(1);
    h.key_press(egui::Key::Enter);
    h.run_steps(3);
    let notes = &h.state().workspace().notes;
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].body, "مهم");
}

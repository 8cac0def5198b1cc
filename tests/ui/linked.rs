//! Linked exploration through the accessibility tree: selecting an entity filters the
//! documents list and highlights its mentions; a co-occurring entity pivots the selection;
//! merging two entities leaves one row, is saved, and can be undone.

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use khabar::ui::KhabarApp;
use khabar::ui::entities::{Scope, SortBy, entity_rows};

use super::{open_app, run_until_idle, samples_copy, samples_dir};

fn harness(paths: Vec<std::path::PathBuf>) -> Harness<'static, KhabarApp> {
    open_app(paths, [1300.0, 1000.0])
}

/// The rows of the entities pane for the open document (what the pane lists first).
fn document_rows(h: &Harness<'static, KhabarApp>) -> Vec<khabar::ui::entities::EntityRow> {
    let analyzed = h.state().analyzed().unwrap();
    entity_rows(analyzed, Scope::Document, h.state().selection().document, "", SortBy::Frequency)
}

/// Rows whose name appears once in the list (so a query by name finds one row).
fn uniquely_named(rows: &[khabar::ui::entities::EntityRow]) -> Vec<khabar::ui::entities::EntityRow> {
    rows.iter().filter(|r| rows.iter().filter(|o| o.canonical == r.canonical).count() == 1).cloned().collect()
}

#[test]
fn selecting_an_entity_filters_documents_and_highlights_its_mentions() {
    let mut h = harness(vec![samples_dir()]);
    run_until_idle(&mut h);
    let doc = h.state().selection().document.expect("a document is open");
    let total = h.state().corpus().documents().len();
    let rows = uniquely_named(&document_rows(&h));
    // the first listed entity that is not in every document (so the list visibly shrinks)
    let analyzed = h.state().analyzed().unwrap();
    let row = rows
        .iter()
        .take(8)
        .find(|r| r.documents < total)
        .or(rows.first())
        .expect("the open document has entities")
        .clone();
    let eid = analyzed.entity_by_id(&row.id).unwrap();
    let mut expected_docs: Vec<usize> =
        analyzed.entities[eid].documents.iter().map(|&d| d as usize).collect();
    let mentions_here = analyzed.documents[doc].mention_entities().filter(|&e| e == eid).count();

    h.get_by_role_and_label(Role::ListItem, &row.canonical).click();
    h.run_steps(4);

    assert_eq!(h.state().selection().entity.as_deref(), Some(row.id.as_str()));
    let mut visible = h.state().visible_documents().to_vec();
    visible.sort();
    expected_docs.sort();
    assert_eq!(visible, expected_docs, "the documents list shows exactly the entity's documents");
    assert!(visible.len() < total || row.documents == total);
    assert_eq!(h.state().highlighted_mentions(), mentions_here);
    assert!(mentions_here > 0);
    assert!(h.query_by_label(&format!("Mention 1 of {mentions_here}")).is_some());
}

#[test]
fn clicking_a_cooccurring_entity_pivots_the_selection() {
    let mut h = harness(vec![samples_dir()]);
    run_until_idle(&mut h);
    let analyzed = h.state().analyzed().unwrap();
    let rows = uniquely_named(&document_rows(&h));
    let (row, other) = rows
        .iter()
        .find_map(|r| {
            let eid = analyzed.entity_by_id(&r.id)?;
            let co = analyzed.cooccurring(eid, khabar::index::CoScope::Sentence);
            let first = co.first()?;
            Some((r.clone(), analyzed.entities[first.entity].clone()))
        })
        .expect("an entity of the open document shares a sentence with another");
    h.get_by_role_and_label(Role::ListItem, &row.canonical).click();
    h.run_steps(4);
    assert_eq!(h.state().selection().entity.as_deref(), Some(row.id.as_str()));
    h.get_by_label(&format!("with {}", other.canonical)).click();
    h.run_steps(4);
    assert_eq!(h.state().selection().entity.as_deref(), Some(other.id.as_str()));
    // and back
    h.state_mut().send(khabar::ui::command::Command::Back);
    h.run_steps(3);
    assert_eq!(h.state().selection().entity.as_deref(), Some(row.id.as_str()));
}

#[test]
fn merging_two_entities_leaves_one_row_saved_and_undoable() {
    let folder = samples_copy();
    let mut h = harness(vec![folder.path().to_path_buf()]);
    run_until_idle(&mut h);
    let all_rows = document_rows(&h);
    let rows = uniquely_named(&all_rows);
    // two entities of the same type near the top of the list
    let (a, b) = rows
        .iter()
        .take(6)
        .enumerate()
        .find_map(|(i, a)| {
            rows.iter().take(6).skip(i + 1).find(|b| b.kind == a.kind).map(|b| (a.clone(), b.clone()))
        })
        .expect("two entities of one type in the open document");
    let entities_before = h.state().analyzed().unwrap().entities.len();

    h.get_by_role_and_label(Role::ListItem, &a.canonical).click();
    h.run_steps(3);
    h.get_by_role_and_label(Role::ListItem, &b.canonical).click_secondary();
    h.run_steps(2);
    h.get_by_label("Merge into the selected entity").click();
    h.run_steps(2);
    run_until_idle(&mut h);

    let analyzed = h.state().analyzed().unwrap();
    assert_eq!(analyzed.entities.len(), entities_before - 1);
    let merged = analyzed
        .entities
        .iter()
        .find(|e| e.aliases.contains(&a.canonical) && e.aliases.contains(&b.canonical))
        .expect("one entity has both names")
        .clone();
    assert_eq!(
        h.state().selection().entity.as_deref(),
        Some(merged.id.as_str()),
        "the merged entity is selected"
    );
    let rows_after = document_rows(&h);
    assert_eq!(rows_after.len(), all_rows.len() - 1);
    assert_eq!(rows_after.iter().filter(|r| r.id == merged.id).count(), 1);
    assert_eq!(h.query_all_by_role_and_label(Role::ListItem, &merged.canonical).count(), 1);
    let other_name = if merged.canonical == a.canonical { &b.canonical } else { &a.canonical };
    assert_eq!(h.query_all_by_role_and_label(Role::ListItem, other_name).count(), 0);

    // saved in the data directory, never in the corpus folder
    let saved = khabar::ui::app::aliases_path_for(&[folder.path().to_path_buf()]);
    let edits = khabar::index::AliasEdits::load(&saved).expect("alias edits saved");
    assert_eq!(edits.edits.len(), 1);
    assert!(!saved.starts_with(folder.path()));
    assert_eq!(std::fs::read_dir(folder.path()).unwrap().count(), 5);

    // undo brings both rows back
    h.state_mut().send(khabar::ui::command::Command::UndoAliasEdit);
    h.run_steps(2);
    run_until_idle(&mut h);
    assert_eq!(h.state().analyzed().unwrap().entities.len(), entities_before);
    assert_eq!(document_rows(&h).len(), all_rows.len());
    assert!(khabar::index::AliasEdits::load(&saved).unwrap().edits.is_empty());
}

#[test]
fn alias_edits_are_reapplied_when_the_corpus_is_reopened() {
    let folder = samples_copy();
    let roots = vec![folder.path().to_path_buf()];
    let mut h = harness(roots.clone());
    run_until_idle(&mut h);
    let rows = document_rows(&h);
    let row = rows.first().expect("entities").clone();
    let new_name = format!("{} (renamed)", row.canonical);
    h.state_mut().send(khabar::ui::command::Command::EditAliases(khabar::index::AliasEdit::Rename {
        entity: khabar::index::EntityRef { kind: row.kind, alias: row.canonical.clone() },
        canonical: new_name.clone(),
    }));
    h.run_steps(2);
    run_until_idle(&mut h);
    assert!(h.state().analyzed().unwrap().entities.iter().any(|e| e.canonical == new_name));
    drop(h);

    let mut h = harness(roots);
    run_until_idle(&mut h);
    assert!(
        h.state().analyzed().unwrap().entities.iter().any(|e| e.canonical == new_name),
        "the rename is re-applied on reopen"
    );
}

#[test]
fn search_finds_a_word_through_tashkeel_and_enter_opens_the_hit() {
    let mut h = harness(vec![samples_dir()]);
    run_until_idle(&mut h);
    // a word of some document, typed back with tashkeel on its first letter
    let docs = h.state().corpus().documents().to_vec();
    let word = docs
        .iter()
        .filter_map(|d| d.text_or_read())
        .collect::<Vec<_>>()
        .iter()
        .flat_map(|t| t.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
        .find(|w| w.chars().count() >= 5 && w.chars().all(|c| ('\u{0621}'..='\u{064A}').contains(&c)))
        .expect("an Arabic word")
        .to_owned();
    let mut typed: String = word.chars().take(1).collect();
    typed.push('\u{064E}'); // fatha
    typed.extend(word.chars().skip(1));
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::K);
    h.run_steps(2);
    h.get_by_label("Search query").set_text_value_accesskit(&typed);
    h.run_steps(3);
    let hits = h.query_all_by_label_contains(&word).count();
    assert!(hits >= 1, "a result row shows the word");
    h.key_press(egui::Key::Enter);
    h.run_steps(3);
    assert!(h.query_by_label("Search query").is_none(), "the search window closes on opening a hit");
    let sel = h.state().selection().clone();
    let target = sel.target.expect("the hit is opened");
    let doc = &docs[target.document];
    let text = doc.text_or_read().expect("readable text");
    let found: String = text.chars().skip(target.range.start).take(target.range.len()).collect();
    assert!(!found.is_empty() && (found.contains(&word) || word.contains(&found)), "{found:?} vs {word:?}");
}

#[test]
fn the_matrix_and_about_windows_open_and_the_matrix_pivots() {
    let mut h = harness(vec![samples_dir()]);
    run_until_idle(&mut h);
    let analyzed = h.state().analyzed().unwrap();
    let (top, _) = analyzed.cooccurrence_matrix(15, khabar::index::CoScope::Sentence);
    let first = analyzed.entities[top[0]].clone();
    h.get_by_label("Matrix").click();
    h.run_steps(3);
    h.get_by_label(&format!("matrix {}", first.canonical)).click();
    h.run_steps(3);
    assert_eq!(h.state().selection().entity.as_deref(), Some(first.id.as_str()));
    super::save_shot(&mut h, "linked-matrix");
    h.get_by_label("Help").click();
    h.run_steps(2);
    h.get_by_label("About Khabar…").click();
    h.run_steps(3);
    assert!(h.query_by_label("CC BY-SA 4.0").is_some(), "the NER model's licence is listed");
    assert!(h.query_by_label("SIL Open Font License 1.1").is_some(), "the fonts' licence is listed");
    super::save_shot(&mut h, "about");
}

#[test]
fn ctrl_f_opens_find_in_the_document() {
    let mut h = harness(vec![samples_dir()]);
    run_until_idle(&mut h);
    let rect = h.state().pane_rect(khabar::ui::Pane::Document).expect("document pane");
    h.input_mut().events.push(egui::Event::PointerMoved(rect.center()));
    h.run_steps(2);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    h.run_steps(3);
    assert!(h.query_by_label("Find in document").is_some(), "the find bar opens");
}

#[test]
fn arrow_keys_move_in_the_list_under_the_pointer() {
    let mut h = harness(vec![samples_dir()]);
    run_until_idle(&mut h);
    let doc = h.state().selection().document;
    let rows = document_rows(&h);
    let entities = h.state().pane_rect(khabar::ui::Pane::Entities).unwrap();
    h.input_mut().events.push(egui::Event::PointerMoved(entities.center()));
    h.run_steps(2);
    h.key_press(egui::Key::ArrowDown);
    h.run_steps(2);
    assert_eq!(h.state().selection().entity.as_deref(), Some(rows[0].id.as_str()));
    h.key_press(egui::Key::ArrowDown);
    h.run_steps(2);
    let now = h.state().selection().entity.clone().unwrap();
    // the list re-forms with the selection's details above it, so compare with the rows again
    let rows = document_rows(&h);
    assert_eq!(now, rows[1].id);
    assert_eq!(h.state().selection().document, doc, "the documents list did not move");
    // over the documents list, arrows move there
    let documents = h.state().pane_rect(khabar::ui::Pane::Documents).unwrap();
    h.input_mut().events.push(egui::Event::PointerMoved(documents.center()));
    h.run_steps(2);
    h.key_press(egui::Key::ArrowDown);
    h.run_steps(2);
    assert_ne!(h.state().selection().document, doc);
}

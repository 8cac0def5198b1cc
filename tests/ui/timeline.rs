//! Timeline: clicking an event marker opens its document at the sentence.

use egui_kittest::Harness;
use khabar::ui::KhabarApp;

use super::{open_app, run_until_idle, samples_dir};

fn click_at(h: &mut Harness<'static, KhabarApp>, pos: egui::Pos2) {
    h.input_mut().events.push(egui::Event::PointerMoved(pos));
    h.step();
    for pressed in [true, false] {
        h.input_mut().events.push(egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
        h.step();
    }
    h.run_steps(3);
}

#[test]
fn clicking_a_timeline_event_opens_its_document_at_the_sentence() {
    let mut h = open_app(vec![samples_dir()], [1300.0, 900.0]);
    run_until_idle(&mut h);
    h.run_steps(5);
    let markers = h.state().timeline_markers().to_vec();
    assert!(!markers.is_empty(), "the timeline shows event markers");
    let open = h.state().selection().document;
    // prefer an event of another document, so the click visibly changes the open document
    let (pos, target) =
        markers.iter().find(|(_, t)| Some(t.document) != open).or(markers.first()).cloned().unwrap();
    click_at(&mut h, pos);
    let selection = h.state().selection().clone();
    assert_eq!(selection.document, Some(target.document), "the event's document is open");
    let shown = selection.target.expect("the sentence is targeted");
    assert_eq!(shown.document, target.document);
    // markers may overlap: the clicked one is one of the markers at that spot
    assert!(
        markers.iter().any(|(p, t)| p.distance(pos) < 8.0 && *t == shown),
        "the targeted sentence belongs to a marker under the pointer"
    );
}

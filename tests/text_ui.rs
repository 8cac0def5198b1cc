//! kittest tests of the Arabic text widgets (issue 4): label, text input, document view
//! (selection + copy, find, hit-testing through painted positions) and one image snapshot of
//! the document view (rendered with wgpu on lavapipe; see kittest.toml for thresholds).
#![cfg(feature = "gui")]

use egui::accesskit::Role;
use egui::{Event, Key, Modifiers, OutputCommand, PointerButton, Pos2, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use khabar::text::document_view::DocumentView;
use khabar::text::input::ArabicTextInput;
use khabar::text::label::ArabicLabel;

fn copied_texts(harness: &Harness<'_, impl Sized>) -> Vec<String> {
    harness
        .output()
        .platform_output
        .commands
        .iter()
        .filter_map(|c| match c {
            OutputCommand::CopyText(t) => Some(t.clone()),
            _ => None,
        })
        .collect()
}

fn chars(text: &str, range: std::ops::Range<usize>) -> String {
    text.chars().skip(range.start).take(range.len()).collect()
}

struct DocState {
    view: DocumentView,
    text: String,
    clicked: Vec<usize>,
}

fn doc_harness(text: &str, size: egui::Vec2) -> Harness<'static, DocState> {
    let state = DocState { view: DocumentView::new("doc"), text: text.to_string(), clicked: Vec::new() };
    Harness::builder().with_size(size).with_pixels_per_point(1.0).with_step_dt(1.0 / 60.0).build_ui_state(
        |ui, s: &mut DocState| {
            let out = s.view.ui(ui, &s.text, &[]);
            s.clicked.extend(out.clicked_char);
        },
        state,
    )
}

fn press(harness: &Harness<'_, DocState>, pos: Pos2, pressed: bool, modifiers: Modifiers) {
    harness.event(Event::PointerButton { pos, button: PointerButton::Primary, pressed, modifiers });
}

#[test]
fn label_is_findable_by_its_full_text_even_when_elided() {
    let text = "وزارة الخارجية المصرية تعلن عن زيارة رسمية";
    let mut harness = Harness::builder().with_size(vec2(300.0, 100.0)).build_ui(|ui| {
        ui.add(ArabicLabel::new(text));
        ui.add(ArabicLabel::new("قصير جدا ولكنه طويل بما يكفي للقص").max_width(60.0));
    });
    harness.run();
    let node = harness.get_by_label(text);
    assert!(node.rect().width() > 50.0, "label painted with a real width");
    let elided = harness.get_by_label("قصير جدا ولكنه طويل بما يكفي للقص");
    assert!(elided.rect().width() <= 60.5, "elided label stays within max_width: {:?}", elided.rect());
}

#[test]
fn typing_arabic_into_the_input_reads_back_the_same_text() {
    let mut harness = Harness::builder().with_size(vec2(400.0, 80.0)).build_ui_state(
        |ui, query: &mut String| {
            ui.add(ArabicTextInput::new(query).label("Search").hint("ابحث"));
        },
        String::new(),
    );
    harness.run();
    let field = harness.get_by_role_and_label(Role::TextInput, "Search");
    field.focus();
    harness.run();
    harness.get_by_role_and_label(Role::TextInput, "Search").type_text("مُحَمَّد 2025 abc");
    harness.run();
    assert_eq!(harness.state(), "مُحَمَّد 2025 abc");
    let value = harness.get_by_role_and_label(Role::TextInput, "Search").value();
    assert_eq!(value.as_deref(), Some("مُحَمَّد 2025 abc"));
    // Home, then Delete removes the first grapheme (letter and its marks), logically.
    harness.key_press(Key::Home);
    harness.key_press(Key::Delete);
    harness.run();
    assert_eq!(harness.state(), "حَمَّد 2025 abc");
}

#[test]
fn input_cut_and_paste_move_logical_text() {
    let mut harness = Harness::builder().with_size(vec2(400.0, 80.0)).build_ui_state(
        |ui, text: &mut String| {
            ui.add(ArabicTextInput::new(text).label("Name"));
        },
        String::from("بوتين abc"),
    );
    harness.run();
    harness.get_by_role_and_label(Role::TextInput, "Name").focus();
    harness.run();
    // Select all, cut: the clipboard gets the logical text and the field is empty.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.event(Event::Cut);
    // One frame: the copy command is in this frame's output.
    harness.step();
    assert_eq!(copied_texts(&harness), vec!["بوتين abc".to_string()]);
    assert_eq!(harness.state(), "");
    harness.event(Event::Paste("سيرغي\nلافروف".into()));
    harness.run();
    assert_eq!(harness.state(), "سيرغي لافروف");
}

#[test]
fn ctrl_a_then_copy_returns_the_whole_logical_text() {
    let text = "قال بوتين 15 مرة: hello world.\nفقرة ثانية (2025).";
    let mut harness = doc_harness(text, vec2(500.0, 300.0));
    harness.run();
    let centre = harness.get_by_label("قال بوتين 15 مرة: hello world.").rect().center();
    harness.hover_at(centre);
    press(&harness, centre, true, Modifiers::NONE);
    press(&harness, centre, false, Modifiers::NONE);
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.event(Event::Copy);
    harness.step();
    assert_eq!(copied_texts(&harness), vec![text.to_string()]);
}

#[test]
fn drag_selection_across_a_bidi_boundary_copies_logical_text() {
    let text = "قال الرئيس 15 مرة إن hello world ثم غادر";
    let mut harness = doc_harness(text, vec2(700.0, 200.0));
    harness.run();
    // From before "15" (logical 11) to after "hello" (logical 26): crosses RTL→LTR runs.
    let (a, b) = (11, 26);
    let pa = harness.state().view.caret_screen_pos(a).expect("caret a");
    let pb = harness.state().view.caret_screen_pos(b).expect("caret b");
    harness.hover_at(pa);
    press(&harness, pa, true, Modifiers::NONE);
    harness.step();
    harness.hover_at(Pos2::new((pa.x + pb.x) / 2.0, pa.y));
    harness.step();
    harness.hover_at(pb);
    harness.step();
    press(&harness, pb, false, Modifiers::NONE);
    harness.run();
    assert_eq!(harness.state().view.selection(), Some(a..b));
    harness.event(Event::Copy);
    harness.step();
    assert_eq!(copied_texts(&harness), vec![chars(text, a..b)]);
}

#[test]
fn double_click_selects_the_word_under_the_pointer() {
    let text = "أكد الرئيس الروسي فلاديمير بوتين";
    let mut harness = doc_harness(text, vec2(600.0, 150.0));
    harness.run();
    // Inside "الروسي" (chars 11..17).
    let p = harness.state().view.caret_screen_pos(13).expect("caret");
    harness.hover_at(p);
    for _ in 0..2 {
        press(&harness, p, true, Modifiers::NONE);
        press(&harness, p, false, Modifiers::NONE);
        harness.step();
    }
    harness.run();
    assert_eq!(harness.state().view.selection(), Some(11..17));
}

#[test]
fn clicking_each_caret_position_hits_that_offset() {
    // Round trip offset → painted position → hit-test → offset, for every cluster boundary,
    // through the same origin snapping and pixels-per-point scaling the painter uses.
    let text = "قال 123 مرّة: «twitter.com» (نعم) Привет ٤٥٦ آخر";
    let mut harness = doc_harness(text, vec2(800.0, 150.0));
    harness.run();
    let stops = harness.state().view.caret_stops(0);
    assert!(stops.len() > 20, "clusters found: {}", stops.len());
    let mut misses = Vec::new();
    for &offset in &stops {
        let Some(p) = harness.state().view.caret_screen_pos(offset) else { continue };
        harness.state_mut().clicked.clear();
        harness.hover_at(p);
        press(&harness, p, true, Modifiers::NONE);
        press(&harness, p, false, Modifiers::NONE);
        harness.run();
        let got = harness.state().clicked.last().copied();
        // Two logical offsets may share one visual position at a run boundary.
        let same_place = got
            .and_then(|g| harness.state().view.caret_screen_pos(g))
            .is_some_and(|q| (q.x - p.x).abs() < 0.01);
        if got != Some(offset) && !same_place {
            misses.push((offset, got));
        }
    }
    assert!(misses.is_empty(), "offsets not hit back: {misses:?}");
}

#[test]
fn painted_glyphs_sit_at_the_layout_positions() {
    let text = "أكد الرئيس الروسي فلاديمير بوتين، الإثنين (27 أكتوبر)، عبر Telegram.";
    let mut harness = doc_harness(text, vec2(700.0, 150.0));
    harness.run();
    let expected = harness.state().view.painted_glyph_pens(&harness.ctx, 0);
    assert!(!expected.is_empty());
    // Every textured quad emitted in the frame must start where a glyph's pen + bearing is.
    let mut quads = Vec::new();
    for clipped in &harness.output().shapes {
        if let egui::epaint::Shape::Mesh(mesh) = &clipped.shape {
            if mesh.texture_id == egui::TextureId::default() {
                continue;
            }
            for quad in mesh.vertices.chunks(4) {
                if let (Some(a), Some(c)) = (quad.first(), quad.get(3)) {
                    quads.push(egui::Rect::from_two_pos(a.pos, c.pos));
                }
            }
        }
    }
    assert!(!quads.is_empty(), "no glyph meshes painted");
    for (pen, left, width) in &expected {
        let found =
            quads.iter().any(|q| (q.min.x - (pen.x + left)).abs() < 1.01 && (q.width() - width).abs() < 0.01);
        assert!(found, "no quad at glyph pen {pen:?} (+{left}, w {width})");
    }
}

#[test]
fn find_matches_through_tashkeel_and_highlights_the_hit() {
    let text = "قال مُحَمَّدٌ إن محمدا وأحمد\nثم عاد مُحمّد.";
    let mut harness = doc_harness(text, vec2(600.0, 300.0));
    harness.run();
    harness.hover_at(Pos2::new(300.0, 100.0));
    harness.key_press_modifiers(Modifiers::COMMAND, Key::F);
    harness.run();
    let field = harness.get_by_role_and_label(Role::TextInput, "Find in document");
    field.focus();
    harness.run();
    harness.get_by_role_and_label(Role::TextInput, "Find in document").type_text("محمد");
    harness.run();
    let hits: Vec<String> = harness.state().view.find.hits.iter().map(|h| chars(text, h.clone())).collect();
    assert_eq!(hits, vec!["مُحَمَّدٌ", "محمد", "مُحمّد"]);
    assert_eq!(harness.state().view.find.current, Some(0));
    harness.key_press(Key::Enter);
    harness.run();
    assert_eq!(harness.state().view.find.current, Some(1));
    harness.key_press_modifiers(Modifiers::SHIFT, Key::Enter);
    harness.key_press_modifiers(Modifiers::SHIFT, Key::Enter);
    harness.run();
    assert_eq!(harness.state().view.find.current, Some(2));
}

#[test]
fn bidi_controls_cannot_reorder_the_paragraph() {
    // U+202E (RLO) would reverse "abc" visually; shown as a mark, it must not.
    let text = "نص \u{202E}abc\u{202C} نهاية";
    let mut harness = doc_harness(text, vec2(600.0, 120.0));
    harness.run();
    // Leading (left) edges of 'a' (char 4) and 'c' (char 6).
    let a = harness.state().view.caret_screen_pos(4).expect("a");
    let c = harness.state().view.caret_screen_pos(6).expect("c");
    assert!(a.x < c.x, "Latin stays left-to-right: a at {a:?}, c at {c:?}");
}

/// Snapshot of the document pane with the longest bundled sample at a text width of 900 px,
/// 20 px Naskh (compare with `../shared/tools/ref-layout --png --rtl ... 20 900`).
#[test]
fn document_view_snapshot_longest_sample() {
    let longest = khabar::assets::SAMPLES
        .iter()
        .max_by_key(|s| s.bytes.len())
        .map(|s| String::from_utf8_lossy(s.bytes).into_owned())
        .unwrap_or_default();
    let state = DocState { view: DocumentView::new("doc"), text: longest, clicked: Vec::new() };
    let mut harness =
        Harness::builder().with_size(vec2(940.0, 2100.0)).with_pixels_per_point(1.0).wgpu().build_ui_state(
            |ui, s: &mut DocState| {
                s.view.font_size = 20.0;
                s.view.ui(ui, &s.text, &[]);
            },
            state,
        );
    harness.run();
    harness.snapshot("text_document_view");
}

/// Frame-time benchmark (not a test): `cargo test --test text_ui bench_frame -- --ignored --nocapture`.
#[test]
#[ignore = "benchmark; run explicitly"]
fn bench_frame_report() {
    println!("{}", khabar::text::bench_frame::bench_frame());
}

//! [`ArabicTextInput`]: a single-line text field on the Arabic text engine (egui's `TextEdit`
//! has no bidi, so its cursor and selection break on Arabic). The caret is a *logical* char
//! offset moved by cluster; Left/Right move *visually* (to the nearest caret stop on that
//! side, so crossing a bidi boundary keeps the logical caret right), Home/End go to the
//! logical start/end, Shift extends the selection, Ctrl+A selects all; copy/cut/paste come as
//! egui's `Event::Copy`/`Cut`/`Paste`, typing as `Event::Text`, composition as `Event::Ime`.
//! Placeholder text, focus, and accessibility (role TextInput with a label and the value, so
//! kittest's `get_by_role_and_label(Role::TextInput, label)` + `type_text` work).
//!
//! ```no_run
//! # fn f(ui: &mut egui::Ui, query: &mut String) {
//! use khabar::text::input::ArabicTextInput;
//! let response = ui.add(ArabicTextInput::new(query).label("Search").hint("ابحث"));
//! if response.changed() { /* re-run the search */ }
//! # }
//! ```

use std::ops::Range;

use egui::{
    Color32, Event, EventFilter, Id, ImeEvent, Key, Rect, Response, Sense, Stroke, Ui, Widget, WidgetInfo,
    accesskit, pos2, vec2,
};
use unicode_segmentation::UnicodeSegmentation;

use super::atlas::text_system;
use super::painter::{origin_px, paragraph_shapes, range_rects};
use super::{ArabicFace, BaseDirection, LayoutParams, ParagraphLayout};

/// Default font size of the field, in points.
pub const DEFAULT_INPUT_SIZE: f32 = 16.0;
const LINE_HEIGHT: f32 = 1.6;
const PADDING: f32 = 4.0;

/// Caret and selection of one field, kept in egui memory under the field's id.
#[derive(Clone, Debug, Default)]
struct InputState {
    /// Logical caret (char offset).
    cursor: usize,
    /// Other end of the selection (== cursor when nothing is selected).
    anchor: usize,
    /// Ongoing IME composition, shown at the caret, not yet in the text.
    preedit: String,
    /// Horizontal scroll of the text inside the field, points.
    scroll: f32,
}

/// A single-line Arabic-capable text field editing a `String`. See the module doc.
#[must_use = "add it with `ui.add(input)`"]
pub struct ArabicTextInput<'a> {
    text: &'a mut String,
    id: Option<Id>,
    label: String,
    hint: String,
    desired_width: Option<f32>,
    size: f32,
    /// Enter and Esc give up the focus (the caller sees `lost_focus()`); off for fields that
    /// handle those keys themselves while focused (a find bar stepping through hits).
    leave_on_enter: bool,
}

impl<'a> ArabicTextInput<'a> {
    /// A field editing `text`.
    pub fn new(text: &'a mut String) -> Self {
        Self {
            text,
            id: None,
            label: String::new(),
            hint: String::new(),
            desired_width: None,
            size: DEFAULT_INPUT_SIZE,
            leave_on_enter: true,
        }
    }

    /// Keep the focus on Enter and Esc (the caller reads those keys while the field is focused).
    pub fn keep_focus_on_enter(mut self) -> Self {
        self.leave_on_enter = false;
        self
    }

    /// Explicit id (default: derived from the label in the parent's id space).
    pub fn id(mut self, id: Id) -> Self {
        self.id = Some(id);
        self
    }

    /// Accessible name (not painted; put a visible label beside the field if needed).
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// Placeholder shown (weak) while the field is empty.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = hint.into();
        self
    }

    /// Width in points (default: the available width).
    pub fn desired_width(mut self, width: f32) -> Self {
        self.desired_width = Some(width);
        self
    }

    /// Font size in points.
    pub fn size(mut self, points: f32) -> Self {
        self.size = points.max(1.0);
        self
    }
}

fn params(size_px: f32) -> LayoutParams {
    LayoutParams {
        font_size_px: size_px,
        width_px: None,
        direction: BaseDirection::Auto,
        line_height: LINE_HEIGHT,
        face: ArabicFace::Naskh,
    }
}

impl Widget for ArabicTextInput<'_> {
    fn ui(self, ui: &mut Ui) -> Response {
        let ArabicTextInput { text, id, label, hint, desired_width, size, leave_on_enter } = self;
        let id = id.unwrap_or_else(|| ui.make_persistent_id(("khabar.text_input", label.as_str())));
        let ctx = ui.ctx().clone();
        let ppp = ctx.pixels_per_point();
        let size_px = size * ppp;
        let height = (size * LINE_HEIGHT).ceil() + 2.0 * PADDING;
        let width = desired_width.unwrap_or_else(|| ui.available_width()).min(ui.available_width()).max(24.0);
        let (rect, _) = ui.allocate_exact_size(vec2(width, height), Sense::hover());
        let mut response = ui.interact(rect, id, Sense::click_and_drag());
        let inner = rect.shrink(PADDING);
        let mut state: InputState = ctx.data(|d| d.get_temp(id)).unwrap_or_default();
        let prev_text = text.clone();
        let char_len = text.chars().count();
        state.cursor = state.cursor.min(char_len);
        state.anchor = state.anchor.min(char_len);

        let system = text_system(&ctx);
        let layout_of = |s: &str| system.lock().engine.layout(s, &params(size_px));
        let mut layout = layout_of(text);
        // Where the text's left edge sits (points), from alignment and scroll.
        let text_left = |layout: &ParagraphLayout, scroll: f32| {
            if layout.rtl || text_is_empty_rtl(layout) {
                inner.right() - layout.width / ppp + scroll
            } else {
                inner.left() - scroll
            }
        };
        let pointer_offset = |layout: &ParagraphLayout, pos: egui::Pos2, scroll: f32| {
            let origin = origin_px(pos2(text_left(layout, scroll), inner.top()), ppp);
            layout.hit_test(pos.x * ppp - origin.x, pos.y * ppp - origin.y)
        };

        // Pointer.
        if response.clicked() || response.drag_started() {
            response.request_focus();
        }
        if let Some(pos) = response.interact_pointer_pos() {
            let hit = pointer_offset(&layout, pos, state.scroll).min(char_len);
            let shift = ui.input(|i| i.modifiers.shift);
            if response.double_clicked() {
                let r = word_at(text, hit);
                state.anchor = r.start;
                state.cursor = r.end;
            } else if response.drag_started() || (response.clicked() && !response.dragged()) {
                if !shift {
                    state.anchor = hit;
                }
                state.cursor = hit;
            } else if response.dragged() {
                state.cursor = hit;
            }
        }

        // Keyboard, clipboard, IME, accessibility edits.
        let mut changed = false;
        for value in ui.input(|i| {
            i.accesskit_action_requests(id, accesskit::Action::SetValue).cloned().collect::<Vec<_>>()
        }) {
            if let Some(accesskit::ActionData::Value(v)) = &value.data {
                *text = single_line(v);
                state.cursor = text.chars().count();
                state.anchor = state.cursor;
                changed = true;
            }
        }
        let mut surrender = false;
        if response.has_focus() {
            ui.memory_mut(|m| {
                m.set_focus_lock_filter(
                    id,
                    EventFilter {
                        horizontal_arrows: true,
                        vertical_arrows: false,
                        tab: false,
                        escape: false,
                    },
                );
            });
            let events = ui
                .input(|i| i.filtered_events(&EventFilter { horizontal_arrows: true, ..Default::default() }));
            for event in events {
                let selection = sorted(state.anchor, state.cursor);
                match event {
                    Event::Text(s) | Event::Paste(s) => {
                        let s = single_line(&s);
                        if !s.is_empty() {
                            replace(text, &mut state, selection, &s);
                            changed = true;
                        }
                    }
                    Event::Ime(ImeEvent::Preedit { text: pre, .. }) => {
                        state.preedit = pre;
                    }
                    Event::Ime(ImeEvent::Commit(s)) => {
                        state.preedit.clear();
                        let s = single_line(&s);
                        if !s.is_empty() {
                            replace(text, &mut state, selection, &s);
                            changed = true;
                        }
                    }
                    Event::Ime(ImeEvent::DeleteSurrounding { before_chars, after_chars }) => {
                        let start = state.cursor.saturating_sub(before_chars);
                        let end = (state.cursor + after_chars).min(text.chars().count());
                        replace(text, &mut state, start..end, "");
                        changed = true;
                    }
                    Event::Copy if !selection.is_empty() => {
                        ctx.copy_text(char_slice(text, selection).to_string());
                    }
                    Event::Cut if !selection.is_empty() => {
                        ctx.copy_text(char_slice(text, selection.clone()).to_string());
                        replace(text, &mut state, selection, "");
                        changed = true;
                    }
                    Event::AccessKitActionRequest(accesskit::ActionRequest {
                        action: accesskit::Action::ReplaceSelectedText,
                        target_node,
                        data: Some(accesskit::ActionData::Value(v)),
                        ..
                    }) if target_node == id.accesskit_id() => {
                        replace(text, &mut state, selection, &single_line(&v));
                        changed = true;
                    }
                    Event::Key { key, pressed: true, modifiers, .. } => {
                        let len = text.chars().count();
                        match key {
                            Key::Backspace => {
                                let range = if !selection.is_empty() {
                                    selection
                                } else if modifiers.command {
                                    word_before(text, state.cursor)..state.cursor
                                } else {
                                    // One code point: deletes a haraka alone, as Arabic typists expect.
                                    state.cursor.saturating_sub(1)..state.cursor
                                };
                                if !range.is_empty() {
                                    replace(text, &mut state, range, "");
                                    changed = true;
                                }
                            }
                            Key::Delete => {
                                let range = if selection.is_empty() {
                                    state.cursor..next_grapheme(text, state.cursor)
                                } else {
                                    selection
                                };
                                if !range.is_empty() {
                                    replace(text, &mut state, range, "");
                                    changed = true;
                                }
                            }
                            Key::ArrowLeft | Key::ArrowRight => {
                                let to_left = key == Key::ArrowLeft;
                                let target = if !selection.is_empty() && !modifiers.shift {
                                    // Collapse to the visually matching edge of the selection.
                                    let (_, xa) = layout.caret_x(selection.start);
                                    let (_, xb) = layout.caret_x(selection.end);
                                    if (xa < xb) == to_left { selection.start } else { selection.end }
                                } else {
                                    visual_neighbor(&layout, len, state.cursor, to_left)
                                };
                                state.cursor = target;
                                if !modifiers.shift {
                                    state.anchor = target;
                                }
                            }
                            Key::Home | Key::End => {
                                state.cursor = if key == Key::Home { 0 } else { len };
                                if !modifiers.shift {
                                    state.anchor = state.cursor;
                                }
                            }
                            Key::A if modifiers.command => {
                                state.anchor = 0;
                                state.cursor = len;
                            }
                            // Like a single-line TextEdit: Enter and Esc give up the focus, so
                            // callers see `lost_focus()` with the key pressed this frame.
                            Key::Enter | Key::Escape if leave_on_enter => surrender = true,
                            _ => {}
                        }
                    }
                    _ => {}
                }
            }
        }
        if surrender {
            ui.memory_mut(|m| m.surrender_focus(id));
        }
        if changed {
            layout = layout_of(text);
            response.mark_changed();
        }

        // What is shown: the text with the IME composition spliced in at the caret.
        let shown_layout = if state.preedit.is_empty() {
            layout.clone()
        } else {
            let mut shown = text.clone();
            let at = byte_of(text, state.cursor);
            shown.insert_str(at, &state.preedit);
            layout_of(&shown)
        };
        let caret_offset = state.cursor + state.preedit.chars().count();
        let (_, caret_px) = shown_layout.caret_x(caret_offset);
        // Keep the caret inside the field.
        let mut left = text_left(&shown_layout, state.scroll);
        let caret_pt = left + caret_px / ppp;
        if caret_pt > inner.right() {
            state.scroll +=
                if shown_layout.rtl { -(caret_pt - inner.right()) } else { caret_pt - inner.right() };
        } else if caret_pt < inner.left() {
            state.scroll +=
                if shown_layout.rtl { inner.left() - caret_pt } else { -(inner.left() - caret_pt) };
        }
        if shown_layout.width / ppp <= inner.width() {
            state.scroll = 0.0;
        }
        left = text_left(&shown_layout, state.scroll);

        // Paint.
        if ui.is_rect_visible(rect) {
            let visuals = ui.visuals().clone();
            let focused = response.has_focus();
            let frame_stroke =
                if focused { visuals.selection.stroke } else { visuals.widgets.inactive.bg_stroke };
            let painter = ui.painter_at(rect.expand(1.0));
            painter.rect_filled(rect, 2.0, visuals.extreme_bg_color);
            painter.rect_stroke(rect, 2.0, frame_stroke, egui::StrokeKind::Inside);
            let text_painter = ui.painter_at(inner.expand2(vec2(1.0, PADDING)));
            let origin = pos2(left, inner.top());
            let mut highlights: Vec<(Range<usize>, Color32)> = Vec::new();
            let selection = sorted(state.anchor, state.cursor);
            if !selection.is_empty() && state.preedit.is_empty() {
                highlights.push((selection, visuals.selection.bg_fill));
            }
            let mut shapes = Vec::new();
            {
                let mut system = system.lock();
                if text.is_empty() && state.preedit.is_empty() && !hint.is_empty() {
                    let hint_layout = system.engine.layout(&hint, &params(size_px));
                    let hint_left =
                        if hint_layout.rtl { inner.right() - hint_layout.width / ppp } else { inner.left() };
                    shapes.extend(paragraph_shapes(
                        &mut system,
                        &ctx,
                        &hint_layout,
                        pos2(hint_left, inner.top()),
                        visuals.weak_text_color(),
                        &[],
                        text_painter.clip_rect(),
                    ));
                } else {
                    shapes.extend(paragraph_shapes(
                        &mut system,
                        &ctx,
                        &shown_layout,
                        origin,
                        visuals.text_color(),
                        &highlights,
                        text_painter.clip_rect(),
                    ));
                }
            }
            text_painter.extend(shapes);
            if !state.preedit.is_empty() {
                let start = state.cursor;
                let end = start + state.preedit.chars().count();
                for r in range_rects(&shown_layout, start..end, origin, ppp) {
                    text_painter.line_segment(
                        [r.left_bottom() - vec2(0.0, 2.0), r.right_bottom() - vec2(0.0, 2.0)],
                        Stroke::new(1.0, visuals.text_color()),
                    );
                }
            }
            if focused {
                let caret_x = if text.is_empty() && state.preedit.is_empty() {
                    if hint_is_ltr(&hint) { inner.left() } else { inner.right() - 1.0 }
                } else {
                    left + caret_px / ppp
                };
                let caret =
                    Rect::from_min_max(pos2(caret_x, inner.top()), pos2(caret_x + 1.5, inner.bottom()));
                text_painter.rect_filled(caret, 0.0, visuals.text_cursor.stroke.color);
                ctx.output_mut(|o| {
                    o.ime = Some(egui::output::IMEOutput {
                        purpose: egui::IMEPurpose::Normal,
                        rect,
                        cursor_rect: caret,
                        should_interrupt_composition: false,
                    });
                });
            }
        }
        ctx.data_mut(|d| d.insert_temp(id, state));

        let enabled = ui.is_enabled();
        let current = text.clone();
        response.widget_info(|| {
            let mut info = WidgetInfo::text_edit(enabled, &prev_text, &current, &hint);
            if !label.is_empty() {
                info.label = Some(label.clone());
            }
            info
        });
        ctx.accesskit_node_builder(id, |builder| {
            builder.set_role(accesskit::Role::TextInput);
            builder.add_action(accesskit::Action::SetValue);
            builder.add_action(accesskit::Action::ReplaceSelectedText);
        });
        response
    }
}

/// True when the laid-out (empty) text has no strong direction; the field then behaves RTL.
fn text_is_empty_rtl(layout: &ParagraphLayout) -> bool {
    layout.text.is_empty()
}

fn hint_is_ltr(hint: &str) -> bool {
    hint.chars().find(|c| c.is_alphabetic()).is_some_and(|c| c.is_ascii())
}

fn sorted(a: usize, b: usize) -> Range<usize> {
    a.min(b)..a.max(b)
}

/// Newlines and tabs become spaces; other control characters are dropped.
fn single_line(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            '\n' | '\r' | '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

/// Byte offset of char `offset` (clamped to the end).
fn byte_of(text: &str, offset: usize) -> usize {
    text.char_indices().nth(offset).map_or(text.len(), |(b, _)| b)
}

fn char_slice(text: &str, range: Range<usize>) -> &str {
    let start = byte_of(text, range.start);
    let end = byte_of(text, range.end);
    text.get(start..end).unwrap_or("")
}

/// Replaces the chars `range` by `with` and puts the caret after the insertion.
fn replace(text: &mut String, state: &mut InputState, range: Range<usize>, with: &str) {
    let start = byte_of(text, range.start);
    let end = byte_of(text, range.end).max(start);
    text.replace_range(start..end, with);
    state.cursor = range.start + with.chars().count();
    state.anchor = state.cursor;
}

fn next_grapheme(text: &str, offset: usize) -> usize {
    let byte = byte_of(text, offset);
    let rest = text.get(byte..).unwrap_or("");
    offset + rest.graphemes(true).next().map_or(0, |g| g.chars().count())
}

fn word_before(text: &str, offset: usize) -> usize {
    let mut start = 0;
    let mut last_word_start = 0;
    for word in text.split_word_bounds() {
        let len = word.chars().count();
        if start >= offset {
            break;
        }
        if !word.trim().is_empty() {
            last_word_start = start;
        }
        start += len;
    }
    last_word_start
}

fn word_at(text: &str, offset: usize) -> Range<usize> {
    let mut start = 0;
    for word in text.split_word_bounds() {
        let len = word.chars().count();
        if offset < start + len {
            return start..start + len;
        }
        start += len;
    }
    offset..offset
}

/// Caret stops: grapheme cluster boundaries of the laid-out text (a caret never separates a
/// letter from its marks; inside a ligature such as lam-alef it may stop between letters).
pub(crate) fn caret_stops(layout: &ParagraphLayout, len: usize) -> Vec<usize> {
    let mut stops: Vec<usize> = vec![0];
    let mut at = 0;
    for g in layout.text.graphemes(true) {
        at += g.chars().count();
        stops.push(at.min(len));
    }
    stops.push(len);
    stops.sort_unstable();
    stops.dedup();
    stops
}

/// The caret stop nearest to the left (or right) of `cursor`'s visual position; `cursor`
/// itself when it is already at that edge.
pub(crate) fn visual_neighbor(layout: &ParagraphLayout, len: usize, cursor: usize, to_left: bool) -> usize {
    let (_, x) = layout.caret_x(cursor);
    let mut best: Option<(f32, usize)> = None;
    for stop in caret_stops(layout, len) {
        if stop == cursor {
            continue;
        }
        let (_, sx) = layout.caret_x(stop);
        let ahead = if to_left { x - sx } else { sx - x };
        if ahead > 0.01 && best.is_none_or(|(d, _)| ahead < d) {
            best = Some((ahead, stop));
        }
    }
    best.map_or(cursor, |(_, stop)| stop)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::TextEngine;

    fn layout(text: &str) -> std::sync::Arc<ParagraphLayout> {
        TextEngine::new().layout(text, &params(20.0))
    }

    #[test]
    fn left_arrow_visits_every_caret_stop_once_moving_left() {
        // RTL paragraph with an embedded LTR run: visual moves cross both bidi boundaries.
        let text = "مرحبا abc 123 نعم";
        let l = layout(text);
        let len = text.chars().count();
        // Start at the visually rightmost stop.
        let stops = caret_stops(&l, len);
        let mut cursor =
            *stops.iter().max_by(|a, b| l.caret_x(**a).1.total_cmp(&l.caret_x(**b).1)).unwrap_or(&0);
        let mut seen = vec![cursor];
        let mut last_x = l.caret_x(cursor).1;
        loop {
            let next = visual_neighbor(&l, len, cursor, true);
            if next == cursor {
                break;
            }
            let x = l.caret_x(next).1;
            assert!(x < last_x, "moved right: {cursor} -> {next}");
            last_x = x;
            cursor = next;
            seen.push(cursor);
        }
        let distinct_x: std::collections::BTreeSet<i64> =
            stops.iter().map(|s| (l.caret_x(*s).1 * 100.0).round() as i64).collect();
        assert_eq!(seen.len(), distinct_x.len(), "visited {seen:?}");
    }

    #[test]
    fn right_arrow_from_logical_start_of_rtl_text_stays_put_and_left_advances() {
        let text = "سلام";
        let l = layout(text);
        assert_eq!(visual_neighbor(&l, 4, 0, false), 0, "logical start of RTL is the right edge");
        assert_eq!(visual_neighbor(&l, 4, 0, true), 1);
    }

    #[test]
    fn replace_keeps_offsets_in_chars_not_bytes() {
        let mut text = String::from("مرحبا");
        let mut state = InputState::default();
        replace(&mut text, &mut state, 1..3, "xy");
        assert_eq!(text, "مxyبا");
        assert_eq!(state.cursor, 3);
        assert_eq!(char_slice(&text, 0..2), "مx");
    }

    #[test]
    fn pasted_newlines_become_spaces() {
        assert_eq!(single_line("a\nb\tc\u{7}"), "a b c");
    }
}

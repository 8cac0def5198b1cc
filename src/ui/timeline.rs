//! Timeline pane (egui_plot): publication dates and the dates mentioned in the text as two
//! series of bucketed counts (day / week / month / year by zoom), the individual events as
//! clickable markers (ranges as spans) when few enough are in view, a "no date" count, hover
//! with the event's sentence, click → `OpenAt` the sentence, Shift+drag → brush a time range
//! (`SelectTimeRange`). Reads `Selection::{entity, time_range, target}`.

use std::collections::BTreeMap;
use std::ops::Range;

use chrono::{Datelike as _, NaiveDate};
use egui_plot::{Bar, BarChart, Line, Plot, PlotPoints, Points, Span};

use super::PaneContext;
use super::command::Command;
use super::selection::{DocumentIndex, TextTarget};
use super::strings::S;
use super::theme;
use crate::extract::timex_range::day_number;

/// Show individual event markers only when at most this many are in view.
const MAX_MARKERS: usize = 3000;

/// One mentioned-date event: a sentence with a resolved date. Compact (32 bytes, no heap block
/// of its own: a 100,000-article corpus has ~600,000): its entities are a range of
/// [`TimelineModel::event_entities`], read with [`TimelineModel::entities_of`].
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineEvent {
    document: u32,
    start: u32,
    end: u32,
    first_day: i32,
    last_day: i32,
    entities: (u32, u32),
    value: crate::extract::Surface,
}

impl TimelineEvent {
    pub fn document(&self) -> DocumentIndex {
        self.document as DocumentIndex
    }

    /// Sentence range in the document (code points).
    pub fn sentence(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// First day covered (days since 1970-01-01).
    pub fn first_day(&self) -> i64 {
        i64::from(self.first_day)
    }

    /// Last day covered (inclusive).
    pub fn last_day(&self) -> i64 {
        i64::from(self.last_day)
    }

    /// TIMEX3 value as found.
    pub fn value(&self) -> &str {
        &self.value
    }
}

/// What the timeline shows, built from the corpus.
#[derive(Clone, Debug, Default)]
pub struct TimelineModel {
    /// (day, document) for every document with a publication date (header or inferred).
    pub publications: Vec<(i64, DocumentIndex)>,
    pub events: Vec<TimelineEvent>,
    /// The entities of all events, each event's a range (indices into the corpus' entities;
    /// see [`Self::entity_index`]).
    pub event_entities: Vec<u32>,
    /// Documents with no publication date at all.
    pub undated_documents: usize,
    /// Entity id → index used in [`Self::event_entities`].
    pub entity_index: std::collections::HashMap<String, u32>,
}

impl TimelineModel {
    /// The timeline of an analysed corpus: publication dates (header, else inferred) and every
    /// event whose value is a calendar position, sorted by day (bucket counts then take one
    /// pass). Built off the UI thread with the analysis; "each story once" is applied by the
    /// pane, so one model serves both.
    pub fn from_corpus(analyzed: &crate::index::AnalyzedCorpus) -> Self {
        use crate::extract::timex_range::{day_number, timex_range};
        let mut model = TimelineModel::default();
        for (i, d) in analyzed.documents.iter().enumerate() {
            match d.doc.published.or(d.analysis.published_inferred.as_ref().map(|p| p.date)) {
                Some(date) => model.publications.push((day_number(date), i)),
                None => model.undated_documents += 1,
            }
        }
        model.events.reserve_exact(analyzed.events.len());
        model.event_entities.reserve_exact(analyzed.events.iter().map(|e| e.entities.len()).sum());
        for e in &analyzed.events {
            let Some((first, last)) = timex_range(&e.value) else { continue };
            if e.document() >= analyzed.documents.len() {
                continue;
            }
            let small = |v: usize| u32::try_from(v).ok();
            let day = |d| i32::try_from(day_number(d)).ok();
            let (Some(first_day), Some(last_day)) = (day(first), day(last)) else { continue };
            let (document, start, end) = (e.document, e.start, e.end);
            let from = small(model.event_entities.len()).unwrap_or(u32::MAX);
            model.event_entities.extend_from_slice(&e.entities);
            let to = small(model.event_entities.len()).unwrap_or(u32::MAX);
            model.events.push(TimelineEvent {
                document,
                start,
                end,
                first_day,
                last_day,
                entities: (from, to),
                value: e.value.clone(),
            });
        }
        model.events.shrink_to_fit();
        // sorted by day: bucket counts then take one pass
        model.publications.sort_unstable();
        model.events.sort_by_key(|e| (e.first_day, e.document, e.start));
        model.entity_index = analyzed
            .entities
            .iter()
            .enumerate()
            .filter_map(|(i, e)| Some((e.id.clone(), u32::try_from(i).ok()?)))
            .collect();
        model
    }

    /// The entities of an event of this model (indices as in [`Self::entity_index`]).
    pub fn entities_of(&self, e: &TimelineEvent) -> &[u32] {
        self.event_entities.get(e.entities.0 as usize..e.entities.1 as usize).unwrap_or(&[])
    }
}

/// Counts per bucket: (first day, length in days, count).
type BucketCounts = Vec<(i64, i64, usize)>;
/// Analysis generation, stories once, entity, events, publications.
type CacheKey = (u64, bool, Option<String>, usize, usize);

/// Bucket size by zoom level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Bucket {
    Day,
    Week,
    Month,
    Year,
}

impl Bucket {
    /// Picks the bucket so that the visible span holds at most ~150 buckets.
    pub fn for_span(days: f64) -> Self {
        if days <= 150.0 {
            Self::Day
        } else if days <= 7.0 * 150.0 {
            Self::Week
        } else if days <= 30.0 * 150.0 {
            Self::Month
        } else {
            Self::Year
        }
    }

    /// The bucket's first day and length in days for a given day.
    pub fn bucket_of(self, day: i64) -> (i64, i64) {
        let Some(date) = date_of_day(day) else { return (day, 1) };
        match self {
            Self::Day => (day, 1),
            Self::Week => {
                let start = day - i64::from(date.weekday().num_days_from_monday());
                (start, 7)
            }
            Self::Month => {
                let first = date.with_day(1).unwrap_or(date);
                let len = days_in_month(first);
                (day_number(first), len)
            }
            Self::Year => {
                let first = NaiveDate::from_ymd_opt(date.year(), 1, 1).unwrap_or(date);
                let len = if date.leap_year() { 366 } else { 365 };
                (day_number(first), len)
            }
        }
    }
}

fn days_in_month(first: NaiveDate) -> i64 {
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    };
    next.map(|n| (n - first).num_days()).unwrap_or(30)
}

/// The date of a day number (days since 1970-01-01).
pub fn date_of_day(day: i64) -> Option<NaiveDate> {
    let days = i32::try_from(day + 719_163).ok()?;
    NaiveDate::from_num_days_from_ce_opt(days)
}

/// Axis label for a day at the given zoom (visible span in days).
pub fn axis_label(day: f64, span_days: f64) -> String {
    let Some(d) = date_of_day(day.round() as i64) else { return String::new() };
    if span_days > 3.0 * 365.0 {
        d.format("%Y").to_string()
    } else if span_days > 90.0 {
        d.format("%Y-%m").to_string()
    } else {
        d.format("%Y-%m-%d").to_string()
    }
}

/// Counts per bucket: (bucket start day, bucket length, count).
/// Days in any order; sorted input (as the timeline model keeps them) is counted in one pass
/// with one calendar computation per bucket.
pub fn bucket_counts(days: impl Iterator<Item = i64>, bucket: Bucket) -> Vec<(i64, i64, usize)> {
    let mut counts: BTreeMap<i64, (i64, usize)> = BTreeMap::new();
    let mut current: Option<(i64, i64, usize)> = None;
    let flush = |c: (i64, i64, usize), counts: &mut BTreeMap<i64, (i64, usize)>| {
        let e = counts.entry(c.0).or_insert((c.1, 0));
        e.1 += c.2;
    };
    for day in days {
        match current.as_mut() {
            Some(c) if day >= c.0 && day < c.0 + c.1 => c.2 += 1,
            _ => {
                if let Some(c) = current.take() {
                    flush(c, &mut counts);
                }
                let (start, len) = bucket.bucket_of(day);
                current = Some((start, len, 1));
            }
        }
    }
    if let Some(c) = current {
        flush(c, &mut counts);
    }
    counts.into_iter().map(|(s, (l, c))| (s, l, c)).collect()
}

/// The day range the view starts on: the publication dates (1st to 99th percentile) and the
/// shortest span holding 90 % of the mentioned dates (history mentioned in passing — a year
/// 600, a 1970s treaty — stays reachable by zooming out, but does not squeeze the corpus' own
/// years into a sliver), padded by 5 % and at least a week each side; `None` without dates.
pub fn focus_range(mut publications: Vec<i64>, mut mentioned: Vec<i64>) -> Option<(f64, f64)> {
    publications.sort_unstable();
    mentioned.sort_unstable();
    let published = publications.len().checked_sub(1).and_then(|last| {
        let at = |q: f64| publications.get((last as f64 * q).round() as usize).copied();
        Some((at(0.01)?, at(0.99)?))
    });
    // shortest window [i, i + k] over the sorted days, k + 1 = 90 % of them
    let k = (mentioned.len() as f64 * 0.9).ceil() as usize;
    let densest = (0..mentioned.len().saturating_sub(k.saturating_sub(1)))
        .filter_map(|i| Some((*mentioned.get(i)?, *mentioned.get(i + k.saturating_sub(1))?)))
        .min_by_key(|(a, b)| b - a);
    let ranges = [published, densest];
    let lo = ranges.iter().flatten().map(|r| r.0).min()?;
    let hi = ranges.iter().flatten().map(|r| r.1).max()?;
    let pad = ((hi - lo) as f64 * 0.05).max(7.0);
    Some((lo as f64 - pad, hi as f64 + 1.0 + pad))
}

/// Pane-local state: the brush being dragged and cached buckets.
#[derive(Default)]
pub struct TimelinePane {
    /// What `filtered` and `buckets` were computed for.
    cache_key: Option<CacheKey>,
    /// Indices of the events shown (the selected entity's, or all; copies left out when each
    /// story counts once) and the publication days counted.
    filtered: Vec<u32>,
    publications: Vec<i64>,
    /// The days the view starts on (and "Reset view" returns to): where the bulk of the dates
    /// lie, so a few far-off years do not squeeze the rest into one bar.
    focus: Option<(f64, f64)>,
    /// Bucketed counts (publications, mentioned dates) per bucket size.
    buckets: std::collections::HashMap<Bucket, (BucketCounts, BucketCounts)>,
    brush_start: Option<f64>,
    reset_requested: bool,
    /// Where each event marker was drawn last frame (screen points) and the sentence it opens.
    pub markers: Vec<(egui::Pos2, TextTarget)>,
}

impl TimelinePane {
    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut PaneContext<'_>, model: &TimelineModel) {
        let dark = ui.visuals().dark_mode;
        let (pub_color, event_color) = theme::timeline_series(dark);
        let entity = ctx.selection.entity.clone();
        // The entity's events (indices) and the bucketed counts, recomputed only when the model
        // or the entity changes: a 100,000-article corpus has ~600,000 events.
        let key: CacheKey = (
            ctx.analysis_generation,
            ctx.count_stories_once,
            entity.clone(),
            model.events.len(),
            model.publications.len(),
        );
        if self.cache_key.as_ref() != Some(&key) {
            let wanted: Option<Option<u32>> = entity.as_ref().map(|id| model.entity_index.get(id).copied());
            let stories = ctx.stories;
            let once = ctx.count_stories_once;
            let kept = |doc: usize| !once || !stories.is_extra_copy(doc);
            self.filtered = model
                .events
                .iter()
                .enumerate()
                .filter(|(_, e)| kept(e.document()))
                .filter(|(_, e)| match wanted {
                    None => true,
                    Some(Some(ix)) => model.entities_of(e).contains(&ix),
                    Some(None) => false,
                })
                .filter_map(|(i, _)| u32::try_from(i).ok())
                .collect();
            self.publications =
                model.publications.iter().filter(|(_, d)| kept(*d)).map(|(day, _)| *day).collect();
            let event_days: Vec<i64> = self
                .filtered
                .iter()
                .filter_map(|&i| model.events.get(i as usize))
                .map(TimelineEvent::first_day)
                .collect();
            self.focus = focus_range(self.publications.clone(), event_days);
            self.buckets.clear();
            self.cache_key = Some(key);
        }
        // The shown events, without collecting them (600,000 on a big corpus).
        let filtered = &self.filtered;
        let events = || filtered.iter().filter_map(|&i| model.events.get(i as usize));
        ui.horizontal_wrapped(|ui| {
            ui.heading(S.timeline);
            ui.label(
                egui::RichText::new(format!("{} publication dates", self.publications.len()))
                    .color(pub_color),
            );
            ui.label(egui::RichText::new(format!("{} mentioned dates", filtered.len())).color(event_color));
            if model.undated_documents > 0 {
                ui.label(
                    egui::RichText::new(format!("{} no date", model.undated_documents))
                        .color(theme::weak_text(ui)),
                )
                .on_hover_text(S.documents_without_a_header_date_and);
            }
            if let Some((a, b)) = ctx.selection.time_range
                && ui.button(format!("× {a} – {b}")).on_hover_text(S.clear_the_time_filter).clicked()
            {
                ctx.commands.send(Command::SelectTimeRange(None));
            }
            if ui.button(S.reset_view).clicked() {
                self.reset_requested = true;
            }
            ui.label(egui::RichText::new(S.shift_drag_filter).small().color(theme::weak_text(ui)))
                .on_hover_text(S.shift_drag_filter_by_time_drag);
            super::pane_screenshot_button(ui, ctx.commands, super::Pane::Timeline);
        });
        if model.publications.is_empty() && model.events.is_empty() {
            ui.centered_and_justified(|ui| ui.label(if ctx.loading { "Loading…" } else { "No dates yet" }));
            return;
        }
        let shift = ui.input(|i| i.modifiers.shift);
        let mut plot = Plot::new("khabar.timeline")
            .allow_zoom([true, false])
            .allow_scroll([true, false])
            .allow_drag([!shift, false])
            .allow_boxed_zoom(false)
            .show_y(false)
            .y_axis_min_width(24.0)
            .x_axis_formatter(|mark, range| axis_label(mark.value, range.end() - range.start()))
            .label_formatter(|_| None);
        if let Some((from, to)) = self.focus {
            plot = plot.default_x_bounds(from, to);
        }
        if std::mem::take(&mut self.reset_requested) {
            plot = plot.reset();
        }
        let selected_target = ctx.selection.target.clone();
        let brush = &mut self.brush_start;
        let buckets = &mut self.buckets;
        let publications = &self.publications;
        let response = plot.show(ui, |pu| {
            let bounds = pu.plot_bounds();
            let span_days = bounds.width().max(1.0);
            let bucket = Bucket::for_span(span_days);
            let (pubs, mentioned) = buckets
                .entry(bucket)
                .or_insert_with(|| {
                    (
                        bucket_counts(publications.iter().copied(), bucket),
                        bucket_counts(events().map(TimelineEvent::first_day), bucket),
                    )
                })
                .clone();
            let bars = |counts: &[(i64, i64, usize)], side: f64| -> Vec<Bar> {
                counts
                    .iter()
                    .map(|&(start, len, count)| {
                        let width = len as f64 * 0.45;
                        Bar::new(start as f64 + len as f64 * (0.25 + side * 0.5), count as f64).width(width)
                    })
                    .collect()
            };
            pu.bar_chart(BarChart::new("Publication dates", bars(&pubs, 0.0)).color(pub_color));
            pu.bar_chart(BarChart::new("Mentioned dates", bars(&mentioned, 1.0)).color(event_color));
            let max = pubs.iter().chain(mentioned.iter()).map(|c| c.2).max().unwrap_or(1) as f64;
            // Individual events under the axis, in lanes, when few enough are in view.
            let (x0, x1) = (bounds.min()[0], bounds.max()[0]);
            let visible = |e: &&TimelineEvent| (e.last_day() as f64) >= x0 && (e.first_day() as f64) <= x1;
            // Collect the events in view only when they will be drawn as markers.
            let in_view: Vec<(usize, &TimelineEvent)> =
                if events().filter(visible).take(MAX_MARKERS + 1).count() <= MAX_MARKERS {
                    events().enumerate().filter(|(_, e)| visible(e)).collect()
                } else {
                    Vec::new()
                };
            let lane_y = |i: usize| -(max * 0.12) * (1.0 + (i % 4) as f64);
            let mut markers = Vec::new();
            if !in_view.is_empty() {
                for (i, e) in &in_view {
                    let y = lane_y(*i);
                    if e.last_day() > e.first_day() {
                        let line = Line::new(
                            "range",
                            PlotPoints::new(vec![[e.first_day() as f64, y], [e.last_day() as f64 + 1.0, y]]),
                        )
                        .color(event_color)
                        .width(3.0)
                        .allow_hover(false);
                        pu.line(line);
                    }
                    markers.push([e.first_day() as f64 + 0.5, y]);
                }
                pu.points(
                    Points::new("events", markers.clone()).color(event_color).radius(3.5).allow_hover(false),
                );
            }
            if let Some(t) = &selected_target
                && let Some(e) = events().find(|e| e.document() == t.document && e.sentence() == t.range)
            {
                pu.vline(egui_plot::VLine::new("selected", e.first_day() as f64 + 0.5).color(event_color));
            }
            if let Some((a, b)) = ctx.selection.time_range {
                pu.span(
                    Span::new("filter", day_number(a) as f64..=(day_number(b) + 1) as f64)
                        .fill(theme::focus_sentence(dark)),
                );
            }
            // Brushing with Shift+drag.
            let resp = pu.response().clone();
            let pointer = pu.pointer_coordinate();
            if shift && resp.drag_started() {
                *brush = pointer.map(|p| p.x);
            }
            if let (Some(start), Some(p)) = (*brush, pointer) {
                pu.span(
                    Span::new("brush", start.min(p.x)..=start.max(p.x)).fill(theme::focus_sentence(dark)),
                );
            }
            let mut brushed = None;
            if resp.drag_stopped()
                && let (Some(start), Some(p)) = (brush.take(), pointer)
            {
                let (a, b) = (start.min(p.x).floor() as i64, start.max(p.x).floor() as i64);
                if let (Some(a), Some(b)) = (date_of_day(a), date_of_day(b)) {
                    brushed = Some((a, b));
                }
            }
            // Nearest marker under the pointer (screen distance).
            let hovered = pointer.and_then(|p| {
                let screen = pu.screen_from_plot(p);
                in_view
                    .iter()
                    .zip(markers.iter())
                    .map(|((_, e), m)| {
                        (e, pu.screen_from_plot(egui_plot::PlotPoint::new(m[0], m[1])).distance(screen))
                    })
                    .filter(|(_, d)| *d < 8.0)
                    .min_by(|a, b| a.1.total_cmp(&b.1))
                    .map(|(e, _)| (**e).clone())
            });
            let drawn: Vec<(egui::Pos2, TextTarget)> = in_view
                .iter()
                .zip(markers.iter())
                .map(|((_, e), m)| {
                    let at = pu.screen_from_plot(egui_plot::PlotPoint::new(m[0], m[1]));
                    (at, TextTarget { document: e.document(), range: e.sentence() })
                })
                .filter(|(at, _)| resp.rect.contains(*at))
                .collect();
            (hovered, brushed, drawn)
        });
        let (hovered, brushed, drawn) = response.inner;
        self.markers = drawn;
        if let Some(range) = brushed {
            ctx.commands.send(Command::SelectTimeRange(Some(range)));
        }
        if let Some(e) = hovered {
            let text = format!(
                "{}  ·  {}",
                e.value(),
                ctx.documents.get(e.document()).map(|d| d.rel_path.as_str()).unwrap_or("")
            );
            // The sentence, cut from the document only while hovered.
            let sentence: String = ctx
                .documents
                .get(e.document())
                .map(|d| {
                    ctx.texts
                        .text_or_empty(d)
                        .chars()
                        .skip(e.sentence().start)
                        .take(e.sentence().len())
                        .collect()
                })
                .unwrap_or_default();
            response.response.clone().on_hover_ui(|ui| {
                ui.label(egui::RichText::new(text).small());
                ui.add(
                    crate::text::label::ArabicLabel::new(sentence.trim())
                        .size(15.0)
                        .rtl()
                        .wrap()
                        .max_width(420.0),
                );
            });
            if response.response.clicked() {
                ctx.commands
                    .send(Command::OpenAt(TextTarget { document: e.document(), range: e.sentence() }));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_view_starts_on_the_bulk_of_the_dates_not_on_outliers() {
        // a corpus published over ~a year, mentioning mostly recent days and some history
        let publications: Vec<i64> = (0..300).map(|i| 19_000 + i).collect();
        let mut mentioned: Vec<i64> = (0..900).map(|i| 18_800 + i % 700).collect();
        mentioned.extend((0..80).map(|i| -500_000 + i * 1000)); // 8 % of mentions: ancient years
        mentioned.push(100_000); // and 2243
        let (from, to) = super::focus_range(publications, mentioned).unwrap();
        assert!((18_700.0..18_800.0).contains(&from) && (19_400.0..19_600.0).contains(&to), "{from} {to}");
        assert_eq!(super::focus_range(Vec::new(), Vec::new()), None);
        let (from, to) = super::focus_range(vec![5], Vec::new()).unwrap();
        assert!(from < 5.0 && to > 6.0);
        assert!(super::focus_range(Vec::new(), vec![7, 9]).is_some());
    }

    use super::*;

    #[test]
    fn timeline_events_keep_the_corpus_events_compactly_sorted_by_day() {
        use crate::extract::EntityType::{Location, Person};
        use crate::index::model::{Event, tests::doc_with};
        let (d0, a0) = doc_with(
            "a.txt",
            "زار سميث باريس في 5 أيار 2024. ثم عاد.",
            &[("سميث", Person), ("باريس", Location)],
            &[("5 أيار 2024", "2024-05-05")],
        );
        let (d1, a1) = doc_with("b.txt", "في 2023 قال سميث.", &[("سميث", Person)], &[("2023", "2023")]);
        let corpus = crate::index::AnalyzedCorpus::build(vec![d0, d1], vec![a0, a1], &Default::default());
        let model = TimelineModel::from_corpus(&corpus);
        assert!(std::mem::size_of::<TimelineEvent>() <= 32);
        assert_eq!(model.events.len(), 2);
        // the year (2023) comes first, spanning the whole year
        let year = &model.events[0];
        assert_eq!((year.document(), year.value()), (1, "2023"));
        assert_eq!(year.last_day() - year.first_day(), 364);
        let day = &model.events[1];
        assert_eq!((day.document(), day.value(), day.first_day()), (0, "2024-05-05", day.last_day()));
        assert_eq!(
            day.sentence(),
            corpus.events.iter().find(|e| e.document == 0).map(Event::sentence).unwrap()
        );
        let names = |e: &TimelineEvent| -> Vec<&str> {
            model.entities_of(e).iter().map(|&i| corpus.entities[i as usize].canonical.as_str()).collect()
        };
        assert_eq!(names(day), vec!["سميث", "باريس"]);
        assert_eq!(names(year), vec!["سميث"]);
    }

    #[test]
    fn bucket_size_grows_with_zoom_span() {
        assert_eq!(Bucket::for_span(30.0), Bucket::Day);
        assert_eq!(Bucket::for_span(400.0), Bucket::Week);
        assert_eq!(Bucket::for_span(2000.0), Bucket::Month);
        assert_eq!(Bucket::for_span(20000.0), Bucket::Year);
    }

    #[test]
    fn weeks_start_on_monday_and_months_have_their_length() {
        let d = day_number(NaiveDate::from_ymd_opt(2025, 10, 30).unwrap()); // Thursday
        assert_eq!(Bucket::Week.bucket_of(d), (d - 3, 7));
        let feb = day_number(NaiveDate::from_ymd_opt(2024, 2, 10).unwrap());
        assert_eq!(Bucket::Month.bucket_of(feb).1, 29);
    }

    #[test]
    fn counts_per_bucket() {
        let base = day_number(NaiveDate::from_ymd_opt(2025, 1, 1).unwrap());
        let c = bucket_counts([base, base, base + 40].into_iter(), Bucket::Month);
        assert_eq!(c.iter().map(|x| x.2).collect::<Vec<_>>(), vec![2, 1]);
    }

    #[test]
    fn axis_labels_follow_zoom() {
        let d = day_number(NaiveDate::from_ymd_opt(2025, 10, 27).unwrap()) as f64;
        assert_eq!(axis_label(d, 5000.0), "2025");
        assert_eq!(axis_label(d, 200.0), "2025-10");
        assert_eq!(axis_label(d, 20.0), "2025-10-27");
    }
}

//! Tables of an analysed corpus for export (`khabar export`, File → Export table): entities,
//! mentions, events and documents of a filtered view, as CSV (UTF-8, RFC 4180 quoting via the
//! csv crate, optional BOM for spreadsheet apps) or JSON arrays.
//!
//! The mentions table is [`super::output::write_mentions_filtered`], the same writer as
//! `khabar analyze --format csv`, so its columns are identical.
//!
//! Filter semantics ([`TableFilter`]): the selected documents are those passing every given
//! condition — in `documents` (indices), mentioning `entity`, matching `query` (search index),
//! dated within `from..=to` (published date, else the inferred one; undated documents fail a
//! date condition). Events are the exception for dates: an event passes when its TIMEX3 value's
//! day range overlaps `from..=to`, whatever the document's date. Counts in the entities and
//! documents tables are over the selected documents.

use std::collections::HashSet;
use std::io::{self, Write};

use chrono::NaiveDate;
use serde::Serialize;

use super::model::{AnalyzedCorpus, AnalyzedDocument, EntityId};
use super::output::write_mentions_filtered;
use super::search::{SearchIndex, search_entities};
use crate::extract::timex_range::timex_range;

/// Which table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TableKind {
    /// id, type, canonical, aliases, mentions, documents.
    Entities,
    /// document, entity_id, type, canonical, start, end, text (as `khabar analyze --format csv`).
    Mentions,
    /// document, start, end, value, entities, entity_names, sentence.
    Events,
    /// path, published, published_inferred, title, chars, entities.
    Documents,
}

impl TableKind {
    pub const ALL: [TableKind; 4] =
        [TableKind::Entities, TableKind::Mentions, TableKind::Events, TableKind::Documents];

    /// Lower-case name, as on the command line and in default file names.
    pub fn name(self) -> &'static str {
        match self {
            TableKind::Entities => "entities",
            TableKind::Mentions => "mentions",
            TableKind::Events => "events",
            TableKind::Documents => "documents",
        }
    }
}

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableFormat {
    /// CSV with a header row; `bom` prepends U+FEFF so spreadsheet apps read UTF-8.
    Csv { bom: bool },
    /// A JSON array of objects (field names = CSV column names), pretty-printed.
    Json,
}

impl TableFormat {
    pub fn extension(self) -> &'static str {
        match self {
            TableFormat::Csv { .. } => "csv",
            TableFormat::Json => "json",
        }
    }
}

/// The current view: every `None` means "no condition".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TableFilter {
    /// Only this entity (its mentions, its events, the documents mentioning it).
    pub entity: Option<EntityId>,
    /// First day, inclusive.
    pub from: Option<NaiveDate>,
    /// Last day, inclusive.
    pub to: Option<NaiveDate>,
    /// Only these documents (indices into `corpus.documents`).
    pub documents: Option<Vec<usize>>,
    /// Only documents matching this search query.
    pub query: Option<String>,
}

impl TableFilter {
    fn has_dates(&self) -> bool {
        self.from.is_some() || self.to.is_some()
    }

    fn overlaps(&self, a: NaiveDate, b: NaiveDate) -> bool {
        self.from.is_none_or(|f| b >= f) && self.to.is_none_or(|t| a <= t)
    }
}

/// Resolves a user-given entity name or id: an exact id, else the best match of
/// [`search_entities`] (exact canonical/alias matches first, then by mention count).
pub fn find_entity(corpus: &AnalyzedCorpus, name: &str) -> Option<EntityId> {
    let name = name.trim();
    corpus
        .entities
        .iter()
        .position(|e| e.id == name)
        .or_else(|| search_entities(corpus, name).into_iter().next())
}

/// The date a document is filed under: published, else inferred.
pub fn document_date(d: &AnalyzedDocument) -> Option<NaiveDate> {
    d.doc.published.or(d.analysis.published_inferred.as_ref().map(|i| i.date))
}

/// Which documents pass the filter; `date` says whether the date condition applies.
fn selected_documents(corpus: &AnalyzedCorpus, filter: &TableFilter, date: bool) -> Vec<bool> {
    let n = corpus.documents.len();
    let mut keep = vec![true; n];
    if let Some(docs) = &filter.documents {
        let set: HashSet<usize> = docs.iter().copied().collect();
        for (i, k) in keep.iter_mut().enumerate() {
            *k &= set.contains(&i);
        }
    }
    if let Some(e) = filter.entity {
        let docs: HashSet<usize> = corpus
            .entities
            .get(e)
            .map(|e| e.documents.iter().map(|&d| d as usize).collect())
            .unwrap_or_default();
        for (i, k) in keep.iter_mut().enumerate() {
            *k &= docs.contains(&i);
        }
    }
    if let Some(q) = filter.query.as_deref().filter(|q| !q.trim().is_empty()) {
        let index = SearchIndex::for_corpus(corpus);
        let hits = index.search_corpus(corpus, q, usize::MAX).hits;
        let docs: HashSet<usize> = hits.iter().map(|h| h.document).collect();
        for (i, k) in keep.iter_mut().enumerate() {
            *k &= docs.contains(&i);
        }
    }
    if date && filter.has_dates() {
        for (k, d) in keep.iter_mut().zip(&corpus.documents) {
            *k &= document_date(d).is_some_and(|day| filter.overlaps(day, day));
        }
    }
    keep
}

#[derive(Serialize)]
struct EntityRow<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    canonical: &'a str,
    aliases: Vec<&'a str>,
    mentions: usize,
    documents: usize,
}

#[derive(Serialize)]
struct MentionRow<'a> {
    document: &'a str,
    entity_id: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    canonical: &'a str,
    start: usize,
    end: usize,
    text: &'a str,
}

#[derive(Serialize)]
struct EventRow<'a> {
    document: &'a str,
    start: usize,
    end: usize,
    value: &'a str,
    entities: Vec<&'a str>,
    entity_names: Vec<&'a str>,
    sentence: String,
}

#[derive(Serialize)]
struct DocumentRow<'a> {
    path: &'a str,
    published: Option<String>,
    published_inferred: Option<String>,
    title: &'a str,
    chars: usize,
    entities: usize,
}

fn day(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

fn entity_rows<'a>(corpus: &'a AnalyzedCorpus, filter: &TableFilter) -> Vec<EntityRow<'a>> {
    let keep = selected_documents(corpus, filter, true);
    let mut mentions = vec![0usize; corpus.entities.len()];
    let mut docs = vec![0usize; corpus.entities.len()];
    for (d, _) in corpus.documents.iter().zip(&keep).filter(|(_, k)| **k) {
        let mut seen: HashSet<EntityId> = HashSet::new();
        for e in d.mention_entities() {
            if let Some(m) = mentions.get_mut(e) {
                *m += 1;
            }
            if seen.insert(e)
                && let Some(c) = docs.get_mut(e)
            {
                *c += 1;
            }
        }
    }
    corpus
        .entities
        .iter()
        .enumerate()
        .filter(|(i, _)| filter.entity.is_none_or(|e| e == *i))
        .filter(|(i, _)| mentions.get(*i).is_some_and(|&m| m > 0))
        .map(|(i, e)| EntityRow {
            id: &e.id,
            kind: e.kind.code(),
            canonical: &e.canonical,
            aliases: e.aliases.iter().map(String::as_str).collect(),
            mentions: mentions.get(i).copied().unwrap_or(0),
            documents: docs.get(i).copied().unwrap_or(0),
        })
        .collect()
}

fn mention_rows<'a>(corpus: &'a AnalyzedCorpus, filter: &TableFilter) -> Vec<MentionRow<'a>> {
    let keep = selected_documents(corpus, filter, true);
    let mut rows = Vec::new();
    for (d, _) in corpus.documents.iter().zip(&keep).filter(|(_, k)| **k) {
        for (m, e) in d.analysis.entities.iter().zip(d.mention_entities()) {
            if filter.entity.is_some_and(|f| f != e) {
                continue;
            }
            let Some(ent) = corpus.entities.get(e) else { continue };
            rows.push(MentionRow {
                document: &d.doc.rel_path,
                entity_id: &ent.id,
                kind: ent.kind.code(),
                canonical: &ent.canonical,
                start: m.start,
                end: m.end,
                text: &m.text,
            });
        }
    }
    rows
}

fn event_rows<'a>(corpus: &'a AnalyzedCorpus, filter: &TableFilter) -> Vec<EventRow<'a>> {
    let keep = selected_documents(corpus, filter, false);
    // Events come in document order: each text is read (or taken from memory) once.
    let mut current: Option<(usize, Vec<char>)> = None;
    corpus
        .events
        .iter()
        .filter(|ev| keep.get(ev.document()).copied().unwrap_or(false))
        .filter(|ev| filter.entity.is_none_or(|e| ev.mentions(e)))
        .filter(|ev| {
            !filter.has_dates() || timex_range(&ev.value).is_some_and(|(a, b)| filter.overlaps(a, b))
        })
        .filter_map(|ev| {
            let d = corpus.documents.get(ev.document())?;
            let ents: Vec<_> = ev.entity_ids().filter_map(|e| corpus.entities.get(e)).collect();
            if current.as_ref().is_none_or(|(doc, _)| *doc != ev.document()) {
                let text = d.doc.text_or_read().unwrap_or_else(|| "".into());
                current = Some((ev.document(), text.chars().collect()));
            }
            let chars = current.as_ref().map_or(&[][..], |(_, c)| c.as_slice());
            let sentence: String = chars
                .get(ev.sentence().start.min(chars.len())..ev.sentence().end.min(chars.len()))
                .unwrap_or(&[])
                .iter()
                .map(|&c| if c == '\n' || c == '\r' { ' ' } else { c })
                .collect();
            Some(EventRow {
                document: &d.doc.rel_path,
                start: ev.sentence().start,
                end: ev.sentence().end,
                value: &ev.value,
                entities: ents.iter().map(|e| e.id.as_str()).collect(),
                entity_names: ents.iter().map(|e| e.canonical.as_str()).collect(),
                sentence: sentence.trim().to_string(),
            })
        })
        .collect()
}

fn document_rows<'a>(corpus: &'a AnalyzedCorpus, filter: &TableFilter) -> Vec<DocumentRow<'a>> {
    let keep = selected_documents(corpus, filter, true);
    corpus
        .documents
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(d, _)| DocumentRow {
            path: &d.doc.rel_path,
            published: day(d.doc.published),
            published_inferred: day(d.analysis.published_inferred.as_ref().map(|i| i.date)),
            title: &d.doc.title,
            chars: if d.doc.has_text() { d.doc.text.chars().count() } else { d.doc.chars },
            entities: d.entity_ids.iter().collect::<HashSet<_>>().len(),
        })
        .collect()
}

fn csv_err(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

fn write_csv(
    out: &mut dyn Write,
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(header).map_err(csv_err)?;
    for r in rows {
        w.write_record(&r).map_err(csv_err)?;
    }
    w.flush()
}

fn write_json<T: Serialize>(out: &mut dyn Write, rows: &[T]) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, rows).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

/// Joins list cells in CSV (`; `).
fn join(v: &[&str]) -> String {
    v.join("; ")
}

/// Writes one table of the filtered view. Flushes `out` at the end.
pub fn write_table(
    corpus: &AnalyzedCorpus,
    what: TableKind,
    filter: &TableFilter,
    format: TableFormat,
    mut out: impl Write,
) -> io::Result<()> {
    let out: &mut dyn Write = &mut out;
    if let TableFormat::Csv { bom: true } = format {
        out.write_all("\u{feff}".as_bytes())?;
    }
    match (what, format) {
        (TableKind::Mentions, TableFormat::Csv { .. }) => {
            let keep = selected_documents(corpus, filter, true);
            let pass = |doc: usize, e: EntityId| {
                keep.get(doc).copied().unwrap_or(false) && filter.entity.is_none_or(|f| f == e)
            };
            write_mentions_filtered(corpus, &pass, &mut *out).map_err(csv_err)?;
        }
        (TableKind::Mentions, TableFormat::Json) => write_json(out, &mention_rows(corpus, filter))?,
        (TableKind::Entities, TableFormat::Json) => write_json(out, &entity_rows(corpus, filter))?,
        (TableKind::Entities, TableFormat::Csv { .. }) => write_csv(
            out,
            &["id", "type", "canonical", "aliases", "mentions", "documents"],
            entity_rows(corpus, filter).into_iter().map(|r| {
                vec![
                    r.id.to_string(),
                    r.kind.to_string(),
                    r.canonical.to_string(),
                    join(&r.aliases),
                    r.mentions.to_string(),
                    r.documents.to_string(),
                ]
            }),
        )?,
        (TableKind::Events, TableFormat::Json) => write_json(out, &event_rows(corpus, filter))?,
        (TableKind::Events, TableFormat::Csv { .. }) => write_csv(
            out,
            &["document", "start", "end", "value", "entities", "entity_names", "sentence"],
            event_rows(corpus, filter).into_iter().map(|r| {
                vec![
                    r.document.to_string(),
                    r.start.to_string(),
                    r.end.to_string(),
                    r.value.to_string(),
                    join(&r.entities),
                    join(&r.entity_names),
                    r.sentence,
                ]
            }),
        )?,
        (TableKind::Documents, TableFormat::Json) => write_json(out, &document_rows(corpus, filter))?,
        (TableKind::Documents, TableFormat::Csv { .. }) => write_csv(
            out,
            &["path", "published", "published_inferred", "title", "chars", "entities"],
            document_rows(corpus, filter).into_iter().map(|r| {
                vec![
                    r.path.to_string(),
                    r.published.unwrap_or_default(),
                    r.published_inferred.unwrap_or_default(),
                    r.title.to_string(),
                    r.chars.to_string(),
                    r.entities.to_string(),
                ]
            }),
        )?,
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{EntityType::*, InferredDate};
    use crate::index::AliasEdits;
    use crate::index::model::tests::doc_with;
    use crate::index::output::write_mentions_csv;

    fn corpus() -> AnalyzedCorpus {
        let (mut d0, a0) = doc_with(
            "a.txt",
            "قال جون سميث في باريس أمس. وغادر \"سريعا\", ثم عاد.",
            &[("جون سميث", Person), ("باريس", Location)],
            &[("أمس", "2024-05-01")],
        );
        d0.published = NaiveDate::from_ymd_opt(2024, 5, 2);
        let (d1, mut a1) = doc_with("b.txt", "زار سميث، لندن.", &[("سميث", Person), ("لندن", Location)], &[]);
        a1.published_inferred = Some(InferredDate {
            date: NaiveDate::from_ymd_opt(2024, 1, 2).unwrap(),
            evidence: "x".into(),
            start: 0,
            end: 1,
        });
        AnalyzedCorpus::build(vec![d0, d1], vec![a0, a1], &AliasEdits::new())
    }

    fn table(c: &AnalyzedCorpus, what: TableKind, f: &TableFilter) -> Vec<csv::StringRecord> {
        let mut buf = Vec::new();
        write_table(c, what, f, TableFormat::Csv { bom: false }, &mut buf).unwrap();
        let mut r = csv::Reader::from_reader(buf.as_slice());
        r.records().map(|r| r.unwrap()).collect()
    }

    #[test]
    fn unfiltered_mentions_csv_equals_the_analyze_writer() {
        let c = corpus();
        let mut a = Vec::new();
        write_mentions_csv(&c, &mut a).unwrap();
        let mut b = Vec::new();
        write_table(
            &c,
            TableKind::Mentions,
            &TableFilter::default(),
            TableFormat::Csv { bom: false },
            &mut b,
        )
        .unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn bom_is_written_only_when_asked() {
        let c = corpus();
        for bom in [false, true] {
            let mut buf = Vec::new();
            write_table(
                &c,
                TableKind::Documents,
                &TableFilter::default(),
                TableFormat::Csv { bom },
                &mut buf,
            )
            .unwrap();
            assert_eq!(buf.starts_with("\u{feff}".as_bytes()), bom);
        }
    }

    #[test]
    fn entity_filter_keeps_its_documents_and_mentions_only() {
        let c = corpus();
        let paris = find_entity(&c, "باريس").unwrap();
        let f = TableFilter { entity: Some(paris), ..Default::default() };
        let m = table(&c, TableKind::Mentions, &f);
        assert_eq!(m.len(), 1);
        assert_eq!(&m[0][6], "باريس");
        let d = table(&c, TableKind::Documents, &f);
        assert_eq!(d.len(), 1);
        assert_eq!(&d[0][0], "a.txt");
        let e = table(&c, TableKind::Entities, &f);
        assert_eq!(e.len(), 1);
        assert_eq!(&e[0][2], "باريس");
    }

    #[test]
    fn date_range_uses_published_then_inferred_dates() {
        let c = corpus();
        let jan = TableFilter {
            from: NaiveDate::from_ymd_opt(2024, 1, 1),
            to: NaiveDate::from_ymd_opt(2024, 1, 31),
            ..Default::default()
        };
        let d = table(&c, TableKind::Documents, &jan);
        assert_eq!(d.len(), 1);
        assert_eq!(&d[0][0], "b.txt");
        assert_eq!(&d[0][2], "2024-01-02");
        // entity counts follow the selected documents
        let e = table(&c, TableKind::Entities, &jan);
        assert!(e.iter().all(|r| &r[4] == "1" && &r[5] == "1"), "{e:?}");
    }

    #[test]
    fn events_filter_by_their_own_date_and_carry_the_sentence() {
        let c = corpus();
        let all = table(&c, TableKind::Events, &TableFilter::default());
        assert_eq!(all.len(), 1);
        assert!(all[0][6].starts_with("قال جون سميث"), "{:?}", &all[0]);
        assert_eq!(all[0][4].split("; ").count(), 2);
        let may = TableFilter { from: NaiveDate::from_ymd_opt(2024, 5, 1), ..Default::default() };
        assert_eq!(table(&c, TableKind::Events, &may).len(), 1);
        let june = TableFilter { from: NaiveDate::from_ymd_opt(2024, 6, 1), ..Default::default() };
        assert_eq!(table(&c, TableKind::Events, &june).len(), 0);
    }

    #[test]
    fn document_subset_and_query_restrict_rows() {
        let c = corpus();
        let sub = TableFilter { documents: Some(vec![1]), ..Default::default() };
        let m = table(&c, TableKind::Mentions, &sub);
        assert!(m.iter().all(|r| &r[0] == "b.txt") && m.len() == 2);
        let q = TableFilter { query: Some("لندن".into()), ..Default::default() };
        let d = table(&c, TableKind::Documents, &q);
        assert_eq!(d.len(), 1);
        assert_eq!(&d[0][0], "b.txt");
    }

    #[test]
    fn json_tables_are_arrays_with_the_csv_field_names() {
        let c = corpus();
        for what in TableKind::ALL {
            let mut buf = Vec::new();
            write_table(&c, what, &TableFilter::default(), TableFormat::Json, &mut buf).unwrap();
            let v: serde_json::Value = serde_json::from_slice(&buf).unwrap();
            let rows = v.as_array().unwrap();
            assert!(!rows.is_empty(), "{}", what.name());
            let header: Vec<String> = {
                let mut b = Vec::new();
                write_table(&c, what, &TableFilter::default(), TableFormat::Csv { bom: false }, &mut b)
                    .unwrap();
                csv::Reader::from_reader(b.as_slice()).headers().unwrap().iter().map(String::from).collect()
            };
            let keys: Vec<&String> = rows[0].as_object().unwrap().keys().collect();
            let mut keys: Vec<String> = keys.into_iter().cloned().collect();
            let mut header = header;
            keys.sort();
            header.sort();
            assert_eq!(keys, header, "{}", what.name());
        }
    }
}

//! The serialised forms of an analysis (see docs/architecture.md): the corpus-level
//! `khabar.analysis/1` object, the per-document `khabar.document/1` records (local entity ids
//! `d:0`, `d:1`, …; what a shard of a large archive produces) and their merge back into the
//! corpus form, and the mentions CSV (`document,entity_id,type,canonical,start,end,text`).

use std::collections::HashMap;
use std::path::PathBuf;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::corpus::FileProblem;
use crate::extract::{EntityType, TimeExpression};

use super::aliases::{AliasEdits, FormCount, cluster_forms};
use super::model::{AnalyzedCorpus, AnalyzedDocument, EntityId, document_events};

pub const ANALYSIS_SCHEMA: &str = "khabar.analysis/1";
pub const DOCUMENT_SCHEMA: &str = "khabar.document/1";

/// The `khabar.analysis/1` object.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnalysisJson {
    pub schema: String,
    pub documents: Vec<DocumentJson>,
    pub entities: Vec<EntityJson>,
    pub events: Vec<EventJson>,
    pub errors: Vec<ErrorJson>,
}

/// One document, in the corpus object or (with `schema` and `events`) as a per-document record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DocumentJson {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    pub path: String,
    pub published: Option<String>,
    pub published_inferred: Option<String>,
    pub entities: Vec<DocEntityJson>,
    pub times: Vec<TimeExpression>,
    /// Per-document records only: the document's events with local entity ids, so merged
    /// shards give the same corpus events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<DocEventJson>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DocEntityJson {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: EntityType,
    pub canonical: String,
    pub mentions: Vec<MentionJson>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MentionJson {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EntityJson {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: EntityType,
    pub canonical: String,
    pub aliases: Vec<String>,
    pub documents: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventJson {
    pub document: String,
    pub start: usize,
    pub end: usize,
    pub value: String,
    pub entities: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DocEventJson {
    pub start: usize,
    pub end: usize,
    pub value: String,
    pub entities: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ErrorJson {
    pub path: String,
    pub reason: String,
}

fn date_string(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

/// Groups a document's mentions by entity, in order of first mention.
fn grouped_entities(
    d: &AnalyzedDocument,
    entity_ids: impl Iterator<Item = EntityId>,
    id_of: &dyn Fn(EntityId) -> (String, EntityType, String),
) -> Vec<DocEntityJson> {
    let mut out: Vec<DocEntityJson> = Vec::new();
    let mut slot: HashMap<EntityId, usize> = HashMap::new();
    for (m, e) in d.analysis.entities.iter().zip(entity_ids) {
        let i = *slot.entry(e).or_insert_with(|| {
            let (id, kind, canonical) = id_of(e);
            out.push(DocEntityJson { id, kind, canonical, mentions: Vec::new() });
            out.len() - 1
        });
        if let Some(g) = out.get_mut(i) {
            g.mentions.push(MentionJson { start: m.start, end: m.end, text: m.text.to_string() });
        }
    }
    out
}

/// The corpus object of an analysed corpus (documents in corpus order).
pub fn corpus_json(corpus: &AnalyzedCorpus) -> AnalysisJson {
    let id_of = |e: EntityId| {
        corpus
            .entities
            .get(e)
            .map(|x| (x.id.clone(), x.kind, x.canonical.clone()))
            .unwrap_or_else(|| (String::new(), EntityType::Misc, String::new()))
    };
    let documents = corpus
        .documents
        .iter()
        .map(|d| DocumentJson {
            schema: None,
            path: d.doc.rel_path.clone(),
            published: date_string(d.doc.published),
            published_inferred: date_string(d.analysis.published_inferred.as_ref().map(|i| i.date)),
            entities: grouped_entities(d, d.mention_entities(), &id_of),
            times: d.analysis.times.clone(),
            events: None,
        })
        .collect();
    let path_of = |i: usize| corpus.documents.get(i).map(|d| d.doc.rel_path.clone()).unwrap_or_default();
    let entities = corpus
        .entities
        .iter()
        .map(|e| EntityJson {
            id: e.id.clone(),
            kind: e.kind,
            canonical: e.canonical.clone(),
            aliases: e.aliases.clone(),
            documents: e.documents.iter().map(|&i| path_of(i as usize)).collect(),
        })
        .collect();
    let events = corpus
        .events
        .iter()
        .map(|ev| EventJson {
            document: path_of(ev.document()),
            start: ev.sentence().start,
            end: ev.sentence().end,
            value: ev.value.to_string(),
            entities: ev.entity_ids().map(|e| id_of(e).0).collect(),
        })
        .collect();
    let errors = corpus
        .problems
        .iter()
        .map(|p| ErrorJson { path: p.rel_path.clone(), reason: p.reason.clone() })
        .collect();
    AnalysisJson { schema: ANALYSIS_SCHEMA.to_string(), documents, entities, events, errors }
}

/// The per-document record of one document: entities clustered within the document only, with
/// local ids `d:0`, `d:1`, … in order of first mention.
pub fn document_record(d: &AnalyzedDocument) -> DocumentJson {
    let mut form_ix: HashMap<(EntityType, &str), usize> = HashMap::new();
    let mut forms: Vec<FormCount> = Vec::new();
    let mut mention_form = Vec::with_capacity(d.analysis.entities.len());
    for m in &d.analysis.entities {
        let ix = *form_ix.entry((m.kind, m.text.as_ref())).or_insert_with(|| {
            forms.push(FormCount { kind: m.kind, text: m.text.to_string(), count: 0 });
            forms.len() - 1
        });
        if let Some(f) = forms.get_mut(ix) {
            f.count += 1;
        }
        mention_form.push(ix);
    }
    let clustering = cluster_forms(&forms, &AliasEdits::new());
    // local ids in order of first mention
    let mut local: HashMap<usize, u32> = HashMap::new();
    let mut local_ids: Vec<u32> = Vec::with_capacity(mention_form.len());
    for &f in &mention_form {
        let c = clustering.form_cluster.get(f).copied().unwrap_or(0);
        let n = u32::try_from(local.len()).unwrap_or(u32::MAX);
        local_ids.push(*local.entry(c).or_insert(n));
    }
    let mut by_local: Vec<usize> = vec![0; local.len()];
    for (&c, &l) in &local {
        if let Some(slot) = by_local.get_mut(l as usize) {
            *slot = c;
        }
    }
    let id_of = |l: EntityId| {
        let c = by_local.get(l).and_then(|&c| clustering.clusters.get(c));
        (
            format!("d:{l}"),
            c.map(|c| c.kind).unwrap_or(EntityType::Misc),
            c.map(|c| c.canonical.clone()).unwrap_or_default(),
        )
    };
    let events = document_events(0, &d.analysis, &local_ids)
        .into_iter()
        .map(|ev| DocEventJson {
            start: ev.sentence().start,
            end: ev.sentence().end,
            value: ev.value.to_string(),
            entities: ev.entities.iter().map(|l| format!("d:{l}")).collect(),
        })
        .collect();
    DocumentJson {
        schema: Some(DOCUMENT_SCHEMA.to_string()),
        path: d.doc.rel_path.clone(),
        published: date_string(d.doc.published),
        published_inferred: date_string(d.analysis.published_inferred.as_ref().map(|i| i.date)),
        entities: grouped_entities(d, local_ids.iter().map(|&l| l as EntityId), &id_of),
        times: d.analysis.times.clone(),
        events: Some(events),
    }
}

/// Merges per-document records (any order; sorted by path here) and load errors into the
/// corpus object, clustering aliases across all of them.
pub fn merge_records(
    mut records: Vec<DocumentJson>,
    errors: Vec<ErrorJson>,
    edits: &AliasEdits,
) -> AnalysisJson {
    records.sort_by(|a, b| a.path.cmp(&b.path));
    let mut corpus = super::merge::corpus_from_records(records, edits);
    corpus.problems = errors
        .into_iter()
        .map(|e| FileProblem { path: PathBuf::from(&e.path), rel_path: e.path, reason: e.reason })
        .collect();
    corpus_json(&corpus)
}

/// Writes the mentions CSV (`document,entity_id,type,canonical,start,end,text`), one row per
/// mention, documents in corpus order and mentions in text order.
pub fn write_mentions_csv<W: std::io::Write>(corpus: &AnalyzedCorpus, out: W) -> csv::Result<()> {
    write_mentions_filtered(corpus, &|_, _| true, out)
}

/// [`write_mentions_csv`] keeping only the mentions for which `keep(document index, entity)`
/// holds (the filtered mentions table of [`super::table`]).
pub fn write_mentions_filtered<W: std::io::Write>(
    corpus: &AnalyzedCorpus,
    keep: &dyn Fn(usize, EntityId) -> bool,
    out: W,
) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(["document", "entity_id", "type", "canonical", "start", "end", "text"])?;
    for (di, d) in corpus.documents.iter().enumerate() {
        for (m, e) in d.analysis.entities.iter().zip(d.mention_entities()) {
            if !keep(di, e) {
                continue;
            }
            let Some(ent) = corpus.entities.get(e) else { continue };
            w.write_record([
                d.doc.rel_path.as_str(),
                ent.id.as_str(),
                ent.kind.code(),
                ent.canonical.as_str(),
                &m.start.to_string(),
                &m.end.to_string(),
                m.text.as_ref(),
            ])?;
        }
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::InferredDate;
    use crate::index::model::tests::doc_with;
    use EntityType::*;

    fn corpus() -> AnalyzedCorpus {
        let (d0, a0) = doc_with(
            "a.txt",
            "قال جون سميث في باريس أمس. وغادر.",
            &[("جون سميث", Person), ("باريس", Location)],
            &[("أمس", "2024-05-01")],
        );
        let (d1, mut a1) = doc_with("b.txt", "زار سميث، لندن.", &[("سميث", Person), ("لندن", Location)], &[]);
        a1.published_inferred = Some(InferredDate {
            date: NaiveDate::from_ymd_opt(2024, 1, 2).unwrap(),
            evidence: "x".into(),
            start: 0,
            end: 1,
        });
        let mut c = AnalyzedCorpus::build(vec![d0, d1], vec![a0, a1], &AliasEdits::new());
        c.problems.push(FileProblem {
            path: "c.bin".into(),
            rel_path: "c.bin".into(),
            reason: "binary".into(),
        });
        c
    }

    #[test]
    fn corpus_json_has_the_architecture_fields_in_order() {
        let j = serde_json::to_string(&corpus_json(&corpus())).unwrap();
        assert!(j.starts_with(r#"{"schema":"khabar.analysis/1","documents":[{"path":"a.txt","published":null,"published_inferred":null,"entities":[{"id":"per:"#), "{j}");
        assert!(j.contains(r#""published_inferred":"2024-01-02""#));
        assert!(j.contains(r#""errors":[{"path":"c.bin","reason":"binary"}]"#));
        assert!(!j.contains(r#""schema":"khabar.document/1""#));
        let v: serde_json::Value = serde_json::from_str(&j).unwrap();
        assert_eq!(v["events"][0]["entities"].as_array().unwrap().len(), 2);
        assert_eq!(v["entities"].as_array().unwrap().len(), 3);
    }

    #[test]
    fn records_use_local_ids_and_merge_back_to_the_corpus_object() {
        let c = corpus();
        let recs: Vec<DocumentJson> = c.documents.iter().map(document_record).collect();
        assert_eq!(recs[0].entities[0].id, "d:0");
        assert_eq!(recs[0].entities[1].id, "d:1");
        assert_eq!(recs[0].schema.as_deref(), Some(DOCUMENT_SCHEMA));
        // through text, in reverse order
        let lines: Vec<String> = recs.iter().rev().map(|r| serde_json::to_string(r).unwrap()).collect();
        let parsed: Vec<DocumentJson> = lines.iter().map(|l| serde_json::from_str(l).unwrap()).collect();
        let errors = vec![ErrorJson { path: "c.bin".into(), reason: "binary".into() }];
        assert_eq!(merge_records(parsed, errors, &AliasEdits::new()), corpus_json(&c));
    }

    #[test]
    fn mentions_csv_has_one_row_per_mention() {
        let mut buf = Vec::new();
        write_mentions_csv(&corpus(), &mut buf).unwrap();
        let s = String::from_utf8(buf).unwrap();
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(lines[0], "document,entity_id,type,canonical,start,end,text");
        assert_eq!(lines.len(), 5);
        assert!(lines[1].starts_with("a.txt,per:") && lines[1].ends_with(",PER,جون سميث,4,12,جون سميث"));
        assert!(lines.iter().any(|l| l.starts_with("b.txt,per:") && l.ends_with(",جون سميث,4,8,سميث")));
    }
}

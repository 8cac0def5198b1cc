//! The corpus model: analysed documents, corpus-level entities (after alias clustering),
//! events (sentences with a resolved date and the entities in them), co-occurrence and
//! entity → documents lookups.
//!
//! Built in two steps so the GUI can load and analyse in the background and rebuild cheaply:
//! [`analyze_all`] (parallel, per-document, pure) and [`AnalyzedCorpus::build`] (clustering +
//! events, fast enough to rerun after each batch of documents or alias edit).

use std::collections::HashMap;
use std::ops::Range;

use rayon::prelude::*;

use crate::corpus::{Document, FileProblem};
use crate::extract::{DocumentAnalysis, EntityMention, EntityType, Surface, TimexType, analyze_document};

use super::aliases::{AliasEdits, Clustering, FormCount, cluster_forms};

/// Index of an entity in [`AnalyzedCorpus::entities`] (valid until the next rebuild; the
/// stable text id is [`Entity::id`]).
pub type EntityId = usize;

/// One document with its analysis and the corpus entity of each mention.
#[derive(Clone, Debug)]
pub struct AnalyzedDocument {
    pub doc: Document,
    pub analysis: DocumentAnalysis,
    /// `entity_ids[i]` is the entity of `analysis.entities[i]` (an [`EntityId`] stored in 4
    /// bytes: a corpus has millions of mentions; see [`Self::mention_entities`]).
    pub entity_ids: Vec<u32>,
}

impl AnalyzedDocument {
    /// The entity of each mention, in the order of `analysis.entities`.
    pub fn mention_entities(&self) -> impl ExactSizeIterator<Item = EntityId> + Clone + '_ {
        self.entity_ids.iter().map(|&e| e as EntityId)
    }
}

/// One corpus-level entity (a cluster of aliases).
#[derive(Clone, Debug, PartialEq)]
pub struct Entity {
    /// Stable id such as "per:3f2a9c01be".
    pub id: String,
    pub kind: EntityType,
    pub canonical: String,
    /// Distinct surface forms (whitespace tidied), sorted.
    pub aliases: Vec<String>,
    /// Indices of the documents mentioning it, ascending (4 bytes each: entities of a large
    /// corpus list millions).
    pub documents: Vec<u32>,
    pub mention_count: usize,
    pub document_count: usize,
    /// Number of distinct sentences mentioning it (for sentence co-occurrence measures).
    pub sentence_count: usize,
}

/// A sentence with a resolved date and the entities mentioned in it. Compact (32 bytes plus
/// its entities: a 100,000-article corpus has ~600,000): indices and offsets are stored in 4
/// bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// Index into [`AnalyzedCorpus::documents`] (see [`Self::document`]).
    pub document: u32,
    /// Sentence range (code points; see [`Self::sentence`]).
    pub start: u32,
    pub end: u32,
    /// TIMEX3 value of the time expression (interned).
    pub value: Surface,
    /// Entities in the sentence, in order of first mention ([`EntityId`]s; see
    /// [`Self::entity_ids`]).
    pub entities: Box<[u32]>,
}

impl Event {
    pub fn document(&self) -> usize {
        self.document as usize
    }

    /// The sentence (code points).
    pub fn sentence(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// Entities in the sentence, in order of first mention.
    pub fn entity_ids(&self) -> impl ExactSizeIterator<Item = EntityId> + '_ {
        self.entities.iter().map(|&e| e as EntityId)
    }

    pub fn mentions(&self, entity: EntityId) -> bool {
        u32::try_from(entity).is_ok_and(|e| self.entities.contains(&e))
    }
}

/// Scope of a co-occurrence count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CoScope {
    Sentence,
    Document,
}

/// An entity co-occurring with a given one.
#[derive(Clone, Debug, PartialEq)]
pub struct Cooccurrence {
    pub entity: EntityId,
    /// Shared sentences or documents.
    pub count: usize,
    /// Pointwise mutual information, log2(n_ab · N / (n_a · n_b)).
    pub pmi: f64,
}

/// The analysed corpus.
#[derive(Clone, Debug, Default)]
pub struct AnalyzedCorpus {
    pub documents: Vec<AnalyzedDocument>,
    /// Sorted by id.
    pub entities: Vec<Entity>,
    /// Sorted by document, then start, then value.
    pub events: Vec<Event>,
    /// Files that could not be loaded (filled by the caller from the loader's report).
    pub problems: Vec<FileProblem>,
    /// Total number of sentences (the N of sentence PMI).
    pub sentence_total: usize,
}

/// Analyses documents in parallel (rayon); the result is in the order of `docs`.
pub fn analyze_all(docs: &[Document]) -> Vec<DocumentAnalysis> {
    docs.par_iter().map(|d| analyze_document(&d.text, d.published)).collect()
}

/// Index of the sentence containing code point `pos`, if any.
pub fn sentence_of(sentences: &[Range<usize>], pos: usize) -> Option<usize> {
    let i = sentences.partition_point(|s| s.end <= pos);
    sentences.get(i).filter(|s| s.start <= pos).map(|_| i)
}

/// True when a TIMEX3 value is an anchored date or time (starts with a year digit).
fn is_dated(kind: TimexType, value: &str) -> bool {
    matches!(kind, TimexType::Date | TimexType::Time)
        && value.chars().next().is_some_and(|c| c.is_ascii_digit())
}

impl AnalyzedCorpus {
    /// Analyses a loader's report (documents and problems sorted by path) and builds the
    /// corpus: what the batch commands (`analyze`, `export`) share.
    pub fn from_load_report(report: crate::corpus::LoadReport, edits: &AliasEdits) -> Self {
        let mut docs = report.documents;
        docs.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
        let analyses = analyze_all(&docs);
        let mut corpus = Self::build(docs, analyses, edits);
        let mut problems = report.problems;
        problems.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
        corpus.problems = problems;
        corpus
    }

    /// Builds the corpus model. `analyses[i]` belongs to `docs[i]` (missing analyses count as
    /// empty). Deterministic for a given list of documents.
    pub fn build(docs: Vec<Document>, analyses: Vec<DocumentAnalysis>, edits: &AliasEdits) -> Self {
        let mut analyses = analyses.into_iter();
        let documents: Vec<AnalyzedDocument> = docs
            .into_iter()
            .map(|doc| {
                let mut analysis = analyses.next().unwrap_or_default();
                analysis.entities.sort_by(|a, b| a.start.cmp(&b.start).then(a.end.cmp(&b.end)));
                AnalyzedDocument { doc, analysis, entity_ids: Vec::new() }
            })
            .collect();
        let mut corpus = AnalyzedCorpus { documents, ..Default::default() };
        corpus.recluster(edits);
        corpus
    }

    /// Appends documents (with their analyses) and rebuilds entities and events.
    pub fn add_documents(
        &mut self,
        docs: Vec<Document>,
        analyses: Vec<DocumentAnalysis>,
        edits: &AliasEdits,
    ) {
        let mut analyses = analyses.into_iter();
        for doc in docs {
            let mut analysis = analyses.next().unwrap_or_default();
            analysis.entities.sort_by(|a, b| a.start.cmp(&b.start).then(a.end.cmp(&b.end)));
            self.documents.push(AnalyzedDocument { doc, analysis, entity_ids: Vec::new() });
        }
        self.recluster(edits);
    }

    /// Reruns alias clustering (e.g. after an alias edit) and rebuilds entities and events.
    pub fn recluster(&mut self, edits: &AliasEdits) {
        // distinct forms
        let mut form_ix: HashMap<(EntityType, &str), usize> = HashMap::new();
        let mut forms: Vec<FormCount> = Vec::new();
        // the form of every mention, all documents in a row (millions on a large corpus)
        let mut mention_forms: Vec<u32> =
            Vec::with_capacity(self.documents.iter().map(|d| d.analysis.entities.len()).sum());
        for d in &self.documents {
            for m in &d.analysis.entities {
                let ix = *form_ix.entry((m.kind, m.text.as_ref())).or_insert_with(|| {
                    forms.push(FormCount { kind: m.kind, text: m.text.to_string(), count: 0 });
                    forms.len() - 1
                });
                if let Some(f) = forms.get_mut(ix) {
                    f.count += 1;
                }
                mention_forms.push(u32::try_from(ix).unwrap_or(u32::MAX));
            }
        }
        drop(form_ix);
        let Clustering { clusters, form_cluster } = cluster_forms(&forms, edits);

        let mut entities: Vec<Entity> = clusters
            .iter()
            .map(|c| {
                let mut aliases: Vec<String> = c
                    .forms
                    .iter()
                    .filter_map(|&f| forms.get(f))
                    .map(|f| f.text.split_whitespace().collect::<Vec<_>>().join(" "))
                    .collect();
                aliases.sort();
                aliases.dedup();
                Entity {
                    id: c.id.clone(),
                    kind: c.kind,
                    canonical: c.canonical.clone(),
                    aliases,
                    documents: Vec::new(),
                    mention_count: 0,
                    document_count: 0,
                    sentence_count: 0,
                }
            })
            .collect();

        let mut events = Vec::new();
        let mut sentence_total = 0;
        let mut forms_of_mentions = mention_forms.iter();
        for (di, d) in self.documents.iter_mut().enumerate() {
            d.entity_ids = forms_of_mentions
                .by_ref()
                .take(d.analysis.entities.len())
                .map(|&f| form_cluster.get(f as usize).and_then(|&c| u32::try_from(c).ok()).unwrap_or(0))
                .collect();
            let sentences = &d.analysis.sentences;
            sentence_total += sentences.len();
            let mut seen_sentence: Vec<(EntityId, Option<usize>)> = Vec::new();
            for (m, e) in d.analysis.entities.iter().zip(d.mention_entities()) {
                let Some(ent) = entities.get_mut(e) else { continue };
                ent.mention_count += 1;
                let di32 = u32::try_from(di).unwrap_or(u32::MAX);
                if ent.documents.last() != Some(&di32) {
                    ent.documents.push(di32);
                }
                let s = sentence_of(sentences, m.start);
                if s.is_some() && !seen_sentence.contains(&(e, s)) {
                    seen_sentence.push((e, s));
                    ent.sentence_count += 1;
                }
            }
            events.extend(document_events(di, &d.analysis, &d.entity_ids));
        }
        for e in &mut entities {
            e.document_count = e.documents.len();
            e.documents.shrink_to_fit();
        }
        // a 100,000-article corpus has ~600,000 events: no spare capacity
        events.shrink_to_fit();
        self.entities = entities;
        self.events = events;
        self.sentence_total = sentence_total;
    }

    /// Entity index by its stable id.
    pub fn entity_by_id(&self, id: &str) -> Option<EntityId> {
        self.entities.binary_search_by(|e| e.id.as_str().cmp(id)).ok()
    }

    /// Documents mentioning `entity` (indices, ascending).
    pub fn documents_with(&self, entity: EntityId) -> &[u32] {
        self.entities.get(entity).map(|e| e.documents.as_slice()).unwrap_or(&[])
    }

    /// Mentions of `entity` in document `doc`, in text order.
    pub fn mentions_of(&self, entity: EntityId, doc: usize) -> Vec<&EntityMention> {
        let Some(d) = self.documents.get(doc) else { return Vec::new() };
        d.analysis
            .entities
            .iter()
            .zip(d.mention_entities())
            .filter(|(_, e)| *e == entity)
            .map(|(m, _)| m)
            .collect()
    }

    /// Events mentioning `entity`.
    pub fn events_of(&self, entity: EntityId) -> Vec<&Event> {
        self.events.iter().filter(|ev| ev.mentions(entity)).collect()
    }

    /// Entities sharing sentences (or documents) with `entity`, most shared first (then PMI,
    /// then id).
    pub fn cooccurring(&self, entity: EntityId, scope: CoScope) -> Vec<Cooccurrence> {
        self.cooccurring_within(entity, scope, &|_| true)
    }

    /// [`Self::cooccurring`] counting only the documents `include` accepts (e.g. one copy of
    /// each syndicated story). PMI still uses the whole corpus' totals.
    pub fn cooccurring_within(
        &self,
        entity: EntityId,
        scope: CoScope,
        include: &dyn Fn(usize) -> bool,
    ) -> Vec<Cooccurrence> {
        let Some(ent) = self.entities.get(entity) else { return Vec::new() };
        let mut counts: HashMap<EntityId, usize> = HashMap::new();
        for di in ent.documents.iter().map(|&d| d as usize).filter(|&d| include(d)) {
            let Some(d) = self.documents.get(di) else { continue };
            match scope {
                CoScope::Document => {
                    let mut others: Vec<EntityId> = d.mention_entities().filter(|&e| e != entity).collect();
                    others.sort_unstable();
                    others.dedup();
                    for e in others {
                        *counts.entry(e).or_default() += 1;
                    }
                }
                CoScope::Sentence => {
                    let sents = &d.analysis.sentences;
                    let by_sentence: Vec<(Option<usize>, EntityId)> = d
                        .analysis
                        .entities
                        .iter()
                        .zip(d.mention_entities())
                        .map(|(m, e)| (sentence_of(sents, m.start), e))
                        .filter(|(s, _)| s.is_some())
                        .collect();
                    let mut mine: Vec<Option<usize>> =
                        by_sentence.iter().filter(|(_, e)| *e == entity).map(|(s, _)| *s).collect();
                    mine.dedup();
                    let mut pairs: Vec<(Option<usize>, EntityId)> =
                        by_sentence.into_iter().filter(|(s, e)| *e != entity && mine.contains(s)).collect();
                    pairs.sort_unstable();
                    pairs.dedup();
                    for (_, e) in pairs {
                        *counts.entry(e).or_default() += 1;
                    }
                }
            }
        }
        let (n, n_a) = match scope {
            CoScope::Sentence => (self.sentence_total, ent.sentence_count),
            CoScope::Document => (self.documents.len(), ent.document_count),
        };
        let mut out: Vec<Cooccurrence> = counts
            .into_iter()
            .map(|(e, count)| {
                let n_b = self
                    .entities
                    .get(e)
                    .map(|o| match scope {
                        CoScope::Sentence => o.sentence_count,
                        CoScope::Document => o.document_count,
                    })
                    .unwrap_or(0);
                let denom = (n_a as f64) * (n_b as f64);
                let pmi = if denom > 0.0 && n > 0 { ((count * n) as f64 / denom).log2() } else { 0.0 };
                Cooccurrence { entity: e, count, pmi }
            })
            .collect();
        out.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then(b.pmi.total_cmp(&a.pmi))
                .then_with(|| self.entity_id_str(a.entity).cmp(self.entity_id_str(b.entity)))
        });
        out
    }

    /// Co-occurrence matrix of the `n` most mentioned entities: (entities, counts[i][j]);
    /// the diagonal holds each entity's own sentence/document count.
    pub fn cooccurrence_matrix(&self, n: usize, scope: CoScope) -> (Vec<EntityId>, Vec<Vec<usize>>) {
        let mut top: Vec<EntityId> = (0..self.entities.len()).collect();
        top.sort_by(|&a, &b| {
            let (ea, eb) = (&self.entities[a], &self.entities[b]);
            eb.mention_count.cmp(&ea.mention_count).then_with(|| ea.id.cmp(&eb.id))
        });
        top.truncate(n);
        let pos: HashMap<EntityId, usize> = top.iter().enumerate().map(|(i, &e)| (e, i)).collect();
        let mut m = vec![vec![0; top.len()]; top.len()];
        for (i, &e) in top.iter().enumerate() {
            if let Some(row) = m.get_mut(i) {
                if let (Some(cell), Some(ent)) = (row.get_mut(i), self.entities.get(e)) {
                    *cell = match scope {
                        CoScope::Sentence => ent.sentence_count,
                        CoScope::Document => ent.document_count,
                    };
                }
                for c in self.cooccurring(e, scope) {
                    if let Some(&j) = pos.get(&c.entity)
                        && let Some(cell) = row.get_mut(j)
                    {
                        *cell = c.count;
                    }
                }
            }
        }
        (top, m)
    }

    fn entity_id_str(&self, e: EntityId) -> &str {
        self.entities.get(e).map(|e| e.id.as_str()).unwrap_or("")
    }
}

/// Events of one document: one per (sentence, dated time value), with the entities whose
/// mentions start in the sentence (first-mention order).
pub fn document_events(doc: usize, analysis: &DocumentAnalysis, entity_ids: &[u32]) -> Vec<Event> {
    let mut out: Vec<Event> = Vec::new();
    let Ok(document) = u32::try_from(doc) else { return out };
    for t in &analysis.times {
        if !is_dated(t.kind, &t.value) {
            continue;
        }
        let Some(si) = sentence_of(&analysis.sentences, t.start) else { continue };
        let Some(s) = analysis.sentences.get(si) else { continue };
        let (Ok(start), Ok(end)) = (u32::try_from(s.start), u32::try_from(s.end)) else { continue };
        if out.iter().any(|e| e.start == start && e.value == t.value) {
            continue;
        }
        let mut entities = Vec::new();
        for (m, &e) in analysis.entities.iter().zip(entity_ids) {
            if m.start >= s.start && m.start < s.end && !entities.contains(&e) {
                entities.push(e);
            }
        }
        out.push(Event {
            document,
            start,
            end,
            value: t.value.clone(),
            entities: entities.into_boxed_slice(),
        });
    }
    out.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.value.cmp(&b.value)));
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::extract::TimeExpression;
    use std::path::PathBuf;

    /// A constructed document with mentions found by searching for the given strings.
    pub(crate) fn doc_with(
        rel: &str,
        text: &str,
        mentions: &[(&str, EntityType)],
        times: &[(&str, &str)],
    ) -> (Document, DocumentAnalysis) {
        let chars: Vec<char> = text.chars().collect();
        let find_all = |needle: &str| -> Vec<usize> {
            let n: Vec<char> = needle.chars().collect();
            (0..chars.len()).filter(|&i| chars[i..].starts_with(&n)).collect()
        };
        let mut entities = Vec::new();
        for (m, kind) in mentions {
            for s in find_all(m) {
                let end = s + m.chars().count();
                entities.push(EntityMention { start: s, end, text: (*m).into(), kind: *kind });
            }
        }
        let mut ts = Vec::new();
        for (t, v) in times {
            for s in find_all(t) {
                ts.push(TimeExpression {
                    start: s,
                    end: s + t.chars().count(),
                    text: (*t).into(),
                    kind: TimexType::Date,
                    value: (*v).into(),
                });
            }
        }
        let doc = Document {
            path: PathBuf::from(rel),
            rel_path: rel.to_string(),
            text: text.into(),
            body_start: 0,
            published: None,
            title: String::new(),
            encoding: "UTF-8",
            warnings: Vec::new(),
            bytes: text.len() as u64,
            modified: None,
            text_hash: crate::corpus::hash64(text.as_bytes()),
            chars: text.chars().count(),
        };
        let analysis = DocumentAnalysis {
            entities,
            times: ts,
            published_inferred: None,
            sentences: crate::arabic::sentences::sentences(text),
        };
        (doc, analysis)
    }

    fn corpus() -> AnalyzedCorpus {
        use EntityType::*;
        let (d0, a0) = doc_with(
            "a.txt",
            "التقى جون سميث ماري جونز في باريس أمس. ثم عاد سميث.",
            &[("جون سميث", Person), ("ماري جونز", Person), ("باريس", Location), ("سميث.", Person)],
            &[("أمس", "2024-05-01")],
        );
        let (d1, a1) = doc_with(
            "b.txt",
            "زار سميث لندن. وكانت ماري جونز في باريس.",
            &[("سميث ", Person), ("لندن", Location), ("ماري جونز", Person), ("باريس", Location)],
            &[],
        );
        AnalyzedCorpus::build(vec![d0, d1], vec![a0, a1], &AliasEdits::new())
    }

    #[test]
    fn mentions_get_corpus_entities_after_alias_clustering() {
        let c = corpus();
        let smith = c.entities.iter().position(|e| e.canonical == "جون سميث").unwrap();
        assert_eq!(c.entities[smith].mention_count, 3);
        assert_eq!(c.entities[smith].document_count, 2);
        assert_eq!(c.entities[smith].aliases, vec!["جون سميث", "سميث", "سميث."]);
        assert_eq!(c.documents_with(smith), &[0, 1]);
        assert_eq!(c.mentions_of(smith, 1).len(), 1);
        assert_eq!(c.entity_by_id(&c.entities[smith].id), Some(smith));
        for d in &c.documents {
            assert_eq!(d.entity_ids.len(), d.analysis.entities.len());
        }
    }

    #[test]
    fn events_are_dated_sentences_with_their_entities() {
        let c = corpus();
        assert_eq!(c.events.len(), 1);
        let ev = &c.events[0];
        assert_eq!((ev.document, ev.start, ev.value.as_str()), (0, 0, "2024-05-01"));
        let names: Vec<&str> = ev.entity_ids().map(|e| c.entities[e].canonical.as_str()).collect();
        assert_eq!(names, vec!["جون سميث", "ماري جونز", "باريس"]);
    }

    #[test]
    fn cooccurrence_counts_shared_sentences_and_documents() {
        let c = corpus();
        let paris = c.entities.iter().position(|e| e.canonical == "باريس").unwrap();
        let mary = c.entities.iter().position(|e| e.canonical == "ماري جونز").unwrap();
        let london = c.entities.iter().position(|e| e.canonical == "لندن").unwrap();
        let s = c.cooccurring(paris, CoScope::Sentence);
        assert_eq!(s.first().map(|x| (x.entity, x.count)), Some((mary, 2)));
        assert!(!s.iter().any(|x| x.entity == london));
        let d = c.cooccurring(paris, CoScope::Document);
        assert!(d.iter().any(|x| x.entity == london && x.count == 1));
        // paris and mary always appear together: PMI = log2(N / 2) over 4 sentences
        let pmi = s.first().unwrap().pmi;
        assert!((pmi - (4.0f64 / 2.0).log2()).abs() < 1e-9, "{pmi}");
        let (top, m) = c.cooccurrence_matrix(3, CoScope::Document);
        assert_eq!(top.len(), 3);
        assert_eq!(m[0][0], c.entities[top[0]].document_count);
    }

    #[test]
    fn build_is_deterministic_and_rebuild_matches_incremental_add() {
        let c1 = corpus();
        let c2 = corpus();
        assert_eq!(c1.entities, c2.entities);
        let (d0, a0) = doc_with("a.txt", "جون سميث في باريس.", &[("جون سميث", EntityType::Person)], &[]);
        let (d1, a1) = doc_with("b.txt", "سميث.", &[("سميث", EntityType::Person)], &[]);
        let whole = AnalyzedCorpus::build(
            vec![d0.clone(), d1.clone()],
            vec![a0.clone(), a1.clone()],
            &AliasEdits::new(),
        );
        let mut inc = AnalyzedCorpus::build(vec![d0], vec![a0], &AliasEdits::new());
        inc.add_documents(vec![d1], vec![a1], &AliasEdits::new());
        assert_eq!(whole.entities, inc.entities);
        assert_eq!(whole.entities.len(), 1);
    }

    #[test]
    fn analyze_all_keeps_document_order() {
        let docs: Vec<Document> =
            (0..20).map(|i| doc_with(&format!("{i}.txt"), &"س. ".repeat(i + 1), &[], &[]).0).collect();
        let a = analyze_all(&docs);
        assert_eq!(a.len(), 20);
        for (i, an) in a.iter().enumerate() {
            assert_eq!(an.sentences.len(), i + 1);
        }
    }
}

//! The corpus model: entity clusters and aliases ([`aliases`]), analysed documents, entities,
//! events and co-occurrence ([`model`]), the analysis JSON/JSONL/CSV forms ([`output`]) and
//! Arabic-normalised search; shards of records merged back ([`merge`]) and opened with their
//! texts ([`prebuilt`]).
//!
//! Typical use: `let analyses = analyze_all(&docs); let corpus = AnalyzedCorpus::build(docs,
//! analyses, &AliasEdits::new());` then `output::corpus_json(&corpus)`.

pub mod aliases;
pub mod boilerplate;
pub mod cache;
pub mod duplicates;
pub mod findings;
pub mod merge;
pub mod model;
pub mod output;
pub mod prebuilt;
pub mod search;
pub mod table;
pub mod workspace;

pub use aliases::{AliasEdit, AliasEdits, EntityRef};
pub use model::{
    AnalyzedCorpus, AnalyzedDocument, CoScope, Cooccurrence, Entity, EntityId, Event, analyze_all,
};

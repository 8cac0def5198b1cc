//! Per-document extraction, a pure function of the text: named entities
//! ([`entities`]: model + gazetteers + rules) and time expressions ([`times`]: TIMEX3 values,
//! inferred publication dates). All offsets are Unicode code points into the document text.

pub mod entities;
pub mod surface;
pub mod times;
pub mod timex_range;

pub use surface::Surface;

use std::ops::Range;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Entity types (ANERcorp's PERS is called PER here, as in the analysis JSON).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EntityType {
    #[serde(rename = "PER")]
    Person,
    #[serde(rename = "LOC")]
    Location,
    #[serde(rename = "ORG")]
    Organization,
    #[serde(rename = "MISC")]
    Misc,
}

impl EntityType {
    pub const ALL: [EntityType; 4] = [Self::Person, Self::Location, Self::Organization, Self::Misc];

    /// "PER", "LOC", "ORG", "MISC".
    pub fn code(self) -> &'static str {
        match self {
            Self::Person => "PER",
            Self::Location => "LOC",
            Self::Organization => "ORG",
            Self::Misc => "MISC",
        }
    }

    /// Lower-case id prefix: "per", "loc", "org", "misc".
    pub fn id_prefix(self) -> &'static str {
        match self {
            Self::Person => "per",
            Self::Location => "loc",
            Self::Organization => "org",
            Self::Misc => "misc",
        }
    }
}

/// One entity mention in a document: `text` equals the document's chars `start..end`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityMention {
    pub start: usize,
    pub end: usize,
    /// Interned: equal surfaces share one allocation.
    pub text: Surface,
    #[serde(rename = "type")]
    pub kind: EntityType,
}

/// TIMEX3 types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum TimexType {
    Date,
    Time,
    Duration,
    Set,
}

/// One time expression: `text` equals the document's chars `start..end`; `value` is TIMEX3.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeExpression {
    pub start: usize,
    pub end: usize,
    /// Interned, as `value`.
    pub text: Surface,
    #[serde(rename = "type")]
    pub kind: TimexType,
    pub value: Surface,
}

/// A publication date inferred from the text of a headerless article, with its evidence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InferredDate {
    pub date: NaiveDate,
    /// Human-readable reason shown in the UI ("inferred from …").
    pub evidence: String,
    /// Code-point range of the evidence in the text.
    pub start: usize,
    pub end: usize,
}

/// Everything extracted from one document.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DocumentAnalysis {
    pub entities: Vec<EntityMention>,
    pub times: Vec<TimeExpression>,
    pub published_inferred: Option<InferredDate>,
    /// Sentence ranges (code points), in order.
    pub sentences: Vec<Range<usize>>,
}

/// Analyses one document: a pure function of its text and header date.
pub fn analyze_document(text: &str, published: Option<NaiveDate>) -> DocumentAnalysis {
    let mut entities = entities::extract_entities(text);
    let published_inferred = if published.is_none() { times::infer_publication_date(text) } else { None };
    let dct = published.or(published_inferred.as_ref().map(|i| i.date));
    let mut times = times::extract_times(text, dct);
    let mut sentences = crate::arabic::sentences::sentences(text);
    // A corpus keeps millions of these: no spare capacity.
    entities.shrink_to_fit();
    times.shrink_to_fit();
    sentences.shrink_to_fit();
    DocumentAnalysis { entities, times, published_inferred, sentences }
}

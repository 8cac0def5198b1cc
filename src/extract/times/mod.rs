//! Time expressions → TIMEX3 values, resolved against the publication date.

use chrono::NaiveDate;

use super::{InferredDate, TimeExpression};

/// Finds the time expressions of `text`, resolved against `dct` (publication date) when known.
pub fn extract_times(_text: &str, _dct: Option<NaiveDate>) -> Vec<TimeExpression> {
    Vec::new()
}

/// Infers the publication date of a headerless article, or `None` when nothing supports it.
pub fn infer_publication_date(_text: &str) -> Option<InferredDate> {
    None
}

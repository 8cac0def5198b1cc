//! Publication-date inference for headerless articles (placeholder, filled in next).

use crate::extract::InferredDate;

/// Infers the publication date from the text, or `None`.
pub fn infer(_text: &str) -> Option<InferredDate> {
    None
}

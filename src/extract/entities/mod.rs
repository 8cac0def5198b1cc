//! Named entities (PER, LOC, ORG, MISC): a statistical sequence tagger trained on ANERcorp
//! ([`train`]: averaged structured perceptron, [`features`]: hashed word/stem/affix/gazetteer
//! features, [`model`]: the compact model and Viterbi), gazetteers ([`gazetteer`]) and rules for
//! what the model misses ([`rules`]: agency credits, Latin names in parentheses, وكالة/منظمة
//! spans). The shipped model (assets/models/ner.bin.gz) is embedded and loaded once.
//!
//! Spans are code-point offsets into the original text; attached proclitics (و ف ب ك ل) are
//! left out of a mention, the article ال is kept.

pub mod features;
pub mod gazetteer;
pub mod model;
pub mod rules;
pub mod train;

use std::cell::RefCell;
use std::sync::OnceLock;

use super::{EntityMention, EntityType};
use crate::arabic::normalize::normalize_with_offsets;
use crate::arabic::tokenize::{Token, TokenKind, tokenize};
use model::{Model, Tagger};

const MODEL_BYTES: &[u8] = include_bytes!("../../../assets/models/ner.bin.gz");

/// Longest run of tokens tagged as one sentence (longer runs are cut).
const MAX_SENTENCE_TOKENS: usize = 200;

/// The embedded model (`None` if the embedded file is missing or unreadable).
pub fn builtin_model() -> Option<&'static Model> {
    static M: OnceLock<Option<Model>> = OnceLock::new();
    M.get_or_init(|| Model::from_bytes(MODEL_BYTES).ok()).as_ref()
}

thread_local! {
    static TAGGER: RefCell<Option<Tagger<'static>>> = const { RefCell::new(None) };
}

/// Runs `f` with this thread's tagger for the embedded model.
pub fn with_builtin_tagger<R>(f: impl FnOnce(Option<&mut Tagger<'static>>) -> R) -> R {
    TAGGER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none()
            && let Some(m) = builtin_model()
        {
            static LEX: OnceLock<std::sync::Arc<crate::arabic::clitics::Lexicon>> = OnceLock::new();
            let lex = LEX.get_or_init(|| std::sync::Arc::new(gazetteer::build_lexicon(&m.vocab)));
            *slot = Some(Tagger::with_lexicon(m, lex.clone()));
        }
        f(slot.as_mut())
    })
}

/// Tags one pre-tokenised sentence with the embedded model: ANERcorp tag names per token
/// (all "O" if no model is embedded).
pub fn tag_tokens(tokens: &[&str]) -> Vec<&'static str> {
    tag_sentences(&[tokens.to_vec()]).pop().unwrap_or_default()
}

/// Tags the sentences of one document with the embedded model (with the document-level
/// consistency pass): ANERcorp tag names per token.
pub fn tag_sentences(sentences: &[Vec<&str>]) -> Vec<Vec<&'static str>> {
    let name = |i: u8| model::TAGS.get(usize::from(i)).copied().unwrap_or("O");
    with_builtin_tagger(|t| match t {
        Some(t) => t
            .tag_document(sentences)
            .into_iter()
            .map(|(tags, _)| tags.into_iter().map(name).collect())
            .collect(),
        None => sentences.iter().map(|s| vec!["O"; s.len()]).collect(),
    })
}

/// Sentence runs of token indices: a break after . ! ? ؟ … and at line breaks.
fn sentence_runs(text: &str, tokens: &[Token]) -> Vec<std::ops::Range<usize>> {
    let mut runs = Vec::new();
    let mut start = 0;
    for i in 0..tokens.len() {
        let t = tokens[i];
        let ends_sentence = t.kind == TokenKind::Punct && {
            let s = t.text(text);
            s.starts_with(['.', '!', '?', '؟', '…', '۔'])
        };
        let newline_after = tokens
            .get(i + 1)
            .is_some_and(|n| text.get(t.byte_end..n.byte_start).is_some_and(|gap| gap.contains('\n')));
        if ends_sentence || newline_after || i + 1 - start >= MAX_SENTENCE_TOKENS {
            runs.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < tokens.len() {
        runs.push(start..tokens.len());
    }
    runs
}

/// A mention over tokens `first..=last`, skipping `skip_norm` normalised chars (proclitics) of
/// the first token.
pub(crate) fn mention_over(
    text: &str,
    tokens: &[Token],
    first: usize,
    last: usize,
    skip_norm: usize,
    kind: EntityType,
) -> Option<EntityMention> {
    let a = tokens.get(first)?;
    let b = tokens.get(last)?;
    let tok_text = a.text(text);
    let (mut cstart, mut bstart) = (a.start, a.byte_start);
    if skip_norm > 0 {
        let (_, map) = normalize_with_offsets(tok_text);
        let skip_chars = map.get(skip_norm).copied().unwrap_or(0);
        let skip_bytes: usize = tok_text.chars().take(skip_chars).map(char::len_utf8).sum();
        if skip_chars < a.end - a.start {
            cstart += skip_chars;
            bstart += skip_bytes;
        }
    }
    let s = text.get(bstart..b.byte_end)?;
    (cstart < b.end).then(|| EntityMention { start: cstart, end: b.end, text: s.into(), kind })
}

/// Loads the embedded model, word lists and this thread's tagger (about 0.3 s of CPU, ~90 MB),
/// so that a later [`extract_entities`] does not pay for it; call it from a background thread.
pub fn warm_up() {
    let _ = extract_entities("قال");
}

/// Finds the entity mentions in `text` (code-point offsets, proclitics excluded).
pub fn extract_entities(text: &str) -> Vec<EntityMention> {
    let tokens = tokenize(text);
    if tokens.is_empty() {
        return Vec::new();
    }
    let mut tags = vec![0u8; tokens.len()];
    let mut skips = vec![0usize; tokens.len()];
    with_builtin_tagger(|tagger| {
        let Some(tagger) = tagger else { return };
        let runs = sentence_runs(text, &tokens);
        let sentences: Vec<Vec<&str>> = runs
            .iter()
            .map(|r| tokens.get(r.clone()).unwrap_or(&[]).iter().map(|t| t.text(text)).collect())
            .collect();
        for (run, (t, s)) in runs.into_iter().zip(tagger.tag_document(&sentences)) {
            for (k, i) in run.enumerate() {
                if let (Some(dst), Some(src)) = (tags.get_mut(i), t.get(k)) {
                    *dst = *src;
                }
                if let (Some(dst), Some(src)) = (skips.get_mut(i), s.get(k)) {
                    *dst = *src;
                }
            }
        }
    });
    let mut mentions = Vec::new();
    for (s, e, ty) in train::chunks(&tags) {
        let kind = match ty {
            0 => EntityType::Person,
            1 => EntityType::Location,
            2 => EntityType::Organization,
            _ => EntityType::Misc,
        };
        let skip = skips.get(s).copied().unwrap_or(0);
        if let Some(m) = mention_over(text, &tokens, s, e - 1, skip, kind) {
            mentions.push(m);
        }
    }
    rules::apply(text, &tokens, &skips, &mut mentions);
    mentions.sort_by_key(|m| (m.start, m.end));
    mentions
}

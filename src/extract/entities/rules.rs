//! Rules for what the statistical tagger misses, applied to its mentions: news-agency credits
//! in parentheses ("(أ ف ب)", "(د ب أ)", "(رويترز)") are ORG; a Latin-script name in
//! parentheses right after a mention is a mention of the same type; "وكالة …"/"منظمة …"
//! followed by definite words is one ORG span that includes the head word.

use super::gazetteer::{F_AGENCY, Gazetteer};
use super::mention_over;
use crate::arabic::normalize;
use crate::arabic::tokenize::{Token, TokenKind};
use crate::extract::{EntityMention, EntityType};

/// Longest run of tokens inside parentheses that a rule looks at.
const MAX_PAREN: usize = 6;

fn is_text(tokens: &[Token], text: &str, i: usize, s: &str) -> bool {
    tokens.get(i).is_some_and(|t| t.text(text) == s)
}

/// Index of the token containing char offset `c` (tokens are sorted).
fn token_at(tokens: &[Token], c: usize) -> Option<usize> {
    let i = tokens.partition_point(|t| t.end <= c);
    tokens.get(i).filter(|t| t.start <= c).map(|_| i)
}

fn overlaps(m: &EntityMention, start: usize, end: usize) -> bool {
    m.start < end && start < m.end
}

/// Replaces mentions overlapping `new` by `new`.
fn put(mentions: &mut Vec<EntityMention>, new: EntityMention) {
    mentions.retain(|m| !overlaps(m, new.start, new.end));
    mentions.push(new);
}

/// Applies all rules. `skips[i]` = normalised proclitic chars of token `i`.
pub fn apply(text: &str, tokens: &[Token], skips: &[usize], mentions: &mut Vec<EntityMention>) {
    agency_credits(text, tokens, mentions);
    latin_in_parentheses(text, tokens, mentions);
    head_word_spans(text, tokens, skips, mentions);
}

fn agency_credits(text: &str, tokens: &[Token], mentions: &mut Vec<EntityMention>) {
    let gaz = Gazetteer::builtin();
    for i in 0..tokens.len() {
        if !is_text(tokens, text, i, "(") {
            continue;
        }
        let Some(close) =
            (i + 1..(i + 2 + MAX_PAREN).min(tokens.len())).find(|&j| is_text(tokens, text, j, ")"))
        else {
            continue;
        };
        if close < i + 2 {
            continue;
        }
        let inner = &tokens[i + 1..close];
        if !inner.iter().all(|t| matches!(t.kind, TokenKind::ArabicWord | TokenKind::LatinWord)) {
            continue;
        }
        let words: Vec<String> = inner.iter().map(|t| normalize(t.text(text))).collect();
        let joined: Vec<&str> = words.iter().map(String::as_str).collect();
        let letters = inner.len() >= 2
            && inner.len() <= 4
            && inner.iter().all(|t| t.kind == TokenKind::ArabicWord && t.end - t.start == 1);
        let known = (joined.len() == 1 && gaz.flags(joined[0]) & F_AGENCY != 0)
            || gaz
                .phrase_matches(&joined)
                .first()
                .is_some_and(|&(s, e, f)| s == 0 && e == joined.len() && f & F_AGENCY != 0);
        if (letters || known)
            && let Some(m) = mention_over(text, tokens, i + 1, close - 1, 0, EntityType::Organization)
        {
            put(mentions, m);
        }
    }
}

fn latin_in_parentheses(text: &str, tokens: &[Token], mentions: &mut Vec<EntityMention>) {
    let mut added = Vec::new();
    for m in mentions.iter() {
        let Some(last) = token_at(tokens, m.end.saturating_sub(1)) else { continue };
        if !is_text(tokens, text, last + 1, "(") {
            continue;
        }
        let first = last + 2;
        let mut j = first;
        while j < tokens.len() && j < first + MAX_PAREN {
            let t = tokens[j];
            let ok = t.kind == TokenKind::LatinWord || (j > first && matches!(t.text(text), "." | "-" | "'"));
            if !ok {
                break;
            }
            j += 1;
        }
        let capitalised = tokens.get(first).is_some_and(|t| {
            t.kind == TokenKind::LatinWord && t.text(text).chars().next().is_some_and(char::is_uppercase)
        });
        let words = (first..j).filter(|&k| tokens[k].kind == TokenKind::LatinWord).count();
        let arabic_words = m.text.split_whitespace().count();
        let initial_fits = tokens.get(first).is_some_and(|t| initial_matches(&m.text, t.text(text)));
        if j > first
            && capitalised
            && initial_fits
            && words <= arabic_words + 1
            && is_text(tokens, text, j, ")")
            && let Some(n) = mention_over(text, tokens, first, j - 1, 0, m.kind)
        {
            added.push(n);
        }
    }
    for n in added {
        if !mentions.iter().any(|m| overlaps(m, n.start, n.end)) {
            mentions.push(n);
        }
    }
}

/// True when the Latin word's first letter can transliterate the Arabic name's first letter
/// (after the article): بوتين ~ Putin, كيم ~ Kim, الكرملين ~ Kremlin.
fn initial_matches(arabic: &str, latin: &str) -> bool {
    let norm = normalize(arabic);
    let bare = norm.strip_prefix("ال").filter(|r| r.chars().count() >= 2).unwrap_or(&norm);
    let (Some(a), Some(l)) = (bare.chars().next(), latin.chars().next()) else { return false };
    let l = l.to_ascii_uppercase();
    let options: &str = match a {
        'ا' | 'ع' | 'ء' => "AEIOUY",
        'ب' => "BPV",
        'ت' | 'ط' => "TC",
        'ث' => "TS",
        'ج' => "JGDC",
        'ح' | 'ه' => "H",
        'خ' => "KHC",
        'د' | 'ض' => "D",
        'ذ' | 'ز' | 'ظ' => "ZD",
        'ر' => "R",
        'س' | 'ص' => "SCTZ",
        'ش' => "SC",
        'غ' => "GR",
        'ف' => "FPV",
        'ق' | 'ك' => "KQCG",
        'ل' => "L",
        'م' => "M",
        'ن' => "N",
        'و' => "WVOU",
        'ي' => "YIJE",
        _ => return false,
    };
    options.contains(l)
}

/// Head words whose following definite words form an organisation name.
const ORG_HEADS: [&str; 2] = ["وكاله", "منظمه"];

fn head_word_spans(text: &str, tokens: &[Token], skips: &[usize], mentions: &mut Vec<EntityMention>) {
    for i in 0..tokens.len() {
        let t = tokens[i];
        if t.kind != TokenKind::ArabicWord {
            continue;
        }
        let norm = normalize(t.text(text));
        let skip = skips.get(i).copied().unwrap_or(0);
        let name: String = norm.chars().skip(skip).collect();
        if !ORG_HEADS.contains(&name.as_str()) {
            continue;
        }
        if mentions.iter().any(|m| overlaps(m, t.start, t.end)) {
            continue;
        }
        // extend an ORG mention that starts right after the head word
        if let Some(next) = tokens.get(i + 1)
            && let Some(pos) = mentions.iter().position(|m| m.start == next.start)
        {
            let end_tok = token_at(tokens, mentions[pos].end.saturating_sub(1)).unwrap_or(i + 1);
            if let Some(n) = mention_over(text, tokens, i, end_tok, skip, EntityType::Organization) {
                put(mentions, n);
            }
            continue;
        }
        let mut j = i + 1;
        while j < tokens.len() && j <= i + 3 {
            let u = tokens[j];
            if u.kind != TokenKind::ArabicWord || !normalize(u.text(text)).starts_with("ال") {
                break;
            }
            j += 1;
        }
        if j > i + 1
            && let Some(n) = mention_over(text, tokens, i, j - 1, skip, EntityType::Organization)
        {
            put(mentions, n);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arabic::tokenize::tokenize;

    fn run(text: &str, mut mentions: Vec<EntityMention>) -> Vec<(String, EntityType)> {
        let tokens = tokenize(text);
        let skips = vec![0; tokens.len()];
        apply(text, &tokens, &skips, &mut mentions);
        mentions.sort_by_key(|m| m.start);
        mentions.into_iter().map(|m| (m.text.to_string(), m.kind)).collect()
    }

    fn mention(text: &str, part: &str, kind: EntityType) -> EntityMention {
        let b = text.find(part).unwrap_or(0);
        let start = text[..b].chars().count();
        EntityMention { start, end: start + part.chars().count(), text: part.into(), kind }
    }

    #[test]
    fn single_letter_agency_credit_is_org() {
        let v = run("بيروت (أ ف ب) - قال", vec![]);
        assert_eq!(v, vec![("أ ف ب".to_string(), EntityType::Organization)]);
        let v = run("برلين (د ب أ) قال", vec![]);
        assert_eq!(v, vec![("د ب أ".to_string(), EntityType::Organization)]);
    }

    #[test]
    fn named_agency_in_parentheses_is_org() {
        let v = run("لندن (رويترز) - أعلن", vec![]);
        assert_eq!(v, vec![("رويترز".to_string(), EntityType::Organization)]);
    }

    #[test]
    fn ordinary_words_in_parentheses_are_not_agencies() {
        assert!(run("قال (في بيان) إن", vec![]).is_empty());
    }

    #[test]
    fn latin_name_in_parentheses_copies_the_type() {
        let t = "قال جون سميث (John Smith) إن";
        let v = run(t, vec![mention(t, "جون سميث", EntityType::Person)]);
        assert_eq!(v[1], ("John Smith".to_string(), EntityType::Person));
        // a Latin name whose initial cannot transliterate the Arabic one is not taken
        let t3 = "قال فلان (Kim Smith) إن";
        assert_eq!(run(t3, vec![mention(t3, "فلان", EntityType::Person)]).len(), 1);
        // lower-case Latin is not taken
        let t2 = "قال فلان (said) إن";
        assert_eq!(run(t2, vec![mention(t2, "فلان", EntityType::Person)]).len(), 1);
    }

    #[test]
    fn agency_head_word_spans_following_definite_words() {
        let v = run("ذكرت وكالة الأنباء الفرنسية أن", vec![]);
        assert_eq!(v, vec![("وكالة الأنباء الفرنسية".to_string(), EntityType::Organization)]);
    }

    #[test]
    fn head_word_extends_a_following_org_mention() {
        let t = "قالت منظمة العفو الدولية إن";
        let v = run(t, vec![mention(t, "العفو الدولية", EntityType::Organization)]);
        assert_eq!(v, vec![("منظمة العفو الدولية".to_string(), EntityType::Organization)]);
    }
}

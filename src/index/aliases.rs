//! Alias clustering: turns the distinct mention forms of a corpus (type + surface text +
//! count) into entities. Rules, in order:
//!
//! 1. **Matching key.** Each form is Arabic-normalised (hamza/alef/ya/ta marbuta, tashkeel,
//!    tatweel, digits), split into letter/digit tokens, and transliteration variants of Latin
//!    "g" are folded (غ → ج everywhere, ك → ج when not word-initial: جونغ/جونج/جونك,
//!    سيرغي/سيرجي). For LOC, ORG and MISC a leading ال is dropped from each token
//!    (الكرملين/كرملين). Forms whose keys are equal once spaces are removed
//!    (عبد الله/عبدالله) form one group.
//! 2. **Partial names (PER only).** A shorter person name (a surname, a first name, or a
//!    contiguous part / first + last tokens of a longer name) merges into the longer person
//!    entity containing it when that is unambiguous in the corpus: the only such entity, or
//!    one that dominates the others (score ≥ 2 × the sum of the others' scores; score =
//!    mentions, doubled when the token is the surname, i.e. ends the name). A first name alone
//!    also must not be far more frequent than the full name.
//! 3. **User edits** ([`AliasEdits`]) are applied on top (merge, split, rename, change type).
//! 4. **Canonical form** = the most complete frequent form: the group with the most tokens
//!    among those used at least a quarter as often as the most frequent multi-token group,
//!    then its most frequent spelling.
//! 5. **Ids** = type prefix + ":" + 10 hex digits of a stable FNV-1a hash of the canonical
//!    group's key; on a collision the hash is lengthened, then suffixed.
//!
//! The result does not depend on the order of the input forms.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::arabic::normalize;
use crate::extract::EntityType;

/// One distinct mention form of the corpus and how often it occurs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormCount {
    pub kind: EntityType,
    pub text: String,
    pub count: usize,
}

/// One entity produced by clustering.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cluster {
    /// Stable id such as "per:3f2a9c01be".
    pub id: String,
    pub kind: EntityType,
    pub canonical: String,
    /// Indices into the input forms, sorted.
    pub forms: Vec<usize>,
}

/// Result of [`cluster_forms`]: clusters (sorted by id) and the cluster of every input form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Clustering {
    pub clusters: Vec<Cluster>,
    /// `form_cluster[i]` is the index into `clusters` of input form `i`.
    pub form_cluster: Vec<usize>,
}

/// Schema tag of the alias edits file.
pub const ALIASES_SCHEMA: &str = "khabar.aliases/1";

/// User corrections to the automatic clustering, applied in order. Entities are referred to
/// by one of their aliases (any spelling that normalises to the same key) and their type, so
/// edits survive re-clustering of a grown corpus.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AliasEdits {
    #[serde(default = "aliases_schema")]
    pub schema: String,
    #[serde(default)]
    pub edits: Vec<AliasEdit>,
}

fn aliases_schema() -> String {
    ALIASES_SCHEMA.to_string()
}

/// A reference to an entity through one of its aliases.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityRef {
    #[serde(rename = "type")]
    pub kind: EntityType,
    pub alias: String,
}

/// One user edit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum AliasEdit {
    /// Merge the entity of `from` into the entity of `into`.
    Merge { from: EntityRef, into: EntityRef },
    /// Take every form matching `alias` out of its entity into a new entity.
    Split { alias: EntityRef },
    /// Set the canonical form shown for the entity.
    Rename { entity: EntityRef, canonical: String },
    /// Change the entity's type.
    SetType {
        entity: EntityRef,
        #[serde(rename = "to")]
        to: EntityType,
    },
}

impl AliasEdits {
    pub fn new() -> Self {
        AliasEdits { schema: ALIASES_SCHEMA.to_string(), edits: Vec::new() }
    }

    /// Parses an aliases file (JSON). Unknown future schemas are refused.
    pub fn from_json(text: &str) -> anyhow::Result<Self> {
        let edits: AliasEdits = serde_json::from_str(text)?;
        if !edits.schema.starts_with("khabar.aliases/") {
            anyhow::bail!("not a khabar aliases file (schema {:?})", edits.schema);
        }
        if edits.schema != ALIASES_SCHEMA {
            anyhow::bail!("unsupported aliases schema {:?}", edits.schema);
        }
        Ok(edits)
    }

    /// Reads an aliases file.
    pub fn load(path: &std::path::Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read aliases file: {e}: {}", path.display()))?;
        Self::from_json(&text).map_err(|e| anyhow::anyhow!("{e}: {}", path.display()))
    }

    /// Writes the file atomically (temporary file in the same folder, then rename).
    pub fn save(&self, path: &std::path::Path) -> anyhow::Result<()> {
        let json = serde_json::to_string_pretty(self)?;
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
        std::fs::create_dir_all(dir)?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
        {
            use std::io::Write as _;
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(json.as_bytes())?;
            f.sync_all()?;
        }
        std::fs::rename(&tmp, path)?;
        Ok(())
    }
}

/// Matching tokens of a form (see the module doc, rule 1).
pub fn key_tokens(kind: EntityType, text: &str) -> Vec<String> {
    let norm = normalize(text);
    let mut out = Vec::new();
    for raw in norm.split(|c: char| !c.is_alphanumeric()) {
        if raw.is_empty() {
            continue;
        }
        let mut tok: Vec<char> = raw.chars().collect();
        if kind != EntityType::Person
            && tok.len() >= 5
            && tok.first() == Some(&'ا')
            && tok.get(1) == Some(&'ل')
        {
            tok.drain(..2);
        }
        let folded: String = tok
            .iter()
            .enumerate()
            .map(|(i, &c)| match c {
                'غ' => 'ج',
                'ك' if i > 0 => 'ج',
                c => c,
            })
            .collect();
        out.push(folded);
    }
    out
}

/// The grouping key of a form: its matching tokens without spaces.
pub fn group_key(kind: EntityType, text: &str) -> String {
    key_tokens(kind, text).concat()
}

/// Stable 64-bit FNV-1a hash.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

struct Group {
    kind: EntityType,
    key: String,
    tokens: Vec<String>,
    forms: Vec<usize>,
    count: usize,
}

/// Union-find over groups.
struct Dsu(Vec<usize>);

impl Dsu {
    fn find(&mut self, mut x: usize) -> usize {
        while let Some(&p) = self.0.get(x) {
            if p == x {
                break;
            }
            let gp = self.0.get(p).copied().unwrap_or(p);
            if let Some(slot) = self.0.get_mut(x) {
                *slot = gp;
            }
            x = p;
        }
        x
    }
    /// Makes `into`'s root the root of both.
    fn union_into(&mut self, from: usize, into: usize) {
        let (a, b) = (self.find(from), self.find(into));
        if a != b
            && let Some(slot) = self.0.get_mut(a)
        {
            *slot = b;
        }
    }
}

/// True when `short` names part of `long`: a contiguous run of its tokens, or (for two or
/// more tokens) its first and last tokens with the rest in order.
fn is_part_of(short: &[String], long: &[String]) -> bool {
    if short.is_empty() || short.len() >= long.len() {
        return false;
    }
    if long.windows(short.len()).any(|w| w == short) {
        return true;
    }
    if short.len() >= 2 && short.first() == long.first() && short.last() == long.last() {
        let mut it = long.iter();
        return short.iter().all(|t| it.any(|l| l == t));
    }
    false
}

/// Clusters forms into entities (see the module doc).
pub fn cluster_forms(forms: &[FormCount], edits: &AliasEdits) -> Clustering {
    // 1. groups by (kind, key), in key order so the result ignores input order.
    let mut by_key: BTreeMap<(EntityType, String), Vec<usize>> = BTreeMap::new();
    for (i, f) in forms.iter().enumerate() {
        let key = group_key(f.kind, &f.text);
        by_key.entry((f.kind, key)).or_default().push(i);
    }
    let mut groups: Vec<Group> = Vec::with_capacity(by_key.len());
    for ((kind, key), ixs) in by_key {
        let count = ixs.iter().filter_map(|&i| forms.get(i)).map(|f| f.count).sum();
        // tokens of the most frequent spelling (ties: most tokens, then text order)
        let best = ixs.iter().filter_map(|&i| forms.get(i)).max_by(|a, b| {
            a.count
                .cmp(&b.count)
                .then_with(|| key_tokens(kind, &a.text).len().cmp(&key_tokens(kind, &b.text).len()))
                .then_with(|| b.text.cmp(&a.text))
        });
        let tokens = best.map(|f| key_tokens(kind, &f.text)).unwrap_or_default();
        groups.push(Group { kind, key, tokens, forms: ixs, count });
    }
    let mut dsu = Dsu((0..groups.len()).collect());

    // 2. partial person names, longest first so chains resolve to the full name.
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by(|&a, &b| {
        let (ga, gb) = (&groups[a], &groups[b]);
        gb.tokens.len().cmp(&ga.tokens.len()).then_with(|| ga.key.cmp(&gb.key))
    });
    // token → person groups with ≥ 2 tokens containing it
    let mut containing: HashMap<&str, Vec<usize>> = HashMap::new();
    for (gi, g) in groups.iter().enumerate() {
        if g.kind == EntityType::Person && g.tokens.len() >= 2 {
            let mut seen: Vec<&str> = Vec::new();
            for t in &g.tokens {
                if !seen.contains(&t.as_str()) {
                    seen.push(t);
                    containing.entry(t).or_default().push(gi);
                }
            }
        }
    }
    let mut cluster_count: Vec<usize> = groups.iter().map(|g| g.count).collect();
    for &gi in &order {
        let g = &groups[gi];
        if g.kind != EntityType::Person || g.tokens.is_empty() {
            continue;
        }
        let Some(first) = g.tokens.first() else { continue };
        let Some(cands) = containing.get(first.as_str()) else { continue };
        let longer: Vec<usize> = cands
            .iter()
            .copied()
            .filter(|&c| c != gi && groups[c].tokens.len() > g.tokens.len())
            .filter(|&c| is_part_of(&g.tokens, &groups[c].tokens))
            .collect();
        // candidate entities (roots) with a score: their mention count, doubled when one of
        // their names ends with this single token (the surname position)
        let mut scored: Vec<(usize, usize, bool)> = Vec::new(); // (root, score, ends)
        for &c in &longer {
            let r = dsu.find(c);
            let ends = g.tokens.len() == 1 && groups[c].tokens.last() == g.tokens.last();
            match scored.iter_mut().find(|s| s.0 == r) {
                Some(s) => s.2 |= ends,
                None => scored.push((r, 0, ends)),
            }
        }
        for s in &mut scored {
            let count = cluster_count.get(s.0).copied().unwrap_or(0);
            s.1 = if s.2 { 2 * count } else { count };
        }
        scored.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let others: usize = scored.iter().skip(1).map(|s| s.1).sum();
        // unambiguous: the only candidate, or one that dominates the others
        let target = match scored.first() {
            Some(&(r, score, ends)) if score >= 2 * others => {
                // a first name alone: only when not far more frequent than the full name
                let count = cluster_count.get(r).copied().unwrap_or(0);
                if g.tokens.len() == 1 && !ends && g.count > 3 * count { None } else { Some(r) }
            }
            _ => None,
        };
        if let Some(t) = target {
            let own = dsu.find(gi);
            if own != t {
                let add = cluster_count.get(own).copied().unwrap_or(0);
                dsu.union_into(own, t);
                if let Some(c) = cluster_count.get_mut(t) {
                    *c += add;
                }
            }
        }
    }

    // 3. user edits, on clusters of groups (splits create new groups).
    let mut kinds: Vec<EntityType> = groups.iter().map(|g| g.kind).collect();
    let mut renamed: HashMap<usize, String> = HashMap::new();
    let find_group = |groups: &[Group], r: &EntityRef| -> Option<usize> {
        let key = group_key(r.kind, &r.alias);
        groups.iter().position(|g| g.kind == r.kind && g.key == key).or_else(|| {
            // the type may differ in the stored key (ال rule): try the person form too
            let k2 = group_key(EntityType::Person, &r.alias);
            groups.iter().position(|g| g.kind == r.kind && group_key(EntityType::Person, &g.key) == k2)
        })
    };
    for edit in &edits.edits {
        match edit {
            AliasEdit::Merge { from, into } => {
                if let (Some(a), Some(b)) = (find_group(&groups, from), find_group(&groups, into)) {
                    let (ra, rb) = (dsu.find(a), dsu.find(b));
                    if ra != rb {
                        dsu.union_into(ra, rb);
                        if let Some(name) = renamed.remove(&ra) {
                            renamed.entry(rb).or_insert(name);
                        }
                    }
                }
            }
            AliasEdit::Split { alias } => {
                if let Some(g) = find_group(&groups, alias) {
                    let root = dsu.find(g);
                    // every group of the old cluster stays, except g which gets its own root
                    let members: Vec<usize> = (0..groups.len()).filter(|&x| dsu.find(x) == root).collect();
                    let new_root = members.iter().copied().find(|&m| m != g);
                    for &m in &members {
                        if let Some(slot) = dsu.0.get_mut(m) {
                            *slot = if m == g { g } else { new_root.unwrap_or(m) };
                        }
                    }
                    if let (Some(nr), Some(k)) = (new_root, kinds.get(root).copied()) {
                        if let Some(slot) = kinds.get_mut(nr) {
                            *slot = k;
                        }
                        if let Some(name) = renamed.remove(&root) {
                            renamed.insert(nr, name);
                        }
                    }
                }
            }
            AliasEdit::Rename { entity, canonical } => {
                if let Some(g) = find_group(&groups, entity) {
                    let r = dsu.find(g);
                    renamed.insert(r, canonical.clone());
                }
            }
            AliasEdit::SetType { entity, to } => {
                if let Some(g) = find_group(&groups, entity) {
                    let r = dsu.find(g);
                    if let Some(slot) = kinds.get_mut(r) {
                        *slot = *to;
                    }
                }
            }
        }
    }

    // 4. collect clusters, canonical forms
    let mut members: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for gi in 0..groups.len() {
        let r = dsu.find(gi);
        members.entry(r).or_default().push(gi);
    }
    let mut clusters: Vec<(String, Cluster)> = Vec::with_capacity(members.len());
    for (root, gs) in members {
        let kind = kinds.get(root).copied().unwrap_or(EntityType::Misc);
        let top_multi = gs.iter().map(|&g| &groups[g]).filter(|g| g.tokens.len() >= 2).map(|g| g.count).max();
        let top = top_multi.unwrap_or_else(|| gs.iter().map(|&g| groups[g].count).max().unwrap_or(0));
        let best_group = gs
            .iter()
            .map(|&g| &groups[g])
            .filter(|g| g.count * 4 >= top)
            .max_by(|a, b| {
                a.tokens
                    .len()
                    .cmp(&b.tokens.len())
                    .then(a.count.cmp(&b.count))
                    .then_with(|| b.key.cmp(&a.key))
            })
            .or_else(|| gs.first().map(|&g| &groups[g]));
        let Some(best_group) = best_group else { continue };
        let spelled = best_group.forms.iter().filter_map(|&i| forms.get(i)).max_by(|a, b| {
            a.count
                .cmp(&b.count)
                // prefer the fuller spelling (hamza, ta marbuta) over a folded one
                .then_with(|| (normalize(&a.text) != a.text).cmp(&(normalize(&b.text) != b.text)))
                .then_with(|| b.text.cmp(&a.text))
        });
        let canonical = match renamed.get(&root) {
            Some(name) => name.clone(),
            None => spelled.map(|f| tidy(&f.text)).unwrap_or_default(),
        };
        let mut fs: Vec<usize> = gs.iter().flat_map(|&g| groups[g].forms.iter().copied()).collect();
        fs.sort_unstable();
        let id_key = match renamed.get(&root) {
            Some(name) => group_key(kind, name),
            None => best_group.key.clone(),
        };
        clusters.push((id_key, Cluster { id: String::new(), kind, canonical, forms: fs }));
    }

    // 5. ids: stable hash, lengthened or suffixed on collision
    clusters
        .sort_by(|a, b| a.1.kind.cmp(&b.1.kind).then_with(|| a.0.cmp(&b.0)).then(a.1.forms.cmp(&b.1.forms)));
    let mut used: HashMap<String, usize> = HashMap::new();
    for (key, c) in &mut clusters {
        let h = fnv1a(format!("{}\u{1f}{}", c.kind.id_prefix(), key).as_bytes());
        let short = format!("{}:{:010x}", c.kind.id_prefix(), h >> 24);
        let long = format!("{}:{:016x}", c.kind.id_prefix(), h);
        let mut id = if used.contains_key(&short) { long } else { short };
        if used.contains_key(&id) {
            let mut n = 2;
            while used.contains_key(&format!("{id}-{n}")) {
                n += 1;
            }
            id = format!("{id}-{n}");
        }
        used.insert(id.clone(), 1);
        c.id = id;
    }
    let mut clusters: Vec<Cluster> = clusters.into_iter().map(|(_, c)| c).collect();
    clusters.sort_by(|a, b| a.id.cmp(&b.id));
    let mut form_cluster = vec![0; forms.len()];
    for (ci, c) in clusters.iter().enumerate() {
        for &f in &c.forms {
            if let Some(slot) = form_cluster.get_mut(f) {
                *slot = ci;
            }
        }
    }
    Clustering { clusters, form_cluster }
}

/// Display form of a mention: inner whitespace collapsed to single spaces.
fn tidy(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use EntityType::*;

    fn f(kind: EntityType, text: &str, count: usize) -> FormCount {
        FormCount { kind, text: text.to_string(), count }
    }

    fn same(c: &Clustering, a: usize, b: usize) -> bool {
        c.form_cluster[a] == c.form_cluster[b]
    }

    fn canonical_of(c: &Clustering, form: usize) -> &str {
        &c.clusters[c.form_cluster[form]].canonical
    }

    #[test]
    fn surname_merges_with_the_only_full_name_ending_with_it() {
        let forms = vec![f(Person, "جون سميث", 3), f(Person, "سميث", 10), f(Person, "ماري جونز", 2)];
        let c = cluster_forms(&forms, &AliasEdits::new());
        assert!(same(&c, 0, 1));
        assert!(!same(&c, 0, 2));
        assert_eq!(canonical_of(&c, 1), "جون سميث");
        assert_eq!(c.clusters.len(), 2);
    }

    #[test]
    fn ambiguous_surname_stays_alone() {
        let forms = vec![f(Person, "أحمد حسن", 3), f(Person, "علي حسن", 3), f(Person, "حسن", 5)];
        let c = cluster_forms(&forms, &AliasEdits::new());
        assert!(!same(&c, 2, 0));
        assert!(!same(&c, 2, 1));
        assert!(!same(&c, 0, 1));
        assert_eq!(c.clusters.len(), 3);
    }

    #[test]
    fn surname_does_not_merge_across_types() {
        let forms = vec![f(Person, "جون سميث", 3), f(Location, "سميث", 4)];
        let c = cluster_forms(&forms, &AliasEdits::new());
        assert!(!same(&c, 0, 1));
    }

    #[test]
    fn ending_beats_containing_for_a_single_token() {
        // "كارتر" ends one name and is the first name of another: the surname reading wins
        let forms = vec![f(Person, "جيمي كارتر", 2), f(Person, "كارتر بيج", 2), f(Person, "كارتر", 6)];
        let c = cluster_forms(&forms, &AliasEdits::new());
        assert!(same(&c, 2, 0));
        assert!(!same(&c, 2, 1));
    }

    #[test]
    fn a_dominant_full_name_takes_the_surname_despite_a_rare_other_match() {
        // a rare tagging accident contains the surname too; the frequent full name wins
        let forms = vec![
            f(Person, "هانز مولر", 20),
            f(Person, "مولر يقول", 1),
            f(Person, "مولر", 30),
            f(Person, "أنا مولر", 3),
            f(Person, "بيتر مولر", 3),
        ];
        let c = cluster_forms(&forms, &AliasEdits::new());
        assert!(same(&c, 2, 0));
        assert!(!same(&c, 0, 1));
        // two comparable full names: ambiguous
        let forms = vec![f(Person, "هانز مولر", 5), f(Person, "بيتر مولر", 4), f(Person, "مولر", 9)];
        let c = cluster_forms(&forms, &AliasEdits::new());
        assert!(!same(&c, 2, 0) && !same(&c, 2, 1));
    }

    #[test]
    fn aliases_file_of_version_1_still_loads() {
        let text = include_str!("../../tests/fixtures/analysis/aliases-v1.json");
        let edits = AliasEdits::from_json(text).unwrap();
        assert_eq!(edits.edits.len(), 4);
        assert!(matches!(edits.edits[3], AliasEdit::SetType { to: Organization, .. }));
    }

    #[test]
    fn first_name_alone_far_more_frequent_does_not_merge() {
        let forms = vec![f(Person, "سامي يوسف", 1), f(Person, "سامي", 40)];
        let c = cluster_forms(&forms, &AliasEdits::new());
        assert!(!same(&c, 0, 1));
    }

    #[test]
    fn transliteration_variants_of_g_merge() {
        let forms = vec![
            f(Person, "سيرغي لافروف", 3),
            f(Person, "سيرجي لافروف", 1),
            f(Location, "بيونغ يانغ", 2),
            f(Location, "بيونج يانج", 1),
            f(Location, "بيونك يانك", 1),
        ];
        let c = cluster_forms(&forms, &AliasEdits::new());
        assert!(same(&c, 0, 1));
        assert!(same(&c, 2, 3));
        assert!(same(&c, 2, 4));
        assert_eq!(canonical_of(&c, 1), "سيرغي لافروف");
    }

    #[test]
    fn word_initial_kaf_is_not_a_g_variant() {
        // كمال and جمال are different names
        let forms = vec![f(Person, "كمال", 1), f(Person, "جمال", 1)];
        let c = cluster_forms(&forms, &AliasEdits::new());
        assert!(!same(&c, 0, 1));
    }

    #[test]
    fn hamza_alef_ya_and_ta_marbuta_variants_merge() {
        let forms = vec![
            f(Person, "أسامة إبراهيم", 2),
            f(Person, "اسامه ابراهيم", 1),
            f(Location, "مستشفى الشفاء", 1),
            f(Location, "مستشفي الشفاء", 1),
        ];
        let c = cluster_forms(&forms, &AliasEdits::new());
        assert!(same(&c, 0, 1));
        assert!(same(&c, 2, 3));
        assert_eq!(canonical_of(&c, 1), "أسامة إبراهيم");
    }

    #[test]
    fn article_prefix_variants_merge_for_places_and_organisations_only() {
        let forms = vec![
            f(Location, "الخرطوم", 3),
            f(Location, "خرطوم", 1),
            f(Organization, "البرلمان الأوروبي", 2),
            f(Organization, "برلمان أوروبي", 1),
            f(Person, "الحسن", 1),
            f(Person, "حسن", 1),
        ];
        let c = cluster_forms(&forms, &AliasEdits::new());
        assert!(same(&c, 0, 1));
        assert!(same(&c, 2, 3));
        assert!(!same(&c, 4, 5));
        assert_eq!(canonical_of(&c, 1), "الخرطوم");
    }

    #[test]
    fn spacing_variants_merge() {
        let forms = vec![f(Person, "عبد الرحيم", 2), f(Person, "عبدالرحيم", 1)];
        let c = cluster_forms(&forms, &AliasEdits::new());
        assert!(same(&c, 0, 1));
    }

    #[test]
    fn canonical_is_the_most_complete_frequent_form() {
        let forms = vec![
            f(Person, "ماركو", 1),
            f(Person, "ماركو روسي", 10),
            f(Person, "روسي", 30),
            f(Person, "ماركو أنطونيو روسي", 1),
        ];
        let c = cluster_forms(&forms, &AliasEdits::new());
        assert!(same(&c, 0, 1) && same(&c, 1, 2) && same(&c, 2, 3));
        // the three-token form is too rare to be canonical; the two-token one is
        assert_eq!(canonical_of(&c, 2), "ماركو روسي");
    }

    #[test]
    fn ids_are_deterministic_typed_and_independent_of_input_order() {
        let a = vec![f(Person, "جون سميث", 3), f(Person, "سميث", 10), f(Location, "باريس", 2)];
        let mut b = a.clone();
        b.reverse();
        let ca = cluster_forms(&a, &AliasEdits::new());
        let cb = cluster_forms(&b, &AliasEdits::new());
        let ids_a: Vec<&str> = ca.clusters.iter().map(|c| c.id.as_str()).collect();
        let ids_b: Vec<&str> = cb.clusters.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids_a, ids_b);
        assert!(ca.clusters[ca.form_cluster[0]].id.starts_with("per:"));
        assert!(ca.clusters[ca.form_cluster[2]].id.starts_with("loc:"));
        assert_eq!(ca.clusters[ca.form_cluster[0]].id, cb.clusters[cb.form_cluster[2]].id);
    }

    #[test]
    fn ids_are_unique_for_many_entities() {
        let forms: Vec<FormCount> = (0..3000).map(|i| f(Organization, &format!("شركة {i}"), 1)).collect();
        let c = cluster_forms(&forms, &AliasEdits::new());
        let mut ids: Vec<&str> = c.clusters.iter().map(|c| c.id.as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 3000);
    }

    #[test]
    fn user_edits_merge_split_rename_and_retype() {
        let forms = vec![
            f(Person, "جون سميث", 3),
            f(Person, "سميث", 10),
            f(Person, "ماري جونز", 2),
            f(Location, "جونز", 1),
        ];
        let r = |kind, alias: &str| EntityRef { kind, alias: alias.to_string() };
        let edits = AliasEdits {
            schema: ALIASES_SCHEMA.into(),
            edits: vec![
                AliasEdit::Split { alias: r(Person, "سميث") },
                AliasEdit::Merge { from: r(Location, "جونز"), into: r(Person, "ماري جونز") },
                AliasEdit::Rename {
                    entity: r(Person, "ماري  جونز"), canonical: "م. جونز".into()
                },
                AliasEdit::SetType { entity: r(Person, "جون سميث"), to: Misc },
            ],
        };
        let c = cluster_forms(&forms, &edits);
        assert!(!same(&c, 0, 1));
        assert!(same(&c, 2, 3));
        assert_eq!(canonical_of(&c, 3), "م. جونز");
        assert_eq!(c.clusters[c.form_cluster[0]].kind, Misc);
        assert!(c.clusters[c.form_cluster[0]].id.starts_with("misc:"));
        assert_eq!(c.clusters[c.form_cluster[1]].kind, Person);
    }

    #[test]
    fn aliases_file_round_trips_and_refuses_other_schemas() {
        let edits = AliasEdits {
            schema: ALIASES_SCHEMA.into(),
            edits: vec![AliasEdit::SetType {
                entity: EntityRef { kind: Person, alias: "باريس".into() },
                to: Location,
            }],
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("aliases.json");
        edits.save(&path).unwrap();
        assert_eq!(AliasEdits::load(&path).unwrap(), edits);
        assert!(AliasEdits::from_json(r#"{"schema":"khabar.aliases/9","edits":[]}"#).is_err());
        assert!(AliasEdits::from_json(r#"{"schema":"other","edits":[]}"#).is_err());
    }
}

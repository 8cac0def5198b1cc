//! [`Surface`]: the shared, immutable text of a mention, time expression or TIMEX3 value.
//!
//! A corpus holds millions of mentions but only tens of thousands of distinct surfaces, so
//! every `Surface` is interned: equal texts share one allocation and a mention keeps a single
//! pointer (8 bytes) instead of a `String` (24 bytes plus its own heap block). The interner is
//! process-wide and sharded (one lock per shard, so parallel analysis does not queue on one
//! lock); a shard drops the texts nobody else holds any more whenever it has doubled since its
//! last sweep, so closing a corpus gives its surfaces back.
//!
//! A `Surface` derefs to `str`, compares, hashes and orders as its text and serialises as a
//! plain JSON string.

use std::borrow::Borrow;
use std::collections::HashSet;
use std::fmt;
use std::hash::{BuildHasher, Hash, Hasher};
use std::ops::Deref;
use std::sync::{Arc, Mutex, OnceLock};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An interned, immutable string (see the module documentation).
#[derive(Clone)]
pub struct Surface(Arc<Box<str>>);

const SHARDS: usize = 64;
/// A shard is swept when it holds more than this and twice as many texts as after its last sweep.
const MIN_SWEEP: usize = 4096;

struct Shard {
    set: HashSet<Surface>,
    sweep_at: usize,
}

struct Interner {
    hasher: std::hash::RandomState,
    shards: Vec<Mutex<Shard>>,
}

fn interner() -> &'static Interner {
    static I: OnceLock<Interner> = OnceLock::new();
    I.get_or_init(|| Interner {
        hasher: std::hash::RandomState::new(),
        shards: (0..SHARDS).map(|_| Mutex::new(Shard { set: HashSet::new(), sweep_at: MIN_SWEEP })).collect(),
    })
}

impl Surface {
    /// The shared copy of `text` (allocated the first time a text is seen).
    pub fn new(text: &str) -> Surface {
        let i = interner();
        let shard_ix = (i.hasher.hash_one(text) as usize) % SHARDS;
        let Some(shard) = i.shards.get(shard_ix) else { return Surface(Arc::new(text.into())) };
        // a poisoned shard only means another thread panicked while inserting: the set is intact
        let mut shard = shard.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(s) = shard.set.get(text) {
            return s.clone();
        }
        if shard.set.len() >= shard.sweep_at {
            // texts only the interner still holds belong to nothing any more
            shard.set.retain(|s| Arc::strong_count(&s.0) > 1);
            shard.sweep_at = (shard.set.len() * 2).max(MIN_SWEEP);
        }
        let s = Surface(Arc::new(text.into()));
        shard.set.insert(s.clone());
        s
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Number of distinct texts the interner holds (live or not yet swept).
    pub fn interned_count() -> usize {
        interner().shards.iter().map(|s| s.lock().map_or(0, |s| s.set.len())).sum()
    }
}

impl Deref for Surface {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Surface {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Surface {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl Default for Surface {
    fn default() -> Self {
        Surface::new("")
    }
}

impl From<&str> for Surface {
    fn from(s: &str) -> Self {
        Surface::new(s)
    }
}

impl From<String> for Surface {
    fn from(s: String) -> Self {
        Surface::new(&s)
    }
}

impl From<&String> for Surface {
    fn from(s: &String) -> Self {
        Surface::new(s)
    }
}

impl From<Surface> for String {
    fn from(s: Surface) -> Self {
        s.as_str().to_string()
    }
}

impl PartialEq for Surface {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.as_str() == other.as_str()
    }
}

impl Eq for Surface {}

impl PartialEq<str> for Surface {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Surface {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Surface {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Surface> for String {
    fn eq(&self, other: &Surface) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Surface> for &str {
    fn eq(&self, other: &Surface) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<Surface> for str {
    fn eq(&self, other: &Surface) -> bool {
        self == other.as_str()
    }
}

impl Hash for Surface {
    // must hash as `str` does, for `Borrow<str>` lookups
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl PartialOrd for Surface {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Surface {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl fmt::Debug for Surface {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Surface {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl Serialize for Surface {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Surface {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Surface;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Surface, E> {
                Ok(Surface::new(v))
            }
        }
        deserializer.deserialize_str(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_share_one_allocation() {
        let a = Surface::new("باريس-surface-test");
        let b = Surface::from(String::from("باريس-surface-test"));
        assert!(Arc::ptr_eq(&a.0, &b.0));
        assert_eq!(a, b);
        assert_ne!(a, Surface::new("لندن-surface-test"));
        assert_eq!(std::mem::size_of::<Surface>(), std::mem::size_of::<usize>());
    }

    #[test]
    fn surfaces_compare_hash_and_order_as_their_text() {
        let (a, b) = (Surface::new("أ"), Surface::new("ب"));
        assert!(a < b);
        assert_eq!(a, "أ");
        assert_eq!("ب", b);
        assert_eq!(&*a, "أ");
        let h = |x: &dyn Fn(&mut std::collections::hash_map::DefaultHasher)| {
            let mut s = std::collections::hash_map::DefaultHasher::new();
            x(&mut s);
            s.finish()
        };
        assert_eq!(h(&|s| a.hash(s)), h(&|s| "أ".hash(s)));
        assert_eq!(format!("{a:?}"), format!("{:?}", "أ"));
    }

    #[test]
    fn surfaces_serialise_as_plain_strings() {
        let s = Surface::new("جون \"سميث\"");
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(json, serde_json::to_string("جون \"سميث\"").unwrap());
        let back: Surface = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
        assert!(serde_json::from_str::<Surface>("3").is_err());
    }

    #[test]
    fn texts_nobody_holds_are_swept_when_a_shard_doubles() {
        // fill far beyond the sweep threshold with texts dropped at once
        for i in 0..(SHARDS * MIN_SWEEP * 3) {
            drop(Surface::new(&format!("sweep-test-{i}")));
        }
        let kept = Surface::new("sweep-test-kept");
        for i in 0..(SHARDS * MIN_SWEEP * 3) {
            drop(Surface::new(&format!("sweep-test-again-{i}")));
        }
        // every shard was swept at least once, so far fewer than the 6 × SHARDS × MIN_SWEEP remain
        assert!(Surface::interned_count() < SHARDS * MIN_SWEEP * 3, "{}", Surface::interned_count());
        assert_eq!(Surface::new("sweep-test-kept"), kept);
        assert!(Arc::ptr_eq(&Surface::new("sweep-test-kept").0, &kept.0));
    }
}

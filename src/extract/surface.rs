//! [`Surface`]: the shared, immutable text of a mention, time expression or TIMEX3 value.
//!
//! A corpus holds millions of mentions but only tens of thousands of distinct surfaces, so
//! every `Surface` is interned: a mention keeps a 4-byte id instead of a `String` (24 bytes
//! plus its own heap block), and equal texts are stored once. The interner is process-wide
//! and sharded by the text's hash (one lock per shard, so parallel analysis does not queue on
//! one lock); ids index an append-only table read without locks. Interned texts live as long
//! as the process: a reopened corpus finds its surfaces again, and a new corpus adds only the
//! surfaces never seen (a few MB for a 100,000-article corpus).
//!
//! A `Surface` derefs to `str`, compares and orders as its text and serialises as a plain JSON
//! string. Equal texts always have the same id, so equality and hashing use the id.

use std::collections::HashMap;
use std::fmt;
use std::hash::BuildHasher;
use std::ops::Deref;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An interned, immutable string (see the module documentation). The default is the empty
/// text (id 0).
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Surface(u32);

const SHARDS: usize = 64;
/// Table segment `k` holds `FIRST_SEGMENT << k` texts: ids never need a reallocation.
const FIRST_SEGMENT_BITS: u32 = 10;
const SEGMENTS: usize = (32 - FIRST_SEGMENT_BITS) as usize + 1;

type Segment = Box<[OnceLock<&'static str>]>;

struct Interner {
    hasher: std::hash::RandomState,
    shards: Vec<Mutex<HashMap<&'static str, u32>>>,
    next: AtomicU32,
    table: Vec<OnceLock<Segment>>,
}

impl Interner {
    /// Segment and offset of an id.
    fn slot_of(id: u32) -> (usize, usize) {
        let i = u64::from(id) + (1u64 << FIRST_SEGMENT_BITS);
        let k = 63 - i.leading_zeros() - FIRST_SEGMENT_BITS;
        (k as usize, (i - (1u64 << (k + FIRST_SEGMENT_BITS))) as usize)
    }

    fn slot(&self, id: u32) -> Option<&OnceLock<&'static str>> {
        let (k, offset) = Self::slot_of(id);
        let segment = self.table.get(k)?.get_or_init(|| {
            (0..(1usize << (k as u32 + FIRST_SEGMENT_BITS))).map(|_| OnceLock::new()).collect()
        });
        segment.get(offset)
    }

    fn text(&self, id: u32) -> &'static str {
        let (k, offset) = Self::slot_of(id);
        self.table
            .get(k)
            .and_then(OnceLock::get)
            .and_then(|s| s.get(offset))
            .and_then(OnceLock::get)
            .unwrap_or(&"")
    }
}

fn interner() -> &'static Interner {
    static I: OnceLock<Interner> = OnceLock::new();
    I.get_or_init(|| {
        let i = Interner {
            hasher: std::hash::RandomState::new(),
            shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
            next: AtomicU32::new(0),
            table: (0..SEGMENTS).map(|_| OnceLock::new()).collect(),
        };
        // id 0 is the empty text (also what an id beyond the table would read)
        i.next.store(1, Ordering::Relaxed);
        if let Some(slot) = i.slot(0) {
            slot.set("").ok();
        }
        i
    })
}

impl Surface {
    /// The interned copy of `text` (stored the first time a text is seen).
    pub fn new(text: &str) -> Surface {
        if text.is_empty() {
            return Surface(0);
        }
        let i = interner();
        let shard_ix = (i.hasher.hash_one(text) as usize) % SHARDS;
        let Some(shard) = i.shards.get(shard_ix) else { return Surface(0) };
        // a poisoned shard only means another thread panicked while inserting: the map is intact
        let mut shard = shard.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(&id) = shard.get(text) {
            return Surface(id);
        }
        let id = i.next.fetch_add(1, Ordering::Relaxed);
        // four billion distinct texts cannot fit in memory anyway
        let Some(slot) = i.slot(id).filter(|_| id < u32::MAX) else { return Surface(0) };
        let stored: &'static str = Box::leak(text.into());
        slot.set(stored).ok();
        shard.insert(stored, id);
        Surface(id)
    }

    pub fn as_str(&self) -> &str {
        interner().text(self.0)
    }

    /// Number of distinct texts interned so far.
    pub fn interned_count() -> usize {
        interner().shards.iter().map(|s| s.lock().map_or(0, |s| s.len())).sum()
    }
}

impl Deref for Surface {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Surface {
    fn as_ref(&self) -> &str {
        self.as_str()
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
    fn equal_texts_share_one_id_and_one_copy() {
        let a = Surface::new("باريس-surface-test");
        let b = Surface::from(String::from("باريس-surface-test"));
        assert_eq!(a.0, b.0);
        assert_eq!(a, b);
        assert!(std::ptr::eq(a.as_str(), b.as_str()));
        assert_ne!(a, Surface::new("لندن-surface-test"));
        assert_eq!(std::mem::size_of::<Surface>(), 4);
        assert_eq!(Surface::new(""), Surface::default());
        assert_eq!(Surface::default().as_str(), "");
    }

    #[test]
    fn surfaces_compare_and_order_as_their_text() {
        let (b, a) = (Surface::new("ب"), Surface::new("أ"));
        assert!(a < b, "order follows the text, not the id");
        assert_eq!(a, "أ");
        assert_eq!("ب", b);
        assert_eq!(&*a, "أ");
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
    fn ids_map_to_table_slots_without_gaps_or_overlaps() {
        let mut expected = (0usize, 0usize);
        for id in 0..10_000u32 {
            let (k, offset) = Interner::slot_of(id);
            assert_eq!((k, offset), expected, "{id}");
            expected.1 += 1;
            if expected.1 == 1 << (k as u32 + FIRST_SEGMENT_BITS) {
                expected = (k + 1, 0);
            }
        }
        assert_eq!(Interner::slot_of(u32::MAX).0, SEGMENTS - 1);
    }

    #[test]
    fn texts_interned_from_many_threads_keep_their_ids() {
        let texts: Vec<String> = (0..5000).map(|i| format!("threads-test-{i}")).collect();
        let ids: Vec<Vec<Surface>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|_| s.spawn(|| texts.iter().map(|t| Surface::new(t)).collect::<Vec<_>>()))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for per_thread in &ids {
            assert_eq!(per_thread, &ids[0]);
            for (s, t) in per_thread.iter().zip(&texts) {
                assert_eq!(s.as_str(), t);
            }
        }
    }
}

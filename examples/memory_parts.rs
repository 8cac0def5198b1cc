//! Memory accounting of an analysed corpus, part by part (RSS and live heap bytes after each step, sizes of the
//! analysis results, the corpus model and the search index), with the app's allocator.
//!
//! `cargo run --release --no-default-features --example memory_parts -- /tmp/c10k`

use std::alloc::{GlobalAlloc, Layout};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use khabar::corpus::{CorpusOptions, load_all};
use khabar::extract::{EntityMention, TimeExpression, analyze_document};
use khabar::index::AnalyzedCorpus;
use khabar::index::search::SearchIndex;

/// The app's allocator, counting the bytes live on the heap.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: delegates every call to mimalloc unchanged; only counts sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { mimalloc::MiMalloc.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { mimalloc::MiMalloc.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn mb(bytes: usize) -> usize {
    bytes >> 20
}

fn rss(step: &str) {
    let kb = khabar::bench::proc_status_kb("VmRSS").unwrap_or(0);
    println!("RSS {step}: {} MB (heap live {} MB)", kb / 1024, mb(LIVE.load(Ordering::Relaxed)));
}

fn main() {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "/tmp/c10k".into()));
    let docs = load_all(vec![dir], CorpusOptions::default()).documents;
    let text: usize = docs.iter().map(|d| d.text.len()).sum();
    let meta: usize = docs
        .iter()
        .map(|d| std::mem::size_of_val(d) + d.path.capacity() + d.rel_path.capacity() + d.title.capacity())
        .sum();
    rss("load");
    if let Some(d) = docs.first() {
        analyze_document(&d.text, None);
    }
    rss("warm");
    let single: Vec<_> = docs.iter().map(|d| analyze_document(&d.text, d.published)).collect();
    rss("single-thread analysed");
    let with_results = LIVE.load(Ordering::Relaxed);
    drop(single);
    rss("dropped");
    let results = with_results.saturating_sub(LIVE.load(Ordering::Relaxed));
    println!("analysis results: {} MB on the heap", mb(results));
    let an = khabar::index::analyze_all(&docs);
    rss("analysed");

    let ent_n: usize = an.iter().map(|a| a.entities.len()).sum();
    let tim_n: usize = an.iter().map(|a| a.times.len()).sum();
    let sen_n: usize = an.iter().map(|a| a.sentences.len()).sum();
    println!("docs {} text {} MB meta {} MB", docs.len(), mb(text), mb(meta));
    println!("entities {} x {} B", ent_n, std::mem::size_of::<EntityMention>());
    println!("times {} x {} B", tim_n, std::mem::size_of::<TimeExpression>());
    println!("sentences {} x {} B", sen_n, std::mem::size_of::<std::ops::Range<usize>>());
    println!("distinct surfaces interned {}", khabar::extract::Surface::interned_count());
    let blobs: Vec<Vec<u8>> = an.iter().map(khabar::index::cache::encode_analysis).collect();
    println!(
        "cache blobs {} MB (capacity {} MB)",
        mb(blobs.iter().map(Vec::len).sum()),
        mb(blobs.iter().map(Vec::capacity).sum())
    );
    drop(blobs);

    let before_model = LIVE.load(Ordering::Relaxed);
    let c = AnalyzedCorpus::build(docs, an, &Default::default());
    rss("model");
    println!("model adds {} MB on the heap", mb(LIVE.load(Ordering::Relaxed).saturating_sub(before_model)));
    let ev: usize =
        c.events.iter().map(|e| std::mem::size_of_val(e) + std::mem::size_of_val(&*e.entities)).sum();
    let ents: usize = c
        .entities
        .iter()
        .map(|e| {
            std::mem::size_of_val(e)
                + e.id.capacity()
                + e.canonical.capacity()
                + e.aliases.iter().map(|a| a.capacity() + 24).sum::<usize>()
                + std::mem::size_of_val(e.documents.as_slice())
        })
        .sum();
    let ids: usize = c.documents.iter().map(|d| std::mem::size_of_val(d.entity_ids.as_slice())).sum();
    println!(
        "events {} {} MB; entities {} {} MB; entity_ids {} MB",
        c.events.len(),
        mb(ev),
        c.entities.len(),
        mb(ents),
        mb(ids)
    );

    let texts: Vec<&str> = c.documents.iter().map(|d| d.doc.text.as_ref()).collect();
    let idx = SearchIndex::build(&texts);
    rss("index");
    println!("search index {} MB, terms {}", mb(idx.size_bytes()), idx.term_count());
    println!("VmHWM {} MB", khabar::bench::proc_status_kb("VmHWM").unwrap_or(0) / 1024);
}

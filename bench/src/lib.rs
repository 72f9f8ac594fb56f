//! Shared helpers for the iam-core benchmarks.

pub mod alloc {
    //! A global allocator that counts live and peak heap bytes.
    //!
    //! It wraps the system allocator; the only `unsafe` in the workspace outside the bindings'
    //! generated code, and only in this benchmark crate (the core forbids `unsafe`).
    #![allow(unsafe_code)]

    use std::alloc::{GlobalAlloc, Layout, System};
    use std::sync::atomic::{AtomicUsize, Ordering};

    static LIVE: AtomicUsize = AtomicUsize::new(0);
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    static PEAK: AtomicUsize = AtomicUsize::new(0);

    /// The counting allocator; install with `#[global_allocator]`.
    pub struct Counting;

    fn grow(n: usize) {
        COUNT.fetch_add(1, Ordering::Relaxed);
        let now = LIVE.fetch_add(n, Ordering::Relaxed) + n;
        PEAK.fetch_max(now, Ordering::Relaxed);
    }

    // SAFETY: every method forwards to `System` with the caller's arguments unchanged, so the
    // `GlobalAlloc` contract is upheld by `System`; the counters are plain atomics.
    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            // SAFETY: forwarded unchanged.
            let p = unsafe { System.alloc(layout) };
            if !p.is_null() {
                grow(layout.size());
            }
            p
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            // SAFETY: forwarded unchanged.
            unsafe { System.dealloc(ptr, layout) };
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            // SAFETY: forwarded unchanged.
            let p = unsafe { System.realloc(ptr, layout, new_size) };
            if !p.is_null() {
                LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
                grow(new_size);
            }
            p
        }
    }

    /// How many allocations (and reallocations) have been made so far.
    pub fn allocations() -> usize {
        COUNT.load(Ordering::Relaxed)
    }

    /// Bytes currently allocated.
    pub fn live() -> usize {
        LIVE.load(Ordering::Relaxed)
    }

    /// The most bytes allocated at once since the last [`reset_peak`].
    pub fn peak() -> usize {
        PEAK.load(Ordering::Relaxed)
    }

    /// Starts a new peak measurement from the current live bytes.
    pub fn reset_peak() {
        PEAK.store(live(), Ordering::Relaxed);
    }
}

pub mod table {
    //! The one benchmark table: when `IAM_BENCH_TABLE` names a file, each benchmark appends its
    //! headline rows to it (tab-separated: what, iam-core, peer, ratio), and `bench/run-all.sh`
    //! prints them as one Markdown table at the end of the run.

    use std::io::Write;

    /// Appends one row, if a table file was asked for. Problems writing it are reported on
    /// standard error and otherwise ignored (the benchmark's own output is what matters).
    pub fn row(what: &str, ours: &str, peer: &str, ratio: &str) {
        let Ok(path) = std::env::var("IAM_BENCH_TABLE") else {
            return;
        };
        let line = format!("{what}\t{ours}\t{peer}\t{ratio}\n");
        let written = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut f| f.write_all(line.as_bytes()));
        if let Err(e) = written {
            eprintln!("could not append to {path}: {e}");
        }
    }
}

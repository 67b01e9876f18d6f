//! Progress of long work, shared between the thread doing it and whoever draws it. Lock-free
//! counters; drawing (a bar on a terminal) is the entry point's business.

use std::sync::{
    Arc,
    atomic::{AtomicU64, Ordering},
};

/// Work done out of a total (0 = unknown).
#[derive(Debug, Default)]
pub struct Progress {
    done: AtomicU64,
    total: AtomicU64,
}

/// A shared progress handle.
pub(crate) type SharedProgress = Arc<Progress>;

impl Progress {
    /// A new counter.
    pub fn shared() -> SharedProgress {
        Arc::new(Self::default())
    }

    /// Sets the total.
    pub fn set_total(&self, total: u64) {
        self.total.store(total, Ordering::Relaxed);
    }

    /// Adds to the work done.
    pub fn add(&self, n: u64) {
        self.done.fetch_add(n, Ordering::Relaxed);
    }

    /// (done, total).
    pub fn get(&self) -> (u64, u64) {
        (
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }
}

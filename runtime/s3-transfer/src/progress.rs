//! Progress reports: how many bytes of a transfer are done, out of how many.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// One progress report, given to the callback set with `.on_progress(..)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    /// Bytes transferred so far.
    pub bytes_done: u64,
    /// The object's size; `None` while uploading a stream whose end has not been read.
    pub total: Option<u64>,
}

/// The callback type.
pub(crate) type Callback = Arc<dyn Fn(Progress) + Send + Sync>;

/// Counts a transfer's bytes across its parts and reports each step. Uploads report a part
/// once S3 has taken it; downloads report each chunk as it is written.
pub(crate) struct Tracker {
    done: AtomicU64,
    total: Option<u64>,
    callback: Option<Callback>,
}

impl Tracker {
    pub(crate) fn new(total: Option<u64>, callback: Option<Callback>) -> Arc<Tracker> {
        Arc::new(Tracker {
            done: AtomicU64::new(0),
            total,
            callback,
        })
    }

    pub(crate) fn add(&self, bytes: u64) {
        let done = self.done.fetch_add(bytes, Ordering::SeqCst) + bytes;
        if let Some(cb) = &self.callback {
            cb(Progress {
                bytes_done: done,
                total: self.total,
            });
        }
    }

    /// The last report of a stream upload, once its size is known.
    pub(crate) fn finish_stream(&self, total: u64) {
        if let Some(cb) = &self.callback {
            cb(Progress {
                bytes_done: self.done.load(Ordering::SeqCst),
                total: Some(total),
            });
        }
    }
}

impl fmt::Debug for Tracker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tracker")
            .field("done", &self.done)
            .field("total", &self.total)
            .finish_non_exhaustive()
    }
}

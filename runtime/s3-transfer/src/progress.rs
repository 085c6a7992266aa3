//! Progress reports: how many bytes of a transfer are done, out of how many.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

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

/// Counts a transfer's bytes across its parts and reports each step: uploads of a file each
/// chunk as it is read to be sent, uploads of a stream a part once S3 has taken it, downloads
/// each chunk as it is written. Parts run on several threads: a report is made under the
/// lock that counts it, so the callback sees `bytes_done` only grow.
pub(crate) struct Tracker {
    done: Mutex<u64>,
    total: Option<u64>,
    callback: Option<Callback>,
}

impl Tracker {
    pub(crate) fn new(total: Option<u64>, callback: Option<Callback>) -> Arc<Tracker> {
        Arc::new(Tracker {
            done: Mutex::new(0),
            total,
            callback,
        })
    }

    pub(crate) fn add(&self, bytes: u64) {
        let mut done = self.done.lock().unwrap_or_else(|e| e.into_inner());
        *done += bytes;
        if let Some(cb) = &self.callback {
            cb(Progress {
                bytes_done: *done,
                total: self.total,
            });
        }
    }

    /// The last report of a stream upload, once its size is known.
    pub(crate) fn finish_stream(&self, total: u64) {
        if let Some(cb) = &self.callback {
            cb(Progress {
                bytes_done: *self.done.lock().unwrap_or_else(|e| e.into_inner()),
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

/// One part's share of a [`Tracker`], fed with how much of the part an attempt has read: the
/// most any attempt read is what counts, so a retry reading the part again is not counted
/// twice.
pub(crate) struct PartProgress {
    tracker: Arc<Tracker>,
    reported: AtomicU64,
}

impl PartProgress {
    pub(crate) fn new(tracker: Arc<Tracker>) -> Arc<PartProgress> {
        Arc::new(PartProgress {
            tracker,
            reported: AtomicU64::new(0),
        })
    }

    /// An attempt has read `read` bytes of the part.
    pub(crate) fn read(&self, read: u64) {
        let before = self.reported.fetch_max(read, Ordering::SeqCst);
        if read > before {
            self.tracker.add(read - before);
        }
    }

    /// The part of `len` bytes is done: what of it was not reported yet.
    pub(crate) fn unreported(&self, len: u64) -> u64 {
        len.saturating_sub(self.reported.fetch_max(len, Ordering::SeqCst))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_part_read_again_is_counted_once() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s = seen.clone();
        let tracker = Tracker::new(
            Some(100),
            Some(Arc::new(move |p: Progress| {
                s.lock().unwrap().push(p.bytes_done)
            })),
        );
        let part = PartProgress::new(tracker.clone());
        part.read(30);
        part.read(60);
        // A retry starts over: nothing new until it passes what the first attempt read.
        part.read(20);
        part.read(60);
        part.read(70);
        let rest = part.unreported(80);
        assert_eq!(rest, 10);
        tracker.add(rest);
        assert_eq!(part.unreported(80), 0);
        tracker.add(20);
        assert_eq!(*seen.lock().unwrap(), [30, 60, 70, 80, 100]);
    }
}

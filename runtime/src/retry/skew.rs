//! Clock-skew correction. A request signed with a clock more than a few minutes off is
//! refused (`RequestTimeTooSkewed`, `InvalidSignatureException`, `SignatureDoesNotMatch`, …).
//! When such an error's response carries a `Date` that disagrees with the client's corrected
//! clock by [`THRESHOLD`] or more, the client records the difference and retries: the next
//! attempt is signed with `SystemTime::now() + offset`. This is what the AWS SDKs for Java,
//! JavaScript and Go do; botocore 1.44.5 only uses the server `Date` for `amz-sdk-request`'s
//! `ttl` and does not correct skew.

use crate::types::DateTime;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How far apart client and server clocks must be to count as skewed (the JavaScript SDK's
/// 5 minutes; SigV4 itself allows 15).
pub const THRESHOLD: Duration = Duration::from_secs(300);

/// A client's clock offset from the service's, in milliseconds (server − local).
#[derive(Debug, Default)]
pub struct ClockSkew {
    offset_ms: AtomicI64,
}

impl ClockSkew {
    /// The current offset (server − local); zero until a skew error was seen.
    pub fn offset(&self) -> i64 {
        self.offset_ms.load(Ordering::Relaxed)
    }

    /// The time to sign with: the local clock corrected by the offset.
    pub fn now(&self) -> SystemTime {
        shift(SystemTime::now(), self.offset())
    }

    /// Records the server's `Date` (an HTTP date) seen at local time `local`; returns whether it
    /// showed a skew of at least [`THRESHOLD`] against the corrected clock (and so corrected it).
    pub fn observe(&self, date: &str, local: SystemTime) -> bool {
        let Ok(server) = DateTime::parse_http_date(date.trim()) else {
            return false;
        };
        let server_ms = server.secs() * 1000 + i64::from(server.subsec_nanos() / 1_000_000);
        let local_ms = millis(local);
        let corrected = local_ms + self.offset();
        if (server_ms - corrected).unsigned_abs() < THRESHOLD.as_millis() as u64 {
            return false;
        }
        self.offset_ms
            .store(server_ms - local_ms, Ordering::Relaxed);
        true
    }
}

fn millis(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_millis() as i64,
        Err(e) => -(e.duration().as_millis() as i64),
    }
}

fn shift(t: SystemTime, ms: i64) -> SystemTime {
    if ms >= 0 {
        t + Duration::from_millis(ms as u64)
    } else {
        t - Duration::from_millis(ms.unsigned_abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_skewed_date_sets_the_offset_once() {
        let s = ClockSkew::default();
        let local = UNIX_EPOCH + Duration::from_secs(1_421_000_000);
        // Server 1 hour ahead.
        let server = DateTime::from_secs(1_421_003_600).to_http_date();
        assert!(s.observe(&server, local));
        assert_eq!(s.offset(), 3_600_000);
        // The same date again is consistent with the corrected clock: nothing to correct.
        assert!(!s.observe(&server, local));
        // A small difference is not skew.
        let s2 = ClockSkew::default();
        assert!(!s2.observe(&DateTime::from_secs(1_421_000_060).to_http_date(), local));
        assert!(!s2.observe("not a date", local));
        assert_eq!(s2.offset(), 0);
        // Behind works too.
        assert!(s2.observe(&DateTime::from_secs(1_420_990_000).to_http_date(), local));
        assert_eq!(s2.offset(), -10_000_000);
        assert!(s2.now() < SystemTime::now());
    }
}

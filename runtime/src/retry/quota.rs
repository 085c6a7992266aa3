//! The retry quota (botocore `retries/quota.py` and `RetryQuotaChecker`): a per-client bucket
//! of 500 tokens. A retry costs 14 tokens (5 after a throttling error); a successful call gives
//! back what its last retry took, or 1 token when it needed no retry. When the bucket is empty
//! retries stop, so an outage does not multiply the load on a struggling service.

use std::sync::Mutex;

/// Tokens in a full quota (`RetryQuota.INITIAL_CAPACITY`).
pub const INITIAL_CAPACITY: u32 = 500;
/// Cost of a retry after a non-throttling error (`_RETRY_COST`).
pub const RETRY_COST: u32 = 14;
/// Cost of a retry after a throttling error (`_THROTTLING_RETRY_COST`).
pub const THROTTLING_RETRY_COST: u32 = 5;
/// Given back by a call that succeeded without retrying (`_NO_RETRY_INCREMENT`).
pub const NO_RETRY_INCREMENT: u32 = 1;

/// A thread-safe token bucket shared by every call of one client.
#[derive(Debug)]
pub struct RetryQuota {
    max: u32,
    available: Mutex<u32>,
}

impl Default for RetryQuota {
    fn default() -> Self {
        RetryQuota::new(INITIAL_CAPACITY)
    }
}

impl RetryQuota {
    pub fn new(capacity: u32) -> RetryQuota {
        RetryQuota {
            max: capacity,
            available: Mutex::new(capacity),
        }
    }

    /// Takes the cost of one retry; `None` (nothing taken) when the quota cannot cover it.
    pub fn acquire(&self, throttling: bool) -> Option<u32> {
        let cost = if throttling {
            THROTTLING_RETRY_COST
        } else {
            RETRY_COST
        };
        let mut available = self.available.lock().unwrap_or_else(|e| e.into_inner());
        if cost > *available {
            return None;
        }
        *available -= cost;
        Some(cost)
    }

    /// Gives back `amount` tokens, never above the capacity.
    pub fn release(&self, amount: u32) {
        let mut available = self.available.lock().unwrap_or_else(|e| e.into_inner());
        *available = (*available + amount).min(self.max);
    }

    /// After a successful call: what its last retry took, or [`NO_RETRY_INCREMENT`].
    pub fn release_after_success(&self, last_acquired: Option<u32>) {
        self.release(last_acquired.unwrap_or(NO_RETRY_INCREMENT));
    }

    pub fn available(&self) -> u32 {
        *self.available.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn capacity(&self) -> u32 {
        self.max
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn costs_and_refunds_match_botocore() {
        let q = RetryQuota::default();
        assert_eq!(q.acquire(false), Some(14));
        assert_eq!(q.acquire(true), Some(5));
        assert_eq!(q.available(), 481);
        q.release_after_success(Some(5));
        assert_eq!(q.available(), 486);
        q.release_after_success(None);
        assert_eq!(q.available(), 487);
        q.release(1000);
        assert_eq!(q.available(), 500, "never above capacity");
    }

    #[test]
    fn an_exhausted_quota_refuses_without_taking() {
        let q = RetryQuota::default();
        // 35 retries at 14 take 490 tokens; the 36th cannot be paid for.
        for _ in 0..35 {
            assert!(q.acquire(false).is_some());
        }
        assert_eq!(q.available(), 10);
        assert_eq!(q.acquire(false), None);
        assert_eq!(q.available(), 10, "a refused acquire takes nothing");
        // A throttling retry is cheaper and still fits.
        assert_eq!(q.acquire(true), Some(5));
        assert_eq!(q.acquire(true), Some(5));
        assert_eq!(q.acquire(true), None);
    }
}

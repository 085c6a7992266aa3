//! # Retries and timeouts
//!
//! Every call runs the attempt loop of [`crate::ServiceClient`]: the request is validated and
//! serialized **once** (so an idempotency token generated at serialization is the same in every
//! attempt), then each attempt signs it afresh (a new `x-amz-date`), sends it and parses the
//! response. A failed attempt is [classified](classify::classify) the way botocore's standard
//! mode does; a retryable failure is retried when
//!
//! * attempts remain (`max_attempts`, first attempt included: 3, or 4 for DynamoDB; legacy
//!   mode 5, or 10 for DynamoDB),
//! * the request body can be sent again (bytes in memory; a one-shot stream is never
//!   retried once sent, and the error says so),
//! * the client's [retry quota](quota) can pay for it (500 tokens; 14 per retry, 5 after a
//!   throttling error; a success refunds what its last retry took, or 1) — not in legacy mode,
//!
//! after a jittered exponential backoff ([`standard::delay`]), raised to honour
//! `x-amz-retry-after` by up to 5 s. In `adaptive` mode every attempt also waits for the
//! [client-side rate limiter](adaptive) once a throttling error has turned it on. Clock-skew
//! errors correct the client's clock offset from the response's `Date` ([`skew`]) and retry
//! at once. Each attempt carries `amz-sdk-invocation-id` (one UUID per call) and
//! `amz-sdk-request: [ttl=…; ]attempt=N; max=M`, set before signing.
//!
//! The final error is marked by the classifier: [`crate::Error::is_retryable`] and
//! [`crate::Error::is_throttling`].
//!
//! ## Settings
//!
//! | setting | default | where |
//! | --- | --- | --- |
//! | retry mode | `standard` | `ConfigBuilder::retry_mode`, `AWS_RETRY_MODE`, profile `retry_mode` |
//! | max attempts | 3 (DynamoDB 4) | `ConfigBuilder::max_attempts`, `AWS_MAX_ATTEMPTS`, profile `max_attempts` |
//! | connect timeout | 60 s | [`HttpSettings::connect_timeout`](crate::http::HttpSettings) |
//! | read timeout (idle, per attempt) | 60 s | [`HttpSettings::read_timeout`](crate::http::HttpSettings) |
//! | attempt timeout (total, per attempt) | none | [`HttpSettings::attempt_timeout`](crate::http::HttpSettings) |
//! | operation timeout (all attempts and backoff) | none | [`HttpSettings::operation_timeout`](crate::http::HttpSettings) |
//!
//! The timeouts are botocore's (`connect_timeout`, `read_timeout`: 60 s, client config only;
//! botocore reads no timeout from the profile, so neither does rboto). botocore has no
//! per-attempt or per-operation limit; rboto offers both, off by default as in botocore and
//! the other AWS SDKs, since a sane value depends on the payload size. An attempt that
//! exceeds its limit fails with [`ErrorKind::Timeout`](crate::ErrorKind) and is retried; an
//! operation that exceeds its limit fails with `Timeout`, not retryable.

pub mod adaptive;
pub mod classify;
pub mod quota;
pub mod skew;
pub mod standard;

pub use crate::config::RetryMode;
pub use classify::{classify, Attempt, Classification, RetryKind};

use crate::config::Config;
use crate::schema::Service;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A client's resolved retry settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryConfig {
    pub mode: RetryMode,
    /// Total attempts, the first included (at least 1).
    pub max_attempts: u32,
}

impl RetryConfig {
    /// The settings for `service`: explicit config, then `AWS_RETRY_MODE` / `AWS_MAX_ATTEMPTS`,
    /// then the profile (see [`Config::retry_mode`], [`Config::max_attempts`]), then the mode's
    /// default for the service.
    pub fn resolve(config: &Config, service: &Service) -> RetryConfig {
        let mode = config.retry_mode();
        let max_attempts = config
            .max_attempts()
            .unwrap_or_else(|| standard::default_max_attempts(mode, service.service_id))
            .max(1);
        RetryConfig { mode, max_attempts }
    }
}

/// Counters of a client's retry behaviour since it was made.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RetryStats {
    /// Calls that reached the attempt loop.
    pub calls: u64,
    /// Attempts sent (first attempts included).
    pub attempts: u64,
    /// Retries made (`attempts - calls` once every call finished).
    pub retries: u64,
    /// Retries refused because the retry quota was empty.
    pub quota_refused: u64,
    /// Tokens left in the retry quota.
    pub quota_available: u32,
    /// Times the clock offset was corrected after a clock-skew error.
    pub clock_skew_corrections: u64,
}

/// Waits between attempts; replaceable so tests can observe backoff without waiting.
pub trait Sleep: Send + Sync + fmt::Debug {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>>;
}

/// [`Sleep`] on tokio's timer.
#[derive(Clone, Copy, Debug, Default)]
pub struct TokioSleep;

impl Sleep for TokioSleep {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// What the attempt loop waits with and draws jitter from. The defaults are tokio's timer and
/// a uniform random number in `[0, 1)`; tests replace them.
#[derive(Clone)]
pub struct RetryHooks {
    pub sleep: Arc<dyn Sleep>,
    pub jitter: Arc<dyn Fn() -> f64 + Send + Sync>,
}

impl Default for RetryHooks {
    fn default() -> Self {
        RetryHooks {
            sleep: Arc::new(TokioSleep),
            jitter: Arc::new(random_unit),
        }
    }
}

impl fmt::Debug for RetryHooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryHooks")
            .field("sleep", &self.sleep)
            .finish_non_exhaustive()
    }
}

/// A client's retry state: settings, quota, rate limiter, clock offset and counters, shared by
/// all its calls.
#[derive(Debug)]
pub(crate) struct RetryState {
    pub config: RetryConfig,
    pub quota: quota::RetryQuota,
    pub skew: skew::ClockSkew,
    pub hooks: RetryHooks,
    limiter: Option<Mutex<adaptive::ClientRateLimiter>>,
    epoch: tokio::time::Instant,
    calls: AtomicU64,
    attempts: AtomicU64,
    retries: AtomicU64,
    quota_refused: AtomicU64,
    skew_corrections: AtomicU64,
}

impl RetryState {
    pub fn new(config: RetryConfig, hooks: RetryHooks) -> RetryState {
        let limiter = (config.mode == RetryMode::Adaptive)
            .then(|| Mutex::new(adaptive::ClientRateLimiter::new(0.0)));
        RetryState {
            config,
            quota: quota::RetryQuota::default(),
            skew: skew::ClockSkew::default(),
            hooks,
            limiter,
            epoch: tokio::time::Instant::now(),
            calls: AtomicU64::new(0),
            attempts: AtomicU64::new(0),
            retries: AtomicU64::new(0),
            quota_refused: AtomicU64::new(0),
            skew_corrections: AtomicU64::new(0),
        }
    }

    fn now(&self) -> f64 {
        self.epoch.elapsed().as_secs_f64()
    }

    pub fn stats(&self) -> RetryStats {
        RetryStats {
            calls: self.calls.load(Ordering::Relaxed),
            attempts: self.attempts.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
            quota_refused: self.quota_refused.load(Ordering::Relaxed),
            quota_available: self.quota.available(),
            clock_skew_corrections: self.skew_corrections.load(Ordering::Relaxed),
        }
    }

    pub fn record_call(&self) {
        self.calls.fetch_add(1, Ordering::Relaxed);
    }

    pub fn record_retry(&self) {
        self.retries.fetch_add(1, Ordering::Relaxed);
    }

    pub fn record_quota_refused(&self) {
        self.quota_refused.fetch_add(1, Ordering::Relaxed);
    }

    pub fn record_skew_correction(&self) {
        self.skew_corrections.fetch_add(1, Ordering::Relaxed);
    }

    /// Before each attempt: in adaptive mode, waits for a token from the rate limiter.
    pub async fn before_attempt(&self) {
        self.attempts.fetch_add(1, Ordering::Relaxed);
        let Some(limiter) = &self.limiter else {
            return;
        };
        loop {
            let wait = {
                let mut l = limiter.lock().unwrap_or_else(|e| e.into_inner());
                l.on_sending_request(self.now())
            };
            match wait {
                Ok(()) => return,
                Err(secs) => {
                    self.hooks
                        .sleep
                        .sleep(Duration::from_secs_f64(secs.clamp(0.001, 60.0)))
                        .await
                }
            }
        }
    }

    /// After each attempt (success or failure): feeds the adaptive rate limiter.
    pub fn after_attempt(&self, throttling: bool) {
        if let Some(limiter) = &self.limiter {
            let mut l = limiter.lock().unwrap_or_else(|e| e.into_inner());
            l.on_receiving_response(throttling, self.now());
        }
    }

    /// The adaptive limiter's current rate (requests/s) once enabled by a throttling error.
    pub fn adaptive_rate(&self) -> Option<f64> {
        let l = self
            .limiter
            .as_ref()?
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        l.enabled().then(|| l.max_rate())
    }
}

/// botocore's hard-coded long-polling operations, kept with the other service
/// customisations.
pub use crate::customizations::is_long_polling;

/// A uniform random number in `[0, 1)` for backoff jitter (not for secrets).
pub fn random_unit() -> f64 {
    fastrand::f64()
}

/// A random (version 4) UUID, as botocore's `amz-sdk-invocation-id`. It only tells one call's
/// attempts from another's (botocore and aws-sdk-rust alike), so it comes from the thread's
/// fast RNG: the OS's would cost a system call per call. Idempotency tokens, which the service
/// acts on, still come from the OS's RNG.
pub fn invocation_id() -> String {
    crate::protocol::token::uuid_v4_fast()
}

/// The `amz-sdk-request` header value: `ttl=…; attempt=N; max=M` (`ttl` only when known).
pub fn sdk_request_header(ttl: Option<&str>, attempt: u32, max: u32) -> String {
    match ttl {
        Some(ttl) => format!("ttl={ttl}; attempt={attempt}; max={max}"),
        None => format!("attempt={attempt}; max={max}"),
    }
}

/// botocore's `ttl`: when the next attempt's response is due by the server's clock — local now
/// plus the read timeout plus the skew the response's `Date` shows — as `YYYYMMDDTHHMMSSZ`.
pub fn ttl(date: &str, received: std::time::SystemTime, read_timeout: Duration) -> Option<String> {
    let server = crate::types::DateTime::parse_http_date(date.trim()).ok()?;
    let received = received
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs_f64();
    let skew = server.as_secs_f64() - received;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs_f64();
    let due = (now + read_timeout.as_secs_f64() + skew).floor();
    Some(crate::types::DateTime::from_secs(due as i64).to_amz_date())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invocation_ids_are_v4_uuids_and_unique() {
        let a = invocation_id();
        let b = invocation_id();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        let parts: Vec<&str> = a.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('4'));
        assert!(matches!(parts[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b'));
    }

    #[test]
    fn random_unit_is_in_range_and_varies() {
        let xs: Vec<f64> = (0..1000).map(|_| random_unit()).collect();
        assert!(xs.iter().all(|x| (0.0..1.0).contains(x)));
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        assert!((0.4..0.6).contains(&mean), "{mean}");
    }

    #[test]
    fn sdk_request_header_format() {
        assert_eq!(sdk_request_header(None, 1, 3), "attempt=1; max=3");
        assert_eq!(
            sdk_request_header(Some("20240101T000100Z"), 2, 4),
            "ttl=20240101T000100Z; attempt=2; max=4"
        );
    }

    #[test]
    fn ttl_adds_read_timeout_and_skew() {
        // A server 30 s ahead of a response received just now: due in 60 + 30 s.
        let received = std::time::SystemTime::now();
        let server_secs = received
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            + 30;
        let date = crate::types::DateTime::from_secs(server_secs as i64).to_http_date();
        let ttl = ttl(&date, received, Duration::from_secs(60)).unwrap();
        let expected = crate::types::DateTime::from_secs(server_secs as i64 + 60).to_amz_date();
        let lo = crate::types::DateTime::from_secs(server_secs as i64 + 58).to_amz_date();
        assert!(ttl <= expected && ttl >= lo, "{ttl} vs {expected}");
        assert!(super::ttl("garbage", received, Duration::from_secs(60)).is_none());
    }

    #[test]
    fn long_polling_operations() {
        assert!(is_long_polling("SQS", "ReceiveMessage"));
        assert!(!is_long_polling("SQS", "SendMessage"));
        assert!(is_long_polling("SWF", "PollForDecisionTask"));
    }
}

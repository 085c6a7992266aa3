//! Backoff and attempt limits of botocore's `standard` mode (`retries/standard.py`:
//! `ExponentialBackoff`, `DEFAULT_MAX_ATTEMPTS`, `_SERVICE_MAX_ATTEMPTS`) and of its
//! `legacy` mode (`data/_retry.json`).

use super::RetryMode;
use crate::customizations::{self, dynamodb};
use std::time::Duration;

/// Total attempts (first included) in standard and adaptive mode.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;
/// Longest backoff before the retry-after allowance (`_MAX_BACKOFF`).
pub const MAX_BACKOFF: Duration = Duration::from_secs(20);
/// How far `x-amz-retry-after` may raise the delay above the computed one
/// (`_RETRY_AFTER_MAX_ADDITIONAL`).
pub const RETRY_AFTER_MAX_ADDITIONAL: Duration = Duration::from_secs(5);
/// Base scale after a throttling error.
pub const THROTTLING_BASE: Duration = Duration::from_secs(1);
/// Base scale after any other retryable error.
pub const NON_THROTTLING_BASE: Duration = Duration::from_millis(50);

/// Whether the service has DynamoDB's retry settings ([`crate::customizations::dynamodb`]).
fn is_dynamodb(service_id: &str) -> bool {
    customizations::for_service(service_id).dynamodb_retries
}

/// The default total attempts of `mode` for a service (by its `serviceId`): 3, or 4 for
/// DynamoDB and DynamoDB Streams in standard and adaptive mode; legacy mode's `_retry.json`
/// says 5, or 10 for DynamoDB.
pub fn default_max_attempts(mode: RetryMode, service_id: &str) -> u32 {
    match (mode, is_dynamodb(service_id)) {
        (RetryMode::Legacy, true) => dynamodb::LEGACY_MAX_ATTEMPTS,
        (RetryMode::Legacy, false) => 5,
        (_, true) => dynamodb::MAX_ATTEMPTS,
        (_, false) => DEFAULT_MAX_ATTEMPTS,
    }
}

/// The delay before retry number `attempt` (1 after the first attempt failed).
///
/// Standard and adaptive: `rand × min(base × 2^(attempt-1), 20 s)` where base is 1 s after a
/// throttling error, else 50 ms (25 ms for DynamoDB); a valid `x-amz-retry-after` (ms) raises
/// that to at most the computed delay + 5 s. Legacy: `rand × 2^(attempt-1)` s
/// (`"base": "rand"`), `0.05 × 2^(attempt-1)` s for DynamoDB.
///
/// `random` is a number in `[0, 1)`.
pub fn delay(
    mode: RetryMode,
    service_id: &str,
    attempt: u32,
    throttling: bool,
    retry_after: Option<&str>,
    random: f64,
) -> Duration {
    let exp = 2f64.powi(attempt.saturating_sub(1).min(62) as i32);
    if mode == RetryMode::Legacy {
        let secs = if is_dynamodb(service_id) {
            dynamodb::LEGACY_BASE_SECS * exp
        } else {
            random * exp
        };
        return Duration::from_secs_f64(secs.min(MAX_BACKOFF.as_secs_f64()));
    }
    let base = if throttling {
        THROTTLING_BASE
    } else if is_dynamodb(service_id) {
        dynamodb::NON_THROTTLING_BASE
    } else {
        NON_THROTTLING_BASE
    };
    let t_i = random * (base.as_secs_f64() * exp).min(MAX_BACKOFF.as_secs_f64());
    let t_i = Duration::from_secs_f64(t_i);
    match retry_after.and_then(parse_retry_after) {
        Some(after) => t_i.max(after.min(t_i + RETRY_AFTER_MAX_ADDITIONAL)),
        None => t_i,
    }
}

/// `x-amz-retry-after`: a non-negative integer number of milliseconds; anything else is
/// ignored, as botocore does.
pub fn parse_retry_after(v: &str) -> Option<Duration> {
    v.trim().parse::<u64>().ok().map(Duration::from_millis)
}

#[cfg(test)]
mod tests {
    use super::*;
    use RetryMode::*;

    fn ms(d: Duration) -> f64 {
        d.as_secs_f64() * 1000.0
    }

    #[test]
    fn max_attempts_follow_botocore() {
        assert_eq!(default_max_attempts(Standard, "SQS"), 3);
        assert_eq!(default_max_attempts(Adaptive, "S3"), 3);
        assert_eq!(default_max_attempts(Standard, "DynamoDB"), 4);
        assert_eq!(default_max_attempts(Standard, "DynamoDB Streams"), 4);
        assert_eq!(default_max_attempts(Legacy, "SQS"), 5);
        assert_eq!(default_max_attempts(Legacy, "DynamoDB"), 10);
    }

    #[test]
    fn standard_backoff_is_jittered_exponential_capped_at_20s() {
        // With rand = 1 the delay is the cap of the jitter range.
        assert_eq!(ms(delay(Standard, "SQS", 1, false, None, 1.0)), 50.0);
        assert_eq!(ms(delay(Standard, "SQS", 2, false, None, 1.0)), 100.0);
        assert_eq!(ms(delay(Standard, "SQS", 3, false, None, 1.0)), 200.0);
        assert_eq!(ms(delay(Standard, "SQS", 1, true, None, 1.0)), 1000.0);
        assert_eq!(ms(delay(Standard, "SQS", 4, true, None, 1.0)), 8000.0);
        assert_eq!(ms(delay(Standard, "SQS", 6, true, None, 1.0)), 20_000.0);
        assert_eq!(ms(delay(Standard, "SQS", 60, true, None, 1.0)), 20_000.0);
        assert_eq!(ms(delay(Standard, "DynamoDB", 1, false, None, 1.0)), 25.0);
        assert_eq!(ms(delay(Standard, "DynamoDB", 3, false, None, 1.0)), 100.0);
        // Throttling overrides the DynamoDB base.
        assert_eq!(ms(delay(Standard, "DynamoDB", 1, true, None, 1.0)), 1000.0);
        // Jitter scales the whole range.
        assert_eq!(ms(delay(Standard, "SQS", 2, false, None, 0.5)), 50.0);
        assert_eq!(ms(delay(Standard, "SQS", 2, false, None, 0.0)), 0.0);
    }

    #[test]
    fn retry_after_is_honoured_within_five_seconds_of_the_backoff() {
        // t_i = 0.5 × 1 s = 500 ms.
        let d = |h| ms(delay(Standard, "SQS", 1, true, Some(h), 0.5));
        assert_eq!(d("1500"), 1500.0, "raised to the header");
        assert_eq!(d("100"), 500.0, "never below the computed delay");
        assert_eq!(d("60000"), 5500.0, "at most t_i + 5 s");
        assert_eq!(d("-5"), 500.0, "invalid values are ignored");
        assert_eq!(d("soon"), 500.0);
    }

    #[test]
    fn legacy_backoff() {
        assert_eq!(ms(delay(Legacy, "SQS", 3, false, None, 0.25)), 1000.0);
        assert_eq!(ms(delay(Legacy, "DynamoDB", 1, false, None, 0.9)), 50.0);
        assert_eq!(ms(delay(Legacy, "DynamoDB", 4, false, None, 0.9)), 400.0);
    }
}

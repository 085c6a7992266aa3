//! Which failures are worth retrying, and why: botocore's `StandardRetryConditions`
//! (`retries/standard.py`) plus its special cases (`retries/special.py`), with the code tables
//! copied from botocore 1.44.5.
//!
//! An attempt failed if the transport failed (connection, connect or read timeout, the
//! attempt's own time limit), the response was corrupt (DynamoDB's `x-amz-crc32`), or the
//! service returned an error. [`classify`] looks at that and says whether to retry, whether it
//! was throttling (a cheaper retry with a longer backoff), and gives the reason in words.

use crate::error::{Error, ErrorKind, RawModeled};
use crate::schema::{Operation, Service, Shape, RETRYABLE, THROTTLING};
use std::fmt;

/// Error codes that mean "try again": `TransientRetryableChecker._TRANSIENT_ERROR_CODES`.
pub const TRANSIENT_ERROR_CODES: &[&str] = &[
    "RequestTimeout",
    "RequestTimeoutException",
    "PriorRequestNotComplete",
];

/// HTTP statuses that mean "try again": `_TRANSIENT_STATUS_CODES`.
pub const TRANSIENT_STATUS_CODES: &[u16] = &[500, 502, 503, 504];

/// Error codes that mean "slow down": `ThrottledRetryableChecker._THROTTLED_ERROR_CODES`.
pub const THROTTLING_ERROR_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// Statuses that mean throttling when no modeled error matches: `_THROTTLING_STATUS_CODES`.
pub const THROTTLING_STATUS_CODES: &[u16] = &[429];

/// Error codes a skewed client clock causes (the list the AWS SDKs for Java, JavaScript and Go
/// share; botocore 1.44.5 does not correct skew).
pub const CLOCK_SKEW_ERROR_CODES: &[&str] = &[
    "RequestTimeTooSkewed",
    "RequestExpired",
    "RequestInTheFuture",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "AuthFailure",
];

/// How a failed attempt may be retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RetryKind {
    /// A transient failure: retry with the short backoff.
    Transient,
    /// The service is throttling: retry with the long backoff, at the cheaper quota cost.
    Throttling,
    /// The client's clock is off; the skew was corrected from the response's `Date`, so the
    /// request can be signed again and retried.
    ClockSkew,
}

/// The classifier's verdict on one failed attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Classification {
    /// `None`: do not retry.
    pub kind: Option<RetryKind>,
    /// Why, in words (for logs and error messages).
    pub reason: String,
}

impl Classification {
    fn retry(kind: RetryKind, reason: impl Into<String>) -> Self {
        Classification {
            kind: Some(kind),
            reason: reason.into(),
        }
    }
    fn no(reason: impl Into<String>) -> Self {
        Classification {
            kind: None,
            reason: reason.into(),
        }
    }
    pub fn is_retryable(&self) -> bool {
        self.kind.is_some()
    }
    pub fn is_throttling(&self) -> bool {
        self.kind == Some(RetryKind::Throttling)
    }
}

impl fmt::Display for Classification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

/// What the classifier knows about a failed attempt.
#[derive(Clone, Copy, Debug)]
pub struct Attempt<'a> {
    pub service: &'static Service,
    pub operation: &'static Operation,
    pub error: &'a Error<RawModeled>,
    /// The DynamoDB response body did not match its `x-amz-crc32` header.
    pub crc32_mismatch: bool,
    /// The response showed the client's clock is skewed (and the skew was just corrected).
    pub clock_skew_corrected: bool,
}

/// botocore's standard-mode decision for one failed attempt (before max attempts and quota).
pub fn classify(a: &Attempt<'_>) -> Classification {
    let e = a.error;
    if a.crc32_mismatch {
        return Classification::retry(
            RetryKind::Transient,
            "the response's CRC32 did not match its x-amz-crc32 header",
        );
    }
    if e.kind() != ErrorKind::Service {
        return match e.kind() {
            ErrorKind::Connection => {
                Classification::retry(RetryKind::Transient, "connection error")
            }
            ErrorKind::ConnectTimeout => {
                Classification::retry(RetryKind::Transient, "connect timeout")
            }
            ErrorKind::ReadTimeout => Classification::retry(RetryKind::Transient, "read timeout"),
            ErrorKind::Timeout => {
                Classification::retry(RetryKind::Transient, "the attempt timed out")
            }
            kind => Classification::no(format!("{kind:?} errors are not retried")),
        };
    }
    let code = e.code().unwrap_or_default();
    let status = e.status().unwrap_or_default();
    if is_throttling(a.operation, a.service, code, status) {
        let why = if THROTTLING_ERROR_CODES.contains(&code) {
            format!("throttling error code {code}")
        } else if modeled(a.operation, a.service, code).is_some() {
            format!("{code} is modeled as a throttling error")
        } else {
            format!("HTTP {status} with no modeled error")
        };
        return Classification::retry(RetryKind::Throttling, why);
    }
    if TRANSIENT_ERROR_CODES.contains(&code) {
        return Classification::retry(RetryKind::Transient, format!("transient error code {code}"));
    }
    if TRANSIENT_STATUS_CODES.contains(&status) {
        return Classification::retry(
            RetryKind::Transient,
            format!("transient HTTP status {status}"),
        );
    }
    if modeled(a.operation, a.service, code).is_some_and(|s| s.has(RETRYABLE)) {
        return Classification::retry(
            RetryKind::Transient,
            format!("{code} is modeled as retryable"),
        );
    }
    if crate::customizations::for_service(a.service.service_id)
        .retryable_error_codes
        .contains(&code)
    {
        return Classification::retry(
            RetryKind::Transient,
            format!("{} {code}", a.service.service_id),
        );
    }
    if a.clock_skew_corrected && CLOCK_SKEW_ERROR_CODES.contains(&code) {
        return Classification::retry(
            RetryKind::ClockSkew,
            format!("{code}: the clock skew was corrected from the response's Date"),
        );
    }
    Classification::no(format!("{code} (HTTP {status}) is not retryable"))
}

/// botocore's `ThrottlingErrorDetector`: the fixed code list, else the model's verdict on a
/// modeled error, else 429 for errors the model does not cover.
fn is_throttling(op: &'static Operation, svc: &'static Service, code: &str, status: u16) -> bool {
    if THROTTLING_ERROR_CODES.contains(&code) {
        return true;
    }
    match modeled(op, svc, code) {
        Some(shape) if shape.has(RETRYABLE) => shape.has(THROTTLING),
        Some(_) => false,
        None => THROTTLING_STATUS_CODES.contains(&status),
    }
}

/// The operation's modeled error whose code (or shape name) is `code`
/// (`ModeledRetryErrorDetector._matches_error_code`).
fn modeled(op: &'static Operation, svc: &'static Service, code: &str) -> Option<&'static Shape> {
    if code.is_empty() {
        return None;
    }
    op.errors
        .iter()
        .filter_map(|&i| svc.errors.get(usize::from(i)).copied())
        .find(|s| {
            let modeled_code = s.error.map(|e| e.code).filter(|c| !c.is_empty());
            modeled_code.unwrap_or(s.name) == code
        })
}

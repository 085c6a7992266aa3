//! DynamoDB (and DynamoDB Streams, for retries).
//!
//! * Response checksum: DynamoDB sends `x-amz-crc32`, the CRC32 of the response body as a
//!   decimal number. A mismatch means the body was damaged in transit; botocore retries it
//!   (`_retry.json`'s `crc32` checker, raising `RetryDDBChecksumError`). rboto also refuses to
//!   return a damaged body when the attempts run out: the call fails with a response-parse
//!   error instead.
//! * Retries: botocore's `retries.standard` gives DynamoDB and DynamoDB Streams 4 attempts and
//!   a 25 ms base for non-throttling errors; legacy mode's `_retry.json` 10 attempts and a
//!   fixed 50 ms × 2ⁿ backoff.

use super::Customizations;
use std::time::Duration;

pub(super) const CUSTOMIZATIONS: Customizations = Customizations {
    response_crc32: true,
    dynamodb_retries: true,
    ..Customizations::NONE
};

/// DynamoDB Streams shares DynamoDB's retry settings, not its checksum.
pub(super) const STREAMS: Customizations = Customizations {
    dynamodb_retries: true,
    ..Customizations::NONE
};

/// The response checksum header.
pub(crate) const CRC32_HEADER: &str = "x-amz-crc32";

/// Total attempts in standard and adaptive mode.
pub(crate) const MAX_ATTEMPTS: u32 = 4;
/// Total attempts in legacy mode.
pub(crate) const LEGACY_MAX_ATTEMPTS: u32 = 10;
/// Legacy mode's backoff scale: a fixed `0.05 × 2ⁿ` seconds, without jitter.
pub(crate) const LEGACY_BASE_SECS: f64 = 0.05;
/// Base scale after a non-throttling error.
pub(crate) const NON_THROTTLING_BASE: Duration = Duration::from_millis(25);

/// Whether `body` does not match the `x-amz-crc32` header. A missing header is not a mismatch;
/// an unparseable one is. (Only for a service whose customisations say `response_crc32`.)
pub(crate) fn crc32_mismatch(headers: &http::HeaderMap, body: &[u8]) -> bool {
    let Some(value) = headers.get(CRC32_HEADER) else {
        return false;
    };
    let expected = value
        .to_str()
        .ok()
        .and_then(|v| v.trim().parse::<u32>().ok());
    expected != Some(crc32fast::hash(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_is_the_decimal_ieee_checksum() {
        // CRC32 of `{}` as DynamoDB sends it for an empty PutItem output.
        assert_eq!(crc32fast::hash(b"{}"), 2745614147);
        let mut headers = http::HeaderMap::new();
        assert!(!crc32_mismatch(&headers, b"{}"), "no header, no check");
        headers.insert(CRC32_HEADER, http::HeaderValue::from_static("2745614147"));
        assert!(!crc32_mismatch(&headers, b"{}"));
        assert!(crc32_mismatch(&headers, b"{ }"));
        headers.insert(CRC32_HEADER, http::HeaderValue::from_static("x"));
        assert!(crc32_mismatch(&headers, b"{}"), "an unparseable header");
    }
}

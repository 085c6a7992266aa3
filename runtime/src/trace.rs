//! What rboto tells `tracing`: botocore's debug log, as spans and events.
//!
//! - a span `rboto.operation` per call (`service`, `operation`, `region`);
//! - inside it a span `rboto.attempt` per attempt (`attempt` number, then `status`,
//!   `request_id`, `duration_ms` and the `retry` decision once known);
//! - debug events with what botocore's debug log shows: the resolved endpoint and request, the
//!   canonical request and string to sign, the response status and headers.
//!
//! Everything is at `DEBUG` level (retry decisions too), and nothing is printed unless the user
//! installs a subscriber (`tracing-subscriber`'s `fmt()` with `RUST_LOG=rboto=debug`, say).
//! Secrets never reach a span or event: the `Authorization` and `X-Amz-Security-Token` header
//! values are marked sensitive (their `Debug` is `Sensitive`), the session token is cut from
//! the canonical request, and neither keys nor signatures are logged.

use tracing::field::Empty;
use tracing::Span;

/// The span of one call.
pub(crate) fn operation_span(service_id: &str, operation: &str, region: Option<&str>) -> Span {
    tracing::debug_span!(
        "rboto.operation",
        service = service_id,
        operation,
        region = region.unwrap_or("")
    )
}

/// The span of one attempt; its outcome fields are recorded as they become known.
pub(crate) fn attempt_span(attempt: u32) -> Span {
    tracing::debug_span!(
        "rboto.attempt",
        attempt,
        status = Empty,
        request_id = Empty,
        duration_ms = Empty,
        retry = Empty
    )
}

/// The canonical request as botocore logs it, with the session token's value cut out (it is a
/// signed header, so its value is a line of the canonical request). Formatted only when a
/// subscriber wants the event.
pub(crate) struct CanonicalRequest<'a>(pub &'a str);

impl std::fmt::Display for CanonicalRequest<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, line) in self.0.split('\n').enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            match line.split_once(':') {
                Some(("x-amz-security-token", _)) => {
                    f.write_str("x-amz-security-token:<redacted>")?
                }
                _ => f.write_str(line)?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_token_is_cut_from_the_canonical_request() {
        let canonical = "GET\n/\n\nhost:s3.amazonaws.com\nx-amz-security-token:SECRET\n\n\
                         host;x-amz-security-token\nUNSIGNED-PAYLOAD";
        let redacted = CanonicalRequest(canonical).to_string();
        assert!(!redacted.contains("SECRET"));
        assert_eq!(
            redacted,
            "GET\n/\n\nhost:s3.amazonaws.com\nx-amz-security-token:<redacted>\n\n\
             host;x-amz-security-token\nUNSIGNED-PAYLOAD"
        );
    }
}

//! Request checksums, as botocore 1.44.5's `httpchecksum.py` applies them with its defaults
//! (`request_checksum_calculation = when_supported`, `response_checksum_validation =
//! when_supported`).
//!
//! * An operation that requires a checksum (`httpChecksumRequired`, or `httpChecksum` with
//!   `requestChecksumRequired`) or that supports one (`httpChecksum.requestAlgorithmMember`) gets
//!   `x-amz-checksum-crc32` over the request body, and the algorithm member's header
//!   (`x-amz-sdk-checksum-algorithm: CRC32`) when the caller did not choose an algorithm.
//! * A caller-chosen algorithm (the algorithm member set) is honoured: `CRC32` and `SHA256` are
//!   computed; others are an error, as botocore raises for algorithms it cannot compute.
//! * Nothing is added when the caller already sent an `x-amz-checksum-*` header.
//! * botocore 1.44.5 never sends `Content-MD5` any more (its `conditional-md5` path is
//!   unreachable): CRC32 replaces it, and S3 accepts either for checksum-required operations.
//! * botocore moves the checksum of a streaming input into an `aws-chunked` trailer over HTTPS;
//!   here the header form (what botocore sends over plain HTTP) is used for every in-memory body,
//!   which S3 accepts on both schemes. A non-replayable stream is never read to compute one.
//! * `requestValidationModeMember` (S3 `ChecksumMode`) defaults to `ENABLED`, as botocore's
//!   `_handle_request_validation_mode_member` does.

use super::{Request, SerializeError};
use crate::schema::{Location, Operation, HTTP_CHECKSUM_REQUIRED, REQUEST_CHECKSUM_REQUIRED};
use crate::value::Value;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

/// botocore's `DEFAULT_CHECKSUM_ALGORITHM`.
pub const DEFAULT_ALGORITHM: &str = "CRC32";

/// Sets an unset `requestValidationModeMember` to `ENABLED` (before binding).
pub(crate) fn fill_validation_mode(op: &'static Operation, slots: &mut [Option<Value>]) {
    let Some(name) = op
        .http_checksum
        .and_then(|c| c.request_validation_mode_member)
    else {
        return;
    };
    if let Some(i) = op.input.members().iter().position(|m| m.name == name) {
        if let Some(slot) = slots.get_mut(i) {
            if slot.is_none() {
                *slot = Some(Value::Str("ENABLED".to_string()));
            }
        }
    }
}

/// The algorithm the caller chose through `requestAlgorithmMember`, read before binding.
pub(crate) fn chosen_algorithm(op: &'static Operation, slots: &[Option<Value>]) -> Option<String> {
    let name = op.http_checksum?.request_algorithm_member?;
    let i = op.input.members().iter().position(|m| m.name == name)?;
    match slots.get(i)? {
        Some(Value::Str(s)) => Some(s.clone()),
        _ => None,
    }
}

/// The header the algorithm member is bound to (`x-amz-sdk-checksum-algorithm`).
fn algorithm_header(op: &'static Operation) -> Option<&'static str> {
    let name = op.http_checksum?.request_algorithm_member?;
    let m = op.input.members().iter().find(|m| m.name == name)?;
    match m.location {
        Location::Header => m.location_name,
        _ => None,
    }
}

/// Whether `op` requires a request checksum.
pub fn checksum_required(op: &Operation) -> bool {
    op.has(HTTP_CHECKSUM_REQUIRED) || op.has(REQUEST_CHECKSUM_REQUIRED)
}

/// Adds the checksum headers botocore would send to `req`, whose body is final; `chosen` is
/// [`chosen_algorithm`].
pub(crate) fn apply(
    op: &'static Operation,
    chosen: Option<&str>,
    req: &mut Request,
) -> Result<(), SerializeError> {
    if req
        .headers
        .iter()
        .any(|(n, _)| n.len() > 15 && n[..15].eq_ignore_ascii_case("x-amz-checksum-"))
    {
        return Ok(());
    }
    let has_member = op
        .http_checksum
        .is_some_and(|c| c.request_algorithm_member.is_some());
    let algorithm = match chosen {
        Some(a) => a.to_ascii_lowercase(),
        None if checksum_required(op) || has_member => {
            if let Some(h) = algorithm_header(op) {
                set_header(req, h, DEFAULT_ALGORITHM);
            }
            DEFAULT_ALGORITHM.to_ascii_lowercase()
        }
        None => return Ok(()),
    };
    let Some(body) = req.body.bytes() else {
        // A stream read once: it cannot be hashed ahead of sending.
        return Ok(());
    };
    let digest = match algorithm.as_str() {
        "crc32" => crc32(body),
        "sha256" => sha256(body),
        other => {
            return Err(SerializeError(format!(
                "Unsupported checksum algorithm: {other}"
            )))
        }
    };
    set_header(req, &format!("x-amz-checksum-{algorithm}"), &digest);
    Ok(())
}

fn set_header(req: &mut Request, name: &str, value: &str) {
    match req
        .headers
        .iter_mut()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
    {
        Some((_, v)) => *v = value.to_string(),
        None => req.headers.push((name.to_string(), value.to_string())),
    }
}

/// Base64 of the big-endian CRC32 (botocore's `Crc32Checksum`).
pub fn crc32(data: &[u8]) -> String {
    STANDARD.encode(crc32fast::hash(data).to_be_bytes())
}

/// Base64 of the SHA-256 digest.
pub fn sha256(data: &[u8]) -> String {
    use sha2::Digest as _;
    STANDARD.encode(sha2::Sha256::digest(data))
}

//! Response checksums, validated as botocore 1.44.5's `handle_checksum_body` does with its
//! default `response_checksum_validation = when_supported`.
//!
//! An operation with `httpChecksum.requestValidationModeMember` (S3 `GetObject`'s
//! `ChecksumMode`, which the request side fills with `ENABLED`) has its response checked against
//! the first `x-amz-checksum-<algorithm>` header present, among the model's
//! `responseAlgorithms`, in botocore's priority order of the algorithms it computes without the
//! CRT: CRC32, SHA-1, SHA-256, SHA-512. A value with a `-` (S3's checksum of part checksums,
//! `…-3`) is not a checksum of the body and is skipped, as botocore skips it. A buffered body is
//! checked before parsing; a streamed one when its last byte has been read, so the error reaches
//! whoever reads the stream. Like botocore's `FlexibleChecksumError`, a mismatch is not retried.

use crate::schema::{HttpChecksum, Operation};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use std::fmt;

/// botocore's `_ALGORITHMS_PRIORITY_LIST`, keeping the algorithms it can compute without the CRT.
const PRIORITY: [&str; 4] = ["crc32", "sha1", "sha256", "sha512"];

/// The checksum a response promises and the running digest of its body.
pub(crate) struct Validator {
    algorithm: &'static str,
    expected: String,
    hasher: Hasher,
}

enum Hasher {
    Crc32(crc32fast::Hasher),
    Sha1(sha1::Sha1),
    Sha256(sha2::Sha256),
    Sha512(sha2::Sha512),
}

/// The body's digest differs from the one the response's header gave.
#[derive(Debug, Clone)]
pub struct ChecksumMismatch {
    /// The header's algorithm, lower case (`crc32`).
    pub algorithm: &'static str,
    /// The header's value (base64).
    pub expected: String,
    /// The digest of the body as received (base64).
    pub calculated: String,
}

impl fmt::Display for ChecksumMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the response body was damaged in transit: expected checksum {} \
             (x-amz-checksum-{}) did not match calculated checksum: {}",
            self.expected, self.algorithm, self.calculated
        )
    }
}

impl std::error::Error for ChecksumMismatch {}

impl Validator {
    /// The validator for a response to `op` with headers `headers`, or `None` when the
    /// operation does not validate responses or the response carries no usable checksum.
    pub(crate) fn for_response(op: &Operation, headers: &http::HeaderMap) -> Option<Validator> {
        Validator::pick(op.http_checksum?, headers)
    }

    fn pick(checksum: &HttpChecksum, headers: &http::HeaderMap) -> Option<Validator> {
        checksum.request_validation_mode_member?;
        for algorithm in PRIORITY {
            if !checksum
                .response_algorithms
                .iter()
                .any(|a| a.eq_ignore_ascii_case(algorithm))
            {
                continue;
            }
            let Some(value) = headers.get(format!("x-amz-checksum-{algorithm}")) else {
                continue;
            };
            let expected = String::from_utf8_lossy(value.as_bytes()).into_owned();
            if expected.contains('-') {
                continue;
            }
            return Some(Validator {
                algorithm,
                expected,
                hasher: Hasher::new(algorithm),
            });
        }
        None
    }

    /// Adds the next part of the body.
    pub(crate) fn update(&mut self, data: &[u8]) {
        use sha2::Digest as _;
        match &mut self.hasher {
            Hasher::Crc32(h) => h.update(data),
            Hasher::Sha1(h) => h.update(data),
            Hasher::Sha256(h) => h.update(data),
            Hasher::Sha512(h) => h.update(data),
        }
    }

    /// Compares the digest of everything added with the expected one.
    pub(crate) fn finish(self) -> Result<(), ChecksumMismatch> {
        use sha2::Digest as _;
        let digest: Vec<u8> = match self.hasher {
            Hasher::Crc32(h) => h.finalize().to_be_bytes().to_vec(),
            Hasher::Sha1(h) => h.finalize().to_vec(),
            Hasher::Sha256(h) => h.finalize().to_vec(),
            Hasher::Sha512(h) => h.finalize().to_vec(),
        };
        // A header that is not base64 cannot match any digest.
        if STANDARD.decode(self.expected.trim()).ok().as_deref() == Some(digest.as_slice()) {
            return Ok(());
        }
        Err(ChecksumMismatch {
            algorithm: self.algorithm,
            expected: self.expected,
            calculated: STANDARD.encode(&digest),
        })
    }
}

impl Hasher {
    fn new(algorithm: &str) -> Hasher {
        use sha2::Digest as _;
        match algorithm {
            "crc32" => Hasher::Crc32(crc32fast::Hasher::new()),
            "sha1" => Hasher::Sha1(sha1::Sha1::new()),
            "sha256" => Hasher::Sha256(sha2::Sha256::new()),
            _ => Hasher::Sha512(sha2::Sha512::new()),
        }
    }
}

impl fmt::Debug for Validator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Validator")
            .field("algorithm", &self.algorithm)
            .field("expected", &self.expected)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn validator(
        algorithms: &'static [&'static str],
        headers: &[(&str, &str)],
    ) -> Option<Validator> {
        let mut map = http::HeaderMap::new();
        for (k, v) in headers {
            map.insert(
                http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        let checksum = HttpChecksum {
            request_algorithm_member: None,
            request_validation_mode_member: Some("ChecksumMode"),
            response_algorithms: algorithms,
        };
        Validator::pick(&checksum, &map)
    }

    // CRC32 of "Hello, world!" is 0xebe6c6e6; SHA-256 from `printf 'Hello, world!' | sha256sum`.
    const CRC32: &str = "6+bG5g==";
    const SHA256: &str = "MV9b23bQeMQ7isAGTkoBZGErH853yGk0W/yUx1iU7dM=";

    #[test]
    fn matching_body_passes_and_damaged_body_fails() {
        let all = &["CRC32", "SHA256", "SHA1"];
        let mut v = validator(all, &[("x-amz-checksum-crc32", CRC32)]).unwrap();
        v.update(b"Hello, ");
        v.update(b"world!");
        v.finish().unwrap();

        let mut v = validator(all, &[("x-amz-checksum-sha256", SHA256)]).unwrap();
        v.update(b"Hello, world?");
        let e = v.finish().unwrap_err();
        assert_eq!(e.algorithm, "sha256");
        assert_eq!(e.expected, SHA256);
        assert!(
            e.to_string().contains("did not match calculated checksum"),
            "{e}"
        );
    }

    #[test]
    fn priority_composite_and_unsupported_headers() {
        let all = &["CRC64NVME", "CRC32C", "CRC32", "SHA256"];
        // CRC32 outranks SHA-256 when both are present.
        let v = validator(
            all,
            &[
                ("x-amz-checksum-sha256", SHA256),
                ("x-amz-checksum-crc32", CRC32),
            ],
        )
        .unwrap();
        assert_eq!(v.algorithm, "crc32");
        // A checksum of part checksums is skipped for the next algorithm.
        let v = validator(
            all,
            &[
                ("x-amz-checksum-crc32", "AAAAAA==-3"),
                ("x-amz-checksum-sha256", SHA256),
            ],
        )
        .unwrap();
        assert_eq!(v.algorithm, "sha256");
        // Algorithms computed only with botocore's CRT are not validated.
        assert!(validator(all, &[("x-amz-checksum-crc64nvme", "AAAAAAAAAAA=")]).is_none());
        // Nor is an algorithm the operation does not list.
        assert!(validator(&["SHA256"], &[("x-amz-checksum-crc32", CRC32)]).is_none());
    }

    #[test]
    fn header_that_is_not_base64_is_a_mismatch() {
        let mut v = validator(&["CRC32"], &[("x-amz-checksum-crc32", "not base64!")]).unwrap();
        v.update(b"x");
        assert!(v.finish().is_err());
    }
}

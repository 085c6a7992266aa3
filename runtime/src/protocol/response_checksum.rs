//! Response checksums, validated as botocore 1.44.5's `handle_checksum_body` does with its
//! default `response_checksum_validation = when_supported`.
//!
//! An operation with `httpChecksum.requestValidationModeMember` (S3 `GetObject`'s
//! `ChecksumMode`, which the request side fills with `ENABLED`) has its response checked against
//! the first `x-amz-checksum-<algorithm>` header present, among the model's
//! `responseAlgorithms`, in botocore's priority order of the algorithms it computes with the CRT
//! (`XXHASH*` aside): CRC64NVME, CRC32C, CRC32, SHA-1, SHA-256, SHA-512. A value with a `-` (S3's checksum of part checksums,
//! `…-3`) is not a checksum of the body and is skipped, as botocore skips it. A buffered body is
//! checked before parsing; a streamed one when its last byte has been read, so the error reaches
//! whoever reads the stream. Like botocore's `FlexibleChecksumError`, a mismatch is not retried.

use super::checksum::{Algorithm, Hasher};
use crate::schema::{HttpChecksum, Operation};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use std::fmt;

/// botocore's `_ALGORITHMS_PRIORITY_LIST`, keeping the algorithms rboto computes.
const PRIORITY: [Algorithm; 6] = [
    Algorithm::Crc64Nvme,
    Algorithm::Crc32c,
    Algorithm::Crc32,
    Algorithm::Sha1,
    Algorithm::Sha256,
    Algorithm::Sha512,
];

/// The checksum a response promises and the running digest of its body.
pub(crate) struct Validator {
    algorithm: &'static str,
    expected: String,
    hasher: Hasher,
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
                .any(|a| a.eq_ignore_ascii_case(algorithm.name()))
            {
                continue;
            }
            let Some(value) = headers.get(algorithm.header_name()) else {
                continue;
            };
            let expected = String::from_utf8_lossy(value.as_bytes()).into_owned();
            if expected.contains('-') {
                continue;
            }
            return Some(Validator {
                algorithm: algorithm.name(),
                expected,
                hasher: Hasher::new(algorithm),
            });
        }
        None
    }

    /// Adds the next part of the body.
    pub(crate) fn update(&mut self, data: &[u8]) {
        self.hasher.update(data);
    }

    /// Compares the digest of everything added with the expected one.
    pub(crate) fn finish(self) -> Result<(), ChecksumMismatch> {
        let digest = self.hasher.finish();
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
        // CRC64NVME and CRC32C outrank CRC32, in botocore's order.
        let v = validator(
            all,
            &[
                ("x-amz-checksum-crc32", CRC32),
                ("x-amz-checksum-crc32c", "AAAAAA=="),
                ("x-amz-checksum-crc64nvme", "AAAAAAAAAAA="),
            ],
        )
        .unwrap();
        assert_eq!(v.algorithm, "crc64nvme");
        let v = validator(
            all,
            &[
                ("x-amz-checksum-crc32", CRC32),
                ("x-amz-checksum-crc32c", "AAAAAA=="),
            ],
        )
        .unwrap();
        assert_eq!(v.algorithm, "crc32c");
        // Algorithms rboto does not compute are not validated.
        assert!(validator(
            &["MD5"],
            &[("x-amz-checksum-md5", "AAAAAAAAAAAAAAAAAAAAAA==")]
        )
        .is_none());
        // Nor is an algorithm the operation does not list.
        assert!(validator(&["SHA256"], &[("x-amz-checksum-crc32", CRC32)]).is_none());
    }

    /// Every algorithm checks a body against the published check value of "123456789".
    #[test]
    fn crc32c_and_crc64nvme_bodies_are_validated() {
        let all = &["CRC64NVME", "CRC32C"];
        for (header, good) in [
            ("x-amz-checksum-crc64nvme", "rosUhgp5mIg="),
            ("x-amz-checksum-crc32c", "4waSgw=="),
        ] {
            let mut v = validator(all, &[(header, good)]).unwrap();
            v.update(b"1234");
            v.update(b"56789");
            v.finish().unwrap();
            let mut v = validator(all, &[(header, good)]).unwrap();
            v.update(b"123456780");
            assert!(v.finish().is_err(), "{header}");
        }
    }

    #[test]
    fn header_that_is_not_base64_is_a_mismatch() {
        let mut v = validator(&["CRC32"], &[("x-amz-checksum-crc32", "not base64!")]).unwrap();
        v.update(b"x");
        assert!(v.finish().is_err());
    }
}

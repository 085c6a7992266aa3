//! Request checksums, as botocore 1.44.5's `httpchecksum.py` applies them with its defaults
//! (`request_checksum_calculation = when_supported`, `response_checksum_validation =
//! when_supported`), and the digests both directions use ([`Algorithm`], [`Hasher`]).
//!
//! * An operation that requires a checksum (`httpChecksumRequired`, or `httpChecksum` with
//!   `requestChecksumRequired`) or that supports one (`httpChecksum.requestAlgorithmMember`) gets
//!   `x-amz-checksum-crc32` over the request body, and the algorithm member's header
//!   (`x-amz-sdk-checksum-algorithm: CRC32`) when the caller did not choose an algorithm.
//! * A caller-chosen algorithm (the algorithm member set) is honoured: CRC32, CRC32C, CRC64NVME,
//!   SHA-1, SHA-256 and SHA-512 are computed (botocore needs its CRT for CRC32C and CRC64NVME);
//!   others (`MD5`, the `XXHASH` family) are an error, as botocore raises for algorithms it
//!   cannot compute.
//! * Nothing is added when the caller already sent an `x-amz-checksum-*` header.
//! * botocore 1.44.5 never sends `Content-MD5` any more (its `conditional-md5` path is
//!   unreachable): CRC32 replaces it, and S3 accepts either for checksum-required operations.
//! * A body in memory gets the checksum as a header, computed here. botocore moves the checksum
//!   of every streaming-input operation into an `aws-chunked` trailer over HTTPS; here only a
//!   body that is not in memory (a file, a stream) is: the header form is valid on both schemes
//!   and keeps the payload signed. For such a body the choice waits for the endpoint's scheme
//!   ([`Request::streamed_checksum`], settled by `pipeline::checksum`).
//! * `requestValidationModeMember` (S3 `ChecksumMode`) defaults to `ENABLED`, as botocore's
//!   `_handle_request_validation_mode_member` does.

use super::{Request, SerializeError};
use crate::config::ChecksumWhen;
use crate::schema::{Location, Operation, HTTP_CHECKSUM_REQUIRED, REQUEST_CHECKSUM_REQUIRED};
use crate::value::Value;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

/// botocore's `DEFAULT_CHECKSUM_ALGORITHM`.
pub const DEFAULT_ALGORITHM: &str = "CRC32";

/// Sets an unset `requestValidationModeMember` to `ENABLED` (before binding), unless the
/// caller wants responses checked only when they ask.
pub(crate) fn fill_validation_mode(
    op: &'static Operation,
    slots: &mut [Option<Value>],
    when: ChecksumWhen,
) {
    if when == ChecksumWhen::WhenRequired {
        return;
    }
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

/// The header `requestValidationModeMember` is bound to (S3's `x-amz-checksum-mode`).
pub(crate) fn validation_mode_header(op: &Operation) -> Option<&'static str> {
    let name = op.http_checksum?.request_validation_mode_member?;
    let m = op.input.members().iter().find(|m| m.name == name)?;
    match m.location {
        Location::Header => m.location_name,
        _ => None,
    }
}

/// When checksums are added and checked: botocore's `request_checksum_calculation` and
/// `response_checksum_validation`, `when_supported` both by default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ChecksumPolicy {
    pub request: ChecksumWhen,
    pub response: ChecksumWhen,
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
    when: ChecksumWhen,
) -> Result<(), SerializeError> {
    if req
        .headers
        .keys()
        .any(|n| n.as_str().len() > 15 && n.as_str().starts_with("x-amz-checksum-"))
    {
        return Ok(());
    }
    let has_member = op
        .http_checksum
        .is_some_and(|c| c.request_algorithm_member.is_some());
    let algorithm = match chosen {
        Some(a) => a.to_ascii_lowercase(),
        None if checksum_required(op) || (has_member && when == ChecksumWhen::WhenSupported) => {
            if let Some(h) = algorithm_header(op) {
                let name = super::static_header_name(h).map_err(|_| {
                    SerializeError(format!(
                        "{}: invalid checksum algorithm header {h:?}",
                        op.name
                    ))
                })?;
                req.headers
                    .insert(name, http::HeaderValue::from_static(DEFAULT_ALGORITHM));
            }
            DEFAULT_ALGORITHM.to_ascii_lowercase()
        }
        None => return Ok(()),
    };
    let algorithm = Algorithm::from_name(&algorithm)
        .ok_or_else(|| SerializeError(format!("Unsupported checksum algorithm: {algorithm}")))?;
    let Some(body) = req.body.bytes() else {
        // Not in memory: hashed as it is sent, or read ahead when it can be read twice, once
        // the endpoint's scheme says which (`pipeline::checksum`).
        req.streamed_checksum = Some(algorithm);
        return Ok(());
    };
    let digest = algorithm.digest_base64(body);
    req.headers.insert(algorithm.header(), base64_value(digest));
    Ok(())
}

/// A base64 digest as a header value (base64 is always header-safe).
pub(crate) fn base64_value(digest: String) -> http::HeaderValue {
    http::HeaderValue::try_from(digest).unwrap_or_else(|_| http::HeaderValue::from_static(""))
}

/// CRC-32C (Castagnoli, iSCSI), as S3's `x-amz-checksum-crc32c`.
static CRC32C: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_ISCSI);
/// CRC-64/NVME, as S3's `x-amz-checksum-crc64nvme`.
static CRC64NVME: crc::Crc<u64> = crc::Crc::<u64>::new(&crc::CRC_64_NVME);

/// A flexible-checksum algorithm rboto computes, for requests and for validating responses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    Crc32,
    Crc32c,
    Crc64Nvme,
    Sha1,
    Sha256,
    Sha512,
}

impl Algorithm {
    /// The algorithm named `name` as the models spell it (`CRC64NVME`, any case); `None` for
    /// one rboto does not compute.
    pub fn from_name(name: &str) -> Option<Algorithm> {
        Some(match name.to_ascii_lowercase().as_str() {
            "crc32" => Algorithm::Crc32,
            "crc32c" => Algorithm::Crc32c,
            "crc64nvme" => Algorithm::Crc64Nvme,
            "sha1" => Algorithm::Sha1,
            "sha256" => Algorithm::Sha256,
            "sha512" => Algorithm::Sha512,
            _ => return None,
        })
    }

    /// The lower-case name (`crc64nvme`), as in the header names.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Crc32 => "crc32",
            Algorithm::Crc32c => "crc32c",
            Algorithm::Crc64Nvme => "crc64nvme",
            Algorithm::Sha1 => "sha1",
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha512 => "sha512",
        }
    }

    /// [`Self::header_name`] as a typed header name.
    pub fn header(self) -> http::HeaderName {
        http::HeaderName::from_static(self.header_name())
    }

    /// The header (or trailer) that carries this checksum: `x-amz-checksum-<name>`.
    pub fn header_name(self) -> &'static str {
        match self {
            Algorithm::Crc32 => "x-amz-checksum-crc32",
            Algorithm::Crc32c => "x-amz-checksum-crc32c",
            Algorithm::Crc64Nvme => "x-amz-checksum-crc64nvme",
            Algorithm::Sha1 => "x-amz-checksum-sha1",
            Algorithm::Sha256 => "x-amz-checksum-sha256",
            Algorithm::Sha512 => "x-amz-checksum-sha512",
        }
    }

    /// The base64 of `data`'s digest, as the header carries it.
    pub fn digest_base64(self, data: &[u8]) -> String {
        let mut h = Hasher::new(self);
        h.update(data);
        STANDARD.encode(h.finish())
    }
}

/// A running digest of one algorithm, fed piece by piece.
#[derive(Clone)]
pub enum Hasher {
    Crc32(crc32fast::Hasher),
    Crc32c(crc::Digest<'static, u32>),
    Crc64Nvme(crc::Digest<'static, u64>),
    /// SHA-1, SHA-256 or SHA-512: ring's, the one hashing library rboto builds (rustls needs it).
    Sha(Box<ring::digest::Context>),
}

impl Hasher {
    /// A digest of nothing yet.
    pub fn new(algorithm: Algorithm) -> Hasher {
        use ring::digest::{Context, SHA1_FOR_LEGACY_USE_ONLY, SHA256, SHA512};
        match algorithm {
            Algorithm::Crc32 => Hasher::Crc32(crc32fast::Hasher::new()),
            Algorithm::Crc32c => Hasher::Crc32c(CRC32C.digest()),
            Algorithm::Crc64Nvme => Hasher::Crc64Nvme(CRC64NVME.digest()),
            // S3's `x-amz-checksum-sha1` is an integrity check, as in botocore.
            Algorithm::Sha1 => Hasher::Sha(Box::new(Context::new(&SHA1_FOR_LEGACY_USE_ONLY))),
            Algorithm::Sha256 => Hasher::Sha(Box::new(Context::new(&SHA256))),
            Algorithm::Sha512 => Hasher::Sha(Box::new(Context::new(&SHA512))),
        }
    }

    /// Adds the next piece of the data.
    pub fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Crc32(h) => h.update(data),
            Hasher::Crc32c(h) => h.update(data),
            Hasher::Crc64Nvme(h) => h.update(data),
            Hasher::Sha(h) => h.update(data),
        }
    }

    /// The digest bytes; CRCs big-endian, as botocore's `digest()` gives them.
    pub fn finish(self) -> Vec<u8> {
        match self {
            Hasher::Crc32(h) => h.finalize().to_be_bytes().to_vec(),
            Hasher::Crc32c(h) => h.finalize().to_be_bytes().to_vec(),
            Hasher::Crc64Nvme(h) => h.finalize().to_be_bytes().to_vec(),
            Hasher::Sha(h) => h.finish().as_ref().to_vec(),
        }
    }
}

impl std::fmt::Debug for Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = match self {
            Hasher::Crc32(_) => "crc32",
            Hasher::Crc32c(_) => "crc32c",
            Hasher::Crc64Nvme(_) => "crc64nvme",
            Hasher::Sha(h) => match h.algorithm().output_len() {
                20 => "sha1",
                32 => "sha256",
                _ => "sha512",
            },
        };
        f.debug_tuple("Hasher").field(&name).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn digest(a: Algorithm, data: &[u8]) -> Vec<u8> {
        let mut h = Hasher::new(a);
        // In two pieces: a running digest must not depend on how the data is split.
        let (x, y) = data.split_at(data.len() / 2);
        h.update(x);
        h.update(y);
        h.finish()
    }

    /// The standard check value of each CRC ("123456789") and the FIPS 180 "abc" vectors.
    #[test]
    fn every_algorithm_matches_its_published_test_vector() {
        let check = b"123456789";
        assert_eq!(
            digest(Algorithm::Crc32, check),
            0xCBF4_3926u32.to_be_bytes()
        );
        assert_eq!(
            digest(Algorithm::Crc32c, check),
            0xE306_9283u32.to_be_bytes()
        );
        assert_eq!(
            digest(Algorithm::Crc64Nvme, check),
            0xAE8B_1486_0A79_9888u64.to_be_bytes()
        );
        assert_eq!(
            hex(&digest(Algorithm::Sha1, b"abc")),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            hex(&digest(Algorithm::Sha256, b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex(&digest(Algorithm::Sha512, b"abc")),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a\
             2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
        );
    }

    /// The header value is the base64 of the big-endian digest, as botocore's `b64digest`.
    #[test]
    fn header_values_are_base64_of_the_big_endian_digest() {
        let check = b"123456789";
        assert_eq!(Algorithm::Crc32.digest_base64(check), "y/Q5Jg==");
        assert_eq!(Algorithm::Crc32c.digest_base64(check), "4waSgw==");
        assert_eq!(Algorithm::Crc64Nvme.digest_base64(check), "rosUhgp5mIg=");
        // Empty input: every CRC starts from its own initial value, not from zero bytes.
        assert_eq!(Algorithm::Crc32.digest_base64(b""), "AAAAAA==");
        assert_eq!(Algorithm::Crc64Nvme.digest_base64(b""), "AAAAAAAAAAA=");
        assert_eq!(
            Algorithm::Sha256.digest_base64(b""),
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
    }

    #[test]
    fn names_round_trip_and_unknown_algorithms_are_refused() {
        for a in [
            Algorithm::Crc32,
            Algorithm::Crc32c,
            Algorithm::Crc64Nvme,
            Algorithm::Sha1,
            Algorithm::Sha256,
            Algorithm::Sha512,
        ] {
            assert_eq!(
                Algorithm::from_name(&a.name().to_ascii_uppercase()),
                Some(a)
            );
            assert_eq!(a.header_name(), format!("x-amz-checksum-{}", a.name()));
        }
        assert_eq!(Algorithm::from_name("MD5"), None);
        assert_eq!(Algorithm::from_name("XXHASH64"), None);
    }
}

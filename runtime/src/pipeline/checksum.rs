//! The request checksum of a body that is not in memory (a file, a stream), settled once the
//! endpoint's scheme is known, as botocore 1.44.5's `resolve_request_checksum_algorithm` and
//! `apply_request_checksum` settle it for a streaming-input operation:
//!
//! * over HTTPS, the body is sent `aws-chunked` with the checksum in a trailer
//!   (`Content-Encoding: aws-chunked`, `Transfer-Encoding: chunked`, `x-amz-trailer`,
//!   `x-amz-decoded-content-length`, no `Content-Length`), and signed as
//!   `STREAMING-UNSIGNED-PAYLOAD-TRAILER`: botocore only sends unsigned trailers, so only where
//!   TLS protects the payload;
//! * over plain HTTP, botocore puts the checksum in a header, computed by reading the body
//!   ahead and rewinding it, and signs the payload's SHA-256 (its S3 signer signs every payload
//!   sent without TLS). A body that can be read again (a file, opened anew) gets the same: both
//!   digests are taken in one pass ahead of sending.
//! * A one-shot stream over plain HTTP cannot be rewound, and botocore cannot send one at all;
//!   here it gets the `aws-chunked` trailer, the one form that hashes it as it goes.

use crate::error::{Error, ErrorKind, RawModeled};
use crate::protocol::checksum::{self, Hasher};
use crate::protocol::Request;
use crate::schema::{Operation, UNSIGNED_PAYLOAD};
use crate::types::Body;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use http::header::{CONTENT_ENCODING, CONTENT_LENGTH, TRANSFER_ENCODING};
use http::{HeaderName, HeaderValue};

/// The payload hash botocore signs for an `aws-chunked` body with an unsigned trailer.
pub(crate) const STREAMING_UNSIGNED_PAYLOAD_TRAILER: &str = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";

/// Puts the checksum owed for `req`'s body ([`Request::streamed_checksum`]) in a header or a
/// trailer, by the endpoint's `scheme`.
pub(crate) async fn settle(
    op: &Operation,
    scheme: &str,
    req: &mut Request,
) -> Result<(), Error<RawModeled>> {
    let Some(algorithm) = req.streamed_checksum.take() else {
        return Ok(());
    };
    if scheme.eq_ignore_ascii_case("https") || req.body.is_one_shot() {
        trailer(req, algorithm);
        return Ok(());
    }
    let Some(mut copy) = req.body.try_clone() else {
        // A file that can no longer be opened: sending it would fail the same way.
        return Err(Error::new(
            ErrorKind::ParamValidation,
            "could not read the request body to compute its checksum: it can no longer be opened",
        ));
    };
    let sign_payload = !op.has(UNSIGNED_PAYLOAD);
    let mut hasher = Hasher::new(algorithm);
    let mut sha256 = sign_payload.then(|| Hasher::new(checksum::Algorithm::Sha256));
    while let Some(chunk) = copy.next_chunk().await {
        let chunk = chunk.map_err(|e| e.into_error().map_modeled(|n| match n {}))?;
        hasher.update(&chunk);
        if let Some(h) = sha256.as_mut() {
            h.update(&chunk);
        }
    }
    let digest = STANDARD.encode(hasher.finish());
    req.headers
        .insert(algorithm.header(), checksum::base64_value(digest));
    if let Some(h) = sha256 {
        req.payload_hash = Some(crate::sigv4::hex_lower(&h.finish()));
    }
    Ok(())
}

/// botocore's `_apply_request_trailer_checksum`.
fn trailer(req: &mut Request, algorithm: checksum::Algorithm) {
    let declared_length = req
        .header("content-length")
        .and_then(|v| v.trim().parse::<u64>().ok());
    // Chunked transfer encoding replaces the length; the caller's, when the body's own is
    // unknown, still says how long the decoded body is.
    let headers = &mut req.headers;
    headers.remove(CONTENT_LENGTH);
    let decoded_length = req.body.content_length().or(declared_length);
    headers.insert(TRANSFER_ENCODING, HeaderValue::from_static("chunked"));
    let encoding = match headers.get(CONTENT_ENCODING) {
        Some(existing) => {
            let mut joined = existing.as_bytes().to_vec();
            joined.extend_from_slice(b",aws-chunked");
            // An existing value followed by `,aws-chunked` is still a header value.
            HeaderValue::from_bytes(&joined)
                .unwrap_or_else(|_| HeaderValue::from_static("aws-chunked"))
        }
        None => HeaderValue::from_static("aws-chunked"),
    };
    headers.insert(CONTENT_ENCODING, encoding);
    headers.insert(
        HeaderName::from_static("x-amz-trailer"),
        HeaderValue::from_static(algorithm.header_name()),
    );
    if let Some(len) = decoded_length {
        headers.insert(
            HeaderName::from_static("x-amz-decoded-content-length"),
            HeaderValue::from(len),
        );
    }
    let body = std::mem::take(&mut req.body);
    req.body = Body::aws_chunked(body, algorithm);
    req.payload_hash = Some(STREAMING_UNSIGNED_PAYLOAD_TRAILER.to_string());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::checksum::Algorithm;
    use crate::schema::{prelude as p, Operation};

    static OP: Operation = Operation::new("PutObject", "PUT", "/{Key}", &p::UNIT, &p::UNIT);

    fn request(body: Body) -> Request {
        let mut req = Request::new(http::Method::PUT, "/k");
        req.body = body;
        req.headers
            .insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        req.headers
            .insert(CONTENT_LENGTH, HeaderValue::from_static("11"));
        req.streamed_checksum = Some(Algorithm::Crc32c);
        req
    }

    #[tokio::test]
    async fn https_wraps_the_body_and_keeps_the_callers_encoding() {
        let mut req = request(Body::from_chunks([&b"hello "[..], b"world"]));
        settle(&OP, "https", &mut req).await.unwrap();
        assert_eq!(req.header("content-length"), None);
        assert_eq!(req.header("content-encoding"), Some("gzip,aws-chunked"));
        assert_eq!(req.header("transfer-encoding"), Some("chunked"));
        assert_eq!(req.header("x-amz-trailer"), Some("x-amz-checksum-crc32c"));
        assert_eq!(req.header("x-amz-decoded-content-length"), Some("11"));
        assert_eq!(
            req.payload_hash.as_deref(),
            Some(STREAMING_UNSIGNED_PAYLOAD_TRAILER)
        );
        assert_eq!(req.streamed_checksum, None);
        let body = std::mem::take(&mut req.body).collect().await.unwrap();
        let crc = Algorithm::Crc32c.digest_base64(b"hello world");
        assert_eq!(
            body,
            format!("b\r\nhello world\r\n0\r\nx-amz-checksum-crc32c:{crc}\r\n\r\n")
        );
    }

    #[tokio::test]
    async fn plain_http_reads_a_replayable_body_ahead_for_a_header() {
        let mut req = request(Body::from_chunks([&b"hello "[..], b"world"]));
        settle(&OP, "http", &mut req).await.unwrap();
        assert_eq!(
            req.header("x-amz-checksum-crc32c"),
            Some(Algorithm::Crc32c.digest_base64(b"hello world").as_str())
        );
        assert_eq!(req.header("content-encoding"), Some("gzip"));
        assert_eq!(req.header("x-amz-trailer"), None);
        // `printf 'hello world' | sha256sum`
        assert_eq!(
            req.payload_hash.as_deref(),
            Some("b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9")
        );
        let body = std::mem::take(&mut req.body).collect().await.unwrap();
        assert_eq!(&body[..], b"hello world", "the body itself is still whole");
    }

    #[tokio::test]
    async fn nothing_owed_changes_nothing() {
        let mut req = request(Body::from("x"));
        req.streamed_checksum = None;
        settle(&OP, "https", &mut req).await.unwrap();
        assert_eq!(req.headers.len(), 2);
        assert_eq!(req.payload_hash, None);
        assert_eq!(req.body.bytes().map(|b| &b[..]), Some(&b"x"[..]));
    }
}

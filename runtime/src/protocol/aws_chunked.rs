//! The `aws-chunked` content encoding with a trailing checksum, as botocore 1.44.5's
//! `AwsChunkedWrapper` writes it: every piece of the body becomes `<hex length>\r\n<bytes>\r\n`,
//! and the end is `0\r\n<x-amz-checksum-name>:<base64 digest>\r\n\r\n`.
//!
//! The digest is taken as the bytes go by, so a stream is read exactly once. Like botocore's
//! 1 MiB reads, every chunk but the last is 1 MiB, whatever sizes the wrapped body's frames
//! come in: S3 refuses a chunk under 8 KiB that is not the last (`InvalidChunkSizeError`), and a
//! stream's frames can be that small.

use super::checksum::{Algorithm, Hasher};
use crate::types::{Body, BodyError};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use bytes::{BufMut, Bytes, BytesMut};
use http_body::{Body as _, Frame};
use std::pin::Pin;
use std::task::{Context, Poll};

/// botocore's `AwsChunkedWrapper._DEFAULT_CHUNK_SIZE`.
const CHUNK_SIZE: usize = 1024 * 1024;

/// A full chunk's length line, `CHUNK_SIZE` in hex: written first into the buffer a chunk is
/// gathered in, so a full chunk leaves as it was gathered (each byte copied once, not again
/// into a framed copy: a tenth of a 1 GiB upload's CPU over TLS).
const FULL_HEAD: &[u8] = b"100000\r\n";

/// A body sent `aws-chunked`, its checksum in the trailer.
pub(crate) struct AwsChunked {
    inner: Body,
    algorithm: Algorithm,
    /// The running digest; `None` once the trailer has been sent.
    hasher: Option<Hasher>,
    /// The chunk being gathered: `FULL_HEAD`, then bytes read (and hashed) but not yet sent;
    /// empty between chunks.
    pending: BytesMut,
    /// The rest of a frame (hashed) past the chunk being gathered, for the next ones.
    carry: Bytes,
    /// The wrapped body has ended.
    drained: bool,
}

impl AwsChunked {
    pub(crate) fn new(inner: Body, algorithm: Algorithm) -> AwsChunked {
        AwsChunked {
            inner,
            algorithm,
            hasher: Some(Hasher::new(algorithm)),
            pending: BytesMut::new(),
            carry: Bytes::new(),
            drained: false,
        }
    }

    /// The same encoding of a fresh copy of the wrapped body, when it can be read again.
    pub(crate) fn try_clone(&self) -> Option<AwsChunked> {
        Some(AwsChunked::new(self.inner.try_clone()?, self.algorithm))
    }

    /// Whether the wrapped body can be read only once.
    pub(crate) fn is_one_shot(&self) -> bool {
        self.inner.is_one_shot()
    }

    pub(crate) fn is_end_stream(&self) -> bool {
        self.hasher.is_none()
    }

    pub(crate) fn poll_frame(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BodyError>>> {
        loop {
            let Some(hasher) = self.hasher.as_mut() else {
                return Poll::Ready(None);
            };
            let full = FULL_HEAD.len() + CHUNK_SIZE;
            if !self.carry.is_empty() {
                if self.pending.is_empty() {
                    self.pending.reserve(full + 2);
                    self.pending.put_slice(FULL_HEAD);
                }
                let n = (full - self.pending.len()).min(self.carry.len());
                self.pending.put_slice(&self.carry.split_to(n));
            }
            if self.pending.len() == full {
                self.pending.put_slice(b"\r\n");
                let data = self.pending.split().freeze();
                return Poll::Ready(Some(Ok(Frame::data(data))));
            }
            if self.drained {
                if self.pending.len() > FULL_HEAD.len() {
                    // The last chunk is short: its length line differs, so it is framed anew.
                    let data = chunk(&self.pending[FULL_HEAD.len()..]);
                    self.pending.clear();
                    return Poll::Ready(Some(Ok(Frame::data(data))));
                }
                let digest = self.hasher.take().map(Hasher::finish).unwrap_or_default();
                let trailer = format!(
                    "0\r\n{}:{}\r\n\r\n",
                    self.algorithm.header_name(),
                    STANDARD.encode(digest)
                );
                return Poll::Ready(Some(Ok(Frame::data(Bytes::from(trailer)))));
            }
            match Pin::new(&mut self.inner).poll_frame(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(frame))) => {
                    // A wrapped body's own trailers have no place in this encoding.
                    if let Ok(data) = frame.into_data() {
                        hasher.update(&data);
                        // Taken in above, before the next frame is asked for: `carry` is empty.
                        self.carry = data;
                    }
                }
                Poll::Ready(None) => self.drained = true,
            }
        }
    }
}

/// One chunk: the length in lower-case hex, then the bytes, each line ended by CRLF.
fn chunk(data: &[u8]) -> Bytes {
    let head = format!("{:x}\r\n", data.len());
    let mut out = BytesMut::with_capacity(head.len() + data.len() + 2);
    out.put_slice(head.as_bytes());
    out.put_slice(data);
    out.put_slice(b"\r\n");
    out.freeze()
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn encode(body: Body, algorithm: Algorithm) -> Vec<u8> {
        let wrapped = Body::aws_chunked(body, algorithm);
        wrapped.collect().await.unwrap().to_vec()
    }

    #[tokio::test]
    async fn small_frames_make_one_chunk_and_the_checksum_trails() {
        let body = Body::from_chunks([&b"1234"[..], b"", b"56789abcdef0123456"]);
        let got = encode(body, Algorithm::Crc32).await;
        let crc = Algorithm::Crc32.digest_base64(b"123456789abcdef0123456");
        let want =
            format!("16\r\n123456789abcdef0123456\r\n0\r\nx-amz-checksum-crc32:{crc}\r\n\r\n");
        assert_eq!(String::from_utf8(got).unwrap(), want);
    }

    #[test]
    fn the_full_chunk_head_is_the_chunk_size() {
        assert_eq!(FULL_HEAD, format!("{CHUNK_SIZE:x}\r\n").as_bytes());
    }

    #[tokio::test]
    async fn every_chunk_but_the_last_is_one_mib() {
        let frames: Vec<Vec<u8>> = (0..3u32)
            .map(|f| (0..700_000u32).map(|i| (i * 7 + f * 13) as u8).collect())
            .collect();
        let all = frames.concat();
        let body = Body::from_chunks(frames);
        let got = encode(body, Algorithm::Crc32).await;
        let (mut sizes, mut data) = (Vec::new(), Vec::new());
        let mut rest = &got[..];
        loop {
            let eol = rest.windows(2).position(|w| w == b"\r\n").unwrap();
            let size =
                usize::from_str_radix(std::str::from_utf8(&rest[..eol]).unwrap(), 16).unwrap();
            sizes.push(size);
            if size == 0 {
                rest = &rest[eol + 2..];
                break;
            }
            data.extend_from_slice(&rest[eol + 2..eol + 2 + size]);
            assert_eq!(&rest[eol + 2 + size..eol + 4 + size], b"\r\n");
            rest = &rest[eol + 2 + size + 2..];
        }
        assert_eq!(sizes, [1 << 20, 1 << 20, 2_100_000 - (2 << 20), 0]);
        assert!(data == all, "the chunks hold the body's bytes in order");
        let crc = Algorithm::Crc32.digest_base64(&all);
        assert_eq!(
            rest,
            format!("x-amz-checksum-crc32:{crc}\r\n\r\n").as_bytes()
        );
    }

    #[tokio::test]
    async fn an_empty_body_is_only_the_trailer() {
        let got = encode(Body::empty(), Algorithm::Crc64Nvme).await;
        assert_eq!(
            got,
            b"0\r\nx-amz-checksum-crc64nvme:AAAAAAAAAAA=\r\n\r\n".to_vec()
        );
    }

    #[tokio::test]
    async fn a_copy_starts_over_with_a_fresh_digest() {
        let body = Body::aws_chunked(Body::from_chunks([&b"abc"[..]]), Algorithm::Sha1);
        let copy = body.try_clone().expect("in memory: replayable");
        let first = body.collect().await.unwrap();
        let second = copy.collect().await.unwrap();
        assert_eq!(first, second);
        assert!(!first.is_empty());
    }
}

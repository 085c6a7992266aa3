use crate::protocol::response_checksum::{ChecksumMismatch, Validator};
use bytes::{Bytes, BytesMut};
use http_body::{Body as _, Frame, SizeHint};
use http_body_util::BodyExt;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::Sleep;

/// A streaming payload: what a user uploads (`put_object().body(..)`) or downloads
/// (`get_object` output). In-memory bodies are replayable, so a retry resends them whole;
/// a response body is read once, as a stream.
pub struct Body(Inner);

enum Inner {
    Bytes(Bytes),
    Incoming(Stream),
}

/// A response body being received, with the read timeout between its frames.
struct Stream {
    body: hyper::body::Incoming,
    read_timeout: Option<Duration>,
    /// Armed while a frame is awaited; reset whenever one arrives.
    timer: Option<Pin<Box<Sleep>>>,
    /// The response's checksum, checked once the last frame has been read.
    /// Boxed: a SHA-512 state would otherwise triple the size of every `Body` and `Value`.
    validator: Option<Box<Validator>>,
}

/// Reading a response body failed: the connection dropped mid-stream, no data arrived within
/// the read timeout, or the body did not match the checksum the response gave for it.
#[derive(Debug)]
pub struct BodyError(Repr);

#[derive(Debug)]
enum Repr {
    Hyper(hyper::Error),
    Timeout(Duration),
    Checksum(ChecksumMismatch),
}

impl BodyError {
    /// Whether the body stalled past the read timeout (botocore's `ReadTimeoutError`), rather
    /// than the connection failing.
    pub fn is_timeout(&self) -> bool {
        matches!(self.0, Repr::Timeout(_))
    }

    /// The checksum mismatch, when that is what failed.
    pub fn checksum_mismatch(&self) -> Option<&ChecksumMismatch> {
        match &self.0 {
            Repr::Checksum(m) => Some(m),
            _ => None,
        }
    }

    /// The rboto error for this failure: `ReadTimeout` or `Connection`, both retryable, or a
    /// checksum mismatch as `ResponseParse`, which botocore does not retry.
    pub fn into_error(self) -> crate::error::Error {
        use crate::error::{Error, ErrorKind};
        let (kind, retryable) = match self.0 {
            Repr::Timeout(_) => (ErrorKind::ReadTimeout, true),
            Repr::Hyper(_) => (ErrorKind::Connection, true),
            Repr::Checksum(_) => (ErrorKind::ResponseParse, false),
        };
        Error::new(kind, self.to_string())
            .with_source(self)
            .with_retry(retryable, false)
    }
}

impl fmt::Display for BodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Hyper(e) => write!(f, "failed to read the response body: {e}"),
            Repr::Timeout(t) => write!(
                f,
                "read timeout: no data received for {} ms while reading the response body",
                t.as_millis()
            ),
            Repr::Checksum(m) => m.fmt(f),
        }
    }
}

impl std::error::Error for BodyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.0 {
            Repr::Hyper(e) => Some(e),
            Repr::Timeout(_) => None,
            Repr::Checksum(m) => Some(m),
        }
    }
}

impl Body {
    pub fn empty() -> Self {
        Body(Inner::Bytes(Bytes::new()))
    }

    /// A response body whose frames must each arrive within `read_timeout` of asking.
    pub(crate) fn incoming_with_timeout(
        body: hyper::body::Incoming,
        read_timeout: Option<Duration>,
    ) -> Self {
        Body(Inner::Incoming(Stream {
            body,
            read_timeout,
            timer: None,
            validator: None,
        }))
    }

    /// This response body, failing at its end unless it matches `validator`'s checksum.
    pub(crate) fn validated_by(mut self, validator: Validator) -> Self {
        if let Inner::Incoming(s) = &mut self.0 {
            s.validator = Some(Box::new(validator));
        }
        self
    }

    /// The whole body when it is in memory (and so can be signed and resent).
    /// A copy of an in-memory body (cheap: the bytes are shared), so a retry can resend it;
    /// `None` for a stream, which can only be sent once.
    pub fn try_clone(&self) -> Option<Body> {
        self.bytes().map(|b| Body(Inner::Bytes(b.clone())))
    }

    pub fn bytes(&self) -> Option<&Bytes> {
        match &self.0 {
            Inner::Bytes(b) => Some(b),
            Inner::Incoming(_) => None,
        }
    }

    /// The length when known without reading.
    pub fn content_length(&self) -> Option<u64> {
        match &self.0 {
            Inner::Bytes(b) => Some(b.len() as u64),
            Inner::Incoming(s) => http_body::Body::size_hint(&s.body).exact(),
        }
    }

    /// The next chunk of data, `None` at the end.
    pub async fn next_chunk(&mut self) -> Option<Result<Bytes, BodyError>> {
        loop {
            match self.frame().await? {
                Ok(frame) => match frame.into_data() {
                    Ok(data) if data.is_empty() => continue,
                    Ok(data) => return Some(Ok(data)),
                    Err(_trailers) => continue,
                },
                Err(e) => return Some(Err(e)),
            }
        }
    }

    /// Reads the rest of the body into memory.
    pub async fn collect(mut self) -> Result<Bytes, BodyError> {
        if let Inner::Bytes(b) = self.0 {
            return Ok(b);
        }
        let mut buf = BytesMut::new();
        while let Some(chunk) = self.next_chunk().await {
            buf.extend_from_slice(&chunk?);
        }
        Ok(buf.freeze())
    }
}

impl http_body::Body for Body {
    type Data = Bytes;
    type Error = BodyError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BodyError>>> {
        match &mut self.get_mut().0 {
            Inner::Bytes(b) if b.is_empty() => Poll::Ready(None),
            Inner::Bytes(b) => Poll::Ready(Some(Ok(Frame::data(std::mem::take(b))))),
            Inner::Incoming(s) => s.poll_frame(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.0 {
            Inner::Bytes(b) => b.is_empty(),
            // Not ended until the checksum has been checked on a last poll.
            Inner::Incoming(s) => s.validator.is_none() && s.body.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.0 {
            Inner::Bytes(b) => SizeHint::with_exact(b.len() as u64),
            Inner::Incoming(s) => s.body.size_hint(),
        }
    }
}

impl Stream {
    fn poll_frame(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BodyError>>> {
        match Pin::new(&mut self.body).poll_frame(cx) {
            Poll::Ready(r) => {
                self.timer = None;
                Poll::Ready(match r {
                    Some(Ok(frame)) => {
                        if let (Some(v), Some(data)) = (self.validator.as_mut(), frame.data_ref()) {
                            v.update(data);
                        }
                        Some(Ok(frame))
                    }
                    Some(Err(e)) => Some(Err(BodyError(Repr::Hyper(e)))),
                    None => match self.validator.take().map(|v| v.finish()) {
                        Some(Err(mismatch)) => Some(Err(BodyError(Repr::Checksum(mismatch)))),
                        _ => None,
                    },
                })
            }
            Poll::Pending => {
                let Some(timeout) = self.read_timeout else {
                    return Poll::Pending;
                };
                let timer = self
                    .timer
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
                match timer.as_mut().poll(cx) {
                    Poll::Ready(()) => {
                        self.timer = None;
                        Poll::Ready(Some(Err(BodyError(Repr::Timeout(timeout)))))
                    }
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }
}

impl Default for Body {
    fn default() -> Self {
        Body::empty()
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Inner::Bytes(b) => write!(f, "Body({} bytes)", b.len()),
            Inner::Incoming(_) => f.write_str("Body(stream)"),
        }
    }
}

impl From<Bytes> for Body {
    fn from(b: Bytes) -> Self {
        Body(Inner::Bytes(b))
    }
}
impl From<Vec<u8>> for Body {
    fn from(b: Vec<u8>) -> Self {
        Body(Inner::Bytes(b.into()))
    }
}
impl From<String> for Body {
    fn from(s: String) -> Self {
        Body(Inner::Bytes(s.into()))
    }
}
impl From<&'static str> for Body {
    fn from(s: &'static str) -> Self {
        Body(Inner::Bytes(Bytes::from_static(s.as_bytes())))
    }
}
impl From<&'static [u8]> for Body {
    fn from(s: &'static [u8]) -> Self {
        Body(Inner::Bytes(Bytes::from_static(s)))
    }
}

use crate::protocol::aws_chunked::AwsChunked;
use crate::protocol::checksum::Algorithm;
use crate::protocol::event_input::EventBody;
use crate::protocol::response_checksum::{ChecksumMismatch, Validator};
use bytes::{Bytes, BytesMut};
use http_body::{Body as _, Frame, SizeHint};
use http_body_util::BodyExt;
use std::fmt;
use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};
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
    /// In memory, delivered as these frames, in order.
    Chunks(std::collections::VecDeque<Bytes>),
    // Boxed, like the two below: inline, these made every `Body` and so every `Value` 152
    // bytes, and a parsed response is thousands of `Value`s (a DynamoDB union alone is a slot
    // per member). Now both are 40 bytes, and a response stream costs one allocation.
    Incoming(Box<Stream>),
    File(Box<FileBody>),
    /// Another body sent `aws-chunked` with its checksum in a trailer.
    AwsChunked(Box<AwsChunked>),
    /// An input event stream, encoded and signed event by event as it is sent.
    Events(Box<EventBody>),
}

/// A file (or a range of one) being uploaded, read as it is sent; replayable by opening it
/// again. The file is read [`FILE_READ`] bytes at a time at their position (`pread`) on
/// tokio's blocking pool, straight into the buffer the frames are cut from (no copy), and the
/// next read starts as soon as one completes, so reading the file overlaps sending it.
struct FileBody {
    path: PathBuf,
    /// Where the bytes sent start in the file.
    offset: u64,
    /// The `content-length` sent, and how much is read.
    len: u64,
    /// Not yet handed out as frames.
    remaining: u64,
    /// Not yet read from the file (nor being read).
    unread: u64,
    file: std::sync::Arc<std::fs::File>,
    /// Read, not yet handed out.
    buffered: Bytes,
    /// The read under way, if any: the chunk, and the buffer it was cut from to recycle.
    next: Option<PendingRead>,
    /// Buffers of earlier reads, reused once every frame cut from them has been sent: fresh
    /// memory for every read would cost a page fault per 4 KiB.
    recycled: Vec<BytesMut>,
    /// Told how many bytes of this copy have been read, after each chunk.
    observer: Option<ReadObserver>,
}

type ReadObserver = std::sync::Arc<dyn Fn(u64) + Send + Sync>;

/// How much of a file one frame carries (and so how finely upload progress is reported).
const FILE_CHUNK: u64 = 64 * 1024;

/// How much of a file one read takes: a trip to the blocking pool costs about as much as
/// copying a few KiB, so reads are large; a body holds at most two (the one its frames are
/// cut from and the one under way).
const FILE_READ: u64 = 512 * 1024;

/// A response body being received, with the read timeout between its frames.
struct Stream {
    body: hyper::body::Incoming,
    read_timeout: Option<Duration>,
    /// Armed while a frame is awaited; reset whenever one arrives.
    timer: Option<Pin<Box<Sleep>>>,
    /// The response's checksum, checked once the last frame has been read.
    /// Boxed: a SHA-512 state would otherwise triple the size of every `Body` and `Value`.
    validator: Option<Box<Validator>>,
    /// The request's turn on its host's connections (see `crate::http`'s `limit`): given back
    /// when the body ends or fails, or is dropped unread, as the connection is then free.
    turn: Option<tokio::sync::OwnedSemaphorePermit>,
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
    /// Reading a file being uploaded failed.
    File(io::Error),
    /// A response body that is read whole was longer than the limit.
    TooLarge(usize),
    /// An event of an input event stream could not be encoded or signed.
    Event(crate::error::ErrorKind, String),
}

impl BodyError {
    pub(crate) fn event(kind: crate::error::ErrorKind, message: String) -> Self {
        BodyError(Repr::Event(kind, message))
    }

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
            Repr::File(_) => (ErrorKind::ParamValidation, false),
            Repr::TooLarge(_) => (ErrorKind::ResponseParse, false),
            Repr::Event(kind, _) => (kind, false),
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
            Repr::File(e) => write!(f, "could not read the request body's file: {e}"),
            Repr::TooLarge(limit) => write!(
                f,
                "the response body is larger than the {limit}-byte limit for a response \
                 that is not streamed"
            ),
            Repr::Event(_, message) => f.write_str(message),
        }
    }
}

impl std::error::Error for BodyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.0 {
            Repr::Hyper(e) => Some(e),
            Repr::Timeout(_) => None,
            Repr::Checksum(m) => Some(m),
            Repr::File(e) => Some(e),
            Repr::TooLarge(_) | Repr::Event(..) => None,
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
        Body(Inner::Incoming(Box::new(Stream {
            body,
            read_timeout,
            timer: None,
            validator: None,
            turn: None,
        })))
    }

    /// This response body, holding `turn` (its request's turn on the host's connections, see
    /// `crate::http`'s `limit`) until it ends, fails or is dropped.
    pub(crate) fn holding(mut self, turn: Option<tokio::sync::OwnedSemaphorePermit>) -> Self {
        if let Inner::Incoming(s) = &mut self.0 {
            s.turn = turn;
        }
        self
    }

    /// This response body, its turn given back now: for a body handed to the caller unread (a
    /// streaming payload, an event stream), so that a program holding more unread bodies than
    /// `max_pool_connections` never waits on itself.
    pub(crate) fn ending_turn(self) -> Self {
        self.holding(None)
    }

    /// This response body, failing at its end unless it matches `validator`'s checksum.
    pub(crate) fn validated_by(mut self, validator: Validator) -> Self {
        if let Inner::Incoming(s) = &mut self.0 {
            s.validator = Some(Box::new(validator));
        }
        self
    }

    /// A body in memory that is delivered in these pieces, one frame each: what a server
    /// streaming its answer looks like (an event stream split anywhere), for tests and stubbed
    /// connectors. Replayable, like any body in memory.
    pub fn from_chunks<I>(chunks: I) -> Body
    where
        I: IntoIterator,
        I::Item: Into<Bytes>,
    {
        Body(Inner::Chunks(chunks.into_iter().map(Into::into).collect()))
    }

    /// `inner` sent `aws-chunked`, its `algorithm` checksum computed on the way and sent as the
    /// trailer (see [`crate::protocol::aws_chunked`]).
    pub(crate) fn aws_chunked(inner: Body, algorithm: Algorithm) -> Body {
        Body(Inner::AwsChunked(Box::new(AwsChunked::new(
            inner, algorithm,
        ))))
    }

    /// Whether the body can be sent only once (a response being received), so that nothing
    /// may read it ahead of sending.
    pub(crate) fn is_one_shot(&self) -> bool {
        match &self.0 {
            Inner::Incoming(_) | Inner::Events(_) => true,
            Inner::AwsChunked(c) => c.is_one_shot(),
            Inner::Bytes(_) | Inner::Chunks(_) | Inner::File(_) => false,
        }
    }

    /// The contents of the file at `path`, read as it is sent rather than loaded into memory.
    /// A retry opens the file again, so it must not change until the call returns.
    pub async fn from_path(path: impl AsRef<Path>) -> io::Result<Body> {
        let path = path.as_ref().to_path_buf();
        let (file, len) = open(path.clone()).await?;
        Ok(Body(Inner::File(Box::new(FileBody::new(
            path, file, 0, len,
        )))))
    }

    /// `len` bytes of the file at `path` from `offset` (one part of a multipart upload), read
    /// as they are sent, like [`Body::from_path`]; a retry opens the file again at `offset`.
    /// A range reaching past the end of the file is an `InvalidInput` error.
    pub async fn from_path_range(
        path: impl AsRef<Path>,
        offset: u64,
        len: u64,
    ) -> io::Result<Body> {
        let path = path.as_ref().to_path_buf();
        let (file, size) = open(path.clone()).await?;
        if offset.checked_add(len).is_none_or(|end| end > size) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "{len} bytes from offset {offset} reach past the end of {} ({size} bytes)",
                    path.display()
                ),
            ));
        }
        Ok(Body(Inner::File(Box::new(FileBody::new(
            path, file, offset, len,
        )))))
    }

    /// This body, calling `observer` after each chunk read from its file with how many of its
    /// bytes have been read so far (upload progress as bytes are sent). A copy made for a
    /// retry ([`Body::try_clone`]) keeps the observer and counts again from 0. Only a file
    /// body is read piecewise: any other body is returned unchanged, never observed.
    pub fn observe_reads(mut self, observer: impl Fn(u64) + Send + Sync + 'static) -> Body {
        if let Inner::File(f) = &mut self.0 {
            f.observer = Some(std::sync::Arc::new(observer));
        }
        self
    }

    /// A copy to send again, so a retry can resend the body: the bytes shared when in memory,
    /// the file opened again from its start; `None` for a response stream, which is read once
    /// (and for a file that can no longer be opened).
    pub fn try_clone(&self) -> Option<Body> {
        match &self.0 {
            Inner::Bytes(b) => Some(Body(Inner::Bytes(b.clone()))),
            Inner::Chunks(c) => Some(Body(Inner::Chunks(c.clone()))),
            Inner::Incoming(_) => None,
            Inner::File(f) => f.reopen().map(|f| Body(Inner::File(Box::new(f)))),
            Inner::AwsChunked(c) => Some(Body(Inner::AwsChunked(Box::new(c.try_clone()?)))),
            // The caller's events are sent once.
            Inner::Events(_) => None,
        }
    }

    /// An input event stream's body.
    pub(crate) fn events(events: EventBody) -> Body {
        Body(Inner::Events(Box::new(events)))
    }

    /// The input event stream this body sends, if it is one.
    pub(crate) fn events_mut(&mut self) -> Option<&mut EventBody> {
        match &mut self.0 {
            Inner::Events(e) => Some(e),
            _ => None,
        }
    }

    /// The whole body when it is in memory (and so can be hashed for signing and checksums).
    pub fn bytes(&self) -> Option<&Bytes> {
        match &self.0 {
            Inner::Bytes(b) => Some(b),
            Inner::Chunks(_)
            | Inner::Incoming(_)
            | Inner::File(_)
            | Inner::AwsChunked(_)
            | Inner::Events(_) => None,
        }
    }

    /// The length when known without reading.
    pub fn content_length(&self) -> Option<u64> {
        match &self.0 {
            Inner::Bytes(b) => Some(b.len() as u64),
            Inner::Chunks(c) => Some(chunks_len(c)),
            Inner::Incoming(s) => http_body::Body::size_hint(&s.body).exact(),
            Inner::File(f) => Some(f.len),
            // Known only once every chunk has been cut: sent with chunked transfer encoding.
            Inner::AwsChunked(_) | Inner::Events(_) => None,
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

    /// [`Body::collect`], failing once more than `limit` bytes have arrived: a body that is
    /// read whole into memory must not be able to take all of it.
    pub async fn collect_limited(self, limit: usize) -> Result<Bytes, BodyError> {
        self.collect_at_most(limit)
            .await?
            .ok_or(BodyError(Repr::TooLarge(limit)))
    }

    /// Up to `limit` bytes of the body and whether it ended there; `None` past the limit.
    async fn collect_at_most(mut self, limit: usize) -> Result<Option<Bytes>, BodyError> {
        if let Inner::Bytes(b) = self.0 {
            return Ok((b.len() <= limit).then_some(b));
        }
        let mut buf = BytesMut::new();
        while let Some(chunk) = self.next_chunk().await {
            let chunk = chunk?;
            if buf.len() + chunk.len() > limit {
                return Ok(None);
            }
            buf.extend_from_slice(&chunk);
        }
        Ok(Some(buf.freeze()))
    }

    /// The first `limit` bytes of the body (all of it when shorter); the rest is not read.
    pub(crate) async fn collect_truncated(mut self, limit: usize) -> Result<Bytes, BodyError> {
        let mut buf = BytesMut::new();
        while buf.len() < limit {
            match self.next_chunk().await {
                Some(chunk) => {
                    let chunk = chunk?;
                    let room = limit - buf.len();
                    buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
                }
                None => break,
            }
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
            Inner::Chunks(c) => Poll::Ready(c.pop_front().map(|b| Ok(Frame::data(b)))),
            Inner::Incoming(s) => s.poll_frame(cx),
            Inner::File(f) => f.poll_frame(cx),
            Inner::AwsChunked(c) => c.poll_frame(cx),
            Inner::Events(e) => e.poll_frame(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.0 {
            Inner::Bytes(b) => b.is_empty(),
            Inner::Chunks(c) => c.is_empty(),
            // Not ended until the checksum has been checked on a last poll.
            Inner::Incoming(s) => s.validator.is_none() && s.body.is_end_stream(),
            Inner::File(f) => f.remaining == 0,
            Inner::AwsChunked(c) => c.is_end_stream(),
            Inner::Events(e) => e.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.0 {
            Inner::Bytes(b) => SizeHint::with_exact(b.len() as u64),
            Inner::Chunks(c) => SizeHint::with_exact(chunks_len(c)),
            Inner::Incoming(s) => s.body.size_hint(),
            Inner::File(f) => SizeHint::with_exact(f.remaining),
            Inner::AwsChunked(_) | Inner::Events(_) => SizeHint::default(),
        }
    }
}

impl Stream {
    /// The connection is free once the body has ended: the next waiting request may go.
    fn end_turn(&mut self) -> &mut Self {
        self.turn = None;
        self
    }

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
                    Some(Err(e)) => {
                        self.end_turn();
                        Some(Err(BodyError(Repr::Hyper(e))))
                    }
                    None => match self.end_turn().validator.take().map(|v| v.finish()) {
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

impl FileBody {
    fn new(path: PathBuf, file: std::fs::File, offset: u64, len: u64) -> FileBody {
        FileBody {
            path,
            offset,
            len,
            remaining: len,
            unread: len,
            file: std::sync::Arc::new(file),
            buffered: Bytes::new(),
            next: None,
            recycled: Vec::new(),
            observer: None,
        }
    }

    /// A buffer for a read of `want` bytes: a recycled one whose frames are all gone, else a
    /// new one.
    fn buffer(&mut self, want: usize) -> BytesMut {
        match self.recycled.iter_mut().position(|b| b.try_reclaim(want)) {
            Some(i) => self.recycled.swap_remove(i),
            None => BytesMut::new(),
        }
    }

    /// Starts reading the next piece of the file, unless a read is under way or all is read.
    fn start_read(&mut self) {
        if self.next.is_some() || self.unread == 0 {
            return;
        }
        let want = self.unread.min(FILE_READ) as usize;
        let at = self.offset + (self.len - self.unread);
        self.unread -= want as u64;
        let (file, buf) = (self.file.clone(), self.buffer(want));
        self.next = Some(Box::pin(crate::__private::blocking::spawn_blocking(
            move || read_chunk_at(&file, at, want, buf),
        )));
    }

    fn poll_frame(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BodyError>>> {
        if self.remaining == 0 {
            return Poll::Ready(None);
        }
        if self.buffered.is_empty() {
            self.start_read();
            let Some(next) = self.next.as_mut() else {
                return Poll::Ready(None);
            };
            let read = match next.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(read) => read,
            };
            self.next = None;
            let chunk = match read {
                Ok(Ok((chunk, buf))) => {
                    // Two are enough: the one being sent and the one sent before it.
                    if self.recycled.len() == 2 {
                        self.recycled.remove(0);
                    }
                    self.recycled.push(buf);
                    chunk
                }
                Ok(Err(e)) => return Poll::Ready(Some(Err(BodyError(Repr::File(e))))),
                // The read panicked, or the runtime is shutting down.
                Err(e) => {
                    return Poll::Ready(Some(Err(BodyError(Repr::File(io::Error::other(e))))))
                }
            };
            if chunk.is_empty() {
                // Shorter than when opened: the content-length sent can no longer be met.
                let e = io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!(
                        "{} shrank while being sent ({} of {} bytes left)",
                        self.path.display(),
                        self.remaining,
                        self.len
                    ),
                );
                return Poll::Ready(Some(Err(BodyError(Repr::File(e)))));
            }
            // Nothing else is under way: all but this chunk is still to read (the rest of a
            // short read, should the file have shrunk, is asked for again and found missing).
            self.unread = self.remaining - chunk.len() as u64;
            self.buffered = chunk;
            // Read ahead while these bytes are being sent.
            self.start_read();
        }
        let frame = self
            .buffered
            .split_to(self.buffered.len().min(FILE_CHUNK as usize));
        self.remaining -= frame.len() as u64;
        if let Some(observe) = &self.observer {
            observe(self.len - self.remaining);
        }
        Poll::Ready(Some(Ok(Frame::data(frame))))
    }

    /// The same bytes from their start, for another attempt: the file opened again.
    fn reopen(&self) -> Option<FileBody> {
        let file = std::fs::File::open(&self.path).ok()?;
        let mut copy = FileBody::new(self.path.clone(), file, self.offset, self.len);
        copy.observer = self.observer.clone();
        Some(copy)
    }
}

/// A piece of the file being read on the blocking pool (through the runtime's one way onto it,
/// `__private::blocking`, which keeps tokio's task code compiled once), with its buffer.
type PendingRead = Pin<
    Box<
        dyn Future<Output = Result<io::Result<(Bytes, BytesMut)>, tokio::task::JoinError>>
            + Send
            + Sync,
    >,
>;

/// Opens `path` (on the blocking pool) and reads its size.
async fn open(path: PathBuf) -> io::Result<(std::fs::File, u64)> {
    let opened = crate::__private::blocking::spawn_blocking(move || {
        let file = std::fs::File::open(&path)?;
        let len = file.metadata()?.len();
        Ok::<_, io::Error>((file, len))
    })
    .await;
    opened.map_err(io::Error::other)?
}

/// Up to `want` bytes of `file` from `at` (fewer only at the end of the file), read into
/// `buf`; returned with `buf`, emptied but still sharing the chunk's memory, to recycle.
fn read_chunk_at(
    file: &std::fs::File,
    at: u64,
    want: usize,
    mut buf: BytesMut,
) -> io::Result<(Bytes, BytesMut)> {
    buf.clear();
    if buf.capacity() < want {
        // Fresh memory, zeroed by the allocator (untouched pages stay unmapped until read).
        buf = BytesMut::zeroed(want);
    } else {
        buf.resize(want, 0);
    }
    let mut filled = 0;
    while filled < want {
        match read_at(file, &mut buf[filled..], at + filled as u64) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    buf.truncate(filled);
    let chunk = buf.split().freeze();
    Ok((chunk, buf))
}

#[cfg(unix)]
fn read_at(file: &std::fs::File, buf: &mut [u8], at: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, at)
}

#[cfg(windows)]
fn read_at(file: &std::fs::File, buf: &mut [u8], at: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, at)
}

fn chunks_len(chunks: &std::collections::VecDeque<Bytes>) -> u64 {
    chunks.iter().map(|b| b.len() as u64).sum()
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
            Inner::Chunks(c) => write!(f, "Body({} bytes in {} chunks)", chunks_len(c), c.len()),
            Inner::Incoming(_) => f.write_str("Body(stream)"),
            Inner::File(file) => write!(f, "Body({}, {} bytes)", file.path.display(), file.len),
            Inner::AwsChunked(_) => f.write_str("Body(aws-chunked)"),
            Inner::Events(_) => f.write_str("Body(input event stream)"),
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

#[cfg(test)]
mod tests {
    use super::Body;

    fn chunks() -> Body {
        Body::from_chunks([&b"abcd"[..], b"efgh", b"ij"])
    }

    #[tokio::test]
    async fn a_body_read_whole_stops_at_its_limit() {
        assert_eq!(
            &chunks().collect_limited(10).await.unwrap()[..],
            b"abcdefghij"
        );
        let err = chunks().collect_limited(9).await.unwrap_err();
        assert!(
            err.to_string().contains("larger than the 9-byte limit"),
            "{err}"
        );
        assert_eq!(
            err.into_error().kind(),
            crate::error::ErrorKind::ResponseParse
        );
        assert!(Body::from(vec![0u8; 5]).collect_limited(4).await.is_err());
    }

    /// A file of 200 KiB (more than three chunks) whose byte `i` is `i % 251`, removed on drop.
    struct TempFile(std::path::PathBuf);

    impl TempFile {
        fn new(name: &str) -> TempFile {
            let path =
                std::env::temp_dir().join(format!("rboto-body-{}-{name}", std::process::id()));
            let data: Vec<u8> = (0..200 * 1024).map(|i| (i % 251) as u8).collect();
            std::fs::write(&path, data).unwrap();
            TempFile(path)
        }
    }

    impl Drop for TempFile {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    fn expected(offset: u64, len: u64) -> Vec<u8> {
        (offset..offset + len).map(|i| (i % 251) as u8).collect()
    }

    #[tokio::test]
    async fn a_file_range_reads_exactly_its_bytes_and_again_on_a_retry() {
        let file = TempFile::new("range");
        let (offset, len) = (70_001, 100_000);
        let mut body = Body::from_path_range(&file.0, offset, len).await.unwrap();
        assert_eq!(body.content_length(), Some(len));
        assert!(!body.is_one_shot());
        // Half read, as by an attempt that failed mid-send: the copy still starts at `offset`.
        let first = body.next_chunk().await.unwrap().unwrap();
        assert_eq!(&first[..], &expected(offset, first.len() as u64)[..]);
        let retry = body.try_clone().expect("a file range is replayable");
        let rest = body.collect().await.unwrap();
        assert_eq!(rest.len() as u64, len - first.len() as u64);
        assert_eq!(
            &retry.collect().await.unwrap()[..],
            &expected(offset, len)[..]
        );
        // The range may end at the end of the file, and be empty.
        let tail = Body::from_path_range(&file.0, 200 * 1024 - 5, 5)
            .await
            .unwrap();
        assert_eq!(
            &tail.collect().await.unwrap()[..],
            &expected(200 * 1024 - 5, 5)[..]
        );
        let empty = Body::from_path_range(&file.0, 200 * 1024, 0).await.unwrap();
        assert!(empty.collect().await.unwrap().is_empty());
    }

    /// A range spanning several reads (each cut into frames) arrives whole and in order.
    #[tokio::test]
    async fn a_file_range_longer_than_a_read_arrives_in_order() {
        use super::{FILE_CHUNK, FILE_READ};
        let path = std::env::temp_dir().join(format!("rboto-body-{}-reads", std::process::id()));
        let size = 3 * FILE_READ + 12_345;
        let data: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, data).unwrap();
        let file = TempFile(path);
        let (offset, len) = (777, 2 * FILE_READ + 9_999);
        let mut body = Body::from_path_range(&file.0, offset, len).await.unwrap();
        let mut got = Vec::new();
        while let Some(chunk) = body.next_chunk().await {
            let chunk = chunk.unwrap();
            assert!(chunk.len() as u64 <= FILE_CHUNK, "{}", chunk.len());
            got.extend_from_slice(&chunk);
        }
        assert_eq!(got.len() as u64, len);
        assert!(got == expected(offset, len));
    }

    #[tokio::test]
    async fn a_file_range_past_the_end_is_refused() {
        let file = TempFile::new("past-end");
        for (offset, len) in [(200 * 1024 - 5, 6), (u64::MAX, 2)] {
            let err = Body::from_path_range(&file.0, offset, len)
                .await
                .unwrap_err();
            assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
            assert!(err.to_string().contains("past the end"), "{err}");
        }
        let missing = Body::from_path_range(file.0.with_extension("missing"), 0, 1).await;
        assert_eq!(missing.unwrap_err().kind(), std::io::ErrorKind::NotFound);
    }

    #[tokio::test]
    async fn reads_of_a_file_are_observed_and_counted_again_by_a_copy() {
        use std::sync::{Arc, Mutex};
        let file = TempFile::new("observed");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s = seen.clone();
        let body = Body::from_path_range(&file.0, 1000, 150_000)
            .await
            .unwrap()
            .observe_reads(move |n| s.lock().unwrap().push(n));
        let copy = body.try_clone().unwrap();
        body.collect().await.unwrap();
        assert_eq!(*seen.lock().unwrap(), [65_536, 131_072, 150_000]);
        seen.lock().unwrap().clear();
        copy.collect().await.unwrap();
        assert_eq!(*seen.lock().unwrap(), [65_536, 131_072, 150_000]);
        // A body in memory is handed over whole: nothing to observe.
        let s = seen.clone();
        let bytes = Body::from(vec![1u8; 10]).observe_reads(move |n| s.lock().unwrap().push(n));
        assert_eq!(bytes.collect().await.unwrap().len(), 10);
        assert_eq!(seen.lock().unwrap().len(), 3);
    }

    #[tokio::test]
    async fn an_error_body_is_cut_short() {
        assert_eq!(&chunks().collect_truncated(6).await.unwrap()[..], b"abcdef");
        assert_eq!(
            &chunks().collect_truncated(64).await.unwrap()[..],
            b"abcdefghij"
        );
    }
}

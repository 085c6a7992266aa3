//! Incremental decoding: a response body arrives in chunks that split frames anywhere.

use bytes::BytesMut;

use super::message::{decode_frame, read_prelude, Prelude, PRELUDE_LEN};
use super::{EventStreamError, Message};

/// Turns a byte stream, pushed in chunks of any size, into messages.
///
/// ```
/// # fn demo(chunks: Vec<&[u8]>) -> Result<(), rboto::eventstream::EventStreamError> {
/// let mut decoder = rboto::eventstream::Decoder::new();
/// for chunk in chunks {
///     decoder.push(chunk);
///     while let Some(message) = decoder.next_message()? {
///         println!("{:?}", message.event_type());
///     }
/// }
/// decoder.end();
/// while let Some(message) = decoder.next_message()? { // errors if a frame was cut short
///     println!("{:?}", message.event_type());
/// }
/// # Ok(()) }
/// ```
///
/// Memory is bounded by what the caller pushes plus one frame, and a frame is at most
/// [`super::MAX_MESSAGE_SIZE`]: the prelude is checked before its length is trusted.
#[derive(Debug, Default)]
pub struct Decoder {
    buf: BytesMut,
    /// The current frame's prelude, once it has been received and checked.
    prelude: Option<Prelude>,
    ended: bool,
    /// The first error; the stream cannot be resynchronised after it, so it is sticky.
    failed: Option<EventStreamError>,
}

impl Decoder {
    /// A decoder at the start of a stream.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends the next bytes of the stream. After an error they are dropped: nothing after a
    /// bad frame can be decoded.
    pub fn push(&mut self, chunk: &[u8]) {
        if self.failed.is_none() {
            self.buf.extend_from_slice(chunk);
        }
    }

    /// Marks the end of the stream: from now on, bytes that do not make up a whole frame are
    /// a [`EventStreamError::TruncatedFrame`] instead of a reason to wait.
    pub fn end(&mut self) {
        self.ended = true;
    }

    /// Bytes received but not yet returned as messages.
    pub fn buffered_len(&self) -> usize {
        self.buf.len()
    }

    /// The next complete message, `Ok(None)` when more bytes are needed (or, after
    /// [`Self::end`], when the stream ended cleanly between frames).
    pub fn next_message(&mut self) -> Result<Option<Message>, EventStreamError> {
        if let Some(err) = &self.failed {
            return Err(err.clone());
        }
        let result = self.try_next();
        if let Err(err) = &result {
            self.failed = Some(err.clone());
            self.buf = BytesMut::new();
        }
        result
    }

    fn try_next(&mut self) -> Result<Option<Message>, EventStreamError> {
        let prelude = match self.prelude {
            Some(prelude) => prelude,
            None => match self.buf.first_chunk::<PRELUDE_LEN>() {
                Some(bytes) => *self.prelude.insert(read_prelude(bytes)?),
                None => return self.incomplete(PRELUDE_LEN),
            },
        };
        if self.buf.len() < prelude.total {
            // The length is checked against the limit, so reserving it up front is bounded and
            // saves regrowing the buffer chunk by chunk.
            self.buf.reserve(prelude.total - self.buf.len());
            return self.incomplete(prelude.total);
        }
        self.prelude = None;
        let frame = self.buf.split_to(prelude.total).freeze();
        decode_frame(frame, prelude).map(Some)
    }

    fn incomplete(&self, needed: usize) -> Result<Option<Message>, EventStreamError> {
        if self.ended && !self.buf.is_empty() {
            return Err(EventStreamError::TruncatedFrame {
                needed,
                available: self.buf.len(),
            });
        }
        Ok(None)
    }
}

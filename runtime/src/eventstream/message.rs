//! A message, its frame encoding, and the frame checks shared by [`Message::decode`] and the
//! incremental [`super::Decoder`].

use bytes::{BufMut, Bytes, BytesMut};

use super::header::decode_headers;
use super::{EventStreamError, Header, HeaderValue, MAX_HEADERS_SIZE, MAX_MESSAGE_SIZE};

/// Total length, headers length and prelude CRC.
pub(crate) const PRELUDE_LEN: usize = 12;
/// Prelude plus the trailing message CRC: the size of a frame with no headers and no payload.
const OVERHEAD: usize = PRELUDE_LEN + 4;

/// One event-stream message: typed headers and an opaque payload.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Message {
    /// Headers in wire order. Names should be unique; when they are not, the accessors return
    /// the first match.
    pub headers: Vec<Header>,
    /// The payload (an event's serialized body, or a nested message for signed envelopes).
    pub payload: Bytes,
}

/// The `:message-type` header's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MessageType {
    /// `event`: a member of the stream's union, named by `:event-type`.
    Event,
    /// `exception`: a modeled error, named by `:exception-type`.
    Exception,
    /// `error`: an unmodeled error with `:error-code` and `:error-message`.
    Error,
    /// Any other value, kept so newer services do not break older clients.
    Unknown(String),
}

impl MessageType {
    /// The header value as sent.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Event => "event",
            Self::Exception => "exception",
            Self::Error => "error",
            Self::Unknown(other) => other,
        }
    }
}

impl Message {
    /// A message with `payload` and no headers.
    pub fn new(payload: impl Into<Bytes>) -> Self {
        Self {
            headers: Vec::new(),
            payload: payload.into(),
        }
    }

    /// Adds a header (builder style).
    pub fn with_header(mut self, name: impl Into<String>, value: HeaderValue) -> Self {
        self.headers.push(Header::new(name, value));
        self
    }

    /// The first header named `name`.
    pub fn header(&self, name: &str) -> Option<&HeaderValue> {
        self.headers
            .iter()
            .find(|h| h.name == name)
            .map(|h| &h.value)
    }

    /// The first header named `name`, if it is a string. A header of another type counts as
    /// absent: the protocol headers are always strings, and guessing a conversion would hide a
    /// malformed message.
    pub fn string_header(&self, name: &str) -> Option<&str> {
        self.header(name).and_then(HeaderValue::as_str)
    }

    /// `:message-type`.
    pub fn message_type(&self) -> Option<MessageType> {
        self.string_header(":message-type").map(|t| match t {
            "event" => MessageType::Event,
            "exception" => MessageType::Exception,
            "error" => MessageType::Error,
            other => MessageType::Unknown(other.to_owned()),
        })
    }

    /// `:event-type`: which member of the event stream union the payload is.
    pub fn event_type(&self) -> Option<&str> {
        self.string_header(":event-type")
    }

    /// `:exception-type`: which modeled error the payload is.
    pub fn exception_type(&self) -> Option<&str> {
        self.string_header(":exception-type")
    }

    /// `:error-code` of an `error` message.
    pub fn error_code(&self) -> Option<&str> {
        self.string_header(":error-code")
    }

    /// `:error-message` of an `error` message.
    pub fn error_message(&self) -> Option<&str> {
        self.string_header(":error-message")
    }

    /// `:content-type` of the payload.
    pub fn content_type(&self) -> Option<&str> {
        self.string_header(":content-type")
    }

    /// The frame for this message. Fails (rather than writing a frame a service would reject)
    /// when a header cannot be represented or the frame would exceed the size limits.
    pub fn encode(&self) -> Result<Bytes, EventStreamError> {
        let mut headers_len = 0usize;
        for header in &self.headers {
            // Each header is at most ~64 KiB, so checking after every addition cannot overflow.
            headers_len += header.encoded_len()?;
            if headers_len > MAX_HEADERS_SIZE {
                return Err(EventStreamError::HeadersTooLarge {
                    length: headers_len as u64,
                    max: MAX_HEADERS_SIZE,
                });
            }
        }
        let total = (OVERHEAD + headers_len).saturating_add(self.payload.len());
        if total > MAX_MESSAGE_SIZE {
            return Err(EventStreamError::FrameTooLarge {
                length: total as u64,
                max: MAX_MESSAGE_SIZE,
            });
        }
        // Both lengths are below the limits checked above, so they fit in a u32.
        let mut out = BytesMut::with_capacity(total);
        out.put_u32(total as u32);
        out.put_u32(headers_len as u32);
        let prelude_crc = crc32fast::hash(&out);
        out.put_u32(prelude_crc);
        for header in &self.headers {
            header.write(&mut out);
        }
        out.put_slice(&self.payload);
        let message_crc = crc32fast::hash(&out);
        out.put_u32(message_crc);
        debug_assert_eq!(out.len(), total);
        Ok(out.freeze())
    }

    /// Decodes exactly one frame. Bytes beyond the frame's length are an error; to read a
    /// stream of frames use [`super::Decoder`].
    pub fn decode(frame: &[u8]) -> Result<Self, EventStreamError> {
        let Some(prelude) = frame.first_chunk::<PRELUDE_LEN>() else {
            return Err(EventStreamError::TruncatedFrame {
                needed: PRELUDE_LEN,
                available: frame.len(),
            });
        };
        let prelude = read_prelude(prelude)?;
        if frame.len() < prelude.total {
            return Err(EventStreamError::TruncatedFrame {
                needed: prelude.total,
                available: frame.len(),
            });
        }
        if frame.len() > prelude.total {
            return Err(EventStreamError::LengthsInconsistent(
                "bytes follow the end of the frame",
            ));
        }
        decode_frame(Bytes::copy_from_slice(frame), prelude)
    }
}

/// The validated lengths of a frame's prelude.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Prelude {
    pub(crate) total: usize,
    headers: usize,
}

/// Checks a prelude before anything is buffered on its word: the CRC first (so a corrupted
/// length is reported as corruption), then the limits, so a hostile length never leads to a
/// large allocation.
pub(crate) fn read_prelude(prelude: &[u8; PRELUDE_LEN]) -> Result<Prelude, EventStreamError> {
    let word =
        |i: usize| u32::from_be_bytes([prelude[i], prelude[i + 1], prelude[i + 2], prelude[i + 3]]);
    let (total, headers, expected) = (word(0), word(4), word(8));
    let computed = crc32fast::hash(&prelude[..8]);
    if expected != computed {
        return Err(EventStreamError::PreludeCrcMismatch { expected, computed });
    }
    if total as usize > MAX_MESSAGE_SIZE {
        return Err(EventStreamError::FrameTooLarge {
            length: total.into(),
            max: MAX_MESSAGE_SIZE,
        });
    }
    if headers as usize > MAX_HEADERS_SIZE {
        return Err(EventStreamError::HeadersTooLarge {
            length: headers.into(),
            max: MAX_HEADERS_SIZE,
        });
    }
    let (total, headers) = (total as usize, headers as usize);
    if total < OVERHEAD {
        return Err(EventStreamError::LengthsInconsistent(
            "total length is shorter than the 16 bytes of framing",
        ));
    }
    if headers > total - OVERHEAD {
        return Err(EventStreamError::LengthsInconsistent(
            "headers length exceeds the frame",
        ));
    }
    Ok(Prelude { total, headers })
}

/// Checks the message CRC of a whole frame (`frame.len() == prelude.total`) and splits it into
/// headers and payload, sharing `frame`'s buffer.
pub(crate) fn decode_frame(frame: Bytes, prelude: Prelude) -> Result<Message, EventStreamError> {
    debug_assert_eq!(frame.len(), prelude.total);
    let body_end = prelude.total - 4;
    let crc = &frame[body_end..];
    let expected = u32::from_be_bytes([crc[0], crc[1], crc[2], crc[3]]);
    let computed = crc32fast::hash(&frame[..body_end]);
    if expected != computed {
        return Err(EventStreamError::MessageCrcMismatch { expected, computed });
    }
    let headers_end = PRELUDE_LEN + prelude.headers;
    Ok(Message {
        headers: decode_headers(frame.slice(PRELUDE_LEN..headers_end))?,
        payload: frame.slice(headers_end..body_end),
    })
}

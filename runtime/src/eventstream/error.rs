//! The one error type of the event-stream codec and chunk signer.

use std::fmt;

use crate::sigv4::SigningError;

/// Why an event-stream frame could not be decoded, encoded or signed.
///
/// Decoding errors are fatal for the stream: the format has no resynchronisation marker, so
/// after a bad frame nothing that follows can be trusted. [`super::Decoder`] keeps returning the
/// first error once it has seen one.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EventStreamError {
    /// The prelude's CRC32 does not match its first 8 bytes.
    PreludeCrcMismatch {
        /// The CRC carried by the frame.
        expected: u32,
        /// The CRC of the bytes received.
        computed: u32,
    },
    /// The message CRC32 does not match the frame's bytes.
    MessageCrcMismatch {
        /// The CRC carried by the frame.
        expected: u32,
        /// The CRC of the bytes received.
        computed: u32,
    },
    /// The stream ended inside a frame.
    TruncatedFrame {
        /// Bytes the frame needs (its total length, or the 12-byte prelude if that is not
        /// complete yet).
        needed: usize,
        /// Bytes that were available.
        available: usize,
    },
    /// A header value type byte outside 0..=9.
    UnknownHeaderType {
        /// The header's name.
        name: String,
        /// The type byte found.
        type_byte: u8,
    },
    /// The length fields contradict each other or the bytes present.
    LengthsInconsistent(&'static str),
    /// A frame longer than [`super::MAX_MESSAGE_SIZE`].
    FrameTooLarge {
        /// The frame's total length.
        length: u64,
        /// The limit.
        max: usize,
    },
    /// A header block longer than [`super::MAX_HEADERS_SIZE`].
    HeadersTooLarge {
        /// The header block's length.
        length: u64,
        /// The limit.
        max: usize,
    },
    /// A header that cannot be represented: empty or over-long name, name or string value not
    /// UTF-8, or a value longer than a `u16` length prefix allows. Carries what was wrong.
    InvalidHeader(&'static str),
    /// The chunk signer's seed is not a 64-character lower-case hex SigV4 signature.
    InvalidSeedSignature,
    /// A message was signed after the end-of-stream frame.
    SignerFinished,
    /// The SigV4 scope or time was invalid.
    Signing(SigningError),
}

impl fmt::Display for EventStreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("event stream: ")?;
        match self {
            Self::PreludeCrcMismatch { expected, computed } => write!(
                f,
                "prelude CRC32 mismatch (frame carries {expected:#010x}, computed {computed:#010x})"
            ),
            Self::MessageCrcMismatch { expected, computed } => write!(
                f,
                "message CRC32 mismatch (frame carries {expected:#010x}, computed {computed:#010x})"
            ),
            Self::TruncatedFrame { needed, available } => write!(
                f,
                "truncated frame: stream ended with {available} of {needed} bytes"
            ),
            Self::UnknownHeaderType { name, type_byte } => {
                write!(f, "header {name:?} has unknown value type {type_byte}")
            }
            Self::LengthsInconsistent(why) => write!(f, "inconsistent lengths: {why}"),
            Self::FrameTooLarge { length, max } => {
                write!(f, "frame of {length} bytes exceeds the {max}-byte limit")
            }
            Self::HeadersTooLarge { length, max } => {
                write!(
                    f,
                    "header block of {length} bytes exceeds the {max}-byte limit"
                )
            }
            Self::InvalidHeader(why) => write!(f, "invalid header: {why}"),
            Self::InvalidSeedSignature => {
                f.write_str("seed signature is not a 64-character lower-case hex signature")
            }
            Self::SignerFinished => {
                f.write_str("cannot sign a message after the end-of-stream frame")
            }
            Self::Signing(err) => write!(f, "{err}"),
        }
    }
}

impl std::error::Error for EventStreamError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Signing(err) => Some(err),
            _ => None,
        }
    }
}

impl From<SigningError> for EventStreamError {
    fn from(err: SigningError) -> Self {
        Self::Signing(err)
    }
}

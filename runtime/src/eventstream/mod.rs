//! The AWS event-stream message format (`application/vnd.amazon.eventstream`), as used by
//! S3 `SelectObjectContent`, Bedrock `ConverseStream`, Lambda `InvokeWithResponseStream`,
//! Kinesis `SubscribeToShard`, Transcribe streaming and others. Wire format only: nothing here
//! knows about services, shapes or protocols.
//!
//! A frame is
//!
//! ```text
//! total length (u32 BE) | headers length (u32 BE) | prelude CRC32 (of the 8 bytes before)
//! headers | payload | message CRC32 (of every byte before it)
//! ```
//!
//! and a header is `name length (u8) | name (UTF-8) | type (u8) | value` with the ten value
//! types of [`HeaderValue`]. Both CRCs are the IEEE CRC32 (as in gzip).
//!
//! - [`Message`] encodes itself ([`Message::encode`]) and has accessors for the protocol
//!   headers (`:message-type`, `:event-type`, `:exception-type`, `:error-code`, …).
//! - [`Decoder`] reads a stream pushed in chunks of any size.
//! - [`ChunkSigner`] signs the messages of an input stream with SigV4.
//!
//! Bad input is a typed [`EventStreamError`], never a panic; a frame is limited to
//! [`MAX_MESSAGE_SIZE`] and its headers to [`MAX_HEADERS_SIZE`], as the AWS implementations
//! limit them, so a hostile length cannot make the decoder allocate more than that.

mod decoder;
mod error;
mod header;
mod message;
mod signer;

#[cfg(test)]
mod tests;

pub use decoder::Decoder;
pub use error::EventStreamError;
pub use header::{Header, HeaderValue};
pub use message::{Message, MessageType};
pub use signer::ChunkSigner;

/// Largest frame accepted or produced: 16 MiB.
pub const MAX_MESSAGE_SIZE: usize = 16 * 1024 * 1024;
/// Largest header block accepted or produced: 128 KiB.
pub const MAX_HEADERS_SIZE: usize = 128 * 1024;

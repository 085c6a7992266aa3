//! The value types generated shapes use beyond `std`: blobs, timestamps, documents, bodies.

mod blob;
mod body;
mod datetime;
mod document;
mod event_sender;
mod event_stream;

pub use blob::Blob;
pub use body::{Body, BodyError};
pub use datetime::{DateTime, DateTimeParseError};
pub use document::{Document, Number};
pub use event_sender::{EventStreamSender, RawEventSender};
pub use event_stream::{EventStream, RawEventStream};

/// What `Debug` prints instead of a sensitive member's value.
pub const REDACTED: &str = "*** Sensitive Data Redacted ***";

/// Debug-prints an optional sensitive value as `Some(REDACTED)` or `None`.
pub struct Redacted<'a, T>(pub &'a Option<T>);

impl<T> std::fmt::Debug for Redacted<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(_) => write!(f, "Some({REDACTED:?})"),
            None => f.write_str("None"),
        }
    }
}

/// A string enum value this version of the SDK does not know (the payload of each generated
/// enum's `Unknown` variant). Only the SDK creates one, from a response, so `Unknown` never holds
/// a value the enum has a variant for.
///
/// ```compile_fail
/// // Users cannot make one, so `Unknown` cannot stand for a known value.
/// let _ = rboto::types::UnknownValue("private".to_string());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue(String);

impl UnknownValue {
    pub(crate) fn new(value: String) -> Self {
        UnknownValue(value)
    }

    /// The value as it came on the wire.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

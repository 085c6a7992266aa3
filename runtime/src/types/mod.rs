//! The value types generated shapes use beyond `std`: blobs, timestamps, documents, bodies.

mod blob;
mod body;
mod datetime;
mod document;

pub use blob::Blob;
pub use body::{Body, BodyError};
pub use datetime::{DateTime, DateTimeParseError};
pub use document::{Document, Number};

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

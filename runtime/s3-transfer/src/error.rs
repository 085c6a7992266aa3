//! [`TransferError`]: what a managed transfer can fail with.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// Why a transfer failed. A failed multipart upload or copy has been aborted (no parts are
/// left behind) before this is returned; `abort_error` says when that abort itself failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum TransferError {
    /// A request of the transfer other than a part failed (after the client's retries):
    /// `HeadObject`, `PutObject`, `GetObject`, `CopyObject`, `CreateMultipartUpload`,
    /// `CompleteMultipartUpload`.
    Request {
        operation: &'static str,
        source: rboto_s3::Error,
        /// The abort of the multipart upload, when it was needed and failed too.
        abort_error: Option<Box<rboto_s3::Error>>,
    },
    /// One part failed for good (after the client's retries): `UploadPart`,
    /// `UploadPartCopy`, or the ranged `GetObject` of a download.
    Part {
        /// The 1-based part number.
        part_number: u32,
        operation: &'static str,
        source: rboto_s3::Error,
        /// The abort of the multipart upload, when it failed too.
        abort_error: Option<Box<rboto_s3::Error>>,
    },
    /// Reading the source or writing the destination failed.
    Io {
        /// The file, when there was one.
        path: Option<PathBuf>,
        source: io::Error,
    },
    /// The transfer was cancelled through its [`crate::CancelToken`].
    Cancelled {
        /// The abort of the multipart upload, when it failed.
        abort_error: Option<Box<rboto_s3::Error>>,
    },
    /// S3 answered without something the transfer needs (an upload id, an ETag, the object's
    /// size), or sent a different number of bytes than it announced.
    Response(String),
    /// The [`crate::TransferConfig`] cannot be used (a zero size or concurrency).
    InvalidConfig(String),
}

impl TransferError {
    /// The failing part's number, for [`TransferError::Part`].
    pub fn part_number(&self) -> Option<u32> {
        match self {
            TransferError::Part { part_number, .. } => Some(*part_number),
            _ => None,
        }
    }

    /// The S3 (or transport) error underneath, when a request failed.
    pub fn s3_error(&self) -> Option<&rboto_s3::Error> {
        match self {
            TransferError::Request { source, .. } | TransferError::Part { source, .. } => {
                Some(source)
            }
            _ => None,
        }
    }

    /// Whether the transfer stopped because it was cancelled.
    pub fn is_cancelled(&self) -> bool {
        matches!(self, TransferError::Cancelled { .. })
    }

    /// Records that aborting the multipart upload after this error failed too.
    pub(crate) fn with_abort_error(mut self, e: rboto_s3::Error) -> Self {
        match &mut self {
            TransferError::Request { abort_error, .. }
            | TransferError::Part { abort_error, .. }
            | TransferError::Cancelled { abort_error } => *abort_error = Some(Box::new(e)),
            _ => {}
        }
        self
    }

    pub(crate) fn request(operation: &'static str, source: rboto_s3::Error) -> Self {
        TransferError::Request {
            operation,
            source,
            abort_error: None,
        }
    }

    pub(crate) fn part(part_number: u32, operation: &'static str, source: rboto_s3::Error) -> Self {
        TransferError::Part {
            part_number,
            operation,
            source,
            abort_error: None,
        }
    }

    pub(crate) fn io(path: Option<&std::path::Path>, source: io::Error) -> Self {
        TransferError::Io {
            path: path.map(|p| p.to_path_buf()),
            source,
        }
    }

    pub(crate) fn cancelled() -> Self {
        TransferError::Cancelled { abort_error: None }
    }
}

/// A body that failed mid-read, as an S3 error (its kind says timeout, connection or checksum).
pub(crate) fn body_error(e: rboto::types::BodyError) -> rboto_s3::Error {
    e.into_error().map_modeled(|never| match never {})
}

fn abort_note(f: &mut fmt::Formatter<'_>, abort: &Option<Box<rboto_s3::Error>>) -> fmt::Result {
    match abort {
        Some(e) => write!(f, "; aborting the multipart upload failed too: {e}"),
        None => Ok(()),
    }
}

impl fmt::Display for TransferError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransferError::Request {
                operation,
                source,
                abort_error,
            } => {
                write!(f, "{operation} failed: {source}")?;
                abort_note(f, abort_error)
            }
            TransferError::Part {
                part_number,
                operation,
                source,
                abort_error,
            } => {
                write!(f, "part {part_number} failed ({operation}): {source}")?;
                abort_note(f, abort_error)
            }
            TransferError::Io {
                path: Some(p),
                source,
            } => write!(f, "{}: {source}", p.display()),
            TransferError::Io { path: None, source } => write!(f, "stream I/O failed: {source}"),
            TransferError::Cancelled { abort_error } => {
                f.write_str("the transfer was cancelled")?;
                abort_note(f, abort_error)
            }
            TransferError::Response(m) => write!(f, "unexpected S3 response: {m}"),
            TransferError::InvalidConfig(m) => write!(f, "invalid transfer config: {m}"),
        }
    }
}

impl std::error::Error for TransferError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            TransferError::Request { source, .. } | TransferError::Part { source, .. } => {
                Some(source)
            }
            TransferError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

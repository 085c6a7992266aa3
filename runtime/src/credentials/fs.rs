//! Small file reads and writes (token files, SSO and login caches) on tokio's blocking pool.
//!
//! This is what `tokio::fs` does for each call (std's blocking I/O on a blocking-pool thread);
//! doing it here keeps tokio's `fs` feature, and its compile time, out of every build that
//! uses the runtime.

use crate::__private::blocking::spawn_blocking;
use std::io;
use std::path::{Path, PathBuf};

/// A panicked or cancelled blocking task becomes an `io::Error`, as in `tokio::fs`.
fn joined<T>(result: Result<io::Result<T>, tokio::task::JoinError>) -> io::Result<T> {
    result.unwrap_or_else(|e| Err(io::Error::other(e)))
}

/// `std::fs::read_to_string` on the blocking pool.
pub(crate) async fn read_to_string(path: &Path) -> io::Result<String> {
    let path = path.to_path_buf();
    joined(spawn_blocking(move || std::fs::read_to_string(path)).await)
}

/// Runs `write(path, bytes)` (a plain or an atomic write) on the blocking pool.
pub(crate) async fn write_with(
    path: PathBuf,
    write: fn(&Path, &[u8]) -> io::Result<()>,
    bytes: Vec<u8>,
) -> io::Result<()> {
    joined(spawn_blocking(move || write(&path, &bytes)).await)
}

//! Writing a downloaded range into its place in the destination file. A response arrives in
//! pieces of a few KiB to a few hundred; each write of a file is a trip to the blocking pool,
//! so the pieces are gathered into batches of [`WRITE_BATCH`] bytes, and each batch is written
//! at its position (`pwrite`, no seek, no copy of the pieces) while the next one gathers.

use bytes::Bytes;
use std::io;
use std::sync::Arc;
use tokio::task::JoinHandle;

/// How much a batch gathers before it is written: a range holds at most two (the one being
/// written and the one gathering).
const WRITE_BATCH: usize = 1024 * 1024;

/// Writes one range of a file from its start, piece by piece, in order.
pub(crate) struct RangeWriter {
    file: Arc<std::fs::File>,
    /// Where the batch gathering goes in the file.
    at: u64,
    batch: Vec<Bytes>,
    batch_len: usize,
    /// The batch being written, if any.
    writing: Option<JoinHandle<io::Result<()>>>,
}

impl RangeWriter {
    /// Writes from `offset` of `file`.
    pub(crate) fn new(file: std::fs::File, offset: u64) -> RangeWriter {
        RangeWriter {
            file: Arc::new(file),
            at: offset,
            batch: Vec::new(),
            batch_len: 0,
            writing: None,
        }
    }

    /// Starts over at `offset` (a range requested again): what was gathered is dropped, and
    /// a write under way finishes first, so it cannot land after the new bytes.
    pub(crate) async fn restart(&mut self, offset: u64) -> io::Result<()> {
        self.batch.clear();
        self.batch_len = 0;
        self.wait().await?;
        self.at = offset;
        Ok(())
    }

    /// The next piece of the range.
    pub(crate) async fn write(&mut self, piece: Bytes) -> io::Result<()> {
        self.batch_len += piece.len();
        self.batch.push(piece);
        if self.batch_len >= WRITE_BATCH {
            self.write_batch().await?;
        }
        Ok(())
    }

    /// Writes what is left and waits until every byte is in the file.
    pub(crate) async fn finish(&mut self) -> io::Result<()> {
        self.write_batch().await?;
        self.wait().await
    }

    /// Hands the gathered batch to the blocking pool, once the previous one is written.
    async fn write_batch(&mut self) -> io::Result<()> {
        self.wait().await?;
        if self.batch_len == 0 {
            return Ok(());
        }
        let batch = std::mem::take(&mut self.batch);
        let (file, mut at) = (self.file.clone(), self.at);
        self.at += self.batch_len as u64;
        self.batch_len = 0;
        self.writing = Some(tokio::task::spawn_blocking(move || {
            for piece in batch {
                write_all_at(&file, &piece, at)?;
                at += piece.len() as u64;
            }
            Ok(())
        }));
        Ok(())
    }

    async fn wait(&mut self) -> io::Result<()> {
        match self.writing.take() {
            None => Ok(()),
            Some(write) => match write.await {
                Ok(r) => r,
                Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                Err(e) => Err(io::Error::other(e)),
            },
        }
    }
}

#[cfg(unix)]
fn write_all_at(file: &std::fs::File, buf: &[u8], at: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, buf, at)
}

#[cfg(windows)]
fn write_all_at(file: &std::fs::File, mut buf: &[u8], mut at: u64) -> io::Result<()> {
    while !buf.is_empty() {
        match std::os::windows::fs::FileExt::seek_write(file, buf, at) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => {
                buf = &buf[n..];
                at += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pieces of odd sizes, over several batches, restarted once midway: the file holds the
    /// range's bytes at its offset and nothing else is touched.
    #[tokio::test]
    async fn pieces_land_at_their_place_across_batches_and_a_restart() {
        let path = std::env::temp_dir().join(format!("rboto-range-writer-{}", std::process::id()));
        let size = 3 * WRITE_BATCH + 100;
        std::fs::write(&path, vec![0xAAu8; size + 200]).unwrap();
        let data: Vec<u8> = (0..size).map(|i| (i % 253) as u8).collect();
        let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        let mut w = RangeWriter::new(file, 100);
        for piece in data[..WRITE_BATCH + 5].chunks(70_001) {
            w.write(Bytes::copy_from_slice(piece)).await.unwrap();
        }
        w.restart(100).await.unwrap();
        for piece in data.chunks(65_536 + 3) {
            w.write(Bytes::copy_from_slice(piece)).await.unwrap();
        }
        w.finish().await.unwrap();
        let got = std::fs::read(&path).unwrap();
        let _ = std::fs::remove_file(&path);
        assert!(got[..100].iter().all(|&b| b == 0xAA));
        assert!(got[100..100 + size] == data[..]);
        assert!(got[100 + size..].iter().all(|&b| b == 0xAA));
    }
}

//! [`TransferConfig`]: when to go multipart, how big the parts are and how many run at once,
//! with s3transfer's defaults, and S3's limits on parts (its `ChunksizeAdjuster`).

use crate::error::TransferError;

/// One mebibyte.
pub const MIB: u64 = 1024 * 1024;

/// S3's smallest part (all but the last): 5 MiB.
pub const MIN_PART_SIZE: u64 = 5 * MIB;
/// S3's largest part: 5 GiB.
pub const MAX_PART_SIZE: u64 = 5 * 1024 * MIB;
/// S3's most parts in one multipart upload.
pub const MAX_PARTS: u64 = 10_000;

/// How transfers are split, with boto3's `TransferConfig` defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TransferConfig {
    /// Objects of at least this size go multipart (uploads, copies) or ranged (downloads);
    /// smaller ones take one request. 8 MiB.
    pub multipart_threshold: u64,
    /// The size of each part or range. 8 MiB. Uploads and copies adjust it to S3's limits
    /// (at least 5 MiB, at most 5 GiB, at most 10,000 parts), as s3transfer does.
    pub multipart_chunksize: u64,
    /// Most parts in flight at once for one transfer (s3transfer's `max_request_concurrency`).
    /// 10. It also bounds memory: an upload of a stream holds at most this many parts in
    /// memory (parts of a file are streamed from it).
    pub max_concurrency: usize,
}

impl Default for TransferConfig {
    fn default() -> Self {
        TransferConfig {
            multipart_threshold: 8 * MIB,
            multipart_chunksize: 8 * MIB,
            max_concurrency: 10,
        }
    }
}

impl TransferConfig {
    /// Sets [`TransferConfig::multipart_threshold`].
    pub fn multipart_threshold(mut self, bytes: u64) -> Self {
        self.multipart_threshold = bytes;
        self
    }

    /// Sets [`TransferConfig::multipart_chunksize`].
    pub fn multipart_chunksize(mut self, bytes: u64) -> Self {
        self.multipart_chunksize = bytes;
        self
    }

    /// Sets [`TransferConfig::max_concurrency`].
    pub fn max_concurrency(mut self, parts: usize) -> Self {
        self.max_concurrency = parts;
        self
    }

    /// Settings no transfer can run with: zero sizes or no concurrency.
    pub(crate) fn validate(&self) -> Result<(), TransferError> {
        let bad = if self.multipart_threshold == 0 {
            "multipart_threshold must be at least 1 byte"
        } else if self.multipart_chunksize == 0 {
            "multipart_chunksize must be at least 1 byte"
        } else if self.max_concurrency == 0 {
            "max_concurrency must be at least 1"
        } else {
            return Ok(());
        };
        Err(TransferError::InvalidConfig(bad.to_string()))
    }

    /// The part size for an upload or copy of `size` bytes (unknown for a stream): the
    /// configured one, doubled until the parts fit in [`MAX_PARTS`], then kept within
    /// [`MIN_PART_SIZE`]..=[`MAX_PART_SIZE`] (s3transfer's `ChunksizeAdjuster`).
    pub(crate) fn upload_part_size(&self, size: Option<u64>) -> u64 {
        let mut part = self.multipart_chunksize;
        if let Some(size) = size {
            while size.div_ceil(part) > MAX_PARTS {
                part *= 2;
            }
        }
        part.clamp(MIN_PART_SIZE, MAX_PART_SIZE)
    }
}

/// The byte ranges (start, length) that split `size` bytes into parts of `part` bytes.
pub(crate) fn ranges(size: u64, part: u64) -> impl Iterator<Item = (u64, u64)> {
    (0..size.div_ceil(part)).map(move |i| {
        let start = i * part;
        (start, part.min(size - start))
    })
}

/// Part `part_number`'s (1-based) offset and length in an object of `size` bytes cut into
/// `part`-byte parts; `None` past the end.
pub(crate) fn part_range(part_number: u32, part: u64, size: u64) -> Option<(u64, u64)> {
    let start = u64::from(part_number - 1) * part;
    (start < size).then(|| (start, part.min(size - start)))
}

/// The HTTP `Range` (and `x-amz-copy-source-range`) value for `len` bytes from `start`.
pub(crate) fn range_header(start: u64, len: u64) -> String {
    format!("bytes={start}-{}", start + len - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_boto3s() {
        let c = TransferConfig::default();
        assert_eq!(c.multipart_threshold, 8 * 1024 * 1024);
        assert_eq!(c.multipart_chunksize, 8 * 1024 * 1024);
        assert_eq!(c.max_concurrency, 10);
    }

    #[test]
    fn part_size_keeps_within_s3_limits() {
        let c = TransferConfig::default();
        assert_eq!(c.upload_part_size(Some(100 * MIB)), 8 * MIB);
        // 100,000 MiB in 8 MiB parts would be 12,500 parts: doubled to 16 MiB (6,250).
        assert_eq!(c.upload_part_size(Some(100_000 * MIB)), 16 * MIB);
        let small = TransferConfig::default().multipart_chunksize(MIB);
        assert_eq!(small.upload_part_size(None), MIN_PART_SIZE);
        let huge = TransferConfig::default().multipart_chunksize(6 * 1024 * MIB);
        assert_eq!(huge.upload_part_size(Some(10)), MAX_PART_SIZE);
    }

    #[test]
    fn ranges_cover_the_object_exactly() {
        let r: Vec<_> = ranges(10, 4).collect();
        assert_eq!(r, vec![(0, 4), (4, 4), (8, 2)]);
        assert_eq!(ranges(8, 4).count(), 2);
        assert_eq!(ranges(0, 4).count(), 0);
        assert_eq!(range_header(8, 2), "bytes=8-9");
    }

    #[test]
    fn unusable_settings_are_refused() {
        for c in [
            TransferConfig::default().max_concurrency(0),
            TransferConfig::default().multipart_chunksize(0),
            TransferConfig::default().multipart_threshold(0),
        ] {
            assert!(matches!(c.validate(), Err(TransferError::InvalidConfig(_))));
        }
        assert!(TransferConfig::default().validate().is_ok());
    }
}

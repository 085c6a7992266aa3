//! Uploads, from a file or from any `AsyncRead`: one `PutObject` below the threshold, else a
//! multipart upload whose parts carry a checksum (CRC32 unless chosen otherwise).
//!
//! A part of a file is streamed from the file as it is sent (`Body::from_path_range`, opened
//! again for a retry): memory stays small whatever the part size, and progress is reported as
//! each chunk is read to be sent. A part of a stream is read into memory (a stream cannot be
//! read again for a retry), so at most `max_concurrency` part buffers exist at once.
//!
//! Each part names its algorithm (`ChecksumAlgorithm`) and the client computes the checksum,
//! as s3transfer leaves it to botocore: over plain HTTP a file part is read once ahead for both
//! the checksum header and the payload's SHA-256 (S3's signer signs every payload sent without
//! TLS), over HTTPS the checksum goes in an `aws-chunked` trailer as the part streams. The part
//! checksum `CompleteMultipartUpload` lists is the one S3 answered with, as s3transfer's
//! `UploadPartTask` takes it.

use crate::cancel;
use crate::error::TransferError;
use crate::multipart::{self, BoxFuture, Checksums, PartJob, PartSource, Target};
use crate::options::{apply_object_args, CallOptions, ExtraArgs};
use crate::progress::{PartProgress, Tracker};
use crate::{TransferManager, TransferOutput};
use bytes::{Bytes, BytesMut};
use rboto::config::ChecksumWhen;
use rboto_s3::types::{ChecksumAlgorithm, CompletedPart};
use std::path::PathBuf;
use std::sync::Arc;
use tokio::io::{AsyncRead, AsyncReadExt};

/// The checksum algorithm of an upload: the caller's, else CRC32 as s3transfer's
/// `set_default_checksum_algorithm` (unless checksums are only sent when required).
fn checksum_algorithm(tm: &TransferManager, extra: &ExtraArgs) -> Option<ChecksumAlgorithm> {
    if extra.checksum_algorithm.is_some() {
        return extra.checksum_algorithm.clone();
    }
    let config = tm.client.service_client().config();
    (config.request_checksum_calculation() == ChecksumWhen::WhenSupported)
        .then_some(ChecksumAlgorithm::Crc32)
}

pub(crate) async fn upload_file(
    tm: &TransferManager,
    path: PathBuf,
    bucket: String,
    key: String,
    opts: CallOptions,
) -> Result<TransferOutput, TransferError> {
    tm.config.validate()?;
    let size = tokio::fs::metadata(&path)
        .await
        .map_err(|e| TransferError::io(Some(&path), e))?
        .len();
    let tracker = Tracker::new(Some(size), opts.progress.clone());
    let algorithm = checksum_algorithm(tm, &opts.extra);
    if size < tm.config.multipart_threshold {
        let body = rboto::Body::from_path(&path)
            .await
            .map_err(|e| TransferError::io(Some(&path), e))?;
        return put_object(tm, body, size, &bucket, &key, &opts, algorithm, &tracker).await;
    }
    let part_size = tm.config.upload_part_size(Some(size));
    let mut source = FileParts {
        path: Arc::new(path),
        size,
        part_size,
        algorithm: algorithm.clone(),
        tracker: tracker.clone(),
    };
    let create = create_input(tm, &bucket, &key, &opts.extra, algorithm);
    let mut out = multipart::run(
        &tm.client,
        create,
        &mut source,
        tm.config.max_concurrency,
        &tracker,
        opts.cancel.as_ref(),
    )
    .await?;
    out.bytes = size;
    Ok(out)
}

pub(crate) async fn upload_reader(
    tm: &TransferManager,
    reader: &mut (dyn AsyncRead + Unpin + Send),
    bucket: String,
    key: String,
    opts: CallOptions,
) -> Result<TransferOutput, TransferError> {
    tm.config.validate()?;
    let threshold = tm.config.multipart_threshold;
    let algorithm = checksum_algorithm(tm, &opts.extra);
    // As s3transfer does for a stream of unknown size: read up to the threshold, and send what
    // came in one PutObject when the stream ended before it.
    let first = tokio::select! {
        biased;
        _ = cancel::wait(opts.cancel.as_ref()) => return Err(TransferError::cancelled()),
        r = read_up_to(reader, BytesMut::new(), threshold) => r?,
    };
    if (first.len() as u64) < threshold {
        let size = first.len() as u64;
        let tracker = Tracker::new(Some(size), opts.progress.clone());
        let body = rboto::Body::from(first.freeze());
        return put_object(tm, body, size, &bucket, &key, &opts, algorithm, &tracker).await;
    }
    let tracker = Tracker::new(None, opts.progress.clone());
    let mut source = ReaderParts {
        reader,
        pending: first,
        part_size: tm.config.upload_part_size(None),
        algorithm: algorithm.clone(),
        read: 0,
    };
    let create = create_input(tm, &bucket, &key, &opts.extra, algorithm);
    let mut out = multipart::run(
        &tm.client,
        create,
        &mut source,
        tm.config.max_concurrency,
        &tracker,
        opts.cancel.as_ref(),
    )
    .await?;
    out.bytes = source.read;
    tracker.finish_stream(source.read);
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
async fn put_object(
    tm: &TransferManager,
    body: rboto::Body,
    size: u64,
    bucket: &str,
    key: &str,
    opts: &CallOptions,
    algorithm: Option<ChecksumAlgorithm>,
    tracker: &Tracker,
) -> Result<TransferOutput, TransferError> {
    let mut input = apply_object_args!(
        tm.client.put_object().bucket(bucket).key(key).body(body),
        &opts.extra
    );
    input.checksum_algorithm = algorithm;
    let out = tokio::select! {
        biased;
        _ = cancel::wait(opts.cancel.as_ref()) => return Err(TransferError::cancelled()),
        r = input.send() => r.map_err(|e| TransferError::request("PutObject", e))?,
    };
    tracker.add(size);
    Ok(TransferOutput {
        bytes: size,
        e_tag: out.e_tag.clone(),
        version_id: out.version_id.clone(),
        parts: None,
    })
}

fn create_input(
    tm: &TransferManager,
    bucket: &str,
    key: &str,
    extra: &ExtraArgs,
    algorithm: Option<ChecksumAlgorithm>,
) -> rboto_s3::input::CreateMultipartUploadInput {
    let mut input = apply_object_args!(
        tm.client.create_multipart_upload().bucket(bucket).key(key),
        extra
    );
    input.checksum_algorithm = algorithm;
    input
}

/// Reads into `buf` until it holds `limit` bytes or the stream ends.
async fn read_up_to(
    reader: &mut (dyn AsyncRead + Unpin + Send),
    mut buf: BytesMut,
    limit: u64,
) -> Result<BytesMut, TransferError> {
    let limit = limit as usize;
    buf.reserve(limit.saturating_sub(buf.len()));
    while buf.len() < limit {
        let mut chunk = (&mut *reader).take((limit - buf.len()) as u64);
        let n = chunk
            .read_buf(&mut buf)
            .await
            .map_err(|e| TransferError::io(None, e))?;
        if n == 0 {
            break;
        }
    }
    Ok(buf)
}

/// The parts of a file, each streamed by its own task from its offset.
struct FileParts {
    path: Arc<PathBuf>,
    size: u64,
    part_size: u64,
    algorithm: Option<ChecksumAlgorithm>,
    tracker: Arc<Tracker>,
}

impl PartSource for FileParts {
    fn next_part<'s>(
        &'s mut self,
        part_number: u32,
        target: &'s Arc<Target>,
    ) -> BoxFuture<'s, Result<Option<PartJob>, TransferError>> {
        let Some((start, len)) = crate::config::part_range(part_number, self.part_size, self.size)
        else {
            return Box::pin(async { Ok(None) });
        };
        let (path, target, algorithm) = (self.path.clone(), target.clone(), self.algorithm.clone());
        let progress = PartProgress::new(self.tracker.clone());
        let job: PartJob = Box::pin(async move {
            let io = |e| TransferError::io(Some(path.as_path()), e);
            let observer = progress.clone();
            let body = rboto::Body::from_path_range(path.as_path(), start, len)
                .await
                .map_err(io)?
                .observe_reads(move |read| observer.read(read));
            let (part, len) = send_part(&target, part_number, body, len, algorithm).await?;
            Ok((part, progress.unreported(len)))
        });
        Box::pin(async move { Ok(Some(job)) })
    }
}

/// The parts of a stream, read in order on the transfer's future.
struct ReaderParts<'r> {
    reader: &'r mut (dyn AsyncRead + Unpin + Send),
    /// Read but not yet sent (the bytes read to compare with the threshold).
    pending: BytesMut,
    part_size: u64,
    algorithm: Option<ChecksumAlgorithm>,
    /// Bytes handed to parts so far.
    read: u64,
}

impl PartSource for ReaderParts<'_> {
    fn next_part<'s>(
        &'s mut self,
        part_number: u32,
        target: &'s Arc<Target>,
    ) -> BoxFuture<'s, Result<Option<PartJob>, TransferError>> {
        Box::pin(async move {
            let part_size = self.part_size as usize;
            let data = if self.pending.len() >= part_size {
                self.pending.split_to(part_size)
            } else {
                let pending = std::mem::take(&mut self.pending);
                read_up_to(self.reader, pending, self.part_size).await?
            };
            // Multipart only begins with a full threshold read, so part 1 is never empty.
            if data.is_empty() {
                return Ok(None);
            }
            self.read += data.len() as u64;
            let (target, algorithm) = (target.clone(), self.algorithm.clone());
            let job: PartJob = Box::pin(async move {
                upload_part(&target, part_number, data.freeze(), algorithm).await
            });
            Ok(Some(job))
        })
    }
}

/// Sends one part of a stream, from memory, with its checksum.
async fn upload_part(
    target: &Target,
    part_number: u32,
    data: Bytes,
    algorithm: Option<ChecksumAlgorithm>,
) -> Result<(CompletedPart, u64), TransferError> {
    let len = data.len() as u64;
    send_part(target, part_number, data.into(), len, algorithm).await
}

/// Sends one part of `len` bytes, its `algorithm` checksum computed by the client and read
/// back from the response for `CompleteMultipartUpload`.
async fn send_part(
    target: &Target,
    part_number: u32,
    body: rboto::Body,
    len: u64,
    algorithm: Option<ChecksumAlgorithm>,
) -> Result<(CompletedPart, u64), TransferError> {
    let mut input = target
        .client
        .upload_part()
        .bucket(&target.bucket)
        .key(&target.key)
        .upload_id(&target.upload_id)
        .part_number(part_number as i32)
        .body(body);
    input.checksum_algorithm = algorithm.clone();
    let out = input
        .send()
        .await
        .map_err(|e| TransferError::part(part_number, "UploadPart", e))?;
    let e_tag = out.e_tag.clone().ok_or_else(|| {
        TransferError::Response(format!("UploadPart of part {part_number} returned no ETag"))
    })?;
    let sums: Checksums = [
        out.checksum_crc32.clone(),
        out.checksum_crc32c.clone(),
        out.checksum_crc64nvme.clone(),
        out.checksum_sha1.clone(),
        out.checksum_sha256.clone(),
        out.checksum_sha512.clone(),
    ];
    let part = CompletedPart::default()
        .e_tag(e_tag)
        .part_number(part_number as i32);
    Ok((
        multipart::with_checksum(part, algorithm.as_ref(), sums),
        len,
    ))
}

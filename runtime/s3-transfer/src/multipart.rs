//! The multipart machinery uploads and copies share: create the upload, run its parts on a
//! bounded set of tasks, complete it with every part's ETag and checksum — or abort it when
//! anything fails, is cancelled, or the future is dropped, so no parts are left behind.

use crate::cancel::{self, CancelToken};
use crate::error::TransferError;
use crate::progress::Tracker;
use crate::TransferOutput;
use rboto_s3::input::CreateMultipartUploadInput;
use rboto_s3::types::{ChecksumAlgorithm, CompletedMultipartUpload, CompletedPart};
use rboto_s3::Client;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use tokio::task::JoinSet;

/// A boxed, sendable future.
pub(crate) type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One part's work, run as a task: the part as `CompleteMultipartUpload` lists it, and its size.
pub(crate) type PartJob = BoxFuture<'static, Result<(CompletedPart, u64), TransferError>>;

/// The upload the parts belong to.
#[derive(Debug)]
pub(crate) struct Target {
    pub(crate) client: Client,
    pub(crate) bucket: String,
    pub(crate) key: String,
    pub(crate) upload_id: String,
}

/// Where the parts come from: called for part 1, 2, ... until it has no more. It may read
/// (a stream's next part), so it runs on the transfer's own future, one part at a time, and
/// only when fewer than `max_concurrency` parts are in flight: that bounds memory.
pub(crate) trait PartSource: Send {
    fn next_part<'s>(
        &'s mut self,
        part_number: u32,
        target: &'s Arc<Target>,
    ) -> BoxFuture<'s, Result<Option<PartJob>, TransferError>>;
}

/// Runs a whole multipart upload: `create` (already filled with the object's settings), the
/// parts from `source`, then `CompleteMultipartUpload`; on any failure, `AbortMultipartUpload`.
pub(crate) async fn run(
    client: &Client,
    create: CreateMultipartUploadInput,
    source: &mut dyn PartSource,
    max_concurrency: usize,
    tracker: &Tracker,
    cancel: Option<&CancelToken>,
) -> Result<TransferOutput, TransferError> {
    let (bucket, key) = (
        create.bucket.clone().unwrap_or_default(),
        create.key.clone().unwrap_or_default(),
    );
    // Neither this nor CompleteMultipartUpload is raced against a cancel: cut short, either
    // could take effect at S3 unseen (an upload nobody aborts, an object after an abort). A
    // cancel during them is seen just after.
    let created = create
        .send()
        .await
        .map_err(|e| TransferError::request("CreateMultipartUpload", e))?;
    let upload_id = created.upload_id.ok_or_else(|| {
        TransferError::Response("CreateMultipartUpload returned no UploadId".to_string())
    })?;
    let target = Arc::new(Target {
        client: client.clone(),
        bucket,
        key,
        upload_id,
    });
    let mut guard = AbortOnDrop(Some(target.clone()));
    let result = async {
        let parts = run_parts(source, &target, max_concurrency, tracker, cancel).await?;
        complete(&target, parts).await
    }
    .await;
    guard.0 = None;
    match result {
        Ok(out) => Ok(out),
        Err(e) => match abort(&target).await {
            Ok(()) => Err(e),
            Err(abort_error) => Err(e.with_abort_error(abort_error)),
        },
    }
}

/// Every part, at most `max` at once; the first failure (or a cancel) stops the others, and
/// returns once they have stopped, so none is still sending when the upload is aborted.
async fn run_parts(
    source: &mut dyn PartSource,
    target: &Arc<Target>,
    max: usize,
    tracker: &Tracker,
    cancel: Option<&CancelToken>,
) -> Result<Vec<CompletedPart>, TransferError> {
    let mut tasks = JoinSet::new();
    let result = drive(&mut tasks, source, target, max, tracker, cancel).await;
    if result.is_err() {
        tasks.shutdown().await;
    }
    result
}

async fn drive(
    tasks: &mut JoinSet<Result<(CompletedPart, u64), TransferError>>,
    source: &mut dyn PartSource,
    target: &Arc<Target>,
    max: usize,
    tracker: &Tracker,
    cancel: Option<&CancelToken>,
) -> Result<Vec<CompletedPart>, TransferError> {
    let mut parts = Vec::new();
    let mut next = 1u32;
    let mut exhausted = false;
    loop {
        while !exhausted && tasks.len() < max {
            let job = tokio::select! {
                biased;
                _ = cancel::wait(cancel) => return Err(TransferError::cancelled()),
                job = source.next_part(next, target) => job?,
            };
            match job {
                Some(job) => {
                    tasks.spawn(job);
                    next += 1;
                }
                None => exhausted = true,
            }
        }
        let joined = tokio::select! {
            biased;
            _ = cancel::wait(cancel) => return Err(TransferError::cancelled()),
            joined = tasks.join_next() => joined,
        };
        match joined {
            None => break,
            Some(joined) => {
                let (part, bytes) = joined_part(joined)?;
                // A part streamed from a file has reported its bytes as they were read.
                if bytes > 0 {
                    tracker.add(bytes);
                }
                parts.push(part);
            }
        }
    }
    parts.sort_by_key(|p| p.part_number);
    Ok(parts)
}

/// A finished task's result; a panic in a part is re-raised here, on the caller's task.
pub(crate) fn joined_part<T>(
    joined: Result<Result<T, TransferError>, tokio::task::JoinError>,
) -> Result<T, TransferError> {
    match joined {
        Ok(r) => r,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(_) => Err(TransferError::cancelled()),
    }
}

async fn complete(
    target: &Target,
    parts: Vec<CompletedPart>,
) -> Result<TransferOutput, TransferError> {
    let count = parts.len() as u32;
    let request = target
        .client
        .complete_multipart_upload()
        .bucket(&target.bucket)
        .key(&target.key)
        .upload_id(&target.upload_id)
        .multipart_upload(CompletedMultipartUpload::default().parts(parts))
        .send();
    let out = request
        .await
        .map_err(|e| TransferError::request("CompleteMultipartUpload", e))?;
    Ok(TransferOutput {
        bytes: 0,
        e_tag: out.e_tag.clone(),
        version_id: out.version_id.clone(),
        parts: Some(count),
    })
}

async fn abort(target: &Target) -> Result<(), rboto_s3::Error> {
    target
        .client
        .abort_multipart_upload()
        .bucket(&target.bucket)
        .key(&target.key)
        .upload_id(&target.upload_id)
        .send()
        .await
        .map(drop)
}

/// Aborts the upload from a spawned task when the transfer's future is dropped before it
/// finished (a drop cannot wait for the abort). Disarmed once the upload completed or was
/// aborted in the ordinary way.
struct AbortOnDrop(Option<Arc<Target>>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        let Some(target) = self.0.take() else {
            return;
        };
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                let _ = abort(&target).await;
            });
        }
    }
}

/// The checksums a part response (or `CopyPartResult`) carries, in the order
/// CRC32, CRC32C, CRC64NVME, SHA1, SHA256, SHA512.
pub(crate) type Checksums = [Option<String>; 6];

/// `part` with the checksum of `algorithm` from `sums` (what S3 answered; none when it
/// answered none, as s3transfer).
pub(crate) fn with_checksum(
    part: CompletedPart,
    algorithm: Option<&ChecksumAlgorithm>,
    sums: Checksums,
) -> CompletedPart {
    let [crc32, crc32c, crc64nvme, sha1, sha256, sha512] = sums;
    match algorithm {
        Some(ChecksumAlgorithm::Crc32) => set(part, crc32, |p, v| p.checksum_crc32(v)),
        Some(ChecksumAlgorithm::Crc32c) => set(part, crc32c, |p, v| p.checksum_crc32c(v)),
        Some(ChecksumAlgorithm::Crc64nvme) => set(part, crc64nvme, |p, v| p.checksum_crc64nvme(v)),
        Some(ChecksumAlgorithm::Sha1) => set(part, sha1, |p, v| p.checksum_sha1(v)),
        Some(ChecksumAlgorithm::Sha256) => set(part, sha256, |p, v| p.checksum_sha256(v)),
        Some(ChecksumAlgorithm::Sha512) => set(part, sha512, |p, v| p.checksum_sha512(v)),
        _ => part,
    }
}

fn set(
    part: CompletedPart,
    value: Option<String>,
    setter: fn(CompletedPart, String) -> CompletedPart,
) -> CompletedPart {
    match value {
        Some(v) => setter(part, v),
        None => part,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_part_keeps_the_checksum_of_its_algorithm() {
        let base = CompletedPart::default().part_number(1);
        let sums = |i: usize| {
            let mut s: Checksums = Default::default();
            s[i] = Some(format!("sum{i}"));
            s
        };
        let p = with_checksum(base.clone(), Some(&ChecksumAlgorithm::Crc32), sums(0));
        assert_eq!(p.checksum_crc32.as_deref(), Some("sum0"));
        // S3 answered no checksum: the part lists none.
        let p = with_checksum(
            base.clone(),
            Some(&ChecksumAlgorithm::Crc32),
            Default::default(),
        );
        assert_eq!(p, base);
        let p = with_checksum(base.clone(), Some(&ChecksumAlgorithm::Sha256), sums(4));
        assert_eq!(p.checksum_sha256.as_deref(), Some("sum4"));
        assert_eq!(p.checksum_crc32, None);
        let p = with_checksum(base.clone(), None, sums(0));
        assert_eq!(p, base);
    }
}

//! Managed copies: `HeadObject` of the source, then one `CopyObject` below the threshold, else
//! a multipart upload whose parts are `UploadPartCopy` ranges of the source, pinned to its
//! ETag (`x-amz-copy-source-if-match`). A multipart copy carries the source's content headers
//! and metadata over itself, as s3transfer does, since `CreateMultipartUpload` cannot copy
//! them; `metadata_directive: REPLACE` in [`crate::ExtraArgs`] gives the caller's instead.

use crate::cancel;
use crate::config::range_header;
use crate::error::TransferError;
use crate::multipart::{self, BoxFuture, Checksums, PartJob, PartSource, Target};
use crate::options::{apply_object_args, CallOptions, ExtraArgs};
use crate::progress::Tracker;
use crate::{TransferManager, TransferOutput};
use rboto_s3::types::{ChecksumAlgorithm, CompletedPart, MetadataDirective};
use std::sync::Arc;

pub(crate) async fn copy(
    tm: &TransferManager,
    source: (String, String),
    bucket: String,
    key: String,
    opts: CallOptions,
) -> Result<TransferOutput, TransferError> {
    tm.config.validate()?;
    let cancel = opts.cancel.as_ref();
    let copy_source = copy_source(&source.0, &source.1);
    let request = tm
        .client
        .head_object()
        .bucket(&source.0)
        .key(&source.1)
        .send();
    let head = tokio::select! {
        biased;
        _ = cancel::wait(cancel) => return Err(TransferError::cancelled()),
        r = request => r.map_err(|e| TransferError::request("HeadObject", e))?,
    };
    let size = head
        .content_length
        .and_then(|n| u64::try_from(n).ok())
        .ok_or_else(|| TransferError::Response("HeadObject returned no size".to_string()))?;
    let tracker = Tracker::new(Some(size), opts.progress.clone());
    let algorithm = opts.extra.checksum_algorithm.clone();

    if size < tm.config.multipart_threshold {
        let mut input = apply_object_args!(
            tm.client
                .copy_object()
                .bucket(&bucket)
                .key(&key)
                .copy_source(&copy_source),
            &opts.extra
        );
        input.metadata_directive = opts.extra.metadata_directive.clone();
        input.checksum_algorithm = algorithm;
        let out = tokio::select! {
            biased;
            _ = cancel::wait(cancel) => return Err(TransferError::cancelled()),
            r = input.send() => r.map_err(|e| TransferError::request("CopyObject", e))?,
        };
        tracker.add(size);
        return Ok(TransferOutput {
            bytes: size,
            e_tag: out
                .copy_object_result
                .as_ref()
                .and_then(|r| r.e_tag.clone()),
            version_id: out.version_id.clone(),
            parts: None,
        });
    }

    let mut object_args = opts.extra.clone();
    if !matches!(
        opts.extra.metadata_directive,
        Some(MetadataDirective::Replace)
    ) {
        object_args = ExtraArgs {
            content_type: head.content_type.clone(),
            cache_control: head.cache_control.clone(),
            content_disposition: head.content_disposition.clone(),
            content_encoding: head.content_encoding.clone(),
            content_language: head.content_language.clone(),
            metadata: head.metadata.clone(),
            ..object_args
        };
    }
    let mut create = apply_object_args!(
        tm.client
            .create_multipart_upload()
            .bucket(&bucket)
            .key(&key),
        &object_args
    );
    create.checksum_algorithm = algorithm.clone();
    let mut parts = CopyParts {
        copy_source,
        size,
        part_size: tm.config.upload_part_size(Some(size)),
        e_tag: head.e_tag.clone(),
        algorithm,
    };
    let mut out = multipart::run(
        &tm.client,
        create,
        &mut parts,
        tm.config.max_concurrency,
        &tracker,
        cancel,
    )
    .await?;
    out.bytes = size;
    Ok(out)
}

/// `bucket/key` as `x-amz-copy-source` carries it: percent-encoded but for `/` and `~`, as
/// botocore's `_quote_source_header`.
pub(crate) fn copy_source(bucket: &str, key: &str) -> String {
    let mut out = String::with_capacity(bucket.len() + key.len() + 1);
    for &b in bucket.as_bytes().iter().chain(b"/").chain(key.as_bytes()) {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

struct CopyParts {
    copy_source: String,
    size: u64,
    part_size: u64,
    e_tag: Option<String>,
    algorithm: Option<ChecksumAlgorithm>,
}

impl PartSource for CopyParts {
    fn next_part<'s>(
        &'s mut self,
        part_number: u32,
        target: &'s Arc<Target>,
    ) -> BoxFuture<'s, Result<Option<PartJob>, TransferError>> {
        let Some((start, len)) = crate::config::part_range(part_number, self.part_size, self.size)
        else {
            return Box::pin(async { Ok(None) });
        };
        let target = target.clone();
        let (source, e_tag, algorithm) = (
            self.copy_source.clone(),
            self.e_tag.clone(),
            self.algorithm.clone(),
        );
        let job: PartJob = Box::pin(async move {
            let mut input = target
                .client
                .upload_part_copy()
                .bucket(&target.bucket)
                .key(&target.key)
                .upload_id(&target.upload_id)
                .part_number(part_number as i32)
                .copy_source(source)
                .copy_source_range(range_header(start, len));
            input.copy_source_if_match = e_tag;
            let out = input
                .send()
                .await
                .map_err(|e| TransferError::part(part_number, "UploadPartCopy", e))?;
            let result = out.copy_part_result.clone().unwrap_or_default();
            let e_tag = result.e_tag.clone().ok_or_else(|| {
                TransferError::Response(format!(
                    "UploadPartCopy of part {part_number} returned no ETag"
                ))
            })?;
            let sums: Checksums = [
                result.checksum_crc32,
                result.checksum_crc32c,
                result.checksum_crc64nvme,
                result.checksum_sha1,
                result.checksum_sha256,
                result.checksum_sha512,
            ];
            let part = CompletedPart::default()
                .e_tag(e_tag)
                .part_number(part_number as i32);
            Ok((
                multipart::with_checksum(part, algorithm.as_ref(), sums),
                len,
            ))
        });
        Box::pin(async move { Ok(Some(job)) })
    }
}

#[cfg(test)]
mod tests {
    use super::copy_source;

    #[test]
    fn the_copy_source_is_percent_encoded_but_for_slashes() {
        assert_eq!(copy_source("b", "dir/a b+c~.txt"), "b/dir/a%20b%2Bc~.txt");
        assert_eq!(copy_source("b", "é"), "b/%C3%A9");
    }
}

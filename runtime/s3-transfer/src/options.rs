//! [`ExtraArgs`]: the per-call settings boto3 takes as `ExtraArgs`, typed, and how each request
//! of a transfer receives its share of them.

use rboto_s3::types::{ChecksumAlgorithm, MetadataDirective, ServerSideEncryption, StorageClass};
use std::collections::HashMap;
use std::fmt;

/// Settings for the object a transfer writes. Each request gets the ones S3 accepts on it,
/// as s3transfer passes them: object settings on `PutObject`, `CopyObject` and
/// `CreateMultipartUpload`, the checksum algorithm on the parts too.
#[derive(Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct ExtraArgs {
    pub content_type: Option<String>,
    pub cache_control: Option<String>,
    pub content_disposition: Option<String>,
    pub content_encoding: Option<String>,
    pub content_language: Option<String>,
    /// User metadata (`x-amz-meta-*`).
    pub metadata: Option<HashMap<String, String>>,
    /// Server-side encryption: `AES256` or `aws:kms`.
    pub server_side_encryption: Option<ServerSideEncryption>,
    /// The KMS key for `aws:kms` (sensitive in botocore's model: redacted in `Debug`).
    pub ssekms_key_id: Option<String>,
    pub storage_class: Option<StorageClass>,
    /// The checksum of uploads and their parts. Unset: CRC32, botocore's default, unless the
    /// client's `request_checksum_calculation` is `when_required`.
    pub checksum_algorithm: Option<ChecksumAlgorithm>,
    /// Copies only: `REPLACE` gives the copy the metadata above instead of the source's, as
    /// with s3transfer (a multipart copy otherwise carries the source's content headers and
    /// metadata over itself, since `CreateMultipartUpload` cannot copy them).
    pub metadata_directive: Option<MetadataDirective>,
}

impl ExtraArgs {
    /// No settings: S3's defaults.
    pub fn new() -> Self {
        ExtraArgs::default()
    }
    /// Sets [`ExtraArgs::content_type`].
    pub fn content_type(mut self, v: impl Into<String>) -> Self {
        self.content_type = Some(v.into());
        self
    }
    /// Sets [`ExtraArgs::cache_control`].
    pub fn cache_control(mut self, v: impl Into<String>) -> Self {
        self.cache_control = Some(v.into());
        self
    }
    /// Sets [`ExtraArgs::content_disposition`].
    pub fn content_disposition(mut self, v: impl Into<String>) -> Self {
        self.content_disposition = Some(v.into());
        self
    }
    /// Sets [`ExtraArgs::content_encoding`].
    pub fn content_encoding(mut self, v: impl Into<String>) -> Self {
        self.content_encoding = Some(v.into());
        self
    }
    /// Sets [`ExtraArgs::content_language`].
    pub fn content_language(mut self, v: impl Into<String>) -> Self {
        self.content_language = Some(v.into());
        self
    }
    /// Adds one user metadata entry.
    pub fn metadata(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.metadata
            .get_or_insert_with(HashMap::new)
            .insert(key.into(), value.into());
        self
    }
    /// Sets [`ExtraArgs::server_side_encryption`].
    pub fn server_side_encryption(mut self, v: ServerSideEncryption) -> Self {
        self.server_side_encryption = Some(v);
        self
    }
    /// Sets [`ExtraArgs::ssekms_key_id`].
    pub fn ssekms_key_id(mut self, v: impl Into<String>) -> Self {
        self.ssekms_key_id = Some(v.into());
        self
    }
    /// Sets [`ExtraArgs::storage_class`].
    pub fn storage_class(mut self, v: StorageClass) -> Self {
        self.storage_class = Some(v);
        self
    }
    /// Sets [`ExtraArgs::checksum_algorithm`].
    pub fn checksum_algorithm(mut self, v: ChecksumAlgorithm) -> Self {
        self.checksum_algorithm = Some(v);
        self
    }
    /// Sets [`ExtraArgs::metadata_directive`].
    pub fn metadata_directive(mut self, v: MetadataDirective) -> Self {
        self.metadata_directive = Some(v);
        self
    }
}

impl fmt::Debug for ExtraArgs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExtraArgs")
            .field("content_type", &self.content_type)
            .field("cache_control", &self.cache_control)
            .field("content_disposition", &self.content_disposition)
            .field("content_encoding", &self.content_encoding)
            .field("content_language", &self.content_language)
            .field("metadata", &self.metadata)
            .field("server_side_encryption", &self.server_side_encryption)
            .field(
                "ssekms_key_id",
                &rboto::types::Redacted(&self.ssekms_key_id),
            )
            .field("storage_class", &self.storage_class)
            .field("checksum_algorithm", &self.checksum_algorithm)
            .field("metadata_directive", &self.metadata_directive)
            .finish()
    }
}

/// Fills the object settings of an input that has all of them (`PutObject`, `CopyObject`,
/// `CreateMultipartUpload`).
macro_rules! apply_object_args {
    ($input:expr, $extra:expr) => {{
        let mut input = $input;
        let extra: &$crate::options::ExtraArgs = $extra;
        input.content_type = extra.content_type.clone();
        input.cache_control = extra.cache_control.clone();
        input.content_disposition = extra.content_disposition.clone();
        input.content_encoding = extra.content_encoding.clone();
        input.content_language = extra.content_language.clone();
        input.metadata = extra.metadata.clone();
        input.server_side_encryption = extra.server_side_encryption.clone();
        input.ssekms_key_id = extra.ssekms_key_id.clone();
        input.storage_class = extra.storage_class.clone();
        input
    }};
}
pub(crate) use apply_object_args;

/// What every transfer call takes besides its source and destination.
#[derive(Clone, Default)]
pub(crate) struct CallOptions {
    pub(crate) extra: ExtraArgs,
    pub(crate) progress: Option<crate::progress::Callback>,
    pub(crate) cancel: Option<crate::CancelToken>,
}

/// The builder methods every transfer call shares.
macro_rules! call_options {
    ($($ty:tt)*) => {
        impl $($ty)* {
            /// Settings for the object written (content type, metadata, encryption,
            /// checksum algorithm).
            pub fn extra_args(mut self, extra: $crate::ExtraArgs) -> Self {
                self.opts.extra = extra;
                self
            }

            /// Calls `f` as bytes are transferred, from the tasks running the parts (so it
            /// must be quick and thread-safe). The last call has `bytes_done` equal to the
            /// total.
            pub fn on_progress(
                mut self,
                f: impl Fn($crate::Progress) + Send + Sync + 'static,
            ) -> Self {
                self.opts.progress = Some(::std::sync::Arc::new(f));
                self
            }

            /// Stops the transfer when `token` is cancelled (see [`crate::CancelToken`]).
            pub fn cancel_token(mut self, token: $crate::CancelToken) -> Self {
                self.opts.cancel = Some(token);
                self
            }
        }
    };
}
pub(crate) use call_options;

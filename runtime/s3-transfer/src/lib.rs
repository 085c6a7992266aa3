//! # rboto-s3-transfer
//!
//! Managed S3 transfers for rboto, after boto3's `s3transfer`: files and streams of any size
//! go up and down in parts, in parallel, on one [`rboto_s3::Client`].
//!
//! * **Uploads** ([`TransferManager::upload_file`], [`TransferManager::upload`] from any
//!   `AsyncRead`): below `multipart_threshold` one `PutObject`; above it
//!   `CreateMultipartUpload`, the parts in parallel (at most `max_concurrency` at once), each
//!   with a checksum (CRC32, botocore's default, unless [`ExtraArgs::checksum_algorithm`]
//!   picks another or the client only sends checksums when required), then
//!   `CompleteMultipartUpload` with every part's number, ETag and checksum.
//! * **Downloads** ([`TransferManager::download_file`], [`TransferManager::download`] to any
//!   `AsyncWrite`): `HeadObject` for the size, then one `GetObject` below the threshold, else
//!   ranged `GetObject`s in parallel, written in place into a temporary file that is renamed
//!   over the destination when complete (or, for a writer, in order through a bounded
//!   reorder buffer).
//! * **Copies** ([`TransferManager::copy`]): `CopyObject` below the threshold, else a
//!   multipart upload of `UploadPartCopy` ranges.
//!
//! Each part is retried by the client's own retry policy. A part that fails for good stops
//! the others, the multipart upload is aborted (`AbortMultipartUpload`: no parts are left
//! behind), and [`TransferError::Part`] says which part failed, with the S3 error as its
//! source.
//!
//! Every call takes, before it is awaited, [`ExtraArgs`] for the object written, a progress
//! callback ([`Progress`]: bytes done and total) and a [`CancelToken`]. Memory stays bounded:
//! file parts stream from and to the file (a few 64 KiB chunks each), and at most
//! `max_concurrency` parts of a stream are held at once (part size × concurrency, 80 MiB with
//! the defaults, plus small buffers). `examples/transfer_bench.rs` (`cargo xtask bench`)
//! measures the peak RSS and throughput of a 1 GiB upload and download against a loopback
//! sink.
//!
//! ```no_run
//! use rboto_s3_transfer::{CancelToken, ExtraArgs, TransferConfig, TransferManager};
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let config = rboto::Config::load().await?;
//! let s3 = rboto_s3::Client::new(&config);
//! let tm = TransferManager::new(s3).with_config(TransferConfig::default().max_concurrency(4));
//!
//! let cancel = CancelToken::new();
//! let out = tm
//!     .upload_file("backup.tar", "my-bucket", "backups/backup.tar")
//!     .extra_args(ExtraArgs::new().content_type("application/x-tar"))
//!     .on_progress(|p| eprintln!("{} of {:?} bytes", p.bytes_done, p.total))
//!     .cancel_token(cancel.clone())
//!     .await?;
//! println!("uploaded in {:?} parts, ETag {:?}", out.parts, out.e_tag);
//!
//! tm.download_file("my-bucket", "backups/backup.tar", "restored.tar").await?;
//! tm.copy(("my-bucket", "backups/backup.tar"), "my-bucket", "backups/copy.tar")
//!     .await?;
//! # Ok(()) }
//! ```

mod cancel;
mod config;
mod copy;
mod download;
mod error;
mod multipart;
mod options;
mod progress;
mod range_writer;
mod upload;

pub use cancel::CancelToken;
pub use config::{TransferConfig, MAX_PARTS, MAX_PART_SIZE, MIB, MIN_PART_SIZE};
pub use error::TransferError;
pub use options::ExtraArgs;
pub use progress::Progress;

use multipart::BoxFuture;
use options::{call_options, CallOptions};
use std::future::IntoFuture;
use std::path::PathBuf;
use tokio::io::{AsyncRead, AsyncWrite};

/// Runs managed transfers through one S3 client (boto3's `TransferManager` / `S3Transfer`).
/// Cheap to clone: the client shares its connection pool.
#[derive(Clone, Debug)]
pub struct TransferManager {
    client: rboto_s3::Client,
    config: TransferConfig,
}

/// What a finished transfer did.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TransferOutput {
    /// The object's size in bytes.
    pub bytes: u64,
    /// The ETag of the object written (uploads, copies) or read (downloads).
    pub e_tag: Option<String>,
    /// The version written, in a versioned bucket.
    pub version_id: Option<String>,
    /// How many parts (or ranges) the transfer was split into; `None` when it took a single
    /// request.
    pub parts: Option<u32>,
}

impl TransferManager {
    /// A manager with boto3's default [`TransferConfig`].
    pub fn new(client: rboto_s3::Client) -> Self {
        TransferManager {
            client,
            config: TransferConfig::default(),
        }
    }

    /// This manager with `config`.
    pub fn with_config(mut self, config: TransferConfig) -> Self {
        self.config = config;
        self
    }

    /// The settings in use.
    pub fn config(&self) -> &TransferConfig {
        &self.config
    }

    /// The client transfers go through.
    pub fn client(&self) -> &rboto_s3::Client {
        &self.client
    }

    /// Uploads the file at `path` to `bucket`/`key`. Await the returned call.
    pub fn upload_file(
        &self,
        path: impl Into<PathBuf>,
        bucket: impl Into<String>,
        key: impl Into<String>,
    ) -> UploadFile<'_> {
        UploadFile {
            tm: self,
            path: path.into(),
            bucket: bucket.into(),
            key: key.into(),
            opts: CallOptions::default(),
        }
    }

    /// Uploads everything `reader` yields to `bucket`/`key`. The size is not known in
    /// advance: what arrives before `multipart_threshold` bytes decides between one
    /// `PutObject` and a multipart upload.
    pub fn upload<'a, R>(
        &'a self,
        reader: R,
        bucket: impl Into<String>,
        key: impl Into<String>,
    ) -> Upload<'a, R>
    where
        R: AsyncRead + Unpin + Send + 'a,
    {
        Upload {
            tm: self,
            reader,
            bucket: bucket.into(),
            key: key.into(),
            opts: CallOptions::default(),
        }
    }

    /// Downloads `bucket`/`key` to the file at `path`, replaced only once the whole object
    /// has arrived.
    pub fn download_file(
        &self,
        bucket: impl Into<String>,
        key: impl Into<String>,
        path: impl Into<PathBuf>,
    ) -> DownloadFile<'_> {
        DownloadFile {
            tm: self,
            bucket: bucket.into(),
            key: key.into(),
            path: path.into(),
            opts: CallOptions::default(),
        }
    }

    /// Downloads `bucket`/`key` into `writer`, in order, and flushes it.
    pub fn download<'a, W>(
        &'a self,
        bucket: impl Into<String>,
        key: impl Into<String>,
        writer: W,
    ) -> Download<'a, W>
    where
        W: AsyncWrite + Unpin + Send + 'a,
    {
        Download {
            tm: self,
            bucket: bucket.into(),
            key: key.into(),
            writer,
            opts: CallOptions::default(),
        }
    }

    /// Copies `source` (bucket, key) to `bucket`/`key` inside S3.
    pub fn copy(
        &self,
        source: (impl Into<String>, impl Into<String>),
        bucket: impl Into<String>,
        key: impl Into<String>,
    ) -> Copy<'_> {
        Copy {
            tm: self,
            source: (source.0.into(), source.1.into()),
            bucket: bucket.into(),
            key: key.into(),
            opts: CallOptions::default(),
        }
    }
}

/// An upload of a file, run when awaited ([`TransferManager::upload_file`]).
#[must_use = "a transfer does nothing until it is awaited"]
pub struct UploadFile<'a> {
    tm: &'a TransferManager,
    path: PathBuf,
    bucket: String,
    key: String,
    opts: CallOptions,
}

/// An upload of a stream, run when awaited ([`TransferManager::upload`]).
#[must_use = "a transfer does nothing until it is awaited"]
pub struct Upload<'a, R> {
    tm: &'a TransferManager,
    reader: R,
    bucket: String,
    key: String,
    opts: CallOptions,
}

/// A download to a file, run when awaited ([`TransferManager::download_file`]).
#[must_use = "a transfer does nothing until it is awaited"]
pub struct DownloadFile<'a> {
    tm: &'a TransferManager,
    bucket: String,
    key: String,
    path: PathBuf,
    opts: CallOptions,
}

/// A download to a writer, run when awaited ([`TransferManager::download`]).
#[must_use = "a transfer does nothing until it is awaited"]
pub struct Download<'a, W> {
    tm: &'a TransferManager,
    bucket: String,
    key: String,
    writer: W,
    opts: CallOptions,
}

/// A managed copy, run when awaited ([`TransferManager::copy`]).
#[must_use = "a transfer does nothing until it is awaited"]
pub struct Copy<'a> {
    tm: &'a TransferManager,
    source: (String, String),
    bucket: String,
    key: String,
    opts: CallOptions,
}

call_options!(UploadFile<'_>);
call_options!(<R> Upload<'_, R>);
call_options!(DownloadFile<'_>);
call_options!(<W> Download<'_, W>);
call_options!(Copy<'_>);

type TransferResult = Result<TransferOutput, TransferError>;

impl<'a> IntoFuture for UploadFile<'a> {
    type Output = TransferResult;
    type IntoFuture = BoxFuture<'a, TransferResult>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(upload::upload_file(
            self.tm,
            self.path,
            self.bucket,
            self.key,
            self.opts,
        ))
    }
}

impl<'a, R: AsyncRead + Unpin + Send + 'a> IntoFuture for Upload<'a, R> {
    type Output = TransferResult;
    type IntoFuture = BoxFuture<'a, TransferResult>;
    fn into_future(mut self) -> Self::IntoFuture {
        Box::pin(async move {
            upload::upload_reader(self.tm, &mut self.reader, self.bucket, self.key, self.opts).await
        })
    }
}

impl<'a> IntoFuture for DownloadFile<'a> {
    type Output = TransferResult;
    type IntoFuture = BoxFuture<'a, TransferResult>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(download::download_file(
            self.tm,
            self.bucket,
            self.key,
            self.path,
            self.opts,
        ))
    }
}

impl<'a, W: AsyncWrite + Unpin + Send + 'a> IntoFuture for Download<'a, W> {
    type Output = TransferResult;
    type IntoFuture = BoxFuture<'a, TransferResult>;
    fn into_future(mut self) -> Self::IntoFuture {
        Box::pin(async move {
            download::download_writer(self.tm, self.bucket, self.key, &mut self.writer, self.opts)
                .await
        })
    }
}

impl<'a> IntoFuture for Copy<'a> {
    type Output = TransferResult;
    type IntoFuture = BoxFuture<'a, TransferResult>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(copy::copy(
            self.tm,
            self.source,
            self.bucket,
            self.key,
            self.opts,
        ))
    }
}

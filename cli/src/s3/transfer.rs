//! `s3 cp` and `s3 rm` (awscli's `CpCommand`/`RmCommand` through its `CommandArchitecture`):
//! the command's jobs (see `plan`) are run one after another and reported as awscli reports
//! them.

use super::args::{Args, Spec};
use super::format::{client_error, relative_path};
use super::path::Location;
use super::plan::{plan, Plan, Stop};
use super::progress::{Progress, Report};
use super::{usage_error, Console, SyncWriter, EXIT_OTHER};
use rboto::__private::schema::{Kind, Member, Shape};
use rboto_s3::types::{ChecksumAlgorithm, MetadataDirective, ServerSideEncryption};
use rboto_s3_transfer::{ExtraArgs, TransferError, TransferManager};
use serde_json::Value;
use std::path::PathBuf;

const CP_SPEC: Spec = Spec {
    flags: &[
        "recursive",
        "dryrun",
        "quiet",
        "only-show-errors",
        "no-progress",
        "follow-symlinks",
        "no-follow-symlinks",
        "no-guess-mime-type",
    ],
    options: &[
        "page-size",
        "content-type",
        "cache-control",
        "content-disposition",
        "content-encoding",
        "content-language",
        "storage-class",
        "expected-size",
        "metadata",
        "metadata-directive",
        "sse-kms-key-id",
        "checksum-algorithm",
    ],
    repeated: &["include", "exclude"],
    optional: &[("sse", "AES256", &["AES256", "aws:kms"])],
};

const RM_SPEC: Spec = Spec {
    flags: &["recursive", "dryrun", "quiet", "only-show-errors"],
    options: &["page-size"],
    repeated: &["include", "exclude"],
    optional: &[],
};

/// One transfer or deletion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Job {
    Upload {
        path: PathBuf,
        bucket: String,
        key: String,
    },
    UploadStream {
        bucket: String,
        key: String,
    },
    Download {
        bucket: String,
        key: String,
        path: PathBuf,
    },
    DownloadStream {
        bucket: String,
        key: String,
    },
    Copy {
        source: (String, String),
        bucket: String,
        key: String,
    },
    Delete {
        bucket: String,
        key: String,
    },
}

impl Job {
    pub fn kind(&self) -> &'static str {
        match self {
            Job::Upload { .. } | Job::UploadStream { .. } => "upload",
            Job::Download { .. } | Job::DownloadStream { .. } => "download",
            Job::Copy { .. } => "copy",
            Job::Delete { .. } => "delete",
        }
    }

    /// `src to dest` as awscli prints it.
    pub fn location(&self) -> String {
        match self {
            Job::Upload { path, bucket, key } => {
                format!("{} to s3://{bucket}/{key}", relative_path(path))
            }
            Job::UploadStream { bucket, key } => format!("- to s3://{bucket}/{key}"),
            Job::Download { bucket, key, path } => {
                format!("s3://{bucket}/{key} to {}", relative_path(path))
            }
            Job::DownloadStream { bucket, key } => format!("s3://{bucket}/{key} to -"),
            Job::Copy {
                source,
                bucket,
                key,
            } => format!("s3://{}/{} to s3://{bucket}/{key}", source.0, source.1),
            Job::Delete { bucket, key } => format!("s3://{bucket}/{key}"),
        }
    }

    fn is_stream(&self) -> bool {
        matches!(self, Job::UploadStream { .. } | Job::DownloadStream { .. })
    }
}

pub(super) async fn cp(args: &[String], s3: &rboto_s3::Client, console: &mut Console<'_>) -> i32 {
    let args = match Args::parse(args, &CP_SPEC) {
        Ok(a) => a,
        Err(e) => return usage_error(console, "cp", &e),
    };
    let page_size = match args.integer("page-size") {
        Ok(p) => p,
        Err(e) => return usage_error(console, "cp", &e),
    };
    let [src, dest] = args.paths.as_slice() else {
        return usage_error(console, "cp", "the following arguments are required: paths");
    };
    let recursive = args.flag("recursive");
    let (src_loc, dest_loc) = (Location::parse(src), Location::parse(dest));
    let streaming = matches!(src_loc, Location::Stream) || matches!(dest_loc, Location::Stream);
    if streaming && recursive {
        console.eprint("\nStreaming currently is only compatible with non-recursive cp commands\n");
        return EXIT_OTHER;
    }
    let plan = match (&src_loc, &dest_loc) {
        (Location::Local(_), Location::S3 { .. })
        | (Location::S3 { .. }, Location::Local(_))
        | (Location::S3 { .. }, Location::S3 { .. }) => {
            plan(s3, &args, src, dest, recursive, page_size, false).await
        }
        (Location::Stream, Location::S3 { bucket, key }) => Ok(Plan {
            jobs: vec![(
                Job::UploadStream {
                    bucket: bucket.clone(),
                    key: key.clone(),
                },
                0,
            )],
            warnings: Vec::new(),
        }),
        (Location::S3 { bucket, key }, Location::Stream) => Ok(Plan {
            jobs: vec![(
                Job::DownloadStream {
                    bucket: bucket.clone(),
                    key: key.clone(),
                },
                0,
            )],
            warnings: Vec::new(),
        }),
        _ => Err(Stop::Other(
            "usage: rboto s3 cp <LocalPath> <S3Uri> or <S3Uri> <LocalPath> or <S3Uri> <S3Uri>\n\
             Error: Invalid argument type"
                .into(),
        )),
    };
    let extra = match extra_args(&args) {
        Ok(e) => e,
        Err(e) => return usage_error(console, "cp", &e),
    };
    // awscli names an upload's type from its file name unless told not to or given one.
    let guess = !args.flag("no-guess-mime-type") && args.value("content-type").is_none();
    let tm = TransferManager::new(s3.clone());
    execute(plan, &args, console, |job, console, progress| {
        let tm = tm.clone();
        let extra = extra.clone();
        Box::pin(async move { run_job(&tm, job, extra, guess, console, progress).await })
    })
    .await
}

pub(super) async fn rm(args: &[String], s3: &rboto_s3::Client, console: &mut Console<'_>) -> i32 {
    let args = match Args::parse(args, &RM_SPEC) {
        Ok(a) => a,
        Err(e) => return usage_error(console, "rm", &e),
    };
    let page_size = match args.integer("page-size") {
        Ok(p) => p,
        Err(e) => return usage_error(console, "rm", &e),
    };
    let [path] = args.paths.as_slice() else {
        return usage_error(console, "rm", "the following arguments are required: paths");
    };
    let plan = match Location::parse(path) {
        Location::S3 { .. } => {
            plan(
                s3,
                &args,
                path,
                path,
                args.flag("recursive"),
                page_size,
                true,
            )
            .await
        }
        _ => Err(Stop::Other(
            "usage: rboto s3 rm <S3Uri>\nError: Invalid argument type".into(),
        )),
    };
    let s3 = s3.clone();
    execute(plan, &args, console, |job, _, _| {
        let s3 = s3.clone();
        Box::pin(async move {
            let Job::Delete { bucket, key } = job else {
                return Ok(());
            };
            s3.delete_object()
                .bucket(bucket)
                .key(key)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| client_error(&e))
        })
    })
    .await
}

type JobFuture<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), String>> + 'a>>;

/// Runs the plan's jobs one after another and reports each; returns the exit code.
async fn execute<'c, 'o, F>(
    plan: Result<Plan, Stop>,
    args: &Args,
    console: &'c mut Console<'o>,
    mut run: F,
) -> i32
where
    F: for<'x> FnMut(&'x Job, &'x mut Console<'o>, Option<Progress>) -> JobFuture<'x>,
{
    let plan = match plan {
        Ok(plan) => plan,
        Err(Stop::Other(message)) => {
            console.eprint(&format!("\n{message}\n"));
            return EXIT_OTHER;
        }
        Err(Stop::Fatal(message)) => {
            let mut report = Report::new(args, console.terminal, 0, 0);
            report.fatal(console, &message);
            return report.exit_code();
        }
    };
    let total_bytes = plan.jobs.iter().map(|(_, size)| size).sum();
    let mut report = Report::new(args, console.terminal, plan.jobs.len(), total_bytes);
    for warning in &plan.warnings {
        report.warning(console, warning);
    }
    for (job, size) in &plan.jobs {
        if report.dryrun {
            report.dry_run(console, job);
            continue;
        }
        let progress = report.progress_for(job.is_stream());
        match run(job, console, progress).await {
            Ok(()) if job.is_stream() => report.done_quietly(*size),
            Ok(()) => report.success(console, job, *size),
            Err(message) => report.failure(console, job, &message, *size),
        }
    }
    report.exit_code()
}

/// `--metadata`'s shape (awscli's `map` of strings), for the shorthand reader.
static META_STRING: Shape = Shape::scalar("MetadataValue", Kind::String);
static META_ENTRY: Member = Member::item(&META_STRING);
static METADATA: Shape = Shape::map("Metadata", &META_ENTRY, &META_ENTRY);

fn extra_args(args: &Args) -> Result<ExtraArgs, String> {
    let mut extra = ExtraArgs::new();
    if let Some(v) = args.value("metadata") {
        let parsed = crate::shorthand::parse_argument(&METADATA, &[v.to_owned()])
            .map_err(|e| e.for_parameter("--metadata"))?;
        let Value::Object(map) = parsed else {
            return Err(format!(
                "Error parsing parameter '--metadata': Invalid JSON:\n{v}"
            ));
        };
        for (key, value) in map {
            let Value::String(value) = value else {
                return Err(format!(
                    "Invalid type for parameter Metadata.{key}, value: {value}, valid types: \
                     <class 'str'>"
                ));
            };
            extra = extra.metadata(key, value);
        }
    }
    if let Some(v) = args.value("metadata-directive") {
        extra = extra.metadata_directive(MetadataDirective::from(v));
    } else if extra.metadata.is_some() {
        // New metadata on a copy replaces the source's (awscli fills this in).
        extra = extra.metadata_directive(MetadataDirective::Replace);
    }
    if let Some(v) = args.value("sse") {
        extra = extra.server_side_encryption(ServerSideEncryption::from(v));
    }
    if let Some(v) = args.value("sse-kms-key-id") {
        extra = extra.ssekms_key_id(v);
    }
    if let Some(v) = args.value("checksum-algorithm") {
        extra = extra.checksum_algorithm(ChecksumAlgorithm::from(v));
    }
    if let Some(v) = args.value("content-type") {
        extra = extra.content_type(v);
    }
    if let Some(v) = args.value("cache-control") {
        extra = extra.cache_control(v);
    }
    if let Some(v) = args.value("content-disposition") {
        extra = extra.content_disposition(v);
    }
    if let Some(v) = args.value("content-encoding") {
        extra = extra.content_encoding(v);
    }
    if let Some(v) = args.value("content-language") {
        extra = extra.content_language(v);
    }
    if let Some(v) = args.value("storage-class") {
        extra = extra.storage_class(rboto_s3::types::StorageClass::from(v));
    }
    Ok(extra)
}

/// A transfer error in awscli's words: the S3 error's own message when a request failed.
fn transfer_message(error: &TransferError) -> String {
    match error.s3_error() {
        Some(e) => client_error(e),
        None => error.to_string(),
    }
}

async fn run_job(
    tm: &TransferManager,
    job: &Job,
    extra: ExtraArgs,
    guess_type: bool,
    console: &mut Console<'_>,
    progress: Option<Progress>,
) -> Result<(), String> {
    let on_progress = move |p: rboto_s3_transfer::Progress| {
        if let Some(progress) = &progress {
            progress.update(p.bytes_done);
        }
    };
    let result = match job {
        Job::Upload { path, bucket, key } => {
            if path.is_dir() {
                return Err(format!("[Errno 21] Is a directory: '{}'", path.display()));
            }
            let guessed = guess_type
                .then(|| super::mime::guess(&path.to_string_lossy()))
                .flatten();
            let extra = match guessed {
                Some(content_type) => extra.content_type(content_type),
                None => extra,
            };
            tm.upload_file(path, bucket, key)
                .extra_args(extra)
                .on_progress(on_progress)
                .await
        }
        Job::UploadStream { bucket, key } => {
            tm.upload(tokio::io::stdin(), bucket, key)
                .extra_args(extra)
                .await
        }
        Job::Download { bucket, key, path } => {
            if let Some(parent) = path.parent() {
                tokio::fs::create_dir_all(parent)
                    .await
                    .map_err(|e| format!("{e}: '{}'", parent.display()))?;
            }
            tm.download_file(bucket, key, path)
                .on_progress(on_progress)
                .await
        }
        Job::DownloadStream { bucket, key } => tm.download(bucket, key, SyncWriter(console)).await,
        Job::Copy {
            source,
            bucket,
            key,
        } => {
            tm.copy(source.clone(), bucket, key)
                .extra_args(extra)
                .on_progress(on_progress)
                .await
        }
        Job::Delete { .. } => return Ok(()),
    };
    result.map(|_| ()).map_err(|e| transfer_message(&e))
}

//! `s3 cp` and `s3 rm` (awscli's `CpCommand`/`RmCommand` through its `CommandArchitecture`):
//! the source is expanded into a list of jobs (one file, a directory walked in S3 listing
//! order, or the objects under a prefix), filtered by `--exclude`/`--include`, and each job
//! is run and reported as awscli reports it.

use super::args::{Args, Spec};
use super::filter::Filter;
use super::format::{absolute, client_error, relative_path};
use super::path::{basename, Location};
use super::progress::{Progress, Report};
use super::{usage_error, Console, SyncWriter, EXIT_OTHER};
use rboto_s3_transfer::{ExtraArgs, TransferError, TransferManager};
use std::path::{Path, PathBuf};

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
    ],
    repeated: &["include", "exclude"],
};

const RM_SPEC: Spec = Spec {
    flags: &["recursive", "dryrun", "quiet", "only-show-errors"],
    options: &["page-size"],
    repeated: &["include", "exclude"],
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

/// The jobs of a command, what was skipped, and the size to expect.
#[derive(Default)]
pub(super) struct Plan {
    pub jobs: Vec<(Job, u64)>,
    pub warnings: Vec<String>,
}

/// A failure that stops a command before its transfers: awscli's `fatal error: …` (exit 1)
/// or an error raised before any transfer starts (exit 255).
enum Stop {
    Fatal(String),
    Other(String),
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

fn extra_args(args: &Args) -> Result<ExtraArgs, String> {
    let mut extra = ExtraArgs::new();
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

/// Everything a command will do, from its source and destination paths.
async fn plan(
    s3: &rboto_s3::Client,
    args: &Args,
    src: &str,
    dest: &str,
    recursive: bool,
    page_size: Option<i64>,
    delete: bool,
) -> Result<Plan, Stop> {
    let filter = Filter::new(
        &args.filters,
        &filter_root(src, recursive),
        &filter_root(dest, recursive),
    );
    let follow_symlinks = !args.flag("no-follow-symlinks");
    let mut plan = Plan::default();
    match (Location::parse(src), Location::parse(dest)) {
        (Location::Local(local), Location::S3 { bucket, key }) => {
            let root = absolute(Path::new(&local));
            if !root.exists() && std::fs::symlink_metadata(&root).is_err() {
                return Err(Stop::Other(format!(
                    "The user-provided path {local} does not exist."
                )));
            }
            let files = if recursive {
                let mut files = Vec::new();
                walk(&root, follow_symlinks, &mut files, &mut plan.warnings)
                    .map_err(Stop::Fatal)?;
                files
            } else {
                vec![(root.clone(), file_size(&root))]
            };
            for (path, size) in files {
                if !filter.includes(&path.to_string_lossy()) {
                    continue;
                }
                let key = if recursive {
                    let rel = path.strip_prefix(&root).unwrap_or(&path);
                    format!("{}{}", dir_prefix(&key), rel.to_string_lossy())
                } else if key.is_empty() || key.ends_with('/') {
                    format!(
                        "{key}{}",
                        path.file_name().unwrap_or_default().to_string_lossy()
                    )
                } else {
                    key.clone()
                };
                let job = Job::Upload {
                    path,
                    bucket: bucket.clone(),
                    key,
                };
                plan.jobs.push((job, size));
            }
        }
        (Location::S3 { bucket, key }, dest_loc) => {
            // awscli makes the destination directory of a recursive download up front, so it
            // exists even when nothing is downloaded.
            if let (true, Location::Local(local)) = (recursive, &dest_loc) {
                let dir = absolute(Path::new(local));
                std::fs::create_dir_all(&dir)
                    .map_err(|e| Stop::Other(format!("{e}: '{}'", dir.display())))?;
            }
            let objects = if recursive || key.is_empty() {
                list(
                    s3,
                    &bucket,
                    &dir_prefix_if(&key, recursive),
                    page_size,
                    delete,
                    recursive,
                )
                .await?
            } else if delete {
                vec![(key.clone(), 0)]
            } else {
                vec![(key.clone(), head(s3, &bucket, &key).await?)]
            };
            let prefix = dir_prefix_if(&key, recursive);
            for (object_key, size) in objects {
                if !filter.includes(&format!("{bucket}/{object_key}")) {
                    continue;
                }
                let rel = if recursive {
                    object_key
                        .strip_prefix(prefix.as_str())
                        .unwrap_or(&object_key)
                        .to_owned()
                } else {
                    basename(&object_key).to_owned()
                };
                let job = match &dest_loc {
                    _ if delete => Job::Delete {
                        bucket: bucket.clone(),
                        key: object_key,
                    },
                    Location::Local(local) => Job::Download {
                        path: local_destination(local, &rel, recursive),
                        bucket: bucket.clone(),
                        key: object_key,
                    },
                    Location::S3 {
                        bucket: dest_bucket,
                        key: dest_key,
                    } => Job::Copy {
                        key: if recursive {
                            format!("{}{rel}", dir_prefix(dest_key))
                        } else if dest_key.is_empty() || dest_key.ends_with('/') {
                            format!("{dest_key}{rel}")
                        } else {
                            dest_key.clone()
                        },
                        bucket: dest_bucket.clone(),
                        source: (bucket.clone(), object_key),
                    },
                    Location::Stream => continue,
                };
                plan.jobs.push((job, size));
            }
        }
        _ => {}
    }
    Ok(plan)
}

/// `key/` for a non-empty key without the slash; `` for the bucket itself.
fn dir_prefix(key: &str) -> String {
    if key.is_empty() || key.ends_with('/') {
        key.to_owned()
    } else {
        format!("{key}/")
    }
}

fn dir_prefix_if(key: &str, recursive: bool) -> String {
    if recursive {
        dir_prefix(key)
    } else {
        key.to_owned()
    }
}

/// awscli's `_get_s3_root` / `_get_local_root`: where `--include`/`--exclude` patterns start.
fn filter_root(path: &str, recursive: bool) -> String {
    match path.strip_prefix("s3://") {
        Some(rest) => {
            let (bucket, mut key) = match rest.split_once('/') {
                Some((b, k)) => (b.to_owned(), k.to_owned()),
                None => (rest.to_owned(), String::new()),
            };
            if !recursive && !key.ends_with('/') {
                key = key
                    .rsplit_once('/')
                    .map_or(String::new(), |(d, _)| d.to_owned());
            }
            format!("{bucket}/{key}")
        }
        None => {
            let abs = absolute(Path::new(path));
            let root = if recursive {
                abs
            } else {
                abs.parent().map(Path::to_path_buf).unwrap_or(abs)
            };
            root.to_string_lossy().into_owned()
        }
    }
}

/// Where a downloaded object goes (awscli's `local_format`): into `local` when it is a
/// directory, ends with `/`, or the command is recursive; else `local` is the file.
fn local_destination(local: &str, rel: &str, recursive: bool) -> PathBuf {
    let abs = absolute(Path::new(local));
    if recursive || abs.is_dir() || local.ends_with('/') {
        abs.join(rel)
    } else {
        abs
    }
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// The files under `dir` in the order S3 would list their keys (a directory's name sorts as
/// `name/`), with the warnings awscli gives for files it skips.
fn walk(
    dir: &Path,
    follow_symlinks: bool,
    files: &mut Vec<(PathBuf, u64)>,
    warnings: &mut Vec<String>,
) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{e}: '{}'", dir.display()))?;
    let mut names: Vec<(String, PathBuf, bool)> = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let is_link = entry.file_type().is_ok_and(|t| t.is_symlink());
        if is_link && !follow_symlinks {
            continue;
        }
        let is_dir = path.is_dir();
        let mut name = entry.file_name().to_string_lossy().into_owned();
        if is_dir {
            name.push('/');
        }
        names.push((name, path, is_dir));
    }
    names.sort_by(|a, b| a.0.cmp(&b.0));
    for (_, path, is_dir) in names {
        if let Some(warning) = skip_warning(&path) {
            warnings.push(warning);
        } else if is_dir {
            walk(&path, follow_symlinks, files, warnings)?;
        } else {
            files.push((path.clone(), file_size(&path)));
        }
    }
    Ok(())
}

/// awscli's `triggers_warning`: files that do not exist (dangling links), special files and
/// unreadable files are skipped with a warning.
fn skip_warning(path: &Path) -> Option<String> {
    let why = if !path.exists() {
        "File does not exist."
    } else if is_special(path) {
        "File is character special device, block special device, FIFO, or socket."
    } else if !path.is_dir() && std::fs::File::open(path).is_err() {
        "File/Directory is not readable."
    } else {
        return None;
    };
    Some(format!("warning: Skipping file {}. {why}", path.display()))
}

#[cfg(unix)]
fn is_special(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::metadata(path).is_ok_and(|m| {
        let t = m.file_type();
        t.is_char_device() || t.is_block_device() || t.is_fifo() || t.is_socket()
    })
}

#[cfg(not(unix))]
fn is_special(_: &Path) -> bool {
    false
}

/// The size of one object (awscli's `HeadObject` before a single download or copy).
async fn head(s3: &rboto_s3::Client, bucket: &str, key: &str) -> Result<u64, Stop> {
    match s3.head_object().bucket(bucket).key(key).send().await {
        Ok(out) => Ok(out.content_length.unwrap_or(0).max(0) as u64),
        Err(e) if e.code() == Some("404") || e.code() == Some("NotFound") => {
            Err(Stop::Fatal(format!(
                "An error occurred (404) when calling the HeadObject operation: Key \"{key}\" \
                 does not exist"
            )))
        }
        Err(e) => Err(Stop::Fatal(client_error(&e))),
    }
}

/// The objects under `prefix`, as (key, size). A recursive listing skips the empty `dir/`
/// markers consoles create, except when deleting; a non-recursive one keeps only `prefix`
/// itself.
async fn list(
    s3: &rboto_s3::Client,
    bucket: &str,
    prefix: &str,
    page_size: Option<i64>,
    delete: bool,
    recursive: bool,
) -> Result<Vec<(String, u64)>, Stop> {
    let mut pages = s3
        .list_objects_v2()
        .bucket(bucket)
        .prefix(prefix)
        .into_paginator();
    if let Some(size) = page_size {
        pages = pages.page_size(size);
    }
    let mut out = Vec::new();
    while let Some(page) = pages.next_page().await {
        let page = page.map_err(|e| Stop::Fatal(client_error(&e)))?;
        for object in page.contents.unwrap_or_default() {
            let key = object.key.unwrap_or_default();
            let size = object.size.unwrap_or(0).max(0) as u64;
            if size == 0 && key.ends_with('/') {
                if delete {
                    out.push((key, size));
                }
            } else if recursive || key == prefix {
                out.push((key, size));
            }
        }
    }
    Ok(out)
}

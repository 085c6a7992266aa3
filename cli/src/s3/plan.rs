//! What `cp` and `rm` will do: the source expanded into jobs (one file, a directory walked
//! in S3 listing order, or the objects under a prefix), destinations named as awscli names
//! them, `--exclude`/`--include` applied, and skipped files noted.

use super::args::Args;
use super::filter::Filter;
use super::format::{absolute, client_error};
use super::path::{basename, Location};
use super::transfer::Job;
use std::path::{Path, PathBuf};

/// The jobs of a command, what was skipped, and the size to expect.
#[derive(Default)]
pub(super) struct Plan {
    pub jobs: Vec<(Job, u64)>,
    pub warnings: Vec<String>,
}

/// A failure that stops a command before its transfers: awscli's `fatal error: …` (exit 1)
/// or an error raised before any transfer starts (exit 255).
pub(super) enum Stop {
    Fatal(String),
    Other(String),
}

/// Everything a command will do, from its source and destination paths.
pub(super) async fn plan(
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

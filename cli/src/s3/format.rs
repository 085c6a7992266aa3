//! Sizes, dates and paths as the AWS CLI's s3 commands print them.

use std::path::{Component, Path, PathBuf};

/// awscli's `human_readable_size`: `1 Byte`, `10 Bytes`, `1.0 KiB`, `2.5 MiB`, …
pub(super) fn human_readable_size(bytes: u64) -> String {
    const SUFFIXES: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let value = bytes as f64;
    if bytes == 1 {
        return "1 Byte".into();
    }
    if bytes < 1024 {
        return format!("{bytes} Bytes");
    }
    for (i, suffix) in SUFFIXES.iter().enumerate() {
        let unit = 1024f64.powi(i as i32 + 2);
        // Python's round(): halves to even.
        if ((value / unit) * 1024.0).round_ties_even() < 1024.0 {
            return format!("{:.1} {suffix}", 1024.0 * value / unit);
        }
    }
    format!("{:.1} EiB", value / 1024f64.powi(6))
}

/// `YYYY-MM-DD HH:MM:SS` of a time, as `s3 ls` prints it. awscli prints local time; this
/// prints UTC (the same on a machine whose time zone is UTC, as CI machines are).
pub(super) fn last_modified(time: Option<&rboto::DateTime>) -> String {
    let secs = time.map_or(0, |t| t.secs());
    let t =
        time::OffsetDateTime::from_unix_timestamp(secs).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// An absolute, lexically normalised form of `path` (Python's `os.path.abspath`).
pub(super) fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut out = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// awscli's `relative_path`: the directory relative to the working directory, then the name
/// (`./a.txt`, `dir/a.txt`, `../x/a.txt`).
pub(super) fn relative_path(path: &Path) -> String {
    let abs = absolute(path);
    let name = abs
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = abs.parent().map(Path::to_path_buf).unwrap_or_default();
    let cwd = absolute(&std::env::current_dir().unwrap_or_default());
    let rel_dir = relpath(&dir, &cwd);
    format!("{rel_dir}/{name}")
}

/// Python's `os.path.relpath(path, start)` for two absolute, normalised paths.
fn relpath(path: &Path, start: &Path) -> String {
    let p: Vec<_> = path.components().collect();
    let s: Vec<_> = start.components().collect();
    let common = p.iter().zip(&s).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".into(); s.len() - common];
    parts.extend(
        p[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

/// An error as the AWS CLI prints it: botocore's `ClientError` wording for a service error,
/// without the status and request id rboto adds (`An error occurred (NoSuchBucket) when
/// calling the ListObjectsV2 operation: The specified bucket does not exist`).
pub(super) fn client_error<E>(error: &rboto::Error<E>) -> String
where
    rboto::Error<E>: std::fmt::Display,
{
    let Some(service) = error.service_error() else {
        return error.to_string();
    };
    let mut text = format!(
        "An error occurred ({}) when calling the {} operation",
        service.code,
        error.operation().unwrap_or("unknown")
    );
    if let Some(retry) = error.retry_outcome().filter(|r| r.max_attempts_reached) {
        text.push_str(&format!(" (reached max retries: {})", retry.retries));
    }
    // botocore falls back to the HTTP reason phrase when the body says nothing (HEAD).
    let message = service
        .message
        .clone()
        .filter(|m| !m.is_empty())
        .or_else(|| {
            http::StatusCode::from_u16(service.status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .map(str::to_owned)
        })
        .unwrap_or_default();
    text.push_str(": ");
    text.push_str(&message);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_as_awscli() {
        // Expected values from awscli.customizations.s3.utils.human_readable_size.
        let cases = [
            (0, "0 Bytes"),
            (1, "1 Byte"),
            (10, "10 Bytes"),
            (1023, "1023 Bytes"),
            (1024, "1.0 KiB"),
            (1536, "1.5 KiB"),
            (1048575, "1.0 MiB"),
            (1048576, "1.0 MiB"),
            (5 * 1024 * 1024 * 1024 + 1, "5.0 GiB"),
            (123456789, "117.7 MiB"),
        ];
        for (bytes, expected) in cases {
            assert_eq!(human_readable_size(bytes), expected, "{bytes}");
        }
    }

    #[test]
    fn dates_and_paths() {
        let t = rboto::DateTime::from_secs(1_704_164_645);
        assert_eq!(last_modified(Some(&t)), "2024-01-02 03:04:05");
        assert_eq!(relative_path(Path::new("a.txt")), "./a.txt");
        assert_eq!(relative_path(Path::new("d/e/a.txt")), "d/e/a.txt");
        let cwd = std::env::current_dir().unwrap();
        let parent_name = cwd.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(
            relative_path(&cwd.join("../x/a.txt")),
            "../x/a.txt",
            "from {parent_name}"
        );
    }
}

//! Command-line locations: `s3://bucket/key`, a local path, or `-` (standard input/output).

/// One side of a transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Location {
    S3 { bucket: String, key: String },
    Local(String),
    Stream,
}

impl Location {
    pub fn parse(text: &str) -> Location {
        if text == "-" {
            return Location::Stream;
        }
        match text.strip_prefix("s3://") {
            Some(rest) => {
                let (bucket, key) = find_bucket_key(rest);
                Location::S3 { bucket, key }
            }
            None => Location::Local(text.to_owned()),
        }
    }
}

/// Splits `bucket/key/parts` (without `s3://`) at the first `/` (awscli's `find_bucket_key`
/// for plain bucket names).
pub(super) fn find_bucket_key(path: &str) -> (String, String) {
    match path.split_once('/') {
        Some((bucket, key)) => (bucket.to_owned(), key.to_owned()),
        None => (path.to_owned(), String::new()),
    }
}

/// The last `/`-separated part of a key (`a/b/c.txt` → `c.txt`).
pub(super) fn basename(key: &str) -> &str {
    key.rsplit('/').next().unwrap_or(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations() {
        assert_eq!(
            Location::parse("s3://b/k/x.txt"),
            Location::S3 {
                bucket: "b".into(),
                key: "k/x.txt".into()
            }
        );
        assert_eq!(
            Location::parse("s3://b"),
            Location::S3 {
                bucket: "b".into(),
                key: String::new()
            }
        );
        assert_eq!(Location::parse("-"), Location::Stream);
        assert_eq!(Location::parse("./a"), Location::Local("./a".into()));
        assert_eq!(basename("a/b/c.txt"), "c.txt");
        assert_eq!(basename("dir/"), "");
    }
}

//! `s3 ls`: buckets, or the prefixes and objects under a prefix (awscli `ListCommand`).

use super::args::{Args, Spec};
use super::format::{client_error, human_readable_size, last_modified};
use super::path::find_bucket_key;
use super::{usage_error, Console, EXIT_FAILED, EXIT_SERVICE};

const SPEC: Spec = Spec {
    flags: &["recursive", "human-readable", "summarize"],
    options: &[
        "page-size",
        "request-payer",
        "bucket-name-prefix",
        "bucket-region",
    ],
    repeated: &[],
    optional: &[],
};

#[derive(Default)]
struct Listing {
    human_readable: bool,
    total_objects: u64,
    total_size: u64,
    empty_first_page: bool,
    pages: u64,
}

impl Listing {
    fn size(&self, bytes: u64) -> String {
        if self.human_readable {
            human_readable_size(bytes)
        } else {
            bytes.to_string()
        }
    }

    /// One page of `ListObjectsV2`: its common prefixes, then its objects.
    fn page(
        &mut self,
        page: &rboto_s3::output::ListObjectsV2Output,
        full_keys: bool,
        console: &mut Console<'_>,
    ) {
        let prefixes = page.common_prefixes.as_deref().unwrap_or_default();
        let contents = page.contents.as_deref().unwrap_or_default();
        if prefixes.is_empty() && contents.is_empty() {
            if self.pages == 0 {
                self.empty_first_page = true;
            }
            return;
        }
        self.pages += 1;
        let mut text = String::new();
        for prefix in prefixes {
            let prefix = prefix.prefix.as_deref().unwrap_or_default();
            // `a/b/` prints as `b/`: the part before the trailing slash.
            let parts: Vec<&str> = prefix.split('/').collect();
            let name = parts.len().checked_sub(2).map_or("", |i| parts[i]);
            text.push_str(&format!("{:>30} {name}/\n", "PRE"));
        }
        for object in contents {
            let size = object.size.unwrap_or(0).max(0) as u64;
            self.total_size += size;
            self.total_objects += 1;
            let key = object.key.as_deref().unwrap_or_default();
            let name = if full_keys {
                key
            } else {
                key.rsplit('/').next().unwrap_or(key)
            };
            text.push_str(&format!(
                "{} {:>10} {name}\n",
                last_modified(object.last_modified.as_ref()),
                self.size(size)
            ));
        }
        console.print(&text);
    }
}

pub(super) async fn run(args: &[String], s3: &rboto_s3::Client, console: &mut Console<'_>) -> i32 {
    let args = match Args::parse(args, &SPEC) {
        Ok(a) => a,
        Err(e) => return usage_error(console, "ls", &e),
    };
    let page_size = match args.integer("page-size") {
        Ok(p) => p,
        Err(e) => return usage_error(console, "ls", &e),
    };
    if args.paths.len() > 1 {
        let extra = args.paths[1..].join(" ");
        return usage_error(console, "ls", &format!("Unknown options: {extra}"));
    }
    let path = args.paths.first().map_or("s3://", String::as_str);
    let (bucket, key) = find_bucket_key(path.strip_prefix("s3://").unwrap_or(path));
    let mut listing = Listing {
        human_readable: args.flag("human-readable"),
        ..Listing::default()
    };
    let result = if bucket.is_empty() {
        list_buckets(s3, &args, page_size, console).await
    } else {
        let recursive = args.flag("recursive");
        let mut input = s3.list_objects_v2().bucket(&bucket).prefix(&key);
        if !recursive {
            input = input.delimiter("/");
        }
        if let Some(payer) = args.value("request-payer") {
            input = input.request_payer(payer);
        }
        let mut pages = input.into_paginator();
        if let Some(size) = page_size {
            pages = pages.page_size(size);
        }
        loop {
            match pages.next_page().await {
                None => break Ok(()),
                Some(Err(e)) => break Err(e),
                Some(Ok(page)) => listing.page(&page, recursive, console),
            }
        }
    };
    if let Err(e) = result {
        console.eprint(&format!("\n{}\n", client_error(&e)));
        return EXIT_SERVICE;
    }
    if args.flag("summarize") {
        console.print(&format!(
            "\nTotal Objects: {}\n   Total Size: {}\n",
            listing.total_objects,
            listing.size(listing.total_size)
        ));
    }
    // A prefix that matches nothing is a failure; an empty bucket is not.
    if !key.is_empty() && listing.empty_first_page && listing.pages == 0 {
        return EXIT_FAILED;
    }
    0
}

async fn list_buckets(
    s3: &rboto_s3::Client,
    args: &Args,
    page_size: Option<i64>,
    console: &mut Console<'_>,
) -> Result<(), rboto_s3::Error> {
    let mut input = s3.list_buckets();
    if let Some(prefix) = args.value("bucket-name-prefix").filter(|p| !p.is_empty()) {
        input = input.prefix(prefix);
    }
    if let Some(region) = args.value("bucket-region").filter(|r| !r.is_empty()) {
        input = input.bucket_region(region);
    }
    let mut pages = input.into_paginator();
    if let Some(size) = page_size {
        pages = pages.page_size(size);
    }
    while let Some(page) = pages.next_page().await {
        let mut text = String::new();
        for bucket in page?.buckets.unwrap_or_default() {
            text.push_str(&format!(
                "{} {}\n",
                last_modified(bucket.creation_date.as_ref()),
                bucket.name.unwrap_or_default()
            ));
        }
        console.print(&text);
    }
    Ok(())
}

//! `s3 mb`, `s3 rb` and `s3 presign` (awscli `MbCommand`, `RbCommand`, `PresignCommand`).

use super::args::{Args, Spec};
use super::format::client_error;
use super::path::find_bucket_key;
use super::{usage_error, Console, EXIT_FAILED, EXIT_OTHER};
use rboto_s3::types::{BucketLocationConstraint, CreateBucketConfiguration};
use std::time::Duration;

const NO_OPTIONS: Spec = Spec {
    flags: &[],
    options: &[],
    repeated: &[],
    optional: &[],
};

/// The one `s3://` path of `mb`/`rb`, as awscli checks it.
fn bucket_path(
    command: &str,
    args: &Args,
    console: &mut Console<'_>,
) -> Result<(String, String, String), i32> {
    let [path] = args.paths.as_slice() else {
        return Err(usage_error(
            console,
            command,
            "the following arguments are required: path",
        ));
    };
    let Some(rest) = path.strip_prefix("s3://") else {
        console.eprint("\n<S3Uri>\nError: Invalid argument type\n");
        return Err(EXIT_OTHER);
    };
    let (bucket, key) = find_bucket_key(rest);
    Ok((path.clone(), bucket, key))
}

pub(super) async fn mb(
    args: &[String],
    s3: &rboto_s3::Client,
    config: &rboto::Config,
    console: &mut Console<'_>,
) -> i32 {
    let args = match Args::parse(args, &NO_OPTIONS) {
        Ok(a) => a,
        Err(e) => return usage_error(console, "mb", &e),
    };
    let (path, bucket, _) = match bucket_path("mb", &args, console) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let mut input = s3.create_bucket().bucket(&bucket);
    // us-east-1 takes no location constraint (sending one is an error).
    if let Some(region) = config.region().filter(|r| *r != "us-east-1") {
        input = input.create_bucket_configuration(
            CreateBucketConfiguration::default()
                .location_constraint(BucketLocationConstraint::from(region)),
        );
    }
    match input.send().await {
        Ok(_) => {
            console.print(&format!("make_bucket: {bucket}\n"));
            0
        }
        Err(e) => {
            console.eprint(&format!(
                "make_bucket failed: {path} {}\n",
                client_error(&e)
            ));
            EXIT_FAILED
        }
    }
}

pub(super) async fn rb(args: &[String], s3: &rboto_s3::Client, console: &mut Console<'_>) -> i32 {
    let spec = Spec {
        flags: &["force"],
        options: &[],
        repeated: &[],
        optional: &[],
    };
    let args = match Args::parse(args, &spec) {
        Ok(a) => a,
        Err(e) => return usage_error(console, "rb", &e),
    };
    let (path, bucket, key) = match bucket_path("rb", &args, console) {
        Ok(p) => p,
        Err(code) => return code,
    };
    if !key.is_empty() {
        console.eprint(&format!(
            "\nPlease specify a valid bucket name only. E.g. s3://{bucket}\n"
        ));
        return EXIT_OTHER;
    }
    if args.flag("force") {
        let rm_args = [path.clone(), "--recursive".to_owned()];
        if super::transfer::rm(&rm_args, s3, console).await != 0 {
            console.eprint(
                "\nremove_bucket failed: Unable to delete all objects in the bucket, bucket \
                 will not be deleted.\n",
            );
            return EXIT_OTHER;
        }
    }
    match s3.delete_bucket().bucket(&bucket).send().await {
        Ok(_) => {
            console.print(&format!("remove_bucket: {bucket}\n"));
            0
        }
        Err(e) => {
            console.eprint(&format!(
                "remove_bucket failed: {path} {}\n",
                client_error(&e)
            ));
            EXIT_FAILED
        }
    }
}

pub(super) async fn presign(
    args: &[String],
    s3: &rboto_s3::Client,
    console: &mut Console<'_>,
) -> i32 {
    let spec = Spec {
        flags: &[],
        options: &["expires-in"],
        repeated: &[],
        optional: &[],
    };
    let args = match Args::parse(args, &spec) {
        Ok(a) => a,
        Err(e) => return usage_error(console, "presign", &e),
    };
    let expires_in = match args.integer("expires-in") {
        Ok(v) => v.unwrap_or(3600),
        Err(e) => return usage_error(console, "presign", &e),
    };
    let [path] = args.paths.as_slice() else {
        return usage_error(
            console,
            "presign",
            "the following arguments are required: path",
        );
    };
    let (bucket, key) = find_bucket_key(path.strip_prefix("s3://").unwrap_or(path));
    // SigV4 (AWS CLI v2); v1 signs with SigV2 where S3 still accepts it.
    let presign = rboto::Presign::expires_in(Duration::from_secs(expires_in.max(0) as u64));
    match s3
        .presign(s3.get_object().bucket(bucket).key(key), &presign)
        .await
    {
        Ok(request) => {
            console.print(&format!("{}\n", request.url()));
            0
        }
        Err(e) => {
            console.eprint(&format!("\n{}\n", client_error(&e)));
            EXIT_OTHER
        }
    }
}

//! `rboto s3 …` end to end against moto: every subcommand, its output lines and exit codes.
//! The expected lines are what awscli 1.46.3 printed for the same commands against moto
//! (dates aside: they are checked for shape, then masked), with these differences: awscli
//! also prints its progress line (`Completed …\r`) to a pipe and pads the next line over it,
//! runs a recursive command's transfers ten at a time so its lines come in any order, and
//! exits 255 (v1) where v2 and rboto exit 254 (a service error) or 252 (unknown options).

use rboto_cli::s3::{run_with, Console};
use rboto_tests::moto::take_turn;
use rboto_tests::scratch::ScratchDir;
use std::path::Path;

struct Run {
    code: i32,
    out: String,
    err: String,
}

async fn s3(config: &rboto::Config, args: &[&str]) -> Run {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = {
        let mut console = Console {
            out: &mut out,
            err: &mut err,
            terminal: false,
        };
        run_with(&args, config, &mut console).await
    };
    Run {
        code,
        out: String::from_utf8(out).unwrap(),
        err: String::from_utf8(err).unwrap(),
    }
}

/// `ls` lines with their leading `YYYY-MM-DD HH:MM:SS` replaced by `<date>`, after checking
/// its shape.
fn mask_dates(text: &str) -> String {
    text.lines()
        .map(|line| {
            let b = line.as_bytes();
            let dated = b.len() >= 19
                && b[..19].iter().enumerate().all(|(i, c)| match i {
                    4 | 7 => *c == b'-',
                    10 => *c == b' ',
                    13 | 16 => *c == b':',
                    _ => c.is_ascii_digit(),
                });
            if dated {
                format!("<date>{}\n", &line[19..])
            } else {
                format!("{line}\n")
            }
        })
        .collect()
}

fn write(dir: &Path, rel: &str, bytes: &[u8]) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_commands_print_as_the_aws_cli() {
    let turn = take_turn();
    let config = turn.config();
    let dir = ScratchDir::new("rboto-cli", "s3", &[]).unwrap();
    // Paths print relative to the working directory; this test owns the process's.
    std::env::set_current_dir(&dir).unwrap();
    write(&dir, "a.txt", b"hello");
    write(&dir, "tree/one.txt", &[b'1'; 2048]);
    write(&dir, "tree/sub/two.log", b"22");
    write(&dir, "tree/sub-file.txt", b"3");

    let r = s3(&config, &["mb", "s3://bkt"]).await;
    assert_eq!(
        (r.code, r.out.as_str()),
        (0, "make_bucket: bkt\n"),
        "{}",
        r.err
    );

    let r = s3(&config, &["cp", "a.txt", "s3://bkt/"]).await;
    assert_eq!(
        (r.code, r.out.as_str()),
        (0, "upload: ./a.txt to s3://bkt/a.txt\n"),
        "{}",
        r.err
    );
    // The type awscli guesses from the name (its `s3api head-object` shows `text/plain`).
    let client = rboto_s3::Client::new(&config);
    let head = client
        .head_object()
        .bucket("bkt")
        .key("a.txt")
        .send()
        .await
        .unwrap();
    assert_eq!(head.content_type.as_deref(), Some("text/plain"));

    // S3 listing order: `sub-file.txt` before `sub/` ('-' < '/').
    let r = s3(&config, &["cp", "tree", "s3://bkt/pre", "--recursive"]).await;
    assert_eq!(
        (r.code, r.out.as_str()),
        (
            0,
            "upload: tree/one.txt to s3://bkt/pre/one.txt\n\
             upload: tree/sub-file.txt to s3://bkt/pre/sub-file.txt\n\
             upload: tree/sub/two.log to s3://bkt/pre/sub/two.log\n"
        ),
        "{}",
        r.err
    );

    let r = s3(&config, &["ls", "s3://bkt"]).await;
    assert_eq!(r.code, 0, "{}", r.err);
    assert_eq!(
        mask_dates(&r.out),
        "                           PRE pre/\n<date>          5 a.txt\n"
    );

    let r = s3(&config, &["ls", "s3://bkt/pre/"]).await;
    assert_eq!(
        mask_dates(&r.out),
        "                           PRE sub/\n<date>       2048 one.txt\n<date>          1 sub-file.txt\n"
    );

    let r = s3(
        &config,
        &[
            "ls",
            "s3://bkt",
            "--recursive",
            "--human-readable",
            "--summarize",
        ],
    )
    .await;
    assert_eq!(r.code, 0, "{}", r.err);
    assert_eq!(
        mask_dates(&r.out),
        "<date>    5 Bytes a.txt\n\
         <date>    2.0 KiB pre/one.txt\n\
         <date>     1 Byte pre/sub-file.txt\n\
         <date>    2 Bytes pre/sub/two.log\n\
         \n\
         Total Objects: 4\n   Total Size: 2.0 KiB\n"
    );

    // Page by page, the same lines.
    let paged = s3(
        &config,
        &[
            "ls",
            "s3://bkt",
            "--recursive",
            "--human-readable",
            "--summarize",
            "--page-size",
            "1",
        ],
    )
    .await;
    assert_eq!(
        (paged.code, paged.out.as_str()),
        (0, r.out.as_str()),
        "{}",
        paged.err
    );

    // A prefix matching nothing exits 1; a missing bucket is the service's error.
    let r = s3(&config, &["ls", "s3://bkt/nothing"]).await;
    assert_eq!((r.code, r.out.as_str()), (1, ""));
    let r = s3(&config, &["ls", "s3://no-such-bucket"]).await;
    assert_eq!(r.code, 254);
    assert_eq!(
        r.err,
        "\nAn error occurred (NoSuchBucket) when calling the ListObjectsV2 operation: The \
         specified bucket does not exist\n"
    );

    let r = s3(&config, &["ls"]).await;
    assert_eq!(mask_dates(&r.out), "<date> bkt\n");

    // Downloads: to a file name, into a directory, and a whole prefix.
    let r = s3(&config, &["cp", "s3://bkt/a.txt", "b.txt"]).await;
    assert_eq!(
        (r.code, r.out.as_str()),
        (0, "download: s3://bkt/a.txt to ./b.txt\n"),
        "{}",
        r.err
    );
    assert_eq!(std::fs::read(dir.join("b.txt")).unwrap(), b"hello");
    let r = s3(&config, &["cp", "s3://bkt/pre", "out", "--recursive"]).await;
    assert_eq!(
        (r.code, r.out.as_str()),
        (
            0,
            "download: s3://bkt/pre/one.txt to out/one.txt\n\
             download: s3://bkt/pre/sub-file.txt to out/sub-file.txt\n\
             download: s3://bkt/pre/sub/two.log to out/sub/two.log\n"
        ),
        "{}",
        r.err
    );
    assert_eq!(std::fs::read(dir.join("out/sub/two.log")).unwrap(), b"22");
    let r = s3(&config, &["cp", "s3://bkt/pre/one.txt", "tree/"]).await;
    assert_eq!(r.out, "download: s3://bkt/pre/one.txt to tree/one.txt\n");

    // To standard output: the bytes alone, no line about it.
    let r = s3(&config, &["cp", "s3://bkt/a.txt", "-"]).await;
    assert_eq!((r.code, r.out.as_str(), r.err.as_str()), (0, "hello", ""));

    let r = s3(&config, &["cp", "s3://bkt/missing.txt", "."]).await;
    assert_eq!((r.code, r.out.as_str()), (1, ""));
    assert_eq!(
        r.err,
        "fatal error: An error occurred (404) when calling the HeadObject operation: Key \
         \"missing.txt\" does not exist\n"
    );

    // Copies, with filters: last matching pattern wins.
    let r = s3(&config, &["cp", "s3://bkt/a.txt", "s3://bkt/copy/"]).await;
    assert_eq!(
        r.out, "copy: s3://bkt/a.txt to s3://bkt/copy/a.txt\n",
        "{}",
        r.err
    );
    let r = s3(
        &config,
        &[
            "cp",
            "s3://bkt/pre/",
            "s3://bkt/txt",
            "--recursive",
            "--exclude",
            "*",
            "--include",
            "*.txt",
        ],
    )
    .await;
    assert_eq!(
        r.out,
        "copy: s3://bkt/pre/one.txt to s3://bkt/txt/one.txt\n\
         copy: s3://bkt/pre/sub-file.txt to s3://bkt/txt/sub-file.txt\n",
        "{}",
        r.err
    );

    // A local file that is not there.
    let r = s3(&config, &["cp", "nope.txt", "s3://bkt/"]).await;
    assert_eq!(r.code, 255);
    assert_eq!(r.err, "\nThe user-provided path nope.txt does not exist.\n");
    // An upload to a bucket that is not there fails that file.
    let r = s3(&config, &["cp", "a.txt", "s3://no-such-bucket/a.txt"]).await;
    assert_eq!(r.code, 1);
    assert!(
        r.err.starts_with(
            "upload failed: ./a.txt to s3://no-such-bucket/a.txt An error occurred \
             (NoSuchBucket) when calling the PutObject operation"
        ),
        "{}",
        r.err
    );

    // Object settings: metadata in shorthand, `--sse` without a value (AES256), a type; a
    // copy with new metadata replaces the source's.
    let r = s3(
        &config,
        &[
            "cp",
            "a.txt",
            "s3://bkt/meta.txt",
            "--metadata",
            "k=v,k2=v2",
            "--sse",
            "--content-type",
            "text/x-test",
        ],
    )
    .await;
    assert_eq!(r.out, "upload: ./a.txt to s3://bkt/meta.txt\n", "{}", r.err);
    let head = client
        .head_object()
        .bucket("bkt")
        .key("meta.txt")
        .send()
        .await
        .unwrap();
    let meta = head.metadata.clone().unwrap_or_default();
    assert_eq!(
        (meta.get("k").map(String::as_str), meta.len()),
        (Some("v"), 2)
    );
    assert_eq!(head.content_type.as_deref(), Some("text/x-test"));
    assert_eq!(
        head.server_side_encryption.as_ref().map(|s| s.as_str()),
        Some("AES256")
    );
    let r = s3(
        &config,
        &[
            "cp",
            "s3://bkt/meta.txt",
            "s3://bkt/meta2.txt",
            "--metadata",
            "{\"k\": \"new\"}",
        ],
    )
    .await;
    assert_eq!(r.code, 0, "{}", r.err);
    let head = client
        .head_object()
        .bucket("bkt")
        .key("meta2.txt")
        .send()
        .await
        .unwrap();
    let meta = head.metadata.unwrap_or_default();
    assert_eq!(
        (meta.get("k").map(String::as_str), meta.len()),
        (Some("new"), 1)
    );
    let r = s3(&config, &["rm", "s3://bkt/meta.txt"]).await;
    assert_eq!(r.code, 0);
    let r = s3(&config, &["rm", "s3://bkt/meta2.txt"]).await;
    assert_eq!(r.code, 0);
    let r = s3(&config, &["cp", "a.txt", "s3://bkt/x", "--metadata", "k"]).await;
    assert_eq!(r.code, 252);
    assert_eq!(
        r.err,
        "\nError parsing parameter '--metadata': Expected: '=', received: 'EOF' for input:\nk\n ^\n"
    );

    let r = s3(&config, &["cp", "a.txt", "s3://bkt/dry.txt", "--dryrun"]).await;
    assert_eq!(r.out, "(dryrun) upload: ./a.txt to s3://bkt/dry.txt\n");

    let r = s3(
        &config,
        &["presign", "s3://bkt/a.txt", "--expires-in", "60"],
    )
    .await;
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(
        r.out.starts_with(&format!("{}/bkt/a.txt?", turn.endpoint))
            && r.out.contains("X-Amz-Expires=60"),
        "{}",
        r.out
    );

    let r = s3(&config, &["rm", "s3://bkt/a.txt"]).await;
    assert_eq!((r.code, r.out.as_str()), (0, "delete: s3://bkt/a.txt\n"));
    let r = s3(&config, &["rm", "s3://bkt/txt", "--recursive"]).await;
    assert_eq!(
        r.out,
        "delete: s3://bkt/txt/one.txt\ndelete: s3://bkt/txt/sub-file.txt\n"
    );

    let r = s3(&config, &["rm", "s3://no-such-bucket/k"]).await;
    assert_eq!(r.code, 1);
    assert_eq!(
        r.err,
        "delete failed: s3://no-such-bucket/k An error occurred (NoSuchBucket) when calling \
         the DeleteObject operation: The specified bucket does not exist\n"
    );

    let r = s3(&config, &["rb", "s3://bkt"]).await;
    assert_eq!(r.code, 1);
    assert!(
        r.err
            .starts_with("remove_bucket failed: s3://bkt An error occurred (BucketNotEmpty)"),
        "{}",
        r.err
    );
    let r = s3(&config, &["rb", "s3://bkt", "--force"]).await;
    assert_eq!(r.code, 0, "{}", r.err);
    assert_eq!(
        r.out,
        "delete: s3://bkt/copy/a.txt\n\
         delete: s3://bkt/pre/one.txt\n\
         delete: s3://bkt/pre/sub-file.txt\n\
         delete: s3://bkt/pre/sub/two.log\n\
         remove_bucket: bkt\n"
    );

    // Command-line mistakes.
    let r = s3(&config, &["cp", "a.txt"]).await;
    assert_eq!(r.code, 252);
    let r = s3(&config, &["ls", "--bogus"]).await;
    assert_eq!(r.code, 252);
    assert_eq!(r.err, "\nUnknown options: --bogus\n");
    let r = s3(&config, &["mb", "bkt"]).await;
    assert_eq!(r.code, 255);
}

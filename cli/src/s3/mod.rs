//! `rboto s3 <ls|cp|mb|rb|rm|presign> …`: the AWS CLI's high-level S3 commands (awscli
//! `customizations/s3`), on `rboto-s3` and the transfer manager `rboto-s3-transfer`.
//!
//! Output lines are the AWS CLI's (`upload: ./a.txt to s3://b/a.txt`, `make_bucket: b`, the
//! `s3 ls` columns); exit codes are AWS CLI v2's: 0 done, 1 a transfer or bucket command
//! failed, 2 files skipped, 252 a bad command line, 254 a service error of `ls`, 255
//! anything else. Differences from the AWS CLI:
//! - the progress line (`Completed 1.0 KiB/2.0 KiB (…) with 1 file(s) remaining`) is printed
//!   only when standard output is a terminal; awscli prints it to a pipe too;
//! - transfers of a recursive command run one after another, so lines come in listing order
//!   (awscli runs ten at once and prints them as they finish);
//! - `s3 ls` dates are UTC, not local time;
//! - of `cp`'s options: `--recursive`, `--include`/`--exclude`, `--dryrun`, `--quiet`,
//!   `--only-show-errors`, `--no-progress`, `--content-type` (else guessed from the file name
//!   as awscli does), `--cache-control`, `--content-disposition`, `--content-encoding`,
//!   `--content-language`, `--storage-class`, `--metadata` (shorthand or JSON),
//!   `--metadata-directive`, `--sse [AES256|aws:kms]`, `--sse-kms-key-id`,
//!   `--checksum-algorithm`, `--no-follow-symlinks`, `--page-size` are supported; `--acl`,
//!   `--grants`, `--sse-c*`, `--expires`, `--website-redirect`, `--request-payer`, and the
//!   `sync`, `mv` and `website` commands are not.

mod args;
mod bucket;
mod filter;
mod format;
mod ls;
mod mime;
mod path;
mod plan;
mod progress;
mod transfer;

use std::io::{IsTerminal, Write};
use std::pin::Pin;
use std::task::{Context, Poll};

/// Runs `rboto s3 <args>` (`args` is what follows `s3`) with `config` (which already carries
/// `--profile`, `--region`, `--endpoint-url`, TLS settings), printing to standard output and
/// error. Returns the exit code.
pub async fn run(args: &[String], config: &rboto::Config) -> i32 {
    let mut out = std::io::stdout();
    let mut err = std::io::stderr();
    let terminal = out.is_terminal();
    let mut console = Console {
        out: &mut out,
        err: &mut err,
        terminal,
    };
    run_with(args, config, &mut console).await
}

/// Where a command prints. `terminal` turns the progress line on.
pub struct Console<'a> {
    pub out: &'a mut (dyn Write + Send),
    pub err: &'a mut (dyn Write + Send),
    pub terminal: bool,
}

impl Console<'_> {
    fn print(&mut self, text: &str) {
        // A closed pipe (`rboto s3 ls | head`) is not an error worth reporting.
        let _ = self.out.write_all(text.as_bytes());
        let _ = self.out.flush();
    }

    fn eprint(&mut self, text: &str) {
        let _ = self.err.write_all(text.as_bytes());
        let _ = self.err.flush();
    }
}

/// An async writer over a console stream, for `cp s3://… -`.
struct SyncWriter<'a, 'b>(&'a mut Console<'b>);

impl tokio::io::AsyncWrite for SyncWriter<'_, '_> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Poll::Ready(self.0.out.write(buf))
    }

    fn poll_flush(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(self.0.out.flush())
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        self.poll_flush(cx)
    }
}

/// Exit codes.
pub(crate) const EXIT_FAILED: i32 = 1;
pub(crate) const EXIT_SKIPPED: i32 = 2;
pub(crate) const EXIT_USAGE: i32 = 252;
pub(crate) const EXIT_SERVICE: i32 = 254;
pub(crate) const EXIT_OTHER: i32 = 255;

const USAGE: &str = "usage: rboto s3 <ls|cp|mb|rb|rm|presign> [<path> ...] [options]";

/// [`run`] printing to `console`.
pub async fn run_with(args: &[String], config: &rboto::Config, console: &mut Console<'_>) -> i32 {
    let Some((command, rest)) = args.split_first() else {
        console.eprint(&format!(
            "{USAGE}\nrboto: error: the following arguments are required: command\n"
        ));
        return EXIT_USAGE;
    };
    let client = rboto_s3::Client::new(config);
    match command.as_str() {
        "ls" => ls::run(rest, &client, console).await,
        "cp" => transfer::cp(rest, &client, console).await,
        "rm" => transfer::rm(rest, &client, console).await,
        "mb" => bucket::mb(rest, &client, config, console).await,
        "rb" => bucket::rb(rest, &client, console).await,
        "presign" => bucket::presign(rest, &client, console).await,
        other => {
            console.eprint(&format!(
                "{USAGE}\nrboto: error: argument command: Invalid choice, valid choices are:\n\n\
                 cp | ls | mb | presign | rb | rm\n\nInvalid choice: '{other}'\n"
            ));
            EXIT_USAGE
        }
    }
}

/// Reports a command-line error as the AWS CLI does (exit status 252, as v2): unknown
/// options and unreadable parameter values on their own line, other mistakes as argparse
/// words them after a usage line.
fn usage_error(console: &mut Console<'_>, command: &str, message: &str) -> i32 {
    if message.starts_with("Unknown options:") || message.starts_with("Error parsing parameter") {
        console.eprint(&format!("\n{message}\n"));
    } else {
        console.eprint(&format!(
            "usage: rboto s3 {command} [<path> ...] [options]\nrboto: error: {message}\n"
        ));
    }
    EXIT_USAGE
}

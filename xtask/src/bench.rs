//! `cargo xtask bench`: the benchmarks that check rboto's performance targets (never timed
//! tests). Each is a release-mode example printing its own figures.

use crate::workspace_root;
use std::process::{Command, ExitCode};

/// (package, example, what it measures)
const BENCHES: &[(&str, &str, &str)] = &[
    (
        "rboto",
        "endpoint_bench",
        "endpoint resolution for S3 GetObject and DynamoDB GetItem (target: median < 2 µs)",
    ),
    (
        "rboto-s3-transfer",
        "transfer_bench",
        "1 GiB managed upload and download against a loopback S3 sink \
         (target: peak RSS <= part size x concurrency + 32 MiB)",
    ),
];

pub fn run(args: &[String]) -> Result<ExitCode, String> {
    if !args.is_empty() {
        return Err("usage: cargo xtask bench".into());
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    for (package, example, what) in BENCHES {
        println!("== {what}");
        let status = Command::new(&cargo)
            .args([
                "run",
                "--quiet",
                "--release",
                "-p",
                package,
                "--example",
                example,
            ])
            .current_dir(workspace_root())
            .status()
            .map_err(|e| format!("running {example}: {e}"))?;
        if !status.success() {
            return Ok(ExitCode::FAILURE);
        }
    }
    Ok(ExitCode::SUCCESS)
}

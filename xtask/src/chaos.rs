//! `cargo xtask chaos [--ops N] [--fault-rate R] [--seed S] [--concurrency C]`: mixed S3,
//! DynamoDB and SQS operations through the fault-injecting proxy in front of moto
//! (`tests/tests/chaos.rs`, `rboto_tests::chaos`), then a fault-free check of every write.
//! Ends with `N passed, N failed`; the exit status is non-zero when anything failed.

use crate::workspace_root;
use std::process::{Command, ExitCode};

const USAGE: &str =
    "usage: cargo xtask chaos [--ops N] [--fault-rate R] [--seed S] [--concurrency C]";

pub fn run(args: &[String]) -> Result<ExitCode, String> {
    let mut env: Vec<(&str, String)> = Vec::new();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let var = match flag.as_str() {
            "--ops" => "CHAOS_OPS",
            "--fault-rate" => "CHAOS_FAULT_RATE",
            "--seed" => "CHAOS_SEED",
            "--concurrency" => "CHAOS_CONCURRENCY",
            _ => return Err(USAGE.into()),
        };
        let value = it.next().ok_or(USAGE)?;
        let valid = match var {
            "CHAOS_FAULT_RATE" => value.parse::<f64>().is_ok_and(|r| (0.0..=1.0).contains(&r)),
            _ => value.parse::<u64>().is_ok(),
        };
        if !valid {
            return Err(format!("{flag} {value}: invalid value\n{USAGE}"));
        }
        env.push((var, value.clone()));
    }
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "test",
            "--quiet",
            "-p",
            "rboto-tests",
            "--test",
            "chaos",
            "chaos_cli",
            "--",
            "--ignored",
            "--exact",
            "--nocapture",
        ])
        .envs(env)
        .current_dir(workspace_root())
        .status()
        .map_err(|e| format!("running the chaos test: {e}"))?;
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

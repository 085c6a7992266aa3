//! `cargo xtask demo`: the seed's examples against a local moto server (installed on first
//! use). The demo itself is an example of the test-support crate, so building xtask never
//! compiles the service crates.

use crate::workspace_root;
use std::process::{Command, ExitCode};

pub fn run(args: &[String]) -> Result<ExitCode, String> {
    if !args.is_empty() {
        return Err("usage: cargo xtask demo".into());
    }
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["run", "--quiet", "-p", "rboto-tests", "--example", "demo"])
        .current_dir(workspace_root())
        .status()
        .map_err(|e| format!("running the demo: {e}"))?;
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

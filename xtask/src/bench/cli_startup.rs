//! Issue 13's startup figure: `sts get-caller-identity` against moto, run one process at a time
//! by the release `rboto` binary and by the AWS CLI (awscli in `target/awscli-venv`, the peer
//! of the side-by-side tests). The AWS CLI's figures go in the table's Python (boto3) column.
//!
//! CPU time is the children's own (`cutime + cstime` of `/proc/self/stat`, in clock ticks, which
//! grow as each finished child is waited for), summed over the runs and divided: one run of
//! rboto takes a few milliseconds, below a tick, so only the sum is meaningful.

use super::drivers::{cargo, target_dir, Figures};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

const RUNS: usize = 30;
/// Linux's USER_HZ, which `/proc` counts in.
const TICKS_PER_SEC: f64 = 100.0;

/// rboto's figures and the AWS CLI's: `cli.wall_ns` (median per run) and `cli.cpu_ns` (mean).
pub fn figures(root: &Path, moto_url: &str) -> Result<(Figures, Figures), String> {
    let status = cargo()
        .args(["build", "--quiet", "--release", "-p", "rboto-cli"])
        .current_dir(root)
        .status()
        .map_err(|e| format!("building rboto-cli: {e}"))?;
    if !status.success() {
        return Err("building rboto-cli failed".into());
    }
    let rboto = target_dir(root).join("release").join("rboto");
    let venv = rboto_tests::venv::AWS_CLI.ensure_installed()?;
    let aws = venv.join("bin").join("aws");
    Ok((measure(&rboto, moto_url)?, measure(&aws, moto_url)?))
}

fn measure(program: &Path, moto_url: &str) -> Result<Figures, String> {
    let config = std::env::temp_dir().join(format!("rboto-cli-bench-{}", std::process::id()));
    std::fs::write(&config, "[default]\nregion = us-east-1\n")
        .map_err(|e| format!("writing {}: {e}", config.display()))?;
    let run = || -> Result<(), String> {
        let status = Command::new(program)
            .args(["sts", "get-caller-identity", "--endpoint-url", moto_url])
            .env("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
            .env(
                "AWS_SECRET_ACCESS_KEY",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            )
            .env("AWS_CONFIG_FILE", &config)
            .env("AWS_SHARED_CREDENTIALS_FILE", &config)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map_err(|e| format!("running {}: {e}", program.display()))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("{} exited with {status}", program.display()))
        }
    };
    // The first run warms the page cache (and Python's bytecode cache).
    run()?;
    let cpu_before = children_cpu_ticks()?;
    let mut walls = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        run()?;
        walls.push(started.elapsed().as_nanos() as f64);
    }
    let cpu = (children_cpu_ticks()? - cpu_before) / TICKS_PER_SEC / RUNS as f64;
    let _ = std::fs::remove_file(&config);
    walls.sort_by(f64::total_cmp);
    let mut figures = Figures::new();
    figures.insert("cli.wall_ns".into(), walls[RUNS / 2]);
    figures.insert("cli.cpu_ns".into(), cpu * 1e9);
    Ok(figures)
}

/// `cutime + cstime` of this process: the CPU of its waited-for children, in clock ticks.
fn children_cpu_ticks() -> Result<f64, String> {
    let stat = std::fs::read_to_string("/proc/self/stat")
        .map_err(|e| format!("reading /proc/self/stat: {e}"))?;
    parse_children_ticks(&stat).ok_or_else(|| format!("unexpected /proc/self/stat: {stat}"))
}

/// Fields 16 and 17 of `/proc/<pid>/stat`, counted after the parenthesised command name (which
/// may itself hold spaces).
fn parse_children_ticks(stat: &str) -> Option<f64> {
    let after_name = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // after_name starts at field 3 (state): field n is fields[n - 3].
    let cutime: f64 = fields.get(13)?.parse().ok()?;
    let cstime: f64 = fields.get(14)?.parse().ok()?;
    Some(cutime + cstime)
}

#[cfg(test)]
mod tests {
    use super::parse_children_ticks;

    #[test]
    fn children_ticks_are_fields_16_and_17() {
        let stat = "1234 (x task (1)) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18";
        assert_eq!(parse_children_ticks(stat), Some(13.0 + 14.0));
        assert_eq!(parse_children_ticks("garbage"), None);
    }
}

//! `cargo xtask chaos [--ops N] [--fault-rate R] [--seed S] [--concurrency C]`: mixed S3,
//! DynamoDB and SQS operations through the fault-injecting proxy in front of a moto server
//! with SigV4 verification on (`tests/tests/chaos.rs`, `rboto_tests::chaos`), then a fault-free
//! check that every write was applied exactly as often as moto was asked to apply it.
//! Ends with `N passed, N failed`; the exit status is non-zero when anything failed, and also
//! when the test filter did not run exactly the one chaos test (a renamed test must not turn
//! the command into a silent pass).

use crate::workspace_root;
use std::io::{BufRead, BufReader};
use std::process::{Command, ExitCode, Stdio};

const USAGE: &str =
    "usage: cargo xtask chaos [--ops N] [--fault-rate R] [--seed S] [--concurrency C]";

/// One operation of each kind at least (the run fails a plan that misses a kind).
const MIN_OPS: u64 = 9;

/// The test `cargo xtask chaos` runs.
const TEST: &str = "chaos_cli";

pub fn run(args: &[String]) -> Result<ExitCode, String> {
    let env = parse(args)?;
    let mut child = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "test",
            "--quiet",
            "-p",
            "rboto-tests",
            "--test",
            "chaos",
            TEST,
            "--",
            "--ignored",
            "--exact",
            "--nocapture",
        ])
        .envs(env)
        .current_dir(workspace_root())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("running the chaos test: {e}"))?;
    let mut summary = TestSummary::default();
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines() {
            let line = line.map_err(|e| format!("reading the chaos test's output: {e}"))?;
            println!("{line}");
            summary.read(&line);
        }
    }
    let status = child
        .wait()
        .map_err(|e| format!("waiting for the chaos test: {e}"))?;
    if let Err(e) = summary.check() {
        eprintln!("cargo xtask chaos: {e}");
        return Ok(ExitCode::FAILURE);
    }
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The flags as the test's environment variables.
fn parse(args: &[String]) -> Result<Vec<(&'static str, String)>, String> {
    let mut env = Vec::new();
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
            "CHAOS_OPS" => value.parse::<u64>().is_ok_and(|n| n >= MIN_OPS),
            "CHAOS_CONCURRENCY" => value.parse::<u64>().is_ok_and(|n| n >= 1),
            _ => value.parse::<u64>().is_ok(),
        };
        if !valid {
            let why = match var {
                "CHAOS_OPS" => format!(" (at least {MIN_OPS}: one per operation kind)"),
                _ => String::new(),
            };
            return Err(format!("{flag} {value}: invalid value{why}\n{USAGE}"));
        }
        env.push((var, value.clone()));
    }
    Ok(env)
}

/// What libtest said it ran: `running N tests` and `test result: … N passed; …`.
#[derive(Debug, Default)]
struct TestSummary {
    running: Option<u64>,
    passed: Option<u64>,
}

impl TestSummary {
    fn read(&mut self, line: &str) {
        if let Some(n) = line
            .strip_prefix("running ")
            .and_then(|r| r.split(' ').next()?.parse().ok())
        {
            self.running = Some(n);
        }
        if let Some(rest) = line.strip_prefix("test result: ") {
            self.passed = rest
                .split(". ")
                .nth(1)
                .and_then(|p| {
                    p.strip_suffix(" passed")
                        .or_else(|| p.split(" passed").next())
                })
                .and_then(|n| n.trim().parse().ok());
        }
    }

    fn check(&self) -> Result<(), String> {
        match (self.running, self.passed) {
            (Some(1), Some(1)) => Ok(()),
            (Some(1), _) => Err(format!("{TEST} did not pass")),
            (running, _) => Err(format!(
                "the filter `{TEST}` ran {} tests, not exactly 1: nothing was tested",
                running.map_or("no".to_string(), |n| n.to_string())
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(out: &str) -> Result<(), String> {
        let mut s = TestSummary::default();
        out.lines().for_each(|l| s.read(l));
        s.check()
    }

    #[test]
    fn only_one_test_run_and_passed_counts() {
        let ok = "running 1 test\n.\ntest result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 2 filtered out; finished in 9.1s";
        assert_eq!(summary(ok), Ok(()));
        let none = "running 0 tests\n\ntest result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 3 filtered out; finished in 0.00s";
        assert!(summary(none).unwrap_err().contains("ran 0 tests"));
        assert!(summary("").unwrap_err().contains("ran no tests"));
        let failed = "running 1 test\nF\ntest result: FAILED. 0 passed; 1 failed; 0 ignored";
        assert!(summary(failed).unwrap_err().contains("did not pass"));
    }

    #[test]
    fn flags_are_checked() {
        let args = |a: &[&str]| parse(&a.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(
            args(&["--ops", "300", "--fault-rate", "0.5"]).unwrap(),
            [
                ("CHAOS_OPS", "300".to_string()),
                ("CHAOS_FAULT_RATE", "0.5".to_string())
            ]
        );
        assert!(args(&["--ops", "0"]).unwrap_err().contains("at least 9"));
        assert!(args(&["--ops", "8"]).is_err());
        assert!(args(&["--fault-rate", "1.5"]).is_err());
        assert!(args(&["--concurrency", "0"]).is_err());
        assert!(args(&["--ops"]).is_err());
        assert!(args(&["--what", "1"]).is_err());
    }
}

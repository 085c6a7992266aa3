//! Runners for AWS's data-only conformance suites. Each runner prints one line per failing case
//! and ends with `N passed, N failed`, so xtask and the test suite share one implementation.

pub mod assume_role;
pub mod configured_endpoints;
pub mod endpoints;
pub mod profile;
pub mod protocol;
pub mod sigv4;

use std::path::PathBuf;
use std::process::ExitCode;

/// Outcome of a run: one `FAIL ...` line per failed case.
#[derive(Debug, Default)]
pub struct Summary {
    pub passed: usize,
    pub failed: usize,
    pub failures: Vec<String>,
    /// Suites (files, rule sets) that loaded, for runners that count them.
    pub suites: usize,
}

impl Summary {
    pub fn pass(&mut self) {
        self.passed += 1;
    }

    /// Records a failure; `line` is printed as it is (it starts with `FAIL`).
    pub fn fail(&mut self, line: String) {
        self.failed += 1;
        self.failures.push(line);
    }

    /// Records case `name`'s result.
    pub fn record(&mut self, name: &str, result: Result<(), String>) {
        match result {
            Ok(()) => self.pass(),
            Err(why) => self.fail(format!("FAIL {name}: {why}")),
        }
    }

    /// Panics (for tests) unless every case passed and exactly `expected` cases ran: a runner
    /// that silently finds fewer cases must not pass.
    pub fn assert_all_passed(&self, expected: usize) {
        assert!(
            self.failures.is_empty() && self.failed == 0,
            "{} failed:\n{}",
            self.failed,
            self.failures.join("\n")
        );
        assert_eq!(self.passed, expected, "number of cases run");
    }

    /// Prints the failures and the closing `N passed, N failed` line. A run that found no case
    /// fails: a runner must never pass by finding nothing.
    pub fn print(&self) -> ExitCode {
        for line in &self.failures {
            println!("{line}");
        }
        println!("{} passed, {} failed", self.passed, self.failed);
        if self.failed == 0 && self.passed > 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }
    }
}

/// The path arguments of a runner's command line, or `usage` when there are none (or flags).
pub fn paths(args: &[String], usage: &str) -> Result<Vec<PathBuf>, String> {
    if args.is_empty() || args.iter().any(|a| a.starts_with('-')) {
        return Err(usage.to_string());
    }
    Ok(args.iter().map(PathBuf::from).collect())
}

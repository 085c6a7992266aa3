//! botocore's protocol suites (`data/protocol-tests`, copied from botocore 1.44.5), run through
//! generated code and the whole request pipeline (a stub connector captures what would go on the
//! wire and feeds responses in) by the same driver as `cargo xtask conformance protocol`: each
//! file becomes a generated crate under `target/conformance/`, built once (shared target dir) and
//! run. Every case passes, is skipped by botocore's ignore list, or is listed in
//! `data/protocol-tests/known-failures.json` with the exact failure detail it is excused for.

use std::path::{Path, PathBuf};

// The driver is xtask's (std + serde_json + rboto-codegen only), compiled here as a module so the
// test calls it directly instead of spawning a nested `cargo run -p xtask`.
#[allow(dead_code)]
#[path = "../../xtask/src/conformance_protocol.rs"]
mod conformance_protocol;

use conformance_protocol::{run_files, Options};

/// Cases in the 20 suite files (367 input + 365 output); a runner that finds fewer fails.
const CASES: usize = 732;

fn suite_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/protocol-tests");
    let mut files = Vec::new();
    for sub in ["input", "output"] {
        let mut here: Vec<PathBuf> = std::fs::read_dir(dir.join(sub))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        here.sort();
        files.extend(here);
    }
    files
}

#[test]
fn botocore_protocol_suites_through_generated_code() {
    let files = suite_files();
    assert_eq!(files.len(), 20, "suite files in data/protocol-tests");
    let report = run_files(&files, &Options::default());
    for f in &report.files {
        eprintln!(
            "{}: {} passed, {} failed, {} skipped",
            f.label, f.passed, f.failed, f.skipped
        );
    }
    eprintln!(
        "{} passed, {} failed, {} skipped",
        report.passed, report.failed, report.skipped
    );
    assert_eq!(
        report.unexpected,
        0,
        "unexpected failures, known failures that failed otherwise, stale entries:\n{}",
        report
            .lines
            .iter()
            .filter(|l| !l.starts_with("KNOWN"))
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert_eq!(
        report.passed + report.failed + report.skipped,
        CASES,
        "number of cases"
    );
}

//! Developer tasks: `cargo xtask <command>`.

mod bench;
mod buildtime;
mod chaos;
mod conformance_protocol;
mod demo;
mod fixtures;
mod fuzz_corpus;
mod import_models;
mod regenerate;
mod sweep;

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  regenerate [--check]                 generate sdk/ from models/ (--check: fail if stale)
  import-models <botocore-data> <svc>  vendor botocore models into models/
  conformance sigv4 <dir>...           run SigV4 conformance suites
  conformance protocol <file>...       run botocore protocol suites through generated code
  conformance endpoints <dir>...       run endpoint rule-set test suites
  conformance profile <file>           run the profile parser / file location suites
  conformance assume-role <file>       run the assume-role profile chain suite
  conformance configured-endpoint-urls <file>  run botocore's configured endpoint URL suite
  sweep <botocore-data> [svc...]       generate and `cargo check` every service of a botocore data dir
  demo                                 run the seed's examples against a local moto server
  bench [--peers] [--write]            performance figures (--peers: beside aws-sdk-rust and boto3; --write: BENCHMARKS.md)
  buildtime                            clean release build of one small program on rboto and on aws-sdk-rust
  fuzz-corpus [--check]                write the fuzz seed corpus from the protocol suites' responses
  chaos [--ops N] [--fault-rate R] [--seed S]  operations through a fault-injecting proxy, writes checked exactly-once
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rest = args.get(1..).unwrap_or_default();
    let result = match args.first().map(String::as_str) {
        Some("regenerate") => regenerate::run(rest),
        Some("import-models") => import_models::run(rest),
        Some("conformance") => conformance(rest),
        Some("demo") => demo::run(rest),
        Some("bench") => bench::run(rest),
        Some("buildtime") => buildtime::run(rest),
        Some("chaos") => chaos::run(rest),
        Some("sweep") => sweep::run(rest),
        Some("fuzz-corpus") => fuzz_corpus::run(&workspace_root(), rest),
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn conformance(args: &[String]) -> Result<ExitCode, String> {
    let rest = args.get(1..).unwrap_or_default();
    match args.first().map(String::as_str) {
        Some("sigv4") => rboto_tests::conformance::sigv4::run_cli(rest),
        Some("protocol") => conformance_protocol::run(rest),
        Some("endpoints") => rboto_tests::conformance::endpoints::run_cli(rest),
        Some("profile") => rboto_tests::conformance::profile::run_cli(rest),
        Some("assume-role") => rboto_tests::conformance::assume_role::run_cli(rest),
        Some("configured-endpoint-urls") => {
            rboto_tests::conformance::configured_endpoints::run_cli(rest)
        }
        _ => Err(USAGE.to_string()),
    }
}

/// The workspace root, so commands work from any directory.
pub fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_default()
}

//! No panic on hostile bytes, checked on every test run: a bounded, deterministic mutation test
//! on stable Rust of every parser that reads bytes from outside the program.
//!
//! - the five response parsers, through the fuzz targets' entry points (`tests/fuzz/src/lib.rs`,
//!   compiled here as in `fuzz_replay.rs`), on inputs mutated from their seed corpus;
//! - the event-stream decoder (frames, then events of S3, Lambda, Kinesis and CloudWatch Logs
//!   streams), on mutated streams, half of them with their CRCs repaired, through the
//!   `event_stream` fuzz target's entry point;
//! - the shared config file parser (`rboto::profile::parse`), through the `profile` fuzz target's
//!   entry point, on the profile-parser conformance inputs and a few realistic `~/.aws/config`
//!   files;
//! - the endpoint rule-set engine: `RuleSet::from_json` on structure-aware mutations of every
//!   service's rule set, and `RuleSet::resolve` on mutated parameter values;
//! - the request side, which reads what users pass rather than bytes: random input values for
//!   every operation of eight services through validation and serialization, and through the
//!   whole pipeline to a stub connector and presigning; and typed calls through the whole
//!   pipeline answered with hostile statuses, headers and bodies.
//!
//! Each input comes from a fixed-seed generator of its own, so runs are identical everywhere and
//! any failing input can be rebuilt from its index. A panic fails the test naming the target and
//! showing the input (and writing it whole for the corpus); an input that does not finish is a
//! hang. Each target also has to produce both accepted and rejected inputs, so the test cannot
//! pass by exercising nothing. The counts keep the file within seconds in a debug build; for a
//! longer search by hand, `RBOTO_MUTATION_SCALE=20` multiplies them and `RBOTO_MUTATION_SEED=n`
//! changes the inputs. Fuzzing proper (`cargo +nightly fuzz run …`) searches much further.
//!
//! A stack overflow aborts the whole binary and cannot be caught: nesting goes far past every
//! parser's depth limit (which must reject it), and parameter strings reach 100,000 characters
//! (`long_regions_resolve_in_bounded_stack`).

#[path = "mutation/endpoint.rs"]
mod endpoint;
#[path = "mutation/event_stream.rs"]
mod event_stream;
#[path = "mutation/grammars.rs"]
mod grammars;
#[path = "mutation/harness.rs"]
mod harness;
#[path = "mutation/mutate.rs"]
mod mutate;
#[path = "mutation/requests.rs"]
mod requests;
#[path = "mutation/responses.rs"]
mod responses;
#[path = "mutation/rules.rs"]
mod rules;

// Only the entry points are called from here (the module's own smoke test runs here too).
#[allow(dead_code)]
#[path = "../fuzz/src/lib.rs"]
mod rboto_fuzz;

use std::fs;
use std::path::{Path, PathBuf};

use harness::{check, Report, Target};
use mutate::{Grammar, Rng};
use rboto::__private::schema::{Operation, Protocol, Service};
use rboto::endpoint::RuleSet;
use rboto::protocol::{self, Response};
use rules::ParamSet;
use serde_json::Value as Json;

/// The share of inputs each outcome a target checks for must reach.
const MIN_SHARE: f64 = 0.02;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    files
}

// ---------------------------------------------------------------------------------------------
// Response parsers
// ---------------------------------------------------------------------------------------------

/// Inputs per response parser.
const PARSER_INPUTS: usize = 10_000;

/// A fuzz target's seeds: its committed corpus (`cargo xtask fuzz-corpus`).
fn corpus(target: &str) -> Vec<Vec<u8>> {
    let dir = workspace().join("tests/fuzz/corpus").join(target);
    let seeds: Vec<Vec<u8>> = files_in(&dir)
        .iter()
        .map(|f| fs::read(f).expect("seed readable"))
        .collect();
    assert!(!seeds.is_empty(), "no seeds in {}", dir.display());
    seeds
}

/// The outcome counted for an input: the fuzz entry points return nothing, so the same bytes
/// are parsed once more, the body after the selector byte as `op`'s output (`ok` or `error`).
fn parses(
    protocol: Protocol,
    service: &'static Service,
    op: &'static Operation,
    headers: &[(&'static str, &'static str)],
    data: &[u8],
) -> &'static str {
    let mut map = http::HeaderMap::new();
    for (k, v) in headers {
        map.insert(*k, http::HeaderValue::from_static(v));
    }
    let response = Response {
        status: 200,
        headers: &map,
        body: data.get(1..).unwrap_or_default(),
    };
    match protocol::parse_output(protocol, service, op, &response, None) {
        Ok(_) => "ok",
        Err(_) => "error",
    }
}

fn parser_target(
    name: &'static str,
    entry: fn(&[u8]),
    classify: fn(&[u8]) -> &'static str,
    grammar: &'static Grammar,
    seed: u64,
) -> Target<Vec<u8>> {
    let seeds = corpus(name);
    Target {
        name,
        seed,
        inputs: PARSER_INPUTS,
        generate: Box::new(move |rng| mutate::mutate(&seeds, grammar, rng)),
        call: Box::new(move |data| {
            entry(data);
            classify(data)
        }),
    }
}

fn run_parser(target: Target<Vec<u8>>) -> Report {
    let report = harness::run(target);
    check(&report, &["ok", "error"], MIN_SHARE);
    report
}

const AMZ_JSON: &[(&str, &str)] = &[("content-type", "application/x-amz-json-1.0")];
const XML: &[(&str, &str)] = &[("content-type", "text/xml")];

#[test]
fn json_parser_survives_mutated_responses() {
    fn classify(data: &[u8]) -> &'static str {
        parses(
            Protocol::Json,
            rboto_dynamodb::schema::SERVICE.get(),
            rboto_dynamodb::schema::SERVICE.operation("Query"),
            AMZ_JSON,
            data,
        )
    }
    let grammar = &grammars::JSON_GRAMMAR;
    run_parser(parser_target(
        "json",
        rboto_fuzz::json,
        classify,
        grammar,
        0x6a73_6f6e,
    ));
}

#[test]
fn query_parser_survives_mutated_responses() {
    fn classify(data: &[u8]) -> &'static str {
        // The same split as the entry point: STS (query) or EC2 (ec2) by the selector's 0x20.
        if data.first().is_some_and(|s| s & 0x20 == 0) {
            parses(
                Protocol::Query,
                rboto_sts::schema::SERVICE.get(),
                rboto_sts::schema::SERVICE.operation("AssumeRole"),
                XML,
                data,
            )
        } else {
            parses(
                Protocol::Ec2,
                rboto_ec2::schema::SERVICE.get(),
                rboto_ec2::schema::SERVICE.operation("DescribeInstances"),
                XML,
                data,
            )
        }
    }
    let grammar = &grammars::XML_GRAMMAR;
    run_parser(parser_target(
        "query",
        rboto_fuzz::query,
        classify,
        grammar,
        0x7175_6572,
    ));
}

#[test]
fn rest_xml_parser_survives_mutated_responses() {
    fn classify(data: &[u8]) -> &'static str {
        parses(
            Protocol::RestXml,
            rboto_s3::schema::SERVICE.get(),
            rboto_s3::schema::SERVICE.operation("ListObjectsV2"),
            XML,
            data,
        )
    }
    let grammar = &grammars::XML_GRAMMAR;
    run_parser(parser_target(
        "rest_xml",
        rboto_fuzz::rest_xml,
        classify,
        grammar,
        0x0078_6d6c,
    ));
}

#[test]
fn rest_json_parser_survives_mutated_responses() {
    fn classify(data: &[u8]) -> &'static str {
        let headers = &[("content-type", "application/json")];
        parses(
            Protocol::RestJson,
            rboto_lambda::schema::SERVICE.get(),
            rboto_lambda::schema::SERVICE.operation("ListFunctions"),
            headers,
            data,
        )
    }
    let grammar = &grammars::JSON_GRAMMAR;
    run_parser(parser_target(
        "rest_json",
        rboto_fuzz::rest_json,
        classify,
        grammar,
        0x726a,
    ));
}

#[test]
fn cbor_parser_survives_mutated_responses() {
    fn classify(data: &[u8]) -> &'static str {
        let headers = &[
            ("content-type", "application/cbor"),
            ("smithy-protocol", "rpc-v2-cbor"),
        ];
        let op = rboto_cloudwatch::schema::SERVICE.operation("GetMetricStatistics");
        parses(
            Protocol::SmithyRpcV2Cbor,
            rboto_cloudwatch::schema::SERVICE.get(),
            op,
            headers,
            data,
        )
    }
    let grammar = &grammars::CBOR_GRAMMAR;
    run_parser(parser_target(
        "cbor",
        rboto_fuzz::cbor,
        classify,
        grammar,
        0x6362_6f72,
    ));
}

// ---------------------------------------------------------------------------------------------
// The event-stream decoder
// ---------------------------------------------------------------------------------------------

#[test]
fn event_stream_decoder_survives_mutated_frames() {
    let report = harness::run(event_stream::target(corpus("event_stream")));
    check(&report, &["ok", "frame error", "event error"], MIN_SHARE);
}

// ---------------------------------------------------------------------------------------------
// The shared config file parser
// ---------------------------------------------------------------------------------------------

const PROFILE_INPUTS: usize = 15_000;

#[test]
fn profile_parser_survives_mutated_files() {
    let seeds = corpus("profile");
    let target = Target {
        name: "profile",
        seed: 0x7072_6f66,
        inputs: PROFILE_INPUTS,
        generate: Box::new(move |rng| mutate::mutate(&seeds, &grammars::PROFILE_GRAMMAR, rng)),
        call: Box::new(|data: &Vec<u8>| rboto_fuzz::profile_outcome(data)),
    };
    let report = harness::run(target);
    check(&report, &["ok", "error"], MIN_SHARE);
}

// ---------------------------------------------------------------------------------------------
// The endpoint rule-set engine
// ---------------------------------------------------------------------------------------------

/// Mutated rule sets, each compiled and (when it compiles) resolved with a few parameter sets.
const RULE_SET_INPUTS: usize = 800;
/// Resolutions of the services' own rule sets with mutated parameters.
const PARAMS_INPUTS: usize = 10_000;

fn endpoint_data() -> PathBuf {
    workspace().join("tests/data/endpoint-tests")
}

#[test]
fn endpoint_rule_sets_survive_mutation() {
    let target = endpoint::rule_set_target(&endpoint_data(), RULE_SET_INPUTS);
    let report = harness::run(target);
    let outcomes = ["invalid", "compiled, no endpoint", "compiled, resolved"];
    check(&report, &outcomes, MIN_SHARE);
}

#[test]
fn endpoint_resolution_survives_mutated_parameters() {
    let target = endpoint::params_target(&endpoint_data(), PARAMS_INPUTS);
    let report = harness::run(target);
    check(&report, &["resolved", "error rule", "rejected"], MIN_SHARE);
}

// ---------------------------------------------------------------------------------------------
// The request side
// ---------------------------------------------------------------------------------------------

#[test]
fn serializers_survive_random_inputs() {
    let report = harness::run(requests::serialize_target());
    check(
        &report,
        &["serialized", "invalid, serialized", "refused"],
        MIN_SHARE,
    );
}

#[test]
fn the_pipeline_survives_random_inputs() {
    let report = harness::run(requests::pipeline_target());
    check(&report, &["sent", "refused"], MIN_SHARE);
}

#[test]
fn the_pipeline_survives_hostile_responses() {
    let report = harness::run(responses::responses_target());
    check(&report, &["ok", "service error", "other error"], MIN_SHARE);
}

// ---------------------------------------------------------------------------------------------
// The harness itself
// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// Stack depth
// ---------------------------------------------------------------------------------------------

/// A region of 100,000 characters in a bucket ARN, resolved on a tokio worker's 2 MiB stack.
/// S3's rule set looks up the ARN region's partition by `regionRegex`; the endpoint engine's
/// matcher once recursed per character there and overflowed the stack from about 3,000
/// characters in a debug build (this test found it), and the Bucket parameter is bound from the
/// operation input, which no length constraint bounds. An overflow aborts the whole binary.
#[test]
fn long_regions_resolve_in_bounded_stack() {
    let dir = workspace().join("tests/data/endpoint-tests/s3");
    let text = rboto_tests::conformance::endpoints::read_rule_set(&dir).expect("S3 rule set");
    let rules = RuleSet::from_json(&text).expect("S3 rule set compiles");
    let region = format!("us-east-{}", "1".repeat(100_000));
    let bucket = format!("arn:aws:s3:{region}:123456789012:accesspoint:ap");
    let params: ParamSet = vec![
        ("Region".into(), Json::from("us-east-1")),
        ("Bucket".into(), Json::from(bucket)),
    ];
    let resolved = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || endpoint::resolve(&rules, &params).map(|e| e.url))
        .expect("thread starts")
        .join()
        .expect("resolution does not panic");
    // The partition matched (the pattern allows any length); then the rule set rejects the
    // region as a host label, with its own error.
    let error = format!("{:?}", resolved.expect_err("no host label is that long"));
    assert!(
        error.contains("Invalid region in ARN: `us-east-111"),
        "{}",
        &error[..error.len().min(200)]
    );
}

/// A target that panics on some inputs fails the check, naming itself, the panic and the input.
#[test]
fn a_panicking_target_fails_the_run_and_shows_the_input() {
    let seeds = vec![b"\x00abc".to_vec(), b"\x01<a>".to_vec()];
    let target = Target {
        name: "picky",
        seed: 1,
        inputs: 500,
        generate: Box::new(move |rng| mutate::mutate(&seeds, &grammars::XML_GRAMMAR, rng)),
        call: Box::new(|data: &Vec<u8>| {
            assert!(!data.contains(&0xff), "a parser bug");
            if data.len().is_multiple_of(2) {
                "ok"
            } else {
                "error"
            }
        }),
    };
    let report = harness::run(target);
    assert!(report.panics > 0, "{report:?}");
    let failure = &report.failures[0];
    assert!(
        failure.starts_with("picky panicked on input #")
            && failure.contains("a parser bug")
            && failure.contains("mutation.rs:")
            && failure.contains("\\xff"),
        "{failure}"
    );
    let check = std::panic::catch_unwind(|| check(&report, &["ok"], MIN_SHARE));
    assert!(check.is_err(), "a run with panics passes the check");
}

/// A target that produces only one outcome fails the check: it exercised nothing.
#[test]
fn a_target_with_one_outcome_fails_the_check() {
    let target = Target {
        name: "lazy",
        seed: 2,
        inputs: 100,
        generate: Box::new(|rng| vec![rng.next_u64() as u8]),
        call: Box::new(|_: &Vec<u8>| "error"),
    };
    let report = harness::run(target);
    let check = std::panic::catch_unwind(|| check(&report, &["ok", "error"], MIN_SHARE));
    assert!(check.is_err(), "a run that never parsed passes");
}

/// An input that does not finish in time fails the run, naming it.
#[test]
#[should_panic(expected = "hangs: input #2 (seed 0x3) did not finish within 500ms: a hang")]
fn a_hanging_input_fails_the_run() {
    let target = Target {
        name: "hangs",
        seed: 3,
        inputs: 4,
        generate: Box::new(|rng| vec![rng.next_u64() as u8]),
        call: Box::new(|_: &Vec<u8>| {
            static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            if CALLS.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 2 {
                std::thread::sleep(std::time::Duration::from_secs(3));
            }
            "ok"
        }),
    };
    harness::run_within(target, std::time::Duration::from_millis(500));
}

/// The same seed gives the same inputs.
#[test]
fn inputs_are_deterministic() {
    let seeds = corpus("cbor");
    let make = |i| mutate::mutate(&seeds, &grammars::CBOR_GRAMMAR, &mut Rng::for_input(7, i));
    let first: Vec<Vec<u8>> = (0..200).map(make).collect();
    let again: Vec<Vec<u8>> = (0..200).map(make).collect();
    assert_eq!(first, again);
    let distinct: std::collections::BTreeSet<_> = first.iter().collect();
    assert!(
        distinct.len() > 150,
        "{} distinct inputs of 200",
        distinct.len()
    );
}

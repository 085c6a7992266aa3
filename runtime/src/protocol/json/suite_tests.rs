//! AWS's json protocol suites (awsJson 1.1, 1.0 and its query-compatible variant) through
//! [`crate::protocol::suite_support`]; request bodies compare as parsed JSON.

use crate::protocol::suite_support::{json_body, run, SuiteFile};
use crate::schema::Protocol;

fn check(path: &'static str, ignore_key: &'static str, min_passed: usize) {
    run(SuiteFile {
        path,
        protocol: Protocol::Json,
        ignore_key,
        min_passed,
        body_check: json_body,
        base64_bodies: false,
    });
}

#[test]
fn protocol_suite_input_json() {
    check("input/json.json", "json", 40);
}

#[test]
fn protocol_suite_input_json_1_0() {
    check("input/json_1_0.json", "json_1_0", 15);
}

#[test]
fn protocol_suite_input_json_1_0_query_compatible() {
    check(
        "input/json_1_0-query-compatible.json",
        "json_1_0-query-compatible",
        1,
    );
}

#[test]
fn protocol_suite_output_json() {
    check("output/json.json", "json", 50);
}

#[test]
fn protocol_suite_output_json_1_0() {
    check("output/json_1_0.json", "json_1_0", 20);
}

#[test]
fn protocol_suite_output_json_1_0_query_compatible() {
    check(
        "output/json_1_0-query-compatible.json",
        "json_1_0-query-compatible",
        2,
    );
}

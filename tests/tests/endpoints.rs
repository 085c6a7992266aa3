//! Endpoint rule-set conformance: botocore's suites for the tier-1 services, each beside its
//! rule set in `tests/data/endpoint-tests/<service>/`, through the shared runner. Cases with
//! `operationInputs` run through the generated S3, DynamoDB and STS operations (see
//! `rboto_tests::conformance::endpoints`).

use std::path::{Path, PathBuf};

use rboto_tests::conformance::endpoints::{
    run, KnownFailure, Report, ServiceBinding, ServiceCounts,
};

fn data(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/endpoint-tests")
        .join(path)
}

/// `(service, testCases in its endpoint-tests-1.json)`, botocore 1.44.5.
const TIER1: &[(&str, usize)] = &[
    ("cloudtrail", 49),
    ("cloudwatch", 26),
    ("dynamodb", 433),
    ("ec2", 54),
    ("iam", 26),
    ("kms", 68),
    ("lambda", 71),
    ("route53", 26),
    ("s3", 393),
    ("secretsmanager", 49),
    ("sns", 49),
    ("sqs", 48),
    ("ssm", 49),
    ("sso", 40),
    ("sso-oidc", 40),
    ("sts", 69),
];

/// Per service with `operationInputs`: `(service, sent as a call, bound by params_for)`.
/// S3 215, DynamoDB 178, STS 18: 411 in all.
const BY_PATH: &[(&str, usize, usize)] = &[("dynamodb", 93, 85), ("s3", 181, 34), ("sts", 17, 1)];

/// Cases known to fail end to end, with the runner's exact detail.
///
/// A Multi-Region Access Point's only auth scheme is SigV4a, which rboto cannot sign yet: the
/// call fails before sending with a signing error that says so (as botocore without awscrt
/// refuses it).
///
/// `WriteGetObjectResponse` has the host prefix `{RequestRoute}.`, which rboto always applies
/// after endpoint resolution (as botocore does by default); botocore's own end-to-end test
/// turns it off (`inject_host_prefix=False`), a setting rboto does not have.
const KNOWN: &[KnownFailure] = &[
    KnownFailure {
        service: "s3",
        case: 14,
        detail: "no request was sent (\"the endpoint \
                 https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com accepts only \
                 SigV4a signatures (signing region set *), which rboto cannot make yet\")",
    },
    KnownFailure {
        service: "s3",
        case: 252,
        detail: "url: expected \"https://s3-object-lambda.us-west-2.amazonaws.com\" + request \
                 URI, sent \"https://RequestRoute.s3-object-lambda.us-west-2.amazonaws.com/\
                 WriteGetObjectResponse\"",
    },
    KnownFailure {
        service: "s3",
        case: 254,
        detail: "url: expected \"https://s3-object-lambda.us-east-1.amazonaws.com\" + request \
                 URI, sent \"https://RequestRoute.s3-object-lambda.us-east-1.amazonaws.com/\
                 WriteGetObjectResponse\"",
    },
    KnownFailure {
        service: "s3",
        case: 255,
        detail: "url: expected \"https://s3-object-lambda-fips.us-east-1.amazonaws.com\" + \
                 request URI, sent \"https://RequestRoute.s3-object-lambda-fips.us-east-1.\
                 amazonaws.com/WriteGetObjectResponse\"",
    },
    KnownFailure {
        service: "s3",
        case: 253,
        detail: "url: expected \"https://my-endpoint.com\" + request URI, sent \
                 \"https://RequestRoute.my-endpoint.com/WriteGetObjectResponse\"",
    },
];

fn bindings() -> Vec<ServiceBinding> {
    vec![
        ServiceBinding {
            dir: "s3",
            service: rboto_s3::schema::SERVICE.get(),
            operations: vec![
                rboto_s3::schema::SERVICE.operation("CreateBucket"),
                rboto_s3::schema::SERVICE.operation("GetObject"),
                rboto_s3::schema::SERVICE.operation("ListBuckets"),
                rboto_s3::schema::SERVICE.operation("ListDirectoryBuckets"),
                rboto_s3::schema::SERVICE.operation("ListObjects"),
                rboto_s3::schema::SERVICE.operation("WriteGetObjectResponse"),
            ],
        },
        ServiceBinding {
            dir: "dynamodb",
            service: rboto_dynamodb::schema::SERVICE.get(),
            operations: vec![
                rboto_dynamodb::schema::SERVICE.operation("BatchGetItem"),
                rboto_dynamodb::schema::SERVICE.operation("DescribeTable"),
                rboto_dynamodb::schema::SERVICE.operation("ListTables"),
                rboto_dynamodb::schema::SERVICE.operation("SearchVectors"),
            ],
        },
        ServiceBinding {
            dir: "sts",
            service: rboto_sts::schema::SERVICE.get(),
            operations: vec![rboto_sts::schema::SERVICE.operation("GetCallerIdentity")],
        },
    ]
}

fn expected_counts(service: &str, params: usize) -> ServiceCounts {
    let (call, bound) = BY_PATH
        .iter()
        .find(|(s, ..)| *s == service)
        .map(|(_, c, b)| (*c, *b))
        .unwrap_or_default();
    let known = KNOWN.iter().filter(|k| k.service == service).count();
    ServiceCounts {
        params,
        call,
        bound,
        unbound: 0,
        known,
    }
}

fn assert_counts(report: &Report, services: &[(&str, usize)]) {
    let got: Vec<(String, ServiceCounts)> = report
        .services
        .iter()
        .map(|(k, v)| (k.clone(), *v))
        .collect();
    let want: Vec<(String, ServiceCounts)> = services
        .iter()
        .map(|(s, n)| (s.to_string(), expected_counts(s, *n)))
        .collect();
    assert_eq!(got, want, "cases run per service and path");
}

#[test]
fn tier1_suites_pass() {
    let total: usize = TIER1.iter().map(|(_, n)| n).sum();
    assert_eq!(total, 1490);
    let report = run(&[data("")], &bindings(), KNOWN);
    for (s, c) in &report.services {
        eprintln!("{s}: {c:?}");
    }
    let inputs: usize = BY_PATH.iter().map(|(_, c, b)| c + b).sum();
    assert_eq!(inputs, 411);
    report.summary.assert_all_passed(total + inputs);
    assert_eq!(report.summary.suites, TIER1.len());
    assert_counts(&report, TIER1);
}

#[test]
fn each_suite_counts_its_cases() {
    for (service, cases) in TIER1 {
        let report = run(&[data(service)], &bindings(), KNOWN);
        let inputs = expected_counts(service, *cases);
        report
            .summary
            .assert_all_passed(cases + inputs.call + inputs.bound);
        assert_counts(&report, &[(service, *cases)]);
    }
}

/// Without the generated crates (as in the xtask), operation inputs are counted as not run,
/// never as passed.
#[test]
fn unbound_operation_inputs_do_not_pass() {
    let report = run(&[data("sts")], &[], &[]);
    report.summary.assert_all_passed(69);
    assert_eq!(report.services["sts"].unbound, 18);
    assert_eq!(
        report.services["sts"].call + report.services["sts"].bound,
        0
    );
}

/// A known failure excuses only its own detail: listed on a passing case, the run fails.
#[test]
fn a_listed_case_that_passes_fails_the_run() {
    let known = [KnownFailure {
        service: "sts",
        case: first_input_case("sts"),
        detail: "some failure",
    }];
    let report = run(&[data("sts")], &bindings(), &known);
    assert_eq!(report.summary.failed, 1, "{:?}", report.summary.failures);
    assert!(
        report.summary.failures[0].contains("listed as a known failure but passed"),
        "{:?}",
        report.summary.failures
    );
}

/// A listed case that fails with another detail than the listed one fails the run.
#[test]
fn a_listed_case_failing_differently_fails_the_run() {
    let mut known: Vec<KnownFailure> = KNOWN.to_vec();
    let changed = known.iter_mut().find(|k| k.case == 252).unwrap();
    changed.detail = "url: expected something else";
    let report = run(&[data("s3")], &bindings(), &known);
    assert_eq!(report.summary.failed, 1, "{:?}", report.summary.failures);
    assert!(
        report.summary.failures[0].starts_with("FAIL s3 #252 ")
            && report.summary.failures[0].contains("failed differently"),
        "{:?}",
        report.summary.failures
    );
}

/// A listed case that does not run end to end (no `operationInputs`) fails the run.
#[test]
fn a_listed_case_that_never_runs_fails_the_run() {
    let known = [KnownFailure {
        service: "sts",
        case: 0,
        detail: "anything",
    }];
    let report = run(&[data("sts")], &bindings(), &known);
    assert_eq!(report.summary.failed, 1, "{:?}", report.summary.failures);
    assert!(
        report.summary.failures[0].contains("no such operationInputs case ran"),
        "{:?}",
        report.summary.failures
    );
}

fn first_input_case(service: &str) -> usize {
    let text = std::fs::read_to_string(data(service).join("endpoint-tests-1.json")).unwrap();
    let tests: serde_json::Value = serde_json::from_str(&text).unwrap();
    tests["testCases"]
        .as_array()
        .unwrap()
        .iter()
        .position(|c| c.get("operationInputs").is_some())
        .unwrap()
}

/// The runner treats an unset `AWS::S3::UseArnRegion` as `true`: that holds only while S3's
/// rule set reads it through `isSet` and `booleanEquals(UseArnRegion, false)` alone.
#[test]
fn s3_rule_set_reads_use_arn_region_only_as_false() {
    fn walk(v: &serde_json::Value, parent: &serde_json::Value, uses: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(o) => {
                if o.get("ref").and_then(|r| r.as_str()) == Some("UseArnRegion") {
                    uses.push(parent.to_string());
                }
                for c in o.values() {
                    walk(c, v, uses);
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|c| walk(c, parent, uses)),
            _ => {}
        }
    }
    let text = std::fs::read_to_string(data("s3").join("endpoint-rule-set-1.json")).unwrap();
    let rules: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut uses = Vec::new();
    walk(&rules["rules"], &rules, &mut uses);
    assert!(!uses.is_empty());
    for u in &uses {
        assert!(
            u == r#"{"fn":"isSet","argv":[{"ref":"UseArnRegion"}]}"#
                || u == r#"{"fn":"booleanEquals","argv":[{"ref":"UseArnRegion"},false]}"#,
            "{u}"
        );
    }
}

#[test]
fn missing_directories_fail() {
    let report = run(&[data("no-such-service")], &bindings(), KNOWN);
    assert_eq!((report.summary.passed, report.summary.failed), (0, 1));
}

/// Region problems are caught before any request is built: no connection is attempted (there
/// is no server), and the error says what is wrong.
#[tokio::test]
async fn bad_or_missing_regions_fail_before_any_request() {
    let creds = rboto::Credentials::new("AKID", "secret", None);
    let evil = rboto::Config::builder()
        .region("us-east-1.evil.example")
        .credentials(creds.clone())
        .build();
    let err = rboto_dynamodb::Client::new(&evil)
        .list_tables()
        .send()
        .await
        .expect_err("invalid region");
    assert_eq!(err.kind(), rboto::ErrorKind::InvalidConfig, "{err}");
    assert!(err.to_string().contains("us-east-1.evil.example"), "{err}");

    let none = rboto::Config::builder().credentials(creds).build();
    let err = rboto_sts::Client::new(&none)
        .get_caller_identity()
        .send()
        .await
        .expect_err("no region");
    assert_eq!(err.kind(), rboto::ErrorKind::NoRegion, "{err}");
}

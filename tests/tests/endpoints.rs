//! Endpoint rule-set conformance: botocore's suites for the tier-1 services, each beside its
//! rule set in `tests/data/endpoint-tests/<service>/`, through the shared runner.

use std::path::{Path, PathBuf};

use rboto_tests::conformance::endpoints::run;

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

#[test]
fn tier1_suites_pass() {
    let total: usize = TIER1.iter().map(|(_, n)| n).sum();
    assert_eq!(total, 1490);
    let summary = run(&[data("")]);
    summary.assert_all_passed(total);
    assert_eq!(summary.suites, TIER1.len());
}

#[test]
fn each_suite_counts_its_cases() {
    for (service, cases) in TIER1 {
        let summary = run(&[data(service)]);
        summary.assert_all_passed(*cases);
    }
}

#[test]
fn missing_directories_fail() {
    let summary = run(&[data("no-such-service")]);
    assert_eq!((summary.passed, summary.failed), (0, 1));
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

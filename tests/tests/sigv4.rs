//! SigV4 conformance: runs the copied botocore and aws-c-auth suites through the shared runner.

use std::fs;
use std::path::{Path, PathBuf};

use rboto_tests::conformance::sigv4::run;

fn data(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/sigv4")
        .join(path)
}

#[test]
fn botocore_aws4_testsuite() {
    // 34 `.req` cases (including normalize-path/* and post-sts-token/*), header form only.
    run(&[data("aws4_testsuite")]).assert_all_passed(34);
}

#[test]
fn aws_c_auth_signing_test_suite() {
    // 38 cases, each in header and presigned-query form.
    run(&[data("aws-signing-test-suite/v4")]).assert_all_passed(76);
}

#[test]
fn single_case_directories() {
    let summary = run(&[
        data("aws4_testsuite/get-vanilla"),
        data("aws-signing-test-suite/v4/get-vanilla-with-session-token"),
    ]);
    summary.assert_all_passed(3);
}

#[test]
fn missing_or_empty_directories_fail() {
    let summary = run(&[data("does-not-exist")]);
    assert_eq!((summary.passed, summary.failed), (0, 1));
    let empty = scratch_dir("empty");
    let summary = run(std::slice::from_ref(&empty));
    assert_eq!((summary.passed, summary.failed), (0, 1));
    assert!(summary.failures[0].contains("no SigV4 test cases"));
    let _ = fs::remove_dir_all(empty);
}

#[test]
fn wrong_expectations_are_reported() {
    // A copy of a case with a corrupted signature must fail, in the documented format.
    let dir = scratch_dir("tampered").join("get-vanilla");
    fs::create_dir_all(&dir).unwrap();
    let source = data("aws-signing-test-suite/v4/get-vanilla");
    for entry in fs::read_dir(&source).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    fs::write(dir.join("query-signature.txt"), "0".repeat(64)).unwrap();
    let summary = run(std::slice::from_ref(&dir));
    assert_eq!((summary.passed, summary.failed), (1, 1));
    let line = &summary.failures[0];
    assert!(
        line.starts_with(&format!("FAIL {} [query]: signature", dir.display())),
        "{line}"
    );
    let _ = fs::remove_dir_all(dir.parent().unwrap());
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rboto-sigv4-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

//! The profile, file-location, assume-role, configured-endpoint-URL, IMDS-endpoint and ECS
//! suites, run through the shared runners (and, for the last two, directly here).

use rboto::config::Env;
use rboto::credentials::container;
use rboto::Config;
use rboto_tests::conformance::{assume_role, configured_endpoints, profile};
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn data(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join(path)
}

#[test]
fn profile_parser_suite() {
    profile::run(&[data("aws-config/profile-parser-tests.json")]).assert_all_passed(65);
}

#[test]
fn file_location_suite() {
    profile::run(&[data("aws-config/file-location-tests.json")]).assert_all_passed(9);
}

#[test]
fn assume_role_suite() {
    assume_role::run(&[data("aws-config/assume-role-tests.json")]).assert_all_passed(28);
}

#[test]
fn configured_endpoint_urls_suite() {
    configured_endpoints::run(&[data("configured-endpoint-urls/profile-tests.json")])
        .assert_all_passed(39);
}

#[test]
fn missing_suite_file_fails() {
    let s = profile::run(&[data("aws-config/nope.json")]);
    assert_eq!((s.passed, s.failed), (0, 1));
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rboto-cfg-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn env_of(case: &Value, dir: &Path) -> HashMap<String, String> {
    let mut env: HashMap<String, String> = case["env"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
        .collect();
    // Files named relatively in the suite live in the scratch directory.
    for (name, text) in case["fs"].as_object().into_iter().flatten() {
        std::fs::write(dir.join(name), text.as_str().unwrap_or_default()).unwrap();
    }
    if let Some(f) = env.get_mut("AWS_CONFIG_FILE") {
        *f = dir.join(&*f).display().to_string();
    }
    env.insert("HOME".into(), dir.display().to_string());
    env
}

#[test]
fn imds_endpoint_suite() {
    let suite: Value = serde_json::from_str(
        &std::fs::read_to_string(data("aws-config/imds-endpoint-tests.json")).unwrap(),
    )
    .unwrap();
    let mut failures = Vec::new();
    let cases = suite["tests"].as_array().unwrap();
    for (i, case) in cases.iter().enumerate() {
        let dir = scratch(&format!("imds-{i}"));
        let env = env_of(case, &dir);
        let config = Config::loader()
            .env(Env::from_map(env))
            .load_sync()
            .unwrap();
        let mut b = config.to_builder();
        if let Some(e) = case["endpoint_override"].as_str() {
            b = b.imds_endpoint(e);
        }
        if let Some(m) = case["mode_override"].as_str() {
            b = b.imds_endpoint_mode(m);
        }
        let got = b.build().imds_settings().map(|s| s.token_url());
        let ok = match (&case["result"]["Ok"], &case["result"]["Err"], &got) {
            (Value::String(want), _, Ok(url)) => want == url,
            (_, Value::String(want), Err(e)) => e.to_string().contains(want.as_str()),
            _ => false,
        };
        if !ok {
            failures.push(format!(
                "{}: expected {}, got {got:?}",
                case["docs"], case["result"]
            ));
        }
        let _ = std::fs::remove_dir_all(dir);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(cases.len(), 14);
}

#[test]
fn ecs_suite() {
    let suite: Value =
        serde_json::from_str(&std::fs::read_to_string(data("aws-config/ecs-tests.json")).unwrap())
            .unwrap();
    let mut failures = Vec::new();
    let cases = suite["tests"].as_array().unwrap();
    for case in cases {
        let env: HashMap<String, String> = case["env"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
            .collect();
        let got = container::resolve_uri(&|k| env.get(k).cloned());
        let ok = match (
            &case["result"]["Ok"],
            &case["result"]["ErrorContains"],
            &got,
        ) {
            (Value::String(want), _, Ok(Some(url))) => want == url,
            (_, Value::String(want), Ok(None)) => container::NOT_CONFIGURED.contains(want.as_str()),
            (_, Value::String(want), Err(e)) => e.to_string().contains(want.as_str()),
            _ => false,
        };
        if !ok {
            failures.push(format!(
                "{}: expected {}, got {got:?}",
                case["docs"], case["result"]
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(cases.len(), 11);
}

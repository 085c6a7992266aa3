//! The profile, file-location, assume-role, configured-endpoint-URL, IMDS-endpoint and ECS
//! suites, run through the shared runners (and, for the last two, directly here).

use rboto::config::Env;
use rboto::credentials::container;
use rboto::Config;
use rboto_tests::conformance::{assume_role, configured_endpoints, profile};
use rboto_tests::stub::StubConnector;
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
    let outcome = configured_endpoints::run(
        &[data("configured-endpoint-urls/profile-tests.json")],
        Some(&sdk_endpoint),
    );
    outcome.summary.assert_all_passed(39);
    assert_eq!(outcome.not_run, 0);
}

/// Without the SDK's resolution, the 3 cases with no configured URL are not run (never passed).
#[test]
fn configured_endpoint_urls_without_a_resolver_count_what_they_skip() {
    let outcome =
        configured_endpoints::run(&[data("configured-endpoint-urls/profile-tests.json")], None);
    outcome.summary.assert_all_passed(36);
    assert_eq!(outcome.not_run, 3);
}

/// Where a call of `service` made with `config` goes: the scheme, authority and base path of
/// the request a stub connector captures (the operation's own path, `/`, removed).
fn sdk_endpoint(service: &str, config: &Config) -> Result<String, String> {
    let stub = StubConnector::new();
    let config = config
        .to_builder()
        .credentials(rboto::Credentials::new("AKID", "SECRET", None))
        .connector(stub.clone())
        .max_attempts(1)
        .build();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let failed = rt.block_on(async {
        match service {
            "s3" => rboto_s3::Client::new(&config)
                .list_buckets()
                .send()
                .await
                .err()
                .map(|e| e.to_string()),
            "dynamodb" => rboto_dynamodb::Client::new(&config)
                .list_tables()
                .send()
                .await
                .err()
                .map(|e| e.to_string()),
            other => Some(format!("no client bound for service {other}")),
        }
    });
    let Some(sent) = stub.requests().into_iter().next() else {
        return Err(failed.unwrap_or_else(|| "no request sent".into()));
    };
    let uri = &sent.uri;
    Ok(format!(
        "{}://{}{}",
        uri.scheme_str().unwrap_or_default(),
        uri.authority().map(|a| a.as_str()).unwrap_or_default(),
        uri.path().trim_end_matches('/')
    ))
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

//! Runner for botocore's `configured-endpoint-urls/profile-tests.json`: endpoint URLs from
//! client config, `AWS_ENDPOINT_URL(_<SERVICE>)`, the profile's `endpoint_url` and its
//! `[services x]` section, and `ignore_configured_endpoint_urls`. Each case writes the suite's
//! profiles to a real config file and loads it through [`rboto::Config::loader`], then asks a
//! [`Resolver`] where the SDK sends a call of the case's service with that configuration, and
//! compares that with the expected endpoint URL.

use super::profile::load;
use super::{paths, Summary};
use crate::scratch::ScratchDir;
use rboto::config::Env;
use rboto::Config;
use serde_json::Value;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: conformance configured-endpoint-urls <profile-tests.json>...";

/// Where the SDK sends a call of `service` (the suite's service name, e.g. `s3`) made with the
/// configuration given: `scheme://authority[/base path]`, as resolved by the SDK itself
/// (e.g. a call through a stub connector).
pub type Resolver<'a> = &'a dyn Fn(&str, &Config) -> Result<String, String>;

/// The outcome of a run.
#[derive(Debug, Default)]
pub struct Outcome {
    pub summary: Summary,
    /// Cases with no configured URL that were not run because no [`Resolver`] was given.
    pub not_run: usize,
}

/// `cargo xtask conformance configured-endpoint-urls FILE...`. The xtask links no generated
/// crate, so cases whose answer is the SDK's own endpoint (no URL configured) are counted as
/// not run, and said so; `cargo test -p rboto-tests --test config_conformance` runs them.
pub fn run_cli(args: &[String]) -> Result<ExitCode, String> {
    let outcome = run(&paths(args, USAGE)?, None);
    if outcome.not_run > 0 {
        println!(
            "note: {} cases without a configured endpoint URL not run here (they need the \
             generated crates: cargo test -p rboto-tests --test config_conformance)",
            outcome.not_run
        );
    }
    Ok(outcome.summary.print())
}

/// Runs every case of `files`. With a `resolver`, every case compares the endpoint the SDK
/// resolves; without one, only cases with a configured URL run (compared with
/// [`Config::endpoint_url_for`]) and the rest are counted in [`Outcome::not_run`].
pub fn run(files: &[PathBuf], resolver: Option<Resolver<'_>>) -> Outcome {
    let mut outcome = Outcome::default();
    // One directory per run: runs in the same process (parallel tests) must not share it.
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let run_id = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = match ScratchDir::new("rboto-configured-endpoints", &run_id.to_string(), &[]) {
        Ok(dir) => dir,
        Err(e) => {
            outcome
                .summary
                .record("scratch directory", Err(e.to_string()));
            return outcome;
        }
    };
    for file in files {
        let summary = &mut outcome.summary;
        let Some(suite) = load(file, summary) else {
            continue;
        };
        let suites = suite["testSuites"].as_array().cloned().unwrap_or_default();
        let mut count = 0;
        for (si, s) in suites.iter().enumerate() {
            let config_path = dir.join(format!("config-{si}"));
            if let Err(e) = write_config(s, &config_path) {
                summary.record(&config_path.display().to_string(), Err(e));
                continue;
            }
            for (i, t) in s["endpointUrlTests"]
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
            {
                count += 1;
                let name = format!(
                    "{}#{si}.{i} {}",
                    file.display(),
                    t["name"].as_str().unwrap_or("")
                );
                match run_case(s, t, &config_path, resolver) {
                    Some(result) => summary.record(&name, result),
                    None => outcome.not_run += 1,
                }
            }
        }
        if count == 0 {
            summary.record(&file.display().to_string(), Err("no test cases".into()));
        }
    }
    outcome
}

fn write_config(suite: &Value, path: &Path) -> Result<(), String> {
    let mut text = String::new();
    for (name, props) in suite["profiles"].as_object().into_iter().flatten() {
        let _ = writeln!(text, "[profile {name}]");
        for (k, v) in props.as_object().into_iter().flatten() {
            let _ = writeln!(text, "{k} = {}", v.as_str().unwrap_or_default());
        }
    }
    for (name, services) in suite["services"].as_object().into_iter().flatten() {
        let _ = writeln!(text, "[services {name}]");
        for (svc, props) in services.as_object().into_iter().flatten() {
            let _ = writeln!(text, "{svc} =");
            for (k, v) in props.as_object().into_iter().flatten() {
                let _ = writeln!(text, "  {k} = {}", v.as_str().unwrap_or_default());
            }
        }
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
    }
    std::fs::write(path, text).map_err(|e| e.to_string())
}

/// `None` when the case needs a resolver and there is none.
fn run_case(
    suite: &Value,
    t: &Value,
    config_path: &Path,
    resolver: Option<Resolver<'_>>,
) -> Option<Result<(), String>> {
    let config = match load_case_config(suite, t, config_path) {
        Ok(c) => c,
        Err(e) => return Some(Err(e)),
    };
    let service = t["service"].as_str().unwrap_or_default();
    let got = match (resolver, config.endpoint_url_for(service)) {
        (Some(resolve), _) => resolve(service, &config),
        (None, Some(url)) => Ok(url),
        (None, None) => return None,
    };
    let want = t["output"]["endpointUrl"].as_str().unwrap_or_default();
    Some(match got {
        Ok(got) if got == want => Ok(()),
        Ok(got) => Err(format!("expected {want}, got {got}")),
        Err(e) => Err(format!("expected {want}, resolving failed: {e}")),
    })
}

fn load_case_config(suite: &Value, t: &Value, config_path: &Path) -> Result<Config, String> {
    let mut env: HashMap<String, String> = HashMap::new();
    let env_name = t["environment"].as_str().unwrap_or("default");
    for (k, v) in suite["environments"][env_name]
        .as_object()
        .into_iter()
        .flatten()
    {
        env.insert(k.clone(), v.as_str().unwrap_or_default().to_string());
    }
    env.insert("AWS_CONFIG_FILE".into(), config_path.display().to_string());
    env.insert(
        "AWS_SHARED_CREDENTIALS_FILE".into(),
        config_path.with_extension("absent").display().to_string(),
    );
    let profile = t["profile"].as_str().unwrap_or("default");
    let config = Config::loader()
        .env(Env::from_map(env))
        .profile(profile)
        .load_sync()
        .map_err(|e| format!("load: {e}"))?;
    let client = &suite["client_configs"][t["client_config"].as_str().unwrap_or("default")];
    let mut b = config.to_builder();
    if let Some(u) = client["endpoint_url"].as_str() {
        b = b.endpoint_url(u);
    }
    if let Some(i) = client["ignore_configured_endpoint_urls"].as_bool() {
        b = b.ignore_configured_endpoint_urls(i);
    }
    Ok(b.build())
}

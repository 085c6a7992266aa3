//! Runner for botocore's `configured-endpoint-urls/profile-tests.json`: endpoint URLs from
//! client config, `AWS_ENDPOINT_URL(_<SERVICE>)`, the profile's `endpoint_url` and its
//! `[services x]` section, and `ignore_configured_endpoint_urls`. Each case writes the suite's
//! profiles to a real config file and loads it through [`rboto::Config::loader`].

use super::profile::load;
use super::{paths, Summary};
use rboto::config::Env;
use rboto::Config;
use serde_json::Value;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: conformance configured-endpoint-urls <profile-tests.json>...";

/// `cargo xtask conformance configured-endpoint-urls FILE...`
pub fn run_cli(args: &[String]) -> Result<ExitCode, String> {
    Ok(run(&paths(args, USAGE)?).print())
}

pub fn run(files: &[PathBuf]) -> Summary {
    let mut summary = Summary::default();
    let dir =
        std::env::temp_dir().join(format!("rboto-configured-endpoints-{}", std::process::id()));
    for file in files {
        let Some(suite) = load(file, &mut summary) else {
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
                summary.record(&name, run_case(s, t, &config_path));
            }
        }
        if count == 0 {
            summary.record(&file.display().to_string(), Err("no test cases".into()));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    summary
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

fn run_case(suite: &Value, t: &Value, config_path: &Path) -> Result<(), String> {
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
    let config = b.build();
    let service = t["service"].as_str().unwrap_or_default();
    let got = config.endpoint_url_for(service).unwrap_or_else(|| {
        // What endpoint resolution gives without a configured URL.
        format!(
            "https://{service}.{}.amazonaws.com",
            config.region().unwrap_or("us-east-1")
        )
    });
    let want = t["output"]["endpointUrl"].as_str().unwrap_or_default();
    if got != want {
        return Err(format!("expected {want}, got {got}"));
    }
    Ok(())
}

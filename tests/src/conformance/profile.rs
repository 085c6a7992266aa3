//! Runner for AWS's profile-file suites: `profile-parser-tests.json` (parsing and merging of
//! the config and credentials files) and `file-location-tests.json` (where the files are and
//! which profile is selected). The file's shape says which it is.

use super::{paths, Summary};
use rboto::profile::{FileLocations, Platform, ProfileSet, Section};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Reads a suite file; an unreadable file is one failure.
pub fn load(path: &Path, summary: &mut Summary) -> Option<Value> {
    let parsed = std::fs::read_to_string(path)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()));
    match parsed {
        Ok(v) => Some(v),
        Err(e) => {
            summary.record(&path.display().to_string(), Err(e));
            None
        }
    }
}

const USAGE: &str =
    "usage: conformance profile <profile-parser-tests.json | file-location-tests.json>...";

/// `cargo xtask conformance profile FILE...`
pub fn run_cli(args: &[String]) -> Result<ExitCode, String> {
    Ok(run(&paths(args, USAGE)?).print())
}

pub fn run(files: &[PathBuf]) -> Summary {
    let mut summary = Summary::default();
    for file in files {
        let Some(suite) = load(file, &mut summary) else {
            continue;
        };
        let tests = suite["tests"].as_array().cloned().unwrap_or_default();
        if tests.is_empty() {
            summary.record(&file.display().to_string(), Err("no test cases".into()));
        }
        for (i, t) in tests.iter().enumerate() {
            let name = format!(
                "{}#{i} {}",
                file.display(),
                t["name"].as_str().unwrap_or("")
            );
            let result = if t.get("platform").is_some() {
                location_case(t)
            } else {
                parser_case(t)
            };
            summary.record(&name, result);
        }
    }
    summary
}

fn sections(map: &BTreeMap<String, Section>) -> Value {
    let mut out = Map::new();
    for (name, s) in map {
        let props: Map<String, Value> = s
            .properties()
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        out.insert(name.clone(), Value::Object(props));
    }
    Value::Object(out)
}

fn parser_case(t: &Value) -> Result<(), String> {
    let config = t["input"]["configFile"].as_str().unwrap_or("");
    let credentials = t["input"]["credentialsFile"].as_str().unwrap_or("");
    let result = ProfileSet::parse(config, credentials);
    let output = &t["output"];
    if let Some(expected) = output.get("errorContaining").and_then(Value::as_str) {
        return match result {
            Ok(set) => Err(format!(
                "expected an error containing {expected:?}, parsed {}",
                sections(&set.profiles)
            )),
            Err(e) if e.to_string().contains(expected) => Ok(()),
            Err(e) => Err(format!(
                "expected an error containing {expected:?}, got {e}"
            )),
        };
    }
    let set = result.map_err(|e| format!("unexpected error: {e}"))?;
    let want = &output["config"];
    let got_profiles = sections(&set.profiles);
    if got_profiles != want["profiles"] {
        return Err(format!(
            "profiles: expected {}, got {got_profiles}",
            want["profiles"]
        ));
    }
    if let Some(sso) = want.get("sso_sessions") {
        let got = sections(&set.sso_sessions);
        if &got != sso {
            return Err(format!("sso_sessions: expected {sso}, got {got}"));
        }
    }
    Ok(())
}

fn location_case(t: &Value) -> Result<(), String> {
    let env: BTreeMap<String, String> = t["environment"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                .collect()
        })
        .unwrap_or_default();
    let platform = match t["platform"].as_str() {
        Some("windows") => Platform::Windows,
        _ => Platform::Unix,
    };
    let loc = FileLocations::resolve(&|k| env.get(k).cloned(), platform);
    let got = json!({
        "configLocation": loc.config.as_ref().map(|p| p.display().to_string()),
        "credentialsLocation": loc.credentials.as_ref().map(|p| p.display().to_string()),
        "profile": loc.profile,
    });
    for key in ["configLocation", "credentialsLocation", "profile"] {
        if let Some(want) = t.get(key) {
            if &got[key] != want {
                return Err(format!("{key}: expected {want}, got {}", got[key]));
            }
        }
    }
    Ok(())
}

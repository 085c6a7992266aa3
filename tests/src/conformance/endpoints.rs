//! Runner for botocore's endpoint rule-set suites (`tests/functional/endpoint-rules`).
//!
//! Each service directory holds `endpoint-rule-set-1.json` (or `.json.gz`, as in botocore's
//! wheel) and `endpoint-tests-1.json`. Every test case sets parameters by name and expects
//! either an endpoint (URL, headers, properties compared as JSON, `authSchemes` included) or
//! an error message, which must match exactly, as in botocore's
//! `tests/functional/test_endpoint_rulesets.py`. `operationInputs` (end-to-end cases that
//! need the service model) are not run here.
//!
//! A directory given is either a service directory or a tree of them (searched recursively).

use super::{paths, Summary};
use std::fs;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rboto::endpoint::{EndpointError, ParamValue, RuleSet};
use serde_json::Value as Json;

const USAGE: &str = "usage: conformance endpoints <dir>...\n\n\
    Each <dir> is a service directory holding endpoint-rule-set-1.json (or \
    endpoint-rule-set-1.json.gz) and endpoint-tests-1.json, or a directory of such directories.";

/// `cargo xtask conformance endpoints <dir>...`: prints one line per failing case and a closing
/// `N passed, N failed` line.
pub fn run_cli(args: &[String]) -> Result<ExitCode, String> {
    Ok(run(&paths(args, USAGE)?).print())
}

/// Runs every case found under `dirs`. A directory that cannot be read or holds no suite
/// counts as one failure, so a run can never pass by finding nothing.
pub fn run(dirs: &[PathBuf]) -> Summary {
    let mut summary = Summary::default();
    for dir in dirs {
        let mut services = Vec::new();
        if let Err(e) = discover(dir, &mut services) {
            summary.fail(format!("FAIL {}: {e}", dir.display()));
            continue;
        }
        if services.is_empty() {
            summary.fail(format!(
                "FAIL {}: no endpoint-tests-1.json found",
                dir.display()
            ));
            continue;
        }
        for service in &services {
            run_service(service, &mut summary);
        }
    }
    summary
}

fn discover(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    if dir.join("endpoint-tests-1.json").is_file() {
        out.push(dir.to_path_buf());
        return Ok(());
    }
    let mut subdirs = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| format!("cannot read directory: {e}"))? {
        let path = entry
            .map_err(|e| format!("cannot read directory: {e}"))?
            .path();
        if path.is_dir() {
            subdirs.push(path);
        }
    }
    subdirs.sort();
    for sub in &subdirs {
        discover(sub, out)?;
    }
    Ok(())
}

/// Reads `endpoint-rule-set-1.json`, or the gzip-compressed copy botocore's wheel ships.
pub fn read_rule_set(dir: &Path) -> Result<String, String> {
    let plain = dir.join("endpoint-rule-set-1.json");
    if plain.is_file() {
        return fs::read_to_string(&plain).map_err(|e| format!("{}: {e}", plain.display()));
    }
    let gz = dir.join("endpoint-rule-set-1.json.gz");
    let bytes = fs::read(&gz).map_err(|e| format!("{}: {e}", gz.display()))?;
    let mut text = String::new();
    flate2::read::GzDecoder::new(&bytes[..])
        .read_to_string(&mut text)
        .map_err(|e| format!("{}: {e}", gz.display()))?;
    Ok(text)
}

fn service_name(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| dir.display().to_string())
}

fn run_service(dir: &Path, summary: &mut Summary) {
    let service = service_name(dir);
    let tests = fs::read_to_string(dir.join("endpoint-tests-1.json"))
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str::<Json>(&t).map_err(|e| e.to_string()));
    let tests = match tests {
        Ok(t) => t,
        Err(e) => return summary.fail(format!("FAIL {service}: endpoint-tests-1.json: {e}")),
    };
    let cases = tests
        .get("testCases")
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default();
    let ruleset =
        read_rule_set(dir).and_then(|t| RuleSet::from_json(&t).map_err(|e| e.to_string()));
    let ruleset = match ruleset {
        Ok(r) => r,
        Err(e) => {
            // Every case of the service fails, each counted.
            for case in &cases {
                summary.fail(format!("FAIL {service}: {}: rule set: {e}", doc(case)));
            }
            if cases.is_empty() {
                summary.fail(format!("FAIL {service}: rule set: {e}"));
            }
            return;
        }
    };
    summary.suites += 1;
    for case in &cases {
        match run_case(&ruleset, case) {
            Ok(()) => summary.pass(),
            Err(why) => summary.fail(format!("FAIL {service}: {}: {why}", doc(case))),
        }
    }
}

fn doc(case: &Json) -> &str {
    case.get("documentation")
        .and_then(Json::as_str)
        .unwrap_or("(undocumented case)")
}

fn run_case(ruleset: &RuleSet, case: &Json) -> Result<(), String> {
    let mut params = ruleset.new_params();
    if let Some(given) = case.get("params").and_then(Json::as_object) {
        for (name, v) in given {
            if v.is_null() {
                continue;
            }
            let value = ParamValue::from_json(v)
                .ok_or_else(|| format!("unsupported parameter value {name} = {v}"))?;
            params.set(name, value);
        }
    }
    let expect = case.get("expect").ok_or("case without `expect`")?;
    let result = ruleset.resolve(&params);
    if let Some(expected) = expect.get("error") {
        let expected = expected.as_str().unwrap_or_default();
        return match result {
            Err(e) if e.message() == expected => Ok(()),
            Err(e) => Err(format!(
                "expected error {expected:?}, got error {:?}",
                e.message()
            )),
            Ok(ep) => Err(format!(
                "expected error {expected:?}, got endpoint {}",
                ep.url
            )),
        };
    }
    let expected = expect
        .get("endpoint")
        .ok_or("`expect` has neither `endpoint` nor `error`")?;
    let ep = result.map_err(|e: EndpointError| format!("unexpected error {:?}", e.message()))?;
    let url = expected
        .get("url")
        .and_then(Json::as_str)
        .unwrap_or_default();
    if ep.url != url {
        return Err(format!("url: expected {url:?}, got {:?}", ep.url));
    }
    let empty = Json::Object(Default::default());
    let want_props = expected.get("properties").unwrap_or(&empty);
    let got_props = Json::Object((*ep.properties).clone());
    if &got_props != want_props {
        return Err(format!(
            "properties: expected {want_props}, got {got_props}"
        ));
    }
    let want_headers = expected.get("headers").unwrap_or(&empty);
    let got_headers = Json::Object(
        ep.headers
            .iter()
            .map(|(k, v)| (k.clone(), Json::from(v.clone())))
            .collect(),
    );
    if &got_headers != want_headers {
        return Err(format!(
            "headers: expected {want_headers}, got {got_headers}"
        ));
    }
    Ok(())
}

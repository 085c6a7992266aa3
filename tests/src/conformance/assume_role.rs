//! Runner for AWS's `assume-role-tests.json`: how a profile chain of `role_arn`,
//! `source_profile`, `credential_source`, `web_identity_token_file` and SSO settings resolves
//! ([`rboto::credentials::profile_chain::resolve`]), or the error it gives.

use super::profile::load;
use super::{paths, Summary};
use rboto::credentials::profile_chain::{resolve, BaseProvider, ProfileChain};
use rboto::profile::{ProfileSet, Section};
use serde_json::{json, Map, Value};
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: conformance assume-role <assume-role-tests.json>...";

/// `cargo xtask conformance assume-role FILE...`
pub fn run_cli(args: &[String]) -> Result<ExitCode, String> {
    Ok(run(&paths(args, USAGE)?).print())
}

pub fn run(files: &[PathBuf]) -> Summary {
    let mut summary = Summary::default();
    for file in files {
        let Some(suite) = load(file, &mut summary) else {
            continue;
        };
        let cases = suite.as_array().cloned().unwrap_or_default();
        if cases.is_empty() {
            summary.record(&file.display().to_string(), Err("no test cases".into()));
        }
        for (i, case) in cases.iter().enumerate() {
            let name = format!(
                "{}#{i} {}",
                file.display(),
                case["docs"].as_str().unwrap_or("")
            );
            summary.record(&name, run_case(case));
        }
    }
    summary
}

fn sections(v: &Value) -> std::collections::BTreeMap<String, Section> {
    let mut out = std::collections::BTreeMap::new();
    for (name, props) in v.as_object().into_iter().flatten() {
        let mut s = Section::new(name.clone());
        for (k, v) in props.as_object().into_iter().flatten() {
            s.set(k.clone(), v.as_str().unwrap_or_default());
        }
        out.insert(name.clone(), s);
    }
    out
}

fn run_case(case: &Value) -> Result<(), String> {
    let input = &case["input"];
    let set = ProfileSet {
        profiles: sections(&input["profiles"]),
        sso_sessions: sections(&input["sso_sessions"]),
        ..ProfileSet::default()
    };
    let selected = input["selected_profile"].as_str().unwrap_or("default");
    let result = resolve(&set, selected);
    let output = &case["output"];
    if let Some(expected) = output.get("Error").and_then(Value::as_str) {
        return match result {
            Ok(chain) => Err(format!(
                "expected an error containing {expected:?}, got {}",
                to_json(&chain)
            )),
            Err(e) if e.message().contains(expected) => Ok(()),
            Err(e) => Err(format!(
                "expected an error containing {expected:?}, got {e}"
            )),
        };
    }
    let chain = result.map_err(|e| format!("unexpected error: {e}"))?;
    let got = to_json(&chain);
    if got != output["ProfileChain"] {
        return Err(format!("expected {}, got {got}", output["ProfileChain"]));
    }
    Ok(())
}

fn object(pairs: &[(&str, Option<&str>)]) -> Value {
    let mut m = Map::new();
    for (k, v) in pairs {
        if let Some(v) = v {
            m.insert((*k).to_string(), Value::String((*v).to_string()));
        }
    }
    Value::Object(m)
}

/// The chain in the suite's notation: base first, then each `AssumeRole`.
pub fn to_json(chain: &ProfileChain) -> Value {
    let base = match &chain.base {
        BaseProvider::AccessKey {
            access_key_id,
            secret_access_key,
            session_token,
            account_id,
            ..
        } => json!({ "AccessKey": object(&[
            ("access_key_id", Some(access_key_id)),
            ("secret_access_key", Some(secret_access_key)),
            ("session_token", session_token.as_deref()),
            ("account_id", account_id.as_deref()),
        ]) }),
        BaseProvider::NamedSource(s) => json!({ "NamedSource": s }),
        BaseProvider::WebIdentityToken {
            role_arn,
            web_identity_token_file,
            role_session_name,
        } => json!({ "WebIdentityToken": object(&[
            ("role_arn", Some(role_arn)),
            ("web_identity_token_file", Some(web_identity_token_file)),
            ("role_session_name", role_session_name.as_deref()),
        ]) }),
        BaseProvider::Sso(s) => json!({ "Sso": object(&[
            ("sso_session", s.sso_session.as_deref()),
            ("sso_region", Some(&s.sso_region)),
            ("sso_start_url", Some(&s.sso_start_url)),
            ("sso_account_id", s.sso_account_id.as_deref()),
            ("sso_role_name", s.sso_role_name.as_deref()),
        ]) }),
        BaseProvider::Login { session } => json!({ "Login": session }),
        BaseProvider::Process { command } => json!({ "CredentialProcess": command }),
    };
    let mut out = vec![base];
    for r in &chain.roles {
        let duration = r.duration_seconds.map(|d| d.to_string());
        out.push(json!({ "AssumeRole": object(&[
            ("role_arn", Some(&r.role_arn)),
            ("external_id", r.external_id.as_deref()),
            ("role_session_name", r.role_session_name.as_deref()),
            ("duration_seconds", duration.as_deref()),
            ("mfa_serial", r.mfa_serial.as_deref()),
        ]) }));
    }
    Value::Array(out)
}

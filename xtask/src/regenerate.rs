//! `cargo xtask regenerate [--check]`: models/ → sdk/, and the workspace members list.

use crate::workspace_root;
use rboto_codegen::{generate, Files, Model, ModelFiles, Settings};
use rboto_tests::model_files;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const BEGIN: &str = "# BEGIN SDK MEMBERS";
const END: &str = "# END SDK MEMBERS";
const BEGIN_PROFILES: &str = "# BEGIN SDK PROFILES";
const END_PROFILES: &str = "# END SDK PROFILES";

/// Loads `dir` (a `models/<service>` folder, or a botocore api-version folder) as a model; each
/// file may be plain or gzip-compressed (`service-2.json.gz`), as botocore ships it.
pub fn load_model(dir: &Path, service_name: &str) -> Result<Model, String> {
    let read = |name: &str| model_files::read(dir, name);
    let service = read("service-2.json")?
        .ok_or_else(|| format!("{}: no service-2.json(.gz)", dir.display()))?;
    let service_extras = read("service-2.sdk-extras.json")?;
    let paginators = read("paginators-1.json")?;
    let paginators_extras = read("paginators-1.sdk-extras.json")?;
    let waiters = read("waiters-2.json")?;
    let endpoint_rules = read("endpoint-rule-set-1.json")?;
    model_from_texts(
        service_name,
        &service,
        service_extras.as_deref(),
        paginators.as_deref(),
        paginators_extras.as_deref(),
        waiters.as_deref(),
        endpoint_rules.as_deref(),
    )
}

/// Builds a model from the texts of its files.
pub fn model_from_texts(
    service_name: &str,
    service: &str,
    service_extras: Option<&str>,
    paginators: Option<&str>,
    paginators_extras: Option<&str>,
    waiters: Option<&str>,
    endpoint_rules: Option<&str>,
) -> Result<Model, String> {
    let files = ModelFiles {
        service,
        service_extras,
        paginators,
        paginators_extras,
        waiters,
        endpoint_rules,
    };
    Model::from_files(service_name, &files).map_err(|e| e.to_string())
}

/// Every file `regenerate` owns, by absolute path.
fn expected_files(root: &Path) -> Result<BTreeMap<PathBuf, String>, String> {
    let models = root.join("models");
    let mut services: Vec<String> = fs::read_dir(&models)
        .map_err(|e| format!("{}: {e}", models.display()))?
        .filter_map(Result::ok)
        .filter(|e| model_files::locate(&e.path(), "service-2.json").is_some())
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    services.sort();
    let mut out = BTreeMap::new();
    for svc in &services {
        let model = load_model(&models.join(svc), svc)?;
        let settings = Settings {
            model_label: format!("models/{svc}"),
            ..Settings::default()
        };
        let files: Files = generate(&model, &settings).map_err(|e| e.to_string())?;
        for (path, text) in files {
            out.insert(root.join("sdk").join(svc).join(path), text);
        }
    }
    out.extend(crate::fixtures::expected(root)?);
    let mut members = String::from("\n");
    let mut profiles = String::from("\n");
    for (path, text) in &out {
        if !path.ends_with("Cargo.toml") {
            continue;
        }
        if let Some(dir) = path.parent().and_then(|d| d.strip_prefix(root).ok()) {
            members.push_str(&format!("    \"{}\",\n", dir.display()));
        }
        if let Some(name) = package_name(text) {
            profiles.push_str(&format!(
                "[profile.dev.package.{name}]\nincremental = false\n"
            ));
        }
    }
    members.push_str("    ");
    let cargo = root.join("Cargo.toml");
    let text = fs::read_to_string(&cargo).map_err(|e| format!("{}: {e}", cargo.display()))?;
    let text = replace_between(&text, BEGIN, END, &members)?;
    let text = replace_between(&text, BEGIN_PROFILES, END_PROFILES, &profiles)?;
    out.insert(cargo, text);
    Ok(out)
}

/// The `name` of a generated crate's `[package]`.
fn package_name(cargo_toml: &str) -> Option<&str> {
    cargo_toml
        .lines()
        .find_map(|l| l.strip_prefix("name = \""))
        .and_then(|rest| rest.strip_suffix('"'))
}

/// `cargo` with the text between the `begin` and `end` marker comments replaced by `body`.
fn replace_between(cargo: &str, begin: &str, end: &str, body: &str) -> Result<String, String> {
    let (Some(b), Some(e)) = (cargo.find(begin), cargo.find(end)) else {
        return Err(format!("Cargo.toml lacks the `{begin}` / `{end}` markers"));
    };
    Ok(format!(
        "{}{body}{}",
        &cargo[..b + begin.len()],
        &cargo[e..]
    ))
}

/// Generated files on disk under the directories regenerate owns.
fn existing_generated(root: &Path) -> Vec<PathBuf> {
    let mut dirs = vec![root.join("sdk")];
    dirs.extend(crate::fixtures::owned_dirs(root));
    dirs.iter()
        .flat_map(|d| crate::fixtures::files_under(d))
        .collect()
}

pub fn run(args: &[String]) -> Result<ExitCode, String> {
    let check = match args {
        [] => false,
        [flag] if flag == "--check" => true,
        _ => return Err("usage: cargo xtask regenerate [--check]".into()),
    };
    let root = workspace_root();
    let expected = expected_files(&root)?;
    let stale_extra: Vec<PathBuf> = existing_generated(&root)
        .into_iter()
        .filter(|p| !expected.contains_key(p) && !p.ends_with("Cargo.lock"))
        .collect();
    if check {
        let mut stale: Vec<String> = Vec::new();
        for (path, text) in &expected {
            if fs::read_to_string(path).ok().as_deref() != Some(text.as_str()) {
                stale.push(rel(&root, path));
            }
        }
        stale.extend(
            stale_extra
                .iter()
                .map(|p| format!("{} (not generated)", rel(&root, p))),
        );
        if stale.is_empty() {
            println!("generated code is up to date ({} files)", expected.len());
            return Ok(ExitCode::SUCCESS);
        }
        for s in &stale {
            eprintln!("stale: {s}");
        }
        eprintln!(
            "{} stale files: run `cargo xtask regenerate` and commit",
            stale.len()
        );
        return Ok(ExitCode::FAILURE);
    }
    let mut written = 0;
    for (path, text) in &expected {
        if fs::read_to_string(path).ok().as_deref() == Some(text.as_str()) {
            continue;
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        written += 1;
    }
    for p in &stale_extra {
        fs::remove_file(p).map_err(|e| format!("{}: {e}", p.display()))?;
    }
    println!(
        "{} files generated, {written} written, {} removed",
        expected.len(),
        stale_extra.len()
    );
    Ok(ExitCode::SUCCESS)
}

fn rel(root: &Path, p: &Path) -> String {
    p.strip_prefix(root).unwrap_or(p).display().to_string()
}

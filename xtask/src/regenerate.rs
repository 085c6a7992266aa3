//! `cargo xtask regenerate [--check]`: models/ → sdk/, the workspace's member and default-member
//! lists, and `SERVICES.md`.

use crate::workspace_root;
use rboto_codegen::{generate, Files, Model, ModelFiles, Settings};
use rboto_tests::model_files;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

const BEGIN: &str = "# BEGIN SDK MEMBERS";
const END: &str = "# END SDK MEMBERS";
const BEGIN_DEFAULT: &str = "# BEGIN SDK DEFAULT MEMBERS";
const END_DEFAULT: &str = "# END SDK DEFAULT MEMBERS";
/// The generated list of services and their crates, linked from the README.
const SERVICES_FILE: &str = "SERVICES.md";

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
fn expected_files(root: &Path) -> Result<BTreeMap<PathBuf, Vec<u8>>, String> {
    let models = root.join("models");
    let mut services: Vec<String> = fs::read_dir(&models)
        .map_err(|e| format!("{}: {e}", models.display()))?
        .filter_map(Result::ok)
        .filter(|e| model_files::locate(&e.path(), "service-2.json").is_some())
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    services.sort();
    let generated = generate_all(&models, &services)?;
    let mut out = BTreeMap::new();
    let mut listed = Vec::new();
    for (svc, (model, files)) in services.iter().zip(generated) {
        for (path, text) in files {
            out.insert(root.join("sdk").join(svc).join(path), text);
        }
        listed.push(ListedService::new(svc, &model));
    }
    out.extend(crate::fixtures::expected(root)?);
    let mut members = Vec::new();
    for path in out.keys() {
        if !path.ends_with("Cargo.toml") {
            continue;
        }
        if let Some(dir) = path.parent().and_then(|d| d.strip_prefix(root).ok()) {
            members.push(slash_path(dir));
        }
    }
    let cargo = root.join("Cargo.toml");
    let text = fs::read_to_string(&cargo).map_err(|e| format!("{}: {e}", cargo.display()))?;
    let text = replace_between(&text, BEGIN, END, &toml_list(&members))?;
    let defaults = default_generated_members(root, &text, &members)?;
    let text = replace_between(&text, BEGIN_DEFAULT, END_DEFAULT, &toml_list(&defaults))?;
    out.insert(cargo, text.into_bytes());
    out.insert(root.join(SERVICES_FILE), services_md(&listed).into_bytes());
    Ok(out)
}

/// One service's model and generated files.
type Generated = (Model, Files);

/// Generates every service, on all cores: the models are independent, and the results come
/// back in `services`' order, so the output does not depend on the thread count. The first
/// failing service (in that order) is the error.
fn generate_all(models: &Path, services: &[String]) -> Result<Vec<Generated>, String> {
    let threads = std::thread::available_parallelism()
        .map(usize::from)
        .unwrap_or(1)
        .min(services.len().max(1));
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<Result<Generated, String>>>> =
        services.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(svc) = services.get(i) else { break };
                let result = load_model(&models.join(svc), svc).and_then(|model| {
                    let settings = Settings {
                        model_label: format!("models/{svc}"),
                        ..Settings::default()
                    };
                    let files = generate(&model, &settings).map_err(|e| format!("{svc}: {e}"))?;
                    Ok((model, files))
                });
                *slots[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
            });
        }
    });
    slots
        .into_iter()
        .map(|slot| {
            slot.into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .unwrap_or_else(|| Err("a generator thread panicked".into()))
        })
        .collect()
}

/// `path` with `/` separators, as Cargo.toml and the docs spell it.
fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The body of a marker block inside a TOML array: one quoted entry per line.
fn toml_list(entries: &[String]) -> String {
    let mut body = String::from("\n");
    for entry in entries {
        body.push_str(&format!("    \"{entry}\",\n"));
    }
    body.push_str("    ");
    body
}

/// The generated crates (of `generated`, workspace-relative dirs) that a hand-written member
/// depends on by path: the ones a bare `cargo test` must build, so they join `default-members`
/// beside the hand-written crates. Every other generated crate is only type-checked, by CI's
/// `cargo check --workspace`.
fn default_generated_members(
    root: &Path,
    cargo: &str,
    generated: &[String],
) -> Result<Vec<String>, String> {
    let Some(b) = cargo.find(BEGIN) else {
        return Err(format!("Cargo.toml lacks the `{BEGIN}` marker"));
    };
    let members_start = cargo[..b].rfind("members = [").unwrap_or(0);
    let hand_written: Vec<&str> = cargo[members_start..b]
        .lines()
        .filter_map(|l| l.trim().strip_prefix('"')?.strip_suffix("\","))
        .collect();
    let mut out = Vec::new();
    for member in hand_written {
        let manifest = root.join(member).join("Cargo.toml");
        let text =
            fs::read_to_string(&manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
        for dep in path_dependencies(&text) {
            let dir = normalize(&format!("{member}/{dep}"));
            if generated.contains(&dir) && !out.contains(&dir) {
                out.push(dir);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Every `path = "…"` value of a manifest.
fn path_dependencies(manifest: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for line in manifest.lines() {
        let mut rest = line;
        while let Some(at) = rest.find("path = \"") {
            rest = &rest[at + "path = \"".len()..];
            if let Some(end) = rest.find('"') {
                out.push(&rest[..end]);
                rest = &rest[end..];
            }
        }
    }
    out
}

/// `a/b/../c` → `a/c`, `./a` → `a`.
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    parts.join("/")
}

/// One row of `SERVICES.md`.
struct ListedService {
    service: String,
    name: String,
    api_version: String,
}

impl ListedService {
    fn new(service: &str, model: &Model) -> Self {
        let meta = |key: &str| {
            model.service["metadata"][key]
                .as_str()
                .unwrap_or_default()
                .to_string()
        };
        ListedService {
            service: service.to_string(),
            name: meta("serviceFullName"),
            api_version: meta("apiVersion"),
        }
    }
}

/// `SERVICES.md`: how to depend on each generated crate.
fn services_md(services: &[ListedService]) -> String {
    let mut out = String::from(
        "<!-- @generated by `cargo xtask regenerate` from models/ — do not edit -->\n\
         # Services\n\n\
         Each service vendored in `models/` is a crate of this workspace: `rboto-<service>` in\n\
         `sdk/<service>/`, where `<service>` is botocore's name for it (its folder in\n\
         `models/`). To use one, depend on it and on the runtime, from a checkout by path or\n\
         straight from the repository by git (Cargo finds each crate by name in the workspace):\n\n\
         ```toml\n\
         [dependencies]\n\
         rboto = { path = \"../rboto/runtime\" }\n\
         rboto-s3 = { path = \"../rboto/sdk/s3\" }\n\
         # or: rboto-s3 = { git = \"<rboto repository url>\" }, likewise for rboto\n\
         ```\n\n\
         and call it as `rboto_s3::Client::new(&config)` (the crate name with `_` for `-`).\n\n",
    );
    out.push_str(&format!("{} services.\n\n", services.len()));
    out.push_str(
        "| service | crate | path | api version | name |\n| --- | --- | --- | --- | --- |\n",
    );
    for s in services {
        out.push_str(&format!(
            "| `{}` | `{}` | [`sdk/{}`](sdk/{}) | `{}` | {} |\n",
            s.service,
            rboto_codegen::crate_name(&s.service),
            s.service,
            s.service,
            s.api_version,
            s.name.replace('|', "\\|"),
        ));
    }
    out
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
            if fs::read(path).ok().as_ref() != Some(text) {
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
        if fs::read(path).ok().as_ref() == Some(text) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_dependencies_are_found_and_normalized() {
        let manifest = "[dependencies]\nrboto.workspace = true\nrboto-s3 = { path = \"../sdk/s3\" }\n\
                        [dev-dependencies]\nks = { path = \"generated/kitchen-sink\", version = \"1\" }\n";
        let deps = path_dependencies(manifest);
        assert_eq!(deps, ["../sdk/s3", "generated/kitchen-sink"]);
        assert_eq!(normalize("tests/../sdk/s3"), "sdk/s3");
        assert_eq!(
            normalize("tests/./generated/kitchen-sink"),
            "tests/generated/kitchen-sink"
        );
    }

    #[test]
    fn default_members_are_the_generated_crates_the_hand_written_ones_use() {
        let root = workspace_root();
        let cargo = fs::read_to_string(root.join("Cargo.toml")).unwrap();
        let generated = ["sdk/s3", "sdk/sso", "tests/generated/kitchen-sink"].map(String::from);
        let defaults = default_generated_members(&root, &cargo, &generated).unwrap();
        assert_eq!(defaults, ["sdk/s3", "tests/generated/kitchen-sink"]);
    }

    #[test]
    fn marker_blocks_are_replaced_in_place() {
        let text = "a = [\n    \"x\",\n    # B\n    \"old\",\n    # E\n]\n";
        let out = replace_between(text, "# B", "# E", &toml_list(&["new".into()])).unwrap();
        assert_eq!(
            out,
            "a = [\n    \"x\",\n    # B\n    \"new\",\n    # E\n]\n"
        );
    }
}

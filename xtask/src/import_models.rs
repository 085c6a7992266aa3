//! `cargo xtask import-models <botocore-data-dir> <service>...`: vendor botocore's models.
//!
//! For each service (a folder name under botocore's `data/`), the newest api-version folder that
//! holds a `service-2.json(.gz)` is chosen, the way botocore's loader picks the latest version
//! (api versions are ISO dates, so the lexically greatest name is the newest). From it these are
//! copied byte-for-byte (gzip-compressed files are decompressed) into `models/<service>/`:
//! `service-2.json`, `endpoint-rule-set-1.json` (both required), `paginators-1.json`,
//! `waiters-2.json` (where present) and every `*.sdk-extras.json` overlay. Model files left in
//! `models/<service>/` from an earlier import that the new version lacks are removed.
//!
//! The shared files `partitions.json`, `sdk-default-configuration.json` and `_retry.json` go to
//! the `models/` root. The api version of each service is recorded in a generated block of
//! `models/README.md`, together with the exact command that refreshes everything.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask import-models <botocore-data-dir> <service>...
  e.g. cargo xtask import-models /tmp/botocore/wheel/botocore/data s3 sts";

/// Files copied from botocore's data root into `models/`.
const ROOT_FILES: &[&str] = &[
    "partitions.json",
    "sdk-default-configuration.json",
    "_retry.json",
];

/// Per-service model files; `true` means the import fails without it.
const SERVICE_FILES: &[(&str, bool)] = &[
    ("service-2.json", true),
    ("endpoint-rule-set-1.json", true),
    ("paginators-1.json", false),
    ("waiters-2.json", false),
];

const OVERLAY_SUFFIX: &str = ".sdk-extras.json";

const README_BEGIN: &str =
    "<!-- BEGIN IMPORTED SERVICES (written by `cargo xtask import-models`) -->";
const README_END: &str = "<!-- END IMPORTED SERVICES -->";

pub fn run(args: &[String]) -> Result<ExitCode, String> {
    let (data_dir, services) = match args {
        [dir, services @ ..] if !services.is_empty() && !dir.starts_with('-') => {
            (PathBuf::from(dir), services)
        }
        _ => return Err(USAGE.to_string()),
    };
    let models = crate::workspace_root().join("models");
    let imported = import(&data_dir, services, &models)?;
    let version = botocore_version(&data_dir);
    update_readme(&models.join("README.md"), &version, &imported)?;
    for service in &imported {
        println!(
            "{:<16} {}  {}",
            service.name,
            service.api_version,
            service.files.join(" ")
        );
    }
    println!(
        "imported {} service(s) from botocore {version} into {}",
        imported.len(),
        models.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// What was imported for one service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ImportedService {
    name: String,
    pub(crate) api_version: String,
    /// File names written to `models/<service>/`, sorted.
    files: Vec<String>,
}

fn import(
    data_dir: &Path,
    services: &[String],
    models: &Path,
) -> Result<Vec<ImportedService>, String> {
    if !data_dir.is_dir() {
        return Err(format!(
            "botocore data directory {} does not exist or is not a directory",
            data_dir.display()
        ));
    }
    // Read everything first, so a bad service name leaves models/ untouched.
    let mut root = Vec::new();
    for name in ROOT_FILES {
        let bytes = read_model_file(data_dir, name)?.ok_or_else(|| {
            format!(
                "{} not found (nor {name}.gz)",
                data_dir.join(name).display()
            )
        })?;
        root.push((*name, bytes));
    }
    let mut planned = Vec::new();
    for service in services {
        planned.push(read_service(data_dir, service)?);
    }

    create_dir(models)?;
    for (name, bytes) in &root {
        write(&models.join(name), bytes)?;
    }
    let mut imported = Vec::new();
    for (service, files) in planned {
        let dir = models.join(&service.name);
        create_dir(&dir)?;
        remove_stale(&dir, &service.files)?;
        for (name, bytes) in &files {
            write(&dir.join(name), bytes)?;
        }
        imported.push(service);
    }
    Ok(imported)
}

/// A file to vendor: its name and (decompressed) contents.
type ModelFile = (String, Vec<u8>);

/// Reads the newest api version of one service: its description and its files' contents.
pub(crate) fn read_service(
    data_dir: &Path,
    name: &str,
) -> Result<(ImportedService, Vec<ModelFile>), String> {
    if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
        return Err(format!("invalid service name {name:?}"));
    }
    let service_dir = data_dir.join(name);
    if !service_dir.is_dir() {
        return Err(format!(
            "service {name:?}: {} does not exist (the name is botocore's folder name, e.g. sso-oidc)",
            service_dir.display()
        ));
    }
    let mut versions = Vec::new();
    for entry in read_dir(&service_dir)? {
        let path = entry.path();
        let has_model = ["service-2.json", "service-2.json.gz"]
            .iter()
            .any(|file| path.join(file).is_file());
        if path.is_dir() && has_model {
            versions.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    let api_version = versions.into_iter().max().ok_or_else(|| {
        format!(
            "service {name:?}: no api-version folder in {} contains service-2.json(.gz)",
            service_dir.display()
        )
    })?;
    let version_dir = service_dir.join(&api_version);

    let mut names: Vec<String> = Vec::new();
    for (file, required) in SERVICE_FILES {
        let present =
            version_dir.join(file).is_file() || version_dir.join(format!("{file}.gz")).is_file();
        if present {
            names.push(file.to_string());
        } else if *required {
            return Err(format!(
                "service {name:?}: {} not found (nor {file}.gz)",
                version_dir.join(file).display()
            ));
        }
    }
    for entry in read_dir(&version_dir)? {
        let file = entry.file_name().to_string_lossy().into_owned();
        let plain = file.strip_suffix(".gz").unwrap_or(&file);
        if plain.ends_with(OVERLAY_SUFFIX) && !names.iter().any(|n| n == plain) {
            names.push(plain.to_string());
        }
    }
    names.sort();

    let mut files = Vec::new();
    for file in &names {
        let bytes = read_model_file(&version_dir, file)?.ok_or_else(|| {
            format!(
                "{} disappeared while importing",
                version_dir.join(file).display()
            )
        })?;
        files.push((file.clone(), bytes));
    }
    let service = ImportedService {
        name: name.to_string(),
        api_version,
        files: names,
    };
    Ok((service, files))
}

/// Reads `dir/name`, or else `dir/name.gz` decompressed; `None` if neither exists. The content
/// must parse as JSON, so a truncated or corrupt download is caught here, not by the generator.
fn read_model_file(dir: &Path, name: &str) -> Result<Option<Vec<u8>>, String> {
    let plain = dir.join(name);
    let gz = dir.join(format!("{name}.gz"));
    let (path, bytes) = if plain.is_file() {
        let bytes =
            fs::read(&plain).map_err(|e| format!("cannot read {}: {e}", plain.display()))?;
        (plain, bytes)
    } else if gz.is_file() {
        let compressed = fs::read(&gz).map_err(|e| format!("cannot read {}: {e}", gz.display()))?;
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(compressed.as_slice())
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot decompress {}: {e}", gz.display()))?;
        (gz, bytes)
    } else {
        return Ok(None);
    };
    serde_json::from_slice::<serde_json::Value>(&bytes)
        .map_err(|e| format!("{} is not valid JSON: {e}", path.display()))?;
    Ok(Some(bytes))
}

/// Removes model files of an earlier import that this import does not write. Anything else in
/// the folder (hand-written patches, notes) is left alone.
fn remove_stale(dir: &Path, keep: &[String]) -> Result<(), String> {
    for entry in read_dir(dir)? {
        let file = entry.file_name().to_string_lossy().into_owned();
        let managed =
            SERVICE_FILES.iter().any(|(name, _)| *name == file) || file.ends_with(OVERLAY_SUFFIX);
        if managed && !keep.contains(&file) {
            let path = entry.path();
            fs::remove_file(&path)
                .map_err(|e| format!("cannot remove stale {}: {e}", path.display()))?;
        }
    }
    Ok(())
}

/// botocore's version from `<data>/../__init__.py`, or "unknown".
fn botocore_version(data_dir: &Path) -> String {
    let init = data_dir.join("..").join("__init__.py");
    fs::read_to_string(init)
        .ok()
        .and_then(|text| {
            text.lines().find_map(|line| {
                let rest = line
                    .trim()
                    .strip_prefix("__version__")?
                    .trim_start()
                    .strip_prefix('=')?;
                Some(rest.trim().trim_matches(['\'', '"']).to_string())
            })
        })
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "unknown".to_string())
}

/// Rewrites the generated block of `models/README.md`: one row per service (rows of services
/// not imported this time are kept) and the exact refresh command for all of them.
fn update_readme(path: &Path, version: &str, imported: &[ImportedService]) -> Result<(), String> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            format!("# Vendored botocore models\n\n{README_BEGIN}\n{README_END}\n")
        }
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let (Some(begin), Some(end)) = (text.find(README_BEGIN), text.find(README_END)) else {
        return Err(format!(
            "{} lacks the markers `{README_BEGIN}` and `{README_END}`",
            path.display()
        ));
    };
    if end < begin {
        return Err(format!(
            "{}: the generated-block markers are out of order",
            path.display()
        ));
    }
    let old_block = &text[begin + README_BEGIN.len()..end];

    let mut rows: BTreeMap<String, (String, String)> = BTreeMap::new();
    for line in old_block.lines() {
        let cells: Vec<&str> = line
            .trim()
            .trim_matches('|')
            .split('|')
            .map(str::trim)
            .collect();
        if let [service, api, files] = cells.as_slice() {
            let service = service.trim_matches('`');
            if !service.is_empty() && !service.starts_with('-') && service != "service" {
                rows.insert(
                    service.to_string(),
                    (api.trim_matches('`').to_string(), files.to_string()),
                );
            }
        }
    }
    for service in imported {
        let files = service
            .files
            .iter()
            .map(|f| format!("`{f}`"))
            .collect::<Vec<_>>()
            .join(", ");
        rows.insert(service.name.clone(), (service.api_version.clone(), files));
    }

    let services: Vec<&str> = rows.keys().map(String::as_str).collect();
    let mut block = String::new();
    block.push_str(&format!("\nImported from botocore {version}.\n\n"));
    block.push_str("| service | api version | files |\n| --- | --- | --- |\n");
    for (service, (api, files)) in &rows {
        block.push_str(&format!("| `{service}` | `{api}` | {files} |\n"));
    }
    block.push_str("\nRefresh (from the workspace root):\n\n```sh\n");
    block.push_str(&format!(
        "python3 -m pip download --no-deps --only-binary=:all: botocore=={version} -d /tmp/botocore\n"
    ));
    block.push_str(&format!(
        "python3 -m zipfile -e /tmp/botocore/botocore-{version}-py3-none-any.whl /tmp/botocore/wheel\n"
    ));
    block.push_str(&format!(
        "cargo xtask import-models /tmp/botocore/wheel/botocore/data {}\n",
        services.join(" ")
    ));
    block.push_str("```\n");

    let new = format!("{}{README_BEGIN}{block}{}", &text[..begin], &text[end..]);
    write(path, new.as_bytes())
}

fn read_dir(dir: &Path) -> Result<Vec<fs::DirEntry>, String> {
    fs::read_dir(dir)
        .and_then(|entries| entries.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("cannot list {}: {e}", dir.display()))
}

fn create_dir(dir: &Path) -> Result<(), String> {
    fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

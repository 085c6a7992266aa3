//! `cargo xtask import-models <botocore-data-dir> (<service>... | --all)`: vendor botocore's models.
//!
//! For each service (a folder name under botocore's `data/`; `--all`: every such folder), the
//! newest api-version folder that holds a `service-2.json(.gz)` is chosen, the way botocore's
//! loader picks the latest version (api versions are ISO dates, so the lexically greatest name is
//! the newest). From it these are copied byte for byte, as the wheel ships them (a `.json.gz`
//! stays compressed, a `.json` stays plain), into `models/<service>/`: `service-2.json`,
//! `endpoint-rule-set-1.json` (both required), `paginators-1.json`, `waiters-2.json` (where
//! present) and every `*.sdk-extras.json` overlay. Readers go through
//! [`rboto_tests::model_files`], which takes either form. Model files left in `models/<service>/`
//! from an earlier import that the new version lacks (including the other form of a file, plain
//! where botocore now ships it compressed) are removed.
//!
//! The shared files `partitions.json`, `sdk-default-configuration.json` and `_retry.json` go to
//! the `models/` root. The api version of each service is recorded in a generated block of
//! `models/README.md`, together with the exact command that refreshes everything.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rboto_tests::model_files;

const USAGE: &str = "usage: cargo xtask import-models <botocore-data-dir> (<service>... | --all)
  e.g. cargo xtask import-models /tmp/botocore/wheel/botocore/data s3 sts
       cargo xtask import-models /tmp/botocore/wheel/botocore/data --all";

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
    let (data_dir, services, all) = match args {
        [dir, flag] if flag == "--all" && !dir.starts_with('-') => {
            let dir = PathBuf::from(dir);
            let services = all_services(&dir)?;
            (dir, services, true)
        }
        [dir, services @ ..]
            if !services.is_empty()
                && !dir.starts_with('-')
                && !services.iter().any(|s| s.starts_with('-')) =>
        {
            (PathBuf::from(dir), services.to_vec(), false)
        }
        _ => return Err(USAGE.to_string()),
    };
    let models = crate::workspace_root().join("models");
    let imported = import(&data_dir, &services, &models)?;
    let version = botocore_version(&data_dir);
    let leftover = update_readme(&models.join("README.md"), &version, &imported, all)?;
    for service in &imported {
        println!(
            "{:<16} {}  {}",
            service.name,
            service.api_version,
            service.files.join(" ")
        );
    }
    for service in &leftover {
        eprintln!(
            "warning: {service} is vendored but not in {}: remove models/{service} by hand if botocore dropped it",
            data_dir.display()
        );
    }
    println!(
        "imported {} service(s) from botocore {version} into {}",
        imported.len(),
        models.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Every service of a botocore data directory: each folder with an api-version folder holding a
/// `service-2.json(.gz)`, sorted.
pub(crate) fn all_services(data_dir: &Path) -> Result<Vec<String>, String> {
    let mut services = Vec::new();
    for entry in read_dir(data_dir)? {
        let path = entry.path();
        if path.is_dir() && newest_version(&path)?.is_some() {
            services.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    services.sort();
    Ok(services)
}

/// The newest api-version folder of a service folder that holds a model, if any.
fn newest_version(service_dir: &Path) -> Result<Option<String>, String> {
    let mut versions = Vec::new();
    for entry in read_dir(service_dir)? {
        let path = entry.path();
        if path.is_dir() && model_files::locate(&path, "service-2.json").is_some() {
            versions.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    Ok(versions.into_iter().max())
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
        let path = model_files::locate(data_dir, name).ok_or_else(|| {
            format!(
                "{} not found (nor {name}.gz)",
                data_dir.join(name).display()
            )
        })?;
        let stored = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        root.push((stored, read_checked(&path)?));
    }
    let mut planned = Vec::new();
    for service in services {
        planned.push(read_service(data_dir, service)?);
    }

    create_dir(models)?;
    let root_names: Vec<String> = root.iter().map(|(n, _)| n.clone()).collect();
    for name in ROOT_FILES {
        for stored in [name.to_string(), format!("{name}.gz")] {
            let path = models.join(&stored);
            if !root_names.contains(&stored) && path.is_file() {
                fs::remove_file(&path)
                    .map_err(|e| format!("cannot remove stale {}: {e}", path.display()))?;
            }
        }
    }
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

/// A file to vendor: its name as stored (`service-2.json.gz`) and its bytes, unchanged.
pub(crate) type ModelFile = (String, Vec<u8>);

/// Reads the newest api version of one service: its description and its files' bytes.
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
    let api_version = newest_version(&service_dir)?.ok_or_else(|| {
        format!(
            "service {name:?}: no api-version folder in {} contains service-2.json(.gz)",
            service_dir.display()
        )
    })?;
    let version_dir = service_dir.join(&api_version);

    // Logical names (without `.gz`) of the files to vendor.
    let mut logical: Vec<String> = Vec::new();
    for (file, required) in SERVICE_FILES {
        if model_files::locate(&version_dir, file).is_some() {
            logical.push(file.to_string());
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
        if plain.ends_with(OVERLAY_SUFFIX) && !logical.iter().any(|n| n == plain) {
            logical.push(plain.to_string());
        }
    }

    let mut files = Vec::new();
    for file in &logical {
        let path = model_files::locate(&version_dir, file).ok_or_else(|| {
            format!(
                "{} disappeared while importing",
                version_dir.join(file).display()
            )
        })?;
        let bytes = read_checked(&path)?;
        let stored = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        files.push((stored, bytes));
    }
    files.sort();
    let service = ImportedService {
        name: name.to_string(),
        api_version,
        files: files.iter().map(|(n, _)| n.clone()).collect(),
    };
    Ok((service, files))
}

/// The bytes of `path`, unchanged, after checking that they (decompressed, for a `.gz`) parse as
/// JSON, so a truncated or corrupt download is caught here, not by the generator.
fn read_checked(path: &Path) -> Result<Vec<u8>, String> {
    let bytes = fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let text = model_files::decode(path, &bytes)?;
    serde_json::from_str::<serde_json::Value>(&text)
        .map_err(|e| format!("{} is not valid JSON: {e}", path.display()))?;
    Ok(bytes)
}

/// Removes model files of an earlier import that this import does not write, in either form
/// (`x.json` or `x.json.gz`). Anything else in the folder (hand-written patches, notes) is left
/// alone.
fn remove_stale(dir: &Path, keep: &[String]) -> Result<(), String> {
    for entry in read_dir(dir)? {
        let file = entry.file_name().to_string_lossy().into_owned();
        let plain = file.strip_suffix(".gz").unwrap_or(&file);
        let managed =
            SERVICE_FILES.iter().any(|(name, _)| *name == plain) || plain.ends_with(OVERLAY_SUFFIX);
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
/// not imported this time are kept) and the exact refresh command for all of them: `--all` when
/// this import was `--all` and no other service is vendored, else every service by name. Returns
/// the services kept from earlier rows that an `--all` import did not find.
fn update_readme(
    path: &Path,
    version: &str,
    imported: &[ImportedService],
    all: bool,
) -> Result<Vec<String>, String> {
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
    let leftover: Vec<String> = if all {
        rows.keys()
            .filter(|name| !imported.iter().any(|s| &s.name == *name))
            .cloned()
            .collect()
    } else {
        Vec::new()
    };
    let selection = if all && leftover.is_empty() {
        "--all".to_string()
    } else {
        services.join(" ")
    };
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
        "cargo xtask import-models /tmp/botocore/wheel/botocore/data {selection}\n"
    ));
    block.push_str("```\n");

    block.push_str(&format!("\n{} services.\n", rows.len()));
    let new = format!("{}{README_BEGIN}{block}{}", &text[..begin], &text[end..]);
    write(path, new.as_bytes())?;
    Ok(leftover)
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

#[cfg(test)]
mod tests {
    use super::*;
    use rboto_tests::scratch::ScratchDir;
    use std::io::Write as _;

    fn gzip(text: &str) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(text.as_bytes()).unwrap();
        encoder.finish().unwrap()
    }

    fn put(path: &Path, bytes: &[u8]) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }

    /// A botocore-like tree: `<dir>/botocore/__init__.py` and `<dir>/botocore/data/`, with
    /// `alpha` (two api versions, compressed model and rules, plain paginators and overlay),
    /// `beta` (one version) and `docs` (a folder without any model).
    fn fake_botocore(dir: &Path) -> PathBuf {
        let data = dir.join("botocore/data");
        put(
            &dir.join("botocore/__init__.py"),
            b"__version__ = '9.8.7'\n",
        );
        for name in ROOT_FILES {
            put(&data.join(name), b"{\"root\": true}\n");
        }
        let old = data.join("alpha/2019-01-01");
        put(&old.join("service-2.json.gz"), &gzip("{\"old\": 1}"));
        let new = data.join("alpha/2021-06-30");
        put(&new.join("service-2.json.gz"), &gzip("{\"new\": 2}"));
        put(
            &new.join("endpoint-rule-set-1.json.gz"),
            &gzip("{\"rules\": 3}"),
        );
        put(&new.join("paginators-1.json"), b"{\"pagination\": {}}");
        put(
            &new.join("paginators-1.sdk-extras.json"),
            b"{\"version\": 1.0}",
        );
        put(&new.join("examples-1.json"), b"{}");
        let beta = data.join("beta/2020-02-02");
        put(&beta.join("service-2.json"), b"{\"plain\": 4}");
        put(&beta.join("endpoint-rule-set-1.json.gz"), &gzip("{}"));
        put(&beta.join("waiters-2.json"), b"{\"waiters\": {}}");
        fs::create_dir_all(data.join("docs/nothing")).unwrap();
        data
    }

    #[test]
    fn vendors_the_newest_version_byte_for_byte_as_shipped() {
        let tmp = ScratchDir::new("rboto-import", "bytes", &[]).unwrap();
        let data = fake_botocore(&tmp);
        let models = tmp.join("models");
        let imported = import(&data, &["alpha".to_string()], &models).unwrap();
        assert_eq!(imported[0].api_version, "2021-06-30");
        assert_eq!(
            imported[0].files,
            [
                "endpoint-rule-set-1.json.gz",
                "paginators-1.json",
                "paginators-1.sdk-extras.json",
                "service-2.json.gz"
            ]
        );
        let src = data.join("alpha/2021-06-30");
        for file in &imported[0].files {
            assert_eq!(
                fs::read(models.join("alpha").join(file)).unwrap(),
                fs::read(src.join(file)).unwrap(),
                "{file} differs from botocore's"
            );
        }
        assert!(!models.join("alpha/examples-1.json").exists());
        assert!(models.join("partitions.json").is_file());
        // Readers see the compressed model as JSON text.
        let text = model_files::read(&models.join("alpha"), "service-2.json").unwrap();
        assert_eq!(text.as_deref(), Some("{\"new\": 2}"));
    }

    #[test]
    fn reimport_removes_the_other_form_and_dropped_files_but_keeps_patches() {
        let tmp = ScratchDir::new("rboto-import", "stale", &[]).unwrap();
        let data = fake_botocore(&tmp);
        let models = tmp.join("models");
        // An import from before models stayed compressed, and a hand-written patch.
        put(
            &models.join("alpha/service-2.json"),
            b"{\"decompressed\": 0}",
        );
        put(&models.join("alpha/waiters-2.json"), b"{}");
        put(&models.join("alpha/notes.md"), b"mine");
        import(&data, &["alpha".to_string()], &models).unwrap();
        assert!(!models.join("alpha/service-2.json").exists());
        assert!(!models.join("alpha/waiters-2.json").exists());
        assert!(models.join("alpha/service-2.json.gz").is_file());
        assert!(models.join("alpha/notes.md").is_file());
    }

    #[test]
    fn all_finds_every_service_with_a_model() {
        let tmp = ScratchDir::new("rboto-import", "all", &[]).unwrap();
        let data = fake_botocore(&tmp);
        assert_eq!(all_services(&data).unwrap(), ["alpha", "beta"]);
    }

    #[test]
    fn bad_input_leaves_models_untouched() {
        let tmp = ScratchDir::new("rboto-import", "bad", &[]).unwrap();
        let data = fake_botocore(&tmp);
        let models = tmp.join("models");
        let err = import(&data, &["alpha".into(), "nope".into()], &models).unwrap_err();
        assert!(err.contains("\"nope\""), "{err}");
        put(
            &data.join("beta/2020-02-02/endpoint-rule-set-1.json.gz"),
            b"truncated",
        );
        let err = import(&data, &["beta".into()], &models).unwrap_err();
        assert!(err.contains("endpoint-rule-set-1.json.gz"), "{err}");
        assert!(!models.exists());
    }

    #[test]
    fn readme_block_lists_services_and_the_refresh_command() {
        let tmp = ScratchDir::new("rboto-import", "readme", &[]).unwrap();
        let data = fake_botocore(&tmp);
        let models = tmp.join("models");
        let readme = models.join("README.md");
        let services = all_services(&data).unwrap();
        let imported = import(&data, &services[..1], &models).unwrap();
        put(
            &readme,
            format!("intro\n{README_BEGIN}\n{README_END}\noutro\n").as_bytes(),
        );
        let version = botocore_version(&data);
        assert_eq!(version, "9.8.7");
        update_readme(&readme, &version, &imported, false).unwrap();
        let text = fs::read_to_string(&readme).unwrap();
        assert!(
            text.starts_with("intro\n") && text.ends_with("outro\n"),
            "{text}"
        );
        assert!(text.contains("import-models /tmp/botocore/wheel/botocore/data alpha\n"));
        assert!(text.contains(
            "| `alpha` | `2021-06-30` | `endpoint-rule-set-1.json.gz`, `paginators-1.json`, \
             `paginators-1.sdk-extras.json`, `service-2.json.gz` |"
        ));

        let imported = import(&data, &services, &models).unwrap();
        let leftover = update_readme(&readme, &version, &imported, true).unwrap();
        assert!(leftover.is_empty());
        let text = fs::read_to_string(&readme).unwrap();
        assert!(text.contains("import-models /tmp/botocore/wheel/botocore/data --all\n"));
        assert!(text.contains("| `beta` | `2020-02-02` |"));
        assert!(text.contains("\n2 services.\n"));
        // Deterministic: the same import writes the same block.
        update_readme(&readme, &version, &imported, true).unwrap();
        assert_eq!(fs::read_to_string(&readme).unwrap(), text);
    }
}

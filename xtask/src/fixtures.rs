//! Fixture models under `tests/fixtures/<name>/model.json`, generated into
//! `tests/generated/<name>/` so their output is checked in, compiled and snapshot-tested.

use rboto_codegen::{generate, Model, ModelFiles, Settings};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

pub fn owned_dirs(root: &Path) -> Vec<PathBuf> {
    vec![root.join("tests").join("generated")]
}

pub fn expected(root: &Path) -> Result<BTreeMap<PathBuf, Vec<u8>>, String> {
    let dir = root.join("tests").join("fixtures");
    let mut out = BTreeMap::new();
    let Ok(entries) = fs::read_dir(&dir) else {
        return Ok(out);
    };
    let mut names: Vec<String> = entries
        .flatten()
        .filter(|e| e.path().join("model.json").is_file())
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    names.sort();
    for name in names {
        let path = dir.join(&name).join("model.json");
        let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let files = ModelFiles {
            service: &text,
            ..ModelFiles::default()
        };
        let model = Model::from_files(&name, &files).map_err(|e| e.to_string())?;
        let settings = Settings {
            runtime_path: "../../../runtime".into(),
            model_label: format!("tests/fixtures/{name}/model.json"),
            ..Settings::default()
        };
        for (p, t) in generate(&model, &settings).map_err(|e| e.to_string())? {
            out.insert(root.join("tests").join("generated").join(&name).join(p), t);
        }
    }
    Ok(out)
}

/// Every file below `dir`, recursively (none when it cannot be read).
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

//! Reading botocore model files as they are stored: `models/<service>/` keeps each file exactly
//! as botocore's wheel ships it, so `service-2.json` and `endpoint-rule-set-1.json` are there as
//! `service-2.json.gz` and `endpoint-rule-set-1.json.gz`, the other files plain. Everything that
//! reads a model file (the xtask's regenerate, sweep and import, the conformance runners) goes
//! through here, so none of them cares which form a file has.

use std::fs;
use std::io::Read as _;
use std::path::{Path, PathBuf};

/// Where `name` (e.g. `service-2.json`) is stored in `dir`: `dir/name`, else `dir/name.gz`;
/// `None` if neither is a file.
pub fn locate(dir: &Path, name: &str) -> Option<PathBuf> {
    [dir.join(name), dir.join(format!("{name}.gz"))]
        .into_iter()
        .find(|path| path.is_file())
}

/// The text of `name` in `dir`, decompressed if stored as `name.gz`; `None` if neither exists.
pub fn read(dir: &Path, name: &str) -> Result<Option<String>, String> {
    locate(dir, name).map(|path| read_path(&path)).transpose()
}

/// The text of the file at `path`, gunzipped when its name ends in `.gz`.
pub fn read_path(path: &Path) -> Result<String, String> {
    let bytes = fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    decode(path, &bytes)
}

/// `bytes` (the content of `path`) as text: gunzipped when `path` ends in `.gz`.
pub fn decode(path: &Path, bytes: &[u8]) -> Result<String, String> {
    let bytes = if path.extension().is_some_and(|ext| ext == "gz") {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes)
            .read_to_end(&mut out)
            .map_err(|e| format!("cannot decompress {}: {e}", path.display()))?;
        out
    } else {
        bytes.to_vec()
    };
    String::from_utf8(bytes).map_err(|e| format!("{} is not UTF-8: {e}", path.display()))
}

/// The raw bytes of `name` in `dir` as stored (gzipped or not), `None` if neither form exists.
pub fn raw(dir: &Path, name: &str) -> Option<Vec<u8>> {
    locate(dir, name).and_then(|path| fs::read(path).ok())
}

/// The service `service` of `models/`, read at run time by the dynamic client from its files
/// as stored (gzipped ones included), overlays and all.
pub fn dynamic_model(service: &str) -> Result<rboto::dynamic::Model, String> {
    let dir = crate::moto::workspace_root().join("models").join(service);
    let file = |name: &str| raw(&dir, name);
    let service_file = file("service-2.json").ok_or_else(|| format!("no model for {service}"))?;
    let (extras, rules, pages, page_extras, waiters) = (
        file("service-2.sdk-extras.json"),
        file("endpoint-rule-set-1.json"),
        file("paginators-1.json"),
        file("paginators-1.sdk-extras.json"),
        file("waiters-2.json"),
    );
    let docs = rboto::dynamic::Documents {
        service: &service_file,
        service_extras: extras.as_deref(),
        endpoint_rules: rules.as_deref(),
        paginators: pages.as_deref(),
        paginators_extras: page_extras.as_deref(),
        waiters: waiters.as_deref(),
    };
    rboto::dynamic::Model::from_parts(service, &docs).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scratch::ScratchDir;
    use std::io::Write as _;

    fn gzip(text: &str) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(text.as_bytes()).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn reads_plain_and_gzip_alike_and_prefers_plain() {
        let dir = ScratchDir::new("rboto-model-files", "read", &[]).unwrap();
        fs::write(dir.join("a.json"), "{\"plain\":1}").unwrap();
        fs::write(dir.join("b.json.gz"), gzip("{\"gz\":2}")).unwrap();
        fs::write(dir.join("c.json"), "plain wins").unwrap();
        fs::write(dir.join("c.json.gz"), gzip("gz loses")).unwrap();
        assert_eq!(
            read(&dir, "a.json").unwrap().as_deref(),
            Some("{\"plain\":1}")
        );
        assert_eq!(read(&dir, "b.json").unwrap().as_deref(), Some("{\"gz\":2}"));
        assert_eq!(read(&dir, "c.json").unwrap().as_deref(), Some("plain wins"));
        assert_eq!(read(&dir, "missing.json").unwrap(), None);
        assert_eq!(locate(&dir, "b.json"), Some(dir.join("b.json.gz")));
    }

    #[test]
    fn corrupt_gzip_is_an_error_naming_the_file() {
        let dir = ScratchDir::new("rboto-model-files", "corrupt", &[]).unwrap();
        fs::write(dir.join("bad.json.gz"), b"not gzip").unwrap();
        let err = read(&dir, "bad.json").unwrap_err();
        assert!(err.contains("bad.json.gz"), "{err}");
    }
}

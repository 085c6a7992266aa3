//! The runtime's model reader (`rboto::model`) against the vendored botocore models.
//!
//! A generated crate embeds its model without documentation (`sdk/<service>/model.json.lz4`,
//! packed) and the runtime builds the crate's schema from it. For every generated service this
//! builds the schema twice, from the model as botocore ships it (with its `sdk-extras` overlay)
//! and from the embedded copy, and requires the two to describe the same service shape for
//! shape: so nothing the runtime reads was stripped. It also requires every operation to be
//! found by name, as generated inputs find theirs.

use rboto::__private::schema::LazyService;
use rboto_tests::schema_dump::describe;
use std::io::Read as _;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// A model file, plain or gzipped.
fn read(dir: &Path, name: &str) -> Option<String> {
    if let Ok(text) = std::fs::read_to_string(dir.join(name)) {
        return Some(text);
    }
    let gz = std::fs::read(dir.join(format!("{name}.gz"))).ok()?;
    let mut text = String::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_string(&mut text)
        .expect("gzip model");
    Some(text)
}

#[test]
fn embedded_models_read_as_the_vendored_models_do() {
    let root = root();
    let mut checked = 0;
    let mut entries: Vec<_> = std::fs::read_dir(root.join("sdk"))
        .expect("sdk/")
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for crate_dir in entries {
        let name = crate_dir.file_name().unwrap().to_string_lossy().to_string();
        let Ok(embedded) = std::fs::read(crate_dir.join(rboto_codegen::MODEL_FILE)) else {
            continue;
        };
        let dir = root.join("models").join(&name);
        let service = read(&dir, "service-2.json").expect("vendored model");
        let extras = read(&dir, "service-2.sdk-extras.json");
        let files = rboto_codegen::ModelFiles {
            service: &service,
            service_extras: extras.as_deref(),
            ..Default::default()
        };
        let model = rboto_codegen::Model::from_files(&name, &files).expect("model");
        let full = serde_json::to_string(&model.service).unwrap();
        let name: &'static str = Box::leak(name.into_boxed_str());
        let from_full = rboto::model::build(name, &full, "").expect("vendored model reads");
        let embedded: &'static [u8] = Box::leak(embedded.into_boxed_slice());
        let lazy = Box::leak(Box::new(LazyService::new(name, embedded, &[])));
        let from_embedded = lazy.get();
        assert_eq!(from_embedded.name, name, "{name}: the embedded model reads");
        let ops = model.operations().unwrap();
        assert_eq!(from_embedded.operations.len(), ops.len(), "{name}");
        for op in ops.keys() {
            assert!(
                from_embedded.operation(op).is_some(),
                "{name}: {op} not found"
            );
        }
        let (a, b) = (describe(from_full), describe(from_embedded));
        for (key, want) in &a {
            assert_eq!(b.get(key), Some(want), "{name}: {key}");
        }
        assert_eq!(a.len(), b.len(), "{name}");
        checked += 1;
    }
    assert!(checked >= 40, "only {checked} generated services found");
}

#[test]
fn broken_models_are_errors_not_panics() {
    for (text, what) in [
        ("{", "EOF"),
        (
            r#"{"metadata":{},"operations":{},"shapes":{"A":{"type":"structure","members":{"b":{"shape":"Missing"}}}}}"#,
            "unknown shape `Missing`",
        ),
        (
            r#"{"metadata":{},"operations":{},"shapes":{"A":{"type":"list","member":{}}}}"#,
            "has no shape",
        ),
    ] {
        let err = rboto::model::build("broken", text, "").expect_err(text);
        assert!(err.to_string().contains(what), "{err}");
        assert!(
            err.to_string().starts_with("invalid service model: broken"),
            "{err}"
        );
    }
    // A recursive shape refers to itself through the built schema.
    let svc = rboto::model::build(
        "recursive",
        r#"{"metadata":{"protocol":"json"},"operations":{"Op":{"name":"Op","input":{"shape":"Node"}}},
            "shapes":{"Node":{"type":"structure","members":{"Next":{"shape":"Node"},"Name":{"shape":"S"}}},
                      "S":{"type":"string"}}}"#,
        "",
    )
    .expect("reads");
    let node = svc.operation("Op").unwrap().input;
    assert_eq!(node.members()[0].target().name, "Node");
    assert!(std::ptr::eq(node.members()[0].target(), node));
}

//! Packs every service model under `../models/<service>/` into one archive the binary embeds
//! (`include_bytes!`), with a sorted index so a command finds and decompresses only its own
//! service's documents (a binary search, no work per service at startup).
//!
//! Each document is stored gzip-compressed: botocore's `.json.gz` files as they are, plain JSON
//! compressed here. A `*.sdk-extras.json` overlay is merged into its document first, the way
//! botocore's loader applies it.

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The documents kept per service, in index order.
const DOCUMENTS: [&str; 4] = [
    "service-2",
    "endpoint-rule-set-1",
    "paginators-1",
    "waiters-2",
];

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let models = manifest.join("../models");
    println!("cargo:rerun-if-changed={}", models.display());
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it"));

    let mut services: Vec<String> = std::fs::read_dir(&models)
        .expect("models/ is readable")
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.path().join("service-2.json.gz").exists() || e.path().join("service-2.json").exists()
        })
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    services.sort();

    let mut archive: Vec<u8> = Vec::new();
    let mut index = String::from("pub(crate) static INDEX: &[(&str, [(u32, u32); 4])] = &[\n");
    for service in &services {
        let dir = models.join(service);
        let mut slots = [(0u32, 0u32); 4];
        for (i, doc) in DOCUMENTS.iter().enumerate() {
            if let Some(bytes) = document(&dir, doc) {
                let offset = u32::try_from(archive.len()).expect("archive under 4 GiB");
                archive.extend_from_slice(&bytes);
                slots[i] = (
                    offset,
                    u32::try_from(bytes.len()).expect("document under 4 GiB"),
                );
            }
        }
        writeln!(index, "    ({service:?}, {slots:?}),").expect("writing to a String");
    }
    index.push_str("];\n");
    std::fs::write(out.join("models.bin"), &archive).expect("OUT_DIR is writable");
    std::fs::write(out.join("models_index.rs"), index).expect("OUT_DIR is writable");
}

/// The gzip bytes of `dir/<name>.json[.gz]` with its `sdk-extras` overlay merged, if present.
fn document(dir: &Path, name: &str) -> Option<Vec<u8>> {
    let gz = dir.join(format!("{name}.json.gz"));
    let plain = dir.join(format!("{name}.json"));
    let extras = dir.join(format!("{name}.sdk-extras.json"));
    let (text, gz_bytes) = if gz.exists() {
        let bytes = std::fs::read(&gz).expect("model file is readable");
        if !extras.exists() {
            return Some(bytes);
        }
        let mut text = Vec::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_end(&mut text)
            .expect("model .gz decompresses");
        (text, Some(bytes))
    } else if plain.exists() {
        (std::fs::read(&plain).expect("model file is readable"), None)
    } else {
        return None;
    };
    let text = if extras.exists() {
        let mut base: serde_json::Value = serde_json::from_slice(&text).expect("model is JSON");
        let overlay: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&extras).expect("extras readable"))
                .expect("extras are JSON");
        if let Some(merge) = overlay.get("merge") {
            rboto_model::merge::deep_merge(&mut base, merge);
        }
        serde_json::to_vec(&base).expect("JSON serialises")
    } else {
        let _ = gz_bytes;
        text
    };
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(&text).expect("compressing to memory");
    Some(encoder.finish().expect("compressing to memory"))
}

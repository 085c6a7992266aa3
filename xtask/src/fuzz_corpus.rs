//! The fuzz targets' seed corpus, `tests/fuzz/corpus/<target>/suite-*`: every response of
//! botocore's protocol suites (`tests/data/protocol-tests/output/`) as the input its protocol's
//! fuzz target reads, a selector byte and then the body (see `tests/fuzz/src/lib.rs`).
//!
//! `cargo xtask fuzz-corpus [--check]` writes (or checks) the corpus. `tests/tests/fuzz_replay.rs`
//! compiles this file too and fails when the committed corpus differs from what it generates.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::Value;

/// Prefix of the generated seed files. Other files in a corpus directory (inputs a fuzzer found
/// and someone kept as a regression seed) are replayed but not managed here.
pub const PREFIX: &str = "suite-";

/// Selector bits the fuzz targets read (`tests/fuzz/src/lib.rs`): the response is an error; the
/// body's first line is a header value; the query target reads EC2 rather than STS.
const ERROR: u8 = 0x40;
const HEADER_LINE: u8 = 0x80;
const EC2: u8 = 0x20;
/// The low bits pick the operation (modulo the target's operation count): seeds rotate through
/// them so every operation of a target sees suite bodies.
const OPERATION_BITS: u8 = 0x1f;

/// Each suite file, the fuzz target whose parser reads that protocol, and its fixed selector bits.
const SOURCES: &[(&str, &str, u8)] = &[
    ("json.json", "json", 0),
    ("json_1_0.json", "json", 0),
    ("json_1_0-query-compatible.json", "json", 0),
    ("query.json", "query", 0),
    ("ec2.json", "query", EC2),
    ("rest-xml.json", "rest_xml", 0),
    ("rest-json.json", "rest_json", 0),
    ("smithy-rpc-v2-cbor.json", "cbor", 0),
    ("smithy-rpc-v2-cbor-query-compatible.json", "cbor", 0),
    ("smithy-rpc-v2-cbor-non-query-compatible.json", "cbor", 0),
];

/// Targets whose operations bind response headers, so suite headers are worth a seed of their own.
const HEADER_TARGETS: &[&str] = &["rest_xml", "rest_json"];

/// Headers every response of a protocol carries; they say nothing about header bindings.
const PLAIN_HEADERS: &[&str] = &["content-type", "content-length", "smithy-protocol"];

/// `tests/fuzz/corpus`.
pub fn corpus_dir(root: &Path) -> PathBuf {
    root.join("tests").join("fuzz").join("corpus")
}

/// Every generated seed file (path under [`corpus_dir`]) with its bytes.
pub fn expected(root: &Path) -> Result<BTreeMap<PathBuf, Vec<u8>>, String> {
    let suites = root
        .join("tests")
        .join("data")
        .join("protocol-tests")
        .join("output");
    check_sources(&suites)?;
    let corpus = corpus_dir(root);
    let mut out = BTreeMap::new();
    // A body already seeded for a target with the same flags exercises nothing new.
    let mut seen: BTreeSet<(&str, u8, Vec<u8>)> = BTreeSet::new();
    for &(file, target, bits) in SOURCES {
        let path = suites.join(file);
        let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let groups: Vec<Value> =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let stem = file.trim_end_matches(".json");
        let cases = groups
            .iter()
            .flat_map(|g| g["cases"].as_array().into_iter().flatten());
        for (index, case) in cases.enumerate() {
            let response = &case["response"];
            let body = body_bytes(response, target == "cbor")
                .map_err(|e| format!("{file} case {index}: {e}"))?;
            let mut flags = bits;
            if case.get("error").is_some() || case.get("errorCode").is_some() {
                flags |= ERROR;
            }
            let name = format!("{PREFIX}{stem}-{index:03}-{}", slug(&case["id"]));
            let mut seeds = vec![(flags, body.clone(), name.clone())];
            if HEADER_TARGETS.contains(&target) {
                if let Some(value) = bound_header_value(response) {
                    let mut data = value.into_bytes();
                    data.push(b'\n');
                    data.extend_from_slice(&body);
                    seeds.push((flags | HEADER_LINE, data, format!("{name}-header")));
                }
            }
            for (flags, data, name) in seeds {
                if !seen.insert((target, flags, data.clone())) {
                    continue;
                }
                let selector = (index as u8 & OPERATION_BITS) | flags;
                let mut seed = vec![selector];
                seed.extend_from_slice(&data);
                out.insert(corpus.join(target).join(name), seed);
            }
        }
    }
    Ok(out)
}

/// Differences between the committed corpus and [`expected`]: missing or changed seeds, and
/// generated-looking files that nothing generates any more.
pub fn stale(root: &Path) -> Result<Vec<String>, String> {
    let expected = expected(root)?;
    let mut problems: Vec<String> = expected
        .iter()
        .filter(|(path, bytes)| fs::read(path).ok().as_deref() != Some(bytes.as_slice()))
        .map(|(path, _)| format!("missing or changed: {}", relative(root, path)))
        .collect();
    for path in generated_files(root) {
        if !expected.contains_key(&path) {
            problems.push(format!("generated by nothing: {}", relative(root, &path)));
        }
    }
    Ok(problems)
}

/// `cargo xtask fuzz-corpus [--check]`.
pub fn run(root: &Path, args: &[String]) -> Result<ExitCode, String> {
    match args {
        [] => {
            for path in generated_files(root) {
                fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            }
            let expected = expected(root)?;
            for (path, bytes) in &expected {
                if let Some(dir) = path.parent() {
                    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
                }
                fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
            }
            println!(
                "wrote {} seeds under {}",
                expected.len(),
                relative(root, &corpus_dir(root))
            );
            Ok(ExitCode::SUCCESS)
        }
        [flag] if flag == "--check" => {
            let problems = stale(root)?;
            for problem in &problems {
                eprintln!("{problem}");
            }
            if problems.is_empty() {
                println!("fuzz corpus is up to date");
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!("fuzz corpus is stale: run `cargo xtask fuzz-corpus`");
                Ok(ExitCode::FAILURE)
            }
        }
        _ => Err("usage: cargo xtask fuzz-corpus [--check]".into()),
    }
}

/// Every suite file is a source and every source a suite file, so a new suite cannot go unseeded.
fn check_sources(suites: &Path) -> Result<(), String> {
    let present: BTreeSet<String> = fs::read_dir(suites)
        .map_err(|e| format!("{}: {e}", suites.display()))?
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|name| name.ends_with(".json"))
        .collect();
    let known: BTreeSet<String> = SOURCES.iter().map(|s| s.0.to_string()).collect();
    if present != known {
        return Err(format!(
            "protocol suites {present:?} differ from the fuzz corpus sources {known:?}: \
             update SOURCES in xtask/src/fuzz_corpus.rs"
        ));
    }
    Ok(())
}

fn body_bytes(response: &Value, base64: bool) -> Result<Vec<u8>, String> {
    let text = response["body"].as_str().unwrap_or_default();
    if !base64 {
        return Ok(text.as_bytes().to_vec());
    }
    rboto::protocol::xml::decode_base64(text)
        .map(|blob| blob.as_bytes().to_vec())
        .ok_or_else(|| format!("body is not base64: {text:?}"))
}

/// The value of the response's first header (by lower-cased name) that a member may bind.
fn bound_header_value(response: &Value) -> Option<String> {
    let headers = response["headers"].as_object()?;
    headers
        .iter()
        .map(|(name, value)| (name.to_ascii_lowercase(), value))
        .filter(|(name, _)| !PLAIN_HEADERS.contains(&name.as_str()))
        .min_by(|a, b| a.0.cmp(&b.0))
        .and_then(|(_, value)| value.as_str().map(str::to_string))
}

/// A case id as a short file-name part.
fn slug(id: &Value) -> String {
    let text: String = id
        .as_str()
        .unwrap_or("case")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .take(48)
        .collect();
    text
}

fn generated_files(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(targets) = fs::read_dir(corpus_dir(root)) else {
        return files;
    };
    for target in targets.flatten() {
        let Ok(entries) = fs::read_dir(target.path()) else {
            continue;
        };
        files.extend(
            entries
                .flatten()
                .filter(|e| e.file_name().to_string_lossy().starts_with(PREFIX))
                .map(|e| e.path()),
        );
    }
    files.sort();
    files
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

//! The fuzz targets' seed corpus, `tests/fuzz/corpus/<target>/`:
//! - `suite-*`: every response of botocore's protocol suites (`tests/data/protocol-tests/output/`)
//!   as the input its protocol's fuzz target reads, a selector byte and then the body (see
//!   `tests/fuzz/src/lib.rs`), and every file of the profile-parser suite
//!   (`tests/data/aws-config/profile-parser-tests.json`) for the `profile` target;
//! - `built-*`: what no suite has: event streams of the four services the `event_stream` target
//!   reads, and config files as people write them.
//!
//! The mutation test (`tests/tests/mutation.rs`) mutates the same files.
//!
//! `cargo xtask fuzz-corpus [--check]` writes (or checks) the corpus. `tests/tests/fuzz_replay.rs`
//! compiles this file too and fails when the committed corpus differs from what it generates.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::Value;

/// Prefix of the seed files taken from a suite. Files with neither prefix in a corpus directory
/// (inputs a fuzzer found and someone kept as a regression seed) are replayed but not managed
/// here.
pub const PREFIX: &str = "suite-";
/// Prefix of the seed files built here rather than taken from a suite.
pub const BUILT: &str = "built-";

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
    profile_suite_seeds(root, &corpus, &mut out)?;
    for (name, stream) in event_streams() {
        out.insert(
            corpus.join("event_stream").join(format!("{BUILT}{name}")),
            stream,
        );
    }
    for (name, text) in CONFIG_FILES {
        let path = corpus.join("profile").join(format!("{BUILT}{name}"));
        out.insert(path, text.as_bytes().to_vec());
    }
    Ok(out)
}

/// Every config and credentials file of the profile-parser suite, once each.
fn profile_suite_seeds(
    root: &Path,
    corpus: &Path,
    out: &mut BTreeMap<PathBuf, Vec<u8>>,
) -> Result<(), String> {
    let path = root.join("tests/data/aws-config/profile-parser-tests.json");
    let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let suite: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let cases = suite["tests"]
        .as_array()
        .ok_or_else(|| format!("{}: no `tests` list", path.display()))?;
    let mut seen = BTreeSet::new();
    for (index, case) in cases.iter().enumerate() {
        for (file, kind) in [("configFile", "config"), ("credentialsFile", "credentials")] {
            let Some(text) = case["input"][file].as_str() else {
                continue;
            };
            if seen.insert(text) {
                let name = format!("{PREFIX}profile-{index:03}-{}-{kind}", slug(&case["name"]));
                out.insert(corpus.join("profile").join(name), text.as_bytes().to_vec());
            }
        }
    }
    Ok(())
}

/// Config files as people write them, beside the suite's small cases: assumed roles with MFA,
/// SSO sessions, services sections with nested settings, credentials with comments and CRLF
/// line ends with a credential process.
const CONFIG_FILES: &[(&str, &str)] = &[
    (
        "assume-role",
        "[default]\nregion = us-west-2\noutput = json\n\n[profile dev]\nrole_arn = \
         arn:aws:iam::123456789012:role/dev\nsource_profile = default\nmfa_serial = \
         arn:aws:iam::123456789012:mfa/me\nduration_seconds = 3600\n",
    ),
    (
        "sso-session",
        "[profile sso]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = \
         Admin\nregion = eu-west-1\n\n[sso-session corp]\nsso_start_url = \
         https://corp.awsapps.com/start\nsso_region = us-east-1\nsso_registration_scopes = \
         sso:account:access\n",
    ),
    (
        "services",
        "[default]\nservices = local\ns3 =\n  addressing_style = path\n  \
         max_concurrent_requests = 20\nretry_mode = adaptive\nmax_attempts = 5\n\n[services \
         local]\ndynamodb =\n  endpoint_url = http://localhost:8000\ns3 =\n  endpoint_url = \
         http://localhost:4566\n",
    ),
    (
        "credentials",
        "[default]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = \
         wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY ; a comment\naws_session_token = \
         IQoJb3JpZ2luX2VjEOr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD\n\n[ci]\n\
         aws_access_key_id=AKID2\naws_secret_access_key=secret2\n",
    ),
    (
        "process-crlf",
        "# comment\r\n[profile proc]\r\ncredential_process = /usr/bin/creds --profile \"x y\" \
         # why\r\nca_bundle = ~/certs/ca.pem\r\nendpoint_url = https://example.com\r\n\
         use_fips_endpoint = true\r\n\t; indented comment\r\n[profile web]\r\n\
         web_identity_token_file = /var/run/token\r\nrole_arn = \
         arn:aws:iam::123456789012:role/web\r\nrole_session_name = session\r\n",
    ),
];

/// One stream of each service the `event_stream` target reads, after its selector byte (the low
/// two bits pick the service, the next ones the size of the pieces it arrives in): events,
/// modeled exceptions and unmodeled errors.
fn event_streams() -> Vec<(&'static str, Vec<u8>)> {
    use rboto::eventstream::{HeaderValue, Message};

    let message = |kind: &str, name: &str, payload: &[u8]| {
        let s = |v: &str| HeaderValue::String(v.to_string());
        let name_header = match kind {
            "event" => ":event-type",
            "exception" => ":exception-type",
            _ => ":error-code",
        };
        Message::new(payload.to_vec())
            .with_header(":message-type", s(kind))
            .with_header(name_header, s(name))
            .with_header(":content-type", s("application/octet-stream"))
    };
    let stream = |selector: u8, messages: &[Message]| {
        let mut out = vec![selector];
        for m in messages {
            out.extend_from_slice(&m.encode().expect("a seed message encodes"));
        }
        out
    };
    vec![
        (
            "s3-select-object-content",
            stream(
                0,
                &[
                    message("event", "Records", b"a,1\nb,2\n"),
                    message(
                        "event",
                        "Stats",
                        b"<Stats><BytesScanned>100</BytesScanned><BytesReturned>3</BytesReturned>\
                          </Stats>",
                    ),
                    message(
                        "event",
                        "Progress",
                        b"<Progress><BytesProcessed>1</BytesProcessed></Progress>",
                    ),
                    message("event", "End", b""),
                ],
            ),
        ),
        (
            "lambda-invoke-with-response-stream",
            stream(
                0x11,
                &[
                    message("event", "PayloadChunk", b"{\"x\":1}"),
                    message(
                        "event",
                        "InvokeComplete",
                        b"{\"ErrorCode\":\"E\",\"LogResult\":\"bG9n\"}",
                    ),
                    message("error", "InternalError", b""),
                ],
            ),
        ),
        (
            "kinesis-subscribe-to-shard",
            stream(
                0x22,
                &[
                    message(
                        "event",
                        "SubscribeToShardEvent",
                        b"{\"Records\":[{\"SequenceNumber\":\"1\",\"Data\":\"aGk=\",\
                          \"PartitionKey\":\"p\",\"ApproximateArrivalTimestamp\":1.5}],\
                          \"ContinuationSequenceNumber\":\"2\",\"MillisBehindLatest\":0}",
                    ),
                    message(
                        "exception",
                        "ResourceNotFoundException",
                        b"{\"message\":\"gone\"}",
                    ),
                ],
            ),
        ),
        (
            "logs-start-live-tail",
            stream(
                0x33,
                &[
                    message(
                        "event",
                        "sessionStart",
                        b"{\"requestId\":\"r\",\"logGroupIdentifiers\":[\"g\"]}",
                    ),
                    message(
                        "event",
                        "sessionUpdate",
                        b"{\"sessionMetadata\":{\"sampled\":true},\"sessionResults\":\
                          [{\"message\":\"m\",\"timestamp\":5}]}",
                    ),
                    message(
                        "exception",
                        "SessionTimeoutException",
                        b"{\"message\":\"t\"}",
                    ),
                ],
            ),
        ),
    ]
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
                .filter(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    name.starts_with(PREFIX) || name.starts_with(BUILT)
                })
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
